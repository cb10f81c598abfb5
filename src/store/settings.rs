//! Per-base settings: the defaults of `assets/settings.toml`, overridden by what the
//! team set (stored as rows, so they travel with the base and merge like any change).

use super::error::{StoreError, StoreResult};
use super::write::{text, Entity};
use super::{Store, Viewer};
use crate::domain::settings::Settings;
use rusqlite::OptionalExtension;

impl Store {
    pub(crate) fn load_settings(&self) -> StoreResult<Settings> {
        let mut value = serde_json::to_value(Settings::default())?;
        let mut stmt = self
            .conn
            .prepare("SELECT key, value FROM settings WHERE deleted = 0")?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
        for row in rows {
            let (key, raw) = row?;
            if let (Some(slot), Ok(parsed)) = (value.get_mut(&key), serde_json::from_str(&raw)) {
                *slot = parsed;
            }
        }
        Ok(serde_json::from_value(value).unwrap_or_default())
    }

    /// Changes one numeric setting (admins and leads).
    pub fn set_setting(&mut self, viewer: &Viewer, key: &str, raw: &str) -> StoreResult<()> {
        if !crate::domain::rules::may_manage_team(viewer.role) {
            return Err(StoreError::NotAllowed);
        }
        if !Settings::NUMERIC_KEYS.contains(&key) {
            return Err(StoreError::UnknownField(key.to_string()));
        }
        let max = Settings::max_of(key);
        let number: i64 = raw
            .trim()
            .parse()
            .ok()
            .filter(|n| (0..=max).contains(n))
            .ok_or_else(|| StoreError::bad_value(key, raw, format!("0–{max}")))?;
        self.write(Some(viewer), |w| {
            let existing: Option<i64> = w
                .tx()
                .query_row("SELECT id FROM settings WHERE key = ?1", [key], |r| {
                    r.get(0)
                })
                .optional()?;
            match existing {
                Some(id) => w
                    .update(Entity::Setting, id, &[("value", text(number.to_string()))])
                    .map(|_| ()),
                // Named after its key, so that two devices setting it for the first
                // time before they sync make one row, not a clash.
                None => w
                    .insert_with_uuid(
                        Entity::Setting,
                        &super::write::uuid_from(&[b"setting", key.as_bytes()]),
                        &[("key", text(key)), ("value", text(number.to_string()))],
                        &[],
                    )
                    .map(|_| ()),
            }
        })?;
        self.settings = self.load_settings()?;
        Ok(())
    }
}
