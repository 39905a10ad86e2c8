//! Email over real SMTP (aiosmtpd, started by each test): what is sent, to
//! whom, with which headers; refusals, retries and failures; one-click
//! unsubscribe; the mail preview; and two servers sharing one outbox.

use crate::common::{session, session_of, start, world};
use crate::on_both;
use chrono::Utc;
use onramp_app::notify::deliver::{Mailer, deliver_due};
use onramp_store::testing::{Backend, with_store};
use onramp_store::{Database, Store};
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

on_both!(
    an_event_is_emailed_once_with_both_parts_and_unsubscribe,
    refusals_fail_busy_servers_are_retried_and_nothing_is_lost,
    without_a_server_mail_waits_in_the_preview,
    two_servers_send_each_of_500_emails_exactly_once,
    starttls_and_implicit_tls_with_the_servers_certificate,
    email_settings_choose_what_comes_by_email,
    the_daily_digest_gathers_a_day_once_on_working_days,
    an_admin_emails_a_reset_link_again
);

const BASE: &str = "https://onramp.example.com";

/// A running aiosmtpd and the file it writes each message to.
struct Sink {
    child: Child,
    port: u16,
    out: tempfile::NamedTempFile,
}

impl Sink {
    fn start(mode: &str) -> Sink {
        Sink::start_with(mode, &[])
    }

    fn start_with(mode: &str, extra: &[&str]) -> Sink {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .expect("free port")
            .local_addr()
            .expect("addr")
            .port();
        let out = tempfile::NamedTempFile::new().expect("file");
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/smtp_sink.py");
        let mut child = Command::new("python3")
            .args([
                script,
                &port.to_string(),
                &out.path().display().to_string(),
                mode,
            ])
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("python3 with aiosmtpd (pip install -r requirements-test.txt)");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut line)
            .expect("ready line");
        assert_eq!(line.trim(), "ready", "aiosmtpd did not start");
        Sink { child, port, out }
    }

    fn mailer(&self) -> Mailer {
        let url = format!("smtp://127.0.0.1:{}?tls=none", self.port);
        Mailer::from_settings(Some(&url), "Onramp <onramp@example.com>", None).expect("mailer")
    }

    /// Every message received: (recipients, raw message).
    fn received(&self) -> Vec<(Vec<String>, String)> {
        std::fs::read_to_string(self.out.path())
            .unwrap_or_default()
            .lines()
            .map(|l| {
                let v: serde_json::Value = serde_json::from_str(l).expect("json line");
                (
                    v["to"]
                        .as_array()
                        .expect("to")
                        .iter()
                        .map(|t| t.as_str().expect("address").to_string())
                        .collect(),
                    v["data"].as_str().expect("data").to_string(),
                )
            })
            .collect()
    }
}

impl Drop for Sink {
    fn drop(&mut self) {
        self.child.kill().ok();
        self.child.wait().ok();
    }
}

use crate::common::app_of;

/// One header's value in a raw message (unfolded).
fn header<'a>(raw: &'a str, name: &str) -> Option<&'a str> {
    raw.lines().take_while(|l| !l.is_empty()).find_map(|l| {
        l.split_once(':')
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.trim())
    })
}

/// The new hire asks for access: the manager's email.
pub(crate) async fn request_access(app: &crate::common::App, w: &crate::common::World) {
    let (status, body) = app
        .send(
            reqwest::Method::POST,
            &format!("/api/v1/onboardings/{}/access-requests", w.onboarding),
            &w.hire.1,
            serde_json::json!({"playground": "shared-omnibus"}),
        )
        .await;
    assert_eq!(status, 201, "{body}");
}

/// The manager denies the open request and the new hire asks again.
pub(crate) async fn request_access_again(app: &crate::common::App, w: &crate::common::World) {
    let (status, list) = app
        .send(
            reqwest::Method::GET,
            "/api/v1/access-requests",
            &w.manager.1,
            serde_json::json!(null),
        )
        .await;
    assert_eq!(status, 200, "{list}");
    let open: serde_json::Value = serde_json::from_str(&list).expect("json");
    for r in open.as_array().expect("list") {
        let id = r["id"].as_i64().expect("id");
        let (status, body) = app
            .send(
                reqwest::Method::PATCH,
                &format!("/api/v1/access-requests/{id}"),
                &w.manager.1,
                serde_json::json!({"status": "denied"}),
            )
            .await;
        assert_eq!(status, 200, "{body}");
    }
    request_access(app, w).await;
}

