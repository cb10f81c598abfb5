//! A team on one synced file (SPEC §7): three devices, each with its own config and
//! data directories, sharing `shared/base.db`. Devices edit while the folder is out of
//! reach, then sync in every order; a sync tool's conflict copy under each naming
//! style is merged too. Every copy must end with the same content, every edit kept,
//! one conflict per same-field clash, and a second merge must change nothing.

mod common;

use common::team::Team;
use common::{Run, BIN};
use std::path::Path;
use std::process::Command;

/// Offline edits of all kinds on three devices: different clients, different fields
/// of one client, one field of one client on two devices, an interaction on each side,
/// a delete (a merge of duplicates) against an edit, a forget against an edit.
fn offline_edits(team: &Team) {
    team.on(1, &["client", "edit", "1", "--city", "Москва"]);
    team.on(2, &["client", "edit", "2", "--city", "Казань"]);
    team.on(1, &["client", "edit", "3", "--source", "referral"]);
    team.on(2, &["client", "edit", "3", "--city", "Сочи"]);
    team.on(2, &["client", "edit", "4", "--city", "Омск"]);
    team.on(3, &["client", "edit", "4", "--city", "Томск"]);
    team.on(
        1,
        &[
            "log",
            "5",
            "--kind",
            "call",
            "--summary",
            "звонок с первого",
        ],
    );
    team.on(
        3,
        &[
            "log",
            "5",
            "--kind",
            "note",
            "--summary",
            "заметка с третьего",
        ],
    );
    team.on(1, &["merge", "1", "6"]);
    team.on(2, &["client", "edit", "6", "--city", "Самара"]);
    team.on(1, &["client", "forget", "7"]);
    team.on(
        3,
        &[
            "client",
            "edit",
            "7",
            "--city",
            "Пермь",
            "--notes",
            "любит чай",
        ],
    );
}

