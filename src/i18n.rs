//! The string tables: every word a user sees comes from `assets/i18n/{ru,en}.toml`.
//!
//! Keys are dotted paths (`error.phone_letters`); a text may hold `{name}` placeholders
//! filled by [`trf`]. A missing key shows as the key itself, so a gap is visible rather
//! than blank; a test keeps both tables complete and in step with the code.

use std::collections::HashMap;
use std::fmt::Display;
use std::sync::OnceLock;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Ru,
    En,
}

impl Lang {
    pub fn parse(code: &str) -> Option<Lang> {
        let code = code.trim().to_ascii_lowercase();
        if code.starts_with("ru") {
            Some(Lang::Ru)
        } else if code.starts_with("en") {
            Some(Lang::En)
        } else {
            None
        }
    }

    /// The language of the locale (`LC_ALL`, `LC_MESSAGES`, `LANG`); English when the
    /// locale names neither language.
    pub fn from_env() -> Lang {
        ["LC_ALL", "LC_MESSAGES", "LANG"]
            .iter()
            .filter_map(|var| std::env::var(var).ok())
            .find(|value| !value.is_empty() && value != "C" && value != "POSIX")
            .and_then(|value| Lang::parse(&value))
            .unwrap_or(Lang::En)
    }

    pub fn code(self) -> &'static str {
        match self {
            Lang::Ru => "ru",
            Lang::En => "en",
        }
    }
}

pub const RU_TABLE: &str = include_str!("../assets/i18n/ru.toml");
pub const EN_TABLE: &str = include_str!("../assets/i18n/en.toml");

static ACTIVE: OnceLock<Lang> = OnceLock::new();
static TABLES: OnceLock<[HashMap<String, String>; 2]> = OnceLock::new();

/// Picks the language once per process; later calls are ignored (the CLI sets it
/// from `--lang` before anything is printed).
pub fn set_language(lang: Lang) {
    let _ = ACTIVE.set(lang);
}

pub fn language() -> Lang {
    *ACTIVE.get_or_init(Lang::from_env)
}

/// Flattens a TOML string table into `section.key → text`.
pub fn parse_table(source: &str) -> Result<HashMap<String, String>, String> {
    fn walk(prefix: &str, table: &toml::Table, out: &mut HashMap<String, String>) {
        for (key, value) in table {
            let path = if prefix.is_empty() {
                key.clone()
            } else {
                format!("{prefix}.{key}")
            };
            match value {
                toml::Value::Table(inner) => walk(&path, inner, out),
                toml::Value::String(text) => {
                    out.insert(path, text.clone());
                }
                other => {
                    out.insert(path, other.to_string());
                }
            }
        }
    }
    let table: toml::Table = source.parse().map_err(|e| format!("{e}"))?;
    let mut out = HashMap::new();
    walk("", &table, &mut out);
    Ok(out)
}

fn tables() -> &'static [HashMap<String, String>; 2] {
    TABLES.get_or_init(|| {
        [
            parse_table(RU_TABLE).expect("assets/i18n/ru.toml is valid TOML"),
            parse_table(EN_TABLE).expect("assets/i18n/en.toml is valid TOML"),
        ]
    })
}

/// The text of `key` in a given language.
pub fn tr_in(lang: Lang, key: &str) -> String {
    let index = match lang {
        Lang::Ru => 0,
        Lang::En => 1,
    };
    tables()[index]
        .get(key)
        .cloned()
        .unwrap_or_else(|| key.to_string())
}

/// The text of `key` in the active language.
pub fn tr(key: &str) -> String {
    tr_in(language(), key)
}

/// The text of `key` with `{name}` placeholders filled.
pub fn trf(key: &str, args: &[(&str, &dyn Display)]) -> String {
    let mut text = tr(key);
    for (name, value) in args {
        text = text.replace(&format!("{{{name}}}"), &value.to_string());
    }
    text
}

/// Shorthand for the common one-placeholder message `{value}`.
pub fn tr_value(key: &str, value: impl Display) -> String {
    trf(key, &[("value", &value)])
}

/// What the operating system said, in the user's language: the common causes by
/// name (no such file, permission denied, disk full…), anything else as the system
/// put it.
pub fn os_error(err: &std::io::Error) -> String {
    use std::io::ErrorKind as Kind;
    let key = match err.kind() {
        Kind::NotFound => "os_error.not_found",
        Kind::PermissionDenied => "os_error.permission_denied",
        Kind::AlreadyExists => "os_error.already_exists",
        Kind::StorageFull => "os_error.storage_full",
        Kind::ReadOnlyFilesystem => "os_error.read_only_filesystem",
        Kind::IsADirectory => "os_error.is_a_directory",
        Kind::NotADirectory => "os_error.not_a_directory",
        Kind::InvalidData => "os_error.invalid_data",
        Kind::BrokenPipe => "os_error.broken_pipe",
        Kind::FileTooLarge => "os_error.file_too_large",
        Kind::ResourceBusy => "os_error.busy",
        _ => return err.to_string(),
    };
    // EPERM (an immutable file, `chattr +i`) and EACCES are both "permission denied"
    // to Rust; the first is a file nobody may change.
    if err.raw_os_error() == Some(1) {
        return tr("os_error.not_permitted");
    }
    tr(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_tables_have_the_same_keys_and_placeholders() {
        let ru = parse_table(RU_TABLE).unwrap();
        let en = parse_table(EN_TABLE).unwrap();
        let mut missing: Vec<_> = ru.keys().filter(|k| !en.contains_key(*k)).collect();
        missing.extend(en.keys().filter(|k| !ru.contains_key(*k)));
        missing.sort();
        assert!(missing.is_empty(), "keys in one table only: {missing:?}");
        let placeholders = |text: &str| {
            let mut names: Vec<String> = text
                .split('{')
                .skip(1)
                .filter_map(|part| part.split_once('}').map(|(name, _)| name.to_string()))
                .collect();
            names.sort();
            names
        };
        for (key, text) in &ru {
            assert_eq!(
                placeholders(text),
                placeholders(&en[key]),
                "placeholders of {key}"
            );
        }
    }

    #[test]
    fn every_key_used_in_the_code_exists() {
        let en = parse_table(EN_TABLE).unwrap();
        let mut unknown = Vec::new();
        let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut stack = vec![src];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    stack.push(path);
                    continue;
                }
                let code = std::fs::read_to_string(&path).unwrap();
                for call in ["tr(\"", "trf(\"", "tr_value(\"", "tr_in(lang, \""] {
                    for (at, _) in code.match_indices(call) {
                        let before = code[..at].chars().next_back().unwrap_or(' ');
                        if before.is_alphanumeric() || before == '_' {
                            continue;
                        }
                        let key = code[at + call.len()..].split('"').next().unwrap();
                        if !en.contains_key(key) {
                            unknown.push(format!("{}: {key}", path.display()));
                        }
                    }
                }
            }
        }
        assert!(
            unknown.is_empty(),
            "keys missing from the tables: {unknown:#?}"
        );
    }

    #[test]
    fn locale_picks_the_language() {
        assert_eq!(Lang::parse("ru_RU.UTF-8"), Some(Lang::Ru));
        assert_eq!(Lang::parse("en_GB"), Some(Lang::En));
        assert_eq!(Lang::parse("de_DE"), None);
    }
}
