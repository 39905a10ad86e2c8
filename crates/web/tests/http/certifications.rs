//! Certification evidence: the new hire gives a pass with evidence, the
//! manager is told and reviews it (approve, or return with a note), the new
//! hire is told; over the API and the learning page.

use crate::common::{session_of, start, world};
use crate::notify::inbox;
use crate::on_both;
use chrono::Utc;
use onramp_store::testing::{Backend, with_store};
use onramp_store::{Database, Store};
use reqwest::Method;

on_both!(certification_evidence_is_reviewed_by_the_manager);

async fn certification_evidence_is_reviewed_by_the_manager(store: Store, _db: Database) {
    let w = world(&store).await;
    let app = start(store.clone()).await;
    let o = w.onboarding;
    let record = format!("/api/v1/onboardings/{o}/learning/certifications/git-associate");
    let review = format!("{record}/review");
    let today = Utc::now().date_naive().to_string();
    let review_of = |body: &str| -> serde_json::Value {
        let v: serde_json::Value = serde_json::from_str(body).expect("json");
        v.as_array()
            .expect("records")
            .iter()
            .find(|r| r["certification_id"] == "git-associate")
            .map(|r| r["review"].clone())
            .expect("record")
    };

    // A plan alone is not evidence: nobody is told.
    let (status, body) = app
        .send(
            Method::PUT,
            &record,
            &w.hire.1,
            serde_json::json!({"planned_on": today}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert!(review_of(&body).is_null(), "{body}");
    assert!(
        inbox(&app, &w.manager.1)
            .await
            .iter()
            .all(|(kind, _, _)| kind != "certification-submitted")
    );

    // A pass with evidence waits for the manager, who is told.
    let (status, body) = app
        .send(
            Method::PUT,
            &record,
            &w.hire.1,
            serde_json::json!({"passed_on": today, "evidence_url": "https://credly.example.com/b/1"}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(review_of(&body), "submitted");
    let (kind, message, link) = inbox(&app, &w.manager.1).await.remove(0);
    assert_eq!(kind, "certification-submitted");
    assert!(message.starts_with("hire passed "), "{message}");
    assert_eq!(
        link,
        format!("/onboardings/{o}/learning#certification-git-associate")
    );
    for token in [&w.buddy.1, &w.people_connect.1, &w.other_manager.1] {
        assert!(
            inbox(&app, token)
                .await
                .iter()
                .all(|(k, _, _)| k != "certification-submitted"),
            "only the manager reviews"
        );
    }
    let panels = |token: String| {
        let app = &app;
        async move {
            let (_, body) = app
                .send(
                    Method::GET,
                    "/api/v1/me/panels",
                    &token,
                    serde_json::json!(null),
                )
                .await;
            serde_json::from_str::<serde_json::Value>(&body).expect("json")
        }
    };
    assert_eq!(panels(w.manager.1.clone()).await["team"][0]["evidence"], 1);

    // Only the manager reviews; a return needs a note; a bad decision names its field.
    let (status, _) = app
        .send(
            Method::POST,
            &review,
            &w.buddy.1,
            serde_json::json!({"decision": "approve"}),
        )
        .await;
    assert_eq!(status, 403);
    for (body, field) in [
        (serde_json::json!({"decision": "return"}), "note"),
        (serde_json::json!({"decision": "maybe"}), "decision"),
    ] {
        let (status, answer) = app.send(Method::POST, &review, &w.manager.1, body).await;
        assert_eq!(status, 400, "{answer}");
        assert!(
            answer.contains(&format!("\"field\":\"{field}\"")),
            "{answer}"
        );
    }
    let (status, body) = app
        .send(
            Method::POST,
            &review,
            &w.manager.1,
            serde_json::json!({"decision": "return", "note": "The badge link is private"}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(review_of(&body), "returned");
    let (kind, message, _) = inbox(&app, &w.hire.1).await.remove(0);
    assert_eq!(kind, "certification-reviewed");
    assert!(
        message.contains("returned your evidence") && message.contains("The badge link is private"),
        "{message}"
    );
    // Reviewed once: a second review is a conflict.
    let (status, _) = app
        .send(
            Method::POST,
            &review,
            &w.manager.1,
            serde_json::json!({"decision": "approve"}),
        )
        .await;
    assert_eq!(status, 409);

    // New evidence goes back to the manager, who approves it on the page.
    let (status, body) = app
        .send(
            Method::PUT,
            &record,
            &w.hire.1,
            serde_json::json!({"evidence_url": "https://credly.example.com/b/2"}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(review_of(&body), "submitted");
    let (cookie, csrf) = session_of(&store, w.manager.0).await;
    let (_, page) = app
        .get(
            &format!("/onboardings/{o}/learning"),
            &[("cookie", &cookie)],
        )
        .await;
    assert!(
        page.contains("waiting for the manager") && page.contains("value=\"approve\""),
        "{page}"
    );
    let res = app
        .client
        .post(app.url(&format!(
            "/onboardings/{o}/learning/certifications/git-associate/review"
        )))
        .header("cookie", &cookie)
        .form(&[("decision", "approve"), ("note", ""), ("csrf", &csrf)])
        .send()
        .await
        .expect("post");
    assert_eq!(res.status().as_u16(), 303);
    assert_eq!(
        res.headers()["location"],
        format!("/onboardings/{o}/learning#certification-git-associate").as_str()
    );
    let (kind, message, _) = inbox(&app, &w.hire.1).await.remove(0);
    assert_eq!(kind, "certification-reviewed");
    assert!(message.contains("approved your evidence"), "{message}");
    assert_eq!(panels(w.manager.1.clone()).await["team"][0]["evidence"], 0);
    let (cookie, _) = session_of(&store, w.hire.0).await;
    let (_, page) = app
        .get(
            &format!("/onboardings/{o}/learning"),
            &[("cookie", &cookie)],
        )
        .await;
    assert!(page.contains("approved"), "{page}");
    assert!(
        !page.contains("value=\"approve\""),
        "the new hire does not review their own evidence"
    );
    app.stop().await;
}
