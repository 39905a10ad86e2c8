//! `/api/v1/search`: the handbook (and answered office-hours questions).

use super::{ApiResult, ErrorBody};
use crate::AppState;
use crate::auth::CurrentUser;
use axum::Json;
use axum::extract::{Query, State};
use onramp_app::handbook::{self, SearchRequest, SearchResult};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

#[derive(Debug, Deserialize, IntoParams)]
pub struct SearchParams {
    /// Words, "quoted phrases" and `section:NAME` filters; at most 500 characters.
    pub q: Option<String>,
    /// Results to return, 1–100 (default 10).
    pub limit: Option<String>,
    /// Results to skip (default 0).
    pub offset: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SearchResults {
    pub query: String,
    pub offset: usize,
    pub results: Vec<SearchResult>,
}

/// Ranked results for a query.
#[utoipa::path(get, path = "/api/v1/search", tag = "search", params(SearchParams),
    responses((status = 200, body = SearchResults), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)))]
pub async fn search(
    State(state): State<AppState>,
    _user: CurrentUser,
    Query(p): Query<SearchParams>,
) -> ApiResult<SearchResults> {
    let request = SearchRequest::parse(
        p.q.as_deref(),
        p.limit.as_deref(),
        None,
        p.offset.as_deref(),
    )?;
    let hits = handbook::search(&state, &request)?;
    Ok(Json(SearchResults {
        query: request.q,
        offset: request.offset,
        results: hits.into_iter().map(SearchResult::from).collect(),
    }))
}

/// This module's endpoints, for `api::router` (documented in the OpenAPI
/// document from their `#[utoipa::path]`).
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(search))
}
