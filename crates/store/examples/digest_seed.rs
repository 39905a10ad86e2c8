//! Seeds a database for the digest benchmark (bench/digest.sh): the default
//! program and COUNT active onboardings that started 20 days ago, each with
//! its own new hire, manager, buddy and People Connect, every one of them
//! with an account; managers and People Connect want escalations in their
//! daily digest.
//!
//! cargo run --release -p onramp-store --example digest_seed -- DATABASE_URL COUNT

use chrono::{Days, Utc};
use onramp_core::people::Role;
use onramp_core::program::{SourceFile, content_hash, parse_program};
use onramp_store::{Database, NewOnboarding, NewPerson, Store};
use std::time::Instant;

fn content_pack() -> Vec<SourceFile> {
    onramp_core::program_dir::read(&onramp_core::program_dir::default_program_path())
        .expect("the content pack")
        .files
}

/// A person with an account holding `role`.
async fn member(store: &Store, email: String, role: Role, manager: Option<i64>) -> i64 {
    let (person, _) = store
        .upsert_person(
            None,
            &NewPerson {
                name: email.replace(['.', '@'], " "),
                email,
                time_zone: "Europe/Berlin".into(),
                manager_id: manager,
                ..Default::default()
            },
        )
        .await
        .expect("person");
    store
        .upsert_account(None, person.id, &[role], None)
        .await
        .expect("account");
    person.id
}

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let url = args.next().expect("usage: digest_seed DATABASE_URL COUNT");
    let count: usize = args
        .next()
        .and_then(|c| c.parse().ok())
        .expect("usage: digest_seed DATABASE_URL COUNT");
    let store = Store::open(&Database::from_url(&url).expect("database URL"))
        .await
        .expect("open");
    let files = content_pack();
    let program = parse_program(&files, &[]).expect("valid pack");
    let version = store
        .import_program(None, &program, &content_hash(&files))
        .await
        .expect("import")
        .version_id;
    let calendar = onramp_core::schedule::WorkCalendar::default();
    let start = Utc::now()
        .date_naive()
        .checked_sub_days(Days::new(20))
        .expect("date");
    let began = Instant::now();
    for i in 0..count {
        let manager = member(
            &store,
            format!("manager{i}@example.com"),
            Role::Manager,
            None,
        )
        .await;
        let people_connect = member(
            &store,
            format!("pc{i}@example.com"),
            Role::PeopleConnect,
            None,
        )
        .await;
        let buddy = member(&store, format!("buddy{i}@example.com"), Role::Buddy, None).await;
        let hire = member(
            &store,
            format!("hire{i}@example.com"),
            Role::NewHire,
            Some(manager),
        )
        .await;
        for person in [manager, people_connect] {
            store
                .set_notification_mode(person, "escalation", "email", "digest")
                .await
                .expect("setting");
        }
        let person = store.person(hire).await.expect("hire");
        store
            .create_onboarding_for(
                None,
                &person,
                &NewOnboarding {
                    person_id: hire,
                    program_version_id: version,
                    start_date: start,
                    manager_id: Some(manager),
                    people_connect_id: Some(people_connect),
                    enablement_id: None,
                    buddy_id: Some(buddy),
                },
                &calendar,
            )
            .await
            .expect("onboarding");
    }
    println!(
        "Seeded {count} onboardings and {} people in {:.1} s",
        count * 4,
        began.elapsed().as_secs_f64()
    );
    store.close().await;
}
