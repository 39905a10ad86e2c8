//! The app on a real socket (random port), driven over HTTP, on SQLite and PostgreSQL.

mod common;

use chrono::Utc;
use common::{App, bearer, person, session, start, task, world};
use onramp_core::people::Role;
use onramp_store::testing::{Backend, with_store};
use onramp_store::{Database, Store};

on_both!(
    health_metrics_and_openapi,
    pages_need_sign_in_and_show_only_what_is_yours,
    sign_in_rotates_sessions_and_signs_out,
    sign_in_is_throttled_and_does_not_reveal_accounts,
    sign_in_throttling_is_per_client_across_servers,
    csrf_is_required_for_forms_and_session_api_writes,
    every_role_resource_and_action,
    onboarding_api_end_to_end,
    bad_input_gets_a_clear_error_and_changes_nothing,
    screenshots_are_checked_by_their_bytes,
    stored_markup_is_rendered_inert,
    tokens_scopes_and_revocation,
    programs_pages_and_api,
    forms_drive_tasks_comments_and_the_start_date,
    handbook_search_and_pages,
    buddies_meetings_and_feedback,
    office_hours_votes_answers_and_anonymity,
    service_ping_upload_report_history_and_practice,
    learning_resources_per_role,
);

async fn health_metrics_and_openapi(store: Store, _db: Database) {
    let app = start(store.clone()).await;
    assert_eq!(app.get("/healthz", &[]).await, (200, "ok\n".to_string()));
    let (status, body) = app.get("/readyz", &[]).await;
    assert_eq!(status, 200);
    assert!(body.starts_with("ready ("), "{body}");
    let (status, doc) = app.get("/api/openapi.json", &[]).await;
    assert_eq!(status, 200);
    for path in [
        "/api/v1/onboardings",
        "/api/v1/onboardings/{id}",
        "/api/v1/onboardings/{id}/tasks/{task_id}",
        "/api/v1/programs",
        "/api/v1/onboardings/{id}/learning",
        "/api/v1/access-requests/{id}",
        "/api/v1/webinars",
        "/api/v1/content/freshness",
    ] {
        assert!(
            doc.contains(&format!("\"{path}\"")),
            "{path} missing from the OpenAPI document"
        );
    }
    assert_eq!(app.get("/no/such/page", &[]).await.0, 404);
    let (_, metrics) = app.get("/metrics", &[]).await;
    assert!(
        metrics.contains(
            r#"onramp_http_requests_total{method="GET",route="/healthz",status="200"} 1"#
        ),
        "{metrics}"
    );
    assert!(
        metrics.contains("onramp_http_request_duration_seconds_bucket"),
        "{metrics}"
    );
    store.close().await;
    let (status, body) = app.get("/readyz", &[]).await;
    assert_eq!(status, 503, "readiness follows the database: {body}");
    assert_eq!(app.get("/healthz", &[]).await.0, 200, "liveness does not");
    app.stop().await;
}

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

/// GET /login, then POST it; returns the response.
async fn sign_in(
    app: &App,
    email: &str,
    password: &str,
    planted: Option<&str>,
) -> reqwest::Response {
    sign_in_with(&app.client, app, email, password, planted).await
}

/// Signs in through the form with a given client (e.g. one bound to another
/// loopback source address).
async fn sign_in_with(
    client: &reqwest::Client,
    app: &App,
    email: &str,
    password: &str,
    planted: Option<&str>,
) -> reqwest::Response {
    let res = client
        .get(app.url("/login?next=/home"))
        .send()
        .await
        .expect("form");
    let csrf_cookie = res
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("onramp_login_csrf="))
        .expect("login csrf cookie")
        .to_string();
    let csrf = csrf_cookie
        .trim_start_matches("onramp_login_csrf=")
        .split(';')
        .next()
        .unwrap_or("")
        .to_string();
    let mut cookies = format!("onramp_login_csrf={csrf}");
    if let Some(p) = planted {
        cookies.push_str(&format!("; onramp_session={p}"));
    }
    client
        .post(app.url("/login"))
        .header("cookie", cookies)
        .form(&[
            ("email", email),
            ("password", password),
            ("next", "/home"),
            ("csrf", &csrf),
        ])
        .send()
        .await
        .expect("sign in")
}

fn session_from(res: &reqwest::Response) -> Option<String> {
    res.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("onramp_session=") && !v.starts_with("onramp_session=;"))
        .map(|v| v.to_string())
}

