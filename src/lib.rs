//! clientbook: a customer-base manager (a small CRM) for the terminal.
//!
//! `domain` holds the rules, `store` the SQLite repository (the only place with SQL),
//! `tui` the terminal interface and `cli` the scriptable commands.

pub mod cli;
pub mod domain;
pub mod i18n;
pub mod present;
pub mod store;
pub mod tui;
