//! Reading vCards (SPEC §5) as phones and address books write them: 2.1 from Android
//! (`CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE`, soft line breaks that fall anywhere,
//! even inside a character), 3.0 from iPhone, iCloud and macOS (`item1.TEL` groups,
//! `X-ABShowAs:COMPANY`, `\,` escapes, folded lines, `PHOTO` blocks, Apple's year
//! 1604 for a birthday without one) and 4.0 (this program's own export). Each card
//! becomes a row of named cells, read like any spreadsheet row from there on.

use super::headers::Target;
use super::read::decode;
use crate::domain::fields::Field;
use csv::StringRecord;

/// The cells of a card, in order, and what each is imported as.
pub const COLUMNS: &[(&str, Target)] = &[
    ("FN", Target::Field(Field::Name)),
    ("N (family)", Target::Field(Field::LastName)),
    ("N (given)", Target::Field(Field::FirstName)),
    ("N (middle)", Target::Field(Field::Patronymic)),
    ("KIND", Target::Field(Field::Kind)),
    ("ORG", Target::Field(Field::Company)),
    ("TITLE", Target::Field(Field::Position)),
    ("TEL", Target::Field(Field::Phones)),
    ("EMAIL", Target::Field(Field::Emails)),
    ("BDAY", Target::Field(Field::Birthday)),
    ("NOTE", Target::Field(Field::Notes)),
    ("ADR (street)", Target::Field(Field::Address)),
    ("ADR (city)", Target::Field(Field::City)),
    ("CATEGORIES", Target::Field(Field::Tags)),
    ("GENDER", Target::Field(Field::Gender)),
    ("UID", Target::ExternalId),
];

/// Whether a file's text is vCards.
pub fn is_vcard(text: &str) -> bool {
    text.trim_start_matches('\u{feff}')
        .trim_start()
        .get(..11)
        .is_some_and(|head| head.eq_ignore_ascii_case("BEGIN:VCARD"))
}

/// One content line: `group.NAME;PARAM=VALUE;…:value`, unfolded.
#[derive(Debug)]
struct Property {
    name: String,
    params: Vec<(String, String)>,
    value: String,
}

impl Property {
    fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// vCard 2.1 writes a bare `QUOTED-PRINTABLE` or `BASE64` among the types.
    fn has_flag(&self, flag: &str) -> bool {
        self.params
            .iter()
            .any(|(n, v)| n.eq_ignore_ascii_case(flag) || v.eq_ignore_ascii_case(flag))
    }

    fn quoted_printable(&self) -> bool {
        self.param("ENCODING")
            .is_some_and(|e| e.eq_ignore_ascii_case("QUOTED-PRINTABLE"))
            || self.has_flag("QUOTED-PRINTABLE")
    }

    fn binary(&self) -> bool {
        self.param("ENCODING")
            .is_some_and(|e| matches!(e.to_ascii_lowercase().as_str(), "b" | "base64"))
            || self.has_flag("BASE64")
    }
}

/// Splits `group.NAME;params:value` (a `:` inside a quoted parameter is not the end).
fn parse_line(line: &str) -> Option<Property> {
    let mut quoted = false;
    let colon = line.char_indices().find(|(_, c)| {
        if *c == '"' {
            quoted = !quoted;
        }
        *c == ':' && !quoted
    })?;
    let (head, value) = (&line[..colon.0], &line[colon.0 + 1..]);
    let mut parts = head.split(';');
    let name = parts.next()?.trim();
    // `item1.TEL`: the group says which label goes with which value; not kept.
    let name = name.rsplit('.').next().unwrap_or(name).to_ascii_uppercase();
    let params = parts
        .map(|p| match p.split_once('=') {
            Some((n, v)) => (n.trim().to_string(), v.trim().trim_matches('"').to_string()),
            None => ("TYPE".to_string(), p.trim().to_string()),
        })
        .collect();
    Some(Property {
        name,
        params,
        value: value.to_string(),
    })
}

