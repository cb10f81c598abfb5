//! Forget reaches every copy (SPEC §7): once a client is forgotten here (or a merge
//! brings its forget), this device erases that client's personal data from every
//! file of the shared folder it may touch — its own segments (rewritten), the copies
//! moved aside, and the snapshot (written anew) — once per new forget.

use super::folder::{changes_dir, is_temporary};
use super::segments;
use crate::store::clients::personal_log_keys;
use crate::store::error::{StoreError, StoreResult};
use crate::store::Store;
use rusqlite::OptionalExtension;
use std::collections::HashSet;
use std::path::Path;

impl Store {
    fn counter(&self, key: &str) -> StoreResult<i64> {
        Ok(self
            .conn
            .query_row(
                "SELECT CAST(value AS INTEGER) FROM local_state WHERE key = ?1",
                [key],
                |r| r.get(0),
            )
            .optional()?
            .unwrap_or(0))
    }

    /// The forgotten clients, when a forget has not been swept from the folder yet.
    fn forgets_to_sweep(&self) -> StoreResult<Option<HashSet<String>>> {
        if self.counter("forgets_swept")? >= self.counter("forgets")? {
            return Ok(None);
        }
        let forgotten: HashSet<String> = self
            .conn
            .prepare("SELECT uuid FROM clients WHERE forgotten_at IS NOT NULL")?
            .query_map([], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        Ok(Some(forgotten))
    }

    /// Whether the snapshot still holds a client forgotten since: then this sync
    /// writes a new one.
    pub(crate) fn snapshot_holds_forgotten(&self, team: &Path) -> StoreResult<bool> {
        let Some(forgotten) = self.forgets_to_sweep()? else {
            return Ok(false);
        };
        let Some(conn) = super::folder::open_immutable(team) else {
            return Ok(false);
        };
        let uuids = serde_json::to_string(&forgotten)?;
        Ok(conn
            .query_row(
                "SELECT EXISTS (SELECT 1 FROM clients WHERE forgotten_at IS NULL
                   AND uuid IN (SELECT value FROM json_each(?1)))",
                [&uuids],
                |r| r.get(0),
            )
            .unwrap_or(false))
    }

    /// Erases forgotten clients from this device's own segments and the copies moved
    /// aside, and marks the forgets swept.
    pub(crate) fn sweep_forgotten(&self, team: &Path) -> StoreResult<()> {
        let Some(forgotten) = self.forgets_to_sweep()? else {
            return Ok(());
        };
        let list: Vec<String> = forgotten.iter().cloned().collect();
        super::copies::erase_forgotten(team, &list)?;
        let dir = changes_dir(team).join(&self.device);
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if is_temporary(&name) || segments::number_of(&name).is_none() {
                continue;
            }
            let path = entry.path();
            let Ok(bytes) = std::fs::read(&path) else {
                continue;
            };
            let Ok(mut segment) = segments::decode(&bytes, false) else {
                continue;
            };
            let mut changed = false;
            for change in &mut segment.changes {
                let client = match change.entity.as_str() {
                    "client" => Some(&change.row_uuid),
                    _ => change.client.as_ref(),
                };
                if change.op == "forget" || !client.is_some_and(|c| forgotten.contains(c)) {
                    continue;
                }
                let Ok(serde_json::Value::Object(mut fields)) =
                    serde_json::from_str::<serde_json::Value>(&change.fields)
                else {
                    continue;
                };
                let before = fields.len();
                for key in personal_log_keys() {
                    fields.remove(key);
                }
                if fields.len() != before {
                    change.fields = serde_json::Value::Object(fields).to_string();
                    changed = true;
                }
            }
            if changed {
                segments::write(&dir, &segment.header, &segment.changes).map_err(|e| match e {
                    StoreError::Io(_) => e.at_path(&path),
                    other => other,
                })?;
            }
        }
        self.conn.execute(
            "INSERT INTO local_state (key, value) VALUES ('forgets_swept', ?1)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [self.counter("forgets")?.to_string()],
        )?;
        Ok(())
    }
}
