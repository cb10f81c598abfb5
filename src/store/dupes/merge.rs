//! `merge KEEP OTHER`: two records of one client become one. Every moved row goes
//! through the one write path, so the change log says what moved where.

use super::MergeSummary;
use crate::domain::text::fold;
use crate::i18n::trf;
use crate::store::clients::child_rows;
use crate::store::error::{StoreError, StoreResult};
use crate::store::write::{int, text, Entity, Writer};
use crate::store::{Store, Viewer};
use rusqlite::types::Value;
use std::collections::HashSet;

impl Store {
    /// Merges client `other` into `keep`: its history, orders, contacts, tasks,
    /// consent and contact people move to `keep`; phones, e-mails and tags `keep`
    /// lacks are added; blank fields of `keep` are filled from `other`. `other` is
    /// left as a tombstone, and `keep`'s history says what was merged. Both must be
    /// the viewer's to see.
    pub fn merge_clients(
        &mut self,
        viewer: &Viewer,
        keep: &str,
        other: &str,
    ) -> StoreResult<MergeSummary> {
        let keep_id = self.resolve(viewer, keep)?;
        let other_id = self.resolve(viewer, other)?;
        if keep_id == other_id {
            return Err(StoreError::bad_value(
                "OTHER",
                other,
                crate::i18n::tr("dupes.another_client"),
            ));
        }
        let (keep_number, keep_manager, keep_forgotten): (String, i64, bool) =
            self.conn.query_row(
                "SELECT number, manager_id, forgotten_at IS NOT NULL FROM clients WHERE id = ?1",
                [keep_id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )?;
        let (other_number, other_name, other_forgotten): (String, String, bool) =
            self.conn.query_row(
                "SELECT number, display_name, forgotten_at IS NOT NULL FROM clients WHERE id = ?1",
                [other_id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )?;
        if keep_forgotten || other_forgotten {
            return Err(StoreError::Forgotten);
        }
        self.write(Some(viewer), |w| {
            let mut summary = MergeSummary {
                kept: keep_number.clone(),
                merged: other_number.clone(),
                ..MergeSummary::default()
            };
            for entity in [
                Entity::Interaction,
                Entity::Order,
                Entity::ScheduledContact,
                Entity::Consent,
                Entity::ContactPerson,
                Entity::ImportantDate,
            ] {
                for row in child_rows(w, entity, other_id)? {
                    let mut fields = vec![("client_id", int(keep_id))];
                    if matches!(entity, Entity::ScheduledContact | Entity::Order) {
                        // Open contacts are the kept client's manager's to make, and
                        // orders count for that manager from now on.
                        fields.push(("manager_id", int(keep_manager)));
                    }
                    w.update(entity, row, &fields)?;
                    summary.moved_rows += 1;
                }
            }
            summary.added_contacts += move_distinct(w, Entity::ContactPoint, keep_id, other_id)?;
            summary.added_contacts += move_distinct(w, Entity::Tag, keep_id, other_id)?;
            if child_rows(w, Entity::Requisites, keep_id)?.is_empty() {
                for row in child_rows(w, Entity::Requisites, other_id)? {
                    w.update(Entity::Requisites, row, &[("client_id", int(keep_id))])?;
                    summary.moved_rows += 1;
                }
            }
            fill_blanks(w, keep_id, other_id)?;
            w.insert(
                Entity::Interaction,
                &[
                    ("client_id", int(keep_id)),
                    ("manager_id", int(viewer.id)),
                    ("kind", text("note")),
                    ("direction", text("outbound")),
                    (
                        "summary",
                        text(trf(
                            "dupes.merged_note",
                            &[("number", &other_number), ("name", &other_name)],
                        )),
                    ),
                    ("at", int(w.now_ms())),
                ],
            )?;
            for entity in [Entity::ContactPoint, Entity::Tag, Entity::Requisites] {
                for row in child_rows(w, entity, other_id)? {
                    w.delete(entity, row)?;
                }
            }
            w.update(
                Entity::Client,
                other_id,
                &[("merged_into_id", int(keep_id))],
            )?;
            w.delete(Entity::Client, other_id)?;
            Ok(summary)
        })
    }
}

/// Moves `other`'s phones and e-mails (or tags) that `keep` lacks; the rest are
/// tombstoned with `other`. Returns how many were added to `keep`.
fn move_distinct(w: &mut Writer<'_>, entity: Entity, keep: i64, other: i64) -> StoreResult<usize> {
    let value = if entity == Entity::Tag {
        "tag"
    } else {
        "value"
    };
    let sql = format!(
        "SELECT id, {value} FROM {} WHERE client_id = ?1 AND deleted = 0",
        entity.table()
    );
    let read = |w: &Writer<'_>, client: i64| -> StoreResult<Vec<(i64, String)>> {
        Ok(w.tx()
            .prepare(&sql)?
            .query_map([client], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<_, _>>()?)
    };
    let kept: HashSet<String> = read(w, keep)?.into_iter().map(|(_, v)| fold(&v)).collect();
    let mut added = 0;
    for (row, v) in read(w, other)? {
        if !kept.contains(&fold(&v)) {
            w.update(entity, row, &[("client_id", int(keep))])?;
            added += 1;
        }
    }
    Ok(added)
}

/// Fields `keep` has blank and `other` has filled.
fn fill_blanks(w: &mut Writer<'_>, keep: i64, other: i64) -> StoreResult<()> {
    const COLUMNS: &[&str] = &[
        "last_name",
        "first_name",
        "patronymic",
        "company",
        "legal_form",
        "position",
        "birthday",
        "gender",
        "occupation",
        "city",
        "time_zone",
        "address",
        "preferred_channel",
        "call_window",
        "source",
        "notes",
    ];
    let sql = format!("SELECT {} FROM clients WHERE id = ?1", COLUMNS.join(", "));
    let read = |w: &Writer<'_>, id: i64| -> StoreResult<Vec<Option<String>>> {
        Ok(w.tx().query_row(&sql, [id], |r| {
            (0..COLUMNS.len()).map(|i| r.get(i)).collect()
        })?)
    };
    let (kept, theirs) = (read(w, keep)?, read(w, other)?);
    let fills: Vec<(&str, Value)> = COLUMNS
        .iter()
        .zip(kept.iter().zip(theirs))
        .filter(|(_, (k, o))| k.as_deref().is_none_or(str::is_empty) && o.is_some())
        .map(|(column, (_, o))| (*column, Value::Text(o.unwrap_or_default())))
        .collect();
    if !fills.is_empty() {
        w.update(Entity::Client, keep, &fills)?;
    }
    Ok(())
}
