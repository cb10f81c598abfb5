//! The selected client: Profile · History · Orders · Tasks · Consent.

use super::app::{App, CardTab};
use super::theme;
use crate::domain::codes::{ConsentForm, ConsentPurpose, OrderStatus};
use crate::domain::contact::format_phone;
use crate::domain::dates::format_date;
use crate::domain::money::format_money;
use crate::i18n::{language, tr};
use crate::store::card::ClientCard;
use chrono::{DateTime, Local, NaiveDate, Utc};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Tabs, Wrap};
use ratatui::Frame;

fn when(at: DateTime<Utc>) -> String {
    let local = at.with_timezone(&Local);
    format!(
        "{} {}",
        format_date(local.date_naive(), language()),
        local.format("%H:%M")
    )
}

fn day(at: DateTime<Utc>) -> String {
    format_date(at.with_timezone(&Local).date_naive(), language())
}

/// The client's next planned contact, in a line under the name: what the next key
/// (log, reschedule) acts on, without opening the Tasks tab.
fn next_contact(card: &ClientCard) -> Line<'static> {
    let next = card
        .tasks
        .iter()
        .filter(|t| t.done_at.is_none())
        .min_by_key(|t| t.due_at);
    let value = match next {
        Some(t) => {
            let at = if t.has_time {
                when(t.due_at)
            } else {
                day(t.due_at)
            };
            let late = t.due_at < Utc::now() && (t.has_time || day(t.due_at) != day(Utc::now()));
            let mut text = at;
            if let Some(purpose) = t.purpose.as_deref().filter(|p| !p.is_empty()) {
                text.push_str(&format!(" · {purpose}"));
            }
            if late {
                text.push_str(&format!(" · {}", tr("card.overdue")));
            }
            text
        }
        None => tr("card.no_next_contact"),
    };
    Line::from(vec![
        Span::styled(format!("{}: ", tr("card.next_contact")), theme::dim()),
        Span::styled(value, theme::heading()),
    ])
}

fn profile(card: &ClientCard) -> Vec<Line<'static>> {
    let mut lines = vec![
        Line::from(Span::styled(card.name.clone(), theme::title())),
        next_contact(card),
    ];
    for (label, value) in crate::present::profile_fields(card) {
        lines.push(Line::from(vec![
            Span::styled(format!("{label}: "), theme::dim()),
            Span::raw(value),
        ]));
    }
    if !card.people.is_empty() {
        lines.push(Line::from(Span::styled(
            tr("card.people"),
            theme::heading(),
        )));
        for p in &card.people {
            let mark = if p.decision_maker {
                format!(" ★ {}", tr("card.decision_maker"))
            } else {
                String::new()
            };
            let contacts = [
                p.position.clone(),
                p.phone.as_deref().map(format_phone),
                p.email.clone(),
            ]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(", ");
            lines.push(Line::from(vec![
                Span::styled(p.name.clone(), theme::title()),
                Span::raw(mark),
            ]));
            if !contacts.is_empty() {
                lines.push(Line::from(Span::styled(
                    format!("  {contacts}"),
                    theme::dim(),
                )));
            }
        }
    }
    lines
}

fn history(card: &ClientCard) -> Vec<Line<'static>> {
    let entries = crate::present::history_entries(card);
    if entries.is_empty() {
        return vec![Line::from(Span::styled(
            tr("tui.nothing_yet"),
            theme::dim(),
        ))];
    }
    entries
        .into_iter()
        .map(|e| {
            let who = e.who.map(|w| format!("{w} · ")).unwrap_or_default();
            Line::from(vec![
                Span::styled(format!("{} {who}", when(e.at)), theme::dim()),
                Span::styled(e.what, theme::title()),
                Span::raw(if e.text.is_empty() {
                    String::new()
                } else {
                    format!(" {}", e.text)
                }),
            ])
        })
        .collect()
}

fn orders(card: &ClientCard) -> Vec<Line<'static>> {
    let lang = language();
    if card.orders.is_empty() {
        return vec![Line::from(Span::styled(
            tr("tui.nothing_yet"),
            theme::dim(),
        ))];
    }
    card.orders
        .iter()
        .map(|o| {
            let status = OrderStatus::from_code(&o.status).map_or(o.status.clone(), |s| s.label());
            Line::from(format!(
                "{}  {:>14}  ×{}  {status}",
                day(o.ordered_at),
                format_money(o.amount_minor, &o.currency, lang),
                o.items
            ))
        })
        .collect()
}

fn tasks(card: &ClientCard) -> Vec<Line<'static>> {
    if card.tasks.is_empty() {
        return vec![Line::from(Span::styled(
            tr("tui.nothing_yet"),
            theme::dim(),
        ))];
    }
    card.tasks
        .iter()
        .map(|t| {
            let at = if t.has_time {
                when(t.due_at)
            } else {
                day(t.due_at)
            };
            let mark = if t.done_at.is_some() { "✓" } else { "•" };
            let style = if t.done_at.is_some() {
                theme::dim()
            } else {
                ratatui::style::Style::new()
            };
            Line::styled(
                format!("{mark} {at}  {}", t.purpose.clone().unwrap_or_default()),
                style,
            )
        })
        .collect()
}

fn consents(card: &ClientCard) -> Vec<Line<'static>> {
    if card.consents.is_empty() {
        return vec![Line::from(Span::styled(
            tr("tui.no_consent"),
            theme::warning(),
        ))];
    }
    card.consents
        .iter()
        .map(|c| {
            let purpose =
                ConsentPurpose::from_code(&c.purpose).map_or(c.purpose.clone(), |p| p.label());
            let form = c
                .form
                .as_deref()
                .and_then(ConsentForm::from_code)
                .map(|f| f.label())
                .unwrap_or_default();
            let status = tr(&format!("tui.consent_{}", c.status));
            let date = NaiveDate::parse_from_str(&c.date, "%Y-%m-%d")
                .map(|d| format_date(d, language()))
                .unwrap_or_default();
            Line::from(format!("{date}  {purpose}: {status}  {form}"))
        })
        .collect()
}

pub fn draw(frame: &mut Frame<'_>, area: Rect, app: &App, block: Block<'_>) {
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let Some(card) = &app.card else {
        frame.render_widget(
            Paragraph::new(tr("tui.no_client_selected")).style(theme::dim()),
            inner,
        );
        return;
    };
    let [tabs_area, body] =
        Layout::vertical([Constraint::Length(1), Constraint::Min(1)]).areas(inner);
    let titles: Vec<String> = CardTab::ALL.iter().map(|t| tr(t.key())).collect();
    let selected = CardTab::ALL
        .iter()
        .position(|t| *t == app.card_tab)
        .unwrap_or(0);
    let full_width: usize = titles.iter().map(|t| t.chars().count() + 3).sum();
    if full_width <= tabs_area.width as usize {
        let tabs = Tabs::new(titles)
            .select(selected)
            .highlight_style(theme::heading())
            .divider("·");
        frame.render_widget(tabs, tabs_area);
    } else {
        // Too narrow for every tab: the current one and where it stands.
        let label = format!("‹ {} {}/{} ›", titles[selected], selected + 1, titles.len());
        frame.render_widget(
            Paragraph::new(Span::styled(label, theme::heading())),
            tabs_area,
        );
    }
    let lines = match app.card_tab {
        CardTab::Profile => profile(card),
        CardTab::History => history(card),
        CardTab::Orders => orders(card),
        CardTab::Tasks => tasks(card),
        CardTab::Consent => consents(card),
    };
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .scroll((app.card_scroll, 0)),
        body,
    );
}
