//! What a manager records about a client and gets back: money to the kopeck, the
//! day's schedule, archiving with a reason, and forgetting a client (152-FZ).

mod common;

use common::{numbers, Sandbox};
use serde_json::Value;

#[test]
fn an_amount_comes_back_to_the_kopeck() {
    let sb = Sandbox::new();
    sb.team();
    let id = sb.add_client("alice", &["--name", "Mark Miller"]);

    sb.ok_as("alice", &["order", "add", &id, "--amount", "1500.50"]);
    let card = sb.card("alice", &id);
    assert_eq!(card["total_spent"], "1500.50");
    assert_eq!(card["total_spent_minor"], 150_050);
    assert_eq!(card["orders"][0]["amount"], "1500.50");
    assert_eq!(card["orders"][0]["amount_minor"], 150_050);

    // The way it is written in Russian is read the same.
    sb.ok_as("alice", &["order", "add", &id, "--amount", "1 500,50"]);
    let card = sb.card("alice", &id);
    assert_eq!(card["total_spent"], "3001.00");
    assert_eq!(card["total_spent_minor"], 300_100);
    assert_eq!(card["orders_count"], 2);

    // Amounts that add up badly in floating point add up exactly here.
    sb.ok_as("alice", &["order", "add", &id, "--amount", "0.10"]);
    sb.ok_as("alice", &["order", "add", &id, "--amount", "0,2"]);
    let card = sb.card("alice", &id);
    assert_eq!(card["total_spent"], "3001.30");
    assert_eq!(card["total_spent_minor"], 300_130);

    let row = &sb.list("alice", &[])[0];
    assert_eq!(row["total_spent_minor"], 300_130);
    assert_eq!(row["orders_count"], 4);
}

#[test]
fn archiving_keeps_the_client_with_the_reason() {
    let sb = Sandbox::new();
    sb.team();
    let id = sb.add_client("alice", &["--name", "Nina Nash"]);
    sb.ok_as(
        "alice",
        &[
            "client", "archive", &id, "--reason", "price", "--note", "too dear",
        ],
    );
    let card = sb.card("alice", &id);
    assert!(!card["archived_at"].is_null());
    assert_eq!(card["archive_reason"], "price");
    assert!(card["segments"]
        .as_array()
        .unwrap()
        .contains(&Value::from("archived")));
    // Gone from the working list, found in the archived segment, never deleted.
    assert!(sb.list("alice", &[]).is_empty());
    assert_eq!(
        numbers(&sb.list("alice", &["--segment", "archived"])),
        std::slice::from_ref(&id)
    );
    // Archiving twice is refused.
    sb.fail_as("alice", &["client", "archive", &id, "--reason", "price"]);
    sb.ok_as("alice", &["client", "restore", &id]);
    assert_eq!(numbers(&sb.list("alice", &[])), [id]);
}

/// Today's date as the binary sees it.
fn today() -> chrono::NaiveDate {
    chrono::Local::now().date_naive()
}

