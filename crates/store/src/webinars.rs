//! Webinars: scheduled sessions, their recordings, and who attended.

use crate::audit::audit;
use crate::{Result, Store, StoreError, on_db};
use chrono::{DateTime, Utc};
use std::collections::BTreeMap;

const WEBINAR_COLUMNS: &str =
    "id, title, starts_at, duration_minutes, host, registration_url, recording_url, created_by";

/// A webinar, upcoming or past.
#[derive(Clone, Debug, sqlx::FromRow, serde::Serialize)]
pub struct Webinar {
    pub id: i64,
    pub title: String,
    pub starts_at: DateTime<Utc>,
    pub duration_minutes: i32,
    pub host: String,
    pub registration_url: Option<String>,
    pub recording_url: Option<String>,
    pub created_by: Option<i64>,
}

/// A webinar to add.
#[derive(Clone, Debug)]
pub struct NewWebinar {
    pub title: String,
    pub starts_at: DateTime<Utc>,
    pub duration_minutes: i32,
    pub host: String,
    pub registration_url: Option<String>,
}

impl Store {
    /// Adds a webinar.
    pub async fn add_webinar(&self, actor: Option<i64>, w: &NewWebinar) -> Result<Webinar> {
        let now = Utc::now();
        let sql = format!(
            "INSERT INTO webinars (title, starts_at, duration_minutes, host, registration_url, created_by, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING {WEBINAR_COLUMNS}"
        );
        on_db!(self, |pool, begin| {
            let mut tx = pool.begin_with(begin).await?;
            let webinar: Webinar = sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(w.title.trim())
                .bind(w.starts_at)
                .bind(w.duration_minutes)
                .bind(w.host.trim())
                .bind(&w.registration_url)
                .bind(actor)
                .bind(now)
                .fetch_one(&mut *tx)
                .await?;
            audit!(
                tx,
                actor,
                "add",
                "webinar",
                Some(webinar.id),
                None::<serde_json::Value>,
                Some(serde_json::json!({"title": webinar.title, "starts_at": webinar.starts_at}))
            );
            tx.commit().await?;
            Ok(webinar)
        })
    }

    /// Sets the recording link of a webinar (once it took place).
    pub async fn set_webinar_recording(
        &self,
        actor: Option<i64>,
        id: i64,
        url: Option<&str>,
    ) -> Result<Webinar> {
        let sql = format!(
            "UPDATE webinars SET recording_url = $2, updated_at = $3 WHERE id = $1 RETURNING {WEBINAR_COLUMNS}"
        );
        on_db!(self, |pool, begin| {
            let mut tx = pool.begin_with(begin).await?;
            let updated: Option<Webinar> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(id)
                .bind(url)
                .bind(Utc::now())
                .fetch_optional(&mut *tx)
                .await?;
            let w = updated.ok_or_else(|| StoreError::NotFound(format!("webinar {id}")))?;
            audit!(
                tx,
                actor,
                "update",
                "webinar",
                Some(id),
                None::<serde_json::Value>,
                Some(serde_json::json!({"recording_url": url}))
            );
            tx.commit().await?;
            Ok(w)
        })
    }

    /// Webinars starting in `[from, to)`, by start.
    pub async fn webinars(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        limit: i64,
    ) -> Result<Vec<Webinar>> {
        let sql = format!(
            "SELECT {WEBINAR_COLUMNS} FROM webinars WHERE starts_at >= $1 AND starts_at < $2 ORDER BY starts_at, id LIMIT $3"
        );
        Ok(on_db!(self, |pool, begin| {
            sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
                .bind(from)
                .bind(to)
                .bind(limit)
                .fetch_all(pool)
                .await?
        }))
    }

    pub async fn webinar(&self, id: i64) -> Result<Webinar> {
        let sql = format!("SELECT {WEBINAR_COLUMNS} FROM webinars WHERE id = $1");
        self.row_by_id(&sql, id, "webinar").await
    }

    /// Records that a person attended (`attended`) or watched the recording
    /// (`watched`) of a webinar; `None` takes it back.
    pub async fn set_attendance(
        &self,
        person_id: i64,
        webinar_id: i64,
        how: Option<&str>,
    ) -> Result<()> {
        on_db!(self, |pool, begin| {
            let mut tx = pool.begin_with(begin).await?;
            sqlx::query("DELETE FROM webinar_attendance WHERE webinar_id = $1 AND person_id = $2")
                .bind(webinar_id)
                .bind(person_id)
                .execute(&mut *tx)
                .await?;
            if let Some(how) = how {
                sqlx::query("INSERT INTO webinar_attendance (webinar_id, person_id, how, at) VALUES ($1, $2, $3, $4)")
                    .bind(webinar_id)
                    .bind(person_id)
                    .bind(how)
                    .bind(Utc::now())
                    .execute(&mut *tx)
                    .await?;
            }
            audit!(
                tx,
                Some(person_id),
                "attend",
                "webinar",
                Some(webinar_id),
                None::<serde_json::Value>,
                Some(serde_json::json!({"how": how}))
            );
            tx.commit().await?;
            Ok(())
        })
    }

    /// How a person took part in webinars: webinar id → `attended` / `watched`.
    pub async fn attendance_of(&self, person_id: i64) -> Result<BTreeMap<i64, String>> {
        let rows: Vec<(i64, String)> = on_db!(self, |pool, begin| {
            sqlx::query_as("SELECT webinar_id, how FROM webinar_attendance WHERE person_id = $1")
                .bind(person_id)
                .fetch_all(pool)
                .await?
        });
        Ok(rows.into_iter().collect())
    }
}
