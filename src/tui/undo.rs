//! Undo of the last action from the interface (SPEC §3): an archiving is undone by
//! restoring the client, a moved contact by moving it back. Each undo is itself a
//! change of the base (the log keeps both), so it reaches the team like any other.

use super::app::App;
use crate::i18n::tr_value;
use crate::store::activity::NextContact;
use crate::store::Store;
use chrono::{DateTime, Local, Utc};

/// What the last action did, so that `u` can take it back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Undo {
    /// A client was archived: restore it.
    Unarchive { number: String },
    /// A planned contact was moved: back to when it was.
    MoveBack {
        number: String,
        contact_uuid: String,
        due_at: DateTime<Utc>,
        has_time: bool,
    },
}

impl Undo {
    /// Takes the action back; the status line says what was undone.
    pub fn apply(self, app: &mut App, store: &mut Store) {
        let done = match &self {
            Undo::Unarchive { number } => store
                .restore(&app.viewer, number)
                .map(|_| tr_value("tui.undone_archive", number)),
            Undo::MoveBack {
                number,
                contact_uuid,
                due_at,
                has_time,
            } => {
                let local = due_at.with_timezone(&Local);
                let next = NextContact {
                    time: has_time.then(|| local.time()),
                    agreed: true,
                    ..NextContact::on(local.date_naive())
                };
                store
                    .reschedule_contact(&app.viewer, contact_uuid, &next)
                    .map(|_| tr_value("tui.undone_move", number))
            }
        };
        match done {
            Ok(message) => app.after_write(store, message),
            Err(e) => app.fail(e),
        }
    }
}
