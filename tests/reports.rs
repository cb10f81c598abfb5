//! Reports on a small base whose every figure is worked out by hand below.
//!
//! The base is built through the command line. The CLI stamps clients, contacts and
//! archiving with the present moment, so the test then moves those instants into
//! March 2026 (orders take their date from `--date`, at local noon).
//!
//! Period: 2026-03-01 … 2026-03-31; previous period of the same length (31 days):
//! 2026-01-29 … 2026-02-28.
//!
//! alice (manager):
//!   A1 Anna   website, Kazan; created 03-02 10:00, call 10:30 (30 min);
//!             order 03-05 1000.00 × 2 items; stage won (by the order)
//!   A2 Boris  website; created 03-03 09:00, call 09:10 (10 min) NPS 10;
//!             stage proposal
//!   A3 Vera   smm; created 03-04 12:00, never answered; archived 03-20 (price)
//!   A4 Gleb   created 01-10; orders 02-10 500.00 × 1 and 03-15 300.00 × 1;
//!             call 03-15 NPS 5
//!   A5 Dina   created 01-12; order 02-12 200.00; a cancelled order 03-16 9999.00
//!   A6 Egor   no source; created 03-06 08:00, call 09:00 (60 min);
//!             order 04-02 700.00 (after the period); stage contacted
//! bob (manager):
//!   B1 Petr   website; created 03-07 11:00, call 11:20 (20 min) NPS 9;
//!             order 03-08 4000.00 × 4 items
//!   B2 Olga   no source; created 03-09 15:00, never answered; archived 03-25 (competitor)
//! Campaigns (boss): "Spring site" website 300.00 from 03-01; "Old smm" smm 50.00
//! from 02-01 (before the period: not counted).

mod common;

use chrono::{Local, NaiveDate, TimeZone};
use clientbook::domain::codes::Role;
use clientbook::i18n::{set_language, Lang};
use clientbook::store::reports::{ReportOptions, SourceRow};
use clientbook::store::{Store, StoreError};
use clientbook::tui::app::{App, Modal};
use clientbook::tui::reports_view::{ReportPage, ReportsView};
use common::Sandbox;
use serde_json::{json, Value};

const PERIOD: [&str; 4] = ["--from", "2026-03-01", "--to", "2026-03-31"];

/// A local date and time in UTC milliseconds, as the binary stores it.
fn at(month: u32, day: u32, hour: u32, minute: u32) -> i64 {
    let naive = NaiveDate::from_ymd_opt(2026, month, day)
        .unwrap()
        .and_hms_opt(hour, minute, 0)
        .unwrap();
    Local
        .from_local_datetime(&naive)
        .earliest()
        .unwrap()
        .timestamp_millis()
}

struct Base {
    sb: Sandbox,
}

impl Base {
    fn sql(&self, sql: &str, params: &[&dyn rusqlite::ToSql]) {
        let conn = rusqlite::Connection::open(&self.sb.db).unwrap();
        let changed = conn.execute(sql, params).unwrap();
        assert!(changed > 0, "{sql} changed nothing");
    }

    fn created(&self, number: &str, ms: i64) {
        self.sql(
            "UPDATE clients SET created_at = ?1 WHERE number = ?2",
            &[&ms, &number],
        );
    }

    /// Logs a call as `login` and moves it to `ms`.
    fn call(&self, login: &str, number: &str, ms: i64, nps: Option<&str>) {
        let mut args = vec!["log", number, "--kind", "call"];
        if let Some(nps) = nps {
            args.extend(["--nps", nps]);
        }
        self.sb.ok_as(login, &args);
        self.sql(
            "UPDATE interactions SET at = ?1 WHERE id = (SELECT max(id) FROM interactions)",
            &[&ms],
        );
    }

    fn order(&self, login: &str, number: &str, date: &str, amount: &str, extra: &[&str]) {
        let mut args = vec!["order", "add", number, "--amount", amount, "--date", date];
        args.extend_from_slice(extra);
        self.sb.ok_as(login, &args);
    }

    fn archive(&self, login: &str, number: &str, reason: &str, ms: i64) {
        self.sb
            .ok_as(login, &["client", "archive", number, "--reason", reason]);
        self.sql(
            "UPDATE clients SET archived_at = ?1 WHERE number = ?2",
            &[&ms, &number],
        );
    }
}

