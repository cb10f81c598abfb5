//! What happens with a client: interactions, orders, scheduled contacts, consent.

use super::clients::today;
use super::error::{StoreError, StoreResult};
use super::write::{int, opt_int, opt_text, text, Entity, Writer};
use super::{Scope, Store, Viewer};
use crate::domain::codes::{
    Channel, ConsentForm, ConsentPurpose, Direction, InteractionKind, OrderStatus, Stage,
};
use crate::domain::money::{MAX_AMOUNT_MINOR, MAX_ITEMS};
use crate::domain::rules::{contact_too_soon, TooSoon};
use chrono::{DateTime, Local, NaiveDate, NaiveTime, TimeZone, Utc};
use rusqlite::OptionalExtension;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewInteraction {
    pub kind: InteractionKind,
    pub direction: Direction,
    pub outcome: Option<String>,
    pub summary: Option<String>,
    pub nps: Option<i64>,
}

impl NewInteraction {
    pub fn new(kind: InteractionKind) -> NewInteraction {
        NewInteraction {
            kind,
            direction: Direction::Outbound,
            outcome: None,
            summary: None,
            nps: None,
        }
    }
}

/// A contact to make: a day, optionally a time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NextContact {
    pub date: NaiveDate,
    pub time: Option<NaiveTime>,
    pub channel: Option<Channel>,
    pub purpose: Option<String>,
    /// Agreed with the client: the minimum interval does not apply.
    pub agreed: bool,
}

impl NextContact {
    pub fn on(date: NaiveDate) -> NextContact {
        NextContact {
            date,
            time: None,
            channel: None,
            purpose: None,
            agreed: false,
        }
    }

    /// The instant it is due: its time, or the start of its day, in local time.
    pub fn due_at(&self) -> DateTime<Utc> {
        local_instant(self.date, self.time.unwrap_or(NaiveTime::MIN))
    }
}

/// A local date and time as an instant.
pub fn local_instant(date: NaiveDate, time: NaiveTime) -> DateTime<Utc> {
    Local
        .from_local_datetime(&date.and_time(time))
        .earliest()
        .unwrap_or_else(|| {
            Utc.from_utc_datetime(&date.and_time(time))
                .with_timezone(&Local)
        })
        .with_timezone(&Utc)
}

/// Consent given or withdrawn, as the client expressed it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsentRecord {
    pub purpose: ConsentPurpose,
    pub given: bool,
    pub form: Option<ConsentForm>,
    pub date: NaiveDate,
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewOrder {
    pub amount_minor: i64,
    pub currency: String,
    pub date: Option<NaiveDate>,
    pub items: i64,
    pub status: OrderStatus,
}

impl Store {
    /// Logs a contact with a client. Contacts that were due by today count as made;
    /// a new lead becomes contacted. With `next`, schedules the next contact and
    /// returns rule 4's warning if it comes too soon.
    pub fn log_interaction(
        &mut self,
        viewer: &Viewer,
        number: &str,
        interaction: &NewInteraction,
        next: Option<&NextContact>,
    ) -> StoreResult<Option<TooSoon>> {
        let id = self.resolve_writable(viewer, number)?;
        if let Some(nps) = interaction.nps.filter(|n| !(0..=10).contains(n)) {
            return Err(StoreError::bad_value("nps", &nps.to_string(), "0-10"));
        }
        let end_of_today = local_instant(today(), NaiveTime::MIN) + chrono::Duration::days(1);
        self.write(Some(viewer), |w| {
            let now = w.now_ms();
            w.insert(
                Entity::Interaction,
                &[
                    ("client_id", int(id)),
                    ("manager_id", int(viewer.id)),
                    ("kind", text(interaction.kind.code())),
                    ("direction", text(interaction.direction.code())),
                    ("outcome", opt_text(interaction.outcome.clone())),
                    ("summary", opt_text(interaction.summary.clone())),
                    ("nps", opt_int(interaction.nps)),
                    ("at", int(now)),
                ],
            )?;
            if interaction.kind != InteractionKind::Note {
                let due: Vec<i64> = w
                    .tx()
                    .prepare_cached(
                        "SELECT id FROM scheduled_contacts
                         WHERE client_id = ?1 AND deleted = 0 AND done_at IS NULL AND due_at < ?2",
                    )?
                    .query_map([id, end_of_today.timestamp_millis()], |r| r.get(0))?
                    .collect::<Result<_, _>>()?;
                for task in due {
                    w.update(Entity::ScheduledContact, task, &[("done_at", int(now))])?;
                }
                let stage: String =
                    w.tx()
                        .query_row("SELECT stage FROM clients WHERE id = ?1", [id], |r| {
                            r.get(0)
                        })?;
                if stage == Stage::New.code() {
                    w.update(
                        Entity::Client,
                        id,
                        &[("stage", text(Stage::Contacted.code()))],
                    )?;
                }
            }
            match next {
                Some(next) => schedule(w, id, next),
                None => Ok(None),
            }
        })
    }

