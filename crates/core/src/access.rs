//! Who may do what: every authorization decision is made here.
//!
//! Accounts hold global roles (a person can hold several); on a given
//! onboarding a person may also be one of its parties: the new hire, their
//! manager, buddy, People Connect member or Enablement program manager.

use crate::people::Role;
use serde::Serialize;

/// The signed-in person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Actor {
    pub person_id: i64,
    pub roles: Vec<Role>,
}

impl Actor {
    pub fn has(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }
    pub fn is_admin(&self) -> bool {
        self.has(Role::Admin)
    }
}

/// The people of one onboarding.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Parties {
    pub new_hire: i64,
    pub manager: Option<i64>,
    pub buddy: Option<i64>,
    /// Stands in for the buddy during absences, with the buddy's access.
    pub backup_buddy: Option<i64>,
    pub people_connect: Option<i64>,
    pub enablement: Option<i64>,
}

impl Parties {
    /// The onboarding roles `person` holds.
    pub fn roles_of(&self, person: i64) -> Vec<Role> {
        let mut out = Vec::new();
        if self.new_hire == person {
            out.push(Role::NewHire);
        }
        if self.manager == Some(person) {
            out.push(Role::Manager);
        }
        if self.buddy == Some(person) || self.backup_buddy == Some(person) {
            out.push(Role::Buddy);
        }
        if self.people_connect == Some(person) {
            out.push(Role::PeopleConnect);
        }
        if self.enablement == Some(person) {
            out.push(Role::Enablement);
        }
        out
    }
}

/// Something done to an onboarding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnboardingAction {
    Read,
    Comment,
    /// Complete, skip or reopen a task owned by this role.
    UpdateTask(Role),
    /// Move the start date, upgrade the program version, close.
    Edit,
    AssignBuddy,
    /// Record a shadowed or led meeting.
    LogMeeting,
    /// Read the feedback on led meetings: the new hire, the buddy (or
    /// backup) and the manager only; not even an administrator.
    ReadFeedback,
    /// Give feedback on a led meeting as the buddy (or backup) or manager;
    /// a meeting's recorded observer may too (checked with the meeting).
    GiveFeedback,
    /// Record the new hire's own learning: modules, certifications, joined
    /// channels and reading receipts.
    RecordLearning,
    /// Ask for access to a demo or playground system for the new hire.
    RequestAccess,
    /// Approve or deny such a request.
    DecideAccess,
    /// Approve or return the evidence of a passed certification.
    ReviewCertification,
}

/// Whether `actor` may vote for an office-hours question asked by `asker`:
/// votes say what others want answered, so not for one's own question.
pub fn may_vote(actor: &Actor, asker: i64) -> bool {
    actor.person_id != asker
}

/// Whether `actor` may do `action` on the onboarding of `parties`.
pub fn may(actor: &Actor, parties: &Parties, action: OnboardingAction) -> bool {
    let party = parties.roles_of(actor.person_id);
    let is = |r: Role| party.contains(&r);
    match action {
        OnboardingAction::ReadFeedback => {
            return is(Role::NewHire) || is(Role::Buddy) || is(Role::Manager);
        }
        OnboardingAction::GiveFeedback => return is(Role::Buddy) || is(Role::Manager),
        _ => {}
    }
    if actor.is_admin() {
        return true;
    }
    match action {
        OnboardingAction::Read => !party.is_empty() || actor.has(Role::PeopleConnect),
        OnboardingAction::Comment => !party.is_empty(),
        OnboardingAction::UpdateTask(owner) => {
            is(Role::Manager)
                || match owner {
                    Role::NewHire => is(Role::NewHire),
                    Role::Buddy => is(Role::Buddy),
                    Role::Manager => false,
                    // The People Connect and Enablement teams cover for each other.
                    Role::PeopleConnect => {
                        is(Role::PeopleConnect) || actor.has(Role::PeopleConnect)
                    }
                    Role::Enablement => is(Role::Enablement) || actor.has(Role::Enablement),
                    Role::Admin => false,
                }
        }
        OnboardingAction::Edit | OnboardingAction::AssignBuddy => is(Role::Manager),
        OnboardingAction::LogMeeting => is(Role::NewHire) || is(Role::Buddy) || is(Role::Manager),
        OnboardingAction::RecordLearning => is(Role::NewHire),
        OnboardingAction::RequestAccess => is(Role::NewHire) || is(Role::Manager),
        OnboardingAction::DecideAccess | OnboardingAction::ReviewCertification => is(Role::Manager),
        OnboardingAction::ReadFeedback | OnboardingAction::GiveFeedback => false,
    }
}

