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

/// Finished and total task counts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Progress {
    pub finished: u32,
    pub total: u32,
}

impl Progress {
    pub fn percent(self) -> u32 {
        (self.finished * 100).checked_div(self.total).unwrap_or(0)
    }
}
