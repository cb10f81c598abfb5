//! How a client's record reads to a person: the same labelled fields, in the same
//! order and words, in `client show` and in the card of the interface.

pub mod report;

use crate::domain::call_window::CallWindow;
use crate::domain::codes::{
    ArchiveReason, Channel, ConsentForm, ConsentPurpose, OrderStatus, Source, Stage,
};
use crate::domain::contact::format_phone;
use crate::domain::dates::format_date;
use crate::domain::money::format_money;
use crate::domain::segments::tier_label;
use crate::i18n::{language, tr};
use crate::store::card::ClientCard;
use chrono::{Local, NaiveDate};

/// The person's name as Russian documents write it: last, first, patronymic.
pub fn person_name(card: &ClientCard) -> String {
    join_names([&card.last_name, &card.first_name, &card.patronymic])
}

/// The person's name the way `text::split_full_name` reads it back: a Latin name first
/// name first, a Russian one last name first. Forms fill the name field with it.
pub fn person_name_as_typed(card: &ClientCard) -> String {
    let latin = [&card.last_name, &card.first_name]
        .into_iter()
        .flatten()
        .all(|n| {
            n.chars()
                .filter(|c| c.is_alphabetic())
                .all(|c| c.is_ascii())
        });
    if latin {
        join_names([&card.first_name, &card.last_name, &card.patronymic])
    } else {
        person_name(card)
    }
}

fn join_names(parts: [&Option<String>; 3]) -> String {
    parts
        .into_iter()
        .flatten()
        .cloned()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The birthday the way the language writes dates.
pub fn birthday(card: &ClientCard) -> Option<String> {
    card.birthday
        .as_deref()
        .and_then(crate::domain::dates::Birthday::from_stored)
        .map(|b| b.format(language()))
}

/// The profile of a client as (label, value) pairs; empty values are left out.
pub fn profile_fields(card: &ClientCard) -> Vec<(String, String)> {
    let lang = language();
    let person = person_name(card);
    let birthday = birthday(card);
    let archived = card.archived_at.map(|at| {
        let reason = card
            .archive_reason
            .as_deref()
            .and_then(ArchiveReason::from_code)
            .map(|r| r.label());
        format!(
            "{} — {}",
            format_date(at.with_timezone(&Local).date_naive(), lang),
            reason.unwrap_or_default()
        )
    });
    let fields: Vec<(&str, Option<String>)> = vec![
        (
            "tui.contact_person",
            Some(person).filter(|_| card.kind == "company"),
        ),
        (
            "field.company",
            card.company.clone().filter(|_| card.kind == "person"),
        ),
        ("field.position", card.position.clone()),
        (
            "field.phone",
            Some(
                card.phones
                    .iter()
                    .map(|p| format_phone(p))
                    .collect::<Vec<_>>()
                    .join(", "),
            ),
        ),
        ("field.email", Some(card.emails.join(", "))),
        ("field.birthday", birthday),
        ("field.city", card.city.clone()),
        (
            "field.time_zone",
            card.time_zone.as_deref().map(time_zone_words),
        ),
        (
            "field.call_window",
            card.call_window
                .as_deref()
                .and_then(|w| CallWindow::parse(w).ok())
                .map(|w| w.label()),
        ),
        (
            "field.source",
            card.source
                .as_deref()
                .and_then(Source::from_code)
                .map(|s| s.label()),
        ),
        (
            "field.stage",
            Stage::from_code(&card.stage).map(|s| s.label()),
        ),
        ("field.tag", Some(card.tags.join(", "))),
        (
            "column.manager",
            Some(format!("{} ({})", card.manager_name, card.manager)),
        ),
        (
            "column.segment",
            Some(
                card.segments
                    .iter()
                    .map(|s| s.label())
                    .collect::<Vec<_>>()
                    .join(", "),
            ),
        ),
        ("column.tier", card.tier.as_deref().map(tier_label)),
        (
            "column.total_spent",
            Some(format!(
                "{} ({})",
                format_money(card.total_spent_minor, "RUB", lang),
                card.orders_count
            )),
        ),
        ("column.archived", archived),
        ("field.notes", card.notes.clone()),
    ];
    let requisites = card.requisites.clone().unwrap_or_default();
    let fields = fields.into_iter().chain([
        ("requisite.inn", requisites.inn),
        ("requisite.kpp", requisites.kpp),
        ("requisite.ogrn", requisites.ogrn),
        ("requisite.bank", requisites.bank_name),
        ("requisite.bik", requisites.bik),
        ("requisite.account", requisites.bank_account),
    ]);
    fields
        .into_iter()
        .filter_map(|(label, value)| value.filter(|v| !v.is_empty()).map(|v| (tr(label), v)))
        .collect()
}

/// A client's time zone as a caller needs it: the offset and the time there now
/// (`UTC+7, сейчас 21:40`), not the database's name of it.
pub fn time_zone_words(zone: &str) -> String {
    use chrono::{Offset, Utc};
    let Ok(tz) = zone.parse::<chrono_tz::Tz>() else {
        return zone.to_string();
    };
    let now = Utc::now().with_timezone(&tz);
    let seconds = now.offset().fix().local_minus_utc();
    let (sign, seconds) = if seconds < 0 {
        ('−', -seconds)
    } else {
        ('+', seconds)
    };
    let offset = match (seconds / 3600, seconds % 3600 / 60) {
        (h, 0) => format!("UTC{sign}{h}"),
        (h, m) => format!("UTC{sign}{h}:{m:02}"),
    };
    crate::i18n::trf(
        "card.time_there",
        &[
            ("offset", &offset),
            ("time", &now.format("%H:%M").to_string()),
        ],
    )
}

/// One entry of a client's history as a person reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryEntry {
    pub at: chrono::DateTime<chrono::Utc>,
    /// Who did it (a login), when known.
    pub who: Option<String>,
    /// What kind of event: a call, a change, an order…
    pub what: String,
    pub text: String,
}

