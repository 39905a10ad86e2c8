//! Handbook search and page views, shared by the pages and the JSON API.

pub mod import;
pub use import::{
    ImportReport, Progress, broken_links, import_dir, imported_urls, index_answer, sync_index,
};

use crate::{App, Error};
use onramp_handbook::{Hit, QueryError, SearchIndex, links, page, render};
use onramp_store::{HandbookPage, HandbookUrls};
use serde::Serialize;
use std::sync::{Arc, Mutex};
use utoipa::ToSchema;

pub use onramp_core::handbook::{PAGE_ROUTE, href};

/// Results per page of the search page; the API's default limit.
pub const RESULTS_PER_PAGE: usize = 10;

/// The search index and the handbook's URL map, remembered per generation.
pub struct Handbook {
    pub index: Arc<SearchIndex>,
    urls: Mutex<Option<(i64, Arc<HandbookUrls>)>>,
}

impl Handbook {
    pub fn new(index: Arc<SearchIndex>) -> Handbook {
        Handbook {
            index,
            urls: Mutex::new(None),
        }
    }

    /// Every URL and alias of the current import (read once per generation).
    async fn urls(&self, state: &App, generation: i64) -> Result<Arc<HandbookUrls>, Error> {
        if let Ok(guard) = self.urls.lock()
            && let Some((g, urls)) = guard.as_ref()
            && *g == generation
        {
            return Ok(Arc::clone(urls));
        }
        let urls = Arc::new(state.store.handbook_urls().await?);
        if let Ok(mut guard) = self.urls.lock() {
            *guard = Some((generation, Arc::clone(&urls)));
        }
        Ok(urls)
    }
}

/// The imported handbook's URLs, or `None` when no handbook is imported.
pub async fn current_urls(state: &App) -> Result<Option<Arc<HandbookUrls>>, Error> {
    let Some(handbook_state) = state.store.handbook_state().await? else {
        return Ok(None);
    };
    Ok(Some(
        state
            .handbook
            .urls(state, handbook_state.generation)
            .await?,
    ))
}

/// A search as requested: the text and which results.
pub struct SearchRequest {
    pub q: String,
    pub limit: usize,
    pub offset: usize,
}

impl SearchRequest {
    /// Reads `q`, `limit` and `page` (or `offset`), naming the field at fault.
    pub fn parse(
        q: Option<&str>,
        limit: Option<&str>,
        page: Option<&str>,
        offset: Option<&str>,
    ) -> Result<SearchRequest, Error> {
        let number =
            |field: &str, value: Option<&str>, min: usize, max: usize, default: usize| match value
                .map(str::trim)
            {
                None | Some("") => Ok(default),
                Some(v) => v
                    .parse::<usize>()
                    .ok()
                    .filter(|n| (min..=max).contains(n))
                    .ok_or_else(|| Error::Invalid {
                        field: field.into(),
                        message: format!("must be a whole number from {min} to {max} (got `{v}`)"),
                    }),
            };
        let limit = number(
            "limit",
            limit,
            1,
            onramp_handbook::index::MAX_LIMIT,
            RESULTS_PER_PAGE,
        )?;
        let page = number("page", page, 1, 1000, 1)?;
        let offset = number("offset", offset, 0, 10_000, (page - 1) * limit)?;
        Ok(SearchRequest {
            q: q.unwrap_or_default().to_string(),
            limit,
            offset,
        })
    }
}

fn query_error(e: onramp_handbook::Error) -> Error {
    match e {
        onramp_handbook::Error::Query(q) => Error::Invalid {
            field: "q".into(),
            message: q.to_string(),
        },
        other => Error::Internal(other.to_string()),
    }
}

/// Runs a search; an empty query is an error the caller may treat as "no search yet".
pub fn search(state: &App, request: &SearchRequest) -> Result<Vec<Hit>, Error> {
    state
        .handbook
        .index
        .search(&request.q, request.limit, request.offset)
        .map_err(query_error)
}

/// Whether a query is just empty (the search page then shows its form only).
pub fn is_empty_query(q: &str) -> bool {
    matches!(
        onramp_handbook::index::parse_query(q),
        Err(QueryError::Empty)
    )
}

/// A page ready to show.
pub struct PageView {
    pub page: HandbookPage,
    pub html: String,
    pub broken_links: Vec<String>,
    /// The page on its published site, when the import named one.
    pub original_url: Option<String>,
}

/// What a site path leads to.
pub enum Lookup {
    Page(Box<PageView>),
    /// An alias or a differently written path: the canonical address.
    Redirect(String),
    Missing,
}

/// The page at a site path (`/handbook/x/`), rendered with its links resolved.
pub async fn page_at(state: &App, path: &str) -> Result<Lookup, Error> {
    let url = page::normalize_site_path(path);
    let Some(stored) = state.store.handbook_page_by_url(&url).await? else {
        return Ok(Lookup::Missing);
    };
    if stored.url != path {
        return Ok(Lookup::Redirect(format!("{PAGE_ROUTE}{}", stored.url)));
    }
    let handbook_state = state.store.handbook_state().await?;
    let generation = handbook_state.as_ref().map_or(0, |s| s.generation);
    let urls = state.handbook.urls(state, generation).await?;
    let parsed = page::parse(&stored.path, &stored.source);
    let resolve = |href: &str| links::resolve(&stored.path, href, &urls, PAGE_ROUTE);
    let rendered = render::render_html(&parsed.body, &resolve);
    if rendered.raw_html > 0 {
        // One line per page instead of the parser's own warnings (silenced
        // by default, see the log filter of the binary).
        tracing::debug!(
            page = %stored.path,
            raw_html = rendered.raw_html,
            "the page holds raw HTML; it was sanitized"
        );
    }
    let original_url = handbook_state
        .filter(|s| !s.site_url.is_empty())
        .map(|s| format!("{}{}", s.site_url, stored.url));
    Ok(Lookup::Page(Box::new(PageView {
        page: stored,
        html: rendered.html,
        broken_links: rendered.broken_links,
        original_url,
    })))
}

/// One search result as pages and the API show it.
#[derive(Debug, Serialize, ToSchema)]
pub struct SearchResult {
    /// Path of the source file relative to the imported root.
    pub path: String,
    pub title: String,
    /// Where Onramp shows it, to follow: `/docs/handbook/customer-success/csm/`
    /// for a page, `/office-hours/questions/{id}` for an answer.
    pub url: String,
    /// The same as `url` (kept for clients written before `url` was the
    /// address to follow).
    pub view_url: String,
    /// A page's site path in the published handbook, e.g.
    /// `/handbook/customer-success/csm/`; for an answer, its `url`.
    pub site_path: String,
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

impl From<onramp_handbook::Hit> for SearchResult {
    fn from(h: onramp_handbook::Hit) -> Self {
        let kind = match h.kind {
            onramp_handbook::DocKind::Page => "page",
            onramp_handbook::DocKind::Answer => "answer",
        };
        let url = match h.kind {
            // A result is an imported page: always its view.
            onramp_handbook::DocKind::Page => format!("{PAGE_ROUTE}{}", h.url),
            onramp_handbook::DocKind::Answer => h.url.clone(),
        };
        SearchResult {
            path: h.path,
            title: h.title,
            view_url: url.clone(),
            url,
            site_path: h.url,
            section: h.section,
            snippet: h.snippet,
            snippet_html: h.snippet_html,
            kind: kind.to_string(),
            date: h.date,
            score: h.score,
        }
    }
}
