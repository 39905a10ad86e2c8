//! Ramp analytics over HTTP: each person sees the onboardings they may.

use crate::common::{bearer, session_of, start, world};
use crate::on_both;
use onramp_store::testing::{Backend, with_store};
use onramp_store::{Database, Store};

on_both!(
    ramp_and_risk_show_each_role_what_it_may_see,
    the_ramp_page_and_its_csv,
    an_acknowledged_signal_stops_counting,
    program_analytics_show_how_each_task_fares,
    levels_are_recorded_with_their_history_and_shown_where_people_look,
    two_cohorts_side_by_side,
    a_finished_onboarding_is_read_from_its_snapshot_until_it_changes
);

async fn ramp_and_risk_show_each_role_what_it_may_see(store: Store, _db: Database) {
    let w = world(&store).await;
    let app = start(store.clone()).await;
    let get = |path: String, token: String| {
        let req = app
            .client
            .get(app.url(&path))
            .header("authorization", bearer(&token));
        async move {
            let res = req.send().await.expect("get");
            let status = res.status().as_u16();
            let body: serde_json::Value =
                serde_json::from_str(&res.text().await.expect("body")).unwrap_or_default();
            (status, body)
        }
    };
    let ids = |body: &serde_json::Value, list: &str| -> Vec<i64> {
        body[list]
            .as_array()
            .or_else(|| body.as_array())
            .expect("a list")
            .iter()
            .filter_map(|o| o["onboarding_id"].as_i64())
            .collect()
    };
    // People Connect sees every onboarding, grouped by month of start.
    let (status, all) = get(
        "/api/v1/analytics/ramp?by=month".into(),
        w.people_connect.1.clone(),
    )
    .await;
    assert_eq!(status, 200, "{all}");
    assert_eq!(all["by"], "month");
    let seen = ids(&all, "onboardings");
    assert!(
        seen.contains(&w.onboarding) && seen.contains(&w.other_onboarding),
        "{all}"
    );
    let cohort = &all["cohorts"][0];
    assert!(
        cohort["onboardings"].as_u64().is_some_and(|n| n >= 1),
        "{all}"
    );
    assert_eq!(cohort["milestones"][0]["key"], "first-shadowed", "{all}");
    // A manager sees their report only; another manager not theirs.
    let (_, mine) = get("/api/v1/analytics/ramp".into(), w.manager.1.clone()).await;
    assert_eq!(ids(&mine, "onboardings"), vec![w.onboarding], "{mine}");
    let (_, theirs) = get("/api/v1/analytics/ramp".into(), w.other_manager.1.clone()).await;
    assert!(
        !ids(&theirs, "onboardings").contains(&w.onboarding),
        "{theirs}"
    );
    // The risk list: levels and reasons in words.
    let (status, risk) = get("/api/v1/analytics/risk".into(), w.manager.1.clone()).await;
    assert_eq!(status, 200, "{risk}");
    assert_eq!(ids(&risk, ""), vec![w.onboarding], "{risk}");
    let level = risk[0]["level"].as_str().expect("level");
    assert!(["on-track", "watch", "at-risk"].contains(&level), "{risk}");
    // A wrong grouping names the parameter; a new hire may not look.
    let (status, body) = get(
        "/api/v1/analytics/ramp?by=weekday".into(),
        w.people_connect.1.clone(),
    )
    .await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["field"], "by", "{body}");
    assert_eq!(
        get("/api/v1/analytics/risk".into(), w.hire.1.clone())
            .await
            .0,
        403
    );
    app.stop().await;
}

