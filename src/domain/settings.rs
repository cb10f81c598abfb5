//! The thresholds of the four rules and the segments, per base.

use serde::{Deserialize, Serialize};

pub const DEFAULT_SETTINGS: &str = include_str!("../../assets/settings.toml");

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TierThreshold {
    pub code: String,
    pub from_minor: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settings {
    pub active_window_days: i64,
    pub prospect_limit_days: i64,
    pub prospect_callback_days: i64,
    pub min_contact_interval_days: i64,
    pub new_lead_target_minutes: i64,
    pub reactivation_per_day: i64,
    pub dates_lookahead_days: i64,
    pub rule_new_lead: i64,
    pub rule_after_order: i64,
    pub follow_up_after_order_days: i64,
    pub rule_birthday: i64,
    pub birthday_greeting_days_before: i64,
    pub rule_reactivation: i64,
    pub tiers: Vec<TierThreshold>,
}

impl Default for Settings {
    fn default() -> Self {
        toml::from_str(DEFAULT_SETTINGS).expect("assets/settings.toml matches Settings")
    }
}

impl Settings {
    /// The largest sensible value of a numeric setting: beyond it dates overflow or
    /// Today would list years of birthdays.
    pub fn max_of(key: &str) -> i64 {
        match key {
            "dates_lookahead_days" => 31,
            "reactivation_per_day" => 100,
            "new_lead_target_minutes" => 7 * 24 * 60,
            "rule_new_lead" | "rule_after_order" | "rule_birthday" | "rule_reactivation" => 1,
            "birthday_greeting_days_before" => 31,
            "follow_up_after_order_days" => 365,
            _ => 3650,
        }
    }

    /// Names of the settings a user may change with `settings set`.
    pub const NUMERIC_KEYS: &'static [&'static str] = &[
        "active_window_days",
        "prospect_limit_days",
        "prospect_callback_days",
        "min_contact_interval_days",
        "new_lead_target_minutes",
        "reactivation_per_day",
        "dates_lookahead_days",
        "rule_new_lead",
        "rule_after_order",
        "follow_up_after_order_days",
        "rule_birthday",
        "birthday_greeting_days_before",
        "rule_reactivation",
    ];
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_the_spec_numbers() {
        let s = Settings::default();
        assert_eq!(s.active_window_days, 30);
        assert_eq!(s.prospect_limit_days, 60);
        assert_eq!(s.prospect_callback_days, 60);
        assert_eq!(s.min_contact_interval_days, 7);
        assert_eq!(s.tiers.len(), 4);
        assert!(s
            .tiers
            .windows(2)
            .all(|w| w[0].from_minor < w[1].from_minor));
    }
}
