//! The metrics dictionary: one definition per payload key path.

use rustc_hash::FxHashMap as HashMap;

/// The CE definitions shipped with Onramp (MIT, see `data/NOTICE.md`).
pub const SHIPPED: &str = include_str!("../data/metrics.tsv");

/// One metric definition.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Definition {
    pub key_path: String,
    pub stage: String,
    pub group: String,
    pub time_frame: String,
    pub status: String,
    pub tiers: String,
    pub data_source: String,
    pub description: String,
}

/// Definitions by key path.
#[derive(Debug, Default, Clone)]
pub struct Dictionary {
    by_key: HashMap<String, Definition>,
}

impl Dictionary {
    /// The shipped CE dictionary.
    pub fn shipped() -> Dictionary {
        let mut d = Dictionary::default();
        // The shipped file is checked by a test; a bad row is skipped, not fatal.
        let _ = d.add_tsv("metrics.tsv", SHIPPED);
        d
    }

    /// Adds the rows of a `metrics.tsv`-shaped file (header first). Errors
    /// name the file and line; rows before the error are kept.
    pub fn add_tsv(&mut self, file: &str, text: &str) -> Result<usize, String> {
        let mut lines = text.lines().enumerate();
        let Some((_, header)) = lines.next() else {
            return Err(format!("{file}: empty"));
        };
        let columns: Vec<&str> = header.split('\t').collect();
        let col = |name: &str| columns.iter().position(|c| *c == name);
        let key = col("key_path").ok_or_else(|| format!("{file}:1: no key_path column"))?;
        let get = |cells: &[&str], name: &str| {
            col(name)
                .and_then(|i| cells.get(i))
                .map(|s| s.to_string())
                .unwrap_or_default()
        };
        let mut added = 0;
        for (i, line) in lines {
            if line.trim().is_empty() {
                continue;
            }
            let cells: Vec<&str> = line.split('\t').collect();
            let Some(key_path) = cells.get(key).filter(|k| !k.is_empty()) else {
                return Err(format!("{file}:{}: no key_path", i + 1));
            };
            self.by_key.insert(
                key_path.to_string(),
                Definition {
                    key_path: key_path.to_string(),
                    stage: get(&cells, "product_stage"),
                    group: get(&cells, "product_group"),
                    time_frame: get(&cells, "time_frame"),
                    status: get(&cells, "status"),
                    tiers: get(&cells, "tier"),
                    data_source: get(&cells, "data_source"),
                    description: get(&cells, "description"),
                },
            );
            added += 1;
        }
        Ok(added)
    }

    /// Adds one definition (from a YAML import).
    pub fn insert(&mut self, d: Definition) {
        self.by_key.insert(d.key_path.clone(), d);
    }

    pub fn len(&self) -> usize {
        self.by_key.len()
    }

    /// Every definition, by key path.
    pub fn definitions(&self) -> Vec<&Definition> {
        let mut all: Vec<&Definition> = self.by_key.values().collect();
        all.sort_by(|a, b| a.key_path.cmp(&b.key_path));
        all
    }

    pub fn is_empty(&self) -> bool {
        self.by_key.is_empty()
    }

    /// The definition of a key path; a `_weekly`/`_monthly` suffix is tried without.
    pub fn get(&self, key: &str) -> Option<&Definition> {
        self.by_key.get(key).or_else(|| {
            key.strip_suffix("_weekly")
                .or_else(|| key.strip_suffix("_monthly"))
                .and_then(|k| self.by_key.get(k))
        })
    }

    /// Whether some definition has exactly this key path (an object metric).
    pub fn is_defined(&self, key: &str) -> bool {
        self.by_key.contains_key(key)
    }

    /// The stage of a key: its definition's, or a fallback from its path.
    pub fn stage_of(&self, key: &str) -> String {
        self.stage(self.get(key), key).to_string()
    }

    /// The stage from a definition, or from the key's path (a few string
    /// comparisons: cheaper than remembering it).
    pub fn stage<'a>(&self, definition: Option<&'a Definition>, key: &str) -> &'a str {
        match definition {
            Some(d) if !d.stage.is_empty() => &d.stage,
            _ => fallback_stage(key),
        }
    }
}

