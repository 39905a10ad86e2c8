//! The role panels of `/home` and `GET /api/v1/me/panels` beyond the task
//! list: phases and milestones for managers, the shadowing pace for buddies,
//! pre-boarding and endings for People Connect, Enablement's and
//! administrators' panels, and the new hire's "since your last visit".

use crate::common::{person, session, session_of, start, task, world};
use crate::on_both;
use chrono::{Days, Duration, Utc};
use onramp_core::people::Role;
use onramp_core::program::{SourceFile, content_hash, parse_program};
use onramp_core::schedule::WorkCalendar;
use onramp_store::testing::{Backend, with_store};
use onramp_store::{Database, NewOnboarding, NewWebinar, Store};

on_both!(
    panels_show_phases_pace_preboarding_and_endings,
    enablement_and_administrators_see_their_panels,
    the_new_hire_sees_what_changed_since_their_last_visit
);

const PACED: &str = "---\nid: paced\ntitle: Paced program\nowner: Enablement\nsegments: [Scale]\nregions: [EMEA]\nreviewed_at: 2026-11-01\nphases:\n  - {id: pre-boarding, title: Pre-boarding, from_day: -10, to_day: -1}\n  - {id: first, title: First month, from_day: 0, to_day: 20}\nshadowing: { per_week: 2, from_week: 1, to_week: 4 }\n---\nWelcome.\n";

/// A program with a pre-boarding phase, a shadowing task and a weekly pace.
async fn paced_program(store: &Store) -> i64 {
    let task = |id: &str, owner: &str, phase: &str, due: i32, kind: &str| SourceFile {
        path: format!("tasks/{id}.md"),
        text: format!(
            "---\nid: {id}\ntitle: Task {id}\nowner: {owner}\nphase: {phase}\ndue: {due}\nkind: {kind}\n---\nDo {id}.\n"
        ),
    };
    let files = vec![
        SourceFile {
            path: "program.md".into(),
            text: PACED.into(),
        },
        task("laptop", "people-connect", "pre-boarding", -5, "do"),
        task("shadow", "new-hire", "first", 3, "shadow"),
        task("read", "new-hire", "first", 15, "read"),
    ];
    let program = parse_program(&files, &[]).expect("valid");
    store
        .import_program(None, &program, &content_hash(&files))
        .await
        .expect("import")
        .version_id
}

