//! Duplicates: finding clients that are likely one person or company (`dupes`), and
//! merging two into one (`merge KEEP OTHER`). Finding groups by indexed columns and
//! by a name key computed once per client, never comparing every pair; merging goes
//! through the one write path, so the change log holds every moved row.

use super::error::StoreResult;
use super::{Scope, Store, Viewer};
use serde::Serialize;
use std::collections::{HashMap, HashSet};

mod merge;
mod names;

/// Why two clients look like one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    Phone,
    Email,
    NameAndBirthday,
    /// The same full name in the same city (three «Зубов Макар Ильич, Тверь»).
    NameAndCity,
    /// The same name written differently: `ё`/`е`, letter case, word order, or
    /// Latin and Cyrillic letters.
    SimilarName,
}

impl Reason {
    /// How sure the match is: a shared phone is nearly always the same client.
    pub fn score(self) -> u32 {
        match self {
            Reason::Phone => 100,
            Reason::Email => 90,
            Reason::NameAndBirthday => 80,
            Reason::NameAndCity => 70,
            Reason::SimilarName => 50,
        }
    }

    pub fn label(self) -> String {
        crate::i18n::tr(&format!("dupes.reason_{}", self.code()))
    }

    pub fn code(self) -> &'static str {
        match self {
            Reason::Phone => "phone",
            Reason::Email => "email",
            Reason::NameAndBirthday => "name_and_birthday",
            Reason::NameAndCity => "name_and_city",
            Reason::SimilarName => "similar_name",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DupeClient {
    pub number: String,
    pub name: String,
    pub manager: String,
}

/// Clients that look like one, with the reason and what they share.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DuplicateGroup {
    pub reason: Reason,
    pub score: u32,
    /// The phone, e-mail or name they share.
    pub value: String,
    pub clients: Vec<DupeClient>,
}

/// What a merge moved to the kept client.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct MergeSummary {
    pub kept: String,
    pub merged: String,
    pub moved_rows: usize,
    pub added_contacts: usize,
}

/// A group before its clients are named.
struct Found {
    reason: Reason,
    value: String,
    ids: Vec<i64>,
}

