//! The habits of the terminal: shell completions and a manual page, from the same
//! definitions and help texts as `--help`, in the user's language; neither needs a
//! base, and a closed pipe ends them quietly.

mod common;

use common::Sandbox;

#[test]
fn completions_are_a_script_the_shell_reads_and_know_every_command() {
    let sb = Sandbox::new();
    let bash = sb.run(&["completions", "bash"]);
    assert!(bash.ok(), "{}", bash.stderr);
    for command in ["import", "export", "schedule", "sync", "completions", "man"] {
        assert!(bash.stdout.contains(command), "no {command} in the script");
    }
    let script = sb.path().join("clientbook.bash");
    std::fs::write(&script, &bash.stdout).unwrap();
    let syntax = std::process::Command::new("bash")
        .arg("-n")
        .arg(&script)
        .output()
        .expect("bash runs");
    assert!(
        syntax.status.success(),
        "{}",
        String::from_utf8_lossy(&syntax.stderr)
    );
    for shell in ["zsh", "fish", "elvish", "powershell"] {
        let out = sb.run(&["completions", shell]);
        assert!(
            out.ok() && out.stdout.contains("clientbook"),
            "{shell}: {}",
            out.stderr
        );
    }
    let wrong = sb.run(&["completions", "tcsh"]);
    assert!(!wrong.ok() && wrong.stderr.contains("tcsh"));
}

#[test]
fn the_manual_page_lists_every_command_in_the_users_language() {
    let sb = Sandbox::new();
    let en = sb.run(&["man"]);
    assert!(en.ok(), "{}", en.stderr);
    assert!(en.stdout.starts_with(".TH CLIENTBOOK 1"));
    for section in [".SH NAME", ".SH SYNOPSIS", ".SH OPTIONS", ".SH COMMANDS"] {
        assert!(en.stdout.contains(section), "no {section}");
    }
    for command in [
        "clientbook import",
        "clientbook client add",
        "clientbook sync",
    ] {
        assert!(en.stdout.contains(command), "no {command}");
    }
    // No line starts with a dot that is not a request (text is escaped).
    for line in en.stdout.lines().filter(|l| l.starts_with('.')) {
        assert!(
            line.chars().nth(1).is_some_and(|c| c.is_ascii_uppercase()),
            "{line}"
        );
    }
    let ru: common::Run = std::process::Command::new(env!("CARGO_BIN_EXE_clientbook"))
        .args(["--lang", "ru", "man"])
        .output()
        .unwrap()
        .into();
    assert!(ru.stdout.contains("Импорт"), "the Russian page is Russian");
    assert!(
        !en.stdout.contains("SPEC"),
        "help cites no document the user lacks"
    );
}
