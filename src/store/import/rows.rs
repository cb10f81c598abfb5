//! One spreadsheet row → one client, and nothing lost (SPEC §5): every value is read
//! as the tool that wrote the file writes it and checked by the same rules as
//! `client add` ([`Field::normalize`]). A value that cannot be read costs only
//! itself: the client is imported, the raw value is kept in its notes and named in
//! the report (`file:line: column: problem`). Only a row without any name is
//! rejected. A totals row (`Итого:`) is no client at all.

use super::headers::{Column, Target};
use super::values::{means_nothing, read_birthday, read_consent, read_moment, DateOrder};
use crate::domain::codes::{ClientKind, ConsentPurpose, Gender, OrderStatus, Source};
use crate::domain::contact::{normalize_email, normalize_phone, phone_parts};
use crate::domain::fields::{split_list, CheckedDraft, ClientDraft, Field};
use crate::domain::money::{parse_amount, MAX_ITEMS};
use crate::domain::text::{clean, clean_lines, fold, spreadsheet_unescape, MAX_TEXT_CHARS};
use crate::i18n::{tr, tr_in, tr_value, Lang};
use crate::store::activity::local_instant;
use chrono::NaiveDate;
use csv::StringRecord;
use std::collections::HashMap;

/// A problem with one cell (or one row): `file:line: column: what is wrong`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Problem {
    pub line: u64,
    pub column: String,
    pub message: String,
    /// The row was imported all the same, the value kept in the client's notes.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub kept: bool,
}

/// An order as the file gives it (the `orders` column of this program's export).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderIn {
    pub at_ms: i64,
    pub amount_minor: i64,
    pub currency: String,
    pub items: i64,
    pub status: OrderStatus,
}

/// Purchases a file counts without listing them (`Количество покупок`, `Сумма, руб.`,
/// `Дата последней покупки`): kept as they are, as history, never as made-up orders.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct History {
    pub orders: i64,
    pub spent_minor: i64,
    pub last_order_at: Option<i64>,
}

/// A row read, with what it could not keep as fields.
#[derive(Debug, Clone, Default)]
pub struct ImportRow {
    pub line: u64,
    pub kind: String,
    pub draft: CheckedDraft,
    /// The responsible manager as the file names them: a login or a full name.
    pub manager: Option<String>,
    pub orders: Vec<OrderIn>,
    pub history: Option<History>,
    pub created_at: Option<i64>,
    pub last_contact_at: Option<i64>,
    /// When to contact next, and whether a time of day was given.
    pub next_contact: Option<(i64, bool)>,
    pub inn: Option<String>,
    pub kpp: Option<String>,
    pub ogrn: Option<String>,
    pub bik: Option<String>,
    pub bank_account: Option<String>,
    pub bank_name: Option<String>,
    pub consents: Vec<(ConsentPurpose, NaiveDate)>,
    /// The person named on a company's row (an address book's company card).
    pub contact_person: Option<(String, Option<String>)>,
    /// Values that could not be read: in the client's notes, and in the report.
    pub kept: Vec<Problem>,
}

impl ImportRow {
    /// Whether the row gives any of the company's requisites.
    pub fn has_requisites(&self) -> bool {
        [
            &self.inn,
            &self.kpp,
            &self.ogrn,
            &self.bik,
            &self.bank_account,
            &self.bank_name,
        ]
        .iter()
        .any(|v| v.is_some())
    }

    pub fn text(&self, field: Field) -> Option<&str> {
        self.draft.text(field).flatten()
    }

    pub fn list(&self, field: Field) -> &[String] {
        self.draft.list(field).unwrap_or(&[])
    }

    /// A note for the client from what the import could not place elsewhere.
    pub fn add_note(&mut self, note: &str) {
        let notes = match self.text(Field::Notes) {
            Some(existing) => format!("{existing}\n{note}"),
            None => note.to_string(),
        };
        self.draft.values.retain(|(f, _)| *f != Field::Notes);
        self.draft.values.push((
            Field::Notes,
            crate::domain::fields::Value::Text(Some(notes)),
        ));
    }
}

/// What a row is.
#[derive(Debug, Clone)]
pub enum RowRead {
    /// Nothing in it.
    Empty,
    /// `Итого:` — the sum of the rows above, not a client.
    Totals,
    Row(Box<ImportRow>),
}

