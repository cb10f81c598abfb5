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
    /// The responsible manager's login or full name (leads and admins).
    Manager,
    /// An extension of the row's (first) phone, in a column of its own.
    PhoneExtension,
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
    /// The bank's БИК, the settlement account, the bank's name.
    Bik,
    BankAccount,
    BankName,
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
    ("phone-extension", Target::PhoneExtension),
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
    ("bik", Target::Bik),
    ("bank-account", Target::BankAccount),
    ("bank-name", Target::BankName),
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

    /// What a column of this target is imported as, in words.
    pub fn label_of(target: Option<Target>) -> String {
        match target {
            Some(Target::Field(field)) => field.label(),
            Some(Target::Ignore) | None => crate::i18n::tr("import_tui.not_imported"),
            Some(other) => {
                crate::i18n::tr(&format!("import_target.{}", other.code().replace('-', "_")))
            }
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

/// How a header is recognised: every word of `words` begins a word of the header
/// (`телефон` finds `Телефоны`, `Телефон переносной`; `city` finds `Business City`),
/// or, `exact`, the header is those words and no more (`Имя`, but not `Имя помощника`).
struct Rule {
    target: Option<Target>,
    words: &'static [&'static str],
    exact: bool,
}

const fn any(target: Target, words: &'static [&'static str]) -> Rule {
    Rule {
        target: Some(target),
        words,
        exact: false,
    }
}

const fn only(target: Target, words: &'static [&'static str]) -> Rule {
    Rule {
        target: Some(target),
        words,
        exact: true,
    }
}

/// A header known as one that is not imported (a fax, a label, the contact's own
/// boss): said in the report with the others, never taken for something it is not.
const fn not_imported(words: &'static [&'static str]) -> Rule {
    Rule {
        target: Some(Target::Ignore),
        words,
        exact: false,
    }
}

use Field as F;
use Target as T;

