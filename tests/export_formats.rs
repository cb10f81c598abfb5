//! Export (issue 5): CSV for scripts and for Excel, JSON, vCard 4.0; visibility,
//! segments and the mailing list; and the round trip — export, import into an empty
//! base, and the same clients, phones and order totals come back.

mod common;

use common::Sandbox;
use serde_json::Value;
use std::path::Path;

/// Alice's clients: a person with two phones, orders and consent; a company; and
/// one of bob's that alice must never export.
fn base() -> Sandbox {
    let sb = Sandbox::new();
    sb.team();
    let elkina = sb.add_client(
        "alice",
        &[
            "--name",
            "Ёлкина Пелагея Ивановна",
            "--phone",
            "+7 916 123-45-67",
            "--phone",
            "8 903 000 00 01",
            "--email",
            "pelageya@mail.ru",
            "--birthday",
            "17.05.1990",
            "--city",
            "Москва",
            "--tag",
            "рыбалка",
            "--tag",
            "vip",
        ],
    );
    sb.ok_as(
        "alice",
        &[
            "order",
            "add",
            &elkina,
            "--amount",
            "1500.50",
            "--date",
            "2026-01-10",
        ],
    );
    sb.ok_as(
        "alice",
        &["order", "add", &elkina, "--amount", "99.90", "--items", "3"],
    );
    sb.ok_as(
        "alice",
        &["client", "consent", &elkina, "marketing", "given"],
    );
    sb.add_client(
        "alice",
        &[
            "--company",
            "ООО «Рога, копыта; и ко»",
            "--phone",
            "+7 495 111-22-33",
            "--city",
            "Тверь",
        ],
    );
    sb.add_client(
        "bob",
        &["--name", "Bob's Client", "--phone", "+7 916 999-99-99"],
    );
    sb
}

fn export(sb: &Sandbox, login: &str, args: &[&str]) -> String {
    let out = sb.path().join("out");
    let mut all = vec!["export", "-o", out.to_str().unwrap()];
    all.extend_from_slice(args);
    sb.ok_as(login, &all);
    String::from_utf8(std::fs::read(&out).unwrap()).unwrap()
}

/// The clients of a base as `client show` gives them, by name, reduced to what a
/// round trip must keep.
fn clients_of(sb: &Sandbox, db: &Path) -> Vec<Value> {
    let list = sb
        .command_on(db, &["--as", "boss", "client", "list", "--json", "--all"])
        .output()
        .unwrap();
    let rows: Vec<Value> = serde_json::from_slice(&list.stdout).unwrap();
    let mut cards: Vec<Value> = rows
        .iter()
        .map(|r| {
            let number = r["number"].as_str().unwrap();
            let out = sb
                .command_on(db, &["--as", "boss", "client", "show", number, "--json"])
                .output()
                .unwrap();
            let card: Value = serde_json::from_slice(&out.stdout).unwrap();
            let keep = [
                "name",
                "kind",
                "last_name",
                "first_name",
                "patronymic",
                "company",
                "phones",
                "emails",
                "birthday",
                "city",
                "tags",
                "total_spent",
                "orders_count",
                "manager",
            ];
            let mut reduced: serde_json::Map<String, Value> = keep
                .iter()
                .map(|k| (k.to_string(), card[*k].clone()))
                .collect();
            let orders: Vec<Value> = card["orders"]
                .as_array()
                .unwrap()
                .iter()
                .map(|o| serde_json::json!([o["amount"], o["items"], o["status"]]))
                .collect();
            reduced.insert("orders".into(), Value::Array(orders));
            let marketing = card["segments"]
                .as_array()
                .unwrap()
                .contains(&Value::from("mailing"));
            reduced.insert("mailing".into(), Value::Bool(marketing));
            Value::Object(reduced)
        })
        .collect();
    cards.sort_by_key(|c| c["name"].to_string());
    cards
}

#[test]
fn an_export_imported_into_an_empty_base_gives_the_same_clients_back() {
    let sb = base();
    let csv_path = sb.path().join("clients.csv");
    std::fs::write(&csv_path, export(&sb, "boss", &[])).unwrap();

    let empty = sb.path().join("empty.db");
    let init = sb
        .command_on(&empty, &["init", "--manager", "boss", "--name", "Boss"])
        .output()
        .unwrap();
    assert!(init.status.success());
    for login in ["alice", "bob"] {
        let add = sb
            .command_on(
                &empty,
                &["--as", "boss", "manager", "add", login, "--name", login],
            )
            .output()
            .unwrap();
        assert!(add.status.success());
    }
    let import = sb
        .command_on(
            &empty,
            &["--as", "boss", "import", csv_path.to_str().unwrap()],
        )
        .output()
        .unwrap();
    assert!(
        import.status.success(),
        "{}",
        String::from_utf8_lossy(&import.stderr)
    );

    let before = clients_of(&sb, &sb.db);
    let after = clients_of(&sb, &empty);
    assert_eq!(before.len(), 3);
    assert_eq!(after, before, "the same clients, phones, orders and totals");
}

