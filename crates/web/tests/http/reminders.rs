//! Reminders of webinars and office-hours sessions, questions carried over
//! to the next session, Monday's weekly summary and the chosen digest hour:
//! each sent once by the sweep, to the person it concerns.

use crate::common::{start, task, world};
use crate::notify::inbox;
use crate::on_both;
use chrono::{DateTime, Datelike, Duration, Timelike, Utc};
use onramp_store::testing::{Backend, with_store};
use onramp_store::{Database, NewWebinar, Store};
use reqwest::Method;

on_both!(
    reminders_go_once_within_the_hour_and_questions_carry_over,
    weekly_summaries_and_the_digest_hour
);

use crate::common::app_of;

/// `at` to the whole minute.
fn minute(at: DateTime<Utc>) -> DateTime<Utc> {
    at - Duration::seconds(i64::from(at.second()))
        - Duration::nanoseconds(i64::from(at.nanosecond()))
}

async fn series(store: &Store, owner: i64, title: &str, first: DateTime<Utc>) -> i64 {
    crate::common::office_hours(store, Some(owner), title, "FREQ=DAILY", first.naive_utc()).await
}

async fn webinar(store: &Store, title: &str, starts_at: DateTime<Utc>) -> i64 {
    store
        .add_webinar(
            None,
            &NewWebinar {
                title: title.into(),
                starts_at,
                duration_minutes: 45,
                host: "Enablement".into(),
                registration_url: None,
            },
        )
        .await
        .expect("webinar")
        .id
}