const GROUP_STAGES: &str = include_str!("../data/group_stage_map.tsv");

/// A metric definition file (`config/metrics/**/*.yml`) as far as we use it.
#[derive(serde::Deserialize)]
struct YamlDefinition {
    key_path: String,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    product_group: Option<String>,
    #[serde(default)]
    product_stage: Option<String>,
    #[serde(default)]
    time_frame: Option<TimeFrame>,
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    tiers: Option<Vec<String>>,
    #[serde(default)]
    tier: Option<Vec<String>>,
    #[serde(default)]
    data_source: Option<String>,
}

#[derive(serde::Deserialize)]
#[serde(untagged)]
enum TimeFrame {
    One(String),
    Many(Vec<String>),
}

/// The definitions in one YAML file (an array time frame gives one key per
/// frame: `7d` → `_weekly`, `28d` → `_monthly`). Errors name the file.
pub fn from_yaml(file: &str, text: &str) -> Result<Vec<Definition>, String> {
    let y: YamlDefinition = serde_saphyr::from_str(text).map_err(|e| {
        let first = e.to_string();
        format!("{file}: {}", first.lines().next().unwrap_or_default())
    })?;
    let group = y.product_group.clone().unwrap_or_default();
    let stage = y
        .product_stage
        .clone()
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| {
            GROUP_STAGES
                .lines()
                .skip(1)
                .find_map(|l| {
                    let mut c = l.split('\t');
                    (c.next() == Some(group.as_str()))
                        .then(|| c.next().unwrap_or_default().to_string())
                })
                .unwrap_or_default()
        });
    let frames: Vec<String> = match &y.time_frame {
        Some(TimeFrame::One(f)) => vec![f.clone()],
        Some(TimeFrame::Many(fs)) => fs.clone(),
        None => vec![String::new()],
    };
    let many = matches!(y.time_frame, Some(TimeFrame::Many(_)));
    Ok(frames
        .into_iter()
        .map(|frame| {
            let suffix = match (many, frame.as_str()) {
                (true, "7d") => "_weekly",
                (true, "28d") => "_monthly",
                _ => "",
            };
            Definition {
                key_path: format!("{}{suffix}", y.key_path),
                stage: stage.clone(),
                group: group.clone(),
                time_frame: frame,
                status: y.status.clone().unwrap_or_default(),
                tiers: y
                    .tiers
                    .clone()
                    .or_else(|| y.tier.clone())
                    .unwrap_or_default()
                    .join(","),
                data_source: y.data_source.clone().unwrap_or_default(),
                description: y
                    .description
                    .clone()
                    .unwrap_or_default()
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" "),
            }
        })
        .collect())
}

impl Dictionary {
    /// As a `metrics.tsv`-shaped text (for saving an imported dictionary).
    pub fn to_tsv(&self) -> String {
        let mut rows: Vec<&Definition> = self.by_key.values().collect();
        rows.sort_by(|a, b| a.key_path.cmp(&b.key_path));
        let mut out = String::from(
            "key_path\tproduct_stage\tproduct_group\ttime_frame\tstatus\ttier\tdata_source\tdescription\n",
        );
        for d in rows {
            let clean = |s: &str| s.replace(['\t', '\n'], " ");
            out.push_str(&format!(
                "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\n",
                clean(&d.key_path),
                clean(&d.stage),
                clean(&d.group),
                clean(&d.time_frame),
                clean(&d.status),
                clean(&d.tiers),
                clean(&d.data_source),
                clean(&d.description)
            ));
        }
        out
    }
}

