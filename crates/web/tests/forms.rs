//! Page forms return to the page they were sent from.

mod common;

use common::{session, start, task, world};
use onramp_store::testing::{Backend, with_store};
use onramp_store::{Database, Store};

on_both!(done_returns_to_the_page_it_was_made_on);

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
