//! Buddies, shadow sessions, led meetings and feedback over HTTP.

use crate::common::{bearer, person, session, start, world};
use crate::on_both;
use chrono::Utc;
use onramp_core::people::Role;
use onramp_store::testing::{Backend, with_store};
use onramp_store::{Database, Store};

on_both!(buddies_meetings_and_feedback);

async fn buddies_meetings_and_feedback(store: Store, _db: Database) {
    let w = world(&store).await;
    let app = start(store.clone()).await;
    let o = w.onboarding;
    let auth = |t: &str| bearer(t);
    let json = |body: &str| -> serde_json::Value { serde_json::from_str(body).expect("json") };

    // Suggestions: the manager (and admin) see them; the hire may not; others get 404.
    let url = format!("/api/v1/onboardings/{o}/buddy-suggestions");
    let (status, body) = app
        .get(&url, &[("authorization", &auth(&w.manager.1))])
        .await;
    assert_eq!(status, 200, "{body}");
    let s = json(&body);
    assert!(
        s["candidates"].is_array() && s["excluded"].is_array(),
        "{body}"
    );
    let excluded = s["excluded"].as_array().expect("excluded");
    assert!(
        excluded
            .iter()
            .any(|e| e["email"] == "manager@example.com"
                && e["reason"] == "is the new hire's manager"),
        "{body}"
    );
    assert_eq!(
        app.get(&url, &[("authorization", &auth(&w.admin.1))])
            .await
            .0,
        200
    );
    assert_eq!(
        app.get(&url, &[("authorization", &auth(&w.hire.1))])
            .await
            .0,
        403
    );
    assert_eq!(
        app.get(&url, &[("authorization", &auth(&w.other_manager.1))])
            .await
            .0,
        404
    );

    // Assignment through the API, with history; the manager cannot be the buddy.
    let buddy_url = format!("/api/v1/onboardings/{o}/buddy");
    let (status, body) = app
        .send(
            reqwest::Method::PUT,
            &buddy_url,
            &w.manager.1,
            serde_json::json!({"email": "manager@example.com"}),
        )
        .await;
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("\"field\":\"buddy\""), "{body}");
    person(&store, "backup@example.com", &[Role::Buddy], None).await;
    let (status, _) = app
        .send(
            reqwest::Method::PUT,
            &buddy_url,
            &w.hire.1,
            serde_json::json!({"email": "backup@example.com"}),
        )
        .await;
    assert_eq!(status, 403);
    let (status, body) = app
        .send(
            reqwest::Method::PUT,
            &buddy_url,
            &w.manager.1,
            serde_json::json!({"email": "backup@example.com", "backup": true, "note": "covers"}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let history = json(&body);
    assert_eq!(history.as_array().expect("history").len(), 2, "{body}");
    assert_eq!(history[1]["backup"], true);
    // The backup buddy is one of the new hire's people, named as such.
    let (_, body) = app
        .get(
            &format!("/api/v1/onboardings/{o}"),
            &[("authorization", &crate::common::bearer(&w.hire.1))],
        )
        .await;
    let people = json(&body)["people"].clone();
    assert!(
        people
            .as_array()
            .expect("people")
            .iter()
            .any(|p| p["email"] == "backup@example.com" && p["role"] == "Backup onboarding buddy"),
        "{people}"
    );

    // Meetings: the hire records two shadowed meetings; the target task completes itself.
    let meetings_url = format!("/api/v1/onboardings/{o}/meetings");
    let today = Utc::now().date_naive().to_string();
    let shadowed = serde_json::json!({"role": "shadowed", "held_on": today, "duration_minutes": 30,
        "meeting_type": "cadence-call", "lead_email": "buddy@example.com", "account": "Globex"});
    let (status, body) = app
        .send(
            reqwest::Method::POST,
            &meetings_url,
            &w.hire.1,
            shadowed.clone(),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(json(&body)["completed_tasks"], serde_json::json!([]));
    let (_, body) = app
        .send(
            reqwest::Method::POST,
            &meetings_url,
            &w.hire.1,
            shadowed.clone(),
        )
        .await;
    assert_eq!(
        json(&body)["completed_tasks"],
        serde_json::json!(["s"]),
        "{body}"
    );
    // Bad input names the field and changes nothing.
    for (field, change) in [
        ("role", serde_json::json!({"role": "watched"})),
        ("held_on", serde_json::json!({"held_on": "2999-01-01"})),
        (
            "duration_minutes",
            serde_json::json!({"duration_minutes": 0}),
        ),
        ("meeting_type", serde_json::json!({"meeting_type": "party"})),
        (
            "lead_email",
            serde_json::json!({"lead_email": "nobody@example.com"}),
        ),
    ] {
        let mut body = shadowed.clone();
        for (k, v) in change.as_object().expect("object") {
            body[k] = v.clone();
        }
        let (status, text) = app
            .send(reqwest::Method::POST, &meetings_url, &w.hire.1, body)
            .await;
        assert_eq!(status, 400, "{field}: {text}");
        assert!(text.contains(&format!("\"field\":\"{field}\"")), "{text}");
    }
    let (_, body) = app
        .get(
            &format!("/api/v1/onboardings/{o}"),
            &[("authorization", &auth(&w.hire.1))],
        )
        .await;
    assert_eq!(json(&body)["graduation"][0]["met"], true, "{body}");
    // People Connect may read the onboarding but not record its meetings.
    assert_eq!(
        app.send(
            reqwest::Method::POST,
            &meetings_url,
            &w.people_connect.1,
            shadowed.clone()
        )
        .await
        .0,
        403
    );

    // A led meeting observed by the buddy; the buddy gives feedback.
    let (status, body) = app.send(reqwest::Method::POST, &meetings_url, &w.hire.1, serde_json::json!({"role": "led", "held_on": today, "duration_minutes": 45,
        "meeting_type": "onboarding-call", "observer_email": "buddy@example.com", "account": "Initech"})).await;
    assert_eq!(status, 201, "{body}");
    let meeting = json(&body)["meeting"]["id"].as_i64().expect("id");
    let feedback_url = format!("/api/v1/onboardings/{o}/meetings/{meeting}/feedback");
    let feedback = serde_json::json!({"went_well": "Clear agenda", "to_improve": "Confirm next steps in writing",
        "ratings": {"agenda": 4, "next-steps": 2}});
    assert_eq!(
        app.send(
            reqwest::Method::PUT,
            &feedback_url,
            &w.people_connect.1,
            feedback.clone()
        )
        .await
        .0,
        403
    );
    assert_eq!(
        app.send(
            reqwest::Method::PUT,
            &feedback_url,
            &w.other_manager.1,
            feedback.clone()
        )
        .await
        .0,
        404
    );
    let (status, body) = app
        .send(
            reqwest::Method::PUT,
            &feedback_url,
            &w.buddy.1,
            serde_json::json!({"went_well": "x", "to_improve": "y", "ratings": {"agenda": 9}}),
        )
        .await;
    assert_eq!(status, 400);
    assert!(body.contains("\"field\":\"ratings\""), "{body}");
    let (status, body) = app
        .send(
            reqwest::Method::PUT,
            &feedback_url,
            &w.buddy.1,
            feedback.clone(),
        )
        .await;
    assert_eq!(status, 200, "{body}");

    // Who sees the feedback: the hire, the buddy, the manager; nobody else.
    let log_url = format!("/api/v1/onboardings/{o}/meetings");
    for (who, token, sees) in [
        ("hire", &w.hire.1, true),
        ("buddy", &w.buddy.1, true),
        ("manager", &w.manager.1, true),
        ("people connect", &w.people_connect.1, false),
        ("enablement", &w.enablement.1, false),
        ("admin", &w.admin.1, false),
    ] {
        let (status, body) = app.get(&log_url, &[("authorization", &auth(token))]).await;
        assert_eq!(status, 200, "{who}: {body}");
        assert_eq!(body.contains("Confirm next steps"), sees, "{who}: {body}");
        assert_eq!(json(&body)["feedback_visible"], sees, "{who}");
    }
    assert_eq!(
        app.get(&log_url, &[("authorization", &auth(&w.other_hire.1))])
            .await
            .0,
        404
    );
    let (_, body) = app
        .get(&log_url, &[("authorization", &auth(&w.hire.1))])
        .await;
    let log = json(&body);
    assert_eq!(log["led"][0]["number"], 1);
    assert_eq!(log["trend"], serde_json::json!([[1, 3.0]]));
    assert_eq!(log["shadowed"].as_array().expect("shadowed").len(), 2);

    // The page shows the chart to the hire and hides feedback from People Connect.
    let (cookie, _) = session(&store, w.hire_account).await;
    let (status, body) = app
        .get(
            &format!("/onboardings/{o}/meetings"),
            &[("cookie", &cookie)],
        )
        .await;
    assert_eq!(status, 200);
    assert!(
        body.contains("<svg class=\"trend\"") && body.contains("Confirm next steps"),
        "{body}"
    );
    app.stop().await;
}
