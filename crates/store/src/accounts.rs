//! Accounts, sessions, API tokens, sign-in throttling and password resets.
//! Secrets are stored hashed: passwords with argon2id, tokens with SHA-256.

use crate::audit::audit;
use crate::{Result, Store, StoreError, on_db};
use chrono::{DateTime, Utc};
use onramp_core::people::Role;
use serde::Serialize;

/// An account as the rest of the system sees it (never its password hash).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Account {
    pub id: i64,
    pub person_id: i64,
    pub email: String,
    pub name: String,
    /// Role names, comma-separated.
    pub roles: String,
    pub disabled_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    /// The person's IANA time zone: times are shown to them in it.
    pub time_zone: String,
}

impl Account {
    pub fn roles(&self) -> Vec<Role> {
        self.roles
            .split(',')
            .filter_map(|r| r.trim().parse().ok())
            .collect()
    }
}

/// A new random secret: 32 bytes as 64 hex characters.
pub fn new_secret() -> Result<String> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)
        .map_err(|e| StoreError::Unavailable(format!("no randomness available: {e}")))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// How a secret token is stored.
pub fn token_hash(token: &str) -> String {
    onramp_core::sha256_hex(token.as_bytes())
}

/// An argon2id hash of a password (with its own random salt).
pub fn hash_password(password: &str) -> String {
    password_auth::generate_hash(password)
}

/// Whether `password` matches `hash`. A missing hash still costs a full
/// verification, so unknown accounts answer as slowly as known ones.
pub fn verify_password(password: &str, hash: Option<&str>) -> bool {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    match hash {
        Some(h) => password_auth::verify_password(password, h).is_ok(),
        None => {
            let dummy = DUMMY.get_or_init(|| password_auth::generate_hash("not a real password"));
            let _ = password_auth::verify_password(password, dummy);
            false
        }
    }
}

pub(crate) const ACCOUNT_COLUMNS: &str =
    "a.id, a.person_id, p.email, p.name, a.roles, a.disabled_at, a.created_at, p.time_zone";

/// Sign-in throttling: failures are counted per key within this window, and
/// a lock lasts as long.
pub const FAILURE_WINDOW_MINUTES: i64 = 15;

