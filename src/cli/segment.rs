//! `segment`: filters saved under a name (SPEC §6), and how `--segment` / `--filter`
//! of other commands are read.

use super::output::{print_json, table};
use crate::domain::filter::Filter;
use crate::i18n::{tr, tr_value};
use crate::store::{Store, StoreResult, Viewer};
use clap::{Args, Subcommand};

#[derive(Debug, Subcommand)]
pub enum SegmentCommand {
    Save {
        name: String,
        /// The filter, in one or several words: `tier:gold city:Москва last-order:<90d`.
        #[arg(required = true, num_args = 1.., allow_hyphen_values = true)]
        filter: Vec<String>,
    },
    List {
        #[arg(long)]
        json: bool,
    },
    Delete {
        name: String,
    },
}

// `--segment NAME` and `--filter F`, of every command that works on some clients (a
// plain comment: clap would show a doc comment as the command's description).
#[derive(Debug, Clone, Default, Args)]
pub struct SegmentArgs {
    #[arg(long, value_name = "NAME")]
    pub segment: Option<String>,
    #[arg(long, value_name = "FILTER", allow_hyphen_values = true)]
    pub filter: Option<String>,
}

impl SegmentArgs {
    /// The clients a command works on: a saved segment (or a base type, or a filter
    /// written in place of a name) and a filter, both holding.
    pub fn resolve(&self, store: &Store) -> StoreResult<Filter> {
        let mut combined = match &self.segment {
            Some(name) => store.resolve_segment(name)?,
            None => Filter::default(),
        };
        if let Some(text) = &self.filter {
            combined.terms.extend(store.parse_filter(text)?.terms);
        }
        Ok(combined)
    }
}

pub fn run(store: &mut Store, viewer: &Viewer, cmd: SegmentCommand) -> anyhow::Result<()> {
    match cmd {
        SegmentCommand::Save { name, filter } => {
            store.save_segment(viewer, &name, &filter.join(" "))?;
            let count = store.count_in_filter(viewer, &store.resolve_segment(&name)?)?;
            say!(
                "{}",
                crate::i18n::trf("segments.saved", &[("name", &name), ("clients", &count)])
            );
            Ok(())
        }
        SegmentCommand::List { json } => {
            let segments = store.saved_segments(viewer)?;
            if json {
                return print_json(&segments);
            }
            if segments.is_empty() {
                say!("{}", tr("segments.none"));
                return Ok(());
            }
            let rows: Vec<Vec<String>> = segments
                .iter()
                .map(|s| vec![s.name.clone(), s.clients.to_string(), s.filter.clone()])
                .collect();
            say!(
                "{}",
                table(
                    &[
                        tr("segments.column_name"),
                        tr("segments.column_clients"),
                        tr("segments.column_filter"),
                    ],
                    &rows
                )
            );
            Ok(())
        }
        SegmentCommand::Delete { name } => {
            store.delete_segment(viewer, &name)?;
            say!("{}", tr_value("segments.deleted", &name));
            Ok(())
        }
    }
}
