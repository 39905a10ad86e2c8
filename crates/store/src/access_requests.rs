//! Demo and playground access requests: asked, approved or denied, provisioned
//! (which completes the program task of that system).

use crate::audit::audit;
use crate::notices::{name_in, notify, parties_in};
use crate::{Result, Store, StoreError, on_db};
use chrono::{DateTime, Utc};
use onramp_core::notify::{Event, audience};
use onramp_core::onboarding::TaskAction;

const ACCESS_COLUMNS: &str = "id, onboarding_id, playground_id, status, note, requested_by, requested_at, decided_by, decided_at, decision_note, provisioned_by, provisioned_at";

/// A request for access to a demo or playground system.
#[derive(Clone, Debug, sqlx::FromRow, serde::Serialize)]
pub struct AccessRequest {
    pub id: i64,
    pub onboarding_id: i64,
    pub playground_id: String,
    /// `requested`, `approved`, `denied` or `provisioned`.
    pub status: String,
    pub note: String,
    pub requested_by: Option<i64>,
    pub requested_at: DateTime<Utc>,
    pub decided_by: Option<i64>,
    pub decided_at: Option<DateTime<Utc>>,
    pub decision_note: String,
    pub provisioned_by: Option<i64>,
    pub provisioned_at: Option<DateTime<Utc>>,
}

impl Store {
    /// An onboarding's access requests, oldest first.
    pub async fn access_requests(&self, onboarding_id: i64) -> Result<Vec<AccessRequest>> {
        let sql = format!(
            "SELECT {ACCESS_COLUMNS} FROM access_requests WHERE onboarding_id = $1 ORDER BY id"
        );
        self.rows_by_id(&sql, onboarding_id).await
    }

    /// Requests waiting for someone, oldest first: `requested` ones wait for
    /// the manager's decision, `approved` ones for the Enablement team to
    /// provision. `decider` limits the first to the onboardings that person
    /// manages (`None`: every onboarding); `provisioner` adds the second.
    pub async fn open_access_requests(
        &self,
        decider: Option<i64>,
        provisioner: bool,
    ) -> Result<Vec<AccessRequest>> {
        let sql = format!(
            "SELECT {ACCESS_COLUMNS} FROM access_requests
             WHERE (status = 'requested'
                    AND ($1 IS NULL OR onboarding_id IN (SELECT id FROM onboardings WHERE manager_id = $1)))
                OR (status = 'approved' AND $2)
             ORDER BY id LIMIT 500"
        );
        Ok(on_db!(self, |pool, begin| {
            sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
                .bind(decider)
                .bind(provisioner)
                .fetch_all(pool)
                .await?
        }))
    }

    pub async fn access_request(&self, id: i64) -> Result<AccessRequest> {
        let sql = format!("SELECT {ACCESS_COLUMNS} FROM access_requests WHERE id = $1");
        self.row_by_id(&sql, id, "access request").await
    }

    /// Asks for access to a playground; one live request per system.
    pub async fn request_access(
        &self,
        actor: Option<i64>,
        onboarding_id: i64,
        playground_id: &str,
        note: &str,
    ) -> Result<AccessRequest> {
        let sql = format!(
            "INSERT INTO access_requests (onboarding_id, playground_id, status, note, requested_by, requested_at)
             VALUES ($1, $2, 'requested', $3, $4, $5) RETURNING {ACCESS_COLUMNS}"
        );
        on_db!(self, |pool, begin| {
            let mut tx = pool.begin_with(begin).await?;
            let live: Option<(String,)> = sqlx::query_as(
                "SELECT status FROM access_requests WHERE onboarding_id = $1 AND playground_id = $2 AND status <> 'denied'",
            )
            .bind(onboarding_id)
            .bind(playground_id)
            .fetch_optional(&mut *tx)
            .await?;
            if let Some((status,)) = live {
                return Err(StoreError::Conflict(format!(
                    "playground: access to `{playground_id}` is already {status}"
                )));
            }
            let r: AccessRequest = sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(onboarding_id)
                .bind(playground_id)
                .bind(note)
                .bind(actor)
                .bind(Utc::now())
                .fetch_one(&mut *tx)
                .await?;
            audit!(
                tx,
                actor,
                "request",
                "access_request",
                Some(r.id),
                Some(onboarding_id),
                None::<serde_json::Value>,
                Some(serde_json::json!({"playground": playground_id}))
            );
            let (parties, hire) = parties_in!(tx, onboarding_id);
            let playground = playground_title(playground_id);
            notify!(
                tx,
                audience(Event::AccessRequested, &parties, actor),
                Event::AccessRequested,
                Some(onboarding_id),
                None,
                &format!("{hire} asks for access to {playground}; approve or deny it."),
                "/access-requests"
            );
            tx.commit().await?;
            Ok(r)
        })
    }

