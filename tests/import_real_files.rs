//! The files people really have (issue 14, SPEC §5): small files shaped byte for byte
//! as Google Contacts, Outlook (Russian cp1251 and Outlook.com), amoCRM, Bitrix24,
//! Yandex 360, a shop's loyalty export, a 1C report, a hand-kept workbook and the
//! vCards of Android, iPhone/iCloud, macOS and this program write them
//! (`tests/fixtures/import/`, where README.md says where each header set comes
//! from). Each must import with the right count, every column a person would
//! expect mapped, and its quirks read as the tool meant them.

mod common;

use common::{numbers, Sandbox};
use serde_json::Value;
use std::path::PathBuf;

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/import")
        .join(name)
}

/// A base whose managers include the responsible people the CRM files name.
fn team() -> Sandbox {
    let sb = Sandbox::new();
    sb.team();
    sb.ok_as(
        "boss",
        &["manager", "add", "smirnova", "--name", "Мария Смирнова"],
    );
    sb.ok_as(
        "boss",
        &["manager", "add", "kozlov", "--name", "Андрей Козлов"],
    );
    sb
}

/// What `import --dry-run --json` reports.
fn dry_run(sb: &Sandbox, file: &str, extra: &[&str]) -> Value {
    let path = fixture(file);
    let mut args = vec!["import", "--dry-run", "--json", path.to_str().unwrap()];
    args.extend_from_slice(extra);
    let run = sb.run_as("boss", &args);
    serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("{file}: no JSON ({e}): {}\n{}", run.stdout, run.stderr))
}

/// Imports a fixture as the boss; returns stderr.
fn import(sb: &Sandbox, file: &str, extra: &[&str]) -> String {
    let path = fixture(file);
    let mut args = vec!["import", path.to_str().unwrap()];
    args.extend_from_slice(extra);
    let run = sb.run_as("boss", &args);
    assert!(run.ok(), "{file}: {}", run.stderr);
    run.stderr
}

/// The column → target mapping a dry run shows, by header: `field:email`,
/// `manager`, `ignore`, or `None` for a header this program does not know.
fn target_of(report: &Value, header: &str) -> Option<String> {
    let column = report["columns"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["header"] == header)
        .unwrap_or_else(|| panic!("no column {header}"));
    match &column["target"] {
        Value::Object(field) => field
            .iter()
            .next()
            .map(|(kind, code)| format!("{kind}:{}", code.as_str().unwrap_or_default())),
        Value::String(target) => Some(target.clone()),
        _ => None,
    }
}

/// The card of the one client a search finds.
fn card(sb: &Sandbox, search: &str) -> Value {
    let rows = sb.list("boss", &["--search", search]);
    assert_eq!(rows.len(), 1, "{search}: {rows:?}");
    sb.card("boss", &numbers(&rows)[0])
}

fn strings(value: &Value) -> Vec<String> {
    value
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect()
}

fn created(report: &Value) -> u64 {
    report["created"].as_u64().unwrap()
}

#[test]
fn google_contacts_current_and_old_exports() {
    let sb = team();
    let report = dry_run(&sb, "google_contacts.csv", &[]);
    assert_eq!(created(&report), 8);
    for (header, target) in [
        ("E-mail 1 - Value", "field:email"),
        ("Phone 1 - Value", "field:phone"),
        ("Organization Name", "field:company"),
        ("Organization Title", "field:position"),
        ("Labels", "field:tag"),
        ("Address 1 - City", "field:city"),
    ] {
        assert_eq!(
            target_of(&report, header).as_deref(),
            Some(target),
            "{header}"
        );
    }
    assert_eq!(
        target_of(&report, "E-mail 1 - Label").as_deref(),
        Some("ignore")
    );
    import(&sb, "google_contacts.csv", &[]);
    let sokolov = card(&sb, "Соколов");
    assert_eq!(sokolov["kind"], "person");
    assert_eq!(sokolov["company"], "ООО «Вектор Плюс»");
    assert_eq!(
        sokolov["phones"].as_array().unwrap().len(),
        3,
        "two in one cell ::: and one more"
    );
    let morozova = card(&sb, "Морозова");
    assert_eq!(
        morozova["kind"], "person",
        "two colleagues at one firm are two persons"
    );
    let pavlov = card(&sb, "Павлов");
    assert_eq!(
        pavlov["birthday"], "--05-14",
        "a birthday without a year keeps day and month"
    );
    assert!(
        pavlov["notes"].as_str().unwrap().contains('\n'),
        "a note keeps its line breaks"
    );
    let typography = card(&sb, "Оттиск");
    assert_eq!(typography["kind"], "company");
    assert_eq!(
        strings(&card(&sb, "Кузнецова")["tags"]),
        ["клиенты"],
        "no * myContacts"
    );

    // The old export (UTF-16, `Organization 1 - Name`) into a base of its own.
    let old = team();
    let report = dry_run(&old, "google_contacts_legacy.csv", &[]);
    assert_eq!(created(&report), 6);
    assert_eq!(
        target_of(&report, "Organization 1 - Name").as_deref(),
        Some("field:company")
    );
    import(&old, "google_contacts_legacy.csv", &[]);
    assert_eq!(card(&old, "Ильин")["birthday"], "--12-03");
    assert_eq!(card(&old, "Белова")["gender"], "female");
    assert_eq!(card(&old, "Оттиск")["kind"], "company");
}

