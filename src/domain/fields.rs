//! The fields of a client a person fills in (forms, `client add/edit`, import): their
//! names, and how each typed value is checked and normalised. One place, so the CLI,
//! the TUI and import accept exactly the same input.

use crate::domain::call_window::CallWindow;
use crate::domain::codes::{Channel, ClientKind, Gender, Source, Stage};
use crate::domain::contact::{normalize_email, normalize_phone};
use crate::domain::dates::Birthday;
use crate::domain::text::{clean, clean_lines, fold, MAX_LINE_CHARS, MAX_TEXT_CHARS};
use crate::i18n::{tr, trf};
use chrono::NaiveDate;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    Kind,
    /// A full name in one line, split into last / first / patronymic.
    Name,
    LastName,
    FirstName,
    Patronymic,
    Company,
    LegalForm,
    Position,
    Birthday,
    Gender,
    Occupation,
    City,
    TimeZone,
    Address,
    Channel,
    CallWindow,
    Source,
    Stage,
    Notes,
    Phones,
    Emails,
    Tags,
}

impl Field {
    pub const ALL: &'static [Field] = &[
        Field::Kind,
        Field::Name,
        Field::LastName,
        Field::FirstName,
        Field::Patronymic,
        Field::Company,
        Field::LegalForm,
        Field::Position,
        Field::Birthday,
        Field::Gender,
        Field::Occupation,
        Field::City,
        Field::TimeZone,
        Field::Address,
        Field::Channel,
        Field::CallWindow,
        Field::Source,
        Field::Stage,
        Field::Notes,
        Field::Phones,
        Field::Emails,
        Field::Tags,
    ];

    /// The name used on the command line (`--city`) and in files.
    pub fn code(self) -> &'static str {
        match self {
            Field::Kind => "kind",
            Field::Name => "name",
            Field::LastName => "last-name",
            Field::FirstName => "first-name",
            Field::Patronymic => "patronymic",
            Field::Company => "company",
            Field::LegalForm => "legal-form",
            Field::Position => "position",
            Field::Birthday => "birthday",
            Field::Gender => "gender",
            Field::Occupation => "occupation",
            Field::City => "city",
            Field::TimeZone => "time-zone",
            Field::Address => "address",
            Field::Channel => "channel",
            Field::CallWindow => "call-window",
            Field::Source => "source",
            Field::Stage => "stage",
            Field::Notes => "notes",
            Field::Phones => "phone",
            Field::Emails => "email",
            Field::Tags => "tag",
        }
    }

    /// Accepts the code, with `_` or `-`, and plurals (`phones`).
    pub fn parse(name: &str) -> Option<Field> {
        let name = name
            .trim()
            .trim_start_matches("--")
            .to_lowercase()
            .replace('_', "-");
        let singular = name.strip_suffix('s').unwrap_or(&name);
        Field::ALL
            .iter()
            .copied()
            .find(|f| f.code() == name || f.code() == singular)
    }

    pub fn label(self) -> String {
        tr(&format!("field.{}", self.code().replace('-', "_")))
    }

    /// Checks and normalises what was typed into this field.
    pub fn normalize(self, raw: &str, today: NaiveDate) -> Result<Value, FieldError> {
        let err = |message: String| FieldError {
            field: self,
            message,
        };
        let text = if self == Field::Notes {
            clean_lines(raw)
        } else {
            clean(raw)
        };
        let limit = if self == Field::Notes {
            MAX_TEXT_CHARS
        } else {
            MAX_LINE_CHARS
        };
        // A list is checked item by item below; its cell may hold several.
        let is_list = matches!(self, Field::Phones | Field::Emails | Field::Tags);
        if let Some(t) = text
            .as_ref()
            .filter(|t| !is_list && t.chars().count() > limit)
        {
            return Err(err(too_long(t, limit)));
        }
        if let Some(long) = is_list
            .then(|| split_list(raw).find(|item| item.chars().count() > MAX_LINE_CHARS))
            .flatten()
        {
            return Err(err(too_long(&long, MAX_LINE_CHARS)));
        }
        let code_of = |found: Option<&'static str>, all: String| -> Result<Value, FieldError> {
            match (&text, found) {
                (None, _) => Ok(Value::Text(None)),
                (Some(_), Some(code)) => Ok(Value::Text(Some(code.to_string()))),
                (Some(t), None) => Err(err(trf(
                    "error.expected_one_of",
                    &[("value", t), ("expected", &all)],
                ))),
            }
        };
        match self {
            Field::Kind => match &text {
                None => Err(err(tr("error.kind_required"))),
                Some(t) => ClientKind::parse(t)
                    .map(|k| Value::Text(Some(k.code().to_string())))
                    .ok_or_else(|| {
                        err(trf(
                            "error.expected_one_of",
                            &[("value", t), ("expected", &ClientKind::codes())],
                        ))
                    }),
            },
            Field::Birthday => match &text {
                None => Ok(Value::Text(None)),
                Some(t) => {
                    let birthday = Birthday::parse(t, today).map_err(|e| err(e.to_string()))?;
                    if birthday.date().is_some_and(|date| date > today) {
                        return Err(err(trf("error.birthday_future", &[("value", t)])));
                    }
                    Ok(Value::Text(Some(birthday.stored())))
                }
            },
            Field::Gender => code_of(
                text.as_deref().and_then(Gender::parse).map(Gender::code),
                Gender::codes(),
            ),
            Field::Channel => code_of(
                text.as_deref().and_then(Channel::parse).map(Channel::code),
                Channel::codes(),
            ),
            Field::Source => code_of(
                text.as_deref().and_then(Source::parse).map(Source::code),
                Source::codes(),
            ),
            Field::Stage => code_of(
                text.as_deref().and_then(Stage::parse).map(Stage::code),
                Stage::codes(),
            ),
            Field::CallWindow => match &text {
                None => Ok(Value::Text(None)),
                Some(t) => CallWindow::parse(t)
                    .map(|w| Value::Text(Some(w.code())))
                    .map_err(|e| err(e.to_string())),
            },
            Field::TimeZone => match &text {
                None => Ok(Value::Text(None)),
                Some(t) => t
                    .parse::<chrono_tz::Tz>()
                    .map(|tz| Value::Text(Some(tz.name().to_string())))
                    .map_err(|_| err(trf("error.time_zone_invalid", &[("value", t)]))),
            },
            Field::Phones => split_list(raw)
                .map(|p| normalize_phone(&p).map_err(|e| err(e.to_string())))
                .collect::<Result<Vec<_>, _>>()
                .map(dedup)
                .map(Value::List),
            Field::Emails => split_list(raw)
                .map(|e| normalize_email(&e).map_err(|e| err(e.to_string())))
                .collect::<Result<Vec<_>, _>>()
                .map(dedup)
                .map(Value::List),
            Field::Tags => Ok(Value::List(dedup(
                split_list(raw).map(|t| fold(&t)).collect(),
            ))),
            _ => Ok(Value::Text(text)),
        }
    }
}

