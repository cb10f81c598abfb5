//! State transitions of the interface: `update` against a real store in a temp file.

use chrono::{Duration, Local};
use clientbook::domain::codes::Role;
use clientbook::domain::fields::{ClientDraft, Field};
use clientbook::i18n::{set_language, Lang};
use clientbook::store::activity::{NewOrder, NextContact};
use clientbook::store::{Store, Viewer};
use clientbook::tui::app::{update, Action, App, Modal, Pane};
use clientbook::tui::form::FormInput;
use clientbook::tui::log_dialog::{LogInput, NextChoice};

struct Fixture {
    _dir: tempfile::TempDir,
    store: Store,
    alice: Viewer,
}

fn add(store: &mut Store, who: &Viewer, name: &str, phone: Option<&str>) -> String {
    let mut draft = ClientDraft::default();
    draft.set(Field::Name, name);
    if let Some(p) = phone {
        draft.set(Field::Phones, p);
    }
    store.add_client(who, &draft, None).unwrap()
}

/// alice has Ёлкина (due today), Петров (overdue) and 150 more; bob has one client.
fn fixture() -> Fixture {
    set_language(Lang::Ru);
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open_as_device(&dir.path().join("base.db"), "device-a").unwrap();
    let boss = store.init("boss", "Boss").unwrap();
    // These tests are about the contacts they plan themselves; the new-lead rule's
    // contacts have tests of their own (tests/segments_rules.rs).
    store.set_setting(&boss, "rule_new_lead", "0").unwrap();
    let alice = store
        .add_manager(&boss, "alice", "Алиса", Role::Manager)
        .unwrap();
    let bob = store
        .add_manager(&boss, "bob", "Боб", Role::Manager)
        .unwrap();
    let today = Local::now().date_naive();
    let yolkina = add(
        &mut store,
        &alice,
        "Ёлкина Пелагея",
        Some("+7 916 123-45-67"),
    );
    store
        .schedule_contact(&alice, &yolkina, &NextContact::on(today))
        .unwrap();
    let petrov = add(&mut store, &alice, "Петров Пётр", None);
    store
        .schedule_contact(
            &alice,
            &petrov,
            &NextContact {
                agreed: true,
                ..NextContact::on(today - Duration::days(3))
            },
        )
        .unwrap();
    for i in 0..150 {
        add(&mut store, &alice, &format!("Клиент{i:03} Тестовый"), None);
    }
    add(&mut store, &bob, "Боба Клиент", None);
    Fixture {
        _dir: dir,
        store,
        alice,
    }
}

fn load(f: &Fixture) -> App {
    App::load(&f.store, f.alice.clone(), Local::now().date_naive())
}

/// The list's count, once the interface has settled (it is counted off the keys).
fn total(app: &mut App, store: &Store) -> u64 {
    app.settle(store);
    app.list.total.expect("counted")
}

fn names(app: &App) -> Vec<String> {
    app.list.rows.iter().map(|r| r.name.clone()).collect()
}

fn today_names(app: &App) -> Vec<String> {
    app.today_entries()
        .iter()
        .map(|e| e.client.name.clone())
        .collect()
}

#[test]
fn the_list_reads_windows_as_the_selection_moves() {
    let mut f = fixture();
    let mut app = load(&f);
    assert_eq!(app.list.rows.len(), 100, "one window at first");
    assert_eq!(total(&mut app, &f.store), 152);
    assert!(
        !names(&app).iter().any(|n| n.contains("Боба")),
        "bob's client is not alice's"
    );
    for _ in 0..10 {
        update(&mut app, Action::PageDown, &mut f.store);
    }
    assert_eq!(
        app.list.selected, 100,
        "scrolling went on past the first window"
    );
    assert!(app.list.rows.len() > 100, "the next window was read");
    update(&mut app, Action::End, &mut f.store);
    assert_eq!(app.list.rows.len(), 152);
    assert_eq!(app.list.selected, 151);
    update(&mut app, Action::Home, &mut f.store);
    update(&mut app, Action::Down, &mut f.store);
    assert_eq!(app.list.selected, 1);
    // The card follows the selection once the keys stop.
    assert!(app.card_stale);
    app.settle(&f.store);
    assert_eq!(app.card.as_ref().unwrap().number, app.list.rows[1].number);
}

#[test]
fn typing_a_lower_case_cyrillic_fragment_narrows_the_list() {
    let mut f = fixture();
    let mut app = load(&f);
    update(&mut app, Action::StartSearch, &mut f.store);
    for c in "елкина".chars() {
        update(&mut app, Action::SearchInput(c), &mut f.store);
    }
    assert_eq!(names(&app), ["Ёлкина Пелагея"]);
    update(&mut app, Action::SearchBackspace, &mut f.store);
    assert_eq!(app.list.query.search, "елкин");
    update(&mut app, Action::ClearSearch, &mut f.store);
    assert_eq!(total(&mut app, &f.store), 152);
    assert!(!app.list.searching);
}

#[test]
fn a_phone_typed_the_russian_way_finds_the_client() {
    let mut f = fixture();
    let mut app = load(&f);
    update(&mut app, Action::StartSearch, &mut f.store);
    for c in "8 (916) 123".chars() {
        update(&mut app, Action::SearchInput(c), &mut f.store);
    }
    assert_eq!(names(&app), ["Ёлкина Пелагея"]);
}

#[test]
fn segment_filters_follow_orders() {
    let mut f = fixture();
    let number = add(&mut f.store, &f.alice, "Заказчикова Анна", None);
    let order = NewOrder {
        amount_minor: 150_050,
        currency: "RUB".into(),
        date: None,
        items: 1,
        status: clientbook::domain::codes::OrderStatus::Completed,
    };
    f.store.add_order(&f.alice, &number, &order).unwrap();
    let mut app = load(&f);
    update(
        &mut app,
        Action::Segment(Some(clientbook::domain::segments::Segment::Active)),
        &mut f.store,
    );
    assert_eq!(names(&app), ["Заказчикова Анна"]);
    update(&mut app, Action::Segment(None), &mut f.store);
    assert_eq!(total(&mut app, &f.store), 153);
}

#[test]
fn a_search_puts_the_name_that_starts_with_it_first_and_says_how_many() {
    let mut f = fixture();
    // Added in this order; "анна" starts the second one's name.
    add(&mut f.store, &f.alice.clone(), "Иванова Анна", None);
    add(&mut f.store, &f.alice.clone(), "Петрова Анна-Мария", None);
    add(&mut f.store, &f.alice.clone(), "Анна Иванова", None);
    let mut app = load(&f);
    update(&mut app, Action::StartSearch, &mut f.store);
    for c in "анна".chars() {
        update(&mut app, Action::SearchInput(c), &mut f.store);
    }
    assert_eq!(
        names(&app),
        ["Анна Иванова", "Иванова Анна", "Петрова Анна-Мария"]
    );
    assert_eq!(total(&mut app, &f.store), 3);
}

#[test]
fn a_dialog_names_the_client_and_opens_on_a_clean_status_line() {
    let mut f = fixture();
    let mut app = open_first_client(&mut f);
    let name = app.card.as_ref().unwrap().name.clone();
    app.status = "an old message".into();
    update(&mut app, Action::LogContact, &mut f.store);
    let Some(Modal::Log(dialog)) = &app.modal else {
        panic!("the log dialog opens")
    };
    assert!(dialog.who.contains(&name), "{}", dialog.who);
    assert!(
        app.status.is_empty(),
        "an old message stays under the dialog"
    );
}

