//! The periodic sweep: escalating overdue compliance-critical tasks and
//! closing onboardings long past their last due date, claimed so that one
//! server does each.

use super::*;

/// What one run of the sweep did.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct SweepReport {
    pub escalated_tasks: usize,
    pub closed_onboardings: usize,
    /// Open tasks due tomorrow whose owners were reminded.
    pub reminded_tasks: usize,
    /// Open tasks past their due date whose owners were told.
    pub overdue_tasks: usize,
    /// Webinars and office-hours sessions whose reminders went out.
    pub reminded_sessions: usize,
    /// Askers told that their question moves to the next session.
    pub rolled_over_questions: usize,
    /// Weekly summaries made (Mondays).
    pub weekly_summaries: usize,
    /// Active onboardings whose risk level changed.
    pub level_changes: usize,
}

/// An open task due tomorrow.
#[derive(sqlx::FromRow)]
struct DueTask {
    id: i64,
    onboarding_id: i64,
    title: String,
    owner_role: String,
}

/// An overdue compliance-critical task and whom to tell.
#[derive(sqlx::FromRow)]
pub(super) struct OverdueTask {
    task_id: i64,
    onboarding_id: i64,
    title: String,
    owner_role: String,
    manager: Option<i64>,
    people_connect: Option<i64>,
    hire: String,
}

impl Store {
    /// Escalates overdue compliance-critical tasks to the manager and People
    /// Connect (once per task), and closes onboardings still active
    /// `auto_close_days` after their due date with a comment listing the open
    /// tasks. Several servers may run it at once: each change is claimed with
    /// a conditional update, so it happens once.
    // Long: one claimed pass over overdue and stale onboardings; each change must be claimed in its own transaction.
    pub async fn sweep(&self, now: DateTime<Utc>, auto_close_days: u32) -> Result<SweepReport> {
        let today = now.date_naive();
        let mut report = SweepReport::default();
        let overdue: Vec<OverdueTask> = on_db!(self, |pool, _begin| {
            sqlx::query_as(
                "SELECT t.id AS task_id, t.onboarding_id, t.title, t.owner_role, o.manager_id AS manager,
                        o.people_connect_id AS people_connect, p.name AS hire
                 FROM tasks t JOIN onboardings o ON o.id = t.onboarding_id JOIN people p ON p.id = o.person_id
                 WHERE t.compliance_critical AND t.status IN ('open', 'blocked') AND t.due_date < $1
                   AND t.escalated_at IS NULL AND o.status = 'active'",
            )
            .bind(today)
            .fetch_all(pool)
            .await?
        });
        for OverdueTask {
            task_id,
            onboarding_id,
            title,
            owner_role,
            manager,
            people_connect,
            hire,
        } in overdue
        {
            let message = format!("Overdue compliance-critical task for {hire}: {title}");
            let claimed = on_db!(self, |pool, begin| {
                let mut tx = pool.begin_with(begin).await?;
                let claimed = sqlx::query(
                    "UPDATE tasks SET escalated_at = $1 WHERE id = $2 AND escalated_at IS NULL",
                )
                .bind(now)
                .bind(task_id)
                .execute(&mut *tx)
                .await?
                .rows_affected()
                    == 1;
                if claimed {
                    // The manager and People Connect, and the task's own people.
                    let (parties, _) = parties_in!(tx, onboarding_id);
                    let mut told: Vec<i64> =
                        [manager, people_connect].into_iter().flatten().collect();
                    told.extend(owners(&owner_role, &parties, None));
                    told.sort_unstable();
                    told.dedup();
                    for person in told.iter().copied() {
                        let (id,): (i64,) = sqlx::query_as(
                            "INSERT INTO notifications (person_id, onboarding_id, task_id, kind, message, link, created_at)
                             VALUES ($1, $2, $3, 'escalation', $4, $5, $6) RETURNING id",
                        )
                        .bind(person)
                        .bind(onboarding_id)
                        .bind(task_id)
                        .bind(&message)
                        .bind(format!("/onboardings/{onboarding_id}/tasks/{task_id}"))
                        .bind(now)
                        .fetch_one(&mut *tx)
                        .await?;
                        crate::notices::queue_deliveries!(
                            tx,
                            person,
                            id,
                            onramp_core::notify::Event::Escalation,
                            now
                        );
                    }
                    audit!(
                        tx,
                        None::<i64>,
                        "escalate",
                        "task",
                        Some(task_id),
                        Some(onboarding_id),
                        None::<serde_json::Value>,
                        Some(serde_json::json!({"notified": told, "title": title}))
                    );
                }
                tx.commit().await?;
                claimed
            });
            report.escalated_tasks += usize::from(claimed);
        }

        let cutoff = today
            .checked_sub_days(Days::new(u64::from(auto_close_days)))
            .unwrap_or(today);
        let stale_ones: Vec<(i64, i64)> = on_db!(self, |pool, _begin| {
            sqlx::query_as(
                "SELECT id, person_id FROM onboardings WHERE status = 'active' AND due_date < $1",
            )
            .bind(cutoff)
            .fetch_all(pool)
            .await?
        });
        for (onboarding_id, person_id) in stale_ones {
            let open: Vec<(String,)> = on_db!(self, |pool, _begin| {
                sqlx::query_as("SELECT title FROM tasks WHERE onboarding_id = $1 AND status IN ('open', 'blocked') ORDER BY position")
                    .bind(onboarding_id)
                    .fetch_all(pool)
                    .await?
            });
            let mut body = format!(
                "Closed automatically: still open {auto_close_days} days after its last due date."
            );
            if open.is_empty() {
                body.push_str(" Every task was finished.");
            } else {
                body.push_str(" Open tasks:\n");
                for (title,) in &open {
                    body.push_str(&format!("\n- {title}"));
                }
            }
            let closed = on_db!(self, |pool, begin| {
                let mut tx = pool.begin_with(begin).await?;
                let closed = sqlx::query(
                    "UPDATE onboardings SET status = 'closed', closed_at = $1, updated_at = $1, version = version + 1
                     WHERE id = $2 AND status = 'active'",
                )
                .bind(now)
                .bind(onboarding_id)
                .execute(&mut *tx)
                .await?
                .rows_affected()
                    == 1;
                if closed {
                    sqlx::query("INSERT INTO comments (onboarding_id, task_id, author_id, body, created_at, updated_at) VALUES ($1, NULL, $2, $3, $4, $4)")
                        .bind(onboarding_id)
                        .bind(person_id)
                        .bind(&body)
                        .bind(now)
                        .execute(&mut *tx)
                        .await?;
                    audit!(
                        tx,
                        None::<i64>,
                        "auto-close",
                        "onboarding",
                        Some(onboarding_id),
                        Some(onboarding_id),
                        Some(serde_json::json!({"status": "active"})),
                        Some(serde_json::json!({"status": "closed", "open_tasks": open.len()}))
                    );
                }
                tx.commit().await?;
                closed
            });
            report.closed_onboardings += usize::from(closed);
        }
        report.reminded_tasks = self.remind_due_tomorrow(now).await?;
        report.overdue_tasks = self.tell_overdue(now).await?;
        Ok(report)
    }
}

