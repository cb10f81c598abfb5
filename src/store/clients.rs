//! Adding and changing clients: the fields of a draft, reassignment, archiving and
//! forgetting. Visibility first: a client the viewer may not see does not exist.

use super::error::{StoreError, StoreResult};
use super::write::{int, opt_text, text, Entity, Writer};
use super::{Store, Viewer};
use crate::domain::codes::{ArchiveReason, ClientKind};
use crate::domain::fields::{CheckedDraft, ClientDraft, Field, Value};
use crate::domain::rules::may_reassign;
use rusqlite::{params, OptionalExtension};

/// The column of the clients table a plain field is stored in.
pub(crate) fn column_of(field: Field) -> Option<&'static str> {
    Some(match field {
        Field::Kind => "kind",
        Field::LastName => "last_name",
        Field::FirstName => "first_name",
        Field::Patronymic => "patronymic",
        Field::Company => "company",
        Field::LegalForm => "legal_form",
        Field::Position => "position",
        Field::Birthday => "birthday",
        Field::Gender => "gender",
        Field::Occupation => "occupation",
        Field::City => "city",
        Field::TimeZone => "time_zone",
        Field::Address => "address",
        Field::Channel => "preferred_channel",
        Field::CallWindow => "call_window",
        Field::Source => "source",
        Field::Stage => "stage",
        Field::Notes => "notes",
        Field::Name | Field::Phones | Field::Emails | Field::Tags => return None,
    })
}

pub(crate) fn today() -> chrono::NaiveDate {
    chrono::Local::now().date_naive()
}