    /// Schedules a contact; returns rule 4's warning if it comes too soon.
    pub fn schedule_contact(
        &mut self,
        viewer: &Viewer,
        number: &str,
        next: &NextContact,
    ) -> StoreResult<Option<TooSoon>> {
        let id = self.resolve_writable(viewer, number)?;
        self.write(Some(viewer), |w| schedule(w, id, next))
    }

    /// What rule 4 would say about scheduling `next`, without writing (forms warn early).
    /// With `contacted_today`, as `log_interaction` will see it: a contact made today,
    /// and the contacts due by today closed by it.
    pub fn check_contact_interval(
        &self,
        viewer: &Viewer,
        number: &str,
        next: &NextContact,
        contacted_today: bool,
    ) -> StoreResult<Option<TooSoon>> {
        let id = self.resolve(viewer, number)?;
        let mut others = contact_times(&self.conn, id, None)?;
        if contacted_today {
            let today = today();
            others.retain(|day| *day > today);
            others.push(today);
        }
        Ok(contact_too_soon(
            next.date,
            &others,
            next.agreed,
            &self.settings,
        ))
    }

    /// Moves an open scheduled contact to another time.
    pub fn reschedule_contact(
        &mut self,
        viewer: &Viewer,
        contact_uuid: &str,
        next: &NextContact,
    ) -> StoreResult<Option<TooSoon>> {
        let (task, client) = self.visible_task(viewer, contact_uuid)?;
        self.write(Some(viewer), |w| {
            let others = contact_times(w.tx(), client, Some(task))?;
            w.update(
                Entity::ScheduledContact,
                task,
                &[
                    ("due_at", int(next.due_at().timestamp_millis())),
                    ("has_time", int(next.time.is_some().into())),
                ],
            )?;
            Ok(contact_too_soon(
                next.date,
                &others,
                next.agreed,
                w.settings(),
            ))
        })
    }

