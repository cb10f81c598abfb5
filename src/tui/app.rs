//! The one state of the interface, the actions that change it, and `update`, the only
//! place where state changes (and where the store is called). Drawing reads `App` only.

use super::form::ClientForm;
use super::log_dialog::LogDialog;
use crate::domain::codes::ArchiveReason;
use crate::domain::schedule::{ClientRef, Today};
use crate::domain::segments::Segment;
use crate::i18n::{tr, tr_value, trf};
use crate::store::card::ClientCard;
use crate::store::listing::Cursor;
use crate::store::{ClientRow, ListQuery, Store, StoreError, Viewer};
use chrono::NaiveDate;

/// Rows read from the store at a time.
pub const WINDOW: usize = 100;
/// The list's count stops here ("100000+"): a million-row count would stall the list.
pub const COUNT_CAP: u64 = 100_000;
/// Matches of a search are counted to here: every keystroke counts them again.
pub const SEARCH_COUNT_CAP: u64 = 1_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pane {
    List,
    Card,
    Today,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CardTab {
    Profile,
    History,
    Orders,
    Tasks,
    Consent,
}

impl CardTab {
    pub const ALL: [CardTab; 5] = [
        CardTab::Profile,
        CardTab::History,
        CardTab::Orders,
        CardTab::Tasks,
        CardTab::Consent,
    ];

    pub fn key(self) -> &'static str {
        match self {
            CardTab::Profile => "tui.tab_profile",
            CardTab::History => "tui.tab_history",
            CardTab::Orders => "tui.tab_orders",
            CardTab::Tasks => "tui.tab_tasks",
            CardTab::Consent => "tui.tab_consent",
        }
    }
}

/// The client list: one window of rows plus where the next one starts.
#[derive(Debug, Clone, Default)]
pub struct ListState {
    pub query: ListQuery,
    pub rows: Vec<ClientRow>,
    pub next: Option<Cursor>,
    pub selected: usize,
    /// How many clients the list holds; `None` until counted (see `App::settle`).
    pub total: Option<u64>,
    pub searching: bool,
    /// Where the cursor is in the search text (`None`: at its end).
    pub search_cursor: Option<usize>,
    /// The filter of `query.filter` as typed.
    pub filter_text: String,
    /// What the list's head says of the filter: the saved segment's name, or the text.
    pub filter_label: String,
}

/// One line of Today that can be acted on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TodayEntry {
    pub section: &'static str,
    pub client: ClientRef,
    pub contact_uuid: Option<String>,
    pub detail: String,
    /// Late: a lead waiting past the target response time.
    pub urgent: bool,
}

#[derive(Debug, Clone)]
pub struct TodayState {
    pub date: NaiveDate,
    pub today: Today,
    pub selected: usize,
}

#[derive(Debug, Clone)]
pub enum Modal {
    /// The keys; the number is how far a narrow screen has scrolled them.
    Help(u16),
    Welcome,
    /// Adding a client, or editing one (`ClientForm::editing`).
    AddClient(Box<ClientForm>),
    Entry(Box<super::entry_dialog::EntryDialog>),
    Palette(super::palette::Palette),
    Import(Box<super::import_dialog::ImportDialog>),
    Dupes(Box<super::dupes_view::DupesView>),
    Quality(Box<crate::store::quality::QualityReport>),
    Filter(Box<super::filter_bar::FilterBar>),
    Reports(Box<super::reports_view::ReportsView>),
    Conflicts(Box<super::conflicts_view::ConflictsView>),
    Log(Box<LogDialog>),
    Archive {
        number: String,
        selected: usize,
        /// The words of "other" (the reason it names).
        note: String,
    },
}

