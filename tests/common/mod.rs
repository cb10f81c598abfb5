//! Shared helpers for the command-line tests: every test runs the real binary on its
//! own temporary database, with its own config and data directories, so nothing ever
//! touches the user's home or another test's files.

#![allow(dead_code)]

pub mod team;
pub mod tools;

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use tempfile::TempDir;

pub const BIN: &str = env!("CARGO_BIN_EXE_clientbook");

/// What one run of the binary gave.
#[derive(Debug)]
pub struct Run {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn ok(&self) -> bool {
        self.code == Some(0)
    }
}

impl From<Output> for Run {
    fn from(out: Output) -> Run {
        Run {
            code: out.status.code(),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }
}

/// A sandbox: a temporary directory holding `base.db`, the config and data
/// directories and the temporary directory of the child.
pub struct Sandbox {
    pub dir: TempDir,
    pub db: PathBuf,
}

impl Default for Sandbox {
    fn default() -> Self {
        Self::new()
    }
}

impl Sandbox {
    pub fn new() -> Sandbox {
        let dir = tempfile::tempdir().expect("temporary directory");
        let db = dir.path().join("base.db");
        for sub in ["config", "data", "tmp"] {
            std::fs::create_dir_all(dir.path().join(sub)).unwrap();
        }
        Sandbox { dir, db }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// The binary with the sandbox's environment and database, in English; `args` go
    /// after the global options.
    pub fn command_on(&self, db: &Path, args: &[&str]) -> Command {
        let mut cmd = Command::new(BIN);
        cmd.env_remove("CLIENTBOOK_DB")
            .env_remove("CLIENTBOOK_USER")
            .env_remove("LC_ALL")
            .env_remove("LANG")
            .env("CLIENTBOOK_CONFIG_DIR", self.path().join("config"))
            .env("CLIENTBOOK_DATA_DIR", self.path().join("data"))
            .env("TMPDIR", self.path().join("tmp"))
            .env("USER", "tester")
            .arg("--db")
            .arg(db)
            .args(["--lang", "en"])
            .args(args);
        cmd
    }

    pub fn command(&self, args: &[&str]) -> Command {
        self.command_on(&self.db, args)
    }

    /// Runs the binary on the sandbox's database.
    pub fn run(&self, args: &[&str]) -> Run {
        self.command(args).output().expect("the binary runs").into()
    }

    /// Runs as a manager (`--as LOGIN`).
    pub fn run_as(&self, login: &str, args: &[&str]) -> Run {
        let mut all = vec!["--as", login];
        all.extend_from_slice(args);
        self.run(&all)
    }

    /// Runs as a manager and expects success; returns stdout.
    pub fn ok_as(&self, login: &str, args: &[&str]) -> String {
        let run = self.run_as(login, args);
        assert!(
            run.ok(),
            "`--as {login} {}` failed ({:?}):\n{}",
            args.join(" "),
            run.code,
            run.stderr
        );
        run.stdout
    }

    /// Runs as a manager and expects one JSON document on stdout.
    pub fn json_as(&self, login: &str, args: &[&str]) -> Value {
        let out = self.ok_as(login, args);
        serde_json::from_str(&out).unwrap_or_else(|e| {
            panic!(
                "`--as {login} {}` printed no JSON ({e}):\n{out}",
                args.join(" ")
            )
        })
    }

    /// Runs as a manager and expects a failure; returns the run.
    pub fn fail_as(&self, login: &str, args: &[&str]) -> Run {
        let run = self.run_as(login, args);
        assert!(
            !run.ok() && run.code.is_some(),
            "`--as {login} {}` should have failed, exit {:?}; stdout:\n{}",
            args.join(" "),
            run.code,
            run.stdout
        );
        run
    }

    /// An admin `boss` with managers `alice` and `bob`.
    pub fn team(&self) {
        let init = self.run(&["init", "--manager", "boss", "--name", "Boss"]);
        assert!(init.ok(), "init failed: {}", init.stderr);
        self.ok_as("boss", &["manager", "add", "alice", "--name", "Alice"]);
        self.ok_as("boss", &["manager", "add", "bob", "--name", "Bob"]);
    }

    /// Adds a client as `login` and returns its number.
    pub fn add_client(&self, login: &str, args: &[&str]) -> String {
        let mut all = vec!["client", "add", "--json"];
        all.extend_from_slice(args);
        let added = self.json_as(login, &all);
        added["number"]
            .as_str()
            .unwrap_or_else(|| panic!("no number in {added}"))
            .to_string()
    }

    /// `client show N --json`, as `login`.
    pub fn card(&self, login: &str, number: &str) -> Value {
        self.json_as(login, &["client", "show", number, "--json"])
    }

    /// `client list --json --all` as `login`, with extra arguments.
    pub fn list(&self, login: &str, extra: &[&str]) -> Vec<Value> {
        let mut all = vec!["client", "list", "--json", "--all"];
        all.extend_from_slice(extra);
        match self.json_as(login, &all) {
            Value::Array(rows) => rows,
            other => panic!("client list printed {other}, not an array"),
        }
    }

    /// How many changes the file's change log holds: every write appends to it.
    pub fn change_count(&self) -> i64 {
        let conn = rusqlite::Connection::open(&self.db).unwrap();
        conn.query_row("SELECT count(*) FROM change_log", [], |r| r.get(0))
            .unwrap()
    }
}

/// The client numbers of a listing.
pub fn numbers(rows: &[Value]) -> Vec<String> {
    rows.iter()
        .map(|r| r["number"].as_str().expect("number").to_string())
        .collect()
}

/// The names of a listing.
pub fn names(rows: &[Value]) -> Vec<String> {
    rows.iter()
        .map(|r| r["name"].as_str().unwrap_or_default().to_string())
        .collect()
}

/// Every file in a directory with its bytes, to show that nothing was written there.
pub fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read(&p).unwrap(),
            )
        })
        .collect();
    files.sort();
    files
}

/// Fails, naming the files that differ, when a directory's files changed.
pub fn assert_same_files(before: &[(String, Vec<u8>)], after: &[(String, Vec<u8>)], what: &str) {
    let names = |s: &[(String, Vec<u8>)]| s.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>();
    assert_eq!(
        names(before),
        names(after),
        "{what}: the files in the folder changed"
    );
    for ((name, a), (_, b)) in before.iter().zip(after) {
        assert!(
            a == b,
            "{what}: {name} changed ({} bytes before, {} after)",
            a.len(),
            b.len()
        );
    }
}