#[test]
fn outlook_in_russian_cp1251_and_outlook_com_with_us_dates() {
    let sb = team();
    let report = dry_run(&sb, "outlook_ru.csv", &[]);
    assert_eq!(created(&report), 7);
    assert!(
        report["problems"].as_array().unwrap().is_empty(),
        "{}",
        report["problems"]
    );
    for (header, target) in [
        ("Адрес эл. почты", "field:email"),
        ("Телефон переносной", "field:phone"),
        ("Категории", "field:tag"),
        ("Основной телефон организации", "field:phone"),
        ("Город (раб. адрес)", "field:city"),
    ] {
        assert_eq!(
            target_of(&report, header).as_deref(),
            Some(target),
            "{header}"
        );
    }
    for trap in [
        "Руководитель",
        "Краткое имя эл. почты",
        "Тип эл. почты",
        "Рабочий факс",
    ] {
        assert_eq!(
            target_of(&report, trap).as_deref(),
            Some("ignore"),
            "{trap}"
        );
    }
    import(&sb, "outlook_ru.csv", &[]);
    let orlova = card(&sb, "Орлова");
    assert_eq!(orlova["birthday"], Value::Null, "0.0.00 is no date");
    assert_eq!(orlova["gender"], Value::Null, "Не определен is no gender");
    let smirnov = card(&sb, "Смирнов Иван");
    assert_eq!(smirnov["gender"], "male");
    assert_eq!(strings(&smirnov["tags"]), ["vip", "клиенты"]);
    assert_eq!(card(&sb, "Ёлкин")["birthday"], "1984-02-29");

    let us = team();
    let report = dry_run(&us, "outlook_com.csv", &[]);
    assert_eq!(report["date_order"], "month_first");
    assert_eq!(
        target_of(&report, "Business City").as_deref(),
        Some("field:city")
    );
    assert_eq!(
        target_of(&report, "E-mail 2 Address").as_deref(),
        Some("field:email")
    );
    assert_eq!(
        target_of(&report, "Manager's Name").as_deref(),
        Some("ignore")
    );
    assert_eq!(
        target_of(&report, "Title"),
        None,
        "an honorific is not a position"
    );
    import(&us, "outlook_com.csv", &[]);
    let carter = card(&us, "Carter");
    assert_eq!(carter["birthday"], "1982-12-25");
    assert_eq!(
        carter["phones"][0], "+12125550134;ext=12",
        "the extension is kept"
    );
    assert_eq!(
        card(&us, "Stone")["birthday"],
        "1990-06-01",
        "6/1/1990 read as the file's other dates"
    );
    assert_eq!(card(&us, "Contoso")["kind"], "company");
}

