//! Chat webhooks against a local HTTP receiver: a person's own chat (signed
//! JSON checked with Python's hmac, Slack's format), program and team
//! channels that hear announcements only, preferences, and receivers that
//! fail (retried, then failed, nothing lost).

use crate::common::{App, person, start_configured, world};
use crate::on_both;
use axum::http::HeaderMap;
use chrono::Utc;
use onramp_app::Caller;
use onramp_app::notify::chat::{ChannelTarget, add_channel};
use onramp_app::notify::deliver::{MAX_ATTEMPTS, Mailer, Round, deliver_due};
use onramp_core::people::Role;
use onramp_store::testing::{Backend, with_store};
use onramp_store::{Database, Store};
use std::sync::{Arc, Mutex};

on_both!(
    a_persons_chat_hears_what_they_chose_signed,
    channels_hear_announcements_and_nothing_private,
    a_failing_hook_is_retried_then_failed_and_nothing_is_lost,
    a_persons_hook_must_be_public_unless_allowed,
    the_chat_digest_goes_with_or_without_the_email_digest,
    the_settings_page_connects_and_disconnects_a_chat
);

const BASE: &str = "https://onramp.example.com";

/// One request the receiver got.
#[derive(Debug, Clone)]
struct Received {
    path: String,
    headers: HeaderMap,
    body: String,
}

