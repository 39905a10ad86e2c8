#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test
//! Import, incremental re-import, link checking and search: on small trees
//! written here, on the sample handbook of the repository
//! (`content/sample-handbook`), and on the real handbook corpus when it is
//! given (`onramp_testkit::corpus`).

use onramp_app::handbook::{Progress, import_dir};
use onramp_handbook::{DocKind, SearchIndex, links};
use onramp_store::Store;
use onramp_store::testing::{Backend, with_store};
use std::path::Path;
use std::sync::Arc;

fn write(root: &Path, path: &str, text: &str) {
    let full = root.join(path);
    std::fs::create_dir_all(full.parent().unwrap()).unwrap();
    std::fs::write(full, text).unwrap();
}

/// A small site of our own, in Hugo layout.
fn small_site() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let c = dir.path().join("content");
    write(
        &c,
        "guide/_index.md",
        "---\ntitle: \"Guide\"\ndescription: Where everything starts\n---\nSee [kickoff](/guide/kickoff/) and [gone](/guide/nowhere/).\n",
    );
    write(
        &c,
        "guide/kickoff.md",
        "---\ntitle: Kickoff meetings\naliases:\n  - /old/kickoff/\n---\n## Agenda\n\nThe kickoff call sets goals with the customer.\n\n{{% alert title=\"Tip\" %}}Share the agenda a day before.{{% /alert %}}\n",
    );
    write(
        &c,
        "guide/escalations.md",
        "---\ntitle: Escalations\n---\nWhen a customer is in trouble, open an escalation and keep a status log.\n",
    );
    write(
        &c,
        "guide/broken.md",
        "---\ntitle: [not closed\n---\n# Broken front matter\n\nStill imported.\n",
    );
    write(
        &c,
        "other/raw.md",
        "---\ntitle: Raw HTML\n---\n<script>alert('x')</script>\n<div onclick=\"x()\">Team table</div>\n",
    );
    dir
}

async fn import(
    store: &Store,
    dir: &Path,
    index: &Arc<SearchIndex>,
) -> onramp_app::handbook::ImportReport {
    let mut calls = 0;
    let report = import_dir(store, dir, "", Some(index), &mut |_p: Progress| calls += 1)
        .await
        .unwrap();
    assert!(calls > 0, "progress is reported");
    report
}

