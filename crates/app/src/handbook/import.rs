//! Importing a handbook tree into the database (incrementally) and keeping
//! a search index in step with the database, on one server or several.

use crate::Error;
use onramp_handbook::page::{Page, parse};
use onramp_handbook::tree::{content_hash, content_root, index_doc, markdown_files};
use onramp_handbook::{DocKind, IndexDoc, SearchIndex};
use onramp_store::{HandbookPageInput, Store};
use std::collections::HashSet;
use std::path::Path;
use std::sync::Arc;

type Result<T> = std::result::Result<T, Error>;

/// How far an import has come: files read of the total.
#[derive(Clone, Copy, Debug)]
pub struct Progress {
    pub done: usize,
    pub total: usize,
}

/// What an import did.
#[derive(Debug, Default, serde::Serialize)]
pub struct ImportReport {
    /// The folder whose files were read (`DIR/content` for a Hugo site).
    pub root: String,
    pub files: usize,
    pub added: Vec<String>,
    pub changed: Vec<String>,
    pub removed: Vec<String>,
    pub unchanged: usize,
    /// Problems that did not stop the import, each naming its file.
    pub warnings: Vec<String>,
    pub generation: i64,
}

/// The index entry of an answered office-hours question. The author is
/// never part of it.
pub fn answer_doc(q: &onramp_store::Question) -> IndexDoc {
    let date = q
        .answered_session
        .or(q.answered_at)
        .unwrap_or(q.created_at)
        .date_naive()
        .to_string();
    IndexDoc {
        path: format!("office-hours/questions/{}", q.id),
        url: format!("/office-hours/questions/{}", q.id),
        title: q.body.chars().take(200).collect(),
        description: String::new(),
        section: "office-hours".into(),
        folders: vec!["office-hours".into()],
        headings: Vec::new(),
        body: format!("{}\n{}", q.body, q.answer),
        kind: DocKind::Answer,
        date: Some(date),
    }
}

/// Adds a newly answered question to the index, or rebuilds the index when
/// it was not in step with the database before the answer.
pub async fn index_answer(
    store: &Store,
    index: &Arc<SearchIndex>,
    question_id: i64,
    before: i64,
    after: i64,
) -> Result<()> {
    if index.generation() != Some(before) {
        sync_index(store, index).await?;
        return Ok(());
    }
    let Some(q) = store.question(question_id).await? else {
        return Ok(());
    };
    let path = format!("office-hours/questions/{}", q.id);
    let (docs, deletes) = if q.status == "answered" {
        (vec![answer_doc(&q)], Vec::new())
    } else {
        (Vec::new(), vec![path])
    };
    let index = Arc::clone(index);
    tokio::task::spawn_blocking(move || index.update(&docs, &deletes, after))
        .await
        .map_err(|e| Error::Internal(e.to_string()))??;
    Ok(())
}

/// Imports the Markdown files of `dir`: pages whose content changed since the
/// last import are stored again, pages whose file is gone are removed. When an
/// index is given, it is updated too (rebuilt if it was behind).
// Long: one pass over the files that reads, hashes, parses and sorts each into added, changed or unchanged, then applies the changes and the index update together.
pub async fn import_dir(
    store: &Store,
    dir: &Path,
    site_url: &str,
    index: Option<&Arc<SearchIndex>>,
    progress: &mut (dyn FnMut(Progress) + Send),
) -> Result<ImportReport> {
    let root = content_root(dir)?;
    let files = markdown_files(&root)?;
    if files.is_empty() {
        // Also guards an incremental import from removing every page
        // because the wrong folder was named.
        return Err(onramp_handbook::Error::NotAHandbook(dir.to_path_buf()).into());
    }
    let stored = store.handbook_hashes().await?;
    let before = store.handbook_generation().await?;
    let mut report = ImportReport {
        root: root.display().to_string(),
        files: files.len(),
        ..Default::default()
    };
    let mut upserts = Vec::new();
    let mut parsed_pages = Vec::new();
    let total = files.len();
    for (n, path) in files.iter().enumerate() {
        let full = root.join(path);
        let bytes = std::fs::read(&full).map_err(|source| onramp_handbook::Error::Io {
            path: full.clone(),
            source,
        })?;
        let source = match String::from_utf8(bytes) {
            Ok(s) => s,
            Err(_) => {
                report
                    .warnings
                    .push(format!("{path}: not UTF-8 text; skipped"));
                continue;
            }
        };
        let hash = content_hash(&source);
        match stored.get(path) {
            Some(old) if *old == hash => report.unchanged += 1,
            old => {
                let page = parse(path, &source);
                report.warnings.extend(page.warnings.iter().cloned());
                if old.is_some() {
                    report.changed.push(path.clone());
                } else {
                    report.added.push(path.clone());
                }
                upserts.push(HandbookPageInput {
                    path: page.path.clone(),
                    url: page.url.clone(),
                    title: page.title.clone(),
                    description: page.description.clone(),
                    section: page.section.clone(),
                    aliases: page.aliases.clone(),
                    draft: page.draft,
                    source,
                    content_hash: hash,
                });
                parsed_pages.push(page);
            }
        }
        if n % 50 == 0 || n + 1 == total {
            progress(Progress { done: n + 1, total });
        }
    }
    let seen: HashSet<&String> = files.iter().collect();
    report.removed = stored
        .keys()
        .filter(|p| !seen.contains(p))
        .cloned()
        .collect();
    report.removed.sort();
    let root_text = report.root.clone();
    report.generation = store
        .apply_handbook_changes(
            &root_text,
            site_url.trim_end_matches('/'),
            &upserts,
            &report.removed,
        )
        .await?;
    if let Some(index) = index {
        if index.generation() == Some(before) {
            // In step before this import: apply just the changes.
            let (drafts, live): (Vec<&Page>, Vec<&Page>) =
                parsed_pages.iter().partition(|p| p.draft);
            let docs: Vec<IndexDoc> = live.into_iter().map(index_doc).collect();
            let mut deletes = report.removed.clone();
            deletes.extend(drafts.into_iter().map(|p| p.path.clone()));
            let index = Arc::clone(index);
            let generation = report.generation;
            tokio::task::spawn_blocking(move || index.update(&docs, &deletes, generation))
                .await
                .map_err(|e| Error::Internal(e.to_string()))??;
        } else {
            sync_index(store, index).await?;
        }
    }
    Ok(report)
}

