//! Data quality: clients who cannot be reached, invalid phones and e-mails, stale
//! records, missing consent; each with its count and the first numbers to fix.

use crate::i18n::{tr, trf};
use crate::store::quality::QualityReport;

pub fn draw(frame: &mut ratatui::Frame<'_>, area: ratatui::layout::Rect, report: &QualityReport) {
    use super::theme;
    use ratatui::text::{Line, Span};
    use ratatui::widgets::{Block, Borders};
    let mut lines = vec![Line::from(Span::styled(
        trf("quality_tui.looked_at", &[("clients", &report.clients)]),
        theme::dim(),
    ))];
    for issue in &report.issues {
        let style = if issue.clients > 0 {
            theme::warning()
        } else {
            theme::dim()
        };
        lines.push(Line::default());
        lines.push(Line::from(Span::styled(
            format!("{} — {}", issue.issue.label(), issue.clients),
            style,
        )));
        if !issue.numbers.is_empty() {
            lines.push(Line::from(format!("  № {}", issue.numbers.join(", "))));
        }
    }
    lines.push(Line::default());
    lines.push(Line::from(Span::styled(
        tr("quality_tui.keys"),
        theme::dim(),
    )));
    super::dialog(
        frame,
        area,
        80,
        lines,
        Block::default()
            .borders(Borders::ALL)
            .title(tr("quality_tui.title"))
            .border_style(theme::focused_border()),
    );
}
