//! Learning and resources over HTTP, per role.

use crate::common::{bearer, session, session_of, start, world};
use crate::on_both;
use chrono::Utc;
use onramp_store::testing::{Backend, with_store};
use onramp_store::{Database, Store};

on_both!(learning_resources_per_role);

async fn learning_resources_per_role(store: Store, _db: Database) {
    use reqwest::Method;
    let w = world(&store).await;
    let app = start(store.clone()).await;
    let json = |body: &str| -> serde_json::Value { serde_json::from_str(body).expect("json") };
    let o = w.onboarding;
    let base = format!("/api/v1/onboardings/{o}/learning");

    // Who sees the learning view: the onboarding's people; a stranger gets 404, nobody signed in 401.
    for (who, token, status) in [
        ("hire", &w.hire.1, 200),
        ("manager", &w.manager.1, 200),
        ("buddy", &w.buddy.1, 200),
        ("enablement", &w.enablement.1, 200),
        ("other hire", &w.other_hire.1, 404),
        ("other manager", &w.other_manager.1, 404),
    ] {
        let (s, body) = app.get(&base, &[("authorization", &bearer(token))]).await;
        assert_eq!(s, status, "{who}: {body}");
    }
    assert_eq!(app.get(&base, &[]).await.0, 401);
    let (_, body) = app
        .get(&base, &[("authorization", &bearer(&w.hire.1))])
        .await;
    let view = json(&body);
    assert_eq!(view["pathway"]["pathway_id"], "csm-scale");
    assert_eq!(view["can_record"], true);
    assert!(
        view["channels"]
            .as_array()
            .expect("channels")
            .iter()
            .any(|c| c["suggested"] == true && c["group"] == "regional"),
        "EMEA channels are suggested: {body}"
    );

    // Only the new hire records modules; bad input names the field and changes nothing.
    let modules = format!("{base}/modules");
    for (token, status) in [
        (&w.manager.1, 403),
        (&w.buddy.1, 403),
        (&w.other_hire.1, 404),
    ] {
        let (s, body) = app
            .send(
                Method::POST,
                &modules,
                token,
                serde_json::json!({"module": "welcome"}),
            )
            .await;
        assert_eq!(s, status, "{body}");
    }
    for (input, field) in [
        (serde_json::json!({"module": "nope"}), "module"),
        (
            serde_json::json!({"module": "welcome", "completed_on": "yesterday"}),
            "completed_on",
        ),
        (
            serde_json::json!({"module": "welcome", "completed_on": "2999-01-01"}),
            "completed_on",
        ),
        (
            serde_json::json!({"module": "welcome", "evidence_url": "javascript:alert(1)"}),
            "evidence_url",
        ),
        (
            serde_json::json!({"module": "welcome", "extra": 1}),
            "extra",
        ),
        (serde_json::json!({"module": 5}), "module"),
    ] {
        let (s, body) = app
            .send(Method::POST, &modules, &w.hire.1, input.clone())
            .await;
        assert_eq!(s, 400, "{input}: {body}");
        assert!(body.contains(field), "{input}: {body}");
    }
    assert!(
        store
            .module_completions(w.hire.0, "csm-scale")
            .await
            .expect("done")
            .is_empty()
    );
    let (s, body) = app
        .send(
            Method::POST,
            &modules,
            &w.hire.1,
            serde_json::json!({"module": "welcome", "evidence_url": "https://levelup.example.com/cert/1"}),
        )
        .await;
    assert_eq!(s, 201, "{body}");
    assert_eq!(
        (json(&body)["done"].as_u64(), json(&body)["total"].as_u64()),
        (Some(1), Some(6))
    );
    let (s, _) = app
        .send(
            Method::DELETE,
            &format!("{modules}/tools"),
            &w.hire.1,
            serde_json::json!({}),
        )
        .await;
    assert_eq!(s, 404, "undoing an open module");

    // Certifications: a pass with expiry counts as an attempt and evaluates graduation data.
    let cert = format!("{base}/certifications/git-associate");
    let (s, body) = app
        .send(
            Method::PUT,
            &cert,
            &w.manager.1,
            serde_json::json!({"planned_on": "2026-12-01"}),
        )
        .await;
    assert_eq!(s, 403, "{body}");
    let (s, body) = app
        .send(
            Method::PUT,
            &format!("{base}/certifications/astronaut"),
            &w.hire.1,
            serde_json::json!({}),
        )
        .await;
    assert_eq!(s, 404, "{body}");
    // "Today" of the new hire (Europe/London), as the server counts days.
    let today = onramp_core::onboarding::today_in("Europe/London", Utc::now());
    let soon = today + chrono::Duration::days(20);
    let (s, body) = app
        .send(
            Method::PUT,
            &cert,
            &w.hire.1,
            serde_json::json!({"passed_on": today.to_string(), "expires_on": (today - chrono::Duration::days(1)).to_string()}),
        )
        .await;
    assert_eq!(s, 400, "{body}");
    assert!(body.contains("expires_on"), "{body}");
    let (s, body) = app
        .send(
            Method::PUT,
            &cert,
            &w.hire.1,
            serde_json::json!({"passed_on": today.to_string(), "expires_on": soon.to_string(), "evidence_url": "https://credly.example.com/b/1"}),
        )
        .await;
    assert_eq!(s, 200, "{body}");
    assert_eq!(json(&body)[0]["attempts"], 1);
    // The reminder shows on the learning view, the onboarding view and the feed.
    let (_, body) = app
        .get(&base, &[("authorization", &bearer(&w.manager.1))])
        .await;
    assert_eq!(
        json(&body)["expiry_reminders"][0]["days_left"],
        20,
        "{body}"
    );
    let (_, body) = app
        .get(
            &format!("/api/v1/onboardings/{o}"),
            &[("authorization", &bearer(&w.hire.1))],
        )
        .await;
    assert_eq!(
        json(&body)["learning"]["certifications_passed"],
        1,
        "{body}"
    );
    assert_eq!(json(&body)["learning"]["modules_done"], 1, "{body}");

    // Channels: unknown ids refused, nothing changed.
    let channels = format!("{base}/channels");
    let (s, body) = app
        .send(
            Method::PUT,
            &channels,
            &w.hire.1,
            serde_json::json!({"channels": ["cs-questions", "nope"]}),
        )
        .await;
    assert_eq!(s, 400, "{body}");
    assert!(
        store
            .joined_channels(w.hire.0)
            .await
            .expect("joined")
            .is_empty()
    );
    let (s, body) = app
        .send(
            Method::PUT,
            &channels,
            &w.hire.1,
            serde_json::json!({"channels": ["cs-questions", "cs-questions"]}),
        )
        .await;
    assert_eq!(
        (s, json(&body)["channels"].clone()),
        (200, serde_json::json!(["cs-questions"]))
    );

    // Reading receipts.
    let (s, _) = app
        .send(
            Method::PUT,
            &format!("{base}/reading/gainsight"),
            &w.hire.1,
            serde_json::json!({"read": true}),
        )
        .await;
    assert_eq!(s, 200);
    let (s, _) = app
        .send(
            Method::PUT,
            &format!("{base}/reading/unknown-page"),
            &w.hire.1,
            serde_json::json!({"read": true}),
        )
        .await;
    assert_eq!(s, 404);
    let (s, _) = app
        .send(
            Method::PUT,
            &format!("{base}/reading/gainsight"),
            &w.buddy.1,
            serde_json::json!({"read": false}),
        )
        .await;
    assert_eq!(s, 403);

    // Access requests: the hire asks, the manager approves, Enablement provisions.
    let requests = format!("/api/v1/onboardings/{o}/access-requests");
    let (s, body) = app
        .send(
            Method::POST,
            &requests,
            &w.buddy.1,
            serde_json::json!({"playground": "shared-omnibus"}),
        )
        .await;
    assert_eq!(s, 403, "{body}");
    let (s, body) = app
        .send(
            Method::POST,
            &requests,
            &w.hire.1,
            serde_json::json!({"playground": "moon-base"}),
        )
        .await;
    assert!(
        s == 400 && body.contains("\"field\":\"playground\""),
        "{body}"
    );
    let (s, body) = app
        .send(
            Method::POST,
            &requests,
            &w.hire.1,
            serde_json::json!({"playground": "shared-omnibus", "note": "for practice"}),
        )
        .await;
    assert_eq!(s, 201, "{body}");
    let rid = json(&body)["id"].as_i64().expect("id");
    let (s, _) = app
        .send(
            Method::POST,
            &requests,
            &w.hire.1,
            serde_json::json!({"playground": "shared-omnibus"}),
        )
        .await;
    assert_eq!(s, 409);
    let change = format!("/api/v1/access-requests/{rid}");
    for (who, token, status, expected) in [
        ("hire approves", &w.hire.1, "approved", 403),
        ("other manager", &w.other_manager.1, "approved", 404),
        ("enablement approves", &w.enablement.1, "approved", 403),
        ("manager provisions", &w.manager.1, "provisioned", 403),
        ("bad status", &w.manager.1, "lost", 400),
    ] {
        let (s, body) = app
            .send(
                Method::PATCH,
                &change,
                token,
                serde_json::json!({"status": status}),
            )
            .await;
        assert_eq!(s, expected, "{who}: {body}");
    }
    let (_, queue) = app
        .get(
            "/api/v1/access-requests",
            &[("authorization", &bearer(&w.manager.1))],
        )
        .await;
    assert_eq!(json(&queue).as_array().map(Vec::len), Some(1), "{queue}");
    let (_, queue) = app
        .get(
            "/api/v1/access-requests",
            &[("authorization", &bearer(&w.other_manager.1))],
        )
        .await;
    assert_eq!(json(&queue).as_array().map(Vec::len), Some(0), "{queue}");
    let (s, body) = app
        .send(
            Method::PATCH,
            &change,
            &w.enablement.1,
            serde_json::json!({"status": "provisioned"}),
        )
        .await;
    assert_eq!(s, 409, "not approved yet: {body}");
    let (s, body) = app
        .send(
            Method::PATCH,
            &change,
            &w.manager.1,
            serde_json::json!({"status": "approved", "note": "ok"}),
        )
        .await;
    assert_eq!(
        (s, json(&body)["status"].clone()),
        (200, serde_json::json!("approved")),
        "{body}"
    );
    let (_, queue) = app
        .get(
            "/api/v1/access-requests",
            &[("authorization", &bearer(&w.enablement.1))],
        )
        .await;
    assert_eq!(json(&queue)[0]["id"], rid, "{queue}");
    let (s, body) = app
        .send(
            Method::PATCH,
            &change,
            &w.enablement.1,
            serde_json::json!({"status": "provisioned"}),
        )
        .await;
    assert_eq!(
        (s, json(&body)["status"].clone()),
        (200, serde_json::json!("provisioned")),
        "{body}"
    );

    // Webinars: Enablement adds, others attend; bad input names the field.
    let add = |title: &str, starts: String| serde_json::json!({"title": title, "starts_at": starts, "time_zone": "Europe/Berlin", "duration_minutes": "45", "host": "Sam"});
    let past = (Utc::now() - chrono::Duration::days(2))
        .format("%Y-%m-%dT%H:%M")
        .to_string();
    let next = (Utc::now() + chrono::Duration::days(5))
        .format("%Y-%m-%dT%H:%M")
        .to_string();
    let (s, _) = app
        .send(
            Method::POST,
            "/api/v1/webinars",
            &w.hire.1,
            add("Mine", next.clone()),
        )
        .await;
    assert_eq!(s, 403);
    for (body, field) in [
        (add("X", "tomorrow".into()), "starts_at"),
        (
            serde_json::json!({"title": "X", "starts_at": next, "time_zone": "Mars/Base", "duration_minutes": "45", "host": "Sam"}),
            "time_zone",
        ),
        (
            serde_json::json!({"title": "X", "starts_at": next, "duration_minutes": "0", "host": "Sam"}),
            "duration_minutes",
        ),
        (
            serde_json::json!({"title": "X", "starts_at": next, "duration_minutes": "30", "host": " "}),
            "host",
        ),
    ] {
        let (s, text) = app
            .send(
                Method::POST,
                "/api/v1/webinars",
                &w.enablement.1,
                body.clone(),
            )
            .await;
        assert_eq!(s, 400, "{body}: {text}");
        assert!(
            text.contains(&format!("\"field\":\"{field}\"")),
            "{body}: {text}"
        );
    }
    let (s, body) = app
        .send(
            Method::POST,
            "/api/v1/webinars",
            &w.enablement.1,
            add("Past one", past),
        )
        .await;
    assert_eq!(s, 201, "{body}");
    let past_id = json(&body)["id"].as_i64().expect("id");
    let (s, body) = app
        .send(
            Method::POST,
            "/api/v1/webinars",
            &w.enablement.1,
            add("Next one", next),
        )
        .await;
    assert_eq!(s, 201, "{body}");
    let next_id = json(&body)["id"].as_i64().expect("id");
    let attend = |id: i64| format!("/api/v1/webinars/{id}/attendance");
    let (s, body) = app
        .send(
            Method::PUT,
            &attend(next_id),
            &w.hire.1,
            serde_json::json!({"how": "attended"}),
        )
        .await;
    assert_eq!(s, 400, "not started yet: {body}");
    let (s, body) = app
        .send(
            Method::PUT,
            &attend(past_id),
            &w.hire.1,
            serde_json::json!({"how": "watched"}),
        )
        .await;
    assert_eq!(s, 400, "no recording yet: {body}");
    let (s, _) = app
        .send(
            Method::PUT,
            &format!("/api/v1/webinars/{next_id}/recording"),
            &w.enablement.1,
            serde_json::json!({"recording_url": "https://video.example.com/1"}),
        )
        .await;
    assert_eq!(s, 400, "a recording before the webinar");
    let (s, _) = app
        .send(
            Method::PUT,
            &format!("/api/v1/webinars/{past_id}/recording"),
            &w.hire.1,
            serde_json::json!({"recording_url": "https://video.example.com/1"}),
        )
        .await;
    assert_eq!(s, 403);
    let (s, _) = app
        .send(
            Method::PUT,
            &format!("/api/v1/webinars/{past_id}/recording"),
            &w.enablement.1,
            serde_json::json!({"recording_url": "https://video.example.com/1"}),
        )
        .await;
    assert_eq!(s, 200);
    let (s, _) = app
        .send(
            Method::PUT,
            &attend(past_id),
            &w.hire.1,
            serde_json::json!({"how": "watched"}),
        )
        .await;
    assert_eq!(s, 204);
    let (_, body) = app
        .get("/api/v1/webinars", &[("authorization", &bearer(&w.hire.1))])
        .await;
    let list = json(&body);
    assert_eq!(list["upcoming"][0]["title"], "Next one", "{body}");
    assert_eq!(list["past"][0]["mine"], "watched", "{body}");
    assert_eq!(list["can_manage"], false);
    assert_eq!(
        app.send(
            Method::PUT,
            &attend(9999),
            &w.hire.1,
            serde_json::json!({"how": "attended"})
        )
        .await
        .0,
        404
    );

    // The calendar feed carries the upcoming webinar and the expiry with its reminder.
    let catalogue = onramp_core::meeting::MeetingCatalogue::shipped();
    let feed = onramp_app::office_hours::personal_feed(&store, &catalogue, "", w.hire.0, false)
        .await
        .expect("feed");
    let unfolded = feed.replace("\r\n ", "");
    assert!(unfolded.contains("SUMMARY:Webinar: Next one"), "{feed}");
    assert!(
        unfolded.contains("GitLab Certified Git Associate expires")
            && unfolded.contains("BEGIN:VALARM"),
        "{feed}"
    );

    // Content freshness: Enablement and admins only.
    for (token, status) in [
        (&w.enablement.1, 200),
        (&w.admin.1, 200),
        (&w.hire.1, 404),
        (&w.manager.1, 404),
    ] {
        let (s, body) = app
            .get(
                "/api/v1/content/freshness",
                &[("authorization", &bearer(token))],
            )
            .await;
        assert_eq!(s, status, "{body}");
    }
    let (_, body) = app
        .get(
            "/api/v1/content/freshness?max_age_days=0",
            &[("authorization", &bearer(&w.enablement.1))],
        )
        .await;
    let report = json(&body);
    assert!(
        report["stale"].as_array().is_some_and(|s| !s.is_empty()),
        "{body}"
    );
    assert_eq!(report["handbook_imported"], false);
    let (s, _) = app
        .get(
            "/api/v1/content/freshness?max_age_days=-1",
            &[("authorization", &bearer(&w.enablement.1))],
        )
        .await;
    assert_eq!(s, 400);

    // The pages render for the right people, and the forms need the CSRF token.
    let (cookie, csrf) = session(&store, w.hire_account).await;
    let (s, page) = app
        .get(
            &format!("/onboardings/{o}/learning"),
            &[("cookie", &cookie)],
        )
        .await;
    assert_eq!(s, 200);
    assert!(
        page.contains("1/6 modules done") && page.contains("Mark read"),
        "{page}"
    );
    // A module in the handbook links to Onramp's view of the page; one on
    // another site links there.
    assert!(
        page.contains("href=\"/docs/handbook/customer-success/csm/\"")
            && page.contains("href=\"https://levelup.gitlab.com/learn/dashboard\"")
            && !page.contains("href=\"/handbook/"),
        "{page}"
    );
    let post = |path: String, form: Vec<(&'static str, String)>| {
        let req = app
            .client
            .post(app.url(&path))
            .header("cookie", &cookie)
            .form(&form);
        async move { req.send().await.expect("post").status().as_u16() }
    };
    assert_eq!(
        post(
            format!("/onboardings/{o}/learning/reading"),
            vec![("item", "gainsight".into()), ("read", "0".into())]
        )
        .await,
        403,
        "no CSRF token"
    );
    assert_eq!(
        post(
            format!("/onboardings/{o}/learning/channels"),
            vec![
                ("csrf", csrf.clone()),
                ("channel", "questions".into()),
                ("channel", "team-csm-emea".into())
            ]
        )
        .await,
        303
    );
    assert_eq!(
        store.joined_channels(w.hire.0).await.expect("joined"),
        vec!["questions".to_string(), "team-csm-emea".to_string()]
    );
    for (path, status) in [
        ("/webinars", 200),
        ("/content", 404),
        ("/access-requests", 200),
    ] {
        assert_eq!(
            app.get(path, &[("cookie", &cookie)]).await.0,
            status,
            "{path}"
        );
    }
    let (_, page) = app.get("/webinars", &[("cookie", &cookie)]).await;
    assert!(
        page.contains("Next one")
            && page.contains("you watched the recording")
            && !page.contains("Add a webinar"),
        "{page}"
    );
    let (en_cookie, _) = session_of(&store, w.enablement.0).await;
    let (_, page) = app.get("/webinars", &[("cookie", &en_cookie)]).await;
    assert!(
        page.contains("Add a webinar") && page.contains("Recording link"),
        "{page}"
    );
    let (s, page) = app
        .get("/content?max_age_days=0", &[("cookie", &en_cookie)])
        .await;
    assert_eq!(s, 200);
    assert!(
        page.contains("Stale entries") && page.contains("catalogues/pathways.yaml"),
        "{page}"
    );
}
