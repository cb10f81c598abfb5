//! Archiving asks why the client left: the reasons are reported later.

use super::app::archive_reasons;
use super::theme;
use crate::i18n::{tr, tr_value};
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Clear, List, ListItem, ListState};
use ratatui::Frame;

pub fn draw(frame: &mut Frame<'_>, area: Rect, number: &str, selected: usize, note: &str) {
    let mut items: Vec<ListItem<'_>> = archive_reasons()
        .iter()
        .map(|r| ListItem::new(format!(" {}", r.label())))
        .collect();
    // "Other" says which: its words under the list.
    if archive_reasons().get(selected) == Some(&crate::domain::codes::ArchiveReason::Other) {
        items.push(ListItem::new(Line::from(
            std::iter::once(ratatui::text::Span::styled(
                format!("{}: ", tr("tui.archive_note")),
                theme::dim(),
            ))
            .chain(super::text::spans(
                note,
                None,
                true,
                ratatui::style::Style::new(),
            ))
            .collect::<Vec<_>>(),
        )));
    }
    items.push(ListItem::new(Line::styled(
        tr("tui.archive_keys"),
        theme::dim(),
    )));
    let popup = super::centered(area, 60, items.len() as u16 + 2);
    frame.render_widget(Clear, popup);
    let list = List::new(items)
        .block(
            Block::default()
                .borders(Borders::ALL)
                .title(tr_value("tui.archive_title", number))
                .border_style(theme::focused_border()),
        )
        .highlight_style(theme::selected());
    let mut state = ListState::default().with_selected(Some(selected));
    frame.render_stateful_widget(list, popup, &mut state);
}
