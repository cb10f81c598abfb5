//! Reading a spreadsheet into rows of text cells, whatever wrote it: CSV or TSV from
//! Excel, Google Sheets or 1C (delimiter `,` `;` or tab; UTF-8 with or without BOM,
//! UTF-16 with BOM, or Windows-1251), or a workbook (XLSX, XLS, ODS) through calamine.
//! Every row keeps the line number a person sees in their editor.

use calamine::{Data, Reader};
use csv::StringRecord;
use std::path::Path;

/// Why a file could not be read at all (as opposed to a bad row).
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("{0}")]
    Csv(#[from] csv::Error),
    #[error("{0}")]
    Workbook(String),
}

/// The text encodings a spreadsheet arrives in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum Encoding {
    Utf8,
    Utf16,
    Windows1251,
}

impl Encoding {
    pub fn name(self) -> &'static str {
        match self {
            Encoding::Utf8 => "UTF-8",
            Encoding::Utf16 => "UTF-16",
            Encoding::Windows1251 => "Windows-1251",
        }
    }
}

/// Decodes the bytes of a text file: a BOM decides; else UTF-8 if the bytes are valid
/// UTF-8, else Windows-1251 (what Excel on a Russian Windows saves "CSV" as).
pub fn decode(bytes: Vec<u8>) -> (String, Encoding) {
    if let Some((encoding, bom)) = encoding_rs::Encoding::for_bom(&bytes) {
        let (text, _) = encoding.decode_without_bom_handling(&bytes[bom..]);
        let kind = if encoding == encoding_rs::UTF_8 {
            Encoding::Utf8
        } else {
            Encoding::Utf16
        };
        return (text.into_owned(), kind);
    }
    match String::from_utf8(bytes) {
        Ok(text) => (text, Encoding::Utf8),
        Err(err) => {
            let (text, _, _) = encoding_rs::WINDOWS_1251.decode(err.as_bytes());
            (text.into_owned(), Encoding::Windows1251)
        }
    }
}

/// The delimiter of a CSV text: the one of `;`, tab and `,` that splits the first
/// lines into the same, largest number of cells (quoted text does not count).
pub fn detect_delimiter(text: &str) -> u8 {
    let lines: Vec<&str> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .take(10)
        .collect();
    let count = |line: &str, delimiter: char| {
        let mut quoted = false;
        line.chars()
            .filter(|c| {
                if *c == '"' {
                    quoted = !quoted;
                }
                !quoted && *c == delimiter
            })
            .count()
    };
    let mut best = (b',', 0usize, false);
    for delimiter in [';', '\t', ','] {
        let counts: Vec<usize> = lines.iter().map(|l| count(l, delimiter)).collect();
        let most = counts.iter().copied().max().unwrap_or(0);
        let steady = counts.iter().all(|c| *c == most);
        // A steady count beats a larger ragged one (commas inside unquoted text).
        if most > 0 && ((steady && !best.2) || (steady == best.2 && most > best.1)) {
            best = (delimiter as u8, most, steady);
        }
    }
    best.0
}

/// Rows of a file, one at a time.
pub enum Rows {
    Csv {
        reader: csv::Reader<std::io::Cursor<Vec<u8>>>,
        record: StringRecord,
    },
    Sheet {
        rows: std::vec::IntoIter<(u64, StringRecord)>,
        record: StringRecord,
    },
}

/// What was found about a file before its rows.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FileFormat {
    /// `csv`, `xlsx`…
    pub kind: String,
    pub encoding: Option<Encoding>,
    pub delimiter: Option<String>,
}

