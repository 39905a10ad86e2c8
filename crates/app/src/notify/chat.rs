//! Chat: a person connects their own chat (a Slack, Mattermost or Teams
//! incoming webhook, or any tool that takes signed JSON) and hears there what
//! they chose; administrators connect program and team channels, which hear
//! announcements only. Messages leave through the outbox like email.

use crate::{Actor, App, Caller, Error};
use onramp_core::access::may_administer;
use onramp_core::calendar::in_zone;
use onramp_core::notify::{ChatFormat, DIGEST, Event};
use onramp_store::{ChannelHook, ChannelScope, ChatHook, Notification, Outgoing};
use serde::Serialize;
use serde_json::json;
use std::sync::{Arc, LazyLock};
use utoipa::ToSchema;

/// How long one webhook call may take.
const TIMEOUT_SECONDS: u64 = 10;

/// A person's connected chat, as they see it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MyChat {
    /// `slack`, `mattermost`, `teams` or `json`.
    pub format: String,
    pub format_label: String,
    /// The webhook address, its secret part hidden.
    pub url: String,
    /// The signing secret of the `json` format: shown only in the answer
    /// that connects it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
    pub connected_at: chrono::DateTime<chrono::Utc>,
}

/// A webhook address with everything after the host's first path segment
/// hidden (the rest is a credential).
pub fn masked(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return "…".into();
    };
    let mut parts = rest.splitn(3, '/');
    let host = parts.next().unwrap_or_default();
    match (parts.next(), parts.next()) {
        (Some(first), Some(_)) => format!("{scheme}://{host}/{first}/…"),
        (Some(_), None) => format!("{scheme}://{host}/…"),
        _ => format!("{scheme}://{host}"),
    }
}

fn my_chat(hook: ChatHook, secret: Option<String>) -> MyChat {
    let format = ChatFormat::parse(&hook.format);
    MyChat {
        format_label: format.map_or_else(|| hook.format.clone(), |f| f.label().to_string()),
        url: masked(&hook.url),
        format: hook.format,
        secret,
        connected_at: hook.created_at,
    }
}

fn format_of(format: &str) -> Result<ChatFormat, Error> {
    ChatFormat::parse(format.trim()).ok_or_else(|| {
        Error::bad(
            "format",
            format!("`{format}` is not one of slack, mattermost, teams, json"),
        )
    })
}

/// The acting person's chat, if connected.
pub async fn mine(app: &App, actor: &Actor) -> Result<Option<MyChat>, Error> {
    Ok(app
        .store
        .personal_hook(actor.person_id)
        .await?
        .map(|h| my_chat(h, None)))
}

/// Connects the acting person's chat (replacing the one they had). The
/// address must be public `https://` unless the server allows local hooks.
pub async fn connect(app: &App, actor: &Actor, format: &str, url: &str) -> Result<MyChat, Error> {
    let format = format_of(format)?;
    onramp_core::rules::check_chat_hook(url, app.chat_local_hooks)?;
    let secret = onramp_store::accounts::new_secret()?;
    let hook = app
        .store
        .set_personal_hook(actor.person_id, format.as_str(), url.trim(), &secret)
        .await?;
    let shown = (format == ChatFormat::Json).then_some(secret);
    Ok(my_chat(hook, shown))
}

/// Disconnects the acting person's chat; answers whether one was connected.
pub async fn disconnect(app: &App, actor: &Actor) -> Result<bool, Error> {
    Ok(app.store.remove_personal_hook(actor.person_id).await?)
}

fn administrator(by: Caller<'_>) -> Result<(), Error> {
    match by {
        Caller::Person(actor) if !may_administer(actor) => Err(Error::NotFound),
        _ => Ok(()),
    }
}