/// Whether a value is one of the words of a string-table list (in either language).
fn listed(key: &str, value: &str) -> bool {
    let value = fold(value.trim());
    [Lang::Ru, Lang::En].iter().any(|lang| {
        tr_in(*lang, key)
            .split(',')
            .any(|word| fold(word.trim()) == value)
    })
}

/// A name that is a company's: it starts with a legal form (`ООО «Вектор Плюс»`).
fn is_company_name(name: &str) -> bool {
    let first = fold(name)
        .split([' ', '«', '"'])
        .next()
        .unwrap_or("")
        .to_string();
    listed("import.legal_forms", &first)
}

/// A totals row: one of its first cells says so (`Итого:`, `Всего`, `Total`).
fn is_totals(record: &StringRecord) -> bool {
    record
        .iter()
        .filter(|c| !c.trim().is_empty())
        .take(3)
        .any(|cell| {
            let word = fold(cell.trim());
            let word = word.split_whitespace().next().unwrap_or("");
            listed("import.totals_words", word.trim_end_matches([':', '.']))
        })
}

/// Several values in one cell, as the tools separate them: `,` `;` new lines, and
/// Google's ` ::: `.
fn items(raw: &str) -> Vec<String> {
    raw.split(":::")
        .flat_map(|part| split_list(part).collect::<Vec<_>>())
        .collect()
}

pub struct RowReader<'c> {
    columns: &'c [Column],
    today: NaiveDate,
    dates: DateOrder,
    /// Checks of values that repeat down a file (a source, a gender, a city).
    checked: HashMap<(Field, String), Result<Option<String>, String>>,
}

/// What a row gathers before it becomes a client.
#[derive(Default)]
struct Gathered {
    single: Vec<(Field, String)>,
    phones: Vec<String>,
    emails: Vec<String>,
    tags: Vec<String>,
    notes: Vec<String>,
    extension: Option<String>,
    spent: Option<i64>,
    count: Option<i64>,
    last_order: Option<i64>,
    /// Values kept in the notes, with the problem they had (none for a value that
    /// merely had no field of its own).
    kept: Vec<(String, Option<Problem>)>,
}

