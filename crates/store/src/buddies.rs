//! Buddy assignments with their history, time off, and the facts buddy
//! matching needs; shadowed and led meetings and the feedback on them.

use crate::audit::audit;
use crate::notices::{name_in, notify, parties_in};
use crate::{Result, Store, StoreError, on_db};
use chrono::{DateTime, NaiveDate, Utc};
use onramp_core::buddy::Colleague;
use onramp_core::meeting::Role as MeetingRole;
use onramp_core::notify::{Event, audience};
use onramp_core::onboarding::TaskAction;
use sqlx::types::Json;
use std::collections::BTreeMap;

/// One buddy (or backup buddy) assignment, current or past.
#[derive(Clone, Debug, sqlx::FromRow, serde::Serialize)]
pub struct BuddyAssignment {
    pub id: i64,
    pub onboarding_id: i64,
    pub buddy_id: i64,
    pub buddy_name: String,
    pub backup: bool,
    pub started_at: DateTime<Utc>,
    pub ended_at: Option<DateTime<Utc>>,
    pub assigned_by: Option<i64>,
    pub note: String,
}

/// A meeting the new hire shadowed or led.
#[derive(Clone, Debug, sqlx::FromRow, serde::Serialize)]
pub struct Meeting {
    pub id: i64,
    pub onboarding_id: i64,
    pub role: String,
    pub held_on: NaiveDate,
    pub duration_minutes: i32,
    pub meeting_type: String,
    pub lead_id: Option<i64>,
    pub lead_name: Option<String>,
    pub observer_id: Option<i64>,
    pub observer_name: Option<String>,
    pub account: String,
    pub notes: String,
    pub learnings: String,
    pub created_by: Option<i64>,
    pub created_at: DateTime<Utc>,
}

/// A meeting to record.
#[derive(Clone, Debug)]
pub struct NewMeeting {
    pub role: MeetingRole,
    pub held_on: NaiveDate,
    pub duration_minutes: i32,
    pub meeting_type: String,
    /// For a shadowed meeting, the CSM who led it.
    pub lead_id: Option<i64>,
    /// For a led meeting, who observed (usually the buddy).
    pub observer_id: Option<i64>,
    pub account: String,
    pub notes: String,
    pub learnings: String,
}

/// The observer's feedback on a led meeting.
#[derive(Clone, Debug, sqlx::FromRow, serde::Serialize)]
pub struct Feedback {
    pub meeting_id: i64,
    pub observer_id: i64,
    pub went_well: String,
    pub to_improve: String,
    /// Skill id → confidence from 1 to 5.
    pub ratings: Json<BTreeMap<String, u8>>,
    pub notes: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// The latest feedback given in one onboarding.
#[derive(Clone, Debug, sqlx::FromRow, serde::Serialize)]
pub struct LatestFeedback {
    pub onboarding_id: i64,
    pub to_improve: String,
    pub updated_at: DateTime<Utc>,
}

/// Feedback to record.
#[derive(Clone, Debug)]
pub struct NewFeedback {
    pub went_well: String,
    pub to_improve: String,
    pub ratings: BTreeMap<String, u8>,
    pub notes: String,
}

const MEETING_SELECT: &str = "SELECT m.id, m.onboarding_id, m.role, m.held_on, m.duration_minutes, m.meeting_type,
        m.lead_id, l.name AS lead_name, m.observer_id, ob.name AS observer_name, m.account, m.notes,
        m.learnings, m.created_by, m.created_at
 FROM meetings m LEFT JOIN people l ON l.id = m.lead_id LEFT JOIN people ob ON ob.id = m.observer_id";

impl Store {
    /// Records time off (both days included).
    pub async fn add_time_off(
        &self,
        actor: Option<i64>,
        person_id: i64,
        first_day: NaiveDate,
        last_day: NaiveDate,
        note: &str,
    ) -> Result<i64> {
        on_db!(self, |pool, begin| {
            let mut tx = pool.begin_with(begin).await?;
            let (id,): (i64,) = sqlx::query_as(
                "INSERT INTO time_off (person_id, first_day, last_day, note, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
            )
            .bind(person_id)
            .bind(first_day)
            .bind(last_day)
            .bind(note)
            .bind(Utc::now())
            .fetch_one(&mut *tx)
            .await?;
            audit!(
                tx,
                actor,
                "add",
                "time_off",
                Some(id),
                None::<serde_json::Value>,
                Some(serde_json::json!({"person": person_id, "from": first_day, "to": last_day}))
            );
            tx.commit().await?;
            Ok(id)
        })
    }

