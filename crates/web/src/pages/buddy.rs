//! Buddy suggestions and assignment, the meeting log, and feedback forms.

use super::Nav;
use crate::auth::{CurrentUser, VerifiedForm};
use crate::{AppState, WebError};
use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use onramp_app::Caller;
use onramp_app::buddy::{self, FeedbackInput, MeetingInput, MeetingLog};
use onramp_app::onboarding;
use onramp_core::access::{OnboardingAction, may};
use onramp_core::buddy::Suggestions;
use onramp_core::meeting::MeetingType;
use onramp_store::BuddyAssignment;
use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Template)]
#[template(path = "buddy.html")]
struct BuddyPage {
    nav: Option<Nav>,
    id: i64,
    hire: String,
    buddy: Option<String>,
    backup: Option<String>,
    s: Suggestions,
    history: Vec<BuddyAssignment>,
    csrf: String,
}

fn current(history: &[BuddyAssignment], backup: bool) -> Option<String> {
    history
        .iter()
        .rev()
        .find(|a| a.backup == backup && a.ended_at.is_none())
        .map(|a| a.buddy_name.clone())
}

/// `GET /onboardings/{id}/buddy`: suggestions, the current buddy and history.
pub async fn page(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<Html<String>, WebError> {
    let loaded = onboarding::load(&state, &user, id, OnboardingAction::AssignBuddy).await?;
    let s = buddy::suggestions(&state, &loaded).await?;
    let history = buddy::history(&state, id).await?;
    let nav = Nav::of(&state, &user).await?;
    Ok(Html(
        BuddyPage {
            csrf: nav.as_ref().map(|n| n.csrf.clone()).unwrap_or_default(),
            nav,
            id,
            hire: loaded.person.name.clone(),
            buddy: current(&history, false),
            backup: current(&history, true),
            s,
            history,
        }
        .render()?,
    ))
}

#[derive(Deserialize)]
pub struct AssignForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    backup: String,
    #[serde(default)]
    note: String,
}

fn is_true(v: &str) -> bool {
    matches!(v, "true" | "on" | "1" | "yes")
}

/// `POST /onboardings/{id}/buddy`.
pub async fn assign(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    f: VerifiedForm<AssignForm>,
) -> Result<Response, WebError> {
    if f.form.email.trim().is_empty() {
        return Err(WebError::BadRequest {
            field: "email".into(),
            message: "choose a buddy".into(),
        });
    }
    buddy::assign(
        &state,
        Caller::Person(&f.user),
        id,
        Some(&f.form.email),
        is_true(&f.form.backup),
        &f.form.note,
    )
    .await?;
    Ok(Redirect::to(&format!("/onboardings/{id}/buddy")).into_response())
}

/// `POST /onboardings/{id}/buddy/end`.
pub async fn end(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    f: VerifiedForm<AssignForm>,
) -> Result<Response, WebError> {
    buddy::assign(
        &state,
        Caller::Person(&f.user),
        id,
        None,
        is_true(&f.form.backup),
        "",
    )
    .await?;
    Ok(Redirect::to(&format!("/onboardings/{id}/buddy")).into_response())
}

#[derive(Template)]
#[template(path = "meetings.html")]
struct MeetingsPage {
    nav: Option<Nav>,
    id: i64,
    hire: String,
    log: MeetingLog,
    chart: String,
    observed: u32,
    can_log: bool,
    can_give_feedback: bool,
    types: Vec<MeetingType>,
    colleagues: Vec<(String, String)>,
    buddy_email: Option<String>,
    today: String,
    csrf: String,
    titles: BTreeMap<String, String>,
}

impl MeetingsPage {
    fn type_title(&self, id: &str) -> String {
        self.titles
            .get(id)
            .cloned()
            .unwrap_or_else(|| id.to_string())
    }

    fn skill_title(&self, id: &str) -> String {
        self.titles
            .get(id)
            .cloned()
            .unwrap_or_else(|| id.to_string())
    }
}

