//! `?`: every key, grouped by pane.

use super::centered;
use super::theme;
use crate::i18n::tr;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};
use ratatui::Frame;

/// (key, what it does) per group; the texts come from the string tables.
pub const KEYS: &[(&str, &[(&str, &str)])] = &[
    (
        "help_keys.global",
        &[
            ("Tab", "help_keys.focus_next"),
            ("/", "help_keys.search"),
            (":, Ctrl+K", "help_keys.palette"),
            ("n", "help_keys.new_client"),
            ("m", "help_keys.reports"),
            ("K", "help_keys.conflicts"),
            ("F5", "help_keys.refresh"),
            ("u", "help_keys.undo"),
            ("?", "help_keys.help"),
            ("q", "help_keys.quit"),
        ],
    ),
    (
        "help_keys.list",
        &[
            ("↑↓ PgUp/Dn", "help_keys.move"),
            ("Enter", "help_keys.open"),
            ("0", "help_keys.all"),
            ("1-6", "help_keys.segments"),
            ("f", "help_keys.filter"),
            ("Esc", "help_keys.clear_search"),
        ],
    ),
    (
        "help_keys.card",
        &[
            ("←→", "help_keys.tabs"),
            ("e", "help_keys.edit"),
            ("l", "help_keys.log"),
            ("s", "help_keys.schedule"),
            ("o", "help_keys.order"),
            ("c", "help_keys.consent"),
            ("p", "help_keys.person"),
            ("a", "help_keys.archive"),
            ("Esc", "help_keys.back"),
        ],
    ),
    (
        "help_keys.today",
        &[
            ("Enter", "help_keys.open"),
            ("l", "help_keys.log"),
            ("1 2 3 4", "help_keys.reschedule"),
            ("s", "help_keys.schedule"),
            ("a", "help_keys.archive"),
            ("[ ]", "help_keys.day"),
            ("PgUp PgDn", "help_keys.sections"),
        ],
    ),
];

fn group_lines(groups: &[(&str, &[(&str, &str)])]) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    for (group, keys) in groups {
        lines.push(Line::from(Span::styled(tr(group), theme::heading())));
        for (key, what) in *keys {
            lines.push(Line::from(vec![
                Span::styled(format!(" {key:<11}"), theme::title()),
                Span::raw(tr(what)),
            ]));
        }
        lines.push(Line::default());
    }
    lines
}

/// Two columns where the screen is wide enough, one (scrolled by `scroll`) otherwise.
pub fn draw(frame: &mut Frame<'_>, area: Rect, scroll: u16) {
    let two_columns = area.width >= 100;
    let (left, right) = KEYS.split_at(2);
    let columns: Vec<Vec<Line<'static>>> = if two_columns {
        vec![group_lines(left), group_lines(right)]
    } else {
        vec![group_lines(KEYS)]
    };
    let height = columns.iter().map(Vec::len).max().unwrap_or(0) as u16 + 3;
    let popup = centered(area, if two_columns { 98 } else { 76 }, height);
    frame.render_widget(Clear, popup);
    let block = Block::default()
        .borders(Borders::ALL)
        .title(tr("tui.help_title"))
        .title_bottom(Line::from(Span::styled(
            tr("help_keys.close"),
            theme::dim(),
        )))
        .border_style(theme::focused_border());
    let inner = block.inner(popup);
    frame.render_widget(block, popup);
    let areas = Layout::horizontal(vec![Constraint::Fill(1); columns.len()])
        .spacing(2)
        .split(inner);
    for (lines, rect) in columns.into_iter().zip(areas.iter()) {
        frame.render_widget(
            Paragraph::new(lines)
                .wrap(Wrap { trim: false })
                .scroll((scroll, 0)),
            *rect,
        );
    }
}
