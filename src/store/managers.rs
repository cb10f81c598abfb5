//! Managers and the viewer: who is signed in decides what every query returns.

use super::error::{StoreError, StoreResult};
use super::write::{text, Entity};
use super::Store;
use crate::domain::codes::Role;
use rusqlite::OptionalExtension;
use serde::Serialize;

/// The signed-in manager. Every read of the store takes one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Viewer {
    pub(crate) id: i64,
    pub uuid: String,
    pub login: String,
    pub name: String,
    pub role: Role,
}

impl Viewer {
    /// Whether the viewer's role sees every manager's clients: what the interface
    /// shows (a manager column, a team report). What a read returns is decided by
    /// the store's `Scope`, from the same role.
    pub fn sees_everyone(&self) -> bool {
        self.role.sees_everyone()
    }

    /// A viewer that is in no base, for drawing screens in tests.
    pub fn for_tests(login: &str, name: &str, role: Role) -> Viewer {
        Viewer {
            id: 0,
            uuid: String::new(),
            login: login.into(),
            name: name.into(),
            role,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Manager {
    pub login: String,
    pub name: String,
    pub role: String,
    /// Clients this manager is responsible for (shown to leads and admins, and to the
    /// manager for themself).
    pub clients: Option<i64>,
}

fn check_login(login: &str) -> StoreResult<String> {
    let login = login.trim().to_lowercase();
    let ok = !login.is_empty()
        && login.len() <= 32
        && login
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c));
    if ok {
        Ok(login)
    } else {
        Err(StoreError::LoginInvalid(login))
    }
}

impl Store {
    /// Whether the base has its first manager yet.
    pub fn is_initialised(&self) -> StoreResult<bool> {
        Ok(self.conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM managers WHERE deleted = 0)",
            [],
            |r| r.get(0),
        )?)
    }

    /// Creates the base's first manager, an admin, who becomes the default viewer.
    pub fn init(&mut self, login: &str, name: &str) -> StoreResult<Viewer> {
        if self.is_initialised()? {
            return Err(StoreError::AlreadyInitialised);
        }
        let login = check_login(login)?;
        let name = crate::domain::text::clean(name).unwrap_or_else(|| login.clone());
        self.write(None, |w| {
            w.insert(
                Entity::Manager,
                &[
                    ("login", text(&login)),
                    ("name", text(&name)),
                    ("role", text(Role::Admin.code())),
                ],
            )?;
            w.tx().execute(
                "INSERT OR REPLACE INTO meta (key, value) VALUES ('default_manager', ?1)",
                [&login],
            )?;
            Ok(())
        })?;
        self.viewer(Some(&login))
    }

    /// The viewer for a login, or the base's default manager when none is given.
    pub fn viewer(&self, login: Option<&str>) -> StoreResult<Viewer> {
        let login = match login {
            Some(login) => login.trim().to_lowercase(),
            None => self
                .conn
                .query_row(
                    "SELECT value FROM meta WHERE key = 'default_manager'",
                    [],
                    |r| r.get(0),
                )
                .optional()?
                .ok_or_else(|| StoreError::NoSuchManager(String::new()))?,
        };
        self.conn
            .query_row(
                "SELECT id, uuid, login, name, role FROM managers WHERE login = ?1 AND deleted = 0",
                [&login],
                |r| {
                    Ok(Viewer {
                        id: r.get(0)?,
                        uuid: r.get(1)?,
                        login: r.get(2)?,
                        name: r.get(3)?,
                        role: Role::from_code(&r.get::<_, String>(4)?).unwrap_or(Role::Manager),
                    })
                },
            )
            .optional()?
            .ok_or(StoreError::NoSuchManager(login))
    }

    /// Adds a manager; only a lead or an admin may, and only an admin makes admins.
    pub fn add_manager(
        &mut self,
        actor: &Viewer,
        login: &str,
        name: &str,
        role: Role,
    ) -> StoreResult<Viewer> {
        if !crate::domain::rules::may_manage_team(actor.role)
            || (role == Role::Admin && actor.role != Role::Admin)
        {
            return Err(StoreError::NotAllowed);
        }
        let login = check_login(login)?;
        let name =
            crate::domain::text::clean(name).ok_or_else(|| StoreError::Required("name".into()))?;
        if self.viewer(Some(&login)).is_ok() {
            return Err(StoreError::LoginTaken(login));
        }
        self.write(Some(actor), |w| {
            w.insert(
                Entity::Manager,
                &[
                    ("login", text(&login)),
                    ("name", text(&name)),
                    ("role", text(role.code())),
                ],
            )
        })?;
        self.viewer(Some(&login))
    }

    /// Every manager of the base, with client counts where the viewer may see them.
    pub fn managers(&self, viewer: &Viewer) -> StoreResult<Vec<Manager>> {
        let mut stmt = self.conn.prepare(
            "SELECT m.id, m.login, m.name, m.role,
                    (SELECT count(*) FROM clients c /* scope: shown where Scope::sees */
                     WHERE c.manager_id = m.id AND c.deleted = 0)
             FROM managers m WHERE m.deleted = 0 ORDER BY m.login",
        )?;
        let scope = super::Scope::of(viewer);
        let rows = stmt.query_map([], |r| {
            let id: i64 = r.get(0)?;
            let visible = scope.sees(id);
            Ok(Manager {
                login: r.get(1)?,
                name: r.get(2)?,
                role: r.get(3)?,
                clients: if visible { Some(r.get(4)?) } else { None },
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Every manager of the base: local id, login and full name (an import matches
    /// the responsible manager a file names by either).
    pub(crate) fn manager_list(&self) -> StoreResult<Vec<(i64, String, String)>> {
        Ok(self
            .conn
            .prepare("SELECT id, login, name FROM managers WHERE deleted = 0 ORDER BY id")?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<Result<_, _>>()?)
    }

    /// A manager's local id by login, for assigning clients.
    pub(crate) fn manager_id(&self, login: &str) -> StoreResult<i64> {
        Ok(self.viewer(Some(login))?.id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logins_are_checked_and_lower_cased() {
        assert_eq!(check_login(" Alice ").unwrap(), "alice");
        assert!(check_login("иван").is_err());
        assert!(check_login("").is_err());
        assert!(check_login("a b").is_err());
    }
}
