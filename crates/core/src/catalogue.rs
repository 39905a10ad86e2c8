//! Catalogues of the content pack: Slack channels, the reading list, product
//! knowledge links and certifications. Each is a YAML file with an owner, a
//! review date and entries; problems are reported with file, line and column.

use crate::checker::{FileChecker, open_yaml};
use crate::error::Diagnostic;
use crate::people::REGIONS;
use crate::yaml::Node;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_saphyr::{Location, Spanned};
use std::collections::BTreeMap;

/// Who keeps an entry current, and when they last checked it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Review {
    pub owner: String,
    pub reviewed_at: NaiveDate,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ChannelGroup {
    /// Customer Success channels.
    Csm,
    /// Company-wide channels.
    Company,
    /// Channels of a region's team.
    Regional,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Noise {
    Low,
    Medium,
    High,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Channel {
    pub id: String,
    /// As typed in Slack, with its `#`.
    pub name: String,
    pub group: ChannelGroup,
    pub purpose: String,
    pub noise: Noise,
    /// For regional channels: the regions whose new hires join it.
    pub regions: Vec<String>,
    pub review: Review,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReadingItem {
    pub id: String,
    pub title: String,
    pub url: String,
    /// The month of onboarding (1 to 3) to read it in.
    pub month: u32,
    pub review: Review,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductLink {
    pub id: String,
    pub title: String,
    pub url: String,
    pub topic: String,
    /// The week of onboarding (4 to 6) to study it in.
    pub week: u32,
    pub summary: String,
    pub review: Review,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Certification {
    pub id: String,
    pub title: String,
    pub url: String,
    /// For a bundle: the certifications it contains.
    pub contains: Vec<String>,
    pub self_paced: bool,
    pub review: Review,
}

/// One module of a learning pathway.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Module {
    pub id: String,
    pub title: String,
    pub url: String,
    /// The onboarding week (1 = the first) by which it should be done.
    pub week: u32,
    /// Expected effort in hours.
    pub hours: u32,
}

/// A learning pathway: ordered modules for one or more CSM segments.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pathway {
    pub id: String,
    pub title: String,
    pub segments: Vec<String>,
    pub modules: Vec<Module>,
    pub review: Review,
}

impl Pathway {
    pub fn module(&self, id: &str) -> Option<&Module> {
        self.modules.iter().find(|m| m.id == id)
    }
}

/// A demo or playground system that new hires request access to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Playground {
    pub id: String,
    pub title: String,
    pub url: String,
    pub description: String,
    /// The program task that completes when access is provisioned.
    pub task: Option<String>,
    pub review: Review,
}

impl Certification {
    pub fn is_bundle(&self) -> bool {
        !self.contains.is_empty()
    }
}

/// The catalogues of a content pack.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Catalogues {
    pub channels: Vec<Channel>,
    pub reading_list: Vec<ReadingItem>,
    pub product_knowledge: Vec<ProductLink>,
    pub certifications: Vec<Certification>,
    pub pathways: Vec<Pathway>,
    pub playgrounds: Vec<Playground>,
}

/// The file name each catalogue is read from.
pub const FILES: [&str; 6] = [
    "channels.yaml",
    "reading-list.yaml",
    "product-knowledge.yaml",
    "certifications.yaml",
    "pathways.yaml",
    "playgrounds.yaml",
];

/// The catalogues of the content pack built into Onramp.
const SHIPPED: [(&str, &str); 6] = [
    (
        "catalogues/channels.yaml",
        include_str!("../../../content/catalogues/channels.yaml"),
    ),
    (
        "catalogues/reading-list.yaml",
        include_str!("../../../content/catalogues/reading-list.yaml"),
    ),
    (
        "catalogues/product-knowledge.yaml",
        include_str!("../../../content/catalogues/product-knowledge.yaml"),
    ),
    (
        "catalogues/certifications.yaml",
        include_str!("../../../content/catalogues/certifications.yaml"),
    ),
    (
        "catalogues/pathways.yaml",
        include_str!("../../../content/catalogues/pathways.yaml"),
    ),
    (
        "catalogues/playgrounds.yaml",
        include_str!("../../../content/catalogues/playgrounds.yaml"),
    ),
];

impl Catalogues {
    /// The built-in content pack's catalogues; a test keeps them valid.
    pub fn shipped() -> Result<Catalogues, Vec<Diagnostic>> {
        let files: Vec<(String, String)> = SHIPPED
            .iter()
            .map(|(p, t)| ((*p).to_string(), (*t).to_string()))
            .collect();
        parse_catalogues(&files)
    }

    /// [`Catalogues::shipped`], read once; empty if they were invalid (a
    /// test keeps them valid).
    pub fn builtin() -> &'static Catalogues {
        static BUILTIN: std::sync::OnceLock<Catalogues> = std::sync::OnceLock::new();
        BUILTIN.get_or_init(|| Catalogues::shipped().unwrap_or_default())
    }

    /// The pathway of a segment (the first that lists it).
    pub fn pathway_for(&self, segment: Option<&str>) -> Option<&Pathway> {
        let segment = segment?;
        self.pathways
            .iter()
            .find(|p| p.segments.iter().any(|s| s.eq_ignore_ascii_case(segment)))
    }

    pub fn pathway(&self, id: &str) -> Option<&Pathway> {
        self.pathways.iter().find(|p| p.id == id)
    }

    pub fn certification(&self, id: &str) -> Option<&Certification> {
        self.certifications.iter().find(|c| c.id == id)
    }

    pub fn channel(&self, id: &str) -> Option<&Channel> {
        self.channels.iter().find(|c| c.id == id)
    }

    pub fn playground(&self, id: &str) -> Option<&Playground> {
        self.playgrounds.iter().find(|p| p.id == id)
    }

    /// A reading list or product knowledge entry: its title and URL.
    pub fn reading(&self, id: &str) -> Option<(&str, &str)> {
        self.reading_list
            .iter()
            .find(|r| r.id == id)
            .map(|r| (r.title.as_str(), r.url.as_str()))
            .or_else(|| {
                self.product_knowledge
                    .iter()
                    .find(|p| p.id == id)
                    .map(|p| (p.title.as_str(), p.url.as_str()))
            })
    }
}

