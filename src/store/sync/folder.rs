//! Syncing with the shared folder (SPEC §7): read the other devices' change segments
//! this replica has not merged, merge the snapshot only when it holds what the
//! segments do not (a colleague compacted, or wrote it with an older version),
//! publish this device's new changes as a segment of its own, and keep the folder
//! small: a new snapshot when the segments have grown, this device's segments
//! deleted once every snapshot holds them. Its cost grows with what changed, not
//! with the size of the base.
//!
//! ```text
//! base.db                                       the snapshot (share, compaction)
//! .clientbook/changes/<device>/000000012.seg    one device's changes, its own files
//! .clientbook/merged/                           conflict copies already merged
//! ```

use super::merge::{is_ahead, vector_of, Seen, Vector};
use super::segments::{self, Header, Unreadable};
use super::unseen::{DeviceCode, Incoming};
use super::{checked_copy, copies, file_stamp, publish, SyncReport, TEAM_DIR};
use crate::store::error::{StoreError, StoreResult};
use crate::store::paths::folder_of;
use crate::store::Store;
use rusqlite::{Connection, OpenFlags, OptionalExtension};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// The folder of every device's segments.
pub const CHANGES_DIR: &str = "changes";
/// Merging at least this many changes of segments at once copies the replica to the
/// backups first (at most once a day): at 100,000 clients the copy takes 4 s, too long
/// to stall the first command of each day for a colleague's few edits.
const BACKUP_BEFORE_CHANGES: usize = 10_000;
/// The most changes one segment holds: a large import goes out in several.
const SEGMENT_CHANGES: usize = 20_000;
/// Segments are compacted into a new snapshot once they hold a quarter of its size
/// (at least this many bytes) or once the snapshot is a week old.
const COMPACT_MIN_BYTES: u64 = 1 << 20;
const COMPACT_AFTER_SECS: u64 = 7 * 86_400;
/// A device deletes its own segments a snapshot holds only after this long: a
/// colleague who has not read them yet reads them rather than the whole snapshot.
const KEEP_COVERED_SECS: u64 = 7 * 86_400;

/// An overridable number, for tests and diagnostics (`CLIENTBOOK_COMPACT_BYTES`…).
fn setting(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(default)
}

pub(crate) fn changes_dir(team: &Path) -> PathBuf {
    folder_of(team).join(TEAM_DIR).join(CHANGES_DIR)
}

/// Whether a file name is a temporary file of a writer (this program's or a sync
/// tool's), never read.
pub fn is_temporary(name: &str) -> bool {
    name.ends_with(".tmp") || name.ends_with(".partial") || name.starts_with(".syncthing.")
}

/// The files of one device's folder: its numbered segments in order, and anything
/// else that is not a temporary file (a sync tool's conflict copy of a segment).
fn listing(dir: &Path) -> (Vec<(u64, PathBuf)>, Vec<PathBuf>) {
    let mut numbered = Vec::new();
    let mut others = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if is_temporary(&name) || !entry.file_type().is_ok_and(|t| t.is_file()) {
            continue;
        }
        match segments::number_of(&name) {
            Some(n) => numbered.push((n, entry.path())),
            None => others.push(entry.path()),
        }
    }
    numbered.sort();
    others.sort();
    (numbered, others)
}

