//! The demo company: a new CSM, their manager, two possible buddies, a People
//! Connect member and an Enablement program manager, with the default program.

use crate::content::{DEFAULT_PROGRAM, embedded_program_dir};
use crate::error::{CliError, CliResult};
use chrono::{Days, NaiveDate, Utc};
use onramp_core::people::Role;
use onramp_store::{NewOnboarding, NewPerson, Store};
use serde::Serialize;

/// One demo person as printed for the user.
#[derive(Debug, Serialize)]
pub struct DemoPerson {
    pub email: String,
    pub name: String,
    pub roles: Vec<Role>,
}

/// The password of every demo account (the demo serves on localhost only by default).
pub const DEMO_PASSWORD: &str = "onramp-demo-pass";

/// What seeding did.
#[derive(Debug, Serialize)]
pub struct SeedReport {
    /// False when the demo company was already there: nothing was added.
    pub seeded: bool,
    pub program: String,
    pub program_version: i64,
    pub onboarding_id: i64,
    pub people: Vec<DemoPerson>,
    /// Pages of the sample handbook imported now (0 when the data directory
    /// had a handbook already).
    pub handbook_pages: usize,
}

mod people;
use people::*;
mod history;

fn days_ago(today: NaiveDate, days: i64) -> NaiveDate {
    if days >= 0 {
        today
            .checked_sub_days(Days::new(days.unsigned_abs()))
            .unwrap_or(today)
    } else {
        today
            .checked_add_days(Days::new(days.unsigned_abs()))
            .unwrap_or(today)
    }
}

/// Imports the sample handbook of the built-in content pack when the data
/// directory has no handbook yet, so that the demo company can search for
/// answers; returns the number of pages imported.
async fn seed_handbook(store: &Store) -> CliResult<usize> {
    if store.handbook_page_count().await? > 0 {
        return Ok(0);
    }
    let sample = crate::content::CONTENT
        .get_dir(crate::content::SAMPLE_HANDBOOK)
        .ok_or_else(|| {
            CliError::Failed("the built-in content pack has no sample handbook".into())
        })?;
    let dir = tempfile::tempdir()
        .map_err(|e| CliError::Failed(format!("cannot make a temporary folder: {e}")))?;
    let root = dir.path().join(crate::content::SAMPLE_HANDBOOK);
    std::fs::create_dir_all(&root)
        .and_then(|()| sample.extract(dir.path()))
        .map_err(|e| CliError::Failed(format!("cannot write the sample handbook: {e}")))?;
    let report = onramp_app::handbook::import_dir(store, &root, "", None, &mut |_| {}).await?;
    Ok(report.added.len())
}