async fn reminders_go_once_within_the_hour_and_questions_carry_over(store: Store, _db: Database) {
    let w = world(&store).await;
    let app = start(store.clone()).await;
    let now = minute(Utc::now());
    let soon = webinar(&store, "Renewals webinar", now + Duration::minutes(30)).await;
    let later = webinar(&store, "QBR webinar", now + Duration::hours(3)).await;
    let past = webinar(&store, "Old webinar", now - Duration::hours(1)).await;
    let daily = series(
        &store,
        w.enablement.0,
        "Daily office hours",
        now + Duration::minutes(40),
    )
    .await;
    let cancelled = series(
        &store,
        w.enablement.0,
        "Cancelled hours",
        now + Duration::minutes(50),
    )
    .await;
    let remind = |path: String, body: serde_json::Value| {
        let app = &app;
        let token = w.hire.1.clone();
        async move { app.send(Method::PUT, &path, &token, body).await }
    };
    for id in [soon, later] {
        let (status, body) = remind(
            format!("/api/v1/webinars/{id}/reminder"),
            serde_json::json!({"remind": true}),
        )
        .await;
        assert_eq!(status, 200, "{body}");
    }
    let (status, body) = remind(
        format!("/api/v1/webinars/{past}/reminder"),
        serde_json::json!({"remind": true}),
    )
    .await;
    assert_eq!(status, 400, "a webinar that started: {body}");
    let (status, _) = remind(
        "/api/v1/webinars/987654/reminder".into(),
        serde_json::json!({"remind": true}),
    )
    .await;
    assert_eq!(status, 404);
    for (id, at) in [
        (daily, now + Duration::minutes(40)),
        (cancelled, now + Duration::minutes(50)),
    ] {
        let (status, body) = remind(
            format!("/api/v1/office-hours/{id}/reminder"),
            serde_json::json!({"session": at, "remind": true}),
        )
        .await;
        assert_eq!(status, 200, "{body}");
    }
    let (status, body) = remind(
        format!("/api/v1/office-hours/{daily}/reminder"),
        serde_json::json!({"session": now + Duration::minutes(45), "remind": true}),
    )
    .await;
    assert_eq!(status, 400, "not a session: {body}");
    assert!(body.contains("\"field\":\"session\""), "{body}");
    let (_, body) = app
        .send(
            Method::GET,
            "/api/v1/me/reminders",
            &w.hire.1,
            serde_json::json!(null),
        )
        .await;
    let mine: serde_json::Value = serde_json::from_str(&body).expect("json");
    assert_eq!(mine.as_array().expect("list").len(), 4, "{mine}");
    assert_eq!(mine[0]["title"], "Renewals webinar");

    // The second session is cancelled: its reminder goes quietly.
    store
        .cancel_session(
            Some(w.enablement.0),
            cancelled,
            (now + Duration::minutes(50)).naive_utc(),
        )
        .await
        .expect("cancel");

    // A question asked anonymously for yesterday's session of a series.
    let yesterday = now - Duration::days(1) - Duration::hours(2);
    let old = series(&store, w.enablement.0, "Weekly hours", yesterday).await;
    let question = store
        .add_question(
            w.hire.0,
            old,
            yesterday,
            "How do I read a renewal forecast?",
            true,
        )
        .await
        .expect("question");

    // Two servers sweep at once: each reminder and note goes once.
    let (one, two) = (app_of(&store), app_of(&store));
    let (a, b) = tokio::join!(
        onramp_app::onboarding::sweep(&one, Utc::now(), 60),
        onramp_app::onboarding::sweep(&two, Utc::now(), 60)
    );
    let (a, b) = (a.expect("sweep"), b.expect("sweep"));
    assert_eq!(a.reminded_sessions + b.reminded_sessions, 2, "{a:?} {b:?}");
    assert_eq!(a.rolled_over_questions + b.rolled_over_questions, 1);
    let notices = inbox(&app, &w.hire.1).await;
    let starting: Vec<&String> = notices
        .iter()
        .filter(|(k, _, _)| k == "starts-soon")
        .map(|(_, m, _)| m)
        .collect();
    assert_eq!(starting.len(), 2, "{notices:?}");
    assert!(
        starting
            .iter()
            .any(|m| m.starts_with("Renewals webinar starts at "))
    );
    assert!(
        starting
            .iter()
            .any(|m| m.starts_with("Daily office hours starts at "))
    );
    assert!(
        starting
            .iter()
            .all(|m| !m.contains("QBR") && !m.contains("Cancelled")),
        "later and cancelled sessions are not reminded: {starting:?}"
    );
    let (_, message, link) = notices
        .iter()
        .find(|(k, _, _)| k == "question-rolled-over")
        .expect("carried over")
        .clone();
    assert!(message.contains("renewal forecast") && message.contains("stays on the agenda"));
    assert_eq!(link, format!("/office-hours/questions/{}", question.id));
    for token in [&w.enablement.1, &w.manager.1] {
        assert!(
            inbox(&app, token)
                .await
                .iter()
                .all(|(k, _, _)| k != "question-rolled-over" && k != "starts-soon"),
            "only the asker and the person reminded hear of these"
        );
    }
    let again = onramp_app::onboarding::sweep(&app_of(&store), Utc::now(), 60)
        .await
        .expect("again");
    assert_eq!(
        (again.reminded_sessions, again.rolled_over_questions),
        (0, 0)
    );

    // Turned off on the page: the webinars page offers it again.
    let (cookie, csrf) = crate::common::session_of(&store, w.hire.0).await;
    let res = app
        .client
        .post(app.url(&format!("/webinars/{later}/reminder")))
        .header("cookie", &cookie)
        .form(&[("remind", "0"), ("csrf", &csrf)])
        .send()
        .await
        .expect("post");
    assert_eq!(res.status().as_u16(), 303);
    let (_, page) = app.get("/webinars", &[("cookie", &cookie)]).await;
    assert!(page.contains("Remind me an hour before"), "{page}");
    let (_, page) = app.get("/office-hours", &[("cookie", &cookie)]).await;
    assert!(page.contains("Remind me an hour before"), "{page}");
    app.stop().await;
}

