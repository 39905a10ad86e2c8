//! Onboardings, their tasks, comments, screenshots, timeline and upgrades.

use super::{ApiError, ApiJson, ApiResult, ErrorBody};
use crate::auth::CurrentUser;
use crate::comment_form::read_comment_form;
use crate::{AppState, WebError};
use axum::Json;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use chrono::{NaiveDate, Utc};
use onramp_app::Caller;
use onramp_app::onboarding::{self, OnboardingView, comment_lines, parse_action, save_comment};
use onramp_core::access::{OnboardingAction, may_create_onboarding, sees_all_onboardings};
use onramp_store::{OnboardingFilter, StartRequest};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// One onboarding in a list.
#[derive(Debug, Serialize, ToSchema)]
pub struct OnboardingItem {
    pub id: i64,
    pub person_id: i64,
    pub person_name: String,
    pub person_email: String,
    pub segment: Option<String>,
    pub region: Option<String>,
    pub start_date: NaiveDate,
    pub status: String,
    pub program: String,
    pub program_version: i64,
    pub manager: Option<String>,
    pub buddy: Option<String>,
    pub total_tasks: i64,
    pub finished_tasks: i64,
    pub overdue_tasks: i64,
    pub percent: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OnboardingPage {
    pub items: Vec<OnboardingItem>,
    pub page: i64,
    pub pages: i64,
    pub total: i64,
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct PageParams {
    /// Page number, from 1; 50 onboardings a page.
    pub page: Option<String>,
}

/// The onboardings the caller may see, newest start first.
#[utoipa::path(get, path = "/api/v1/onboardings", tag = "onboardings", params(PageParams),
    responses((status = 200, body = OnboardingPage), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<PageParams>,
) -> ApiResult<OnboardingPage> {
    let page = crate::paging::page_number(q.page.as_deref())?;
    let filter = if sees_all_onboardings(&user.actor) {
        OnboardingFilter::All
    } else {
        OnboardingFilter::Involving(user.actor.person_id)
    };
    let size = crate::paging::PAGE_SIZE;
    let found = onboarding::list(
        &state,
        Caller::Person(&user),
        &filter,
        Utc::now().date_naive(),
        size,
        (page - 1) * size,
    )
    .await?;
    let total = found.total;
    let items = found
        .rows
        .into_iter()
        .map(|r| OnboardingItem {
            percent: r.percent(),
            id: r.id,
            person_id: r.person_id,
            person_name: r.person_name,
            person_email: r.person_email,
            segment: r.segment,
            region: r.region,
            start_date: r.start_date,
            status: r.status,
            program: r.program_slug,
            program_version: r.program_version,
            manager: r.manager_name,
            buddy: r.buddy_name,
            total_tasks: r.total_tasks,
            finished_tasks: r.finished_tasks,
            overdue_tasks: r.overdue_tasks,
        })
        .collect();
    Ok(Json(OnboardingPage {
        items,
        page,
        pages: ((total + size - 1) / size).max(1),
        total,
    }))
}

/// Who to start an onboarding for; people are named by email.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateOnboarding {
    pub email: String,
    /// The first day, YYYY-MM-DD.
    pub start_date: NaiveDate,
    pub manager_email: Option<String>,
    pub people_connect_email: Option<String>,
    pub enablement_email: Option<String>,
    pub buddy_email: Option<String>,
    /// A program id; by default the program for the person's segment and region.
    pub program: Option<String>,
}

async fn person_id(
    state: &AppState,
    field: &str,
    email: Option<&str>,
) -> Result<Option<i64>, WebError> {
    Ok(onboarding::person_id_by_email(state, field, email).await?)
}

/// The request a body names: people by email, People Connect by default the caller.
async fn start_request(
    state: &AppState,
    user: &CurrentUser,
    body: CreateOnboarding,
) -> Result<StartRequest, ApiError> {
    // Refused before the body is read (the use case checks again).
    if !may_create_onboarding(&user.actor) {
        return Err(
            WebError::Forbidden("only People Connect and admins start onboardings".into()).into(),
        );
    }
    let person = person_id(state, "email", Some(&body.email))
        .await?
        .ok_or_else(|| WebError::BadRequest {
            field: "email".into(),
            message: "required".into(),
        })?;
    Ok(StartRequest {
        person_id: person,
        start_date: body.start_date,
        manager_id: person_id(state, "manager_email", body.manager_email.as_deref()).await?,
        people_connect_id: person_id(
            state,
            "people_connect_email",
            body.people_connect_email.as_deref(),
        )
        .await?
        .or(Some(user.actor.person_id)),
        enablement_id: person_id(state, "enablement_email", body.enablement_email.as_deref())
            .await?,
        buddy_id: person_id(state, "buddy_email", body.buddy_email.as_deref()).await?,
        program: body.program,
    })
}

/// What to look at again before starting an onboarding.
#[derive(Serialize, ToSchema)]
pub struct StartCheck {
    /// Empty when nothing stands out.
    pub warnings: Vec<onboarding::StartWarning>,
}

/// Checks an onboarding before starting it, saving nothing: the person has
/// no manager, nobody fits as buddy (when none is named), tasks would be
/// overdue on that first day, or the person has an open onboarding already.
#[utoipa::path(post, path = "/api/v1/onboardings/preflight", tag = "onboardings", request_body = CreateOnboarding,
    responses((status = 200, body = StartCheck), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn preflight(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(body): ApiJson<CreateOnboarding>,
) -> ApiResult<StartCheck> {
    let request = start_request(&state, &user, body).await?;
    Ok(Json(StartCheck {
        warnings: onboarding::start_warnings(&state, Caller::Person(&user), &request).await?,
    }))
}

/// A new onboarding, with what People Connect should look at again.
#[derive(Serialize, ToSchema)]
pub struct StartedOnboarding {
    #[serde(flatten)]
    pub onboarding: OnboardingView,
    /// The warnings of `POST /api/v1/onboardings/preflight` as they stood
    /// when it was started (empty when nothing stood out).
    pub warnings: Vec<onboarding::StartWarning>,
}

/// Starts an onboarding (People Connect and admins). Check it first with
/// `POST /api/v1/onboardings/preflight`; the answer repeats the warnings.
#[utoipa::path(post, path = "/api/v1/onboardings", tag = "onboardings", request_body = CreateOnboarding,
    responses((status = 201, body = StartedOnboarding), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(body): ApiJson<CreateOnboarding>,
) -> Result<(StatusCode, Json<StartedOnboarding>), ApiError> {
    let request = start_request(&state, &user, body).await?;
    let warnings = onboarding::start_warnings(&state, Caller::Person(&user), &request).await?;
    let o = onboarding::start(&state, Caller::Person(&user), &request).await?;
    let loaded = onboarding::load(&state, &user, o.id, OnboardingAction::Read).await?;
    Ok((
        StatusCode::CREATED,
        Json(StartedOnboarding {
            onboarding: onboarding::view(&state, &user, &loaded).await?,
            warnings,
        }),
    ))
}

/// One onboarding with its phases, tasks and graduation checklist.
#[utoipa::path(get, path = "/api/v1/onboardings/{id}", tag = "onboardings", params(("id" = i64, Path)),
    responses((status = 200, body = OnboardingView), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get_one(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> ApiResult<OnboardingView> {
    let loaded = onboarding::load(&state, &user, id, OnboardingAction::Read).await?;
    Ok(Json(onboarding::view(&state, &user, &loaded).await?))
}

/// A change to an onboarding: its start date. `version` must be the one you read.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateOnboarding {
    pub version: i64,
    pub start_date: NaiveDate,
}

/// Moves the start date; open tasks' due dates follow (manager, admin).
#[utoipa::path(patch, path = "/api/v1/onboardings/{id}", tag = "onboardings", params(("id" = i64, Path)), request_body = UpdateOnboarding,
    responses((status = 200, body = OnboardingView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, description = "Stale version", body = ErrorBody)))]
pub async fn update(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<UpdateOnboarding>,
) -> ApiResult<OnboardingView> {
    onboarding::move_start(&state, &user, id, body.version, body.start_date).await?;
    let loaded = onboarding::load(&state, &user, id, OnboardingAction::Read).await?;
    Ok(Json(onboarding::view(&state, &user, &loaded).await?))
}

/// Complete, skip (with an optional note) or reopen a task.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TaskChange {
    /// complete, skip or reopen.
    pub action: String,
    /// The task version you read.
    pub version: i64,
    pub note: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TaskChanged {
    pub id: i64,
    pub status: String,
    pub version: i64,
    /// Other tasks whose status followed: `[task id, new status]`.
    pub followed: Vec<(String, String)>,
}

/// Changes a task's status (its owner role, the manager, admins).
#[utoipa::path(post, path = "/api/v1/onboardings/{id}/tasks/{task_id}", tag = "onboardings",
    params(("id" = i64, Path), ("task_id" = i64, Path)), request_body = TaskChange,
    responses((status = 200, body = TaskChanged), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, description = "Stale version, or blocked", body = ErrorBody)))]
