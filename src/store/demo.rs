//! `clientbook demo`: a realistic base (Russian and English names, B2C and B2B,
//! orders, history, contacts due today and overdue, birthdays this week) spread over
//! managers. The same seed gives the same people. Written in batches through the one
//! write path, with derived facts computed here rather than re-read row by row.

use super::activity::local_instant;
use super::error::{StoreError, StoreResult};
use super::facts::{display_name, index_client, text_fingerprint};
use super::search::search_text;
use super::write::{int, opt_int, opt_text, text, Entity, Writer};
use super::{Store, Viewer};
use crate::domain::codes::Role;
use crate::domain::dates::month_day;
use crate::domain::text::fold;
use chrono::{Duration, Local, NaiveDate, NaiveTime, Utc};
use rusqlite::types::Value;
use serde::Deserialize;

const DEMO_SEEDS: &str = include_str!("../../assets/demo.toml");
const BATCH: usize = 20_000;

#[derive(Deserialize)]
struct Seeds {
    managers: Vec<(String, String)>,
    ru_male_first: Vec<String>,
    ru_female_first: Vec<String>,
    ru_last: Vec<String>,
    ru_patronymic_roots: Vec<String>,
    en_first_male: Vec<String>,
    en_first_female: Vec<String>,
    en_last: Vec<String>,
    company_forms: Vec<String>,
    company_words: Vec<String>,
    en_company_words: Vec<String>,
    en_company_forms: Vec<String>,
    positions: Vec<String>,
    cities: Vec<(String, u32)>,
    time_zones: Vec<(String, String)>,
    tags: Vec<String>,
    sources: Vec<(String, u32)>,
    mail_domains: Vec<String>,
    call_windows: Vec<String>,
    call_purposes: Vec<String>,
    call_outcomes: Vec<String>,
    relative_labels: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DemoOptions {
    pub clients: usize,
    pub managers: usize,
    pub seed: u64,
}

impl Default for DemoOptions {
    fn default() -> Self {
        DemoOptions {
            clients: 500,
            managers: 3,
            seed: 42,
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct DemoSummary {
    pub managers: Vec<String>,
    pub clients: usize,
    pub orders: usize,
    pub interactions: usize,
    pub scheduled: usize,
}

fn pick<'a, T>(rng: &mut fastrand::Rng, items: &'a [T]) -> &'a T {
    &items[rng.usize(..items.len())]
}

fn weighted<'a>(rng: &mut fastrand::Rng, items: &'a [(String, u32)]) -> &'a str {
    let total: u32 = items.iter().map(|(_, w)| w).sum();
    let mut roll = rng.u32(..total.max(1));
    for (item, weight) in items {
        if roll < *weight {
            return item;
        }
        roll -= weight;
    }
    &items[0].0
}

fn seeded_uuid(rng: &mut fastrand::Rng) -> String {
    uuid::Builder::from_random_bytes(rng.u128(..).to_le_bytes())
        .into_uuid()
        .to_string()
}

/// Latin spelling of a Russian name, for e-mail addresses.
fn translit(text: &str) -> String {
    const MAP: &[(char, &str)] = &[
        ('а', "a"),
        ('б', "b"),
        ('в', "v"),
        ('г', "g"),
        ('д', "d"),
        ('е', "e"),
        ('ё', "e"),
        ('ж', "zh"),
        ('з', "z"),
        ('и', "i"),
        ('й', "y"),
        ('к', "k"),
        ('л', "l"),
        ('м', "m"),
        ('н', "n"),
        ('о', "o"),
        ('п', "p"),
        ('р', "r"),
        ('с', "s"),
        ('т', "t"),
        ('у', "u"),
        ('ф', "f"),
        ('х', "kh"),
        ('ц', "ts"),
        ('ч', "ch"),
        ('ш', "sh"),
        ('щ', "sch"),
        ('ъ', ""),
        ('ы', "y"),
        ('ь', ""),
        ('э', "e"),
        ('ю', "yu"),
        ('я', "ya"),
    ];
    text.to_lowercase()
        .chars()
        .map(|c| {
            MAP.iter()
                .find(|(k, _)| *k == c)
                .map_or_else(|| c.to_string(), |(_, v)| v.to_string())
        })
        .collect()
}

