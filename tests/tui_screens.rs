//! Screens of the interface, drawn into ratatui's TestBackend from a fixed state.

use chrono::{NaiveDate, TimeZone, Utc};
use clientbook::domain::codes::Role;
use clientbook::domain::schedule::{ClientRef, DueContact, NewLead, Section, Today};
use clientbook::domain::segments::Segment;
use clientbook::i18n::{set_language, Lang};
use clientbook::store::{ClientRow, Viewer};
use clientbook::tui::app::{App, Modal, Pane};
use clientbook::tui::form::{ClientForm, FormInput};
use ratatui::backend::TestBackend;
use ratatui::Terminal;

fn viewer() -> Viewer {
    Viewer::for_tests("ivanova", "Анна Иванова", Role::Manager)
}

fn day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
}

fn client(number: &str, name: &str) -> ClientRef {
    ClientRef {
        number: number.into(),
        name: name.into(),
        phone: Some("+79161234567".into()),
        manager: "ivanova".into(),
        time_zone: None,
        call_window: None,
    }
}

fn row(number: &str, name: &str, segment: Segment) -> ClientRow {
    ClientRow {
        number: number.into(),
        name: name.into(),
        kind: "person".into(),
        company: None,
        segment,
        phone: Some("+79161234567".into()),
        city: Some("Москва".into()),
        next_contact_at: Some(Utc.with_ymd_and_hms(2026, 11, 30, 12, 0, 0).unwrap()),
        last_order_at: None,
        orders_count: 0,
        total_spent_minor: 0,
        manager: "ivanova".into(),
        manager_name: "Анна Иванова".into(),
        forgotten: false,
        tier: (segment == Segment::Active).then(|| "gold".into()),
    }
}

fn app() -> App {
    set_language(Lang::Ru);
    let mut app = App::new(
        viewer(),
        "/home/anna/.local/share/clientbook/clientbook.db".into(),
        day(),
    );
    app.list.rows = vec![
        row("12", "Ёлкина Пелагея Ивановна", Segment::Active),
        row("7", "Петров Пётр Петрович", Segment::Prospect),
        row("31", "Smith John", Segment::Sleeping),
    ];
    app.list.total = Some(3);
    let noon = Utc.with_ymd_and_hms(2026, 11, 23, 12, 0, 0).unwrap();
    app.today.today = Today {
        date: day(),
        new_leads: Section {
            items: vec![NewLead {
                client: client("40", "Новикова Алёна"),
                created_at: noon,
                age_minutes: 25,
                late: true,
            }],
            total: 1,
            capped: false,
        },
        overdue: Section {
            items: vec![DueContact {
                client: client("7", "Петров Пётр Петрович"),
                contact_uuid: "c1".into(),
                due_at: Utc.with_ymd_and_hms(2026, 11, 20, 12, 0, 0).unwrap(),
                has_time: false,
                channel: None,
                purpose: Some("отправить КП".into()),
                agreed: false,
                rule: None,
            }],
            total: 1,
            capped: false,
        },
        ..Default::default()
    };
    app
}

fn render(app: &App, width: u16, height: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal
        .draw(|f| clientbook::tui::view::draw(f, app))
        .unwrap();
    let buffer = terminal.backend().buffer().clone();
    let mut out = String::new();
    for y in 0..height {
        let mut line = String::new();
        for x in 0..width {
            line.push_str(buffer[(x, y)].symbol());
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

#[test]
fn main_screen_wide() {
    insta::assert_snapshot!(render(&app(), 120, 40));
}

#[test]
fn main_screen_80x24_shows_tabs() {
    let mut app = app();
    app.focus = Pane::Today;
    let screen = render(&app, 80, 24);
    assert!(screen.contains("Просрочено"));
    insta::assert_snapshot!(screen);
}

#[test]
fn welcome_screen() {
    let mut app = app();
    app.list.rows.clear();
    app.modal = Some(Modal::Welcome);
    insta::assert_snapshot!(render(&app, 100, 30));
}

#[test]
fn form_with_a_validation_error() {
    let mut app = app();
    let mut form = ClientForm::new(false);
    for c in "Ёлкина Пелагея".chars() {
        form.input(&FormInput::Char(c), day());
    }
    form.input(&FormInput::Next, day());
    for c in "8916abc4567".chars() {
        form.input(&FormInput::Char(c), day());
    }
    form.input(&FormInput::Next, day());
    app.modal = Some(Modal::AddClient(Box::new(form)));
    let screen = render(&app, 100, 30);
    assert!(screen.contains("8916abc4567"));
    insta::assert_snapshot!(screen);
}

#[test]
fn help_screen() {
    let mut app = app();
    app.modal = Some(Modal::Help(0));
    insta::assert_snapshot!(render(&app, 100, 30));
}

#[test]
fn filter_bar_with_saved_segments_over_the_list_at_80x24() {
    use clientbook::store::segments::SavedSegment;
    use clientbook::tui::filter_bar::{FilterBar, FilterInput};
    let mut app = app();
    app.list.filter_text = "tier:gold".into();
    app.list.filter_label = "tier:gold".into();
    let mut bar = FilterBar::new(
        "",
        vec![
            SavedSegment {
                name: "Золото Москвы".into(),
                filter: "tier:gold city:Москва last-order:<90d".into(),
                clients: 2,
            },
            SavedSegment {
                name: "Спящие VIP".into(),
                filter: "type:sleeping tier:vip".into(),
                clients: 14,
            },
        ],
    );
    bar.edit(FilterInput::Down);
    bar.error = Some("условие фильтра «colour:red»: неизвестное условие".into());
    app.modal = Some(clientbook::tui::app::Modal::Filter(Box::new(bar)));
    insta::assert_snapshot!(render(&app, 80, 24));
}

#[test]
fn conflicts_view_at_80x24() {
    use chrono::Local;
    use clientbook::store::conflicts::Conflict;
    use clientbook::tui::conflicts_view::ConflictsView;
    let mut app = app();
    app.conflicts = 2;
    // Local times, so the screen reads the same in every time zone.
    let at = |h, m| {
        Local
            .with_ymd_and_hms(2026, 11, 22, h, m, 0)
            .unwrap()
            .with_timezone(&Utc)
    };
    let conflict =
        |id: &str, number: &str, name: &str, field: &str, kept: &str, other: &str| Conflict {
            id: id.into(),
            client_number: Some(number.into()),
            client_name: Some(name.into()),
            entity: "client".into(),
            field: field.into(),
            kept: kept.into(),
            other: other.into(),
            other_by: Some("Пётр Петров".into()),
            other_at: at(10, 15),
        };
    app.modal = Some(Modal::Conflicts(Box::new(ConflictsView {
        conflicts: vec![
            conflict(
                "k1",
                "12",
                "Ёлкина Пелагея Ивановна",
                "city",
                "Казань",
                "Тверь",
            ),
            conflict(
                "k2",
                "7",
                "Петров Пётр Петрович",
                "notes",
                "перезвонить после праздников, спросить про опт",
                "не звонить до декабря",
            ),
        ],
        selected: 1,
    })));
    let screen = render(&app, 80, 24);
    assert!(screen.contains("Тверь"));
    insta::assert_snapshot!(screen);
}

#[test]
fn today_shows_a_badge_of_open_conflicts() {
    let mut app = app();
    app.focus = Pane::Today;
    app.conflicts = 2;
    let screen = render(&app, 80, 24);
    assert!(screen.contains("⚠ конфликтов: 2 — K"), "{screen}");
}
