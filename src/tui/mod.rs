//! The terminal interface (SPEC §3): one `App` state, `Action`s, `update`, and drawing
//! as a pure function of state. One file per pane or dialog; no SQL here.

pub mod app;
mod archive_dialog;
pub mod background;
mod card;
pub mod conflicts_view;
pub mod dupes_view;
pub mod entry_dialog;
pub mod filter_bar;
pub mod form;
mod help;
pub mod import_dialog;
pub mod keymap;
mod list;
pub mod log_dialog;
mod modal;
pub mod palette;
mod quality_view;
pub mod reports_view;
pub mod text;
mod theme;
mod today;
pub mod undo;
pub mod view;
mod welcome;

use crate::store::{Store, Viewer};
use app::{update, App};
use ratatui::crossterm::event::{
    self, DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture,
    Event,
};
use ratatui::crossterm::execute;
use ratatui::layout::Rect;

/// Text cut to `width` columns with an ellipsis, never silently mid-word.
pub(crate) fn fit(text: &str, width: usize) -> String {
    use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};
    if text.width() <= width {
        return text.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for ch in text.chars() {
        let w = ch.width().unwrap_or(0);
        if used + w + 1 > width {
            break;
        }
        used += w;
        out.push(ch);
    }
    if width > 0 {
        out.push('…');
    }
    out
}

/// A rectangle of at most `width` × `height`, centred in `area`.
/// Draws a dialog centred in `area`, at most `width` wide and as tall as its lines take
/// once wrapped, so that the keys at its end always show.
pub(crate) fn dialog(
    frame: &mut ratatui::Frame<'_>,
    area: Rect,
    width: u16,
    lines: Vec<ratatui::text::Line<'_>>,
    block: ratatui::widgets::Block<'_>,
) {
    use ratatui::widgets::{Clear, Paragraph, Wrap};
    let width = width.min(area.width);
    let paragraph = Paragraph::new(lines)
        .wrap(Wrap { trim: false })
        .block(block);
    let height = (paragraph.line_count(width) as u16).min(area.height);
    let popup = centered(area, width, height);
    frame.render_widget(Clear, popup);
    frame.render_widget(paragraph, popup);
}

pub(crate) fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let width = width.min(area.width);
    let height = height.min(area.height);
    Rect {
        x: area.x + (area.width - width) / 2,
        y: area.y + (area.height - height) / 2,
        width,
        height,
    }
}

/// Runs the interface until the user quits. The terminal is restored on every exit,
/// error and panic (`ratatui::init` installs the panic hook).
pub fn run(mut store: Store, viewer: Viewer) -> anyhow::Result<()> {
    let mut app = App::load(&store, viewer, chrono::Local::now().date_naive());
    let mut terminal = ratatui::try_init()?;
    let _ = execute!(std::io::stdout(), EnableMouseCapture, EnableBracketedPaste);
    // ratatui's panic hook restores the screen but not mouse reporting.
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let _ = execute!(
            std::io::stdout(),
            DisableMouseCapture,
            DisableBracketedPaste
        );
        previous(info);
    }));
    // A replica of a team file syncs in the background, from the start.
    let mut syncer = background::Syncer::start(&store, background::EVERY);
    let mut day_started = false;
    let result = (|| -> anyhow::Result<()> {
        while !app.quit {
            terminal.draw(|frame| view::draw(frame, &app))?;
            // A new day's tiers and follow-ups, after the first frame is on screen.
            if !day_started {
                day_started = true;
                match store.start_day() {
                    Ok(run) if run != Default::default() => app.reload_today(&store),
                    Ok(_) => {}
                    Err(e) => app.fail(e),
                }
            }
            // Deferred work (the card of the selection, the list's count) is done
            // when no key is waiting, then the screen is drawn again.
            if app.unsettled() && !event::poll(std::time::Duration::ZERO)? {
                app.settle(&store);
                continue;
            }
            // Waits for a key, picking up what the background sync did meanwhile.
            let mut news = None;
            while news.is_none() && !event::poll(std::time::Duration::from_millis(200))? {
                news = syncer.as_mut().and_then(background::Syncer::try_news);
            }
            if let Some(news) = news {
                update(&mut app, app::Action::Synced(news), &mut store);
                continue;
            }
            let screen = Rect::from((ratatui::layout::Position::ORIGIN, terminal.size()?));
            let actions = match event::read()? {
                Event::Key(key) => keymap::action_for_key(&app, key).into_iter().collect(),
                Event::Mouse(mouse) => keymap::action_for_mouse(&app, mouse, screen),
                Event::Paste(text) => keymap::action_for_paste(&app, text).into_iter().collect(),
                // The next loop redraws at the new size.
                Event::Resize(_, _) => vec![],
                _ => vec![],
            };
            for action in actions {
                update(&mut app, action, &mut store);
            }
        }
        Ok(())
    })();
    if let Some(syncer) = syncer {
        // The last changes go out before the screen is given back (bounded).
        app.say(crate::i18n::tr("sync_tui.last_sync"));
        let _ = terminal.draw(|frame| view::draw(frame, &app));
        syncer.stop(background::LAST_SYNC_LIMIT);
    }
    let _ = execute!(
        std::io::stdout(),
        DisableMouseCapture,
        DisableBracketedPaste
    );
    ratatui::restore();
    result
}

#[cfg(test)]
mod tests {
    use super::fit;

    #[test]
    fn long_text_ends_with_an_ellipsis() {
        assert_eq!(fit("Романова Софья Семёновна", 16), "Романова Софья …");
        assert_eq!(fit("Li", 16), "Li");
        assert_eq!(fit("abc", 0), "");
    }
}
