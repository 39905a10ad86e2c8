//! Onboardings: loading one with the access check (a resource someone may
//! not see is "not found"), the view of it, its tasks, comments and timeline.

mod change;
mod comment;
mod preflight;
mod read;
mod task;
pub(crate) mod timeline;
pub use change::{change_task, move_start, start, sweep, upgrade, upgrade_preview};
pub use comment::{CommentInput, CommentLine, comment_lines, save_comment};
pub use preflight::{StartWarning, start_warnings};
pub use read::{
    OnboardingList, attachment, export_gitlab, list, own, person_id_by_email, record,
    start_choices, timeline,
};
pub use task::{parse_action, task_for_update};
pub use timeline::{TimelineLine, timeline_lines};

use crate::{Actor, App, Error};
use chrono::{NaiveDate, Utc};
use onramp_core::access::{OnboardingAction, Parties, may};
use onramp_core::onboarding::{
    GraduationFacts, TaskNode, TaskStatus, evaluate_graduation, today_in, unfinished_dependencies,
};
use onramp_core::people::Role;
use onramp_store::{Onboarding, Person, ProgramVersion, TaskLine};
use serde::Serialize;
use utoipa::ToSchema;

/// An onboarding the current user may see, with what belongs to it.
pub struct Loaded {
    pub onboarding: Onboarding,
    pub person: Person,
    pub parties: Parties,
    pub version: std::sync::Arc<ProgramVersion>,
}

pub fn parties_of(o: &Onboarding) -> Parties {
    Parties {
        new_hire: o.person_id,
        manager: o.manager_id,
        buddy: o.buddy_id,
        backup_buddy: o.backup_buddy_id,
        people_connect: o.people_connect_id,
        enablement: o.enablement_id,
    }
}

/// [`load`] for any caller: the operator at the command line may act on
/// every onboarding.
pub async fn load_by(
    state: &App,
    by: crate::Caller<'_>,
    id: i64,
    action: OnboardingAction,
) -> Result<Loaded, Error> {
    if let crate::Caller::Person(actor) = by {
        return load(state, actor, id, action).await;
    }
    let (onboarding, person) = state.store.onboarding_with_person(id).await?;
    assemble(state, onboarding, person).await
}

/// An onboarding with its people, parties and program version.
async fn assemble(state: &App, onboarding: Onboarding, person: Person) -> Result<Loaded, Error> {
    let parties = parties_of(&onboarding);
    let version = state
        .store
        .program_version(onboarding.program_version_id)
        .await?;
    Ok(Loaded {
        onboarding,
        person,
        parties,
        version,
    })
}

/// The running onboarding (the newest when there are several) of the
/// person with this email, for a caller who may act on it.
pub async fn running_of(
    state: &App,
    by: crate::Caller<'_>,
    email: &str,
    action: OnboardingAction,
) -> Result<Loaded, Error> {
    let person = state
        .store
        .person_by_email(email)
        .await?
        .ok_or_else(|| Error::bad("email", format!("no person has the email {email}")))?;
    let running = state
        .store
        .onboardings_of(person.id)
        .await?
        .into_iter()
        .filter(|o| o.status == "active")
        .max_by_key(|o| o.start_date)
        .ok_or_else(|| Error::bad("email", format!("{email} has no running onboarding")))?;
    load_by(state, by, running.id, action).await
}

/// Loads onboarding `id` if `user` may see it; answers "not found" otherwise
/// (so its existence does not leak), and "forbidden" when they may see it
/// but not do `action`.
pub async fn load(
    state: &App,
    user: &Actor,
    id: i64,
    action: OnboardingAction,
) -> Result<Loaded, Error> {
    let (onboarding, person) = match state.store.onboarding_with_person(id).await {
        Ok(found) => found,
        Err(onramp_store::StoreError::NotFound(_)) => return Err(Error::NotFound),
        Err(e) => return Err(e.into()),
    };
    let parties = parties_of(&onboarding);
    if !may(user, &parties, OnboardingAction::Read) {
        return Err(Error::NotFound);
    }
    if !may(user, &parties, action) {
        return Err(Error::Forbidden(format!(
            "you may not {} on this onboarding",
            describe(action)
        )));
    }
    assemble(state, onboarding, person).await
}

