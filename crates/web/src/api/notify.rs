//! The caller's inbox.

use super::{ApiJson, ApiResult, ErrorBody};
use crate::AppState;
use crate::auth::CurrentUser;
use axum::Json;
use axum::extract::{Path, State};
use onramp_app::notify::chat::{self, MyChat};
use onramp_app::notify::{self, InboxItem, Preference};
use onramp_core::notify::Channel;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The caller's notifications, newest first (at most 200): every event of
/// docs/notifications.md that concerns them, each with its `link`.
#[utoipa::path(get, path = "/api/v1/notifications", tag = "people",
    responses((status = 200, body = Vec<InboxItem>), (status = 401, body = ErrorBody)))]
pub async fn notifications(
    State(state): State<AppState>,
    user: CurrentUser,
) -> ApiResult<Vec<InboxItem>> {
    Ok(Json(notify::inbox(&state, &user, 200).await?))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Marked {
    /// How many notifications became read.
    pub marked: u64,
}

/// Marks all the caller's notifications read.
#[utoipa::path(post, path = "/api/v1/notifications/read", tag = "people",
    responses((status = 200, body = Marked), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn read_all(State(state): State<AppState>, user: CurrentUser) -> ApiResult<Marked> {
    Ok(Json(Marked {
        marked: notify::mark_all_read(&state, &user).await?,
    }))
}

/// Marks one of the caller's notifications read (another person's is not
/// found).
#[utoipa::path(post, path = "/api/v1/notifications/{id}/read", tag = "people",
    params(("id" = i64, Path, description = "The notification")),
    responses((status = 200, body = Marked), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn read_one(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> ApiResult<Marked> {
    notify::mark_read(&state, &user, id).await?;
    Ok(Json(Marked { marked: 1 }))
}

/// The caller's email preference for every kind of notification.
#[utoipa::path(get, path = "/api/v1/me/notification-settings", tag = "people",
    responses((status = 200, body = Vec<Preference>), (status = 401, body = ErrorBody)))]
pub async fn settings(
    State(state): State<AppState>,
    user: CurrentUser,
) -> ApiResult<Vec<Preference>> {
    Ok(Json(notify::preferences(&state, &user).await?))
}

/// Changes the caller's email preferences: `{"email": {"KIND": "now"|"digest"|"off", …}}`
/// (kinds left out keep theirs); answers all of them.
#[utoipa::path(put, path = "/api/v1/me/notification-settings", tag = "people", request_body = SettingsChange,
    responses((status = 200, body = Vec<Preference>), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)))]
pub async fn change_settings(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(body): ApiJson<SettingsChange>,
) -> ApiResult<Vec<Preference>> {
    let changes: Vec<(Channel, String, String)> = body
        .email
        .into_iter()
        .map(|(k, m)| (Channel::Email, k, m))
        .chain(body.chat.into_iter().map(|(k, m)| (Channel::Chat, k, m)))
        .collect();
    Ok(Json(
        notify::set_preferences(&state, &user, &changes).await?,
    ))
}

#[derive(Debug, serde::Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SettingsChange {
    /// Kind of notification → `now` (an email at once), `digest` (the daily
    /// digest) or `off` (inbox only).
    #[serde(default)]
    pub email: std::collections::BTreeMap<String, String>,
    /// The same for the caller's own chat.
    #[serde(default)]
    pub chat: std::collections::BTreeMap<String, String>,
}

/// When the caller's daily digest is made.
#[derive(Debug, serde::Deserialize, serde::Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DigestHour {
    /// The local hour, 0 to 23 (8 unless chosen); on working days, and
    /// Mondays for the weekly summary.
    pub hour: i64,
}

/// The local hour of the caller's daily digest.
#[utoipa::path(get, path = "/api/v1/me/digest", tag = "people",
    responses((status = 200, body = DigestHour), (status = 401, body = ErrorBody)))]
pub async fn digest(State(state): State<AppState>, user: CurrentUser) -> ApiResult<DigestHour> {
    let hour = notify::digest_hour(&state, &user).await?;
    Ok(Json(DigestHour {
        hour: i64::from(hour),
    }))
}

/// Sets the local hour of the caller's daily digest (0 to 23).
#[utoipa::path(put, path = "/api/v1/me/digest", tag = "people", request_body = DigestHour,
    responses((status = 200, body = DigestHour), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)))]
pub async fn set_digest(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(body): ApiJson<DigestHour>,
) -> ApiResult<DigestHour> {
    let hour = notify::set_digest_hour(&state, &user, body.hour).await?;
    Ok(Json(DigestHour {
        hour: i64::from(hour),
    }))
}

/// The caller's connected chat; 404 when none is.
#[utoipa::path(get, path = "/api/v1/me/chat", tag = "people",
    responses((status = 200, body = MyChat), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn my_chat(State(state): State<AppState>, user: CurrentUser) -> ApiResult<MyChat> {
    Ok(Json(
        chat::mine(&state, &user)
            .await?
            .ok_or(onramp_app::Error::NotFound)?,
    ))
}

/// A chat to connect.
#[derive(Debug, serde::Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChatConnect {
    /// `slack`, `mattermost`, `teams` or `json` (signed; the answer holds
    /// the signing secret, shown this once).
    pub format: String,
    /// The incoming-webhook address (public `https://`).
    pub url: String,
}

/// Connects the caller's own chat, replacing the one connected before.
#[utoipa::path(put, path = "/api/v1/me/chat", tag = "people", request_body = ChatConnect,
    responses((status = 200, body = MyChat), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)))]
pub async fn connect_chat(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(body): ApiJson<ChatConnect>,
) -> ApiResult<MyChat> {
    Ok(Json(
        chat::connect(&state, &user, &body.format, &body.url).await?,
    ))
}

/// Disconnects the caller's chat.
#[utoipa::path(delete, path = "/api/v1/me/chat", tag = "people",
    responses((status = 204), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn disconnect_chat(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<axum::http::StatusCode, super::ApiError> {
    if chat::disconnect(&state, &user).await? {
        Ok(axum::http::StatusCode::NO_CONTENT)
    } else {
        Err(onramp_app::Error::NotFound.into())
    }
}

/// This module's endpoints, for `api::router`.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(notifications))
        .routes(routes!(read_all))
        .routes(routes!(read_one))
        .routes(routes!(settings, change_settings))
        .routes(routes!(digest, set_digest))
        .routes(routes!(my_chat, connect_chat, disconnect_chat))
}
