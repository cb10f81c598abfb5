//! Reading a spreadsheet into rows of text cells, whatever wrote it: CSV or TSV from
//! Excel, Google Sheets or 1C (delimiter `,` `;` or tab; UTF-8 with or without BOM,
//! UTF-16 with BOM, or Windows-1251), or a workbook (XLSX, XLS, ODS) through calamine.
//! Every row keeps the line number a person sees in their editor.

use super::workbook;
use crate::i18n::{os_error, trf};
use csv::StringRecord;
use std::path::Path;

/// Why a file could not be read at all (as opposed to a bad row).
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("{}", os_error(.0))]
    Io(#[from] std::io::Error),
    #[error("{0}")]
    Csv(#[from] csv::Error),
    #[error("{0}")]
    Workbook(String),
    /// A part of a workbook that unpacks to more than any real sheet does.
    #[error("{}", trf("import.workbook_too_large", &[("part", .what), ("mib", &(.bytes >> 20))]))]
    TooLarge { what: String, bytes: u64 },
    /// A quoted value that never ends would make the rest of the file one value.
    #[error("{}", trf("import.unclosed_quote", &[("line", .line)]))]
    UnclosedQuote { line: u64 },
    /// A cell past XFD1048576, which no spreadsheet program writes.
    #[error("{}", trf("import.beyond_sheet", &[("cell", .cell)]))]
    BeyondSheet { cell: String },
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
/// UTF-8, else Windows-1251 (what Excel on a Russian Windows saves "CSV" as) — unless
/// the bytes are UTF-8 but for a few damaged ones, which are replaced by `�` (the
/// line of the first is returned), rather than reading the whole file as Windows-1251.
pub fn decode(bytes: Vec<u8>) -> (String, Encoding) {
    let (text, encoding, _) = decode_with_damage(bytes);
    (text, encoding)
}

/// [`decode`], and the line of the first byte that is not UTF-8 in an otherwise
/// UTF-8 file.
pub fn decode_with_damage(bytes: Vec<u8>) -> (String, Encoding, Option<u64>) {
    if let Some((encoding, bom)) = encoding_rs::Encoding::for_bom(&bytes) {
        let (text, _) = encoding.decode_without_bom_handling(&bytes[bom..]);
        let kind = if encoding == encoding_rs::UTF_8 {
            Encoding::Utf8
        } else {
            Encoding::Utf16
        };
        return (text.into_owned(), kind, None);
    }
    match String::from_utf8(bytes) {
        Ok(text) => (text, Encoding::Utf8, None),
        Err(err) => {
            let bytes = err.into_bytes();
            if let Some(first_bad) = mostly_utf8(&bytes) {
                let line = 1 + bytes[..first_bad].iter().filter(|b| **b == b'\n').count() as u64;
                let text = String::from_utf8_lossy(&bytes).into_owned();
                return (text, Encoding::Utf8, Some(line));
            }
            let (text, _, _) = encoding_rs::WINDOWS_1251.decode(&bytes);
            (text.into_owned(), Encoding::Windows1251, None)
        }
    }
}

/// Whether invalid bytes are rare damage in UTF-8 text (many well-formed multi-byte
/// characters, few bad bytes), rather than a single-byte encoding, where every
/// letter outside ASCII is invalid UTF-8. Returns the offset of the first bad byte.
fn mostly_utf8(bytes: &[u8]) -> Option<usize> {
    let (mut good, mut bad, mut first_bad) = (0usize, 0usize, None);
    let mut rest = bytes;
    let mut offset = 0;
    loop {
        match std::str::from_utf8(rest) {
            Ok(valid) => {
                good += valid.chars().filter(|c| !c.is_ascii()).count();
                break;
            }
            Err(e) => {
                let valid = &rest[..e.valid_up_to()];
                // Safe: `valid_up_to` bytes are UTF-8.
                good += std::str::from_utf8(valid)
                    .map(|v| v.chars().filter(|c| !c.is_ascii()).count())
                    .unwrap_or(0);
                bad += 1;
                first_bad.get_or_insert(offset + e.valid_up_to());
                let skip = e.valid_up_to() + e.error_len().unwrap_or(rest.len() - e.valid_up_to());
                offset += skip;
                rest = &rest[skip..];
            }
        }
    }
    (good >= 10 * bad).then_some(first_bad).flatten()
}

/// The line where a quoted value opens that the file never closes (RFC 4180: a
/// quote opens a value only at its start; `""` inside is a quote).
fn unclosed_quote(text: &str, delimiter: u8) -> Option<u64> {
    let delimiter = delimiter as char;
    let (mut line, mut opened_at) = (1u64, None);
    let mut at_field_start = true;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (opened_at, c) {
            (Some(_), '"') if chars.peek() == Some(&'"') => {
                chars.next();
            }
            (Some(_), '"') => opened_at = None,
            (None, '"') if at_field_start => opened_at = Some(line),
            _ => {}
        }
        if c == '\n' {
            line += 1;
        }
        at_field_start = opened_at.is_none() && (c == delimiter || c == '\n');
    }
    opened_at
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
        rows: std::sync::mpsc::Receiver<workbook::SheetRow>,
        record: StringRecord,
    },
    /// vCards, a row each (see `vcard`).
    Cards {
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
    /// The line of the first byte of an otherwise UTF-8 file that is not UTF-8 (it
    /// was read as `�`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub damaged_line: Option<u64>,
}

/// Opens a file by its extension: a workbook, or else delimited text.
pub fn open(path: &Path) -> Result<(Rows, FileFormat), ReadError> {
    let extension = path
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    if matches!(extension.as_str(), "xlsx" | "xlsm" | "xls" | "xlsb" | "ods") {
        let rows = workbook::rows(path)?;
        let format = FileFormat {
            kind: extension,
            damaged_line: None,
            encoding: None,
            delimiter: None,
        };
        let rows = Rows::Sheet {
            rows,
            record: StringRecord::new(),
        };
        return Ok((rows, format));
    }
    let bytes = std::fs::read(path)?;
    let card_file = matches!(extension.as_str(), "vcf" | "vcard")
        || super::vcard::is_vcard(&String::from_utf8_lossy(&bytes[..bytes.len().min(64)]));
    if card_file {
        let format = FileFormat {
            kind: "vcf".into(),
            damaged_line: None,
            encoding: None,
            delimiter: None,
        };
        let rows = Rows::Cards {
            rows: super::vcard::rows(bytes).into_iter(),
            record: StringRecord::new(),
        };
        return Ok((rows, format));
    }
    let (text, encoding, damaged) = decode_with_damage(bytes);
    // Windows line ends as one: the CSV reader counts a CRLF file's lines one short,
    // and a note's line break is a line break whichever the file used.
    let text = if text.contains('\r') {
        text.replace("\r\n", "\n")
    } else {
        text
    };
    let delimiter = detect_delimiter(&text);
    if let Some(line) = unclosed_quote(&text, delimiter) {
        return Err(ReadError::UnclosedQuote { line });
    }
    let reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(std::io::Cursor::new(text.into_bytes()));
    let format = FileFormat {
        kind: if delimiter == b'\t' { "tsv" } else { "csv" }.into(),
        damaged_line: damaged,
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
            Rows::Cards { rows, record } => rows.next().map(|(line, next)| {
                *record = next;
                Ok((line, &*record))
            }),
            Rows::Sheet { rows, record } => match rows.recv().ok()? {
                Ok((line, next)) => {
                    *record = next;
                    Some(Ok((line, &*record)))
                }
                Err(e) => Some(Err(e)),
            },
        }
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
    fn a_damaged_byte_does_not_make_a_utf8_file_windows_1251() {
        let mut bytes = "ФИО;Город\nИванов Иван;Москва\nПетров Пётр;"
            .as_bytes()
            .to_vec();
        bytes.push(0xFF);
        bytes.extend_from_slice("Тверь\n".as_bytes());
        let (text, encoding, damaged) = decode_with_damage(bytes);
        assert_eq!(encoding, Encoding::Utf8);
        assert_eq!(damaged, Some(3));
        assert!(text.contains("Петров Пётр;\u{fffd}Тверь"));
        let (cp1251, _, _) = encoding_rs::WINDOWS_1251.encode("ФИО;Город\nИванов Иван;Москва\n");
        assert_eq!(
            decode_with_damage(cp1251.into_owned()).1,
            Encoding::Windows1251
        );
    }

    #[test]
    fn an_unclosed_quote_is_found_where_it_opens() {
        assert_eq!(unclosed_quote("a,b\n1,\"x\n2,y\n3,z\n", b','), Some(2));
        assert_eq!(unclosed_quote("a,b\n\"1\"\"2\",\"x\ny\"\n", b','), None);
        // A quote inside an unquoted value is a character, not an opening.
        assert_eq!(unclosed_quote("a;b\nдюйм 5\";x\n", b';'), None);
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