#[test]
fn archiving_and_moving_a_contact_are_undone_with_u_and_found_in_the_palette() {
    use clientbook::tui::palette::PaletteInput;
    let mut f = fixture();
    let mut app = open_first_client(&mut f);
    let number = app.card.as_ref().unwrap().number.clone();
    update(&mut app, Action::Archive, &mut f.store);
    update(&mut app, Action::ArchiveConfirm, &mut f.store);
    let archived = |f: &Fixture| {
        f.store
            .client_card(&f.alice, &number)
            .unwrap()
            .archived_at
            .is_some()
    };
    assert!(archived(&f));
    update(&mut app, Action::Undo, &mut f.store);
    assert!(!archived(&f), "u restores the client archived");
    assert!(app.status.contains(&number), "{}", app.status);
    update(&mut app, Action::Undo, &mut f.store);
    assert!(
        !app.status.is_empty(),
        "a second u says there is nothing to undo"
    );

    // «вернуть» in the palette finds the way back from the archive.
    update(&mut app, Action::OpenPalette, &mut f.store);
    for c in "вернуть".chars() {
        update(
            &mut app,
            Action::Palette(PaletteInput::Char(c)),
            &mut f.store,
        );
    }
    let Some(Modal::Palette(palette)) = &app.modal else {
        panic!("the palette opens")
    };
    let found: Vec<Action> = palette.matches().into_iter().map(|(_, a)| a).collect();
    assert!(
        found.contains(&Action::Restore) && found.contains(&Action::Undo),
        "{found:?}"
    );
    update(
        &mut app,
        Action::Palette(PaletteInput::Cancel),
        &mut f.store,
    );

    // A contact moved from Today (+1 week) goes back where it was.
    update(&mut app, Action::Focus(Pane::Today), &mut f.store);
    let at = today_names(&app)
        .iter()
        .position(|n| n == "Ёлкина Пелагея")
        .unwrap();
    update(&mut app, Action::Select(at), &mut f.store);
    let due = |f: &Fixture| {
        let card = f.store.client_card(&f.alice, "1").unwrap();
        card.tasks
            .iter()
            .find(|t| t.done_at.is_none())
            .map(|t| t.due_at)
    };
    let before = due(&f);
    update(&mut app, Action::Reschedule(NextChoice::Week), &mut f.store);
    assert_ne!(due(&f), before);
    update(&mut app, Action::Undo, &mut f.store);
    assert_eq!(due(&f), before, "u moves the contact back");
}

#[test]
fn archiving_for_another_reason_says_which() {
    use clientbook::domain::codes::ArchiveReason;
    use clientbook::tui::text::TextEdit;
    let mut f = fixture();
    let mut app = open_first_client(&mut f);
    let number = app.card.as_ref().unwrap().number.clone();
    update(&mut app, Action::Archive, &mut f.store);
    let other = ArchiveReason::ALL
        .iter()
        .position(|r| *r == ArchiveReason::Other)
        .unwrap();
    update(&mut app, Action::ArchiveChoose(other), &mut f.store);
    for c in "переехал в другой город".chars() {
        update(
            &mut app,
            Action::ArchiveNote(TextEdit::Insert(c)),
            &mut f.store,
        );
    }
    update(&mut app, Action::ArchiveConfirm, &mut f.store);
    let card = f.store.client_card(&f.alice, &number).unwrap();
    assert_eq!(
        card.archive_note.as_deref(),
        Some("переехал в другой город")
    );
}

#[test]
fn a_new_client_with_a_known_phone_names_that_client_before_it_is_added() {
    let mut f = fixture();
    let mut app = load(&f);
    let before = total(&mut app, &f.store);
    update(&mut app, Action::NewClient, &mut f.store);
    for c in "Ёлкина Пелагея".chars() {
        update(&mut app, Action::Form(FormInput::Char(c)), &mut f.store);
    }
    update(&mut app, Action::Form(FormInput::Next), &mut f.store);
    for c in "8 916 123 45 67".chars() {
        update(&mut app, Action::Form(FormInput::Char(c)), &mut f.store);
    }
    update(&mut app, Action::Form(FormInput::Submit), &mut f.store);
    let Some(Modal::AddClient(form)) = &app.modal else {
        panic!("added without a word about client 1")
    };
    assert!(
        form.message.as_deref().unwrap_or("").contains("Ёлкина"),
        "{:?}",
        form.message
    );
    update(&mut app, Action::Form(FormInput::Submit), &mut f.store);
    assert!(app.modal.is_none(), "the second Enter adds");
    app.reload_list(&f.store);
    assert_eq!(total(&mut app, &f.store), before + 1);
}

#[test]
fn the_card_says_when_the_next_contact_is() {
    use ratatui::backend::TestBackend;
    use ratatui::Terminal;
    let mut f = fixture();
    let mut app = load(&f);
    update(&mut app, Action::StartSearch, &mut f.store);
    for c in "елкина".chars() {
        update(&mut app, Action::SearchInput(c), &mut f.store);
    }
    update(&mut app, Action::SearchDone, &mut f.store);
    update(&mut app, Action::Open, &mut f.store);
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();
    terminal
        .draw(|frame| clientbook::tui::view::draw(frame, &app))
        .unwrap();
    let screen: String = terminal
        .backend()
        .buffer()
        .content()
        .iter()
        .map(|c| c.symbol())
        .collect();
    let today = Local::now().date_naive().format("%d.%m.%Y").to_string();
    assert!(
        screen.contains(&format!("Следующий контакт: {today}")),
        "no next contact on the card: {screen}"
    );
}

#[test]
fn page_keys_in_today_jump_between_sections() {
    let mut f = fixture();
    let mut app = load(&f);
    update(&mut app, Action::Focus(Pane::Today), &mut f.store);
    let sections: Vec<&str> = app.today_entries().iter().map(|e| e.section).collect();
    let mut starts = vec![0];
    starts.extend((1..sections.len()).filter(|&i| sections[i] != sections[i - 1]));
    assert!(
        starts.len() >= 2,
        "the fixture's day has sections: {sections:?}"
    );
    for want in &starts[1..] {
        update(&mut app, Action::PageDown, &mut f.store);
        assert_eq!(app.today.selected, *want);
    }
    // At a section's start PageUp goes to the one before; inside one, to its start.
    update(&mut app, Action::PageUp, &mut f.store);
    assert_eq!(app.today.selected, starts[starts.len() - 2]);
    let wide = starts
        .windows(2)
        .find(|w| w[1] - w[0] >= 2)
        .expect("a section of two lines or more");
    update(&mut app, Action::Select(wide[1] - 1), &mut f.store);
    update(&mut app, Action::PageUp, &mut f.store);
    assert_eq!(app.today.selected, wide[0]);
}

#[test]
fn logging_a_call_with_plus_one_week_leaves_today_and_shows_in_history() {
    let mut f = fixture();
    let mut app = load(&f);
    assert!(today_names(&app).contains(&"Ёлкина Пелагея".to_string()));
    update(&mut app, Action::Focus(Pane::Today), &mut f.store);
    let at = today_names(&app)
        .iter()
        .position(|n| n == "Ёлкина Пелагея")
        .unwrap();
    update(&mut app, Action::Select(at), &mut f.store);
    update(&mut app, Action::LogContact, &mut f.store);
    assert!(matches!(app.modal, Some(Modal::Log(_))));
    for c in "договорились о встрече".chars() {
        update(&mut app, Action::LogInput(LogInput::Char(c)), &mut f.store);
    }
    update(
        &mut app,
        Action::LogInput(LogInput::Choose(NextChoice::Week)),
        &mut f.store,
    );
    update(&mut app, Action::LogInput(LogInput::Submit), &mut f.store);
    assert!(app.modal.is_none(), "saved: {:?}", app.status);
    assert!(
        !today_names(&app).contains(&"Ёлкина Пелагея".to_string()),
        "done items leave Today"
    );
    update(&mut app, Action::Focus(Pane::Today), &mut f.store);
    // The card of the client shows the call and the next contact a week ahead.
    let card = f.store.client_card(&f.alice, "1").unwrap();
    assert_eq!(
        card.interactions[0].outcome.as_deref(),
        Some("договорились о встрече")
    );
    let next = card.tasks.iter().find(|t| t.done_at.is_none()).unwrap();
    let due = next.due_at.with_timezone(&Local).date_naive();
    assert_eq!(due, Local::now().date_naive() + Duration::days(7));
}

