//! Onboardings over HTTP: the API end to end, the forms, comments and screenshots, and bad input.

use crate::common::{bearer, person, session, start, task, world};
use crate::on_both;
use onramp_core::people::Role;
use onramp_store::testing::{Backend, with_store};
use onramp_store::{Database, Store};

on_both!(
    onboarding_api_end_to_end,
    bad_input_gets_a_clear_error_and_changes_nothing,
    screenshots_are_checked_by_their_bytes,
    stored_markup_is_rendered_inert,
    forms_drive_tasks_comments_and_the_start_date
);

async fn onboarding_api_end_to_end(store: Store, _db: Database) {
    let w = world(&store).await;
    let app = start(store.clone()).await;
    let hire = bearer(&w.hire.1);
    let manager = bearer(&w.manager.1);
    let o = w.onboarding;
    let (_, body) = app
        .get(
            &format!("/api/v1/onboardings/{o}"),
            &[("authorization", &hire)],
        )
        .await;
    let view: serde_json::Value = serde_json::from_str(&body).expect("view");
    assert_eq!(view["total"], 5);
    let tasks = view["phases"][0]["tasks"]
        .as_array()
        .expect("tasks")
        .clone();
    let b = tasks.iter().find(|t| t["key"] == "b").expect("b");
    assert_eq!(b["status"], "blocked");
    assert_eq!(b["blocked_by"], serde_json::json!(["Task a"]));
    assert_eq!(b["can_update"], true);
    assert_eq!(
        tasks.iter().find(|t| t["key"] == "m").expect("m")["can_update"],
        false,
        "the new hire cannot do the manager's task"
    );
    assert_eq!(view["graduation"][0]["met"], false, "{body}");
    assert_eq!(
        view["graduation"][0]["missing"], "0 of 2 shadowed meetings logged",
        "{body}"
    );

    let a = tasks.iter().find(|t| t["key"] == "a").expect("a");
    let url = format!("/api/v1/onboardings/{o}/tasks/{}", a["id"]);
    let res = app
        .client
        .post(app.url(&url))
        .header("authorization", &hire)
        .json(&serde_json::json!({"action": "complete", "version": a["version"]}))
        .send()
        .await
        .expect("complete");
    assert_eq!(res.status().as_u16(), 200);
    let changed: serde_json::Value = res.json().await.expect("json");
    assert_eq!(changed["status"], "done");
    assert_eq!(changed["followed"], serde_json::json!([["b", "open"]]));
    // A second client with the old version gets a clear conflict, and nothing is overwritten.
    let res = app
        .client
        .post(app.url(&url))
        .header("authorization", &manager)
        .json(&serde_json::json!({"action": "reopen", "version": a["version"]}))
        .send()
        .await
        .expect("stale");
    assert_eq!(res.status().as_u16(), 409);
    let err: serde_json::Value = res.json().await.expect("json");
    assert!(
        err["error"]["message"]
            .as_str()
            .unwrap_or("")
            .contains("changed by someone else"),
        "{err}"
    );
    assert_eq!(
        store
            .task(a["id"].as_i64().expect("id"))
            .await
            .expect("a")
            .status,
        "done"
    );

    // Comments with mentions reach the manager's inbox.
    let form =
        reqwest::multipart::Form::new().text("body", "Stuck on the VPN, @manager can you help?");
    let res = app
        .client
        .post(app.url(&format!("/api/v1/onboardings/{o}/comments")))
        .header("authorization", &hire)
        .multipart(form)
        .send()
        .await
        .expect("comment");
    assert_eq!(res.status().as_u16(), 201);
    let (_, inbox) = app
        .get("/api/v1/notifications", &[("authorization", &manager)])
        .await;
    assert!(
        inbox.contains("mentioned you") && inbox.contains("VPN"),
        "{inbox}"
    );

    // The manager moves the start date; open tasks move, done work stays.
    let current = store.onboarding(o).await.expect("o");
    let new_start = current.start_date + chrono::Duration::days(7);
    let res = app
        .client
        .patch(app.url(&format!("/api/v1/onboardings/{o}")))
        .header("authorization", &manager)
        .json(&serde_json::json!({"version": current.version, "start_date": new_start}))
        .send()
        .await
        .expect("patch");
    assert_eq!(res.status().as_u16(), 200);
    let moved: serde_json::Value = res.json().await.expect("json");
    assert_eq!(moved["start_date"], new_start.to_string());
    let res = app
        .client
        .patch(app.url(&format!("/api/v1/onboardings/{o}")))
        .header("authorization", &manager)
        .json(&serde_json::json!({"version": current.version, "start_date": new_start}))
        .send()
        .await
        .expect("stale patch");
    assert_eq!(res.status().as_u16(), 409, "a stale version is refused");

    let (_, timeline) = app
        .get(
            &format!("/api/v1/onboardings/{o}/timeline"),
            &[("authorization", &hire)],
        )
        .await;
    for what in [
        "started the onboarding",
        "completed “Task a”",
        "commented",
        "moved the start date",
    ] {
        assert!(timeline.contains(what), "`{what}` missing from {timeline}");
    }

    // Upgrade to a version that adds a task.
    let mut files = crate::common::program_files();
    files.push(onramp_core::program::SourceFile {
        path: "tasks/z.md".into(),
        text: "---\nid: z\ntitle: Task z\nowner: new-hire\nphase: one\ndue: 9\nkind: read\n---\n"
            .into(),
    });
    let program = onramp_core::program::parse_program(&files, &[]).expect("v2");
    let v2 = store
        .import_program(None, &program, &onramp_core::program::content_hash(&files))
        .await
        .expect("import")
        .version_id;
    let (status, preview) = app
        .get(
            &format!("/api/v1/onboardings/{o}/upgrade?version_id={v2}"),
            &[("authorization", &manager)],
        )
        .await;
    assert_eq!(status, 200);
    assert!(preview.contains("\"z\""), "{preview}");
    let version = store.onboarding(o).await.expect("o").version;
    let res = app
        .client
        .post(app.url(&format!("/api/v1/onboardings/{o}/upgrade")))
        .header("authorization", &manager)
        .json(&serde_json::json!({"version_id": v2, "version": version}))
        .send()
        .await
        .expect("upgrade");
    assert_eq!(res.status().as_u16(), 200);
    assert_eq!(store.tasks(o).await.expect("tasks").len(), 6);

    // People Connect creates an onboarding by email.
    person(
        &store,
        "newest@example.com",
        &[Role::NewHire],
        Some(w.manager.0),
    )
    .await;
    let res = app.client.post(app.url("/api/v1/onboardings")).header("authorization", bearer(&w.people_connect.1)).json(&serde_json::json!({"email": "newest@example.com", "start_date": "2027-01-04", "buddy_email": "buddy@example.com"})).send().await.expect("create");
    assert_eq!(res.status().as_u16(), 201);
    let created: serde_json::Value = res.json().await.expect("json");
    assert_eq!(created["start_date"], "2027-01-04");
    assert!(
        created["people"].to_string().contains("buddy@example.com"),
        "{created}"
    );
    assert!(
        created["people"]
            .to_string()
            .contains("manager@example.com"),
        "the person's manager by default: {created}"
    );
    app.stop().await;
}

