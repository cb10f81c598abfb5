//! A local base under faults: a writer killed mid-write, two writers at once, a full
//! disk, a base another process keeps busy. In each case the user gets a clear message
//! and loses nothing that was reported saved.

mod common;

use clientbook::i18n::{tr_in, Lang};
use common::{Run, Sandbox, BIN};
use rusqlite::Connection;
use std::collections::BTreeSet;
use std::io::Read;
use std::os::unix::process::ExitStatusExt;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The sandbox's environment on a command other than the binary (a shell loop of it).
fn in_sandbox(sb: &Sandbox, cmd: &mut Command) {
    cmd.env_remove("CLIENTBOOK_DB")
        .env_remove("CLIENTBOOK_USER")
        .env_remove("LC_ALL")
        .env_remove("LANG")
        .env("CLIENTBOOK_CONFIG_DIR", sb.path().join("config"))
        .env("CLIENTBOOK_DATA_DIR", sb.path().join("data"))
        .env("TMPDIR", sb.path().join("tmp"))
        .env("USER", "tester")
        .env("BIN", BIN)
        .env("DB", &sb.db);
}

/// A base with its admin `boss`, after the day's first run (which has writes of its own).
fn base_with_boss(sb: &Sandbox) {
    let init = sb.run(&["init", "--manager", "boss", "--name", "Boss"]);
    assert!(init.ok(), "init failed: {}", init.stderr);
    sb.ok_as("boss", &["client", "list"]);
}

fn open(sb: &Sandbox) -> Connection {
    Connection::open(&sb.db).unwrap()
}

fn integrity(conn: &Connection) -> String {
    conn.query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap()
}

fn count(conn: &Connection, sql: &str) -> i64 {
    conn.query_row(sql, [], |r| r.get(0)).unwrap()
}

/// A text of the English string table up to its first placeholder.
fn en_prefix(key: &str) -> String {
    let text = tr_in(Lang::En, key);
    text.split('{').next().unwrap().to_string()
}

fn phone(n: usize) -> String {
    format!(
        "+7 917 {:03}-{:02}-{:02}",
        n / 10_000,
        (n / 100) % 100,
        n % 100
    )
}

fn client_add(sb: &Sandbox, name: &str, n: usize) -> Command {
    let email = format!("c{n}@example.com");
    sb.command(&[
        "--as",
        "boss",
        "client",
        "add",
        "--json",
        "--name",
        name,
        "--phone",
        &phone(n),
        "--email",
        &email,
    ])
}

/// The number a finished `client add --json` printed; none for a cut-off output.
fn reported_number(stdout: &[u8]) -> Option<String> {
    let value: serde_json::Value = serde_json::from_slice(stdout).ok()?;
    value["number"].as_str().map(str::to_string)
}

