//! Bad input (issue 3, item 7): a date that does not exist, an ambiguous amount, a phone
//! with letters, an unknown manager, an unknown field, an NPS out of range, an unknown
//! archive reason. Each exits non-zero, names the bad value on stderr, and writes
//! nothing: the client's card, the list and the change log are as they were.

mod common;

use common::{numbers, Sandbox};

/// A base with one client of alice's, who has an order and a call logged already.
fn base() -> (Sandbox, String) {
    let sb = Sandbox::new();
    sb.team();
    let id = sb.add_client(
        "alice",
        &["--name", "Olga Orlova", "--phone", "+7 916 000-00-01"],
    );
    sb.ok_as("alice", &["order", "add", &id, "--amount", "99.90"]);
    sb.ok_as("alice", &["log", &id, "--kind", "call", "--next", "+1m"]);
    (sb, id)
}

/// Runs a command that must be refused and checks that nothing was written.
fn refused(sb: &Sandbox, login: &str, args: &[&str], id: &str, bad_value: &str) {
    let card = sb.card("boss", id);
    let list = sb.list("boss", &[]);
    let changes = sb.change_count();

    let run = sb.fail_as(login, args);
    assert!(
        run.stderr.contains(bad_value),
        "`{}`: stderr does not name {bad_value:?}:\n{}",
        args.join(" "),
        run.stderr
    );

    assert_eq!(
        sb.card("boss", id),
        card,
        "`{}` changed the client",
        args.join(" ")
    );
    assert_eq!(
        sb.list("boss", &[]),
        list,
        "`{}` changed the client list",
        args.join(" ")
    );
    assert_eq!(
        sb.change_count(),
        changes,
        "`{}` wrote to the change log",
        args.join(" ")
    );
}

#[test]
fn a_birthday_that_does_not_exist_adds_no_client() {
    let (sb, id) = base();
    refused(
        &sb,
        "alice",
        &["client", "add", "--name", "X", "--birthday", "31.02.2026"],
        &id,
        "31.02.2026",
    );
    refused(
        &sb,
        "alice",
        &["client", "add", "--name", "X", "--birthday", "2026-02-30"],
        &id,
        "2026-02-30",
    );
    assert_eq!(sb.list("alice", &[]).len(), 1);
}

#[test]
fn a_phone_with_letters_adds_no_client() {
    let (sb, id) = base();
    refused(
        &sb,
        "alice",
        &["client", "add", "--name", "X", "--phone", "8916abc4567"],
        &id,
        "8916abc4567",
    );
    assert_eq!(sb.list("alice", &[]).len(), 1);
}

#[test]
fn every_bad_field_of_a_new_client_is_reported_at_once() {
    let (sb, id) = base();
    let args = [
        "client",
        "add",
        "--name",
        "X",
        "--birthday",
        "31.02.2026",
        "--phone",
        "8916abc4567",
        "--email",
        "not-an-address",
    ];
    refused(&sb, "alice", &args, &id, "31.02.2026");
    let run = sb.fail_as("alice", &args);
    for value in ["8916abc4567", "not-an-address"] {
        assert!(
            run.stderr.contains(value),
            "{value} not named:\n{}",
            run.stderr
        );
    }
}

#[test]
fn an_ambiguous_amount_adds_no_order() {
    let (sb, id) = base();
    for amount in ["12,3.4", "1.234", "abc", "1.500.000"] {
        refused(
            &sb,
            "alice",
            &["order", "add", &id, "--amount", amount],
            &id,
            amount,
        );
    }
    refused(
        &sb,
        "alice",
        &["order", "add", &id, "--amount=-5"],
        &id,
        "-5",
    );
    assert_eq!(sb.card("alice", &id)["orders_count"], 1);
}

#[test]
fn an_unknown_manager_cannot_sign_in() {
    let (sb, id) = base();
    refused(&sb, "nobody", &["client", "list"], &id, "nobody");
    refused(
        &sb,
        "nobody",
        &["client", "add", "--name", "X"],
        &id,
        "nobody",
    );
    // Nor can a client be handed to one.
    refused(
        &sb,
        "boss",
        &["client", "assign", &id, "ghost"],
        &id,
        "ghost",
    );
    refused(
        &sb,
        "boss",
        &["client", "add", "--name", "X", "--manager", "ghost"],
        &id,
        "ghost",
    );
}

#[test]
fn an_unknown_field_changes_nothing() {
    let (sb, id) = base();
    refused(
        &sb,
        "alice",
        &["client", "edit", &id, "--colour", "red"],
        &id,
        "colour",
    );
    // Not even the good fields given with it.
    refused(
        &sb,
        "alice",
        &["client", "edit", &id, "--city", "Omsk", "--colour", "red"],
        &id,
        "colour",
    );
    refused(
        &sb,
        "alice",
        &[
            "client",
            "edit",
            &id,
            "--city",
            "Omsk",
            "--birthday",
            "31.02.1990",
        ],
        &id,
        "31.02.1990",
    );
    refused(
        &sb,
        "alice",
        &[
            "client",
            "edit",
            &id,
            "--city",
            "Omsk",
            "--phone",
            "8916abc4567",
        ],
        &id,
        "8916abc4567",
    );
}

#[test]
fn a_next_contact_on_a_date_that_does_not_exist_logs_nothing() {
    let (sb, id) = base();
    refused(
        &sb,
        "alice",
        &["log", &id, "--kind", "call", "--next", "31.02.2026"],
        &id,
        "31.02.2026",
    );
    refused(
        &sb,
        "alice",
        &["log", &id, "--kind", "call", "--next", "tomorrow 25:00"],
        &id,
        "25:00",
    );
}

#[test]
fn an_nps_out_of_range_logs_nothing() {
    let (sb, id) = base();
    refused(
        &sb,
        "alice",
        &["log", &id, "--kind", "call", "--nps", "11"],
        &id,
        "11",
    );
    // 0 and 10 are the bounds and are accepted.
    sb.ok_as("alice", &["log", &id, "--kind", "call", "--nps", "10"]);
    sb.ok_as("alice", &["log", &id, "--kind", "call", "--nps", "0"]);
    let card = sb.card("alice", &id);
    let scores: Vec<i64> = card["interactions"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|i| i["nps"].as_i64())
        .collect();
    assert!(scores.contains(&10) && scores.contains(&0), "{scores:?}");
}

#[test]
fn an_unknown_kind_of_contact_logs_nothing() {
    let (sb, id) = base();
    refused(&sb, "alice", &["log", &id, "--kind", "dance"], &id, "dance");
}

#[test]
fn an_unknown_archive_reason_archives_nothing() {
    let (sb, id) = base();
    refused(
        &sb,
        "alice",
        &["client", "archive", &id, "--reason", "whatever"],
        &id,
        "whatever",
    );
    assert!(sb.card("alice", &id)["archived_at"].is_null());
    assert_eq!(numbers(&sb.list("alice", &[])), [id]);
}
