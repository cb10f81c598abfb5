//! Conflicts a merge kept (SPEC §7): two people changed the same field of a client
//! without seeing each other's change. The newer value is in the base; the other one
//! waits here for the client's manager: keep what is there, or take the other.

use super::error::{StoreError, StoreResult};
use super::write::{json_to_value, referenced_table, Entity};
use super::{Scope, Store, Viewer};
use chrono::{DateTime, Utc};
use rusqlite::types::Value;
use rusqlite::OptionalExtension;

/// An open conflict, as its client's manager sees it.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Conflict {
    pub id: String,
    pub client_number: Option<String>,
    pub client_name: Option<String>,
    /// What was changed: `client`, `contact_point`, `order`, …
    pub entity: String,
    pub field: String,
    /// The value in the base now.
    pub kept: serde_json::Value,
    /// The value that lost, who set it and when.
    pub other: serde_json::Value,
    pub other_by: Option<String>,
    pub other_at: DateTime<Utc>,
}

const OPEN_CONFLICTS: &str =
    "SELECT k.uuid, c.number, c.display_name, k.entity, k.field, k.kept_value,
        k.other_value, m.name, k.other_at
     FROM conflicts k
     LEFT JOIN clients c ON c.id = k.client_id
     LEFT JOIN managers m ON m.id = k.manager_id
     WHERE k.resolved_at IS NULL AND k.deleted = 0 AND {visible}";

/// Which conflicts a scope decides: those of its clients; a conflict of no client (a
/// manager, a setting, a segment) is the team's, for a scope that sees everyone.
fn visible_conflicts(scope: Scope) -> String {
    match scope.manager() {
        Some(_) => format!("k.client_id IS NOT NULL AND {}", scope.clients("c")),
        None => "1".into(),
    }
}

impl Store {
    /// The open conflicts of the clients `viewer` sees, oldest first.
    pub fn open_conflicts(&self, viewer: &Viewer) -> StoreResult<Vec<Conflict>> {
        let sql = OPEN_CONFLICTS.replace("{visible}", &visible_conflicts(Scope::of(viewer)));
        let mut stmt = self
            .conn
            .prepare_cached(&format!("{sql} ORDER BY k.other_at, k.uuid"))?;
        let rows = stmt.query_map([], |r| {
            let json = |i: usize| -> rusqlite::Result<serde_json::Value> {
                let text: Option<String> = r.get(i)?;
                Ok(text
                    .and_then(|t| serde_json::from_str(&t).ok())
                    .unwrap_or_default())
            };
            Ok(Conflict {
                id: r.get(0)?,
                client_number: r.get(1)?,
                client_name: r.get(2)?,
                entity: r.get(3)?,
                field: r.get(4)?,
                kept: json(5)?,
                other: json(6)?,
                other_by: r.get(7)?,
                other_at: DateTime::from_timestamp_millis(r.get(8)?).unwrap_or_default(),
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// How many open conflicts `viewer` has to decide (the badge on Today).
    pub fn count_open_conflicts(&self, viewer: &Viewer) -> StoreResult<usize> {
        let visible = visible_conflicts(Scope::of(viewer));
        let n: i64 = self
            .conn
            .prepare_cached(&format!(
                "SELECT count(*) FROM conflicts k LEFT JOIN clients c ON c.id = k.client_id
                 WHERE k.resolved_at IS NULL AND k.deleted = 0 AND {visible}"
            ))?
            .query_row([], |r| r.get(0))?;
        Ok(n as usize)
    }

    /// Decides a conflict: keep the value in the base, or take the other one (written
    /// as a new change, so it reaches every copy).
    pub fn resolve_conflict(
        &mut self,
        viewer: &Viewer,
        conflict_id: &str,
        take_other: bool,
    ) -> StoreResult<()> {
        let visible = self
            .open_conflicts(viewer)?
            .into_iter()
            .any(|c| c.id == conflict_id || c.id.starts_with(conflict_id));
        let found: Option<(i64, String, String, String, Option<String>)> = self
            .conn
            .query_row(
                "SELECT id, entity, row_uuid, field, other_value FROM conflicts
                 WHERE (uuid = ?1 OR uuid LIKE ?1 || '%') AND resolved_at IS NULL AND deleted = 0",
                [conflict_id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
            )
            .optional()?;
        let Some((id, entity, row_uuid, field, other)) = found.filter(|_| visible) else {
            return Err(StoreError::NoSuchConflict(conflict_id.to_string()));
        };
        self.write(Some(viewer), |w| {
            if take_other {
                let entity = Entity::from_code(&entity)
                    .ok_or_else(|| StoreError::UnknownField(entity.clone()))?;
                let column = entity
                    .column_of_log_key(&field)
                    .ok_or_else(|| StoreError::UnknownField(field.clone()))?;
                let other: serde_json::Value = other
                    .as_deref()
                    .and_then(|t| serde_json::from_str(t).ok())
                    .unwrap_or_default();
                let value = match (referenced_table(column), &other) {
                    (Some(table), serde_json::Value::String(uuid)) => {
                        Value::from(w.id_by_uuid(table, uuid)?)
                    }
                    (_, v) => json_to_value(v),
                };
                let row = w.id_by_uuid(entity.table(), &row_uuid)?;
                if let Some(row) = row {
                    w.update(entity, row, &[(column, value)])?;
                }
            }
            let resolution = if take_other { "took_other" } else { "kept" };
            w.update(
                Entity::Conflict,
                id,
                &[
                    ("resolved_at", Value::Integer(w.now_ms())),
                    ("resolution", Value::Text(resolution.into())),
                ],
            )?;
            Ok(())
        })
    }
}
