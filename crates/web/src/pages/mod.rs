//! Server-rendered pages. They work without JavaScript.

pub mod admin;
pub mod analytics;
pub mod buddy;
pub mod handbook;
pub mod inbox;
pub mod learning;
pub mod office_hours;
pub mod onboarding;
pub mod ping;
pub mod refill;
pub mod session;
pub mod workspace;

use crate::auth::CurrentUser;
use crate::paging::{PAGE_SIZE, page_number};
use crate::{AppState, WebError};
use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{Html, IntoResponse};
use axum::routing::get;
use chrono::{NaiveDate, Utc};
use onramp_core::access::sees_all_onboardings;
use onramp_core::people::Role;
use onramp_store::OnboardingFilter;
use onramp_store::OnboardingSummary;
use serde::Deserialize;

/// What the navigation bar needs to know about the signed-in person.
pub struct Nav {
    pub name: String,
    pub csrf: String,
    pub admin: bool,
    pub manager: bool,
    pub people_connect: bool,
    /// Enablement team or administrator: content freshness and access provisioning.
    pub enablement: bool,
    pub unread: usize,
}

impl Nav {
    pub async fn of(state: &AppState, user: &CurrentUser) -> Result<Option<Nav>, WebError> {
        let unread = match &user.via {
            crate::auth::Via::Session { unread, .. } => *unread,
            crate::auth::Via::Token { .. } => onramp_app::notify::unread(state, user).await?,
        } as usize;
        let has = |r: Role| user.actor.has(r) || user.actor.is_admin();
        Ok(Some(Nav {
            name: user.account.name.clone(),
            csrf: user.csrf().to_string(),
            admin: user.actor.is_admin(),
            manager: has(Role::Manager),
            people_connect: has(Role::PeopleConnect),
            enablement: has(Role::Enablement),
            unread,
        }))
    }
}

#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage<'a> {
    pub nav: Option<Nav>,
    pub status: u16,
    pub reason: &'a str,
    pub message: &'a str,
}

/// One onboarding as the home page shows it.
pub struct OnboardingLine {
    pub row: OnboardingSummary,
    pub since: String,
    /// Learning pathway modules done and in total, when enrolled.
    pub pathway: Option<(u32, usize)>,
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    nav: Option<Nav>,
    heading: &'static str,
    base: &'static str,
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

/// A page of onboardings as the start page and the role views list them.
pub async fn onboarding_list(
    state: &AppState,
    user: &CurrentUser,
    filter: OnboardingFilter,
    page: Option<&str>,
    heading: &'static str,
    base: &'static str,
) -> Result<Html<String>, WebError> {
    let page = page_number(page)?;
    let today = Utc::now().date_naive();
    let onramp_app::onboarding::OnboardingList {
        rows,
        total,
        pathways,
    } = onramp_app::onboarding::list(
        state,
        onramp_app::Caller::Person(user),
        &filter,
        today,
        PAGE_SIZE,
        (page - 1) * PAGE_SIZE,
    )
    .await?;
    let onboardings = rows
        .into_iter()
        .map(|row| OnboardingLine {
            since: since_label(row.start_date, today),
            pathway: pathways.get(&row.id).map(|(p, done)| {
                let total = onramp_app::learning::catalogues()
                    .pathway(p)
                    .map_or(0, |p| p.modules.len());
                (*done, total)
            }),
            row,
        })
        .collect();
    let pages = ((total + PAGE_SIZE - 1) / PAGE_SIZE).max(1);
    let nav = Nav::of(state, user).await?;
    Ok(Html(
        HomePage {
            nav,
            heading,
            base,
            onboardings,
            total,
            page,
            pages,
        }
        .render()?,
    ))
}

/// Who is onboarding, since when, and how far they are: every onboarding
/// for People Connect and admins, one's own for everyone else.
pub async fn home(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(query): Query<PageQuery>,
) -> Result<Html<String>, WebError> {
    let filter = if sees_all_onboardings(&user.actor) {
        OnboardingFilter::All
    } else {
        OnboardingFilter::Involving(user.actor.person_id)
    };
    onboarding_list(
        &state,
        &user,
        filter,
        query.page.as_deref(),
        "Onboardings",
        "/",
    )
    .await
}

#[derive(Template)]
#[template(path = "programs.html")]
struct ProgramsPage {
    nav: Option<Nav>,
    programs: Vec<onramp_store::ProgramSummary>,
}

/// Every program with its newest version.
pub async fn programs(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Html<String>, WebError> {
    let programs = onramp_app::program::list(&state).await?;
    let nav = Nav::of(&state, &user).await?;
    Ok(Html(ProgramsPage { nav, programs }.render()?))
}

/// A phase of a program page with its tasks.
struct PhaseView<'a> {
    phase: &'a onramp_app::program::PhaseItem,
    tasks: Vec<&'a onramp_app::program::TaskTemplateItem>,
}

#[derive(Template)]
#[template(path = "program.html")]
struct ProgramPage<'a> {
    nav: Option<Nav>,
    p: &'a onramp_app::program::ProgramDetail,
    phases: Vec<PhaseView<'a>>,
    latest: i64,
    clock: Clock,
}