#[test]
fn moving_an_overdue_contact_by_a_day_takes_it_off_the_overdue_list() {
    let mut f = fixture();
    let mut app = load(&f);
    assert_eq!(app.today.today.overdue.items[0].client.name, "Петров Пётр");
    update(&mut app, Action::Focus(Pane::Today), &mut f.store);
    let at = app
        .today_entries()
        .iter()
        .position(|e| e.section == "today.overdue")
        .unwrap();
    update(&mut app, Action::Select(at), &mut f.store);
    update(&mut app, Action::Reschedule(NextChoice::Day), &mut f.store);
    assert_eq!(app.today.today.overdue.total, 0);
    update(&mut app, Action::NextDay, &mut f.store);
    let tomorrow: Vec<String> = app
        .today
        .today
        .due_today
        .items
        .iter()
        .map(|c| c.client.name.clone())
        .collect();
    assert_eq!(tomorrow, ["Петров Пётр"]);
    update(&mut app, Action::PrevDay, &mut f.store);
    assert_eq!(app.today.date, Local::now().date_naive());
}

#[test]
fn archiving_from_today_asks_why_and_removes_the_client() {
    let mut f = fixture();
    let mut app = load(&f);
    update(&mut app, Action::Focus(Pane::Today), &mut f.store);
    let at = today_names(&app)
        .iter()
        .position(|n| n == "Петров Пётр")
        .unwrap();
    update(&mut app, Action::Select(at), &mut f.store);
    update(&mut app, Action::Archive, &mut f.store);
    assert!(matches!(app.modal, Some(Modal::Archive { .. })));
    update(&mut app, Action::Down, &mut f.store);
    update(&mut app, Action::ArchiveConfirm, &mut f.store);
    assert!(app.modal.is_none());
    assert!(!today_names(&app).contains(&"Петров Пётр".to_string()));
    assert!(!names(&app).contains(&"Петров Пётр".to_string()));
    let card = f.store.client_card(&f.alice, "2").unwrap();
    assert_eq!(card.archive_reason.as_deref(), Some("price"));
}

#[test]
fn the_form_saves_nothing_until_valid_and_esc_leaves_no_trace() {
    let mut f = fixture();
    let mut app = load(&f);
    update(&mut app, Action::NewClient, &mut f.store);
    for c in "Новый Клиент".chars() {
        update(&mut app, Action::Form(FormInput::Char(c)), &mut f.store);
    }
    update(&mut app, Action::Form(FormInput::Next), &mut f.store);
    for c in "8916abc".chars() {
        update(&mut app, Action::Form(FormInput::Char(c)), &mut f.store);
    }
    update(&mut app, Action::Form(FormInput::Submit), &mut f.store);
    assert!(
        matches!(app.modal, Some(Modal::AddClient(_))),
        "an invalid form stays open"
    );
    assert_eq!(total(&mut app, &f.store), 152, "nothing was written");
    for _ in 0.."8916abc".len() {
        update(&mut app, Action::Form(FormInput::Backspace), &mut f.store);
    }
    for c in "+7 903 555-12-12".chars() {
        update(&mut app, Action::Form(FormInput::Char(c)), &mut f.store);
    }
    update(&mut app, Action::Form(FormInput::Submit), &mut f.store);
    assert!(app.modal.is_none());
    assert_eq!(app.focus, Pane::Card);
    assert_eq!(app.card.as_ref().unwrap().phones, ["+79035551212"]);
    assert_eq!(total(&mut app, &f.store), 153);

    update(&mut app, Action::NewClient, &mut f.store);
    for c in "Передумал Отменил".chars() {
        update(&mut app, Action::Form(FormInput::Char(c)), &mut f.store);
    }
    // The first Esc asks; a key goes on editing; two Esc in a row throw it away.
    update(&mut app, Action::Form(FormInput::Cancel), &mut f.store);
    let Some(Modal::AddClient(form)) = &app.modal else {
        panic!("Esc threw a filled form away without asking")
    };
    assert!(form.message.is_some());
    update(&mut app, Action::Form(FormInput::Char('!')), &mut f.store);
    update(&mut app, Action::Form(FormInput::Cancel), &mut f.store);
    assert!(app.modal.is_some(), "a key in between asks again");
    update(&mut app, Action::Form(FormInput::Cancel), &mut f.store);
    assert!(app.modal.is_none());
    app.reload_list(&f.store);
    assert_eq!(total(&mut app, &f.store), 153);
    // An untouched form closes at once.
    update(&mut app, Action::NewClient, &mut f.store);
    update(&mut app, Action::Form(FormInput::Cancel), &mut f.store);
    assert!(app.modal.is_none());
}

#[test]
fn esc_on_the_card_goes_back_to_where_it_was_opened() {
    let mut f = fixture();
    let mut app = open_first_client(&mut f);
    assert_eq!(app.focus, Pane::Card);
    let from = app.card_from;
    update(&mut app, Action::Back, &mut f.store);
    assert_eq!(app.focus, from);
    // From Today, back to Today.
    update(&mut app, Action::Focus(Pane::Today), &mut f.store);
    update(&mut app, Action::Open, &mut f.store);
    if app.focus == Pane::Card {
        update(&mut app, Action::Back, &mut f.store);
        assert_eq!(app.focus, Pane::Today);
    }
}

#[test]
fn the_welcome_screen_shows_on_an_empty_base_and_loads_demo_data() {
    set_language(Lang::Ru);
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open_as_device(&dir.path().join("base.db"), "device-a").unwrap();
    let admin = store.init("admin", "Admin").unwrap();
    let mut app = App::load(&store, admin, Local::now().date_naive());
    assert!(matches!(app.modal, Some(Modal::Welcome)));
    update(&mut app, Action::LoadDemo, &mut store);
    assert!(app.modal.is_none());
    assert!(total(&mut app, &store) > 100, "demo clients are listed");
    assert!(
        !app.today.today.is_empty(),
        "the admin's own demo clients fill Today"
    );
}

#[test]
fn help_opens_and_any_key_closes_it() {
    let mut f = fixture();
    let mut app = load(&f);
    update(&mut app, Action::ShowHelp, &mut f.store);
    assert!(matches!(app.modal, Some(Modal::Help(_))));
    update(&mut app, Action::Close, &mut f.store);
    assert!(app.modal.is_none());
    update(&mut app, Action::FocusNext, &mut f.store);
    assert_eq!(app.focus, Pane::Card);
    update(&mut app, Action::NextTab, &mut f.store);
    assert_eq!(app.card_tab, clientbook::tui::app::CardTab::History);
    update(&mut app, Action::Quit, &mut f.store);
    assert!(app.quit);
}

#[test]
fn demo_clients_are_found_by_their_own_manager() {
    set_language(Lang::Ru);
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open_as_device(&dir.path().join("base.db"), "device-a").unwrap();
    let admin = store.init("admin", "Admin").unwrap();
    let options = clientbook::store::demo::DemoOptions {
        clients: 300,
        managers: 3,
        seed: 1,
    };
    store.load_demo(&admin, options, |_| {}).unwrap();
    let ivanova = store.viewer(Some("ivanova")).unwrap();
    let all = store
        .list_clients(&ivanova, &Default::default(), None, 1000)
        .unwrap()
        .rows;
    // Search for a word of each of her clients' names: every one is found, by her.
    for row in all.iter().filter(|r| r.kind == "person").take(20) {
        let word = row.name.split(' ').next().unwrap().to_lowercase();
        let query = clientbook::store::ListQuery {
            search: word.clone(),
            ..Default::default()
        };
        let found = store
            .list_clients(&ivanova, &query, None, 1000)
            .unwrap()
            .rows;
        assert!(
            found.iter().any(|r| r.number == row.number),
            "{word} finds {}",
            row.name
        );
        assert!(found.iter().all(|r| r.manager == "ivanova"));
    }
}

