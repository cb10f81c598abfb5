//! A company's requisites as the tax service and the banks check them (SPEC §2): ИНН
//! of 10 digits (a company) or 12 (a person, a sole trader) with their check digits,
//! КПП of 9 characters, ОГРН of 13 digits or ОГРНИП of 15 with its check digit, БИК
//! of 9 digits, a settlement account of 20 digits whose key agrees with the БИК.
//! A wrong one is refused, naming the field and saying why.

use crate::i18n::{tr, trf};
use thiserror::Error;

/// Which requisite a value is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Requisite {
    Inn,
    Kpp,
    Ogrn,
    Bik,
    Account,
}

impl Requisite {
    pub fn label(self) -> String {
        tr(match self {
            Requisite::Inn => "requisite.inn",
            Requisite::Kpp => "requisite.kpp",
            Requisite::Ogrn => "requisite.ogrn",
            Requisite::Bik => "requisite.bik",
            Requisite::Account => "requisite.account",
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{}", trf("requisite.bad", &[("field", &.field.label()), ("value", .value), ("why", .why)]))]
pub struct RequisiteError {
    pub field: Requisite,
    pub value: String,
    pub why: String,
}

fn digits_of(value: &str) -> Vec<u32> {
    value.chars().filter_map(|c| c.to_digit(10)).collect()
}

/// The value without the spaces people put in it; digits only, or an error.
fn only_digits(field: Requisite, value: &str, lengths: &[usize]) -> Result<String, RequisiteError> {
    let text: String = value.chars().filter(|c| !c.is_whitespace()).collect();
    let fail = |why: String| RequisiteError {
        field,
        value: value.trim().to_string(),
        why,
    };
    if !text.chars().all(|c| c.is_ascii_digit()) {
        return Err(fail(tr("requisite.not_digits")));
    }
    if !lengths.contains(&text.len()) {
        let lengths: Vec<String> = lengths.iter().map(|l| l.to_string()).collect();
        return Err(fail(trf(
            "requisite.length",
            &[("lengths", &lengths.join(" / ")), ("got", &text.len())],
        )));
    }
    Ok(text)
}

fn weighted(digits: &[u32], weights: &[u32]) -> u32 {
    digits.iter().zip(weights).map(|(d, w)| d * w).sum::<u32>() % 11 % 10
}

/// ИНН: 10 digits (a company) or 12 (a person), check digits by the tax service's
/// weights.
pub fn inn(value: &str) -> Result<String, RequisiteError> {
    let text = only_digits(Requisite::Inn, value, &[10, 12])?;
    let d = digits_of(&text);
    let ok = match d.len() {
        10 => weighted(&d, &[2, 4, 10, 3, 5, 9, 4, 6, 8]) == d[9],
        _ => {
            weighted(&d, &[7, 2, 4, 10, 3, 5, 9, 4, 6, 8]) == d[10]
                && weighted(&d, &[3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8]) == d[11]
        }
    };
    check(ok, Requisite::Inn, value, text)
}

/// КПП: 4 digits (the tax office), 2 digits or capital Latin letters (the reason),
/// 3 digits.
pub fn kpp(value: &str) -> Result<String, RequisiteError> {
    let text: String = value.chars().filter(|c| !c.is_whitespace()).collect();
    let chars: Vec<char> = text.chars().collect();
    let ok = chars.len() == 9
        && chars[..4].iter().all(char::is_ascii_digit)
        && chars[4..6]
            .iter()
            .all(|c| c.is_ascii_digit() || c.is_ascii_uppercase())
        && chars[6..].iter().all(char::is_ascii_digit);
    if ok {
        Ok(text)
    } else {
        Err(RequisiteError {
            field: Requisite::Kpp,
            value: value.trim().to_string(),
            why: tr("requisite.kpp_shape"),
        })
    }
}

/// ОГРН (13 digits) or ОГРНИП (15): the last digit is the rest of the others divided
/// by 11 (13) or 13 (15), its last digit.
pub fn ogrn(value: &str) -> Result<String, RequisiteError> {
    let text = only_digits(Requisite::Ogrn, value, &[13, 15])?;
    let (body, last) = text.split_at(text.len() - 1);
    let modulus = if text.len() == 13 { 11 } else { 13 };
    // The body is up to 14 digits: it fits in a u64.
    let rest = body
        .parse::<u64>()
        .map(|n| n % modulus % 10)
        .unwrap_or(u64::MAX);
    let ok = last.parse::<u64>().is_ok_and(|l| l == rest);
    check(ok, Requisite::Ogrn, value, text)
}

/// БИК: 9 digits, of a Russian bank (starting with 04).
pub fn bik(value: &str) -> Result<String, RequisiteError> {
    let text = only_digits(Requisite::Bik, value, &[9])?;
    if text.starts_with("04") {
        Ok(text)
    } else {
        Err(RequisiteError {
            field: Requisite::Bik,
            value: value.trim().to_string(),
            why: tr("requisite.bik_country"),
        })
    }
}

/// A settlement account's 20 digits, before its key is checked with the БИК.
pub fn account_digits(value: &str) -> Result<String, RequisiteError> {
    only_digits(Requisite::Account, value, &[20])
}

/// A settlement account: 20 digits whose key agrees with the bank's БИК (its last
/// three digits before the account, weights 7 1 3, the sum ending in 0).
pub fn account(value: &str, bik_value: &str) -> Result<String, RequisiteError> {
    let text = only_digits(Requisite::Account, value, &[20])?;
    let bik_text = bik(bik_value)?;
    let mut all = digits_of(&bik_text[6..]);
    all.extend(digits_of(&text));
    let sum: u32 = all
        .iter()
        .enumerate()
        .map(|(i, d)| d * [7, 1, 3][i % 3] % 10)
        .sum();
    check(sum % 10 == 0, Requisite::Account, value, text)
}

fn check(ok: bool, field: Requisite, value: &str, text: String) -> Result<String, RequisiteError> {
    if ok {
        Ok(text)
    } else {
        Err(RequisiteError {
            field,
            value: value.trim().to_string(),
            why: tr("requisite.check_digit"),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn real_requisites_pass() {
        // Сбербанк: ИНН, КПП, ОГРН; its БИК and correspondent-style account.
        assert_eq!(inn("7707083893").as_deref(), Ok("7707083893"));
        assert_eq!(kpp("773601001").as_deref(), Ok("773601001"));
        assert_eq!(ogrn("1027700132195").as_deref(), Ok("1027700132195"));
        assert!(inn("500100732259").is_ok(), "a person's 12 digits");
        assert!(ogrn("304500116000157").is_ok(), "a sole trader's 15 digits");
        assert!(kpp("7736AB001").is_ok());
        assert_eq!(bik("044525225").as_deref(), Ok("044525225"));
        assert!(account("40702810638000000000", "044525225").is_ok());
        assert_eq!(inn(" 7707 083893 ").as_deref(), Ok("7707083893"));
    }

    #[test]
    fn wrong_requisites_are_refused_naming_the_field() {
        crate::i18n::set_language(crate::i18n::Lang::En);
        for (result, field) in [
            (inn("7707083894"), Requisite::Inn),
            (inn("77070838"), Requisite::Inn),
            (inn("77O7083893"), Requisite::Inn),
            (kpp("77360100"), Requisite::Kpp),
            (kpp("7736ab001"), Requisite::Kpp),
            (ogrn("1027700132194"), Requisite::Ogrn),
            (bik("123456789"), Requisite::Bik),
            (
                account("40702810638000000001", "044525225"),
                Requisite::Account,
            ),
        ] {
            let error = result.expect_err("refused");
            assert_eq!(error.field, field);
            assert!(error.to_string().contains(&field.label()), "{error}");
        }
    }
}
