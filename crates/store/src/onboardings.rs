//! Onboardings, their tasks, comments and attachments.

use crate::audit::audit;
use crate::notices::{name_in, notify, parties_in};
use crate::{NewOnboarding, Onboarding, OnboardingSummary, Result, Store, StoreError, Task, on_db};
use chrono::{NaiveDate, Utc};
use onramp_core::notify::{Event, audience};
use onramp_core::onboarding::plan;
use onramp_core::schedule::WorkCalendar;

pub(crate) const ONBOARDING_COLUMNS: &str = "id, person_id, program_version_id, start_date, manager_id, people_connect_id, enablement_id, buddy_id, status, version, created_at, updated_at, closed_at, due_date, backup_buddy_id";
pub(crate) const TASK_COLUMNS: &str = "id, onboarding_id, task_key, position, title, body, owner_role, phase, kind, due_date, status, status_note, compliance_critical, version, completed_at, completed_by, created_at, updated_at, due_day, escalated_at, template";

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
            return Err(StoreError::NoSuch {
                field: "person_id",
                what: format!("new hire {} in this onboarding", person.id),
            });
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
        onramp_core::rules::check_plan(
            planned.len(),
            &program.id,
            version.version,
            person.segment.as_deref(),
            person.region.as_deref(),
        )?;
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
            let (parties, hire) = parties_in!(tx, onboarding.id);
            let who = name_in!(tx, actor_id);
            notify!(
                tx,
                audience(Event::OnboardingCreated, &parties, actor_id),
                Event::OnboardingCreated,
                Some(onboarding.id),
                None,
                &format!(
                    "{who} started {hire}'s onboarding ({}); the first day is {}.",
                    program.title, new.start_date
                ),
                &format!("/onboardings/{}", onboarding.id)
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
                        AND t.status IN ('open', 'blocked') AND t.due_date < $1) AS overdue_tasks,
                    o.updated_at AS last_activity, o.manager_id, o.buddy_id, o.backup_buddy_id,
                    o.due_date, o.program_version_id
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
}

/// Which onboardings a listing shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OnboardingFilter {
    All,
    /// Where the person is the new hire, manager, buddy, People Connect or Enablement.
    Involving(i64),
    /// The onboardings of a manager's reports.
    ManagedBy(i64),
    /// Where the person is the buddy or the backup buddy.
    BuddyOf(i64),
    /// Starting within these dates (inclusive).
    StartingBetween(NaiveDate, NaiveDate),
    /// Whose last task is due within these dates (inclusive).
    EndingBetween(NaiveDate, NaiveDate),
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
            // One index lookup per role: SQLite (without statistics) would
            // otherwise read every onboarding to test six columns.
            OnboardingFilter::Involving(id) => (
                "o.id IN (SELECT id FROM onboardings WHERE person_id = $4
                          UNION SELECT id FROM onboardings WHERE manager_id = $4
                          UNION SELECT id FROM onboardings WHERE buddy_id = $4
                          UNION SELECT id FROM onboardings WHERE backup_buddy_id = $4
                          UNION SELECT id FROM onboardings WHERE people_connect_id = $4
                          UNION SELECT id FROM onboardings WHERE enablement_id = $4)",
                Some(*id),
                None,
                None,
            ),
            OnboardingFilter::BuddyOf(id) => (
                "o.id IN (SELECT id FROM onboardings WHERE buddy_id = $4
                          UNION SELECT id FROM onboardings WHERE backup_buddy_id = $4)",
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
            OnboardingFilter::EndingBetween(from, to) => (
                "o.due_date >= $5 AND o.due_date <= $6",
                None,
                Some(*from),
                Some(*to),
            ),
        }
    }
}
