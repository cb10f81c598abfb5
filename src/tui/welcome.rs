//! The first screen of an empty base: load demo data, import a file, or add the
//! first client.

use super::centered;
use super::theme;
use crate::i18n::tr;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};
use ratatui::Frame;

pub fn draw(frame: &mut Frame<'_>, area: Rect) {
    let option = |key: &str, text: &str| {
        Line::from(vec![
            Span::styled(format!(" {key} "), theme::key()),
            Span::raw(format!("  {}", tr(text))),
        ])
    };
    let lines = vec![
        Line::from(Span::styled(tr("welcome.title"), theme::title())),
        Line::default(),
        Line::from(tr("welcome.intro")),
        Line::default(),
        option("d", "welcome.demo"),
        Line::default(),
        option("i", "welcome.import"),
        Line::default(),
        option("n", "welcome.add"),
        Line::default(),
        option("q", "welcome.quit"),
    ];
    let popup = centered(area, 78, 15);
    frame.render_widget(Clear, popup);
    frame.render_widget(
        Paragraph::new(lines).wrap(Wrap { trim: false }).block(
            Block::default()
                .borders(Borders::ALL)
                .border_style(theme::focused_border()),
        ),
        popup,
    );
}
