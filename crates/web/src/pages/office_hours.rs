//! Office hours: the board, questions and answers, and calendar feeds.

use super::Nav;
use crate::auth::{CurrentUser, VerifiedForm};
use crate::{AppState, WebError};
use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use onramp_app::office_hours::{self as oh, QuestionView, SeriesView};
use onramp_core::recurrence::{self, Repeat};
use serde::Deserialize;

#[derive(Template)]
#[template(path = "office_hours.html")]
struct BoardPage {
    nav: Option<Nav>,
    series: Vec<SeriesView>,
    zone: String,
    csrf: String,
    enablement: bool,
    /// The picker's choices: how often, the days of the week, the zones.
    repeats: Vec<(&'static str, &'static str)>,
    days: Vec<(&'static str, &'static str)>,
    /// Every zone, the viewer's own chosen.
    zones: Vec<(&'static str, bool)>,
    feed: Option<FeedAddress>,
}

/// The viewer's calendar feed as the page shows it.
struct FeedAddress {
    /// The whole address, unless the feed was made before addresses were kept.
    url: Option<String>,
    /// Made just now: shown open, with a notice.
    just_made: bool,
}

async fn render_board(
    state: &AppState,
    user: &CurrentUser,
    headers: &axum::http::HeaderMap,
    just_made: bool,
) -> Result<Html<String>, WebError> {
    let feed = oh::my_feed(state, user).await?.map(|secret| FeedAddress {
        url: secret.map(|s| super::absolute(state, headers, &format!("/calendar/{s}.ics"))),
        just_made,
    });
    let (series, zone) = oh::my_board(state, user).await?;
    // Only those who schedule office hours see the picker.
    let zones = if oh::is_enablement(user) {
        super::zone_options(&zone)
    } else {
        Vec::new()
    };
    Ok(Html(
        BoardPage {
            nav: Nav::of(state, user).await?,
            series,
            zone,
            csrf: user.csrf().to_string(),
            enablement: oh::is_enablement(user),
            repeats: Repeat::ALL
                .iter()
                .map(|r| (r.as_str(), r.label()))
                .collect(),
            days: recurrence::DAYS
                .iter()
                .map(|(d, code)| (*code, recurrence::day_name(*d)))
                .collect(),
            zones,
            feed,
        }
        .render()?,
    ))
}

/// `GET /office-hours`.
pub async fn board(
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
    user: CurrentUser,
) -> Result<Html<String>, WebError> {
    render_board(&state, &user, &headers, false).await
}

/// `POST /office-hours`: the Enablement team defines a series.
pub async fn create(
    State(state): State<AppState>,
    f: VerifiedForm<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    // Refused before the form is read (the use case checks again).
    if !onramp_core::access::may_run_office_hours(&f.user) {
        return Err(WebError::Forbidden(
            "only the Enablement team schedules office hours".into(),
        ));
    }
    let input = series_input(&f.form);
    oh::create_series(&state, onramp_app::Caller::Person(&f.user), &input).await?;
    Ok(Redirect::to("/office-hours").into_response())
}

/// The picker's form: one value per field, and a `days` box per ticked day.
fn series_input(form: &[(String, String)]) -> oh::SeriesInput {
    let get = |k: &str| {
        form.iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    oh::SeriesInput {
        title: get("title"),
        start: get("start"),
        time_zone: get("time_zone"),
        rrule: String::new(),
        repeat: get("repeat"),
        days: form
            .iter()
            .filter(|(k, _)| k == "days")
            .map(|(_, v)| v.clone())
            .collect(),
        until: get("until"),
        duration_minutes: get("duration_minutes"),
        video_url: get("video_url"),
        host_email: get("host_email"),
    }
}

#[derive(Deserialize)]
pub struct AskForm {
    body: String,
    #[serde(default)]
    anonymous: String,
    #[serde(default)]
    session: String,
}

/// `POST /office-hours/{id}/questions`.
pub async fn ask(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    f: VerifiedForm<AskForm>,
) -> Result<Response, WebError> {
    let session = match f.form.session.trim() {
        "" => None,
        s => Some(s.parse::<i64>().map_err(|_| WebError::BadRequest {
            field: "session".into(),
            message: "choose one of the upcoming sessions".into(),
        })?),
    };
    let q = oh::ask(
        &state,
        &f.user,
        id,
        &f.form.body,
        matches!(f.form.anonymous.as_str(), "true" | "on"),
        session,
    )
    .await?;
    Ok(Redirect::to(&format!("/office-hours#question-{}", q.id)).into_response())
}

#[derive(Deserialize)]
pub struct VoteForm {
    #[serde(default)]
    up: String,
}

/// `POST /office-hours/questions/{id}/vote`.
pub async fn vote(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    f: VerifiedForm<VoteForm>,
) -> Result<Response, WebError> {
    oh::vote(&state, &f.user, id, f.form.up != "false").await?;
    Ok(Redirect::to(&format!("/office-hours#question-{id}")).into_response())
}

#[derive(Deserialize)]
pub struct AnswerForm {
    #[serde(default)]
    answer: String,
    #[serde(default)]
    links: String,
    #[serde(default)]
    duplicate_of: String,
}

/// `POST /office-hours/questions/{id}/answer`.
pub async fn answer(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    f: VerifiedForm<AnswerForm>,
) -> Result<Response, WebError> {
    let duplicate_of = match f.form.duplicate_of.trim() {
        "" => None,
        d => Some(d.parse::<i64>().map_err(|_| WebError::BadRequest {
            field: "duplicate_of".into(),
            message: "choose a question".into(),
        })?),
    };
    oh::answer(
        &state,
        &f.user,
        id,
        &f.form.answer,
        &f.form.links,
        duplicate_of,
    )
    .await?;
    Ok(Redirect::to(&format!("/office-hours/questions/{id}")).into_response())
}

#[derive(Template)]
#[template(path = "question.html")]
struct QuestionPage {
    nav: Option<Nav>,
    q: QuestionView,
    series: String,
}

/// `GET /office-hours/questions/{id}`.
pub async fn question(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<Html<String>, WebError> {
    let (q, series) = oh::question_for(&state, &user, id).await?;
    Ok(Html(
        QuestionPage {
            nav: Nav::of(&state, &user).await?,
            q,
            series,
        }
        .render()?,
    ))
}

fn ics(body: String, filename: &str) -> Response {
    (
        [
            (
                header::CONTENT_TYPE,
                "text/calendar; charset=utf-8".to_string(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{filename}\""),
            ),
            (header::CACHE_CONTROL, "private, max-age=300".to_string()),
        ],
        body,
    )
        .into_response()
}

/// `GET /office-hours/{id}/sessions/{start}.ics`: "Add to calendar".
pub async fn session_ics(
    State(state): State<AppState>,
    _user: CurrentUser,
    Path((id, file)): Path<(i64, String)>,
) -> Result<Response, WebError> {
    let ts = file
        .strip_suffix(".ics")
        .and_then(|t| t.parse::<i64>().ok())
        .ok_or(WebError::NotFound)?;
    Ok(ics(
        oh::session_ics(&state, id, ts).await?,
        "office-hours.ics",
    ))
}

/// `POST /office-hours/{id}/cancel/{start}`.
pub async fn cancel(
    State(state): State<AppState>,
    Path((id, start)): Path<(i64, i64)>,
    f: VerifiedForm<VoteForm>,
) -> Result<Response, WebError> {
    oh::cancel(&state, &f.user, id, start).await?;
    Ok(Redirect::to("/office-hours").into_response())
}

#[derive(Deserialize)]
pub struct RemindForm {
    /// The session's start, Unix seconds.
    session: i64,
    #[serde(default)]
    remind: String,
}

/// `POST /office-hours/{id}/reminder`: a reminder of one session an hour
/// before it starts (`remind=1`), or none.
pub async fn remind(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    f: VerifiedForm<RemindForm>,
) -> Result<Response, WebError> {
    let session = chrono::DateTime::from_timestamp(f.form.session, 0).ok_or_else(|| {
        WebError::from(onramp_app::Error::bad("session", "is not a session start"))
    })?;
    let on = super::ticked(&f.form.remind);
    onramp_app::reminders::session(&state, &f.user, id, session, on).await?;
    Ok(Redirect::to(&format!("/office-hours#series-{id}")).into_response())
}

/// `POST /calendar/token`: a new feed address, shown at once (and again
/// whenever its owner asks).
pub async fn rotate_feed(
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
    f: VerifiedForm<VoteForm>,
) -> Result<Html<String>, WebError> {
    oh::rotate_feed(&state, &f.user).await?;
    render_board(&state, &f.user, &headers, true).await
}

/// `POST /calendar/token/revoke`.
pub async fn revoke_feed(
    State(state): State<AppState>,
    f: VerifiedForm<VoteForm>,
) -> Result<Response, WebError> {
    oh::revoke_feed(&state, &f.user).await?;
    Ok(Redirect::to("/office-hours#feed-h").into_response())
}

async fn feed_owner(state: &AppState, secret: &str) -> Result<i64, WebError> {
    Ok(oh::feed_owner(state, secret).await?)
}

/// `GET /calendar/{secret}.ics`: the person's feed (the secret is the credential).
pub async fn feed(
    State(state): State<AppState>,
    Path(file): Path<String>,
) -> Result<Response, WebError> {
    let secret = file.strip_suffix(".ics").ok_or(WebError::NotFound)?;
    let person = feed_owner(&state, secret).await?;
    Ok(ics(oh::feed_of(&state, person, false).await?, "onramp.ics"))
}

/// `GET /calendar/{secret}/office-hours.ics`: office hours alone.
pub async fn office_hours_feed(
    State(state): State<AppState>,
    Path(secret): Path<String>,
) -> Result<Response, WebError> {
    let person = feed_owner(&state, &secret).await?;
    Ok(ics(
        oh::feed_of(&state, person, true).await?,
        "office-hours.ics",
    ))
}

/// This module's pages and forms, for `pages::routes`.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/office-hours", get(board).post(create))
        .route("/office-hours/{id}/questions", post(ask))
        .route("/office-hours/{id}/sessions/{file}", get(session_ics))
        .route("/office-hours/{id}/cancel/{start}", post(cancel))
        .route("/office-hours/{id}/reminder", post(remind))
        .route("/office-hours/questions/{id}", get(question))
        .route("/office-hours/questions/{id}/vote", post(vote))
        .route("/office-hours/questions/{id}/answer", post(answer))
        .route("/calendar/token", post(rotate_feed))
        .route("/calendar/token/revoke", post(revoke_feed))
        .route("/calendar/{file}", get(feed))
        .route(
            "/calendar/{secret}/office-hours.ics",
            get(office_hours_feed),
        )
}
