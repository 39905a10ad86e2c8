//! One payload's analysis (FORMAT.md §8): header and data quality, license
//! and seats, version age, the use-case scorecard, stages, infrastructure.

mod scorecard;
pub use scorecard::*;

use crate::dictionary::Dictionary;
use crate::payload::{Metric, Payload, Version, parse_time};
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::collections::BTreeMap;

/// The scorecard's measures, by `measure_id` of `cs_use_case_metrics.tsv`.
pub const USE_CASE_METRICS: &str = include_str!("../../data/cs_use_case_metrics.tsv");
const RELEASE_DATES: &str = include_str!("../../data/gitlab_release_dates.tsv");

/// Red, yellow, green, or not applicable.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Band {
    Red,
    Yellow,
    Green,
    #[serde(rename = "n/a")]
    NotApplicable,
}

impl Band {
    pub fn label(self) -> &'static str {
        match self {
            Band::Red => "red",
            Band::Yellow => "yellow",
            Band::Green => "green",
            Band::NotApplicable => "n/a",
        }
    }

    /// The band as people say it.
    pub fn sentence(self) -> &'static str {
        match self {
            Band::Red => "Needs attention",
            Band::Yellow => "Room to grow",
            Band::Green => "Going well",
            Band::NotApplicable => "Not measured",
        }
    }

    fn rank(self) -> u8 {
        match self {
            Band::Red => 0,
            Band::Yellow => 1,
            Band::Green => 2,
            Band::NotApplicable => 3,
        }
    }
}

/// A measure's name in plain words, e.g. "Seats in use" for `license_utilization`;
/// a measure Onramp does not know reads as its id in words.
pub fn measure_name(measure_id: &str) -> String {
    let known = match measure_id {
        "license_utilization" => "Seats in use",
        "user_engagement" => "Active users",
        "scm_git_operation_utilization" => "Users working with Git",
        "ci_builds_per_billable_user" => "CI builds per user",
        "secure_scanner_utilization" => "Users running security scans",
        "avg_scans_per_ci_pipeline" => "Security scans per pipeline",
        "scanners_in_use" => "Kinds of security scanner in use",
        "cd_user_deployments_utilization" => "Users who deploy",
        "cd_deployments_per_user" => "Deployments per user",
        "cd_successful_deployments_pct" => "Deployments that succeed",
        other => {
            let words = other.replace('_', " ");
            let mut chars = words.chars();
            return chars
                .next()
                .map(|c| c.to_uppercase().chain(chars).collect())
                .unwrap_or_default();
        }
    };
    known.to_string()
}

/// One measure of the scorecard.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Score {
    pub measure_id: String,
    pub use_case: String,
    pub value: Option<f64>,
    /// How to read `value`: `percent`, `ratio` or `count`.
    pub unit: &'static str,
    pub band: Band,
    /// The key the value came from (primary or fallback), if any.
    pub source_key: Option<String>,
    /// Why the band is n/a, or which fallback was used.
    pub note: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Instance {
    /// Masked unless asked for: the first 8 characters.
    pub uuid: String,
    pub hostname: String,
    pub version: String,
    pub edition: String,
    pub plan: String,
    pub recorded_at: Option<DateTime<Utc>>,
    pub generation_seconds: Option<i64>,
    pub installation_type: String,
    pub collected_data_categories: Vec<String>,
    pub optional_data_missing: bool,
}

#[derive(Clone, Debug, Serialize)]
pub struct License {
    pub seats: Option<f64>,
    pub billable_users: Option<f64>,
    pub active_users: Option<f64>,
    pub historical_max_users: Option<f64>,
    pub starts_at: Option<String>,
    pub expires_at: Option<String>,
    pub days_to_renewal: Option<i64>,
    pub months_since_purchase: Option<f64>,
    pub unused_seats: Option<f64>,
    pub dormant_user_deactivation: Option<bool>,
}

