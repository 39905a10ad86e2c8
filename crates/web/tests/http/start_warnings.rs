//! Starting an onboarding from the page: what People Connect should know
//! comes first, with the form as it was sent, and nothing is saved until
//! they start anyway.

use crate::common::{bearer, person, session_of, start, world};
use crate::on_both;
use onramp_core::people::Role;
use onramp_store::testing::{Backend, with_store};
use onramp_store::{Database, Store};

on_both!(
    starting_an_onboarding_warns_before_saving,
    the_api_checks_before_starting_and_repeats_the_warnings
);

async fn starting_an_onboarding_warns_before_saving(store: Store, _db: Database) {
    let w = world(&store).await;
    let app = start(store.clone()).await;
    let (cookie, csrf) = session_of(&store, w.people_connect.0).await;
    let post = |fields: Vec<(&'static str, String)>| {
        let req = app
            .client
            .post(app.url("/onboardings"))
            .header("cookie", &cookie)
            .form(&fields);
        async move {
            let res = req.send().await.expect("post");
            let status = res.status().as_u16();
            let location = res
                .headers()
                .get("location")
                .and_then(|l| l.to_str().ok())
                .map(str::to_string);
            (status, location, res.text().await.expect("body"))
        }
    };
    // People Connect finds "New onboarding" on the list of onboardings too;
    // a new hire does not.
    let (_, list) = app.get("/", &[("cookie", &cookie)]).await;
    assert!(
        list.contains("<a class=\"button\" href=\"/onboardings/new\">New onboarding</a>"),
        "{list}"
    );
    let (hire_cookie, _) = session_of(&store, w.hire.0).await;
    let (_, list) = app.get("/", &[("cookie", &hire_cookie)]).await;
    assert!(!list.contains("href=\"/onboardings/new\""), "{list}");
    let count = || async { store.onboardings_of(w.hire.0).await.expect("list").len() };
    let before = count().await;

    // The new hire of the world already has an open onboarding; a first day
    // long ago would leave tasks overdue from the start.
    let form = |confirm: &str| {
        vec![
            ("csrf", csrf.clone()),
            ("person_id", w.hire.0.to_string()),
            ("start_date", "2026-01-05".to_string()),
            ("buddy_id", w.buddy.0.to_string()),
            ("confirm", confirm.to_string()),
        ]
    };
    let (status, _, page) = post(form("")).await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("Before you start"), "{page}");
    assert!(page.contains("already has an open onboarding"), "{page}");
    assert!(page.contains("would be overdue from the start"), "{page}");
    assert!(!page.contains("has no manager"), "{page}");
    // The form keeps what was chosen.
    assert!(page.contains("value=\"2026-01-05\""), "{page}");
    assert!(
        page.contains(&format!("value=\"{}\" selected", w.hire.0))
            && page.contains(&format!("value=\"{}\" selected", w.buddy.0)),
        "{page}"
    );
    assert_eq!(count().await, before, "nothing is saved");

    // A person without a manager, and nobody who fits as buddy.
    let (lone, _) = person(&store, "lone.hire@example.com", &[Role::NewHire], None).await;
    let (status, _, page) = post(vec![
        ("csrf", csrf.clone()),
        ("person_id", lone.to_string()),
        ("start_date", "2030-01-07".to_string()),
    ])
    .await;
    assert_eq!(status, 200);
    assert!(page.contains("has no manager"), "{page}");
    assert!(!page.contains("overdue from the start"), "{page}");
    assert!(store.onboardings_of(lone).await.expect("list").is_empty());

    // Starting anyway saves it.
    let (status, location, _) = post(form("yes")).await;
    assert_eq!(status, 303);
    assert!(location.is_some_and(|l| l.starts_with("/onboardings/")));
    assert_eq!(count().await, before + 1);
    app.stop().await;
}

async fn the_api_checks_before_starting_and_repeats_the_warnings(store: Store, _db: Database) {
    let w = world(&store).await;
    let app = start(store.clone()).await;
    let post = |path: &'static str, token: &str, body: serde_json::Value| {
        let req = app
            .client
            .post(app.url(path))
            .header("authorization", bearer(token))
            .json(&body);
        async move {
            let res = req.send().await.expect("post");
            let status = res.status().as_u16();
            let text = res.text().await.expect("body");
            (
                status,
                serde_json::from_str::<serde_json::Value>(&text).unwrap_or_default(),
            )
        }
    };
    let kinds = |body: &serde_json::Value| -> Vec<String> {
        body["warnings"]
            .as_array()
            .expect("warnings")
            .iter()
            .map(|w| w["kind"].as_str().expect("kind").to_string())
            .collect()
    };
    let count = || async { store.onboardings_of(w.hire.0).await.expect("list").len() };
    let before = count().await;
    let request = serde_json::json!({"email": "hire@example.com", "start_date": "2026-01-05"});

    // The check says what stands out and saves nothing.
    let (status, body) = post(
        "/api/v1/onboardings/preflight",
        &w.people_connect.1,
        request.clone(),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let found = kinds(&body);
    assert!(
        found.contains(&"open-onboarding".to_string())
            && found.contains(&"overdue-at-start".to_string())
            && !found.contains(&"no-manager".to_string()),
        "{body}"
    );
    assert!(
        body["warnings"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("hire")),
        "{body}"
    );
    assert_eq!(count().await, before, "nothing is saved");
    // Others may not check, as they may not start.
    let (status, _) = post("/api/v1/onboardings/preflight", &w.hire.1, request.clone()).await;
    assert_eq!(status, 403);
    let (status, body) = post(
        "/api/v1/onboardings/preflight",
        &w.people_connect.1,
        serde_json::json!({"email": "nobody@example.com", "start_date": "2026-01-05"}),
    )
    .await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["field"], "email", "{body}");

    // Starting answers the onboarding with the same warnings beside it.
    let (status, body) = post("/api/v1/onboardings", &w.people_connect.1, request).await;
    assert_eq!(status, 201, "{body}");
    assert!(body["id"].as_i64().is_some(), "{body}");
    assert_eq!(kinds(&body), found, "{body}");
    assert_eq!(count().await, before + 1);
    app.stop().await;
}
