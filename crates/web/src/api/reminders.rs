//! Reminders of webinars and office-hours sessions, an hour before they
//! start (anyone signed in, for themselves).

use super::{ApiJson, ApiResult, ErrorBody};
use crate::AppState;
use crate::auth::CurrentUser;
use axum::Json;
use axum::extract::{Path, State};
use chrono::{DateTime, Utc};
use onramp_app::reminders::{self, MyReminder};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Remind {
    /// On (true) or off (false).
    pub remind: bool,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RemindSession {
    /// The session's start (RFC 3339), one of the series' sessions to come.
    pub session: DateTime<Utc>,
    pub remind: bool,
}

/// Asks for (or drops) a reminder of a webinar to come, an hour before it starts.
#[utoipa::path(put, path = "/api/v1/webinars/{id}/reminder", tag = "learning", params(("id" = i64, Path)), request_body = Remind,
    responses((status = 200, body = Remind), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn webinar_reminder(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<Remind>,
) -> ApiResult<Remind> {
    let remind = reminders::webinar(&state, &user, id, body.remind).await?;
    Ok(Json(Remind { remind }))
}

/// Asks for (or drops) a reminder of one office-hours session to come, an
/// hour before it starts.
#[utoipa::path(put, path = "/api/v1/office-hours/{id}/reminder", tag = "office-hours", params(("id" = i64, Path)), request_body = RemindSession,
    responses((status = 200, body = Remind), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn session_reminder(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<RemindSession>,
) -> ApiResult<Remind> {
    let remind = reminders::session(&state, &user, id, body.session, body.remind).await?;
    Ok(Json(Remind { remind }))
}

/// The caller's reminders of webinars and sessions to come, soonest first.
#[utoipa::path(get, path = "/api/v1/me/reminders", tag = "learning",
    responses((status = 200, body = Vec<MyReminder>), (status = 401, body = ErrorBody)))]
pub async fn my_reminders(
    State(state): State<AppState>,
    user: CurrentUser,
) -> ApiResult<Vec<MyReminder>> {
    Ok(Json(reminders::mine(&state, &user).await?))
}

/// This module's endpoints, for `api::router`.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(webinar_reminder))
        .routes(routes!(session_reminder))
        .routes(routes!(my_reminders))
}
