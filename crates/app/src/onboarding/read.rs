//! What pages and the API read about onboardings beyond one onboarding's
//! view: lists, one's own onboardings, the inbox, screenshots, and the
//! choices for starting one.

use super::{Loaded, TimelineLine, load, timeline_lines};
use crate::{Actor, App, Caller, Error};
use chrono::NaiveDate;
use onramp_core::access::{OnboardingAction, may_create_onboarding, sees_all_onboardings};
use onramp_core::gitlab::{ExportTask, export_onboarding};
use onramp_core::people::Role;
use onramp_core::program::TaskKind;
use onramp_store::Task;
use onramp_store::{
    AttachmentMeta, Onboarding, OnboardingFilter, OnboardingSummary, Person, ProgramSummary,
};
use std::collections::BTreeMap;

/// A page of onboardings: the rows, how many match in all, and each row's
/// pathway progress (pathway id, modules done).
pub struct OnboardingList {
    pub rows: Vec<OnboardingSummary>,
    pub total: i64,
    pub pathways: BTreeMap<i64, (String, u32)>,
}

/// Whether `actor` may list the onboardings `filter` selects: everyone
/// their own, a manager their reports', People Connect and administrators
/// any.
fn may_list(by: Caller<'_>, filter: &OnboardingFilter) -> bool {
    let Caller::Person(actor) = by else {
        return true;
    };
    match filter {
        OnboardingFilter::Involving(p)
        | OnboardingFilter::ManagedBy(p)
        | OnboardingFilter::BuddyOf(p) => *p == actor.person_id || sees_all_onboardings(actor),
        OnboardingFilter::All
        | OnboardingFilter::StartingBetween(..)
        | OnboardingFilter::EndingBetween(..) => sees_all_onboardings(actor),
    }
}

/// A page of the onboardings `filter` selects, newest start first.
pub async fn list(
    app: &App,
    by: Caller<'_>,
    filter: &OnboardingFilter,
    today: NaiveDate,
    limit: i64,
    offset: i64,
) -> Result<OnboardingList, Error> {
    if !may_list(by, filter) {
        return Err(Error::Forbidden(
            "these onboardings are not yours to list".into(),
        ));
    }
    let total = app.store.count_onboardings_where(filter).await?;
    let rows = app
        .store
        .find_onboardings(filter, today, limit, offset)
        .await?;
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let pathways = app.store.pathway_counts(&ids).await?;
    Ok(OnboardingList {
        rows,
        total,
        pathways,
    })
}

/// The acting person's own onboardings (as the new hire).
pub async fn own(app: &App, actor: &Actor) -> Result<Vec<Onboarding>, Error> {
    Ok(app.store.onboardings_of(actor.person_id).await?)
}

/// An onboarding's timeline as people read it, its times in `zone` (the
/// viewer's).
pub async fn timeline(app: &App, loaded: &Loaded, zone: &str) -> Result<Vec<TimelineLine>, Error> {
    Ok(timeline_lines(
        &app.store.timeline_named(loaded.onboarding.id).await?,
        zone,
        chrono::Utc::now(),
    ))
}

/// A screenshot, for those who may read its onboarding.
pub async fn attachment(
    app: &App,
    actor: &Actor,
    id: i64,
) -> Result<(AttachmentMeta, Vec<u8>), Error> {
    let (meta, data) = match app.store.attachment(id).await {
        Ok(found) => found,
        Err(onramp_store::StoreError::NotFound(_)) => return Err(Error::NotFound),
        Err(e) => return Err(e.into()),
    };
    load(app, actor, meta.onboarding_id, OnboardingAction::Read).await?;
    Ok((meta, data))
}

/// The people and programs to choose from when starting an onboarding.
pub async fn start_choices(
    app: &App,
    actor: &Actor,
) -> Result<(Vec<Person>, Vec<ProgramSummary>), Error> {
    if !may_create_onboarding(actor) {
        return Err(Error::Forbidden(
            "only People Connect and admins start onboardings".into(),
        ));
    }
    Ok((
        app.store.list_people(1000, 0).await?,
        app.store.list_programs().await?,
    ))
}

/// The id of the person with this email (`None` for no email); an email
/// nobody has is bad input in `field`.
pub async fn person_id_by_email(
    app: &App,
    field: &str,
    email: Option<&str>,
) -> Result<Option<i64>, Error> {
    let Some(email) = email.map(str::trim).filter(|e| !e.is_empty()) else {
        return Ok(None);
    };
    match app.store.person_by_email(email).await? {
        Some(p) => Ok(Some(p.id)),
        None => Err(Error::bad(
            field,
            format!("no person has the email {email}"),
        )),
    }
}

/// An onboarding with its new hire and tasks, for someone who may read it
/// (the operator may read every onboarding).
pub async fn record(
    app: &App,
    by: Caller<'_>,
    id: i64,
) -> Result<(Onboarding, Person, Vec<Task>), Error> {
    let (onboarding, person) = match by {
        Caller::Person(actor) => {
            let loaded = load(app, actor, id, OnboardingAction::Read).await?;
            (loaded.onboarding, loaded.person)
        }
        Caller::Operator => app.store.onboarding_with_person(id).await?,
    };
    let tasks = app.store.tasks(id).await?;
    Ok((onboarding, person, tasks))
}

/// An onboarding as a GitLab issue checklist that imports back into the
/// same tasks (`core::gitlab`).
pub async fn export_gitlab(app: &App, by: Caller<'_>, id: i64) -> Result<String, Error> {
    let (onboarding, person, tasks) = record(app, by, id).await?;
    let version = app
        .store
        .program_version(onboarding.program_version_id)
        .await?;
    let corrupt = |what: &str, value: &str| {
        Error::Internal(format!(
            "onboarding {id}: stored {what} `{value}` is not known"
        ))
    };
    let mut export_tasks = Vec::with_capacity(tasks.len());
    for t in tasks {
        let owner: Role = t
            .owner_role
            .parse()
            .map_err(|_| corrupt("owner", &t.owner_role))?;
        let kind = TaskKind::ALL
            .into_iter()
            .find(|k| k.as_str() == t.kind)
            .ok_or_else(|| corrupt("kind", &t.kind))?;
        export_tasks.push(ExportTask {
            done: t.status == "done" || t.status == "skipped",
            id: t.task_key,
            title: t.title,
            owner,
            phase: t.phase,
            kind,
            due: t.due_date,
        });
    }
    Ok(export_onboarding(
        &person.name,
        &version.definition.0,
        version.version,
        onboarding.start_date,
        &export_tasks,
    ))
}