impl<'c> RowReader<'c> {
    pub fn new(columns: &'c [Column], today: NaiveDate, dates: DateOrder) -> RowReader<'c> {
        RowReader {
            columns,
            today,
            dates,
            checked: HashMap::new(),
        }
    }

    /// Reads a row.
    pub fn read(&mut self, line: u64, record: &StringRecord) -> Result<RowRead, Vec<Problem>> {
        if record.iter().all(|cell| cell.trim().is_empty()) {
            return Ok(RowRead::Empty);
        }
        if is_totals(record) {
            return Ok(RowRead::Totals);
        }
        let mut row = ImportRow {
            line,
            ..ImportRow::default()
        };
        let mut got = Gathered::default();
        for column in self.columns {
            let Some(target) = column.target else {
                continue;
            };
            let raw = spreadsheet_unescape(record.get(column.index).unwrap_or("")).trim();
            if raw.is_empty() {
                continue;
            }
            self.cell(line, column, target, raw, &mut row, &mut got);
        }
        self.finish(line, row, got)
    }

    fn problem(line: u64, column: &Column, message: String) -> Problem {
        Problem {
            line,
            column: column.header.clone(),
            message,
            kept: true,
        }
    }

    /// Keeps a value that could not be read in the notes, with its problem.
    fn keep(line: u64, column: &Column, raw: &str, message: String, got: &mut Gathered) {
        got.kept.push((
            format!("{}: {raw}", column.header),
            Some(Self::problem(line, column, message)),
        ));
    }

    fn cell(
        &mut self,
        line: u64,
        column: &Column,
        target: Target,
        raw: &str,
        row: &mut ImportRow,
        got: &mut Gathered,
    ) {
        let (today, dates) = (self.today, self.dates);
        let moment = |raw: &str| -> Result<Option<(i64, bool)>, String> {
            Ok(read_moment(raw, dates, today)?
                .map(|(date, time, timed)| (local_instant(date, time).timestamp_millis(), timed)))
        };
        match target {
            Target::Field(Field::Phones | Field::Emails) => {
                let is_phone = target == Target::Field(Field::Phones);
                for item in items(raw) {
                    let normalized = if is_phone {
                        normalize_phone(&item)
                    } else {
                        normalize_email(&item)
                    };
                    match normalized {
                        Ok(value) if is_phone && !got.phones.contains(&value) => {
                            got.phones.push(value)
                        }
                        Ok(value) if !is_phone && !got.emails.contains(&value) => {
                            got.emails.push(value)
                        }
                        Ok(_) => {}
                        Err(e) => Self::keep(line, column, &item, e.to_string(), got),
                    }
                }
            }
            Target::Field(Field::Tags) => {
                // Google marks its own groups with `* ` (`* myContacts`, `* starred`).
                for tag in items(raw).into_iter().filter(|t| !t.starts_with('*')) {
                    let tag = fold(&tag);
                    if !got.tags.contains(&tag) {
                        got.tags.push(tag);
                    }
                }
            }
            Target::Field(Field::Notes) => got.notes.extend(clean_lines(raw)),
            Target::Field(field) => self.single(line, column, field, raw, got),
            Target::PhoneExtension => {
                let digits: String = raw.chars().filter(|c| c.is_ascii_digit()).collect();
                if digits.is_empty() || digits.len() > 6 {
                    Self::keep(line, column, raw, tr_value("error.phone_invalid", raw), got);
                } else {
                    got.extension.get_or_insert(digits);
                }
            }
            Target::Manager => row.manager = row.manager.take().or_else(|| clean(raw)),
            Target::TotalSpent => match parse_amount(raw) {
                Ok(v) => got.spent = Some(got.spent.unwrap_or(0).saturating_add(v)),
                Err(e) => Self::keep(line, column, raw, e.to_string(), got),
            },
            Target::OrdersCount => match raw.replace([' ', '\u{a0}'], "").parse::<f64>() {
                Ok(v) if v >= 0.0 && v.fract() == 0.0 && v < 1e9 => got.count = Some(v as i64),
                _ => Self::keep(line, column, raw, tr_value("import.bad_count", raw), got),
            },
            Target::LastOrderAt => match moment(raw) {
                Ok(at) => got.last_order = got.last_order.max(at.map(|(at, _)| at)),
                Err(e) => Self::keep(line, column, raw, e, got),
            },
            Target::Orders => match parse_orders(raw, today) {
                Ok(orders) => row.orders = orders,
                Err(e) => Self::keep(line, column, raw, e, got),
            },
            Target::CreatedAt | Target::LastContactAt | Target::NextContactAt => {
                match moment(raw) {
                    Ok(Some((at, timed))) => match target {
                        Target::CreatedAt => row.created_at = row.created_at.or(Some(at)),
                        Target::LastContactAt => {
                            row.last_contact_at = row.last_contact_at.max(Some(at))
                        }
                        _ => row.next_contact = row.next_contact.or(Some((at, timed))),
                    },
                    Ok(None) => {}
                    Err(e) => Self::keep(line, column, raw, e, got),
                }
            }
            // Requisites as the tax service and the banks check them: a wrong one is
            // kept in the notes and named in the report, not stored as a requisite.
            Target::Inn | Target::Kpp | Target::Ogrn | Target::Bik | Target::BankAccount => {
                use crate::domain::requisites;
                let read = match target {
                    Target::Inn => requisites::inn(raw),
                    Target::Kpp => requisites::kpp(raw),
                    Target::Ogrn => requisites::ogrn(raw),
                    Target::Bik => requisites::bik(raw),
                    // Its key is checked with the БИК once the row is read.
                    _ => requisites::account_digits(raw),
                };
                match read {
                    Ok(value) => {
                        let slot = match target {
                            Target::Inn => &mut row.inn,
                            Target::Kpp => &mut row.kpp,
                            Target::Ogrn => &mut row.ogrn,
                            Target::Bik => &mut row.bik,
                            _ => &mut row.bank_account,
                        };
                        slot.get_or_insert(value);
                    }
                    Err(e) => Self::keep(line, column, raw, e.to_string(), got),
                }
            }
            Target::BankName => {
                if let Some(name) = crate::domain::text::clean(raw) {
                    row.bank_name.get_or_insert(name);
                }
            }
            Target::ConsentProcessing | Target::ConsentMarketing => {
                let purpose = if target == Target::ConsentProcessing {
                    ConsentPurpose::Processing
                } else {
                    ConsentPurpose::Marketing
                };
                match read_consent(raw, dates, today) {
                    Ok(Some(date)) => row.consents.push((purpose, date)),
                    Ok(None) => {}
                    Err(e) => Self::keep(line, column, raw, e, got),
                }
            }
            Target::ExternalId | Target::Ignore => {}
        }
    }

    /// A field of one value: read, checked, and the first one kept.
    fn single(&mut self, line: u64, column: &Column, field: Field, raw: &str, got: &mut Gathered) {
        let (today, dates) = (self.today, self.dates);
        // A source a CRM names that has no counterpart here (Bitrix24's `Звонок`, an
        // incoming call): `other`, and its own word kept in the notes.
        if field == Field::Source
            && Source::parse(raw).is_none()
            && listed("import.source_as_other", raw)
        {
            if !got.single.iter().any(|(f, _)| *f == Field::Source) {
                got.single
                    .push((Field::Source, Source::Other.code().to_string()));
            }
            got.kept.push((format!("{}: {raw}", column.header), None));
            return;
        }
        let checked = self
            .checked
            .entry((field, raw.to_string()))
            .or_insert_with(|| read_single(field, raw, dates, today))
            .clone();
        match checked {
            Ok(None) => {}
            Ok(Some(value)) => match got.single.iter().find(|(f, _)| *f == field) {
                Some((_, first)) if fold(first) != fold(&value) => {
                    // A second city, a second address: kept, not dropped.
                    got.kept.push((format!("{}: {raw}", column.header), None));
                }
                Some(_) => {}
                None => got.single.push((field, value)),
            },
            Err(message) => Self::keep(line, column, raw, message, got),
        }
    }

    fn finish(
        &self,
        line: u64,
        mut row: ImportRow,
        mut got: Gathered,
    ) -> Result<RowRead, Vec<Problem>> {
        let value = |got: &Gathered, field: Field| {
            got.single
                .iter()
                .find(|(f, _)| *f == field)
                .map(|(_, v)| v.clone())
        };
        let person_named = [
            Field::Name,
            Field::LastName,
            Field::FirstName,
            Field::Patronymic,
        ]
        .iter()
        .any(|f| value(&got, *f).is_some());
        let mut kind = value(&got, Field::Kind);
        // A name that is only the company's (Google writes a company contact's name
        // as its organisation's) is no person.
        let person_parts = [Field::LastName, Field::FirstName, Field::Patronymic]
            .iter()
            .any(|f| value(&got, *f).is_some());
        if let (Some(name), Some(company), false) = (
            value(&got, Field::Name),
            value(&got, Field::Company),
            person_parts,
        ) {
            if fold(&name) == fold(&company) {
                got.single.retain(|(f, _)| *f != Field::Name);
            }
        }
        // A name that is a company's (`Покупатель: ООО «Вектор Плюс»`) names a company.
        if kind.is_none() && value(&got, Field::Company).is_none() {
            if let Some(name) = value(&got, Field::Name).filter(|n| is_company_name(n)) {
                got.single.retain(|(f, _)| *f != Field::Name);
                got.single.push((Field::Company, name));
                kind = Some(ClientKind::Company.code().into());
            }
        }
        let has_person = [
            Field::Name,
            Field::LastName,
            Field::FirstName,
            Field::Patronymic,
        ]
        .iter()
        .any(|f| value(&got, *f).is_some());
        let has_company = value(&got, Field::Company).is_some();
        let kind = match kind {
            Some(kind) => kind,
            // A person at a company is a person with that company.
            None if has_person || !has_company => ClientKind::Person.code().into(),
            None => ClientKind::Company.code().into(),
        };
        if kind == ClientKind::Company.code() && !has_company {
            // A company row whose name is in the name column.
            if let Some(name) = value(&got, Field::Name) {
                got.single.retain(|(f, _)| *f != Field::Name);
                got.single.push((Field::Company, name));
            }
        } else if kind == ClientKind::Company.code() && person_named {
            // An address book's company card with a person's name: that person is
            // the company's contact.
            let mut draft = ClientDraft::default();
            for f in [
                Field::Name,
                Field::LastName,
                Field::FirstName,
                Field::Patronymic,
            ] {
                if let Some(v) = value(&got, f) {
                    draft.set(f, v);
                }
            }
            if let Ok(checked) = draft.check(self.today) {
                let name = [Field::LastName, Field::FirstName, Field::Patronymic]
                    .iter()
                    .filter_map(|f| checked.text(*f).flatten())
                    .collect::<Vec<_>>()
                    .join(" ");
                row.contact_person =
                    (!name.is_empty()).then(|| (name, value(&got, Field::Position)));
            }
            got.single.retain(|(f, _)| {
                !matches!(
                    f,
                    Field::Name
                        | Field::LastName
                        | Field::FirstName
                        | Field::Patronymic
                        | Field::Position
                )
            });
        }
        let mut draft = ClientDraft::default();
        for (field, v) in &got.single {
            if *field != Field::Kind {
                draft.set(*field, v.clone());
            }
        }
        if let (Some(ext), Some(first)) = (&got.extension, got.phones.first_mut()) {
            if phone_parts(first).1.is_none() {
                *first = format!("{first};ext={ext}");
            }
        }
        // A settlement account whose key does not agree with the БИК is no account.
        if let (Some(account), Some(bik)) = (row.bank_account.clone(), row.bik.clone()) {
            if let Err(e) = crate::domain::requisites::account(&account, &bik) {
                if let Some(column) = self
                    .columns
                    .iter()
                    .find(|c| c.target == Some(Target::BankAccount))
                {
                    Self::keep(line, column, &account, e.to_string(), &mut got);
                }
                row.bank_account = None;
            }
        }
        let mut problems = Vec::new();
        let mut notes = got.notes.join("\n");
        let kept_lines: Vec<String> = got.kept.iter().map(|(note, _)| note.clone()).collect();
        if !kept_lines.is_empty() {
            let head = tr("import.kept_note");
            notes = [notes, format!("{head}\n{}", kept_lines.join("\n"))]
                .into_iter()
                .filter(|n| !n.is_empty())
                .collect::<Vec<_>>()
                .join("\n");
        }
        if notes.chars().count() > MAX_TEXT_CHARS {
            notes = notes.chars().take(MAX_TEXT_CHARS).collect();
            problems.push(Problem {
                line,
                column: tr("field.notes"),
                message: tr_value("import.notes_cut", MAX_TEXT_CHARS),
                kept: true,
            });
        }
        if !notes.is_empty() {
            draft.set(Field::Notes, notes);
        }
        row.kept = got.kept.into_iter().filter_map(|(_, p)| p).collect();
        row.kept.extend(problems);
        match draft.check(self.today) {
            Ok(mut checked) => {
                // Each item was normalised as it was read.
                use crate::domain::fields::Value as V;
                checked.values.push((Field::Phones, V::List(got.phones)));
                checked.values.push((Field::Emails, V::List(got.emails)));
                checked.values.push((Field::Tags, V::List(got.tags)));
                row.draft = checked;
            }
            Err(errors) => {
                // Checked cell by cell already; what is left is a whole-row limit.
                return Err(errors
                    .into_iter()
                    .map(|e| Problem {
                        line,
                        column: e.field.label(),
                        message: e.message,
                        kept: false,
                    })
                    .collect());
            }
        }
        row.kind = kind;
        // This program's own export lists the orders and their totals: the totals
        // beyond the listed orders are the client's imported history.
        let listed = row
            .orders
            .iter()
            .filter(|o| o.status != OrderStatus::Cancelled);
        let listed_spent = listed
            .clone()
            .fold(0i64, |s, o| s.saturating_add(o.amount_minor));
        let (listed_count, listed_last) =
            (listed.clone().count() as i64, listed.map(|o| o.at_ms).max());
        if !row.orders.is_empty() {
            got.spent = got.spent.map(|s| s - listed_spent).filter(|s| *s > 0);
            got.count = got.count.map(|c| c - listed_count).filter(|c| *c > 0);
            got.last_order = got
                .last_order
                .filter(|at| listed_last.is_none_or(|l| *at > l));
        }
        if got.spent.is_some() || got.count.is_some() || got.last_order.is_some() {
            let spent = got.spent.unwrap_or(0);
            let orders = got
                .count
                .unwrap_or(i64::from(spent > 0 || got.last_order.is_some()));
            if orders > 0 || spent > 0 {
                row.history = Some(History {
                    orders,
                    spent_minor: spent,
                    last_order_at: got.last_order,
                });
            }
        }
        if let Err(e) = crate::store::clients::require_name(&row.kind, &row.draft) {
            let column = self
                .columns
                .iter()
                .find(|c| {
                    matches!(
                        c.target,
                        Some(Target::Field(
                            Field::Name | Field::LastName | Field::FirstName | Field::Company
                        ))
                    )
                })
                .map_or_else(|| tr("import.row"), |c| c.header.clone());
            let mut problems = vec![Problem {
                line,
                column,
                message: e.to_string(),
                kept: false,
            }];
            problems.extend(row.kept.into_iter().map(|p| Problem { kept: false, ..p }));
            return Err(problems);
        }
        Ok(RowRead::Row(Box::new(row)))
    }
}

/// One value of a field of one value: `Ok(None)` for a value that means "not set"
/// (`Не определен`, `0.0.00`), the stored form, or why it does not read.
fn read_single(
    field: Field,
    raw: &str,
    dates: DateOrder,
    today: NaiveDate,
) -> Result<Option<String>, String> {
    match field {
        Field::Birthday => match read_birthday(raw, dates, today)? {
            None => Ok(None),
            Some(b) if b.date().is_some_and(|d| d > today) => {
                Err(tr_value("error.birthday_future", raw))
            }
            Some(b) => Ok(Some(b.stored())),
        },
        Field::Gender if means_nothing(raw) => Ok(None),
        Field::Gender => Gender::parse(raw)
            .map(|g| Some(g.code().to_string()))
            .ok_or_else(|| tr_value("import.bad_choice", raw)),
        Field::Kind => ClientKind::parse(raw)
            .map(|k| Some(k.code().to_string()))
            .ok_or_else(|| tr_value("import.bad_choice", raw)),
        Field::Source => match Source::parse(raw) {
            Some(source) => Ok(Some(source.code().to_string())),
            None => Err(tr_value("import.bad_source", raw)),
        },
        _ => match field.normalize(raw, today) {
            Ok(crate::domain::fields::Value::Text(text)) => Ok(text),
            Ok(crate::domain::fields::Value::List(list)) => Ok(list.into_iter().next()),
            Err(e) => Err(e.message),
        },
    }
}

/// Orders as `export` writes them: `2026-10-01 1500.50; 2026-11-02 300.00 USD x2 paid`.
pub fn parse_orders(raw: &str, today: NaiveDate) -> Result<Vec<OrderIn>, String> {
    let mut orders = Vec::new();
    for item in raw.split([';', '\n']).filter_map(clean) {
        let mut words = item.split(' ');
        let date = words.next().unwrap_or_default();
        let (date, time, _) = read_moment(date, DateOrder::Unknown, today)?
            .ok_or_else(|| tr_value("import.bad_order", &item))?;
        let amount = words
            .next()
            .ok_or_else(|| tr_value("import.bad_order", &item))?;
        let mut order = OrderIn {
            at_ms: local_instant(date, time).timestamp_millis(),
            amount_minor: parse_amount(amount).map_err(|e| e.to_string())?,
            currency: "RUB".into(),
            items: 1,
            status: OrderStatus::Completed,
        };
        for word in words {
            if let Some(n) = word
                .strip_prefix('x')
                .and_then(|n| n.parse::<i64>().ok())
                .filter(|n| (1..=MAX_ITEMS).contains(n))
            {
                order.items = n;
            } else if word.len() == 3 && word.chars().all(|c| c.is_ascii_uppercase()) {
                order.currency = word.to_string();
            } else if let Some(status) = OrderStatus::parse(word) {
                order.status = status;
            } else {
                return Err(tr_value("import.bad_order", &item));
            }
        }
        orders.push(order);
    }
    Ok(orders)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::import::headers::map_columns;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
    }

