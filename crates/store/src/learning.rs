//! Learning and resources per person: pathway enrolments and module
//! completions, certification records, joined channels, reading receipts,
//! demo and playground access requests, webinars and who attended them.

use crate::audit::audit;
use crate::{Result, Store, StoreError, on_db};
use chrono::{DateTime, NaiveDate, Utc};
use onramp_core::catalogue::Catalogues;
use onramp_core::learning::{CertificationStatus, Completion};
use onramp_core::onboarding::TaskAction;
use std::collections::BTreeMap;

/// A module completion to store (recorded by the new hire or imported).
#[derive(Clone, Debug)]
pub struct ModuleRecord {
    pub person_id: i64,
    pub pathway_id: String,
    pub module_id: String,
    pub completed_on: NaiveDate,
    pub evidence_url: Option<String>,
    /// `self` or `import`.
    pub source: &'static str,
}

/// A change to a person's record of one certification; `None` leaves a
/// field as it is.
#[derive(Clone, Debug, Default)]
pub struct CertificationChange {
    pub planned_on: Option<NaiveDate>,
    /// Count one more attempt.
    pub attempt: bool,
    pub passed_on: Option<NaiveDate>,
    pub expires_on: Option<NaiveDate>,
    pub evidence_url: Option<String>,
}

/// A request for access to a demo or playground system.
#[derive(Clone, Debug, sqlx::FromRow, serde::Serialize)]
pub struct AccessRequest {
    pub id: i64,
    pub onboarding_id: i64,
    pub playground_id: String,
    /// `requested`, `approved`, `denied` or `provisioned`.
    pub status: String,
    pub note: String,
    pub requested_by: Option<i64>,
    pub requested_at: DateTime<Utc>,
    pub decided_by: Option<i64>,
    pub decided_at: Option<DateTime<Utc>>,
    pub decision_note: String,
    pub provisioned_by: Option<i64>,
    pub provisioned_at: Option<DateTime<Utc>>,
}

/// A webinar, upcoming or past.
#[derive(Clone, Debug, sqlx::FromRow, serde::Serialize)]
pub struct Webinar {
    pub id: i64,
    pub title: String,
    pub starts_at: DateTime<Utc>,
    pub duration_minutes: i32,
    pub host: String,
    pub registration_url: Option<String>,
    pub recording_url: Option<String>,
    pub created_by: Option<i64>,
}

/// A webinar to add.
#[derive(Clone, Debug)]
pub struct NewWebinar {
    pub title: String,
    pub starts_at: DateTime<Utc>,
    pub duration_minutes: i32,
    pub host: String,
    pub registration_url: Option<String>,
}

const ACCESS_COLUMNS: &str = "id, onboarding_id, playground_id, status, note, requested_by, requested_at, decided_by, decided_at, decision_note, provisioned_by, provisioned_at";
const WEBINAR_COLUMNS: &str =
    "id, title, starts_at, duration_minutes, host, registration_url, recording_url, created_by";

impl Store {
    /// The pathway an onboarding is enrolled in; enrols it in the pathway of
    /// the new hire's segment when it has none yet (onboardings started
    /// before pathways existed). `None` when no pathway fits.
    pub async fn enrolment(
        &self,
        onboarding_id: i64,
        person_id: i64,
        segment: Option<&str>,
    ) -> Result<Option<String>> {
        let found: Option<(String,)> = on_db!(self, |pool, begin| {
            sqlx::query_as("SELECT pathway_id FROM pathway_enrolments WHERE onboarding_id = $1")
                .bind(onboarding_id)
                .fetch_optional(pool)
                .await?
        });
        if let Some((p,)) = found {
            return Ok(Some(p));
        }
        let Some(pathway) = Catalogues::builtin().pathway_for(segment) else {
            return Ok(None);
        };
        on_db!(self, |pool, begin| {
            sqlx::query(
                "INSERT INTO pathway_enrolments (onboarding_id, person_id, pathway_id, enrolled_at) VALUES ($1, $2, $3, $4) ON CONFLICT (onboarding_id) DO NOTHING",
            )
            .bind(onboarding_id)
            .bind(person_id)
            .bind(&pathway.id)
            .bind(Utc::now())
            .execute(pool)
            .await?;
        });
        Ok(Some(pathway.id.clone()))
    }

