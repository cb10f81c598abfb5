//! Follow-up rules (SPEC §6), what CRMs call robots: a new lead gets a contact due at
//! once, an order a follow-up N days later, a birthday a greeting D days before, a
//! client who turns sleeping a reactivation call with what was last noted. Each is on
//! or off with its numbers in settings.
//!
//! Rules make ordinary scheduled contacts, marked with the rule and what they were made
//! for (`rule_ref`: the order, the birthday, the sleeping spell), so running them
//! again makes nothing twice; and none while one of the same rule is still open. New leads and orders are handled in the transaction that wrote them; the
//! dated rules once a day, when a base is opened on a new day.

use super::error::StoreResult;
use super::write::{int, opt_text, text, Entity, Writer};
use super::{Scope, Store, Viewer};
use crate::store::activity::local_instant;
use chrono::{DateTime, Datelike, Duration, Local, NaiveDate, NaiveTime, Utc};
use rusqlite::{params, OptionalExtension};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FollowUpRule {
    NewLead,
    AfterOrder,
    Birthday,
    Reactivation,
}

impl FollowUpRule {
    pub fn code(self) -> &'static str {
        match self {
            FollowUpRule::NewLead => "new_lead",
            FollowUpRule::AfterOrder => "after_order",
            FollowUpRule::Birthday => "birthday",
            FollowUpRule::Reactivation => "reactivation",
        }
    }
}

/// What a rule wants: a contact for `client`, due at `due`.
struct Wanted<'a> {
    client: i64,
    rule: FollowUpRule,
    reference: &'a str,
    due: DateTime<Utc>,
    has_time: bool,
    channel: Option<String>,
    purpose: Option<String>,
}

/// Makes the contact unless this rule already made one for the same thing, or one of
/// this rule is still open. Returns whether it was made.
fn schedule(w: &mut Writer<'_>, wanted: Wanted<'_>) -> StoreResult<bool> {
    let made_before: bool = w
        .tx()
        .prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM scheduled_contacts
               WHERE client_id = ?1 AND rule = ?2 AND rule_ref = ?3)",
        )?
        .query_row(
            params![wanted.client, wanted.rule.code(), wanted.reference],
            |r| r.get(0),
        )?;
    // Two orders in a week make one follow-up, not two.
    let open_of_rule: bool = w
        .tx()
        .prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM scheduled_contacts
               WHERE client_id = ?1 AND rule = ?2 AND deleted = 0 AND done_at IS NULL)",
        )?
        .query_row(params![wanted.client, wanted.rule.code()], |r| r.get(0))?;
    if made_before || open_of_rule {
        return Ok(false);
    }
    let manager: i64 = w.tx().query_row(
        "SELECT manager_id FROM clients WHERE id = ?1",
        [wanted.client],
        |r| r.get(0),
    )?;
    // Two devices of a team may run a rule for the same thing before they sync: the
    // contact's UUID is made from what it is for, so their merge keeps one.
    let client_uuid: String = w.tx().query_row(
        "SELECT uuid FROM clients WHERE id = ?1",
        [wanted.client],
        |r| r.get(0),
    )?;
    let uuid = super::write::uuid_from(&[
        b"rule",
        client_uuid.as_bytes(),
        wanted.rule.code().as_bytes(),
        wanted.reference.as_bytes(),
    ]);
    w.insert_with_uuid(
        Entity::ScheduledContact,
        &uuid,
        &[
            ("client_id", int(wanted.client)),
            ("manager_id", int(manager)),
            ("due_at", int(wanted.due.timestamp_millis())),
            ("has_time", int(i64::from(wanted.has_time))),
            ("channel", opt_text(wanted.channel)),
            ("purpose", opt_text(wanted.purpose)),
            ("agreed", int(0)),
            ("rule", text(wanted.rule.code())),
            ("rule_ref", text(wanted.reference)),
        ],
        &[],
    )?;
    Ok(true)
}

/// How many contacts each rule made.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct RulesRun {
    pub new_lead: usize,
    pub after_order: usize,
    pub birthday: usize,
    pub reactivation: usize,
}

