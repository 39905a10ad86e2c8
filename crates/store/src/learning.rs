//! Learning and resources per person: pathway enrolments and module
//! completions, joined channels, reading receipts,
//! demo and playground access requests, webinars and who attended them.

use crate::audit::audit;
use crate::{Result, Store, on_db};
use chrono::{DateTime, NaiveDate, Utc};
use onramp_core::catalogue::Catalogues;
use onramp_core::learning::Completion;
use std::collections::BTreeMap;

/// A module completion to store (recorded by the new hire or imported).
#[derive(Clone, Debug)]
pub struct ModuleRecord {
    pub person_id: i64,
    pub pathway_id: String,
    pub module_id: String,
    pub completed_on: NaiveDate,
    pub evidence_url: Option<String>,
    /// `self` or `import`.
    pub source: &'static str,
}

impl Store {
    /// The pathway an onboarding is enrolled in; enrols it in the pathway of
    /// the new hire's segment when it has none yet (onboardings started
    /// before pathways existed). `None` when no pathway fits.
    pub async fn enrolment(
        &self,
        onboarding_id: i64,
        person_id: i64,
        segment: Option<&str>,
    ) -> Result<Option<String>> {
        let found: Option<(String,)> = on_db!(self, |pool, begin| {
            sqlx::query_as("SELECT pathway_id FROM pathway_enrolments WHERE onboarding_id = $1")
                .bind(onboarding_id)
                .fetch_optional(pool)
                .await?
        });
        if let Some((p,)) = found {
            return Ok(Some(p));
        }
        let Some(pathway) = Catalogues::builtin().pathway_for(segment) else {
            return Ok(None);
        };
        on_db!(self, |pool, begin| {
            sqlx::query(
                "INSERT INTO pathway_enrolments (onboarding_id, person_id, pathway_id, enrolled_at) VALUES ($1, $2, $3, $4) ON CONFLICT (onboarding_id) DO NOTHING",
            )
            .bind(onboarding_id)
            .bind(person_id)
            .bind(&pathway.id)
            .bind(Utc::now())
            .execute(pool)
            .await?;
        });
        Ok(Some(pathway.id.clone()))
    }

    /// The pathway an onboarding is enrolled in and the new hire's completed
    /// modules of it, in one query; `None` when not enrolled.
    pub async fn enrolled_modules(
        &self,
        onboarding_id: i64,
    ) -> Result<Option<(String, BTreeMap<String, Completion>)>> {
        type Row = (
            String,
            Option<String>,
            Option<NaiveDate>,
            Option<String>,
            Option<String>,
        );
        let rows: Vec<Row> = on_db!(self, |pool, begin| {
            sqlx::query_as(
                "SELECT e.pathway_id, m.module_id, m.completed_on, m.evidence_url, m.source FROM pathway_enrolments e
                 LEFT JOIN module_completions m ON m.person_id = e.person_id AND m.pathway_id = e.pathway_id
                 WHERE e.onboarding_id = $1",
            )
            .bind(onboarding_id)
            .fetch_all(pool)
            .await?
        });
        let Some(pathway) = rows.first().map(|r| r.0.clone()) else {
            return Ok(None);
        };
        let done = rows
            .into_iter()
            .filter_map(|(_, module, on, evidence_url, source)| {
                Some((
                    module?,
                    Completion {
                        completed_on: on?,
                        evidence_url,
                        source: source?,
                    },
                ))
            })
            .collect();
        Ok(Some((pathway, done)))
    }

