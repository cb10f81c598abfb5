//! Changes made on another device, replayed into this copy (SPEC §7). They come with
//! their own clock, device and manager, so they are written and logged as they were
//! made, not as new changes of this device; the rest of the Writer (stamps, derived
//! facts of the touched clients, the clock kept after commit) is the same.

use super::{check_columns, Entity, Fields, Writer};
use crate::domain::hlc::Hlc;
use crate::store::error::StoreResult;
use rusqlite::params_from_iter;
use rusqlite::types::Value;

/// One change of the log as another copy recorded it, with this copy's local ids.
pub(crate) struct ReplayedRecord<'r> {
    pub hlc: i64,
    pub device_id: i64,
    pub actor_id: Option<i64>,
    pub entity: Entity,
    pub row_uuid: &'r str,
    pub client_id: Option<i64>,
    pub op: &'r str,
    pub fields: &'r str,
}

impl Writer<'_> {
    /// Keeps this copy's clock ahead of a change it has now seen.
    pub fn observe(&mut self, remote: Hlc) {
        self.clock = self.clock.observe(remote, crate::domain::hlc::wall_ms());
    }

    /// Appends another device's change to this copy's log, as it was made.
    pub fn replay_log(&mut self, record: &ReplayedRecord<'_>) -> StoreResult<()> {
        self.forgot |= record.op == "forget";
        self.tx
            .prepare_cached(
                "INSERT INTO change_log (hlc, device_id, actor_id, entity, row_uuid, client_id, op, fields)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )?
            .execute(rusqlite::params![
                record.hlc,
                record.device_id,
                record.actor_id,
                record.entity.code(),
                record.row_uuid,
                record.client_id,
                record.op,
                record.fields,
            ])?;
        Ok(())
    }

    /// Writes a row another device inserted; returns its local id.
    pub fn replay_insert(
        &mut self,
        entity: Entity,
        uuid: &str,
        fields: &Fields<'_>,
        at_ms: i64,
    ) -> StoreResult<i64> {
        check_columns(entity, fields)?;
        let mut names: Vec<&str> = vec!["uuid", "updated_at"];
        let mut values = vec![Value::Text(uuid.to_string()), Value::Integer(at_ms)];
        for (name, value) in fields {
            names.push(name);
            values.push(value.clone());
        }
        let sql = format!(
            "INSERT INTO {} ({}) VALUES ({})",
            entity.table(),
            names.join(", "),
            vec!["?"; names.len()].join(", ")
        );
        self.tx
            .prepare_cached(&sql)?
            .execute(params_from_iter(values.iter()))?;
        let id = self.tx.last_insert_rowid();
        if let Some(client) = self.client_of(entity, id, fields) {
            self.touch_for(entity, client);
        }
        Ok(id)
    }

    /// Sets fields of a row as another device did; nothing is logged here (the
    /// device's own record is, by [`Writer::replay_log`]).
    pub fn replay_update(
        &mut self,
        entity: Entity,
        id: i64,
        fields: &Fields<'_>,
        at_ms: i64,
    ) -> StoreResult<()> {
        check_columns(entity, fields)?;
        if fields.is_empty() {
            return Ok(());
        }
        let moves = entity != Entity::Client && fields.iter().any(|(n, _)| *n == "client_id");
        if moves {
            let old: i64 = self
                .tx
                .prepare_cached(&format!(
                    "SELECT client_id FROM {} WHERE id = ?1",
                    entity.table()
                ))?
                .query_row([id], |r| r.get(0))?;
            self.note_move(entity, id, old, fields)?;
        }
        let sets: Vec<String> = fields.iter().map(|(n, _)| format!("{n} = ?")).collect();
        let sql = format!(
            "UPDATE {} SET {}, updated_at = max(updated_at, ?), version = version + 1 WHERE id = ?",
            entity.table(),
            sets.join(", ")
        );
        let mut values: Vec<Value> = fields.iter().map(|(_, v)| v.clone()).collect();
        values.push(Value::Integer(at_ms));
        values.push(Value::Integer(id));
        self.tx
            .prepare_cached(&sql)?
            .execute(params_from_iter(values.iter()))?;
        if super::changes_facts(entity, fields) {
            if let Some(client) = self.client_of(entity, id, fields) {
                self.touch_for(entity, client);
            }
        }
        Ok(())
    }

    /// A tombstone another device left; a row once deleted stays deleted.
    pub fn replay_delete(&mut self, entity: Entity, id: i64, at_ms: i64) -> StoreResult<()> {
        let sql = format!(
            "UPDATE {} SET deleted = 1, updated_at = max(updated_at, ?1), version = version + 1
             WHERE id = ?2 AND deleted = 0",
            entity.table()
        );
        self.tx
            .prepare_cached(&sql)?
            .execute(rusqlite::params![at_ms, id])?;
        if let Some(client) = self.client_of(entity, id, &[]) {
            self.touch_for(entity, client);
        }
        Ok(())
    }
}

