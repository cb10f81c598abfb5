//! `demo` is deterministic for a seed and spread over managers; `bench` runs to the end
//! and reports its figures as JSON.

mod common;

use common::Sandbox;
use serde_json::Value;

fn demo_base(seed: &str) -> Sandbox {
    let sb = Sandbox::new();
    let init = sb.run(&["init", "--manager", "boss", "--name", "Boss"]);
    assert!(init.ok(), "{}", init.stderr);
    sb.ok_as(
        "boss",
        &[
            "demo",
            "--clients",
            "200",
            "--managers",
            "3",
            "--seed",
            seed,
        ],
    );
    sb
}

/// The parts of a listing that do not depend on when the demo was made.
fn stable(rows: &[Value]) -> Vec<Value> {
    rows.iter()
        .map(|r| {
            serde_json::json!({
                "number": r["number"],
                "name": r["name"],
                "kind": r["kind"],
                "company": r["company"],
                "phone": r["phone"],
                "city": r["city"],
                "orders_count": r["orders_count"],
                "total_spent_minor": r["total_spent_minor"],
            })
        })
        .collect()
}

fn managers(sb: &Sandbox) -> Vec<(String, String)> {
    sb.json_as("boss", &["manager", "list", "--json"])
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["login"].as_str().unwrap().to_string(),
                m["role"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn the_same_seed_gives_the_same_demo_base() {
    let first = demo_base("5");
    let second = demo_base("5");
    assert_eq!(managers(&first), managers(&second));
    let demo_managers: Vec<String> = managers(&first)
        .into_iter()
        .filter(|(login, _)| login != "boss")
        .map(|(login, _)| login)
        .collect();
    assert_eq!(demo_managers.len(), 3, "{demo_managers:?}");

    // Every manager's list is the same in both bases, and every client is someone's.
    let mut total = 0;
    for (login, _) in managers(&first) {
        let a = stable(&first.list(&login, &[]));
        let b = stable(&second.list(&login, &[]));
        assert_eq!(a, b, "{login}'s clients differ between two runs of seed 5");
        for segment in [&[][..], &["--segment", "archived"]] {
            let mut args = vec!["--manager", login.as_str()];
            args.extend_from_slice(segment);
            total += first.list("boss", &args).len();
        }
    }
    for login in &demo_managers {
        assert!(
            !first.list(login, &[]).is_empty(),
            "{login} got no demo clients"
        );
    }
    assert_eq!(
        total, 200,
        "the demo clients are not all spread over managers"
    );
    assert_eq!(
        stable(&first.list("boss", &[])),
        stable(&second.list("boss", &[]))
    );

    // Another seed gives another base.
    let other = demo_base("6");
    let login = &demo_managers[0];
    assert_ne!(
        stable(&first.list(login, &[])),
        stable(&other.list(login, &[]))
    );
}

#[test]
fn the_demo_base_has_work_for_today() {
    let sb = demo_base("5");
    let login = managers(&sb)
        .into_iter()
        .find(|(_, role)| role == "manager")
        .unwrap()
        .0;
    let day = sb.json_as(&login, &["schedule", "--json"]);
    let total = |section: &str| day[section]["total"].as_u64().unwrap_or(0);
    assert!(
        total("due_today") + total("overdue") > 0,
        "no contacts due in the demo: {day:#}"
    );
    let rows = sb.list(&login, &[]);
    assert!(rows.iter().any(|r| r["kind"] == "company"), "no B2B client");
    assert!(rows.iter().any(|r| r["kind"] == "person"), "no B2C client");
    assert!(rows.iter().any(|r| r["orders_count"].as_i64() > Some(0)));
}

#[test]
fn bench_prints_its_figures() {
    let sb = Sandbox::new();
    let out = sb.ok_as(
        "boss",
        &["bench", "--clients", "300", "--managers", "3", "--json"],
    );
    let report: Value = serde_json::from_str(&out).expect("bench printed JSON");
    let figures = report["figures"].as_array().expect("a figures array");
    assert!(
        figures.len() >= 6,
        "every operation of SPEC §8 that exists: {report:#}"
    );
    let memory = report["interface_peak_mib"]
        .as_f64()
        .expect("the interface's memory");
    assert!(memory > 1.0 && memory < 200.0, "{report:#}");
    for figure in figures {
        assert!(figure["operation"].as_str().is_some_and(|s| !s.is_empty()));
        assert!(figure["budget"].as_str().is_some_and(|s| !s.is_empty()));
        let median = figure["median_ms"].as_f64().expect("median_ms");
        let p99 = figure["p99_ms"].as_f64().expect("p99_ms");
        assert!(median >= 0.0 && p99 >= median, "{figure}");
        assert!(figure["within_budget"].is_boolean());
    }
    // The bench base is temporary: nothing is left behind, and no base was made.
    assert!(!sb.db.exists(), "bench wrote the --db base");
    let left: Vec<_> = std::fs::read_dir(sb.path().join("tmp")).unwrap().collect();
    assert!(left.is_empty(), "bench left files behind: {left:?}");
}