/// Rebuilds the handbook part of the index from the database when it is
/// behind; returns whether it did.
pub async fn sync_index(store: &Store, index: &Arc<SearchIndex>) -> Result<bool> {
    let generation = store.handbook_generation().await?;
    let have = index.generation();
    if have == Some(generation) {
        return Ok(false);
    }
    // Behind by a few changes (another server imported or answered): apply
    // just those, which takes milliseconds instead of a rebuild.
    if let Some(have) = have.filter(|h| *h < generation)
        && let Some(paths) = store.search_changes_since(have, generation).await?
    {
        let (docs, deletes) = changed_docs(store, paths).await?;
        let index = Arc::clone(index);
        tokio::task::spawn_blocking(move || index.update(&docs, &deletes, generation))
            .await
            .map_err(|e| Error::Internal(e.to_string()))??;
        return Ok(true);
    }
    let pages = store.handbook_pages().await?;
    let answers = store.answered_questions().await?;
    let index = Arc::clone(index);
    tokio::task::spawn_blocking(move || {
        let docs = pages
            .iter()
            .filter(|p| !p.draft)
            .map(|p| index_doc(&parse(&p.path, &p.source)))
            .chain(answers.iter().map(answer_doc));
        index.rebuild(docs, generation)
    })
    .await
    .map_err(|e| Error::Internal(e.to_string()))??;
    Ok(true)
}

/// The index entries of changed paths: pages and answered questions as they
/// are now, and the paths to drop (deleted, drafts, no longer answered).
async fn changed_docs(store: &Store, paths: Vec<String>) -> Result<(Vec<IndexDoc>, Vec<String>)> {
    let mut docs = Vec::new();
    let mut deletes = Vec::new();
    for path in paths {
        if let Some(id) = path
            .strip_prefix("office-hours/questions/")
            .and_then(|n| n.parse::<i64>().ok())
        {
            match store.question(id).await? {
                Some(q) if q.status == "answered" => docs.push(answer_doc(&q)),
                _ => deletes.push(path),
            }
            continue;
        }
        match store.handbook_page_by_path(&path).await? {
            Some(page) if !page.draft => docs.push(index_doc(&parse(&page.path, &page.source))),
            _ => deletes.push(path),
        }
    }
    Ok((docs, deletes))
}

/// The internal links of the imported pages that point to no page, and how
/// many pages were read; `None` when no handbook is imported.
pub async fn broken_links(
    store: &Store,
) -> Result<Option<(usize, Vec<onramp_handbook::links::BrokenLink>)>> {
    let pages = store.handbook_pages().await?;
    if pages.is_empty() {
        return Ok(None);
    }
    let urls = store.handbook_urls().await?;
    let broken = onramp_handbook::links::check_links(
        pages.iter().map(|p| (p.path.as_str(), p.source.as_str())),
        &urls,
    );
    Ok(Some((pages.len(), broken)))
}

/// The imported handbook's URLs and aliases; `None` when no handbook is
/// imported.
pub async fn imported_urls(store: &Store) -> Result<Option<onramp_store::HandbookUrls>> {
    if store.handbook_page_count().await? == 0 {
        return Ok(None);
    }
    Ok(Some(store.handbook_urls().await?))
}
