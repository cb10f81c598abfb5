//! What another copy holds that this one has not seen: each copy holds, of every
//! device's changes, an unbroken run from its first (a merge takes all it has not
//! seen at once), so the newest clock seen of each device says it all.

use crate::store::error::StoreResult;
use rusqlite::Connection;
use std::collections::HashMap;

/// The newest clock of each device a copy has seen, by device UUID.
pub(crate) type Vector = HashMap<String, i64>;

/// What `conn`'s base has seen of each device.
pub(crate) fn vector_of(conn: &Connection) -> StoreResult<Vector> {
    let devices: Vec<(i64, String)> = conn
        .prepare("SELECT id, uuid FROM devices")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    let mut vector = Vector::new();
    for (id, uuid) in devices {
        let newest: Option<i64> = conn
            .prepare_cached("SELECT max(hlc) FROM change_log WHERE device_id = ?1")?
            .query_row([id], |r| r.get(0))?;
        if let Some(hlc) = newest {
            vector.insert(uuid, hlc);
        }
    }
    Ok(vector)
}

/// Whether `a` holds a change `b` has not seen.
pub(crate) fn is_ahead(a: &Vector, b: &Vector) -> bool {
    a.iter()
        .any(|(device, hlc)| b.get(device).is_none_or(|seen| hlc > seen))
}

/// A device's UUID and its short code.
pub(crate) type DeviceCode = (String, String);

/// One change read from the other copy, its references as UUIDs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Incoming {
    pub(crate) hlc: i64,
    pub(crate) device: String,
    pub(crate) actor: Option<String>,
    pub(crate) entity: String,
    pub(crate) row_uuid: String,
    pub(crate) client: Option<String>,
    pub(crate) op: String,
    pub(crate) fields: String,
}

/// The changes `other` holds that a copy with `seen` has not, oldest first, and the
/// other copy's devices (UUID, code).
pub(crate) fn unseen_changes(
    other: &Connection,
    seen: &Vector,
) -> StoreResult<(Vec<Incoming>, Vec<DeviceCode>)> {
    let devices: Vec<(i64, String, String)> = other
        .prepare("SELECT id, uuid, code FROM devices")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<Result<_, _>>()?;
    let mut changes = Vec::new();
    let mut read = other.prepare(
        "SELECT l.hlc, m.uuid, l.entity, l.row_uuid, c.uuid, l.op, l.fields
         FROM change_log l
         LEFT JOIN managers m ON m.id = l.actor_id
         LEFT JOIN clients c ON c.id = l.client_id
         WHERE l.device_id = ?1 AND l.hlc > ?2",
    )?;
    for (id, uuid, _) in &devices {
        let after = seen.get(uuid).copied().unwrap_or(i64::MIN);
        let rows = read.query_map(rusqlite::params![id, after], |r| {
            Ok(Incoming {
                hlc: r.get(0)?,
                device: uuid.clone(),
                actor: r.get(1)?,
                entity: r.get(2)?,
                row_uuid: r.get(3)?,
                client: r.get(4)?,
                op: r.get(5)?,
                fields: r.get(6)?,
            })
        })?;
        for row in rows {
            changes.push(row?);
        }
    }
    changes.sort_by(|a, b| (a.hlc, &a.device).cmp(&(b.hlc, &b.device)));
    let devices = devices.into_iter().map(|(_, u, c)| (u, c)).collect();
    Ok((changes, devices))
}
