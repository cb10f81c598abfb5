//! Aligned tables for people, JSON for scripts, times in local time.

use crate::domain::dates::format_date;
use crate::i18n::language;
use chrono::{DateTime, Local, Utc};
use unicode_width::UnicodeWidthStr;

/// Prints one JSON document on stdout.
pub fn print_json(value: &impl serde::Serialize) -> anyhow::Result<()> {
    println!("{}", serde_json::to_string_pretty(value)?);
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
