//! Editing a line of text as everywhere else (SPEC §3): ← → and Ctrl+← →, Home/End
//! and Ctrl+A/E, Backspace and Delete, Ctrl+W (word), Ctrl+U (to the start), Ctrl+K
//! (to the end), paste. The editing itself is `tui-input`'s; each text field keeps its
//! text as a `String` and its cursor beside it (`None`: at the end).

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::style::Style;
use ratatui::text::Span;
use tui_input::{Input, InputRequest};

/// One editing step of a text field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TextEdit {
    Insert(char),
    /// Pasted text (its line breaks become spaces in a one-line field).
    Paste(String),
    Left,
    Right,
    WordLeft,
    WordRight,
    Home,
    End,
    Backspace,
    Delete,
    DeleteWordBack,
    DeleteToStart,
    DeleteToEnd,
}

/// The editing key `key` is in a text field, if it is one. Plain characters are left
/// to the caller (a dialog may give some of them another meaning).
pub fn edit_for(key: &KeyEvent) -> Option<TextEdit> {
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    let alt = key.modifiers.contains(KeyModifiers::ALT);
    Some(match key.code {
        KeyCode::Left if ctrl || alt => TextEdit::WordLeft,
        KeyCode::Right if ctrl || alt => TextEdit::WordRight,
        KeyCode::Left => TextEdit::Left,
        KeyCode::Right => TextEdit::Right,
        KeyCode::Home => TextEdit::Home,
        KeyCode::End => TextEdit::End,
        KeyCode::Backspace if ctrl || alt => TextEdit::DeleteWordBack,
        KeyCode::Backspace => TextEdit::Backspace,
        KeyCode::Delete => TextEdit::Delete,
        // Ctrl with the key of the letter, on a Latin or a Russian layout.
        KeyCode::Char('a' | 'ф') if ctrl => TextEdit::Home,
        KeyCode::Char('e' | 'у') if ctrl => TextEdit::End,
        KeyCode::Char('w' | 'ц') if ctrl => TextEdit::DeleteWordBack,
        KeyCode::Char('u' | 'г') if ctrl => TextEdit::DeleteToStart,
        KeyCode::Char('k' | 'л') if ctrl => TextEdit::DeleteToEnd,
        KeyCode::Char('b' | 'и') if alt => TextEdit::WordLeft,
        KeyCode::Char('f' | 'а') if alt => TextEdit::WordRight,
        _ => return None,
    })
}

/// Applies `edit` to `text` with its cursor (characters from the start).
pub fn apply(text: &mut String, cursor: &mut Option<usize>, edit: &TextEdit) {
    let at = cursor.unwrap_or_else(|| text.chars().count());
    let mut input = Input::new(std::mem::take(text)).with_cursor(at);
    let insert = |input: &mut Input, c: char| {
        input.handle(InputRequest::InsertChar(c));
    };
    match edit {
        TextEdit::Insert(c) => insert(&mut input, *c),
        TextEdit::Paste(pasted) => {
            for c in pasted.chars() {
                insert(&mut input, if c == '\n' || c == '\r' { ' ' } else { c });
            }
        }
        TextEdit::Left => drop(input.handle(InputRequest::GoToPrevChar)),
        TextEdit::Right => drop(input.handle(InputRequest::GoToNextChar)),
        TextEdit::WordLeft => drop(input.handle(InputRequest::GoToPrevWord)),
        TextEdit::WordRight => drop(input.handle(InputRequest::GoToNextWord)),
        TextEdit::Home => drop(input.handle(InputRequest::GoToStart)),
        TextEdit::End => drop(input.handle(InputRequest::GoToEnd)),
        TextEdit::Backspace => drop(input.handle(InputRequest::DeletePrevChar)),
        TextEdit::Delete => drop(input.handle(InputRequest::DeleteNextChar)),
        TextEdit::DeleteWordBack => drop(input.handle(InputRequest::DeletePrevWord)),
        TextEdit::DeleteToStart => drop(input.handle(InputRequest::DeleteFromStart)),
        TextEdit::DeleteToEnd => drop(input.handle(InputRequest::DeleteTillEnd)),
    }
    let end = input.value().chars().count();
    let now = input.cursor();
    *text = input.value().to_string();
    *cursor = (now < end).then_some(now);
}

/// The text as spans, with the cursor drawn where it is when `focused`.
pub fn spans(text: &str, cursor: Option<usize>, focused: bool, style: Style) -> Vec<Span<'static>> {
    if !focused {
        return vec![Span::styled(text.to_string(), style)];
    }
    let at = cursor.unwrap_or(usize::MAX);
    let before: String = text.chars().take(at).collect();
    let mut rest = text.chars().skip(at);
    match rest.next() {
        // The character under the cursor, reversed, as a terminal shows a block cursor.
        Some(under) => vec![
            Span::styled(before, style),
            Span::styled(
                under.to_string(),
                style.add_modifier(ratatui::style::Modifier::REVERSED),
            ),
            Span::styled(rest.collect::<String>(), style),
        ],
        None => vec![Span::styled(before, style), Span::styled("▏", style)],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edited(start: &str, edits: &[TextEdit]) -> (String, Option<usize>) {
        let mut text = start.to_string();
        let mut cursor = None;
        for e in edits {
            apply(&mut text, &mut cursor, e);
        }
        (text, cursor)
    }

    #[test]
    fn a_city_is_replaced_not_appended_to() {
        let mut edits = vec![TextEdit::DeleteToStart];
        edits.extend("Санкт-Петербург".chars().map(TextEdit::Insert));
        assert_eq!(edited("Москва", &edits).0, "Санкт-Петербург");
    }

    #[test]
    fn the_cursor_moves_and_edits_in_the_middle() {
        use TextEdit::*;
        // Ctrl+→ goes to the start of the next word.
        let (text, cursor) = edited(
            "Иванова Анна",
            &[
                Home,
                WordRight,
                Insert('и'),
                Insert(' '),
                End,
                Left,
                Left,
                Delete,
            ],
        );
        assert_eq!(text, "Иванова и Ана");
        assert_eq!(cursor, Some(12));
        assert_eq!(edited("Иванова Анна", &[DeleteWordBack]).0, "Иванова ");
        assert_eq!(edited("Иванова Анна", &[Home, DeleteToEnd]).0, "");
        assert_eq!(
            edited("a", &[Paste("b\nc".into())]).0,
            "ab c",
            "a pasted line break is a space in one line"
        );
    }

    #[test]
    fn keys_are_edits_on_both_layouts() {
        let key = |code, modifiers| KeyEvent::new(code, modifiers);
        assert_eq!(
            edit_for(&key(KeyCode::Char('u'), KeyModifiers::CONTROL)),
            Some(TextEdit::DeleteToStart)
        );
        assert_eq!(
            edit_for(&key(KeyCode::Char('г'), KeyModifiers::CONTROL)),
            Some(TextEdit::DeleteToStart)
        );
        assert_eq!(
            edit_for(&key(KeyCode::Home, KeyModifiers::NONE)),
            Some(TextEdit::Home)
        );
        assert_eq!(edit_for(&key(KeyCode::Char('x'), KeyModifiers::NONE)), None);
    }
}
