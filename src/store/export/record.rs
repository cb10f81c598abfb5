//! What is exported about a client: the JSON shape, the CSV columns and row, read
//! from the clients table.

use crate::domain::money::minor_to_plain;
use chrono::{DateTime, Local};
use rusqlite::Row;
use serde::Serialize;

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
    pub(super) id: i64,
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
    /// A company's requisites.
    pub inn: Option<String>,
    pub kpp: Option<String>,
    pub ogrn: Option<String>,
    pub bik: Option<String>,
    pub bank_account: Option<String>,
    pub bank_name: Option<String>,
    #[serde(skip)]
    pub(super) archived: bool,
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
    "inn",
    "kpp",
    "ogrn",
    "bik",
    "bank_account",
    "bank_name",
];

/// A moment as local time without an offset, the way spreadsheets hold it.
pub(super) fn local(ms: i64) -> String {
    DateTime::from_timestamp_millis(ms)
        .map(|t| {
            t.with_timezone(&Local)
                .format("%Y-%m-%dT%H:%M:%S")
                .to_string()
        })
        .unwrap_or_default()
}

impl ExportClient {
    pub(super) fn csv_record(&self) -> Vec<String> {
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
        let cells = vec![
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
            text(&self.inn),
            text(&self.kpp),
            text(&self.ogrn),
            text(&self.bik),
            text(&self.bank_account),
            text(&self.bank_name),
        ];
        cells
            .into_iter()
            .map(|cell| {
                let cell = crate::domain::text::printable(&cell);
                crate::domain::text::spreadsheet_safe(&cell).into_owned()
            })
            .collect()
    }
}

pub(super) fn client_from_row(r: &Row<'_>) -> rusqlite::Result<ExportClient> {
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
