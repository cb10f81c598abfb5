//! The one write path. Every insert, update and delete of a syncable row goes through
//! [`Writer`], which stamps the row (`updated_at`, `version`), appends the change to
//! `change_log` in the same transaction (only the fields that changed, references as
//! UUIDs), and refreshes the derived facts of the clients it touched.

use super::error::{StoreError, StoreResult};
use super::facts;
use crate::domain::hlc::Hlc;
use crate::domain::settings::Settings;
use crate::domain::text::{MAX_LINE_CHARS, MAX_TEXT_CHARS};
use rusqlite::types::Value;
use rusqlite::{params_from_iter, OptionalExtension, Transaction};
use std::collections::{BTreeSet, HashMap};

mod bulk;
mod replay;

pub(crate) use replay::ReplayedRecord;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Entity {
    Manager,
    Campaign,
    Client,
    ContactPoint,
    ContactPerson,
    Requisites,
    ImportantDate,
    Tag,
    Interaction,
    Order,
    ScheduledContact,
    Consent,
    Setting,
    Segment,
    Conflict,
}

impl Entity {
    /// Every entity, in the order a content hash reads them.
    pub const ALL: [Entity; 15] = [
        Entity::Manager,
        Entity::Campaign,
        Entity::Client,
        Entity::ContactPoint,
        Entity::ContactPerson,
        Entity::Requisites,
        Entity::ImportantDate,
        Entity::Tag,
        Entity::Interaction,
        Entity::Order,
        Entity::ScheduledContact,
        Entity::Consent,
        Entity::Setting,
        Entity::Segment,
        Entity::Conflict,
    ];

    pub fn from_code(code: &str) -> Option<Entity> {
        Entity::ALL.into_iter().find(|e| e.code() == code)
    }

    /// The column a change-log field key stands for (a reference is logged without
    /// its `_id`: `manager` for `manager_id`).
    pub fn column_of_log_key(self, key: &str) -> Option<&'static str> {
        self.columns().iter().copied().find(|c| {
            *c == key || (referenced_table(c).is_some() && c.trim_end_matches("_id") == key)
        })
    }

    pub fn code(self) -> &'static str {
        match self {
            Entity::Manager => "manager",
            Entity::Campaign => "campaign",
            Entity::Client => "client",
            Entity::ContactPoint => "contact_point",
            Entity::ContactPerson => "contact_person",
            Entity::Requisites => "requisites",
            Entity::ImportantDate => "important_date",
            Entity::Tag => "tag",
            Entity::Interaction => "interaction",
            Entity::Order => "order",
            Entity::ScheduledContact => "scheduled_contact",
            Entity::Consent => "consent",
            Entity::Setting => "setting",
            Entity::Segment => "segment",
            Entity::Conflict => "conflict",
        }
    }

    pub fn table(self) -> &'static str {
        match self {
            Entity::Manager => "managers",
            Entity::Campaign => "campaigns",
            Entity::Client => "clients",
            Entity::ContactPoint => "contact_points",
            Entity::ContactPerson => "contact_people",
            Entity::Requisites => "requisites",
            Entity::ImportantDate => "important_dates",
            Entity::Tag => "tags",
            Entity::Interaction => "interactions",
            Entity::Order => "orders",
            Entity::ScheduledContact => "scheduled_contacts",
            Entity::Consent => "consents",
            Entity::Setting => "settings",
            Entity::Segment => "segments",
            Entity::Conflict => "conflicts",
        }
    }

    /// The columns a change may set: what the log records and a merge replays.
    pub fn columns(self) -> &'static [&'static str] {
        match self {
            Entity::Manager => &["login", "name", "role"],
            Entity::Campaign => &["name", "source", "cost_minor", "started_on"],
            Entity::Client => &[
                "number",
                "kind",
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
                "manager_id",
                "source",
                "campaign_id",
                "stage",
                "notes",
                "archived_at",
                "archive_reason",
                "archive_note",
                "put_off_until",
                "forgotten_at",
                "created_at",
                "history_orders",
                "history_spent_minor",
                "history_last_order_at",
                "merged_into_id",
            ],
            Entity::ContactPoint => &["client_id", "kind", "value", "label"],
            Entity::ContactPerson => &[
                "client_id",
                "name",
                "position",
                "phone",
                "email",
                "decision_maker",
            ],
            Entity::Requisites => &[
                "client_id",
                "inn",
                "kpp",
                "ogrn",
                "bank_account",
                "bik",
                "bank_name",
            ],
            Entity::ImportantDate => &["client_id", "label", "date", "md"],
            Entity::Tag => &["client_id", "tag"],
            Entity::Interaction => &[
                "client_id",
                "manager_id",
                "kind",
                "direction",
                "outcome",
                "summary",
                "nps",
                "at",
            ],
            Entity::Order => &[
                "client_id",
                "manager_id",
                "ordered_at",
                "amount_minor",
                "currency",
                "items",
                "status",
            ],
            Entity::ScheduledContact => &[
                "client_id",
                "manager_id",
                "due_at",
                "has_time",
                "channel",
                "purpose",
                "agreed",
                "rule",
                "rule_ref",
                "done_at",
            ],
            Entity::Consent => &["client_id", "purpose", "status", "form", "given_on", "note"],
            Entity::Setting => &["key", "value"],
            Entity::Segment => &["name", "filter", "author_id"],
            Entity::Conflict => &[
                "client_id",
                "manager_id",
                "entity",
                "row_uuid",
                "field",
                "kept_value",
                "other_value",
                "other_at",
                "other_device",
                "resolved_at",
                "resolution",
            ],
        }
    }
}