fn assert_everything_kept(team: &Team, device: usize) {
    assert_eq!(team.client(device, "1")["city"], "Москва");
    assert_eq!(team.client(device, "2")["city"], "Казань");
    let third = team.client(device, "3");
    assert_eq!(
        (third["city"].as_str(), third["source"].as_str()),
        (Some("Сочи"), Some("referral"))
    );
    // One of the two cities won; the other waits as a conflict.
    let fourth = team.client(device, "4")["city"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(fourth == "Омск" || fourth == "Томск", "{fourth}");
    let fifth = team.client(device, "5");
    let summaries: Vec<&str> = fifth["interactions"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|i| i["summary"].as_str())
        .collect();
    assert!(summaries.contains(&"звонок с первого"), "{summaries:?}");
    assert!(summaries.contains(&"заметка с третьего"), "{summaries:?}");
    // The duplicate merged away stays deleted whatever was edited on it meanwhile.
    assert!(!team.run_on(device, &["client", "show", "6"]).ok());
    // Forgetting wins over the edit made without knowing of it.
    let seventh = team.client(device, "7");
    assert_eq!(seventh["forgotten"], true);
    assert!(
        seventh["city"].is_null() && seventh["notes"].is_null(),
        "{seventh}"
    );
    let conflicts = team.conflicts(device);
    assert_eq!(conflicts.len(), 1, "{conflicts:?}");
    assert_eq!(conflicts[0]["field"], "city");
    assert_eq!(conflicts[0]["kept"], fourth);
}

#[test]
fn three_devices_end_equal_whatever_order_they_publish_in() {
    for order in [
        [1, 2, 3],
        [1, 3, 2],
        [2, 1, 3],
        [2, 3, 1],
        [3, 1, 2],
        [3, 2, 1],
    ] {
        let team = Team::founded();
        let away = team.offline();
        offline_edits(&team);
        team.online(&away);
        // Each publishes in turn, then each takes in what came after it.
        for device in order {
            team.sync(device);
        }
        for device in order {
            team.sync(device);
        }
        let hashes: Vec<String> = (1..=3).map(|d| team.hash(d)).collect();
        assert!(
            hashes.iter().all(|h| *h == hashes[0]),
            "order {order:?}: {hashes:?}"
        );
        for device in 1..=3 {
            assert_everything_kept(&team, device);
        }
        // Merging again changes nothing.
        let again = team.sync(order[0]);
        assert_eq!(again["report"]["came_in"]["changes"], 0);
        assert_eq!(team.hash(order[0]), hashes[0]);
    }
}

#[test]
fn a_conflict_copy_under_each_sync_tools_name_is_merged_and_moved_aside() {
    for copy_name in [
        "base.sync-conflict-20261122-101500-ABCDEFG.db",
        "base (Ivan's conflicted copy 2026-11-22).db",
        "base_conflict-20261122-101500.db",
        "base-LAPTOP7.db",
    ] {
        let team = Team::founded();
        let before = std::fs::read(team.team_file()).unwrap();
        team.on(2, &["client", "edit", "2", "--city", "Казань"]);
        // Two devices replaced the file at once: the sync tool kept device 2's as a
        // conflict copy and the old file as the team file.
        std::fs::rename(team.team_file(), team.shared().join(copy_name)).unwrap();
        std::fs::write(team.team_file(), &before).unwrap();
        team.on(1, &["client", "edit", "1", "--city", "Москва"]);
        // That command's own sync found the copy and merged it.
        assert_eq!(team.client(1, "2")["city"], "Казань", "{copy_name}");
        assert!(!team.shared().join(copy_name).exists());
        assert!(team
            .shared()
            .join(".clientbook/merged")
            .join(copy_name)
            .exists());
        for device in [2, 3, 1] {
            team.sync(device);
        }
        for device in 1..=3 {
            assert_eq!(team.client(device, "1")["city"], "Москва", "{copy_name}");
            assert_eq!(team.client(device, "2")["city"], "Казань", "{copy_name}");
        }
        let hashes: Vec<String> = (1..=3).map(|d| team.hash(d)).collect();
        assert!(
            hashes.iter().all(|h| *h == hashes[0]),
            "{copy_name}: {hashes:?}"
        );
        // The same copy again brings nothing new and is moved aside again.
        std::fs::copy(
            team.shared().join(".clientbook/merged").join(copy_name),
            team.shared().join(copy_name),
        )
        .unwrap();
        let again = team.sync(3);
        assert_eq!(again["report"]["came_in"]["changes"], 0, "{again}");
        assert_eq!(team.hash(3), hashes[0]);
    }
}

#[test]
fn a_copy_of_another_base_a_torn_or_foreign_file_is_reported_and_left_alone() {
    let team = Team::founded();
    let other = Team::founded();
    let strangers = [
        (
            "base-OTHERBASE.db",
            std::fs::read(other.team_file()).unwrap(),
        ),
        ("base_conflict-20261122-101500.db", {
            let mut torn = std::fs::read(team.team_file()).unwrap();
            torn.truncate(torn.len() / 3);
            torn
        }),
        (
            "base.sync-conflict-20261122-101500-ABCDEFG.db",
            b"just some text".to_vec(),
        ),
    ];
    for (name, bytes) in &strangers {
        std::fs::write(team.shared().join(name), bytes).unwrap();
    }
    let hash = team.hash(1);
    let report = team.sync(1);
    let refused: Vec<String> = report["report"]["copies_refused"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r[0].as_str().unwrap().to_string())
        .collect();
    assert_eq!(refused.len(), 3, "{report}");
    for (name, bytes) in &strangers {
        assert!(refused.contains(&name.to_string()), "{name}: {report}");
        assert_eq!(
            &std::fs::read(team.shared().join(name)).unwrap(),
            bytes,
            "{name}"
        );
    }
    assert_eq!(team.hash(1), hash);
}

/// Device 2's segments, by file.
fn segments_of(team: &Team, device: usize) -> Vec<std::path::PathBuf> {
    let changes = team.shared().join(".clientbook/changes");
    let mut found = Vec::new();
    for dir in std::fs::read_dir(&changes).unwrap().flatten() {
        for file in std::fs::read_dir(dir.path()).unwrap().flatten() {
            found.push(file.path());
        }
    }
    let device_id = std::fs::read_to_string(
        team.dir
            .path()
            .join(format!("device{device}/config/device-id")),
    )
    .unwrap();
    found.retain(|p| p.to_string_lossy().contains(device_id.trim()));
    found.sort();
    found
}

#[test]
fn a_lost_segment_or_snapshot_is_noticed_and_published_again() {
    let team = Team::founded();
    team.on(2, &["client", "edit", "2", "--city", "Казань"]);
    // The sync tool deleted device 2's segment, then tore its copy of the next one.
    let published = segments_of(&team, 2);
    assert_eq!(published.len(), 1, "{published:?}");
    std::fs::remove_file(&published[0]).unwrap();
    team.sync(2);
    assert!(published[0].exists(), "device 2 wrote it again");
    team.on(2, &["client", "edit", "3", "--city", "Сочи"]);
    let second = segments_of(&team, 2).pop().unwrap();
    let bytes = std::fs::read(&second).unwrap();
    std::fs::write(&second, &bytes[..bytes.len() / 2]).unwrap();
    let torn = team.sync(3);
    assert!(torn.to_string().contains("cut short"), "{torn}");
    team.sync(2);
    team.sync(3);
    assert_eq!(team.client(3, "2")["city"], "Казань");
    assert_eq!(team.client(3, "3")["city"], "Сочи");
    // The snapshot deleted: the next sync writes it again.
    std::fs::remove_file(team.team_file()).unwrap();
    let report = team.sync(1);
    assert!(report["report"]["published"].is_object(), "{report}");
    assert!(team.team_file().exists());
}

#[test]
fn a_broken_team_file_is_refused_with_its_name_and_left_as_it_was() {
    let team = Team::founded();
    let good = std::fs::read(team.team_file()).unwrap();
    let mut newer = {
        let scratch = team.dir.path().join("newer.db");
        std::fs::write(&scratch, &good).unwrap();
        let conn = rusqlite::Connection::open(&scratch).unwrap();
        conn.pragma_update(None, "user_version", 99).unwrap();
        drop(conn);
        std::fs::read(&scratch).unwrap()
    };
    newer.truncate(newer.len());
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("truncated", good[..good.len() / 2].to_vec()),
        ("text", b"name,phone\nIvan,+7999\n".to_vec()),
        ("newer schema", newer),
    ];
    team.on(1, &["client", "edit", "1", "--city", "Москва"]);
    for (what, bytes) in cases {
        std::fs::write(team.team_file(), &bytes).unwrap();
        let run = team.run_on(1, &["sync"]);
        // Named and left as it is; the segments go on carrying the team's changes.
        assert!(
            run.stdout.contains("base.db"),
            "{what}: the report names the file: {}",
            run.stdout
        );
        assert_eq!(std::fs::read(team.team_file()).unwrap(), bytes, "{what}");
        // Work goes on on the replica meanwhile.
        assert_eq!(team.client(1, "1")["city"], "Москва");
    }
    // A journal beside the team file: someone opened it in place.
    std::fs::write(team.team_file(), &good).unwrap();
    for sidecar in ["base.db-journal", "base.db-wal"] {
        std::fs::write(team.shared().join(sidecar), b"stray").unwrap();
        let run = team.run_on(1, &["sync"]);
        assert!(run.stdout.contains(sidecar), "{sidecar}: {}", run.stdout);
        assert_eq!(std::fs::read(team.team_file()).unwrap(), good);
        std::fs::remove_file(team.shared().join(sidecar)).unwrap();
    }
    team.sync(1);
    team.sync(2);
    assert_eq!(team.client(2, "1")["city"], "Москва");
}

