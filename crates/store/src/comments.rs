//! Comments on onboardings and tasks (with the notifications their
//! @mentions send), and their screenshots.

use crate::audit::audit;
use crate::{AttachmentMeta, Comment, NewAttachment, Result, Store, StoreError, on_db};
use chrono::Utc;
use onramp_core::sha256_hex;

/// Puts a notification in the inbox of everyone a comment @mentions who may
/// see the onboarding: roles of the onboarding (`@manager`, `@buddy`…) and
/// people by the part of their email before the `@`. The author is not
/// notified. Evaluates to the mentions that reached nobody, with the reason
/// (`onramp_core::comment::reaches`). Runs in the caller's transaction.
macro_rules! notify_mentions {
    ($tx:expr, $onboarding_id:expr, $task_id:expr, $comment_id:expr, $author_id:expr, $body:expr, $now:expr) => {{
        use onramp_core::comment::{Unreached, UnreachedMention};
        use onramp_core::people::Role;
        let m = onramp_core::comment::mentions($body);
        let mut unreached: Vec<UnreachedMention> = Vec::new();
        if !m.roles.is_empty() || !m.handles.is_empty() {
            let (parties, hire_name) = crate::notices::parties_in!($tx, $onboarding_id);
            let onramp_core::access::Parties {
                new_hire: hire,
                manager,
                buddy,
                backup_buddy: backup,
                people_connect: pc,
                enablement,
            } = parties;
            // (how the person was named, who).
            let mut targets: Vec<(String, i64)> = Vec::new();
            for role in &m.roles {
                let who: Vec<i64> = match role {
                    Role::NewHire => vec![hire],
                    Role::Manager => manager.into_iter().collect(),
                    Role::Buddy => buddy.into_iter().chain(backup).collect(),
                    Role::PeopleConnect => pc.into_iter().collect(),
                    Role::Enablement => enablement.into_iter().collect(),
                    Role::Admin => Vec::new(),
                };
                if who.is_empty() {
                    unreached.push(UnreachedMention {
                        mention: role.as_str().to_string(),
                        reason: Unreached::RoleVacant,
                    });
                }
                targets.extend(who.into_iter().map(|p| (role.as_str().to_string(), p)));
            }
            for handle in &m.handles {
                let found: Vec<(i64,)> = sqlx::query_as(
                    "SELECT id FROM people WHERE substr(email, 1, length(CAST($1 AS TEXT)) + 1) = CAST($1 AS TEXT) || '@'",
                )
                .bind(handle)
                .fetch_all(&mut *$tx)
                .await?;
                if found.is_empty() {
                    unreached.push(UnreachedMention {
                        mention: handle.clone(),
                        reason: Unreached::NoSuchPerson,
                    });
                }
                targets.extend(found.into_iter().map(|r| (handle.clone(), r.0)));
            }
            targets.sort_by_key(|t| t.1);
            targets.dedup_by_key(|t| t.1);
            targets.retain(|t| t.1 != $author_id);
            let (author,): (String,) = sqlx::query_as("SELECT name FROM people WHERE id = $1")
                .bind($author_id)
                .fetch_one(&mut *$tx)
                .await?;
            let excerpt: String = $body.chars().take(140).collect();
            let message = format!("{author} mentioned you on {hire_name}'s onboarding: {excerpt}");
            for (mention, person) in targets {
                let account: Option<(String, Option<chrono::DateTime<Utc>>)> =
                    sqlx::query_as("SELECT roles, disabled_at FROM accounts WHERE person_id = $1")
                        .bind(person)
                        .fetch_optional(&mut *$tx)
                        .await?;
                let account = account.map(|(roles, disabled)| {
                    let roles: Vec<Role> =
                        roles.split(',').filter_map(|r| r.trim().parse().ok()).collect();
                    (roles, disabled.is_some())
                });
                if let Err(reason) = onramp_core::comment::reaches(person, account, &parties) {
                    unreached.push(UnreachedMention { mention, reason });
                    continue;
                }
                let (id,): (i64,) = sqlx::query_as(
                    "INSERT INTO notifications (person_id, onboarding_id, task_id, comment_id, kind, message, link, created_at)
                     VALUES ($1, $2, $3, $4, 'mention', $5, $6, $7) RETURNING id",
                )
                .bind(person)
                .bind($onboarding_id)
                .bind($task_id)
                .bind($comment_id)
                .bind(&message)
                .bind(match $task_id {
                    Some(t) => format!("/onboardings/{}/tasks/{t}#comments", $onboarding_id),
                    None => format!("/onboardings/{}#comments", $onboarding_id),
                })
                .bind($now)
                .fetch_one(&mut *$tx)
                .await?;
                crate::notices::queue_deliveries!(
                    $tx,
                    person,
                    id,
                    onramp_core::notify::Event::Mention,
                    $now
                );
            }
        }
        unreached
    }};
}

