#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test
//! Golden tests on the example payloads: the synthetic ones in
//! `content/ping-samples` have intended score bands (their README); the real
//! 12.10 and 13.9 ones of the reference data (`service-ping/` of the corpus,
//! see `onramp_testkit::corpus`) must be read without errors.

use onramp_ping::analysis::{Band, analyze};
use onramp_ping::compare::compare;
use onramp_ping::{Dictionary, Payload};
use proptest::prelude::*;
use std::path::{Path, PathBuf};

/// The reference data of the corpus, when it is given.
fn reference(test: &str) -> Option<PathBuf> {
    onramp_testkit::corpus("service-ping", test)
}

fn dictionary() -> Dictionary {
    let mut d = Dictionary::shipped();
    // The EE definitions of the reference data may be used in tests (not shipped).
    if let Some(dir) = reference("the EE definitions") {
        let ee = std::fs::read_to_string(dir.join("metrics_ee.tsv")).unwrap();
        d.add_tsv("metrics_ee.tsv", &ee).unwrap();
    }
    d
}

fn load(name: &str, d: &Dictionary) -> (Payload, onramp_ping::Analysis) {
    load_from(&onramp_testkit::ping_samples(), name, d)
}

fn load_from(dir: &Path, name: &str, d: &Dictionary) -> (Payload, onramp_ping::Analysis) {
    let bytes = std::fs::read(dir.join(name)).unwrap();
    let p = Payload::parse(&bytes, d).unwrap();
    let a = analyze(name, &p, d, false);
    (p, a)
}

fn score<'a>(a: &'a onramp_ping::Analysis, id: &str) -> &'a onramp_ping::Score {
    a.scorecard.iter().find(|s| s.measure_id == id).unwrap()
}

fn check(a: &onramp_ping::Analysis, id: &str, value: Option<f64>, band: Band) {
    let s = score(a, id);
    assert_eq!(s.band, band, "{id}: {s:?}");
    match (value, s.value) {
        (Some(want), Some(got)) => {
            assert!((want - got).abs() < 0.06, "{id}: want {want}, got {got}")
        }
        (None, _) => {}
        (Some(want), None) => panic!("{id}: want {want}, got nothing: {s:?}"),
    }
}

#[test]
fn premium_15_11_matches_its_intended_bands() {
    let d = dictionary();
    let (_, a) = load("synthetic_premium_15.11_120users.json", &d);
    assert_eq!(a.instance.plan, "premium");
    check(&a, "license_utilization", Some(97.5), Band::Green);
    check(&a, "user_engagement", Some(86.3), Band::Green);
    check(&a, "scm_git_operation_utilization", Some(81.2), Band::Green);
    let ci = score(&a, "ci_builds_per_billable_user");
    assert_eq!(ci.band, Band::NotApplicable);
    assert!(
        ci.note
            .as_deref()
            .unwrap()
            .starts_with("not computable on version 15.11"),
        "{ci:?}"
    );
    for id in [
        "secure_scanner_utilization",
        "avg_scans_per_ci_pipeline",
        "scanners_in_use",
    ] {
        assert_eq!(
            score(&a, id).band,
            Band::NotApplicable,
            "{id} is Ultimate only"
        );
    }
    check(&a, "cd_user_deployments_utilization", Some(4.3), Band::Red);
    check(&a, "cd_deployments_per_user", Some(0.32), Band::Red);
    check(&a, "cd_successful_deployments_pct", Some(81.6), Band::Green);
    // Personal data is masked by default.
    assert!(a.instance.uuid.ends_with('…') && a.instance.hostname.ends_with('…'));
    assert!(a.version_age.as_ref().unwrap().minors_behind.unwrap() > 6);
}

