//! What People Connect should know before starting an onboarding: checked
//! on the request, nothing is saved.

use crate::{App, Caller, Error};
use chrono::Utc;
use onramp_core::buddy::{NewHire, suggest};
use onramp_core::onboarding::{plan, today_in};
use onramp_store::StartRequest;
use serde::Serialize;
use utoipa::ToSchema;

/// One reason to look again before starting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct StartWarning {
    /// `no-manager`, `no-buddy-candidates`, `overdue-at-start` or
    /// `open-onboarding`.
    pub kind: String,
    /// The warning in words.
    pub message: String,
}

fn warning(kind: &str, message: String) -> StartWarning {
    StartWarning {
        kind: kind.to_string(),
        message,
    }
}

/// The warnings for starting this onboarding: no manager, nobody who fits
/// as buddy (when none is chosen), tasks already overdue on that start date,
/// an onboarding of the person that is still open.
pub async fn start_warnings(
    app: &App,
    by: Caller<'_>,
    request: &StartRequest,
) -> Result<Vec<StartWarning>, Error> {
    if !by.may_create_onboarding() {
        return Err(Error::Forbidden(
            "only People Connect and admins start onboardings".into(),
        ));
    }
    let person = app.store.person(request.person_id).await?;
    let name = &person.name;
    let mut out = Vec::new();
    let manager = request.manager_id.or(person.manager_id);
    if manager.is_none() {
        out.push(warning(
            "no-manager",
            format!("{name} has no manager: nobody would approve their access requests or review their progress. Choose one."),
        ));
    }
    if request.buddy_id.is_none() {
        let colleagues = app.store.buddy_colleagues(person.id).await?;
        let hire = NewHire {
            person_id: person.id,
            department: person.department.clone(),
            segment: person.segment.clone(),
            region: person.region.clone(),
            time_zone: person.time_zone.clone(),
            start_date: request.start_date,
            manager_id: manager,
        };
        if suggest(&app.buddy_rules, &hire, &colleagues)
            .candidates
            .is_empty()
        {
            out.push(warning(
                "no-buddy-candidates",
                format!("Nobody fits as {name}'s onboarding buddy now (same segment or region, not on leave, not too busy): the manager will have to look further."),
            ));
        }
    }
    out.extend(overdue_at_start(app, &person, request).await?);
    if let Some(open) = app
        .store
        .onboardings_of(person.id)
        .await?
        .into_iter()
        .find(|o| o.status == "active")
    {
        out.push(warning(
            "open-onboarding",
            format!(
                "{name} already has an open onboarding, started {}.",
                open.start_date
            ),
        ));
    }
    Ok(out)
}

/// A warning when tasks would be overdue on the first day already.
async fn overdue_at_start(
    app: &App,
    person: &onramp_store::Person,
    request: &StartRequest,
) -> Result<Option<StartWarning>, Error> {
    let version = super::change::program_for(app, person, request).await?;
    let calendar = app.store.calendar_for(person.region.as_deref()).await?;
    let today = today_in(&person.time_zone, Utc::now());
    let planned = plan(
        &version.definition.0,
        person.segment.as_deref(),
        person.region.as_deref(),
        request.start_date,
        &calendar,
    );
    let overdue = planned.iter().filter(|t| t.due_date < today).count();
    Ok((overdue > 0).then(|| {
        warning(
            "overdue-at-start",
            format!(
                "With a first day of {}, {overdue} of {} tasks would be overdue from the start.",
                request.start_date,
                planned.len()
            ),
        )
    }))
}
