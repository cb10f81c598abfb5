//! Derived facts of a client: recomputed from its rows after every write that touches
//! it, never logged (each copy of a base derives them for itself).

use super::error::StoreResult;
use super::search::{search_rowid, search_text};
use crate::domain::dates::Birthday;
use crate::domain::settings::Settings;
use rusqlite::types::Value;
use rusqlite::{params, Connection, OptionalExtension};

/// The name shown in lists: the company for a company, else `Фамилия Имя Отчество`.
pub fn display_name(
    kind: &str,
    last: Option<&str>,
    first: Option<&str>,
    patronymic: Option<&str>,
    company: Option<&str>,
) -> String {
    let person = [last, first, patronymic]
        .into_iter()
        .flatten()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    match (kind, company) {
        ("company", Some(company)) if !company.is_empty() => company.to_string(),
        _ if !person.is_empty() => person,
        (_, Some(company)) => company.to_string(),
        _ => String::new(),
    }
}

/// What a client's refresh leaves to do in the search index.
#[derive(Debug, Default)]
pub(crate) struct SearchWork {
    delete: Option<i64>,
    insert: Option<(i64, String)>,
}

impl SearchWork {
    /// Deletions first, then insertions, each in rowid order: a deletion from a
    /// contentless index makes it flush what it holds pending, so alternating them
    /// would flush once a client.
    pub(crate) fn apply_all(works: Vec<SearchWork>, conn: &Connection) -> StoreResult<()> {
        let mut deletes: Vec<i64> = works.iter().filter_map(|w| w.delete).collect();
        deletes.sort_unstable();
        for old in deletes {
            conn.prepare_cached("DELETE FROM client_search WHERE rowid = ?1")?
                .execute([old])?;
        }
        // In rowid order: FTS5 flushes whenever a rowid is not above the previous one.
        let mut inserts: Vec<&(i64, String)> =
            works.iter().filter_map(|w| w.insert.as_ref()).collect();
        inserts.sort_unstable_by_key(|(rowid, _)| *rowid);
        for (rowid, text) in inserts {
            index_client(conn, *rowid, text)?;
        }
        Ok(())
    }

    pub(crate) fn apply(self, conn: &Connection) -> StoreResult<()> {
        if let Some(old) = self.delete {
            conn.prepare_cached("DELETE FROM client_search WHERE rowid = ?1")?
                .execute([old])?;
        }
        if let Some((rowid, text)) = self.insert {
            index_client(conn, rowid, &text)?;
        }
        Ok(())
    }
}

/// Recomputes a client's derived facts and its search text.
pub fn refresh_client(conn: &Connection, client_id: i64, settings: &Settings) -> StoreResult<()> {
    refresh_client_facts(conn, client_id, settings)?.apply(conn)
}

