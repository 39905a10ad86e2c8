//! Opening a PostgreSQL database that is not there yet: created when the
//! user may, otherwise a message that says what is missing and how to make it.

use onramp_store::testing::{drop_postgres_database, postgres_admin_url};
use onramp_store::{Database, Store};
use sqlx::Connection;

fn url_for(database: &str, user: Option<&str>) -> String {
    use std::str::FromStr;
    let admin = sqlx::postgres::PgConnectOptions::from_str(&postgres_admin_url()).expect("URL");
    format!(
        "postgres://{}@{}:{}/{database}",
        user.unwrap_or(admin.get_username()),
        admin.get_host(),
        admin.get_port()
    )
}

/// A name no other test run uses.
fn unique(prefix: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    format!("{prefix}_{}_{nanos}", std::process::id())
}

#[tokio::test]
async fn a_missing_postgres_database_is_created_when_the_user_may() {
    let name = unique("onramp_missing");
    let db = Database::from_url(&url_for(&name, None)).expect("url");
    let store = Store::open(&db).await.expect("created and migrated");
    assert_eq!(store.backend(), "postgres");
    assert!(
        !store
            .applied_migrations()
            .await
            .expect("migrations")
            .is_empty()
    );
    store.close().await;
    // A second server starting later finds it there.
    let again = Store::open(&db).await.expect("opened again");
    again.close().await;
    drop_postgres_database(&name).await;
}

#[tokio::test]
async fn a_user_who_may_not_create_it_is_told_how() {
    let role = unique("onramp_nocreate");
    let mut admin = sqlx::PgConnection::connect(&postgres_admin_url())
        .await
        .expect("admin connection");
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "CREATE ROLE {role} LOGIN NOCREATEDB"
    )))
    .execute(&mut admin)
    .await
    .expect("role");
    let name = unique("onramp_missing");
    let db = Database::from_url(&url_for(&name, Some(&role))).expect("url");
    let err = Store::open(&db)
        .await
        .expect_err("may not create")
        .to_string();
    sqlx::query(sqlx::AssertSqlSafe(format!("DROP ROLE {role}")))
        .execute(&mut admin)
        .await
        .expect("drop role");
    assert!(
        err.contains(&format!("the PostgreSQL database `{name}` does not exist")),
        "{err}"
    );
    assert!(err.contains("createdb -h"), "{err}");
    assert!(!err.contains(" at line "), "no server source lines: {err}");
}

#[tokio::test]
async fn an_unreachable_server_is_named_in_words() {
    let db = Database::from_url("postgres://postgres@127.0.0.1:9/onramp").expect("url");
    let err = Store::open(&db)
        .await
        .expect_err("nothing listens on port 9")
        .to_string();
    assert!(
        err.starts_with("cannot open the database: cannot reach PostgreSQL at 127.0.0.1:9"),
        "{err}"
    );
}
