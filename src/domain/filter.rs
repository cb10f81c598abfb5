//! The segment filter language (SPEC §6), the same on the command line and in the
//! interface: criteria separated by spaces, all of which must hold.
//!
//! ```text
//! tier:gold city:Москва last-order:<90d spent:10000..
//! type:sleeping tag:vip -consent:marketing age:30..45 birthday:12 orders:2..
//! ```
//!
//! A criterion is `name:value`; a leading `-` negates it; a value with spaces is quoted
//! (`city:"Нижний Новгород"`). Ranges are `A..B`, `A..`, `..B` or one value (both ends
//! included); money in roubles (`spent:10000..`). Dates are absolute (`2026-06-01`,
//! `01.06.2026`) or an age (`90d`, `6w`, `3m`, `1y`: that long ago), after `<` (before)
//! or `>` (on or after); `last-order:none` is a client who never ordered. Criterion names
//! are accepted in English and in Russian (`город:Москва`).

use crate::domain::codes::{ConsentPurpose, Source};
use crate::domain::dates::parse_date;
use crate::domain::money::parse_amount;
use crate::domain::segments::Segment;
use crate::domain::text::fold;
use crate::i18n::{tr, tr_in, trf, Lang};
use chrono::{Months, NaiveDate};

/// A parsed filter: every term must hold. Empty matches everyone.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    pub terms: Vec<Term>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    pub negated: bool,
    pub criterion: Criterion,
}

