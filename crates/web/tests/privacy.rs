//! Nothing is shown to a person they may not see: anonymous questions name
//! no asker anywhere (audit API and CSV export included, even for admins),
//! and an @mention reaches only people who may see the onboarding, while
//! the writer is told who was not notified and why.

mod common;

use common::{App, person, session, start, world};
use onramp_core::people::Role;
use onramp_store::testing::{Backend, with_store};
use onramp_store::{Database, Store};

on_both!(
    anonymous_questions_name_no_asker_even_to_admins,
    mentions_reach_only_people_who_may_see_the_onboarding,
);

fn json(body: &str) -> serde_json::Value {
    serde_json::from_str(body).expect("json")
}

async fn anonymous_questions_name_no_asker_even_to_admins(store: Store, _db: Database) {
    let w = world(&store).await;
    let app = start(store.clone()).await;
    let series = common::office_hours(
        &store,
        Some(w.enablement.0),
        "Office hours",
        "FREQ=WEEKLY",
        (chrono::Utc::now() - chrono::Duration::days(1)).naive_utc(),
    )
    .await;
    let (status, body) = app
        .send(
            reqwest::Method::POST,
            &format!("/api/v1/office-hours/{series}/questions"),
            &w.hire.1,
            serde_json::json!({"body": "Is it fine to ask about my pay here?", "anonymous": true}),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let question = json(&body)["id"].as_i64().expect("id");

    // Votes are for other people's questions.
    let vote = |token: String| {
        let app = &app;
        async move {
            app.send(
                reqwest::Method::POST,
                &format!("/api/v1/office-hours/questions/{question}/vote"),
                &token,
                serde_json::json!({"up": true}),
            )
            .await
        }
    };
    let (status, body) = vote(w.hire.1.clone()).await;
    assert_eq!(status, 403, "{body}");
    let (status, body) = vote(w.manager.1.clone()).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(json(&body)["votes"], 1);

    // The audit API, as an admin: the question is there, its asker is not.
    let (status, body) = app
        .send(
            reqwest::Method::GET,
            "/api/v1/audit",
            &w.admin.1,
            serde_json::json!(null),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let events = json(&body);
    let ask = events
        .as_array()
        .expect("events")
        .iter()
        .find(|e| e["entity"] == "question" && e["entity_id"] == question)
        .expect("the question is audited");
    assert_eq!(ask["action"], "ask");
    assert!(ask["actor_id"].is_null(), "{ask}");
    let mut keys: Vec<&String> = ask["new_value"]
        .as_object()
        .expect("new value")
        .keys()
        .collect();
    keys.sort();
    assert_eq!(
        keys,
        ["anonymous", "series", "session"],
        "nor in its values"
    );

    // The CSV export, as an admin.
    let admin_account = store
        .list_accounts()
        .await
        .expect("accounts")
        .into_iter()
        .find(|a| a.email == "admin@example.com")
        .expect("admin");
    let (cookie, _) = session(&store, admin_account.id).await;
    let (status, csv) = app.get("/audit?format=csv", &[("cookie", &cookie)]).await;
    assert_eq!(status, 200);
    let line = csv
        .lines()
        .find(|l| l.contains(",\"ask\",\"question\"") || l.contains(",ask,question,"))
        .unwrap_or_else(|| panic!("the ask is exported: {csv}"));
    let actor = line.split(',').nth(2).expect("actor column");
    assert!(
        actor.is_empty() || actor == "\"\"",
        "no actor for an anonymous question: {line}"
    );

    // The question itself, as an admin: no author.
    let (status, body) = app
        .send(
            reqwest::Method::GET,
            &format!("/api/v1/office-hours/questions/{question}"),
            &w.admin.1,
            serde_json::json!(null),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert!(
        !body.contains("hire@example.com")
            && !body.contains(&format!("\"author_id\":{}", w.hire.0)),
        "{body}"
    );
    app.stop().await;
}

async fn mentions_reach_only_people_who_may_see_the_onboarding(store: Store, _db: Database) {
    let w = world(&store).await;
    let app = start(store.clone()).await;
    let comment = |token: String, text: &'static str| {
        let app: &App = &app;
        async move {
            let form = reqwest::multipart::Form::new().text("body", text);
            let res = app
                .client
                .post(app.url(&format!("/api/v1/onboardings/{}/comments", w.onboarding)))
                .header("authorization", format!("Bearer {token}"))
                .multipart(form)
                .send()
                .await
                .expect("comment");
            let status = res.status().as_u16();
            (status, res.text().await.expect("body"))
        }
    };
    // other.manager manages someone else: not told, and the writer learns why.
    let (status, body) = comment(
        w.hire.1.clone(),
        "Could @manager and @other.manager look at this? Also @no.such.person",
    )
    .await;
    assert_eq!(status, 201, "{body}");
    let created = json(&body);
    let mut not_notified: Vec<(String, String)> = created["not_notified"]
        .as_array()
        .expect("not_notified")
        .iter()
        .map(|n| {
            (
                n["mention"].as_str().expect("mention").to_string(),
                n["reason"].as_str().expect("reason").to_string(),
            )
        })
        .collect();
    not_notified.sort();
    assert_eq!(
        not_notified,
        vec![
            ("no.such.person".to_string(), "no-such-person".to_string()),
            ("other.manager".to_string(), "cannot-see".to_string()),
        ]
    );
    let inbox = |token: String| {
        let app: &App = &app;
        async move {
            let (status, body) = app
                .send(
                    reqwest::Method::GET,
                    "/api/v1/notifications",
                    &token,
                    serde_json::json!(null),
                )
                .await;
            assert_eq!(status, 200, "{body}");
            body
        }
    };
    let theirs = inbox(w.other_manager.1.clone()).await;
    assert!(
        !theirs.contains("look at this"),
        "the comment text never leaks: {theirs}"
    );
    assert!(inbox(w.manager.1.clone()).await.contains("look at this"));

    // The page says it next to the comments after posting.
    let (cookie, csrf) = session(&store, w.hire_account).await;
    let form = reqwest::multipart::Form::new()
        .text("csrf", csrf)
        .text("body", "Ping @other.manager");
    let res = app
        .client
        .post(app.url(&format!("/onboardings/{}/comments", w.onboarding)))
        .header("cookie", &cookie)
        .multipart(form)
        .send()
        .await
        .expect("post");
    assert_eq!(res.status().as_u16(), 303);
    let location = res
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .expect("location")
        .to_string();
    assert!(
        location.contains("unreached=other.manager%3Acannot-see"),
        "{location}"
    );
    let (status, page) = app.get(&location, &[("cookie", &cookie)]).await;
    assert_eq!(status, 200);
    assert!(
        page.contains("@other.manager was not notified: they may not see this onboarding."),
        "{page}"
    );
    // A forged query shows nothing it cannot name.
    let (_, page) = app
        .get(
            &format!(
                "/onboardings/{}?unreached=%3Cscript%3E:cannot-see,x:bogus",
                w.onboarding
            ),
            &[("cookie", &cookie)],
        )
        .await;
    assert!(!page.contains("was not notified"), "{page}");

    // People Connect may read every onboarding: a mention reaches them.
    let (_, pc_account) = person(
        &store,
        "pat.connect@example.com",
        &[Role::PeopleConnect],
        None,
    )
    .await;
    let pc_token = common::token(&store, pc_account, "read").await;
    let (status, body) = comment(w.hire.1.clone(), "Thanks @pat.connect").await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(json(&body)["not_notified"], serde_json::json!([]));
    assert!(inbox(pc_token).await.contains("Thanks @pat.connect"));
    app.stop().await;
}
