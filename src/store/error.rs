//! What can go wrong in the store, in cases a caller can tell apart. Messages come
//! from the string tables.

use super::holder::{holder, Holder};
use crate::domain::call_window::CallWindowError;
use crate::domain::contact::ContactError;
use crate::domain::dates::DateError;
use crate::domain::fields::FieldError;
use crate::domain::money::AmountError;
use crate::i18n::{tr, tr_value, trf};
use std::path::PathBuf;
use thiserror::Error;

#[derive(Debug, Error)]
pub enum StoreError {
    /// Missing, or not visible to the viewer: the same answer either way.
    #[error("{}", tr_value("error.no_such_client", .0))]
    NoSuchClient(String),
    #[error("{}", tr_value("error.no_such_manager", .0))]
    NoSuchManager(String),
    #[error("{}", tr_value("error.no_such_segment", .0))]
    NoSuchSegment(String),
    #[error(transparent)]
    Filter(#[from] crate::domain::filter::FilterError),
    #[error("{}", tr_value("error.login_taken", .0))]
    LoginTaken(String),
    #[error("{}", tr_value("error.login_invalid", .0))]
    LoginInvalid(String),
    #[error("{}", tr("error.not_allowed_reassign"))]
    NotAllowedToReassign,
    #[error("{}", tr("error.not_allowed_admin"))]
    NotAllowed,
    #[error("{}", tr("error.not_allowed_segment"))]
    NotAllowedSegment,
    #[error("{}", tr_value("error.unknown_field", .0))]
    UnknownField(String),
    #[error("{}", trf("error.bad_value", &[("field", .field), ("value", .value), ("expected", .expected)]))]
    BadValue {
        field: String,
        value: String,
        expected: String,
    },
    /// Every field that failed its check, each with its value.
    #[error("{}", .0.iter().map(|e| format!("{}: {}", e.field.label(), e.message)).collect::<Vec<_>>().join("\n"))]
    Fields(Vec<FieldError>),
    /// A text longer than a person writes, refused with its field.
    #[error("{}: {}", column_label(.field), .message)]
    TooLong { field: String, message: String },
    #[error("{}", tr_value("error.required", .0))]
    Required(String),
    #[error("{}", tr("error.already_archived"))]
    AlreadyArchived,
    #[error("{}", tr("error.client_forgotten"))]
    Forgotten,
    #[error("{}", tr("error.already_initialised"))]
    AlreadyInitialised,
    #[error("{}", trf("error.newer_schema", &[("found", .found), ("supported", .supported)]))]
    NewerSchema { found: i64, supported: i64 },
    #[error("{}", tr("error.foreign_database"))]
    ForeignDatabase,
    #[error("{}", tr_value("error.other_base", .0.display()))]
    OtherBase(PathBuf),
    #[error("{}", tr_value("error.team_out_of_reach", .0.display()))]
    TeamOutOfReach(PathBuf),
    #[error("{}", tr_value("error.team_file_in_use", .0.display()))]
    TeamFileInUse(PathBuf),
    #[error("{}", trf("error.merge_clash", &[("what", .what), ("detail", .detail)]))]
    MergeClash { what: String, detail: String },
    /// An edit saw the version it loaded change in a field it changes too (another
    /// process or a merge wrote it meanwhile): nothing was written.
    #[error("{}", trf("error.changed_meanwhile", &[("field", .field), ("who", .who)]))]
    ChangedMeanwhile { field: String, who: String },
    #[error("{}", tr_value("error.no_such_conflict", .0))]
    NoSuchConflict(String),
    #[error("{}", tr_value("error.not_a_database", .0.display()))]
    NotADatabase(PathBuf),
    #[error("{}", tr_value("error.read_only", .0.display()))]
    ReadOnly(PathBuf),
    /// A file that cannot be written, and what the system says about it (an
    /// immutable file, no permission, a read-only disk).
    #[error("{}", trf("error.cannot_write", &[("file", &.0.display()), ("reason", .1)]))]
    CannotWrite(PathBuf, String),
    /// SQLite's "disk I/O error" before its file is known; [`StoreError::at_path`]
    /// tells a full disk apart.
    #[error("{}", tr_value("error.database", .0))]
    DiskIo(String),
    /// A folder where a file was expected (`--db ~/Documents`).
    #[error("{}", tr_value("error.is_a_folder", .0.display()))]
    IsAFolder(PathBuf),
    /// An output file that is a database: an export or a backup never replaces one.
    #[error("{}", tr_value("error.would_overwrite_database", .0.display()))]
    WouldOverwriteDatabase(PathBuf),
    /// A backup over a file that is not an earlier backup of this base.
    #[error("{}", tr_value("error.would_overwrite_file", .0.display()))]
    WouldOverwriteFile(PathBuf),
    /// The write lock stayed taken for the whole busy timeout.
    #[error("{}", trf("error.busy", &[("seconds", &super::waited_seconds())]))]
    Busy,
    /// The same, with who holds it (see [`super::holder`]).
    #[error("{}", busy_held_by(.0))]
    BusyHeldBy(Box<Holder>),
    #[error("{}", tr("error.disk_full"))]
    DiskFull,
    #[error(transparent)]
    Contact(#[from] ContactError),
    #[error(transparent)]
    Date(#[from] DateError),
    #[error(transparent)]
    Amount(#[from] AmountError),
    #[error(transparent)]
    CallWindow(#[from] CallWindowError),
    #[error("{}", tr_value("error.io", .0))]
    Io(String),
    /// Anything else SQLite reports; the text is SQLite's own.
    #[error("{}", tr_value("error.database", .0))]
    Database(String),
}

impl From<rusqlite::Error> for StoreError {
    fn from(err: rusqlite::Error) -> Self {
        use rusqlite::ErrorCode;
        match err.sqlite_error_code() {
            Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => StoreError::Busy,
            Some(ErrorCode::DiskFull) => StoreError::DiskFull,
            Some(ErrorCode::NotADatabase | ErrorCode::DatabaseCorrupt) => {
                StoreError::NotADatabase(PathBuf::new())
            }
            Some(ErrorCode::ReadOnly) => StoreError::ReadOnly(PathBuf::new()),
            Some(ErrorCode::SystemIoFailure) => StoreError::DiskIo(err.to_string()),
            _ => StoreError::Database(err.to_string()),
        }
    }
}

impl From<std::io::Error> for StoreError {
    fn from(err: std::io::Error) -> Self {
        if err.kind() == std::io::ErrorKind::StorageFull {
            return StoreError::DiskFull;
        }
        StoreError::Io(crate::i18n::os_error(&err))
    }
}

impl From<serde_json::Error> for StoreError {
    fn from(err: serde_json::Error) -> Self {
        StoreError::Database(err.to_string())
    }
}

impl StoreError {
    /// Fills in the file for errors that SQLite reports without one, and who holds a
    /// busy base.
    pub fn at_path(self, path: &std::path::Path) -> StoreError {
        match self {
            StoreError::Busy => {
                holder(path).map_or(StoreError::Busy, |h| StoreError::BusyHeldBy(Box::new(h)))
            }
            StoreError::NotADatabase(p) if p.as_os_str().is_empty() => {
                StoreError::NotADatabase(path.to_path_buf())
            }
            StoreError::ReadOnly(p) => {
                let file = if p.as_os_str().is_empty() {
                    path.to_path_buf()
                } else {
                    p
                };
                match why_not_writable(&file) {
                    Some(reason) => StoreError::CannotWrite(file, reason),
                    None => StoreError::ReadOnly(file),
                }
            }
            StoreError::DiskIo(message) => {
                if disk_is_full(path) {
                    StoreError::DiskFull
                } else {
                    StoreError::Io(format!("{}: {message}", path.display()))
                }
            }
            StoreError::OtherBase(p) if p.as_os_str().is_empty() => {
                StoreError::OtherBase(path.to_path_buf())
            }
            other => other,
        }
    }

    /// A file error with the file it happened to: `base.db: permission denied`.
    pub fn io_at(path: &std::path::Path, err: &std::io::Error) -> StoreError {
        if err.kind() == std::io::ErrorKind::StorageFull {
            return StoreError::DiskFull;
        }
        StoreError::Io(format!(
            "{}: {}",
            path.display(),
            crate::i18n::os_error(err)
        ))
    }

    pub fn bad_value(field: &str, value: &str, expected: impl Into<String>) -> StoreError {
        StoreError::BadValue {
            field: field.to_string(),
            value: value.to_string(),
            expected: expected.into(),
        }
    }
}

/// What the system says when `path` (or, for a file not made yet, its folder) is
/// opened for writing: an immutable file, no permission, a read-only disk.
fn why_not_writable(path: &std::path::Path) -> Option<String> {
    let target = if path.exists() {
        std::fs::OpenOptions::new().append(true).open(path).err()
    } else {
        let probe = super::paths::folder_of(path).join(".clientbook-write-probe");
        let made = std::fs::File::create(&probe);
        let _ = std::fs::remove_file(&probe);
        made.err()
    };
    target.map(|e| crate::i18n::os_error(&e))
}

/// Whether the disk holding `path` has no room left: SQLite reports a write that
/// found no space while it makes a file as a plain I/O error. Probed by writing a
/// page-sized file beside it.
fn disk_is_full(path: &std::path::Path) -> bool {
    use std::io::Write;
    let probe = super::paths::folder_of(path).join(".clientbook-space-probe");
    let written = std::fs::File::create(&probe)
        .and_then(|mut f| f.write_all(&[0u8; 8192]).and_then(|()| f.sync_all()));
    let _ = std::fs::remove_file(&probe);
    matches!(written, Err(e) if e.kind() == std::io::ErrorKind::StorageFull)
}

/// A column's name as the forms call it, else the column itself.
fn column_label(column: &str) -> String {
    let key = format!("field.{column}");
    match tr(&key) {
        text if text == key => column.to_string(),
        text => text,
    }
}

fn busy_held_by(holder: &Holder) -> String {
    let since = chrono::DateTime::from_timestamp_millis(holder.since_ms)
        .map(|t| {
            t.with_timezone(&chrono::Local)
                .format("%H:%M:%S")
                .to_string()
        })
        .unwrap_or_default();
    trf(
        "error.busy_held_by",
        &[
            ("seconds", &super::waited_seconds()),
            ("command", &holder.command),
            ("pid", &holder.pid),
            ("login", &holder.login),
            ("since", &since),
        ],
    )
}

pub type StoreResult<T> = Result<T, StoreError>;
