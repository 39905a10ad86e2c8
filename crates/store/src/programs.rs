//! Programs and their versions. A version is stored only when a program's
//! content changed; onboardings keep the version they were made from.

use crate::audit::audit;
use crate::{ProgramRow, ProgramSummary, ProgramVersion, Result, Store, StoreError, on_db};
use chrono::Utc;
use onramp_core::program::Program;
use sqlx::types::Json;

/// What an import did.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ImportOutcome {
    pub program_id: i64,
    pub slug: String,
    pub version: i64,
    pub version_id: i64,
    /// False when the content was already stored: nothing was added.
    pub created: bool,
}

const VERSION_COLUMNS: &str = "id, program_id, version, content_hash, definition, created_at";

impl Store {
    /// Stores `program` as a new version of the program with its id, unless a
    /// version with the same content hash exists.
    // Long: one transaction: the program, its version and its tasks.
    pub async fn import_program(
        &self,
        actor_id: Option<i64>,
        program: &Program,
        content_hash: &str,
    ) -> Result<ImportOutcome> {
        let now = Utc::now();
        let definition = Json(program.clone());
        Ok(on_db!(self, |pool, begin| {
            let mut tx = pool.begin_with(begin).await?;
            let existing: Option<ProgramRow> = sqlx::query_as(
                "SELECT id, slug, title, description, owner, created_at FROM programs WHERE slug = $1",
            )
            .bind(&program.id)
            .fetch_optional(&mut *tx)
            .await?;
            let program_id = match existing {
                Some(row) => {
                    let same: Option<(i64, i64)> = sqlx::query_as(
                        "SELECT id, version FROM program_versions WHERE program_id = $1 AND content_hash = $2",
                    )
                    .bind(row.id)
                    .bind(content_hash)
                    .fetch_optional(&mut *tx)
                    .await?;
                    if let Some((version_id, version)) = same {
                        tx.rollback().await?;
                        return Ok(ImportOutcome {
                            program_id: row.id,
                            slug: row.slug,
                            version,
                            version_id,
                            created: false,
                        });
                    }
                    sqlx::query("UPDATE programs SET title = $2, description = $3, owner = $4 WHERE id = $1")
                        .bind(row.id)
                        .bind(&program.title)
                        .bind(&program.description)
                        .bind(&program.owner)
                        .execute(&mut *tx)
                        .await?;
                    row.id
                }
                None => {
                    let (id,): (i64,) = sqlx::query_as(
                        "INSERT INTO programs (slug, title, description, owner, created_at)
                         VALUES ($1, $2, $3, $4, $5) RETURNING id",
                    )
                    .bind(&program.id)
                    .bind(&program.title)
                    .bind(&program.description)
                    .bind(&program.owner)
                    .bind(now)
                    .fetch_one(&mut *tx)
                    .await?;
                    id
                }
            };
            let (latest,): (Option<i64>,) =
                sqlx::query_as("SELECT MAX(version) FROM program_versions WHERE program_id = $1")
                    .bind(program_id)
                    .fetch_one(&mut *tx)
                    .await?;
            let version = latest.unwrap_or(0) + 1;
            let (version_id,): (i64,) = sqlx::query_as(
                "INSERT INTO program_versions (program_id, version, content_hash, definition, created_at)
                 VALUES ($1, $2, $3, $4, $5) RETURNING id",
            )
            .bind(program_id)
            .bind(version)
            .bind(content_hash)
            .bind(&definition)
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
            let summary = serde_json::json!({
                "program": program.id, "version": version, "content_hash": content_hash,
                "tasks": program.tasks.len(),
            });
            audit!(
                tx,
                actor_id,
                "import",
                "program",
                Some(program_id),
                None::<serde_json::Value>,
                Some(summary)
            );
            tx.commit().await?;
            if let Ok(mut m) = self.newest.lock() {
                m.remove(&program_id);
            }
            ImportOutcome {
                program_id,
                slug: program.id.clone(),
                version,
                version_id,
                created: true,
            }
        }))
    }

    /// Every program with its newest version, by title.
    pub async fn list_programs(&self) -> Result<Vec<ProgramSummary>> {
        Ok(on_db!(self, |pool, _begin| {
            sqlx::query_as(
                "SELECT p.id, p.slug, p.title, p.owner, v.version AS latest_version, v.id AS latest_version_id,
                        (SELECT COUNT(*) FROM program_versions c WHERE c.program_id = p.id) AS versions,
                        v.created_at AS updated_at
                 FROM programs p
                 JOIN program_versions v ON v.program_id = p.id
                 WHERE v.version = (SELECT MAX(m.version) FROM program_versions m WHERE m.program_id = p.id)
                 ORDER BY p.title, p.id",
            )
            .fetch_all(pool)
            .await?
        }))
    }

    /// The versions of one program, newest first.
    pub async fn program_versions(&self, slug: &str) -> Result<Vec<ProgramVersion>> {
        let sql = format!(
            "SELECT {VERSION_COLUMNS} FROM program_versions
             WHERE program_id = (SELECT id FROM programs WHERE slug = $1) ORDER BY version DESC"
        );
        Ok(on_db!(self, |pool, _begin| {
            sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(slug)
                .fetch_all(pool)
                .await?
        }))
    }

    /// A program version (shared: versions never change once stored).
    pub async fn program_version(&self, id: i64) -> Result<std::sync::Arc<ProgramVersion>> {
        if let Some(found) = self
            .versions
            .lock()
            .ok()
            .and_then(|cache| cache.get(&id).cloned())
        {
            return Ok(found);
        }
        let sql = format!("SELECT {VERSION_COLUMNS} FROM program_versions WHERE id = $1");
        let found: Option<ProgramVersion> = on_db!(self, |pool, _begin| {
            sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(id)
                .fetch_optional(pool)
                .await?
        });
        let version = std::sync::Arc::new(
            found.ok_or_else(|| StoreError::NotFound(format!("program version {id}")))?,
        );
        if let Ok(mut cache) = self.versions.lock() {
            cache.insert(id, version.clone());
        }
        Ok(version)
    }

    /// The newest version of a program: (version id, version number).
    /// Remembered for 30 seconds (imports through this store forget it at
    /// once; other servers see a new version within 30 seconds).
    pub async fn newest_version_of(&self, program_id: i64) -> Result<Option<(i64, i64)>> {
        const FRESH: std::time::Duration = std::time::Duration::from_secs(30);
        if let Some((at, found)) = self
            .newest
            .lock()
            .ok()
            .and_then(|m| m.get(&program_id).copied())
            && at.elapsed() < FRESH
        {
            return Ok(found);
        }
        let found: Option<(i64, i64)> = on_db!(self, |pool, _begin| {
            sqlx::query_as("SELECT id, version FROM program_versions WHERE program_id = $1 ORDER BY version DESC LIMIT 1")
                .bind(program_id)
                .fetch_optional(pool)
                .await?
        });
        if let Ok(mut m) = self.newest.lock() {
            m.insert(program_id, (std::time::Instant::now(), found));
        }
        Ok(found)
    }

    /// The newest version of each program, for choosing one for a person.
    pub async fn latest_program_versions(&self) -> Result<Vec<ProgramVersion>> {
        let sql = format!(
            "SELECT {VERSION_COLUMNS} FROM program_versions v
             WHERE v.version = (SELECT MAX(m.version) FROM program_versions m WHERE m.program_id = v.program_id)
             ORDER BY v.program_id"
        );
        Ok(on_db!(self, |pool, _begin| {
            sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .fetch_all(pool)
                .await?
        }))
    }
}
