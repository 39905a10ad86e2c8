//! Notifications: the acting person's inbox. The changes that notify people
//! write them in their own transaction (see `onramp_core::notify` for who
//! hears of what, and docs/notifications.md).

use crate::{Actor, App, Error};
use onramp_core::notify::{Channel, Event};
use onramp_store::Notification;
use serde::Serialize;
use utoipa::ToSchema;

/// One notification as its person reads it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct InboxItem {
    pub id: i64,
    /// The event, e.g. `access-requested` (docs/notifications.md).
    pub kind: String,
    /// The event in words, e.g. "Access to approve".
    pub label: String,
    pub message: String,
    /// Where it leads in Onramp (a path).
    pub link: Option<String>,
    pub onboarding_id: Option<i64>,
    pub task_id: Option<i64>,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub read: bool,
}

impl From<Notification> for InboxItem {
    fn from(n: Notification) -> Self {
        let link = n.link.or_else(|| {
            n.onboarding_id.map(|o| match n.task_id {
                Some(t) => format!("/onboardings/{o}/tasks/{t}"),
                None => format!("/onboardings/{o}"),
            })
        });
        InboxItem {
            label: Event::parse(&n.kind).map_or_else(|| n.kind.clone(), |e| e.label().to_string()),
            id: n.id,
            kind: n.kind,
            message: n.message,
            link,
            onboarding_id: n.onboarding_id,
            task_id: n.task_id,
            created_at: n.created_at,
            read: n.read_at.is_some(),
        }
    }
}

/// The acting person's notifications, newest first (at most `limit`).
pub async fn inbox(app: &App, actor: &Actor, limit: i64) -> Result<Vec<InboxItem>, Error> {
    Ok(app
        .store
        .notifications(actor.person_id, limit)
        .await?
        .into_iter()
        .map(InboxItem::from)
        .collect())
}

/// How many of the acting person's notifications are unread.
pub async fn unread(app: &App, actor: &Actor) -> Result<i64, Error> {
    Ok(app.store.unread_notifications(actor.person_id).await?)
}

/// Marks all of the acting person's notifications read; answers how many.
pub async fn mark_all_read(app: &App, actor: &Actor) -> Result<u64, Error> {
    Ok(app
        .store
        .mark_notifications_read(actor.person_id, None)
        .await?)
}

/// Marks one of the acting person's notifications read. Another person's
/// notification is not found; one already read is fine.
pub async fn mark_read(app: &App, actor: &Actor, id: i64) -> Result<(), Error> {
    if app.store.notification_person(id).await? != Some(actor.person_id) {
        return Err(Error::NotFound);
    }
    app.store
        .mark_notifications_read(actor.person_id, Some(id))
        .await?;
    Ok(())
}

pub mod chat;
pub mod deliver;
pub mod mail;
pub mod summary;

/// The daily digest in words.
const DIGEST_LABEL: &str = "Daily digest";

/// What an unsubscribe address turns off: the kind of email, in words.
pub async fn unsubscribe_target(app: &App, token: &str) -> Result<String, Error> {
    let (_, kind, _) = app
        .store
        .unsubscribe_target(token)
        .await?
        .ok_or(Error::NotFound)?;
    if kind == onramp_core::notify::DIGEST {
        return Ok(DIGEST_LABEL.to_string());
    }
    Ok(Event::parse(&kind).map_or(kind, |e| e.label().to_string()))
}

/// Turns off the emails of the kind an unsubscribe address was sent with
/// (the address is the credential: one click in a mail program, RFC 8058).
pub async fn unsubscribe(app: &App, token: &str) -> Result<String, Error> {
    let (person, kind, channel) = app
        .store
        .unsubscribe_target(token)
        .await?
        .ok_or(Error::NotFound)?;
    // A chat message's address turns off that chat; an email's, email.
    let channel = Channel::parse(&channel).unwrap_or(Channel::Email);
    let off = onramp_core::notify::Mode::Off.as_str();
    if kind == onramp_core::notify::DIGEST {
        // The digest's address stops the digest: every kind it gathers.
        let actor = Actor {
            person_id: person,
            roles: Vec::new(),
        };
        for p in preferences(app, &actor).await? {
            if p.mode(channel) == onramp_core::notify::Mode::Digest.as_str() {
                app.store
                    .set_notification_mode(person, &p.kind, channel.as_str(), off)
                    .await?;
            }
        }
        return Ok(DIGEST_LABEL.to_string());
    }
    app.store
        .set_notification_mode(person, &kind, channel.as_str(), off)
        .await?;
    Ok(Event::parse(&kind).map_or(kind, |e| e.label().to_string()))
}

/// An email as admins read it in the mail preview or the failed list.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MailView {
    pub delivery_id: i64,
    /// `email` or `chat`.
    pub channel: String,
    pub status: String,
    pub attempts: i32,
    pub to: String,
    pub subject: String,
    pub text: String,
    pub last_error: Option<String>,
    pub sent_at: Option<chrono::DateTime<chrono::Utc>>,
}

fn administrator(actor: &Actor) -> Result<(), Error> {
    if onramp_core::access::may_administer(actor) {
        Ok(())
    } else {
        Err(Error::NotFound)
    }
}