impl Store {
    /// Adds a client and returns its number. `manager` hands it to someone else (leads
    /// and admins only); by default it is the viewer's.
    /// The viewer's clients that already have one of the draft's phones or e-mails:
    /// (the value, the client's number, its name). A new client with them is most
    /// likely one of these.
    pub fn clients_with_contacts_of(
        &self,
        viewer: &Viewer,
        draft: &ClientDraft,
    ) -> StoreResult<Vec<(String, String, String)>> {
        let checked = draft.check(today()).map_err(StoreError::Fields)?;
        let values: Vec<String> = [Field::Phones, Field::Emails]
            .into_iter()
            .flat_map(|f| checked.list(f).unwrap_or(&[]).to_vec())
            .collect();
        if values.is_empty() {
            return Ok(Vec::new());
        }
        let visible = super::Scope::of(viewer).clients("c");
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT p.value, c.number, c.display_name FROM contact_points p
             JOIN clients c ON c.id = p.client_id
             WHERE p.value IN (SELECT value FROM json_each(?1)) AND p.deleted = 0
               AND c.deleted = 0 AND c.forgotten_at IS NULL AND {visible}
             ORDER BY c.id"
        ))?;
        let found = stmt
            .query_map([serde_json::to_string(&values)?], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })?
            .collect::<Result<_, _>>()?;
        Ok(found)
    }

    pub fn add_client(
        &mut self,
        viewer: &Viewer,
        draft: &ClientDraft,
        manager: Option<&str>,
    ) -> StoreResult<String> {
        let checked = draft.check(today()).map_err(StoreError::Fields)?;
        let manager_id = match manager {
            Some(login) if login.trim().to_lowercase() != viewer.login => {
                let id = self.manager_id(login)?;
                if !may_reassign(viewer.role) {
                    return Err(StoreError::NotAllowedToReassign);
                }
                id
            }
            _ => viewer.id,
        };
        let kind = match checked.text(Field::Kind).flatten() {
            Some(kind) => kind.to_string(),
            None if checked.text(Field::Company).flatten().is_some() => {
                ClientKind::Company.code().to_string()
            }
            None => ClientKind::Person.code().to_string(),
        };
        require_name(&kind, &checked)?;
        self.write(Some(viewer), |w| {
            let number = w.next_number()?;
            let mut fields: Vec<(&str, rusqlite::types::Value)> = vec![
                ("number", text(&number)),
                ("kind", text(&kind)),
                ("manager_id", int(manager_id)),
                ("created_at", int(w.now_ms())),
            ];
            for (field, value) in &checked.values {
                if let (Some(column), Value::Text(v)) = (column_of(*field), value) {
                    if column != "kind" {
                        fields.push((column, opt_text(v.clone())));
                    }
                }
            }
            let (id, _) = w.insert(Entity::Client, &fields)?;
            set_lists(w, id, &checked)?;
            Ok(number)
        })
    }

    /// Changes the given fields of a client. Lists (phones, e-mails, tags) are replaced
    /// by what is given.
    pub fn edit_client(
        &mut self,
        viewer: &Viewer,
        number: &str,
        draft: &ClientDraft,
    ) -> StoreResult<bool> {
        self.edit_client_since(viewer, number, draft, None)
    }

    /// Where a client's change log stands. An edit form keeps it with the values it
    /// loaded, so that saving can tell what was changed meanwhile.
    pub fn client_version(&self, viewer: &Viewer, number: &str) -> StoreResult<i64> {
        let id = self.resolve(viewer, number)?;
        Ok(self
            .conn
            .prepare_cached("SELECT coalesce(max(seq), 0) FROM change_log WHERE client_id = ?1")?
            .query_row([id], |r| r.get(0))?)
    }

    /// Like [`Store::edit_client`], for an edit of the values read at `loaded` (a
    /// [`Store::client_version`]): when a field this edit changes was changed after that
    /// (by another process on this device, or a merge), nothing is written and the error
    /// names who changed it. Changes of other fields meanwhile are kept as they are.
    pub fn edit_client_since(
        &mut self,
        viewer: &Viewer,
        number: &str,
        draft: &ClientDraft,
        loaded: Option<i64>,
    ) -> StoreResult<bool> {
        let id = self.resolve(viewer, number)?;
        self.ensure_not_forgotten(id)?;
        let checked = draft.check(today()).map_err(StoreError::Fields)?;
        let kind: String =
            self.conn
                .query_row("SELECT kind FROM clients WHERE id = ?1", [id], |r| r.get(0))?;
        let mut merged = self.current_names(id)?;
        merged.values.extend(checked.values.iter().cloned());
        let kind = merged
            .text(Field::Kind)
            .flatten()
            .map(str::to_string)
            .unwrap_or(kind);
        require_name(&kind, &merged)?;
        self.write(Some(viewer), |w| {
            // Checked inside the write: no other process can write in between.
            if let Some(loaded) = loaded {
                if let Some(clash) = changed_meanwhile(w, id, loaded, &checked)? {
                    return Err(clash);
                }
            }
            let fields: Vec<(&str, rusqlite::types::Value)> = checked
                .values
                .iter()
                .filter_map(|(field, value)| match (column_of(*field), value) {
                    (Some(column), Value::Text(v)) => Some((column, opt_text(v.clone()))),
                    _ => None,
                })
                .collect();
            let mut changed = !fields.is_empty() && w.update(Entity::Client, id, &fields)?;
            changed |= set_lists(w, id, &checked)?;
            Ok(changed)
        })
    }

    fn current_names(&self, id: i64) -> StoreResult<CheckedDraft> {
        let (last, first, company): (Option<String>, Option<String>, Option<String>) =
            self.conn.query_row(
                "SELECT last_name, first_name, company FROM clients WHERE id = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )?;
        Ok(CheckedDraft {
            values: vec![
                (Field::LastName, Value::Text(last)),
                (Field::FirstName, Value::Text(first)),
                (Field::Company, Value::Text(company)),
            ],
        })
    }

    /// Like [`Store::resolve`], for writes: a forgotten client takes no new data.
    pub(crate) fn resolve_writable(&self, viewer: &Viewer, number: &str) -> StoreResult<i64> {
        let id = self.resolve(viewer, number)?;
        self.ensure_not_forgotten(id)?;
        Ok(id)
    }

    pub(crate) fn ensure_not_forgotten(&self, id: i64) -> StoreResult<()> {
        let forgotten: bool = self.conn.query_row(
            "SELECT forgotten_at IS NOT NULL FROM clients WHERE id = ?1",
            [id],
            |r| r.get(0),
        )?;
        if forgotten {
            Err(StoreError::Forgotten)
        } else {
            Ok(())
        }
    }

    /// Hands a client to another manager (rule 1: leads and admins only). The change is
    /// in the client's history; open contacts and orders move with the client.
    pub fn assign(&mut self, viewer: &Viewer, number: &str, login: &str) -> StoreResult<()> {
        let id = self.resolve(viewer, number)?;
        if !may_reassign(viewer.role) {
            return Err(StoreError::NotAllowedToReassign);
        }
        let manager_id = self.manager_id(login)?;
        self.write(Some(viewer), |w| {
            w.update(Entity::Client, id, &[("manager_id", int(manager_id))])?;
            let open = open_contacts(w, id)?;
            for task in open {
                w.update(
                    Entity::ScheduledContact,
                    task,
                    &[("manager_id", int(manager_id))],
                )?;
            }
            for order in child_rows(w, Entity::Order, id)? {
                w.update(Entity::Order, order, &[("manager_id", int(manager_id))])?;
            }
            Ok(())
        })
    }

    /// Archives a client with the reason they left (kept, never deleted).
    pub fn archive(
        &mut self,
        viewer: &Viewer,
        number: &str,
        reason: ArchiveReason,
        note: Option<&str>,
    ) -> StoreResult<()> {
        let id = self.resolve(viewer, number)?;
        let archived: bool = self.conn.query_row(
            "SELECT archived_at IS NOT NULL FROM clients WHERE id = ?1",
            [id],
            |r| r.get(0),
        )?;
        if archived {
            return Err(StoreError::AlreadyArchived);
        }
        self.write(Some(viewer), |w| {
            let now = w.now_ms();
            w.update(
                Entity::Client,
                id,
                &[
                    ("archived_at", int(now)),
                    ("archive_reason", text(reason.code())),
                    (
                        "archive_note",
                        opt_text(note.and_then(crate::domain::text::clean)),
                    ),
                ],
            )?;
            Ok(())
        })
    }

    /// Takes a client out of the archive.
    pub fn restore(&mut self, viewer: &Viewer, number: &str) -> StoreResult<()> {
        let id = self.resolve(viewer, number)?;
        self.ensure_not_forgotten(id)?;
        self.write(Some(viewer), |w| {
            w.update(
                Entity::Client,
                id,
                &[
                    ("archived_at", rusqlite::types::Value::Null),
                    ("archive_reason", rusqlite::types::Value::Null),
                    ("archive_note", rusqlite::types::Value::Null),
                ],
            )?;
            Ok(())
        })
    }

    /// Erases a client's personal data (152-FZ): names, contacts, dates, tags, notes,
    /// requisites and what interactions said, including in the change log. Orders stay
    /// as anonymous amounts and dates, so totals and reports still add up.
    pub fn forget(&mut self, viewer: &Viewer, number: &str) -> StoreResult<()> {
        let id = self.resolve(viewer, number)?;
        self.ensure_not_forgotten(id)?;
        self.write(Some(viewer), |w| {
            forget_in(w, id)?;
            close_contacts_of_forgotten(w, &[id])?;
            forget_merged_together(w)
        })?;
        // The old values must not stay readable in the write-ahead log either.
        self.conn
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        Ok(())
    }
}

