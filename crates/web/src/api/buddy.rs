//! Buddy suggestions and assignment, meetings and feedback.

use super::{ApiError, ApiJson, ApiResult, ErrorBody};
use crate::AppState;
use crate::auth::CurrentUser;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use onramp_app::Caller;
use onramp_app::buddy::{self, FeedbackInput, MeetingInput, MeetingLog};
use onramp_app::onboarding;
use onramp_core::access::OnboardingAction;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Ranked buddy candidates with the reasons for each score, and the
/// colleagues not suggested with why (manager, People Connect, admin).
#[utoipa::path(get, path = "/api/v1/onboardings/{id}/buddy-suggestions", tag = "buddy", params(("id" = i64, Path)),
    responses((status = 200, body = Object), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn suggestions(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> ApiResult<onramp_core::buddy::Suggestions> {
    let loaded = onboarding::load(&state, &user, id, OnboardingAction::AssignBuddy).await?;
    Ok(Json(buddy::suggestions(&state, &loaded).await?))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct BuddyChange {
    /// The buddy's email; absent or empty ends the assignment.
    pub email: Option<String>,
    /// Change the backup buddy instead of the buddy.
    #[serde(default)]
    pub backup: bool,
    #[serde(default)]
    pub note: String,
}

/// Assigns, re-assigns or ends the buddy (or backup buddy); kept in the history and audit log.
#[utoipa::path(put, path = "/api/v1/onboardings/{id}/buddy", tag = "buddy", params(("id" = i64, Path)), request_body = BuddyChange,
    responses((status = 200, description = "The buddy history of the onboarding, oldest first", body = Vec<Object>), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn assign(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<BuddyChange>,
) -> ApiResult<Vec<onramp_store::BuddyAssignment>> {
    buddy::assign(
        &state,
        Caller::Person(&user),
        id,
        body.email.as_deref(),
        body.backup,
        &body.note,
    )
    .await?;
    Ok(Json(buddy::history(&state, id).await?))
}

/// Shadowed and led meetings, the weekly quota, and (for the new hire, buddy
/// and manager only) the feedback, its trend and themes.
#[utoipa::path(get, path = "/api/v1/onboardings/{id}/meetings", tag = "meetings", params(("id" = i64, Path)),
    responses((status = 200, body = MeetingLog), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn log(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> ApiResult<MeetingLog> {
    let loaded = onboarding::load(&state, &user, id, OnboardingAction::Read).await?;
    Ok(Json(buddy::log(&state, &user, &loaded).await?))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct NewMeetingBody {
    /// `shadowed` or `led`.
    pub role: String,
    /// YYYY-MM-DD.
    pub held_on: String,
    pub duration_minutes: i64,
    pub meeting_type: String,
    pub lead_email: Option<String>,
    pub observer_email: Option<String>,
    #[serde(default)]
    pub account: String,
    #[serde(default)]
    pub notes: String,
    #[serde(default)]
    pub learnings: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RecordedMeeting {
    #[schema(value_type = Object)]
    pub meeting: onramp_store::Meeting,
    /// Tasks whose target this meeting reached, now done.
    pub completed_tasks: Vec<String>,
}

/// Records a shadowed or led meeting; tasks with a meeting target complete themselves.
#[utoipa::path(post, path = "/api/v1/onboardings/{id}/meetings", tag = "meetings", params(("id" = i64, Path)), request_body = NewMeetingBody,
    responses((status = 201, body = RecordedMeeting), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn add(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<NewMeetingBody>,
) -> Result<(StatusCode, Json<RecordedMeeting>), ApiError> {
    let input = MeetingInput {
        role: b.role,
        held_on: b.held_on,
        duration_minutes: b.duration_minutes.to_string(),
        meeting_type: b.meeting_type,
        lead_email: b.lead_email,
        observer_email: b.observer_email,
        account: b.account,
        notes: b.notes,
        learnings: b.learnings,
    };
    let (meeting, completed_tasks) = buddy::add_meeting(&state, &user, id, &input).await?;
    Ok((
        StatusCode::CREATED,
        Json(RecordedMeeting {
            meeting,
            completed_tasks,
        }),
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct FeedbackBody {
    pub went_well: String,
    pub to_improve: String,
    #[serde(default)]
    pub notes: String,
    /// Skill id → confidence 1–5.
    #[serde(default)]
    pub ratings: BTreeMap<String, i64>,
}

/// Records (or replaces) the observer's feedback on a led meeting.
#[utoipa::path(put, path = "/api/v1/onboardings/{id}/meetings/{meeting_id}/feedback", tag = "meetings",
    params(("id" = i64, Path), ("meeting_id" = i64, Path)), request_body = FeedbackBody,
    responses((status = 200, body = Object), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn feedback(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, meeting_id)): Path<(i64, i64)>,
    ApiJson(b): ApiJson<FeedbackBody>,
) -> ApiResult<onramp_store::Feedback> {
    let input = FeedbackInput {
        went_well: b.went_well,
        to_improve: b.to_improve,
        notes: b.notes,
        ratings: b
            .ratings
            .into_iter()
            .map(|(k, v)| (k, v.to_string()))
            .collect(),
    };
    Ok(Json(
        buddy::give_feedback(&state, &user, id, meeting_id, &input).await?,
    ))
}

/// This module's endpoints, for `api::router` (documented in the OpenAPI
/// document from their `#[utoipa::path]`).
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(suggestions))
        .routes(routes!(assign))
        .routes(routes!(log, add))
        .routes(routes!(feedback))
}
