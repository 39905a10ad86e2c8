//! `/analytics`: how fast new CSMs ramp, by cohort, and who needs attention;
//! `/analytics/program`: how each task of a program fares.

use super::Nav;
use crate::auth::{CurrentUser, VerifiedForm};
use crate::{AppState, WebError};
use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use chrono::Utc;
use onramp_app::Caller;
use onramp_app::analytics::{self, CohortBy, MilestoneSpread, OnboardingRamp};
use serde::Deserialize;

/// One cohort's line in the table beside the chart.
struct SpreadRow {
    cohort: String,
    onboardings: usize,
    withheld: bool,
    spread: Option<MilestoneSpread>,
}

#[derive(Template)]
#[template(path = "analytics.html")]
struct RampPage {
    nav: Option<Nav>,
    by: String,
    groupings: Vec<&'static str>,
    milestone: String,
    milestone_name: String,
    milestones: Vec<(String, String)>,
    chart: String,
    rows: Vec<SpreadRow>,
    attention: Vec<OnboardingRamp>,
    on_track: usize,
    csrf: String,
    clock: super::Clock,
    total: usize,
    cohorts: Vec<String>,
    /// The cohorts chosen to compare (or the two latest, preselected).
    a: String,
    b: String,
    comparison: Option<analytics::Comparison>,
    comparison_chart: String,
}

#[derive(Deserialize)]
pub struct RampQuery {
    by: Option<String>,
    milestone: Option<String>,
    /// Two cohorts to compare.
    a: Option<String>,
    b: Option<String>,
}

/// The comparison asked for, when both cohorts are named.
fn comparison_of(
    report: &analytics::RampReport,
    q: &RampQuery,
) -> Result<Option<analytics::Comparison>, WebError> {
    match (q.a.as_deref(), q.b.as_deref()) {
        (Some(a), Some(b)) if !a.is_empty() && !b.is_empty() => {
            Ok(Some(analytics::compare(report, a, b)?))
        }
        _ => Ok(None),
    }
}

/// Every milestone of a report's cohorts: (key, name), in order of first appearance.
fn milestones_of(report: &analytics::RampReport) -> Vec<(String, String)> {
    report
        .cohorts
        .iter()
        .flat_map(|c| &c.milestones)
        .fold(Vec::new(), |mut all, m| {
            if !all.iter().any(|(k, _)| k == &m.key) {
                all.push((m.key.clone(), m.name.clone()));
            }
            all
        })
}

/// `GET /analytics`.
pub async fn page(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<RampQuery>,
) -> Result<Html<String>, WebError> {
    let by = CohortBy::parse("by", q.by.as_deref().unwrap_or("quarter"))?;
    let today = Utc::now().date_naive();
    let rows =
        analytics::onboardings(&state, Caller::Person(&user), by, today, &state.risk).await?;
    let risk = analytics::at_risk(&rows);
    let report = analytics::report(by, rows);
    let milestones = milestones_of(&report);
    let (milestone, milestone_name) = milestones
        .iter()
        .find(|(k, _)| Some(k.as_str()) == q.milestone.as_deref())
        .or_else(|| milestones.iter().find(|(k, _)| k == "first-led"))
        .cloned()
        .unwrap_or_default();
    let on_track = risk.iter().filter(|r| r.signals.is_empty()).count();
    let comparison = comparison_of(&report, &q)?;
    let cohorts: Vec<String> = report.cohorts.iter().map(|c| c.cohort.clone()).collect();
    let latest = |back: usize| {
        cohorts
            .len()
            .checked_sub(back)
            .and_then(|i| cohorts.get(i))
            .cloned()
            .unwrap_or_default()
    };
    let (a, b) = match &comparison {
        Some(c) => (c.a.cohort.clone(), c.b.cohort.clone()),
        None => (latest(2), latest(1)),
    };
    Ok(Html(
        RampPage {
            nav: Nav::of(&state, &user).await?,
            by: by.as_str().to_string(),
            groupings: CohortBy::ALL.iter().map(|c| c.as_str()).collect(),
            chart: analytics::box_plot_svg(&report.cohorts, &milestone),
            rows: report
                .cohorts
                .iter()
                .map(|c| SpreadRow {
                    cohort: c.cohort.clone(),
                    onboardings: c.onboardings,
                    withheld: c.withheld,
                    spread: c.milestones.iter().find(|m| m.key == milestone).cloned(),
                })
                .collect(),
            total: risk.len(),
            attention: risk
                .into_iter()
                .filter(|r| !r.signals.is_empty() || !r.acknowledged.is_empty())
                .collect(),
            csrf: user.csrf().to_string(),
            clock: super::Clock::of(&user),
            on_track,
            milestone,
            milestone_name,
            milestones,
            comparison_chart: comparison
                .as_ref()
                .map(analytics::paired_bars_svg)
                .unwrap_or_default(),
            comparison,
            cohorts,
            a,
            b,
        }
        .render()?,
    ))
}

#[derive(Deserialize)]
pub struct AcknowledgeForm {
    onboarding: i64,
    signal: String,
    note: String,
    #[serde(default)]
    by: String,
    #[serde(default)]
    milestone: String,
}