/// Opens a file by its extension: a workbook, or else delimited text.
pub fn open(path: &Path) -> Result<(Rows, FileFormat), ReadError> {
    let extension = path
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    if matches!(extension.as_str(), "xlsx" | "xlsm" | "xls" | "xlsb" | "ods") {
        let rows = read_workbook(path)?;
        let format = FileFormat {
            kind: extension,
            encoding: None,
            delimiter: None,
        };
        let rows = Rows::Sheet {
            rows: rows.into_iter(),
            record: StringRecord::new(),
        };
        return Ok((rows, format));
    }
    let (text, encoding) = decode(std::fs::read(path)?);
    let delimiter = detect_delimiter(&text);
    let reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(std::io::Cursor::new(text.into_bytes()));
    let format = FileFormat {
        kind: if delimiter == b'\t' { "tsv" } else { "csv" }.into(),
        encoding: Some(encoding),
        delimiter: Some(match delimiter {
            b'\t' => "tab".into(),
            other => (other as char).to_string(),
        }),
    };
    Ok((
        Rows::Csv {
            reader,
            record: StringRecord::new(),
        },
        format,
    ))
}

impl Rows {
    /// The next row and the line it starts on; `None` at the end.
    pub fn next_row(&mut self) -> Option<Result<(u64, &StringRecord), ReadError>> {
        match self {
            Rows::Csv { reader, record } => match reader.read_record(record) {
                Ok(true) => {
                    let line = record.position().map_or(0, |p| p.line());
                    Some(Ok((line, &*record)))
                }
                Ok(false) => None,
                Err(err) => Some(Err(err.into())),
            },
            Rows::Sheet { rows, record } => rows.next().map(|(line, next)| {
                *record = next;
                Ok((line, &*record))
            }),
        }
    }
}

/// The first sheet with data, as text: dates as `YYYY-MM-DD`, whole numbers without
/// a decimal point (a phone typed as a number is `79161234567`, not `7.9e10`).
fn read_workbook(path: &Path) -> Result<Vec<(u64, StringRecord)>, ReadError> {
    let mut book =
        calamine::open_workbook_auto(path).map_err(|e| ReadError::Workbook(e.to_string()))?;
    let names = book.sheet_names().to_vec();
    for name in names {
        let range = book
            .worksheet_range(&name)
            .map_err(|e| ReadError::Workbook(e.to_string()))?;
        if range.is_empty() {
            continue;
        }
        let first_row = range.start().map_or(0, |(row, _)| row as u64);
        let first_col = range.start().map_or(0, |(_, col)| col as usize);
        return Ok(range
            .rows()
            .enumerate()
            .map(|(i, cells)| {
                let mut record = StringRecord::new();
                // Keep the sheet's columns where they are, even if A is empty.
                for _ in 0..first_col {
                    record.push_field("");
                }
                for cell in cells {
                    record.push_field(&cell_text(cell));
                }
                (first_row + i as u64 + 1, record)
            })
            .collect());
    }
    Ok(Vec::new())
}

fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(d) if d.is_datetime() => {
            let (y, mo, day, h, mi, sec, _) = d.to_ymd_hms_milli();
            if (h, mi, sec) == (0, 0, 0) {
                format!("{y:04}-{mo:02}-{day:02}")
            } else {
                format!("{y:04}-{mo:02}-{day:02}T{h:02}:{mi:02}:{sec:02}")
            }
        }
        Data::DateTime(d) => d.as_f64().to_string(),
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Error(e) => format!("#{e:?}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodings_are_told_apart() {
        let text = "ФИО;Телефон\nИванов;+7 916\n";
        assert_eq!(
            decode(text.as_bytes().to_vec()),
            (text.to_string(), Encoding::Utf8)
        );
        let mut with_bom = vec![0xEF, 0xBB, 0xBF];
        with_bom.extend_from_slice(text.as_bytes());
        assert_eq!(decode(with_bom), (text.to_string(), Encoding::Utf8));
        let (cp1251, _, _) = encoding_rs::WINDOWS_1251.encode(text);
        assert_eq!(
            decode(cp1251.into_owned()),
            (text.to_string(), Encoding::Windows1251)
        );
    }

    #[test]
    fn delimiters_are_detected() {
        assert_eq!(detect_delimiter("a;b;c\n1;2;3\n"), b';');
        assert_eq!(detect_delimiter("a\tb\n1\t2\n"), b'\t');
        assert_eq!(detect_delimiter("a,b\n\"x;y\",2\n"), b',');
        // Commas inside names do not beat a steady semicolon.
        assert_eq!(detect_delimiter("ФИО;Город\nИванов, Иван;Москва\n"), b';');
    }
}
