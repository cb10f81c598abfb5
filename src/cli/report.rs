//! `report`: reports on your clients. `quality` now; funnel, sources and metrics come
//! with the reports issue.

use super::output::{print_json, table};
use crate::i18n::{tr, trf};
use crate::store::{Store, Viewer};
use clap::Subcommand;

#[derive(Debug, Subcommand)]
pub enum ReportCommand {
    Quality {
        #[arg(long)]
        json: bool,
    },
}

pub fn run(store: &Store, viewer: &Viewer, cmd: ReportCommand) -> anyhow::Result<()> {
    match cmd {
        ReportCommand::Quality { json } => {
            let report = store.quality_report(viewer)?;
            if json {
                return print_json(&report);
            }
            println!("{}", trf("quality.header", &[("clients", &report.clients)]));
            let rows: Vec<Vec<String>> = report
                .issues
                .iter()
                .map(|i| {
                    let mut numbers = i.numbers.join(", ");
                    if i.clients as usize > i.numbers.len() {
                        numbers.push_str(", …");
                    }
                    vec![i.issue.label(), i.clients.to_string(), numbers]
                })
                .collect();
            println!(
                "{}",
                table(
                    &[
                        tr("quality.column_issue"),
                        tr("quality.column_clients"),
                        tr("quality.column_numbers")
                    ],
                    &rows
                )
            );
            Ok(())
        }
    }
}
