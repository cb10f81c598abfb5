//! Segments (SPEC §6): a filter (`domain::filter`) turned into one SQL condition on the
//! clients table (alias `c`), and filters saved under a name for the whole team.
//! Counts are live and per viewer: visibility applies to a segment as to any list.

use super::error::{StoreError, StoreResult};
use super::write::{text, Entity, Writer};
use super::{Store, Viewer};
use crate::domain::filter::{
    birthdays_for_age, month_day_range, Criterion, DateBound, Filter, Range,
};
use crate::domain::segments::Segment;
use crate::domain::text::fold;
use chrono::{DateTime, Duration, Local, NaiveDate, NaiveTime, Utc};
use rusqlite::functions::FunctionFlags;
use rusqlite::{Connection, OptionalExtension};
use serde::Serialize;

/// Lets SQL compare text as the program does: `fold(c.city) = 'москва'`.
pub(crate) fn register_fold(conn: &Connection) -> rusqlite::Result<()> {
    conn.create_scalar_function(
        "fold",
        1,
        FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC,
        |ctx| Ok(ctx.get::<Option<String>>(0)?.map(|t| fold(&t))),
    )
}

/// A text as an SQL literal. Values are inlined rather than bound so that a
/// condition can be added to any query (Today's, the reports') whatever its
/// placeholders; quotes doubled is all SQLite's literal syntax needs.
fn literal(value: &str) -> String {
    format!("'{}'", value.replace('\'', "''"))
}

fn local_start_ms(date: NaiveDate) -> i64 {
    crate::store::activity::local_instant(date, NaiveTime::MIN).timestamp_millis()
}

fn range_sql(column: &str, range: Range) -> String {
    match (range.min, range.max) {
        (Some(a), Some(b)) => format!("{column} BETWEEN {a} AND {b}"),
        (Some(a), None) => format!("{column} >= {a}"),
        (None, Some(b)) => format!("{column} <= {b}"),
        (None, None) => "1".into(),
    }
}

fn bound_sql(column: &str, never: &str, bound: DateBound) -> String {
    match bound {
        DateBound::Before(date) => format!("{column} < {}", local_start_ms(date)),
        DateBound::OnOrAfter(date) => format!("{column} >= {}", local_start_ms(date)),
        DateBound::Never => never.into(),
    }
}

/// The condition on `c` of one criterion.
fn criterion_sql(
    criterion: &Criterion,
    today: NaiveDate,
    now: DateTime<Utc>,
    active_days: i64,
    tag_spellings: &dyn Fn(&str) -> Vec<String>,
) -> String {
    let active_from = (now - Duration::days(active_days)).timestamp_millis();
    match criterion {
        Criterion::BaseType(segment) => match segment {
            Segment::Prospect => "(c.archived_at IS NULL AND c.orders_count = 0)".into(),
            Segment::Active => format!(
                "(c.archived_at IS NULL AND c.orders_count > 0 AND c.last_order_at >= {active_from})"
            ),
            Segment::Sleeping => format!(
                "(c.archived_at IS NULL AND c.orders_count > 0 AND c.last_order_at < {active_from})"
            ),
            Segment::Archived => "c.archived_at IS NOT NULL".into(),
            Segment::Accounting => "(c.has_requisites OR c.orders_count > 0)".into(),
            Segment::Mailing => {
                "(c.archived_at IS NULL AND c.has_email AND c.marketing_consent)".into()
            }
        },
        Criterion::Tier(Some(code)) => format!("c.tier = {}", literal(code)),
        Criterion::Tier(None) => "c.tier IS NULL".into(),
        // Folding costs a microsecond a row; a city of another length (give or take
        // what folding may change) is passed over before it.
        Criterion::City(city) => {
            let chars = city.chars().count();
            format!(
                "(length(c.city) BETWEEN {} AND {} AND fold(c.city) = {})",
                chars.saturating_sub(2),
                chars + 2,
                literal(city)
            )
        }
        // The tag's spellings in this base (`VIP`, `vip`) looked up by index, rather
        // than each client's tags folded.
        Criterion::Tag(tag) => {
            let spellings = tag_spellings(tag);
            if spellings.is_empty() {
                "0".into()
            } else {
                let list: Vec<String> = spellings.iter().map(|s| literal(s)).collect();
                format!(
                    "c.id IN (SELECT t.client_id FROM tags t WHERE t.deleted = 0 AND t.tag IN ({}))",
                    list.join(", ")
                )
            }
        }
        Criterion::Source(source) => format!("c.source = {}", literal(source.code())),
        Criterion::Manager(login) => format!(
            "c.manager_id = (SELECT id FROM managers WHERE login = {})",
            literal(login)
        ),
        Criterion::Age(range) => {
            let (born_after, born_by) = birthdays_for_age(*range, today);
            // A birthday without a year (`--05-14`) has no age.
            let mut parts = vec!["c.birthday >= '0'".to_string()];
            if let Some(date) = born_after {
                parts.push(format!("c.birthday > '{}'", date.format("%Y-%m-%d")));
            }
            if let Some(date) = born_by {
                parts.push(format!("c.birthday <= '{}'", date.format("%Y-%m-%d")));
            }
            format!("({})", parts.join(" AND "))
        }
        Criterion::BirthdayMonth(month) => {
            let (first, last) = month_day_range(*month);
            format!("c.birthday_md BETWEEN {first} AND {last}")
        }
        Criterion::LastOrder(bound) => {
            bound_sql("c.last_order_at", "c.orders_count = 0", *bound)
        }
        Criterion::LastContact(bound) => {
            bound_sql("c.last_contact_at", "c.last_contact_at IS NULL", *bound)
        }
        Criterion::Spent(range) => range_sql("c.total_spent_minor", *range),
        Criterion::Orders(range) => range_sql("c.orders_count", *range),
        Criterion::Consent(purpose) => match purpose.code() {
            "marketing" => "c.marketing_consent = 1".into(),
            code => format!(
                "coalesce((SELECT s.status = 'given' FROM consents s
                   WHERE s.client_id = c.id AND s.deleted = 0 AND s.purpose = {}
                   ORDER BY s.given_on DESC, s.id DESC LIMIT 1), 0) = 1",
                literal(code)
            ),
        },
    }
}

