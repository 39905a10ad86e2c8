//! The panels of the people who look after the program rather than one new
//! hire: the Enablement team (questions waiting for an answer, content that
//! needs a review, the tasks onboardings miss, webinars coming up) and
//! administrators (delivery, accounts and tokens, recent changes).

use crate::onboarding::timeline::timeline_lines;
use crate::{Actor, App, Error};
use chrono::{Days, Duration, NaiveDate, Utc};
use onramp_core::calendar::in_zone;
use onramp_core::text::excerpt;
use onramp_store::{AccountCounts, AuditEvent, MissedTask};
use serde::Serialize;
use utoipa::ToSchema;

/// How many open questions the panel lists.
const QUESTIONS: i64 = 5;
/// How many missed tasks the panel lists.
const MISSED: i64 = 5;
/// Onboardings that started this many days ago or later count for missed tasks.
const MISSED_WINDOW_DAYS: u64 = 365;
/// How far ahead the panel looks for webinars.
const WEBINAR_DAYS: i64 = 30;
/// How many recent audit events administrators see.
const RECENT_AUDIT: i64 = 8;
/// How many changes "since your last visit" lists.
const SINCE_LAST_VISIT: i64 = 10;
/// A live token unused for this many days is idle.
const IDLE_TOKEN_DAYS: i64 = 90;

/// An open office-hours question, without its author.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct QuestionRow {
    pub id: i64,
    pub series_id: i64,
    pub series_title: String,
    /// The question's first words.
    pub excerpt: String,
    /// The session it is asked for, in the viewer's time zone.
    pub session: String,
    pub votes: i64,
}

/// A webinar coming up.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct WebinarRow {
    pub id: i64,
    pub title: String,
    pub host: String,
    /// When it starts, in the viewer's time zone.
    pub starts: String,
}

/// The Enablement team's panel.
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct EnablementPanel {
    pub open_questions: i64,
    /// The open questions of the soonest sessions.
    pub questions: Vec<QuestionRow>,
    /// Catalogue and program entries past their review age.
    pub stale: usize,
    pub broken_links: usize,
    /// False when no handbook is imported (internal links were not checked).
    pub handbook_imported: bool,
    /// The program tasks most often skipped or late over the last year.
    #[schema(value_type = Vec<Object>)]
    pub missed: Vec<MissedTask>,
    pub webinars: Vec<WebinarRow>,
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

/// A recent change, in words.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RecentChange {
    /// When, exactly, in the viewer's time zone.
    pub at: String,
    /// When, in RFC 3339.
    pub iso: String,
    /// When, relative to now ("3 hours ago").
    pub ago: String,
    pub who: String,
    pub what: String,
    pub onboarding_id: Option<i64>,
}

/// Administrators' panel.
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct AdminPanel {
    pub delivery: DeliveryHealth,
    #[schema(value_type = Object)]
    pub accounts: AccountCounts,
    pub recent: Vec<RecentChange>,
}

async fn zone_of(app: &App, actor: &Actor) -> Result<String, Error> {
    Ok(app.store.person(actor.person_id).await?.time_zone)
}

/// The Enablement team's panel on `today`.
pub async fn enablement(
    app: &App,
    actor: &Actor,
    today: NaiveDate,
) -> Result<EnablementPanel, Error> {
    let since = today
        .checked_sub_days(Days::new(MISSED_WINDOW_DAYS))
        .unwrap_or(today);
    let now = Utc::now();
    let (zone, (questions, open_questions), report, missed, webinars) = tokio::try_join!(
        zone_of(app, actor),
        async { Ok::<_, Error>(app.store.open_questions(QUESTIONS).await?) },
        crate::webinar::freshness(app, actor, None),
        async { Ok::<_, Error>(app.store.most_missed_tasks(since, today, MISSED).await?,) },
        async {
            Ok::<_, Error>(
                app.store
                    .webinars(now, now + Duration::days(WEBINAR_DAYS), 5)
                    .await?,
            )
        },
    )?;
    Ok(EnablementPanel {
        open_questions,
        questions: questions
            .into_iter()
            .map(|q| QuestionRow {
                id: q.id,
                series_id: q.series_id,
                series_title: q.series_title,
                excerpt: excerpt(&q.body, 140),
                session: in_zone(q.session_start, &zone),
                votes: q.votes,
            })
            .collect(),
        stale: report.stale.len(),
        broken_links: report.broken_links.len(),
        handbook_imported: report.handbook_imported,
        missed,
        webinars: webinars
            .into_iter()
            .map(|w| WebinarRow {
                id: w.id,
                title: w.title,
                host: w.host,
                starts: in_zone(w.starts_at, &zone),
            })
            .collect(),
    })
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

async fn recent(app: &App, zone: &str) -> Result<Vec<RecentChange>, Error> {
    let events = app.store.audit_log(None, RECENT_AUDIT).await?;
    let named = crate::audit::with_names(app, events).await?;
    Ok(worded(&named, zone))
}

/// Changes in words, with their times in `zone`.
pub(super) fn worded(named: &[(AuditEvent, Option<String>)], zone: &str) -> Vec<RecentChange> {
    timeline_lines(named, zone, chrono::Utc::now())
        .into_iter()
        .zip(named)
        .map(|(line, (e, _))| RecentChange {
            at: in_zone(e.at, zone),
            iso: line.at.iso,
            ago: line.at.relative,
            who: line.who,
            what: line.what,
            onboarding_id: e.onboarding_id,
        })
        .collect()
}

/// What others did to the person's own onboarding since their last visit
/// to the home page, recording this visit: when that visit was (in their
/// time zone `zone`) and the changes, newest first. `None` on the first
/// visit.
pub async fn since_last_visit(
    app: &App,
    actor: &Actor,
    onboarding_id: i64,
    zone: &str,
) -> Result<Option<(String, Vec<RecentChange>)>, Error> {
    let Some(since) = app
        .store
        .record_home_visit(actor.person_id, Utc::now())
        .await?
    else {
        return Ok(None);
    };
    let named = app
        .store
        .changes_since(onboarding_id, since, actor.person_id, SINCE_LAST_VISIT)
        .await?;
    Ok(Some((in_zone(since, zone), worded(&named, zone))))
}

/// Administrators' panel.
pub async fn admin(app: &App, actor: &Actor) -> Result<AdminPanel, Error> {
    let idle_before = Utc::now() - Duration::days(IDLE_TOKEN_DAYS);
    let zone = zone_of(app, actor).await?;
    let (delivery, accounts, recent) = tokio::try_join!(
        delivery(app),
        async { Ok::<_, Error>(app.store.account_counts(idle_before).await?) },
        recent(app, &zone),
    )?;
    Ok(AdminPanel {
        delivery,
        accounts,
        recent,
    })
}
