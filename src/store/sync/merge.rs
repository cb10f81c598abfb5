//! Merging another copy of the base by replaying its change log (SPEC §7): the changes
//! this copy has not seen are applied field by field, the newest hybrid clock winning
//! and ties going to the greater device; appended rows are a union; a forgotten client
//! stays forgotten; a tombstone stays. Two changes of one field made without seeing
//! each other leave a conflict. Applying the same changes again finds nothing new, and
//! any order of merging ends in the same data.

use crate::domain::hlc::Hlc;
use crate::store::clients::{child_erasures, personal_log_keys};
use crate::store::error::{StoreError, StoreResult};
use crate::store::write::{json_to_value, referenced_table, Entity, ReplayedRecord, Writer};
use crate::store::Store;
use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension};
use serde_json::Value as Json;
use std::collections::{HashMap, HashSet};

use super::clocks::{Clocks, FieldClock, CLIENT_OF_ROW};
pub(crate) use super::unseen::{is_ahead, vector_of, Vector};
use super::unseen::{unseen_changes, DeviceCode, Incoming};

/// What a merge brought in.
#[derive(Debug, Default, Clone, PartialEq, Eq, serde::Serialize)]
pub struct MergeReport {
    /// Changes of other devices applied here.
    pub changes: usize,
    /// Clients they touched.
    pub clients: usize,
    /// Same-field clashes found (each kept as a conflict).
    pub conflicts: usize,
    /// Time spent merging (reading the changes, applying them, committing), without
    /// copying and checking the file.
    pub millis: u64,
}

impl MergeReport {
    /// Adds what another merge of the same sync brought.
    pub fn add(&mut self, other: &MergeReport) {
        self.changes += other.changes;
        self.clients += other.clients;
        self.conflicts += other.conflicts;
        self.millis += other.millis;
    }
}

/// What the devices of incoming changes had seen, each a vector.
pub(crate) struct Seen {
    pub(crate) by_device: HashMap<String, Vector>,
    /// For a device not named above (all changes of one copy of the base).
    pub(crate) otherwise: Vector,
    /// Clients the changes come erased for (forgotten since they were first
    /// published), whether or not the forget is among them.
    pub(crate) forgotten: HashSet<String>,
}

impl Seen {
    fn of(&self, device: &str) -> &Vector {
        self.by_device.get(device).unwrap_or(&self.otherwise)
    }
}

/// A same-field clash: the value that lost and who made it.
struct Clash {
    entity: Entity,
    row_uuid: String,
    client_id: Option<i64>,
    field: String,
    kept: Json,
    lost: FieldClock,
}

impl Store {
    /// Merges the base at `other` (a private copy, already checked to be this base)
    /// into this one, in one transaction.
    pub(crate) fn merge_copy(&mut self, other: &Connection) -> StoreResult<MergeReport> {
        let theirs = vector_of(other)?;
        let ours = vector_of(&self.conn)?;
        if !is_ahead(&theirs, &ours) {
            return Ok(MergeReport::default());
        }
        let (changes, devices) = unseen_changes(other, &ours)?;
        // The other copy as a whole had seen what its vector says.
        let seen = Seen {
            by_device: HashMap::new(),
            otherwise: theirs,
            forgotten: HashSet::new(),
        };
        self.merge_incoming(changes, &devices, &seen)
    }

    /// Applies changes of other devices this copy has not seen (from a copy of the
    /// base, or from their segments), in one transaction. `seen` says what the device
    /// of each change had seen when it made it: a same-field change of this copy it
    /// had not seen is a clash.
    pub(crate) fn merge_incoming(
        &mut self,
        mut changes: Vec<Incoming>,
        devices: &[DeviceCode],
        seen: &Seen,
    ) -> StoreResult<MergeReport> {
        let started = std::time::Instant::now();
        if changes.is_empty() {
            return Ok(MergeReport::default());
        }
        changes.sort_by(|a, b| (a.hlc, &a.device).cmp(&(b.hlc, &b.device)));
        let theirs = seen;
        // Clients these changes forget: what they wrote of them before comes in already
        // erased (the other copy scrubbed its log when it forgot them).
        let mut doomed: HashSet<String> = changes
            .iter()
            .filter(|c| c.op == "forget")
            .map(|c| c.client.clone().unwrap_or_else(|| c.row_uuid.clone()))
            .collect();
        doomed.extend(seen.forgotten.iter().cloned());
        let mut report = self.write(None, |w| {
            let mut merge = Merge {
                doomed: &doomed,
                device_ids: HashMap::new(),
                theirs,
                clocks: Clocks::default(),
                clients: HashSet::new(),
                ids: HashMap::new(),
                forgotten: HashMap::new(),
                report: MergeReport::default(),
            };
            for (uuid, code) in devices {
                let id = ensure_device(w, uuid, code)?;
                merge.device_ids.insert(uuid.clone(), id);
            }
            for change in &changes {
                merge.apply(w, change)?;
            }
            crate::store::clients::forget_merged_together(w)?;
            let touched: Vec<i64> = merge.clients.iter().copied().collect();
            crate::store::clients::close_contacts_of_forgotten(w, &touched)?;
            merge.report.clients = merge.clients.len();
            Ok(merge.report)
        })?;
        report.millis = started.elapsed().as_millis() as u64;
        Ok(report)
    }
}