#[derive(Debug, Clone)]
pub struct App {
    pub viewer: Viewer,
    pub db_label: String,
    pub focus: Pane,
    /// The pane the card was opened from: Esc on the card goes back there.
    pub card_from: Pane,
    /// What `u` takes back: the last archiving or contact moved.
    pub undo: Option<super::undo::Undo>,
    /// Which pane shows when the screen is too narrow for three.
    pub list: ListState,
    pub card: Option<ClientCard>,
    pub card_tab: CardTab,
    pub card_scroll: u16,
    /// The card shown is not the selected row's yet (see `follow_selection`).
    pub card_stale: bool,
    /// The last reports computed: shown at once when the view opens again, while
    /// they are refreshed between frames (a team's take seconds at a million clients).
    pub reports: Option<Box<super::reports_view::ReportsView>>,
    /// Reports asked for and not computed yet (see `settle`).
    pub reports_wanted: bool,
    pub today: TodayState,
    /// Open conflicts the viewer has to decide (the badge on Today).
    pub conflicts: usize,
    pub modal: Option<Modal>,
    pub status: String,
    pub status_error: bool,
    /// The status is a warning: something failed, work goes on.
    pub status_warning: bool,
    /// The last background sync failed (its warning is shown once, until one works).
    pub sync_failed: bool,
    /// A background sync has reported since the interface started.
    pub synced_once: bool,
    pub quit: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    Quit,
    FocusNext,
    FocusPrev,
    Focus(Pane),
    Up,
    Down,
    PageUp,
    PageDown,
    Home,
    End,
    /// Click or Enter on a row.
    Select(usize),
    Open,
    StartSearch,
    SearchInput(char),
    SearchBackspace,
    /// Cursor keys, Delete, word and line deletion, paste in the search text.
    SearchEdit(super::text::TextEdit),
    SearchDone,
    ClearSearch,
    /// Esc: back one step (from the card to where it was opened, a search cleared).
    Back,
    /// `u`: take back the last archiving or contact moved.
    Undo,
    /// Brings the selected client back from the archive.
    Restore,
    Segment(Option<Segment>),
    NextTab,
    PrevTab,
    PrevDay,
    NextDay,
    Refresh,
    ShowHelp,
    OpenPalette,
    Import(super::import_dialog::ImportInput),
    ShowDupes,
    Dupes(super::dupes_view::DupesInput),
    ShowQuality,
    OpenFilter,
    Filter(super::filter_bar::FilterInput),
    /// Metrics, funnel and sources of the last 30 days, computed as the view opens.
    ShowReports,
    /// The viewer's open conflicts, to decide one by one.
    ShowConflicts,
    Conflicts(super::conflicts_view::ConflictsInput),
    /// A background sync with the team file finished (see `background`).
    Synced(super::background::SyncNews),
    Palette(super::palette::PaletteInput),
    Close,
    LoadDemo,
    StartImport,
    NewClient,
    LogContact,
    EditClient,
    /// Opens a small form on the selected client (order, schedule, consent, person).
    OpenEntry(super::entry_dialog::EntryKind),
    Entry(super::entry_dialog::EntryInput),
    /// Moves the selected Today contact (or plans one for the client) +1d, +1w, +1m, +2m;
    /// a prospect at the time limit is put off until then (rule 3's "call back later").
    Reschedule(super::log_dialog::NextChoice),
    Archive,
    Form(super::form::FormInput),
    LogInput(super::log_dialog::LogInput),
    ArchiveChoose(usize),
    /// Typing the words of "other" when archiving.
    ArchiveNote(super::text::TextEdit),
    ArchiveConfirm,
}

impl App {
    pub fn new(viewer: Viewer, db_label: String, date: NaiveDate) -> App {
        App {
            viewer,
            db_label,
            focus: Pane::List,
            card_from: Pane::List,
            undo: None,
            list: ListState::default(),
            card: None,
            card_tab: CardTab::Profile,
            card_scroll: 0,
            card_stale: false,
            reports: None,
            reports_wanted: false,
            today: TodayState {
                date,
                today: Today {
                    date,
                    ..Default::default()
                },
                selected: 0,
            },
            conflicts: 0,
            modal: None,
            status: String::new(),
            status_error: false,
            status_warning: false,
            sync_failed: false,
            synced_once: false,
            quit: false,
        }
    }

    /// Loads the list, the first client's card and Today; shows the welcome screen on
    /// an empty base.
    pub fn load(store: &Store, viewer: Viewer, date: NaiveDate) -> App {
        // A shared base is named by its team file: the replica is this device's affair.
        let shown = match store.team_file() {
            Some(team) => tr_value("tui.shared_base", team.display()),
            None => store.path().display().to_string(),
        };
        let mut app = App::new(viewer, shown, date);
        app.reload_list(store);
        app.reload_today(store);
        app.reload_card(store);
        if app.list.rows.is_empty()
            && app.list.query == ListQuery::default()
            && store_is_empty(store, &app.viewer)
        {
            app.modal = Some(Modal::Welcome);
        }
        app
    }

    pub fn selected_row(&self) -> Option<&ClientRow> {
        self.list.rows.get(self.list.selected)
    }

    /// Today flattened into the lines a manager moves through.
    pub fn today_entries(&self) -> Vec<TodayEntry> {
        super::today::entries(&self.today.today)
    }

