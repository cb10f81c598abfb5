//! `export`: the viewer's clients as CSV, JSON or vCard, to a file or stdout.

use crate::i18n::trf;
use crate::store::export::{ExportFormat, ExportOptions};
use crate::store::{Store, StoreError, Viewer};
use clap::Args;
use std::io::Write;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct ExportArgs {
    #[arg(long, value_name = "csv|json|vcf")]
    pub format: Option<String>,
    #[arg(long)]
    pub excel: bool,
    #[command(flatten)]
    pub scope: super::segment::SegmentArgs,
    #[arg(long)]
    pub mailing: bool,
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// The format asked for, else the one the output file's name says, else CSV.
fn format_of(args: &ExportArgs) -> Result<ExportFormat, StoreError> {
    let named = args.format.clone().or_else(|| {
        args.output
            .as_ref()
            .and_then(|p| p.extension())
            .map(|e| e.to_string_lossy().to_lowercase())
    });
    match named.as_deref().map(str::trim) {
        None | Some("csv") | Some("txt") => Ok(ExportFormat::Csv { excel: args.excel }),
        Some("json") => Ok(ExportFormat::Json),
        Some("vcf" | "vcard") => Ok(ExportFormat::Vcard),
        Some(other) if args.format.is_none() => {
            let _ = other;
            Ok(ExportFormat::Csv { excel: args.excel })
        }
        Some(other) => Err(StoreError::bad_value("--format", other, "csv, json, vcf")),
    }
}

pub fn run(store: &Store, viewer: &Viewer, args: ExportArgs) -> anyhow::Result<()> {
    let options = ExportOptions {
        format: format_of(&args)?,
        filter: args.scope.resolve(store)?,
        mailing: args.mailing,
    };
    let count = match &args.output {
        Some(path) => {
            store.write_user_file(path, |out| store.export_clients(viewer, options, out))?
        }
        None => {
            let mut out = super::output::Stdout::default();
            let written = store
                .export_clients(viewer, options, &mut out)
                .and_then(|count| Ok(out.flush().map(|()| count)?));
            match (written, out.failure()) {
                (_, Some(failure)) => return Err(failure.into()),
                (result, None) => result?,
            }
        }
    };
    tell!("{}", trf("export.done", &[("count", &count)]));
    Ok(())
}
