//! Onboarding pages: the detail with its phases and tasks, a task with its
//! comments and screenshots, the manager's team, People
//! Connect's starts, the inbox, and the forms that change onboardings.

use super::{Nav, PageQuery, onboarding_list};
use crate::auth::{CurrentUser, VerifiedForm};
use crate::comment_form::{AfterComment, read_comment_form};
use crate::{AppState, WebError};
use askama::Template;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::header;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use chrono::{Days, NaiveDate, Utc};
use onramp_app::Caller;
use onramp_app::onboarding::{
    self, CommentLine, OnboardingView, TaskView, TimelineLine, comment_lines, parse_action,
    save_comment,
};
use onramp_core::access::{OnboardingAction, may_create_onboarding, sees_all_onboardings};
use onramp_store::{OnboardingFilter, StartRequest};
use serde::Deserialize;

#[derive(Template)]
#[template(path = "onboarding.html")]
struct DetailPage {
    nav: Option<Nav>,
    back: String,
    comments: Vec<CommentLine>,
    o: OnboardingView,
    timeline: Vec<TimelineLine>,
    csrf: String,
    newer_version: Option<(i64, i64)>,
    /// The weekly shadowing pace fell short last week.
    shortfall: Option<String>,
    /// Mentions of the comment just written that notified nobody.
    unreached: Vec<String>,
}

pub async fn detail(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Query(after): Query<AfterComment>,
) -> Result<Html<String>, WebError> {
    let loaded = onboarding::load(&state, &user, id, OnboardingAction::Read).await?;
    // Independent reads, run together.
    let (o, timeline, newest, nav, comments, shortfall) = tokio::try_join!(
        async { Ok::<_, WebError>(onboarding::view(&state, &user, &loaded).await?) },
        async {
            Ok::<_, WebError>(onboarding::timeline(&state, &loaded, &user.account.time_zone).await?)
        },
        async {
            Ok::<_, WebError>(
                onramp_app::program::newest_version(&state, loaded.version.program_id).await?,
            )
        },
        Nav::of(&state, &user),
        async {
            Ok::<_, WebError>(comment_lines(&state, id, None, &user.account.time_zone).await?)
        },
        async { Ok::<_, WebError>(onramp_app::buddy::shortfall(&state, &loaded).await?) },
    )?;
    let newer_version = newest.filter(|(_, version)| *version > loaded.version.version);
    let back = format!("/onboardings/{id}");
    let comments = comments
        .into_iter()
        .filter(|c| c.task_id.is_none())
        .collect();
    Ok(Html(
        DetailPage {
            nav,
            comments,
            back,
            csrf: user.csrf().to_string(),
            o,
            timeline,
            newer_version,
            shortfall,
            unreached: after.lines(),
        }
        .render()?,
    ))
}

#[derive(Deserialize)]
pub struct TaskForm {
    action: String,
    version: i64,
    #[serde(default)]
    note: String,
    #[serde(default)]
    back: String,
}

/// Completes, skips or reopens a task, then returns to the page it came from.
pub async fn task_action(
    State(state): State<AppState>,
    Path((id, task_id)): Path<(i64, i64)>,
    f: VerifiedForm<TaskForm>,
) -> Result<Response, WebError> {
    let action = parse_action(&f.form.action, &f.form.note)?;
    onboarding::change_task(
        &state,
        &f.user,
        id,
        task_id,
        f.form.version,
        &action,
        Some(&f.form.note),
    )
    .await?;
    // Back to the page the action was made on (the home page lists tasks
    // too), when it is a path of this site; never another site.
    let back = &f.form.back;
    let local =
        back.starts_with('/') && !back.starts_with("//") && !back.contains(['\\', '\r', '\n', '#']);
    let back = if local {
        back.clone()
    } else {
        format!("/onboardings/{id}")
    };
    Ok(Redirect::to(&format!("{back}#task-{task_id}")).into_response())
}

#[derive(Template)]
#[template(path = "task.html")]
struct TaskPage {
    nav: Option<Nav>,
    back: String,
    o: OnboardingView,
    t: TaskView,
    body_html: String,
    comments: Vec<CommentLine>,
    csrf: String,
    unreached: Vec<String>,
}

pub async fn task_page(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, task_id)): Path<(i64, i64)>,
    Query(after): Query<AfterComment>,
) -> Result<Html<String>, WebError> {
    let loaded = onboarding::load(&state, &user, id, OnboardingAction::Read).await?;
    let o = onboarding::view(&state, &user, &loaded).await?;
    let t = o
        .phases
        .iter()
        .flat_map(|p| p.tasks.iter())
        .find(|t| t.id == task_id)
        .cloned()
        .ok_or(WebError::NotFound)?;
    let body_html = onramp_app::markdown::render(&t.body);
    let comments = comment_lines(&state, id, Some(task_id), &user.account.time_zone).await?;
    let nav = Nav::of(&state, &user).await?;
    let back = format!("/onboardings/{id}/tasks/{task_id}");
    Ok(Html(
        TaskPage {
            nav,
            back,
            csrf: user.csrf().to_string(),
            o,
            t,
            body_html,
            comments,
            unreached: after.lines(),
        }
        .render()?,
    ))
}

