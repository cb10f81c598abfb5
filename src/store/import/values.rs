//! Values as the tools that wrote a file write them: dates in the file's own order
//! (`12/25/1982` from Outlook.com, `25.12.1982` from 1C), Excel's serial numbers in a
//! cell formatted "General", the empty dates and "not set" words that mean nothing
//! (Outlook's `0.0.00`, `Не определен`), consent as yes/no or a date.

use crate::domain::dates::{parse_date, Birthday};
use crate::domain::text::fold;
use crate::i18n::{tr_in, tr_value, Lang};
use chrono::{Duration, NaiveDate, NaiveTime};

/// Which of day and month a file writes first in `1/2/2024`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DateOrder {
    /// `25/12/1982`: Europe, Russia.
    DayFirst,
    /// `12/25/1982`: the United States (Outlook.com, Google in English).
    MonthFirst,
    /// No slashed date in the file, or none that tells.
    #[default]
    Unknown,
}

impl DateOrder {
    /// `dmy` / `mdy`, as `--date-order` takes it.
    pub fn parse(text: &str) -> Option<DateOrder> {
        match text.trim().to_lowercase().as_str() {
            "dmy" | "d/m/y" | "day" | "день" => Some(DateOrder::DayFirst),
            "mdy" | "m/d/y" | "month" | "месяц" => Some(DateOrder::MonthFirst),
            _ => None,
        }
    }
}

/// What the slashed dates of a file say about their order, gathered before its rows
/// are read: a date whose first part is above 12 can only be day first, one whose
/// second part is, month first.
#[derive(Debug, Clone, Default)]
pub struct DateEvidence {
    day_first: usize,
    month_first: usize,
    /// Slashed dates that fit both orders, and the first of them.
    ambiguous: usize,
    pub example: Option<String>,
}

impl DateEvidence {
    pub fn add(&mut self, raw: &str) {
        let Some((first, second, _)) = slashed(raw) else {
            return;
        };
        match (first > 12, second > 12) {
            (true, false) => self.day_first += 1,
            (false, true) => self.month_first += 1,
            (false, false) if first != second => {
                self.ambiguous += 1;
                self.example.get_or_insert_with(|| raw.trim().to_string());
            }
            _ => {}
        }
    }

    /// The file's order: the one its unambiguous dates show (an ambiguous `6/1/1990`
    /// in a file of US dates is a US date); `Unknown` when none tells, and a file
    /// with both kinds is read by the larger.
    pub fn order(&self) -> DateOrder {
        match (self.day_first, self.month_first) {
            (0, 0) => DateOrder::Unknown,
            (d, m) if d >= m => DateOrder::DayFirst,
            _ => DateOrder::MonthFirst,
        }
    }

    /// Whether the file has slashed dates that cannot be read without being told
    /// their order.
    pub fn undecided(&self) -> bool {
        self.order() == DateOrder::Unknown && self.ambiguous > 0
    }
}

/// `a/b/yyyy` → (a, b, year); `yyyy/mm/dd` is not slashed in this sense.
fn slashed(raw: &str) -> Option<(u32, u32, i32)> {
    let date = raw.trim().split([' ', 'T']).next()?;
    let mut parts = date.split('/');
    let (a, b, y) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || a.len() > 2 || b.len() > 2 || !(y.len() == 4 || y.len() == 2) {
        return None;
    }
    let year: i32 = y.parse().ok()?;
    Some((a.parse().ok()?, b.parse().ok()?, full_year(year, y.len())))
}

/// A two-digit year as people mean it: `86` is 1986, `24` is 2024.
fn full_year(year: i32, digits: usize) -> i32 {
    if digits != 2 {
        return year;
    }
    let this_year = chrono::Local::now().date_naive().format("%y").to_string();
    let this_year: i32 = this_year.parse().unwrap_or(30);
    if year <= this_year {
        2000 + year
    } else {
        1900 + year
    }
}

/// Whether `raw` says "nothing here" in a date or a choice column: Outlook's `0.0.00`,
/// `Не определен`, `—` (the words are in the string tables, `import.empty_values`).
pub fn means_nothing(raw: &str) -> bool {
    let text = fold(raw.trim());
    if text.is_empty() || text.chars().all(|c| "0.-/ :".contains(c)) {
        return true;
    }
    [Lang::Ru, Lang::En].iter().any(|lang| {
        tr_in(*lang, "import.empty_values")
            .split(',')
            .any(|word| fold(word.trim()) == text)
    })
}

