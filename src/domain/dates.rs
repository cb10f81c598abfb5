//! Dates as people type them: `2026-12-01`, `01.12.2026`, `tomorrow`, `+2w`, with an
//! optional time (`01.12.2026 14:30`).

use crate::i18n::{tr_value, Lang};
use chrono::{Datelike, Days, Months, NaiveDate, NaiveTime};
use thiserror::Error;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DateError {
    #[error("{}", tr_value("error.date_unreadable", .0))]
    Unreadable(String),
    #[error("{}", tr_value("error.date_nonexistent", .0))]
    DoesNotExist(String),
    #[error("{}", tr_value("error.time_unreadable", .0))]
    BadTime(String),
}

/// Reads a calendar date relative to `today`, as people type it in Russian or English:
/// `2026-12-01`, `01.12.2026`, `25.12` (the nearest 25 December), `сегодня`, `завтра`,
/// `послезавтра`, `вчера`, `пт`, `в пятницу`, `next fri`, `через 3 дня`, `через
/// неделю`, `in 2 weeks`, `+2н`, `+3d`.
pub fn parse_date(input: &str, today: NaiveDate) -> Result<NaiveDate, DateError> {
    let text = crate::domain::text::fold(input.trim());
    let unreadable = || DateError::Unreadable(input.trim().to_string());
    let words: Vec<&str> = text.split_whitespace().collect();
    match words.as_slice() {
        ["today" | "сегодня"] => return Ok(today),
        ["tomorrow" | "завтра"] => return Ok(today + Days::new(1)),
        ["послезавтра"] | ["day", "after", "tomorrow"] => {
            return Ok(today + Days::new(2))
        }
        ["yesterday" | "вчера"] => return Ok(today - Days::new(1)),
        ["позавчера"] | ["day", "before", "yesterday"] => return Ok(today - Days::new(2)),
        _ => {}
    }
    if let Some(date) = weekday(&words, today) {
        return Ok(date);
    }
    if let Some(after) = in_some_time(&words, today) {
        return after.ok_or_else(unreadable);
    }
    if let Some(offset) = text.strip_prefix('+') {
        return relative(offset, today).ok_or_else(unreadable);
    }
    let number = |part: &str, max_len: usize| -> Result<u32, DateError> {
        if part.is_empty() || part.len() > max_len || !part.chars().all(|c| c.is_ascii_digit()) {
            return Err(unreadable());
        }
        part.parse().map_err(|_| unreadable())
    };
    let (year, month, day) = if let Some((y, rest)) = text.split_once('-') {
        let (m, d) = rest.split_once('-').ok_or_else(unreadable)?;
        (y, m, d)
    } else if let Some((d, rest)) = text.trim_end_matches('.').split_once('.') {
        match rest.split_once('.') {
            Some((m, y)) => (y, m, d),
            // A day and a month: the nearest such day, before or after today.
            None => {
                let (m, d) = (number(rest, 2)?, number(d, 2)?);
                return nearest(m, d, today)
                    .ok_or_else(|| DateError::DoesNotExist(input.trim().to_string()));
            }
        }
    } else {
        return Err(unreadable());
    };
    let (y, m, d) = (number(year, 4)?, number(month, 2)?, number(day, 2)?);
    if year.len() != 4 {
        return Err(unreadable());
    }
    NaiveDate::from_ymd_opt(y as i32, m, d)
        .ok_or_else(|| DateError::DoesNotExist(input.trim().to_string()))
}

/// The day `month`-`day` nearest to `today`: `05.01` typed in December is next
/// January's, `01.11` typed in December this November's.
fn nearest(month: u32, day: u32, today: NaiveDate) -> Option<NaiveDate> {
    let candidates = [today.year() - 1, today.year(), today.year() + 1]
        .into_iter()
        .filter_map(|y| NaiveDate::from_ymd_opt(y, month, day));
    candidates.min_by_key(|d| (*d - today).num_days().abs())
}

