//! Writing imported rows through the one write path. A new client is written whole
//! with its derived facts and its search text computed here, once, rather than
//! re-read row by row after each insert (as `demo` does); every row still goes
//! through [`Writer`] and so into the change log.

use super::rows::ImportRow;
use crate::domain::codes::Stage;
use crate::domain::dates::Birthday;
use crate::domain::fields::{Field, Value as FieldValue};
use crate::domain::segments::tier_for;
use crate::domain::text::fold;
use crate::i18n::tr;
use crate::store::clients::{column_of, next_number};
use crate::store::error::{StoreError, StoreResult};
use crate::store::facts::{display_name, index_client, text_fingerprint};
use crate::store::holder::WriterNote;
use crate::store::search::{search_rowid, search_text};
use crate::store::write::{int, opt_int, opt_text, text, Entity, Fields, Writer};
use rusqlite::types::Value;
use rusqlite::{Connection, TransactionBehavior};
use std::path::Path;

/// Gives new clients their local ids: known before the insert, so that the search
/// rowid (manager and id) is written with the row instead of by a second update.
pub struct NewIds {
    next: i64,
}

impl NewIds {
    pub fn after_existing(w: &Writer<'_>) -> StoreResult<NewIds> {
        let max: i64 = w
            .tx()
            .query_row("SELECT coalesce(max(id), 0) FROM clients", [], |r| r.get(0))?;
        Ok(NewIds { next: max + 1 })
    }
}

/// The stage of a client a file does not give one for: what its history says.
fn implied_stage(row: &ImportRow) -> Option<&'static str> {
    if !row.orders.is_empty() || row.history.is_some() {
        Some(Stage::Won.code())
    } else if row.last_contact_at.is_some() {
        Some(Stage::Contacted.code())
    } else {
        None
    }
}

/// Search texts of new clients, indexed after the import commits: the trigram index
/// costs more than every other table of a client together, and a file's clients are
/// safe (and listed) before it is done. Until then `search_backlog` names them, so a
/// process stopped in between leaves them to be indexed on the next open.
///
/// Texts go in in rowid order: FTS5 writes out its pending terms whenever a rowid is
/// not above the previous one, and search rowids put each manager's clients in a
/// range of their own, so rows of a file (managers mixed) as they come cost a flush
/// each.
#[derive(Default)]
pub struct SearchBatch {
    pending: Vec<(i64, String)>,
    /// Local ids of the first and the last new client.
    ids: Option<(i64, i64)>,
}

impl SearchBatch {
    fn add(&mut self, id: i64, rowid: i64, text: String) {
        self.pending.push((rowid, text));
        self.ids = Some(self.ids.map_or((id, id), |(first, _)| (first, id)));
    }

    /// Records, with the import, which clients still need their search text.
    pub fn mark_backlog(&self, w: &Writer<'_>) -> StoreResult<()> {
        if let Some((first, last)) = self.ids {
            w.tx().execute(
                "INSERT INTO search_backlog (first_id, last_id) VALUES (?1, ?2)",
                [first, last],
            )?;
        }
        Ok(())
    }

    /// Indexes the texts and clears their backlog entry, in one transaction, as
    /// `login` on the base at `db` (for the note of who holds the lock).
    pub fn write(&mut self, conn: &mut Connection, db: &Path, login: &str) -> StoreResult<()> {
        let Some((first, last)) = self.ids else {
            return Ok(());
        };
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| StoreError::from(e).at_path(db))?;
        // On a large import this takes seconds: a waiter should learn who it waits for.
        let note = WriterNote::leave(db, Some(login));
        self.pending.sort_unstable_by_key(|(rowid, _)| *rowid);
        for (rowid, text) in self.pending.drain(..) {
            index_client(&tx, rowid, &text)?;
        }
        crate::store::facts::clear_search_backlog(&tx, first, last)?;
        drop(note);
        tx.commit()?;
        Ok(())
    }
}

