//! Every word on screen in Russian is Russian (SPEC §3): each pane, each card tab and
//! each dialog is drawn for a client with a full history, and the test fails on a
//! string-table key shown raw (`change.rule`) or on an English word that is neither
//! a proper name, a key's name nor data the user typed.

use chrono::Local;
use clientbook::domain::codes::{InteractionKind, OrderStatus, Role};
use clientbook::domain::fields::{ClientDraft, Field};
use clientbook::i18n::{set_language, Lang};
use clientbook::store::activity::{NewInteraction, NewOrder, NextContact};
use clientbook::store::Store;
use clientbook::tui::app::{update, Action, App, CardTab, Pane};
use clientbook::tui::entry_dialog::EntryKind;
use ratatui::backend::TestBackend;
use ratatui::Terminal;

/// Latin words allowed on a Russian screen: key names, formats, the program's name.
const ALLOWED: &[&str] = &[
    "Enter",
    "Esc",
    "Tab",
    "PgUp",
    "PgDn",
    "Dn",
    "Ctrl",
    "Alt",
    "Shift",
    "Space",
    "Backspace",
    "Home",
    "End",
    "Del",
    "F1",
    "F2",
    "F3",
    "F4",
    "F5",
    "F8",
    "K",
    "clientbook",
    "NPS",
    "LTV",
    "UTC",
    "CSV",
    "TSV",
    "XLSX",
    "vCard",
    "e-mail",
    "mail",
    "E-mail",
    "RUB",
    "SQLite",
    "db",
    "ru",
    // Names of programs and services.
    "Excel",
    "Google",
];

fn render(app: &App, width: u16, height: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal
        .draw(|frame| clientbook::tui::view::draw(frame, app))
        .unwrap();
    let buffer = terminal.backend().buffer().clone();
    (0..height)
        .map(|y| {
            (0..width)
                .map(|x| buffer[(x, y)].symbol().to_string())
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// What on `screen` is a raw key or an English word not allowed.
fn foreign_words(screen: &str, data: &[&str]) -> Vec<String> {
    let mut found = Vec::new();
    for word in screen.split(|c: char| !(c.is_alphanumeric() || c == '.' || c == '_' || c == '-')) {
        let word = word.trim_matches(|c: char| c == '.' || c == '-' || c == '_');
        if word.is_empty() {
            continue;
        }
        let raw_key = word.contains('.')
            && word
                .split('.')
                .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_lowercase() || c == '_'));
        let latin = word.chars().filter(|c| c.is_ascii_alphabetic()).count() >= 2
            && !word
                .chars()
                .any(|c| matches!(c, 'а'..='я' | 'А'..='Я' | 'ё' | 'Ё'));
        let allowed = ALLOWED.contains(&word)
            || data.iter().any(|d| d.contains(word))
            || word.chars().all(|c| c.is_ascii_digit() || "-.".contains(c));
        if (raw_key || latin) && !allowed {
            found.push(word.to_string());
        }
    }
    found.sort();
    found.dedup();
    found
}

#[test]
fn every_screen_in_russian_shows_russian_words_only() {
    set_language(Lang::Ru);
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open_as_device(&dir.path().join("base.db"), "device-a").unwrap();
    let boss = store.init("boss", "Борис Начальников").unwrap();
    let alice = store
        .add_manager(&boss, "alice", "Алиса Продажева", Role::Manager)
        .unwrap();
    // A client with everything: phones, e-mail, a city, a time zone, a call, an order,
    // planned contacts, a consent, a contact person, a change, an archiving.
    let mut draft = ClientDraft::default();
    draft
        .set(Field::Name, "Смирнова Анна Петровна")
        .set(Field::Phones, "+7 (4812) 55-66-77")
        .set(Field::Emails, "anna@example.ru")
        .set(Field::City, "Новосибирск")
        .set(Field::TimeZone, "Asia/Novosibirsk")
        .set(Field::Tags, "постоянная");
    let number = store.add_client(&alice, &draft, None).unwrap();
    let mut call = NewInteraction::new(InteractionKind::Call);
    call.outcome = Some("договорились о встрече".into());
    store.log_interaction(&alice, &number, &call, None).unwrap();
    store
        .add_order(
            &alice,
            &number,
            &NewOrder {
                amount_minor: 150_050,
                currency: "RUB".into(),
                date: None,
                items: 2,
                status: OrderStatus::Completed,
            },
        )
        .unwrap();
    let today = Local::now().date_naive();
    store
        .schedule_contact(
            &alice,
            &number,
            &NextContact::on(today + chrono::Duration::days(8)),
        )
        .unwrap();
    let mut edit = ClientDraft::default();
    edit.set(Field::City, "Омск");
    store.edit_client(&alice, &number, &edit).unwrap();
    let data = [
        "Смирнова Анна Петровна",
        "anna@example.ru",
        "example",
        "anna",
        "alice",
        "boss",
        "base.db",
    ];
    let dir_name = dir.path().display().to_string();
    let data: Vec<&str> = data.iter().copied().chain([dir_name.as_str()]).collect();

    let mut app = App::load(&store, alice.clone(), today);
    app.settle(&store);
    let mut screens = Vec::new();
    for (w, h) in [(100, 30), (80, 24)] {
        screens.push(("list", render(&app, w, h)));
    }
    update(&mut app, Action::Focus(Pane::List), &mut store);
    update(&mut app, Action::Open, &mut store);
    app.settle(&store);
    for tab in CardTab::ALL {
        app.card_tab = tab;
        screens.push(("card", render(&app, 120, 40)));
    }
    app.card_tab = CardTab::Profile;
    update(&mut app, Action::Focus(Pane::Today), &mut store);
    screens.push(("today", render(&app, 100, 30)));
    update(&mut app, Action::Focus(Pane::List), &mut store);
    update(&mut app, Action::Open, &mut store);
    for action in [
        Action::ShowHelp,
        Action::OpenPalette,
        Action::OpenFilter,
        Action::NewClient,
        Action::EditClient,
        Action::LogContact,
        Action::Archive,
        Action::OpenEntry(EntryKind::Order),
        Action::OpenEntry(EntryKind::Schedule),
        Action::OpenEntry(EntryKind::Consent),
        Action::OpenEntry(EntryKind::Person),
        Action::StartImport,
    ] {
        let name = format!("{action:?}");
        update(&mut app, action, &mut store);
        screens.push((Box::leak(name.into_boxed_str()), render(&app, 100, 30)));
        update(&mut app, Action::Close, &mut store);
        // A dialog that asked before closing is closed on the second Esc.
        update(&mut app, Action::Close, &mut store);
        app.modal = None;
    }
    let mut problems = Vec::new();
    for (what, screen) in &screens {
        let foreign = foreign_words(screen, &data);
        if !foreign.is_empty() {
            problems.push(format!("{what}: {foreign:?}"));
        }
    }
    assert!(problems.is_empty(), "not Russian:\n{}", problems.join("\n"));
}
