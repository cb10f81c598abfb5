//! Where things live on this device: the default database, and the device identity
//! (in the config directory, never in the database, so copying a file does not clone
//! a device).

use super::error::{StoreError, StoreResult};
use std::path::{Path, PathBuf};

const DATA_DIR_ENV: &str = "CLIENTBOOK_DATA_DIR";
const CONFIG_DIR_ENV: &str = "CLIENTBOOK_CONFIG_DIR";

fn project_dirs() -> Option<directories::ProjectDirs> {
    directories::ProjectDirs::from("", "", "clientbook")
}

/// The platform data directory (`~/.local/share/clientbook` on Linux), or
/// `CLIENTBOOK_DATA_DIR`.
pub fn data_dir() -> StoreResult<PathBuf> {
    if let Some(dir) = std::env::var_os(DATA_DIR_ENV) {
        return Ok(PathBuf::from(dir));
    }
    project_dirs()
        .map(|d| d.data_dir().to_path_buf())
        .ok_or_else(|| StoreError::Io(crate::i18n::tr("error.no_home")))
}

/// The platform config directory, or `CLIENTBOOK_CONFIG_DIR`.
pub fn config_dir() -> StoreResult<PathBuf> {
    if let Some(dir) = std::env::var_os(CONFIG_DIR_ENV) {
        return Ok(PathBuf::from(dir));
    }
    project_dirs()
        .map(|d| d.config_dir().to_path_buf())
        .ok_or_else(|| StoreError::Io(crate::i18n::tr("error.no_home")))
}

/// The folder a file is in (`.` for a bare file name).
pub(crate) fn folder_of(path: &Path) -> &Path {
    path.parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

/// The database used when neither `--db` nor `CLIENTBOOK_DB` names one.
pub fn default_database() -> StoreResult<PathBuf> {
    Ok(data_dir()?.join("clientbook.db"))
}

/// This device's identity, made on first use and kept in the config directory.
pub fn device_id() -> StoreResult<String> {
    device_id_in(&config_dir()?)
}

pub fn device_id_in(dir: &Path) -> StoreResult<String> {
    let file = dir.join("device-id");
    if let Ok(text) = std::fs::read_to_string(&file) {
        if let Ok(id) = uuid::Uuid::parse_str(text.trim()) {
            return Ok(id.to_string());
        }
    }
    std::fs::create_dir_all(dir)?;
    let id = uuid::Uuid::new_v4().to_string();
    std::fs::write(&file, format!("{id}\n"))?;
    Ok(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn device_id_is_made_once_and_kept() {
        let dir = tempfile::tempdir().unwrap();
        let first = device_id_in(dir.path()).unwrap();
        let second = device_id_in(dir.path()).unwrap();
        assert_eq!(first, second);
        let other = tempfile::tempdir().unwrap();
        assert_ne!(device_id_in(other.path()).unwrap(), first);
    }
}
