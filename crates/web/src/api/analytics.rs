//! Ramp analytics: time to each milestone by cohort, and who is at risk.

use super::{ApiResult, ErrorBody};
use crate::AppState;
use crate::auth::CurrentUser;
use axum::Json;
use axum::extract::{Query, State};
use onramp_app::Caller;
use onramp_app::analytics::{self, CohortBy, OnboardingRamp, RampReport};
use serde::Deserialize;
use utoipa::IntoParams;
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

/// This module's endpoints, for `api::router`.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(ramp))
        .routes(routes!(risk))
}
