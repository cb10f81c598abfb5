//! `import FILE`: clients from a CSV/TSV/XLSX file, or with `--dry-run` what would
//! happen. Problems go to stderr as `file:line: column: what is wrong`.

use super::output::print_json;
use crate::i18n::{tr, trf};
use crate::store::import::values::DateOrder;
use crate::store::import::{
    parse_map, ImportOptions, ImportReport, OnDuplicate, Outcome, PROGRESS_EVERY,
};
use crate::store::{Store, StoreError, Viewer};
use clap::Args;
use std::io::Write;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct ImportArgs {
    pub file: PathBuf,
    #[arg(long)]
    pub dry_run: bool,
    #[arg(long = "map", value_name = "COLUMN=field")]
    pub map: Vec<String>,
    #[arg(long, value_name = "LOGIN")]
    pub manager: Option<String>,
    #[arg(long, value_name = "skip|merge|create", default_value = "skip")]
    pub on_duplicate: String,
    #[arg(long)]
    pub skip_invalid: bool,
    #[arg(long, value_name = "dmy|mdy")]
    pub date_order: Option<String>,
    #[arg(long)]
    pub json: bool,
}

pub fn run(store: &mut Store, viewer: &Viewer, args: ImportArgs) -> anyhow::Result<()> {
    let on_duplicate = OnDuplicate::parse(&args.on_duplicate).ok_or_else(|| {
        StoreError::bad_value("--on-duplicate", &args.on_duplicate, "skip, merge, create")
    })?;
    let map = args
        .map
        .iter()
        .map(|spec| parse_map(spec))
        .collect::<Result<Vec<_>, _>>()?;
    let options = ImportOptions {
        dry_run: args.dry_run,
        skip_invalid: args.skip_invalid,
        on_duplicate,
        manager: args.manager.clone(),
        map,
        date_order: match &args.date_order {
            Some(order) => Some(
                DateOrder::parse(order)
                    .ok_or_else(|| StoreError::bad_value("--date-order", order, "dmy, mdy"))?,
            ),
            None => None,
        },
    };
    let mut shown_progress = false;
    let report = store.import_file(viewer, &args.file, &options, |rows| {
        // Only files large enough to wait for say how far they are.
        if rows >= PROGRESS_EVERY {
            shown_progress = true;
            eprint!("\r{}", trf("import.progress", &[("rows", &rows)]));
            let _ = std::io::stderr().flush();
        }
    })?;
    if shown_progress {
        tell!();
        if report.written {
            let seconds = format!("{:.1}", report.search_index_ms as f64 / 1000.0);
            tell!(
                "{}",
                trf("import.progress_indexed", &[("seconds", &seconds)])
            );
        }
    }
    for warning in &report.warnings {
        super::warn(warning);
    }
    for line in report.problem_lines() {
        tell!("{line}");
    }
    if args.json {
        print_json(&report)?;
    } else {
        print_report(&report)?;
    }
    if report.rejected > 0 && !args.skip_invalid {
        anyhow::bail!(trf(
            "import.nothing_written",
            &[("rejected", &report.rejected)]
        ));
    }
    // `--skip-invalid` with every row refused imported nothing: that is no success.
    if report.rejected > 0 && report.created + report.merged == 0 && !args.dry_run {
        anyhow::bail!(trf(
            "import.all_rejected",
            &[("rejected", &report.rejected)]
        ));
    }
    Ok(())
}

fn print_report(report: &ImportReport) -> anyhow::Result<()> {
    if report.dry_run {
        say!("{}", tr("import.dry_run_header"));
        for column in report.columns.iter().filter(|c| !c.header.is_empty()) {
            let target = crate::store::import::Target::label_of(column.target);
            say!("  {} → {target}", column.header);
        }
    }
    for dup in &report.duplicates {
        let whom = match (&dup.number, dup.earlier_line) {
            (Some(number), _) => trf("import.duplicate_of_client", &[("number", number)]),
            (None, Some(line)) => trf("import.duplicate_of_line", &[("line", &line)]),
            (None, None) => tr("import.duplicate_not_visible"),
        };
        let outcome = match dup.outcome {
            Outcome::Skipped => tr("import.outcome_skipped"),
            Outcome::Merged => tr("import.outcome_merged"),
            Outcome::Created => tr("import.outcome_created"),
            Outcome::NotVisible => tr("import.outcome_not_visible"),
        };
        say!(
            "{}:{}: {whom} ({}): {outcome}",
            report.file,
            dup.line,
            dup.value
        );
    }
    let key = if report.dry_run {
        "import.summary_dry_run"
    } else if report.written {
        "import.summary"
    } else {
        "import.summary_nothing"
    };
    say!(
        "{}",
        trf(
            key,
            &[
                ("rows", &report.rows),
                ("created", &report.created),
                ("merged", &report.merged),
                ("skipped", &report.skipped),
                ("rejected", &report.rejected),
            ]
        )
    );
    Ok(())
}
