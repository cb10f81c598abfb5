//! `report quality`: what is wrong with the records of the viewer's clients (those
//! not archived or forgotten) — no way to reach them, phones and e-mails that fail
//! today's checks, records nobody has touched for a year, no consent to process
//! personal data. Each issue is a count and the first few client numbers.

use super::error::StoreResult;
use super::{Scope, Store, Viewer};
use crate::domain::contact::{normalize_email, normalize_phone};
use serde::Serialize;

/// How many client numbers an issue lists.
pub const LISTED: usize = 20;

/// A record untouched this long (no edit, contact or order) is stale.
const STALE_DAYS: i64 = 365;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Issue {
    NoContact,
    InvalidPhone,
    InvalidEmail,
    Stale,
    NoProcessingConsent,
}

impl Issue {
    pub const ALL: [Issue; 5] = [
        Issue::NoContact,
        Issue::InvalidPhone,
        Issue::InvalidEmail,
        Issue::Stale,
        Issue::NoProcessingConsent,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Issue::NoContact => "no_contact",
            Issue::InvalidPhone => "invalid_phone",
            Issue::InvalidEmail => "invalid_email",
            Issue::Stale => "stale",
            Issue::NoProcessingConsent => "no_processing_consent",
        }
    }

    pub fn label(self) -> String {
        crate::i18n::tr(&format!("quality.{}", self.code()))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IssueCount {
    pub issue: Issue,
    /// How many clients have it.
    pub clients: u64,
    /// The first of them (at most [`LISTED`]), by name.
    pub numbers: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QualityReport {
    /// Clients looked at.
    pub clients: u64,
    pub issues: Vec<IssueCount>,
}

/// The clients a report covers, as SQL over `clients c`.
const BASE: &str = "c.deleted = 0 AND c.forgotten_at IS NULL AND c.archived_at IS NULL";

impl Store {
    pub fn quality_report(&self, viewer: &Viewer) -> StoreResult<QualityReport> {
        let visible = Scope::of(viewer).clients("c");
        let clients: u64 = self.conn.query_row(
            &format!("SELECT count(*) FROM clients c WHERE {BASE} AND {visible}"),
            [],
            |r| r.get::<_, i64>(0),
        )? as u64;
        let cutoff = (chrono::Utc::now() - chrono::Duration::days(STALE_DAYS)).timestamp_millis();
        let conditions: [(Issue, String); 3] = [
            (
                Issue::NoContact,
                "c.primary_phone IS NULL AND c.has_email = 0 AND NOT EXISTS (
                   SELECT 1 FROM contact_people cp WHERE cp.client_id = c.id AND cp.deleted = 0
                     AND coalesce(cp.phone, cp.email) IS NOT NULL)"
                    .into(),
            ),
            (
                Issue::Stale,
                format!(
                    "max(c.updated_at, coalesce(c.last_contact_at, 0), coalesce(c.last_order_at, 0)) < {cutoff}"
                ),
            ),
            (
                Issue::NoProcessingConsent,
                "coalesce((SELECT status = 'given' FROM consents s
                   WHERE s.client_id = c.id AND s.deleted = 0 AND s.purpose = 'processing'
                   ORDER BY s.given_on DESC, s.id DESC LIMIT 1), 0) = 0"
                    .into(),
            ),
        ];
        let mut counts = Vec::new();
        for (issue, condition) in conditions {
            let count: i64 = self.conn.query_row(
                &format!(
                    "SELECT count(*) FROM clients c WHERE {BASE} AND {visible} AND {condition}"
                ),
                [],
                |r| r.get(0),
            )?;
            let numbers: Vec<String> = self
                .conn
                .prepare(&format!(
                    "SELECT c.number FROM clients c WHERE {BASE} AND {visible} AND {condition}
                     ORDER BY c.sort_name, c.id LIMIT {LISTED}"
                ))?
                .query_map([], |r| r.get(0))?
                .collect::<Result<_, _>>()?;
            counts.push(IssueCount {
                issue,
                clients: count as u64,
                numbers,
            });
        }
        let (phones, emails) = self.invalid_contacts(&visible)?;
        counts.insert(1, phones);
        counts.insert(2, emails);
        Ok(QualityReport {
            clients,
            issues: counts,
        })
    }

    /// Stored phones and e-mails that today's normalisation refuses or would write
    /// differently (entered before a rule changed, or written around the program).
    fn invalid_contacts(&self, visible: &str) -> StoreResult<(IssueCount, IssueCount)> {
        let mut phones = IssueCount {
            issue: Issue::InvalidPhone,
            clients: 0,
            numbers: Vec::new(),
        };
        let mut emails = IssueCount {
            issue: Issue::InvalidEmail,
            ..phones.clone()
        };
        let mut stmt = self.conn.prepare(&format!(
            "SELECT c.id, c.number, p.kind, p.value FROM clients c
             JOIN contact_points p ON p.client_id = c.id AND p.deleted = 0 AND p.kind IN ('phone', 'email')
             WHERE {BASE} AND {visible} ORDER BY c.id"
        ))?;
        let mut rows = stmt.query([])?;
        let mut last: [Option<i64>; 2] = [None, None];
        while let Some(r) = rows.next()? {
            let (id, number, kind, value): (i64, String, String, String) =
                (r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?);
            let (valid, slot, count) = if kind == "phone" {
                (
                    normalize_phone(&value).is_ok_and(|n| n == value),
                    0,
                    &mut phones,
                )
            } else {
                (
                    normalize_email(&value).is_ok_and(|n| n == value),
                    1,
                    &mut emails,
                )
            };
            if valid || last[slot] == Some(id) {
                continue;
            }
            last[slot] = Some(id);
            count.clients += 1;
            if count.numbers.len() < LISTED {
                count.numbers.push(number);
            }
        }
        Ok((phones, emails))
    }
}
