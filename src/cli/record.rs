//! `log` (an interaction, optionally with the next contact) and `order add`.

use crate::domain::codes::{Channel, Direction, InteractionKind, OrderStatus};
use crate::domain::dates::{format_date, parse_date, parse_date_time};
use crate::domain::money::parse_amount;
use crate::domain::rules::TooSoon;
use crate::i18n::{language, tr_value, trf};
use crate::store::activity::{NewInteraction, NewOrder, NextContact};
use crate::store::{Store, StoreError, Viewer};
use clap::{Args, Subcommand};

#[derive(Debug, Args)]
pub struct LogArgs {
    pub id: String,
    #[arg(long, value_name = "call|email|meeting|message|note")]
    pub kind: String,
    #[arg(long)]
    pub outcome: Option<String>,
    #[arg(long)]
    pub summary: Option<String>,
    /// The next contact: a date, optionally with a time.
    #[arg(long, value_name = "DATE[ TIME]")]
    pub next: Option<String>,
    #[arg(long, value_name = "TEXT")]
    pub purpose: Option<String>,
    #[arg(long)]
    pub channel: Option<String>,
    #[arg(long)]
    pub agreed: bool,
    #[arg(long)]
    pub inbound: bool,
    #[arg(long, value_name = "0-10")]
    pub nps: Option<i64>,
}

#[derive(Debug, Subcommand)]
pub enum OrderCommand {
    Add {
        id: String,
        #[arg(long)]
        amount: String,
        #[arg(long, value_name = "DATE")]
        date: Option<String>,
        #[arg(long, default_value_t = 1)]
        items: i64,
        #[arg(long, default_value = "completed")]
        status: String,
        #[arg(long, default_value = "RUB")]
        currency: String,
    },
}

pub fn log(store: &mut Store, viewer: &Viewer, args: LogArgs) -> anyhow::Result<()> {
    let kind = InteractionKind::parse(&args.kind)
        .ok_or_else(|| StoreError::bad_value("kind", &args.kind, InteractionKind::codes()))?;
    let channel = args
        .channel
        .as_deref()
        .map(|c| {
            Channel::parse(c).ok_or_else(|| StoreError::bad_value("channel", c, Channel::codes()))
        })
        .transpose()?;
    let next = args
        .next
        .as_deref()
        .map(|raw| -> Result<NextContact, StoreError> {
            let (date, time) = parse_date_time(raw, super::today())?;
            Ok(NextContact {
                date,
                time,
                channel,
                purpose: args.purpose.clone(),
                agreed: args.agreed,
            })
        })
        .transpose()?;
    let interaction = NewInteraction {
        kind,
        direction: if args.inbound {
            Direction::Inbound
        } else {
            Direction::Outbound
        },
        outcome: args.outcome,
        summary: args.summary,
        nps: args.nps,
    };
    let warning = store.log_interaction(viewer, &args.id, &interaction, next.as_ref())?;
    say!("{}", tr_value("cli.logged", &args.id));
    if let Some(next) = &next {
        say!(
            "{}",
            tr_value("cli.next_contact", format_date(next.date, language()))
        );
    }
    warn_too_soon(warning);
    Ok(())
}

/// Rule 4's warning, printed without failing the command.
pub fn warn_too_soon(warning: Option<TooSoon>) {
    if let Some(w) = warning {
        super::warn(&w.message());
    }
}

pub fn order(store: &mut Store, viewer: &Viewer, cmd: OrderCommand) -> anyhow::Result<()> {
    match cmd {
        OrderCommand::Add {
            id,
            amount,
            date,
            items,
            status,
            currency,
        } => {
            let amount_minor = parse_amount(&amount)?;
            let date = date
                .as_deref()
                .map(|d| parse_date(d, super::today()))
                .transpose()?;
            let status = OrderStatus::parse(&status)
                .ok_or_else(|| StoreError::bad_value("status", &status, OrderStatus::codes()))?;
            let order = NewOrder {
                amount_minor,
                currency,
                date,
                items,
                status,
            };
            store.add_order(viewer, &id, &order)?;
            say!(
                "{}",
                trf(
                    "cli.order_added",
                    &[
                        ("number", &id),
                        (
                            "amount",
                            &crate::domain::money::format_money(
                                amount_minor,
                                &order.currency.to_uppercase(),
                                language()
                            )
                        )
                    ]
                )
            );
            Ok(())
        }
    }
}
