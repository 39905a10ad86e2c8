//! Webinars (added by the Enablement team, attended or watched by anyone
//! signed in) and the content freshness report, shared by pages and the API.

use crate::{Actor, App, Caller, Error};
use chrono::{Duration, Utc};
use onramp_core::access::{may_manage_webinars, may_review_content};
use onramp_core::calendar::{from_local, in_zone, parse_local};
use onramp_handbook::freshness;
use onramp_store::{NewWebinar, Webinar};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::ToSchema;

/// A webinar as the viewer sees it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct WebinarView {
    #[serde(flatten)]
    #[schema(inline, value_type = Object)]
    pub webinar: Webinar,
    /// The start in the viewer's time zone.
    pub local_start: String,
    /// `attended`, `watched` or absent.
    pub mine: Option<String>,
    pub past: bool,
    /// The viewer asked to be reminded an hour before it starts.
    pub reminded: bool,
}

/// Upcoming and past webinars.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct WebinarList {
    pub upcoming: Vec<WebinarView>,
    /// The most recent first.
    pub past: Vec<WebinarView>,
    pub can_manage: bool,
}

/// How far back past webinars are listed.
const PAST_DAYS: i64 = 365;

pub async fn list(state: &App, user: &Actor) -> Result<WebinarList, Error> {
    let now = Utc::now();
    let zone = state.store.person(user.person_id).await?.time_zone;
    let (upcoming, past, mine, reminders) = tokio::try_join!(
        state.store.webinars(now, now + Duration::days(365), 100),
        state
            .store
            .webinars(now - Duration::days(PAST_DAYS), now, 200),
        state.store.attendance_of(user.person_id),
        state.store.reminders_of(user.person_id, now)
    )?;
    let view = |w: Webinar, mine: &BTreeMap<i64, String>| WebinarView {
        local_start: in_zone(w.starts_at, &zone),
        mine: mine.get(&w.id).cloned(),
        past: w.starts_at <= now,
        reminded: reminders.iter().any(|r| r.webinar_id == Some(w.id)),
        webinar: w,
    };
    Ok(WebinarList {
        upcoming: upcoming.into_iter().map(|w| view(w, &mine)).collect(),
        past: past.into_iter().rev().map(|w| view(w, &mine)).collect(),
        can_manage: may_manage_webinars(user),
    })
}

/// A webinar as the form or the API sends it.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WebinarInput {
    pub title: String,
    /// Local date and time, YYYY-MM-DDTHH:MM.
    pub starts_at: String,
    /// An IANA time zone such as Europe/Berlin; UTC when left out.
    #[serde(default)]
    pub time_zone: Option<String>,
    pub duration_minutes: String,
    pub host: String,
    #[serde(default)]
    pub registration_url: Option<String>,
}

fn forbidden() -> Error {
    Error::Forbidden("only the Enablement team adds and changes webinars".into())
}

fn manage(user: &Actor) -> Result<(), Error> {
    if may_manage_webinars(user) {
        Ok(())
    } else {
        Err(forbidden())
    }
}

/// Adds a webinar (the Enablement team, or the operator).
pub async fn add(state: &App, by: Caller<'_>, input: &WebinarInput) -> Result<Webinar, Error> {
    if !by.may(may_manage_webinars) {
        return Err(forbidden());
    }
    let zone = input
        .time_zone
        .as_deref()
        .map(str::trim)
        .filter(|z| !z.is_empty())
        .unwrap_or("UTC");
    let local = parse_local("starts_at", &input.starts_at)
        .map_err(|m| Error::bad("starts_at", m.trim_start_matches("starts_at: ").to_string()))?;
    let starts_at = from_local(local, zone).map_err(|m| match m.strip_prefix("time_zone: ") {
        Some(rest) => Error::bad("time_zone", rest),
        None => Error::bad("starts_at", m),
    })?;
    let duration_minutes = crate::buddy::minutes("duration_minutes", &input.duration_minutes)?;
    if input.title.trim().len() > 200 {
        return Err(Error::bad("title", "is longer than 200 characters"));
    }
    let webinar = NewWebinar {
        title: input.title.trim().to_string(),
        starts_at,
        duration_minutes,
        host: input.host.trim().to_string(),
        registration_url: crate::learning::optional_url(
            "registration_url",
            input.registration_url.as_deref(),
        )?,
    };
    onramp_core::rules::check_webinar(
        &webinar.title,
        &webinar.host,
        webinar.registration_url.as_deref(),
        webinar.duration_minutes,
    )?;
    Ok(state.store.add_webinar(by.person_id(), &webinar).await?)
}

/// Webinars from 30 days ago to a year ahead, for the operator's list.
pub async fn schedule(state: &App) -> Result<Vec<Webinar>, Error> {
    let now = Utc::now();
    Ok(state
        .store
        .webinars(now - Duration::days(30), now + Duration::days(365), 500)
        .await?)
}

/// Sets (or with an empty link removes) the recording of a past webinar.
pub async fn set_recording(
    state: &App,
    user: &Actor,
    id: i64,
    recording_url: Option<&str>,
) -> Result<Webinar, Error> {
    manage(user)?;
    let w = state.store.webinar(id).await?;
    let link = crate::learning::optional_url("recording_url", recording_url)?;
    if link.is_some() && w.starts_at > Utc::now() {
        return Err(Error::bad(
            "recording_url",
            "the webinar has not taken place yet",
        ));
    }
    onramp_core::rules::check_recording_url(link.as_deref())?;
    Ok(state
        .store
        .set_webinar_recording(Some(user.person_id), id, link.as_deref())
        .await?)
}

/// "I attended" (once it started), "I watched the recording" (once there is
/// one), or `none` to take it back.
pub async fn attend(state: &App, user: &Actor, id: i64, how: &str) -> Result<(), Error> {
    let w = state.store.webinar(id).await?;
    let how = match how.trim() {
        "attended" if w.starts_at > Utc::now() => {
            return Err(Error::bad("how", "the webinar has not started yet"));
        }
        "watched" if w.recording_url.is_none() => {
            return Err(Error::bad("how", "the webinar has no recording yet"));
        }
        "attended" => Some("attended"),
        "watched" => Some("watched"),
        "none" | "" => None,
        other => {
            return Err(Error::bad(
                "how",
                format!("must be attended, watched or none (got `{other}`)"),
            ));
        }
    };
    state.store.set_attendance(user.person_id, id, how).await?;
    Ok(())
}

/// The content freshness report over the built-in catalogues and the
/// imported programs, checked against the imported handbook.
pub async fn freshness(
    state: &App,
    user: &Actor,
    max_age_days: Option<i64>,
) -> Result<freshness::Report, Error> {
    if !may_review_content(user) {
        return Err(Error::NotFound);
    }
    let max_age = max_age_days.unwrap_or(freshness::DEFAULT_MAX_AGE_DAYS);
    if !(0..=3650).contains(&max_age) {
        return Err(Error::bad("max_age_days", "must be from 0 to 3650"));
    }
    let programs: Vec<(String, onramp_core::program::Program)> = state
        .store
        .latest_program_versions()
        .await?
        .iter()
        .map(|v| {
            (
                format!("programs/{}", v.definition.0.id),
                v.definition.0.clone(),
            )
        })
        .collect();
    let entries = freshness::entries(crate::learning::catalogues(), &programs);
    let urls = crate::handbook::current_urls(state).await?;
    Ok(freshness::check(
        &entries,
        Utc::now().date_naive(),
        max_age,
        urls.as_deref(),
    ))
}
