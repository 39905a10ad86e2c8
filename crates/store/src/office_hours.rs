//! Office-hours sessions, the question board with votes and answers, and the
//! secret tokens of personal calendar feeds.

use crate::audit::audit;
use crate::{Result, Store, StoreError, on_db};
use chrono::{DateTime, NaiveDateTime, Utc};
use onramp_core::calendar::Recurrence;
use sqlx::types::Json;

/// A recurring office-hours session.
#[derive(Clone, Debug, sqlx::FromRow, serde::Serialize)]
pub struct OfficeHours {
    pub id: i64,
    pub title: String,
    pub rrule: String,
    pub start_local: NaiveDateTime,
    pub time_zone: String,
    pub duration_minutes: i32,
    pub video_url: String,
    pub host_id: Option<i64>,
    pub host_name: Option<String>,
    pub cancelled: Json<Vec<NaiveDateTime>>,
    pub created_at: DateTime<Utc>,
}

impl OfficeHours {
    pub fn recurrence(&self) -> Recurrence {
        Recurrence {
            rrule: self.rrule.clone(),
            start: self.start_local,
            time_zone: self.time_zone.clone(),
            duration_minutes: u32::try_from(self.duration_minutes).unwrap_or(60),
            cancelled: self.cancelled.0.clone(),
        }
    }
}

/// A question on the board. `author_id` and `author_name` are for the
/// author and the Enablement team only: callers hide them for anonymous
/// questions.
#[derive(Clone, Debug, sqlx::FromRow, serde::Serialize)]
pub struct Question {
    pub id: i64,
    pub series_id: i64,
    pub session_start: DateTime<Utc>,
    pub author_id: i64,
    pub author_name: String,
    pub anonymous: bool,
    pub body: String,
    pub status: String,
    pub answer: String,
    pub links: Json<Vec<String>>,
    pub answered_by: Option<i64>,
    pub answered_at: Option<DateTime<Utc>>,
    pub answered_session: Option<DateTime<Utc>>,
    pub duplicate_of: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub votes: i64,
}

const QUESTION_SELECT: &str = "SELECT q.id, q.series_id, q.session_start, q.author_id, p.name AS author_name, q.anonymous,
        q.body, q.status, q.answer, q.links, q.answered_by, q.answered_at, q.answered_session, q.duplicate_of,
        q.created_at, (SELECT COUNT(*) FROM question_votes v WHERE v.question_id = q.id) AS votes
 FROM questions q JOIN people p ON p.id = q.author_id";

const SERIES_SELECT: &str =
    "SELECT o.id, o.title, o.rrule, o.start_local, o.time_zone, o.duration_minutes, o.video_url,
        o.host_id, h.name AS host_name, o.cancelled, o.created_at
 FROM office_hours o LEFT JOIN people h ON h.id = o.host_id";