/// The next Monday after today at `hour`:00 UTC (London is on UTC in winter;
/// the test people live there).
fn next_monday(hour: u32) -> DateTime<Utc> {
    let today = Utc::now().date_naive();
    let ahead = 7 - u64::from(today.weekday().num_days_from_monday());
    (today + chrono::Days::new(ahead))
        .and_hms_opt(hour, 30, 0)
        .expect("time")
        .and_utc()
}

async fn weekly_summaries_and_the_digest_hour(store: Store, _db: Database) {
    let w = world(&store).await;
    let app = start(store.clone()).await;
    let monday = next_monday(14);
    let made = onramp_app::notify::summary::make_weekly(&app_of(&store), monday)
        .await
        .expect("summaries");
    // Two managers of running onboardings and People Connect.
    assert_eq!(made, 3);
    let summary = |token: String| {
        let app = &app;
        async move {
            inbox(app, &token)
                .await
                .into_iter()
                .find(|(k, _, _)| k == "weekly-summary")
                .map(|(_, m, _)| m)
        }
    };
    let manager = summary(w.manager.1.clone()).await.expect("manager");
    assert!(
        manager.starts_with("Your team this week (1 new hire") && manager.contains("hire 0%"),
        "{manager}"
    );
    assert!(!manager.contains("other hire"), "{manager}");
    let other = summary(w.other_manager.1.clone()).await.expect("other");
    assert!(
        other.contains("other hire") && !other.contains(": hire"),
        "{other}"
    );
    let pc = summary(w.people_connect.1.clone()).await.expect("pc");
    assert!(pc.contains("Starting in the next 30 days"), "{pc}");
    for token in [&w.hire.1, &w.buddy.1, &w.enablement.1] {
        assert!(summary(token.clone()).await.is_none());
    }
    assert_eq!(
        onramp_app::notify::summary::make_weekly(&app_of(&store), monday + Duration::hours(2))
            .await
            .expect("again"),
        0,
        "once a week"
    );
    assert_eq!(
        onramp_app::notify::summary::make_weekly(&app_of(&store), monday + Duration::days(1))
            .await
            .expect("tuesday"),
        0
    );

    // The digest hour: checked, saved, and used.
    let (status, body) = app
        .send(
            Method::PUT,
            "/api/v1/me/digest",
            &w.hire.1,
            serde_json::json!({"hour": 25}),
        )
        .await;
    assert_eq!(status, 400);
    assert!(body.contains("\"field\":\"hour\""), "{body}");
    let (status, body) = app
        .send(
            Method::PUT,
            "/api/v1/me/digest",
            &w.hire.1,
            serde_json::json!({"hour": 11}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let (_, body) = app
        .send(
            Method::GET,
            "/api/v1/me/digest",
            &w.hire.1,
            serde_json::json!(null),
        )
        .await;
    assert_eq!(body, "{\"hour\":11}");
    // The manager finishes task a: task b opens for the new hire, which
    // waits for their digest (the default for `task-opened`).
    let (id, version) = task(&store, w.onboarding, "a").await;
    let (status, _) = app
        .send(
            Method::POST,
            &format!("/api/v1/onboardings/{}/tasks/{id}", w.onboarding),
            &w.manager.1,
            serde_json::json!({"action": "complete", "version": version}),
        )
        .await;
    assert_eq!(status, 200);
    let before = onramp_app::notify::deliver::make_digests(&app_of(&store), next_monday(10))
        .await
        .expect("digests");
    let hire_digests = |store: Store| async move {
        store
            .digest_candidates()
            .await
            .expect("candidates")
            .into_iter()
            .any(|(person, _, _)| person == w.hire.0)
    };
    assert!(
        hire_digests(store.clone()).await,
        "at 10:30 the new hire's digest (11:00) still waits ({before} made for others)"
    );
    onramp_app::notify::deliver::make_digests(&app_of(&store), next_monday(11))
        .await
        .expect("digests");
    assert!(!hire_digests(store.clone()).await, "at 11:30 it is made");
    app.stop().await;
}