async fn panels_of(app: &crate::common::App, token: &str) -> serde_json::Value {
    let (status, body) = app
        .send(
            reqwest::Method::GET,
            "/api/v1/me/panels",
            token,
            serde_json::json!(null),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    serde_json::from_str(&body).expect("json")
}

async fn panels_show_phases_pace_preboarding_and_endings(store: Store, _db: Database) {
    let w = world(&store).await;
    let version = paced_program(&store).await;
    let (paced, _) = person(&store, "paced@example.com", &[Role::NewHire], None).await;
    let (future, _) = person(&store, "future@example.com", &[Role::NewHire], None).await;
    let today = Utc::now().date_naive();
    let onboarding = |person_id, start_date, buddy_id| NewOnboarding {
        person_id,
        program_version_id: version,
        start_date,
        manager_id: Some(w.manager.0),
        people_connect_id: Some(w.people_connect.0),
        enablement_id: Some(w.enablement.0),
        buddy_id,
    };
    let running = store
        .create_onboarding(
            None,
            &onboarding(
                paced,
                today.checked_sub_days(Days::new(8)).expect("date"),
                Some(w.buddy.0),
            ),
            &WorkCalendar::default(),
        )
        .await
        .expect("running");
    store
        .create_onboarding(
            None,
            &onboarding(
                future,
                today.checked_add_days(Days::new(10)).expect("date"),
                None,
            ),
            &WorkCalendar::default(),
        )
        .await
        .expect("future");
    let app = start(store.clone()).await;

    // The manager: progress per phase in the program's order, and the end of
    // the first unfinished phase as the next milestone.
    let p = panels_of(&app, &w.manager.1).await;
    let team = p["team"].as_array().expect("team");
    let row = |name: &str| {
        team.iter()
            .find(|r| r["new_hire"] == name)
            .unwrap_or_else(|| panic!("{name} in {p}"))
    };
    let phases: Vec<(String, i64)> = row("paced")["phases"]
        .as_array()
        .expect("phases")
        .iter()
        .map(|ph| {
            (
                ph["title"].as_str().expect("title").to_string(),
                ph["total"].as_i64().expect("total"),
            )
        })
        .collect();
    assert_eq!(
        phases,
        vec![
            ("Pre-boarding".to_string(), 1),
            ("First month".to_string(), 2)
        ]
    );
    assert_eq!(
        row("paced")["next_milestone"]["label"],
        "End of Pre-boarding"
    );
    assert_eq!(row("hire")["phases"][0]["title"], "Phase one");
    assert_eq!(row("hire")["phases"][0]["total"], 5);
    // A finished task shows at once (the counts remembered per onboarding
    // are read again when the onboarding changed).
    let (id, version) = task(&store, running.id, "read").await;
    let (status, _) = app
        .send(
            reqwest::Method::POST,
            &format!("/api/v1/onboardings/{}/tasks/{id}", running.id),
            &w.manager.1,
            serde_json::json!({"action": "complete", "version": version}),
        )
        .await;
    assert_eq!(status, 200);
    let p = panels_of(&app, &w.manager.1).await;
    let paced_row = p["team"]
        .as_array()
        .expect("team")
        .iter()
        .find(|r| r["new_hire"] == "paced")
        .expect("paced")
        .clone();
    assert_eq!(paced_row["phases"][1]["finished"], 1, "{paced_row}");

    // The buddy: week 2 of the pace, week 1 fell two short, and the
    // shadowing task is coming up (overdue counts too).
    let p = panels_of(&app, &w.buddy.1).await;
    let b = p["buddy_for"]
        .as_array()
        .expect("buddy")
        .iter()
        .find(|b| b["onboarding_id"] == running.id)
        .expect("paced row")
        .clone();
    assert_eq!(b["pace"]["week"], 2, "{b}");
    assert_eq!(b["pace"]["required"], 2);
    assert_eq!(b["pace"]["shadowed"], 0);
    assert_eq!(b["pace"]["short_last_week"], 2);
    assert_eq!(b["coming_up"][0]["title"], "Task shadow", "{b}");
    let hire_row = p["buddy_for"]
        .as_array()
        .expect("buddy")
        .iter()
        .find(|b| b["onboarding_id"] == w.onboarding)
        .expect("hire row")
        .clone();
    assert!(
        hire_row["pace"].is_null(),
        "the pilot sets no pace: {hire_row}"
    );

    // People Connect: the coming start still has its laptop task open, and
    // the pilot onboardings end within two weeks.
    let p = panels_of(&app, &w.people_connect.1).await;
    let soon = &p["starts"][0];
    assert_eq!(soon["new_hire"], "future", "{p}");
    assert_eq!(soon["missing"], serde_json::json!(["no buddy"]));
    assert_eq!(soon["open_preboarding"][0]["title"], "Task laptop");
    assert_eq!(soon["open_preboarding"][0]["owner"], "People Connect");
    assert_eq!(soon["open_preboarding"][0]["overdue"], false);
    let ending: Vec<&str> = p["ending"]
        .as_array()
        .expect("ending")
        .iter()
        .map(|e| e["new_hire"].as_str().expect("name"))
        .collect();
    assert!(
        ending.contains(&"hire") && ending.contains(&"other hire"),
        "{p}"
    );
    assert!(
        !ending.contains(&"future"),
        "it ends in weeks, not days: {p}"
    );
    for token in [&w.manager.1, &w.buddy.1, &w.hire.1] {
        let p = panels_of(&app, token).await;
        assert!(p["ending"].as_array().expect("ending").is_empty(), "{p}");
    }

    // The pages say the same.
    let (cookie, _) = session_of(&store, w.people_connect.0).await;
    let (_, page) = app.get("/home", &[("cookie", &cookie)]).await;
    assert!(
        page.contains("Ending in the next 14 days")
            && page.contains("Pre-boarding still open")
            && page.contains("Task laptop"),
        "{page}"
    );
    let (cookie, _) = session_of(&store, w.buddy.0).await;
    let (_, page) = app.get("/home", &[("cookie", &cookie)]).await;
    assert!(
        page.contains("Week 2: 0 of 2 meetings shadowed")
            && page.contains("last week fell 2 short"),
        "{page}"
    );
    let (cookie, _) = session_of(&store, w.manager.0).await;
    let (_, page) = app.get("/home", &[("cookie", &cookie)]).await;
    assert!(page.contains("End of Pre-boarding"), "{page}");
    app.stop().await;
}

async fn enablement_and_administrators_see_their_panels(store: Store, _db: Database) {
    let w = world(&store).await;
    let app = start(store.clone()).await;
    let now = Utc::now();
    let series = crate::common::office_hours(
        &store,
        Some(w.enablement.0),
        "CSM office hours",
        "FREQ=WEEKLY",
        (now + Duration::days(1))
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
            serde_json::json!({"body": "Where do I find the renewal playbook for a first QBR?", "anonymous": false}),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    store
        .add_webinar(
            Some(w.enablement.0),
            &NewWebinar {
                title: "Service Ping for CSMs".into(),
                starts_at: now + Duration::days(2),
                duration_minutes: 45,
                host: "Enablement".into(),
                registration_url: None,
            },
        )
        .await
        .expect("webinar");
    let (id, version) = task(&store, w.onboarding, "a").await;
    let (status, _) = app
        .send(
            reqwest::Method::POST,
            &format!("/api/v1/onboardings/{}/tasks/{id}", w.onboarding),
            &w.hire.1,
            serde_json::json!({"action": "skip", "version": version, "note": "done elsewhere"}),
        )
        .await;
    assert_eq!(status, 200);

    let p = panels_of(&app, &w.enablement.1).await;
    let en = &p["enablement"];
    assert_eq!(en["open_questions"], 1, "{p}");
    assert!(
        en["questions"][0]["excerpt"]
            .as_str()
            .is_some_and(|e| e.starts_with("Where do I find")),
        "{p}"
    );
    assert!(
        !en.to_string().contains("hire@example.com")
            && en["questions"][0].get("author_name").is_none(),
        "the panel never names who asked: {en}"
    );
    assert_eq!(en["webinars"][0]["title"], "Service Ping for CSMs");
    let missed = en["missed"].as_array().expect("missed");
    let skipped = missed
        .iter()
        .find(|m| m["task_key"] == "a")
        .unwrap_or_else(|| panic!("task a was skipped: {p}"));
    assert_eq!(skipped["skipped"], 1);
    assert_eq!(skipped["program_slug"], "pilot");
    assert!(en["stale"].as_u64().is_some(), "{en}");
    assert!(p["admin"].is_null(), "Enablement is not an administrator");

    let p = panels_of(&app, &w.admin.1).await;
    let admin = &p["admin"];
    assert!(
        admin["accounts"]["accounts"]
            .as_i64()
            .is_some_and(|n| n >= 8),
        "{p}"
    );
    assert_eq!(admin["accounts"]["administrators"], 1);
    assert_eq!(admin["accounts"]["disabled"], 0);
    assert!(
        admin["accounts"]["tokens"].as_i64().is_some_and(|n| n >= 8),
        "{p}"
    );
    assert!(
        admin["delivery"]["pending"].as_i64().is_some_and(|n| n > 0),
        "the set-up's emails wait: {p}"
    );
    assert!(
        admin["recent"]
            .as_array()
            .expect("recent")
            .iter()
            .any(|c| c["what"]
                .as_str()
                .is_some_and(|w| w.starts_with("skipped “Task a”"))),
        "{p}"
    );
    assert!(p["enablement"].is_null(), "{p}");
    for token in [&w.hire.1, &w.manager.1, &w.buddy.1, &w.people_connect.1] {
        let p = panels_of(&app, token).await;
        assert!(p["admin"].is_null() && p["enablement"].is_null(), "{p}");
    }

    let (cookie, _) = session_of(&store, w.enablement.0).await;
    let (_, page) = app.get("/home", &[("cookie", &cookie)]).await;
    assert!(
        page.contains("Program and content")
            && page.contains("Where do I find the renewal playbook")
            && page.contains("Service Ping for CSMs")
            && page.contains("Tasks most often skipped or late"),
        "{page}"
    );
    let (cookie, _) = session_of(&store, w.admin.0).await;
    let (_, page) = app.get("/home", &[("cookie", &cookie)]).await;
    assert!(
        page.contains("Accounts and tokens")
            && page.contains("Recent changes")
            && page.contains("Email and chat delivery"),
        "{page}"
    );
    app.stop().await;
}

async fn the_new_hire_sees_what_changed_since_their_last_visit(store: Store, _db: Database) {
    let w = world(&store).await;
    let app = start(store.clone()).await;
    // A first visit has nothing to compare with.
    let (cookie, _) = session_of(&store, w.other_hire.0).await;
    let (_, page) = app.get("/home", &[("cookie", &cookie)]).await;
    assert!(page.contains("Welcome, other hire"), "{page}");
    assert!(!page.contains("Since your last visit"), "{page}");
    // The new hire's visits were three and two hours ago; since then the
    // manager finished a task and the new hire one of their own.
    let (cookie, _) = session(&store, w.hire_account).await;
    store
        .record_home_visit(w.hire.0, Utc::now() - Duration::hours(3))
        .await
        .expect("visit");
    store
        .record_home_visit(w.hire.0, Utc::now() - Duration::hours(2))
        .await
        .expect("visit");
    for (key, token) in [("m", &w.manager.1), ("a", &w.hire.1)] {
        let (id, version) = task(&store, w.onboarding, key).await;
        let (status, _) = app
            .send(
                reqwest::Method::POST,
                &format!("/api/v1/onboardings/{}/tasks/{id}", w.onboarding),
                token,
                serde_json::json!({"action": "complete", "version": version}),
            )
            .await;
        assert_eq!(status, 200);
    }
    let (_, page) = app.get("/home", &[("cookie", &cookie)]).await;
    let section = page
        .split("Since your last visit")
        .nth(1)
        .and_then(|rest| rest.split("</section>").next())
        .unwrap_or_else(|| panic!("no section: {page}"));
    // The change names the task by its title.
    assert!(section.contains("manager completed “Task m”"), "{section}");
    assert!(
        !section.contains("completed “Task a”"),
        "their own change is not news to them: {section}"
    );
    // Reloading within the visit keeps the list.
    let (_, again) = app.get("/home", &[("cookie", &cookie)]).await;
    assert!(again.contains("manager completed “Task m”"), "{again}");
    // People other than new hires have no such section.
    let (cookie, _) = session_of(&store, w.manager.0).await;
    let (_, page) = app.get("/home", &[("cookie", &cookie)]).await;
    assert!(!page.contains("Since your last visit"), "{page}");
    app.stop().await;
}
