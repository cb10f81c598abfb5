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
use std::collections::HashMap;
use std::io::Write;

mod record;
mod vcard;

use record::{client_from_row, local};
pub use record::{ExportClient, ExportOrder, CSV_COLUMNS};

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

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportOptions {
    pub format: ExportFormat,
    /// Which clients: a segment filter (empty for all).
    pub filter: crate::domain::filter::Filter,
    /// Only clients with an e-mail and a marketing consent (not archived).
    pub mailing: bool,
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
            filter: options.filter.clone(),
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
                 FROM clients c /* scope: numbers listed through the scope */
                 JOIN managers m ON m.id = c.manager_id
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
             WHERE client_id IN (SELECT value FROM json_each(?1)) AND deleted = 0 ORDER BY uuid",
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
        drop(rows);
        let mut requisites = children(
            "SELECT client_id, inn, kpp, ogrn, bik, bank_account, bank_name FROM requisites
             WHERE client_id IN (SELECT value FROM json_each(?1)) AND deleted = 0 ORDER BY id",
        )?;
        let mut rows = requisites.query([&ids_json])?;
        while let Some(r) = rows.next()? {
            let client = &mut clients[index[&r.get::<_, i64>(0)?]];
            client.inn = r.get(1)?;
            client.kpp = r.get(2)?;
            client.ogrn = r.get(3)?;
            client.bik = r.get(4)?;
            client.bank_account = r.get(5)?;
            client.bank_name = r.get(6)?;
        }
        Ok(clients)
    }
}
