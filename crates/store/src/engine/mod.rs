//! Changing onboardings: task status, start date, program upgrades, and the
//! periodic sweep (escalations and automatic closing). Every change checks
//! the version the caller saw, so a stale update is refused, never lost.

mod sweep;
mod upgrades;
pub use sweep::SweepReport;

use crate::audit::audit;
use crate::notices::{name_in, notify, parties_in};
use crate::onboardings::{ONBOARDING_COLUMNS, TASK_COLUMNS, insert_planned};
use crate::{Onboarding, Result, Store, StoreError, Task, on_db};
use chrono::{DateTime, Days, NaiveDate, Utc};
use onramp_core::notify::{Event, audience, owners};
use onramp_core::onboarding::{
    ExistingTask, TaskAction, TaskNode, TaskRefusal, TaskStatus, UpgradeDiff, plan, reblock,
    transition, unfinished_dependencies, upgrade_diff,
};
use onramp_core::schedule::WorkCalendar;
use sqlx::types::Json;

pub(super) fn status_of(task: &Task) -> Result<TaskStatus> {
    task.status
        .parse()
        .map_err(|e: String| StoreError::Corrupt(format!("task {}: {e}", task.id)))
}

pub(super) fn nodes(tasks: &[Task]) -> Result<Vec<TaskNode>> {
    tasks
        .iter()
        .map(|t| {
            Ok(TaskNode {
                key: t.task_key.clone(),
                status: status_of(t)?,
                depends_on: t.template.0.depends_on.clone(),
            })
        })
        .collect()
}

/// What a task update changed.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct TaskUpdate {
    pub task: Task,
    /// Other tasks of the onboarding whose status followed (blocked ↔ open).
    pub followed: Vec<(String, String)>,
}

impl Store {
    pub async fn task(&self, id: i64) -> Result<Task> {
        let sql = format!("SELECT {TASK_COLUMNS} FROM tasks WHERE id = $1");
        let found: Option<Task> = on_db!(self, |pool, _begin| {
            sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(id)
                .fetch_optional(pool)
                .await?
        });
        found.ok_or_else(|| StoreError::NotFound(format!("task {id}")))
    }

    /// Completes, skips or reopens a task. `expected_version` is the task
    /// version the caller saw; another version means someone changed it in
    /// between, and nothing is changed.
    pub async fn update_task(
        &self,
        actor_id: Option<i64>,
        task_id: i64,
        expected_version: i64,
        action: &TaskAction,
    ) -> Result<TaskUpdate> {
        self.update_task_with_note(actor_id, task_id, expected_version, action, None)
            .await
    }

