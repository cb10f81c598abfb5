//! Per-manager visibility (issue 3): a manager sees and changes only their own clients,
//! someone else's client is indistinguishable from a missing one, and only a lead or an
//! admin hands a client to another manager, which the client's history records.

mod common;

use common::{names, numbers, Sandbox};
use serde_json::Value;

/// boss (admin), alice and bob (managers); two clients each. Returns (alice's, bob's).
fn two_teams(sb: &Sandbox) -> (Vec<String>, Vec<String>) {
    sb.team();
    let alice = vec![
        sb.add_client(
            "alice",
            &["--name", "Anna Adams", "--phone", "+7 903 111-22-33"],
        ),
        sb.add_client("alice", &["--name", "Alex Allen", "--city", "Tver"]),
    ];
    let bob = vec![
        sb.add_client(
            "bob",
            &[
                "--name",
                "Boris Brown",
                "--phone",
                "+7 905 444-55-66",
                "--email",
                "boris@example.com",
                "--city",
                "Kazan",
                "--tag",
                "vip",
            ],
        ),
        sb.add_client("bob", &["--name", "Bella Baker"]),
    ];
    (alice, bob)
}

#[test]
fn a_manager_lists_only_her_own_clients() {
    let sb = Sandbox::new();
    let (alice, bob) = two_teams(&sb);

    let mut listed = numbers(&sb.list("alice", &[]));
    listed.sort();
    let mut expected = alice.clone();
    expected.sort();
    assert_eq!(listed, expected, "alice's list holds exactly her clients");

    let mut listed = numbers(&sb.list("bob", &[]));
    listed.sort();
    let mut expected = bob.clone();
    expected.sort();
    assert_eq!(listed, expected, "bob's list holds exactly his clients");

    // The admin sees everyone.
    assert_eq!(sb.list("boss", &[]).len(), 4);

    // Neither a search for bob's client's name, phone, e-mail or tag, nor a filter for
    // bob's clients, nor a segment shows alice any of them.
    for extra in [
        &["--search", "Brown"][..],
        &["--search", "89054445566"],
        &["--search", "boris@example.com"],
        &["--search", "vip"],
        &["--search", "Kazan"],
        &["--manager", "bob"],
        &["--segment", "prospect"],
    ] {
        let rows = sb.list("alice", extra);
        for n in numbers(&rows) {
            assert!(
                !bob.contains(&n),
                "`client list {}` as alice shows bob's client {n}",
                extra.join(" ")
            );
        }
        assert!(
            !names(&rows)
                .iter()
                .any(|name| name.contains("Brown") || name.contains("Baker")),
            "`client list {}` as alice shows a name of bob's: {:?}",
            extra.join(" "),
            names(&rows)
        );
    }
}

/// Every command that names a client, with `N` for its number.
const COMMANDS: &[&[&str]] = &[
    &["client", "show", "N"],
    &["client", "show", "N", "--json"],
    &["client", "edit", "N", "--city", "Omsk"],
    &["client", "edit", "N", "--phone", "+7 999 000-00-00"],
    &["log", "N", "--kind", "call", "--summary", "hello"],
    &["log", "N", "--kind", "call", "--next", "tomorrow"],
    &["order", "add", "N", "--amount", "100"],
    &["client", "archive", "N", "--reason", "price"],
    &["client", "restore", "N"],
    &["client", "forget", "N"],
    &["client", "assign", "N", "alice"],
    &["client", "assign", "N", "bob"],
    &["client", "consent", "N", "marketing", "given"],
];

fn with_number(args: &[&str], number: &str) -> Vec<String> {
    args.iter()
        .map(|a| {
            if *a == "N" {
                number.to_string()
            } else {
                a.to_string()
            }
        })
        .collect()
}

#[test]
fn someone_elses_client_is_the_same_as_a_missing_one_and_stays_unchanged() {
    let sb = Sandbox::new();
    let (_alice, bob) = two_teams(&sb);
    let target = &bob[0];
    // Give bob's client some history so that every part of the card is compared.
    sb.ok_as("bob", &["order", "add", target, "--amount", "250"]);
    sb.ok_as("bob", &["log", target, "--kind", "call", "--next", "+2w"]);
    let before = sb.card("boss", target);
    let changes_before = sb.change_count();

    for args in COMMANDS {
        let theirs = sb.fail_as("alice", &refs(&with_number(args, target)));
        let missing = sb.fail_as("alice", &refs(&with_number(args, "9999")));
        assert_eq!(
            theirs.code,
            missing.code,
            "`{}`: exit status differs for bob's client and a missing one",
            args.join(" ")
        );
        assert_eq!(
            theirs.stderr.replace(target.as_str(), "N"),
            missing.stderr.replace("9999", "N"),
            "`{}`: alice can tell bob's client from a missing one",
            args.join(" ")
        );
        assert!(
            theirs.stdout.is_empty(),
            "`{}` printed something about bob's client:\n{}",
            args.join(" "),
            theirs.stdout
        );
        assert!(
            !theirs.stderr.contains("Brown") && !theirs.stderr.contains("Boris"),
            "`{}` reveals the name: {}",
            args.join(" "),
            theirs.stderr
        );
    }

    assert_eq!(
        sb.card("boss", target),
        before,
        "bob's client changed after alice's attempts"
    );
    assert_eq!(
        sb.change_count(),
        changes_before,
        "alice's refused commands wrote to the change log"
    );
    assert_eq!(sb.card("bob", target)["manager"], "bob");
}

