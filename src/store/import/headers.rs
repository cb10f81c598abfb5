//! Which column of a spreadsheet holds what: header cells matched by synonyms in
//! Russian and English (as Excel, Google Sheets and 1C write them), with `--map`
//! overriding. Matching ignores case, `ё`/`е`, spaces and punctuation, so
//! `Эл. почта`, `эл почта` and `ЭЛ.ПОЧТА` are one header.

use crate::domain::fields::Field;
use crate::domain::text::fold;

/// What a column is imported as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Target {
    /// A client field, checked and normalised by [`Field::normalize`].
    Field(#[serde(serialize_with = "field_code")] Field),
    /// The responsible manager's login (leads and admins).
    Manager,
    /// Money spent in total, with `OrdersCount`/`LastOrderAt`: one summary order.
    TotalSpent,
    OrdersCount,
    LastOrderAt,
    /// Each order of the client (`2026-10-01 1500.50; …`), as `export` writes them.
    Orders,
    CreatedAt,
    LastContactAt,
    NextContactAt,
    Inn,
    Kpp,
    Ogrn,
    ConsentProcessing,
    ConsentMarketing,
    /// A number or id from another system (or an export of this one): numbers are
    /// given by the base that imports, so it is recognised and not imported.
    ExternalId,
    Ignore,
}

fn field_code<S: serde::Serializer>(field: &Field, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(field.code())
}

/// Targets that are not client fields, with the names `--map` accepts.
const EXTRA_TARGETS: &[(&str, Target)] = &[
    ("manager", Target::Manager),
    ("total-spent", Target::TotalSpent),
    ("orders-count", Target::OrdersCount),
    ("last-order-at", Target::LastOrderAt),
    ("orders", Target::Orders),
    ("created-at", Target::CreatedAt),
    ("last-contact-at", Target::LastContactAt),
    ("next-contact-at", Target::NextContactAt),
    ("inn", Target::Inn),
    ("kpp", Target::Kpp),
    ("ogrn", Target::Ogrn),
    ("consent-processing", Target::ConsentProcessing),
    ("consent-marketing", Target::ConsentMarketing),
    ("id", Target::ExternalId),
    ("ignore", Target::Ignore),
    ("-", Target::Ignore),
];

