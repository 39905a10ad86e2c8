//! The panels of `/home` for the roles around new hires: the manager's team,
//! the buddy's people and the meetings that wait for their feedback, and
//! People Connect's coming starts with what is still missing and the
//! onboardings that end soon. Enablement's and administrators' panels are in
//! `oversight`.

use super::oversight::{self, AdminPanel, EnablementPanel};
use crate::{Actor, App, Error};
use chrono::{DateTime, Days, NaiveDate, Utc};
use onramp_core::meeting::{last_shortfall, quota_weeks};
use onramp_core::people::Role;
use onramp_store::{AnalyticsScope, OnboardingFilter, OnboardingSummary, PhaseCount, Selection};
use serde::Serialize;
use utoipa::ToSchema;

/// How many onboardings a panel reads at most.
const PANEL_LIMIT: i64 = 200;
/// How far ahead People Connect looks for starts.
const STARTS_DAYS: u64 = 30;
/// How far ahead People Connect looks for onboardings that end.
const ENDING_DAYS: u64 = 14;
/// How far ahead a buddy sees the new hire's shadowing tasks.
const COMING_UP_DAYS: u64 = 14;
/// The phase whose open tasks People Connect sees for coming starts.
const PRE_BOARDING: &str = "pre-boarding";

/// One phase of an onboarding: its tasks finished and in all.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PhaseProgress {
    pub title: String,
    pub finished: i64,
    pub total: i64,
}

/// The next milestone of an onboarding: the end of its first unfinished
/// phase.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Milestone {
    /// In words, e.g. "End of Days 1–30".
    pub label: String,
    pub on: NaiveDate,
}

/// One report of a manager.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TeamRow {
    pub onboarding_id: i64,
    pub new_hire: String,
    pub start_date: NaiveDate,
    pub percent: i64,
    pub finished: i64,
    pub total: i64,
    /// Progress per phase, in the program's order.
    pub phases: Vec<PhaseProgress>,
    pub next_milestone: Option<Milestone>,
    pub overdue: i64,
    /// Days since the onboarding or one of its tasks last changed.
    pub days_quiet: i64,
    /// Access requests that wait for the manager's decision.
    pub approvals: usize,
    /// Certification evidence that waits for the manager's review.
    pub evidence: usize,
    /// The buddy's latest feedback on a meeting the new hire led.
    pub latest_feedback: Option<FeedbackNote>,
    pub has_buddy: bool,
    /// The risk level as last recorded (none until the sweep first checks it).
    pub risk: Option<RiskNote>,
}

/// An onboarding's risk level as last recorded, and why.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RiskNote {
    /// `on-track`, `watch` or `at-risk`.
    pub level: String,
    /// The level in words.
    pub label: String,
    /// Since when it has had this level.
    pub since: DateTime<Utc>,
    /// The signals behind it, in words.
    pub reasons: Vec<String>,
}

impl RiskNote {
    fn of(l: &onramp_store::CurrentLevel) -> RiskNote {
        RiskNote {
            level: l.level.clone(),
            label: onramp_core::ramp::risk::Level::label_of(&l.level).to_string(),
            since: l.since,
            reasons: l.signals.0.iter().map(|s| s.reason.clone()).collect(),
        }
    }
}

/// A running onboarding to watch or at risk (People Connect).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AttentionRow {
    pub onboarding_id: i64,
    pub new_hire: String,
    pub risk: RiskNote,
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
    /// The program's weekly shadowing pace, when it sets one.
    pub pace: Option<Pace>,
    /// The new hire's shadowing tasks due in the next two weeks (or overdue).
    pub coming_up: Vec<ComingTask>,
}

/// The weekly shadowing pace of a new hire.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Pace {
    /// The week of the onboarding that runs now (1 is the first).
    pub week: u32,
    pub shadowed: u32,
    pub required: u32,
    /// How many meetings the last ended week fell short, if it did.
    pub short_last_week: Option<u32>,
}

/// A task coming up.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ComingTask {
    pub task_id: i64,
    pub title: String,
    pub due_date: NaiveDate,
}

