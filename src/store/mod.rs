//! The SQLite repository. Every read takes the viewer, so per-manager visibility is
//! enforced here, once; every write goes through [`write::Writer`], which also appends
//! to the change log. Nothing outside this module speaks SQL, and no SQLite type
//! leaves it.

pub mod activity;
pub mod backup;
pub mod card;
pub mod clients;
pub mod conflicts;
pub mod demo;
pub mod dupes;
pub mod error;
pub mod export;
mod facts;
pub(crate) mod files;
pub mod follow_up;
pub mod holder;
pub mod import;
pub mod listing;
pub mod managers;
pub mod paths;
pub mod people;
pub mod quality;
pub mod reports;
pub mod schema;
mod scope;
mod search;
pub mod segments;
pub mod settings;
pub mod sync;
mod tiers;
pub mod today;
pub(crate) mod write;

pub use error::{StoreError, StoreResult};
pub use listing::{ClientRow, ListQuery, Page};
pub use managers::{Manager, Viewer};
pub(crate) use scope::Scope;

use crate::domain::hlc::Hlc;
use crate::domain::settings::Settings;
use rusqlite::{Connection, OpenFlags, OptionalExtension, TransactionBehavior};
use std::path::{Path, PathBuf};
use std::time::Duration;
use write::Writer;

/// How long a write waits for another process holding the database.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// The busy timeout; `CLIENTBOOK_BUSY_TIMEOUT_MS` shortens it, for tests and
/// diagnostics only (a test of the busy message need not wait 10 s).
fn busy_timeout() -> Duration {
    std::env::var("CLIENTBOOK_BUSY_TIMEOUT_MS")
        .ok()
        .and_then(|ms| ms.trim().parse().ok())
        .map_or(BUSY_TIMEOUT, Duration::from_millis)
}

/// The busy timeout as the busy message says it: `10`, `1.5`.
fn waited_seconds() -> String {
    let ms = busy_timeout().as_millis();
    if ms % 1000 == 0 {
        (ms / 1000).to_string()
    } else {
        format!("{:.1}", ms as f64 / 1000.0)
    }
}

pub struct Store {
    conn: Connection,
    path: PathBuf,
    device: String,
    settings: Settings,
    /// The team file this base is a replica of (SPEC §7).
    team: Option<PathBuf>,
}

impl Store {
    /// Opens (creating if needed) the database at `path` for this device.
    pub fn open(path: &Path) -> StoreResult<Store> {
        let device = paths::device_id()?;
        Store::open_as_device(path, &device)
    }

