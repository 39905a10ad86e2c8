//! Reads for ramp analytics: what was recorded of many onboardings at once,
//! one query per kind of record (never one per onboarding).

use crate::{Result, Row, Store, on_db};
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use sqlx::types::Json;
use std::collections::BTreeMap;

/// Whose onboardings are read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AnalyticsScope {
    All,
    /// The onboardings this person manages.
    Manager(i64),
}

/// Which onboardings of a scope are read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Selection {
    pub scope: AnalyticsScope,
    /// Only the onboardings of this program version.
    pub program_version: Option<i64>,
    /// Only active onboardings.
    pub only_active: bool,
    /// Only this onboarding.
    pub onboarding: Option<i64>,
}

impl From<AnalyticsScope> for Selection {
    fn from(scope: AnalyticsScope) -> Selection {
        Selection {
            scope,
            program_version: None,
            only_active: false,
            onboarding: None,
        }
    }
}

impl Selection {
    /// The condition on `o` (an onboarding) and the numbers it binds, in order.
    fn condition(self) -> (String, Vec<i64>) {
        let mut parts = vec!["1 = 1".to_string()];
        let mut binds = Vec::new();
        if let AnalyticsScope::Manager(id) = self.scope {
            binds.push(id);
            parts.push(format!("o.manager_id = ${}", binds.len()));
        }
        if let Some(version) = self.program_version {
            binds.push(version);
            parts.push(format!("o.program_version_id = ${}", binds.len()));
        }
        if self.only_active {
            parts.push("o.status = 'active'".to_string());
        }
        if let Some(id) = self.onboarding {
            binds.push(id);
            parts.push(format!("o.id = ${}", binds.len()));
        }
        (parts.join(" AND "), binds)
    }
}

/// A task of a program version in one onboarding, for program analytics.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct ProgramTaskRecord {
    pub onboarding_id: i64,
    pub task_key: String,
    pub title: String,
    pub phase: String,
    pub status: String,
    pub due_date: NaiveDate,
    pub completed_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
    /// Times it was reopened (from the audit log).
    pub reopened: i64,
    pub comments: i64,
}

/// The milestones of a finished onboarding as last computed.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct RampSnapshot {
    pub onboarding_id: i64,
    /// What it was taken of (the onboarding's version and last change).
    pub fingerprint: String,
    pub milestones: Json<serde_json::Value>,
}

/// What the new hires of some onboardings did of their learning.
#[derive(Debug, Default)]
pub struct LearningRecords {
    /// Pathway modules completed: key = `pathway/module`.
    pub modules: Vec<RampDay>,
    /// The pathway each onboarding is enrolled in: key = pathway id.
    pub pathways: Vec<RampDated>,
    /// Reading items read: key = item id, `at` = read.
    pub reading: Vec<RampDated>,
}

/// An office-hours question, for program analytics.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct QuestionRecord {
    pub id: i64,
    pub body: String,
    pub status: String,
    pub created_at: DateTime<Utc>,
    pub answered_at: Option<DateTime<Utc>>,
}

/// An onboarding with what cohorts are made of.
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
pub struct RampOnboarding {
    pub id: i64,
    pub person_id: i64,
    pub name: String,
    pub segment: Option<String>,
    pub region: Option<String>,
    pub time_zone: String,
    pub manager_id: Option<i64>,
    pub manager_name: Option<String>,
    pub enablement_id: Option<i64>,
    pub start_date: NaiveDate,
    pub status: String,
    pub program_version_id: i64,
    pub program_slug: String,
    pub program_title: String,
    pub program_version: i64,
    /// The onboarding's own version and last change (a snapshot of its
    /// milestones is of these).
    pub version: i64,
    pub updated_at: DateTime<Utc>,
    /// The last event of the audit log recorded against the onboarding.
    pub last_event: Option<i64>,
}

/// A task as the analytics read it.
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
pub struct RampTask {
    pub onboarding_id: i64,
    pub id: i64,
    pub title: String,
    pub phase: String,
    pub due_date: NaiveDate,
    pub status: String,
    pub completed_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
    pub compliance_critical: bool,
}

/// A meeting, with the observer's ratings once given.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct RampMeeting {
    pub onboarding_id: i64,
    pub role: String,
    pub held_on: NaiveDate,
    pub ratings: Option<Json<BTreeMap<String, u8>>>,
}

