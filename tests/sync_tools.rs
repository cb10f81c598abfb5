//! Sharing through sync tools (SPEC §7), in one process: three devices, each with its
//! own copy of the shared folder, and a "sync tool" between the folders that copies
//! files in random order and late, twice, loses some and makes conflict copies when
//! two versions of a file meet. Whatever the tool does, once it has copied everything
//! and every device has synced, all replicas hold the same, a second sync changes
//! nothing, every appended record is there and every forgotten client is gone from
//! every file. A property test drives random edits, inserts, deletes, forgets,
//! reassignments and appended records through it (`PROPTEST_CASES` for a longer
//! soak).

use clientbook::domain::codes::{InteractionKind, OrderStatus, Role};
use clientbook::domain::fields::{ClientDraft, Field};
use clientbook::store::activity::{NewInteraction, NewOrder};
use clientbook::store::{ListQuery, Store, Viewer};
use proptest::prelude::*;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

const DEVICES: usize = 3;
/// Kinds of change a run may leave out: a forget, a merge of duplicates. A forget
/// and a merge of the same client's records made apart both reach every copy, but
/// the time a planned contact moved between them was closed at may still differ
/// (see the README's limits), so each run leaves one of them out.
const FORGET: u8 = 4;
const MERGE: u8 = 6;

/// One harness at a time: the data directory of the replicas is the process's.
static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

struct Device {
    store: Store,
    boss: Viewer,
    folder: PathBuf,
}

struct Harness {
    _turn: std::sync::MutexGuard<'static, ()>,
    _dir: tempfile::TempDir,
    devices: Vec<Device>,
    rng: fastrand::Rng,
    /// Phones of clients forgotten somewhere: no file may keep them.
    forgotten_phones: Vec<String>,
    interactions: usize,
    orders: usize,
    serial: usize,
    /// What the tool last saw in each folder: a file gone since was deleted there,
    /// and the deletion wins over the older copies elsewhere, as a sync tool's
    /// version vectors make it.
    seen: std::collections::HashMap<usize, BTreeSet<PathBuf>>,
    /// The kind of change left out of this run (see [`FORGET`], [`MERGE`]).
    without: u8,
    /// Deleted files, with when the tool saw them go.
    deleted: std::collections::HashMap<PathBuf, std::time::SystemTime>,
}

/// Every file under `dir`, with its path relative to `dir`.
fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push(path.strip_prefix(dir).unwrap().to_path_buf());
            }
        }
    }
    out.sort();
    out
}

fn temporary(path: &Path) -> bool {
    let name = path.file_name().unwrap().to_string_lossy();
    name.ends_with(".tmp") || name.ends_with(".partial")
}

impl Harness {
    fn new(seed: u64, without: u8) -> Harness {
        let turn = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
        // The replicas of every device live under one data directory: each folder's
        // team file has a replica name of its own.
        let dir = tempfile::tempdir().unwrap();
        std::env::set_var("CLIENTBOOK_DATA_DIR", dir.path().join("data"));
        std::env::set_var("CLIENTBOOK_COMPACT_BYTES", "40000");
        std::env::set_var("CLIENTBOOK_KEEP_SEGMENTS_SECS", "0");
        clientbook::i18n::set_language(clientbook::i18n::Lang::En);
        let folders: Vec<PathBuf> = (0..DEVICES)
            .map(|i| dir.path().join(format!("folder{i}")))
            .collect();
        for folder in &folders {
            std::fs::create_dir_all(folder).unwrap();
        }
        let ids: Vec<String> = (0..DEVICES)
            .map(|_| uuid::Uuid::new_v4().to_string())
            .collect();
        let local = dir.path().join("local.db");
        let mut first = Store::open_as_device(&local, &ids[0]).unwrap();
        let boss = first.init("boss", "Boss").unwrap();
        first
            .add_manager(&boss, "alice", "Alice", Role::Manager)
            .unwrap();
        first.share(&folders[0].join("base.db")).unwrap();
        drop(first);
        // The sync tool brings the snapshot to the others, who join from it.
        for folder in &folders[1..] {
            std::fs::create_dir_all(folder.join(".clientbook/changes")).unwrap();
            std::fs::copy(folders[0].join("base.db"), folder.join("base.db")).unwrap();
        }
        let devices = folders
            .iter()
            .zip(&ids)
            .map(|(folder, id)| {
                let team = folder.join("base.db");
                let replica = clientbook::store::sync::replica_for(&team).unwrap();
                if !replica.exists() {
                    std::fs::create_dir_all(replica.parent().unwrap()).unwrap();
                    std::fs::copy(&team, &replica).unwrap();
                }
                let store = Store::open_replica(&replica, id, &team).unwrap();
                let boss = store.viewer(Some("boss")).unwrap();
                Device {
                    store,
                    boss,
                    folder: folder.clone(),
                }
            })
            .collect();
        Harness {
            _turn: turn,
            _dir: dir,
            devices,
            rng: fastrand::Rng::with_seed(seed),
            forgotten_phones: Vec::new(),
            interactions: 0,
            orders: 0,
            serial: 0,
            seen: Default::default(),
            without,
            deleted: Default::default(),
        }
    }

