//! Uploaded Service Ping payloads, kept per customer instance.

use crate::audit::audit;
use crate::{Result, Store, StoreError, on_db};
use chrono::{DateTime, Utc};

/// A stored payload (without its body).
#[derive(Clone, Debug, sqlx::FromRow, serde::Serialize)]
pub struct PingUpload {
    pub id: i64,
    /// An opaque key for the instance (a hash of its uuid).
    pub instance_key: String,
    /// What people call the instance: its host name, the file name, or a
    /// label someone gave it.
    pub label: String,
    pub version: String,
    pub recorded_at: Option<DateTime<Utc>>,
    pub size: i64,
    pub uploaded_by: Option<i64>,
    pub uploaded_at: DateTime<Utc>,
}

const COLUMNS: &str =
    "id, instance_key, label, version, recorded_at, size, uploaded_by, uploaded_at";

impl Store {
    /// Stores a payload; the same instance and recording twice is a conflict.
    pub async fn add_ping_payload(
        &self,
        actor: Option<i64>,
        instance_key: &str,
        label: &str,
        version: &str,
        recorded_at: Option<DateTime<Utc>>,
        body: &str,
    ) -> Result<PingUpload> {
        let now = Utc::now();
        on_db!(self, |pool, begin| {
            let mut tx = pool.begin_with(begin).await?;
            if recorded_at.is_some() {
                let same: Option<(i64,)> = sqlx::query_as(
                    "SELECT id FROM ping_payloads WHERE instance_key = $1 AND recorded_at = $2",
                )
                .bind(instance_key)
                .bind(recorded_at)
                .fetch_optional(&mut *tx)
                .await?;
                if let Some((id,)) = same {
                    return Err(StoreError::Conflict(format!(
                        "this payload (same instance, same recording) is already stored as #{id}"
                    )));
                }
            }
            // A known instance keeps the name it goes by (perhaps one given to it).
            let known: Option<(String,)> = sqlx::query_as(
                "SELECT label FROM ping_payloads WHERE instance_key = $1 ORDER BY id DESC LIMIT 1",
            )
            .bind(instance_key)
            .fetch_optional(&mut *tx)
            .await?;
            let label = known.map_or_else(|| label.to_string(), |(l,)| l);
            let upload: PingUpload = sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "INSERT INTO ping_payloads (instance_key, label, version, recorded_at, size, body, uploaded_by, uploaded_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING {COLUMNS}"
            )))
            .bind(instance_key)
            .bind(&label)
            .bind(version)
            .bind(recorded_at)
            .bind(body.len() as i64)
            .bind(body)
            .bind(actor)
            .bind(now)
            // Not kept in the connection's statement cache: a cached statement
            // would hold on to its last (multi-megabyte) binding.
            .persistent(false)
            .fetch_one(&mut *tx)
            .await?;
            audit!(
                tx,
                actor,
                "upload",
                "ping_payload",
                Some(upload.id),
                None::<serde_json::Value>,
                Some(
                    serde_json::json!({"instance": instance_key, "version": version, "size": body.len()})
                )
            );
            tx.commit().await?;
            Ok(upload)
        })
    }

    /// Gives an instance the name people know it by; answers the name it had.
    pub async fn rename_ping_instance(
        &self,
        actor: Option<i64>,
        instance_key: &str,
        label: &str,
    ) -> Result<String> {
        on_db!(self, |pool, begin| {
            let mut tx = pool.begin_with(begin).await?;
            let before: Option<(String,)> = sqlx::query_as(
                "SELECT label FROM ping_payloads WHERE instance_key = $1 ORDER BY id DESC LIMIT 1",
            )
            .bind(instance_key)
            .fetch_optional(&mut *tx)
            .await?;
            let (before,) = before.ok_or_else(|| {
                StoreError::NotFound(format!("Service Ping instance {instance_key}"))
            })?;
            sqlx::query("UPDATE ping_payloads SET label = $1 WHERE instance_key = $2")
                .bind(label)
                .bind(instance_key)
                .execute(&mut *tx)
                .await?;
            audit!(
                tx,
                actor,
                "rename",
                "ping_instance",
                None::<i64>,
                Some(serde_json::json!({"instance": instance_key, "label": before})),
                Some(serde_json::json!({"instance": instance_key, "label": label}))
            );
            tx.commit().await?;
            Ok(before)
        })
    }

    /// Every upload, newest first.
    pub async fn ping_uploads(&self) -> Result<Vec<PingUpload>> {
        Ok(on_db!(self, |pool, _b| {
            sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "SELECT {COLUMNS} FROM ping_payloads ORDER BY uploaded_at DESC, id DESC"
            )))
            .fetch_all(pool)
            .await?
        }))
    }

    /// The uploads of one instance, oldest recording first.
    pub async fn ping_history(&self, instance_key: &str) -> Result<Vec<PingUpload>> {
        Ok(on_db!(self, |pool, _b| {
            sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "SELECT {COLUMNS} FROM ping_payloads WHERE instance_key = $1 ORDER BY recorded_at, id"
            )))
            .bind(instance_key)
            .fetch_all(pool)
            .await?
        }))
    }

    /// One upload with its body.
    pub async fn ping_payload(&self, id: i64) -> Result<Option<(PingUpload, String)>> {
        #[derive(sqlx::FromRow)]
        struct Row {
            #[sqlx(flatten)]
            upload: PingUpload,
            body: String,
        }
        let row: Option<Row> = on_db!(self, |pool, _b| {
            sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "SELECT {COLUMNS}, body FROM ping_payloads WHERE id = $1"
            )))
            .bind(id)
            .fetch_optional(pool)
            .await?
        });
        Ok(row.map(|r| (r.upload, r.body)))
    }
}
