//! `report`: data quality, and the reports of SPEC §6 — metrics, the funnel and lead
//! sources — for your clients or, with `--team`, everyone's with a row per manager.

use super::output::{print_json, table};
use crate::domain::codes::Stage;
use crate::domain::dates::{format_date, parse_date};
use crate::i18n::{language, tr, trf};
use crate::present::report::{decimal, metric_lines, money, pct, reason_label, source_cells};
use crate::store::reports::{MetricsReport, ReportOptions};
use crate::store::{Store, Viewer};
use clap::{Args, Subcommand};

#[derive(Debug, Subcommand)]
pub enum ReportCommand {
    Quality {
        #[arg(long)]
        json: bool,
    },
    Metrics(PeriodArgs),
    Funnel(PeriodArgs),
    Sources(PeriodArgs),
}

#[derive(Debug, Args)]
pub struct PeriodArgs {
    #[arg(long, value_name = "DATE")]
    pub from: Option<String>,
    #[arg(long, value_name = "DATE")]
    pub to: Option<String>,
    #[arg(long)]
    pub team: bool,
    #[command(flatten)]
    pub scope: super::segment::SegmentArgs,
    #[arg(long)]
    pub json: bool,
}

impl PeriodArgs {
    /// The period asked for; by default the last 30 days up to today.
    fn options(&self, store: &Store) -> anyhow::Result<ReportOptions> {
        let today = super::today();
        let to = match &self.to {
            Some(raw) => parse_date(raw, today)?,
            None => today,
        };
        let from = match &self.from {
            Some(raw) => parse_date(raw, today)?,
            None => ReportOptions::last_30_days(to).from,
        };
        let mut options = ReportOptions {
            team: self.team,
            ..ReportOptions::new(from, to)
        };
        store.narrow_report(&mut options, &self.scope.resolve(store)?)?;
        Ok(options)
    }
}

pub fn run(store: &Store, viewer: &Viewer, cmd: ReportCommand) -> anyhow::Result<()> {
    match cmd {
        ReportCommand::Quality { json } => quality(store, viewer, json),
        ReportCommand::Metrics(args) => {
            let report = store.metrics_report(viewer, &args.options(store)?)?;
            if args.json {
                return print_json(&report);
            }
            print_metrics(&report)?;
            Ok(())
        }
        ReportCommand::Funnel(args) => {
            let options = args.options(store)?;
            let report = store.funnel_report(viewer, &options)?;
            if args.json {
                return print_json(&report);
            }
            say!("{}", period_line(&options, report.team));
            let rows: Vec<Vec<String>> = report
                .stages
                .iter()
                .map(|s| {
                    vec![
                        Stage::from_code(&s.stage).map_or(s.stage.clone(), |st| st.label()),
                        s.at_stage.to_string(),
                        s.reached.to_string(),
                        pct(s.conversion_pct),
                    ]
                })
                .chain(std::iter::once(vec![
                    Stage::Lost.label(),
                    report.lost.to_string(),
                    String::new(),
                    String::new(),
                ]))
                .collect();
            say!(
                "{}",
                table(
                    &[
                        tr("report.stage"),
                        tr("report.at_stage"),
                        tr("report.reached"),
                        tr("report.stage_conversion"),
                    ],
                    &rows
                )
            );
            Ok(())
        }
        ReportCommand::Sources(args) => {
            let options = args.options(store)?;
            let report = store.sources_report(viewer, &options)?;
            if args.json {
                return print_json(&report);
            }
            say!("{}", period_line(&options, report.team));
            let rows: Vec<Vec<String>> = report.sources.iter().map(source_cells).collect();
            say!(
                "{}",
                table(
                    &[
                        tr("report.source"),
                        tr("report.leads"),
                        tr("report.converted"),
                        tr("report.conversion"),
                        tr("report.revenue"),
                        tr("report.cost"),
                        tr("report.cpa"),
                    ],
                    &rows
                )
            );
            Ok(())
        }
    }
}