#[derive(Clone, Debug, Serialize)]
pub struct VersionAge {
    pub latest_known: String,
    pub minors_behind: Option<u32>,
    pub released: Option<String>,
    pub security_fixes: bool,
    pub advice: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct StageBreadth {
    pub stage: String,
    pub metrics: usize,
    pub non_zero: usize,
    pub top: Vec<(String, f64)>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Analysis {
    pub file: String,
    pub instance: Instance,
    pub license: License,
    pub version_age: Option<VersionAge>,
    pub scorecard: Vec<Score>,
    /// Green use cases among SCM, CI, CD and DevSecOps (none when all are n/a).
    pub use_case_adoption_count: Option<u32>,
    pub failed_metrics: Vec<FailedMetric>,
    pub keys: usize,
    pub keys_without_definition: usize,
    pub stages: Vec<StageBreadth>,
    pub infrastructure: BTreeMap<String, String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct FailedMetric {
    pub key: String,
    pub meaning: String,
}

/// Masks personal data for shared reports.
pub fn mask(s: &str) -> String {
    if s.is_empty() {
        return String::new();
    }
    let keep: String = s.chars().take(4).collect();
    format!("{keep}…")
}

/// The release dates of the minor versions, oldest first (read once).
static RELEASES: std::sync::LazyLock<Vec<(Version, String)>> = std::sync::LazyLock::new(|| {
    RELEASE_DATES
        .lines()
        .skip(1)
        .filter_map(|l| {
            let mut cells = l.split('\t');
            let v = Version::parse(cells.next()?)?;
            Some((v, cells.next()?.to_string()))
        })
        .collect()
});

fn version_age(v: Version) -> VersionAge {
    let dates = &*RELEASES;
    let latest = dates.last().map(|(v, _)| *v).unwrap_or(v);
    let index = |x: Version| {
        dates
            .iter()
            .position(|(d, _)| d.major == x.major && d.minor == x.minor)
    };
    let behind = match (index(v), index(latest)) {
        (Some(a), Some(b)) if b >= a => Some((b - a) as u32),
        _ => None,
    };
    let released = index(v).map(|i| dates[i].1.clone());
    let (security_fixes, advice) = match behind {
        Some(0..=2) => (
            true,
            "supported: security fixes are still released for this version".to_string(),
        ),
        Some(n @ 3..=6) => (
            false,
            format!("{n} minor releases behind: upgrade recommended (no more security fixes)"),
        ),
        Some(n) => (
            false,
            format!("{n} minor releases behind: at risk; plan an upgrade"),
        ),
        None => (false, "newer than the release list, or unknown".to_string()),
    };
    VersionAge {
        latest_known: latest.to_string(),
        minors_behind: behind,
        released,
        security_fixes,
        advice,
    }
}

struct Ctx<'a> {
    p: &'a Payload,
    v: Option<Version>,
    billable: Option<f64>,
    ultimate: bool,
}

fn band_of(
    value: f64,
    red_max: f64,
    red_inclusive: bool,
    green_min: f64,
    green_inclusive: bool,
) -> Band {
    let red = if red_inclusive {
        value <= red_max
    } else {
        value < red_max
    };
    let green = if green_inclusive {
        value >= green_min
    } else {
        value > green_min
    };
    if red {
        Band::Red
    } else if green {
        Band::Green
    } else {
        Band::Yellow
    }
}

fn na(id: &str, use_case: &str, unit: &'static str, note: String) -> Score {
    Score {
        measure_id: id.into(),
        use_case: use_case.into(),
        value: None,
        unit,
        band: Band::NotApplicable,
        source_key: None,
        note: Some(note),
    }
}

fn failed_note(p: &Payload, key: &str) -> Option<String> {
    match p.metric(key) {
        Metric::Failed(s) => Some(format!("`{key}` failed to compute ({s})")),
        Metric::NotANumber(_) => Some(format!("`{key}` is not a number in this file")),
        Metric::Missing => None,
        Metric::Number(_) => None,
    }
}

/// A per-billable-user ratio measure.
#[allow(clippy::too_many_arguments)]
fn per_user(
    c: &Ctx,
    id: &str,
    use_case: &str,
    keys: &[(&str, (u32, u32))],
    percent: bool,
    thresholds: (f64, bool, f64, bool),
    ultimate_only: bool,
    min_note: &str,
) -> Score {
    let unit = if percent { "percent" } else { "ratio" };
    if ultimate_only && !c.ultimate {
        return na(
            id,
            use_case,
            unit,
            "Ultimate only: not scored for this plan".into(),
        );
    }
    let Some(billable) = c.billable.filter(|b| *b > 0.0) else {
        return na(
            id,
            use_case,
            unit,
            "no billable users in this payload (needs 14.0+)".into(),
        );
    };
    for (i, (key, (major, minor))) in keys.iter().enumerate() {
        if let Some(note) = failed_note(c.p, key) {
            return na(id, use_case, unit, note);
        }
        if let Some(n) = c.p.number(key) {
            let value = if percent {
                n / billable * 100.0
            } else {
                n / billable
            };
            return Score {
                measure_id: id.into(),
                use_case: use_case.into(),
                value: Some(round(value)),
                unit,
                band: band_of(
                    value,
                    thresholds.0,
                    thresholds.1,
                    thresholds.2,
                    thresholds.3,
                ),
                source_key: Some(key.to_string()),
                note: (i > 0).then(|| format!("fallback key (the primary needs {major}.{minor}+)")),
            };
        }
    }
    let v = c.v.map(|v| v.to_string()).unwrap_or_default();
    na(
        id,
        use_case,
        unit,
        format!("not computable on version {v}: {min_note}"),
    )
}

/// Metrics reported, metrics in use, and the three largest (key, value).
type StageTally<'a> = (usize, usize, Vec<(&'a str, f64)>);

