//! Reads for the panels of `/home` that the onboarding list does not
//! answer: progress per phase, pre-boarding work still open, unanswered
//! questions, the tasks programs most often miss, account and token counts,
//! and the person's last visit.

use crate::{Result, Store, on_db};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::Serialize;

/// The tasks of one phase of an onboarding.
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
pub struct PhaseCount {
    pub onboarding_id: i64,
    pub phase: String,
    pub total: i64,
    pub finished: i64,
    /// When the phase's last task is due.
    pub last_due: NaiveDate,
}

/// An unfinished task, with its onboarding.
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
pub struct OpenTask {
    pub onboarding_id: i64,
    pub title: String,
    pub owner_role: String,
    pub due_date: NaiveDate,
}

/// An open office-hours question (no author: the panel never names them).
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
pub struct OpenQuestion {
    pub id: i64,
    pub series_id: i64,
    pub series_title: String,
    pub body: String,
    pub session_start: DateTime<Utc>,
    pub votes: i64,
}

/// A task of a program that onboardings skip or finish late.
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
pub struct MissedTask {
    pub program_slug: String,
    pub program_title: String,
    pub task_key: String,
    pub title: String,
    /// Onboardings that have the task.
    pub onboardings: i64,
    pub skipped: i64,
    /// Finished after the due date, or still open past it.
    pub late: i64,
}

/// Accounts and API tokens, counted.
#[derive(Debug, Clone, Default, PartialEq, Serialize, sqlx::FromRow)]
pub struct AccountCounts {
    pub accounts: i64,
    pub disabled: i64,
    pub administrators: i64,
    pub tokens: i64,
    /// Live tokens not used for 90 days (or never).
    pub idle_tokens: i64,
}

/// Phase counts remembered per onboarding: the `updated_at` they were read
/// at, and the counts.
pub(crate) type PhaseCache = std::collections::HashMap<i64, (DateTime<Utc>, Vec<PhaseCount>)>;
/// Past this many onboardings the remembered counts start over.
const PHASE_CACHE_LIMIT: usize = 50_000;

/// A home visit counts as new after this long away.
const NEW_VISIT: Duration = Duration::hours(1);
/// Visits are recorded at most this often (a page view is not a write).
const RECORD_EVERY: Duration = Duration::minutes(5);

impl Store {
    /// Tasks per phase of these onboardings, each given with its
    /// `updated_at` (which every change to the onboarding or its tasks
    /// moves). Counts read before are reused while that time is unchanged,
    /// so several servers stay correct: the time comes from the database.
    /// Only the others are read, in one query.
    pub async fn phase_counts_of(
        &self,
        onboardings: &[(i64, DateTime<Utc>)],
    ) -> Result<Vec<PhaseCount>> {
        let mut out = Vec::new();
        let mut missing = Vec::new();
        if let Ok(cache) = self.phases.lock() {
            for (id, at) in onboardings {
                match cache.get(id) {
                    Some((seen, counts)) if seen == at => out.extend(counts.iter().cloned()),
                    _ => missing.push(*id),
                }
            }
        } else {
            missing = onboardings.iter().map(|(id, _)| *id).collect();
        }
        if missing.is_empty() {
            return Ok(out);
        }
        // Grouped in the order of `tasks_onboarding_phase`, which holds every
        // column read: no table rows, no sorting.
        let columns = "SELECT t.onboarding_id, t.phase, COUNT(*) AS total,
                    SUM(CASE WHEN t.status IN ('done', 'skipped') THEN 1 ELSE 0 END) AS finished,
                    MAX(t.due_date) AS last_due
             FROM tasks t";
        let read: Vec<PhaseCount> =
            match &self.pool {
                crate::Pool::Sqlite(pool) => {
                    sqlx::query_as(sqlx::AssertSqlSafe(format!(
                        "{columns} WHERE t.onboarding_id IN (SELECT value FROM json_each($1))
                     GROUP BY t.onboarding_id, t.phase"
                    )))
                    .bind(serde_json::to_string(&missing).unwrap_or_else(|_| "[]".into()))
                    .fetch_all(pool)
                    .await?
                }
                crate::Pool::Postgres(pool) => sqlx::query_as(sqlx::AssertSqlSafe(format!(
                    "{columns} WHERE t.onboarding_id = ANY($1) GROUP BY t.onboarding_id, t.phase"
                )))
                .bind(&missing)
                .fetch_all(pool)
                .await?,
            };
        if let Ok(mut cache) = self.phases.lock() {
            if cache.len() > PHASE_CACHE_LIMIT {
                cache.clear();
            }
            for (id, at) in onboardings.iter().filter(|(id, _)| missing.contains(id)) {
                let counts: Vec<PhaseCount> = read
                    .iter()
                    .filter(|c| c.onboarding_id == *id)
                    .cloned()
                    .collect();
                cache.insert(*id, (*at, counts));
            }
        }
        out.extend(read);
        Ok(out)
    }

