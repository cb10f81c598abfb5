//! Reading a workbook (XLSX, XLSB, XLS, ODS) one row at a time, safely: a workbook is
//! a zip archive that a few hundred bytes can make claim a sheet of 16,384 × 1,048,576
//! cells or unpack to gigabytes, so the archive is checked before anything is
//! unpacked, cells are read as a stream (never as the dense rectangle a sheet claims),
//! and a cell beyond the last row or column a spreadsheet can have is refused.
//!
//! The rows come from a thread of their own through a short queue: the workbook
//! reader borrows the workbook, and the import reads rows at its own pace, so memory
//! stays flat in the size of the sheet.

use super::read::ReadError;
use calamine::{Data, Reader};
use csv::StringRecord;
use std::io::{Read, Seek};
use std::path::Path;
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};

/// The last column and row (0-based) of a spreadsheet: XFD and 1,048,576.
const LAST_COLUMN: u32 = 16_383;
const LAST_ROW: u32 = 1_048_575;
/// Unpacked size of all entries of a workbook's archive.
const MAX_UNPACKED_BYTES: u64 = 4 << 30;
/// Shared strings are held in memory whole by the reader.
const MAX_SHARED_STRINGS_BYTES: u64 = 512 << 20;
/// An entry larger than this that unpacks more than [`MAX_RATIO`] times its packed
/// size is a zip bomb: real sheets pack 5–30 times.
const BOMB_FLOOR_BYTES: u64 = 32 << 20;
const MAX_RATIO: u64 = 200;
/// Rows waiting between the reading thread and the import.
const QUEUE: usize = 256;

/// A row (its Excel row number and cells), or the reason the sheet stopped.
pub type SheetRow = Result<(u64, StringRecord), ReadError>;

/// Checks the archive of a zip-based workbook before anything is unpacked.
fn check_archive(path: &Path) -> Result<(), ReadError> {
    let file = std::fs::File::open(path)?;
    let mut archive = zip::ZipArchive::new(file).map_err(|e| ReadError::Workbook(e.to_string()))?;
    let mut total: u64 = 0;
    for index in 0..archive.len() {
        let entry = archive
            .by_index_raw(index)
            .map_err(|e| ReadError::Workbook(e.to_string()))?;
        let (size, packed) = (entry.size(), entry.compressed_size().max(1));
        let name = entry.name().map(|n| n.into_owned()).unwrap_or_default();
        total = total.saturating_add(size);
        let bomb = size > BOMB_FLOOR_BYTES && size / packed > MAX_RATIO;
        let strings_too_big =
            name.ends_with("sharedStrings.xml") && size > MAX_SHARED_STRINGS_BYTES;
        if bomb || strings_too_big || total > MAX_UNPACKED_BYTES {
            return Err(ReadError::TooLarge {
                what: name,
                bytes: size,
            });
        }
        if name.ends_with("sharedStrings.xml") {
            drop(entry);
            check_string_count(&mut archive, index, size)?;
        }
    }
    Ok(())
}

/// The reader reserves room for as many shared strings as the file says it holds
/// (`<sst uniqueCount="…">`): a count no file of this size can hold is refused, as
/// reserving it would abort the process.
fn check_string_count<R: Read + Seek>(
    archive: &mut zip::ZipArchive<R>,
    index: usize,
    size: u64,
) -> Result<(), ReadError> {
    let entry = archive
        .by_index(index)
        .map_err(|e| ReadError::Workbook(e.to_string()))?;
    let mut head = Vec::with_capacity(4096);
    entry.take(4096).read_to_end(&mut head)?;
    let head = String::from_utf8_lossy(&head);
    let count = head
        .split("uniqueCount=")
        .nth(1)
        .and_then(|rest| {
            rest.trim_start_matches(['"', '\''])
                .split(['"', '\''])
                .next()
        })
        .and_then(|n| n.trim().parse::<u64>().ok());
    // The shortest string entry is `<si/>`: five bytes.
    match count {
        Some(n) if n.saturating_mul(5) > size => Err(ReadError::TooLarge {
            what: "xl/sharedStrings.xml".into(),
            bytes: n.saturating_mul(24),
        }),
        _ => Ok(()),
    }
}

/// Opens a workbook and streams the rows of its first sheet that has data.
pub fn rows(path: &Path) -> Result<Receiver<SheetRow>, ReadError> {
    let zipped = !matches!(
        path.extension()
            .map(|e| e.to_string_lossy().to_lowercase())
            .as_deref(),
        Some("xls")
    );
    if zipped {
        check_archive(path)?;
    }
    let book =
        calamine::open_workbook_auto(path).map_err(|e| ReadError::Workbook(e.to_string()))?;
    let (sender, receiver) = sync_channel(QUEUE);
    std::thread::Builder::new()
        .name("workbook".into())
        .spawn(move || {
            let mut out = RowSender {
                sender,
                row: None,
                record: StringRecord::new(),
            };
            if let Err(e) = stream_first_sheet(book, &mut out) {
                let _ = out.sender.send(Err(e));
            }
        })?;
    Ok(receiver)
}

