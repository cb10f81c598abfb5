//! The sharing rows of SPEC §8, measured through a real shared folder: this base is
//! shared, and colleagues' replicas joined from its snapshot write into the same
//! folder (one physical folder, as on a network share). Every figure is of `sync`
//! as a command runs it: segments read, merged, published.

use super::{figure, Figure, MERGE_BUDGET};
use crate::domain::fields::{ClientDraft, Field};
use crate::i18n::{tr, trf};
use crate::store::demo::DemoOptions;
use crate::store::{Store, Viewer};
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// SPEC §8: one write in a shared base, published.
const SHARED_WRITE_MS: f64 = 150.0;
/// …and at most this many times the same write on an unshared base.
const SHARED_WRITE_RATIO: f64 = 3.0;
/// SPEC §8: the base's size per client.
const KB_PER_CLIENT: f64 = 2.5;
/// The people of the team whose day is merged at once.
const TEAM: usize = 5;
/// What one of them does in a day: clients edited, calls logged.
const DAY_OF_ONE: usize = 200;

/// One merge of colleagues' changes.
#[derive(Debug, Clone, Serialize)]
pub struct MergeFigure {
    pub changes: usize,
    pub seconds: f64,
    pub changes_per_second: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct FolderFigures {
    pub snapshot_bytes: u64,
    pub share_ms: u64,
    pub unshared_write_ms: f64,
    pub shared_write_ms: f64,
    pub after_colleague_ms: f64,
    pub new_clients: MergeFigure,
    pub day_of_edits: MergeFigure,
    pub team_day: MergeFigure,
    pub base_bytes: u64,
    pub kb_per_client: f64,
}

/// A replica of the team file joined from its snapshot, as `join` makes one.
fn join(team: &Path, dir: &Path, name: &str) -> anyhow::Result<Store> {
    let replica = dir.join(format!("{name}.db"));
    std::fs::copy(team, &replica)?;
    Ok(Store::open_replica(
        &replica,
        &uuid::Uuid::new_v4().to_string(),
        team,
    )?)
}

fn draft(i: usize) -> ClientDraft {
    let mut draft = ClientDraft::default();
    draft
        .set(Field::Name, format!("Скамейкина Дарья {i}"))
        .set(Field::Phones, format!("+7 912 {:07}", 1_000_000 + i));
    draft
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values.get(values.len() / 2).copied().unwrap_or(0.0)
}

/// Syncs `ours` and says what came in and how fast.
fn timed_merge(ours: &mut Store) -> anyhow::Result<MergeFigure> {
    let start = Instant::now();
    let report = ours.sync()?;
    let seconds = start.elapsed().as_secs_f64();
    Ok(MergeFigure {
        changes: report.came_in.changes,
        seconds,
        changes_per_second: report.came_in.changes as f64 / seconds.max(1e-9),
    })
}

pub fn measure(
    store: &Store,
    admin: &Viewer,
    dir: &Path,
    clients: usize,
    figures: &mut Vec<Figure>,
) -> anyhow::Result<FolderFigures> {
    let base_bytes = file_bytes(store.path());
    // Replicas live under the data directory: this run's, not the user's.
    std::env::set_var("CLIENTBOOK_DATA_DIR", dir.join("data"));
    let shared = dir.join("shared");
    std::fs::create_dir_all(&shared)?;
    let team = shared.join("base.db");
    let ours_path: PathBuf = dir.join("this-device.db");
    store.backup_to(&ours_path)?;
    let share_ms;
    {
        let mut ours = Store::open_as_device(&ours_path, store.device())?;
        share_ms = ours.share(&team)?.millis;
    }
    let snapshot_bytes = file_bytes(&team);
    // The same write, unshared then shared, on the same file.
    let unshared: Vec<f64> = {
        let mut ours = Store::open_as_device(&ours_path, store.device())?;
        let me = ours.viewer(Some(&admin.login))?;
        (0..20)
            .map(|i| {
                let start = Instant::now();
                ours.add_client(&me, &draft(i), None)?;
                Ok(start.elapsed().as_secs_f64() * 1000.0)
            })
            .collect::<anyhow::Result<_>>()?
    };
    let mut ours = Store::open_replica(&ours_path, store.device(), &team)?;
    let me = ours.viewer(Some(&admin.login))?;
    ours.sync()?;
    let mut shared_writes = Vec::new();
    for i in 0..20 {
        let start = Instant::now();
        ours.add_client(&me, &draft(100 + i), None)?;
        ours.sync()?;
        shared_writes.push(start.elapsed().as_secs_f64() * 1000.0);
    }
    figures.push(figure(
        "bench.shared_write",
        (median(shared_writes.clone()), percentile99(&shared_writes)),
        SHARED_WRITE_MS,
        false,
    ));

    // A colleague writes once; the first command here after it.
    let mut colleague = join(&team, dir, "colleague")?;
    let them = colleague.viewer(Some(&admin.login))?;
    colleague.sync()?;
    let mut after = Vec::new();
    for i in 0..10 {
        colleague.add_client(&them, &draft(200 + i), None)?;
        colleague.sync()?;
        let start = Instant::now();
        ours.sync()?;
        after.push(start.elapsed().as_secs_f64() * 1000.0);
    }
    figures.push(figure(
        "bench.after_colleague",
        (median(after.clone()), percentile99(&after)),
        SHARED_WRITE_MS,
        false,
    ));

    // A tenth of the base again as new clients, with their history.
    colleague.load_demo(
        &them,
        DemoOptions {
            clients: (clients / 10).max(100),
            managers: 1,
            seed: 11,
        },
        |_| {},
    )?;
    colleague.sync()?;
    let new_clients = timed_merge(&mut ours)?;
    // A day of edits of a quarter of the clients.
    colleague.demo_edits(&them, (clients / 4).max(100))?;
    colleague.sync()?;
    let day_of_edits = timed_merge(&mut ours)?;
    drop(colleague);
    // A team of five, each a day's work, merged at once.
    for person in 0..TEAM {
        let mut colleague = join(&team, dir, &format!("person{person}"))?;
        let them = colleague.viewer(Some(&admin.login))?;
        colleague.sync()?;
        colleague.demo_edits(&them, DAY_OF_ONE)?;
        colleague.sync()?;
    }
    let team_day = timed_merge(&mut ours)?;
    drop(ours);
    Ok(FolderFigures {
        snapshot_bytes,
        share_ms,
        unshared_write_ms: median(unshared),
        shared_write_ms: median(shared_writes),
        after_colleague_ms: median(after),
        new_clients,
        day_of_edits,
        team_day,
        base_bytes,
        kb_per_client: base_bytes as f64 / 1024.0 / clients.max(1) as f64,
    })
}

fn percentile99(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let at = ((sorted.len() as f64 * 0.99).ceil() as usize).saturating_sub(1);
    sorted.get(at).copied().unwrap_or(0.0)
}

/// A base's bytes, its write-ahead log included.
fn file_bytes(path: &Path) -> u64 {
    let mut wal = path.as_os_str().to_owned();
    wal.push("-wal");
    [path.to_path_buf(), PathBuf::from(wal)]
        .iter()
        .filter_map(|p| std::fs::metadata(p).ok())
        .map(|m| m.len())
        .sum()
}

fn verdict(ok: bool) -> String {
    if ok {
        tr("bench.ok")
    } else {
        tr("bench.over")
    }
}

pub fn print(f: &FolderFigures) {
    println!(
        "{}",
        trf(
            "bench.share",
            &[
                ("ms", &f.share_ms),
                ("mib", &crate::cli::output::mib(f.snapshot_bytes)),
            ]
        )
    );
    let ratio = f.shared_write_ms / f.unshared_write_ms.max(1e-9);
    println!(
        "{}",
        trf(
            "bench.write_ratio",
            &[
                ("shared", &format!("{:.1}", f.shared_write_ms)),
                ("unshared", &format!("{:.1}", f.unshared_write_ms)),
                ("ratio", &format!("{ratio:.1}")),
                ("verdict", &verdict(ratio <= SHARED_WRITE_RATIO)),
            ]
        )
    );
    for (key, m) in [
        ("bench.merge", &f.new_clients),
        ("bench.merge_edits", &f.day_of_edits),
        ("bench.merge_team", &f.team_day),
    ] {
        println!(
            "{}",
            trf(
                key,
                &[
                    ("changes", &m.changes),
                    ("seconds", &format!("{:.2}", m.seconds)),
                    ("rate", &format!("{:.0}", m.changes_per_second)),
                    ("verdict", &verdict(m.changes_per_second >= MERGE_BUDGET)),
                ]
            )
        );
    }
    println!(
        "{}",
        trf(
            "bench.base_size",
            &[
                ("mib", &crate::cli::output::mib(f.base_bytes)),
                ("kb", &format!("{:.2}", f.kb_per_client)),
                ("verdict", &verdict(f.kb_per_client <= KB_PER_CLIENT)),
            ]
        )
    );
}