/// `GET /onboardings/{id}/meetings`.
pub async fn log(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<Html<String>, WebError> {
    let loaded = onboarding::load(&state, &user, id, OnboardingAction::Read).await?;
    let log = buddy::log(&state, &user, &loaded).await?;
    let can_log = may(&user.actor, &loaded.parties, OnboardingAction::LogMeeting);
    let colleagues = buddy::colleagues(&state, &user, &loaded).await?;
    let buddy_email = buddy::buddy_email(&state, &loaded).await?;
    let titles = state
        .meetings
        .types
        .iter()
        .map(|t| (t.id.clone(), t.title.clone()))
        .chain(
            state
                .meetings
                .skills
                .iter()
                .map(|s| (s.id.clone(), s.title.clone())),
        )
        .collect();
    let nav = Nav::of(&state, &user).await?;
    Ok(Html(
        MeetingsPage {
            csrf: nav.as_ref().map(|n| n.csrf.clone()).unwrap_or_default(),
            nav,
            id,
            hire: loaded.person.name.clone(),
            chart: buddy::trend_svg(&log.trend),
            can_give_feedback: may(&user.actor, &loaded.parties, OnboardingAction::GiveFeedback),
            log,
            observed: buddy::OBSERVED_MEETINGS,
            can_log,
            types: state.meetings.types.clone(),
            colleagues,
            buddy_email,
            today: onramp_core::onboarding::today_in(&loaded.person.time_zone, chrono::Utc::now())
                .to_string(),
            titles,
        }
        .render()?,
    ))
}

/// `POST /onboardings/{id}/meetings`.
pub async fn add(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    f: VerifiedForm<MeetingInput>,
) -> Result<Response, WebError> {
    buddy::add_meeting(&state, &f.user, id, &f.form).await?;
    Ok(Redirect::to(&format!("/onboardings/{id}/meetings")).into_response())
}

#[derive(Template)]
#[template(path = "feedback.html")]
struct FeedbackPage {
    nav: Option<Nav>,
    id: i64,
    meeting_id: i64,
    hire: String,
    held_on: String,
    went_well: String,
    to_improve: String,
    notes: String,
    skills: Vec<(String, String, u8)>,
    csrf: String,
}

/// `GET /onboardings/{id}/meetings/{meeting}/feedback`.
pub async fn feedback_form(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, meeting_id)): Path<(i64, i64)>,
) -> Result<Html<String>, WebError> {
    let loaded = onboarding::load(&state, &user, id, OnboardingAction::Read).await?;
    let (meeting, existing) = buddy::feedback_draft(&state, &user, &loaded, meeting_id).await?;
    let skills = state
        .meetings
        .skills
        .iter()
        .map(|s| {
            let current = existing
                .as_ref()
                .and_then(|f| f.ratings.0.get(&s.id).copied())
                .unwrap_or(0);
            (s.id.clone(), s.title.clone(), current)
        })
        .collect();
    let nav = Nav::of(&state, &user).await?;
    Ok(Html(
        FeedbackPage {
            csrf: nav.as_ref().map(|n| n.csrf.clone()).unwrap_or_default(),
            nav,
            id,
            meeting_id,
            hire: loaded.person.name.clone(),
            held_on: meeting.held_on.to_string(),
            went_well: existing
                .as_ref()
                .map(|f| f.went_well.clone())
                .unwrap_or_default(),
            to_improve: existing
                .as_ref()
                .map(|f| f.to_improve.clone())
                .unwrap_or_default(),
            notes: existing
                .as_ref()
                .map(|f| f.notes.clone())
                .unwrap_or_default(),
            skills,
        }
        .render()?,
    ))
}

#[derive(Deserialize)]
pub struct FeedbackForm {
    #[serde(default)]
    went_well: String,
    #[serde(default)]
    to_improve: String,
    #[serde(default)]
    notes: String,
    #[serde(flatten)]
    rest: BTreeMap<String, String>,
}

/// `POST /onboardings/{id}/meetings/{meeting}/feedback`.
pub async fn give_feedback(
    State(state): State<AppState>,
    Path((id, meeting_id)): Path<(i64, i64)>,
    f: VerifiedForm<FeedbackForm>,
) -> Result<Response, WebError> {
    let ratings = f
        .form
        .rest
        .iter()
        .filter_map(|(k, v)| {
            k.strip_prefix("rating_")
                .map(|s| (s.to_string(), v.clone()))
        })
        .collect();
    let input = FeedbackInput {
        went_well: f.form.went_well.clone(),
        to_improve: f.form.to_improve.clone(),
        notes: f.form.notes.clone(),
        ratings,
    };
    buddy::give_feedback(&state, &f.user, id, meeting_id, &input).await?;
    Ok(Redirect::to(&format!("/onboardings/{id}/meetings")).into_response())
}

/// This module's pages and forms, for `pages::routes`.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/onboardings/{id}/buddy", get(page).post(assign))
        .route("/onboardings/{id}/buddy/end", post(end))
        .route("/onboardings/{id}/meetings", get(log).post(add))
        .route(
            "/onboardings/{id}/meetings/{meeting_id}/feedback",
            get(feedback_form).post(give_feedback),
        )
}
