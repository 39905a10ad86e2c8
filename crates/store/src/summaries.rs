//! The hour of each person's daily digest, and the weekly summary for
//! managers and People Connect: one per person and week, whichever server
//! makes it.

use crate::notices::notify;
use crate::{Result, Store, on_db};
use chrono::{DateTime, NaiveDate, Utc};
use onramp_core::notify::{DIGEST_HOUR, Event};

/// Someone who gets a weekly summary.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct SummaryReader {
    pub person_id: i64,
    pub time_zone: String,
    pub digest_hour: i32,
    /// Manages a running onboarding.
    pub manager: bool,
    /// Holds the People Connect role.
    pub people_connect: bool,
}

impl Store {
    /// The local hour of a person's daily digest (08 unless they chose).
    pub async fn digest_hour(&self, person: i64) -> Result<u32> {
        let hour: Option<i32> = on_db!(self, |pool, _begin| {
            sqlx::query_scalar("SELECT digest_hour FROM notification_hours WHERE person_id = $1")
                .bind(person)
                .fetch_optional(pool)
                .await?
        });
        Ok(hour
            .and_then(|h| u32::try_from(h).ok())
            .unwrap_or(DIGEST_HOUR))
    }

    /// Sets the local hour (0–23) of a person's daily digest.
    pub async fn set_digest_hour(&self, person: i64, hour: u32) -> Result<()> {
        let hour = i32::try_from(hour.min(23)).unwrap_or(8);
        on_db!(self, |pool, _begin| {
            sqlx::query(
                "INSERT INTO notification_hours (person_id, digest_hour, updated_at) VALUES ($1, $2, $3)
                 ON CONFLICT (person_id) DO UPDATE SET digest_hour = $2, updated_at = $3",
            )
            .bind(person)
            .bind(hour)
            .bind(Utc::now())
            .execute(pool)
            .await?;
        });
        Ok(())
    }

    /// Managers of running onboardings and People Connect members with an
    /// enabled account, with their zone and hour.
    pub async fn summary_readers(&self) -> Result<Vec<SummaryReader>> {
        Ok(on_db!(self, |pool, _begin| {
            sqlx::query_as(
                "SELECT p.id AS person_id, p.time_zone,
                        COALESCE(h.digest_hour, $1) AS digest_hour,
                        EXISTS (SELECT 1 FROM onboardings o
                                WHERE o.manager_id = p.id AND o.status = 'active') AS manager,
                        (',' || a.roles || ',' LIKE '%,people-connect,%') AS people_connect
                 FROM accounts a JOIN people p ON p.id = a.person_id
                 LEFT JOIN notification_hours h ON h.person_id = p.id
                 WHERE a.disabled_at IS NULL
                   AND (',' || a.roles || ',' LIKE '%,people-connect,%'
                        OR EXISTS (SELECT 1 FROM onboardings o
                                   WHERE o.manager_id = p.id AND o.status = 'active'))
                 ORDER BY p.id",
            )
            .bind(i32::try_from(DIGEST_HOUR).unwrap_or(8))
            .fetch_all(pool)
            .await?
        }))
    }

    /// Whether the person's summary of the week starting `week` was made.
    pub async fn weekly_summary_made(&self, person: i64, week: NaiveDate) -> Result<bool> {
        Ok(on_db!(self, |pool, _begin| {
            sqlx::query_scalar::<_, i64>(
                "SELECT COUNT(*) FROM weekly_summaries WHERE person_id = $1 AND week = $2",
            )
            .bind(person)
            .bind(week)
            .fetch_one(pool)
            .await?
        }) > 0)
    }

    /// Claims the person's summary of the week starting `week` and notifies
    /// them with `message`, in one transaction. Answers whether this call
    /// made it (another server may have).
    pub async fn make_weekly_summary(
        &self,
        person: i64,
        week: NaiveDate,
        message: &str,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        on_db!(self, |pool, begin| {
            let mut tx = pool.begin_with(begin).await?;
            let claimed = sqlx::query(
                "INSERT INTO weekly_summaries (person_id, week, created_at) VALUES ($1, $2, $3)
                 ON CONFLICT DO NOTHING",
            )
            .bind(person)
            .bind(week)
            .bind(now)
            .execute(&mut *tx)
            .await?
            .rows_affected()
                == 1;
            if claimed {
                notify!(
                    tx,
                    [person],
                    Event::WeeklySummary,
                    None,
                    None,
                    message,
                    "/home"
                );
                sqlx::query(
                    "UPDATE weekly_summaries SET notification_id =
                       (SELECT MAX(id) FROM notifications WHERE person_id = $1 AND kind = $3)
                     WHERE person_id = $1 AND week = $2",
                )
                .bind(person)
                .bind(week)
                .bind(Event::WeeklySummary.as_str())
                .execute(&mut *tx)
                .await?;
            }
            tx.commit().await?;
            Ok(claimed)
        })
    }
}