#[test]
fn a_writer_killed_at_random_moments_loses_no_commit_it_reported() {
    const KILLS: usize = 24;
    let sb = Sandbox::new();
    base_with_boss(&sb);
    let (mut reported, mut writers) = (Vec::new(), Vec::new());
    // Kills are spread over a writer's whole life (start, open, its transactions,
    // the commit, the report), so they are placed by how long an uncut one takes.
    let start = Instant::now();
    let first = client_add(&sb, "Writer 0", 0).output().unwrap();
    let life = start.elapsed();
    writers.push(reported_number(&first.stdout).expect("the first writer reports"));
    reported.extend(writers.clone());
    let mut rng = fastrand::Rng::with_seed(0x6b69_6c6c);
    let (mut kills, mut round) = (0, 0);
    while kills < KILLS {
        round += 1;
        assert!(
            round < 20 * KILLS,
            "only {kills} of {round} writers were killed"
        );
        let mut writer = client_add(&sb, &format!("Writer {round}"), round)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        std::thread::sleep(life.mul_f64(0.1 + rng.f64()));
        let _ = writer.kill();
        let out = writer.wait_with_output().unwrap();
        if out.status.signal() == Some(9) {
            kills += 1;
        } else {
            assert!(
                out.status.success(),
                "writer {round} failed: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        if let Some(number) = reported_number(&out.stdout) {
            writers.push(number.clone());
            reported.push(number);
        }

        let conn = open(&sb);
        assert_eq!(
            integrity(&conn),
            "ok",
            "after kill {kills} (writer {round})"
        );
        let present: BTreeSet<String> = conn
            .prepare("SELECT number FROM clients")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        for number in &reported {
            assert!(
                present.contains(number),
                "client {number} was reported saved and is gone after writer {round} was killed"
            );
        }
        assert_eq!(
            count(
                &conn,
                "SELECT count(*) FROM clients c WHERE NOT EXISTS
                 (SELECT 1 FROM change_log l WHERE l.row_uuid = c.uuid AND l.op = 'insert')"
            ),
            0,
            "a client without its change log after writer {round} was killed"
        );
        drop(conn);

        let after = client_add(&sb, &format!("After {round}"), 10_000 + round)
            .output()
            .unwrap();
        let after = Run::from(after);
        assert!(
            after.ok() && after.stderr.is_empty(),
            "the base took no write after writer {round} was killed: {}",
            after.stderr
        );
        reported.push(reported_number(after.stdout.as_bytes()).unwrap());
    }
    // The search index kept up with every commit that survived.
    let found = common::numbers(&sb.list("boss", &["--search", "Writer"]));
    for number in &writers {
        assert!(
            found.contains(number),
            "client {number} is not found by its name"
        );
    }
    // Where the kills landed, for whoever reads the output of a failure.
    eprintln!(
        "{kills} of {round} writers killed; {} killed after their commit, before reporting it",
        found.len() - writers.len()
    );
}

/// `sh` running `log` on client `client` `times` times, each a process of its own.
fn log_loop(sb: &Sandbox, client: &str, tag: &str, times: usize) -> Child {
    let mut cmd = Command::new("sh");
    cmd.arg("-c")
        .arg(
            r#"i=0
            while [ "$i" -lt "$TIMES" ]; do
                i=$((i + 1))
                "$BIN" --db "$DB" --lang en --as boss log "$CLIENT" --kind call \
                    --summary "$TAG $i" >/dev/null || echo "write $TAG $i failed" >&2
            done"#,
        )
        .env("CLIENT", client)
        .env("TAG", tag)
        .env("TIMES", times.to_string())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    in_sandbox(sb, &mut cmd);
    cmd.spawn().unwrap()
}

#[test]
fn two_processes_writing_500_changes_each_at_once_lose_none() {
    const EACH: usize = 500;
    let sb = Sandbox::new();
    base_with_boss(&sb);
    let client = sb.add_client("boss", &["--name", "Shared Client"]);
    // The same client on both sides: its derived facts are rewritten by every change.
    let writers = [
        log_loop(&sb, &client, "A", EACH),
        log_loop(&sb, &client, "B", EACH),
    ];
    for writer in writers {
        let out = writer.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success());
        assert!(stderr.is_empty(), "a writer complained:\n{stderr}");
    }
    let conn = open(&sb);
    assert_eq!(integrity(&conn), "ok");
    let summaries: BTreeSet<String> = conn
        .prepare("SELECT summary FROM interactions WHERE deleted = 0")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let missing: Vec<String> = ["A", "B"]
        .iter()
        .flat_map(|tag| (1..=EACH).map(move |i| format!("{tag} {i}")))
        .filter(|s| !summaries.contains(s))
        .collect();
    assert!(
        missing.is_empty(),
        "{} changes lost: {missing:?}",
        missing.len()
    );
    assert_eq!(summaries.len(), 2 * EACH);
    assert_eq!(
        count(
            &conn,
            "SELECT count(*) FROM change_log WHERE entity = 'interaction'"
        ),
        2 * EACH as i64,
        "every change in the change log, once"
    );
}

fn csv_of(sb: &Sandbox, name: &str, rows: usize) -> std::path::PathBuf {
    let mut text = String::from("Name;Phone;Email\n");
    for i in 0..rows {
        text.push_str(&format!(
            "Imported {i};{};imported{i}@example.com\n",
            phone(20_000 + i)
        ));
    }
    let path = sb.path().join(name);
    std::fs::write(&path, text).unwrap();
    path
}

/// What a write may not leave half of: clients, their contacts, the change log.
fn row_counts(conn: &Connection) -> [i64; 4] {
    [
        count(conn, "SELECT count(*) FROM clients"),
        count(conn, "SELECT count(*) FROM contact_points"),
        count(conn, "SELECT count(*) FROM change_log"),
        count(conn, "SELECT count(*) FROM search_backlog"),
    ]
}