fn period_line(options: &ReportOptions, team: bool) -> String {
    let lang = language();
    trf(
        if team {
            "report.period_team"
        } else {
            "report.period"
        },
        &[
            ("from", &format_date(options.from, lang)),
            ("to", &format_date(options.to, lang)),
        ],
    )
}

fn print_metrics(report: &MetricsReport) -> anyhow::Result<()> {
    let options = ReportOptions::new(report.from, report.to);
    say!("{}", period_line(&options, report.team));
    let lang = language();
    say!(
        "{}",
        trf(
            "report.previous",
            &[
                ("from", &format_date(report.previous_from, lang)),
                ("to", &format_date(report.previous_to, lang)),
            ]
        )
    );
    let rows: Vec<Vec<String>> = metric_lines(&report.totals)
        .into_iter()
        .map(|(name, value)| vec![name, value])
        .collect();
    say!(
        "{}",
        table(&[tr("report.metric"), tr("report.value")], &rows)
    );
    say!();
    let reasons: Vec<Vec<String>> = report
        .totals
        .reasons
        .iter()
        .map(|r| vec![reason_label(r.reason.as_deref()), r.clients.to_string()])
        .collect();
    if reasons.is_empty() {
        say!("{}", tr("report.no_leaving"));
    } else {
        say!(
            "{}",
            table(&[tr("report.reason"), tr("report.clients")], &reasons)
        );
    }
    if !report.managers.is_empty() {
        say!();
        let rows: Vec<Vec<String>> = report
            .managers
            .iter()
            .map(|row| {
                let m = &row.metrics;
                vec![
                    row.login.clone(),
                    m.leads.to_string(),
                    pct(m.conversion_pct),
                    m.orders.to_string(),
                    money(m.revenue_minor),
                    m.average_check_minor.map_or("—".into(), money),
                    decimal(m.purchase_depth, 2),
                    pct(m.retention_pct),
                    m.ltv_minor.map_or("—".into(), money),
                    m.nps.map_or("—".into(), |n| n.to_string()),
                    decimal(m.median_response_minutes, 1),
                    m.unanswered.to_string(),
                ]
            })
            .collect();
        say!(
            "{}",
            table(
                &[
                    tr("report.manager"),
                    tr("report.leads"),
                    tr("report.conversion_short"),
                    tr("report.orders"),
                    tr("report.revenue"),
                    tr("report.average_check_short"),
                    tr("report.depth_short"),
                    tr("report.retention_short"),
                    tr("report.ltv"),
                    tr("report.nps"),
                    tr("report.response_short"),
                    tr("report.unanswered_short"),
                ],
                &rows
            )
        );
    }
    say!();
    let months: Vec<Vec<String>> = report
        .months
        .iter()
        .map(|m| {
            vec![
                m.month.clone(),
                m.leads.to_string(),
                m.orders.to_string(),
                money(m.revenue_minor),
            ]
        })
        .collect();
    say!(
        "{}",
        table(
            &[
                tr("report.month"),
                tr("report.leads"),
                tr("report.orders"),
                tr("report.revenue"),
            ],
            &months
        )
    );
    Ok(())
}

fn quality(store: &Store, viewer: &Viewer, json: bool) -> anyhow::Result<()> {
    let report = store.quality_report(viewer)?;
    if json {
        return print_json(&report);
    }
    say!("{}", trf("quality.header", &[("clients", &report.clients)]));
    let rows: Vec<Vec<String>> = report
        .issues
        .iter()
        .map(|i| {
            let mut numbers = i.numbers.join(", ");
            if i.clients as usize > i.numbers.len() {
                numbers.push_str(", …");
            }
            vec![i.issue.label(), i.clients.to_string(), numbers]
        })
        .collect();
    say!(
        "{}",
        table(
            &[
                tr("quality.column_issue"),
                tr("quality.column_clients"),
                tr("quality.column_numbers")
            ],
            &rows
        )
    );
    Ok(())
}