/// Opens a file of the shared folder to read a few of its pages: no lock, no journal,
/// nothing written (a snapshot is only ever replaced whole, by rename).
pub(crate) fn open_immutable(path: &Path) -> Option<Connection> {
    let mut uri = String::from("file:");
    for byte in path.to_string_lossy().bytes() {
        match byte {
            b'?' | b'#' | b'%' => uri.push_str(&format!("%{byte:02X}")),
            other => uri.push(other as char),
        }
    }
    uri.push_str("?immutable=1");
    Connection::open_with_flags(
        uri,
        OpenFlags::SQLITE_OPEN_READ_ONLY
            | OpenFlags::SQLITE_OPEN_URI
            | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .ok()
}

/// What a snapshot holds of each device: its `snapshot_vector`, or (written by an
/// older version) its change log's newest clock of each device. `None` for a file
/// that is not a readable base.
pub(crate) fn snapshot_vector(path: &Path) -> Option<(Vector, bool)> {
    let conn = open_immutable(path)?;
    let recorded: Option<String> = conn
        .query_row(
            "SELECT value FROM meta WHERE key = 'snapshot_vector'",
            [],
            |r| r.get(0),
        )
        .optional()
        .ok()?;
    match recorded.and_then(|v| serde_json::from_str(&v).ok()) {
        Some(vector) => Some((vector, true)),
        None => vector_of(&conn).ok().map(|v| (v, false)),
    }
}

fn name_of(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// What reading a segment file gave, for a reader that has seen its device up to a
/// clock (`watermark`).
enum Read {
    /// It continues what was seen: its changes beyond the watermark.
    Fits(Header, Vec<Incoming>),
    /// Everything in it was seen already.
    Seen,
    /// It starts past the watermark: an earlier one is missing.
    Later,
    /// Not a whole segment of this base and device; why.
    Refused(String),
}

fn read_segment(path: &Path, base: &str, device: &str, watermark: i64) -> Read {
    let Ok(bytes) = std::fs::read(path) else {
        return Read::Refused(crate::i18n::tr("sync.torn_segment"));
    };
    match segments::decode(&bytes, false) {
        Ok(segment) if segment.header.base != base || segment.header.device != device => {
            Read::Refused(crate::i18n::tr("sync.other_base_segment"))
        }
        Ok(segment) if segment.header.last <= watermark => Read::Seen,
        Ok(segment) if segment.header.after > watermark => Read::Later,
        Ok(segment) => {
            let changes = segment
                .changes
                .into_iter()
                .filter(|c| c.hlc > watermark)
                .collect();
            Read::Fits(segment.header, changes)
        }
        Err(Unreadable::Torn) => Read::Refused(crate::i18n::tr("sync.torn_segment")),
        Err(Unreadable::Foreign) => Read::Refused(crate::i18n::tr("sync.not_a_segment")),
    }
}

/// Deletes the sync tool's copies of segments whose segment (same number, same
/// folder) is whole.
fn remove_redundant_copies(copies: &[PathBuf]) -> StoreResult<()> {
    for copy in copies {
        let Some(dir) = copy.parent() else { continue };
        let name = name_of(copy);
        // `000000012.sync-conflict-….seg`, `000000012 (conflicted copy).seg`…
        let Some(number) = name
            .get(..9)
            .filter(|d| d.chars().all(|c| c.is_ascii_digit()))
            .and_then(|d| d.parse::<u64>().ok())
        else {
            continue;
        };
        let whole = std::fs::read(dir.join(segments::file_name(number)))
            .is_ok_and(|bytes| segments::check(&bytes).is_ok());
        if !whole {
            continue;
        }
        match std::fs::remove_file(copy) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(StoreError::io_at(copy, &e)),
        }
    }
    Ok(())
}

/// A segment that continues what this replica has of its device.
struct Fitting {
    header: Header,
    changes: Vec<Incoming>,
    from: From,
}

/// Where a segment was read: a numbered file, or a sync tool's copy of one.
enum From {
    Numbered(u64),
    Copy(PathBuf),
}

/// Drops, from each device's run of segments, the first one (and those after it)
/// whose device had seen changes this replica will not have after the merge, until
/// what is kept holds together. Returns whether something was held back.
fn keep_causal(fitting: &mut [(String, Vec<Fitting>)], ours: &Vector, me: &str) -> bool {
    let mut held_back = false;
    loop {
        let mut reach = ours.clone();
        for (device, found) in fitting.iter() {
            if let Some(last) = found.last() {
                let known = reach.entry(device.clone()).or_insert(0);
                *known = (*known).max(last.header.last);
            }
        }
        let mut dropped = false;
        for (device, found) in fitting.iter_mut() {
            let missing = found.iter().position(|segment| {
                segment.header.seen.iter().any(|(other, hlc)| {
                    other != device && other != me && reach.get(other).copied().unwrap_or(0) < *hlc
                })
            });
            if let Some(at) = missing {
                found.truncate(at);
                dropped = true;
            }
        }
        held_back |= dropped;
        if !dropped {
            return held_back;
        }
    }
}

/// The snapshot checked before anything reads it: no journal beside it (someone
/// opened it in place), an SQLite file, this program's, not newer, this base.
fn checked_snapshot_vector(team: &Path, base: &str) -> StoreResult<(Vector, bool)> {
    for sidecar in ["-wal", "-journal"] {
        let mut name = team.as_os_str().to_owned();
        name.push(sidecar);
        if Path::new(&name).exists() {
            return Err(StoreError::TeamFileInUse(PathBuf::from(name)));
        }
    }
    let bad = || StoreError::NotADatabase(team.to_path_buf());
    if !crate::store::files::is_sqlite_file(team) {
        return Err(bad());
    }
    let conn = open_immutable(team).ok_or_else(bad)?;
    crate::store::schema::check_not_newer(&conn)?;
    let theirs: Option<String> = conn
        .query_row("SELECT value FROM meta WHERE key = 'base_uuid'", [], |r| {
            r.get(0)
        })
        .optional()
        .map_err(|_| bad())?;
    if theirs.as_deref() != Some(base) {
        return Err(StoreError::OtherBase(team.to_path_buf()));
    }
    drop(conn);
    snapshot_vector(team).ok_or_else(bad)
}

/// Where this replica stands with the folder: kept in `local_state`.
impl Store {
    fn local(&self, key: &str) -> StoreResult<Option<String>> {
        Ok(self
            .conn
            .query_row("SELECT value FROM local_state WHERE key = ?1", [key], |r| {
                r.get(0)
            })
            .optional()?)
    }

    fn set_local(&self, key: &str, value: &str) -> StoreResult<()> {
        self.conn.execute(
            "INSERT INTO local_state (key, value) VALUES (?1, ?2)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [key, value],
        )?;
        Ok(())
    }

    /// The newest segment number merged of each device.
    fn segment_marks(&self) -> StoreResult<HashMap<String, u64>> {
        Ok(self
            .local("segment_marks")?
            .and_then(|v| serde_json::from_str(&v).ok())
            .unwrap_or_default())
    }

    /// Up to which clock this device's changes are in the folder.
    pub(crate) fn published_hlc(&self, team: &Path) -> StoreResult<i64> {
        if let Some(v) = self.local("published_hlc")?.and_then(|v| v.parse().ok()) {
            return Ok(v);
        }
        // A replica from before segments: its changes up to what the snapshot holds
        // of it were published in the snapshot itself.
        Ok(snapshot_vector(team)
            .and_then(|(v, _)| v.get(&self.device).copied())
            .unwrap_or(0))
    }

    pub(crate) fn set_published_hlc(&self, hlc: i64) -> StoreResult<()> {
        self.set_local("published_hlc", &hlc.to_string())
    }

    /// This device's short code.
    fn device_code(&self) -> StoreResult<String> {
        Ok(self.conn.query_row(
            "SELECT code FROM devices WHERE uuid = ?1",
            [&self.device],
            |r| r.get(0),
        )?)
    }

    /// Syncs with the shared folder; see the module.
    pub fn sync(&mut self) -> StoreResult<SyncReport> {
        let Some(team) = self.team.clone() else {
            return Ok(SyncReport::default());
        };
        let mut report = SyncReport {
            team_file: team.clone(),
            ..SyncReport::default()
        };
        // An unmounted share or a sync folder gone: nothing to read, nowhere to write.
        let folder = folder_of(&team);
        if !folder.is_dir() {
            return Err(StoreError::TeamOutOfReach(folder.to_path_buf()));
        }
        let base = self.base_uuid()?;
        let mut segment_copies = Vec::new();
        let mut waiting = self.merge_segments(&team, &base, &mut report, &mut segment_copies)?;
        // The snapshot, when it changed since this replica looked, or a device's
        // segments have a hole only it can fill.
        let stamp = file_stamp(&team).unwrap_or_default();
        let mut snapshot_sound = true;
        if team.exists() && (self.local("team_stamp")?.as_deref() != Some(&stamp) || waiting) {
            match checked_snapshot_vector(&team, &base) {
                Ok((theirs, _)) => {
                    if is_ahead(&theirs, &vector_of(&self.conn)?) {
                        let merged = self.merge_snapshot_file(&team, &base)?;
                        report.came_in.add(&merged);
                        waiting =
                            self.merge_segments(&team, &base, &mut report, &mut segment_copies)?;
                    }
                    self.set_local("team_stamp", &stamp)?;
                }
                // Named, left as it is, and looked at again next time; the segments
                // go on carrying the team's changes meanwhile.
                Err(e) => {
                    snapshot_sound = false;
                    report.copies_refused.push((name_of(&team), e.to_string()));
                }
            }
        }
        let _ = waiting;
        // Conflict copies of the snapshot a sync tool made.
        let mut merged_copies = Vec::new();
        for candidate in copies::conflict_copies(&team) {
            let name = candidate
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            match self.merge_snapshot_file(&candidate, &base) {
                Ok(merged) => {
                    report.came_in.add(&merged);
                    report.copies_merged.push(name);
                    merged_copies.push(candidate);
                }
                Err(e) => report.copies_refused.push((name, e.to_string())),
            }
        }
        self.republish_lost(&team)?;
        self.publish_segments(&team, &base, &mut report)?;
        let write_snapshot = snapshot_sound
            && (self.snapshot_due(&team)?
                || !merged_copies.is_empty()
                || self.snapshot_holds_forgotten(&team)?);
        if write_snapshot {
            report.published = Some(publish::publish(&self.conn, &team, &self.device)?);
            self.set_local("team_stamp", &file_stamp(&team).unwrap_or_default())?;
        }
        copies::move_aside(&team, &merged_copies)?;
        // A sync tool's copy of a segment holds what the segment of that number holds
        // (numbers are never given twice): once merged, or for this device's own, it
        // goes as soon as the segment itself is whole.
        segment_copies.extend(listing(&changes_dir(&team).join(&self.device)).1);
        remove_redundant_copies(&segment_copies)?;
        self.drop_covered_segments(&team)?;
        self.sweep_forgotten(&team)?;
        Ok(report)
    }

    /// Merges a snapshot (the team file or a conflict copy of it): copied and checked
    /// first, as it may be any size and come from any device.
    fn merge_snapshot_file(&mut self, path: &Path, base: &str) -> StoreResult<super::MergeReport> {
        let scratch = self
            .path
            .with_extension(format!("incoming-{}", std::process::id()));
        let copy = checked_copy(path, &scratch, Some(base))?;
        let ahead = is_ahead(&vector_of(&copy)?, &vector_of(&self.conn)?);
        if ahead {
            self.backup_before_merge()?;
        }
        let merged = self.merge_copy(&copy);
        drop(copy);
        let _ = std::fs::remove_file(&scratch);
        merged
    }

    /// Reads the other devices' segments beyond what this replica has seen and merges
    /// them in one transaction. Returns whether some device's segments stop at a hole
    /// (one not arrived yet, torn, or compacted away).
    fn merge_segments(
        &mut self,
        team: &Path,
        base: &str,
        report: &mut SyncReport,
        copies_seen: &mut Vec<PathBuf>,
    ) -> StoreResult<bool> {
        let root = changes_dir(team);
        let ours = vector_of(&self.conn)?;
        let mut marks = self.segment_marks()?;
        let mut waiting = false;
        let device_dirs: Vec<PathBuf> = std::fs::read_dir(&root)
            .into_iter()
            .flatten()
            .flatten()
            .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
            .map(|e| e.path())
            .collect();
        // Each device's segments that continue what this replica has of it, in order.
        let mut fitting: Vec<(String, Vec<Fitting>)> = Vec::new();
        for dir in device_dirs {
            let device = dir
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            if device == self.device {
                continue;
            }
            let mut watermark = ours.get(&device).copied().unwrap_or(0);
            let mark = marks.get(&device).copied().unwrap_or(0);
            let (numbered, others) = listing(&dir);
            let mut found = Vec::new();
            for (number, path) in numbered.iter().filter(|(n, _)| *n > mark) {
                match read_segment(path, base, &device, watermark) {
                    Read::Fits(header, changes) => {
                        watermark = header.last;
                        found.push(Fitting {
                            header,
                            changes,
                            from: From::Numbered(*number),
                        });
                    }
                    Read::Seen => {
                        if found.is_empty() {
                            marks.insert(device.clone(), *number);
                        }
                    }
                    // A hole: an earlier segment not here yet (or compacted away).
                    Read::Later => {
                        waiting = true;
                        break;
                    }
                    Read::Refused(why) => {
                        report.copies_refused.push((name_of(path), why));
                        waiting = true;
                        break;
                    }
                }
            }
            // A sync tool's copy of a segment: merged when it fits, then moved aside.
            for path in &others {
                match read_segment(path, base, &device, watermark) {
                    Read::Fits(header, changes) => {
                        watermark = header.last;
                        found.push(Fitting {
                            header,
                            changes,
                            from: From::Copy(path.clone()),
                        });
                    }
                    Read::Seen if !copies_seen.contains(path) => {
                        copies_seen.push(path.clone());
                        report.copies_merged.push(name_of(path));
                    }
                    Read::Seen | Read::Later => {}
                    Read::Refused(why) => report.copies_refused.push((name_of(path), why)),
                }
            }
            fitting.push((device, found));
        }
        // A device's changes are merged only with everything it had seen when it made
        // them (its segment says what): a change to a client another device added
        // waits for that device's segment, however the files arrive.
        waiting |= keep_causal(&mut fitting, &ours, &self.device);
        let mut incoming: Vec<Incoming> = Vec::new();
        let mut devices: Vec<DeviceCode> = Vec::new();
        let mut seen = Seen {
            by_device: HashMap::new(),
            otherwise: Vector::new(),
            forgotten: Default::default(),
        };
        for (device, found) in fitting {
            for segment in found {
                if !devices.iter().any(|(d, _)| *d == device) {
                    devices.push((device.clone(), segment.header.code.clone()));
                }
                incoming.extend(segment.changes);
                seen.forgotten.extend(segment.header.forgotten);
                seen.by_device.insert(device.clone(), segment.header.seen);
                match segment.from {
                    From::Numbered(number) => {
                        marks.insert(device.clone(), number);
                        report.segments_read += 1;
                    }
                    From::Copy(path) => {
                        report.copies_merged.push(name_of(&path));
                        copies_seen.push(path);
                    }
                }
            }
        }
        if !incoming.is_empty() {
            // A colleague's few changes merge as a command's own would (the log keeps
            // every change); a large batch is backed up first, as a snapshot is.
            if incoming.len() >= BACKUP_BEFORE_CHANGES {
                self.backup_before_merge()?;
            }
            let merged = self.merge_incoming(incoming, &devices, &seen)?;
            report.came_in.add(&merged);
        }
        self.set_local("segment_marks", &serde_json::to_string(&marks)?)?;
        Ok(waiting)
    }

    /// This device's changes the folder does not hold yet, published as segments.
    fn publish_segments(
        &mut self,
        team: &Path,
        base: &str,
        report: &mut SyncReport,
    ) -> StoreResult<()> {
        let after = self.published_hlc(team)?;
        let changes = self.own_changes(after, i64::MAX)?;
        if changes.is_empty() {
            return Ok(());
        }
        let dir = changes_dir(team).join(&self.device);
        let code = self.device_code()?;
        let first = self.next_segment_number(&dir)?;
        let mut from = after;
        let seen = vector_of(&self.conn)?;
        for (next, chunk) in (first..).zip(changes.chunks(SEGMENT_CHANGES)) {
            let last = chunk.last().map_or(from, |c| c.hlc);
            let header = Header {
                base: base.to_string(),
                device: self.device.clone(),
                code: code.clone(),
                number: next,
                after: from,
                last,
                count: chunk.len(),
                seen: seen.clone(),
                forgotten: Vec::new(),
            };
            let path = segments::write(&dir, &header, chunk)?;
            self.conn.execute(
                "INSERT OR REPLACE INTO published_segments (number, after_hlc, last_hlc, seen)
                 VALUES (?1, ?2, ?3, ?4)",
                rusqlite::params![next as i64, from, last, serde_json::to_string(&seen)?],
            )?;
            self.set_local("next_segment", &(next + 1).to_string())?;
            self.set_published_hlc(last)?;
            report.went_out += chunk.len();
            report.segment = Some(path);
            from = last;
        }
        Ok(())
    }

    /// The next number of this device's segments: past every one it published and
    /// every one in its folder (a replica restored from a backup never reuses one).
    fn next_segment_number(&self, dir: &Path) -> StoreResult<u64> {
        let published: Option<i64> =
            self.conn
                .query_row("SELECT max(number) FROM published_segments", [], |r| {
                    r.get(0)
                })?;
        let on_disk = listing(dir).0.last().map_or(0, |(n, _)| *n);
        // Numbers are never given twice, even once the segments that had them were
        // deleted: readers skip numbers they have merged.
        let counted: u64 = self
            .local("next_segment")?
            .and_then(|v| v.parse().ok())
            .unwrap_or(1);
        Ok((published.unwrap_or(0).max(on_disk as i64) as u64 + 1).max(counted))
    }

    /// The forgotten clients among those `changes` are of (their personal fields are
    /// erased from the log): a segment written again says so.
    fn forgotten_in(&self, changes: &[Incoming]) -> StoreResult<Vec<String>> {
        let mut clients: Vec<&str> = changes
            .iter()
            .filter_map(|c| match c.entity.as_str() {
                "client" => Some(c.row_uuid.as_str()),
                _ => c.client.as_deref(),
            })
            .collect();
        clients.sort_unstable();
        clients.dedup();
        let mut stmt = self
            .conn
            .prepare_cached("SELECT forgotten_at IS NOT NULL FROM clients WHERE uuid = ?1")?;
        let mut out = Vec::new();
        for client in clients {
            let forgotten: Option<bool> = stmt.query_row([client], |r| r.get(0)).optional()?;
            if forgotten == Some(true) {
                out.push(client.to_string());
            }
        }
        Ok(out)
    }

    /// This device's changes with `after < hlc <= last`, oldest first, as segments
    /// carry them.
    fn own_changes(&self, after: i64, last: i64) -> StoreResult<Vec<Incoming>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT l.hlc, m.uuid, l.entity, l.row_uuid, c.uuid, l.op, l.fields
             FROM change_log l
             LEFT JOIN managers m ON m.id = l.actor_id
             LEFT JOIN clients c ON c.id = l.client_id
             WHERE l.device_id = (SELECT id FROM devices WHERE uuid = ?1) AND l.hlc > ?2 AND l.hlc <= ?3
             ORDER BY l.hlc",
        )?;
        let rows = stmt.query_map(rusqlite::params![self.device, after, last], |r| {
            Ok(Incoming {
                hlc: r.get(0)?,
                device: self.device.clone(),
                actor: r.get(1)?,
                entity: r.get(2)?,
                row_uuid: r.get(3)?,
                client: r.get(4)?,
                op: r.get(5)?,
                fields: r.get(6)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Segments of this device the folder lost (a sync tool deleted one) or that
    /// arrived torn are written again from the replica's log.
    fn republish_lost(&mut self, team: &Path) -> StoreResult<()> {
        let dir = changes_dir(team).join(&self.device);
        let published: Vec<(u64, i64, i64, String)> = self
            .conn
            .prepare(
                "SELECT number, after_hlc, last_hlc, seen FROM published_segments ORDER BY number",
            )?
            .query_map([], |r| {
                Ok((r.get::<_, i64>(0)? as u64, r.get(1)?, r.get(2)?, r.get(3)?))
            })?
            .collect::<Result<_, _>>()?;
        if published.is_empty() {
            return Ok(());
        }
        // What the snapshot holds of this device: a segment deleted once a snapshot
        // held it is written again when the snapshot there now does not (a sync tool
        // kept a colleague's older one), so no change lives nowhere in the folder.
        let covered = match snapshot_vector(team) {
            Some((vector, true)) => Some(vector.get(&self.device).copied().unwrap_or(0)),
            Some((_, false)) => Some(0),
            None if !team.exists() => Some(0),
            // Unreadable for now (being written): only torn segments are written again.
            None => None,
        };
        for (number, _, last, _) in published {
            let path = dir.join(segments::file_name(number));
            let found = std::fs::read(&path).ok();
            let whole = found
                .as_ref()
                .is_some_and(|bytes| segments::decode(bytes, true).is_ok());
            if whole {
                continue;
            }
            let held_elsewhere = covered.is_none_or(|c| last <= c);
            if found.is_none() && held_elsewhere {
                continue;
            }
            self.write_segment_again(team, number)?;
        }
        Ok(())
    }

    /// Writes this device's segment `number` again from its log, saying what it said
    /// the first time.
    pub(crate) fn write_segment_again(&self, team: &Path, number: u64) -> StoreResult<()> {
        let dir = changes_dir(team).join(&self.device);
        let base = self.base_uuid()?;
        let code = self.device_code()?;
        let (after, last, seen): (i64, i64, String) = self.conn.query_row(
            "SELECT after_hlc, last_hlc, seen FROM published_segments WHERE number = ?1",
            [number as i64],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )?;
        {
            let changes = self.own_changes(after, last)?;
            let header = Header {
                base,
                device: self.device.clone(),
                code,
                number,
                after,
                last,
                count: changes.len(),
                // What it said the first time: readers find the same clashes in it.
                seen: match serde_json::from_str::<Vector>(&seen) {
                    Ok(v) if !v.is_empty() => v,
                    _ => vector_of(&self.conn)?,
                },
                forgotten: self.forgotten_in(&changes)?,
            };
            segments::write(&dir, &header, &changes)?;
        }
        Ok(())
    }

    /// Whether to write a new snapshot: there is none, it is of an older version, or
    /// the segments beyond it have grown past a quarter of its size or a week.
    fn snapshot_due(&self, team: &Path) -> StoreResult<bool> {
        let Ok(meta) = std::fs::metadata(team) else {
            return Ok(true);
        };
        let Some((snapshot, current)) = snapshot_vector(team) else {
            // Unreadable now (a sync tool still writing it): not this sync's business.
            return Ok(false);
        };
        if !current {
            return Ok(true);
        }
        let mut beyond = 0u64;
        let mut oldest: Option<std::time::SystemTime> = None;
        for entry in std::fs::read_dir(changes_dir(team))
            .into_iter()
            .flatten()
            .flatten()
        {
            let device = entry.file_name().to_string_lossy().into_owned();
            let covered = snapshot.get(&device).copied().unwrap_or(i64::MIN);
            for (_, path) in listing(&entry.path()).0 {
                let Ok(bytes) = std::fs::read(&path) else {
                    continue;
                };
                let Ok(segment) = segments::decode(&bytes, true) else {
                    continue;
                };
                if segment.header.last > covered {
                    beyond += bytes.len() as u64;
                    let modified = std::fs::metadata(&path).and_then(|m| m.modified()).ok();
                    oldest = match (oldest, modified) {
                        (Some(a), Some(b)) => Some(a.min(b)),
                        (a, b) => a.or(b),
                    };
                }
            }
        }
        let limit = setting(
            "CLIENTBOOK_COMPACT_BYTES",
            (meta.len() / 4).max(COMPACT_MIN_BYTES),
        );
        let week = setting("CLIENTBOOK_COMPACT_AFTER_SECS", COMPACT_AFTER_SECS);
        let old = oldest
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age.as_secs() >= week);
        Ok(beyond > 0 && (beyond >= limit || old))
    }

    /// This device's segments every snapshot in the folder holds, once they are old
    /// enough that colleagues have read them: deleted (the device's own files only).
    fn drop_covered_segments(&self, team: &Path) -> StoreResult<()> {
        let mut snapshots = vec![team.to_path_buf()];
        snapshots.extend(copies::conflict_copies(team));
        let mut covered = i64::MAX;
        for snapshot in &snapshots {
            match snapshot_vector(snapshot) {
                Some((vector, true)) => {
                    covered = covered.min(vector.get(&self.device).copied().unwrap_or(i64::MIN))
                }
                // One that cannot be read (or is of an older version) may lack them.
                _ => return Ok(()),
            }
        }
        let grace = setting("CLIENTBOOK_KEEP_SEGMENTS_SECS", KEEP_COVERED_SECS);
        let dir = changes_dir(team).join(&self.device);
        let done: Vec<(u64, i64)> = self
            .conn
            .prepare("SELECT number, last_hlc FROM published_segments WHERE last_hlc <= ?1")?
            .query_map([covered], |r| Ok((r.get::<_, i64>(0)? as u64, r.get(1)?)))?
            .collect::<Result<_, _>>()?;
        for (number, _) in done {
            let path = dir.join(segments::file_name(number));
            let old_enough = std::fs::metadata(&path)
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| t.elapsed().ok())
                .is_none_or(|age| age.as_secs() >= grace);
            if !old_enough {
                continue;
            }
            // Its record stays: should the snapshot be replaced by one without it, the
            // segment is written again.
            match std::fs::remove_file(&path) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(StoreError::io_at(&path, &e)),
            }
        }
        Ok(())
    }
}
