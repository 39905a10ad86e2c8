//! Service Ping in the web app: uploads kept per instance, reports with
//! trends, the key explorer, and practice exercises on sample payloads.

use crate::{App, Error};
use bytes::Bytes;
use onramp_ping::analysis::{Analysis, Band, measure_name};
use onramp_ping::{Dictionary, Payload, analyze, compare, report};
use onramp_store::PingUpload;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::sync::LazyLock;
use utoipa::ToSchema;

pub static DICTIONARY: LazyLock<Dictionary> = LazyLock::new(Dictionary::shipped);

/// The opaque key of an instance: never its uuid.
pub fn instance_key(uuid: &str) -> String {
    onramp_core::sha256_hex(format!("onramp-instance:{uuid}").as_bytes())[..16].to_string()
}

fn bad(message: impl Into<String>) -> Error {
    Error::Invalid {
        field: "payload".into(),
        message: message.into(),
    }
}

/// Runs heavy Service Ping work (parsing and analysing a stored payload) on
/// the blocking pool, within one of the server's analysis slots
/// ([`crate::limits`]); a request that cannot get one in time gets 503.
async fn bounded<T: Send + 'static>(
    state: &App,
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, Error> {
    let permit = crate::limits::slot(&state.limits).await?;
    let out = blocking(work).await;
    drop(permit);
    out
}

/// Runs work on the blocking pool (an upload already holds its slot, taken
/// before its body was read).
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, Error> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| Error::Internal(e.to_string()))
}

/// Checks and stores an uploaded payload; returns it with the payload read.
pub async fn upload(
    state: &App,
    actor: i64,
    file_name: &str,
    bytes: Bytes,
) -> Result<(PingUpload, Payload), Error> {
    if bytes.is_empty() {
        return Err(bad("the file is empty"));
    }
    let limit = state.limits.upload_bytes;
    if bytes.len() > limit {
        return Err(bad(format!(
            "the file is larger than {} MB",
            limit / 1024 / 1024
        )));
    }
    if std::str::from_utf8(&bytes).is_err() {
        return Err(bad("not UTF-8 text: a Service Ping payload is JSON"));
    }
    let parse = bytes.clone();
    let payload = blocking(move || Payload::parse(&parse, &DICTIONARY))
        .await?
        .map_err(|e| bad(e.to_string()))?;
    if payload.uuid.is_empty() {
        return Err(bad(
            "the payload has no `uuid`, so its history cannot be kept",
        ));
    }
    let text = std::str::from_utf8(&bytes).map_err(|_| bad("not UTF-8 text"))?;
    let stored = keep(&state.store, Some(actor), file_name, &payload, text).await?;
    Ok((stored, payload))
}

/// Stores a payload read: under its instance's key, named by its host name
/// (or the file name when it has none).
async fn keep(
    store: &onramp_store::Store,
    actor: Option<i64>,
    file_name: &str,
    payload: &Payload,
    text: &str,
) -> Result<PingUpload, Error> {
    let label: String = if payload.hostname.trim().is_empty() {
        file_name.chars().take(LABEL_LIMIT).collect()
    } else {
        payload.hostname.trim().chars().take(LABEL_LIMIT).collect()
    };
    Ok(store
        .add_ping_payload(
            actor,
            &instance_key(&payload.uuid),
            &label,
            &payload.version_text,
            payload.recorded_at,
            text,
        )
        .await?)
}

/// Stores the sample payloads (for the demo), unless they are stored already.
pub async fn seed_samples(store: &onramp_store::Store, actor: Option<i64>) -> Result<usize, Error> {
    if !store.ping_uploads().await?.is_empty() {
        return Ok(0);
    }
    for (name, text) in SAMPLES {
        let payload = Payload::parse(text.as_bytes(), &DICTIONARY)
            .map_err(|e| Error::Internal(format!("sample {name}: {e}")))?;
        keep(store, actor, &format!("{name}.json"), &payload, text).await?;
    }
    Ok(SAMPLES.len())
}

