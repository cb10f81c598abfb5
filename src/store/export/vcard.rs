//! vCard 4.0 (RFC 6350) as address books read it: CRLF line ends, lines folded at 75
//! octets without splitting a character, `\ , ;` and new lines escaped in values.

use super::ExportClient;

/// Escapes a text value (or one component of a structured value).
pub fn escape(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in crate::domain::text::printable(value).chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ',' => out.push_str("\\,"),
            ';' => out.push_str("\\;"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            other => out.push(other),
        }
    }
    out
}

/// Folds a content line: at most 75 octets a line, continuation lines start with a
/// space, a UTF-8 sequence is never split. Ends with CRLF.
pub fn fold_line(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + 8);
    let mut used = 0;
    let mut limit = 75;
    for c in line.chars() {
        let len = c.len_utf8();
        if used + len > limit {
            out.push_str("\r\n ");
            used = 0;
            limit = 74;
        }
        out.push(c);
        used += len;
    }
    out.push_str("\r\n");
    out
}

/// One client as a vCard.
pub fn card(client: &ExportClient) -> String {
    let opt = |v: &Option<String>| escape(v.as_deref().unwrap_or(""));
    let mut lines = vec![
        "BEGIN:VCARD".to_string(),
        "VERSION:4.0".to_string(),
        format!("UID:urn:uuid:{}", client.uuid),
        // RFC 6350 §6.1.4: a company's card says so, or it comes back as a person.
        format!(
            "KIND:{}",
            if client.kind == "company" {
                "org"
            } else {
                "individual"
            }
        ),
        format!("FN:{}", escape(&client.name)),
        format!(
            "N:{};{};{};;",
            opt(&client.last_name),
            opt(&client.first_name),
            opt(&client.patronymic)
        ),
    ];
    if let Some(company) = &client.company {
        lines.push(format!("ORG:{}", escape(company)));
    }
    if let Some(position) = &client.position {
        lines.push(format!("TITLE:{}", escape(position)));
    }
    for (i, phone) in client.phones.iter().enumerate() {
        let preferred = if i == 0 { ";PREF=1" } else { "" };
        // A number with an extension as a tel: URI (`tel:+78123004050;ext=12`).
        match crate::domain::contact::phone_parts(phone) {
            (_, Some(_)) => lines.push(format!("TEL;VALUE=uri;TYPE=work{preferred}:tel:{phone}")),
            (_, None) => lines.push(format!("TEL;TYPE=cell{preferred}:{phone}")),
        }
    }
    for (i, email) in client.emails.iter().enumerate() {
        let preferred = if i == 0 { ";PREF=1" } else { "" };
        lines.push(format!("EMAIL{preferred}:{}", escape(email)));
    }
    if let Some(birthday) = client
        .birthday
        .as_deref()
        .and_then(crate::domain::dates::Birthday::from_stored)
    {
        // RFC 6350: `19900514`, or `--0514` when the year is not known.
        let bday = match birthday.year {
            Some(year) => format!("{year:04}{:02}{:02}", birthday.month, birthday.day),
            None => format!("--{:02}{:02}", birthday.month, birthday.day),
        };
        lines.push(format!("BDAY:{bday}"));
    }
    if client.city.is_some() || client.address.is_some() {
        lines.push(format!(
            "ADR:;;{};{};;;",
            opt(&client.address),
            opt(&client.city)
        ));
    }
    if !client.tags.is_empty() {
        let tags: Vec<String> = client.tags.iter().map(|t| escape(t)).collect();
        lines.push(format!("CATEGORIES:{}", tags.join(",")));
    }
    if let Some(notes) = &client.notes {
        lines.push(format!("NOTE:{}", escape(notes)));
    }
    lines.push("END:VCARD".to_string());
    lines.iter().map(|l| fold_line(l)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_escaped() {
        assert_eq!(
            escape("ООО «Рога, копыта; и ко»\\"),
            "ООО «Рога\\, копыта\\; и ко»\\\\"
        );
        assert_eq!(escape("a\nb"), "a\\nb");
    }

    #[test]
    fn long_lines_fold_at_75_octets_between_characters() {
        let line = format!("NOTE:{}", "Ё".repeat(60));
        let folded = fold_line(&line);
        for part in folded.split("\r\n").filter(|p| !p.is_empty()) {
            assert!(part.len() <= 75, "{} octets: {part}", part.len());
        }
        let unfolded = folded.trim_end_matches("\r\n").replace("\r\n ", "");
        assert_eq!(unfolded, line);
        assert_eq!(fold_line("FN:Li"), "FN:Li\r\n");
    }
}
