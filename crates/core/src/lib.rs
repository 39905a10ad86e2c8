//! Onramp's domain: people and roles, programs (the onboarding templates kept as
//! Markdown files), business-day schedules and onboarding plans.
//!
//! This crate does no I/O: callers hand it text and dates, it hands back values
//! or errors that name what is wrong and where.

pub mod access;
pub mod buddy;
pub mod calendar;
pub mod catalogue;
mod checker;
pub mod comment;
pub mod error;
pub mod gitlab;
pub mod handbook;
pub mod learning;
pub mod meeting;
pub mod notify;
pub mod onboarding;
pub mod people;
pub mod program;
#[cfg(feature = "fs")]
pub mod program_dir;
pub mod program_writer;
pub mod ramp;
pub mod recurrence;
pub mod rules;
pub mod schedule;
pub mod text;
mod webhook;
mod yaml;

pub use error::{Diagnostic, Error};

/// Lower-case hex SHA-256 of some bytes.
pub fn sha256_hex(data: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(data)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}
