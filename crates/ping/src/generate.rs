//! Realistic synthetic payloads for benchmarks: every key path of the
//! dictionary with plausible values, at a given version, padded to a size
//! with topology nodes (the part of real payloads that grows).

use crate::dictionary::Dictionary;
use serde_json::{Map, Value, json};

/// A payload of at least `target_bytes` for `version` (`major.minor`),
/// deterministic for a `seed`.
pub fn payload(dictionary: &Dictionary, version: &str, target_bytes: usize, seed: u64) -> String {
    let mut root = Map::new();
    let mut state = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for d in dictionary.definitions() {
        if d.status == "removed" {
            continue;
        }
        let value = if d.key_path.ends_with("_enabled") {
            json!(next() % 2 == 0)
        } else if d.time_frame == "none" {
            json!(format!("value-{}", next() % 1000))
        } else {
            json!(next() % 50_000)
        };
        insert(&mut root, &d.key_path, value);
    }
    root.insert("version".into(), json!(format!("{version}.3-ee")));
    root.insert("uuid".into(), json!(format!("{:016x}-bench", seed)));
    root.insert("hostname".into(), json!("gitlab.bench.example"));
    root.insert("edition".into(), json!("EEU"));
    root.insert("license_plan".into(), json!("ultimate"));
    root.insert("recorded_at".into(), json!("2026-01-15T03:00:00.000Z"));
    root.insert("license_starts_at".into(), json!("2025-01-01"));
    root.insert("license_user_count".into(), json!(2000));
    root.insert("license_billable_users".into(), json!(1800));
    let mut text = serde_json::to_string(&Value::Object(root.clone())).unwrap_or_default();
    if text.len() < target_bytes {
        // Topology nodes fill the rest: one node's size decides how many.
        let mut node = || {
            json!({
                "node_cpus": 16, "node_memory_total_bytes": 68_719_476_736u64,
                "node_cpu_utilization": (next() % 100) as f64 / 100.0,
                "node_uname_info": {"machine": "x86_64", "sysname": "Linux", "release": "5.15.0"},
                "node_services": [
                    {"name": "web", "process_count": 16, "process_memory_rss": next() % 1_000_000_000},
                    {"name": "sidekiq", "process_count": 8, "process_memory_rss": next() % 1_000_000_000},
                    {"name": "gitaly", "process_count": 1, "process_memory_rss": next() % 1_000_000_000}
                ]
            })
        };
        let sample = node();
        let per_node = serde_json::to_string(&sample).map_or(400, |t| t.len() + 1);
        let count = (target_bytes - text.len()) / per_node + 1;
        let mut nodes = vec![sample];
        nodes.extend((1..count).map(|_| node()));
        root.insert(
            "topology".into(),
            json!({"duration_s": 0.4, "nodes": nodes}),
        );
        text = serde_json::to_string(&Value::Object(root)).unwrap_or_default();
    }
    text
}

fn insert(root: &mut Map<String, Value>, path: &str, value: Value) {
    let mut parts = path.split('.').peekable();
    let mut node = root;
    while let Some(part) = parts.next() {
        if parts.peek().is_none() {
            node.entry(part.to_string()).or_insert(value);
            return;
        }
        let entry = node
            .entry(part.to_string())
            .or_insert_with(|| Value::Object(Map::new()));
        match entry {
            Value::Object(m) => node = m,
            // A key that is both a leaf and a parent: keep the leaf.
            _ => return,
        }
    }
}
