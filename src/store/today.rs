//! Gathers the manager's day with a handful of indexed, bounded queries; the domain
//! orders and labels it (`domain::schedule`).

use super::activity::local_instant;
use super::error::StoreResult;
use super::{Scope, Store, Viewer};
use crate::domain::dates::{age_on, Birthday};
use crate::domain::filter::Filter;
use crate::domain::schedule::{
    next_occurrence, order_dates, order_due_today, ClientRef, DateItem, DateKind, DueContact,
    NewLead, ProspectItem, ReactivationItem, Section, Today,
};
use chrono::{DateTime, Datelike, Duration, Local, NaiveDate, NaiveTime, Offset, TimeZone, Utc};
use rusqlite::{params, Row};

/// How many items of a section are read; the rest are counted.
const SECTION_LIMIT: usize = 50;
/// Contacts of the day are all read (to order them), up to this many.
const DAY_LIMIT: usize = 100;
/// Counts stop here: past it the number only says "a lot".
const COUNT_CAP: u64 = 1000;

fn section<T>(items: Vec<T>, total: u64) -> Section<T> {
    Section {
        items,
        total,
        capped: total >= COUNT_CAP,
    }
}

const CLIENT_COLUMNS: &str = "c.number, c.display_name, c.primary_phone, m.login, c.time_zone, c.call_window, c.forgotten_at IS NOT NULL";

fn client_ref(row: &Row<'_>) -> rusqlite::Result<ClientRef> {
    let forgotten: bool = row.get(6)?;
    Ok(ClientRef {
        number: row.get(0)?,
        name: if forgotten {
            crate::i18n::tr("client.forgotten")
        } else {
            row.get(1)?
        },
        phone: row.get(2)?,
        manager: row.get(3)?,
        time_zone: row.get(4)?,
        call_window: row.get(5)?,
    })
}

fn millis(t: DateTime<Utc>) -> i64 {
    t.timestamp_millis()
}

impl Store {
    /// The viewer's day on `date` (their own clients), as SPEC §3 composes it.
    pub fn today_for(&self, viewer: &Viewer, date: NaiveDate) -> StoreResult<Today> {
        self.today_in(viewer, date, &Filter::default())
    }