/// A reference column and the table whose UUID stands for it in the log.
pub(crate) fn referenced_table(column: &str) -> Option<&'static str> {
    match column {
        "client_id" => Some("clients"),
        "manager_id" => Some("managers"),
        "campaign_id" => Some("campaigns"),
        "author_id" => Some("managers"),
        "merged_into_id" => Some("clients"),
        _ => None,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Op {
    Insert,
    Update,
    Delete,
    Forget,
}

impl Op {
    fn code(self) -> &'static str {
        match self {
            Op::Insert => "insert",
            Op::Update => "update",
            Op::Delete => "delete",
            Op::Forget => "forget",
        }
    }
}

pub(crate) type Fields<'f> = [(&'f str, Value)];

pub(crate) struct Writer<'a> {
    tx: &'a Transaction<'a>,
    device: &'a str,
    /// This device's local id, as the change log records it.
    device_id: i64,
    /// The manager on whose behalf the change is made.
    actor: Option<i64>,
    clock: Hlc,
    settings: &'a Settings,
    now_ms: i64,
    dirty: BTreeSet<i64>,
    /// Clients whose interactions changed: their last contact is recomputed.
    contact_dirty: BTreeSet<i64>,
    uuid_cache: HashMap<(&'static str, i64), String>,
    /// Bulk loads compute derived facts themselves and index search in one pass.
    defer_facts: bool,
    /// This device's next client number and code, read once per transaction: an UPDATE
    /// per client would make SQLite open a statement savepoint, and each savepoint makes
    /// FTS5 flush its pending index to disk.
    numbering: Option<(i64, String)>,
    /// Rows of a bulk load waiting to be written together.
    queue: bulk::Queue,
    /// What the follow-up rules look at when the transaction ends: new clients, and
    /// new orders (client, order UUID, when ordered).
    new_clients: Vec<i64>,
    new_orders: Vec<(i64, String, i64)>,
    /// A client was forgotten (here or by a merge): files outside the base that may
    /// hold it are swept after (see `local_state.forgets`).
    forgot: bool,
}