/// Gathers the cells of a row and sends each row when the next begins.
struct RowSender {
    sender: SyncSender<SheetRow>,
    /// The row being gathered (0-based) and its cells so far.
    row: Option<u32>,
    record: StringRecord,
}

/// The import stopped reading: nothing more to send.
struct Gone;

impl RowSender {
    fn cell(
        &mut self,
        (row, column): (u32, u32),
        text: String,
    ) -> Result<Result<(), Gone>, ReadError> {
        if row > LAST_ROW || column > LAST_COLUMN {
            return Err(ReadError::BeyondSheet {
                cell: cell_name(row, column),
            });
        }
        if text.is_empty() {
            return Ok(Ok(()));
        }
        if self.row != Some(row) {
            if let Err(gone) = self.flush() {
                return Ok(Err(gone));
            }
            self.row = Some(row);
        }
        // Keep the sheet's columns where they are, even with empty cells before.
        while (self.record.len() as u32) < column {
            self.record.push_field("");
        }
        if (self.record.len() as u32) == column {
            self.record.push_field(&text);
        }
        Ok(Ok(()))
    }

    fn flush(&mut self) -> Result<(), Gone> {
        if let Some(row) = self.row.take() {
            let record = std::mem::take(&mut self.record);
            self.sender
                .send(Ok((u64::from(row) + 1, record)))
                .map_err(|_| Gone)?;
        }
        Ok(())
    }
}

fn stream_first_sheet<RS: Read + Seek>(
    book: calamine::Sheets<RS>,
    out: &mut RowSender,
) -> Result<(), ReadError> {
    let bad = |e: &dyn std::fmt::Display| ReadError::Workbook(e.to_string());
    match book {
        calamine::Sheets::Xlsx(mut book) => {
            for name in book.sheet_names().to_vec() {
                let mut cells = book.worksheet_cells_reader(&name).map_err(|e| bad(&e))?;
                let mut any = false;
                while let Some(cell) = cells.next_cell().map_err(|e| bad(&e))? {
                    any = true;
                    let text = cell_text(&Data::from(cell.get_value().clone()));
                    if out.cell(cell.get_position(), text)?.is_err() {
                        return Ok(());
                    }
                }
                if any {
                    break;
                }
            }
        }
        calamine::Sheets::Xlsb(mut book) => {
            for name in book.sheet_names().to_vec() {
                let mut cells = book.worksheet_cells_reader(&name).map_err(|e| bad(&e))?;
                let mut any = false;
                while let Some(cell) = cells.next_cell().map_err(|e| bad(&e))? {
                    any = true;
                    let text = cell_text(&Data::from(cell.get_value().clone()));
                    if out.cell(cell.get_position(), text)?.is_err() {
                        return Ok(());
                    }
                }
                if any {
                    break;
                }
            }
        }
        // Old XLS and ODS have no cell stream: their range is read whole, after the
        // archive check (ODS) or from a file no bigger than it is (XLS).
        mut other => {
            for name in other.sheet_names().to_vec() {
                let range = other.worksheet_range(&name).map_err(|e| bad(&e))?;
                if range.is_empty() {
                    continue;
                }
                for (row, column, cell) in range.used_cells() {
                    let (first_row, first_column) = range.start().unwrap_or((0, 0));
                    let at = (first_row + row as u32, first_column + column as u32);
                    if out.cell(at, cell_text(cell))?.is_err() {
                        return Ok(());
                    }
                }
                break;
            }
        }
    }
    let _ = out.flush();
    Ok(())
}

/// `A1`, `XFD1048576`: a cell's name as a spreadsheet shows it.
fn cell_name(row: u32, column: u32) -> String {
    let mut letters = Vec::new();
    let mut n = u64::from(column) + 1;
    while n > 0 {
        let rem = ((n - 1) % 26) as u8;
        letters.push((b'A' + rem) as char);
        n = (n - 1) / 26;
    }
    letters.reverse();
    format!(
        "{}{}",
        letters.into_iter().collect::<String>(),
        u64::from(row) + 1
    )
}

/// A cell as text: dates as `YYYY-MM-DD`, whole numbers without a decimal point (a
/// phone typed as a number is `79161234567`, not `7.9e10`).
pub fn cell_text(cell: &Data) -> String {
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
    fn cells_are_named_as_a_spreadsheet_names_them() {
        assert_eq!(cell_name(0, 0), "A1");
        assert_eq!(cell_name(1_048_575, 16_383), "XFD1048576");
        assert_eq!(cell_name(9, 27), "AB10");
    }
}