    /// The day of a segment of the viewer's clients (`schedule --segment`).
    pub fn today_in(
        &self,
        viewer: &Viewer,
        date: NaiveDate,
        filter: &Filter,
    ) -> StoreResult<Today> {
        // The viewer's own day (a lead's too), narrowed by the segment if one is given:
        // one condition, in every query, so that sections and counts agree.
        let visible = format!(
            "{} AND {}",
            Scope::own(viewer).clients("c"),
            self.filter_condition(filter)?
        );
        let visible = visible.as_str();
        let now = Utc::now();
        let day_start = local_instant(date, NaiveTime::MIN);
        let day_end = local_instant(date + Duration::days(1), NaiveTime::MIN);
        let real_today_start = local_instant(Local::now().date_naive(), NaiveTime::MIN);
        let overdue_before = day_start.min(real_today_start);
        let settings = &self.settings;

        let new_leads = {
            let target = settings.new_lead_target_minutes;
            // A lead stays new until contacted: planning or moving a call does not
            // take it out (its first call is still open).
            // (Its first call is the earliest open contact until it is made: one
            // planned after it does not change that; the partial index
            // `clients_new_leads` holds exactly these.)
            let still_new = "(c.next_contact_at IS NULL OR c.next_contact_rule = 'new_lead')";
            let items = self.rows(&format!(
                    "SELECT {CLIENT_COLUMNS}, c.created_at FROM clients c JOIN managers m ON m.id = c.manager_id
                     WHERE {visible} AND c.deleted = 0 AND c.last_contact_at IS NULL AND c.archived_at IS NULL
                       AND {still_new} AND c.created_at < ?1 ORDER BY c.created_at DESC LIMIT {SECTION_LIMIT}"
                ),
                params![millis(day_end)],
                |r| {
                    let created = DateTime::from_timestamp_millis(r.get(7)?).unwrap_or(now);
                    let age_minutes = (now - created).num_minutes().max(0);
                    Ok(NewLead { client: client_ref(r)?, created_at: created, age_minutes, late: age_minutes > target })
                },
            )?;
            let total = self.count(
                &format!(
                    "FROM clients c WHERE {visible} AND c.deleted = 0 AND c.last_contact_at IS NULL
                 AND c.archived_at IS NULL AND {still_new} AND c.created_at < ?1"
                ),
                params![millis(day_end)],
            )?;
            section(items, total)
        };

        let due_sql = |range: &str, limit: usize| {
            format!(
                "SELECT {CLIENT_COLUMNS}, s.uuid, s.due_at, s.has_time, s.channel, s.purpose, s.agreed, s.rule
                 FROM clients c JOIN managers m ON m.id = c.manager_id
                 JOIN scheduled_contacts s ON s.id = (SELECT id FROM scheduled_contacts
                     WHERE client_id = c.id AND deleted = 0 AND done_at IS NULL ORDER BY due_at LIMIT 1)
                 WHERE {visible} AND c.deleted = 0 AND c.archived_at IS NULL
                   AND c.next_contact_at IS NOT NULL AND NOT (c.last_contact_at IS NULL AND c.next_contact_rule IS 'new_lead') AND {range}
                 ORDER BY c.next_contact_at LIMIT {limit}"
            )
        };
        let due_contact = |r: &Row<'_>| -> rusqlite::Result<DueContact> {
            Ok(DueContact {
                client: client_ref(r)?,
                contact_uuid: r.get(7)?,
                due_at: DateTime::from_timestamp_millis(r.get(8)?).unwrap_or(now),
                has_time: r.get(9)?,
                channel: r.get(10)?,
                purpose: r.get(11)?,
                agreed: r.get(12)?,
                rule: r.get(13)?,
            })
        };
        let overdue = section(
            self.rows(&due_sql("c.next_contact_at < ?1", SECTION_LIMIT),
                params![millis(overdue_before)],
                due_contact,
            )?,
            self.count(&format!("FROM clients c WHERE {visible} AND c.deleted = 0 AND c.archived_at IS NULL
                 AND c.next_contact_at IS NOT NULL AND NOT (c.last_contact_at IS NULL AND c.next_contact_rule IS 'new_lead') AND c.next_contact_at < ?1"),
                params![millis(overdue_before)],
            )?,
        );
        // The day's plan is every contact due that day, whatever else the client has
        // open (an earlier one shows as overdue beside it); a new lead's first call is
        // in New leads until the lead is contacted.
        // Read by the viewer's open contacts of the day (an open contact is its client's
        // manager's); which clients may be shown is the scope's, as everywhere.
        let day_contacts = format!(
            "FROM scheduled_contacts s INDEXED BY scheduled_open_by_manager
             JOIN clients c ON c.id = s.client_id JOIN managers m ON m.id = c.manager_id
             WHERE s.manager_id = {own} AND s.deleted = 0 AND s.done_at IS NULL
               AND s.due_at >= ?1 AND s.due_at < ?2
               AND NOT (s.rule IS 'new_lead' AND c.last_contact_at IS NULL)
               AND {visible} AND c.deleted = 0 AND c.archived_at IS NULL",
            own = viewer.id
        );
        let (from, to) = (millis(overdue_before.max(day_start)), millis(day_end));
        let mut due_today = section(
            self.rows(
                &format!(
                    "SELECT {CLIENT_COLUMNS}, s.uuid, s.due_at, s.has_time, s.channel, s.purpose, s.agreed, s.rule
                     {day_contacts} ORDER BY s.due_at LIMIT {DAY_LIMIT}"
                ),
                params![from, to],
                due_contact,
            )?,
            0,
        );
        due_today.total = self.count(&day_contacts, params![from, to])?;
        let local_offset = Local.offset_from_utc_datetime(&day_start.naive_utc()).fix();
        order_due_today(&mut due_today.items, date, local_offset);

        let dates = self.dates_for(visible, date)?;

        let prospects_at_limit = {
            let cutoff = local_instant(
                date - Duration::days(settings.prospect_limit_days) + Duration::days(1),
                NaiveTime::MIN,
            );
            let day = date.format("%Y-%m-%d").to_string();
            let visible = format!(
                "{visible} AND c.deleted = 0 AND c.orders_count = 0 AND c.archived_at IS NULL
                 AND c.created_at < ?1 AND (c.put_off_until IS NULL OR c.put_off_until <= ?2)"
            );
            section(
                self.rows(&format!(
                        "SELECT {CLIENT_COLUMNS}, c.created_at FROM clients c JOIN managers m ON m.id = c.manager_id
                         WHERE {visible} ORDER BY c.created_at LIMIT {SECTION_LIMIT}"
                    ),
                    params![millis(cutoff), day],
                    |r| {
                        let created = DateTime::from_timestamp_millis(r.get(7)?).unwrap_or(now).with_timezone(&Local).date_naive();
                        Ok(ProspectItem { client: client_ref(r)?, created, age_days: (date - created).num_days() })
                    },
                )?,
                self.count(&format!("FROM clients c WHERE {visible}"), params![millis(cutoff), day])?,
            )
        };

        let to_reactivate = {
            let cutoff = millis(day_start - Duration::days(settings.active_window_days));
            let items = self.rows(&format!(
                    "SELECT {CLIENT_COLUMNS}, c.last_order_at, c.total_spent_minor,
                       (SELECT coalesce(i.summary, i.outcome) FROM interactions i
                          WHERE i.client_id = c.id AND i.deleted = 0 ORDER BY i.at DESC LIMIT 1)
                     FROM clients c JOIN managers m ON m.id = c.manager_id
                     WHERE {visible} AND c.deleted = 0 AND c.orders_count > 0 AND c.archived_at IS NULL
                       AND c.next_contact_at IS NULL AND c.last_order_at < ?1
                     ORDER BY c.total_spent_minor DESC LIMIT ?2"
                ),
                params![cutoff, settings.reactivation_per_day],
                |r| {
                    Ok(ReactivationItem {
                        client: client_ref(r)?,
                        last_order_at: DateTime::from_timestamp_millis(r.get(7)?).unwrap_or(now),
                        total_spent_minor: r.get(8)?,
                        last_note: r.get(9)?,
                    })
                },
            )?;
            let total = items.len() as u64;
            section(items, total)
        };

        Ok(Today {
            date,
            new_leads,
            overdue,
            due_today,
            dates,
            prospects_at_limit,
            to_reactivate,
        })
    }