/// Like [`refresh_client`], but the search index is left to the caller: a write that
/// touches many clients writes all their index entries together at its end, as every
/// other statement in between would make FTS5 flush its pending entries to disk.
pub(crate) fn refresh_client_facts(
    conn: &Connection,
    client_id: i64,
    settings: &Settings,
) -> StoreResult<SearchWork> {
    let row = conn
        .prepare_cached(
            "SELECT kind, last_name, first_name, patronymic, company, birthday, deleted, manager_id, search_rowid,
               search_hash
             FROM clients WHERE id = ?1",
        )?
        .query_row([client_id], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, Option<String>>(1)?,
                r.get::<_, Option<String>>(2)?,
                r.get::<_, Option<String>>(3)?,
                r.get::<_, Option<String>>(4)?,
                r.get::<_, Option<String>>(5)?,
                r.get::<_, bool>(6)?,
                r.get::<_, i64>(7)?,
                r.get::<_, Option<i64>>(8)?,
                r.get::<_, Option<i64>>(9)?,
            ))
        })
        .optional()?;
    let Some((
        kind,
        last,
        first,
        patronymic,
        company,
        birthday,
        deleted,
        manager_id,
        old_rowid,
        old_hash,
    )) = row
    else {
        return Ok(SearchWork::default());
    };
    let name = display_name(
        &kind,
        last.as_deref(),
        first.as_deref(),
        patronymic.as_deref(),
        company.as_deref(),
    );
    let birthday_md = birthday
        .as_deref()
        .and_then(Birthday::from_stored)
        .map(|b| b.month_day());

    let points: Vec<(String, String)> = conn
        .prepare_cached("SELECT kind, value FROM contact_points WHERE client_id = ?1 AND deleted = 0 ORDER BY uuid")?
        .query_map([client_id], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    let people: Vec<(String, Option<String>, Option<String>)> = conn
        .prepare_cached(
            "SELECT name, phone, email FROM contact_people WHERE client_id = ?1 AND deleted = 0",
        )?
        .query_map([client_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<Result<_, _>>()?;
    let tags: Vec<String> = conn
        .prepare_cached("SELECT tag FROM tags WHERE client_id = ?1 AND deleted = 0")?
        .query_map([client_id], |r| r.get(0))?
        .collect::<Result<_, _>>()?;

    let primary_phone = points
        .iter()
        .find(|(k, _)| k == "phone")
        .map(|(_, v)| v.clone());
    let has_email = points.iter().any(|(k, _)| k == "email");

    // The orders, and the purchases an import counted without listing them.
    let (orders_count, total_spent, last_order_at): (i64, i64, Option<i64>) = conn
        .prepare_cached(
            "SELECT count(o.id) + c.history_orders,
                    CAST(total(o.amount_minor) + c.history_spent_minor AS INTEGER),
                    max(coalesce(max(o.ordered_at), c.history_last_order_at),
                        coalesce(c.history_last_order_at, max(o.ordered_at)))
             FROM clients c
             LEFT JOIN orders o ON o.client_id = c.id AND o.deleted = 0 AND o.status != 'cancelled'
             WHERE c.id = ?1",
        )?
        .query_row([client_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    let last_contact_at: Option<i64> = conn
        .prepare_cached("SELECT max(at) FROM interactions WHERE client_id = ?1 AND deleted = 0 AND kind != 'note'")?
        .query_row([client_id], |r| r.get(0))?;
    let (next_contact_at, next_contact_rule): (Option<i64>, Option<String>) = conn
        .prepare_cached(
            "SELECT due_at, rule FROM scheduled_contacts WHERE client_id = ?1 AND deleted = 0 AND done_at IS NULL
             ORDER BY due_at LIMIT 1",
        )?
        .query_row([client_id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?
        .unwrap_or((None, None));
    let has_requisites: bool = conn
        .prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM requisites WHERE client_id = ?1 AND deleted = 0
               AND coalesce(inn, kpp, ogrn, bank_account, bik, bank_name) IS NOT NULL)",
        )?
        .query_row([client_id], |r| r.get(0))?;
    let marketing_consent: bool = conn
        .prepare_cached(
            "SELECT coalesce((SELECT status = 'given' FROM consents
               WHERE client_id = ?1 AND deleted = 0 AND purpose = 'marketing'
               ORDER BY given_on DESC, id DESC LIMIT 1), 0)",
        )?
        .query_row([client_id], |r| r.get(0))?;

    let facts: [(&str, Value); 13] = [
        ("display_name", Value::Text(name.clone())),
        ("sort_name", Value::Text(crate::domain::text::fold(&name))),
        ("primary_phone", Value::from(primary_phone)),
        ("birthday_md", Value::from(birthday_md.map(i64::from))),
        ("orders_count", Value::Integer(orders_count)),
        ("total_spent_minor", Value::Integer(total_spent)),
        ("last_order_at", Value::from(last_order_at)),
        ("last_contact_at", Value::from(last_contact_at)),
        ("next_contact_at", Value::from(next_contact_at)),
        ("has_email", Value::Integer(i64::from(has_email))),
        ("has_requisites", Value::Integer(i64::from(has_requisites))),
        (
            "marketing_consent",
            Value::Integer(i64::from(marketing_consent)),
        ),
        ("next_contact_rule", Value::from(next_contact_rule)),
    ];
    store_changed_facts(conn, client_id, &facts)?;

    super::tiers::refresh_tier(conn, client_id, settings, chrono::Utc::now())?;
    let rowid = search_rowid(manager_id, client_id);
    let text = (!deleted).then(|| {
        let person = [last.as_deref(), first.as_deref(), patronymic.as_deref()]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" ");
        let mut names: Vec<&str> = vec![&person];
        names.extend(company.as_deref());
        names.extend(people.iter().map(|(n, _, _)| n.as_str()));
        names.extend(people.iter().filter_map(|(_, _, e)| e.as_deref()));
        names.extend(
            points
                .iter()
                .filter(|(k, _)| k != "phone")
                .map(|(_, v)| v.as_str()),
        );
        names.extend(tags.iter().map(String::as_str));
        let phones = points
            .iter()
            .filter(|(k, _)| k == "phone")
            .map(|(_, v)| v.as_str())
            .chain(people.iter().filter_map(|(_, p, _)| p.as_deref()));
        search_text(names, phones)
    });
    let hash = text.as_deref().map(text_fingerprint);
    // The index already holds this very text under this rowid: nothing to rewrite.
    if old_rowid == text.as_ref().map(|_| rowid) && old_hash == hash && hash.is_some() {
        return Ok(SearchWork::default());
    }
    conn.prepare_cached("UPDATE clients SET search_rowid = ?2, search_hash = ?3 WHERE id = ?1")?
        .execute(params![client_id, (!deleted).then_some(rowid), hash])?;
    Ok(SearchWork {
        delete: old_rowid,
        insert: text.map(|t| (rowid, t)),
    })
}

/// Recomputes a client's last contact alone (its interactions changed, nothing else).
/// A note is no contact with the client: a lead with only notes is still new.
pub(crate) fn refresh_last_contact(conn: &Connection, client_id: i64) -> StoreResult<()> {
    let last: Option<i64> = conn
        .prepare_cached("SELECT max(at) FROM interactions WHERE client_id = ?1 AND deleted = 0 AND kind != 'note'")?
        .query_row([client_id], |r| r.get(0))?;
    store_changed_facts(conn, client_id, &[("last_contact_at", Value::from(last))])
}

/// Writes the facts that differ from what the row holds. SQLite rewrites every index
/// holding a column an UPDATE sets, changed or not, and the client row is in a dozen:
/// an edit of a note must not rewrite them all.
fn store_changed_facts(
    conn: &Connection,
    client_id: i64,
    facts: &[(&str, Value)],
) -> StoreResult<()> {
    let columns: Vec<&str> = facts.iter().map(|(c, _)| *c).collect();
    let current: Vec<Value> = conn
        .prepare_cached(&format!(
            "SELECT {} FROM clients WHERE id = ?1",
            columns.join(", ")
        ))?
        .query_row([client_id], |r| {
            (0..columns.len()).map(|i| r.get::<_, Value>(i)).collect()
        })?;
    let changed: Vec<&(&str, Value)> = facts
        .iter()
        .zip(&current)
        .filter(|((_, new), old)| new != *old)
        .map(|(fact, _)| fact)
        .collect();
    if changed.is_empty() {
        return Ok(());
    }
    let sets: Vec<String> = changed.iter().map(|(c, _)| format!("{c} = ?")).collect();
    let mut values: Vec<&Value> = changed.iter().map(|(_, v)| v).collect();
    let id = Value::Integer(client_id);
    values.push(&id);
    conn.prepare_cached(&format!(
        "UPDATE clients SET {} WHERE id = ?",
        sets.join(", ")
    ))?
    .execute(rusqlite::params_from_iter(values))?;
    Ok(())
}

/// A stable 63-bit fingerprint of a search text (FNV-1a): the same on every run and
/// every machine, as it is stored.
pub(crate) fn text_fingerprint(text: &str) -> i64 {
    let hash = text.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    });
    (hash >> 1) as i64
}

