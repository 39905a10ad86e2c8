//! A generated onboarding history, for the demo and for benchmarks: cohorts
//! of new hires who ramp fast, as expected, slowly or stall, drawn by rules
//! from a fixed seed (the same seed makes the same history).

use crate::error::CliResult;
use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc, Weekday};
use onramp_core::meeting::Role as MeetingRole;
use onramp_store::{NewFeedback, NewMeeting, NewOnboarding, NewPerson, PastOutcome, Store};
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};

/// What to generate.
#[derive(Clone, Debug)]
pub struct HistorySpec {
    pub onboardings: usize,
    pub seed: u64,
    /// How far back the earliest start may be.
    pub days_back: i64,
    pub today: NaiveDate,
}

/// Who the generated onboardings belong to.
#[derive(Clone, Debug)]
pub struct Owners {
    /// Program versions, oldest first: earlier starts get the older one.
    pub versions: Vec<i64>,
    pub managers: Vec<i64>,
    pub buddies: Vec<i64>,
    pub people_connect: Option<i64>,
    /// An office-hours series and who answers at it: the new hires ask
    /// questions there.
    pub office_hours: Option<(i64, i64)>,
}

const FIRST: [&str; 16] = [
    "Ava", "Ben", "Chloe", "Dev", "Elif", "Finn", "Grace", "Hugo", "Isla", "Jonas", "Kai", "Lena",
    "Mateo", "Nora", "Omar", "Pia",
];
const LAST: [&str; 12] = [
    "Adler",
    "Baptiste",
    "Carvalho",
    "Dubois",
    "Eriksen",
    "Fontaine",
    "Gupta",
    "Hartmann",
    "Ishikawa",
    "Jansen",
    "Kowalski",
    "Lindqvist",
];
const PLACES: [(&str, &str); 4] = [
    ("EMEA", "Europe/London"),
    ("DACH", "Europe/Berlin"),
    ("AMER", "America/New_York"),
    ("AMER", "America/Chicago"),
];
const SEGMENTS: [&str; 2] = ["Scale", "Mid-Touch"];
const COMMENTS: [&str; 4] = [
    "Done, but the link in the description has moved.",
    "Took longer than planned: waiting on access.",
    "Could someone confirm this is still needed for my region?",
    "Done together with my buddy.",
];
/// Questions new hires bring to office hours, and whether the host answers them.
const QUESTIONS: [&str; 8] = [
    "How do I prepare my first executive business review?",
    "Where do I find a customer's product usage before a cadence call?",
    "What should a success plan hold after the first month?",
    "How do I hand an account over to another CSM?",
    "When should I raise a support ticket to the attention of the support team?",
    "Which health score signals matter most for a Scale customer?",
    "How do I request a demo system for a customer workshop?",
    "What do I do when a customer asks for a feature on the roadmap?",
];

/// Days after the start a stalled onboarding is closed.
const STALLED_CLOSED_AFTER_DAYS: i64 = 180;

/// How one new hire ramps: their pace (1 = as the program plans, less is
/// faster) and, for some, the week they stall in.
#[derive(Clone, Copy, Debug)]
struct Ramp {
    pace: f64,
    stalls_in_week: Option<i64>,
    confidence_falls: bool,
    has_buddy: bool,
}

fn ramp_of(rng: &mut StdRng) -> Ramp {
    let draw = rng.random_range(0..100);
    let (pace, stalls) = match draw {
        0..25 => (0.75, None),
        25..70 => (1.0, None),
        70..88 => (1.4, None),
        _ => (1.2, Some(rng.random_range(2..6))),
    };
    Ramp {
        pace,
        stalls_in_week: stalls,
        confidence_falls: stalls.is_some() && rng.random_bool(0.6),
        has_buddy: stalls.is_none() || rng.random_bool(0.5),
    }
}

/// The day `weeks` (scaled by the pace) after the start.
fn after(start: NaiveDate, days: f64, ramp: Ramp) -> NaiveDate {
    start + Duration::days((days * ramp.pace).round() as i64)
}