    fn numbers(&self, device: usize) -> Vec<String> {
        let d = &self.devices[device];
        d.store
            .list_clients(&d.boss, &ListQuery::default(), None, 1000)
            .unwrap()
            .rows
            .into_iter()
            .filter(|r| !r.forgotten)
            .map(|r| r.number)
            .collect()
    }

    fn pick(&mut self, device: usize) -> Option<String> {
        let numbers = self.numbers(device);
        (!numbers.is_empty()).then(|| numbers[self.rng.usize(..numbers.len())].clone())
    }

    /// One random change on one device; what kind is `op` (0..7).
    fn change(&mut self, device: usize, op: u8) {
        // The one kind of change this run leaves out is an insert instead.
        let op = if op % 7 == self.without { 0 } else { op };
        self.serial += 1;
        let serial = self.serial;
        let number = self.pick(device);
        let d = &mut self.devices[device];
        let (store, boss) = (&mut d.store, &d.boss);
        match (op % 7, number) {
            (0, _) | (_, None) => {
                let mut draft = ClientDraft::default();
                draft
                    .set(Field::Name, format!("Клиент{serial} Тестовый"))
                    .set(Field::Phones, format!("+7903{serial:07}"));
                store.add_client(boss, &draft, None).unwrap();
            }
            (1, Some(n)) => {
                let mut draft = ClientDraft::default();
                draft.set(Field::City, ["Тверь", "Омск", "Сочи"][serial % 3]);
                let _ = store.edit_client(boss, &n, &draft);
            }
            (2, Some(n)) => {
                let mut call = NewInteraction::new(InteractionKind::Call);
                call.summary = Some(format!("звонок {serial}"));
                if store.log_interaction(boss, &n, &call, None).is_ok() {
                    self.interactions += 1;
                }
            }
            (3, Some(n)) => {
                let order = NewOrder {
                    amount_minor: 10_000 + serial as i64,
                    currency: "RUB".into(),
                    date: None,
                    items: 1,
                    status: OrderStatus::Completed,
                };
                if store.add_order(boss, &n, &order).is_ok() {
                    self.orders += 1;
                }
            }
            (4, Some(n)) => {
                let card = store.client_card(boss, &n).unwrap();
                if store.forget(boss, &n).is_ok() {
                    self.forgotten_phones.extend(card.phones);
                }
            }
            (5, Some(n)) => {
                let _ = store.assign(boss, &n, if serial % 2 == 0 { "alice" } else { "boss" });
            }
            (_, Some(n)) => {
                // A delete: another client merged into this one.
                let other = self.numbers(device).into_iter().find(|o| *o != n);
                if let Some(other) = other {
                    let d = &mut self.devices[device];
                    let _ = d.store.merge_clients(&d.boss, &n, &other);
                }
            }
        }
    }

    fn sync(&mut self, device: usize) {
        self.devices[device].store.sync().unwrap();
    }