fn section_numbers(day: &Value, section: &str) -> Vec<String> {
    day[section]["items"]
        .as_array()
        .unwrap_or_else(|| panic!("no section {section} in {day:#}"))
        .iter()
        .map(|i| i["client"]["number"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn the_schedule_holds_the_managers_day() {
    let sb = Sandbox::new();
    sb.team();
    let due = sb.add_client("alice", &["--name", "Dora Due"]);
    sb.ok_as("alice", &["log", &due, "--kind", "call", "--next", "today"]);
    let late = sb.add_client("alice", &["--name", "Oscar Over"]);
    sb.ok_as(
        "alice",
        &["log", &late, "--kind", "call", "--next", "yesterday"],
    );
    let lead = sb.add_client("alice", &["--name", "Lena Lead"]);
    let born = today().with_year_or_near(1990);
    let birthday = sb.add_client(
        "alice",
        &["--name", "Bert Born", "--birthday", &born.to_string()],
    );
    let bobs = sb.add_client("bob", &["--name", "Bob Client"]);
    sb.ok_as("bob", &["log", &bobs, "--kind", "call", "--next", "today"]);

    let day = sb.json_as("alice", &["schedule", "--json"]);
    assert_eq!(day["date"], today().to_string());
    assert_eq!(
        section_numbers(&day, "due_today"),
        std::slice::from_ref(&due)
    );
    assert_eq!(
        section_numbers(&day, "overdue"),
        std::slice::from_ref(&late)
    );
    let leads = section_numbers(&day, "new_leads");
    assert!(leads.contains(&lead), "new lead missing: {day:#}");
    assert!(
        !leads.contains(&due) && !leads.contains(&late),
        "a contacted client is still a new lead: {day:#}"
    );
    assert_eq!(day["new_leads"]["total"], leads.len());
    if born.format("%m-%d").to_string() == today().format("%m-%d").to_string() {
        assert!(
            section_numbers(&day, "dates").contains(&birthday),
            "today's birthday missing: {day:#}"
        );
    }

    // Bob's day has his own contact and none of alice's clients.
    let bobs_day = sb.json_as("bob", &["schedule", "--json"]);
    assert_eq!(section_numbers(&bobs_day, "due_today"), [bobs]);
    for section in ["new_leads", "overdue", "due_today", "dates"] {
        for n in section_numbers(&bobs_day, section) {
            assert!(
                ![&due, &late, &lead, &birthday].contains(&&n),
                "bob's {section} shows alice's client {n}"
            );
        }
    }

    // Another date: tomorrow, today's contact is no longer due that day.
    let tomorrow = sb.json_as("alice", &["schedule", "--json", "--date", "tomorrow"]);
    assert!(!section_numbers(&tomorrow, "due_today").contains(&due));
}

#[test]
fn a_days_plan_lists_every_contact_due_that_day_and_a_lead_stays_new_until_contacted() {
    let sb = Sandbox::new();
    sb.team();
    // A new lead, not called yet, and a note planning the next contact for tomorrow.
    let lead = sb.add_client("alice", &["--name", "Lena Lead"]);
    let planned = sb.run_as(
        "alice",
        &[
            "log",
            &lead,
            "--kind",
            "note",
            "--summary",
            "wants a call",
            "--next",
            "tomorrow",
        ],
    );
    assert!(planned.ok(), "{}", planned.stderr);
    // A contact planned for tomorrow is not "1 day after" a call that never happened.
    assert!(
        !planned.stderr.contains("interval"),
        "warned from a contact that never happened: {}",
        planned.stderr
    );
    let tomorrow = sb.json_as("alice", &["schedule", "--json", "--date", "tomorrow"]);
    assert!(
        section_numbers(&tomorrow, "due_today").contains(&lead),
        "tomorrow's contact missing from tomorrow's plan: {tomorrow:#}"
    );
    // Planning it did not take the lead out of New leads: it was not contacted.
    let day = sb.json_as("alice", &["schedule", "--json"]);
    assert!(
        section_numbers(&day, "new_leads").contains(&lead),
        "a lead planned but not contacted left New leads: {day:#}"
    );
    // An overdue call and one for tomorrow: both plans show the client.
    let late = sb.add_client("alice", &["--name", "Oscar Over"]);
    sb.ok_as(
        "alice",
        &["log", &late, "--kind", "call", "--next", "yesterday"],
    );
    sb.ok_as(
        "alice",
        &["log", &late, "--kind", "note", "--next", "tomorrow"],
    );
    let day = sb.json_as("alice", &["schedule", "--json"]);
    assert!(section_numbers(&day, "overdue").contains(&late), "{day:#}");
    let tomorrow = sb.json_as("alice", &["schedule", "--json", "--date", "tomorrow"]);
    assert!(
        section_numbers(&tomorrow, "due_today").contains(&late),
        "{tomorrow:#}"
    );
}

trait NearYear {
    fn with_year_or_near(self, year: i32) -> chrono::NaiveDate;
}

impl NearYear for chrono::NaiveDate {
    /// The same day in another year (28 February for the 29th in a common year).
    fn with_year_or_near(self, year: i32) -> chrono::NaiveDate {
        use chrono::Datelike;
        self.with_year(year)
            .or_else(|| self.pred_opt().and_then(|d| d.with_year(year)))
            .unwrap()
    }
}

/// A client with every kind of personal data, then forgotten. Returns (sandbox, number).
fn forgotten_client() -> (Sandbox, String) {
    let sb = Sandbox::new();
    sb.team();
    let keep = sb.add_client("alice", &["--name", "Karl Keeper"]);
    let id = sb.add_client(
        "alice",
        &[
            "--name",
            "Anna Smithson",
            "--phone",
            "+7 903 555-12-34",
            "--email",
            "anna.smithson@example.com",
            "--birthday",
            "01.02.1990",
            "--city",
            "Murmansk",
            "--tag",
            "smithsonfan",
            "--notes",
            "Smithson likes tea",
            "--call-window",
            "Mon-Fri 10:00-18:00",
        ],
    );
    sb.ok_as(
        "alice",
        &[
            "log",
            &id,
            "--kind",
            "call",
            "--summary",
            "talked to Smithson",
            "--outcome",
            "Smithson agreed",
            "--next",
            "+1w",
            "--purpose",
            "call Smithson back",
        ],
    );
    sb.ok_as("alice", &["order", "add", &id, "--amount", "1200.40"]);
    sb.ok_as("alice", &["order", "add", &id, "--amount", "300"]);
    sb.ok_as("alice", &["client", "forget", &id]);
    assert_eq!(numbers(&sb.list("alice", &["--search", "Keeper"])), [keep]);
    (sb, id)
}

#[test]
fn a_forgotten_client_keeps_only_anonymous_totals() {
    let (sb, id) = forgotten_client();
    let card = sb.card("alice", &id);
    assert_eq!(card["forgotten"], true);
    for field in [
        "last_name",
        "first_name",
        "patronymic",
        "company",
        "birthday",
        "city",
        "call_window",
        "notes",
    ] {
        assert!(card[field].is_null(), "{field} kept: {}", card[field]);
    }
    for list in ["phones", "emails", "tags"] {
        assert_eq!(card[list], serde_json::json!([]), "{list} kept");
    }
    assert_eq!(card["total_spent"], "1500.40");
    assert_eq!(card["total_spent_minor"], 150_040);
    assert_eq!(card["orders_count"], 2);

    // Nothing of it shows anywhere in the card, history included.
    let text = card.to_string();
    for secret in [
        "Smithson",
        "Anna",
        "5551234",
        "555-12-34",
        "Murmansk",
        "1990",
    ] {
        assert!(
            !text.contains(secret),
            "the card still shows {secret}: {card:#}"
        );
    }

    // The search no longer finds the client by what was erased.
    for query in ["Smithson", "89035551234", "anna.smithson", "smithsonfan"] {
        assert!(
            sb.list("alice", &["--search", query]).is_empty(),
            "search {query:?} still finds the forgotten client"
        );
    }
    // Nor can the client be edited back to life.
    sb.fail_as("alice", &["client", "edit", &id, "--name", "Anna Smithson"]);
}

#[test]
fn the_change_log_forgets_the_client_too() {
    let (sb, _id) = forgotten_client();
    let conn = rusqlite::Connection::open(&sb.db).unwrap();
    for secret in [
        "Smithson",
        "Anna",
        "79035551234",
        "Murmansk",
        "1990-02-01",
        "smithsonfan",
    ] {
        let count: i64 = conn
            .query_row(
                "SELECT count(*) FROM change_log WHERE fields LIKE '%' || ?1 || '%'",
                [secret],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(count, 0, "the change log still holds {secret}");
    }
    // The other client's history is untouched.
    let keeper: i64 = conn
        .query_row(
            "SELECT count(*) FROM change_log WHERE fields LIKE '%Keeper%'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(keeper > 0);
}

/// Every row of every table (but the search index, which is rebuilt) as text.
fn rows_holding(conn: &rusqlite::Connection, secret: &str) -> Vec<String> {
    let tables: Vec<String> = conn
        .prepare(
            "SELECT name FROM sqlite_schema WHERE type = 'table'
             AND name NOT LIKE 'client_search%' AND name NOT LIKE 'sqlite_%'",
        )
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let mut found = Vec::new();
    for table in tables {
        let mut stmt = conn.prepare(&format!("SELECT * FROM \"{table}\"")).unwrap();
        let columns = stmt.column_count();
        let mut rows = stmt.query([]).unwrap();
        while let Some(row) = rows.next().unwrap() {
            for i in 0..columns {
                if let Ok(Some(text)) = row.get::<_, Option<String>>(i) {
                    if text.contains(secret) {
                        found.push(format!("{table}: {text}"));
                    }
                }
            }
        }
    }
    found
}

#[test]

fn no_table_keeps_a_forgotten_clients_data() {
    let (sb, _id) = forgotten_client();
    let conn = rusqlite::Connection::open(&sb.db).unwrap();
    for secret in [
        "Smithson",
        "smithson",
        "79035551234",
        "Murmansk",
        "1990-02-01",
    ] {
        let found = rows_holding(&conn, secret);
        assert!(
            found.is_empty(),
            "{secret} is still in the file: {found:#?}"
        );
    }
}

#[test]

fn a_forgotten_clients_consent_notes_are_erased() {
    let sb = Sandbox::new();
    sb.team();
    let id = sb.add_client("alice", &["--name", "Anna Smithson"]);
    sb.ok_as(
        "alice",
        &[
            "client",
            "consent",
            &id,
            "marketing",
            "given",
            "--form",
            "written",
            "--note",
            "signed by Anna Smithson in person",
        ],
    );
    sb.ok_as("alice", &["client", "forget", &id]);
    let card = sb.card("alice", &id);
    assert!(
        !card.to_string().contains("Smithson"),
        "the forgotten client's card still shows the name: {:#}",
        card["consents"]
    );
    let conn = rusqlite::Connection::open(&sb.db).unwrap();
    let found = rows_holding(&conn, "Smithson");
    assert!(found.is_empty(), "still in the file: {found:#?}");
}
