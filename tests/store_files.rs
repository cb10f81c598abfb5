//! Files that are not a database this program may write (issue 3, item 2): a base from
//! a newer program, a text file, another program's SQLite file, a torn copy, a
//! read-only file. Each is refused with a message that says what is wrong, and the
//! file and its folder stay byte-for-byte as they were.

mod common;

use common::{assert_same_files, snapshot, Sandbox};
use std::path::Path;
use std::process::Command;

/// A real base with a client in it, in its own folder `share/`. Returns its path.
fn real_base(sb: &Sandbox) -> std::path::PathBuf {
    sb.team();
    sb.add_client(
        "alice",
        &["--name", "Vera Voss", "--phone", "+7 916 765-43-21"],
    );
    let share = sb.path().join("share");
    std::fs::create_dir(&share).unwrap();
    let path = share.join("base.db");
    // A plain copy after the binary closed the base: no WAL is left to carry.
    std::fs::copy(&sb.db, &path).unwrap();
    assert!(!sb.path().join("base.db-wal").exists());
    path
}

/// Runs `client list` on a file that must be refused; returns stderr.
fn refused_without_a_trace(sb: &Sandbox, path: &Path, args: &[&str]) -> String {
    let folder = path.parent().unwrap();
    let before = snapshot(folder);
    let mut all = vec!["--as", "boss"];
    all.extend_from_slice(args);
    let run: common::Run = sb.command_on(path, &all).output().unwrap().into();
    assert!(
        !run.ok() && run.code.is_some(),
        "`{}` on {} should fail; stdout:\n{}",
        args.join(" "),
        path.display(),
        run.stdout
    );
    assert!(!run.stderr.trim().is_empty(), "no message on stderr");
    assert_same_files(&before, &snapshot(folder), &args.join(" "));
    run.stderr
}

#[test]
fn a_base_from_a_newer_program_is_refused_and_left_as_it_was() {
    let sb = Sandbox::new();
    let path = real_base(&sb);
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.pragma_update(None, "user_version", 99).unwrap();
    }
    for args in [
        &["client", "list"][..],
        &["client", "add", "--name", "New One"],
        &["schedule", "--json"],
    ] {
        let stderr = refused_without_a_trace(&sb, &path, args);
        assert!(
            stderr.contains("newer") && stderr.contains("99"),
            "the message does not say the base is newer: {stderr}"
        );
    }
}

#[test]
fn a_text_file_is_refused_and_left_as_it_was() {
    let sb = Sandbox::new();
    let folder = sb.path().join("share");
    std::fs::create_dir(&folder).unwrap();
    let path = folder.join("base.db");
    std::fs::write(&path, "Name;Phone\nIvanov;+79161234567\n".repeat(200)).unwrap();
    for args in [&["client", "list"][..], &["client", "add", "--name", "X"]] {
        let stderr = refused_without_a_trace(&sb, &path, args);
        assert!(
            stderr.contains(&path.display().to_string()),
            "the message does not name the file: {stderr}"
        );
        assert!(
            stderr.contains("not a clientbook database"),
            "the message does not say what is wrong: {stderr}"
        );
    }
}

#[test]
fn another_programs_database_is_refused_and_left_as_it_was() {
    let sb = Sandbox::new();
    let folder = sb.path().join("share");
    std::fs::create_dir(&folder).unwrap();
    let path = folder.join("base.db");
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch("CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('keep me');")
            .unwrap();
    }
    let stderr = refused_without_a_trace(&sb, &path, &["client", "list"]);
    assert!(
        stderr.contains("another program"),
        "the message does not say whose file it is: {stderr}"
    );
}

/// The first pages of a real base, as a sync tool leaves a half-copied file.
fn torn_base(sb: &Sandbox) -> std::path::PathBuf {
    let path = real_base(sb);
    let bytes = std::fs::read(&path).unwrap();
    std::fs::write(&path, &bytes[..bytes.len().min(12 * 1024)]).unwrap();
    path
}

#[test]
fn a_torn_copy_is_refused_and_left_as_it_was() {
    let sb = Sandbox::new();
    let path = torn_base(&sb);
    refused_without_a_trace(&sb, &path, &["client", "list"]);
    refused_without_a_trace(&sb, &path, &["client", "add", "--name", "X"]);
}

#[test]

