//! Importing a spreadsheet from the interface: a path, then a preview of how each
//! column will be read and what would be created, merged or rejected (a dry run), and
//! only then the import itself. In the preview any column can be given another field
//! (`↑↓` pick the column, `←→` its field), and a file whose dates do not tell their
//! order is read as the user says (`o`).

use crate::domain::fields::Field;
use crate::i18n::{tr, trf};
use crate::store::import::values::DateOrder;
use crate::store::import::{ImportError, ImportOptions, ImportReport, OnDuplicate, Target};
use crate::store::{Store, Viewer};
use std::path::PathBuf;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImportInput {
    Char(char),
    Backspace,
    /// Cursor keys, Delete, word and line deletion, paste in the path.
    Edit(super::text::TextEdit),
    /// Enter: check the file, or (on the preview) import it.
    Confirm,
    /// `d`: what to do with duplicates (skip → merge → create).
    CycleDuplicates,
    /// `s`: import the good rows even when some are rejected.
    ToggleSkipInvalid,
    /// `↑` `↓`: the column whose field `←` `→` change.
    PrevColumn,
    NextColumn,
    NextTarget,
    PrevTarget,
    /// `o`: read `1/2/2024` day first, month first, or as the file shows.
    CycleDateOrder,
    Cancel,
}

