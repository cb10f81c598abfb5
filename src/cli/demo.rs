//! `demo`: fills the base with realistic demo clients.

use crate::i18n::trf;
use crate::store::demo::DemoOptions;
use crate::store::{Store, Viewer};
use clap::Args;

#[derive(Debug, Args)]
pub struct DemoArgs {
    #[arg(long, default_value_t = 500)]
    pub clients: usize,
    #[arg(long, default_value_t = 3)]
    pub managers: usize,
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
}

pub fn run(store: &mut Store, viewer: &Viewer, args: DemoArgs) -> anyhow::Result<()> {
    let options = DemoOptions {
        clients: args.clients,
        managers: args.managers,
        seed: args.seed,
    };
    let summary = store.load_demo(viewer, options, |done| {
        if options.clients >= 100_000 {
            eprint!("\r{done}/{}", options.clients);
        }
    })?;
    if options.clients >= 100_000 {
        tell!();
    }
    say!(
        "{}",
        trf(
            "cli.demo_done",
            &[
                ("clients", &summary.clients),
                ("orders", &summary.orders),
                ("managers", &summary.managers.join(", ")),
            ]
        )
    );
    Ok(())
}