/// Erases one client's personal data and logs the forget.
fn forget_in(w: &mut Writer<'_>, id: i64) -> StoreResult<()> {
    let null = rusqlite::types::Value::Null;
    let mut fields: Vec<(&str, rusqlite::types::Value)> = PERSONAL_COLUMNS
        .iter()
        .map(|c| (*c, null.clone()))
        .collect();
    fields.push(("forgotten_at", int(w.now_ms())));
    // A forgotten client leaves the working lists and Today: archived, with its
    // planned contacts closed.
    let archived: bool = w.tx().query_row(
        "SELECT archived_at IS NOT NULL FROM clients WHERE id = ?1",
        [id],
        |r| r.get(0),
    )?;
    if !archived {
        fields.push(("archived_at", int(w.now_ms())));
        fields.push(("archive_reason", text(ArchiveReason::Other.code())));
    }
    w.update(Entity::Client, id, &fields)?;
    // Its planned contacts close at the time it was forgotten; every copy closes them
    // so (not as a change of their own), and at the earlier time should two devices
    // forget it.
    w.tx().execute(
        "UPDATE scheduled_contacts SET done_at = ?1 WHERE client_id = ?2 AND done_at IS NULL AND deleted = 0",
        rusqlite::params![w.now_ms(), id],
    )?;
    w.touch(id);
    // Blank the values before the tombstone, so the file keeps no trace of them.
    let erasures = child_erasures();
    for (entity, fields) in &erasures {
        for row in child_rows(w, *entity, id)? {
            w.update(*entity, row, fields)?;
            w.delete(*entity, row)?;
        }
    }
    for (entity, fields) in kept_child_erasures() {
        for row in child_rows(w, entity, id)? {
            w.update(entity, row, &fields)?;
        }
    }
    // The log held the erased values too: keep that a change happened, not what.
    w.tx().execute(&scrub_client_log_sql(), [id])?;
    w.log_forget(id)?;
    Ok(())
}

