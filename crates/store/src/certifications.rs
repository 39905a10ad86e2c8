//! Certification records per person (plans, attempts, passes, expiry,
//! evidence) and the manager's review of the evidence: a pass with evidence
//! is `submitted` and the manager is told; they approve it or return it with
//! a note, and the new hire is told.

use crate::audit::audit;
use crate::notices::{name_in, notify, parties_in};
use crate::{Result, Store, StoreError, on_db};
use chrono::{DateTime, NaiveDate, Utc};
use onramp_core::learning::CertificationStatus;
use onramp_core::notify::{Event, audience};

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

/// Whose certification, and which.
#[derive(Clone, Copy, Debug)]
pub struct CertificationOf<'a> {
    pub person_id: i64,
    pub certification_id: &'a str,
    /// The certification's title, for messages.
    pub title: &'a str,
    /// The onboarding whose people hear of a submission (`None`: nobody).
    pub onboarding_id: Option<i64>,
}

/// Evidence that waits for a manager's review.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct EvidenceToReview {
    pub onboarding_id: i64,
    pub certification_id: String,
    pub submitted_at: Option<DateTime<Utc>>,
}

type RecordRow = (
    String,
    Option<NaiveDate>,
    i32,
    Option<NaiveDate>,
    Option<NaiveDate>,
    Option<String>,
    Option<String>,
    String,
);

impl Store {
    /// A person's certification records.
    pub async fn certification_records(&self, person_id: i64) -> Result<Vec<CertificationStatus>> {
        let rows: Vec<RecordRow> = on_db!(self, |pool, _begin| {
            sqlx::query_as(
                "SELECT certification_id, planned_on, attempts, passed_on, expires_on, evidence_url,
                        review_status, review_note
                 FROM certification_records WHERE person_id = $1 ORDER BY certification_id",
            )
            .bind(person_id)
            .fetch_all(pool)
            .await?
        });
        Ok(rows
            .into_iter()
            .map(
                |(id, planned_on, attempts, passed_on, expires_on, evidence_url, review, note)| {
                    CertificationStatus {
                        certification_id: id,
                        planned_on,
                        attempts: u32::try_from(attempts).unwrap_or(0),
                        passed_on,
                        expires_on,
                        evidence_url,
                        review,
                        review_note: note,
                    }
                },
            )
            .collect())
    }

    /// Changes a person's record of one certification (made on first use).
    /// When the change gives a pass and evidence that were not there before
    /// (or differ from what was reviewed), the evidence is submitted for
    /// review and the manager is told, in the same transaction.
    // Long: one transaction reads the record, changes it, audits it and submits new evidence.
    pub async fn save_certification(
        &self,
        actor: Option<i64>,
        of: CertificationOf<'_>,
        change: &CertificationChange,
    ) -> Result<()> {
        let now = Utc::now();
        let (person_id, certification_id) = (of.person_id, of.certification_id);
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
            let read = "SELECT passed_on, evidence_url, review_status FROM certification_records
                        WHERE person_id = $1 AND certification_id = $2";
            let before: (Option<NaiveDate>, Option<String>, Option<String>) = sqlx::query_as(read)
                .bind(person_id)
                .bind(certification_id)
                .fetch_one(&mut *tx)
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
            let after: (Option<NaiveDate>, Option<String>, Option<String>) = sqlx::query_as(read)
                .bind(person_id)
                .bind(certification_id)
                .fetch_one(&mut *tx)
                .await?;
            let complete = after.0.is_some() && after.1.is_some();
            let new_evidence = (after.0, &after.1) != (before.0, &before.1) || before.2.is_none();
            if complete && new_evidence && before.2.as_deref() != Some("submitted") {
                sqlx::query(
                    "UPDATE certification_records SET review_status = 'submitted', submitted_at = $3,
                        reviewed_by = NULL, reviewed_at = NULL, review_note = ''
                     WHERE person_id = $1 AND certification_id = $2",
                )
                .bind(person_id)
                .bind(certification_id)
                .bind(now)
                .execute(&mut *tx)
                .await?;
                if let Some(onboarding) = of.onboarding_id {
                    let (parties, hire) = parties_in!(tx, onboarding);
                    notify!(
                        tx,
                        audience(Event::CertificationSubmitted, &parties, actor),
                        Event::CertificationSubmitted,
                        Some(onboarding),
                        None,
                        &format!(
                            "{hire} passed {} and gave evidence; approve it or return it.",
                            of.title
                        ),
                        &format!(
                            "/onboardings/{onboarding}/learning#certification-{certification_id}"
                        )
                    );
                }
            }
            tx.commit().await?;
            Ok(())
        })
    }

    /// The manager's review of submitted evidence: approved, or returned
    /// with `note`. The new hire is told. Only submitted evidence can be
    /// reviewed (a conflict otherwise).
    pub async fn review_certification(
        &self,
        actor: Option<i64>,
        of: CertificationOf<'_>,
        approve: bool,
        note: &str,
    ) -> Result<()> {
        let now = Utc::now();
        let status = if approve { "approved" } else { "returned" };
        on_db!(self, |pool, begin| {
            let mut tx = pool.begin_with(begin).await?;
            let done = sqlx::query(
                "UPDATE certification_records SET review_status = $3, reviewed_by = $4, reviewed_at = $5,
                    review_note = $6
                 WHERE person_id = $1 AND certification_id = $2 AND review_status = 'submitted'",
            )
            .bind(of.person_id)
            .bind(of.certification_id)
            .bind(status)
            .bind(actor)
            .bind(now)
            .bind(note)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if done == 0 {
                return Err(StoreError::Conflict(format!(
                    "review: no evidence for {} waits for review",
                    of.title
                )));
            }
            audit!(
                tx,
                actor,
                status,
                "certification",
                Some(of.person_id),
                of.onboarding_id,
                Some(serde_json::json!({"review": "submitted"})),
                Some(
                    serde_json::json!({"certification": of.certification_id, "review": status, "note": note})
                )
            );
            if let Some(onboarding) = of.onboarding_id {
                let (parties, _) = parties_in!(tx, onboarding);
                let who = name_in!(tx, actor);
                let message = if approve {
                    format!("{who} approved your evidence for {}.", of.title)
                } else {
                    format!("{who} returned your evidence for {}: {note}", of.title)
                };
                notify!(
                    tx,
                    audience(Event::CertificationReviewed, &parties, actor),
                    Event::CertificationReviewed,
                    Some(onboarding),
                    None,
                    &message,
                    &format!(
                        "/onboardings/{onboarding}/learning#certification-{}",
                        of.certification_id
                    )
                );
            }
            tx.commit().await?;
            Ok(())
        })
    }

    /// Evidence waiting for review by this manager, in their reports'
    /// running onboardings.
    pub async fn evidence_to_review(&self, manager: i64) -> Result<Vec<EvidenceToReview>> {
        Ok(on_db!(self, |pool, _begin| {
            sqlx::query_as(
                "SELECT o.id AS onboarding_id, c.certification_id, c.submitted_at
                 FROM onboardings o JOIN certification_records c ON c.person_id = o.person_id
                 WHERE o.manager_id = $1 AND o.status = 'active' AND c.review_status = 'submitted'
                 ORDER BY c.submitted_at, o.id",
            )
            .bind(manager)
            .fetch_all(pool)
            .await?
        }))
    }
}