fn afternoon(day: NaiveDate) -> DateTime<Utc> {
    day.and_hms_opt(15, 0, 0).unwrap_or_default().and_utc()
}

/// Whether a day is in the past and before the new hire stalled.
fn happened(day: NaiveDate, start: NaiveDate, ramp: Ramp, today: NaiveDate) -> bool {
    day < today
        && ramp
            .stalls_in_week
            .is_none_or(|w| day < start + Duration::weeks(w))
}

/// Generates the history; answers how many onboardings it made.
// Long: one new hire after another: who, when, then their tasks, meetings and learning.
pub async fn generate(store: &Store, spec: &HistorySpec, owners: &Owners) -> CliResult<usize> {
    let mut rng = StdRng::seed_from_u64(spec.seed);
    let mut askers = Vec::new();
    for n in 0..spec.onboardings {
        let ramp = ramp_of(&mut rng);
        // Starts spread evenly over the period, a little apart at random.
        let spread = spec.days_back.max(14) as f64 * (n as f64 + 0.5) / spec.onboardings as f64;
        let back = (spread as i64 + rng.random_range(-6..=6)).clamp(7, spec.days_back.max(14));
        let mut start = spec.today - Duration::days(back);
        while start.weekday() != Weekday::Mon {
            start = start.succ_opt().unwrap_or(start);
        }
        let (region, zone) = PLACES[rng.random_range(0..PLACES.len())];
        let segment = SEGMENTS[rng.random_range(0..SEGMENTS.len())];
        let first = FIRST[rng.random_range(0..FIRST.len())];
        let last = LAST[rng.random_range(0..LAST.len())];
        let manager = owners
            .managers
            .get(n % owners.managers.len().max(1))
            .copied();
        let (hire, _) = store
            .upsert_person(
                None,
                &NewPerson {
                    email: format!(
                        "{}.{}.{n}@example.com",
                        first.to_lowercase(),
                        last.to_lowercase()
                    ),
                    name: format!("{first} {last}"),
                    department: "Customer Success".into(),
                    job_role: "CSM".into(),
                    segment: Some(segment.into()),
                    region: Some(region.into()),
                    time_zone: zone.into(),
                    start_date: Some(start),
                    manager_id: manager,
                },
            )
            .await?;
        // Earlier starts were onboarded with the older program version.
        let older = (spec.today - start).num_days() > spec.days_back / 2;
        let version = if older {
            owners.versions.first()
        } else {
            owners.versions.last()
        };
        let Some(&version) = version else {
            return Ok(0);
        };
        let calendar = store.calendar_for(Some(region)).await?;
        let o = store
            .create_onboarding(
                owners.people_connect,
                &NewOnboarding {
                    person_id: hire.id,
                    program_version_id: version,
                    start_date: start,
                    manager_id: manager,
                    people_connect_id: owners.people_connect,
                    enablement_id: None,
                    buddy_id: None,
                },
                &calendar,
            )
            .await?;
        let buddy = owners.buddies.get(n % owners.buddies.len().max(1)).copied();
        let who = Who {
            hire: hire.id,
            manager,
            buddy: buddy.filter(|_| ramp.has_buddy),
            people_connect: owners.people_connect,
        };
        past_tasks(store, &mut rng, o.id, start, ramp, spec.today, who).await?;
        let quota = store
            .program_version(version)
            .await?
            .definition
            .0
            .shadowing
            .clone();
        past_meetings(store, &mut rng, o.id, (start, quota), ramp, spec.today, who).await?;
        past_learning(store, &mut rng, hire.id, segment, start, ramp, spec.today).await?;
        askers.push((hire.id, start));
    }
    if let Some(office_hours) = owners.office_hours {
        past_questions(store, &mut rng, office_hours, &askers, spec.today).await?;
    }
    Ok(spec.onboardings)
}

