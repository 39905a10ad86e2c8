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

pub(crate) const ONBOARDING_COLUMNS: &str = "id, person_id, program_version_id, start_date, manager_id, people_connect_id, enablement_id, buddy_id, status, version, created_at, updated_at, closed_at, due_date, backup_buddy_id";
pub(crate) const TASK_COLUMNS: &str = "id, onboarding_id, task_key, position, title, body, owner_role, phase, kind, due_date, status, status_note, compliance_critical, version, completed_at, completed_by, created_at, updated_at, due_day, escalated_at, template";

/// Puts a notification in the inbox of everyone a comment @mentions who may
/// see the onboarding: roles of the onboarding (`@manager`, `@buddy`…) and
/// people by the part of their email before the `@`. The author is not
/// notified. Evaluates to the mentions that reached nobody, with the reason
/// (`onramp_core::comment::reaches`). Runs in the caller's transaction.
macro_rules! notify_mentions {
    ($tx:expr, $onboarding_id:expr, $task_id:expr, $comment_id:expr, $author_id:expr, $body:expr, $now:expr) => {{
        use onramp_core::comment::{Unreached, UnreachedMention};
        use onramp_core::people::Role;
        let m = onramp_core::comment::mentions($body);
        let mut unreached: Vec<UnreachedMention> = Vec::new();
        if !m.roles.is_empty() || !m.handles.is_empty() {
            let (hire, manager, buddy, backup, pc, enablement, hire_name): (i64, Option<i64>, Option<i64>, Option<i64>, Option<i64>, Option<i64>, String) =
                sqlx::query_as(
                    "SELECT o.person_id, o.manager_id, o.buddy_id, o.backup_buddy_id, o.people_connect_id, o.enablement_id, p.name
                     FROM onboardings o JOIN people p ON p.id = o.person_id WHERE o.id = $1",
                )
                .bind($onboarding_id)
                .fetch_one(&mut *$tx)
                .await?;
            let parties = onramp_core::access::Parties {
                new_hire: hire,
                manager,
                buddy,
                backup_buddy: backup,
                people_connect: pc,
                enablement,
            };
            // (how the person was named, who).
            let mut targets: Vec<(String, i64)> = Vec::new();
            for role in &m.roles {
                let who: Vec<i64> = match role {
                    Role::NewHire => vec![hire],
                    Role::Manager => manager.into_iter().collect(),
                    Role::Buddy => buddy.into_iter().chain(backup).collect(),
                    Role::PeopleConnect => pc.into_iter().collect(),
                    Role::Enablement => enablement.into_iter().collect(),
                    Role::Admin => Vec::new(),
                };
                if who.is_empty() {
                    unreached.push(UnreachedMention {
                        mention: role.as_str().to_string(),
                        reason: Unreached::RoleVacant,
                    });
                }
                targets.extend(who.into_iter().map(|p| (role.as_str().to_string(), p)));
            }
            for handle in &m.handles {
                let found: Vec<(i64,)> = sqlx::query_as(
                    "SELECT id FROM people WHERE substr(email, 1, length(CAST($1 AS TEXT)) + 1) = CAST($1 AS TEXT) || '@'",
                )
                .bind(handle)
                .fetch_all(&mut *$tx)
                .await?;
                if found.is_empty() {
                    unreached.push(UnreachedMention {
                        mention: handle.clone(),
                        reason: Unreached::NoSuchPerson,
                    });
                }
                targets.extend(found.into_iter().map(|r| (handle.clone(), r.0)));
            }
            targets.sort_by_key(|t| t.1);
            targets.dedup_by_key(|t| t.1);
            targets.retain(|t| t.1 != $author_id);
            let (author,): (String,) = sqlx::query_as("SELECT name FROM people WHERE id = $1")
                .bind($author_id)
                .fetch_one(&mut *$tx)
                .await?;
            let excerpt: String = $body.chars().take(140).collect();
            let message = format!("{author} mentioned you on {hire_name}'s onboarding: {excerpt}");
            for (mention, person) in targets {
                let account: Option<(String, Option<chrono::DateTime<Utc>>)> =
                    sqlx::query_as("SELECT roles, disabled_at FROM accounts WHERE person_id = $1")
                        .bind(person)
                        .fetch_optional(&mut *$tx)
                        .await?;
                let account = account.map(|(roles, disabled)| {
                    let roles: Vec<Role> =
                        roles.split(',').filter_map(|r| r.trim().parse().ok()).collect();
                    (roles, disabled.is_some())
                });
                if let Err(reason) = onramp_core::comment::reaches(person, account, &parties) {
                    unreached.push(UnreachedMention { mention, reason });
                    continue;
                }
                sqlx::query(
                    "INSERT INTO notifications (person_id, onboarding_id, task_id, comment_id, kind, message, created_at)
                     VALUES ($1, $2, $3, $4, 'mention', $5, $6)",
                )
                .bind(person)
                .bind($onboarding_id)
                .bind($task_id)
                .bind($comment_id)
                .bind(&message)
                .bind($now)
                .execute(&mut *$tx)
                .await?;
            }
        }
        unreached
    }};
}

