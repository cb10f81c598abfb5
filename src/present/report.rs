//! How a report reads to a person: rates, money and labels the same in `report`
//! and in the Reports view of the interface.

use crate::domain::codes::{ArchiveReason, Source};
use crate::domain::money::format_money;
use crate::i18n::{language, tr, trf, Lang};
use crate::store::reports::Metrics;

/// Money of a report (sums across orders are shown in roubles).
pub fn money(minor: i64) -> String {
    format_money(minor, "RUB", language())
}

/// `33.3%` / `33,3 %`; a dash where there is nothing to divide by.
pub fn pct(value: Option<f64>) -> String {
    match (value, language()) {
        (None, _) => "—".into(),
        (Some(v), Lang::Ru) => format!("{v:.1}\u{a0}%").replace('.', ","),
        (Some(v), Lang::En) => format!("{v:.1}%"),
    }
}

pub fn decimal(value: Option<f64>, places: usize) -> String {
    match value {
        None => "—".into(),
        Some(v) => {
            let text = format!("{v:.places$}");
            if language() == Lang::Ru {
                text.replace('.', ",")
            } else {
                text
            }
        }
    }
}

pub fn source_label(code: Option<&str>) -> String {
    match code {
        Some(code) => Source::from_code(code).map_or(code.to_string(), |s| s.label()),
        None => tr("report.no_source"),
    }
}

/// One source's row as the command line and the interface show it: source, leads,
/// converted, conversion, revenue, cost, cost per acquisition.
pub fn source_cells(s: &crate::store::reports::SourceRow) -> Vec<String> {
    vec![
        source_label(s.source.as_deref()),
        s.leads.to_string(),
        s.converted.to_string(),
        pct(s.conversion_pct),
        money(s.revenue_minor),
        money(s.cost_minor),
        s.cost_per_acquisition_minor.map_or("—".into(), money),
    ]
}

pub fn reason_label(code: Option<&str>) -> String {
    match code {
        Some(code) => ArchiveReason::from_code(code).map_or(code.to_string(), |r| r.label()),
        None => tr("report.no_reason"),
    }
}

/// The metrics of one scope as (name, value) lines, in the order of `report --help`.
pub fn metric_lines(m: &Metrics) -> Vec<(String, String)> {
    vec![
        (tr("report.leads"), m.leads.to_string()),
        (
            tr("report.conversion"),
            format!("{} ({}/{})", pct(m.conversion_pct), m.converted, m.leads),
        ),
        (tr("report.orders"), m.orders.to_string()),
        (tr("report.revenue"), money(m.revenue_minor)),
        (
            tr("report.average_check"),
            m.average_check_minor.map_or("—".into(), money),
        ),
        (tr("report.depth"), decimal(m.purchase_depth, 2)),
        (
            tr("report.retention"),
            format!(
                "{} ({}/{})",
                pct(m.retention_pct),
                m.retained,
                m.previous_buyers
            ),
        ),
        (tr("report.ltv"), m.ltv_minor.map_or("—".into(), money)),
        (
            tr("report.nps"),
            match m.nps {
                Some(nps) => trf(
                    "report.nps_value",
                    &[("nps", &nps), ("scores", &m.nps_scores)],
                ),
                None => "—".into(),
            },
        ),
        (
            tr("report.response"),
            match m.median_response_minutes {
                // An hour or more reads better as hours or days.
                Some(minutes) if minutes >= 60.0 => {
                    crate::domain::dates::format_age(minutes.round() as i64)
                }
                Some(_) => trf(
                    "report.response_value",
                    &[("minutes", &decimal(m.median_response_minutes, 1))],
                ),
                None => "—".into(),
            },
        ),
        (tr("report.unanswered"), m.unanswered.to_string()),
    ]
}
