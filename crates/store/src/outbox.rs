//! The outbox: deliveries of notifications on a channel (email, chat), written by
//! [`crate::notices`] in the change's transaction and sent by a worker that
//! claims them with a lease. Several servers share the table: a claim takes
//! rows nobody holds (`FOR UPDATE SKIP LOCKED` on PostgreSQL; SQLite writes
//! one at a time), so each delivery is sent by one of them.

use crate::{Result, Store, StoreError, on_db};
use chrono::{DateTime, Duration, Utc};
use serde::Serialize;

/// A claimed delivery with what its message needs.
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
pub struct Outgoing {
    pub id: i64,
    pub notification_id: i64,
    pub channel: String,
    /// Attempts so far, this one included.
    pub attempts: i32,
    pub kind: String,
    pub message: String,
    pub link: Option<String>,
    pub created_at: DateTime<Utc>,
    pub email: String,
    pub name: String,
    pub time_zone: String,
    pub unsubscribe_token: String,
    /// Where a chat delivery goes: the hook's format and address.
    pub hook_format: Option<String>,
    pub hook_url: Option<String>,
    /// Signs the `json` format.
    #[serde(skip)]
    pub hook_secret: Option<String>,
    /// Whether the hook is a program's or team's channel (not the person's).
    pub for_channel: bool,
}

/// A delivery as admins see it (failed ones, or kept for the preview).
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
pub struct DeliveryRow {
    #[sqlx(flatten)]
    #[serde(flatten)]
    pub outgoing: Outgoing,
    pub status: String,
    pub last_error: Option<String>,
    pub sent_at: Option<DateTime<Utc>>,
}

/// What became of one claimed delivery.
#[derive(Debug, Clone, PartialEq)]
pub enum Delivered {
    /// Sent (`sent`), or kept for the mail preview (`kept`) when no mail
    /// server is configured.
    Sent {
        id: i64,
        status: &'static str,
        at: DateTime<Utc>,
    },
    /// Not sent: tried again at `retry_at`, or (`None`) failed for good.
    NotSent {
        id: i64,
        error: String,
        retry_at: Option<DateTime<Utc>>,
    },
}

/// How many deliveries are in each state, per channel.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct OutboxCounts {
    /// (channel, status, count).
    pub rows: Vec<(String, String, i64)>,
}

const OUTGOING: &str = "d.id, d.notification_id, d.channel, d.attempts, n.kind, n.message, n.link,
        n.created_at, p.email, p.name, p.time_zone, d.unsubscribe_token,
        h.format AS hook_format, h.url AS hook_url, h.secret AS hook_secret, n.for_channel";
const FROM: &str = "FROM deliveries d JOIN notifications n ON n.id = d.notification_id
        JOIN people p ON p.id = n.person_id LEFT JOIN chat_hooks h ON h.id = d.hook_id";

