//! Conflict copies: when two devices replace the team file at once, the sync tool
//! keeps both, renaming one. Each tool names it its own way; all are found, merged
//! when they are a copy of this base, and moved aside only after the merged result is
//! published. Anything else is reported and left where it is.

use super::TEAM_DIR;
use crate::store::error::StoreResult;
use std::path::{Path, PathBuf};

/// Whether `name` is what a sync tool calls a conflict copy of the team file `stem.ext`.
pub fn is_conflict_copy_name(stem: &str, ext: &str, name: &str) -> bool {
    let Some(rest) = name.strip_suffix(&format!(".{ext}")) else {
        return false;
    };
    if rest == stem {
        return false;
    }
    // Syncthing: base.sync-conflict-20261122-101500-ABCDEFG.db
    rest.starts_with(&format!("{stem}.sync-conflict-"))
        // Dropbox: base (Ivan's conflicted copy 2026-11-22).db;
        // Nextcloud: base (conflicted copy 2026-11-22 101500).db
        || (rest.starts_with(&format!("{stem} (")) && rest.contains("conflicted copy") && rest.ends_with(')'))
        // Nextcloud/ownCloud: base_conflict-20261122-101500.db
        || rest.starts_with(&format!("{stem}_conflict-"))
        // OneDrive: base-HOSTNAME.db
        || rest
            .strip_prefix(&format!("{stem}-"))
            .is_some_and(|host| !host.is_empty() && !host.contains(['.', ' ']))
}

/// The conflict copies beside `team`, by name.
pub fn conflict_copies(team: &Path) -> Vec<PathBuf> {
    let dir = crate::store::paths::folder_of(team);
    let (Some(stem), Some(ext)) = (
        team.file_stem().and_then(|s| s.to_str()),
        team.extension().and_then(|s| s.to_str()),
    ) else {
        return Vec::new();
    };
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
                .filter(|e| is_conflict_copy_name(stem, ext, &e.file_name().to_string_lossy()))
                .map(|e| e.path())
                .collect()
        })
        .unwrap_or_default();
    found.sort();
    found
}

/// Moves merged conflict copies into `.clientbook/merged/` beside the team file.
pub(crate) fn move_aside(team: &Path, merged: &[PathBuf]) -> StoreResult<()> {
    if merged.is_empty() {
        return Ok(());
    }
    let dir = crate::store::paths::folder_of(team)
        .join(TEAM_DIR)
        .join("merged");
    std::fs::create_dir_all(&dir)?;
    for copy in merged {
        let Some(name) = copy.file_name() else {
            continue;
        };
        let mut target = dir.join(name);
        if target.exists() {
            let stamp = chrono::Utc::now().format("%Y%m%d-%H%M%S%.3f");
            target = dir.join(format!("{stamp}-{}", name.to_string_lossy()));
        }
        match std::fs::rename(copy, &target) {
            Ok(()) => {}
            // Moved already (a sync that met it twice), or gone: nothing to do.
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(crate::store::error::StoreError::io_at(copy, &e)),
        }
    }
    Ok(())
}

/// Opens a file that nobody writes any more (a copy moved aside) to read it, taking
/// no lock and leaving no journal beside it.
fn open_immutable(path: &Path) -> Option<rusqlite::Connection> {
    let mut uri = String::from("file:");
    for byte in path.to_string_lossy().bytes() {
        match byte {
            b'?' | b'#' | b'%' => uri.push_str(&format!("%{byte:02X}")),
            other => uri.push(other as char),
        }
    }
    uri.push_str("?immutable=1");
    rusqlite::Connection::open_with_flags(
        uri,
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY
            | rusqlite::OpenFlags::SQLITE_OPEN_URI
            | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .ok()
}

/// Forget reaches the copies moved aside too: a copy that still holds the personal
/// data of a client forgotten since (`forgotten`: their UUIDs) is removed — all it
/// held was merged long ago. Returns how many were removed.
pub(crate) fn erase_forgotten(team: &Path, forgotten: &[String]) -> StoreResult<usize> {
    let dir = crate::store::paths::folder_of(team)
        .join(TEAM_DIR)
        .join("merged");
    if forgotten.is_empty() || !dir.is_dir() {
        return Ok(0);
    }
    let uuids = serde_json::to_string(forgotten)?;
    let mut removed = 0;
    for entry in std::fs::read_dir(&dir)?.flatten() {
        let path = entry.path();
        let holds_them = || -> Option<bool> {
            let conn = open_immutable(&path)?;
            conn.query_row(
                "SELECT EXISTS (SELECT 1 FROM clients WHERE forgotten_at IS NULL
                     AND uuid IN (SELECT value FROM json_each(?1)))",
                [&uuids],
                |r| r.get(0),
            )
            .ok()
        };
        // A file that cannot be read as a base is not ours to judge; left alone.
        if holds_them() == Some(true) {
            std::fs::remove_file(&path)?;
            removed += 1;
        }
    }
    Ok(removed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_sync_tools_conflict_copy_name_is_recognised() {
        for name in [
            "base.sync-conflict-20261122-101500-ABCDEFG.db",
            "base (Ivan's conflicted copy 2026-11-22).db",
            "base (conflicted copy 2026-11-22 101500).db",
            "base_conflict-20261122-101500.db",
            "base-LAPTOP7.db",
        ] {
            assert!(is_conflict_copy_name("base", "db", name), "{name}");
        }
    }

    #[test]
    fn the_team_file_itself_and_other_files_are_not_conflict_copies() {
        for name in [
            "base.db",
            "base.db-journal",
            "~base.db.clientbook.tmp",
            "other.sync-conflict-20261122-101500-ABCDEFG.db",
            "base (copy).db",
            "base-.db",
            "base.sync-conflict-20261122-101500-ABCDEFG.txt",
            "basement.db",
        ] {
            assert!(!is_conflict_copy_name("base", "db", name), "{name}");
        }
    }
}
