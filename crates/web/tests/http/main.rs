//! The app on a real socket (random port), driven over HTTP, on SQLite and
//! PostgreSQL: one module per capability, in one test binary (so the
//! crate is linked once for all of them).

#[path = "../common/mod.rs"]
mod common;

mod addresses;
mod analytics;
mod buddy;
mod certifications;
mod chat;
mod handbook;
mod learning;
mod mail;
mod notify;
mod office_hours;
mod onboardings;
mod panels;
mod ping;
mod programs;
mod recurrence;
mod reminders;
mod roles;
mod server;
mod sessions;
mod start_warnings;
mod times;
mod tokens;
mod workspace;