/// Questions the new hires in their first three months brought to each
/// past session of an office-hours series, most answered at the session.
async fn past_questions(
    store: &Store,
    rng: &mut StdRng,
    (series_id, host): (i64, i64),
    askers: &[(i64, NaiveDate)],
    today: NaiveDate,
) -> CliResult<()> {
    let Some(series) = store.office_hours(series_id).await? else {
        return Ok(());
    };
    let now = afternoon(today);
    let sessions = series
        .recurrence()
        .occurrences(now - Duration::weeks(26), now, 60)
        .map_err(crate::error::CliError::Failed)?;
    for session in sessions {
        let day = session.date_naive();
        let ramping: Vec<i64> = askers
            .iter()
            .filter(|(_, start)| *start <= day && day < *start + Duration::days(90))
            .map(|(id, _)| *id)
            .collect();
        if ramping.is_empty() {
            continue;
        }
        for _ in 0..rng.random_range(1..=4) {
            let author = ramping[rng.random_range(0..ramping.len())];
            let body = QUESTIONS[rng.random_range(0..QUESTIONS.len())];
            let asked = session - Duration::hours(rng.random_range(4..96));
            let id = store
                .record_past_question(author, series_id, session, body, asked)
                .await?;
            if rng.random_bool(0.85) {
                store
                    .answer_question(
                        host,
                        id,
                        "Answered at the session; the handbook page linked here has the detail.",
                        &["/handbook/customer-success/csm/".to_string()],
                        Some(session),
                        None,
                    )
                    .await?;
                store
                    .backdate_answer(id, session + Duration::minutes(rng.random_range(5..50)))
                    .await?;
            }
        }
    }
    Ok(())
}

/// The people of one generated onboarding.
#[derive(Clone, Copy, Debug)]
struct Who {
    hire: i64,
    manager: Option<i64>,
    buddy: Option<i64>,
    people_connect: Option<i64>,
}

/// Tasks finished around their due date, at the new hire's pace; the
/// onboarding closed a few days after the last one when all are finished.
async fn past_tasks(
    store: &Store,
    rng: &mut StdRng,
    onboarding: i64,
    start: NaiveDate,
    ramp: Ramp,
    today: NaiveDate,
    who: Who,
) -> CliResult<()> {
    let tasks = store.tasks(onboarding).await?;
    let mut outcomes = Vec::new();
    for t in &tasks {
        let planned = (t.due_date - start).num_days() as f64;
        let day = after(start, planned, ramp) + Duration::days(rng.random_range(-2..=2));
        if !happened(day, start, ramp, today) {
            continue;
        }
        let by = match t.owner_role.as_str() {
            "new-hire" => Some(who.hire),
            "manager" => who.manager,
            "buddy" => who.buddy,
            _ => who.people_connect,
        };
        let skipped = !t.compliance_critical && rng.random_bool(0.04);
        let at = afternoon(day);
        outcomes.push(PastOutcome {
            task_id: t.id,
            skipped,
            at,
            by,
            reopened_at: (!skipped && rng.random_bool(0.03)).then(|| at - Duration::days(2)),
            comment: rng.random_bool(0.06).then(|| {
                let body = COMMENTS[rng.random_range(0..COMMENTS.len())];
                (who.hire, body.to_string())
            }),
        });
    }
    let last = outcomes.iter().map(|o| o.at).max();
    // Those who stall are closed by People Connect half a year in (they
    // left, or moved on); the others a few days after their last task.
    let given_up = afternoon(start + Duration::days(STALLED_CLOSED_AFTER_DAYS));
    let closed = match last {
        Some(last)
            if outcomes.len() == tasks.len() && last + Duration::days(10) < afternoon(today) =>
        {
            Some(last + Duration::days(3))
        }
        _ if ramp.stalls_in_week.is_some() && given_up < afternoon(today) => Some(given_up),
        _ => None,
    };
    store.record_history(onboarding, &outcomes, closed).await?;
    if let Some(buddy) = who.buddy {
        store
            .assign_buddy(None, onboarding, Some(buddy), false, "")
            .await?;
    }
    Ok(())
}

