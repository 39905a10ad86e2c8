//! Notifications: each event of docs/notifications.md reaches the people it
//! names (and only them) in their inbox, written with the change.

use crate::common::{session_of, start, task, world};
use crate::on_both;
use chrono::Utc;
use onramp_store::testing::{Backend, with_store};
use onramp_store::{Database, Store};

on_both!(
    events_reach_the_people_they_concern_and_nobody_else,
    the_inbox_page_links_and_marks_read,
    start_moves_completions_and_questions_reach_their_people,
    owners_hear_the_day_before_a_task_is_due_once
);

/// A person's inbox as (kind, message, link), newest first.
pub(crate) async fn inbox(app: &crate::common::App, token: &str) -> Vec<(String, String, String)> {
    let (status, body) = app
        .send(
            reqwest::Method::GET,
            "/api/v1/notifications",
            token,
            serde_json::json!(null),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let v: serde_json::Value = serde_json::from_str(&body).expect("json");
    v.as_array()
        .expect("list")
        .iter()
        .map(|n| {
            (
                n["kind"].as_str().expect("kind").to_string(),
                n["message"].as_str().expect("message").to_string(),
                n["link"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

fn kinds(items: &[(String, String, String)]) -> Vec<&str> {
    items.iter().map(|(k, _, _)| k.as_str()).collect()
}

// Long: one story through every event, checking each inbox after each step (the steps build on each other).
async fn events_reach_the_people_they_concern_and_nobody_else(store: Store, _db: Database) {
    let w = world(&store).await;
    let app = start(store.clone()).await;
    let o = w.onboarding;
    let send = |token: &str, method: reqwest::Method, path: String, body: serde_json::Value| {
        let app = &app;
        let token = token.to_string();
        async move { app.send(method, &path, &token, body).await }
    };

    // Created by People Connect: the manager and the buddy hear of it.
    let manager = inbox(&app, &w.manager.1).await;
    assert_eq!(kinds(&manager), vec!["onboarding-created"]);
    assert_eq!(manager[0].2, format!("/onboardings/{o}"));
    assert!(manager[0].1.contains("hire's onboarding"), "{manager:?}");
    assert_eq!(
        kinds(&inbox(&app, &w.buddy.1).await),
        vec!["onboarding-created"]
    );
    assert!(
        inbox(&app, &w.people_connect.1).await.is_empty(),
        "not their own action"
    );
    assert!(inbox(&app, &w.hire.1).await.is_empty());
    let other = inbox(&app, &w.other_manager.1).await;
    assert_eq!(kinds(&other), vec!["onboarding-created"]);
    assert!(
        other[0].1.contains("other hire"),
        "their own report: {other:?}"
    );

    // Finishing a task unblocks the next: its owner hears it is ready.
    let (a, version) = task(&store, o, "a").await;
    let (status, _) = send(
        &w.manager.1,
        reqwest::Method::POST,
        format!("/api/v1/onboardings/{o}/tasks/{a}"),
        serde_json::json!({"action": "complete", "version": version}),
    )
    .await;
    assert_eq!(status, 200);
    let (b, _) = task(&store, o, "b").await;
    let hire = inbox(&app, &w.hire.1).await;
    assert_eq!(kinds(&hire), vec!["task-opened"]);
    assert_eq!(hire[0].2, format!("/onboardings/{o}/tasks/{b}"));
    assert!(hire[0].1.contains("Task b"), "{hire:?}");

    // Access: requested (manager approves), approved (Enablement sets it
    // up, the new hire hears the answer).
    let (status, body) = send(
        &w.hire.1,
        reqwest::Method::POST,
        format!("/api/v1/onboardings/{o}/access-requests"),
        serde_json::json!({"playground": "shared-omnibus"}),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    let request = serde_json::from_str::<serde_json::Value>(&body).expect("json")["id"]
        .as_i64()
        .expect("id");
    let manager = inbox(&app, &w.manager.1).await;
    assert_eq!(manager[0].0, "access-requested");
    assert_eq!(manager[0].2, "/access-requests");
    assert!(
        !manager[0].1.contains("shared-omnibus"),
        "a title, not an id: {manager:?}"
    );
    let (status, body) = send(
        &w.manager.1,
        reqwest::Method::PATCH,
        format!("/api/v1/access-requests/{request}"),
        serde_json::json!({"status": "approved"}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(inbox(&app, &w.hire.1).await[0].0, "access-decided");
    assert_eq!(
        kinds(&inbox(&app, &w.enablement.1).await),
        vec!["access-approved"]
    );

    // A led meeting waits for the buddy's feedback; the feedback reaches
    // the new hire and the manager.
    let today = Utc::now().date_naive().to_string();
    let (status, body) = send(
        &w.hire.1,
        reqwest::Method::POST,
        format!("/api/v1/onboardings/{o}/meetings"),
        serde_json::json!({"role": "led", "held_on": today, "duration_minutes": 45,
            "meeting_type": "onboarding-call", "observer_email": "buddy@example.com"}),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    let meeting = serde_json::from_str::<serde_json::Value>(&body).expect("json")["meeting"]["id"]
        .as_i64()
        .expect("id");
    assert_eq!(inbox(&app, &w.buddy.1).await[0].0, "led-meeting-logged");
    let (status, body) = send(
        &w.buddy.1,
        reqwest::Method::PUT,
        format!("/api/v1/onboardings/{o}/meetings/{meeting}/feedback"),
        serde_json::json!({"went_well": "Clear agenda", "to_improve": "Confirm next steps",
            "ratings": {"agenda": 4}}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(inbox(&app, &w.hire.1).await[0].0, "feedback-given");
    assert_eq!(inbox(&app, &w.manager.1).await[0].0, "feedback-given");

    // A comment on the buddy's task reaches the buddy; a comment that
    // mentions them reaches them once, as a mention.
    let (c, _) = task(&store, o, "c").await;
    let comment = |body: &'static str| {
        reqwest::multipart::Form::new()
            .text("body", body)
            .text("task_id", c.to_string())
    };
    for (text, expected) in [
        ("Shall we do this on Friday?", "task-comment"),
        ("@buddy see above", "mention"),
    ] {
        let res = app
            .client
            .post(app.url(&format!("/api/v1/onboardings/{o}/comments")))
            .header("authorization", crate::common::bearer(&w.hire.1))
            .multipart(comment(text))
            .send()
            .await
            .expect("comment");
        assert_eq!(res.status().as_u16(), 201);
        let buddy = inbox(&app, &w.buddy.1).await;
        assert_eq!(buddy[0].0, expected, "{buddy:?}");
        assert_ne!(
            buddy.get(1).map(|n| n.1.as_str()),
            Some(buddy[0].1.as_str())
        );
        assert!(buddy[0].2.ends_with("#comments"), "{buddy:?}");
    }

    // A backup buddy: the new hire, the buddy and the backup hear of it.
    let (status, body) = send(
        &w.manager.1,
        reqwest::Method::PUT,
        format!("/api/v1/onboardings/{o}/buddy"),
        serde_json::json!({"email": "enablement@example.com", "backup": true}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    for token in [&w.hire.1, &w.buddy.1, &w.enablement.1] {
        assert_eq!(inbox(&app, token).await[0].0, "buddy-assigned");
    }
    assert_ne!(
        inbox(&app, &w.manager.1).await[0].0,
        "buddy-assigned",
        "their own action"
    );

    // Nobody outside the onboarding heard of any of it.
    assert_eq!(
        kinds(&inbox(&app, &w.other_manager.1).await),
        vec!["onboarding-created"]
    );
    assert!(inbox(&app, &w.other_hire.1).await.is_empty());
    assert!(inbox(&app, &w.admin.1).await.is_empty());
    app.stop().await;
}

async fn the_inbox_page_links_and_marks_read(store: Store, _db: Database) {
    let w = world(&store).await;
    let app = start(store.clone()).await;
    let (cookie, csrf) = session_of(&store, w.manager.0).await;
    let (status, body) = app.get("/inbox", &[("cookie", &cookie)]).await;
    assert_eq!(status, 200);
    assert!(body.contains("New onboarding"), "the kind in words: {body}");
    assert!(
        body.contains(&format!("href=\"/onboardings/{}\"", w.onboarding)),
        "{body}"
    );
    let (status, list) = app
        .send(
            reqwest::Method::GET,
            "/api/v1/notifications",
            &w.manager.1,
            serde_json::json!(null),
        )
        .await;
    assert_eq!(status, 200);
    let id = serde_json::from_str::<serde_json::Value>(&list).expect("json")[0]["id"]
        .as_i64()
        .expect("id");

    // Someone else's notification does not exist for them.
    let (status, _) = app
        .send(
            reqwest::Method::POST,
            &format!("/api/v1/notifications/{id}/read"),
            &w.hire.1,
            serde_json::json!(null),
        )
        .await;
    assert_eq!(status, 404);
    assert_eq!(store.unread_notifications(w.manager.0).await.expect("n"), 1);

    // One read from the page; the count in the navigation follows.
    let res = app
        .client
        .post(app.url(&format!("/inbox/{id}/read")))
        .header("cookie", &cookie)
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .expect("post");
    assert_eq!(res.status().as_u16(), 303);
    assert_eq!(store.unread_notifications(w.manager.0).await.expect("n"), 0);
    let (status, body) = app
        .send(
            reqwest::Method::POST,
            "/api/v1/notifications/read",
            &w.manager.1,
            serde_json::json!(null),
        )
        .await;
    assert_eq!((status, body.as_str()), (200, "{\"marked\":0}"));
    app.stop().await;
}

async fn start_moves_completions_and_questions_reach_their_people(store: Store, _db: Database) {
    let w = world(&store).await;
    let app = start(store.clone()).await;
    let o = w.onboarding;
    let latest = |token: String| {
        let app = &app;
        async move { inbox(app, &token).await.into_iter().next() }
    };

    // The manager moves the first day: the new hire, the buddy and People
    // Connect hear of it, the manager (who did it) does not.
    let current = store.onboarding(o).await.expect("onboarding");
    let later = current.start_date + chrono::Days::new(7);
    let (status, body) = app
        .send(
            reqwest::Method::PATCH,
            &format!("/api/v1/onboardings/{o}"),
            &w.manager.1,
            serde_json::json!({"version": current.version, "start_date": later}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    for token in [&w.hire.1, &w.buddy.1, &w.people_connect.1] {
        let (kind, message, link) = latest(token.clone()).await.expect("notice");
        assert_eq!(kind, "start-moved");
        assert!(message.contains(&later.to_string()), "{message}");
        assert_eq!(link, format!("/onboardings/{o}"));
    }
    assert_ne!(
        latest(w.manager.1.clone()).await.map(|n| n.0),
        Some("start-moved".to_string())
    );
    assert!(inbox(&app, &w.other_hire.1).await.is_empty());

    // Finishing every task completes the onboarding: its people hear of
    // it once, not at each task.
    let tasks = store.tasks(o).await.expect("tasks");
    for (i, t) in tasks.iter().enumerate() {
        let (id, version) = task(&store, o, &t.task_key).await;
        let path = format!("/api/v1/onboardings/{o}/tasks/{id}");
        let send = |action: &'static str| {
            app.send(
                reqwest::Method::POST,
                &path,
                &w.admin.1,
                serde_json::json!({"action": action, "version": version, "note": "test"}),
            )
        };
        // A compliance-critical task cannot be skipped, only done.
        let action = if t.compliance_critical {
            let (status, body) = send("skip").await;
            assert_eq!(status, 409, "{}: {body}", t.task_key);
            assert!(body.contains("cannot be skipped"), "{body}");
            "complete"
        } else {
            "skip"
        };
        let (status, body) = send(action).await;
        assert_eq!(status, 200, "{}: {body}", t.task_key);
        let completed = inbox(&app, &w.manager.1)
            .await
            .iter()
            .filter(|n| n.0 == "onboarding-completed")
            .count();
        assert_eq!(
            completed,
            usize::from(i + 1 == tasks.len()),
            "after {}",
            t.task_key
        );
    }
    for token in [&w.hire.1, &w.buddy.1, &w.people_connect.1, &w.manager.1] {
        assert_eq!(
            latest(token.clone()).await.map(|n| n.0),
            Some("onboarding-completed".to_string())
        );
    }

    // A question for office hours reaches the host, never naming the asker.
    let series = crate::common::office_hours(
        &store,
        Some(w.enablement.0),
        "CSM office hours",
        "FREQ=WEEKLY",
        (Utc::now() + chrono::Duration::days(1))
            .naive_utc()
            .date()
            .and_hms_opt(15, 0, 0)
            .expect("time"),
    )
    .await;
    let (status, body) = app
        .send(
            reqwest::Method::POST,
            &format!("/api/v1/office-hours/{series}/questions"),
            &w.hire.1,
            serde_json::json!({"body": "How do I read a Service Ping payload?", "anonymous": true}),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let (kind, message, link) = latest(w.enablement.1.clone()).await.expect("notice");
    assert_eq!(kind, "question-asked");
    assert!(
        message.contains("CSM office hours") && message.contains("Service Ping"),
        "{message}"
    );
    assert!(!message.contains("hire"), "names nobody: {message}");
    assert!(link.starts_with("/office-hours/questions/"), "{link}");
    assert_ne!(
        latest(w.hire.1.clone()).await.map(|n| n.0),
        Some("question-asked".to_string())
    );
    app.stop().await;
}

async fn owners_hear_the_day_before_a_task_is_due_once(store: Store, _db: Database) {
    use chrono::TimeZone;
    let w = world(&store).await;
    let app = start(store.clone()).await;
    let o = w.onboarding;
    // Task c (the buddy's) is open; the sweep on the day before its due
    // date reminds the buddy, once, whichever server sweeps.
    let c = store
        .tasks(o)
        .await
        .expect("tasks")
        .into_iter()
        .find(|t| t.task_key == "c")
        .expect("task c");
    assert_eq!(c.status, "open");
    let day_before = c.due_date.pred_opt().expect("day");
    let noon = Utc.from_utc_datetime(&day_before.and_hms_opt(12, 0, 0).expect("time"));
    let reminders = |token: String| {
        let app = &app;
        async move {
            inbox(app, &token)
                .await
                .into_iter()
                .filter(|n| n.0 == "task-due-tomorrow")
                .collect::<Vec<_>>()
        }
    };
    let two_days_before = noon - chrono::Duration::days(1);
    store.sweep(two_days_before, 60).await.expect("sweep");
    assert!(
        reminders(w.buddy.1.clone()).await.is_empty(),
        "not two days before"
    );
    let (first, second) = tokio::join!(store.sweep(noon, 60), store.sweep(noon, 60));
    let reminded = first.expect("sweep").reminded_tasks + second.expect("sweep").reminded_tasks;
    assert!(reminded >= 1, "{reminded}");
    let buddy = reminders(w.buddy.1.clone()).await;
    assert_eq!(buddy.len(), 1, "{buddy:?}");
    assert!(
        buddy[0].1.contains("Task c") && buddy[0].1.contains("due tomorrow"),
        "{buddy:?}"
    );
    assert_eq!(buddy[0].2, format!("/onboardings/{o}/tasks/{}", c.id));
    assert!(
        !reminders(w.manager.1.clone())
            .await
            .iter()
            .any(|n| n.1.contains("Task c")),
        "not their task"
    );
    assert_eq!(
        store.sweep(noon, 60).await.expect("again").reminded_tasks,
        0
    );
    assert_eq!(reminders(w.buddy.1.clone()).await.len(), 1, "once");

    // The day after its due date the buddy hears it is overdue (once, even
    // with two servers); the compliance-critical task m is escalated
    // instead, to the manager (its owner) and People Connect.
    let day_after = noon + chrono::Duration::days(2);
    let (first, second) = tokio::join!(store.sweep(day_after, 60), store.sweep(day_after, 60));
    let (first, second) = (first.expect("sweep"), second.expect("sweep"));
    assert!(first.overdue_tasks + second.overdue_tasks >= 1);
    let overdue = |token: String| {
        let app = &app;
        async move {
            inbox(app, &token)
                .await
                .into_iter()
                .filter(|n| n.0 == "task-overdue")
                .collect::<Vec<_>>()
        }
    };
    let late = overdue(w.buddy.1.clone()).await;
    assert_eq!(
        late.iter().filter(|n| n.1.contains("Task c")).count(),
        1,
        "{late:?}"
    );
    assert!(late[0].1.contains("past its due date"), "{late:?}");
    assert!(
        overdue(w.manager.1.clone())
            .await
            .iter()
            .all(|n| !n.1.contains("Task m")),
        "a compliance-critical task is escalated, not told as overdue"
    );
    assert_eq!(
        store
            .sweep(day_after, 60)
            .await
            .expect("again")
            .overdue_tasks,
        0
    );
    app.stop().await;
}
