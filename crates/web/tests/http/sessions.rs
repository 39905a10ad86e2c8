//! Signing in and out, session rotation, sign-in throttling per client, and CSRF, over HTTP.

use crate::common::{App, person, session, start, task, world};
use crate::on_both;
use chrono::Utc;
use onramp_core::people::Role;
use onramp_store::testing::{Backend, with_store};
use onramp_store::{Database, Store};

on_both!(
    sign_in_rotates_sessions_and_signs_out,
    sign_in_is_throttled_and_does_not_reveal_accounts,
    sign_in_throttling_is_per_client_across_servers,
    csrf_is_required_for_forms_and_session_api_writes,
    people_see_their_sessions_and_end_them_on_every_server
);

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

const FIREFOX: &str = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0";
const SAFARI: &str = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1";

/// A browser on a loopback address with its own User-Agent.
fn browser(source: &str, agent: &str) -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .local_address(source.parse::<std::net::IpAddr>().expect("address"))
        .user_agent(agent)
        .build()
        .expect("client")
}

// Long: one person's two browsers on two servers, from sign-in to the end of each session.
async fn people_see_their_sessions_and_end_them_on_every_server(store: Store, db: Database) {
    let (_, account) = person(&store, "ada@example.com", &[Role::Manager], None).await;
    let (_, admin) = person(&store, "root@example.com", &[Role::Admin], None).await;
    let password = "correct horse battery staple";
    let a = start(store.clone()).await;
    let other = Store::open(&db).await.expect("second pool");
    let b = start(other.clone()).await;
    // Ada signs in with Firefox on server A and with Safari on server B.
    let cookie_of = |res: &reqwest::Response| {
        let set = session_from(res).expect("a session");
        set.split(';').next().unwrap_or("").to_string()
    };
    let laptop = browser("127.0.0.4", FIREFOX);
    let phone = browser("127.0.0.5", SAFARI);
    let on_laptop = cookie_of(&sign_in_with(&laptop, &a, "ada@example.com", password, None).await);
    let on_phone = cookie_of(&sign_in_with(&phone, &b, "ada@example.com", password, None).await);

    // The laptop lists both, itself marked, with device and address.
    let (status, body) = a
        .get("/api/v1/me/sessions", &[("cookie", &on_laptop)])
        .await;
    assert_eq!(status, 200, "{body}");
    let list: serde_json::Value = serde_json::from_str(&body).expect("json");
    let list = list.as_array().expect("list");
    assert_eq!(list.len(), 2, "{body}");
    let mine = list
        .iter()
        .find(|s| s["current"] == true)
        .expect("this one");
    assert_eq!(
        (mine["device"].as_str(), mine["address"].as_str()),
        (Some("Firefox on Linux"), Some("127.0.0.4"))
    );
    let phone_session = list
        .iter()
        .find(|s| s["current"] == false)
        .expect("the phone");
    assert_eq!(phone_session["device"], "Safari on iPhone", "{body}");
    let handle = phone_session["handle"]
        .as_str()
        .expect("handle")
        .to_string();
    assert!(
        !body.contains(on_phone.trim_start_matches("onramp_session=")),
        "no secret is shown"
    );
    // The page shows the same, with a button to end the other session.
    let (_, page) = a.get("/settings/tokens", &[("cookie", &on_laptop)]).await;
    assert!(
        page.contains("Firefox on Linux <strong>(this one)</strong>")
            && page.contains(&format!("/settings/sessions/{handle}/end"))
            && page.contains("End the session on Safari on iPhone"),
        "{page}"
    );
    // Someone else cannot end it: not found.
    let (_, stranger) = person(&store, "eve@example.com", &[Role::Manager], None).await;
    let (eve, _) = session(&store, stranger).await;
    let res = a
        .client
        .delete(a.url(&format!("/api/v1/me/sessions/{handle}")))
        .header("cookie", &eve)
        .header("x-csrf-token", csrf_of(&store, &eve).await)
        .send()
        .await
        .expect("delete");
    assert_eq!(res.status().as_u16(), 404);
    assert_eq!(b.get("/home", &[("cookie", &on_phone)]).await.0, 200);
    // Ada ends the phone's session from the laptop (server A): server B
    // signs the phone out at its next request.
    let res = laptop
        .post(a.url(&format!("/settings/sessions/{handle}/end")))
        .header("cookie", &on_laptop)
        .form(&[("csrf", csrf_of(&store, &on_laptop).await)])
        .send()
        .await
        .expect("end");
    assert_eq!(res.status().as_u16(), 303);
    let res = phone
        .get(b.url("/home"))
        .header("cookie", &on_phone)
        .send()
        .await
        .expect("home");
    assert_eq!(res.status().as_u16(), 303, "signed out");
    assert_eq!(
        a.get("/home", &[("cookie", &on_laptop)]).await.0,
        200,
        "the laptop stays"
    );
    let events = store.audit_events("account", account).await.expect("audit");
    assert!(
        events.iter().any(|e| e.action == "end-sessions"),
        "{events:?}"
    );

    // "Everywhere else" keeps this one; an administrator can end them all.
    let again = cookie_of(&sign_in_with(&phone, &b, "ada@example.com", password, None).await);
    let res = laptop
        .post(a.url("/settings/sessions/end-others"))
        .header("cookie", &on_laptop)
        .form(&[("csrf", csrf_of(&store, &on_laptop).await)])
        .send()
        .await
        .expect("end others");
    assert_eq!(res.status().as_u16(), 303);
    assert_eq!(b.get("/home", &[("cookie", &again)]).await.0, 303);
    assert_eq!(a.get("/home", &[("cookie", &on_laptop)]).await.0, 200);
    let (root, _) = session(&store, admin).await;
    let res = a
        .client
        .post(a.url(&format!("/admin/users/{account}/sessions/end")))
        .header("cookie", &root)
        .form(&[("csrf", csrf_of(&store, &root).await)])
        .send()
        .await
        .expect("admin ends");
    assert_eq!(res.status().as_u16(), 303);
    assert_eq!(
        b.get("/home", &[("cookie", &on_laptop)]).await.0,
        303,
        "signed out everywhere"
    );
    // Only administrators may.
    let res = a
        .client
        .post(a.url(&format!("/admin/users/{admin}/sessions/end")))
        .header("cookie", &eve)
        .form(&[("csrf", csrf_of(&store, &eve).await)])
        .send()
        .await
        .expect("refused");
    assert_eq!(res.status().as_u16(), 404);
    assert_eq!(a.get("/home", &[("cookie", &root)]).await.0, 200);
    a.stop().await;
    b.stop().await;
    other.close().await;
}

/// The CSRF token of the session in a `onramp_session=…` cookie.
async fn csrf_of(store: &Store, cookie: &str) -> String {
    let secret = cookie.trim_start_matches("onramp_session=");
    store
        .session(secret, Utc::now())
        .await
        .expect("read")
        .expect("a live session")
        .0
        .csrf_token
}