/// Quoted-printable bytes (`=D0=9F`), soft line breaks already joined.
fn decode_quoted_printable(value: &str) -> Vec<u8> {
    let bytes = value.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16).map(|d| d as u8);
        if bytes[i] == b'=' && i + 2 < bytes.len() + 1 {
            if let (Some(h), Some(l)) = (
                bytes.get(i + 1).copied().and_then(hex),
                bytes.get(i + 2).copied().and_then(hex),
            ) {
                out.push(h * 16 + l);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    out
}

/// The text of a property's value: quoted-printable decoded in its charset (UTF-8
/// when none is said; Windows-1251 when the bytes are not UTF-8).
fn text_of(property: &Property) -> String {
    if !property.quoted_printable() {
        return property.value.clone();
    }
    let bytes = decode_quoted_printable(&property.value);
    let charset = property.param("CHARSET").unwrap_or("UTF-8");
    match encoding_rs::Encoding::for_label(charset.as_bytes()) {
        Some(encoding) if encoding != encoding_rs::UTF_8 => {
            encoding.decode_without_bom_handling(&bytes).0.into_owned()
        }
        _ => match String::from_utf8(bytes) {
            Ok(text) => text,
            Err(e) => encoding_rs::WINDOWS_1251
                .decode(e.as_bytes())
                .0
                .into_owned(),
        },
    }
}

/// Splits a structured value on `;` (not `\;`) and unescapes each part.
fn components(value: &str) -> Vec<String> {
    let mut parts = vec![String::new()];
    let mut chars = value.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some('n' | 'N') => parts.last_mut().unwrap().push('\n'),
                Some(other) => parts.last_mut().unwrap().push(other),
                None => {}
            },
            ';' => parts.push(String::new()),
            other => parts.last_mut().unwrap().push(other),
        }
    }
    parts.into_iter().map(|p| p.trim().to_string()).collect()
}

/// A text value unescaped (`\,` `\;` `\n` `\\`).
fn unescape(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut chars = value.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n' | 'N') => out.push('\n'),
            Some(other) => out.push(other),
            None => {}
        }
    }
    out.trim().to_string()
}

/// A vCard `BDAY` as a birthday the fields read: `1990-05-14`, or `--05-14` without a
/// year (vCard's `--0514`, Apple's `1604-05-14` with or without X-APPLE-OMIT-YEAR).
fn birthday(property: &Property) -> String {
    let value = property.value.trim();
    let value = value.split('T').next().unwrap_or(value);
    let digits: String = value.chars().filter(|c| c.is_ascii_digit()).collect();
    let omit = property.param("X-APPLE-OMIT-YEAR");
    match (value.starts_with("--"), digits.len()) {
        (true, 4) => format!("--{}-{}", &digits[..2], &digits[2..]),
        (false, 8) if omit.is_some_and(|y| digits.starts_with(y)) || digits.starts_with("1604") => {
            format!("--{}-{}", &digits[4..6], &digits[6..])
        }
        (false, 8) => format!("{}-{}-{}", &digits[..4], &digits[4..6], &digits[6..]),
        _ => value.to_string(),
    }
}

/// The cards of a vCard file as rows: a header row of [`COLUMNS`] (line 0), then one
/// row per card, at the line of its `BEGIN:VCARD`.
pub fn rows(bytes: Vec<u8>) -> Vec<(u64, StringRecord)> {
    let (text, _) = decode(bytes);
    let mut out = vec![(
        0,
        StringRecord::from(COLUMNS.iter().map(|(h, _)| *h).collect::<Vec<_>>()),
    )];
    let mut card: Option<(u64, Vec<Vec<String>>)> = None;
    let lines: Vec<&str> = text.split('\n').map(|l| l.trim_end_matches('\r')).collect();
    let mut i = 0;
    while i < lines.len() {
        let number = i as u64 + 1;
        let mut line = lines[i].trim_start_matches('\u{feff}').to_string();
        i += 1;
        // Folded lines (a space or tab first) continue this one; so do the lines after
        // a quoted-printable soft break (`=` at the end).
        loop {
            let qp_soft =
                line.ends_with('=') && line.to_ascii_uppercase().contains("QUOTED-PRINTABLE");
            match lines.get(i) {
                Some(next) if next.starts_with([' ', '\t']) => {
                    line.push_str(&next[1..]);
                    i += 1;
                }
                Some(next) if qp_soft => {
                    line.pop();
                    line.push_str(next);
                    i += 1;
                }
                _ => break,
            }
        }
        if line.trim().is_empty() {
            continue;
        }
        let Some(property) = parse_line(&line) else {
            continue;
        };
        match (property.name.as_str(), &mut card) {
            ("BEGIN", _) if property.value.trim().eq_ignore_ascii_case("VCARD") => {
                card = Some((number, vec![Vec::new(); COLUMNS.len()]));
            }
            ("END", Some(_)) => {
                if let Some((at, cells)) = card.take() {
                    let record: Vec<String> = cells.into_iter().map(|v| v.join("\n")).collect();
                    out.push((at, StringRecord::from(record)));
                }
            }
            (_, Some((_, cells))) if !property.binary() => fill(cells, &property),
            _ => {}
        }
    }
    out
}