impl Store {
    /// What a claim appends to its inner `SELECT`: ` FOR UPDATE SKIP LOCKED`
    /// on PostgreSQL (rows another server holds are passed over); nothing
    /// on SQLite.
    fn skip_locked(&self) -> &'static str {
        match self.row_lock() {
            "" => "",
            _ => " FOR UPDATE SKIP LOCKED",
        }
    }

    /// Claims up to `limit` pending deliveries that are due at `now`, for
    /// `lease`: nobody else claims them until it ends (a server that dies
    /// while sending leaves them to the next claim after the lease).
    pub async fn claim_deliveries(
        &self,
        now: DateTime<Utc>,
        lease: Duration,
        limit: i64,
    ) -> Result<Vec<Outgoing>> {
        let claim = format!(
            "UPDATE deliveries SET locked_until = $1, attempts = attempts + 1
             WHERE id IN (SELECT id FROM deliveries
                          WHERE status = 'pending' AND run_at <= $2
                            AND (locked_until IS NULL OR locked_until <= $2)
                          ORDER BY id LIMIT $3{})
             RETURNING id",
            self.skip_locked()
        );
        let ids: Vec<(i64,)> = on_db!(self, |pool, begin| {
            let mut tx = pool.begin_with(begin).await?;
            let ids = sqlx::query_as(sqlx::AssertSqlSafe(claim.clone()))
                .bind(now + lease)
                .bind(now)
                .bind(limit)
                .fetch_all(&mut *tx)
                .await?;
            tx.commit().await?;
            ids
        });
        let mut out = Vec::with_capacity(ids.len());
        for (id,) in ids {
            out.push(self.outgoing(id).await?);
        }
        out.sort_by_key(|o| o.id);
        Ok(out)
    }

    async fn outgoing(&self, id: i64) -> Result<Outgoing> {
        let sql = format!("SELECT {OUTGOING} {FROM} WHERE d.id = $1");
        self.optional_row(&sql, id)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("delivery {id}")))
    }

    /// Records what became of claimed deliveries, all in one transaction
    /// (one commit for a whole round, not one per message).
    pub async fn record_deliveries(&self, results: &[Delivered]) -> Result<()> {
        on_db!(self, |pool, begin| {
            let mut tx = pool.begin_with(begin).await?;
            for result in results {
                match result {
                    Delivered::Sent { id, status, at } => {
                        sqlx::query(
                            "UPDATE deliveries SET status = $1, sent_at = $2, locked_until = NULL, last_error = NULL WHERE id = $3",
                        )
                        .bind(*status)
                        .bind(at)
                        .bind(id)
                        .execute(&mut *tx)
                        .await?;
                    }
                    Delivered::NotSent {
                        id,
                        error,
                        retry_at,
                    } => {
                        let status = if retry_at.is_some() {
                            "pending"
                        } else {
                            "failed"
                        };
                        sqlx::query(
                            "UPDATE deliveries SET status = $1, run_at = COALESCE($2, run_at), locked_until = NULL, last_error = $3 WHERE id = $4",
                        )
                        .bind(status)
                        .bind(retry_at)
                        .bind(error)
                        .bind(id)
                        .execute(&mut *tx)
                        .await?;
                    }
                }
            }
            tx.commit().await?;
        });
        Ok(())
    }

    /// Puts a failed delivery back in the queue, due now (an admin's retry).
    pub async fn retry_delivery(&self, id: i64) -> Result<bool> {
        Ok(on_db!(self, |pool, _begin| {
            sqlx::query(
                "UPDATE deliveries SET status = 'pending', attempts = 0, run_at = $1, locked_until = NULL WHERE id = $2 AND status = 'failed'",
            )
            .bind(Utc::now())
            .bind(id)
            .execute(pool)
            .await?
            .rows_affected()
                == 1
        }))
    }

    /// The newest deliveries in `status` (`failed`, `kept`, …), at most `limit`.
    pub async fn deliveries(&self, status: &str, limit: i64) -> Result<Vec<DeliveryRow>> {
        let sql = format!(
            "SELECT {OUTGOING}, d.status, d.last_error, d.sent_at {FROM}
             WHERE d.status = $1 ORDER BY d.id DESC LIMIT $2"
        );
        Ok(on_db!(self, |pool, _begin| {
            sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
                .bind(status)
                .bind(limit)
                .fetch_all(pool)
                .await?
        }))
    }

    /// How many deliveries are in each state, per channel.
    pub async fn outbox_counts(&self) -> Result<OutboxCounts> {
        let rows: Vec<(String, String, i64)> = on_db!(self, |pool, _begin| {
            sqlx::query_as(
                "SELECT channel, status, COUNT(*) FROM deliveries GROUP BY channel, status ORDER BY channel, status",
            )
            .fetch_all(pool)
            .await?
        });
        Ok(OutboxCounts { rows })
    }

    /// The person, event kind and channel of a delivery's unsubscribe token
    /// (none for a channel's announcement: it is nobody's to turn off).
    pub async fn unsubscribe_target(&self, token: &str) -> Result<Option<(i64, String, String)>> {
        Ok(on_db!(self, |pool, _begin| {
            sqlx::query_as(
                "SELECT n.person_id, n.kind, CASE WHEN d.hook_id IS NULL THEN 'email' ELSE 'chat' END
                 FROM deliveries d JOIN notifications n ON n.id = d.notification_id
                 WHERE d.unsubscribe_token = $1 AND NOT n.for_channel",
            )
            .bind(token)
            .fetch_optional(pool)
            .await?
        }))
    }

    /// Sets how `person` hears of `kind` on `channel` (`now`, `digest`, `off`).
    pub async fn set_notification_mode(
        &self,
        person: i64,
        kind: &str,
        channel: &str,
        mode: &str,
    ) -> Result<()> {
        on_db!(self, |pool, _begin| {
            sqlx::query(
                "INSERT INTO notification_settings (person_id, kind, channel, mode, updated_at) VALUES ($1, $2, $3, $4, $5)
                 ON CONFLICT (person_id, kind, channel) DO UPDATE SET mode = excluded.mode, updated_at = excluded.updated_at",
            )
            .bind(person)
            .bind(kind)
            .bind(channel)
            .bind(mode)
            .bind(Utc::now())
            .execute(pool)
            .await?;
        });
        Ok(())
    }

    /// A person's chosen modes: (kind, channel, mode).
    pub async fn notification_modes(&self, person: i64) -> Result<Vec<(String, String, String)>> {
        Ok(on_db!(self, |pool, _begin| {
            sqlx::query_as(
                "SELECT kind, channel, mode FROM notification_settings WHERE person_id = $1 ORDER BY kind, channel",
            )
            .bind(person)
            .fetch_all(pool)
            .await?
        }))
    }
}