    /// The sync tool copies the files of folder `from` into folder `to`: with
    /// `faults`, some late (not this time), some twice, some lost after copying, and
    /// a file whose two versions meet kept as a conflict copy.
    fn carry(&mut self, from: usize, to: usize, faults: bool) {
        let (source, target) = (
            self.devices[from].folder.clone(),
            self.devices[to].folder.clone(),
        );
        let modified = |p: &Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
        let now: BTreeSet<PathBuf> = files(&source).into_iter().collect();
        if let Some(before) = self.seen.insert(from, now.clone()) {
            for gone in before.difference(&now) {
                self.deleted
                    .insert(gone.clone(), std::time::SystemTime::now());
            }
        }
        // A deletion is newer than every copy made before it.
        for (gone, when) in &self.deleted {
            let path = target.join(gone);
            if modified(&path).is_some_and(|m| m <= *when) && (!faults || self.rng.u8(..10) < 7) {
                let _ = std::fs::remove_file(path);
            }
        }
        for relative in now {
            if let Some(when) = self.deleted.get(&relative) {
                if modified(&source.join(&relative)).is_some_and(|m| m <= *when) {
                    continue;
                }
                self.deleted.remove(&relative);
            }
            if temporary(&relative) || relative.starts_with(".clientbook/merged") {
                continue;
            }
            let (src, dst) = (source.join(&relative), target.join(&relative));
            let Ok(bytes) = std::fs::read(&src) else {
                continue;
            };
            if faults && self.rng.u8(..10) < 3 {
                continue;
            }
            std::fs::create_dir_all(dst.parent().unwrap()).unwrap();
            let modified = |p: &Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
            let conflict_name = |rng: &mut fastrand::Rng| {
                let stem = dst.file_stem().unwrap().to_string_lossy().into_owned();
                let ext = dst.extension().unwrap().to_string_lossy().into_owned();
                dst.with_file_name(format!(
                    "{stem}.sync-conflict-20261204-10{:04}-ABCDEFG.{ext}",
                    rng.u16(..)
                ))
            };
            if let Ok(existing) = std::fs::read(&dst) {
                if existing == bytes {
                    continue;
                }
                // Two versions meet: the newer stays, the older is kept aside as a
                // conflict copy (always, or, without faults, only sometimes dropped).
                let incoming_newer = modified(&src) > modified(&dst);
                let keep_aside = faults && self.rng.bool();
                if !incoming_newer {
                    if keep_aside {
                        std::fs::write(conflict_name(&mut self.rng), &bytes).unwrap();
                    }
                    continue;
                }
                if keep_aside {
                    std::fs::write(conflict_name(&mut self.rng), &existing).unwrap();
                }
            }
            let partial = dst.with_extension("carry.tmp");
            std::fs::write(&partial, &bytes).unwrap();
            // The copy keeps the time of the original, as sync tools do.
            if let Some(time) = modified(&src) {
                let file = std::fs::File::options().write(true).open(&partial).unwrap();
                file.set_modified(time).unwrap();
            }
            std::fs::rename(&partial, &dst).unwrap();
            if faults && self.rng.u8(..20) == 0 {
                std::fs::remove_file(&dst).unwrap();
            }
        }
    }

    fn carry_all(&mut self, faults: bool) {
        for from in 0..DEVICES {
            for to in 0..DEVICES {
                if from != to {
                    self.carry(from, to, faults);
                }
            }
        }
    }

    /// What a device holds, as its content hash.
    fn hash(&self, device: usize) -> String {
        self.devices[device].store.content_hash().unwrap()
    }

    /// The tool catches up without faults and everyone syncs until nothing moves.
    fn settle(&mut self) {
        // Until a whole round moves nothing: a merge may itself write (a clash kept
        // as a conflict) and publish it.
        let mut quiet = 0;
        let mut last_listing = None;
        for _ in 0..20 {
            let mut moved = 0;
            for device in 0..DEVICES {
                let report = self.devices[device].store.sync().unwrap();
                moved += report.came_in.changes + report.went_out;
            }
            self.carry_all(false);
            // Nothing merged or published, and no file came or went.
            let listing: Vec<(PathBuf, u64)> = (0..DEVICES)
                .flat_map(|d| {
                    let folder = self.devices[d].folder.clone();
                    files(&folder).into_iter().map(move |f| {
                        let len = std::fs::metadata(folder.join(&f)).map_or(0, |m| m.len());
                        (folder.join(f), len)
                    })
                })
                .collect();
            let same = last_listing.as_ref() == Some(&listing);
            last_listing = Some(listing);
            quiet = if moved == 0 && same { quiet + 1 } else { 0 };
            if quiet == 2 {
                break;
            }
        }
    }

