//! Duplicates: the likely doubles among the manager's clients, best first; a pair is
//! compared side by side before it is merged.

use crate::domain::contact::format_phone;
use crate::i18n::{tr, trf};
use crate::store::card::ClientCard;
use crate::store::dupes::DuplicateGroup;
use crate::store::{Store, StoreError, Viewer};

/// Groups read at a time: a manager works through the best matches first.
const GROUPS: usize = 200;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DupesInput {
    Up,
    Down,
    /// Enter: compare the selected group, or (comparing) merge.
    Confirm,
    /// `x`: swap which of the two is kept.
    Swap,
    Back,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comparison {
    pub keep: ClientCard,
    pub other: ClientCard,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DupesView {
    pub groups: Vec<DuplicateGroup>,
    pub selected: usize,
    pub comparing: Option<Box<Comparison>>,
    pub message: Option<String>,
}

pub enum DupesStep {
    Open,
    Closed(Option<String>),
}

impl DupesView {
    pub fn load(store: &Store, viewer: &Viewer) -> Result<DupesView, StoreError> {
        Ok(DupesView {
            groups: store.find_duplicates(viewer, GROUPS)?,
            selected: 0,
            comparing: None,
            message: None,
        })
    }

    pub fn input(&mut self, input: &DupesInput, store: &mut Store, viewer: &Viewer) -> DupesStep {
        match (input, self.comparing.take()) {
            (DupesInput::Back, None) => return DupesStep::Closed(None),
            (DupesInput::Back, Some(_)) => {}
            (DupesInput::Up, comparing) => {
                self.comparing = comparing;
                self.selected = self.selected.saturating_sub(1);
            }
            (DupesInput::Down, comparing) => {
                self.comparing = comparing;
                self.selected = (self.selected + 1).min(self.groups.len().saturating_sub(1));
            }
            (DupesInput::Swap, Some(pair)) => {
                let Comparison { keep, other } = *pair;
                self.comparing = Some(Box::new(Comparison {
                    keep: other,
                    other: keep,
                }));
            }
            (DupesInput::Swap, None) => {}
            (DupesInput::Confirm, None) => {
                let Some(group) = self.groups.get(self.selected) else {
                    return DupesStep::Open;
                };
                let cards = group
                    .clients
                    .iter()
                    .take(2)
                    .map(|c| store.client_card(viewer, &c.number))
                    .collect::<Result<Vec<_>, _>>();
                match cards {
                    Ok(mut cards) if cards.len() == 2 => {
                        let other = cards.pop().unwrap_or_else(|| unreachable!());
                        let keep = cards.pop().unwrap_or_else(|| unreachable!());
                        self.comparing = Some(Box::new(Comparison { keep, other }));
                    }
                    Ok(_) => {}
                    Err(e) => self.message = Some(e.to_string()),
                }
            }
            (DupesInput::Confirm, Some(pair)) => {
                return match store.merge_clients(viewer, &pair.keep.number, &pair.other.number) {
                    Ok(summary) => {
                        let message = trf(
                            "dupes_tui.merged",
                            &[("other", &summary.merged), ("keep", &summary.kept)],
                        );
                        match DupesView::load(store, viewer) {
                            Ok(fresh) => {
                                *self = DupesView {
                                    message: Some(message),
                                    ..fresh
                                };
                                DupesStep::Open
                            }
                            Err(_) => DupesStep::Closed(Some(message)),
                        }
                    }
                    Err(e) => {
                        self.message = Some(e.to_string());
                        self.comparing = Some(pair);
                        DupesStep::Open
                    }
                };
            }
        }
        DupesStep::Open
    }
}

fn card_lines(card: &ClientCard, title: &str) -> Vec<ratatui::text::Line<'static>> {
    use super::theme;
    use ratatui::text::{Line, Span};
    let mut lines = vec![
        Line::from(Span::styled(title.to_string(), theme::heading())),
        Line::from(Span::styled(
            format!("{} {}", card.number, card.name),
            theme::title(),
        )),
    ];
    let mut field = |label: &str, value: String| {
        if !value.is_empty() {
            lines.push(Line::from(vec![
                Span::styled(format!("{label}: "), theme::dim()),
                Span::raw(value),
            ]));
        }
    };
    field(
        &tr("field.phone"),
        card.phones
            .iter()
            .map(|p| format_phone(p))
            .collect::<Vec<_>>()
            .join(", "),
    );
    field(&tr("field.email"), card.emails.join(", "));
    field(
        &tr("field.birthday"),
        crate::present::birthday(card).unwrap_or_default(),
    );
    field(&tr("field.city"), card.city.clone().unwrap_or_default());
    field(&tr("column.manager"), card.manager_name.clone());
    field(&tr("card.orders"), card.orders.len().to_string());
    field(&tr("card.history"), card.interactions.len().to_string());
    lines
}

pub fn draw(frame: &mut ratatui::Frame<'_>, area: ratatui::layout::Rect, view: &DupesView) {
    use super::theme;
    use ratatui::layout::{Constraint, Layout};
    use ratatui::text::{Line, Span};
    use ratatui::widgets::{Block, Borders, Clear, List, ListItem, ListState, Paragraph, Wrap};
    let popup = super::centered(
        area,
        area.width.saturating_sub(4).max(60),
        area.height.saturating_sub(2),
    );
    frame.render_widget(Clear, popup);
    let block = Block::default()
        .borders(Borders::ALL)
        .title(tr("dupes_tui.title"))
        .border_style(theme::focused_border());
    let inner = block.inner(popup);
    frame.render_widget(block, popup);
    let [body, message, keys] = Layout::vertical([
        Constraint::Min(1),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(inner);
    match &view.comparing {
        Some(pair) => {
            let [left, right] = Layout::horizontal([Constraint::Fill(1), Constraint::Fill(1)])
                .spacing(2)
                .areas(body);
            frame.render_widget(
                Paragraph::new(card_lines(&pair.keep, &tr("dupes_tui.keep")))
                    .wrap(Wrap { trim: false }),
                left,
            );
            frame.render_widget(
                Paragraph::new(card_lines(&pair.other, &tr("dupes_tui.merge_away")))
                    .wrap(Wrap { trim: false }),
                right,
            );
        }
        None if view.groups.is_empty() => {
            frame.render_widget(
                Paragraph::new(tr("dupes_tui.none"))
                    .style(theme::dim())
                    .wrap(Wrap { trim: true }),
                body,
            );
        }
        None => {
            let width = body.width as usize;
            let items: Vec<ListItem<'_>> = view
                .groups
                .iter()
                .map(|g| {
                    let names = g
                        .clients
                        .iter()
                        .map(|c| format!("{} {}", c.number, c.name))
                        .collect::<Vec<_>>()
                        .join("  ·  ");
                    ListItem::new(vec![
                        Line::from(super::fit(&names, width)),
                        Line::from(Span::styled(
                            super::fit(&format!("   {}: {}", g.reason.label(), g.value), width),
                            theme::dim(),
                        )),
                    ])
                })
                .collect();
            let mut state = ListState::default().with_selected(Some(view.selected));
            frame.render_stateful_widget(
                List::new(items).highlight_style(theme::selected()),
                body,
                &mut state,
            );
        }
    }
    if let Some(text) = &view.message {
        frame.render_widget(
            Paragraph::new(text.clone()).style(theme::warning()),
            message,
        );
    }
    let hint = if view.comparing.is_some() {
        "dupes_tui.compare_keys"
    } else {
        "dupes_tui.list_keys"
    };
    frame.render_widget(Paragraph::new(tr(hint)).style(theme::dim()), keys);
}
