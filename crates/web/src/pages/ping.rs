//! Service Ping pages: upload, instance history, report and explorer, practice.

use super::Nav;
use crate::auth::{CurrentUser, VerifiedForm};
use crate::{AppState, WebError};
use askama::Template;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::extract::{Multipart, Path, Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use onramp_app::ping::{self as sp, Checked, KeyRow, PracticeAnswers};
use onramp_ping::analysis::Analysis;
use onramp_ping::compare::Comparison;
use onramp_store::PingUpload;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "ping.html")]
struct IndexPage {
    nav: Option<Nav>,
    csrf: String,
    uploads: Vec<PingUpload>,
    clock: super::Clock,
}

/// `GET /ping`.
pub async fn index(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Html<String>, WebError> {
    let uploads = sp::uploads(&state).await?;
    Ok(Html(
        IndexPage {
            nav: Nav::of(&state, &user).await?,
            csrf: user.csrf().to_string(),
            uploads,
            clock: super::Clock::of(&user),
        }
        .render()?,
    ))
}

/// `POST /ping` (multipart: csrf, payload).
pub async fn upload(
    State(state): State<AppState>,
    user: CurrentUser,
    mut multipart: Multipart,
) -> Result<Response, WebError> {
    let bad = |m: String| WebError::BadRequest {
        field: "payload".into(),
        message: m,
    };
    let mut csrf = String::new();
    let mut file: Option<(String, axum::body::Bytes)> = None;
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|e| bad(e.body_text()))?
    {
        match field.name().unwrap_or("") {
            "csrf" => csrf = field.text().await.map_err(|e| bad(e.body_text()))?,
            "payload" => {
                let name = field.file_name().unwrap_or("payload.json").to_string();
                let bytes = field.bytes().await.map_err(|e| {
                    bad(format!(
                        "the upload failed or is larger than {} MB ({})",
                        state.limits.upload_bytes / 1024 / 1024,
                        e.body_text()
                    ))
                })?;
                file = Some((name, bytes));
            }
            _ => {}
        }
    }
    user.check_csrf(&csrf)?;
    let (name, bytes) = file.ok_or_else(|| bad("choose a payload file".into()))?;
    let (stored, _) = sp::upload(&state, user.actor.person_id, &name, bytes).await?;
    Ok(Redirect::to(&format!("/ping/payloads/{}", stored.id)).into_response())
}

#[derive(Template)]
#[template(path = "ping_payload.html")]
struct PayloadPage {
    nav: Option<Nav>,
    upload: PingUpload,
    report: String,
    rows: Vec<KeyRow>,
    total: usize,
    q: String,
    page: usize,
}

#[derive(Deserialize)]
pub struct ExploreQuery {
    q: Option<String>,
    page: Option<String>,
}

/// `GET /ping/payloads/{id}`: the report and the key explorer.
pub async fn payload(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Query(query): Query<ExploreQuery>,
) -> Result<Html<String>, WebError> {
    let page = crate::paging::page_number(query.page.as_deref())? as usize;
    let (upload, p, a) = sp::analysis(&state, id).await?;
    let q = query.q.unwrap_or_default();
    let (rows, total) = sp::explore(&p, &q, page);
    Ok(Html(
        PayloadPage {
            nav: Nav::of(&state, &user).await?,
            upload,
            report: onramp_ping::report::fragment(&a),
            rows,
            total,
            q,
            page,
        }
        .render()?,
    ))
}

#[derive(Template)]
#[template(path = "ping_instance.html")]
struct InstancePage {
    nav: Option<Nav>,
    csrf: String,
    key: String,
    label: String,
    uploads: Vec<(PingUpload, Analysis)>,
    comparisons: Vec<Comparison>,
    chart: String,
    trend: Vec<sp::TrendRow>,
}

/// `GET /ping/instances/{key}`: the history of one instance.
pub async fn instance(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(key): Path<String>,
) -> Result<Html<String>, WebError> {
    let mut h = sp::history(&state, &key).await?;
    // Under the instance's own heading, a payload is named by its date.
    for c in &mut h.comparisons {
        for name in [&mut c.from, &mut c.to] {
            if let Some((_, date)) = name.rsplit_once(" · ") {
                *name = date.to_string();
            }
        }
    }
    Ok(Html(
        InstancePage {
            nav: Nav::of(&state, &user).await?,
            csrf: user.csrf().to_string(),
            label: h
                .uploads
                .last()
                .map(|(u, _)| u.label.clone())
                .unwrap_or_default(),
            key,
            uploads: h.uploads,
            comparisons: h.comparisons,
            chart: h.chart,
            trend: h.trend,
        }
        .render()?,
    ))
}

