//! Onboardings, their tasks, comments and attachments.

use crate::audit::audit;
use crate::{
    AttachmentMeta, Comment, NewAttachment, NewOnboarding, Onboarding, OnboardingSummary, Result,
    Store, StoreError, Task, on_db,
};
use chrono::{NaiveDate, Utc};
use onramp_core::onboarding::plan;
use onramp_core::schedule::WorkCalendar;
use onramp_core::sha256_hex;
use sqlx::types::Json;

const ONBOARDING_COLUMNS: &str = "id, person_id, program_version_id, start_date, manager_id, people_connect_id, enablement_id, buddy_id, status, version, created_at, updated_at, closed_at";
const TASK_COLUMNS: &str = "id, onboarding_id, task_key, position, title, body, owner_role, phase, kind, due_date, status, status_note, compliance_critical, version, completed_at, completed_by, created_at, updated_at";

impl Store {
    /// Makes an onboarding from a program version for a person: the tasks
    /// that apply to their segment and region, due on business days of
    /// `calendar` counted from the start date.
    pub async fn create_onboarding(
        &self,
        actor_id: Option<i64>,
        new: &NewOnboarding,
        calendar: &WorkCalendar,
    ) -> Result<Onboarding> {
        let person = self.person(new.person_id).await?;
        let version = self.program_version(new.program_version_id).await?;
        let program = &version.definition.0;
        let planned = plan(
            program,
            person.segment.as_deref(),
            person.region.as_deref(),
            new.start_date,
            calendar,
        );
        let now = Utc::now();
        let insert = format!(
            "INSERT INTO onboardings (person_id, program_version_id, start_date, manager_id, people_connect_id,
                                      enablement_id, buddy_id, status, version, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, 'active', 1, $8, $8) RETURNING {ONBOARDING_COLUMNS}"
        );
        Ok(on_db!(self, |pool, begin| {
            let mut tx = pool.begin_with(begin).await?;
            let onboarding: Onboarding = sqlx::query_as(sqlx::AssertSqlSafe(insert))
                .bind(new.person_id)
                .bind(new.program_version_id)
                .bind(new.start_date)
                .bind(new.manager_id)
                .bind(new.people_connect_id)
                .bind(new.enablement_id)
                .bind(new.buddy_id)
                .bind(now)
                .fetch_one(&mut *tx)
                .await?;
            for task in &planned {
                let t = task.template;
                sqlx::query(
                    "INSERT INTO tasks (onboarding_id, task_key, position, title, body, owner_role, phase, kind,
                                        due_date, status, compliance_critical, template, version, created_at, updated_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 1, $13, $13)",
                )
                .bind(onboarding.id)
                .bind(&t.id)
                .bind(task.position as i64)
                .bind(&t.title)
                .bind(&t.body)
                .bind(t.owner.as_str())
                .bind(&t.phase)
                .bind(t.kind.as_str())
                .bind(task.due_date)
                .bind(task.status.as_str())
                .bind(t.compliance_critical)
                .bind(Json(t))
                .bind(now)
                .execute(&mut *tx)
                .await?;
            }
            let summary = serde_json::json!({
                "person_id": new.person_id, "program": program.id, "program_version": version.version,
                "start_date": new.start_date, "tasks": planned.len(),
            });
            audit!(
                tx,
                actor_id,
                "create",
                "onboarding",
                Some(onboarding.id),
                None::<serde_json::Value>,
                Some(summary)
            );
            tx.commit().await?;
            onboarding
        }))
    }

    pub async fn onboarding(&self, id: i64) -> Result<Onboarding> {
        let sql = format!("SELECT {ONBOARDING_COLUMNS} FROM onboardings WHERE id = $1");
        let found: Option<Onboarding> = on_db!(self, |pool, _begin| {
            sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(id)
                .fetch_optional(pool)
                .await?
        });
        found.ok_or_else(|| StoreError::NotFound(format!("onboarding {id}")))
    }

    /// Onboardings with progress, newest start first, a page at a time.
    /// Tasks due before `today` and not finished count as overdue.
    pub async fn list_onboardings(
        &self,
        today: NaiveDate,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<OnboardingSummary>> {
        Ok(on_db!(self, |pool, _begin| {
            sqlx::query_as(
                "SELECT o.id, o.person_id, p.name AS person_name, p.email AS person_email, p.segment, p.region,
                        o.start_date, o.status, pr.slug AS program_slug, pr.title AS program_title,
                        pv.version AS program_version, m.name AS manager_name, b.name AS buddy_name,
                        (SELECT COUNT(*) FROM tasks t WHERE t.onboarding_id = o.id) AS total_tasks,
                        (SELECT COUNT(*) FROM tasks t WHERE t.onboarding_id = o.id
                            AND t.status IN ('done', 'skipped')) AS finished_tasks,
                        (SELECT COUNT(*) FROM tasks t WHERE t.onboarding_id = o.id
                            AND t.status IN ('open', 'blocked') AND t.due_date < $1) AS overdue_tasks
                 FROM onboardings o
                 JOIN people p ON p.id = o.person_id
                 JOIN program_versions pv ON pv.id = o.program_version_id
                 JOIN programs pr ON pr.id = pv.program_id
                 LEFT JOIN people m ON m.id = o.manager_id
                 LEFT JOIN people b ON b.id = o.buddy_id
                 ORDER BY o.start_date DESC, o.id DESC
                 LIMIT $2 OFFSET $3",
            )
            .bind(today)
            .bind(limit)
            .bind(offset)
            .fetch_all(pool)
            .await?
        }))
    }

    pub async fn count_onboardings(&self) -> Result<i64> {
        let (n,): (i64,) = on_db!(self, |pool, _begin| {
            sqlx::query_as("SELECT COUNT(*) FROM onboardings")
                .fetch_one(pool)
                .await?
        });
        Ok(n)
    }

    /// The onboardings of one person, newest first.
    pub async fn onboardings_of(&self, person_id: i64) -> Result<Vec<Onboarding>> {
        let sql = format!(
            "SELECT {ONBOARDING_COLUMNS} FROM onboardings WHERE person_id = $1 ORDER BY start_date DESC, id DESC"
        );
        Ok(on_db!(self, |pool, _begin| {
            sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(person_id)
                .fetch_all(pool)
                .await?
        }))
    }

    /// An onboarding's tasks in program order.
    pub async fn tasks(&self, onboarding_id: i64) -> Result<Vec<Task>> {
        let sql = format!(
            "SELECT {TASK_COLUMNS} FROM tasks WHERE onboarding_id = $1 ORDER BY position, id"
        );
        Ok(on_db!(self, |pool, _begin| {
            sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(onboarding_id)
                .fetch_all(pool)
                .await?
        }))
    }

    /// Adds a comment to an onboarding (and optionally one of its tasks).
    pub async fn add_comment(
        &self,
        onboarding_id: i64,
        task_id: Option<i64>,
        author_id: i64,
        body: &str,
    ) -> Result<Comment> {
        if body.trim().is_empty() {
            return Err(StoreError::Invalid("a comment must not be empty".into()));
        }
        let now = Utc::now();
        Ok(on_db!(self, |pool, begin| {
            let mut tx = pool.begin_with(begin).await?;
            if let Some(task_id) = task_id {
                let owner: Option<(i64,)> =
                    sqlx::query_as("SELECT onboarding_id FROM tasks WHERE id = $1")
                        .bind(task_id)
                        .fetch_optional(&mut *tx)
                        .await?;
                if owner.map(|o| o.0) != Some(onboarding_id) {
                    return Err(StoreError::NotFound(format!(
                        "task {task_id} in onboarding {onboarding_id}"
                    )));
                }
            }
            let comment: Comment = sqlx::query_as(
                "INSERT INTO comments (onboarding_id, task_id, author_id, body, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $5)
                 RETURNING id, onboarding_id, task_id, author_id, body, created_at, updated_at",
            )
            .bind(onboarding_id)
            .bind(task_id)
            .bind(author_id)
            .bind(body)
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
            audit!(
                tx,
                Some(author_id),
                "create",
                "comment",
                Some(comment.id),
                None::<serde_json::Value>,
                Some(serde_json::json!({"onboarding_id": onboarding_id, "task_id": task_id}))
            );
            tx.commit().await?;
            comment
        }))
    }

    /// Comments of an onboarding, oldest first.
    pub async fn comments(&self, onboarding_id: i64) -> Result<Vec<Comment>> {
        Ok(on_db!(self, |pool, _begin| {
            sqlx::query_as(
                "SELECT id, onboarding_id, task_id, author_id, body, created_at, updated_at
                 FROM comments WHERE onboarding_id = $1 ORDER BY id",
            )
            .bind(onboarding_id)
            .fetch_all(pool)
            .await?
        }))
    }

    /// Stores an attachment's bytes in the database, so every server sharing
    /// it can serve them.
    pub async fn add_attachment(&self, new: &NewAttachment) -> Result<AttachmentMeta> {
        let now = Utc::now();
        let digest = sha256_hex(&new.data);
        Ok(on_db!(self, |pool, begin| {
            let mut tx = pool.begin_with(begin).await?;
            let meta: AttachmentMeta = sqlx::query_as(
                "INSERT INTO attachments (onboarding_id, comment_id, uploader_id, file_name, content_type, size_bytes, sha256, data, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
                 RETURNING id, onboarding_id, comment_id, uploader_id, file_name, content_type, size_bytes, sha256, created_at",
            )
            .bind(new.onboarding_id)
            .bind(new.comment_id)
            .bind(new.uploader_id)
            .bind(&new.file_name)
            .bind(&new.content_type)
            .bind(new.data.len() as i64)
            .bind(&digest)
            .bind(&new.data)
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
            audit!(
                tx,
                Some(new.uploader_id),
                "create",
                "attachment",
                Some(meta.id),
                None::<serde_json::Value>,
                Some(serde_json::json!({"file_name": new.file_name, "size_bytes": new.data.len()}))
            );
            tx.commit().await?;
            meta
        }))
    }

    /// An attachment's description and bytes.
    pub async fn attachment(&self, id: i64) -> Result<(AttachmentMeta, Vec<u8>)> {
        let found: Option<(i64, Vec<u8>)> = on_db!(self, |pool, _begin| {
            sqlx::query_as("SELECT id, data FROM attachments WHERE id = $1")
                .bind(id)
                .fetch_optional(pool)
                .await?
        });
        let Some((_, data)) = found else {
            return Err(StoreError::NotFound(format!("attachment {id}")));
        };
        let meta: AttachmentMeta = on_db!(self, |pool, _begin| {
            sqlx::query_as(
                "SELECT id, onboarding_id, comment_id, uploader_id, file_name, content_type, size_bytes, sha256, created_at
                 FROM attachments WHERE id = $1",
            )
            .bind(id)
            .fetch_one(pool)
            .await?
        });
        Ok((meta, data))
    }
}
