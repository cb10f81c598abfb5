//! Keys and mouse to actions, depending on what is open.

use super::app::{Action, App, Modal, Pane};
use super::dupes_view::DupesInput;
use super::entry_dialog::{EntryInput, EntryKind};
use super::form::FormInput;
use super::import_dialog::ImportInput;
use super::log_dialog::{LogInput, NextChoice};
use super::palette::PaletteInput;
use super::text;
use crate::domain::segments::Segment;
use ratatui::crossterm::event::{
    KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseEvent, MouseEventKind,
};
use ratatui::layout::{Position, Rect};

/// A character typed into a text, not a Ctrl or Alt shortcut (AltGr gives both and
/// types: `@`, `€` on European layouts).
fn typed(key: &KeyEvent) -> bool {
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    let alt = key.modifiers.contains(KeyModifiers::ALT);
    ctrl == alt
}

/// Pasted text goes into the text being typed, if any.
pub fn action_for_paste(app: &App, pasted: String) -> Option<Action> {
    use text::TextEdit::Paste;
    Some(match &app.modal {
        Some(Modal::AddClient(_)) => Action::Form(FormInput::Edit(Paste(pasted))),
        Some(Modal::Log(_)) => Action::LogInput(LogInput::Edit(Paste(pasted))),
        Some(Modal::Entry(_)) => Action::Entry(EntryInput::Edit(Paste(pasted))),
        Some(Modal::Palette(_)) => Action::Palette(PaletteInput::Edit(Paste(pasted))),
        Some(Modal::Filter(_)) => {
            Action::Filter(super::filter_bar::FilterInput::Edit(Paste(pasted)))
        }
        Some(Modal::Import(dialog)) if dialog.preview.is_none() => {
            Action::Import(ImportInput::Edit(Paste(pasted)))
        }
        None if app.list.searching => Action::SearchEdit(Paste(pasted)),
        _ => return None,
    })
}

