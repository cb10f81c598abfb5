//! `init`, `manager add`, `manager list`.

use super::output::{print_json, table};
use super::Cli;
use crate::domain::codes::Role;
use crate::i18n::{tr, trf};
use crate::store::{Store, Viewer};
use clap::{Args, Subcommand};

#[derive(Debug, Args)]
pub struct InitArgs {
    #[arg(long, value_name = "LOGIN")]
    pub manager: Option<String>,
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum ManagerCommand {
    Add {
        login: String,
        #[arg(long)]
        name: String,
        #[arg(long, default_value = "manager", value_name = "manager|lead|admin")]
        role: String,
    },
    List {
        #[arg(long)]
        json: bool,
    },
}

pub fn init(cli: &Cli, args: &InitArgs) -> anyhow::Result<()> {
    let path = super::database_path(cli)?;
    let mut store = Store::open(&path)?;
    let login = args.manager.clone().unwrap_or_else(super::os_login);
    let name = args.name.clone().unwrap_or_else(|| login.clone());
    let viewer = store.init(&login, &name)?;
    say!(
        "{}",
        trf(
            "cli.init_done",
            &[("path", &path.display()), ("login", &viewer.login)]
        )
    );
    Ok(())
}

pub fn run(store: &mut Store, viewer: &Viewer, cmd: ManagerCommand) -> anyhow::Result<()> {
    match cmd {
        ManagerCommand::Add { login, name, role } => {
            let role = Role::parse(&role)
                .ok_or_else(|| crate::store::StoreError::bad_value("role", &role, Role::codes()))?;
            let added = store.add_manager(viewer, &login, &name, role)?;
            say!(
                "{}",
                trf(
                    "cli.manager_added",
                    &[("login", &added.login), ("role", &added.role)]
                )
            );
            Ok(())
        }
        ManagerCommand::List { json } => {
            let managers = store.managers(viewer)?;
            if json {
                return print_json(&managers);
            }
            let header = [
                tr("column.login"),
                tr("column.name"),
                tr("column.role"),
                tr("column.clients"),
            ];
            let rows: Vec<Vec<String>> = managers
                .iter()
                .map(|m| {
                    vec![
                        m.login.clone(),
                        m.name.clone(),
                        Role::from_code(&m.role).map_or(m.role.clone(), |r| r.label()),
                        m.clients.map_or("—".into(), |c| c.to_string()),
                    ]
                })
                .collect();
            say!("{}", table(&header, &rows));
            Ok(())
        }
    }
}