/// This copy's local id of a device, which is added when first seen.
fn ensure_device(w: &mut Writer<'_>, uuid: &str, code: &str) -> StoreResult<i64> {
    let known: Option<i64> = w
        .tx()
        .query_row("SELECT id FROM devices WHERE uuid = ?1", [uuid], |r| {
            r.get(0)
        })
        .optional()?;
    if let Some(id) = known {
        return Ok(id);
    }
    let code_taken: bool = w.tx().query_row(
        "SELECT EXISTS (SELECT 1 FROM devices WHERE code = ?1)",
        [code],
        |r| r.get(0),
    )?;
    // The code only prefixes numbers a device gives on its own copy; a clash here
    // (two devices that joined offline) changes no number already given.
    let code = if code_taken {
        format!("{code}-{}", &uuid[..4.min(uuid.len())])
    } else {
        code.to_string()
    };
    w.tx().execute(
        "INSERT INTO devices (uuid, code, next_seq, joined_at) VALUES (?1, ?2, 1, ?3)",
        rusqlite::params![uuid, code, w.now_ms()],
    )?;
    Ok(w.tx().last_insert_rowid())
}

struct Merge<'v> {
    /// Clients forgotten by a change of this merge, by UUID.
    doomed: &'v HashSet<String>,
    device_ids: HashMap<String, i64>,
    theirs: &'v Seen,
    clocks: Clocks,
    clients: HashSet<i64>,
    /// Local ids of the clients and managers met, by UUID: most changes name one.
    ids: HashMap<String, i64>,
    /// Whether a client met is forgotten, by local id.
    forgotten: HashMap<i64, bool>,
    report: MergeReport,
}

