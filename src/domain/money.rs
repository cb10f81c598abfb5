//! Money in integer minor units (kopecks, cents): parsed from what people type,
//! shown the way the language writes it.

use crate::i18n::{tr_value, Lang};
use thiserror::Error;

/// An amount that does not read; the text says why.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{0}")]
pub struct AmountError(pub String);

/// The largest amount one order may have: a trillion in major units (10^14 minor).
/// Far above any real order, and low enough that no sum of a base's orders
/// overflows what reports compute with.
pub const MAX_AMOUNT_MINOR: i64 = 100_000_000_000_000;

/// The most items one order may count.
pub const MAX_ITEMS: i64 = 1_000_000;

/// Reads `1500`, `1500.50`, `1500,5`, `1 500,50` into minor units. One decimal
/// separator at most, at most two digits after it, thousands only as spaces:
/// `12,3.4` or `1.500.000` are refused rather than guessed.
pub fn parse_amount(input: &str) -> Result<i64, AmountError> {
    let bad = || AmountError(tr_value("error.amount_invalid", input.trim()));
    let compact: String = input
        .trim()
        .chars()
        .filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}' | '_'))
        .collect();
    let compact = compact
        .trim_end_matches('₽')
        .trim_end_matches("руб.")
        .trim_end_matches("руб");
    let separators = compact.chars().filter(|c| *c == '.' || *c == ',').count();
    if compact.is_empty() || separators > 1 {
        return Err(bad());
    }
    let (whole, fraction) = match compact.split_once(['.', ',']) {
        Some((w, f)) => (w, f),
        None => (compact, ""),
    };
    let digits_only = |s: &str| s.chars().all(|c| c.is_ascii_digit());
    if whole.is_empty() || !digits_only(whole) || !digits_only(fraction) || fraction.len() > 2 {
        return Err(bad());
    }
    // Only digits by now: one that does not fit is too large, not unreadable.
    let units: i64 = whole.parse().map_err(|_| AmountError::too_large(input))?;
    let cents: i64 = format!("{fraction:0<2}").parse().map_err(|_| bad())?;
    units
        .checked_mul(100)
        .and_then(|v| v.checked_add(cents))
        .filter(|minor| *minor <= MAX_AMOUNT_MINOR)
        .ok_or_else(|| AmountError::too_large(input))
}

impl AmountError {
    /// An amount above [`MAX_AMOUNT_MINOR`], said with the limit.
    fn too_large(input: &str) -> AmountError {
        AmountError(crate::i18n::trf(
            "error.amount_too_large",
            &[
                ("value", &input.trim()),
                ("max", &minor_to_plain(MAX_AMOUNT_MINOR)),
            ],
        ))
    }
}

/// `150050` → `1500.50`: the machine form used in JSON and CSV.
pub fn minor_to_plain(minor: i64) -> String {
    let sign = if minor < 0 { "-" } else { "" };
    let abs = minor.unsigned_abs();
    format!("{sign}{}.{:02}", abs / 100, abs % 100)
}

/// `150050` → `1 500,50 ₽` (Russian) or `₽1,500.50` (English).
pub fn format_money(minor: i64, currency: &str, lang: Lang) -> String {
    let abs = minor.unsigned_abs();
    let (units, cents) = (abs / 100, abs % 100);
    let (group, decimal) = match lang {
        Lang::Ru => ('\u{a0}', ','),
        Lang::En => (',', '.'),
    };
    let digits = units.to_string();
    let mut grouped = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push(group);
        }
        grouped.push(ch);
    }
    let sign = if minor < 0 { "-" } else { "" };
    let symbol = match currency {
        "RUB" => "₽",
        "USD" => "$",
        "EUR" => "€",
        other => other,
    };
    match lang {
        Lang::Ru => format!("{sign}{grouped}{decimal}{cents:02}\u{a0}{symbol}"),
        Lang::En => format!("{sign}{symbol}{grouped}{decimal}{cents:02}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_amounts_people_type() {
        assert_eq!(parse_amount("1500.50"), Ok(150_050));
        assert_eq!(parse_amount("1500,5"), Ok(150_050));
        assert_eq!(parse_amount("1 500,50"), Ok(150_050));
        assert_eq!(parse_amount("1500"), Ok(150_000));
        assert_eq!(parse_amount("0.07"), Ok(7));
        assert_eq!(parse_amount("2 000 ₽"), Ok(200_000));
    }

    #[test]
    fn refuses_amounts_above_a_trillion() {
        assert_eq!(parse_amount("1000000000000"), Ok(MAX_AMOUNT_MINOR));
        for huge in [
            "1000000000000.01",
            "92233720368547758.07",
            "99999999999999999999999",
        ] {
            let err = parse_amount(huge).unwrap_err();
            assert!(err.0.contains(huge), "{err}");
        }
    }

    #[test]
    fn refuses_ambiguous_amounts() {
        for bad in [
            "12,3.4",
            "1.500.000",
            "1.234",
            "abc",
            "",
            "-5",
            "1e3",
            ".5",
            "99999999999999999999",
        ] {
            let err = parse_amount(bad).unwrap_err();
            assert!(err.0.contains(bad.trim()), "{bad}: {err}");
        }
    }

    #[test]
    fn shows_money_per_language() {
        assert_eq!(
            format_money(150_050, "RUB", Lang::Ru),
            "1\u{a0}500,50\u{a0}₽"
        );
        assert_eq!(format_money(150_050, "RUB", Lang::En), "₽1,500.50");
        assert_eq!(format_money(123_456_789, "USD", Lang::En), "$1,234,567.89");
        assert_eq!(minor_to_plain(150_050), "1500.50");
        assert_eq!(minor_to_plain(5), "0.05");
    }
}
