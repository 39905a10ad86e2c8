//! Creating 1,000 onboardings from the default CSM program, on SQLite and on
//! PostgreSQL. Each sample starts from a fresh database with the program and
//! 1,000 people; only the creation is timed.
//!
//! cargo bench -p onramp-store --bench create_onboardings

use chrono::NaiveDate;
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use onramp_core::program::{SourceFile, content_hash, parse_program};
use onramp_core::schedule::WorkCalendar;
use onramp_store::testing::{create_postgres_database, drop_postgres_database};
use onramp_store::{Database, NewOnboarding, NewPerson, Store};
use std::time::{Duration, Instant};

const COUNT: usize = 1_000;

fn content_pack() -> Vec<SourceFile> {
    onramp_core::program_dir::read(&onramp_core::program_dir::default_program_path())
        .expect("the content pack")
        .files
}

/// A fresh database with the program and COUNT people; returns the store,
/// the version id, the people and what to clean up.
async fn prepared(
    postgres: bool,
) -> (
    Store,
    i64,
    Vec<onramp_store::Person>,
    Option<String>,
    Option<tempfile::TempDir>,
) {
    let (db, pg_name, dir) = if postgres {
        let (db, name) = create_postgres_database().await;
        (db, Some(name), None)
    } else {
        let dir = tempfile::tempdir().expect("tempdir");
        (Database::sqlite_in(dir.path()), None, Some(dir))
    };
    let store = Store::open(&db).await.expect("open");
    let files = content_pack();
    let program = parse_program(&files, &[]).expect("valid pack");
    let version = store
        .import_program(None, &program, &content_hash(&files))
        .await
        .expect("import")
        .version_id;
    let mut people = Vec::with_capacity(COUNT);
    for i in 0..COUNT {
        let p = NewPerson {
            email: format!("hire{i}@example.com"),
            name: format!("Hire {i}"),
            segment: Some(["Scale", "Mid-Touch", "Strategic"][i % 3].into()),
            region: Some(["AMER", "EMEA", "DACH", "APJ"][i % 4].into()),
            time_zone: "UTC".into(),
            ..Default::default()
        };
        people.push(store.upsert_person(None, &p).await.expect("person").0);
    }
    (store, version, people, pg_name, dir)
}

fn create(c: &mut Criterion) {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let mut group = c.benchmark_group("create_1000_onboardings");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(20));
    for (name, postgres) in [("sqlite", false), ("postgres", true)] {
        group.bench_function(BenchmarkId::from_parameter(name), |b| {
            b.iter_custom(|iters| {
                rt.block_on(async {
                    let mut total = Duration::ZERO;
                    for _ in 0..iters {
                        let (store, version, people, pg_name, _dir) = prepared(postgres).await;
                        let calendar = WorkCalendar::default();
                        let start = NaiveDate::from_ymd_opt(2027, 1, 4).expect("date");
                        let began = Instant::now();
                        for person in &people {
                            let new = NewOnboarding {
                                person_id: person.id,
                                program_version_id: version,
                                start_date: start,
                                manager_id: None,
                                people_connect_id: None,
                                enablement_id: None,
                                buddy_id: None,
                            };
                            store
                                .create_onboarding_for(None, person, &new, &calendar)
                                .await
                                .expect("create");
                        }
                        total += began.elapsed();
                        store.close().await;
                        if let Some(name) = pg_name {
                            drop_postgres_database(&name).await;
                        }
                    }
                    total
                })
            })
        });
    }
    group.finish();
}

criterion_group!(benches, create);
criterion_main!(benches);
