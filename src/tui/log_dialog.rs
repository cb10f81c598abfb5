//! Logging the outcome of a contact: what happened, and when to call next
//! (+1d, +1w, +1m, +2m or a typed date). Rule 4 warns here, before saving.

use super::text::TextEdit;
use crate::domain::codes::InteractionKind;
use crate::domain::dates::parse_date;
use chrono::{Months, NaiveDate};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NextChoice {
    None,
    Day,
    Week,
    Month,
    TwoMonths,
    Date,
}

impl NextChoice {
    pub const ALL: [NextChoice; 6] = [
        NextChoice::None,
        NextChoice::Day,
        NextChoice::Week,
        NextChoice::Month,
        NextChoice::TwoMonths,
        NextChoice::Date,
    ];

    /// The day this choice means, counted from `today` (`None` for no contact or for a
    /// date still to be typed).
    pub fn date_from(self, today: NaiveDate) -> Option<NaiveDate> {
        match self {
            NextChoice::None | NextChoice::Date => None,
            NextChoice::Day => Some(today + chrono::Duration::days(1)),
            NextChoice::Week => Some(today + chrono::Duration::days(7)),
            NextChoice::Month => today.checked_add_months(Months::new(1)),
            NextChoice::TwoMonths => today.checked_add_months(Months::new(2)),
        }
    }

