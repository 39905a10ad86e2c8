//! Service Ping: uploads, analyses, the key explorer, instance history, practice.

use super::{ApiError, ApiResult, ErrorBody};
use crate::AppState;
use crate::auth::CurrentUser;
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use onramp_app::ping::{self as sp, Checked, KeyRow, PracticeAnswers};
use onramp_store::PingUpload;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Every uploaded payload, newest first.
#[utoipa::path(get, path = "/api/v1/ping/payloads", tag = "service-ping",
    responses((status = 200, body = Vec<Object>), (status = 401, body = ErrorBody)))]
pub async fn list(State(state): State<AppState>, _user: CurrentUser) -> ApiResult<Vec<PingUpload>> {
    Ok(Json(sp::uploads(&state).await?))
}

#[derive(Serialize, ToSchema)]
pub struct Uploaded {
    #[schema(value_type = Object)]
    pub upload: PingUpload,
    /// `instance`, `scorecard` (one entry per measure_id), `failed_metrics`, `stages`, …
    #[schema(value_type = Object)]
    pub analysis: onramp_ping::Analysis,
}

/// Uploads a payload (the request body is the JSON file, up to the upload
/// limit, 10 MB by default). At most a few are analysed at once; when all
/// are busy for 10 s the answer is 503 with `Retry-After`.
#[utoipa::path(post, path = "/api/v1/ping/payloads", tag = "service-ping", request_body(content = String, content_type = "application/json"),
    responses((status = 201, body = Uploaded), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 409, body = ErrorBody), (status = 413, body = ErrorBody), (status = 503, description = "All analyses busy; retry after the seconds in Retry-After", body = ErrorBody)))]
pub async fn upload(
    State(state): State<AppState>,
    user: CurrentUser,
    body: Bytes,
) -> Result<(StatusCode, Json<Uploaded>), ApiError> {
    let (upload, payload) = sp::upload(&state, user.actor.person_id, "payload.json", body).await?;
    let analysis = sp::analyze_upload(&upload, &payload);
    drop(payload);
    Ok((StatusCode::CREATED, Json(Uploaded { upload, analysis })))
}

/// The analysis of an uploaded payload.
#[utoipa::path(get, path = "/api/v1/ping/payloads/{id}", tag = "service-ping", params(("id" = i64, Path)),
    responses((status = 200, body = Object), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get_one(
    State(state): State<AppState>,
    _user: CurrentUser,
    Path(id): Path<i64>,
) -> ApiResult<onramp_ping::Analysis> {
    Ok(Json(sp::analysis(&state, id).await?.2))
}

#[derive(Deserialize, IntoParams)]
pub struct KeyQuery {
    /// Part of a key path or description.
    pub q: Option<String>,
    /// Page number (100 keys a page).
    pub page: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct KeyPage {
    pub total: usize,
    pub keys: Vec<KeyRow>,
}

/// Every key of a payload with its dictionary description.
#[utoipa::path(get, path = "/api/v1/ping/payloads/{id}/keys", tag = "service-ping", params(("id" = i64, Path), KeyQuery),
    responses((status = 200, body = KeyPage), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn keys(
    State(state): State<AppState>,
    _user: CurrentUser,
    Path(id): Path<i64>,
    Query(q): Query<KeyQuery>,
) -> ApiResult<KeyPage> {
    let page = crate::paging::page_number(q.page.as_deref())? as usize;
    let (_, p, _) = sp::analysis(&state, id).await?;
    let (keys, total) = sp::explore(&p, q.q.as_deref().unwrap_or(""), page);
    Ok(Json(KeyPage { total, keys }))
}

#[derive(Serialize, ToSchema)]
pub struct History {
    /// What people call the instance.
    pub label: String,
    #[schema(value_type = Vec<Object>)]
    pub analyses: Vec<onramp_ping::Analysis>,
    #[schema(value_type = Vec<Object>)]
    pub comparisons: Vec<onramp_ping::compare::Comparison>,
    /// Each measure's health in words, one entry per payload, oldest first.
    pub trend: Vec<sp::TrendRow>,
}

/// One instance's payloads over time and the changes between them.
#[utoipa::path(get, path = "/api/v1/ping/instances/{key}", tag = "service-ping", params(("key" = String, Path)),
    responses((status = 200, body = History), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn instance(
    State(state): State<AppState>,
    _user: CurrentUser,
    Path(key): Path<String>,
) -> ApiResult<History> {
    let h = sp::history(&state, &key).await?;
    Ok(Json(History {
        label: h
            .uploads
            .last()
            .map(|(u, _)| u.label.clone())
            .unwrap_or_default(),
        analyses: h.uploads.into_iter().map(|(_, a)| a).collect(),
        comparisons: h.comparisons,
        trend: h.trend,
    }))
}

/// An instance's name.
#[derive(Deserialize, Serialize, ToSchema)]
pub struct InstanceLabel {
    /// What people call the instance, e.g. "Globex production" (at most 100 characters).
    pub label: String,
}

/// Names an instance (every payload of it; later uploads keep the name).
#[utoipa::path(put, path = "/api/v1/ping/instances/{key}/label", tag = "service-ping", params(("key" = String, Path)), request_body = InstanceLabel,
    responses((status = 200, body = InstanceLabel), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn rename(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(key): Path<String>,
    super::ApiJson(body): super::ApiJson<InstanceLabel>,
) -> ApiResult<InstanceLabel> {
    sp::rename_instance(&state, user.actor.person_id, &key, &body.label).await?;
    Ok(Json(InstanceLabel {
        label: body.label.trim().to_string(),
    }))
}

/// Checks practice answers on a sample payload.
#[utoipa::path(post, path = "/api/v1/ping/practice/{sample}", tag = "service-ping", params(("sample" = String, Path)), request_body = PracticeAnswers,
    responses((status = 200, body = Vec<Checked>), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn practice(
    State(_state): State<AppState>,
    _user: CurrentUser,
    Path(sample): Path<String>,
    super::ApiJson(answers): super::ApiJson<PracticeAnswers>,
) -> ApiResult<Vec<Checked>> {
    let a = sp::sample(&sample)?;
    Ok(Json(sp::check(&a, &answers)))
}

/// This module's endpoints, for `api::router` (documented in the OpenAPI
/// document from their `#[utoipa::path]`).
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, upload))
        .routes(routes!(get_one))
        .routes(routes!(keys))
        .routes(routes!(instance))
        .routes(routes!(rename))
        .routes(routes!(practice))
}