impl Merge<'_> {
    /// The local id of a client or manager (UUIDs never repeat across tables).
    fn id_of(&mut self, w: &Writer<'_>, table: &str, uuid: &str) -> StoreResult<Option<i64>> {
        if let Some(id) = self.ids.get(uuid) {
            return Ok(Some(*id));
        }
        let found = w.id_by_uuid(table, uuid)?;
        if let Some(id) = found {
            self.ids.insert(uuid.to_string(), id);
        }
        Ok(found)
    }

    /// Logged fields as columns: references from UUIDs to this copy's ids.
    fn columns_of(
        &mut self,
        w: &Writer<'_>,
        entity: Entity,
        fields: &[(String, Json)],
    ) -> StoreResult<Vec<(&'static str, Value)>> {
        let mut out = Vec::with_capacity(fields.len());
        for (key, value) in fields {
            let Some(column) = entity.column_of_log_key(key) else {
                // A field of a newer program's schema: kept in the log, not applied.
                continue;
            };
            let value = match (referenced_table(column), value) {
                (Some(table), Json::String(uuid)) => Value::from(self.id_of(w, table, uuid)?),
                (_, v) => json_to_value(v),
            };
            out.push((column, value));
        }
        Ok(out)
    }

    /// Two devices out of touch gave the same unique name (a manager's login, a saved
    /// segment's name, a client number) to two rows: the older keeps it, the newer gets
    /// the name with the start of its UUID. Every copy decides alike: here the incoming
    /// row is renamed as it is inserted, or this copy's row is renamed by a change of
    /// its own that reaches the others.
    fn make_room(
        &mut self,
        w: &mut Writer<'_>,
        entity: Entity,
        change: &Incoming,
        values: &mut [(&'static str, Value)],
    ) -> StoreResult<()> {
        let (column, live_only) = match entity {
            Entity::Manager => ("login", false),
            Entity::Segment => ("name", true),
            Entity::Client => ("number", false),
            _ => return Ok(()),
        };
        let Some(slot) = values.iter_mut().find(|(n, _)| *n == column) else {
            return Ok(());
        };
        let Value::Text(taken) = slot.1.clone() else {
            return Ok(());
        };
        let holder: Option<(i64, String)> = w
            .tx()
            .prepare_cached(&format!(
                "SELECT id, uuid FROM {} WHERE {column} = ?1{}",
                entity.table(),
                if live_only { " AND deleted = 0" } else { "" }
            ))?
            .query_row([&taken], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        let Some((local_id, local_uuid)) = holder else {
            return Ok(());
        };
        let client = (entity == Entity::Client).then_some(local_id);
        self.clocks.load(w.tx(), client, &local_uuid)?;
        let local_is_older = self
            .clocks
            .get(&local_uuid, column)
            .is_some_and(|c| !c.beats(change.hlc, &change.device));
        let renamed = |name: &str, uuid: &str| match entity {
            Entity::Segment => format!("{name} ({})", &uuid[..4.min(uuid.len())]),
            // Client numbers are typed in any case and read upper-case.
            Entity::Client => format!("{name}-{}", uuid[..4.min(uuid.len())].to_uppercase()),
            _ => format!("{name}-{}", &uuid[..4.min(uuid.len())]),
        };
        if local_is_older {
            slot.1 = Value::Text(renamed(&taken, &change.row_uuid));
        } else {
            w.update(
                entity,
                local_id,
                &[(column, Value::Text(renamed(&taken, &local_uuid)))],
            )?;
            self.clocks.refresh(w.tx(), client, &local_uuid)?;
        }
        Ok(())
    }

    fn apply(&mut self, w: &mut Writer<'_>, change: &Incoming) -> StoreResult<()> {
        let entity = Entity::from_code(&change.entity).ok_or_else(|| {
            StoreError::Database(format!("merge: unknown entity «{}»", change.entity))
        })?;
        w.observe(Hlc(change.hlc));
        let at_ms = Hlc(change.hlc).millis();
        let device_id = self.device_ids[&change.device];
        let actor_id = match &change.actor {
            Some(uuid) => self.id_of(w, "managers", uuid)?,
            None => None,
        };
        let row_id = w.id_by_uuid(entity.table(), &change.row_uuid)?;
        let client_id = match (entity, &change.client) {
            (Entity::Client, _) => row_id,
            (_, Some(uuid)) => Some(
                self.id_of(w, "clients", uuid)?
                    .ok_or_else(|| StoreError::Database(format!("merge: unknown client {uuid}")))?,
            ),
            (_, None) => None,
        };
        self.clocks.load(w.tx(), client_id, &change.row_uuid)?;
        if entity != Entity::Client {
            // A row that moved has changes logged under every client it was with.
            let homes: Vec<i64> = w
                .tx()
                .prepare_cached("SELECT client_id FROM row_homes WHERE row_uuid = ?1")?
                .query_map([&change.row_uuid], |r| r.get(0))?
                .collect::<Result<_, _>>()?;
            for home in homes {
                self.clocks.load(w.tx(), Some(home), &change.row_uuid)?;
            }
        }
        let lives_with = self.lives_with(w, entity, row_id, client_id)?;
        let forgotten = match client_id {
            Some(id) => match self.forgotten.get(&id) {
                Some(known) => *known,
                None => {
                    let known = w
                        .tx()
                        .prepare_cached(
                            "SELECT forgotten_at IS NOT NULL FROM clients WHERE id = ?1",
                        )?
                        .query_row([id], |r| r.get(0))
                        .optional()?
                        .unwrap_or(false);
                    self.forgotten.insert(id, known);
                    known
                }
            },
            None => false,
        };
        let client_uuid = match entity {
            Entity::Client => Some(&change.row_uuid),
            _ => change.client.as_ref(),
        };
        let forgotten = forgotten || client_uuid.is_some_and(|u| self.doomed.contains(u));
        let mut fields = match serde_json::from_str::<Json>(&change.fields) {
            Ok(Json::Object(map)) => map,
            _ => serde_json::Map::new(),
        };
        // A forgotten client stays forgotten: what others wrote of it meanwhile is
        // dropped, here and from the log.
        let logged = if forgotten && change.op != "forget" {
            for key in personal_log_keys() {
                fields.remove(key);
            }
            Json::Object(fields.clone()).to_string()
        } else {
            change.fields.clone()
        };
        match change.op.as_str() {
            "insert" | "update" => {
                let applied = self.settle_fields(w, entity, change, client_id, &fields)?;
                let mut values = self.columns_of(w, entity, &applied)?;
                let erasure = forgotten.then(|| {
                    child_erasures()
                        .into_iter()
                        .find(|(e, _)| *e == entity)
                        .map(|(_, blank)| blank)
                });
                if let Some(Some(blank)) = &erasure {
                    values.retain(|(n, _)| !blank.iter().any(|(b, _)| b == n));
                    values.extend(blank.iter().cloned());
                }
                if forgotten && entity == Entity::ScheduledContact && row_id.is_none() {
                    values.retain(|(n, _)| *n != "done_at");
                    let closed: Option<i64> = w.tx().query_row(
                        "SELECT forgotten_at FROM clients WHERE id = ?1",
                        [client_id.unwrap_or_default()],
                        |r| r.get(0),
                    )?;
                    values.push(("done_at", Value::from(closed)));
                }
                let id = match row_id {
                    Some(id) => {
                        if let Some(client) = self.moved_to(change, lives_with, client_id) {
                            values.push(("client_id", Value::Integer(client)));
                        }
                        w.replay_update(entity, id, &values, at_ms)?;
                        id
                    }
                    None => {
                        if entity != Entity::Client {
                            if let Some(client) = client_id {
                                values.push(("client_id", Value::Integer(client)));
                            }
                        }
                        self.make_room(w, entity, change, &mut values)?;
                        insert_row(w, entity, &change.row_uuid, &values, at_ms)?
                    }
                };
                if matches!(erasure, Some(Some(_))) {
                    w.replay_delete(entity, id, at_ms)?;
                }
            }
            "delete" => {
                if let Some(id) = row_id {
                    w.replay_delete(entity, id, at_ms)?;
                }
            }
            "forget" => {
                if let Some(id) = client_id {
                    w.replay_forget(id, at_ms)?;
                    self.forgotten.insert(id, true);
                }
            }
            other => {
                return Err(StoreError::Database(format!(
                    "merge: unknown change «{other}»"
                )))
            }
        }
        let client_id = match (entity, client_id) {
            (Entity::Client, None) => self.id_of(w, "clients", &change.row_uuid)?,
            (_, id) => id,
        };
        w.replay_log(&ReplayedRecord {
            hlc: change.hlc,
            device_id,
            actor_id,
            entity,
            row_uuid: &change.row_uuid,
            client_id,
            op: &change.op,
            fields: &logged,
        })?;
        if let Some(id) = client_id {
            self.clients.insert(id);
            if entity != Entity::Client {
                self.clocks.set(
                    &change.row_uuid,
                    CLIENT_OF_ROW,
                    FieldClock {
                        hlc: change.hlc,
                        device: change.device.clone(),
                        actor: change.actor.clone(),
                        value: Json::from(id),
                    },
                );
            }
        }
        self.report.changes += 1;
        Ok(())
    }

    /// The client an existing child row lives with here, when `change` names another
    /// (the row was moved, duplicates merged): that client's log is read as well, as
    /// the row's newest changes are recorded under it.
    fn lives_with(
        &mut self,
        w: &Writer<'_>,
        entity: Entity,
        row_id: Option<i64>,
        client_id: Option<i64>,
    ) -> StoreResult<Option<i64>> {
        let (Some(id), Some(client)) = (row_id, client_id) else {
            return Ok(None);
        };
        if entity == Entity::Client || !entity.columns().contains(&"client_id") {
            return Ok(None);
        }
        let current: i64 = w
            .tx()
            .prepare_cached(&format!(
                "SELECT client_id FROM {} WHERE id = ?1",
                entity.table()
            ))?
            .query_row([id], |r| r.get(0))?;
        if current == client {
            return Ok(None);
        }
        let row_uuid: String = w
            .tx()
            .prepare_cached(&format!(
                "SELECT uuid FROM {} WHERE id = ?1",
                entity.table()
            ))?
            .query_row([id], |r| r.get(0))?;
        self.clocks.load(w.tx(), Some(current), &row_uuid)?;
        Ok(Some(current))
    }

    /// The client a child row moves to by `change`, if any. A move is kept in the
    /// log's record (its client), not in the fields; the newest change of the row
    /// says where it lives, so a change made before the move does not carry it back.
    fn moved_to(
        &self,
        change: &Incoming,
        lives_with: Option<i64>,
        client_id: Option<i64>,
    ) -> Option<i64> {
        lives_with?;
        let newer = self
            .clocks
            .get(&change.row_uuid, CLIENT_OF_ROW)
            .is_none_or(|known| !known.beats(change.hlc, &change.device));
        if newer {
            client_id
        } else {
            None
        }
    }

    /// The fields of `change` that are newer than what this copy holds; a clash with
    /// a change the other copy had not seen is kept as a conflict.
    fn settle_fields(
        &mut self,
        w: &mut Writer<'_>,
        entity: Entity,
        change: &Incoming,
        client_id: Option<i64>,
        fields: &serde_json::Map<String, Json>,
    ) -> StoreResult<Vec<(String, Json)>> {
        let mut applied = Vec::new();
        for (field, value) in fields {
            // Forgotten since the earliest forget: not a clash, and not the newest.
            if entity == Entity::Client && field == "forgotten_at" {
                if let (Some(client), Some(at)) = (client_id, value.as_i64()) {
                    let current: Option<i64> = w.tx().query_row(
                        "SELECT forgotten_at FROM clients WHERE id = ?1",
                        [client],
                        |r| r.get(0),
                    )?;
                    match current {
                        Some(_) => w.settle_forgotten_at(client, at)?,
                        None => applied.push((field.clone(), value.clone())),
                    }
                    continue;
                }
            }
            let incoming = FieldClock {
                hlc: change.hlc,
                device: change.device.clone(),
                actor: change.actor.clone(),
                value: value.clone(),
            };
            let known = self.clocks.get(&change.row_uuid, field).cloned();
            let wins = known
                .as_ref()
                .is_none_or(|k| !k.beats(change.hlc, &change.device));
            if let Some(known) = known {
                let unseen_by_them = self
                    .theirs
                    .of(&change.device)
                    .get(&known.device)
                    .is_none_or(|seen| known.hlc > *seen);
                if unseen_by_them && known.value != *value && entity != Entity::Conflict {
                    let (kept, lost) = if wins {
                        (value.clone(), known)
                    } else {
                        (known.value.clone(), incoming.clone())
                    };
                    self.keep_conflict(
                        w,
                        Clash {
                            entity,
                            row_uuid: change.row_uuid.clone(),
                            client_id,
                            field: field.clone(),
                            kept,
                            lost,
                        },
                    )?;
                }
            }
            if wins {
                self.clocks.set(&change.row_uuid, field, incoming);
                applied.push((field.clone(), value.clone()));
            }
        }
        Ok(applied)
    }

    fn keep_conflict(&mut self, w: &mut Writer<'_>, clash: Clash) -> StoreResult<()> {
        let uuid = clash_uuid(&clash);
        if w.id_by_uuid("conflicts", &uuid)?.is_some() {
            return Ok(());
        }
        let client_id = clash.client_id;
        let actor = match &clash.lost.actor {
            Some(uuid) => w.id_by_uuid("managers", uuid)?,
            None => None,
        };
        w.insert_with_uuid(
            Entity::Conflict,
            &uuid,
            &[
                ("client_id", Value::from(clash.client_id)),
                ("manager_id", Value::from(actor)),
                ("entity", Value::Text(clash.entity.code().into())),
                ("row_uuid", Value::Text(clash.row_uuid)),
                ("field", Value::Text(clash.field)),
                ("kept_value", Value::Text(clash.kept.to_string())),
                ("other_value", Value::Text(clash.lost.value.to_string())),
                ("other_at", Value::Integer(Hlc(clash.lost.hlc).millis())),
                ("other_device", Value::Text(clash.lost.device)),
            ],
            &[],
        )?;
        // The same clash found by another copy may come later in this merge: it is
        // compared with this copy's record of it.
        self.clocks.refresh(w.tx(), client_id, &uuid)?;
        self.report.conflicts += 1;
        Ok(())
    }
}

/// The same clash gets the same UUID in every copy that finds it.
fn clash_uuid(clash: &Clash) -> String {
    crate::store::write::uuid_from(&[
        b"clash",
        clash.row_uuid.as_bytes(),
        clash.field.as_bytes(),
        &clash.lost.hlc.to_be_bytes(),
        clash.lost.device.as_bytes(),
    ])
}

/// Inserts a row another device made. A unique name already taken by another row
/// (a login, a client number, a segment name given on two devices offline) is
/// reported, not overwritten.
fn insert_row(
    w: &mut Writer<'_>,
    entity: Entity,
    uuid: &str,
    values: &[(&'static str, Value)],
    at_ms: i64,
) -> StoreResult<i64> {
    w.replay_insert(entity, uuid, values, at_ms)
        .map_err(|e| match e {
            StoreError::Database(msg) if msg.contains("UNIQUE") => StoreError::MergeClash {
                what: entity.code().to_string(),
                detail: msg,
            },
            other => other,
        })
}
