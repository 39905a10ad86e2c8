//! The search page and handbook page views.

use super::Nav;
use crate::auth::CurrentUser;
use crate::{AppState, WebError};
use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use onramp_app::handbook::{self, Lookup, PageView, SearchRequest, SearchResult};
use serde::Deserialize;

#[derive(Deserialize)]
pub struct SearchForm {
    q: Option<String>,
    page: Option<String>,
    partial: Option<String>,
}

/// The results part of the search page, also served alone for instant search.
struct Results {
    q: String,
    hits: Vec<SearchResult>,
    error: Option<String>,
    indexed: bool,
    offset: usize,
    page: usize,
    more: bool,
}

#[derive(Template)]
#[template(source = "{% include \"_search_results.html\" %}", ext = "html")]
struct ResultsFragment {
    r: Results,
}

#[derive(Template)]
#[template(path = "search.html")]
struct SearchPage {
    nav: Option<Nav>,
    r: Results,
}

/// `GET /search?q=…`: a plain form with results; `partial=1` returns only the results.
pub async fn search(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(form): Query<SearchForm>,
) -> Result<Response, WebError> {
    let q = form.q.clone().unwrap_or_default();
    let indexed = !state.handbook.index.is_empty();
    let mut status = StatusCode::OK;
    let mut error = None;
    let mut hits = Vec::new();
    let mut more = false;
    let request = SearchRequest::parse(Some(&q), None, form.page.as_deref(), None)?;
    let offset = request.offset;
    let empty = handbook::is_empty_query(&q);
    if indexed && !empty {
        // One more than shown tells whether there is a next page.
        let probe = SearchRequest {
            limit: request.limit + 1,
            ..request
        };
        match handbook::search(&state, &probe) {
            Ok(mut found) => {
                more = found.len() > handbook::RESULTS_PER_PAGE;
                found.truncate(handbook::RESULTS_PER_PAGE);
                hits = found.into_iter().map(SearchResult::from).collect();
            }
            Err(onramp_app::Error::Invalid { field, message }) => {
                status = StatusCode::BAD_REQUEST;
                error = Some(format!("{field}: {message}"));
            }
            Err(other) => return Err(other.into()),
        }
    }
    let page = offset / handbook::RESULTS_PER_PAGE + 1;
    let q = if empty { String::new() } else { q };
    let r = Results {
        q,
        hits,
        error,
        indexed,
        offset,
        page,
        more,
    };
    let html = if form.partial.as_deref() == Some("1") {
        ResultsFragment { r }.render()?
    } else {
        SearchPage {
            nav: Nav::of(&state, &user).await?,
            r,
        }
        .render()?
    };
    Ok((status, Html(html)).into_response())
}

#[derive(Template)]
#[template(path = "handbook_page.html")]
struct HandbookPageView {
    nav: Option<Nav>,
    v: PageView,
}

/// `GET /docs/{path}`: one handbook page; aliases redirect to the page.
pub async fn page(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(path): Path<String>,
) -> Result<Response, WebError> {
    show(&state, &user, &format!("/{path}")).await
}

/// `GET /docs`: the handbook's home page, or the search page when there is none.
pub async fn root(State(state): State<AppState>, user: CurrentUser) -> Result<Response, WebError> {
    match handbook::page_at(&state, "/").await? {
        Lookup::Missing => Ok(Redirect::to("/search").into_response()),
        _ => show(&state, &user, "/").await,
    }
}

async fn show(state: &AppState, user: &CurrentUser, path: &str) -> Result<Response, WebError> {
    match handbook::page_at(state, path).await? {
        Lookup::Page(v) => {
            let nav = Nav::of(state, user).await?;
            Ok(Html(HandbookPageView { nav, v: *v }.render()?).into_response())
        }
        Lookup::Redirect(to) => Ok(Redirect::permanent(&to).into_response()),
        Lookup::Missing => Err(WebError::NotFound),
    }
}

/// The instant-search enhancement.
pub async fn script() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../../assets/search.js"),
    )
}

/// This module's pages and forms, for `pages::routes`.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/search", get(search))
        .route("/docs/{*path}", get(page))
        .route("/docs", get(root))
        .route("/static/search.js", get(script))
}
