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

/// Trims and collapses inner white space; `None` for text that is empty after that.
pub fn clean(text: &str) -> Option<String> {
    let joined = text.split_whitespace().collect::<Vec<_>>().join(" ");
    (!joined.is_empty()).then_some(joined)
}

/// Same as [`clean`] for an optional field.
pub fn clean_opt(text: Option<&str>) -> Option<String> {
    text.and_then(clean)
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
    fn clean_drops_empty_text() {
        assert_eq!(clean("  a   b "), Some("a b".into()));
        assert_eq!(clean(" \n "), None);
    }
}