    /// Unfinished tasks of one phase in the running onboardings that start
    /// within these dates, soonest due first.
    pub async fn open_tasks_starting_between(
        &self,
        from: NaiveDate,
        to: NaiveDate,
        phase: &str,
    ) -> Result<Vec<OpenTask>> {
        Ok(on_db!(self, |pool, _begin| {
            sqlx::query_as(
                "SELECT t.onboarding_id, t.title, t.owner_role, t.due_date
                 FROM onboardings o CROSS JOIN tasks t
                 WHERE o.start_date >= $1 AND o.start_date <= $2 AND o.status = 'active'
                   AND t.onboarding_id = o.id AND t.phase = $3
                   AND t.status IN ('open', 'blocked')
                 ORDER BY t.due_date, t.position, t.id",
            )
            .bind(from)
            .bind(to)
            .bind(phase)
            .fetch_all(pool)
            .await?
        }))
    }

    /// Open questions of every series, the soonest session first; and how
    /// many there are in all.
    pub async fn open_questions(&self, limit: i64) -> Result<(Vec<OpenQuestion>, i64)> {
        Ok(on_db!(self, |pool, _begin| {
            let rows = sqlx::query_as(
                "SELECT q.id, q.series_id, s.title AS series_title, q.body, q.session_start,
                        (SELECT COUNT(*) FROM question_votes v WHERE v.question_id = q.id) AS votes
                 FROM questions q JOIN office_hours s ON s.id = q.series_id
                 WHERE q.status = 'open'
                 ORDER BY q.session_start, votes DESC, q.id
                 LIMIT $1",
            )
            .bind(limit)
            .fetch_all(pool)
            .await?;
            let total: i64 =
                sqlx::query_scalar("SELECT COUNT(*) FROM questions WHERE status = 'open'")
                    .fetch_one(pool)
                    .await?;
            (rows, total)
        }))
    }

