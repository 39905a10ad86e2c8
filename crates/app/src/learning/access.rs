//! Demo and playground access: the new hire asks, the manager approves or
//! denies, the Enablement team provisions.

use super::catalogues;
use crate::onboarding;
use crate::{Actor, App, Error};
use onramp_core::access::{OnboardingAction, may_provision_access};
use onramp_store::AccessRequest;

/// Asks for access to a playground for the onboarding's new hire.
pub async fn request_access(
    state: &App,
    user: &Actor,
    id: i64,
    playground: &str,
    note: &str,
) -> Result<AccessRequest, Error> {
    onboarding::load(state, user, id, OnboardingAction::RequestAccess).await?;
    let playground = playground.trim();
    if catalogues().playground(playground).is_none() {
        let known: Vec<&str> = catalogues()
            .playgrounds
            .iter()
            .map(|p| p.id.as_str())
            .collect();
        return Err(Error::bad(
            "playground",
            format!(
                "unknown system `{playground}` (known: {})",
                known.join(", ")
            ),
        ));
    }
    if note.len() > 2000 {
        return Err(Error::bad("note", "is longer than 2000 characters"));
    }
    onramp_core::rules::check_note(note)?;
    Ok(state
        .store
        .request_access(Some(user.person_id), id, playground, note.trim())
        .await?)
}

/// Approves, denies (the manager) or provisions (the Enablement team) a request.
pub async fn move_access(
    state: &App,
    user: &Actor,
    request_id: i64,
    status: &str,
    note: &str,
) -> Result<AccessRequest, Error> {
    let request = state.store.access_request(request_id).await?;
    let status = status.trim();
    match status {
        "approved" | "denied" => {
            onboarding::load(
                state,
                user,
                request.onboarding_id,
                OnboardingAction::DecideAccess,
            )
            .await?;
        }
        "provisioned" => {
            if !may_provision_access(user) {
                // Those who see the onboarding learn why; others that it is not there.
                onboarding::load(state, user, request.onboarding_id, OnboardingAction::Read)
                    .await?;
                return Err(Error::Forbidden(
                    "only the Enablement team provisions access".into(),
                ));
            }
        }
        other => {
            return Err(Error::bad(
                "status",
                format!("must be approved, denied or provisioned (got `{other}`)"),
            ));
        }
    }
    if note.len() > 2000 {
        return Err(Error::bad("note", "is longer than 2000 characters"));
    }
    let task = catalogues()
        .playground(&request.playground_id)
        .and_then(|p| p.task.as_deref());
    onramp_core::rules::check_note(note)?;
    Ok(state
        .store
        .move_access_request(Some(user.person_id), request_id, status, note.trim(), task)
        .await?)
}

/// The open requests `user` may move on: those waiting for a decision in
/// the onboardings they manage (every onboarding, for administrators), and
/// approved ones when they provision access.
pub async fn actionable(state: &App, user: &Actor) -> Result<Vec<AccessRequest>, Error> {
    let decider = (!user.is_admin()).then_some(user.person_id);
    Ok(state
        .store
        .open_access_requests(decider, may_provision_access(user))
        .await?)
}

/// The open requests the acting person may move on, each with its new
/// hire's name.
pub async fn queue(app: &App, actor: &Actor) -> Result<Vec<(AccessRequest, String)>, Error> {
    let mut out = Vec::new();
    for request in actionable(app, actor).await? {
        let (_, person) = app
            .store
            .onboarding_with_person(request.onboarding_id)
            .await?;
        out.push((request, person.name));
    }
    Ok(out)
}
