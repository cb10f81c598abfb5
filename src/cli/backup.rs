//! `backup --to PATH`: a checked copy of the base, taken while it is in use.

use super::output::print_json;
use crate::i18n::trf;
use crate::store::Store;
use clap::Args;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct BackupArgs {
    #[arg(long, value_name = "PATH")]
    pub to: PathBuf,
    #[arg(long)]
    pub json: bool,
}

pub fn run(store: &Store, args: BackupArgs) -> anyhow::Result<()> {
    let done = store.backup_to(&args.to)?;
    if args.json {
        return print_json(&done);
    }
    let size = super::output::mib(done.bytes);
    say!(
        "{}",
        trf(
            "backup.done",
            &[("path", &done.path.display()), ("mib", &size)]
        )
    );
    Ok(())
}