    /// The pathway an onboarding is enrolled in and the new hire's completed
    /// modules of it, in one query; `None` when not enrolled.
    pub async fn enrolled_modules(
        &self,
        onboarding_id: i64,
    ) -> Result<Option<(String, BTreeMap<String, Completion>)>> {
        type Row = (
            String,
            Option<String>,
            Option<NaiveDate>,
            Option<String>,
            Option<String>,
        );
        let rows: Vec<Row> = on_db!(self, |pool, begin| {
            sqlx::query_as(
                "SELECT e.pathway_id, m.module_id, m.completed_on, m.evidence_url, m.source FROM pathway_enrolments e
                 LEFT JOIN module_completions m ON m.person_id = e.person_id AND m.pathway_id = e.pathway_id
                 WHERE e.onboarding_id = $1",
            )
            .bind(onboarding_id)
            .fetch_all(pool)
            .await?
        });
        let Some(pathway) = rows.first().map(|r| r.0.clone()) else {
            return Ok(None);
        };
        let done = rows
            .into_iter()
            .filter_map(|(_, module, on, evidence_url, source)| {
                Some((
                    module?,
                    Completion {
                        completed_on: on?,
                        evidence_url,
                        source: source?,
                    },
                ))
            })
            .collect();
        Ok(Some((pathway, done)))
    }