/// What a column can be imported as, in the order `←→` go through them.
fn targets() -> Vec<Option<Target>> {
    let extras = [
        Target::Manager,
        Target::PhoneExtension,
        Target::TotalSpent,
        Target::OrdersCount,
        Target::LastOrderAt,
        Target::CreatedAt,
        Target::LastContactAt,
        Target::NextContactAt,
        Target::Inn,
        Target::Kpp,
        Target::Ogrn,
        Target::ConsentProcessing,
        Target::ConsentMarketing,
        Target::ExternalId,
    ];
    std::iter::once(None)
        .chain(Field::ALL.iter().map(|f| Some(Target::Field(*f))))
        .chain(extras.into_iter().map(Some))
        .collect()
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportDialog {
    pub path: String,
    /// Where the cursor is in the path (`None`: at its end).
    pub cursor: Option<usize>,
    pub on_duplicate: OnDuplicate,
    pub skip_invalid: bool,
    /// The dry run of the file as it stands; `None` until the path is confirmed.
    pub preview: Option<ImportReport>,
    pub error: Option<String>,
    /// The column of the preview the user is on.
    pub column: usize,
    /// Fields the user gave columns, by header (what `--map` does on the command line).
    pub map: Vec<(String, Target)>,
    /// How to read slashed dates, when the user said.
    pub date_order: Option<DateOrder>,
    /// The file's dates need their order said (the last check asked).
    pub asks_date_order: bool,
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
            cursor: None,
            on_duplicate: OnDuplicate::Skip,
            skip_invalid: false,
            preview: None,
            error: None,
            column: 0,
            map: Vec::new(),
            date_order: None,
            asks_date_order: false,
        }
    }

    fn options(&self, dry_run: bool) -> ImportOptions {
        ImportOptions {
            dry_run,
            skip_invalid: self.skip_invalid,
            on_duplicate: self.on_duplicate,
            map: self.map.clone(),
            date_order: self.date_order,
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
                self.asks_date_order = matches!(e, ImportError::DateOrderUnknown { .. });
                self.preview = None;
                self.error = Some(e.to_string());
            }
        }
        if self.preview.is_some() {
            self.asks_date_order = false;
        }
    }

    /// Gives the selected column the next (or previous) field, and checks again.
    fn retarget(&mut self, step: isize, store: &mut Store, viewer: &Viewer) {
        let Some(column) = self
            .preview
            .as_ref()
            .and_then(|p| {
                p.columns
                    .iter()
                    .filter(|c| !c.header.is_empty())
                    .nth(self.column)
            })
            .cloned()
        else {
            return;
        };
        let all = targets();
        let at = all.iter().position(|t| *t == column.target).unwrap_or(0) as isize;
        let next = all[(at + step).rem_euclid(all.len() as isize) as usize];
        self.map.retain(|(header, _)| *header != column.header);
        self.map
            .push((column.header, next.unwrap_or(Target::Ignore)));
        self.check(store, viewer);
    }

    fn columns(&self) -> usize {
        self.preview.as_ref().map_or(0, |p| {
            p.columns.iter().filter(|c| !c.header.is_empty()).count()
        })
    }

    pub fn input(&mut self, input: &ImportInput, store: &mut Store, viewer: &Viewer) -> ImportStep {
        match input {
            ImportInput::Char(c) if self.preview.is_none() => super::text::apply(
                &mut self.path,
                &mut self.cursor,
                &super::text::TextEdit::Insert(*c),
            ),
            ImportInput::Backspace if self.preview.is_none() => super::text::apply(
                &mut self.path,
                &mut self.cursor,
                &super::text::TextEdit::Backspace,
            ),
            ImportInput::Edit(edit) if self.preview.is_none() => {
                super::text::apply(&mut self.path, &mut self.cursor, edit)
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
            ImportInput::PrevColumn => self.column = self.column.saturating_sub(1),
            ImportInput::NextColumn => {
                self.column = (self.column + 1).min(self.columns().saturating_sub(1))
            }
            ImportInput::NextTarget => self.retarget(1, store, viewer),
            ImportInput::PrevTarget => self.retarget(-1, store, viewer),
            ImportInput::CycleDateOrder | ImportInput::Char('o') | ImportInput::Char('щ') => {
                self.date_order = match self.date_order {
                    None => Some(DateOrder::DayFirst),
                    Some(DateOrder::DayFirst) => Some(DateOrder::MonthFirst),
                    Some(_) => None,
                };
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
            ImportInput::Char(_) | ImportInput::Edit(_) | ImportInput::Cancel => {}
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

/// How many columns the preview shows at once.
const COLUMN_WINDOW: usize = 10;

fn date_order_label(order: DateOrder) -> String {
    tr(match order {
        DateOrder::DayFirst => "import_tui.day_first",
        DateOrder::MonthFirst => "import_tui.month_first",
        DateOrder::Unknown => "import_tui.order_unknown",
    })
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
    let mut lines = vec![Line::from(
        std::iter::once(Span::styled(
            format!("{}: ", tr("import_tui.file")),
            theme::dim(),
        ))
        .chain(super::text::spans(
            &dialog.path,
            dialog.cursor,
            dialog.preview.is_none(),
            theme::selected(),
        ))
        .collect::<Vec<_>>(),
    )];
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
            // A window of the columns around the one selected: an Outlook file has 92.
            let named: Vec<_> = report
                .columns
                .iter()
                .filter(|c| !c.header.is_empty())
                .collect();
            let window = COLUMN_WINDOW.min(named.len());
            let first = dialog
                .column
                .saturating_sub(window / 2)
                .min(named.len().saturating_sub(window));
            if first > 0 {
                lines.push(Line::from(Span::styled("  …", theme::dim())));
            }
            for (i, column) in named.iter().enumerate().skip(first).take(window) {
                let style = if i == dialog.column {
                    theme::selected()
                } else if matches!(column.target, None | Some(Target::Ignore)) {
                    theme::dim()
                } else {
                    ratatui::style::Style::new()
                };
                lines.push(Line::styled(
                    format!(
                        "{} {:<24} → {}",
                        if i == dialog.column { "▸" } else { " " },
                        super::fit(&column.header, 24),
                        target_label(column.target)
                    ),
                    style,
                ));
            }
            if first + window < named.len() {
                lines.push(Line::from(Span::styled(
                    trf("today.more", &[("count", &(named.len() - first - window))]),
                    theme::dim(),
                )));
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
                "{}: {}   {}: {}   {}: {}",
                tr("import_tui.duplicates"),
                duplicates_label(dialog.on_duplicate),
                tr("import_tui.skip_invalid"),
                tr(if dialog.skip_invalid {
                    "answer.yes"
                } else {
                    "answer.no"
                }),
                tr("import_tui.date_order"),
                date_order_label(dialog.date_order.unwrap_or(report.date_order)),
            )));
        }
    }
    if let Some(error) = &dialog.error {
        lines.push(Line::from(Span::styled(error.clone(), theme::error())));
    }
    lines.push(Line::default());
    let keys = if dialog.preview.is_some() {
        "import_tui.preview_keys"
    } else if dialog.asks_date_order {
        "import_tui.date_order_keys"
    } else {
        "import_tui.path_keys"
    };
    lines.push(Line::from(Span::styled(tr(keys), theme::dim())));
    let paragraph = Paragraph::new(lines).wrap(Wrap { trim: false }).block(
        Block::default()
            .borders(Borders::ALL)
            .title(tr("import_tui.title"))
            .border_style(theme::focused_border()),
    );
    // As tall as the lines take once wrapped: the keys at the end must show.
    let width = 90.min(area.width);
    let popup = super::centered(area, width, paragraph.line_count(width) as u16);
    frame.render_widget(Clear, popup);
    frame.render_widget(paragraph, popup);
}
