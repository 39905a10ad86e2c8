//! Changes to onboardings: starting one, a task's status, the start date,
//! moving to a newer program version, and reading one's inbox.

use super::{load, task_for_update};
use crate::{Actor, App, Caller, Error};
use chrono::NaiveDate;
use onramp_core::access::OnboardingAction;
use onramp_core::onboarding::{TaskAction, UpgradeDiff};
use onramp_core::schedule::WorkCalendar;
use onramp_store::{Onboarding, StartRequest, TaskUpdate};

/// The new hire's work calendar, once the acting person may edit the
/// onboarding: due dates are counted on it.
async fn editable_calendar(
    app: &App,
    actor: &Actor,
    onboarding_id: i64,
) -> Result<WorkCalendar, Error> {
    let loaded = load(app, actor, onboarding_id, OnboardingAction::Edit).await?;
    Ok(app
        .store
        .calendar_for(loaded.person.region.as_deref())
        .await?)
}

/// Starts an onboarding (People Connect and administrators).
pub async fn start(app: &App, by: Caller<'_>, request: &StartRequest) -> Result<Onboarding, Error> {
    if !by.may_create_onboarding() {
        return Err(Error::Forbidden(
            "only People Connect and admins start onboardings".into(),
        ));
    }
    let person = app.store.person(request.person_id).await?;
    let version = program_for(app, &person, request).await?;
    let calendar = app.store.calendar_for(person.region.as_deref()).await?;
    let new = onramp_store::NewOnboarding {
        person_id: person.id,
        program_version_id: version.id,
        start_date: request.start_date,
        manager_id: request.manager_id.or(person.manager_id),
        people_connect_id: request.people_connect_id,
        enablement_id: request.enablement_id,
        buddy_id: request.buddy_id,
    };
    Ok(app
        .store
        .create_onboarding_for(by.person_id(), &person, &new, &calendar)
        .await?)
}

/// The newest version of the program a new onboarding of `person` follows:
/// the one asked for, or the one their segment and region choose.
pub(super) async fn program_for(
    app: &App,
    person: &onramp_store::Person,
    request: &StartRequest,
) -> Result<onramp_store::ProgramVersion, Error> {
    let mut versions = app.store.latest_program_versions().await?;
    let programs: Vec<&onramp_core::program::Program> =
        versions.iter().map(|v| &v.definition.0).collect();
    let chosen = onramp_core::rules::choose_program(
        &programs,
        request.program.as_deref(),
        person.segment.as_deref(),
        person.region.as_deref(),
    )?;
    Ok(versions.swap_remove(chosen))
}

/// Completes, skips or reopens a task the acting person may change;
/// `version` is the task version they read, `note` goes on the timeline.
pub async fn change_task(
    app: &App,
    actor: &Actor,
    onboarding_id: i64,
    task_id: i64,
    version: i64,
    action: &TaskAction,
    note: Option<&str>,
) -> Result<TaskUpdate, Error> {
    task_for_update(app, actor, onboarding_id, task_id).await?;
    onramp_core::rules::check_task_note(note)?;
    if let TaskAction::Skip { note: Some(n) } = action {
        onramp_core::rules::check_task_note(Some(n))?;
    }
    Ok(app
        .store
        .update_task_with_note(Some(actor.person_id), task_id, version, action, note)
        .await?)
}

/// Moves the start date (the manager, administrators); open tasks' due
/// dates follow on the new hire's work calendar.
pub async fn move_start(
    app: &App,
    actor: &Actor,
    onboarding_id: i64,
    version: i64,
    start: NaiveDate,
) -> Result<Onboarding, Error> {
    let calendar = editable_calendar(app, actor, onboarding_id).await?;
    Ok(app
        .store
        .move_start_date(
            Some(actor.person_id),
            onboarding_id,
            version,
            start,
            &calendar,
        )
        .await?)
}

/// What moving to another program version would change, and that
/// version's number.
pub async fn upgrade_preview(
    app: &App,
    actor: &Actor,
    onboarding_id: i64,
    version_id: i64,
) -> Result<(UpgradeDiff, i64), Error> {
    load(app, actor, onboarding_id, OnboardingAction::Edit).await?;
    let diff = app.store.upgrade_preview(onboarding_id, version_id).await?;
    let number = app.store.program_version(version_id).await?.version;
    Ok((diff, number))
}

/// Moves an onboarding to another version of its program: finished work is
/// kept, open tasks the new version dropped are removed, new tasks get due
/// dates.
pub async fn upgrade(
    app: &App,
    actor: &Actor,
    onboarding_id: i64,
    version: i64,
    version_id: i64,
) -> Result<(Onboarding, UpgradeDiff), Error> {
    let calendar = editable_calendar(app, actor, onboarding_id).await?;
    Ok(app
        .store
        .upgrade_onboarding(
            Some(actor.person_id),
            onboarding_id,
            version,
            version_id,
            &calendar,
        )
        .await?)
}

/// The periodic sweep: escalates overdue compliance-critical tasks, closes
/// onboardings `auto_close_days` past their last due date, reminds owners of
/// tasks due tomorrow, sends the reminders of sessions starting within the
/// hour, tells askers whose questions move to the next session, and makes
/// Monday's weekly summaries. Safe to run on several servers at once.
pub async fn sweep(
    app: &App,
    now: chrono::DateTime<chrono::Utc>,
    auto_close_days: u32,
) -> Result<onramp_store::SweepReport, Error> {
    let mut report = app.store.sweep(now, auto_close_days).await?;
    let sent = crate::reminders::sweep(app, now).await?;
    report.reminded_sessions = sent.reminders;
    report.rolled_over_questions = sent.rolled_over;
    // Levels first: the weekly summary reads them.
    report.level_changes = crate::analytics::record_levels(app, now, None).await?;
    report.weekly_summaries = crate::notify::summary::make_weekly(app, now).await?;
    Ok(report)
}