pub fn action_for_key(app: &App, key: KeyEvent) -> Option<Action> {
    if key.kind == KeyEventKind::Release {
        return None;
    }
    if key.modifiers.contains(KeyModifiers::CONTROL) && key.code == KeyCode::Char('c') {
        return Some(Action::Quit);
    }
    let palette_key = key.modifiers.contains(KeyModifiers::CONTROL)
        && matches!(key.code, KeyCode::Char('k') | KeyCode::Char('л'));
    match &app.modal {
        Some(Modal::AddClient(_)) => {
            if let Some(edit) = text::edit_for(&key) {
                return Some(Action::Form(FormInput::Edit(edit)));
            }
            return Some(Action::Form(match key.code {
                KeyCode::Esc => FormInput::Cancel,
                KeyCode::Enter => FormInput::Submit,
                KeyCode::Tab | KeyCode::Down => FormInput::Next,
                KeyCode::BackTab | KeyCode::Up => FormInput::Prev,
                KeyCode::F(2) => FormInput::ToggleKind,
                KeyCode::Char(c) if typed(&key) => FormInput::Char(c),
                _ => return None,
            }));
        }
        Some(Modal::Log(_)) => {
            if let Some(edit) = text::edit_for(&key) {
                return Some(Action::LogInput(LogInput::Edit(edit)));
            }
            return Some(Action::LogInput(match key.code {
                KeyCode::Esc => LogInput::Cancel,
                KeyCode::Enter => LogInput::Submit,
                KeyCode::Tab => LogInput::NextField,
                KeyCode::F(2) => LogInput::CycleKind,
                KeyCode::F(3) => LogInput::ToggleAgreed,
                KeyCode::Up => LogInput::ShiftChoice(false),
                KeyCode::Down => LogInput::ShiftChoice(true),
                // Digits are text (an outcome may start with "2 заказа"); Alt+digit or
                // ←/→ pick the next contact.
                KeyCode::Char(c @ '0'..='5') if key.modifiers.contains(KeyModifiers::ALT) => {
                    LogInput::Choose(NextChoice::ALL[c as usize - '0' as usize])
                }
                KeyCode::Char(c) if typed(&key) => LogInput::Char(c),
                _ => return None,
            }));
        }
        Some(Modal::Import(dialog)) => {
            // Typing the path, keys edit it; on the preview they choose.
            if dialog.preview.is_none() {
                if let Some(edit) = text::edit_for(&key) {
                    return Some(Action::Import(ImportInput::Edit(edit)));
                }
            }
            return Some(Action::Import(match key.code {
                KeyCode::Esc => ImportInput::Cancel,
                KeyCode::Enter => ImportInput::Confirm,
                KeyCode::Backspace => ImportInput::Backspace,
                KeyCode::F(2) => ImportInput::CycleDuplicates,
                KeyCode::F(3) => ImportInput::ToggleSkipInvalid,
                KeyCode::Up => ImportInput::PrevColumn,
                KeyCode::Down => ImportInput::NextColumn,
                KeyCode::Right => ImportInput::NextTarget,
                KeyCode::Left => ImportInput::PrevTarget,
                KeyCode::F(4) => ImportInput::CycleDateOrder,
                KeyCode::Char(c) if typed(&key) => ImportInput::Char(c),
                _ => return None,
            }));
        }
        Some(Modal::Dupes(_)) => {
            return Some(Action::Dupes(match key.code {
                KeyCode::Esc => DupesInput::Back,
                KeyCode::Enter | KeyCode::Char('m') | KeyCode::Char('ь') => DupesInput::Confirm,
                KeyCode::Char('x') | KeyCode::Char('ч') => DupesInput::Swap,
                KeyCode::Up | KeyCode::Char('k') => DupesInput::Up,
                KeyCode::Down | KeyCode::Char('j') => DupesInput::Down,
                _ => return None,
            }))
        }
        Some(Modal::Quality(_)) => return Some(Action::Close),
        Some(Modal::Conflicts(_)) => {
            use super::conflicts_view::ConflictsInput;
            return Some(match key.code {
                KeyCode::Esc | KeyCode::Char('q') | KeyCode::Char('й') => Action::Close,
                KeyCode::Up | KeyCode::Char('k') | KeyCode::Char('л') => {
                    Action::Conflicts(ConflictsInput::Up)
                }
                KeyCode::Down | KeyCode::Char('j') | KeyCode::Char('о') => {
                    Action::Conflicts(ConflictsInput::Down)
                }
                KeyCode::Char('m') | KeyCode::Char('ь') => Action::Conflicts(ConflictsInput::Keep),
                KeyCode::Char('t') | KeyCode::Char('е') => Action::Conflicts(ConflictsInput::Take),
                _ => return None,
            });
        }
        Some(Modal::Filter(_)) => {
            use super::filter_bar::FilterInput;
            if let Some(edit) = text::edit_for(&key) {
                return Some(Action::Filter(FilterInput::Edit(edit)));
            }
            return Some(Action::Filter(match key.code {
                KeyCode::Esc => FilterInput::Cancel,
                KeyCode::Enter => FilterInput::Apply,
                KeyCode::Up => FilterInput::Up,
                KeyCode::Down => FilterInput::Down,
                KeyCode::F(2) => FilterInput::Save,
                KeyCode::F(8) => FilterInput::Delete,
                KeyCode::Char(c) if typed(&key) => FilterInput::Char(c),
                _ => return None,
            }));
        }
        Some(Modal::Reports(_)) => {
            return match key.code {
                KeyCode::Left | KeyCode::BackTab => Some(Action::PrevTab),
                KeyCode::Right | KeyCode::Tab => Some(Action::NextTab),
                KeyCode::Esc | KeyCode::Char('q') | KeyCode::Char('й') => Some(Action::Close),
                _ => None,
            }
        }
        Some(Modal::Palette(_)) => {
            if let Some(edit) = text::edit_for(&key) {
                return Some(Action::Palette(PaletteInput::Edit(edit)));
            }
            return Some(Action::Palette(match key.code {
                KeyCode::Esc => PaletteInput::Cancel,
                KeyCode::Enter => PaletteInput::Run,
                KeyCode::Up => PaletteInput::Up,
                KeyCode::Down => PaletteInput::Down,
                KeyCode::Char(c) if typed(&key) => PaletteInput::Char(c),
                _ => return None,
            }));
        }
        Some(Modal::Entry(_)) => {
            if let Some(edit) = text::edit_for(&key) {
                return Some(Action::Entry(EntryInput::Edit(edit)));
            }
            return Some(Action::Entry(match key.code {
                KeyCode::Esc => EntryInput::Cancel,
                KeyCode::Enter => EntryInput::Submit,
                KeyCode::Tab | KeyCode::Down => EntryInput::Next,
                KeyCode::BackTab | KeyCode::Up => EntryInput::Prev,
                KeyCode::Char(c) if typed(&key) => EntryInput::Char(c),
                _ => return None,
            }));
        }
        Some(Modal::Archive { selected, .. }) => {
            // "Other" takes the words of the reason: keys type them.
            let other = super::app::archive_reasons().get(*selected)
                == Some(&crate::domain::codes::ArchiveReason::Other);
            if other {
                if let Some(edit) = text::edit_for(&key) {
                    return Some(Action::ArchiveNote(edit));
                }
                if let KeyCode::Char(c) = key.code {
                    if typed(&key) {
                        return Some(Action::ArchiveNote(text::TextEdit::Insert(c)));
                    }
                }
            }
            return match key.code {
                KeyCode::Esc => Some(Action::Close),
                KeyCode::Enter => Some(Action::ArchiveConfirm),
                KeyCode::Up | KeyCode::Char('k') => Some(Action::Up),
                KeyCode::Down | KeyCode::Char('j') => Some(Action::Down),
                _ => None,
            };
        }
        Some(Modal::Welcome) => {
            return match key.code {
                KeyCode::Char('d') | KeyCode::Char('в') => Some(Action::LoadDemo),
                KeyCode::Char('i') | KeyCode::Char('ш') => Some(Action::StartImport),
                KeyCode::Char('n') | KeyCode::Char('т') => Some(Action::NewClient),
                KeyCode::Char('q') | KeyCode::Char('й') => Some(Action::Quit),
                KeyCode::Esc => Some(Action::Close),
                _ => None,
            }
        }
        Some(Modal::Help(_)) => {
            return Some(match key.code {
                KeyCode::Down | KeyCode::PageDown => Action::Down,
                KeyCode::Up | KeyCode::PageUp => Action::Up,
                _ => Action::Close,
            })
        }
        None => {}
    }
    if palette_key {
        return Some(Action::OpenPalette);
    }
    if app.list.searching {
        if let Some(edit) = text::edit_for(&key) {
            return Some(Action::SearchEdit(edit));
        }
        return match key.code {
            KeyCode::Esc => Some(Action::ClearSearch),
            KeyCode::Enter => Some(Action::SearchDone),
            KeyCode::Char(c) if typed(&key) => Some(Action::SearchInput(c)),
            KeyCode::Up => Some(Action::Up),
            KeyCode::Down => Some(Action::Down),
            _ => None,
        };
    }
    // Letters work in the Russian layout too (й = q, т = n, …).
    let action = match key.code {
        KeyCode::Char(':') | KeyCode::Char('Ж') => Action::OpenPalette,
        KeyCode::Char('q') | KeyCode::Char('й') => Action::Quit,
        KeyCode::Char('u') | KeyCode::Char('г') => Action::Undo,
        KeyCode::Tab => Action::FocusNext,
        KeyCode::BackTab => Action::FocusPrev,
        KeyCode::Up | KeyCode::Char('k') => Action::Up,
        KeyCode::Down | KeyCode::Char('j') => Action::Down,
        KeyCode::PageUp => Action::PageUp,
        KeyCode::PageDown => Action::PageDown,
        KeyCode::Home => Action::Home,
        KeyCode::End => Action::End,
        KeyCode::Enter => Action::Open,
        KeyCode::Char('/') | KeyCode::Char('.') => Action::StartSearch,
        KeyCode::Esc => Action::Back,
        KeyCode::Char('?') | KeyCode::Char(',') | KeyCode::F(1) => Action::ShowHelp,
        KeyCode::Char('n') | KeyCode::Char('т') => Action::NewClient,
        KeyCode::Char('f') | KeyCode::Char('а') => Action::OpenFilter,
        KeyCode::Char('m') | KeyCode::Char('ь') => Action::ShowReports,
        KeyCode::Char('K') | KeyCode::Char('Л') => Action::ShowConflicts,
        KeyCode::F(5) | KeyCode::Char('r') | KeyCode::Char('к') => Action::Refresh,
        KeyCode::Char('l') | KeyCode::Char('д') => Action::LogContact,
        KeyCode::Char('a') | KeyCode::Char('ф') => Action::Archive,
        KeyCode::Char('e') | KeyCode::Char('у') => Action::EditClient,
        KeyCode::Char('o') | KeyCode::Char('щ') => Action::OpenEntry(EntryKind::Order),
        KeyCode::Char('s') | KeyCode::Char('ы') => Action::OpenEntry(EntryKind::Schedule),
        KeyCode::Char('c') | KeyCode::Char('с') => Action::OpenEntry(EntryKind::Consent),
        KeyCode::Char('p') | KeyCode::Char('з') => Action::OpenEntry(EntryKind::Person),
        KeyCode::Char('[') | KeyCode::Char('х') => Action::PrevDay,
        KeyCode::Char(']') | KeyCode::Char('ъ') => Action::NextDay,
        KeyCode::Left if app.focus == Pane::Card => Action::PrevTab,
        KeyCode::Right if app.focus == Pane::Card => Action::NextTab,
        KeyCode::Left => Action::FocusPrev,
        KeyCode::Right => Action::FocusNext,
        KeyCode::Char(c @ '1'..='4') if app.focus == Pane::Today => Action::Reschedule(match c {
            '1' => NextChoice::Day,
            '2' => NextChoice::Week,
            '3' => NextChoice::Month,
            _ => NextChoice::TwoMonths,
        }),
        KeyCode::Char(c @ '0'..='6') if app.focus == Pane::List => Action::Segment(
            c.to_digit(10)
                .and_then(|d| d.checked_sub(1))
                .map(|i| Segment::ALL[i as usize]),
        ),
        _ => return None,
    };
    Some(action)
}

/// Wheel scrolls the pane under the pointer; a click focuses it and picks a row.
pub fn action_for_mouse(app: &App, mouse: MouseEvent, screen: Rect) -> Vec<Action> {
    let at = Position::new(mouse.column, mouse.row);
    let Some((pane, rect)) = super::view::pane_areas(screen)
        .into_iter()
        .find(|(pane, rect)| {
            rect.contains(at) && (screen.width >= super::view::WIDE || *pane == app.focus)
        })
    else {
        return vec![];
    };
    let mut actions = if pane != app.focus {
        vec![Action::Focus(pane)]
    } else {
        vec![]
    };
    match mouse.kind {
        MouseEventKind::ScrollUp => actions.push(Action::Up),
        MouseEventKind::ScrollDown => actions.push(Action::Down),
        MouseEventKind::Down(_) if pane == Pane::List => {
            // Border, search line and header come before the first row.
            let visible = rect.height.saturating_sub(4) as usize;
            let offset = app.list.selected.saturating_sub(visible.saturating_sub(1));
            let row = (mouse.row.saturating_sub(rect.y + 3)) as usize;
            if mouse.row >= rect.y + 3 {
                actions.push(Action::Select(offset + row));
            }
        }
        _ => {}
    }
    actions
}