impl Writer<'_> {
    /// A client forgotten on two devices is forgotten since the earlier time, on
    /// every copy, whatever order the forgets arrive in; the contacts its forget
    /// closed are closed at that time too.
    pub fn settle_forgotten_at(&mut self, client_id: i64, at_ms: i64) -> StoreResult<()> {
        let current: Option<i64> = self.tx.query_row(
            "SELECT forgotten_at FROM clients WHERE id = ?1",
            [client_id],
            |r| r.get(0),
        )?;
        let Some(current) = current.filter(|c| *c > at_ms) else {
            return Ok(());
        };
        self.tx.execute(
            "UPDATE clients SET forgotten_at = ?1 WHERE id = ?2",
            rusqlite::params![at_ms, client_id],
        )?;
        self.tx.execute(
            "UPDATE scheduled_contacts SET done_at = ?1 WHERE client_id = ?2 AND done_at = ?3",
            rusqlite::params![at_ms, client_id, current],
        )?;
        Ok(())
    }

    /// Another device erased a client's personal data (forget): erased here too,
    /// whatever was changed meanwhile, and out of this copy's log as well.
    pub fn replay_forget(&mut self, client_id: i64, at_ms: i64) -> StoreResult<()> {
        use crate::store::clients::{
            child_erasures, kept_child_erasures, scrub_client_log_sql, PERSONAL_COLUMNS,
        };
        let personal: Vec<String> = PERSONAL_COLUMNS
            .iter()
            .map(|c| format!("{c} = NULL"))
            .collect();
        self.tx.execute(
            &format!(
                "UPDATE clients SET {}, forgotten_at = min(coalesce(forgotten_at, ?1), ?1),
                   archived_at = coalesce(archived_at, ?1),
                   archive_reason = coalesce(archive_reason, 'other'),
                   updated_at = max(updated_at, ?1), version = version + 1
                 WHERE id = ?2",
                personal.join(", ")
            ),
            rusqlite::params![at_ms, client_id],
        )?;
        let erase = |entity: Entity, fields: &[(&str, Value)], tombstone: bool| {
            let sets: Vec<String> = fields.iter().map(|(n, _)| format!("{n} = ?")).collect();
            let sql = format!(
                "UPDATE {} SET {}{} WHERE client_id = ?",
                entity.table(),
                sets.join(", "),
                if tombstone { ", deleted = 1" } else { "" }
            );
            let mut values: Vec<Value> = fields.iter().map(|(_, v)| v.clone()).collect();
            values.push(Value::Integer(client_id));
            self.tx.execute(&sql, params_from_iter(values.iter()))
        };
        for (entity, fields) in child_erasures() {
            erase(entity, &fields, true)?;
        }
        for (entity, fields) in kept_child_erasures() {
            erase(entity, &fields, false)?;
        }
        // Closed at the time of forgetting the client holds, so that every copy closes
        // them at the same time whatever order it saw the changes in.
        self.tx.execute(
            "UPDATE scheduled_contacts
             SET done_at = (SELECT forgotten_at FROM clients WHERE id = ?1)
             WHERE client_id = ?1 AND done_at IS NULL",
            [client_id],
        )?;
        self.tx.execute(&scrub_client_log_sql(), [client_id])?;
        self.touch(client_id);
        // The folder's files are swept of it too (its own segments, copies aside).
        self.forgot = true;
        Ok(())
    }
}
