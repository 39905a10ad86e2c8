//! The metrics dictionary: one definition per payload key path.

mod yaml;
pub use yaml::*;

use rustc_hash::FxHashMap as HashMap;

/// The CE definitions shipped with Onramp (MIT, see `data/NOTICE.md`).
pub const SHIPPED: &str = include_str!("../../data/metrics.tsv");

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

/// The position of a definition in its dictionary. Payloads remember it for
/// each key, so a key is looked up once; ids only mean something with the
/// dictionary that gave them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DefinitionId(u32);

/// A stage name, interned by its dictionary.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StageId(u16);

impl StageId {
    pub fn index(self) -> usize {
        usize::from(self.0)
    }
}

/// A place in the tree of key path segments: a parser walks it one JSON key
/// at a time instead of looking up whole paths.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Node(u32);

/// One segment of the tree: its text (in `Dictionary::segment_text`), the
/// node above, and the definition ending here.
#[derive(Debug, Clone, Default)]
struct Segment {
    parent: u32,
    start: u32,
    len: u32,
    definition: Option<u32>,
}

/// Where an edge of the tree is kept in the edge table.
fn edge_hash(parent: u32, part: &str) -> u64 {
    use std::hash::{BuildHasher, Hash, Hasher};
    let mut h = rustc_hash::FxBuildHasher.build_hasher();
    parent.hash(&mut h);
    h.write(part.as_bytes());
    h.finish()
}

/// Definitions by key path, with each definition's stage resolved once.
#[derive(Debug, Clone)]
pub struct Dictionary {
    /// Key paths split at `.`; the first segment is the root. All segments'
    /// texts sit in one string and every edge in one table, which keeps a
    /// lookup within a few cache lines.
    tree: Vec<Segment>,
    segment_text: String,
    /// Segment ids, found by (parent, text).
    edges: hashbrown::HashTable<u32>,
    definitions: Vec<Definition>,
    /// The stage of each definition: its own, or the fallback from its path.
    stage_ids: Vec<StageId>,
    /// Stage names; the fallback stages come first, in [`FALLBACK_STAGES`] order.
    stages: Vec<String>,
}

