//! Drawing: a pure function of `App`. Three panes at 100 columns and more, tabs below.

use super::app::{App, Modal, Pane};
use super::theme;
use crate::i18n::{tr, trf};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Tabs};
use ratatui::Frame;

/// Three panes side by side from this width; tabs below it.
pub const WIDE: u16 = 100;

fn pane_title(pane: Pane) -> String {
    match pane {
        Pane::List => tr("tui.pane_clients"),
        Pane::Card => tr("tui.pane_card"),
        Pane::Today => tr("tui.pane_today"),
    }
}

fn block(app: &App, pane: Pane) -> Block<'static> {
    let mut title = pane_title(pane);
    if pane == Pane::Today {
        title = format!(
            "{} {}",
            title,
            crate::domain::dates::format_date(app.today.date, crate::i18n::language())
        );
    }
    Block::default()
        .borders(Borders::ALL)
        .title(Span::styled(format!(" {title} "), theme::title()))
        .border_style(if app.focus == pane {
            theme::focused_border()
        } else {
            theme::border()
        })
}

fn draw_pane(frame: &mut Frame<'_>, area: Rect, app: &App, pane: Pane) {
    let b = block(app, pane);
    match pane {
        Pane::List => super::list::draw(frame, area, app, b),
        Pane::Card => super::card::draw(frame, area, app, b),
        Pane::Today => super::today::draw(frame, area, app, b),
    }
}

/// The areas of the panes for a screen size (also used to map mouse clicks).
pub fn pane_areas(area: Rect) -> Vec<(Pane, Rect)> {
    let [_, body, _, _] = split(area);
    if area.width >= WIDE {
        let [list, card, today] = Layout::horizontal([
            Constraint::Percentage(40),
            Constraint::Percentage(35),
            Constraint::Percentage(25),
        ])
        .areas(body);
        vec![(Pane::List, list), (Pane::Card, card), (Pane::Today, today)]
    } else {
        let [_, content] =
            Layout::vertical([Constraint::Length(1), Constraint::Min(1)]).areas(body);
        vec![
            (Pane::List, content),
            (Pane::Card, content),
            (Pane::Today, content),
        ]
    }
}

fn split(area: Rect) -> [Rect; 4] {
    Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(3),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(area)
}

pub fn draw(frame: &mut Frame<'_>, app: &App) {
    let area = frame.area();
    let [header, body, status, footer] = split(area);
    frame.render_widget(
        Paragraph::new(header_line(app, area.width)).style(theme::status_bar()),
        header,
    );
    if area.width >= WIDE {
        for (pane, rect) in pane_areas(area) {
            draw_pane(frame, rect, app, pane);
        }
    } else {
        let [tabs, content] =
            Layout::vertical([Constraint::Length(1), Constraint::Min(1)]).areas(body);
        let panes = [Pane::List, Pane::Card, Pane::Today];
        let titles: Vec<String> = panes.iter().map(|p| pane_title(*p)).collect();
        let selected = panes.iter().position(|p| *p == app.focus).unwrap_or(0);
        frame.render_widget(
            Tabs::new(titles)
                .select(selected)
                .highlight_style(theme::selected()),
            tabs,
        );
        draw_pane(frame, content, app, app.focus);
    }
    let status_style = if app.status_error {
        theme::error()
    } else if app.status_warning {
        theme::warning()
    } else {
        ratatui::style::Style::new()
    };
    frame.render_widget(
        Paragraph::new(super::fit(&app.status, area.width as usize)).style(status_style),
        status,
    );
    frame.render_widget(Paragraph::new(footer_line(app, area.width)), footer);
    match &app.modal {
        Some(Modal::Help(scroll)) => super::help::draw(frame, area, *scroll),
        Some(Modal::Welcome) => super::welcome::draw(frame, area),
        Some(Modal::AddClient(form)) => super::form::draw(frame, area, form),
        Some(Modal::Log(dialog)) => super::log_dialog::draw(frame, area, dialog),
        Some(Modal::Entry(dialog)) => super::entry_dialog::draw(frame, area, dialog),
        Some(Modal::Palette(palette)) => super::palette::draw(frame, area, palette),
        Some(Modal::Import(dialog)) => super::import_dialog::draw(frame, area, dialog),
        Some(Modal::Dupes(view)) => super::dupes_view::draw(frame, area, view),
        Some(Modal::Quality(report)) => super::quality_view::draw(frame, area, report),
        Some(Modal::Filter(bar)) => super::filter_bar::draw(frame, area, bar),
        Some(Modal::Reports(view)) => super::reports_view::draw(frame, area, view),
        Some(Modal::Conflicts(view)) => super::conflicts_view::draw(frame, area, view),
        Some(Modal::Archive {
            number,
            selected,
            note,
        }) => super::archive_dialog::draw(frame, area, number, *selected, note),
        None => {}
    }
}