/// One record of an onboarding (or of its new hire) with its time.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct RampDated {
    pub onboarding_id: i64,
    pub key: String,
    pub at: Option<DateTime<Utc>>,
}

/// One record of an onboarding's new hire with its day.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct RampDay {
    pub onboarding_id: i64,
    pub key: String,
    pub day: Option<NaiveDate>,
}

/// A signal acknowledged with a note.
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
pub struct SignalAcknowledgement {
    pub onboarding_id: i64,
    pub signal: String,
    pub note: String,
    pub by_name: Option<String>,
    pub at: DateTime<Utc>,
}

/// Everything ramp analytics read, for the onboardings of a scope.
#[derive(Debug, Default)]
pub struct RampRecords {
    pub onboardings: Vec<RampOnboarding>,
    pub tasks: Vec<RampTask>,
    pub meetings: Vec<RampMeeting>,
    /// Certifications of the new hire: key = certification id, `day` = passed
    /// (none: planned, not passed yet).
    pub certifications: Vec<RampDay>,
    /// Pathway modules the new hire completed: key = `pathway/module`.
    pub modules: Vec<RampDay>,
    /// The pathway each onboarding is enrolled in: key = pathway id.
    pub pathways: Vec<RampDated>,
    /// Access requests waiting for a decision: `at` = requested.
    pub pending_access: Vec<RampDated>,
    /// Buddy assignments (not backups): `at` = started; key `current` or `ended`.
    pub buddies: Vec<RampDated>,
    /// The new hire's last recorded action on the onboarding: `at`.
    pub last_activity: Vec<RampDated>,
    pub acknowledgements: Vec<SignalAcknowledgement>,
}

const ONBOARDINGS: &str = "SELECT o.id, o.person_id, p.name, p.segment, p.region, p.time_zone, o.manager_id,
        m.name AS manager_name, o.enablement_id, o.start_date, o.status, o.program_version_id, pr.slug AS program_slug,
        pr.title AS program_title, v.version AS program_version, o.version, o.updated_at,
        (SELECT MAX(e.id) FROM audit_events e WHERE e.onboarding_id = o.id) AS last_event
 FROM onboardings o JOIN people p ON p.id = o.person_id LEFT JOIN people m ON m.id = o.manager_id
 JOIN program_versions v ON v.id = o.program_version_id JOIN programs pr ON pr.id = v.program_id
 WHERE {scope} ORDER BY o.start_date, o.id";

const TASKS: &str =
    "SELECT t.onboarding_id, t.id, t.title, t.phase, t.due_date, t.status, t.completed_at,
        t.updated_at, t.compliance_critical
 FROM tasks t JOIN onboardings o ON o.id = t.onboarding_id WHERE {scope}";

const MEETINGS: &str = "SELECT mt.onboarding_id, mt.role, mt.held_on, f.ratings
 FROM meetings mt JOIN onboardings o ON o.id = mt.onboarding_id
 LEFT JOIN meeting_feedback f ON f.meeting_id = mt.id WHERE {scope}";

const CERTIFICATIONS: &str =
    "SELECT o.id AS onboarding_id, c.certification_id AS key, c.passed_on AS day
 FROM certification_records c JOIN onboardings o ON o.person_id = c.person_id WHERE {scope}";

const MODULES: &str = "SELECT o.id AS onboarding_id, mc.pathway_id || '/' || mc.module_id AS key, mc.completed_on AS day
 FROM module_completions mc JOIN onboardings o ON o.person_id = mc.person_id WHERE {scope}";

const PATHWAYS: &str = "SELECT e.onboarding_id, e.pathway_id AS key, e.enrolled_at AS at
 FROM pathway_enrolments e JOIN onboardings o ON o.id = e.onboarding_id WHERE {scope}";

const PENDING_ACCESS: &str = "SELECT a.onboarding_id, a.playground_id AS key, a.requested_at AS at
 FROM access_requests a JOIN onboardings o ON o.id = a.onboarding_id
 WHERE a.status = 'requested' AND {scope}";