#[test]
fn crm_exports_of_amocrm_and_bitrix24_with_managers_by_name() {
    let sb = team();
    let report = dry_run(&sb, "amocrm.csv", &[]);
    assert_eq!(created(&report), 8);
    assert_eq!(
        target_of(&report, "Рабочий email").as_deref(),
        Some("field:email")
    );
    assert_eq!(
        target_of(&report, "Личный email").as_deref(),
        Some("field:email")
    );
    assert_eq!(
        target_of(&report, "Ответственный").as_deref(),
        Some("manager")
    );
    let stderr = import(&sb, "amocrm.csv", &[]);
    assert!(!stderr.contains("no manager here"), "{stderr}");
    let lebedev = card(&sb, "Лебедев Андрей");
    assert_eq!(lebedev["manager"], "smirnova", "Мария Смирнова is smirnova");
    assert_eq!(lebedev["source"], "website");
    assert!(lebedev["notes"]
        .as_str()
        .unwrap()
        .contains("Просил КП до пятницы"));
    assert_eq!(card(&sb, "Гусев")["manager"], "kozlov");
    let company = sb.list("boss", &["--search", "Складочная"]);
    assert!(company.is_empty() || company[0]["kind"] == "company");
    let companies: Vec<Value> = sb
        .list("boss", &["--search", "Вектор"])
        .into_iter()
        .filter(|r| r["kind"] == "company")
        .collect();
    assert_eq!(
        companies.len(),
        1,
        "one company row, its people are persons"
    );

    let bx = team();
    let report = dry_run(&bx, "bitrix24.csv", &[]);
    assert_eq!(
        created(&report),
        8,
        "the same office number with two extensions is two people"
    );
    assert_eq!(
        target_of(&report, "Частный e-mail").as_deref(),
        Some("field:email")
    );
    assert_eq!(
        target_of(&report, "Тип контакта").as_deref(),
        Some("field:tag")
    );
    import(&bx, "bitrix24.csv", &[]);
    let petrov = card(&bx, "Петров Сергей");
    assert_eq!(petrov["phones"][0], "+78123004050;ext=12");
    assert_eq!(petrov["gender"], "male", "М");
    assert_eq!(petrov["source"], "website", "Веб-сайт");
    assert_eq!(petrov["manager"], "smirnova");
    let orlov = card(&bx, "Орлов Максим");
    assert_eq!(orlov["source"], "other");
    assert!(
        orlov["notes"].as_str().unwrap().contains("Звонок"),
        "the CRM's word is kept"
    );
    assert_eq!(card(&bx, "Лебедева")["phones"][0], "+78123004050;ext=14");
}

#[test]
fn yandex_and_shop_exports_keep_purchase_counts_as_history() {
    let sb = team();
    let report = dry_run(&sb, "yandex360.csv", &[]);
    assert_eq!(created(&report), 5);
    assert_eq!(
        report["rejected"], 1,
        "a row with only an e-mail has no name"
    );
    import(&sb, "yandex360.csv", &["--skip-invalid"]);
    assert_eq!(card(&sb, "Соколова Алёна")["birthday"], "1991-05-14");

    let shop = team();
    let report = dry_run(&shop, "shop_loyalty.csv", &[]);
    assert_eq!(
        created(&report),
        8,
        "the title rows are no header, the totals row no client"
    );
    assert_eq!(report["header_line"], 4);
    assert_eq!(report["totals_lines"].as_array().unwrap().len(), 1);
    for (header, target) in [
        ("ФИО клиента", "field:name"),
        ("Сумма, руб.", "total_spent"),
        ("Количество покупок", "orders_count"),
        ("Дата последней покупки", "last_order_at"),
        ("Последний визит", "last_contact_at"),
    ] {
        assert_eq!(
            target_of(&report, header).as_deref(),
            Some(target),
            "{header}"
        );
    }
    import(&shop, "shop_loyalty.csv", &[]);
    let ivanova = card(&shop, "Иванова Ольга");
    assert_eq!(ivanova["orders_count"], 14, "14 purchases, not one order");
    assert_eq!(ivanova["total_spent_minor"], 4_875_000);
    assert!(
        ivanova["orders"].as_array().unwrap().is_empty(),
        "no made-up order"
    );
    assert_eq!(
        ivanova["spent_12m_minor"], 0,
        "history never counts as this year's spend"
    );
    assert_eq!(ivanova["gender"], "female");
    let rows = shop.list("boss", &["--search", "Итого"]);
    assert!(rows.is_empty(), "Итого: is not a client");

    let one_c = team();
    let report = dry_run(&one_c, "shop_sales_1c.csv", &[]);
    assert_eq!(created(&report), 4);
    assert_eq!(
        target_of(&report, "Покупатель").as_deref(),
        Some("field:name")
    );
    import(&one_c, "shop_sales_1c.csv", &[]);
    assert_eq!(
        card(&one_c, "Вектор")["kind"],
        "company",
        "a buyer with a legal form"
    );
}

