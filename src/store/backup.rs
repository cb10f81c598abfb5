//! Backups: a consistent copy of the base through SQLite's online backup API (others
//! may read and write meanwhile), checked before it is called done, and an automatic
//! copy before every migration, of which the last few are kept.

use super::error::{StoreError, StoreResult};
use super::Store;
use rusqlite::{Connection, OpenFlags, MAIN_DB};
use std::path::{Path, PathBuf};

/// How many automatic backups of one base are kept before migrations.
const KEEP_BEFORE_MIGRATION: usize = 5;

/// What a backup wrote.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct BackupDone {
    pub path: PathBuf,
    pub bytes: u64,
}

/// Copies `conn`'s base to `target`: written under a temporary name beside it,
/// checked (`quick_check`), flushed to disk, then renamed over `target`, so that a
/// `target` file is always a whole, sound copy.
pub(crate) fn copy_base(conn: &Connection, target: &Path) -> StoreResult<BackupDone> {
    let dir = super::paths::folder_of(target);
    std::fs::create_dir_all(dir).map_err(|e| StoreError::io_at(dir, &e))?;
    let partial = super::files::private_temporary(target, ".", ".partial");
    let result = (|| -> StoreResult<()> {
        conn.backup(MAIN_DB, &partial, None::<fn(rusqlite::backup::Progress)>)?;
        // The copy has the base's WAL mode; a backup is one self-contained file.
        let copy = Connection::open_with_flags(&partial, OpenFlags::SQLITE_OPEN_READ_WRITE)?;
        let _mode: String =
            copy.pragma_update_and_check(None, "journal_mode", "DELETE", |r| r.get(0))?;
        let check: String = copy.query_row("PRAGMA quick_check", [], |r| r.get(0))?;
        drop(copy);
        if check != "ok" {
            return Err(StoreError::Database(format!("quick_check: {check}")));
        }
        std::fs::File::open(&partial)?.sync_all()?;
        std::fs::rename(&partial, target)?;
        super::files::sync_folder(dir);
        Ok(())
    })();
    if let Err(e) = result {
        let _ = std::fs::remove_file(&partial);
        return Err(e.at_path(target));
    }
    let bytes = std::fs::metadata(target)?.len();
    Ok(BackupDone {
        path: target.to_path_buf(),
        bytes,
    })
}

/// Before a migration from `version`: a copy of the base under the data directory's
/// `backups/`, named after the base, the version and the time; older ones beyond the
/// last few are removed.
pub(crate) fn before_migration(conn: &Connection, base: &Path, version: i64) -> StoreResult<()> {
    automatic_backup(
        conn,
        base,
        &format!("v{version}"),
        None,
        KEEP_BEFORE_MIGRATION,
    )
    .map(|_| ())
}

/// An automatic copy of the base into `<data dir>/backups/<base>-<kind>-<time>.db`,
/// unless one of this kind is younger than `min_interval_secs`; the last `keep` of a
/// kind are kept. Returns whether a copy was made.
pub(crate) fn automatic_backup(
    conn: &Connection,
    base: &Path,
    kind: &str,
    min_interval_secs: Option<u64>,
    keep: usize,
) -> StoreResult<bool> {
    let dir = super::paths::data_dir()?.join("backups");
    let stem = base
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "clientbook".into());
    let prefix = format!("{stem}-{kind}-");
    let ours = |dir: &Path| -> Vec<PathBuf> {
        let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
            .map(|entries| {
                entries
                    .filter_map(|e| e.ok().map(|e| e.path()))
                    .filter(|p| {
                        p.file_name()
                            .and_then(|n| n.to_str())
                            .is_some_and(|n| n.starts_with(&prefix) && n.ends_with(".db"))
                    })
                    .collect()
            })
            .unwrap_or_default();
        found.sort_by_key(|p| std::fs::metadata(p).and_then(|m| m.modified()).ok());
        found
    };
    if let Some(interval) = min_interval_secs {
        let recent = ours(&dir).last().and_then(|p| {
            let age = std::fs::metadata(p).ok()?.modified().ok()?.elapsed().ok()?;
            Some(age.as_secs() < interval)
        });
        if recent == Some(true) {
            return Ok(false);
        }
    }
    let stamp = chrono::Utc::now().format("%Y%m%d-%H%M%S");
    copy_base(conn, &dir.join(format!("{prefix}{stamp}.db")))?;
    let all = ours(&dir);
    let excess = all.len().saturating_sub(keep);
    for old in &all[..excess] {
        let _ = std::fs::remove_file(old);
    }
    Ok(true)
}

impl Store {
    /// `backup --to PATH`: a checked copy of this base.
    /// It replaces an earlier backup of this base, never the base itself, its team
    /// file, another base or another program's file.
    pub fn backup_to(&self, target: &Path) -> StoreResult<BackupDone> {
        let is_earlier_backup = super::files::is_sqlite_file(target)
            && super::files::base_uuid_of(target) == Some(self.base_uuid()?);
        let protected = self.protected_paths();
        if is_earlier_backup {
            // Still never the base or its team file, which hold this base's UUID too.
            let resolved = super::files::resolved(target);
            if protected
                .iter()
                .any(|p| super::files::resolved(p) == resolved)
            {
                return Err(StoreError::WouldOverwriteDatabase(target.to_path_buf()));
            }
        } else if target.exists() {
            super::files::check_not_a_database(target, &protected)?;
            return Err(StoreError::WouldOverwriteFile(target.to_path_buf()));
        } else {
            super::files::check_not_a_database(target, &protected)?;
        }
        copy_base(&self.conn, target)
    }
}