fn describe(action: OnboardingAction) -> String {
    match action {
        OnboardingAction::Read => "read".into(),
        OnboardingAction::Comment => "comment".into(),
        OnboardingAction::UpdateTask(role) => {
            format!("change tasks owned by the {}", role.label().to_lowercase())
        }
        OnboardingAction::Edit => "change the onboarding".into(),
        OnboardingAction::AssignBuddy => "assign the buddy".into(),
        OnboardingAction::LogMeeting => "record meetings".into(),
        OnboardingAction::ReadFeedback => "read meeting feedback".into(),
        OnboardingAction::GiveFeedback => "give meeting feedback".into(),
        OnboardingAction::RecordLearning => {
            "record learning progress (only the new hire records their own)".into()
        }
        OnboardingAction::RequestAccess => "request demo or playground access".into(),
        OnboardingAction::DecideAccess => {
            "approve or deny access requests (the manager decides)".into()
        }
        OnboardingAction::ReviewCertification => {
            "review certification evidence (the manager reviews)".into()
        }
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PersonRef {
    pub id: i64,
    pub name: String,
    pub email: String,
    /// The role they hold in this onboarding.
    pub role: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TaskView {
    pub id: i64,
    /// The task's id in the program.
    pub key: String,
    pub title: String,
    /// Markdown.
    pub body: String,
    pub owner: String,
    pub kind: String,
    pub phase: String,
    pub due_date: NaiveDate,
    /// open, done, skipped or blocked.
    pub status: String,
    pub status_note: Option<String>,
    /// Send it back when changing the task.
    pub version: i64,
    pub overdue: bool,
    pub compliance_critical: bool,
    /// Titles of the unfinished tasks this one waits for.
    pub blocked_by: Vec<String>,
    /// Whether the current user may complete, skip or reopen it.
    pub can_update: bool,
    /// Whether it may be skipped (compliance-critical tasks must be done).
    pub can_skip: bool,
    /// Who owns it and what kind of task it is, in words ("Onboarding
    /// buddy", "Reading").
    pub owner_label: String,
    pub kind_label: String,
    /// The status in words ("Waiting for other tasks").
    pub status_label: String,
    /// What to read for it, from the program; `url` is the address to follow.
    pub links: Vec<TaskLink>,
}

/// A link of a task, as a person follows it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TaskLink {
    pub title: String,
    /// A handbook page's view in Onramp, an Onramp page or another site.
    pub url: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PhaseView {
    pub id: String,
    pub title: String,
    pub finished: u32,
    pub total: u32,
    pub tasks: Vec<TaskView>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CriterionView {
    pub task: String,
    pub label: String,
    pub met: bool,
    pub missing: Option<String>,
}

/// An onboarding with its tasks, as pages and the API show it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OnboardingView {
    pub id: i64,
    /// Send it back when changing the onboarding.
    pub version: i64,
    pub status: String,
    pub start_date: NaiveDate,
    pub due_date: Option<NaiveDate>,
    /// Today in the new hire's time zone.
    pub today: NaiveDate,
    pub new_hire: PersonRef,
    pub segment: Option<String>,
    pub region: Option<String>,
    pub time_zone: String,
    pub program: String,
    pub program_title: String,
    pub program_version: i64,
    pub people: Vec<PersonRef>,
    pub finished: u32,
    pub total: u32,
    pub overdue: u32,
    pub phases: Vec<PhaseView>,
    pub graduation: Vec<CriterionView>,
    /// Whether the current user may move the start date or upgrade.
    pub can_edit: bool,
    pub can_comment: bool,
    /// Pathway progress, passed certifications and expiry reminders.
    pub learning: Option<crate::learning::LearningSummary>,
}

impl OnboardingView {
    pub fn percent(&self) -> u32 {
        (self.finished * 100).checked_div(self.total).unwrap_or(0)
    }
}

/// The backup buddy's role in words (a buddy who stands in, not a role of
/// its own).
const BACKUP_BUDDY: &str = "Backup onboarding buddy";

/// Builds the view of a loaded onboarding for `user`.
pub async fn view(state: &App, user: &Actor, loaded: &Loaded) -> Result<OnboardingView, Error> {
    let o = &loaded.onboarding;
    let ids: Vec<i64> = [
        o.manager_id,
        o.buddy_id,
        o.backup_buddy_id,
        o.people_connect_id,
        o.enablement_id,
    ]
    .into_iter()
    .flatten()
    .collect();
    // Independent reads run together.
    let stored = async {
        Ok::<_, Error>(tokio::try_join!(
            state.store.task_lines(o.id),
            state.store.people_by_ids(&ids),
            state.store.meeting_counts(o.id)
        )?)
    };
    let ((tasks, people, (shadowed, led_with_feedback)), (pathway, certifications, today)) =
        tokio::try_join!(stored, crate::learning::progress(state, loaded))?;
    let facts = GraduationFacts {
        shadowed_meetings: Some(shadowed),
        led_meetings_with_feedback: Some(led_with_feedback),
        pathway_complete: pathway.as_ref().map(|p| p.complete),
        passed_certifications: Some(onramp_core::learning::passed(&certifications)),
    };
    let mut view = build_view(user, loaded, &tasks, &people, &facts)?;
    view.learning = Some(crate::learning::LearningSummary::of(
        pathway.as_ref(),
        &certifications,
        today,
    ));
    Ok(view)
}

/// The view from an onboarding's tasks and its people (found by id).
// Long: it groups tasks into phases and computes each task's state, blockers and permissions in one pass over the tasks.
pub fn build_view(
    user: &Actor,
    loaded: &Loaded,
    tasks: &[TaskLine],
    found: &[Person],
    facts: &GraduationFacts,
) -> Result<OnboardingView, Error> {
    let o = &loaded.onboarding;
    let program = &loaded.version.definition.0;
    let today = today_in(&loaded.person.time_zone, Utc::now());
    let nodes: Vec<TaskNode> = tasks
        .iter()
        .map(|t| TaskNode {
            key: t.task_key.clone(),
            status: t.status.parse().unwrap_or(TaskStatus::Open),
            // Dependencies and criteria come from the onboarding's program version
            // (cached); tasks kept from an older version have none left.
            depends_on: program
                .tasks
                .iter()
                .find(|p| p.id == t.task_key)
                .map(|p| p.depends_on.clone())
                .unwrap_or_default(),
        })
        .collect();
    let title_of = |key: &str| {
        tasks
            .iter()
            .find(|t| t.task_key == key)
            .map_or(key.to_string(), |t| t.title.clone())
    };
    let mut phases: Vec<PhaseView> = program
        .phases
        .iter()
        .map(|p| PhaseView {
            id: p.id.clone(),
            title: p.title.clone(),
            finished: 0,
            total: 0,
            tasks: Vec::new(),
        })
        .collect();
    let (mut finished, mut overdue) = (0, 0);
    for t in tasks {
        let status: TaskStatus = t.status.parse().unwrap_or(TaskStatus::Open);
        let owner: Role = t.owner_role.parse().unwrap_or(Role::NewHire);
        let is_overdue = !status.is_finished() && t.due_date < today;
        let template = program.tasks.iter().find(|p| p.id == t.task_key);
        finished += u32::from(status.is_finished());
        overdue += u32::from(is_overdue);
        let view = TaskView {
            id: t.id,
            key: t.task_key.clone(),
            title: t.title.clone(),
            body: t.body.clone(),
            owner: t.owner_role.clone(),
            kind: t.kind.clone(),
            phase: t.phase.clone(),
            due_date: t.due_date,
            status: t.status.clone(),
            status_note: t.status_note.clone(),
            version: t.version,
            overdue: is_overdue,
            compliance_critical: t.compliance_critical,
            blocked_by: unfinished_dependencies(&nodes, &t.task_key)
                .iter()
                .map(|k| title_of(k))
                .collect(),
            can_update: may(user, &loaded.parties, OnboardingAction::UpdateTask(owner)),
            can_skip: onramp_core::onboarding::skippable(t.compliance_critical),
            owner_label: owner.label().to_string(),
            kind_label: onramp_core::program::TaskKind::label_of(&t.kind).to_string(),
            status_label: status.label().to_string(),
            links: template
                .map(|p| {
                    p.links
                        .iter()
                        .map(|l| TaskLink {
                            title: l.title.clone(),
                            url: onramp_core::handbook::href(&l.url),
                        })
                        .collect()
                })
                .unwrap_or_default(),
        };
        let phase = match phases.iter_mut().find(|p| p.id == t.phase) {
            Some(p) => p,
            None => {
                // A task kept from an older version whose phase is gone.
                phases.push(PhaseView {
                    id: t.phase.clone(),
                    title: t.phase.clone(),
                    finished: 0,
                    total: 0,
                    tasks: Vec::new(),
                });
                phases
                    .last_mut()
                    .ok_or_else(|| Error::Internal("phase list".into()))?
            }
        };
        phase.total += 1;
        phase.finished += u32::from(status.is_finished());
        phase.tasks.push(view);
    }
    phases.retain(|p| p.total > 0);
    let templates: Vec<&onramp_core::program::TaskTemplate> = program
        .tasks
        .iter()
        .filter(|p| tasks.iter().any(|t| t.task_key == p.id))
        .collect();
    let graduation = evaluate_graduation(&templates, facts)
        .into_iter()
        .map(|r| CriterionView {
            task: r.task,
            label: r.label,
            met: r.met,
            missing: r.missing,
        })
        .collect();
    let roles = [
        (o.manager_id, Role::Manager.label()),
        (o.buddy_id, Role::Buddy.label()),
        (o.backup_buddy_id, BACKUP_BUDDY),
        (o.people_connect_id, Role::PeopleConnect.label()),
        (o.enablement_id, Role::Enablement.label()),
    ];
    let people = roles
        .iter()
        .filter_map(|(id, role)| {
            let p = found.iter().find(|p| Some(p.id) == *id)?;
            Some(PersonRef {
                id: p.id,
                name: p.name.clone(),
                email: p.email.clone(),
                role: (*role).to_string(),
            })
        })
        .collect();
    let p = &loaded.person;
    Ok(OnboardingView {
        id: o.id,
        version: o.version,
        status: o.status.clone(),
        start_date: o.start_date,
        due_date: o.due_date,
        today,
        new_hire: PersonRef {
            id: p.id,
            name: p.name.clone(),
            email: p.email.clone(),
            role: Role::NewHire.label().into(),
        },
        segment: p.segment.clone(),
        region: p.region.clone(),
        time_zone: p.time_zone.clone(),
        program: program.id.clone(),
        program_title: program.title.clone(),
        program_version: loaded.version.version,
        people,
        finished,
        total: tasks.len() as u32,
        overdue,
        phases,
        graduation,
        can_edit: may(user, &loaded.parties, OnboardingAction::Edit),
        can_comment: may(user, &loaded.parties, OnboardingAction::Comment),
        learning: None,
    })
}

/// A date typed as YYYY-MM-DD, or why not.
pub fn parse_date(field: &str, text: &str) -> Result<NaiveDate, Error> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|_| Error::bad(field, format!("`{text}` is not a date as YYYY-MM-DD")))
}