#[test]
fn a_full_disk_saves_an_import_whole_or_not_at_all_and_says_which() {
    const ROWS: usize = 300;
    let sb = Sandbox::new();
    base_with_boss(&sb);
    sb.add_client("boss", &["--name", "Early Client", "--phone", &phone(1)]);
    let csv = csv_of(&sb, "clients.csv", ROWS);
    let csv = csv.to_str().unwrap();
    let (before, pages) = {
        let conn = open(&sb);
        (row_counts(&conn), count(&conn, "PRAGMA page_count"))
    };
    let trial = sb.path().join("trial.db");
    let fresh_trial = || {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", trial.display()));
        }
        std::fs::copy(&sb.db, &trial).unwrap();
        Connection::open(&trial).unwrap()
    };
    let full_size = {
        drop(fresh_trial());
        let run = Run::from(
            sb.command_on(&trial, &["--as", "boss", "import", csv])
                .output()
                .unwrap(),
        );
        assert!(run.ok(), "{}", run.stderr);
        count(&Connection::open(&trial).unwrap(), "PRAGMA page_count")
    };
    // Caps from "not a page more" to almost the size the import needs, as if the disk
    // filled up at different moments of it: before its commit or after (while the
    // search index of the new clients is written, in a transaction of its own).
    let disk_full = tr_in(Lang::En, "error.disk_full");
    let saved_unindexed = en_prefix("import.search_index_later");
    let (mut refused, mut unindexed) = (0, 0);
    for step in 0..16 {
        let cap = pages + (full_size - pages) * step / 16;
        drop(fresh_trial());
        let run = sb
            .command_on(&trial, &["--as", "boss", "import", csv])
            .env("CLIENTBOOK_MAX_PAGES", cap.to_string())
            .output()
            .unwrap();
        let run = Run::from(run);
        let conn = Connection::open(&trial).unwrap();
        assert_eq!(integrity(&conn), "ok", "cap {cap}");
        if run.ok() {
            assert_eq!(row_counts(&conn)[0], before[0] + ROWS as i64, "cap {cap}");
            if run.stderr.contains(&saved_unindexed) {
                unindexed += 1;
            }
        } else {
            assert!(run.stderr.contains(&disk_full), "cap {cap}: {}", run.stderr);
            assert_eq!(
                row_counts(&conn),
                before,
                "cap {cap}: part of the import was kept"
            );
            refused += 1;
        }
        drop(conn);
        // With room again, whatever was saved is found.
        let found = Run::from(
            sb.command_on(
                &trial,
                &[
                    "--as",
                    "boss",
                    "client",
                    "list",
                    "--json",
                    "--all",
                    "--search",
                    "Imported 123",
                ],
            )
            .output()
            .unwrap(),
        );
        assert!(found.ok(), "cap {cap}: {}", found.stderr);
        let found: serde_json::Value = serde_json::from_str(&found.stdout).unwrap();
        let expected = if run.ok() { 1 } else { 0 };
        assert_eq!(
            found.as_array().unwrap().len(),
            expected,
            "cap {cap}: {found}"
        );
    }
    assert!(
        refused > 0 && unindexed > 0,
        "{refused} refused, {unindexed} saved before the index"
    );

    // The same import on the real base: refused when full, done once there is room.
    let full = sb
        .command(&["--as", "boss", "import", csv])
        .env("CLIENTBOOK_MAX_PAGES", pages.to_string())
        .output()
        .unwrap();
    let full = Run::from(full);
    assert!(
        !full.ok() && full.stderr.contains(&disk_full),
        "{}",
        full.stderr
    );
    assert_eq!(
        row_counts(&open(&sb)),
        before,
        "part of the import was kept"
    );
    let roomy = sb.ok_as("boss", &["import", csv]);
    assert!(roomy.contains(&ROWS.to_string()), "{roomy}");
    assert_eq!(row_counts(&open(&sb))[0], before[0] + ROWS as i64);
}

/// A process to be stopped (SIGSTOP) in the middle of its work; let go and reaped
/// however the test ends, so a failing test leaves no frozen process behind.
struct Stoppable(Option<Child>);

impl Stoppable {
    fn pid(&self) -> u32 {
        self.0.as_ref().unwrap().id()
    }

    fn signal(&self, name: &str) {
        let status = Command::new("kill")
            .args([name, &self.pid().to_string()])
            .status()
            .unwrap();
        assert!(status.success(), "kill {name} failed");
    }

    /// Lets it go on; `stderr` is what it has left to say there.
    fn resume(mut self, mut stderr: impl Read) -> Run {
        self.signal("-CONT");
        let mut said = String::new();
        stderr.read_to_string(&mut said).unwrap();
        let mut run = Run::from(self.0.take().unwrap().wait_with_output().unwrap());
        run.stderr = said;
        run
    }
}

