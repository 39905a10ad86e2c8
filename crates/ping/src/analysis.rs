//! One payload's analysis (FORMAT.md §8): header and data quality, license
//! and seats, version age, the use-case scorecard, stages, infrastructure.

use crate::dictionary::Dictionary;
use crate::payload::{Metric, Payload, Version, parse_time};
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::collections::BTreeMap;

/// The scorecard's measures, by `measure_id` of `cs_use_case_metrics.tsv`.
pub const USE_CASE_METRICS: &str = include_str!("../data/cs_use_case_metrics.tsv");
const RELEASE_DATES: &str = include_str!("../data/gitlab_release_dates.tsv");

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

    fn rank(self) -> u8 {
        match self {
            Band::Red => 0,
            Band::Yellow => 1,
            Band::Green => 2,
            Band::NotApplicable => 3,
        }
    }
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

fn round(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

const SCANS: [&str; 7] = [
    "secret_detection_scans",
    "dependency_scanning_scans",
    "container_scanning_scans",
    "sast_scans",
    "dast_scans",
    "coverage_fuzzing_scans",
    "api_fuzzing_scans",
];

// Long: the scorecard is one table of use cases, each row a few lines.
fn scorecard(c: &Ctx, months_since_purchase: Option<f64>) -> Vec<Score> {
    let p = c.p;
    let mut out = Vec::new();
    // License utilization, with the band by months since purchase.
    let seats = p.number("license_user_count").filter(|s| *s > 0.0);
    let (users, key, note) = match (c.billable, p.number("active_user_count")) {
        (Some(b), _) => (Some(b), "license_billable_users", None),
        (None, Some(a)) => (
            Some(a),
            "active_user_count",
            Some("before 14.0: active users stand in for billable users".to_string()),
        ),
        _ => (None, "license_billable_users", None),
    };
    out.push(match (users, seats, months_since_purchase) {
        (Some(u), Some(s), Some(m)) if m >= 2.0 => {
            let value = u / s * 100.0;
            let band = if m < 6.0 {
                band_of(value, 10.0, false, 50.0, false)
            } else if m < 9.0 {
                band_of(value, 50.0, true, 75.0, false)
            } else if value > 75.0 {
                Band::Green
            } else {
                Band::Red
            };
            Score {
                measure_id: "license_utilization".into(),
                use_case: "License utilization".into(),
                value: Some(round(value)),
                unit: "percent",
                band,
                source_key: Some(key.into()),
                note,
            }
        }
        (Some(u), Some(s), Some(_)) => Score {
            value: Some(round(u / s * 100.0)),
            source_key: Some(key.into()),
            ..na(
                "license_utilization",
                "License utilization",
                "percent",
                "scored from month 2 after purchase".into(),
            )
        },
        _ => na(
            "license_utilization",
            "License utilization",
            "percent",
            "needs seats, users and the license start date".into(),
        ),
    });
    out.push(per_user(
        c,
        "user_engagement",
        "User engagement",
        &[(
            "redis_hll_counters.manage.unique_active_users_monthly",
            (15, 2),
        )],
        true,
        (50.0, false, 80.0, true),
        false,
        "user engagement needs 15.2+",
    ));
    out.push(per_user(
        c,
        "scm_git_operation_utilization",
        "SCM (Create)",
        &[(
            "usage_activity_by_stage_monthly.create.action_monthly_active_users_project_repo",
            (13, 9),
        )],
        true,
        (10.0, true, 33.0, false),
        false,
        "the Git-operation users key is missing",
    ));
    out.push(per_user(c, "ci_builds_per_billable_user", "CI (Verify)", &[("counts.count_total_create_ci_build_monthly", (16, 9)), ("counts_monthly.ci_builds", (16, 9))], false, (2.0, true, 40.0, false), false, "CI builds L28D need 16.1+ (16.9+ for the primary key); compare two pings to use the all-time counter"));
    out.push(per_user(
        c,
        "secure_scanner_utilization",
        "Security (DevSecOps)",
        &[(
            "usage_activity_by_stage_monthly.secure.user_unique_users_all_secure_scanners",
            (13, 2),
        )],
        true,
        (5.0, true, 20.0, true),
        true,
        "the secure scanner users key is missing",
    ));
    // Scans per pipeline and scanner types.
    let scans: Vec<Option<f64>> = SCANS
        .iter()
        .map(|s| p.number(&format!("usage_activity_by_stage_monthly.secure.{s}")))
        .collect();
    let any_scan_key = scans.iter().any(Option::is_some);
    out.push(if !c.ultimate {
        na(
            "avg_scans_per_ci_pipeline",
            "Security (DevSecOps)",
            "ratio",
            "Ultimate only: not scored for this plan".into(),
        )
    } else if let Some(note) = failed_note(p, "counts_monthly.ci_internal_pipelines") {
        na(
            "avg_scans_per_ci_pipeline",
            "Security (DevSecOps)",
            "ratio",
            note,
        )
    } else {
        match (
            p.number("counts_monthly.ci_internal_pipelines")
                .filter(|n| *n > 0.0),
            any_scan_key,
        ) {
            (Some(pipelines), true) => {
                let v = scans.iter().flatten().sum::<f64>() / pipelines;
                Score {
                    measure_id: "avg_scans_per_ci_pipeline".into(),
                    use_case: "Security (DevSecOps)".into(),
                    value: Some(round(v)),
                    unit: "ratio",
                    band: if v < 0.1 {
                        Band::Red
                    } else if v <= 0.5 {
                        Band::Yellow
                    } else {
                        Band::Green
                    },
                    source_key: Some("counts_monthly.ci_internal_pipelines".into()),
                    note: None,
                }
            }
            _ => na(
                "avg_scans_per_ci_pipeline",
                "Security (DevSecOps)",
                "ratio",
                "needs counts_monthly.ci_internal_pipelines (15.10+) and the scan counts".into(),
            ),
        }
    });
    out.push(if !c.ultimate {
        na(
            "scanners_in_use",
            "Security (DevSecOps)",
            "count",
            "Ultimate only: not scored for this plan".into(),
        )
    } else if !any_scan_key {
        na(
            "scanners_in_use",
            "Security (DevSecOps)",
            "count",
            "no scan counts in this payload".into(),
        )
    } else {
        let n = scans.iter().flatten().filter(|v| **v > 0.0).count() as f64;
        Score {
            measure_id: "scanners_in_use".into(),
            use_case: "Security (DevSecOps)".into(),
            value: Some(n),
            unit: "count",
            band: if n <= 1.0 {
                Band::Red
            } else if n < 3.0 {
                Band::Yellow
            } else {
                Band::Green
            },
            source_key: Some("usage_activity_by_stage_monthly.secure.*_scans".into()),
            note: None,
        }
    });
    out.push(per_user(
        c,
        "cd_user_deployments_utilization",
        "CD (Release)",
        &[(
            "usage_activity_by_stage_monthly.release.deployments",
            (13, 9),
        )],
        true,
        (5.0, false, 12.0, false),
        false,
        "the deploying users key is missing",
    ));
    out.push(per_user(
        c,
        "cd_deployments_per_user",
        "CD (Release)",
        &[("counts_monthly.deployments", (13, 2))],
        false,
        (2.0, false, 7.0, false),
        false,
        "the deployments key is missing",
    ));
    let ok = p.number("counts_monthly.successful_deployments");
    let failed = p.number("counts_monthly.failed_deployments");
    out.push(match (ok, failed) {
        (Some(s), Some(f)) if s + f > 0.0 => {
            let v = s / (s + f) * 100.0;
            Score {
                measure_id: "cd_successful_deployments_pct".into(),
                use_case: "CD (Release)".into(),
                value: Some(round(v)),
                unit: "percent",
                band: if v < 25.0 {
                    Band::Red
                } else if v <= 80.0 {
                    Band::Yellow
                } else {
                    Band::Green
                },
                source_key: Some("counts_monthly.successful_deployments".into()),
                note: None,
            }
        }
        _ => na(
            "cd_successful_deployments_pct",
            "CD (Release)",
            "percent",
            failed_note(p, "counts_monthly.successful_deployments")
                .or_else(|| failed_note(p, "counts_monthly.failed_deployments"))
                .unwrap_or_else(|| "no deployments in the last 28 days".into()),
        ),
    });
    out
}

/// A group's band: green needs two measures green and the third at least yellow.
fn group_band(bands: &[Band]) -> Band {
    let scored: Vec<Band> = bands
        .iter()
        .copied()
        .filter(|b| *b != Band::NotApplicable)
        .collect();
    if scored.is_empty() {
        return Band::NotApplicable;
    }
    let greens = scored.iter().filter(|b| **b == Band::Green).count();
    let worst = scored
        .iter()
        .min_by_key(|b| b.rank())
        .copied()
        .unwrap_or(Band::Red);
    if greens >= 2.min(scored.len()) && worst != Band::Red {
        Band::Green
    } else if worst == Band::Red && greens == 0 {
        Band::Red
    } else {
        Band::Yellow
    }
}

/// Green use cases among SCM, CI, CD and DevSecOps.
pub fn adoption_count(scores: &[Score]) -> Option<u32> {
    let band = |ids: &[&str]| {
        group_band(
            &scores
                .iter()
                .filter(|s| ids.contains(&s.measure_id.as_str()))
                .map(|s| s.band)
                .collect::<Vec<_>>(),
        )
    };
    let groups = [
        band(&["scm_git_operation_utilization"]),
        band(&["ci_builds_per_billable_user"]),
        band(&[
            "cd_user_deployments_utilization",
            "cd_deployments_per_user",
            "cd_successful_deployments_pct",
        ]),
        band(&[
            "secure_scanner_utilization",
            "avg_scans_per_ci_pipeline",
            "scanners_in_use",
        ]),
    ];
    if groups.iter().all(|b| *b == Band::NotApplicable) {
        return None;
    }
    Some(groups.iter().filter(|b| **b == Band::Green).count() as u32)
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
