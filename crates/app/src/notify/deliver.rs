//! Sending the outbox: the worker claims due deliveries, renders and sends
//! each, and marks it sent, to retry (with back-off), or failed. Without a
//! mail server the mail is kept for admins to read ("mail preview").

use super::mail::{Mail, render};
use crate::{App, Error};
use chrono::{DateTime, Duration, Utc};
use lettre::message::header::{ContentType, Header, HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart, SinglePart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use onramp_store::{Delivered, Outgoing};
use serde::Serialize;

/// Attempts before a delivery fails for good.
pub const MAX_ATTEMPTS: i32 = 8;
/// How long a claim holds a delivery (longer than any send takes).
const LEASE_MINUTES: i64 = 5;
/// Deliveries claimed at once.
pub const BATCH: i64 = 50;
/// People whose digests are made in one transaction.
const DIGEST_BATCH: usize = 250;

/// Where mail goes.
#[derive(Clone)]
pub enum Mailer {
    /// An SMTP server.
    Smtp {
        transport: Box<AsyncSmtpTransport<Tokio1Executor>>,
        from: Mailbox,
        /// The server as configured, without the password (for messages).
        server: String,
    },
    /// No server configured: mail is kept for the admins' preview.
    Preview,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Mailer::Smtp { server, .. } => write!(f, "Mailer::Smtp({server})"),
            Mailer::Preview => f.write_str("Mailer::Preview"),
        }
    }
}

/// `List-Unsubscribe` (RFC 2369).
#[derive(Clone)]
struct ListUnsubscribe(String);

impl Header for ListUnsubscribe {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("List-Unsubscribe")
    }
    fn parse(s: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(ListUnsubscribe(s.to_string()))
    }
    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), self.0.clone())
    }
}

/// `List-Unsubscribe-Post: List-Unsubscribe=One-Click` (RFC 8058).
#[derive(Clone)]
struct ListUnsubscribePost;

impl Header for ListUnsubscribePost {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("List-Unsubscribe-Post")
    }
    fn parse(_: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(ListUnsubscribePost)
    }
    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), "List-Unsubscribe=One-Click".to_string())
    }
}

/// Why a mail server setting is refused; `field` is `smtp_url` or `mail_from`.
fn bad(field: &str, message: impl Into<String>) -> Error {
    Error::bad(field, message)
}

/// The parts of an SMTP URL.
struct SmtpUrl<'a> {
    scheme: &'a str,
    userinfo: Option<String>,
    hostport: &'a str,
    host: &'a str,
    port: Option<u16>,
    /// `?tls=none`: no TLS at all.
    plain: bool,
}

