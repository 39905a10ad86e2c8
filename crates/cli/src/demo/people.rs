//! The demo company's people: who they are, where they work, since when,
//! and the roles they hold.

use onramp_core::people::Role;

pub(super) struct Spec {
    pub(super) email: &'static str,
    pub(super) name: &'static str,
    pub(super) job_role: &'static str,
    pub(super) segment: Option<&'static str>,
    pub(super) region: &'static str,
    pub(super) time_zone: &'static str,
    /// Days before today (negative: after).
    pub(super) started_days_ago: i64,
    pub(super) roles: &'static [Role],
}

pub(super) const NEW_HIRE: &str = "alex.morgan@example.com";
pub(super) const MANAGER: &str = "jordan.lee@example.com";
pub(super) const PEOPLE_CONNECT: &str = "taylor.brooks@example.com";
pub(super) const ENABLEMENT: &str = "chris.okafor@example.com";

pub(super) const ADMIN: &str = "avery.admin@example.com";
pub(super) const PRIYA: &str = "priya.nair@example.com";
pub(super) const SAM: &str = "sam.fischer@example.com";
pub(super) const MARIA: &str = "maria.costa@example.com";
/// Starts in twelve days, without a buddy yet: People Connect's coming start.
pub(super) const ROBIN: &str = "robin.schmidt@example.com";

pub(super) const PEOPLE: [Spec; 13] = [
    Spec {
        email: MANAGER,
        name: "Jordan Lee",
        job_role: "CSM Manager",
        segment: Some("Mid-Touch"),
        region: "EMEA",
        time_zone: "Europe/London",
        started_days_ago: 1400,
        roles: &[Role::Manager],
    },
    Spec {
        email: SAM,
        name: "Sam Fischer",
        job_role: "CSM",
        segment: Some("Mid-Touch"),
        region: "DACH",
        time_zone: "Europe/Berlin",
        started_days_ago: 800,
        roles: &[Role::Buddy],
    },
    Spec {
        email: MARIA,
        name: "Maria Costa",
        job_role: "CSM",
        segment: Some("Scale"),
        region: "EMEA",
        time_zone: "Europe/Lisbon",
        started_days_ago: 300,
        roles: &[Role::Buddy],
    },
    Spec {
        email: PEOPLE_CONNECT,
        name: "Taylor Brooks",
        job_role: "People Connect Specialist",
        segment: None,
        region: "AMER",
        time_zone: "America/New_York",
        started_days_ago: 1000,
        roles: &[Role::PeopleConnect],
    },
    Spec {
        email: ENABLEMENT,
        name: "Chris Okafor",
        job_role: "Enablement Program Manager",
        segment: None,
        region: "AMER",
        time_zone: "America/Chicago",
        started_days_ago: 1200,
        roles: &[Role::Enablement],
    },
    Spec {
        email: NEW_HIRE,
        name: "Alex Morgan",
        job_role: "CSM",
        segment: Some("Mid-Touch"),
        region: "DACH",
        time_zone: "Europe/Berlin",
        started_days_ago: 9,
        roles: &[Role::NewHire],
    },
    // Colleagues who show why someone is not suggested as a buddy.
    Spec {
        email: "noah.becker@example.com",
        name: "Noah Becker",
        job_role: "CSM",
        segment: Some("Mid-Touch"),
        region: "DACH",
        time_zone: "Europe/Berlin",
        started_days_ago: 49,
        roles: &[Role::Buddy],
    },
    Spec {
        email: PRIYA,
        name: "Priya Nair",
        job_role: "CSM",
        segment: Some("Mid-Touch"),
        region: "EMEA",
        time_zone: "Europe/Dublin",
        started_days_ago: 900,
        roles: &[Role::Buddy],
    },
    Spec {
        email: "diego.alvarez@example.com",
        name: "Diego Alvarez",
        job_role: "CSM",
        segment: Some("Mid-Touch"),
        region: "AMER",
        time_zone: "America/Los_Angeles",
        started_days_ago: 700,
        roles: &[Role::Buddy],
    },
    Spec {
        email: "kim.park@example.com",
        name: "Kim Park",
        job_role: "CSM",
        segment: Some("Scale"),
        region: "EMEA",
        time_zone: "Europe/London",
        started_days_ago: 20,
        roles: &[Role::NewHire],
    },
    Spec {
        email: ROBIN,
        name: "Robin Schmidt",
        job_role: "CSM",
        segment: Some("Scale"),
        region: "DACH",
        time_zone: "Europe/Berlin",
        started_days_ago: -12,
        roles: &[Role::NewHire],
    },
    Spec {
        email: "lee.wong@example.com",
        name: "Lee Wong",
        job_role: "CSM",
        segment: Some("Scale"),
        region: "EMEA",
        time_zone: "Europe/Amsterdam",
        started_days_ago: 5,
        roles: &[Role::NewHire],
    },
    Spec {
        email: ADMIN,
        name: "Avery Admin",
        job_role: "IT Administrator",
        segment: None,
        region: "AMER",
        time_zone: "UTC",
        started_days_ago: 2000,
        roles: &[Role::Admin],
    },
];