impl Store {
    /// Defines a recurring session (the recurrence is checked first).
    pub async fn create_office_hours(
        &self,
        actor: Option<i64>,
        title: &str,
        recurrence: &Recurrence,
        video_url: &str,
        host_id: Option<i64>,
    ) -> Result<OfficeHours> {
        let id: i64 = on_db!(self, |pool, begin| {
            let mut tx = pool.begin_with(begin).await?;
            let (id,): (i64,) = sqlx::query_as(
                "INSERT INTO office_hours (title, rrule, start_local, time_zone, duration_minutes, video_url, host_id, cancelled, created_by, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
            )
            .bind(title.trim())
            .bind(recurrence.rrule.trim())
            .bind(recurrence.start)
            .bind(&recurrence.time_zone)
            .bind(i32::try_from(recurrence.duration_minutes).unwrap_or(60))
            .bind(video_url)
            .bind(host_id)
            .bind(Json(&recurrence.cancelled))
            .bind(actor)
            .bind(Utc::now())
            .fetch_one(&mut *tx)
            .await?;
            audit!(
                tx,
                actor,
                "create",
                "office_hours",
                Some(id),
                None::<serde_json::Value>,
                Some(
                    serde_json::json!({"title": title, "rrule": recurrence.rrule, "time_zone": recurrence.time_zone})
                )
            );
            tx.commit().await?;
            id
        });
        self.office_hours(id)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("office hours {id}")))
    }

    pub async fn office_hours(&self, id: i64) -> Result<Option<OfficeHours>> {
        Ok(on_db!(self, |pool, _b| {
            sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "{SERIES_SELECT} WHERE o.id = $1"
            )))
            .bind(id)
            .fetch_optional(pool)
            .await?
        }))
    }

    pub async fn office_hours_list(&self) -> Result<Vec<OfficeHours>> {
        Ok(on_db!(self, |pool, _b| {
            sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "{SERIES_SELECT} ORDER BY o.id"
            )))
            .fetch_all(pool)
            .await?
        }))
    }

    /// Cancels one session (an EXDATE), given by its local start.
    pub async fn cancel_session(
        &self,
        actor: Option<i64>,
        series_id: i64,
        local_start: NaiveDateTime,
    ) -> Result<()> {
        let series = self
            .office_hours(series_id)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("office hours {series_id}")))?;
        let mut cancelled = series.cancelled.0.clone();
        if !cancelled.contains(&local_start) {
            cancelled.push(local_start);
            cancelled.sort();
        }
        on_db!(self, |pool, begin| {
            let mut tx = pool.begin_with(begin).await?;
            sqlx::query("UPDATE office_hours SET cancelled = $1 WHERE id = $2")
                .bind(Json(&cancelled))
                .bind(series_id)
                .execute(&mut *tx)
                .await?;
            audit!(
                tx,
                actor,
                "cancel",
                "office_hours",
                Some(series_id),
                None::<serde_json::Value>,
                Some(serde_json::json!({"session": local_start}))
            );
            tx.commit().await?;
        });
        Ok(())
    }

    /// Adds a question to a session.
    pub async fn add_question(
        &self,
        author: i64,
        series_id: i64,
        session_start: DateTime<Utc>,
        body: &str,
        anonymous: bool,
    ) -> Result<Question> {
        let id: i64 = on_db!(self, |pool, begin| {
            let mut tx = pool.begin_with(begin).await?;
            let (id,): (i64,) = sqlx::query_as(
                "INSERT INTO questions (series_id, session_start, author_id, anonymous, body, status, created_at)
                 VALUES ($1, $2, $3, $4, $5, 'open', $6) RETURNING id",
            )
            .bind(series_id)
            .bind(session_start)
            .bind(author)
            .bind(anonymous)
            .bind(body)
            .bind(Utc::now())
            .fetch_one(&mut *tx)
            .await?;
            // The series' host hears of it; without a host, everyone who
            // runs office hours. The message never names the asker.
            let (title, host): (String, Option<i64>) =
                sqlx::query_as("SELECT title, host_id FROM office_hours WHERE id = $1")
                    .bind(series_id)
                    .fetch_one(&mut *tx)
                    .await?;
            let hosts: Vec<i64> = match host {
                Some(h) => vec![h],
                None => sqlx::query_as::<_, (i64,)>(
                    "SELECT person_id FROM accounts
                     WHERE disabled_at IS NULL AND (',' || roles || ',') LIKE '%,enablement,%'
                     ORDER BY person_id",
                )
                .fetch_all(&mut *tx)
                .await?
                .into_iter()
                .map(|(p,)| p)
                .collect(),
            };
            let excerpt: String = body.chars().take(80).collect();
            crate::notices::notify!(
                tx,
                hosts.into_iter().filter(|&p| p != author),
                onramp_core::notify::Event::QuestionAsked,
                None,
                None,
                &format!("A new question for “{title}”: “{excerpt}”"),
                &format!("/office-hours/questions/{id}")
            );
            // An anonymous question names no actor: nobody, admins included,
            // can read the asker from the audit log or its exports.
            audit!(
                tx,
                (!anonymous).then_some(author),
                "ask",
                "question",
                Some(id),
                None::<serde_json::Value>,
                Some(
                    serde_json::json!({"series": series_id, "session": session_start, "anonymous": anonymous})
                )
            );
            tx.commit().await?;
            id
        });
        self.question(id)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("question {id}")))
    }

    pub async fn question(&self, id: i64) -> Result<Option<Question>> {
        self.optional_row(&format!("{QUESTION_SELECT} WHERE q.id = $1"), id)
            .await
    }

    /// Every question of a series, most votes first.
    pub async fn questions_of(&self, series_id: i64) -> Result<Vec<Question>> {
        let sql = format!("{QUESTION_SELECT} WHERE q.series_id = $1 ORDER BY votes DESC, q.id");
        self.rows_by_id(&sql, series_id).await
    }

    /// Answered questions of every series (for search).
    pub async fn answered_questions(&self) -> Result<Vec<Question>> {
        Ok(on_db!(self, |pool, _b| {
            sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "{QUESTION_SELECT} WHERE q.status = 'answered' ORDER BY q.id"
            )))
            .fetch_all(pool)
            .await?
        }))
    }

    /// One vote per person per question; returns the question's votes.
    pub async fn vote(&self, question_id: i64, person_id: i64, up: bool) -> Result<i64> {
        on_db!(self, |pool, begin| {
            let mut tx = pool.begin_with(begin).await?;
            if up {
                sqlx::query(
                    "INSERT INTO question_votes (question_id, person_id, created_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
                )
                .bind(question_id)
                .bind(person_id)
                .bind(Utc::now())
                .execute(&mut *tx)
                .await?;
            } else {
                sqlx::query("DELETE FROM question_votes WHERE question_id = $1 AND person_id = $2")
                    .bind(question_id)
                    .bind(person_id)
                    .execute(&mut *tx)
                    .await?;
            }
            let (n,): (i64,) =
                sqlx::query_as("SELECT COUNT(*) FROM question_votes WHERE question_id = $1")
                    .bind(question_id)
                    .fetch_one(&mut *tx)
                    .await?;
            tx.commit().await?;
            Ok(n)
        })
    }

    /// Whether `person` voted for each of `question_ids`.
    pub async fn votes_by(&self, person: i64) -> Result<Vec<i64>> {
        let rows: Vec<(i64,)> = on_db!(self, |pool, _b| {
            sqlx::query_as("SELECT question_id FROM question_votes WHERE person_id = $1")
                .bind(person)
                .fetch_all(pool)
                .await?
        });
        Ok(rows.into_iter().map(|(q,)| q).collect())
    }

    /// Answers a question (Markdown and handbook links) at a session, or
    /// marks it a duplicate of an earlier one; returns (generation before,
    /// generation after) of the searchable content.
    // Long: one transaction: the answer, its links, duplicates and the search change log move together.
    pub async fn answer_question(
        &self,
        actor: i64,
        id: i64,
        answer: &str,
        links: &[String],
        session: Option<DateTime<Utc>>,
        duplicate_of: Option<i64>,
    ) -> Result<(i64, i64)> {
        let now = Utc::now();
        let select_generation = format!(
            "SELECT generation FROM handbook_state WHERE id = 1{}",
            self.row_lock()
        );
        on_db!(self, |pool, begin| {
            let mut tx = pool.begin_with(begin).await?;
            let exists: Option<(i64,)> = sqlx::query_as("SELECT id FROM questions WHERE id = $1")
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
            if exists.is_none() {
                return Err(StoreError::NotFound(format!("question {id}")));
            }
            if let Some(of) = duplicate_of {
                let original: Option<(i64,)> =
                    sqlx::query_as("SELECT id FROM questions WHERE id = $1")
                        .bind(of)
                        .fetch_optional(&mut *tx)
                        .await?;
                if original.is_none() {
                    return Err(StoreError::NoSuch {
                        field: "duplicate_of",
                        what: format!("question {of}"),
                    });
                }
            }
            let status = if duplicate_of.is_some() {
                "duplicate"
            } else {
                "answered"
            };
            sqlx::query(
                "UPDATE questions SET status = $1, answer = $2, links = $3, answered_by = $4, answered_at = $5,
                        answered_session = $6, duplicate_of = $7 WHERE id = $8",
            )
            .bind(status)
            .bind(answer.trim())
            .bind(Json(links))
            .bind(actor)
            .bind(now)
            .bind(session)
            .bind(duplicate_of)
            .bind(id)
            .execute(&mut *tx)
            .await?;
            // Concurrent answers take turns on the generation (PostgreSQL row lock).
            let before: Option<(i64,)> = sqlx::query_as(sqlx::AssertSqlSafe(select_generation))
                .fetch_optional(&mut *tx)
                .await?;
            let before = before.map_or(0, |(g,)| g);
            let path = format!("office-hours/questions/{id}");
            let paths = [path.as_str()];
            crate::handbook::record_search_changes!(tx, before + 1, paths);
            sqlx::query(
                "INSERT INTO handbook_state (id, generation, root, site_url, imported_at) VALUES (1, $1, '', '', $2)
                 ON CONFLICT (id) DO UPDATE SET generation = excluded.generation",
            )
            .bind(before + 1)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            audit!(
                tx,
                Some(actor),
                status,
                "question",
                Some(id),
                None::<serde_json::Value>,
                Some(serde_json::json!({"links": links, "duplicate_of": duplicate_of}))
            );
            // The asker hears of it, also when they asked anonymously: only
            // they see the notification, and it names nobody.
            let (author, body): (i64, String) =
                sqlx::query_as("SELECT author_id, body FROM questions WHERE id = $1")
                    .bind(id)
                    .fetch_one(&mut *tx)
                    .await?;
            if author != actor {
                let excerpt: String = body.chars().take(80).collect();
                let said = if duplicate_of.is_some() {
                    "was answered with an earlier question"
                } else {
                    "was answered"
                };
                crate::notices::notify!(
                    tx,
                    [author],
                    onramp_core::notify::Event::QuestionAnswered,
                    None,
                    None,
                    &format!("Your office-hours question “{excerpt}” {said}."),
                    &format!("/office-hours/questions/{id}")
                );
            }
            tx.commit().await?;
            Ok((before, before + 1))
        })
    }

    /// A new secret for `person`'s calendar feed (the old one stops working).
    pub async fn rotate_calendar_token(&self, person: i64) -> Result<String> {
        let secret = crate::accounts::new_secret()?;
        let hash = crate::accounts::token_hash(&secret);
        on_db!(self, |pool, begin| {
            let mut tx = pool.begin_with(begin).await?;
            sqlx::query(
                "INSERT INTO calendar_tokens (person_id, token_hash, secret, created_at) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (person_id) DO UPDATE SET token_hash = excluded.token_hash,
                   secret = excluded.secret, created_at = excluded.created_at",
            )
            .bind(person)
            .bind(&hash)
            .bind(&secret)
            .bind(Utc::now())
            .execute(&mut *tx)
            .await?;
            audit!(
                tx,
                Some(person),
                "rotate",
                "calendar_token",
                Some(person),
                None::<serde_json::Value>,
                None::<serde_json::Value>
            );
            tx.commit().await?;
        });
        Ok(secret)
    }

    /// Stops `person`'s calendar feed.
    pub async fn revoke_calendar_token(&self, person: i64) -> Result<()> {
        on_db!(self, |pool, _b| {
            sqlx::query("DELETE FROM calendar_tokens WHERE person_id = $1")
                .bind(person)
                .execute(pool)
                .await?;
        });
        Ok(())
    }

    /// `person`'s calendar feed: `None` without one, `Some(None)` for a feed
    /// made before its secret was kept to be shown again.
    pub async fn calendar_token(&self, person: i64) -> Result<Option<Option<String>>> {
        let row: Option<(Option<String>,)> = on_db!(self, |pool, _b| {
            sqlx::query_as("SELECT secret FROM calendar_tokens WHERE person_id = $1")
                .bind(person)
                .fetch_optional(pool)
                .await?
        });
        Ok(row.map(|(secret,)| secret))
    }

    /// The person a calendar feed secret belongs to.
    pub async fn person_for_calendar_token(&self, secret: &str) -> Result<Option<i64>> {
        let hash = crate::accounts::token_hash(secret);
        let row: Option<(i64,)> = on_db!(self, |pool, _b| {
            sqlx::query_as("SELECT person_id FROM calendar_tokens WHERE token_hash = $1")
                .bind(&hash)
                .fetch_optional(pool)
                .await?
        });
        Ok(row.map(|(p,)| p))
    }
}
