//! Rows as the store hands them out.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use sqlx::types::Json;

#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
pub struct Person {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub department: String,
    pub job_role: String,
    pub segment: Option<String>,
    pub region: Option<String>,
    pub time_zone: String,
    pub start_date: Option<NaiveDate>,
    pub manager_id: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A person to add, or to update by email.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NewPerson {
    pub email: String,
    pub name: String,
    pub department: String,
    pub job_role: String,
    pub segment: Option<String>,
    pub region: Option<String>,
    pub time_zone: String,
    pub start_date: Option<NaiveDate>,
    pub manager_id: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
pub struct ProgramRow {
    pub id: i64,
    pub slug: String,
    pub title: String,
    pub description: String,
    pub owner: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
pub struct ProgramVersion {
    pub id: i64,
    pub program_id: i64,
    pub version: i64,
    pub content_hash: String,
    pub definition: Json<onramp_core::program::Program>,
    pub created_at: DateTime<Utc>,
}

/// A program with its newest version, for listings.
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
pub struct ProgramSummary {
    pub id: i64,
    pub slug: String,
    pub title: String,
    pub owner: String,
    pub latest_version: i64,
    pub latest_version_id: i64,
    pub versions: i64,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
pub struct Onboarding {
    pub id: i64,
    pub person_id: i64,
    pub program_version_id: i64,
    pub start_date: NaiveDate,
    pub manager_id: Option<i64>,
    pub people_connect_id: Option<i64>,
    pub enablement_id: Option<i64>,
    pub buddy_id: Option<i64>,
    pub status: String,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub closed_at: Option<DateTime<Utc>>,
    /// When the last task is due.
    pub due_date: Option<NaiveDate>,
    pub backup_buddy_id: Option<i64>,
}

/// What an onboarding is made with.
#[derive(Debug, Clone, PartialEq)]
pub struct NewOnboarding {
    pub person_id: i64,
    pub program_version_id: i64,
    pub start_date: NaiveDate,
    pub manager_id: Option<i64>,
    pub people_connect_id: Option<i64>,
    pub enablement_id: Option<i64>,
    pub buddy_id: Option<i64>,
}

/// One line of the onboarding list: who, since when, how far.
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
pub struct OnboardingSummary {
    pub id: i64,
    pub person_id: i64,
    pub person_name: String,
    pub person_email: String,
    pub segment: Option<String>,
    pub region: Option<String>,
    pub start_date: NaiveDate,
    pub status: String,
    pub program_slug: String,
    pub program_title: String,
    pub program_version: i64,
    pub manager_name: Option<String>,
    pub buddy_name: Option<String>,
    pub total_tasks: i64,
    pub finished_tasks: i64,
    pub overdue_tasks: i64,
    /// The last change to the onboarding or one of its tasks.
    pub last_activity: DateTime<Utc>,
    pub manager_id: Option<i64>,
    pub buddy_id: Option<i64>,
    pub backup_buddy_id: Option<i64>,
    /// The last due date of its tasks.
    pub due_date: Option<NaiveDate>,
    pub program_version_id: i64,
}

impl OnboardingSummary {
    pub fn percent(&self) -> i64 {
        (self.finished_tasks * 100)
            .checked_div(self.total_tasks)
            .unwrap_or(0)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
pub struct Task {
    pub id: i64,
    pub onboarding_id: i64,
    pub task_key: String,
    pub position: i64,
    pub title: String,
    pub body: String,
    pub owner_role: String,
    pub phase: String,
    pub kind: String,
    pub due_date: NaiveDate,
    pub status: String,
    pub status_note: Option<String>,
    pub compliance_critical: bool,
    pub version: i64,
    pub completed_at: Option<DateTime<Utc>>,
    pub completed_by: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Business day the task is due, counted from the start date.
    pub due_day: i64,
    pub escalated_at: Option<DateTime<Utc>>,
    /// The program's task as it was when the onboarding was made or upgraded.
    pub template: Json<onramp_core::program::TaskTemplate>,
}

#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
pub struct Comment {
    pub id: i64,
    pub onboarding_id: i64,
    pub task_id: Option<i64>,
    pub author_id: i64,
    pub body: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// An attachment's description, without its bytes.
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
pub struct AttachmentMeta {
    pub id: i64,
    pub onboarding_id: i64,
    pub comment_id: Option<i64>,
    pub uploader_id: i64,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct NewAttachment {
    pub onboarding_id: i64,
    pub comment_id: Option<i64>,
    pub uploader_id: i64,
    pub file_name: String,
    pub content_type: String,
    pub data: Vec<u8>,
}

#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
pub struct AuditEvent {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub actor_id: Option<i64>,
    pub action: String,
    pub entity: String,
    pub entity_id: Option<i64>,
    pub onboarding_id: Option<i64>,
    pub old_value: Option<Json<serde_json::Value>>,
    pub new_value: Option<Json<serde_json::Value>>,
}

/// A message in a person's in-app inbox.
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
pub struct Notification {
    pub id: i64,
    pub person_id: i64,
    pub onboarding_id: Option<i64>,
    pub task_id: Option<i64>,
    pub comment_id: Option<i64>,
    /// The event (`onramp_core::notify::Event`), e.g. `mention`.
    pub kind: String,
    pub message: String,
    /// Where it leads in Onramp (a path), when it says.
    pub link: Option<String>,
    pub created_at: DateTime<Utc>,
    pub read_at: Option<DateTime<Utc>>,
}

/// A task without its stored template, for views (cheaper to read).
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
pub struct TaskLine {
    pub id: i64,
    pub onboarding_id: i64,
    pub task_key: String,
    pub position: i64,
    pub title: String,
    pub body: String,
    pub owner_role: String,
    pub phase: String,
    pub kind: String,
    pub due_date: NaiveDate,
    pub status: String,
    pub status_note: Option<String>,
    pub compliance_critical: bool,
    pub version: i64,
    pub due_day: i64,
}