impl<'a> Writer<'a> {
    pub fn new(
        tx: &'a Transaction<'a>,
        device: &'a str,
        actor: Option<i64>,
        clock: Hlc,
        settings: &'a Settings,
    ) -> StoreResult<Writer<'a>> {
        let device_id = tx
            .prepare_cached("SELECT id FROM devices WHERE uuid = ?1")?
            .query_row([device], |r| r.get(0))?;
        Ok(Writer {
            tx,
            device,
            device_id,
            actor,
            clock,
            settings,
            now_ms: crate::domain::hlc::wall_ms(),
            dirty: BTreeSet::new(),
            contact_dirty: BTreeSet::new(),
            uuid_cache: HashMap::new(),
            defer_facts: false,
            numbering: None,
            queue: bulk::Queue::default(),
            new_clients: Vec::new(),
            new_orders: Vec::new(),
            forgot: false,
        })
    }

    /// The next client number of this device: plain on the device that created the
    /// base, with the device's code on a joining one (`K2-17`). Numbers already taken
    /// (a merged or imported client) are skipped.
    pub fn next_number(&mut self) -> StoreResult<String> {
        let (mut seq, code) = match self.numbering.take() {
            Some(state) => state,
            None => self.tx.query_row(
                "SELECT next_seq, code FROM devices WHERE uuid = ?1",
                [self.device],
                |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)),
            )?,
        };
        let number = loop {
            let number = if code.is_empty() {
                seq.to_string()
            } else {
                format!("{code}-{seq}")
            };
            seq += 1;
            let taken: bool = self
                .tx
                .prepare_cached("SELECT EXISTS (SELECT 1 FROM clients WHERE number = ?1)")?
                .query_row([&number], |r| r.get(0))?;
            if !taken {
                break number;
            }
        };
        self.numbering = Some((seq, code));
        Ok(number)
    }

    /// The local id of the row of `table` with this UUID.
    pub fn id_by_uuid(&self, table: &str, uuid: &str) -> StoreResult<Option<i64>> {
        Ok(self
            .tx
            .prepare_cached(&format!("SELECT id FROM {table} WHERE uuid = ?1"))?
            .query_row([uuid], |r| r.get(0))
            .optional()?)
    }

    /// The transaction, for reads made while writing.
    pub fn tx(&self) -> &Transaction<'a> {
        self.tx
    }

    pub fn settings(&self) -> &Settings {
        self.settings
    }

    pub fn now_ms(&self) -> i64 {
        self.now_ms
    }

    pub fn defer_facts(&mut self) {
        self.defer_facts = true;
    }

    /// Inserts a new row with a fresh UUID; returns its local id and UUID.
    pub fn insert(&mut self, entity: Entity, fields: &Fields<'_>) -> StoreResult<(i64, String)> {
        let uuid = uuid::Uuid::now_v7().to_string();
        let id = self.insert_with_uuid(entity, &uuid, fields, &[])?;
        Ok((id, uuid))
    }

    /// Inserts a row; `derived` columns are stored but not logged (bulk loads).
    pub fn insert_with_uuid(
        &mut self,
        entity: Entity,
        uuid: &str,
        fields: &Fields<'_>,
        derived: &Fields<'_>,
    ) -> StoreResult<i64> {
        check_columns(entity, fields)?;
        let settled = settle_texts(entity, fields)?;
        let fields: &Fields<'_> = settled.as_deref().unwrap_or(fields);
        let mut names: Vec<&str> = vec!["uuid", "updated_at"];
        let mut values: Vec<Value> =
            vec![Value::Text(uuid.to_string()), Value::Integer(self.now_ms)];
        for (name, value) in fields.iter().chain(derived) {
            names.push(name);
            values.push(value.clone());
        }
        let placeholders = vec!["?"; names.len()].join(", ");
        let sql = format!(
            "INSERT INTO {} ({}) VALUES ({placeholders})",
            entity.table(),
            names.join(", ")
        );
        self.tx
            .prepare_cached(&sql)?
            .execute(params_from_iter(values.iter()))?;
        let id = self.tx.last_insert_rowid();
        let client_id = self.client_of(entity, id, fields);
        self.log(entity, uuid, client_id, Op::Insert, fields)?;
        self.note_for_rules(entity, id, uuid, client_id, fields);
        if let Some(client) = client_id {
            self.touch_for(entity, client);
        }
        Ok(id)
    }

    /// Sets the given fields of a row; logs and stamps only those that really change.
    /// Returns whether anything changed.
    pub fn update(&mut self, entity: Entity, id: i64, fields: &Fields<'_>) -> StoreResult<bool> {
        check_columns(entity, fields)?;
        let settled = settle_texts(entity, fields)?;
        let fields: &Fields<'_> = settled.as_deref().unwrap_or(fields);
        let columns: Vec<&str> = fields.iter().map(|(n, _)| *n).collect();
        let current: Vec<Value> = self
            .tx
            .prepare_cached(&format!(
                "SELECT {} FROM {} WHERE id = ?1",
                columns.join(", "),
                entity.table()
            ))?
            .query_row([id], |row| {
                (0..columns.len()).map(|i| row.get::<_, Value>(i)).collect()
            })
            .optional()?
            .ok_or_else(|| StoreError::Database(format!("{} {id} vanished", entity.code())))?;
        let moved_from = columns
            .iter()
            .position(|c| *c == "client_id")
            .filter(|_| entity != Entity::Client)
            .and_then(|i| match (&current[i], &fields[i].1) {
                (Value::Integer(old), Value::Integer(new)) if old != new => Some(*old),
                _ => None,
            });
        let changed: Vec<(&str, Value)> = fields
            .iter()
            .zip(current)
            .filter(|((_, new), old)| new != old)
            .map(|((name, new), _)| (*name, new.clone()))
            .collect();
        if changed.is_empty() {
            return Ok(false);
        }
        if let Some(old) = moved_from {
            self.note_move(entity, id, old, &changed)?;
        }
        let sets: Vec<String> = changed.iter().map(|(n, _)| format!("{n} = ?")).collect();
        let sql = format!(
            "UPDATE {} SET {}, updated_at = ?, version = version + 1 WHERE id = ?",
            entity.table(),
            sets.join(", ")
        );
        let mut values: Vec<Value> = changed.iter().map(|(_, v)| v.clone()).collect();
        values.push(Value::Integer(self.now_ms));
        values.push(Value::Integer(id));
        self.tx
            .prepare_cached(&sql)?
            .execute(params_from_iter(values.iter()))?;
        let uuid = self.uuid_of(entity.table(), id)?;
        let client_id = self.client_of(entity, id, &changed);
        self.log(entity, &uuid, client_id, Op::Update, &changed)?;
        if let Some(client) = client_id.filter(|_| changes_facts(entity, &changed)) {
            self.touch_for(entity, client);
        }
        Ok(true)
    }

    /// A child row moves from client `old` to the one in `fields`: both are its homes
    /// (a merge reads the log under each), and both clients' facts change.
    pub(crate) fn note_move(
        &mut self,
        entity: Entity,
        id: i64,
        old: i64,
        fields: &Fields<'_>,
    ) -> StoreResult<()> {
        let uuid = self.uuid_of(entity.table(), id)?;
        let new = fields.iter().find_map(|(n, v)| match (*n, v) {
            ("client_id", Value::Integer(c)) => Some(*c),
            _ => None,
        });
        for client in std::iter::once(old).chain(new) {
            self.tx
                .prepare_cached(
                    "INSERT OR IGNORE INTO row_homes (row_uuid, client_id) VALUES (?1, ?2)",
                )?
                .execute(rusqlite::params![uuid, client])?;
        }
        self.touch_for(entity, old);
        Ok(())
    }

    /// Leaves a tombstone: the row stays (so a merge knows it was deleted) but is gone
    /// from every view.
    pub fn delete(&mut self, entity: Entity, id: i64) -> StoreResult<()> {
        let sql = format!(
            "UPDATE {} SET deleted = 1, updated_at = ?1, version = version + 1 WHERE id = ?2 AND deleted = 0",
            entity.table()
        );
        if self
            .tx
            .prepare_cached(&sql)?
            .execute(rusqlite::params![self.now_ms, id])?
            == 0
        {
            return Ok(());
        }
        let uuid = self.uuid_of(entity.table(), id)?;
        let client_id = self.client_of(entity, id, &[]);
        self.log(entity, &uuid, client_id, Op::Delete, &[])?;
        if let Some(client) = client_id {
            self.touch_for(entity, client);
        }
        Ok(())
    }

    /// Records that a client's personal data was erased; the caller has cleared it.
    pub fn log_forget(&mut self, client_id: i64) -> StoreResult<()> {
        let uuid = self.uuid_of("clients", client_id)?;
        self.log(Entity::Client, &uuid, Some(client_id), Op::Forget, &[])?;
        self.touch(client_id);
        Ok(())
    }

    /// Remembers a new client or a counted order for the follow-up rules.
    fn note_for_rules(
        &mut self,
        entity: Entity,
        id: i64,
        uuid: &str,
        client_id: Option<i64>,
        fields: &Fields<'_>,
    ) {
        let field = |name: &str| fields.iter().find(|(n, _)| *n == name).map(|(_, v)| v);
        match (entity, client_id) {
            (Entity::Client, _) => self.new_clients.push(id),
            (Entity::Order, Some(client)) => {
                let cancelled = matches!(field("status"), Some(Value::Text(s)) if s == "cancelled");
                if let (Some(Value::Integer(at)), false) = (field("ordered_at"), cancelled) {
                    self.new_orders.push((client, uuid.to_string(), *at));
                }
            }
            _ => {}
        }
    }

    /// Marks a client whose derived facts must be recomputed before commit.
    pub fn touch(&mut self, client_id: i64) {
        if !self.defer_facts {
            self.dirty.insert(client_id);
        }
    }

    /// Marks a client after a change of one of its `entity` rows: an interaction moves
    /// only its last contact, anything else may move any fact.
    pub fn touch_for(&mut self, entity: Entity, client_id: i64) {
        if entity == Entity::Interaction {
            if !self.defer_facts {
                self.contact_dirty.insert(client_id);
            }
        } else {
            self.touch(client_id);
        }
    }

    fn client_of(&self, entity: Entity, id: i64, fields: &Fields<'_>) -> Option<i64> {
        if entity == Entity::Client {
            return Some(id);
        }
        if !entity.columns().contains(&"client_id") {
            return None;
        }
        let given = fields
            .iter()
            .find(|(n, _)| *n == "client_id")
            .and_then(|(_, v)| match v {
                Value::Integer(i) => Some(*i),
                _ => None,
            });
        given.or_else(|| {
            self.tx
                .prepare_cached(&format!(
                    "SELECT client_id FROM {} WHERE id = ?1",
                    entity.table()
                ))
                .ok()?
                .query_row([id], |r| r.get(0))
                .ok()
        })
    }

    fn uuid_of(&mut self, table: &'static str, id: i64) -> StoreResult<String> {
        if let Some(uuid) = self.uuid_cache.get(&(table, id)) {
            return Ok(uuid.clone());
        }
        let uuid: String = self
            .tx
            .prepare_cached(&format!("SELECT uuid FROM {table} WHERE id = ?1"))?
            .query_row([id], |r| r.get(0))?;
        if self.uuid_cache.len() > 4096 {
            self.uuid_cache.clear();
        }
        self.uuid_cache.insert((table, id), uuid.clone());
        Ok(uuid)
    }

    fn log(
        &mut self,
        entity: Entity,
        row_uuid: &str,
        client_id: Option<i64>,
        op: Op,
        fields: &Fields<'_>,
    ) -> StoreResult<()> {
        self.clock = self.clock.tick(crate::domain::hlc::wall_ms());
        self.forgot |= op == Op::Forget;
        let fields = self.log_fields(entity, fields)?;
        self.tx
            .prepare_cached(
                "INSERT INTO change_log (hlc, device_id, actor_id, entity, row_uuid, client_id, op, fields)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )?
            .execute(rusqlite::params![
                self.clock.0,
                self.device_id,
                self.actor,
                entity.code(),
                row_uuid,
                client_id,
                op.code(),
                fields,
            ])?;
        Ok(())
    }

    /// The logged fields of a change as JSON: references as UUIDs, and a child row's
    /// client left out (it is the record's own client column).
    fn log_fields(&mut self, entity: Entity, fields: &Fields<'_>) -> StoreResult<String> {
        let mut json = serde_json::Map::new();
        for (name, value) in fields {
            let (key, value) = match (referenced_table(name), value) {
                // The client of a child row is the log's own client column.
                (Some("clients"), _) if entity != Entity::Client => continue,
                (Some(table), Value::Integer(id)) => (
                    name.trim_end_matches("_id").to_string(),
                    serde_json::Value::String(self.uuid_of(table, *id)?),
                ),
                _ => (name.to_string(), value_to_json(value)),
            };
            json.insert(key, value);
        }
        Ok(serde_json::Value::Object(json).to_string())
    }

    /// Refreshes what was touched and returns the clock to keep.
    pub fn finish(mut self) -> StoreResult<Hlc> {
        self.flush_queue()?;
        if !self.defer_facts {
            let (clients, orders) = (
                std::mem::take(&mut self.new_clients),
                std::mem::take(&mut self.new_orders),
            );
            super::follow_up::on_change(&mut self, &clients, &orders)?;
        }
        if self.forgot {
            self.tx.execute(
                "INSERT INTO local_state (key, value) VALUES ('forgets', '1')
                 ON CONFLICT (key) DO UPDATE SET value = CAST(value AS INTEGER) + 1",
                [],
            )?;
        }
        if let Some((next_seq, _)) = &self.numbering {
            self.tx.execute(
                "UPDATE devices SET next_seq = ?1 WHERE uuid = ?2",
                rusqlite::params![next_seq, self.device],
            )?;
        }
        let mut search = Vec::with_capacity(self.dirty.len());
        for client in &self.dirty {
            search.push(facts::refresh_client_facts(
                self.tx,
                *client,
                self.settings,
            )?);
        }
        facts::SearchWork::apply_all(search, self.tx)?;
        for client in self.contact_dirty.difference(&self.dirty) {
            facts::refresh_last_contact(self.tx, *client)?;
        }
        Ok(self.clock)
    }
}

