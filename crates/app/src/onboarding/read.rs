//! What pages and the API read about onboardings beyond one onboarding's
//! view: lists, one's own onboardings, the inbox, screenshots, and the
//! choices for starting one.

use super::{Loaded, TimelineLine, load, timeline_lines};
use crate::{Actor, App, Error};
use chrono::NaiveDate;
use onramp_core::access::{OnboardingAction, may_create_onboarding, sees_all_onboardings};
use onramp_store::{
    AttachmentMeta, Notification, Onboarding, OnboardingFilter, OnboardingSummary, Person,
    ProgramSummary,
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
fn may_list(actor: &Actor, filter: &OnboardingFilter) -> bool {
    match filter {
        OnboardingFilter::Involving(p) | OnboardingFilter::ManagedBy(p) => {
            *p == actor.person_id || sees_all_onboardings(actor)
        }
        OnboardingFilter::All | OnboardingFilter::StartingBetween(..) => {
            sees_all_onboardings(actor)
        }
    }
}

/// A page of the onboardings `filter` selects, newest start first.
pub async fn list(
    app: &App,
    actor: &Actor,
    filter: &OnboardingFilter,
    today: NaiveDate,
    limit: i64,
    offset: i64,
) -> Result<OnboardingList, Error> {
    if !may_list(actor, filter) {
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

/// The acting person's notifications, newest first.
pub async fn inbox(app: &App, actor: &Actor, limit: i64) -> Result<Vec<Notification>, Error> {
    Ok(app.store.notifications(actor.person_id, limit).await?)
}

/// How many of the acting person's notifications are unread.
pub async fn unread(app: &App, actor: &Actor) -> Result<i64, Error> {
    Ok(app.store.unread_notifications(actor.person_id).await?)
}

/// An onboarding's timeline as people read it.
pub async fn timeline(app: &App, loaded: &Loaded) -> Result<Vec<TimelineLine>, Error> {
    Ok(timeline_lines(
        &app.store.timeline_named(loaded.onboarding.id).await?,
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