impl<'a> SmtpUrl<'a> {
    fn parse(url: &'a str) -> Result<SmtpUrl<'a>, Error> {
        let (scheme, rest) = url
            .split_once("://")
            .ok_or_else(|| bad("smtp_url", "expected smtp://host:port or smtps://host:port"))?;
        let (rest, plain) = match rest.split_once('?') {
            None => (rest, false),
            Some((r, "tls=none")) => (r, true),
            Some((r, "tls=required")) => (r, false),
            Some((_, q)) => {
                return Err(bad(
                    "smtp_url",
                    format!("`?{q}` is not understood (tls=none or tls=required)"),
                ));
            }
        };
        let (userinfo, hostport) = match rest.trim_end_matches('/').rsplit_once('@') {
            Some((u, h)) => (Some(u), h),
            None => (None, rest.trim_end_matches('/')),
        };
        let (host, port) = match hostport.rsplit_once(':') {
            Some((h, p)) => (
                h,
                Some(
                    p.parse::<u16>()
                        .map_err(|_| bad("smtp_url", format!("`{p}` is not a port number")))?,
                ),
            ),
            None => (hostport, None),
        };
        if host.is_empty() {
            return Err(bad("smtp_url", "the URL names no host"));
        }
        Ok(SmtpUrl {
            scheme,
            userinfo: userinfo.map(str::to_string),
            hostport,
            host,
            port,
            plain,
        })
    }
}

impl Mailer {
    /// The mailer for `ONRAMP_SMTP_URL` and `ONRAMP_MAIL_FROM`:
    /// `smtp://user:pass@host:587` (STARTTLS required), `smtps://…` (TLS
    /// from the start, port 465 by default), `smtp://host:25` (plain, for a
    /// local relay; `?tls=none` for one on another port). No URL: the mail
    /// preview.
    /// `ca_pem` adds a trusted root certificate (a company's own CA, or a
    /// test server's certificate); `None` trusts the usual public roots.
    /// Call it inside a Tokio runtime: the SMTP connection pool starts a task.
    pub fn from_settings(
        url: Option<&str>,
        from: &str,
        ca_pem: Option<&[u8]>,
    ) -> Result<Mailer, Error> {
        let Some(url) = url.map(str::trim).filter(|u| !u.is_empty()) else {
            return Ok(Mailer::Preview);
        };
        let from: Mailbox = from.parse().map_err(|e| {
            bad(
                "mail_from",
                format!("`{from}` is not an email address: {e}"),
            )
        })?;
        let SmtpUrl {
            scheme,
            userinfo,
            hostport,
            host,
            port,
            plain,
        } = SmtpUrl::parse(url)?;
        let tls = || -> Result<TlsParameters, Error> {
            let mut params = TlsParameters::builder(host.to_string());
            if let Some(pem) = ca_pem {
                params = params.add_root_certificate(
                    Certificate::from_pem(pem)
                        .map_err(|e| bad("smtp_ca_file", format!("not a PEM certificate: {e}")))?,
                );
            }
            params
                .build_rustls()
                .map_err(|e| bad("smtp_url", e.to_string()))
        };
        let builder = match (scheme, port) {
            ("smtps", p) => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host)
                .port(p.unwrap_or(465))
                .tls(Tls::Wrapper(tls()?)),
            ("smtp", Some(25)) => {
                AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host).port(25)
            }
            ("smtp", p) if plain => {
                AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host).port(p.unwrap_or(25))
            }
            ("smtp", p) => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host)
                .port(p.unwrap_or(587))
                .tls(Tls::Required(tls()?)),
            (other, _) => {
                return Err(bad(
                    "smtp_url",
                    format!("`{other}://` is not smtp:// or smtps://"),
                ));
            }
        };
        let builder = match userinfo.as_deref() {
            Some(u) => {
                let (user, pass) = u.split_once(':').unwrap_or((u, ""));
                let decode = |s: &str| {
                    percent_decode(s)
                        .map_err(|_| bad("smtp_url", "bad %-escape in the user or password"))
                };
                builder.credentials(Credentials::new(decode(user)?, decode(pass)?))
            }
            None => builder,
        };
        let transport = Box::new(
            builder
                .timeout(Some(std::time::Duration::from_secs(30)))
                .build(),
        );
        Ok(Mailer::Smtp {
            transport,
            from,
            server: format!("{scheme}://{hostport}"),
        })
    }

    /// Sends one mail: the server's answer, or the error and whether trying
    /// again may help.
    pub async fn send(&self, mail: &Mail) -> Result<String, (String, bool)> {
        match self {
            Mailer::Preview => Ok("kept for the mail preview".into()),
            Mailer::Smtp {
                transport, from, ..
            } => {
                let message = message(mail, from).map_err(|e| (e, false))?;
                match transport.send(message).await {
                    Ok(response) => Ok(format!(
                        "{} {}",
                        response.code(),
                        response.message().collect::<Vec<_>>().join(" ")
                    )),
                    Err(e) => Err((e.to_string(), !e.is_permanent())),
                }
            }
        }
    }
}

/// A %-escaped part of a URL, decoded.
fn percent_decode(s: &str) -> Result<String, std::str::Utf8Error> {
    percent_encoding::percent_decode_str(s)
        .decode_utf8()
        .map(|c| c.into_owned())
}

/// The SMTP message of `mail`: text and HTML alternatives, the stable
/// Message-ID and the one-click unsubscribe headers.
fn message(mail: &Mail, from: &Mailbox) -> Result<Message, String> {
    let to: Mailbox = format!(
        "{} <{}>",
        mail.to_name.replace(['<', '>', '"'], ""),
        mail.to
    )
    .parse()
    .or_else(|_| mail.to.parse())
    .map_err(|e| format!("`{}` is not an email address: {e}", mail.to))?;
    let builder = Message::builder()
        .from(from.clone())
        .to(to)
        .subject(mail.subject.clone())
        .message_id(Some(mail.message_id.clone()));
    // Mail someone cannot turn off (a reset link) has no unsubscribe address.
    let builder = if mail.unsubscribe_url.is_empty() {
        builder
    } else {
        builder
            .header(ListUnsubscribe(format!("<{}>", mail.unsubscribe_url)))
            .header(ListUnsubscribePost)
    };
    builder
        .multipart(
            MultiPart::alternative()
                .singlepart(
                    SinglePart::builder()
                        .header(ContentType::TEXT_PLAIN)
                        .body(mail.text.clone()),
                )
                .singlepart(
                    SinglePart::builder()
                        .header(ContentType::TEXT_HTML)
                        .body(mail.html.clone()),
                ),
        )
        .map_err(|e| e.to_string())
}