/// Whether an update can change a client's derived facts (names, birthday, search
/// text, totals, next contact, …): a new city or note cannot, nor a relative's date.
pub(crate) fn changes_facts(entity: Entity, fields: &Fields<'_>) -> bool {
    const CLIENT_FACT_COLUMNS: [&str; 11] = [
        "kind",
        "last_name",
        "first_name",
        "patronymic",
        "company",
        "birthday",
        "manager_id",
        "deleted",
        "history_orders",
        "history_spent_minor",
        "history_last_order_at",
    ];
    match entity {
        Entity::Client => fields.iter().any(|(n, _)| CLIENT_FACT_COLUMNS.contains(n)),
        Entity::ImportantDate | Entity::Conflict => false,
        _ => true,
    }
}

fn check_columns(entity: Entity, fields: &Fields<'_>) -> StoreResult<()> {
    match fields
        .iter()
        .find(|(name, _)| !entity.columns().contains(name))
    {
        Some((name, _)) => Err(StoreError::UnknownField(name.to_string())),
        None => Ok(()),
    }
}

/// Columns whose text keeps its line breaks (up to [`MAX_TEXT_CHARS`]); every other
/// text a person types is one line of at most [`MAX_LINE_CHARS`].
const MULTILINE_COLUMNS: [(Entity, &str); 4] = [
    (Entity::Client, "notes"),
    (Entity::Client, "archive_note"),
    (Entity::Interaction, "summary"),
    (Entity::Consent, "note"),
];

