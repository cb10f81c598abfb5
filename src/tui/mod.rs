//! The terminal interface (SPEC §3).

use crate::store::{Store, Viewer};

pub fn run(_store: Store, _viewer: Viewer) -> anyhow::Result<()> {
    anyhow::bail!(crate::i18n::tr("tui.not_ready"))
}
