//! Whose clients the imported rows become: the viewer's, the `--manager` given (leads
//! and admins only), or for leads and admins the file's `Manager` column by login.
//! A manager's file with such a column is imported as theirs, with a warning: only
//! leads and admins hand clients to someone else (rule 1).

use super::headers::{Column, Target};
use super::rows::{ImportRow, Problem};
use super::{reject, ImportOptions, ImportReport};
use crate::domain::rules::may_reassign;
use crate::i18n::tr;
use crate::store::error::{StoreError, StoreResult};
use crate::store::{Store, Viewer};
use rusqlite::OptionalExtension;
use std::collections::HashMap;

pub struct Managers {
    default: i64,
    /// The `Manager` column's header, when it decides.
    column: Option<String>,
    known: HashMap<String, Option<i64>>,
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
        Ok(Managers {
            default,
            column: column.filter(|_| may_assign),
            known: HashMap::new(),
        })
    }

    /// The manager of a row; `None` (and a rejected row) for a login that is nobody's.
    pub fn resolve(
        &mut self,
        conn: &rusqlite::Connection,
        row: &ImportRow,
        report: &mut ImportReport,
    ) -> StoreResult<Option<i64>> {
        let (Some(column), Some(login)) = (&self.column, &row.manager) else {
            return Ok(Some(self.default));
        };
        if !self.known.contains_key(login) {
            let id: Option<i64> = conn
                .prepare_cached("SELECT id FROM managers WHERE login = ?1 AND deleted = 0")?
                .query_row([login], |r| r.get(0))
                .optional()?;
            self.known.insert(login.clone(), id);
        }
        let id = self.known[login];
        if id.is_none() {
            let problem = Problem {
                line: row.line,
                column: column.clone(),
                message: StoreError::NoSuchManager(login.clone()).to_string(),
            };
            reject(report, vec![problem]);
        }
        Ok(id)
    }
}
