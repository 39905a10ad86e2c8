//! Writing a history that is imported or generated (the demo's, a
//! benchmark's): each record at its own time in the past.

use crate::{Result, Store, on_db};
use chrono::{DateTime, Utc};
use sqlx::types::Json;

/// A task's outcome in an onboarding's past, for a history that is imported
/// or generated (the demo's, a benchmark's).
#[derive(Clone, Debug, PartialEq)]
pub struct PastOutcome {
    pub task_id: i64,
    /// Skipped rather than done.
    pub skipped: bool,
    pub at: DateTime<Utc>,
    pub by: Option<i64>,
    /// Finished once before, and reopened at this time.
    pub reopened_at: Option<DateTime<Utc>>,
    /// A comment on the task by someone, written at `at`.
    pub comment: Option<(i64, String)>,
}

impl Store {
    /// Writes an onboarding's past: each task's outcome at its own time (in
    /// the audit log at that time too), and the onboarding closed at
    /// `closed_at` when given. One transaction.
    // Long: one transaction per backend: each outcome's task, audit events and comment together.
    pub async fn record_history(
        &self,
        onboarding_id: i64,
        outcomes: &[PastOutcome],
        closed_at: Option<DateTime<Utc>>,
    ) -> Result<()> {
        on_db!(self, |pool, begin| {
            let mut tx = pool.begin_with(begin).await?;
            for o in outcomes {
                let status = if o.skipped { "skipped" } else { "done" };
                let title: Option<(String,)> = sqlx::query_as(
                    "UPDATE tasks SET status = $1, completed_at = $2, completed_by = $3, updated_at = $4,
                            version = version + 1
                     WHERE id = $5 AND onboarding_id = $6 RETURNING title",
                )
                .bind(status)
                .bind((!o.skipped).then_some(o.at))
                .bind(if o.skipped { None } else { o.by })
                .bind(o.at)
                .bind(o.task_id)
                .bind(onboarding_id)
                .fetch_optional(&mut *tx)
                .await?;
                let Some((title,)) = title else {
                    return Err(crate::StoreError::NotFound(format!(
                        "task {} of onboarding {onboarding_id}",
                        o.task_id
                    )));
                };
                sqlx::query(
                    "INSERT INTO audit_events (at, actor_id, action, entity, entity_id, onboarding_id, old_value, new_value)
                     VALUES ($1, $2, $3, 'task', $4, $5, NULL, $6)",
                )
                .bind(o.at)
                .bind(o.by)
                .bind(if o.skipped { "skip" } else { "complete" })
                .bind(o.task_id)
                .bind(onboarding_id)
                .bind(Json(serde_json::json!({ "status": status, "title": title })))
                .execute(&mut *tx)
                .await?;
                if let Some(reopened) = o.reopened_at {
                    sqlx::query(
                        "INSERT INTO audit_events (at, actor_id, action, entity, entity_id, onboarding_id, old_value, new_value)
                         VALUES ($1, $2, 'reopen', 'task', $3, $4, NULL, $5)",
                    )
                    .bind(reopened)
                    .bind(o.by)
                    .bind(o.task_id)
                    .bind(onboarding_id)
                    .bind(Json(serde_json::json!({ "status": "open", "title": title })))
                    .execute(&mut *tx)
                    .await?;
                }
                if let Some((author, body)) = &o.comment {
                    sqlx::query(
                        "INSERT INTO comments (onboarding_id, task_id, author_id, body, created_at, updated_at)
                         VALUES ($1, $2, $3, $4, $5, $5)",
                    )
                    .bind(onboarding_id)
                    .bind(o.task_id)
                    .bind(author)
                    .bind(body)
                    .bind(o.at)
                    .execute(&mut *tx)
                    .await?;
                }
            }
            if let Some(closed) = closed_at {
                sqlx::query(
                    "UPDATE onboardings SET status = 'closed', closed_at = $1, updated_at = $1, version = version + 1
                     WHERE id = $2",
                )
                .bind(closed)
                .bind(onboarding_id)
                .execute(&mut *tx)
                .await?;
            }
            tx.commit().await?;
            Ok(())
        })
    }
}

impl Store {
    /// Records reading-list items a new hire read in the past, each at its
    /// own time (an imported or generated history).
    pub async fn record_past_reading(
        &self,
        person_id: i64,
        read: &[(String, DateTime<Utc>)],
    ) -> Result<()> {
        on_db!(self, |pool, begin| {
            let mut tx = pool.begin_with(begin).await?;
            for (item, at) in read {
                sqlx::query(
                    "INSERT INTO reading_receipts (person_id, item_id, read_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
                )
                .bind(person_id)
                .bind(item)
                .bind(at)
                .execute(&mut *tx)
                .await?;
            }
            tx.commit().await?;
            Ok(())
        })
    }

    /// Records an office-hours question asked in the past (an imported or
    /// generated history): nobody is notified. Answer it with
    /// `answer_question`, then give the answer its time with
    /// [`Store::backdate_answer`].
    pub async fn record_past_question(
        &self,
        author: i64,
        series_id: i64,
        session_start: DateTime<Utc>,
        body: &str,
        asked_at: DateTime<Utc>,
    ) -> Result<i64> {
        Ok(on_db!(self, |pool, _b| {
            let (id,): (i64,) = sqlx::query_as(
                "INSERT INTO questions (series_id, session_start, author_id, anonymous, body, status, created_at)
                 VALUES ($1, $2, $3, FALSE, $4, 'open', $5) RETURNING id",
            )
            .bind(series_id)
            .bind(session_start)
            .bind(author)
            .bind(body)
            .bind(asked_at)
            .fetch_one(pool)
            .await?;
            id
        }))
    }

    /// Gives a question's answer the time it was given in the past.
    pub async fn backdate_answer(&self, question_id: i64, at: DateTime<Utc>) -> Result<()> {
        on_db!(self, |pool, _b| {
            sqlx::query("UPDATE questions SET answered_at = $1 WHERE id = $2")
                .bind(at)
                .bind(question_id)
                .execute(pool)
                .await?;
            Ok(())
        })
    }
}