    /// Everyone but `except`, with their running buddy assignments and time off.
    pub async fn buddy_colleagues(&self, except: i64) -> Result<Vec<Colleague>> {
        #[derive(sqlx::FromRow)]
        struct Row {
            id: i64,
            name: String,
            email: String,
            department: String,
            job_role: String,
            segment: Option<String>,
            region: Option<String>,
            time_zone: String,
            start_date: Option<NaiveDate>,
            active: i64,
        }
        let (rows, off): (Vec<Row>, Vec<(i64, NaiveDate, NaiveDate)>) = on_db!(self, |pool, _b| {
            (
                sqlx::query_as(
                    "SELECT p.id, p.name, p.email, p.department, p.job_role, p.segment, p.region, p.time_zone, p.start_date,
                            (SELECT COUNT(*) FROM onboardings o WHERE o.buddy_id = p.id AND o.status = 'active') AS active
                     FROM people p WHERE p.id <> $1 ORDER BY p.name",
                )
                .bind(except)
                .fetch_all(pool)
                .await?,
                sqlx::query_as("SELECT person_id, first_day, last_day FROM time_off ORDER BY first_day")
                    .fetch_all(pool)
                    .await?,
            )
        });
        Ok(rows
            .into_iter()
            .map(|r| Colleague {
                time_off: off
                    .iter()
                    .filter(|(p, _, _)| *p == r.id)
                    .map(|(_, a, b)| (*a, *b))
                    .collect(),
                person_id: r.id,
                name: r.name,
                email: r.email,
                department: r.department,
                job_role: r.job_role,
                segment: r.segment,
                region: r.region,
                time_zone: r.time_zone,
                start_date: r.start_date,
                active_assignments: u32::try_from(r.active).unwrap_or(u32::MAX),
            })
            .collect())
    }

    /// Makes `buddy` the onboarding's buddy (or backup buddy), ending the
    /// current one; `None` ends the assignment without a successor.
    // Long: one transaction: end the current assignment and start the next, on both backends.
    pub async fn assign_buddy(
        &self,
        actor: Option<i64>,
        onboarding_id: i64,
        buddy: Option<i64>,
        backup: bool,
        note: &str,
    ) -> Result<()> {
        let now = Utc::now();
        let column = if backup {
            "UPDATE onboardings SET backup_buddy_id = $1, version = version + 1, updated_at = $2 WHERE id = $3"
        } else {
            "UPDATE onboardings SET buddy_id = $1, version = version + 1, updated_at = $2 WHERE id = $3"
        };
        let current = if backup {
            "SELECT backup_buddy_id, person_id, manager_id FROM onboardings WHERE id = $1"
        } else {
            "SELECT buddy_id, person_id, manager_id FROM onboardings WHERE id = $1"
        };
        on_db!(self, |pool, begin| {
            let mut tx = pool.begin_with(begin).await?;
            let row: Option<(Option<i64>, i64, Option<i64>)> = sqlx::query_as(current)
                .bind(onboarding_id)
                .fetch_optional(&mut *tx)
                .await?;
            let Some((old, hire, manager)) = row else {
                return Err(StoreError::NotFound(format!("onboarding {onboarding_id}")));
            };
            if let Some(b) = buddy {
                onramp_core::rules::check_buddy(b, hire, manager)?;
            }
            if old == buddy {
                tx.commit().await?;
                return Ok(());
            }
            sqlx::query(
                "UPDATE buddy_assignments SET ended_at = $1 WHERE onboarding_id = $2 AND backup = $3 AND ended_at IS NULL",
            )
            .bind(now)
            .bind(onboarding_id)
            .bind(backup)
            .execute(&mut *tx)
            .await?;
            if let Some(b) = buddy {
                sqlx::query(
                    "INSERT INTO buddy_assignments (onboarding_id, buddy_id, backup, started_at, assigned_by, note) VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(onboarding_id)
                .bind(b)
                .bind(backup)
                .bind(now)
                .bind(actor)
                .bind(note)
                .execute(&mut *tx)
                .await?;
            }
            sqlx::query(column)
                .bind(buddy)
                .bind(now)
                .bind(onboarding_id)
                .execute(&mut *tx)
                .await?;
            let what = if backup { "backup_buddy" } else { "buddy" };
            audit!(
                tx,
                actor,
                if buddy.is_some() { "assign" } else { "end" },
                what,
                Some(onboarding_id),
                Some(onboarding_id),
                Some(serde_json::json!({ what: old })),
                Some(serde_json::json!({ what: buddy, "note": note }))
            );
            if buddy.is_some() {
                let (parties, hire) = parties_in!(tx, onboarding_id);
                let name = name_in!(tx, buddy);
                let role = if backup {
                    "backup buddy"
                } else {
                    "onboarding buddy"
                };
                notify!(
                    tx,
                    audience(Event::BuddyAssigned, &parties, actor),
                    Event::BuddyAssigned,
                    Some(onboarding_id),
                    None,
                    &format!("{name} is now {hire}'s {role}."),
                    &format!("/onboardings/{onboarding_id}#people-h")
                );
            }
            tx.commit().await?;
            Ok(())
        })
    }

    /// Every assignment of an onboarding, oldest first.
    pub async fn buddy_history(&self, onboarding_id: i64) -> Result<Vec<BuddyAssignment>> {
        Ok(on_db!(self, |pool, _b| {
            sqlx::query_as(
                "SELECT a.id, a.onboarding_id, a.buddy_id, p.name AS buddy_name, a.backup, a.started_at, a.ended_at, a.assigned_by, a.note
                 FROM buddy_assignments a JOIN people p ON p.id = a.buddy_id WHERE a.onboarding_id = $1 ORDER BY a.id",
            )
            .bind(onboarding_id)
            .fetch_all(pool)
            .await?
        }))
    }

    /// Records a meeting, then completes the tasks whose target it reaches.
    /// Returns the meeting and the keys of tasks it completed.
    pub async fn add_meeting(
        &self,
        actor: Option<i64>,
        onboarding_id: i64,
        m: &NewMeeting,
    ) -> Result<(Meeting, Vec<String>)> {
        let id: i64 = on_db!(self, |pool, begin| {
            let mut tx = pool.begin_with(begin).await?;
            let (id,): (i64,) = sqlx::query_as(
                "INSERT INTO meetings (onboarding_id, role, held_on, duration_minutes, meeting_type, lead_id, observer_id, account, notes, learnings, created_by, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
            )
            .bind(onboarding_id)
            .bind(m.role.as_str())
            .bind(m.held_on)
            .bind(m.duration_minutes)
            .bind(&m.meeting_type)
            .bind(m.lead_id)
            .bind(m.observer_id)
            .bind(&m.account)
            .bind(&m.notes)
            .bind(&m.learnings)
            .bind(actor)
            .bind(Utc::now())
            .fetch_one(&mut *tx)
            .await?;
            audit!(
                tx,
                actor,
                "add",
                "meeting",
                Some(id),
                Some(onboarding_id),
                None::<serde_json::Value>,
                Some(
                    serde_json::json!({"role": m.role.as_str(), "type": m.meeting_type, "on": m.held_on})
                )
            );
            if m.role.as_str() == "led" {
                let (parties, hire) = parties_in!(tx, onboarding_id);
                notify!(
                    tx,
                    audience(Event::LedMeetingLogged, &parties, actor),
                    Event::LedMeetingLogged,
                    Some(onboarding_id),
                    None,
                    &format!(
                        "{hire} led a customer meeting on {}; it waits for your feedback.",
                        m.held_on
                    ),
                    &format!("/onboardings/{onboarding_id}/meetings")
                );
            }
            tx.commit().await?;
            id
        });
        let count = self
            .meetings_of(onboarding_id)
            .await?
            .iter()
            .filter(|x| x.role == m.role.as_str())
            .count() as u32;
        let completed = self
            .complete_met_targets(onboarding_id, m.role.measure(), count)
            .await?;
        let meeting = self
            .meeting(id)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("meeting {id}")))?;
        Ok((meeting, completed))
    }

