//! Imported handbook pages: their source, what was derived from it, and a
//! generation number that each server's search index follows.

use crate::{Result, Store, on_db};
use chrono::{DateTime, Utc};
use sqlx::types::Json;
use std::collections::HashMap;

/// A page to store (the source and what the parser derived from it).
#[derive(Clone, Debug)]
pub struct HandbookPageInput {
    pub path: String,
    pub url: String,
    pub title: String,
    pub description: String,
    pub section: String,
    pub aliases: Vec<String>,
    pub draft: bool,
    pub source: String,
    pub content_hash: String,
}

/// A stored page.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct HandbookPage {
    pub id: i64,
    pub path: String,
    pub url: String,
    pub title: String,
    pub description: String,
    pub section: String,
    pub aliases: Json<Vec<String>>,
    pub draft: bool,
    pub source: String,
    pub content_hash: String,
    pub updated_at: DateTime<Utc>,
}

/// Where the last import came from and how far the pages have changed.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct HandbookState {
    pub generation: i64,
    pub root: String,
    /// Where the pages are published (e.g. `https://handbook.gitlab.com`), or empty.
    pub site_url: String,
    pub imported_at: DateTime<Utc>,
}

pub use onramp_core::handbook::HandbookUrls;

macro_rules! page_columns {
    () => {
        "id, path, url, title, description, section, aliases, draft, source, content_hash, updated_at"
    };
}

/// A site path and the page path it leads to.
type UrlRow = (String, String);

/// Records which paths changed at `generation` (in chunks, one statement
/// each) and forgets changes older than the last 100 generations. Runs in
/// the caller's transaction.
macro_rules! record_search_changes {
    ($tx:expr, $generation:expr, $paths:expr) => {{
        for chunk in $paths.chunks(500) {
            let mut insert =
                sqlx::QueryBuilder::new("INSERT INTO search_changes (generation, path) ");
            insert.push_values(chunk, |mut row, path| {
                row.push_bind($generation).push_bind(*path);
            });
            insert.build().execute(&mut *$tx).await?;
        }
        sqlx::query("DELETE FROM search_changes WHERE generation < $1")
            .bind($generation - $crate::handbook::SEARCH_CHANGES_KEPT)
            .execute(&mut *$tx)
            .await?;
    }};
}
pub(crate) use record_search_changes;

/// How many generations of changes are kept; a server further behind
/// rebuilds its index from the database.
pub(crate) const SEARCH_CHANGES_KEPT: i64 = 100;

impl Store {
    /// The paths whose searchable content changed after generation `since`
    /// up to `until`, or `None` when the change log does not reach back that
    /// far (then the whole index must be rebuilt).
    pub async fn search_changes_since(
        &self,
        since: i64,
        until: i64,
    ) -> Result<Option<Vec<String>>> {
        if until <= since {
            return Ok(Some(Vec::new()));
        }
        let rows: Vec<(i64, String)> = on_db!(self, |pool, _begin| {
            sqlx::query_as(
                "SELECT generation, path FROM search_changes WHERE generation > $1 AND generation <= $2 ORDER BY id",
            )
            .bind(since)
            .bind(until)
            .fetch_all(pool)
            .await?
        });
        let generations: std::collections::HashSet<i64> = rows.iter().map(|r| r.0).collect();
        if i64::try_from(generations.len()).unwrap_or(0) != until - since {
            return Ok(None);
        }
        let mut seen = std::collections::HashSet::new();
        Ok(Some(
            rows.into_iter()
                .filter_map(|(_, path)| seen.insert(path.clone()).then_some(path))
                .collect(),
        ))
    }

    /// The stored page at `path` (relative to the imported root), if any.
    pub async fn handbook_page_by_path(&self, path: &str) -> Result<Option<HandbookPage>> {
        Ok(on_db!(self, |pool, _begin| {
            sqlx::query_as(concat!(
                "SELECT ",
                page_columns!(),
                " FROM handbook_pages WHERE path = $1"
            ))
            .bind(path)
            .fetch_optional(pool)
            .await?
        }))
    }

    /// Path → content hash of every stored page.
    pub async fn handbook_hashes(&self) -> Result<HashMap<String, String>> {
        let rows: Vec<(String, String)> = on_db!(self, |pool, _begin| {
            sqlx::query_as("SELECT path, content_hash FROM handbook_pages")
                .fetch_all(pool)
                .await?
        });
        Ok(rows.into_iter().collect())
    }