/// An onboarding that starts soon, with what it still lacks.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StartRow {
    pub onboarding_id: i64,
    pub new_hire: String,
    pub start_date: NaiveDate,
    /// What is missing, in words ("no manager", "no buddy").
    pub missing: Vec<String>,
    /// Pre-boarding tasks still open (laptop and accounts, buddy, invitations).
    pub open_preboarding: Vec<OpenPreboarding>,
}

/// An unfinished pre-boarding task and whose it is.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OpenPreboarding {
    pub title: String,
    /// The owner role in words.
    pub owner: String,
    pub due_date: NaiveDate,
    pub overdue: bool,
}

/// An onboarding whose last task is due soon.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct EndingRow {
    pub onboarding_id: i64,
    pub new_hire: String,
    pub ends_on: NaiveDate,
    /// Tasks not finished yet.
    pub unfinished: i64,
    pub overdue: i64,
}

/// The panels for the person's roles; a panel is empty when they hold no
/// such role.
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct Panels {
    pub team: Vec<TeamRow>,
    pub buddy_for: Vec<BuddyRow>,
    pub starts: Vec<StartRow>,
    /// Onboardings whose last task is due in the next 14 days (People Connect).
    pub ending: Vec<EndingRow>,
    /// Running onboardings to watch or at risk, the most at risk first
    /// (People Connect).
    pub attention: Vec<AttentionRow>,
    /// Whether to show People Connect's panel (they hold the role).
    pub people_connect: bool,
    /// For the Enablement team: questions, content, missed tasks, webinars.
    pub enablement: Option<EnablementPanel>,
    /// For administrators: delivery, accounts and tokens, recent audit.
    pub admin: Option<AdminPanel>,
}

fn active(list: Vec<OnboardingSummary>) -> impl Iterator<Item = OnboardingSummary> {
    list.into_iter().filter(|o| o.status == "active")
}

/// Progress per phase in the program's order, and the end of the first
/// unfinished phase.
async fn phases_of(
    app: &App,
    program_version_id: i64,
    counts: &[&PhaseCount],
) -> Result<(Vec<PhaseProgress>, Option<Milestone>), Error> {
    if counts.is_empty() {
        return Ok((Vec::new(), None));
    }
    let version = app.store.program_version(program_version_id).await?;
    let program = &version.definition.0;
    let mut ordered: Vec<(usize, &PhaseCount, String)> = counts
        .iter()
        .map(|c| {
            let (position, title) = program
                .phases
                .iter()
                .enumerate()
                .find(|(_, p)| p.id == c.phase)
                .map_or((usize::MAX, c.phase.clone()), |(i, p)| (i, p.title.clone()));
            (position, *c, title)
        })
        .collect();
    ordered.sort_by_key(|(position, c, _)| (*position, c.last_due));
    let next_milestone =
        ordered
            .iter()
            .find(|(_, c, _)| c.finished < c.total)
            .map(|(_, c, title)| Milestone {
                label: format!("End of {title}"),
                on: c.last_due,
            });
    let phases = ordered
        .into_iter()
        .map(|(_, c, title)| PhaseProgress {
            title,
            finished: c.finished,
            total: c.total,
        })
        .collect();
    Ok((phases, next_milestone))
}