/// Meetings shadowed in the weeks the program asks (as many as it asks, or
/// one fewer for slow starters), then meetings led with the buddy's
/// feedback, growing in confidence (or falling, for some who stall).
async fn past_meetings(
    store: &Store,
    rng: &mut StdRng,
    onboarding: i64,
    (start, quota): (NaiveDate, Option<onramp_core::meeting::ShadowQuota>),
    ramp: Ramp,
    today: NaiveDate,
    who: Who,
) -> CliResult<()> {
    let meeting = |role, held_on| NewMeeting {
        role,
        held_on,
        duration_minutes: 45,
        meeting_type: "cadence".into(),
        lead_id: None,
        observer_id: who.buddy,
        account: "Globex".into(),
        notes: String::new(),
        learnings: String::new(),
    };
    let (per_week, from, to) =
        quota.map_or((2, 1, 4), |q| (q.per_week, q.from_week.max(1), q.to_week));
    let per_week = if ramp.pace > 1.2 {
        per_week.saturating_sub(1)
    } else {
        per_week
    };
    for week in i64::from(from - 1)..i64::from(to) {
        for _ in 0..per_week {
            let day = start + Duration::days(week * 7 + rng.random_range(0..5));
            if happened(day, start, ramp, today) {
                store
                    .add_meeting(
                        Some(who.hire),
                        onboarding,
                        &meeting(MeetingRole::Shadowed, day),
                    )
                    .await?;
            }
        }
    }
    let first_led = 28.0 + 7.0 * rng.random_range(0..2) as f64;
    for n in 0..8 {
        let day = after(start, first_led + 7.0 * f64::from(n), ramp);
        // Those whose confidence falls lead three meetings before they stall.
        let led_anyway = ramp.confidence_falls && n < 3 && day < today;
        if !(happened(day, start, ramp, today) || led_anyway) {
            break;
        }
        let (led, _) = store
            .add_meeting(Some(who.hire), onboarding, &meeting(MeetingRole::Led, day))
            .await?;
        let Some(observer) = who.buddy else { continue };
        let base: f64 = if ramp.confidence_falls {
            4.0 - f64::from(n)
        } else {
            2.5 + 0.3 * f64::from(n)
        };
        let rating = |extra: f64| (base + extra).round().clamp(1.0, 5.0) as u8;
        store
            .record_feedback(
                observer,
                led.id,
                &NewFeedback {
                    went_well: "Clear agenda and next steps".into(),
                    to_improve: "Leave more room for the customer's questions".into(),
                    ratings: [
                        ("agenda".to_string(), rating(0.0)),
                        ("discovery".to_string(), rating(rng.random_range(-0.5..0.5))),
                    ]
                    .into(),
                    notes: String::new(),
                },
            )
            .await?;
    }
    Ok(())
}

/// Pathway modules done around their week, and two certifications planned
/// and passed at the new hire's pace.
async fn past_learning(
    store: &Store,
    rng: &mut StdRng,
    hire: i64,
    segment: &str,
    start: NaiveDate,
    ramp: Ramp,
    today: NaiveDate,
) -> CliResult<()> {
    let catalogues = onramp_app::learning::catalogues();
    if let Some(pathway) = catalogues.pathway_for(Some(segment)) {
        let records: Vec<_> = pathway
            .modules
            .iter()
            .map(|m| {
                let day = after(start, 7.0 * f64::from(m.week) - 2.0, ramp)
                    + Duration::days(rng.random_range(-2..=1));
                (m, day)
            })
            .filter(|(_, day)| happened(*day, start, ramp, today))
            .map(|(m, day)| onramp_store::ModuleRecord {
                person_id: hire,
                pathway_id: pathway.id.clone(),
                module_id: m.id.clone(),
                completed_on: day,
                evidence_url: None,
                source: "import",
            })
            .collect();
        store.record_modules(None, &records).await?;
    }
    let read: Vec<(String, DateTime<Utc>)> = catalogues
        .reading_list
        .iter()
        .filter_map(|item| {
            let week = onramp_core::ramp::program::reading_week(item.month);
            let day = after(start, 7.0 * f64::from(week) - 4.0, ramp)
                + Duration::days(rng.random_range(-6..=3));
            // Some are never read.
            (rng.random_bool(0.8) && happened(day, start, ramp, today))
                .then(|| (item.id.clone(), afternoon(day)))
        })
        .collect();
    store.record_past_reading(hire, &read).await?;
    let single: Vec<_> = catalogues
        .certifications
        .iter()
        .filter(|c| c.contains.is_empty())
        .take(2)
        .collect();
    for (n, c) in single.iter().enumerate() {
        let passed = after(start, 42.0 + 28.0 * n as f64, ramp);
        let change = onramp_store::CertificationChange {
            planned_on: Some(start + Duration::days(14)),
            attempt: happened(passed, start, ramp, today),
            passed_on: happened(passed, start, ramp, today).then_some(passed),
            expires_on: happened(passed, start, ramp, today).then(|| passed + Duration::days(730)),
            evidence_url: None,
        };
        let of = onramp_store::CertificationOf {
            person_id: hire,
            certification_id: &c.id,
            title: &c.title,
            onboarding_id: None,
        };
        store.save_certification(None, of, &change).await?;
    }
    Ok(())
}