#[test]
fn ultimate_17_2_over_three_months() {
    let d = dictionary();
    let (p1, a1) = load("synthetic_ultimate_17.2_5000users_2024-09.json", &d);
    let (p2, a2) = load("synthetic_ultimate_17.2_5000users_2024-12.json", &d);
    check(&a1, "license_utilization", Some(97.4), Band::Green);
    check(&a1, "user_engagement", Some(77.0), Band::Yellow);
    check(
        &a1,
        "scm_git_operation_utilization",
        Some(68.0),
        Band::Green,
    );
    check(&a1, "ci_builds_per_billable_user", Some(38.0), Band::Yellow);
    check(&a1, "secure_scanner_utilization", Some(13.2), Band::Yellow);
    check(&a1, "avg_scans_per_ci_pipeline", Some(0.30), Band::Yellow);
    check(&a1, "scanners_in_use", Some(3.0), Band::Green);
    check(
        &a1,
        "cd_user_deployments_utilization",
        Some(5.8),
        Band::Yellow,
    );
    check(&a1, "cd_deployments_per_user", Some(1.95), Band::Red);
    check(
        &a1,
        "cd_successful_deployments_pct",
        Some(88.5),
        Band::Green,
    );

    check(&a2, "license_utilization", Some(99.2), Band::Green);
    check(&a2, "user_engagement", Some(78.7), Band::Yellow);
    check(&a2, "ci_builds_per_billable_user", Some(47.1), Band::Green);
    check(&a2, "secure_scanner_utilization", Some(23.2), Band::Green);
    check(&a2, "avg_scans_per_ci_pipeline", Some(0.60), Band::Green);
    check(&a2, "scanners_in_use", Some(6.0), Band::Green);
    check(&a2, "cd_deployments_per_user", Some(2.22), Band::Yellow);
    // The two deliberate -1 values are reported, never scored.
    let failed: Vec<&str> = a2.failed_metrics.iter().map(|f| f.key.as_str()).collect();
    assert!(
        failed.contains(&"counts.ci_builds")
            && failed.contains(&"usage_activity_by_stage.verify.ci_builds"),
        "{failed:?}"
    );

    let c = compare((&p1, &a1), (&p2, &a2)).unwrap();
    assert!(c.days > 80.0 && c.days < 100.0);
    let ci = c
        .score_changes
        .iter()
        .find(|s| s.measure_id == "ci_builds_per_billable_user")
        .unwrap();
    assert_eq!(
        (ci.before, ci.after, ci.drop),
        (Band::Yellow, Band::Green, false)
    );
    assert!(c.all_time_changes.iter().all(|ch| ch.per_month.is_some()));
    // The older file second is an error, not a negative duration.
    assert!(
        compare((&p2, &a2), (&p1, &a1))
            .unwrap_err()
            .contains("not older")
    );
}

#[test]
fn real_old_payloads_are_read() {
    let Some(dir) = reference("real_old_payloads_are_read") else {
        return;
    };
    let examples = dir.join("examples");
    let d = dictionary();
    let (_, a) = load_from(
        &examples,
        "docs_service_ping_example_12.10.cleaned.json",
        &d,
    );
    assert_eq!(a.instance.version, "12.10.0-pre");
    assert_eq!(score(&a, "user_engagement").band, Band::NotApplicable);
    let (p, a) = load_from(
        &examples,
        "gitlab_data_team_instance_queries_13.9.0-pre.json",
        &d,
    );
    // A debug export: SQL text instead of values; nothing is scored from text.
    assert!(matches!(
        p.metric("active_user_count"),
        onramp_ping::payload::Metric::NotANumber(_)
    ));
    assert!(
        a.scorecard
            .iter()
            .all(|s| s.band == Band::NotApplicable || s.value.is_some())
    );
    assert!(a.keys > 500);
}

