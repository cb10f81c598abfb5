//! The client list: one window of rows at a time, by keyset, so scrolling a million
//! clients costs what scrolling a hundred does.

use super::error::StoreResult;
use super::search::{manager_range, plan, prefix_upper_bound, SearchPlan};
use super::{Scope, Store, Viewer};
use crate::domain::segments::{base_type, ClientFacts, Segment};
use crate::domain::settings::Settings;
use chrono::{DateTime, Utc};
use rusqlite::types::Value;
use serde::Serialize;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListQuery {
    /// What was typed in the search box (any part of a name, phone, e-mail, tag).
    pub search: String,
    pub segment: Option<Segment>,
    /// A segment filter (`tier:gold city:Москва`); empty for none.
    pub filter: crate::domain::filter::Filter,
    /// Restricts a lead's or admin's list to one manager's clients.
    pub manager: Option<String>,
}

/// Where the previous window ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cursor {
    Name { sort_name: String, id: i64 },
    Rowid(i64),
}

/// The search index joined to its clients (the low bits of a search rowid are the id).
const SEARCH_JOIN: &str = "client_search JOIN clients c /* scope: Store::filter's conditions */
     ON c.id = (client_search.rowid & 1099511627775)";

struct Filter {
    from: &'static str,
    conditions: Vec<String>,
    values: Vec<Value>,
    /// Search results come in index order, everything else by name.
    by_rowid: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClientRow {
    pub number: String,
    pub name: String,
    pub kind: String,
    pub company: Option<String>,
    pub segment: Segment,
    pub phone: Option<String>,
    pub city: Option<String>,
    pub next_contact_at: Option<DateTime<Utc>>,
    pub last_order_at: Option<DateTime<Utc>>,
    pub orders_count: i64,
    pub total_spent_minor: i64,
    pub manager: String,
    pub manager_name: String,
    pub forgotten: bool,
    /// Loyalty tier code (by the last 12 months' spend), if any.
    pub tier: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Page {
    pub rows: Vec<ClientRow>,
    /// Where the next window starts; `None` at the end of the list.
    pub next: Option<Cursor>,
}

const ROW_COLUMNS: &str = "c.number, c.display_name, c.kind, c.company, c.primary_phone, c.city, c.next_contact_at,
    c.last_order_at, c.orders_count, c.total_spent_minor, m.login, m.name, c.archived_at IS NOT NULL,
    c.has_requisites, c.has_email, c.marketing_consent, c.forgotten_at IS NOT NULL, c.sort_name, c.id,
    c.search_rowid, c.tier";

/// The SQL condition of a segment; `?` placeholders take the values returned with it.
fn segment_condition(
    segment: Option<Segment>,
    settings: &Settings,
    now: DateTime<Utc>,
) -> (String, Vec<Value>) {
    let cutoff = (now - chrono::Duration::days(settings.active_window_days)).timestamp_millis();
    match segment {
        None => ("c.archived_at IS NULL".into(), vec![]),
        Some(Segment::Prospect) => (
            "c.archived_at IS NULL AND c.orders_count = 0".into(),
            vec![],
        ),
        Some(Segment::Active) => (
            "c.archived_at IS NULL AND c.orders_count > 0 AND c.last_order_at >= ?".into(),
            vec![Value::Integer(cutoff)],
        ),
        Some(Segment::Sleeping) => (
            "c.archived_at IS NULL AND c.orders_count > 0 AND c.last_order_at < ?".into(),
            vec![Value::Integer(cutoff)],
        ),
        Some(Segment::Archived) => ("c.archived_at IS NOT NULL".into(), vec![]),
        Some(Segment::Accounting) => ("(c.has_requisites OR c.orders_count > 0)".into(), vec![]),
        Some(Segment::Mailing) => (
            "c.archived_at IS NULL AND c.has_email AND c.marketing_consent".into(),
            vec![],
        ),
    }
}

impl Store {
    /// One window of the viewer's clients: by name, or in index order for a search.
    pub fn list_clients(
        &self,
        viewer: &Viewer,
        query: &ListQuery,
        after: Option<&Cursor>,
        limit: usize,
    ) -> StoreResult<Page> {
        let now = Utc::now();
        let Filter {
            from,
            mut conditions,
            mut values,
            by_rowid,
        } = self.filter(viewer, query, now)?;
        match after {
            Some(Cursor::Rowid(rowid)) => {
                conditions.push("client_search.rowid > ?".into());
                values.push(Value::Integer(*rowid));
            }
            Some(Cursor::Name { sort_name, id }) => {
                conditions.push("(c.sort_name, c.id) > (?, ?)".into());
                values.push(Value::Text(sort_name.clone()));
                values.push(Value::Integer(*id));
            }
            None => {}
        }
        let order = if by_rowid {
            "client_search.rowid"
        } else {
            "c.sort_name, c.id"
        };
        let sql = format!(
            "SELECT {ROW_COLUMNS} FROM {from} JOIN managers m ON m.id = c.manager_id
             WHERE c.deleted = 0 AND {} ORDER BY {order} LIMIT {}",
            conditions.join(" AND "),
            limit + 1
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let mut rows = Vec::with_capacity(limit + 1);
        let mut keys = Vec::with_capacity(limit + 1);
        let mut cursor = stmt.query(rusqlite::params_from_iter(values.iter()))?;
        while let Some(r) = cursor.next()? {
            let facts = ClientFacts {
                archived: r.get(12)?,
                orders_count: r.get(8)?,
                last_order_at: r
                    .get::<_, Option<i64>>(7)?
                    .and_then(DateTime::from_timestamp_millis),
                has_requisites: r.get(13)?,
                has_email: r.get(14)?,
                marketing_consent: r.get(15)?,
            };
            let id: i64 = if by_rowid {
                r.get::<_, Option<i64>>(19)?.unwrap_or_default()
            } else {
                r.get(18)?
            };
            keys.push((r.get::<_, String>(17)?, id));
            rows.push(ClientRow {
                number: r.get(0)?,
                name: r.get(1)?,
                kind: r.get(2)?,
                company: r.get(3)?,
                phone: r.get(4)?,
                city: r.get(5)?,
                next_contact_at: r
                    .get::<_, Option<i64>>(6)?
                    .and_then(DateTime::from_timestamp_millis),
                last_order_at: facts.last_order_at,
                orders_count: facts.orders_count,
                total_spent_minor: r.get(9)?,
                manager: r.get(10)?,
                manager_name: r.get(11)?,
                segment: base_type(&facts, now, &self.settings),
                forgotten: r.get(16)?,
                tier: r.get(20)?,
            });
        }
        let next = if rows.len() > limit {
            rows.truncate(limit);
            keys.truncate(limit);
            keys.last().map(|(sort_name, id)| {
                if by_rowid {
                    Cursor::Rowid(*id)
                } else {
                    Cursor::Name {
                        sort_name: sort_name.clone(),
                        id: *id,
                    }
                }
            })
        } else {
            None
        };
        Ok(Page { rows, next })
    }

    /// How many clients the query finds, counting at most `cap` (a search box shows
    /// "1000+" rather than counting a million matches).
    pub fn count_clients(&self, viewer: &Viewer, query: &ListQuery, cap: u64) -> StoreResult<u64> {
        let Filter {
            from,
            conditions,
            values,
            ..
        } = self.filter(viewer, query, Utc::now())?;
        let sql = format!(
            "SELECT count(*) FROM (SELECT 1 FROM {from} WHERE c.deleted = 0 AND {} LIMIT {cap})",
            conditions.join(" AND ")
        );
        Ok(self
            .conn
            .prepare_cached(&sql)?
            .query_row(rusqlite::params_from_iter(values.iter()), |r| {
                r.get::<_, i64>(0)
            })? as u64)
    }

    /// What a query selects: visibility, segment and search, as SQL pieces.
    fn filter(
        &self,
        viewer: &Viewer,
        query: &ListQuery,
        now: DateTime<Utc>,
    ) -> StoreResult<Filter> {
        let scope = self.list_scope(viewer, query)?;
        let manager = scope.manager();
        let mut conditions = vec![scope.clients("c")];
        let mut values = Vec::new();
        let (segment_sql, segment_values) = segment_condition(query.segment, &self.settings, now);
        // A filter that names a base type decides on archived clients itself.
        if query.segment.is_some() || !query.filter.speaks_of_archived() {
            conditions.push(segment_sql);
            values.extend(segment_values);
        }
        if !query.filter.is_empty() {
            conditions.push(self.filter_condition(&query.filter)?);
        }
        let mut by_rowid = false;
        let from = match plan(&query.search) {
            SearchPlan::Match(expr) => {
                conditions.push("client_search MATCH ?".into());
                values.push(Value::Text(expr));
                // One manager's clients are one rowid range of the index: the search
                // reads only theirs instead of filtering everyone's.
                if let Some(id) = manager {
                    let (low, high) = manager_range(id);
                    conditions.push("client_search.rowid BETWEEN ? AND ?".into());
                    values.push(Value::Integer(low));
                    values.push(Value::Integer(high));
                }
                by_rowid = true;
                SEARCH_JOIN
            }
            SearchPlan::NamePrefix(prefix) => {
                conditions.push("c.sort_name >= ? AND c.sort_name < ?".into());
                values.push(Value::Text(prefix_upper_bound(&prefix)));
                values.insert(values.len() - 1, Value::Text(prefix));
                "clients c"
            }
            SearchPlan::Everything => "clients c",
        };
        Ok(Filter {
            from,
            conditions,
            values,
            by_rowid,
        })
    }

    /// Whose clients a query may show: what the viewer sees, narrowed to one manager
    /// when a lead or an admin asks for one (a manager asking for another's sees none
    /// of theirs: their own list stays their own).
    fn list_scope(&self, viewer: &Viewer, query: &ListQuery) -> StoreResult<Scope> {
        let scope = Scope::of(viewer);
        Ok(match &query.manager {
            Some(login) => scope.narrowed_to(self.manager_id(login)?).unwrap_or(scope),
            None => scope,
        })
    }
}
