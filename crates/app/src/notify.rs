//! Notifications: the acting person's inbox. The changes that notify people
//! write them in their own transaction (see `onramp_core::notify` for who
//! hears of what, and docs/notifications.md).

use crate::{Actor, App, Error};
use onramp_core::notify::Event;
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