/// Sends everything due now (the outbox may hold earlier events).
async fn drain(store: &Store, mailer: &Mailer) -> onramp_app::notify::deliver::Round {
    deliver_due(&app_of(store), mailer, BASE, Utc::now())
        .await
        .expect("deliver")
}

async fn an_event_is_emailed_once_with_both_parts_and_unsubscribe(store: Store, _db: Database) {
    let w = world(&store).await;
    let app = start(store.clone()).await;
    let sink = Sink::start("accept");
    let mailer = sink.mailer();
    drain(&store, &mailer).await; // the onboarding-created emails
    let before = sink.received().len();
    request_access(&app, &w).await;
    let round = drain(&store, &mailer).await;
    assert_eq!(round.sent, 1, "{round:?}");
    let received = sink.received();
    assert_eq!(received.len(), before + 1);
    let (to, raw) = received.last().expect("one");
    assert_eq!(to, &vec!["manager@example.com".to_string()]);
    assert!(
        header(raw, "Subject").is_some_and(|s| s.starts_with("Access to approve")),
        "{raw}"
    );
    assert!(raw.contains("multipart/alternative"), "{raw}");
    assert!(
        raw.contains("text/plain") && raw.contains("text/html"),
        "{raw}"
    );
    assert!(
        raw.contains("https://onramp.example.com/access-requests"),
        "absolute link: {raw}"
    );
    let unsubscribe = header(raw, "List-Unsubscribe").expect("List-Unsubscribe");
    assert!(
        unsubscribe.starts_with("<https://onramp.example.com/unsubscribe/"),
        "{raw}"
    );
    assert_eq!(
        header(raw, "List-Unsubscribe-Post"),
        Some("List-Unsubscribe=One-Click")
    );
    let message_id = header(raw, "Message-ID").expect("Message-ID");
    assert!(
        message_id.starts_with("<delivery-") && message_id.ends_with("@onramp.example.com>"),
        "{message_id}"
    );
    // Sent once: the next round finds nothing.
    assert_eq!(drain(&store, &mailer).await.sent, 0);
    assert_eq!(sink.received().len(), before + 1);

    // One click turns this kind of email off (the inbox still has it).
    let token = unsubscribe
        .trim_start_matches("<https://onramp.example.com/unsubscribe/")
        .trim_end_matches('>');
    let (status, page) = app.get(&format!("/unsubscribe/{token}"), &[]).await;
    assert_eq!(status, 200);
    assert!(page.contains("Access to approve"), "{page}");
    let res = app
        .client
        .post(app.url(&format!("/unsubscribe/{token}")))
        .form(&[("List-Unsubscribe", "One-Click")])
        .send()
        .await
        .expect("post");
    assert_eq!(res.status().as_u16(), 200);
    assert_eq!(app.get("/unsubscribe/not-a-token", &[]).await.0, 404);
    // Another request for access: in the inbox, no email.
    let (status, _) = app
        .send(
            reqwest::Method::PATCH,
            "/api/v1/access-requests/1",
            &w.manager.1,
            serde_json::json!({"status": "denied"}),
        )
        .await;
    assert_eq!(status, 200);
    request_access(&app, &w).await;
    drain(&store, &mailer).await;
    assert!(
        sink.received()[before + 1..]
            .iter()
            .all(|(to, _)| to != &vec!["manager@example.com".to_string()]),
        "the manager turned these emails off"
    );
    let inbox = store.notifications(w.manager.0, 10).await.expect("inbox");
    assert_eq!(inbox[0].kind, "access-requested", "still in the inbox");
    app.stop().await;
}