/// Whether `actor` may start onboardings for new hires.
pub fn may_create_onboarding(actor: &Actor) -> bool {
    actor.is_admin() || actor.has(Role::PeopleConnect)
}

/// Whether `actor` may see every onboarding (others see theirs only).
pub fn sees_all_onboardings(actor: &Actor) -> bool {
    actor.is_admin() || actor.has(Role::PeopleConnect)
}

/// Whether `actor` may import and change programs and catalogues.
pub fn may_manage_programs(actor: &Actor) -> bool {
    actor.is_admin() || actor.has(Role::Enablement)
}

/// Whether `actor` may provision approved demo and playground access
/// (the Enablement team runs the demo systems).
pub fn may_provision_access(actor: &Actor) -> bool {
    actor.is_admin() || actor.has(Role::Enablement)
}

/// Whether `actor` runs office hours: schedules series, answers questions
/// in any series, and sees who asked an anonymous question.
pub fn may_run_office_hours(actor: &Actor) -> bool {
    actor.has(Role::Enablement) || actor.is_admin()
}

/// Whether `actor` may answer the questions of a series: those who run
/// office hours, and the series' host.
pub fn may_answer_questions(actor: &Actor, host_id: Option<i64>) -> bool {
    may_run_office_hours(actor) || host_id == Some(actor.person_id)
}

/// Whether `actor` may add and change webinars.
pub fn may_manage_webinars(actor: &Actor) -> bool {
    actor.is_admin() || actor.has(Role::Enablement)
}

/// Whether `actor` may see the content freshness report.
pub fn may_review_content(actor: &Actor) -> bool {
    may_manage_programs(actor)
}

/// Whether `actor` may manage accounts, roles and settings.
pub fn may_administer(actor: &Actor) -> bool {
    actor.is_admin()
}

#[cfg(test)]
mod tests {
    use super::*;
    use OnboardingAction::*;

    const HIRE: i64 = 1;
    const MANAGER: i64 = 2;
    const BUDDY: i64 = 3;
    const PC: i64 = 4;
    const ENABLEMENT: i64 = 5;
    const STRANGER: i64 = 6;
    const OTHER_PC: i64 = 7;
    const ADMIN: i64 = 8;

    fn parties() -> Parties {
        Parties {
            backup_buddy: None,
            new_hire: HIRE,
            manager: Some(MANAGER),
            buddy: Some(BUDDY),
            people_connect: Some(PC),
            enablement: Some(ENABLEMENT),
        }
    }

    fn actor(id: i64, roles: &[Role]) -> Actor {
        Actor {
            person_id: id,
            roles: roles.to_vec(),
        }
    }

