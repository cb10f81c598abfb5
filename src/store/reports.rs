//! Reports (SPEC §6): metrics, the funnel and lead sources, for the viewer's own
//! clients or, for a lead or an admin, the team with a row per manager; and the
//! campaign costs that give the cost per acquisition.
//!
//! Counted: clients not deleted nor forgotten; orders not cancelled. Money in minor
//! units. Periods are local dates, both ends included.

mod queries;

use super::activity::local_instant;
use super::error::{StoreError, StoreResult};
use super::write::{int, text, Entity};
use super::{Scope, Store, Viewer};
use crate::domain::codes::{Source, Stage};
use chrono::{Datelike, Days, Months, NaiveDate, NaiveTime};
use queries::Bounds;
use serde::Serialize;
use std::collections::BTreeMap;

/// What a report covers.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportOptions {
    pub from: NaiveDate,
    /// Included.
    pub to: NaiveDate,
    /// Every manager's clients, with a row per manager (leads and admins only).
    pub team: bool,
    /// An extra SQL condition on `clients c` with its parameters (a segment).
    pub client_condition: Option<(String, Vec<rusqlite::types::Value>)>,
}

impl ReportOptions {
    /// The viewer's own clients from `from` to `to`.
    pub fn new(from: NaiveDate, to: NaiveDate) -> ReportOptions {
        ReportOptions {
            from,
            to,
            team: false,
            client_condition: None,
        }
    }

    /// The last 30 days up to `today`, today included.
    pub fn last_30_days(today: NaiveDate) -> ReportOptions {
        ReportOptions::new(today - Days::new(29), today)
    }

    /// The previous period of the same length, ending the day before `from`.
    pub fn previous(&self) -> (NaiveDate, NaiveDate) {
        let days = (self.to - self.from).num_days() + 1;
        (
            self.from - chrono::Duration::days(days),
            self.from - Days::new(1),
        )
    }
}

/// A count of clients archived for one reason (`None`: no reason recorded).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReasonCount {
    pub reason: Option<String>,
    pub clients: i64,
}

/// The metrics of one scope: a manager, or the team. Each rate comes with the counts
/// it is made of; a rate is `None` where there is nothing to divide by.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Metrics {
    /// Clients created in the period.
    pub leads: i64,
    /// Of them, those with a counted order up to the period's end.
    pub converted: i64,
    pub conversion_pct: Option<f64>,
    /// Counted orders in the period, their sum and items.
    pub orders: i64,
    pub revenue_minor: i64,
    pub average_check_minor: Option<i64>,
    pub items: i64,
    pub purchase_depth: Option<f64>,
    /// Clients who ordered in the previous period; of them, those who ordered again.
    pub previous_buyers: i64,
    pub retained: i64,
    pub retention_pct: Option<f64>,
    /// Clients with a counted order up to the period's end, and all their revenue.
    pub buyers: i64,
    pub buyers_revenue_minor: i64,
    pub ltv_minor: Option<i64>,
    pub nps_scores: i64,
    pub promoters: i64,
    pub detractors: i64,
    pub nps: Option<i64>,
    /// Leads answered (an interaction after their creation) and not.
    pub answered: i64,
    pub unanswered: i64,
    pub median_response_minutes: Option<f64>,
    /// Clients archived in the period, by reason, most frequent first.
    pub reasons: Vec<ReasonCount>,
}

/// One manager's row of a team report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ManagerMetrics {
    pub login: String,
    pub name: String,
    #[serde(flatten)]
    pub metrics: Metrics,
}

/// Leads, orders and revenue of one calendar month (`2026-03`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MonthFigures {
    pub month: String,
    pub leads: i64,
    pub orders: i64,
    pub revenue_minor: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MetricsReport {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub previous_from: NaiveDate,
    pub previous_to: NaiveDate,
    pub team: bool,
    pub totals: Metrics,
    /// A team report's row per manager (empty for one manager's report).
    pub managers: Vec<ManagerMetrics>,
    /// The last six months up to `to`, oldest first.
    pub months: Vec<MonthFigures>,
}