impl Store {
    /// Creates the account of a person (or updates its roles and password).
    pub async fn upsert_account(
        &self,
        actor_id: Option<i64>,
        person_id: i64,
        roles: &[Role],
        password_hash: Option<&str>,
    ) -> Result<Account> {
        let now = Utc::now();
        let roles_text = roles
            .iter()
            .map(|r| r.as_str())
            .collect::<Vec<_>>()
            .join(",");
        on_db!(self, |pool, begin| {
            let mut tx = pool.begin_with(begin).await?;
            let existing: Option<(i64, String)> =
                sqlx::query_as("SELECT id, roles FROM accounts WHERE person_id = $1")
                    .bind(person_id)
                    .fetch_optional(&mut *tx)
                    .await?;
            let id = match &existing {
                Some((id, _)) => {
                    sqlx::query("UPDATE accounts SET roles = $1, password_hash = COALESCE($2, password_hash), updated_at = $3 WHERE id = $4")
                        .bind(&roles_text)
                        .bind(password_hash)
                        .bind(now)
                        .bind(id)
                        .execute(&mut *tx)
                        .await?;
                    *id
                }
                None => {
                    let (id,): (i64,) = sqlx::query_as(
                        "INSERT INTO accounts (person_id, password_hash, roles, created_at, updated_at) VALUES ($1, $2, $3, $4, $4) RETURNING id",
                    )
                    .bind(person_id)
                    .bind(password_hash)
                    .bind(&roles_text)
                    .bind(now)
                    .fetch_one(&mut *tx)
                    .await?;
                    id
                }
            };
            let old = existing.map(|(_, r)| serde_json::json!({"roles": r}));
            audit!(
                tx,
                actor_id,
                if old.is_some() { "update" } else { "create" },
                "account",
                Some(id),
                old,
                Some(
                    serde_json::json!({"roles": roles_text, "password_changed": password_hash.is_some()})
                )
            );
            tx.commit().await?;
        });
        self.account_of_person(person_id)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("account of person {person_id}")))
    }

    pub async fn account(&self, id: i64) -> Result<Account> {
        let sql = format!(
            "SELECT {ACCOUNT_COLUMNS} FROM accounts a JOIN people p ON p.id = a.person_id WHERE a.id = $1"
        );
        let found: Option<Account> = on_db!(self, |pool, _begin| {
            sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(id)
                .fetch_optional(pool)
                .await?
        });
        found.ok_or_else(|| StoreError::NotFound(format!("account {id}")))
    }

    pub async fn account_of_person(&self, person_id: i64) -> Result<Option<Account>> {
        let sql = format!(
            "SELECT {ACCOUNT_COLUMNS} FROM accounts a JOIN people p ON p.id = a.person_id WHERE a.person_id = $1"
        );
        Ok(on_db!(self, |pool, _begin| {
            sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(person_id)
                .fetch_optional(pool)
                .await?
        }))
    }

    /// The account with this email and its password hash, if any.
    pub async fn account_for_sign_in(
        &self,
        email: &str,
    ) -> Result<Option<(Account, Option<String>)>> {
        let sql = format!(
            "SELECT {ACCOUNT_COLUMNS}, a.password_hash FROM accounts a JOIN people p ON p.id = a.person_id WHERE p.email = $1"
        );
        #[derive(sqlx::FromRow)]
        struct Row {
            #[sqlx(flatten)]
            account: Account,
            password_hash: Option<String>,
        }
        let email = email.trim().to_lowercase();
        let row: Option<Row> = on_db!(self, |pool, _begin| {
            sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(&email)
                .fetch_optional(pool)
                .await?
        });
        Ok(row.map(|r| (r.account, r.password_hash)))
    }

    pub async fn list_accounts(&self) -> Result<Vec<Account>> {
        let sql = format!(
            "SELECT {ACCOUNT_COLUMNS} FROM accounts a JOIN people p ON p.id = a.person_id ORDER BY p.name, a.id"
        );
        Ok(on_db!(self, |pool, _begin| sqlx::query_as(
            sqlx::AssertSqlSafe(sql)
        )
        .fetch_all(pool)
        .await?))
    }

    /// Disables an account and ends its sessions and tokens.
    pub async fn disable_account(&self, actor_id: Option<i64>, account_id: i64) -> Result<()> {
        let now = Utc::now();
        on_db!(self, |pool, begin| {
            let mut tx = pool.begin_with(begin).await?;
            let n = sqlx::query("UPDATE accounts SET disabled_at = $1, updated_at = $1 WHERE id = $2 AND disabled_at IS NULL")
                .bind(now)
                .bind(account_id)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            if n == 0 {
                return Err(StoreError::NotFound(format!(
                    "enabled account {account_id}"
                )));
            }
            sqlx::query("DELETE FROM sessions WHERE account_id = $1")
                .bind(account_id)
                .execute(&mut *tx)
                .await?;
            sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE account_id = $2 AND revoked_at IS NULL")
                .bind(now)
                .bind(account_id)
                .execute(&mut *tx)
                .await?;
            audit!(
                tx,
                actor_id,
                "disable",
                "account",
                Some(account_id),
                Some(serde_json::json!({"disabled": false})),
                Some(serde_json::json!({"disabled": true}))
            );
            tx.commit().await?;
        });
        Ok(())
    }

    /// Audit events, newest first; `involving` limits them to what concerns a
    /// person (their own actions, their account, and onboardings they are part of).
    pub async fn audit_log(
        &self,
        involving: Option<i64>,
        limit: i64,
    ) -> Result<Vec<crate::AuditEvent>> {
        let sql = "SELECT e.id, e.at, e.actor_id, e.action, e.entity, e.entity_id, e.onboarding_id, e.old_value, e.new_value
                   FROM audit_events e
                   WHERE CAST($1 AS BIGINT) IS NULL
                      OR e.actor_id = $1
                      OR (e.entity = 'person' AND e.entity_id = $1)
                      OR (e.entity = 'account' AND e.entity_id IN (SELECT id FROM accounts WHERE person_id = $1))
                      OR e.onboarding_id IN (SELECT id FROM onboardings o WHERE $1 IN (o.person_id, o.manager_id, o.buddy_id, o.backup_buddy_id, o.people_connect_id, o.enablement_id))
                   ORDER BY e.id DESC LIMIT $2";
        Ok(on_db!(self, |pool, _begin| {
            sqlx::query_as(sql)
                .bind(involving)
                .bind(limit)
                .fetch_all(pool)
                .await?
        }))
    }
}