/// Inserts planned tasks of an onboarding in one statement (one round trip
/// instead of one per task); `$tasks` must not be empty. Runs in the
/// caller's transaction.
macro_rules! insert_planned {
    ($tx:expr, $onboarding_id:expr, $tasks:expr, $program:expr, $now:expr) => {{
        let mut insert = sqlx::QueryBuilder::new(
            "INSERT INTO tasks (onboarding_id, task_key, position, title, body, owner_role, phase, kind,
                                due_date, status, compliance_critical, template, version, created_at, updated_at, due_day) ",
        );
        insert.push_values($tasks, |mut row, task| {
            let t = task.template;
            row.push_bind($onboarding_id)
                .push_bind(&t.id)
                .push_bind(task.position as i64)
                .push_bind(&t.title)
                .push_bind(&t.body)
                .push_bind(t.owner.as_str())
                .push_bind(&t.phase)
                .push_bind(t.kind.as_str())
                .push_bind(task.due_date)
                .push_bind(task.status.as_str())
                .push_bind(t.compliance_critical)
                .push_bind(sqlx::types::Json(t))
                .push_bind(1i64)
                .push_bind($now)
                .push_bind($now)
                .push_bind(i64::from($program.due_day(t)));
        });
        insert.build().execute(&mut *$tx).await?;
    }};
}
pub(crate) use insert_planned;

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
        self.create_onboarding_for(actor_id, &person, new, calendar)
            .await
    }

    /// [`Store::create_onboarding`] for a person the caller has already read.
    // Long: one transaction: the onboarding and all its planned tasks.
    pub async fn create_onboarding_for(
        &self,
        actor_id: Option<i64>,
        person: &crate::Person,
        new: &NewOnboarding,
        calendar: &WorkCalendar,
    ) -> Result<Onboarding> {
        if person.id != new.person_id {
            return Err(StoreError::Invalid(format!(
                "person {} is not the new hire {} of this onboarding",
                person.id, new.person_id
            )));
        }
        let version = self.program_version(new.program_version_id).await?;
        let program = &version.definition.0;
        let planned = plan(
            program,
            person.segment.as_deref(),
            person.region.as_deref(),
            new.start_date,
            calendar,
        );
        if planned.is_empty() {
            return Err(StoreError::Invalid(format!(
                "program `{}` v{} has no tasks for segment {} and region {}",
                program.id,
                version.version,
                person.segment.as_deref().unwrap_or("(none)"),
                person.region.as_deref().unwrap_or("(none)")
            )));
        }
        let due_date = planned.iter().map(|t| t.due_date).max();
        let now = Utc::now();
        let insert = format!(
            "INSERT INTO onboardings (person_id, program_version_id, start_date, manager_id, people_connect_id,
                                      enablement_id, buddy_id, status, version, created_at, updated_at, due_date)
             VALUES ($1, $2, $3, $4, $5, $6, $7, 'active', 1, $8, $8, $9) RETURNING {ONBOARDING_COLUMNS}"
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
                .bind(due_date)
                .fetch_one(&mut *tx)
                .await?;
            // One statement for all tasks: one round trip instead of one per task.
            insert_planned!(tx, onboarding.id, planned.iter(), program, now);
            if let Some(buddy) = new.buddy_id {
                sqlx::query(
                    "INSERT INTO buddy_assignments (onboarding_id, buddy_id, backup, started_at, assigned_by, note) VALUES ($1, $2, FALSE, $3, $4, '')",
                )
                .bind(onboarding.id)
                .bind(buddy)
                .bind(now)
                .bind(actor_id)
                .execute(&mut *tx)
                .await?;
            }
            // Enrolled in the learning pathway of the new hire's segment.
            if let Some(pathway) =
                onramp_core::catalogue::Catalogues::builtin().pathway_for(person.segment.as_deref())
            {
                sqlx::query(
                    "INSERT INTO pathway_enrolments (onboarding_id, person_id, pathway_id, enrolled_at) VALUES ($1, $2, $3, $4)",
                )
                .bind(onboarding.id)
                .bind(new.person_id)
                .bind(&pathway.id)
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
                Some(onboarding.id),
                None::<serde_json::Value>,
                Some(summary)
            );
            tx.commit().await?;
            onboarding
        }))
    }

    /// An onboarding and its new hire, in one query.
    pub async fn onboarding_with_person(&self, id: i64) -> Result<(Onboarding, crate::Person)> {
        #[derive(sqlx::FromRow)]
        struct Row {
            #[sqlx(flatten)]
            onboarding: Onboarding,
            p_email: String,
            p_name: String,
            p_department: String,
            p_job_role: String,
            p_segment: Option<String>,
            p_region: Option<String>,
            p_time_zone: String,
            p_start_date: Option<NaiveDate>,
            p_manager_id: Option<i64>,
            p_created_at: chrono::DateTime<Utc>,
            p_updated_at: chrono::DateTime<Utc>,
        }
        let row: Option<Row> = on_db!(self, |pool, _begin| {
            sqlx::query_as(
                "SELECT o.id, o.person_id, o.program_version_id, o.start_date, o.manager_id, o.people_connect_id,
                        o.enablement_id, o.buddy_id, o.status, o.version, o.created_at, o.updated_at, o.closed_at, o.due_date, o.backup_buddy_id,
                        p.email AS p_email, p.name AS p_name, p.department AS p_department, p.job_role AS p_job_role,
                        p.segment AS p_segment, p.region AS p_region, p.time_zone AS p_time_zone,
                        p.start_date AS p_start_date, p.manager_id AS p_manager_id,
                        p.created_at AS p_created_at, p.updated_at AS p_updated_at
                 FROM onboardings o JOIN people p ON p.id = o.person_id WHERE o.id = $1",
            )
            .bind(id)
            .fetch_optional(pool)
            .await?
        });
        let r = row.ok_or_else(|| StoreError::NotFound(format!("onboarding {id}")))?;
        let person = crate::Person {
            id: r.onboarding.person_id,
            email: r.p_email,
            name: r.p_name,
            department: r.p_department,
            job_role: r.p_job_role,
            segment: r.p_segment,
            region: r.p_region,
            time_zone: r.p_time_zone,
            start_date: r.p_start_date,
            manager_id: r.p_manager_id,
            created_at: r.p_created_at,
            updated_at: r.p_updated_at,
        };
        Ok((r.onboarding, person))
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
        self.find_onboardings(&OnboardingFilter::All, today, limit, offset)
            .await
    }

    /// Onboardings matching `filter`, with progress, newest start first.
    pub async fn find_onboardings(
        &self,
        filter: &OnboardingFilter,
        today: NaiveDate,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<OnboardingSummary>> {
        let (condition, person, from, to) = filter.sql();
        let sql = format!(
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
             WHERE {condition}
             ORDER BY o.start_date DESC, o.id DESC
             LIMIT $2 OFFSET $3"
        );
        Ok(on_db!(self, |pool, _begin| {
            sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(today)
                .bind(limit)
                .bind(offset)
                .bind(person)
                .bind(from)
                .bind(to)
                .fetch_all(pool)
                .await?
        }))
    }

    pub async fn count_onboardings(&self) -> Result<i64> {
        self.count_onboardings_where(&OnboardingFilter::All).await
    }

    pub async fn count_onboardings_where(&self, filter: &OnboardingFilter) -> Result<i64> {
        let (condition, person, from, to) = filter.sql();
        // The same numbering as `find_onboardings`; $1 to $3 are unused here.
        let sql = format!(
            "SELECT COUNT(*) FROM onboardings o WHERE {condition} AND $1 >= 0 AND $2 >= 0 AND $3 >= 0"
        );
        let (n,): (i64,) = on_db!(self, |pool, _begin| {
            sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(0i64)
                .bind(0i64)
                .bind(0i64)
                .bind(person)
                .bind(from)
                .bind(to)
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

    /// An onboarding's tasks in program order, without their templates.
    pub async fn task_lines(&self, onboarding_id: i64) -> Result<Vec<crate::TaskLine>> {
        Ok(on_db!(self, |pool, _begin| {
            sqlx::query_as(
                "SELECT id, onboarding_id, task_key, position, title, body, owner_role, phase, kind, due_date,
                        status, status_note, compliance_critical, version, due_day
                 FROM tasks WHERE onboarding_id = $1 ORDER BY position, id",
            )
            .bind(onboarding_id)
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

    /// Adds a comment to an onboarding (and optionally one of its tasks);
    /// returns it with the mentions that notified nobody.
    pub async fn add_comment(
        &self,
        onboarding_id: i64,
        task_id: Option<i64>,
        author_id: i64,
        body: &str,
    ) -> Result<(Comment, Vec<onramp_core::comment::UnreachedMention>)> {
        crate::text("body", body, onramp_core::text::LONG_TEXT)?;
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
            let unreached =
                notify_mentions!(tx, onboarding_id, task_id, comment.id, author_id, body, now);
            audit!(
                tx,
                Some(author_id),
                "create",
                "comment",
                Some(comment.id),
                Some(onboarding_id),
                None::<serde_json::Value>,
                Some(serde_json::json!({"onboarding_id": onboarding_id, "task_id": task_id}))
            );
            tx.commit().await?;
            (comment, unreached)
        }))
    }

    /// The bytes of every attachment `person` uploaded (their quota's use).
    pub async fn attachment_bytes_of(&self, person: i64) -> Result<u64> {
        let (bytes,): (i64,) = on_db!(self, |pool, _begin| {
            sqlx::query_as(
                "SELECT CAST(COALESCE(SUM(size_bytes), 0) AS BIGINT) FROM attachments WHERE uploader_id = $1",
            )
            .bind(person)
            .fetch_one(pool)
            .await?
        });
        Ok(u64::try_from(bytes).unwrap_or(0))
    }

    /// Comments of an onboarding with their authors' names, oldest first.
    pub async fn comments_named(&self, onboarding_id: i64) -> Result<Vec<(Comment, String)>> {
        #[derive(sqlx::FromRow)]
        struct Row {
            #[sqlx(flatten)]
            comment: Comment,
            author_name: String,
        }
        let rows: Vec<Row> = on_db!(self, |pool, _begin| {
            sqlx::query_as(
                "SELECT c.id, c.onboarding_id, c.task_id, c.author_id, c.body, c.created_at, c.updated_at,
                        p.name AS author_name
                 FROM comments c JOIN people p ON p.id = c.author_id
                 WHERE c.onboarding_id = $1 ORDER BY c.id",
            )
            .bind(onboarding_id)
            .fetch_all(pool)
            .await?
        });
        Ok(rows
            .into_iter()
            .map(|r| (r.comment, r.author_name))
            .collect())
    }

    /// Comments of an onboarding, oldest first.
    pub async fn comments(&self, onboarding_id: i64) -> Result<Vec<Comment>> {
        Ok(self
            .comments_named(onboarding_id)
            .await?
            .into_iter()
            .map(|(c, _)| c)
            .collect())
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
                Some(new.onboarding_id),
                None::<serde_json::Value>,
                Some(serde_json::json!({"file_name": new.file_name, "size_bytes": new.data.len()}))
            );
            tx.commit().await?;
            meta
        }))
    }

    /// The attachments of an onboarding, without their bytes.
    pub async fn attachments_of(&self, onboarding_id: i64) -> Result<Vec<AttachmentMeta>> {
        Ok(on_db!(self, |pool, _begin| {
            sqlx::query_as(
                "SELECT id, onboarding_id, comment_id, uploader_id, file_name, content_type, size_bytes, sha256, created_at
                 FROM attachments WHERE onboarding_id = $1 ORDER BY id",
            )
            .bind(onboarding_id)
            .fetch_all(pool)
            .await?
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

/// Which onboardings a listing shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OnboardingFilter {
    All,
    /// Where the person is the new hire, manager, buddy, People Connect or Enablement.
    Involving(i64),
    /// The onboardings of a manager's reports.
    ManagedBy(i64),
    /// Starting within these dates (inclusive).
    StartingBetween(NaiveDate, NaiveDate),
}

impl OnboardingFilter {
    /// The WHERE condition (over `o`) and its parameters: `$4` a person id,
    /// `$5` and `$6` dates.
    fn sql(
        &self,
    ) -> (
        &'static str,
        Option<i64>,
        Option<NaiveDate>,
        Option<NaiveDate>,
    ) {
        match self {
            OnboardingFilter::All => ("1 = 1", None, None, None),
            OnboardingFilter::Involving(id) => (
                "$4 IN (o.person_id, o.manager_id, o.buddy_id, o.backup_buddy_id, o.people_connect_id, o.enablement_id)",
                Some(*id),
                None,
                None,
            ),
            OnboardingFilter::ManagedBy(id) => ("o.manager_id = $4", Some(*id), None, None),
            OnboardingFilter::StartingBetween(from, to) => (
                "o.start_date >= $5 AND o.start_date <= $6",
                None,
                Some(*from),
                Some(*to),
            ),
        }
    }
}
