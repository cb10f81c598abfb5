//! Duplicates: a row whose normalised phone or e-mail is already a client's, or an
//! earlier row's of the same file, is a duplicate; `--on-duplicate` says what happens.
//!
//! Visibility: a manager's row may match a client of another manager. Saying which
//! client would show someone else's client; creating it anyway would give one person
//! two managers (rule 1). So such a row is never imported, whatever `--on-duplicate`
//! says, and is reported only as "a client you cannot see", without a number or a
//! name: the manager learns that the phone is in the base, and a lead or an admin,
//! who sees everyone, can import or merge it.

use super::rows::ImportRow;
use crate::domain::fields::Field;
use crate::store::error::StoreResult;
use crate::store::Viewer;
use rusqlite::Connection;
use std::collections::HashMap;

/// What to do with a row that duplicates a client.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OnDuplicate {
    /// Leave the client as it is and the row out.
    #[default]
    Skip,
    /// Add what the row has and the client lacks: blank fields, phones, e-mails, tags,
    /// orders, contacts.
    Merge,
    /// Import the row as a new client anyway.
    Create,
}

impl OnDuplicate {
    pub fn parse(text: &str) -> Option<OnDuplicate> {
        match text.trim().to_lowercase().as_str() {
            "skip" => Some(OnDuplicate::Skip),
            "merge" => Some(OnDuplicate::Merge),
            "create" => Some(OnDuplicate::Create),
            _ => None,
        }
    }
}

/// Whom a row duplicates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Match {
    /// A client already in the base; `number` is `None` when the viewer may not see it.
    Existing { id: i64, number: Option<String> },
    /// An earlier row of the file; `id` is the client it became (none in a dry run).
    Earlier { line: u64, id: Option<i64> },
}

/// What became of a duplicate row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Skipped,
    Merged,
    Created,
    /// Matches a client the viewer cannot see: never imported.
    NotVisible,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct DuplicateLine {
    pub line: u64,
    /// The phone or e-mail that matched.
    pub value: String,
    /// The existing client's number (absent for one the viewer cannot see).
    pub number: Option<String>,
    /// The earlier row of the file it repeats.
    pub earlier_line: Option<u64>,
    pub outcome: Outcome,
}

/// The phones and e-mails of the rows imported so far.
#[derive(Default)]
pub struct Seen {
    values: HashMap<String, (u64, Option<i64>)>,
}

impl Seen {
    pub fn remember(&mut self, row: &ImportRow, id: Option<i64>) {
        for value in contact_values(row) {
            self.values.entry(value.clone()).or_insert((row.line, id));
        }
    }
}

fn contact_values(row: &ImportRow) -> impl Iterator<Item = &String> {
    row.list(Field::Phones)
        .iter()
        .chain(row.list(Field::Emails))
}

/// The first client or earlier row this row duplicates, with the value that matched.
pub fn find_duplicate(
    conn: &Connection,
    viewer: &Viewer,
    seen: &Seen,
    row: &ImportRow,
) -> StoreResult<Option<(Match, String)>> {
    // An earlier row first: in a real import it is already in the base, but "line 4"
    // says more than the number it was just given.
    for value in contact_values(row) {
        if let Some((line, id)) = seen.values.get(value) {
            return Ok(Some((
                Match::Earlier {
                    line: *line,
                    id: *id,
                },
                value.clone(),
            )));
        }
    }
    // The viewer's own client first, when the value is on several; chosen here rather
    // than in SQL: an ORDER BY would sort in a temporary b-tree on every lookup.
    let mut lookup = conn.prepare_cached(
        "SELECT c.id, c.number, c.manager_id FROM contact_points p
         JOIN clients c /* scope: a duplicate of anyone's client, its number shown where Scope::sees */
           ON c.id = p.client_id
         WHERE p.value = ?1 AND p.deleted = 0 AND c.deleted = 0 AND c.forgotten_at IS NULL
         LIMIT 16",
    )?;
    for value in contact_values(row) {
        let found: Vec<(i64, String, i64)> = lookup
            .query_map([value], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<Result<_, _>>()?;
        let scope = crate::store::Scope::of(viewer);
        let visible = |manager: i64| scope.sees(manager);
        let best = found
            .iter()
            .find(|(_, _, manager)| visible(*manager))
            .or(found.first());
        if let Some((id, number, manager)) = best {
            let number = visible(*manager).then(|| number.clone());
            return Ok(Some((Match::Existing { id: *id, number }, value.clone())));
        }
    }
    Ok(None)
}
