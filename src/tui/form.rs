//! The add-client form: person and company variants, each field checked as it is
//! left and all again on save; nothing is written until every field is valid.

use super::text::TextEdit;
use crate::domain::fields::{ClientDraft, Field};
use crate::i18n::tr;
use chrono::NaiveDate;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FormInput {
    Char(char),
    Backspace,
    /// Cursor keys, Delete, word and line deletion, paste in the focused field.
    Edit(super::text::TextEdit),
    Next,
    Prev,
    ToggleKind,
    Submit,
    Cancel,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormField {
    pub field: Field,
    pub value: String,
    /// What the field held when an edit began: only changed fields are saved, so an
    /// edit never overwrites what someone else changed meanwhile in another field.
    pub original: String,
    pub error: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientForm {
    /// The number of the client being edited; `None` for a new client.
    pub editing: Option<String>,
    /// The client's name as the title shows it, when editing.
    pub name: Option<String>,
    /// Where the client's change log stood when the values were read: saving refuses
    /// when a field changed here was changed meanwhile (another process, a sync).
    pub version: Option<i64>,
    pub company: bool,
    pub fields: Vec<FormField>,
    pub focused: usize,
    /// Where the cursor is in the focused field (`None`: at its end).
    pub cursor: Option<usize>,
    /// Esc was pressed once on typed data: the next Esc throws it away.
    pub discard_asked: bool,
    /// A client with the same phone or e-mail was named: the next Enter adds anyway.
    pub duplicate_warned: bool,
    /// A problem that is not one field's (the name is missing, the store said no).
    pub message: Option<String>,
}

const PERSON_FIELDS: &[Field] = &[
    Field::Name,
    Field::Phones,
    Field::Emails,
    Field::Birthday,
    Field::City,
    Field::CallWindow,
    Field::Source,
    Field::Tags,
    Field::Notes,
];

const COMPANY_FIELDS: &[Field] = &[
    Field::Company,
    Field::Name,
    Field::Position,
    Field::Phones,
    Field::Emails,
    Field::City,
    Field::CallWindow,
    Field::Source,
    Field::Tags,
    Field::Notes,
];

impl Default for ClientForm {
    fn default() -> Self {
        ClientForm::new(false)
    }
}

impl ClientForm {
    pub fn new(company: bool) -> ClientForm {
        let fields = if company {
            COMPANY_FIELDS
        } else {
            PERSON_FIELDS
        };
        ClientForm {
            editing: None,
            name: None,
            version: None,
            company,
            fields: fields
                .iter()
                .map(|f| FormField {
                    field: *f,
                    value: String::new(),
                    original: String::new(),
                    error: None,
                })
                .collect(),
            focused: 0,
            cursor: None,
            discard_asked: false,
            duplicate_warned: false,
            message: None,
        }
    }

    /// The label of a field in this variant (a company's "name" is its contact person).
    pub fn label(&self, field: Field) -> String {
        if self.company && field == Field::Name {
            tr("tui.contact_person")
        } else {
            field.label()
        }
    }

    /// A form filled with a client's current values, to edit them.
    pub fn from_card(card: &crate::store::card::ClientCard) -> ClientForm {
        let mut form = ClientForm::new(card.kind == "company");
        form.name = Some(card.name.clone());
        let person = crate::present::person_name_as_typed(card);
        let birthday = crate::present::birthday(card);
        for f in &mut form.fields {
            f.value = match f.field {
                Field::Name => person.clone(),
                Field::Company => card.company.clone().unwrap_or_default(),
                Field::Position => card.position.clone().unwrap_or_default(),
                Field::Phones => card
                    .phones
                    .iter()
                    .map(|p| crate::domain::contact::format_phone(p))
                    .collect::<Vec<_>>()
                    .join(", "),
                Field::Emails => card.emails.join(", "),
                Field::Birthday => birthday.clone().unwrap_or_default(),
                Field::City => card.city.clone().unwrap_or_default(),
                Field::CallWindow => card
                    .call_window
                    .as_deref()
                    .and_then(|w| crate::domain::call_window::CallWindow::parse(w).ok())
                    .map(|w| w.label())
                    .unwrap_or_default(),
                Field::Source => card
                    .source
                    .as_deref()
                    .and_then(crate::domain::codes::Source::from_code)
                    .map(|s| s.label())
                    .unwrap_or_default(),
                Field::Tags => card.tags.join(", "),
                Field::Notes => card.notes.clone().unwrap_or_default(),
                _ => String::new(),
            };
        }
        for f in &mut form.fields {
            f.original = f.value.clone();
        }
        form.editing = Some(card.number.clone());
        form
    }

    /// Switches person ↔ company, keeping what was typed in fields both have.
    pub fn toggle_kind(&mut self) {
        let mut other = ClientForm::new(!self.company);
        other.editing = self.editing.clone();
        other.name = self.name.clone();
        other.version = self.version;
        for f in &mut other.fields {
            if let Some(old) = self.fields.iter().find(|o| o.field == f.field) {
                f.value = old.value.clone();
                f.original = old.original.clone();
            }
        }
        *self = other;
    }

    /// Checks the focused field, so the message appears as soon as it is left.
    pub fn check_focused(&mut self, today: NaiveDate) {
        if let Some(f) = self.fields.get_mut(self.focused) {
            f.error = f.field.normalize(&f.value, today).err().map(|e| e.message);
        }
    }

    /// The draft to save, or `None` with every problem shown beside its field.
    pub fn draft(&mut self, today: NaiveDate) -> Option<ClientDraft> {
        let mut draft = ClientDraft::default();
        draft.set(Field::Kind, if self.company { "company" } else { "person" });
        for f in &self.fields {
            // An edit sends the fields that changed (emptying one clears it); a new
            // client the fields that were filled.
            let send = match self.editing {
                Some(_) => f.value != f.original,
                None => !f.value.trim().is_empty(),
            };
            if send {
                draft.set(f.field, f.value.clone());
            }
        }
        for f in &mut self.fields {
            f.error = None;
        }
        self.message = None;
        match draft.check(today) {
            Ok(_) => {
                let named = if self.company {
                    Field::Company
                } else {
                    Field::Name
                };
                let name_index = self.fields.iter().position(|f| f.field == named);
                match name_index {
                    Some(i) if self.fields[i].value.trim().is_empty() => {
                        self.fields[i].error =
                            Some(crate::i18n::tr_value("error.required", self.label(named)));
                        self.focused = i;
                        None
                    }
                    _ => Some(draft),
                }
            }
            Err(errors) => {
                for e in errors {
                    if let Some(f) = self.fields.iter_mut().find(|f| f.field == e.field) {
                        f.error = Some(e.message);
                    }
                }
                self.focused = self
                    .fields
                    .iter()
                    .position(|f| f.error.is_some())
                    .unwrap_or(0);
                None
            }
        }
    }

    /// Whether anything was typed that closing would lose.
    pub fn typed_anything(&self) -> bool {
        self.fields.iter().any(|f| f.value != f.original)
    }

    fn edit(&mut self, edit: &TextEdit) {
        if let Some(f) = self.fields.get_mut(self.focused) {
            super::text::apply(&mut f.value, &mut self.cursor, edit);
        }
    }

    pub fn input(&mut self, input: &FormInput, today: NaiveDate) {
        let count = self.fields.len();
        match input {
            FormInput::Char(c) => self.edit(&TextEdit::Insert(*c)),
            FormInput::Backspace => self.edit(&TextEdit::Backspace),
            FormInput::Edit(edit) => self.edit(edit),
            FormInput::Next => {
                self.check_focused(today);
                self.focused = (self.focused + 1) % count;
                self.cursor = None;
            }
            FormInput::Prev => {
                self.check_focused(today);
                self.focused = (self.focused + count - 1) % count;
                self.cursor = None;
            }
            FormInput::ToggleKind => self.toggle_kind(),
            FormInput::Submit | FormInput::Cancel => {}
        }
    }
}

/// Draws the form: each field with its message beside it.
pub fn draw(frame: &mut ratatui::Frame<'_>, area: ratatui::layout::Rect, form: &ClientForm) {
    use super::theme;
    use ratatui::text::{Line, Span};
    use ratatui::widgets::{Block, Borders};
    let kind = if form.company {
        tr("kind.company")
    } else {
        tr("kind.person")
    };
    let mut lines = vec![Line::from(vec![
        Span::styled(format!("{}: ", tr("field.kind")), theme::dim()),
        Span::styled(kind, theme::title()),
        Span::styled(format!("   {}", tr("tui.form_toggle_kind")), theme::dim()),
    ])];
    lines.push(Line::default());
    for (i, f) in form.fields.iter().enumerate() {
        let focused = i == form.focused;
        let label = format!("{:>16}: ", form.label(f.field));
        let value_style = if focused {
            theme::selected()
        } else {
            ratatui::style::Style::new()
        };
        let mut spans = vec![Span::styled(
            label,
            if focused {
                theme::title()
            } else {
                theme::dim()
            },
        )];
        spans.extend(super::text::spans(
            &f.value,
            form.cursor,
            focused,
            value_style,
        ));
        lines.push(Line::from(spans));
        if let Some(error) = &f.error {
            lines.push(Line::from(Span::styled(
                format!("{:>18}{error}", ""),
                theme::error(),
            )));
        }
    }
    if let Some(message) = &form.message {
        lines.push(Line::from(Span::styled(message.clone(), theme::error())));
    }
    lines.push(Line::default());
    lines.push(Line::from(Span::styled(tr("tui.form_keys"), theme::dim())));
    let title = match &form.editing {
        Some(number) => crate::i18n::tr_value(
            "tui.edit_client",
            form.name
                .as_deref()
                .map_or_else(|| number.clone(), |n| format!("{number} · {n}")),
        ),
        None => tr("tui.new_client"),
    };
    super::dialog(
        frame,
        area,
        76,
        lines,
        Block::default()
            .borders(Borders::ALL)
            .title(title)
            .border_style(theme::focused_border()),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
    }

    fn type_text(form: &mut ClientForm, text: &str) {
        for c in text.chars() {
            form.input(&FormInput::Char(c), today());
        }
    }

    #[test]
    fn a_bad_field_shows_its_message_when_left_and_blocks_saving() {
        let mut form = ClientForm::new(false);
        type_text(&mut form, "Ёлкина Пелагея");
        form.input(&FormInput::Next, today());
        type_text(&mut form, "8916abc4567");
        form.input(&FormInput::Next, today());
        assert!(form.fields[1]
            .error
            .as_deref()
            .unwrap()
            .contains("8916abc4567"));
        assert!(form.draft(today()).is_none());
        assert_eq!(form.focused, 1);
    }

    #[test]
    fn a_missing_name_is_required_and_a_valid_form_gives_a_draft() {
        let mut form = ClientForm::new(false);
        assert!(form.draft(today()).is_none());
        assert!(form.fields[0].error.is_some());
        type_text(&mut form, "Иванов Иван");
        let draft = form.draft(today()).unwrap();
        assert!(draft
            .values
            .iter()
            .any(|(f, v)| *f == Field::Name && v == "Иванов Иван"));
    }

    #[test]
    fn switching_to_company_keeps_shared_fields() {
        let mut form = ClientForm::new(false);
        type_text(&mut form, "Иванов Иван");
        form.input(&FormInput::ToggleKind, today());
        assert!(form.company);
        let name = form.fields.iter().find(|f| f.field == Field::Name).unwrap();
        assert_eq!(name.value, "Иванов Иван");
    }
}
