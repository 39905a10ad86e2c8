//! A person's workspace: what waits for them across every onboarding they
//! take part in, whatever roles they hold there.

mod oversight;
mod panels;
pub use oversight::{
    AdminPanel, DeliveryHealth, EnablementPanel, QuestionRow, RecentChange, WebinarRow,
    since_last_visit,
};
pub use panels::{
    BuddyRow, ComingTask, EndingRow, FeedbackNote, Milestone, OpenPreboarding, Pace, Panels,
    PhaseProgress, StartRow, TeamRow, WaitingMeeting, panels,
};

use crate::{Actor, App, Caller, Error};
use chrono::{Days, NaiveDate, Utc};
use onramp_core::access::{OnboardingAction, Parties, may};
use onramp_core::onboarding::today_in;
use onramp_core::people::Role;
use onramp_store::WaitingTask;
use serde::Serialize;
use utoipa::ToSchema;

/// At most this many tasks are read for one person.
const MAX_TASKS: i64 = 500;

/// When a task is due, as the workspace groups it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Due {
    Overdue,
    /// Due in the next seven days (today included).
    ThisWeek,
    Later,
    /// Blocked until other tasks are finished.
    Waiting,
}

/// Which tasks to list.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum DueFilter {
    Overdue,
    /// Overdue and due in the next seven days.
    Week,
    #[default]
    All,
}

/// The filters of the task list; each is optional.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TaskFilter {
    pub due: DueFilter,
    /// Only tasks of this owner role.
    pub role: Option<Role>,
    /// Only tasks of this onboarding.
    pub onboarding: Option<i64>,
}

impl TaskFilter {
    /// The filter from query or flag text; an empty value is no filter.
    pub fn parse(
        due: Option<&str>,
        role: Option<&str>,
        onboarding: Option<&str>,
    ) -> Result<TaskFilter, Error> {
        let due = match text(due) {
            None | Some("all") => DueFilter::All,
            Some("overdue") => DueFilter::Overdue,
            Some("week") => DueFilter::Week,
            Some(other) => {
                return Err(Error::bad(
                    "due",
                    format!("`{other}` is not one of overdue, week, all"),
                ));
            }
        };
        let role = match text(role) {
            None => None,
            Some(r) => Some(
                r.parse::<Role>()
                    .ok()
                    .filter(|r| r.can_own_tasks())
                    .ok_or_else(|| {
                        Error::bad(
                            "role",
                            format!(
                                "`{r}` is not a task owner (new-hire, manager, buddy, people-connect, enablement)"
                            ),
                        )
                    })?,
            ),
        };
        let onboarding = match text(onboarding) {
            None => None,
            Some(id) => Some(id.parse::<i64>().map_err(|_| {
                Error::bad("onboarding", format!("`{id}` is not an onboarding id"))
            })?),
        };
        Ok(TaskFilter {
            due,
            role,
            onboarding,
        })
    }

    fn keeps(&self, task: &MyTask) -> bool {
        let due = match self.due {
            DueFilter::All => true,
            DueFilter::Overdue => task.due == Due::Overdue,
            DueFilter::Week => matches!(task.due, Due::Overdue | Due::ThisWeek),
        };
        due && self.role.is_none_or(|r| r == task.role)
            && self.onboarding.is_none_or(|o| o == task.onboarding_id)
    }
}

/// One task that waits for the person.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MyTask {
    pub id: i64,
    pub onboarding_id: i64,
    /// The new hire whose onboarding it is.
    pub new_hire: String,
    pub title: String,
    /// The role that owns the task, which the person holds there.
    #[schema(value_type = String)]
    pub role: Role,
    /// The role in words, e.g. "Onboarding buddy".
    pub role_label: String,
    pub phase: String,
    pub kind: String,
    pub due_date: NaiveDate,
    pub due: Due,
    /// Days past the due date (0 when not overdue).
    pub days_late: i64,
    /// `open`, or `blocked` while it waits for other tasks.
    pub status: String,
    pub status_note: Option<String>,
    pub compliance_critical: bool,
    /// Whether it may be skipped (compliance-critical tasks must be done).
    pub can_skip: bool,
    /// The version to send with a change.
    pub version: i64,
    /// Whether the person may mark it done or skip it here.
    pub can_update: bool,
}

/// An onboarding the person's tasks belong to, for the filter.
#[derive(Debug, Clone, Serialize, ToSchema, PartialEq, Eq, PartialOrd, Ord)]
pub struct OnboardingChoice {
    pub id: i64,
    pub new_hire: String,
}

/// The tasks that wait for a person, grouped by when they are due.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MyTasks {
    /// Today in the person's time zone.
    pub today: NaiveDate,
    pub overdue: Vec<MyTask>,
    pub this_week: Vec<MyTask>,
    pub later: Vec<MyTask>,
    /// Blocked until tasks of other people are finished.
    pub waiting: Vec<MyTask>,
    /// The owner roles and onboardings of all the person's tasks (before
    /// filtering), to filter by.
    #[schema(value_type = Vec<String>)]
    pub roles: Vec<Role>,
    pub onboardings: Vec<OnboardingChoice>,
}