/// The whole filter as one condition on `c` ("1" for an empty filter); a tag's
/// spellings come from `tag_spellings`.
fn condition_of(
    filter: &Filter,
    active_days: i64,
    tag_spellings: &dyn Fn(&str) -> Vec<String>,
) -> String {
    let now = Utc::now();
    let today = Local::now().date_naive();
    if filter.is_empty() {
        return "1".into();
    }
    let parts: Vec<String> = filter
        .terms
        .iter()
        .map(|term| {
            let sql = criterion_sql(&term.criterion, today, now, active_days, tag_spellings);
            // A condition on a blank field is NULL, which WHERE leaves out: right for
            // a term, wrong for its negation (no city is "not in Москва"). Positive
            // terms stay bare so that SQLite can use an index on them.
            if term.negated {
                format!("coalesce(NOT ({sql}), 1)")
            } else {
                format!("({sql})")
            }
        })
        .collect();
    format!("({})", parts.join(" AND "))
}

/// A saved segment with its live count for the viewer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SavedSegment {
    pub name: String,
    pub filter: String,
    pub clients: u64,
}

/// A saved segment by name: its id and author.
fn saved_segment(w: &Writer<'_>, name: &str) -> StoreResult<Option<(i64, Option<i64>)>> {
    Ok(w.tx()
        .query_row(
            "SELECT id, author_id FROM segments WHERE deleted = 0 AND name = ?1",
            [name],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?)
}

/// A segment is shared by the team; its author changes it, and so may a lead or an
/// admin (who alone change one made before segments had authors).
fn may_change_segment(viewer: &Viewer, author: Option<i64>) -> StoreResult<()> {
    if author == Some(viewer.id) || crate::domain::rules::may_manage_team(viewer.role) {
        Ok(())
    } else {
        Err(StoreError::NotAllowedSegment)
    }
}

impl Store {
    /// The filter as one SQL condition on `clients c`.
    pub(crate) fn filter_condition(&self, filter: &Filter) -> StoreResult<String> {
        let spellings: Vec<String> = if filter
            .terms
            .iter()
            .any(|t| matches!(t.criterion, Criterion::Tag(_)))
        {
            // Distinct tags are few; the index gives them without reading every row.
            self.conn
                .prepare_cached("SELECT DISTINCT tag FROM tags WHERE deleted = 0")?
                .query_map([], |r| r.get(0))?
                .collect::<Result<_, _>>()?
        } else {
            Vec::new()
        };
        let matching = |tag: &str| -> Vec<String> {
            spellings
                .iter()
                .filter(|s| fold(s) == tag)
                .cloned()
                .collect()
        };
        Ok(condition_of(
            filter,
            self.settings.active_window_days,
            &matching,
        ))
    }

    /// Reads a filter with this base's tiers and today's date.
    pub fn parse_filter(&self, text: &str) -> StoreResult<Filter> {
        let tiers: Vec<String> = self.settings.tiers.iter().map(|t| t.code.clone()).collect();
        Filter::parse(text, Local::now().date_naive(), &tiers).map_err(StoreError::from)
    }

    /// What `--segment NAME` means: a saved segment's filter, else a base type
    /// (`sleeping`, `Спящие`), else the text read as a filter.
    pub fn resolve_segment(&self, name_or_filter: &str) -> StoreResult<Filter> {
        let saved: Option<String> = self
            .conn
            .query_row(
                "SELECT filter FROM segments WHERE deleted = 0 AND name = ?1",
                [name_or_filter.trim()],
                |r| r.get(0),
            )
            .optional()?;
        if let Some(filter) = saved {
            return self.parse_filter(&filter);
        }
        if let Some(segment) = Segment::parse(name_or_filter) {
            return Ok(Filter {
                terms: vec![crate::domain::filter::Term {
                    negated: false,
                    criterion: Criterion::BaseType(segment),
                }],
            });
        }
        if !name_or_filter.contains(':') {
            return Err(StoreError::NoSuchSegment(name_or_filter.trim().to_string()));
        }
        self.parse_filter(name_or_filter)
    }

    /// Saves (or replaces) a named filter; it must read.
    pub fn save_segment(&mut self, viewer: &Viewer, name: &str, filter: &str) -> StoreResult<()> {
        let name = crate::domain::text::clean(name)
            .ok_or_else(|| StoreError::bad_value("name", name, "a name"))?;
        self.parse_filter(filter)?;
        let filter = filter.trim().to_string();
        self.write(Some(viewer), |w| {
            match saved_segment(w, &name)? {
                Some((id, author)) => {
                    may_change_segment(viewer, author)?;
                    w.update(Entity::Segment, id, &[("filter", text(&filter))])?;
                }
                None => {
                    w.insert(
                        Entity::Segment,
                        &[
                            ("name", text(&name)),
                            ("filter", text(&filter)),
                            ("author_id", rusqlite::types::Value::Integer(viewer.id)),
                        ],
                    )?;
                }
            }
            Ok(())
        })
    }

    /// Deletes a saved segment: its author's, or a lead's or an admin's to delete.
    pub fn delete_segment(&mut self, viewer: &Viewer, name: &str) -> StoreResult<()> {
        self.write(Some(viewer), |w| {
            let (id, author) = saved_segment(w, name.trim())?
                .ok_or_else(|| StoreError::NoSuchSegment(name.trim().to_string()))?;
            may_change_segment(viewer, author)?;
            w.delete(Entity::Segment, id)
        })
    }

    /// The saved segments, by name, each with how many of the viewer's clients it holds.
    pub fn saved_segments(&self, viewer: &Viewer) -> StoreResult<Vec<SavedSegment>> {
        let saved: Vec<(String, String)> = self
            .conn
            .prepare("SELECT name, filter FROM segments WHERE deleted = 0 ORDER BY name")?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<_, _>>()?;
        saved
            .into_iter()
            .map(|(name, filter)| {
                let clients = match self.parse_filter(&filter) {
                    Ok(parsed) => self.count_in_filter(viewer, &parsed)?,
                    // Saved under other tiers: shown, counted as none, until fixed.
                    Err(_) => 0,
                };
                Ok(SavedSegment {
                    name,
                    filter,
                    clients,
                })
            })
            .collect()
    }

    /// Narrows a report to the clients of a filter (`report --segment`).
    pub fn narrow_report(
        &self,
        options: &mut super::reports::ReportOptions,
        filter: &Filter,
    ) -> StoreResult<()> {
        if !filter.is_empty() {
            options.client_condition = Some((self.filter_condition(filter)?, Vec::new()));
        }
        Ok(())
    }

    /// How many of the viewer's clients a filter holds (archived ones only when the
    /// filter asks for them).
    pub fn count_in_filter(&self, viewer: &Viewer, filter: &Filter) -> StoreResult<u64> {
        let query = crate::store::listing::ListQuery {
            filter: filter.clone(),
            ..Default::default()
        };
        self.count_clients(viewer, &query, i64::MAX as u64)
    }
}