#[test]
fn vcards_of_android_iphone_macos_and_this_program() {
    let sb = team();
    assert_eq!(created(&dry_run(&sb, "android.vcf", &[])), 6);
    import(&sb, "android.vcf", &[]);
    let petrov = card(&sb, "Петров Иван");
    assert_eq!(
        petrov["position"], "Инженер-сметчик",
        "quoted-printable, broken inside letters"
    );
    assert!(petrov["notes"].as_str().unwrap().contains("картриджи"));
    assert_eq!(card(&sb, "Воскресенская")["birthday"], "--05-14");

    let apple = team();
    assert_eq!(created(&dry_run(&apple, "icloud.vcf", &[])), 5);
    import(&apple, "icloud.vcf", &[]);
    let petrova = card(&apple, "Петрова Анна");
    assert_eq!(
        petrova["birthday"], "--05-14",
        "1604 with X-APPLE-OMIT-YEAR is no year"
    );
    assert_eq!(strings(&petrova["tags"]), ["vip", "клиенты"]);
    assert!(
        petrova["notes"]
            .as_str()
            .unwrap()
            .contains("WhatsApp; звонить"),
        "{}",
        petrova["notes"]
    );
    assert_eq!(
        card(&apple, "Оттиск")["kind"],
        "company",
        "X-ABShowAs:COMPANY"
    );

    let mac = team();
    assert_eq!(created(&dry_run(&mac, "macos.vcf", &[])), 4);
    import(&mac, "macos.vcf", &[]);
    let garage = card(&mac, "Гараж");
    assert_eq!(garage["kind"], "company");
    assert_eq!(
        garage["people"][0]["name"], "Лебедев Павел",
        "the card's person is its contact"
    );
    assert_eq!(
        card(&mac, "Нестеров")["birthday"],
        "--08-19",
        "year 1604 without the parameter"
    );

    let own = team();
    assert_eq!(created(&dry_run(&own, "vcard4.vcf", &[])), 4);
    import(&own, "vcard4.vcf", &[]);
    assert_eq!(card(&own, "Павлов")["birthday"], "--05-14");
}

#[test]
fn a_hand_kept_workbook_with_title_rows_number_phones_serial_dates_and_totals() {
    let sb = team();
    let path = sb.path().join("клиенты.xlsx");
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.write_string(0, 0, "Клиенты салона «Ягодка»").unwrap();
    sheet.write_string(1, 0, "обновлено вручную").unwrap();
    for (col, header) in [
        "№",
        "ФИО",
        "Телефон",
        "Дата рождения",
        "Последний визит",
        "Сумма покупок, руб.",
        "Кол-во покупок",
        "Примечание",
    ]
    .iter()
    .enumerate()
    {
        sheet.write_string(3, col as u16, *header).unwrap();
    }
    let date = rust_xlsxwriter::Format::new().set_num_format("dd.mm.yyyy");
    sheet.write_number(4, 0, 1.0).unwrap();
    sheet.write_string(4, 1, "Лаврова Инна Петровна").unwrap();
    sheet.write_number(4, 2, 79_164_002_211.0).unwrap();
    sheet
        .write_datetime_with_format(
            4,
            3,
            rust_xlsxwriter::ExcelDateTime::from_ymd(1985, 6, 21).unwrap(),
            &date,
        )
        .unwrap();
    sheet.write_number(4, 5, 12_500.0).unwrap();
    sheet.write_number(4, 6, 3.0).unwrap();
    sheet
        .write_string(4, 7, "любит скидки\nзвонить вечером")
        .unwrap();
    sheet.write_number(5, 0, 2.0).unwrap();
    sheet.write_string(5, 1, "Гусева Ольга").unwrap();
    // Ten digits as a number, and a date as a bare serial number in a General cell.
    sheet.write_number(5, 2, 9_037_001_122.0).unwrap();
    sheet.write_number(5, 3, 32_874.0).unwrap();
    sheet.write_string(5, 4, "14.05").unwrap();
    sheet.write_string(6, 1, "Итого:").unwrap();
    sheet.write_formula(6, 5, "=SUM(F5:F6)").unwrap();
    sheet.write_formula(6, 6, "=SUM(G5:G6)").unwrap();
    book.save(&path).unwrap();
    let run = sb.run_as(
        "boss",
        &["import", path.to_str().unwrap(), "--dry-run", "--json"],
    );
    let report: Value =
        serde_json::from_str(&run.stdout).unwrap_or_else(|_| panic!("{}", run.stderr));
    assert_eq!(created(&report), 2, "the totals row is no client");
    assert_eq!(report["header_line"], 4, "the Excel row of the header");
    sb.ok_as("boss", &["import", path.to_str().unwrap()]);
    let lavrova = card(&sb, "Лаврова");
    assert_eq!(lavrova["phones"][0], "+79164002211");
    assert_eq!(lavrova["birthday"], "1985-06-21");
    assert_eq!(lavrova["orders_count"], 3);
    assert_eq!(lavrova["notes"], "любит скидки\nзвонить вечером");
    let guseva = card(&sb, "Гусева");
    assert_eq!(guseva["phones"][0], "+79037001122");
    assert_eq!(guseva["birthday"], "1990-01-01", "Excel serial 32874");
    assert!(
        guseva["notes"].as_str().unwrap_or("").contains("14.05"),
        "a visit without a year is kept: {}",
        guseva["notes"]
    );
}