/// An inclusive range; an open end is `None`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Range {
    pub min: Option<i64>,
    pub max: Option<i64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateBound {
    Before(NaiveDate),
    OnOrAfter(NaiveDate),
    Never,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Criterion {
    BaseType(Segment),
    /// A loyalty tier's code; `None` is "no tier".
    Tier(Option<String>),
    /// Folded text (compared with Unicode case folding).
    City(String),
    Tag(String),
    Source(Source),
    Manager(String),
    /// Whole years.
    Age(Range),
    BirthdayMonth(u32),
    LastOrder(DateBound),
    LastContact(DateBound),
    /// Total spent, in minor units.
    Spent(Range),
    Orders(Range),
    /// Consent given (and not withdrawn) for a purpose.
    Consent(ConsentPurpose),
}

/// A term that could not be read: the term as typed, and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", trf("filter.error", &[("term", .term), ("reason", .reason)]))]
pub struct FilterError {
    pub term: String,
    pub reason: String,
}

/// Criterion names: the code first, then the other ways to write it.
const NAMES: &[(&str, &[&str])] = &[
    ("type", &["тип"]),
    ("tier", &["уровень"]),
    ("city", &["город"]),
    ("tag", &["тег", "метка"]),
    ("source", &["источник"]),
    ("manager", &["менеджер"]),
    ("age", &["возраст"]),
    ("birthday", &["др", "день-рождения"]),
    ("last-order", &["заказ", "последний-заказ"]),
    ("last-contact", &["контакт", "последний-контакт"]),
    ("spent", &["сумма", "потрачено"]),
    ("orders", &["заказов"]),
    ("consent", &["согласие"]),
];

/// The criterion codes, for error messages and help.
pub fn criterion_codes() -> String {
    NAMES.iter().map(|(c, _)| *c).collect::<Vec<_>>().join(", ")
}

impl Filter {
    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    /// Reads a filter; `today` anchors relative dates and ages. `tiers` are the
    /// tier codes of the base's settings.
    pub fn parse(text: &str, today: NaiveDate, tiers: &[String]) -> Result<Filter, FilterError> {
        let mut terms = Vec::new();
        for word in split_terms(text)? {
            terms.push(parse_term(&word, today, tiers)?);
        }
        Ok(Filter { terms })
    }

    /// Whether a term of the filter decides on archived clients (so the list's
    /// default of hiding them must not).
    pub fn speaks_of_archived(&self) -> bool {
        self.terms
            .iter()
            .any(|t| matches!(t.criterion, Criterion::BaseType(_)))
    }
}

/// Splits on spaces outside quotes; quotes are removed.
fn split_terms(text: &str) -> Result<Vec<String>, FilterError> {
    let mut terms = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    for ch in text.chars() {
        match ch {
            '"' | '«' | '»' => quoted = ch == '«' || (ch == '"' && !quoted),
            c if c.is_whitespace() && !quoted => {
                if !current.is_empty() {
                    terms.push(std::mem::take(&mut current));
                }
            }
            c => current.push(c),
        }
    }
    if quoted {
        return Err(FilterError {
            term: current,
            reason: tr("filter.unclosed_quote"),
        });
    }
    if !current.is_empty() {
        terms.push(current);
    }
    Ok(terms)
}

fn parse_term(word: &str, today: NaiveDate, tiers: &[String]) -> Result<Term, FilterError> {
    let fail = |key: &str, args: &[(&str, &str)]| FilterError {
        term: word.to_string(),
        reason: trf(
            key,
            &args
                .iter()
                .map(|(k, v)| (*k, v as &dyn std::fmt::Display))
                .collect::<Vec<_>>(),
        ),
    };
    let (negated, body) = match word.strip_prefix(['-', '!']) {
        Some(rest) => (true, rest),
        None => (false, word),
    };
    let Some((name, value)) = body.split_once(':') else {
        return Err(fail("filter.no_colon", &[("known", &criterion_codes())]));
    };
    let name = fold(name);
    let Some(code) = NAMES
        .iter()
        .find(|(code, aliases)| *code == name || aliases.contains(&name.as_str()))
        .map(|(code, _)| *code)
    else {
        return Err(fail("filter.unknown", &[("known", &criterion_codes())]));
    };
    let value = value.trim();
    if value.is_empty() {
        return Err(fail("filter.empty_value", &[]));
    }
    let bad = |expected: &str| fail("filter.bad_value", &[("expected", expected)]);
    let criterion = match code {
        "type" => Criterion::BaseType(Segment::parse(value).ok_or_else(|| {
            bad(&Segment::ALL
                .iter()
                .map(|s| s.code())
                .collect::<Vec<_>>()
                .join(", "))
        })?),
        "tier" => Criterion::Tier(
            parse_tier(value, tiers).ok_or_else(|| bad(&format!("{}, none", tiers.join(", "))))?,
        ),
        "city" => Criterion::City(fold(value)),
        "tag" => Criterion::Tag(fold(value)),
        "source" => Criterion::Source(Source::parse(value).ok_or_else(|| bad(&Source::codes()))?),
        "manager" => Criterion::Manager(value.to_lowercase()),
        "age" => {
            Criterion::Age(parse_range(value, |v| v.parse().ok()).ok_or_else(|| bad("30..45"))?)
        }
        "birthday" => {
            Criterion::BirthdayMonth(parse_month(value).ok_or_else(|| bad("1..12, март, march"))?)
        }
        "last-order" => Criterion::LastOrder(
            parse_bound(value, today).ok_or_else(|| bad("<2026-06-01, >90d, none"))?,
        ),
        "last-contact" => Criterion::LastContact(
            parse_bound(value, today).ok_or_else(|| bad("<2026-06-01, >90d, none"))?,
        ),
        "spent" => Criterion::Spent(
            parse_range(value, |v| parse_amount(v).ok()).ok_or_else(|| bad("10000..50000"))?,
        ),
        "orders" => {
            Criterion::Orders(parse_range(value, |v| v.parse().ok()).ok_or_else(|| bad("2..5"))?)
        }
        "consent" => Criterion::Consent(
            ConsentPurpose::parse(value).ok_or_else(|| bad(&ConsentPurpose::codes()))?,
        ),
        _ => unreachable!("every name of NAMES has a reader"),
    };
    Ok(Term { negated, criterion })
}

/// A tier code or label in either language; `none` (or `нет`) is no tier.
fn parse_tier(value: &str, tiers: &[String]) -> Option<Option<String>> {
    let wanted = fold(value);
    if wanted == "none" || wanted == "нет" {
        return Some(None);
    }
    tiers
        .iter()
        .find(|code| {
            **code == wanted
                || [Lang::Ru, Lang::En]
                    .into_iter()
                    .any(|lang| fold(&tr_in(lang, &format!("tier.{code}"))) == wanted)
        })
        .map(|code| Some(code.clone()))
}

fn parse_range(value: &str, read: impl Fn(&str) -> Option<i64>) -> Option<Range> {
    let range = match value.split_once("..") {
        Some((low, high)) => Range {
            min: if low.trim().is_empty() {
                None
            } else {
                Some(read(low.trim())?)
            },
            max: if high.trim().is_empty() {
                None
            } else {
                Some(read(high.trim())?)
            },
        },
        None => {
            let one = read(value)?;
            Range {
                min: Some(one),
                max: Some(one),
            }
        }
    };
    let backwards = matches!((range.min, range.max), (Some(a), Some(b)) if a > b);
    (!backwards && (range.min.is_some() || range.max.is_some())).then_some(range)
}

fn parse_month(value: &str) -> Option<u32> {
    if let Ok(month) = value.parse::<u32>() {
        return (1..=12).contains(&month).then_some(month);
    }
    let wanted = fold(value);
    (1..=12).find(|m| {
        [Lang::Ru, Lang::En].into_iter().any(|lang| {
            tr_in(lang, &format!("filter.month_{m}"))
                .split(',')
                .any(|name| fold(name.trim()) == wanted)
        })
    })
}

fn parse_bound(value: &str, today: NaiveDate) -> Option<DateBound> {
    let folded = fold(value);
    if folded == "none" || folded == "нет" || folded == "never" || folded == "никогда" {
        return Some(DateBound::Never);
    }
    let (before, rest) = match value.chars().next()? {
        '<' => (true, &value[1..]),
        '>' => (false, &value[1..]),
        _ => return None,
    };
    let date = ago(rest.trim(), today).or_else(|| parse_date(rest.trim(), today).ok())?;
    Some(if before {
        DateBound::Before(date)
    } else {
        DateBound::OnOrAfter(date)
    })
}

/// `90d`, `6w`, `3m`, `1y` (and `д`, `н`, `м`, `г`): that long before `today`.
fn ago(text: &str, today: NaiveDate) -> Option<NaiveDate> {
    let unit = text.chars().last()?;
    let count: u32 = text[..text.len() - unit.len_utf8()].parse().ok()?;
    match unit {
        'd' | 'д' => today.checked_sub_days(chrono::Days::new(count.into())),
        'w' | 'н' => today.checked_sub_days(chrono::Days::new(u64::from(count) * 7)),
        'm' | 'м' => today.checked_sub_months(Months::new(count)),
        'y' | 'г' => today.checked_sub_months(Months::new(count * 12)),
        _ => None,
    }
}

/// The birthdays of people aged within `range` on `today`: born after the first
/// date, on or before the second (as `YYYY-MM-DD` text compares).
pub fn birthdays_for_age(range: Range, today: NaiveDate) -> (Option<NaiveDate>, Option<NaiveDate>) {
    let years_ago = |years: i64| {
        u32::try_from(years)
            .ok()
            .and_then(|y| today.checked_sub_months(Months::new(y * 12)))
    };
    // Aged at most `max`: born after the day `max + 1` years ago.
    let born_after = range.max.and_then(|max| years_ago(max + 1));
    let born_by = range.min.and_then(years_ago);
    (born_after, born_by)
}

/// The day a month's birthdays begin and end, as `birthday_md` numbers.
pub fn month_day_range(month: u32) -> (u32, u32) {
    (month * 100 + 1, month * 100 + 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
    }

    fn tiers() -> Vec<String> {
        ["bronze", "silver", "gold", "vip"]
            .map(String::from)
            .to_vec()
    }

    fn parse(text: &str) -> Result<Filter, FilterError> {
        Filter::parse(text, today(), &tiers())
    }

    #[test]
    fn the_example_of_the_issue_reads() {
        let f = parse("tier:gold city:Москва last-order:<2026-06-01 spent:10000..").unwrap();
        assert_eq!(
            f.terms
                .iter()
                .map(|t| t.criterion.clone())
                .collect::<Vec<_>>(),
            vec![
                Criterion::Tier(Some("gold".into())),
                Criterion::City("москва".into()),
                Criterion::LastOrder(DateBound::Before(
                    NaiveDate::from_ymd_opt(2026, 6, 1).unwrap()
                )),
                Criterion::Spent(Range {
                    min: Some(1_000_000),
                    max: None
                }),
            ]
        );
    }

    #[test]
    fn russian_names_quotes_negation_and_ages() {
        let f = parse("город:\"Нижний Новгород\" -тег:ВИП заказ:<90d возраст:..30").unwrap();
        assert_eq!(
            f.terms[0].criterion,
            Criterion::City("нижний новгород".into())
        );
        assert!(f.terms[1].negated);
        assert_eq!(f.terms[1].criterion, Criterion::Tag("вип".into()));
        assert_eq!(
            f.terms[2].criterion,
            Criterion::LastOrder(DateBound::Before(
                NaiveDate::from_ymd_opt(2026, 8, 25).unwrap()
            ))
        );
        assert_eq!(
            f.terms[3].criterion,
            Criterion::Age(Range {
                min: None,
                max: Some(30)
            })
        );
        assert_eq!(
            parse("тип:Спящие").unwrap().terms[0].criterion,
            Criterion::BaseType(Segment::Sleeping)
        );
        assert_eq!(
            parse("birthday:март").unwrap().terms[0].criterion,
            Criterion::BirthdayMonth(3)
        );
        assert_eq!(
            parse("tier:none").unwrap().terms[0].criterion,
            Criterion::Tier(None)
        );
        assert_eq!(
            parse("last-order:none").unwrap().terms[0].criterion,
            Criterion::LastOrder(DateBound::Never)
        );
    }

    #[test]
    fn errors_name_the_bad_term() {
        for (text, term) in [
            ("city:Москва colour:red", "colour:red"),
            ("tier:platinum", "tier:platinum"),
            ("spent:abc..", "spent:abc.."),
            ("age:50..20", "age:50..20"),
            ("birthday:13", "birthday:13"),
            ("last-order:2026-02-30", "last-order:2026-02-30"),
            ("last-order:<2026-02-30", "last-order:<2026-02-30"),
            ("Москва", "Москва"),
            ("city:", "city:"),
        ] {
            let err = parse(text).unwrap_err();
            assert_eq!(err.term, term, "{text}");
            assert!(err.to_string().contains(term), "{err}");
        }
        assert!(parse("city:\"Нижний").is_err());
    }

    #[test]
    fn ages_become_birthday_bounds() {
        // Aged 30..45 on 2026-11-23: born after 1980-11-23, on or before 1996-11-23.
        let (after, by) = birthdays_for_age(
            Range {
                min: Some(30),
                max: Some(45),
            },
            today(),
        );
        assert_eq!(after, NaiveDate::from_ymd_opt(1980, 11, 23));
        assert_eq!(by, NaiveDate::from_ymd_opt(1996, 11, 23));
    }
}
