//! Text normalisation for search and comparison.
//!
//! SQLite folds ASCII only (`lower()`, `LIKE`, `NOCASE`), so every comparison a user
//! relies on goes through [`fold`] first, on both the stored text and the query.

use unicode_normalization::UnicodeNormalization;

/// Full Unicode case folding, NFC, `ё`→`е`, runs of white space collapsed to one space.
///
/// `Ёлкина` and `ЕЛКИНА` both fold to `елкина`; `Straße` folds to `strasse`.
pub fn fold(text: &str) -> String {
    let folded = caseless::default_case_fold_str(text);
    let mut out = String::with_capacity(folded.len());
    let mut pending_space = false;
    for ch in folded.nfc() {
        if ch.is_whitespace() {
            pending_space = !out.is_empty();
            continue;
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        out.push(match ch {
            'ё' => 'е',
            other => other,
        });
    }
    out
}

/// The longest one-line value a person types (a name, a city, a tag): longer is a
/// paste gone wrong, refused rather than stored.
pub const MAX_LINE_CHARS: usize = 300;
/// The longest text of several lines (notes, the summary of a call).
pub const MAX_TEXT_CHARS: usize = 10_000;

/// A control character that must never be stored or printed: C0 and C1 controls and
/// DEL (an escape sequence in a name would recolour or retitle a terminal), but not
/// the new line and the tab.
fn is_unprintable(c: char) -> bool {
    c.is_control() && c != '\n' && c != '\t'
}

/// `text` without control characters (ESC, BEL, BS, NUL, C1…): what may reach a
/// terminal. New lines and tabs stay.
pub fn printable(text: &str) -> std::borrow::Cow<'_, str> {
    if text.chars().any(is_unprintable) {
        text.chars().filter(|c| !is_unprintable(*c)).collect()
    } else {
        std::borrow::Cow::Borrowed(text)
    }
}

/// Trims and collapses inner white space, drops control characters; `None` for text
/// that is empty after that.
pub fn clean(text: &str) -> Option<String> {
    let joined = text
        .split_whitespace()
        .map(|word| printable(word).into_owned())
        .filter(|word| !word.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    (!joined.is_empty()).then_some(joined)
}

/// Text of several lines (notes): each line cleaned as by [`clean`], the line breaks
/// kept (`\r\n` as `\n`), blank lines at the start and end dropped.
pub fn clean_lines(text: &str) -> Option<String> {
    let lines: Vec<String> = text
        .split('\n')
        .map(|line| clean(line).unwrap_or_default())
        .collect();
    let first = lines.iter().position(|l| !l.is_empty())?;
    let last = lines.iter().rposition(|l| !l.is_empty())?;
    Some(lines[first..=last].join("\n"))
}

/// Same as [`clean`] for an optional field.
pub fn clean_opt(text: Option<&str>) -> Option<String> {
    text.and_then(clean)
}

/// A cell a spreadsheet would run as a formula (`=HYPERLINK(…)`, `@SUM(…)`,
/// `+cmd|…`, OWASP "CSV injection") gets a leading `'`, which makes it text. A phone
/// or a number (`+79161234567`, `-5`) is left as it is: it runs nothing.
pub fn spreadsheet_safe(cell: &str) -> std::borrow::Cow<'_, str> {
    let risky = cell.starts_with(['=', '+', '-', '@', '\t', '\r']);
    let plain_number = cell
        .chars()
        .all(|c| c.is_ascii_digit() || " +-().,".contains(c))
        && cell.chars().any(|c| c.is_ascii_digit());
    if risky && !plain_number {
        std::borrow::Cow::Owned(format!("'{cell}"))
    } else {
        std::borrow::Cow::Borrowed(cell)
    }
}

/// Reads back a cell [`spreadsheet_safe`] escaped.
pub fn spreadsheet_unescape(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@', '\t', '\r']) => rest,
        _ => cell,
    }
}

