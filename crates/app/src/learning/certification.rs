//! Certification records of the new hire (plans, attempts, passes, expiry,
//! evidence) and the manager's review of the evidence.

use super::{catalogues, optional_date, optional_url};
use crate::onboarding::{self, Loaded};
use crate::{Actor, App, Error};
use chrono::Utc;
use onramp_core::access::OnboardingAction;
use onramp_core::learning::CertificationStatus;
use onramp_core::onboarding::today_in;
use onramp_store::{CertificationChange, CertificationOf};
use serde::Deserialize;
use utoipa::ToSchema;

/// A change to a certification record as the form or the API sends it.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CertificationInput {
    /// YYYY-MM-DD: when the new hire plans to take it.
    #[serde(default)]
    pub planned_on: Option<String>,
    /// Count one more attempt.
    #[serde(default)]
    pub attempt: Option<bool>,
    /// YYYY-MM-DD: when it was passed (counts as an attempt if none was recorded).
    #[serde(default)]
    pub passed_on: Option<String>,
    /// YYYY-MM-DD: when the certification expires; a reminder starts 60 days before.
    #[serde(default)]
    pub expires_on: Option<String>,
    #[serde(default)]
    pub evidence_url: Option<String>,
}

/// The onboarding, loaded for `action`, and which certification of its
/// new hire (404 for one the catalogue does not have).
async fn certification_of<'a>(
    state: &App,
    user: &Actor,
    id: i64,
    certification: &'a str,
    action: OnboardingAction,
) -> Result<(Loaded, CertificationOf<'a>), Error> {
    let loaded = onboarding::load(state, user, id, action).await?;
    let known = catalogues()
        .certification(certification)
        .ok_or(Error::NotFound)?;
    let of = CertificationOf {
        person_id: loaded.person.id,
        certification_id: certification,
        title: &known.title,
        onboarding_id: Some(loaded.onboarding.id),
    };
    Ok((loaded, of))
}

/// Updates the new hire's record of one certification.
pub async fn save_certification(
    state: &App,
    user: &Actor,
    id: i64,
    certification: &str,
    input: &CertificationInput,
) -> Result<Vec<CertificationStatus>, Error> {
    let (loaded, of) = certification_of(
        state,
        user,
        id,
        certification,
        OnboardingAction::RecordLearning,
    )
    .await?;
    let today = today_in(&loaded.person.time_zone, Utc::now());
    let passed_on = optional_date("passed_on", input.passed_on.as_deref())?;
    if passed_on.is_some_and(|d| d > today) {
        return Err(Error::bad("passed_on", "is in the future"));
    }
    let records = state.store.certification_records(loaded.person.id).await?;
    let existing = records.iter().find(|r| r.certification_id == certification);
    let change = CertificationChange {
        planned_on: optional_date("planned_on", input.planned_on.as_deref())?,
        // A pass is an attempt; count it when no attempt was recorded yet.
        attempt: input.attempt.unwrap_or(false)
            || (passed_on.is_some() && existing.is_none_or(|r| r.attempts == 0)),
        passed_on,
        expires_on: optional_date("expires_on", input.expires_on.as_deref())?,
        evidence_url: optional_url("evidence_url", input.evidence_url.as_deref())?,
    };
    if let (None, Some(expires), Some(passed)) = (
        change.passed_on,
        change.expires_on,
        existing.and_then(|r| r.passed_on),
    ) && expires <= passed
    {
        return Err(Error::bad(
            "expires_on",
            "must be after the day it was passed",
        ));
    }
    onramp_core::rules::check_certification_dates(change.passed_on, change.expires_on)?;
    state
        .store
        .save_certification(Some(user.person_id), of, &change)
        .await?;
    Ok(state.store.certification_records(loaded.person.id).await?)
}

/// The manager's review of certification evidence, as the form or the API
/// sends it.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReviewInput {
    /// `approve` or `return`.
    pub decision: String,
    /// Why it is returned (required then), or a word of thanks.
    #[serde(default)]
    pub note: Option<String>,
}

/// Approves or returns the evidence of a passed certification (the
/// manager); the new hire is told.
pub async fn review_certification(
    state: &App,
    user: &Actor,
    id: i64,
    certification: &str,
    input: &ReviewInput,
) -> Result<Vec<CertificationStatus>, Error> {
    let (loaded, of) = certification_of(
        state,
        user,
        id,
        certification,
        OnboardingAction::ReviewCertification,
    )
    .await?;
    let approve = match input.decision.trim() {
        "approve" => true,
        "return" => false,
        other => {
            return Err(Error::bad(
                "decision",
                format!("`{other}` is not one of approve, return"),
            ));
        }
    };
    let note = input.note.as_deref().unwrap_or("").trim();
    onramp_core::text::check("note", note, onramp_core::text::SHORT_TEXT)?;
    if !approve && note.is_empty() {
        return Err(Error::bad(
            "note",
            "say what to change when returning the evidence",
        ));
    }
    state
        .store
        .review_certification(Some(user.person_id), of, approve, note)
        .await?;
    Ok(state.store.certification_records(loaded.person.id).await?)
}
