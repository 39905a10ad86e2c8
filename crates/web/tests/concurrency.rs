//! Concurrent updates over HTTP: a versioned update is a compare-and-set, so
//! of several requests carrying the same version exactly one wins and the
//! others get 409, on both backends, with one server and with two servers
//! sharing the database.

mod common;

use common::{App, start, task, world};
use onramp_store::testing::{Backend, with_store};
use onramp_store::{Database, Store};

macro_rules! on_both_threaded {
    ($($name:ident),* $(,)?) => {
        mod sqlite { $( #[tokio::test(flavor = "multi_thread", worker_threads = 4)] async fn $name() { super::with_store(super::Backend::Sqlite, super::$name).await } )* }
        mod postgres { $( #[tokio::test(flavor = "multi_thread", worker_threads = 4)] async fn $name() { super::with_store(super::Backend::Postgres, super::$name).await } )* }
    };
}

on_both_threaded!(
    same_version_task_updates_one_wins_one_server,
    same_version_task_updates_one_wins_two_servers,
    start_date_moves_race_task_updates_without_losing_either,
);

const ROUNDS: usize = 20;
const RACERS: usize = 8;

/// 20 rounds of 8 concurrent updates of task `a` carrying the same version,
/// spread over `servers`: each round exactly one 200 and seven 409, and the
/// task's version moves by exactly one.
async fn race_task(store: &Store, servers: &[&App]) {
    let w = world(store).await;
    let (task_id, _) = task(store, w.onboarding, "a").await;
    let path = format!("/api/v1/onboardings/{}/tasks/{task_id}", w.onboarding);
    for round in 0..ROUNDS {
        let version = store.task(task_id).await.expect("task").version;
        let action = if round % 2 == 0 { "complete" } else { "reopen" };
        let mut requests = Vec::new();
        for n in 0..RACERS {
            let app = servers[n % servers.len()];
            let request = app
                .client
                .post(app.url(&path))
                .header("authorization", format!("Bearer {}", w.hire.1))
                .json(&serde_json::json!({"action": action, "version": version}));
            requests.push(tokio::spawn(async move {
                let res = request.send().await.expect("request");
                let status = res.status().as_u16();
                (status, res.text().await.expect("body"))
            }));
        }
        let mut ok = 0;
        let mut conflicts = 0;
        for r in requests {
            match r.await.expect("task") {
                (200, _) => ok += 1,
                (409, _) => conflicts += 1,
                (status, body) => panic!("round {round}: unexpected {status}: {body}"),
            }
        }
        assert_eq!((ok, conflicts), (1, RACERS - 1), "round {round}");
        let after = store.task(task_id).await.expect("task");
        assert_eq!(
            after.version,
            version + 1,
            "round {round}: one change applied"
        );
        let want = if round % 2 == 0 { "done" } else { "open" };
        assert_eq!(after.status, want, "round {round}");
    }
    // The audit log holds one entry per applied change, none for refused ones.
    let entries = store
        .audit_events("task", task_id)
        .await
        .expect("audit")
        .into_iter()
        .filter(|e| e.action == "complete" || e.action == "reopen")
        .count();
    assert_eq!(entries, ROUNDS);
}

async fn same_version_task_updates_one_wins_one_server(store: Store, _db: Database) {
    let app = start(store.clone()).await;
    race_task(&store, &[&app]).await;
    app.stop().await;
}

async fn same_version_task_updates_one_wins_two_servers(store: Store, db: Database) {
    let a = start(store.clone()).await;
    let other = Store::open(&db).await.expect("second pool");
    let b = start(other.clone()).await;
    race_task(&store, &[&a, &b]).await;
    a.stop().await;
    b.stop().await;
    other.close().await;
}

/// Moving the start date while tasks are completed: every request either
/// applies whole or is refused with 409; a task done meanwhile stays done.
async fn start_date_moves_race_task_updates_without_losing_either(store: Store, _db: Database) {
    let w = world(&store).await;
    let app = start(store.clone()).await;
    let (task_id, _) = task(&store, w.onboarding, "a").await;
    for round in 0..10u64 {
        let onboarding = store.onboarding(w.onboarding).await.expect("onboarding");
        let version = store.task(task_id).await.expect("task").version;
        let start = onboarding
            .start_date
            .checked_add_days(chrono::Days::new(1 + round % 2))
            .expect("date");
        let action = if round % 2 == 0 { "complete" } else { "reopen" };
        let move_start = app
            .client
            .patch(app.url(&format!("/api/v1/onboardings/{}", w.onboarding)))
            .header("authorization", format!("Bearer {}", w.manager.1))
            .json(&serde_json::json!({"start_date": start, "version": onboarding.version}));
        let change = app
            .client
            .post(app.url(&format!(
                "/api/v1/onboardings/{}/tasks/{task_id}",
                w.onboarding
            )))
            .header("authorization", format!("Bearer {}", w.hire.1))
            .json(&serde_json::json!({"action": action, "version": version}));
        let (moved, changed) = tokio::join!(move_start.send(), change.send());
        let moved = moved.expect("move").status().as_u16();
        let changed = changed.expect("change").status().as_u16();
        assert!(
            matches!(moved, 200 | 409) && matches!(changed, 200 | 409),
            "round {round}: {moved} {changed}"
        );
        let after = store.task(task_id).await.expect("task");
        if changed == 200 {
            let want = if round % 2 == 0 { "done" } else { "open" };
            assert_eq!(after.status, want, "round {round}: the completion is kept");
        }
        if moved == 200 {
            assert_eq!(
                store
                    .onboarding(w.onboarding)
                    .await
                    .expect("onboarding")
                    .start_date,
                start,
                "round {round}"
            );
        }
        // Put the task where the next round expects it.
        if changed != 200 {
            let v = store.task(task_id).await.expect("task").version;
            let action = if round % 2 == 0 {
                onramp_core::onboarding::TaskAction::Complete
            } else {
                onramp_core::onboarding::TaskAction::Reopen
            };
            store
                .update_task(None, task_id, v, &action)
                .await
                .expect("catch up");
        }
    }
    app.stop().await;
}