/// One stage of the funnel.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FunnelStage {
    pub stage: String,
    /// Leads whose furthest stage is this one.
    pub at_stage: i64,
    /// Leads that got this far or further.
    pub reached: i64,
    /// `reached` as a share of the previous stage's.
    pub conversion_pct: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FunnelReport {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub team: bool,
    pub leads: i64,
    /// New to won, in order.
    pub stages: Vec<FunnelStage>,
    /// Leads lost, counted apart from the stages.
    pub lost: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SourceRow {
    /// The source code; `None` for leads with no source recorded.
    pub source: Option<String>,
    pub leads: i64,
    pub converted: i64,
    pub conversion_pct: Option<f64>,
    pub revenue_minor: i64,
    /// Campaigns of this source started in the period.
    pub cost_minor: i64,
    pub cost_per_acquisition_minor: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SourcesReport {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub team: bool,
    pub sources: Vec<SourceRow>,
}

/// `part` of `whole` in percent, one decimal.
fn percent(part: i64, whole: i64) -> Option<f64> {
    (whole > 0).then(|| (part as f64 * 1000.0 / whole as f64).round() / 10.0)
}

/// `sum / count` rounded to the nearest minor unit.
fn average_minor(sum: i64, count: i64) -> Option<i64> {
    (count > 0).then(|| (sum as f64 / count as f64).round() as i64)
}

fn median(values: &mut [f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let mid = values.len() / 2;
    Some(if values.len() % 2 == 1 {
        values[mid]
    } else {
        (values[mid - 1] + values[mid]) / 2.0
    })
}

/// The order of stages in the funnel; lost is not on it.
fn funnel_index(stage: &str) -> Option<usize> {
    Stage::ALL
        .iter()
        .filter(|s| **s != Stage::Lost)
        .position(|s| s.code() == stage)
}

/// The counts one scope's metrics are made of; they add up across managers.
#[derive(Debug, Clone, Default)]
struct Parts {
    leads: i64,
    converted: i64,
    orders: queries::OrderFigures,
    buyers: (i64, i64),
    nps: (i64, i64, i64),
    waits: Vec<f64>,
    unanswered: i64,
    reasons: BTreeMap<Option<String>, i64>,
}

impl Parts {
    fn add(&mut self, other: &Parts) {
        self.leads += other.leads;
        self.converted += other.converted;
        self.orders.orders += other.orders.orders;
        self.orders.revenue_minor = self
            .orders
            .revenue_minor
            .saturating_add(other.orders.revenue_minor);
        self.orders.items += other.orders.items;
        self.orders.previous_buyers += other.orders.previous_buyers;
        self.orders.retained += other.orders.retained;
        self.buyers.0 += other.buyers.0;
        self.buyers.1 = self.buyers.1.saturating_add(other.buyers.1);
        self.nps.0 += other.nps.0;
        self.nps.1 += other.nps.1;
        self.nps.2 += other.nps.2;
        self.waits.extend_from_slice(&other.waits);
        self.unanswered += other.unanswered;
        for (reason, count) in &other.reasons {
            *self.reasons.entry(reason.clone()).or_default() += count;
        }
    }

    fn metrics(&self) -> Metrics {
        let o = &self.orders;
        let (promoters, detractors, scores) = self.nps;
        let mut reasons: Vec<ReasonCount> = self
            .reasons
            .iter()
            .map(|(reason, clients)| ReasonCount {
                reason: reason.clone(),
                clients: *clients,
            })
            .collect();
        reasons.sort_by(|a, b| b.clients.cmp(&a.clients).then(a.reason.cmp(&b.reason)));
        let mut waits = self.waits.clone();
        Metrics {
            leads: self.leads,
            converted: self.converted,
            conversion_pct: percent(self.converted, self.leads),
            orders: o.orders,
            revenue_minor: o.revenue_minor,
            average_check_minor: average_minor(o.revenue_minor, o.orders),
            items: o.items,
            purchase_depth: (o.orders > 0)
                .then(|| (o.items as f64 * 100.0 / o.orders as f64).round() / 100.0),
            previous_buyers: o.previous_buyers,
            retained: o.retained,
            retention_pct: percent(o.retained, o.previous_buyers),
            buyers: self.buyers.0,
            buyers_revenue_minor: self.buyers.1,
            ltv_minor: average_minor(self.buyers.1, self.buyers.0),
            nps_scores: scores,
            promoters,
            detractors,
            nps: (scores > 0)
                .then(|| ((promoters - detractors) as f64 * 100.0 / scores as f64).round() as i64),
            answered: self.waits.len() as i64,
            unanswered: self.unanswered,
            median_response_minutes: median(&mut waits).map(|m| (m * 10.0).round() / 10.0),
            reasons,
        }
    }
}

impl Store {
    /// The managers a report covers: the viewer, or everyone for a team report
    /// (leads and admins only). `None` means everyone.
    fn report_scope(&self, viewer: &Viewer, options: &ReportOptions) -> StoreResult<Scope> {
        if options.to < options.from {
            return Err(StoreError::bad_value(
                "to",
                &options.to.to_string(),
                format!("≥ {}", options.from),
            ));
        }
        match (options.team, Scope::of(viewer)) {
            (true, everyone) if everyone.manager().is_none() => Ok(everyone),
            (true, _) => Err(StoreError::NotAllowed),
            (false, _) => Ok(Scope::own(viewer)),
        }
    }

    pub fn metrics_report(
        &self,
        viewer: &Viewer,
        options: &ReportOptions,
    ) -> StoreResult<MetricsReport> {
        let scope = self.report_scope(viewer, options)?;
        let bounds = bounds(options);
        let conn = &self.conn;
        let mut parts: BTreeMap<i64, Parts> = BTreeMap::new();
        for group in queries::lead_groups(conn, scope, options, &bounds)? {
            let p = parts.entry(group.manager).or_default();
            p.leads += group.leads;
            p.converted += group.converted;
        }
        for (manager, wait) in queries::response_waits(conn, scope, options, &bounds)? {
            let p = parts.entry(manager).or_default();
            match wait {
                Some(minutes) => p.waits.push(minutes),
                None => p.unanswered += 1,
            }
        }
        for (manager, figures) in queries::order_figures(conn, scope, options, &bounds)? {
            parts.entry(manager).or_default().orders = figures;
        }
        for (manager, buyers) in queries::lifetime_value(conn, scope, options, &bounds)? {
            parts.entry(manager).or_default().buyers = buyers;
        }
        for (manager, nps) in queries::nps_scores(conn, scope, options, &bounds)? {
            parts.entry(manager).or_default().nps = nps;
        }
        for (manager, reason, count) in queries::leaving_reasons(conn, scope, options, &bounds)? {
            *parts
                .entry(manager)
                .or_default()
                .reasons
                .entry(reason)
                .or_default() += count;
        }
        let mut totals = Parts::default();
        for p in parts.values() {
            totals.add(p);
        }
        let managers = if scope.manager().is_none() {
            let mut rows: Vec<ManagerMetrics> = queries::manager_names(conn)?
                .into_iter()
                .filter(|(id, (_, _, deleted))| !deleted || parts.contains_key(id))
                .map(|(id, (login, name, _))| ManagerMetrics {
                    login,
                    name,
                    metrics: parts.get(&id).cloned().unwrap_or_default().metrics(),
                })
                .collect();
            rows.sort_by(|a, b| a.login.cmp(&b.login));
            rows
        } else {
            Vec::new()
        };
        let month_figures = queries::months(conn, scope, options, &bounds)?;
        let months = bounds
            .months
            .iter()
            .take(bounds.months.len() - 1)
            .enumerate()
            .map(|(index, _)| {
                let (leads, orders, revenue_minor) = month_figures
                    .get(&(index as i64))
                    .copied()
                    .unwrap_or_default();
                let month = first_of_month(options.to)
                    .checked_sub_months(Months::new((bounds.months.len() - 2 - index) as u32))
                    .unwrap_or(options.to);
                MonthFigures {
                    month: month.format("%Y-%m").to_string(),
                    leads,
                    orders,
                    revenue_minor,
                }
            })
            .collect();
        let (previous_from, previous_to) = options.previous();
        Ok(MetricsReport {
            from: options.from,
            to: options.to,
            previous_from,
            previous_to,
            team: scope.manager().is_none(),
            totals: totals.metrics(),
            managers,
            months,
        })
    }

    pub fn funnel_report(
        &self,
        viewer: &Viewer,
        options: &ReportOptions,
    ) -> StoreResult<FunnelReport> {
        let scope = self.report_scope(viewer, options)?;
        let groups = queries::lead_groups(&self.conn, scope, options, &bounds(options))?;
        let funnel: Vec<Stage> = Stage::ALL
            .iter()
            .copied()
            .filter(|s| *s != Stage::Lost)
            .collect();
        let mut at_stage = vec![0i64; funnel.len()];
        let (mut leads, mut lost) = (0, 0);
        for group in &groups {
            leads += group.leads;
            match funnel_index(&group.stage) {
                Some(index) => at_stage[index] += group.leads,
                None => lost += group.leads,
            }
        }
        let mut stages = Vec::new();
        let mut previous: Option<i64> = None;
        for (index, stage) in funnel.iter().enumerate() {
            // Every lead was new once, the lost ones too.
            let reached = if index == 0 {
                leads
            } else {
                at_stage[index..].iter().sum()
            };
            stages.push(FunnelStage {
                stage: stage.code().to_string(),
                at_stage: at_stage[index],
                reached,
                conversion_pct: previous.and_then(|p| percent(reached, p)),
            });
            previous = Some(reached);
        }
        Ok(FunnelReport {
            from: options.from,
            to: options.to,
            team: scope.manager().is_none(),
            leads,
            stages,
            lost,
        })
    }

    pub fn sources_report(
        &self,
        viewer: &Viewer,
        options: &ReportOptions,
    ) -> StoreResult<SourcesReport> {
        let scope = self.report_scope(viewer, options)?;
        let groups = queries::lead_groups(&self.conn, scope, options, &bounds(options))?;
        let costs = queries::campaign_costs(&self.conn, options)?;
        let mut rows: BTreeMap<Option<String>, SourceRow> = BTreeMap::new();
        let empty = |source: &Option<String>| SourceRow {
            source: source.clone(),
            leads: 0,
            converted: 0,
            conversion_pct: None,
            revenue_minor: 0,
            cost_minor: 0,
            cost_per_acquisition_minor: None,
        };
        for group in &groups {
            let row = rows
                .entry(group.source.clone())
                .or_insert_with(|| empty(&group.source));
            row.leads += group.leads;
            row.converted += group.converted;
            row.revenue_minor = row.revenue_minor.saturating_add(group.revenue_minor);
        }
        for (source, cost) in &costs {
            let row = rows.entry(source.clone()).or_insert_with(|| empty(source));
            row.cost_minor = row.cost_minor.saturating_add(*cost);
        }
        let mut sources: Vec<SourceRow> = rows
            .into_values()
            .map(|mut row| {
                row.conversion_pct = percent(row.converted, row.leads);
                row.cost_per_acquisition_minor = (row.cost_minor > 0)
                    .then(|| average_minor(row.cost_minor, row.converted))
                    .flatten();
                row
            })
            .collect();
        // The sources in their usual order, then unknown codes, then none.
        let rank = |row: &SourceRow| match row.source.as_deref() {
            Some(code) => Source::from_code(code).map_or(Source::ALL.len(), |s| s as usize),
            None => Source::ALL.len() + 1,
        };
        sources.sort_by_key(|row| (rank(row), row.source.clone()));
        Ok(SourcesReport {
            from: options.from,
            to: options.to,
            team: scope.manager().is_none(),
            sources,
        })
    }

    /// Records a campaign's cost for the cost per acquisition of its source. Costs
    /// are the team's, so only a lead or an admin enters them.
    pub fn add_campaign(
        &mut self,
        viewer: &Viewer,
        name: &str,
        cost_minor: i64,
        source: Source,
        started_on: NaiveDate,
    ) -> StoreResult<String> {
        if !crate::domain::rules::may_manage_team(viewer.role) {
            return Err(StoreError::NotAllowed);
        }
        let name =
            crate::domain::text::clean(name).ok_or_else(|| StoreError::Required("name".into()))?;
        if cost_minor < 0 {
            return Err(StoreError::bad_value(
                "cost",
                &cost_minor.to_string(),
                "≥ 0",
            ));
        }
        self.write(Some(viewer), |w| {
            let (_, uuid) = w.insert(
                Entity::Campaign,
                &[
                    ("name", text(&name)),
                    ("source", text(source.code())),
                    ("cost_minor", int(cost_minor)),
                    (
                        "started_on",
                        text(started_on.format("%Y-%m-%d").to_string()),
                    ),
                ],
            )?;
            Ok(uuid)
        })
    }
}

fn first_of_month(date: NaiveDate) -> NaiveDate {
    date.with_day(1).unwrap_or(date)
}

/// Local midnight of a day as UTC milliseconds.
fn day_start(date: NaiveDate) -> i64 {
    local_instant(date, NaiveTime::MIN).timestamp_millis()
}

/// The instants of a report's period, its previous period and its six months.
fn bounds(options: &ReportOptions) -> Bounds {
    let end = day_start(options.to + Days::new(1));
    let (previous_from, _) = options.previous();
    let this_month = first_of_month(options.to);
    let mut months: Vec<i64> = (0..6u32)
        .rev()
        .map(|back| day_start(this_month - Months::new(back)))
        .collect();
    months.push(end);
    Bounds {
        start: day_start(options.from),
        end,
        previous_start: day_start(previous_from),
        months,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_round_to_one_decimal_and_medians_take_the_middle() {
        assert_eq!(percent(1, 3), Some(33.3));
        assert_eq!(percent(2, 3), Some(66.7));
        assert_eq!(percent(1, 0), None);
        assert_eq!(average_minor(1000, 3), Some(333));
        assert_eq!(median(&mut [5.0, 1.0, 3.0]), Some(3.0));
        assert_eq!(median(&mut [4.0, 1.0, 3.0, 2.0]), Some(2.5));
        assert_eq!(median(&mut []), None);
    }

    #[test]
    fn the_previous_period_has_the_same_length() {
        let day = |m, d| NaiveDate::from_ymd_opt(2026, m, d).unwrap();
        let options = ReportOptions::new(day(3, 1), day(3, 31));
        assert_eq!(options.previous(), (day(1, 29), day(2, 28)));
        assert_eq!(
            ReportOptions::last_30_days(day(3, 30)),
            ReportOptions::new(day(3, 1), day(3, 30))
        );
    }
}