fn base() -> Base {
    let sb = Sandbox::new();
    sb.team();
    let b = Base { sb };
    let sb = &b.sb;
    let a1 = sb.add_client(
        "alice",
        &["--name", "Anna A", "--source", "website", "--city", "Kazan"],
    );
    let a2 = sb.add_client("alice", &["--name", "Boris B", "--source", "website"]);
    let a3 = sb.add_client("alice", &["--name", "Vera V", "--source", "smm"]);
    let a4 = sb.add_client("alice", &["--name", "Gleb G"]);
    let a5 = sb.add_client("alice", &["--name", "Dina D"]);
    let a6 = sb.add_client("alice", &["--name", "Egor E"]);
    let b1 = sb.add_client("bob", &["--name", "Petr P", "--source", "website"]);
    let b2 = sb.add_client("bob", &["--name", "Olga O"]);

    b.created(&a1, at(3, 2, 10, 0));
    b.call("alice", &a1, at(3, 2, 10, 30), None);
    b.order("alice", &a1, "2026-03-05", "1000", &["--items", "2"]);

    b.created(&a2, at(3, 3, 9, 0));
    b.call("alice", &a2, at(3, 3, 9, 10), Some("10"));
    sb.ok_as("alice", &["client", "edit", &a2, "--stage", "proposal"]);

    b.created(&a3, at(3, 4, 12, 0));
    b.archive("alice", &a3, "price", at(3, 20, 12, 0));

    b.created(&a4, at(1, 10, 12, 0));
    b.order("alice", &a4, "2026-02-10", "500", &[]);
    b.order("alice", &a4, "2026-03-15", "300", &[]);
    b.call("alice", &a4, at(3, 15, 13, 0), Some("5"));

    b.created(&a5, at(1, 12, 12, 0));
    b.order("alice", &a5, "2026-02-12", "200", &[]);
    b.order(
        "alice",
        &a5,
        "2026-03-16",
        "9999",
        &["--status", "cancelled"],
    );

    b.created(&a6, at(3, 6, 8, 0));
    b.call("alice", &a6, at(3, 6, 9, 0), None);
    b.order("alice", &a6, "2026-04-02", "700", &[]);
    // The April order won the deal; in March Egor was only contacted.
    sb.ok_as("alice", &["client", "edit", &a6, "--stage", "contacted"]);

    b.created(&b1, at(3, 7, 11, 0));
    b.call("bob", &b1, at(3, 7, 11, 20), Some("9"));
    b.order("bob", &b1, "2026-03-08", "4000", &["--items", "4"]);

    b.created(&b2, at(3, 9, 15, 0));
    b.archive("bob", &b2, "competitor", at(3, 25, 12, 0));

    sb.ok_as(
        "boss",
        &[
            "campaign",
            "add",
            "Spring site",
            "--cost",
            "300",
            "--source",
            "website",
            "--date",
            "2026-03-01",
        ],
    );
    sb.ok_as(
        "boss",
        &[
            "campaign",
            "add",
            "Old smm",
            "--cost",
            "50",
            "--source",
            "smm",
            "--date",
            "2026-02-01",
        ],
    );
    b
}

fn report(b: &Base, login: &str, kind: &str, team: bool) -> Value {
    let mut args = vec!["report", kind, "--json"];
    args.extend(PERIOD);
    if team {
        args.push("--team");
    }
    b.sb.json_as(login, &args)
}

/// The metrics that matter, in the JSON's words.
fn metrics_of(m: &Value) -> Value {
    let keys = [
        "leads",
        "converted",
        "conversion_pct",
        "orders",
        "revenue_minor",
        "average_check_minor",
        "items",
        "purchase_depth",
        "previous_buyers",
        "retained",
        "retention_pct",
        "buyers",
        "buyers_revenue_minor",
        "ltv_minor",
        "nps_scores",
        "promoters",
        "detractors",
        "nps",
        "answered",
        "unanswered",
        "median_response_minutes",
        "reasons",
    ];
    Value::Object(keys.iter().map(|k| (k.to_string(), m[k].clone())).collect())
}