/// What the base will hold of the texts of a change: never a control character (an
/// escape sequence stored in a name would reach every terminal that prints it), line
/// breaks only where text has lines, and no text longer than a person writes. The
/// forms and `client add` check lengths first, with the field's name; this is the
/// floor under every way into the base (import, the log, a merge of an old device).
fn settle_texts(
    entity: Entity,
    fields: &Fields<'_>,
) -> StoreResult<Option<Vec<(&'static str, Value)>>> {
    // Values made by the program itself, not typed: JSON of a clash, a setting.
    if matches!(entity, Entity::Conflict | Entity::Setting) {
        return Ok(None);
    }
    let needs_work = fields.iter().any(|(name, value)| match value {
        Value::Text(t) => {
            t.chars().any(char::is_control)
                || t.len() > MAX_LINE_CHARS && !(entity == Entity::Segment && *name == "filter")
        }
        _ => false,
    });
    if !needs_work {
        return Ok(None);
    }
    let mut settled = Vec::with_capacity(fields.len());
    for (name, value) in fields {
        let column = entity
            .columns()
            .iter()
            .copied()
            .find(|c| c == name)
            .ok_or_else(|| StoreError::UnknownField(name.to_string()))?;
        let Value::Text(text) = value else {
            settled.push((column, value.clone()));
            continue;
        };
        let multiline = MULTILINE_COLUMNS.contains(&(entity, column));
        let clean: String = text
            .chars()
            .filter_map(|c| match c {
                '\n' if multiline => Some('\n'),
                '\n' | '\t' | '\r' => Some(' '),
                c if c.is_control() => None,
                c => Some(c),
            })
            .collect();
        let limit = if multiline {
            MAX_TEXT_CHARS
        } else {
            MAX_LINE_CHARS
        };
        let exempt = entity == Entity::Segment && column == "filter";
        if !exempt && clean.chars().count() > limit {
            return Err(StoreError::TooLong {
                field: column.to_string(),
                message: crate::domain::fields::too_long(&clean, limit),
            });
        }
        settled.push((column, Value::Text(clean)));
    }
    Ok(Some(settled))
}