/// The newest emails in `status` (`kept` for the preview, `failed`), as
/// they read (administrators).
pub async fn mails(
    app: &App,
    actor: &Actor,
    status: &str,
    base: &str,
) -> Result<Vec<MailView>, Error> {
    administrator(actor)?;
    Ok(app
        .store
        .deliveries(status, 100)
        .await?
        .into_iter()
        .map(|d| {
            let m = mail::render(&d.outgoing, base);
            let to = match &d.outgoing.hook_url {
                // A chat message: its hook, the credential part hidden.
                Some(url) if d.outgoing.channel == "chat" => format!(
                    "{} chat {}",
                    d.outgoing.hook_format.as_deref().unwrap_or_default(),
                    chat::masked(url)
                ),
                _ => format!("{} <{}>", m.to_name, m.to),
            };
            MailView {
                delivery_id: d.outgoing.id,
                channel: d.outgoing.channel.clone(),
                status: d.status,
                attempts: d.outgoing.attempts,
                to,
                subject: m.subject,
                text: m.text,
                last_error: d.last_error,
                sent_at: d.sent_at,
            }
        })
        .collect())
}

/// Puts a failed email back in the queue (administrators).
pub async fn retry(app: &App, actor: &Actor, delivery: i64) -> Result<(), Error> {
    administrator(actor)?;
    if app.store.retry_delivery(delivery).await? {
        Ok(())
    } else {
        Err(Error::Conflict(format!(
            "delivery {delivery} is not a failed one"
        )))
    }
}

/// How many deliveries are in each state (for the metrics).
pub async fn outbox_counts(app: &App) -> Result<onramp_store::OutboxCounts, Error> {
    Ok(app.store.outbox_counts().await?)
}

/// How a person hears of one kind of event by email and in their chat.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Preference {
    /// The event, e.g. `access-requested`.
    pub kind: String,
    pub label: String,
    /// What it is about.
    pub description: String,
    /// `now` (an email at once), `digest` (in the daily digest) or `off`
    /// (the inbox only).
    pub email: String,
    /// What applies to email when the person chose nothing.
    pub default: String,
    /// The same for the person's own chat (used once they connect one).
    pub chat: String,
    pub chat_default: String,
}

impl Preference {
    /// The mode on `channel`.
    pub fn mode(&self, channel: Channel) -> &str {
        match channel {
            Channel::Email => &self.email,
            Channel::Chat => &self.chat,
        }
    }
}

/// The acting person's preference for every kind of event.
pub async fn preferences(app: &App, actor: &Actor) -> Result<Vec<Preference>, Error> {
    let chosen = app.store.notification_modes(actor.person_id).await?;
    let mode = |e: Event, channel: Channel| {
        chosen
            .iter()
            .find(|(k, c, _)| k == e.as_str() && c == channel.as_str())
            .and_then(|(_, _, m)| onramp_core::notify::Mode::parse(m))
            .unwrap_or(channel.default_mode(e))
            .as_str()
            .to_string()
    };
    Ok(Event::ALL
        .into_iter()
        .map(|e| Preference {
            kind: e.as_str().to_string(),
            label: e.label().to_string(),
            description: e.description().to_string(),
            email: mode(e, Channel::Email),
            default: Channel::Email.default_mode(e).as_str().to_string(),
            chat: mode(e, Channel::Chat),
            chat_default: Channel::Chat.default_mode(e).as_str().to_string(),
        })
        .collect())
}

/// The local hour at which the acting person's daily digest (and, for
/// managers and People Connect, Monday's weekly summary) is made.
pub async fn digest_hour(app: &App, actor: &Actor) -> Result<u32, Error> {
    Ok(app.store.digest_hour(actor.person_id).await?)
}

/// Sets that hour, 0 to 23 (`hour` names the field at fault).
pub async fn set_digest_hour(app: &App, actor: &Actor, hour: i64) -> Result<u32, Error> {
    let hour = u32::try_from(hour)
        .ok()
        .filter(|h| *h <= 23)
        .ok_or_else(|| Error::bad("hour", format!("{hour} is not an hour from 0 to 23")))?;
    app.store.set_digest_hour(actor.person_id, hour).await?;
    Ok(hour)
}

/// Sets the acting person's preferences: (channel, kind, mode), each
/// checked first (a bad one names its field, `email.KIND` or `chat.KIND`,
/// and changes nothing).
pub async fn set_preferences(
    app: &App,
    actor: &Actor,
    changes: &[(Channel, String, String)],
) -> Result<Vec<Preference>, Error> {
    let mut checked = Vec::with_capacity(changes.len());
    for (channel, kind, mode) in changes {
        let field = format!("{}.{kind}", channel.as_str());
        let event = Event::parse(kind)
            .ok_or_else(|| Error::bad(&field, format!("`{kind}` is not a kind of notification")))?;
        let mode = onramp_core::notify::Mode::parse(mode).ok_or_else(|| {
            Error::bad(&field, format!("`{mode}` is not one of now, digest, off"))
        })?;
        checked.push((*channel, event, mode));
    }
    for (channel, event, mode) in checked {
        app.store
            .set_notification_mode(
                actor.person_id,
                event.as_str(),
                channel.as_str(),
                mode.as_str(),
            )
            .await?;
    }
    preferences(app, actor).await
}