/// alice: leads A1 A2 A3 A6 = 4; converted by 03-31: A1 only (A6's order is in
/// April) → 25.0 %. Orders in March: A1 1000.00 (2 items), A4 300.00 (1 item); A5's
/// is cancelled → 2 orders, 1300.00, average check 650.00, depth 3/2 = 1.5.
/// Retention: February buyers A4, A5; A4 bought again → 1/2 = 50.0 %.
/// LTV: buyers by 03-31 A1 (1000), A4 (800), A5 (200) → 2000.00 / 3 = 666.67.
/// NPS: 10 (promoter) and 5 (detractor) → (1 − 1)/2 = 0.
/// Response: 30, 10, 60 minutes → median 30; A3 never answered.
/// Leaving: A3, price.
fn alice_metrics() -> Value {
    json!({
        "leads": 4, "converted": 1, "conversion_pct": 25.0,
        "orders": 2, "revenue_minor": 130_000, "average_check_minor": 65_000,
        "items": 3, "purchase_depth": 1.5,
        "previous_buyers": 2, "retained": 1, "retention_pct": 50.0,
        "buyers": 3, "buyers_revenue_minor": 200_000, "ltv_minor": 66_667,
        "nps_scores": 2, "promoters": 1, "detractors": 1, "nps": 0,
        "answered": 3, "unanswered": 1, "median_response_minutes": 30.0,
        "reasons": [{"reason": "price", "clients": 1}],
    })
}

/// bob: leads B1 B2 = 2; converted B1 → 50.0 %. One order 4000.00 × 4 items →
/// average check 4000.00, depth 4. Nobody bought in February → no retention.
/// LTV 4000.00 / 1. NPS: one 9 → 100. Response: 20 minutes; B2 never answered.
/// Leaving: B2, competitor.
fn bob_metrics() -> Value {
    json!({
        "leads": 2, "converted": 1, "conversion_pct": 50.0,
        "orders": 1, "revenue_minor": 400_000, "average_check_minor": 400_000,
        "items": 4, "purchase_depth": 4.0,
        "previous_buyers": 0, "retained": 0, "retention_pct": null,
        "buyers": 1, "buyers_revenue_minor": 400_000, "ltv_minor": 400_000,
        "nps_scores": 1, "promoters": 1, "detractors": 0, "nps": 100,
        "answered": 1, "unanswered": 1, "median_response_minutes": 20.0,
        "reasons": [{"reason": "competitor", "clients": 1}],
    })
}

#[test]
fn every_metric_is_what_was_worked_out_by_hand() {
    let b = base();
    let alice = report(&b, "alice", "metrics", false);
    assert_eq!(metrics_of(&alice["totals"]), alice_metrics());
    assert_eq!(alice["previous_from"], "2026-01-29");
    assert_eq!(alice["previous_to"], "2026-02-28");
    assert_eq!(alice["managers"], json!([]));
    // Month over month, October to March: A4 and A5 came in January, February's
    // orders are A4's 500.00 and A5's 200.00.
    let months: Vec<Value> = alice["months"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| json!([m["month"], m["leads"], m["orders"], m["revenue_minor"]]))
        .collect();
    assert_eq!(
        months,
        [
            json!(["2025-10", 0, 0, 0]),
            json!(["2025-11", 0, 0, 0]),
            json!(["2025-12", 0, 0, 0]),
            json!(["2026-01", 2, 0, 0]),
            json!(["2026-02", 0, 2, 70_000]),
            json!(["2026-03", 4, 2, 130_000]),
        ]
    );

    // A manager's report never counts another manager's clients.
    let bob = report(&b, "bob", "metrics", false);
    assert_eq!(metrics_of(&bob["totals"]), bob_metrics());

    // The team: leads 6, converted 2 → 33.3 %; orders 3, 5300.00 → average check
    // 1766.67, depth 7/3 = 2.33; retention 1/2; LTV 6000.00 / 4 = 1500.00;
    // NPS (2 promoters − 1 detractor) / 3 = 33.3 → 33; response 10 20 30 60 →
    // median 25; two never answered; one left for price, one for a competitor.
    let team = report(&b, "boss", "metrics", true);
    assert_eq!(
        metrics_of(&team["totals"]),
        json!({
            "leads": 6, "converted": 2, "conversion_pct": 33.3,
            "orders": 3, "revenue_minor": 530_000, "average_check_minor": 176_667,
            "items": 7, "purchase_depth": 2.33,
            "previous_buyers": 2, "retained": 1, "retention_pct": 50.0,
            "buyers": 4, "buyers_revenue_minor": 600_000, "ltv_minor": 150_000,
            "nps_scores": 3, "promoters": 2, "detractors": 1, "nps": 33,
            "answered": 4, "unanswered": 2, "median_response_minutes": 25.0,
            "reasons": [
                {"reason": "competitor", "clients": 1},
                {"reason": "price", "clients": 1},
            ],
        })
    );
    // One row per manager, each the same as that manager's own report.
    let rows = team["managers"].as_array().unwrap();
    let logins: Vec<&str> = rows.iter().map(|r| r["login"].as_str().unwrap()).collect();
    assert_eq!(logins, ["alice", "bob", "boss"]);
    assert_eq!(metrics_of(&rows[0]), alice_metrics());
    assert_eq!(metrics_of(&rows[1]), bob_metrics());
    assert_eq!(rows[2]["leads"], 0);
    assert_eq!(rows[2]["conversion_pct"], Value::Null);
}

