//! Loyalty tiers (SPEC §1): computed from what a client spent in the last 12 months,
//! kept on the client row so that lists and segments filter on it by index. A change
//! of tier is kept for the client's history.

use super::error::{StoreError, StoreResult};
use super::Store;
use crate::domain::segments::tier_for;
use crate::domain::settings::Settings;
use chrono::{DateTime, Duration, Utc};
use rusqlite::{params, Connection, OptionalExtension};

/// Orders from this long ago count towards a tier.
const TIER_WINDOW_DAYS: i64 = 365;

fn window_start(now: DateTime<Utc>) -> i64 {
    (now - Duration::days(TIER_WINDOW_DAYS)).timestamp_millis()
}

/// Recomputes one client's spend and tier; a changed tier is recorded.
pub(crate) fn refresh_tier(
    conn: &Connection,
    client_id: i64,
    settings: &Settings,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    let spent: i64 = conn
        .prepare_cached(
            "SELECT CAST(total(amount_minor) AS INTEGER) FROM orders
             WHERE client_id = ?1 AND deleted = 0 AND status != 'cancelled' AND ordered_at >= ?2",
        )?
        .query_row(params![client_id, window_start(now)], |r| r.get(0))?;
    let tier = tier_for(spent, settings);
    let old: Option<(Option<String>, i64)> = conn
        .prepare_cached("SELECT tier, spent_12m_minor FROM clients WHERE id = ?1")?
        .query_row([client_id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let Some((old, old_spent)) = old else {
        return Ok(());
    };
    // Unchanged, the row (and the indexes holding the tier) is left alone.
    if old == tier && old_spent == spent {
        return Ok(());
    }
    conn.prepare_cached("UPDATE clients SET spent_12m_minor = ?2, tier = ?3 WHERE id = ?1")?
        .execute(params![client_id, spent, tier])?;
    if old != tier {
        conn.prepare_cached(
            "INSERT INTO tier_changes (client_id, at, tier_from, tier_to) VALUES (?1, ?2, ?3, ?4)",
        )?
        .execute(params![client_id, now.timestamp_millis(), old, tier])?;
    }
    Ok(())
}

/// The SQL expression of the tier for a spend `spent` (highest threshold reached).
fn tier_case(settings: &Settings) -> String {
    let mut tiers: Vec<_> = settings.tiers.iter().collect();
    tiers.sort_by_key(|t| std::cmp::Reverse(t.from_minor));
    let arms: String = tiers
        .iter()
        .map(|t| {
            format!(
                " WHEN spent_12m_minor >= {} THEN '{}'",
                t.from_minor,
                t.code.replace('\'', "''")
            )
        })
        .collect();
    if arms.is_empty() {
        "NULL".into()
    } else {
        format!("CASE{arms} ELSE NULL END")
    }
}

/// Recomputes every client's spend and tier at once (new thresholds, a bulk load),
/// optionally only clients `first..=last`. Not a change of any one client: no history.
pub(crate) fn recompute_tiers(
    conn: &Connection,
    settings: &Settings,
    now: DateTime<Utc>,
    ids: Option<(i64, i64)>,
) -> StoreResult<()> {
    let (first, last) = ids.unwrap_or((i64::MIN, i64::MAX));
    conn.execute(
        "UPDATE clients SET spent_12m_minor = (
             SELECT CAST(total(amount_minor) AS INTEGER) FROM orders o
             WHERE o.client_id = clients.id AND o.deleted = 0 AND o.status != 'cancelled'
               AND o.ordered_at >= ?1)
         WHERE id BETWEEN ?2 AND ?3",
        params![window_start(now), first, last],
    )?;
    conn.execute(
        &format!(
            "UPDATE clients SET tier = {} WHERE id BETWEEN ?1 AND ?2",
            tier_case(settings)
        ),
        params![first, last],
    )?;
    Ok(())
}

impl Store {
    /// Once a day: clients whose orders left the 12-month window since the last check
    /// get their tier anew (a base never checked gets every tier computed).
    pub(crate) fn refresh_aging_tiers(&mut self, now: DateTime<Utc>) -> StoreResult<()> {
        let checked: Option<i64> = self
            .conn
            .query_row(
                "SELECT CAST(value AS INTEGER) FROM local_state WHERE key = 'tiers_checked_at'",
                [],
                |r| r.get(0),
            )
            .optional()?;
        let today_start = now.timestamp_millis() - now.timestamp_millis() % 86_400_000;
        if checked.is_some_and(|at| at >= today_start) {
            return Ok(());
        }
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(|e| StoreError::from(e).at_path(&self.path))?;
        match checked {
            None => recompute_tiers(&tx, &self.settings, now, None)?,
            Some(at) => {
                let since = window_start(DateTime::from_timestamp_millis(at).unwrap_or(now));
                let clients: Vec<i64> = tx
                    .prepare(
                        "SELECT DISTINCT client_id FROM orders
                         WHERE deleted = 0 AND ordered_at >= ?1 AND ordered_at < ?2",
                    )?
                    .query_map(params![since, window_start(now)], |r| r.get(0))?
                    .collect::<Result<_, _>>()?;
                for client in clients {
                    refresh_tier(&tx, client, &self.settings, now)?;
                }
            }
        }
        tx.execute(
            "INSERT INTO local_state (key, value) VALUES ('tiers_checked_at', ?1)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [now.timestamp_millis().to_string()],
        )?;
        tx.commit()?;
        Ok(())
    }
}
