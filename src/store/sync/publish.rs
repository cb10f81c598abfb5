//! Publishing the team file. A sync tool copies files one by one and replaces them by
//! rename, and a reader on another device may copy the file at any moment, so the
//! team file is only ever replaced whole: a complete snapshot is written beside it
//! under a name sync tools ignore, checked, flushed to disk and renamed over it. It
//! holds the shared tables and the change log, without this device's state or the
//! search index (each replica builds its own).

use crate::store::error::{StoreError, StoreResult};
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

/// The temporary name of a snapshot being written: one the sync tool of the folder
/// leaves alone (Syncthing its own temporary names; Dropbox and Nextcloud `~*.tmp`).
fn temporary_name(team: &Path) -> PathBuf {
    let dir = team.parent().unwrap_or(Path::new("."));
    let name = team
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "base.db".into());
    let syncthing = dir.ancestors().any(|d| d.join(".stfolder").exists());
    if syncthing {
        dir.join(format!(".syncthing.{name}.tmp"))
    } else {
        dir.join(format!("~{name}.clientbook.tmp"))
    }
}

pub(crate) fn publish(conn: &Connection, team: &Path) -> StoreResult<PublishDone> {
    let started = Instant::now();
    let dir = crate::store::paths::folder_of(team);
    let partial = temporary_name(team);
    let _ = std::fs::remove_file(&partial);
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
             INSERT INTO client_search (client_search) VALUES ('delete-all');
             UPDATE clients SET search_rowid = NULL, search_hash = NULL WHERE search_rowid IS NOT NULL;
             DELETE FROM search_backlog;
             INSERT INTO search_backlog (first_id, last_id)
                 SELECT min(id), max(id) FROM clients HAVING count(*) > 0;
             COMMIT;",
        )?;
        let check: String = snapshot.query_row("PRAGMA quick_check", [], |r| r.get(0))?;
        drop(snapshot);
        if check != "ok" {
            return Err(StoreError::Database(format!("quick_check: {check}")));
        }
        std::fs::File::open(&partial)?.sync_all()?;
        std::fs::rename(&partial, team)?;
        if let Ok(d) = std::fs::File::open(dir) {
            let _ = d.sync_all();
        }
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