    pub fn key(self) -> &'static str {
        match self {
            NextChoice::None => "tui.next_none",
            NextChoice::Day => "tui.next_day",
            NextChoice::Week => "tui.next_week",
            NextChoice::Month => "tui.next_month",
            NextChoice::TwoMonths => "tui.next_two_months",
            NextChoice::Date => "tui.next_date",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LogInput {
    Char(char),
    Backspace,
    /// Cursor keys, Delete, word and line deletion, paste in the field typed in.
    Edit(super::text::TextEdit),
    NextField,
    Choose(NextChoice),
    /// ↑ / ↓: the previous or next choice of the next contact.
    ShiftChoice(bool),
    CycleKind,
    ToggleAgreed,
    Submit,
    Cancel,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogField {
    Outcome,
    Date,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogDialog {
    pub number: String,
    /// The client as the title names it (number and name).
    pub who: String,
    pub contact_uuid: Option<String>,
    pub kind: InteractionKind,
    pub outcome: String,
    pub next: NextChoice,
    pub date_text: String,
    pub agreed: bool,
    pub field: LogField,
    /// Where the cursor is in the field typed in (`None`: at its end).
    pub cursor: Option<usize>,
    /// Esc was pressed once on typed data: the next Esc throws it away.
    pub discard_asked: bool,
    pub error: Option<String>,
    pub warning: Option<String>,
}

impl LogDialog {
    pub fn new(number: String, contact_uuid: Option<String>) -> LogDialog {
        LogDialog {
            who: number.clone(),
            number,
            contact_uuid,
            kind: InteractionKind::Call,
            outcome: String::new(),
            next: NextChoice::Week,
            date_text: String::new(),
            agreed: false,
            field: LogField::Outcome,
            cursor: None,
            discard_asked: false,
            error: None,
            warning: None,
        }
    }

    /// Whether anything was typed that closing would lose.
    pub fn typed_anything(&self) -> bool {
        !self.outcome.trim().is_empty() || !self.date_text.trim().is_empty()
    }

    /// The day of the next contact, or an error naming what was typed.
    pub fn next_date(&self, today: NaiveDate) -> Result<Option<NaiveDate>, String> {
        match self.next {
            NextChoice::Date => Ok(Some(
                parse_date(&self.date_text, today).map_err(|e| e.to_string())?,
            )),
            other => Ok(other.date_from(today)),
        }
    }

    pub fn input(&mut self, input: &LogInput) {
        let text = match self.field {
            LogField::Outcome => &mut self.outcome,
            LogField::Date => &mut self.date_text,
        };
        let field = self.field;
        match input {
            LogInput::Char(c) => super::text::apply(text, &mut self.cursor, &TextEdit::Insert(*c)),
            LogInput::Backspace => super::text::apply(text, &mut self.cursor, &TextEdit::Backspace),
            LogInput::Edit(edit) => super::text::apply(text, &mut self.cursor, edit),
            LogInput::NextField => {
                self.field = match self.field {
                    LogField::Outcome if self.next == NextChoice::Date => LogField::Date,
                    _ => LogField::Outcome,
                }
            }
            LogInput::Choose(choice) => {
                self.next = *choice;
                self.field = if *choice == NextChoice::Date {
                    LogField::Date
                } else {
                    LogField::Outcome
                };
            }
            LogInput::ShiftChoice(forward) => {
                let all = NextChoice::ALL;
                let at = all.iter().position(|c| *c == self.next).unwrap_or(0);
                let to = if *forward {
                    (at + 1) % all.len()
                } else {
                    (at + all.len() - 1) % all.len()
                };
                return self.input(&LogInput::Choose(all[to]));
            }
            LogInput::CycleKind => {
                let all = InteractionKind::ALL;
                let at = all.iter().position(|k| *k == self.kind).unwrap_or(0);
                self.kind = all[(at + 1) % all.len()];
            }
            LogInput::ToggleAgreed => self.agreed = !self.agreed,
            LogInput::Submit | LogInput::Cancel => {}
        }
        if self.field != field {
            self.cursor = None;
        }
        self.error = None;
    }
}

/// Draws the dialog: kind, outcome, the next-contact choices, warnings.
pub fn draw(frame: &mut ratatui::Frame<'_>, area: ratatui::layout::Rect, dialog: &LogDialog) {
    use super::theme;
    use crate::i18n::{tr, tr_value};
    use ratatui::text::{Line, Span};
    use ratatui::widgets::{Block, Borders};
    let mut lines = vec![
        Line::from(vec![
            Span::styled(format!("{}: ", tr("column.kind")), theme::dim()),
            Span::styled(dialog.kind.label(), theme::title()),
            Span::styled(format!("   {}", tr("tui.log_cycle_kind")), theme::dim()),
        ]),
        Line::from(
            std::iter::once(Span::styled(
                format!("{}: ", tr("column.outcome")),
                theme::dim(),
            ))
            .chain(super::text::spans(
                &dialog.outcome,
                dialog.cursor,
                dialog.field == LogField::Outcome,
                theme::selected(),
            ))
            .collect::<Vec<_>>(),
        ),
        Line::default(),
        Line::from(Span::styled(tr("tui.next_contact"), theme::heading())),
    ];
    let choices: Vec<Span<'static>> = NextChoice::ALL
        .iter()
        .enumerate()
        .flat_map(|(i, c)| {
            let style = if *c == dialog.next {
                theme::selected()
            } else {
                ratatui::style::Style::new()
            };
            [
                Span::styled(format!(" {}:{} ", i, tr(c.key())), style),
                Span::raw(" "),
            ]
        })
        .collect();
    lines.push(Line::from(choices));
    if dialog.next == NextChoice::Date {
        let mut spans = vec![Span::styled(
            format!("{}: ", tr("column.date")),
            theme::dim(),
        )];
        spans.extend(super::text::spans(
            &dialog.date_text,
            dialog.cursor,
            dialog.field == LogField::Date,
            theme::selected(),
        ));
        lines.push(Line::from(spans));
    }
    let agreed = if dialog.agreed { "[x]" } else { "[ ]" };
    lines.push(Line::from(format!("{agreed} {}", tr("tui.agreed"))));
    if let Some(error) = &dialog.error {
        lines.push(Line::from(Span::styled(error.clone(), theme::error())));
    }
    if let Some(warning) = &dialog.warning {
        lines.push(Line::from(Span::styled(warning.clone(), theme::warning())));
        lines.push(Line::from(Span::styled(
            tr("tui.enter_again"),
            theme::warning(),
        )));
    }
    lines.push(Line::default());
    lines.push(Line::from(Span::styled(tr("tui.log_keys"), theme::dim())));
    super::dialog(
        frame,
        area,
        76,
        lines,
        Block::default()
            .borders(Borders::ALL)
            .title(tr_value("tui.log_title", &dialog.who))
            .border_style(theme::focused_border()),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_contact_choices() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        let mut d = LogDialog::new("1".into(), None);
        assert_eq!(
            d.next_date(today),
            Ok(NaiveDate::from_ymd_opt(2026, 11, 30))
        );
        d.input(&LogInput::Choose(NextChoice::TwoMonths));
        assert_eq!(d.next_date(today), Ok(NaiveDate::from_ymd_opt(2027, 1, 23)));
        d.input(&LogInput::Choose(NextChoice::Date));
        for c in "31.02.2027".chars() {
            d.input(&LogInput::Char(c));
        }
        assert!(d.next_date(today).unwrap_err().contains("31.02.2027"));
    }
}