/// The longest name an instance goes by.
const LABEL_LIMIT: usize = 100;

/// Gives an instance the name people know it by (e.g. "Globex production").
pub async fn rename_instance(state: &App, actor: i64, key: &str, label: &str) -> Result<(), Error> {
    onramp_core::text::check("label", label, onramp_core::text::TITLE)?;
    let label = label.trim();
    if label.is_empty() {
        return Err(Error::bad("label", "give the instance a name"));
    }
    if label.chars().count() > LABEL_LIMIT {
        return Err(Error::bad(
            "label",
            format!("at most {LABEL_LIMIT} characters"),
        ));
    }
    state
        .store
        .rename_ping_instance(Some(actor), key, label)
        .await?;
    Ok(())
}

/// The name an analysis of a stored upload goes by.
fn analysis_name(upload: &PingUpload) -> String {
    format!(
        "{} · {}",
        upload.label,
        upload
            .recorded_at
            .map(|t| t.format("%Y-%m-%d").to_string())
            .unwrap_or_else(|| format!("upload #{}", upload.id))
    )
}

/// The analysis of a payload just read (personal data masked).
pub fn analyze_upload(upload: &PingUpload, payload: &Payload) -> Analysis {
    analyze(&analysis_name(upload), payload, &DICTIONARY, false)
}

/// A stored payload's analysis (personal data masked).
pub async fn analysis(state: &App, id: i64) -> Result<(PingUpload, Payload, Analysis), Error> {
    let (upload, body) = state.store.ping_payload(id).await?.ok_or(Error::NotFound)?;
    let name = analysis_name(&upload);
    let (payload, a) = bounded(state, move || {
        Payload::parse(body.as_bytes(), &DICTIONARY).map(|payload| {
            let a = analyze(&name, &payload, &DICTIONARY, false);
            (payload, a)
        })
    })
    .await?
    .map_err(|e| Error::Internal(e.to_string()))?;
    Ok((upload, payload, a))
}

/// One row of the key explorer.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct KeyRow {
    pub key: String,
    pub value: String,
    pub failed: bool,
    pub stage: String,
    pub description: String,
    pub time_frame: String,
    pub tiers: String,
}

/// Keys matching `q` (in the path or description), 100 a page.
pub fn explore(p: &Payload, q: &str, page: usize) -> (Vec<KeyRow>, usize) {
    let q = q.trim().to_lowercase();
    let mut rows: Vec<KeyRow> = p
        .leaves
        .iter()
        .filter(|(k, _)| !onramp_ping::payload::is_personal(k))
        .map(|(k, leaf)| {
            let v = &leaf.value;
            // Payloads here are parsed with DICTIONARY: the leaf knows its definition.
            let def = leaf.definition.and_then(|id| DICTIONARY.definition(id));
            KeyRow {
                key: k.to_string(),
                value: match v {
                    serde_json::Value::String(s) => s.chars().take(120).collect(),
                    other => other.to_string().chars().take(120).collect(),
                },
                failed: onramp_ping::payload::sentinel(v).is_some(),
                stage: DICTIONARY
                    .stage_name(DICTIONARY.stage_id(leaf.definition, k))
                    .to_string(),
                description: def.map(|d| d.description.clone()).unwrap_or_default(),
                time_frame: def.map(|d| d.time_frame.clone()).unwrap_or_default(),
                tiers: def.map(|d| d.tiers.clone()).unwrap_or_default(),
            }
        })
        .filter(|r| {
            q.is_empty()
                || r.key.to_lowercase().contains(&q)
                || r.description.to_lowercase().contains(&q)
        })
        .collect();
    let total = rows.len();
    rows = rows
        .into_iter()
        .skip(page.saturating_sub(1) * 100)
        .take(100)
        .collect();
    (rows, total)
}

