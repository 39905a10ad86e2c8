//! Ramp analytics: time to each milestone by cohort, and who is at risk.

use super::{ApiResult, ErrorBody};
use crate::AppState;
use crate::auth::CurrentUser;
use axum::Json;
use axum::extract::{Path, Query, State};
use onramp_app::Caller;
use onramp_app::analytics::{
    self, CohortBy, Comparison, OnboardingRamp, ProgramReport, RampReport,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

#[derive(Deserialize, IntoParams)]
pub struct RampQuery {
    /// What cohorts are made of: month, quarter (the default), segment,
    /// region, program or manager.
    by: Option<String>,
}

/// Business days from the first day to each milestone (median and
/// quartiles) by cohort, with each onboarding's milestones. People Connect,
/// the Enablement team and admins see every onboarding; a manager their
/// reports; others are refused.
#[utoipa::path(get, path = "/api/v1/analytics/ramp", tag = "analytics", params(RampQuery),
    responses((status = 200, body = RampReport), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn ramp(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<RampQuery>,
) -> ApiResult<RampReport> {
    let by = CohortBy::parse("by", q.by.as_deref().unwrap_or("quarter"))?;
    Ok(Json(
        analytics::ramp(&state, Caller::Person(&user), by).await?,
    ))
}

/// Active onboardings with their risk level (`on-track`, `watch`, `at-risk`)
/// and signals, each with its reason and the anchor of its evidence on the
/// onboarding's page; the most at risk first.
#[utoipa::path(get, path = "/api/v1/analytics/risk", tag = "analytics",
    responses((status = 200, body = Vec<OnboardingRamp>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn risk(
    State(state): State<AppState>,
    user: CurrentUser,
) -> ApiResult<Vec<OnboardingRamp>> {
    Ok(Json(analytics::risk(&state, Caller::Person(&user)).await?))
}

#[derive(Deserialize, IntoParams)]
pub struct CompareQuery {
    /// What cohorts are made of, as for the ramp report.
    by: Option<String>,
    /// The first cohort's name, e.g. `CSM onboarding v1` by program.
    a: Option<String>,
    /// The second cohort's name.
    b: Option<String>,
}

/// Two cohorts side by side: each milestone's spread in both and the
/// difference of their medians (below zero: `b` got there faster).
#[utoipa::path(get, path = "/api/v1/analytics/compare", tag = "analytics", params(CompareQuery),
    responses((status = 200, body = Comparison), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn compare(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<CompareQuery>,
) -> ApiResult<Comparison> {
    let by = CohortBy::parse("by", q.by.as_deref().unwrap_or("quarter"))?;
    let report = analytics::ramp(&state, Caller::Person(&user), by).await?;
    Ok(Json(analytics::compare(
        &report,
        q.a.as_deref().unwrap_or_default(),
        q.b.as_deref().unwrap_or_default(),
    )?))
}

#[derive(Deserialize, IntoParams)]
pub struct TasksQuery {
    /// The program's id (as in its program.md).
    program: Option<String>,
    /// The version (default: the newest).
    version: Option<String>,
    /// program (the default), late, days-late, skipped, reopened, done,
    /// time-to-done or comments: the worst first.
    sort: Option<String>,
}

/// How each task of a program version fares over its onboardings (done,
/// skipped, late and days late, reopened, days from open to done,
/// comments), how its pathway modules and reading items fare against their
/// week, and office hours (for the Enablement team, People Connect and
/// admins). A manager sees the figures of their reports.
#[utoipa::path(get, path = "/api/v1/analytics/tasks", tag = "analytics", params(TasksQuery),
    responses((status = 200, body = ProgramReport), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn tasks(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<TasksQuery>,
) -> ApiResult<ProgramReport> {
    let program = q.program.unwrap_or_default();
    if program.trim().is_empty() {
        return Err(onramp_app::Error::bad("program", "give the program's id").into());
    }
    let version = analytics::parse_version("version", q.version.as_deref())?;
    let sort = analytics::parse_sort("sort", q.sort.as_deref().unwrap_or_default())?;
    Ok(Json(
        analytics::program(&state, Caller::Person(&user), &program, version, sort).await?,
    ))
}

/// Why a signal is acknowledged.
#[derive(Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Acknowledgement {
    /// What is being done about it (at most 500 characters).
    pub note: String,
}

/// Acknowledges one signal of an onboarding with a note: for two weeks it
/// is listed as acknowledged and does not count towards the level. For
/// those who see the onboarding in the analytics (404 for others).
#[utoipa::path(post, path = "/api/v1/onboardings/{id}/signals/{kind}/acknowledgement", tag = "analytics",
    params(("id" = i64, Path), ("kind" = String, Path, description = "overdue-compliance, no-buddy, shadowing-pace, no-led-meeting, falling-confidence, quiet, access-pending or modules-late")),
    request_body = Acknowledgement,
    responses((status = 200, body = Acknowledgement), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn acknowledge(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, kind)): Path<(i64, String)>,
    super::ApiJson(body): super::ApiJson<Acknowledgement>,
) -> ApiResult<Acknowledgement> {
    analytics::acknowledge(&state, Caller::Person(&user), id, &kind, &body.note).await?;
    Ok(Json(Acknowledgement {
        note: body.note.trim().to_string(),
    }))
}

/// This module's endpoints, for `api::router`.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(ramp))
        .routes(routes!(risk))
        .routes(routes!(tasks))
        .routes(routes!(compare))
        .routes(routes!(acknowledge))
}
