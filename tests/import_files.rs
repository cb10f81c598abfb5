//! Import (issue 5): real files as Excel, 1C and Google Sheets write them, made here
//! in temporary folders. A bad row writes nothing and is named by line and column; a
//! dry run writes nothing; rows that repeat a client are reported with its number and
//! skipped, merged or created as asked; a manager never learns whose a phone is.

mod common;

use common::{numbers, Sandbox};
use std::path::PathBuf;

/// Writes `text` into the sandbox as Windows-1251, as Excel on a Russian Windows
/// saves "CSV (разделители — точки с запятой)".
fn cp1251_file(sb: &Sandbox, name: &str, text: &str) -> PathBuf {
    let path = sb.path().join(name);
    let (bytes, _, unmappable) = encoding_rs::WINDOWS_1251.encode(text);
    assert!(!unmappable, "the test text fits Windows-1251");
    std::fs::write(&path, bytes).unwrap();
    path
}

fn utf8_file(sb: &Sandbox, name: &str, text: &str) -> PathBuf {
    let path = sb.path().join(name);
    std::fs::write(&path, text).unwrap();
    path
}

const EXCEL_1251: &str = "ФИО;Моб. телефон;Эл. почта;Дата рождения;Город;Компания;Теги\r\n\
Ёлкина Пелагея Ивановна;8 (916) 123-45-67, +7 903 000-00-01;Pelageya@Mail.RU;17.05.1990;Москва;;рыбалка, йога\r\n\
Петров Пётр Петрович;+7 916 765-43-21;;1985-02-03;Санкт-Петербург;ООО «Ромашка»;\r\n";

#[test]
fn a_windows_1251_semicolon_file_with_russian_headers_is_imported() {
    let sb = Sandbox::new();
    sb.team();
    let file = cp1251_file(&sb, "клиенты.csv", EXCEL_1251);
    let out = sb.ok_as("alice", &["import", file.to_str().unwrap()]);
    assert!(out.contains("created 2"), "{out}");
    let rows = sb.list("alice", &["--search", "Ёлкина"]);
    assert_eq!(rows.len(), 1, "the client is found by her name");
    let card = sb.card("alice", &numbers(&rows)[0]);
    assert_eq!(card["last_name"], "Ёлкина");
    assert_eq!(card["first_name"], "Пелагея");
    assert_eq!(card["patronymic"], "Ивановна");
    assert_eq!(
        card["phones"],
        serde_json::json!(["+79161234567", "+79030000001"])
    );
    assert_eq!(card["emails"], serde_json::json!(["pelageya@mail.ru"]));
    assert_eq!(card["birthday"], "1990-05-17");
    assert_eq!(card["city"], "Москва");
    assert_eq!(card["tags"], serde_json::json!(["йога", "рыбалка"]));
    // A person at a company is a person with that company, found by it too.
    let at_company = sb.list("alice", &["--search", "Ромашка"]);
    assert_eq!(at_company[0]["kind"], "person");
    assert_eq!(at_company[0]["name"], "Петров Пётр Петрович");
    assert_eq!(at_company[0]["company"], "ООО «Ромашка»");
    assert!(
        sb.list("bob", &[]).is_empty(),
        "imported clients are the importer's"
    );
}

#[test]
fn an_xlsx_workbook_is_imported() {
    let sb = Sandbox::new();
    sb.team();
    let path = sb.path().join("clients.xlsx");
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    // 1C puts a title above the table; the header row is found below it.
    sheet.write_string(0, 0, "Выгрузка контрагентов").unwrap();
    for (col, header) in [
        "Фамилия",
        "Имя",
        "Телефон",
        "E-mail",
        "Дата рождения",
        "Сумма покупок",
    ]
    .iter()
    .enumerate()
    {
        sheet.write_string(2, col as u16, *header).unwrap();
    }
    sheet.write_string(3, 0, "Сидорова").unwrap();
    sheet.write_string(3, 1, "Анна").unwrap();
    // A phone typed as a number, a date as an Excel date, an amount as a number.
    sheet.write_number(3, 2, 79_161_112_233.0).unwrap();
    sheet.write_string(3, 3, "anna@example.com").unwrap();
    let date = rust_xlsxwriter::ExcelDateTime::from_ymd(1991, 4, 12).unwrap();
    let format = rust_xlsxwriter::Format::new().set_num_format("dd.mm.yyyy");
    sheet
        .write_datetime_with_format(3, 4, &date, &format)
        .unwrap();
    sheet.write_number(3, 5, 1500.5).unwrap();
    book.save(&path).unwrap();

    sb.ok_as("alice", &["import", path.to_str().unwrap()]);
    let rows = sb.list("alice", &["--search", "Сидорова"]);
    assert_eq!(rows.len(), 1);
    let card = sb.card("alice", &numbers(&rows)[0]);
    assert_eq!(card["phones"], serde_json::json!(["+79161112233"]));
    assert_eq!(card["birthday"], "1991-04-12");
    assert_eq!(card["total_spent"], "1500.50");
}