const BUDDIES: &str =
    "SELECT b.onboarding_id, CASE WHEN b.ended_at IS NULL THEN 'current' ELSE 'ended' END AS key,
        b.started_at AS at
 FROM buddy_assignments b JOIN onboardings o ON o.id = b.onboarding_id
 WHERE NOT b.backup AND {scope}";

const LAST_ACTIVITY: &str = "SELECT e.onboarding_id, 'activity' AS key, MAX(e.at) AS at
 FROM audit_events e JOIN onboardings o ON o.id = e.onboarding_id
 WHERE e.actor_id = o.person_id AND {scope} GROUP BY e.onboarding_id";

const ACKNOWLEDGEMENTS: &str = "SELECT a.onboarding_id, a.signal, a.note, p.name AS by_name, a.at
 FROM signal_acknowledgements a JOIN onboardings o ON o.id = a.onboarding_id
 LEFT JOIN people p ON p.id = a.by_id WHERE {scope}";

const SNAPSHOTS: &str = "SELECT s.onboarding_id, s.fingerprint, s.milestones
 FROM ramp_snapshots s JOIN onboardings o ON o.id = s.onboarding_id WHERE {scope}";

const PROGRAM_TASKS: &str = "SELECT t.onboarding_id, t.task_key, t.title, t.phase, t.status, t.due_date,
        t.completed_at, t.updated_at,
        (SELECT COUNT(*) FROM audit_events e WHERE e.entity = 'task' AND e.entity_id = t.id
            AND e.action = 'reopen') AS reopened,
        (SELECT COUNT(*) FROM comments c WHERE c.onboarding_id = t.onboarding_id AND c.task_id = t.id) AS comments
 FROM tasks t JOIN onboardings o ON o.id = t.onboarding_id WHERE {scope} ORDER BY t.position, t.onboarding_id";

const READING: &str = "SELECT o.id AS onboarding_id, r.item_id AS key, r.read_at AS at
 FROM reading_receipts r JOIN onboardings o ON o.person_id = r.person_id WHERE {scope}";

impl Store {
    /// Reads `sql` with `{scope}` made the selection's condition on `o`.
    pub(crate) async fn scoped<T: Row>(
        &self,
        sql: &str,
        selection: impl Into<Selection>,
    ) -> Result<Vec<T>> {
        self.scoped_in(sql, selection.into(), None).await
    }

    /// [`Store::scoped`], and only the onboardings `ids` when given.
    async fn scoped_in<T: Row>(
        &self,
        sql: &str,
        selection: Selection,
        ids: Option<&[i64]>,
    ) -> Result<Vec<T>> {
        let (mut condition, mut binds) = selection.condition();
        if let Some(ids) = ids {
            if ids.is_empty() {
                return Ok(Vec::new());
            }
            let first = binds.len() + 1;
            let marks: Vec<String> = (first..first + ids.len())
                .map(|n| format!("${n}"))
                .collect();
            condition.push_str(&format!(" AND o.id IN ({})", marks.join(", ")));
            binds.extend_from_slice(ids);
        }
        let sql = sql.replace("{scope}", &condition);
        Ok(on_db!(self, |pool, _b| {
            let mut query = sqlx::query_as(sqlx::AssertSqlSafe(sql));
            for id in binds {
                query = query.bind(id);
            }
            query.fetch_all(pool).await?
        }))
    }

    /// What ramp analytics read of the onboardings selected.
    pub async fn ramp_records(&self, selection: impl Into<Selection>) -> Result<RampRecords> {
        self.records_in(selection.into(), None).await
    }

    /// What ramp analytics read of the onboardings `ids` of a selection.
    pub async fn ramp_records_of(&self, selection: Selection, ids: &[i64]) -> Result<RampRecords> {
        self.records_in(selection, Some(ids)).await
    }

    async fn records_in(&self, scope: Selection, ids: Option<&[i64]>) -> Result<RampRecords> {
        Ok(RampRecords {
            onboardings: self.scoped_in(ONBOARDINGS, scope, ids).await?,
            tasks: self.scoped_in(TASKS, scope, ids).await?,
            meetings: self.scoped_in(MEETINGS, scope, ids).await?,
            certifications: self.scoped_in(CERTIFICATIONS, scope, ids).await?,
            modules: self.scoped_in(MODULES, scope, ids).await?,
            pathways: self.scoped_in(PATHWAYS, scope, ids).await?,
            pending_access: self.scoped_in(PENDING_ACCESS, scope, ids).await?,
            buddies: self.scoped_in(BUDDIES, scope, ids).await?,
            last_activity: self.scoped_in(LAST_ACTIVITY, scope, ids).await?,
            acknowledgements: self.scoped_in(ACKNOWLEDGEMENTS, scope, ids).await?,
        })
    }

