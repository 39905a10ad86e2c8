//! Handbook search and page views over HTTP.

use crate::common::{bearer, session, start, world};
use crate::on_both;
use onramp_store::testing::{Backend, with_store};
use onramp_store::{Database, Store};

on_both!(handbook_search_and_pages);

/// A small handbook of our own: pages, an alias, a broken link, raw HTML.
async fn small_handbook(store: &Store) -> std::sync::Arc<onramp_handbook::SearchIndex> {
    let dir = tempfile::tempdir().expect("dir");
    let write = |path: &str, text: &str| {
        let full = dir.path().join(path);
        std::fs::create_dir_all(full.parent().expect("parent")).expect("mkdir");
        std::fs::write(full, text).expect("write");
    };
    write(
        "handbook/success/_index.md",
        "---\ntitle: Success team\n---\nRead about [kickoff calls](/handbook/success/kickoff/#agenda) and [a missing page](/handbook/nowhere/).\n\n<script>alert('x')</script><img src=x onerror=\"alert(1)\">\n",
    );
    write(
        "handbook/success/kickoff.md",
        "---\ntitle: Kickoff calls\naliases: [/handbook/old-kickoff/]\n---\n## Agenda\n\nThe kickoff call with a new customer sets goals and an executive business review date.\n",
    );
    write(
        "handbook/people/time-off.md",
        "---\ntitle: Time off\n---\nTake vacation; tell your customers who covers for you.\n",
    );
    let index = std::sync::Arc::new(onramp_handbook::SearchIndex::in_memory().expect("index"));
    onramp_app::handbook::import_dir(
        store,
        dir.path(),
        "https://handbook.example.com",
        Some(&index),
        &mut |_| {},
    )
    .await
    .expect("import");
    index
}

