//! Everything about one client, for `client show` and the card in the TUI.

use super::error::StoreResult;
use super::{Store, Viewer};
use crate::domain::money::minor_to_plain;
use crate::domain::segments::{segments_of, tier_for, ClientFacts, Segment};
use chrono::{DateTime, Duration, Utc};
use rusqlite::OptionalExtension;
use rusqlite::Row;
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClientCard {
    pub number: String,
    pub uuid: String,
    pub kind: String,
    pub name: String,
    pub last_name: Option<String>,
    pub first_name: Option<String>,
    pub patronymic: Option<String>,
    pub company: Option<String>,
    pub legal_form: Option<String>,
    pub position: Option<String>,
    pub birthday: Option<String>,
    pub gender: Option<String>,
    pub occupation: Option<String>,
    pub city: Option<String>,
    pub time_zone: Option<String>,
    pub address: Option<String>,
    pub preferred_channel: Option<String>,
    pub call_window: Option<String>,
    pub source: Option<String>,
    pub stage: String,
    pub notes: Option<String>,
    pub manager: String,
    pub manager_name: String,
    pub archived_at: Option<DateTime<Utc>>,
    pub archive_reason: Option<String>,
    pub archive_note: Option<String>,
    pub forgotten: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
    pub phones: Vec<String>,
    pub emails: Vec<String>,
    pub tags: Vec<String>,
    pub people: Vec<PersonLine>,
    pub segments: Vec<Segment>,
    pub tier: Option<String>,
    pub spent_12m_minor: i64,
    pub total_spent_minor: i64,
    /// The same amount as text with two decimals (`1500.50`), exact.
    pub total_spent: String,
    pub orders_count: i64,
    pub last_order_at: Option<DateTime<Utc>>,
    pub last_contact_at: Option<DateTime<Utc>>,
    pub next_contact_at: Option<DateTime<Utc>>,
    pub orders: Vec<OrderLine>,
    pub interactions: Vec<InteractionLine>,
    pub tasks: Vec<TaskLine>,
    pub consents: Vec<ConsentLine>,
    pub history: Vec<HistoryLine>,
    /// A company's requisites, when known.
    pub requisites: Option<Requisites>,
}

