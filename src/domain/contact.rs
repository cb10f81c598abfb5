//! Phones and e-mails: normalised on the way in, so that lookups, duplicates and
//! search compare like with like.

use crate::i18n::tr_value;
use thiserror::Error;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ContactError {
    #[error("{}", tr_value("error.phone_letters", .0))]
    PhoneLetters(String),
    #[error("{}", tr_value("error.phone_invalid", .0))]
    PhoneInvalid(String),
    #[error("{}", tr_value("error.email_invalid", .0))]
    Email(String),
}

/// How an extension is stored after the number: `+78123004050;ext=12` (RFC 3966).
const EXTENSION: &str = ";ext=";

/// Splits an extension off a phone as offices write it: `доб. 12`, `доб 12`,
/// `добавочный 12`, `ext. 12`, `x12`, `#12`.
fn split_extension(raw: &str) -> (&str, Option<&str>) {
    const MARKERS: [&str; 7] = ["добавочный", "доб.", "доб", "ext.", "ext", "x", "#"];
    let lower = raw.to_lowercase();
    // Lower-casing Cyrillic and Latin keeps byte offsets; any other text has none.
    if lower.len() != raw.len() {
        return (raw, None);
    }
    for marker in MARKERS {
        let Some(at) = lower.find(marker) else {
            continue;
        };
        let rest = raw[at + marker.len()..].trim_start_matches([' ', '.', ':', '\u{a0}']);
        let digits = rest.trim_end();
        let number = raw[..at].trim_end().trim_end_matches(',');
        if !digits.is_empty()
            && digits.len() <= 6
            && digits.chars().all(|c| c.is_ascii_digit())
            && number.chars().any(|c| c.is_ascii_digit())
        {
            return (number, Some(digits));
        }
    }
    (raw, None)
}

/// The number and the extension of a stored phone.
pub fn phone_parts(stored: &str) -> (&str, Option<&str>) {
    match stored.split_once(EXTENSION) {
        Some((number, extension)) => (number, Some(extension)),
        None => (stored, None),
    }
}

/// Normalises a phone written any way people write it to E.164 (`+79161234567`),
/// an extension kept after it (`+78123004050;ext=12`). Numbers without a country
/// code are taken as Russian (`8 916 …`, `916 …`).
pub fn normalize_phone(raw: &str) -> Result<String, ContactError> {
    let (number, extension) = split_extension(raw.trim());
    let e164 = normalize_number(number).map_err(|e| match e {
        ContactError::PhoneLetters(_) => ContactError::PhoneLetters(raw.to_string()),
        _ => ContactError::PhoneInvalid(raw.to_string()),
    })?;
    Ok(match extension {
        Some(ext) => format!("{e164}{EXTENSION}{ext}"),
        None => e164,
    })
}

fn normalize_number(raw: &str) -> Result<String, ContactError> {
    let trimmed = raw.trim();
    if trimmed.chars().any(|c| c.is_alphabetic()) {
        return Err(ContactError::PhoneLetters(raw.to_string()));
    }
    let allowed = |c: char| c.is_ascii_digit() || " ()-.+/\u{a0}".contains(c);
    if !trimmed.chars().all(allowed) || trimmed[1.min(trimmed.len())..].contains('+') {
        return Err(ContactError::PhoneInvalid(raw.to_string()));
    }
    let digits: String = trimmed.chars().filter(|c| c.is_ascii_digit()).collect();
    let international = if trimmed.starts_with('+') {
        digits
    } else if let Some(rest) = digits.strip_prefix("810").filter(|r| r.len() >= 10) {
        rest.to_string()
    } else if let Some(rest) = digits.strip_prefix("00") {
        rest.to_string()
    } else {
        match digits.len() {
            10 => format!("7{digits}"),
            11 if digits.starts_with('8') || digits.starts_with('7') => {
                format!("7{}", &digits[1..])
            }
            _ => digits,
        }
    };
    let valid_length = if international.starts_with('7') {
        international.len() == 11
    } else {
        (8..=15).contains(&international.len())
    };
    if !valid_length || international.starts_with('0') {
        return Err(ContactError::PhoneInvalid(raw.to_string()));
    }
    Ok(format!("+{international}"))
}

/// The digit strings a person may type to find this phone: the international digits
/// and, for Russian numbers, the trunk form with a leading 8. Any local part is a
/// substring of these.
pub fn phone_search_forms(stored: &str) -> Vec<String> {
    let (e164, _) = phone_parts(stored);
    let digits = e164.trim_start_matches('+').to_string();
    let mut forms = vec![digits.clone()];
    if let Some(national) = digits.strip_prefix('7') {
        forms.push(format!("8{national}"));
    }
    forms
}