/// The number of topology nodes, counted without building the node list.
fn topology_nodes(p: &Payload) -> Option<usize> {
    #[derive(serde::Deserialize)]
    struct Topology {
        #[serde(default)]
        nodes: Vec<serde::de::IgnoredAny>,
    }
    match (p.raw.get("topology"), p.value("topology")) {
        (Some(text), _) => serde_json::from_str::<Topology>(text)
            .ok()
            .map(|t| t.nodes.len()),
        (None, Some(serde_json::Value::Object(t))) => {
            t.get("nodes").and_then(|n| n.as_array()).map(Vec::len)
        }
        _ => None,
    }
}

/// Analyses one payload.
// Long: one pass over the payload's leaves that fills every part of the analysis.
pub fn analyze(file: &str, p: &Payload, dictionary: &Dictionary, show_personal: bool) -> Analysis {
    let plan = p.plan();
    let billable = p.number("license_billable_users");
    let recorded = p.recorded_at;
    let starts = p.text("license_starts_at").map(str::to_string);
    let months_since_purchase = match (recorded, starts.as_deref().and_then(parse_time)) {
        (Some(r), Some(s)) => Some(round((r - s).num_days() as f64 / 30.44)),
        _ => None,
    };
    let expires = p.text("license_expires_at").map(str::to_string);
    let days_to_renewal = match (recorded, expires.as_deref().and_then(parse_time)) {
        (Some(r), Some(e)) => Some((e - r).num_days()),
        _ => None,
    };
    let ctx = Ctx {
        p,
        v: p.version,
        billable,
        ultimate: plan == "ultimate",
    };
    let scorecard = scorecard(&ctx, months_since_purchase);
    let categories: Vec<String> = match p.value("settings.collected_data_categories") {
        Some(serde_json::Value::Array(a)) => a
            .iter()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect(),
        _ => Vec::new(),
    };
    let generation_seconds = p
        .text("recording_ee_finished_at")
        .or_else(|| p.text("recording_ce_finished_at"))
        .and_then(parse_time)
        .zip(recorded)
        .map(|(end, start)| (end - start).num_seconds());
    // Per stage (by id): metrics reported, in use, and the three largest (kept as we go).
    let mut per_stage: Vec<StageTally> =
        vec![StageTally::default(); dictionary.stage_names().len()];
    let mut without = 0;
    for (key, leaf) in p.leaves.iter() {
        if leaf.definition.is_none() {
            without += 1;
        }
        let Some(n) = leaf.value.as_f64().filter(|n| *n >= 0.0) else {
            continue;
        };
        if !(key.starts_with("counts")
            || key.starts_with("usage_activity_by_stage")
            || key.starts_with("redis_hll_counters"))
        {
            continue;
        }
        let Some(entry) = per_stage.get_mut(dictionary.stage_id(leaf.definition, key).index())
        else {
            continue;
        };
        entry.0 += 1;
        if n > 0.0 {
            entry.1 += 1;
            let top = &mut entry.2;
            if top.len() < 3
                || top
                    .last()
                    .is_some_and(|(k, smallest)| n > *smallest || (n == *smallest && key < *k))
            {
                top.push((key, n));
                top.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(b.0)));
                top.truncate(3);
            }
        }
    }
    let mut stages: Vec<StageBreadth> = per_stage
        .into_iter()
        .enumerate()
        .filter(|(_, (metrics, _, _))| *metrics > 0)
        .map(|(stage, (metrics, non_zero, top))| StageBreadth {
            stage: dictionary.stage_names()[stage].clone(),
            metrics,
            non_zero,
            top: top.into_iter().map(|(k, v)| (k.to_string(), v)).collect(),
        })
        .collect();
    stages.sort_by(|a, b| b.non_zero.cmp(&a.non_zero).then(a.stage.cmp(&b.stage)));
    let mut infrastructure = BTreeMap::new();
    for key in [
        "database.adapter",
        "database.version",
        "database.flavor",
        "gitaly.servers",
        "gitaly.clusters",
        "gitaly.version",
        "geo_enabled",
        "elasticsearch_enabled",
        "object_store.artifacts.enabled",
        "object_store.lfs.enabled",
        "object_store.uploads.enabled",
        "settings.operating_system",
    ] {
        if let Some(v) = p.value(key) {
            infrastructure.insert(key.to_string(), v.to_string().trim_matches('"').to_string());
        }
    }
    if let Some(n) = topology_nodes(p) {
        infrastructure.insert("topology.nodes".into(), n.to_string());
    }
    Analysis {
        file: file.to_string(),
        instance: Instance {
            uuid: if show_personal {
                p.uuid.clone()
            } else {
                mask(&p.uuid)
            },
            hostname: if show_personal {
                p.hostname.clone()
            } else {
                mask(&p.hostname)
            },
            version: p.version_text.clone(),
            edition: p.edition.clone(),
            plan,
            recorded_at: recorded,
            generation_seconds,
            installation_type: p.text("installation_type").unwrap_or_default().to_string(),
            optional_data_missing: !categories.is_empty()
                && !categories.iter().any(|c| c == "optional"),
            collected_data_categories: categories,
        },
        license: License {
            seats: p.number("license_user_count"),
            billable_users: billable,
            active_users: p.number("active_user_count"),
            historical_max_users: p.number("historical_max_users"),
            starts_at: starts,
            expires_at: expires,
            days_to_renewal,
            months_since_purchase,
            unused_seats: p
                .number("license_user_count")
                .zip(billable)
                .map(|(s, b)| (s - b).max(0.0)),
            dormant_user_deactivation: p
                .value("deactivate_dormant_users_enabled")
                .and_then(serde_json::Value::as_bool),
        },
        version_age: p.version.map(version_age),
        use_case_adoption_count: adoption_count(&scorecard),
        scorecard,
        failed_metrics: p
            .failed()
            .into_iter()
            .map(|(key, m)| FailedMetric {
                key,
                meaning: m.to_string(),
            })
            .collect(),
        keys: p.leaves.len(),
        keys_without_definition: without,
        stages,
        infrastructure,
    }
}
