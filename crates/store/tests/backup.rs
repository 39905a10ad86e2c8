//! Backups read one snapshot while writes go on, and restore across backends.

use onramp_store::testing::{
    Backend, create_postgres_database, drop_postgres_database, with_store,
};
use onramp_store::{Database, NewPerson, Store};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

fn new_person(n: usize) -> NewPerson {
    NewPerson {
        email: format!("person{n}@example.com"),
        name: format!("Person {n}"),
        department: "Customer Success".into(),
        job_role: "CSM".into(),
        segment: Some("Scale".into()),
        region: Some("EMEA".into()),
        time_zone: "Europe/London".into(),
        start_date: None,
        manager_id: None,
    }
}

/// The rows per table that a backup's manifest names, and that it holds.
fn counts(backup: &str) -> (serde_json::Value, usize) {
    let lines: Vec<&str> = backup.lines().collect();
    let manifest: serde_json::Value =
        serde_json::from_str(lines.last().expect("manifest")).expect("json");
    let people_at = lines
        .iter()
        .position(|l| l.contains("\"table\":\"people\""))
        .expect("people table");
    let people_rows = lines[people_at + 1..]
        .iter()
        .take_while(|l| l.starts_with('['))
        .count();
    (manifest, people_rows)
}

async fn snapshot_while_writing(store: Store, _db: Database) {
    for n in 0..20 {
        store
            .upsert_person(None, &new_person(n))
            .await
            .expect("person");
    }
    let writing = Arc::new(AtomicBool::new(true));
    let writer = {
        let store = store.clone();
        let writing = Arc::clone(&writing);
        tokio::spawn(async move {
            let mut n = 1000;
            while writing.load(Ordering::Relaxed) {
                store
                    .upsert_person(None, &new_person(n))
                    .await
                    .expect("write");
                n += 1;
            }
            n - 1000
        })
    };
    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    let mut out = Vec::new();
    let report = store.backup(&mut out).await.expect("backup");
    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    writing.store(false, Ordering::Relaxed);
    let written = writer.await.expect("writer");
    assert!(written > 0, "writes went on during the backup");
    let text = String::from_utf8(out).expect("utf-8");
    let (manifest, people_rows) = counts(&text);
    assert_eq!(manifest["manifest"]["people"]["rows"], people_rows);
    assert_eq!(report.tables["people"], people_rows);
    // One snapshot: every person is there with their audit entry, none half.
    assert_eq!(
        report.tables["audit_events"], people_rows,
        "the audit log and the people agree"
    );
    // It restores, with every reference intact, into both backends.
    let dir = tempfile::tempdir().expect("tempdir");
    let sqlite = Store::open(&Database::sqlite_in(dir.path()))
        .await
        .expect("sqlite");
    let restored = sqlite
        .restore(&mut std::io::Cursor::new(text.as_bytes()))
        .await
        .expect("restore into SQLite");
    assert_eq!(restored.tables["people"], people_rows);
    sqlite.close().await;
    let (db, name) = create_postgres_database().await;
    let postgres = Store::open(&db).await.expect("postgres");
    let restored = postgres
        .restore(&mut std::io::Cursor::new(text.as_bytes()))
        .await;
    postgres.close().await;
    drop_postgres_database(&name).await;
    assert_eq!(
        restored.expect("restore into PostgreSQL").tables["people"],
        people_rows
    );
}

#[tokio::test]
async fn backup_is_one_snapshot_while_writes_go_on_sqlite() {
    with_store(Backend::Sqlite, snapshot_while_writing).await;
}

#[tokio::test]
async fn backup_is_one_snapshot_while_writes_go_on_postgres() {
    with_store(Backend::Postgres, snapshot_while_writing).await;
}
