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
            _ => StoreError::Database(err.to_string()),
        }
    }
}

impl From<std::io::Error> for StoreError {
    fn from(err: std::io::Error) -> Self {
        StoreError::Io(err.to_string())
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
            StoreError::ReadOnly(p) if p.as_os_str().is_empty() => {
                StoreError::ReadOnly(path.to_path_buf())
            }
            StoreError::OtherBase(p) if p.as_os_str().is_empty() => {
                StoreError::OtherBase(path.to_path_buf())
            }
            other => other,
        }
    }

    pub fn bad_value(field: &str, value: &str, expected: impl Into<String>) -> StoreError {
        StoreError::BadValue {
            field: field.to_string(),
            value: value.to_string(),
            expected: expected.into(),
        }
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