#[test]
fn funnel_and_sources_are_what_was_worked_out_by_hand() {
    let b = base();
    // alice's leads by stage now: A3 new (archived, never moved on), A6 contacted,
    // A2 proposal, A1 won. Reached: new 4, contacted 3, qualified 2, proposal 2,
    // negotiation 1, won 1 → 75.0, 66.7, 100.0, 50.0, 100.0 % from stage to stage.
    let funnel = report(&b, "alice", "funnel", false);
    let stages: Vec<Value> = funnel["stages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| json!([s["stage"], s["at_stage"], s["reached"], s["conversion_pct"]]))
        .collect();
    assert_eq!(
        stages,
        [
            json!(["new", 1, 4, null]),
            json!(["contacted", 1, 3, 75.0]),
            json!(["qualified", 0, 2, 66.7]),
            json!(["proposal", 1, 2, 100.0]),
            json!(["negotiation", 0, 1, 50.0]),
            json!(["won", 1, 1, 100.0]),
        ]
    );
    assert_eq!(funnel["leads"], 4);
    assert_eq!(funnel["lost"], 0);
    // The team adds B1 (won) and B2 (new): new 2, contacted 1, proposal 1, won 2.
    let team_funnel = report(&b, "boss", "funnel", true);
    let reached: Vec<&Value> = team_funnel["stages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| &s["reached"])
        .collect();
    assert_eq!(reached, [6, 4, 3, 3, 2, 2]);

    // alice's sources: smm A3 (no order; the smm campaign started in February);
    // website A1 A2, A1 converted with 1000.00 in March, the campaign cost 300.00 →
    // 300.00 per acquisition; no source: A6 (its order is in April).
    let sources = report(&b, "alice", "sources", false);
    let rows: Vec<SourceRow> = serde_json::from_value::<Vec<Value>>(sources["sources"].clone())
        .unwrap()
        .into_iter()
        .map(source_row)
        .collect();
    assert_eq!(
        rows,
        [
            row(Some("smm"), 1, 0, Some(0.0), 0, 0, None),
            row(
                Some("website"),
                2,
                1,
                Some(50.0),
                100_000,
                30_000,
                Some(30_000)
            ),
            row(None, 1, 0, Some(0.0), 0, 0, None),
        ]
    );
    // The team: website has B1 too → 3 leads, 2 converted (66.7 %), 5000.00, 300.00
    // / 2 = 150.00 per acquisition; no source: A6 and B2.
    let team = report(&b, "boss", "sources", true);
    let rows: Vec<SourceRow> = serde_json::from_value::<Vec<Value>>(team["sources"].clone())
        .unwrap()
        .into_iter()
        .map(source_row)
        .collect();
    assert_eq!(
        rows,
        [
            row(Some("smm"), 1, 0, Some(0.0), 0, 0, None),
            row(
                Some("website"),
                3,
                2,
                Some(66.7),
                500_000,
                30_000,
                Some(15_000)
            ),
            row(None, 2, 0, Some(0.0), 0, 0, None),
        ]
    );
}

fn row(
    source: Option<&str>,
    leads: i64,
    converted: i64,
    conversion_pct: Option<f64>,
    revenue_minor: i64,
    cost_minor: i64,
    cost_per_acquisition_minor: Option<i64>,
) -> SourceRow {
    SourceRow {
        source: source.map(str::to_string),
        leads,
        converted,
        conversion_pct,
        revenue_minor,
        cost_minor,
        cost_per_acquisition_minor,
    }
}

fn source_row(v: Value) -> SourceRow {
    row(
        v["source"].as_str(),
        v["leads"].as_i64().unwrap(),
        v["converted"].as_i64().unwrap(),
        v["conversion_pct"].as_f64(),
        v["revenue_minor"].as_i64().unwrap(),
        v["cost_minor"].as_i64().unwrap(),
        v["cost_per_acquisition_minor"].as_i64(),
    )
}

#[test]
fn a_plain_manager_gets_no_team_report_nor_enters_campaigns() {
    let b = base();
    for kind in ["metrics", "funnel", "sources"] {
        let mut args = vec!["report", kind, "--team"];
        args.extend(PERIOD);
        let run = b.sb.fail_as("alice", &args);
        assert!(
            run.stderr.contains("only a lead or an admin"),
            "{}",
            run.stderr
        );
    }
    b.sb.fail_as(
        "alice",
        &["campaign", "add", "Mine", "--cost", "10", "--source", "smm"],
    );
    // Tables for people name the metrics and the managers.
    let mut args = vec!["report", "metrics", "--team"];
    args.extend(PERIOD);
    let table = b.sb.ok_as("boss", &args);
    for words in [
        "conversion rate",
        "33.3%",
        "₽1,766.67",
        "alice",
        "bob",
        "Price",
    ] {
        assert!(table.contains(words), "{words} missing from:\n{table}");
    }
    let help = b.sb.ok_as("boss", &["report", "metrics", "--help"]);
    assert!(help.contains("retention rate: of the clients who ordered in the previous period"));
}

#[test]
fn a_condition_on_clients_narrows_every_figure() {
    let b = base();
    let store = Store::open_as_device(&b.sb.db, "report-test").unwrap();
    let alice = store.viewer(Some("alice")).unwrap();
    let day = |m, d| NaiveDate::from_ymd_opt(2026, m, d).unwrap();
    let options = ReportOptions {
        client_condition: Some((
            "c.city = ?".into(),
            vec![rusqlite::types::Value::Text("Kazan".into())],
        )),
        ..ReportOptions::new(day(3, 1), day(3, 31))
    };
    // Only A1 lives in Kazan: one lead, converted, one order of 1000.00.
    let m = store.metrics_report(&alice, &options).unwrap().totals;
    assert_eq!((m.leads, m.converted, m.orders), (1, 1, 1));
    assert_eq!((m.revenue_minor, m.ltv_minor), (100_000, Some(100_000)));
    assert_eq!(m.median_response_minutes, Some(30.0));
    assert_eq!(m.nps, None);
    let funnel = store.funnel_report(&alice, &options).unwrap();
    assert_eq!(funnel.leads, 1);
    let sources = store.sources_report(&alice, &options).unwrap();
    assert_eq!(sources.sources[0].source.as_deref(), Some("website"));
    assert_eq!(sources.sources[0].leads, 1);
    // A team report as a plain manager is the store's permission error.
    let team = ReportOptions {
        team: true,
        ..options
    };
    assert!(matches!(
        store.metrics_report(&alice, &team),
        Err(StoreError::NotAllowed)
    ));
}

fn render(app: &App, width: u16, height: u16) -> String {
    let mut terminal =
        ratatui::Terminal::new(ratatui::backend::TestBackend::new(width, height)).unwrap();
    terminal
        .draw(|f| clientbook::tui::view::draw(f, app))
        .unwrap();
    let buffer = terminal.backend().buffer().clone();
    let mut out = String::new();
    for y in 0..height {
        let mut line = String::new();
        for x in 0..width {
            line.push_str(buffer[(x, y)].symbol());
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

#[test]
fn the_reports_view_draws_tables_and_bars() {
    set_language(Lang::Ru);
    let b = base();
    let store = Store::open_as_device(&b.sb.db, "report-test").unwrap();
    let boss = store.viewer(Some("boss")).unwrap();
    let options = ReportOptions {
        team: true,
        ..ReportOptions::new(
            NaiveDate::from_ymd_opt(2026, 3, 1).unwrap(),
            NaiveDate::from_ymd_opt(2026, 3, 31).unwrap(),
        )
    };
    let mut view = ReportsView {
        metrics: store.metrics_report(&boss, &options).unwrap(),
        funnel: store.funnel_report(&boss, &options).unwrap(),
        sources: store.sources_report(&boss, &options).unwrap(),
        page: ReportPage::Metrics,
    };
    let viewer = clientbook::store::Viewer::for_tests("boss", "Boss", Role::Admin);
    let mut app = App::new(
        viewer,
        "base.db".into(),
        NaiveDate::from_ymd_opt(2026, 3, 31).unwrap(),
    );
    app.modal = Some(Modal::Reports(Box::new(view.clone())));
    let small = render(&app, 80, 24);
    assert!(small.contains("конверсия"), "{small}");
    insta::assert_snapshot!("reports_metrics_80x24", small);
    insta::assert_snapshot!("reports_metrics_100x30", render(&app, 100, 30));
    view.turn(true);
    app.modal = Some(Modal::Reports(Box::new(view.clone())));
    insta::assert_snapshot!("reports_funnel_100x30", render(&app, 100, 30));
    view.turn(true);
    app.modal = Some(Modal::Reports(Box::new(view)));
    insta::assert_snapshot!("reports_sources_80x24", render(&app, 80, 24));
}