    pub(super) fn say(&mut self, message: String) {
        self.status = message;
        self.status_error = false;
        self.status_warning = false;
    }

    /// Something went wrong that does not stop the work (the team file is away).
    pub(super) fn warn(&mut self, message: String) {
        self.status = message;
        self.status_error = false;
        self.status_warning = true;
    }

    /// A store error goes to the status bar; what was typed stays where it was.
    pub(super) fn fail(&mut self, err: StoreError) {
        self.status = err.to_string();
        self.status_error = true;
        self.status_warning = false;
    }

    pub fn reload_list(&mut self, store: &Store) {
        // As many rows as were loaded (a window at least), and the same client selected
        // afterwards: a write on row 250 does not send the list back to its top.
        let selected_number = self.selected_row().map(|r| r.number.clone());
        let limit = self.list.rows.len().clamp(WINDOW, 10 * WINDOW);
        match store.list_clients(&self.viewer, &self.list.query, None, limit) {
            Ok(page) => {
                self.list.rows = page.rows;
                self.list.next = page.next;
                // A search's matches come in index order; when they all fit in what
                // was read, the best come first: the name starting with what was
                // typed, then a word of it, then the rest, each by name.
                if self.list.next.is_none() {
                    rank_matches(&mut self.list.rows, &self.list.query.search);
                }
                let same =
                    selected_number.and_then(|n| self.list.rows.iter().position(|r| r.number == n));
                self.list.selected = same
                    .unwrap_or(self.list.selected)
                    .min(self.list.rows.len().saturating_sub(1));
                // The client shown gone from the list (archived, merged, an import
                // reordered it): the card follows the row now selected.
                let shown = self.card.as_ref().map(|c| c.number.as_str());
                let selected = self.selected_row().map(|r| r.number.as_str());
                if self.focus == Pane::List && shown != selected {
                    self.card_stale = true;
                }
                // Counted when the keys stop (`settle`): a count is the slowest query
                // of the list and nobody reads it between two keystrokes.
                self.list.total = None;
            }
            Err(e) => self.fail(e),
        }
    }

    /// Reads the list anew from its top, for a new search or filter.
    pub fn restart_list(&mut self, store: &Store) {
        self.list.rows.clear();
        self.list.selected = 0;
        self.reload_list(store);
    }

    /// Reads the next window when the selection comes near the end of what is loaded.
    fn extend_list(&mut self, store: &Store) {
        if self.list.selected + 10 < self.list.rows.len() {
            return;
        }
        if let Some(cursor) = self.list.next.clone() {
            match store.list_clients(&self.viewer, &self.list.query, Some(&cursor), WINDOW) {
                Ok(page) => {
                    self.list.rows.extend(page.rows);
                    self.list.next = page.next;
                }
                Err(e) => self.fail(e),
            }
        }
    }

    /// The selection moved: its card is read once the keys stop coming (`settle`),
    /// so holding ↓ through a long list never waits for cards nobody looks at.
    pub fn follow_selection(&mut self) {
        self.card_stale = true;
    }

    /// Does the work deferred while keys were coming in: the selected client's card.
    pub fn settle(&mut self, store: &Store) {
        if self.reports_wanted {
            self.reports_wanted = false;
            self.refresh_reports(store);
        }
        if self.card_stale {
            self.reload_card(store);
        }
        if self.list.total.is_none() {
            let cap = if self.list.query.search.trim().is_empty() {
                COUNT_CAP
            } else {
                SEARCH_COUNT_CAP
            };
            self.list.total = Some(
                store
                    .count_clients(&self.viewer, &self.list.query, cap)
                    .unwrap_or(0),
            );
        }
    }

    /// Whether `settle` has work to do.
    pub fn unsettled(&self) -> bool {
        self.card_stale || self.list.total.is_none() || self.reports_wanted
    }

    /// Computes the reports; the view shows them (on the page it was on), opening it
    /// unless another dialog came up meanwhile.
    fn refresh_reports(&mut self, store: &Store) {
        let today = chrono::Local::now().date_naive();
        match super::reports_view::ReportsView::load(store, &self.viewer, today) {
            Ok(mut view) => {
                match &self.modal {
                    Some(Modal::Reports(shown)) => view.page = shown.page,
                    Some(_) => {
                        self.reports = Some(Box::new(view));
                        return;
                    }
                    None => {}
                }
                self.reports = Some(Box::new(view.clone()));
                self.modal = Some(Modal::Reports(Box::new(view)));
                self.say(tr("tui.reports_ready"));
            }
            Err(e) => self.fail(e),
        }
    }