/// Pads a program with follow-up tasks up to `tasks`: copies of the tasks
/// every new hire has, due a few days after the task they follow.
fn pad_program(program: &mut onramp_core::program::Program, tasks: usize) {
    use onramp_core::program::Due;
    let common: Vec<_> = program
        .tasks
        .iter()
        .filter(|t| t.segments.is_empty() && t.regions.is_empty() && t.target.is_none())
        .cloned()
        .collect();
    let mut k = 0;
    while program.tasks.len() < tasks && !common.is_empty() {
        let t = &common[k % common.len()];
        let round = k / common.len() + 1;
        let mut copy = t.clone();
        copy.id = format!("{}-follow-up-{round}", t.id);
        copy.title = format!("{} (follow-up {round})", t.title);
        copy.due = match t.due {
            Due::FromStart(d) => Due::FromStart(d + 2 * round as i32),
            Due::FromPhaseStart(d) => Due::FromPhaseStart(d + 2 * round as i32),
        };
        copy.depends_on = vec![t.id.clone()];
        copy.graduation = Vec::new();
        program.tasks.push(copy);
        k += 1;
    }
}

/// `onramp seed-synthetic`: the default program and `n` onboardings in the
/// teams of ten generated managers.
pub async fn seed_synthetic(store: &Store, n: usize, seed: u64, tasks: usize) -> CliResult<usize> {
    use crate::content::{DEFAULT_PROGRAM, embedded_program_dir};
    let dir = embedded_program_dir(DEFAULT_PROGRAM)?;
    let mut program = crate::content::parse(&dir).map_err(|problems| {
        crate::error::CliError::Failed(format!(
            "the built-in program is invalid:\n{}",
            problems.join("\n")
        ))
    })?;
    pad_program(&mut program, tasks);
    let hash = format!("{}+{}", crate::content::hash(&dir), program.tasks.len());
    let imported = store.import_program(None, &program, &hash).await?;
    let mut people = Vec::new();
    for k in 0..13 {
        let (p, _) = store
            .upsert_person(
                None,
                &NewPerson {
                    email: format!("synthetic.lead.{k}@example.com"),
                    name: format!("{} {}", FIRST[k % FIRST.len()], LAST[(k + 5) % LAST.len()]),
                    department: "Customer Success".into(),
                    job_role: if k < 10 { "CSM Manager" } else { "Senior CSM" }.into(),
                    segment: Some("Scale".into()),
                    region: Some("EMEA".into()),
                    time_zone: "Europe/London".into(),
                    start_date: None,
                    manager_id: None,
                },
            )
            .await?;
        people.push(p.id);
    }
    generate(
        store,
        &HistorySpec {
            onboardings: n,
            seed,
            // About as many starts a week as a company that makes this many
            // onboardings in some years: at least nine months.
            days_back: (n as i64 * 7 / 20).clamp(270, 3650),
            today: Utc::now().date_naive(),
        },
        &Owners {
            versions: vec![imported.version_id],
            managers: people[..10].to_vec(),
            buddies: people[10..].to_vec(),
            people_connect: None,
            office_hours: None,
        },
    )
    .await
}
