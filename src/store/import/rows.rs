//! One spreadsheet row → one checked client: every typed field through the same
//! [`ClientDraft`] check as `client add` and the forms; money, dates and the extra
//! columns (orders, contacts, requisites, consent) read here. Every problem names the
//! line and the column as the file has them.

use super::headers::{Column, Target};
use crate::domain::codes::{ClientKind, ConsentPurpose, OrderStatus};
use crate::domain::dates::parse_date;
use crate::domain::fields::{CheckedDraft, ClientDraft, Field, FieldError, Value};
use crate::domain::money::parse_amount;
use crate::domain::text::clean;
use crate::i18n::{tr, tr_value};
use crate::store::activity::local_instant;
use chrono::{NaiveDate, NaiveTime};
use csv::StringRecord;
use std::collections::HashMap;

/// A problem with one cell (or one row): `file:line: column: what is wrong`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Problem {
    pub line: u64,
    pub column: String,
    pub message: String,
}

/// An order as the file gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderIn {
    pub at_ms: i64,
    pub amount_minor: i64,
    pub currency: String,
    pub items: i64,
    pub status: OrderStatus,
}

/// A row that passed every check.
#[derive(Debug, Clone, Default)]
pub struct ImportRow {
    pub line: u64,
    pub kind: String,
    pub draft: CheckedDraft,
    /// The `Manager` column's login, if the file has one.
    pub manager: Option<String>,
    pub orders: Vec<OrderIn>,
    pub created_at: Option<i64>,
    pub last_contact_at: Option<i64>,
    /// When to contact next, and whether a time of day was given.
    pub next_contact: Option<(i64, bool)>,
    pub inn: Option<String>,
    pub kpp: Option<String>,
    pub ogrn: Option<String>,
    pub consents: Vec<(ConsentPurpose, NaiveDate)>,
}

impl ImportRow {
    pub fn text(&self, field: Field) -> Option<&str> {
        self.draft.text(field).flatten()
    }

    pub fn list(&self, field: Field) -> &[String] {
        self.draft.list(field).unwrap_or(&[])
    }
}

/// Fields with few distinct values (a source, a time zone): their check is kept per
/// value, since a file repeats them on every row.
fn repeats(field: Field) -> bool {
    matches!(
        field,
        Field::Kind
            | Field::Source
            | Field::Stage
            | Field::Channel
            | Field::Gender
            | Field::TimeZone
            | Field::CallWindow
    )
}

pub struct RowReader<'c> {
    columns: &'c [Column],
    today: NaiveDate,
    checked: HashMap<(Field, String), Result<Value, FieldError>>,
}