/// Weekday names and their short forms, Monday first, as typed (case-folded): the
/// forms a sentence puts them in (`в пятницу`, `в среду`) included.
const WEEKDAYS: [&[&str]; 7] = [
    &["пн", "понедельник", "mon", "monday"],
    &["вт", "вторник", "tue", "tues", "tuesday"],
    &["ср", "среда", "среду", "wed", "wednesday"],
    &["чт", "четверг", "thu", "thur", "thurs", "thursday"],
    &["пт", "пятница", "пятницу", "fri", "friday"],
    &["сб", "суббота", "субботу", "sat", "saturday"],
    &["вс", "воскресенье", "sun", "sunday"],
];

/// `пт`, `в пятницу`, `next fri`, `on friday`, `this friday`: the first such day
/// after today.
fn weekday(words: &[&str], today: NaiveDate) -> Option<NaiveDate> {
    let name = match words {
        [name] => *name,
        ["в" | "во" | "on" | "next" | "this" | "следующий" | "следующую" | "следующее", name] => {
            *name
        }
        _ => return None,
    };
    let name = name.trim_end_matches('.');
    let index = WEEKDAYS.iter().position(|forms| forms.contains(&name))? as i64;
    let from = i64::from(today.weekday().num_days_from_monday());
    let ahead = (index - from).rem_euclid(7);
    let ahead = if ahead == 0 { 7 } else { ahead };
    today.checked_add_days(Days::new(ahead as u64))
}

/// `через 3 дня`, `через неделю`, `in 2 weeks`, `in a month`: `None` when the words
/// are not of that shape, `Some(None)` when they are but the date does not exist.
fn in_some_time(words: &[&str], today: NaiveDate) -> Option<Option<NaiveDate>> {
    let (count, unit) = match words {
        ["через" | "in", unit] => (1, *unit),
        ["in", "a" | "an" | "one", unit] => (1, *unit),
        ["через" | "in", count, unit] => (count.parse::<u32>().ok()?, *unit),
        _ => return None,
    };
    let unit = match unit {
        "день" | "дня" | "дней" | "day" | "days" => 'd',
        "неделю" | "недели" | "недель" | "week" | "weeks" => 'w',
        "месяц" | "месяца" | "месяцев" | "month" | "months" => 'm',
        "год" | "года" | "лет" | "year" | "years" => 'y',
        _ => return None,
    };
    Some(relative(&format!("{count}{unit}"), today))
}

/// `2d`, `1w`, `3m`, `1y` (and the Russian `д`, `н`, `м`, `г`) from `today`.
fn relative(offset: &str, today: NaiveDate) -> Option<NaiveDate> {
    let unit_at = offset.find(|c: char| !c.is_ascii_digit())?;
    let (count, unit) = offset.split_at(unit_at);
    let count: u32 = count.parse().ok()?;
    match unit {
        "d" | "д" => today.checked_add_days(Days::new(count.into())),
        "w" | "н" => today.checked_add_days(Days::new(u64::from(count) * 7)),
        "m" | "м" => today.checked_add_months(Months::new(count)),
        "y" | "г" => count
            .checked_mul(12)
            .and_then(|m| today.checked_add_months(Months::new(m))),
        _ => None,
    }
}

/// A birthday: a date, or a day and month when the year is not known (phones and
/// address books keep those: `--05-14`, Apple's year 1604). Stored as `1990-05-14`
/// or `--05-14`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Birthday {
    pub year: Option<i32>,
    pub month: u32,
    pub day: u32,
}

/// The year Apple's address books write for a birthday without one.
const APPLE_NO_YEAR: i32 = 1604;

impl Birthday {
    /// Reads a birthday as people and address books write it: any date
    /// [`parse_date`] reads, `14.05` or `14.05.` (no year), `--05-14` and `--0514`
    /// (vCard), `1604-05-14` (Apple, no year). A date must exist (29 February only
    /// without a year or in a leap year).
    pub fn parse(input: &str, today: NaiveDate) -> Result<Birthday, DateError> {
        let text = input.trim();
        let bad = || DateError::Unreadable(text.to_string());
        let missing = || DateError::DoesNotExist(text.to_string());
        let digits =
            |s: &str| !s.is_empty() && s.len() <= 2 && s.chars().all(|c| c.is_ascii_digit());
        let yearless = |m: &str, d: &str| -> Result<Birthday, DateError> {
            if !digits(m) || !digits(d) {
                return Err(bad());
            }
            let (month, day) = (m.parse().map_err(|_| bad())?, d.parse().map_err(|_| bad())?);
            // Any leap year tells whether the day exists.
            NaiveDate::from_ymd_opt(2000, month, day).ok_or_else(missing)?;
            Ok(Birthday {
                year: None,
                month,
                day,
            })
        };
        if let Some(rest) = text.strip_prefix("--") {
            return match rest.split_once('-') {
                Some((m, d)) => yearless(m, d),
                None if rest.len() == 4 => yearless(&rest[..2], &rest[2..]),
                None => Err(bad()),
            };
        }
        if let Some((d, m)) = text.trim_end_matches('.').split_once('.') {
            if !m.contains('.') {
                return yearless(m, d);
            }
        }
        let date = parse_date(text, today)?;
        Ok(Birthday::from_date(date))
    }