/// A date of a file: what [`parse_date`] reads, `dd.mm.yy`, a slashed date in the
/// file's order, `yyyy/mm/dd`, or an Excel serial number (a date cell formatted
/// "General"). `Ok(None)` for a value that means no date.
pub fn read_date(
    raw: &str,
    order: DateOrder,
    today: NaiveDate,
) -> Result<Option<NaiveDate>, String> {
    let text = raw.trim();
    if means_nothing(text) {
        return Ok(None);
    }
    if let Some(serial) = excel_serial(text) {
        return Ok(Some(serial));
    }
    if let Some((a, b, year)) = slashed(text) {
        let (day, month) = match order {
            DateOrder::MonthFirst => (b, a),
            DateOrder::DayFirst => (a, b),
            // Only a file's unambiguous dates reach here without an order.
            DateOrder::Unknown if a > 12 => (a, b),
            DateOrder::Unknown if b > 12 => (b, a),
            DateOrder::Unknown => return Err(tr_value("import.date_order_unknown", text)),
        };
        return NaiveDate::from_ymd_opt(year, month, day)
            .map(Some)
            .ok_or_else(|| tr_value("error.date_nonexistent", text));
    }
    if let Some((y, rest)) = text.split_once('/') {
        if y.len() == 4 {
            return parse_date(&format!("{y}-{}", rest.replace('/', "-")), today)
                .map(Some)
                .map_err(|e| e.to_string());
        }
    }
    // `25.12.82`: a two-digit year.
    let parts: Vec<&str> = text.split('.').collect();
    if parts.len() == 3
        && parts[2].len() == 2
        && parts.iter().all(|p| p.chars().all(|c| c.is_ascii_digit()))
    {
        let year = full_year(parts[2].parse().unwrap_or(0), 2);
        return parse_date(&format!("{}.{}.{year}", parts[0], parts[1]), today)
            .map(Some)
            .map_err(|e| e.to_string());
    }
    // A day and a month without a year: typed, it is the nearest such day; in a file
    // it is no date (a birthday column reads it as a birthday without a year).
    let day_month: Vec<&str> = text.trim_end_matches('.').split('.').collect();
    if day_month.len() == 2
        && day_month
            .iter()
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
    {
        return Err(tr_value("error.date_unreadable", text));
    }
    parse_date(text, today).map(Some).map_err(|e| e.to_string())
}

/// A birthday of a file: a date as [`read_date`] reads it, or one without a year.
pub fn read_birthday(
    raw: &str,
    order: DateOrder,
    today: NaiveDate,
) -> Result<Option<Birthday>, String> {
    let text = raw.trim();
    if means_nothing(text) {
        return Ok(None);
    }
    match read_date(text, order, today) {
        Ok(date) => Ok(date.map(Birthday::from_date)),
        Err(e) => Birthday::parse(text, today).map(Some).map_err(|_| e),
    }
}

/// Excel counts days from 30 December 1899: a bare number in a date column of a
/// spreadsheet (`32874`, `32874.5`) is that day. Only numbers that are dates between
/// 1900 and 2099.
fn excel_serial(text: &str) -> Option<NaiveDate> {
    let whole = text.split_once(['.', ',']).map_or(text, |(w, _)| w);
    if !(whole.len() == 4 || whole.len() == 5) || !whole.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let days: i64 = whole.parse().ok()?;
    if !(367..=73_050).contains(&days) {
        return None;
    }
    NaiveDate::from_ymd_opt(1899, 12, 30)?.checked_add_signed(Duration::days(days))
}

