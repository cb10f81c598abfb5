//! The command line (SPEC §4): one file per group of subcommands; tables for people,
//! `--json` for scripts. Help texts come from the string tables.

/// A line on standard output through [`output::say`]: control characters dropped, a
/// closed or full output returned as an error (`?`), never a panic.
macro_rules! say {
    () => {
        $crate::cli::output::say("")?
    };
    ($($arg:tt)*) => {
        $crate::cli::output::say(&format!($($arg)*))?
    };
}

/// A line on standard error through [`output::tell`].
macro_rules! tell {
    () => {
        $crate::cli::output::tell("")
    };
    ($($arg:tt)*) => {
        $crate::cli::output::tell(&format!($($arg)*))
    };
}

pub mod backup;
pub mod bench;
pub mod campaign;
pub mod client;
pub mod demo;
pub mod dupes;
pub mod export;
pub mod import;
pub mod manager;
pub mod output;
pub mod record;
pub mod report;
pub mod rules;
pub mod schedule;
pub mod segment;
pub mod settings;
pub mod shell;
pub mod sync;

use crate::i18n::{self, tr, tr_value, Lang};
use crate::store::{Store, Viewer};
use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(name = "clientbook", version)]
pub struct Cli {
    /// The database file.
    #[arg(long, global = true, env = "CLIENTBOOK_DB", value_name = "PATH")]
    pub db: Option<PathBuf>,
    /// The manager to act as.
    #[arg(
        long = "as",
        global = true,
        env = "CLIENTBOOK_USER",
        value_name = "LOGIN"
    )]
    pub as_login: Option<String>,
    /// Language of messages: ru or en.
    #[arg(long, global = true, value_name = "ru|en")]
    pub lang: Option<String>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    Init(manager::InitArgs),
    #[command(subcommand)]
    Manager(manager::ManagerCommand),
    #[command(subcommand)]
    Client(client::ClientCommand),
    Log(record::LogArgs),
    #[command(subcommand)]
    Order(record::OrderCommand),
    Schedule(schedule::ScheduleArgs),
    Settings(settings::SettingsArgs),
    Demo(demo::DemoArgs),
    Bench(bench::BenchArgs),
    Import(import::ImportArgs),
    Export(export::ExportArgs),
    Dupes(dupes::DupesArgs),
    Merge(dupes::MergeArgs),
    #[command(subcommand)]
    Report(report::ReportCommand),
    #[command(subcommand)]
    Segment(segment::SegmentCommand),
    #[command(subcommand)]
    Rules(rules::RulesCommand),
    #[command(subcommand)]
    Campaign(campaign::CampaignCommand),
    Backup(backup::BackupArgs),
    Share(sync::ShareArgs),
    Sync(sync::SyncArgs),
    Conflicts(sync::ConflictsArgs),
    Completions(shell::CompletionsArgs),
    Man,
    /// Measures the interface's memory for `bench` in a process of its own.
    #[command(hide = true)]
    BenchProbe(bench::ProbeArgs),
}

/// Picks the language before anything is printed: `--lang`, then the locale.
fn early_language() -> Lang {
    let args: Vec<String> = std::env::args().collect();
    let from_flag = args.iter().enumerate().find_map(|(i, a)| {
        a.strip_prefix("--lang=")
            .map(str::to_string)
            .or_else(|| (a == "--lang").then(|| args.get(i + 1).cloned()).flatten())
    });
    from_flag
        .as_deref()
        .and_then(Lang::parse)
        .unwrap_or_else(Lang::from_env)
}

/// Replaces clap's help texts by those of the string tables: `help.<command path>`
/// for a command, `help.<command path>.<argument>` for an argument.
fn localize(mut cmd: clap::Command, path: &str) -> clap::Command {
    let key = format!("help.{path}");
    let about = tr(&key);
    if about != key {
        cmd = cmd.about(about);
    }
    let ids: Vec<String> = cmd
        .get_arguments()
        .map(|a| a.get_id().to_string())
        .collect();
    for id in ids {
        let key = format!("help.{path}.{id}");
        let help = tr(&key);
        if help != key {
            cmd = cmd.mut_arg(id, |a| a.help(help));
        }
    }
    let subs: Vec<String> = cmd
        .get_subcommands()
        .map(|s| s.get_name().to_string())
        .collect();
    for name in subs {
        let sub_path = format!("{path}.{name}");
        cmd = cmd.mut_subcommand(name, |s| localize(s, &sub_path));
    }
    cmd
}

/// The command definitions with help in the language set.
pub(crate) fn localized_command() -> clap::Command {
    localize(Cli::command(), "clientbook")
}

/// Parses the command line with help in the user's language.
pub fn parse() -> Cli {
    i18n::set_language(early_language());
    let cmd = localized_command()
        // The metrics' definitions, under the report commands' help.
        .mut_subcommand("report", |report| {
            let definitions = tr("report.definitions");
            report
                .after_help(definitions.clone())
                .mut_subcommand("metrics", |m| m.after_help(definitions))
        });
    let matches = cmd.get_matches();
    Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit())
}

/// The database this invocation works on.
pub fn database_path(cli: &Cli) -> anyhow::Result<PathBuf> {
    match &cli.db {
        Some(path) => Ok(path.clone()),
        None => Ok(crate::store::paths::default_database()?),
    }
}

/// The login a new base's first manager gets when nobody named one: the OS user.
pub fn os_login() -> String {
    let raw = std::env::var("USER")
        .or_else(|_| std::env::var("USERNAME"))
        .unwrap_or_default();
    let login: String = raw
        .to_lowercase()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || "._-".contains(*c))
        .collect();
    if login.is_empty() {
        "admin".into()
    } else {
        login
    }
}