impl Target {
    /// The name shown in a mapping preview and accepted by `--map`.
    pub fn code(self) -> &'static str {
        match self {
            Target::Field(field) => field.code(),
            other => EXTRA_TARGETS
                .iter()
                .find(|(_, t)| *t == other)
                .map_or("ignore", |(code, _)| code),
        }
    }

    /// Reads the right-hand side of `--map COLUMN=field`.
    pub fn parse(name: &str) -> Option<Target> {
        let wanted = name.trim().to_lowercase().replace('_', "-");
        EXTRA_TARGETS
            .iter()
            .find(|(code, _)| *code == wanted)
            .map(|(_, t)| *t)
            .or_else(|| Field::parse(&wanted).map(Target::Field))
    }

    /// Every name `--map` accepts, for the error that lists them.
    pub fn all_codes() -> String {
        Field::ALL
            .iter()
            .map(|f| f.code())
            .chain(EXTRA_TARGETS.iter().map(|(code, _)| *code))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Header spellings, already in [`header_key`] form.
#[rustfmt::skip]
const SYNONYMS: &[(Target, &[&str])] = &[
    (Target::Field(Field::Name), &[
        "фио", "полноеимя", "клиент", "контактноелицо", "name", "fullname", "client",
        "contactname", "displayname"
    ]),
    (Target::Field(Field::LastName), &["фамилия", "lastname", "surname", "familyname"]),
    (Target::Field(Field::FirstName), &["имя", "firstname", "givenname"]),
    (Target::Field(Field::Patronymic), &["отчество", "patronymic", "middlename", "secondname"]),
    (Target::Field(Field::Company), &[
        "компания", "организация", "наименование", "контрагент", "юрлицо", "фирма", "company",
        "organization", "organisation", "org", "companyname"
    ]),
    (Target::Field(Field::Kind), &["тип", "типклиента", "вид", "kind", "type", "clienttype"]),
    (Target::Field(Field::LegalForm), &[
        "правоваяформа", "опф", "организационноправоваяформа", "legalform"
    ]),
    (Target::Field(Field::Position), &["должность", "position", "jobtitle", "title"]),
    (Target::Field(Field::Birthday), &[
        "датарождения", "деньрождения", "др", "birthday", "birthdate", "dateofbirth", "dob",
        "bday"
    ]),
    (Target::Field(Field::Gender), &["пол", "gender", "sex"]),
    (Target::Field(Field::Occupation), &[
        "родзанятий", "профессия", "занятие", "occupation", "profession"
    ]),
    (Target::Field(Field::City), &["город", "населенныйпункт", "city", "town"]),
    (Target::Field(Field::TimeZone), &["часовойпояс", "timezone", "tz"]),
    (Target::Field(Field::Address), &[
        "адрес", "фактическийадрес", "почтовыйадрес", "юридическийадрес", "address",
        "postaladdress"
    ]),
    (Target::Field(Field::Channel), &[
        "каналсвязи", "предпочтительныйканал", "способсвязи", "channel", "preferredchannel"
    ]),
    (Target::Field(Field::CallWindow), &[
        "времязвонка", "удобноевремя", "удобноевремязвонка", "callwindow", "calltime"
    ]),
    (Target::Field(Field::Source), &[
        "источник", "каналпривлечения", "источникклиента", "source", "leadsource"
    ]),
    (Target::Field(Field::Stage), &["этап", "стадия", "этапсделки", "stage", "dealstage"]),
    (Target::Field(Field::Notes), &[
        "комментарий", "примечание", "примечания", "заметки", "описание", "notes", "note",
        "comment", "comments"
    ]),
    (Target::Field(Field::Phones), &[
        "телефон", "телефоны", "мобтелефон", "мобильныйтелефон", "мобильный", "сотовый",
        "сотовыйтелефон", "рабочийтелефон", "домашнийтелефон", "тел", "контактныйтелефон",
        "phone", "phones", "mobile", "mobilephone", "cell", "cellphone", "tel", "telephone",
        "workphone", "homephone", "phonenumber"
    ]),
    (Target::Field(Field::Emails), &[
        "email", "emails", "mail", "электроннаяпочта", "элпочта", "эпочта", "почта", "емейл",
        "емэйл", "имейл", "адресэлектроннойпочты", "emailaddress"
    ]),
    (Target::Field(Field::Tags), &[
        "теги", "тег", "метки", "метка", "интересы", "хобби", "tags", "tag", "labels",
        "categories", "interests"
    ]),
    (Target::Manager, &[
        "менеджер", "ответственный", "ответственныйменеджер", "manager", "owner", "responsible",
        "accountmanager"
    ]),
    (Target::TotalSpent, &[
        "суммапокупок", "суммазаказов", "суммапродаж", "выручка", "оборот", "totalspent",
        "spent", "total", "revenue"
    ]),
    (Target::OrdersCount, &[
        "количествозаказов", "числозаказов", "колвозаказов", "заказов", "покупок",
        "orderscount", "ordercount", "numberoforders"
    ]),
    (Target::LastOrderAt, &[
        "последнийзаказ", "датапоследнегозаказа", "последняяпокупка", "lastorderat",
        "lastorder", "lastorderdate", "lastpurchase"
    ]),
    (Target::Orders, &["заказы", "orders"]),
    (Target::CreatedAt, &[
        "датасоздания", "создан", "добавлен", "датадобавления", "createdat", "created",
        "datecreated"
    ]),
    (Target::LastContactAt, &[
        "последнийконтакт", "датапоследнегоконтакта", "lastcontactat", "lastcontact",
        "lastcontacted"
    ]),
    (Target::NextContactAt, &[
        "следующийзвонок", "следующийконтакт", "датазвонка", "nextcallat", "nextcontactat",
        "nextcall", "nextcontact"
    ]),
    (Target::Inn, &["инн", "inn", "taxid"]),
    (Target::Kpp, &["кпп", "kpp"]),
    (Target::Ogrn, &["огрн", "огрнип", "ogrn"]),
    (Target::ConsentProcessing, &[
        "согласиенаобработку", "согласиенаобработкуперсональныхданных", "согласиепдн",
        "consentprocessing", "processingconsent"
    ]),
    (Target::ConsentMarketing, &[
        "согласиенарассылку", "рассылка", "согласиенарекламу", "consentmarketing",
        "marketingconsent", "newsletter"
    ]),
    (Target::ExternalId, &[
        "id", "номер", "код", "number", "no", "clientid", "externalid", "uid", "uuid"
    ]),
];

/// A header reduced to folded letters and digits: `Эл. почта` → `элпочта`.
pub fn header_key(header: &str) -> String {
    let folded = fold(header);
    if folded.trim() == "№" {
        return "номер".into();
    }
    folded.chars().filter(|c| c.is_alphanumeric()).collect()
}

/// What a header names, if it is one we know.
pub fn recognise(header: &str) -> Option<Target> {
    let key = header_key(header);
    if key.is_empty() {
        return None;
    }
    SYNONYMS
        .iter()
        .find(|(_, names)| names.contains(&key.as_str()))
        .map(|(target, _)| *target)
}

/// One column of the file and what it is imported as.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Column {
    pub index: usize,
    pub header: String,
    pub target: Option<Target>,
}