/// Writes a new client and everything the row has about it; returns its id.
pub fn create(
    w: &mut Writer<'_>,
    ids: &mut NewIds,
    search: &mut SearchBatch,
    row: &ImportRow,
    manager: i64,
) -> StoreResult<i64> {
    let id = ids.next;
    ids.next += 1;
    let number = next_number(w)?;
    let now = w.now_ms();
    let mut fields: Vec<(&str, Value)> = vec![
        ("number", text(&number)),
        ("kind", text(&row.kind)),
        ("manager_id", int(manager)),
        ("created_at", int(row.created_at.unwrap_or(now))),
    ];
    for (field, value) in &row.draft.values {
        if let (Some(column), FieldValue::Text(Some(v))) = (column_of(*field), value) {
            if column != "kind" {
                fields.push((column, text(v)));
            }
        }
    }
    if row.text(Field::Stage).is_none() {
        if let Some(stage) = implied_stage(row) {
            fields.push(("stage", text(stage)));
        }
    }
    let (last, first, patronymic, company) = (
        row.text(Field::LastName),
        row.text(Field::FirstName),
        row.text(Field::Patronymic),
        row.text(Field::Company),
    );
    let name = display_name(&row.kind, last, first, patronymic, company);
    let phones = row.list(Field::Phones);
    let emails = row.list(Field::Emails);
    let tags = row.list(Field::Tags);
    let counted = row.orders.iter().filter(|o| o.status.code() != "cancelled");
    let birthday_md = row
        .text(Field::Birthday)
        .and_then(Birthday::from_stored)
        .map(|b| i64::from(b.month_day()));
    let history = row.history.unwrap_or_default();
    if row.history.is_some() {
        fields.push(("history_orders", int(history.orders)));
        fields.push(("history_spent_minor", int(history.spent_minor)));
        fields.push(("history_last_order_at", opt_int(history.last_order_at)));
    }
    let marketing = row.consents.iter().any(|(p, _)| p.code() == "marketing");
    let rowid = search_rowid(manager, id);
    let year_ago = now - 365 * 86_400_000;
    let spent_12m: i64 = counted
        .clone()
        .filter(|o| o.at_ms >= year_ago)
        .fold(0i64, |sum, o| sum.saturating_add(o.amount_minor));
    let person = [last, first, patronymic]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    let mut names: Vec<&str> = vec![&person];
    names.extend(company);
    names.extend(emails.iter().map(String::as_str));
    names.extend(tags.iter().map(String::as_str));
    let search_words = search_text(names, phones.iter().map(String::as_str));
    let derived: Vec<(&str, Value)> = vec![
        ("id", int(id)),
        ("search_hash", int(text_fingerprint(&search_words))),
        ("display_name", text(&name)),
        ("sort_name", text(fold(&name))),
        ("primary_phone", opt_text(phones.first().cloned())),
        ("birthday_md", opt_int(birthday_md)),
        (
            "orders_count",
            int((counted.clone().count() as i64).saturating_add(history.orders)),
        ),
        (
            "total_spent_minor",
            int(counted.clone().fold(history.spent_minor, |sum, o| {
                sum.saturating_add(o.amount_minor)
            })),
        ),
        (
            "last_order_at",
            opt_int(counted.map(|o| o.at_ms).max().max(history.last_order_at)),
        ),
        ("last_contact_at", opt_int(row.last_contact_at)),
        (
            "next_contact_at",
            opt_int(row.next_contact.map(|(at, _)| at)),
        ),
        ("has_email", int(i64::from(!emails.is_empty()))),
        ("has_requisites", int(i64::from(row.has_requisites()))),
        ("marketing_consent", int(i64::from(marketing))),
        ("search_rowid", int(rowid)),
        ("spent_12m_minor", int(spent_12m)),
        ("tier", opt_text(tier_for(spent_12m, w.settings()))),
    ];
    let uuid = uuid::Uuid::now_v7().to_string();
    w.queue_insert(Entity::Client, &uuid, &fields, &derived)?;
    add_history(w, id, row, manager, true)?;
    for phone in phones {
        add_point(w, id, "phone", phone, true)?;
    }
    for email in emails {
        add_point(w, id, "email", email, true)?;
    }
    for tag in tags {
        put(
            w,
            true,
            Entity::Tag,
            &[("client_id", int(id)), ("tag", text(tag))],
        )?;
    }
    if let Some((name, position)) = &row.contact_person {
        put(
            w,
            true,
            Entity::ContactPerson,
            &[
                ("client_id", int(id)),
                ("name", text(name)),
                ("position", opt_text(position.clone())),
            ],
        )?;
    }
    search.add(id, rowid, search_words);
    Ok(id)
}

/// Inserts a row of a new client's (queued, written with the others) or of an
/// existing one's (at once, so the rest of the import reads it).
fn put(w: &mut Writer<'_>, new: bool, entity: Entity, fields: &Fields<'_>) -> StoreResult<()> {
    if new {
        w.queue_insert(entity, &uuid::Uuid::now_v7().to_string(), fields, &[])
    } else {
        w.insert(entity, fields).map(|_| ())
    }
}

fn add_point(
    w: &mut Writer<'_>,
    client: i64,
    kind: &str,
    value: &str,
    new: bool,
) -> StoreResult<()> {
    put(
        w,
        new,
        Entity::ContactPoint,
        &[
            ("client_id", int(client)),
            ("kind", text(kind)),
            ("value", text(value)),
        ],
    )?;
    Ok(())
}