async fn sign_in_rotates_sessions_and_signs_out(store: Store, _db: Database) {
    let (_, account) = person(&store, "ada@example.com", &[Role::NewHire], None).await;
    let app = start(store.clone()).await;
    // A session id planted before sign-in (fixation) is never used.
    let (planted_cookie, _) = session(&store, account).await;
    let planted = planted_cookie
        .trim_start_matches("onramp_session=")
        .to_string();
    let res = sign_in(
        &app,
        "ADA@example.com",
        "correct horse battery staple",
        Some(&planted),
    )
    .await;
    assert_eq!(res.status().as_u16(), 303);
    assert_eq!(res.headers()["location"], "/home");
    let set = session_from(&res).expect("a session cookie");
    assert!(
        set.contains("HttpOnly") && set.contains("SameSite=Lax") && set.contains("Path=/"),
        "{set}"
    );
    assert!(!set.contains("Secure"), "plain HTTP on localhost");
    let fresh = set
        .trim_start_matches("onramp_session=")
        .split(';')
        .next()
        .unwrap_or("")
        .to_string();
    assert_ne!(fresh, planted, "sign-in rotates the session");
    assert!(
        store
            .session(&planted, chrono::Utc::now())
            .await
            .expect("s")
            .is_none(),
        "the planted session ended"
    );
    let cookie = format!("onramp_session={fresh}");
    assert_eq!(app.get("/home", &[("cookie", &cookie)]).await.0, 200);

    // Behind an HTTPS proxy, cookies are Secure.
    let res = app
        .client
        .get(app.url("/login"))
        .header("x-forwarded-proto", "https")
        .send()
        .await
        .expect("form");
    assert!(
        res.headers()
            .get_all("set-cookie")
            .iter()
            .any(|v| v.to_str().unwrap_or("").contains("Secure"))
    );

    // Sign out ends this session; sign out everywhere ends the others too.
    let (other_cookie, _) = session(&store, account).await;
    let csrf = store
        .session(&fresh, chrono::Utc::now())
        .await
        .expect("s")
        .expect("live")
        .0
        .csrf_token;
    let res = app
        .client
        .post(app.url("/logout"))
        .header("cookie", &cookie)
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .expect("logout");
    assert_eq!(res.status().as_u16(), 303);
    assert_eq!(
        app.get("/home", &[("cookie", &cookie)]).await.0,
        303,
        "signed out"
    );
    assert_eq!(
        app.get("/home", &[("cookie", &other_cookie)]).await.0,
        200,
        "other devices stay signed in"
    );
    let other_secret = other_cookie.trim_start_matches("onramp_session=");
    let other_csrf = store
        .session(other_secret, chrono::Utc::now())
        .await
        .expect("s")
        .expect("live")
        .0
        .csrf_token;
    let (third, _) = session(&store, account).await;
    app.client
        .post(app.url("/logout/everywhere"))
        .header("cookie", &other_cookie)
        .form(&[("csrf", other_csrf.as_str())])
        .send()
        .await
        .expect("everywhere");
    assert_eq!(app.get("/home", &[("cookie", &other_cookie)]).await.0, 303);
    assert_eq!(
        app.get("/home", &[("cookie", &third)]).await.0,
        303,
        "every session ended"
    );
    // An expired session is refused.
    let (expired, _) = store
        .create_session(account, chrono::Duration::seconds(-1))
        .await
        .expect("expired");
    assert_eq!(
        app.get("/home", &[("cookie", &format!("onramp_session={expired}"))])
            .await
            .0,
        303
    );
    app.stop().await;
}

async fn sign_in_is_throttled_and_does_not_reveal_accounts(store: Store, _db: Database) {
    person(&store, "known@example.com", &[Role::NewHire], None).await;
    let app = start(store.clone()).await;
    let timed = |email: &'static str| {
        let app = &app;
        async move {
            let started = std::time::Instant::now();
            let res = sign_in(app, email, "not the password", None).await;
            let status = res.status().as_u16();
            let body = res.text().await.expect("body");
            (status, body, started.elapsed())
        }
    };
    let (s1, b1, t1) = timed("known@example.com").await;
    let (s2, b2, t2) = timed("unknown@example.com").await;
    assert_eq!((s1, s2), (401, 401));
    assert!(
        b1.contains("Email or password is wrong.") && b2.contains("Email or password is wrong.")
    );
    let ratio =
        t1.as_secs_f64().max(t2.as_secs_f64()) / t1.as_secs_f64().min(t2.as_secs_f64()).max(1e-6);
    assert!(
        ratio < 10.0,
        "unknown email and wrong password take the same order of time: {t1:?} vs {t2:?}"
    );
    // Failures count per address and account: one so far for this pair.
    for _ in 0..4 {
        assert_eq!(timed("known@example.com").await.0, 401);
    }
    // The fifth failure from this address for this account locked the pair.
    let res = sign_in(
        &app,
        "known@example.com",
        "correct horse battery staple",
        None,
    )
    .await;
    assert_eq!(res.status().as_u16(), 429, "even the right password waits");
    assert!(
        res.text()
            .await
            .expect("body")
            .contains("Too many failed sign-in attempts")
    );
    app.stop().await;
}

