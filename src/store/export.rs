//! `export`: the viewer's clients as CSV, JSON or vCard 4.0, read one window of the
//! list at a time (never the whole base in memory) and written as they come.
//!
//! Orders travel in full: the CSV's `orders` column lists each order
//! (`2026-10-01T14:30:00 1500.50; …`, plus currency, items and status when they are
//! not RUB, 1 and completed), which `import` reads back; `total_spent`,
//! `orders_count` and `last_order_at` are there for people and other programs.

use super::error::StoreResult;
use super::listing::{Cursor, ListQuery};
use super::{Store, Viewer};
use crate::domain::money::minor_to_plain;
use crate::domain::segments::Segment;
use chrono::{DateTime, Local};
use rusqlite::Row;
use serde::Serialize;
use std::collections::HashMap;
use std::io::Write;

mod vcard;

/// How many clients are read at a time.
const WINDOW: usize = 1000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    /// `excel`: a BOM and `;`, so that Excel opens Cyrillic text in its own columns.
    Csv {
        excel: bool,
    },
    Json,
    Vcard,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExportOptions {
    pub format: ExportFormat,
    pub segment: Option<Segment>,
    /// Only clients with an e-mail and a marketing consent (not archived).
    pub mailing: bool,
}

/// One exported order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExportOrder {
    pub ordered_at: String,
    pub amount: String,
    pub amount_minor: i64,
    pub currency: String,
    pub items: i64,
    pub status: String,
}

/// Everything exported about a client; also the JSON shape.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ExportClient {
    #[serde(skip)]
    id: i64,
    pub number: String,
    pub uuid: String,
    pub kind: String,
    pub name: String,
    pub last_name: Option<String>,
    pub first_name: Option<String>,
    pub patronymic: Option<String>,
    pub company: Option<String>,
    pub position: Option<String>,
    pub phones: Vec<String>,
    pub emails: Vec<String>,
    pub birthday: Option<String>,
    pub city: Option<String>,
    pub address: Option<String>,
    pub time_zone: Option<String>,
    pub source: Option<String>,
    pub stage: String,
    pub manager: String,
    pub tags: Vec<String>,
    pub notes: Option<String>,
    pub created_at: String,
    pub last_contact_at: Option<String>,
    pub next_contact_at: Option<String>,
    pub total_spent: String,
    pub total_spent_minor: i64,
    pub orders_count: i64,
    pub last_order_at: Option<String>,
    pub orders: Vec<ExportOrder>,
    /// The day consent was given, when it is given now.
    pub consent_processing: Option<String>,
    pub consent_marketing: Option<String>,
    #[serde(skip)]
    archived: bool,
}

/// The CSV columns, in order: names `import` recognises.
pub const CSV_COLUMNS: &[&str] = &[
    "number",
    "kind",
    "last_name",
    "first_name",
    "patronymic",
    "company",
    "position",
    "phone",
    "email",
    "birthday",
    "city",
    "address",
    "time_zone",
    "source",
    "stage",
    "manager",
    "tags",
    "notes",
    "created_at",
    "last_contact_at",
    "next_contact_at",
    "total_spent",
    "orders_count",
    "last_order_at",
    "orders",
    "consent_processing",
    "consent_marketing",
];

/// A moment as local time without an offset, the way spreadsheets hold it.
fn local(ms: i64) -> String {
    DateTime::from_timestamp_millis(ms)
        .map(|t| {
            t.with_timezone(&Local)
                .format("%Y-%m-%dT%H:%M:%S")
                .to_string()
        })
        .unwrap_or_default()
}

impl ExportClient {
    fn csv_record(&self) -> Vec<String> {
        let text = |v: &Option<String>| v.clone().unwrap_or_default();
        let orders = self
            .orders
            .iter()
            .map(|o| {
                let mut item = format!("{} {}", o.ordered_at, o.amount);
                if o.currency != "RUB" {
                    item.push_str(&format!(" {}", o.currency));
                }
                if o.items != 1 {
                    item.push_str(&format!(" x{}", o.items));
                }
                if o.status != "completed" {
                    item.push_str(&format!(" {}", o.status));
                }
                item
            })
            .collect::<Vec<_>>()
            .join("; ");
        vec![
            self.number.clone(),
            self.kind.clone(),
            text(&self.last_name),
            text(&self.first_name),
            text(&self.patronymic),
            text(&self.company),
            text(&self.position),
            self.phones.join("; "),
            self.emails.join("; "),
            text(&self.birthday),
            text(&self.city),
            text(&self.address),
            text(&self.time_zone),
            text(&self.source),
            self.stage.clone(),
            self.manager.clone(),
            self.tags.join("; "),
            text(&self.notes),
            self.created_at.clone(),
            text(&self.last_contact_at),
            text(&self.next_contact_at),
            self.total_spent.clone(),
            self.orders_count.to_string(),
            text(&self.last_order_at),
            orders,
            text(&self.consent_processing),
            text(&self.consent_marketing),
        ]
    }
}

