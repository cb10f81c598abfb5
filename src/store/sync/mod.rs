//! Sharing a base through a synced or network folder (SPEC §7). Each device works on
//! its own replica under its data directory. The folder holds a snapshot of the base
//! (the team file, read by copying it first and only ever written whole, see
//! [`publish`]) and each device's change segments ([`segments`], [`folder`]): syncing
//! reads the others' segments it has not merged and publishes its own.

mod clocks;
pub mod copies;
pub mod folder;
mod forget;
mod hash;
pub mod merge;
mod publish;
pub mod segments;
mod unseen;

pub use merge::MergeReport;
pub use publish::PublishDone;

use super::error::{StoreError, StoreResult};
use super::{paths, schema, Store};
use rusqlite::{Connection, OpenFlags, OptionalExtension};
use std::path::{Path, PathBuf};

/// The hidden folder beside a team file: marks the folder as shared and keeps the
/// conflict copies already merged.
pub const TEAM_DIR: &str = ".clientbook";

/// What one sync did.
#[derive(Debug, Default, Clone, serde::Serialize)]
pub struct SyncReport {
    pub team_file: PathBuf,
    /// Changes of others merged from the team file.
    pub came_in: MergeReport,
    /// Conflict copies merged (and moved aside), by file name.
    pub copies_merged: Vec<String>,
    /// Files beside the team file that looked like conflict copies but were not
    /// merged, with the reason; left untouched.
    pub copies_refused: Vec<(String, String)>,
    /// Changes of this replica published (as segments).
    pub went_out: usize,
    /// The last segment this sync wrote, if any.
    pub segment: Option<PathBuf>,
    /// Others' segments read.
    pub segments_read: usize,
    /// A new snapshot written (a new or old-version folder, compaction, a forget).
    pub published: Option<PublishDone>,
}

/// The local replica of a team file: under the data directory, named after the file
/// and a hash of where it is, so two team files never share one.
pub fn replica_for(team: &Path) -> StoreResult<PathBuf> {
    use sha2::{Digest, Sha256};
    let where_ = absolute(team);
    let digest = Sha256::digest(where_.to_string_lossy().as_bytes());
    let stem = team
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "team".into());
    let tag: String = digest[..4].iter().map(|b| format!("{b:02x}")).collect();
    Ok(paths::data_dir()?
        .join("replicas")
        .join(format!("{stem}-{tag}.db")))
}

/// Size, modification time and (on Unix) the inode of a file: replacing it changes
/// them. The inode matters: two devices publishing within one tick of the file
/// system's clock (4 ms on ext4) leave files of one size and one mtime, but every
/// publish renames a new file into place.
fn file_stamp(path: &Path) -> Option<String> {
    let meta = std::fs::metadata(path).ok()?;
    let modified = meta
        .modified()
        .ok()?
        .duration_since(std::time::UNIX_EPOCH)
        .ok()?;
    #[cfg(unix)]
    let inode = std::os::unix::fs::MetadataExt::ino(&meta);
    #[cfg(not(unix))]
    let inode = 0u64;
    Some(format!("{}:{}:{inode}", meta.len(), modified.as_nanos()))
}

fn absolute(path: &Path) -> PathBuf {
    let dir = paths::folder_of(path);
    let dir = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
    match path.file_name() {
        Some(name) => dir.join(name),
        None => dir,
    }
}

/// Whether a base at `path` must be opened as a team file: its folder was shared by
/// clientbook, or lies in a Syncthing, Dropbox or Nextcloud/ownCloud folder, or on a
/// network mount.
pub fn is_team_path(path: &Path) -> bool {
    // Once a replica exists, the share being unreachable changes nothing: work goes on.
    if replica_for(path).is_ok_and(|r| r.exists()) {
        return true;
    }
    let file = absolute(path);
    let Some(dir) = file.parent() else {
        return false;
    };
    if dir.join(TEAM_DIR).is_dir() {
        return true;
    }
    let synced = dir.ancestors().any(|d| {
        [
            ".stfolder",
            ".dropbox",
            ".dropbox.cache",
            ".owncloudsync.log",
            ".nextcloudsync.log",
        ]
        .iter()
        .any(|m| d.join(m).exists())
            || std::fs::read_dir(d).ok().is_some_and(|entries| {
                entries.flatten().any(|e| {
                    let name = e.file_name().to_string_lossy().into_owned();
                    // Nextcloud and ownCloud keep their journal in the synced folder.
                    (name.starts_with("._sync_") || name.starts_with(".sync_"))
                        && name.ends_with(".db")
                })
            })
    });
    synced || on_network_mount(dir)
}

/// Linux: whether the longest mount point holding `dir` is a network filesystem.
fn on_network_mount(dir: &Path) -> bool {
    const NETWORK: [&str; 10] = [
        "nfs",
        "nfs4",
        "cifs",
        "smb3",
        "smbfs",
        "fuse.sshfs",
        "9p",
        "afs",
        "davfs",
        "fuse.rclone",
    ];
    let Ok(mounts) = std::fs::read_to_string("/proc/self/mounts") else {
        return false;
    };
    mounts
        .lines()
        .filter_map(|line| {
            let mut parts = line.split_whitespace();
            let (_, point, kind) = (parts.next()?, parts.next()?, parts.next()?);
            Some((PathBuf::from(point.replace("\\040", " ")), kind.to_string()))
        })
        .filter(|(point, _)| dir.starts_with(point))
        .max_by_key(|(point, _)| point.as_os_str().len())
        .is_some_and(|(_, kind)| NETWORK.contains(&kind.as_str()))
}