async fn handbook_search_and_pages(store: Store, _db: Database) {
    let w = world(&store).await;
    let empty = start(store.clone()).await;
    let (cookie, _) = session(&store, w.hire_account).await;
    let (status, body) = empty.get("/search?q=kickoff", &[("cookie", &cookie)]).await;
    assert_eq!(status, 200);
    assert!(body.contains("No handbook has been imported yet"), "{body}");
    empty.stop().await;

    let index = small_handbook(&store).await;
    let app = crate::common::start_with_index(store.clone(), index).await;
    // Sign-in is required for the API and the pages.
    assert_eq!(app.get("/api/v1/search?q=kickoff", &[]).await.0, 401);
    let (status, _) = app.get("/search?q=kickoff", &[]).await;
    assert!(status == 303 || status == 401, "{status}");

    // Every role may search; a read-scoped token is enough.
    let read = crate::common::token(&store, w.hire_account, "read").await;
    for t in [
        &w.hire.1,
        &w.manager.1,
        &w.buddy.1,
        &w.people_connect.1,
        &w.enablement.1,
        &w.admin.1,
        &read,
    ] {
        let (status, body) = app
            .get("/api/v1/search?q=kickof", &[("authorization", &bearer(t))])
            .await;
        assert_eq!(status, 200, "{body}");
        let v: serde_json::Value = serde_json::from_str(&body).expect("json");
        assert_eq!(
            v["results"][0]["path"], "handbook/success/kickoff.md",
            "{body}"
        );
        // `url` is the address to follow; the site path is given apart.
        assert_eq!(v["results"][0]["url"], "/docs/handbook/success/kickoff/");
        assert_eq!(
            v["results"][0]["view_url"],
            "/docs/handbook/success/kickoff/"
        );
        assert_eq!(v["results"][0]["site_path"], "/handbook/success/kickoff/");
    }
    let auth = bearer(&w.hire.1);
    let api = |q: &str| {
        format!(
            "/api/v1/search?q={}",
            q.replace(' ', "+").replace('"', "%22")
        )
    };
    // Abbreviations from the glossary, phrases, filters, typos.
    let (_, body) = app.get(&api("EBR"), &[("authorization", &auth)]).await;
    assert!(
        body.contains("kickoff.md") && body.contains("<b>"),
        "{body}"
    );
    let (_, body) = app
        .get(&api("\"tell your customers\""), &[("authorization", &auth)])
        .await;
    assert!(
        body.contains("time-off.md") && !body.contains("kickoff.md"),
        "{body}"
    );
    let (_, body) = app
        .get(
            &api("vacation section:success"),
            &[("authorization", &auth)],
        )
        .await;
    assert!(body.contains("\"results\":[]"), "{body}");
    let (_, body) = app.get(&api("vacaton"), &[("authorization", &auth)]).await;
    assert!(body.contains("time-off.md"), "{body}");
    // Bad and absurd input: named field, never a 500.
    for (q, field) in [("", "q"), (&"x ".repeat(300)[..], "q")] {
        let (status, body) = app.get(&api(q), &[("authorization", &auth)]).await;
        assert_eq!(status, 400, "{body}");
        assert!(body.contains(&format!("\"field\":\"{field}\"")), "{body}");
    }
    let (status, body) = app
        .get(
            "/api/v1/search?q=kickoff&limit=0",
            &[("authorization", &auth)],
        )
        .await;
    assert_eq!(status, 400);
    assert!(body.contains("\"field\":\"limit\""), "{body}");
    for q in ["%3F%21%3F%21", "%22unbalanced", "%3A%3A%3A%3A", "%00%01"] {
        let (status, _) = app
            .get(
                &format!("/api/v1/search?q={q}"),
                &[("authorization", &auth)],
            )
            .await;
        assert_eq!(status, 200, "{q}");
    }

    // The search page: results, the empty state, instant partial results, errors.
    let (status, body) = app.get("/search?q=kickoff", &[("cookie", &cookie)]).await;
    assert_eq!(status, 200);
    assert!(
        body.contains("href=\"/docs/handbook/success/kickoff/\""),
        "{body}"
    );
    let (_, body) = app.get("/search", &[("cookie", &cookie)]).await;
    assert!(body.contains("Type a question"), "{body}");
    let (_, body) = app
        .get("/search?q=kickoff&partial=1", &[("cookie", &cookie)])
        .await;
    assert!(
        !body.contains("<html") && body.contains("Kickoff calls"),
        "{body}"
    );
    let (_, body) = app.get("/search?q=zzzqqq", &[("cookie", &cookie)]).await;
    assert!(body.contains("Nothing matches"), "{body}");
    let (status, body) = app
        .get(
            &format!("/search?q={}", "x+".repeat(300)),
            &[("cookie", &cookie)],
        )
        .await;
    assert_eq!(status, 400);
    assert!(
        body.contains("q: the query is longer than 500 characters"),
        "{body}"
    );
    let (status, _) = app
        .get("/search?q=kickoff&page=zero", &[("cookie", &cookie)])
        .await;
    assert_eq!(status, 400);

    // Page views: sanitized, anchors, internal links to Onramp, broken ones flagged.
    let (status, body) = app
        .get("/docs/handbook/success/", &[("cookie", &cookie)])
        .await;
    assert_eq!(status, 200);
    assert!(
        !body.contains("<script>alert") && !body.contains("onerror"),
        "{body}"
    );
    assert!(
        body.contains("href=\"/docs/handbook/success/kickoff/#agenda\""),
        "{body}"
    );
    assert!(
        body.contains("1 link on this page leads to no imported page"),
        "{body}"
    );
    assert!(
        body.contains("https://handbook.example.com/handbook/success/"),
        "{body}"
    );
    let (_, body) = app
        .get("/docs/handbook/success/kickoff/", &[("cookie", &cookie)])
        .await;
    assert!(body.contains("id=\"agenda\""), "{body}");
    // Aliases and paths without the trailing slash lead to the page.
    let res = app
        .client
        .get(app.url("/docs/handbook/old-kickoff/"))
        .header("cookie", &cookie)
        .send()
        .await
        .expect("request");
    assert_eq!(res.status().as_u16(), 308);
    assert_eq!(res.headers()["location"], "/docs/handbook/success/kickoff/");
    let (status, _) = app
        .get("/docs/handbook/success/kickoff", &[("cookie", &cookie)])
        .await;
    assert_eq!(status, 308);
    assert_eq!(
        app.get("/docs/handbook/none/", &[("cookie", &cookie)])
            .await
            .0,
        404
    );
    assert_eq!(app.get("/docs/handbook/success/", &[]).await.0, 303);
    app.stop().await;
}

/// Every top-level section of Onramp's router is known to the link rule, so
/// a content link to an Onramp page is never sent to the handbook view.
#[test]
fn every_section_of_the_router_is_an_onramp_root() {
    fn files(dir: &std::path::Path, out: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).expect("dir").flatten() {
            let path = entry.path();
            if path.is_dir() {
                files(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(std::fs::read_to_string(&path).expect("read"));
            }
        }
    }
    let mut sources = Vec::new();
    files(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut sources,
    );
    let mut routes = std::collections::BTreeSet::new();
    for text in &sources {
        for (at, _) in text.match_indices("route(\"/") {
            let rest = &text[at + "route(\"".len()..];
            routes.insert(rest[..rest.find('"').unwrap_or(rest.len())].to_string());
        }
    }
    assert!(
        routes.contains("/onboardings/{id}") && routes.len() > 20,
        "{routes:?}"
    );
    use onramp_core::handbook::{APP_PAGES, APP_SECTIONS, href};
    for route in routes.iter().filter(|r| r.as_str() != "/") {
        let root = route[1..].split('/').next().unwrap_or_default();
        let has_pages_below = route[1..].contains('/');
        assert!(
            APP_SECTIONS.contains(&root) || (!has_pages_below && APP_PAGES.contains(&root)),
            "`{route}` is not covered by onramp_core::handbook::APP_SECTIONS or APP_PAGES"
        );
        let example = route.replace("{id}", "1").replace("{*path}", "x");
        assert_eq!(
            href(&example),
            example,
            "a link to `{route}` stays in Onramp"
        );
    }
}
