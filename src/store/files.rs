//! Files written for the user (an export, a backup, a team file): always whole, and
//! never over a database. A file is written under a temporary name of its own (this
//! process's, so two devices writing into one shared folder never touch each other's
//! half-written file), flushed to disk and renamed over the target; a target that is
//! a database (the base itself, its replica, its team file, or any SQLite file) is
//! refused before a byte is written.

use super::error::{StoreError, StoreResult};
use super::paths::folder_of;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// The first bytes of every SQLite database file.
const SQLITE_MAGIC: &[u8; 16] = b"SQLite format 3\0";

/// Whether the file at `path` is an SQLite database (by its first bytes).
pub(crate) fn is_sqlite_file(path: &Path) -> bool {
    let mut head = [0u8; 16];
    std::fs::File::open(path)
        .and_then(|mut f| f.read_exact(&mut head))
        .is_ok_and(|()| &head == SQLITE_MAGIC)
}

/// The rollback-journal mode bytes of a database file's header (offsets 18 and 19):
/// 1 and 1 for a self-contained file, 2 and 2 for one in WAL mode.
pub(crate) fn is_self_contained(path: &Path) -> bool {
    let mut head = [0u8; 20];
    std::fs::File::open(path)
        .and_then(|mut f| f.read_exact(&mut head))
        .is_ok_and(|()| &head[..16] == SQLITE_MAGIC && head[18] == 1 && head[19] == 1)
}

/// The base UUID of a clientbook database file, read without writing to it; `None`
/// for anything else, and for a database in use (a `-wal` beside it).
pub(crate) fn base_uuid_of(path: &Path) -> Option<String> {
    let mut wal = path.as_os_str().to_owned();
    wal.push("-wal");
    if !is_sqlite_file(path) || Path::new(&wal).exists() {
        return None;
    }
    let conn = rusqlite::Connection::open_with_flags(
        path,
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .ok()?;
    conn.query_row("SELECT value FROM meta WHERE key = 'base_uuid'", [], |r| {
        r.get(0)
    })
    .ok()
}

/// `path` with its folder resolved (links, `..`), for comparing two names of one file;
/// the file itself need not exist.
pub(crate) fn resolved(path: &Path) -> PathBuf {
    let dir = folder_of(path);
    let dir = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
    let full = match path.file_name() {
        Some(name) => dir.join(name),
        None => dir,
    };
    std::fs::canonicalize(&full).unwrap_or(full)
}

/// A name beside `target` that only this process uses: `.<name>.<tag>-<pid>-<n>.partial`
/// (or `prefix` / `suffix` of the caller's choice, for a sync tool's ignore rules).
pub(crate) fn private_temporary(target: &Path, prefix: &str, suffix: &str) -> PathBuf {
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "clientbook".into());
    let unique = format!(
        "{}-{}",
        std::process::id(),
        fastrand::u32(..).wrapping_add(fastrand::u32(..))
    );
    folder_of(target).join(format!("{prefix}{name}.{unique}{suffix}"))
}

/// Flushes a renamed file's folder, so that the rename itself survives a power cut.
pub(crate) fn sync_folder(dir: &Path) {
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
}

/// Refuses `target` when it is one of `protected` (the base, its replica, its team
/// file), a folder, or an existing database of any kind.
pub(crate) fn check_not_a_database(target: &Path, protected: &[PathBuf]) -> StoreResult<()> {
    if target.is_dir() {
        return Err(StoreError::IsAFolder(target.to_path_buf()));
    }
    let resolved_target = resolved(target);
    let is_protected = protected
        .iter()
        .any(|p| resolved(p) == resolved_target || sidecar_of(&resolved_target, p));
    if is_protected || is_sqlite_file(target) {
        return Err(StoreError::WouldOverwriteDatabase(target.to_path_buf()));
    }
    Ok(())
}

/// Whether `file` is the `-wal`, `-shm` or `-journal` of the database `base`.
fn sidecar_of(file: &Path, base: &Path) -> bool {
    let base = resolved(base);
    ["-wal", "-shm", "-journal"].iter().any(|suffix| {
        let mut name = base.as_os_str().to_owned();
        name.push(suffix);
        Path::new(&name) == file
    })
}

/// Writes `target` whole: `write` fills a private temporary file beside it, which is
/// flushed and renamed over `target` only when `write` succeeded. On any error the
/// temporary file is removed and `target` is as it was.
pub(crate) fn write_whole<T>(
    target: &Path,
    write: impl FnOnce(&mut dyn Write) -> StoreResult<T>,
) -> StoreResult<T> {
    let dir = folder_of(target);
    if !dir.is_dir() {
        return Err(StoreError::io_at(
            dir,
            &std::io::Error::from(std::io::ErrorKind::NotFound),
        ));
    }
    let partial = private_temporary(target, ".", ".partial");
    let result = (|| -> StoreResult<T> {
        let file = std::fs::File::create(&partial).map_err(|e| StoreError::io_at(target, &e))?;
        let mut out = std::io::BufWriter::new(file);
        let value = write(&mut out)?;
        let file = out
            .into_inner()
            .map_err(|e| StoreError::io_at(target, e.error()))?;
        file.sync_all().map_err(|e| StoreError::io_at(target, &e))?;
        drop(file);
        std::fs::rename(&partial, target).map_err(|e| StoreError::io_at(target, &e))?;
        sync_folder(dir);
        Ok(value)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&partial);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_write_leaves_the_target_and_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out.csv");
        std::fs::write(&target, "before").unwrap();
        let failed: StoreResult<()> = write_whole(&target, |out| {
            out.write_all(b"half")?;
            Err(StoreError::DiskFull)
        });
        assert!(failed.is_err());
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "before");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
        write_whole(&target, |out| Ok(out.write_all(b"after")?)).unwrap();
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "after");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn databases_and_their_sidecars_are_never_targets() {
        let dir = tempfile::tempdir().unwrap();
        let base = dir.path().join("base.db");
        rusqlite::Connection::open(&base)
            .unwrap()
            .execute_batch("CREATE TABLE t (x)")
            .unwrap();
        let other = dir.path().join("other.sqlite");
        std::fs::copy(&base, &other).unwrap();
        let protected = [base.clone()];
        for target in [&base, &other, &dir.path().join("base.db-wal")] {
            assert!(matches!(
                check_not_a_database(target, &protected),
                Err(StoreError::WouldOverwriteDatabase(_))
            ));
        }
        // The same file by another name.
        let dotted = dir.path().join(".").join("base.db");
        assert!(check_not_a_database(&dotted, &protected).is_err());
        assert!(matches!(
            check_not_a_database(dir.path(), &protected),
            Err(StoreError::IsAFolder(_))
        ));
        assert!(check_not_a_database(&dir.path().join("clients.csv"), &protected).is_ok());
    }
}