impl Default for Dictionary {
    fn default() -> Dictionary {
        Dictionary {
            tree: vec![Segment::default()],
            segment_text: String::new(),
            edges: hashbrown::HashTable::new(),
            definitions: Vec::new(),
            stage_ids: Vec::new(),
            stages: FALLBACK_STAGES.iter().map(|s| s.to_string()).collect(),
        }
    }
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
        let [
            stage,
            group,
            time_frame,
            status,
            tiers,
            data_source,
            description,
        ] = [
            "product_stage",
            "product_group",
            "time_frame",
            "status",
            "tier",
            "data_source",
            "description",
        ]
        .map(col);
        let get = |cells: &[&str], column: Option<usize>| {
            column
                .and_then(|i| cells.get(i))
                .map_or_else(String::new, |s| s.to_string())
        };
        let mut cells: Vec<&str> = Vec::with_capacity(columns.len());
        let mut added = 0;
        for (i, line) in lines {
            if line.trim().is_empty() {
                continue;
            }
            cells.clear();
            cells.extend(line.split('\t'));
            let Some(key_path) = cells.get(key).filter(|k| !k.is_empty()) else {
                return Err(format!("{file}:{}: no key_path", i + 1));
            };
            self.insert(Definition {
                key_path: key_path.to_string(),
                stage: get(&cells, stage),
                group: get(&cells, group),
                time_frame: get(&cells, time_frame),
                status: get(&cells, status),
                tiers: get(&cells, tiers),
                data_source: get(&cells, data_source),
                description: get(&cells, description),
            });
            added += 1;
        }
        Ok(added)
    }

    /// Adds one definition; a later one for the same key path replaces it.
    pub fn insert(&mut self, d: Definition) {
        let stage = if d.stage.is_empty() {
            StageId(fallback_index(&d.key_path) as u16)
        } else {
            self.intern(&d.stage)
        };
        let mut node = 0u32;
        for part in d.key_path.split('.') {
            node = match self.child(Node(node), part) {
                Some(Node(child)) => child,
                None => self.add_segment(node, part),
            };
        }
        let node = node as usize;
        match self.tree[node].definition {
            Some(i) => {
                self.definitions[i as usize] = d;
                self.stage_ids[i as usize] = stage;
            }
            None => {
                let i = u32::try_from(self.definitions.len()).unwrap_or(u32::MAX);
                self.tree[node].definition = Some(i);
                self.definitions.push(d);
                self.stage_ids.push(stage);
            }
        }
    }

    fn add_segment(&mut self, parent: u32, part: &str) -> u32 {
        let to_u32 = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        let id = to_u32(self.tree.len());
        self.tree.push(Segment {
            parent,
            start: to_u32(self.segment_text.len()),
            len: to_u32(part.len()),
            definition: None,
        });
        self.segment_text.push_str(part);
        let (tree, text) = (&self.tree, &self.segment_text);
        self.edges.insert_unique(edge_hash(parent, part), id, |&i| {
            tree.get(i as usize)
                .map_or(0, |s| edge_hash(s.parent, segment_text(text, s)))
        });
        id
    }

    /// The segment `part` right below `node`.
    fn child(&self, node: Node, part: &str) -> Option<Node> {
        self.edges
            .find(edge_hash(node.0, part), |&i| {
                self.tree.get(i as usize).is_some_and(|s| {
                    s.parent == node.0 && segment_text(&self.segment_text, s) == part
                })
            })
            .map(|&i| Node(i))
    }

    fn intern(&mut self, stage: &str) -> StageId {
        let i = self
            .stages
            .iter()
            .position(|s| s == stage)
            .unwrap_or_else(|| {
                self.stages.push(stage.to_string());
                self.stages.len() - 1
            });
        StageId(u16::try_from(i).unwrap_or(u16::MAX))
    }

    pub fn len(&self) -> usize {
        self.definitions.len()
    }

    /// Every definition, by key path.
    pub fn definitions(&self) -> Vec<&Definition> {
        let mut all: Vec<&Definition> = self.definitions.iter().collect();
        all.sort_by(|a, b| a.key_path.cmp(&b.key_path));
        all
    }

    pub fn is_empty(&self) -> bool {
        self.definitions.is_empty()
    }

    /// The definition with exactly this key path.
    pub fn find(&self, key: &str) -> Option<DefinitionId> {
        self.definition_at(self.walk(Some(Dictionary::ROOT), key))
    }

    /// The top of the tree (the empty path).
    pub const ROOT: Node = Node(0);

    /// The node of `key` below `node` (`key` may hold dots), or `None` when
    /// no definition starts with that path.
    pub fn walk(&self, node: Option<Node>, key: &str) -> Option<Node> {
        let node = node?;
        // Segments never hold a dot, so a key with one is only ever found
        // in parts (checked after the common case).
        self.child(node, key).or_else(|| {
            key.contains('.')
                .then(|| {
                    key.split('.')
                        .try_fold(node, |node, part| self.child(node, part))
                })
                .flatten()
        })
    }

    /// The definition of `segment` below `parent` without the segment's
    /// `_weekly`/`_monthly` suffix.
    pub fn child_without_suffix(
        &self,
        parent: Option<Node>,
        segment: &str,
    ) -> Option<DefinitionId> {
        let stripped = segment
            .strip_suffix("_weekly")
            .or_else(|| segment.strip_suffix("_monthly"))?;
        self.definition_at(self.walk(parent, stripped))
    }

    /// The definition whose key path ends at `node`.
    pub fn definition_at(&self, node: Option<Node>) -> Option<DefinitionId> {
        self.tree
            .get(node?.0 as usize)?
            .definition
            .map(DefinitionId)
    }

    /// The definition of a key path; a `_weekly`/`_monthly` suffix is tried without.
    pub fn lookup(&self, key: &str) -> Option<DefinitionId> {
        self.find(key).or_else(|| self.find_without_suffix(key))
    }

    /// The definition of a key path without its `_weekly`/`_monthly` suffix.
    pub fn find_without_suffix(&self, key: &str) -> Option<DefinitionId> {
        key.strip_suffix("_weekly")
            .or_else(|| key.strip_suffix("_monthly"))
            .and_then(|k| self.find(k))
    }

    /// The definition an id of this dictionary stands for.
    pub fn definition(&self, id: DefinitionId) -> Option<&Definition> {
        self.definitions.get(id.0 as usize)
    }

    /// The definition of a key path (see [`Dictionary::lookup`]).
    pub fn get(&self, key: &str) -> Option<&Definition> {
        self.lookup(key).and_then(|id| self.definition(id))
    }

    /// The stage of a key: its definition's, or a fallback from its path.
    pub fn stage_id(&self, definition: Option<DefinitionId>, key: &str) -> StageId {
        definition
            .and_then(|id| self.stage_ids.get(id.0 as usize).copied())
            .unwrap_or_else(|| fallback_stage_id(key))
    }

    pub fn stage_name(&self, stage: StageId) -> &str {
        self.stages
            .get(stage.index())
            .map_or("unknown", String::as_str)
    }

    /// Every stage name, indexed by [`StageId::index`].
    pub fn stage_names(&self) -> &[String] {
        &self.stages
    }
}