async fn incremental(store: Store) {
    let site = small_site();
    let index = Arc::new(SearchIndex::in_memory().unwrap());
    let first = import(&store, site.path(), &index).await;
    assert_eq!(first.added.len(), 5);
    assert_eq!(first.warnings.len(), 1);
    assert!(
        first.warnings[0].starts_with("guide/broken.md: front matter"),
        "{:?}",
        first.warnings
    );
    assert_eq!(index.len(), 5);
    assert_eq!(index.generation(), Some(first.generation));

    // Nothing changed: nothing re-read, same generation.
    let again = import(&store, site.path(), &index).await;
    assert_eq!(again.unchanged, 5);
    assert!(again.added.is_empty() && again.changed.is_empty() && again.removed.is_empty());
    assert_eq!(again.generation, first.generation);

    // Change one, delete one, rename one.
    let c = site.path().join("content");
    write(
        &c,
        "guide/escalations.md",
        "---\ntitle: Escalations\n---\nUse the tracker for every escalated account.\n",
    );
    std::fs::remove_file(c.join("other/raw.md")).unwrap();
    std::fs::rename(c.join("guide/kickoff.md"), c.join("guide/first-call.md")).unwrap();
    let third = import(&store, site.path(), &index).await;
    assert_eq!(third.changed, vec!["guide/escalations.md"]);
    assert_eq!(third.added, vec!["guide/first-call.md"]);
    assert_eq!(third.removed, vec!["guide/kickoff.md", "other/raw.md"]);
    assert_eq!(third.generation, first.generation + 1);
    assert_eq!(store.handbook_page_count().await.unwrap(), 4);
    assert_eq!(index.len(), 4);
    let hits = index.search("tracker", 10, 0).unwrap();
    assert_eq!(hits[0].path, "guide/escalations.md");
    assert!(index.search("\"status log\"", 10, 0).unwrap().is_empty());
    let renamed = index.search("kickoff", 10, 0).unwrap();
    assert_eq!(renamed[0].path, "guide/first-call.md");
    assert_eq!(renamed[0].url, "/guide/first-call/");

    // URLs and aliases resolve in the store.
    let page = store
        .handbook_page_by_url("/old/kickoff/")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(page.path, "guide/first-call.md");
    assert_eq!(
        store
            .handbook_page_by_url("/guide/")
            .await
            .unwrap()
            .unwrap()
            .title,
        "Guide"
    );

    // A new index (another server) is rebuilt from the database.
    let fresh = Arc::new(SearchIndex::in_memory().unwrap());
    assert!(
        onramp_app::handbook::sync_index(&store, &fresh)
            .await
            .unwrap()
    );
    assert_eq!(fresh.len(), 4);
    assert!(
        !onramp_app::handbook::sync_index(&store, &fresh)
            .await
            .unwrap()
    );

    // Link checking names the page and line.
    let urls = store.handbook_urls().await.unwrap();
    let broken = links::check_links(
        store
            .handbook_pages()
            .await
            .unwrap()
            .iter()
            .map(|p| (p.path.as_str(), p.source.as_str())),
        &urls,
    );
    let hrefs: Vec<(&str, Option<usize>, &str)> = broken
        .iter()
        .map(|b| (b.path.as_str(), b.line, b.href.as_str()))
        .collect();
    assert_eq!(
        hrefs,
        vec![
            ("guide/_index.md", Some(5), "/guide/kickoff/"),
            ("guide/_index.md", Some(5), "/guide/nowhere/")
        ]
    );
}

#[tokio::test]
async fn incremental_import_sqlite() {
    with_store(Backend::Sqlite, |store, _| incremental(store)).await;
}

#[tokio::test]
async fn incremental_import_postgres() {
    with_store(Backend::Postgres, |store, _| incremental(store)).await;
}

#[tokio::test]
async fn not_a_directory_is_a_clear_error() {
    with_store(Backend::Sqlite, |store, _| async move {
        let err = import_dir(&store, Path::new("/no/such/dir"), "", None, &mut |_| {})
            .await
            .unwrap_err();
        assert_eq!(err.to_string(), "/no/such/dir is not a directory");
        assert_eq!(store.handbook_page_count().await.unwrap(), 0);
    })
    .await;
}

/// The real corpus imported, when it is given.
async fn corpus_index(test: &str) -> Option<(Arc<SearchIndex>, Store, tempfile::TempDir)> {
    let corpus = onramp_testkit::corpus("handbook", test)?;
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&onramp_store::Database::sqlite_in(dir.path()))
        .await
        .unwrap();
    let index = Arc::new(SearchIndex::in_memory().unwrap());
    let report = import_dir(&store, &corpus, "", Some(&index), &mut |_| {})
        .await
        .unwrap();
    // 4,019 pages; the corpus README and a hidden .gitlab/ template are not pages.
    assert_eq!(report.files, 4018);
    assert!(report.warnings.is_empty(), "{:?}", report.warnings);
    Some((index, store, dir))
}