/// A logged value back as a column value (references are resolved by the caller).
pub(crate) fn json_to_value(value: &serde_json::Value) -> Value {
    use serde_json::Value as Json;
    match value {
        Json::Null => Value::Null,
        Json::Bool(b) => Value::Integer(i64::from(*b)),
        Json::Number(n) => n
            .as_i64()
            .map(Value::Integer)
            .unwrap_or_else(|| Value::Real(n.as_f64().unwrap_or_default())),
        Json::String(s) => Value::Text(s.clone()),
        other => Value::Text(other.to_string()),
    }
}

pub(crate) fn value_to_json(value: &Value) -> serde_json::Value {
    match value {
        Value::Null => serde_json::Value::Null,
        Value::Integer(i) => serde_json::Value::from(*i),
        Value::Real(f) => serde_json::Value::from(*f),
        Value::Text(t) => serde_json::Value::String(t.clone()),
        Value::Blob(b) => serde_json::Value::String(b.iter().map(|x| format!("{x:02x}")).collect()),
    }
}

/// A UUID made from what a row stands for (a rule's contact, a setting, a clash), so
/// that two devices making the same row before they sync make one.
pub(crate) fn uuid_from(parts: &[&[u8]]) -> String {
    use sha2::{Digest, Sha256};
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update((part.len() as u64).to_be_bytes());
        hasher.update(part);
    }
    let digest = hasher.finalize();
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    uuid::Builder::from_custom_bytes(bytes)
        .into_uuid()
        .to_string()
}

/// Shorthands for building field lists.
pub(crate) fn text(value: impl Into<String>) -> Value {
    Value::Text(value.into())
}

pub(crate) fn opt_text(value: Option<impl Into<String>>) -> Value {
    value.map_or(Value::Null, |v| Value::Text(v.into()))
}

pub(crate) fn int(value: i64) -> Value {
    Value::Integer(value)
}

pub(crate) fn opt_int(value: Option<i64>) -> Value {
    value.map_or(Value::Null, Value::Integer)
}
