//! Test support: a fresh database per test on either backend.
//!
//! PostgreSQL tests connect to `ONRAMP_TEST_POSTGRES_URL` (default
//! `postgres://postgres@127.0.0.1:5432/postgres`), create a uniquely named
//! database, and drop it afterwards, also when the test fails. They fail
//! loudly when the server cannot be reached: they never skip.

use crate::{Database, Store};
use std::future::Future;
use std::str::FromStr;

/// The server PostgreSQL tests use.
pub fn postgres_admin_url() -> String {
    std::env::var("ONRAMP_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_string())
}

/// Which backend a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Runs `test` against a fresh, migrated database of the given backend and
/// removes the database afterwards. A panic in the test is re-raised after
/// clean-up.
pub async fn with_store<F, Fut>(backend: Backend, test: F)
where
    F: FnOnce(Store, Database) -> Fut + Send + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    let (db, cleanup) = match backend {
        Backend::Sqlite => {
            let dir = tempfile::tempdir().expect("temporary directory");
            (Database::sqlite_in(dir.path()), Cleanup::Dir(dir))
        }
        Backend::Postgres => {
            let (db, name) = create_postgres_database().await;
            (db, Cleanup::Postgres(name))
        }
    };
    let outcome = run_on_own_thread(db, test).await;
    if let Cleanup::Postgres(name) = &cleanup {
        drop_postgres_database(name).await;
    }
    drop(cleanup);
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
}

enum Cleanup {
    Dir(#[allow(dead_code)] tempfile::TempDir),
    Postgres(String),
}

/// Opens the store and runs the test on a thread with its own runtime, so a
/// panic is caught and the database can still be removed.
async fn run_on_own_thread<F, Fut>(
    db: Database,
    test: F,
) -> Result<(), Box<dyn std::any::Any + Send>>
where
    F: FnOnce(Store, Database) -> Fut + Send + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    let (tx, rx) = tokio::sync::oneshot::channel();
    std::thread::spawn(move || {
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let rt = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .expect("test runtime");
            rt.block_on(async move {
                let store = Store::open(&db).await.expect("open the test store");
                test(store.clone(), db).await;
                store.close().await;
            });
        }));
        let _ = tx.send(outcome);
    });
    rx.await.expect("test thread finished")
}

/// Creates a uniquely named, empty PostgreSQL database and returns it and its name.
pub async fn create_postgres_database() -> (Database, String) {
    use sqlx::Connection;
    let admin_url = postgres_admin_url();
    let name = format!("onramp_test_{}", uuid::Uuid::new_v4().simple());
    let mut admin = sqlx::PgConnection::connect(&admin_url).await.unwrap_or_else(|e| {
        panic!(
            "PostgreSQL is not reachable at {}: {e}. Start it (see README) or set ONRAMP_TEST_POSTGRES_URL.",
            crate::redact(&admin_url)
        )
    });
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(&mut admin)
        .await
        .expect("create test database");
    admin.close().await.ok();
    let options = sqlx::postgres::PgConnectOptions::from_str(&admin_url)
        .expect("test PostgreSQL URL")
        .database(&name);
    (Database::Postgres(options), name)
}

/// Drops a database made by [`create_postgres_database`].
pub async fn drop_postgres_database(name: &str) {
    use sqlx::Connection;
    let admin_url = postgres_admin_url();
    match sqlx::PgConnection::connect(&admin_url).await {
        Ok(mut admin) => {
            let sql = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
            if let Err(e) = sqlx::query(sqlx::AssertSqlSafe(sql))
                .execute(&mut admin)
                .await
            {
                eprintln!("could not drop test database {name}: {e}");
            }
            admin.close().await.ok();
        }
        Err(e) => eprintln!("could not drop test database {name}: {e}"),
    }
}
