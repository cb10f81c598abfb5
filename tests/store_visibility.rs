//! Per-manager visibility by construction (SPEC §1, rule 1): every public method of
//! the store that takes a viewer is called here as alice, a manager, on bob's client
//! or over the whole base, and none of them shows, counts or changes anything of bob's.
//! The list of methods is read from the sources: a method added without a call here
//! fails `every_method_taking_a_viewer_is_called_here`.

use chrono::{Duration, Local};
use clientbook::domain::codes::{
    ArchiveReason, ConsentPurpose, InteractionKind, OrderStatus, Role, Source,
};
use clientbook::domain::fields::{ClientDraft, Field};
use clientbook::domain::filter::Filter;
use clientbook::store::activity::{ConsentRecord, NewInteraction, NewOrder, NextContact};
use clientbook::store::export::{ExportFormat, ExportOptions};
use clientbook::store::import::ImportOptions;
use clientbook::store::people::NewPerson;
use clientbook::store::reports::ReportOptions;
use clientbook::store::{ListQuery, Store, StoreError, Viewer};
use std::collections::BTreeSet;

/// What only bob's client holds: no read of alice's may show any of it.
const SECRET_NAME: &str = "Секретова Тайна";
const SECRET_PHONE: &str = "+79035550199";
const SECRET_MAIL: &str = "tayna@example.ru";

struct Base {
    _dir: tempfile::TempDir,
    store: Store,
    boss: Viewer,
    alice: Viewer,
    bob_client: String,
    alice_client: String,
}

fn base() -> Base {
    clientbook::i18n::set_language(clientbook::i18n::Lang::En);
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open_as_device(&dir.path().join("base.db"), "device-a").unwrap();
    let boss = store.init("boss", "Boss").unwrap();
    let alice = store
        .add_manager(&boss, "alice", "Alice", Role::Manager)
        .unwrap();
    let bob = store
        .add_manager(&boss, "bob", "Bob", Role::Manager)
        .unwrap();
    let today = Local::now().date_naive();
    let mut draft = ClientDraft::default();
    draft
        .set(Field::Name, SECRET_NAME)
        .set(Field::Phones, SECRET_PHONE)
        .set(Field::Emails, SECRET_MAIL)
        .set(Field::City, "Тайноград")
        .set(Field::Birthday, today.format("%d.%m.1990").to_string());
    let bob_client = store.add_client(&bob, &draft, None).unwrap();
    store
        .schedule_contact(&bob, &bob_client, &NextContact::on(today))
        .unwrap();
    store
        .add_order(
            &bob,
            &bob_client,
            &NewOrder {
                amount_minor: 150_000,
                currency: "RUB".into(),
                date: Some(today - Duration::days(1)),
                items: 1,
                status: OrderStatus::Completed,
            },
        )
        .unwrap();
    store
        .log_interaction(
            &bob,
            &bob_client,
            &NewInteraction::new(InteractionKind::Call),
            None,
        )
        .unwrap();
    // A second client of bob's with the same phone: a duplicate only bob may see.
    let mut twin = ClientDraft::default();
    twin.set(Field::Name, "Секретова Тайна Вторая")
        .set(Field::Phones, SECRET_PHONE);
    store.add_client(&bob, &twin, None).unwrap();
    let mut own = ClientDraft::default();
    own.set(Field::Name, "Открытова Анна");
    let alice_client = store.add_client(&alice, &own, None).unwrap();
    store
        .save_segment(&boss, "тайные", "city:Тайноград")
        .unwrap();
    Base {
        _dir: dir,
        store,
        boss,
        alice,
        bob_client,
        alice_client,
    }
}

fn no_such_client<T: std::fmt::Debug>(result: Result<T, StoreError>, what: &str) {
    match result {
        Err(StoreError::NoSuchClient(_)) => {}
        other => panic!("{what}: alice reached bob's client: {other:?}"),
    }
}

/// Nothing of bob's client in what a read returned.
fn shows_nothing_secret(what: &str, shown: &str) {
    for secret in [
        SECRET_NAME,
        SECRET_PHONE,
        SECRET_MAIL,
        "Тайноград",
        "79035550199",
    ] {
        assert!(!shown.contains(secret), "{what} shows {secret}: {shown}");
    }
}

