//! Rows of a bulk load, queued and written together. One INSERT statement per row
//! costs more in SQLite's per-statement work (opening a cursor on every index,
//! halting, binding) than in the row itself; a multi-row INSERT of the same table
//! and columns pays it once per chunk. The change log of the queued rows is queued
//! the same way, so nothing skips the one write path: every row still gets its
//! stamp, its log record and its place in the clock.

use super::{check_columns, Entity, Fields, Op, Writer};
use crate::store::error::StoreResult;
use rusqlite::params_from_iter;
use rusqlite::types::Value;
use std::collections::HashMap;

/// SQLite's limit on bound values in one statement (32766) leaves room for this many.
const MAX_VALUES: usize = 30_000;
/// More rows per statement than this gain nothing measurable.
const MAX_ROWS: usize = 500;

/// Rows of one table with the same columns.
struct Shape {
    entity: Entity,
    columns: Vec<String>,
    values: Vec<Value>,
}

/// One queued change-log record.
struct LogRecord {
    hlc: i64,
    entity: Entity,
    uuid: String,
    client_id: Option<i64>,
    fields: String,
}

#[derive(Default)]
pub(crate) struct Queue {
    shapes: Vec<Shape>,
    by_columns: HashMap<(Entity, String), usize>,
    log: Vec<LogRecord>,
    rows: usize,
}

impl Writer<'_> {
    /// How many rows are queued.
    pub fn queued_rows(&self) -> usize {
        self.queue.rows
    }

    /// Queues a new row (and its log record) to be written by [`Writer::flush_queue`]
    /// or at the latest when the transaction ends. Its `client_id` must be known:
    /// a queued client row is given its id by the caller.
    pub fn queue_insert(
        &mut self,
        entity: Entity,
        uuid: &str,
        fields: &Fields<'_>,
        derived: &Fields<'_>,
    ) -> StoreResult<()> {
        check_columns(entity, fields)?;
        let names: Vec<&str> = fields.iter().chain(derived).map(|(n, _)| *n).collect();
        let key = (entity, names.join(","));
        let shape = match self.queue.by_columns.get(&key) {
            Some(&index) => index,
            None => {
                let mut columns = vec!["uuid".to_string(), "updated_at".to_string()];
                columns.extend(names.iter().map(|n| n.to_string()));
                self.queue.shapes.push(Shape {
                    entity,
                    columns,
                    values: Vec::new(),
                });
                self.queue
                    .by_columns
                    .insert(key, self.queue.shapes.len() - 1);
                self.queue.shapes.len() - 1
            }
        };
        let values = &mut self.queue.shapes[shape].values;
        values.push(Value::Text(uuid.to_string()));
        values.push(Value::Integer(self.now_ms));
        values.extend(fields.iter().chain(derived).map(|(_, v)| v.clone()));
        let client_id = match entity {
            Entity::Client => fields
                .iter()
                .chain(derived)
                .find(|(n, _)| *n == "id")
                .and_then(|(_, v)| match v {
                    Value::Integer(id) => Some(*id),
                    _ => None,
                }),
            _ => self.client_of(entity, 0, fields),
        };
        self.clock = self.clock.tick(self.now_ms);
        let record = LogRecord {
            hlc: self.clock.0,
            entity,
            uuid: uuid.to_string(),
            client_id,
            fields: self.log_fields(entity, fields)?,
        };
        self.queue.log.push(record);
        self.queue.rows += 1;
        if let Some(client) = client_id {
            self.touch(client);
        }
        Ok(())
    }

    /// Writes every queued row: clients first (the others refer to them), then the
    /// rest, then their change-log records.
    pub fn flush_queue(&mut self) -> StoreResult<()> {
        if self.queue.rows == 0 {
            return Ok(());
        }
        let mut shapes = std::mem::take(&mut self.queue.shapes);
        self.queue.by_columns.clear();
        shapes.sort_by_key(|s| s.entity != Entity::Client);
        for shape in &shapes {
            self.insert_rows(shape.entity.table(), &shape.columns, &shape.values)?;
        }
        let log = std::mem::take(&mut self.queue.log);
        let columns: Vec<String> = [
            "hlc",
            "device_id",
            "actor_id",
            "entity",
            "row_uuid",
            "client_id",
            "op",
            "fields",
        ]
        .map(String::from)
        .to_vec();
        let mut values = Vec::with_capacity(log.len() * columns.len());
        for record in log {
            values.extend([
                Value::Integer(record.hlc),
                Value::Integer(self.device_id),
                self.actor.map_or(Value::Null, Value::Integer),
                Value::Text(record.entity.code().to_string()),
                Value::Text(record.uuid),
                record.client_id.map_or(Value::Null, Value::Integer),
                Value::Text(Op::Insert.code().to_string()),
                Value::Text(record.fields),
            ]);
        }
        self.insert_rows("change_log", &columns, &values)?;
        self.queue.rows = 0;
        Ok(())
    }

    /// Multi-row INSERTs of `values` (row after row) into `table`.
    fn insert_rows(&self, table: &str, columns: &[String], values: &[Value]) -> StoreResult<()> {
        let width = columns.len();
        let per_statement = (MAX_VALUES / width).clamp(1, MAX_ROWS);
        let row = format!("({})", vec!["?"; width].join(","));
        for chunk in values.chunks(per_statement * width) {
            let rows = chunk.len() / width;
            let sql = format!(
                "INSERT INTO {table} ({}) VALUES {}",
                columns.join(","),
                vec![row.as_str(); rows].join(",")
            );
            self.tx
                .prepare_cached(&sql)?
                .execute(params_from_iter(chunk.iter()))?;
        }
        Ok(())
    }
}