#[test]
fn every_measure_of_the_use_case_table_is_scored() {
    let ids: Vec<String> = onramp_ping::analysis::USE_CASE_METRICS
        .lines()
        .skip(1)
        .filter_map(|l| l.split('\t').next().map(str::to_string))
        .collect();
    let d = Dictionary::shipped();
    let p = Payload::parse(br#"{"version":"17.0.0-ee","uuid":"x"}"#, &d).unwrap();
    let a = analyze("x", &p, &d, true);
    let got: Vec<String> = a.scorecard.iter().map(|s| s.measure_id.clone()).collect();
    assert_eq!(got, ids);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]
    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let d = Dictionary::default();
        if let Ok(p) = Payload::parse(&bytes, &d) {
            let _ = analyze("x", &p, &d, false);
        }
    }

    #[test]
    fn arbitrary_json_never_panics(value in arb_json()) {
        let d = Dictionary::shipped();
        let mut root = serde_json::Map::new();
        root.insert("version".into(), serde_json::json!("16.5.0-ee"));
        root.insert("uuid".into(), serde_json::json!("u"));
        root.insert("counts".into(), serde_json::json!({}));
        if let serde_json::Value::Object(m) = value {
            for (k, v) in m { root.insert(k, v); }
        }
        let bytes = serde_json::to_vec(&serde_json::Value::Object(root)).unwrap();
        if let Ok(p) = Payload::parse(&bytes, &d) {
            let a = analyze("x", &p, &d, false);
            let _ = onramp_ping::report::html(&[a], &[]);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]
    /// The streaming flattener keeps what a plain walk over serde_json's tree
    /// keeps: every leaf with its value, lists and empty objects whole, a
    /// failed histogram on its own path.
    #[test]
    fn flattening_agrees_with_a_walk_over_the_tree(value in arb_json()) {
        let mut root = serde_json::Map::new();
        if let serde_json::Value::Object(m) = value {
            root = m;
        }
        root.insert("version".into(), serde_json::json!("16.5.0-ee"));
        root.insert("uuid".into(), serde_json::json!("u"));
        let tree = serde_json::Value::Object(root);
        let bytes = serde_json::to_vec(&tree).unwrap();
        let p = Payload::parse(&bytes, &Dictionary::default()).unwrap();
        let mut expected = std::collections::BTreeMap::new();
        walk("", &tree, &mut expected);
        let got: std::collections::BTreeMap<String, serde_json::Value> = p
            .leaves
            .iter()
            .map(|(k, l)| (k.to_string(), l.value.clone()))
            .collect();
        prop_assert_eq!(got, expected);
    }
}

fn walk(
    path: &str,
    v: &serde_json::Value,
    out: &mut std::collections::BTreeMap<String, serde_json::Value>,
) {
    match v {
        serde_json::Value::Object(m) if !m.is_empty() || path.is_empty() => {
            for (k, v) in m {
                let child = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                walk(&child, v, out);
            }
        }
        _ => match path.strip_suffix(".-1") {
            Some(histogram) if v.as_f64() == Some(-1.0) => {
                out.insert(histogram.to_string(), serde_json::json!({"-1": -1}));
            }
            _ => {
                out.insert(path.to_string(), v.clone());
            }
        },
    }
}

fn arb_json() -> impl Strategy<Value = serde_json::Value> {
    let keys = prop_oneof![
        Just("license_billable_users".to_string()),
        Just("license_user_count".to_string()),
        Just("license_starts_at".to_string()),
        Just("recorded_at".to_string()),
        Just("counts_monthly".to_string()),
        Just("usage_activity_by_stage_monthly".to_string()),
        Just("redis_hll_counters".to_string()),
        Just("settings".to_string()),
        "[a-z_]{1,8}".prop_map(|s| s),
    ];
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::Bool),
        any::<i64>().prop_map(|n| serde_json::json!(n)),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(|f| serde_json::json!(f)),
        prop_oneof![Just(-1i64), Just(-2), Just(-3), Just(-1000)]
            .prop_map(|n| serde_json::json!(n)),
        "[ -~]{0,12}".prop_map(serde_json::Value::String),
    ];
    leaf.prop_recursive(3, 40, 6, move |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(serde_json::Value::Array),
            proptest::collection::btree_map(keys.clone(), inner, 0..6)
                .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    })
}
