//! Internal links: where a link in a page leads, and which lead nowhere.

use crate::page::{normalize_site_path, url_for_path};
use crate::render::{LinkTarget, extract};
use onramp_core::handbook::HandbookUrls;

/// A link that looks internal, as a site path and an optional `#fragment`.
#[derive(Debug, PartialEq)]
pub struct InternalLink {
    pub url: String,
    pub fragment: Option<String>,
}

/// The site path a link in the page at `page_path` points to, or `None` for
/// external links, in-page anchors and static files.
pub fn internal_target(page_path: &str, href: &str) -> Option<InternalLink> {
    let href = href.trim();
    if href.is_empty() || href.starts_with('#') || href.starts_with("//") {
        return None;
    }
    let scheme_end = href.find(':');
    let first_slash = href.find('/').unwrap_or(href.len());
    if scheme_end.is_some_and(|colon| colon < first_slash) {
        return None;
    }
    let (rest, fragment) = match href.split_once('#') {
        Some((r, f)) => (r, Some(f.to_string()).filter(|f| !f.is_empty())),
        None => (href, None),
    };
    let rest = rest.split('?').next().unwrap_or_default();
    if rest.is_empty() {
        return None;
    }
    let last = rest
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or_default();
    let is_markdown = last.ends_with(".md");
    if let Some((_, ext)) = last.rsplit_once('.')
        && !is_markdown
        && ext != "html"
        && ext.chars().all(|c| c.is_ascii_alphanumeric())
        && !ext.chars().all(|c| c.is_ascii_digit())
    {
        // An image, a PDF, …: not a page.
        return None;
    }
    let url = if let Some(absolute) = rest.strip_prefix('/') {
        if is_markdown {
            url_for_path(absolute)
        } else {
            normalize_site_path(absolute.strip_suffix(".html").unwrap_or(absolute))
        }
    } else if is_markdown {
        // Relative to the file's folder.
        let dir = page_path.rsplit_once('/').map_or("", |(d, _)| d);
        url_for_path(&join(dir, rest))
    } else {
        // Relative to the page's address, as a browser resolves it.
        let base = url_for_path(page_path);
        normalize_site_path(&join(base.trim_matches('/'), rest))
    };
    Some(InternalLink { url, fragment })
}

/// Joins a relative path to a folder, resolving `.` and `..`.
fn join(dir: &str, relative: &str) -> String {
    let mut parts: Vec<&str> = dir.split('/').filter(|p| !p.is_empty()).collect();
    for part in relative.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    parts.join("/")
}

/// Where a link leads in Onramp, whose page views live under `route`.
pub fn resolve(page_path: &str, href: &str, urls: &HandbookUrls, route: &str) -> LinkTarget {
    match internal_target(page_path, href) {
        None => LinkTarget::External,
        Some(link) => match urls.path_for(&link.url) {
            Some(_) => {
                let mut to = format!("{route}{}", link.url);
                if let Some(f) = link.fragment {
                    to.push('#');
                    to.push_str(&f);
                }
                LinkTarget::Page(to)
            }
            None => LinkTarget::Broken,
        },
    }
}

/// A link that points to no page.
#[derive(Debug, PartialEq, serde::Serialize)]
pub struct BrokenLink {
    pub path: String,
    /// 1-based line in the source file, when the link text could be found.
    pub line: Option<usize>,
    pub href: String,
}

/// Every internal link of these pages (path, Markdown source) that points
/// to no page.
pub fn check_links<'a>(
    pages: impl IntoIterator<Item = (&'a str, &'a str)>,
    urls: &HandbookUrls,
) -> Vec<BrokenLink> {
    let mut broken = Vec::new();
    for (path, source) in pages {
        let page = SourcePage { path, source };
        let parsed = crate::page::parse(page.path, page.source);
        let mut search_from = 0;
        for href in extract(&parsed.body).links {
            let Some(link) = internal_target(page.path, &href) else {
                continue;
            };
            if urls.path_for(&link.url).is_some() {
                continue;
            }
            let found = page.source[search_from..]
                .find(&href)
                .map(|i| i + search_from);
            let line = found.map(|at| {
                search_from = at + href.len();
                page.source[..at].matches('\n').count() + 1
            });
            broken.push(BrokenLink {
                path: page.path.to_string(),
                line,
                href,
            });
        }
    }
    broken
}

/// A page as its links are checked.
struct SourcePage<'a> {
    path: &'a str,
    source: &'a str,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target(page: &str, href: &str) -> Option<String> {
        internal_target(page, href).map(|l| l.url)
    }

    #[test]
    fn link_targets() {
        let page = "handbook/customer-success/csm/ebr.md";
        assert_eq!(target(page, "https://example.com/x"), None);
        assert_eq!(target(page, "mailto:a@b.c"), None);
        assert_eq!(target(page, "#section"), None);
        assert_eq!(target(page, "/images/a.png"), None);
        assert_eq!(
            target(page, "/handbook/customer-success/csm/#anchor").as_deref(),
            Some("/handbook/customer-success/csm/")
        );
        assert_eq!(
            internal_target(page, "/handbook/x/#anchor")
                .and_then(|l| l.fragment)
                .as_deref(),
            Some("anchor")
        );
        assert_eq!(
            target(page, "/handbook/Customer-Success/CSM").as_deref(),
            Some("/handbook/customer-success/csm/")
        );
        assert_eq!(
            target(page, "./cadence-calls.md").as_deref(),
            Some("/handbook/customer-success/csm/cadence-calls/")
        );
        assert_eq!(
            target(page, "../_index.md").as_deref(),
            Some("/handbook/customer-success/")
        );
        // Without .md, relative to the page address /handbook/customer-success/csm/ebr/.
        assert_eq!(
            target(page, "../qbr/").as_deref(),
            Some("/handbook/customer-success/csm/qbr/")
        );
        assert_eq!(
            target(page, "/handbook/v1.2/").as_deref(),
            Some("/handbook/v1.2/")
        );
    }
}