/// A local webhook receiver: records each POST and answers with the next
/// status of `answers` (200 once they run out).
struct Receiver {
    base: String,
    got: Arc<Mutex<Vec<Received>>>,
    answers: Arc<Mutex<Vec<u16>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Receiver {
    async fn start() -> Receiver {
        let got: Arc<Mutex<Vec<Received>>> = Arc::default();
        let answers: Arc<Mutex<Vec<u16>>> = Arc::default();
        let (g, a) = (Arc::clone(&got), Arc::clone(&answers));
        let router = axum::Router::new().route(
            "/{*path}",
            axum::routing::post(
                move |uri: axum::http::Uri, headers: HeaderMap, body: String| {
                    let (g, a) = (Arc::clone(&g), Arc::clone(&a));
                    async move {
                        g.lock().expect("lock").push(Received {
                            path: uri.path().to_string(),
                            headers,
                            body,
                        });
                        let mut answers = a.lock().expect("lock");
                        let status = if answers.is_empty() {
                            200
                        } else {
                            answers.remove(0)
                        };
                        (
                            axum::http::StatusCode::from_u16(status).expect("status"),
                            "ok",
                        )
                    }
                },
            ),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let base = format!("http://{}", listener.local_addr().expect("addr"));
        let task = tokio::spawn(async move {
            axum::serve(listener, router).await.ok();
        });
        Receiver {
            base,
            got,
            answers,
            task,
        }
    }

    fn got(&self, path: &str) -> Vec<Received> {
        self.got
            .lock()
            .expect("lock")
            .iter()
            .filter(|r| r.path == path)
            .cloned()
            .collect()
    }

    fn answer_with(&self, statuses: &[u16]) {
        self.answers.lock().expect("lock").extend(statuses);
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// The server, allowed to post to the local receiver.
async fn server(store: &Store) -> App {
    let index = Arc::new(onramp_handbook::SearchIndex::in_memory().expect("index"));
    start_configured(store.clone(), index, |s| s.app.chat_local_hooks = true).await
}

use crate::common::app_of;

/// Sends everything due at `at` (the mail is kept for the preview).
async fn drain_at(store: &Store, at: chrono::DateTime<Utc>) -> Round {
    deliver_due(&app_of(store), &Mailer::Preview, BASE, at)
        .await
        .expect("deliver")
}

async fn drain(store: &Store) -> Round {
    drain_at(store, Utc::now()).await
}

async fn connect(app: &App, token: &str, format: &str, url: &str) -> (u16, serde_json::Value) {
    let (status, body) = app
        .send(
            reqwest::Method::PUT,
            "/api/v1/me/chat",
            token,
            serde_json::json!({"format": format, "url": url}),
        )
        .await;
    (
        status,
        serde_json::from_str(&body).unwrap_or(serde_json::Value::Null),
    )
}

/// Whether Python's own hmac finds `signature` right for `timestamp.body`.
fn python_verifies(secret: &str, timestamp: &str, body: &str, signature: &str) -> bool {
    let script = "import hmac, hashlib, sys\n\
        secret, stamp, sig = sys.argv[1:4]\n\
        body = sys.stdin.buffer.read()\n\
        mac = hmac.new(secret.encode(), stamp.encode() + b'.' + body, hashlib.sha256).hexdigest()\n\
        sys.exit(0 if hmac.compare_digest('sha256=' + mac, sig) else 1)\n";
    let mut child = std::process::Command::new("python3")
        .args(["-c", script, secret, timestamp, signature])
        .stdin(std::process::Stdio::piped())
        .spawn()
        .expect("python3");
    use std::io::Write;
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(body.as_bytes())
        .expect("write");
    child.wait().expect("wait").success()
}

/// The `text` of a Slack or Mattermost message.
fn text_of(r: &Received) -> String {
    serde_json::from_str::<serde_json::Value>(&r.body).expect("json")["text"]
        .as_str()
        .expect("text")
        .to_string()
}

fn header<'a>(r: &'a Received, name: &str) -> &'a str {
    r.headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
}

async fn a_persons_chat_hears_what_they_chose_signed(store: Store, _db: Database) {
    let w = world(&store).await;
    let app = server(&store).await;
    let hooks = Receiver::start().await;
    drain(&store).await; // what the set-up caused

    // The manager connects signed JSON; the answer shows the secret once.
    let (status, connected) = connect(
        &app,
        &w.manager.1,
        "json",
        &format!("{}/manager", hooks.base),
    )
    .await;
    assert_eq!(status, 200, "{connected}");
    let secret = connected["secret"].as_str().expect("secret").to_string();
    assert_eq!(
        connected["url"],
        format!("{}/…", hooks.base),
        "the address is hidden"
    );
    let (status, mine) = app
        .send(
            reqwest::Method::GET,
            "/api/v1/me/chat",
            &w.manager.1,
            serde_json::Value::Null,
        )
        .await;
    assert_eq!(status, 200);
    assert!(!mine.contains(&secret), "the secret is shown once: {mine}");

    crate::mail::request_access(&app, &w).await;
    let round = drain(&store).await;
    assert_eq!(
        round.sent, 1,
        "one chat message (the email is kept): {round:?}"
    );
    let got = hooks.got("/manager");
    assert_eq!(got.len(), 1);
    let r = &got[0];
    let payload: serde_json::Value = serde_json::from_str(&r.body).expect("json");
    assert_eq!(payload["event"], "access-requested");
    assert_eq!(payload["label"], "Access to approve");
    assert_eq!(payload["recipient"]["email"], "manager@example.com");
    assert!(
        payload["link"]
            .as_str()
            .is_some_and(|l| l.starts_with("https://onramp.example.com/")),
        "absolute link: {payload}"
    );
    assert_eq!(header(r, "content-type"), "application/json");
    assert_eq!(
        header(r, "x-onramp-delivery"),
        payload["delivery_id"].to_string()
    );
    assert!(python_verifies(
        &secret,
        header(r, "x-onramp-timestamp"),
        &r.body,
        header(r, "x-onramp-signature")
    ));
    assert!(
        !python_verifies(
            "wrong",
            header(r, "x-onramp-timestamp"),
            &r.body,
            header(r, "x-onramp-signature")
        ),
        "the check itself must be able to fail"
    );
    // Nothing more: sent once.
    assert_eq!(drain(&store).await, Round::default());

    // The manager turns chat off for this kind: nothing comes; email is
    // unchanged.
    let (status, prefs) = app
        .send(
            reqwest::Method::PUT,
            "/api/v1/me/notification-settings",
            &w.manager.1,
            serde_json::json!({"chat": {"access-requested": "off"}}),
        )
        .await;
    assert_eq!(status, 200, "{prefs}");
    let prefs: serde_json::Value = serde_json::from_str(&prefs).expect("json");
    let access = prefs
        .as_array()
        .expect("list")
        .iter()
        .find(|p| p["kind"] == "access-requested")
        .expect("kind");
    assert_eq!(
        (access["chat"].as_str(), access["email"].as_str()),
        (Some("off"), Some("now"))
    );
    // A bad mode names its field and changes nothing.
    let (status, body) = app
        .send(
            reqwest::Method::PUT,
            "/api/v1/me/notification-settings",
            &w.manager.1,
            serde_json::json!({"chat": {"access-requested": "loud"}}),
        )
        .await;
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("chat.access-requested"), "{body}");
    crate::mail::request_access_again(&app, &w).await;
    let round = drain(&store).await;
    assert_eq!(round.sent, 0, "{round:?}");
    assert_eq!(hooks.got("/manager").len(), 1);

    // Slack: the new hire connects theirs; the manager's decision reaches
    // it as Slack text with an absolute link.
    let (status, _) = connect(&app, &w.hire.1, "slack", &format!("{}/hire", hooks.base)).await;
    assert_eq!(status, 200);
    let (_, list) = app
        .send(
            reqwest::Method::GET,
            "/api/v1/access-requests",
            &w.manager.1,
            serde_json::Value::Null,
        )
        .await;
    let list: serde_json::Value = serde_json::from_str(&list).expect("json");
    let id = list[0]["id"].as_i64().expect("request");
    let (status, body) = app
        .send(
            reqwest::Method::PATCH,
            &format!("/api/v1/access-requests/{id}"),
            &w.manager.1,
            serde_json::json!({"status": "approved"}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    drain(&store).await;
    let got = hooks.got("/hire");
    assert_eq!(got.len(), 1, "{got:?}");
    let text = text_of(&got[0]);
    assert!(text.starts_with("*Access request answered*"), "{text}");
    assert!(
        text.contains("<https://onramp.example.com/") && text.contains("|Open in Onramp>"),
        "{text}"
    );
    assert!(got[0].headers.get("x-onramp-signature").is_none());

    // Disconnected: nothing more goes there.
    let (status, _) = app
        .send(
            reqwest::Method::DELETE,
            "/api/v1/me/chat",
            &w.hire.1,
            serde_json::Value::Null,
        )
        .await;
    assert_eq!(status, 204);
    let (status, _) = app
        .send(
            reqwest::Method::GET,
            "/api/v1/me/chat",
            &w.hire.1,
            serde_json::Value::Null,
        )
        .await;
    assert_eq!(status, 404);
}

async fn channels_hear_announcements_and_nothing_private(store: Store, _db: Database) {
    let w = world(&store).await;
    let app = server(&store).await;
    let hooks = Receiver::start().await;
    drain(&store).await;
    let core = app_of(&store);
    let (program_hook, secret) = add_channel(
        &core,
        Caller::Operator,
        ChannelTarget::Program("pilot"),
        "mattermost",
        &format!("{}/program", hooks.base),
    )
    .await
    .expect("program channel");
    assert!(secret.is_none(), "only the json format is signed");
    add_channel(
        &core,
        Caller::Operator,
        ChannelTarget::TeamOf("manager@example.com"),
        "teams",
        &format!("{}/team", hooks.base),
    )
    .await
    .expect("team channel");
    // Bad targets name their field; a person who is not an admin may not.
    for (target, field) in [
        (ChannelTarget::Program("nope"), "program"),
        (ChannelTarget::TeamOf("nobody@example.com"), "team"),
    ] {
        match add_channel(
            &core,
            Caller::Operator,
            target,
            "slack",
            "https://x.example/h",
        )
        .await
        {
            Err(onramp_app::Error::Invalid { field: f, .. }) => assert_eq!(f, field),
            other => panic!("{other:?}"),
        }
    }
    let manager = onramp_app::Actor {
        person_id: w.manager.0,
        roles: vec![Role::Manager],
    };
    assert!(matches!(
        add_channel(
            &core,
            Caller::Person(&manager),
            ChannelTarget::Program("pilot"),
            "slack",
            "https://x.example/h"
        )
        .await,
        Err(onramp_app::Error::NotFound)
    ));

    // A private event (access to approve) reaches no channel.
    crate::mail::request_access(&app, &w).await;
    drain(&store).await;
    assert!(hooks.got("/program").is_empty());
    assert!(hooks.got("/team").is_empty());

    // A buddy is assigned: both channels hear it once, in their formats.
    let (backup, _) = person(&store, "backup@example.com", &[Role::Buddy], None).await;
    let _ = backup;
    let (status, body) = app
        .send(
            reqwest::Method::PUT,
            &format!("/api/v1/onboardings/{}/buddy", w.onboarding),
            &w.manager.1,
            serde_json::json!({"email": "backup@example.com", "backup": true}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    drain(&store).await;
    let program = hooks.got("/program");
    assert_eq!(program.len(), 1, "{program:?}");
    let text = text_of(&program[0]);
    assert!(text.starts_with("**Buddy assigned**"), "{text}");
    assert!(text.contains("backup buddy"), "{text}");
    let team = hooks.got("/team");
    assert_eq!(team.len(), 1);
    let card: serde_json::Value = serde_json::from_str(&team[0].body).expect("json");
    assert_eq!(card["@type"], "MessageCard");
    assert!(
        card["potentialAction"][0]["targets"][0]["uri"]
            .as_str()
            .is_some_and(|u| u.starts_with("https://onramp.example.com/onboardings/")),
        "{card}"
    );
    // The announcement is in nobody's inbox twice: the new hire has their
    // own notice of the buddy, not the channel's copy.
    let (_, inbox) = app
        .send(
            reqwest::Method::GET,
            "/api/v1/notifications",
            &w.hire.1,
            serde_json::Value::Null,
        )
        .await;
    let inbox: serde_json::Value = serde_json::from_str(&inbox).expect("json");
    let buddy_notices = inbox
        .as_array()
        .expect("list")
        .iter()
        .filter(|n| n["kind"] == "buddy-assigned")
        .count();
    assert_eq!(buddy_notices, 1, "{inbox}");

    // Another manager's team channel does not hear this team.
    let channels = onramp_app::notify::chat::channels(&core, Caller::Operator)
        .await
        .expect("channels");
    assert_eq!(channels.len(), 2);
    assert_eq!(channels[0].target, "pilot");
    assert_eq!(channels[1].target, "manager@example.com");
    onramp_app::notify::chat::remove_channel(&core, Caller::Operator, program_hook.id)
        .await
        .expect("remove");
    assert_eq!(
        onramp_app::notify::chat::channels(&core, Caller::Operator)
            .await
            .expect("channels")
            .len(),
        1
    );
}

async fn a_failing_hook_is_retried_then_failed_and_nothing_is_lost(store: Store, _db: Database) {
    let w = world(&store).await;
    let app = server(&store).await;
    let hooks = Receiver::start().await;
    drain(&store).await;
    let (status, _) = connect(&app, &w.manager.1, "slack", &format!("{}/m", hooks.base)).await;
    assert_eq!(status, 200);
    // Busy twice (503, 429), then accepted: retried with back-off.
    hooks.answer_with(&[503, 429]);
    crate::mail::request_access(&app, &w).await;
    let first = drain(&store).await;
    assert_eq!((first.retried, first.sent), (1, 0), "{first:?}");
    // Not due again yet.
    assert_eq!(drain(&store).await, Round::default());
    let later = Utc::now() + chrono::Duration::hours(2);
    assert_eq!(drain_at(&store, later).await.retried, 1);
    let later = later + chrono::Duration::hours(2);
    assert_eq!(drain_at(&store, later).await.sent, 1);
    assert_eq!(hooks.got("/m").len(), 3, "one message, tried three times");

    // A hook that is gone (404) fails at once, shown to admins with the
    // hook's address hidden and the answer; an admin's retry sends it.
    hooks.answer_with(&[404]);
    crate::mail::request_access_again(&app, &w).await;
    let gone = drain_at(&store, later).await;
    assert_eq!(gone.failed, 1, "{gone:?}");
    let admin = onramp_app::Actor {
        person_id: w.admin.0,
        roles: vec![Role::Admin],
    };
    let failed = onramp_app::notify::mails(&app_of(&store), &admin, "failed", BASE)
        .await
        .expect("failed list");
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0].channel, "chat");
    assert!(
        failed[0].to.starts_with("slack chat http://127.0.0.1:"),
        "{:?}",
        failed[0]
    );
    assert!(
        failed[0]
            .last_error
            .as_deref()
            .is_some_and(|e| e.starts_with("HTTP 404")),
        "{:?}",
        failed[0]
    );
    onramp_app::notify::retry(&app_of(&store), &admin, failed[0].delivery_id)
        .await
        .expect("retry");
    assert_eq!(drain_at(&store, later).await.sent, 1);

    // A receiver that never answers: after the last attempt, failed.
    let dead = std::net::TcpListener::bind("127.0.0.1:0").expect("port");
    let dead_url = format!("http://{}/x", dead.local_addr().expect("addr"));
    drop(dead);
    let (status, _) = connect(&app, &w.manager.1, "slack", &dead_url).await;
    assert_eq!(status, 200);
    crate::mail::request_access_again(&app, &w).await;
    let mut at = later;
    let mut failed = 0;
    for _ in 0..MAX_ATTEMPTS {
        at += chrono::Duration::hours(2);
        failed += drain_at(&store, at).await.failed;
    }
    assert_eq!(failed, 1, "failed after {MAX_ATTEMPTS} attempts");
}

async fn a_persons_hook_must_be_public_unless_allowed(store: Store, _db: Database) {
    let w = world(&store).await;
    // The default server: people's hooks must be public https.
    let app = crate::common::start(store.clone()).await;
    for (url, format) in [
        ("http://127.0.0.1:9/x", "slack"),
        ("https://10.0.0.5/hooks/x", "mattermost"),
        ("https://hooks.example.com/x", "irc"),
    ] {
        let (status, body) = connect(&app, &w.hire.1, format, url).await;
        assert_eq!(status, 400, "{url}: {body}");
        let field = if format == "irc" { "format" } else { "url" };
        assert_eq!(body["field"], field, "{body}");
    }
    let (status, _) = app
        .send(
            reqwest::Method::GET,
            "/api/v1/me/chat",
            &w.hire.1,
            serde_json::Value::Null,
        )
        .await;
    assert_eq!(status, 404, "nothing was connected");
    let (status, body) = connect(
        &app,
        &w.hire.1,
        "teams",
        "https://example.webhook.office.com/webhookb2/abc/def",
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body["url"],
        "https://example.webhook.office.com/webhookb2/…"
    );
    assert!(body.get("secret").is_none(), "{body}");
}

async fn the_chat_digest_goes_with_or_without_the_email_digest(store: Store, _db: Database) {
    use chrono::TimeZone;
    let w = world(&store).await;
    let app = server(&store).await;
    let hooks = Receiver::start().await;
    drain(&store).await;
    let (status, _) = connect(&app, &w.manager.1, "slack", &format!("{}/m", hooks.base)).await;
    assert_eq!(status, 200);
    // Access requests: in the chat's digest only, no email at all.
    let (status, body) = app
        .send(
            reqwest::Method::PUT,
            "/api/v1/me/notification-settings",
            &w.manager.1,
            serde_json::json!({"chat": {"access-requested": "digest"}, "email": {"access-requested": "off"}}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    crate::mail::request_access(&app, &w).await;
    crate::mail::request_access_again(&app, &w).await;
    assert_eq!(drain(&store).await.sent, 0, "nothing at once");
    // Monday 09:00 in London.
    let monday = Utc
        .with_ymd_and_hms(2026, 12, 14, 9, 0, 0)
        .single()
        .expect("time");
    let made = onramp_app::notify::deliver::make_digests(&app_of(&store), monday)
        .await
        .expect("digests");
    assert_eq!(made, 1);
    let round = drain_at(&store, monday).await;
    assert_eq!(
        (round.sent, round.kept),
        (1, 0),
        "the chat only, no email: {round:?}"
    );
    let got = hooks.got("/m");
    assert_eq!(got.len(), 1);
    let text = text_of(&got[0]);
    assert!(text.starts_with("*Daily digest*: 2 updates"), "{text}");
    assert_eq!(text.matches("\n• ").count(), 2, "{text}");
}

async fn the_settings_page_connects_and_disconnects_a_chat(store: Store, _db: Database) {
    let w = world(&store).await;
    let app = crate::common::start(store.clone()).await;
    let (cookie, csrf) = crate::common::session_of(&store, w.buddy.0).await;
    let page = |cookie: String| {
        let app = &app;
        async move {
            app.get("/settings/notifications", &[("cookie", &cookie)])
                .await
        }
    };
    let (status, body) = page(cookie.clone()).await;
    assert_eq!(status, 200);
    assert!(body.contains("Nothing goes to a chat yet"), "{body}");
    assert!(body.contains("name=\"chat.mention\""), "{body}");
    let post = |path: &'static str, fields: Vec<(&'static str, String)>| {
        let app = &app;
        let cookie = cookie.clone();
        async move {
            app.client
                .post(app.url(path))
                .header("cookie", &cookie)
                .form(&fields)
                .send()
                .await
                .expect("post")
        }
    };
    // A bad address: the page says which field, nothing is connected.
    let res = post(
        "/settings/chat",
        vec![
            ("csrf", csrf.clone()),
            ("format", "slack".into()),
            ("url", "http://192.168.1.2/hook".into()),
        ],
    )
    .await;
    assert_eq!(res.status().as_u16(), 400);
    assert!(res.text().await.expect("body").contains("https://"));
    // Without the form's token: refused.
    let res = post(
        "/settings/chat",
        vec![
            ("format", "slack".into()),
            ("url", "https://hooks.example.com/a".into()),
        ],
    )
    .await;
    assert_eq!(res.status().as_u16(), 403);
    // Signed JSON: the secret is shown once, on the answer.
    let res = post(
        "/settings/chat",
        vec![
            ("csrf", csrf.clone()),
            ("format", "json".into()),
            ("url", "https://tools.example.com/onramp/secret-part".into()),
        ],
    )
    .await;
    assert_eq!(res.status().as_u16(), 200);
    let answer = res.text().await.expect("body");
    assert!(answer.contains("id=\"secret\""), "{answer}");
    let (_, body) = page(cookie.clone()).await;
    assert!(body.contains("Signed JSON (other tools)"), "{body}");
    assert!(
        body.contains("https://tools.example.com/onramp/…"),
        "{body}"
    );
    assert!(
        !body.contains("secret-part"),
        "the address's secret part is hidden"
    );
    let res = post("/settings/chat/disconnect", vec![("csrf", csrf.clone())]).await;
    assert_eq!(res.status().as_u16(), 303);
    let (_, body) = page(cookie.clone()).await;
    assert!(body.contains("Nothing goes to a chat yet"), "{body}");
    app.stop().await;
}
