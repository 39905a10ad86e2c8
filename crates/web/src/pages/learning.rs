//! The learning page of an onboarding, webinars, the access request queue
//! and the content freshness report.

use super::Nav;
use crate::auth::{CurrentUser, VerifiedForm};
use crate::{AppState, WebError};
use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use onramp_app::learning::{self, CertificationInput, LearningView, ModuleInput, ReviewInput};
use onramp_app::onboarding;
use onramp_app::webinar::{self, WebinarInput, WebinarList};
use onramp_core::access::OnboardingAction;
use onramp_core::catalogue::{CertPlan, plan_certifications};
use onramp_handbook::freshness::Report;
use onramp_store::AccessRequest;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "learning.html")]
struct LearningPage {
    nav: Option<Nav>,
    l: LearningView,
    /// The recommended order of the planned certifications.
    plan: Option<CertPlan>,
    /// Nothing joined yet: the region's channels start ticked.
    preselect: bool,
    csrf: String,
    clock: super::Clock,
}

impl LearningPage {
    fn channel_groups(&self) -> Vec<(&'static str, Vec<&learning::ChannelRow>)> {
        [
            ("csm", "Customer Success"),
            ("company", "Company"),
            ("regional", "Your region and others"),
        ]
        .into_iter()
        .map(|(g, title)| {
            (
                title,
                self.l.channels.iter().filter(|c| c.group == g).collect(),
            )
        })
        .collect()
    }