// Long: one row per report assembled from five reads made once for the team.
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
    let running: Vec<(i64, DateTime<Utc>)> = reports
        .iter()
        .filter(|o| o.status == "active")
        .map(|o| (o.id, o.last_activity))
        .collect();
    let (waiting, feedback, counts, evidence, levels) = tokio::try_join!(
        app.store.open_access_requests(Some(actor.person_id), false),
        app.store.latest_feedback_managed_by(actor.person_id),
        app.store.phase_counts_of(&running),
        app.store.evidence_to_review(actor.person_id),
        app.store.current_levels(Selection {
            only_active: true,
            ..AnalyticsScope::Manager(actor.person_id).into()
        }),
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
        let own: Vec<&PhaseCount> = counts.iter().filter(|c| c.onboarding_id == o.id).collect();
        let (phases, next_milestone) = phases_of(app, o.program_version_id, &own).await?;
        rows.push(TeamRow {
            onboarding_id: o.id,
            new_hire: o.person_name.clone(),
            start_date: o.start_date,
            percent: o.percent(),
            finished: o.finished_tasks,
            total: o.total_tasks,
            phases,
            next_milestone,
            overdue: o.overdue_tasks,
            days_quiet: (today - o.last_activity.date_naive()).num_days().max(0),
            approvals: waiting
                .iter()
                .filter(|r| r.onboarding_id == o.id && r.status == "requested")
                .count(),
            evidence: evidence.iter().filter(|e| e.onboarding_id == o.id).count(),
            latest_feedback,
            has_buddy: o.buddy_id.is_some(),
            risk: levels
                .iter()
                .find(|l| l.onboarding_id == o.id)
                .map(RiskNote::of),
        });
    }
    Ok(rows)
}

/// The running onboardings to watch or at risk, as last recorded.
async fn attention(app: &App) -> Result<Vec<AttentionRow>, Error> {
    let mut levels = app
        .store
        .current_levels(Selection {
            only_active: true,
            ..AnalyticsScope::All.into()
        })
        .await?;
    levels.retain(|l| l.level != "on-track");
    // At risk first, then the longest held.
    levels.sort_by_key(|l| (l.level != "at-risk", l.since));
    Ok(levels
        .iter()
        .take(PANEL_LIMIT as usize)
        .map(|l| AttentionRow {
            onboarding_id: l.onboarding_id,
            new_hire: l.name.clone(),
            risk: RiskNote::of(l),
        })
        .collect())
}

/// The shadowing pace of an onboarding on `today`, when its program sets one.
async fn pace_of(
    app: &App,
    o: &OnboardingSummary,
    shadowed_on: &[NaiveDate],
    today: NaiveDate,
) -> Result<Option<Pace>, Error> {
    let version = app.store.program_version(o.program_version_id).await?;
    let Some(quota) = &version.definition.0.shadowing else {
        return Ok(None);
    };
    let weeks = quota_weeks(quota, o.start_date, shadowed_on, today);
    let Some(current) = weeks.last() else {
        return Ok(None);
    };
    Ok(Some(Pace {
        week: current.week,
        shadowed: current.shadowed,
        required: current.required,
        short_last_week: last_shortfall(&weeks, today)
            .filter(|w| w.week + 1 >= current.week)
            .map(|w| w.short_by()),
    }))
}

/// The new hire's open shadowing tasks due by `until`.
async fn coming_up(
    app: &App,
    onboarding_id: i64,
    until: NaiveDate,
) -> Result<Vec<ComingTask>, Error> {
    Ok(app
        .store
        .tasks(onboarding_id)
        .await?
        .into_iter()
        .filter(|t| {
            t.kind == "shadow"
                && matches!(t.status.as_str(), "open" | "blocked")
                && t.due_date <= until
        })
        .map(|t| ComingTask {
            task_id: t.id,
            title: t.title,
            due_date: t.due_date,
        })
        .collect())
}

// Long: each row joins meetings, feedback, pace and coming tasks of one new hire.
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
    let until = today
        .checked_add_days(Days::new(COMING_UP_DAYS))
        .unwrap_or(today);
    let mut rows = Vec::new();
    for o in active(involving) {
        let main = o.buddy_id == Some(actor.person_id);
        let backup = o.backup_buddy_id == Some(actor.person_id);
        if !main && !backup {
            continue;
        }
        let (meetings, feedback, coming_up) = tokio::try_join!(
            async { Ok::<_, Error>(app.store.meetings_of(o.id).await?) },
            async { Ok::<_, Error>(app.store.feedback_of(o.id).await?) },
            coming_up(app, o.id, until),
        )?;
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
        let shadowed_on: Vec<NaiveDate> = meetings
            .iter()
            .filter(|m| m.role == "shadowed")
            .map(|m| m.held_on)
            .collect();
        let pace = pace_of(app, &o, &shadowed_on, today).await?;
        rows.push(BuddyRow {
            onboarding_id: o.id,
            new_hire: o.person_name.clone(),
            backup: !main,
            percent: o.percent(),
            waiting_feedback,
            shadowed,
            led,
            pace,
            coming_up,
        });
    }
    Ok(rows)
}