/// One measure's health in each payload of an instance, oldest first.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct TrendRow {
    pub measure: String,
    pub health: Vec<&'static str>,
}

/// The history of an instance: its payloads and analyses oldest first, the
/// changes between consecutive ones, and the trend as a chart and a table.
pub struct InstanceHistory {
    pub uploads: Vec<(PingUpload, Analysis)>,
    pub comparisons: Vec<compare::Comparison>,
    pub chart: String,
    pub trend: Vec<TrendRow>,
}

pub async fn history(state: &App, key: &str) -> Result<InstanceHistory, Error> {
    let uploads = state.store.ping_history(key).await?;
    if uploads.is_empty() {
        return Err(Error::NotFound);
    }
    let mut loaded = Vec::new();
    for u in uploads {
        loaded.push(analysis(state, u.id).await?);
    }
    let mut comparisons = Vec::new();
    for pair in loaded.windows(2) {
        if let Ok(c) = compare::compare((&pair[0].1, &pair[0].2), (&pair[1].1, &pair[1].2)) {
            comparisons.push(c);
        }
    }
    let analyses: Vec<&Analysis> = loaded.iter().map(|(_, _, a)| a).collect();
    let chart = trend_svg(&analyses);
    let trend = measure_ids(&analyses)
        .into_iter()
        .map(|id| TrendRow {
            measure: measure_name(id),
            health: analyses.iter().map(|a| band_of(a, id).sentence()).collect(),
        })
        .collect();
    Ok(InstanceHistory {
        uploads: loaded.into_iter().map(|(u, _, a)| (u, a)).collect(),
        comparisons,
        chart,
        trend,
    })
}

/// The measures of the first analysis' scorecard.
fn measure_ids<'a>(analyses: &[&'a Analysis]) -> Vec<&'a str> {
    analyses.first().map_or_else(Vec::new, |first| {
        first
            .scorecard
            .iter()
            .map(|s| s.measure_id.as_str())
            .collect()
    })
}

fn band_of(a: &Analysis, measure_id: &str) -> Band {
    a.scorecard
        .iter()
        .find(|x| x.measure_id == measure_id)
        .map_or(Band::NotApplicable, |x| x.band)
}

/// Band per measure across uploads: one row per measure, one dot per upload
/// (the table on the page says the same in words).
pub fn trend_svg(analyses: &[&Analysis]) -> String {
    let ids = measure_ids(analyses);
    if ids.is_empty() {
        return String::new();
    }
    let (w, row) = (260 + 40 * analyses.len(), 20);
    let h = ids.len() * row + 24;
    let mut s = format!(
        "<svg class=\"trends\" role=\"img\" viewBox=\"0 0 {w} {h}\" width=\"{w}\" height=\"{h}\" xmlns=\"http://www.w3.org/2000/svg\"><title>Each measure's health per payload, oldest first (the table below says the same)</title>"
    );
    for (n, id) in ids.iter().enumerate() {
        let y = n * row + 16;
        let name = report::escape(&measure_name(id));
        s.push_str(&format!(
            "<text x=\"0\" y=\"{y}\" font-size=\"12\">{name}</text>"
        ));
        for (i, a) in analyses.iter().enumerate() {
            let band = band_of(a, id);
            let color = match band {
                Band::Red => "#c62828",
                Band::Yellow => "#f9a825",
                Band::Green => "#2e7d32",
                Band::NotApplicable => "#bdbdbd",
            };
            s.push_str(&format!("<circle cx=\"{}\" cy=\"{}\" r=\"7\" fill=\"{color}\"><title>{name}, {}: {}</title></circle>", 270 + 40 * i, y - 4, report::escape(&a.file), band.sentence()));
        }
    }
    s.push_str("</svg>");
    s
}

// ---- Practice mode ----