/// Reads the catalogue files (by name, as in [`FILES`]; missing ones are
/// empty). Every problem is reported.
pub fn parse_catalogues(files: &[(String, String)]) -> Result<Catalogues, Vec<Diagnostic>> {
    let mut diags = Vec::new();
    let mut channels = Vec::new();
    let mut reading_list = Vec::new();
    let mut product_knowledge = Vec::new();
    let mut certifications = Vec::new();
    let mut pathways = Vec::new();
    let mut playgrounds = Vec::new();
    for (path, text) in files {
        let name = path.rsplit('/').next().unwrap_or(path);
        let Some(root) = open_yaml(path, text, &mut diags) else {
            continue;
        };
        let mut c = FileChecker::new(path, 1, &mut diags);
        match name {
            "channels.yaml" => channels = read(&mut c, &root, channel),
            "reading-list.yaml" => reading_list = read(&mut c, &root, reading_item),
            "product-knowledge.yaml" => product_knowledge = read(&mut c, &root, product_link),
            "certifications.yaml" => certifications = read(&mut c, &root, certification),
            "pathways.yaml" => pathways = read(&mut c, &root, pathway),
            "playgrounds.yaml" => playgrounds = read(&mut c, &root, playground),
            other => c.error(
                &Location::UNKNOWN,
                format!("unknown catalogue `{other}` (known: {})", FILES.join(", ")),
            ),
        }
    }
    check_channel_names(&channels, &mut diags);
    check_bundles(&certifications, &mut diags);
    check_reading_ids(&reading_list, &product_knowledge, &mut diags);
    if diags.is_empty() {
        Ok(Catalogues {
            channels: strip(channels),
            reading_list: strip(reading_list),
            product_knowledge: strip(product_knowledge),
            certifications: strip(certifications),
            pathways: strip(pathways),
            playgrounds: strip(playgrounds),
        })
    } else {
        Err(diags)
    }
}