impl super::Store {
    /// Indexes the clients of an import that committed but stopped before its search
    /// index was written (see `search_backlog`): their facts and search text derived
    /// anew from what the base holds.
    pub(crate) fn index_search_backlog(&mut self) -> StoreResult<()> {
        let ranges: Vec<(i64, i64)> = self
            .conn
            .prepare("SELECT first_id, last_id FROM search_backlog")?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<_, _>>()?;
        if ranges.is_empty() {
            return Ok(());
        }
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        for (first, last) in ranges {
            // Their fingerprints were written with the rows; the index never was.
            tx.execute(
                "UPDATE clients SET search_hash = NULL WHERE id BETWEEN ?1 AND ?2",
                [first, last],
            )?;
            let ids: Vec<i64> = tx
                .prepare("SELECT id FROM clients WHERE id BETWEEN ?1 AND ?2")?
                .query_map([first, last], |r| r.get(0))?
                .collect::<Result<_, _>>()?;
            for id in ids {
                refresh_client(&tx, id, &self.settings)?;
            }
            clear_search_backlog(&tx, first, last)?;
        }
        tx.commit()?;
        Ok(())
    }
}

/// Forgets a backlog entry once its clients are indexed.
pub(crate) fn clear_search_backlog(conn: &Connection, first: i64, last: i64) -> StoreResult<()> {
    conn.execute(
        "DELETE FROM search_backlog WHERE first_id = ?1 AND last_id = ?2",
        [first, last],
    )?;
    Ok(())
}

/// Adds a client's text to the search index under its search rowid.
pub fn index_client(conn: &Connection, search_rowid: i64, text: &str) -> StoreResult<()> {
    conn.prepare_cached("INSERT INTO client_search (rowid, text) VALUES (?1, ?2)")?
        .execute(params![search_rowid, text])?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_names() {
        assert_eq!(
            display_name(
                "person",
                Some("Иванов"),
                Some("Иван"),
                Some("Иванович"),
                None
            ),
            "Иванов Иван Иванович"
        );
        assert_eq!(
            display_name("company", Some("Иванов"), None, None, Some("ООО Ромашка")),
            "ООО Ромашка"
        );
        assert_eq!(
            display_name("person", None, None, None, Some("ИП Петров")),
            "ИП Петров"
        );
    }
}
