//! Office hours over HTTP: questions, votes, answers, anonymity and calendar feeds.

use crate::common::{bearer, person, session, start, world};
use crate::on_both;
use chrono::Utc;
use onramp_core::people::Role;
use onramp_store::testing::{Backend, with_store};
use onramp_store::{Database, Store};

on_both!(office_hours_votes_answers_and_anonymity);

async fn office_hours_votes_answers_and_anonymity(store: Store, _db: Database) {
    let w = world(&store).await;
    let app = start(store.clone()).await;
    let json = |body: &str| -> serde_json::Value { serde_json::from_str(body).expect("json") };
    let now = Utc::now();
    let start = (now - chrono::Duration::days(7)).naive_utc();
    let series = store
        .create_office_hours(
            Some(w.enablement.0),
            "Office hours",
            &onramp_core::calendar::Recurrence {
                rrule: "FREQ=DAILY".into(),
                start: start
                    - chrono::Duration::seconds(i64::from(start.and_utc().timestamp() as i32 % 60)),
                time_zone: "UTC".into(),
                duration_minutes: 30,
                cancelled: vec![],
            },
            "https://meet.example.com/oh",
            Some(w.enablement.0),
        )
        .await
        .expect("series");
    let (zelda, zelda_acc) = person(&store, "zelda.quux@example.com", &[Role::NewHire], None).await;
    let zelda_token = crate::common::token(&store, zelda_acc, "write").await;
    let ask = format!("/api/v1/office-hours/{}/questions", series.id);
    // Bad input names the field.
    let (status, body) = app
        .send(
            reqwest::Method::POST,
            &ask.clone(),
            &zelda_token,
            serde_json::json!({"body": "  "}),
        )
        .await;
    assert_eq!(status, 400);
    assert!(body.contains("\"field\":\"question\""), "{body}");
    let (status, body) = app
        .send(
            reqwest::Method::POST,
            &ask.clone(),
            &zelda_token,
            serde_json::json!({"body": "x", "session": 12345}),
        )
        .await;
    assert_eq!(status, 400);
    assert!(body.contains("\"field\":\"session\""), "{body}");
    assert_eq!(
        app.send(
            reqwest::Method::POST,
            &ask.clone(),
            "",
            serde_json::json!({"body": "x"})
        )
        .await
        .0,
        401
    );

    // An anonymous question: the author sees a note; nobody sees the name, Enablement included.
    let (status, body) = app
        .send(
            reqwest::Method::POST,
            &ask.clone(),
            &zelda_token,
            serde_json::json!({"body": "Is it fine to mute channels?", "anonymous": true}),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let q = json(&body);
    let qid = q["id"].as_i64().expect("id");
    assert!(
        q["author"].is_null()
            && q["author_note"]
                .as_str()
                .expect("note")
                .starts_with("You asked this anonymously")
    );
    for (who, token, sees) in [
        ("enablement", &w.enablement.1, false),
        ("other hire", &w.other_hire.1, false),
        ("manager", &w.manager.1, false),
        ("admin", &w.admin.1, false),
    ] {
        let (status, body) = app
            .get("/api/v1/office-hours", &[("authorization", &bearer(token))])
            .await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body.to_lowercase().contains("zelda"), sees, "{who}: {body}");
        let (_, page) = app
            .get(
                &format!("/api/v1/office-hours/questions/{qid}"),
                &[("authorization", &bearer(token))],
            )
            .await;
        assert_eq!(page.to_lowercase().contains("zelda"), sees, "{who}: {page}");
    }
    let (cookie, _) = session(&store, w.hire_account).await;
    let (status, page) = app.get("/office-hours", &[("cookie", &cookie)]).await;
    assert_eq!(status, 200);
    assert!(
        page.contains("Is it fine to mute channels?") && !page.to_lowercase().contains("zelda"),
        "{page}"
    );

    // Unanswered questions of a past session roll over to the next one.
    let past = series
        .recurrence()
        .occurrences(
            now - chrono::Duration::days(3),
            now - chrono::Duration::days(1),
            1,
        )
        .expect("sessions")[0];
    store
        .add_question(w.hire.0, series.id, past, "Left over from last time", false)
        .await
        .expect("old question");
    let (_, body) = app
        .get(
            "/api/v1/office-hours",
            &[("authorization", &bearer(&w.hire.1))],
        )
        .await;
    let agenda = json(&body)[0]["agenda"].clone();
    let old = agenda
        .as_array()
        .expect("agenda")
        .iter()
        .find(|q| q["body"] == "Left over from last time")
        .expect("rolled over");
    assert_eq!(old["rolled_over"], true);

    // Votes: one per person, counted exactly under concurrent requests.
    let mut tokens = Vec::new();
    for n in 0..12 {
        let (_, acc) = person(
            &store,
            &format!("voter{n}@example.com"),
            &[Role::NewHire],
            None,
        )
        .await;
        tokens.push(crate::common::token(&store, acc, "write").await);
    }
    let vote_url = app.url(&format!("/api/v1/office-hours/questions/{qid}/vote"));
    let mut handles = Vec::new();
    for t in tokens
        .iter()
        .cloned()
        .chain(std::iter::repeat_n(tokens[0].clone(), 8))
    {
        let client = app.client.clone();
        let url = vote_url.clone();
        handles.push(tokio::spawn(async move {
            client
                .post(url)
                .header("authorization", bearer(&t))
                .json(&serde_json::json!({}))
                .send()
                .await
                .expect("vote")
                .status()
                .as_u16()
        }));
    }
    for h in handles {
        assert_eq!(h.await.expect("task"), 200);
    }
    assert_eq!(store.question(qid).await.expect("q").expect("q").votes, 12);
    let (_, body) = app
        .send(
            reqwest::Method::POST,
            &format!("/api/v1/office-hours/questions/{qid}/vote"),
            &tokens[0],
            serde_json::json!({"up": false}),
        )
        .await;
    assert_eq!(json(&body)["votes"], 11);

    // Answering: the host may, a new hire may not; the answer becomes searchable.
    let answer = format!("/api/v1/office-hours/questions/{qid}/answer");
    assert_eq!(
        app.send(
            reqwest::Method::POST,
            &answer.clone(),
            &w.hire.1,
            serde_json::json!({"answer": "no"})
        )
        .await
        .0,
        403
    );
    let (status, body) = app
        .send(
            reqwest::Method::POST,
            &answer.clone(),
            &w.enablement.1,
            serde_json::json!({"links": ["javascript:alert(1)"], "answer": "x"}),
        )
        .await;
    assert_eq!(status, 400);
    assert!(body.contains("\"field\":\"links\""), "{body}");
    let (status, body) = app
        .send(
            reqwest::Method::POST,
            &answer.clone(),
            &w.enablement.1,
            serde_json::json!({
        "answer": "Yes: mute the busy **announcement** channels, keep your team's.",
        "links": ["/handbook/communication/chat/"]}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(json(&body)["status"], "answered");
    let (_, body) = app
        .get(
            "/api/v1/search?q=mute+channels",
            &[("authorization", &bearer(&w.other_hire.1))],
        )
        .await;
    let hits = json(&body);
    assert_eq!(hits["results"][0]["kind"], "answer", "{body}");
    assert_eq!(
        hits["results"][0]["view_url"],
        format!("/office-hours/questions/{qid}")
    );
    assert!(!body.to_lowercase().contains("zelda"), "{body}");
    let (_, page) = app
        .get(
            &format!("/office-hours/questions/{qid}"),
            &[("cookie", &cookie)],
        )
        .await;
    assert!(
        page.contains("<strong>announcement</strong>")
            && page.contains("/docs/handbook/communication/chat/"),
        "{page}"
    );
    // A later duplicate points to it.
    let (_, body) = app
        .send(
            reqwest::Method::POST,
            &ask.clone(),
            &w.other_hire.1,
            serde_json::json!({"body": "Can I mute Slack channels?"}),
        )
        .await;
    let dup = json(&body)["id"].as_i64().expect("id");
    let (status, body) = app
        .send(
            reqwest::Method::POST,
            &format!("/api/v1/office-hours/questions/{dup}/answer"),
            &w.enablement.1,
            serde_json::json!({"duplicate_of": qid}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(json(&body)["duplicate_of"], qid);

    // Calendar feeds by secret address; revoking stops them.
    let secret = store.rotate_calendar_token(zelda).await.expect("token");
    let (status, ics) = app.get(&format!("/calendar/{secret}.ics"), &[]).await;
    assert_eq!(status, 200);
    assert!(
        ics.starts_with("BEGIN:VCALENDAR")
            && ics.contains(&format!("office-hours-{}@onramp", series.id))
    );
    assert!(
        !ics.to_lowercase().contains("zelda") && !ics.contains("mute"),
        "{ics}"
    );
    assert_eq!(
        app.get(&format!("/calendar/{secret}/office-hours.ics"), &[])
            .await
            .0,
        200
    );
    assert_eq!(app.get("/calendar/not-a-secret.ics", &[]).await.0, 404);
    store.revoke_calendar_token(zelda).await.expect("revoke");
    assert_eq!(
        app.get(&format!("/calendar/{secret}.ics"), &[]).await.0,
        404
    );

    // "Add to calendar" for a real session only.
    let (_, body) = app
        .get(
            "/api/v1/office-hours",
            &[("authorization", &bearer(&w.hire.1))],
        )
        .await;
    let ics_url = json(&body)[0]["upcoming"][0]["ics_url"]
        .as_str()
        .expect("ics")
        .to_string();
    let (status, one) = app.get(&ics_url, &[("cookie", &cookie)]).await;
    assert_eq!(status, 200);
    assert!(
        one.contains("BEGIN:VEVENT") && !one.contains("RRULE"),
        "{one}"
    );
    assert_eq!(
        app.get(
            &format!("/office-hours/{}/sessions/123.ics", series.id),
            &[("cookie", &cookie)]
        )
        .await
        .0,
        404
    );
    // Cancelling a session: the host may, a new hire may not; it leaves the schedule.
    let next = json(&body)[0]["upcoming"][1]["start"]
        .as_str()
        .expect("start")
        .to_string();
    let ts = chrono::DateTime::parse_from_rfc3339(&next)
        .expect("time")
        .timestamp();
    let cancel_url = app.url(&format!("/office-hours/{}/cancel/{ts}", series.id));
    let (hire_cookie, hire_csrf) = session(&store, w.hire_account).await;
    let res = app
        .client
        .post(&cancel_url)
        .header("cookie", &hire_cookie)
        .form(&[("csrf", hire_csrf.as_str())])
        .send()
        .await
        .expect("post");
    let status = res.status().as_u16();
    assert_eq!(
        status,
        403,
        "{cancel_url}: {}",
        res.text().await.expect("body")
    );
    let host = store
        .account_of_person(w.enablement.0)
        .await
        .expect("account")
        .expect("account");
    let (host_cookie, host_csrf) = session(&store, host.id).await;
    let res = app
        .client
        .post(&cancel_url)
        .header("cookie", &host_cookie)
        .form(&[("csrf", host_csrf.as_str())])
        .send()
        .await
        .expect("post");
    assert_eq!(res.status().as_u16(), 303);
    let (_, body) = app
        .get(
            "/api/v1/office-hours",
            &[("authorization", &bearer(&w.hire.1))],
        )
        .await;
    assert!(
        json(&body)[0]["upcoming"]
            .as_array()
            .expect("upcoming")
            .iter()
            .all(|u| u["start"] != next.as_str()),
        "{body}"
    );
    app.stop().await;
}
