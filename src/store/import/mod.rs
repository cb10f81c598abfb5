//! `import`: clients from a spreadsheet (SPEC §5). The file is read one row at a
//! time; each row is checked by the same rules as `client add`, matched against the
//! base and the earlier rows for duplicates, and written through the one write path.
//! A real import is one transaction: with a rejected row (and no `--skip-invalid`)
//! the rest of the file is still checked, so that every problem is reported, and
//! nothing is kept. A dry run does the same reading and matching and writes nothing.
//!
//! Order totals travel as the file has them: an `orders` column (what `export`
//! writes: each order's date and amount) gives back each order; a file with only
//! `total_spent` / `orders_count` / `last_order_at` (a typical spreadsheet) gets one
//! summary order of the total on the last order's date, so the total, the last order
//! and the base type are right while the number of orders becomes one.

pub mod headers;
mod load;
mod managers;
mod plan;
pub mod read;
pub mod rows;
mod scan;
pub mod values;
mod vcard;
mod workbook;

pub use headers::{Column, Target};
pub use plan::{DuplicateLine, OnDuplicate, Outcome};
pub use read::{FileFormat, ReadError};
pub use rows::Problem;

use super::error::{StoreError, StoreResult};
use super::{Store, Viewer};
use crate::domain::fields::Field;
use crate::i18n::{tr_value, trf};
use managers::Managers;
use plan::{find_duplicate, Match, Seen};
use rows::{ImportRow, RowRead, RowReader};
use rusqlite::config::DbConfig;
use scan::{date_evidence, find_header};
use std::collections::BTreeSet;
use std::path::Path;

/// How many rows are written between two progress reports.
pub const PROGRESS_EVERY: usize = 10_000;

/// How many rows of new clients are held before they are written together.
const QUEUE_ROWS: usize = 20_000;

#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    pub dry_run: bool,
    /// Import the good rows and report the bad ones, instead of importing nothing.
    pub skip_invalid: bool,
    pub on_duplicate: OnDuplicate,
    /// Who gets the clients (leads and admins may name someone else); default: the viewer.
    pub manager: Option<String>,
    /// `--map COLUMN=field` overrides, header text → target.
    pub map: Vec<(String, Target)>,
    /// `--date-order dmy|mdy`: how to read `1/2/2024` when the file does not tell.
    pub date_order: Option<values::DateOrder>,
}

/// Reads `COLUMN=field` of `--map`.
pub fn parse_map(spec: &str) -> StoreResult<(String, Target)> {
    let (column, field) = spec
        .rsplit_once('=')
        .ok_or_else(|| StoreError::bad_value("--map", spec, "COLUMN=field"))?;
    let target = Target::parse(field)
        .ok_or_else(|| StoreError::bad_value("--map", field, Target::all_codes()))?;
    Ok((column.trim().to_string(), target))
}

/// What an import did, or in a dry run would do.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct ImportReport {
    pub file: String,
    pub format: Option<FileFormat>,
    /// The header row's line and how each column is read.
    pub header_line: u64,
    pub columns: Vec<Column>,
    pub dry_run: bool,
    /// Whether anything was written.
    pub written: bool,
    pub rows: usize,
    pub created: usize,
    pub merged: usize,
    pub skipped: usize,
    pub rejected: usize,
    pub problems: Vec<Problem>,
    /// Lines of totals rows (`Итого:`), which are not clients.
    pub totals_lines: Vec<u64>,
    /// How the file writes `1/2/2024`, as its dates showed or `--date-order` said.
    pub date_order: values::DateOrder,
    pub duplicates: Vec<DuplicateLine>,
    pub warnings: Vec<String>,
    /// How long indexing the new clients' search text took, after the commit.
    #[serde(skip)]
    pub search_index_ms: u64,
}

impl ImportReport {
    /// `file:line: column: what is wrong`, one per problem.
    pub fn problem_lines(&self) -> impl Iterator<Item = String> + '_ {
        self.problems
            .iter()
            .map(|p| format!("{}:{}: {}: {}", self.file, p.line, p.column, p.message))
    }
}