impl<'c> RowReader<'c> {
    pub fn new(columns: &'c [Column], today: NaiveDate) -> RowReader<'c> {
        RowReader {
            columns,
            today,
            checked: HashMap::new(),
        }
    }

    /// The header of the first column imported as `target`, for messages.
    fn header_of(&self, target: Target) -> String {
        self.columns
            .iter()
            .find(|c| c.target == Some(target))
            .map_or_else(|| target.code().to_string(), |c| c.header.clone())
    }

    /// Reads a row; `Ok(None)` for a row with nothing in it.
    pub fn read(
        &mut self,
        line: u64,
        record: &StringRecord,
    ) -> Result<Option<ImportRow>, Vec<Problem>> {
        if record.iter().all(|cell| cell.trim().is_empty()) {
            return Ok(None);
        }
        let mut row = ImportRow {
            line,
            ..ImportRow::default()
        };
        let mut draft = ClientDraft::default();
        let mut known = Vec::new();
        let mut problems = Vec::new();
        let mut total_spent: Option<i64> = None;
        let mut orders_count: Option<i64> = None;
        let mut last_order_at: Option<i64> = None;
        for column in self.columns {
            let Some(target) = column.target else {
                continue;
            };
            let raw =
                crate::domain::text::spreadsheet_unescape(record.get(column.index).unwrap_or(""));
            if raw.trim().is_empty() {
                continue;
            }
            let mut problem = |message: String| {
                problems.push(Problem {
                    line,
                    column: column.header.clone(),
                    message,
                })
            };
            match target {
                Target::Field(field) if repeats(field) => {
                    let checked = self
                        .checked
                        .entry((field, raw.to_string()))
                        .or_insert_with(|| field.normalize(raw, self.today));
                    match checked {
                        Ok(value) => known.push((field, value.clone())),
                        Err(e) => problem(e.message.clone()),
                    }
                }
                Target::Field(field) => {
                    draft.set(field, raw);
                }
                Target::Manager => row.manager = clean(raw).map(|l| l.to_lowercase()),
                Target::TotalSpent => match parse_amount(raw) {
                    Ok(v) => total_spent = Some(v),
                    Err(e) => problem(e.to_string()),
                },
                Target::OrdersCount => match raw.trim().parse::<i64>() {
                    Ok(v) if v >= 0 => orders_count = Some(v),
                    _ => problem(tr_value("import.bad_count", raw.trim())),
                },
                Target::LastOrderAt => match parse_moment(raw, self.today) {
                    Ok((at, _)) => last_order_at = Some(at),
                    Err(e) => problem(e),
                },
                Target::Orders => match parse_orders(raw, self.today) {
                    Ok(orders) => row.orders = orders,
                    Err(e) => problem(e),
                },
                Target::CreatedAt => match parse_moment(raw, self.today) {
                    Ok((at, _)) => row.created_at = Some(at),
                    Err(e) => problem(e),
                },
                Target::LastContactAt => match parse_moment(raw, self.today) {
                    Ok((at, _)) => row.last_contact_at = Some(at),
                    Err(e) => problem(e),
                },
                Target::NextContactAt => match parse_moment(raw, self.today) {
                    Ok(next) => row.next_contact = Some(next),
                    Err(e) => problem(e),
                },
                Target::Inn | Target::Kpp | Target::Ogrn => {
                    let digits = raw.trim();
                    if !digits.chars().all(|c| c.is_ascii_digit()) {
                        problem(tr_value("import.bad_digits", digits));
                    } else if target == Target::Inn {
                        row.inn = Some(digits.to_string());
                    } else if target == Target::Kpp {
                        row.kpp = Some(digits.to_string());
                    } else {
                        row.ogrn = Some(digits.to_string());
                    }
                }
                Target::ConsentProcessing | Target::ConsentMarketing => {
                    let purpose = if target == Target::ConsentProcessing {
                        ConsentPurpose::Processing
                    } else {
                        ConsentPurpose::Marketing
                    };
                    match parse_consent(raw, self.today) {
                        Ok(Some(date)) => row.consents.push((purpose, date)),
                        Ok(None) => {}
                        Err(e) => problem(e),
                    }
                }
                Target::ExternalId | Target::Ignore => {}
            }
        }
        match draft.check(self.today) {
            Ok(mut checked) => {
                checked.values.extend(known);
                row.draft = checked;
            }
            Err(errors) => problems.extend(errors.into_iter().map(|e| Problem {
                line,
                column: self.header_of(Target::Field(e.field)),
                message: e.message,
            })),
        }
        if row.orders.is_empty() && (total_spent.unwrap_or(0) > 0 || orders_count.unwrap_or(0) > 0)
        {
            // Only totals: one summary order carries them (the count becomes one order).
            row.orders.push(OrderIn {
                at_ms: last_order_at
                    .or(row.created_at)
                    .unwrap_or_else(|| chrono::Utc::now().timestamp_millis()),
                amount_minor: total_spent.unwrap_or(0),
                currency: "RUB".into(),
                items: 1,
                status: OrderStatus::Completed,
            });
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        row.kind = match row.text(Field::Kind) {
            Some(kind) => kind.to_string(),
            None if row.text(Field::Company).is_some() => ClientKind::Company.code().into(),
            None => ClientKind::Person.code().into(),
        };
        if let Err(e) = crate::store::clients::require_name(&row.kind, &row.draft) {
            let target = if row.kind == ClientKind::Company.code() {
                Target::Field(Field::Company)
            } else {
                Target::Field(Field::Name)
            };
            let column = self
                .columns
                .iter()
                .find(|c| {
                    c.target == Some(target)
                        || matches!(
                            c.target,
                            Some(Target::Field(Field::LastName | Field::FirstName))
                        )
                })
                .map_or_else(|| tr("import.row"), |c| c.header.clone());
            return Err(vec![Problem {
                line,
                column,
                message: e.to_string(),
            }]);
        }
        Ok(Some(row))
    }
}

/// A moment as spreadsheets write it: `2025-07-03T18:09:58`, `2025-07-03 18:09`,
/// `03.07.2025`, in local time. Returns milliseconds and whether a time was given.
pub fn parse_moment(raw: &str, today: NaiveDate) -> Result<(i64, bool), String> {
    let text = raw.trim();
    let (date_part, time_part) = match text.split_once(['T', ' ']) {
        Some((date, time)) => (date, Some(time.trim())),
        None => (text, None),
    };
    let date = parse_date(date_part, today).map_err(|e| e.to_string())?;
    let time = match time_part {
        None => None,
        Some(t) => Some(
            NaiveTime::parse_from_str(t, "%H:%M:%S")
                .or_else(|_| NaiveTime::parse_from_str(t, "%H:%M"))
                .map_err(|_| tr_value("error.time_unreadable", t))?,
        ),
    };
    let has_time = time.is_some_and(|t| t != NaiveTime::MIN);
    Ok((
        local_instant(date, time.unwrap_or(NaiveTime::MIN)).timestamp_millis(),
        has_time,
    ))
}

/// Orders as `export` writes them: `2026-10-01 1500.50; 2026-11-02 300.00 USD x2 paid`.
pub fn parse_orders(raw: &str, today: NaiveDate) -> Result<Vec<OrderIn>, String> {
    let mut orders = Vec::new();
    for item in raw.split([';', '\n']).filter_map(clean) {
        let mut words = item.split(' ');
        let date = words.next().unwrap_or_default();
        let (at_ms, _) = parse_moment(date, today)?;
        let amount = words
            .next()
            .ok_or_else(|| tr_value("import.bad_order", &item))?;
        let mut order = OrderIn {
            at_ms,
            amount_minor: parse_amount(amount).map_err(|e| e.to_string())?,
            currency: "RUB".into(),
            items: 1,
            status: OrderStatus::Completed,
        };
        for word in words {
            if let Some(n) = word
                .strip_prefix('x')
                .and_then(|n| n.parse::<i64>().ok())
                .filter(|n| (1..=crate::domain::money::MAX_ITEMS).contains(n))
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

/// A consent cell: a date it was given on, or yes/no.
fn parse_consent(raw: &str, today: NaiveDate) -> Result<Option<NaiveDate>, String> {
    let word = crate::domain::text::fold(raw);
    match word.as_str() {
        "да" | "yes" | "true" | "1" | "+" | "given" | "дано" | "есть" => Ok(Some(today)),
        "нет" | "no" | "false" | "0" | "-" | "withdrawn" | "отозвано" => Ok(None),
        _ => parse_date(raw, today).map(Some).map_err(|e| e.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::import::headers::map_columns;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
    }

    fn read(headers: &[&str], cells: &[&str]) -> Result<Option<ImportRow>, Vec<Problem>> {
        let headers: Vec<String> = headers.iter().map(|h| h.to_string()).collect();
        let columns = map_columns(&headers, &[]).unwrap();
        RowReader::new(&columns, today()).read(7, &StringRecord::from(cells.to_vec()))
    }

    #[test]
    fn a_full_name_and_several_phones_in_one_cell() {
        let row = read(
            &["ФИО", "Телефон", "Дата рождения", "Сумма покупок"],
            &[
                "Ёлкина Пелагея Ивановна",
                "8 916 123-45-67, +7 903 000 00 00",
                "17.05.1990",
                "1 500,50",
            ],
        )
        .unwrap()
        .unwrap();
        assert_eq!(row.text(Field::LastName), Some("Ёлкина"));
        assert_eq!(row.text(Field::Patronymic), Some("Ивановна"));
        assert_eq!(row.list(Field::Phones), ["+79161234567", "+79030000000"]);
        assert_eq!(row.text(Field::Birthday), Some("1990-05-17"));
        assert_eq!(row.orders.len(), 1);
        assert_eq!(row.orders[0].amount_minor, 150_050);
    }

    #[test]
    fn problems_name_line_and_column() {
        let problems = read(
            &["ФИО", "Дата рождения", "Источник"],
            &["Иванов Иван", "31.02.1990", "голубь"],
        )
        .unwrap_err();
        assert_eq!(problems.len(), 2);
        assert_eq!(problems[0].line, 7);
        let columns: Vec<&str> = problems.iter().map(|p| p.column.as_str()).collect();
        assert!(columns.contains(&"Дата рождения") && columns.contains(&"Источник"));
        let nameless = read(&["ФИО", "Город"], &["", "Москва"]).unwrap_err();
        assert_eq!(nameless[0].column, "ФИО");
        assert!(
            read(&["ФИО"], &["  "]).unwrap().is_none(),
            "an empty row is no row"
        );
    }

    #[test]
    fn orders_as_exported_are_read_back() {
        let orders =
            parse_orders("2026-10-01 1500.50; 2026-11-02 300.00 USD x2 paid", today()).unwrap();
        assert_eq!(orders.len(), 2);
        assert_eq!(orders[1].currency, "USD");
        assert_eq!(orders[1].items, 2);
        assert_eq!(orders[1].status, OrderStatus::Paid);
        assert!(parse_orders("2026-10-01", today()).is_err());
        let (_, timed) = parse_moment("2025-07-03T18:09:58", today()).unwrap();
        assert!(timed);
    }
}