    fn read(headers: &[&str], cells: &[&str]) -> Result<RowRead, Vec<Problem>> {
        let headers: Vec<String> = headers.iter().map(|h| h.to_string()).collect();
        let columns = map_columns(&headers, &[]).unwrap();
        RowReader::new(&columns, today(), DateOrder::Unknown)
            .read(7, &StringRecord::from(cells.to_vec()))
    }

    fn row(headers: &[&str], cells: &[&str]) -> ImportRow {
        match read(headers, cells) {
            Ok(RowRead::Row(row)) => *row,
            other => panic!("not a row: {other:?}"),
        }
    }

    #[test]
    fn a_full_name_and_several_phones_in_one_cell() {
        let row = row(
            &[
                "ФИО",
                "Телефон",
                "Дата рождения",
                "Сумма покупок",
                "Количество покупок",
            ],
            &[
                "Ёлкина Пелагея Ивановна",
                "8 916 123-45-67, +7 903 000 00 00",
                "17.05.1990",
                "1 500,50",
                "14",
            ],
        );
        assert_eq!(row.text(Field::LastName), Some("Ёлкина"));
        assert_eq!(row.text(Field::Patronymic), Some("Ивановна"));
        assert_eq!(row.list(Field::Phones), ["+79161234567", "+79030000000"]);
        assert_eq!(row.text(Field::Birthday), Some("1990-05-17"));
        assert!(row.orders.is_empty(), "no made-up order");
        assert_eq!(
            row.history,
            Some(History {
                orders: 14,
                spent_minor: 150_050,
                last_order_at: None
            })
        );
    }