/// The rules of what one transaction wrote: new clients and new orders.
pub(crate) fn on_change(
    w: &mut Writer<'_>,
    new_clients: &[i64],
    new_orders: &[(i64, String, i64)],
) -> StoreResult<RulesRun> {
    let mut run = RulesRun::default();
    let settings = w.settings().clone();
    let now = Utc::now();
    if settings.rule_new_lead == 1 {
        for &client in new_clients {
            let contacted: bool = w
                .tx()
                .prepare_cached(
                    "SELECT EXISTS (SELECT 1 FROM interactions WHERE client_id = ?1 AND deleted = 0)",
                )?
                .query_row([client], |r| r.get(0))?;
            if !contacted {
                run.new_lead += usize::from(schedule(
                    w,
                    Wanted {
                        client,
                        rule: FollowUpRule::NewLead,
                        reference: "",
                        due: now,
                        has_time: true,
                        channel: None,
                        purpose: None,
                    },
                )?);
            }
        }
    }
    if settings.rule_after_order == 1 {
        for (client, order_uuid, ordered_at) in new_orders {
            let Some(ordered) = DateTime::from_timestamp_millis(*ordered_at) else {
                continue;
            };
            let date = ordered.with_timezone(&Local).date_naive()
                + Duration::days(settings.follow_up_after_order_days);
            // An old order entered late: its follow-up would be long overdue.
            if date < Local::now().date_naive() {
                continue;
            }
            run.after_order += usize::from(schedule(
                w,
                Wanted {
                    client: *client,
                    rule: FollowUpRule::AfterOrder,
                    reference: order_uuid,
                    due: local_instant(date, NaiveTime::MIN),
                    has_time: false,
                    channel: None,
                    purpose: None,
                },
            )?);
        }
    }
    Ok(run)
}

impl Store {
    /// What a new day brings, once a day per copy: tiers of clients whose orders aged
    /// past a year, and the dated follow-up rules. Run by each command and by the
    /// interface after its first frame, not by opening a base (which must stay fast).
    pub fn start_day(&mut self) -> StoreResult<RulesRun> {
        self.refresh_aging_tiers(Utc::now())?;
        self.run_daily_rules(Local::now().date_naive())
    }

    /// The dated rules, once a day: birthdays coming up and clients who turned
    /// sleeping since the last run. Returns how many contacts were made.
    pub(crate) fn run_daily_rules(&mut self, today: NaiveDate) -> StoreResult<RulesRun> {
        let last: Option<String> = self
            .conn
            .query_row(
                "SELECT value FROM local_state WHERE key = 'rules_day'",
                [],
                |r| r.get(0),
            )
            .optional()?;
        let last = last.and_then(|d| NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok());
        if last.is_some_and(|d| d >= today) {
            return Ok(RulesRun::default());
        }
        self.run_rules_for_day(today, last, false, Scope::everyone())
    }

    /// `rules run`: every rule now, with the catch-up of the last days, for the
    /// clients `viewer` sees (a manager's run makes contacts for their own clients).
    pub fn run_rules(&mut self, viewer: &Viewer) -> StoreResult<RulesRun> {
        self.run_rules_for_day(Local::now().date_naive(), None, true, Scope::of(viewer))
    }

