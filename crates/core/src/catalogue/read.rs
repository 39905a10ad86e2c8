//! Reading each catalogue file: the common header, each kind of entry with
//! its fields checked, and the checks across entries.

use super::*;
use crate::checker::FileChecker;
use crate::error::Diagnostic;
use crate::people::REGIONS;
use crate::yaml::Node;
use chrono::NaiveDate;
use serde_saphyr::{Location, Spanned};
use std::collections::BTreeMap;

pub(super) fn strip<T>(entries: Vec<Positioned<T>>) -> Vec<T> {
    entries.into_iter().map(|p| p.item).collect()
}

/// An entry and where its id was written.
pub(super) struct Positioned<T> {
    pub(super) item: T,
    pub(super) file: String,
    pub(super) line: u64,
    pub(super) column: u64,
}

impl<T> Positioned<T> {
    pub(super) fn problem(&self, message: String) -> Diagnostic {
        Diagnostic::new(&self.file, self.line, self.column, message)
    }
}

pub(super) type EntryReader<T> =
    fn(&mut FileChecker<'_>, &BTreeMap<&str, &Spanned<Node>>, &Location, Review) -> Option<T>;

/// Reads `owner`, `reviewed_at` and `entries`, each entry with `reader`;
/// entries may override the owner and review date. Ids must be unique.
pub(super) fn read<T: HasId>(
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

pub(super) trait HasId {
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

pub(super) fn date(c: &mut FileChecker<'_>, n: &Spanned<Node>) -> Option<NaiveDate> {
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

pub(super) fn url(
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

pub(super) fn choice<T: Copy>(
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

pub(super) fn number_in(
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

pub(super) fn channel(
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

pub(super) fn reading_item(
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

pub(super) fn product_link(
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

pub(super) fn certification(
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
pub(super) fn pathway(
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

pub(super) fn playground(
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
pub(super) fn check_reading_ids(
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
pub(super) fn check_channel_names(channels: &[Positioned<Channel>], diags: &mut Vec<Diagnostic>) {
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
pub(super) fn check_bundles(certs: &[Positioned<Certification>], diags: &mut Vec<Diagnostic>) {
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