/// Shows a stored E.164 phone the way it is read aloud in Russia: `+7 916 123-45-67`,
/// with its extension: `+7 812 300-40-50 доб. 12`.
pub fn format_phone(stored: &str) -> String {
    let (e164, extension) = phone_parts(stored);
    let digits = e164.trim_start_matches('+');
    let number = match digits.strip_prefix('7') {
        Some(n) if n.len() == 10 => {
            format!("+7 {} {}-{}-{}", &n[0..3], &n[3..6], &n[6..8], &n[8..10])
        }
        _ => e164.to_string(),
    };
    match extension {
        Some(ext) => format!("{number} {}", tr_value("phone.extension", ext)),
        None => number,
    }
}

/// Lower-cases and checks an e-mail address.
pub fn normalize_email(raw: &str) -> Result<String, ContactError> {
    let lowered = raw.trim().to_lowercase();
    let bad = || ContactError::Email(raw.to_string());
    let (local, domain) = lowered.split_once('@').ok_or_else(bad)?;
    let well_formed = !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains('@')
        && !lowered
            .chars()
            .any(|c| c.is_whitespace() || c == ',' || c == ';');
    if well_formed {
        Ok(lowered)
    } else {
        Err(bad())
    }
}

/// Does this search query look like a phone number (digits and phone punctuation)?
/// Then search compares digits only.
pub fn query_as_phone_digits(query: &str) -> Option<String> {
    let q = query.trim();
    let phone_like = q
        .chars()
        .all(|c| c.is_ascii_digit() || " ()-.+".contains(c));
    let digits: String = q.chars().filter(|c| c.is_ascii_digit()).collect();
    (phone_like && digits.len() >= 3).then_some(digits)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn russian_numbers_in_every_written_form() {
        for raw in [
            "+7 916 123-45-67",
            "8 (916) 123-45-67",
            "89161234567",
            "9161234567",
            "7-916-123-45-67",
            "+7(916)1234567",
            "8 10 7 916 123 45 67",
        ] {
            assert_eq!(normalize_phone(raw).as_deref(), Ok("+79161234567"), "{raw}");
        }
    }

    #[test]
    fn an_extension_is_kept_after_the_number() {
        for raw in [
            "+7 (812) 300-40-50 доб. 12",
            "+7 (812) 300-40-50 ДОБ 12",
            "8 812 300 40 50, доб.12",
            "+78123004050 ext. 12",
            "+7 812 300-40-50 x12",
            "+7 812 300-40-50 #12",
        ] {
            assert_eq!(
                normalize_phone(raw).as_deref(),
                Ok("+78123004050;ext=12"),
                "{raw}"
            );
        }
        assert_ne!(
            normalize_phone("+7 812 300-40-50 доб. 14"),
            normalize_phone("+7 812 300-40-50 доб. 12"),
            "two extensions are two phones"
        );
        assert_eq!(phone_search_forms("+78123004050;ext=12")[0], "78123004050");
        assert!(normalize_phone("доб. 12").is_err());
        assert!(normalize_phone("8916abc4567").is_err());
    }

    #[test]
    fn foreign_numbers_keep_their_code() {
        assert_eq!(
            normalize_phone("+375 29 123-45-67").unwrap(),
            "+375291234567"
        );
        assert_eq!(normalize_phone("0049 30 1234567").unwrap(), "+49301234567");
    }

    #[test]
    fn letters_and_wrong_lengths_are_named() {
        assert_eq!(
            normalize_phone("8916abc4567"),
            Err(ContactError::PhoneLetters("8916abc4567".into()))
        );
        assert!(matches!(
            normalize_phone("12345"),
            Err(ContactError::PhoneInvalid(_))
        ));
        assert!(matches!(
            normalize_phone("+7 916 123"),
            Err(ContactError::PhoneInvalid(_))
        ));
        assert!(matches!(
            normalize_phone("+7 916 +123"),
            Err(ContactError::PhoneInvalid(_))
        ));
        assert!(matches!(
            normalize_phone(""),
            Err(ContactError::PhoneInvalid(_))
        ));
    }

    #[test]
    fn search_forms_cover_trunk_prefix() {
        assert_eq!(
            phone_search_forms("+79161234567"),
            vec!["79161234567".to_string(), "89161234567".to_string()]
        );
        assert_eq!(
            query_as_phone_digits("8 (916) 123-45-67").unwrap(),
            "89161234567"
        );
        assert_eq!(query_as_phone_digits("иван"), None);
        assert_eq!(query_as_phone_digits("12"), None);
    }

    #[test]
    fn formats_russian_numbers() {
        assert_eq!(format_phone("+79161234567"), "+7 916 123-45-67");
        assert_eq!(format_phone("+375291234567"), "+375291234567");
    }

    #[test]
    fn emails_are_lowercased_and_checked() {
        assert_eq!(normalize_email(" Ivan@Mail.RU ").unwrap(), "ivan@mail.ru");
        assert_eq!(normalize_email("ЁЖИК@почта.рф").unwrap(), "ёжик@почта.рф");
        for bad in [
            "ivan",
            "ivan@",
            "@mail.ru",
            "ivan@mail",
            "a b@c.ru",
            "a@b@c.ru",
        ] {
            assert!(normalize_email(bad).is_err(), "{bad}");
        }
    }
}