async fn refusals_fail_busy_servers_are_retried_and_nothing_is_lost(store: Store, _db: Database) {
    let w = world(&store).await;
    let app = start(store.clone()).await;
    // A server that refuses: failed at once, with the server's words.
    let refusing = Sink::start("refuse");
    let round = drain(&store, &refusing.mailer()).await;
    assert!(round.failed >= 1 && round.sent == 0, "{round:?}");
    let failed = store.deliveries("failed", 10).await.expect("failed");
    assert!(
        failed[0]
            .last_error
            .as_deref()
            .is_some_and(|e| e.contains("550")),
        "{failed:?}"
    );
    drop(refusing);

    // A busy server (451) and a server that is not there: tried again later.
    request_access(&app, &w).await;
    let busy = Sink::start("busy");
    let round = drain(&store, &busy.mailer()).await;
    assert_eq!((round.retried, round.failed), (1, 0), "{round:?}");
    drop(busy);
    let gone = Mailer::from_settings(
        Some("smtp://127.0.0.1:1?tls=none"),
        "Onramp <onramp@example.com>",
        None,
    )
    .expect("mailer");
    assert_eq!(drain(&store, &gone).await.retried, 0, "not due again yet");
    let later = Utc::now() + chrono::Duration::hours(2);
    let round = deliver_due(&app_of(&store), &gone, BASE, later)
        .await
        .expect("deliver");
    assert_eq!(
        round.retried, 1,
        "connection refused is worth another try: {round:?}"
    );

    // An admin sends a failed one again; it reaches a working server.
    let (cookie, csrf) = session_of(&store, w.admin.0).await;
    let (status, page) = app.get("/admin/mail", &[("cookie", &cookie)]).await;
    assert_eq!(status, 200);
    assert!(page.contains("550"), "the error is shown: {page}");
    let id = failed[0].outgoing.id;
    let res = app
        .client
        .post(app.url(&format!("/admin/mail/{id}/retry")))
        .header("cookie", &cookie)
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .expect("retry");
    assert_eq!(res.status().as_u16(), 303);
    let working = Sink::start("accept");
    let round = deliver_due(
        &app_of(&store),
        &working.mailer(),
        BASE,
        later + chrono::Duration::hours(1),
    )
    .await
    .expect("deliver");
    assert!(
        round.sent >= 2,
        "the retried one and the busy one: {round:?}"
    );

    // A server that dies after claiming (kill -9 before it marks anything):
    // the lease runs out and another round sends it, with the Message-ID the
    // first would have used.
    request_access_again(&app, &w).await;
    let now = Utc::now();
    let claimed = store
        .claim_deliveries(now, chrono::Duration::minutes(5), 50)
        .await
        .expect("claim");
    // The denial (to the new hire) and the new request (to the manager).
    assert_eq!(claimed.len(), 2);
    let mut expected: Vec<String> = claimed
        .iter()
        .map(|c| onramp_app::notify::mail::render(c, BASE).message_id)
        .collect();
    assert_eq!(
        drain(&store, &working.mailer()).await.sent,
        0,
        "still leased"
    );
    let after_lease = now + chrono::Duration::minutes(6);
    let round = deliver_due(&app_of(&store), &working.mailer(), BASE, after_lease)
        .await
        .expect("deliver");
    assert_eq!(round.sent, 2);
    let received = working.received();
    let mut ids: Vec<String> = received[received.len() - 2..]
        .iter()
        .map(|(_, raw)| header(raw, "Message-ID").expect("id").to_string())
        .collect();
    ids.sort();
    expected.sort();
    assert_eq!(ids, expected);

    let (hire_cookie, _) = session(&store, w.hire_account).await;
    assert_eq!(
        app.get("/admin/mail", &[("cookie", &hire_cookie)]).await.0,
        404,
        "the mail page is the admins'"
    );
    app.stop().await;
}

async fn without_a_server_mail_waits_in_the_preview(store: Store, _db: Database) {
    let w = world(&store).await;
    let app = start(store.clone()).await;
    request_access(&app, &w).await;
    let round = drain(&store, &Mailer::Preview).await;
    assert!(round.kept >= 1 && round.sent == 0, "{round:?}");
    let (cookie, _) = session_of(&store, w.admin.0).await;
    let (status, page) = app.get("/admin/mail", &[("cookie", &cookie)]).await;
    assert_eq!(status, 200);
    assert!(
        page.contains("Mail preview") && page.contains("Access to approve"),
        "{page}"
    );
    assert!(page.contains("manager@example.com"), "{page}");
    let (_, metrics) = app.get("/metrics", &[]).await;
    assert!(
        metrics.contains("onramp_outbox_deliveries{channel=\"email\",status=\"kept\"}"),
        "{metrics}"
    );
    app.stop().await;
}

