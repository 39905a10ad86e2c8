//! The panels of `/home` for the roles around new hires: the manager's team,
//! the buddy's people and the meetings that wait for their feedback, and
//! People Connect's coming starts with what is still missing.

use crate::{Actor, App, Error};
use chrono::{Days, NaiveDate};
use onramp_core::people::Role;
use onramp_store::{OnboardingFilter, OnboardingSummary};
use serde::Serialize;
use utoipa::ToSchema;

/// How many onboardings a panel reads at most.
const PANEL_LIMIT: i64 = 200;
/// How far ahead People Connect looks for starts.
const STARTS_DAYS: u64 = 30;

/// One report of a manager.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TeamRow {
    pub onboarding_id: i64,
    pub new_hire: String,
    pub start_date: NaiveDate,
    pub percent: i64,
    pub finished: i64,
    pub total: i64,
    pub overdue: i64,
    /// Days since the onboarding or one of its tasks last changed.
    pub days_quiet: i64,
    /// Access requests that wait for the manager's decision.
    pub approvals: usize,
    /// The buddy's latest feedback on a meeting the new hire led.
    pub latest_feedback: Option<FeedbackNote>,
    pub has_buddy: bool,
}

/// When feedback was given, and what it says to improve.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FeedbackNote {
    pub on: NaiveDate,
    pub to_improve: String,
}

/// A led meeting that waits for feedback.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct WaitingMeeting {
    pub meeting_id: i64,
    pub held_on: NaiveDate,
}

/// A new hire someone is buddy (or backup buddy) for.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct BuddyRow {
    pub onboarding_id: i64,
    pub new_hire: String,
    pub backup: bool,
    pub percent: i64,
    /// Led meetings without feedback yet.
    pub waiting_feedback: Vec<WaitingMeeting>,
    pub shadowed: u32,
    pub led: u32,
}

/// An onboarding that starts soon, with what it still lacks.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StartRow {
    pub onboarding_id: i64,
    pub new_hire: String,
    pub start_date: NaiveDate,
    /// What is missing, in words ("no manager", "no buddy").
    pub missing: Vec<String>,
}

/// The panels for the person's roles; a panel is empty when they hold no
/// such role.
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct Panels {
    pub team: Vec<TeamRow>,
    pub buddy_for: Vec<BuddyRow>,
    pub starts: Vec<StartRow>,
    /// Whether to show People Connect's panel (they hold the role).
    pub people_connect: bool,
    /// For administrators: the outbox's state.
    pub delivery: Option<DeliveryHealth>,
}

/// How the outbox stands, all channels together (administrators).
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct DeliveryHealth {
    /// Waiting to be sent (or to be tried again).
    pub pending: i64,
    /// Failed for good: shown with their errors at `/admin/mail`.
    pub failed: i64,
    pub sent: i64,
    /// Kept for the mail preview (no mail server configured).
    pub kept: i64,
}

async fn delivery(app: &App) -> Result<DeliveryHealth, Error> {
    let mut health = DeliveryHealth::default();
    for (_, status, n) in app.store.outbox_counts().await?.rows {
        match status.as_str() {
            "pending" => health.pending += n,
            "failed" => health.failed += n,
            "sent" => health.sent += n,
            "kept" => health.kept += n,
            _ => {}
        }
    }
    Ok(health)
}

fn active(list: Vec<OnboardingSummary>) -> impl Iterator<Item = OnboardingSummary> {
    list.into_iter().filter(|o| o.status == "active")
}