fn strip<T>(entries: Vec<Positioned<T>>) -> Vec<T> {
    entries.into_iter().map(|p| p.item).collect()
}

/// An entry and where its id was written.
struct Positioned<T> {
    item: T,
    file: String,
    line: u64,
    column: u64,
}

impl<T> Positioned<T> {
    fn problem(&self, message: String) -> Diagnostic {
        Diagnostic::new(&self.file, self.line, self.column, message)
    }
}

type EntryReader<T> =
    fn(&mut FileChecker<'_>, &BTreeMap<&str, &Spanned<Node>>, &Location, Review) -> Option<T>;

/// Reads `owner`, `reviewed_at` and `entries`, each entry with `reader`;
/// entries may override the owner and review date. Ids must be unique.
fn read<T: HasId>(
    c: &mut FileChecker<'_>,
    root: &Spanned<Node>,
    reader: EntryReader<T>,
) -> Vec<Positioned<T>> {
    let top = Location::UNKNOWN;
    let Some(fields) = c.fields(root, "the catalogue", &["owner", "reviewed_at", "entries"]) else {
        return Vec::new();
    };
    let owner = c
        .required(&fields, "owner", &top, "the catalogue")
        .and_then(|n| c.string(n, "owner"));
    let reviewed = c
        .required(&fields, "reviewed_at", &top, "the catalogue")
        .and_then(|n| date(c, n));
    let Some(entries) = c
        .required(&fields, "entries", &top, "the catalogue")
        .and_then(|n| c.list(n, "entries"))
    else {
        return Vec::new();
    };
    let mut out: Vec<Positioned<T>> = Vec::new();
    let mut seen: BTreeMap<String, (u64, u64)> = BTreeMap::new();
    for entry in entries {
        let Some(f) = c.fields(entry, "an entry", T::KEYS) else {
            continue;
        };
        let at = entry.referenced;
        let entry_owner = match f.get("owner") {
            Some(n) => c.string(n, "owner"),
            None => owner.clone(),
        };
        let entry_reviewed = match f.get("reviewed_at") {
            Some(n) => date(c, n),
            None => reviewed,
        };
        let (Some(o), Some(r)) = (entry_owner, entry_reviewed) else {
            continue;
        };
        let Some(item) = reader(
            c,
            &f,
            &at,
            Review {
                owner: o,
                reviewed_at: r,
            },
        ) else {
            continue;
        };
        let pos = f.get("id").map_or((1, 1), |n| c.pos(&n.referenced));
        if let Some(first) = seen.get(item.id()) {
            c.error(
                &f.get("id").map_or(at, |n| n.referenced),
                format!("duplicate id `{}` (first at line {})", item.id(), first.0),
            );
            continue;
        }
        seen.insert(item.id().to_string(), pos);
        out.push(Positioned {
            item,
            file: c.file.to_string(),
            line: pos.0,
            column: pos.1,
        });
    }
    out
}

trait HasId {
    const KEYS: &'static [&'static str];
    fn id(&self) -> &str;
}

impl HasId for Channel {
    const KEYS: &'static [&'static str] = &[
        "id",
        "name",
        "group",
        "purpose",
        "noise",
        "regions",
        "owner",
        "reviewed_at",
    ];
    fn id(&self) -> &str {
        &self.id
    }
}
impl HasId for ReadingItem {
    const KEYS: &'static [&'static str] = &["id", "title", "url", "month", "owner", "reviewed_at"];
    fn id(&self) -> &str {
        &self.id
    }
}
impl HasId for ProductLink {
    const KEYS: &'static [&'static str] = &[
        "id",
        "title",
        "url",
        "topic",
        "week",
        "summary",
        "owner",
        "reviewed_at",
    ];
    fn id(&self) -> &str {
        &self.id
    }
}
impl HasId for Certification {
    const KEYS: &'static [&'static str] = &[
        "id",
        "title",
        "url",
        "contains",
        "self_paced",
        "owner",
        "reviewed_at",
    ];
    fn id(&self) -> &str {
        &self.id
    }
}

