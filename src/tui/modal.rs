//! What actions do while a dialog is open: help, welcome, the client form, logging a
//! contact, archiving. Returns the dialog if it stays open.

use super::app::{archive_reasons, Action, App, Modal};
use super::dupes_view::DupesStep;
use super::entry_dialog::EntryInput;
use super::form::FormInput;
use super::import_dialog::{ImportInput, ImportStep};
use super::log_dialog::LogInput;
use super::palette::PaletteInput;
use crate::i18n::{tr, tr_value, trf};
use crate::store::activity::{NewInteraction, NextContact};
use crate::store::demo::DemoOptions;
use crate::store::Store;

fn today() -> chrono::NaiveDate {
    chrono::Local::now().date_naive()
}

pub fn update_modal(
    app: &mut App,
    modal: Modal,
    action: Action,
    store: &mut Store,
) -> Option<Modal> {
    match modal {
        Modal::Help(scroll) => match action {
            Action::Down => Some(Modal::Help(scroll.saturating_add(1))),
            Action::Up => Some(Modal::Help(scroll.saturating_sub(1))),
            _ => None,
        },
        Modal::Welcome => match action {
            Action::LoadDemo => {
                match store.load_demo(&app.viewer, DemoOptions::default(), |_| {}) {
                    Ok(summary) => {
                        app.reload_list(store);
                        app.reload_today(store);
                        app.reload_card(store);
                        app.say(trf(
                            "tui.demo_loaded",
                            &[
                                ("clients", &summary.clients),
                                ("managers", &summary.managers.join(", ")),
                            ],
                        ));
                        None
                    }
                    Err(e) => {
                        app.fail(e);
                        Some(Modal::Welcome)
                    }
                }
            }
            Action::StartImport => Some(Modal::Import(Box::default())),
            Action::NewClient => Some(Modal::AddClient(Box::default())),
            Action::Quit => {
                app.quit = true;
                None
            }
            Action::Close => None,
            _ => Some(Modal::Welcome),
        },
        Modal::AddClient(mut form) => match action {
            // Esc on typed data asks first; a second Esc throws it away.
            Action::Form(FormInput::Cancel) | Action::Close
                if form.typed_anything() && !form.discard_asked =>
            {
                form.discard_asked = true;
                form.message = Some(tr("tui.discard_ask"));
                Some(Modal::AddClient(form))
            }
            Action::Form(FormInput::Cancel) | Action::Close => {
                app.say(tr("tui.cancelled"));
                None
            }
            Action::Form(FormInput::Submit) => {
                let Some(draft) = form.draft(today()) else {
                    return Some(Modal::AddClient(form));
                };
                // A new client with a phone or e-mail one of the viewer's clients has is
                // most likely that client: said first, added on a second Enter.
                if form.editing.is_none() && !form.duplicate_warned {
                    if let Ok(Some((value, number, name))) = store
                        .clients_with_contacts_of(&app.viewer, &draft)
                        .map(|found| found.into_iter().next())
                    {
                        form.duplicate_warned = true;
                        form.message = Some(trf(
                            "tui.duplicate_contact",
                            &[("value", &value), ("number", &number), ("name", &name)],
                        ));
                        return Some(Modal::AddClient(form));
                    }
                }
                let saved = match &form.editing {
                    Some(number) => store
                        .edit_client_since(&app.viewer, number, &draft, form.version)
                        .map(|_| (number.clone(), tr_value("cli.client_saved", number))),
                    None => store
                        .add_client(&app.viewer, &draft, None)
                        .map(|number| (number.clone(), tr_value("cli.client_added", &number))),
                };
                match saved {
                    Ok((number, message)) => {
                        app.reload_list(store);
                        app.reload_today(store);
                        if let Ok(card) = store.client_card(&app.viewer, &number) {
                            app.card = Some(card);
                            app.focus = super::app::Pane::Card;
                        }
                        app.say(message);
                        None
                    }
                    Err(e) => {
                        // Nothing typed is lost: the form stays open with the message.
                        form.message = Some(e.to_string());
                        Some(Modal::AddClient(form))
                    }
                }
            }
            Action::Form(input) => {
                form.duplicate_warned = false;
                if form.discard_asked {
                    form.discard_asked = false;
                    form.message = None;
                }
                form.input(&input, today());
                Some(Modal::AddClient(form))
            }
            _ => Some(Modal::AddClient(form)),
        },
        Modal::Log(mut dialog) => match action {
            Action::LogInput(LogInput::Cancel) | Action::Close
                if dialog.typed_anything() && !dialog.discard_asked =>
            {
                dialog.discard_asked = true;
                dialog.error = Some(tr("tui.discard_ask"));
                Some(Modal::Log(dialog))
            }
            Action::LogInput(LogInput::Cancel) | Action::Close => {
                app.say(tr("tui.cancelled"));
                None
            }
            Action::LogInput(LogInput::Submit) => {
                let date = match dialog.next_date(today()) {
                    Ok(date) => date,
                    Err(message) => {
                        dialog.error = Some(message);
                        return Some(Modal::Log(dialog));
                    }
                };
                let next = date.map(|d| NextContact {
                    agreed: dialog.agreed,
                    ..NextContact::on(d)
                });
                if let (Some(next), None) = (&next, &dialog.warning) {
                    // Rule 4 warns once in the dialog; a second Enter saves anyway.
                    if let Ok(Some(w)) =
                        store.check_contact_interval(&app.viewer, &dialog.number, next, true)
                    {
                        dialog.warning = Some(w.message());
                        return Some(Modal::Log(dialog));
                    }
                }
                let mut interaction = NewInteraction::new(dialog.kind);
                interaction.outcome = crate::domain::text::clean(&dialog.outcome);
                match store.log_interaction(
                    &app.viewer,
                    &dialog.number,
                    &interaction,
                    next.as_ref(),
                ) {
                    Ok(_) => {
                        app.after_write(store, tr_value("cli.logged", &dialog.number));
                        None
                    }
                    Err(e) => {
                        dialog.error = Some(e.to_string());
                        Some(Modal::Log(dialog))
                    }
                }
            }
            Action::LogInput(input) => {
                if matches!(
                    input,
                    LogInput::Choose(_) | LogInput::ShiftChoice(_) | LogInput::ToggleAgreed
                ) {
                    dialog.warning = None;
                }
                dialog.discard_asked = false;
                dialog.input(&input);
                Some(Modal::Log(dialog))
            }
            _ => Some(Modal::Log(dialog)),
        },
        Modal::Import(mut dialog) => match action {
            Action::Import(ImportInput::Cancel) | Action::Close => {
                app.say(tr("tui.cancelled"));
                None
            }
            Action::Import(input) => match dialog.input(&input, store, &app.viewer) {
                ImportStep::Done(message) => {
                    app.after_write(store, message);
                    None
                }
                ImportStep::Open => Some(Modal::Import(dialog)),
            },
            _ => Some(Modal::Import(dialog)),
        },
        Modal::Dupes(mut view) => match action {
            Action::Dupes(input) => match view.input(&input, store, &app.viewer) {
                DupesStep::Open => Some(Modal::Dupes(view)),
                DupesStep::Closed(message) => {
                    // Merges may have happened: the list and Today are read again.
                    app.after_write(store, message.unwrap_or_default());
                    None
                }
            },
            Action::Close => None,
            _ => Some(Modal::Dupes(view)),
        },
        Modal::Filter(mut bar) => match action {
            // Naming a segment: Enter saves it, Esc goes back to the filter.
            Action::Filter(super::filter_bar::FilterInput::Cancel) if bar.naming.is_some() => {
                bar.naming = None;
                Some(Modal::Filter(bar))
            }
            Action::Filter(super::filter_bar::FilterInput::Apply) if bar.naming.is_some() => {
                let name = bar.naming.clone().unwrap_or_default();
                match store.save_segment(&app.viewer, name.trim(), bar.text.trim()) {
                    Ok(()) => {
                        app.say(tr_value("filter_tui.saved", name.trim()));
                        bar.naming = None;
                        match store.saved_segments(&app.viewer) {
                            Ok(segments) => {
                                bar.selected = segments.iter().position(|s| s.name == name.trim());
                                bar.segments = segments;
                            }
                            Err(e) => app.fail(e),
                        }
                    }
                    Err(e) => bar.error = Some(e.to_string()),
                }
                Some(Modal::Filter(bar))
            }
            Action::Filter(super::filter_bar::FilterInput::Save) => {
                match store.parse_filter(&bar.text) {
                    Ok(_) if !bar.text.trim().is_empty() => bar.naming = Some(String::new()),
                    Ok(_) => bar.error = Some(tr("filter_tui.nothing_to_save")),
                    Err(e) => bar.error = Some(e.to_string()),
                }
                Some(Modal::Filter(bar))
            }
            Action::Filter(super::filter_bar::FilterInput::Delete) => {
                if let Some(segment) = bar.selected.and_then(|i| bar.segments.get(i)).cloned() {
                    match store.delete_segment(&app.viewer, &segment.name) {
                        Ok(()) => {
                            app.say(tr_value("filter_tui.deleted", &segment.name));
                            bar.segments.retain(|s| s.name != segment.name);
                            bar.selected = None;
                        }
                        Err(e) => bar.error = Some(e.to_string()),
                    }
                }
                Some(Modal::Filter(bar))
            }
            Action::Filter(super::filter_bar::FilterInput::Cancel) | Action::Close => {
                if app.list.query.filter != bar.before {
                    app.list.query.filter = bar.before.clone();
                    app.restart_list(store);
                }
                None
            }
            Action::Filter(super::filter_bar::FilterInput::Apply) => {
                match store.parse_filter(&bar.text) {
                    Ok(filter) => {
                        app.list.query.filter = filter;
                        app.list.filter_text = bar.text.trim().to_string();
                        app.list.filter_label = bar
                            .selected
                            .and_then(|i| bar.segments.get(i))
                            .map_or_else(|| app.list.filter_text.clone(), |s| s.name.clone());
                        app.restart_list(store);
                        app.reload_card(store);
                        app.say(if app.list.filter_text.is_empty() {
                            tr("tui.all_clients")
                        } else {
                            tr_value("filter_tui.applied", &app.list.filter_text)
                        });
                        None
                    }
                    Err(e) => {
                        bar.error = Some(e.to_string());
                        Some(Modal::Filter(bar))
                    }
                }
            }
            Action::Filter(input) => {
                bar.edit(input);
                // The list and its count follow the text whenever it reads.
                if let Ok(filter) = store.parse_filter(&bar.text) {
                    if filter != app.list.query.filter {
                        app.list.query.filter = filter;
                        app.restart_list(store);
                    }
                }
                Some(Modal::Filter(bar))
            }
            _ => Some(Modal::Filter(bar)),
        },
        Modal::Conflicts(mut view) => match action {
            Action::Close => None,
            Action::Conflicts(input) => {
                match view.input(&input, store, &app.viewer) {
                    // Decided: the base changed, the panes are read again.
                    Ok(Some(message)) => app.after_write(store, message),
                    Ok(None) => {}
                    Err(e) => app.fail(e),
                }
                Some(Modal::Conflicts(view))
            }
            _ => Some(Modal::Conflicts(view)),
        },
        Modal::Quality(report) => match action {
            Action::Close => None,
            _ => Some(Modal::Quality(report)),
        },
        Modal::Reports(mut view) => match action {
            Action::Close => None,
            Action::NextTab | Action::PrevTab => {
                view.turn(action == Action::NextTab);
                Some(Modal::Reports(view))
            }
            _ => Some(Modal::Reports(view)),
        },
        Modal::Palette(mut palette) => match action {
            Action::Palette(PaletteInput::Cancel) | Action::Close => None,
            Action::Palette(input) => match palette.input(&input) {
                Some(chosen) => {
                    // The palette closes, then the command runs as if its key was pressed.
                    super::app::update(app, chosen, store);
                    app.modal.take()
                }
                None => Some(Modal::Palette(palette)),
            },
            _ => Some(Modal::Palette(palette)),
        },
        Modal::Entry(mut dialog) => match action {
            Action::Entry(EntryInput::Cancel) | Action::Close
                if dialog.typed_anything() && !dialog.discard_asked =>
            {
                dialog.discard_asked = true;
                dialog.message = Some(tr("tui.discard_ask"));
                Some(Modal::Entry(dialog))
            }
            Action::Entry(EntryInput::Cancel) | Action::Close => {
                app.say(tr("tui.cancelled"));
                None
            }
            Action::Entry(EntryInput::Submit) => match dialog.submit(store, &app.viewer, today()) {
                Some(message) => {
                    app.after_write(store, message);
                    None
                }
                None => Some(Modal::Entry(dialog)),
            },
            Action::Entry(input) => {
                if dialog.discard_asked {
                    dialog.discard_asked = false;
                    dialog.message = None;
                }
                dialog.input(&input);
                Some(Modal::Entry(dialog))
            }
            _ => Some(Modal::Entry(dialog)),
        },
        Modal::Archive {
            number,
            selected,
            mut note,
        } => {
            let last = archive_reasons().len() - 1;
            let with = |selected: usize, note: String| {
                Some(Modal::Archive {
                    number: number.clone(),
                    selected,
                    note,
                })
            };
            match action {
                Action::Close => None,
                Action::Up => with(selected.saturating_sub(1), note),
                Action::Down => with((selected + 1).min(last), note),
                Action::ArchiveChoose(i) => with(i.min(last), note),
                Action::ArchiveNote(edit) => {
                    let mut cursor = None;
                    super::text::apply(&mut note, &mut cursor, &edit);
                    with(selected, note)
                }
                Action::ArchiveConfirm => {
                    let reason = archive_reasons()[selected];
                    let words = crate::domain::text::clean(&note);
                    let note = words
                        .as_deref()
                        .filter(|_| reason == crate::domain::codes::ArchiveReason::Other);
                    match store.archive(&app.viewer, &number, reason, note) {
                        Ok(()) => {
                            app.undo = Some(super::undo::Undo::Unarchive {
                                number: number.clone(),
                            });
                            let message = format!(
                                "{} {}",
                                trf(
                                    "cli.client_archived",
                                    &[("number", &number), ("reason", &reason.label())],
                                ),
                                tr("tui.undo_hint")
                            );
                            app.after_write(store, message);
                            None
                        }
                        Err(e) => {
                            app.fail(e);
                            None
                        }
                    }
                }
                _ => with(selected, note),
            }
        }
    }
}