/// The methods this test calls, by name.
const CALLED: &[&str] = &[
    "load_demo",
    "demo_edits",
    "add_manager",
    "managers",
    "metrics_report",
    "funnel_report",
    "sources_report",
    "add_campaign",
    "run_rules",
    "add_client",
    "edit_client",
    "client_version",
    "edit_client_since",
    "assign",
    "archive",
    "restore",
    "forget",
    "today_for",
    "today_in",
    "open_conflicts",
    "count_open_conflicts",
    "resolve_conflict",
    "client_card",
    "save_segment",
    "delete_segment",
    "saved_segments",
    "count_in_filter",
    "find_duplicates",
    "clients_with_contacts_of",
    "export_clients",
    "quality_report",
    "log_interaction",
    "schedule_contact",
    "check_contact_interval",
    "reschedule_contact",
    "put_off_prospect",
    "add_order",
    "record_consent",
    "add_contact_person",
    "set_setting",
    "list_clients",
    "count_clients",
    "merge_clients",
    "import_file",
];

#[test]
fn every_method_taking_a_viewer_is_called_here() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/store");
    let mut found = BTreeSet::new();
    let mut stack = vec![root];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let code = std::fs::read_to_string(&path).unwrap();
            let code = code.split("#[cfg(test)]").next().unwrap_or_default();
            for (at, _) in code.match_indices("pub fn ") {
                let signature = &code[at..code[at..].find('{').map_or(code.len(), |e| at + e)];
                let is_method = signature.contains("&self") || signature.contains("&mut self");
                if is_method && signature.contains("&Viewer") {
                    let name = signature["pub fn ".len()..]
                        .split(['(', '<'])
                        .next()
                        .unwrap()
                        .to_string();
                    found.insert(name);
                }
            }
        }
    }
    let called: BTreeSet<String> = CALLED.iter().map(|s| s.to_string()).collect();
    let missing: Vec<_> = found.difference(&called).collect();
    assert!(
        missing.is_empty(),
        "methods taking a viewer not tried here: {missing:?}"
    );
}

