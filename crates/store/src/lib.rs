//! Onramp's persistence: one set of queries that runs on SQLite (the embedded
//! default) and on PostgreSQL (several servers sharing one database).
//!
//! Each query is written once in the SQL both databases understand and
//! expanded for each backend by [`on_db!`]; the schema lives in two migration
//! trees (`migrations/sqlite`, `migrations/postgres`) with the same versions.

use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

mod access_requests;
pub mod accounts;
mod analytics;
mod audit;
pub mod backup;
mod buddies;
mod certifications;
mod chat;
mod comments;
mod digest;
mod engine;
mod error;
mod handbook;
mod history;
mod learning;
mod models;
mod notices;
mod office_hours;
mod onboardings;
mod outbox;
mod panels;
mod people;
mod ping;
mod programs;
mod reminders;
mod risk_levels;
mod sessions;
mod summaries;
#[cfg(feature = "test-support")]
pub mod testing;
mod webinars;
mod workspace;

pub use access_requests::AccessRequest;
pub use accounts::Account;
pub use analytics::{
    AnalyticsScope, LearningRecords, ProgramTaskRecord, QuestionRecord, RampDated, RampDay,
    RampMeeting, RampOnboarding, RampRecords, RampSnapshot, RampTask, Selection,
    SignalAcknowledgement,
};
pub use buddies::{BuddyAssignment, Feedback, LatestFeedback, Meeting, NewFeedback, NewMeeting};
pub use certifications::{CertificationChange, CertificationOf, EvidenceToReview};
pub use chat::{ChannelHook, ChannelScope, ChatHook};
pub use engine::{StartRequest, SweepReport, TaskUpdate};
pub use error::StoreError;
pub use handbook::{HandbookPage, HandbookPageInput, HandbookState, HandbookUrls};
pub use history::PastOutcome;
pub use learning::ModuleRecord;
pub use models::*;
pub use office_hours::{OfficeHours, Question};
pub use panels::{AccountCounts, MissedTask, OpenQuestion, OpenTask, PhaseCount};
pub use ping::PingUpload;
pub use risk_levels::{CurrentLevel, LevelChange, RecordedSignal};
pub use sessions::{ApiToken, SEEN_EVERY_MINUTES, Session, SessionInfo, SessionOrigin};
pub use webinars::{NewWebinar, Webinar};
pub use workspace::WaitingTask;
/// A JSON value as stored (TEXT on SQLite, JSONB on PostgreSQL).
pub type JsonValue = sqlx::types::Json<serde_json::Value>;
pub use onboardings::OnboardingFilter;
pub use outbox::{Delivered, DeliveryRow, OutboxCounts, Outgoing};
pub use programs::ImportOutcome;
pub use reminders::{MissedQuestion, Reminded, Reminder};
/// A value stored as JSON (lists of links, cancelled dates…).
pub use sqlx::types::Json;
pub use summaries::SummaryReader;

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Where the data lives, parsed from a URL or a data directory.
#[derive(Clone)]
pub enum Database {
    Sqlite(SqliteConnectOptions),
    Postgres(PgConnectOptions),
}

impl std::fmt::Debug for Database {
    // Never print a password.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Database::Sqlite(o) => write!(f, "SQLite at {}", o.get_filename().display()),
            Database::Postgres(o) => write!(
                f,
                "PostgreSQL database {} on {}:{}",
                o.get_database().unwrap_or("(default)"),
                o.get_host(),
                o.get_port()
            ),
        }
    }
}

impl Database {
    /// The SQLite file `onramp.db` in a data directory.
    pub fn sqlite_in(data_dir: &Path) -> Database {
        Database::Sqlite(SqliteConnectOptions::new().filename(data_dir.join("onramp.db")))
    }

    /// Parses `sqlite:…` or `postgres://…` / `postgresql://…`.
    pub fn from_url(url: &str) -> Result<Database> {
        let invalid = |reason: String| StoreError::InvalidUrl {
            url: redact(url),
            reason,
        };
        if url.starts_with("sqlite:") {
            SqliteConnectOptions::from_str(url)
                .map(Database::Sqlite)
                .map_err(|e| invalid(e.to_string()))
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            PgConnectOptions::from_str(url)
                .map(Database::Postgres)
                .map_err(|e| invalid(e.to_string()))
        } else {
            Err(invalid(
                "expected a URL starting with sqlite: or postgres://".into(),
            ))
        }
    }

    pub fn is_sqlite(&self) -> bool {
        matches!(self, Database::Sqlite(_))
    }
}