impl Store {
    /// Fills the base with demo managers and clients. Leads and admins only.
    pub fn load_demo(
        &mut self,
        actor: &Viewer,
        options: DemoOptions,
        mut progress: impl FnMut(usize),
    ) -> StoreResult<DemoSummary> {
        if !crate::domain::rules::may_manage_team(actor.role) {
            return Err(StoreError::NotAllowed);
        }
        let seeds: Seeds =
            toml::from_str(DEMO_SEEDS).map_err(|e| StoreError::Database(e.to_string()))?;
        // A second load into the same base continues rather than repeating the first.
        let existing: u64 = self.conn.query_row(
            "SELECT count(*) FROM clients /* scope: the base's own numbering */",
            [],
            |r| r.get::<_, i64>(0),
        )? as u64;
        let mut rng =
            fastrand::Rng::with_seed(options.seed ^ existing.wrapping_mul(0x9E37_79B9_7F4A_7C15));
        let mut summary = DemoSummary::default();
        let mut manager_ids = Vec::new();
        for i in 0..options.managers.max(1) {
            let (login, name) = match seeds.managers.get(i) {
                Some((login, name)) => (login.clone(), name.clone()),
                None => (format!("manager{}", i + 1), format!("Менеджер {}", i + 1)),
            };
            let viewer = match self.viewer(Some(&login)) {
                Ok(existing) => existing,
                Err(_) => self.add_manager(actor, &login, &name, Role::Manager)?,
            };
            manager_ids.push(viewer.id);
            summary.managers.push(login);
        }
        // The one loading the demo gets clients too, so their own Today is not empty.
        if actor.role == Role::Admin && options.managers <= 5 {
            manager_ids.push(actor.id);
        }
        let first_new: i64 = self.conn.query_row(
            "SELECT coalesce(max(id), 0) + 1 FROM clients /* scope: ids */",
            [],
            |r| r.get(0),
        )?;
        let mut made = 0;
        // A bulk load touches many index pages; a larger cache for its duration only.
        self.conn.pragma_update(None, "cache_size", -262_144)?;
        while made < options.clients {
            let batch = BATCH.min(options.clients - made);
            self.write(Some(actor), |w| {
                w.defer_facts();
                for _ in 0..batch {
                    let manager = *pick(&mut rng, &manager_ids);
                    demo_client(w, &seeds, &mut rng, manager, &mut summary)?;
                }
                Ok(())
            })?;
            made += batch;
            progress(made);
        }
        // Its two updates together or not at all, and like every write, waiting for
        // the lock rather than failing on a busy base.
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        super::tiers::recompute_tiers(
            &tx,
            &self.settings,
            chrono::Utc::now(),
            Some((first_new, i64::MAX)),
        )?;
        tx.commit()?;
        self.conn.pragma_update(None, "cache_size", -2_000)?;
        summary.clients = made;
        Ok(summary)
    }
}

struct Person {
    last: Option<String>,
    first: Option<String>,
    patronymic: Option<String>,
    latin: String,
}

fn person(seeds: &Seeds, rng: &mut fastrand::Rng) -> Person {
    let female = rng.bool();
    if rng.f32() < 0.7 {
        let first = pick(
            rng,
            if female {
                &seeds.ru_female_first
            } else {
                &seeds.ru_male_first
            },
        )
        .clone();
        let mut last = pick(rng, &seeds.ru_last).clone();
        if female {
            last.push('а');
        }
        let root = pick(rng, &seeds.ru_patronymic_roots);
        let patronymic = format!("{root}{}", if female { "на" } else { "ич" });
        let latin = format!("{}.{}", translit(&first), translit(&last));
        // About half of the names customarily written with ё are written with е.
        let mut plain = |s: String| {
            if rng.bool() {
                s.replace('ё', "е").replace('Ё', "Е")
            } else {
                s
            }
        };
        Person {
            last: Some(plain(last)),
            first: Some(plain(first)),
            patronymic: Some(patronymic),
            latin,
        }
    } else {
        let first = pick(
            rng,
            if female {
                &seeds.en_first_female
            } else {
                &seeds.en_first_male
            },
        )
        .clone();
        let last = pick(rng, &seeds.en_last).clone();
        let latin = format!("{}.{}", first.to_lowercase(), last.to_lowercase());
        Person {
            last: Some(last),
            first: Some(first),
            patronymic: None,
            latin,
        }
    }
}

