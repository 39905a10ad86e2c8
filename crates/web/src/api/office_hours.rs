//! Office hours and the question board.

use super::{ApiError, ApiJson, ApiResult, ErrorBody};
use crate::AppState;
use crate::auth::CurrentUser;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use onramp_app::office_hours::{self as oh, QuestionView, SeriesView};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Every office-hours series: sessions in the caller's time zone, the next
/// session's agenda and answered questions (anonymous authors hidden).
#[utoipa::path(get, path = "/api/v1/office-hours", tag = "office-hours",
    responses((status = 200, body = Vec<SeriesView>), (status = 401, body = ErrorBody)))]
pub async fn list(State(state): State<AppState>, user: CurrentUser) -> ApiResult<Vec<SeriesView>> {
    Ok(Json(oh::my_board(&state, &user).await?.0))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct NewQuestion {
    pub body: String,
    #[serde(default)]
    pub anonymous: bool,
    /// Unix time of one of the upcoming sessions; the next one when absent.
    pub session: Option<i64>,
}

/// Adds a question to a session of the series.
#[utoipa::path(post, path = "/api/v1/office-hours/{id}/questions", tag = "office-hours", params(("id" = i64, Path)), request_body = NewQuestion,
    responses((status = 201, body = QuestionView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn ask(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<NewQuestion>,
) -> Result<(StatusCode, Json<QuestionView>), ApiError> {
    let q = oh::ask(&state, &user, id, &b.body, b.anonymous, b.session).await?;
    Ok((
        StatusCode::CREATED,
        Json(oh::question_view(
            &q,
            &user,
            &user.account.time_zone,
            &[],
            None,
        )),
    ))
}

/// One question, as the caller may see it.
#[utoipa::path(get, path = "/api/v1/office-hours/questions/{id}", tag = "office-hours", params(("id" = i64, Path)),
    responses((status = 200, body = QuestionView), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get_question(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> ApiResult<QuestionView> {
    Ok(Json(oh::question_for(&state, &user, id).await?.0))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct Vote {
    /// `false` takes the vote back.
    #[serde(default = "yes")]
    pub up: bool,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Votes {
    pub votes: i64,
}

/// One vote per person per question; not for one's own question (403).
#[utoipa::path(post, path = "/api/v1/office-hours/questions/{id}/vote", tag = "office-hours", params(("id" = i64, Path)), request_body = Vote,
    responses((status = 200, body = Votes), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn vote(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<Vote>,
) -> ApiResult<Votes> {
    let votes = oh::vote(&state, &user, id, b.up).await?;
    Ok(Json(Votes { votes }))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct Answer {
    #[serde(default)]
    pub answer: String,
    /// Handbook paths or links.
    #[serde(default)]
    pub links: Vec<String>,
    /// Close as a duplicate of this earlier question instead.
    pub duplicate_of: Option<i64>,
}

/// Answers a question (host and Enablement team); the answer becomes searchable.
#[utoipa::path(post, path = "/api/v1/office-hours/questions/{id}/answer", tag = "office-hours", params(("id" = i64, Path)), request_body = Answer,
    responses((status = 200, body = QuestionView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn answer(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<Answer>,
) -> ApiResult<QuestionView> {
    oh::answer(
        &state,
        &user,
        id,
        &b.answer,
        &b.links.join("\n"),
        b.duplicate_of,
    )
    .await?;
    let (q, _) = oh::question(&state, id).await?;
    Ok(Json(oh::question_view(
        &q,
        &user,
        &user.account.time_zone,
        &[],
        None,
    )))
}

/// This module's endpoints, for `api::router` (documented in the OpenAPI
/// document from their `#[utoipa::path]`).
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list))
        .routes(routes!(ask))
        .routes(routes!(get_question))
        .routes(routes!(vote))
        .routes(routes!(answer))
}
