//! The role matrix: every role against every page, resource and action.

use crate::common::{bearer, person, session, start, task, world};
use crate::on_both;
use onramp_core::people::Role;
use onramp_store::testing::{Backend, with_store};
use onramp_store::{Database, Store};

on_both!(
    pages_need_sign_in_and_show_only_what_is_yours,
    every_role_resource_and_action
);

async fn pages_need_sign_in_and_show_only_what_is_yours(store: Store, _db: Database) {
    let w = world(&store).await;
    let app = start(store.clone()).await;
    let res = app.client.get(app.url("/")).send().await.expect("req");
    assert_eq!(res.status().as_u16(), 303);
    assert_eq!(res.headers()["location"], "/login?next=/");
    let (status, _) = app.get("/api/v1/onboardings", &[]).await;
    assert_eq!(status, 401, "the API answers 401 without credentials");

    let (cookie, _) = session(&store, w.hire_account).await;
    let (status, body) = app.get("/", &[("cookie", &cookie)]).await;
    assert_eq!(status, 200);
    assert!(
        body.contains("hire") && !body.contains("other hire"),
        "a new hire sees only their own onboarding: {body}"
    );
    let (status, body) = app.get("/home", &[("cookie", &cookie)]).await;
    assert_eq!(status, 200);
    assert!(
        body.contains("Welcome, hire") && body.contains("Due this week"),
        "{body}"
    );
    assert_eq!(
        app.get(
            &format!("/onboardings/{}", w.other_onboarding),
            &[("cookie", &cookie)]
        )
        .await
        .0,
        404,
        "someone else's onboarding does not exist for them"
    );
    let (status, body) = app
        .get(
            &format!("/onboardings/{}", w.onboarding),
            &[("cookie", &cookie)],
        )
        .await;
    assert_eq!(status, 200);
    assert!(
        body.contains("Task a") && body.contains("Graduation") && body.contains("Timeline"),
        "{body}"
    );
    assert_eq!(
        app.get("/starts", &[("cookie", &cookie)]).await.0,
        404,
        "People Connect's view is theirs"
    );
    assert_eq!(app.get("/admin/users", &[("cookie", &cookie)]).await.0, 404);
    let (status, body) = app.get("/team", &[("cookie", &cookie)]).await;
    assert_eq!(status, 200);
    assert!(body.contains("No onboardings to show"), "{body}");
    app.stop().await;
}