/// Matches a header row, applying `--map` overrides (header text → target). Unknown
/// headers stay unmapped. Returns the columns, or the `--map` column that the header
/// row does not have.
pub fn map_columns(
    headers: &[String],
    overrides: &[(String, Target)],
) -> Result<Vec<Column>, String> {
    for (wanted, _) in overrides {
        if !headers.iter().any(|h| same_header(h, wanted)) {
            return Err(wanted.clone());
        }
    }
    Ok(headers
        .iter()
        .enumerate()
        .map(|(index, header)| {
            let forced = overrides
                .iter()
                .rev()
                .find(|(wanted, _)| same_header(header, wanted))
                .map(|(_, target)| *target);
            Column {
                index,
                header: header.trim().to_string(),
                target: forced.or_else(|| recognise(header)),
            }
        })
        .collect())
}

fn same_header(a: &str, b: &str) -> bool {
    let (a, b) = (fold(a), fold(b));
    a == b || (!header_key(&a).is_empty() && header_key(&a) == header_key(&b))
}

/// How many cells of a row are headers we know: the header row is the first row of
/// the first few with at least two (1C puts a title and a date above the table).
pub fn known_headers(cells: &[String]) -> usize {
    cells.iter().filter(|c| recognise(c).is_some()).count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn russian_and_english_headers_are_recognised() {
        assert_eq!(recognise("ФИО"), Some(Target::Field(Field::Name)));
        assert_eq!(recognise("Эл. почта"), Some(Target::Field(Field::Emails)));
        assert_eq!(recognise("E-mail"), Some(Target::Field(Field::Emails)));
        assert_eq!(
            recognise("Моб. телефон"),
            Some(Target::Field(Field::Phones))
        );
        assert_eq!(
            recognise("Дата рождения"),
            Some(Target::Field(Field::Birthday))
        );
        assert_eq!(
            recognise("Организация"),
            Some(Target::Field(Field::Company))
        );
        assert_eq!(
            recognise("Населённый пункт"),
            Some(Target::Field(Field::City))
        );
        assert_eq!(recognise("ИНН"), Some(Target::Inn));
        assert_eq!(recognise("full_name"), Some(Target::Field(Field::Name)));
        assert_eq!(recognise("next_call_at"), Some(Target::NextContactAt));
        assert_eq!(recognise("№"), Some(Target::ExternalId));
        assert_eq!(recognise("Любимый цвет"), None);
    }

    #[test]
    fn map_overrides_and_names_a_missing_column() {
        let headers: Vec<String> = ["Клиент", "Заметка", "Тел."].map(String::from).to_vec();
        let map = vec![("заметка".to_string(), Target::Field(Field::Notes))];
        let columns = map_columns(&headers, &map).unwrap();
        assert_eq!(columns[0].target, Some(Target::Field(Field::Name)));
        assert_eq!(columns[1].target, Some(Target::Field(Field::Notes)));
        assert_eq!(columns[2].target, Some(Target::Field(Field::Phones)));
        let missing = vec![("Цвет".to_string(), Target::Ignore)];
        assert_eq!(map_columns(&headers, &missing), Err("Цвет".to_string()));
        assert_eq!(Target::parse("total_spent"), Some(Target::TotalSpent));
        assert_eq!(Target::parse("phones"), Some(Target::Field(Field::Phones)));
        assert_eq!(Target::parse("colour"), None);
    }
}
