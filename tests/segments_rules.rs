//! Segments, loyalty tiers and follow-up rules (SPEC §1, §6) through the command line:
//! a saved segment lists exactly its clients, for each viewer; export takes the same
//! clients; a tier change is in the history; rules make one contact and never two.

mod common;

use common::{numbers, Sandbox};
use serde_json::Value;

fn days_ago(days: i64) -> String {
    (chrono::Local::now().date_naive() - chrono::Duration::days(days)).to_string()
}

/// A client of `login` in `city` with one order of `amount` roubles `days` ago.
fn buyer(sb: &Sandbox, login: &str, name: &str, city: &str, amount: &str, days: i64) -> String {
    let number = sb.add_client(login, &["--name", name, "--city", city]);
    sb.ok_as(
        login,
        &[
            "order",
            "add",
            &number,
            "--amount",
            amount,
            "--date",
            &days_ago(days),
        ],
    );
    number
}

fn tasks_by_rule(card: &Value, rule: &str) -> Vec<Value> {
    card["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["rule"] == rule)
        .cloned()
        .collect()
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

#[test]
fn a_saved_segment_of_three_criteria_lists_exactly_its_clients() {
    let sb = Sandbox::new();
    sb.team();
    // Gold is 100 000 ₽ or more in the last 12 months (assets/settings.toml).
    let gold_quiet = buyer(&sb, "alice", "Анна Золотова", "Москва", "150000", 120);
    let gold_recent = buyer(&sb, "alice", "Борис Недавний", "Москва", "150000", 10);
    let gold_elsewhere = buyer(&sb, "alice", "Вера Казанская", "Казань", "150000", 120);
    let silver_quiet = buyer(&sb, "alice", "Глеб Серебров", "москва", "50000", 120);
    let gold_capitals = buyer(&sb, "alice", "Дарья Прописная", "МОСКВА", "200000", 100);
    let bobs_gold = buyer(&sb, "bob", "Егор Бобов", "Москва", "150000", 120);

    sb.ok_as(
        "alice",
        &[
            "segment",
            "save",
            "Золото Москвы",
            "tier:gold",
            "city:Москва",
            "last-order:<90d",
        ],
    );
    let expected = sorted(vec![gold_quiet.clone(), gold_capitals.clone()]);
    let listed = sorted(numbers(&sb.list("alice", &["--segment", "Золото Москвы"])));
    assert_eq!(listed, expected);
    for other in [&gold_recent, &gold_elsewhere, &silver_quiet, &bobs_gold] {
        assert!(!listed.contains(other));
    }

    // The same segment counts each viewer's own clients.
    let alices = sb.json_as("alice", &["segment", "list", "--json"]);
    assert_eq!(alices[0]["name"], "Золото Москвы");
    assert_eq!(alices[0]["clients"], 2);
    let bobs = sb.json_as("bob", &["segment", "list", "--json"]);
    assert_eq!(bobs[0]["clients"], 1);
    assert_eq!(
        numbers(&sb.list("bob", &["--segment", "Золото Москвы"])),
        std::slice::from_ref(&bobs_gold)
    );

    // Export gives the same clients.
    let exported = sb.json_as(
        "alice",
        &["export", "--format", "json", "--segment", "Золото Москвы"],
    );
    let exported: Vec<String> = exported
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["number"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(sorted(exported), expected);

    // Reports take the same segment: alice's two clients of it, bob's one.
    let report = sb.json_as(
        "alice",
        &["report", "metrics", "--segment", "Золото Москвы", "--json"],
    );
    assert_eq!(report["totals"]["leads"], 2, "{report:#}");
    assert_eq!(report["totals"]["buyers"], 2, "{report:#}");
    let report = sb.json_as(
        "bob",
        &["report", "metrics", "--segment", "Золото Москвы", "--json"],
    );
    assert_eq!(report["totals"]["leads"], 1, "{report:#}");

    // A negated term keeps the clients the field is blank for.
    let nowhere = sb.add_client("alice", &["--name", "Лев Бездомный"]);
    let not_moscow = numbers(&sb.list("alice", &["--filter", "-city:москва"]));
    assert!(not_moscow.contains(&nowhere) && not_moscow.contains(&gold_elsewhere));
    assert!(!not_moscow.contains(&gold_quiet) && !not_moscow.contains(&silver_quiet));

    // The tier is in the list.
    let rows = sb.list("alice", &["--filter", "tier:gold"]);
    assert_eq!(rows.len(), 4);
    assert!(rows.iter().all(|r| r["tier"] == "gold"));
}

#[test]
fn a_filter_term_that_does_not_read_is_named() {
    let sb = Sandbox::new();
    sb.team();
    for (filter, term) in [
        ("tier:gold colour:red", "colour:red"),
        ("tier:platinum", "tier:platinum"),
        ("last-order:<2026-02-30", "last-order:<2026-02-30"),
        ("spent:много..", "spent:много.."),
    ] {
        let run = sb.fail_as("alice", &["client", "list", "--filter", filter]);
        assert!(run.stderr.contains(term), "{filter}: {}", run.stderr);
    }
    let run = sb.fail_as(
        "alice",
        &["segment", "save", "x", "city:Москва", "age:50..20"],
    );
    assert!(run.stderr.contains("age:50..20"), "{}", run.stderr);
    assert!(sb
        .json_as("alice", &["segment", "list", "--json"])
        .as_array()
        .unwrap()
        .is_empty());
    let run = sb.fail_as("alice", &["client", "list", "--segment", "Нет такого"]);
    assert!(run.stderr.contains("Нет такого"), "{}", run.stderr);
}

#[test]
fn a_tier_change_is_in_the_clients_history() {
    let sb = Sandbox::new();
    sb.team();
    let client = buyer(&sb, "alice", "Жанна Растущая", "Омск", "5000", 3);
    let card = sb.card("alice", &client);
    assert_eq!(card["tier"], "bronze");
    sb.ok_as("alice", &["order", "add", &client, "--amount", "120000"]);
    let card = sb.card("alice", &client);
    assert_eq!(card["tier"], "gold");
    let changes: Vec<(Value, Value)> = card["history"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|h| h["entity"] == "tier")
        .map(|h| (h["fields"]["from"].clone(), h["fields"]["to"].clone()))
        .collect();
    assert_eq!(
        changes,
        [
            (Value::from("bronze"), Value::from("gold")),
            (Value::Null, Value::from("bronze")),
        ]
    );
}

#[test]
fn an_order_makes_one_follow_up_and_running_the_rules_again_makes_none() {
    let sb = Sandbox::new();
    sb.team();
    let client = buyer(&sb, "alice", "Зоя Покупкина", "Тверь", "3000", 0);
    let card = sb.card("alice", &client);
    let follow_ups = tasks_by_rule(&card, "after_order");
    assert_eq!(follow_ups.len(), 1, "{card:#}");
    // 14 days after the order (assets/settings.toml).
    let due = follow_ups[0]["due_at"].as_str().unwrap();
    let in_two_weeks = chrono::Local::now().date_naive() + chrono::Duration::days(14);
    let due_local = chrono::DateTime::parse_from_rfc3339(due)
        .unwrap()
        .with_timezone(&chrono::Local)
        .date_naive();
    assert_eq!(due_local, in_two_weeks);
    // The new lead got its contact at once, too.
    assert_eq!(tasks_by_rule(&card, "new_lead").len(), 1);

    for _ in 0..2 {
        let run = sb.json_as("alice", &["rules", "run", "--json"]);
        assert_eq!(run["after_order"], 0, "{run}");
        assert_eq!(run["new_lead"], 0, "{run}");
    }
    let card = sb.card("alice", &client);
    assert_eq!(tasks_by_rule(&card, "after_order").len(), 1);

    // Switched off, the rule stops.
    sb.ok_as("boss", &["settings", "rule_after_order", "0"]);
    sb.ok_as("boss", &["settings", "rule_new_lead", "0"]);
    let quiet = buyer(&sb, "alice", "Ирина Тихая", "Тверь", "3000", 0);
    let card = sb.card("alice", &quiet);
    assert!(tasks_by_rule(&card, "after_order").is_empty(), "{card:#}");
    assert!(tasks_by_rule(&card, "new_lead").is_empty(), "{card:#}");
    let run = sb.json_as("alice", &["rules", "run", "--json"]);
    assert_eq!(run["after_order"], 0);
}

#[test]
fn a_birthday_tomorrow_gets_one_greeting_by_the_preferred_channel() {
    let sb = Sandbox::new();
    sb.team();
    let tomorrow = chrono::Local::now().date_naive() + chrono::Duration::days(1);
    let born = chrono::Datelike::with_year(&tomorrow, 1990);
    // 29 February has no 1990: nothing to check on such a day.
    let Some(born) = born else { return };
    let client = sb.add_client(
        "alice",
        &[
            "--name",
            "Кира Именинница",
            "--birthday",
            &born.to_string(),
            "--channel",
            "messenger",
        ],
    );
    let first = sb.json_as("alice", &["rules", "run", "--json"]);
    assert_eq!(first["birthday"], 1, "{first}");
    let again = sb.json_as("alice", &["rules", "run", "--json"]);
    assert_eq!(again["birthday"], 0, "{again}");
    let card = sb.card("alice", &client);
    let greetings = tasks_by_rule(&card, "birthday");
    assert_eq!(greetings.len(), 1, "{card:#}");
    assert_eq!(greetings[0]["channel"], "messenger");
}

#[test]
fn a_withdrawn_marketing_consent_takes_the_client_out_of_mailing_at_once() {
    let sb = Sandbox::new();
    sb.team();
    let client = sb.add_client(
        "alice",
        &["--name", "Майя Подписчица", "--email", "maya@example.ru"],
    );
    sb.ok_as(
        "alice",
        &[
            "client",
            "consent",
            &client,
            "marketing",
            "given",
            "--form",
            "web",
        ],
    );
    let mailing = |sb: &Sandbox| -> Vec<String> {
        sb.json_as("alice", &["export", "--format", "json", "--mailing"])
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["number"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(mailing(&sb), std::slice::from_ref(&client));
    assert_eq!(
        numbers(&sb.list("alice", &["--filter", "consent:marketing"])),
        std::slice::from_ref(&client)
    );
    sb.ok_as(
        "alice",
        &[
            "client",
            "consent",
            &client,
            "marketing",
            "withdrawn",
            "--form",
            "written",
        ],
    );
    assert!(mailing(&sb).is_empty());
    assert!(sb
        .list("alice", &["--filter", "consent:marketing"])
        .is_empty());
    assert!(sb.list("alice", &["--segment", "mailing"]).is_empty());
    // No consent to processing at all: the quality report says so.
    let quality = sb.json_as("alice", &["report", "quality", "--json"]);
    let issue = quality["issues"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["issue"] == "no_processing_consent")
        .cloned()
        .unwrap();
    assert_eq!(issue["clients"], 1, "{quality:#}");
}