fn type_entry(app: &mut App, store: &mut Store, text: &str) {
    use clientbook::tui::entry_dialog::EntryInput;
    for c in text.chars() {
        update(app, Action::Entry(EntryInput::Char(c)), store);
    }
}

fn open_first_client(f: &mut Fixture) -> App {
    let mut app = load(f);
    update(&mut app, Action::Open, &mut f.store);
    assert_eq!(app.focus, Pane::Card);
    app
}

#[test]
fn an_order_is_checked_then_saved_to_the_card() {
    use clientbook::tui::entry_dialog::{EntryInput, EntryKind};
    let mut f = fixture();
    let mut app = open_first_client(&mut f);
    let number = app.card.as_ref().unwrap().number.clone();
    update(&mut app, Action::OpenEntry(EntryKind::Order), &mut f.store);
    type_entry(&mut app, &mut f.store, "12,3.4");
    update(&mut app, Action::Entry(EntryInput::Submit), &mut f.store);
    let Some(Modal::Entry(dialog)) = &app.modal else {
        panic!("the dialog stays open")
    };
    assert!(dialog.fields[0]
        .error
        .as_deref()
        .unwrap()
        .contains("12,3.4"));
    assert_eq!(
        f.store.client_card(&f.alice, &number).unwrap().orders_count,
        0,
        "nothing written"
    );
    for _ in 0..6 {
        update(&mut app, Action::Entry(EntryInput::Backspace), &mut f.store);
    }
    type_entry(&mut app, &mut f.store, "1 500,50");
    update(&mut app, Action::Entry(EntryInput::Submit), &mut f.store);
    assert!(app.modal.is_none(), "{}", app.status);
    assert_eq!(app.card.as_ref().unwrap().total_spent_minor, 150_050);
}

#[test]
fn consent_and_a_decision_maker_are_recorded_from_the_card() {
    use clientbook::tui::entry_dialog::{EntryInput, EntryKind};
    let mut f = fixture();
    let mut app = open_first_client(&mut f);
    update(
        &mut app,
        Action::OpenEntry(EntryKind::Consent),
        &mut f.store,
    );
    update(&mut app, Action::Entry(EntryInput::Cycle), &mut f.store);
    update(&mut app, Action::Entry(EntryInput::Submit), &mut f.store);
    let card = app.card.clone().unwrap();
    assert_eq!(card.consents[0].purpose, "marketing");
    assert_eq!(card.consents[0].status, "given");

    update(&mut app, Action::OpenEntry(EntryKind::Person), &mut f.store);
    type_entry(&mut app, &mut f.store, "Сидоров Олег");
    update(&mut app, Action::Entry(EntryInput::Next), &mut f.store);
    type_entry(&mut app, &mut f.store, "директор");
    update(&mut app, Action::Entry(EntryInput::Next), &mut f.store);
    type_entry(&mut app, &mut f.store, "8 916 abc");
    update(&mut app, Action::Entry(EntryInput::Submit), &mut f.store);
    let Some(Modal::Entry(dialog)) = &app.modal else {
        panic!("a phone with letters keeps the dialog open")
    };
    assert!(dialog.fields[2]
        .error
        .as_deref()
        .unwrap()
        .contains("8 916 abc"));
    for _ in 0..3 {
        update(&mut app, Action::Entry(EntryInput::Backspace), &mut f.store);
    }
    type_entry(&mut app, &mut f.store, "555-12-12");
    update(&mut app, Action::Entry(EntryInput::Next), &mut f.store);
    update(&mut app, Action::Entry(EntryInput::Next), &mut f.store);
    update(&mut app, Action::Entry(EntryInput::Cycle), &mut f.store);
    update(&mut app, Action::Entry(EntryInput::Submit), &mut f.store);
    assert!(app.modal.is_none(), "{}", app.status);
    let person = &app.card.as_ref().unwrap().people[0];
    assert_eq!(person.name, "Сидоров Олег");
    assert_eq!(person.phone.as_deref(), Some("+79165551212"));
    assert!(person.decision_maker);
}

#[test]
fn editing_a_client_changes_only_what_was_changed() {
    let mut f = fixture();
    let mut app = open_first_client(&mut f);
    let before = app.card.clone().unwrap();
    update(&mut app, Action::EditClient, &mut f.store);
    let Some(Modal::AddClient(form)) = &app.modal else {
        panic!("the form opens")
    };
    assert_eq!(form.editing.as_deref(), Some(before.number.as_str()));
    let city = form
        .fields
        .iter()
        .position(|f| f.field == Field::City)
        .unwrap();
    for _ in 0..city {
        update(&mut app, Action::Form(FormInput::Next), &mut f.store);
    }
    for c in "Казань".chars() {
        update(&mut app, Action::Form(FormInput::Char(c)), &mut f.store);
    }
    update(&mut app, Action::Form(FormInput::Submit), &mut f.store);
    assert!(app.modal.is_none(), "{}", app.status);
    let after = app.card.clone().unwrap();
    assert_eq!(after.city.as_deref(), Some("Казань"));
    assert_eq!((after.name, after.phones), (before.name, before.phones));
    let change = &after.history[0];
    assert_eq!(change.fields["city"], "Казань");
}

#[test]
fn a_city_is_edited_in_place_with_the_cursor_keys_not_appended_to() {
    use clientbook::tui::text::TextEdit;
    let mut f = fixture();
    let mut app = open_first_client(&mut f);
    // First the city is Москва.
    update(&mut app, Action::EditClient, &mut f.store);
    let Some(Modal::AddClient(form)) = &app.modal else {
        panic!("the form opens")
    };
    let city = form
        .fields
        .iter()
        .position(|f| f.field == Field::City)
        .unwrap();
    for _ in 0..city {
        update(&mut app, Action::Form(FormInput::Next), &mut f.store);
    }
    for c in "Москва".chars() {
        update(&mut app, Action::Form(FormInput::Char(c)), &mut f.store);
    }
    update(&mut app, Action::Form(FormInput::Submit), &mut f.store);
    update(&mut app, Action::EditClient, &mut f.store);
    for _ in 0..city {
        update(&mut app, Action::Form(FormInput::Next), &mut f.store);
    }
    // Ctrl+U clears what is before the cursor; then a fix in the middle: Home, →, Delete.
    let edit = |app: &mut App, f: &mut Fixture, e: TextEdit| {
        update(app, Action::Form(FormInput::Edit(e)), &mut f.store)
    };
    edit(&mut app, &mut f, TextEdit::DeleteToStart);
    for c in "Санкт-Птербург".chars() {
        update(&mut app, Action::Form(FormInput::Char(c)), &mut f.store);
    }
    for _ in 0.."тербург".chars().count() {
        edit(&mut app, &mut f, TextEdit::Left);
    }
    update(&mut app, Action::Form(FormInput::Char('е')), &mut f.store);
    edit(&mut app, &mut f, TextEdit::End);
    update(&mut app, Action::Form(FormInput::Submit), &mut f.store);
    assert!(app.modal.is_none(), "{}", app.status);
    assert_eq!(
        app.card.as_ref().unwrap().city.as_deref(),
        Some("Санкт-Петербург")
    );
}