#[test]
fn a_device_with_its_clock_a_day_behind_still_wins_with_a_later_edit() {
    let team = Team::founded();
    team.on(1, &["client", "edit", "1", "--city", "Москва"]);
    // Device 3's clock is a day behind; it has seen device 1's edit before its own.
    let late = |args: &[&str]| {
        let run: Run = team
            .command(3, &team.team_file(), args)
            .env("CLIENTBOOK_CLOCK_OFFSET_MS", (-86_400_000i64).to_string())
            .output()
            .unwrap()
            .into();
        assert!(run.ok(), "{}", run.stderr);
    };
    late(&["sync"]);
    late(&["client", "edit", "1", "--city", "Тула"]);
    for device in [1, 2, 3] {
        team.sync(device);
        assert_eq!(team.client(device, "1")["city"], "Тула");
        assert!(team.conflicts(device).is_empty());
    }
}

#[test]
fn a_conflict_is_decided_once_for_every_copy() {
    let team = Team::founded();
    let away = team.offline();
    team.on(2, &["client", "edit", "4", "--city", "Омск"]);
    team.on(3, &["client", "edit", "4", "--city", "Томск"]);
    team.online(&away);
    for device in [2, 3, 2] {
        team.sync(device);
    }
    let conflicts = team.conflicts(2);
    assert_eq!(conflicts.len(), 1);
    let kept = conflicts[0]["kept"].as_str().unwrap().to_string();
    let other = conflicts[0]["other"].as_str().unwrap().to_string();
    let id = conflicts[0]["id"].as_str().unwrap().to_string();
    team.on(2, &["conflicts", "--take", &id[..8]]);
    assert_eq!(team.client(2, "4")["city"], other.as_str());
    for device in [3, 1] {
        team.sync(device);
        assert!(team.conflicts(device).is_empty());
        assert_eq!(team.client(device, "4")["city"], other.as_str());
    }
    assert_ne!(kept, other);
}

