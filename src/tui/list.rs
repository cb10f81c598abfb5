//! The client list pane: columns that fit the width, the search line, the count.

use super::app::App;
use super::theme;
use crate::domain::contact::format_phone;
use crate::domain::dates::format_date;
use crate::domain::segments::tier_label;
use crate::i18n::{language, tr, trf};
use chrono::Local;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Cell, Paragraph, Row, Table, TableState, Wrap};
use ratatui::Frame;

fn count_label(total: u64, searching: bool) -> String {
    let cap = if searching {
        super::app::SEARCH_COUNT_CAP
    } else {
        super::app::COUNT_CAP
    };
    if total >= cap {
        format!("{total}+")
    } else {
        total.to_string()
    }
}

pub fn draw(frame: &mut Frame<'_>, area: Rect, app: &App, block: Block<'_>) {
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let [search_area, table_area] =
        Layout::vertical([Constraint::Length(1), Constraint::Min(1)]).areas(inner);

    let filter = app
        .list
        .query
        .segment
        .map(|s| format!("[{}] ", s.label()))
        .unwrap_or_default();
    // The count first: a long filter is cut, the number never.
    let filter_after = if app.list.filter_text.is_empty() {
        String::new()
    } else {
        format!(" · {}", app.list.filter_label)
    };
    let search_line = if app.list.searching || !app.list.query.search.is_empty() {
        Line::from(
            std::iter::once(Span::styled(format!("{filter}/ "), theme::heading()))
                .chain(super::text::spans(
                    &app.list.query.search,
                    app.list.search_cursor,
                    app.list.searching,
                    ratatui::style::Style::new(),
                ))
                // How many match, once counted (when the keys stop).
                .chain(app.list.total.map(|total| {
                    Span::styled(
                        format!(
                            "  {}",
                            trf("tui.found", &[("count", &count_label(total, true))])
                        ),
                        theme::dim(),
                    )
                }))
                .collect::<Vec<_>>(),
        )
    } else {
        Line::from(vec![
            Span::styled(filter, theme::heading()),
            Span::styled(
                trf(
                    "tui.list_count",
                    &[(
                        "count",
                        &app.list.total.map_or_else(
                            || "…".to_string(),
                            |total| count_label(total, !app.list.query.search.trim().is_empty()),
                        ),
                    )],
                ),
                theme::dim(),
            ),
            Span::styled(filter_after, theme::heading()),
        ])
    };
    frame.render_widget(Paragraph::new(search_line), search_area);

    if app.list.rows.is_empty() {
        let hint = Paragraph::new(tr("tui.no_clients"))
            .style(theme::dim())
            .wrap(Wrap { trim: true });
        frame.render_widget(hint, table_area);
        return;
    }
    let width = table_area.width;
    // A lead or an admin sees everyone's clients: whose they are matters most after
    // the name, so the manager column comes first and the others give way to it.
    let show_manager = app.viewer.sees_everyone() && width >= 36;
    let room = if show_manager {
        width.saturating_sub(11)
    } else {
        width
    };
    // A narrow pane keeps the name readable: the segment goes before the name is cut.
    let show_segment = room >= 30;
    let show_company = room >= 90;
    let show_next = room >= 48;
    let show_tier = room >= 56;
    let show_phone = room >= 75;
    let lang = language();
    let mut header = vec![tr("column.number"), tr("column.name")];
    let mut widths = vec![Constraint::Length(5), Constraint::Fill(3)];
    if show_manager {
        header.push(tr("column.manager"));
        widths.push(Constraint::Length(10));
    }
    if show_company {
        header.push(tr("column.company"));
        widths.push(Constraint::Fill(1));
    }
    if show_segment {
        header.push(tr("column.segment"));
        widths.push(Constraint::Length(13));
    }
    if show_tier {
        header.push(tr("column.tier"));
        widths.push(Constraint::Length(8));
    }
    if show_next {
        header.push(tr("tui.next_short"));
        widths.push(Constraint::Length(10));
    }
    if show_phone {
        header.push(tr("column.phone"));
        widths.push(Constraint::Length(16));
    }
    // The columns' real widths, so that long names end in "…" instead of being cut.
    let columns: Vec<usize> = Layout::horizontal(widths.clone())
        .spacing(1)
        .split(Rect::new(0, 0, table_area.width, 1))
        .iter()
        .map(|r| r.width as usize)
        .collect();
    let rows = app.list.rows.iter().map(|r| {
        let mut texts = vec![
            r.number.clone(),
            if r.forgotten {
                tr("client.forgotten")
            } else {
                r.name.clone()
            },
        ];
        if show_manager {
            texts.push(r.manager.clone());
        }
        if show_company {
            let company = if r.kind == "person" {
                r.company.clone()
            } else {
                None
            };
            texts.push(company.unwrap_or_default());
        }
        if show_segment {
            texts.push(r.segment.label());
        }
        if show_tier {
            texts.push(r.tier.as_deref().map(tier_label).unwrap_or_default());
        }
        if show_next {
            let next = r
                .next_contact_at
                .map(|t| format_date(t.with_timezone(&Local).date_naive(), lang));
            texts.push(next.unwrap_or_default());
        }
        if show_phone {
            texts.push(r.phone.as_deref().map(format_phone).unwrap_or_default());
        }
        Row::new(
            texts
                .iter()
                .zip(&columns)
                .map(|(text, width)| Cell::from(super::fit(text, *width))),
        )
    });
    let header: Vec<String> = header
        .iter()
        .zip(&columns)
        .map(|(h, w)| super::fit(h, *w))
        .collect();
    let table = Table::new(rows, widths)
        .header(Row::new(header).style(theme::title()))
        .row_highlight_style(theme::selected())
        .column_spacing(1);
    let mut state = TableState::default().with_selected(Some(app.list.selected));
    frame.render_stateful_widget(table, table_area, &mut state);
}