/// Two records merged as duplicates are one person: once either is forgotten, the
/// other is too (the tombstone still held the name; the kept one holds what was
/// moved or copied from it). A copy that finds such a pair (here, or merging forgets
/// and merges made apart) forgets the other as a change of its own, which reaches
/// every copy like any forget.
/// The planned contacts of forgotten clients among `clients` are all closed at the
/// time the client was forgotten: the same on every copy, however the forget, the
/// closing and the moving of contacts between merged clients arrived.
pub(crate) fn close_contacts_of_forgotten(w: &mut Writer<'_>, clients: &[i64]) -> StoreResult<()> {
    for client in clients {
        let at: Option<i64> = w
            .tx()
            .prepare_cached("SELECT forgotten_at FROM clients WHERE id = ?1")?
            .query_row([client], |r| r.get(0))
            .optional()?
            .flatten();
        if let Some(at) = at {
            w.tx()
                .prepare_cached(
                    "UPDATE scheduled_contacts SET done_at = ?2
                     WHERE client_id = ?1 AND done_at IS NOT ?2",
                )?
                .execute(rusqlite::params![client, at])?;
        }
    }
    Ok(())
}

pub(crate) fn forget_merged_together(w: &mut Writer<'_>) -> StoreResult<()> {
    loop {
        let unforgotten: Vec<i64> = w
            .tx()
            .prepare_cached(
                "SELECT CASE WHEN x.forgotten_at IS NULL THEN x.id ELSE k.id END
                 FROM clients x /* scope: every copy, whoever's clients they are */
                 JOIN clients k ON k.id = x.merged_into_id
                 WHERE x.merged_into_id IS NOT NULL
                   AND (x.forgotten_at IS NULL) <> (k.forgotten_at IS NULL)",
            )?
            .query_map([], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        if unforgotten.is_empty() {
            return Ok(());
        }
        for id in unforgotten {
            forget_in(w, id)?;
            close_contacts_of_forgotten(w, &[id])?;
        }
    }
}

pub(crate) fn require_name(kind: &str, draft: &CheckedDraft) -> StoreResult<()> {
    let has = |f: Field| draft.text(f).flatten().is_some();
    let named = if kind == ClientKind::Company.code() {
        has(Field::Company)
    } else {
        has(Field::LastName) || has(Field::FirstName)
    };
    if named {
        Ok(())
    } else if kind == ClientKind::Company.code() {
        Err(StoreError::Required(Field::Company.label()))
    } else {
        Err(StoreError::Required(Field::Name.label()))
    }
}

/// The contacts still planned with a client.
fn open_contacts(w: &Writer<'_>, client_id: i64) -> StoreResult<Vec<i64>> {
    Ok(w.tx()
        .prepare_cached("SELECT id FROM scheduled_contacts WHERE client_id = ?1 AND deleted = 0 AND done_at IS NULL")?
        .query_map([client_id], |r| r.get(0))?
        .collect::<Result<_, _>>()?)
}

pub(crate) fn child_rows(w: &Writer<'_>, entity: Entity, client_id: i64) -> StoreResult<Vec<i64>> {
    Ok(w.tx()
        .prepare(&format!(
            "SELECT id FROM {} WHERE client_id = ?1 AND deleted = 0",
            entity.table()
        ))?
        .query_map([client_id], |r| r.get(0))?
        .collect::<Result<_, _>>()?)
}

/// Replaces a client's phones, e-mails and tags with those in the draft (where given):
/// rows no longer listed get tombstones, new ones are inserted, the rest stay.
/// The list fields of a client and where they are kept.
const LISTS: [(Field, Entity, Option<&str>); 3] = [
    (Field::Phones, Entity::ContactPoint, Some("phone")),
    (Field::Emails, Entity::ContactPoint, Some("email")),
    (Field::Tags, Entity::Tag, None),
];

/// The rows of a list field of a client: (id, value).
fn list_rows(
    w: &Writer<'_>,
    client_id: i64,
    kind: Option<&str>,
) -> StoreResult<Vec<(i64, String)>> {
    let sql = match kind {
        Some(_) => "SELECT id, value FROM contact_points WHERE client_id = ?1 AND kind = ?2 AND deleted = 0",
        None => "SELECT id, tag FROM tags WHERE client_id = ?1 AND ?2 IS NULL AND deleted = 0",
    };
    Ok(w.tx()
        .prepare_cached(sql)?
        .query_map(params![client_id, kind], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?)
}

/// Whether a field `draft` really changes was changed by a change recorded after
/// `since`: the error to give, naming the manager of the latest such change.
fn changed_meanwhile(
    w: &Writer<'_>,
    client_id: i64,
    since: i64,
    draft: &CheckedDraft,
) -> StoreResult<Option<StoreError>> {
    // What the draft changes: columns whose value differs, lists that differ.
    let mut columns: Vec<(&str, Field)> = Vec::new();
    let mut lists: Vec<(Field, Option<&str>)> = Vec::new();
    for (field, value) in &draft.values {
        match (column_of(*field), value) {
            (Some(column), Value::Text(v)) => {
                let current: rusqlite::types::Value = w.tx().query_row(
                    &format!("SELECT {column} FROM clients WHERE id = ?1"),
                    [client_id],
                    |r| r.get(0),
                )?;
                if current != opt_text(v.clone()) {
                    columns.push((column, *field));
                }
            }
            (None, Value::List(wanted)) => {
                if let Some((_, _, kind)) = LISTS.iter().find(|(f, _, _)| f == field) {
                    let mut current: Vec<String> = list_rows(w, client_id, *kind)?
                        .into_iter()
                        .map(|(_, v)| v)
                        .collect();
                    let mut wanted = wanted.clone();
                    current.sort();
                    current.dedup();
                    wanted.sort();
                    wanted.dedup();
                    if current != wanted {
                        lists.push((*field, *kind));
                    }
                }
            }
            _ => {}
        }
    }
    if columns.is_empty() && lists.is_empty() {
        return Ok(None);
    }
    let changes: Vec<(String, String, String, Option<String>)> = w
        .tx()
        .prepare_cached(
            "SELECT l.entity, l.row_uuid, l.fields, m.name FROM change_log l
             LEFT JOIN managers m ON m.id = l.actor_id
             WHERE l.client_id = ?1 AND l.seq > ?2 ORDER BY l.seq DESC",
        )?
        .query_map(params![client_id, since], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })?
        .collect::<Result<_, _>>()?;
    for (entity, row_uuid, fields, who) in changes {
        let fields: serde_json::Map<String, serde_json::Value> =
            serde_json::from_str(&fields).unwrap_or_default();
        let touched = match entity.as_str() {
            "client" => columns
                .iter()
                .find(|(column, _)| fields.contains_key(*column))
                .map(|(_, field)| *field),
            "contact_point" => {
                let kind = match fields.get("kind").and_then(|k| k.as_str()) {
                    Some(kind) => Some(kind.to_string()),
                    None => w
                        .tx()
                        .prepare_cached("SELECT kind FROM contact_points WHERE uuid = ?1")?
                        .query_row([&row_uuid], |r| r.get(0))
                        .optional()?,
                };
                lists
                    .iter()
                    .find(|(_, k)| k.is_some() && *k == kind.as_deref())
                    .map(|(field, _)| *field)
            }
            "tag" => lists
                .iter()
                .find(|(field, _)| *field == Field::Tags)
                .map(|(field, _)| *field),
            _ => None,
        };
        if let Some(field) = touched {
            let field = match field {
                Field::LastName | Field::FirstName | Field::Patronymic => Field::Name,
                other => other,
            };
            return Ok(Some(StoreError::ChangedMeanwhile {
                field: field.label(),
                who: who.unwrap_or_else(|| crate::i18n::tr("error.someone")),
            }));
        }
    }
    Ok(None)
}

fn set_lists(w: &mut Writer<'_>, client_id: i64, draft: &CheckedDraft) -> StoreResult<bool> {
    let mut changed = false;
    for (field, entity, kind) in LISTS {
        let Some(wanted) = draft.list(field) else {
            continue;
        };
        let existing = list_rows(w, client_id, kind)?;
        for (row, value) in &existing {
            if !wanted.contains(value) {
                w.delete(entity, *row)?;
                changed = true;
            }
        }
        for value in wanted {
            if existing.iter().any(|(_, v)| v == value) {
                continue;
            }
            changed = true;
            match kind {
                Some(kind) => w.insert(
                    entity,
                    &[
                        ("client_id", int(client_id)),
                        ("kind", text(kind)),
                        ("value", text(value)),
                    ],
                )?,
                None => w.insert(
                    entity,
                    &[("client_id", int(client_id)), ("tag", text(value))],
                )?,
            };
        }
    }
    Ok(changed)
}

/// The next client number of this device (see [`Writer::next_number`]).
pub(crate) fn next_number(w: &mut Writer<'_>) -> StoreResult<String> {
    w.next_number()
}

/// A client's personal data (152-FZ): what forgetting erases from the client row.
pub(crate) const PERSONAL_COLUMNS: [&str; 16] = [
    "last_name",
    "first_name",
    "patronymic",
    "company",
    "legal_form",
    "position",
    "birthday",
    "gender",
    "occupation",
    "city",
    "time_zone",
    "address",
    "preferred_channel",
    "call_window",
    "notes",
    "archive_note",
];

/// Rows of a forgotten client that are blanked and then tombstoned.
pub(crate) fn child_erasures() -> [(Entity, Vec<(&'static str, rusqlite::types::Value)>); 5] {
    let null = rusqlite::types::Value::Null;
    let blank = || text("");
    [
        (
            Entity::ContactPoint,
            vec![("value", blank()), ("label", null.clone())],
        ),
        (
            Entity::ContactPerson,
            vec![
                ("name", blank()),
                ("position", null.clone()),
                ("phone", null.clone()),
                ("email", null.clone()),
            ],
        ),
        (
            Entity::ImportantDate,
            vec![("label", blank()), ("date", blank()), ("md", int(0))],
        ),
        (Entity::Tag, vec![("tag", blank())]),
        (
            Entity::Requisites,
            ["inn", "kpp", "ogrn", "bank_account", "bik", "bank_name"]
                .iter()
                .map(|c| (*c, null.clone()))
                .collect(),
        ),
    ]
}

/// Rows of a forgotten client that stay (the history of what was done), their words
/// erased.
pub(crate) fn kept_child_erasures() -> [(Entity, Vec<(&'static str, rusqlite::types::Value)>); 3] {
    let null = rusqlite::types::Value::Null;
    [
        (Entity::Consent, vec![("note", null.clone())]),
        (
            Entity::Interaction,
            vec![("outcome", null.clone()), ("summary", null.clone())],
        ),
        (Entity::ScheduledContact, vec![("purpose", null)]),
    ]
}

/// The fields of a client's other rows that hold personal data.
const CHILD_PERSONAL_FIELDS: [&str; 18] = [
    "value",
    "label",
    "name",
    "phone",
    "email",
    "inn",
    "kpp",
    "ogrn",
    "bank_account",
    "bik",
    "bank_name",
    "date",
    "md",
    "tag",
    "outcome",
    "summary",
    "purpose",
    "note",
];

/// The keys of a client's change-log fields that hold personal data.
pub(crate) fn personal_log_keys() -> impl Iterator<Item = &'static str> {
    PERSONAL_COLUMNS.into_iter().chain(CHILD_PERSONAL_FIELDS)
}

/// Erases the personal values a client's change-log records held (`?1` = client id).
pub(crate) fn scrub_client_log_sql() -> String {
    let paths: Vec<String> = personal_log_keys().map(|k| format!("'$.{k}'")).collect();
    format!(
        "UPDATE change_log SET fields = json_remove(fields, {}) WHERE client_id = ?1",
        paths.join(", ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft(values: &[(Field, &str)]) -> ClientDraft {
        let mut draft = ClientDraft::default();
        for (field, value) in values {
            draft.set(*field, *value);
        }
        draft
    }

    fn city(store: &Store, viewer: &Viewer, number: &str) -> Option<String> {
        store.client_card(viewer, number).unwrap().city
    }

    /// Two processes on one device (a TUI and a CLI) edit the same client: the one
    /// that read before the other wrote may not overwrite the field the other changed,
    /// and saves a different field without touching it.
    #[test]
    fn an_edit_of_a_field_changed_meanwhile_is_refused_and_other_fields_merge() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("base.db");
        let mut tui = Store::open_as_device(&path, "dev-a").unwrap();
        let boss = tui.init("boss", "Борис Босс").unwrap();
        let number = tui
            .add_client(
                &boss,
                &draft(&[(Field::Name, "Иванов Иван"), (Field::City, "Москва")]),
                None,
            )
            .unwrap();
        let loaded = tui.client_version(&boss, &number).unwrap();

        // The CLI changes the city and a phone meanwhile.
        let mut cli = Store::open_as_device(&path, "dev-a").unwrap();
        let boss_cli = cli.viewer(Some("boss")).unwrap();
        cli.edit_client(
            &boss_cli,
            &number,
            &draft(&[(Field::City, "Тверь"), (Field::Phones, "+7 916 123-45-67")]),
        )
        .unwrap();

        // The TUI's form, read before, changes the city too: refused, nothing written.
        let refused = tui
            .edit_client_since(
                &boss,
                &number,
                &draft(&[
                    (Field::Kind, "person"),
                    (Field::City, "Казань"),
                    (Field::Notes, "звонить утром"),
                ]),
                Some(loaded),
            )
            .unwrap_err();
        // (Other unit tests switch the language meanwhile: the words are not compared.)
        match &refused {
            StoreError::ChangedMeanwhile { field, who } => {
                assert!(!field.is_empty());
                assert_eq!(who, "Борис Босс");
            }
            other => panic!("expected ChangedMeanwhile, got {other:?}"),
        }
        assert!(refused.to_string().contains("Борис Босс"));
        assert_eq!(city(&tui, &boss, &number).as_deref(), Some("Тверь"));
        assert_eq!(tui.client_card(&boss, &number).unwrap().notes, None);

        // So is a list changed meanwhile.
        let phones = tui.edit_client_since(
            &boss,
            &number,
            &draft(&[(Field::Phones, "+7 900 000-00-00")]),
            Some(loaded),
        );
        assert!(matches!(phones, Err(StoreError::ChangedMeanwhile { .. })));

        // A different field (the kind sent unchanged) is saved and the city kept.
        assert!(tui
            .edit_client_since(
                &boss,
                &number,
                &draft(&[(Field::Kind, "person"), (Field::Notes, "звонить утром")]),
                Some(loaded),
            )
            .unwrap());
        let card = tui.client_card(&boss, &number).unwrap();
        assert_eq!(card.city.as_deref(), Some("Тверь"));
        assert_eq!(card.notes.as_deref(), Some("звонить утром"));
        assert_eq!(card.phones, ["+79161234567"]);

        // Read again, the same edit goes through; without a version there is no check.
        let reloaded = tui.client_version(&boss, &number).unwrap();
        assert!(reloaded > loaded);
        tui.edit_client_since(
            &boss,
            &number,
            &draft(&[(Field::City, "Казань")]),
            Some(reloaded),
        )
        .unwrap();
        assert_eq!(city(&tui, &boss, &number).as_deref(), Some("Казань"));
        cli.edit_client(&boss_cli, &number, &draft(&[(Field::City, "Тула")]))
            .unwrap();
        assert_eq!(city(&cli, &boss_cli, &number).as_deref(), Some("Тула"));
    }
}