pub async fn comment(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    multipart: Multipart,
) -> Result<Response, WebError> {
    let (csrf, input) = read_comment_form(multipart).await?;
    user.check_csrf(&csrf)?;
    let task_id = input.task_id;
    let (_, unreached) = save_comment(&state, &user, id, input).await?;
    let query = AfterComment::query(&unreached);
    let back = match task_id {
        Some(t) => format!("/onboardings/{id}/tasks/{t}{query}#comments"),
        None => format!("/onboardings/{id}{query}#comments"),
    };
    Ok(Redirect::to(&back).into_response())
}

/// Serves an attachment to those who may read its onboarding.
pub async fn attachment(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    let (meta, data) = onboarding::attachment(&state, &user, id).await?;
    // The type was checked from the bytes at upload; never sniffed as HTML.
    let disposition = format!(
        "inline; filename=\"{}\"",
        meta.file_name.replace(['"', '\\', '\r', '\n'], "_")
    );
    Ok((
        [
            (header::CONTENT_TYPE, meta.content_type),
            (header::CONTENT_DISPOSITION, disposition),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_string()),
            (header::CACHE_CONTROL, "private, max-age=3600".to_string()),
        ],
        data,
    )
        .into_response())
}

#[derive(Deserialize)]
pub struct StartForm {
    start_date: String,
    version: i64,
}

pub fn parse_date(field: &str, text: &str) -> Result<NaiveDate, WebError> {
    Ok(onramp_app::onboarding::parse_date(field, text)?)
}

pub async fn move_start(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    f: VerifiedForm<StartForm>,
) -> Result<Response, WebError> {
    let start = parse_date("start_date", &f.form.start_date)?;
    onboarding::move_start(&state, &f.user, id, f.form.version, start).await?;
    Ok(Redirect::to(&format!("/onboardings/{id}")).into_response())
}

#[derive(Template)]
#[template(path = "upgrade.html")]
struct UpgradePage {
    nav: Option<Nav>,
    o: OnboardingView,
    diff: onramp_core::onboarding::UpgradeDiff,
    target_id: i64,
    target_version: i64,
    csrf: String,
}

#[derive(Deserialize)]
pub struct UpgradeQuery {
    version_id: i64,
}

pub async fn upgrade_preview(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Query(q): Query<UpgradeQuery>,
) -> Result<Html<String>, WebError> {
    let (diff, target_version) =
        onboarding::upgrade_preview(&state, &user, id, q.version_id).await?;
    let loaded = onboarding::load(&state, &user, id, OnboardingAction::Edit).await?;
    let o = onboarding::view(&state, &user, &loaded).await?;
    let nav = Nav::of(&state, &user).await?;
    Ok(Html(
        UpgradePage {
            nav,
            csrf: user.csrf().to_string(),
            o,
            diff,
            target_id: q.version_id,
            target_version,
        }
        .render()?,
    ))
}

#[derive(Deserialize)]
pub struct UpgradeForm {
    version_id: i64,
    version: i64,
}

pub async fn upgrade(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    f: VerifiedForm<UpgradeForm>,
) -> Result<Response, WebError> {
    onboarding::upgrade(&state, &f.user, id, f.form.version, f.form.version_id).await?;
    Ok(Redirect::to(&format!("/onboardings/{id}")).into_response())
}

#[derive(Template)]
#[template(path = "new_onboarding.html")]
struct NewPage {
    nav: Option<Nav>,
    csrf: String,
    people: Vec<onramp_store::Person>,
    programs: Vec<onramp_store::ProgramSummary>,
    today: NaiveDate,
    /// What was sent, when the form comes back with warnings.
    form: NewForm,
    warnings: Vec<onboarding::StartWarning>,
}

impl NewPage {
    /// ` selected` when `id` is what the field `value` holds.
    fn chosen(&self, value: &str, id: &i64) -> &'static str {
        if value.trim() == id.to_string() {
            " selected"
        } else {
            ""
        }
    }
}

async fn new_page(
    state: &AppState,
    user: &CurrentUser,
    form: NewForm,
    warnings: Vec<onboarding::StartWarning>,
) -> Result<Html<String>, WebError> {
    let (people, programs) = onboarding::start_choices(state, user).await?;
    let nav = Nav::of(state, user).await?;
    Ok(Html(
        NewPage {
            nav,
            csrf: user.csrf().to_string(),
            people,
            programs,
            today: Utc::now().date_naive(),
            form,
            warnings,
        }
        .render()?,
    ))
}

