//! Learning and resources: pathway modules, certifications, channels,
//! reading receipts, access requests, webinars and content freshness.

use super::{ApiError, ApiJson, ApiResult, ErrorBody};
use crate::AppState;
use crate::auth::CurrentUser;
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use onramp_app::learning::{self, CertificationInput, LearningView, ModuleInput, ReviewInput};
use onramp_app::onboarding;
use onramp_app::webinar::{self, WebinarInput, WebinarList};
use onramp_core::access::OnboardingAction;
use onramp_core::learning::{CertificationStatus, PathwayProgress};
use onramp_store::{AccessRequest, Webinar};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The new hire's pathway progress, certifications, channel kit, reading
/// list and product knowledge with receipts, and access requests.
#[utoipa::path(get, path = "/api/v1/onboardings/{id}/learning", tag = "learning", params(("id" = i64, Path)),
    responses((status = 200, body = LearningView), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get_learning(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> ApiResult<LearningView> {
    let loaded = onboarding::load(&state, &user, id, OnboardingAction::Read).await?;
    Ok(Json(learning::view(&state, &user, &loaded).await?))
}

/// Records a completed module of the new hire's pathway (the new hire only).
#[utoipa::path(post, path = "/api/v1/onboardings/{id}/learning/modules", tag = "learning", params(("id" = i64, Path)), request_body = ModuleInput,
    responses((status = 201, body = Object), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn complete_module(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<ModuleInput>,
) -> Result<(StatusCode, Json<PathwayProgress>), ApiError> {
    let p = learning::complete_module(&state, &user, id, &body).await?;
    Ok((StatusCode::CREATED, Json(p)))
}

/// Takes back a module completion.
#[utoipa::path(delete, path = "/api/v1/onboardings/{id}/learning/modules/{module}", tag = "learning", params(("id" = i64, Path), ("module" = String, Path)),
    responses((status = 200, body = Object), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn undo_module(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, module)): Path<(i64, String)>,
) -> ApiResult<PathwayProgress> {
    Ok(Json(
        learning::undo_module(&state, &user, id, &module).await?,
    ))
}

/// Plans a certification, counts an attempt, records a pass with its
/// evidence and expiry (the new hire only).
#[utoipa::path(put, path = "/api/v1/onboardings/{id}/learning/certifications/{certification}", tag = "learning",
    params(("id" = i64, Path), ("certification" = String, Path)), request_body = CertificationInput,
    responses((status = 200, body = Vec<Object>), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn save_certification(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, certification)): Path<(i64, String)>,
    ApiJson(body): ApiJson<CertificationInput>,
) -> ApiResult<Vec<CertificationStatus>> {
    Ok(Json(
        learning::save_certification(&state, &user, id, &certification, &body).await?,
    ))
}

/// Approves or returns the evidence of a passed certification (the new
/// hire's manager); the new hire is told. Returning needs a `note`.
#[utoipa::path(post, path = "/api/v1/onboardings/{id}/learning/certifications/{certification}/review", tag = "learning",
    params(("id" = i64, Path), ("certification" = String, Path)), request_body = ReviewInput,
    responses((status = 200, body = Vec<Object>), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn review_certification(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, certification)): Path<(i64, String)>,
    ApiJson(body): ApiJson<ReviewInput>,
) -> ApiResult<Vec<CertificationStatus>> {
    Ok(Json(
        learning::review_certification(&state, &user, id, &certification, &body).await?,
    ))
}

#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Channels {
    /// Channel ids of the catalogue.
    pub channels: Vec<String>,
}

