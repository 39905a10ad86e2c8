//! Text that people type is checked by one set of rules (onramp_core::text):
//! NUL and control characters anywhere, direction overrides and invisible
//! characters in one-line fields, and overlong values get 400 naming the
//! field, on both backends, and nothing is stored.

mod common;

use common::{session, start, world};
use onramp_store::testing::{Backend, with_store};
use onramp_store::{Database, Store};

on_both!(bad_text_is_refused);

fn field_of(body: &str) -> String {
    let v: serde_json::Value = serde_json::from_str(body).expect("json error");
    v["error"]["field"].as_str().unwrap_or_default().to_string()
}

async fn bad_text_is_refused(store: Store, _db: Database) {
    let w = world(&store).await;
    let app = start(store.clone()).await;

    // The sign-in form with a NUL byte: 400, never a 500.
    let res = app
        .client
        .post(app.url("/login"))
        .form(&[
            ("email", "ada\0@example.com"),
            ("password", "x"),
            ("csrf", "x"),
        ])
        .send()
        .await
        .expect("post");
    assert_eq!(res.status().as_u16(), 400);
    assert!(
        res.text()
            .await
            .expect("body")
            .contains("email: contains a NUL")
    );

    // JSON members: a token name with a direction override, then with NUL.
    let tokens_before = store
        .api_tokens(w.hire_account)
        .await
        .expect("tokens")
        .len();
    for name in ["evil\u{202E}txt", "nul\0name", "tab\tname"] {
        let (status, body) = app
            .send(
                reqwest::Method::POST,
                "/api/v1/tokens",
                &w.hire.1,
                serde_json::json!({"name": name, "scope": "read"}),
            )
            .await;
        assert_eq!(status, 400, "{name:?}: {body}");
        assert_eq!(field_of(&body), "name", "{body}");
    }
    let (status, body) = app
        .send(
            reqwest::Method::POST,
            "/api/v1/tokens",
            &w.hire.1,
            serde_json::json!({"name": "x".repeat(100_000), "scope": "read"}),
        )
        .await;
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("at most 200"), "{body}");
    assert_eq!(
        store
            .api_tokens(w.hire_account)
            .await
            .expect("tokens")
            .len(),
        tokens_before,
        "nothing stored"
    );

    // A comment (multipart) with a NUL byte.
    let form = reqwest::multipart::Form::new().text("body", "hello\0there");
    let res = app
        .client
        .post(app.url(&format!("/api/v1/onboardings/{}/comments", w.onboarding)))
        .header("authorization", format!("Bearer {}", w.hire.1))
        .multipart(form)
        .send()
        .await
        .expect("comment");
    assert_eq!(res.status().as_u16(), 400);
    assert_eq!(field_of(&res.text().await.expect("body")), "body");
    assert!(
        store
            .comments_named(w.onboarding)
            .await
            .expect("comments")
            .is_empty()
    );

    // A page form: the task note with an escape sequence.
    let (cookie, csrf) = session(&store, w.hire_account).await;
    let (task_id, version) = common::task(&store, w.onboarding, "a").await;
    let res = app
        .client
        .post(app.url(&format!("/onboardings/{}/tasks/{task_id}", w.onboarding)))
        .header("cookie", &cookie)
        .form(&[
            ("action", "complete".to_string()),
            ("version", version.to_string()),
            ("csrf", csrf.clone()),
            ("note", "done\u{1b}[2J".to_string()),
        ])
        .send()
        .await
        .expect("post");
    assert_eq!(res.status().as_u16(), 400);
    assert!(
        res.text()
            .await
            .expect("page")
            .contains("note: contains a control character")
    );
    assert_eq!(store.task(task_id).await.expect("task").version, version);

    // Multi-line text keeps its line breaks and tabs.
    let (status, body) = app
        .send(
            reqwest::Method::POST,
            &format!("/api/v1/onboardings/{}/tasks/{task_id}", w.onboarding),
            &w.hire.1,
            serde_json::json!({"action": "complete", "version": version, "note": "line one\n\tline two"}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    // The note of a completion is kept on the timeline.
    let (status, timeline) = app
        .send(
            reqwest::Method::GET,
            &format!("/api/v1/onboardings/{}/timeline", w.onboarding),
            &w.hire.1,
            serde_json::json!(null),
        )
        .await;
    assert_eq!(status, 200);
    assert!(
        timeline.contains("completed “Task a” — “line one"),
        "{timeline}"
    );

    // People: a name with a zero-width space, an email with markup.
    let bad_person = onramp_store::NewPerson {
        email: "<b>x</b>@example.com".into(),
        name: "Ada".into(),
        department: "CS".into(),
        job_role: "CSM".into(),
        segment: None,
        region: None,
        time_zone: "UTC".into(),
        start_date: None,
        manager_id: None,
    };
    // Through the use case that adds people (the rules are the domain's).
    let operator = onramp_app::App::without_search(store.clone()).expect("app");
    let add = |p: onramp_store::NewPerson| {
        let operator = operator.clone();
        async move {
            onramp_app::account::add(
                &operator,
                onramp_app::Caller::Operator,
                &p.email,
                &p.name,
                &[onramp_core::people::Role::NewHire],
            )
            .await
        }
    };
    let err = add(bad_person.clone()).await.expect_err("email");
    assert!(err.to_string().contains("email:"), "{err}");
    let err = add(onramp_store::NewPerson {
        email: "ada@example.com".into(),
        name: "Ad\u{200B}a".into(),
        ..bad_person
    })
    .await
    .expect_err("name");
    assert!(
        err.to_string().contains("name: contains an invisible"),
        "{err}"
    );
    assert!(
        store
            .person_by_email("ada@example.com")
            .await
            .expect("lookup")
            .is_none()
    );
    app.stop().await;
}
