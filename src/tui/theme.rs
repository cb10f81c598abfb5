//! Colours and emphasis, in one place. With `NO_COLOR` set (no-color.org) nothing is
//! coloured: emphasis stays, and what colour told apart (the selection, a key) is
//! shown reversed.

use ratatui::style::{Color, Modifier, Style};

/// Whether the user asked for no colour (`NO_COLOR` set and not empty).
pub fn no_color() -> bool {
    static NO: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *NO.get_or_init(|| std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()))
}

/// `style` as the terminal is to show it: without its colours under `NO_COLOR`,
/// reversed instead when the colour was a background.
fn paint(style: Style) -> Style {
    paint_with(style, no_color())
}

fn paint_with(style: Style, no_color: bool) -> Style {
    if !no_color {
        return style;
    }
    let reversed = style.bg.is_some();
    let mut plain = Style {
        fg: None,
        bg: None,
        ..style
    };
    if reversed {
        plain = plain.add_modifier(Modifier::REVERSED);
    }
    plain
}

pub fn title() -> Style {
    paint(Style::new().add_modifier(Modifier::BOLD))
}

pub fn focused_border() -> Style {
    paint(Style::new().fg(Color::Cyan))
}

pub fn border() -> Style {
    paint(Style::new().fg(Color::DarkGray))
}

pub fn selected() -> Style {
    paint(
        Style::new()
            .bg(Color::Blue)
            .fg(Color::White)
            .add_modifier(Modifier::BOLD),
    )
}

pub fn dim() -> Style {
    paint(Style::new().fg(Color::DarkGray))
}

pub fn error() -> Style {
    paint(Style::new().fg(Color::Red).add_modifier(Modifier::BOLD))
}

pub fn warning() -> Style {
    paint(Style::new().fg(Color::Yellow))
}

pub fn heading() -> Style {
    paint(Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD))
}

pub fn key() -> Style {
    paint(Style::new().fg(Color::Black).bg(Color::Gray))
}

pub fn status_bar() -> Style {
    paint(Style::new().bg(Color::DarkGray).fg(Color::White))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn without_colour_emphasis_stays_and_a_background_is_reversed() {
        let selected = Style::new()
            .bg(Color::Blue)
            .fg(Color::White)
            .add_modifier(Modifier::BOLD);
        let plain = paint_with(selected, true);
        assert_eq!((plain.fg, plain.bg), (None, None));
        assert!(plain
            .add_modifier
            .contains(Modifier::BOLD | Modifier::REVERSED));
        let dim = paint_with(Style::new().fg(Color::DarkGray), true);
        assert_eq!(dim, Style::new());
        assert_eq!(paint_with(selected, false), selected);
    }
}
