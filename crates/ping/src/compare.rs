//! Two or more payloads of one instance over time.

use crate::analysis::{Analysis, Band, Score};
use crate::payload::Payload;
use serde::Serialize;

#[derive(Clone, Debug, Serialize)]
pub struct Change {
    pub key: String,
    pub before: f64,
    pub after: f64,
    /// For all-time counters: the difference per 30 days.
    pub per_month: Option<f64>,
}

#[derive(Clone, Debug, Serialize)]
pub struct ScoreChange {
    pub measure_id: String,
    pub before: Band,
    pub after: Band,
    pub before_value: Option<f64>,
    pub after_value: Option<f64>,
    /// Green to yellow/red, or yellow to red (Gainsight's drop CTA).
    pub drop: bool,
}

#[derive(Clone, Debug, Serialize)]
pub struct Comparison {
    pub from: String,
    pub to: String,
    pub days: f64,
    /// 28-day metrics that changed most.
    pub monthly_changes: Vec<Change>,
    /// All-time counters, month-normalised.
    pub all_time_changes: Vec<Change>,
    pub score_changes: Vec<ScoreChange>,
    /// Scores only two pings can give (e.g. CI builds on old versions).
    pub two_ping_scores: Vec<Score>,
    pub alerts: Vec<String>,
}

fn is_monthly(key: &str) -> bool {
    key.starts_with("counts_monthly.")
        || key.starts_with("usage_activity_by_stage_monthly.")
        || key.ends_with("_monthly")
}

fn is_all_time(key: &str) -> bool {
    key.starts_with("counts.") && !key.ends_with("_monthly") && !key.ends_with("_weekly")
}

/// Compares two payloads of the same instance (older first).
// Long: the comparison's parts (versions, metrics, scorecard, licence) are computed together from the same two analyses.
pub fn compare(a: (&Payload, &Analysis), b: (&Payload, &Analysis)) -> Result<Comparison, String> {
    let (pa, aa) = a;
    let (pb, ab) = b;
    if pa.uuid != pb.uuid {
        return Err(format!(
            "{} and {} come from different instances (uuid differs)",
            aa.file, ab.file
        ));
    }
    let (Some(ta), Some(tb)) = (pa.recorded_at, pb.recorded_at) else {
        return Err("both payloads need `recorded_at` to be compared".into());
    };
    let days = (tb - ta).num_seconds() as f64 / 86_400.0;
    if days <= 0.0 {
        return Err(format!(
            "{} is not older than {}: same generation or wrong order",
            aa.file, ab.file
        ));
    }
    let mut monthly = Vec::new();
    let mut all_time = Vec::new();
    for (key, _) in pb.leaves.iter() {
        let (Some(before), Some(after)) = (pa.number(key), pb.number(key)) else {
            continue;
        };
        if before == after {
            continue;
        }
        if is_monthly(key) {
            monthly.push(Change {
                key: key.to_string(),
                before,
                after,
                per_month: None,
            });
        } else if is_all_time(key) {
            all_time.push(Change {
                key: key.to_string(),
                before,
                after,
                per_month: Some(((after - before) / days * 30.0 * 100.0).round() / 100.0),
            });
        }
    }
    monthly.sort_by(|x, y| {
        (y.after - y.before)
            .abs()
            .total_cmp(&(x.after - x.before).abs())
    });
    monthly.truncate(25);
    all_time.sort_by(|x, y| {
        y.per_month
            .unwrap_or(0.0)
            .abs()
            .total_cmp(&x.per_month.unwrap_or(0.0).abs())
    });
    all_time.truncate(25);
    let mut score_changes = Vec::new();
    let mut alerts = Vec::new();
    for sb in &ab.scorecard {
        let Some(sa) = aa.scorecard.iter().find(|s| s.measure_id == sb.measure_id) else {
            continue;
        };
        let drop = matches!(
            (sa.band, sb.band),
            (Band::Green, Band::Yellow | Band::Red) | (Band::Yellow, Band::Red)
        );
        if drop {
            alerts.push(format!(
                "{} dropped from “{}” to “{}”",
                crate::analysis::measure_name(&sb.measure_id),
                sa.band.sentence(),
                sb.band.sentence()
            ));
        }
        score_changes.push(ScoreChange {
            measure_id: sb.measure_id.clone(),
            before: sa.band,
            after: sb.band,
            before_value: sa.value,
            after_value: sb.value,
            drop,
        });
    }
    let mut two_ping_scores = Vec::new();
    let ci_na = ab
        .scorecard
        .iter()
        .any(|s| s.measure_id == "ci_builds_per_billable_user" && s.band == Band::NotApplicable);
    if ci_na
        && let (Some(x), Some(y), Some(billable)) = (
            pa.number("counts.ci_builds"),
            pb.number("counts.ci_builds"),
            pb.number("license_billable_users").filter(|b| *b > 0.0),
        )
        && y >= x
    {
        let v = (y - x) / days * 28.0 / billable;
        two_ping_scores.push(Score {
            measure_id: "ci_builds_per_billable_user".into(),
            use_case: "CI (Verify)".into(),
            value: Some((v * 100.0).round() / 100.0),
            unit: "ratio",
            band: if v <= 2.0 {
                Band::Red
            } else if v <= 40.0 {
                Band::Yellow
            } else {
                Band::Green
            },
            source_key: Some("counts.ci_builds".into()),
            note: Some(format!(
                "difference of the all-time counter over {days:.0} days, scaled to 28"
            )),
        });
    }
    if let (Some(x), Some(y)) = (
        pa.number("counts_monthly.ci_internal_pipelines"),
        pb.number("counts_monthly.ci_internal_pipelines"),
    ) && x > 0.0
        && y <= x * 0.8
    {
        alerts.push(format!(
            "CI pipelines in the last 28 days fell by {:.0}% (playbook: talk about CI adoption)",
            (1.0 - y / x) * 100.0
        ));
    }
    if let (Some(int), Some(ext)) = (
        pb.number("counts.ci_internal_pipelines"),
        pb.number("counts.ci_external_pipelines"),
    ) && ext > int
    {
        alerts.push("More external than internal CI pipelines: CI runs for code hosted elsewhere (a migration opportunity)".into());
    }
    Ok(Comparison {
        from: aa.file.clone(),
        to: ab.file.clone(),
        days: (days * 10.0).round() / 10.0,
        monthly_changes: monthly,
        all_time_changes: all_time,
        score_changes,
        two_ping_scores,
        alerts,
    })
}