    /// The client whose card belongs on screen: the selected Today line while Today has
    /// the focus, the selected row of the list otherwise.
    fn card_number(&self) -> Option<String> {
        match self.focus {
            Pane::Today => self
                .today_entries()
                .get(self.today.selected)
                .map(|e| e.client.number.clone()),
            _ => self.selected_row().map(|row| row.number.clone()),
        }
    }

    /// While Today has the focus, the card is the selected line's client: the next key
    /// acts on that line, so the card must show it at once, never the one before.
    fn card_follows_today(&mut self, store: &Store) {
        if self.focus != Pane::Today {
            return;
        }
        let shown = self.card.as_ref().map(|c| c.number.clone());
        if self.card_number() != shown {
            self.reload_card(store);
        }
    }

    pub fn reload_card(&mut self, store: &Store) {
        self.card_stale = false;
        self.card = match self.card_number() {
            Some(number) => match store.client_card(&self.viewer, &number) {
                Ok(card) => Some(card),
                Err(e) => {
                    self.fail(e);
                    None
                }
            },
            None => None,
        };
        self.card_scroll = 0;
    }

    pub fn reload_today(&mut self, store: &Store) {
        // The line selected before: the same client stays selected in the same section
        // (on the same contact if it is there twice); a client that left the section
        // gives its place to the next line — never a jump to its line elsewhere.
        let before = self.today_entries().get(self.today.selected).cloned();
        match store.today_for(&self.viewer, self.today.date) {
            Ok(today) => {
                self.today.today = today;
                let entries = self.today_entries();
                let same = before.and_then(|was| {
                    let here = |e: &&TodayEntry| {
                        e.client.number == was.client.number && e.section == was.section
                    };
                    entries
                        .iter()
                        .enumerate()
                        .filter(|(_, e)| here(e))
                        .max_by_key(|(i, e)| {
                            (
                                e.contact_uuid.is_some() && e.contact_uuid == was.contact_uuid,
                                std::cmp::Reverse(*i),
                            )
                        })
                        .map(|(i, _)| i)
                });
                self.today.selected = same
                    .unwrap_or(self.today.selected)
                    .min(entries.len().saturating_sub(1));
                self.card_follows_today(store);
            }
            Err(e) => self.fail(e),
        }
        match store.count_open_conflicts(&self.viewer) {
            Ok(n) => self.conflicts = n,
            Err(e) => self.fail(e),
        }
    }

    /// What a background sync did: a line in the status bar, and what is on screen
    /// read again when others' changes came in.
    fn synced(&mut self, news: super::background::SyncNews, store: &Store) {
        use super::background::SyncNews;
        let first = !self.synced_once;
        self.synced_once = true;
        match news {
            SyncNews::Failed(why) => {
                // Once, not every few seconds over what the manager is doing.
                if !self.sync_failed {
                    self.warn(tr_value("sync_tui.failed", why));
                }
                self.sync_failed = true;
            }
            SyncNews::Synced {
                came_in,
                went_out,
                published,
                conflicts,
                ref refused,
            } => {
                let reload = came_in > 0 || conflicts > 0;
                if reload {
                    self.reload_shown(store);
                }
                let worth = reload
                    || published
                    || !refused.is_empty()
                    || self.sync_failed
                    || (first && self.status.is_empty());
                self.sync_failed = false;
                if worth {
                    let mut message = trf(
                        "sync_tui.synced",
                        &[("came_in", &came_in), ("went_out", &went_out)],
                    );
                    if conflicts > 0 {
                        message = format!(
                            "{message}; {}",
                            tr_value("sync_tui.new_conflicts", conflicts)
                        );
                    }
                    if refused.is_empty() {
                        self.say(message);
                    } else {
                        self.warn(format!("{message}; {}", refused.join("; ")));
                    }
                }
            }
        }
    }

    /// Reads again what is on screen (others' changes came in): the list, Today, the
    /// card and the open list of conflicts. A form being filled in is left alone.
    fn reload_shown(&mut self, store: &Store) {
        self.reload_list(store);
        self.reload_today(store);
        if !self.card_stale {
            self.refresh_open_card(store);
        }
        if let Some(Modal::Conflicts(view)) = &mut self.modal {
            if let Err(e) = view.reload(store, &self.viewer) {
                self.fail(e);
            }
        }
    }