#[derive(Deserialize)]
pub struct VersionQuery {
    version: Option<String>,
}

/// One program version: its phases and tasks, and the list of versions.
pub async fn program(
    State(state): State<AppState>,
    user: CurrentUser,
    axum::extract::Path(id): axum::extract::Path<String>,
    Query(query): Query<VersionQuery>,
) -> Result<Html<String>, WebError> {
    let p = onramp_app::program::detail(&state, &id, query.version.as_deref()).await?;
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
            nav: Nav::of(&state, &user).await?,
            p: &p,
            phases,
            clock: Clock::of(&user),
            latest,
        }
        .render()?,
    ))
}

/// Whether a checkbox or a yes/no button of a form says yes.
pub(crate) fn ticked(value: &str) -> bool {
    matches!(value.trim(), "1" | "on" | "true" | "yes")
}

/// Small enhancements every page may use (copy buttons).
pub async fn app_script() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../../assets/app.js"),
    )
}

/// The address a person can paste anywhere for `path`: the configured
/// The viewer's clock: their time zone and now, to show instants as
/// "3 hours ago" with the exact time in their zone on hover (`_time.html`).
pub struct Clock {
    zone: String,
    now: chrono::DateTime<chrono::Utc>,
}

impl Clock {
    pub fn of(user: &crate::auth::CurrentUser) -> Clock {
        Clock {
            zone: user.account.time_zone.clone(),
            now: chrono::Utc::now(),
        }
    }

    pub fn when(&self, at: &chrono::DateTime<chrono::Utc>) -> onramp_core::calendar::Moment {
        onramp_core::calendar::Moment::new(*at, &self.zone, self.now)
    }
}

/// Every time zone for a picker, with `chosen` (the viewer's, usually) selected.
pub fn zone_options(chosen: &str) -> Vec<(&'static str, bool)> {
    onramp_core::calendar::zone_names()
        .iter()
        .map(|z| (*z, *z == chosen))
        .collect()
}

/// public address, or else the host the request came to.
pub(crate) fn absolute(state: &AppState, headers: &axum::http::HeaderMap, path: &str) -> String {
    let base = state.public_url.trim_end_matches('/');
    if !base.is_empty() {
        return format!("{base}{path}");
    }
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| !h.is_empty() && !h.contains(['/', ' ', '"', '<', '>']))
        .unwrap_or("localhost");
    let scheme = headers
        .get("x-forwarded-proto")
        .and_then(|h| h.to_str().ok())
        .filter(|p| *p == "https")
        .unwrap_or("http");
    format!("{scheme}://{host}{path}")
}

pub async fn stylesheet() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../../assets/app.css"),
    )
}

/// Every page and form: each module's routes, and the few of this module.
pub fn routes(body_limit: usize) -> Router<AppState> {
    Router::new()
        .route("/", get(home))
        .route("/programs", get(programs))
        .route("/programs/{id}", get(program))
        .route("/static/app.css", get(stylesheet))
        .route("/static/app.js", get(app_script))
        .merge(session::routes())
        .merge(analytics::routes())
        .merge(onboarding::routes(body_limit))
        .merge(buddy::routes())
        .merge(office_hours::routes())
        .merge(ping::routes(body_limit))
        .merge(learning::routes())
        .merge(admin::routes())
        .merge(handbook::routes())
        .merge(workspace::routes())
        .merge(inbox::routes())
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
