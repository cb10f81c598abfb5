//! Conflicts (SPEC §7): the viewer's clients' fields two people changed without
//! seeing each other's change. Each is decided here: keep the value in the base, or
//! take the other one.

use crate::i18n::{tr, trf};
use crate::store::conflicts::Conflict;
use crate::store::{Store, StoreResult, Viewer};

#[derive(Debug, Clone, PartialEq)]
pub struct ConflictsView {
    pub conflicts: Vec<Conflict>,
    pub selected: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConflictsInput {
    Up,
    Down,
    /// Keep the value in the base.
    Keep,
    /// Take the other value.
    Take,
}

impl ConflictsView {
    pub fn load(store: &Store, viewer: &Viewer) -> StoreResult<ConflictsView> {
        Ok(ConflictsView {
            conflicts: store.open_conflicts(viewer)?,
            selected: 0,
        })
    }

    /// Reads the open conflicts again (one was decided, a sync brought more); the
    /// selection stays where it was as far as it can.
    pub fn reload(&mut self, store: &Store, viewer: &Viewer) -> StoreResult<()> {
        let selected_id = self.conflicts.get(self.selected).map(|c| c.id.clone());
        self.conflicts = store.open_conflicts(viewer)?;
        self.selected = selected_id
            .and_then(|id| self.conflicts.iter().position(|c| c.id == id))
            .unwrap_or(self.selected)
            .min(self.conflicts.len().saturating_sub(1));
        Ok(())
    }

    /// Applies a key; a decision returns the message to show.
    pub fn input(
        &mut self,
        input: &ConflictsInput,
        store: &mut Store,
        viewer: &Viewer,
    ) -> StoreResult<Option<String>> {
        match input {
            ConflictsInput::Up => self.selected = self.selected.saturating_sub(1),
            ConflictsInput::Down => {
                self.selected = (self.selected + 1).min(self.conflicts.len().saturating_sub(1))
            }
            ConflictsInput::Keep | ConflictsInput::Take => {
                let Some(conflict) = self.conflicts.get(self.selected).cloned() else {
                    return Ok(None);
                };
                let take = *input == ConflictsInput::Take;
                store.resolve_conflict(viewer, &conflict.id, take)?;
                self.reload(store, viewer)?;
                let [client, field, kept, other, ..] = crate::present::conflict_cells(&conflict);
                let key = if take {
                    "conflicts_tui.taken"
                } else {
                    "conflicts_tui.kept"
                };
                let value = if take { other } else { kept };
                return Ok(Some(trf(
                    key,
                    &[("client", &client), ("field", &field), ("value", &value)],
                )));
            }
        }
        Ok(None)
    }
}

pub fn draw(frame: &mut ratatui::Frame<'_>, area: ratatui::layout::Rect, view: &ConflictsView) {
    use super::{fit, theme};
    use ratatui::layout::{Constraint, Layout, Rect};
    use ratatui::text::{Line, Span};
    use ratatui::widgets::{Block, Borders, Clear, Paragraph, Row, Table, TableState, Wrap};
    // Under the header, over the panes: the status bar stays in sight, where a
    // decision says what it did.
    let mut popup = super::centered(area, 120, area.height);
    popup.y = area.y + 1;
    popup.height = area.height.saturating_sub(3);
    frame.render_widget(Clear, popup);
    let block = Block::default()
        .borders(Borders::ALL)
        .title(trf(
            "conflicts_tui.title",
            &[("count", &view.conflicts.len())],
        ))
        .border_style(theme::focused_border());
    let inner = block.inner(popup);
    frame.render_widget(block, popup);
    let [table_area, detail_area, keys_area] = Layout::vertical([
        Constraint::Min(3),
        Constraint::Length(5),
        Constraint::Length(1),
    ])
    .areas(inner);
    frame.render_widget(
        Paragraph::new(Span::styled(tr("conflicts_tui.keys"), theme::dim())),
        keys_area,
    );
    if view.conflicts.is_empty() {
        frame.render_widget(
            Paragraph::new(Span::styled(tr("conflicts.none"), theme::dim())),
            table_area,
        );
        return;
    }
    // Client, field, value in the base, the other value, who, when.
    let constraints = [
        Constraint::Fill(4),
        Constraint::Fill(2),
        Constraint::Fill(2),
        Constraint::Fill(2),
        Constraint::Length(14),
        Constraint::Length(16),
    ];
    let widths: Vec<usize> = Layout::horizontal(constraints)
        .spacing(1)
        .split(Rect::new(0, 0, table_area.width, 1))
        .iter()
        .map(|r| r.width as usize)
        .collect();
    let cells = |texts: Vec<String>| -> Vec<String> {
        texts.iter().zip(&widths).map(|(t, w)| fit(t, *w)).collect()
    };
    let header: Vec<String> = crate::present::CONFLICT_HEADER.map(tr).to_vec();
    let rows: Vec<Row<'_>> = view
        .conflicts
        .iter()
        .map(|c| Row::new(cells(crate::present::conflict_cells(c).to_vec())))
        .collect();
    let table = Table::new(rows, constraints)
        .column_spacing(1)
        .header(Row::new(cells(header)).style(theme::heading()))
        .row_highlight_style(theme::selected());
    let mut state = TableState::default().with_selected(Some(view.selected));
    frame.render_stateful_widget(table, table_area, &mut state);
    // The selected conflict in full: a table cell cuts long values.
    if let Some(conflict) = view.conflicts.get(view.selected) {
        let [client, field, kept, other, by, at] = crate::present::conflict_cells(conflict);
        let lines = vec![
            Line::from(Span::styled(format!("{client} · {field}"), theme::title())),
            Line::from(vec![
                Span::styled(format!("{}: ", tr("conflicts.kept")), theme::dim()),
                Span::raw(kept),
            ]),
            Line::from(vec![
                Span::styled(format!("{}: ", tr("conflicts.other")), theme::dim()),
                Span::styled(other, theme::warning()),
                Span::styled(format!(" ({by}, {at})"), theme::dim()),
            ]),
        ];
        frame.render_widget(
            Paragraph::new(lines).wrap(Wrap { trim: false }).block(
                Block::default()
                    .borders(Borders::TOP)
                    .border_style(theme::border()),
            ),
            detail_area,
        );
    }
}