#[test]
fn editing_keys_edit_every_text_and_ctrl_letters_never_type() {
    use clientbook::tui::keymap::{action_for_key, action_for_paste};
    use clientbook::tui::text::TextEdit;
    use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    let mut f = fixture();
    let mut app = load(&f);
    let ctrl = |c| KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL);
    let plain = |code| KeyEvent::new(code, KeyModifiers::NONE);
    // The search line.
    update(&mut app, Action::StartSearch, &mut f.store);
    assert_eq!(
        action_for_key(&app, ctrl('w')),
        Some(Action::SearchEdit(TextEdit::DeleteWordBack))
    );
    assert_eq!(
        action_for_key(&app, plain(KeyCode::Home)),
        Some(Action::SearchEdit(TextEdit::Home))
    );
    update(&mut app, Action::ClearSearch, &mut f.store);
    // The client form, on both layouts.
    update(&mut app, Action::NewClient, &mut f.store);
    for (key, edit) in [
        (ctrl('u'), TextEdit::DeleteToStart),
        (ctrl('г'), TextEdit::DeleteToStart),
        (ctrl('a'), TextEdit::Home),
        (ctrl('e'), TextEdit::End),
        (ctrl('k'), TextEdit::DeleteToEnd),
        (plain(KeyCode::Left), TextEdit::Left),
        (plain(KeyCode::Delete), TextEdit::Delete),
    ] {
        assert_eq!(
            action_for_key(&app, key),
            Some(Action::Form(FormInput::Edit(edit)))
        );
    }
    assert_eq!(action_for_key(&app, ctrl('x')), None, "Ctrl+X types no x");
    assert_eq!(
        action_for_paste(&app, "+7 916 123-45-67".into()),
        Some(Action::Form(FormInput::Edit(TextEdit::Paste(
            "+7 916 123-45-67".into()
        ))))
    );
}

#[test]
fn a_contact_is_scheduled_two_weeks_ahead() {
    use clientbook::tui::entry_dialog::{EntryInput, EntryKind};
    let mut f = fixture();
    let mut app = open_first_client(&mut f);
    update(
        &mut app,
        Action::OpenEntry(EntryKind::Schedule),
        &mut f.store,
    );
    for _ in 0.."tomorrow".len() {
        update(&mut app, Action::Entry(EntryInput::Backspace), &mut f.store);
    }
    type_entry(&mut app, &mut f.store, "+2w 15:30");
    update(&mut app, Action::Entry(EntryInput::Submit), &mut f.store);
    assert!(app.modal.is_none(), "{}", app.status);
    let due: Vec<_> = app
        .card
        .as_ref()
        .unwrap()
        .tasks
        .iter()
        .filter(|t| t.done_at.is_none())
        .map(|t| t.due_at.with_timezone(&Local))
        .collect();
    let expected = Local::now().date_naive() + Duration::days(14);
    assert!(
        due.iter()
            .any(|d| d.date_naive() == expected && d.format("%H:%M").to_string() == "15:30"),
        "{due:?}"
    );
}

#[test]
fn scheduling_too_soon_warns_in_the_form_and_a_second_enter_saves() {
    use clientbook::tui::entry_dialog::{EntryInput, EntryKind};
    let mut f = fixture();
    let mut app = load(&f);
    // Ёлкина has a contact today; "tomorrow" is closer than the 7-day minimum.
    update(&mut app, Action::StartSearch, &mut f.store);
    for c in "елкина".chars() {
        update(&mut app, Action::SearchInput(c), &mut f.store);
    }
    update(&mut app, Action::SearchDone, &mut f.store);
    update(&mut app, Action::Open, &mut f.store);
    update(
        &mut app,
        Action::OpenEntry(EntryKind::Schedule),
        &mut f.store,
    );
    update(&mut app, Action::Entry(EntryInput::Submit), &mut f.store);
    let Some(Modal::Entry(dialog)) = &app.modal else {
        panic!("the warning keeps the form open")
    };
    assert!(dialog.message.is_some());
    let open_tasks = |app: &App| {
        app.card
            .as_ref()
            .unwrap()
            .tasks
            .iter()
            .filter(|t| t.done_at.is_none())
            .count()
    };
    assert_eq!(open_tasks(&app), 1, "nothing saved yet");
    update(&mut app, Action::Entry(EntryInput::Submit), &mut f.store);
    assert!(app.modal.is_none());
    assert_eq!(open_tasks(&app), 2);
}

#[test]
fn import_shows_the_column_mapping_before_writing_anything() {
    use clientbook::tui::import_dialog::ImportInput;
    let mut f = fixture();
    let file = f._dir.path().join("клиенты.csv");
    std::fs::write(
        &file,
        "ФИО;Телефон;Дата рождения;Город\n\
         Сидорова Анна Петровна;8 903 111-22-33;01.02.1990;Казань\n\
         Дублёва Ёлкина;+7 916 123-45-67;;Москва\n\
         Плохова Дата;8 903 222-33-44;31.02.1990;Тула\n",
    )
    .unwrap();
    let mut app = load(&f);
    update(&mut app, Action::StartImport, &mut f.store);
    for c in file.display().to_string().chars() {
        update(&mut app, Action::Import(ImportInput::Char(c)), &mut f.store);
    }
    update(&mut app, Action::Import(ImportInput::Confirm), &mut f.store);
    let Some(Modal::Import(dialog)) = &app.modal else {
        panic!("the preview is shown")
    };
    let report = dialog.preview.as_ref().expect("a dry run");
    let mapped: Vec<String> = report.columns.iter().map(|c| c.header.clone()).collect();
    assert_eq!(mapped, ["ФИО", "Телефон", "Дата рождения", "Город"]);
    assert!(
        report.columns.iter().all(|c| c.target.is_some()),
        "every Russian header is recognised"
    );
    // A bad date costs only itself: the row is imported, the date kept in its notes.
    assert_eq!((report.created, report.skipped, report.rejected), (2, 1, 0));
    assert_eq!(report.problems.len(), 1);
    assert!(report.problems[0].kept);
    assert_eq!(total(&mut app, &f.store), 152, "the preview wrote nothing");
    update(&mut app, Action::Import(ImportInput::Confirm), &mut f.store);
    assert!(app.modal.is_none(), "{}", app.status);
    assert_eq!(
        total(&mut app, &f.store),
        154,
        "the two new rows were imported, the duplicate skipped"
    );
}

#[test]
fn duplicates_are_compared_side_by_side_then_merged() {
    use clientbook::tui::dupes_view::DupesInput;
    let mut f = fixture();
    let twin = add(
        &mut f.store,
        &f.alice,
        "Елкина Пелагея",
        Some("8 916 123 45 67"),
    );
    let mut app = load(&f);
    assert_eq!(total(&mut app, &f.store), 153);
    update(&mut app, Action::ShowDupes, &mut f.store);
    let Some(Modal::Dupes(view)) = &app.modal else {
        panic!("the duplicates view opens")
    };
    let numbers: Vec<&str> = view.groups[0]
        .clients
        .iter()
        .map(|c| c.number.as_str())
        .collect();
    assert!(
        numbers.contains(&"1") && numbers.contains(&twin.as_str()),
        "{numbers:?}"
    );
    update(&mut app, Action::Dupes(DupesInput::Confirm), &mut f.store);
    let Some(Modal::Dupes(view)) = &app.modal else {
        panic!("still open")
    };
    assert!(
        view.comparing.is_some(),
        "a side-by-side comparison before merging"
    );
    assert_eq!(total(&mut app, &f.store), 153, "nothing merged yet");
    update(&mut app, Action::Dupes(DupesInput::Confirm), &mut f.store);
    update(&mut app, Action::Dupes(DupesInput::Back), &mut f.store);
    assert!(app.modal.is_none());
    assert_eq!(
        total(&mut app, &f.store),
        152,
        "one of the two is left as a tombstone"
    );
}

#[test]
fn the_quality_report_opens_from_the_palette() {
    use clientbook::tui::palette::PaletteInput;
    let mut f = fixture();
    let mut app = load(&f);
    update(&mut app, Action::OpenPalette, &mut f.store);
    let wanted = clientbook::i18n::tr("palette.quality");
    let typed: String = wanted.chars().take(5).collect();
    for c in typed.chars() {
        update(
            &mut app,
            Action::Palette(PaletteInput::Char(c)),
            &mut f.store,
        );
    }
    update(&mut app, Action::Palette(PaletteInput::Run), &mut f.store);
    let Some(Modal::Quality(report)) = &app.modal else {
        panic!("the report opens: {:?}", app.modal.is_some())
    };
    // 150 of alice's clients have no phone or e-mail.
    let no_contact = report
        .issues
        .iter()
        .find(|i| i.issue == clientbook::store::quality::Issue::NoContact)
        .unwrap();
    assert_eq!(no_contact.clients, 151);
}

