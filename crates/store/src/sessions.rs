//! Signing in: sessions, API tokens, sign-in throttling and password resets.

use crate::accounts::{
    ACCOUNT_COLUMNS, Account, FAILURE_WINDOW_MINUTES, hash_password, new_secret, token_hash,
};
use crate::audit::audit;
use crate::{Result, Store, StoreError, on_db};
use chrono::{DateTime, Duration, Utc};
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Session {
    pub id: String,
    pub account_id: i64,
    pub csrf_token: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    /// Unread notifications of the person, read with the session.
    #[sqlx(default)]
    pub unread_notifications: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct ApiToken {
    pub id: i64,
    pub account_id: i64,
    pub name: String,
    /// `read` or `write`.
    pub scope: String,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

/// A session as its owner sees it in "Your sessions".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct SessionInfo {
    /// Names the session (it is not its secret).
    pub handle: String,
    /// The browser and system it was started from, as the browser said.
    pub device: String,
    pub address: String,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    /// The session the list is read with.
    #[sqlx(skip)]
    pub current: bool,
    #[serde(skip)]
    id: String,
}

/// Where a session is started from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SessionOrigin {
    pub device: String,
    pub address: String,
}

/// How long last_seen_at may lag: a session is written to at most this often.
pub const SEEN_EVERY_MINUTES: i64 = 5;

impl Store {
    /// Starts a session; returns the secret for the cookie.
    pub async fn create_session(
        &self,
        account_id: i64,
        lifetime: Duration,
    ) -> Result<(String, Session)> {
        self.start_session(account_id, lifetime, &SessionOrigin::default())
            .await
    }

    /// Starts a session from a device and address; returns the secret for the cookie.
    pub async fn start_session(
        &self,
        account_id: i64,
        lifetime: Duration,
        origin: &SessionOrigin,
    ) -> Result<(String, Session)> {
        let token = new_secret()?;
        let csrf = new_secret()?;
        let handle: String = new_secret()?.chars().take(16).collect();
        let now = Utc::now();
        let session: Session = on_db!(self, |pool, _begin| {
            sqlx::query_as(
                "INSERT INTO sessions (id, account_id, csrf_token, created_at, expires_at, last_seen_at, handle, device, address)
                 VALUES ($1, $2, $3, $4, $5, $4, $6, $7, $8) RETURNING id, account_id, csrf_token, created_at, expires_at, last_seen_at",
            )
            .bind(token_hash(&token))
            .bind(account_id)
            .bind(&csrf)
            .bind(now)
            .bind(now + lifetime)
            .bind(&handle)
            .bind(&origin.device)
            .bind(&origin.address)
            .fetch_one(pool)
            .await?
        });
        Ok((token, session))
    }

    /// The live sessions of an account, the most recently seen first;
    /// `current` marks the one whose secret is `current`.
    pub async fn sessions_of(
        &self,
        account_id: i64,
        now: DateTime<Utc>,
        current: Option<&str>,
    ) -> Result<Vec<SessionInfo>> {
        let mut list: Vec<SessionInfo> = on_db!(self, |pool, _begin| {
            sqlx::query_as(
                "SELECT id, handle, device, address, created_at, last_seen_at FROM sessions
                 WHERE account_id = $1 AND expires_at > $2 ORDER BY last_seen_at DESC, created_at DESC",
            )
            .bind(account_id)
            .bind(now)
            .fetch_all(pool)
            .await?
        });
        let current = current.map(token_hash);
        for s in &mut list {
            s.current = current.as_deref() == Some(s.id.as_str());
        }
        Ok(list)
    }

    /// Notes that a session was used now (by its secret's hash).
    pub async fn session_seen(&self, session_id: &str, now: DateTime<Utc>) -> Result<()> {
        on_db!(self, |pool, _begin| {
            sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE id = $2")
                .bind(now)
                .bind(session_id)
                .execute(pool)
                .await?;
        });
        Ok(())
    }

