//! Reading metric definitions from the YAML files of GitLab's metrics
//! dictionary.

use super::*;

pub(super) const GROUP_STAGES: &str = include_str!("../../data/group_stage_map.tsv");

/// A metric definition file (`config/metrics/**/*.yml`) as far as we use it.
#[derive(serde::Deserialize)]
pub(super) struct YamlDefinition {
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
pub(super) enum TimeFrame {
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
        let rows = self.definitions();
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
