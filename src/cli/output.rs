//! Aligned tables for people, JSON for scripts, times in local time; and the one way
//! text reaches the terminal: [`say`] and [`tell`] (the `say!` / `tell!` macros) drop
//! control characters a stored value could carry (a value typed with an escape
//! sequence must never recolour or retitle the terminal), and a closed or full
//! standard output is an error the caller can tell apart, not a panic.

use crate::domain::dates::format_date;
use crate::domain::text::printable;
use crate::i18n::{language, tr_value};
use chrono::{DateTime, Local, Utc};
use std::io::Write;
use unicode_width::UnicodeWidthStr;

/// Standard output could not take what was printed.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    /// The reader went away (`| head`): the command stops quietly.
    #[error("standard output closed")]
    Closed,
    /// Anything else (`> /dev/full`): said plainly.
    #[error("{}", tr_value("error.stdout", crate::i18n::os_error(.0)))]
    Failed(std::io::Error),
}

impl From<std::io::Error> for OutputError {
    fn from(err: std::io::Error) -> Self {
        if err.kind() == std::io::ErrorKind::BrokenPipe {
            OutputError::Closed
        } else {
            OutputError::Failed(err)
        }
    }
}

/// Whether an error, or one of its causes, is a closed standard output.
pub fn is_closed_output(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        matches!(
            cause.downcast_ref::<OutputError>(),
            Some(OutputError::Closed)
        ) || cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// Prints `text` and a new line on standard output, without control characters.
pub fn say(text: &str) -> Result<(), OutputError> {
    let mut out = std::io::stdout().lock();
    out.write_all(printable(text).as_bytes())?;
    out.write_all(b"\n")?;
    out.flush()?;
    Ok(())
}

/// Prints `text` as it is (a rendered block that ends its own lines).
pub fn say_block(text: &str) -> Result<(), OutputError> {
    let mut out = std::io::stdout().lock();
    out.write_all(printable(text).as_bytes())?;
    out.flush()?;
    Ok(())
}

/// A line on standard error (messages, warnings, problems), without control
/// characters; a closed standard error loses the line, never the command.
pub fn tell(text: &str) {
    let mut err = std::io::stderr().lock();
    let _ = err.write_all(printable(text).as_bytes());
    let _ = err.write_all(b"\n");
}

/// Standard output for a writer that streams (an export): remembers why a write
/// failed, so a closed pipe is told apart after the store gave up.
pub struct Stdout {
    inner: std::io::BufWriter<std::io::StdoutLock<'static>>,
    failure: Option<std::io::ErrorKind>,
}

impl Default for Stdout {
    fn default() -> Self {
        Stdout {
            inner: std::io::BufWriter::new(std::io::stdout().lock()),
            failure: None,
        }
    }
}

impl Stdout {
    /// What went wrong with standard output, if anything did.
    pub fn failure(&self) -> Option<OutputError> {
        self.failure
            .map(|kind| OutputError::from(std::io::Error::from(kind)))
    }
}

impl Write for Stdout {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.inner.write(buf).inspect_err(|e| {
            self.failure.get_or_insert(e.kind());
        })
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush().inspect_err(|e| {
            self.failure.get_or_insert(e.kind());
        })
    }
}

/// Prints one JSON document on stdout.
pub fn print_json(value: &impl serde::Serialize) -> anyhow::Result<()> {
    say(&serde_json::to_string_pretty(value)?)?;
    Ok(())
}

/// Renders rows under a header, each column as wide as its widest cell.
pub fn table(header: &[String], rows: &[Vec<String>]) -> String {
    let columns = header.len();
    let mut widths: Vec<usize> = header.iter().map(|h| h.width()).collect();
    for row in rows {
        for (i, cell) in row.iter().enumerate().take(columns) {
            widths[i] = widths[i].max(cell.width());
        }
    }
    let line = |cells: &[String]| {
        let mut out = String::new();
        for (i, cell) in cells.iter().enumerate().take(columns) {
            out.push_str(cell);
            if i + 1 < columns {
                out.push_str(&" ".repeat(widths[i] - cell.width() + 2));
            }
        }
        out.trim_end().to_string()
    };
    let mut out = line(header);
    out.push('\n');
    out.push_str(
        &widths
            .iter()
            .map(|w| "─".repeat(*w))
            .collect::<Vec<_>>()
            .join("  "),
    );
    for row in rows {
        out.push('\n');
        out.push_str(&line(row));
    }
    out
}

/// A moment in local time: `01.12.2026 14:30` / `2026-12-01 14:30`.
pub fn local_time(at: DateTime<Utc>) -> String {
    let local = at.with_timezone(&Local);
    format!(
        "{} {}",
        format_date(local.date_naive(), language()),
        local.format("%H:%M")
    )
}

/// A moment's local date only.
pub fn local_date(at: DateTime<Utc>) -> String {
    format_date(at.with_timezone(&Local).date_naive(), language())
}

pub fn or_dash(value: Option<String>) -> String {
    value
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| "—".into())
}

/// A file size in MiB with one decimal.
pub fn mib(bytes: u64) -> String {
    format!("{:.1}", bytes as f64 / (1024.0 * 1024.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_align_by_display_width() {
        let out = table(
            &["№".into(), "Имя".into()],
            &[
                vec!["1".into(), "Ёлкина".into()],
                vec!["1042".into(), "Li".into()],
            ],
        );
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines[0], "№     Имя");
        assert_eq!(lines[2], "1     Ёлкина");
        assert_eq!(lines[3], "1042  Li");
    }
}
