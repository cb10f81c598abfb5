//! Today: the manager's day composed from what the store found (SPEC §3). The store
//! gathers candidates with bounded queries; this module orders and labels them.

use crate::domain::call_window::CallWindow;
use chrono::{DateTime, FixedOffset, NaiveDate, NaiveTime, TimeZone, Utc};
use serde::Serialize;

/// Enough of a client to show and act on it in a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClientRef {
    pub number: String,
    pub name: String,
    pub phone: Option<String>,
    pub manager: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time_zone: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub call_window: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NewLead {
    pub client: ClientRef,
    pub created_at: DateTime<Utc>,
    pub age_minutes: i64,
    /// Waiting longer than the target response time.
    pub late: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DueContact {
    pub client: ClientRef,
    pub contact_uuid: String,
    pub due_at: DateTime<Utc>,
    pub has_time: bool,
    pub channel: Option<String>,
    pub purpose: Option<String>,
    pub agreed: bool,
    pub rule: Option<String>,
}

impl DueContact {
    /// What the contact is for: the follow-up rule that made it, then its purpose
    /// (a reactivation carries what was last noted).
    pub fn what(&self) -> Option<String> {
        let rule = self
            .rule
            .as_deref()
            .map(|code| crate::i18n::tr(&format!("rule.made_{code}")));
        match (rule, self.purpose.as_deref().filter(|p| !p.is_empty())) {
            (Some(rule), Some(purpose)) => Some(format!("{rule}: {purpose}")),
            (rule, purpose) => rule.or(purpose.map(str::to_string)),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DateKind {
    Birthday,
    Relative { label: String },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DateItem {
    pub client: ClientRef,
    pub kind: DateKind,
    pub date: NaiveDate,
    pub in_days: i64,
    pub age: Option<i32>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProspectItem {
    pub client: ClientRef,
    pub created: NaiveDate,
    pub age_days: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReactivationItem {
    pub client: ClientRef,
    pub last_order_at: DateTime<Utc>,
    pub total_spent_minor: i64,
    pub last_note: Option<String>,
}

/// A bounded list and how many there are in all. Counts stop at a cap (a day with a
/// thousand overdue calls says "1000+"; it does not count a million rows).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Section<T> {
    pub items: Vec<T>,
    pub total: u64,
    /// `total` is a lower bound: there are at least that many.
    pub capped: bool,
}

impl<T> Default for Section<T> {
    fn default() -> Self {
        Section {
            items: Vec::new(),
            total: 0,
            capped: false,
        }
    }
}

impl<T> Section<T> {
    /// The count as shown: `37` or `1000+`.
    pub fn total_label(&self) -> String {
        if self.capped {
            format!("{}+", self.total)
        } else {
            self.total.to_string()
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct Today {
    pub date: NaiveDate,
    pub new_leads: Section<NewLead>,
    pub overdue: Section<DueContact>,
    pub due_today: Section<DueContact>,
    pub dates: Section<DateItem>,
    pub prospects_at_limit: Section<ProspectItem>,
    pub to_reactivate: Section<ReactivationItem>,
}

impl Today {
    pub fn is_empty(&self) -> bool {
        self.new_leads.total == 0
            && self.overdue.total == 0
            && self.due_today.total == 0
            && self.dates.total == 0
            && self.prospects_at_limit.total == 0
            && self.to_reactivate.total == 0
    }
}

/// When in the manager's day a contact due `date` should be made: its own time if it
/// has one; otherwise the opening of the client's call window in the client's time zone;
/// otherwise the end of the day.
pub fn effective_time(contact: &DueContact, date: NaiveDate, local: FixedOffset) -> DateTime<Utc> {
    if contact.has_time {
        return contact.due_at;
    }
    let window = contact
        .client
        .call_window
        .as_deref()
        .and_then(|w| CallWindow::parse(w).ok());
    let zone: Option<chrono_tz::Tz> = contact
        .client
        .time_zone
        .as_deref()
        .and_then(|z| z.parse().ok());
    match window {
        Some(w) if w.open_on(date) => {
            let start = date.and_time(w.from);
            let at = match zone {
                Some(tz) => tz
                    .from_local_datetime(&start)
                    .earliest()
                    .map(|t| t.with_timezone(&Utc)),
                None => local
                    .from_local_datetime(&start)
                    .earliest()
                    .map(|t| t.with_timezone(&Utc)),
            };
            at.unwrap_or(contact.due_at)
        }
        _ => local
            .from_local_datetime(
                &date.and_time(NaiveTime::from_hms_opt(23, 59, 0).unwrap_or_default()),
            )
            .earliest()
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or(contact.due_at),
    }
}

/// Orders today's contacts by when they should be made, then by name.
pub fn order_due_today(contacts: &mut [DueContact], date: NaiveDate, local: FixedOffset) {
    contacts.sort_by_cached_key(|c| (effective_time(c, date, local), c.client.name.clone()));
}

/// Orders birthdays and relatives' dates: soonest first, then by name.
pub fn order_dates(items: &mut [DateItem]) {
    items.sort_by(|a, b| (a.in_days, &a.client.name).cmp(&(b.in_days, &b.client.name)));
}

/// The next occurrence of an anniversary (month and day of `original`) on or after `from`;
/// 29 February falls on 28 February in other years.
pub fn next_occurrence(original: NaiveDate, from: NaiveDate) -> NaiveDate {
    use chrono::Datelike;
    let in_year = |year: i32| {
        NaiveDate::from_ymd_opt(year, original.month(), original.day())
            .or_else(|| NaiveDate::from_ymd_opt(year, 2, 28))
            .unwrap_or(from)
    };
    let this_year = in_year(from.year());
    if this_year >= from {
        this_year
    } else {
        in_year(from.year() + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    fn client(name: &str, window: Option<&str>, tz: Option<&str>) -> ClientRef {
        ClientRef {
            number: name.to_string(),
            name: name.to_string(),
            phone: None,
            manager: "alice".into(),
            time_zone: tz.map(str::to_string),
            call_window: window.map(str::to_string),
        }
    }

    fn contact(
        name: &str,
        due: DateTime<Utc>,
        has_time: bool,
        window: Option<&str>,
        tz: Option<&str>,
    ) -> DueContact {
        DueContact {
            client: client(name, window, tz),
            contact_uuid: name.to_string(),
            due_at: due,
            has_time,
            channel: None,
            purpose: None,
            agreed: false,
            rule: None,
        }
    }

    #[test]
    fn today_is_ordered_by_time_then_call_window_in_client_zone() {
        let msk = FixedOffset::east_opt(3 * 3600).unwrap();
        let date = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(); // Monday
        let midnight = msk
            .from_local_datetime(&date.and_hms_opt(0, 0, 0).unwrap())
            .unwrap()
            .with_timezone(&Utc);
        let mut list = vec![
            // No time, no window: end of the day.
            contact("Яковлев", midnight, false, None, None),
            // Fixed time 11:30 Moscow.
            contact(
                "Борисов",
                midnight + Duration::minutes(11 * 60 + 30),
                true,
                None,
                None,
            ),
            // Window opens 10:00 in Yekaterinburg = 08:00 Moscow.
            contact(
                "Андреев",
                midnight,
                false,
                Some("Mon-Fri 10:00-18:00"),
                Some("Asia/Yekaterinburg"),
            ),
            // Window opens 10:00 Moscow.
            contact(
                "Васильев",
                midnight,
                false,
                Some("Mon-Fri 10:00-18:00"),
                Some("Europe/Moscow"),
            ),
            // Weekend-only window is closed on Monday: end of the day, then by name.
            contact(
                "Гаврилов",
                midnight,
                false,
                Some("Sat-Sun 10:00-12:00"),
                None,
            ),
        ];
        order_due_today(&mut list, date, msk);
        let names: Vec<&str> = list.iter().map(|c| c.client.name.as_str()).collect();
        assert_eq!(
            names,
            ["Андреев", "Васильев", "Борисов", "Гаврилов", "Яковлев"]
        );
    }

    #[test]
    fn anniversaries_roll_to_the_next_year_and_leap_days_to_28_feb() {
        let d = |y, m, dd| NaiveDate::from_ymd_opt(y, m, dd).unwrap();
        assert_eq!(
            next_occurrence(d(1990, 11, 25), d(2026, 11, 23)),
            d(2026, 11, 25)
        );
        assert_eq!(
            next_occurrence(d(1990, 1, 5), d(2026, 11, 23)),
            d(2027, 1, 5)
        );
        assert_eq!(
            next_occurrence(d(1992, 2, 29), d(2027, 2, 1)),
            d(2027, 2, 28)
        );
        assert_eq!(
            next_occurrence(d(1992, 2, 29), d(2028, 2, 1)),
            d(2028, 2, 29)
        );
    }
}
