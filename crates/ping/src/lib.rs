//! Service Ping analysis: read a self-managed GitLab instance's usage payload
//! (any version from 13.x), score use-case adoption the way Customer Success
//! does, compare payloads over time, and report.

pub mod analysis;
pub mod compare;
pub mod dictionary;
pub mod generate;
pub mod leaves;
pub mod payload;
pub mod report;

pub use analysis::{Analysis, Band, Score, analyze};
pub use dictionary::Dictionary;
pub use payload::Payload;

/// The crate's one error type.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The file is not a usable payload; the message says why.
    #[error("{0}")]
    Invalid(String),
}