/// Why a file could not be imported at all.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("{}", trf("import.unreadable", &[("file", .file), ("reason", .reason)]))]
    Unreadable { file: String, reason: String },
    #[error("{}", trf("import.no_header", &[("file", .0)]))]
    NoHeader(String),
    #[error("{}", trf("import.map_column_missing", &[("file", .file), ("column", .column)]))]
    MapColumnMissing { file: String, column: String },
    /// No column gives a client's name: said once for the file, not on every row.
    #[error("{}", trf("import.no_name_column", &[("file", .file), ("columns", .columns)]))]
    NoNameColumn { file: String, columns: String },
    /// Slashed dates that fit both orders, and nothing in the file tells which.
    #[error("{}", trf("import.date_order_ask", &[("file", .file), ("column", .column), ("example", .example)]))]
    DateOrderUnknown {
        file: String,
        column: String,
        example: String,
    },
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<rusqlite::Error> for ImportError {
    fn from(err: rusqlite::Error) -> Self {
        ImportError::Store(err.into())
    }
}

impl Store {
    /// Imports a spreadsheet for `viewer` (or checks it, with `dry_run`). `progress` is
    /// called with the number of rows read, every [`PROGRESS_EVERY`] rows.
    pub fn import_file(
        &mut self,
        viewer: &Viewer,
        path: &Path,
        options: &ImportOptions,
        mut progress: impl FnMut(usize),
    ) -> Result<ImportReport, ImportError> {
        let file = path.display().to_string();
        let unreadable = |e: ReadError| ImportError::Unreadable {
            file: file.clone(),
            reason: e.to_string(),
        };
        let (mut rows, format) = read::open(path).map_err(unreadable)?;
        // A vCard's cells are named by the reader, each with what it is.
        let mut options = options.clone();
        if format.kind == "vcf" {
            options.map.extend(
                vcard::COLUMNS
                    .iter()
                    .map(|(header, target)| (header.to_string(), *target)),
            );
        }
        let options = &options;
        let mut report = ImportReport {
            file: file.clone(),
            dry_run: options.dry_run,
            ..ImportReport::default()
        };
        if let Some(line) = format.damaged_line {
            report.warnings.push(trf(
                "import.damaged_byte",
                &[("file", &file), ("line", &line)],
            ));
        }
        report.format = Some(format);
        let (header_line, cells) = find_header(&mut rows, options)
            .map_err(unreadable)?
            .ok_or_else(|| ImportError::NoHeader(file.clone()))?;
        let columns = headers::map_columns(&cells, &options.map).map_err(|column| {
            ImportError::MapColumnMissing {
                file: file.clone(),
                column,
            }
        })?;
        let not_imported: Vec<&str> = columns
            .iter()
            .filter(|c| matches!(c.target, None | Some(Target::Ignore)) && !c.header.is_empty())
            .map(|c| c.header.as_str())
            .collect();
        if !not_imported.is_empty() {
            report.warnings.push(tr_value(
                "import.columns_not_imported",
                not_imported.join(", "),
            ));
        }
        let names_a_client = columns.iter().any(|c| {
            matches!(
                c.target,
                Some(Target::Field(
                    Field::Name
                        | Field::LastName
                        | Field::FirstName
                        | Field::Patronymic
                        | Field::Company
                ))
            )
        });
        if !names_a_client {
            return Err(ImportError::NoNameColumn {
                file: file.clone(),
                columns: cells
                    .iter()
                    .filter(|c| !c.trim().is_empty())
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(", "),
            });
        }
        report.date_order = match options.date_order {
            Some(order) => order,
            None => {
                let evidence = date_evidence(path, header_line, &columns).map_err(unreadable)?;
                if evidence.undecided() {
                    let (column, example) = evidence.first_ambiguous.clone().unwrap_or_default();
                    return Err(ImportError::DateOrderUnknown {
                        file: file.clone(),
                        column,
                        example,
                    });
                }
                evidence.order()
            }
        };
        report.header_line = header_line;

        report.columns = columns.clone();
        // The per-row statements must not be re-planned for each bound value: without
        // the planner stability guarantee SQLite re-prepares the duplicate lookup on
        // every row (a partial index makes its plan depend on the value), which costs
        // more than the lookup. Restored when the import ends.
        self.conn
            .set_db_config(DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG, true)?;
        let result = self.import_rows(
            viewer,
            options,
            &mut rows,
            &columns,
            report,
            &unreadable,
            &mut progress,
        );
        self.conn
            .set_db_config(DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG, false)?;
        result
    }

