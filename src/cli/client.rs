//! `client add/list/show/edit/assign/archive/restore/forget/consent`.

use super::output::{local_date, local_time, or_dash, print_json, table};
use crate::domain::codes::{ArchiveReason, ConsentForm, ConsentPurpose, OrderStatus};
use crate::domain::contact::format_phone;
use crate::domain::dates::parse_date;
use crate::domain::fields::{ClientDraft, Field};
use crate::domain::money::format_money;
use crate::domain::segments::tier_label;
use crate::i18n::{language, tr, tr_value, trf};
use crate::store::activity::ConsentRecord;
use crate::store::listing::Cursor;
use crate::store::people::NewPerson;
use crate::store::{ListQuery, Store, StoreError, Viewer};
use clap::{Args, Subcommand};

#[derive(Debug, Args)]
pub struct AddArgs {
    #[arg(long)]
    pub name: Option<String>,
    #[arg(long)]
    pub company: Option<String>,
    #[arg(long, value_name = "person|company")]
    pub kind: Option<String>,
    #[arg(long = "phone", value_name = "PHONE")]
    pub phones: Vec<String>,
    #[arg(long = "email", value_name = "EMAIL")]
    pub emails: Vec<String>,
    #[arg(long, value_name = "DATE")]
    pub birthday: Option<String>,
    #[arg(long)]
    pub city: Option<String>,
    #[arg(long)]
    pub source: Option<String>,
    #[arg(long = "tag", value_name = "TAG")]
    pub tags: Vec<String>,
    #[arg(long, value_name = "\"Mon-Fri 10:00-18:00\"")]
    pub call_window: Option<String>,
    #[arg(long, value_name = "ZONE")]
    pub time_zone: Option<String>,
    #[arg(long)]
    pub channel: Option<String>,
    #[arg(long)]
    pub notes: Option<String>,
    #[arg(long, value_name = "LOGIN")]
    pub manager: Option<String>,
    #[arg(long)]
    pub allow_duplicate: bool,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum ClientCommand {
    Add(AddArgs),
    List {
        #[command(flatten)]
        scope: super::segment::SegmentArgs,
        #[arg(long)]
        search: Option<String>,
        #[arg(long, value_name = "LOGIN")]
        manager: Option<String>,
        #[arg(long, default_value_t = 100)]
        limit: usize,
        #[arg(long)]
        all: bool,
        #[arg(long)]
        json: bool,
    },
    Show {
        id: String,
        #[arg(long)]
        json: bool,
    },
    Edit {
        id: String,
        #[arg(
            trailing_var_arg = true,
            allow_hyphen_values = true,
            value_name = "--FIELD VALUE"
        )]
        changes: Vec<String>,
    },
    Assign {
        id: String,
        login: String,
    },
    Archive {
        id: String,
        #[arg(long)]
        reason: String,
        #[arg(long)]
        note: Option<String>,
    },
    Restore {
        id: String,
    },
    Forget {
        id: String,
    },
    /// Adds a contact person to a (company) client.
    Person {
        id: String,
        #[arg(long)]
        name: String,
        #[arg(long)]
        position: Option<String>,
        #[arg(long)]
        phone: Option<String>,
        #[arg(long)]
        email: Option<String>,
        #[arg(long)]
        decision_maker: bool,
    },
    Consent {
        id: String,
        #[arg(value_name = "processing|marketing")]
        purpose: String,
        #[arg(value_name = "given|withdrawn")]
        status: String,
        #[arg(long, value_name = "written|web|verbal|public")]
        form: Option<String>,
        #[arg(long, value_name = "DATE")]
        date: Option<String>,
        #[arg(long)]
        note: Option<String>,
    },
}

fn draft_from(args: &AddArgs) -> ClientDraft {
    let mut draft = ClientDraft::default();
    let singles = [
        (Field::Name, &args.name),
        (Field::Company, &args.company),
        (Field::Kind, &args.kind),
        (Field::Birthday, &args.birthday),
        (Field::City, &args.city),
        (Field::Source, &args.source),
        (Field::CallWindow, &args.call_window),
        (Field::TimeZone, &args.time_zone),
        (Field::Channel, &args.channel),
        (Field::Notes, &args.notes),
    ];
    for (field, value) in singles {
        if let Some(v) = value {
            draft.set(field, v.clone());
        }
    }
    for (field, values) in [
        (Field::Phones, &args.phones),
        (Field::Emails, &args.emails),
        (Field::Tags, &args.tags),
    ] {
        for v in values {
            draft.set(field, v.clone());
        }
    }
    draft
}

