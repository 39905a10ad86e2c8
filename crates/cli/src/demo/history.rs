//! The demo's past: about forty onboardings over the last nine months, in
//! other managers' teams, generated from a fixed seed.

use crate::error::CliResult;
use crate::history::{HistorySpec, Owners, generate};
use chrono::NaiveDate;
use onramp_store::{NewPerson, Store};

/// Onboardings the demo's history holds.
pub const HISTORY_ONBOARDINGS: usize = 40;
/// The seed the demo's history is drawn from.
pub const HISTORY_SEED: u64 = 2026;

async fn colleague(store: &Store, email: &str, name: &str, job_role: &str) -> CliResult<i64> {
    let (p, _) = store
        .upsert_person(
            None,
            &NewPerson {
                email: email.into(),
                name: name.into(),
                department: "Customer Success".into(),
                job_role: job_role.into(),
                segment: Some("Mid-Touch".into()),
                region: Some("EMEA".into()),
                time_zone: "Europe/London".into(),
                start_date: None,
                manager_id: None,
            },
        )
        .await?;
    Ok(p.id)
}

/// Seeds the history with the versions of `program` (oldest first).
pub(super) async fn seed(
    store: &Store,
    program: &str,
    people_connect: Option<i64>,
    office_hours: Option<(i64, i64)>,
    today: NaiveDate,
) -> CliResult<usize> {
    // Newest first from the store; the history wants the oldest first.
    let versions = store
        .program_versions(program)
        .await?
        .into_iter()
        .rev()
        .map(|v| v.id)
        .collect();
    let managers = vec![
        colleague(
            store,
            "morgan.ellis@example.com",
            "Morgan Ellis",
            "CSM Manager",
        )
        .await?,
        colleague(
            store,
            "sasha.ivanova@example.com",
            "Sasha Ivanova",
            "CSM Manager",
        )
        .await?,
    ];
    let buddies = vec![
        colleague(
            store,
            "noor.haddad@example.com",
            "Noor Haddad",
            "Senior CSM",
        )
        .await?,
        colleague(
            store,
            "tomas.novak@example.com",
            "Tomás Novák",
            "Senior CSM",
        )
        .await?,
        colleague(store, "yuki.tanaka@example.com", "Yuki Tanaka", "CSM").await?,
    ];
    generate(
        store,
        &HistorySpec {
            onboardings: HISTORY_ONBOARDINGS,
            seed: HISTORY_SEED,
            days_back: 270,
            today,
        },
        &Owners {
            versions,
            managers,
            buddies,
            people_connect,
            office_hours,
        },
    )
    .await
}