/// Opens the store and signs in: `--as`, else the base's default manager. A base with
/// no manager yet gets the OS user as its admin, so the first run just works.
pub fn open(cli: &Cli) -> anyhow::Result<(Store, Viewer)> {
    let path = database_path(cli)?;
    let mut store = if crate::store::sync::is_team_path(&path) {
        let store = Store::open_team(&path)?;
        tell!(
            "{}",
            crate::i18n::trf(
                "sync.replica",
                &[
                    ("team", &path.display()),
                    ("replica", &store.path().display())
                ]
            )
        );
        store
    } else {
        Store::open(&path)?
    };
    if !store.is_initialised()? {
        let login = os_login();
        store.init(&login, &login)?;
    }
    let viewer = store.viewer(cli.as_login.as_deref())?;
    Ok((store, viewer))
}

/// Runs one invocation.
pub fn run(cli: Cli) -> anyhow::Result<()> {
    match &cli.command {
        Some(Command::Bench(args)) => return bench::run(args),
        // Neither opens a base.
        Some(Command::Completions(args)) => return shell::completions(args),
        Some(Command::Man) => return shell::man(),
        Some(Command::Init(args)) => return manager::init(&cli, args),
        Some(Command::BenchProbe(args)) => {
            let login = cli.as_login.as_deref().unwrap_or_default();
            return bench::probe(&database_path(&cli)?, login, args);
        }
        _ => {}
    }
    let (mut store, viewer) = open(&cli)?;
    let Some(command) = cli.command else {
        return crate::tui::run(store, viewer);
    };
    let shared = store.team_file().is_some() && !matches!(command, Command::Sync(_));
    if shared {
        sync_quietly(&mut store);
    }
    store.start_day()?;
    let before = store.own_clock()?;
    let outcome = dispatch(command, &mut store, &viewer);
    // What this command wrote reaches the team file at once.
    if shared && outcome.is_ok() && store.own_clock()? != before {
        sync_quietly(&mut store);
    }
    outcome
}

/// Syncs with the team file; a failure is a warning, as work goes on locally.
fn sync_quietly(store: &mut Store) {
    match store.sync() {
        Ok(report) => {
            let busy = report.came_in.changes > 0
                || report.published.is_some()
                || !report.copies_refused.is_empty();
            if busy {
                for line in sync::report_lines(&report, true) {
                    tell!("{line}");
                }
            }
        }
        Err(e) => warn(&tr_value("sync.failed", e)),
    }
}

fn dispatch(command: Command, store: &mut Store, viewer: &Viewer) -> anyhow::Result<()> {
    match command {
        Command::Manager(cmd) => manager::run(store, viewer, cmd),
        Command::Client(cmd) => client::run(store, viewer, cmd),
        Command::Log(args) => record::log(store, viewer, args),
        Command::Order(cmd) => record::order(store, viewer, cmd),
        Command::Schedule(args) => schedule::run(store, viewer, args),
        Command::Settings(args) => settings::run(store, viewer, args),
        Command::Demo(args) => demo::run(store, viewer, args),
        Command::Import(args) => import::run(store, viewer, args),
        Command::Export(args) => export::run(store, viewer, args),
        Command::Dupes(args) => dupes::find(store, viewer, args),
        Command::Merge(args) => dupes::merge(store, viewer, args),
        Command::Report(cmd) => report::run(store, viewer, cmd),
        Command::Segment(cmd) => segment::run(store, viewer, cmd),
        Command::Rules(cmd) => rules::run(store, viewer, cmd),
        Command::Backup(args) => backup::run(store, args),
        Command::Share(args) => sync::share(store, args),
        Command::Sync(args) => sync::sync(store, args),
        Command::Conflicts(args) => sync::conflicts(store, viewer, args),
        Command::Campaign(cmd) => campaign::run(store, viewer, cmd),
        Command::Bench(_)
        | Command::Init(_)
        | Command::BenchProbe(_)
        | Command::Completions(_)
        | Command::Man => Ok(()),
    }
}

/// The line printed for an error: localized prefix, the message, and its causes.
pub fn error_line(err: &anyhow::Error) -> String {
    let mut line = tr_value("cli.error", err);
    for cause in err.chain().skip(1) {
        if !line.contains(&cause.to_string()) {
            line.push_str(": ");
            line.push_str(&cause.to_string());
        }
    }
    line
}

/// A warning on stderr that does not stop the command.
pub fn warn(message: &str) {
    tell!("{}", tr_value("cli.warning", message));
}

pub(crate) fn today() -> chrono::NaiveDate {
    chrono::Local::now().date_naive()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::tr_in;

    /// Every command and every argument a user can ask `--help` about, with the key
    /// its help text has in the string tables.
    fn help_keys(cmd: &clap::Command, path: &str, out: &mut Vec<String>) {
        out.push(format!("help.{path}"));
        for arg in cmd.get_arguments() {
            let id = arg.get_id().as_str();
            if !arg.is_global_set() && !matches!(id, "help" | "version") {
                out.push(format!("help.{path}.{id}"));
            }
        }
        for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
            if sub.get_name() != "help" {
                help_keys(sub, &format!("{path}.{}", sub.get_name()), out);
            }
        }
    }

    #[test]
    fn every_command_and_argument_has_help_in_both_languages() {
        let mut keys = Vec::new();
        help_keys(&Cli::command(), "clientbook", &mut keys);
        let missing: Vec<String> = keys
            .into_iter()
            .flat_map(|key| [(Lang::Ru, key.clone()), (Lang::En, key)])
            .filter(|(lang, key)| tr_in(*lang, key) == *key)
            .map(|(lang, key)| format!("{lang:?} {key}"))
            .collect();
        assert!(missing.is_empty(), "no help text: {missing:#?}");
    }
}