impl Store {
    /// The likely duplicates among the viewer's clients, best first, at most `limit`
    /// groups.
    pub fn find_duplicates(
        &self,
        viewer: &Viewer,
        limit: usize,
    ) -> StoreResult<Vec<DuplicateGroup>> {
        let visible = Scope::of(viewer).clients("c");
        let ids_of = |list: String| -> Vec<i64> {
            list.split(',').filter_map(|id| id.parse().ok()).collect()
        };
        let mut found: Vec<Found> = Vec::new();
        let sql = format!(
            "SELECT p.kind, p.value, group_concat(DISTINCT c.id) FROM contact_points p
             JOIN clients c ON c.id = p.client_id
             WHERE p.deleted = 0 AND p.kind IN ('phone', 'email') AND p.value != ''
               AND c.deleted = 0 AND c.forgotten_at IS NULL AND {visible}
             GROUP BY p.value HAVING count(DISTINCT c.id) > 1"
        );
        let mut stmt = self.conn.prepare(&sql)?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let kind: String = r.get(0)?;
            found.push(Found {
                reason: if kind == "phone" {
                    Reason::Phone
                } else {
                    Reason::Email
                },
                value: r.get(1)?,
                ids: ids_of(r.get(2)?),
            });
        }
        let sql = format!(
            "SELECT min(c.display_name), c.birthday, group_concat(c.id) FROM clients c
             WHERE c.deleted = 0 AND c.forgotten_at IS NULL AND c.birthday IS NOT NULL AND c.sort_name != '' AND {visible}
             GROUP BY c.sort_name, c.birthday HAVING count(*) > 1"
        );
        let mut stmt = self.conn.prepare(&sql)?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let (name, birthday): (String, String) = (r.get(0)?, r.get(1)?);
            found.push(Found {
                reason: Reason::NameAndBirthday,
                value: format!("{name}, {birthday}"),
                ids: ids_of(r.get(2)?),
            });
        }
        // A full name (at least two words) in one city: a person's, not a company's
        // (a chain has a shop in every city under one name).
        let sql = format!(
            "SELECT min(c.display_name), min(c.city), group_concat(c.id) FROM clients c
             WHERE c.deleted = 0 AND c.forgotten_at IS NULL AND c.kind = 'person'
               AND c.sort_name LIKE '% %' AND c.city IS NOT NULL AND c.city != '' AND {visible}
             GROUP BY c.sort_name, lower(trim(c.city)) HAVING count(*) > 1"
        );
        let mut stmt = self.conn.prepare(&sql)?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let (name, city): (String, String) = (r.get(0)?, r.get(1)?);
            found.push(Found {
                reason: Reason::NameAndCity,
                value: format!("{name}, {city}"),
                ids: ids_of(r.get(2)?),
            });
        }
        found.extend(self.similar_names(&visible)?);
        // A pair already found for a stronger reason is not repeated for a weaker one.
        found.sort_by(|a, b| {
            b.reason
                .score()
                .cmp(&a.reason.score())
                .then(b.ids.len().cmp(&a.ids.len()))
                .then(a.value.cmp(&b.value))
        });
        let mut pairs: HashSet<(i64, i64)> = HashSet::new();
        let mut groups = Vec::new();
        for group in found {
            let mut new_pair = false;
            for (i, a) in group.ids.iter().enumerate() {
                for b in &group.ids[i + 1..] {
                    new_pair |= pairs.insert((*a.min(b), *a.max(b)));
                }
            }
            if !new_pair {
                continue;
            }
            groups.push(DuplicateGroup {
                reason: group.reason,
                score: group.reason.score(),
                value: group.value,
                clients: self.dupe_clients(&group.ids)?,
            });
            if groups.len() >= limit {
                break;
            }
        }
        Ok(groups)
    }

    /// Names equal once case, `ё`, word order and alphabet are set aside, where the
    /// names as written differ (two people may well share one name written alike).
    fn similar_names(&self, visible: &str) -> StoreResult<Vec<Found>> {
        let sql = format!(
            "SELECT c.id, c.display_name FROM clients c
             WHERE c.deleted = 0 AND c.forgotten_at IS NULL AND c.display_name != '' AND {visible}"
        );
        let mut stmt = self.conn.prepare(&sql)?;
        let mut rows = stmt.query([])?;
        // A hash of each key, not the keys: 16 bytes a client, sorted to find equal runs.
        let mut keyed: Vec<(u64, i64)> = Vec::new();
        while let Some(r) = rows.next()? {
            let name: String = r.get(1)?;
            keyed.push((names::key_hash(&name), r.get(0)?));
        }
        keyed.sort_unstable();
        let mut found = Vec::new();
        for run in keyed
            .chunk_by(|a, b| a.0 == b.0)
            .filter(|run| run.len() > 1)
        {
            let ids: Vec<i64> = run.iter().map(|(_, id)| *id).collect();
            let named = self.names_of(&ids)?;
            // Hash collisions are split by the key itself.
            let mut by_key: HashMap<String, Vec<(i64, String)>> = HashMap::new();
            for (id, name) in named {
                by_key
                    .entry(names::key(&name))
                    .or_default()
                    .push((id, name));
            }
            for (_, members) in by_key {
                if names::spelled_alike(members.iter().map(|(_, n)| n.as_str())) {
                    found.push(Found {
                        reason: Reason::SimilarName,
                        value: members[0].1.clone(),
                        ids: members.iter().map(|(id, _)| *id).collect(),
                    });
                }
            }
        }
        Ok(found)
    }

    fn names_of(&self, ids: &[i64]) -> StoreResult<Vec<(i64, String)>> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT id, display_name FROM clients /* scope: ids found in scope */
                 WHERE id IN (SELECT value FROM json_each(?1)) ORDER BY id",
            )?
            .query_map([serde_json::to_string(ids)?], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })?
            .collect::<Result<_, _>>()?)
    }

    fn dupe_clients(&self, ids: &[i64]) -> StoreResult<Vec<DupeClient>> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT c.number, c.display_name, m.login FROM clients c /* scope: ids found in scope */
                 JOIN managers m ON m.id = c.manager_id
                 WHERE c.id IN (SELECT value FROM json_each(?1)) ORDER BY c.id",
            )?
            .query_map([serde_json::to_string(ids)?], |r| {
                Ok(DupeClient {
                    number: r.get(0)?,
                    name: r.get(1)?,
                    manager: r.get(2)?,
                })
            })?
            .collect::<Result<_, _>>()?)
    }
}