/// When to try a delivery again after `attempts` failed ones: exponential
/// back-off from 30 seconds, capped at an hour, spread by the delivery id
/// so that many failures do not come back at once.
pub fn retry_at(now: DateTime<Utc>, attempts: i32, id: i64) -> DateTime<Utc> {
    let exp = 30i64.saturating_mul(1i64 << attempts.clamp(0, 16));
    let cap = exp.min(3600);
    let spread = (id.unsigned_abs().wrapping_mul(2_654_435_761) % 1000) as i64;
    now + Duration::seconds(cap / 2 + cap * spread / 2000)
}

/// What one round of the worker did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Round {
    pub sent: usize,
    pub kept: usize,
    pub retried: usize,
    pub failed: usize,
}

/// Messages sent at once (each on its own connection).
const SEND_AT_ONCE: usize = 8;

/// Renders and sends one claimed delivery: what became of it.
async fn deliver_one(
    app: &App,
    mailer: &Mailer,
    base: &str,
    now: DateTime<Utc>,
    o: Outgoing,
) -> Result<Delivered, Error> {
    let items = if o.kind == onramp_core::notify::DIGEST {
        app.store.digest_items(o.notification_id).await?
    } else {
        Vec::new()
    };
    let (outcome, kept) = if o.channel == "chat" {
        let sent = match super::chat::render(&o, &items, base, Utc::now()) {
            Ok(message) => super::chat::post(&message).await,
            Err(e) => Err((e, false)),
        };
        (sent, false)
    } else {
        let mail = if o.kind == onramp_core::notify::DIGEST {
            super::mail::render_digest(&o, &items, base)
        } else {
            render(&o, base)
        };
        (mailer.send(&mail).await, matches!(mailer, Mailer::Preview))
    };
    Ok(match outcome {
        Ok(_) => Delivered::Sent {
            id: o.id,
            status: if kept { "kept" } else { "sent" },
            at: Utc::now(),
        },
        Err((error, transient)) => {
            let again =
                (transient && o.attempts < MAX_ATTEMPTS).then(|| retry_at(now, o.attempts, o.id));
            tracing::warn!(delivery = o.id, channel = %o.channel, attempts = o.attempts, %error, retry = again.is_some(), "not delivered");
            Delivered::NotSent {
                id: o.id,
                error,
                retry_at: again,
            }
        }
    })
}

/// Sends the deliveries due at `now` (one batch, a few at once) and records
/// what became of them in one transaction; `base` starts the links. A crash
/// between sending and recording sends those again after the lease, with
/// the same Message-ID (and the same `X-Onramp-Delivery`).
pub async fn deliver_due(
    app: &App,
    mailer: &Mailer,
    base: &str,
    now: DateTime<Utc>,
) -> Result<Round, Error> {
    use futures_util::StreamExt;
    let claimed = app
        .store
        .claim_deliveries(now, Duration::minutes(LEASE_MINUTES), BATCH)
        .await?;
    let results: Vec<Result<Delivered, Error>> = futures_util::stream::iter(claimed)
        .map(|o| deliver_one(app, mailer, base, now, o))
        .buffer_unordered(SEND_AT_ONCE)
        .collect()
        .await;
    let results: Vec<Delivered> = results.into_iter().collect::<Result<_, _>>()?;
    app.store.record_deliveries(&results).await?;
    let mut round = Round::default();
    for r in &results {
        match r {
            Delivered::Sent { status: "kept", .. } => round.kept += 1,
            Delivered::Sent { .. } => round.sent += 1,
            Delivered::NotSent {
                retry_at: Some(_), ..
            } => round.retried += 1,
            Delivered::NotSent { .. } => round.failed += 1,
        }
    }
    Ok(round)
}

/// Makes the daily digests that are due at `now`: for each person with
/// notifications waiting, once per local day, on working days from their
/// chosen hour (08:00 unless they chose) in their time zone. Answers how many were made (each server may
/// run this; a day's digest is made once).
pub async fn make_digests(app: &App, now: DateTime<Utc>) -> Result<usize, Error> {
    let due: Vec<(i64, chrono::NaiveDate)> = app
        .store
        .digest_candidates()
        .await?
        .into_iter()
        .filter_map(|(person, zone, hour)| {
            let local = onramp_core::notify::local_time(now, &zone);
            let hour = u32::try_from(hour).unwrap_or(onramp_core::notify::DIGEST_HOUR);
            onramp_core::notify::digest_due(local, hour).then(|| (person, local.date()))
        })
        .collect();
    let mut made = 0;
    // A few hundred people per transaction: one commit each, and short
    // enough that requests are not kept waiting for the write lock.
    for batch in due.chunks(DIGEST_BATCH) {
        made += app.store.make_digests(batch, now).await?.len();
    }
    Ok(made)
}

