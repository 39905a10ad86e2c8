//! People and the roles they hold in an onboarding.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// The roles a person can hold. A person can hold several.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    NewHire,
    Buddy,
    Manager,
    PeopleConnect,
    Enablement,
    Admin,
}

impl Role {
    pub const ALL: [Role; 6] = [
        Role::NewHire,
        Role::Buddy,
        Role::Manager,
        Role::PeopleConnect,
        Role::Enablement,
        Role::Admin,
    ];

    /// The role's name as written in files, URLs and the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::NewHire => "new-hire",
            Role::Buddy => "buddy",
            Role::Manager => "manager",
            Role::PeopleConnect => "people-connect",
            Role::Enablement => "enablement",
            Role::Admin => "admin",
        }
    }

    /// How the role is shown to people.
    pub fn label(self) -> &'static str {
        match self {
            Role::NewHire => "New hire",
            Role::Buddy => "Onboarding buddy",
            Role::Manager => "Manager",
            Role::PeopleConnect => "People Connect",
            Role::Enablement => "Enablement program manager",
            Role::Admin => "Admin",
        }
    }

    /// The label of a role's name (`people-connect`); the name itself when unknown.
    pub fn label_of(name: &str) -> &str {
        match name.parse::<Role>() {
            Ok(role) => role.label(),
            Err(_) => name,
        }
    }

    /// Roles that can own a task in a program (admins own none).
    pub fn can_own_tasks(self) -> bool {
        self != Role::Admin
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| {
                format!(
                    "unknown role `{s}` (expected one of: {})",
                    Role::ALL.map(Role::as_str).join(", ")
                )
            })
    }
}

/// CSM segments known to Onramp.
pub const SEGMENTS: [&str; 3] = ["Scale", "Mid-Touch", "Strategic"];
/// Regions known to Onramp. DACH is part of EMEA.
pub const REGIONS: [&str; 5] = ["AMER", "EMEA", "DACH", "APJ", "PubSec"];

/// Whether a person's region matches a region named in a condition.
/// A person in DACH also matches EMEA conditions.
pub fn region_matches(person_region: &str, condition: &str) -> bool {
    person_region == condition || (person_region == "DACH" && condition == "EMEA")
}

#[cfg(test)]
mod tests {

    #[test]
    fn role_names_read_as_labels() {
        assert_eq!(Role::label_of("people-connect"), "People Connect");
        assert_eq!(Role::label_of("new-hire"), "New hire");
        assert_eq!(Role::label_of("somebody"), "somebody");
    }

    use super::*;

    #[test]
    fn roles_round_trip_through_their_names() {
        for role in Role::ALL {
            assert_eq!(role.as_str().parse::<Role>(), Ok(role));
        }
        let err = "ceo".parse::<Role>().unwrap_err();
        assert!(err.contains("unknown role `ceo`"), "{err}");
        assert!(err.contains("people-connect"), "{err}");
    }

    #[test]
    fn dach_people_match_emea_conditions() {
        assert!(region_matches("DACH", "EMEA"));
        assert!(region_matches("EMEA", "EMEA"));
        assert!(!region_matches("EMEA", "DACH"));
        assert!(!region_matches("AMER", "EMEA"));
    }
}