    /// Ends the sessions of an account named by `handle` (none: every
    /// session but the one whose secret is `keep`), by `actor`; audited.
    /// Answers how many ended.
    pub async fn end_sessions(
        &self,
        actor: Option<i64>,
        account_id: i64,
        handle: Option<&str>,
        keep: Option<&str>,
    ) -> Result<u64> {
        let keep = keep.map(token_hash).unwrap_or_default();
        Ok(on_db!(self, |pool, begin| {
            let mut tx = pool.begin_with(begin).await?;
            let ended = match handle {
                Some(h) => {
                    sqlx::query("DELETE FROM sessions WHERE account_id = $1 AND handle = $2")
                        .bind(account_id)
                        .bind(h)
                        .execute(&mut *tx)
                        .await?
                        .rows_affected()
                }
                None => sqlx::query("DELETE FROM sessions WHERE account_id = $1 AND id <> $2")
                    .bind(account_id)
                    .bind(&keep)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected(),
            };
            if ended > 0 {
                audit!(
                    tx,
                    actor,
                    "end-sessions",
                    "account",
                    Some(account_id),
                    None::<serde_json::Value>,
                    Some(serde_json::json!({ "ended": ended, "session": handle }))
                );
            }
            tx.commit().await?;
            ended
        }))
    }

