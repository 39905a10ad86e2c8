//! The workspace: each person's tasks across the onboardings they take part
//! in, on `/home` and at `GET /api/v1/me/tasks`.

use crate::common::{person, session, session_of, start, task, world};
use crate::on_both;
use onramp_core::people::Role;
use onramp_store::testing::{Backend, with_store};
use onramp_store::{Database, Store};

on_both!(
    each_role_sees_the_tasks_that_wait_for_it,
    home_lists_the_tasks_and_a_click_finishes_one,
    panels_show_the_team_the_buddy_and_the_coming_starts
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
    let (cookie, csrf) = session_of(&store, w.manager.0).await;
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

async fn panels_show_the_team_the_buddy_and_the_coming_starts(store: Store, _db: Database) {
    let w = world(&store).await;
    let app = start(store.clone()).await;
    let o = w.onboarding;
    let panels = |token: String| {
        let app = &app;
        async move {
            let (status, body) = app
                .send(
                    reqwest::Method::GET,
                    "/api/v1/me/panels",
                    &token,
                    serde_json::json!(null),
                )
                .await;
            assert_eq!(status, 200, "{body}");
            serde_json::from_str::<serde_json::Value>(&body).expect("json")
        }
    };
    // The manager's team: their report only.
    let p = panels(w.manager.1.clone()).await;
    let team = p["team"].as_array().expect("team");
    assert_eq!(team.len(), 1, "{p}");
    assert_eq!(team[0]["new_hire"], "hire");
    assert_eq!(team[0]["approvals"], 0);
    assert!(team[0]["latest_feedback"].is_null());
    assert!(p["buddy_for"].as_array().expect("buddy").is_empty());
    assert_eq!(p["people_connect"], false);
    assert!(p["admin"].is_null(), "the outbox is for administrators");
    // An administrator sees the outbox: the set-up's emails wait to be sent.
    let admin = panels(w.admin.1.clone()).await;
    assert!(
        admin["admin"]["delivery"]["pending"]
            .as_i64()
            .is_some_and(|n| n > 0),
        "{admin}"
    );
    assert_eq!(admin["admin"]["delivery"]["failed"], 0);

    // The new hire asks for access and leads a meeting.
    let (status, _) = app
        .send(
            reqwest::Method::POST,
            &format!("/api/v1/onboardings/{o}/access-requests"),
            &w.hire.1,
            serde_json::json!({"playground": "shared-omnibus"}),
        )
        .await;
    assert_eq!(status, 201);
    let today = chrono::Utc::now().date_naive().to_string();
    let (status, body) = app
        .send(
            reqwest::Method::POST,
            &format!("/api/v1/onboardings/{o}/meetings"),
            &w.hire.1,
            serde_json::json!({"role": "led", "held_on": today, "duration_minutes": 30,
                "meeting_type": "onboarding-call"}),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let meeting = serde_json::from_str::<serde_json::Value>(&body).expect("json")["meeting"]["id"]
        .as_i64()
        .expect("id");
    assert_eq!(panels(w.manager.1.clone()).await["team"][0]["approvals"], 1);
    // The buddy sees the meeting that waits for their feedback…
    let p = panels(w.buddy.1.clone()).await;
    let buddy = &p["buddy_for"][0];
    assert_eq!(buddy["new_hire"], "hire");
    assert_eq!(buddy["led"], 1);
    assert_eq!(buddy["waiting_feedback"][0]["meeting_id"], meeting);
    assert!(p["team"].as_array().expect("team").is_empty());
    // …gives it, and the manager reads what to improve.
    let (status, _) = app
        .send(
            reqwest::Method::PUT,
            &format!("/api/v1/onboardings/{o}/meetings/{meeting}/feedback"),
            &w.buddy.1,
            serde_json::json!({"went_well": "Clear agenda", "to_improve": "Summarise next steps",
                "ratings": {"agenda": 4}}),
        )
        .await;
    assert_eq!(status, 200);
    let p = panels(w.buddy.1.clone()).await;
    assert!(
        p["buddy_for"][0]["waiting_feedback"]
            .as_array()
            .expect("list")
            .is_empty()
    );
    let p = panels(w.manager.1.clone()).await;
    assert_eq!(
        p["team"][0]["latest_feedback"]["to_improve"],
        "Summarise next steps"
    );

    // People Connect: a start in five days with no manager and no buddy.
    person(&store, "soon@example.com", &[Role::NewHire], None).await;
    let soon = (chrono::Utc::now().date_naive() + chrono::Duration::days(5)).to_string();
    let (status, body) = app
        .send(
            reqwest::Method::POST,
            "/api/v1/onboardings",
            &w.people_connect.1,
            serde_json::json!({"email": "soon@example.com", "start_date": soon}),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let p = panels(w.people_connect.1.clone()).await;
    assert_eq!(p["people_connect"], true);
    let starts = p["starts"].as_array().expect("starts");
    assert_eq!(
        starts.len(),
        1,
        "the world's onboardings started days ago: {p}"
    );
    assert_eq!(starts[0]["new_hire"], "soon");
    assert_eq!(
        starts[0]["missing"],
        serde_json::json!(["no manager", "no buddy"])
    );

    // Nobody else gets these panels.
    for token in [&w.hire.1, &w.enablement.1, &w.admin.1, &w.other_hire.1] {
        let p = panels(token.clone()).await;
        assert!(p["team"].as_array().expect("team").is_empty(), "{p}");
        assert!(p["buddy_for"].as_array().expect("buddy").is_empty(), "{p}");
        assert!(p["starts"].as_array().expect("starts").is_empty(), "{p}");
    }
    assert!(
        panels(w.other_manager.1.clone()).await["team"][0]["new_hire"] == "other hire",
        "the other manager sees their own report"
    );

    // The manager's home shows the team.
    let (cookie, _) = session_of(&store, w.manager.0).await;
    let (_, page) = app.get("/home", &[("cookie", &cookie)]).await;
    assert!(
        page.contains("Your team") && page.contains("Summarise next steps"),
        "{page}"
    );
    app.stop().await;
}
