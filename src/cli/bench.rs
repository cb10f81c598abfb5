//! `bench`: builds a temporary base of N demo clients over 20 managers and measures
//! the operations of SPEC §8 against their budgets. Never run as a timed test.

use super::output::{print_json, table};
use crate::i18n::{tr, trf};
use crate::store::demo::DemoOptions;
use crate::store::{ListQuery, Store};
use clap::Args;
use serde::Serialize;
use std::time::{Duration, Instant};

#[derive(Debug, Args)]
pub struct BenchArgs {
    #[arg(long, default_value_t = 1_000_000)]
    pub clients: usize,
    #[arg(long, default_value_t = 20)]
    pub managers: usize,
    /// Keep the generated base in this file (measured again, not rebuilt, if it exists).
    #[arg(long, value_name = "PATH")]
    pub keep: Option<std::path::PathBuf>,
    #[arg(long)]
    pub json: bool,
    /// Also print the slowest search queries.
    #[arg(long)]
    pub detail: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct Figure {
    pub operation: String,
    pub median_ms: f64,
    pub p99_ms: f64,
    pub budget: String,
    pub within_budget: bool,
}

/// Median and 99th percentile of repeated runs, in milliseconds.
pub fn measure(
    runs: usize,
    mut work: impl FnMut(usize) -> anyhow::Result<()>,
) -> anyhow::Result<(f64, f64)> {
    let mut times: Vec<Duration> = Vec::with_capacity(runs);
    for i in 0..runs {
        let start = Instant::now();
        work(i)?;
        times.push(start.elapsed());
    }
    times.sort();
    let at = |q: f64| times[((times.len() - 1) as f64 * q).round() as usize].as_secs_f64() * 1000.0;
    Ok((at(0.5), at(0.99)))
}

pub fn figure(operation: &str, (median, p99): (f64, f64), budget_ms: f64, on_p99: bool) -> Figure {
    let judged = if on_p99 { p99 } else { median };
    Figure {
        operation: tr(operation),
        median_ms: median,
        p99_ms: p99,
        budget: format!("{} {budget_ms} ms", if on_p99 { "p99 ≤" } else { "≤" }),
        within_budget: judged <= budget_ms,
    }
}

/// Resident memory of this process, from `/proc` where there is one.
pub fn resident_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let kb: f64 = status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()?;
    Some(kb / 1024.0)
}

pub fn run(args: &BenchArgs) -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let path = args
        .keep
        .clone()
        .unwrap_or_else(|| dir.path().join("bench.db"));
    let device = uuid::Uuid::new_v4().to_string();
    let build = Instant::now();
    // A kept base from an earlier run is measured again rather than rebuilt.
    let reuse = args.keep.is_some() && path.exists();
    if !reuse {
        let mut store = Store::open_as_device(&path, &device)?;
        let admin = store.init("admin", "Admin")?;
        let options = DemoOptions {
            clients: args.clients,
            managers: args.managers,
            seed: 7,
        };
        store.load_demo(&admin, options, |done| {
            if !args.json {
                eprint!(
                    "\r{}",
                    trf(
                        "bench.building",
                        &[("done", &done), ("total", &args.clients)]
                    )
                );
            }
        })?;
    }
    if !args.json && !reuse {
        eprintln!();
        eprintln!(
            "{}",
            trf(
                "bench.built",
                &[("seconds", &format!("{:.1}", build.elapsed().as_secs_f64()))]
            )
        );
    }
    let mut figures = Vec::new();

    let open = measure(5, |_| {
        let store = Store::open_as_device(&path, &device)?;
        let viewer = store.viewer(Some("ivanova"))?;
        store.list_clients(&viewer, &ListQuery::default(), None, 50)?;
        store.today_for(&viewer, super::today())?;
        Ok(())
    })?;
    figures.push(figure("bench.open", open, 100.0, false));

    let store = Store::open_as_device(&path, &device)?;
    let viewer = store.viewer(Some("ivanova"))?;
    let queries = [
        "ива",
        "елкин",
        "ёлкина",
        "петров",
        "ПЕЛАГЕЯ",
        "smith",
        "916",
        "8 (916) 12",
        "+7 903",
        "gmail",
        "рыбалка",
        "ооо",
        "сергеевич",
        "анна",
        "mail.ru",
        "кузнецова",
        "ромашка",
        "ал",
        "К",
        "zz",
        "qqq",
        "нет такого",
        "юрьевна",
        "olivia",
        "79161",
    ];
    let mut per_query: Vec<(f64, &str)> = Vec::new();
    let search = measure(queries.len() * 8, |i| {
        let text = queries[i % queries.len()];
        let q = ListQuery {
            search: text.to_string(),
            ..Default::default()
        };
        let start = Instant::now();
        store.list_clients(&viewer, &q, None, 50)?;
        per_query.push((start.elapsed().as_secs_f64() * 1000.0, text));
        Ok(())
    })?;
    if args.detail {
        per_query.sort_by(|a, b| b.0.total_cmp(&a.0));
        let mut seen = Vec::new();
        for (ms, text) in per_query {
            if !seen.contains(&text) && seen.len() < 8 {
                eprintln!("{ms:8.2} ms  {text}");
                seen.push(text);
            }
        }
    }
    figures.push(figure("bench.search", search, 10.0, true));

    let today = measure(50, |_| {
        store.today_for(&viewer, super::today())?;
        Ok(())
    })?;
    figures.push(figure("bench.today", today, 5.0, false));

    let mut cursor = None;
    let scroll = measure(200, |_| {
        let page = store.list_clients(&viewer, &ListQuery::default(), cursor.as_ref(), 50)?;
        cursor = page.next;
        Ok(())
    })?;
    figures.push(figure("bench.scroll", scroll, 5.0, false));

    let memory = resident_mib().unwrap_or(0.0);
    if args.json {
        return print_json(
            &serde_json::json!({ "clients": args.clients, "figures": figures, "resident_mib": memory }),
        );
    }
    let rows: Vec<Vec<String>> = figures
        .iter()
        .map(|f| {
            vec![
                f.operation.clone(),
                format!("{:.2}", f.median_ms),
                format!("{:.2}", f.p99_ms),
                f.budget.clone(),
                if f.within_budget {
                    tr("bench.ok")
                } else {
                    tr("bench.over")
                },
            ]
        })
        .collect();
    println!(
        "{}",
        trf(
            "bench.title",
            &[("clients", &args.clients), ("managers", &args.managers)]
        )
    );
    println!(
        "{}",
        table(
            &[
                tr("bench.operation"),
                tr("bench.median"),
                tr("bench.p99"),
                tr("bench.budget"),
                String::new()
            ],
            &rows
        )
    );
    println!(
        "{}",
        trf("bench.memory", &[("mib", &format!("{memory:.1}"))])
    );
    Ok(())
}