    fn open_client(&mut self, store: &Store, number: &str) {
        match store.client_card(&self.viewer, number) {
            Ok(card) => {
                self.card = Some(card);
                self.card_scroll = 0;
                if self.focus != Pane::Card {
                    self.card_from = self.focus;
                }
                self.focus = Pane::Card;
            }
            Err(e) => self.fail(e),
        }
    }

    /// The client an action applies to: the selected Today line, or the open card.
    fn target(&self) -> Option<(String, Option<String>)> {
        match self.focus {
            Pane::Today => self
                .today_entries()
                .get(self.today.selected)
                .map(|e| (e.client.number.clone(), e.contact_uuid.clone())),
            _ => self.card.as_ref().map(|c| (c.number.clone(), None)),
        }
    }

    /// How a dialog names the client it acts on: number and name (`51 · Anderson
    /// Emily`), so the title says who, not only which number.
    pub(super) fn client_label(&self, number: &str) -> String {
        let name = match self.focus {
            Pane::Today => self
                .today_entries()
                .into_iter()
                .find(|e| e.client.number == number)
                .map(|e| e.client.name),
            _ => self
                .card
                .as_ref()
                .filter(|c| c.number == number)
                .map(|c| c.name.clone()),
        };
        match name {
            Some(name) if !name.is_empty() => format!("{number} · {name}"),
            _ => number.to_string(),
        }
    }

    pub(super) fn after_write(&mut self, store: &Store, message: String) {
        self.reload_list(store);
        self.reload_today(store);
        self.refresh_open_card(store);
        self.say(message);
    }

    /// The open card is read again; if it is gone (merged, archived out of the list)
    /// or there was none, the card follows the selection.
    fn refresh_open_card(&mut self, store: &Store) {
        let refreshed = self
            .card
            .as_ref()
            .and_then(|c| store.client_card(&self.viewer, &c.number).ok());
        match refreshed {
            Some(card) => self.card = Some(card),
            None => self.follow_selection(),
        }
    }
}

fn store_is_empty(store: &Store, viewer: &Viewer) -> bool {
    let everyone = Viewer {
        role: crate::domain::codes::Role::Admin,
        ..viewer.clone()
    };
    store
        .count_clients(&everyone, &ListQuery::default(), 1)
        .unwrap_or(0)
        == 0
        && store
            .count_clients(
                &everyone,
                &ListQuery {
                    segment: Some(Segment::Archived),
                    ..Default::default()
                },
                1,
            )
            .unwrap_or(0)
            == 0
}

/// The one place where state changes.
pub fn update(app: &mut App, action: Action, store: &mut Store) {
    // Whatever is open: a sync is news from outside, not a key.
    if let Action::Synced(news) = action {
        app.synced(news, store);
        return;
    }
    if let Some(modal) = app.modal.take() {
        app.modal = super::modal::update_modal(app, modal, action, store);
        return;
    }
    // A dialog opening starts from a clean status line: an old message under it
    // would read as the dialog's.
    let opens_dialog = !matches!(action, Action::Synced(_));
    update_panes(app, action, store);
    if opens_dialog && app.modal.is_some() {
        app.status.clear();
    }
}

