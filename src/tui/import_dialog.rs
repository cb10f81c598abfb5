//! Importing a spreadsheet from the interface: a path, then a preview of how each
//! column will be read and what would be created, merged or rejected (a dry run), and
//! only then the import itself.

use crate::i18n::{tr, trf};
use crate::store::import::{ImportOptions, ImportReport, OnDuplicate, Target};
use crate::store::{Store, Viewer};
use std::path::PathBuf;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImportInput {
    Char(char),
    Backspace,
    /// Enter: check the file, or (on the preview) import it.
    Confirm,
    /// `d`: what to do with duplicates (skip → merge → create).
    CycleDuplicates,
    /// `s`: import the good rows even when some are rejected.
    ToggleSkipInvalid,
    Cancel,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportDialog {
    pub path: String,
    pub on_duplicate: OnDuplicate,
    pub skip_invalid: bool,
    /// The dry run of the file as it stands; `None` until the path is confirmed.
    pub preview: Option<ImportReport>,
    pub error: Option<String>,
}

/// What happened when the dialog was given a key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImportStep {
    Open,
    Done(String),
}

impl ImportDialog {
    pub fn new() -> ImportDialog {
        ImportDialog {
            path: String::new(),
            on_duplicate: OnDuplicate::Skip,
            skip_invalid: false,
            preview: None,
            error: None,
        }
    }

    fn options(&self, dry_run: bool) -> ImportOptions {
        ImportOptions {
            dry_run,
            skip_invalid: self.skip_invalid,
            on_duplicate: self.on_duplicate,
            ..ImportOptions::default()
        }
    }

    fn file(&self) -> PathBuf {
        let typed = self.path.trim();
        match typed.strip_prefix("~/") {
            Some(rest) => std::env::var_os("HOME")
                .map_or_else(|| PathBuf::from(typed), |h| PathBuf::from(h).join(rest)),
            None => PathBuf::from(typed),
        }
    }

    /// Runs the dry run again with the current choices.
    fn check(&mut self, store: &mut Store, viewer: &Viewer) {
        match store.import_file(viewer, &self.file(), &self.options(true), |_| {}) {
            Ok(report) => {
                self.preview = Some(report);
                self.error = None;
            }
            Err(e) => {
                self.preview = None;
                self.error = Some(e.to_string());
            }
        }
    }

    pub fn input(&mut self, input: &ImportInput, store: &mut Store, viewer: &Viewer) -> ImportStep {
        match input {
            ImportInput::Char(c) if self.preview.is_none() => self.path.push(*c),
            ImportInput::Backspace if self.preview.is_none() => {
                self.path.pop();
            }
            ImportInput::Backspace => self.preview = None,
            ImportInput::CycleDuplicates | ImportInput::Char('d') | ImportInput::Char('в') => {
                self.on_duplicate = match self.on_duplicate {
                    OnDuplicate::Skip => OnDuplicate::Merge,
                    OnDuplicate::Merge => OnDuplicate::Create,
                    OnDuplicate::Create => OnDuplicate::Skip,
                };
                self.check(store, viewer);
            }
            ImportInput::ToggleSkipInvalid | ImportInput::Char('s') | ImportInput::Char('ы') => {
                self.skip_invalid = !self.skip_invalid;
                self.check(store, viewer);
            }
            ImportInput::Confirm if self.preview.is_none() => {
                if self.path.trim().is_empty() {
                    self.error = Some(tr("import_tui.path_required"));
                } else {
                    self.check(store, viewer);
                }
            }
            ImportInput::Confirm => {
                let blocked = self
                    .preview
                    .as_ref()
                    .is_some_and(|p| p.rejected > 0 && !self.skip_invalid);
                if blocked {
                    self.error = Some(tr("import_tui.fix_or_skip"));
                    return ImportStep::Open;
                }
                return match store.import_file(viewer, &self.file(), &self.options(false), |_| {}) {
                    Ok(report) => ImportStep::Done(trf(
                        "import_tui.done",
                        &[
                            ("created", &report.created),
                            ("merged", &report.merged),
                            ("skipped", &(report.skipped + report.rejected)),
                        ],
                    )),
                    Err(e) => {
                        self.error = Some(e.to_string());
                        ImportStep::Open
                    }
                };
            }
            ImportInput::Char(_) | ImportInput::Cancel => {}
        }
        ImportStep::Open
    }
}