    /// [`Store::update_task`] with a note on a completion or reopening,
    /// kept on the timeline (a skip carries its own note, its reason).
    // Long: one transaction: check the version, change the task, record it, and unblock dependants.
    pub async fn update_task_with_note(
        &self,
        actor_id: Option<i64>,
        task_id: i64,
        expected_version: i64,
        action: &TaskAction,
        note: Option<&str>,
    ) -> Result<TaskUpdate> {
        let now = Utc::now();
        let remark = note
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .map(str::to_string);
        let select = format!(
            "SELECT {TASK_COLUMNS} FROM tasks WHERE onboarding_id = (SELECT onboarding_id FROM tasks WHERE id = $1) ORDER BY position, id"
        );
        let reread = format!("SELECT {TASK_COLUMNS} FROM tasks WHERE id = $1");
        // Writers of one onboarding take turns (PostgreSQL; SQLite's write
        // transactions already do), so what is read below is current.
        let lock = format!(
            "SELECT id FROM onboardings WHERE id = (SELECT onboarding_id FROM tasks WHERE id = $1){}",
            self.row_lock()
        );
        Ok(on_db!(self, |pool, begin| {
            let mut tx = pool.begin_with(begin).await?;
            sqlx::query(sqlx::AssertSqlSafe(lock))
                .bind(task_id)
                .fetch_optional(&mut *tx)
                .await?;
            let tasks: Vec<Task> = sqlx::query_as(sqlx::AssertSqlSafe(select))
                .bind(task_id)
                .fetch_all(&mut *tx)
                .await?;
            let Some(task) = tasks.iter().find(|t| t.id == task_id).cloned() else {
                return Err(StoreError::NotFound(format!("task {task_id}")));
            };
            if task.version != expected_version {
                return Err(StoreError::Conflict(format!(
                    "task {task_id} was changed by someone else (you saw version {expected_version}, it is now {}); reload and try again",
                    task.version
                )));
            }
            let mut graph = nodes(&tasks)?;
            let waiting = unfinished_dependencies(&graph, &task.task_key);
            let old = status_of(&task)?;
            if matches!(action, TaskAction::Skip { .. })
                && !onramp_core::onboarding::skippable(task.compliance_critical)
            {
                return Err(StoreError::Conflict(TaskRefusal::Required.to_string()));
            }
            let new = transition(old, action, &waiting)
                .map_err(|e| StoreError::Conflict(e.to_string()))?;
            let note = match action {
                TaskAction::Skip { note } => note.clone().filter(|n| !n.trim().is_empty()),
                _ => None,
            };
            let done = new == TaskStatus::Done;
            let rows = sqlx::query(
                "UPDATE tasks SET status = $1, status_note = $2, version = version + 1, updated_at = $3,
                        completed_at = $4, completed_by = $5
                 WHERE id = $6 AND version = $7",
            )
            .bind(new.as_str())
            .bind(&note)
            .bind(now)
            .bind(done.then_some(now))
            .bind(if done { actor_id } else { None })
            .bind(task_id)
            .bind(expected_version)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            one_row(rows, || task_changed(task_id))?;
            let said = note.clone().or(remark);
            audit!(
                tx,
                actor_id,
                action.name(),
                "task",
                Some(task_id),
                Some(task.onboarding_id),
                Some(serde_json::json!({"task": task.task_key, "status": old.as_str()})),
                Some(
                    serde_json::json!({"task": task.task_key, "title": task.title, "status": new.as_str(), "note": said})
                )
            );
            if let Some(n) = graph.iter_mut().find(|n| n.key == task.task_key) {
                n.status = new;
            }
            let mut followed = Vec::new();
            let mut opened = Vec::new();
            for (key, status) in reblock(&graph) {
                if let Some(other) = tasks.iter().find(|t| t.task_key == key) {
                    let rows = sqlx::query("UPDATE tasks SET status = $1, version = version + 1, updated_at = $2 WHERE id = $3 AND version = $4")
                        .bind(status.as_str())
                        .bind(now)
                        .bind(other.id)
                        .bind(other.version)
                        .execute(&mut *tx)
                        .await?
                        .rows_affected();
                    one_row(rows, || task_changed(other.id))?;
                    if status == TaskStatus::Open {
                        opened.push(other);
                    }
                    followed.push((key, status.as_str().to_string()));
                }
            }
            if !opened.is_empty() {
                let (parties, hire) = parties_in!(tx, task.onboarding_id);
                for other in opened {
                    notify!(
                        tx,
                        owners(&other.owner_role, &parties, actor_id),
                        Event::TaskOpened,
                        Some(task.onboarding_id),
                        Some(other.id),
                        &format!(
                            "“{}” in {hire}'s onboarding is ready: the tasks before it are finished.",
                            other.title
                        ),
                        &format!("/onboardings/{}/tasks/{}", task.onboarding_id, other.id)
                    );
                }
            }
            sqlx::query("UPDATE onboardings SET updated_at = $1 WHERE id = $2")
                .bind(now)
                .bind(task.onboarding_id)
                .execute(&mut *tx)
                .await?;
            // Finishing the last unfinished task completes the onboarding.
            if !old.is_finished() && new.is_finished() {
                let (unfinished,): (i64,) = sqlx::query_as(
                    "SELECT COUNT(*) FROM tasks WHERE onboarding_id = $1 AND status NOT IN ('done', 'skipped')",
                )
                .bind(task.onboarding_id)
                .fetch_one(&mut *tx)
                .await?;
                if unfinished == 0 {
                    let (parties, hire) = parties_in!(tx, task.onboarding_id);
                    notify!(
                        tx,
                        audience(Event::OnboardingCompleted, &parties, actor_id),
                        Event::OnboardingCompleted,
                        Some(task.onboarding_id),
                        None,
                        &format!("{hire} finished every task of their onboarding."),
                        &format!("/onboardings/{}", task.onboarding_id)
                    );
                }
            }
            let task: Task = sqlx::query_as(sqlx::AssertSqlSafe(reread))
                .bind(task_id)
                .fetch_one(&mut *tx)
                .await?;
            tx.commit().await?;
            TaskUpdate { task, followed }
        }))
    }