async fn two_servers_send_each_of_500_emails_exactly_once(store: Store, db: Database) {
    let w = world(&store).await;
    let sink = Sink::start("accept");
    drain(&store, &sink.mailer()).await;
    let before = sink.received().len();
    // 500 events: comments by the new hire that mention the manager.
    let expected = 500;
    for i in 0..expected {
        store
            .add_comment(
                w.onboarding,
                None,
                w.hire.0,
                &format!("Note {i} for @manager"),
            )
            .await
            .expect("comment");
    }
    // Two servers: two stores on the same database, sending at once.
    let second = Store::open(&db).await.expect("second server");
    let (a, b) = (store.clone(), second.clone());
    let (ma, mb) = (sink.mailer(), sink.mailer());
    let run = |s: Store, m: Mailer| async move {
        let mut total = 0;
        loop {
            let r = deliver_due(&app_of(&s), &m, BASE, Utc::now())
                .await
                .expect("deliver");
            let n = r.sent + r.retried + r.failed;
            total += r.sent;
            if n == 0 {
                break total;
            }
        }
    };
    let (sent_a, sent_b) = tokio::join!(run(a, ma), run(b, mb));
    assert_eq!(sent_a + sent_b, expected, "{sent_a} + {sent_b}");
    let received = &sink.received()[before..];
    assert_eq!(received.len(), expected);
    let mut ids: Vec<&str> = received
        .iter()
        .map(|(_, raw)| header(raw, "Message-ID").expect("id"))
        .collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), expected, "every message once");
    second.close().await;
}

/// A throw-away CA and a certificate for 127.0.0.1 signed by it (openssl):
/// (directory, CA PEM, server certificate, server key).
fn throw_away_certificates() -> (tempfile::TempDir, Vec<u8>, String, String) {
    let dir = tempfile::tempdir().expect("dir");
    let path = |name: &str| dir.path().join(name).display().to_string();
    std::fs::write(path("ext.cnf"), "subjectAltName=IP:127.0.0.1\n").expect("ext");
    for args in [
        vec![
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            &path("ca.key"),
            "-out",
            &path("ca.pem"),
            "-days",
            "2",
            "-subj",
            "/CN=Onramp test CA",
        ],
        vec![
            "req",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            &path("server.key"),
            "-out",
            &path("server.csr"),
            "-subj",
            "/CN=127.0.0.1",
        ],
        vec![
            "x509",
            "-req",
            "-in",
            &path("server.csr"),
            "-CA",
            &path("ca.pem"),
            "-CAkey",
            &path("ca.key"),
            "-CAcreateserial",
            "-out",
            &path("server.pem"),
            "-days",
            "2",
            "-extfile",
            &path("ext.cnf"),
        ],
    ] {
        let done = Command::new("openssl")
            .args(&args)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .expect("openssl");
        assert!(done.success(), "openssl {args:?}");
    }
    let ca = std::fs::read(path("ca.pem")).expect("ca");
    let (cert, key) = (path("server.pem"), path("server.key"));
    (dir, ca, cert, key)
}