#[test]
fn a_bad_date_on_line_7_is_named_and_kept_in_the_clients_notes() {
    let sb = Sandbox::new();
    sb.team();
    let mut text = String::from("full_name,phone,birthday\n");
    for i in 2..=9 {
        let birthday = if i == 7 { "31.02.1990" } else { "1990-01-01" };
        text.push_str(&format!(
            "Client Number{i},+7 916 000-00-{i:02},{birthday}\n"
        ));
    }
    // Line 8 has no name at all: the one row that is refused.
    text.push_str(",+7 916 000-00-99,1990-01-01\n");
    let file = utf8_file(&sb, "bad.csv", &text);
    let changes = sb.change_count();
    let run = sb.fail_as("alice", &["import", file.to_str().unwrap()]);
    let expected = format!("{}:7: birthday: ", file.display());
    assert!(run.stderr.contains(&expected), "stderr:\n{}", run.stderr);
    assert!(
        run.stderr.contains("31.02.1990"),
        "the bad value is named:\n{}",
        run.stderr
    );
    assert!(run.stderr.contains(":10: full_name: "), "{}", run.stderr);
    assert!(
        sb.list("alice", &[]).is_empty(),
        "a refused row and nothing is written"
    );
    assert_eq!(sb.change_count(), changes, "the change log is as it was");

    // With --skip-invalid the named rows go in; line 7's bad date costs only itself.
    let run = sb.run_as(
        "alice",
        &["import", file.to_str().unwrap(), "--skip-invalid"],
    );
    assert!(run.ok(), "{}", run.stderr);
    assert!(run.stderr.contains(&expected));
    assert_eq!(sb.list("alice", &[]).len(), 8);
    let seventh = sb.list("alice", &["--search", "Number7"]);
    let card = sb.card("alice", &numbers(&seventh)[0]);
    assert_eq!(card["birthday"], serde_json::Value::Null);
    assert!(
        card["notes"]
            .as_str()
            .unwrap()
            .contains("birthday: 31.02.1990"),
        "{card}"
    );
}

#[test]
fn a_dry_run_writes_nothing() {
    let sb = Sandbox::new();
    sb.team();
    let file = cp1251_file(&sb, "dry.csv", EXCEL_1251);
    let before = common::snapshot(sb.path());
    let out = sb.ok_as("alice", &["import", file.to_str().unwrap(), "--dry-run"]);
    assert!(out.contains("ФИО → Name"), "the mapping is shown:\n{out}");
    assert!(out.contains("create 2"), "{out}");
    common::assert_same_files(&before, &common::snapshot(sb.path()), "import --dry-run");
    assert!(sb.list("alice", &[]).is_empty());
}

/// Alice has two clients; the file repeats one by phone and one by e-mail, and
/// repeats its own line 2 on line 4.
fn duplicates_base() -> (Sandbox, String, String, PathBuf) {
    let sb = Sandbox::new();
    sb.team();
    let olga = sb.add_client(
        "alice",
        &["--name", "Орлова Ольга", "--phone", "+7 916 000-00-01"],
    );
    let ivan = sb.add_client(
        "alice",
        &["--name", "Иванов Иван", "--email", "ivan@mail.ru"],
    );
    let file = utf8_file(
        &sb,
        "dupes.csv",
        "ФИО,Телефон,E-mail,Город\n\
         Орлова Ольга Сергеевна,8 916 000 00 01,olga@mail.ru,Тверь\n\
         Иванов И.,,IVAN@mail.ru,Омск\n\
         Новый Клиент,+7 903 111-22-33,,\n\
         Новый Клиент,8 (903) 111-22-33,,\n",
    );
    (sb, olga, ivan, file)
}

