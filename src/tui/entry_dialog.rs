//! Small forms on a client: add an order, schedule a contact, record consent, add a
//! contact person. Each field is text or a choice; every problem is shown beside its
//! field and nothing is saved until all pass.

use super::text::TextEdit;
use crate::domain::codes::{ConsentForm, ConsentPurpose, OrderStatus};
use crate::domain::dates::{parse_date, parse_date_time};
use crate::domain::money::parse_amount;
use crate::i18n::{tr, tr_value};
use crate::store::activity::{ConsentRecord, NewOrder, NextContact};
use crate::store::people::NewPerson;
use crate::store::{Store, Viewer};
use chrono::NaiveDate;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryKind {
    Order,
    Schedule,
    Consent,
    Person,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EntryInput {
    Char(char),
    Backspace,
    /// Cursor keys, Delete, word and line deletion, paste in a text field.
    Edit(super::text::TextEdit),
    Next,
    Prev,
    Cycle,
    CycleBack,
    Submit,
    Cancel,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryField {
    pub label: &'static str,
    pub value: String,
    /// For a choice: the codes and the label key prefix; `value` holds the code.
    pub choices: Option<(&'static [&'static str], &'static str)>,
    pub error: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryDialog {
    pub kind: EntryKind,
    pub number: String,
    /// The client as the title names it (number and name).
    pub who: String,
    pub fields: Vec<EntryField>,
    pub focused: usize,
    /// Where the cursor is in the focused text field (`None`: at its end).
    pub cursor: Option<usize>,
    /// The values before the first key, to tell whether closing loses anything.
    pub initial: Option<Vec<String>>,
    /// Esc was pressed once on typed data: the next Esc throws it away.
    pub discard_asked: bool,
    pub message: Option<String>,
    /// The planned contact a schedule moves (from Today); none plans a new one.
    pub contact_uuid: Option<String>,
    /// Rule 4's warning was shown; the next Enter saves anyway.
    pub warned: bool,
}

fn text(label: &'static str, value: &str) -> EntryField {
    EntryField {
        label,
        value: value.to_string(),
        choices: None,
        error: None,
    }
}

fn choice(label: &'static str, codes: &'static [&'static str], prefix: &'static str) -> EntryField {
    EntryField {
        label,
        value: codes[0].to_string(),
        choices: Some((codes, prefix)),
        error: None,
    }
}

const YES_NO: &[&str] = &["no", "yes"];
const GIVEN: &[&str] = &["given", "withdrawn"];
const PURPOSES: &[&str] = &["processing", "marketing"];
const FORMS: &[&str] = &["written", "web", "verbal", "public"];
const STATUSES: &[&str] = &["completed", "new", "paid", "shipped", "cancelled"];

impl EntryDialog {
    pub fn new(kind: EntryKind, number: String) -> EntryDialog {
        let fields = match kind {
            EntryKind::Order => vec![
                text("column.amount", ""),
                text("column.date", &tr("date.today")),
                text("column.items", "1"),
                choice("column.status", STATUSES, "order_status"),
            ],
            EntryKind::Schedule => vec![
                text("column.date", &tr("date.tomorrow")),
                text("entry.purpose", ""),
                choice("entry.agreed", YES_NO, "answer"),
            ],
            EntryKind::Consent => vec![
                choice("entry.consent_purpose", PURPOSES, "consent_purpose"),
                choice("column.status", GIVEN, "consent_status"),
                choice("entry.consent_form", FORMS, "consent_form"),
                text("column.date", &tr("date.today")),
            ],
            EntryKind::Person => vec![
                text("field.name", ""),
                text("field.position", ""),
                text("column.phone", ""),
                text("field.email", ""),
                choice("entry.decision_maker", YES_NO, "answer"),
            ],
        };
        EntryDialog {
            kind,
            who: number.clone(),
            number,
            fields,
            focused: 0,
            cursor: None,
            initial: None,
            discard_asked: false,
            message: None,
            contact_uuid: None,
            warned: false,
        }
    }

    pub fn title(&self) -> String {
        let key = match self.kind {
            EntryKind::Order => "entry.order_title",
            EntryKind::Schedule => "entry.schedule_title",
            EntryKind::Consent => "entry.consent_title",
            EntryKind::Person => "entry.person_title",
        };
        tr_value(key, &self.who)
    }

    /// What a choice field shows for its current code.
    pub fn shown(field: &EntryField) -> String {
        match field.choices {
            Some((_, prefix)) => tr(&format!("{prefix}.{}", field.value)),
            None => field.value.clone(),
        }
    }

    /// Whether anything was typed that closing would lose.
    pub fn typed_anything(&self) -> bool {
        self.initial
            .as_ref()
            .is_some_and(|before| self.fields.iter().map(|f| &f.value).ne(before.iter()))
    }

    pub fn input(&mut self, input: &EntryInput) {
        if self.initial.is_none() {
            self.initial = Some(self.fields.iter().map(|f| f.value.clone()).collect());
        }
        if !matches!(input, EntryInput::Next | EntryInput::Prev) {
            self.warned = false;
        }
        let count = self.fields.len();
        let field = &mut self.fields[self.focused];
        match input {
            EntryInput::Char(' ') | EntryInput::Cycle | EntryInput::CycleBack
                if field.choices.is_some() =>
            {
                if let Some((codes, _)) = field.choices {
                    let at = codes.iter().position(|c| *c == field.value).unwrap_or(0);
                    let step = if *input == EntryInput::CycleBack {
                        codes.len() - 1
                    } else {
                        1
                    };
                    field.value = codes[(at + step) % codes.len()].to_string();
                }
            }
            EntryInput::Char(c) if field.choices.is_none() => {
                super::text::apply(&mut field.value, &mut self.cursor, &TextEdit::Insert(*c))
            }
            EntryInput::Backspace if field.choices.is_none() => {
                super::text::apply(&mut field.value, &mut self.cursor, &TextEdit::Backspace)
            }
            EntryInput::Edit(edit) if field.choices.is_none() => {
                super::text::apply(&mut field.value, &mut self.cursor, edit)
            }
            // ← → on a choice pick the previous or next one.
            EntryInput::Edit(TextEdit::Left) => self.input(&EntryInput::CycleBack),
            EntryInput::Edit(TextEdit::Right) => self.input(&EntryInput::Cycle),
            EntryInput::Next => {
                self.focused = (self.focused + 1) % count;
                self.cursor = None;
            }
            EntryInput::Prev => {
                self.focused = (self.focused + count - 1) % count;
                self.cursor = None;
            }
            _ => {}
        }
    }

    fn value(&self, label: &str) -> &str {
        self.fields
            .iter()
            .find(|f| f.label == label)
            .map_or("", |f| f.value.trim())
    }

    fn fail(&mut self, label: &str, message: String) {
        if let Some(f) = self.fields.iter_mut().find(|f| f.label == label) {
            f.error = Some(message);
        }
    }

    /// Checks the fields and writes through the store: the status message once saved,
    /// `None` while the dialog stays open with its messages.
    pub fn submit(
        &mut self,
        store: &mut Store,
        viewer: &Viewer,
        today: NaiveDate,
    ) -> Option<String> {
        for f in &mut self.fields {
            f.error = None;
        }
        self.message = None;
        let saved = match self.kind {
            EntryKind::Order => {
                let amount = parse_amount(self.value("column.amount")).map_err(|e| e.to_string());
                let date = parse_date(self.value("column.date"), today).map_err(|e| e.to_string());
                let items = self
                    .value("column.items")
                    .parse::<i64>()
                    .ok()
                    .filter(|n| *n >= 1);
                match (amount, date, items) {
                    (Ok(amount_minor), Ok(date), Some(items)) => {
                        let status = OrderStatus::from_code(self.value("column.status"))
                            .unwrap_or(OrderStatus::Completed);
                        let order = NewOrder {
                            amount_minor,
                            currency: "RUB".into(),
                            date: Some(date),
                            items,
                            status,
                        };
                        store
                            .add_order(viewer, &self.number, &order)
                            .map(|_| tr_value("entry.order_saved", &self.number))
                    }
                    (amount, date, items) => {
                        if let Err(e) = amount {
                            self.fail("column.amount", e);
                        }
                        if let Err(e) = date {
                            self.fail("column.date", e);
                        }
                        if items.is_none() {
                            let typed = self.value("column.items").to_string();
                            self.fail("column.items", tr_value("entry.items_invalid", typed));
                        }
                        return None;
                    }
                }
            }
            EntryKind::Schedule => match parse_date_time(self.value("column.date"), today) {
                Ok((date, time)) => {
                    let next = NextContact {
                        date,
                        time,
                        channel: None,
                        purpose: crate::domain::text::clean(self.value("entry.purpose")),
                        agreed: self.value("entry.agreed") == "yes",
                    };
                    // Rule 4 warns before saving; Enter again saves anyway.
                    let warning = store
                        .check_contact_interval(viewer, &self.number, &next, false)
                        .ok()
                        .flatten();
                    if let (Some(w), false) = (warning, self.warned) {
                        self.message = Some(format!("{} {}", w.message(), tr("tui.enter_again")));
                        self.warned = true;
                        return None;
                    }
                    match &self.contact_uuid {
                        Some(contact) => store.reschedule_contact(viewer, contact, &next),
                        None => store.schedule_contact(viewer, &self.number, &next),
                    }
                    .map(|_| tr_value("entry.scheduled", &self.number))
                }
                Err(e) => {
                    self.fail("column.date", e.to_string());
                    return None;
                }
            },
            EntryKind::Consent => match parse_date(self.value("column.date"), today) {
                Ok(date) => {
                    let record = ConsentRecord {
                        purpose: ConsentPurpose::from_code(self.value("entry.consent_purpose"))
                            .unwrap_or(ConsentPurpose::Processing),
                        given: self.value("column.status") == "given",
                        form: ConsentForm::from_code(self.value("entry.consent_form")),
                        date,
                        note: None,
                    };
                    store
                        .record_consent(viewer, &self.number, &record)
                        .map(|_| tr_value("cli.consent_recorded", &self.number))
                }
                Err(e) => {
                    self.fail("column.date", e.to_string());
                    return None;
                }
            },
            EntryKind::Person => {
                let person = NewPerson {
                    name: self.value("field.name").to_string(),
                    position: Some(self.value("field.position").to_string()),
                    phone: Some(self.value("column.phone").to_string()),
                    email: Some(self.value("field.email").to_string()),
                    decision_maker: self.value("entry.decision_maker") == "yes",
                };
                store
                    .add_contact_person(viewer, &self.number, &person)
                    .map(|_| tr_value("entry.person_saved", &self.number))
            }
        };
        let e = match saved {
            Ok(message) => return Some(message),
            Err(e) => e,
        };
        {
            let message = e.to_string();
            // Point at the field the store refused where it can be told.
            let field = match &e {
                crate::store::StoreError::Contact(crate::domain::contact::ContactError::Email(
                    _,
                )) => Some("field.email"),
                crate::store::StoreError::Contact(_) => Some("column.phone"),
                crate::store::StoreError::Required(_) => Some("field.name"),
                _ => None,
            };
            match field {
                Some(label) if self.fields.iter().any(|f| f.label == label) => {
                    self.fail(label, message)
                }
                _ => self.message = Some(message),
            }
        }
        None
    }
}

/// Draws the dialog, each field with its message beside it.
pub fn draw(frame: &mut ratatui::Frame<'_>, area: ratatui::layout::Rect, dialog: &EntryDialog) {
    use super::theme;
    use ratatui::text::{Line, Span};
    use ratatui::widgets::{Block, Borders};
    let mut lines = Vec::new();
    for (i, f) in dialog.fields.iter().enumerate() {
        let focused = i == dialog.focused;
        let style = if focused {
            theme::selected()
        } else {
            ratatui::style::Style::new()
        };
        let mut spans = vec![Span::styled(
            format!("{:>20}: ", tr(f.label)),
            if focused {
                theme::title()
            } else {
                theme::dim()
            },
        )];
        if f.choices.is_some() {
            spans.push(Span::styled(
                format!("‹ {} ›", EntryDialog::shown(f)),
                style,
            ));
        } else {
            spans.extend(super::text::spans(&f.value, dialog.cursor, focused, style));
        }
        lines.push(Line::from(spans));
        if let Some(error) = &f.error {
            lines.push(Line::from(Span::styled(
                format!("{:>22}{error}", ""),
                theme::error(),
            )));
        }
    }
    if let Some(message) = &dialog.message {
        lines.push(Line::from(Span::styled(message.clone(), theme::error())));
    }
    lines.push(Line::default());
    lines.push(Line::from(Span::styled(tr("entry.keys"), theme::dim())));
    super::dialog(
        frame,
        area,
        72,
        lines,
        Block::default()
            .borders(Borders::ALL)
            .title(dialog.title())
            .border_style(theme::focused_border()),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn choices_cycle_and_text_is_typed() {
        let mut d = EntryDialog::new(EntryKind::Consent, "7".into());
        assert_eq!(d.fields[0].value, "processing");
        d.input(&EntryInput::Cycle);
        assert_eq!(d.fields[0].value, "marketing");
        d.input(&EntryInput::Char('x'));
        assert_eq!(
            d.fields[0].value, "marketing",
            "typing does not change a choice"
        );
        d.input(&EntryInput::Prev);
        assert_eq!(d.focused, 3);
        d.input(&EntryInput::Backspace);
        assert_eq!(d.fields[3].value, "toda");
    }
}
