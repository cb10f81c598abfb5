//! How a client's record reads to a person: the same labelled fields, in the same
//! order and words, in `client show` and in the card of the interface.

use crate::domain::call_window::CallWindow;
use crate::domain::codes::{ArchiveReason, Source, Stage};
use crate::domain::contact::format_phone;
use crate::domain::dates::format_date;
use crate::domain::money::format_money;
use crate::domain::segments::tier_label;
use crate::i18n::{language, tr};
use crate::store::card::ClientCard;
use chrono::{Local, NaiveDate};

/// The profile of a client as (label, value) pairs; empty values are left out.
pub fn profile_fields(card: &ClientCard) -> Vec<(String, String)> {
    let lang = language();
    let person = [&card.last_name, &card.first_name, &card.patronymic]
        .into_iter()
        .flatten()
        .cloned()
        .collect::<Vec<_>>()
        .join(" ");
    let birthday = card
        .birthday
        .as_deref()
        .and_then(|b| NaiveDate::parse_from_str(b, "%Y-%m-%d").ok())
        .map(|d| format_date(d, lang));
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
        ("field.time_zone", card.time_zone.clone()),
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
    fields
        .into_iter()
        .filter_map(|(label, value)| value.filter(|v| !v.is_empty()).map(|v| (tr(label), v)))
        .collect()
}