async fn the_ramp_page_and_its_csv(store: Store, _db: Database) {
    let w = world(&store).await;
    let app = start(store.clone()).await;
    let (cookie, _) = session_of(&store, w.people_connect.0).await;
    let (status, page) = app
        .get(
            "/analytics?by=month&milestone=first-led",
            &[("cookie", &cookie)],
        )
        .await;
    assert_eq!(status, 200, "{page}");
    assert!(
        page.contains("<h1>Ramp</h1>")
            && page.contains("Time to: First customer meeting led")
            && page.contains("Who needs attention")
            && page.contains(r#"<option value="month" selected>month</option>"#)
            && page.contains(r#"<a href="/analytics">Ramp</a>"#),
        "{page}"
    );
    let (status, csv) = app
        .get("/analytics.csv?by=segment", &[("cookie", &cookie)])
        .await;
    assert_eq!(status, 200);
    assert!(
        csv.starts_with("cohort,onboardings,milestone,reached,min,q1,median,q3,max\n"),
        "{csv}"
    );
    // A grouping that does not exist names the field; a new hire has no such page.
    let (status, page) = app
        .get("/analytics?by=weekday", &[("cookie", &cookie)])
        .await;
    assert_eq!(status, 400, "{page}");
    let (hire, _) = session_of(&store, w.hire.0).await;
    let (status, page) = app.get("/analytics", &[("cookie", &hire)]).await;
    assert_eq!(status, 403, "{page}");
    assert!(
        !page.contains(r#"<a href="/analytics">Ramp</a>"#),
        "no link for them either"
    );
    app.stop().await;
}

/// A report of the world's manager who started two months ago and did
/// nothing since: their onboarding.
async fn late_hire(store: &Store, w: &crate::common::World) -> i64 {
    let (late, _) = crate::common::person(
        store,
        "late.hire@example.com",
        &[onramp_core::people::Role::NewHire],
        Some(w.manager.0),
    )
    .await;
    let version = store
        .onboarding(w.onboarding)
        .await
        .expect("o")
        .program_version_id;
    store
        .create_onboarding(
            None,
            &onramp_store::NewOnboarding {
                person_id: late,
                program_version_id: version,
                start_date: chrono::Utc::now().date_naive() - chrono::Duration::days(60),
                manager_id: Some(w.manager.0),
                people_connect_id: None,
                enablement_id: None,
                buddy_id: None,
            },
            &onramp_core::schedule::WorkCalendar::default(),
        )
        .await
        .expect("onboarding")
        .id
}

async fn an_acknowledged_signal_stops_counting(store: Store, _db: Database) {
    let w = world(&store).await;
    let app = start(store.clone()).await;
    let o = late_hire(&store, &w).await;
    let risk = || async {
        let (status, body) = app
            .get(
                "/api/v1/analytics/risk",
                &[("authorization", &bearer(&w.manager.1))],
            )
            .await;
        assert_eq!(status, 200, "{body}");
        let rows: serde_json::Value = serde_json::from_str(&body).expect("json");
        rows.as_array()
            .expect("rows")
            .iter()
            .find(|r| r["onboarding_id"] == o)
            .cloned()
            .expect("the late hire is listed")
    };
    let before = risk().await;
    let kind = before["signals"][0]["kind"]
        .as_str()
        .expect("the late hire has signals")
        .to_string();
    let ack = |token: String, kind: String, note: &'static str| {
        let req = app
            .client
            .post(app.url(&format!(
                "/api/v1/onboardings/{o}/signals/{kind}/acknowledgement"
            )))
            .header("authorization", bearer(&token))
            .json(&serde_json::json!({ "note": note }));
        async move {
            let res = req.send().await.expect("post");
            (res.status().as_u16(), res.text().await.expect("body"))
        }
    };
    // Refused: an empty note, an unknown signal, someone else's report.
    let (status, body) = ack(w.manager.1.clone(), kind.clone(), "  ").await;
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("\"field\":\"note\""), "{body}");
    let (status, body) = ack(w.manager.1.clone(), "bad-weather".into(), "noted").await;
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("\"field\":\"signal\""), "{body}");
    assert_eq!(
        ack(w.other_manager.1.clone(), kind.clone(), "noted")
            .await
            .0,
        404
    );

    let (status, body) = ack(
        w.manager.1.clone(),
        kind.clone(),
        "Talked it through on Monday",
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let after = risk().await;
    let still: Vec<&str> = after["signals"]
        .as_array()
        .expect("signals")
        .iter()
        .filter_map(|s| s["kind"].as_str())
        .collect();
    assert!(!still.contains(&kind.as_str()), "{after}");
    assert_eq!(after["acknowledged"][0]["kind"], kind.as_str(), "{after}");
    assert_eq!(
        after["acknowledged"][0]["note"],
        "Talked it through on Monday"
    );
    assert_eq!(after["acknowledged"][0]["by"], "manager", "{after}");
    assert!(
        after["signals"].as_array().map_or(0, Vec::len)
            < before["signals"].as_array().map_or(0, Vec::len),
        "one fewer counts"
    );
    // On the page, with the note and who acknowledged it.
    let (cookie, _) = crate::common::session_of(&store, w.manager.0).await;
    let (_, page) = app.get("/analytics", &[("cookie", &cookie)]).await;
    assert!(
        page.contains("Acknowledged by manager") && page.contains("Talked it through on Monday"),
        "{page}"
    );
    app.stop().await;
}

async fn program_analytics_show_how_each_task_fares(store: Store, _db: Database) {
    use crate::common::task;
    let w = world(&store).await;
    let app = start(store.clone()).await;
    let act = |token: String, path: String, body: serde_json::Value| {
        let req = app
            .client
            .post(app.url(&path))
            .header("authorization", bearer(&token))
            .json(&body);
        async move {
            let res = req.send().await.expect("post");
            assert_eq!(res.status().as_u16(), 200, "{path}");
        }
    };
    let o = w.onboarding;
    // Task a: done, reopened by the manager, done again; a comment on it.
    let (a, v) = task(&store, o, "a").await;
    let path = format!("/api/v1/onboardings/{o}/tasks/{a}");
    act(
        w.hire.1.clone(),
        path.clone(),
        serde_json::json!({"action": "complete", "version": v}),
    )
    .await;
    act(
        w.manager.1.clone(),
        path.clone(),
        serde_json::json!({"action": "reopen", "version": v + 1}),
    )
    .await;
    act(
        w.hire.1.clone(),
        path.clone(),
        serde_json::json!({"action": "complete", "version": v + 2}),
    )
    .await;
    let form = reqwest::multipart::Form::new()
        .text("body", "Where is the kickoff agenda?")
        .text("task_id", a.to_string());
    let res = app
        .client
        .post(app.url(&format!("/api/v1/onboardings/{o}/comments")))
        .header("authorization", bearer(&w.hire.1))
        .multipart(form)
        .send()
        .await
        .expect("comment");
    assert_eq!(res.status().as_u16(), 201);
    // Task c (the buddy's): skipped as not applicable by the manager.
    let (c, v) = task(&store, o, "c").await;
    act(
        w.manager.1.clone(),
        format!("/api/v1/onboardings/{o}/tasks/{c}"),
        serde_json::json!({"action": "skip", "version": v, "note": "No buddy in this team"}),
    )
    .await;

    let get = |path: &'static str, token: String| {
        let req = app
            .client
            .get(app.url(path))
            .header("authorization", bearer(&token));
        async move {
            let res = req.send().await.expect("get");
            let status = res.status().as_u16();
            let body: serde_json::Value =
                serde_json::from_str(&res.text().await.expect("body")).unwrap_or_default();
            (status, body)
        }
    };
    let stats = |body: &serde_json::Value, key: &str| -> serde_json::Value {
        body["tasks"]
            .as_array()
            .expect("tasks")
            .iter()
            .find(|t| t["key"] == key)
            .cloned()
            .unwrap_or_else(|| panic!("task {key} in {body}"))
    };
    // The manager sees their report's onboarding only: one of one reopened.
    let (status, mine) = get("/api/v1/analytics/tasks?program=pilot", w.manager.1.clone()).await;
    assert_eq!(status, 200, "{mine}");
    assert_eq!(
        (mine["onboardings"].as_u64(), &mine["withheld"]),
        (Some(1), &serde_json::json!(false)),
        "{mine}"
    );
    let a_stats = stats(&mine, "a");
    assert_eq!(a_stats["reopen_rate"], 1.0, "{a_stats}");
    assert_eq!(a_stats["done_rate"], 1.0, "{a_stats}");
    assert_eq!(a_stats["comments"], 1, "{a_stats}");
    assert_eq!(stats(&mine, "c")["skipped_rate"], 1.0, "{mine}");
    assert!(
        mine["office_hours"].is_null(),
        "office hours are for the programme's owners: {mine}"
    );
    // People Connect sees both onboardings, sorted with the most skipped first.
    let (status, all) = get(
        "/api/v1/analytics/tasks?program=pilot&sort=skipped",
        w.people_connect.1.clone(),
    )
    .await;
    assert_eq!(status, 200, "{all}");
    assert_eq!(all["onboardings"], 2, "{all}");
    assert_eq!(all["sort"], "skipped");
    assert_eq!(all["tasks"][0]["key"], "c", "{all}");
    assert!(
        all["office_hours"]["per_week"]
            .as_array()
            .is_some_and(|w| w.len() == 12),
        "{all}"
    );
    // Someone of the Enablement team party to neither: two people are too
    // few to show.
    let (_, account) = crate::common::person(
        &store,
        "enablement.two@example.com",
        &[onramp_core::people::Role::Enablement],
        None,
    )
    .await;
    let outsider = crate::common::token(&store, account, "read").await;
    let (_, theirs) = get("/api/v1/analytics/tasks?program=pilot", outsider).await;
    assert_eq!(theirs["withheld"], true, "{theirs}");
    assert_eq!(theirs["tasks"], serde_json::json!([]), "{theirs}");
    // Bad input names its field; a new hire may not look.
    for (path, field) in [
        ("/api/v1/analytics/tasks?program=nope", "program"),
        ("/api/v1/analytics/tasks", "program"),
        ("/api/v1/analytics/tasks?program=pilot&version=7", "version"),
        ("/api/v1/analytics/tasks?program=pilot&version=x", "version"),
        ("/api/v1/analytics/tasks?program=pilot&sort=colour", "sort"),
    ] {
        let (status, body) = get(path, w.people_connect.1.clone()).await;
        assert_eq!(status, 400, "{path}: {body}");
        assert_eq!(body["field"], field, "{path}: {body}");
    }
    assert_eq!(
        get("/api/v1/analytics/tasks?program=pilot", w.hire.1.clone())
            .await
            .0,
        403
    );
    // The page: a table with sortable headings, and the CSV.
    let (cookie, _) = session_of(&store, w.people_connect.0).await;
    let (status, page) = app
        .get(
            "/analytics/program?program=pilot&sort=late",
            &[("cookie", &cookie)],
        )
        .await;
    assert_eq!(status, 200, "{page}");
    assert!(
        page.contains("Tasks of Pilot program v1")
            && page.contains(r#"aria-sort="descending"><a href="/analytics/program?program=pilot&amp;version=1&amp;sort=late">Late</a>"#)
            && page.contains("Office hours"),
        "{page}"
    );
    let (status, csv) = app
        .get(
            "/analytics/program.csv?program=pilot",
            &[("cookie", &cookie)],
        )
        .await;
    assert_eq!(status, 200);
    assert!(
        csv.starts_with("task,title,phase,onboardings,not_yet_due,done_rate"),
        "{csv}"
    );
    assert!(csv.contains("\"a\",\"Task a\",\"one\","), "{csv}");
    let (hire, _) = session_of(&store, w.hire.0).await;
    let (status, _) = app.get("/analytics/program", &[("cookie", &hire)]).await;
    assert_eq!(status, 403);
    app.stop().await;
}

async fn levels_are_recorded_with_their_history_and_shown_where_people_look(
    store: Store,
    _db: Database,
) {
    let w = world(&store).await;
    let app = start(store.clone()).await;
    let o = late_hire(&store, &w).await;
    let core = crate::common::app_of(&store);
    let changed = onramp_app::analytics::record_levels(&core, chrono::Utc::now(), None)
        .await
        .expect("record");
    assert_eq!(changed, 3, "the first level of each running onboarding");
    assert_eq!(
        onramp_app::analytics::record_levels(&core, chrono::Utc::now(), None)
            .await
            .expect("again"),
        0,
        "nothing changed since"
    );
    // The risk list carries the level's history.
    let (_, body) = app
        .get(
            "/api/v1/analytics/risk",
            &[("authorization", &bearer(&w.manager.1))],
        )
        .await;
    let rows: serde_json::Value = serde_json::from_str(&body).expect("json");
    let row = rows
        .as_array()
        .expect("rows")
        .iter()
        .find(|r| r["onboarding_id"] == o)
        .expect("listed");
    let level = row["level"].as_str().expect("level");
    assert_ne!(level, "on-track", "{row}");
    assert_eq!(row["level_history"][0]["level"], level, "{row}");
    assert!(row["level_history"][0]["previous"].is_null(), "{row}");
    let label = if level == "at-risk" {
        "At risk"
    } else {
        "Watch"
    };
    // The manager's team panel shows the level and why.
    let (cookie, _) = session_of(&store, w.manager.0).await;
    let (_, home) = app.get("/home", &[("cookie", &cookie)]).await;
    assert!(
        home.contains(&format!(
            r#"<a href="/analytics#onboarding-{o}"><strong>{label}</strong></a>"#
        )) && home.contains("Nothing recorded for"),
        "{home}"
    );
    // People Connect's home lists who needs attention.
    let (cookie, _) = session_of(&store, w.people_connect.0).await;
    let (_, home) = app.get("/home", &[("cookie", &cookie)]).await;
    assert!(
        home.contains("Needs attention") && home.contains(">late hire</a>"),
        "{home}"
    );
    // The analytics page shows how the level changed.
    let (_, page) = app.get("/analytics", &[("cookie", &cookie)]).await;
    assert!(
        page.contains(&format!("Level over time: {label} from")),
        "{page}"
    );
    // Monday's summaries name it.
    let today = chrono::Utc::now().date_naive();
    let reader = |person_id, manager, people_connect| onramp_store::SummaryReader {
        person_id,
        time_zone: "UTC".into(),
        digest_hour: 8,
        manager,
        people_connect,
    };
    let manager_summary =
        onramp_app::notify::summary::summary(&core, &reader(w.manager.0, true, false), today)
            .await
            .expect("summary");
    assert!(
        manager_summary.contains(&format!(
            "late hire 0%, 5 tasks overdue, {}.",
            label.to_lowercase()
        )),
        "{manager_summary}"
    );
    let pc_summary = onramp_app::notify::summary::summary(
        &core,
        &reader(w.people_connect.0, false, true),
        today,
    )
    .await
    .expect("summary");
    assert!(pc_summary.contains("(late hire)"), "{pc_summary}");
    app.stop().await;
}

async fn two_cohorts_side_by_side(store: Store, _db: Database) {
    let w = world(&store).await;
    let app = start(store.clone()).await;
    let token = bearer(&w.people_connect.1);
    let (status, body) = app
        .get(
            "/api/v1/analytics/compare?by=manager&a=manager&b=other%20manager",
            &[("authorization", &token)],
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let c: serde_json::Value = serde_json::from_str(&body).expect("json");
    assert_eq!(
        (c["a"]["cohort"].as_str(), c["b"]["cohort"].as_str()),
        (Some("manager"), Some("other manager"))
    );
    assert_eq!(c["a"]["onboardings"], 1, "{c}");
    assert_eq!(c["milestones"][0]["key"], "first-shadowed", "{c}");
    // A cohort that does not exist names its field and the cohorts there are.
    let (status, body) = app
        .get(
            "/api/v1/analytics/compare?by=manager&a=manager&b=nobody",
            &[("authorization", &token)],
        )
        .await;
    assert_eq!(status, 400, "{body}");
    assert!(
        body.contains("\"field\":\"b\"") && body.contains("other manager"),
        "{body}"
    );
    // A manager compares only what they may see: the other team is no cohort of theirs.
    let (status, _) = app
        .get(
            "/api/v1/analytics/compare?by=manager&a=manager&b=other%20manager",
            &[("authorization", &bearer(&w.manager.1))],
        )
        .await;
    assert_eq!(status, 400);
    // The page: both cohorts preselected, the comparison in a chart and a table, and its CSV.
    let (cookie, _) = session_of(&store, w.people_connect.0).await;
    let (_, page) = app
        .get("/analytics?by=manager", &[("cookie", &cookie)])
        .await;
    assert!(
        page.contains("Compare two cohorts") && !page.contains("<table class=\"compare\">"),
        "{page}"
    );
    let (status, page) = app
        .get(
            "/analytics?by=manager&a=manager&b=other+manager",
            &[("cookie", &cookie)],
        )
        .await;
    assert_eq!(status, 200, "{page}");
    assert!(
        page.contains("<table class=\"compare\">") && page.contains("<svg class=\"compare\""),
        "{page}"
    );
    let (status, csv) = app
        .get(
            "/analytics/compare.csv?by=manager&a=manager&b=other+manager",
            &[("cookie", &cookie)],
        )
        .await;
    assert_eq!(status, 200);
    assert!(
        csv.starts_with("milestone,cohort_a,reached_a,median_a"),
        "{csv}"
    );
    assert!(csv.contains("\"first-shadowed\",\"manager\","), "{csv}");
    app.stop().await;
}

async fn a_finished_onboarding_is_read_from_its_snapshot_until_it_changes(
    store: Store,
    _db: Database,
) {
    use onramp_store::{AnalyticsScope, PastOutcome, Selection};
    let w = world(&store).await;
    let app = start(store.clone()).await;
    let o = w.other_onboarding;
    // Its first task done, and the onboarding closed.
    let (task, _) = crate::common::task(&store, o, "a").await;
    let at = chrono::Utc::now() - chrono::Duration::days(1);
    store
        .record_history(
            o,
            &[PastOutcome {
                task_id: task,
                skipped: false,
                at,
                by: None,
                reopened_at: None,
                comment: None,
            }],
            Some(at),
        )
        .await
        .expect("closed");
    let milestones = || async {
        let (_, body) = app
            .get(
                "/api/v1/analytics/ramp?by=month",
                &[("authorization", &bearer(&w.people_connect.1))],
            )
            .await;
        let report: serde_json::Value = serde_json::from_str(&body).expect("json");
        report["onboardings"]
            .as_array()
            .expect("onboardings")
            .iter()
            .find(|r| r["onboarding_id"] == o)
            .map(|r| r["milestones"].clone())
            .expect("listed")
    };
    let computed = milestones().await;
    assert!(
        computed.as_array().is_some_and(|m| !m.is_empty()),
        "{computed}"
    );
    let all: Selection = AnalyticsScope::All.into();
    let snapshots = store.ramp_snapshots(all).await.expect("snapshots");
    let fingerprint = |id: i64| {
        snapshots
            .iter()
            .find(|s| s.onboarding_id == id)
            .map(|s| s.fingerprint.clone())
            .expect("kept")
    };
    // The report reads what was kept: a marked snapshot shows through.
    let marked_milestones = serde_json::json!([{"key": "kept", "name": "Kept", "reached_on": null, "business_days": null}]);
    let marked = |level: Option<&str>| serde_json::json!({"milestones": marked_milestones, "level": level, "signals": [], "acknowledged": []});
    store
        .save_ramp_snapshots(&[
            (o, fingerprint(o), marked(None)),
            (
                w.onboarding,
                fingerprint(w.onboarding),
                marked(Some("watch")),
            ),
        ])
        .await
        .expect("mark");
    assert_eq!(milestones().await, marked_milestones);
    // A new holiday changes business days: everything is computed again.
    store
        .add_holiday(
            "ALL",
            chrono::NaiveDate::from_ymd_opt(2031, 1, 1).expect("day"),
            "New Year",
        )
        .await
        .expect("holiday");
    assert_eq!(milestones().await, computed);
    let snapshots = store.ramp_snapshots(all).await.expect("snapshots");
    let fingerprint = |id: i64| {
        snapshots
            .iter()
            .find(|s| s.onboarding_id == id)
            .map(|s| s.fingerprint.clone())
            .expect("kept")
    };
    store
        .save_ramp_snapshots(&[
            (o, fingerprint(o), marked(None)),
            (
                w.onboarding,
                fingerprint(w.onboarding),
                marked(Some("watch")),
            ),
        ])
        .await
        .expect("mark again");
    // A running onboarding's kept ramp serves the risk list too.
    let level_of = |id: i64| {
        let app = &app;
        let token = bearer(&w.people_connect.1);
        async move {
            let (_, body) = app
                .get("/api/v1/analytics/risk", &[("authorization", &token)])
                .await;
            let rows: serde_json::Value = serde_json::from_str(&body).expect("json");
            rows.as_array()
                .expect("rows")
                .iter()
                .find(|r| r["onboarding_id"] == id)
                .map(|r| r["level"].clone())
                .expect("listed")
        }
    };
    assert_eq!(level_of(w.onboarding).await, "watch");
    // The sweep computes running onboardings again: the mark is gone.
    onramp_app::analytics::record_levels(&crate::common::app_of(&store), chrono::Utc::now(), None)
        .await
        .expect("sweep");
    assert_ne!(level_of(w.onboarding).await, "watch");
    // Once the finished onboarding changes, it is computed again.
    let (b, version) = crate::common::task(&store, o, "b").await;
    store
        .update_task(
            None,
            b,
            version,
            &onramp_core::onboarding::TaskAction::Complete,
        )
        .await
        .expect("changed");
    let again = milestones().await;
    assert_ne!(again, marked_milestones);
    assert_eq!(again, computed, "the same records, the same milestones");
    app.stop().await;
}
