//! The in-app inbox: notifications are written by the change that causes
//! them, in the same transaction ([`notify!`]), to the people
//! `onramp_core::notify` names.

use crate::{Notification, Result, Store, on_db};
use chrono::Utc;

/// The people of onboarding `$onboarding` and the new hire's name, read in
/// transaction `$tx`: `(Parties, String)`.
macro_rules! parties_in {
    ($tx:expr, $onboarding:expr) => {{
        let (new_hire, manager, buddy, backup_buddy, people_connect, enablement, name): (
            i64,
            Option<i64>,
            Option<i64>,
            Option<i64>,
            Option<i64>,
            Option<i64>,
            String,
        ) = sqlx::query_as(
            "SELECT o.person_id, o.manager_id, o.buddy_id, o.backup_buddy_id, o.people_connect_id,
                    o.enablement_id, p.name
             FROM onboardings o JOIN people p ON p.id = o.person_id WHERE o.id = $1",
        )
        .bind($onboarding)
        .fetch_one(&mut *$tx)
        .await?;
        (
            onramp_core::access::Parties {
                new_hire,
                manager,
                buddy,
                backup_buddy,
                people_connect,
                enablement,
            },
            name,
        )
    }};
}
pub(crate) use parties_in;

/// A person's name read in transaction `$tx` (`someone` for no person).
macro_rules! name_in {
    ($tx:expr, $person:expr) => {{
        let person: Option<i64> = $person;
        match person {
            Some(id) => {
                let (name,): (String,) = sqlx::query_as("SELECT name FROM people WHERE id = $1")
                    .bind(id)
                    .fetch_one(&mut *$tx)
                    .await?;
                name
            }
            None => "Someone".to_string(),
        }
    }};
}
pub(crate) use name_in;

/// Queues the deliveries of notification `$notification` (of `$event`) to
/// `$person` in the outbox, in transaction `$tx`, when the person has an
/// enabled account: by email, and by chat when they connected one, each as
/// they chose (or the event's default for that channel). At once: a
/// delivery to send; digest: a `digest` delivery waiting for the day's
/// digest (`hook_id` set when the digest also goes to their chat).
macro_rules! queue_deliveries {
    ($tx:expr, $person:expr, $notification:expr, $event:expr, $now:expr) => {{
        use onramp_core::notify::{Channel, Mode};
        let event: onramp_core::notify::Event = $event;
        let account: Option<(i64, Option<String>, Option<String>, Option<i64>)> = sqlx::query_as(
            "SELECT a.id, se.mode, sc.mode, h.id FROM accounts a
             LEFT JOIN notification_settings se
               ON se.person_id = a.person_id AND se.kind = $2 AND se.channel = 'email'
             LEFT JOIN notification_settings sc
               ON sc.person_id = a.person_id AND sc.kind = $2 AND sc.channel = 'chat'
             LEFT JOIN chat_hooks h ON h.person_id = a.person_id AND h.scope = 'person'
             WHERE a.person_id = $1 AND a.disabled_at IS NULL",
        )
        .bind($person)
        .bind(event.as_str())
        .fetch_optional(&mut *$tx)
        .await?;
        if let Some((_, email, chat, hook)) = account {
            let mode = |chosen: Option<String>, channel: Channel| {
                chosen
                    .as_deref()
                    .and_then(Mode::parse)
                    .unwrap_or(channel.default_mode(event))
            };
            let mut queued: Vec<(&str, &str, Option<i64>)> = Vec::new();
            match mode(email, Channel::Email) {
                Mode::Now => queued.push(("email", "pending", None)),
                Mode::Digest => queued.push(("digest", "waiting", None)),
                Mode::Off => {}
            }
            if let Some(hook) = hook {
                match mode(chat, Channel::Chat) {
                    Mode::Now => queued.push(("chat", "pending", Some(hook))),
                    Mode::Digest => queued.push(("digest", "waiting", Some(hook))),
                    Mode::Off => {}
                }
            }
            for (channel, status, hook) in queued {
                sqlx::query(
                    "INSERT INTO deliveries (notification_id, channel, status, attempts, run_at, unsubscribe_token, created_at, hook_id)
                     VALUES ($1, $2, $3, 0, $4, $5, $4, $6)",
                )
                .bind($notification)
                .bind(channel)
                .bind(status)
                .bind($now)
                .bind(crate::accounts::new_secret()?)
                .bind(hook)
                .execute(&mut *$tx)
                .await?;
            }
        }
    }};
}
pub(crate) use queue_deliveries;

