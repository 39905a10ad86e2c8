//! Page forms return to the page they were sent from; a form refused for
//! bad input comes back as that page, filled with what was typed, with the
//! reason beside the field.

mod common;

use common::{session, start, task, world};
use onramp_store::testing::{Backend, with_store};
use onramp_store::{Database, Store};

on_both!(
    done_returns_to_the_page_it_was_made_on,
    a_refused_form_comes_back_filled
);

async fn done_returns_to_the_page_it_was_made_on(store: Store, _db: Database) {
    let w = world(&store).await;
    let app = start(store.clone()).await;
    let (cookie, csrf) = session(&store, w.hire_account).await;
    let (task_id, _) = task(&store, w.onboarding, "a").await;
    let path = format!("/onboardings/{}/tasks/{task_id}", w.onboarding);
    let fallback = format!("/onboardings/{}#task-{task_id}", w.onboarding);
    for (back, expected) in [
        ("/home", format!("/home#task-{task_id}")),
        ("//evil.example/home", fallback.clone()),
        ("https://evil.example/", fallback.clone()),
        ("/\\evil.example", fallback.clone()),
    ] {
        let version = store.task(task_id).await.expect("task").version;
        let action = if store.task(task_id).await.expect("task").status == "done" {
            "reopen"
        } else {
            "complete"
        };
        let res = app
            .client
            .post(app.url(&path))
            .header("cookie", &cookie)
            .form(&[
                ("action", action.to_string()),
                ("version", version.to_string()),
                ("csrf", csrf.clone()),
                ("back", back.to_string()),
            ])
            .send()
            .await
            .expect("post");
        assert_eq!(res.status().as_u16(), 303, "{back}");
        assert_eq!(res.headers()["location"], expected.as_str(), "{back}");
    }
    app.stop().await;
}

async fn a_refused_form_comes_back_filled(store: Store, _db: Database) {
    use onramp_core::people::Role;
    let app = start(store.clone()).await;
    let (_, admin) = common::person(&store, "root@example.com", &[Role::Admin], None).await;
    let (cookie, csrf) = session(&store, admin).await;

    // An admin adds a person whose name holds a zero-width space.
    let res = app
        .client
        .post(app.url("/admin/users"))
        .header("cookie", &cookie)
        .header("referer", app.url("/admin/users"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("email", "ada.new@example.com"),
            ("name", "Ad\u{200B}a"),
            ("roles", "manager"),
        ])
        .send()
        .await
        .expect("post");
    assert_eq!(res.status().as_u16(), 400);
    let page = res.text().await.expect("page");
    assert!(page.contains("<h1>"), "the users page again: {page}");
    assert!(
        page.contains(concat!(
            r#"name="name" required="" value="Ad"#,
            "\u{200B}",
            r#"a" aria-invalid="true" aria-describedby="field-problem">"#,
            r#"<span class="field-problem" id="field-problem" role="alert">contains an invisible"#
        )),
        "{page}"
    );
    assert!(page.contains(r#"value="ada.new@example.com""#), "{page}");
    assert!(
        page.contains(r#"name="roles" value="manager" checked="">"#),
        "{page}"
    );
    assert!(
        store
            .person_by_email("ada.new@example.com")
            .await
            .expect("lookup")
            .is_none(),
        "nothing stored"
    );

    // Sign-in with a NUL byte: the email is kept (the NUL shown as �), the
    // password never.
    let res = app
        .client
        .post(app.url("/login"))
        .header("referer", app.url("/login"))
        .form(&[
            ("email", "ada\0@example.com"),
            ("password", "s3cret-typed"),
            ("csrf", "x"),
        ])
        .send()
        .await
        .expect("post");
    assert_eq!(res.status().as_u16(), 400);
    let page = res.text().await.expect("page");
    assert!(page.contains("value=\"ada\u{FFFD}@example.com\""), "{page}");
    assert!(page.contains("contains a NUL"), "{page}");
    assert!(!page.contains("s3cret-typed"), "{page}");

    // A Referer from another site is never fetched: the plain error page.
    let res = app
        .client
        .post(app.url("/admin/users"))
        .header("cookie", &cookie)
        .header("referer", "https://evil.example/admin/users")
        .form(&[
            ("csrf", csrf.as_str()),
            ("email", "b@example.com"),
            ("name", "B\u{202E}"),
        ])
        .send()
        .await
        .expect("post");
    assert_eq!(res.status().as_u16(), 400);
    let page = res.text().await.expect("page");
    assert!(!page.contains("field-problem"), "{page}");
    assert!(page.contains("name: contains"), "{page}");
    app.stop().await;
}
