//! Syncing with the team file while the interface runs (SPEC §7): a thread with its
//! own connection to the replica syncs at start and every few seconds, off the drawing
//! path, and sends what each sync did; the event loop hands it to `update`.

use crate::store::sync::SyncReport;
use crate::store::Store;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::thread::JoinHandle;
use std::time::Duration;

/// How often the replica syncs with the team file.
pub const EVERY: Duration = Duration::from_secs(5);
/// How long quitting waits for the last sync.
pub const LAST_SYNC_LIMIT: Duration = Duration::from_secs(10);

/// What one background sync did, as the interface shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SyncNews {
    Synced {
        /// Changes of others merged here.
        came_in: usize,
        /// Changes of this replica published.
        went_out: usize,
        /// Whether the team file was written.
        published: bool,
        /// Same-field clashes found by this sync.
        conflicts: usize,
        /// Conflict copies left untouched, with the reason.
        refused: Vec<String>,
    },
    /// The team file could not be read or written; work goes on on the replica.
    Failed(String),
}

impl SyncNews {
    pub fn from_report(report: &SyncReport) -> SyncNews {
        SyncNews::Synced {
            came_in: report.came_in.changes,
            went_out: report.went_out,
            published: report.published.is_some() || report.segment.is_some(),
            conflicts: report.came_in.conflicts,
            refused: report
                .copies_refused
                .iter()
                .map(|(name, why)| format!("{name}: {why}"))
                .collect(),
        }
    }

    /// Whether others' changes came in: what is on screen must be read again.
    pub fn brought_changes(&self) -> bool {
        matches!(self, SyncNews::Synced { came_in, conflicts, .. } if *came_in > 0 || *conflicts > 0)
    }
}

enum Message {
    News(SyncNews),
    Finished,
}

/// The background sync of a replica; dropped or stopped, the thread ends.
pub struct Syncer {
    stop: Sender<()>,
    news: Receiver<Message>,
    thread: Option<JoinHandle<()>>,
    finished: bool,
}

impl Syncer {
    /// Starts syncing `store`'s replica, or `None` when it is not a replica of a team
    /// file. The first sync runs at once, in the thread: the first frame never waits.
    pub fn start(store: &Store, every: Duration) -> Option<Syncer> {
        let team = store.team_file()?.to_path_buf();
        let replica = store.path().to_path_buf();
        let device = store.device().to_string();
        let (stop_tx, stop_rx) = mpsc::channel::<()>();
        let (news_tx, news_rx) = mpsc::channel();
        let thread = std::thread::Builder::new()
            .name("clientbook-sync".into())
            .spawn(move || {
                let mut store = match Store::open_replica(&replica, &device, &team) {
                    Ok(store) => store,
                    Err(e) => {
                        let _ = news_tx.send(Message::News(SyncNews::Failed(e.to_string())));
                        let _ = news_tx.send(Message::Finished);
                        return;
                    }
                };
                // This device's newest change as of the last sync that went through.
                let mut synced_clock = None;
                loop {
                    let news = match store.sync() {
                        Ok(report) => {
                            synced_clock = store.own_clock().ok().flatten();
                            SyncNews::from_report(&report)
                        }
                        Err(e) => SyncNews::Failed(e.to_string()),
                    };
                    if news_tx.send(Message::News(news)).is_err() {
                        break;
                    }
                    match stop_rx.recv_timeout(every) {
                        Err(RecvTimeoutError::Timeout) => continue,
                        Ok(()) | Err(RecvTimeoutError::Disconnected) => break,
                    }
                }
                // What was written since the last sync reaches the team file before
                // the interface ends.
                if store.own_clock().ok().flatten() != synced_clock {
                    let _ = store.sync();
                }
                let _ = news_tx.send(Message::Finished);
            })
            .ok()?;
        Some(Syncer {
            stop: stop_tx,
            news: news_rx,
            thread: Some(thread),
            finished: false,
        })
    }

    /// What a sync did since the last call, if one finished.
    pub fn try_news(&mut self) -> Option<SyncNews> {
        loop {
            match self.news.try_recv() {
                Ok(Message::News(news)) => return Some(news),
                Ok(Message::Finished) => self.finished = true,
                Err(_) => return None,
            }
        }
    }

    /// Asks the thread to stop (after a last sync when this replica has unsent
    /// changes) and waits for it at most `limit`. Whether it finished in time.
    pub fn stop(mut self, limit: Duration) -> bool {
        let _ = self.stop.send(());
        let deadline = std::time::Instant::now() + limit;
        while !self.finished {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            match self.news.recv_timeout(left) {
                Ok(Message::Finished) => self.finished = true,
                Ok(Message::News(_)) => {}
                Err(RecvTimeoutError::Disconnected) => self.finished = true,
                Err(RecvTimeoutError::Timeout) => return false,
            }
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
        true
    }
}