impl MyTasks {
    /// How many tasks are listed.
    pub fn len(&self) -> usize {
        self.overdue.len() + self.this_week.len() + self.later.len() + self.waiting.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

fn parties(t: &WaitingTask) -> Parties {
    Parties {
        new_hire: t.new_hire_id,
        manager: t.manager_id,
        buddy: t.buddy_id,
        backup_buddy: t.backup_buddy_id,
        people_connect: t.people_connect_id,
        enablement: t.enablement_id,
    }
}

fn due_of(t: &WaitingTask, today: NaiveDate) -> Due {
    let week_end = today.checked_add_days(Days::new(6)).unwrap_or(today);
    if t.status == "blocked" {
        Due::Waiting
    } else if t.due_date < today {
        Due::Overdue
    } else if t.due_date <= week_end {
        Due::ThisWeek
    } else {
        Due::Later
    }
}

/// A value as given, or `None` when empty.
fn text(value: Option<&str>) -> Option<&str> {
    value.map(str::trim).filter(|v| !v.is_empty())
}

/// The tasks waiting for `person` on `today`, as `viewer` may change them
/// (`None`: the operator, who may change every task).
async fn tasks_for(
    app: &App,
    person: i64,
    viewer: Option<&Actor>,
    filter: &TaskFilter,
    today: NaiveDate,
) -> Result<MyTasks, Error> {
    let rows = app.store.tasks_waiting_for(person, MAX_TASKS).await?;
    let mut all = Vec::with_capacity(rows.len());
    for t in rows {
        let Ok(role) = t.owner_role.parse::<Role>() else {
            continue;
        };
        let can_update =
            viewer.is_none_or(|v| may(v, &parties(&t), OnboardingAction::UpdateTask(role)));
        let due = due_of(&t, today);
        all.push(MyTask {
            days_late: if due == Due::Overdue {
                (today - t.due_date).num_days()
            } else {
                0
            },
            id: t.id,
            onboarding_id: t.onboarding_id,
            new_hire: t.new_hire_name,
            title: t.title,
            role,
            role_label: role.label().to_string(),
            phase: t.phase,
            kind: t.kind,
            due_date: t.due_date,
            due,
            status: t.status,
            status_note: t.status_note,
            compliance_critical: t.compliance_critical,
            can_skip: onramp_core::onboarding::skippable(t.compliance_critical),
            version: t.version,
            can_update,
        });
    }
    let mut roles: Vec<Role> = all.iter().map(|t| t.role).collect();
    roles.sort();
    roles.dedup();
    let mut onboardings: Vec<OnboardingChoice> = all
        .iter()
        .map(|t| OnboardingChoice {
            id: t.onboarding_id,
            new_hire: t.new_hire.clone(),
        })
        .collect();
    onboardings.sort_by(|a, b| a.new_hire.cmp(&b.new_hire).then(a.id.cmp(&b.id)));
    onboardings.dedup();
    let mut out = MyTasks {
        today,
        overdue: Vec::new(),
        this_week: Vec::new(),
        later: Vec::new(),
        waiting: Vec::new(),
        roles,
        onboardings,
    };
    for t in all.into_iter().filter(|t| filter.keeps(t)) {
        match t.due {
            Due::Overdue => out.overdue.push(t),
            Due::ThisWeek => out.this_week.push(t),
            Due::Later => out.later.push(t),
            Due::Waiting => out.waiting.push(t),
        }
    }
    Ok(out)
}

/// The acting person's tasks across every onboarding they take part in;
/// `zone` is theirs (the session carries it).
pub async fn my_tasks(
    app: &App,
    actor: &Actor,
    zone: &str,
    filter: &TaskFilter,
) -> Result<MyTasks, Error> {
    let today = today_in(zone, Utc::now());
    tasks_for(app, actor.person_id, Some(actor), filter, today).await
}

/// The acting person's tasks and the panels of their roles, read together;
/// `zone` is theirs.
pub async fn home(
    app: &App,
    actor: &Actor,
    zone: &str,
    filter: &TaskFilter,
) -> Result<(MyTasks, Panels), Error> {
    let today = today_in(zone, Utc::now());
    tokio::try_join!(
        tasks_for(app, actor.person_id, Some(actor), filter, today),
        panels(app, actor, today)
    )
}

/// The tasks of the person with this email (the operator, and
/// administrators); `email` names the field at fault.
pub async fn tasks_of(
    app: &App,
    by: Caller<'_>,
    email: &str,
    filter: &TaskFilter,
) -> Result<MyTasks, Error> {
    let person = app
        .store
        .person_by_email(email.trim())
        .await?
        .ok_or_else(|| Error::bad("email", format!("no person has the email {email}")))?;
    let today = today_in(&person.time_zone, Utc::now());
    match by {
        Caller::Person(actor)
            if actor.person_id == person.id || onramp_core::access::may_administer(actor) =>
        {
            tasks_for(app, person.id, Some(actor), filter, today).await
        }
        Caller::Person(_) => Err(Error::NotFound),
        Caller::Operator => tasks_for(app, person.id, None, filter, today).await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_are_read_and_bad_ones_name_their_field() {
        let f = TaskFilter::parse(Some("week"), Some("buddy"), Some("7")).expect("filter");
        assert_eq!(f.due, DueFilter::Week);
        assert_eq!(f.role, Some(Role::Buddy));
        assert_eq!(f.onboarding, Some(7));
        assert_eq!(
            TaskFilter::parse(Some(""), Some(" "), None).expect("empty"),
            TaskFilter::default()
        );
        let field = |e: Error| match e {
            Error::Invalid { field, .. } => field,
            other => panic!("{other}"),
        };
        assert_eq!(
            field(TaskFilter::parse(Some("soon"), None, None).expect_err("due")),
            "due"
        );
        assert_eq!(
            field(TaskFilter::parse(None, Some("admin"), None).expect_err("admin")),
            "role"
        );
        assert_eq!(
            field(TaskFilter::parse(None, None, Some("x")).expect_err("id")),
            "onboarding"
        );
    }
}
