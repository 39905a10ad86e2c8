//! Content freshness: catalogue entries and programs not reviewed for too
//! long, and their internal links that lead to no page of the imported
//! handbook. Used by `onramp content check` and the Enablement page.

use chrono::NaiveDate;
use onramp_core::catalogue::{Catalogues, Review};
use onramp_core::handbook::HandbookUrls;
use onramp_core::program::Program;
use serde::Serialize;

/// One reviewed entry and the links it holds.
#[derive(Debug, Clone)]
pub struct Entry {
    /// The file it comes from, relative to the content pack.
    pub file: String,
    pub id: String,
    pub title: String,
    pub owner: String,
    pub reviewed_at: NaiveDate,
    pub urls: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Stale {
    pub file: String,
    pub entry: String,
    pub title: String,
    pub owner: String,
    pub reviewed_at: NaiveDate,
    /// Days since the last review.
    pub days: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Broken {
    pub file: String,
    pub entry: String,
    pub url: String,
}

/// What the check found.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub entries: usize,
    pub max_age_days: i64,
    pub stale: Vec<Stale>,
    pub broken_links: Vec<Broken>,
    pub links_checked: usize,
    /// False when no handbook is imported, so internal links were not checked.
    pub handbook_imported: bool,
}

impl Report {
    pub fn is_clean(&self) -> bool {
        self.stale.is_empty() && self.broken_links.is_empty()
    }
}

/// Entries older than this many days are stale unless configured otherwise
/// (about six months).
pub const DEFAULT_MAX_AGE_DAYS: i64 = 182;

/// Every reviewed entry of the catalogues and programs (`programs` pairs a
/// folder such as `programs/csm-onboarding` with its program).
pub fn entries(catalogues: &Catalogues, programs: &[(String, Program)]) -> Vec<Entry> {
    let mut out = Vec::new();
    let mut push = |file: &str, id: &str, title: &str, review: &Review, urls: Vec<String>| {
        out.push(Entry {
            file: format!("catalogues/{file}"),
            id: id.to_string(),
            title: title.to_string(),
            owner: review.owner.clone(),
            reviewed_at: review.reviewed_at,
            urls,
        })
    };
    for c in &catalogues.channels {
        push("channels.yaml", &c.id, &c.name, &c.review, Vec::new());
    }
    for r in &catalogues.reading_list {
        push(
            "reading-list.yaml",
            &r.id,
            &r.title,
            &r.review,
            vec![r.url.clone()],
        );
    }
    for p in &catalogues.product_knowledge {
        push(
            "product-knowledge.yaml",
            &p.id,
            &p.title,
            &p.review,
            vec![p.url.clone()],
        );
    }
    for c in &catalogues.certifications {
        push(
            "certifications.yaml",
            &c.id,
            &c.title,
            &c.review,
            vec![c.url.clone()],
        );
    }
    for p in &catalogues.pathways {
        let urls = p.modules.iter().map(|m| m.url.clone()).collect();
        push("pathways.yaml", &p.id, &p.title, &p.review, urls);
    }
    for p in &catalogues.playgrounds {
        push(
            "playgrounds.yaml",
            &p.id,
            &p.title,
            &p.review,
            vec![p.url.clone()],
        );
    }
    for (path, p) in programs {
        let urls = p
            .tasks
            .iter()
            .flat_map(|t| t.links.iter().map(|l| l.url.clone()))
            .collect();
        out.push(Entry {
            file: format!("{path}/program.md"),
            id: p.id.clone(),
            title: p.title.clone(),
            owner: p.owner.clone(),
            reviewed_at: p.reviewed_at,
            urls,
        });
    }
    out
}

/// Tells whether a link into the handbook leads to an imported page. A link
/// is resolved as the pages resolve it ([`onramp_core::handbook::href`]):
/// what a person would follow to a handbook page is checked; links to
/// Onramp's own pages and to other sites are not.
pub struct LinkChecker<'a> {
    urls: &'a HandbookUrls,
}

impl<'a> LinkChecker<'a> {
    pub fn new(urls: &'a HandbookUrls) -> Self {
        LinkChecker { urls }
    }

    /// `Some(true)` for a broken handbook link, `Some(false)` for a working
    /// one, `None` for a link that is not into the handbook.
    pub fn is_broken(&self, url: &str) -> Option<bool> {
        let followed = onramp_core::handbook::href(url);
        let site_path = onramp_core::handbook::site_path_of(&followed)?;
        let link = crate::links::internal_target("", site_path)?;
        Some(self.urls.path_for(&link.url).is_none())
    }
}

/// Checks `entries` on `today`; links only when a handbook is imported.
pub fn check(
    entries: &[Entry],
    today: NaiveDate,
    max_age_days: i64,
    urls: Option<&HandbookUrls>,
) -> Report {
    let stale = entries
        .iter()
        .filter_map(|e| {
            let days = (today - e.reviewed_at).num_days();
            (days > max_age_days).then(|| Stale {
                file: e.file.clone(),
                entry: e.id.clone(),
                title: e.title.clone(),
                owner: e.owner.clone(),
                reviewed_at: e.reviewed_at,
                days,
            })
        })
        .collect();
    let mut broken_links = Vec::new();
    let mut links_checked = 0;
    if let Some(urls) = urls {
        let checker = LinkChecker::new(urls);
        for e in entries {
            for url in &e.urls {
                match checker.is_broken(url) {
                    None => {}
                    Some(broken) => {
                        links_checked += 1;
                        if broken {
                            broken_links.push(Broken {
                                file: e.file.clone(),
                                entry: e.id.clone(),
                                url: url.clone(),
                            });
                        }
                    }
                }
            }
        }
    }
    Report {
        entries: entries.len(),
        max_age_days,
        stale,
        broken_links,
        links_checked,
        handbook_imported: urls.is_some(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn stale_entries_and_broken_handbook_links() {
        let entry = |id: &str, reviewed: &str, urls: &[&str]| Entry {
            file: "catalogues/reading-list.yaml".into(),
            id: id.into(),
            title: id.into(),
            owner: "Enablement".into(),
            reviewed_at: day(reviewed),
            urls: urls.iter().map(|u| u.to_string()).collect(),
        };
        let entries = vec![
            entry(
                "fresh",
                "2026-11-01",
                &["/handbook/a/", "https://example.com/x"],
            ),
            entry(
                "old",
                "2026-01-01",
                &["/handbook/gone/#part", "/ping/practice", "/company/x/"],
            ),
        ];
        let mut paths = HashMap::new();
        paths.insert("/handbook/a/".to_string(), "handbook/a.md".to_string());
        let urls = HandbookUrls { paths };
        let r = check(
            &entries,
            day("2026-11-27"),
            DEFAULT_MAX_AGE_DAYS,
            Some(&urls),
        );
        assert_eq!(r.stale.len(), 1);
        assert_eq!((r.stale[0].entry.as_str(), r.stale[0].days), ("old", 330));
        assert_eq!(
            r.links_checked, 3,
            "external and Onramp links are not the handbook's"
        );
        // A link is checked where the pages send a person: `/company/x/`
        // would be shown as `/docs/company/x/`, which no page answers.
        let broken: Vec<&str> = r.broken_links.iter().map(|b| b.url.as_str()).collect();
        assert_eq!(broken, ["/handbook/gone/#part", "/company/x/"]);
        assert!(!r.is_clean());
        let without = check(&entries, day("2026-11-27"), 400, None);
        assert!(without.is_clean() && !without.handbook_imported);
    }
}