#[test]
fn crlf_files_name_the_physical_line() {
    let sb = team();
    let path = sb.path().join("crlf.csv");
    std::fs::write(
        &path,
        "ФИО;Дата рождения\r\nИванов Иван;01.01.1990\r\nПетров Пётр;31.02.1990\r\n\"Сидоров\r\nСемён\";31.02.1991\r\nКозлов Кирилл;31.02.1992\r\n",
    )
    .unwrap();
    let run = sb.run_as("boss", &["import", "--dry-run", path.to_str().unwrap()]);
    for line in [3, 4, 6] {
        assert!(
            run.stderr.contains(&format!("crlf.csv:{line}: ")),
            "line {line}: {}",
            run.stderr
        );
    }
}

#[test]
fn slashed_dates_that_do_not_tell_their_order_are_asked_about() {
    let sb = team();
    let path = sb.path().join("dates.csv");
    std::fs::write(&path, "Name,Birthday\nAnn Lee,6/1/1990\nBob Ray,3/4/1985\n").unwrap();
    let run = sb.fail_as("boss", &["import", path.to_str().unwrap()]);
    assert!(
        run.stderr.contains("--date-order") && run.stderr.contains("6/1/1990"),
        "{}",
        run.stderr
    );
    sb.ok_as(
        "boss",
        &["import", path.to_str().unwrap(), "--date-order", "mdy"],
    );
    assert_eq!(card(&sb, "Ann Lee")["birthday"], "1990-06-01");
}

#[test]
fn this_programs_export_goes_into_a_new_base_with_its_managers_unknown() {
    let sb = team();
    import(&sb, "amocrm.csv", &[]);
    let export = sb.path().join("all.csv");
    sb.ok_as("boss", &["export", "-o", export.to_str().unwrap()]);
    let fresh = Sandbox::new();
    fresh.team();
    let run = fresh.run_as("boss", &["import", export.to_str().unwrap()]);
    assert!(run.ok(), "{}", run.stderr);
    assert!(
        run.stderr.contains("smirnova") && run.stderr.contains("--manager"),
        "{}",
        run.stderr
    );
    assert_eq!(fresh.list("boss", &[]).len(), 8);
}

#[test]
fn skip_invalid_with_every_row_refused_is_a_failure() {
    let sb = team();
    let path = sb.path().join("nameless.csv");
    std::fs::write(&path, "ФИО;Телефон\n;+79160000001\n;+79160000002\n").unwrap();
    let run = sb.fail_as(
        "boss",
        &["import", "--skip-invalid", path.to_str().unwrap()],
    );
    assert!(
        run.stderr.contains("nothing was imported"),
        "{}",
        run.stderr
    );
}