    /// Reads, checks and (unless a dry run) writes every row, in one transaction. A
    /// dry run takes the same path and rolls back, so it reports exactly what a real
    /// run would; it holds the write lock while it reads, like a real run.
    #[allow(clippy::too_many_arguments)]
    fn import_rows(
        &mut self,
        viewer: &Viewer,
        options: &ImportOptions,
        rows: &mut read::Rows,
        columns: &[Column],
        mut report: ImportReport,
        unreadable: &dyn Fn(ReadError) -> ImportError,
        progress: &mut dyn FnMut(usize),
    ) -> Result<ImportReport, ImportError> {
        let mut managers = Managers::new(self, viewer, options, columns, &mut report)?;
        let mut reader = RowReader::new(columns, super::clients::today(), report.date_order);
        let mut seen = Seen::default();
        let mut touched: BTreeSet<i64> = BTreeSet::new();
        let mut failed: Option<ImportError> = None;
        // A bulk load touches many index pages (phones and e-mails land anywhere in
        // theirs): a larger cache for its duration only. 64 MiB: measured on 100k rows,
        // 256 MiB was no faster and held 350 MB.
        self.conn.pragma_update(None, "cache_size", -65_536)?;
        let mut search = load::SearchBatch::default();
        let result = self.write_if(Some(viewer), |w| {
            w.defer_facts();
            let mut ids = load::NewIds::after_existing(w)?;
            while let Some(next) = rows.next_row() {
                let (line, record) = match next {
                    Ok(read) => read,
                    Err(e) => {
                        failed = Some(unreadable(e));
                        break;
                    }
                };
                let mut row = match reader.read(line, record) {
                    Ok(RowRead::Row(row)) => row,
                    Ok(RowRead::Empty) => continue,
                    Ok(RowRead::Totals) => {
                        report.totals_lines.push(line);
                        continue;
                    }
                    Err(problems) => {
                        report.rows += 1;
                        reject(&mut report, problems);
                        continue;
                    }
                };
                report.rows += 1;
                if report.rows % PROGRESS_EVERY == 0 {
                    progress(report.rows);
                }
                report.problems.extend(row.kept.iter().cloned());
                let manager = managers.resolve(&mut row);
                // After a rejected row nothing will be kept: only check the rest.
                let writing = !options.dry_run && (options.skip_invalid || report.rejected == 0);
                match classify(
                    w.tx(),
                    viewer,
                    &seen,
                    &row,
                    options.on_duplicate,
                    &mut report,
                )? {
                    Decision::Create => {
                        report.created += 1;
                        let id = if writing {
                            Some(load::create(w, &mut ids, &mut search, &row, manager)?)
                        } else {
                            None
                        };
                        seen.remember(&row, id);
                        if w.queued_rows() >= QUEUE_ROWS {
                            w.flush_queue()?;
                        }
                    }
                    Decision::Merge(target) => {
                        report.merged += 1;
                        if let (true, Some(id)) = (writing, target) {
                            // The client may be one of this file's, still queued.
                            w.flush_queue()?;
                            load::merge(w, id, &row)?;
                            touched.insert(id);
                        }
                    }
                    Decision::Leave => report.skipped += 1,
                }
            }
            let keep = failed.is_none()
                && !options.dry_run
                && (options.skip_invalid || report.rejected == 0)
                && report.created + report.merged > 0;
            if keep {
                w.flush_queue()?;
                search.mark_backlog(w)?;
                // Merged clients changed after their facts were written: derive them anew.
                for id in &touched {
                    super::facts::refresh_client(w.tx(), *id, w.settings())?;
                }
            }
            report.written = keep;
            Ok(((), keep))
        });
        if !managers.unknown.is_empty() {
            report.warnings.push(trf(
                "import.unknown_managers",
                &[
                    ("names", &managers.unknown.join(", ")),
                    ("manager", &managers.default_login),
                ],
            ));
        }
        if result.is_ok() && report.written {
            let start = std::time::Instant::now();
            // The clients are committed: a failure now (a full disk) must not be told as
            // an import that saved nothing. Their backlog entry gets them indexed later.
            if let Err(e) = search.write(&mut self.conn, &self.path, &viewer.login) {
                report
                    .warnings
                    .push(trf("import.search_index_later", &[("reason", &e)]));
            }
            report.search_index_ms = start.elapsed().as_millis() as u64;
        }
        self.conn.pragma_update(None, "cache_size", -2_000)?;
        result?;
        match failed {
            Some(err) => Err(err),
            None => Ok(report),
        }
    }
}

