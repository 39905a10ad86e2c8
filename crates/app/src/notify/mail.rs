//! The email of one notification: subject, text and HTML parts, absolute
//! links, the person's time zone, a stable Message-ID and the one-click
//! unsubscribe address (RFC 8058).

use onramp_core::calendar::in_zone;
use onramp_core::notify::Event;
use onramp_store::Outgoing;
use serde::Serialize;

/// An email ready to send.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Mail {
    pub to: String,
    pub to_name: String,
    pub subject: String,
    pub text: String,
    pub html: String,
    /// The same for every attempt of one delivery, so a message sent twice
    /// after a crash is recognised as one.
    pub message_id: String,
    /// Where one POST turns this kind of email off (`List-Unsubscribe`).
    pub unsubscribe_url: String,
}

/// Escapes text for HTML (element text and quoted attributes).
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    // Writing to a String cannot fail.
    let _ = pulldown_cmark_escape::escape_html(&mut out, text);
    out
}

/// The host of `base` for Message-IDs (`onramp.invalid` when it has none).
fn host_of(base: &str) -> &str {
    let rest = base.split_once("://").map_or(base, |(_, r)| r);
    let host = rest.split(['/', ':']).next().unwrap_or_default();
    if host.is_empty() {
        "onramp.invalid"
    } else {
        host
    }
}

/// The email of `o`; `base` is the address people reach Onramp at (links
/// in mail are absolute).
pub fn render(o: &Outgoing, base: &str) -> Mail {
    let base = base.trim_end_matches('/');
    let label = Event::parse(&o.kind).map_or(o.kind.as_str(), |e| e.label());
    let short: String = o.message.chars().take(90).collect();
    let subject = if short.len() < o.message.len() {
        format!("{label}: {short}…")
    } else {
        format!("{label}: {short}")
    };
    let link = format!("{base}{}", o.link.as_deref().unwrap_or("/inbox"));
    let settings = format!("{base}/inbox");
    let unsubscribe_url = format!("{base}/unsubscribe/{}", o.unsubscribe_token);
    let when = in_zone(o.created_at, &o.time_zone);
    let text = format!(
        "Hello {name},\n\n{message}\n\nOpen it: {link}\n\n({when})\n\n-- \nOnramp. You get this email because it concerns you. Stop emails of this kind: {unsubscribe_url}\nYour inbox: {settings}\n",
        name = o.name,
        message = o.message,
    );
    let html = format!(
        "<!doctype html><html><body><p>Hello {name},</p><p>{message}</p><p><a href=\"{link}\">Open it in Onramp</a></p><p style=\"color:#555\">{when}</p><hr><p style=\"color:#555;font-size:small\">You get this email because it concerns you. <a href=\"{unsubscribe}\">Stop emails of this kind</a> · <a href=\"{settings}\">Your inbox</a></p></body></html>",
        name = escape(&o.name),
        message = escape(&o.message),
        link = escape(&link),
        when = escape(&when),
        unsubscribe = escape(&unsubscribe_url),
        settings = escape(&settings),
    );
    Mail {
        to: o.email.clone(),
        to_name: o.name.clone(),
        subject,
        text,
        html,
        message_id: format!(
            "<delivery-{}.{}@{}>",
            o.id,
            o.notification_id,
            host_of(base)
        ),
        unsubscribe_url,
    }
}

/// The daily digest `o`: one email listing the notifications it gathered.
pub fn render_digest(o: &Outgoing, items: &[onramp_store::Notification], base: &str) -> Mail {
    let mut mail = render(o, base);
    let base = base.trim_end_matches('/');
    mail.subject = format!("Your Onramp digest: {}", o.message);
    let line = |n: &onramp_store::Notification| {
        let label = Event::parse(&n.kind).map_or(n.kind.as_str(), |e| e.label());
        let link = format!("{base}{}", n.link.as_deref().unwrap_or("/inbox"));
        (
            label.to_string(),
            n.message.clone(),
            link,
            in_zone(n.created_at, &o.time_zone),
        )
    };
    let lines: Vec<_> = items.iter().map(line).collect();
    let text_items: Vec<String> = lines
        .iter()
        .map(|(label, message, link, when)| format!("- {label}: {message}\n  {link} ({when})"))
        .collect();
    let html_items: Vec<String> = lines
        .iter()
        .map(|(label, message, link, when)| {
            format!(
                "<li><strong>{}</strong>: <a href=\"{}\">{}</a> <span style=\"color:#555\">({})</span></li>",
                escape(label),
                escape(link),
                escape(message),
                escape(when)
            )
        })
        .collect();
    mail.text = format!(
        "Hello {name},\n\n{count}:\n\n{items}\n\n-- \nOnramp. Stop the daily digest: {unsubscribe}\nYour inbox: {base}/inbox\n",
        name = o.name,
        count = o.message,
        items = text_items.join("\n"),
        unsubscribe = mail.unsubscribe_url,
    );
    mail.html = format!(
        "<!doctype html><html><body><p>Hello {name},</p><p>{count}:</p><ul>{items}</ul><hr><p style=\"color:#555;font-size:small\"><a href=\"{unsubscribe}\">Stop the daily digest</a> · <a href=\"{inbox}\">Your inbox</a></p></body></html>",
        name = escape(&o.name),
        count = escape(&o.message),
        items = html_items.join(""),
        unsubscribe = escape(&mail.unsubscribe_url),
        inbox = escape(&format!("{base}/inbox")),
    );
    mail
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn outgoing() -> Outgoing {
        Outgoing {
            id: 7,
            notification_id: 3,
            channel: "email".into(),
            attempts: 1,
            kind: "access-requested".into(),
            message: "Riley <b>Chen</b> asks for access to the demo space".into(),
            link: Some("/access-requests".into()),
            created_at: chrono::Utc
                .with_ymd_and_hms(2026, 12, 7, 15, 0, 0)
                .single()
                .expect("time"),
            email: "jordan@example.com".into(),
            name: "Jordan".into(),
            time_zone: "Europe/Berlin".into(),
            unsubscribe_token: "abc".into(),
            hook_format: None,
            hook_url: None,
            hook_secret: None,
            for_channel: false,
        }
    }

    #[test]
    fn links_are_absolute_times_local_and_html_escaped() {
        let m = render(&outgoing(), "https://onramp.example.com/");
        assert!(m.subject.starts_with("Access to approve: Riley"));
        assert!(
            m.text
                .contains("https://onramp.example.com/access-requests")
        );
        assert!(m.text.contains("16:00 CET"), "{}", m.text);
        assert!(
            m.html.contains("Riley &lt;b&gt;Chen&lt;/b&gt;"),
            "{}",
            m.html
        );
        assert_eq!(m.message_id, "<delivery-7.3@onramp.example.com>");
        assert_eq!(
            m.unsubscribe_url,
            "https://onramp.example.com/unsubscribe/abc"
        );
        assert_eq!(
            render(&outgoing(), "").message_id,
            "<delivery-7.3@onramp.invalid>"
        );
    }
}
