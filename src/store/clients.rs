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
    /// The local id of a client the viewer may see, by its number. A client that is
    /// someone else's gives the same error as one that does not exist.
    pub(crate) fn resolve(&self, viewer: &Viewer, number: &str) -> StoreResult<i64> {
        let number = number.trim().trim_start_matches('#').to_uppercase();
        let found: Option<(i64, i64)> = self
            .conn
            .prepare_cached("SELECT id, manager_id FROM clients WHERE number = ?1 AND deleted = 0")?
            .query_row([&number], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        match found {
            Some((id, manager)) if viewer.sees_everyone() || manager == viewer.id => Ok(id),
            _ => Err(StoreError::NoSuchClient(number)),
        }
    }

    /// Adds a client and returns its number. `manager` hands it to someone else (leads
    /// and admins only); by default it is the viewer's.
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
            let open = open_contacts(w, id)?;
            for task in open {
                w.update(
                    Entity::ScheduledContact,
                    task,
                    &[("done_at", int(w.now_ms()))],
                )?;
            }
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
        })?;
        // The old values must not stay readable in the write-ahead log either.
        self.conn
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        Ok(())
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
fn set_lists(w: &mut Writer<'_>, client_id: i64, draft: &CheckedDraft) -> StoreResult<bool> {
    let mut changed = false;
    for (field, entity, kind) in [
        (Field::Phones, Entity::ContactPoint, Some("phone")),
        (Field::Emails, Entity::ContactPoint, Some("email")),
        (Field::Tags, Entity::Tag, None),
    ] {
        let Some(wanted) = draft.list(field) else {
            continue;
        };
        let sql = match kind {
            Some(_) => "SELECT id, value FROM contact_points WHERE client_id = ?1 AND kind = ?2 AND deleted = 0",
            None => "SELECT id, tag FROM tags WHERE client_id = ?1 AND ?2 IS NULL AND deleted = 0",
        };
        let existing: Vec<(i64, String)> = w
            .tx()
            .prepare_cached(sql)?
            .query_map(params![client_id, kind], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<_, _>>()?;
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

/// The keys of change-log fields that hold personal data.
pub(crate) const PERSONAL_LOG_KEYS: [&str; 34] = [
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

/// Erases the personal values a client's change-log records held (`?1` = client id).
pub(crate) fn scrub_client_log_sql() -> String {
    let paths: Vec<String> = PERSONAL_LOG_KEYS
        .iter()
        .map(|k| format!("'$.{k}'"))
        .collect();
    format!(
        "UPDATE change_log SET fields = json_remove(fields, {}) WHERE client_id = ?1",
        paths.join(", ")
    )
}
