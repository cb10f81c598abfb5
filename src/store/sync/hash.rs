//! A fingerprint of what a base holds, the same in every copy that has seen the same
//! changes: the shared rows by UUID, their logged fields with references as UUIDs and
//! their tombstones; not local ids, stamps, versions or anything derived.

use crate::store::error::StoreResult;
use crate::store::write::{referenced_table, Entity};
use crate::store::Store;
use rusqlite::types::ValueRef;
use sha2::{Digest, Sha256};

impl Store {
    /// The content hash of the base (hex), for checking that copies agree.
    pub fn content_hash(&self) -> StoreResult<String> {
        let mut hasher = Sha256::new();
        for entity in Entity::ALL {
            let columns: Vec<String> = entity
                .columns()
                .iter()
                .map(|c| match referenced_table(c) {
                    Some(table) => {
                        format!("(SELECT r.uuid FROM {table} r WHERE r.id = t.{c})")
                    }
                    None => format!("t.{c}"),
                })
                .collect();
            let sql = format!(
                "SELECT t.uuid, t.deleted, {} FROM {} t ORDER BY t.uuid",
                columns.join(", "),
                entity.table()
            );
            let mut stmt = self.conn.prepare(&sql)?;
            let width = stmt.column_count();
            let mut rows = stmt.query([])?;
            hasher.update(entity.code().as_bytes());
            while let Some(row) = rows.next()? {
                for i in 0..width {
                    match row.get_ref(i)? {
                        ValueRef::Null => hasher.update([0]),
                        ValueRef::Integer(n) => {
                            hasher.update([1]);
                            hasher.update(n.to_be_bytes());
                        }
                        ValueRef::Real(f) => {
                            hasher.update([2]);
                            hasher.update(f.to_be_bytes());
                        }
                        ValueRef::Text(t) | ValueRef::Blob(t) => {
                            hasher.update([3]);
                            hasher.update((t.len() as u64).to_be_bytes());
                            hasher.update(t);
                        }
                    }
                }
            }
        }
        Ok(hasher
            .finalize()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect())
    }
}