impl Store {
    /// Adds a comment to an onboarding (and optionally one of its tasks);
    /// returns it with the mentions that notified nobody.
    pub async fn add_comment(
        &self,
        onboarding_id: i64,
        task_id: Option<i64>,
        author_id: i64,
        body: &str,
    ) -> Result<(Comment, Vec<onramp_core::comment::UnreachedMention>)> {
        let now = Utc::now();
        Ok(on_db!(self, |pool, begin| {
            let mut tx = pool.begin_with(begin).await?;
            if let Some(task_id) = task_id {
                let owner: Option<(i64,)> =
                    sqlx::query_as("SELECT onboarding_id FROM tasks WHERE id = $1")
                        .bind(task_id)
                        .fetch_optional(&mut *tx)
                        .await?;
                if owner.map(|o| o.0) != Some(onboarding_id) {
                    return Err(StoreError::NotFound(format!(
                        "task {task_id} in onboarding {onboarding_id}"
                    )));
                }
            }
            let comment: Comment = sqlx::query_as(
                "INSERT INTO comments (onboarding_id, task_id, author_id, body, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $5)
                 RETURNING id, onboarding_id, task_id, author_id, body, created_at, updated_at",
            )
            .bind(onboarding_id)
            .bind(task_id)
            .bind(author_id)
            .bind(body)
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
            let unreached =
                notify_mentions!(tx, onboarding_id, task_id, comment.id, author_id, body, now);
            if let Some(task_id) = task_id {
                // The task's owners hear of comments on it (unless the
                // comment already mentioned them).
                let (title, owner_role): (String, String) =
                    sqlx::query_as("SELECT title, owner_role FROM tasks WHERE id = $1")
                        .bind(task_id)
                        .fetch_one(&mut *tx)
                        .await?;
                let mentioned: Vec<(i64,)> =
                    sqlx::query_as("SELECT person_id FROM notifications WHERE comment_id = $1")
                        .bind(comment.id)
                        .fetch_all(&mut *tx)
                        .await?;
                let (parties, _) = crate::notices::parties_in!(tx, onboarding_id);
                let mut people =
                    onramp_core::notify::owners(&owner_role, &parties, Some(author_id));
                people.retain(|p| !mentioned.iter().any(|m| m.0 == *p));
                let who = crate::notices::name_in!(tx, Some(author_id));
                let excerpt: String = body.chars().take(140).collect();
                crate::notices::notify!(
                    tx,
                    people,
                    onramp_core::notify::Event::TaskComment,
                    Some(onboarding_id),
                    Some(task_id),
                    &format!("{who} commented on “{title}”: {excerpt}"),
                    &format!("/onboardings/{onboarding_id}/tasks/{task_id}#comments")
                );
            }
            audit!(
                tx,
                Some(author_id),
                "create",
                "comment",
                Some(comment.id),
                Some(onboarding_id),
                None::<serde_json::Value>,
                Some(serde_json::json!({"onboarding_id": onboarding_id, "task_id": task_id}))
            );
            tx.commit().await?;
            (comment, unreached)
        }))
    }

    /// The bytes of every attachment `person` uploaded (their quota's use).
    pub async fn attachment_bytes_of(&self, person: i64) -> Result<u64> {
        let (bytes,): (i64,) = on_db!(self, |pool, _begin| {
            sqlx::query_as(
                "SELECT CAST(COALESCE(SUM(size_bytes), 0) AS BIGINT) FROM attachments WHERE uploader_id = $1",
            )
            .bind(person)
            .fetch_one(pool)
            .await?
        });
        Ok(u64::try_from(bytes).unwrap_or(0))
    }