/// A client bound to a loopback source address (127.0.0.0/8 all reach the server).
fn client_from(source: &str) -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .local_address(source.parse::<std::net::IpAddr>().expect("address"))
        .build()
        .expect("client")
}

async fn sign_in_throttling_is_per_client_across_servers(store: Store, db: Database) {
    person(&store, "alex.morgan@example.com", &[Role::NewHire], None).await;
    let right = "correct horse battery staple";
    let a = start(store.clone()).await;
    // A second server on the same database.
    let other = Store::open(&db).await.expect("second pool");
    let b = start(other.clone()).await;

    // 127.0.0.2 fails 20 times for alex.morgan on server A: five answers
    // "wrong", then the pair is locked; the later attempts are not counted.
    let attacker = client_from("127.0.0.2");
    let mut statuses = Vec::new();
    for _ in 0..20 {
        let res = sign_in_with(&attacker, &a, "alex.morgan@example.com", "guess", None).await;
        statuses.push(res.status().as_u16());
    }
    assert_eq!(&statuses[..5], &[401; 5]);
    assert!(statuses[5..].iter().all(|s| *s == 429), "{statuses:?}");
    // The lock holds on server B too, even for the right password.
    let res = sign_in_with(&attacker, &b, "alex.morgan@example.com", right, None).await;
    assert_eq!(res.status().as_u16(), 429);
    // Forwarding headers are not believed from an untrusted peer.
    let res = attacker
        .get(b.url("/login"))
        .header("x-forwarded-for", "198.51.100.1")
        .send()
        .await
        .expect("form");
    assert_eq!(res.status().as_u16(), 200);

    // The owner signs in at once from 127.0.0.3, on either server.
    let owner = client_from("127.0.0.3");
    let res = sign_in_with(&owner, &b, "alex.morgan@example.com", right, None).await;
    assert_eq!(res.status().as_u16(), 303, "the owner is not locked out");
    assert!(session_from(&res).is_some());
    let res = sign_in_with(&owner, &a, "alex.morgan@example.com", right, None).await;
    assert_eq!(res.status().as_u16(), 303);
    // One client adds at most five failures to the account: no slow-down yet.
    assert_eq!(
        store
            .sign_in_failures("account:alex.morgan@example.com", Utc::now())
            .await
            .expect("count"),
        5
    );

    // Another account from the attacker's address is not locked (per pair),
    // until the address itself has failed 20 times.
    person(&store, "jordan.lee@example.com", &[Role::Manager], None).await;
    let res = sign_in_with(&attacker, &b, "jordan.lee@example.com", right, None).await;
    assert_eq!(res.status().as_u16(), 303);
    for n in 0..15 {
        let email = format!("nobody{n}@example.com");
        let res = sign_in_with(&attacker, &a, &email, "guess", None).await;
        assert_eq!(res.status().as_u16(), 401, "{n}");
    }
    let res = sign_in_with(&attacker, &b, "jordan.lee@example.com", right, None).await;
    assert_eq!(
        res.status().as_u16(),
        429,
        "20 failures from one address lock the address"
    );
    a.stop().await;
    b.stop().await;
    other.close().await;
}

