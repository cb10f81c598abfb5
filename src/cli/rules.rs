//! `rules run`: the follow-up rules (SPEC §6) now, including the catch-up of the last
//! days' new leads and orders. Running them twice makes nothing twice.

use super::output::print_json;
use crate::i18n::trf;
use crate::store::{Store, Viewer};
use clap::Subcommand;

#[derive(Debug, Subcommand)]
pub enum RulesCommand {
    Run {
        #[arg(long)]
        json: bool,
    },
}

pub fn run(store: &mut Store, viewer: &Viewer, cmd: RulesCommand) -> anyhow::Result<()> {
    match cmd {
        RulesCommand::Run { json } => {
            let run = store.run_rules(viewer)?;
            if json {
                return print_json(&run);
            }
            say!(
                "{}",
                trf(
                    "rules_cli.made",
                    &[
                        ("new_lead", &run.new_lead),
                        ("after_order", &run.after_order),
                        ("birthday", &run.birthday),
                        ("reactivation", &run.reactivation),
                    ]
                )
            );
            Ok(())
        }
    }
}
