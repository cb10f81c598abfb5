//! Today: the manager's day, grouped, every line something to act on.

use super::app::{App, TodayEntry};
use super::theme;
use crate::domain::dates::format_date;
use crate::domain::money::format_money;
use crate::domain::schedule::{DateKind, Today};
use crate::i18n::{language, tr, trf};
use chrono::Local;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, List, ListItem, ListState};
use ratatui::Frame;

/// A client's call window the way the language writes it (`Пн-Пт 10:00-18:00`).
fn window_label(code: Option<&str>) -> String {
    code.and_then(|w| crate::domain::call_window::CallWindow::parse(w).ok())
        .map(|w| w.label())
        .unwrap_or_default()
}

/// Today's lines in the order shown, each with what an action needs.
pub fn entries(today: &Today) -> Vec<TodayEntry> {
    let lang = language();
    let mut out = Vec::new();
    for lead in &today.new_leads.items {
        out.push(TodayEntry {
            section: "today.new_leads",
            client: lead.client.clone(),
            contact_uuid: None,
            detail: trf(
                "today.lead_age",
                &[("age", &crate::domain::dates::format_age(lead.age_minutes))],
            ),
            urgent: lead.late,
        });
    }
    for c in &today.overdue.items {
        out.push(TodayEntry {
            section: "today.overdue",
            client: c.client.clone(),
            contact_uuid: Some(c.contact_uuid.clone()),
            detail: [
                format_date(c.due_at.with_timezone(&Local).date_naive(), lang),
                c.what().unwrap_or_default(),
            ]
            .join(" ")
            .trim()
            .to_string(),
            urgent: false,
        });
    }
    for c in &today.due_today.items {
        let time = if c.has_time {
            c.due_at.with_timezone(&Local).format("%H:%M").to_string()
        } else {
            window_label(c.client.call_window.as_deref())
        };
        out.push(TodayEntry {
            section: "today.due",
            client: c.client.clone(),
            contact_uuid: Some(c.contact_uuid.clone()),
            detail: [time, c.what().unwrap_or_default()]
                .join(" ")
                .trim()
                .to_string(),
            urgent: false,
        });
    }
    for d in &today.dates.items {
        let what = match &d.kind {
            DateKind::Birthday => d.age.map_or_else(
                || tr("today.birthday"),
                |age| trf("today.birthday_age", &[("age", &age)]),
            ),
            DateKind::Relative { label } => label.clone(),
        };
        let when = if d.in_days == 0 {
            tr("today.today")
        } else {
            trf("today.in_days", &[("days", &d.in_days)])
        };
        out.push(TodayEntry {
            section: "today.dates",
            client: d.client.clone(),
            contact_uuid: None,
            detail: format!("{what}, {when}"),
            urgent: false,
        });
    }
    for p in &today.prospects_at_limit.items {
        out.push(TodayEntry {
            section: "today.prospects",
            client: p.client.clone(),
            contact_uuid: None,
            detail: trf("today.prospect_age", &[("days", &p.age_days)]),
            urgent: false,
        });
    }
    for r in &today.to_reactivate.items {
        out.push(TodayEntry {
            section: "today.reactivate",
            client: r.client.clone(),
            contact_uuid: None,
            // What the manager last noted is the reason to call.
            detail: [
                Some(format_money(r.total_spent_minor, "RUB", lang)),
                r.last_note.clone(),
            ]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" · "),
            urgent: false,
        });
    }
    out
}

fn total_of(today: &Today, section: &str) -> String {
    match section {
        "today.new_leads" => today.new_leads.total_label(),
        "today.overdue" => today.overdue.total_label(),
        "today.due" => today.due_today.total_label(),
        "today.dates" => today.dates.total_label(),
        "today.prospects" => today.prospects_at_limit.total_label(),
        _ => today.to_reactivate.total_label(),
    }
}

pub fn draw(frame: &mut Frame<'_>, area: Rect, app: &App, block: Block<'_>) {
    let entries = app.today_entries();
    let inner_width = block.inner(area).width as usize;
    // Open conflicts come first: a badge over the day, with the key that opens them.
    let (area, block) = if app.conflicts > 0 {
        let inner = block.inner(area);
        frame.render_widget(block, area);
        let [badge, rest] = ratatui::layout::Layout::vertical([
            ratatui::layout::Constraint::Length(1),
            ratatui::layout::Constraint::Min(0),
        ])
        .areas(inner);
        let text = super::fit(
            &trf("tui.conflicts_badge", &[("count", &app.conflicts)]),
            inner_width,
        );
        frame.render_widget(
            ratatui::widgets::Paragraph::new(Span::styled(
                text,
                theme::warning().add_modifier(ratatui::style::Modifier::BOLD),
            )),
            badge,
        );
        (rest, Block::default())
    } else {
        (area, block)
    };
    let mut items = Vec::new();
    let mut selected_item = None;
    let mut section = "";
    for (i, entry) in entries.iter().enumerate() {
        if entry.section != section {
            section = entry.section;
            let title = format!("{} ({})", tr(section), total_of(&app.today.today, section));
            let style = if section == "today.overdue" {
                theme::error()
            } else {
                theme::heading()
            };
            items.push(ListItem::new(Line::from(Span::styled(title, style))));
        }
        if i == app.today.selected {
            selected_item = Some(items.len());
        }
        let name = super::fit(&entry.client.name, inner_width.saturating_sub(1));
        let detail = super::fit(
            &format!("{} {}", entry.client.number, entry.detail),
            inner_width.saturating_sub(3),
        );
        items.push(ListItem::new(vec![
            Line::from(format!(" {name}")),
            Line::from(Span::styled(
                format!("   {detail}"),
                if entry.urgent {
                    theme::error()
                } else {
                    theme::dim()
                },
            )),
        ]));
    }
    if items.is_empty() {
        let empty = ratatui::widgets::Paragraph::new(tr("today.empty"))
            .style(theme::dim())
            .wrap(ratatui::widgets::Wrap { trim: true })
            .block(block);
        frame.render_widget(empty, area);
        return;
    }
    let list = List::new(items)
        .block(block)
        .highlight_style(theme::selected());
    let mut state = ListState::default().with_selected(if app.focus == super::app::Pane::Today {
        selected_item
    } else {
        None
    });
    frame.render_stateful_widget(list, area, &mut state);
}