/// "«the start of it…» is longer than N characters": a value too long to repeat whole.
pub fn too_long(value: &str, limit: usize) -> String {
    let start: String = value.chars().take(40).collect();
    trf(
        "error.too_long",
        &[("value", &format!("{start}…")), ("max", &limit)],
    )
}

/// A checked, normalised value ready to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    Text(Option<String>),
    List(Vec<String>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: Field,
    pub message: String,
}

impl std::fmt::Display for FieldError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.field.code(), self.message)
    }
}

/// Several values in one cell or line: `+7 916 …, 8 903 …` or `a@b.ru; c@d.ru`.
pub fn split_list(raw: &str) -> impl Iterator<Item = String> + '_ {
    raw.split([',', ';', '\n']).filter_map(clean)
}

fn dedup(values: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(values.len());
    for v in values {
        if !out.contains(&v) {
            out.push(v);
        }
    }
    out
}

/// What a person typed for a client: field → raw text, in the order given.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClientDraft {
    pub values: Vec<(Field, String)>,
}

/// A draft whose every field passed its check.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CheckedDraft {
    pub values: Vec<(Field, Value)>,
}

impl ClientDraft {
    pub fn set(&mut self, field: Field, raw: impl Into<String>) -> &mut Self {
        let raw = raw.into();
        match self.values.iter_mut().find(|(f, _)| *f == field) {
            // Repeated list options (`--phone A --phone B`) add up.
            Some((Field::Phones | Field::Emails | Field::Tags, existing)) => {
                existing.push_str(", ");
                existing.push_str(&raw);
            }
            Some((_, existing)) => *existing = raw,
            None => self.values.push((field, raw)),
        }
        self
    }