#[test]
fn a_team_folder_this_device_may_not_write_is_read_and_said_so_and_work_goes_on() {
    use std::os::unix::fs::PermissionsExt;
    let setpriv = common::tools::system("setpriv");
    let team = Team::founded();
    // Device 4 runs as `nobody`: it may read the shared folder, not write it.
    let chmod = |p: &Path, mode| std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode));
    chmod(team.dir.path(), 0o755).unwrap();
    chmod(&team.shared(), 0o755).unwrap();
    chmod(&team.team_file(), 0o644).unwrap();
    let own = team.dir.path().join("device4");
    std::fs::create_dir_all(&own).unwrap();
    chmod(&own, 0o777).unwrap();
    let nobody = |args: &[&str]| -> Run {
        let mut cmd = Command::new(&setpriv);
        cmd.args(["--reuid=65534", "--regid=65534", "--clear-groups"])
            .arg(BIN)
            .env_remove("CLIENTBOOK_DB")
            .env_remove("CLIENTBOOK_USER")
            .env("CLIENTBOOK_CONFIG_DIR", own.join("config"))
            .env("CLIENTBOOK_DATA_DIR", own.join("data"))
            .env("TMPDIR", &own)
            .arg("--db")
            .arg(team.team_file())
            .args(["--lang", "en", "--as", "boss"])
            .args(args);
        cmd.output().unwrap().into()
    };
    let joined = nobody(&["client", "list"]);
    assert!(
        !joined.stderr.contains("setpriv:"),
        "setpriv cannot change user here: {}",
        joined.stderr
    );
    assert!(joined.ok(), "{}", joined.stderr);
    assert!(joined.stdout.contains("Иванов"), "{}", joined.stdout);
    let before = std::fs::read(team.team_file()).unwrap();
    // The edit is kept on this device's copy; publishing it is refused, and said so.
    let edited = nobody(&["client", "edit", "1", "--city", "Псков"]);
    assert!(edited.ok(), "{}", edited.stderr);
    assert!(
        edited.stderr.contains("cannot be written") && edited.stderr.contains("shared"),
        "{}",
        edited.stderr
    );
    let sync = nobody(&["sync"]);
    assert!(
        !sync.ok() && sync.stderr.contains("cannot be written"),
        "{}",
        sync.stderr
    );
    assert_eq!(std::fs::read(team.team_file()).unwrap(), before);
    let shown = nobody(&["client", "show", "1", "--json"]);
    assert!(shown.stdout.contains("Псков"), "{}", shown.stdout);
    let leftovers: Vec<_> = std::fs::read_dir(team.shared())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n != "base.db" && n != ".clientbook")
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn merged_clients_keep_their_manager_and_who_may_see_them() {
    let team = Team::founded();
    team.on(1, &["manager", "add", "alice", "--name", "Alice"]);
    team.on(1, &["manager", "add", "bob", "--name", "Bob"]);
    let out = team.on(
        1,
        &[
            "client",
            "add",
            "--name",
            "Орлова Вера",
            "--manager",
            "alice",
        ],
    );
    let number = out
        .split_whitespace()
        .last()
        .unwrap()
        .trim_end_matches('.')
        .to_string();
    // Device 2 learns of them only by merging.
    team.sync(2);
    let as_who = |login: &str, args: &[&str]| -> Run {
        team.command_as(2, &team.team_file(), login, args)
            .output()
            .unwrap()
            .into()
    };
    let alice = as_who("alice", &["client", "show", &number, "--json"]);
    assert!(
        alice.ok() && alice.stdout.contains("Орлова"),
        "{}",
        alice.stderr
    );
    let bob = as_who("bob", &["client", "show", &number]);
    assert!(
        !bob.ok() && bob.stderr.contains("no such client"),
        "{}",
        bob.stderr
    );
    assert_eq!(team.client(2, &number)["manager"], "alice");
}

