//! Programs and their versions.

use super::{ApiResult, ErrorBody};
use crate::AppState;
use axum::Json;
use axum::extract::{Path, Query, State};
use onramp_app::program::{self, ProgramDetail, ProgramItem};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

#[derive(Debug, Deserialize, IntoParams)]
pub struct VersionQuery {
    /// A version number; the newest when left out.
    pub version: Option<String>,
}

/// Every program with its newest version.
#[utoipa::path(get, path = "/api/v1/programs", tag = "programs",
    responses((status = 200, description = "Programs by title", body = Vec<ProgramItem>)))]
pub async fn list_programs(
    State(state): State<AppState>,
    _user: crate::auth::CurrentUser,
) -> ApiResult<Vec<ProgramItem>> {
    let rows = program::list(&state).await?;
    Ok(Json(
        rows.into_iter()
            .map(|r| ProgramItem {
                id: r.slug,
                title: r.title,
                owner: r.owner,
                latest_version: r.latest_version,
                versions: r.versions,
                updated_at: r.updated_at,
            })
            .collect(),
    ))
}

/// One program: a version (the newest by default) with its phases and tasks, and the list of versions.
#[utoipa::path(get, path = "/api/v1/programs/{id}", tag = "programs",
    params(("id" = String, Path, description = "The program's id"), VersionQuery),
    responses(
        (status = 200, description = "The program version", body = ProgramDetail),
        (status = 400, description = "The version is not a number", body = ErrorBody),
        (status = 404, description = "No such program or version", body = ErrorBody),
    ))]
pub async fn get_program(
    State(state): State<AppState>,
    _user: crate::auth::CurrentUser,
    Path(id): Path<String>,
    Query(query): Query<VersionQuery>,
) -> ApiResult<ProgramDetail> {
    Ok(Json(
        program::detail(&state, &id, query.version.as_deref()).await?,
    ))
}

/// This module's endpoints, for `api::router` (documented in the OpenAPI
/// document from their `#[utoipa::path]`).
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_programs))
        .routes(routes!(get_program))
}