async fn starttls_and_implicit_tls_with_the_servers_certificate(store: Store, _db: Database) {
    let w = world(&store).await;
    let app = start(store.clone()).await;
    let (_dir, ca, cert, key) = throw_away_certificates();
    let from = "Onramp <onramp@example.com>";
    // STARTTLS, required: the server demands it, the client insists on it.
    let starttls = Sink::start_with("starttls", &[&cert, &key]);
    let url = format!("smtp://127.0.0.1:{}", starttls.port);
    let mailer = Mailer::from_settings(Some(&url), from, Some(&ca)).expect("mailer");
    let round = drain(&store, &mailer).await;
    assert!(round.sent >= 1 && round.retried == 0, "{round:?}");
    assert!(!starttls.received().is_empty());
    // A certificate nobody vouches for is not accepted: tried again later.
    request_access(&app, &w).await;
    let untrusted = Mailer::from_settings(Some(&url), from, None).expect("mailer");
    let round = drain(&store, &untrusted).await;
    assert_eq!((round.sent, round.retried), (0, 1), "{round:?}");
    drop(starttls);
    // TLS from the first byte (smtps://).
    let tls = Sink::start_with("tls", &[&cert, &key]);
    let url = format!("smtps://127.0.0.1:{}", tls.port);
    let mailer = Mailer::from_settings(Some(&url), from, Some(&ca)).expect("mailer");
    let later = Utc::now() + chrono::Duration::hours(2);
    let round = deliver_due(&app_of(&store), &mailer, BASE, later)
        .await
        .expect("deliver");
    assert_eq!(round.sent, 1, "{round:?}");
    let (to, raw) = tls.received().pop().expect("received");
    assert_eq!(to, vec!["manager@example.com".to_string()]);
    assert!(header(&raw, "Subject").is_some_and(|s| s.starts_with("Access to approve")));
    app.stop().await;
}

/// Pending email deliveries.
async fn pending(store: &Store) -> i64 {
    store
        .outbox_counts()
        .await
        .expect("counts")
        .rows
        .iter()
        .filter(|(c, s, _)| c == "email" && s == "pending")
        .map(|(_, _, n)| n)
        .sum()
}

