//! A handbook tree on the disk: which folder holds the pages, which files
//! are pages, a page's content hash, and a page's search index entry.
//! Storing pages and keeping the index in step with the database is the
//! application's (`onramp_app::handbook::import`).

use crate::index::{DocKind, IndexDoc};
use crate::page::{PARSER_VERSION, Page, folders_of};
use crate::render::extract;
use crate::{Error, Result};
use std::path::{Path, PathBuf};

/// The folder to read: a Hugo site's `content/`, or the folder itself.
pub fn content_root(dir: &Path) -> Result<PathBuf> {
    if !dir.is_dir() {
        return Err(Error::NotADirectory(dir.to_path_buf()));
    }
    let content = dir.join("content");
    Ok(if content.is_dir() {
        content
    } else {
        dir.to_path_buf()
    })
}

/// The Markdown files below `root`, as sorted `/`-separated relative paths.
pub fn markdown_files(root: &Path) -> Result<Vec<String>> {
    let mut files = Vec::new();
    for entry in walkdir::WalkDir::new(root).follow_links(true) {
        let entry = entry.map_err(|e| {
            let path = e.path().unwrap_or(root).to_path_buf();
            Error::io(&path, e.into())
        })?;
        let name = entry.file_name().to_string_lossy();
        if !entry.file_type().is_file() || !(name.ends_with(".md") || name.ends_with(".markdown")) {
            continue;
        }
        if let Ok(relative) = entry.path().strip_prefix(root) {
            let parts: Vec<String> = relative
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            // Hidden folders (e.g. .gitlab/ templates) and the repository's own
            // README or LICENSE beside the pages are not pages.
            if parts.iter().any(|p| p.starts_with('.'))
                || (parts.len() == 1 && is_repository_file(&parts[0]))
            {
                continue;
            }
            files.push(parts.join("/"));
        }
    }
    files.sort();
    Ok(files)
}

fn is_repository_file(name: &str) -> bool {
    let stem = name.split('.').next().unwrap_or_default();
    ["readme", "license", "contributing", "changelog"].contains(&stem.to_ascii_lowercase().as_str())
}

/// The hash that tells whether a page must be parsed and stored again:
/// its source and the parser's version.
pub fn content_hash(source: &str) -> String {
    let mut bytes = format!("parser {PARSER_VERSION}\n").into_bytes();
    bytes.extend_from_slice(source.as_bytes());
    onramp_core::sha256_hex(&bytes)
}

/// The index entry of a parsed page.
pub fn index_doc(page: &Page) -> IndexDoc {
    let extracted = extract(&page.body);
    IndexDoc {
        path: page.path.clone(),
        url: page.url.clone(),
        title: page.title.clone(),
        description: page.description.clone(),
        section: page.section.clone(),
        folders: folders_of(&page.path),
        headings: extracted.headings,
        body: extracted.text,
        kind: DocKind::Page,
        date: None,
    }
}