/// A private copy of a file of the shared folder, checked before anything reads it:
/// whole, a clientbook base of a version this program reads (migrated if older), and
/// — when `base` is given — the same base. The original is never opened.
pub(crate) fn checked_copy(
    source: &Path,
    copy: &Path,
    base: Option<&str>,
) -> StoreResult<Connection> {
    for sidecar in ["-wal", "-journal"] {
        let mut name = source.as_os_str().to_owned();
        name.push(sidecar);
        if Path::new(&name).exists() {
            return Err(StoreError::TeamFileInUse(PathBuf::from(name)));
        }
    }
    if let Some(dir) = copy.parent() {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::copy(source, copy).map_err(|e| StoreError::io_at(source, &e))?;
    let checked = (|| -> StoreResult<Connection> {
        let mut conn = Connection::open_with_flags(
            copy,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        schema::check_not_newer(&conn)?;
        if schema::is_foreign(&conn)? || schema::schema_version(&conn)? == 0 {
            return Err(StoreError::ForeignDatabase);
        }
        let check: String = conn.query_row("PRAGMA quick_check", [], |r| r.get(0))?;
        if check != "ok" {
            return Err(StoreError::NotADatabase(PathBuf::new()));
        }
        schema::migrate(&mut conn)?;
        if let Some(base) = base {
            let theirs: Option<String> = conn
                .query_row("SELECT value FROM meta WHERE key = 'base_uuid'", [], |r| {
                    r.get(0)
                })
                .optional()?;
            if theirs.as_deref() != Some(base) {
                return Err(StoreError::OtherBase(PathBuf::new()));
            }
        }
        Ok(conn)
    })();
    checked.map_err(|e| {
        let _ = std::fs::remove_file(copy);
        e.at_path(source)
    })
}

impl Store {
    /// Opens a team file through this device's replica of it, made from the team
    /// file on first use (or a new base, published on the first sync).
    pub fn open_team(team: &Path) -> StoreResult<Store> {
        let replica = replica_for(team)?;
        if !replica.exists() && team.exists() {
            let incoming = replica.with_extension("joining");
            drop(checked_copy(team, &incoming, None)?);
            std::fs::rename(&incoming, &replica)?;
        }
        let mut store = Store::open(&replica)?;
        store.team = Some(team.to_path_buf());
        Ok(store)
    }

    /// Opens `replica` of `team` as `device`: another connection to a replica already
    /// open (the interface syncs in the background through one), or a device simulated
    /// by tests.
    pub fn open_replica(replica: &Path, device: &str, team: &Path) -> StoreResult<Store> {
        let mut store = Store::open_as_device(replica, device)?;
        store.team = Some(team.to_path_buf());
        Ok(store)
    }

    /// The team file this base is a replica of, if any.
    pub fn team_file(&self) -> Option<&Path> {
        self.team.as_deref()
    }

    /// Merges another copy of this base (a file, copied and checked first); used by
    /// `bench` and by tools, as `sync` does it for the team file.
    pub fn merge_file(&mut self, other: &Path) -> StoreResult<MergeReport> {
        let base = self.base_uuid()?;
        let scratch = self
            .path
            .with_extension(format!("merging-{}", std::process::id()));
        let copy = checked_copy(other, &scratch, Some(&base))?;
        let merged = self.merge_copy(&copy);
        drop(copy);
        let _ = std::fs::remove_file(&scratch);
        merged
    }

    /// Writes this base as a team file snapshot at `path` (what `sync` publishes).
    pub fn publish_snapshot(&self, path: &Path) -> StoreResult<PublishDone> {
        publish::publish(&self.conn, path, &self.device)
    }

    /// `share PATH`: publishes this base as a team file and keeps working on a
    /// replica of it. A team file of another base is never overwritten.
    pub fn share(&mut self, team: &Path) -> StoreResult<PublishDone> {
        let base = self.base_uuid()?;
        // Sharing onto the base itself (or its replica) would replace it under its feet.
        let target = crate::store::files::resolved(team);
        if target == crate::store::files::resolved(&self.path)
            || replica_for(team).is_ok_and(|r| crate::store::files::resolved(&r) == target)
        {
            return Err(StoreError::WouldOverwriteDatabase(team.to_path_buf()));
        }
        if team.exists() {
            let probe = self
                .path
                .with_extension(format!("probe-{}", std::process::id()));
            let checked = checked_copy(team, &probe, Some(&base));
            let _ = std::fs::remove_file(&probe);
            drop(checked?);
        }
        std::fs::create_dir_all(folder::changes_dir(team))?;
        // Everything this base holds is in the snapshot: its segments start after.
        if let Some(own) = self.own_clock()? {
            self.set_published_hlc(own)?;
        }
        let done = publish::publish(&self.conn, team, &self.device)?;
        let replica = replica_for(team)?;
        if !replica.exists() && replica != self.path {
            super::backup::copy_base(&self.conn, &replica)?;
        }
        Ok(done)
    }

    /// A copy of the replica before merging others' changes into it: one a day at
    /// most and the last three kept, as a large base costs a minute and gigabytes a
    /// copy (the change log keeps every change in between).
    pub(crate) fn backup_before_merge(&self) -> StoreResult<()> {
        const DAY_SECS: u64 = 86_400;
        super::backup::automatic_backup(&self.conn, &self.path, "merge", Some(DAY_SECS), 3)?;
        Ok(())
    }
}

impl Store {
    /// The clock of this device's newest change: a command that changed it wrote
    /// something the team file must get.
    pub fn own_clock(&self) -> StoreResult<Option<i64>> {
        Ok(self.conn.query_row(
            "SELECT max(l.hlc) FROM change_log l
             WHERE l.device_id = (SELECT id FROM devices WHERE uuid = ?1)",
            [&self.device],
            |r| r.get(0),
        )?)
    }
}