/// Seeds the demo company and the default program unless the new hire's
/// onboarding exists already (then it changes nothing).
// Long: the demo company written as data: people, onboardings, holidays, office hours, in the order they depend on each other.
pub async fn seed(store: &Store) -> CliResult<SeedReport> {
    let today = Utc::now().date_naive();
    let dir = embedded_program_dir(DEFAULT_PROGRAM)?;
    let program = crate::content::parse(&dir).map_err(|problems| {
        CliError::Failed(format!(
            "the built-in program is invalid:\n{}",
            problems.join("\n")
        ))
    })?;
    let fresh = store.person_by_email(NEW_HIRE).await?.is_none();
    if fresh {
        // The history's earlier cohorts were onboarded with an earlier
        // version of the program: its introduction differed.
        let mut earlier = program.clone();
        earlier.body = format!(
            "{}\n\n(The first version of this program.)",
            earlier.body.trim_end()
        );
        store
            .import_program(
                None,
                &earlier,
                &format!("{}-earlier", crate::content::hash(&dir)),
            )
            .await?;
    }
    let imported = store
        .import_program(None, &program, &crate::content::hash(&dir))
        .await?;

    let handbook_pages = seed_handbook(store).await?;
    let people_report = PEOPLE
        .iter()
        .map(|s| DemoPerson {
            email: s.email.to_string(),
            name: s.name.to_string(),
            roles: s.roles.to_vec(),
        })
        .collect();
    if let Some(hire) = store.person_by_email(NEW_HIRE).await?
        && let Some(existing) = store.onboardings_of(hire.id).await?.first()
    {
        return Ok(SeedReport {
            seeded: false,
            program: program.id,
            program_version: store
                .program_version(existing.program_version_id)
                .await?
                .version,
            onboarding_id: existing.id,
            people: people_report,
            handbook_pages,
        });
    }

    let mut ids = std::collections::HashMap::new();
    for spec in &PEOPLE {
        let manager_id = if spec.email == MANAGER {
            None
        } else {
            ids.get(MANAGER).copied()
        };
        let new = NewPerson {
            email: spec.email.into(),
            name: spec.name.into(),
            department: "Customer Success".into(),
            job_role: spec.job_role.into(),
            segment: spec.segment.map(Into::into),
            region: Some(spec.region.into()),
            time_zone: spec.time_zone.into(),
            start_date: Some(days_ago(today, spec.started_days_ago)),
            manager_id: if matches!(spec.roles, [Role::PeopleConnect] | [Role::Enablement]) {
                None
            } else {
                manager_id
            },
        };
        let (person, _) = store.upsert_person(None, &new).await?;
        let hash = onramp_store::accounts::hash_password(DEMO_PASSWORD);
        store
            .upsert_account(None, person.id, spec.roles, Some(&hash))
            .await?;
        ids.insert(spec.email, person.id);
    }
    for (region, day, name) in [
        ("DACH", "-12-24", "Christmas Eve"),
        ("DACH", "-12-25", "Christmas Day"),
        ("DACH", "-12-26", "Boxing Day"),
        ("ALL", "-01-01", "New Year's Day"),
    ] {
        for year in [
            today.format("%Y").to_string(),
            (today + chrono::Duration::days(366))
                .format("%Y")
                .to_string(),
        ] {
            if let Ok(d) = NaiveDate::parse_from_str(&format!("{year}{day}"), "%Y-%m-%d") {
                store.add_holiday(region, d, name).await?;
            }
        }
    }
    let id = |email: &str| ids.get(email).copied();
    let hire =
        id(NEW_HIRE).ok_or_else(|| CliError::Failed("the demo new hire was not stored".into()))?;
    let calendar = store.calendar_for(Some("DACH")).await?;
    let onboarding = store
        .create_onboarding(
            id(PEOPLE_CONNECT),
            &NewOnboarding {
                person_id: hire,
                program_version_id: imported.version_id,
                start_date: days_ago(today, 9),
                manager_id: id(MANAGER),
                people_connect_id: id(PEOPLE_CONNECT),
                enablement_id: id(ENABLEMENT),
                buddy_id: None,
            },
            &calendar,
        )
        .await?;
    // The first days went well: the work before day one and the first tasks are done.
    let done_keys = [
        "open-onboarding",
        "request-accounts",
        "choose-buddy",
        "invite-office-hours",
        "handbook-first",
        "who-to-ask",
        "join-channels",
    ];
    for key in done_keys {
        let Some(task) = store
            .tasks(onboarding.id)
            .await?
            .into_iter()
            .find(|t| t.task_key == key)
        else {
            continue;
        };
        let actor = match task.owner_role.as_str() {
            "people-connect" => id(PEOPLE_CONNECT),
            "manager" => id(MANAGER),
            "enablement" => id(ENABLEMENT),
            _ => Some(hire),
        };
        store
            .update_task(
                actor,
                task.id,
                task.version,
                &onramp_core::onboarding::TaskAction::Complete,
            )
            .await?;
    }
    // Sam is Alex's buddy, Maria the backup; Priya already looks after two
    // other new hires; Alex has shadowed two meetings.
    store
        .assign_buddy(
            id(MANAGER),
            onboarding.id,
            id(SAM),
            false,
            "same segment and region",
        )
        .await?;
    store
        .assign_buddy(
            id(MANAGER),
            onboarding.id,
            id(MARIA),
            true,
            "covers Sam's holidays",
        )
        .await?;
    for (email, started) in [("kim.park@example.com", 20), ("lee.wong@example.com", 5)] {
        let Some(person) = id(email) else { continue };
        store
            .create_onboarding(
                id(PEOPLE_CONNECT),
                &NewOnboarding {
                    person_id: person,
                    program_version_id: imported.version_id,
                    start_date: days_ago(today, started),
                    manager_id: id(MANAGER),
                    people_connect_id: id(PEOPLE_CONNECT),
                    enablement_id: id(ENABLEMENT),
                    buddy_id: id(PRIYA),
                },
                &store.calendar_for(Some("EMEA")).await?,
            )
            .await?;
    }
    if let Some(robin) = id(ROBIN) {
        store
            .create_onboarding(
                id(PEOPLE_CONNECT),
                &NewOnboarding {
                    person_id: robin,
                    program_version_id: imported.version_id,
                    start_date: days_ago(today, -12),
                    manager_id: id(MANAGER),
                    people_connect_id: id(PEOPLE_CONNECT),
                    enablement_id: id(ENABLEMENT),
                    buddy_id: None,
                },
                &store.calendar_for(Some("DACH")).await?,
            )
            .await?;
    }
    for (lead, days, kind, account) in [
        (SAM, 6, "cadence-call", "Globex (renewal in Q2)"),
        (MARIA, 3, "account-planning", "Initech"),
    ] {
        store
            .add_meeting(
                Some(hire),
                onboarding.id,
                &onramp_store::NewMeeting {
                    role: onramp_core::meeting::Role::Shadowed,
                    held_on: days_ago(today, days),
                    duration_minutes: 45,
                    meeting_type: kind.into(),
                    lead_id: id(lead),
                    observer_id: None,
                    account: account.into(),
                    notes: String::new(),
                    learnings: "Agenda shared the day before; every action item had an owner."
                        .into(),
                },
            )
            .await?;
    }
    // Weekly office hours on Wednesdays at 15:00 UTC, hosted by Enablement,
    // with a question answered last week and one waiting for the next session.
    let mut first = days_ago(today, 91);
    while first.format("%a").to_string() != "Wed" {
        first = first.succ_opt().unwrap_or(first);
    }
    let series = store
        .create_office_hours(
            id(ENABLEMENT),
            "CSM office hours",
            &onramp_core::calendar::Recurrence {
                rrule: "FREQ=WEEKLY;BYDAY=WE".into(),
                start: first.and_hms_opt(15, 0, 0).unwrap_or_default(),
                time_zone: "UTC".into(),
                duration_minutes: 60,
                cancelled: Vec::new(),
            },
            "https://meet.example.com/csm-office-hours",
            id(ENABLEMENT),
        )
        .await?;
    let recurrence = series.recurrence();
    let now = Utc::now();
    let last = recurrence
        .occurrences(now - chrono::Duration::days(8), now, 5)
        .map_err(CliError::Failed)?;
    let next = recurrence
        .occurrences(now, now + chrono::Duration::days(8), 1)
        .map_err(CliError::Failed)?;
    if let (Some(last), Some(next), Some(kim), Some(chris)) = (
        last.last().copied(),
        next.first().copied(),
        id("kim.park@example.com"),
        id(ENABLEMENT),
    ) {
        let asked = store
            .add_question(
                kim,
                series.id,
                last,
                "How do I prepare my first executive business review?",
                false,
            )
            .await?;
        store
            .answer_question(
                chris,
                asked.id,
                "Start from the EBR page: agree on the goals with your account team first, then build the deck from the customer's success plan. Share a draft with your manager a week before.",
                &["/handbook/customer-success/csm/ebr/".to_string()],
                Some(last),
                None,
            )
            .await?;
        store
            .add_question(
                hire,
                series.id,
                next,
                "Which Slack channels should I leave muted at first?",
                true,
            )
            .await?;
    }
    seed_learning(store, &id, hire, onboarding.id, today).await?;
    // Service Ping payloads of two customers (one with two recordings) to explore.
    onramp_app::ping::seed_samples(store, id(MANAGER)).await?;
    let office_hours = id(ENABLEMENT).map(|host| (series.id, host));
    history::seed(store, &program.id, id(PEOPLE_CONNECT), office_hours, today).await?;
    Ok(SeedReport {
        seeded: true,
        program: program.id,
        program_version: imported.version,
        onboarding_id: onboarding.id,
        people: people_report,
        handbook_pages,
    })
}