fn segment_text<'a>(text: &'a str, segment: &Segment) -> &'a str {
    text.get(segment.start as usize..segment.start as usize + segment.len as usize)
        .unwrap_or_default()
}

/// Every stage [`fallback_stage`] gives, in [`StageId`] order.
pub const FALLBACK_STAGES: [&str; 12] = [
    "unknown",
    "create",
    "verify",
    "plan",
    "package",
    "deploy",
    "secure",
    "monitor",
    "govern",
    "manage",
    "systems",
    "data_stores",
];
const UNKNOWN: usize = 0;
const CREATE: usize = 1;
const VERIFY: usize = 2;
const PLAN: usize = 3;
const PACKAGE: usize = 4;
const DEPLOY: usize = 5;
const SECURE: usize = 6;
const MONITOR: usize = 7;
const GOVERN: usize = 8;
const MANAGE: usize = 9;
const SYSTEMS: usize = 10;
const DATA_STORES: usize = 11;

/// At most this many keys' fallback stages are remembered per thread.
const REMEMBERED_FALLBACKS: usize = 1 << 16;

thread_local! {
    /// Fallback stages of keys without a definition: the same keys come back
    /// in every payload of a batch, and finding the stage can take a dozen
    /// substring searches.
    static FALLBACKS: std::cell::RefCell<HashMap<Box<str>, StageId>> =
        std::cell::RefCell::new(HashMap::default());
}

fn fallback_stage_id(key: &str) -> StageId {
    FALLBACKS.with_borrow_mut(|remembered| {
        if let Some(&stage) = remembered.get(key) {
            return stage;
        }
        let stage = StageId(fallback_index(key) as u16);
        if remembered.len() >= REMEMBERED_FALLBACKS {
            remembered.clear();
        }
        remembered.insert(key.into(), stage);
        stage
    })
}

/// The stage of a key without a definition (FORMAT.md §5.2 step 3).
pub fn fallback_stage(key: &str) -> &'static str {
    FALLBACK_STAGES[fallback_index(key)]
}

/// [`fallback_stage`] as an index into [`FALLBACK_STAGES`].
fn fallback_index(key: &str) -> usize {
    let mut parts = key.splitn(3, '.');
    let (first, second) = (parts.next().unwrap_or_default(), parts.next());
    match (first, second) {
        ("usage_activity_by_stage" | "usage_activity_by_stage_monthly", Some(stage)) => match stage
        {
            "release" | "configure" => DEPLOY,
            "enablement" => SYSTEMS,
            "create" => CREATE,
            "verify" => VERIFY,
            "plan" => PLAN,
            "package" => PACKAGE,
            "secure" => SECURE,
            "monitor" => MONITOR,
            "govern" => GOVERN,
            "manage" => MANAGE,
            _ => UNKNOWN,
        },
        ("redis_hll_counters", Some(category)) => match category {
            "code_review" | "source_code" | "ide_edit" | "snippets" | "workspaces" => CREATE,
            "ci_templates"
            | "testing"
            | "pipeline_authoring"
            | "ci_secrets_management"
            | "runner" => VERIFY,
            "quickactions" | "issues_edit" | "epics_usage" | "epic_boards_usage" | "work_items"
            | "analytics" => PLAN,
            "user_packages" | "deploy_token_packages" | "user_container_registry" => PACKAGE,
            "error_tracking" => MONITOR,
            c if c.starts_with("incident_management") => MONITOR,
            "compliance" | "govern" | "network_policies" => GOVERN,
            "ecosystem" | "integrations" | "importer" | "manage" => MANAGE,
            "terraform" | "kubernetes_agent" | "environments" | "ci_users" => DEPLOY,
            "search" => DATA_STORES,
            _ => keyword_index(key),
        },
        _ => keyword_index(key),
    }
}