impl HasId for Pathway {
    const KEYS: &'static [&'static str] =
        &["id", "title", "segments", "modules", "owner", "reviewed_at"];
    fn id(&self) -> &str {
        &self.id
    }
}
impl HasId for Playground {
    const KEYS: &'static [&'static str] = &[
        "id",
        "title",
        "url",
        "description",
        "task",
        "owner",
        "reviewed_at",
    ];
    fn id(&self) -> &str {
        &self.id
    }
}

fn date(c: &mut FileChecker<'_>, n: &Spanned<Node>) -> Option<NaiveDate> {
    let text = c.string(n, "reviewed_at")?;
    NaiveDate::parse_from_str(&text, "%Y-%m-%d")
        .ok()
        .or_else(|| {
            c.error(
                &n.referenced,
                format!("`reviewed_at` must be a date as YYYY-MM-DD (got `{text}`)"),
            );
            None
        })
}

fn url(
    c: &mut FileChecker<'_>,
    f: &BTreeMap<&str, &Spanned<Node>>,
    at: &Location,
) -> Option<String> {
    let n = c.required(f, "url", at, "an entry")?;
    let u = c.string(n, "url")?;
    if u.starts_with("https://") || u.starts_with("http://") || u.starts_with('/') {
        Some(u)
    } else {
        c.error(
            &n.referenced,
            format!("`url` must be an http(s) URL or a site path starting with / (got `{u}`)"),
        );
        None
    }
}

fn choice<T: Copy>(
    c: &mut FileChecker<'_>,
    n: &Spanned<Node>,
    key: &str,
    options: &[(&str, T)],
) -> Option<T> {
    let v = c.string(n, key)?;
    let found = options.iter().find(|(name, _)| *name == v).map(|(_, t)| *t);
    if found.is_none() {
        let names: Vec<&str> = options.iter().map(|(n, _)| *n).collect();
        c.error(
            &n.referenced,
            format!("unknown {key} `{v}` (known: {})", names.join(", ")),
        );
    }
    found
}

fn number_in(
    c: &mut FileChecker<'_>,
    n: &Spanned<Node>,
    key: &str,
    lo: u32,
    hi: u32,
) -> Option<u32> {
    let v = c.count(n, key)?;
    if (lo..=hi).contains(&v) {
        Some(v)
    } else {
        c.error(
            &n.referenced,
            format!("`{key}` must be from {lo} to {hi} (got {v})"),
        );
        None
    }
}

fn channel(
    c: &mut FileChecker<'_>,
    f: &BTreeMap<&str, &Spanned<Node>>,
    at: &Location,
    review: Review,
) -> Option<Channel> {
    let what = "a channel";
    let id = c.required(f, "id", at, what).and_then(|n| c.id(n, "id"));
    let name = c.required(f, "name", at, what).and_then(|n| {
        let name = c.string(n, "name")?;
        let ok = name.len() > 1 && name.starts_with('#') && !name.contains(char::is_whitespace);
        if !ok {
            c.error(
                &n.referenced,
                format!("`name` must be a Slack channel such as #cs-questions (got `{name}`)"),
            );
        }
        ok.then_some(name)
    });
    let group_node = c.required(f, "group", at, what);
    let group = group_node.and_then(|n| {
        choice(
            c,
            n,
            "group",
            &[
                ("csm", ChannelGroup::Csm),
                ("company", ChannelGroup::Company),
                ("regional", ChannelGroup::Regional),
            ],
        )
    });
    let purpose = c
        .required(f, "purpose", at, what)
        .and_then(|n| c.string(n, "purpose"));
    let noise = c.required(f, "noise", at, what).and_then(|n| {
        choice(
            c,
            n,
            "noise",
            &[
                ("low", Noise::Low),
                ("medium", Noise::Medium),
                ("high", Noise::High),
            ],
        )
    });
    let regions: Vec<String> = f
        .get("regions")
        .map(|n| c.names(n, "regions", "region", Some(&REGIONS)))
        .unwrap_or_default()
        .into_iter()
        .map(|(r, _)| r)
        .collect();
    if group == Some(ChannelGroup::Regional) && regions.is_empty() {
        c.error(
            group_node.map_or(at, |n| &n.referenced),
            "a regional channel needs `regions`",
        );
        return None;
    }
    Some(Channel {
        id: id?,
        name: name?,
        group: group?,
        purpose: purpose?,
        noise: noise?,
        regions,
        review,
    })
}