/// Sends a password reset link to `to` now. Without a mail server, or when
/// the server refuses, the reason (the caller shows the link instead).
pub async fn send_reset(
    mailer: &Mailer,
    to: &str,
    name: &str,
    link: &str,
    hours: i64,
) -> Result<(), String> {
    if matches!(mailer, Mailer::Preview) {
        return Err(
            "no mail server is configured (ONRAMP_SMTP_URL), so Onramp cannot send it".into(),
        );
    }
    let mail = Mail {
        to: to.to_string(),
        to_name: name.to_string(),
        subject: "Set your Onramp password".into(),
        text: format!(
            "Hello {name},\n\nAn administrator sent you a link to set your Onramp password:\n\n{link}\n\nIt works once, within {hours} hours. If you did not expect it, you can ignore this email.\n"
        ),
        html: format!(
            "<p>Hello {},</p><p>An administrator sent you a link to set your Onramp password:</p><p><a href=\"{}\">Set my password</a></p><p>It works once, within {hours} hours. If you did not expect it, you can ignore this email.</p>",
            ammonia::clean_text(name),
            ammonia::clean_text(link)
        ),
        message_id: format!("<reset-{}@onramp.invalid>", Utc::now().timestamp_micros()),
        unsubscribe_url: String::new(),
    };
    mailer
        .send(&mail)
        .await
        .map(|_| ())
        .map_err(|(e, _)| format!("the mail server refused it: {e}"))
}

/// Sends a test email to `to` now: the server's answer.
pub async fn send_test(mailer: &Mailer, to: &str, name: &str, base: &str) -> Result<String, Error> {
    let mail = Mail {
        to: to.to_string(),
        to_name: name.to_string(),
        subject: "Onramp test email".into(),
        text: format!("This is a test email from Onramp at {base}. If you read it, mail works.\n"),
        html: format!(
            "<p>This is a test email from Onramp at {}. If you read it, mail works.</p>",
            ammonia::clean_text(base)
        ),
        message_id: format!("<test-{}@onramp.invalid>", Utc::now().timestamp_micros()),
        unsubscribe_url: format!("{}/inbox", base.trim_end_matches('/')),
    };
    mailer
        .send(&mail)
        .await
        .map_err(|(e, _)| Error::Internal(format!("the mail server refused: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn settings_pick_the_transport_and_name_what_is_wrong() {
        assert!(matches!(
            Mailer::from_settings(None, "x", None),
            Ok(Mailer::Preview)
        ));
        let ok =
            |url: &str| match Mailer::from_settings(Some(url), "Onramp <onramp@example.com>", None)
            {
                Ok(Mailer::Smtp { server, .. }) => server,
                Ok(Mailer::Preview) => "preview".into(),
                Err(e) => panic!("{url}: {e}"),
            };
        assert_eq!(
            ok("smtp://user:p%40ss@mail.example.com:587"),
            "smtp://mail.example.com:587"
        );
        assert_eq!(ok("smtps://mail.example.com"), "smtps://mail.example.com");
        assert_eq!(ok("smtp://localhost:25"), "smtp://localhost:25");
        assert_eq!(
            ok("smtp://localhost:2525?tls=none"),
            "smtp://localhost:2525"
        );
        let field = |url: &str, from: &str| match Mailer::from_settings(Some(url), from, None) {
            Err(Error::Invalid { field, .. }) => field,
            Err(other) => panic!("{other}"),
            Ok(_) => panic!("{url} accepted"),
        };
        assert_eq!(
            field("http://mail.example.com", "a@example.com"),
            "smtp_url"
        );
        assert_eq!(
            field("smtp://mail.example.com:nope", "a@example.com"),
            "smtp_url"
        );
        assert_eq!(field("mail.example.com", "a@example.com"), "smtp_url");
        assert_eq!(
            field("smtp://mail.example.com?tls=maybe", "a@example.com"),
            "smtp_url"
        );
        assert_eq!(
            field("smtp://mail.example.com", "not an address"),
            "mail_from"
        );
    }

    #[test]
    fn back_off_grows_and_stays_under_an_hour() {
        let now = Utc::now();
        let first = retry_at(now, 1, 5) - now;
        let later = retry_at(now, 6, 5) - now;
        assert!(
            first >= Duration::seconds(30) && first <= Duration::seconds(60),
            "{first}"
        );
        assert!(later > first);
        assert!(retry_at(now, 30, 5) - now <= Duration::hours(1));
    }
}
