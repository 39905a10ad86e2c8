//! Onboardings: a program version made concrete for one person and start date.

use crate::program::{Program, TaskTemplate};
use crate::schedule::WorkCalendar;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TaskStatus {
    Open,
    Done,
    Skipped,
    Blocked,
}

impl TaskStatus {
    pub const ALL: [TaskStatus; 4] = [
        TaskStatus::Open,
        TaskStatus::Done,
        TaskStatus::Skipped,
        TaskStatus::Blocked,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            TaskStatus::Open => "open",
            TaskStatus::Done => "done",
            TaskStatus::Skipped => "skipped",
            TaskStatus::Blocked => "blocked",
        }
    }
    /// How the status is shown to people.
    pub fn label(self) -> &'static str {
        match self {
            TaskStatus::Open => "Open",
            TaskStatus::Done => "Done",
            TaskStatus::Skipped => "Skipped",
            TaskStatus::Blocked => "Waiting for other tasks",
        }
    }
    /// Done and skipped tasks are finished; they count toward progress.
    pub fn is_finished(self) -> bool {
        matches!(self, TaskStatus::Done | TaskStatus::Skipped)
    }
}

impl fmt::Display for TaskStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for TaskStatus {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        TaskStatus::ALL
            .into_iter()
            .find(|t| t.as_str() == s)
            .ok_or_else(|| format!("unknown task status `{s}`"))
    }
}

/// A task of a new onboarding, before it is stored.
#[derive(Debug, Clone, PartialEq)]
pub struct PlannedTask<'a> {
    pub template: &'a TaskTemplate,
    pub due_date: NaiveDate,
    /// Blocked until its dependencies are done.
    pub status: TaskStatus,
    pub position: usize,
}

/// The tasks of `program` for a person of this segment and region starting on
/// `start`, with their due dates. Dependencies that do not apply to the person
/// are ignored.
pub fn plan<'a>(
    program: &'a Program,
    segment: Option<&'a str>,
    region: Option<&'a str>,
    start: NaiveDate,
    calendar: &WorkCalendar,
) -> Vec<PlannedTask<'a>> {
    let tasks: Vec<&TaskTemplate> = program.tasks_for(segment, region).collect();
    tasks
        .iter()
        .enumerate()
        .map(|(position, t)| {
            let blocked = t
                .depends_on
                .iter()
                .any(|d| tasks.iter().any(|other| &other.id == d));
            PlannedTask {
                template: t,
                due_date: calendar.add_business_days(start, program.due_day(t)),
                status: if blocked {
                    TaskStatus::Blocked
                } else {
                    TaskStatus::Open
                },
                position,
            }
        })
        .collect()
}

/// What someone does to a task.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TaskAction {
    Complete,
    Skip { note: Option<String> },
    Reopen,
}

impl TaskAction {
    pub fn name(&self) -> &'static str {
        match self {
            TaskAction::Complete => "complete",
            TaskAction::Skip { .. } => "skip",
            TaskAction::Reopen => "reopen",
        }
    }
}

/// Why a task action is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TaskRefusal {
    #[error("the task is blocked by unfinished tasks: {}", .0.join(", "))]
    Blocked(Vec<String>),
    #[error("the task is already {0}")]
    Already(TaskStatus),
    #[error("the task is not finished, so it cannot be reopened")]
    NotFinished,
    #[error("a compliance-critical task cannot be skipped: mark it done once it is")]
    Required,
}

/// Whether a task may be skipped: compliance-critical ones must be done.
pub fn skippable(compliance_critical: bool) -> bool {
    !compliance_critical
}