/// What a task notice says and which column claims it.
struct TaskNotice {
    event: Event,
    /// The task's column set when the notice goes (NULL until then).
    claim: &'static str,
    /// Ends the sentence "“TITLE” in NAME's onboarding …".
    says: &'static str,
}

impl Store {
    /// Reminds the owners of open tasks due tomorrow (by the date of `now`
    /// in UTC), once per task. Answers how many tasks.
    pub(crate) async fn remind_due_tomorrow(&self, now: DateTime<Utc>) -> Result<usize> {
        let tomorrow = now
            .date_naive()
            .checked_add_days(Days::new(1))
            .unwrap_or(now.date_naive());
        let due: Vec<DueTask> = on_db!(self, |pool, _begin| {
            sqlx::query_as(
                "SELECT t.id, t.onboarding_id, t.title, t.owner_role
                 FROM tasks t JOIN onboardings o ON o.id = t.onboarding_id
                 WHERE t.status = 'open' AND t.due_date = $1 AND t.reminded_at IS NULL
                   AND o.status = 'active'",
            )
            .bind(tomorrow)
            .fetch_all(pool)
            .await?
        });
        let notice = TaskNotice {
            event: Event::TaskDueTomorrow,
            claim: "reminded_at",
            says: "is due tomorrow.",
        };
        self.tell_owners_once(due, &notice, now).await
    }

    /// Tells the owners of open tasks that went past their due date in the
    /// last week (by the UTC date of `now`), once per task; compliance-
    /// critical ones are escalated instead. Answers how many tasks.
    pub(crate) async fn tell_overdue(&self, now: DateTime<Utc>) -> Result<usize> {
        let today = now.date_naive();
        let week_ago = today.checked_sub_days(Days::new(7)).unwrap_or(today);
        let late: Vec<DueTask> = on_db!(self, |pool, _begin| {
            sqlx::query_as(
                "SELECT t.id, t.onboarding_id, t.title, t.owner_role
                 FROM tasks t JOIN onboardings o ON o.id = t.onboarding_id
                 WHERE t.status = 'open' AND t.due_date < $1 AND t.due_date >= $2
                   AND NOT t.compliance_critical AND t.overdue_noted_at IS NULL
                   AND o.status = 'active'",
            )
            .bind(today)
            .bind(week_ago)
            .fetch_all(pool)
            .await?
        });
        let notice = TaskNotice {
            event: Event::TaskOverdue,
            claim: "overdue_noted_at",
            says: "is past its due date.",
        };
        self.tell_owners_once(late, &notice, now).await
    }

    /// Sends `notice` to the owners of each task, once: each is claimed by
    /// setting its `claim` column with a conditional update in the
    /// notification's transaction, so with several servers one sends it.
    async fn tell_owners_once(
        &self,
        tasks: Vec<DueTask>,
        notice: &TaskNotice,
        now: DateTime<Utc>,
    ) -> Result<usize> {
        let claim = format!(
            "UPDATE tasks SET {0} = $1 WHERE id = $2 AND {0} IS NULL",
            notice.claim
        );
        let mut told = 0;
        for task in tasks {
            let claimed = on_db!(self, |pool, begin| {
                let mut tx = pool.begin_with(begin).await?;
                let claimed = sqlx::query(sqlx::AssertSqlSafe(claim.clone()))
                    .bind(now)
                    .bind(task.id)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected()
                    == 1;
                if claimed {
                    let (parties, hire) = parties_in!(tx, task.onboarding_id);
                    notify!(
                        tx,
                        owners(&task.owner_role, &parties, None),
                        notice.event,
                        Some(task.onboarding_id),
                        Some(task.id),
                        &format!("“{}” in {hire}'s onboarding {}", task.title, notice.says),
                        &format!("/onboardings/{}/tasks/{}", task.onboarding_id, task.id)
                    );
                }
                tx.commit().await?;
                claimed
            });
            told += usize::from(claimed);
        }
        Ok(told)
    }
}