    #[test]
    fn a_bad_value_costs_only_itself() {
        let row = row(
            &["ФИО", "Дата рождения", "Источник", "Телефон"],
            &[
                "Иванов Иван",
                "31.02.1990",
                "голубь",
                "8916abc4567, +7 916 000-00-01",
            ],
        );
        assert_eq!(row.kept.len(), 3, "{:?}", row.kept);
        assert!(row.kept.iter().all(|p| p.kept && p.line == 7));
        let notes = row.text(Field::Notes).unwrap();
        for raw in ["31.02.1990", "голубь", "8916abc4567"] {
            assert!(notes.contains(raw), "{notes}");
        }
        assert_eq!(row.list(Field::Phones), ["+79160000001"]);
        let nameless = read(&["ФИО", "Город"], &["", "Москва"]).unwrap_err();
        assert_eq!(nameless[0].column, "ФИО");
        assert!(matches!(read(&["ФИО"], &["  "]), Ok(RowRead::Empty)));
        assert!(matches!(
            read(&["ФИО", "Сумма"], &["Итого:", "=SUM(B2:B9)"]),
            Ok(RowRead::Totals)
        ));
    }

    #[test]
    fn a_person_at_a_company_stays_a_person_and_a_company_name_a_company() {
        let person = row(
            &["ФИО", "Компания"],
            &["Соколов Дмитрий", "ООО «Вектор Плюс»"],
        );
        assert_eq!(person.kind, "person");
        assert_eq!(person.text(Field::Company), Some("ООО «Вектор Плюс»"));
        let company = row(
            &["Компания", "Телефон"],
            &["ООО «Вектор Плюс»", "+74959876543"],
        );
        assert_eq!(company.kind, "company");
        let buyer = row(&["Покупатель"], &["ООО «Вектор Плюс»"]);
        assert_eq!(buyer.kind, "company");
        assert_eq!(buyer.text(Field::Company), Some("ООО «Вектор Плюс»"));
    }

