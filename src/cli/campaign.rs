//! `campaign add`: what a campaign cost, for the cost per acquisition of its source.

use crate::domain::codes::Source;
use crate::domain::dates::{format_date, parse_date};
use crate::domain::money::{format_money, parse_amount};
use crate::i18n::{language, trf};
use crate::store::{Store, StoreError, Viewer};
use clap::Subcommand;

#[derive(Debug, Subcommand)]
pub enum CampaignCommand {
    Add {
        name: String,
        #[arg(long, value_name = "AMOUNT")]
        cost: String,
        #[arg(long, value_name = "SOURCE")]
        source: String,
        /// The day it started [default: today].
        #[arg(long, value_name = "DATE")]
        date: Option<String>,
    },
}

pub fn run(store: &mut Store, viewer: &Viewer, cmd: CampaignCommand) -> anyhow::Result<()> {
    match cmd {
        CampaignCommand::Add {
            name,
            cost,
            source,
            date,
        } => {
            let cost_minor = parse_amount(&cost)?;
            let source = Source::parse(&source)
                .ok_or_else(|| StoreError::bad_value("source", &source, Source::codes()))?;
            let today = super::today();
            let started = match date {
                Some(raw) => parse_date(&raw, today)?,
                None => today,
            };
            store.add_campaign(viewer, &name, cost_minor, source, started)?;
            let lang = language();
            say!(
                "{}",
                trf(
                    "campaign.added",
                    &[
                        ("name", &name),
                        ("cost", &format_money(cost_minor, "RUB", lang)),
                        ("source", &source.label()),
                        ("date", &format_date(started, lang)),
                    ]
                )
            );
            Ok(())
        }
    }
}
