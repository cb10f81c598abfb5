//! The four rules of keeping a base (SPEC §1) as pure functions; the store and the
//! interfaces call them, so the rules are stated once.

use crate::domain::codes::Role;
use crate::domain::settings::Settings;
use chrono::{Duration, NaiveDate};

/// Rule 1: one manager per client; only a lead or an admin hands a client over.
pub fn may_reassign(role: Role) -> bool {
    role.sees_everyone()
}

/// What is the team's, not one manager's (its managers, settings, campaigns, demo
/// data, segments of others): a lead or an admin changes it.
pub fn may_manage_team(role: Role) -> bool {
    role.sees_everyone()
}

/// Rule 3: a prospect with no deal after the limit is surfaced for a decision, unless
/// a decision ("call back later") put it off past `on`.
pub fn prospect_needs_decision(
    created: NaiveDate,
    orders_count: i64,
    archived: bool,
    put_off_until: Option<NaiveDate>,
    on: NaiveDate,
    settings: &Settings,
) -> bool {
    let limit_reached = created + Duration::days(settings.prospect_limit_days) <= on;
    let put_off = put_off_until.is_some_and(|until| until > on);
    orders_count == 0 && !archived && limit_reached && !put_off
}

/// What rule 4 says about a contact being scheduled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TooSoon {
    /// The day of the other contact it comes too close to.
    pub other: NaiveDate,
    pub days_apart: i64,
    pub min_days: i64,
}

impl TooSoon {
    /// The warning as a person reads it.
    pub fn message(&self) -> String {
        let other = crate::domain::dates::format_date(self.other, crate::i18n::language());
        crate::i18n::trf(
            "rule.too_soon",
            &[
                ("days", &self.days_apart),
                ("min", &self.min_days),
                ("other", &other),
            ],
        )
    }
}

/// Rule 4: a contact closer than the minimum interval to another (the last one made
/// or one already planned) warns, unless it was agreed with the client.
pub fn contact_too_soon(
    due: NaiveDate,
    others: &[NaiveDate],
    agreed_with_client: bool,
    settings: &Settings,
) -> Option<TooSoon> {
    if agreed_with_client {
        return None;
    }
    others
        .iter()
        .map(|other| (*other, (due - *other).num_days().abs()))
        .filter(|(_, gap)| *gap < settings.min_contact_interval_days)
        .min_by_key(|(_, gap)| *gap)
        .map(|(other, gap)| TooSoon {
            other,
            days_apart: gap,
            min_days: settings.min_contact_interval_days,
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn only_leads_and_admins_reassign() {
        assert!(!may_reassign(Role::Manager));
        assert!(may_reassign(Role::Lead));
        assert!(may_reassign(Role::Admin));
    }

    #[test]
    fn prospect_limit_is_sixty_days_by_default() {
        let s = Settings::default();
        let today = day(2026, 11, 23);
        assert!(!prospect_needs_decision(
            day(2026, 9, 25),
            0,
            false,
            None,
            today,
            &s
        ));
        assert!(prospect_needs_decision(
            day(2026, 9, 24),
            0,
            false,
            None,
            today,
            &s
        ));
        // A client who ordered, or one archived, is not a prospect to decide on.
        assert!(!prospect_needs_decision(
            day(2026, 1, 1),
            1,
            false,
            None,
            today,
            &s
        ));
        assert!(!prospect_needs_decision(
            day(2026, 1, 1),
            0,
            true,
            None,
            today,
            &s
        ));
        // "Call back in two months" puts the decision off.
        assert!(!prospect_needs_decision(
            day(2026, 1, 1),
            0,
            false,
            Some(day(2027, 1, 22)),
            today,
            &s
        ));
        assert!(prospect_needs_decision(
            day(2026, 1, 1),
            0,
            false,
            Some(today),
            today,
            &s
        ));
    }

    #[test]
    fn contacts_closer_than_the_interval_warn_unless_agreed() {
        let s = Settings::default();
        let at = |d| day(2026, 11, d);
        let warning = contact_too_soon(at(25), &[at(20), at(2)], false, &s).unwrap();
        assert_eq!(warning.other, at(20));
        assert_eq!(warning.days_apart, 5);
        assert_eq!(contact_too_soon(at(25), &[at(20)], true, &s), None);
        // A week after a call is exactly the minimum interval: fine.
        assert_eq!(contact_too_soon(at(27), &[at(20)], false, &s), None);
        assert_eq!(contact_too_soon(at(25), &[], false, &s), None);
    }
}