/// The stage of a key without a definition (FORMAT.md §5.2 step 3).
pub fn fallback_stage(key: &str) -> &'static str {
    let mut parts = key.splitn(3, '.');
    let (first, second) = (parts.next().unwrap_or_default(), parts.next());
    match (first, second) {
        ("usage_activity_by_stage" | "usage_activity_by_stage_monthly", Some(stage)) => match stage
        {
            "release" | "configure" => "deploy",
            "enablement" => "systems",
            "create" => "create",
            "verify" => "verify",
            "plan" => "plan",
            "package" => "package",
            "secure" => "secure",
            "monitor" => "monitor",
            "govern" => "govern",
            "manage" => "manage",
            _ => "unknown",
        },
        ("redis_hll_counters", Some(category)) => match category {
            "code_review" | "source_code" | "ide_edit" | "snippets" | "workspaces" => "create",
            "ci_templates"
            | "testing"
            | "pipeline_authoring"
            | "ci_secrets_management"
            | "runner" => "verify",
            "quickactions" | "issues_edit" | "epics_usage" | "epic_boards_usage" | "work_items"
            | "analytics" => "plan",
            "user_packages" | "deploy_token_packages" | "user_container_registry" => "package",
            "error_tracking" => "monitor",
            c if c.starts_with("incident_management") => "monitor",
            "compliance" | "govern" | "network_policies" => "govern",
            "ecosystem" | "integrations" | "importer" | "manage" => "manage",
            "terraform" | "kubernetes_agent" | "environments" | "ci_users" => "deploy",
            "search" => "data_stores",
            _ => keyword_stage(key),
        },
        _ => keyword_stage(key),
    }
}

fn keyword_stage(key: &str) -> &'static str {
    let last = key.rsplit('.').next().unwrap_or(key);
    let has = |w: &str| last.contains(w);
    if has("sast") || has("dast") || has("scan") || has("secret_detection") || has("fuzzing") {
        "secure"
    } else if has("deploy") || has("environment") {
        "deploy"
    } else if has("pipeline") || has("ci_") || has("runner") || has("build") {
        "verify"
    } else if has("merge_request") || has("push") || has("repo") {
        "create"
    } else if has("issue") || has("epic") || has("board") {
        "plan"
    } else if has("package") || has("registry") {
        "package"
    } else {
        "unknown"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_dictionary_loads_and_looks_up() {
        let d = Dictionary::shipped();
        assert_eq!(d.len(), 3140);
        assert_eq!(
            d.get("active_user_count").map(|x| x.stage.as_str()),
            Some("analytics")
        );
        assert!(
            d.get("redis_hll_counters.manage.unique_active_users_monthly")
                .is_some()
        );
    }

    #[test]
    fn bad_tsv_is_named() {
        let mut d = Dictionary::default();
        assert_eq!(
            d.add_tsv("x.tsv", "a\tb\n").unwrap_err(),
            "x.tsv:1: no key_path column"
        );
        assert_eq!(
            d.add_tsv("x.tsv", "key_path\tstatus\n\tactive\n")
                .unwrap_err(),
            "x.tsv:2: no key_path"
        );
    }

    #[test]
    fn yaml_definitions_expand_time_frames() {
        let y = "key_path: counts.ci_builds\ndescription: >-\n  Builds\n  created\nproduct_group: pipeline_execution\ntime_frame: [7d, 28d, all]\nstatus: active\ntiers: [free, premium]\ndata_source: internal_events\n";
        let defs = from_yaml("m.yml", y).unwrap();
        let keys: Vec<&str> = defs.iter().map(|d| d.key_path.as_str()).collect();
        assert_eq!(
            keys,
            vec![
                "counts.ci_builds_weekly",
                "counts.ci_builds_monthly",
                "counts.ci_builds"
            ]
        );
        assert_eq!(defs[0].stage, "verify");
        assert_eq!(defs[0].description, "Builds created");
        assert!(
            from_yaml("bad.yml", "key_path: [")
                .unwrap_err()
                .starts_with("bad.yml: ")
        );
        let mut d = Dictionary::default();
        for def in defs {
            d.insert(def);
        }
        let mut again = Dictionary::default();
        again.add_tsv("t", &d.to_tsv()).unwrap();
        assert_eq!(again.len(), 3);
    }

    #[test]
    fn fallback_stages() {
        assert_eq!(
            fallback_stage("usage_activity_by_stage_monthly.release.deployments"),
            "deploy"
        );
        assert_eq!(fallback_stage("redis_hll_counters.code_review.x"), "create");
        assert_eq!(fallback_stage("counts.sast_jobs"), "secure");
        assert_eq!(fallback_stage("whatever"), "unknown");
    }
}