async fn bad_input_gets_a_clear_error_and_changes_nothing(store: Store, _db: Database) {
    let w = world(&store).await;
    let app = start(store.clone()).await;
    let pc = bearer(&w.people_connect.1);
    let hire = bearer(&w.hire.1);
    let post = |path: &str, auth: &str, body: &str| {
        app.client
            .post(app.url(path))
            .header("authorization", auth)
            .header("content-type", "application/json")
            .body(body.to_string())
            .send()
    };
    let count = store.count_onboardings().await.expect("count");
    let cases: Vec<(&str, &str, &str)> = vec![
        (r#"{"start_date": "2027-01-04"}"#, "email", "missing field"),
        (
            r#"{"email": "hire@example.com", "start_date": "next monday"}"#,
            "start_date",
            "input contains invalid characters",
        ),
        (
            r#"{"email": "hire@example.com", "start_date": 20270104}"#,
            "start_date",
            "invalid type",
        ),
        (
            r#"{"email": "ghost@example.com", "start_date": "2027-01-04"}"#,
            "email",
            "no person has the email",
        ),
        (
            r#"{"email": "hire@example.com", "start_date": "2027-01-04", "colour": "red"}"#,
            "colour",
            "unknown field",
        ),
        (
            r#"{"email": "hire@example.com", "start_date": "2027-01-04", "program": "nope"}"#,
            "program",
            "no program `nope`",
        ),
        (r#"{"email": "#, "email", "EOF"),
    ];
    for (body, field, message) in cases {
        let res = post("/api/v1/onboardings", &pc, body).await.expect("post");
        assert_eq!(res.status().as_u16(), 400, "{body}");
        let err: serde_json::Value = res.json().await.expect("json error");
        assert_eq!(err["error"]["field"], field, "{body}: {err}");
        assert!(
            err["error"]["message"]
                .as_str()
                .unwrap_or("")
                .contains(message),
            "{body}: {err}"
        );
    }
    let res = app
        .client
        .post(app.url("/api/v1/onboardings"))
        .header("authorization", &pc)
        .body("email=x")
        .send()
        .await
        .expect("form body");
    assert_eq!(
        res.status().as_u16(),
        415,
        "a JSON endpoint wants JSON: 415 Unsupported Media Type"
    );
    assert_eq!(
        store.count_onboardings().await.expect("count"),
        count,
        "nothing was created"
    );

    let (id, version) = task(&store, w.onboarding, "a").await;
    let url = format!("/api/v1/onboardings/{}/tasks/{id}", w.onboarding);
    for (body, field) in [
        (
            r#"{"action": "finish", "version": 1}"#.to_string(),
            "action",
        ),
        (
            format!(r#"{{"action": "complete", "version": "{version}"}}"#),
            "version",
        ),
        (r#"{"action": "complete"}"#.to_string(), "version"),
    ] {
        let res = post(&url, &hire, &body).await.expect("post");
        assert_eq!(res.status().as_u16(), 400, "{body}");
        let err: serde_json::Value = res.json().await.expect("json");
        assert_eq!(err["error"]["field"], field, "{body}: {err}");
    }
    let (b, b_version) = task(&store, w.onboarding, "b").await;
    let res = post(
        &format!("/api/v1/onboardings/{}/tasks/{b}", w.onboarding),
        &hire,
        &format!(r#"{{"action": "complete", "version": {b_version}}}"#),
    )
    .await
    .expect("blocked");
    assert_eq!(res.status().as_u16(), 409);
    assert!(
        res.text()
            .await
            .expect("body")
            .contains("blocked by unfinished tasks: a")
    );
    let res = post(
        &format!("/api/v1/onboardings/{}/tasks/{id}", w.other_onboarding),
        &hire,
        &format!(r#"{{"action": "complete", "version": {version}}}"#),
    )
    .await
    .expect("wrong onboarding");
    assert_eq!(
        res.status().as_u16(),
        404,
        "a task id of another onboarding is not found"
    );
    let res = post(
        &format!("/api/v1/onboardings/{}/tasks/999999", w.onboarding),
        &hire,
        r#"{"action": "complete", "version": 1}"#,
    )
    .await
    .expect("unknown task");
    assert_eq!(res.status().as_u16(), 404);
    assert_eq!(
        store.task(id).await.expect("a").status,
        "open",
        "nothing changed"
    );
    let (status, body) = app
        .get("/api/v1/onboardings?page=0", &[("authorization", &hire)])
        .await;
    assert_eq!(status, 400);
    assert!(body.contains("\"field\":\"page\""), "{body}");
    let (status, _) = app
        .get(
            "/api/v1/onboardings/not-a-number",
            &[("authorization", &hire)],
        )
        .await;
    assert!(
        status == 400 || status == 404,
        "a malformed id is a client error, got {status}"
    );
    app.stop().await;
}

async fn screenshots_are_checked_by_their_bytes(store: Store, _db: Database) {
    let w = world(&store).await;
    let app = start(store.clone()).await;
    let hire = bearer(&w.hire.1);
    let url = app.url(&format!("/api/v1/onboardings/{}/comments", w.onboarding));
    let png = include_bytes!("../fixtures/pixel.png").to_vec();
    let part = |bytes: Vec<u8>, name: &str| {
        reqwest::multipart::Part::bytes(bytes)
            .file_name(name.to_string())
            .mime_str("image/png")
            .expect("mime")
    };
    let send = |form: reqwest::multipart::Form| {
        app.client
            .post(&url)
            .header("authorization", &hire)
            .multipart(form)
            .send()
    };

    let res = send(
        reqwest::multipart::Form::new()
            .text("body", "VPN error, see screenshot")
            .part("screenshot", part(png.clone(), "vpn.png")),
    )
    .await
    .expect("upload");
    assert_eq!(res.status().as_u16(), 201);
    let attachments = store
        .attachments_of(w.onboarding)
        .await
        .expect("attachments");
    assert_eq!(attachments.len(), 1);
    assert_eq!(attachments[0].content_type, "image/png");
    let (status, _) = app
        .get(
            &format!("/attachments/{}", attachments[0].id),
            &[("authorization", &hire)],
        )
        .await;
    assert_eq!(status, 200, "the new hire can see it");
    let res = app
        .client
        .get(app.url(&format!("/attachments/{}", attachments[0].id)))
        .header("authorization", &hire)
        .send()
        .await
        .expect("get");
    assert_eq!(res.headers()["content-type"], "image/png");
    assert_eq!(res.headers()["x-content-type-options"], "nosniff");
    assert_eq!(res.bytes().await.expect("bytes").to_vec(), png);
    assert_eq!(
        app.get(
            &format!("/attachments/{}", attachments[0].id),
            &[("authorization", &bearer(&w.other_hire.1))]
        )
        .await
        .0,
        404,
        "others cannot"
    );

    let fakes: Vec<(Vec<u8>, &str)> = vec![
        (b"<script>alert(1)</script>".to_vec(), "evil.png"),
        (b"%PDF-1.7 not an image".to_vec(), "doc.jpg"),
        (
            b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>".to_vec(),
            "x.svg",
        ),
    ];
    for (bytes, name) in fakes {
        let res = send(
            reqwest::multipart::Form::new()
                .text("body", "look")
                .part("screenshot", part(bytes, name)),
        )
        .await
        .expect("upload");
        assert_eq!(res.status().as_u16(), 400, "{name}");
        let err: serde_json::Value = res.json().await.expect("json");
        assert_eq!(err["error"]["field"], "screenshot", "{err}");
    }
    let mut big = png.clone();
    big.resize(10 * 1024 * 1024 + 1, 0);
    let res = send(
        reqwest::multipart::Form::new()
            .text("body", "big")
            .part("screenshot", part(big, "big.png")),
    )
    .await
    .expect("upload");
    assert_eq!(res.status().as_u16(), 400, "over 10 MB");
    let mut too_big = png;
    too_big.resize(12 * 1024 * 1024, 0);
    let res = send(
        reqwest::multipart::Form::new()
            .text("body", "bigger")
            .part("screenshot", part(too_big, "bigger.png")),
    )
    .await;
    if let Ok(res) = res {
        assert!(
            res.status().is_client_error(),
            "larger than the request limit: {}",
            res.status()
        );
    }
    assert_eq!(
        store
            .attachments_of(w.onboarding)
            .await
            .expect("attachments")
            .len(),
        1,
        "nothing else was stored"
    );
    assert_eq!(
        store.comments(w.onboarding).await.expect("comments").len(),
        1,
        "no comment without its valid screenshot"
    );
    app.stop().await;
}

/// Classic XSS payloads; stored, they must come back inert.
pub const XSS: [&str; 22] = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    "<body onload=alert(1)>",
    "<iframe src=javascript:alert(1)></iframe>",
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "<a href=\"javascript:alert(1)\">x</a>",
    "<div style=\"background:url(javascript:alert(1))\">x</div>",
    "<input autofocus onfocus=alert(1)>",
    "<details open ontoggle=alert(1)>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<object data=\"javascript:alert(1)\"></object>",
    "<embed src=\"javascript:alert(1)\">",
    "<form action=\"javascript:alert(1)\"><button>x</button></form>",
    "<video><source onerror=alert(1)></video>",
    "<marquee onstart=alert(1)>x</marquee>",
    "<base href=\"javascript:alert(1)//\">",
    "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\">",
    "![x](x\" onerror=\"alert(1))",
    "<scr<script>ipt>alert(1)</script>",
    "\"><script>alert(1)</script>",
];

async fn stored_markup_is_rendered_inert(store: Store, _db: Database) {
    let w = world(&store).await;
    let app = start(store.clone()).await;
    let hire = bearer(&w.hire.1);
    for payload in XSS {
        let form = reqwest::multipart::Form::new().text("body", payload.to_string());
        let res = app
            .client
            .post(app.url(&format!("/api/v1/onboardings/{}/comments", w.onboarding)))
            .header("authorization", &hire)
            .multipart(form)
            .send()
            .await
            .expect("comment");
        assert_eq!(res.status().as_u16(), 201);
    }
    let (_, body) = app
        .get(
            &format!("/api/v1/onboardings/{}/comments", w.onboarding),
            &[("authorization", &hire)],
        )
        .await;
    let comments: Vec<serde_json::Value> = serde_json::from_str(&body).expect("json");
    assert_eq!(comments.len(), XSS.len());
    for c in &comments {
        let html = c["html"].as_str().unwrap_or("");
        assert!(
            !onramp_app::markdown::is_active(html),
            "active markup survived: {html}"
        );
    }
    let (cookie, _) = session(&store, w.hire_account).await;
    let (id, _) = task(&store, w.onboarding, "a").await;
    let (_, page) = app
        .get(
            &format!("/onboardings/{}/tasks/{id}", w.onboarding),
            &[("cookie", &cookie)],
        )
        .await;
    assert!(
        !page.to_lowercase().contains("<script>alert"),
        "the page renders no payload as markup"
    );
    app.stop().await;
}

async fn forms_drive_tasks_comments_and_the_start_date(store: Store, _db: Database) {
    let w = world(&store).await;
    let app = start(store.clone()).await;
    let (cookie, csrf) = session(&store, w.hire_account).await;
    let (id, version) = task(&store, w.onboarding, "a").await;
    // The task's links lead where they open: a handbook page to its view in
    // Onramp, an Onramp page to itself.
    let (_, page) = app
        .get(
            &format!("/onboardings/{}/tasks/{id}", w.onboarding),
            &[("cookie", &cookie)],
        )
        .await;
    assert!(
        page.contains("href=\"/docs/handbook/cs/kickoff/#agenda\">Kickoff calls</a>")
            && page.contains("href=\"/ping/practice\">Practice</a>"),
        "{page}"
    );
    // Skipping is offered only where it is allowed: the manager sees no
    // skip for the compliance-critical task "m", and one for task "c".
    let (manager_cookie, _) = crate::common::session_of(&store, w.manager.0).await;
    let (_, page) = app
        .get(
            &format!("/onboardings/{}", w.onboarding),
            &[("cookie", &manager_cookie)],
        )
        .await;
    let row = |key: &str| {
        let start = page.find(&format!(">Task {key}</a>")).expect("row");
        let end = page[start..]
            .find("</li>")
            .map_or(page.len(), |e| start + e);
        page[start..end].to_string()
    };
    assert!(!row("m").contains("Skip"), "{}", row("m"));
    let (hire_page_status, hire_page) = app
        .get(
            &format!("/onboardings/{}", w.onboarding),
            &[("cookie", &cookie)],
        )
        .await;
    assert_eq!(hire_page_status, 200);
    assert!(
        hire_page.contains("Skip this task"),
        "the new hire may skip their own non-critical tasks"
    );
    let res = app
        .client
        .post(app.url(&format!("/onboardings/{}/tasks/{id}", w.onboarding)))
        .header("cookie", &cookie)
        .form(&[
            ("action", "complete"),
            ("version", &version.to_string()),
            ("csrf", &csrf),
            ("back", "/home"),
        ])
        .send()
        .await
        .expect("post");
    assert_eq!(res.status().as_u16(), 303);
    assert_eq!(store.task(id).await.expect("a").status, "done");
    let res = app
        .client
        .post(app.url(&format!("/onboardings/{}/tasks/{id}", w.onboarding)))
        .header("cookie", &cookie)
        .form(&[
            ("action", "reopen"),
            ("version", &version.to_string()),
            ("csrf", &csrf),
        ])
        .send()
        .await
        .expect("stale");
    assert_eq!(res.status().as_u16(), 409, "a stale form shows a conflict");
    assert!(
        res.text()
            .await
            .expect("body")
            .contains("changed by someone else")
    );
    let form = reqwest::multipart::Form::new()
        .text("csrf", csrf.clone())
        .text("body", "Done, **thanks** @buddy")
        .text("task_id", id.to_string())
        .part(
            "screenshot",
            reqwest::multipart::Part::bytes(include_bytes!("../fixtures/pixel.png").to_vec())
                .file_name("shot.png"),
        );
    let res = app
        .client
        .post(app.url(&format!("/onboardings/{}/comments", w.onboarding)))
        .header("cookie", &cookie)
        .multipart(form)
        .send()
        .await
        .expect("comment");
    assert_eq!(res.status().as_u16(), 303);
    let (_, page) = app
        .get(
            &format!("/onboardings/{}/tasks/{id}", w.onboarding),
            &[("cookie", &cookie)],
        )
        .await;
    assert!(
        page.contains("<strong>thanks</strong>") && page.contains("/attachments/"),
        "{page}"
    );
    let form = reqwest::multipart::Form::new().text("body", "no token");
    let res = app
        .client
        .post(app.url(&format!("/onboardings/{}/comments", w.onboarding)))
        .header("cookie", &cookie)
        .multipart(form)
        .send()
        .await
        .expect("comment");
    assert_eq!(
        res.status().as_u16(),
        403,
        "comment forms need the CSRF token"
    );

    let (manager_cookie, manager_csrf) = session(
        &store,
        store
            .account_of_person(w.manager.0)
            .await
            .expect("a")
            .expect("account")
            .id,
    )
    .await;
    let current = store.onboarding(w.onboarding).await.expect("o");
    let res = app
        .client
        .post(app.url(&format!("/onboardings/{}/start", w.onboarding)))
        .header("cookie", &manager_cookie)
        .form(&[
            ("start_date", "2027-02-01"),
            ("version", &current.version.to_string()),
            ("csrf", &manager_csrf),
        ])
        .send()
        .await
        .expect("move");
    assert_eq!(res.status().as_u16(), 303);
    assert_eq!(
        store
            .onboarding(w.onboarding)
            .await
            .expect("o")
            .start_date
            .to_string(),
        "2027-02-01"
    );
    let res = app
        .client
        .post(app.url(&format!("/onboardings/{}/start", w.onboarding)))
        .header("cookie", &manager_cookie)
        .form(&[
            ("start_date", "someday"),
            ("version", "99"),
            ("csrf", &manager_csrf),
        ])
        .send()
        .await
        .expect("bad date");
    assert_eq!(res.status().as_u16(), 400);
    assert!(
        res.text().await.expect("body").contains("start_date"),
        "the field is named"
    );
    let (_, inbox) = app.get("/inbox", &[("cookie", &cookie)]).await;
    assert!(inbox.contains("Inbox"), "{inbox}");
    app.stop().await;
}