fn reading_item(
    c: &mut FileChecker<'_>,
    f: &BTreeMap<&str, &Spanned<Node>>,
    at: &Location,
    review: Review,
) -> Option<ReadingItem> {
    let what = "a reading list entry";
    let id = c.required(f, "id", at, what).and_then(|n| c.id(n, "id"));
    let title = c
        .required(f, "title", at, what)
        .and_then(|n| c.string(n, "title"));
    let url = url(c, f, at);
    let month = c
        .required(f, "month", at, what)
        .and_then(|n| number_in(c, n, "month", 1, 3));
    Some(ReadingItem {
        id: id?,
        title: title?,
        url: url?,
        month: month?,
        review,
    })
}

fn product_link(
    c: &mut FileChecker<'_>,
    f: &BTreeMap<&str, &Spanned<Node>>,
    at: &Location,
    review: Review,
) -> Option<ProductLink> {
    let what = "a product knowledge entry";
    let id = c.required(f, "id", at, what).and_then(|n| c.id(n, "id"));
    let title = c
        .required(f, "title", at, what)
        .and_then(|n| c.string(n, "title"));
    let url = url(c, f, at);
    let topic = c
        .required(f, "topic", at, what)
        .and_then(|n| c.string(n, "topic"));
    let week = c
        .required(f, "week", at, what)
        .and_then(|n| number_in(c, n, "week", 1, 13));
    let summary = c
        .required(f, "summary", at, what)
        .and_then(|n| c.string(n, "summary"));
    Some(ProductLink {
        id: id?,
        title: title?,
        url: url?,
        topic: topic?,
        week: week?,
        summary: summary?,
        review,
    })
}

fn certification(
    c: &mut FileChecker<'_>,
    f: &BTreeMap<&str, &Spanned<Node>>,
    at: &Location,
    review: Review,
) -> Option<Certification> {
    let what = "a certification";
    let id = c.required(f, "id", at, what).and_then(|n| c.id(n, "id"));
    let title = c
        .required(f, "title", at, what)
        .and_then(|n| c.string(n, "title"));
    let url = url(c, f, at);
    let contains = f
        .get("contains")
        .map(|n| c.names(n, "contains", "certification", None))
        .unwrap_or_default()
        .into_iter()
        .map(|(n, _)| n)
        .collect();
    let self_paced = f
        .get("self_paced")
        .and_then(|n| c.bool(n, "self_paced"))
        .unwrap_or(true);
    Some(Certification {
        id: id?,
        title: title?,
        url: url?,
        contains,
        self_paced,
        review,
    })
}