/// Splits a full name written in one field into (last, first, patronymic) the way
/// Russian documents write it: `Иванов Иван Иванович`. A single word is taken as the
/// first name; a Latin two-word name (`John Smith`) is first + last.
pub fn split_full_name(full: &str) -> (Option<String>, Option<String>, Option<String>) {
    let words: Vec<&str> = full.split_whitespace().collect();
    let is_latin = full
        .chars()
        .filter(|c| c.is_alphabetic())
        .all(|c| c.is_ascii());
    match words.as_slice() {
        [] => (None, None, None),
        [one] => (None, Some(one.to_string()), None),
        [first, last] if is_latin => (Some(last.to_string()), Some(first.to_string()), None),
        [last, first] => (Some(last.to_string()), Some(first.to_string()), None),
        [last, first, rest @ ..] => (
            Some(last.to_string()),
            Some(first.to_string()),
            Some(rest.join(" ")),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_cyrillic_case_and_yo() {
        assert_eq!(fold("Ёлкина Пелагея"), "елкина пелагея");
        assert_eq!(fold("ЕЛКИНА"), fold("ёлкина"));
        assert_eq!(fold("ПЕЛАГЕЯ"), "пелагея");
    }

    #[test]
    fn folds_beyond_ascii_and_collapses_space() {
        assert_eq!(fold("  Straße \t Köln "), "strasse köln");
        // Decomposed й (и + combining breve) equals the precomposed one after folding.
        assert_eq!(fold("Андреи\u{0306}"), fold("Андрей"));
    }

    #[test]
    fn splits_russian_and_latin_full_names() {
        assert_eq!(
            split_full_name("Иванов Иван Иванович"),
            (
                Some("Иванов".into()),
                Some("Иван".into()),
                Some("Иванович".into())
            )
        );
        assert_eq!(
            split_full_name("John Smith"),
            (Some("Smith".into()), Some("John".into()), None)
        );
        assert_eq!(
            split_full_name("Петрова Анна"),
            (Some("Петрова".into()), Some("Анна".into()), None)
        );
        assert_eq!(split_full_name("  "), (None, None, None));
    }

    #[test]
    fn control_characters_are_never_kept_nor_printed() {
        let evil = "Evil\u{1b}[31mRED\u{1b}]0;pwned\u{1b}\\\u{7}\u{8}\u{0}\u{9b}";
        assert_eq!(clean(evil), Some("Evil[31mRED]0;pwned\\".into()));
        assert_eq!(printable("a\u{1b}b\nc\td"), "ab\nc\td");
        assert!(matches!(printable("plain"), std::borrow::Cow::Borrowed(_)));
        assert_eq!(clean("\u{1b}\u{7}"), None);
    }

    #[test]
    fn notes_keep_their_line_breaks() {
        assert_eq!(
            clean_lines("\r\n  Первая  строка\r\n\nвторая\u{1b}[0m \n\n"),
            Some("Первая строка\n\nвторая[0m".into())
        );
        assert_eq!(clean_lines(" \n \n"), None);
    }

    #[test]
    fn cells_a_spreadsheet_would_run_are_escaped_and_read_back() {
        for formula in [
            "=HYPERLINK(\"http://x\")",
            "@SUM(A1)",
            "+cmd|' /C calc'!A0",
            "-cmd|x",
            "=1",
        ] {
            let safe = spreadsheet_safe(formula);
            assert_eq!(safe, format!("'{formula}"));
            assert_eq!(spreadsheet_unescape(&safe), formula);
        }
        for plain in ["+79161234567", "-5", "Иванов", "'quoted", "1 500,50"] {
            assert_eq!(spreadsheet_safe(plain), plain);
            assert_eq!(spreadsheet_unescape(plain), plain);
        }
    }

    #[test]
    fn clean_drops_empty_text() {
        assert_eq!(clean("  a   b "), Some("a b".into()));
        assert_eq!(clean(" \n "), None);
    }
}