/// Reads `--city Москва --phone "+7…" --birthday=01.02.1990` into a draft; an unknown
/// field or a missing value is an error naming it.
pub fn parse_changes(changes: &[String]) -> Result<ClientDraft, StoreError> {
    let mut draft = ClientDraft::default();
    let mut iter = changes.iter();
    while let Some(arg) = iter.next() {
        let Some(name) = arg.strip_prefix("--") else {
            return Err(StoreError::UnknownField(arg.clone()));
        };
        let (name, value) = match name.split_once('=') {
            Some((n, v)) => (n, v.to_string()),
            None => (
                name,
                iter.next()
                    .cloned()
                    .ok_or_else(|| StoreError::Required(name.to_string()))?,
            ),
        };
        let field = Field::parse(name).ok_or_else(|| StoreError::UnknownField(name.to_string()))?;
        draft.set(field, value);
    }
    Ok(draft)
}

pub fn run(store: &mut Store, viewer: &Viewer, cmd: ClientCommand) -> anyhow::Result<()> {
    match cmd {
        ClientCommand::Add(args) => {
            let draft = draft_from(&args);
            // A phone or an e-mail one of the viewer's clients has: most likely that
            // client, so it is not added twice unless asked.
            if !args.allow_duplicate {
                if let Some((value, number, name)) = store
                    .clients_with_contacts_of(viewer, &draft)?
                    .into_iter()
                    .next()
                {
                    anyhow::bail!(crate::i18n::trf(
                        "cli.duplicate_contact",
                        &[("value", &value), ("number", &number), ("name", &name)]
                    ));
                }
            }
            let number = store.add_client(viewer, &draft, args.manager.as_deref())?;
            if args.json {
                print_json(&serde_json::json!({ "number": number }))
            } else {
                say!("{}", tr_value("cli.client_added", &number));
                Ok(())
            }
        }
        ClientCommand::List {
            scope,
            search,
            manager,
            limit,
            all,
            json,
        } => {
            let query = ListQuery {
                search: search.unwrap_or_default(),
                segment: None,
                filter: scope.resolve(store)?,
                manager,
            };
            let mut rows = Vec::new();
            let mut cursor: Option<Cursor> = None;
            loop {
                let page = store.list_clients(
                    viewer,
                    &query,
                    cursor.as_ref(),
                    if all { 1000 } else { limit },
                )?;
                rows.extend(page.rows);
                cursor = page.next;
                if !all || cursor.is_none() {
                    break;
                }
            }
            if json {
                return print_json(&rows);
            }
            let mut header = vec![
                tr("column.number"),
                tr("column.name"),
                tr("column.company"),
                tr("column.segment"),
                tr("column.tier"),
                tr("column.next_contact"),
                tr("column.phone"),
            ];
            if viewer.sees_everyone() {
                header.push(tr("column.manager"));
            }
            let lines: Vec<Vec<String>> = rows
                .iter()
                .map(|r| {
                    let mut line = vec![
                        r.number.clone(),
                        if r.forgotten {
                            tr("client.forgotten")
                        } else {
                            r.name.clone()
                        },
                        or_dash(r.company.clone()),
                        r.segment.label(),
                        or_dash(r.tier.as_deref().map(tier_label)),
                        or_dash(r.next_contact_at.map(local_date)),
                        or_dash(r.phone.as_deref().map(format_phone)),
                    ];
                    if viewer.sees_everyone() {
                        line.push(r.manager.clone());
                    }
                    line
                })
                .collect();
            say!("{}", table(&header, &lines));
            if cursor.is_some() {
                say!("{}", tr("cli.more_rows"));
            }
            Ok(())
        }
        ClientCommand::Show { id, json } => {
            let card = store.client_card(viewer, &id)?;
            if json {
                return print_json(&card);
            }
            print_card(&card)?;
            Ok(())
        }
        ClientCommand::Edit { id, changes } => {
            let draft = parse_changes(&changes)?;
            if draft.values.is_empty() {
                return Err(StoreError::Required("--FIELD VALUE".into()).into());
            }
            let changed = store.edit_client(viewer, &id, &draft)?;
            say!(
                "{}",
                tr_value(
                    if changed {
                        "cli.client_saved"
                    } else {
                        "cli.nothing_changed"
                    },
                    &id
                )
            );
            Ok(())
        }
        ClientCommand::Assign { id, login } => {
            store.assign(viewer, &id, &login)?;
            say!(
                "{}",
                trf("cli.client_assigned", &[("number", &id), ("login", &login)])
            );
            Ok(())
        }
        ClientCommand::Archive { id, reason, note } => {
            let reason = ArchiveReason::parse(&reason)
                .ok_or_else(|| StoreError::bad_value("reason", &reason, ArchiveReason::codes()))?;
            store.archive(viewer, &id, reason, note.as_deref())?;
            say!(
                "{}",
                trf(
                    "cli.client_archived",
                    &[("number", &id), ("reason", &reason.label())]
                )
            );
            Ok(())
        }
        ClientCommand::Restore { id } => {
            store.restore(viewer, &id)?;
            say!("{}", tr_value("cli.client_restored", &id));
            Ok(())
        }
        ClientCommand::Forget { id } => {
            store.forget(viewer, &id)?;
            say!("{}", tr_value("cli.client_forgotten", &id));
            Ok(())
        }
        ClientCommand::Person {
            id,
            name,
            position,
            phone,
            email,
            decision_maker,
        } => {
            let person = NewPerson {
                name,
                position,
                phone,
                email,
                decision_maker,
            };
            store.add_contact_person(viewer, &id, &person)?;
            say!("{}", tr_value("entry.person_saved", &id));
            Ok(())
        }
        ClientCommand::Consent {
            id,
            purpose,
            status,
            form,
            date,
            note,
        } => {
            let purpose_code = ConsentPurpose::parse(&purpose).ok_or_else(|| {
                StoreError::bad_value("purpose", &purpose, ConsentPurpose::codes())
            })?;
            let given = match status.trim().to_lowercase().as_str() {
                "given" | "дано" | "дан" => true,
                "withdrawn" | "отозвано" | "отозван" => false,
                _ => {
                    return Err(StoreError::bad_value("status", &status, "given, withdrawn").into())
                }
            };
            let form = form
                .map(|f| {
                    ConsentForm::parse(&f)
                        .ok_or_else(|| StoreError::bad_value("form", &f, ConsentForm::codes()))
                })
                .transpose()?;
            let date = match date {
                Some(d) => parse_date(&d, super::today())?,
                None => super::today(),
            };
            let record = ConsentRecord {
                purpose: purpose_code,
                given,
                form,
                date,
                note,
            };
            store.record_consent(viewer, &id, &record)?;
            say!("{}", tr_value("cli.consent_recorded", &id));
            Ok(())
        }
    }
}