async fn starts(app: &App, today: NaiveDate) -> Result<Vec<StartRow>, Error> {
    let until = today
        .checked_add_days(Days::new(STARTS_DAYS))
        .unwrap_or(today);
    let (soon, open) = tokio::try_join!(
        async {
            Ok::<_, Error>(
                app.store
                    .find_onboardings(
                        &OnboardingFilter::StartingBetween(today, until),
                        today,
                        PANEL_LIMIT,
                        0,
                    )
                    .await?,
            )
        },
        async {
            Ok::<_, Error>(
                app.store
                    .open_tasks_starting_between(today, until, PRE_BOARDING)
                    .await?,
            )
        },
    )?;
    let mut rows: Vec<StartRow> = active(soon)
        .map(|o| {
            let mut missing = Vec::new();
            if o.manager_id.is_none() {
                missing.push("no manager".to_string());
            }
            if o.buddy_id.is_none() {
                missing.push("no buddy".to_string());
            }
            let open_preboarding = open
                .iter()
                .filter(|t| t.onboarding_id == o.id)
                .map(|t| OpenPreboarding {
                    title: t.title.clone(),
                    owner: t
                        .owner_role
                        .parse::<Role>()
                        .map_or_else(|_| t.owner_role.clone(), |r| r.label().to_string()),
                    due_date: t.due_date,
                    overdue: t.due_date < today,
                })
                .collect();
            StartRow {
                onboarding_id: o.id,
                new_hire: o.person_name,
                start_date: o.start_date,
                missing,
                open_preboarding,
            }
        })
        .collect();
    rows.sort_by_key(|r| (r.start_date, r.onboarding_id));
    Ok(rows)
}

async fn ending(app: &App, today: NaiveDate) -> Result<Vec<EndingRow>, Error> {
    let until = today
        .checked_add_days(Days::new(ENDING_DAYS))
        .unwrap_or(today);
    let soon = app
        .store
        .find_onboardings(
            &OnboardingFilter::EndingBetween(today, until),
            today,
            PANEL_LIMIT,
            0,
        )
        .await?;
    let mut rows: Vec<EndingRow> = active(soon)
        .filter_map(|o| {
            Some(EndingRow {
                onboarding_id: o.id,
                ends_on: o.due_date?,
                unfinished: o.total_tasks - o.finished_tasks,
                overdue: o.overdue_tasks,
                new_hire: o.person_name,
            })
        })
        .collect();
    rows.sort_by_key(|r| (r.ends_on, r.onboarding_id));
    Ok(rows)
}

/// Runs `read` when `wanted`, else answers the empty value.
async fn when<T: Default>(
    wanted: bool,
    read: impl std::future::Future<Output = Result<T, Error>>,
) -> Result<T, Error> {
    if wanted { read.await } else { Ok(T::default()) }
}

/// The panels of the acting person's roles, on `today` in their time zone.
pub async fn panels(app: &App, actor: &Actor, today: NaiveDate) -> Result<Panels, Error> {
    let people_connect = actor.has(Role::PeopleConnect);
    let (team, buddy_for, starts, ending, attention, enablement, admin) = tokio::try_join!(
        team(app, actor, today),
        buddy_for(app, actor, today),
        when(people_connect, starts(app, today)),
        when(people_connect, ending(app, today)),
        when(people_connect, attention(app)),
        when(actor.has(Role::Enablement), async {
            oversight::enablement(app, actor, today).await.map(Some)
        }),
        when(actor.is_admin(), async {
            oversight::admin(app, actor).await.map(Some)
        }),
    )?;
    Ok(Panels {
        team,
        buddy_for,
        starts,
        ending,
        attention,
        people_connect,
        enablement,
        admin,
    })
}
