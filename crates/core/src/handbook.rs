//! What the handbook's pages are reached by, shared by the store (which
//! reads it) and the handbook crate (which resolves links with it).

use std::collections::HashMap;

/// The site paths that lead to pages: each page's own URL and its aliases.
#[derive(Clone, Debug, Default)]
pub struct HandbookUrls {
    /// URL or alias → page path (a URL wins over an alias).
    pub paths: HashMap<String, String>,
}

impl HandbookUrls {
    /// The page path a site path leads to.
    pub fn path_for(&self, url: &str) -> Option<&str> {
        self.paths.get(url).map(String::as_str)
    }
}

/// Where Onramp shows imported handbook pages: `/docs/handbook/x/` shows the
/// page whose site path is `/handbook/x/`.
pub const PAGE_ROUTE: &str = "/docs";

/// The first path segments of Onramp's sections that have pages below
/// them (`/ping/practice`, `/office-hours/questions/3`). A site-relative
/// link in content that starts with one of these leads to Onramp itself.
pub const APP_SECTIONS: &[&str] = &[
    "access-requests",
    "admin",
    "analytics",
    "api",
    "attachments",
    "calendar",
    "docs",
    "inbox",
    "logout",
    "office-hours",
    "onboardings",
    "ping",
    "programs",
    "reset",
    "settings",
    "static",
    "webinars",
];

/// Onramp's pages that stand alone (`/team`, `/search`): a link to exactly
/// one of these leads to Onramp; one below it (`/team/kickoff/`) can only
/// be a handbook page.
pub const APP_PAGES: &[&str] = &[
    "analytics",
    "analytics.csv",
    "audit",
    "content",
    "healthz",
    "home",
    "login",
    "metrics",
    "readyz",
    "search",
    "starts",
    "team",
];

/// The address a person follows for a link written in content (a program
/// task, a catalogue entry, an office-hours answer): a handbook site path
/// such as `/handbook/x/#y` becomes Onramp's view of that page
/// (`/docs/handbook/x/#y`); links to Onramp's own pages, other sites and
/// in-page anchors are left as they are. Pages, the API, the link checker
/// and `onramp content check` all go through this one function.
pub fn href(url: &str) -> String {
    let url = url.trim();
    let Some(path) = url.strip_prefix('/').filter(|p| !p.starts_with('/')) else {
        return url.to_string();
    };
    let root = path.split(['/', '#', '?']).next().unwrap_or_default();
    let below = path[root.len()..].trim_start_matches('/');
    let alone = below.is_empty() || below.starts_with(['#', '?']);
    if root.is_empty() || APP_SECTIONS.contains(&root) || (alone && APP_PAGES.contains(&root)) {
        url.to_string()
    } else {
        format!("{PAGE_ROUTE}{url}")
    }
}

/// The handbook site path (with any `?query` or `#fragment`) a followed
/// link shows, or `None` when [`href`] made it lead elsewhere.
pub fn site_path_of(href: &str) -> Option<&str> {
    href.strip_prefix(PAGE_ROUTE)
        .filter(|rest| rest.starts_with('/'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn handbook_links_lead_to_the_page_view() {
        assert_eq!(
            href("/handbook/customer-success/#kickoff"),
            "/docs/handbook/customer-success/#kickoff"
        );
        assert_eq!(href(" /company/culture/ "), "/docs/company/culture/");
        // Below one of Onramp's standalone pages there is only the handbook.
        assert_eq!(href("/team/kickoff/"), "/docs/team/kickoff/");
        assert_eq!(href("/team"), "/team");
        assert_eq!(href("/search?q=ebr"), "/search?q=ebr");
        // Onramp's own pages, other sites, anchors: unchanged.
        for same in [
            "/ping/practice",
            "/office-hours/questions/3",
            "/docs/handbook/x/",
            "https://docs.gitlab.com/",
            "//cdn.example.com/x",
            "#agenda",
            "mailto:a@example.com",
            "/",
            "",
        ] {
            assert_eq!(href(same), same.trim(), "{same}");
        }
        assert_eq!(
            site_path_of(&href("/handbook/x/#y")),
            Some("/handbook/x/#y")
        );
        assert_eq!(site_path_of(&href("/ping/practice")), None);
        assert_eq!(site_path_of("/docsy/"), None);
    }
}