#[test]
fn editing_a_latin_named_client_keeps_first_and_last_names_in_place() {
    let mut f = fixture();
    let number = add(&mut f.store, &f.alice, "John Smith", None);
    let mut app = load(&f);
    app.card = Some(f.store.client_card(&f.alice, &number).unwrap());
    app.focus = Pane::Card;
    update(&mut app, Action::EditClient, &mut f.store);
    let Some(Modal::AddClient(form)) = &app.modal else {
        panic!("the form opens")
    };
    let name = form.fields.iter().find(|x| x.field == Field::Name).unwrap();
    assert_eq!(name.value, "John Smith");
    let city = form
        .fields
        .iter()
        .position(|x| x.field == Field::City)
        .unwrap();
    for _ in 0..city {
        update(&mut app, Action::Form(FormInput::Next), &mut f.store);
    }
    for c in "London".chars() {
        update(&mut app, Action::Form(FormInput::Char(c)), &mut f.store);
    }
    update(&mut app, Action::Form(FormInput::Submit), &mut f.store);
    let card = f.store.client_card(&f.alice, &number).unwrap();
    assert_eq!(
        (card.first_name.as_deref(), card.last_name.as_deref()),
        (Some("John"), Some("Smith"))
    );
    assert_eq!(card.city.as_deref(), Some("London"));
    // Only the city was sent: the change log holds that one field.
    assert_eq!(
        card.history[0]
            .fields
            .as_object()
            .unwrap()
            .keys()
            .collect::<Vec<_>>(),
        ["city"]
    );
}

#[test]
fn logging_a_call_and_planning_the_next_for_tomorrow_warns_first() {
    let mut f = fixture();
    let mut app = load(&f);
    update(&mut app, Action::Focus(Pane::Today), &mut f.store);
    let at = today_names(&app)
        .iter()
        .position(|n| n == "Ёлкина Пелагея")
        .unwrap();
    update(&mut app, Action::Select(at), &mut f.store);
    update(&mut app, Action::LogContact, &mut f.store);
    update(
        &mut app,
        Action::LogInput(LogInput::Choose(NextChoice::Day)),
        &mut f.store,
    );
    update(&mut app, Action::LogInput(LogInput::Submit), &mut f.store);
    let Some(Modal::Log(dialog)) = &app.modal else {
        panic!("rule 4 keeps the dialog open")
    };
    assert!(
        dialog.warning.is_some(),
        "a call today and the next tomorrow is closer than 7 days"
    );
    assert!(
        f.store
            .client_card(&f.alice, "1")
            .unwrap()
            .interactions
            .is_empty(),
        "nothing saved yet"
    );
    update(&mut app, Action::LogInput(LogInput::Submit), &mut f.store);
    assert!(app.modal.is_none());
    assert_eq!(
        f.store
            .client_card(&f.alice, "1")
            .unwrap()
            .interactions
            .len(),
        1
    );
}

#[test]
fn history_says_who_changed_the_phone_and_when() {
    let mut f = fixture();
    let mut draft = ClientDraft::default();
    draft.set(Field::Phones, "+7 916 123-45-67, 8 903 000 11 22");
    f.store.edit_client(&f.alice, "1", &draft).unwrap();
    let card = f.store.client_card(&f.alice, "1").unwrap();
    let entries = clientbook::present::history_entries(&card);
    let added = entries
        .iter()
        .find(|e| e.text.contains("+7 903 000-11-22"))
        .expect("the new phone is in the history");
    assert_eq!(added.who.as_deref(), Some("alice"));
    assert_eq!(added.what, clientbook::i18n::tr("history.phone_insert"));
    assert!(entries
        .iter()
        .any(|e| e.what == clientbook::i18n::tr("history.client_insert")));
}

#[test]
fn the_filter_bar_narrows_the_list_and_names_a_bad_term() {
    use clientbook::tui::filter_bar::FilterInput;
    let mut f = fixture();
    let gold = add(&mut f.store, &f.alice, "Золотов Илья", None);
    f.store
        .add_order(
            &f.alice,
            &gold,
            &NewOrder {
                amount_minor: 15_000_000,
                currency: "RUB".into(),
                date: None,
                items: 1,
                status: clientbook::domain::codes::OrderStatus::Completed,
            },
        )
        .unwrap();
    let mut app = App::load(&f.store, f.alice.clone(), Local::now().date_naive());
    update(&mut app, Action::OpenFilter, &mut f.store);
    assert!(matches!(app.modal, Some(Modal::Filter(_))));
    for c in "tier:gold colour:red".chars() {
        update(&mut app, Action::Filter(FilterInput::Char(c)), &mut f.store);
    }
    update(&mut app, Action::Filter(FilterInput::Apply), &mut f.store);
    match &app.modal {
        Some(Modal::Filter(bar)) => {
            assert!(bar.error.as_deref().unwrap_or("").contains("colour:red"))
        }
        other => panic!("the bar closed on a bad term: {other:?}"),
    }
    for _ in " colour:red".chars() {
        update(
            &mut app,
            Action::Filter(FilterInput::Backspace),
            &mut f.store,
        );
    }
    update(&mut app, Action::Filter(FilterInput::Apply), &mut f.store);
    assert!(app.modal.is_none());
    app.settle(&f.store);
    let names: Vec<&str> = app.list.rows.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, ["Золотов Илья"]);
    assert_eq!(app.list.total, Some(1));
    assert_eq!(app.list.rows[0].tier.as_deref(), Some("gold"));
    // An empty filter shows everyone again.
    update(&mut app, Action::OpenFilter, &mut f.store);
    for _ in "tier:gold".chars() {
        update(
            &mut app,
            Action::Filter(FilterInput::Backspace),
            &mut f.store,
        );
    }
    update(&mut app, Action::Filter(FilterInput::Apply), &mut f.store);
    app.settle(&f.store);
    assert!(app.list.rows.len() > 1);
    let everyone = total(&mut app, &f.store);

    // The list and its count follow the text while it is typed; Esc puts them back.
    update(&mut app, Action::OpenFilter, &mut f.store);
    for c in "tier:gold".chars() {
        update(&mut app, Action::Filter(FilterInput::Char(c)), &mut f.store);
    }
    assert!(app.modal.is_some());
    assert_eq!(
        total(&mut app, &f.store),
        1,
        "the list follows the typed filter"
    );
    update(&mut app, Action::Filter(FilterInput::Cancel), &mut f.store);
    assert_eq!(
        total(&mut app, &f.store),
        everyone,
        "Esc puts the list back"
    );

    // 0 (all clients) drops an applied filter too, not only the quick segment.
    update(&mut app, Action::OpenFilter, &mut f.store);
    for c in "tier:gold".chars() {
        update(&mut app, Action::Filter(FilterInput::Char(c)), &mut f.store);
    }
    update(&mut app, Action::Filter(FilterInput::Apply), &mut f.store);
    assert_eq!(total(&mut app, &f.store), 1);
    update(&mut app, Action::Segment(None), &mut f.store);
    assert_eq!(total(&mut app, &f.store), everyone);
    assert!(app.list.filter_label.is_empty());

    // A segment is saved from the bar (F2, a name, Enter) and deleted there (F8).
    update(&mut app, Action::OpenFilter, &mut f.store);
    for c in "tier:gold".chars() {
        update(&mut app, Action::Filter(FilterInput::Char(c)), &mut f.store);
    }
    update(&mut app, Action::Filter(FilterInput::Save), &mut f.store);
    for c in "Золото".chars() {
        update(&mut app, Action::Filter(FilterInput::Char(c)), &mut f.store);
    }
    update(&mut app, Action::Filter(FilterInput::Apply), &mut f.store);
    let saved = f.store.saved_segments(&f.alice).unwrap();
    assert!(
        saved
            .iter()
            .any(|s| s.name == "Золото" && s.filter == "tier:gold"),
        "{saved:?}"
    );
    let Some(Modal::Filter(bar)) = &app.modal else {
        panic!("the bar stays open after saving")
    };
    assert!(
        bar.selected.is_some(),
        "the saved segment is the one picked"
    );
    update(&mut app, Action::Filter(FilterInput::Delete), &mut f.store);
    assert!(f
        .store
        .saved_segments(&f.alice)
        .unwrap()
        .iter()
        .all(|s| s.name != "Золото"));
}

