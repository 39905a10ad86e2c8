//! The caller's API tokens and sessions, and the audit log.

use super::{ApiJson, ApiResult, ErrorBody};
use crate::AppState;
use crate::auth::CurrentUser;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

#[derive(Debug, Serialize, ToSchema)]
pub struct TokenItem {
    pub id: i64,
    pub name: String,
    pub scope: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub last_used_at: Option<chrono::DateTime<chrono::Utc>>,
    pub revoked: bool,
}

/// The caller's tokens (never their secrets).
#[utoipa::path(get, path = "/api/v1/tokens", tag = "people", responses((status = 200, body = Vec<TokenItem>), (status = 401, body = ErrorBody)))]
pub async fn tokens(State(state): State<AppState>, user: CurrentUser) -> ApiResult<Vec<TokenItem>> {
    let tokens = onramp_app::account::tokens(&state, user.account.id).await?;
    Ok(Json(
        tokens
            .into_iter()
            .map(|t| TokenItem {
                id: t.id,
                name: t.name,
                scope: t.scope,
                created_at: t.created_at,
                last_used_at: t.last_used_at,
                revoked: t.revoked_at.is_some(),
            })
            .collect(),
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewToken {
    pub name: String,
    /// read or write.
    pub scope: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedToken {
    pub id: i64,
    /// Shown once: store it now.
    pub token: String,
}

/// Creates a token for the caller.
#[utoipa::path(post, path = "/api/v1/tokens", tag = "people", request_body = NewToken,
    responses((status = 201, body = CreatedToken), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)))]
pub async fn create_token(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(body): ApiJson<NewToken>,
) -> Result<(StatusCode, Json<CreatedToken>), super::ApiError> {
    let (secret, token) =
        onramp_app::account::create_token(&state, user.account.id, &body.name, &body.scope).await?;
    Ok((
        StatusCode::CREATED,
        Json(CreatedToken {
            id: token.id,
            token: secret,
        }),
    ))
}

/// Revokes one of the caller's tokens.
#[utoipa::path(delete, path = "/api/v1/tokens/{id}", tag = "people", params(("id" = i64, Path)),
    responses((status = 204), (status = 404, body = ErrorBody)))]
pub async fn revoke_token(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<StatusCode, super::ApiError> {
    onramp_app::account::revoke_token(&state, user.account.id, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// One of the caller's sessions.
#[derive(Debug, Serialize, ToSchema)]
pub struct SessionItem {
    /// Names the session (it is not its secret).
    pub handle: String,
    /// The browser and system it was started from.
    pub device: String,
    pub address: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
    /// To a few minutes.
    pub last_seen_at: chrono::DateTime<chrono::Utc>,
    /// The session this request came with.
    pub current: bool,
}

/// The caller's live sessions (browsers signed in as them), the most
/// recently seen first.
#[utoipa::path(get, path = "/api/v1/me/sessions", tag = "people",
    responses((status = 200, body = Vec<SessionItem>), (status = 401, body = ErrorBody)))]
pub async fn sessions(
    State(state): State<AppState>,
    user: CurrentUser,
) -> ApiResult<Vec<SessionItem>> {
    let current = match &user.via {
        crate::auth::Via::Session { token, .. } => Some(token.as_str()),
        crate::auth::Via::Token { .. } => None,
    };
    let list = onramp_app::account::sessions(&state, user.account.id, current).await?;
    Ok(Json(
        list.into_iter()
            .map(|s| SessionItem {
                handle: s.handle,
                device: s.device,
                address: s.address,
                created_at: s.created_at,
                last_seen_at: s.last_seen_at,
                current: s.current,
            })
            .collect(),
    ))
}

/// Ends one of the caller's sessions: that browser is signed out at its
/// next request, on every server.
#[utoipa::path(delete, path = "/api/v1/me/sessions/{handle}", tag = "people", params(("handle" = String, Path)),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn end_session(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(handle): Path<String>,
) -> Result<StatusCode, super::ApiError> {
    onramp_app::account::end_session(&state, &user.account, &handle).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AuditItem {
    pub id: i64,
    pub at: chrono::DateTime<chrono::Utc>,
    pub actor_id: Option<i64>,
    pub action: String,
    pub entity: String,
    pub entity_id: Option<i64>,
    pub onboarding_id: Option<i64>,
    pub old_value: Option<serde_json::Value>,
    pub new_value: Option<serde_json::Value>,
}

/// The audit log: every change for admins, what concerns the caller otherwise.
/// CSV is at `/audit?format=csv`.
#[utoipa::path(get, path = "/api/v1/audit", tag = "people", responses((status = 200, body = Vec<AuditItem>), (status = 401, body = ErrorBody)))]
pub async fn audit(State(state): State<AppState>, user: CurrentUser) -> ApiResult<Vec<AuditItem>> {
    let events = onramp_app::audit::events_for(&state, &user).await?;
    Ok(Json(
        events
            .into_iter()
            .map(|e| AuditItem {
                id: e.id,
                at: e.at,
                actor_id: e.actor_id,
                action: e.action,
                entity: e.entity,
                entity_id: e.entity_id,
                onboarding_id: e.onboarding_id,
                old_value: e.old_value.map(|v| v.0),
                new_value: e.new_value.map(|v| v.0),
            })
            .collect(),
    ))
}

/// This module's endpoints, for `api::router` (documented in the OpenAPI
/// document from their `#[utoipa::path]`).
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(tokens, create_token))
        .routes(routes!(revoke_token))
        .routes(routes!(sessions))
        .routes(routes!(end_session))
        .routes(routes!(audit))
}
