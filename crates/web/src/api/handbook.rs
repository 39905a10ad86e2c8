//! `/api/v1/search`: the handbook (and answered office-hours questions).

use super::{ApiResult, ErrorBody};
use crate::AppState;
use crate::auth::CurrentUser;
use crate::handbook::{self, SearchRequest};
use axum::Json;
use axum::extract::{Query, State};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

#[derive(Debug, Deserialize, IntoParams)]
pub struct SearchParams {
    /// Words, "quoted phrases" and `section:NAME` filters; at most 500 characters.
    pub q: Option<String>,
    /// Results to return, 1–100 (default 10).
    pub limit: Option<String>,
    /// Results to skip (default 0).
    pub offset: Option<String>,
}

/// One result.
#[derive(Debug, Serialize, ToSchema)]
pub struct SearchResult {
    /// Path of the source file relative to the imported root.
    pub path: String,
    pub title: String,
    /// The page's site path, e.g. `/handbook/customer-success/csm/`.
    pub url: String,
    /// Where Onramp shows it.
    pub view_url: String,
    pub section: String,
    /// Plain-text snippet.
    pub snippet: String,
    /// The snippet with matched words in `<b>`; everything else escaped.
    pub snippet_html: String,
    /// `page` or `answer` (an answered office-hours question).
    pub kind: String,
    /// For answers, the session date.
    pub date: Option<String>,
    pub score: f32,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SearchResults {
    pub query: String,
    pub offset: usize,
    pub results: Vec<SearchResult>,
}

impl From<onramp_handbook::Hit> for SearchResult {
    fn from(h: onramp_handbook::Hit) -> Self {
        let kind = match h.kind {
            onramp_handbook::DocKind::Page => "page",
            onramp_handbook::DocKind::Answer => "answer",
        };
        let view_url = match h.kind {
            onramp_handbook::DocKind::Page => format!("{}{}", handbook::PAGE_ROUTE, h.url),
            onramp_handbook::DocKind::Answer => h.url.clone(),
        };
        SearchResult {
            path: h.path,
            title: h.title,
            url: h.url,
            view_url,
            section: h.section,
            snippet: h.snippet,
            snippet_html: h.snippet_html,
            kind: kind.to_string(),
            date: h.date,
            score: h.score,
        }
    }
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