    /// The program tasks most often skipped or late (on `today`) across
    /// onboardings that started on or after `since`.
    pub async fn most_missed_tasks(
        &self,
        since: NaiveDate,
        today: NaiveDate,
        limit: i64,
    ) -> Result<Vec<MissedTask>> {
        Ok(on_db!(self, |pool, _begin| {
            // Dates compare as ISO text on both engines: PostgreSQL's DATE and
            // TIMESTAMPTZ print as `YYYY-MM-DD…`, SQLite stores them so.
            sqlx::query_as(
                "SELECT * FROM (
                   SELECT pr.slug AS program_slug, pr.title AS program_title, t.task_key,
                          MAX(t.title) AS title, COUNT(*) AS onboardings,
                          SUM(CASE WHEN t.status = 'skipped' THEN 1 ELSE 0 END) AS skipped,
                          SUM(CASE WHEN (t.status IN ('open', 'blocked') AND t.due_date < $2)
                                     OR (t.status = 'done'
                                         AND SUBSTR(CAST(t.completed_at AS TEXT), 1, 10) > CAST(t.due_date AS TEXT))
                                   THEN 1 ELSE 0 END) AS late
                   FROM onboardings o
                   CROSS JOIN tasks t
                   JOIN program_versions pv ON pv.id = o.program_version_id
                   JOIN programs pr ON pr.id = pv.program_id
                   WHERE o.start_date >= $1 AND t.onboarding_id = o.id
                   GROUP BY pr.slug, pr.title, t.task_key) missed
                 WHERE skipped + late > 0
                 ORDER BY skipped + late DESC, program_slug, task_key
                 LIMIT $3",
            )
            .bind(since)
            .bind(today)
            .bind(limit)
            .fetch_all(pool)
            .await?
        }))
    }

    /// Accounts (all, disabled, administrators) and API tokens (live, idle
    /// since `idle_before`).
    pub async fn account_counts(&self, idle_before: DateTime<Utc>) -> Result<AccountCounts> {
        Ok(on_db!(self, |pool, _begin| {
            sqlx::query_as(
                "SELECT (SELECT COUNT(*) FROM accounts) AS accounts,
                        (SELECT COUNT(*) FROM accounts WHERE disabled_at IS NOT NULL) AS disabled,
                        (SELECT COUNT(*) FROM accounts
                          WHERE disabled_at IS NULL AND ',' || roles || ',' LIKE '%,admin,%') AS administrators,
                        (SELECT COUNT(*) FROM api_tokens WHERE revoked_at IS NULL) AS tokens,
                        (SELECT COUNT(*) FROM api_tokens WHERE revoked_at IS NULL
                          AND COALESCE(last_used_at, created_at) < $1) AS idle_tokens",
            )
            .bind(idle_before)
            .fetch_one(pool)
            .await?
        }))
    }

    /// Records that `person` opened their home page at `now`, and answers
    /// when their previous visit was: `None` on the first. A visit after an
    /// hour away is a new one; within it, the same visit keeps its answer.
    pub async fn record_home_visit(
        &self,
        person: i64,
        now: DateTime<Utc>,
    ) -> Result<Option<DateTime<Utc>>> {
        Ok(on_db!(self, |pool, _begin| {
            let seen: Option<(DateTime<Utc>, Option<DateTime<Utc>>)> =
                sqlx::query_as("SELECT seen_at, since FROM home_visits WHERE person_id = $1")
                    .bind(person)
                    .fetch_optional(pool)
                    .await?;
            match seen {
                None => {
                    sqlx::query(
                        "INSERT INTO home_visits (person_id, seen_at) VALUES ($1, $2)
                         ON CONFLICT (person_id) DO NOTHING",
                    )
                    .bind(person)
                    .bind(now)
                    .execute(pool)
                    .await?;
                    None
                }
                Some((seen_at, since)) if now - seen_at < RECORD_EVERY => since,
                Some((seen_at, since)) => {
                    let since = if now - seen_at >= NEW_VISIT {
                        Some(seen_at)
                    } else {
                        since
                    };
                    sqlx::query(
                        "UPDATE home_visits SET seen_at = $2, since = $3 WHERE person_id = $1",
                    )
                    .bind(person)
                    .bind(now)
                    .bind(since)
                    .execute(pool)
                    .await?;
                    since
                }
            }
        }))
    }

    /// What others did to an onboarding after `since`, newest first, with
    /// each actor's name.
    pub async fn changes_since(
        &self,
        onboarding_id: i64,
        since: DateTime<Utc>,
        not_by: i64,
        limit: i64,
    ) -> Result<Vec<(crate::AuditEvent, Option<String>)>> {
        #[derive(sqlx::FromRow)]
        struct Row {
            #[sqlx(flatten)]
            event: crate::AuditEvent,
            actor_name: Option<String>,
        }
        let rows: Vec<Row> = on_db!(self, |pool, _begin| {
            sqlx::query_as(
                "SELECT e.id, e.at, e.actor_id, e.action, e.entity, e.entity_id, e.onboarding_id,
                        e.old_value, e.new_value, p.name AS actor_name
                 FROM audit_events e LEFT JOIN people p ON p.id = e.actor_id
                 WHERE e.onboarding_id = $1 AND e.at > $2
                   AND (e.actor_id IS NULL OR e.actor_id <> $3)
                 ORDER BY e.id DESC LIMIT $4",
            )
            .bind(onboarding_id)
            .bind(since)
            .bind(not_by)
            .bind(limit)
            .fetch_all(pool)
            .await?
        });
        Ok(rows.into_iter().map(|r| (r.event, r.actor_name)).collect())
    }
}