/// The rules, first match wins: what a header must not be taken for comes before
/// what it may be (`Адрес эл. почты` is an e-mail, not an address; `Основной телефон
/// организации` a phone, not a company; Outlook's `Manager's Name` is the contact's
/// boss, not the responsible manager). Written as the tools write their exports:
/// Excel, 1C, Google Contacts, Outlook (Russian and English), amoCRM, Bitrix24,
/// Yandex 360, shop and loyalty systems.
#[rustfmt::skip]
const RULES: &[Rule] = &[
    // A bank account before the trap of Outlook's «Счет» (billing information).
    any(T::BankAccount, &["расчетный", "счет"]), any(T::BankAccount, &["расч", "счет"]),
    only(T::BankAccount, &["р", "с"]), any(T::BankAccount, &["bank", "account"]),
    // What a column beside a value says about it: its label, type, display name.
    only(T::Field(F::Tags), &["labels"]), not_imported(&["label"]), not_imported(&["type", "email"]), not_imported(&["type", "phone"]),
    not_imported(&["type", "address"]), not_imported(&["type", "organization"]),
    not_imported(&["type", "website"]), not_imported(&["тип", "email"]),
    not_imported(&["краткое"]), not_imported(&["short", "name"]),
    not_imported(&["formatted"]), not_imported(&["yomi"]), not_imported(&["phonetic"]),
    not_imported(&["nickname"]), not_imported(&["prefix"]), not_imported(&["suffix"]),
    not_imported(&["суффикс"]), not_imported(&["обращение"]), not_imported(&["initials"]),
    not_imported(&["инициалы"]), not_imported(&["file", "as"]), not_imported(&["maiden"]),
    not_imported(&["photo"]), not_imported(&["фото"]),
    // Numbers that are not a client's phone.
    not_imported(&["fax"]), not_imported(&["факс"]), not_imported(&["pager"]),
    not_imported(&["пейджер"]), not_imported(&["telex"]), not_imported(&["телекс"]),
    not_imported(&["tty"]), not_imported(&["телетайп"]), not_imported(&["isdn"]),
    not_imported(&["callback"]), not_imported(&["обратный", "вызов"]),
    not_imported(&["assistant"]), not_imported(&["помощник"]),
    // People around the contact, not the responsible manager.
    not_imported(&["manager", "s", "name"]), not_imported(&["руководитель"]),
    not_imported(&["spouse"]), not_imported(&["супруг"]), not_imported(&["дети"]),
    not_imported(&["children"]), not_imported(&["schools"]), not_imported(&["relation"]),
    not_imported(&["кем"]), not_imported(&["изменени"]), not_imported(&["редактировани"]),
    not_imported(&["modified"]), not_imported(&["updated"]),
    // Parts of an address that are not kept, and places that are not a city.
    not_imported(&["postal"]), not_imported(&["zip"]), not_imported(&["индекс"]),
    not_imported(&["почтовый", "код"]), not_imported(&["country"]), not_imported(&["страна"]),
    not_imported(&["region"]), not_imported(&["state"]), not_imported(&["область"]),
    not_imported(&["po", "box"]), not_imported(&["почтовый", "ящик"]),
    not_imported(&["extended", "address"]), not_imported(&["department"]),
    not_imported(&["отдел"]), not_imported(&["symbol"]), not_imported(&["job", "description"]),
    not_imported(&["location"]),
    not_imported(&["расположение"]), only(T::Ignore, &["imaddress"]),
    // Web and messengers, cards and bonuses, deals and goods.
    not_imported(&["web"]), not_imported(&["website"]), not_imported(&["сайт"]),
    not_imported(&["страниц"]), not_imported(&["url"]), not_imported(&["utm"]),
    not_imported(&["дополнительно"]), not_imported(&["экспорт"]), not_imported(&["crm"]),
    not_imported(&["skype"]), not_imported(&["icq"]), not_imported(&["jabber"]),
    not_imported(&["msn"]), not_imported(&["google", "talk"]), not_imported(&["im"]),
    not_imported(&["telegram"]), not_imported(&["viber"]), not_imported(&["whatsapp"]),
    not_imported(&["facebook"]), not_imported(&["twitter"]), not_imported(&["instagram"]),
    not_imported(&["вконтакте"]), not_imported(&["livejournal"]), not_imported(&["онлайн"]),
    not_imported(&["открытая", "линия"]), not_imported(&["network"]),
    not_imported(&["номер", "карты"]), not_imported(&["карта"]), not_imported(&["бонус"]),
    not_imported(&["баланс"]), not_imported(&["средний"]), not_imported(&["average"]),
    not_imported(&["сделки"]), not_imported(&["deals"]), not_imported(&["товар"]),
    not_imported(&["годовщина"]), not_imported(&["anniversary"]), not_imported(&["event"]),
    not_imported(&["custom", "field"]), not_imported(&["важность"]), not_imported(&["пометка"]),
    not_imported(&["отложено"]), not_imported(&["частное"]), not_imported(&["sensitivity"]),
    not_imported(&["priority"]), not_imported(&["mileage"]), not_imported(&["billing"]),
    not_imported(&["directory"]), not_imported(&["сервер"]), not_imported(&["расстояние"]),
    not_imported(&["счет"]), only(T::Ignore, &["пользователь"]), not_imported(&["ключевые"]),
    not_imported(&["код", "организации"]), not_imported(&["личный", "код"]),
    not_imported(&["язык"]), not_imported(&["language"]), not_imported(&["free", "busy"]),
    not_imported(&["доступности"]), not_imported(&["subject"]), only(T::Ignore, &["cid"]),
    only(T::Ignore, &["tid"]),
    // An id from another system (or this one's export): numbers are the base's own.
    only(T::ExternalId, &["id"]), only(T::ExternalId, &["номер"]), only(T::ExternalId, &["код"]),
    only(T::ExternalId, &["number"]), only(T::ExternalId, &["no"]), only(T::ExternalId, &["uid"]),
    only(T::ExternalId, &["uuid"]), any(T::ExternalId, &["client", "id"]),
    any(T::ExternalId, &["external", "id"]),
    // Person or company; Bitrix24's "Тип контакта" is a category, a tag.
    any(T::Field(F::Tags), &["тип", "контакт"]), only(T::Field(F::Kind), &["тип"]),
    any(T::Field(F::Kind), &["тип", "клиент"]), only(T::Field(F::Kind), &["kind"]),
    only(T::Field(F::Kind), &["type"]), any(T::Field(F::Kind), &["client", "type"]),
    // Phones, before anything a phone's header also names (an organisation, a home).
    any(T::PhoneExtension, &["добавочн"]), only(T::PhoneExtension, &["доб"]),
    any(T::PhoneExtension, &["extension"]), only(T::PhoneExtension, &["ext"]),
    any(T::Field(F::Phones), &["телефон"]), any(T::Field(F::Phones), &["радиотелефон"]),
    any(T::Field(F::Phones), &["phone"]), any(T::Field(F::Phones), &["mobile"]),
    any(T::Field(F::Phones), &["мобильн"]), any(T::Field(F::Phones), &["сотов"]),
    only(T::Field(F::Phones), &["tel"]), any(T::Field(F::Phones), &["cell"]),
    only(T::Field(F::Phones), &["phones"]), any(T::Field(F::Phones), &["telephone"]),
    // E-mails, before the address they are "the address of".
    any(T::Field(F::Emails), &["email"]), only(T::Field(F::Emails), &["mail"]),
    only(T::Field(F::Emails), &["почта"]), any(T::Field(F::Emails), &["почты"]),
    // Names.
    only(T::Field(F::Name), &["фио"]), any(T::Field(F::Name), &["фио"]),
    any(T::Field(F::Name), &["полное", "имя"]), any(T::Field(F::Name), &["full", "name"]),
    any(T::Field(F::Name), &["display", "name"]), any(T::Field(F::Name), &["contact", "name"]),
    only(T::Field(F::Name), &["name"]), any(T::Field(F::Name), &["покупател"]),
    only(T::Field(F::Name), &["клиент"]), any(T::Field(F::Name), &["имя", "клиента"]),
    any(T::Field(F::Name), &["контактное", "лицо"]), only(T::Field(F::Name), &["client"]),
    only(T::Field(F::Name), &["customer"]), only(T::Field(F::Name), &["заказчик"]),
    only(T::Field(F::FirstName), &["имя"]), any(T::Field(F::FirstName), &["first", "name"]),
    any(T::Field(F::FirstName), &["given", "name"]), only(T::Field(F::FirstName), &["firstname"]),
    any(T::Field(F::Patronymic), &["отчество"]), any(T::Field(F::Patronymic), &["middle", "name"]),
    any(T::Field(F::Patronymic), &["additional", "name"]), only(T::Field(F::Patronymic), &["patronymic"]),
    any(T::Field(F::LastName), &["фамилия"]), any(T::Field(F::LastName), &["last", "name"]),
    any(T::Field(F::LastName), &["family", "name"]), any(T::Field(F::LastName), &["surname"]),
    only(T::Field(F::LastName), &["lastname"]),
    // The job, before the organisation it is at.
    any(T::Field(F::Position), &["должност"]), any(T::Field(F::Position), &["job", "title"]),
    any(T::Field(F::Position), &["organization", "title"]), only(T::Field(F::Position), &["position"]),
    any(T::Field(F::LegalForm), &["правовая", "форма"]), only(T::Field(F::LegalForm), &["опф"]),
    any(T::Field(F::LegalForm), &["legal", "form"]),
    any(T::Field(F::Company), &["компани"]), any(T::Field(F::Company), &["организаци"]),
    any(T::Field(F::Company), &["company"]), any(T::Field(F::Company), &["organization"]),
    any(T::Field(F::Company), &["organisation"]), only(T::Field(F::Company), &["org"]),
    any(T::Field(F::Company), &["наименование"]), any(T::Field(F::Company), &["контрагент"]),
    any(T::Field(F::Company), &["юрлицо"]), any(T::Field(F::Company), &["фирма"]),
    // Places: the city before the address it is part of.
    any(T::Field(F::City), &["город"]), any(T::Field(F::City), &["city"]),
    any(T::Field(F::City), &["town"]), any(T::Field(F::City), &["населенный", "пункт"]),
    any(T::Field(F::Address), &["улица"]), any(T::Field(F::Address), &["street"]),
    any(T::Field(F::Address), &["адрес"]), any(T::Field(F::Address), &["address"]),
    any(T::Field(F::TimeZone), &["часовой", "пояс"]), any(T::Field(F::TimeZone), &["time", "zone"]),
    only(T::Field(F::TimeZone), &["timezone"]), only(T::Field(F::TimeZone), &["tz"]),
    // Dates of the person.
    any(T::Field(F::Birthday), &["дата", "рождения"]), any(T::Field(F::Birthday), &["день", "рождения"]),
    any(T::Field(F::Birthday), &["birthday"]), any(T::Field(F::Birthday), &["birth"]),
    only(T::Field(F::Birthday), &["dob"]), only(T::Field(F::Birthday), &["bday"]),
    only(T::Field(F::Birthday), &["др"]),
    only(T::Field(F::Gender), &["пол"]), any(T::Field(F::Gender), &["gender"]),
    only(T::Field(F::Gender), &["sex"]),
    any(T::Field(F::Occupation), &["профессия"]), any(T::Field(F::Occupation), &["род", "занятий"]),
    any(T::Field(F::Occupation), &["occupation"]), any(T::Field(F::Occupation), &["profession"]),
    any(T::Field(F::Tags), &["тег"]), any(T::Field(F::Tags), &["метк"]),
    any(T::Field(F::Tags), &["категори"]), any(T::Field(F::Tags), &["labels"]),
    any(T::Field(F::Tags), &["categor"]), any(T::Field(F::Tags), &["group", "membership"]),
    any(T::Field(F::Tags), &["интерес"]), any(T::Field(F::Tags), &["хобби"]),
    any(T::Field(F::Tags), &["hobby"]), any(T::Field(F::Tags), &["interests"]),
    only(T::Field(F::Tags), &["tags"]), only(T::Field(F::Tags), &["tag"]),
    any(T::Field(F::Notes), &["комментари"]), any(T::Field(F::Notes), &["примечани"]),
    any(T::Field(F::Notes), &["заметк"]), only(T::Field(F::Notes), &["описание"]),
    any(T::Field(F::Notes), &["notes"]), only(T::Field(F::Notes), &["note"]),
    any(T::Field(F::Notes), &["comment"]),
    // How the client came and who keeps them.
    any(T::Field(F::Source), &["источник"]), any(T::Field(F::Source), &["source"]),
    any(T::Field(F::Source), &["канал", "привлечения"]),
    any(T::Field(F::Channel), &["канал", "связи"]), any(T::Field(F::Channel), &["способ", "связи"]),
    any(T::Field(F::Channel), &["предпочтительный", "канал"]), any(T::Field(F::Channel), &["channel"]),
    any(T::Field(F::CallWindow), &["время", "звонка"]), any(T::Field(F::CallWindow), &["удобное", "время"]),
    any(T::Field(F::CallWindow), &["call", "window"]), any(T::Field(F::CallWindow), &["call", "time"]),
    any(T::Field(F::Stage), &["этап"]), any(T::Field(F::Stage), &["стадия"]),
    any(T::Field(F::Stage), &["stage"]),
    any(T::Manager, &["ответственн"]), any(T::Manager, &["менеджер"]),
    any(T::Manager, &["responsible"]), only(T::Manager, &["owner"]),
    any(T::Manager, &["account", "manager"]), only(T::Manager, &["manager"]),
    // Purchases as the file counts them.
    any(T::OrdersCount, &["количество", "покупок"]), any(T::OrdersCount, &["количество", "заказов"]),
    any(T::OrdersCount, &["число", "заказов"]), any(T::OrdersCount, &["orders", "count"]),
    any(T::OrdersCount, &["number", "of", "orders"]), any(T::OrdersCount, &["purchases", "count"]),
    only(T::OrdersCount, &["покупок"]), only(T::OrdersCount, &["заказов"]),
    only(T::OrdersCount, &["orderscount"]),
    any(T::LastOrderAt, &["последн", "покупк"]), any(T::LastOrderAt, &["последн", "заказ"]),
    any(T::LastOrderAt, &["last", "order"]), any(T::LastOrderAt, &["last", "purchase"]),
    any(T::LastContactAt, &["последн", "визит"]), any(T::LastContactAt, &["последн", "контакт"]),
    any(T::LastContactAt, &["last", "contact"]), any(T::LastContactAt, &["last", "visit"]),
    any(T::NextContactAt, &["следующ"]), any(T::NextContactAt, &["next", "contact"]),
    any(T::NextContactAt, &["next", "call"]), any(T::NextContactAt, &["дата", "звонка"]),
    any(T::TotalSpent, &["сумм"]), any(T::TotalSpent, &["выручка"]), any(T::TotalSpent, &["оборот"]),
    any(T::TotalSpent, &["total", "spent"]), only(T::TotalSpent, &["spent"]),
    only(T::TotalSpent, &["total"]), any(T::TotalSpent, &["revenue"]),
    any(T::TotalSpent, &["lifetime", "value"]),
    only(T::Orders, &["заказы"]), only(T::Orders, &["orders"]),
    any(T::CreatedAt, &["дата", "создания"]), any(T::CreatedAt, &["дата", "регистрации"]),
    any(T::CreatedAt, &["дата", "добавления"]), only(T::CreatedAt, &["создан"]),
    only(T::CreatedAt, &["добавлен"]), any(T::CreatedAt, &["created"]),
    any(T::CreatedAt, &["date", "added"]),
    // Requisites and consent.
    only(T::Inn, &["инн"]), only(T::Inn, &["inn"]), any(T::Inn, &["tax", "id"]),
    only(T::Kpp, &["кпп"]), only(T::Kpp, &["kpp"]),
    only(T::Ogrn, &["огрн"]), only(T::Ogrn, &["огрнип"]), only(T::Ogrn, &["ogrn"]),
    any(T::Bik, &["бик"]), any(T::Bik, &["bik"]),
    any(T::BankName, &["наименование", "банка"]), any(T::BankName, &["название", "банка"]),
    only(T::BankName, &["банк"]), any(T::BankName, &["bank", "name"]), only(T::BankName, &["bank"]),
    any(T::ConsentMarketing, &["согласие", "рассылк"]), any(T::ConsentMarketing, &["согласие", "реклам"]),
    only(T::ConsentMarketing, &["рассылка"]), any(T::ConsentMarketing, &["marketing", "consent"]),
    any(T::ConsentMarketing, &["consent", "marketing"]), only(T::ConsentMarketing, &["newsletter"]),
    any(T::ConsentProcessing, &["согласие"]), any(T::ConsentProcessing, &["пользовательское", "соглашение"]),
    any(T::ConsentProcessing, &["consent"]),
];

