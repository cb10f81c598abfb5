//! Whose clients the imported rows become: the viewer's, the `--manager` given (leads
//! and admins only), or for leads and admins the file's `Manager` column — by login
//! or by the manager's full name, in either order (`Мария Смирнова`, as CRMs export
//! the responsible person). A manager's file with such a column is imported as
//! theirs, with a warning: only leads and admins hand clients to someone else (rule
//! 1). A name that is no manager of this base costs nothing: the client goes to the
//! default manager, the name into its notes, and the report names it once.

use super::headers::{Column, Target};
use super::rows::ImportRow;
use super::{ImportOptions, ImportReport};
use crate::domain::rules::may_reassign;
use crate::domain::text::fold;
use crate::i18n::tr;
use crate::store::error::{StoreError, StoreResult};
use crate::store::{Store, Viewer};
use std::collections::HashMap;

pub struct Managers {
    default: i64,
    /// The default manager's login, for the report.
    pub default_login: String,
    /// The `Manager` column's header, when it decides.
    column: Option<String>,
    known: HashMap<String, Option<i64>>,
    /// Every manager: id, login, full name folded with its words in order.
    all: Vec<(i64, String, String)>,
    /// Names the file gives that are no manager here, in the order met.
    pub unknown: Vec<String>,
}

/// A full name as a key that ignores case, `ё` and the order of its words.
fn name_key(name: &str) -> String {
    let mut words: Vec<String> = fold(name).split_whitespace().map(String::from).collect();
    words.sort();
    words.join(" ")
}

impl Managers {
    pub fn new(
        store: &Store,
        viewer: &Viewer,
        options: &ImportOptions,
        columns: &[Column],
        report: &mut ImportReport,
    ) -> StoreResult<Managers> {
        let default = match options.manager.as_deref() {
            Some(login) if login.trim().to_lowercase() != viewer.login => {
                let id = store.manager_id(login)?;
                if !may_reassign(viewer.role) {
                    return Err(StoreError::NotAllowedToReassign);
                }
                id
            }
            _ => viewer.id,
        };
        let column = columns
            .iter()
            .find(|c| c.target == Some(Target::Manager))
            .map(|c| c.header.clone());
        let may_assign = crate::domain::rules::may_reassign(viewer.role);
        if column.is_some() && !may_assign {
            report.warnings.push(tr("import.manager_column_ignored"));
        }
        let listed = store.manager_list()?;
        let all_logins: Vec<(i64, String)> =
            listed.iter().map(|(id, l, _)| (*id, l.clone())).collect();
        let all: Vec<(i64, String, String)> = listed
            .into_iter()
            .map(|(id, login, name)| (id, login, name_key(&name)))
            .collect();
        let default_login = all_logins
            .iter()
            .find(|(id, _)| *id == default)
            .map(|(_, l)| l.clone())
            .unwrap_or_else(|| viewer.login.clone());
        Ok(Managers {
            default,
            default_login,
            column: column.filter(|_| may_assign),
            known: HashMap::new(),
            all,
            unknown: Vec::new(),
        })
    }

    /// The manager of a row: the file's, by login or name, else the default; an
    /// unknown name goes into the row's notes.
    pub fn resolve(&mut self, row: &mut ImportRow) -> i64 {
        let (Some(column), Some(named)) = (&self.column, row.manager.clone()) else {
            return self.default;
        };
        let all = &self.all;
        let id = *self.known.entry(named.clone()).or_insert_with(|| {
            let login = named.trim().to_lowercase();
            let key = name_key(&named);
            all.iter()
                .find(|(_, l, _)| *l == login)
                .or_else(|| all.iter().find(|(_, _, n)| *n == key))
                .map(|(id, _, _)| *id)
        });
        match id {
            Some(id) => id,
            None => {
                if !self.unknown.contains(&named) {
                    self.unknown.push(named.clone());
                }
                row.add_note(&format!("{column}: {named}"));
                self.default
            }
        }
    }
}
