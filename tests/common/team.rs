//! A team of devices on one shared folder, for the sharing tests: every device runs
//! the real binary with its own config and data directories.

use super::{Run, BIN};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;
use tempfile::TempDir;

/// Devices of one team, each with its own config and data directories, sharing the
/// folder `shared/` (one physical folder, as on a network share).
pub struct Team {
    pub dir: TempDir,
}

impl Team {
    pub fn new() -> Team {
        let dir = tempfile::tempdir().unwrap();
        for sub in ["shared", "tmp"] {
            std::fs::create_dir_all(dir.path().join(sub)).unwrap();
        }
        Team { dir }
    }

    pub fn shared(&self) -> PathBuf {
        self.dir.path().join("shared")
    }

    pub fn team_file(&self) -> PathBuf {
        self.shared().join("base.db")
    }

    pub fn command(&self, device: usize, db: &Path, args: &[&str]) -> Command {
        self.command_as(device, db, "boss", args)
    }

    pub fn command_as(&self, device: usize, db: &Path, login: &str, args: &[&str]) -> Command {
        let root = self.dir.path().join(format!("device{device}"));
        let mut cmd = Command::new(BIN);
        cmd.env_remove("CLIENTBOOK_DB")
            .env_remove("CLIENTBOOK_USER")
            .env_remove("LC_ALL")
            .env_remove("LANG")
            .env("CLIENTBOOK_CONFIG_DIR", root.join("config"))
            .env("CLIENTBOOK_DATA_DIR", root.join("data"))
            .env("TMPDIR", self.dir.path().join("tmp"))
            .env("USER", "tester")
            .arg("--db")
            .arg(db)
            .args(["--lang", "en", "--as", login])
            .args(args);
        cmd
    }

    /// Runs a command on a device's replica of the team file; it must succeed.
    pub fn on(&self, device: usize, args: &[&str]) -> String {
        let run: Run = self
            .command(device, &self.team_file(), args)
            .output()
            .unwrap()
            .into();
        assert!(
            run.ok(),
            "device {device}: `{}` failed:\n{}",
            args.join(" "),
            run.stderr
        );
        run.stdout
    }

    pub fn run_on(&self, device: usize, args: &[&str]) -> Run {
        self.command(device, &self.team_file(), args)
            .output()
            .unwrap()
            .into()
    }

    pub fn json(&self, device: usize, args: &[&str]) -> Value {
        let out = self.on(device, args);
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("no JSON ({e}):\n{out}"))
    }

    pub fn sync(&self, device: usize) -> Value {
        self.json(device, &["sync", "--json", "--hash"])
    }

    pub fn hash(&self, device: usize) -> String {
        self.sync(device)["content_hash"]
            .as_str()
            .unwrap()
            .to_string()
    }

    /// The shared folder out of reach (unmounted, sync tool paused): the team file
    /// is elsewhere for a while.
    pub fn offline(&self) -> PathBuf {
        let away = self.dir.path().join("away");
        std::fs::rename(self.shared(), &away).unwrap();
        away
    }

    pub fn online(&self, away: &Path) {
        std::fs::rename(away, self.shared()).unwrap();
    }

    /// A base of five clients made on device 1, shared, joined by devices 2 and 3.
    pub fn founded() -> Team {
        let team = Team::new();
        let local = team.dir.path().join("local.db");
        let run = |args: &[&str]| {
            let run: Run = team.command(1, &local, args).output().unwrap().into();
            assert!(run.ok(), "`{}`: {}", args.join(" "), run.stderr);
            run.stdout
        };
        run(&["init", "--manager", "boss", "--name", "Boss"]);
        for name in [
            "Иванов Иван",
            "Петров Пётр",
            "Сидоров Семён",
            "Кузнецова Анна",
            "Смирнов Олег",
            "Попова Мария",
            "Волков Игорь",
        ] {
            run(&["client", "add", "--name", name, "--city", "Тверь"]);
        }
        run(&["share", team.team_file().to_str().unwrap()]);
        for device in [2, 3] {
            team.on(device, &["sync"]);
        }
        team
    }

    pub fn client(&self, device: usize, number: &str) -> Value {
        self.json(device, &["client", "show", number, "--json"])
    }

    pub fn conflicts(&self, device: usize) -> Vec<Value> {
        self.json(device, &["conflicts", "--json"])
            .as_array()
            .unwrap()
            .clone()
    }
}
