//! Sharing a base (SPEC §7): `share PATH` makes a team file of the base, `sync` merges
//! and publishes once, `conflicts` lists and decides same-field clashes.

use super::output::{print_json, table};
use crate::i18n::{tr, tr_value, trf};
use crate::store::sync::SyncReport;
use crate::store::{Store, Viewer};
use clap::Args;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct ShareArgs {
    /// Where the team file goes: a synced or network folder.
    pub path: PathBuf,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct SyncArgs {
    #[arg(long)]
    pub json: bool,
    /// Also print the content hash: equal on every copy that has seen the same changes.
    #[arg(long)]
    pub hash: bool,
}

#[derive(Debug, Args)]
pub struct ConflictsArgs {
    #[arg(long)]
    pub json: bool,
    /// Keep the value in the base (the conflict's id or its start).
    #[arg(long, value_name = "ID", conflicts_with = "take")]
    pub keep: Option<String>,
    /// Take the other value instead.
    #[arg(long, value_name = "ID")]
    pub take: Option<String>,
}

pub fn share(store: &mut Store, args: ShareArgs) -> anyhow::Result<()> {
    let done = store.share(&args.path)?;
    if args.json {
        return print_json(&done);
    }
    let size = super::output::mib(done.bytes);
    say!(
        "{}",
        trf(
            "sync.shared",
            &[("path", &done.path.display()), ("mib", &size)]
        )
    );
    say!("{}", tr_value("sync.share_next", done.path.display()));
    Ok(())
}

pub fn sync(store: &mut Store, args: SyncArgs) -> anyhow::Result<()> {
    if store.team_file().is_none() {
        anyhow::bail!(tr_value("sync.not_shared", store.path().display()));
    }
    let report = store.sync()?;
    let hash = if args.hash {
        Some(store.content_hash()?)
    } else {
        None
    };
    if args.json {
        return print_json(&serde_json::json!({ "report": report, "content_hash": hash }));
    }
    for line in report_lines(&report, false) {
        say!("{line}");
    }
    if let Some(hash) = hash {
        say!("{}", tr_value("sync.hash", hash));
    }
    Ok(())
}

/// What a sync did, in a few lines; nothing when nothing happened.
pub fn report_lines(report: &SyncReport, quiet: bool) -> Vec<String> {
    let mut lines = Vec::new();
    if quiet && report.came_in.changes == 0 {
        // Only what happened: a command's own output stays in front.
    } else {
        lines.push(trf(
            "sync.came_in",
            &[
                ("changes", &report.came_in.changes),
                ("clients", &report.came_in.clients),
            ],
        ));
    }
    if report.came_in.conflicts > 0 {
        lines.push(tr_value("sync.conflicts", report.came_in.conflicts));
    }
    for name in &report.copies_merged {
        lines.push(tr_value("sync.copy_merged", name));
    }
    for (name, why) in &report.copies_refused {
        lines.push(trf("sync.copy_refused", &[("name", name), ("why", why)]));
    }
    if report.went_out > 0 {
        lines.push(tr_value("sync.went_out", report.went_out));
    } else if !quiet && report.published.is_none() {
        lines.push(tr("sync.up_to_date"));
    }
    if let Some(done) = &report.published {
        lines.push(trf(
            "sync.snapshot_written",
            &[
                ("mib", &super::output::mib(done.bytes)),
                ("ms", &done.millis),
            ],
        ));
    }
    lines
}

pub fn conflicts(store: &mut Store, viewer: &Viewer, args: ConflictsArgs) -> anyhow::Result<()> {
    if let Some(id) = args.keep.as_deref().or(args.take.as_deref()) {
        store.resolve_conflict(viewer, id, args.take.is_some())?;
        say!("{}", tr("conflicts.resolved"));
        return Ok(());
    }
    let open = store.open_conflicts(viewer)?;
    if args.json {
        return print_json(&open);
    }
    if open.is_empty() {
        say!("{}", tr("conflicts.none"));
        return Ok(());
    }
    let header: Vec<String> = std::iter::once("conflicts.id")
        .chain(crate::present::CONFLICT_HEADER)
        .map(tr)
        .collect();
    let rows: Vec<Vec<String>> = open
        .iter()
        .map(|c| {
            let mut row = vec![c.id[..8].to_string()];
            row.extend(crate::present::conflict_cells(c));
            row
        })
        .collect();
    say!("{}", table(&header, &rows));
    say!("{}", tr("conflicts.how"));
    Ok(())
}