// Long: validation of a pathway file: one check after another, each naming its field.
fn pathway(
    c: &mut FileChecker<'_>,
    f: &BTreeMap<&str, &Spanned<Node>>,
    at: &Location,
    review: Review,
) -> Option<Pathway> {
    let what = "a pathway";
    let id = c.required(f, "id", at, what).and_then(|n| c.id(n, "id"));
    let title = c
        .required(f, "title", at, what)
        .and_then(|n| c.string(n, "title"));
    let segments: Vec<String> = c
        .required(f, "segments", at, what)
        .map(|n| c.names(n, "segments", "segment", Some(&crate::people::SEGMENTS)))
        .unwrap_or_default()
        .into_iter()
        .map(|(s, _)| s)
        .collect();
    let list = c
        .required(f, "modules", at, what)
        .and_then(|n| c.list(n, "modules"))
        .unwrap_or_default();
    let mut modules: Vec<Module> = Vec::new();
    let mut last_week = 0;
    for entry in list {
        let Some(m) = c.fields(entry, "a module", &["id", "title", "url", "week", "hours"]) else {
            continue;
        };
        let at = entry.referenced;
        let what = "a module";
        let id = c.required(&m, "id", &at, what).and_then(|n| c.id(n, "id"));
        let title = c
            .required(&m, "title", &at, what)
            .and_then(|n| c.string(n, "title"));
        let url = url(c, &m, &at);
        let week_node = c.required(&m, "week", &at, what);
        let week = week_node.and_then(|n| number_in(c, n, "week", 1, 52));
        let hours = c
            .required(&m, "hours", &at, what)
            .and_then(|n| number_in(c, n, "hours", 1, 200));
        let (Some(id), Some(title), Some(url), Some(week), Some(hours)) =
            (id, title, url, week, hours)
        else {
            continue;
        };
        if modules.iter().any(|x| x.id == id) {
            c.error(&at, format!("module `{id}` appears twice in the pathway"));
            continue;
        }
        if week < last_week {
            if let Some(n) = week_node {
                c.error(
                    &n.referenced,
                    format!(
                        "modules are in order: `{id}` (week {week}) comes after a module of week {last_week}"
                    ),
                );
            }
            continue;
        }
        last_week = week;
        modules.push(Module {
            id,
            title,
            url,
            week,
            hours,
        });
    }
    if segments.is_empty() || modules.is_empty() {
        c.error(at, "a pathway needs at least one segment and one module");
        return None;
    }
    Some(Pathway {
        id: id?,
        title: title?,
        segments,
        modules,
        review,
    })
}

fn playground(
    c: &mut FileChecker<'_>,
    f: &BTreeMap<&str, &Spanned<Node>>,
    at: &Location,
    review: Review,
) -> Option<Playground> {
    let what = "a playground";
    let id = c.required(f, "id", at, what).and_then(|n| c.id(n, "id"));
    let title = c
        .required(f, "title", at, what)
        .and_then(|n| c.string(n, "title"));
    let url = url(c, f, at);
    let description = c
        .required(f, "description", at, what)
        .and_then(|n| c.string(n, "description"));
    let task = f.get("task").and_then(|n| c.id(n, "task"));
    Some(Playground {
        id: id?,
        title: title?,
        url: url?,
        description: description?,
        task,
        review,
    })
}

/// Reading receipts name an entry by id alone, so the reading list and
/// product knowledge must not share one.
fn check_reading_ids(
    reading: &[Positioned<ReadingItem>],
    product: &[Positioned<ProductLink>],
    diags: &mut Vec<Diagnostic>,
) {
    for p in product {
        if reading.iter().any(|r| r.item.id == p.item.id) {
            diags.push(p.problem(format!(
                "id `{}` is also used in the reading list; ids must differ across both",
                p.item.id
            )));
        }
    }
}

/// The same channel listed twice under different ids.
fn check_channel_names(channels: &[Positioned<Channel>], diags: &mut Vec<Diagnostic>) {
    let mut seen: BTreeMap<&str, &str> = BTreeMap::new();
    for ch in channels {
        if let Some(first) = seen.insert(&ch.item.name, &ch.item.id) {
            diags.push(ch.problem(format!(
                "channel {} is listed twice (ids `{first}` and `{}`)",
                ch.item.name, ch.item.id
            )));
        }
    }
}

/// Bundles must contain known certifications that are not bundles.
fn check_bundles(certs: &[Positioned<Certification>], diags: &mut Vec<Diagnostic>) {
    for bundle in certs.iter().filter(|c| c.item.is_bundle()) {
        for part in &bundle.item.contains {
            let problem = match certs.iter().find(|c| &c.item.id == part) {
                None => Some(format!(
                    "bundle `{}` contains unknown certification `{part}`",
                    bundle.item.id
                )),
                Some(inner) if inner.item.is_bundle() => Some(format!(
                    "bundle `{}` contains another bundle `{part}`",
                    bundle.item.id
                )),
                Some(_) => None,
            };
            if let Some(message) = problem {
                diags.push(bundle.problem(message));
            }
        }
    }
}

