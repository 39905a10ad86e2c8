//! Chat webhooks: a person's own (their notifications), and channel hooks of
//! a program or a manager's team (announcements). Deliveries to them go
//! through the outbox like email ([`crate::notices`]).

use crate::audit::audit;
use crate::{Result, Store, StoreError, on_db};
use chrono::{DateTime, Utc};
use serde::Serialize;

const HOOK_COLUMNS: &str =
    "h.id, h.scope, h.person_id, h.program_id, h.format, h.url, h.secret, h.created_at";

/// A chat webhook. `secret` signs the `json` format's requests.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct ChatHook {
    pub id: i64,
    /// `person`, `program` or `team`.
    pub scope: String,
    /// The person (scope `person`) or the manager (scope `team`).
    pub person_id: Option<i64>,
    pub program_id: Option<i64>,
    pub format: String,
    pub url: String,
    #[serde(skip)]
    pub secret: String,
    pub created_at: DateTime<Utc>,
}

/// A channel hook with what it is for, in words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct ChannelHook {
    #[sqlx(flatten)]
    #[serde(flatten)]
    pub hook: ChatHook,
    /// The program's slug or the manager's email.
    pub target: String,
}

/// Which onboardings a channel hook announces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChannelScope {
    Program(i64),
    /// The team of this manager.
    Team(i64),
}

impl Store {
    /// Connects `person`'s own chat, replacing the one they had.
    pub async fn set_personal_hook(
        &self,
        person: i64,
        format: &str,
        url: &str,
        secret: &str,
    ) -> Result<ChatHook> {
        let id = on_db!(self, |pool, begin| {
            let mut tx = pool.begin_with(begin).await?;
            sqlx::query("DELETE FROM chat_hooks WHERE scope = 'person' AND person_id = $1")
                .bind(person)
                .execute(&mut *tx)
                .await?;
            let (id,): (i64,) = sqlx::query_as(
                "INSERT INTO chat_hooks (scope, person_id, format, url, secret, created_by, created_at)
                 VALUES ('person', $1, $2, $3, $4, $1, $5) RETURNING id",
            )
            .bind(person)
            .bind(format)
            .bind(url)
            .bind(secret)
            .bind(Utc::now())
            .fetch_one(&mut *tx)
            .await?;
            tx.commit().await?;
            id
        });
        self.chat_hook(id)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("chat hook {id}")))
    }

    async fn chat_hook(&self, id: i64) -> Result<Option<ChatHook>> {
        let sql = format!("SELECT {HOOK_COLUMNS} FROM chat_hooks h WHERE h.id = $1");
        self.optional_row(&sql, id).await
    }

    /// A person's own chat hook, if they connected one.
    pub async fn personal_hook(&self, person: i64) -> Result<Option<ChatHook>> {
        let sql = format!(
            "SELECT {HOOK_COLUMNS} FROM chat_hooks h WHERE h.scope = 'person' AND h.person_id = $1"
        );
        self.optional_row(&sql, person).await
    }

    /// Disconnects a person's own chat (its waiting deliveries go with it).
    pub async fn remove_personal_hook(&self, person: i64) -> Result<bool> {
        Ok(on_db!(self, |pool, _begin| {
            sqlx::query("DELETE FROM chat_hooks WHERE scope = 'person' AND person_id = $1")
                .bind(person)
                .execute(pool)
                .await?
                .rows_affected()
                > 0
        }))
    }

    /// Adds a channel hook for a program's or a team's onboardings.
    pub async fn add_channel_hook(
        &self,
        actor: Option<i64>,
        scope: ChannelScope,
        format: &str,
        url: &str,
        secret: &str,
    ) -> Result<ChatHook> {
        let (scope_name, person, program) = match scope {
            ChannelScope::Program(p) => ("program", None, Some(p)),
            ChannelScope::Team(m) => ("team", Some(m), None),
        };
        let id = on_db!(self, |pool, begin| {
            let mut tx = pool.begin_with(begin).await?;
            let (id,): (i64,) = sqlx::query_as(
                "INSERT INTO chat_hooks (scope, person_id, program_id, format, url, secret, created_by, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
            )
            .bind(scope_name)
            .bind(person)
            .bind(program)
            .bind(format)
            .bind(url)
            .bind(secret)
            .bind(actor)
            .bind(Utc::now())
            .fetch_one(&mut *tx)
            .await?;
            audit!(
                tx,
                actor,
                "add",
                "chat_hook",
                Some(id),
                None::<serde_json::Value>,
                Some(serde_json::json!({"scope": scope_name, "format": format}))
            );
            tx.commit().await?;
            id
        });
        self.chat_hook(id)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("chat hook {id}")))
    }

    /// The channel hooks, oldest first.
    pub async fn channel_hooks(&self) -> Result<Vec<ChannelHook>> {
        let sql = format!(
            "SELECT {HOOK_COLUMNS}, COALESCE(pr.slug, p.email, '') AS target
             FROM chat_hooks h
             LEFT JOIN programs pr ON pr.id = h.program_id
             LEFT JOIN people p ON p.id = h.person_id
             WHERE h.scope <> 'person' ORDER BY h.id"
        );
        Ok(on_db!(self, |pool, _begin| {
            sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
                .fetch_all(pool)
                .await?
        }))
    }

    /// Removes a channel hook (its waiting deliveries go with it).
    pub async fn remove_channel_hook(&self, actor: Option<i64>, id: i64) -> Result<bool> {
        Ok(on_db!(self, |pool, begin| {
            let mut tx = pool.begin_with(begin).await?;
            let gone = sqlx::query("DELETE FROM chat_hooks WHERE id = $1 AND scope <> 'person'")
                .bind(id)
                .execute(&mut *tx)
                .await?
                .rows_affected()
                > 0;
            if gone {
                audit!(
                    tx,
                    actor,
                    "remove",
                    "chat_hook",
                    Some(id),
                    None::<serde_json::Value>,
                    None::<serde_json::Value>
                );
            }
            tx.commit().await?;
            gone
        }))
    }
}