fn update_panes(app: &mut App, action: Action, store: &mut Store) {
    // A key that acts on a client acts on the one highlighted: a card not read yet
    // (the keys came faster than `settle`) is read first, so the dialog, the card and
    // the highlight all name one client.
    if app.card_stale && acts_on_client(&action) {
        app.reload_card(store);
    }
    if app.list.searching {
        match action {
            Action::SearchInput(_) | Action::SearchBackspace | Action::SearchEdit(_) => {
                let edit = match action {
                    Action::SearchInput(c) => super::text::TextEdit::Insert(c),
                    Action::SearchBackspace => super::text::TextEdit::Backspace,
                    Action::SearchEdit(edit) => edit,
                    _ => unreachable!("matched above"),
                };
                let before = app.list.query.search.clone();
                super::text::apply(
                    &mut app.list.query.search,
                    &mut app.list.search_cursor,
                    &edit,
                );
                // Moving the cursor reads nothing again.
                if app.list.query.search != before {
                    app.restart_list(store);
                    app.follow_selection();
                }
                return;
            }
            Action::SearchDone => {
                app.list.searching = false;
                return;
            }
            Action::ClearSearch | Action::Close => {
                app.list.searching = false;
                app.list.query.search.clear();
                app.list.search_cursor = None;
                app.list.search_cursor = None;
                app.restart_list(store);
                app.reload_card(store);
                return;
            }
            _ => app.list.searching = false,
        }
    }
    match action {
        Action::Quit => app.quit = true,
        Action::FocusNext | Action::FocusPrev => {
            let order = [Pane::List, Pane::Card, Pane::Today];
            let at = order.iter().position(|p| *p == app.focus).unwrap_or(0);
            let step = if action == Action::FocusNext { 1 } else { 2 };
            focus(app, order[(at + step) % 3]);
        }
        Action::Focus(pane) => focus(app, pane),
        Action::Up
        | Action::Down
        | Action::PageUp
        | Action::PageDown
        | Action::Home
        | Action::End => move_selection(app, &action, store),
        Action::Select(index) => match app.focus {
            Pane::List => {
                app.list.selected = index.min(app.list.rows.len().saturating_sub(1));
                app.follow_selection();
            }
            Pane::Today => {
                app.today.selected = index.min(app.today_entries().len().saturating_sub(1));
                app.follow_selection();
            }
            Pane::Card => {}
        },
        Action::Open => match app.focus {
            Pane::List => {
                app.reload_card(store);
                if app.card.is_some() {
                    app.card_from = Pane::List;
                    app.focus = Pane::Card;
                }
            }
            Pane::Today => {
                if let Some(entry) = app.today_entries().get(app.today.selected).cloned() {
                    app.open_client(store, &entry.client.number);
                }
            }
            Pane::Card => {}
        },
        Action::StartSearch => {
            app.focus = Pane::List;
            app.list.searching = true;
        }
        Action::ClearSearch => {
            app.list.query.search.clear();
            app.list.search_cursor = None;
            app.restart_list(store);
            app.reload_card(store);
        }
        Action::Back => {
            if app.focus == Pane::Card {
                app.focus = app.card_from;
            } else if !app.list.query.search.is_empty() {
                update(app, Action::ClearSearch, store);
            }
        }
        Action::SearchInput(_)
        | Action::SearchBackspace
        | Action::SearchEdit(_)
        | Action::SearchDone
        | Action::Close => {}
        Action::Segment(segment) => {
            // 0 (all clients) shows all of them: a filter applied goes too.
            if segment.is_none() {
                app.list.query.filter = Default::default();
                app.list.filter_text.clear();
                app.list.filter_label.clear();
            }
            app.list.query.segment = segment;
            app.restart_list(store);
            app.reload_card(store);
            app.say(segment.map_or_else(|| tr("tui.all_clients"), |s| s.label()));
        }
        Action::NextTab | Action::PrevTab => {
            let at = CardTab::ALL
                .iter()
                .position(|t| *t == app.card_tab)
                .unwrap_or(0);
            let step = if action == Action::NextTab {
                1
            } else {
                CardTab::ALL.len() - 1
            };
            app.card_tab = CardTab::ALL[(at + step) % CardTab::ALL.len()];
            app.card_scroll = 0;
        }
        Action::PrevDay | Action::NextDay => {
            let delta = if action == Action::NextDay { 1 } else { -1 };
            app.today.date += chrono::Duration::days(delta);
            app.today.selected = 0;
            app.reload_today(store);
        }
        Action::Undo => match app.undo.take() {
            Some(undo) => undo.apply(app, store),
            None => app.say(tr("tui.nothing_to_undo")),
        },
        Action::Restore => match app.target() {
            Some((number, _)) => match store.restore(&app.viewer, &number) {
                Ok(()) => {
                    let message = tr_value("cli.client_restored", &number);
                    app.after_write(store, message);
                }
                Err(e) => app.fail(e),
            },
            None => app.say(tr("tui.select_client_first")),
        },
        Action::Refresh => {
            // A screen left open overnight comes back to the real today.
            app.today.date = chrono::Local::now().date_naive();
            app.reload_list(store);
            app.reload_today(store);
            app.reload_card(store);
            app.say(tr("tui.refreshed"));
        }
        Action::ShowHelp => app.modal = Some(Modal::Help(0)),
        Action::OpenPalette => app.modal = Some(Modal::Palette(Default::default())),
        Action::NewClient => app.modal = Some(Modal::AddClient(Box::default())),
        Action::LogContact => match app.target() {
            Some((number, contact)) => {
                let mut dialog = LogDialog::new(number.clone(), contact);
                dialog.who = app.client_label(&number);
                app.modal = Some(Modal::Log(Box::new(dialog)));
            }
            None => app.say(tr("tui.select_client_first")),
        },
        Action::Reschedule(choice) => reschedule(app, choice, store),
        Action::EditClient => match app.target() {
            // The version first: a change landing between the two reads is then seen
            // as a change made meanwhile, never missed.
            Some((number, _)) => match store
                .client_version(&app.viewer, &number)
                .and_then(|version| Ok((version, store.client_card(&app.viewer, &number)?)))
            {
                Ok((version, card)) => {
                    let mut form = ClientForm::from_card(&card);
                    form.version = Some(version);
                    app.modal = Some(Modal::AddClient(Box::new(form)))
                }
                Err(e) => app.fail(e),
            },
            None => app.say(tr("tui.select_client_first")),
        },
        Action::OpenEntry(kind) => match app.target() {
            Some((number, contact)) => {
                let mut dialog = super::entry_dialog::EntryDialog::new(kind, number.clone());
                dialog.who = app.client_label(&number);
                if kind == super::entry_dialog::EntryKind::Schedule {
                    dialog.contact_uuid = contact;
                }
                app.modal = Some(Modal::Entry(Box::new(dialog)));
            }
            None => app.say(tr("tui.select_client_first")),
        },
        Action::Archive => match app.target() {
            Some((number, _)) => {
                app.modal = Some(Modal::Archive {
                    number,
                    selected: 0,
                    note: String::new(),
                })
            }
            None => app.say(tr("tui.select_client_first")),
        },
        Action::StartImport => app.modal = Some(Modal::Import(Box::default())),
        Action::ShowDupes => match super::dupes_view::DupesView::load(store, &app.viewer) {
            Ok(view) => app.modal = Some(Modal::Dupes(Box::new(view))),
            Err(e) => app.fail(e),
        },
        Action::OpenFilter => match store.saved_segments(&app.viewer) {
            Ok(segments) => {
                let mut bar = super::filter_bar::FilterBar::new(&app.list.filter_text, segments);
                bar.before = app.list.query.filter.clone();
                app.modal = Some(Modal::Filter(Box::new(bar)))
            }
            Err(e) => app.fail(e),
        },
        Action::ShowQuality => match store.quality_report(&app.viewer) {
            Ok(report) => app.modal = Some(Modal::Quality(Box::new(report))),
            Err(e) => app.fail(e),
        },
        Action::ShowConflicts => {
            match super::conflicts_view::ConflictsView::load(store, &app.viewer) {
                Ok(view) => app.modal = Some(Modal::Conflicts(Box::new(view))),
                Err(e) => app.fail(e),
            }
        }
        Action::ShowReports => {
            if let Some(last) = app.reports.clone() {
                app.modal = Some(Modal::Reports(last));
            }
            app.reports_wanted = true;
            app.say(tr("tui.reports_updating"));
        }
        Action::LoadDemo
        | Action::Form(_)
        | Action::LogInput(_)
        | Action::ArchiveChoose(_)
        | Action::ArchiveConfirm
        | Action::ArchiveNote(_)
        | Action::Entry(_)
        | Action::Palette(_)
        | Action::Filter(_)
        | Action::Import(_)
        | Action::Dupes(_)
        | Action::Conflicts(_)
        | Action::Synced(_) => {}
    }
}