/// A URL with any password replaced, for messages and logs.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let userinfo = &url[scheme_end + 3..at];
            match userinfo.find(':') {
                Some(colon) => format!(
                    "{}{}:***{}",
                    &url[..scheme_end + 3],
                    &userinfo[..colon],
                    &url[at..]
                ),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

/// The connection pool of one backend.
#[derive(Clone, Debug)]
pub enum Pool {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// An open database with its schema migrated.
#[derive(Clone, Debug)]
pub struct Store {
    pool: Pool,
    /// Program versions never change once stored, so decoded ones are kept.
    versions: std::sync::Arc<
        std::sync::Mutex<std::collections::HashMap<i64, std::sync::Arc<ProgramVersion>>>,
    >,
    /// The newest version of each program, briefly remembered (see `newest_version_of`).
    newest: std::sync::Arc<std::sync::Mutex<NewestVersions>>,
    /// Progress per phase of onboardings, with the `updated_at` it was read
    /// at (see `phase_counts_of`).
    phases: std::sync::Arc<std::sync::Mutex<panels::PhaseCache>>,
}

/// Program id → when it was read, and the newest (version id, version number).
type NewestVersions = std::collections::HashMap<i64, (std::time::Instant, Option<(i64, i64)>)>;

/// Expands one body for each backend. `$pool` is the backend's pool and
/// `$begin` the statement that starts a write transaction (SQLite takes the
/// write lock at once so concurrent writers queue instead of failing).
macro_rules! on_db {
    ($store:expr, |$pool:ident, $begin:ident| $body:expr) => {
        match &$store.pool {
            $crate::Pool::Sqlite($pool) => {
                #[allow(unused_variables)]
                let $begin = "BEGIN IMMEDIATE";
                $body
            }
            $crate::Pool::Postgres($pool) => {
                #[allow(unused_variables)]
                let $begin = "BEGIN";
                $body
            }
        }
    };
}
pub(crate) use on_db;

/// A row type both backends can read.
pub(crate) trait Row:
    Send
    + Unpin
    + for<'r> sqlx::FromRow<'r, sqlx::sqlite::SqliteRow>
    + for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow>
{
}
impl<T> Row for T where
    T: Send
        + Unpin
        + for<'r> sqlx::FromRow<'r, sqlx::sqlite::SqliteRow>
        + for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow>
{
}

impl Store {
    /// What a `SELECT` inside a write transaction appends to lock the rows it
    /// reads until the commit: ` FOR UPDATE` on PostgreSQL; nothing on SQLite,
    /// whose write transactions (`BEGIN IMMEDIATE`) already run one at a time.
    pub(crate) fn row_lock(&self) -> &'static str {
        match &self.pool {
            Pool::Sqlite(_) => "",
            Pool::Postgres(_) => " FOR UPDATE",
        }
    }

    /// The row that `sql` selects with `$1 = id`, if any.
    pub(crate) async fn optional_row<T: Row>(&self, sql: &str, id: i64) -> Result<Option<T>> {
        Ok(on_db!(self, |pool, begin| {
            sqlx::query_as(sqlx::AssertSqlSafe(sql.to_string()))
                .bind(id)
                .fetch_optional(pool)
                .await?
        }))
    }

    /// The row that `sql` selects with `$1 = id`, or `NotFound("{what} {id}")`.
    pub(crate) async fn row_by_id<T: Row>(&self, sql: &str, id: i64, what: &str) -> Result<T> {
        self.optional_row(sql, id)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("{what} {id}")))
    }

    /// Every row that `sql` selects with `$1 = id`.
    pub(crate) async fn rows_by_id<T: Row>(&self, sql: &str, id: i64) -> Result<Vec<T>> {
        Ok(on_db!(self, |pool, begin| {
            sqlx::query_as(sqlx::AssertSqlSafe(sql.to_string()))
                .bind(id)
                .fetch_all(pool)
                .await?
        }))
    }
}

/// PostgreSQL's SQLSTATE for "database does not exist".
const MISSING_DATABASE: &str = "3D000";

fn sql_state(e: &sqlx::Error) -> Option<String> {
    match e {
        sqlx::Error::Database(db) => db.code().map(|c| c.to_string()),
        _ => None,
    }
}

/// A connection error in words: the server's message without its source
/// line, or what went wrong on the way there.
fn connect_error_text(e: &sqlx::Error) -> String {
    match e {
        sqlx::Error::Database(db) => db.message().to_string(),
        sqlx::Error::Io(io) => io.to_string(),
        sqlx::Error::PoolTimedOut => "no connection within 10 seconds".to_string(),
        other => other.to_string(),
    }
}

fn postgres_connect_text(e: &sqlx::Error, options: &sqlx::postgres::PgConnectOptions) -> String {
    let server = format!(
        "PostgreSQL at {}:{} as user `{}`",
        options.get_host(),
        options.get_port(),
        options.get_username()
    );
    match e {
        sqlx::Error::Io(io) => {
            format!("cannot reach {server}: {io}; is the server running and the address right?")
        }
        // The pool retries refused connections until its timeout.
        sqlx::Error::PoolTimedOut => format!(
            "cannot reach {server} within 10 seconds; is the server running and the address right?"
        ),
        other => format!("{server}: {}", connect_error_text(other)),
    }
}