/// Where a new channel hook points: a program (by slug) or a manager's
/// team (by the manager's email); exactly one.
pub enum ChannelTarget<'a> {
    Program(&'a str),
    TeamOf(&'a str),
}

/// Adds a channel hook (administrators and the operator): announcements of
/// the program's or team's onboardings go there. Answers the hook and, for
/// the `json` format, its signing secret.
pub async fn add_channel(
    app: &App,
    by: Caller<'_>,
    target: ChannelTarget<'_>,
    format: &str,
    url: &str,
) -> Result<(ChatHook, Option<String>), Error> {
    administrator(by)?;
    let format = format_of(format)?;
    // Administrators are trusted with addresses inside the network (an
    // internal Mattermost, a relay).
    onramp_core::rules::check_chat_hook(url, true)?;
    let scope = match target {
        ChannelTarget::Program(slug) => {
            let versions = app.store.program_versions(slug.trim()).await?;
            let program = versions.first().ok_or_else(|| {
                Error::bad("program", format!("no program has the slug `{slug}`"))
            })?;
            ChannelScope::Program(program.program_id)
        }
        ChannelTarget::TeamOf(email) => {
            let manager = app
                .store
                .person_by_email(email.trim())
                .await?
                .ok_or_else(|| Error::bad("team", format!("no person has the email {email}")))?;
            ChannelScope::Team(manager.id)
        }
    };
    let secret = onramp_store::accounts::new_secret()?;
    let hook = app
        .store
        .add_channel_hook(by.person_id(), scope, format.as_str(), url.trim(), &secret)
        .await?;
    Ok((hook, (format == ChatFormat::Json).then_some(secret)))
}

/// The channel hooks (administrators and the operator).
pub async fn channels(app: &App, by: Caller<'_>) -> Result<Vec<ChannelHook>, Error> {
    administrator(by)?;
    Ok(app.store.channel_hooks().await?)
}

/// Removes a channel hook (administrators and the operator).
pub async fn remove_channel(app: &App, by: Caller<'_>, id: i64) -> Result<(), Error> {
    administrator(by)?;
    if app.store.remove_channel_hook(by.person_id(), id).await? {
        Ok(())
    } else {
        Err(Error::NotFound)
    }
}

/// TLS for webhooks: rustls with ring and the public roots.
static TLS: LazyLock<Result<Arc<rustls::ClientConfig>, String>> = LazyLock::new(|| {
    // ring, as for mail: rustls deprecates its provider for lacking
    // post-quantum key exchange, but the alternative (aws-lc-rs) is a C
    // build that research/rust-stack.md keeps out of the tree.
    #[allow(deprecated)]
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let roots = rustls::RootCertStore {
        roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
    };
    Ok(Arc::new(
        rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| e.to_string())?
            .with_root_certificates(roots)
            .with_no_client_auth(),
    ))
});

/// A chat message ready to post.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChatMessage {
    pub url: String,
    pub body: String,
    /// Extra headers (the `json` format's delivery id, time and signature).
    pub headers: Vec<(String, String)>,
}

/// Escapes Slack's three control characters.
fn slack_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Escapes Markdown's inline markers (Mattermost, Teams).
fn markdown_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(
            c,
            '\\' | '*' | '_' | '`' | '[' | ']' | '<' | '>' | '#' | '|'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// `sha256=` and the hex HMAC-SHA256 of `timestamp.body` under `secret`.
pub fn signature(secret: &str, timestamp: i64, body: &str) -> String {
    let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, secret.as_bytes());
    let tag = ring::hmac::sign(&key, format!("{timestamp}.{body}").as_bytes());
    let hex: String = tag.as_ref().iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256={hex}")
}

/// What a message says, with absolute links.
struct Said<'a> {
    label: &'a str,
    message: &'a str,
    link: String,
    /// A digest's items: (message, absolute link).
    items: Vec<(&'a str, String)>,
}

fn slack_body(said: &Said<'_>) -> serde_json::Value {
    let mut text = format!(
        "*{}*: {} <{}|Open in Onramp>",
        slack_escape(said.label),
        slack_escape(said.message),
        said.link
    );
    for (message, link) in &said.items {
        text.push_str(&format!("\n• {} <{link}|Open>", slack_escape(message)));
    }
    json!({ "text": text })
}

