//! What waits for one person across every onboarding they take part in.

use crate::{Result, Store, on_db};
use chrono::NaiveDate;
use serde::Serialize;

/// An unfinished task of a running onboarding whose owner role the person
/// holds there, with the onboarding's people (so the caller can check
/// permissions without reading the onboarding again).
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
pub struct WaitingTask {
    pub id: i64,
    pub onboarding_id: i64,
    pub title: String,
    pub owner_role: String,
    pub phase: String,
    pub kind: String,
    pub due_date: NaiveDate,
    /// `open` or `blocked` (waiting for other tasks).
    pub status: String,
    pub status_note: Option<String>,
    pub compliance_critical: bool,
    pub version: i64,
    pub new_hire_id: i64,
    pub new_hire_name: String,
    pub manager_id: Option<i64>,
    pub buddy_id: Option<i64>,
    pub backup_buddy_id: Option<i64>,
    pub people_connect_id: Option<i64>,
    pub enablement_id: Option<i64>,
}

impl Store {
    /// The unfinished tasks of running onboardings that wait for `person`:
    /// those owned by a role the person holds in that onboarding (new hire,
    /// manager, buddy or backup buddy, People Connect, Enablement). Soonest
    /// due first; at most `limit`.
    pub async fn tasks_waiting_for(&self, person: i64, limit: i64) -> Result<Vec<WaitingTask>> {
        Ok(on_db!(self, |pool, _begin| {
            sqlx::query_as(
                // The person's onboardings first (one index lookup per role),
                // then their tasks by onboarding: never a scan of all tasks.
                // CROSS JOIN keeps that order on SQLite, whose planner would
                // otherwise start from every open task (PostgreSQL plans it
                // as an ordinary join).
                "SELECT t.id, t.onboarding_id, t.title, t.owner_role, t.phase, t.kind, t.due_date,
                        t.status, t.status_note, t.compliance_critical, t.version,
                        o.person_id AS new_hire_id, p.name AS new_hire_name, o.manager_id,
                        o.buddy_id, o.backup_buddy_id, o.people_connect_id, o.enablement_id
                 FROM (SELECT id FROM onboardings WHERE person_id = $1
                       UNION SELECT id FROM onboardings WHERE manager_id = $1
                       UNION SELECT id FROM onboardings WHERE buddy_id = $1
                       UNION SELECT id FROM onboardings WHERE backup_buddy_id = $1
                       UNION SELECT id FROM onboardings WHERE people_connect_id = $1
                       UNION SELECT id FROM onboardings WHERE enablement_id = $1) mine
                 CROSS JOIN onboardings o
                 CROSS JOIN tasks t
                 CROSS JOIN people p
                 WHERE o.id = mine.id AND t.onboarding_id = o.id AND p.id = o.person_id
                   AND o.status = 'active' AND t.status IN ('open', 'blocked')
                   AND ((t.owner_role = 'new-hire' AND o.person_id = $1)
                     OR (t.owner_role = 'manager' AND o.manager_id = $1)
                     OR (t.owner_role = 'buddy' AND (o.buddy_id = $1 OR o.backup_buddy_id = $1))
                     OR (t.owner_role = 'people-connect' AND o.people_connect_id = $1)
                     OR (t.owner_role = 'enablement' AND o.enablement_id = $1))
                 ORDER BY t.due_date, p.name, t.position, t.id
                 LIMIT $2",
            )
            .bind(person)
            .bind(limit)
            .fetch_all(pool)
            .await?
        }))
    }
}
