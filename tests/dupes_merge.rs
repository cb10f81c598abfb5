//! Duplicates (issue 5): `dupes` finds clients that are likely one, with the reason;
//! `merge KEEP OTHER` makes them one, through the change log, for the viewer's own
//! clients only.

mod common;

use common::Sandbox;
use serde_json::Value;

fn groups(sb: &Sandbox, login: &str) -> Vec<Value> {
    match sb.json_as(login, &["dupes", "--json"]) {
        Value::Array(groups) => groups,
        other => panic!("dupes printed {other}"),
    }
}

fn numbers_of(group: &Value) -> Vec<String> {
    group["clients"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["number"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn duplicates_are_found_with_their_reason_best_first() {
    let sb = Sandbox::new();
    sb.team();
    let a = sb.add_client(
        "alice",
        &["--name", "Петров Пётр", "--phone", "+7 916 000-00-01"],
    );
    let b = sb.add_client(
        "alice",
        &[
            "--name",
            "Petr Petrov",
            "--phone",
            "8 916 000 00 01",
            "--allow-duplicate",
        ],
    );
    let c = sb.add_client(
        "alice",
        &["--name", "Фёдорова Анна", "--birthday", "1990-01-01"],
    );
    let d = sb.add_client(
        "alice",
        &["--name", "ФЕДОРОВА АННА", "--birthday", "01.01.1990"],
    );
    let e = sb.add_client("alice", &["--name", "Соловьёв Семён"]);
    let f = sb.add_client("alice", &["--name", "Семен Соловьев"]);
    sb.add_client("alice", &["--name", "Diaz Brian"]);
    sb.add_client("alice", &["--name", "Diaz Bryan"]);
    sb.add_client(
        "bob",
        &["--name", "Петров Пётр", "--phone", "+7 916 000-00-01"],
    );

    let found = groups(&sb, "alice");
    let reasons: Vec<&str> = found
        .iter()
        .map(|g| g["reason"].as_str().unwrap())
        .collect();
    assert_eq!(
        reasons,
        ["phone", "name_and_birthday", "similar_name"],
        "{found:#?}"
    );
    assert_eq!(
        numbers_of(&found[0]),
        [a, b],
        "bob's client with the same phone is not alice's"
    );
    assert_eq!(found[0]["value"], "+79160000001");
    assert_eq!(numbers_of(&found[1]), [c, d]);
    assert_eq!(numbers_of(&found[2]), [e, f]);
    let scores: Vec<u64> = found.iter().map(|g| g["score"].as_u64().unwrap()).collect();
    assert!(
        scores.windows(2).all(|w| w[0] >= w[1]),
        "ranked: {scores:?}"
    );
    // A lead sees the phone shared by alice's and bob's clients.
    let team = groups(&sb, "boss");
    assert_eq!(numbers_of(&team[0]).len(), 3);
}

#[test]
fn the_same_full_name_in_one_city_is_flagged_but_not_a_company_or_another_city() {
    let sb = Sandbox::new();
    sb.team();
    let mut zubovs = Vec::new();
    for _ in 0..3 {
        zubovs.push(sb.add_client("alice", &["--name", "Зубов Макар Ильич", "--city", "Тверь"]));
    }
    sb.add_client("alice", &["--name", "Зубов Макар Ильич", "--city", "Омск"]);
    sb.add_client("alice", &["--company", "Пятёрочка", "--city", "Тверь"]);
    sb.add_client("alice", &["--company", "Пятёрочка", "--city", "Тверь"]);
    let found = groups(&sb, "alice");
    let by_city: Vec<&Value> = found
        .iter()
        .filter(|g| g["reason"] == "name_and_city")
        .collect();
    assert_eq!(by_city.len(), 1, "{found:#?}");
    assert_eq!(numbers_of(by_city[0]), zubovs);
    assert!(by_city[0]["value"].as_str().unwrap().contains("Тверь"));
}

#[test]
fn merge_moves_everything_to_the_kept_client_and_leaves_a_tombstone() {
    let sb = Sandbox::new();
    sb.team();
    let keep = sb.add_client(
        "alice",
        &["--name", "Петров Пётр", "--phone", "+7 916 000-00-01"],
    );
    let other = sb.add_client(
        "alice",
        &[
            "--allow-duplicate",
            "--name",
            "Petr Petrov",
            "--phone",
            "8 916 000 00 01",
            "--phone",
            "+7 903 222-33-44",
            "--email",
            "petr@mail.ru",
            "--city",
            "Тверь",
            "--tag",
            "vip",
        ],
    );
    sb.ok_as("alice", &["order", "add", &other, "--amount", "1000"]);
    sb.ok_as(
        "alice",
        &[
            "log",
            &other,
            "--kind",
            "call",
            "--summary",
            "called",
            "--next",
            "+1w",
        ],
    );
    sb.ok_as("alice", &["order", "add", &keep, "--amount", "500"]);

    sb.ok_as("alice", &["merge", &keep, &other]);
    let card = sb.card("alice", &keep);
    assert_eq!(
        card["phones"],
        serde_json::json!(["+79160000001", "+79032223344"]),
        "every phone, once"
    );
    assert_eq!(card["emails"], serde_json::json!(["petr@mail.ru"]));
    assert_eq!(card["city"], "Тверь", "a blank field is filled");
    assert_eq!(card["tags"], serde_json::json!(["vip"]));
    assert_eq!(card["total_spent"], "1500.00", "orders moved");
    assert_eq!(card["orders_count"], 2);
    assert!(
        card["next_contact_at"].is_string(),
        "the scheduled contact moved"
    );
    let history = card["interactions"].as_array().unwrap();
    assert!(
        history.iter().any(|i| i["summary"] == "called"),
        "the call moved"
    );
    assert!(
        history
            .iter()
            .any(|i| i["summary"].as_str().is_some_and(|s| s.contains(&other))),
        "a history entry names the merged client: {history:#?}"
    );
    let gone = sb.fail_as("alice", &["client", "show", &other]);
    assert!(gone.stderr.contains(&other));
    assert_eq!(sb.list("alice", &[]).len(), 1);
    let conn = rusqlite::Connection::open(&sb.db).unwrap();
    let tombstone: i64 = conn
        .query_row(
            "SELECT deleted FROM clients WHERE number = ?1",
            [&other],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(tombstone, 1, "the merged client stays as a tombstone");
    let logged: i64 = conn
        .query_row(
            "SELECT count(*) FROM change_log WHERE op = 'delete' AND entity = 'client'
             AND row_uuid = (SELECT uuid FROM clients WHERE number = ?1)",
            [&other],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(logged, 1, "the tombstone is in the change log");
    assert!(groups(&sb, "alice").is_empty(), "no duplicates left");
}

#[test]
fn merging_someone_elses_client_is_the_same_as_merging_a_missing_one() {
    let sb = Sandbox::new();
    sb.team();
    let mine = sb.add_client("alice", &["--name", "Петров Пётр"]);
    let bobs = sb.add_client("bob", &["--name", "Петров Пётр"]);
    let changes = sb.change_count();
    let theirs = sb.fail_as("alice", &["merge", &mine, &bobs]);
    let missing = sb.fail_as("alice", &["merge", &mine, "9999"]);
    assert_eq!(
        theirs.stderr.replace(&bobs, "N"),
        missing.stderr.replace("9999", "N"),
        "the same error for someone else's client as for none"
    );
    assert_eq!(sb.change_count(), changes);
    sb.fail_as("alice", &["merge", &mine, &mine]);
}

#[test]
fn the_quality_report_counts_the_viewers_clients() {
    let sb = Sandbox::new();
    sb.team();
    let silent = sb.add_client("alice", &["--name", "Без Контактов"]);
    let consented = sb.add_client(
        "alice",
        &["--name", "Со Согласием", "--phone", "+7 916 000-00-05"],
    );
    sb.ok_as(
        "alice",
        &["client", "consent", &consented, "processing", "given"],
    );
    sb.add_client("bob", &["--name", "Bob Silent"]);
    // A phone stored before today's rules (written around the program).
    let conn = rusqlite::Connection::open(&sb.db).unwrap();
    conn.execute(
        "UPDATE contact_points SET value = '+7916' WHERE value = '+79160000005'",
        [],
    )
    .unwrap();
    drop(conn);
    let report = sb.json_as("alice", &["report", "quality", "--json"]);
    assert_eq!(report["clients"], 2);
    let issue = |code: &str| {
        report["issues"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["issue"] == code)
            .unwrap()
            .clone()
    };
    assert_eq!(issue("no_contact")["clients"], 1);
    assert_eq!(issue("no_contact")["numbers"], serde_json::json!([silent]));
    assert_eq!(
        issue("invalid_phone")["numbers"],
        serde_json::json!([consented])
    );
    assert_eq!(
        issue("no_processing_consent")["numbers"],
        serde_json::json!([silent])
    );
    assert_eq!(issue("stale")["clients"], 0);
}

#[test]
fn adding_a_client_with_a_phone_one_of_yours_has_names_that_client_first() {
    let sb = Sandbox::new();
    sb.team();
    let first = sb.add_client(
        "alice",
        &["--name", "Петров Пётр", "--phone", "+7 916 000-00-07"],
    );
    let twice = sb.fail_as(
        "alice",
        &[
            "client",
            "add",
            "--name",
            "Пётр Петров",
            "--phone",
            "8 (916) 000-00-07",
        ],
    );
    assert!(
        twice.stderr.contains(&first) && twice.stderr.contains("--allow-duplicate"),
        "{}",
        twice.stderr
    );
    sb.ok_as(
        "alice",
        &[
            "client",
            "add",
            "--name",
            "Пётр Петров",
            "--phone",
            "8 (916) 000-00-07",
            "--allow-duplicate",
        ],
    );
    // Another manager is told nothing of alice's client.
    sb.ok_as(
        "bob",
        &[
            "client",
            "add",
            "--name",
            "Петров Пётр",
            "--phone",
            "+7 916 000-00-07",
        ],
    );
}
