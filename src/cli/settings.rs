//! `settings` (list) and `settings KEY VALUE` (change; leads and admins).

use super::output::{print_json, table};
use crate::domain::settings::Settings;
use crate::i18n::{tr, trf};
use crate::store::{Store, Viewer};
use clap::Args;

#[derive(Debug, Args)]
pub struct SettingsArgs {
    pub key: Option<String>,
    pub value: Option<String>,
    #[arg(long)]
    pub json: bool,
}

pub fn run(store: &mut Store, viewer: &Viewer, args: SettingsArgs) -> anyhow::Result<()> {
    if let (Some(key), Some(value)) = (&args.key, &args.value) {
        store.set_setting(viewer, key, value)?;
        say!(
            "{}",
            trf("cli.setting_saved", &[("key", key), ("value", value)])
        );
        return Ok(());
    }
    let settings = store.settings().clone();
    if args.json {
        return print_json(&settings);
    }
    let value = serde_json::to_value(&settings)?;
    let rows: Vec<Vec<String>> = Settings::NUMERIC_KEYS
        .iter()
        .map(|k| {
            vec![
                k.to_string(),
                value[k].to_string(),
                tr(&format!("setting.{k}")),
            ]
        })
        .collect();
    say!(
        "{}",
        table(
            &[
                tr("column.setting"),
                tr("column.value"),
                tr("column.meaning")
            ],
            &rows
        )
    );
    Ok(())
}