#[test]
fn duplicates_are_reported_with_the_existing_number_and_skipped() {
    let (sb, olga, ivan, file) = duplicates_base();
    let out = sb.ok_as("alice", &["import", file.to_str().unwrap()]);
    assert!(
        out.contains(&format!(":2: duplicate of client {olga}")),
        "{out}"
    );
    assert!(
        out.contains(&format!(":3: duplicate of client {ivan}")),
        "{out}"
    );
    assert!(out.contains(":5: duplicate of line 4"), "{out}");
    assert!(out.contains("created 1"), "{out}");
    assert_eq!(
        sb.list("alice", &[]).len(),
        3,
        "only the new client was added"
    );
    assert_eq!(
        sb.card("alice", &olga)["city"],
        serde_json::Value::Null,
        "skip leaves the client as it was"
    );
}

#[test]
fn merge_adds_what_the_client_lacks_and_create_doubles() {
    let (sb, olga, _, file) = duplicates_base();
    sb.ok_as(
        "alice",
        &["import", file.to_str().unwrap(), "--on-duplicate", "merge"],
    );
    let card = sb.card("alice", &olga);
    assert_eq!(card["city"], "Тверь", "a blank field is filled");
    assert_eq!(card["first_name"], "Ольга", "a filled field is kept");
    assert_eq!(card["emails"], serde_json::json!(["olga@mail.ru"]));
    assert_eq!(sb.list("alice", &[]).len(), 3);

    let (sb, _, _, file) = duplicates_base();
    sb.ok_as(
        "alice",
        &["import", file.to_str().unwrap(), "--on-duplicate", "create"],
    );
    assert_eq!(sb.list("alice", &[]).len(), 6, "every row became a client");
}

#[test]
fn a_manager_is_not_told_whose_the_phone_is() {
    let (sb, olga, _, file) = duplicates_base();
    let out = sb.ok_as(
        "bob",
        &["import", file.to_str().unwrap(), "--on-duplicate", "create"],
    );
    assert!(
        out.contains(":2: duplicate of a client of another manager"),
        "{out}"
    );
    assert!(
        !out.contains(&format!("client {olga}")),
        "alice's number is not shown:\n{out}"
    );
    let bobs = sb.list("bob", &[]);
    assert_eq!(
        bobs.len(),
        2,
        "the new client and its repeat (create); not alice's clients"
    );
    // A lead sees everyone, so the same file names alice's clients to them.
    let out = sb.ok_as("boss", &["import", file.to_str().unwrap(), "--dry-run"]);
    assert!(
        out.contains(&format!("duplicate of client {olga}")),
        "{out}"
    );
}

#[test]
fn managers_come_from_the_manager_column_for_leads_only() {
    let sb = Sandbox::new();
    sb.team();
    let file = utf8_file(
        &sb,
        "team.csv",
        "full_name,manager\nAnna Alpha,alice\nBoris Beta,bob\n",
    );
    sb.ok_as("boss", &["import", file.to_str().unwrap()]);
    assert_eq!(sb.list("alice", &[]).len(), 1);
    assert_eq!(sb.list("bob", &[]).len(), 1);
    let file = utf8_file(&sb, "team2.csv", "full_name,manager\nCyril Gamma,bob\n");
    let run = sb.run_as("alice", &["import", file.to_str().unwrap()]);
    assert!(
        run.ok() && run.stderr.contains("Manager column is not used"),
        "{}",
        run.stderr
    );
    assert_eq!(
        sb.list("alice", &[]).len(),
        2,
        "a manager's import stays theirs"
    );
    let run = sb.fail_as(
        "alice",
        &["import", file.to_str().unwrap(), "--manager", "bob"],
    );
    assert!(!run.stderr.is_empty());
}

#[test]
fn a_column_is_mapped_by_hand_and_a_tab_file_is_read() {
    let sb = Sandbox::new();
    sb.team();
    let file = utf8_file(
        &sb,
        "tab.tsv",
        "Клиент\tКонтакт для связи\tЛюбимый цвет\nПавлов Павел\t+7 916 555-44-33\tсиний\n",
    );
    let run = sb.run_as(
        "alice",
        &[
            "import",
            file.to_str().unwrap(),
            "--map",
            "Контакт для связи=phone",
        ],
    );
    assert!(run.ok(), "{}", run.stderr);
    assert!(
        run.stderr.contains("Любимый цвет"),
        "an unknown column is named:\n{}",
        run.stderr
    );
    let rows = sb.list("alice", &["--search", "916 555"]);
    assert_eq!(rows.len(), 1);
}
