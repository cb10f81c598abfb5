//! Base types and loyalty tiers: views computed from a client's facts, never typed in.

use crate::domain::settings::Settings;
use crate::i18n::{tr, tr_in, Lang};
use chrono::{DateTime, Duration, Utc};
use serde::Serialize;

/// What the segment rules need to know about a client.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClientFacts {
    pub archived: bool,
    pub orders_count: i64,
    pub last_order_at: Option<DateTime<Utc>>,
    pub has_requisites: bool,
    pub has_email: bool,
    pub marketing_consent: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Segment {
    Prospect,
    Active,
    Sleeping,
    Archived,
    Accounting,
    Mailing,
}

impl Segment {
    pub const ALL: [Segment; 6] = [
        Segment::Prospect,
        Segment::Active,
        Segment::Sleeping,
        Segment::Archived,
        Segment::Accounting,
        Segment::Mailing,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Segment::Prospect => "prospect",
            Segment::Active => "active",
            Segment::Sleeping => "sleeping",
            Segment::Archived => "archived",
            Segment::Accounting => "accounting",
            Segment::Mailing => "mailing",
        }
    }

    pub fn parse(text: &str) -> Option<Segment> {
        let wanted = crate::domain::text::fold(text);
        Segment::ALL.into_iter().find(|s| {
            s.code() == wanted
                || [Lang::Ru, Lang::En].into_iter().any(|lang| {
                    crate::domain::text::fold(&tr_in(lang, &format!("segment.{}", s.code())))
                        == wanted
                })
        })
    }

    pub fn label(self) -> String {
        tr(&format!("segment.{}", self.code()))
    }
}

/// The one base type of a client: archived wins, then prospect / active / sleeping by
/// orders and the active window.
pub fn base_type(facts: &ClientFacts, now: DateTime<Utc>, settings: &Settings) -> Segment {
    if facts.archived {
        return Segment::Archived;
    }
    match facts.last_order_at {
        _ if facts.orders_count == 0 => Segment::Prospect,
        Some(last) if last >= now - Duration::days(settings.active_window_days) => Segment::Active,
        _ => Segment::Sleeping,
    }
}

/// Every segment the client belongs to: its base type plus accounting and mailing.
pub fn segments_of(facts: &ClientFacts, now: DateTime<Utc>, settings: &Settings) -> Vec<Segment> {
    let mut out = vec![base_type(facts, now, settings)];
    if facts.has_requisites || facts.orders_count > 0 {
        out.push(Segment::Accounting);
    }
    if facts.has_email && facts.marketing_consent && !facts.archived {
        out.push(Segment::Mailing);
    }
    out
}

/// The loyalty tier for what a client spent in the last 12 months: the highest tier
/// whose threshold is reached, none below the first.
pub fn tier_for(spent_12m_minor: i64, settings: &Settings) -> Option<String> {
    settings
        .tiers
        .iter()
        .filter(|t| spent_12m_minor >= t.from_minor)
        .max_by_key(|t| t.from_minor)
        .map(|t| t.code.clone())
}

pub fn tier_label(code: &str) -> String {
    tr(&format!("tier.{code}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 23, 12, 0, 0).unwrap()
    }

    #[test]
    fn base_type_follows_orders_and_window() {
        let s = Settings::default();
        let prospect = ClientFacts::default();
        assert_eq!(base_type(&prospect, now(), &s), Segment::Prospect);
        let active = ClientFacts {
            orders_count: 2,
            last_order_at: Some(now() - Duration::days(30)),
            ..Default::default()
        };
        assert_eq!(base_type(&active, now(), &s), Segment::Active);
        let sleeping = ClientFacts {
            last_order_at: Some(now() - Duration::days(31)),
            ..active.clone()
        };
        assert_eq!(base_type(&sleeping, now(), &s), Segment::Sleeping);
        let archived = ClientFacts {
            archived: true,
            ..active
        };
        assert_eq!(base_type(&archived, now(), &s), Segment::Archived);
    }

    #[test]
    fn accounting_and_mailing_are_extra_segments() {
        let s = Settings::default();
        let facts = ClientFacts {
            has_requisites: true,
            has_email: true,
            marketing_consent: true,
            ..Default::default()
        };
        assert_eq!(
            segments_of(&facts, now(), &s),
            vec![Segment::Prospect, Segment::Accounting, Segment::Mailing]
        );
        let no_consent = ClientFacts {
            marketing_consent: false,
            ..facts.clone()
        };
        assert!(!segments_of(&no_consent, now(), &s).contains(&Segment::Mailing));
        let no_email = ClientFacts {
            has_email: false,
            ..facts
        };
        assert!(!segments_of(&no_email, now(), &s).contains(&Segment::Mailing));
    }

    #[test]
    fn tiers_by_spend() {
        let s = Settings::default();
        assert_eq!(tier_for(0, &s), None);
        assert_eq!(tier_for(100, &s).as_deref(), Some("bronze"));
        assert_eq!(tier_for(3_000_000, &s).as_deref(), Some("silver"));
        assert_eq!(tier_for(29_999_999, &s).as_deref(), Some("gold"));
        assert_eq!(tier_for(50_000_000, &s).as_deref(), Some("vip"));
    }

    #[test]
    fn segment_names_parse_in_both_languages() {
        assert_eq!(Segment::parse("sleeping"), Some(Segment::Sleeping));
        assert_eq!(Segment::parse("Спящие"), Some(Segment::Sleeping));
        assert_eq!(Segment::parse("gold"), None);
    }
}