/// Sets the channels the new hire has joined.
#[utoipa::path(put, path = "/api/v1/onboardings/{id}/learning/channels", tag = "learning", params(("id" = i64, Path)), request_body = Channels,
    responses((status = 200, body = Channels), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn set_channels(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<Channels>,
) -> ApiResult<Channels> {
    let channels = learning::set_channels(&state, &user, id, &body.channels).await?;
    Ok(Json(Channels { channels }))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReadBody {
    pub read: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReadResult {
    /// Tasks completed because their reading target is now met.
    pub completed_tasks: Vec<String>,
}

/// Marks a reading list or product knowledge entry read or unread.
#[utoipa::path(put, path = "/api/v1/onboardings/{id}/learning/reading/{item}", tag = "learning", params(("id" = i64, Path), ("item" = String, Path)), request_body = ReadBody,
    responses((status = 200, body = ReadResult), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn set_read(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, item)): Path<(i64, String)>,
    ApiJson(body): ApiJson<ReadBody>,
) -> ApiResult<ReadResult> {
    let completed_tasks = learning::set_read(&state, &user, id, &item, body.read).await?;
    Ok(Json(ReadResult { completed_tasks }))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewAccessRequest {
    /// A playground id of the catalogue, e.g. `shared-omnibus`.
    pub playground: String,
    #[serde(default)]
    pub note: String,
}

/// Requests access to a demo or playground system (the new hire or manager).
#[utoipa::path(post, path = "/api/v1/onboardings/{id}/access-requests", tag = "learning", params(("id" = i64, Path)), request_body = NewAccessRequest,
    responses((status = 201, body = Object), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn request_access(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<NewAccessRequest>,
) -> Result<(StatusCode, Json<AccessRequest>), ApiError> {
    let r = learning::request_access(&state, &user, id, &body.playground, &body.note).await?;
    Ok((StatusCode::CREATED, Json(r)))
}

/// Open access requests the caller can act on: requested ones of the
/// onboardings they manage, approved ones for the Enablement team.
#[utoipa::path(get, path = "/api/v1/access-requests", tag = "learning",
    responses((status = 200, body = Vec<Object>), (status = 401, body = ErrorBody)))]
pub async fn open_requests(
    State(state): State<AppState>,
    user: CurrentUser,
) -> ApiResult<Vec<AccessRequest>> {
    Ok(Json(learning::actionable(&state, &user).await?))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AccessChange {
    /// `approved` or `denied` (the manager), `provisioned` (the Enablement team).
    pub status: String,
    #[serde(default)]
    pub note: String,
}

/// Approves, denies or provisions an access request; provisioning completes
/// the program task of that system.
#[utoipa::path(patch, path = "/api/v1/access-requests/{id}", tag = "learning", params(("id" = i64, Path)), request_body = AccessChange,
    responses((status = 200, body = Object), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn move_request(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<AccessChange>,
) -> ApiResult<AccessRequest> {
    Ok(Json(
        learning::move_access(&state, &user, id, &body.status, &body.note).await?,
    ))
}

/// Upcoming and past webinars, with how the caller took part.
#[utoipa::path(get, path = "/api/v1/webinars", tag = "learning",
    responses((status = 200, body = WebinarList), (status = 401, body = ErrorBody)))]
pub async fn list_webinars(
    State(state): State<AppState>,
    user: CurrentUser,
) -> ApiResult<WebinarList> {
    Ok(Json(webinar::list(&state, &user).await?))
}

/// Adds a webinar (the Enablement team).
#[utoipa::path(post, path = "/api/v1/webinars", tag = "learning", request_body = WebinarInput,
    responses((status = 201, body = Object), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn add_webinar(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(body): ApiJson<WebinarInput>,
) -> Result<(StatusCode, Json<Webinar>), ApiError> {
    let w = webinar::add(&state, onramp_app::Caller::Person(&user), &body).await?;
    Ok((StatusCode::CREATED, Json(w)))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Recording {
    /// The recording's link; empty or absent removes it.
    #[serde(default)]
    pub recording_url: Option<String>,
}

/// Sets the recording link of a past webinar (the Enablement team).
#[utoipa::path(put, path = "/api/v1/webinars/{id}/recording", tag = "learning", params(("id" = i64, Path)), request_body = Recording,
    responses((status = 200, body = Object), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn set_recording(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<Recording>,
) -> ApiResult<Webinar> {
    Ok(Json(
        webinar::set_recording(&state, &user, id, body.recording_url.as_deref()).await?,
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Attendance {
    /// `attended`, `watched` or `none`.
    pub how: String,
}

/// "I attended" / "I watched the recording" (or `none` to take it back).
#[utoipa::path(put, path = "/api/v1/webinars/{id}/attendance", tag = "learning", params(("id" = i64, Path)), request_body = Attendance,
    responses((status = 204), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn attend(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<Attendance>,
) -> Result<StatusCode, ApiError> {
    webinar::attend(&state, &user, id, &body.how).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct FreshnessQuery {
    /// Entries reviewed longer ago than this many days are stale (default 182).
    pub max_age_days: Option<i64>,
}

/// Stale catalogue entries and programs, and internal links to missing
/// handbook pages (the Enablement team and administrators).
#[utoipa::path(get, path = "/api/v1/content/freshness", tag = "learning", params(FreshnessQuery),
    responses((status = 200, body = Object), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn freshness(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<FreshnessQuery>,
) -> ApiResult<onramp_handbook::freshness::Report> {
    Ok(Json(
        webinar::freshness(&state, &user, q.max_age_days).await?,
    ))
}

/// This module's endpoints, for `api::router` (documented in the OpenAPI
/// document from their `#[utoipa::path]`).
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_learning))
        .routes(routes!(complete_module))
        .routes(routes!(undo_module))
        .routes(routes!(save_certification))
        .routes(routes!(review_certification))
        .routes(routes!(set_channels))
        .routes(routes!(set_read))
        .routes(routes!(request_access))
        .routes(routes!(open_requests))
        .routes(routes!(move_request))
        .routes(routes!(list_webinars, add_webinar))
        .routes(routes!(set_recording))
        .routes(routes!(attend))
        .routes(routes!(freshness))
}