    /// The pathway of each of these onboardings and how many of its modules
    /// the new hire has done (onboardings without an enrolment are left out).
    pub async fn pathway_counts(
        &self,
        onboarding_ids: &[i64],
    ) -> Result<BTreeMap<i64, (String, u32)>> {
        if onboarding_ids.is_empty() {
            return Ok(BTreeMap::new());
        }
        let rows: Vec<(i64, String, i64)> = on_db!(self, |pool, begin| {
            let mut q = sqlx::QueryBuilder::new(
                "SELECT e.onboarding_id, e.pathway_id, COUNT(m.module_id) FROM pathway_enrolments e
                 LEFT JOIN module_completions m ON m.person_id = e.person_id AND m.pathway_id = e.pathway_id
                 WHERE e.onboarding_id IN (",
            );
            let mut list = q.separated(", ");
            for id in onboarding_ids {
                list.push_bind(*id);
            }
            q.push(") GROUP BY e.onboarding_id, e.pathway_id");
            q.build_query_as().fetch_all(pool).await?
        });
        Ok(rows
            .into_iter()
            .map(|(o, p, n)| (o, (p, u32::try_from(n).unwrap_or(0))))
            .collect())
    }

    /// A person's completed modules of a pathway.
    pub async fn module_completions(
        &self,
        person_id: i64,
        pathway_id: &str,
    ) -> Result<BTreeMap<String, Completion>> {
        let rows: Vec<(String, NaiveDate, Option<String>, String)> = on_db!(self, |pool, begin| {
            sqlx::query_as(
                "SELECT module_id, completed_on, evidence_url, source FROM module_completions WHERE person_id = $1 AND pathway_id = $2",
            )
            .bind(person_id)
            .bind(pathway_id)
            .fetch_all(pool)
            .await?
        });
        Ok(rows
            .into_iter()
            .map(|(m, completed_on, evidence_url, source)| {
                (
                    m,
                    Completion {
                        completed_on,
                        evidence_url,
                        source,
                    },
                )
            })
            .collect())
    }

    /// Stores module completions, all or none, in one transaction; a newer
    /// record of the same module replaces the older one.
    pub async fn record_modules(
        &self,
        actor: Option<i64>,
        records: &[ModuleRecord],
    ) -> Result<usize> {
        let now = Utc::now();
        on_db!(self, |pool, begin| {
            let mut tx = pool.begin_with(begin).await?;
            for r in records {
                sqlx::query(
                    "INSERT INTO module_completions (person_id, pathway_id, module_id, completed_on, evidence_url, source, recorded_by, recorded_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
                     ON CONFLICT (person_id, pathway_id, module_id) DO UPDATE SET completed_on = excluded.completed_on,
                        evidence_url = COALESCE(excluded.evidence_url, module_completions.evidence_url), source = excluded.source,
                        recorded_by = excluded.recorded_by, recorded_at = excluded.recorded_at",
                )
                .bind(r.person_id)
                .bind(&r.pathway_id)
                .bind(&r.module_id)
                .bind(r.completed_on)
                .bind(&r.evidence_url)
                .bind(r.source)
                .bind(actor)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            }
            if !records.is_empty() {
                let modules: Vec<serde_json::Value> = records
                    .iter()
                    .map(|r| serde_json::json!({"person": r.person_id, "pathway": r.pathway_id, "module": r.module_id, "on": r.completed_on, "source": r.source}))
                    .collect();
                audit!(
                    tx,
                    actor,
                    "record",
                    "module_completion",
                    None::<i64>,
                    None::<serde_json::Value>,
                    Some(serde_json::Value::Array(modules))
                );
            }
            tx.commit().await?;
            Ok(records.len())
        })
    }

    /// Takes back a module completion recorded by mistake.
    pub async fn undo_module(
        &self,
        actor: Option<i64>,
        person_id: i64,
        pathway_id: &str,
        module_id: &str,
    ) -> Result<bool> {
        on_db!(self, |pool, begin| {
            let mut tx = pool.begin_with(begin).await?;
            let done = sqlx::query("DELETE FROM module_completions WHERE person_id = $1 AND pathway_id = $2 AND module_id = $3")
                .bind(person_id)
                .bind(pathway_id)
                .bind(module_id)
                .execute(&mut *tx)
                .await?
                .rows_affected()
                > 0;
            if done {
                audit!(
                    tx,
                    actor,
                    "undo",
                    "module_completion",
                    Some(person_id),
                    Some(serde_json::json!({"pathway": pathway_id, "module": module_id})),
                    None::<serde_json::Value>
                );
            }
            tx.commit().await?;
            Ok(done)
        })
    }

    /// The channels a person has marked as joined.
    pub async fn joined_channels(&self, person_id: i64) -> Result<Vec<String>> {
        let rows: Vec<(String,)> = on_db!(self, |pool, begin| {
            sqlx::query_as(
                "SELECT channel_id FROM channel_joins WHERE person_id = $1 ORDER BY channel_id",
            )
            .bind(person_id)
            .fetch_all(pool)
            .await?
        });
        Ok(rows.into_iter().map(|(c,)| c).collect())
    }

    /// Replaces the set of channels a person has joined.
    pub async fn set_joined_channels(
        &self,
        actor: Option<i64>,
        person_id: i64,
        channels: &[String],
    ) -> Result<()> {
        let now = Utc::now();
        on_db!(self, |pool, begin| {
            let mut tx = pool.begin_with(begin).await?;
            sqlx::query("DELETE FROM channel_joins WHERE person_id = $1")
                .bind(person_id)
                .execute(&mut *tx)
                .await?;
            for c in channels {
                sqlx::query("INSERT INTO channel_joins (person_id, channel_id, joined_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING")
                    .bind(person_id)
                    .bind(c)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
            }
            audit!(
                tx,
                actor,
                "update",
                "channels",
                Some(person_id),
                None::<serde_json::Value>,
                Some(serde_json::json!(channels))
            );
            tx.commit().await?;
            Ok(())
        })
    }

    /// A person's reading receipts: entry id → when it was marked read.
    pub async fn reading_receipts(
        &self,
        person_id: i64,
    ) -> Result<BTreeMap<String, DateTime<Utc>>> {
        let rows: Vec<(String, DateTime<Utc>)> = on_db!(self, |pool, begin| {
            sqlx::query_as("SELECT item_id, read_at FROM reading_receipts WHERE person_id = $1")
                .bind(person_id)
                .fetch_all(pool)
                .await?
        });
        Ok(rows.into_iter().collect())
    }

    /// Marks a reading list or product knowledge entry read (or not) for the
    /// new hire of an onboarding; completes tasks whose reading-list target is
    /// now met. Returns the keys of the tasks completed.
    pub async fn set_read(
        &self,
        actor: Option<i64>,
        onboarding_id: i64,
        person_id: i64,
        item_id: &str,
        read: bool,
    ) -> Result<Vec<String>> {
        on_db!(self, |pool, begin| {
            let mut tx = pool.begin_with(begin).await?;
            if read {
                sqlx::query("INSERT INTO reading_receipts (person_id, item_id, read_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING")
                    .bind(person_id)
                    .bind(item_id)
                    .bind(Utc::now())
                    .execute(&mut *tx)
                    .await?;
            } else {
                sqlx::query("DELETE FROM reading_receipts WHERE person_id = $1 AND item_id = $2")
                    .bind(person_id)
                    .bind(item_id)
                    .execute(&mut *tx)
                    .await?;
            }
            audit!(
                tx,
                actor,
                if read { "read" } else { "unread" },
                "reading",
                Some(person_id),
                Some(onboarding_id),
                None::<serde_json::Value>,
                Some(serde_json::json!({"item": item_id}))
            );
            tx.commit().await?;
        });
        if !read {
            return Ok(Vec::new());
        }
        let receipts = self.reading_receipts(person_id).await?;
        let count = Catalogues::builtin()
            .reading_list
            .iter()
            .filter(|r| receipts.contains_key(&r.id))
            .count() as u32;
        self.complete_met_targets(onboarding_id, "reading-list", count)
            .await
    }
}