    fn reading_sections(&self) -> [(&'static str, &Vec<learning::ReadingRow>); 2] {
        [
            ("Reading list (first three months)", &self.l.reading_list),
            ("Product knowledge (weeks 4–6)", &self.l.product_knowledge),
        ]
    }

    fn title_of(&self, certification: &str) -> String {
        self.l
            .certifications
            .iter()
            .find(|c| c.id == certification)
            .map_or_else(|| certification.to_string(), |c| c.title.clone())
    }
}

/// `GET /onboardings/{id}/learning`.
pub async fn page(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<Html<String>, WebError> {
    let loaded = onboarding::load(&state, &user, id, OnboardingAction::Read).await?;
    let l = learning::view(&state, &user, &loaded).await?;
    let planned: Vec<String> = l
        .certifications
        .iter()
        .filter(|c| {
            c.record
                .as_ref()
                .is_some_and(|r| r.planned_on.is_some() && r.passed_on.is_none())
        })
        .map(|c| c.id.clone())
        .collect();
    let plan = (planned.len() > 1)
        .then(|| plan_certifications(&learning::catalogues().certifications, &planned).ok())
        .flatten();
    let nav = Nav::of(&state, &user).await?;
    Ok(Html(
        LearningPage {
            clock: super::Clock::of(&user),
            csrf: user.csrf().to_string(),
            nav,
            preselect: !l.channels.iter().any(|c| c.joined),
            plan,
            l,
        }
        .render()?,
    ))
}

fn back(id: i64, anchor: &str) -> Response {
    Redirect::to(&format!("/onboardings/{id}/learning#{anchor}")).into_response()
}

#[derive(Deserialize)]
pub struct ModuleForm {
    module: String,
    #[serde(default)]
    completed_on: String,
    #[serde(default)]
    evidence_url: String,
    #[serde(default)]
    undo: String,
}

/// `POST /onboardings/{id}/learning/modules`: mark a module done (or undo).
pub async fn module(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    f: VerifiedForm<ModuleForm>,
) -> Result<Response, WebError> {
    if f.form.undo == "1" {
        learning::undo_module(&state, &f.user, id, f.form.module.trim()).await?;
    } else {
        learning::complete_module(
            &state,
            &f.user,
            id,
            &ModuleInput {
                module: f.form.module.clone(),
                completed_on: Some(f.form.completed_on.clone()),
                evidence_url: Some(f.form.evidence_url.clone()),
            },
        )
        .await?;
    }
    Ok(back(id, "pathway-h"))
}

#[derive(Deserialize)]
pub struct CertificationForm {
    #[serde(default)]
    planned_on: String,
    #[serde(default)]
    attempt: String,
    #[serde(default)]
    passed_on: String,
    #[serde(default)]
    expires_on: String,
    #[serde(default)]
    evidence_url: String,
}

/// `POST /onboardings/{id}/learning/certifications/{certification}`.
pub async fn certification(
    State(state): State<AppState>,
    Path((id, certification)): Path<(i64, String)>,
    f: VerifiedForm<CertificationForm>,
) -> Result<Response, WebError> {
    let form = &f.form;
    learning::save_certification(
        &state,
        &f.user,
        id,
        &certification,
        &CertificationInput {
            planned_on: Some(form.planned_on.clone()),
            attempt: Some(super::ticked(&form.attempt)),
            passed_on: Some(form.passed_on.clone()),
            expires_on: Some(form.expires_on.clone()),
            evidence_url: Some(form.evidence_url.clone()),
        },
    )
    .await?;
    Ok(back(id, "certifications-h"))
}

#[derive(Deserialize)]
pub struct ReviewForm {
    #[serde(default)]
    decision: String,
    #[serde(default)]
    note: String,
}

/// `POST /onboardings/{id}/learning/certifications/{certification}/review`.
pub async fn review_certification(
    State(state): State<AppState>,
    Path((id, certification)): Path<(i64, String)>,
    f: VerifiedForm<ReviewForm>,
) -> Result<Response, WebError> {
    learning::review_certification(
        &state,
        &f.user,
        id,
        &certification,
        &ReviewInput {
            decision: f.form.decision.clone(),
            note: Some(f.form.note.clone()),
        },
    )
    .await?;
    Ok(back(id, &format!("certification-{certification}")))
}

/// `POST /onboardings/{id}/learning/channels`: the ticked `channel` boxes.
pub async fn channels(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    f: VerifiedForm<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let ticked: Vec<String> = f
        .form
        .iter()
        .filter(|(k, _)| k == "channel")
        .map(|(_, v)| v.clone())
        .collect();
    learning::set_channels(&state, &f.user, id, &ticked).await?;
    Ok(back(id, "channels-h"))
}

#[derive(Deserialize)]
pub struct ReadForm {
    item: String,
    #[serde(default)]
    read: String,
}

/// `POST /onboardings/{id}/learning/reading`: mark an entry read or unread.
pub async fn reading(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    f: VerifiedForm<ReadForm>,
) -> Result<Response, WebError> {
    let read = f.form.read != "0";
    learning::set_read(&state, &f.user, id, f.form.item.trim(), read).await?;
    Ok(back(id, "reading-h"))
}

#[derive(Deserialize)]
pub struct AccessForm {
    playground: String,
    #[serde(default)]
    note: String,
}

/// `POST /onboardings/{id}/learning/access`: request access to a system.
pub async fn request_access(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    f: VerifiedForm<AccessForm>,
) -> Result<Response, WebError> {
    learning::request_access(&state, &f.user, id, &f.form.playground, &f.form.note).await?;
    Ok(back(id, "access-h"))
}

#[derive(Deserialize)]
pub struct MoveForm {
    status: String,
    #[serde(default)]
    note: String,
    /// Where to go afterwards: the queue or the onboarding's page.
    #[serde(default)]
    from: String,
}

/// `POST /access-requests/{id}`: approve, deny or provision.
pub async fn move_access(
    State(state): State<AppState>,
    Path(request_id): Path<i64>,
    f: VerifiedForm<MoveForm>,
) -> Result<Response, WebError> {
    let r =
        learning::move_access(&state, &f.user, request_id, &f.form.status, &f.form.note).await?;
    if f.form.from == "queue" {
        Ok(Redirect::to("/access-requests").into_response())
    } else {
        Ok(back(r.onboarding_id, "access-h"))
    }
}

/// One line of the queue.
struct QueueLine {
    request: AccessRequest,
    system: String,
    new_hire: String,
}

#[derive(Template)]
#[template(path = "access_requests.html")]
struct QueuePage {
    nav: Option<Nav>,
    lines: Vec<QueueLine>,
    csrf: String,
    clock: super::Clock,
}

/// `GET /access-requests`: requests waiting for the signed-in person.
pub async fn queue(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Html<String>, WebError> {
    let mut lines = Vec::new();
    for (request, new_hire) in learning::queue(&state, &user).await? {
        lines.push(QueueLine {
            system: learning::catalogues()
                .playground(&request.playground_id)
                .map_or_else(|| request.playground_id.clone(), |p| p.title.clone()),
            new_hire,
            request,
        });
    }
    let nav = Nav::of(&state, &user).await?;
    Ok(Html(
        QueuePage {
            clock: super::Clock::of(&user),
            csrf: user.csrf().to_string(),
            nav,
            lines,
        }
        .render()?,
    ))
}

#[derive(Template)]
#[template(path = "webinars.html")]
struct WebinarsPage {
    nav: Option<Nav>,
    w: WebinarList,
    csrf: String,
    zones: Vec<(&'static str, bool)>,
}

/// `GET /webinars`.
pub async fn webinar_list(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Html<String>, WebError> {
    let w = webinar::list(&state, &user).await?;
    // Only those who add webinars see the form with its zones.
    let zones = if w.can_manage {
        super::zone_options(&user.account.time_zone)
    } else {
        Vec::new()
    };
    let nav = Nav::of(&state, &user).await?;
    Ok(Html(
        WebinarsPage {
            csrf: user.csrf().to_string(),
            nav,
            w,
            zones,
        }
        .render()?,
    ))
}

#[derive(Deserialize)]
pub struct WebinarForm {
    title: String,
    starts_at: String,
    #[serde(default)]
    time_zone: String,
    duration_minutes: String,
    host: String,
    #[serde(default)]
    registration_url: String,
}

/// `POST /webinars`: add one (the Enablement team).
pub async fn add_webinar(
    State(state): State<AppState>,
    f: VerifiedForm<WebinarForm>,
) -> Result<Response, WebError> {
    let form = f.form;
    webinar::add(
        &state,
        onramp_app::Caller::Person(&f.user),
        &WebinarInput {
            title: form.title,
            starts_at: form.starts_at,
            time_zone: Some(form.time_zone),
            duration_minutes: form.duration_minutes,
            host: form.host,
            registration_url: Some(form.registration_url),
        },
    )
    .await?;
    Ok(Redirect::to("/webinars").into_response())
}

#[derive(Deserialize)]
pub struct AttendForm {
    how: String,
}

/// `POST /webinars/{id}/attendance`.
pub async fn attend(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    f: VerifiedForm<AttendForm>,
) -> Result<Response, WebError> {
    webinar::attend(&state, &f.user, id, &f.form.how).await?;
    Ok(Redirect::to("/webinars").into_response())
}

#[derive(Deserialize)]
pub struct RemindForm {
    #[serde(default)]
    remind: String,
}

/// `POST /webinars/{id}/reminder`: `remind=1` asks for a reminder an hour
/// before, anything else drops it.
pub async fn remind(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    f: VerifiedForm<RemindForm>,
) -> Result<Response, WebError> {
    let on = super::ticked(&f.form.remind);
    onramp_app::reminders::webinar(&state, &f.user, id, on).await?;
    Ok(Redirect::to(&format!("/webinars#webinar-{id}")).into_response())
}

#[derive(Deserialize)]
pub struct RecordingForm {
    #[serde(default)]
    recording_url: String,
}

/// `POST /webinars/{id}/recording`.
pub async fn recording(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    f: VerifiedForm<RecordingForm>,
) -> Result<Response, WebError> {
    webinar::set_recording(&state, &f.user, id, Some(&f.form.recording_url)).await?;
    Ok(Redirect::to("/webinars").into_response())
}

#[derive(Template)]
#[template(path = "content.html")]
struct ContentPage {
    nav: Option<Nav>,
    r: Report,
}

#[derive(Deserialize)]
pub struct ContentQuery {
    max_age_days: Option<i64>,
}

/// `GET /content`: stale entries and broken links (the Enablement team).
pub async fn content(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<ContentQuery>,
) -> Result<Html<String>, WebError> {
    let r = webinar::freshness(&state, &user, q.max_age_days).await?;
    let nav = Nav::of(&state, &user).await?;
    Ok(Html(ContentPage { nav, r }.render()?))
}

/// This module's pages and forms, for `pages::routes`.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/onboardings/{id}/learning", get(page))
        .route("/onboardings/{id}/learning/modules", post(module))
        .route(
            "/onboardings/{id}/learning/certifications/{certification}",
            post(certification),
        )
        .route(
            "/onboardings/{id}/learning/certifications/{certification}/review",
            post(review_certification),
        )
        .route("/onboardings/{id}/learning/channels", post(channels))
        .route("/onboardings/{id}/learning/reading", post(reading))
        .route("/onboardings/{id}/learning/access", post(request_access))
        .route("/access-requests", get(queue))
        .route("/access-requests/{id}", post(move_access))
        .route("/webinars", get(webinar_list).post(add_webinar))
        .route("/webinars/{id}/attendance", post(attend))
        .route("/webinars/{id}/reminder", post(remind))
        .route("/webinars/{id}/recording", post(recording))
        .route("/content", get(content))
}
