//! Backups: `backup --to` writes a whole, checked copy that opens as the same base;
//! a migration first copies the base it is about to change.

mod common;

use common::Sandbox;
use rusqlite::{Connection, OpenFlags};
use std::path::Path;

fn clients_in(path: &Path) -> i64 {
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    conn.query_row("SELECT count(*) FROM clients", [], |r| r.get(0))
        .unwrap()
}

#[test]
fn a_backup_is_a_checked_copy_of_the_whole_base() {
    let sb = Sandbox::new();
    sb.team();
    for name in ["Анна Копия", "Борис Копия", "Вера Копия"] {
        sb.add_client("alice", &["--name", name]);
    }
    let target = sb.path().join("copies").join("monday.db");
    let done = sb.json_as(
        "boss",
        &["backup", "--to", target.to_str().unwrap(), "--json"],
    );
    assert!(done["bytes"].as_u64().unwrap() > 0);
    assert_eq!(clients_in(&target), 3);
    let out = sb
        .command_on(&target, &["--as", "alice", "client", "list", "--json"])
        .output()
        .unwrap();
    let names = String::from_utf8_lossy(&out.stdout);
    assert!(names.contains("Борис Копия"), "{names}");
    // No partial file is left beside it.
    let left: Vec<_> = std::fs::read_dir(target.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(left.len(), 1, "{left:?}");
    // The base itself is not a place to back up to.
    let run = sb.fail_as("boss", &["backup", "--to", sb.db.to_str().unwrap()]);
    assert!(run.stderr.contains("is a database"), "{}", run.stderr);
}

#[test]
fn a_migration_first_copies_the_base_it_changes() {
    let sb = Sandbox::new();
    sb.team();
    sb.add_client("alice", &["--name", "Дарья Старая"]);
    // As a base written by an older version: v4's, v5's and v6's additions not yet made.
    {
        let conn = Connection::open(&sb.db).unwrap();
        conn.execute_batch(
            "DROP INDEX clients_segments; DROP INDEX tags_by_tag; DROP INDEX orders_by_manager;
             DROP INDEX change_log_by_device; DROP INDEX change_log_by_row; DROP TABLE conflicts;
             ALTER TABLE clients DROP COLUMN search_hash;
             ALTER TABLE segments DROP COLUMN author_id;
             ALTER TABLE clients DROP COLUMN history_orders;
             ALTER TABLE clients DROP COLUMN history_spent_minor;
             ALTER TABLE clients DROP COLUMN history_last_order_at;
             DROP TABLE published_segments;
             DROP TABLE row_homes;
             DROP INDEX clients_merged_into;
             DROP INDEX scheduled_open_by_manager;
             ALTER TABLE clients DROP COLUMN merged_into_id;
             PRAGMA user_version = 3;",
        )
        .unwrap();
    }
    sb.ok_as("alice", &["client", "list"]);
    let backups: Vec<_> = std::fs::read_dir(sb.path().join("data").join("backups"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(backups.len(), 1, "{backups:?}");
    let name = backups[0]
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    assert!(name.starts_with("base-v3-"), "{name}");
    let old = Connection::open_with_flags(&backups[0], OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    let version: i64 = old
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, 3);
    assert_eq!(clients_in(&backups[0]), 1);
    // The base itself is migrated.
    let conn = Connection::open(&sb.db).unwrap();
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert!(version > 3);
}