/// The status after `action`, given the task's unfinished dependencies.
pub fn transition(
    status: TaskStatus,
    action: &TaskAction,
    unfinished_dependencies: &[String],
) -> Result<TaskStatus, TaskRefusal> {
    match (action, status) {
        (TaskAction::Complete, TaskStatus::Done) => Err(TaskRefusal::Already(TaskStatus::Done)),
        (TaskAction::Complete, _) if !unfinished_dependencies.is_empty() => {
            Err(TaskRefusal::Blocked(unfinished_dependencies.to_vec()))
        }
        (TaskAction::Complete, _) => Ok(TaskStatus::Done),
        (TaskAction::Skip { .. }, TaskStatus::Skipped) => {
            Err(TaskRefusal::Already(TaskStatus::Skipped))
        }
        (TaskAction::Skip { .. }, _) => Ok(TaskStatus::Skipped),
        (TaskAction::Reopen, TaskStatus::Done | TaskStatus::Skipped) => {
            if unfinished_dependencies.is_empty() {
                Ok(TaskStatus::Open)
            } else {
                Ok(TaskStatus::Blocked)
            }
        }
        (TaskAction::Reopen, _) => Err(TaskRefusal::NotFinished),
    }
}

/// One task as the blocking rules see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskNode {
    pub key: String,
    pub status: TaskStatus,
    pub depends_on: Vec<String>,
}

/// The unfinished tasks that `key` waits for. Dependencies that are not part
/// of this onboarding are ignored.
pub fn unfinished_dependencies(tasks: &[TaskNode], key: &str) -> Vec<String> {
    let Some(task) = tasks.iter().find(|t| t.key == key) else {
        return Vec::new();
    };
    task.depends_on
        .iter()
        .filter(|d| {
            tasks
                .iter()
                .any(|t| &t.key == *d && !t.status.is_finished())
        })
        .cloned()
        .collect()
}

/// Tasks whose status must change because their dependencies changed: an
/// open task with an unfinished dependency becomes blocked, a blocked task
/// whose dependencies are all finished opens. Finished tasks stay finished.
pub fn reblock(tasks: &[TaskNode]) -> Vec<(String, TaskStatus)> {
    tasks
        .iter()
        .filter_map(|t| {
            let waiting = !unfinished_dependencies(tasks, &t.key).is_empty();
            match (t.status, waiting) {
                (TaskStatus::Open, true) => Some((t.key.clone(), TaskStatus::Blocked)),
                (TaskStatus::Blocked, false) => Some((t.key.clone(), TaskStatus::Open)),
                _ => None,
            }
        })
        .collect()
}

/// What upgrading an onboarding to another program version changes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct UpgradeDiff {
    /// New tasks, with their due day.
    pub added: Vec<(String, String, i32)>,
    /// Open tasks that the new version no longer has: they are dropped.
    pub removed: Vec<(String, String)>,
    /// Finished tasks the new version no longer has: kept, as done work.
    pub kept_finished: Vec<(String, String)>,
    /// Tasks in both versions whose content changed, with what changed.
    pub changed: Vec<(String, Vec<String>)>,
}

impl UpgradeDiff {
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty() && self.changed.is_empty()
    }
}

/// A task of an existing onboarding, for comparing with a new version.
#[derive(Debug, Clone, PartialEq)]
pub struct ExistingTask {
    pub key: String,
    pub status: TaskStatus,
    pub template: TaskTemplate,
    pub due_day: i32,
}

/// Compares an onboarding's tasks with the tasks `program` has for the person.
pub fn upgrade_diff(
    existing: &[ExistingTask],
    program: &Program,
    segment: Option<&str>,
    region: Option<&str>,
) -> UpgradeDiff {
    let mut diff = UpgradeDiff::default();
    let new_tasks: Vec<&TaskTemplate> = program.tasks_for(segment, region).collect();
    for t in &new_tasks {
        match existing.iter().find(|e| e.key == t.id) {
            None => diff
                .added
                .push((t.id.clone(), t.title.clone(), program.due_day(t))),
            Some(e) => {
                let mut fields = Vec::new();
                let old = &e.template;
                if old.title != t.title {
                    fields.push("title".to_string());
                }
                if old.body != t.body {
                    fields.push("body".to_string());
                }
                if old.owner != t.owner {
                    fields.push("owner".to_string());
                }
                if old.phase != t.phase {
                    fields.push("phase".to_string());
                }
                if e.due_day != program.due_day(t) {
                    fields.push("due".to_string());
                }
                if old.kind != t.kind {
                    fields.push("kind".to_string());
                }
                if old.links != t.links {
                    fields.push("links".to_string());
                }
                if old.depends_on != t.depends_on {
                    fields.push("dependencies".to_string());
                }
                if old.compliance_critical != t.compliance_critical {
                    fields.push("compliance".to_string());
                }
                if old.target != t.target || old.graduation != t.graduation {
                    fields.push("targets".to_string());
                }
                if !fields.is_empty() {
                    diff.changed.push((t.id.clone(), fields));
                }
            }
        }
    }
    for e in existing {
        if !new_tasks.iter().any(|t| t.id == e.key) {
            let entry = (e.key.clone(), e.template.title.clone());
            if e.status.is_finished() {
                diff.kept_finished.push(entry);
            } else {
                diff.removed.push(entry);
            }
        }
    }
    diff
}