/// Orders, the last contact, the next one, requisites and consent of a row.
fn add_history(
    w: &mut Writer<'_>,
    client: i64,
    row: &ImportRow,
    manager: i64,
    new: bool,
) -> StoreResult<()> {
    let id = ("client_id", int(client));
    for order in &row.orders {
        put(
            w,
            new,
            Entity::Order,
            &[
                id.clone(),
                ("manager_id", int(manager)),
                ("ordered_at", int(order.at_ms)),
                ("amount_minor", int(order.amount_minor)),
                ("currency", text(&order.currency)),
                ("items", int(order.items)),
                ("status", text(order.status.code())),
            ],
        )?;
    }
    if let Some(at) = row.last_contact_at {
        put(
            w,
            new,
            Entity::Interaction,
            &[
                id.clone(),
                ("manager_id", int(manager)),
                ("kind", text("note")),
                ("direction", text("outbound")),
                ("summary", text(tr("import.last_contact_summary"))),
                ("at", int(at)),
            ],
        )?;
    }
    let has_open_task = !new
        && w.tx()
            .prepare_cached("SELECT EXISTS (SELECT 1 FROM scheduled_contacts WHERE client_id = ?1 AND deleted = 0 AND done_at IS NULL)")?
            .query_row([client], |r| r.get::<_, bool>(0))?;
    if let Some((due, timed)) = row.next_contact.filter(|_| !has_open_task) {
        put(
            w,
            new,
            Entity::ScheduledContact,
            &[
                id.clone(),
                ("manager_id", int(manager)),
                ("due_at", int(due)),
                ("has_time", int(i64::from(timed))),
                ("agreed", int(0)),
            ],
        )?;
    }
    let has_requisites = !new
        && w.tx()
            .prepare_cached(
                "SELECT EXISTS (SELECT 1 FROM requisites WHERE client_id = ?1 AND deleted = 0)",
            )?
            .query_row([client], |r| r.get::<_, bool>(0))?;
    if row.has_requisites() && !has_requisites {
        put(
            w,
            new,
            Entity::Requisites,
            &[
                id.clone(),
                ("inn", opt_text(row.inn.clone())),
                ("kpp", opt_text(row.kpp.clone())),
                ("ogrn", opt_text(row.ogrn.clone())),
                ("bik", opt_text(row.bik.clone())),
                ("bank_account", opt_text(row.bank_account.clone())),
                ("bank_name", opt_text(row.bank_name.clone())),
            ],
        )?;
    }
    for (purpose, date) in &row.consents {
        put(
            w,
            new,
            Entity::Consent,
            &[
                id.clone(),
                ("purpose", text(purpose.code())),
                ("status", text("given")),
                ("given_on", text(date.format("%Y-%m-%d").to_string())),
            ],
        )?;
    }
    Ok(())
}

/// Adds what a row has and the client lacks: fields that are blank, phones, e-mails
/// and tags it does not have, and the row's history. Nothing the client has is
/// overwritten. The caller refreshes the client's derived facts.
pub fn merge(w: &mut Writer<'_>, client: i64, row: &ImportRow) -> StoreResult<()> {
    let manager: i64 = w.tx().query_row(
        "SELECT manager_id FROM clients WHERE id = ?1",
        [client],
        |r| r.get(0),
    )?;
    let mut blanks: Vec<(&str, Value)> = Vec::new();
    for (field, value) in &row.draft.values {
        let (Some(column), FieldValue::Text(Some(v))) = (column_of(*field), value) else {
            continue;
        };
        if matches!(column, "kind" | "stage") {
            continue;
        }
        let current: Option<String> = w.tx().query_row(
            &format!("SELECT {column} FROM clients WHERE id = ?1"),
            [client],
            |r| r.get(0),
        )?;
        if current.as_deref().is_none_or(str::is_empty) {
            blanks.push((column, text(v)));
        }
    }
    // Purchases the file counts, for a client that has no imported history yet.
    if let Some(history) = row.history {
        let has_history: bool = w.tx().query_row(
            "SELECT history_orders > 0 OR history_spent_minor > 0 FROM clients WHERE id = ?1",
            [client],
            |r| r.get(0),
        )?;
        if !has_history {
            blanks.push(("history_orders", int(history.orders)));
            blanks.push(("history_spent_minor", int(history.spent_minor)));
            blanks.push(("history_last_order_at", opt_int(history.last_order_at)));
        }
    }
    if !blanks.is_empty() {
        w.update(Entity::Client, client, &blanks)?;
    }
    for (kind, values) in [
        ("phone", row.list(Field::Phones)),
        ("email", row.list(Field::Emails)),
    ] {
        for value in values {
            let has: bool = w
                .tx()
                .prepare_cached("SELECT EXISTS (SELECT 1 FROM contact_points WHERE client_id = ?1 AND value = ?2 AND deleted = 0)")?
                .query_row(rusqlite::params![client, value], |r| r.get(0))?;
            if !has {
                add_point(w, client, kind, value, false)?;
            }
        }
    }
    for tag in row.list(Field::Tags) {
        let has: bool = w
            .tx()
            .prepare_cached("SELECT EXISTS (SELECT 1 FROM tags WHERE client_id = ?1 AND tag = ?2 AND deleted = 0)")?
            .query_row(rusqlite::params![client, tag], |r| r.get(0))?;
        if !has {
            w.insert(
                Entity::Tag,
                &[("client_id", int(client)), ("tag", text(tag))],
            )?;
        }
    }
    add_history(w, client, row, manager, false)
}