fn mattermost_body(said: &Said<'_>) -> serde_json::Value {
    let mut text = format!(
        "**{}**: {} [Open in Onramp]({})",
        markdown_escape(said.label),
        markdown_escape(said.message),
        said.link
    );
    for (message, link) in &said.items {
        text.push_str(&format!("\n- {} [Open]({link})", markdown_escape(message)));
    }
    json!({ "text": text, "username": "Onramp" })
}

fn teams_body(said: &Said<'_>) -> serde_json::Value {
    let mut text = markdown_escape(said.message);
    for (message, link) in &said.items {
        text.push_str(&format!(
            "\n\n- {} [Open]({link})",
            markdown_escape(message)
        ));
    }
    json!({
        "@type": "MessageCard",
        "@context": "https://schema.org/extensions",
        "summary": said.label,
        "title": said.label,
        "text": text,
        "potentialAction": [{
            "@type": "OpenUri",
            "name": "Open in Onramp",
            "targets": [{ "os": "default", "uri": said.link }],
        }],
    })
}

fn json_body(o: &Outgoing, said: &Said<'_>, items: &[Notification]) -> serde_json::Value {
    let mut payload = json!({
        "delivery_id": o.id,
        "event": o.kind,
        "label": said.label,
        "message": o.message,
        "link": said.link,
        "created_at": o.created_at,
        "local_time": in_zone(o.created_at, &o.time_zone),
        "channel": if o.for_channel { "channel" } else { "person" },
    });
    if !o.for_channel {
        payload["recipient"] = json!({ "name": o.name, "email": o.email });
    }
    if o.kind == DIGEST {
        payload["items"] = items
            .iter()
            .zip(&said.items)
            .map(|(n, (_, link))| {
                json!({
                    "event": n.kind,
                    "message": n.message,
                    "link": link,
                    "created_at": n.created_at,
                })
            })
            .collect();
    }
    payload
}