async fn csrf_is_required_for_forms_and_session_api_writes(store: Store, _db: Database) {
    let w = world(&store).await;
    let app = start(store.clone()).await;
    let (cookie, csrf) = session(&store, w.hire_account).await;
    let (task_id, version) = task(&store, w.onboarding, "a").await;
    let path = format!("/onboardings/{}/tasks/{task_id}", w.onboarding);
    for presented in [None, Some("wrong")] {
        let mut form = vec![
            ("action", "complete".to_string()),
            ("version", version.to_string()),
        ];
        if let Some(p) = presented {
            form.push(("csrf", p.to_string()));
        }
        let res = app
            .client
            .post(app.url(&path))
            .header("cookie", &cookie)
            .form(&form)
            .send()
            .await
            .expect("post");
        assert_eq!(res.status().as_u16(), 403, "CSRF {presented:?} refused");
    }
    assert_eq!(
        store.task(task_id).await.expect("t").status,
        "open",
        "nothing changed"
    );
    let login = app
        .client
        .post(app.url("/login"))
        .form(&[
            ("email", "hire@example.com"),
            ("password", "x"),
            ("csrf", "forged"),
        ])
        .send()
        .await
        .expect("login");
    assert_eq!(
        login.status().as_u16(),
        403,
        "the sign-in form is protected too"
    );

    let api = format!("/api/v1/onboardings/{}/tasks/{task_id}", w.onboarding);
    let body = serde_json::json!({"action": "complete", "version": version});
    let res = app
        .client
        .post(app.url(&api))
        .header("cookie", &cookie)
        .json(&body)
        .send()
        .await
        .expect("api");
    assert_eq!(
        res.status().as_u16(),
        403,
        "session API writes need the CSRF header"
    );
    let res = app
        .client
        .post(app.url(&api))
        .header("cookie", &cookie)
        .header("x-csrf-token", &csrf)
        .json(&body)
        .send()
        .await
        .expect("api");
    assert_eq!(res.status().as_u16(), 200);
    let res = app
        .client
        .post(app.url(&path))
        .header("cookie", &cookie)
        .form(&[
            ("action", "reopen"),
            ("version", &(version + 1).to_string()),
            ("csrf", &csrf),
        ])
        .send()
        .await
        .expect("post");
    assert_eq!(
        res.status().as_u16(),
        303,
        "with the right token the form works"
    );
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
            "read unknown onboarding",
            [404, 404, 404, 404, 404, 404, 404, 404, 401],
        ),
    ];
    let version_id = store.onboarding(o).await.expect("o").program_version_id;
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
                "list onboardings" => app.client.get(app.url("/api/v1/onboardings")),
                "read programs" => app.client.get(app.url("/api/v1/programs")),
                "read audit log" => app.client.get(app.url("/api/v1/audit")),
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
        "completed a",
        "commented",
        "moved the start date",
    ] {
        assert!(timeline.contains(what), "`{what}` missing from {timeline}");
    }

    // Upgrade to a version that adds a task.
    let mut files = common::program_files();
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
    let png = include_bytes!("fixtures/pixel.png").to_vec();
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

async fn tokens_scopes_and_revocation(store: Store, _db: Database) {
    let w = world(&store).await;
    let app = start(store.clone()).await;
    let (cookie, csrf) = session(&store, w.hire_account).await;
    let res = app
        .client
        .post(app.url("/api/v1/tokens"))
        .header("cookie", &cookie)
        .header("x-csrf-token", &csrf)
        .json(&serde_json::json!({"name": "laptop", "scope": "read"}))
        .send()
        .await
        .expect("create");
    assert_eq!(res.status().as_u16(), 201);
    let created: serde_json::Value = res.json().await.expect("json");
    let read = created["token"].as_str().expect("token").to_string();
    let read_auth = bearer(&read);
    assert_eq!(
        app.get(
            &format!("/api/v1/onboardings/{}", w.onboarding),
            &[("authorization", &read_auth)]
        )
        .await
        .0,
        200
    );
    let (id, version) = task(&store, w.onboarding, "a").await;
    let res = app
        .client
        .post(app.url(&format!("/api/v1/onboardings/{}/tasks/{id}", w.onboarding)))
        .header("authorization", &read_auth)
        .json(&serde_json::json!({"action": "complete", "version": version}))
        .send()
        .await
        .expect("write");
    assert_eq!(res.status().as_u16(), 403, "a read token cannot write");
    let (_, list) = app
        .get("/api/v1/tokens", &[("authorization", &read_auth)])
        .await;
    assert!(
        list.contains("laptop") && !list.contains(&read),
        "tokens are listed, never their secrets"
    );
    let token_id = created["id"].as_i64().expect("id");
    let res = app
        .client
        .delete(app.url(&format!("/api/v1/tokens/{token_id}")))
        .header("cookie", &cookie)
        .header("x-csrf-token", &csrf)
        .send()
        .await
        .expect("revoke");
    assert_eq!(res.status().as_u16(), 204);
    assert_eq!(
        app.get("/api/v1/onboardings", &[("authorization", &read_auth)])
            .await
            .0,
        401,
        "revoked"
    );
    assert_eq!(
        app.get(
            "/api/v1/onboardings",
            &[("authorization", "Bearer onr_made_up")]
        )
        .await
        .0,
        401
    );
    let (_, audit) = app
        .get("/api/v1/audit", &[("authorization", &bearer(&w.admin.1))])
        .await;
    assert!(
        audit.contains("\"api_token\"") && audit.contains("\"revoke\""),
        "token changes are audited"
    );
    let res = app
        .client
        .get(app.url("/audit?format=csv"))
        .header("authorization", bearer(&w.admin.1))
        .send()
        .await
        .expect("csv");
    assert_eq!(res.headers()["content-type"], "text/csv; charset=utf-8");
    let csv = res.text().await.expect("csv");
    assert!(csv.starts_with("id,at,actor_id,action,entity"), "{csv}");
    app.stop().await;
}