async fn email_settings_choose_what_comes_by_email(store: Store, _db: Database) {
    let w = world(&store).await;
    let app = start(store.clone()).await;
    let get = |token: String| {
        let app = &app;
        async move {
            app.send(
                reqwest::Method::GET,
                "/api/v1/me/notification-settings",
                &token,
                serde_json::json!(null),
            )
            .await
        }
    };
    let (status, body) = get(w.manager.1.clone()).await;
    assert_eq!(status, 200, "{body}");
    let all: serde_json::Value = serde_json::from_str(&body).expect("json");
    let of = |v: &serde_json::Value, kind: &str| {
        v.as_array()
            .expect("list")
            .iter()
            .find(|p| p["kind"] == kind)
            .expect("kind")["email"]
            .as_str()
            .expect("mode")
            .to_string()
    };
    assert_eq!(
        all.as_array().expect("list").len(),
        onramp_core::notify::Event::ALL.len(),
        "every kind"
    );
    assert_eq!(of(&all, "access-requested"), "now");
    assert_eq!(
        of(&all, "task-opened"),
        "digest",
        "the default: the daily digest"
    );

    // Bad input names the kind and changes nothing.
    let put = |token: String, body: serde_json::Value| {
        let app = &app;
        async move {
            app.send(
                reqwest::Method::PUT,
                "/api/v1/me/notification-settings",
                &token,
                body,
            )
            .await
        }
    };
    let (status, body) = put(
        w.manager.1.clone(),
        serde_json::json!({"email": {"access-requested": "off", "weather": "now"}}),
    )
    .await;
    assert_eq!(status, 400);
    assert!(body.contains("\"field\":\"email.weather\""), "{body}");
    let (status, body) = put(
        w.manager.1.clone(),
        serde_json::json!({"email": {"access-requested": "sometimes"}}),
    )
    .await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(
        of(
            &serde_json::from_str(&get(w.manager.1.clone()).await.1).expect("json"),
            "access-requested"
        ),
        "now"
    );

    // Off: the inbox gets it, no email is queued.
    let (status, body) = put(
        w.manager.1.clone(),
        serde_json::json!({"email": {"access-requested": "off"}}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let before = pending(&store).await;
    request_access(&app, &w).await;
    assert_eq!(pending(&store).await, before, "no email for the manager");
    assert_eq!(
        store.notifications(w.manager.0, 1).await.expect("inbox")[0].kind,
        "access-requested"
    );

    // The page: one choice per kind; saving a form turns it back on.
    let (cookie, csrf) = session_of(&store, w.manager.0).await;
    let (status, page) = app
        .get("/settings/notifications", &[("cookie", &cookie)])
        .await;
    assert_eq!(status, 200);
    assert!(page.contains("name=\"email.access-requested\""), "{page}");
    let res = app
        .client
        .post(app.url("/settings/notifications"))
        .header("cookie", &cookie)
        .form(&[("csrf", csrf.as_str()), ("email.access-requested", "now")])
        .send()
        .await
        .expect("post");
    assert_eq!(res.status().as_u16(), 303);
    let (_, body) = get(w.manager.1.clone()).await;
    assert_eq!(
        of(
            &serde_json::from_str(&body).expect("json"),
            "access-requested"
        ),
        "now"
    );
    app.stop().await;
}

/// A UTC time on a day of December 2026 (the 7th is a Monday).
fn december(day: u32, hour: u32) -> chrono::DateTime<Utc> {
    use chrono::TimeZone;
    Utc.with_ymd_and_hms(2026, 12, day, hour, 0, 0)
        .single()
        .expect("time")
}

async fn the_daily_digest_gathers_a_day_once_on_working_days(store: Store, db: Database) {
    let w = world(&store).await;
    let app = start(store.clone()).await;
    let sink = Sink::start("accept");
    drain(&store, &sink.mailer()).await;
    // The manager wants comments on their tasks in the digest.
    let (status, body) = app
        .send(
            reqwest::Method::PUT,
            "/api/v1/me/notification-settings",
            &w.manager.1,
            serde_json::json!({"email": {"task-comment": "digest"}}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let (m, _) = crate::common::task(&store, w.onboarding, "m").await;
    for text in ["Is the laptop ordered?", "The welcome call is booked"] {
        let res = app
            .client
            .post(app.url(&format!("/api/v1/onboardings/{}/comments", w.onboarding)))
            .header("authorization", crate::common::bearer(&w.hire.1))
            .multipart(
                reqwest::multipart::Form::new()
                    .text("body", text)
                    .text("task_id", m.to_string()),
            )
            .send()
            .await
            .expect("comment");
        assert_eq!(res.status().as_u16(), 201);
    }
    assert_eq!(
        drain(&store, &sink.mailer()).await.sent,
        0,
        "nothing at once"
    );
    let app_state = app_of(&store);
    let digests = |at| {
        let app_state = app_state.clone();
        async move {
            onramp_app::notify::deliver::make_digests(&app_state, at)
                .await
                .expect("digests")
        }
    };
    // Not on a Saturday, not before 08:00 London time.
    assert_eq!(digests(december(12, 10)).await, 0, "Saturday");
    assert_eq!(digests(december(14, 7)).await, 0, "Monday 07:00");
    // Monday 09:00: one digest, whichever of two servers makes it.
    let second = Store::open(&db).await.expect("second server");
    let other = app_of(&second);
    let (a, b) = tokio::join!(
        digests(december(14, 9)),
        onramp_app::notify::deliver::make_digests(&other, december(14, 9))
    );
    assert_eq!(a + b.expect("digests"), 1);
    assert_eq!(digests(december(14, 10)).await, 0, "once a day");
    second.close().await;

    let round = deliver_due(&app_state, &sink.mailer(), BASE, december(14, 9))
        .await
        .expect("deliver");
    assert_eq!(round.sent, 1, "{round:?}");
    let (to, raw) = sink.received().pop().expect("digest");
    assert_eq!(to, vec!["manager@example.com".to_string()]);
    assert_eq!(
        header(&raw, "Subject"),
        Some("Your Onramp digest: 2 updates since your last digest")
    );
    // The body is quoted-printable: join its soft line breaks to read it.
    let body = raw.replace("=\r\n", "").replace("=\n", "");
    assert!(
        body.contains("Is the laptop ordered?") && body.contains("The welcome call is booked"),
        "{raw}"
    );
    assert!(body.contains(&format!(
        "https://onramp.example.com/onboardings/{}/tasks/{m}",
        w.onboarding
    )));
    // The digest is not an item of the inbox.
    let inbox = store.notifications(w.manager.0, 50).await.expect("inbox");
    assert!(inbox.iter().all(|n| n.kind != "digest"));

    // Its unsubscribe address stops the digest.
    let token = header(&raw, "List-Unsubscribe")
        .expect("header")
        .trim_start_matches("<https://onramp.example.com/unsubscribe/")
        .trim_end_matches('>')
        .to_string();
    let res = app
        .client
        .post(app.url(&format!("/unsubscribe/{token}")))
        .send()
        .await
        .expect("post");
    assert_eq!(res.status().as_u16(), 200);
    let page = res.text().await.expect("page");
    assert!(page.contains("Daily digest"), "{page}");
    let (_, body) = app
        .send(
            reqwest::Method::GET,
            "/api/v1/me/notification-settings",
            &w.manager.1,
            serde_json::json!(null),
        )
        .await;
    let v: serde_json::Value = serde_json::from_str(&body).expect("json");
    assert!(
        v.as_array()
            .expect("list")
            .iter()
            .all(|p| p["email"] != "digest"),
        "no kind goes to the digest any more: {body}"
    );
    app.stop().await;
}

/// An admin sends a person a new reset link by email: it arrives once,
/// works, and stops the link made before it; without a mail server the
/// link is shown to share by hand.
// Long: one scenario across the page, the mail server and the link.
async fn an_admin_emails_a_reset_link_again(store: Store, _db: Database) {
    let w = world(&store).await;
    let sink = Sink::start("accept");
    let mailer = sink.mailer();
    let index = std::sync::Arc::new(onramp_handbook::SearchIndex::in_memory().expect("index"));
    let app = crate::common::start_configured(store.clone(), index, |state| {
        state.app.mailer = mailer;
        state.app.public_url = BASE.to_string();
    })
    .await;
    let account = store
        .account_of_person(w.hire.0)
        .await
        .expect("account")
        .expect("the new hire has an account");
    let (cookie, csrf) = session_of(&store, w.admin.0).await;
    let post = |path: String| {
        let req = app
            .client
            .post(app.url(&path))
            .header("cookie", &cookie)
            .form(&[("csrf", csrf.as_str())]);
        async move {
            let res = req.send().await.expect("post");
            (res.status().as_u16(), res.text().await.expect("body"))
        }
    };
    let (_, page) = app.get("/admin/users", &[("cookie", &cookie)]).await;
    assert!(
        page.contains(">Email a reset link to hire</button>"),
        "{page}"
    );

    // A link shown first, then one emailed: the first stops working.
    let (_, shown) = post(format!("/admin/users/{}/reset", account.id)).await;
    let first = shown
        .split("value=\"https://onramp.example.com/reset/")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("a shown link")
        .to_string();
    let (status, page) = post(format!("/admin/users/{}/reset/email", account.id)).await;
    assert_eq!(status, 200, "{page}");
    assert!(
        page.contains("was emailed to hire at hire@example.com") && !page.contains("reset-link"),
        "{page}"
    );
    let received = sink.received();
    assert_eq!(received.len(), 1, "one email");
    let (to, raw) = &received[0];
    assert_eq!(to, &vec!["hire@example.com".to_string()]);
    assert_eq!(header(raw, "Subject"), Some("Set your Onramp password"));
    assert_eq!(header(raw, "List-Unsubscribe"), None, "not a notification");
    let body = raw.replace("=\r\n", "").replace("=\n", "");
    let secret = body
        .split("https://onramp.example.com/reset/")
        .nth(1)
        .map(|rest| {
            rest.chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
                .collect::<String>()
        })
        .expect("the link in the email");
    let now = Utc::now();
    assert_eq!(
        store
            .reset_password(&first, "a long new password", now)
            .await
            .expect("first"),
        None,
        "the emailed link stops the one shown before"
    );
    assert_eq!(
        store
            .reset_password(&secret, "a long new password", now)
            .await
            .expect("emailed"),
        Some(account.id)
    );
    app.stop().await;

    // Without a mail server: not sent, and the link is shown to share by hand.
    let app = crate::common::start(store.clone()).await;
    let page = app
        .client
        .post(app.url(&format!("/admin/users/{}/reset/email", account.id)))
        .header("cookie", &cookie)
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .expect("post")
        .text()
        .await
        .expect("page");
    assert!(
        page.contains("was not emailed: no mail server is configured")
            && page.contains("data-copy=\"reset-link\""),
        "{page}"
    );
    assert_eq!(sink.received().len(), 1, "nothing more was sent");
    app.stop().await;
}