    /// Moves a request on: `approved` or `denied` from `requested`,
    /// `provisioned` from `approved`. A provisioned request completes the
    /// program task `task` (if the onboarding has it open).
    // Long: one transaction moves the request, audits it and notifies the new hire and Enablement.
    pub async fn move_access_request(
        &self,
        actor: Option<i64>,
        id: i64,
        to: &str,
        note: &str,
        task: Option<&str>,
    ) -> Result<AccessRequest> {
        let from = onramp_core::rules::access_request_moves_from(to)?;
        let now = Utc::now();
        let set = if to == "provisioned" {
            "provisioned_by = $3, provisioned_at = $4"
        } else {
            "decided_by = $3, decided_at = $4, decision_note = $5"
        };
        let sql = format!(
            "UPDATE access_requests SET status = $2, {set} WHERE id = $1 AND status = $6 RETURNING {ACCESS_COLUMNS}"
        );
        let moved: AccessRequest = on_db!(self, |pool, begin| {
            let mut tx = pool.begin_with(begin).await?;
            let updated: Option<AccessRequest> = sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
                .bind(id)
                .bind(to)
                .bind(actor)
                .bind(now)
                .bind(note)
                .bind(from)
                .fetch_optional(&mut *tx)
                .await?;
            let Some(r) = updated else {
                let current: Option<(String,)> =
                    sqlx::query_as("SELECT status FROM access_requests WHERE id = $1")
                        .bind(id)
                        .fetch_optional(&mut *tx)
                        .await?;
                return Err(match current {
                    None => StoreError::NotFound(format!("access request {id}")),
                    Some((status,)) => StoreError::Conflict(format!(
                        "status: the request is {status}; only a {from} request can become {to}"
                    )),
                });
            };
            audit!(
                tx,
                actor,
                to,
                "access_request",
                Some(id),
                Some(r.onboarding_id),
                Some(serde_json::json!({"status": from})),
                Some(serde_json::json!({"status": to, "note": note}))
            );
            let (parties, _) = parties_in!(tx, r.onboarding_id);
            let who = name_in!(tx, actor);
            let playground = playground_title(&r.playground_id);
            let told = match to {
                "approved" => {
                    format!("{who} approved your access to {playground}; it is being set up.")
                }
                "denied" => format!("{who} denied your access to {playground}."),
                _ => format!("Your access to {playground} is set up."),
            };
            notify!(
                tx,
                audience(Event::AccessDecided, &parties, actor),
                Event::AccessDecided,
                Some(r.onboarding_id),
                None,
                &told,
                &format!("/onboardings/{}/learning", r.onboarding_id)
            );
            if to == "approved" {
                notify!(
                    tx,
                    audience(Event::AccessApproved, &parties, actor),
                    Event::AccessApproved,
                    Some(r.onboarding_id),
                    None,
                    &format!(
                        "Access to {playground} was approved; set it up and mark it provisioned."
                    ),
                    "/access-requests"
                );
            }
            tx.commit().await?;
            r
        });
        if to == "provisioned"
            && let Some(task) = task
        {
            self.complete_task_by_key(moved.onboarding_id, task).await?;
        }
        Ok(moved)
    }

    /// Completes an onboarding's open task with this key, if there is one.
    async fn complete_task_by_key(&self, onboarding_id: i64, key: &str) -> Result<bool> {
        for task in self.tasks(onboarding_id).await? {
            if task.task_key != key || !matches!(task.status.as_str(), "open" | "in-progress") {
                continue;
            }
            return match self
                .update_task(None, task.id, task.version, &TaskAction::Complete)
                .await
            {
                Ok(_) => Ok(true),
                Err(StoreError::Conflict(_)) => Ok(false),
                Err(e) => Err(e),
            };
        }
        Ok(false)
    }
}

/// A playground's title in the catalogue (its id when it has none).
fn playground_title(id: &str) -> String {
    onramp_core::catalogue::Catalogues::builtin()
        .playground(id)
        .map_or_else(|| id.to_string(), |p| p.title.clone())
}
