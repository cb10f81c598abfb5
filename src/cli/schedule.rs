//! `schedule [--date D] [--json]`: the signed-in manager's day.

use super::output::{local_date, or_dash, print_json};
use crate::domain::contact::format_phone;
use crate::domain::dates::{format_date, parse_date};
use crate::domain::money::format_money;
use crate::domain::schedule::{ClientRef, DateKind, Section, Today};
use crate::i18n::{language, tr, trf};
use crate::store::{Store, Viewer};
use chrono::Local;
use clap::Args;

#[derive(Debug, Args)]
pub struct ScheduleArgs {
    #[arg(long, value_name = "DATE")]
    pub date: Option<String>,
    #[command(flatten)]
    pub scope: super::segment::SegmentArgs,
    #[arg(long)]
    pub json: bool,
}

pub fn run(store: &Store, viewer: &Viewer, args: ScheduleArgs) -> anyhow::Result<()> {
    let date = match &args.date {
        Some(d) => parse_date(d, super::today())?,
        None => super::today(),
    };
    let filter = args.scope.resolve(store)?;
    let today = store.today_in(viewer, date, &filter)?;
    if args.json {
        return print_json(&today);
    }
    super::output::say_block(&render(&today))?;
    Ok(())
}

fn who(client: &ClientRef) -> String {
    format!(
        "{:>6}  {}  {}",
        client.number,
        client.name,
        or_dash(client.phone.as_deref().map(format_phone))
    )
}

fn section<T>(out: &mut String, key: &str, section: &Section<T>, line: impl Fn(&T) -> String) {
    if section.total == 0 {
        return;
    }
    out.push_str(&format!("\n{} ({})\n", tr(key), section.total_label()));
    for item in &section.items {
        out.push_str(&format!("  {}\n", line(item)));
    }
    let hidden = section.total.saturating_sub(section.items.len() as u64);
    if hidden > 0 {
        out.push_str(&format!("  {}\n", trf("today.more", &[("count", &hidden)])));
    }
}

/// The day as text: one section per kind of work, each with its count.
pub fn render(today: &Today) -> String {
    let lang = language();
    let mut out = format!(
        "{}\n",
        trf("today.title", &[("date", &format_date(today.date, lang))])
    );
    if today.is_empty() {
        out.push_str(&format!("{}\n", tr("today.empty")));
        return out;
    }
    section(&mut out, "today.new_leads", &today.new_leads, |l| {
        format!(
            "{}  {}",
            who(&l.client),
            trf(
                "today.lead_age",
                &[("age", &crate::domain::dates::format_age(l.age_minutes))]
            )
        )
    });
    section(&mut out, "today.overdue", &today.overdue, |c| {
        format!(
            "{}  {}  {}",
            who(&c.client),
            local_date(c.due_at),
            or_dash(c.what())
        )
    });
    section(&mut out, "today.due", &today.due_today, |c| {
        let time = if c.has_time {
            c.due_at.with_timezone(&Local).format("%H:%M").to_string()
        } else {
            c.client
                .call_window
                .as_deref()
                .and_then(|w| crate::domain::call_window::CallWindow::parse(w).ok())
                .map_or_else(|| "—".into(), |w| w.label())
        };
        format!("{}  {}  {}", who(&c.client), time, or_dash(c.what()))
    });
    section(&mut out, "today.dates", &today.dates, |d| {
        let what = match &d.kind {
            DateKind::Birthday => match d.age {
                Some(age) => trf("today.birthday_age", &[("age", &age)]),
                None => tr("today.birthday"),
            },
            DateKind::Relative { label } => label.clone(),
        };
        let when = if d.in_days == 0 {
            tr("today.today")
        } else {
            trf("today.in_days", &[("days", &d.in_days)])
        };
        format!("{}  {what}  {when}", who(&d.client))
    });
    section(
        &mut out,
        "today.prospects",
        &today.prospects_at_limit,
        |p| {
            format!(
                "{}  {}",
                who(&p.client),
                trf("today.prospect_age", &[("days", &p.age_days)])
            )
        },
    );
    section(&mut out, "today.reactivate", &today.to_reactivate, |r| {
        format!(
            "{}  {}  {}",
            who(&r.client),
            format_money(r.total_spent_minor, "RUB", lang),
            trf(
                "today.last_order",
                &[("date", &local_date(r.last_order_at))]
            )
        )
    });
    out
}