/// A recommended order for the certifications someone plans.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CertPlan {
    /// The certifications asked for, as catalogue ids, in catalogue order.
    pub wanted: Vec<String>,
    /// A bundle that covers every one of them (or several), to take first.
    pub bundle: Option<String>,
    /// What to take, in order: the bundle (if any), then the rest.
    pub steps: Vec<PlanStep>,
    /// Bundles that cover some of the wanted certifications but not all
    /// their contents: `(bundle id, how many of its certifications are wanted)`.
    pub partial_bundles: Vec<(String, usize)>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlanStep {
    pub id: String,
    pub title: String,
    pub url: String,
    /// For a bundle: the planned certifications it covers.
    pub covers: Vec<String>,
}

fn words(text: &str) -> Vec<String> {
    text.to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

/// Finds a certification by its id, or by words of its title (case does not
/// matter: "git", "CI/CD", "project management").
pub fn find_certification<'a>(
    catalogue: &'a [Certification],
    name: &str,
) -> Result<&'a Certification, String> {
    if let Some(c) = catalogue.iter().find(|c| c.id == name.trim()) {
        return Ok(c);
    }
    let wanted = words(name);
    if wanted.is_empty() {
        return Err("an empty certification name".into());
    }
    let matches: Vec<&Certification> = catalogue
        .iter()
        .filter(|c| {
            let title = words(&c.title);
            wanted.iter().all(|w| title.contains(w))
        })
        .collect();
    match matches.as_slice() {
        [one] => Ok(one),
        [] => Err(format!(
            "no certification matches `{name}` (known: {})",
            catalogue
                .iter()
                .map(|c| c.id.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )),
        several => Err(format!(
            "`{name}` matches several certifications ({}); be more precise",
            several
                .iter()
                .map(|c| c.id.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}

/// Plans the certifications named: when a bundle contains every one of its
/// certifications that is wanted — all of them — it is recommended first.
pub fn plan_certifications(
    catalogue: &[Certification],
    names: &[String],
) -> Result<CertPlan, String> {
    let mut wanted: Vec<&Certification> = Vec::new();
    for name in names {
        let found = find_certification(catalogue, name)?;
        if !wanted.iter().any(|c| c.id == found.id) {
            wanted.push(found);
        }
    }
    if wanted.is_empty() {
        return Err("name at least one certification".into());
    }
    // Wanting a bundle means wanting what it contains.
    let mut singles: Vec<&Certification> = Vec::new();
    for c in &wanted {
        if c.is_bundle() {
            for part in &c.contains {
                if let Some(p) = catalogue.iter().find(|x| &x.id == part)
                    && !singles.iter().any(|s| s.id == p.id)
                {
                    singles.push(p);
                }
            }
        } else if !singles.iter().any(|s| s.id == c.id) {
            singles.push(c);
        }
    }
    singles.sort_by_key(|c| catalogue.iter().position(|x| x.id == c.id));
    let wanted_ids: Vec<String> = singles.iter().map(|c| c.id.clone()).collect();
    let mut bundle = None;
    let mut partial_bundles = Vec::new();
    for b in catalogue.iter().filter(|c| c.is_bundle()) {
        let covered = b
            .contains
            .iter()
            .filter(|id| wanted_ids.contains(id))
            .count();
        if covered == b.contains.len() && bundle.is_none() {
            bundle = Some(b);
        } else if covered > 0 {
            partial_bundles.push((b.id.clone(), covered));
        }
    }
    let mut steps = Vec::new();
    if let Some(b) = bundle {
        steps.push(PlanStep {
            id: b.id.clone(),
            title: b.title.clone(),
            url: b.url.clone(),
            covers: b.contains.clone(),
        });
    }
    for c in &singles {
        if bundle.is_some_and(|b| b.contains.contains(&c.id)) {
            continue;
        }
        steps.push(PlanStep {
            id: c.id.clone(),
            title: c.title.clone(),
            url: c.url.clone(),
            covers: Vec::new(),
        });
    }
    Ok(CertPlan {
        wanted: wanted_ids,
        bundle: bundle.map(|b| b.id.clone()),
        steps,
        partial_bundles,
    })
}