#[test]
fn a_manager_reads_nothing_of_another_managers_client() {
    let mut b = base();
    let (alice, bob_client) = (b.alice.clone(), b.bob_client.clone());
    let store = &mut b.store;
    let today = Local::now().date_naive();
    let debug = |v: &dyn std::fmt::Debug| format!("{v:?}");

    // Reads of one client.
    no_such_client(store.client_card(&alice, &bob_client), "client_card");
    no_such_client(store.client_version(&alice, &bob_client), "client_version");
    no_such_client(
        store.check_contact_interval(&alice, &bob_client, &NextContact::on(today), false),
        "check_contact_interval",
    );
    // Reads over the base.
    let everything = ListQuery::default();
    let page = store.list_clients(&alice, &everything, None, 100).unwrap();
    shows_nothing_secret("list_clients", &debug(&page));
    let found = ListQuery {
        search: "Секретова".into(),
        ..ListQuery::default()
    };
    assert_eq!(
        store.count_clients(&alice, &found, 100).unwrap(),
        0,
        "count_clients"
    );
    let by_phone = ListQuery {
        search: "9035550199".into(),
        ..ListQuery::default()
    };
    assert!(store
        .list_clients(&alice, &by_phone, None, 10)
        .unwrap()
        .rows
        .is_empty());
    // Narrowed to bob's clients, alice still sees only her own.
    let bobs = ListQuery {
        manager: Some("bob".into()),
        ..ListQuery::default()
    };
    shows_nothing_secret(
        "list_clients of bob",
        &debug(&store.list_clients(&alice, &bobs, None, 10).unwrap()),
    );
    let day = store.today_for(&alice, today).unwrap();
    shows_nothing_secret("today_for", &debug(&day));
    let filter = store.parse_filter("city:Тайноград").unwrap();
    shows_nothing_secret(
        "today_in",
        &debug(&store.today_in(&alice, today, &filter).unwrap()),
    );
    assert_eq!(
        store.count_in_filter(&alice, &filter).unwrap(),
        0,
        "count_in_filter"
    );
    let segments = store.saved_segments(&alice).unwrap();
    assert!(
        segments.iter().all(|s| s.clients == 0),
        "saved_segments: {segments:?}"
    );
    shows_nothing_secret(
        "find_duplicates",
        &debug(&store.find_duplicates(&alice, 50).unwrap()),
    );
    assert!(
        store.find_duplicates(&alice, 50).unwrap().is_empty(),
        "bob's twins are bob's"
    );
    // Adding a client with bob's client's phone tells alice nothing of it.
    let mut same_phone = clientbook::domain::fields::ClientDraft::default();
    same_phone.set(clientbook::domain::fields::Field::Phones, SECRET_PHONE);
    assert!(
        store
            .clients_with_contacts_of(&alice, &same_phone)
            .unwrap()
            .is_empty(),
        "clients_with_contacts_of names bob's client"
    );
    let quality = store.quality_report(&alice).unwrap();
    assert_eq!(
        quality.clients, 1,
        "quality_report counts alice's one client"
    );
    shows_nothing_secret("quality_report", &debug(&quality));
    let mut out = Vec::new();
    let options = ExportOptions {
        format: ExportFormat::Json,
        filter: Filter::default(),
        mailing: false,
    };
    store.export_clients(&alice, options, &mut out).unwrap();
    shows_nothing_secret("export_clients", &String::from_utf8_lossy(&out));
    let managers = store.managers(&alice).unwrap();
    let bob = managers.iter().find(|m| m.login == "bob").unwrap();
    assert_eq!(
        bob.clients, None,
        "managers: bob's count is not alice's to see"
    );
    assert!(store.open_conflicts(&alice).unwrap().is_empty());
    assert_eq!(store.count_open_conflicts(&alice).unwrap(), 0);
    let period = ReportOptions::last_30_days(today);
    let metrics = store.metrics_report(&alice, &period).unwrap();
    assert_eq!(
        metrics.totals.revenue_minor, 0,
        "metrics_report: bob's order"
    );
    assert_eq!(metrics.totals.leads, 1, "metrics_report: alice's one lead");
    let funnel = store.funnel_report(&alice, &period).unwrap();
    shows_nothing_secret("funnel_report", &debug(&funnel));
    assert_eq!(funnel.leads, 1);
    let sources = store.sources_report(&alice, &period).unwrap();
    assert!(
        sources.sources.iter().all(|s| s.revenue_minor == 0),
        "sources_report"
    );
    let team = ReportOptions {
        team: true,
        ..period.clone()
    };
    assert!(
        store.metrics_report(&alice, &team).is_err(),
        "a team report is a lead's"
    );
    // Rules run by alice make contacts for her clients only.
    let before = store.client_card(&b.boss, &bob_client).unwrap().tasks.len();
    store.run_rules(&alice).unwrap();
    assert_eq!(
        store.client_card(&b.boss, &bob_client).unwrap().tasks.len(),
        before,
        "run_rules"
    );

    // Writes on bob's client are refused as if it did not exist.
    let mut draft = ClientDraft::default();
    draft.set(Field::City, "Москва");
    no_such_client(
        store.edit_client(&alice, &bob_client, &draft),
        "edit_client",
    );
    no_such_client(
        store.edit_client_since(&alice, &bob_client, &draft, Some(0)),
        "edit_client_since",
    );
    no_such_client(
        store.archive(&alice, &bob_client, ArchiveReason::Price, None),
        "archive",
    );
    no_such_client(store.restore(&alice, &bob_client), "restore");
    no_such_client(store.forget(&alice, &bob_client), "forget");
    no_such_client(
        store.log_interaction(
            &alice,
            &bob_client,
            &NewInteraction::new(InteractionKind::Note),
            None,
        ),
        "log_interaction",
    );
    no_such_client(
        store.schedule_contact(&alice, &bob_client, &NextContact::on(today)),
        "schedule_contact",
    );
    no_such_client(
        store.put_off_prospect(&alice, &bob_client, today),
        "put_off_prospect",
    );
    let order = NewOrder {
        amount_minor: 100,
        currency: "RUB".into(),
        date: None,
        items: 1,
        status: OrderStatus::Completed,
    };
    no_such_client(store.add_order(&alice, &bob_client, &order), "add_order");
    let consent = ConsentRecord {
        purpose: ConsentPurpose::Marketing,
        given: true,
        form: None,
        date: today,
        note: None,
    };
    no_such_client(
        store.record_consent(&alice, &bob_client, &consent),
        "record_consent",
    );
    let person = NewPerson {
        name: "Кто-то".into(),
        position: None,
        phone: None,
        email: None,
        decision_maker: false,
    };
    no_such_client(
        store.add_contact_person(&alice, &bob_client, &person),
        "add_contact_person",
    );
    no_such_client(
        store.merge_clients(&alice, &b.alice_client, &bob_client),
        "merge_clients",
    );
    no_such_client(
        store.merge_clients(&alice, &bob_client, &b.alice_client),
        "merge_clients",
    );
    assert!(
        store.assign(&alice, &bob_client, "alice").is_err(),
        "assign"
    );
    let contact = store
        .client_card(&b.boss, &bob_client)
        .unwrap()
        .tasks
        .iter()
        .find(|t| t.done_at.is_none())
        .map(|t| t.uuid.clone())
        .unwrap();
    no_such_client(
        store.reschedule_contact(&alice, &contact, &NextContact::on(today)),
        "reschedule_contact",
    );
    // The team's things: alice may not change them.
    assert!(
        store.delete_segment(&alice, "тайные").is_err(),
        "delete_segment of the boss's"
    );
    assert!(
        store.save_segment(&alice, "тайные", "city:Москва").is_err(),
        "save_segment over the boss's"
    );
    assert!(
        store
            .set_setting(&alice, "active_window_days", "10")
            .is_err(),
        "set_setting"
    );
    assert!(
        store
            .add_campaign(&alice, "Реклама", 100, Source::Website, today)
            .is_err(),
        "add_campaign"
    );
    assert!(
        store
            .add_manager(&alice, "eve", "Eve", Role::Manager)
            .is_err(),
        "add_manager"
    );
    assert!(
        store.load_demo(&alice, Default::default(), |_| {}).is_err(),
        "load_demo"
    );
    assert!(
        store.resolve_conflict(&alice, "no-such", false).is_err(),
        "resolve_conflict"
    );
    // What alice adds, imports or edits in bulk is hers, and touches nothing of bob's.
    let mut own = ClientDraft::default();
    own.set(Field::Name, "Новая Клиентка");
    let hers = store.add_client(&alice, &own, None).unwrap();
    assert!(
        store.add_client(&alice, &own, Some("bob")).is_err(),
        "add_client for bob"
    );
    assert_eq!(store.client_card(&alice, &hers).unwrap().manager, "alice");
    store.demo_edits(&alice, 5).unwrap();
    let file = b._dir.path().join("in.csv");
    std::fs::write(
        &file,
        format!("ФИО;Телефон\nДругой Человек;{SECRET_PHONE}\n"),
    )
    .unwrap();
    let report = store
        .import_file(&alice, &file, &ImportOptions::default(), |_| {})
        .unwrap();
    // The row's own phone is on a client alice may not see: said, without whose.
    assert_eq!(report.duplicates.len(), 1);
    assert_eq!(
        report.duplicates[0].number, None,
        "import_file names bob's client"
    );
    assert_eq!(report.created, 0);
    let card = store.client_card(&b.boss, &bob_client).unwrap();
    assert_eq!(
        card.city.as_deref(),
        Some("Тайноград"),
        "bob's client unchanged"
    );
    assert!(card.archived_at.is_none() && !card.forgotten);
    assert_eq!(card.interactions.len(), 1);
    assert_eq!(card.orders.len(), 1);
    assert!(card.people.is_empty());
    assert!(card.consents.is_empty());
}
