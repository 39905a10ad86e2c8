//! The workspace: each person's tasks across the onboardings they take part
//! in, on `/home` and at `GET /api/v1/me/tasks`.

use crate::common::{session, start, task, world};
use crate::on_both;
use onramp_store::testing::{Backend, with_store};
use onramp_store::{Database, Store};

on_both!(
    each_role_sees_the_tasks_that_wait_for_it,
    home_lists_the_tasks_and_a_click_finishes_one
);

/// The titles of every task in a `/api/v1/me/tasks` answer, by group.
fn titles(body: &str) -> Vec<(String, String, String)> {
    let v: serde_json::Value = serde_json::from_str(body).expect("json");
    let mut out = Vec::new();
    for group in ["overdue", "this_week", "later", "waiting"] {
        for t in v[group].as_array().expect("group") {
            out.push((
                group.to_string(),
                t["title"].as_str().expect("title").to_string(),
                t["new_hire"].as_str().expect("new hire").to_string(),
            ));
        }
    }
    out.sort();
    out
}

async fn each_role_sees_the_tasks_that_wait_for_it(store: Store, _db: Database) {
    let w = world(&store).await;
    let app = start(store.clone()).await;
    let get = |token: String, query: &'static str| {
        let app = &app;
        async move {
            app.send(
                reqwest::Method::GET,
                &format!("/api/v1/me/tasks{query}"),
                &token,
                serde_json::json!(null),
            )
            .await
        }
    };
    let only = |list: &[(String, String, String)]| -> Vec<String> {
        list.iter().map(|(_, t, _)| t.clone()).collect()
    };

    // The manager: the manager task of their report, nothing of the other team.
    let (status, body) = get(w.manager.1.clone(), "").await;
    assert_eq!(status, 200, "{body}");
    let manager = titles(&body);
    assert_eq!(only(&manager), vec!["Task m"], "{body}");
    assert_eq!(manager[0].2, "hire", "with the new hire's name");
    let (_, body) = get(w.other_manager.1.clone(), "").await;
    assert_eq!(only(&titles(&body)), vec!["Task m"]);
    assert_eq!(titles(&body)[0].2, "other hire", "their own report's task");

    // The buddy: the buddy task; the other onboarding has no buddy.
    let (_, body) = get(w.buddy.1.clone(), "").await;
    assert_eq!(only(&titles(&body)), vec!["Task c"], "{body}");

    // The new hire: their own tasks; the one that depends on another waits.
    let (_, body) = get(w.hire.1.clone(), "").await;
    let hire = titles(&body);
    let mut mine = only(&hire);
    mine.sort();
    assert_eq!(mine, vec!["Task a", "Task b", "Task s"], "{hire:?}");
    assert!(
        hire.iter().any(|(g, t, _)| g == "waiting" && t == "Task b"),
        "b waits for a: {hire:?}"
    );
    assert_eq!(hire.len(), 3, "{hire:?}");

    // People Connect and Enablement own no task in this program.
    for token in [&w.people_connect.1, &w.enablement.1, &w.admin.1] {
        let (status, body) = get(token.clone(), "").await;
        assert_eq!(status, 200);
        assert!(titles(&body).is_empty(), "{body}");
    }

    // Filters.
    let (_, body) = get(w.hire.1.clone(), "?role=manager").await;
    assert!(titles(&body).is_empty(), "the hire holds no manager task");
    let (_, body) = get(w.manager.1.clone(), "?role=manager&due=all").await;
    assert_eq!(only(&titles(&body)), vec!["Task m"]);
    let (_, body) = get(w.hire.1.clone(), "?due=week").await;
    assert!(
        titles(&body)
            .iter()
            .all(|(g, _, _)| g == "overdue" || g == "this_week"),
        "{body}"
    );
    let (_, body) = get(w.hire.1.clone(), "?onboarding=999999").await;
    assert!(titles(&body).is_empty());
    let (status, body) = get(w.hire.1.clone(), "?due=soon").await;
    assert_eq!(status, 400);
    assert!(body.contains("\"field\":\"due\""), "{body}");
    let (status, body) = get(w.hire.1.clone(), "?role=admin").await;
    assert_eq!(status, 400);
    assert!(body.contains("\"field\":\"role\""), "{body}");

    // Finished tasks leave the list.
    let (id, version) = task(&store, w.onboarding, "m").await;
    let (status, _) = app
        .send(
            reqwest::Method::POST,
            &format!("/api/v1/onboardings/{}/tasks/{id}", w.onboarding),
            &w.manager.1,
            serde_json::json!({"action": "complete", "version": version}),
        )
        .await;
    assert_eq!(status, 200);
    let (_, body) = get(w.manager.1.clone(), "").await;
    assert!(titles(&body).is_empty(), "{body}");
    app.stop().await;
}

async fn home_lists_the_tasks_and_a_click_finishes_one(store: Store, _db: Database) {
    let w = world(&store).await;
    let app = start(store.clone()).await;
    let manager_account = store
        .account_of_person(w.manager.0)
        .await
        .expect("account")
        .expect("manager has one")
        .id;
    let (cookie, csrf) = session(&store, manager_account).await;
    let (status, body) = app.get("/home", &[("cookie", &cookie)]).await;
    assert_eq!(status, 200);
    assert!(body.contains("<h1>Home</h1>"), "{body}");
    assert!(
        body.contains("Task m")
            && body.contains("hire’s onboarding")
            && body.contains("as Manager"),
        "{body}"
    );
    assert!(
        !body.contains("Task a"),
        "the new hire's tasks are not the manager's"
    );
    assert!(!body.contains("other hire"), "nor the other team's");
    assert!(body.contains("name=\"back\" value=\"/home\""), "{body}");

    // A filter that matches nothing says so, and keeps its choice.
    let (status, body) = app.get("/home?role=buddy", &[("cookie", &cookie)]).await;
    assert_eq!(status, 200);
    assert!(body.contains("No tasks match these filters."), "{body}");
    let (status, _) = app.get("/home?due=soon", &[("cookie", &cookie)]).await;
    assert_eq!(status, 400, "a bad filter is refused");

    // Done in one click, back on the same page with its filters.
    let (id, version) = task(&store, w.onboarding, "m").await;
    let res = app
        .client
        .post(app.url(&format!("/onboardings/{}/tasks/{id}", w.onboarding)))
        .header("cookie", &cookie)
        .form(&[
            ("action", "complete"),
            ("version", &version.to_string()),
            ("csrf", &csrf),
            ("back", "/home?due=all"),
        ])
        .send()
        .await
        .expect("post");
    assert_eq!(res.status().as_u16(), 303);
    assert_eq!(
        res.headers()["location"],
        format!("/home?due=all#task-{id}").as_str()
    );
    assert_eq!(store.task(id).await.expect("m").status, "done");
    let (_, body) = app.get("/home", &[("cookie", &cookie)]).await;
    assert!(
        body.contains("Nothing waits for you in the onboardings you take part in."),
        "{body}"
    );

    // The new hire's home keeps their own onboarding first.
    let (cookie, _) = session(&store, w.hire_account).await;
    let (_, body) = app.get("/home", &[("cookie", &cookie)]).await;
    assert!(body.contains("Welcome, hire"), "{body}");
    assert!(
        !body.contains("Your tasks in other onboardings"),
        "no other onboarding has tasks for them"
    );
    app.stop().await;
}
