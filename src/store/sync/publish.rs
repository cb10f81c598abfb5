//! Publishing the team file. A sync tool copies files one by one and replaces them by
//! rename, and a reader on another device may copy the file at any moment, so the
//! team file is only ever replaced whole: a complete snapshot is written beside it
//! under a name sync tools ignore, checked, flushed to disk and renamed over it. It
//! holds the shared tables and the change log, without this device's state or the
//! search index (each replica builds its own).

use crate::store::error::{StoreError, StoreResult};
use crate::store::files;
use rusqlite::{Connection, OpenFlags, MAIN_DB};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// What a publish wrote.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct PublishDone {
    pub path: PathBuf,
    pub bytes: u64,
    pub millis: u64,
}

/// The temporary name of a snapshot being written: one that only this device and
/// process use (devices sharing one network folder publish at the same moment, and
/// a shared name let one delete or rename another's half-written file), and that the
/// folder's sync tool leaves alone (Syncthing its own temporary names; Dropbox and
/// Nextcloud `~*.tmp`).
fn temporary_name(team: &Path, device: &str) -> PathBuf {
    let dir = team.parent().unwrap_or(Path::new("."));
    let syncthing = dir.ancestors().any(|d| d.join(".stfolder").exists());
    let device: String = device.chars().filter(|c| *c != '-').take(12).collect();
    if syncthing {
        files::private_temporary(team, ".syncthing.", &format!(".{device}.tmp"))
    } else {
        files::private_temporary(team, "~", &format!(".{device}.clientbook.tmp"))
    }
}

/// Writes the snapshot `team` (see the module): the whole base as this replica holds
/// it, with what it has seen of each device (`meta.snapshot_vector`), so that each
/// device can tell which of its segments the snapshot already holds.
pub(crate) fn publish(conn: &Connection, team: &Path, device: &str) -> StoreResult<PublishDone> {
    let vector = super::unseen::vector_of(conn)?;
    let started = Instant::now();
    let dir = crate::store::paths::folder_of(team);
    let partial = temporary_name(team, device);
    let written = (|| -> StoreResult<()> {
        conn.backup(MAIN_DB, &partial, None::<fn(rusqlite::backup::Progress)>)
            .map_err(|e| match e.sqlite_error_code() {
                Some(
                    rusqlite::ErrorCode::CannotOpen
                    | rusqlite::ErrorCode::ReadOnly
                    | rusqlite::ErrorCode::PermissionDenied,
                ) => StoreError::ReadOnly(team.to_path_buf()),
                _ => StoreError::from(e),
            })?;
        let snapshot = Connection::open_with_flags(&partial, OpenFlags::SQLITE_OPEN_READ_WRITE)?;
        // One self-contained file: no WAL beside it in the shared folder, ever.
        let _mode: String =
            snapshot.pragma_update_and_check(None, "journal_mode", "DELETE", |r| r.get(0))?;
        snapshot.execute_batch(
            "BEGIN;
             DELETE FROM local_state;
             DELETE FROM published_segments;
             INSERT INTO client_search (client_search) VALUES ('delete-all');
             UPDATE clients SET search_rowid = NULL, search_hash = NULL WHERE search_rowid IS NOT NULL;
             DELETE FROM search_backlog;
             INSERT INTO search_backlog (first_id, last_id)
                 SELECT min(id), max(id) FROM clients HAVING count(*) > 0;
             COMMIT;",
        )?;
        snapshot.execute(
            "INSERT INTO meta (key, value) VALUES ('snapshot_vector', ?1)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [serde_json::to_string(&vector)?],
        )?;
        let check: String = snapshot.query_row("PRAGMA quick_check", [], |r| r.get(0))?;
        let local_rows: i64 =
            snapshot.query_row("SELECT count(*) FROM local_state", [], |r| r.get(0))?;
        drop(snapshot);
        if check != "ok" {
            return Err(StoreError::Database(format!("quick_check: {check}")));
        }
        // What may reach the folder: one file, no WAL, nothing of this device's own.
        if !files::is_self_contained(&partial) || local_rows != 0 {
            return Err(StoreError::Database(
                "snapshot not self-contained".to_string(),
            ));
        }
        std::fs::File::open(&partial)?.sync_all()?;
        std::fs::rename(&partial, team)?;
        files::sync_folder(dir);
        Ok(())
    })();
    if let Err(e) = written {
        let _ = std::fs::remove_file(&partial);
        return Err(e.at_path(team));
    }
    Ok(PublishDone {
        path: team.to_path_buf(),
        bytes: std::fs::metadata(team)?.len(),
        millis: started.elapsed().as_millis() as u64,
    })
}
