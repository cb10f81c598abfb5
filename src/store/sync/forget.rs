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
            let mut erased: HashSet<String> = segment.header.forgotten.iter().cloned().collect();
            for change in &mut segment.changes {
                let client = match change.entity.as_str() {
                    "client" => Some(change.row_uuid.clone()),
                    _ => change.client.clone(),
                };
                if change.op == "forget" || !client.as_ref().is_some_and(|c| forgotten.contains(c))
                {
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
                    erased.extend(client);
                }
            }
            if changed {
                let mut erased: Vec<String> = erased.into_iter().collect();
                erased.sort();
                segment.header.forgotten = erased;
                segments::write(&dir, &segment.header, &segment.changes).map_err(|e| match e {
                    StoreError::Io(_) => e.at_path(&path),
                    other => other,
                })?;
            }
        }
        self.rewrite_dropped_segments(team, &forgotten)?;
        self.delete_others_unerased(team, &forgotten)?;
        self.conn.execute(
            "INSERT INTO local_state (key, value) VALUES ('forgets_swept', ?1)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [self.counter("forgets")?.to_string()],
        )?;
        self.conn.execute(
            "INSERT INTO local_state (key, value) VALUES ('swept_clients', ?1)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [serde_json::to_string(&forgotten)?],
        )?;
        Ok(())
    }

    /// Another device's segment that still holds a forgotten client's data (an old
    /// copy its device has since erased, kept here by the sync tool) is deleted once
    /// the snapshot holds it: nobody needs it, and it must not outlive the forget.
    fn delete_others_unerased(&self, team: &Path, forgotten: &HashSet<String>) -> StoreResult<()> {
        let Some((snapshot, true)) = super::folder::snapshot_vector(team) else {
            return Ok(());
        };
        let personal: Vec<&str> = personal_log_keys().collect();
        for entry in std::fs::read_dir(changes_dir(team))
            .into_iter()
            .flatten()
            .flatten()
        {
            let device = entry.file_name().to_string_lossy().into_owned();
            if device == self.device {
                continue;
            }
            let covered = snapshot.get(&device).copied().unwrap_or(i64::MIN);
            for file in std::fs::read_dir(entry.path())
                .into_iter()
                .flatten()
                .flatten()
            {
                let name = file.file_name().to_string_lossy().into_owned();
                if is_temporary(&name) {
                    continue;
                }
                let Ok(bytes) = std::fs::read(file.path()) else {
                    continue;
                };
                let Ok(segment) = segments::decode(&bytes, false) else {
                    continue;
                };
                if segment.header.last > covered {
                    continue;
                }
                let unerased = segment.changes.iter().any(|change| {
                    let client = match change.entity.as_str() {
                        "client" => Some(&change.row_uuid),
                        _ => change.client.as_ref(),
                    };
                    change.op != "forget"
                        && client.is_some_and(|c| forgotten.contains(c))
                        && serde_json::from_str::<serde_json::Value>(&change.fields)
                            .ok()
                            .and_then(|f| f.as_object().cloned())
                            .is_some_and(|f| personal.iter().any(|k| f.contains_key(*k)))
                });
                if unerased {
                    match std::fs::remove_file(file.path()) {
                        Ok(()) => {}
                        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                        Err(e) => return Err(StoreError::io_at(&file.path(), &e)),
                    }
                }
            }
        }
        Ok(())
    }

    /// A segment this device deleted once a snapshot held it may live on in a
    /// colleague's folder, or on a laptop that was away: for a client newly forgotten,
    /// those of this device's segments that held its changes are written again,
    /// erased, so the sync tool replaces every old copy with them (they are deleted
    /// again, as any covered segment, later).
    fn rewrite_dropped_segments(
        &self,
        team: &Path,
        forgotten: &HashSet<String>,
    ) -> StoreResult<()> {
        let swept: HashSet<String> = self
            .conn
            .query_row(
                "SELECT value FROM local_state WHERE key = 'swept_clients'",
                [],
                |r| r.get::<_, String>(0),
            )
            .optional()?
            .and_then(|v| serde_json::from_str(&v).ok())
            .unwrap_or_default();
        let dir = changes_dir(team).join(&self.device);
        let mut numbers: HashSet<u64> = HashSet::new();
        for client in forgotten.difference(&swept) {
            let mut stmt = self.conn.prepare_cached(
                "SELECT s.number FROM change_log l
                 JOIN published_segments s ON l.hlc > s.after_hlc AND l.hlc <= s.last_hlc
                 WHERE l.client_id = (SELECT id FROM clients WHERE uuid = ?1)
                   AND l.device_id = (SELECT id FROM devices WHERE uuid = ?2)",
            )?;
            let found = stmt.query_map([client, &self.device], |r| r.get::<_, i64>(0))?;
            for number in found {
                numbers.insert(number? as u64);
            }
        }
        for number in numbers {
            if dir.join(segments::file_name(number)).exists() {
                continue;
            }
            self.write_segment_again(team, number)?;
        }
        Ok(())
    }
}