#[test]
fn reports_are_computed_between_frames_and_the_last_ones_shown_at_once() {
    let mut f = fixture();
    let mut app = App::load(&f.store, f.alice.clone(), Local::now().date_naive());
    app.settle(&f.store);
    update(&mut app, Action::ShowReports, &mut f.store);
    // Nothing is computed while the key is handled: the next frame comes first.
    assert!(app.modal.is_none());
    assert!(app.unsettled());
    app.settle(&f.store);
    let Some(Modal::Reports(view)) = &app.modal else {
        panic!("the reports did not open: {:?}", app.modal)
    };
    assert!(view.metrics.totals.leads >= 2, "{:?}", view.metrics.totals);
    update(&mut app, Action::Close, &mut f.store);
    assert!(app.modal.is_none());
    // Opened again: the last figures at once, refreshed when the keys rest.
    update(&mut app, Action::ShowReports, &mut f.store);
    assert!(matches!(app.modal, Some(Modal::Reports(_))));
    assert!(app.unsettled());
    app.settle(&f.store);
    assert!(!app.unsettled());
    assert!(matches!(app.modal, Some(Modal::Reports(_))));
}

/// Backups taken before a merge go to the data directory: a temporary one, never the
/// user's.
fn data_dir_for_tests() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let dir =
            std::env::temp_dir().join(format!("clientbook-tui-update-{}", std::process::id()));
        std::env::set_var("CLIENTBOOK_DATA_DIR", dir);
    });
}

/// Two devices sharing one team file: on each, `boss` changed the city of both
/// clients without seeing the other's change, then both synced. Device B holds two
/// open conflicts.
struct Shared {
    _dir: tempfile::TempDir,
    a: Store,
    b: Store,
    boss_a: Viewer,
    boss_b: Viewer,
    numbers: Vec<String>,
}

fn shared() -> Shared {
    data_dir_for_tests();
    set_language(Lang::Ru);
    let dir = tempfile::tempdir().unwrap();
    let team = dir.path().join("share").join("base.db");
    std::fs::create_dir_all(team.parent().unwrap()).unwrap();
    let a_path = dir.path().join("a.db");
    let b_path = dir.path().join("b.db");
    let numbers = {
        let mut a = Store::open_as_device(&a_path, "dev-a").unwrap();
        let boss = a.init("boss", "Борис Босс").unwrap();
        a.set_setting(&boss, "rule_new_lead", "0").unwrap();
        vec![
            add(&mut a, &boss, "Ёлкина Пелагея", None),
            add(&mut a, &boss, "Петров Пётр", None),
        ]
    };
    let mut a = Store::open_replica(&a_path, "dev-a", &team).unwrap();
    a.sync().unwrap();
    std::fs::copy(&team, &b_path).unwrap();
    let mut b = Store::open_replica(&b_path, "dev-b", &team).unwrap();
    let boss_a = a.viewer(Some("boss")).unwrap();
    let boss_b = b.viewer(Some("boss")).unwrap();
    for (store, who, city) in [(&mut a, &boss_a, "Тверь"), (&mut b, &boss_b, "Казань")] {
        for number in &numbers {
            let mut draft = ClientDraft::default();
            draft.set(Field::City, city);
            store.edit_client(who, number, &draft).unwrap();
        }
    }
    a.sync().unwrap();
    let report = b.sync().unwrap();
    assert_eq!(report.came_in.conflicts, 2, "{report:?}");
    Shared {
        _dir: dir,
        a,
        b,
        boss_a,
        boss_b,
        numbers,
    }
}

#[test]
fn conflicts_show_on_today_and_are_decided_in_their_view() {
    use clientbook::tui::conflicts_view::ConflictsInput;
    let mut s = shared();
    let mut app = App::load(&s.b, s.boss_b.clone(), Local::now().date_naive());
    assert_eq!(app.conflicts, 2, "the badge on Today counts them");
    update(&mut app, Action::ShowConflicts, &mut s.b);
    let Some(Modal::Conflicts(view)) = &app.modal else {
        panic!("the conflicts view opens")
    };
    assert_eq!(view.conflicts.len(), 2);
    assert_eq!(view.selected, 0);
    update(&mut app, Action::Conflicts(ConflictsInput::Down), &mut s.b);
    let Some(Modal::Conflicts(view)) = &app.modal else {
        panic!("still open")
    };
    assert_eq!(view.selected, 1);
    let second = view.conflicts[1].clone();
    // Take theirs on the second: the other value is the client's now.
    update(&mut app, Action::Conflicts(ConflictsInput::Take), &mut s.b);
    let Some(Modal::Conflicts(view)) = &app.modal else {
        panic!("still open")
    };
    assert_eq!(view.conflicts.len(), 1, "the list is read again");
    assert_eq!(app.conflicts, 1, "so is the badge");
    assert!(app.status.contains("взято"), "{}", app.status);
    let number = second.client_number.clone().unwrap();
    let card = s.b.client_card(&s.boss_b, &number).unwrap();
    assert_eq!(Some(card.city.unwrap().as_str()), second.other.as_str());
    // Keep mine on the first: the value in the base stays.
    let first = view.conflicts[0].clone();
    update(&mut app, Action::Conflicts(ConflictsInput::Keep), &mut s.b);
    assert_eq!(app.conflicts, 0);
    assert_eq!(s.b.count_open_conflicts(&s.boss_b).unwrap(), 0);
    let number = first.client_number.clone().unwrap();
    let card = s.b.client_card(&s.boss_b, &number).unwrap();
    assert_eq!(Some(card.city.unwrap().as_str()), first.kept.as_str());
    // Nothing left: a key does nothing, Esc goes back.
    update(&mut app, Action::Conflicts(ConflictsInput::Keep), &mut s.b);
    update(&mut app, Action::Close, &mut s.b);
    assert!(app.modal.is_none());
    assert!(s.numbers.contains(&number));
}

#[test]
fn the_conflicts_view_opens_from_its_key_and_the_palette() {
    use clientbook::tui::keymap::action_for_key;
    use clientbook::tui::palette::PaletteInput;
    use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    let mut s = shared();
    let mut app = App::load(&s.b, s.boss_b.clone(), Local::now().date_naive());
    let key = KeyEvent::new(KeyCode::Char('K'), KeyModifiers::SHIFT);
    assert_eq!(action_for_key(&app, key), Some(Action::ShowConflicts));
    update(&mut app, Action::OpenPalette, &mut s.b);
    for c in "конфликт".chars() {
        update(&mut app, Action::Palette(PaletteInput::Char(c)), &mut s.b);
    }
    update(&mut app, Action::Palette(PaletteInput::Run), &mut s.b);
    assert!(matches!(app.modal, Some(Modal::Conflicts(_))));
    let m = KeyEvent::new(KeyCode::Char('m'), KeyModifiers::NONE);
    assert_eq!(
        action_for_key(&app, m),
        Some(Action::Conflicts(
            clientbook::tui::conflicts_view::ConflictsInput::Keep
        ))
    );
}

