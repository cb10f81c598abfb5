//! `?`: every key, grouped by pane.

use super::centered;
use super::theme;
use crate::i18n::tr;
use ratatui::layout::Rect;
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
            (": Ctrl+K", "help_keys.palette"),
            ("n", "help_keys.new_client"),
            ("F5", "help_keys.refresh"),
            ("?", "help_keys.help"),
            ("q", "help_keys.quit"),
        ],
    ),
    (
        "help_keys.list",
        &[
            ("↑↓ PgUp PgDn", "help_keys.move"),
            ("Enter", "help_keys.open"),
            ("0-6", "help_keys.segments"),
            ("Esc", "help_keys.clear_search"),
        ],
    ),
    (
        "help_keys.card",
        &[
            ("←→", "help_keys.tabs"),
            ("l", "help_keys.log"),
            ("a", "help_keys.archive"),
        ],
    ),
    (
        "help_keys.today",
        &[
            ("Enter", "help_keys.open"),
            ("l", "help_keys.log"),
            ("1 2 3 4", "help_keys.reschedule"),
            ("a", "help_keys.archive"),
            ("[ ]", "help_keys.day"),
        ],
    ),
];

pub fn draw(frame: &mut Frame<'_>, area: Rect) {
    let mut lines = Vec::new();
    for (group, keys) in KEYS {
        lines.push(Line::from(Span::styled(tr(group), theme::heading())));
        for (key, what) in *keys {
            lines.push(Line::from(vec![
                Span::styled(format!(" {key:<13}"), theme::title()),
                Span::raw(tr(what)),
            ]));
        }
        lines.push(Line::default());
    }
    lines.push(Line::from(Span::styled(
        tr("help_keys.close"),
        theme::dim(),
    )));
    let popup = centered(area, 64, lines.len() as u16 + 2);
    frame.render_widget(Clear, popup);
    frame.render_widget(
        Paragraph::new(lines).wrap(Wrap { trim: false }).block(
            Block::default()
                .borders(Borders::ALL)
                .title(tr("tui.help_title"))
                .border_style(theme::focused_border()),
        ),
        popup,
    );
}
