//! `dupes`: likely duplicates among your clients; `merge KEEP OTHER`: make them one.

use super::output::{print_json, table};
use crate::i18n::{tr, trf};
use crate::store::{Store, Viewer};
use clap::Args;

#[derive(Debug, Args)]
pub struct DupesArgs {
    #[arg(long, default_value_t = 100)]
    pub limit: usize,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct MergeArgs {
    pub keep: String,
    pub other: String,
    #[arg(long)]
    pub json: bool,
}

pub fn find(store: &Store, viewer: &Viewer, args: DupesArgs) -> anyhow::Result<()> {
    let groups = store.find_duplicates(viewer, args.limit)?;
    if args.json {
        return print_json(&groups);
    }
    if groups.is_empty() {
        say!("{}", tr("dupes.none"));
        return Ok(());
    }
    let mut header = vec![
        tr("dupes.column_score"),
        tr("dupes.column_reason"),
        tr("dupes.column_value"),
        tr("column.number"),
        tr("column.name"),
    ];
    if viewer.sees_everyone() {
        header.push(tr("column.manager"));
    }
    let mut rows = Vec::new();
    for group in &groups {
        for (i, client) in group.clients.iter().enumerate() {
            let first = i == 0;
            let mut row = vec![
                if first {
                    group.score.to_string()
                } else {
                    String::new()
                },
                if first {
                    group.reason.label()
                } else {
                    String::new()
                },
                if first {
                    group.value.clone()
                } else {
                    String::new()
                },
                client.number.clone(),
                client.name.clone(),
            ];
            if viewer.sees_everyone() {
                row.push(client.manager.clone());
            }
            rows.push(row);
        }
    }
    say!("{}", table(&header, &rows));
    say!("{}", trf("dupes.hint", &[("count", &groups.len())]));
    Ok(())
}

pub fn merge(store: &mut Store, viewer: &Viewer, args: MergeArgs) -> anyhow::Result<()> {
    let summary = store.merge_clients(viewer, &args.keep, &args.other)?;
    if args.json {
        return print_json(&summary);
    }
    say!(
        "{}",
        trf(
            "dupes.merged",
            &[
                ("kept", &summary.kept),
                ("merged", &summary.merged),
                ("rows", &summary.moved_rows),
                ("contacts", &summary.added_contacts),
            ]
        )
    );
    Ok(())
}