/// What is known about a new hire for graduation. `None`: not recorded
/// (the feature that records it is not in use).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GraduationFacts {
    pub shadowed_meetings: Option<u32>,
    pub led_meetings_with_feedback: Option<u32>,
    pub pathway_complete: Option<bool>,
    pub passed_certifications: Option<Vec<String>>,
}

/// One line of the graduation checklist.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CriterionResult {
    pub task: String,
    pub label: String,
    pub met: bool,
    /// What is still missing, when not met.
    pub missing: Option<String>,
}

/// Evaluates the graduation criteria of the onboarding's tasks from data.
pub fn evaluate_graduation(
    tasks: &[&TaskTemplate],
    facts: &GraduationFacts,
) -> Vec<CriterionResult> {
    use crate::program::Criterion;
    let mut out = Vec::new();
    for t in tasks {
        for c in &t.graduation {
            let (label, met, missing) = match c {
                Criterion::PathwayComplete => {
                    let label = "Learning pathway complete".to_string();
                    match facts.pathway_complete {
                        Some(true) => (label, true, None),
                        Some(false) => (label, false, Some("modules are still open".to_string())),
                        None => (
                            label,
                            false,
                            Some("no pathway progress recorded yet".to_string()),
                        ),
                    }
                }
                Criterion::Certifications(ids) => {
                    let label = format!("Certifications passed: {}", ids.join(", "));
                    let passed = facts.passed_certifications.clone().unwrap_or_default();
                    let open: Vec<&String> = ids.iter().filter(|i| !passed.contains(i)).collect();
                    if open.is_empty() {
                        (label, true, None)
                    } else {
                        let names: Vec<&str> = open.iter().map(|s| s.as_str()).collect();
                        (
                            label,
                            false,
                            Some(format!("not passed yet: {}", names.join(", "))),
                        )
                    }
                }
                Criterion::ShadowedMeetings(n) => count_criterion(
                    format!("At least {n} meetings shadowed"),
                    *n,
                    facts.shadowed_meetings,
                    "shadowed meetings logged",
                ),
                Criterion::LedMeetingsWithFeedback(n) => count_criterion(
                    format!("At least {n} led meetings with buddy feedback"),
                    *n,
                    facts.led_meetings_with_feedback,
                    "led meetings with feedback",
                ),
            };
            out.push(CriterionResult {
                task: t.id.clone(),
                label,
                met,
                missing,
            });
        }
    }
    out
}

fn count_criterion(
    label: String,
    need: u32,
    have: Option<u32>,
    what: &str,
) -> (String, bool, Option<String>) {
    let have = have.unwrap_or(0);
    if have >= need {
        (label, true, None)
    } else {
        (label, false, Some(format!("{have} of {need} {what}")))
    }
}

/// Today's date where the person is. Unknown time zones count as UTC.
pub fn today_in(time_zone: &str, now: chrono::DateTime<chrono::Utc>) -> NaiveDate {
    match time_zone.parse::<chrono_tz::Tz>() {
        Ok(tz) => now.with_timezone(&tz).date_naive(),
        Err(_) => now.date_naive(),
    }
}

/// Whether a time zone name is known (IANA names such as Europe/Berlin).
pub fn is_time_zone(name: &str) -> bool {
    name.parse::<chrono_tz::Tz>().is_ok()
}