/// Alex's learning so far: a module done, two pages read, two channels
/// joined, two certifications planned, the demo space requested; webinars
/// (a past one with a recording, an upcoming one).
// Long: the demo's learning records written as data, one block per kind of record.
async fn seed_learning(
    store: &Store,
    id: &impl Fn(&str) -> Option<i64>,
    hire: i64,
    onboarding: i64,
    today: NaiveDate,
) -> CliResult<()> {
    let alex = store.person(hire).await?;
    if let Some(pathway) = store
        .enrolment(onboarding, hire, alex.segment.as_deref())
        .await?
    {
        store
            .record_modules(
                Some(hire),
                &[onramp_store::ModuleRecord {
                    person_id: hire,
                    pathway_id: pathway,
                    module_id: "welcome".into(),
                    completed_on: days_ago(today, 8),
                    evidence_url: None,
                    source: "self",
                }],
            )
            .await?;
    }
    for item in ["csm-onboarding", "csm-responsibilities"] {
        store
            .set_read(Some(hire), onboarding, hire, item, true)
            .await?;
    }
    store
        .set_joined_channels(
            Some(hire),
            hire,
            &["cs-questions".into(), "customer-success".into()],
        )
        .await?;
    for (cert, days) in [("git-associate", 30), ("cicd-associate", 45)] {
        store
            .save_certification(
                Some(hire),
                onramp_store::CertificationOf {
                    person_id: hire,
                    certification_id: cert,
                    title: cert,
                    onboarding_id: None,
                },
                &onramp_store::CertificationChange {
                    planned_on: Some(today + chrono::Duration::days(days)),
                    ..Default::default()
                },
            )
            .await?;
    }
    store
        .request_access(
            Some(hire),
            onboarding,
            "gitlab-com-demo-space",
            "For trying features before customer calls.",
        )
        .await?;
    let at = |day: NaiveDate| day.and_hms_opt(16, 0, 0).unwrap_or_default().and_utc();
    let past = store
        .add_webinar(
            id(ENABLEMENT),
            &onramp_store::NewWebinar {
                title: "CI/CD for new customers".into(),
                starts_at: at(days_ago(today, 10)),
                duration_minutes: 60,
                host: "Sam Fischer".into(),
                registration_url: None,
            },
        )
        .await?;
    store
        .set_webinar_recording(
            id(ENABLEMENT),
            past.id,
            Some("https://video.example.com/webinars/ci-cd-for-new-customers"),
        )
        .await?;
    store
        .add_webinar(
            id(ENABLEMENT),
            &onramp_store::NewWebinar {
                title: "Security scanning in practice".into(),
                starts_at: at(today + chrono::Duration::days(6)),
                duration_minutes: 45,
                host: "Maria Costa".into(),
                registration_url: Some("https://events.example.com/security-scanning".into()),
            },
        )
        .await?;
    Ok(())
}