    /// The snapshots of milestones kept for the onboardings selected.
    pub async fn ramp_snapshots(&self, selection: Selection) -> Result<Vec<RampSnapshot>> {
        self.scoped(SNAPSHOTS, selection).await
    }

    /// Keeps snapshots of milestones: (onboarding, what it was taken of,
    /// the milestones), replacing older ones.
    pub async fn save_ramp_snapshots(
        &self,
        snapshots: &[(i64, String, serde_json::Value)],
    ) -> Result<()> {
        if snapshots.is_empty() {
            return Ok(());
        }
        let now = Utc::now();
        on_db!(self, |pool, begin| {
            let mut tx = pool.begin_with(begin).await?;
            for (id, fingerprint, milestones) in snapshots {
                sqlx::query(
                    "INSERT INTO ramp_snapshots (onboarding_id, fingerprint, milestones, computed_at)
                     VALUES ($1, $2, $3, $4)
                     ON CONFLICT (onboarding_id) DO UPDATE SET fingerprint = excluded.fingerprint,
                        milestones = excluded.milestones, computed_at = excluded.computed_at",
                )
                .bind(id)
                .bind(fingerprint)
                .bind(Json(milestones))
                .bind(now)
                .execute(&mut *tx)
                .await?;
            }
            tx.commit().await?;
            Ok(())
        })
    }

    /// The onboardings selected, with what cohorts are made of.
    pub async fn ramp_onboardings(&self, selection: Selection) -> Result<Vec<RampOnboarding>> {
        self.scoped(ONBOARDINGS, selection).await
    }

    /// Each task of the onboardings selected, in the program's order, with
    /// how often it was reopened and commented on.
    pub async fn program_task_records(
        &self,
        selection: Selection,
    ) -> Result<Vec<ProgramTaskRecord>> {
        self.scoped(PROGRAM_TASKS, selection).await
    }

    /// The pathway modules the new hires of the onboardings selected
    /// completed (key `pathway/module`), and the pathway each is enrolled in.
    pub async fn learning_records(&self, selection: Selection) -> Result<LearningRecords> {
        Ok(LearningRecords {
            modules: self.scoped(MODULES, selection).await?,
            pathways: self.scoped(PATHWAYS, selection).await?,
            reading: self.scoped(READING, selection).await?,
        })
    }

    /// Every office-hours question asked (duplicates included), oldest first.
    pub async fn question_records(&self) -> Result<Vec<QuestionRecord>> {
        Ok(on_db!(self, |pool, _b| {
            sqlx::query_as(
                "SELECT id, body, status, created_at, answered_at FROM questions ORDER BY created_at, id",
            )
            .fetch_all(pool)
            .await?
        }))
    }

    /// Acknowledges a signal of an onboarding with a note (again: the new
    /// note and time replace the old); audited on the onboarding.
    pub async fn acknowledge_signal(
        &self,
        by: Option<i64>,
        onboarding_id: i64,
        signal: &str,
        note: &str,
    ) -> Result<()> {
        let now = Utc::now();
        on_db!(self, |pool, begin| {
            let mut tx = pool.begin_with(begin).await?;
            sqlx::query(
                "INSERT INTO signal_acknowledgements (onboarding_id, signal, note, by_id, at) VALUES ($1, $2, $3, $4, $5)
                 ON CONFLICT (onboarding_id, signal) DO UPDATE SET note = excluded.note, by_id = excluded.by_id, at = excluded.at",
            )
            .bind(onboarding_id)
            .bind(signal)
            .bind(note)
            .bind(by)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            crate::audit::audit!(
                tx,
                by,
                "acknowledge",
                "signal",
                None::<i64>,
                Some(onboarding_id),
                None::<serde_json::Value>,
                Some(serde_json::json!({"signal": signal, "note": note}))
            );
            tx.commit().await?;
            Ok(())
        })
    }
}
