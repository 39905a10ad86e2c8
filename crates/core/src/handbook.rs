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
