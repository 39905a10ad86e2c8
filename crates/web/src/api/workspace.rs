//! The caller's workspace: the tasks that wait for them.

use super::{ApiResult, ErrorBody};
use crate::AppState;
use crate::auth::CurrentUser;
use axum::Json;
use axum::extract::{Query, State};
use onramp_app::workspace::{self, MyTasks, Panels, TaskFilter};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TaskQuery {
    /// `overdue`, `week` (overdue and due in the next seven days) or `all`
    /// (the default).
    pub due: Option<String>,
    /// Only tasks of this owner role: new-hire, manager, buddy,
    /// people-connect or enablement.
    pub role: Option<String>,
    /// Only tasks of this onboarding (its id).
    pub onboarding: Option<String>,
}

/// The caller's unfinished tasks in every running onboarding they take part
/// in (as new hire, manager, buddy or backup buddy, People Connect or
/// Enablement), grouped as overdue, this week, later, and waiting on
/// someone else.
#[utoipa::path(get, path = "/api/v1/me/tasks", tag = "onboardings", params(TaskQuery),
    responses((status = 200, body = MyTasks), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)))]
pub async fn my_tasks(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<TaskQuery>,
) -> ApiResult<MyTasks> {
    let filter = TaskFilter::parse(q.due.as_deref(), q.role.as_deref(), q.onboarding.as_deref())?;
    Ok(Json(
        workspace::my_tasks(&state, &user, &user.account.time_zone, &filter).await?,
    ))
}

/// The caller's panels: their team (as manager), the new hires they are
/// buddy for with the led meetings that wait for feedback, and (People
/// Connect) the onboardings starting in the next 30 days with what is
/// missing.
#[utoipa::path(get, path = "/api/v1/me/panels", tag = "onboardings",
    responses((status = 200, body = Panels), (status = 401, body = ErrorBody)))]
pub async fn my_panels(State(state): State<AppState>, user: CurrentUser) -> ApiResult<Panels> {
    let today = onramp_core::onboarding::today_in(&user.account.time_zone, chrono::Utc::now());
    Ok(Json(workspace::panels(&state, &user, today).await?))
}

/// This module's endpoints, for `api::router`.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(my_tasks))
        .routes(routes!(my_panels))
}