    fn visible_task(&self, viewer: &Viewer, contact_uuid: &str) -> StoreResult<(i64, i64)> {
        let visible = Scope::of(viewer).clients("c");
        let found: Option<(i64, i64)> = self
            .conn
            .query_row(
                &format!(
                    "SELECT s.id, s.client_id FROM scheduled_contacts s JOIN clients c ON c.id = s.client_id
                     WHERE s.uuid = ?1 AND s.deleted = 0 AND s.done_at IS NULL AND c.deleted = 0 AND {visible}"
                ),
                [contact_uuid],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        found.ok_or_else(|| StoreError::NoSuchClient(contact_uuid.to_string()))
    }

    /// Rule 3's "call back later": the prospect leaves the time-limit list until `until`,
    /// and a contact is scheduled for that day.
    pub fn put_off_prospect(
        &mut self,
        viewer: &Viewer,
        number: &str,
        until: NaiveDate,
    ) -> StoreResult<()> {
        let id = self.resolve_writable(viewer, number)?;
        self.write(Some(viewer), |w| {
            w.update(
                Entity::Client,
                id,
                &[("put_off_until", text(until.format("%Y-%m-%d").to_string()))],
            )?;
            let next = NextContact {
                agreed: true,
                ..NextContact::on(until)
            };
            schedule(w, id, &next)?;
            Ok(())
        })
    }

    /// Adds an order; the first order wins the deal.
    pub fn add_order(
        &mut self,
        viewer: &Viewer,
        number: &str,
        order: &NewOrder,
    ) -> StoreResult<String> {
        let id = self.resolve_writable(viewer, number)?;
        if !(1..=MAX_ITEMS).contains(&order.items) {
            return Err(StoreError::bad_value(
                "items",
                &order.items.to_string(),
                format!("1…{MAX_ITEMS}"),
            ));
        }
        if !(0..=MAX_AMOUNT_MINOR).contains(&order.amount_minor) {
            return Err(StoreError::bad_value(
                "amount",
                &crate::domain::money::minor_to_plain(order.amount_minor),
                format!(
                    "0…{}",
                    crate::domain::money::minor_to_plain(MAX_AMOUNT_MINOR)
                ),
            ));
        }
        let currency = order.currency.trim().to_uppercase();
        if currency.len() != 3 || !currency.chars().all(|c| c.is_ascii_uppercase()) {
            return Err(StoreError::bad_value(
                "currency",
                &order.currency,
                "RUB, USD, EUR…",
            ));
        }
        let at = match order.date {
            Some(date) if date == today() => Utc::now(),
            Some(date) => local_instant(
                date,
                NaiveTime::from_hms_opt(12, 0, 0).unwrap_or(NaiveTime::MIN),
            ),
            None => Utc::now(),
        };
        self.write(Some(viewer), |w| {
            // An order is the client's manager's, whoever typed it: reports read a
            // manager's orders by this column (who typed it is in the change log).
            let owner: i64 =
                w.tx()
                    .query_row("SELECT manager_id FROM clients WHERE id = ?1", [id], |r| {
                        r.get(0)
                    })?;
            let (_, uuid) = w.insert(
                Entity::Order,
                &[
                    ("client_id", int(id)),
                    ("manager_id", int(owner)),
                    ("ordered_at", int(at.timestamp_millis())),
                    ("amount_minor", int(order.amount_minor)),
                    ("currency", text(&currency)),
                    ("items", int(order.items)),
                    ("status", text(order.status.code())),
                ],
            )?;
            if order.status != OrderStatus::Cancelled {
                w.update(Entity::Client, id, &[("stage", text(Stage::Won.code()))])?;
            }
            Ok(uuid)
        })
    }

    /// Records consent given or withdrawn (152-FZ), with its form and date.
    pub fn record_consent(
        &mut self,
        viewer: &Viewer,
        number: &str,
        consent: &ConsentRecord,
    ) -> StoreResult<()> {
        let id = self.resolve_writable(viewer, number)?;
        self.write(Some(viewer), |w| {
            w.insert(
                Entity::Consent,
                &[
                    ("client_id", int(id)),
                    ("purpose", text(consent.purpose.code())),
                    (
                        "status",
                        text(if consent.given { "given" } else { "withdrawn" }),
                    ),
                    ("form", opt_text(consent.form.map(|f| f.code()))),
                    (
                        "given_on",
                        text(consent.date.format("%Y-%m-%d").to_string()),
                    ),
                    (
                        "note",
                        opt_text(consent.note.as_deref().and_then(crate::domain::text::clean)),
                    ),
                ],
            )?;
            Ok(())
        })
    }
}

/// The other contacts rule 4 measures against: the last one made and those planned.
fn contact_times(
    conn: &rusqlite::Connection,
    client: i64,
    except_task: Option<i64>,
) -> StoreResult<Vec<NaiveDate>> {
    // Planned contacts still ahead; one whose time has passed without it happening is
    // no contact to keep an interval from (the last real one is, below).
    // (A contact for a day without a time is ahead until that day is over.)
    let now = Utc::now().timestamp_millis();
    let day_start = local_instant(today(), NaiveTime::MIN).timestamp_millis();
    let mut times: Vec<i64> = conn
        .prepare_cached(
            "SELECT due_at FROM scheduled_contacts
             WHERE client_id = ?1 AND deleted = 0 AND done_at IS NULL AND id IS NOT ?2
               AND due_at >= CASE WHEN has_time THEN ?3 ELSE ?4 END",
        )?
        .query_map(
            rusqlite::params![client, except_task, now, day_start],
            |r| r.get(0),
        )?
        .collect::<Result<_, _>>()?;
    let last: Option<i64> = conn
        .prepare_cached("SELECT max(at) FROM interactions WHERE client_id = ?1 AND deleted = 0 AND kind != 'note'")?
        .query_row([client], |r| r.get(0))?;
    times.extend(last);
    Ok(times
        .into_iter()
        .filter_map(DateTime::from_timestamp_millis)
        .map(|t| t.with_timezone(&Local).date_naive())
        .collect())
}

fn schedule(w: &mut Writer<'_>, client: i64, next: &NextContact) -> StoreResult<Option<TooSoon>> {
    let others = contact_times(w.tx(), client, None)?;
    let warning = contact_too_soon(next.date, &others, next.agreed, w.settings());
    let manager: i64 = w.tx().query_row(
        "SELECT manager_id FROM clients WHERE id = ?1",
        [client],
        |r| r.get(0),
    )?;
    w.insert(
        Entity::ScheduledContact,
        &[
            ("client_id", int(client)),
            ("manager_id", int(manager)),
            ("due_at", int(next.due_at().timestamp_millis())),
            ("has_time", int(next.time.is_some().into())),
            ("channel", opt_text(next.channel.map(|c| c.code()))),
            ("purpose", opt_text(next.purpose.clone())),
            ("agreed", int(next.agreed.into())),
        ],
    )?;
    Ok(warning)
}