pub async fn change_task(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, task_id)): Path<(i64, i64)>,
    ApiJson(body): ApiJson<TaskChange>,
) -> ApiResult<TaskChanged> {
    let action = parse_action(&body.action, body.note.as_deref().unwrap_or(""))?;
    let update = onboarding::change_task(
        &state,
        &user,
        id,
        task_id,
        body.version,
        &action,
        body.note.as_deref(),
    )
    .await?;
    Ok(Json(TaskChanged {
        id: update.task.id,
        status: update.task.status,
        version: update.task.version,
        followed: update.followed,
    }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CommentItem {
    pub author: String,
    /// When it was written (RFC 3339, UTC).
    pub at: String,
    /// Sanitized HTML of the Markdown.
    pub html: String,
    /// `[attachment id, file name]`; fetch with `/attachments/{id}`.
    pub attachments: Vec<(i64, String)>,
}

/// The comments of an onboarding, oldest first.
#[utoipa::path(get, path = "/api/v1/onboardings/{id}/comments", tag = "onboardings", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<CommentItem>), (status = 404, body = ErrorBody)))]
pub async fn comments(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> ApiResult<Vec<CommentItem>> {
    onboarding::load(&state, &user, id, OnboardingAction::Read).await?;
    let lines = comment_lines(&state, id, None, "UTC").await?;
    Ok(Json(
        lines
            .into_iter()
            .map(|c| CommentItem {
                author: c.author,
                at: c.at.iso,
                html: c.html,
                attachments: c.attachments,
            })
            .collect(),
    ))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CommentCreated {
    pub id: i64,
    /// Mentions that notified nobody, with the reason: only people who may
    /// see the onboarding are told of a comment.
    pub not_notified: Vec<NotNotified>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct NotNotified {
    /// The handle or role as written, without the `@`.
    pub mention: String,
    /// no-such-person, role-vacant, no-account, disabled or cannot-see.
    pub reason: String,
    /// The reason in words.
    pub message: String,
}

/// Adds a comment (multipart form: `body`, optional `task_id`, optional
/// `screenshot` up to 10 MB, PNG/JPEG/GIF/WebP judged from its bytes).
/// @mentions of roles and people land in their inbox.
#[utoipa::path(post, path = "/api/v1/onboardings/{id}/comments", tag = "onboardings", params(("id" = i64, Path)),
    responses((status = 201, body = CommentCreated), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn add_comment(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    multipart: Multipart,
) -> Result<(StatusCode, Json<CommentCreated>), ApiError> {
    // A session's CSRF token comes in the header, checked with the session.
    let (_, input) = read_comment_form(multipart).await?;
    let (comment, unreached) = save_comment(&state, &user, id, input).await?;
    let not_notified = unreached
        .into_iter()
        .map(|u| NotNotified {
            mention: u.mention,
            reason: u.reason.code().to_string(),
            message: u.reason.text().to_string(),
        })
        .collect();
    Ok((
        StatusCode::CREATED,
        Json(CommentCreated {
            id: comment.id,
            not_notified,
        }),
    ))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TimelineItem {
    /// When it happened (RFC 3339, UTC).
    pub at: String,
    pub who: String,
    pub what: String,
}

/// Everything that happened to the onboarding, oldest first.
#[utoipa::path(get, path = "/api/v1/onboardings/{id}/timeline", tag = "onboardings", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<TimelineItem>), (status = 404, body = ErrorBody)))]
pub async fn timeline(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> ApiResult<Vec<TimelineItem>> {
    let loaded = onboarding::load(&state, &user, id, OnboardingAction::Read).await?;
    let lines = onboarding::timeline(&state, &loaded, "UTC").await?;
    Ok(Json(
        lines
            .into_iter()
            .map(|l| TimelineItem {
                at: l.at.iso,
                who: l.who,
                what: l.what,
            })
            .collect(),
    ))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UpgradePreview {
    /// `[task id, title, due business day]`.
    pub added: Vec<(String, String, i32)>,
    /// Open tasks the new version drops: `[task id, title]`.
    pub removed: Vec<(String, String)>,
    /// Finished tasks the new version drops, kept as done work.
    pub kept_finished: Vec<(String, String)>,
    /// `[task id, changed fields]`.
    pub changed: Vec<(String, Vec<String>)>,
}

impl From<onramp_core::onboarding::UpgradeDiff> for UpgradePreview {
    fn from(d: onramp_core::onboarding::UpgradeDiff) -> Self {
        UpgradePreview {
            added: d.added,
            removed: d.removed,
            kept_finished: d.kept_finished,
            changed: d.changed,
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct UpgradeParams {
    /// The program version (its id) to move to.
    pub version_id: i64,
}

/// What upgrading to another program version would change (manager, admin).
#[utoipa::path(get, path = "/api/v1/onboardings/{id}/upgrade", tag = "onboardings", params(("id" = i64, Path), UpgradeParams),
    responses((status = 200, body = UpgradePreview), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn upgrade_preview(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Query(q): Query<UpgradeParams>,
) -> ApiResult<UpgradePreview> {
    let (diff, _) = onboarding::upgrade_preview(&state, &user, id, q.version_id).await?;
    Ok(Json(diff.into()))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApplyUpgrade {
    pub version_id: i64,
    /// The onboarding version you read.
    pub version: i64,
}

/// Applies an upgrade: done work is kept, removed open tasks dropped, new tasks get due dates.
#[utoipa::path(post, path = "/api/v1/onboardings/{id}/upgrade", tag = "onboardings", params(("id" = i64, Path)), request_body = ApplyUpgrade,
    responses((status = 200, body = UpgradePreview), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn upgrade(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<ApplyUpgrade>,
) -> ApiResult<UpgradePreview> {
    let (_, diff) = onboarding::upgrade(&state, &user, id, body.version, body.version_id).await?;
    Ok(Json(diff.into()))
}

/// This module's endpoints, for `api::router` (documented in the OpenAPI
/// document from their `#[utoipa::path]`).
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(preflight))
        .routes(routes!(get_one, update))
        .routes(routes!(change_task))
        .routes(routes!(comments, add_comment))
        .routes(routes!(timeline))
        .routes(routes!(upgrade_preview, upgrade))
}
