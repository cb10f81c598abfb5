//! Who last set each field of the rows a merge touches, read from this copy's log.

use crate::store::error::StoreResult;
use rusqlite::types::Value;
use rusqlite::Connection;
use serde_json::Value as Json;
use std::collections::{HashMap, HashSet};

/// Who last set a field of a row, and to what.
#[derive(Clone)]
pub(crate) struct FieldClock {
    pub(crate) hlc: i64,
    pub(crate) device: String,
    pub(crate) actor: Option<String>,
    pub(crate) value: Json,
}

impl FieldClock {
    pub(crate) fn beats(&self, hlc: i64, device: &str) -> bool {
        (self.hlc, self.device.as_str()) > (hlc, device)
    }
}

/// The pseudo-field of a child row's client: the client named by the row's newest
/// change, so a row moved to another client (duplicates merged) stays where the
/// newest change put it, whatever order the changes arrive in.
pub(crate) const CLIENT_OF_ROW: &str = "@client";

/// Field clocks of the rows a merge touches, read from this copy's log once a client
/// (or a row outside any client) is first met.
#[derive(Default)]
pub(crate) struct Clocks {
    fields: HashMap<String, HashMap<String, FieldClock>>,
    loaded_clients: HashSet<i64>,
    loaded_rows: HashSet<String>,
}

impl Clocks {
    pub(crate) fn load(
        &mut self,
        conn: &Connection,
        client: Option<i64>,
        row_uuid: &str,
    ) -> StoreResult<()> {
        let (sql, key): (&str, Value) = match client {
            Some(id) if self.loaded_clients.insert(id) => (
                "SELECT l.row_uuid, l.hlc, d.uuid, m.uuid, l.fields, l.client_id FROM change_log l
                 JOIN devices d ON d.id = l.device_id LEFT JOIN managers m ON m.id = l.actor_id
                 WHERE l.client_id = ?1",
                Value::Integer(id),
            ),
            None if self.loaded_rows.insert(row_uuid.to_string()) => (
                "SELECT l.row_uuid, l.hlc, d.uuid, m.uuid, l.fields, l.client_id FROM change_log l
                 JOIN devices d ON d.id = l.device_id LEFT JOIN managers m ON m.id = l.actor_id
                 WHERE l.row_uuid = ?1 AND l.client_id IS NULL",
                Value::Text(row_uuid.to_string()),
            ),
            _ => return Ok(()),
        };
        self.read(conn, sql, &[key])
    }

    /// Reads again what the log holds of one row: after this copy wrote it during the
    /// merge (a clash kept, a name made room for), so later changes of the merge
    /// compare with that write.
    pub(crate) fn refresh(
        &mut self,
        conn: &Connection,
        client: Option<i64>,
        row_uuid: &str,
    ) -> StoreResult<()> {
        let row = Value::Text(row_uuid.to_string());
        match client {
            Some(id) => self.read(
                conn,
                "SELECT l.row_uuid, l.hlc, d.uuid, m.uuid, l.fields, l.client_id FROM change_log l
                 JOIN devices d ON d.id = l.device_id LEFT JOIN managers m ON m.id = l.actor_id
                 WHERE l.client_id = ?1 AND l.row_uuid = ?2",
                &[Value::Integer(id), row],
            ),
            None => self.read(
                conn,
                "SELECT l.row_uuid, l.hlc, d.uuid, m.uuid, l.fields, l.client_id FROM change_log l
                 JOIN devices d ON d.id = l.device_id LEFT JOIN managers m ON m.id = l.actor_id
                 WHERE l.row_uuid = ?1 AND l.client_id IS NULL",
                &[row],
            ),
        }
    }

    fn read(&mut self, conn: &Connection, sql: &str, keys: &[Value]) -> StoreResult<()> {
        let mut stmt = conn.prepare_cached(sql)?;
        let mut rows = stmt.query(rusqlite::params_from_iter(keys.iter()))?;
        while let Some(r) = rows.next()? {
            let row: String = r.get(0)?;
            let fields: String = r.get(4)?;
            let Ok(Json::Object(map)) = serde_json::from_str::<Json>(&fields) else {
                continue;
            };
            let clock = FieldClock {
                hlc: r.get(1)?,
                device: r.get(2)?,
                actor: r.get(3)?,
                value: Json::Null,
            };
            if let Some(client) = r.get::<_, Option<i64>>(5)? {
                self.set(
                    &row,
                    CLIENT_OF_ROW,
                    FieldClock {
                        value: Json::from(client),
                        ..clock.clone()
                    },
                );
            }
            for (field, value) in map {
                self.set(
                    &row,
                    &field,
                    FieldClock {
                        value,
                        ..clock.clone()
                    },
                );
            }
        }
        Ok(())
    }

    pub(crate) fn get(&self, row: &str, field: &str) -> Option<&FieldClock> {
        self.fields.get(row)?.get(field)
    }

    /// Keeps the newer of what is known and `clock`.
    pub(crate) fn set(&mut self, row: &str, field: &str, clock: FieldClock) {
        let fields = self.fields.entry(row.to_string()).or_default();
        match fields.get(field) {
            Some(known) if known.beats(clock.hlc, &clock.device) => {}
            _ => {
                fields.insert(field.to_string(), clock);
            }
        }
    }
}
