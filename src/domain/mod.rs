//! Plain types and the rules of SPEC §1: no SQL, no terminal.

pub mod call_window;
pub mod codes;
pub mod contact;
pub mod dates;
pub mod fields;
pub mod filter;
pub mod hlc;
pub mod money;
pub mod requisites;
pub mod rules;
pub mod schedule;
pub mod segments;
pub mod settings;
pub mod text;