/// `POST /analytics/acknowledge`: a signal acknowledged with a note.
pub async fn acknowledge(
    State(state): State<AppState>,
    f: VerifiedForm<AcknowledgeForm>,
) -> Result<Response, WebError> {
    let form = &f.form;
    analytics::acknowledge(
        &state,
        Caller::Person(&f.user),
        form.onboarding,
        &form.signal,
        &form.note,
    )
    .await?;
    let by = CohortBy::parse(
        "by",
        if form.by.is_empty() {
            "quarter"
        } else {
            &form.by
        },
    )?;
    let milestone: String = form
        .milestone
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == ':')
        .collect();
    Ok(Redirect::to(&format!(
        "/analytics?by={}&milestone={milestone}#onboarding-{}",
        by.as_str(),
        form.onboarding
    ))
    .into_response())
}

/// `GET /analytics.csv`: the cohorts as CSV.
pub async fn csv(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<RampQuery>,
) -> Result<Response, WebError> {
    let by = CohortBy::parse("by", q.by.as_deref().unwrap_or("quarter"))?;
    let report = analytics::ramp(&state, Caller::Person(&user), by).await?;
    Ok(csv_file("onramp-ramp.csv", analytics::csv(&report)))
}

#[derive(Template)]
#[template(path = "analytics_program.html")]
struct ProgramPage {
    nav: Option<Nav>,
    programs: Vec<(String, String)>,
    report: Option<analytics::ProgramReport>,
    sorts: Vec<(&'static str, &'static str)>,
    questions_chart: String,
}

#[derive(Deserialize)]
pub struct TasksQuery {
    program: Option<String>,
    version: Option<String>,
    sort: Option<String>,
}

/// The column headings of the task table, with the sort each one asks for.
const SORTS: [(&str, &str); 7] = [
    ("done", "Done"),
    ("skipped", "Skipped"),
    ("late", "Late"),
    ("days-late", "Median days late"),
    ("reopened", "Reopened"),
    ("time-to-done", "Median days to done"),
    ("comments", "Comments"),
];

/// `GET /analytics/program`: how each task of a program version fares.
pub async fn program_page(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<TasksQuery>,
) -> Result<Html<String>, WebError> {
    let programs: Vec<(String, String)> = onramp_app::program::list(&state)
        .await?
        .into_iter()
        .map(|p| (p.slug, p.title))
        .collect();
    let slug = q
        .program
        .clone()
        .filter(|p| !p.trim().is_empty())
        .or_else(|| programs.first().map(|(slug, _)| slug.clone()));
    let version = analytics::parse_version("version", q.version.as_deref())?;
    let sort = analytics::parse_sort("sort", q.sort.as_deref().unwrap_or_default())?;
    let report = match slug {
        Some(slug) => {
            Some(analytics::program(&state, Caller::Person(&user), &slug, version, sort).await?)
        }
        None => None,
    };
    let questions_chart = report
        .as_ref()
        .and_then(|r| r.office_hours.as_ref())
        .map(|oh| {
            let bars: Vec<(String, usize)> = oh
                .per_week
                .iter()
                .map(|w| (w.week.format("%-d %b").to_string(), w.questions))
                .collect();
            analytics::bars_svg("Questions asked per week", &bars)
        })
        .unwrap_or_default();
    Ok(Html(
        ProgramPage {
            nav: Nav::of(&state, &user).await?,
            programs,
            report,
            sorts: SORTS.to_vec(),
            questions_chart,
        }
        .render()?,
    ))
}

/// `GET /analytics/program.csv`: one row per task.
pub async fn program_csv(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<TasksQuery>,
) -> Result<Response, WebError> {
    let slug = q.program.unwrap_or_default();
    if slug.trim().is_empty() {
        return Err(onramp_app::Error::bad("program", "give the program's id").into());
    }
    let version = analytics::parse_version("version", q.version.as_deref())?;
    let sort = analytics::parse_sort("sort", q.sort.as_deref().unwrap_or_default())?;
    let report = analytics::program(&state, Caller::Person(&user), &slug, version, sort).await?;
    Ok(csv_file(
        "onramp-program-tasks.csv",
        analytics::tasks_csv(&report),
    ))
}

/// `GET /analytics/compare.csv`: two cohorts side by side as CSV.
pub async fn compare_csv(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<RampQuery>,
) -> Result<Response, WebError> {
    let by = CohortBy::parse("by", q.by.as_deref().unwrap_or("quarter"))?;
    let report = analytics::ramp(&state, Caller::Person(&user), by).await?;
    let comparison = analytics::compare(
        &report,
        q.a.as_deref().unwrap_or_default(),
        q.b.as_deref().unwrap_or_default(),
    )?;
    Ok(csv_file(
        "onramp-cohorts-compared.csv",
        analytics::compare_csv(&comparison),
    ))
}

/// A CSV download named `name`.
fn csv_file(name: &str, body: String) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        body,
    )
        .into_response()
}

/// This module's pages, for `pages::routes`.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/analytics", get(page))
        .route("/analytics.csv", get(csv))
        .route("/analytics/acknowledge", post(acknowledge))
        .route("/analytics/program", get(program_page))
        .route("/analytics/program.csv", get(program_csv))
        .route("/analytics/compare.csv", get(compare_csv))
}