    /// The live session for a cookie secret, with its (enabled) account.
    pub async fn session(
        &self,
        token: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<(Session, Account)>> {
        #[derive(sqlx::FromRow)]
        struct Row {
            #[sqlx(flatten)]
            account: Account,
            session_id: String,
            csrf_token: String,
            session_created_at: DateTime<Utc>,
            expires_at: DateTime<Utc>,
            last_seen_at: DateTime<Utc>,
            unread_notifications: i64,
        }
        let sql = format!(
            "SELECT {ACCOUNT_COLUMNS}, s.id AS session_id, s.csrf_token, s.created_at AS session_created_at,
                    s.expires_at, s.last_seen_at,
                    (SELECT COUNT(*) FROM notifications n WHERE n.person_id = a.person_id AND n.read_at IS NULL)
                        AS unread_notifications
             FROM sessions s JOIN accounts a ON a.id = s.account_id JOIN people p ON p.id = a.person_id
             WHERE s.id = $1 AND s.expires_at > $2 AND a.disabled_at IS NULL"
        );
        let id = token_hash(token);
        let row: Option<Row> = on_db!(self, |pool, _begin| {
            sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(&id)
                .bind(now)
                .fetch_optional(pool)
                .await?
        });
        Ok(row.map(|r| {
            let session = Session {
                id: r.session_id,
                account_id: r.account.id,
                csrf_token: r.csrf_token,
                created_at: r.session_created_at,
                expires_at: r.expires_at,
                last_seen_at: r.last_seen_at,
                unread_notifications: r.unread_notifications,
            };
            (session, r.account)
        }))
    }

    /// Ends one session.
    pub async fn end_session(&self, token: &str) -> Result<()> {
        on_db!(self, |pool, _begin| {
            sqlx::query("DELETE FROM sessions WHERE id = $1")
                .bind(token_hash(token))
                .execute(pool)
                .await?;
        });
        Ok(())
    }

    /// Ends every session of an account ("sign out everywhere").
    pub async fn end_all_sessions(&self, account_id: i64) -> Result<u64> {
        Ok(on_db!(self, |pool, _begin| {
            sqlx::query("DELETE FROM sessions WHERE account_id = $1")
                .bind(account_id)
                .execute(pool)
                .await?
                .rows_affected()
        }))
    }

    /// Creates an API token; returns the secret, shown once.
    pub async fn create_api_token(
        &self,
        account_id: i64,
        name: &str,
        scope: &str,
    ) -> Result<(String, ApiToken)> {
        let secret = format!("onr_{}", new_secret()?);
        let now = Utc::now();
        let token: ApiToken = on_db!(self, |pool, begin| {
            let mut tx = pool.begin_with(begin).await?;
            let token: ApiToken = sqlx::query_as(
                "INSERT INTO api_tokens (account_id, name, token_hash, scope, created_at) VALUES ($1, $2, $3, $4, $5)
                 RETURNING id, account_id, name, scope, created_at, last_used_at, revoked_at",
            )
            .bind(account_id)
            .bind(name.trim())
            .bind(token_hash(&secret))
            .bind(scope)
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
            // The token's owner made it (the web and the CLI act for them).
            let owner: Option<(i64,)> =
                sqlx::query_as("SELECT person_id FROM accounts WHERE id = $1")
                    .bind(account_id)
                    .fetch_optional(&mut *tx)
                    .await?;
            audit!(
                tx,
                owner.map(|o| o.0),
                "create",
                "api_token",
                Some(token.id),
                None::<serde_json::Value>,
                Some(
                    serde_json::json!({"account_id": account_id, "name": token.name, "scope": scope})
                )
            );
            tx.commit().await?;
            token
        });
        Ok((secret, token))
    }

    /// The live token for a bearer secret, with its (enabled) account; records the use.
    pub async fn use_api_token(
        &self,
        secret: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<(ApiToken, Account)>> {
        let hash = token_hash(secret);
        // Reading is the common path; the use is recorded at most once a
        // minute, so a busy script does not turn every request into a write.
        let token: Option<ApiToken> = on_db!(self, |pool, _begin| {
            sqlx::query_as(
                "SELECT id, account_id, name, scope, created_at, last_used_at, revoked_at
                 FROM api_tokens WHERE token_hash = $1 AND revoked_at IS NULL",
            )
            .bind(&hash)
            .fetch_optional(pool)
            .await?
        });
        let token = match token {
            Some(t)
                if t.last_used_at
                    .is_none_or(|at| now - at >= chrono::Duration::seconds(60)) =>
            {
                on_db!(self, |pool, _begin| {
                    sqlx::query_as(
                        "UPDATE api_tokens SET last_used_at = $2 WHERE token_hash = $1 AND revoked_at IS NULL
                         RETURNING id, account_id, name, scope, created_at, last_used_at, revoked_at",
                    )
                    .bind(&hash)
                    .bind(now)
                    .fetch_optional(pool)
                    .await?
                })
            }
            other => other,
        };
        let Some(token) = token else { return Ok(None) };
        let account = self.account(token.account_id).await?;
        if account.disabled_at.is_some() {
            return Ok(None);
        }
        Ok(Some((token, account)))
    }

    pub async fn api_tokens(&self, account_id: i64) -> Result<Vec<ApiToken>> {
        Ok(on_db!(self, |pool, _begin| {
            sqlx::query_as("SELECT id, account_id, name, scope, created_at, last_used_at, revoked_at FROM api_tokens WHERE account_id = $1 ORDER BY id")
                .bind(account_id)
                .fetch_all(pool)
                .await?
        }))
    }

    /// Revokes one of the account's own tokens.
    pub async fn revoke_api_token(&self, account_id: i64, token_id: i64) -> Result<()> {
        on_db!(self, |pool, begin| {
            let mut tx = pool.begin_with(begin).await?;
            let n = sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND account_id = $3 AND revoked_at IS NULL")
                .bind(Utc::now())
                .bind(token_id)
                .bind(account_id)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            if n == 0 {
                return Err(StoreError::NotFound(format!("token {token_id}")));
            }
            // Only a token's owner revokes it: they are the actor.
            let owner: Option<(i64,)> =
                sqlx::query_as("SELECT person_id FROM accounts WHERE id = $1")
                    .bind(account_id)
                    .fetch_optional(&mut *tx)
                    .await?;
            audit!(
                tx,
                owner.map(|o| o.0),
                "revoke",
                "api_token",
                Some(token_id),
                Some(serde_json::json!({"revoked": false})),
                Some(serde_json::json!({"revoked": true}))
            );
            tx.commit().await?;
        });
        Ok(())
    }

    /// When `key` (an email or an address) may try again, if it is locked.
    pub async fn sign_in_locked_until(
        &self,
        key: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<DateTime<Utc>>> {
        let row: Option<(Option<DateTime<Utc>>,)> = on_db!(self, |pool, _begin| {
            sqlx::query_as("SELECT locked_until FROM login_throttle WHERE key = $1")
                .bind(key)
                .fetch_optional(pool)
                .await?
        });
        Ok(row.and_then(|r| r.0).filter(|until| *until > now))
    }

    /// Counts a failed sign-in for `key`; with `lock_after`, the failure that
    /// reaches that count within the window locks the key, and the lock time
    /// is returned. Concurrent failures are all counted (the row is locked).
    pub async fn record_sign_in_failure(
        &self,
        key: &str,
        now: DateTime<Utc>,
        lock_after: Option<i64>,
    ) -> Result<Option<DateTime<Utc>>> {
        let window = Duration::minutes(FAILURE_WINDOW_MINUTES);
        let select = format!(
            "SELECT failures, window_start FROM login_throttle WHERE key = $1{}",
            self.row_lock()
        );
        Ok(on_db!(self, |pool, begin| {
            let mut tx = pool.begin_with(begin).await?;
            sqlx::query(
                "INSERT INTO login_throttle (key, failures, window_start, locked_until) VALUES ($1, 0, $2, NULL)
                 ON CONFLICT (key) DO NOTHING",
            )
            .bind(key)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            let (failures, start): (i64, DateTime<Utc>) =
                sqlx::query_as(sqlx::AssertSqlSafe(select))
                    .bind(key)
                    .fetch_one(&mut *tx)
                    .await?;
            let (failures, start) = if now - start < window {
                (failures + 1, start)
            } else {
                (1, now)
            };
            let locked = lock_after
                .filter(|limit| failures >= *limit)
                .map(|_| now + window);
            sqlx::query(
                "UPDATE login_throttle SET failures = $2, window_start = $3, locked_until = $4 WHERE key = $1",
            )
            .bind(key)
            .bind(failures)
            .bind(start)
            .bind(locked)
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            locked
        }))
    }

    /// The failures counted for `key` in the current window.
    pub async fn sign_in_failures(&self, key: &str, now: DateTime<Utc>) -> Result<i64> {
        let row: Option<(i64, DateTime<Utc>)> = on_db!(self, |pool, _begin| {
            sqlx::query_as("SELECT failures, window_start FROM login_throttle WHERE key = $1")
                .bind(key)
                .fetch_optional(pool)
                .await?
        });
        Ok(row
            .filter(|(_, start)| now - *start < Duration::minutes(FAILURE_WINDOW_MINUTES))
            .map_or(0, |(n, _)| n))
    }

    pub async fn clear_sign_in_failures(&self, key: &str) -> Result<()> {
        on_db!(self, |pool, _begin| {
            sqlx::query("DELETE FROM login_throttle WHERE key = $1")
                .bind(key)
                .execute(pool)
                .await?;
        });
        Ok(())
    }

    /// A one-time password reset secret for an account, valid for `lifetime`.
    pub async fn create_password_reset(
        &self,
        account_id: i64,
        lifetime: Duration,
    ) -> Result<String> {
        let secret = new_secret()?;
        on_db!(self, |pool, begin| {
            let mut tx = pool.begin_with(begin).await?;
            // A new link stops the account's earlier unused ones.
            sqlx::query("DELETE FROM password_resets WHERE account_id = $1 AND used_at IS NULL")
                .bind(account_id)
                .execute(&mut *tx)
                .await?;
            sqlx::query("INSERT INTO password_resets (token_hash, account_id, expires_at) VALUES ($1, $2, $3)")
                .bind(token_hash(&secret))
                .bind(account_id)
                .bind(Utc::now() + lifetime)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
        });
        Ok(secret)
    }

    /// Sets a new password with a reset secret; the secret works once, and
    /// every session of the account ends.
    pub async fn reset_password(
        &self,
        secret: &str,
        new_password: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<i64>> {
        let hash = hash_password(new_password);
        Ok(on_db!(self, |pool, begin| {
            let mut tx = pool.begin_with(begin).await?;
            let row: Option<(i64,)> = sqlx::query_as(
                "UPDATE password_resets SET used_at = $1 WHERE token_hash = $2 AND used_at IS NULL AND expires_at > $1 RETURNING account_id",
            )
            .bind(now)
            .bind(token_hash(secret))
            .fetch_optional(&mut *tx)
            .await?;
            let Some((account_id,)) = row else {
                return Ok(None);
            };
            sqlx::query("UPDATE accounts SET password_hash = $1, updated_at = $2 WHERE id = $3")
                .bind(&hash)
                .bind(now)
                .bind(account_id)
                .execute(&mut *tx)
                .await?;
            sqlx::query("DELETE FROM sessions WHERE account_id = $1")
                .bind(account_id)
                .execute(&mut *tx)
                .await?;
            audit!(
                tx,
                None::<i64>,
                "reset-password",
                "account",
                Some(account_id),
                None::<serde_json::Value>,
                Some(serde_json::json!({"password_changed": true}))
            );
            tx.commit().await?;
            Some(account_id)
        }))
    }
}