fn acts_on_client(action: &Action) -> bool {
    matches!(
        action,
        Action::LogContact
            | Action::EditClient
            | Action::OpenEntry(_)
            | Action::Archive
            | Action::Reschedule(_)
    )
}

fn reschedule(app: &mut App, choice: super::log_dialog::NextChoice, store: &mut Store) {
    let today = chrono::Local::now().date_naive();
    let Some(date) = choice.date_from(today) else {
        return;
    };
    let entry = match app.focus {
        Pane::Today => app.today_entries().get(app.today.selected).cloned(),
        _ => None,
    };
    let number = match (&entry, &app.card) {
        (Some(entry), _) => entry.client.number.clone(),
        (None, Some(card)) => card.number.clone(),
        (None, None) => return app.say(tr("tui.select_client_first")),
    };
    let next = crate::store::activity::NextContact::on(date);
    // When it was, so that `u` can move it back.
    let before = entry
        .as_ref()
        .and_then(|e| e.contact_uuid.clone())
        .and_then(|uuid| {
            let card = store.client_card(&app.viewer, &number).ok()?;
            let task = card.tasks.into_iter().find(|t| t.uuid == uuid)?;
            Some(super::undo::Undo::MoveBack {
                number: number.clone(),
                contact_uuid: uuid,
                due_at: task.due_at,
                has_time: task.has_time,
            })
        });
    let done = match entry.as_ref().map(|e| (e.section, e.contact_uuid.clone())) {
        Some((_, Some(contact))) => store.reschedule_contact(&app.viewer, &contact, &next),
        Some(("today.prospects", None)) => store
            .put_off_prospect(&app.viewer, &number, date)
            .map(|_| None),
        _ => store.schedule_contact(&app.viewer, &number, &next),
    };
    match done {
        Ok(warning) => {
            let mut message = trf(
                "tui.rescheduled",
                &[
                    ("value", &app.client_label(&number)),
                    (
                        "date",
                        &crate::domain::dates::format_date(date, crate::i18n::language()),
                    ),
                ],
            );
            if let Some(w) = warning {
                message = format!("{message} {}", w.message());
            }
            if before.is_some() {
                app.undo = before;
                message = format!("{message} {}", tr("tui.undo_hint"));
            }
            app.after_write(store, message);
        }
        Err(e) => app.fail(e),
    }
}

