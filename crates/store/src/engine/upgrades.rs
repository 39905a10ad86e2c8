//! Moving an onboarding to another version of its program: the preview and
//! the change.

use super::*;

impl Store {
    /// What upgrading the onboarding to `version_id` would change.
    pub async fn upgrade_preview(
        &self,
        onboarding_id: i64,
        version_id: i64,
    ) -> Result<UpgradeDiff> {
        let (diff, _) = self.upgrade_plan(onboarding_id, version_id).await?;
        Ok(diff)
    }

    async fn upgrade_plan(
        &self,
        onboarding_id: i64,
        version_id: i64,
    ) -> Result<(UpgradeDiff, Onboarding)> {
        let onboarding = self.onboarding(onboarding_id).await?;
        let current = self.program_version(onboarding.program_version_id).await?;
        let target = self.program_version(version_id).await?;
        if current.program_id != target.program_id {
            return Err(StoreError::NoSuch {
                field: "version",
                what: format!(
                    "version {version_id} of the program onboarding {onboarding_id} follows"
                ),
            });
        }
        let person = self.person(onboarding.person_id).await?;
        let existing = self
            .tasks(onboarding_id)
            .await?
            .into_iter()
            .map(|t| {
                Ok(ExistingTask {
                    status: status_of(&t)?,
                    key: t.task_key,
                    due_day: i32::try_from(t.due_day).unwrap_or(0),
                    template: t.template.0,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let diff = upgrade_diff(
            &existing,
            &target.definition.0,
            person.segment.as_deref(),
            person.region.as_deref(),
        );
        Ok((diff, onboarding))
    }

    /// Moves an onboarding to another version of its program: finished work
    /// is kept, open tasks the new version dropped are removed, new tasks get
    /// due dates, and changed open tasks take the new content.
    // Long: one transaction: diff the versions, remove, add and change tasks, and re-block dependants.
    pub async fn upgrade_onboarding(
        &self,
        actor_id: Option<i64>,
        onboarding_id: i64,
        expected_version: i64,
        version_id: i64,
        calendar: &WorkCalendar,
    ) -> Result<(Onboarding, UpgradeDiff)> {
        let (diff, onboarding) = self.upgrade_plan(onboarding_id, version_id).await?;
        if onboarding.version != expected_version {
            return Err(stale(onboarding_id, expected_version, onboarding.version));
        }
        let target = self.program_version(version_id).await?;
        let program = &target.definition.0;
        let person = self.person(onboarding.person_id).await?;
        let planned = plan(
            program,
            person.segment.as_deref(),
            person.region.as_deref(),
            onboarding.start_date,
            calendar,
        );
        let existing = self.tasks(onboarding_id).await?;
        let now = Utc::now();
        let reread = format!("SELECT {ONBOARDING_COLUMNS} FROM onboardings WHERE id = $1");
        let reread_tasks = format!(
            "SELECT {TASK_COLUMNS} FROM tasks WHERE onboarding_id = $1 ORDER BY position, id"
        );
        let o = on_db!(self, |pool, begin| {
            let mut tx = pool.begin_with(begin).await?;
            let changed = sqlx::query("UPDATE onboardings SET program_version_id = $1, version = version + 1, updated_at = $2 WHERE id = $3 AND version = $4")
                .bind(version_id)
                .bind(now)
                .bind(onboarding_id)
                .bind(expected_version)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            if changed == 0 {
                return Err(stale(onboarding_id, expected_version, expected_version + 1));
            }
            for (key, _) in &diff.removed {
                // Only an open task as it was read is dropped: work finished
                // meanwhile is never deleted.
                let Some(task) = existing.iter().find(|e| &e.task_key == key) else {
                    continue;
                };
                let rows = sqlx::query("DELETE FROM tasks WHERE id = $1 AND version = $2")
                    .bind(task.id)
                    .bind(task.version)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                one_row(rows, || task_changed(task.id))?;
            }
            for p in &planned {
                let t = p.template;
                let due_day = i64::from(program.due_day(t));
                match existing.iter().find(|e| e.task_key == t.id) {
                    Some(e) if status_of(e)?.is_finished() => {
                        let rows = sqlx::query(
                            "UPDATE tasks SET position = $1 WHERE id = $2 AND version = $3",
                        )
                        .bind(p.position as i64)
                        .bind(e.id)
                        .bind(e.version)
                        .execute(&mut *tx)
                        .await?
                        .rows_affected();
                        one_row(rows, || task_changed(e.id))?;
                    }
                    Some(e) => {
                        let rows = sqlx::query(
                            "UPDATE tasks SET position = $1, title = $2, body = $3, owner_role = $4, phase = $5, kind = $6,
                                    due_date = $7, due_day = $8, compliance_critical = $9, template = $10,
                                    version = version + 1, updated_at = $11 WHERE id = $12 AND version = $13",
                        )
                        .bind(p.position as i64)
                        .bind(&t.title)
                        .bind(&t.body)
                        .bind(t.owner.as_str())
                        .bind(&t.phase)
                        .bind(t.kind.as_str())
                        .bind(p.due_date)
                        .bind(due_day)
                        .bind(t.compliance_critical)
                        .bind(Json(t))
                        .bind(now)
                        .bind(e.id)
                        .bind(e.version)
                        .execute(&mut *tx)
                        .await?
                        .rows_affected();
                        one_row(rows, || task_changed(e.id))?;
                    }
                    None => {}
                }
            }
            let added: Vec<_> = planned
                .iter()
                .filter(|p| !existing.iter().any(|e| e.task_key == p.template.id))
                .collect();
            if !added.is_empty() {
                insert_planned!(tx, onboarding_id, added.iter(), program, now);
            }
            // Blocking follows the new dependencies.
            let tasks: Vec<Task> = sqlx::query_as(sqlx::AssertSqlSafe(reread_tasks))
                .bind(onboarding_id)
                .fetch_all(&mut *tx)
                .await?;
            for (key, status) in reblock(&nodes(&tasks)?) {
                sqlx::query(
                    "UPDATE tasks SET status = $1 WHERE onboarding_id = $2 AND task_key = $3",
                )
                .bind(status.as_str())
                .bind(onboarding_id)
                .bind(key)
                .execute(&mut *tx)
                .await?;
            }
            let due_date = tasks.iter().map(|t| t.due_date).max();
            sqlx::query("UPDATE onboardings SET due_date = $1 WHERE id = $2")
                .bind(due_date)
                .bind(onboarding_id)
                .execute(&mut *tx)
                .await?;
            audit!(
                tx,
                actor_id,
                "upgrade",
                "onboarding",
                Some(onboarding_id),
                Some(onboarding_id),
                Some(serde_json::json!({"program_version_id": onboarding.program_version_id})),
                Some(
                    serde_json::json!({"program_version_id": version_id, "added": diff.added.len(),
                    "removed": diff.removed.len(), "changed": diff.changed.len()})
                )
            );
            let o: Onboarding = sqlx::query_as(sqlx::AssertSqlSafe(reread))
                .bind(onboarding_id)
                .fetch_one(&mut *tx)
                .await?;
            tx.commit().await?;
            o
        });
        Ok((o, diff))
    }
}
