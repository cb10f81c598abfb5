//! The command palette (`:` or Ctrl+K): every command by name, narrowed as you type.

use super::app::{Action, Pane};
use super::entry_dialog::EntryKind;
use super::text::TextEdit;
use crate::domain::segments::Segment;
use crate::domain::text::fold;
use crate::i18n::tr;

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Palette {
    pub query: String,
    pub selected: usize,
    /// Where the cursor is in the query (`None`: at its end).
    pub cursor: Option<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PaletteInput {
    Char(char),
    Backspace,
    /// Cursor keys, Delete, word and line deletion, paste.
    Edit(super::text::TextEdit),
    Up,
    Down,
    Run,
    Cancel,
}

/// Every command: the words shown (from the string tables) and what it does.
pub fn commands() -> Vec<(String, Action)> {
    let mut out = vec![
        (tr("palette.new_client"), Action::NewClient),
        (tr("palette.import"), Action::StartImport),
        (tr("palette.dupes"), Action::ShowDupes),
        (tr("palette.quality"), Action::ShowQuality),
        (tr("palette.reports"), Action::ShowReports),
        (tr("palette.conflicts"), Action::ShowConflicts),
        (tr("palette.search"), Action::StartSearch),
        (tr("palette.edit"), Action::EditClient),
        (tr("palette.log"), Action::LogContact),
        (tr("palette.order"), Action::OpenEntry(EntryKind::Order)),
        (
            tr("palette.schedule"),
            Action::OpenEntry(EntryKind::Schedule),
        ),
        (tr("palette.consent"), Action::OpenEntry(EntryKind::Consent)),
        (tr("palette.person"), Action::OpenEntry(EntryKind::Person)),
        (tr("palette.archive"), Action::Archive),
        (tr("palette.today"), Action::Focus(Pane::Today)),
        (tr("palette.clients"), Action::Focus(Pane::List)),
        (tr("palette.all"), Action::Segment(None)),
        (tr("palette.undo"), Action::Undo),
        (tr("palette.restore"), Action::Restore),
        (tr("palette.filter"), Action::OpenFilter),
    ];
    for segment in Segment::ALL {
        out.push((
            format!("{}: {}", tr("palette.segment"), segment.label()),
            Action::Segment(Some(segment)),
        ));
    }
    out.push((tr("palette.refresh"), Action::Refresh));
    out.push((tr("palette.help"), Action::ShowHelp));
    out.push((tr("palette.quit"), Action::Quit));
    out
}

impl Palette {
    /// The commands whose name holds every typed word, in the list's order.
    pub fn matches(&self) -> Vec<(String, Action)> {
        let words: Vec<String> = fold(&self.query)
            .split(' ')
            .filter(|w| !w.is_empty())
            .map(str::to_string)
            .collect();
        commands()
            .into_iter()
            .filter(|(name, _)| {
                let name = fold(name);
                words.iter().all(|w| name.contains(w.as_str()))
            })
            .collect()
    }

    /// Applies a key; returns the action to run when one was chosen.
    pub fn input(&mut self, input: &PaletteInput) -> Option<Action> {
        match input {
            PaletteInput::Char(c) => {
                super::text::apply(&mut self.query, &mut self.cursor, &TextEdit::Insert(*c));
                self.selected = 0;
            }
            PaletteInput::Backspace => {
                super::text::apply(&mut self.query, &mut self.cursor, &TextEdit::Backspace);
                self.selected = 0;
            }
            PaletteInput::Edit(edit) => {
                super::text::apply(&mut self.query, &mut self.cursor, edit);
                self.selected = 0;
            }
            PaletteInput::Up => self.selected = self.selected.saturating_sub(1),
            PaletteInput::Down => {
                self.selected = (self.selected + 1).min(self.matches().len().saturating_sub(1))
            }
            PaletteInput::Run => return self.matches().get(self.selected).map(|(_, a)| a.clone()),
            PaletteInput::Cancel => {}
        }
        None
    }
}

pub fn draw(frame: &mut ratatui::Frame<'_>, area: ratatui::layout::Rect, palette: &Palette) {
    use super::theme;
    use ratatui::layout::{Constraint, Layout};
    use ratatui::text::{Line, Span};
    use ratatui::widgets::{Block, Borders, Clear, List, ListItem, ListState, Paragraph};
    let matches = palette.matches();
    let popup = super::centered(area, 60, (matches.len() as u16 + 4).clamp(6, 20));
    frame.render_widget(Clear, popup);
    let block = Block::default()
        .borders(Borders::ALL)
        .title(tr("palette.title"))
        .border_style(theme::focused_border());
    let inner = block.inner(popup);
    frame.render_widget(block, popup);
    let [input, list] = Layout::vertical([Constraint::Length(1), Constraint::Min(1)]).areas(inner);
    frame.render_widget(
        Paragraph::new(Line::from(
            std::iter::once(Span::styled("> ", theme::heading()))
                .chain(super::text::spans(
                    &palette.query,
                    palette.cursor,
                    true,
                    ratatui::style::Style::new(),
                ))
                .collect::<Vec<_>>(),
        )),
        input,
    );
    let items: Vec<ListItem<'_>> = matches
        .iter()
        .map(|(name, _)| ListItem::new(format!(" {name}")))
        .collect();
    let mut state = ListState::default().with_selected(Some(palette.selected));
    frame.render_stateful_widget(
        List::new(items).highlight_style(theme::selected()),
        list,
        &mut state,
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typing_narrows_and_enter_runs_the_selected_command() {
        let mut p = Palette::default();
        let typed: String = Segment::Sleeping
            .label()
            .to_lowercase()
            .chars()
            .take(4)
            .collect();
        for c in typed.chars() {
            p.input(&PaletteInput::Char(c));
        }
        assert_eq!(p.matches().len(), 1);
        assert_eq!(
            p.input(&PaletteInput::Run),
            Some(Action::Segment(Some(Segment::Sleeping)))
        );
    }
}