/// Moves the focus; the card follows the selection of the pane now in front.
fn focus(app: &mut App, pane: Pane) {
    if app.focus != pane && pane != Pane::Card {
        app.follow_selection();
    }
    app.focus = pane;
}

fn move_selection(app: &mut App, action: &Action, store: &mut Store) {
    let page = 10usize;
    let step = |current: usize, len: usize| -> usize {
        let last = len.saturating_sub(1);
        match action {
            Action::Up => current.saturating_sub(1),
            Action::Down => (current + 1).min(last),
            Action::PageUp => current.saturating_sub(page),
            Action::PageDown => (current + page).min(last),
            Action::Home => 0,
            Action::End => last,
            _ => current,
        }
    };
    match app.focus {
        Pane::List => {
            if *action == Action::End {
                while app.list.next.is_some() && app.list.rows.len() < 10 * WINDOW {
                    app.list.selected = app.list.rows.len();
                    app.extend_list(store);
                }
            }
            let before = app.list.selected;
            app.list.selected = step(app.list.selected, app.list.rows.len());
            app.extend_list(store);
            if before != app.list.selected {
                app.follow_selection();
            }
        }
        Pane::Today => {
            let entries = app.today_entries();
            app.today.selected = match action {
                // A page in Today is a section: the next one's first line, or back to
                // the start of this one (then of the one before).
                Action::PageDown | Action::PageUp => {
                    section_jump(&entries, app.today.selected, *action == Action::PageDown)
                }
                _ => step(app.today.selected, entries.len()),
            };
            app.follow_selection();
        }
        Pane::Card => {
            app.card_scroll = match action {
                Action::Up => app.card_scroll.saturating_sub(1),
                Action::Down => app.card_scroll.saturating_add(1),
                Action::PageUp => app.card_scroll.saturating_sub(10),
                Action::PageDown => app.card_scroll.saturating_add(10),
                _ => 0,
            }
        }
    }
}

/// The reasons offered when archiving, in menu order.
pub fn archive_reasons() -> &'static [ArchiveReason] {
    ArchiveReason::ALL
}

/// Where PageDown (`forward`) or PageUp takes the selection in Today: to the first
/// line of the next section, or to the start of this section (then the one before).
fn section_jump(entries: &[TodayEntry], at: usize, forward: bool) -> usize {
    let Some(here) = entries.get(at).map(|e| e.section) else {
        return 0;
    };
    let start_of = |i: usize| {
        let section = entries[i].section;
        (0..=i)
            .rev()
            .take_while(|&j| entries[j].section == section)
            .last()
            .unwrap_or(i)
    };
    if forward {
        (at..entries.len())
            .find(|&i| entries[i].section != here)
            .unwrap_or(at)
    } else {
        let start = start_of(at);
        if start < at || start == 0 {
            start
        } else {
            start_of(start - 1)
        }
    }
}

/// Orders a search's matches: the name starting with the text, a word of the name
/// starting with it, anything else (a phone, an e-mail, a tag); then by name.
fn rank_matches(rows: &mut [ClientRow], search: &str) {
    use crate::domain::text::fold;
    let typed = fold(search.trim());
    if typed.is_empty() {
        return;
    }
    rows.sort_by_cached_key(|row| {
        let name = fold(&row.name);
        let rank = if name.starts_with(&typed) {
            0
        } else if name.split_whitespace().any(|w| w.starts_with(&typed)) {
            1
        } else {
            2
        };
        (rank, name)
    });
}