/// A stored value of a changed field, in words: codes become labels, ISO dates local ones.
pub(crate) fn shown_value(field: &str, value: &serde_json::Value) -> String {
    if let (true, Some(ms)) = (field.ends_with("_at"), value.as_i64()) {
        return chrono::DateTime::from_timestamp_millis(ms).map_or_else(String::new, |t| {
            let local = t.with_timezone(&Local);
            format!(
                "{} {}",
                format_date(local.date_naive(), language()),
                local.format("%H:%M")
            )
        });
    }
    // Yes-or-no fields are stored as 0 and 1.
    if matches!(field, "decision_maker" | "agreed" | "has_time" | "archived") {
        let yes = value.as_i64().map(|n| n != 0).or(value.as_bool());
        if let Some(yes) = yes {
            return tr(if yes { "answer.yes" } else { "answer.no" });
        }
    }
    let text = match value {
        serde_json::Value::Null => return "—".into(),
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    if field == "rule" {
        let key = format!("rule.made_{text}");
        let label = tr(&key);
        if label != key {
            return label;
        }
    }
    if field == "kind" {
        let key = format!("contact_kind.{text}");
        let label = tr(&key);
        if label != key {
            return label;
        }
    }
    let label = match field {
        "stage" => Stage::from_code(&text).map(|s| s.label()),
        "source" => Source::from_code(&text).map(|s| s.label()),
        "archive_reason" => ArchiveReason::from_code(&text).map(|r| r.label()),
        "call_window" => CallWindow::parse(&text).ok().map(|w| w.label()),
        "birthday" | "put_off_until" | "given_on" | "date" => {
            NaiveDate::parse_from_str(&text, "%Y-%m-%d")
                .ok()
                .map(|d| format_date(d, language()))
        }
        "form" => ConsentForm::from_code(&text).map(|f| f.label()),
        "purpose" => ConsentPurpose::from_code(&text).map(|p| p.label()),
        "status" => OrderStatus::from_code(&text)
            .map(|s| s.label())
            .or_else(|| {
                matches!(text.as_str(), "given" | "withdrawn")
                    .then(|| tr(&format!("consent_status.{text}")))
            }),
        "channel" | "preferred_channel" => Channel::from_code(&text).map(|c| c.label()),
        "value" if text.starts_with('+') => Some(format_phone(&text)),
        "time_zone" => Some(time_zone_words(&text)),
        _ => None,
    };
    label.unwrap_or(text)
}

/// The fields of a change in words. In a new row, what was left empty is not said
/// ("created in the archive: —").
fn fields_text(fields: &serde_json::Value, skip: &[&str], new_row: bool) -> String {
    fields
        .as_object()
        .map(|o| {
            o.iter()
                .filter(|(k, _)| !skip.contains(&k.as_str()))
                .filter(|(_, v)| !(new_row && (v.is_null() || v.as_str() == Some(""))))
                .map(|(k, v)| match k.as_str() {
                    // What a contact, a tag or a person is needs no label.
                    "value" | "tag" | "name" => shown_value(k, v),
                    _ => format!("{}: {}", tr(&format!("change.{k}")), shown_value(k, v)),
                })
                .collect::<Vec<_>>()
                .join(", ")
        })
        .unwrap_or_default()
}

/// Calls, meetings and notes, and every change of the record from the change log
/// (who changed the phone, when), newest first.
pub fn history_entries(card: &ClientCard) -> Vec<HistoryEntry> {
    use crate::domain::codes::InteractionKind;
    let mut out: Vec<HistoryEntry> = card
        .interactions
        .iter()
        .map(|i| HistoryEntry {
            at: i.at,
            who: i.manager.clone(),
            what: InteractionKind::from_code(&i.kind).map_or(i.kind.clone(), |k| k.label()),
            text: [i.outcome.clone(), i.summary.clone()]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" — "),
        })
        .collect();
    for change in &card.history {
        // Interactions are listed above from their own rows.
        if change.entity == "interaction" {
            continue;
        }
        // A phone or an e-mail is named as such, not as "a contact".
        let kind = change.fields["kind"]
            .as_str()
            .filter(|_| change.entity == "contact_point");
        let what = match kind {
            Some(kind)
                if tr(&format!("history.{kind}_{}", change.op))
                    != format!("history.{kind}_{}", change.op) =>
            {
                tr(&format!("history.{kind}_{}", change.op))
            }
            _ => tr(&format!("history.{}_{}", change.entity, change.op)),
        };
        let text = match (change.entity.as_str(), change.op.as_str()) {
            ("client", "update") => fields_text(
                &change.fields,
                &["archived_at", "forgotten_at", "created_at", "merged_into"],
                false,
            ),
            ("order", "insert") => {
                let amount = change.fields["amount_minor"].as_i64().unwrap_or(0);
                let currency = change.fields["currency"].as_str().unwrap_or("RUB");
                format_money(amount, currency, language())
            }
            ("tier", "change") => {
                let label = |key: &str| {
                    change.fields[key]
                        .as_str()
                        .map_or_else(|| "—".to_string(), tier_label)
                };
                format!("{} → {}", label("from"), label("to"))
            }
            (_, "insert") => fields_text(
                &change.fields,
                &[
                    "kind",
                    "manager",
                    "md",
                    "has_time",
                    "agreed",
                    "done_at",
                    "rule_ref",
                    "created_at",
                ],
                true,
            ),
            _ => String::new(),
        };
        if change.entity == "client" && change.op == "update" && text.is_empty() {
            continue;
        }
        out.push(HistoryEntry {
            at: change.at,
            who: change.actor.clone(),
            what,
            text,
        });
    }
    out.sort_by_key(|e| std::cmp::Reverse(e.at));
    out
}

