//! The audit log: every change, who made it, and the values before and after.

use crate::{AuditEvent, Result, Store, on_db};

/// Records an audit event inside the caller's transaction.
macro_rules! audit {
    ($tx:expr, $actor:expr, $action:expr, $entity:expr, $entity_id:expr, $old:expr, $new:expr) => {
        audit!($tx, $actor, $action, $entity, $entity_id, None::<i64>, $old, $new)
    };
    ($tx:expr, $actor:expr, $action:expr, $entity:expr, $entity_id:expr, $onboarding:expr, $old:expr, $new:expr) => {
        sqlx::query(
            "INSERT INTO audit_events (at, actor_id, action, entity, entity_id, onboarding_id, old_value, new_value)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(chrono::Utc::now())
        .bind($actor)
        .bind($action)
        .bind($entity)
        .bind($entity_id)
        .bind($onboarding)
        .bind($old.map(sqlx::types::Json::<serde_json::Value>))
        .bind($new.map(sqlx::types::Json::<serde_json::Value>))
        .execute(&mut *$tx)
        .await?
    };
}
pub(crate) use audit;

impl Store {
    /// The audit events of one entity (e.g. `onboarding`, 3), oldest first.
    pub async fn audit_events(&self, entity: &str, entity_id: i64) -> Result<Vec<AuditEvent>> {
        Ok(on_db!(self, |pool, _begin| {
            sqlx::query_as(
                "SELECT id, at, actor_id, action, entity, entity_id, onboarding_id, old_value, new_value
                 FROM audit_events WHERE entity = $1 AND entity_id = $2 ORDER BY id",
            )
            .bind(entity)
            .bind(entity_id)
            .fetch_all(pool)
            .await?
        }))
    }
}

impl Store {
    /// The timeline with each actor's name, in one query.
    pub async fn timeline_named(
        &self,
        onboarding_id: i64,
    ) -> Result<Vec<(AuditEvent, Option<String>)>> {
        #[derive(sqlx::FromRow)]
        struct Row {
            #[sqlx(flatten)]
            event: AuditEvent,
            actor_name: Option<String>,
        }
        let rows: Vec<Row> = on_db!(self, |pool, _begin| {
            sqlx::query_as(
                "SELECT e.id, e.at, e.actor_id, e.action, e.entity, e.entity_id, e.onboarding_id, e.old_value, e.new_value,
                        p.name AS actor_name
                 FROM audit_events e LEFT JOIN people p ON p.id = e.actor_id
                 WHERE e.onboarding_id = $1 ORDER BY e.id",
            )
            .bind(onboarding_id)
            .fetch_all(pool)
            .await?
        });
        Ok(rows.into_iter().map(|r| (r.event, r.actor_name)).collect())
    }

    /// Everything that happened to an onboarding, its tasks and comments, oldest first.
    pub async fn timeline(&self, onboarding_id: i64) -> Result<Vec<AuditEvent>> {
        Ok(self
            .timeline_named(onboarding_id)
            .await?
            .into_iter()
            .map(|(e, _)| e)
            .collect())
    }
}