    /// Moves an onboarding's start date: the due dates of unfinished tasks are
    /// counted again from the new date; finished tasks keep theirs.
    // Long: one transaction moves the start, rebases the unfinished tasks, audits and notifies.
    pub async fn move_start_date(
        &self,
        actor_id: Option<i64>,
        onboarding_id: i64,
        expected_version: i64,
        new_start: NaiveDate,
        calendar: &WorkCalendar,
    ) -> Result<Onboarding> {
        let onboarding = self.onboarding(onboarding_id).await?;
        if onboarding.version != expected_version {
            return Err(stale(onboarding_id, expected_version, onboarding.version));
        }
        let tasks = self.tasks(onboarding_id).await?;
        let now = Utc::now();
        let reread = format!("SELECT {ONBOARDING_COLUMNS} FROM onboardings WHERE id = $1");
        let mut moved = 0usize;
        let mut due_dates = Vec::new();
        let mut updates = Vec::new();
        for t in &tasks {
            let due = if status_of(t)?.is_finished() {
                t.due_date
            } else {
                let due =
                    calendar.add_business_days(new_start, i32::try_from(t.due_day).unwrap_or(0));
                if due != t.due_date {
                    moved += 1;
                    updates.push((t.id, t.version, due));
                }
                due
            };
            due_dates.push(due);
        }
        let due_date = due_dates.into_iter().max();
        Ok(on_db!(self, |pool, begin| {
            let mut tx = pool.begin_with(begin).await?;
            let changed = sqlx::query(
                "UPDATE onboardings SET start_date = $1, due_date = $2, version = version + 1, updated_at = $3
                 WHERE id = $4 AND version = $5",
            )
            .bind(new_start)
            .bind(due_date)
            .bind(now)
            .bind(onboarding_id)
            .bind(expected_version)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if changed == 0 {
                return Err(stale(onboarding_id, expected_version, expected_version + 1));
            }
            for (id, version, due) in &updates {
                // Only tasks still as they were read: one finished meanwhile keeps its date.
                let rows = sqlx::query("UPDATE tasks SET due_date = $1, version = version + 1, updated_at = $2, escalated_at = NULL, reminded_at = NULL, overdue_noted_at = NULL WHERE id = $3 AND version = $4")
                    .bind(due)
                    .bind(now)
                    .bind(id)
                    .bind(version)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                one_row(rows, || task_changed(*id))?;
            }
            audit!(
                tx,
                actor_id,
                "move-start",
                "onboarding",
                Some(onboarding_id),
                Some(onboarding_id),
                Some(serde_json::json!({"start_date": onboarding.start_date})),
                Some(serde_json::json!({"start_date": new_start, "tasks_rebased": moved}))
            );
            if onboarding.start_date != new_start {
                let (parties, hire) = parties_in!(tx, onboarding_id);
                let who = name_in!(tx, actor_id);
                notify!(
                    tx,
                    audience(Event::StartMoved, &parties, actor_id),
                    Event::StartMoved,
                    Some(onboarding_id),
                    None,
                    &format!(
                        "{who} moved {hire}'s first day from {} to {new_start}; {moved} due date(s) moved with it.",
                        onboarding.start_date
                    ),
                    &format!("/onboardings/{onboarding_id}")
                );
            }
            let o: Onboarding = sqlx::query_as(sqlx::AssertSqlSafe(reread))
                .bind(onboarding_id)
                .fetch_one(&mut *tx)
                .await?;
            tx.commit().await?;
            o
        }))
    }

    /// Holidays are kept per region; `ALL` holds company-wide ones.
    pub async fn add_holiday(&self, region: &str, day: NaiveDate, name: &str) -> Result<()> {
        on_db!(self, |pool, _begin| {
            sqlx::query("INSERT INTO holidays (region, day, name) VALUES ($1, $2, $3) ON CONFLICT (region, day) DO UPDATE SET name = excluded.name")
                .bind(region)
                .bind(day)
                .bind(name)
                .execute(pool)
                .await?;
        });
        Ok(())
    }

    /// The working calendar of a region: its holidays and the company-wide ones.
    pub async fn calendar_for(&self, region: Option<&str>) -> Result<WorkCalendar> {
        let rows: Vec<(NaiveDate,)> = on_db!(self, |pool, _begin| {
            sqlx::query_as("SELECT day FROM holidays WHERE region = $1 OR region = 'ALL'")
                .bind(region.unwrap_or("ALL"))
                .fetch_all(pool)
                .await?
        });
        Ok(WorkCalendar::new(rows.into_iter().map(|r| r.0)))
    }

    /// Holidays by region and date.
    pub async fn holidays(&self) -> Result<Vec<(String, NaiveDate, String)>> {
        Ok(on_db!(self, |pool, _begin| {
            sqlx::query_as("SELECT region, day, name FROM holidays ORDER BY region, day")
                .fetch_all(pool)
                .await?
        }))
    }
}

/// A task changed between reading it and writing it (another request won).
pub(super) fn task_changed(task_id: i64) -> StoreError {
    StoreError::Conflict(format!(
        "task {task_id} was changed by someone else meanwhile; reload and try again"
    ))
}

/// Checks a compare-and-set: exactly one row must have changed.
pub(super) fn one_row(rows: u64, conflict: impl FnOnce() -> StoreError) -> Result<()> {
    if rows == 1 { Ok(()) } else { Err(conflict()) }
}

pub(super) fn stale(onboarding_id: i64, expected: i64, actual: i64) -> StoreError {
    StoreError::Conflict(format!(
        "onboarding {onboarding_id} was changed by someone else (you saw version {expected}, it is now {actual}); reload and try again"
    ))
}

/// A request to start an onboarding, by people's ids.
#[derive(Debug, Clone, PartialEq)]
pub struct StartRequest {
    pub person_id: i64,
    pub start_date: NaiveDate,
    /// The person's manager when `None`.
    pub manager_id: Option<i64>,
    pub people_connect_id: Option<i64>,
    pub enablement_id: Option<i64>,
    pub buddy_id: Option<i64>,
    /// A program id to use instead of the one chosen by segment and region.
    pub program: Option<String>,
}
