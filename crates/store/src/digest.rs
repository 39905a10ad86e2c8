//! The daily digest: the notifications a person wants gathered wait as
//! `digest` deliveries until their day's digest takes them, once per person
//! and local day whichever server makes it (the `digests` key).

use crate::{Notification, Result, Store, on_db};
use chrono::{DateTime, NaiveDate, Utc};

impl Store {
    /// The people with notifications waiting for a digest, with their time
    /// zones and digest hours.
    pub async fn digest_candidates(&self) -> Result<Vec<(i64, String, i32)>> {
        Ok(on_db!(self, |pool, _begin| {
            sqlx::query_as(
                "SELECT waiting.person_id, p.time_zone, COALESCE(h.digest_hour, $1)
                 FROM (SELECT DISTINCT n.person_id
                       FROM deliveries d JOIN notifications n ON n.id = d.notification_id
                       WHERE d.channel = 'digest' AND d.status = 'waiting') waiting
                 JOIN people p ON p.id = waiting.person_id
                 LEFT JOIN notification_hours h ON h.person_id = waiting.person_id
                 ORDER BY waiting.person_id",
            )
            .bind(i32::try_from(onramp_core::notify::DIGEST_HOUR).unwrap_or(8))
            .fetch_all(pool)
            .await?
        }))
    }

    /// Makes the digests of `people`, each for their local day: per person
    /// a `digest` notification that takes every waiting one, and its email
    /// and (when some waited for it) its chat message. One transaction for
    /// the whole batch (one commit, not one per person). Answers the digests
    /// made; a person whose digest for that day exists already (another
    /// server made it) or who has nothing waiting gets none.
    // Long: one transaction claims each person's day, gathers what waits and queues the digest on each channel it waited for.
    pub async fn make_digests(
        &self,
        people: &[(i64, NaiveDate)],
        now: DateTime<Utc>,
    ) -> Result<Vec<i64>> {
        Ok(on_db!(self, |pool, begin| {
            let mut tx = pool.begin_with(begin).await?;
            let mut made = Vec::new();
            for &(person, day) in people {
                let claimed = sqlx::query(
                    "INSERT INTO digests (person_id, day, created_at) VALUES ($1, $2, $3)
                     ON CONFLICT (person_id, day) DO NOTHING",
                )
                .bind(person)
                .bind(day)
                .bind(now)
                .execute(&mut *tx)
                .await?
                .rows_affected();
                if claimed == 0 {
                    continue;
                }
                // A notification may wait twice: for the email digest (no
                // hook) and for the chat digest (the person's hook). From the
                // person's notifications: CROSS JOIN keeps SQLite (which has
                // no statistics) on that order instead of every waiting row.
                let (waiting, email, hook): (i64, i64, Option<i64>) = sqlx::query_as(
                    "SELECT COUNT(DISTINCT d.notification_id),
                            COUNT(*) - COUNT(d.hook_id), MAX(d.hook_id)
                     FROM notifications n CROSS JOIN deliveries d
                     WHERE n.person_id = $1 AND d.notification_id = n.id
                       AND d.channel = 'digest' AND d.status = 'waiting'",
                )
                .bind(person)
                .fetch_one(&mut *tx)
                .await?;
                if waiting == 0 {
                    // Nothing to gather: no digest today, and the day stays
                    // open for one.
                    sqlx::query("DELETE FROM digests WHERE person_id = $1 AND day = $2")
                        .bind(person)
                        .bind(day)
                        .execute(&mut *tx)
                        .await?;
                    continue;
                }
                let message = if waiting == 1 {
                    "1 update since your last digest".to_string()
                } else {
                    format!("{waiting} updates since your last digest")
                };
                let (id,): (i64,) = sqlx::query_as(
                    "INSERT INTO notifications (person_id, kind, message, link, created_at, read_at)
                     VALUES ($1, 'digest', $2, '/inbox', $3, $3) RETURNING id",
                )
                .bind(person)
                .bind(&message)
                .bind(now)
                .fetch_one(&mut *tx)
                .await?;
                sqlx::query(
                    "UPDATE deliveries SET status = 'digested', digest_id = $1
                     WHERE id IN (SELECT d.id FROM notifications n
                                  CROSS JOIN deliveries d
                                  WHERE n.person_id = $2 AND d.notification_id = n.id
                                    AND d.channel = 'digest'
                                    AND d.status = 'waiting')",
                )
                .bind(id)
                .bind(person)
                .execute(&mut *tx)
                .await?;
                sqlx::query(
                    "UPDATE digests SET notification_id = $1 WHERE person_id = $2 AND day = $3",
                )
                .bind(id)
                .bind(person)
                .bind(day)
                .execute(&mut *tx)
                .await?;
                let channels =
                    [("email", None), ("chat", hook)]
                        .into_iter()
                        .filter(|(channel, hook)| {
                            if *channel == "email" {
                                email > 0
                            } else {
                                hook.is_some()
                            }
                        });
                for (channel, hook) in channels {
                    sqlx::query(
                        "INSERT INTO deliveries (notification_id, channel, status, attempts, run_at, unsubscribe_token, created_at, hook_id)
                         VALUES ($1, $2, 'pending', 0, $3, $4, $3, $5)",
                    )
                    .bind(id)
                    .bind(channel)
                    .bind(now)
                    .bind(crate::accounts::new_secret()?)
                    .bind(hook)
                    .execute(&mut *tx)
                    .await?;
                }
                made.push(id);
            }
            tx.commit().await?;
            made
        }))
    }

    /// The notifications a digest gathered, oldest first.
    pub async fn digest_items(&self, digest: i64) -> Result<Vec<Notification>> {
        Ok(on_db!(self, |pool, _begin| {
            sqlx::query_as(
                "SELECT n.id, n.person_id, n.onboarding_id, n.task_id, n.comment_id, n.kind, n.message,
                        n.link, n.created_at, n.read_at
                 FROM notifications n
                 WHERE n.id IN (SELECT notification_id FROM deliveries WHERE digest_id = $1)
                 ORDER BY n.id",
            )
            .bind(digest)
            .fetch_all(pool)
            .await?
        }))
    }
}