/// The message of chat delivery `o` (with the items of a digest); links are
/// absolute under `base`; `now` is the signing time.
pub fn render(
    o: &Outgoing,
    items: &[Notification],
    base: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<ChatMessage, String> {
    let base = base.trim_end_matches('/');
    let (Some(format), Some(url)) = (
        o.hook_format.as_deref().and_then(ChatFormat::parse),
        o.hook_url.clone(),
    ) else {
        return Err("the delivery has no chat hook".into());
    };
    let absolute = |link: Option<&str>| format!("{base}{}", link.unwrap_or("/inbox"));
    let said = Said {
        label: if o.kind == DIGEST {
            "Daily digest"
        } else {
            Event::parse(&o.kind).map_or(o.kind.as_str(), |e| e.label())
        },
        message: &o.message,
        link: absolute(o.link.as_deref()),
        items: items
            .iter()
            .map(|n| (n.message.as_str(), absolute(n.link.as_deref())))
            .collect(),
    };
    let body = match format {
        ChatFormat::Slack => slack_body(&said),
        ChatFormat::Mattermost => mattermost_body(&said),
        ChatFormat::Teams => teams_body(&said),
        ChatFormat::Json => json_body(o, &said, items),
    }
    .to_string();
    let mut headers = Vec::new();
    if format == ChatFormat::Json {
        let timestamp = now.timestamp();
        let secret = o.hook_secret.as_deref().unwrap_or_default();
        headers.push(("X-Onramp-Delivery".to_string(), o.id.to_string()));
        headers.push(("X-Onramp-Timestamp".to_string(), timestamp.to_string()));
        headers.push((
            "X-Onramp-Signature".to_string(),
            signature(secret, timestamp, &body),
        ));
    }
    Ok(ChatMessage { url, body, headers })
}

/// Posts one message: what the hook answered, or the error and whether
/// trying again may help (a timeout, a refused connection, 429 or 5xx).
/// Redirects are not followed: a hook answers itself or not at all.
pub async fn post(message: &ChatMessage) -> Result<String, (String, bool)> {
    let timeout = std::time::Duration::from_secs(TIMEOUT_SECONDS);
    let (status, text) = tokio::time::timeout(timeout, exchange(message))
        .await
        .map_err(|_| (format!("no answer within {TIMEOUT_SECONDS} s"), true))??;
    let answer = format!("HTTP {status} {}", text.trim());
    if (200..300).contains(&status) {
        Ok(answer)
    } else {
        Err((answer, status == 429 || status >= 500))
    }
}

/// One POST over HTTP/1.1 (TLS for `https://`): the status and the start of
/// the answer.
async fn exchange(message: &ChatMessage) -> Result<(u16, String), (String, bool)> {
    use http_body_util::BodyExt;
    let permanent = |e: String| (e, false);
    let uri: hyper::Uri = message
        .url
        .parse()
        .map_err(|e| permanent(format!("not an address: {e}")))?;
    let https = match uri.scheme_str() {
        Some("https") => true,
        Some("http") => false,
        _ => return Err(permanent("not an http(s) address".into())),
    };
    let host = uri
        .host()
        .ok_or_else(|| permanent("the address names no host".into()))?
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_string();
    let port = uri.port_u16().unwrap_or(if https { 443 } else { 80 });
    let authority = uri
        .authority()
        .map_or_else(|| host.clone(), |a| a.as_str().to_string());
    let mut request = hyper::Request::post(uri.path_and_query().map_or("/", |p| p.as_str()))
        .header(hyper::header::HOST, authority)
        .header(hyper::header::CONTENT_TYPE, "application/json")
        .header(
            hyper::header::USER_AGENT,
            concat!("Onramp/", env!("CARGO_PKG_VERSION")),
        );
    for (name, value) in &message.headers {
        request = request.header(name.as_str(), value.as_str());
    }
    let request = request
        .body(http_body_util::Full::new(bytes::Bytes::from(
            message.body.clone(),
        )))
        .map_err(|e| permanent(e.to_string()))?;
    let tcp = tokio::net::TcpStream::connect((host.as_str(), port))
        .await
        .map_err(|e| (format!("cannot connect to {host}:{port}: {e}"), true))?;
    let response = if https {
        let tls = TLS.as_ref().map_err(|e| permanent(e.clone()))?;
        let name = rustls::pki_types::ServerName::try_from(host.clone())
            .map_err(|e| permanent(format!("`{host}`: {e}")))?;
        let stream = tokio_rustls::TlsConnector::from(Arc::clone(tls))
            .connect(name, tcp)
            .await
            .map_err(|e| (format!("TLS with {host}: {e}"), true))?;
        send(hyper_util::rt::TokioIo::new(stream), request).await?
    } else {
        send(hyper_util::rt::TokioIo::new(tcp), request).await?
    };
    let status = response.status().as_u16();
    // The first few hundred bytes say enough (an error's reason).
    let limited = http_body_util::Limited::new(response.into_body(), 64 * 1024);
    let body = limited
        .collect()
        .await
        .map(|b| b.to_bytes())
        .unwrap_or_default();
    let text: String = String::from_utf8_lossy(&body).chars().take(200).collect();
    Ok((status, text))
}

/// Sends `request` on a fresh connection.
async fn send<I>(
    io: I,
    request: hyper::Request<http_body_util::Full<bytes::Bytes>>,
) -> Result<hyper::Response<hyper::body::Incoming>, (String, bool)>
where
    I: hyper::rt::Read + hyper::rt::Write + Unpin + Send + 'static,
{
    let (mut sender, connection) = hyper::client::conn::http1::handshake(io)
        .await
        .map_err(|e| (e.to_string(), true))?;
    tokio::spawn(async move {
        if let Err(e) = connection.await {
            tracing::debug!(error = %e, "webhook connection ended");
        }
    });
    sender
        .send_request(request)
        .await
        .map_err(|e| (e.to_string(), true))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_in_addresses_are_hidden() {
        assert_eq!(
            masked("https://hooks.slack.com/services/T0/B0/secret"),
            "https://hooks.slack.com/services/…"
        );
        assert_eq!(
            masked("https://chat.example.com/hooks/abc"),
            "https://chat.example.com/hooks/…"
        );
        assert_eq!(masked("https://x.example/abc"), "https://x.example/…");
        assert_eq!(masked("nonsense"), "…");
    }

    fn outgoing(format: &str, for_channel: bool) -> Outgoing {
        use chrono::TimeZone;
        Outgoing {
            id: 9,
            notification_id: 4,
            channel: "chat".into(),
            attempts: 1,
            kind: "buddy-assigned".into(),
            message: "Sam is now Riley <Chen>'s *backup* buddy.".into(),
            link: Some("/onboardings/3/buddy".into()),
            created_at: chrono::Utc
                .with_ymd_and_hms(2026, 12, 7, 15, 0, 0)
                .single()
                .expect("time"),
            email: "riley@example.com".into(),
            name: "Riley".into(),
            time_zone: "Europe/Berlin".into(),
            unsubscribe_token: "t".into(),
            hook_format: Some(format.into()),
            hook_url: Some("https://hooks.example.com/x".into()),
            hook_secret: Some("s3cret".into()),
            for_channel,
        }
    }

    fn body(format: &str, for_channel: bool) -> serde_json::Value {
        let now = chrono::Utc::now();
        let m = render(
            &outgoing(format, for_channel),
            &[],
            "https://o.example/",
            now,
        )
        .expect("render");
        serde_json::from_str(&m.body).expect("json")
    }

    #[test]
    fn each_format_carries_the_message_and_an_absolute_link() {
        let slack = body("slack", false)["text"]
            .as_str()
            .expect("text")
            .to_string();
        assert!(
            slack.starts_with("*Buddy assigned*: Sam is now Riley &lt;Chen&gt;"),
            "{slack}"
        );
        assert!(slack.ends_with("<https://o.example/onboardings/3/buddy|Open in Onramp>"));
        let mattermost = body("mattermost", false)["text"]
            .as_str()
            .expect("text")
            .to_string();
        assert!(mattermost.contains("\\*backup\\*"), "{mattermost}");
        assert!(mattermost.ends_with("[Open in Onramp](https://o.example/onboardings/3/buddy)"));
        let teams = body("teams", false);
        assert_eq!(teams["title"], "Buddy assigned");
        assert_eq!(
            teams["potentialAction"][0]["targets"][0]["uri"],
            "https://o.example/onboardings/3/buddy"
        );
        let json = body("json", false);
        assert_eq!(json["recipient"]["email"], "riley@example.com");
        assert_eq!(json["local_time"], "Mon 7 Dec 2026, 16:00 CET");
        // A channel's message names no recipient.
        let channel = body("json", true);
        assert_eq!(channel["channel"], "channel");
        assert!(channel.get("recipient").is_none(), "{channel}");
    }

    #[test]
    fn json_is_signed_over_the_time_and_the_body() {
        let at = chrono::DateTime::from_timestamp(1_765_000_000, 0).expect("time");
        let m = render(&outgoing("json", false), &[], "https://o.example", at).expect("render");
        let header = |name: &str| {
            m.headers
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.clone())
                .expect("header")
        };
        assert_eq!(header("X-Onramp-Timestamp"), "1765000000");
        assert_eq!(header("X-Onramp-Delivery"), "9");
        assert_eq!(
            header("X-Onramp-Signature"),
            signature("s3cret", 1_765_000_000, &m.body)
        );
        assert_ne!(signature("s3cret", 1, "a"), signature("s3cret", 2, "a"));
        // Other formats carry no signature.
        let slack =
            render(&outgoing("slack", false), &[], "https://o.example", at).expect("render");
        assert!(slack.headers.is_empty());
    }

    #[test]
    fn text_cannot_break_out_of_its_markup() {
        assert_eq!(slack_escape("<!channel> & co"), "&lt;!channel&gt; &amp; co");
        assert_eq!(markdown_escape("[x](y) *b*"), "\\[x\\](y) \\*b\\*");
    }
}
