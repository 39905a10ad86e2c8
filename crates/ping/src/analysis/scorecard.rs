//! The use-case scorecard: each use case's measure from the payload, its
//! band, and the adoption count.

use super::*;

pub(super) fn round(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

pub(super) const SCANS: [&str; 7] = [
    "secret_detection_scans",
    "dependency_scanning_scans",
    "container_scanning_scans",
    "sast_scans",
    "dast_scans",
    "coverage_fuzzing_scans",
    "api_fuzzing_scans",
];

// Long: the scorecard is one table of use cases, each row a few lines.
pub(super) fn scorecard(c: &Ctx, months_since_purchase: Option<f64>) -> Vec<Score> {
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
pub(super) fn group_band(bands: &[Band]) -> Band {
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