async fn every_role_resource_and_action(store: Store, _db: Database) {
    let w = world(&store).await;
    let app = start(store.clone()).await;
    let o = w.onboarding;
    let roles: Vec<(&str, Option<&str>)> = vec![
        ("new hire", Some(&w.hire.1)),
        ("buddy", Some(&w.buddy.1)),
        ("manager", Some(&w.manager.1)),
        ("People Connect", Some(&w.people_connect.1)),
        ("Enablement", Some(&w.enablement.1)),
        ("admin", Some(&w.admin.1)),
        ("another new hire", Some(&w.other_hire.1)),
        ("another manager", Some(&w.other_manager.1)),
        ("anonymous", None),
    ];
    // (resource × action, expected status per role in the order above)
    type Case = (&'static str, [u16; 9]);
    let cases: Vec<Case> = vec![
        (
            "read onboarding",
            [200, 200, 200, 200, 200, 200, 404, 404, 401],
        ),
        (
            "read timeline",
            [200, 200, 200, 200, 200, 200, 404, 404, 401],
        ),
        (
            "read comments",
            [200, 200, 200, 200, 200, 200, 404, 404, 401],
        ),
        // People Connect and Enablement are parties of the other onboarding too.
        (
            "read other onboarding",
            [404, 404, 404, 200, 200, 200, 200, 200, 401],
        ),
        (
            "complete new-hire task",
            [200, 403, 200, 403, 403, 200, 404, 404, 401],
        ),
        (
            "complete manager task",
            [403, 403, 200, 403, 403, 200, 404, 404, 401],
        ),
        (
            "complete buddy task",
            [403, 200, 200, 403, 403, 200, 404, 404, 401],
        ),
        ("comment", [201, 201, 201, 201, 201, 201, 404, 404, 401]),
        // One's own sessions: everyone signed in (a token has no session of
        // its own; ending one that is not theirs is not found).
        (
            "read my sessions",
            [200, 200, 200, 200, 200, 200, 200, 200, 401],
        ),
        (
            "end an unknown session",
            [404, 404, 404, 404, 404, 404, 404, 404, 401],
        ),
        (
            "move start date",
            [403, 403, 200, 403, 403, 200, 404, 404, 401],
        ),
        (
            "preview upgrade",
            [403, 403, 200, 403, 403, 200, 404, 404, 401],
        ),
        (
            "create onboarding",
            [403, 403, 403, 201, 403, 201, 403, 403, 401],
        ),
        (
            "check a new onboarding",
            [403, 403, 403, 200, 403, 200, 403, 403, 401],
        ),
        (
            "list onboardings",
            [200, 200, 200, 200, 200, 200, 200, 200, 401],
        ),
        (
            "read programs",
            [200, 200, 200, 200, 200, 200, 200, 200, 401],
        ),
        (
            "read audit log",
            [200, 200, 200, 200, 200, 200, 200, 200, 401],
        ),
        (
            "read notifications",
            [200, 200, 200, 200, 200, 200, 200, 200, 401],
        ),
        (
            "mark notifications read",
            [200, 200, 200, 200, 200, 200, 200, 200, 401],
        ),
        (
            "read my panels",
            [200, 200, 200, 200, 200, 200, 200, 200, 401],
        ),
        (
            "read email settings",
            [200, 200, 200, 200, 200, 200, 200, 200, 401],
        ),
        (
            "read my tasks",
            [200, 200, 200, 200, 200, 200, 200, 200, 401],
        ),
        // Each person's own chat: connect, read (theirs only), disconnect.
        (
            "connect my chat",
            [200, 200, 200, 200, 200, 200, 200, 200, 401],
        ),
        (
            "read my chat",
            [200, 200, 200, 200, 200, 200, 200, 200, 401],
        ),
        (
            "disconnect my chat",
            [204, 204, 204, 204, 204, 204, 204, 204, 401],
        ),
        (
            "read my chat when none",
            [404, 404, 404, 404, 404, 404, 404, 404, 401],
        ),
        // Reminders and the digest hour: everyone signed in, for themselves.
        (
            "remind me of a webinar",
            [200, 200, 200, 200, 200, 200, 200, 200, 401],
        ),
        (
            "remind me of office hours",
            [200, 200, 200, 200, 200, 200, 200, 200, 401],
        ),
        (
            "read my reminders",
            [200, 200, 200, 200, 200, 200, 200, 200, 401],
        ),
        (
            "read my digest hour",
            [200, 200, 200, 200, 200, 200, 200, 200, 401],
        ),
        (
            "set my digest hour",
            [200, 200, 200, 200, 200, 200, 200, 200, 401],
        ),
        // Certification evidence is reviewed by the manager (and admins).
        (
            "review certification evidence",
            [403, 403, 200, 403, 403, 200, 404, 404, 401],
        ),
        (
            "read unknown onboarding",
            [404, 404, 404, 404, 404, 404, 404, 404, 401],
        ),
        // Ramp analytics: managers (their reports), People Connect, Enablement, admins.
        (
            "read ramp analytics",
            [403, 403, 200, 200, 200, 200, 403, 200, 401],
        ),
        (
            "read risk list",
            [403, 403, 200, 200, 200, 200, 403, 200, 401],
        ),
        (
            "read program analytics",
            [403, 403, 200, 200, 200, 200, 403, 200, 401],
        ),
        // Acknowledging a signal: those who see the onboarding in the analytics.
        (
            "acknowledge a signal",
            [403, 403, 200, 200, 200, 200, 403, 404, 401],
        ),
        // Service Ping is open to everyone signed in: naming an instance too.
        (
            "name a Service Ping instance",
            [200, 200, 200, 200, 200, 200, 200, 200, 401],
        ),
    ];
    let version_id = store.onboarding(o).await.expect("o").program_version_id;
    let soon = chrono::Utc::now() + chrono::Duration::days(2);
    let webinar = store
        .add_webinar(
            None,
            &onramp_store::NewWebinar {
                title: "Matrix webinar".into(),
                starts_at: soon,
                duration_minutes: 30,
                host: "Enablement".into(),
                registration_url: None,
            },
        )
        .await
        .expect("webinar")
        .id;
    let session = soon.date_naive().and_hms_opt(15, 0, 0).expect("time");
    let series =
        crate::common::office_hours(&store, None, "Matrix hours", "FREQ=WEEKLY", session).await;
    store
        .add_ping_payload(
            None,
            "feedfacefeedface",
            "gitlab.matrix.example",
            "17.2.0",
            None,
            "{}",
        )
        .await
        .expect("payload");
    let mut failures = Vec::new();
    let mut extra_hires = 0;
    for (case, expected) in &cases {
        for ((role, token), want) in roles.iter().zip(expected) {
            let auth = token.map(bearer);
            let with_auth = |req: reqwest::RequestBuilder| match &auth {
                Some(a) => req.header("authorization", a),
                None => req,
            };
            let req = match *case {
                "read onboarding" => app.client.get(app.url(&format!("/api/v1/onboardings/{o}"))),
                "read timeline" => app
                    .client
                    .get(app.url(&format!("/api/v1/onboardings/{o}/timeline"))),
                "read comments" => app
                    .client
                    .get(app.url(&format!("/api/v1/onboardings/{o}/comments"))),
                "read other onboarding" => app
                    .client
                    .get(app.url(&format!("/api/v1/onboardings/{}", w.other_onboarding))),
                "complete new-hire task" | "complete manager task" | "complete buddy task" => {
                    let key = match *case {
                        "complete new-hire task" => "a",
                        "complete manager task" => "m",
                        _ => "c",
                    };
                    let (id, version) = task(&store, o, key).await;
                    app.client
                        .post(app.url(&format!("/api/v1/onboardings/{o}/tasks/{id}")))
                        .json(&serde_json::json!({"action": "complete", "version": version}))
                }
                "comment" => app
                    .client
                    .post(app.url(&format!("/api/v1/onboardings/{o}/comments")))
                    .multipart(
                        reqwest::multipart::Form::new().text("body", format!("from {role}")),
                    ),
                "move start date" => {
                    let current = store.onboarding(o).await.expect("o");
                    app.client.patch(app.url(&format!("/api/v1/onboardings/{o}"))).json(&serde_json::json!({"version": current.version, "start_date": current.start_date}))
                }
                "preview upgrade" => app.client.get(app.url(&format!(
                    "/api/v1/onboardings/{o}/upgrade?version_id={version_id}"
                ))),
                "create onboarding" => {
                    extra_hires += 1;
                    let email = format!("new{extra_hires}@example.com");
                    person(&store, &email, &[Role::NewHire], None).await;
                    app.client
                        .post(app.url("/api/v1/onboardings"))
                        .json(&serde_json::json!({"email": email, "start_date": "2027-01-04"}))
                }
                "check a new onboarding" => app
                    .client
                    .post(app.url("/api/v1/onboardings/preflight"))
                    .json(&serde_json::json!({"email": "hire@example.com", "start_date": "2027-01-04"})),
                "list onboardings" => app.client.get(app.url("/api/v1/onboardings")),
                "read my tasks" => app.client.get(app.url("/api/v1/me/tasks")),
                "read my panels" => app.client.get(app.url("/api/v1/me/panels")),
                "remind me of a webinar" => app
                    .client
                    .put(app.url(&format!("/api/v1/webinars/{webinar}/reminder")))
                    .json(&serde_json::json!({"remind": true})),
                "remind me of office hours" => app
                    .client
                    .put(app.url(&format!("/api/v1/office-hours/{series}/reminder")))
                    .json(&serde_json::json!({"session": session.and_utc(), "remind": true})),
                "read my reminders" => app.client.get(app.url("/api/v1/me/reminders")),
                "read my digest hour" => app.client.get(app.url("/api/v1/me/digest")),
                "set my digest hour" => app
                    .client
                    .put(app.url("/api/v1/me/digest"))
                    .json(&serde_json::json!({"hour": 9})),
                "review certification evidence" => {
                    // Fresh evidence from the new hire before each role tries.
                    store
                        .save_certification(
                            Some(w.hire.0),
                            onramp_store::CertificationOf {
                                person_id: w.hire.0,
                                certification_id: "git-associate",
                                title: "Git associate",
                                onboarding_id: None,
                            },
                            &onramp_store::CertificationChange {
                                passed_on: Some(chrono::Utc::now().date_naive()),
                                evidence_url: Some(format!(
                                    "https://credly.example.com/{}",
                                    role.replace(' ', "-")
                                )),
                                ..Default::default()
                            },
                        )
                        .await
                        .expect("evidence");
                    app.client
                        .post(app.url(&format!(
                            "/api/v1/onboardings/{o}/learning/certifications/git-associate/review"
                        )))
                        .json(&serde_json::json!({"decision": "approve"}))
                }
                "connect my chat" => app.client.put(app.url("/api/v1/me/chat")).json(
                    &serde_json::json!({"format": "slack", "url": format!("https://hooks.example.com/{role}")}),
                ),
                "read my chat" | "read my chat when none" => {
                    app.client.get(app.url("/api/v1/me/chat"))
                }
                "disconnect my chat" => app.client.delete(app.url("/api/v1/me/chat")),
                "read email settings" => {
                    app.client.get(app.url("/api/v1/me/notification-settings"))
                }
                "read notifications" => app.client.get(app.url("/api/v1/notifications")),
                "read my sessions" => app.client.get(app.url("/api/v1/me/sessions")),
                "end an unknown session" => {
                    app.client.delete(app.url("/api/v1/me/sessions/0123456789abcdef"))
                }
                "mark notifications read" => app.client.post(app.url("/api/v1/notifications/read")),
                "read programs" => app.client.get(app.url("/api/v1/programs")),
                "read audit log" => app.client.get(app.url("/api/v1/audit")),
                "read ramp analytics" => app.client.get(app.url("/api/v1/analytics/ramp?by=month")),
                "read risk list" => app.client.get(app.url("/api/v1/analytics/risk")),
                "read program analytics" => {
                    app.client.get(app.url("/api/v1/analytics/tasks?program=pilot"))
                }
                "acknowledge a signal" => app
                    .client
                    .post(app.url(&format!("/api/v1/onboardings/{o}/signals/quiet/acknowledgement")))
                    .json(&serde_json::json!({ "note": format!("{role} is on it") })),
                "name a Service Ping instance" => app
                    .client
                    .put(app.url("/api/v1/ping/instances/feedfacefeedface/label"))
                    .json(&serde_json::json!({ "label": format!("named by {role}") })),
                _ => app.client.get(app.url("/api/v1/onboardings/987654")),
            };
            let status = with_auth(req)
                .send()
                .await
                .expect("request")
                .status()
                .as_u16();
            if status != *want {
                failures.push(format!("{role} / {case}: got {status}, expected {want}"));
            }
            // Put completed tasks back so every role starts from the same state.
            for key in ["a", "m", "c"] {
                let t = store
                    .tasks(o)
                    .await
                    .expect("tasks")
                    .into_iter()
                    .find(|t| t.task_key == key)
                    .expect("task");
                if t.status == "done" {
                    store
                        .update_task(
                            None,
                            t.id,
                            t.version,
                            &onramp_core::onboarding::TaskAction::Reopen,
                        )
                        .await
                        .expect("reopen");
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "authorization table mismatches:\n{}",
        failures.join("\n")
    );
    // A list shows each role only what is theirs.
    let (_, body) = app
        .get(
            "/api/v1/onboardings",
            &[("authorization", &bearer(&w.other_hire.1))],
        )
        .await;
    let page: serde_json::Value = serde_json::from_str(&body).expect("json");
    assert_eq!(page["total"], 1);
    assert_eq!(page["items"][0]["id"], w.other_onboarding);
    app.stop().await;
}
