//! A convenient time to call (a person) or business hours (a company):
//! `Mon-Fri 10:00-18:00`, `Пн-Пт 10:00-18:00`, `Sat,Sun 12:00-15:00`, `09:00-21:00`.

use crate::i18n::{tr, tr_value};
use chrono::{Datelike, NaiveDate, NaiveTime};
use thiserror::Error;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{}", tr_value("error.call_window_invalid", .0))]
pub struct CallWindowError(pub String);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CallWindow {
    /// Bit 0 is Monday … bit 6 Sunday.
    pub days: u8,
    pub from: NaiveTime,
    pub to: NaiveTime,
}

const EN_DAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
const RU_DAYS: [&str; 7] = ["пн", "вт", "ср", "чт", "пт", "сб", "вс"];

fn day_index(word: &str) -> Option<usize> {
    let word = word.trim().to_lowercase();
    EN_DAYS
        .iter()
        .position(|d| word.starts_with(d))
        .or_else(|| RU_DAYS.iter().position(|d| word == *d))
}

impl CallWindow {
    pub fn parse(input: &str) -> Result<CallWindow, CallWindowError> {
        let bad = || CallWindowError(input.trim().to_string());
        let text = input.trim();
        let (days_part, hours_part) = match text.rsplit_once(' ') {
            Some((days, hours)) => (Some(days), hours),
            None => (None, text),
        };
        let days = match days_part {
            None => 0b111_1111,
            Some(list) => {
                let mut mask = 0u8;
                for piece in list.split(',') {
                    match piece.split_once('-') {
                        Some((a, b)) => {
                            let (a, b) =
                                (day_index(a).ok_or_else(bad)?, day_index(b).ok_or_else(bad)?);
                            if a > b {
                                return Err(bad());
                            }
                            (a..=b).for_each(|d| mask |= 1 << d);
                        }
                        None => mask |= 1 << day_index(piece).ok_or_else(bad)?,
                    }
                }
                mask
            }
        };
        let (from, to) = hours_part.split_once('-').ok_or_else(bad)?;
        let time = |t: &str| NaiveTime::parse_from_str(t.trim(), "%H:%M").map_err(|_| bad());
        let (from, to) = (time(from)?, time(to)?);
        if from >= to {
            return Err(bad());
        }
        Ok(CallWindow { days, from, to })
    }

    pub fn open_on(&self, date: NaiveDate) -> bool {
        self.days & (1 << date.weekday().num_days_from_monday()) != 0
    }

    /// The canonical stored form, `Mon-Fri 10:00-18:00`.
    pub fn code(&self) -> String {
        self.render(&EN_DAYS.map(|d| {
            let mut s = d.to_string();
            s[..1].make_ascii_uppercase();
            s
        }))
    }

    /// The form people read, with day names from the string tables.
    pub fn label(&self) -> String {
        let names: Vec<String> = EN_DAYS
            .iter()
            .map(|d| tr(&format!("weekday.{d}")))
            .collect();
        self.render(&names.try_into().unwrap_or_else(|_| unreachable!()))
    }

    fn render(&self, names: &[String; 7]) -> String {
        let hours = format!("{}-{}", self.from.format("%H:%M"), self.to.format("%H:%M"));
        if self.days == 0b111_1111 {
            return hours;
        }
        let mut runs = Vec::new();
        let mut day = 0;
        while day < 7 {
            if self.days & (1 << day) == 0 {
                day += 1;
                continue;
            }
            let start = day;
            while day + 1 < 7 && self.days & (1 << (day + 1)) != 0 {
                day += 1;
            }
            runs.push(if start == day {
                names[start].clone()
            } else {
                format!("{}-{}", names[start], names[day])
            });
            day += 1;
        }
        format!("{} {hours}", runs.join(","))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).unwrap()
    }

    #[test]
    fn reads_english_and_russian_day_ranges() {
        let en = CallWindow::parse("Mon-Fri 10:00-18:00").unwrap();
        let ru = CallWindow::parse("Пн-Пт 10:00-18:00").unwrap();
        assert_eq!(en, ru);
        assert_eq!(en.days, 0b001_1111);
        assert_eq!((en.from, en.to), (t(10, 0), t(18, 0)));
        assert_eq!(en.code(), "Mon-Fri 10:00-18:00");
        let weekend = CallWindow::parse("Sat,Sun 12:00-15:00").unwrap();
        assert_eq!(weekend.code(), "Sat-Sun 12:00-15:00");
        assert_eq!(
            CallWindow::parse("09:00-21:00").unwrap().code(),
            "09:00-21:00"
        );
        assert_eq!(
            CallWindow::parse("Mon,Wed,Fri 9:00-12:00").unwrap().code(),
            "Mon,Wed,Fri 09:00-12:00"
        );
    }

    #[test]
    fn knows_open_days() {
        let w = CallWindow::parse("Mon-Fri 10:00-18:00").unwrap();
        assert!(w.open_on(NaiveDate::from_ymd_opt(2026, 11, 23).unwrap())); // Monday
        assert!(!w.open_on(NaiveDate::from_ymd_opt(2026, 11, 22).unwrap())); // Sunday
    }

    #[test]
    fn refuses_nonsense() {
        for bad in [
            "",
            "Mon-Fri",
            "Fri-Mon 10:00-18:00",
            "Mon-Fri 18:00-10:00",
            "Xyz 10:00-11:00",
            "Mon-Fri 25:00-26:00",
        ] {
            assert!(CallWindow::parse(bad).is_err(), "{bad}");
        }
    }
}