    /// Opens the database as a given device (tests and tools that simulate several).
    pub fn open_as_device(path: &Path, device: &str) -> StoreResult<Store> {
        if path.is_dir() {
            return Err(StoreError::IsAFolder(path.to_path_buf()));
        }
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent)?;
        }
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(path, flags).map_err(|e| open_error(e, path))?;
        Store::from_connection(conn, path, device).map_err(|e| e.at_path(path))
    }

    /// A private in-memory base, for tests and the benchmark.
    pub fn open_in_memory(device: &str) -> StoreResult<Store> {
        let conn = Connection::open_in_memory()?;
        Store::from_connection(conn, Path::new(":memory:"), device)
    }

    fn from_connection(mut conn: Connection, path: &Path, device: &str) -> StoreResult<Store> {
        conn.busy_timeout(busy_timeout())?;
        // For tests and diagnostics only: `CLIENTBOOK_MAX_PAGES` caps the file's size in
        // pages, so a full disk can be tried without filling one.
        if let Some(pages) = std::env::var("CLIENTBOOK_MAX_PAGES")
            .ok()
            .and_then(|n| n.trim().parse::<i64>().ok())
        {
            let _cap: i64 =
                conn.pragma_update_and_check(None, "max_page_count", pages, |r| r.get(0))?;
        }
        // The write path, the lists and a merge use a few hundred distinct statements.
        conn.set_prepared_statement_cache_capacity(256);
        // Read before any write: a newer or foreign file must stay byte-for-byte as it was.
        schema::check_not_newer(&conn)?;
        if schema::is_foreign(&conn)? {
            return Err(StoreError::ForeignDatabase);
        }
        let _mode: String =
            conn.pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get(0))?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        // Erased personal data (client forget) must not linger in free pages.
        conn.pragma_update(None, "secure_delete", "ON")?;
        // Statement journals (a multi-row INSERT of a bulk load needs one) and sorts in
        // memory: a temporary file cost a bulk import a tenth of its time in writes.
        conn.pragma_update(None, "temp_store", "MEMORY")?;
        segments::register_fold(&conn)?;
        let found = schema::schema_version(&conn)?;
        if found > 0 && found < schema::SCHEMA_VERSION && path != Path::new(":memory:") {
            backup::before_migration(&conn, path, found)?;
        }
        schema::migrate(&mut conn)?;
        let mut store = Store {
            conn,
            path: path.to_path_buf(),
            device: device.to_string(),
            settings: Settings::default(),
            team: None,
        };
        store.ensure_base()?;
        // An import that stopped between its commit and its search index. Derived data:
        // a base that has no room or no lock for it now still opens, and tries again
        // on the next open.
        match store.index_search_backlog() {
            Ok(()) | Err(StoreError::DiskFull | StoreError::Busy) => {}
            Err(e) => return Err(e),
        }
        store.settings = store.load_settings()?;
        Ok(store)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The files no output of this base may replace: the base itself and, when it is
    /// a replica, its team file.
    pub(crate) fn protected_paths(&self) -> Vec<PathBuf> {
        let mut paths = vec![self.path.clone()];
        paths.extend(self.team.clone());
        paths
    }

    /// Writes a file for the user (an export) whole, never over a database.
    pub fn write_user_file<T>(
        &self,
        target: &Path,
        write: impl FnOnce(&mut dyn std::io::Write) -> StoreResult<T>,
    ) -> StoreResult<T> {
        files::check_not_a_database(target, &self.protected_paths())?;
        files::write_whole(target, write)
    }

    pub fn device(&self) -> &str {
        &self.device
    }

    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// Gives the base its identity and this device its code, once.
    fn ensure_base(&mut self) -> StoreResult<()> {
        let device = self.device.clone();
        // Done on every open but the first: checked by a read, so that opening a base
        // another process is writing (a long import) does not wait for its lock.
        let done: bool = self.conn.query_row(
            "SELECT (SELECT count(*) FROM meta WHERE key IN ('base_uuid', 'origin_device')) = 2
                AND EXISTS (SELECT 1 FROM devices WHERE uuid = ?1)",
            [&device],
            |r| r.get(0),
        )?;
        if done {
            return Ok(());
        }
        let now = chrono::Utc::now().timestamp_millis();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute(
            "INSERT OR IGNORE INTO meta (key, value) VALUES ('base_uuid', ?1)",
            [uuid::Uuid::new_v4().to_string()],
        )?;
        tx.execute(
            "INSERT OR IGNORE INTO meta (key, value) VALUES ('origin_device', ?1)",
            [&device],
        )?;
        let known: bool = tx
            .query_row("SELECT 1 FROM devices WHERE uuid = ?1", [&device], |_| {
                Ok(())
            })
            .optional()?
            .is_some();
        if !known {
            let origin: String = tx.query_row(
                "SELECT value FROM meta WHERE key = 'origin_device'",
                [],
                |r| r.get(0),
            )?;
            let code = if origin == device {
                String::new()
            } else {
                free_device_code(&tx, &device)?
            };
            tx.execute(
                "INSERT INTO devices (uuid, code, next_seq, joined_at) VALUES (?1, ?2, 1, ?3)",
                rusqlite::params![device, code, now],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    /// The base's identity, the same in every copy.
    pub fn base_uuid(&self) -> StoreResult<String> {
        Ok(self
            .conn
            .query_row("SELECT value FROM meta WHERE key = 'base_uuid'", [], |r| {
                r.get(0)
            })?)
    }

    /// Runs `work` as one `BEGIN IMMEDIATE` transaction through the one write path.
    /// `actor` is the manager on whose behalf the change is made (none for system work).
    pub(crate) fn write<T>(
        &mut self,
        actor: Option<&Viewer>,
        work: impl FnOnce(&mut Writer<'_>) -> StoreResult<T>,
    ) -> StoreResult<T> {
        self.write_if(actor, |w| work(w).map(|done| (done, true)))
    }

    /// Like [`Store::write`], but `work` also says whether to keep what it wrote: an
    /// import checks every row in the transaction and keeps nothing when one is bad.
    pub(crate) fn write_if<T>(
        &mut self,
        actor: Option<&Viewer>,
        work: impl FnOnce(&mut Writer<'_>) -> StoreResult<(T, bool)>,
    ) -> StoreResult<T> {
        let path = self.path.clone();
        self.write_in_transaction(actor, work)
            .map_err(|e| e.at_path(&path))
    }

    fn write_in_transaction<T>(
        &mut self,
        actor: Option<&Viewer>,
        work: impl FnOnce(&mut Writer<'_>) -> StoreResult<(T, bool)>,
    ) -> StoreResult<T> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        // Declared after the transaction, so dropped before it on every early return:
        // the note goes while the lock is still held.
        let note = holder::WriterNote::leave(&self.path, actor.map(|v| v.login.as_str()));
        let last: Option<i64> = tx
            .query_row(
                "SELECT CAST(value AS INTEGER) FROM local_state WHERE key = 'hlc'",
                [],
                |r| r.get(0),
            )
            .optional()?;
        let mut writer = Writer::new(
            &tx,
            &self.device,
            actor.map(|v| v.id),
            Hlc(last.unwrap_or(0)),
            &self.settings,
        )?;
        let (result, keep) = work(&mut writer)?;
        if !keep {
            // Dropping the transaction rolls it back.
            return Ok(result);
        }
        let clock = writer.finish()?;
        tx.execute(
            "INSERT INTO local_state (key, value) VALUES ('hlc', ?1)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [clock.0.to_string()],
        )?;
        drop(note);
        tx.commit()?;
        Ok(result)
    }

    /// `PRAGMA quick_check` (or the full `integrity_check`): "ok" when the file is sound.
    pub fn check_integrity(&self, full: bool) -> StoreResult<String> {
        let pragma = if full {
            "PRAGMA integrity_check"
        } else {
            "PRAGMA quick_check"
        };
        Ok(self.conn.query_row(pragma, [], |r| r.get(0))?)
    }
}

/// A short code for a device joining a shared base (`K2`), unique within the base.
fn free_device_code(tx: &rusqlite::Transaction<'_>, device: &str) -> StoreResult<String> {
    const LETTERS: &[u8] = b"ABCDEFGHJKLMNPRSTUVWXYZ";
    let seed: u32 = device
        .bytes()
        .fold(7u32, |h, b| h.wrapping_mul(31).wrapping_add(u32::from(b)));
    for attempt in 0..(LETTERS.len() as u32 * 9) {
        let n = seed.wrapping_add(attempt);
        let code = format!(
            "{}{}",
            LETTERS[(n as usize) % LETTERS.len()] as char,
            1 + (n / LETTERS.len() as u32) % 9
        );
        let taken = tx
            .query_row("SELECT 1 FROM devices WHERE code = ?1", [&code], |_| Ok(()))
            .optional()?
            .is_some();
        if !taken {
            return Ok(code);
        }
    }
    Ok(device.chars().take(6).collect::<String>().to_uppercase())
}

fn open_error(err: rusqlite::Error, path: &Path) -> StoreError {
    match err.sqlite_error_code() {
        Some(
            rusqlite::ErrorCode::CannotOpen
            | rusqlite::ErrorCode::ReadOnly
            | rusqlite::ErrorCode::PermissionDenied,
        ) => StoreError::ReadOnly(path.to_path_buf()),
        _ => StoreError::from(err).at_path(path),
    }
}
