//! The shared folder itself (SPEC §7): devices writing at once into one physical
//! folder (the network-share case) — three devices each add clients as fast as they
//! can while a watcher copies every file it sees; every copy of the team file it ever
//! caught is a whole, checked, self-contained base with no device's local state, and
//! after a last sync no write is missing anywhere. And a forgotten client leaves no
//! trace in any file under the folder, the copies moved aside included.

mod common;

use common::team::Team;
use std::collections::BTreeSet;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;

const DEVICES: usize = 3;
const WRITES: usize = 100;
const RUNS: usize = 10;

/// What a copy of a file in the shared folder must be, if it is a base at all.
fn check_snapshot(copy: &Path) -> Result<(), String> {
    let bytes = std::fs::read(copy).map_err(|e| e.to_string())?;
    if bytes.len() < 100 {
        return Err(format!("a team file of {} bytes", bytes.len()));
    }
    if &bytes[..16] != b"SQLite format 3\0" {
        return Err("not an SQLite file".into());
    }
    if bytes[18] != 1 || bytes[19] != 1 {
        return Err("published in WAL mode".into());
    }
    let conn =
        rusqlite::Connection::open_with_flags(copy, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .map_err(|e| e.to_string())?;
    let check: String = conn
        .query_row("PRAGMA quick_check", [], |r| r.get(0))
        .map_err(|e| e.to_string())?;
    if check != "ok" {
        return Err(format!("quick_check: {check}"));
    }
    let local: i64 = conn
        .query_row("SELECT count(*) FROM local_state", [], |r| r.get(0))
        .map_err(|e| e.to_string())?;
    if local != 0 {
        return Err(format!("{local} rows of a device's local state"));
    }
    Ok(())
}

/// Copies every file under `dir` it finds (temporary files of a writer aside),
/// checking each copy: a snapshot must be a whole, checked base, a segment a whole
/// segment (its checksum matches); until told to stop. Returns what was wrong.
fn watch(dir: &Path, scratch: &Path, stop: &AtomicBool, checked: &AtomicUsize) -> Vec<String> {
    let mut problems = Vec::new();
    let mut n = 0u64;
    while !stop.load(Ordering::Relaxed) {
        for path in files_under(dir) {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            if clientbook::store::sync::folder::is_temporary(&name) {
                continue;
            }
            n += 1;
            let copy = scratch.join(format!("seen-{n}"));
            // A file renamed away between listing and copying is no problem.
            if std::fs::copy(&path, &copy).is_err() {
                continue;
            }
            let verdict = if name.ends_with(".seg") {
                let bytes = std::fs::read(&copy).unwrap_or_default();
                clientbook::store::sync::segments::check(&bytes)
                    .map_err(|e| format!("a segment that is not whole: {e:?}"))
            } else if name.ends_with(".db") {
                check_snapshot(&copy)
            } else {
                Err("a file nobody should write here".to_string())
            };
            if let Err(problem) = verdict {
                problems.push(format!("copy {n} of {}: {problem}", path.display()));
            }
            checked.fetch_add(1, Ordering::Relaxed);
            let _ = std::fs::remove_file(&copy);
        }
    }
    problems
}

#[test]
fn three_devices_writing_at_once_into_one_folder_lose_nothing_and_tear_nothing() {
    for run in 0..RUNS {
        let team = Arc::new(Team::founded());
        let scratch = tempfile::tempdir().unwrap();
        let stop = Arc::new(AtomicBool::new(false));
        let checked = Arc::new(AtomicUsize::new(0));
        let watcher = {
            let (shared, scratch) = (team.shared(), scratch.path().to_path_buf());
            let (stop, checked) = (stop.clone(), checked.clone());
            std::thread::spawn(move || watch(&shared, &scratch, &stop, &checked))
        };
        let writers: Vec<_> = (1..=DEVICES)
            .map(|device| {
                let team = team.clone();
                std::thread::spawn(move || {
                    for i in 0..WRITES {
                        let name = format!("Устройство{device} Клиент{i:02}");
                        let out = team.run_on(device, &["client", "add", "--name", &name]);
                        assert!(
                            out.ok(),
                            "run {run}, device {device}, write {i}: {}",
                            out.stderr
                        );
                    }
                })
            })
            .collect();
        for writer in writers {
            writer.join().expect("a writer failed");
        }
        stop.store(true, Ordering::Relaxed);
        let problems = watcher.join().unwrap();
        assert!(problems.is_empty(), "run {run}: {problems:#?}");
        assert!(
            checked.load(Ordering::Relaxed) > DEVICES,
            "the watcher saw the folder's files"
        );
        // Two rounds: the first brings every device's writes into the team file, the
        // second brings the team file to every device.
        for _ in 0..2 {
            for device in 1..=DEVICES {
                team.sync(device);
            }
        }
        let hashes: BTreeSet<String> = (1..=DEVICES).map(|d| team.hash(d)).collect();
        assert_eq!(hashes.len(), 1, "run {run}: the devices differ: {hashes:?}");
        for device in 1..=DEVICES {
            let rows = team.json(device, &["client", "list", "--json", "--all"]);
            let names: BTreeSet<String> = rows
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r["name"].as_str().unwrap().to_string())
                .collect();
            for writer in 1..=DEVICES {
                for i in 0..WRITES {
                    let name = format!("Устройство{writer} Клиент{i:02}");
                    assert!(
                        names.contains(&name),
                        "run {run}: device {device} lacks {name}"
                    );
                }
            }
        }
        // Nothing half-written stays in the folder.
        let leftovers: Vec<String> = files_under(&team.shared())
            .into_iter()
            .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".tmp") || n.contains("partial"))
            .collect();
        assert!(leftovers.is_empty(), "run {run}: {leftovers:?}");
    }
}

/// Every file under `dir`, recursively.
fn files_under(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        // A folder may go while it is walked (the watcher walks a live folder).
        for entry in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push(path);
            }
        }
    }
    out
}

#[test]
fn a_forgotten_client_leaves_no_trace_in_the_folder_nor_in_the_copies_moved_aside() {
    let team = Team::founded();
    let phone = "+79035550147";
    team.on(
        2,
        &[
            "client",
            "edit",
            "3",
            "--phone",
            phone,
            "--notes",
            "Секретная заметка",
        ],
    );
    // A sync tool kept device 2's publish as a conflict copy, which device 1 merges
    // and moves into .clientbook/merged/.
    let before = std::fs::read(team.team_file()).unwrap();
    let copy = team
        .shared()
        .join("base.sync-conflict-20261204-101500-ABCDEFG.db");
    std::fs::rename(team.team_file(), &copy).unwrap();
    std::fs::write(team.team_file(), &before).unwrap();
    team.sync(1);
    assert!(
        team.shared()
            .join(".clientbook/merged")
            .read_dir()
            .unwrap()
            .count()
            > 0
    );
    team.on(1, &["client", "forget", "3"]);
    for device in [2, 3, 1] {
        team.sync(device);
    }
    let digits = phone.trim_start_matches('+');
    for file in files_under(&team.shared()) {
        let bytes = std::fs::read(&file).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        assert!(
            !text.contains(digits) && !text.contains("Секретная заметка"),
            "{} still holds the forgotten client",
            file.display()
        );
    }
}