#[tokio::test]
async fn real_corpus() {
    let Some((index, store, _dir)) = corpus_index("real_corpus").await else {
        return;
    };
    // Drafts are stored but not searchable.
    assert!(index.len() < 4019 && index.len() > 4000);

    // URL rules and aliases on real pages.
    let stats = store
        .handbook_page_by_url("/handbook/customer-success/product-usage-data/usage-statistics/")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        stats.path,
        "handbook/customer-success/product-usage-data/usage-statistics.html.md"
    );
    let remote = store
        .handbook_page_by_url("/handbook/company/all-remote/")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(remote.path, "handbook/company/culture/all-remote/_index.md");
    let csm = store
        .handbook_page_by_url("/handbook/customer-success/csm/")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(csm.title, "Customer Success Management Handbook");

    // No shortcode survives parsing, except the escaped documentation examples.
    let mut with_braces = Vec::new();
    for page in store.handbook_pages().await.unwrap() {
        let parsed = onramp_handbook::page::parse(&page.path, &page.source);
        if parsed.body.contains("{{%")
            || parsed.body.contains("{{< ")
            || parsed.body.contains("{{<")
        {
            with_braces.push(page.path.clone());
        }
        let rendered = onramp_handbook::render::render_html(&parsed.body, &|_| {
            onramp_handbook::render::LinkTarget::External
        });
        assert!(!rendered.html.contains("<script"), "{}", page.path);
        assert!(!rendered.html.contains("<iframe"), "{}", page.path);
    }
    assert_eq!(with_braces.len(), 3, "raw shortcodes in {with_braces:?}");

    // Phrases, typos, abbreviations, filters.
    let top = |q: &str| -> Vec<String> {
        index
            .search(q, 5, 0)
            .unwrap()
            .into_iter()
            .map(|h| h.path)
            .collect()
    };
    assert!(
        top("\"executive business review\"")
            .contains(&"handbook/customer-success/csm/ebr.md".to_string())
    );
    assert!(
        top("shaddow meetings")
            .contains(&"handbook/customer-success/csm/csm-onboarding/shadowing.md".to_string())
    );
    assert!(top("EBR").contains(&"handbook/customer-success/csm/ebr.md".to_string()));
    assert!(
        top("calls to action gainsight")
            .contains(&"handbook/customer-success/csm/gainsight/ctas.md".to_string())
    );
    for path in top("onboarding section:customer-success") {
        assert!(path.starts_with("handbook/customer-success/"), "{path}");
    }
    // Search as you type: a prefix finds the word being typed.
    assert!(
        top("cadence ca").contains(&"handbook/customer-success/csm/cadence-calls.md".to_string())
    );
    let hit = &index.search("escalation", 1, 0).unwrap()[0];
    assert!(hit.snippet_html.contains("<b>"), "{}", hit.snippet_html);
    assert_eq!(hit.kind, DocKind::Page);

    // Absurd queries: a clear error or a clear empty result, never a panic.
    assert!(index.search("", 10, 0).is_err());
    assert!(index.search(&"word ".repeat(200), 10, 0).is_err());
    assert!(index.search("?!?! ::: ---", 10, 0).unwrap().is_empty());
    assert!(!index.search("\"business review", 10, 0).unwrap().is_empty());
    assert!(
        index
            .search("section:no-such-section onboarding", 10, 0)
            .unwrap()
            .is_empty()
    );
    assert!(index.search("zzzzqqqqxxxx", 10, 0).unwrap().is_empty());
    let long_words = "a".repeat(499);
    assert!(index.search(&long_words, 10, 0).unwrap().is_empty());
    // Pagination does not repeat results.
    let first: Vec<String> = index
        .search("customer", 5, 0)
        .unwrap()
        .into_iter()
        .map(|h| h.path)
        .collect();
    let second: Vec<String> = index
        .search("customer", 5, 5)
        .unwrap()
        .into_iter()
        .map(|h| h.path)
        .collect();
    assert!(first.iter().all(|p| !second.contains(p)));
}

#[tokio::test]
async fn judged_questions_meet_the_quality_bar() {
    let Some((index, _store, _dir)) = corpus_index("judged_questions_meet_the_quality_bar").await
    else {
        return;
    };
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../eval/handbook-questions.tsv");
    let text = std::fs::read_to_string(&file).unwrap();
    let judgments =
        onramp_handbook::eval::parse_judgments("handbook-questions.tsv", &text).unwrap();
    assert!(judgments.len() >= 50);
    let result = onramp_handbook::eval::evaluate(&index, &judgments, 1).unwrap();
    assert!(result.recall_at_5 >= 0.9, "recall@5 {}", result.recall_at_5);
    assert!(result.mrr >= 0.75, "MRR {}", result.mrr);
}