fn print_card(card: &crate::store::card::ClientCard) -> anyhow::Result<()> {
    let lang = language();
    let mut lines: Vec<(String, String)> = vec![
        (tr("column.number"), card.number.clone()),
        (tr("column.name"), card.name.clone()),
    ];
    lines.extend(crate::present::profile_fields(card));
    if let Some(task) = card
        .tasks
        .iter()
        .filter(|t| t.done_at.is_none())
        .min_by_key(|t| t.due_at)
    {
        let when = if task.has_time {
            local_time(task.due_at)
        } else {
            local_date(task.due_at)
        };
        let purpose = task
            .purpose
            .clone()
            .map_or_else(String::new, |p| format!(" — {p}"));
        lines.push((tr("column.next_contact"), format!("{when}{purpose}")));
    }
    let rows: Vec<Vec<String>> = lines.into_iter().map(|(k, v)| vec![k, v]).collect();
    say!(
        "{}",
        table(&[tr("column.field"), tr("column.value")], &rows)
    );
    if !card.people.is_empty() {
        say!("\n{}", tr("card.people"));
        let rows: Vec<Vec<String>> = card
            .people
            .iter()
            .map(|p| {
                vec![
                    p.name.clone(),
                    or_dash(p.position.clone()),
                    or_dash(p.phone.as_deref().map(format_phone)),
                    or_dash(p.email.clone()),
                    if p.decision_maker {
                        tr("card.decision_maker")
                    } else {
                        String::new()
                    },
                ]
            })
            .collect();
        let header = [
            tr("column.name"),
            tr("field.position"),
            tr("column.phone"),
            tr("field.email"),
            String::new(),
        ];
        say!("{}", table(&header, &rows));
    }
    if !card.orders.is_empty() {
        say!("\n{}", tr("card.orders"));
        let rows: Vec<Vec<String>> = card
            .orders
            .iter()
            .map(|o| {
                vec![
                    local_date(o.ordered_at),
                    format_money(o.amount_minor, &o.currency, lang),
                    o.items.to_string(),
                    OrderStatus::from_code(&o.status).map_or(o.status.clone(), |s| s.label()),
                ]
            })
            .collect();
        say!(
            "{}",
            table(
                &[
                    tr("column.date"),
                    tr("column.amount"),
                    tr("column.items"),
                    tr("column.status")
                ],
                &rows
            )
        );
    }
    if !card.interactions.is_empty() {
        say!("\n{}", tr("card.history"));
        let rows: Vec<Vec<String>> = card
            .interactions
            .iter()
            .take(20)
            .map(|i| {
                vec![
                    local_time(i.at),
                    crate::domain::codes::InteractionKind::from_code(&i.kind)
                        .map_or(i.kind.clone(), |k| k.label()),
                    or_dash(i.outcome.clone()),
                    or_dash(i.summary.clone()),
                ]
            })
            .collect();
        say!(
            "{}",
            table(
                &[
                    tr("column.when"),
                    tr("column.kind"),
                    tr("column.outcome"),
                    tr("column.summary")
                ],
                &rows
            )
        );
    }
    Ok(())
}