/// The columns of [`conflict_cells`], as string-table keys.
pub const CONFLICT_HEADER: [&str; 6] = [
    "conflicts.client",
    "conflicts.field",
    "conflicts.kept",
    "conflicts.other",
    "conflicts.by",
    "conflicts.at",
];

/// A conflict in words, for the CLI table and the Conflicts view: client, field,
/// the value kept, the other value, who set the other one and when.
pub fn conflict_cells(conflict: &crate::store::conflicts::Conflict) -> [String; 6] {
    let client = match (&conflict.client_number, &conflict.client_name) {
        (Some(n), Some(name)) => format!("{n} {name}"),
        (Some(n), None) => n.clone(),
        _ => "—".into(),
    };
    let when = conflict.other_at.with_timezone(&Local);
    [
        client,
        tr(&format!("change.{}", conflict.field)),
        shown_value(&conflict.field, &conflict.kept),
        shown_value(&conflict.field, &conflict.other),
        conflict.other_by.clone().unwrap_or_else(|| "—".into()),
        format!(
            "{} {}",
            format_date(when.date_naive(), language()),
            when.format("%H:%M")
        ),
    ]
}

#[cfg(test)]
mod words_tests {
    use crate::i18n::{tr_in, Lang};
    use crate::store::write::{referenced_table, Entity};

    /// Every field a change can name, as History and the conflicts show it.
    fn log_keys() -> Vec<String> {
        let mut keys: Vec<String> = Entity::ALL
            .iter()
            .flat_map(|e| e.columns().iter())
            .map(|c| match referenced_table(c) {
                Some(_) => c.trim_end_matches("_id").to_string(),
                None => c.to_string(),
            })
            .collect();
        keys.sort();
        keys.dedup();
        keys
    }

    #[test]
    fn every_changed_field_and_every_kind_of_change_has_words_in_both_languages() {
        let mut missing = Vec::new();
        for lang in [Lang::Ru, Lang::En] {
            for key in log_keys() {
                let key = format!("change.{key}");
                if tr_in(lang, &key) == key {
                    missing.push(format!("{lang:?} {key}"));
                }
            }
            // What a client's History lists: its own record and rows of its own.
            for entity in Entity::ALL.into_iter().filter(|e| {
                (*e == Entity::Client || e.columns().contains(&"client_id"))
                    && !matches!(e, Entity::Interaction | Entity::Conflict)
            }) {
                for op in ["insert", "update", "delete"] {
                    let key = format!("history.{}_{op}", entity.code());
                    if tr_in(lang, &key) == key {
                        missing.push(format!("{lang:?} {key}"));
                    }
                }
            }
        }
        assert!(missing.is_empty(), "raw keys would show: {missing:#?}");
    }
}