#[test]
fn csv_for_excel_has_a_bom_and_semicolons_and_respects_visibility() {
    let sb = base();
    let text = export(&sb, "alice", &["--excel"]);
    assert!(text.starts_with('\u{feff}'), "a BOM, so Excel reads UTF-8");
    let header = text.trim_start_matches('\u{feff}').lines().next().unwrap();
    assert!(header.starts_with("number;kind;last_name;"), "{header}");
    assert!(
        text.contains("\"ООО «Рога, копыта; и ко»\""),
        "a cell with ; is quoted"
    );
    assert!(
        !text.contains("Bob's Client"),
        "bob's client is not alice's to export"
    );
    assert_eq!(text.lines().count(), 3, "a header and alice's two clients");
}

#[test]
fn json_and_the_mailing_list() {
    let sb = base();
    let all: Vec<Value> =
        serde_json::from_str(&export(&sb, "alice", &["--format", "json"])).unwrap();
    assert_eq!(all.len(), 2);
    let elkina = all.iter().find(|c| c["last_name"] == "Ёлкина").unwrap();
    assert_eq!(elkina["total_spent_minor"], 160_040);
    assert_eq!(elkina["orders"].as_array().unwrap().len(), 2);
    let mailing: Vec<Value> =
        serde_json::from_str(&export(&sb, "alice", &["--format", "json", "--mailing"])).unwrap();
    assert_eq!(
        mailing.len(),
        1,
        "only the client with an e-mail and a marketing consent"
    );
    assert_eq!(mailing[0]["last_name"], "Ёлкина");
    let prospects: Vec<Value> = serde_json::from_str(&export(
        &sb,
        "alice",
        &["--format", "json", "--segment", "prospect"],
    ))
    .unwrap();
    assert_eq!(prospects.len(), 1, "the company has no orders");
}

#[test]
fn vcards_are_well_formed() {
    let sb = base();
    let text = export(&sb, "alice", &["--format", "vcf"]);
    assert!(
        !text.replace("\r\n", "").contains('\n'),
        "every line ends with CRLF"
    );
    for line in text.split("\r\n") {
        assert!(line.len() <= 75, "a line longer than 75 octets: {line}");
    }
    let unfolded = text.replace("\r\n ", "");
    let cards: Vec<&str> = unfolded
        .split("BEGIN:VCARD\r\n")
        .filter(|c| !c.is_empty())
        .collect();
    assert_eq!(cards.len(), 2);
    for card in &cards {
        assert!(card.starts_with("VERSION:4.0\r\n"), "{card}");
        assert!(card.ends_with("END:VCARD\r\n"), "{card}");
        assert!(
            card.contains("\r\nFN:") && card.contains("\r\nUID:urn:uuid:"),
            "{card}"
        );
    }
    let elkina = cards.iter().find(|c| c.contains("Ёлкина")).unwrap();
    assert!(elkina.contains("N:Ёлкина;Пелагея;Ивановна;;\r\n"));
    assert!(elkina.contains("TEL;TYPE=cell;PREF=1:+79161234567\r\n"));
    assert!(elkina.contains("TEL;TYPE=cell:+79030000001\r\n"));
    assert!(elkina.contains("EMAIL;PREF=1:pelageya@mail.ru\r\n"));
    assert!(elkina.contains("BDAY:19900517\r\n"));
    assert!(elkina.contains("CATEGORIES:vip,рыбалка\r\n"));
    let company = cards.iter().find(|c| c.contains("ORG:")).unwrap();
    assert!(
        company.contains("ORG:ООО «Рога\\, копыта\\; и ко»\r\n"),
        "{company}"
    );
}

/// khard (from PyPI, installed for the tests when missing) lists the exported vCards
/// from a vdir without errors.
#[test]
fn khard_reads_the_exported_vcards() {
    let khard = common::tools::pypi("khard", "khard");
    let sb = base();
    let text = export(&sb, "alice", &["--format", "vcf"]);
    let vdir = sb.path().join("vdir");
    std::fs::create_dir_all(&vdir).unwrap();
    for (i, card) in text.split_inclusive("END:VCARD\r\n").enumerate() {
        std::fs::write(vdir.join(format!("{i}.vcf")), card).unwrap();
    }
    let config = sb.path().join("khard.conf");
    std::fs::write(
        &config,
        format!(
            "[addressbooks]\n[[clients]]\npath = {}\n\n[general]\ndefault_action = list\n",
            vdir.display()
        ),
    )
    .unwrap();
    let out = std::process::Command::new(&khard)
        .args(["-c", config.to_str().unwrap(), "list"])
        .env("HOME", sb.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "khard failed:\n{stdout}\n{stderr}");
    assert!(stderr.trim().is_empty(), "khard complained:\n{stderr}");
    assert!(
        stdout.contains("Ёлкина") && stdout.contains("Рога"),
        "{stdout}"
    );
}