/// A company's requisites as stored (checked when they were written).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Requisites {
    pub inn: Option<String>,
    pub kpp: Option<String>,
    pub ogrn: Option<String>,
    pub bik: Option<String>,
    pub bank_account: Option<String>,
    pub bank_name: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PersonLine {
    pub name: String,
    pub position: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub decision_maker: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OrderLine {
    pub uuid: String,
    pub ordered_at: DateTime<Utc>,
    pub amount_minor: i64,
    pub amount: String,
    pub currency: String,
    pub items: i64,
    pub status: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InteractionLine {
    pub at: DateTime<Utc>,
    pub kind: String,
    pub direction: String,
    pub outcome: Option<String>,
    pub summary: Option<String>,
    pub nps: Option<i64>,
    pub manager: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TaskLine {
    pub uuid: String,
    pub due_at: DateTime<Utc>,
    pub has_time: bool,
    pub channel: Option<String>,
    pub purpose: Option<String>,
    pub agreed: bool,
    pub rule: Option<String>,
    pub done_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConsentLine {
    pub purpose: String,
    pub status: String,
    pub form: Option<String>,
    pub date: String,
    pub note: Option<String>,
}

/// One change from the change log: who changed what, when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HistoryLine {
    pub at: DateTime<Utc>,
    pub actor: Option<String>,
    pub entity: String,
    pub op: String,
    pub fields: serde_json::Value,
}

fn time(ms: Option<i64>) -> Option<DateTime<Utc>> {
    ms.and_then(DateTime::from_timestamp_millis)
}

impl Store {
    /// The whole card of a client the viewer may see.
    pub fn client_card(&self, viewer: &Viewer, number: &str) -> StoreResult<ClientCard> {
        let id = self.resolve(viewer, number)?;
        let now = Utc::now();
        let mut card = self.conn.query_row(
            "SELECT c.number, c.uuid, c.kind, c.display_name, c.last_name, c.first_name, c.patronymic, c.company,
                    c.legal_form, c.position, c.birthday, c.gender, c.occupation, c.city, c.time_zone, c.address,
                    c.preferred_channel, c.call_window, c.source, c.stage, c.notes, m.login, m.name, c.archived_at,
                    c.archive_reason, c.archive_note, c.forgotten_at IS NOT NULL, c.created_at, c.updated_at,
                    c.version, c.total_spent_minor, c.orders_count, c.last_order_at, c.last_contact_at,
                    c.next_contact_at
             FROM clients c JOIN managers m ON m.id = c.manager_id WHERE c.id = ?1",
            [id],
            |r| card_from_row(r, now),
        )?;
        let (has_requisites, has_email, marketing_consent) = self.conn.query_row(
            "SELECT has_requisites, has_email, marketing_consent FROM clients WHERE id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )?;
        let facts = ClientFacts {
            archived: card.archived_at.is_some(),
            orders_count: card.orders_count,
            last_order_at: card.last_order_at,
            has_requisites,
            has_email,
            marketing_consent,
        };
        card.segments = segments_of(&facts, now, &self.settings);
        card.spent_12m_minor = self.conn.query_row(
            "SELECT CAST(total(amount_minor) AS INTEGER) FROM orders
             WHERE client_id = ?1 AND deleted = 0 AND status != 'cancelled' AND ordered_at >= ?2",
            rusqlite::params![id, (now - Duration::days(365)).timestamp_millis()],
            |r| r.get(0),
        )?;
        card.tier = tier_for(card.spent_12m_minor, &self.settings);
        let points: Vec<(String, String)> = self.list(
            "SELECT kind, value FROM contact_points WHERE client_id = ?1 AND deleted = 0 ORDER BY uuid",
            id,
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        card.requisites = self
            .conn
            .prepare_cached(
                "SELECT inn, kpp, ogrn, bik, bank_account, bank_name FROM requisites
                 WHERE client_id = ?1 AND deleted = 0 ORDER BY id DESC LIMIT 1",
            )?
            .query_row([id], |r| {
                Ok(Requisites {
                    inn: r.get(0)?,
                    kpp: r.get(1)?,
                    ogrn: r.get(2)?,
                    bik: r.get(3)?,
                    bank_account: r.get(4)?,
                    bank_name: r.get(5)?,
                })
            })
            .optional()?;
        card.phones = points
            .iter()
            .filter(|(k, _)| k == "phone")
            .map(|(_, v)| v.clone())
            .collect();
        card.emails = points
            .iter()
            .filter(|(k, _)| k == "email")
            .map(|(_, v)| v.clone())
            .collect();
        card.tags = self.list(
            "SELECT tag FROM tags WHERE client_id = ?1 AND deleted = 0 ORDER BY tag",
            id,
            |r| r.get(0),
        )?;
        card.people = self.list(
            "SELECT name, position, phone, email, decision_maker FROM contact_people
             WHERE client_id = ?1 AND deleted = 0 ORDER BY decision_maker DESC, id",
            id,
            |r| {
                Ok(PersonLine {
                    name: r.get(0)?,
                    position: r.get(1)?,
                    phone: r.get(2)?,
                    email: r.get(3)?,
                    decision_maker: r.get(4)?,
                })
            },
        )?;
        card.orders = self.list(
            "SELECT uuid, ordered_at, amount_minor, currency, items, status FROM orders
             WHERE client_id = ?1 AND deleted = 0 ORDER BY ordered_at DESC",
            id,
            |r| {
                let amount_minor: i64 = r.get(2)?;
                Ok(OrderLine {
                    uuid: r.get(0)?,
                    ordered_at: time(r.get(1)?).unwrap_or(now),
                    amount_minor,
                    amount: minor_to_plain(amount_minor),
                    currency: r.get(3)?,
                    items: r.get(4)?,
                    status: r.get(5)?,
                })
            },
        )?;
        card.interactions = self.list(
            "SELECT i.at, i.kind, i.direction, i.outcome, i.summary, i.nps, m.login FROM interactions i
             LEFT JOIN managers m ON m.id = i.manager_id
             WHERE i.client_id = ?1 AND i.deleted = 0 ORDER BY i.at DESC, i.id DESC",
            id,
            |r| {
                Ok(InteractionLine {
                    at: time(r.get(0)?).unwrap_or(now),
                    kind: r.get(1)?,
                    direction: r.get(2)?,
                    outcome: r.get(3)?,
                    summary: r.get(4)?,
                    nps: r.get(5)?,
                    manager: r.get(6)?,
                })
            },
        )?;
        card.tasks = self.list(
            "SELECT uuid, due_at, has_time, channel, purpose, agreed, rule, done_at FROM scheduled_contacts
             WHERE client_id = ?1 AND deleted = 0 ORDER BY done_at IS NOT NULL, due_at DESC",
            id,
            |r| {
                Ok(TaskLine {
                    uuid: r.get(0)?,
                    due_at: time(r.get(1)?).unwrap_or(now),
                    has_time: r.get(2)?,
                    channel: r.get(3)?,
                    purpose: r.get(4)?,
                    agreed: r.get(5)?,
                    rule: r.get(6)?,
                    done_at: time(r.get(7)?),
                })
            },
        )?;
        card.consents = self.list(
            "SELECT purpose, status, form, given_on, note FROM consents
             WHERE client_id = ?1 AND deleted = 0 ORDER BY given_on DESC, id DESC",
            id,
            |r| {
                Ok(ConsentLine {
                    purpose: r.get(0)?,
                    status: r.get(1)?,
                    form: r.get(2)?,
                    date: r.get(3)?,
                    note: r.get(4)?,
                })
            },
        )?;
        card.history = self.history(id)?;
        Ok(card)
    }

    /// The client's change log, newest first, with who made each change.
    fn history(&self, client_id: i64) -> StoreResult<Vec<HistoryLine>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT l.hlc, m.login, l.entity, l.op, l.fields FROM change_log l
             LEFT JOIN managers m ON m.id = l.actor_id
             WHERE l.client_id = ?1 ORDER BY l.hlc DESC LIMIT 500",
        )?;
        let managers = self.manager_logins_by_uuid()?;
        let rows = stmt.query_map([client_id], |r| {
            let hlc = crate::domain::hlc::Hlc(r.get(0)?);
            let mut fields: serde_json::Value =
                serde_json::from_str(&r.get::<_, String>(4)?).unwrap_or_default();
            // Show a reassignment by login rather than by UUID.
            if let Some(slot) = fields.get_mut("manager") {
                if let Some(login) = slot
                    .as_str()
                    .and_then(|u| managers.iter().find(|(id, _)| id == u))
                {
                    *slot = serde_json::Value::String(login.1.clone());
                }
            }
            Ok(HistoryLine {
                at: DateTime::from_timestamp_millis(hlc.millis()).unwrap_or_default(),
                actor: r.get(1)?,
                entity: r.get(2)?,
                op: r.get(3)?,
                fields,
            })
        })?;
        let mut lines: Vec<HistoryLine> = rows.collect::<Result<_, _>>()?;
        // Tiers are derived, so their changes are kept beside the log, not in it.
        let tiers = self
            .conn
            .prepare_cached(
                "SELECT at, tier_from, tier_to FROM tier_changes WHERE client_id = ?1
                 ORDER BY at DESC LIMIT 100",
            )?
            .query_map([client_id], |r| {
                Ok(HistoryLine {
                    at: DateTime::from_timestamp_millis(r.get(0)?).unwrap_or_default(),
                    actor: None,
                    entity: "tier".into(),
                    op: "change".into(),
                    fields: serde_json::json!({
                        "from": r.get::<_, Option<String>>(1)?,
                        "to": r.get::<_, Option<String>>(2)?,
                    }),
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        lines.extend(tiers);
        lines.sort_by_key(|l| std::cmp::Reverse(l.at));
        Ok(lines)
    }

    fn manager_logins_by_uuid(&self) -> StoreResult<Vec<(String, String)>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT uuid, login FROM managers")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn list<T>(
        &self,
        sql: &str,
        id: i64,
        map: impl FnMut(&Row<'_>) -> rusqlite::Result<T>,
    ) -> StoreResult<Vec<T>> {
        let mut stmt = self.conn.prepare_cached(sql)?;
        let rows = stmt.query_map([id], map)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

fn card_from_row(r: &Row<'_>, now: DateTime<Utc>) -> rusqlite::Result<ClientCard> {
    let forgotten: bool = r.get(26)?;
    let total: i64 = r.get(30)?;
    Ok(ClientCard {
        number: r.get(0)?,
        uuid: r.get(1)?,
        kind: r.get(2)?,
        name: if forgotten {
            crate::i18n::tr("client.forgotten")
        } else {
            r.get(3)?
        },
        last_name: r.get(4)?,
        first_name: r.get(5)?,
        patronymic: r.get(6)?,
        company: r.get(7)?,
        legal_form: r.get(8)?,
        position: r.get(9)?,
        birthday: r.get(10)?,
        gender: r.get(11)?,
        occupation: r.get(12)?,
        city: r.get(13)?,
        time_zone: r.get(14)?,
        address: r.get(15)?,
        preferred_channel: r.get(16)?,
        call_window: r.get(17)?,
        source: r.get(18)?,
        stage: r.get(19)?,
        notes: r.get(20)?,
        manager: r.get(21)?,
        manager_name: r.get(22)?,
        archived_at: time(r.get(23)?),
        archive_reason: r.get(24)?,
        archive_note: r.get(25)?,
        forgotten,
        created_at: time(r.get(27)?).unwrap_or(now),
        updated_at: time(r.get(28)?).unwrap_or(now),
        version: r.get(29)?,
        phones: vec![],
        emails: vec![],
        tags: vec![],
        people: vec![],
        segments: vec![],
        tier: None,
        spent_12m_minor: 0,
        total_spent_minor: total,
        total_spent: minor_to_plain(total),
        orders_count: r.get(31)?,
        last_order_at: time(r.get(32)?),
        last_contact_at: time(r.get(33)?),
        next_contact_at: time(r.get(34)?),
        orders: vec![],
        interactions: vec![],
        tasks: vec![],
        consents: vec![],
        history: vec![],
        requisites: None,
    })
}