/// Announces `$event` of onboarding `$onboarding` to the channel hooks of its
/// program and of its manager's team, in transaction `$tx`: one notification
/// about the new hire that no inbox lists, and a chat delivery per hook.
macro_rules! announce {
    ($tx:expr, $event:expr, $onboarding:expr, $message:expr, $link:expr, $now:expr) => {{
        let hooks: Vec<(i64, i64)> = sqlx::query_as(
            "SELECT h.id, o.person_id FROM onboardings o
             JOIN program_versions pv ON pv.id = o.program_version_id
             JOIN chat_hooks h ON (h.scope = 'program' AND h.program_id = pv.program_id)
                               OR (h.scope = 'team' AND h.person_id = o.manager_id)
             WHERE o.id = $1 ORDER BY h.id",
        )
        .bind($onboarding)
        .fetch_all(&mut *$tx)
        .await?;
        if let Some((_, new_hire)) = hooks.first() {
            let (id,): (i64,) = sqlx::query_as(
                "INSERT INTO notifications (person_id, onboarding_id, kind, message, link, created_at, read_at, for_channel)
                 VALUES ($1, $2, $3, $4, $5, $6, $6, TRUE) RETURNING id",
            )
            .bind(*new_hire)
            .bind($onboarding)
            .bind($event.as_str())
            .bind($message)
            .bind($link)
            .bind($now)
            .fetch_one(&mut *$tx)
            .await?;
            for (hook, _) in &hooks {
                sqlx::query(
                    "INSERT INTO deliveries (notification_id, channel, status, attempts, run_at, unsubscribe_token, created_at, hook_id)
                     VALUES ($1, 'chat', 'pending', 0, $2, $3, $2, $4)",
                )
                .bind(id)
                .bind($now)
                .bind(crate::accounts::new_secret()?)
                .bind(*hook)
                .execute(&mut *$tx)
                .await?;
            }
        }
    }};
}
pub(crate) use announce;

/// Puts a notification of `$event` (`onramp_core::notify::Event`) in the
/// inbox of each of `$people`, in transaction `$tx`, and queues its email;
/// `$link` is the path it leads to.
macro_rules! notify {
    ($tx:expr, $people:expr, $event:expr, $onboarding:expr, $task:expr, $message:expr, $link:expr) => {{
        let now = chrono::Utc::now();
        let event: onramp_core::notify::Event = $event;
        let onboarding: Option<i64> = $onboarding;
        let task: Option<i64> = $task;
        let message: &str = $message;
        let link: &str = $link;
        for person in $people {
            let (id,): (i64,) = sqlx::query_as(
                "INSERT INTO notifications (person_id, onboarding_id, task_id, kind, message, link, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
            )
            .bind(person)
            .bind(onboarding)
            .bind(task)
            .bind(event.as_str())
            .bind(message)
            .bind(link)
            .bind(now)
            .fetch_one(&mut *$tx)
            .await?;
            crate::notices::queue_deliveries!($tx, person, id, event, now);
        }
        if let (true, Some(onboarding)) = (event.is_announcement(), onboarding) {
            crate::notices::announce!($tx, event, onboarding, message, link, now);
        }
    }};
}
pub(crate) use notify;

const NOTIFICATION_COLUMNS: &str =
    "id, person_id, onboarding_id, task_id, comment_id, kind, message, link, created_at, read_at";

impl Store {
    /// A person's notifications, newest first.
    pub async fn notifications(&self, person_id: i64, limit: i64) -> Result<Vec<Notification>> {
        let sql = format!(
            "SELECT {NOTIFICATION_COLUMNS} FROM notifications WHERE person_id = $1 AND kind <> 'digest' AND NOT for_channel
             ORDER BY id DESC LIMIT $2"
        );
        Ok(on_db!(self, |pool, _begin| {
            sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
                .bind(person_id)
                .bind(limit)
                .fetch_all(pool)
                .await?
        }))
    }

    /// The person a notification is for, if it exists.
    pub async fn notification_person(&self, id: i64) -> Result<Option<i64>> {
        let row: Option<(i64,)> = on_db!(self, |pool, _begin| {
            sqlx::query_as("SELECT person_id FROM notifications WHERE id = $1")
                .bind(id)
                .fetch_optional(pool)
                .await?
        });
        Ok(row.map(|(p,)| p))
    }

    /// How many of a person's notifications are unread.
    pub async fn unread_notifications(&self, person_id: i64) -> Result<i64> {
        let (n,): (i64,) = on_db!(self, |pool, _begin| {
            sqlx::query_as(
                "SELECT COUNT(*) FROM notifications WHERE person_id = $1 AND read_at IS NULL AND kind <> 'digest'",
            )
            .bind(person_id)
            .fetch_one(pool)
            .await?
        });
        Ok(n)
    }

    /// Marks a person's notifications read: one (`Some(id)`) or all.
    /// Answers how many changed; another person's notification is none.
    pub async fn mark_notifications_read(&self, person_id: i64, id: Option<i64>) -> Result<u64> {
        Ok(on_db!(self, |pool, _begin| {
            sqlx::query(
                "UPDATE notifications SET read_at = $1
                 WHERE person_id = $2 AND read_at IS NULL AND kind <> 'digest' AND ($3 IS NULL OR id = $3)",
            )
            .bind(Utc::now())
            .bind(person_id)
            .bind(id)
            .execute(pool)
            .await?
            .rows_affected()
        }))
    }
}
