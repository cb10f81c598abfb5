//! Who may see which clients (SPEC §1, rule 1): the one definition of per-manager
//! visibility. A manager sees the clients they are responsible for; a lead or an
//! admin sees everyone's. Every read of the store takes a [`Scope`] from here: a read
//! of many clients puts [`Scope::clients`] into its SQL (a condition on the clients
//! table, or [`Scope::on`] for a column that holds a client's manager), a read of one
//! client finds it through [`Scope::sees`]. A test of the sources (below) fails when a
//! query of a read reads the clients table without its scope.

use super::error::{StoreError, StoreResult};
use super::{Store, Viewer};
use rusqlite::OptionalExtension;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Scope {
    /// The one manager whose clients are seen; `None` for everyone's.
    manager: Option<i64>,
}

impl Scope {
    /// What `viewer` may see: their own clients, or everyone's for a lead or an admin.
    pub(crate) fn of(viewer: &Viewer) -> Scope {
        Scope {
            manager: (!viewer.sees_everyone()).then_some(viewer.id),
        }
    }

    /// The viewer's own clients, for a lead or an admin too: their day (Today) and
    /// what they run for themselves (the follow-up rules, their own report).
    pub(crate) fn own(viewer: &Viewer) -> Scope {
        Scope {
            manager: Some(viewer.id),
        }
    }

    /// Everyone's clients: work the program does for the base itself (the daily
    /// rules, tiers as orders age), never for a person's eyes.
    pub(crate) fn everyone() -> Scope {
        Scope { manager: None }
    }

    /// One manager's clients, if this scope may see them (a lead narrowing a list).
    pub(crate) fn narrowed_to(self, manager: i64) -> Option<Scope> {
        self.sees(manager).then_some(Scope {
            manager: Some(manager),
        })
    }

    /// The one manager this scope is limited to, if any.
    pub(crate) fn manager(self) -> Option<i64> {
        self.manager
    }

    /// Whether a client of `manager` is visible.
    pub(crate) fn sees(self, manager: i64) -> bool {
        self.manager.is_none_or(|own| own == manager)
    }

    /// The SQL condition "the client of this row is visible", on `column`, a column
    /// holding a client's manager (`c.manager_id`, `o.manager_id`, `m.id`). A literal,
    /// so that the planner picks a `(manager_id, …)` index for a manager.
    pub(crate) fn on(self, column: &str) -> String {
        match self.manager {
            Some(id) => format!("{column} = {id}"),
            None => "1".to_string(),
        }
    }

    /// [`Scope::on`] for the clients table under `alias` (`c`).
    pub(crate) fn clients(self, alias: &str) -> String {
        self.on(&format!("{alias}.manager_id"))
    }
}

impl Store {
    /// The local id of a client the viewer may see, by its number. A client that is
    /// someone else's gives the same error as one that does not exist.
    pub(crate) fn resolve(&self, viewer: &Viewer, number: &str) -> StoreResult<i64> {
        let number = number.trim().trim_start_matches('#').to_uppercase();
        let found: Option<(i64, i64)> = self
            .conn
            .prepare_cached("SELECT id, manager_id FROM clients WHERE number = ?1 AND deleted = 0")?
            .query_row([&number], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        match found {
            Some((id, manager)) if Scope::of(viewer).sees(manager) => Ok(id),
            _ => Err(StoreError::NoSuchClient(number)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::codes::Role;

    fn viewer(id: i64, role: Role) -> Viewer {
        Viewer {
            id,
            ..Viewer::for_tests("v", "V", role)
        }
    }

    #[test]
    fn a_manager_sees_their_own_a_lead_everyone() {
        let manager = Scope::of(&viewer(7, Role::Manager));
        assert!(manager.sees(7) && !manager.sees(8));
        assert_eq!(manager.clients("c"), "c.manager_id = 7");
        assert_eq!(manager.narrowed_to(8), None);
        let lead = Scope::of(&viewer(3, Role::Lead));
        assert!(lead.sees(7) && lead.sees(8));
        assert_eq!(lead.clients("c"), "1");
        assert_eq!(
            lead.narrowed_to(8).unwrap().on("o.manager_id"),
            "o.manager_id = 8"
        );
        assert_eq!(Scope::own(&viewer(3, Role::Admin)).manager(), Some(3));
    }

    /// The files whose SQL reads the clients table for the base itself (the write
    /// path, derived facts, sharing, migrations, demo data), not for a viewer.
    const NOT_READS: &[&str] = &[
        "write.rs",
        "write/",
        "facts.rs",
        "tiers.rs",
        "search.rs",
        "sync/",
        "schema",
        "import/load.rs",
        "scope.rs",
        "backup.rs",
    ];

    /// Every SQL text of a read that names the clients table carries its scope: the
    /// `{visible}` condition of [`Scope::clients`], or the one client found by
    /// [`Store::resolve`] (`id = ?1`, a client already checked visible).
    #[test]
    fn every_read_of_the_clients_table_goes_through_the_scope() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/store");
        let mut stack = vec![root.clone()];
        let mut unscoped = Vec::new();
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(dir).unwrap().flatten() {
                let path = entry.path();
                if path.is_dir() {
                    stack.push(path);
                    continue;
                }
                let relative = path
                    .strip_prefix(&root)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                if NOT_READS.iter().any(|p| relative.starts_with(p)) {
                    continue;
                }
                let code = std::fs::read_to_string(&path).unwrap();
                // Code before the unit tests of a file: tests set up their own rows.
                let code = code.split("#[cfg(test)]").next().unwrap_or_default();
                for literal in code.split('"').skip(1).step_by(2) {
                    let names_clients = ["FROM clients", "JOIN clients"]
                        .iter()
                        .any(|t| literal.contains(t));
                    // `/* scope: … */` marks a query that reads every manager's
                    // clients and decides what to show through `Scope::sees`.
                    let scoped = literal.contains("{visible}")
                        || literal.contains("id = ?1")
                        || literal.contains("/* scope:");
                    if names_clients && !scoped {
                        let start: String = literal.chars().take(80).collect();
                        unscoped.push(format!("{relative}: {start}"));
                    }
                }
            }
        }
        assert!(
            unscoped.is_empty(),
            "reads of the clients table without a scope: {unscoped:#?}"
        );
    }
}