    /// Checks every field; all problems at once, so a form can show each beside its field.
    pub fn check(&self, today: NaiveDate) -> Result<CheckedDraft, Vec<FieldError>> {
        let mut values = Vec::new();
        let mut errors = Vec::new();
        for (field, raw) in &self.values {
            match field.normalize(raw, today) {
                Ok(Value::Text(Some(full))) if *field == Field::Name => {
                    let (last, first, patronymic) = crate::domain::text::split_full_name(&full);
                    values.push((Field::LastName, Value::Text(last)));
                    values.push((Field::FirstName, Value::Text(first)));
                    values.push((Field::Patronymic, Value::Text(patronymic)));
                }
                Ok(value) => values.push((*field, value)),
                Err(e) => errors.push(e),
            }
        }
        if errors.is_empty() {
            Ok(CheckedDraft { values })
        } else {
            Err(errors)
        }
    }
}

impl CheckedDraft {
    pub fn text(&self, field: Field) -> Option<Option<&str>> {
        self.values
            .iter()
            .rev()
            .find(|(f, _)| *f == field)
            .map(|(_, v)| match v {
                Value::Text(t) => t.as_deref(),
                Value::List(l) => l.first().map(String::as_str),
            })
    }

    pub fn list(&self, field: Field) -> Option<&[String]> {
        self.values
            .iter()
            .rev()
            .find(|(f, _)| *f == field)
            .and_then(|(_, v)| match v {
                Value::List(l) => Some(l.as_slice()),
                Value::Text(_) => None,
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
    }

    #[test]
    fn field_names_parse_like_command_line_options() {
        assert_eq!(Field::parse("--city"), Some(Field::City));
        assert_eq!(Field::parse("call_window"), Some(Field::CallWindow));
        assert_eq!(Field::parse("phones"), Some(Field::Phones));
        assert_eq!(Field::parse("colour"), None);
    }

    #[test]
    fn a_full_name_is_split() {
        let mut draft = ClientDraft::default();
        draft.set(Field::Name, "Ёлкина Пелагея Ивановна");
        let checked = draft.check(today()).unwrap();
        assert_eq!(checked.text(Field::LastName), Some(Some("Ёлкина")));
        assert_eq!(checked.text(Field::Patronymic), Some(Some("Ивановна")));
    }

    #[test]
    fn every_bad_field_is_reported_with_its_value() {
        let mut draft = ClientDraft::default();
        draft
            .set(Field::Birthday, "31.02.2026")
            .set(Field::Phones, "8916abc4567")
            .set(Field::Emails, "ok@mail.ru")
            .set(Field::Source, "carrier pigeon");
        let errors = draft.check(today()).unwrap_err();
        let fields: Vec<Field> = errors.iter().map(|e| e.field).collect();
        assert_eq!(fields, [Field::Birthday, Field::Phones, Field::Source]);
        assert!(errors[0].message.contains("31.02.2026"));
        assert!(errors[1].message.contains("8916abc4567"));
        assert!(errors[2].message.contains("carrier pigeon"));
    }

    #[test]
    fn lists_are_split_normalised_and_deduplicated() {
        let mut draft = ClientDraft::default();
        draft.set(Field::Phones, "+7 916 123-45-67; 8 (916) 123-45-67");
        draft.set(Field::Phones, "8 903 000 00 00");
        draft.set(Field::Tags, "Рыбалка, рыбалка, VIP");
        let checked = draft.check(today()).unwrap();
        assert_eq!(
            checked.list(Field::Phones).unwrap(),
            ["+79161234567", "+79030000000"]
        );
        assert_eq!(checked.list(Field::Tags).unwrap(), ["рыбалка", "vip"]);
    }

    #[test]
    fn values_longer_than_a_person_types_are_refused() {
        let long = "Я".repeat(301);
        assert!(Field::Name.normalize(&long, today()).is_err());
        assert!(Field::City.normalize(&long, today()).is_err());
        assert!(Field::Tags
            .normalize(&format!("vip, {long}"), today())
            .is_err());
        assert!(Field::Name.normalize(&"Я".repeat(300), today()).is_ok());
        assert!(Field::Notes.normalize(&long, today()).is_ok());
        assert!(Field::Notes
            .normalize(&"a".repeat(10_001), today())
            .is_err());
        assert_eq!(
            Field::Notes.normalize("строка 1\r\nстрока 2", today()),
            Ok(Value::Text(Some("строка 1\nстрока 2".into())))
        );
    }

    #[test]
    fn birthdays_in_the_future_and_unknown_zones_are_refused() {
        assert!(Field::Birthday.normalize("01.01.2030", today()).is_err());
        assert!(Field::TimeZone.normalize("Mars/Olympus", today()).is_err());
        assert_eq!(
            Field::TimeZone.normalize("Asia/Yekaterinburg", today()),
            Ok(Value::Text(Some("Asia/Yekaterinburg".into())))
        );
    }
}
