//! Who asks for a use case.

use crate::Actor;

/// A signed-in person, or the operator at the command line. The operator
/// runs `onramp` next to the database, so has every right; the audit log
/// records the operator's changes as made by no person.
#[derive(Clone, Copy, Debug)]
pub enum Caller<'a> {
    Person(&'a Actor),
    Operator,
}

impl Caller<'_> {
    /// The person to record in the audit log, if a person asks.
    pub fn person_id(&self) -> Option<i64> {
        match self {
            Caller::Person(actor) => Some(actor.person_id),
            Caller::Operator => None,
        }
    }

    /// Whether the caller passes the `core::access` rule `rule`; the
    /// operator passes every rule.
    pub fn may(&self, rule: impl Fn(&Actor) -> bool) -> bool {
        match self {
            Caller::Person(actor) => rule(actor),
            Caller::Operator => true,
        }
    }

    /// Whether the caller may start onboardings (`core::access`).
    pub fn may_create_onboarding(&self) -> bool {
        match self {
            Caller::Person(actor) => onramp_core::access::may_create_onboarding(actor),
            Caller::Operator => true,
        }
    }

    /// Whether the caller may administer accounts (`core::access`).
    pub fn may_administer(&self) -> bool {
        match self {
            Caller::Person(actor) => onramp_core::access::may_administer(actor),
            Caller::Operator => true,
        }
    }
}

impl<'a> From<&'a Actor> for Caller<'a> {
    fn from(actor: &'a Actor) -> Self {
        Caller::Person(actor)
    }
}