    /// The pathway of each of these onboardings and how many of its modules
    /// the new hire has done (onboardings without an enrolment are left out).
    pub async fn pathway_counts(
        &self,
        onboarding_ids: &[i64],
    ) -> Result<BTreeMap<i64, (String, u32)>> {
        if onboarding_ids.is_empty() {
            return Ok(BTreeMap::new());
        }
        let rows: Vec<(i64, String, i64)> = on_db!(self, |pool, begin| {
            let mut q = sqlx::QueryBuilder::new(
                "SELECT e.onboarding_id, e.pathway_id, COUNT(m.module_id) FROM pathway_enrolments e
                 LEFT JOIN module_completions m ON m.person_id = e.person_id AND m.pathway_id = e.pathway_id
                 WHERE e.onboarding_id IN (",
            );
            let mut list = q.separated(", ");
            for id in onboarding_ids {
                list.push_bind(*id);
            }
            q.push(") GROUP BY e.onboarding_id, e.pathway_id");
            q.build_query_as().fetch_all(pool).await?
        });
        Ok(rows
            .into_iter()
            .map(|(o, p, n)| (o, (p, u32::try_from(n).unwrap_or(0))))
            .collect())
    }

    /// A person's completed modules of a pathway.
    pub async fn module_completions(
        &self,
        person_id: i64,
        pathway_id: &str,
    ) -> Result<BTreeMap<String, Completion>> {
        let rows: Vec<(String, NaiveDate, Option<String>, String)> = on_db!(self, |pool, begin| {
            sqlx::query_as(
                "SELECT module_id, completed_on, evidence_url, source FROM module_completions WHERE person_id = $1 AND pathway_id = $2",
            )
            .bind(person_id)
            .bind(pathway_id)
            .fetch_all(pool)
            .await?
        });
        Ok(rows
            .into_iter()
            .map(|(m, completed_on, evidence_url, source)| {
                (
                    m,
                    Completion {
                        completed_on,
                        evidence_url,
                        source,
                    },
                )
            })
            .collect())
    }

    /// Stores module completions, all or none, in one transaction; a newer
    /// record of the same module replaces the older one.
    pub async fn record_modules(
        &self,
        actor: Option<i64>,
        records: &[ModuleRecord],
    ) -> Result<usize> {
        let now = Utc::now();
        on_db!(self, |pool, begin| {
            let mut tx = pool.begin_with(begin).await?;
            for r in records {
                sqlx::query(
                    "INSERT INTO module_completions (person_id, pathway_id, module_id, completed_on, evidence_url, source, recorded_by, recorded_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
                     ON CONFLICT (person_id, pathway_id, module_id) DO UPDATE SET completed_on = excluded.completed_on,
                        evidence_url = COALESCE(excluded.evidence_url, module_completions.evidence_url), source = excluded.source,
                        recorded_by = excluded.recorded_by, recorded_at = excluded.recorded_at",
                )
                .bind(r.person_id)
                .bind(&r.pathway_id)
                .bind(&r.module_id)
                .bind(r.completed_on)
                .bind(&r.evidence_url)
                .bind(r.source)
                .bind(actor)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            }
            if !records.is_empty() {
                let modules: Vec<serde_json::Value> = records
                    .iter()
                    .map(|r| serde_json::json!({"person": r.person_id, "pathway": r.pathway_id, "module": r.module_id, "on": r.completed_on, "source": r.source}))
                    .collect();
                audit!(
                    tx,
                    actor,
                    "record",
                    "module_completion",
                    None::<i64>,
                    None::<serde_json::Value>,
                    Some(serde_json::Value::Array(modules))
                );
            }
            tx.commit().await?;
            Ok(records.len())
        })
    }

    /// Takes back a module completion recorded by mistake.
    pub async fn undo_module(
        &self,
        actor: Option<i64>,
        person_id: i64,
        pathway_id: &str,
        module_id: &str,
    ) -> Result<bool> {
        on_db!(self, |pool, begin| {
            let mut tx = pool.begin_with(begin).await?;
            let done = sqlx::query("DELETE FROM module_completions WHERE person_id = $1 AND pathway_id = $2 AND module_id = $3")
                .bind(person_id)
                .bind(pathway_id)
                .bind(module_id)
                .execute(&mut *tx)
                .await?
                .rows_affected()
                > 0;
            if done {
                audit!(
                    tx,
                    actor,
                    "undo",
                    "module_completion",
                    Some(person_id),
                    Some(serde_json::json!({"pathway": pathway_id, "module": module_id})),
                    None::<serde_json::Value>
                );
            }
            tx.commit().await?;
            Ok(done)
        })
    }

    /// A person's certification records.
    pub async fn certification_records(&self, person_id: i64) -> Result<Vec<CertificationStatus>> {
        type Row = (
            String,
            Option<NaiveDate>,
            i32,
            Option<NaiveDate>,
            Option<NaiveDate>,
            Option<String>,
        );
        let rows: Vec<Row> = on_db!(self, |pool, begin| {
            sqlx::query_as(
                "SELECT certification_id, planned_on, attempts, passed_on, expires_on, evidence_url FROM certification_records WHERE person_id = $1 ORDER BY certification_id",
            )
            .bind(person_id)
            .fetch_all(pool)
            .await?
        });
        Ok(rows
            .into_iter()
            .map(
                |(certification_id, planned_on, attempts, passed_on, expires_on, evidence_url)| {
                    CertificationStatus {
                        certification_id,
                        planned_on,
                        attempts: u32::try_from(attempts).unwrap_or(0),
                        passed_on,
                        expires_on,
                        evidence_url,
                    }
                },
            )
            .collect())
    }

    /// Changes a person's record of one certification (made on first use).
    pub async fn save_certification(
        &self,
        actor: Option<i64>,
        person_id: i64,
        certification_id: &str,
        change: &CertificationChange,
    ) -> Result<()> {
        if let (Some(passed), Some(expires)) = (change.passed_on, change.expires_on)
            && expires <= passed
        {
            return Err(StoreError::Invalid(
                "expires_on: must be after the day it was passed".into(),
            ));
        }
        let now = Utc::now();
        on_db!(self, |pool, begin| {
            let mut tx = pool.begin_with(begin).await?;
            sqlx::query(
                "INSERT INTO certification_records (person_id, certification_id, attempts, updated_at) VALUES ($1, $2, 0, $3)
                 ON CONFLICT (person_id, certification_id) DO NOTHING",
            )
            .bind(person_id)
            .bind(certification_id)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            sqlx::query(
                "UPDATE certification_records SET planned_on = COALESCE($3, planned_on), attempts = attempts + $4,
                    passed_on = COALESCE($5, passed_on), expires_on = COALESCE($6, expires_on),
                    evidence_url = COALESCE($7, evidence_url), updated_at = $8
                 WHERE person_id = $1 AND certification_id = $2",
            )
            .bind(person_id)
            .bind(certification_id)
            .bind(change.planned_on)
            .bind(i32::from(change.attempt))
            .bind(change.passed_on)
            .bind(change.expires_on)
            .bind(&change.evidence_url)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            audit!(
                tx,
                actor,
                "update",
                "certification",
                Some(person_id),
                None::<serde_json::Value>,
                Some(
                    serde_json::json!({"certification": certification_id, "planned_on": change.planned_on, "attempt": change.attempt,
                    "passed_on": change.passed_on, "expires_on": change.expires_on, "evidence_url": change.evidence_url})
                )
            );
            tx.commit().await?;
            Ok(())
        })
    }

    /// The channels a person has marked as joined.
    pub async fn joined_channels(&self, person_id: i64) -> Result<Vec<String>> {
        let rows: Vec<(String,)> = on_db!(self, |pool, begin| {
            sqlx::query_as(
                "SELECT channel_id FROM channel_joins WHERE person_id = $1 ORDER BY channel_id",
            )
            .bind(person_id)
            .fetch_all(pool)
            .await?
        });
        Ok(rows.into_iter().map(|(c,)| c).collect())
    }

    /// Replaces the set of channels a person has joined.
    pub async fn set_joined_channels(
        &self,
        actor: Option<i64>,
        person_id: i64,
        channels: &[String],
    ) -> Result<()> {
        let now = Utc::now();
        on_db!(self, |pool, begin| {
            let mut tx = pool.begin_with(begin).await?;
            sqlx::query("DELETE FROM channel_joins WHERE person_id = $1")
                .bind(person_id)
                .execute(&mut *tx)
                .await?;
            for c in channels {
                sqlx::query("INSERT INTO channel_joins (person_id, channel_id, joined_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING")
                    .bind(person_id)
                    .bind(c)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
            }
            audit!(
                tx,
                actor,
                "update",
                "channels",
                Some(person_id),
                None::<serde_json::Value>,
                Some(serde_json::json!(channels))
            );
            tx.commit().await?;
            Ok(())
        })
    }

    /// A person's reading receipts: entry id → when it was marked read.
    pub async fn reading_receipts(
        &self,
        person_id: i64,
    ) -> Result<BTreeMap<String, DateTime<Utc>>> {
        let rows: Vec<(String, DateTime<Utc>)> = on_db!(self, |pool, begin| {
            sqlx::query_as("SELECT item_id, read_at FROM reading_receipts WHERE person_id = $1")
                .bind(person_id)
                .fetch_all(pool)
                .await?
        });
        Ok(rows.into_iter().collect())
    }

    /// Marks a reading list or product knowledge entry read (or not) for the
    /// new hire of an onboarding; completes tasks whose reading-list target is
    /// now met. Returns the keys of the tasks completed.
    pub async fn set_read(
        &self,
        actor: Option<i64>,
        onboarding_id: i64,
        person_id: i64,
        item_id: &str,
        read: bool,
    ) -> Result<Vec<String>> {
        on_db!(self, |pool, begin| {
            let mut tx = pool.begin_with(begin).await?;
            if read {
                sqlx::query("INSERT INTO reading_receipts (person_id, item_id, read_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING")
                    .bind(person_id)
                    .bind(item_id)
                    .bind(Utc::now())
                    .execute(&mut *tx)
                    .await?;
            } else {
                sqlx::query("DELETE FROM reading_receipts WHERE person_id = $1 AND item_id = $2")
                    .bind(person_id)
                    .bind(item_id)
                    .execute(&mut *tx)
                    .await?;
            }
            audit!(
                tx,
                actor,
                if read { "read" } else { "unread" },
                "reading",
                Some(person_id),
                Some(onboarding_id),
                None::<serde_json::Value>,
                Some(serde_json::json!({"item": item_id}))
            );
            tx.commit().await?;
        });
        if !read {
            return Ok(Vec::new());
        }
        let receipts = self.reading_receipts(person_id).await?;
        let count = Catalogues::builtin()
            .reading_list
            .iter()
            .filter(|r| receipts.contains_key(&r.id))
            .count() as u32;
        self.complete_met_targets(onboarding_id, "reading-list", count)
            .await
    }

    /// An onboarding's access requests, oldest first.
    pub async fn access_requests(&self, onboarding_id: i64) -> Result<Vec<AccessRequest>> {
        let sql = format!(
            "SELECT {ACCESS_COLUMNS} FROM access_requests WHERE onboarding_id = $1 ORDER BY id"
        );
        self.rows_by_id(&sql, onboarding_id).await
    }

    /// Requests waiting for someone: `requested` (the manager decides) and
    /// `approved` (the Enablement team provisions), oldest first.
    pub async fn open_access_requests(&self) -> Result<Vec<AccessRequest>> {
        let sql = format!(
            "SELECT {ACCESS_COLUMNS} FROM access_requests WHERE status IN ('requested', 'approved') ORDER BY id LIMIT 500"
        );
        Ok(on_db!(self, |pool, begin| {
            sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
                .fetch_all(pool)
                .await?
        }))
    }

    pub async fn access_request(&self, id: i64) -> Result<AccessRequest> {
        let sql = format!("SELECT {ACCESS_COLUMNS} FROM access_requests WHERE id = $1");
        self.row_by_id(&sql, id, "access request").await
    }

    /// Asks for access to a playground; one live request per system.
    pub async fn request_access(
        &self,
        actor: Option<i64>,
        onboarding_id: i64,
        playground_id: &str,
        note: &str,
    ) -> Result<AccessRequest> {
        crate::text("note", note, onramp_core::text::SHORT_TEXT)?;
        let sql = format!(
            "INSERT INTO access_requests (onboarding_id, playground_id, status, note, requested_by, requested_at)
             VALUES ($1, $2, 'requested', $3, $4, $5) RETURNING {ACCESS_COLUMNS}"
        );
        on_db!(self, |pool, begin| {
            let mut tx = pool.begin_with(begin).await?;
            let live: Option<(String,)> = sqlx::query_as(
                "SELECT status FROM access_requests WHERE onboarding_id = $1 AND playground_id = $2 AND status <> 'denied'",
            )
            .bind(onboarding_id)
            .bind(playground_id)
            .fetch_optional(&mut *tx)
            .await?;
            if let Some((status,)) = live {
                return Err(StoreError::Conflict(format!(
                    "playground: access to `{playground_id}` is already {status}"
                )));
            }
            let r: AccessRequest = sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(onboarding_id)
                .bind(playground_id)
                .bind(note)
                .bind(actor)
                .bind(Utc::now())
                .fetch_one(&mut *tx)
                .await?;
            audit!(
                tx,
                actor,
                "request",
                "access_request",
                Some(r.id),
                Some(onboarding_id),
                None::<serde_json::Value>,
                Some(serde_json::json!({"playground": playground_id}))
            );
            tx.commit().await?;
            Ok(r)
        })
    }

    /// Moves a request on: `approved` or `denied` from `requested`,
    /// `provisioned` from `approved`. A provisioned request completes the
    /// program task `task` (if the onboarding has it open).
    pub async fn move_access_request(
        &self,
        actor: Option<i64>,
        id: i64,
        to: &str,
        note: &str,
        task: Option<&str>,
    ) -> Result<AccessRequest> {
        crate::text("note", note, onramp_core::text::SHORT_TEXT)?;
        let from = match to {
            "approved" | "denied" => "requested",
            "provisioned" => "approved",
            other => {
                return Err(StoreError::Invalid(format!(
                    "status: cannot move a request to `{other}`"
                )));
            }
        };
        let now = Utc::now();
        let set = if to == "provisioned" {
            "provisioned_by = $3, provisioned_at = $4"
        } else {
            "decided_by = $3, decided_at = $4, decision_note = $5"
        };
        let sql = format!(
            "UPDATE access_requests SET status = $2, {set} WHERE id = $1 AND status = $6 RETURNING {ACCESS_COLUMNS}"
        );
        let moved: AccessRequest = on_db!(self, |pool, begin| {
            let mut tx = pool.begin_with(begin).await?;
            let updated: Option<AccessRequest> = sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
                .bind(id)
                .bind(to)
                .bind(actor)
                .bind(now)
                .bind(note)
                .bind(from)
                .fetch_optional(&mut *tx)
                .await?;
            let Some(r) = updated else {
                let current: Option<(String,)> =
                    sqlx::query_as("SELECT status FROM access_requests WHERE id = $1")
                        .bind(id)
                        .fetch_optional(&mut *tx)
                        .await?;
                return Err(match current {
                    None => StoreError::NotFound(format!("access request {id}")),
                    Some((status,)) => StoreError::Conflict(format!(
                        "status: the request is {status}; only a {from} request can become {to}"
                    )),
                });
            };
            audit!(
                tx,
                actor,
                to,
                "access_request",
                Some(id),
                Some(r.onboarding_id),
                Some(serde_json::json!({"status": from})),
                Some(serde_json::json!({"status": to, "note": note}))
            );
            tx.commit().await?;
            r
        });
        if to == "provisioned"
            && let Some(task) = task
        {
            self.complete_task_by_key(moved.onboarding_id, task).await?;
        }
        Ok(moved)
    }

    /// Completes an onboarding's open task with this key, if there is one.
    async fn complete_task_by_key(&self, onboarding_id: i64, key: &str) -> Result<bool> {
        for task in self.tasks(onboarding_id).await? {
            if task.task_key != key || !matches!(task.status.as_str(), "open" | "in-progress") {
                continue;
            }
            return match self
                .update_task(None, task.id, task.version, &TaskAction::Complete)
                .await
            {
                Ok(_) => Ok(true),
                Err(StoreError::Conflict(_)) => Ok(false),
                Err(e) => Err(e),
            };
        }
        Ok(false)
    }

    /// Adds a webinar.
    pub async fn add_webinar(&self, actor: Option<i64>, w: &NewWebinar) -> Result<Webinar> {
        crate::text("title", &w.title, onramp_core::text::TITLE)?;
        crate::text("host", &w.host, onramp_core::text::NAME)?;
        crate::text_opt(
            "registration_url",
            w.registration_url.as_deref(),
            onramp_core::text::Field::Line(2_000),
        )?;
        if w.title.trim().is_empty() {
            return Err(StoreError::Invalid("title: must not be empty".into()));
        }
        if w.host.trim().is_empty() {
            return Err(StoreError::Invalid("host: must not be empty".into()));
        }
        if !(1..=600).contains(&w.duration_minutes) {
            return Err(StoreError::Invalid(
                "duration_minutes: must be from 1 to 600".into(),
            ));
        }
        let now = Utc::now();
        let sql = format!(
            "INSERT INTO webinars (title, starts_at, duration_minutes, host, registration_url, created_by, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING {WEBINAR_COLUMNS}"
        );
        on_db!(self, |pool, begin| {
            let mut tx = pool.begin_with(begin).await?;
            let webinar: Webinar = sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(w.title.trim())
                .bind(w.starts_at)
                .bind(w.duration_minutes)
                .bind(w.host.trim())
                .bind(&w.registration_url)
                .bind(actor)
                .bind(now)
                .fetch_one(&mut *tx)
                .await?;
            audit!(
                tx,
                actor,
                "add",
                "webinar",
                Some(webinar.id),
                None::<serde_json::Value>,
                Some(serde_json::json!({"title": webinar.title, "starts_at": webinar.starts_at}))
            );
            tx.commit().await?;
            Ok(webinar)
        })
    }

    /// Sets the recording link of a webinar (once it took place).
    pub async fn set_webinar_recording(
        &self,
        actor: Option<i64>,
        id: i64,
        url: Option<&str>,
    ) -> Result<Webinar> {
        crate::text_opt("recording_url", url, onramp_core::text::Field::Line(2_000))?;
        let sql = format!(
            "UPDATE webinars SET recording_url = $2, updated_at = $3 WHERE id = $1 RETURNING {WEBINAR_COLUMNS}"
        );
        on_db!(self, |pool, begin| {
            let mut tx = pool.begin_with(begin).await?;
            let updated: Option<Webinar> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(id)
                .bind(url)
                .bind(Utc::now())
                .fetch_optional(&mut *tx)
                .await?;
            let w = updated.ok_or_else(|| StoreError::NotFound(format!("webinar {id}")))?;
            audit!(
                tx,
                actor,
                "update",
                "webinar",
                Some(id),
                None::<serde_json::Value>,
                Some(serde_json::json!({"recording_url": url}))
            );
            tx.commit().await?;
            Ok(w)
        })
    }

    /// Webinars starting in `[from, to)`, by start.
    pub async fn webinars(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        limit: i64,
    ) -> Result<Vec<Webinar>> {
        let sql = format!(
            "SELECT {WEBINAR_COLUMNS} FROM webinars WHERE starts_at >= $1 AND starts_at < $2 ORDER BY starts_at, id LIMIT $3"
        );
        Ok(on_db!(self, |pool, begin| {
            sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
                .bind(from)
                .bind(to)
                .bind(limit)
                .fetch_all(pool)
                .await?
        }))
    }

    pub async fn webinar(&self, id: i64) -> Result<Webinar> {
        let sql = format!("SELECT {WEBINAR_COLUMNS} FROM webinars WHERE id = $1");
        self.row_by_id(&sql, id, "webinar").await
    }

    /// Records that a person attended (`attended`) or watched the recording
    /// (`watched`) of a webinar; `None` takes it back.
    pub async fn set_attendance(
        &self,
        person_id: i64,
        webinar_id: i64,
        how: Option<&str>,
    ) -> Result<()> {
        on_db!(self, |pool, begin| {
            let mut tx = pool.begin_with(begin).await?;
            sqlx::query("DELETE FROM webinar_attendance WHERE webinar_id = $1 AND person_id = $2")
                .bind(webinar_id)
                .bind(person_id)
                .execute(&mut *tx)
                .await?;
            if let Some(how) = how {
                sqlx::query("INSERT INTO webinar_attendance (webinar_id, person_id, how, at) VALUES ($1, $2, $3, $4)")
                    .bind(webinar_id)
                    .bind(person_id)
                    .bind(how)
                    .bind(Utc::now())
                    .execute(&mut *tx)
                    .await?;
            }
            audit!(
                tx,
                Some(person_id),
                "attend",
                "webinar",
                Some(webinar_id),
                None::<serde_json::Value>,
                Some(serde_json::json!({"how": how}))
            );
            tx.commit().await?;
            Ok(())
        })
    }

    /// How a person took part in webinars: webinar id → `attended` / `watched`.
    pub async fn attendance_of(&self, person_id: i64) -> Result<BTreeMap<i64, String>> {
        let rows: Vec<(i64, String)> = on_db!(self, |pool, begin| {
            sqlx::query_as("SELECT webinar_id, how FROM webinar_attendance WHERE person_id = $1")
                .bind(person_id)
                .fetch_all(pool)
                .await?
        });
        Ok(rows.into_iter().collect())
    }
}