fn phone(rng: &mut fastrand::Rng) -> String {
    format!("+79{:02}{:07}", rng.u32(0..100), rng.u32(0..10_000_000))
}

fn demo_client(
    w: &mut Writer<'_>,
    seeds: &Seeds,
    rng: &mut fastrand::Rng,
    manager: i64,
    summary: &mut DemoSummary,
) -> StoreResult<()> {
    let now = Utc::now();
    let today = Local::now().date_naive();
    let ms = |t: chrono::DateTime<Utc>| t.timestamp_millis();
    let who = person(seeds, rng);
    let is_company = rng.f32() < 0.25;
    let company = is_company.then(|| {
        if rng.f32() < 0.85 {
            format!(
                "{} «{}»",
                pick(rng, &seeds.company_forms),
                pick(rng, &seeds.company_words)
            )
        } else {
            format!(
                "{} {}",
                pick(rng, &seeds.en_company_words),
                pick(rng, &seeds.en_company_forms)
            )
        }
    });
    let kind = if is_company { "company" } else { "person" };
    let city = weighted(rng, &seeds.cities).to_string();
    let zone = seeds
        .time_zones
        .iter()
        .find(|(c, _)| *c == city)
        .map(|(_, z)| z.clone());
    let new_lead = rng.f32() < 0.04;
    let created = if new_lead {
        now - Duration::minutes(rng.i64(3..72 * 60))
    } else {
        now - Duration::days(rng.i64(2..1095))
    };
    let birthday = (!is_company && rng.f32() < 0.7).then(|| {
        let year = rng.i32(1955..2006);
        let (month, day) = if rng.f32() < 0.04 {
            let soon = today + Duration::days(rng.i64(0..7));
            (chrono::Datelike::month(&soon), chrono::Datelike::day(&soon))
        } else {
            (rng.u32(1..13), rng.u32(1..29))
        };
        NaiveDate::from_ymd_opt(year, month, day).unwrap_or_default()
    });
    let archived = !new_lead && rng.f32() < 0.04;
    let phones: Vec<String> = match rng.f32() {
        x if x < 0.03 => vec![],
        x if x < 0.18 => vec![phone(rng), phone(rng)],
        _ => vec![phone(rng)],
    };
    let email = (rng.f32() < 0.9).then(|| {
        format!(
            "{}{}@{}",
            who.latin,
            rng.u32(1..100),
            pick(rng, &seeds.mail_domains)
        )
    });
    let tag_count = rng.usize(0..4);
    let mut tags: Vec<String> = (0..tag_count)
        .map(|_| fold(pick::<String>(rng, &seeds.tags)))
        .collect();
    tags.sort();
    tags.dedup();

    // History first, so the client row is written once with its facts.
    let mut orders = Vec::new();
    if !new_lead && rng.f32() < 0.6 {
        let span = (now - created).num_minutes().max(1);
        for _ in 0..rng.usize(1..7) {
            let at = created + Duration::minutes(rng.i64(0..span));
            let amount = (rng.i64(5..2000) * rng.i64(1..20) * 100).min(50_000_000);
            orders.push((at, amount, rng.i64(1..6)));
        }
    }
    let mut interactions = Vec::new();
    if !new_lead {
        let span = (now - created).num_minutes().max(1);
        for _ in 0..rng.usize(1..4) {
            interactions.push(created + Duration::minutes(rng.i64(0..span)));
        }
    }
    // A new lead is waiting for its first call, not planned yet.
    let scheduled = if archived || new_lead {
        None
    } else {
        match rng.f32() {
            x if x < 0.02 => {
                let timed = rng.bool();
                let time =
                    NaiveTime::from_hms_opt(rng.u32(9..18), [0, 15, 30, 45][rng.usize(0..4)], 0)
                        .unwrap_or(NaiveTime::MIN);
                Some((
                    local_instant(today, if timed { time } else { NaiveTime::MIN }),
                    timed,
                ))
            }
            x if x < 0.12 => Some((
                local_instant(today - Duration::days(rng.i64(1..30)), NaiveTime::MIN),
                false,
            )),
            x if x < 0.87 => Some((
                local_instant(today + Duration::days(rng.i64(1..60)), NaiveTime::MIN),
                false,
            )),
            _ => None,
        }
    };
    let marketing = rng.f32() < 0.4;
    let valid_orders: Vec<_> = orders.iter().collect();
    let total: i64 = valid_orders.iter().map(|o| o.1).sum();
    let last_order = valid_orders.iter().map(|o| o.0).max();

    let name = display_name(
        kind,
        who.last.as_deref(),
        who.first.as_deref(),
        who.patronymic.as_deref(),
        company.as_deref(),
    );
    let number = w.next_number()?;
    let uuid = seeded_uuid(rng);
    let call_window = (rng.f32() < 0.2).then(|| pick(rng, &seeds.call_windows).clone());
    let source = weighted(rng, &seeds.sources).to_string();
    let stage = if !orders.is_empty() {
        "won"
    } else if new_lead {
        "new"
    } else {
        ["contacted", "qualified", "proposal", "negotiation"][rng.usize(0..4)]
    };
    let fields: Vec<(&str, Value)> = vec![
        ("number", text(&number)),
        ("kind", text(kind)),
        ("last_name", opt_text(who.last.clone())),
        ("first_name", opt_text(who.first.clone())),
        ("patronymic", opt_text(who.patronymic.clone())),
        ("company", opt_text(company.clone())),
        (
            "position",
            opt_text(is_company.then(|| pick(rng, &seeds.positions).clone())),
        ),
        (
            "birthday",
            opt_text(birthday.map(|b| b.format("%Y-%m-%d").to_string())),
        ),
        ("city", text(&city)),
        ("time_zone", opt_text(zone)),
        ("call_window", opt_text(call_window)),
        ("manager_id", int(manager)),
        ("source", text(source)),
        ("stage", text(stage)),
        (
            "archived_at",
            opt_int(archived.then(|| ms(now - Duration::days(rng.i64(1..200))))),
        ),
        (
            "archive_reason",
            opt_text(
                archived
                    .then(|| ["competitor", "price", "no_need", "no_response"][rng.usize(0..4)]),
            ),
        ),
        ("created_at", int(ms(created))),
    ];
    let person_name = [
        who.last.as_deref(),
        who.first.as_deref(),
        who.patronymic.as_deref(),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" ");
    let mut names: Vec<&str> = vec![&person_name];
    names.extend(company.as_deref());
    names.extend(email.as_deref());
    names.extend(tags.iter().map(String::as_str));
    let search_words = search_text(names, phones.iter().map(String::as_str));
    let derived: Vec<(&str, Value)> = vec![
        ("search_hash", int(text_fingerprint(&search_words))),
        ("display_name", text(&name)),
        ("sort_name", text(fold(&name))),
        ("primary_phone", opt_text(phones.first().cloned())),
        (
            "birthday_md",
            opt_int(birthday.map(|b| i64::from(month_day(b)))),
        ),
        ("orders_count", int(orders.len() as i64)),
        ("total_spent_minor", int(total)),
        ("last_order_at", opt_int(last_order.map(ms))),
        (
            "last_contact_at",
            opt_int(interactions.iter().max().copied().map(ms)),
        ),
        ("next_contact_at", opt_int(scheduled.map(|(at, _)| ms(at)))),
        ("has_email", int(email.is_some().into())),
        (
            "marketing_consent",
            int((marketing && email.is_some()).into()),
        ),
    ];
    // The id is chosen here so the search rowid can be written with the row: a later
    // UPDATE would cost a statement savepoint (and an FTS5 flush) per client.
    let id: i64 = w
        .tx()
        .prepare_cached("SELECT coalesce(max(id), 0) + 1 FROM clients /* scope: ids */")?
        .query_row([], |r| r.get(0))?;
    let rowid = super::search::search_rowid(manager, id);
    let mut derived = derived;
    derived.push(("id", int(id)));
    derived.push(("search_rowid", int(rowid)));
    w.insert_with_uuid(Entity::Client, &uuid, &fields, &derived)?;
    let client = ("client_id", int(id));
    for p in &phones {
        let u = seeded_uuid(rng);
        w.insert_with_uuid(
            Entity::ContactPoint,
            &u,
            &[client.clone(), ("kind", text("phone")), ("value", text(p))],
            &[],
        )?;
    }
    if let Some(e) = &email {
        let u = seeded_uuid(rng);
        w.insert_with_uuid(
            Entity::ContactPoint,
            &u,
            &[client.clone(), ("kind", text("email")), ("value", text(e))],
            &[],
        )?;
    }
    for t in &tags {
        let u = seeded_uuid(rng);
        w.insert_with_uuid(Entity::Tag, &u, &[client.clone(), ("tag", text(t))], &[])?;
    }
    for (at, amount, items) in &orders {
        let u = seeded_uuid(rng);
        w.insert_with_uuid(
            Entity::Order,
            &u,
            &[
                client.clone(),
                ("manager_id", int(manager)),
                ("ordered_at", int(ms(*at))),
                ("amount_minor", int(*amount)),
                ("currency", text("RUB")),
                ("items", int(*items)),
                ("status", text("completed")),
            ],
            &[],
        )?;
    }
    for at in &interactions {
        let u = seeded_uuid(rng);
        w.insert_with_uuid(
            Entity::Interaction,
            &u,
            &[
                client.clone(),
                ("manager_id", int(manager)),
                ("kind", text(if rng.f32() < 0.8 { "call" } else { "email" })),
                ("direction", text("outbound")),
                ("outcome", text(pick(rng, &seeds.call_outcomes))),
                ("at", int(ms(*at))),
            ],
            &[],
        )?;
    }
    if let Some((at, timed)) = scheduled {
        let u = seeded_uuid(rng);
        w.insert_with_uuid(
            Entity::ScheduledContact,
            &u,
            &[
                client.clone(),
                ("manager_id", int(manager)),
                ("due_at", int(ms(at))),
                ("has_time", int(timed.into())),
                ("channel", text("phone")),
                ("purpose", text(pick(rng, &seeds.call_purposes))),
                ("agreed", int(0)),
            ],
            &[],
        )?;
        summary.scheduled += 1;
    }
    let consent_day = created
        .with_timezone(&Local)
        .date_naive()
        .format("%Y-%m-%d")
        .to_string();
    let purposes: &[&str] = if marketing {
        &["processing", "marketing"]
    } else {
        &["processing"]
    };
    for purpose in purposes {
        let u = seeded_uuid(rng);
        w.insert_with_uuid(
            Entity::Consent,
            &u,
            &[
                client.clone(),
                ("purpose", text(*purpose)),
                ("status", text("given")),
                ("form", text("web")),
                ("given_on", text(&consent_day)),
            ],
            &[],
        )?;
    }
    if !is_company && rng.f32() < 0.05 {
        let date = NaiveDate::from_ymd_opt(rng.i32(1960..2020), rng.u32(1..13), rng.u32(1..29))
            .unwrap_or_default();
        let u = seeded_uuid(rng);
        w.insert_with_uuid(
            Entity::ImportantDate,
            &u,
            &[
                client.clone(),
                ("label", text(pick(rng, &seeds.relative_labels))),
                ("date", text(date.format("%Y-%m-%d").to_string())),
                ("md", int(i64::from(month_day(date)))),
            ],
            &[],
        )?;
    }
    index_client(w.tx(), rowid, &search_words)?;
    summary.orders += orders.len();
    summary.interactions += interactions.len();
    Ok(())
}

