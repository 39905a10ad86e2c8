//! Onramp's application layer: the use cases, one module per capability.
//!
//! Each use case takes plain domain inputs and the acting person
//! ([`Actor`]), checks permission through `onramp_core::access`, calls the
//! store, and returns domain values or one [`Error`]. The web server (pages
//! and JSON API) and the command line call only this layer; neither knows
//! how the other presents a result. See ARCHITECTURE.md.

pub mod account;
pub mod analytics;
pub mod audit;
pub mod buddy;
pub mod calendar;
mod caller;
mod error;
pub mod handbook;
pub mod learning;
pub mod limits;
pub mod markdown;
pub mod notify;
pub mod office_hours;
pub mod onboarding;
pub mod ping;
pub mod program;
pub mod reminders;
pub mod webinar;
pub mod workspace;

pub use caller::Caller;
pub use error::{Error, Result};
pub use limits::Limits;
pub use onramp_core::access::Actor;

use onramp_store::Store;
use std::sync::Arc;

/// What every use case can reach: the store, the handbook's search index,
/// the shipped catalogues and rules, and the limits on heavy work. Built
/// once by the binary from its configuration and shared (cheap to clone).
#[derive(Clone)]
pub struct App {
    pub store: Store,
    /// The search index and handbook page cache.
    pub handbook: Arc<handbook::Handbook>,
    /// How buddies are suggested.
    pub buddy_rules: Arc<onramp_core::buddy::BuddyRules>,
    /// Meeting types and feedback skills.
    pub meetings: Arc<onramp_core::meeting::MeetingCatalogue>,
    /// Upload sizes, attachment quotas and how much heavy work runs at once.
    pub limits: Arc<Limits>,
    /// The address people reach Onramp at (links in calendar feeds); empty
    /// when not configured.
    pub public_url: String,
    /// Whether a person's own chat hook may point at this machine or a
    /// private network (`ONRAMP_CHAT_ALLOW_LOCAL`; off: public https only).
    pub chat_local_hooks: bool,
    /// Where mail sent at once goes (a reset link emailed by an admin);
    /// notifications leave through the outbox instead.
    pub mailer: notify::deliver::Mailer,
    /// When a signal is raised and an onboarding is "watch" or "at risk".
    pub risk: Arc<onramp_core::ramp::risk::Thresholds>,
}

impl App {
    /// An application with the shipped rules and default limits.
    pub fn new(store: Store, index: Arc<onramp_handbook::SearchIndex>) -> App {
        App {
            store,
            handbook: Arc::new(handbook::Handbook::new(index)),
            buddy_rules: Arc::new(onramp_core::buddy::BuddyRules::default()),
            meetings: Arc::new(onramp_core::meeting::MeetingCatalogue::shipped()),
            limits: Arc::new(Limits::default()),
            public_url: String::new(),
            chat_local_hooks: false,
            mailer: notify::deliver::Mailer::Preview,
            risk: Arc::new(onramp_core::ramp::risk::Thresholds::default()),
        }
    }

    /// An application for commands that never search: its search index is
    /// empty and kept in memory.
    pub fn without_search(store: Store) -> Result<App> {
        let index = onramp_handbook::SearchIndex::in_memory()?;
        Ok(App::new(store, Arc::new(index)))
    }
}