/// Writes clients in one format as they come.
enum Sink<'o> {
    Csv(Box<csv::Writer<&'o mut dyn Write>>),
    Json { out: &'o mut dyn Write, first: bool },
    Vcard(&'o mut dyn Write),
}

impl<'o> Sink<'o> {
    fn open(format: ExportFormat, out: &'o mut dyn Write) -> StoreResult<Sink<'o>> {
        Ok(match format {
            ExportFormat::Csv { excel } => {
                if excel {
                    out.write_all("\u{feff}".as_bytes())?;
                }
                let mut writer = csv::WriterBuilder::new()
                    .delimiter(if excel { b';' } else { b',' })
                    .terminator(if excel {
                        csv::Terminator::CRLF
                    } else {
                        csv::Terminator::Any(b'\n')
                    })
                    .from_writer(out);
                writer.write_record(CSV_COLUMNS).map_err(csv_error)?;
                Sink::Csv(Box::new(writer))
            }
            ExportFormat::Json => {
                out.write_all(b"[")?;
                Sink::Json { out, first: true }
            }
            ExportFormat::Vcard => Sink::Vcard(out),
        })
    }

    fn write(&mut self, client: &ExportClient) -> StoreResult<()> {
        match self {
            Sink::Csv(writer) => writer
                .write_record(client.csv_record())
                .map_err(csv_error)?,
            Sink::Json { out, first } => {
                out.write_all(if *first { b"\n" } else { b",\n" })?;
                serde_json::to_writer_pretty(&mut *out, client)?;
                *first = false;
            }
            Sink::Vcard(out) => out.write_all(vcard::card(client).as_bytes())?,
        }
        Ok(())
    }

    fn close(self) -> StoreResult<()> {
        match self {
            Sink::Csv(mut writer) => writer.flush()?,
            Sink::Json { out, .. } => out.write_all(b"\n]\n")?,
            Sink::Vcard(out) => out.flush()?,
        }
        Ok(())
    }
}

fn csv_error(err: csv::Error) -> super::StoreError {
    super::StoreError::Io(err.to_string())
}

impl Store {
    /// Writes the viewer's clients (a segment of them, or the mailing list) to `out`;
    /// returns how many were written. Forgotten clients have nothing to export.
    pub fn export_clients(
        &self,
        viewer: &Viewer,
        options: ExportOptions,
        out: &mut dyn Write,
    ) -> StoreResult<usize> {
        let query = ListQuery {
            segment: options.segment,
            ..ListQuery::default()
        };
        let mut sink = Sink::open(options.format, out)?;
        let mut cursor: Option<Cursor> = None;
        let mut written = 0;
        loop {
            let page = self.list_clients(viewer, &query, cursor.as_ref(), WINDOW)?;
            let numbers: Vec<&str> = page
                .rows
                .iter()
                .filter(|r| !r.forgotten)
                .map(|r| r.number.as_str())
                .collect();
            for client in self.export_details(&numbers)? {
                let mailable = !client.archived
                    && !client.emails.is_empty()
                    && client.consent_marketing.is_some();
                if options.mailing && !mailable {
                    continue;
                }
                sink.write(&client)?;
                written += 1;
            }
            cursor = page.next;
            if cursor.is_none() {
                break;
            }
        }
        sink.close()?;
        Ok(written)
    }

    /// The full records of a window of clients (already checked visible), in order.
    fn export_details(&self, numbers: &[&str]) -> StoreResult<Vec<ExportClient>> {
        let numbers_json = serde_json::to_string(numbers)?;
        let mut clients: Vec<ExportClient> = self
            .conn
            .prepare_cached(
                "SELECT c.id, c.number, c.uuid, c.kind, c.display_name, c.last_name, c.first_name, c.patronymic,
                        c.company, c.position, c.birthday, c.city, c.address, c.time_zone, c.source, c.stage,
                        m.login, c.notes, c.created_at, c.last_contact_at, c.next_contact_at,
                        c.total_spent_minor, c.orders_count, c.last_order_at, c.archived_at IS NOT NULL
                 FROM clients c JOIN managers m ON m.id = c.manager_id
                 WHERE c.number IN (SELECT value FROM json_each(?1)) AND c.deleted = 0",
            )?
            .query_map([&numbers_json], client_from_row)?
            .collect::<Result<_, _>>()?;
        let order: HashMap<&str, usize> =
            numbers.iter().enumerate().map(|(i, n)| (*n, i)).collect();
        clients.sort_by_key(|c| order.get(c.number.as_str()).copied().unwrap_or(usize::MAX));
        let index: HashMap<i64, usize> =
            clients.iter().enumerate().map(|(i, c)| (c.id, i)).collect();
        let ids_json = serde_json::to_string(&clients.iter().map(|c| c.id).collect::<Vec<_>>())?;
        let children = |sql: &str| -> StoreResult<rusqlite::CachedStatement<'_>> {
            Ok(self.conn.prepare_cached(sql)?)
        };
        let mut points = children(
            "SELECT client_id, kind, value FROM contact_points
             WHERE client_id IN (SELECT value FROM json_each(?1)) AND deleted = 0 ORDER BY id",
        )?;
        let mut rows = points.query([&ids_json])?;
        while let Some(r) = rows.next()? {
            let client = &mut clients[index[&r.get::<_, i64>(0)?]];
            let (kind, value): (String, String) = (r.get(1)?, r.get(2)?);
            match kind.as_str() {
                "phone" => client.phones.push(value),
                "email" => client.emails.push(value),
                _ => {}
            }
        }
        let mut tags = children(
            "SELECT client_id, tag FROM tags
             WHERE client_id IN (SELECT value FROM json_each(?1)) AND deleted = 0 ORDER BY tag",
        )?;
        let mut rows = tags.query([&ids_json])?;
        while let Some(r) = rows.next()? {
            clients[index[&r.get::<_, i64>(0)?]].tags.push(r.get(1)?);
        }
        let mut orders = children(
            "SELECT client_id, ordered_at, amount_minor, currency, items, status FROM orders
             WHERE client_id IN (SELECT value FROM json_each(?1)) AND deleted = 0 ORDER BY ordered_at, id",
        )?;
        let mut rows = orders.query([&ids_json])?;
        while let Some(r) = rows.next()? {
            let amount_minor: i64 = r.get(2)?;
            clients[index[&r.get::<_, i64>(0)?]]
                .orders
                .push(ExportOrder {
                    ordered_at: local(r.get(1)?),
                    amount: minor_to_plain(amount_minor),
                    amount_minor,
                    currency: r.get(3)?,
                    items: r.get(4)?,
                    status: r.get(5)?,
                });
        }
        // The latest record of each purpose decides; a withdrawn consent exports none.
        let mut consents = children(
            "SELECT client_id, purpose, status, given_on FROM consents
             WHERE client_id IN (SELECT value FROM json_each(?1)) AND deleted = 0 ORDER BY given_on, id",
        )?;
        let mut rows = consents.query([&ids_json])?;
        while let Some(r) = rows.next()? {
            let client = &mut clients[index[&r.get::<_, i64>(0)?]];
            let (purpose, status, date): (String, String, String) =
                (r.get(1)?, r.get(2)?, r.get(3)?);
            let given = (status == "given").then_some(date);
            match purpose.as_str() {
                "processing" => client.consent_processing = given,
                "marketing" => client.consent_marketing = given,
                _ => {}
            }
        }
        Ok(clients)
    }
}

fn client_from_row(r: &Row<'_>) -> rusqlite::Result<ExportClient> {
    let total_spent_minor: i64 = r.get(21)?;
    Ok(ExportClient {
        id: r.get(0)?,
        number: r.get(1)?,
        uuid: r.get(2)?,
        kind: r.get(3)?,
        name: r.get(4)?,
        last_name: r.get(5)?,
        first_name: r.get(6)?,
        patronymic: r.get(7)?,
        company: r.get(8)?,
        position: r.get(9)?,
        birthday: r.get(10)?,
        city: r.get(11)?,
        address: r.get(12)?,
        time_zone: r.get(13)?,
        source: r.get(14)?,
        stage: r.get(15)?,
        manager: r.get(16)?,
        notes: r.get(17)?,
        created_at: local(r.get(18)?),
        last_contact_at: r.get::<_, Option<i64>>(19)?.map(local),
        next_contact_at: r.get::<_, Option<i64>>(20)?.map(local),
        total_spent: minor_to_plain(total_spent_minor),
        total_spent_minor,
        orders_count: r.get(22)?,
        last_order_at: r.get::<_, Option<i64>>(23)?.map(local),
        archived: r.get(24)?,
        ..ExportClient::default()
    })
}