/// A moment: a date (as [`read_date`]) with an optional time, `18:05` or
/// `18:05:42`. Returns the date, the time, and whether a time was given.
pub fn read_moment(
    raw: &str,
    order: DateOrder,
    today: NaiveDate,
) -> Result<Option<(NaiveDate, NaiveTime, bool)>, String> {
    let text = raw.trim();
    let (date_part, time_part) = match text.split_once(['T', ' ']) {
        Some((date, time)) if time.contains(':') => (date, Some(time.trim())),
        _ => (text, None),
    };
    let Some(date) = read_date(date_part, order, today)? else {
        return Ok(None);
    };
    let time = match time_part {
        None => None,
        Some(t) => {
            let t = t.trim_end_matches('Z');
            let t = t.split(['+', '.']).next().unwrap_or(t);
            Some(
                NaiveTime::parse_from_str(t, "%H:%M:%S")
                    .or_else(|_| NaiveTime::parse_from_str(t, "%H:%M"))
                    .map_err(|_| tr_value("error.time_unreadable", t))?,
            )
        }
    };
    let has_time = time.is_some_and(|t| t != NaiveTime::MIN);
    Ok(Some((date, time.unwrap_or(NaiveTime::MIN), has_time)))
}

/// A consent cell: given (on a date, or today for a plain yes), not given, or
/// unreadable.
pub fn read_consent(
    raw: &str,
    order: DateOrder,
    today: NaiveDate,
) -> Result<Option<NaiveDate>, String> {
    let word = fold(raw.trim());
    match word.as_str() {
        "да" | "yes" | "true" | "1" | "+" | "given" | "дано" | "есть" | "согласен" | "согласна"
        | "y" | "x" | "✓" => Ok(Some(today)),
        "нет" | "no" | "false" | "0" | "-" | "withdrawn" | "отозвано" | "n" => Ok(None),
        _ => read_date(raw, order, today),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn today() -> NaiveDate {
        day(2026, 11, 23)
    }

    #[test]
    fn the_order_of_a_file_is_what_its_unambiguous_dates_say() {
        let mut us = DateEvidence::default();
        for raw in ["12/25/1982", "6/1/1990", "3/15/1979"] {
            us.add(raw);
        }
        assert_eq!(us.order(), DateOrder::MonthFirst);
        assert_eq!(
            read_date("6/1/1990", us.order(), today()),
            Ok(Some(day(1990, 6, 1)))
        );
        let mut unsure = DateEvidence::default();
        unsure.add("6/1/1990");
        unsure.add("3/4/1985");
        assert!(unsure.undecided());
        assert_eq!(unsure.example.as_deref(), Some("6/1/1990"));
        assert!(read_date("6/1/1990", DateOrder::Unknown, today()).is_err());
        assert_eq!(
            read_date("6/1/1990", DateOrder::DayFirst, today()),
            Ok(Some(day(1990, 1, 6)))
        );
    }

    #[test]
    fn values_that_mean_no_date_are_none() {
        for empty in [
            "0.0.00",
            "00.00.0000",
            "",
            " - ",
            "Не определен",
            "не указано",
            "n/a",
        ] {
            assert_eq!(
                read_date(empty, DateOrder::Unknown, today()),
                Ok(None),
                "{empty}"
            );
        }
    }

    #[test]
    fn spreadsheet_dates_in_every_written_form() {
        let order = DateOrder::Unknown;
        assert_eq!(
            read_date("32874", order, today()),
            Ok(Some(day(1990, 1, 1)))
        );
        assert_eq!(
            read_date("25.12.82", order, today()),
            Ok(Some(day(1982, 12, 25)))
        );
        assert_eq!(
            read_date("2024/03/12", order, today()),
            Ok(Some(day(2024, 3, 12)))
        );
        assert_eq!(
            read_date("25/12/1982", order, today()),
            Ok(Some(day(1982, 12, 25)))
        );
        let (date, time, timed) = read_moment("12.03.2024 10:15:42", order, today())
            .unwrap()
            .unwrap();
        assert_eq!(
            (date, time.format("%H:%M").to_string(), timed),
            (day(2024, 3, 12), "10:15".into(), true)
        );
        assert_eq!(
            read_birthday("--05-14", order, today()),
            Ok(Some(Birthday {
                year: None,
                month: 5,
                day: 14
            }))
        );
        assert_eq!(
            read_birthday("1604-05-14", order, today()),
            Ok(Some(Birthday {
                year: None,
                month: 5,
                day: 14
            }))
        );
        assert!(read_date("31.02.2024", order, today()).is_err());
    }
}