#[derive(Deserialize)]
pub struct LabelForm {
    label: String,
}

/// `POST /ping/instances/{key}/label`: names the instance.
pub async fn rename(
    State(state): State<AppState>,
    Path(key): Path<String>,
    f: VerifiedForm<LabelForm>,
) -> Result<Response, WebError> {
    sp::rename_instance(&state, f.user.actor.person_id, &key, &f.form.label).await?;
    Ok(Redirect::to(&format!("/ping/instances/{key}")).into_response())
}

#[derive(Template)]
#[template(path = "ping_practice.html")]
struct PracticePage {
    nav: Option<Nav>,
    csrf: String,
    /// Each sample: its name in links and its title.
    samples: Vec<(&'static str, &'static str)>,
    sample: String,
    /// Each measure: its id (the answer) and its name.
    measures: Vec<(String, String)>,
    ci_choices: Vec<&'static str>,
    results: Vec<Checked>,
    answered: bool,
}

#[derive(Deserialize)]
pub struct SampleQuery {
    sample: Option<String>,
}

fn practice_page(
    nav: Option<Nav>,
    csrf: String,
    sample: &str,
    results: Vec<Checked>,
) -> Result<Html<String>, WebError> {
    let a = sp::sample(sample)?;
    Ok(Html(
        PracticePage {
            nav,
            csrf,
            samples: sp::SAMPLES
                .iter()
                .map(|(n, _)| (*n, sp::sample_title(n)))
                .collect(),
            sample: sample.to_string(),
            measures: a
                .scorecard
                .iter()
                .map(|s| {
                    (
                        s.measure_id.clone(),
                        onramp_ping::analysis::measure_name(&s.measure_id),
                    )
                })
                .collect(),
            ci_choices: sp::CI_CHOICES.to_vec(),
            answered: !results.is_empty(),
            results,
        }
        .render()?,
    ))
}

/// `GET /ping/practice?sample=…`.
pub async fn practice(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<SampleQuery>,
) -> Result<Html<String>, WebError> {
    let sample = q.sample.unwrap_or_else(|| sp::SAMPLES[0].0.to_string());
    practice_page(
        Nav::of(&state, &user).await?,
        user.csrf().to_string(),
        &sample,
        Vec::new(),
    )
}

/// `GET /ping/practice/{sample}.json`: the sample to download and explore.
pub async fn sample_file(
    _user: CurrentUser,
    Path(file): Path<String>,
) -> Result<Response, WebError> {
    let name = file.strip_suffix(".json").ok_or(WebError::NotFound)?;
    let (_, text) = sp::SAMPLES
        .iter()
        .find(|(n, _)| *n == name)
        .ok_or(WebError::NotFound)?;
    Ok((
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        *text,
    )
        .into_response())
}

/// `POST /ping/practice` (form: csrf, sample, green[], unused_seats, ci_metric).
pub async fn check(
    State(state): State<AppState>,
    user: CurrentUser,
    body: axum::body::Bytes,
) -> Result<Html<String>, WebError> {
    let pairs: Vec<(String, String)> =
        serde_urlencoded::from_bytes(&body).map_err(|e| crate::auth::bad_form(&e))?;
    let get = |k: &str| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
    user.check_csrf(&get("csrf").unwrap_or_default())?;
    let sample = get("sample").unwrap_or_else(|| sp::SAMPLES[0].0.to_string());
    let answers = PracticeAnswers {
        green: pairs
            .iter()
            .filter(|(n, _)| n == "green")
            .map(|(_, v)| v.clone())
            .collect(),
        unused_seats: get("unused_seats"),
        ci_metric: get("ci_metric"),
    };
    let a = sp::sample(&sample)?;
    let results = sp::check(&a, &answers);
    practice_page(
        Nav::of(&state, &user).await?,
        user.csrf().to_string(),
        &sample,
        results,
    )
}

/// This module's pages and forms, for `pages::routes`.
pub fn routes(body_limit: usize) -> Router<AppState> {
    Router::new()
        .route(
            "/ping",
            get(index)
                .post(upload)
                .layer(DefaultBodyLimit::max(body_limit)),
        )
        .route("/ping/payloads/{id}", get(payload))
        .route("/ping/instances/{key}", get(instance))
        .route("/ping/instances/{key}/label", post(rename))
        .route("/ping/practice", get(practice).post(check))
        .route("/ping/practice/{file}", get(sample_file))
}