    /// Runs the dated rules for `today` whatever ran before; with `catch_up` (what
    /// `rules run` does) also new leads and orders of the last days again, which
    /// catches what came in without passing the write path's rules (a bulk load, a
    /// merge from another copy). Not on every open: a large import would turn into
    /// thousands of contacts there, unasked.
    pub(crate) fn run_rules_for_day(
        &mut self,
        today: NaiveDate,
        last: Option<NaiveDate>,
        catch_up: bool,
        scope: Scope,
    ) -> StoreResult<RulesRun> {
        let visible = scope.clients("c");
        // A base not opened for a while catches up a week at most.
        let since = last.map_or(today - Duration::days(1), |d| {
            d.max(today - Duration::days(7))
        });
        self.write(None, |w| {
            let settings = w.settings().clone();
            let mut run = if catch_up {
                let since_ms = local_instant(since, NaiveTime::MIN).timestamp_millis();
                let new_clients: Vec<i64> = w
                    .tx()
                    .prepare(&format!(
                        "SELECT c.id FROM clients c WHERE c.created_at >= ?1 AND c.last_contact_at IS NULL
                           AND c.deleted = 0 AND c.archived_at IS NULL AND c.forgotten_at IS NULL AND {visible}"
                    ))?
                    .query_map([since_ms], |r| r.get(0))?
                    .collect::<Result<_, _>>()?;
                let orders_from = local_instant(
                    today - Duration::days(settings.follow_up_after_order_days),
                    NaiveTime::MIN,
                )
                .timestamp_millis();
                let new_orders: Vec<(i64, String, i64)> = w
                    .tx()
                    .prepare(&format!(
                        "SELECT o.client_id, o.uuid, o.ordered_at FROM orders o JOIN clients c ON c.id = o.client_id
                         WHERE o.ordered_at >= ?1 AND o.deleted = 0 AND o.status != 'cancelled'
                           AND c.deleted = 0 AND c.archived_at IS NULL AND c.forgotten_at IS NULL AND {visible}"
                    ))?
                    .query_map([orders_from], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
                    .collect::<Result<_, _>>()?;
                on_change(w, &new_clients, &new_orders)?
            } else {
                RulesRun::default()
            };
            if settings.rule_birthday == 1 {
                run.birthday =
                    birthday_greetings(w, today, settings.birthday_greeting_days_before, scope)?;
            }
            if settings.rule_reactivation == 1 {
                run.reactivation =
                    reactivations(w, today, since, settings.active_window_days, scope)?;
            }
            // The day is done for the base only when the rules ran for all of it.
            if scope.manager().is_none() {
                w.tx().execute(
                    "INSERT INTO local_state (key, value) VALUES ('rules_day', ?1)
                     ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                    [today.format("%Y-%m-%d").to_string()],
                )?;
            }
            Ok(run)
        })
    }
}

/// Birthdays from today to `days_before` ahead: a greeting due `days_before` days
/// before (today, when that is past), by the client's preferred channel.
fn birthday_greetings(
    w: &mut Writer<'_>,
    today: NaiveDate,
    days_before: i64,
    scope: Scope,
) -> StoreResult<usize> {
    let visible = scope.clients("c");
    let days: Vec<NaiveDate> = (0..=days_before)
        .map(|d| today + Duration::days(d))
        .collect();
    let list = days
        .iter()
        .map(|d| (d.month() * 100 + d.day()).to_string())
        .collect::<Vec<_>>()
        .join(",");
    let clients: Vec<(i64, u32, Option<String>)> = w
        .tx()
        .prepare(&format!(
            "SELECT c.id, c.birthday_md, c.preferred_channel FROM clients c
             WHERE c.birthday_md IN ({list}) AND c.deleted = 0 AND c.archived_at IS NULL
               AND c.forgotten_at IS NULL AND {visible}"
        ))?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<Result<_, _>>()?;
    let mut made = 0;
    for (client, md, channel) in clients {
        let Some(birthday) = days.iter().find(|d| d.month() * 100 + d.day() == md) else {
            continue;
        };
        let due = (*birthday - Duration::days(days_before)).max(today);
        let reference = birthday.format("%Y-%m-%d").to_string();
        made += usize::from(schedule(
            w,
            Wanted {
                client,
                rule: FollowUpRule::Birthday,
                reference: &reference,
                due: local_instant(due, NaiveTime::MIN),
                has_time: false,
                channel,
                purpose: None,
            },
        )?);
    }
    Ok(made)
}

/// Clients whose last order left the active window between `since` and `today`:
/// a reactivation contact today, with what the manager last noted.
fn reactivations(
    w: &mut Writer<'_>,
    today: NaiveDate,
    since: NaiveDate,
    active_days: i64,
    scope: Scope,
) -> StoreResult<usize> {
    let visible = scope.clients("c");
    let window_start = |day: NaiveDate| {
        local_instant(day - Duration::days(active_days), NaiveTime::MIN).timestamp_millis()
    };
    let clients: Vec<(i64, i64, Option<String>)> = w
        .tx()
        .prepare(&format!(
            "SELECT c.id, c.last_order_at,
                    (SELECT summary FROM interactions i WHERE i.client_id = c.id AND i.deleted = 0
                       AND i.summary IS NOT NULL ORDER BY i.at DESC LIMIT 1)
             FROM clients c
             WHERE c.last_order_at >= ?1 AND c.last_order_at < ?2 AND c.orders_count > 0
               AND c.deleted = 0 AND c.archived_at IS NULL AND c.forgotten_at IS NULL AND {visible}"
        ))?
        .query_map(params![window_start(since), window_start(today)], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })?
        .collect::<Result<_, _>>()?;
    let mut made = 0;
    for (client, last_order_at, last_note) in clients {
        let reference = last_order_at.to_string();
        made += usize::from(schedule(
            w,
            Wanted {
                client,
                rule: FollowUpRule::Reactivation,
                reference: &reference,
                due: local_instant(today, NaiveTime::MIN),
                has_time: false,
                channel: None,
                purpose: last_note,
            },
        )?);
    }
    Ok(made)
}