fn header_line(app: &App, width: u16) -> Line<'static> {
    let today = &app.today.today;
    // On a narrow screen the file name alone, so nothing is cut mid-word.
    let db = if width >= WIDE {
        app.db_label.clone()
    } else {
        std::path::Path::new(&app.db_label)
            .file_name()
            .map_or(app.db_label.clone(), |n| n.to_string_lossy().into_owned())
    };
    let due = today.overdue.total + today.due_today.total + today.new_leads.total;
    let text = format!(
        " clientbook · {} ({}) · {} · {}",
        app.viewer.name,
        app.viewer.role.label(),
        db,
        trf("tui.due_badge", &[("count", &due)])
    );
    Line::from(super::fit(&text, width as usize))
}

/// The keys of the focused pane (or the open dialog), as many whole ones as fit.
fn footer_line(app: &App, width: u16) -> Line<'static> {
    let keys: &[(&str, &str)] = match (&app.modal, app.focus, app.list.searching) {
        (Some(_), _, _) => &[("Esc", "footer.close")],
        (None, _, true) => &[("Enter", "footer.done"), ("Esc", "footer.clear")],
        (None, Pane::List, false) => &[
            ("/", "footer.search"),
            ("Enter", "footer.open"),
            ("0-6", "footer.segments"),
            ("n", "footer.new"),
            (":", "footer.palette"),
            ("Tab", "footer.pane"),
            ("q", "footer.quit"),
        ],
        (None, Pane::Card, false) => &[
            ("←→", "footer.tabs"),
            ("e", "footer.edit"),
            ("l", "footer.log"),
            ("o", "footer.order"),
            ("s", "footer.schedule"),
            ("c", "footer.consent"),
            ("Esc", "footer.back"),
            ("p", "footer.person"),
            ("a", "footer.archive"),
        ],
        (None, Pane::Today, false) => &[
            ("l", "footer.log"),
            ("1-4", "footer.reschedule"),
            ("s", "footer.schedule"),
            ("a", "footer.archive"),
            ("[ ]", "footer.day"),
            ("PgUp/PgDn", "footer.sections"),
            ("Enter", "footer.open"),
        ],
    };
    // Every key when they fit, `?` help last; else the most important ones that fit
    // and "? more" (the help has them all).
    let chip = |key: &str, what: &str| (format!(" {key} "), format!(" {} ", tr(what)));
    let width_of = |(k, w): &(String, String)| k.chars().count() + w.chars().count();
    let with_help = app.modal.is_none() && !app.list.searching;
    let mut chips: Vec<(String, String)> = keys.iter().map(|(k, w)| chip(k, w)).collect();
    let all: usize = chips.iter().map(width_of).sum();
    let help = chip("?", "footer.help");
    let more = chip("?", "footer.more");
    if with_help {
        if all + width_of(&help) <= width as usize {
            chips.push(help);
        } else {
            let room = (width as usize).saturating_sub(width_of(&more));
            let mut used = 0;
            chips.retain(|c| {
                used += width_of(c);
                used <= room
            });
            chips.push(more);
        }
    }
    let mut spans = Vec::new();
    let mut used = 0usize;
    for (key, what) in chips {
        let needed = key.chars().count() + what.chars().count();
        if used + needed > width as usize {
            break;
        }
        used += needed;
        spans.push(Span::styled(key, theme::key()));
        spans.push(Span::raw(what));
    }
    Line::from(spans)
}