fn a_torn_copy_is_reported_with_its_file() {
    let sb = Sandbox::new();
    let path = torn_base(&sb);
    let stderr = refused_without_a_trace(&sb, &path, &["client", "list"]);
    assert!(
        stderr.contains(&path.display().to_string()),
        "the message does not name the file: {stderr}"
    );
}

#[test]
fn a_read_only_base_is_refused_and_left_as_it_was() {
    use std::os::unix::fs::PermissionsExt;
    let setpriv = common::tools::system("setpriv");
    let sb = Sandbox::new();
    let path = real_base(&sb);
    let folder = path.parent().unwrap();
    // The file belongs to us and only we may write it or its folder; the binary runs
    // as `nobody`, with a config folder of its own.
    let chmod = |p: &Path, mode| std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode));
    chmod(sb.path(), 0o755).unwrap();
    chmod(folder, 0o755).unwrap();
    chmod(&path, 0o644).unwrap();
    let config = sb.path().join("nobody-config");
    std::fs::create_dir(&config).unwrap();
    chmod(&config, 0o777).unwrap();

    let before = snapshot(folder);
    for args in [&["client", "list"][..], &["client", "add", "--name", "X"]] {
        let mut cmd = Command::new(&setpriv);
        cmd.args(["--reuid=65534", "--regid=65534", "--clear-groups"])
            .arg(common::BIN)
            .env_remove("CLIENTBOOK_DB")
            .env_remove("CLIENTBOOK_USER")
            .env("CLIENTBOOK_CONFIG_DIR", &config)
            .env("CLIENTBOOK_DATA_DIR", &config)
            .env("TMPDIR", &config)
            .arg("--db")
            .arg(&path)
            .args(["--lang", "en", "--as", "boss"])
            .args(args);
        let run: common::Run = cmd.output().unwrap().into();
        assert!(
            !run.stderr.contains("setpriv:"),
            "setpriv cannot change user here: {}",
            run.stderr
        );
        assert!(
            !run.ok() && run.code.is_some(),
            "`{}` on a read-only base should fail",
            args.join(" ")
        );
        assert!(
            run.stderr.contains("read-only") || run.stderr.contains("cannot be written"),
            "the message does not say the base cannot be written: {}",
            run.stderr
        );
        assert!(
            run.stderr.contains(&path.display().to_string()),
            "the message does not name the file: {}",
            run.stderr
        );
        assert_same_files(&before, &snapshot(folder), &args.join(" "));
    }
}

#[test]
fn a_new_base_is_created_where_asked_with_its_folders() {
    let sb = Sandbox::new();
    let path = sb.path().join("deep").join("er").join("team.db");
    let run: common::Run = sb
        .command_on(&path, &["client", "list", "--json"])
        .output()
        .unwrap()
        .into();
    assert!(run.ok(), "{}", run.stderr);
    assert!(path.is_file());
    assert_eq!(run.stdout.trim(), "[]");
}

/// The binary without `--db`, in the sandbox's folders.
fn without_db(sb: &Sandbox, args: &[&str]) -> Command {
    let mut cmd = Command::new(common::BIN);
    cmd.env_remove("CLIENTBOOK_DB")
        .env_remove("CLIENTBOOK_USER")
        .env("CLIENTBOOK_CONFIG_DIR", sb.path().join("config"))
        .env("CLIENTBOOK_DATA_DIR", sb.path().join("data"))
        .env("TMPDIR", sb.path().join("tmp"))
        .env("USER", "tester")
        .args(["--lang", "en"])
        .args(args);
    cmd
}

#[test]
fn the_base_defaults_to_the_data_folder_and_clientbook_db_overrides_it() {
    let sb = Sandbox::new();
    let run: common::Run = without_db(&sb, &["client", "add", "--name", "Dana Default"])
        .output()
        .unwrap()
        .into();
    assert!(run.ok(), "{}", run.stderr);
    let default = sb.path().join("data").join("clientbook.db");
    assert!(default.is_file(), "no base in the data folder");

    let other = sb.path().join("other.db");
    let run: common::Run = without_db(&sb, &["client", "list", "--json"])
        .env("CLIENTBOOK_DB", &other)
        .output()
        .unwrap()
        .into();
    assert!(run.ok(), "{}", run.stderr);
    assert_eq!(run.stdout.trim(), "[]", "CLIENTBOOK_DB was not used");
    assert!(other.is_file());

    let run: common::Run = without_db(&sb, &["client", "list", "--json"])
        .output()
        .unwrap()
        .into();
    let rows: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(rows[0]["name"], "Default Dana");
}