    #[test]
    // Long: a table of cases: every role against every action.
    fn every_role_and_action() {
        let cases: Vec<(Actor, OnboardingAction, bool)> = vec![
            (actor(HIRE, &[Role::NewHire]), Read, true),
            (actor(HIRE, &[Role::NewHire]), Comment, true),
            (
                actor(HIRE, &[Role::NewHire]),
                UpdateTask(Role::NewHire),
                true,
            ),
            (
                actor(HIRE, &[Role::NewHire]),
                UpdateTask(Role::Manager),
                false,
            ),
            (
                actor(HIRE, &[Role::NewHire]),
                UpdateTask(Role::Buddy),
                false,
            ),
            (actor(HIRE, &[Role::NewHire]), Edit, false),
            (actor(HIRE, &[Role::NewHire]), AssignBuddy, false),
            (actor(BUDDY, &[Role::Buddy]), Read, true),
            (actor(BUDDY, &[Role::Buddy]), Comment, true),
            (actor(BUDDY, &[Role::Buddy]), UpdateTask(Role::Buddy), true),
            (
                actor(BUDDY, &[Role::Buddy]),
                UpdateTask(Role::NewHire),
                false,
            ),
            (actor(BUDDY, &[Role::Buddy]), Edit, false),
            (actor(MANAGER, &[Role::Manager]), Read, true),
            (
                actor(MANAGER, &[Role::Manager]),
                UpdateTask(Role::NewHire),
                true,
            ),
            (
                actor(MANAGER, &[Role::Manager]),
                UpdateTask(Role::PeopleConnect),
                true,
            ),
            (actor(MANAGER, &[Role::Manager]), Edit, true),
            (actor(MANAGER, &[Role::Manager]), AssignBuddy, true),
            (actor(STRANGER, &[Role::Manager]), Read, false),
            (actor(STRANGER, &[Role::Buddy, Role::NewHire]), Read, false),
            (
                actor(STRANGER, &[Role::Manager]),
                UpdateTask(Role::NewHire),
                false,
            ),
            (
                actor(PC, &[Role::PeopleConnect]),
                UpdateTask(Role::PeopleConnect),
                true,
            ),
            (
                actor(PC, &[Role::PeopleConnect]),
                UpdateTask(Role::NewHire),
                false,
            ),
            (actor(PC, &[Role::PeopleConnect]), Comment, true),
            (actor(OTHER_PC, &[Role::PeopleConnect]), Read, true),
            (actor(OTHER_PC, &[Role::PeopleConnect]), Comment, false),
            (
                actor(OTHER_PC, &[Role::PeopleConnect]),
                UpdateTask(Role::PeopleConnect),
                true,
            ),
            (actor(OTHER_PC, &[Role::PeopleConnect]), Edit, false),
            (
                actor(ENABLEMENT, &[Role::Enablement]),
                UpdateTask(Role::Enablement),
                true,
            ),
            (actor(STRANGER, &[Role::Enablement]), Read, false),
            (
                actor(STRANGER, &[Role::Enablement]),
                UpdateTask(Role::Enablement),
                true,
            ),
            (actor(HIRE, &[Role::NewHire]), RecordLearning, true),
            (actor(MANAGER, &[Role::Manager]), RecordLearning, false),
            (actor(BUDDY, &[Role::Buddy]), RecordLearning, false),
            (actor(STRANGER, &[Role::NewHire]), RecordLearning, false),
            (actor(HIRE, &[Role::NewHire]), RequestAccess, true),
            (actor(MANAGER, &[Role::Manager]), RequestAccess, true),
            (actor(BUDDY, &[Role::Buddy]), RequestAccess, false),
            (actor(HIRE, &[Role::NewHire]), DecideAccess, false),
            (actor(MANAGER, &[Role::Manager]), DecideAccess, true),
            (actor(ENABLEMENT, &[Role::Enablement]), DecideAccess, false),
            (actor(STRANGER, &[Role::Manager]), DecideAccess, false),
            (actor(HIRE, &[Role::NewHire]), ReviewCertification, false),
            (actor(MANAGER, &[Role::Manager]), ReviewCertification, true),
            (
                actor(ENABLEMENT, &[Role::Enablement]),
                ReviewCertification,
                false,
            ),
            (
                actor(STRANGER, &[Role::Manager]),
                ReviewCertification,
                false,
            ),
            (actor(ADMIN, &[Role::Admin]), Edit, true),
            (
                actor(ADMIN, &[Role::Admin]),
                UpdateTask(Role::Manager),
                true,
            ),
        ];
        for (who, action, expected) in cases {
            assert_eq!(
                may(&who, &parties(), action),
                expected,
                "{who:?} {action:?}"
            );
        }
    }

    #[test]
    fn global_permissions() {
        assert!(may_create_onboarding(&actor(PC, &[Role::PeopleConnect])));
        assert!(!may_create_onboarding(&actor(MANAGER, &[Role::Manager])));
        assert!(sees_all_onboardings(&actor(ADMIN, &[Role::Admin])));
        assert!(!sees_all_onboardings(&actor(BUDDY, &[Role::Buddy])));
        assert!(may_manage_programs(&actor(ENABLEMENT, &[Role::Enablement])));
        assert!(!may_manage_programs(&actor(HIRE, &[Role::NewHire])));
        assert!(may_provision_access(&actor(
            ENABLEMENT,
            &[Role::Enablement]
        )));
        assert!(!may_provision_access(&actor(MANAGER, &[Role::Manager])));
        assert!(may_manage_webinars(&actor(ADMIN, &[Role::Admin])));
        assert!(!may_manage_webinars(&actor(HIRE, &[Role::NewHire])));
        assert!(!may_review_content(&actor(PC, &[Role::PeopleConnect])));
        assert!(
            may_administer(&actor(ADMIN, &[Role::Admin]))
                && !may_administer(&actor(PC, &[Role::PeopleConnect]))
        );
    }
}