#[test]
fn the_same_login_made_on_two_devices_out_of_touch_is_kept_twice_not_a_stuck_merge() {
    let team = Team::founded();
    let away = team.offline();
    team.on(2, &["manager", "add", "petrov", "--name", "Пётр Петров"]);
    team.on(3, &["manager", "add", "petrov", "--name", "Павел Петров"]);
    team.online(&away);
    for device in [2, 3, 2, 1] {
        team.sync(device);
    }
    let hashes: Vec<String> = (1..=3).map(|d| team.hash(d)).collect();
    assert!(hashes.iter().all(|h| *h == hashes[0]), "{hashes:?}");
    let managers = team.json(1, &["manager", "list", "--json"]);
    let petrovs: Vec<(String, String)> = managers
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["login"].as_str().unwrap().starts_with("petrov"))
        .map(|m| {
            (
                m["login"].as_str().unwrap().to_string(),
                m["name"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(petrovs.len(), 2, "{petrovs:?}");
    // The one made first keeps the login; the other's is told apart.
    assert!(
        petrovs
            .iter()
            .any(|(l, n)| l == "petrov" && n == "Пётр Петров"),
        "{petrovs:?}"
    );
    assert!(
        petrovs.iter().any(|(l, _)| l.starts_with("petrov-")),
        "{petrovs:?}"
    );
}

#[test]
fn deciding_a_conflict_that_is_not_there_or_syncing_a_base_never_shared_says_so() {
    let team = Team::founded();
    let hash = team.hash(1);
    let run = team.run_on(1, &["conflicts", "--take", "deadbeef"]);
    assert!(
        !run.ok() && run.stderr.contains("no such open conflict: deadbeef"),
        "{}",
        run.stderr
    );
    assert_eq!(team.hash(1), hash);
    // The base device 1 shared stays a plain local base: no team file to sync with.
    let local = team.dir.path().join("local.db");
    let run: Run = team.command(1, &local, &["sync"]).output().unwrap().into();
    assert!(
        !run.ok() && run.stderr.contains("share it first"),
        "{}",
        run.stderr
    );
}