fn refs(args: &[String]) -> Vec<&str> {
    args.iter().map(String::as_str).collect()
}

#[test]
fn only_a_lead_or_admin_reassigns_and_the_history_shows_it() {
    let sb = Sandbox::new();
    let (alice, bob) = two_teams(&sb);
    let own = &alice[0];

    // A manager cannot hand her own client to someone else.
    let refused = sb.fail_as("alice", &["client", "assign", own, "bob"]);
    assert!(!refused.stderr.trim().is_empty());
    assert_eq!(sb.card("boss", own)["manager"], "alice");
    assert!(!numbers(&sb.list("bob", &[])).contains(own));

    // Nor can she add a client straight into bob's list.
    sb.fail_as(
        "alice",
        &["client", "add", "--name", "Zed Zero", "--manager", "bob"],
    );
    assert_eq!(sb.list("bob", &[]).len(), bob.len());

    // The admin can; the client moves from alice's list to bob's.
    sb.ok_as("boss", &["client", "assign", own, "bob"]);
    let card = sb.card("boss", own);
    assert_eq!(card["manager"], "bob");
    assert!(numbers(&sb.list("bob", &[])).contains(own));
    assert!(!numbers(&sb.list("alice", &[])).contains(own));
    sb.fail_as("alice", &["client", "show", own]);

    // The reassignment is in the client's history, with who did it.
    let history = card["history"].as_array().expect("history is a list");
    let entry = history
        .iter()
        .find(|e| e["fields"]["manager"] == "bob")
        .unwrap_or_else(|| panic!("no reassignment to bob in the history: {history:#?}"));
    assert_eq!(entry["actor"], "boss");

    // A lead may reassign too.
    sb.ok_as(
        "boss",
        &["manager", "add", "lena", "--name", "Lena", "--role", "lead"],
    );
    assert_eq!(sb.list("lena", &[]).len(), 4, "a lead sees everyone");
    sb.ok_as("lena", &["client", "assign", own, "alice"]);
    let history = sb.card("alice", own)["history"].clone();
    assert!(
        history
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["fields"]["manager"] == "alice" && e["actor"] == "lena"),
        "the lead's reassignment is not in the history: {history:#}"
    );
}

#[test]
fn a_managers_schedule_holds_none_of_anothers_clients() {
    let sb = Sandbox::new();
    let (alice, bob) = two_teams(&sb);
    sb.ok_as(
        "bob",
        &["log", &bob[1], "--kind", "call", "--next", "today"],
    );
    let day = sb.json_as("alice", &["schedule", "--json"]);
    let mut found = Vec::new();
    collect_numbers(&day, &mut found);
    for n in &bob {
        assert!(
            !found.contains(n),
            "alice's day shows bob's client {n}: {day:#}"
        );
    }
    assert!(
        alice.iter().all(|n| found.contains(n)),
        "alice's new leads are missing from her day: {day:#}"
    );
}

/// Every `client.number` anywhere in a JSON document.
fn collect_numbers(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(n)) = map.get("client").and_then(|c| c.get("number")) {
                out.push(n.clone());
            }
            map.values().for_each(|v| collect_numbers(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| collect_numbers(v, out)),
        _ => {}
    }
}

#[test]
fn a_reassigned_client_leaves_the_old_managers_list_search_and_day() {
    let sb = Sandbox::new();
    let (alice, _bob) = two_teams(&sb);
    let moved = &alice[0];
    sb.ok_as(
        "alice",
        &["log", moved, "--kind", "call", "--next", "today"],
    );
    sb.ok_as("boss", &["client", "assign", moved, "bob"]);

    assert!(sb.list("alice", &["--search", "Adams"]).is_empty());
    assert!(sb.list("alice", &["--search", "89031112233"]).is_empty());
    assert_eq!(
        numbers(&sb.list("bob", &["--search", "89031112233"])),
        std::slice::from_ref(moved)
    );

    // The contact that was due goes with the client.
    let mut alices_day = Vec::new();
    collect_numbers(
        &sb.json_as("alice", &["schedule", "--json"]),
        &mut alices_day,
    );
    assert!(!alices_day.contains(moved), "still in alice's day");
    let bobs_day = sb.json_as("bob", &["schedule", "--json"]);
    let due: Vec<&str> = bobs_day["due_today"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["client"]["number"].as_str().unwrap())
        .collect();
    assert_eq!(due, [moved.as_str()], "not due in bob's day: {bobs_day:#}");
    // One open task (the new-lead rule's contact was closed by the call).
    let tasks = sb.card("bob", moved)["tasks"].clone();
    let open = tasks
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["done_at"].is_null())
        .count();
    assert_eq!(open, 1, "{tasks:#}");
}