impl Drop for Stoppable {
    fn drop(&mut self) {
        if let Some(mut child) = self.0.take() {
            let _ = Command::new("kill")
                .args(["-CONT", &child.id().to_string()])
                .status();
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// Whether another connection holds the write lock right now.
fn write_lock_taken(sb: &Sandbox) -> bool {
    let conn = open(sb);
    conn.busy_timeout(Duration::ZERO).unwrap();
    let taken = conn.execute_batch("BEGIN IMMEDIATE").is_err();
    let _ = conn.execute_batch("ROLLBACK");
    taken
}

#[test]
fn a_base_busy_past_the_timeout_names_who_holds_it_and_changes_nothing() {
    let sb = Sandbox::new();
    base_with_boss(&sb);
    // Large enough to report progress (every 10 000 rows) while still writing.
    let csv = csv_of(&sb, "big.csv", 12_000);
    let mut import = sb
        .command(&["--as", "boss", "import", csv.to_str().unwrap()])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut progress = import.stderr.take().unwrap();
    let import = Stoppable(Some(import));
    let mut seen = Vec::new();
    let mut chunk = [0u8; 256];
    while !String::from_utf8_lossy(&seen).contains("10000") {
        let n = progress.read(&mut chunk).unwrap();
        assert!(
            n > 0,
            "the import ended without progress: {}",
            String::from_utf8_lossy(&seen)
        );
        seen.extend_from_slice(&chunk[..n]);
    }
    import.signal("-STOP");
    assert!(
        write_lock_taken(&sb),
        "the import was no longer writing when it was stopped"
    );
    let clients_before = count(&open(&sb), "SELECT count(*) FROM clients");

    let waiter = sb
        .command(&[
            "--as",
            "boss",
            "client",
            "add",
            "--name",
            "Impatient Writer",
        ])
        .env("CLIENTBOOK_BUSY_TIMEOUT_MS", "1000")
        .output()
        .unwrap();
    let waiter = Run::from(waiter);
    assert!(!waiter.ok(), "wrote into a busy base: {}", waiter.stdout);
    let pid = import.pid().to_string();
    for part in [
        en_prefix("error.busy_held_by").as_str(),
        "waited 1 s",
        pid.as_str(),
        "clientbook import",
        "big.csv",
        "boss",
    ] {
        assert!(
            waiter.stderr.contains(part),
            "the busy message lacks `{part}`: {}",
            waiter.stderr
        );
    }
    // Reading does not wait for the writer.
    let listed = sb
        .command(&["--as", "boss", "client", "list", "--json", "--all"])
        .env("CLIENTBOOK_BUSY_TIMEOUT_MS", "1000")
        .output()
        .unwrap();
    let listed = Run::from(listed);
    assert!(
        listed.ok(),
        "a read failed on a busy base: {}",
        listed.stderr
    );

    let import = import.resume(progress);
    assert!(
        import.ok(),
        "the import failed after the wait: {}",
        import.stderr
    );
    let conn = open(&sb);
    assert_eq!(
        count(&conn, "SELECT count(*) FROM clients"),
        clients_before + 12_000
    );
    assert_eq!(
        count(
            &conn,
            "SELECT count(*) FROM change_log WHERE fields LIKE '%Impatient%'"
        ),
        0,
        "the refused write left a trace"
    );
    assert!(
        !sb.path().join("base.db-writer").exists(),
        "the holder's note outlived its write"
    );
}

/// The write lock held by a plain SQLite connection: no clientbook, so no note.
fn hold_lock(sb: &Sandbox) -> Connection {
    let conn = open(sb);
    conn.execute_batch("BEGIN IMMEDIATE").unwrap();
    conn
}

#[test]
fn a_short_hold_is_waited_out_without_a_word() {
    let sb = Sandbox::new();
    base_with_boss(&sb);
    let holder = hold_lock(&sb);
    let writer = sb
        .command(&[
            "--as",
            "boss",
            "client",
            "add",
            "--json",
            "--name",
            "Patient Writer",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(500));
    holder.execute_batch("COMMIT").unwrap();
    let out = Run::from(writer.wait_with_output().unwrap());
    assert!(out.ok() && out.stderr.is_empty(), "{}", out.stderr);
    let number = reported_number(out.stdout.as_bytes()).unwrap();
    let card = sb.card("boss", &number);
    assert!(card.to_string().contains("Patient"), "{card}");
}

#[test]
fn a_busy_base_with_a_stale_note_says_busy_without_naming_the_dead() {
    let sb = Sandbox::new();
    base_with_boss(&sb);
    // A clientbook that died holding the lock left its note.
    let mut gone = Command::new("true").spawn().unwrap();
    gone.wait().unwrap();
    std::fs::write(
        sb.path().join("base.db-writer"),
        format!(
            "pid={}\ncommand=clientbook import old.csv\nlogin=boss\nsince=0\n",
            gone.id()
        ),
    )
    .unwrap();
    let before = row_counts(&open(&sb));
    let holder = hold_lock(&sb);
    let waiter = sb
        .command(&["--as", "boss", "client", "add", "--name", "Blocked Writer"])
        .env("CLIENTBOOK_BUSY_TIMEOUT_MS", "500")
        .output()
        .unwrap();
    drop(holder);
    let waiter = Run::from(waiter);
    assert!(!waiter.ok());
    let expected = tr_in(Lang::En, "error.busy").replace("{seconds}", "0.5");
    assert!(
        waiter.stderr.contains(&expected) && !waiter.stderr.contains("old.csv"),
        "{}",
        waiter.stderr
    );
    assert_eq!(
        row_counts(&open(&sb)),
        before,
        "the refused write left a trace"
    );
}
