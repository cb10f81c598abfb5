//! Reports (SPEC §6): metrics with month-over-month bars, the funnel with its bars,
//! and lead sources, one page at a time. Computed when the view opens, for the last
//! 30 days: a lead or an admin sees the team, a manager their own clients.

use super::theme;
use crate::domain::codes::Stage;
use crate::domain::dates::format_date;
use crate::i18n::{language, tr, trf};
use crate::present::report::{metric_lines, pct, reason_label, source_cells};
use crate::store::reports::{FunnelReport, MetricsReport, ReportOptions, SourcesReport};
use crate::store::{Store, StoreResult, Viewer};
use chrono::NaiveDate;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{BarChart, Block, Borders, Cell, Clear, Paragraph, Row, Table, Tabs};
use ratatui::Frame;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportPage {
    Metrics,
    Funnel,
    Sources,
}

impl ReportPage {
    pub const ALL: [ReportPage; 3] = [ReportPage::Metrics, ReportPage::Funnel, ReportPage::Sources];

    fn title(self) -> String {
        tr(match self {
            ReportPage::Metrics => "report.page_metrics",
            ReportPage::Funnel => "report.page_funnel",
            ReportPage::Sources => "report.page_sources",
        })
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct ReportsView {
    pub metrics: MetricsReport,
    pub funnel: FunnelReport,
    pub sources: SourcesReport,
    pub page: ReportPage,
}

impl ReportsView {
    pub fn load(store: &Store, viewer: &Viewer, today: NaiveDate) -> StoreResult<ReportsView> {
        let options = ReportOptions {
            team: viewer.sees_everyone(),
            ..ReportOptions::last_30_days(today)
        };
        Ok(ReportsView {
            metrics: store.metrics_report(viewer, &options)?,
            funnel: store.funnel_report(viewer, &options)?,
            sources: store.sources_report(viewer, &options)?,
            page: ReportPage::Metrics,
        })
    }

    /// The next page (or the previous one), round and round.
    pub fn turn(&mut self, forward: bool) {
        let at = ReportPage::ALL
            .iter()
            .position(|p| *p == self.page)
            .unwrap_or(0);
        let step = if forward {
            1
        } else {
            ReportPage::ALL.len() - 1
        };
        self.page = ReportPage::ALL[(at + step) % ReportPage::ALL.len()];
    }
}

pub fn draw(frame: &mut Frame<'_>, area: Rect, view: &ReportsView) {
    let popup = super::centered(area, 110, 34);
    frame.render_widget(Clear, popup);
    let lang = language();
    let title = trf(
        if view.metrics.team {
            "report.period_team"
        } else {
            "report.period"
        },
        &[
            ("from", &format_date(view.metrics.from, lang)),
            ("to", &format_date(view.metrics.to, lang)),
        ],
    );
    let block = Block::default()
        .borders(Borders::ALL)
        .title(Span::styled(format!(" {title} "), theme::title()))
        .title_bottom(Line::from(Span::styled(tr("report.keys"), theme::dim())))
        .border_style(theme::focused_border());
    let inner = block.inner(popup);
    frame.render_widget(block, popup);
    let [tabs, body] = Layout::vertical([Constraint::Length(1), Constraint::Min(1)]).areas(inner);
    let selected = ReportPage::ALL
        .iter()
        .position(|p| *p == view.page)
        .unwrap_or(0);
    frame.render_widget(
        Tabs::new(ReportPage::ALL.iter().map(|p| p.title()))
            .select(selected)
            .highlight_style(theme::selected()),
        tabs,
    );
    match view.page {
        ReportPage::Metrics => draw_metrics(frame, body, &view.metrics),
        ReportPage::Funnel => draw_funnel(frame, body, &view.funnel),
        ReportPage::Sources => draw_sources(frame, body, &view.sources),
    }
}

fn header(cells: Vec<String>) -> Row<'static> {
    Row::new(cells).style(theme::heading())
}

fn draw_metrics(frame: &mut Frame<'_>, area: Rect, report: &MetricsReport) {
    let lines = metric_lines(&report.totals);
    let [top, charts] =
        Layout::vertical([Constraint::Length(lines.len() as u16), Constraint::Min(4)]).areas(area);
    let [table_area, reasons_area] =
        Layout::horizontal([Constraint::Min(40), Constraint::Length(24)])
            .spacing(1)
            .areas(top);
    // As wide as the longest value ("44,2 % (115/260)"), the names take the rest.
    let value_width = lines
        .iter()
        .map(|(_, value)| value.chars().count())
        .max()
        .unwrap_or(0)
        .clamp(8, 24) as u16;
    let rows: Vec<Row<'static>> = lines
        .into_iter()
        .map(|(name, value)| Row::new(vec![Cell::from(name), Cell::from(value)]))
        .collect();
    frame.render_widget(
        Table::new(rows, [Constraint::Fill(1), Constraint::Length(value_width)]).column_spacing(1),
        table_area,
    );
    let mut reasons: Vec<Row<'static>> = report
        .totals
        .reasons
        .iter()
        .map(|r| {
            Row::new(vec![
                Cell::from(reason_label(r.reason.as_deref())),
                Cell::from(r.clients.to_string()),
            ])
        })
        .collect();
    if reasons.is_empty() {
        reasons.push(Row::new(vec![Cell::from(Span::styled(
            tr("report.no_leaving"),
            theme::dim(),
        ))]));
    }
    frame.render_widget(
        Table::new(reasons, [Constraint::Fill(1), Constraint::Length(4)])
            .header(header(vec![tr("report.reason"), String::new()])),
        reasons_area,
    );
    let [revenue_area, leads_area] = Layout::horizontal([Constraint::Fill(1), Constraint::Fill(1)])
        .spacing(1)
        .areas(charts);
    let label = |month: &str| format!("{}.{}", &month[5..7], &month[2..4]);
    let revenue: Vec<(String, u64)> = report
        .months
        .iter()
        .map(|m| (label(&m.month), (m.revenue_minor / 100_000).max(0) as u64))
        .collect();
    let leads: Vec<(String, u64)> = report
        .months
        .iter()
        .map(|m| (label(&m.month), m.leads.max(0) as u64))
        .collect();
    bars(frame, revenue_area, &tr("report.chart_revenue"), &revenue);
    bars(frame, leads_area, &tr("report.chart_leads"), &leads);
}

/// A titled bar chart whose bars share the width.
fn bars(frame: &mut Frame<'_>, area: Rect, title: &str, data: &[(String, u64)]) {
    let block = Block::default()
        .borders(Borders::TOP)
        .title(Span::styled(title.to_string(), theme::dim()));
    let count = data.len().max(1) as u16;
    let width = (block.inner(area).width / count)
        .saturating_sub(1)
        .clamp(1, 12);
    let data: Vec<(&str, u64)> = data.iter().map(|(l, v)| (l.as_str(), *v)).collect();
    frame.render_widget(
        BarChart::default()
            .block(block)
            .data(data.as_slice())
            .bar_width(width)
            .bar_gap(1)
            .bar_style(theme::focused_border())
            .value_style(theme::selected()),
        area,
    );
}

fn draw_funnel(frame: &mut Frame<'_>, area: Rect, report: &FunnelReport) {
    let [table_area, chart] = Layout::vertical([
        Constraint::Length(report.stages.len() as u16 + 2),
        Constraint::Min(4),
    ])
    .areas(area);
    let stage_label = |code: &str| Stage::from_code(code).map_or(code.to_string(), |s| s.label());
    let mut rows: Vec<Row<'static>> = report
        .stages
        .iter()
        .map(|s| {
            Row::new(vec![
                stage_label(&s.stage),
                s.at_stage.to_string(),
                s.reached.to_string(),
                pct(s.conversion_pct),
            ])
        })
        .collect();
    rows.push(Row::new(vec![Stage::Lost.label(), report.lost.to_string()]).style(theme::dim()));
    frame.render_widget(
        Table::new(
            rows,
            [
                Constraint::Length(20),
                Constraint::Length(16),
                Constraint::Length(8),
                Constraint::Length(20),
            ],
        )
        .header(header(vec![
            tr("report.stage"),
            tr("report.at_stage"),
            tr("report.reached"),
            tr("report.stage_conversion"),
        ])),
        table_area,
    );
    let data: Vec<(String, u64)> = report
        .stages
        .iter()
        .map(|s| (stage_label(&s.stage), s.reached.max(0) as u64))
        .collect();
    bars(frame, chart, &tr("report.chart_funnel"), &data);
}

fn draw_sources(frame: &mut Frame<'_>, area: Rect, report: &SourcesReport) {
    let widths = [
        Constraint::Fill(2),
        Constraint::Length(5),
        Constraint::Length(9),
        Constraint::Length(9),
        Constraint::Fill(2),
        Constraint::Fill(2),
        Constraint::Fill(2),
    ];
    // The source column's real width, so that a long name ends in "…", not mid-word.
    let source_width = Layout::horizontal(widths)
        .spacing(1)
        .split(Rect::new(0, 0, area.width, 1))[0]
        .width as usize;
    let rows: Vec<Row<'static>> = report
        .sources
        .iter()
        .map(|s| {
            let mut cells = source_cells(s);
            cells[0] = super::fit(&cells[0], source_width);
            Row::new(cells)
        })
        .collect();
    frame.render_widget(
        Table::new(rows, widths).header(header(vec![
            tr("report.source"),
            tr("report.leads"),
            tr("report.converted"),
            tr("report.conversion_short"),
            tr("report.revenue"),
            tr("report.cost"),
            tr("report.cpa_short"),
        ])),
        area,
    );
    if report.sources.is_empty() {
        let [_, note] = Layout::vertical([Constraint::Length(1), Constraint::Min(1)]).areas(area);
        frame.render_widget(
            Paragraph::new(Span::styled(tr("report.no_leads"), theme::dim())),
            note,
        );
    }
}