/// Words in a key's last segment that tell its stage; the first stage in
/// this list with a word in the key wins.
const STAGE_WORDS: [(usize, &[&str]); 6] = [
    (
        SECURE,
        &["sast", "dast", "scan", "secret_detection", "fuzzing"],
    ),
    (DEPLOY, &["deploy", "environment"]),
    (VERIFY, &["pipeline", "ci_", "runner", "build"]),
    (CREATE, &["merge_request", "push", "repo"]),
    (PLAN, &["issue", "epic", "board"]),
    (PACKAGE, &["package", "registry"]),
];

fn keyword_index(key: &str) -> usize {
    let last = key.rsplit('.').next().unwrap_or(key);
    STAGE_WORDS
        .iter()
        .find(|(_, words)| words.iter().any(|w| last.contains(w)))
        .map_or(UNKNOWN, |(stage, _)| *stage)
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
        // The first stage in the list wins when a key has words of several.
        assert_eq!(fallback_stage("counts.issue_sast_jobs"), "secure");
        assert_eq!(fallback_stage("counts.epic_pipelines"), "verify");
        assert_eq!(fallback_stage("counts.repo_registry"), "create");
        assert_eq!(fallback_stage("counts.deploy.other"), "unknown");
        // Every fallback has its own id (none is counted as "unknown" by mistake).
        for key in [
            "usage_activity_by_stage.enablement.x",
            "usage_activity_by_stage.configure.x",
            "redis_hll_counters.search.x",
            "redis_hll_counters.incident_management_alerts.x",
            "counts.package_events",
            "counts.issues",
            "counts.merge_requests",
            "counts.pipelines",
            "usage_activity_by_stage.monitor.x",
            "usage_activity_by_stage.govern.x",
            "usage_activity_by_stage.manage.x",
        ] {
            let d = Dictionary::default();
            assert_eq!(
                d.stage_name(d.stage_id(None, key)),
                fallback_stage(key),
                "{key}"
            );
            assert_ne!(fallback_stage(key), "unknown", "{key}");
        }
    }

    #[test]
    fn stages_are_resolved_once_per_definition() {
        let mut d = Dictionary::default();
        d.add_tsv(
            "t",
            "key_path\tproduct_stage\ncounts.a\tplan\ncounts.sast_jobs\t\ncounts.b\tplan\n",
        )
        .unwrap();
        let a = d.find("counts.a");
        let b = d.find("counts.b");
        assert_eq!(d.stage_id(a, "counts.a"), d.stage_id(b, "counts.b"));
        assert_eq!(d.stage_name(d.stage_id(a, "counts.a")), "plan");
        // No stage in the definition: the fallback from its path.
        let sast = d.find("counts.sast_jobs");
        assert_eq!(d.stage_name(d.stage_id(sast, "counts.sast_jobs")), "secure");
        assert_eq!(d.lookup("counts.a_monthly"), a);
        assert_eq!(d.find("counts.a_monthly"), None);
        // A later definition of the same key replaces the first.
        d.add_tsv("u", "key_path\tproduct_stage\ncounts.a\tcreate\n")
            .unwrap();
        assert_eq!(d.len(), 3);
        assert_eq!(
            d.stage_name(d.stage_id(d.lookup("counts.a"), "counts.a")),
            "create"
        );
    }
}