/// The sample handbook of the repository, imported.
async fn sample_index(store: &Store) -> (Arc<SearchIndex>, onramp_app::handbook::ImportReport) {
    let index = Arc::new(SearchIndex::in_memory().unwrap());
    let report = import_dir(
        store,
        &onramp_testkit::sample_handbook(),
        "",
        Some(&index),
        &mut |_| {},
    )
    .await
    .unwrap();
    (index, report)
}

#[tokio::test]
async fn sample_handbook_imports_links_and_searches() {
    with_store(Backend::Sqlite, |store, _| async move {
        let (index, report) = sample_index(&store).await;
        // Between 30 and 60 pages; the README beside content/ is not a page.
        assert!((30..=60).contains(&report.files), "{} pages", report.files);
        assert!(report.warnings.is_empty(), "{:?}", report.warnings);
        // The one draft is stored but not searchable.
        assert_eq!(index.len() as usize, report.files - 1);
        assert!(
            index
                .search("\"notes for the next revision\"", 10, 0)
                .unwrap()
                .is_empty()
        );

        // Hugo URL rules and front-matter aliases.
        let alias = store
            .handbook_page_by_url("/handbook/company/all-remote/")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(alias.path, "handbook/company/culture/all-remote/_index.md");
        let csm = store
            .handbook_page_by_url("/handbook/customer-success/csm/")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(csm.title, "Customer Success Management handbook");

        // Every internal link of the sample handbook leads to one of its pages.
        let urls = store.handbook_urls().await.unwrap();
        let broken = links::check_links(
            store
                .handbook_pages()
                .await
                .unwrap()
                .iter()
                .map(|p| (p.path.as_str(), p.source.as_str())),
            &urls,
        );
        assert!(broken.is_empty(), "{broken:?}");

        // Shortcodes are expanded, never shown raw.
        for page in store.handbook_pages().await.unwrap() {
            let parsed = onramp_handbook::page::parse(&page.path, &page.source);
            assert!(!parsed.body.contains("{{"), "{}", page.path);
        }

        // Phrases, typos, abbreviations, prefixes and section filters.
        let top = |q: &str| -> Vec<String> {
            index
                .search(q, 5, 0)
                .unwrap()
                .into_iter()
                .map(|h| h.path)
                .collect()
        };
        let ebr = "handbook/customer-success/csm/ebr.md".to_string();
        assert!(top("\"executive business review\"").contains(&ebr));
        assert!(top("EBR").contains(&ebr));
        let shadowing = "handbook/customer-success/csm/csm-onboarding/shadowing.md".to_string();
        assert!(top("shaddow meetings").contains(&shadowing));
        assert!(
            top("cadence ca")
                .contains(&"handbook/customer-success/csm/cadence-calls.md".to_string())
        );
        for path in top("onboarding section:customer-success") {
            assert!(path.starts_with("handbook/customer-success/"), "{path}");
        }
        let hit = &index.search("escalation", 1, 0).unwrap()[0];
        assert!(hit.snippet_html.contains("<b>"), "{}", hit.snippet_html);
    })
    .await;
}

#[tokio::test]
async fn sample_handbook_answers_newcomer_questions() {
    with_store(Backend::Sqlite, |store, _| async move {
        let (index, _) = sample_index(&store).await;
        let file = onramp_testkit::repo_root().join("eval/sample-handbook-questions.tsv");
        let text = std::fs::read_to_string(&file).unwrap();
        let judgments =
            onramp_handbook::eval::parse_judgments("sample-handbook-questions.tsv", &text).unwrap();
        assert!(judgments.len() >= 20);
        let result = onramp_handbook::eval::evaluate(&index, &judgments, 1).unwrap();
        assert!(result.recall_at_5 >= 0.8, "recall@5 {}", result.recall_at_5);
    })
    .await;
}