#[test]
fn a_background_sync_reports_in_the_status_bar_and_reloads_the_screen() {
    use clientbook::tui::background::Syncer;
    let mut s = shared();
    let mut app = App::load(&s.b, s.boss_b.clone(), Local::now().date_naive());
    // Device A adds a client and publishes it.
    let newcomer = add(&mut s.a, &s.boss_a, "Новикова Алёна", None);
    s.a.sync().unwrap();
    assert!(!app.list.rows.iter().any(|r| r.number == newcomer));
    let mut syncer = Syncer::start(&s.b, std::time::Duration::from_millis(50)).unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    let news = loop {
        if let Some(news) = syncer.try_news() {
            break news;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no news from the sync"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    assert!(news.brought_changes(), "{news:?}");
    update(&mut app, Action::Synced(news), &mut s.b);
    assert!(
        app.status.starts_with("синхронизировано: принято"),
        "{}",
        app.status
    );
    assert!(!app.status_warning && !app.status_error);
    assert!(
        app.list.rows.iter().any(|r| r.number == newcomer),
        "the list was read again"
    );
    // A write on this device goes out with the next sync, or the last one on quit.
    add(&mut s.b, &s.boss_b, "Сидоров Олег", None);
    assert!(syncer.stop(std::time::Duration::from_secs(30)));
    let report = s.a.sync().unwrap();
    assert!(report.came_in.changes > 0, "{report:?}");
}

#[test]
fn a_failed_sync_is_a_warning_shown_once_and_work_goes_on() {
    use clientbook::tui::background::SyncNews;
    let mut f = fixture();
    let mut app = load(&f);
    update(
        &mut app,
        Action::Synced(SyncNews::Failed("нет доступа".into())),
        &mut f.store,
    );
    assert!(app.status_warning, "{}", app.status);
    assert!(app.status.contains("нет доступа"));
    app.status = "Клиент 1 сохранён".into();
    update(
        &mut app,
        Action::Synced(SyncNews::Failed("нет доступа".into())),
        &mut f.store,
    );
    assert_eq!(
        app.status, "Клиент 1 сохранён",
        "not again every few seconds"
    );
    // Back: the next sync says so; a quiet one later says nothing.
    let quiet = SyncNews::Synced {
        came_in: 0,
        went_out: 0,
        published: false,
        conflicts: 0,
        refused: vec![],
    };
    update(&mut app, Action::Synced(quiet.clone()), &mut f.store);
    assert!(app.status.starts_with("синхронизировано"), "{}", app.status);
    assert!(!app.status_warning);
    app.status = "Клиент 1 сохранён".into();
    update(&mut app, Action::Synced(quiet), &mut f.store);
    assert_eq!(app.status, "Клиент 1 сохранён");
}

#[test]
fn saving_a_field_another_process_changed_meanwhile_is_refused_and_the_form_stays() {
    let mut f = fixture();
    let mut app = open_first_client(&mut f);
    let number = app.card.as_ref().unwrap().number.clone();
    update(&mut app, Action::EditClient, &mut f.store);
    // Meanwhile the command line, on the same base, changes the city.
    let mut cli = Store::open_as_device(f.store.path(), "device-a").unwrap();
    let alice = cli.viewer(Some("alice")).unwrap();
    let mut draft = ClientDraft::default();
    draft.set(Field::City, "Тверь");
    cli.edit_client(&alice, &number, &draft).unwrap();
    let Some(Modal::AddClient(form)) = &app.modal else {
        panic!("the form opens")
    };
    let city = form
        .fields
        .iter()
        .position(|x| x.field == Field::City)
        .unwrap();
    let notes = form
        .fields
        .iter()
        .position(|x| x.field == Field::Notes)
        .unwrap();
    for _ in 0..city {
        update(&mut app, Action::Form(FormInput::Next), &mut f.store);
    }
    for c in "Казань".chars() {
        update(&mut app, Action::Form(FormInput::Char(c)), &mut f.store);
    }
    update(&mut app, Action::Form(FormInput::Submit), &mut f.store);
    let Some(Modal::AddClient(form)) = &app.modal else {
        panic!("the form stays open")
    };
    let message = form.message.clone().unwrap();
    assert!(
        message.contains("Алиса") && message.contains("обновите"),
        "{message}"
    );
    assert_eq!(form.fields[city].value, "Казань", "what was typed is kept");
    assert_eq!(
        f.store
            .client_card(&f.alice, &number)
            .unwrap()
            .city
            .as_deref(),
        Some("Тверь")
    );
    // Put back, the city is not sent; a note is saved and the other's city stays.
    for _ in 0.."Казань".chars().count() {
        update(&mut app, Action::Form(FormInput::Backspace), &mut f.store);
    }
    for _ in city..notes {
        update(&mut app, Action::Form(FormInput::Next), &mut f.store);
    }
    for c in "перезвонить".chars() {
        update(&mut app, Action::Form(FormInput::Char(c)), &mut f.store);
    }
    update(&mut app, Action::Form(FormInput::Submit), &mut f.store);
    assert!(app.modal.is_none(), "{}", app.status);
    let card = f.store.client_card(&f.alice, &number).unwrap();
    assert_eq!(card.city.as_deref(), Some("Тверь"));
    assert_eq!(card.notes.as_deref(), Some("перезвонить"));
}

/// The card shows the client the next key acts on: after a log takes the selected
/// line out of Today, the selection moves to the next line and the card follows it;
/// a line that stays keeps the selection on its client.
#[test]
fn after_a_log_the_card_follows_the_selected_line_of_today() {
    let mut f = fixture();
    let today = Local::now().date_naive();
    // A third line, so that one leaving Today leaves two.
    let third = add(&mut f.store, &f.alice, "Сидорова Анна", None);
    f.store
        .schedule_contact(&f.alice, &third, &NextContact::on(today))
        .unwrap();
    let mut app = load(&f);
    update(&mut app, Action::Focus(Pane::Today), &mut f.store);
    update(&mut app, Action::Select(0), &mut f.store);
    app.settle(&f.store);
    let first = app.today_entries()[0].client.clone();
    assert_eq!(app.card.as_ref().unwrap().number, first.number);
    update(&mut app, Action::LogContact, &mut f.store);
    for c in "перезвонить".chars() {
        update(&mut app, Action::LogInput(LogInput::Char(c)), &mut f.store);
    }
    update(
        &mut app,
        Action::LogInput(LogInput::Choose(NextChoice::Week)),
        &mut f.store,
    );
    update(&mut app, Action::LogInput(LogInput::Submit), &mut f.store);
    assert!(app.modal.is_none(), "saved: {}", app.status);
    let entries = app.today_entries();
    assert!(entries.iter().all(|e| e.client.number != first.number));
    // No settle: the very next key must already see one client everywhere.
    let selected = &entries[app.today.selected].client;
    assert_eq!(app.card.as_ref().unwrap().number, selected.number);
    update(&mut app, Action::Reschedule(NextChoice::Day), &mut f.store);
    assert!(
        app.status.contains(&selected.number),
        "the key acted on the line shown: {}",
        app.status
    );
    let card = app.card.as_ref().unwrap();
    let shown = &app.today_entries()[app.today.selected].client;
    assert_eq!(card.number, shown.number, "the card follows again");
}

/// Keys that move faster than the card is read: the key after them acts on the line
/// highlighted, and its card is the one on screen when the dialog opens.
#[test]
fn a_key_right_after_moving_acts_on_the_highlighted_line() {
    let mut f = fixture();
    let mut app = load(&f);
    update(&mut app, Action::Focus(Pane::List), &mut f.store);
    app.settle(&f.store);
    update(&mut app, Action::Down, &mut f.store);
    update(&mut app, Action::Down, &mut f.store);
    let highlighted = app.selected_row().unwrap().number.clone();
    assert_ne!(
        app.card.as_ref().unwrap().number,
        highlighted,
        "not read yet"
    );
    update(
        &mut app,
        Action::OpenEntry(clientbook::tui::entry_dialog::EntryKind::Order),
        &mut f.store,
    );
    let Some(Modal::Entry(dialog)) = &app.modal else {
        panic!("the order dialog opens");
    };
    assert_eq!(dialog.number, highlighted);
    assert_eq!(app.card.as_ref().unwrap().number, highlighted);
}