    /// A full date as a birthday; Apple's year 1604 means "no year".
    pub fn from_date(date: NaiveDate) -> Birthday {
        Birthday {
            year: (date.year() != APPLE_NO_YEAR).then_some(date.year()),
            month: date.month(),
            day: date.day(),
        }
    }

    /// Reads the stored form back; `None` for anything else.
    pub fn from_stored(stored: &str) -> Option<Birthday> {
        match stored.strip_prefix("--") {
            Some(md) => {
                let (m, d) = md.split_once('-')?;
                Some(Birthday {
                    year: None,
                    month: m.parse().ok()?,
                    day: d.parse().ok()?,
                })
            }
            None => NaiveDate::parse_from_str(stored, "%Y-%m-%d")
                .ok()
                .map(Birthday::from_date),
        }
    }

    /// `1990-05-14`, or `--05-14` without a year.
    pub fn stored(&self) -> String {
        match self.year {
            Some(y) => format!("{y:04}-{:02}-{:02}", self.month, self.day),
            None => format!("--{:02}-{:02}", self.month, self.day),
        }
    }

    /// The date, when the year is known.
    pub fn date(&self) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(self.year?, self.month, self.day)
    }

    /// The day in `year` it falls on (29 February on the 28th in other years).
    pub fn in_year(&self, year: i32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(year, self.month, self.day)
            .or_else(|| NaiveDate::from_ymd_opt(year, self.month, 28))
    }

    /// Month and day packed as `MMDD`.
    pub fn month_day(&self) -> u32 {
        self.month * 100 + self.day
    }

    /// As the language writes it: `14.05.1990` / `1990-05-14`, `14.05` / `05-14`.
    pub fn format(&self, lang: Lang) -> String {
        match (self.date(), lang) {
            (Some(date), _) => format_date(date, lang),
            (None, Lang::Ru) => format!("{:02}.{:02}", self.day, self.month),
            (None, Lang::En) => format!("{:02}-{:02}", self.month, self.day),
        }
    }
}

/// Reads `HH:MM`.
pub fn parse_time(input: &str) -> Result<NaiveTime, DateError> {
    NaiveTime::parse_from_str(input.trim(), "%H:%M")
        .map_err(|_| DateError::BadTime(input.trim().to_string()))
}

/// A date with an optional time of day: `2026-12-01 14:30`, `tomorrow 10:00`, `14:30`.
pub fn parse_date_time(
    input: &str,
    today: NaiveDate,
) -> Result<(NaiveDate, Option<NaiveTime>), DateError> {
    let text = input.trim();
    let (date_part, time_part) = match text.rsplit_once([' ', 'T']) {
        Some((date, time)) if time.contains(':') => (date, Some(time)),
        _ if text.contains(':') && !text.contains(['-', '.']) => ("today", Some(text)),
        _ => (text, None),
    };
    // `завтра в 10:00`, `fri at 15:00`, `в 15:00`.
    let date_part = date_part.trim();
    let date_part = ["в", "во", "at"]
        .iter()
        .find_map(|w| {
            date_part
                .strip_suffix(w)
                .filter(|rest| rest.is_empty() || rest.ends_with(' '))
        })
        .map(str::trim)
        .unwrap_or(date_part);
    let date_part = if date_part.is_empty() {
        "today"
    } else {
        date_part
    };
    let date = parse_date(date_part, today)?;
    let time = time_part.map(parse_time).transpose()?;
    Ok((date, time))
}