async fn programs_pages_and_api(store: Store, _db: Database) {
    let w = world(&store).await;
    let app = start(store.clone()).await;
    let auth = bearer(&w.hire.1);
    let (status, body) = app
        .get("/api/v1/programs", &[("authorization", &auth)])
        .await;
    assert_eq!(status, 200);
    assert!(body.contains("\"id\":\"pilot\""), "{body}");
    let (status, body) = app
        .get(
            "/api/v1/programs/pilot?version=two",
            &[("authorization", &auth)],
        )
        .await;
    assert_eq!(status, 400);
    assert!(body.contains("\"field\":\"version\""), "{body}");
    assert_eq!(
        app.get(
            "/api/v1/programs/pilot?version=7",
            &[("authorization", &auth)]
        )
        .await
        .0,
        404
    );
    let (cookie, _) = session(&store, w.hire_account).await;
    let (status, body) = app.get("/programs/pilot", &[("cookie", &cookie)]).await;
    assert_eq!(status, 200);
    assert!(
        body.contains("Task a") && body.contains("business days 0 to 30"),
        "{body}"
    );
    app.stop().await;
}

async fn forms_drive_tasks_comments_and_the_start_date(store: Store, _db: Database) {
    let w = world(&store).await;
    let app = start(store.clone()).await;
    let (cookie, csrf) = session(&store, w.hire_account).await;
    let (id, version) = task(&store, w.onboarding, "a").await;
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
            reqwest::multipart::Part::bytes(include_bytes!("fixtures/pixel.png").to_vec())
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

/// A small handbook of our own: pages, an alias, a broken link, raw HTML.
async fn small_handbook(store: &Store) -> std::sync::Arc<onramp_handbook::SearchIndex> {
    let dir = tempfile::tempdir().expect("dir");
    let write = |path: &str, text: &str| {
        let full = dir.path().join(path);
        std::fs::create_dir_all(full.parent().expect("parent")).expect("mkdir");
        std::fs::write(full, text).expect("write");
    };
    write(
        "handbook/success/_index.md",
        "---\ntitle: Success team\n---\nRead about [kickoff calls](/handbook/success/kickoff/#agenda) and [a missing page](/handbook/nowhere/).\n\n<script>alert('x')</script><img src=x onerror=\"alert(1)\">\n",
    );
    write(
        "handbook/success/kickoff.md",
        "---\ntitle: Kickoff calls\naliases: [/handbook/old-kickoff/]\n---\n## Agenda\n\nThe kickoff call with a new customer sets goals and an executive business review date.\n",
    );
    write(
        "handbook/people/time-off.md",
        "---\ntitle: Time off\n---\nTake vacation; tell your customers who covers for you.\n",
    );
    let index = std::sync::Arc::new(onramp_handbook::SearchIndex::in_memory().expect("index"));
    onramp_handbook::import_dir(
        store,
        dir.path(),
        "https://handbook.example.com",
        Some(&index),
        &mut |_| {},
    )
    .await
    .expect("import");
    index
}

async fn handbook_search_and_pages(store: Store, _db: Database) {
    let w = world(&store).await;
    let empty = start(store.clone()).await;
    let (cookie, _) = session(&store, w.hire_account).await;
    let (status, body) = empty.get("/search?q=kickoff", &[("cookie", &cookie)]).await;
    assert_eq!(status, 200);
    assert!(body.contains("No handbook has been imported yet"), "{body}");
    empty.stop().await;

    let index = small_handbook(&store).await;
    let app = common::start_with_index(store.clone(), index).await;
    // Sign-in is required for the API and the pages.
    assert_eq!(app.get("/api/v1/search?q=kickoff", &[]).await.0, 401);
    let (status, _) = app.get("/search?q=kickoff", &[]).await;
    assert!(status == 303 || status == 401, "{status}");

    // Every role may search; a read-scoped token is enough.
    let read = common::token(&store, w.hire_account, "read").await;
    for t in [
        &w.hire.1,
        &w.manager.1,
        &w.buddy.1,
        &w.people_connect.1,
        &w.enablement.1,
        &w.admin.1,
        &read,
    ] {
        let (status, body) = app
            .get("/api/v1/search?q=kickof", &[("authorization", &bearer(t))])
            .await;
        assert_eq!(status, 200, "{body}");
        let v: serde_json::Value = serde_json::from_str(&body).expect("json");
        assert_eq!(
            v["results"][0]["path"], "handbook/success/kickoff.md",
            "{body}"
        );
        assert_eq!(v["results"][0]["url"], "/handbook/success/kickoff/");
        assert_eq!(
            v["results"][0]["view_url"],
            "/docs/handbook/success/kickoff/"
        );
    }
    let auth = bearer(&w.hire.1);
    let api = |q: &str| {
        format!(
            "/api/v1/search?q={}",
            q.replace(' ', "+").replace('"', "%22")
        )
    };
    // Abbreviations from the glossary, phrases, filters, typos.
    let (_, body) = app.get(&api("EBR"), &[("authorization", &auth)]).await;
    assert!(
        body.contains("kickoff.md") && body.contains("<b>"),
        "{body}"
    );
    let (_, body) = app
        .get(&api("\"tell your customers\""), &[("authorization", &auth)])
        .await;
    assert!(
        body.contains("time-off.md") && !body.contains("kickoff.md"),
        "{body}"
    );
    let (_, body) = app
        .get(
            &api("vacation section:success"),
            &[("authorization", &auth)],
        )
        .await;
    assert!(body.contains("\"results\":[]"), "{body}");
    let (_, body) = app.get(&api("vacaton"), &[("authorization", &auth)]).await;
    assert!(body.contains("time-off.md"), "{body}");
    // Bad and absurd input: named field, never a 500.
    for (q, field) in [("", "q"), (&"x ".repeat(300)[..], "q")] {
        let (status, body) = app.get(&api(q), &[("authorization", &auth)]).await;
        assert_eq!(status, 400, "{body}");
        assert!(body.contains(&format!("\"field\":\"{field}\"")), "{body}");
    }
    let (status, body) = app
        .get(
            "/api/v1/search?q=kickoff&limit=0",
            &[("authorization", &auth)],
        )
        .await;
    assert_eq!(status, 400);
    assert!(body.contains("\"field\":\"limit\""), "{body}");
    for q in ["%3F%21%3F%21", "%22unbalanced", "%3A%3A%3A%3A", "%00%01"] {
        let (status, _) = app
            .get(
                &format!("/api/v1/search?q={q}"),
                &[("authorization", &auth)],
            )
            .await;
        assert_eq!(status, 200, "{q}");
    }

    // The search page: results, the empty state, instant partial results, errors.
    let (status, body) = app.get("/search?q=kickoff", &[("cookie", &cookie)]).await;
    assert_eq!(status, 200);
    assert!(
        body.contains("href=\"/docs/handbook/success/kickoff/\""),
        "{body}"
    );
    let (_, body) = app.get("/search", &[("cookie", &cookie)]).await;
    assert!(body.contains("Type a question"), "{body}");
    let (_, body) = app
        .get("/search?q=kickoff&partial=1", &[("cookie", &cookie)])
        .await;
    assert!(
        !body.contains("<html") && body.contains("Kickoff calls"),
        "{body}"
    );
    let (_, body) = app.get("/search?q=zzzqqq", &[("cookie", &cookie)]).await;
    assert!(body.contains("Nothing matches"), "{body}");
    let (status, body) = app
        .get(
            &format!("/search?q={}", "x+".repeat(300)),
            &[("cookie", &cookie)],
        )
        .await;
    assert_eq!(status, 400);
    assert!(
        body.contains("q: the query is longer than 500 characters"),
        "{body}"
    );
    let (status, _) = app
        .get("/search?q=kickoff&page=zero", &[("cookie", &cookie)])
        .await;
    assert_eq!(status, 400);

    // Page views: sanitized, anchors, internal links to Onramp, broken ones flagged.
    let (status, body) = app
        .get("/docs/handbook/success/", &[("cookie", &cookie)])
        .await;
    assert_eq!(status, 200);
    assert!(
        !body.contains("<script>alert") && !body.contains("onerror"),
        "{body}"
    );
    assert!(
        body.contains("href=\"/docs/handbook/success/kickoff/#agenda\""),
        "{body}"
    );
    assert!(
        body.contains("1 link on this page leads to no imported page"),
        "{body}"
    );
    assert!(
        body.contains("https://handbook.example.com/handbook/success/"),
        "{body}"
    );
    let (_, body) = app
        .get("/docs/handbook/success/kickoff/", &[("cookie", &cookie)])
        .await;
    assert!(body.contains("id=\"agenda\""), "{body}");
    // Aliases and paths without the trailing slash lead to the page.
    let res = app
        .client
        .get(app.url("/docs/handbook/old-kickoff/"))
        .header("cookie", &cookie)
        .send()
        .await
        .expect("request");
    assert_eq!(res.status().as_u16(), 308);
    assert_eq!(res.headers()["location"], "/docs/handbook/success/kickoff/");
    let (status, _) = app
        .get("/docs/handbook/success/kickoff", &[("cookie", &cookie)])
        .await;
    assert_eq!(status, 308);
    assert_eq!(
        app.get("/docs/handbook/none/", &[("cookie", &cookie)])
            .await
            .0,
        404
    );
    assert_eq!(app.get("/docs/handbook/success/", &[]).await.0, 303);
    app.stop().await;
}

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
    let zelda_token = common::token(&store, zelda_acc, "write").await;
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
        tokens.push(common::token(&store, acc, "write").await);
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

async fn service_ping_upload_report_history_and_practice(store: Store, _db: Database) {
    let w = world(&store).await;
    let app = start(store.clone()).await;
    let json = |body: &str| -> serde_json::Value { serde_json::from_str(body).expect("json") };
    let examples = onramp_testkit::ping_samples();
    let read = |name: &str| std::fs::read(examples.join(name)).expect("example payload");
    let post_raw = |token: String, body: Vec<u8>| {
        let app = &app;
        async move {
            let mut req = app.client.post(app.url("/api/v1/ping/payloads")).body(body);
            if !token.is_empty() {
                req = req.header("authorization", bearer(&token));
            }
            let res = req.send().await.expect("upload");
            (res.status().as_u16(), res.text().await.expect("body"))
        }
    };
    assert_eq!(post_raw(String::new(), b"{}".to_vec()).await.0, 401);
    let (status, body) = post_raw(w.hire.1.clone(), b"{\"version\": \"17".to_vec()).await;
    assert_eq!(status, 400);
    assert!(
        body.contains("\"field\":\"payload\"") && body.contains("truncated JSON"),
        "{body}"
    );
    let (status, body) = post_raw(
        w.hire.1.clone(),
        read("synthetic_ultimate_17.2_5000users_2024-09.json"),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    let first = json(&body);
    assert_eq!(
        first["analysis"]["scorecard"]
            .as_array()
            .expect("scorecard")
            .len(),
        10
    );
    assert!(
        !body.contains("gitlab.") || !body.contains("5000users"),
        "personal data masked"
    );
    let key = first["upload"]["instance_key"]
        .as_str()
        .expect("key")
        .to_string();
    assert_eq!(
        post_raw(
            w.hire.1.clone(),
            read("synthetic_ultimate_17.2_5000users_2024-09.json")
        )
        .await
        .0,
        409
    );
    let (status, body) = post_raw(
        w.manager.1.clone(),
        read("synthetic_ultimate_17.2_5000users_2024-12.json"),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    let second = json(&body)["upload"]["id"].as_i64().expect("id");

    let auth = bearer(&w.hire.1);
    let (status, body) = app
        .get(
            &format!("/api/v1/ping/instances/{key}"),
            &[("authorization", &auth)],
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let history = json(&body);
    assert_eq!(history["analyses"].as_array().expect("analyses").len(), 2);
    assert!(
        history["comparisons"][0]["score_changes"]
            .as_array()
            .expect("changes")
            .iter()
            .any(|c| c["measure_id"] == "ci_builds_per_billable_user" && c["after"] == "green"),
        "{body}"
    );
    let (status, body) = app
        .get(
            &format!("/api/v1/ping/payloads/{second}/keys?q=deployments"),
            &[("authorization", &auth)],
        )
        .await;
    assert_eq!(status, 200);
    let keys = json(&body);
    assert!(keys["total"].as_u64().expect("total") > 0);
    assert!(keys["keys"].as_array().expect("keys").iter().all(|k| {
        k["key"].as_str().expect("key").contains("deployments")
            || k["description"]
                .as_str()
                .expect("d")
                .to_lowercase()
                .contains("deployments")
    }));
    assert!(!body.contains("\"key\":\"uuid\""));
    assert_eq!(
        app.get(
            "/api/v1/ping/payloads/999/keys",
            &[("authorization", &auth)]
        )
        .await
        .0,
        404
    );
    // The customer's identity never reaches the explorer.
    for q in ["licensee", "license_subscription_id", "hostname", "uuid"] {
        let (_, body) = app
            .get(
                &format!("/api/v1/ping/payloads/{second}/keys?q={q}"),
                &[("authorization", &auth)],
            )
            .await;
        assert!(!body.contains(&format!("\"key\":\"{q}")), "{q}: {body}");
    }

    // Pages: the report with its charts and explorer, the history, the practice.
    let (cookie, csrf) = session(&store, w.hire_account).await;
    let (status, page) = app
        .get(
            &format!("/ping/payloads/{second}?q=ci_builds"),
            &[("cookie", &cookie)],
        )
        .await;
    assert_eq!(status, 200);
    assert!(
        page.contains("<svg class=\"scorecard\"")
            && page.contains("usage_activity_by_stage.verify.ci_builds")
            && page.contains("failed"),
        "{page}"
    );
    let (status, page) = app
        .get(&format!("/ping/instances/{key}"), &[("cookie", &cookie)])
        .await;
    assert_eq!(status, 200);
    assert!(page.contains("<svg class=\"trends\""), "{page}");
    let form = reqwest::multipart::Form::new()
        .text("csrf", csrf.clone())
        .part(
            "payload",
            reqwest::multipart::Part::bytes(read("synthetic_premium_15.11_120users.json"))
                .file_name("premium.json"),
        );
    let res = app
        .client
        .post(app.url("/ping"))
        .header("cookie", &cookie)
        .multipart(form)
        .send()
        .await
        .expect("upload");
    assert_eq!(res.status().as_u16(), 303);
    let form = reqwest::multipart::Form::new()
        .text("csrf", "forged".to_string())
        .part(
            "payload",
            reqwest::multipart::Part::bytes(b"{}".to_vec()).file_name("x.json"),
        );
    let res = app
        .client
        .post(app.url("/ping"))
        .header("cookie", &cookie)
        .multipart(form)
        .send()
        .await
        .expect("upload");
    assert_eq!(res.status().as_u16(), 403);

    // Practice: the right answers for the Premium sample are recognised, wrong ones not.
    let right = serde_json::json!({"green": ["license_utilization", "user_engagement", "scm_git_operation_utilization", "cd_successful_deployments_pct"], "unused_seats": "3", "ci_metric": "counts.count_total_create_ci_build_monthly"});
    let (status, body) = app
        .send(
            reqwest::Method::POST,
            "/api/v1/ping/practice/premium-15.11",
            &w.hire.1,
            right,
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert!(
        json(&body)
            .as_array()
            .expect("checked")
            .iter()
            .all(|c| c["correct"] == true),
        "{body}"
    );
    let wrong = serde_json::json!({"green": ["license_utilization"], "unused_seats": "7", "ci_metric": "counts_monthly.deployments"});
    let (_, body) = app
        .send(
            reqwest::Method::POST,
            "/api/v1/ping/practice/premium-15.11",
            &w.hire.1,
            wrong,
        )
        .await;
    assert!(
        json(&body)
            .as_array()
            .expect("checked")
            .iter()
            .all(|c| c["correct"] == false),
        "{body}"
    );
    let (status, page) = app
        .get(
            "/ping/practice?sample=ultimate-17.2-december",
            &[("cookie", &cookie)],
        )
        .await;
    assert_eq!(status, 200);
    assert!(
        page.contains("Which metric would support a CI adoption objective?"),
        "{page}"
    );
    let res = app
        .client
        .post(app.url("/ping/practice"))
        .header("cookie", &cookie)
        .form(&[
            ("csrf", csrf.as_str()),
            ("sample", "premium-15.11"),
            ("unused_seats", "3"),
            ("ci_metric", "counts.count_total_create_ci_build_monthly"),
        ])
        .send()
        .await
        .expect("check");
    let page = res.text().await.expect("page");
    assert!(
        page.contains("✔ How many licensed seats are unused?")
            && page.contains("✘ Which use-case measures are green?"),
        "{page}"
    );
    app.stop().await;
}

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
    let enablement_account = store
        .account_of_person(w.enablement.0)
        .await
        .expect("account")
        .expect("exists")
        .id;
    let (en_cookie, _) = session(&store, enablement_account).await;
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