fn reject(report: &mut ImportReport, problems: Vec<Problem>) {
    report.rejected += 1;
    report.problems.extend(problems);
}

enum Decision {
    Create,
    /// Merge into this client (unknown in a dry run, or for an earlier row not written).
    Merge(Option<i64>),
    Leave,
}

/// Decides what happens to a row and records a duplicate in the report.
fn classify(
    conn: &rusqlite::Connection,
    viewer: &Viewer,
    seen: &Seen,
    row: &ImportRow,
    policy: OnDuplicate,
    report: &mut ImportReport,
) -> StoreResult<Decision> {
    let Some((found, value)) = find_duplicate(conn, viewer, seen, row)? else {
        return Ok(Decision::Create);
    };
    let (number, earlier_line, target, visible) = match found {
        Match::Existing { id, number } => {
            let visible = number.is_some();
            (number, None, Some(id), visible)
        }
        Match::Earlier { line, id } => (None, Some(line), id, true),
    };
    let (decision, outcome) = match policy {
        _ if !visible => (Decision::Leave, Outcome::NotVisible),
        OnDuplicate::Skip => (Decision::Leave, Outcome::Skipped),
        OnDuplicate::Merge => (Decision::Merge(target), Outcome::Merged),
        OnDuplicate::Create => (Decision::Create, Outcome::Created),
    };
    report.duplicates.push(DuplicateLine {
        line: row.line,
        value,
        number,
        earlier_line,
        outcome,
    });
    Ok(decision)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::listing::ListQuery;

    fn found(store: &Store, viewer: &Viewer, text: &str) -> usize {
        let query = ListQuery {
            search: text.into(),
            ..ListQuery::default()
        };
        store
            .list_clients(viewer, &query, None, 10)
            .unwrap()
            .rows
            .len()
    }

    #[test]
    fn clients_imported_before_a_stop_are_indexed_on_the_next_open() {
        let dir = tempfile::tempdir().unwrap();
        let (db, csv) = (dir.path().join("base.db"), dir.path().join("c.csv"));
        std::fs::write(
            &csv,
            "ФИО;Телефон\nЩербакова Ольга;+79031234567\nЁлкин Пётр;89161112233\n",
        )
        .unwrap();
        let mut store = Store::open_as_device(&db, "device-a").unwrap();
        let admin = store.init("admin", "Admin").unwrap();
        let report = store
            .import_file(&admin, &csv, &ImportOptions::default(), |_| {})
            .unwrap();
        assert_eq!(report.created, 2);
        assert_eq!(found(&store, &admin, "щербак"), 1);
        assert_eq!(found(&store, &admin, "елкин"), 1);
        // As if the process had stopped after the import's commit, before its index.
        store
            .conn
            .execute_batch(
                "DELETE FROM client_search;
                 INSERT INTO search_backlog (first_id, last_id) SELECT min(id), max(id) FROM clients;",
            )
            .unwrap();
        assert_eq!(found(&store, &admin, "щербак"), 0);
        drop(store);
        let store = Store::open_as_device(&db, "device-a").unwrap();
        assert_eq!(found(&store, &admin, "щербак"), 1);
        assert_eq!(found(&store, &admin, "9161112233"), 1);
        let backlog: i64 = store
            .conn
            .query_row("SELECT count(*) FROM search_backlog", [], |r| r.get(0))
            .unwrap();
        assert_eq!(backlog, 0);
    }
}