/// A date the way the language writes it: `01.12.2026` / `2026-12-01`.
pub fn format_date(date: NaiveDate, lang: Lang) -> String {
    match lang {
        Lang::Ru => date.format("%d.%m.%Y").to_string(),
        Lang::En => date.format("%Y-%m-%d").to_string(),
    }
}

/// How long something has waited, in the unit a person would use: `25 мин`, `5 ч`,
/// `3 дн.` (`25 min`, `5 h`, `3 d`).
pub fn format_age(minutes: i64) -> String {
    let minutes = minutes.max(0);
    match minutes {
        m if m < 60 => crate::i18n::tr_value("age.minutes", m),
        m if m < 48 * 60 => crate::i18n::tr_value("age.hours", m / 60),
        m => crate::i18n::tr_value("age.days", m / (24 * 60)),
    }
}

/// Month and day packed as `MMDD`, what birthday lookups index on.
pub fn month_day(date: NaiveDate) -> u32 {
    date.month() * 100 + date.day()
}

/// Whole years from `born` to `on`.
pub fn age_on(born: NaiveDate, on: NaiveDate) -> i32 {
    let mut years = on.year() - born.year();
    if (on.month(), on.day()) < (born.month(), born.day()) {
        years -= 1;
    }
    years
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn reads_every_accepted_form() {
        let today = day(2026, 11, 23);
        assert_eq!(parse_date("2026-12-01", today), Ok(day(2026, 12, 1)));
        assert_eq!(parse_date("01.12.2026", today), Ok(day(2026, 12, 1)));
        assert_eq!(parse_date("1.2.2027", today), Ok(day(2027, 2, 1)));
        assert_eq!(parse_date("tomorrow", today), Ok(day(2026, 11, 24)));
        assert_eq!(parse_date("Завтра", today), Ok(day(2026, 11, 24)));
        assert_eq!(parse_date("+2w", today), Ok(day(2026, 12, 7)));
        assert_eq!(parse_date("+1d", today), Ok(day(2026, 11, 24)));
        assert_eq!(parse_date("+2m", today), Ok(day(2027, 1, 23)));
        assert_eq!(parse_date("+1н", today), Ok(day(2026, 11, 30)));
    }

    #[test]
    fn reads_dates_as_people_say_them_in_russian_and_english() {
        // A Friday.
        let today = day(2026, 12, 4);
        for (said, meant) in [
            ("25.12", day(2026, 12, 25)),
            ("25.12.", day(2026, 12, 25)),
            ("05.01", day(2027, 1, 5)),
            ("01.11", day(2026, 11, 1)),
            ("послезавтра", day(2026, 12, 6)),
            ("позавчера", day(2026, 12, 2)),
            ("day after tomorrow", day(2026, 12, 6)),
            ("пн", day(2026, 12, 7)),
            ("в понедельник", day(2026, 12, 7)),
            ("во вторник", day(2026, 12, 8)),
            ("в среду", day(2026, 12, 9)),
            ("пт", day(2026, 12, 11)),
            ("в пятницу", day(2026, 12, 11)),
            ("сб", day(2026, 12, 5)),
            ("next fri", day(2026, 12, 11)),
            ("on Monday", day(2026, 12, 7)),
            ("sat", day(2026, 12, 5)),
            ("через 3 дня", day(2026, 12, 7)),
            ("через день", day(2026, 12, 5)),
            ("через неделю", day(2026, 12, 11)),
            ("через 2 недели", day(2026, 12, 18)),
            ("через месяц", day(2027, 1, 4)),
            ("через 5 лет", day(2031, 12, 4)),
            ("in 3 days", day(2026, 12, 7)),
            ("in a week", day(2026, 12, 11)),
            ("in 2 months", day(2027, 2, 4)),
            ("+2н", day(2026, 12, 18)),
            ("СЕГОДНЯ", today),
        ] {
            assert_eq!(parse_date(said, today), Ok(meant), "{said}");
        }
        for nonsense in ["через", "в", "пятниц", "in 3 fortnights", "32.12", "next"] {
            assert!(parse_date(nonsense, today).is_err(), "{nonsense}");
        }
        assert_eq!(
            parse_date("30.02", today),
            Err(DateError::DoesNotExist("30.02".into()))
        );
    }

    #[test]
    fn reads_a_day_with_a_time_as_people_say_it() {
        let today = day(2026, 12, 4);
        let at = |h, m| Some(NaiveTime::from_hms_opt(h, m, 0).unwrap());
        for (said, meant) in [
            ("пт 15:00", (day(2026, 12, 11), at(15, 0))),
            ("в пятницу в 15:00", (day(2026, 12, 11), at(15, 0))),
            ("завтра в 10:30", (day(2026, 12, 5), at(10, 30))),
            ("fri at 9:00", (day(2026, 12, 11), at(9, 0))),
            ("в 16:00", (today, at(16, 0))),
            ("25.12 12:00", (day(2026, 12, 25), at(12, 0))),
            ("через 3 дня", (day(2026, 12, 7), None)),
        ] {
            assert_eq!(parse_date_time(said, today), Ok(meant), "{said}");
        }
    }

    #[test]
    fn month_arithmetic_clamps_to_month_end() {
        assert_eq!(parse_date("+1m", day(2026, 1, 31)), Ok(day(2026, 2, 28)));
    }

    #[test]
    fn a_date_that_does_not_exist_is_named() {
        let today = day(2026, 11, 23);
        assert_eq!(
            parse_date("31.02.2026", today),
            Err(DateError::DoesNotExist("31.02.2026".into()))
        );
        assert_eq!(
            parse_date("2026-13-01", today),
            Err(DateError::DoesNotExist("2026-13-01".into()))
        );
        for bad in [
            "",
            "32",
            "2026/12/01",
            "+2x",
            "01.12.26",
            "aa.bb.cccc",
            "+w",
            "+400000000y",
        ] {
            assert!(parse_date(bad, today).is_err(), "{bad}");
        }
    }

    #[test]
    fn reads_date_with_time() {
        let today = day(2026, 11, 23);
        let at = |h, m| NaiveTime::from_hms_opt(h, m, 0);
        assert_eq!(
            parse_date_time("01.12.2026 14:30", today),
            Ok((day(2026, 12, 1), at(14, 30)))
        );
        assert_eq!(
            parse_date_time("2026-12-01T09:05", today),
            Ok((day(2026, 12, 1), at(9, 5)))
        );
        assert_eq!(
            parse_date_time("tomorrow 10:00", today),
            Ok((day(2026, 11, 24), at(10, 0)))
        );
        assert_eq!(parse_date_time("16:00", today), Ok((today, at(16, 0))));
        assert_eq!(parse_date_time("+1w", today), Ok((day(2026, 11, 30), None)));
        assert!(parse_date_time("tomorrow 25:00", today).is_err());
    }

    #[test]
    fn birthdays_with_and_without_a_year() {
        let today = day(2026, 11, 23);
        let yearless = |m, d| Birthday {
            year: None,
            month: m,
            day: d,
        };
        for (raw, expected) in [
            ("--05-14", yearless(5, 14)),
            (" --12-25", yearless(12, 25)),
            ("--0514", yearless(5, 14)),
            ("14.05", yearless(5, 14)),
            ("29.02", yearless(2, 29)),
            ("1604-05-14", yearless(5, 14)),
        ] {
            assert_eq!(Birthday::parse(raw, today), Ok(expected), "{raw}");
        }
        let full = Birthday::parse("17.05.1990", today).unwrap();
        assert_eq!(full.stored(), "1990-05-17");
        assert_eq!(Birthday::from_stored("--05-14"), Some(yearless(5, 14)));
        assert_eq!(yearless(5, 14).stored(), "--05-14");
        assert_eq!(yearless(5, 14).format(Lang::Ru), "14.05");
        assert_eq!(yearless(2, 29).in_year(2027), Some(day(2027, 2, 28)));
        assert!(Birthday::parse("31.02", today).is_err());
        assert!(Birthday::parse("--13-01", today).is_err());
    }

    #[test]
    fn ages_and_month_days() {
        assert_eq!(age_on(day(1990, 11, 24), day(2026, 11, 23)), 35);
        assert_eq!(age_on(day(1990, 11, 23), day(2026, 11, 23)), 36);
        assert_eq!(month_day(day(2026, 2, 9)), 209);
        assert_eq!(format_date(day(2026, 12, 1), Lang::Ru), "01.12.2026");
        assert_eq!(format_date(day(2026, 12, 1), Lang::En), "2026-12-01");
    }
}
