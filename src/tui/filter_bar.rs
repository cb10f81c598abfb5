//! The filter bar and the saved segments (SPEC §6): a filter typed as on the command
//! line (`tier:gold city:Москва last-order:<90d`), or a saved segment picked from the
//! list below it with its live count. Enter applies; the list and its count follow.

use super::theme;
use crate::i18n::{tr, trf};
use crate::store::segments::SavedSegment;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders};
use ratatui::Frame;

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FilterBar {
    pub text: String,
    /// Why the text did not read (names the bad term).
    pub error: Option<String>,
    /// Saved segments with the viewer's counts, read when the bar opened.
    pub segments: Vec<SavedSegment>,
    /// The segment whose filter is in the text, if one was picked.
    pub selected: Option<usize>,
    /// Where the cursor is in the text (`None`: at its end).
    pub cursor: Option<usize>,
    /// The list's filter when the bar opened: the list follows the text as it is
    /// typed, and Esc puts this back.
    pub before: crate::domain::filter::Filter,
    /// F2: the name the filter is being saved under (typing goes there).
    pub naming: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FilterInput {
    Char(char),
    Backspace,
    /// Cursor keys, Delete, word and line deletion, paste.
    Edit(super::text::TextEdit),
    Up,
    Down,
    Apply,
    Cancel,
    /// F2: save the filter as a segment (then its name, Enter).
    Save,
    /// F8: delete the saved segment picked.
    Delete,
}

impl FilterBar {
    pub fn new(text: &str, segments: Vec<SavedSegment>) -> FilterBar {
        FilterBar {
            text: text.to_string(),
            selected: segments.iter().position(|s| s.filter == text),
            segments,
            error: None,
            cursor: None,
            before: Default::default(),
            naming: None,
        }
    }

    /// Typing edits the text; ↑↓ pick a saved segment and put its filter in the text.
    pub fn edit(&mut self, input: FilterInput) {
        use super::text::{apply, TextEdit};
        if let Some(name) = &mut self.naming {
            let mut end = None;
            match input {
                FilterInput::Char(c) => apply(name, &mut end, &TextEdit::Insert(c)),
                FilterInput::Backspace => apply(name, &mut end, &TextEdit::Backspace),
                FilterInput::Edit(edit) => apply(name, &mut end, &edit),
                _ => {}
            }
            self.error = None;
            return;
        }
        let edit = match input {
            FilterInput::Char(c) => Some(TextEdit::Insert(c)),
            FilterInput::Backspace => Some(TextEdit::Backspace),
            FilterInput::Edit(edit) => Some(edit),
            FilterInput::Down | FilterInput::Up if !self.segments.is_empty() => {
                let last = self.segments.len() - 1;
                let next = match (&input, self.selected) {
                    (FilterInput::Down, None) => 0,
                    (FilterInput::Down, Some(i)) => (i + 1).min(last),
                    (_, None) | (_, Some(0)) => 0,
                    (_, Some(i)) => i - 1,
                };
                self.selected = Some(next);
                self.text = self.segments[next].filter.clone();
                self.cursor = None;
                None
            }
            _ => None,
        };
        if let Some(edit) = edit {
            let before = self.text.clone();
            apply(&mut self.text, &mut self.cursor, &edit);
            if self.text != before {
                self.selected = None;
            }
        }
        self.error = None;
    }
}

pub fn draw(frame: &mut Frame<'_>, area: Rect, bar: &FilterBar) {
    let mut lines = vec![
        Line::from(
            std::iter::once(Span::styled("> ", theme::heading()))
                .chain(super::text::spans(
                    &bar.text,
                    bar.cursor,
                    true,
                    ratatui::style::Style::new(),
                ))
                .collect::<Vec<_>>(),
        ),
        match &bar.error {
            Some(error) => Line::from(Span::styled(error.clone(), theme::error())),
            None => Line::from(Span::styled(tr("filter_tui.hint"), theme::dim())),
        },
        Line::default(),
    ];
    if let Some(name) = &bar.naming {
        let mut spans = vec![Span::styled(
            format!("{} ", tr("filter_tui.save_as")),
            theme::heading(),
        )];
        spans.extend(super::text::spans(name, None, true, theme::selected()));
        lines.push(Line::from(spans));
        lines.push(Line::default());
    }
    if bar.segments.is_empty() {
        lines.push(Line::from(Span::styled(
            tr("filter_tui.no_segments"),
            theme::dim(),
        )));
    } else {
        lines.push(Line::from(Span::styled(
            tr("filter_tui.segments"),
            theme::heading(),
        )));
        for (i, segment) in bar.segments.iter().enumerate() {
            let text = trf(
                "filter_tui.segment_line",
                &[
                    ("name", &segment.name),
                    ("clients", &segment.clients),
                    ("filter", &segment.filter),
                ],
            );
            let style = if bar.selected == Some(i) {
                theme::selected()
            } else {
                ratatui::style::Style::new()
            };
            lines.push(Line::from(Span::styled(text, style)));
        }
    }
    lines.push(Line::default());
    lines.push(Line::from(Span::styled(
        tr(if bar.naming.is_some() {
            "filter_tui.name_keys"
        } else {
            "filter_tui.keys"
        }),
        theme::dim(),
    )));
    super::dialog(
        frame,
        area,
        76,
        lines,
        Block::default()
            .borders(Borders::ALL)
            .border_style(theme::focused_border())
            .title(Span::styled(tr("filter_tui.title"), theme::title())),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn saved(name: &str, filter: &str) -> SavedSegment {
        SavedSegment {
            name: name.into(),
            filter: filter.into(),
            clients: 3,
        }
    }

    #[test]
    fn arrows_pick_a_saved_segment_and_typing_leaves_it() {
        let mut bar = FilterBar::new("", vec![saved("a", "tier:gold"), saved("b", "city:Омск")]);
        bar.edit(FilterInput::Down);
        bar.edit(FilterInput::Down);
        assert_eq!((bar.selected, bar.text.as_str()), (Some(1), "city:Омск"));
        bar.edit(FilterInput::Up);
        assert_eq!(bar.text, "tier:gold");
        bar.edit(FilterInput::Char(' '));
        assert_eq!(bar.selected, None);
        assert_eq!(
            FilterBar::new("tier:gold", bar.segments.clone()).selected,
            Some(0)
        );
    }
}