/// The sample payloads shipped for practice.
pub const SAMPLES: [(&str, &str); 3] = [
    (
        "premium-15.11",
        include_str!("../../../content/ping-samples/synthetic_premium_15.11_120users.json"),
    ),
    (
        "ultimate-17.2-september",
        include_str!(
            "../../../content/ping-samples/synthetic_ultimate_17.2_5000users_2024-09.json"
        ),
    ),
    (
        "ultimate-17.2-december",
        include_str!(
            "../../../content/ping-samples/synthetic_ultimate_17.2_5000users_2024-12.json"
        ),
    ),
];

/// A sample's name for people.
pub fn sample_title(name: &str) -> &'static str {
    match name {
        "premium-15.11" => "Premium on GitLab 15.11, 120 users",
        "ultimate-17.2-september" => "Ultimate on GitLab 17.2, 5,000 users (September)",
        "ultimate-17.2-december" => "Ultimate on GitLab 17.2, 5,000 users (December)",
        _ => "A sample payload",
    }
}

/// Candidate metrics for "which metric supports a CI adoption objective?".
pub const CI_CHOICES: [&str; 4] = [
    "counts.count_total_create_ci_build_monthly",
    "usage_activity_by_stage_monthly.create.action_monthly_active_users_project_repo",
    "counts_monthly.deployments",
    "redis_hll_counters.manage.unique_active_users_monthly",
];

/// One sample's analysis.
pub fn sample(name: &str) -> Result<Analysis, Error> {
    let (_, text) = SAMPLES
        .iter()
        .find(|(n, _)| *n == name)
        .ok_or(Error::NotFound)?;
    let p =
        Payload::parse(text.as_bytes(), &DICTIONARY).map_err(|e| Error::Internal(e.to_string()))?;
    Ok(analyze(name, &p, &DICTIONARY, false))
}

/// A learner's answers.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct PracticeAnswers {
    /// measure_ids the learner thinks are green.
    #[serde(default)]
    pub green: Vec<String>,
    pub unused_seats: Option<String>,
    pub ci_metric: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Checked {
    pub question: String,
    pub correct: bool,
    pub expected: String,
}

/// Checks answers against the analyser.
pub fn check(a: &Analysis, answers: &PracticeAnswers) -> Vec<Checked> {
    let green: BTreeSet<&str> = a
        .scorecard
        .iter()
        .filter(|s| s.band == Band::Green)
        .map(|s| s.measure_id.as_str())
        .collect();
    let given: BTreeSet<&str> = answers.green.iter().map(String::as_str).collect();
    let unused = a.license.unused_seats.unwrap_or(0.0);
    let given_unused = answers
        .unused_seats
        .as_deref()
        .and_then(|s| s.trim().parse::<f64>().ok());
    let ci_key = CI_CHOICES[0];
    vec![
        Checked {
            question: "Which use-case measures are going well (green)?".into(),
            correct: green == given,
            // In the scorecard's order.
            expected: a
                .scorecard
                .iter()
                .filter(|s| s.band == Band::Green)
                .map(|s| measure_name(&s.measure_id))
                .collect::<Vec<_>>()
                .join(", "),
        },
        Checked {
            question: "How many licensed seats are unused?".into(),
            correct: given_unused.is_some_and(|g| (g - unused).abs() < 0.5),
            expected: format!(
                "{unused:.0} (seats {} − billable users {})",
                a.license.seats.unwrap_or(0.0),
                a.license.billable_users.unwrap_or(0.0)
            ),
        },
        Checked {
            question: "Which metric would support a CI adoption objective?".into(),
            correct: answers.ci_metric.as_deref() == Some(ci_key),
            expected: format!(
                "{ci_key}: CI builds created in the last 28 days (per billable user, the CI measure of the scorecard; 16.9+, or counts_monthly.ci_builds from 16.1)"
            ),
        },
    ]
}

/// Every uploaded payload, newest first.
pub async fn uploads(app: &App) -> Result<Vec<PingUpload>, Error> {
    Ok(app.store.ping_uploads().await?)
}