    #[test]
    fn values_as_the_tools_write_them() {
        let row = row(
            &[
                "ФИО",
                "Пол",
                "День рождения",
                "Рабочий телефон",
                "Источник",
                "Категории",
            ],
            &[
                "Орлова Светлана",
                "Не определен",
                "0.0.00",
                "+7 (812) 300-40-50 доб. 12",
                "Веб-сайт",
                "Клиенты;VIP ::: * myContacts",
            ],
        );
        assert!(row.kept.is_empty(), "{:?}", row.kept);
        assert_eq!(row.text(Field::Gender), None);
        assert_eq!(row.text(Field::Birthday), None);
        assert_eq!(row.list(Field::Phones), ["+78123004050;ext=12"]);
        assert_eq!(row.text(Field::Source), Some("website"));
        assert_eq!(row.list(Field::Tags), ["клиенты", "vip"]);
    }

    #[test]
    fn orders_as_exported_are_read_back() {
        let orders =
            parse_orders("2026-10-01 1500.50; 2026-11-02 300.00 USD x2 paid", today()).unwrap();
        assert_eq!(orders.len(), 2);
        assert_eq!(orders[1].currency, "USD");
        assert_eq!(orders[1].items, 2);
        assert_eq!(orders[1].status, OrderStatus::Paid);
    }
}