    /// Birthdays and relatives' dates from `date` to the look-ahead.
    fn dates_for(&self, visible: &str, date: NaiveDate) -> StoreResult<Section<DateItem>> {
        let days: Vec<NaiveDate> = (0..=self.settings.dates_lookahead_days)
            .map(|d| date + Duration::days(d))
            .collect();
        let mut month_days: Vec<u32> = days.iter().map(|d| d.month() * 100 + d.day()).collect();
        // 29 February is celebrated on the 28th in other years.
        if days.iter().any(|d| {
            d.month() == 2 && d.day() == 28 && NaiveDate::from_ymd_opt(d.year(), 2, 29).is_none()
        }) {
            month_days.push(229);
        }
        let list = month_days
            .iter()
            .map(u32::to_string)
            .collect::<Vec<_>>()
            .join(",");
        let mut items = self.rows(
            &format!(
                // The day's few birthdays by their own index: the planner would rather
                // walk the manager's clients in the segments index (4x slower at 1M).
                "SELECT {CLIENT_COLUMNS}, c.birthday FROM clients c INDEXED BY clients_birthdays
                 JOIN managers m ON m.id = c.manager_id
                 WHERE c.birthday_md IN ({list}) AND c.birthday_md IS NOT NULL AND {visible}
                   AND c.deleted = 0 AND c.archived_at IS NULL
                 LIMIT {DAY_LIMIT}"
            ),
            [],
            |r| {
                let stored: String = r.get(7)?;
                let birthday = Birthday::from_stored(&stored);
                // A birthday without a year is still celebrated; its age is unknown.
                let born = birthday
                    .and_then(|b| b.date().or_else(|| b.in_year(2000)))
                    .unwrap_or(date);
                let on = next_occurrence(born, date);
                Ok(DateItem {
                    client: client_ref(r)?,
                    kind: DateKind::Birthday,
                    date: on,
                    in_days: (on - date).num_days(),
                    age: birthday.and_then(|b| b.date()).map(|born| age_on(born, on)),
                })
            },
        )?;
        items.extend(self.rows(&format!(
                // CROSS JOIN keeps the day's few dates as the outer loop; otherwise the
                // planner walks all of the manager's clients.
                "SELECT {CLIENT_COLUMNS}, d.date, d.label FROM important_dates d CROSS JOIN clients c ON c.id = d.client_id
                 JOIN managers m ON m.id = c.manager_id
                 WHERE d.md IN ({list}) AND d.deleted = 0 AND {visible} AND c.deleted = 0 AND c.archived_at IS NULL
                 LIMIT {DAY_LIMIT}"
            ),
            [],
            |r| {
                let original = NaiveDate::parse_from_str(&r.get::<_, String>(7)?, "%Y-%m-%d").unwrap_or(date);
                let on = next_occurrence(original, date);
                Ok(DateItem {
                    client: client_ref(r)?,
                    kind: DateKind::Relative { label: r.get(8)? },
                    date: on,
                    in_days: (on - date).num_days(),
                    age: None,
                })
            },
        )?);
        order_dates(&mut items);
        let total = items.len() as u64;
        items.truncate(SECTION_LIMIT);
        Ok(section(items, total))
    }

    fn rows<T>(
        &self,
        sql: &str,
        params: impl rusqlite::Params,
        map: impl FnMut(&Row<'_>) -> rusqlite::Result<T>,
    ) -> StoreResult<Vec<T>> {
        let mut stmt = self.conn.prepare_cached(sql)?;
        let rows = stmt.query_map(params, map)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn count(&self, from_where: &str, params: impl rusqlite::Params) -> StoreResult<u64> {
        let sql = format!("SELECT count(*) FROM (SELECT 1 {from_where} LIMIT {COUNT_CAP})");
        Ok(self
            .conn
            .prepare_cached(&sql)?
            .query_row(params, |r| r.get::<_, i64>(0))? as u64)
    }
}
