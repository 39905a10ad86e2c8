//! Reminders people ask for (a webinar, or one office-hours session), sent
//! once within the hour before the start; and the note to an asker whose
//! open question missed its session and moves to the next one. Each is
//! claimed with a conditional update in the notification's transaction, so
//! with several servers it goes once.

use crate::notices::notify;
use crate::{Result, Store, on_db};
use chrono::{DateTime, Utc};
use onramp_core::notify::Event;

/// What a reminder is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reminded {
    Webinar(i64),
    /// One session of an office-hours series.
    OfficeHours(i64),
}

impl Reminded {
    fn ids(self) -> (Option<i64>, Option<i64>) {
        match self {
            Reminded::Webinar(id) => (Some(id), None),
            Reminded::OfficeHours(id) => (None, Some(id)),
        }
    }
}

/// A reminder a person holds.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct Reminder {
    pub id: i64,
    pub person_id: i64,
    pub webinar_id: Option<i64>,
    pub series_id: Option<i64>,
    pub starts_at: DateTime<Utc>,
    /// The webinar's or series' title.
    pub title: String,
    /// The person's time zone, for the message.
    pub time_zone: String,
}

/// An open question whose session has ended.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct MissedQuestion {
    pub id: i64,
    pub series_id: i64,
    pub author_id: i64,
    pub session_start: DateTime<Utc>,
    /// The last session the asker was told it missed.
    pub rolled_over_from: Option<DateTime<Utc>>,
    pub body: String,
    pub series_title: String,
    pub time_zone: String,
}

impl Store {
    /// Asks for a reminder of `what` starting at `starts_at` (again: no change).
    pub async fn remind_me(
        &self,
        person: i64,
        what: Reminded,
        starts_at: DateTime<Utc>,
    ) -> Result<()> {
        let (webinar, series) = what.ids();
        on_db!(self, |pool, _begin| {
            sqlx::query(
                "INSERT INTO session_reminders (person_id, webinar_id, series_id, starts_at, created_at)
                 VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
            )
            .bind(person)
            .bind(webinar)
            .bind(series)
            .bind(starts_at)
            .bind(Utc::now())
            .execute(pool)
            .await?;
        });
        Ok(())
    }

    /// Drops a reminder; answers whether there was one.
    pub async fn forget_reminder(
        &self,
        person: i64,
        what: Reminded,
        starts_at: DateTime<Utc>,
    ) -> Result<bool> {
        let (webinar, series) = what.ids();
        Ok(on_db!(self, |pool, _begin| {
            sqlx::query(
                "DELETE FROM session_reminders
                 WHERE person_id = $1 AND COALESCE(webinar_id, 0) = COALESCE($2, 0)
                   AND COALESCE(series_id, 0) = COALESCE($3, 0) AND starts_at = $4",
            )
            .bind(person)
            .bind(webinar)
            .bind(series)
            .bind(starts_at)
            .execute(pool)
            .await?
            .rows_affected()
                > 0
        }))
    }

    const REMINDER_SELECT: &'static str =
        "SELECT r.id, r.person_id, r.webinar_id, r.series_id, r.starts_at,
                COALESCE(w.title, s.title, '') AS title, p.time_zone
         FROM session_reminders r JOIN people p ON p.id = r.person_id
         LEFT JOIN webinars w ON w.id = r.webinar_id
         LEFT JOIN office_hours s ON s.id = r.series_id";

    /// A person's reminders for starts after `from`, soonest first.
    pub async fn reminders_of(&self, person: i64, from: DateTime<Utc>) -> Result<Vec<Reminder>> {
        let sql = format!(
            "{} WHERE r.person_id = $1 AND r.starts_at > $2 ORDER BY r.starts_at, r.id",
            Self::REMINDER_SELECT
        );
        Ok(on_db!(self, |pool, _begin| {
            sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(person)
                .bind(from)
                .fetch_all(pool)
                .await?
        }))
    }

    /// Reminders not sent yet whose start is after `now` and at most `until`.
    pub async fn due_reminders(
        &self,
        now: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> Result<Vec<Reminder>> {
        let sql = format!(
            "{} WHERE r.reminded_at IS NULL AND r.starts_at > $1 AND r.starts_at <= $2
             ORDER BY r.starts_at, r.id",
            Self::REMINDER_SELECT
        );
        Ok(on_db!(self, |pool, _begin| {
            sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(now)
                .bind(until)
                .fetch_all(pool)
                .await?
        }))
    }

    /// Claims reminder `id` and, when `message` is given, notifies its
    /// person in the same transaction. Answers whether this call claimed it
    /// (another server may have).
    pub async fn send_reminder(
        &self,
        id: i64,
        person: i64,
        notice: Option<(&str, &str)>,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        on_db!(self, |pool, begin| {
            let mut tx = pool.begin_with(begin).await?;
            let claimed = sqlx::query(
                "UPDATE session_reminders SET reminded_at = $2 WHERE id = $1 AND reminded_at IS NULL",
            )
            .bind(id)
            .bind(now)
            .execute(&mut *tx)
            .await?
            .rows_affected()
                == 1;
            if claimed && let Some((message, link)) = notice {
                notify!(tx, [person], Event::StartsSoon, None, None, message, link);
            }
            tx.commit().await?;
            Ok(claimed)
        })
    }

    /// Open questions whose session started before `ended_before`.
    pub async fn missed_questions(
        &self,
        ended_before: DateTime<Utc>,
    ) -> Result<Vec<MissedQuestion>> {
        Ok(on_db!(self, |pool, _begin| {
            sqlx::query_as(
                "SELECT q.id, q.series_id, q.author_id, q.session_start, q.rolled_over_from, q.body,
                        s.title AS series_title, p.time_zone
                 FROM questions q JOIN office_hours s ON s.id = q.series_id
                 JOIN people p ON p.id = q.author_id
                 WHERE q.status = 'open' AND q.session_start < $1
                 ORDER BY q.id",
            )
            .bind(ended_before)
            .fetch_all(pool)
            .await?
        }))
    }

    /// Claims the roll-over of question `id` from the ended `session` (once
    /// per session) and, when `notice` is given, tells the asker (and only
    /// them). The question keeps the session it was asked for; pages show it
    /// on the next session's agenda.
    pub async fn roll_over_question(
        &self,
        id: i64,
        asker: i64,
        session: DateTime<Utc>,
        notice: Option<(&str, &str)>,
    ) -> Result<bool> {
        on_db!(self, |pool, begin| {
            let mut tx = pool.begin_with(begin).await?;
            let claimed = sqlx::query(
                "UPDATE questions SET rolled_over_from = $2
                 WHERE id = $1 AND status = 'open'
                   AND (rolled_over_from IS NULL OR rolled_over_from < $2)",
            )
            .bind(id)
            .bind(session)
            .execute(&mut *tx)
            .await?
            .rows_affected()
                == 1;
            if claimed && let Some((message, link)) = notice {
                notify!(
                    tx,
                    [asker],
                    Event::QuestionRolledOver,
                    None,
                    None,
                    message,
                    link
                );
            }
            tx.commit().await?;
            Ok(claimed)
        })
    }
}
