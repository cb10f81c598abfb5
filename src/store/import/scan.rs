//! What a file says before its rows are read: where its header row is (1C and shop
//! reports put a title and a date above the table), and in which order it writes
//! day and month (`12/25/1982`), which takes a look at all its dates first.

use super::headers::{self, Column, Target};
use super::read::{self, ReadError, Rows};
use super::values::DateEvidence;
use super::ImportOptions;
use crate::domain::fields::Field;
use std::path::Path;

/// How far down a file the header row is looked for.
const HEADER_SEARCH_ROWS: usize = 10;

/// The header row: the first of the first few rows with two headers this program
/// knows (or the columns `--map` names), with its line.
pub fn find_header(
    rows: &mut Rows,
    options: &ImportOptions,
) -> Result<Option<(u64, Vec<String>)>, ReadError> {
    for _ in 0..HEADER_SEARCH_ROWS {
        match rows.next_row() {
            Some(Ok((line, record))) => {
                let cells: Vec<String> = record.iter().map(str::to_string).collect();
                if headers::known_headers(&cells) >= 2
                    || (!options.map.is_empty()
                        && headers::map_columns(&cells, &options.map).is_ok())
                {
                    return Ok(Some((line, cells)));
                }
            }
            Some(Err(e)) => return Err(e),
            None => break,
        }
    }
    Ok(None)
}

/// Whether a column holds dates.
fn is_date_column(target: Option<Target>) -> bool {
    matches!(
        target,
        Some(
            Target::Field(Field::Birthday)
                | Target::CreatedAt
                | Target::LastContactAt
                | Target::NextContactAt
                | Target::LastOrderAt
                | Target::ConsentProcessing
                | Target::ConsentMarketing
        )
    )
}

/// What the slashed dates below the header say about their order, with the first
/// ambiguous one and its column. A file without any reads no further than needed:
/// a text file is searched for a slash first.
pub fn date_evidence(
    path: &Path,
    header_line: u64,
    columns: &[Column],
) -> Result<FileDates, ReadError> {
    let dated: Vec<&Column> = columns
        .iter()
        .filter(|c| is_date_column(c.target))
        .collect();
    let mut found = FileDates::default();
    if dated.is_empty() {
        return Ok(found);
    }
    let (mut rows, _) = read::open(path)?;
    while let Some(next) = rows.next_row() {
        let (line, record) = next?;
        if line <= header_line {
            continue;
        }
        for column in &dated {
            let Some(cell) = record.get(column.index).filter(|c| c.contains('/')) else {
                continue;
            };
            let before = found.evidence.example.is_some();
            found.evidence.add(cell);
            if !before && found.evidence.example.is_some() {
                found.first_ambiguous = Some((column.header.clone(), cell.trim().to_string()));
            }
        }
    }
    Ok(found)
}

/// The date evidence of a file, and where its first ambiguous date is.
#[derive(Debug, Default)]
pub struct FileDates {
    pub evidence: DateEvidence,
    pub first_ambiguous: Option<(String, String)>,
}

impl FileDates {
    pub fn order(&self) -> super::values::DateOrder {
        self.evidence.order()
    }

    pub fn undecided(&self) -> bool {
        self.evidence.undecided()
    }
}