/// Puts a property's value into the cells of its card.
fn fill(cells: &mut [Vec<String>], property: &Property) {
    let column = |name: &str| COLUMNS.iter().position(|(h, _)| *h == name);
    let mut put = |name: &str, value: String| {
        if let (Some(at), false) = (column(name), value.trim().is_empty()) {
            cells[at].push(value.trim().to_string());
        }
    };
    let text = text_of(property);
    match property.name.as_str() {
        "FN" => put("FN", unescape(&text)),
        "N" => {
            let parts = components(&text);
            put("N (family)", parts.first().cloned().unwrap_or_default());
            put("N (given)", parts.get(1).cloned().unwrap_or_default());
            put("N (middle)", parts.get(2).cloned().unwrap_or_default());
        }
        "ORG" => put(
            "ORG",
            components(&text).into_iter().next().unwrap_or_default(),
        ),
        "TITLE" => put("TITLE", unescape(&text)),
        "TEL" => put("TEL", unescape(text.trim().trim_start_matches("tel:"))),
        "EMAIL" => put("EMAIL", unescape(&text)),
        "BDAY" => put("BDAY", birthday(property)),
        "NOTE" => put("NOTE", unescape(&text)),
        "ADR" => {
            // po box; extended; street; locality; region; code; country
            let parts = components(&text);
            let street = [parts.get(1), parts.get(2)]
                .into_iter()
                .flatten()
                .filter(|p| !p.is_empty())
                .cloned()
                .collect::<Vec<_>>()
                .join(", ");
            put("ADR (street)", street);
            put("ADR (city)", parts.get(3).cloned().unwrap_or_default());
        }
        "CATEGORIES" => {
            for tag in text.split(',') {
                put("CATEGORIES", unescape(tag));
            }
        }
        "KIND"
            if matches!(
                text.trim().to_ascii_lowercase().as_str(),
                "org" | "organization"
            ) =>
        {
            put("KIND", "company".into());
        }
        "X-ABSHOWAS" if text.trim().eq_ignore_ascii_case("COMPANY") => {
            put("KIND", "company".into())
        }
        "GENDER" => match text.trim().chars().next().map(|c| c.to_ascii_uppercase()) {
            Some('M') => put("GENDER", "male".into()),
            Some('F') => put("GENDER", "female".into()),
            _ => {}
        },
        "UID" => put("UID", text),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cell<'r>(rows: &'r [(u64, StringRecord)], card: usize, name: &str) -> &'r str {
        let at = COLUMNS.iter().position(|(h, _)| *h == name).unwrap();
        rows[card].1.get(at).unwrap()
    }

    #[test]
    fn quoted_printable_soft_breaks_may_fall_inside_a_character() {
        // "Пётр" in UTF-8 quoted-printable, broken between the two bytes of "ё".
        let card = "BEGIN:VCARD\r\nVERSION:2.1\r\nN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:;=D0=9F=D1=\r\n=91=D1=82=D1=80;;;\r\nTEL;CELL:+79160000001\r\nEND:VCARD\r\n";
        let rows = rows(card.as_bytes().to_vec());
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[1].0, 1);
        assert_eq!(cell(&rows, 1, "N (given)"), "Пётр");
        assert_eq!(cell(&rows, 1, "TEL"), "+79160000001");
    }

    #[test]
    fn apple_groups_escapes_folds_and_year_less_birthdays() {
        let card = "BEGIN:VCARD\r\nVERSION:3.0\r\nN:;;;;\r\nFN:Типография «Оттиск»\r\nORG:Типография «Оттиск»;\r\nX-ABShowAs:COMPANY\r\nitem1.TEL;type=pref:+7 495 555-12-34\r\nitem1.X-ABLabel:Прямой\r\nNOTE:Встреча 12.09\\, обсудили\\nждёт \r\n КП\r\nBDAY;X-APPLE-OMIT-YEAR=1604:1604-05-14\r\nPHOTO;ENCODING=b;TYPE=JPEG:/9j/4AAQ\r\n SkZJRgAB\r\nEND:VCARD\r\n";
        let rows = rows(card.as_bytes().to_vec());
        assert_eq!(cell(&rows, 1, "KIND"), "company");
        assert_eq!(cell(&rows, 1, "ORG"), "Типография «Оттиск»");
        assert_eq!(cell(&rows, 1, "TEL"), "+7 495 555-12-34");
        assert_eq!(cell(&rows, 1, "NOTE"), "Встреча 12.09, обсудили\nждёт КП");
        assert_eq!(cell(&rows, 1, "BDAY"), "--05-14");
    }
}