impl Store {
    /// A working day of another device, for `bench`: `count` of the viewer's clients
    /// get a new city and a note and one logged call each, in one transaction (two
    /// changes a client).
    pub fn demo_edits(&mut self, viewer: &Viewer, count: usize) -> StoreResult<usize> {
        let visible = super::Scope::of(viewer).clients("c");
        let ids: Vec<i64> = self
            .conn
            .prepare(&format!(
                "SELECT c.id FROM clients c WHERE c.deleted = 0 AND c.forgotten_at IS NULL AND {visible}
                 ORDER BY c.id LIMIT ?1"
            ))?
            .query_map([count as i64], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        let cities = ["Самара", "Казань", "Пермь", "Тверь", "Омск"];
        let actor = viewer.id;
        self.write(Some(viewer), |w| {
            for (i, id) in ids.iter().enumerate() {
                w.update(
                    Entity::Client,
                    *id,
                    &[
                        ("city", text(cities[i % cities.len()])),
                        ("notes", text(format!("перезвонить после {}", i % 28 + 1))),
                    ],
                )?;
                w.insert(
                    Entity::Interaction,
                    &[
                        ("client_id", int(*id)),
                        ("manager_id", int(actor)),
                        ("kind", text("call")),
                        ("direction", text("outbound")),
                        ("summary", text("обсудили заказ")),
                        ("at", int(w.now_ms())),
                    ],
                )?;
            }
            Ok(ids.len() * 2)
        })
    }
}