impl Default for ImportDialog {
    fn default() -> Self {
        ImportDialog::new()
    }
}

/// How a column will be read, in words.
fn target_label(target: Option<Target>) -> String {
    Target::label_of(target)
}

fn duplicates_label(choice: OnDuplicate) -> String {
    tr(match choice {
        OnDuplicate::Skip => "import_tui.dup_skip",
        OnDuplicate::Merge => "import_tui.dup_merge",
        OnDuplicate::Create => "import_tui.dup_create",
    })
}

pub fn draw(frame: &mut ratatui::Frame<'_>, area: ratatui::layout::Rect, dialog: &ImportDialog) {
    use super::theme;
    use ratatui::text::{Line, Span};
    use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};
    let mut lines = vec![Line::from(vec![
        Span::styled(format!("{}: ", tr("import_tui.file")), theme::dim()),
        Span::styled(
            format!(
                "{}{}",
                dialog.path,
                if dialog.preview.is_none() { "▏" } else { "" }
            ),
            theme::selected(),
        ),
    ])];
    match &dialog.preview {
        None => {
            lines.push(Line::from(Span::styled(
                tr("import_tui.path_hint"),
                theme::dim(),
            )));
        }
        Some(report) => {
            if let Some(format) = &report.format {
                let encoding = format
                    .encoding
                    .map(|e| e.name().to_string())
                    .unwrap_or_default();
                let delimiter = format.delimiter.clone().unwrap_or_default();
                lines.push(Line::from(Span::styled(
                    trf(
                        "import_tui.format",
                        &[
                            ("kind", &format.kind),
                            ("encoding", &encoding),
                            ("delimiter", &delimiter),
                            ("line", &report.header_line),
                        ],
                    ),
                    theme::dim(),
                )));
            }
            lines.push(Line::from(Span::styled(
                tr("import_tui.columns"),
                theme::heading(),
            )));
            for column in &report.columns {
                let style = if column.target.is_none() {
                    theme::dim()
                } else {
                    ratatui::style::Style::new()
                };
                lines.push(Line::styled(
                    format!(
                        "  {:<24} → {}",
                        super::fit(&column.header, 24),
                        target_label(column.target)
                    ),
                    style,
                ));
            }
            lines.push(Line::from(Span::styled(
                trf(
                    "import_tui.counts",
                    &[
                        ("rows", &report.rows),
                        ("created", &report.created),
                        ("merged", &report.merged),
                        ("skipped", &report.skipped),
                        ("rejected", &report.rejected),
                    ],
                ),
                theme::title(),
            )));
            for problem in report.problem_lines().take(5) {
                lines.push(Line::from(Span::styled(problem, theme::error())));
            }
            if report.problems.len() > 5 {
                lines.push(Line::from(Span::styled(
                    trf("today.more", &[("count", &(report.problems.len() - 5))]),
                    theme::error(),
                )));
            }
            lines.push(Line::from(format!(
                "{}: {}   {}: {}",
                tr("import_tui.duplicates"),
                duplicates_label(dialog.on_duplicate),
                tr("import_tui.skip_invalid"),
                tr(if dialog.skip_invalid {
                    "answer.yes"
                } else {
                    "answer.no"
                })
            )));
        }
    }
    if let Some(error) = &dialog.error {
        lines.push(Line::from(Span::styled(error.clone(), theme::error())));
    }
    lines.push(Line::default());
    let keys = if dialog.preview.is_some() {
        "import_tui.preview_keys"
    } else {
        "import_tui.path_keys"
    };
    lines.push(Line::from(Span::styled(tr(keys), theme::dim())));
    let popup = super::centered(area, 90, lines.len() as u16 + 2);
    frame.render_widget(Clear, popup);
    frame.render_widget(
        Paragraph::new(lines).wrap(Wrap { trim: false }).block(
            Block::default()
                .borders(Borders::ALL)
                .title(tr("import_tui.title"))
                .border_style(theme::focused_border()),
        ),
        popup,
    );
}
