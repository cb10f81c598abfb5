//! A name key that is the same for spellings of one name: letter case and `ё`
//! (through [`fold`]), word order, and Cyrillic written in Latin letters the common
//! ways (`Пётр Петров`, `petrov petr`, `Petr Petrov` share one key).

use crate::domain::text::fold;
use std::hash::{Hash, Hasher};

fn latin(c: char) -> &'static str {
    match c {
        'а' => "a",
        'б' => "b",
        'в' => "v",
        'г' => "g",
        'д' => "d",
        'е' => "e",
        'ж' => "zh",
        'з' => "z",
        'и' => "i",
        'й' => "i",
        'к' => "k",
        'л' => "l",
        'м' => "m",
        'н' => "n",
        'о' => "o",
        'п' => "p",
        'р' => "r",
        'с' => "s",
        'т' => "t",
        'у' => "u",
        'ф' => "f",
        'х' => "h",
        'ц' => "c",
        'ч' => "ch",
        'ш' => "sh",
        'щ' => "sh",
        'ъ' | 'ь' => "",
        'ы' => "i",
        'э' => "e",
        'ю' => "iu",
        'я' => "ia",
        _ => "",
    }
}

/// Latin spellings of one sound, reduced to one: `kh`→`h`, `ts`→`c`, `y`/`j`→`i`…
const LATIN_VARIANTS: &[(&str, &str)] = &[
    ("shch", "sh"),
    ("sch", "sh"),
    ("kh", "h"),
    ("ts", "c"),
    ("tz", "c"),
    ("ph", "f"),
    ("ck", "k"),
    ("x", "ks"),
    ("w", "v"),
    ("q", "k"),
    ("y", "i"),
    ("j", "i"),
];

/// The key of a name: each word transliterated and simplified, the words sorted.
pub fn key(name: &str) -> String {
    let mut words: Vec<String> = fold(name)
        .split(' ')
        .map(|word| {
            let mut out = String::with_capacity(word.len());
            for c in word.chars() {
                if c.is_ascii_alphanumeric() {
                    out.push(c);
                } else {
                    out.push_str(latin(c));
                }
            }
            for (from, to) in LATIN_VARIANTS {
                if out.contains(from) {
                    out = out.replace(from, to);
                }
            }
            out
        })
        .filter(|w| !w.is_empty())
        .collect();
    words.sort_unstable();
    words.join(" ")
}

/// Whether names that share a key are one name written two ways: the same letters
/// in another case, with `е` for `ё` or in another order, or the same name in the
/// other alphabet. Two Latin (or two Cyrillic) spellings that differ in letters,
/// `Brian` and `Bryan`, are two names.
pub fn spelled_alike<'n>(names: impl Iterator<Item = &'n str>) -> bool {
    let mut forms: Vec<(bool, String, &str)> = names
        .map(|name| {
            let mut words: Vec<String> = fold(name).split(' ').map(str::to_string).collect();
            words.sort_unstable();
            let cyrillic = name
                .chars()
                .any(|c| matches!(c, 'а'..='я' | 'А'..='Я' | 'ё' | 'Ё'));
            (cyrillic, words.join(" "), name)
        })
        .collect();
    forms.sort_unstable();
    let both_alphabets = forms.iter().any(|f| f.0) && forms.iter().any(|f| !f.0);
    let respelled = forms
        .windows(2)
        .any(|pair| pair[0].1 == pair[1].1 && pair[0].2 != pair[1].2);
    both_alphabets || respelled
}

pub fn key_hash(name: &str) -> u64 {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    key(name).hash(&mut hasher);
    hasher.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings_of_one_name_share_a_key() {
        assert_eq!(key("Петров Пётр"), key("петров петр"));
        assert_eq!(key("Петров Пётр"), key("Petr Petrov"));
        assert_eq!(key("Ёлкина Пелагея"), key("ЕЛКИНА ПЕЛАГЕЯ"));
        assert_eq!(key("Юрий Хохлов"), key("Yuriy Khokhlov"));
        assert_eq!(key("Цветкова Анна"), key("Tsvetkova Anna"));
        assert_ne!(key("Петров Пётр"), key("Петрова Анна"));
        assert_ne!(key("Lee Anna"), key("Le Ana"));
    }

    #[test]
    fn only_respellings_count_as_alike() {
        assert!(spelled_alike(["Петров Пётр", "ПЕТРОВ ПЕТР"].into_iter()));
        assert!(spelled_alike(["Петров Пётр", "Petr Petrov"].into_iter()));
        assert!(spelled_alike(["Thomas James", "James Thomas"].into_iter()));
        assert!(!spelled_alike(["Diaz Brian", "Diaz Bryan"].into_iter()));
        assert!(!spelled_alike(["Diaz Brian", "Diaz Brian"].into_iter()));
    }
}
