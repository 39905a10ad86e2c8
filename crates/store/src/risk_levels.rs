//! Each active onboarding's risk level as last recorded, and its history:
//! a change of level is recorded once, however many servers notice it.

use crate::analytics::Selection;
use crate::{Result, Store, on_db};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sqlx::types::Json;

/// A signal as recorded with a level: its kind and reason in words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordedSignal {
    pub kind: String,
    pub reason: String,
}

/// An onboarding's level as last recorded.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct CurrentLevel {
    pub onboarding_id: i64,
    pub name: String,
    pub manager_id: Option<i64>,
    pub level: String,
    pub signals: Json<Vec<RecordedSignal>>,
    /// Since when it has had this level.
    pub since: DateTime<Utc>,
}

/// A change of an onboarding's level.
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
pub struct LevelChange {
    pub onboarding_id: i64,
    pub level: String,
    /// None: the first level recorded.
    pub previous: Option<String>,
    pub at: DateTime<Utc>,
}

const CURRENT: &str = "SELECT r.onboarding_id, p.name, o.manager_id, r.level, r.signals, r.since
 FROM risk_levels r JOIN onboardings o ON o.id = r.onboarding_id JOIN people p ON p.id = o.person_id
 WHERE o.status = 'active' AND {scope} ORDER BY r.since, r.onboarding_id";

const CHANGES: &str = "SELECT c.onboarding_id, c.level, c.previous, c.at
 FROM risk_level_changes c JOIN onboardings o ON o.id = c.onboarding_id WHERE {scope}
 ORDER BY c.at, c.id";

impl Store {
    /// Records an onboarding's level and the signals behind it at `at`.
    /// Answers whether the level changed (and so a change was written):
    /// compare-and-set on the previous level, so two servers recording
    /// the same change write it once.
    pub async fn record_level(
        &self,
        onboarding_id: i64,
        level: &str,
        signals: &[RecordedSignal],
        at: DateTime<Utc>,
    ) -> Result<bool> {
        let signals = Json(signals.to_vec());
        on_db!(self, |pool, begin| {
            let mut tx = pool.begin_with(begin).await?;
            let previous: Option<(String,)> =
                sqlx::query_as("SELECT level FROM risk_levels WHERE onboarding_id = $1")
                    .bind(onboarding_id)
                    .fetch_optional(&mut *tx)
                    .await?;
            let previous = previous.map(|(l,)| l);
            let changed = match previous.as_deref() {
                Some(p) if p == level => {
                    sqlx::query(
                        "UPDATE risk_levels SET signals = $1, checked_at = $2 WHERE onboarding_id = $3",
                    )
                    .bind(&signals)
                    .bind(at)
                    .bind(onboarding_id)
                    .execute(&mut *tx)
                    .await?;
                    false
                }
                Some(p) => sqlx::query(
                    "UPDATE risk_levels SET level = $1, signals = $2, since = $3, checked_at = $3
                         WHERE onboarding_id = $4 AND level = $5",
                )
                .bind(level)
                .bind(&signals)
                .bind(at)
                .bind(onboarding_id)
                .bind(p)
                .execute(&mut *tx)
                .await?
                .rows_affected()
                    == 1,
                None => {
                    sqlx::query(
                        "INSERT INTO risk_levels (onboarding_id, level, signals, since, checked_at)
                         VALUES ($1, $2, $3, $4, $4) ON CONFLICT (onboarding_id) DO NOTHING",
                    )
                    .bind(onboarding_id)
                    .bind(level)
                    .bind(&signals)
                    .bind(at)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected()
                        == 1
                }
            };
            if changed {
                sqlx::query(
                    "INSERT INTO risk_level_changes (onboarding_id, level, previous, signals, at)
                     VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(onboarding_id)
                .bind(level)
                .bind(&previous)
                .bind(&signals)
                .bind(at)
                .execute(&mut *tx)
                .await?;
            }
            tx.commit().await?;
            Ok(changed)
        })
    }

    /// The recorded levels of the active onboardings selected, the longest
    /// held first.
    pub async fn current_levels(&self, selection: Selection) -> Result<Vec<CurrentLevel>> {
        self.scoped(CURRENT, selection).await
    }

    /// Every change of level of the onboardings selected, oldest first.
    pub async fn level_changes(&self, selection: Selection) -> Result<Vec<LevelChange>> {
        self.scoped(CHANGES, selection).await
    }
}
