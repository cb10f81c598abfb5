//! A company's requisites (SPEC §2): read from a file as the tax service and the banks
//! check them — a wrong ИНН, КПП, ОГРН, БИК or account is kept in the notes and named
//! in the report, not stored — shown in the card and `client show`, exported and read
//! back by the next import.

mod common;

use common::Sandbox;

const FILE: &str = "Компания;ИНН;КПП;ОГРН;БИК;Расчётный счёт;Банк\n\
ООО «Ромашка»;7707083893;773601001;1027700132195;044525225;40702810638000000000;ПАО Сбербанк\n\
ООО «Лютик»;7707083894;773601001;1027700132194;044525225;40702810638000000001;ПАО Сбербанк\n";

#[test]
fn requisites_are_checked_shown_exported_and_read_back() {
    let sb = Sandbox::new();
    sb.team();
    let file = sb.path().join("companies.csv");
    std::fs::write(&file, FILE).unwrap();
    let out = sb.run_as("alice", &["import", file.to_str().unwrap()]);
    assert!(out.ok(), "{}", out.stderr);
    // The wrong ones are named, by line and column.
    for named in ["ИНН", "ОГРН", "Расчётный счёт"] {
        assert!(
            out.stderr.contains(named) || out.stdout.contains(named),
            "{named} not named: {}{}",
            out.stdout,
            out.stderr
        );
    }
    let good = sb.json_as("alice", &["client", "show", "1", "--json"]);
    let requisites = &good["requisites"];
    assert_eq!(requisites["inn"], "7707083893");
    assert_eq!(requisites["kpp"], "773601001");
    assert_eq!(requisites["ogrn"], "1027700132195");
    assert_eq!(requisites["bik"], "044525225");
    assert_eq!(requisites["bank_account"], "40702810638000000000");
    assert_eq!(requisites["bank_name"], "ПАО Сбербанк");
    let text = sb.ok_as("alice", &["client", "show", "1"]);
    assert!(
        text.contains("7707083893") && text.contains("ПАО Сбербанк"),
        "{text}"
    );
    // The wrong ones are no requisites, but nothing is lost: they are in the notes.
    let bad = sb.json_as("alice", &["client", "show", "2", "--json"]);
    assert!(bad["requisites"]["inn"].is_null(), "{bad:#}");
    let notes = bad["notes"].as_str().unwrap_or_default();
    assert!(
        notes.contains("7707083894") && notes.contains("1027700132194"),
        "{notes}"
    );

    // Export writes them; a new base reads them back.
    let csv = sb.path().join("out.csv");
    sb.ok_as("alice", &["export", "-o", csv.to_str().unwrap()]);
    let exported = std::fs::read_to_string(&csv).unwrap();
    assert!(exported.contains("40702810638000000000"), "{exported}");
    let other = Sandbox::new();
    other.team();
    let back = other.run_as("alice", &["import", csv.to_str().unwrap()]);
    assert!(back.ok(), "{}", back.stderr);
    let rows = other.json_as("alice", &["client", "list", "--json", "--all"]);
    let romashka = rows
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"].as_str().unwrap_or_default().contains("Ромашка"))
        .expect("the company came back")["number"]
        .as_str()
        .unwrap()
        .to_string();
    let again = other.json_as("alice", &["client", "show", &romashka, "--json"]);
    assert_eq!(
        again["requisites"], *requisites,
        "the round trip keeps them"
    );
}