/// The words of a header, folded, the way the rules read them: punctuation and
/// column numbers gone (`E-mail 2 Address` → `email address`, `Phone 1 - Value` →
/// `phone value`), the common contractions written out (`тел.` → `телефон`,
/// `эл. почта` → `email`, `кол-во` → `количество`).
pub fn header_words(header: &str) -> Vec<String> {
    let folded = fold(header);
    let spaced: String = folded
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { ' ' })
        .collect();
    let raw: Vec<&str> = spaced
        .split_whitespace()
        .filter(|w| !w.chars().all(|c| c.is_ascii_digit()))
        .collect();
    let mut words: Vec<String> = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        let (word, next) = (raw[i], raw.get(i + 1).copied().unwrap_or(""));
        let (written_out, joined) = match word {
            "e" if next.starts_with("mail") => ("email", 1),
            "эл" | "электронная" | "электронной" if next.starts_with("почт") => {
                ("email", 1)
            }
            "кол" if next == "во" => ("количество", 1),
            "емейл" | "емэйл" | "имейл" | "мейл" | "emails" => ("email", 0),
            "тел" => ("телефон", 0),
            "моб" => ("мобильный", 0),
            other => (other, 0),
        };
        words.push(written_out.to_string());
        i += 1 + joined;
    }
    // A lone "№" is the row's number.
    if words.is_empty() && folded.trim() == "№" {
        words.push("номер".into());
    }
    words
}

/// A header reduced to folded letters and digits: `Эл. почта` → `элпочта`.
pub fn header_key(header: &str) -> String {
    let folded = fold(header);
    if folded.trim() == "№" {
        return "номер".into();
    }
    folded.chars().filter(|c| c.is_alphanumeric()).collect()
}

/// What a header names: a target, `Ignore` for a header known not to be imported,
/// `None` for one this program does not know.
pub fn recognise(header: &str) -> Option<Target> {
    let words = header_words(header);
    if words.is_empty() {
        return None;
    }
    // A header written as one word of a `--map` code (`last_name`, `next_call_at`).
    if let Some(target) = Target::parse(&words.join("-")) {
        if target != Target::Ignore {
            return Some(target);
        }
    }
    RULES
        .iter()
        .find(|rule| {
            if rule.exact {
                words.len() == rule.words.len()
                    && rule.words.iter().zip(&words).all(|(r, w)| *w == *r)
            } else {
                rule.words
                    .iter()
                    .all(|r| words.iter().any(|w| w.starts_with(r)))
            }
        })
        .and_then(|rule| rule.target)
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
    cells
        .iter()
        .filter(|c| recognise(c).is_some_and(|t| t != Target::Ignore))
        .count()
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
