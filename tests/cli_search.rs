//! Search (issue 3, SPEC §3): any part of the name in any case, `е` = `ё`, a phone in
//! any written form, e-mail and tags; nothing found is an empty list, not an error.

mod common;

use common::{names, Sandbox};

fn base() -> Sandbox {
    let sb = Sandbox::new();
    sb.team();
    sb.add_client("alice", &["--name", "Ёлкина Пелагея Ивановна"]);
    sb.add_client(
        "alice",
        &[
            "--name",
            "Петров Иван",
            "--phone",
            "+7 916 123-45-67",
            "--email",
            "Ivan.Petrov@Example.com",
            "--tag",
            "Рыбалка",
        ],
    );
    sb.add_client(
        "alice",
        &["--company", "ООО Ромашка", "--phone", "8 903 000-11-22"],
    );
    sb
}

fn found(sb: &Sandbox, query: &str) -> Vec<String> {
    names(&sb.list("alice", &["--search", query]))
}

#[test]
fn names_are_found_by_any_part_in_any_case_with_e_for_yo() {
    let sb = base();
    let yolkina = vec!["Ёлкина Пелагея Ивановна".to_string()];
    for query in [
        "елкина",
        "ЕЛКИНА",
        "Ёлкина",
        "ёлк",
        "ПЕЛАГЕЯ",
        "пелагея",
        "Ивановна",
        "Пелагея Ёлкина",
    ] {
        assert_eq!(found(&sb, query), yolkina, "search for {query:?}");
    }
    assert_eq!(found(&sb, "ромашка"), ["ООО Ромашка"]);
}

#[test]
fn a_phone_is_found_however_it_is_written() {
    let sb = base();
    let petrov = vec!["Петров Иван".to_string()];
    for query in [
        "89161234567",
        "+79161234567",
        "8 (916) 123-45-67",
        "+7 916 123-45-67",
        "916 123",
        "9161234567",
        "123-45-67",
    ] {
        assert_eq!(found(&sb, query), petrov, "search for {query:?}");
    }
    assert_eq!(found(&sb, "8 (903) 000 11 22"), ["ООО Ромашка"]);
}

#[test]
fn e_mail_and_tags_are_found_in_any_case() {
    let sb = base();
    let petrov = vec!["Петров Иван".to_string()];
    assert_eq!(found(&sb, "ivan.petrov@example.com"), petrov);
    assert_eq!(found(&sb, "PETROV@EXAMPLE"), petrov);
    assert_eq!(found(&sb, "рыбалка"), petrov);
}

#[test]
fn a_search_that_finds_nothing_gives_an_empty_list() {
    let sb = base();
    for query in ["Сидоров", "zzz", "89990000000", "nobody@example.com"] {
        let run = sb.run_as("alice", &["client", "list", "--json", "--search", query]);
        assert!(run.ok(), "search for {query:?} failed: {}", run.stderr);
        let value: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
        assert_eq!(value, serde_json::json!([]), "search for {query:?}");
    }
}
