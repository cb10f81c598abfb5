//! The search index: one folded text per client (names, company, contact people,
//! phones in every written form, e-mails, tags) in an FTS5 trigram table. Derived and
//! rebuildable, so it never needs to travel with a shared file.

use crate::domain::contact::{phone_search_forms, query_as_phone_digits};
use crate::domain::text::fold;

/// Separates fields so that a query never matches across two of them.
const FIELD_SEPARATOR: &str = "\u{1}";

/// Builds the text indexed for a client from its searchable parts.
pub fn search_text<'p>(
    names: impl IntoIterator<Item = &'p str>,
    phones: impl IntoIterator<Item = &'p str>,
) -> String {
    let mut parts: Vec<String> = names
        .into_iter()
        .filter(|s| !s.is_empty())
        .map(fold)
        .collect();
    for phone in phones {
        parts.extend(phone_search_forms(phone));
    }
    parts.join(FIELD_SEPARATOR)
}

/// How a query is run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SearchPlan {
    /// Nothing to search for.
    Everything,
    /// An FTS5 MATCH expression (every term a quoted phrase, all required).
    Match(String),
    /// Too short for trigrams: names starting with this folded prefix.
    NamePrefix(String),
}

/// Turns what a person typed into a search plan. Phone-like queries compare digits;
/// words of three letters or more must all occur; shorter queries look at the start
/// of the name only, so a one-letter query never scans the whole base.
pub fn plan(query: &str) -> SearchPlan {
    let folded = fold(query);
    if folded.is_empty() {
        return SearchPlan::Everything;
    }
    if let Some(digits) = query_as_phone_digits(query) {
        return SearchPlan::Match(quote(&digits));
    }
    let words: Vec<&str> = folded
        .split(' ')
        .filter(|w| w.chars().count() >= 3)
        .collect();
    if words.is_empty() {
        return if folded.chars().count() >= 3 {
            SearchPlan::Match(quote(&folded))
        } else {
            SearchPlan::NamePrefix(folded)
        };
    }
    SearchPlan::Match(
        words
            .iter()
            .map(|w| quote(w))
            .collect::<Vec<_>>()
            .join(" AND "),
    )
}

fn quote(term: &str) -> String {
    format!("\"{}\"", term.replace('"', "\"\""))
}

/// Bits of a search rowid that hold the client's id; the manager's id sits above them.
pub const CLIENT_ID_BITS: u32 = 40;

/// Where a client sits in the search index: its manager's range, then its id.
pub fn search_rowid(manager_id: i64, client_id: i64) -> i64 {
    (manager_id << CLIENT_ID_BITS) | client_id
}

/// The search rowids of one manager's clients, inclusive.
pub fn manager_range(manager_id: i64) -> (i64, i64) {
    (
        search_rowid(manager_id, 0),
        search_rowid(manager_id, (1 << CLIENT_ID_BITS) - 1),
    )
}

/// The upper bound of a prefix range: every string starting with `prefix` sorts below it.
pub fn prefix_upper_bound(prefix: &str) -> String {
    format!("{prefix}\u{10FFFF}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_holds_folded_names_and_phone_forms() {
        let text = search_text(["Ёлкина Пелагея", "ООО «Ромашка»", ""], ["+79161234567"]);
        assert!(text.contains("елкина пелагея"));
        assert!(text.contains("ооо «ромашка»"));
        assert!(text.contains("79161234567"));
        assert!(text.contains("89161234567"));
    }

    #[test]
    fn search_rowids_keep_each_manager_in_one_range() {
        assert_eq!(
            (1i64 << CLIENT_ID_BITS) - 1,
            1_099_511_627_775,
            "SEARCH_JOIN's mask in listing.rs"
        );
        let (low, high) = manager_range(2);
        assert!(low <= search_rowid(2, 1) && search_rowid(2, 1_000_000) <= high);
        assert!(search_rowid(3, 1) > high && search_rowid(1, 999_999_999) < low);
    }

    #[test]
    fn plans_queries() {
        assert_eq!(plan("  "), SearchPlan::Everything);
        assert_eq!(plan("Ёлкина"), SearchPlan::Match("\"елкина\"".into()));
        assert_eq!(
            plan("8 (916) 123-45-67"),
            SearchPlan::Match("\"89161234567\"".into())
        );
        assert_eq!(
            plan("иван петров"),
            SearchPlan::Match("\"иван\" AND \"петров\"".into())
        );
        assert_eq!(plan("Ли"), SearchPlan::NamePrefix("ли".into()));
        assert_eq!(plan("ли в"), SearchPlan::Match("\"ли в\"".into()));
        assert_eq!(plan("a\"b\"c"), SearchPlan::Match("\"a\"\"b\"\"c\"".into()));
    }
}