    fn assert_converged(&mut self, what: &str) {
        let hashes: BTreeSet<String> = (0..DEVICES).map(|d| self.hash(d)).collect();
        if hashes.len() != 1 {
            // What differs, to start from: each replica's rows per table.
            for device in &self.devices {
                let conn = rusqlite::Connection::open_with_flags(
                    device.store.path(),
                    rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
                )
                .unwrap();
                for table in [
                    "clients",
                    "contact_points",
                    "interactions",
                    "orders",
                    "scheduled_contacts",
                    "conflicts",
                    "change_log",
                ] {
                    let n: i64 = conn
                        .query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
                        .unwrap();
                    eprintln!("{} {table}: {n}", device.folder.display());
                }
            }
        }
        assert_eq!(hashes.len(), 1, "{what}: the replicas differ");
        for device in 0..DEVICES {
            let again = self.devices[device].store.sync().unwrap();
            assert_eq!(
                again.came_in.changes, 0,
                "{what}: a second sync brought changes"
            );
            assert_eq!(again.went_out, 0, "{what}: a second sync published changes");
            let replica = self.devices[device].store.path().to_path_buf();
            let conn = rusqlite::Connection::open_with_flags(
                &replica,
                rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
            )
            .unwrap();
            let count = |sql: &str| -> usize {
                conn.query_row(sql, [], |r| r.get::<_, i64>(0)).unwrap() as usize
            };
            assert_eq!(
                count("SELECT count(*) FROM interactions WHERE deleted = 0 AND kind = 'call'"),
                self.interactions,
                "{what}: device {device} lacks an interaction"
            );
            assert_eq!(
                count("SELECT count(*) FROM orders WHERE deleted = 0"),
                self.orders,
                "{what}: device {device} lacks an order"
            );
        }
        for phone in &self.forgotten_phones {
            let digits = phone.trim_start_matches('+');
            for device in &self.devices {
                for relative in files(&device.folder) {
                    let bytes = std::fs::read(device.folder.join(&relative)).unwrap_or_default();
                    assert!(
                        !String::from_utf8_lossy(&bytes).contains(digits),
                        "{what}: {} keeps a forgotten phone",
                        relative.display()
                    );
                }
            }
        }
    }
}

/// Twelve rounds of three changes on each device, synced now and then, the tool
/// carrying between two folders at random, with faults; then everyone catches up.
fn rounds(seed: u64, without: u8) {
    let mut team = Harness::new(seed, without);
    for round in 0..12 {
        for device in 0..DEVICES {
            for _ in 0..3 {
                let op = team.rng.u8(..7);
                team.change(device, op);
            }
            if team.rng.bool() {
                team.sync(device);
            }
        }
        let (from, to) = (team.rng.usize(..DEVICES), team.rng.usize(..DEVICES));
        if from != to {
            team.carry(from, to, true);
        }
        if round % 4 == 3 {
            team.carry_all(true);
        }
    }
    team.settle();
    team.assert_converged(&format!("seed {seed} without {without}"));
}

#[test]
fn a_sync_tool_late_doubled_lossy_and_conflicted_still_brings_everyone_to_the_same() {
    for seed in 1..=4 {
        rounds(seed, MERGE);
    }
}

#[test]
fn duplicates_merged_on_three_devices_through_a_faulty_tool_end_the_same() {
    for seed in 1..=4 {
        rounds(seed, FORGET);
    }
}

/// Random steps (device, change, sync or not, carry or not) through a faulty tool.
fn random_steps(steps: Vec<(usize, u8, bool, u8)>, seed: u64, without: u8) {
    let mut team = Harness::new(seed, without);
    for (device, op, sync, carry) in steps {
        team.change(device, op);
        if sync {
            team.sync(device);
        }
        if carry == 0 {
            let to = (device + 1 + seed as usize % 2) % DEVICES;
            team.carry(device, to, true);
        }
    }
    team.settle();
    team.assert_converged("property");
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(12),
        // The cases hang on clocks and timing: a saved case would not replay.
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    /// Random changes and forgets on three replicas, synced in random orders through
    /// a faulty tool, end equal once the tool and the devices have caught up.
    #[test]
    fn random_changes_and_forgets_on_three_replicas_converge(
        steps in proptest::collection::vec((0..DEVICES, 0u8..7, any::<bool>(), 0u8..4), 4..40),
        seed in any::<u64>(),
    ) {
        random_steps(steps, seed, MERGE);
    }

    /// The same with merges of duplicates instead of forgets.
    #[test]
    fn random_changes_and_merges_on_three_replicas_converge(
        steps in proptest::collection::vec((0..DEVICES, 0u8..7, any::<bool>(), 0u8..4), 4..40),
        seed in any::<u64>(),
    ) {
        random_steps(steps, seed, FORGET);
    }
}