/// Creates the database the URL names, when it is missing and the user may
/// create databases; otherwise says exactly what is missing and how to make it.
async fn create_postgres_database(options: &sqlx::postgres::PgConnectOptions) -> Result<()> {
    use sqlx::Connection;
    let name = options.get_database().unwrap_or("postgres").to_string();
    let how = format!(
        "the PostgreSQL database `{name}` does not exist on {}:{}; create it with `createdb -h {} -p {} -U {} {name}` (or `CREATE DATABASE \"{name}\"`), or let user `{}` create databases",
        options.get_host(),
        options.get_port(),
        options.get_host(),
        options.get_port(),
        options.get_username(),
        options.get_username(),
    );
    let maintenance = options.clone().database("postgres");
    let mut conn = sqlx::postgres::PgConnection::connect_with(&maintenance)
        .await
        .map_err(|e| StoreError::Connect(format!("{how} ({})", connect_error_text(&e))))?;
    let create = format!("CREATE DATABASE \"{}\"", name.replace('"', "\"\""));
    match sqlx::query(sqlx::AssertSqlSafe(create))
        .execute(&mut conn)
        .await
    {
        Ok(_) => {
            tracing::info!(database = %name, "created the PostgreSQL database");
            Ok(())
        }
        // Another server created it at the same moment: fine.
        Err(e) if sql_state(&e).as_deref() == Some("42P04") => Ok(()),
        Err(e) => Err(StoreError::Connect(format!(
            "{how} ({})",
            connect_error_text(&e)
        ))),
    }
}

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("migrations/postgres");

impl Store {
    /// Connects and brings the schema up to date.
    pub async fn open(db: &Database) -> Result<Store> {
        match db {
            Database::Sqlite(options) => {
                let options = options
                    .clone()
                    .create_if_missing(true)
                    .journal_mode(SqliteJournalMode::Wal)
                    .synchronous(SqliteSynchronous::Full)
                    .foreign_keys(true)
                    .busy_timeout(Duration::from_secs(10));
                let pool = SqlitePoolOptions::new()
                    .max_connections(8)
                    .acquire_timeout(Duration::from_secs(10))
                    .connect_with(options)
                    .await
                    .map_err(|e| StoreError::Connect(connect_error_text(&e)))?;
                SQLITE_MIGRATIONS.run(&pool).await?;
                Ok(Store::new(Pool::Sqlite(pool)))
            }
            Database::Postgres(options) => {
                let connect = || {
                    PgPoolOptions::new()
                        .max_connections(16)
                        .acquire_timeout(Duration::from_secs(10))
                        .connect_with(options.clone())
                };
                let pool = match connect().await {
                    Err(e) if sql_state(&e).as_deref() == Some(MISSING_DATABASE) => {
                        create_postgres_database(options).await?;
                        connect().await
                    }
                    other => other,
                }
                .map_err(|e| StoreError::Connect(postgres_connect_text(&e, options)))?;
                POSTGRES_MIGRATIONS.run(&pool).await?;
                Ok(Store::new(Pool::Postgres(pool)))
            }
        }
    }

    fn new(pool: Pool) -> Store {
        Store {
            pool,
            versions: Default::default(),
            newest: Default::default(),
            phases: Default::default(),
        }
    }

    pub fn backend(&self) -> &'static str {
        match self.pool {
            Pool::Sqlite(_) => "sqlite",
            Pool::Postgres(_) => "postgres",
        }
    }

    /// Checks that the database answers.
    pub async fn ping(&self) -> Result<()> {
        on_db!(self, |pool, _begin| {
            sqlx::query("SELECT 1").execute(pool).await?;
        });
        Ok(())
    }

    /// Closes every connection, waiting for those in use to be returned.
    pub async fn close(&self) {
        on_db!(self, |pool, _begin| pool.close().await)
    }

    /// The versions of the applied migrations, oldest first.
    pub async fn applied_migrations(&self) -> Result<Vec<i64>> {
        let rows: Vec<(i64,)> = on_db!(self, |pool, _begin| {
            sqlx::query_as("SELECT version FROM _sqlx_migrations WHERE success ORDER BY version")
                .fetch_all(pool)
                .await?
        });
        Ok(rows.into_iter().map(|r| r.0).collect())
    }
}

/// The versions each migration tree defines (they must be the same).
pub fn migration_versions() -> (Vec<i64>, Vec<i64>) {
    (
        SQLITE_MIGRATIONS.iter().map(|m| m.version).collect(),
        POSTGRES_MIGRATIONS.iter().map(|m| m.version).collect(),
    )
}