    /// Completes open tasks whose target counts `measure` and is met by `count`.
    pub(crate) async fn complete_met_targets(
        &self,
        onboarding_id: i64,
        measure: &str,
        count: u32,
    ) -> Result<Vec<String>> {
        let mut completed = Vec::new();
        for task in self.tasks(onboarding_id).await? {
            let Some(target) = &task.template.target else {
                continue;
            };
            if target.measure != measure || count < target.count {
                continue;
            }
            if !matches!(task.status.as_str(), "open" | "in-progress") {
                continue;
            }
            match self
                .update_task(None, task.id, task.version, &TaskAction::Complete)
                .await
            {
                Ok(_) => completed.push(task.task_key.clone()),
                // Changed meanwhile (or not completable): leave it to people.
                Err(StoreError::Conflict(_)) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(completed)
    }

    pub async fn meeting(&self, id: i64) -> Result<Option<Meeting>> {
        self.optional_row(&format!("{MEETING_SELECT} WHERE m.id = $1"), id)
            .await
    }

    /// The meetings of an onboarding, by date.
    pub async fn meetings_of(&self, onboarding_id: i64) -> Result<Vec<Meeting>> {
        let sql = format!("{MEETING_SELECT} WHERE m.onboarding_id = $1 ORDER BY m.held_on, m.id");
        self.rows_by_id(&sql, onboarding_id).await
    }

    /// Meetings shadowed, and led meetings with feedback, for graduation.
    pub async fn meeting_counts(&self, onboarding_id: i64) -> Result<(u32, u32)> {
        let (shadowed, led): (i64, i64) = on_db!(self, |pool, _b| {
            sqlx::query_as(
                "SELECT (SELECT COUNT(*) FROM meetings WHERE onboarding_id = $1 AND role = 'shadowed'),
                        (SELECT COUNT(*) FROM meetings m JOIN meeting_feedback f ON f.meeting_id = m.id
                          WHERE m.onboarding_id = $1 AND m.role = 'led')",
            )
            .bind(onboarding_id)
            .fetch_one(pool)
            .await?
        });
        Ok((
            u32::try_from(shadowed).unwrap_or(u32::MAX),
            u32::try_from(led).unwrap_or(u32::MAX),
        ))
    }

    /// Records (or replaces) the feedback on a led meeting.
    pub async fn record_feedback(
        &self,
        observer: i64,
        meeting_id: i64,
        f: &NewFeedback,
    ) -> Result<Feedback> {
        let now = Utc::now();
        on_db!(self, |pool, begin| {
            let mut tx = pool.begin_with(begin).await?;
            let meeting: Option<(i64, String)> =
                sqlx::query_as("SELECT onboarding_id, role FROM meetings WHERE id = $1")
                    .bind(meeting_id)
                    .fetch_optional(&mut *tx)
                    .await?;
            let Some((onboarding_id, role)) = meeting else {
                return Err(StoreError::NotFound(format!("meeting {meeting_id}")));
            };
            onramp_core::rules::check_feedback_target(&role)?;
            let feedback: Feedback = sqlx::query_as(
                "INSERT INTO meeting_feedback (meeting_id, observer_id, went_well, to_improve, ratings, notes, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $7)
                 ON CONFLICT (meeting_id) DO UPDATE SET observer_id = excluded.observer_id, went_well = excluded.went_well,
                    to_improve = excluded.to_improve, ratings = excluded.ratings, notes = excluded.notes, updated_at = excluded.updated_at
                 RETURNING meeting_id, observer_id, went_well, to_improve, ratings, notes, created_at, updated_at",
            )
            .bind(meeting_id)
            .bind(observer)
            .bind(f.went_well.trim())
            .bind(f.to_improve.trim())
            .bind(Json(&f.ratings))
            .bind(f.notes.trim())
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
            sqlx::query(
                "UPDATE meetings SET observer_id = COALESCE(observer_id, $1) WHERE id = $2",
            )
            .bind(observer)
            .bind(meeting_id)
            .execute(&mut *tx)
            .await?;
            audit!(
                tx,
                Some(observer),
                "feedback",
                "meeting",
                Some(meeting_id),
                Some(onboarding_id),
                None::<serde_json::Value>,
                Some(serde_json::json!({"ratings": f.ratings}))
            );
            let (parties, hire) = parties_in!(tx, onboarding_id);
            let who = name_in!(tx, Some(observer));
            notify!(
                tx,
                audience(Event::FeedbackGiven, &parties, Some(observer)),
                Event::FeedbackGiven,
                Some(onboarding_id),
                None,
                &format!("{who} gave feedback on a meeting {hire} led."),
                &format!("/onboardings/{onboarding_id}/meetings")
            );
            tx.commit().await?;
            Ok(feedback)
        })
    }

    /// The feedback on an onboarding's led meetings.
    /// The latest feedback in each active onboarding a manager oversees, in
    /// one query for the team panel.
    pub async fn latest_feedback_managed_by(&self, manager: i64) -> Result<Vec<LatestFeedback>> {
        let rows: Vec<LatestFeedback> = on_db!(self, |pool, _b| {
            sqlx::query_as(
                "SELECT m.onboarding_id, f.to_improve, f.updated_at
                 FROM onboardings o
                 JOIN meetings m ON m.onboarding_id = o.id
                 JOIN meeting_feedback f ON f.meeting_id = m.id
                 WHERE o.manager_id = $1 AND o.status = 'active'
                 ORDER BY m.onboarding_id, f.updated_at DESC, f.meeting_id DESC",
            )
            .bind(manager)
            .fetch_all(pool)
            .await?
        });
        let mut latest: Vec<LatestFeedback> = Vec::new();
        for row in rows {
            if latest
                .last()
                .is_none_or(|l| l.onboarding_id != row.onboarding_id)
            {
                latest.push(row);
            }
        }
        Ok(latest)
    }

    pub async fn feedback_of(&self, onboarding_id: i64) -> Result<Vec<Feedback>> {
        Ok(on_db!(self, |pool, _b| {
            sqlx::query_as(
                "SELECT f.meeting_id, f.observer_id, f.went_well, f.to_improve, f.ratings, f.notes, f.created_at, f.updated_at
                 FROM meeting_feedback f JOIN meetings m ON m.id = f.meeting_id
                 WHERE m.onboarding_id = $1 ORDER BY m.held_on, m.id",
            )
            .bind(onboarding_id)
            .fetch_all(pool)
            .await?
        }))
    }
}