    /// Stores changed pages and removes deleted ones in one transaction, and
    /// returns the new generation (unchanged when there was nothing to do).
    // Long: one transaction: pages, aliases, deletions and the change log must move together.
    pub async fn apply_handbook_changes(
        &self,
        root: &str,
        site_url: &str,
        upserts: &[HandbookPageInput],
        deletes: &[String],
    ) -> Result<i64> {
        let now = Utc::now();
        let select = format!(
            "SELECT generation FROM handbook_state WHERE id = 1{}",
            self.row_lock()
        );
        on_db!(self, |pool, begin| {
            let mut tx = pool.begin_with(begin).await?;
            let current: Option<(i64,)> = sqlx::query_as(sqlx::AssertSqlSafe(select))
                .fetch_optional(&mut *tx)
                .await?;
            let current = current.map(|(g,)| g).unwrap_or(0);
            let changed = !(upserts.is_empty() && deletes.is_empty());
            for path in deletes {
                sqlx::query("DELETE FROM handbook_pages WHERE path = $1")
                    .bind(path)
                    .execute(&mut *tx)
                    .await?;
            }
            for page in upserts {
                let (id,): (i64,) = sqlx::query_as(
                    "INSERT INTO handbook_pages (path, url, title, description, section, aliases, draft, source, content_hash, updated_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
                     ON CONFLICT (path) DO UPDATE SET url = excluded.url, title = excluded.title,
                        description = excluded.description, section = excluded.section,
                        aliases = excluded.aliases, draft = excluded.draft, source = excluded.source,
                        content_hash = excluded.content_hash, updated_at = excluded.updated_at
                     RETURNING id",
                )
                .bind(&page.path)
                .bind(&page.url)
                .bind(&page.title)
                .bind(&page.description)
                .bind(&page.section)
                .bind(Json(&page.aliases))
                .bind(page.draft)
                .bind(&page.source)
                .bind(&page.content_hash)
                .bind(now)
                .fetch_one(&mut *tx)
                .await?;
                sqlx::query("DELETE FROM handbook_aliases WHERE page_id = $1")
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                for alias in &page.aliases {
                    sqlx::query(
                        "INSERT INTO handbook_aliases (alias, page_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                    )
                    .bind(alias)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                }
            }
            let generation = if changed { current + 1 } else { current };
            if changed {
                let paths: Vec<&str> = deletes
                    .iter()
                    .map(String::as_str)
                    .chain(upserts.iter().map(|p| p.path.as_str()))
                    .collect();
                record_search_changes!(tx, generation, paths);
            }
            sqlx::query(
                "INSERT INTO handbook_state (id, generation, root, site_url, imported_at) VALUES (1, $1, $2, $3, $4)
                 ON CONFLICT (id) DO UPDATE SET generation = excluded.generation, root = excluded.root,
                    site_url = excluded.site_url, imported_at = excluded.imported_at",
            )
            .bind(generation)
            .bind(root)
            .bind(site_url)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            Ok(generation)
        })
    }

    /// The last import, if any.
    pub async fn handbook_state(&self) -> Result<Option<HandbookState>> {
        Ok(on_db!(self, |pool, _begin| {
            sqlx::query_as(
                "SELECT generation, root, site_url, imported_at FROM handbook_state WHERE id = 1",
            )
            .fetch_optional(pool)
            .await?
        }))
    }

    /// The current generation (0 before the first import).
    pub async fn handbook_generation(&self) -> Result<i64> {
        Ok(self.handbook_state().await?.map_or(0, |s| s.generation))
    }

    /// The page at a site path, by its URL or, failing that, an alias.
    pub async fn handbook_page_by_url(&self, url: &str) -> Result<Option<HandbookPage>> {
        let by_url = concat!(
            "SELECT ",
            page_columns!(),
            " FROM handbook_pages WHERE url = $1 ORDER BY path LIMIT 1"
        );
        let by_alias = concat!(
            "SELECT ",
            page_columns!(),
            " FROM handbook_pages WHERE id IN (SELECT page_id FROM handbook_aliases WHERE alias = $1) ORDER BY path LIMIT 1"
        );
        Ok(on_db!(self, |pool, _begin| {
            match sqlx::query_as(by_url)
                .bind(url)
                .fetch_optional(pool)
                .await?
            {
                Some(page) => Some(page),
                None => {
                    sqlx::query_as(by_alias)
                        .bind(url)
                        .fetch_optional(pool)
                        .await?
                }
            }
        }))
    }

    /// Every stored page, ordered by path.
    pub async fn handbook_pages(&self) -> Result<Vec<HandbookPage>> {
        let sql = concat!(
            "SELECT ",
            page_columns!(),
            " FROM handbook_pages ORDER BY path"
        );
        Ok(on_db!(self, |pool, _begin| {
            sqlx::query_as(sql).fetch_all(pool).await?
        }))
    }

    /// Number of stored pages.
    pub async fn handbook_page_count(&self) -> Result<i64> {
        let (n,): (i64,) = on_db!(self, |pool, _begin| {
            sqlx::query_as("SELECT COUNT(*) FROM handbook_pages")
                .fetch_one(pool)
                .await?
        });
        Ok(n)
    }

    /// Every URL and alias that leads to a page.
    pub async fn handbook_urls(&self) -> Result<HandbookUrls> {
        let (pages, aliases): (Vec<UrlRow>, Vec<UrlRow>) = on_db!(self, |pool, _begin| {
            (
                    sqlx::query_as("SELECT url, path FROM handbook_pages ORDER BY path DESC")
                        .fetch_all(pool)
                        .await?,
                    sqlx::query_as(
                        "SELECT a.alias, p.path FROM handbook_aliases a JOIN handbook_pages p ON p.id = a.page_id",
                    )
                    .fetch_all(pool)
                    .await?,
                )
        });
        let mut paths: HashMap<String, String> = aliases.into_iter().collect();
        // Pages last, so that a page's own URL wins over another's alias, and
        // (ordered by path descending) the first path wins among duplicates.
        paths.extend(pages);
        Ok(HandbookUrls { paths })
    }
}
