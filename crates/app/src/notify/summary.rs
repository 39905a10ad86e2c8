//! The weekly summary: on Mondays, from the hour a person chose for their
//! digest, managers of running onboardings hear how their team stands and
//! People Connect hears what starts and ends soon. One notification per
//! person and week (then email and chat as they chose); it shows only what
//! their home shows them.

use crate::{App, Error};
use chrono::{DateTime, Days, NaiveDate, Utc};
use onramp_core::notify::{DIGEST_HOUR, local_time, summary_week};
use onramp_core::ramp::risk::Level;
use onramp_store::{AnalyticsScope, OnboardingFilter, Selection, SummaryReader};

/// At most this many onboardings are read for one summary.
const LIMIT: i64 = 200;
/// How many reports a summary names one by one.
const NAMED: usize = 8;

/// Makes the weekly summaries due at `now`; answers how many were made.
pub async fn make_weekly(app: &App, now: DateTime<Utc>) -> Result<usize, Error> {
    let mut made = 0;
    for reader in app.store.summary_readers().await? {
        let hour = u32::try_from(reader.digest_hour).unwrap_or(DIGEST_HOUR);
        let local = local_time(now, &reader.time_zone);
        let Some(week) = summary_week(local, hour) else {
            continue;
        };
        if app
            .store
            .weekly_summary_made(reader.person_id, week)
            .await?
        {
            continue;
        }
        let message = summary(app, &reader, week).await?;
        if app
            .store
            .make_weekly_summary(reader.person_id, week, &message, now)
            .await?
        {
            made += 1;
        }
    }
    Ok(made)
}

/// The summary's text for `reader` on `today` (their Monday).
pub async fn summary(app: &App, reader: &SummaryReader, today: NaiveDate) -> Result<String, Error> {
    let mut parts = Vec::new();
    if reader.manager {
        parts.push(team(app, reader.person_id, today).await?);
    }
    if reader.people_connect {
        parts.push(starts_and_endings(app, today).await?);
    }
    Ok(parts.join(" "))
}

async fn team(app: &App, manager: i64, today: NaiveDate) -> Result<String, Error> {
    let (reports, requests, evidence, levels) = tokio::try_join!(
        async {
            Ok::<_, Error>(
                app.store
                    .find_onboardings(&OnboardingFilter::ManagedBy(manager), today, LIMIT, 0)
                    .await?,
            )
        },
        async { Ok::<_, Error>(app.store.open_access_requests(Some(manager), false).await?,) },
        async { Ok::<_, Error>(app.store.evidence_to_review(manager).await?) },
        async {
            Ok::<_, Error>(
                app.store
                    .current_levels(Selection {
                        only_active: true,
                        ..AnalyticsScope::Manager(manager).into()
                    })
                    .await?,
            )
        },
    )?;
    let running: Vec<_> = reports.iter().filter(|o| o.status == "active").collect();
    let overdue: i64 = running.iter().map(|o| o.overdue_tasks).sum();
    let mut lines: Vec<String> = running
        .iter()
        .take(NAMED)
        .map(|o| {
            let late = match o.overdue_tasks {
                0 => String::new(),
                1 => ", 1 task overdue".to_string(),
                n => format!(", {n} tasks overdue"),
            };
            // The level, when it is not on track.
            let level = levels
                .iter()
                .find(|l| l.onboarding_id == o.id && l.level != "on-track")
                .map(|l| format!(", {}", Level::label_of(&l.level).to_lowercase()))
                .unwrap_or_default();
            format!("{} {}%{late}{level}", o.person_name, o.percent())
        })
        .collect();
    if running.len() > NAMED {
        lines.push(format!("and {} more", running.len() - NAMED));
    }
    let approvals = requests.iter().filter(|r| r.status == "requested").count();
    let mut waiting = Vec::new();
    if approvals > 0 {
        waiting.push(plural(approvals, "access request", "access requests"));
    }
    if !evidence.is_empty() {
        waiting.push(plural(
            evidence.len(),
            "certification to review",
            "certifications to review",
        ));
    }
    let waiting = if waiting.is_empty() {
        "Nothing waits for your approval.".to_string()
    } else {
        format!("Waiting for you: {}.", waiting.join(", "))
    };
    Ok(format!(
        "Your team this week ({}, {}): {}. {waiting}",
        plural(running.len(), "new hire", "new hires"),
        plural(
            usize::try_from(overdue).unwrap_or(0),
            "task overdue",
            "tasks overdue"
        ),
        lines.join("; "),
    ))
}

async fn starts_and_endings(app: &App, today: NaiveDate) -> Result<String, Error> {
    let month = today.checked_add_days(Days::new(30)).unwrap_or(today);
    let fortnight = today.checked_add_days(Days::new(14)).unwrap_or(today);
    let (starts, ending) = tokio::try_join!(
        async {
            Ok::<_, Error>(
                app.store
                    .find_onboardings(
                        &OnboardingFilter::StartingBetween(today, month),
                        today,
                        LIMIT,
                        0,
                    )
                    .await?,
            )
        },
        async {
            Ok::<_, Error>(
                app.store
                    .find_onboardings(
                        &OnboardingFilter::EndingBetween(today, fortnight),
                        today,
                        LIMIT,
                        0,
                    )
                    .await?,
            )
        },
    )?;
    let starts: Vec<_> = starts.iter().filter(|o| o.status == "active").collect();
    let no_buddy = starts.iter().filter(|o| o.buddy_id.is_none()).count();
    let no_manager = starts.iter().filter(|o| o.manager_id.is_none()).count();
    let ending = ending.iter().filter(|o| o.status == "active").count();
    let mut missing = Vec::new();
    if no_buddy > 0 {
        missing.push(format!("{no_buddy} without a buddy"));
    }
    if no_manager > 0 {
        missing.push(format!("{no_manager} without a manager"));
    }
    let missing = if missing.is_empty() {
        String::new()
    } else {
        format!(" ({})", missing.join(", "))
    };
    Ok(format!(
        "Starting in the next 30 days: {}{missing}. Ending in the next 14 days: {}. {}",
        plural(starts.len(), "onboarding", "onboardings"),
        plural(ending, "onboarding", "onboardings"),
        attention(app).await?,
    ))
}

/// How many running onboardings are at risk or to watch, the first named.
async fn attention(app: &App) -> Result<String, Error> {
    let levels = app
        .store
        .current_levels(Selection {
            only_active: true,
            ..AnalyticsScope::All.into()
        })
        .await?;
    let of = |level: &str| -> Vec<&str> {
        levels
            .iter()
            .filter(|l| l.level == level)
            .map(|l| l.name.as_str())
            .collect()
    };
    let (at_risk, watch) = (of("at-risk"), of("watch"));
    if at_risk.is_empty() && watch.is_empty() {
        return Ok("Every running onboarding is on track.".to_string());
    }
    let mut named: Vec<&str> = at_risk.iter().take(NAMED).copied().collect();
    if at_risk.len() > NAMED {
        named.push("and more");
    }
    let names = if named.is_empty() {
        String::new()
    } else {
        format!(" ({})", named.join(", "))
    };
    Ok(format!(
        "At risk: {}{names}; to watch: {}.",
        plural(at_risk.len(), "onboarding", "onboardings"),
        watch.len()
    ))
}

fn plural(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}