async fn team(app: &App, actor: &Actor, today: NaiveDate) -> Result<Vec<TeamRow>, Error> {
    let reports = app
        .store
        .find_onboardings(
            &OnboardingFilter::ManagedBy(actor.person_id),
            today,
            PANEL_LIMIT,
            0,
        )
        .await?;
    if reports.is_empty() {
        return Ok(Vec::new());
    }
    let (waiting, feedback) = tokio::try_join!(
        app.store.open_access_requests(Some(actor.person_id), false),
        app.store.latest_feedback_managed_by(actor.person_id),
    )?;
    let mut rows = Vec::new();
    for o in active(reports) {
        let latest_feedback =
            feedback
                .iter()
                .find(|f| f.onboarding_id == o.id)
                .map(|f| FeedbackNote {
                    on: f.updated_at.date_naive(),
                    to_improve: f.to_improve.clone(),
                });
        rows.push(TeamRow {
            onboarding_id: o.id,
            new_hire: o.person_name.clone(),
            start_date: o.start_date,
            percent: o.percent(),
            finished: o.finished_tasks,
            total: o.total_tasks,
            overdue: o.overdue_tasks,
            days_quiet: (today - o.last_activity.date_naive()).num_days().max(0),
            approvals: waiting
                .iter()
                .filter(|r| r.onboarding_id == o.id && r.status == "requested")
                .count(),
            latest_feedback,
            has_buddy: o.buddy_id.is_some(),
        });
    }
    Ok(rows)
}

async fn buddy_for(app: &App, actor: &Actor, today: NaiveDate) -> Result<Vec<BuddyRow>, Error> {
    let involving = app
        .store
        .find_onboardings(
            &OnboardingFilter::BuddyOf(actor.person_id),
            today,
            PANEL_LIMIT,
            0,
        )
        .await?;
    let mut rows = Vec::new();
    for o in active(involving) {
        let main = o.buddy_id == Some(actor.person_id);
        let backup = o.backup_buddy_id == Some(actor.person_id);
        if !main && !backup {
            continue;
        }
        let meetings = app.store.meetings_of(o.id).await?;
        let feedback = app.store.feedback_of(o.id).await?;
        let waiting_feedback = meetings
            .iter()
            .filter(|m| m.role == "led" && !feedback.iter().any(|f| f.meeting_id == m.id))
            .map(|m| WaitingMeeting {
                meeting_id: m.id,
                held_on: m.held_on,
            })
            .collect();
        let count = |role: &str| {
            u32::try_from(meetings.iter().filter(|m| m.role == role).count()).unwrap_or(u32::MAX)
        };
        let (shadowed, led) = (count("shadowed"), count("led"));
        rows.push(BuddyRow {
            onboarding_id: o.id,
            new_hire: o.person_name.clone(),
            backup: !main,
            percent: o.percent(),
            waiting_feedback,
            shadowed,
            led,
        });
    }
    Ok(rows)
}

async fn starts(app: &App, today: NaiveDate) -> Result<Vec<StartRow>, Error> {
    let until = today
        .checked_add_days(Days::new(STARTS_DAYS))
        .unwrap_or(today);
    let soon = app
        .store
        .find_onboardings(
            &OnboardingFilter::StartingBetween(today, until),
            today,
            PANEL_LIMIT,
            0,
        )
        .await?;
    let mut rows: Vec<StartRow> = active(soon)
        .map(|o| {
            let mut missing = Vec::new();
            if o.manager_id.is_none() {
                missing.push("no manager".to_string());
            }
            if o.buddy_id.is_none() {
                missing.push("no buddy".to_string());
            }
            StartRow {
                onboarding_id: o.id,
                new_hire: o.person_name,
                start_date: o.start_date,
                missing,
            }
        })
        .collect();
    rows.sort_by_key(|r| (r.start_date, r.onboarding_id));
    Ok(rows)
}

/// The panels of the acting person's roles, on `today` in their time zone.
pub async fn panels(app: &App, actor: &Actor, today: NaiveDate) -> Result<Panels, Error> {
    let people_connect = actor.has(Role::PeopleConnect);
    let starts = async {
        if people_connect {
            starts(app, today).await
        } else {
            Ok(Vec::new())
        }
    };
    let health = async {
        if actor.is_admin() {
            delivery(app).await.map(Some)
        } else {
            Ok(None)
        }
    };
    let (team, buddy_for, starts, delivery) = tokio::try_join!(
        team(app, actor, today),
        buddy_for(app, actor, today),
        starts,
        health
    )?;
    Ok(Panels {
        team,
        buddy_for,
        starts,
        people_connect,
        delivery,
    })
}
