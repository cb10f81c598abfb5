//! The import preview of the interface (SPEC §5): any column can be given another
//! field before anything is written, and a file whose dates do not tell their order
//! is read as the user says.

use clientbook::i18n::{set_language, Lang};
use clientbook::store::import::Target;
use clientbook::store::Store;
use clientbook::tui::app::{update, Action, App, Modal};
use clientbook::tui::import_dialog::ImportInput;

fn open_preview(app: &mut App, store: &mut Store, file: &std::path::Path) {
    update(app, Action::StartImport, store);
    for c in file.display().to_string().chars() {
        update(app, Action::Import(ImportInput::Char(c)), store);
    }
    update(app, Action::Import(ImportInput::Confirm), store);
}

fn dialog(app: &App) -> &clientbook::tui::import_dialog::ImportDialog {
    match &app.modal {
        Some(Modal::Import(dialog)) => dialog,
        other => panic!("the import dialog is not open: {other:?}"),
    }
}

#[test]
fn a_column_is_given_another_field_in_the_preview() {
    set_language(Lang::Ru);
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open_as_device(&dir.path().join("base.db"), "device-a").unwrap();
    let boss = store.init("boss", "Boss").unwrap();
    let file = dir.path().join("клиенты.csv");
    std::fs::write(
        &file,
        "ФИО;Телефон;Любимый цвет\nСидорова Анна;8 903 111-22-33;синий\n",
    )
    .unwrap();
    let mut app = App::load(&store, boss, chrono::Local::now().date_naive());
    app.modal = None;
    open_preview(&mut app, &mut store, &file);
    let report = dialog(&app).preview.clone().expect("a dry run");
    assert_eq!(
        report.columns[2].target, None,
        "an unknown header is not imported"
    );
    // To the third column, then its field: not imported → the first field, and so on.
    update(
        &mut app,
        Action::Import(ImportInput::NextColumn),
        &mut store,
    );
    update(
        &mut app,
        Action::Import(ImportInput::NextColumn),
        &mut store,
    );
    assert_eq!(dialog(&app).column, 2);
    let city = clientbook::domain::fields::Field::City;
    while dialog(&app).preview.as_ref().unwrap().columns[2].target != Some(Target::Field(city)) {
        update(
            &mut app,
            Action::Import(ImportInput::NextTarget),
            &mut store,
        );
        assert!(dialog(&app).map.len() == 1, "one column remapped");
    }
    update(&mut app, Action::Import(ImportInput::Confirm), &mut store);
    assert!(app.modal.is_none(), "{}", app.status);
    let rows = store
        .list_clients(&app.viewer, &Default::default(), None, 10)
        .unwrap()
        .rows;
    assert_eq!(
        rows[0].city.as_deref(),
        Some("синий"),
        "the column was read as the city"
    );
}

#[test]
fn dates_of_no_telling_order_are_read_as_the_user_says() {
    set_language(Lang::Ru);
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open_as_device(&dir.path().join("base.db"), "device-a").unwrap();
    let boss = store.init("boss", "Boss").unwrap();
    let file = dir.path().join("dates.csv");
    std::fs::write(&file, "Name,Birthday\nAnn Lee,6/1/1990\nBob Ray,3/4/1985\n").unwrap();
    let mut app = App::load(&store, boss, chrono::Local::now().date_naive());
    app.modal = None;
    open_preview(&mut app, &mut store, &file);
    assert!(dialog(&app).asks_date_order, "{:?}", dialog(&app).error);
    assert!(dialog(&app).preview.is_none());
    // F4: day first.
    update(
        &mut app,
        Action::Import(ImportInput::CycleDateOrder),
        &mut store,
    );
    assert!(dialog(&app).preview.is_some(), "{:?}", dialog(&app).error);
    // o: month first, then import.
    update(&mut app, Action::Import(ImportInput::Char('o')), &mut store);
    update(&mut app, Action::Import(ImportInput::Confirm), &mut store);
    assert!(app.modal.is_none(), "{}", app.status);
    let card = store.client_card(&app.viewer, "1").unwrap();
    assert_eq!(card.birthday.as_deref(), Some("1990-06-01"));
}

fn render(app: &App, width: u16, height: u16) -> String {
    let mut terminal =
        ratatui::Terminal::new(ratatui::backend::TestBackend::new(width, height)).unwrap();
    terminal
        .draw(|f| clientbook::tui::view::draw(f, app))
        .unwrap();
    let buffer = terminal.backend().buffer().clone();
    let mut out = String::new();
    for y in 0..height {
        let line: String = (0..width).map(|x| buffer[(x, y)].symbol()).collect();
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// The preview of Outlook's 92 columns shows a window of them around the selected
/// one, the mapping in words, the counts and the keys, at 100×30 and 80×24.
#[test]
fn the_preview_of_a_wide_outlook_file() {
    set_language(Lang::Ru);
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open_as_device(&dir.path().join("base.db"), "device-a").unwrap();
    let boss = store.init("boss", "Boss").unwrap();
    let file = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/import/outlook_ru.csv");
    let mut app = App::new(
        boss,
        "base.db".into(),
        chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(),
    );
    open_preview(&mut app, &mut store, &file);
    for _ in 0..40 {
        update(
            &mut app,
            Action::Import(ImportInput::NextColumn),
            &mut store,
        );
    }
    if let Some(Modal::Import(dialog)) = &mut app.modal {
        dialog.path = "~/Загрузки/outlook.csv".into();
    }
    let wide = render(&app, 100, 30);
    assert!(
        wide.contains("Телефон переносной") && wide.contains("Enter импорт"),
        "{wide}"
    );
    insta::assert_snapshot!("import_preview_100x30", wide);
    let narrow = render(&app, 80, 24);
    insta::assert_snapshot!("import_preview_80x24", narrow);
}