    /// Comments of an onboarding with their authors' names, oldest first.
    pub async fn comments_named(&self, onboarding_id: i64) -> Result<Vec<(Comment, String)>> {
        #[derive(sqlx::FromRow)]
        struct Row {
            #[sqlx(flatten)]
            comment: Comment,
            author_name: String,
        }
        let rows: Vec<Row> = on_db!(self, |pool, _begin| {
            sqlx::query_as(
                "SELECT c.id, c.onboarding_id, c.task_id, c.author_id, c.body, c.created_at, c.updated_at,
                        p.name AS author_name
                 FROM comments c JOIN people p ON p.id = c.author_id
                 WHERE c.onboarding_id = $1 ORDER BY c.id",
            )
            .bind(onboarding_id)
            .fetch_all(pool)
            .await?
        });
        Ok(rows
            .into_iter()
            .map(|r| (r.comment, r.author_name))
            .collect())
    }

    /// Comments of an onboarding, oldest first.
    pub async fn comments(&self, onboarding_id: i64) -> Result<Vec<Comment>> {
        Ok(self
            .comments_named(onboarding_id)
            .await?
            .into_iter()
            .map(|(c, _)| c)
            .collect())
    }

    /// Stores an attachment's bytes in the database, so every server sharing
    /// it can serve them.
    pub async fn add_attachment(&self, new: &NewAttachment) -> Result<AttachmentMeta> {
        let now = Utc::now();
        let digest = sha256_hex(&new.data);
        Ok(on_db!(self, |pool, begin| {
            let mut tx = pool.begin_with(begin).await?;
            let meta: AttachmentMeta = sqlx::query_as(
                "INSERT INTO attachments (onboarding_id, comment_id, uploader_id, file_name, content_type, size_bytes, sha256, data, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
                 RETURNING id, onboarding_id, comment_id, uploader_id, file_name, content_type, size_bytes, sha256, created_at",
            )
            .bind(new.onboarding_id)
            .bind(new.comment_id)
            .bind(new.uploader_id)
            .bind(&new.file_name)
            .bind(&new.content_type)
            .bind(new.data.len() as i64)
            .bind(&digest)
            .bind(&new.data)
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
            audit!(
                tx,
                Some(new.uploader_id),
                "create",
                "attachment",
                Some(meta.id),
                Some(new.onboarding_id),
                None::<serde_json::Value>,
                Some(serde_json::json!({"file_name": new.file_name, "size_bytes": new.data.len()}))
            );
            tx.commit().await?;
            meta
        }))
    }

    /// The attachments of an onboarding, without their bytes.
    pub async fn attachments_of(&self, onboarding_id: i64) -> Result<Vec<AttachmentMeta>> {
        Ok(on_db!(self, |pool, _begin| {
            sqlx::query_as(
                "SELECT id, onboarding_id, comment_id, uploader_id, file_name, content_type, size_bytes, sha256, created_at
                 FROM attachments WHERE onboarding_id = $1 ORDER BY id",
            )
            .bind(onboarding_id)
            .fetch_all(pool)
            .await?
        }))
    }

    /// An attachment's description and bytes.
    pub async fn attachment(&self, id: i64) -> Result<(AttachmentMeta, Vec<u8>)> {
        let found: Option<(i64, Vec<u8>)> = on_db!(self, |pool, _begin| {
            sqlx::query_as("SELECT id, data FROM attachments WHERE id = $1")
                .bind(id)
                .fetch_optional(pool)
                .await?
        });
        let Some((_, data)) = found else {
            return Err(StoreError::NotFound(format!("attachment {id}")));
        };
        let meta: AttachmentMeta = on_db!(self, |pool, _begin| {
            sqlx::query_as(
                "SELECT id, onboarding_id, comment_id, uploader_id, file_name, content_type, size_bytes, sha256, created_at
                 FROM attachments WHERE id = $1",
            )
            .bind(id)
            .fetch_one(pool)
            .await?
        });
        Ok((meta, data))
    }
}
