//! Seeds a database for load tests: the default program, COUNT new hires
//! with active onboardings, a signed-in session for the first of them, and
//! one for a manager whose team is the first 20 of them (the others report
//! to another manager). Prints shell variables: COOKIE, MANAGER_COOKIE,
//! ONBOARDING and CREATE_SECONDS.
//!
//! cargo run --release -p onramp-store --example load_seed -- DATABASE_URL COUNT

use chrono::{Days, Utc};
use onramp_core::people::Role;
use onramp_core::program::{SourceFile, content_hash, parse_program};
use onramp_store::{Database, NewOnboarding, NewPerson, Store};
use std::time::Instant;

/// The reports of the manager whose home is measured.
const TEAM: usize = 20;

fn content_pack() -> Vec<SourceFile> {
    onramp_core::program_dir::read(&onramp_core::program_dir::default_program_path())
        .expect("the content pack")
        .files
}

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let url = args.next().expect("usage: load_seed DATABASE_URL COUNT");
    let count: usize = args
        .next()
        .and_then(|c| c.parse().ok())
        .expect("usage: load_seed DATABASE_URL COUNT");
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
    let (manager, _) = store
        .upsert_person(
            None,
            &NewPerson {
                email: "load.manager@example.com".into(),
                name: "Load Manager".into(),
                ..Default::default()
            },
        )
        .await
        .expect("manager");
    let (team_manager, _) = store
        .upsert_person(
            None,
            &NewPerson {
                email: "team.manager@example.com".into(),
                name: "Team Manager".into(),
                ..Default::default()
            },
        )
        .await
        .expect("team manager");
    let mut people = Vec::with_capacity(count);
    for i in 0..count {
        let p = NewPerson {
            email: format!("load{i}@example.com"),
            name: format!("Load Hire {i}"),
            segment: Some(["Scale", "Mid-Touch", "Strategic"][i % 3].into()),
            region: Some(["AMER", "EMEA", "DACH", "APJ"][i % 4].into()),
            time_zone: "Europe/Berlin".into(),
            manager_id: Some(manager.id),
            ..Default::default()
        };
        people.push(store.upsert_person(None, &p).await.expect("person").0);
    }
    let calendar = onramp_core::schedule::WorkCalendar::default();
    let start = Utc::now()
        .date_naive()
        .checked_sub_days(Days::new(20))
        .expect("date");
    let began = Instant::now();
    let mut first = None;
    for (i, person) in people.iter().enumerate() {
        let manager_id = if i < TEAM {
            team_manager.id
        } else {
            manager.id
        };
        let o = store
            .create_onboarding_for(
                None,
                person,
                &NewOnboarding {
                    person_id: person.id,
                    program_version_id: version,
                    start_date: start,
                    manager_id: Some(manager_id),
                    people_connect_id: None,
                    enablement_id: None,
                    buddy_id: None,
                },
                &calendar,
            )
            .await
            .expect("onboarding");
        first.get_or_insert(o.id);
    }
    let seconds = began.elapsed().as_secs_f64();
    let account = store
        .upsert_account(None, people[0].id, &[Role::NewHire], None)
        .await
        .expect("account");
    let (secret, _) = store
        .create_session(account.id, chrono::Duration::hours(2))
        .await
        .expect("session");
    let team_account = store
        .upsert_account(None, team_manager.id, &[Role::Manager], None)
        .await
        .expect("team manager's account");
    let (team_secret, _) = store
        .create_session(team_account.id, chrono::Duration::hours(2))
        .await
        .expect("session");
    println!("COOKIE='onramp_session={secret}'");
    println!("MANAGER_COOKIE='onramp_session={team_secret}'");
    println!("ONBOARDING={}", first.expect("at least one"));
    println!("CREATE_SECONDS={seconds:.3}");
    store.close().await;
}