pub async fn new_form(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Html<String>, WebError> {
    new_page(&state, &user, NewForm::default(), Vec::new()).await
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct NewForm {
    person_id: String,
    start_date: String,
    #[serde(default)]
    manager_id: String,
    #[serde(default)]
    people_connect_id: String,
    #[serde(default)]
    enablement_id: String,
    #[serde(default)]
    buddy_id: String,
    #[serde(default)]
    program: String,
    /// `yes` once the warnings were read: start anyway.
    #[serde(default)]
    confirm: String,
}

fn optional_id(field: &str, text: &str) -> Result<Option<i64>, WebError> {
    if text.trim().is_empty() {
        return Ok(None);
    }
    text.trim()
        .parse()
        .map(Some)
        .map_err(|_| WebError::BadRequest {
            field: field.into(),
            message: format!("`{text}` is not a person id"),
        })
}

pub async fn create(
    State(state): State<AppState>,
    f: VerifiedForm<NewForm>,
) -> Result<Response, WebError> {
    // Refused before the form is read (the use case checks again).
    if !may_create_onboarding(&f.user.actor) {
        return Err(WebError::Forbidden(
            "only People Connect and admins start onboardings".into(),
        ));
    }
    let person_id =
        optional_id("person_id", &f.form.person_id)?.ok_or_else(|| WebError::BadRequest {
            field: "person_id".into(),
            message: "choose the new hire".into(),
        })?;
    let request = StartRequest {
        person_id,
        start_date: parse_date("start_date", &f.form.start_date)?,
        manager_id: optional_id("manager_id", &f.form.manager_id)?,
        people_connect_id: optional_id("people_connect_id", &f.form.people_connect_id)?
            .or(Some(f.user.actor.person_id)),
        enablement_id: optional_id("enablement_id", &f.form.enablement_id)?,
        buddy_id: optional_id("buddy_id", &f.form.buddy_id)?,
        program: Some(f.form.program.trim().to_string()).filter(|p| !p.is_empty()),
    };
    if !super::ticked(&f.form.confirm) {
        let warnings =
            onboarding::start_warnings(&state, Caller::Person(&f.user), &request).await?;
        if !warnings.is_empty() {
            // Nothing is saved: the form comes back with what was chosen.
            return Ok(new_page(&state, &f.user, f.form.clone(), warnings)
                .await?
                .into_response());
        }
    }
    let o = match onboarding::start(&state, Caller::Person(&f.user), &request).await {
        Err(onramp_app::Error::Missing(m)) => {
            return Err(WebError::BadRequest {
                field: "person_id".into(),
                message: format!("{m} does not exist"),
            });
        }
        other => other?,
    };
    Ok(Redirect::to(&format!("/onboardings/{}", o.id)).into_response())
}

/// The onboardings of the manager's reports.
pub async fn team(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<PageQuery>,
) -> Result<Html<String>, WebError> {
    let filter = OnboardingFilter::ManagedBy(user.actor.person_id);
    onboarding_list(&state, &user, filter, q.page.as_deref(), "My team", "/team").await
}

/// People Connect's view: starts in the last 30 and the next 60 days.
pub async fn starts(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<PageQuery>,
) -> Result<Html<String>, WebError> {
    if !sees_all_onboardings(&user.actor) {
        return Err(WebError::NotFound);
    }
    let today = Utc::now().date_naive();
    let from = today.checked_sub_days(Days::new(30)).unwrap_or(today);
    let to = today.checked_add_days(Days::new(60)).unwrap_or(today);
    onboarding_list(
        &state,
        &user,
        OnboardingFilter::StartingBetween(from, to),
        q.page.as_deref(),
        "Upcoming and recent starts",
        "/starts",
    )
    .await
}

/// This module's pages and forms, for `pages::routes`.
pub fn routes(body_limit: usize) -> Router<AppState> {
    Router::new()
        .route("/team", get(team))
        .route("/starts", get(starts))
        .route("/onboardings/new", get(new_form))
        .route("/onboardings", post(create))
        .route("/onboardings/{id}", get(detail))
        .route(
            "/onboardings/{id}/tasks/{task_id}",
            get(task_page).post(task_action),
        )
        .route(
            "/onboardings/{id}/comments",
            post(comment).layer(DefaultBodyLimit::max(body_limit)),
        )
        .route("/onboardings/{id}/start", post(move_start))
        .route(
            "/onboardings/{id}/upgrade",
            get(upgrade_preview).post(upgrade),
        )
        .route("/attachments/{id}", get(attachment))
}
