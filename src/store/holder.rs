//! Who holds the write lock. SQLite only says "busy"; a user who waited for the busy
//! timeout needs to know which program to wait for or close. So whoever gets the
//! write lock leaves a note next to the base, `<base>-writer`, and takes it away
//! before it lets the lock go: a note is only ever written or removed by the holder
//! of the lock, so the one a waiter finds is the current holder's, or a stale one of
//! a process that died holding it (told apart by its pid).
//!
//! The note is best effort: a folder that cannot take it costs the name in the
//! message, never the write.

use std::path::{Path, PathBuf};

/// The holder of the write lock, as its note says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holder {
    pub pid: u32,
    /// The program and its first words (`clientbook import big.csv`).
    pub command: String,
    /// The manager it writes for, else the OS user.
    pub login: String,
    /// When it took the lock, milliseconds since the epoch.
    pub since_ms: i64,
}

fn note_path(db: &Path) -> PathBuf {
    let mut name = db.as_os_str().to_os_string();
    name.push("-writer");
    PathBuf::from(name)
}

/// The note of a write in progress; removing it is up to its owner, while the lock
/// is still held (dropping it before the transaction ends).
pub(crate) struct WriterNote {
    path: Option<PathBuf>,
}

impl WriterNote {
    /// Leaves the note. Only to be called while holding the write lock.
    pub(crate) fn leave(db: &Path, login: Option<&str>) -> WriterNote {
        if db == Path::new(":memory:") {
            return WriterNote { path: None };
        }
        let login = login
            .map(str::to_string)
            .or_else(|| std::env::var("USER").ok())
            .or_else(|| std::env::var("USERNAME").ok())
            .unwrap_or_default();
        let text = format!(
            "pid={}\ncommand={}\nlogin={}\nsince={}\n",
            std::process::id(),
            this_command(),
            one_line(&login),
            chrono::Utc::now().timestamp_millis()
        );
        let path = note_path(db);
        match std::fs::write(&path, text) {
            Ok(()) => WriterNote { path: Some(path) },
            Err(_) => WriterNote { path: None },
        }
    }
}

impl Drop for WriterNote {
    fn drop(&mut self) {
        if let Some(path) = &self.path {
            let _ = std::fs::remove_file(path);
        }
    }
}

/// The holder of the base's write lock, if a live process other than this one left
/// a note.
pub fn holder(db: &Path) -> Option<Holder> {
    let text = std::fs::read_to_string(note_path(db)).ok()?;
    let field = |key: &str| {
        text.lines()
            .find_map(|line| line.strip_prefix(key)?.strip_prefix('='))
            .map(str::to_string)
    };
    let holder = Holder {
        pid: field("pid")?.parse().ok()?,
        command: field("command")?,
        login: field("login").unwrap_or_default(),
        since_ms: field("since")?.parse().ok()?,
    };
    (holder.pid != std::process::id() && alive(holder.pid)).then_some(holder)
}

#[cfg(target_os = "linux")]
fn alive(pid: u32) -> bool {
    Path::new(&format!("/proc/{pid}")).exists()
}

/// Without `/proc` a stale note cannot be told apart: rather a name that may be
/// out of date than none.
#[cfg(not(target_os = "linux"))]
fn alive(_pid: u32) -> bool {
    true
}

/// The program's name and its first two words that are not options (nor the values
/// of the global ones), which name the command: `clientbook client add`.
fn this_command() -> String {
    let mut args = std::env::args();
    let program = args
        .next()
        .map(|p| {
            Path::new(&p)
                .file_name()
                .map_or(p.clone(), |n| n.to_string_lossy().into_owned())
        })
        .unwrap_or_default();
    let mut words = vec![program];
    let mut skip_value = false;
    for arg in args {
        if std::mem::take(&mut skip_value) {
            continue;
        }
        if arg.starts_with('-') {
            skip_value = matches!(arg.as_str(), "--db" | "--as" | "--lang");
            continue;
        }
        words.push(arg);
        if words.len() == 3 {
            break;
        }
    }
    one_line(&words.join(" "))
}

fn one_line(text: &str) -> String {
    text.replace(['\n', '\r'], " ")
}
