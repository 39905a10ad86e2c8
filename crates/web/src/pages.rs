//! Server-rendered pages. They work without JavaScript.

use crate::{AppState, WebError};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{Html, IntoResponse};
use chrono::{NaiveDate, Utc};
use onramp_store::OnboardingSummary;
use serde::Deserialize;

/// Rows per page of a listing.
pub const PAGE_SIZE: i64 = 50;

#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage<'a> {
    pub status: u16,
    pub reason: &'a str,
    pub message: &'a str,
}

/// One onboarding as the home page shows it.
pub struct OnboardingLine {
    pub row: OnboardingSummary,
    pub since: String,
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    onboardings: Vec<OnboardingLine>,
    total: i64,
    page: i64,
    pages: i64,
}

#[derive(Deserialize)]
pub struct PageQuery {
    page: Option<String>,
}

/// "Starts in 3 days", "Day 1", "Day 12".
pub fn since_label(start: NaiveDate, today: NaiveDate) -> String {
    let days = (today - start).num_days();
    match days {
        d if d < -1 => format!("starts in {} days", -d),
        -1 => "starts tomorrow".to_string(),
        d => format!("day {}", d + 1),
    }
}

/// Who is onboarding, since when, and how far they are.
pub async fn home(
    State(state): State<AppState>,
    Query(query): Query<PageQuery>,
) -> Result<Html<String>, WebError> {
    let page = match query.page.as_deref() {
        None | Some("") => 1,
        Some(p) => {
            p.parse::<i64>()
                .ok()
                .filter(|p| *p >= 1)
                .ok_or_else(|| WebError::BadRequest {
                    field: "page".into(),
                    message: format!("must be a whole number of at least 1 (got `{p}`)"),
                })?
        }
    };
    let today = Utc::now().date_naive();
    let total = state.store.count_onboardings().await?;
    let rows = state
        .store
        .list_onboardings(today, PAGE_SIZE, (page - 1) * PAGE_SIZE)
        .await?;
    let onboardings = rows
        .into_iter()
        .map(|row| OnboardingLine {
            since: since_label(row.start_date, today),
            row,
        })
        .collect();
    let pages = ((total + PAGE_SIZE - 1) / PAGE_SIZE).max(1);
    Ok(Html(
        HomePage {
            onboardings,
            total,
            page,
            pages,
        }
        .render()?,
    ))
}

#[derive(Template)]
#[template(path = "programs.html")]
struct ProgramsPage {
    programs: Vec<onramp_store::ProgramSummary>,
}

/// Every program with its newest version.
pub async fn programs(State(state): State<AppState>) -> Result<Html<String>, WebError> {
    let programs = state.store.list_programs().await?;
    Ok(Html(ProgramsPage { programs }.render()?))
}

/// A phase of a program page with its tasks.
struct PhaseView<'a> {
    phase: &'a crate::api::programs::PhaseItem,
    tasks: Vec<&'a crate::api::programs::TaskTemplateItem>,
}

#[derive(Template)]
#[template(path = "program.html")]
struct ProgramPage<'a> {
    p: &'a crate::api::programs::ProgramDetail,
    phases: Vec<PhaseView<'a>>,
    latest: i64,
}

#[derive(Deserialize)]
pub struct VersionQuery {
    version: Option<String>,
}

/// One program version: its phases and tasks, and the list of versions.
pub async fn program(
    State(state): State<AppState>,
    axum::extract::Path(id): axum::extract::Path<String>,
    Query(query): Query<VersionQuery>,
) -> Result<Html<String>, WebError> {
    let p = crate::api::programs::program_detail(&state, &id, query.version.as_deref()).await?;
    let phases = p
        .phases
        .iter()
        .map(|phase| PhaseView {
            phase,
            tasks: p.tasks.iter().filter(|t| t.phase == phase.id).collect(),
        })
        .collect();
    let latest = p.versions.first().map_or(p.version, |v| v.version);
    Ok(Html(
        ProgramPage {
            p: &p,
            phases,
            latest,
        }
        .render()?,
    ))
}

pub async fn stylesheet() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../assets/app.css"),
    )
}

pub async fn not_found() -> WebError {
    WebError::NotFound
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn since_labels() {
        let d = |s| NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date");
        assert_eq!(
            since_label(d("2026-12-01"), d("2026-11-27")),
            "starts in 4 days"
        );
        assert_eq!(
            since_label(d("2026-11-28"), d("2026-11-27")),
            "starts tomorrow"
        );
        assert_eq!(since_label(d("2026-11-27"), d("2026-11-27")), "day 1");
        assert_eq!(since_label(d("2026-11-16"), d("2026-11-27")), "day 12");
    }
}
