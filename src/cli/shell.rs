//! `completions SHELL` and `man`: what a terminal user expects of a command-line
//! program, generated from the same command definitions (and help texts, in the
//! user's language) as `--help`. Completions are `clap_complete`'s; the manual page
//! is written here (`clap_mangen` needs the `roff` crate, which this build cannot
//! fetch), as plain man(7) roff.

use clap::{Args, ValueEnum};

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Shell {
    Bash,
    Zsh,
    Fish,
    Elvish,
    Powershell,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    pub shell: Shell,
}

/// Prints the completion script for `shell` on stdout.
pub fn completions(args: &CompletionsArgs) -> anyhow::Result<()> {
    use clap_complete::Shell as S;
    let mut cmd = super::localized_command();
    let shell = match args.shell {
        Shell::Bash => S::Bash,
        Shell::Zsh => S::Zsh,
        Shell::Fish => S::Fish,
        Shell::Elvish => S::Elvish,
        Shell::Powershell => S::PowerShell,
    };
    // Into memory first: the generator panics on a write that fails (a closed pipe).
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut cmd, "clientbook", &mut script);
    super::output::say(String::from_utf8_lossy(&script).trim_end())?;
    Ok(())
}

/// Prints the manual page (roff) on stdout: `clientbook man > clientbook.1`.
pub fn man() -> anyhow::Result<()> {
    let cmd = super::localized_command();
    let page = manual(&cmd);
    super::output::say(page.trim_end())?;
    Ok(())
}

/// Text as roff takes it: backslashes doubled, a leading dot or quote escaped.
fn roff(text: &str) -> String {
    let text = text.replace('\\', "\\e").replace('-', "\\-");
    match text.chars().next() {
        Some('.' | '\'') => format!("\\&{text}"),
        _ => text,
    }
}

/// The manual page of `cmd`: name, synopsis, options, then every command with its
/// own options, as `--help` shows them.
pub fn manual(cmd: &clap::Command) -> String {
    let mut page = String::new();
    let about = cmd.get_about().map(|a| a.to_string()).unwrap_or_default();
    page.push_str(&format!(
        ".TH CLIENTBOOK 1 \"\" \"clientbook {}\"\n",
        env!("CARGO_PKG_VERSION")
    ));
    page.push_str(&format!(".SH NAME\nclientbook \\- {}\n", roff(&about)));
    page.push_str(".SH SYNOPSIS\n.B clientbook\n[\\fIOPTIONS\\fR] [\\fICOMMAND\\fR]\n");
    if let Some(long) = cmd.get_long_about() {
        page.push_str(&format!(".SH DESCRIPTION\n{}\n", roff(&long.to_string())));
    }
    page.push_str(".SH OPTIONS\n");
    options(cmd, &mut page);
    page.push_str(".SH COMMANDS\n");
    commands(cmd, "", &mut page);
    page
}

fn options(cmd: &clap::Command, page: &mut String) {
    for arg in cmd.get_arguments().filter(|a| !a.is_hide_set()) {
        let mut names = Vec::new();
        if let Some(short) = arg.get_short() {
            names.push(format!("\\fB\\-{short}\\fR"));
        }
        if let Some(long) = arg.get_long() {
            names.push(format!("\\fB\\-\\-{}\\fR", roff(long)));
        }
        if names.is_empty() {
            names.push(format!("\\fI{}\\fR", roff(arg.get_id().as_str())));
        }
        let help = arg.get_help().map(|h| h.to_string()).unwrap_or_default();
        page.push_str(&format!(".TP\n{}\n{}\n", names.join(", "), roff(&help)));
    }
}

fn commands(cmd: &clap::Command, prefix: &str, page: &mut String) {
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        if sub.get_name() == "help" {
            continue;
        }
        let name = format!("{prefix}{}", sub.get_name());
        let about = sub.get_about().map(|a| a.to_string()).unwrap_or_default();
        page.push_str(&format!(
            ".TP\n\\fBclientbook {}\\fR\n{}\n",
            roff(&name),
            roff(&about)
        ));
        if sub
            .get_arguments()
            .any(|a| !a.is_hide_set() && a.get_id() != "help")
        {
            page.push_str(".RS\n");
            options(sub, page);
            page.push_str(".RE\n");
        }
        commands(sub, &format!("{name} "), page);
    }
}
