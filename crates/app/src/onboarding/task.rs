//! Changing one task of an onboarding: which action, and whether the acting
//! person may.

use crate::{Actor, App, Error};
use onramp_core::access::OnboardingAction;
use onramp_core::onboarding::TaskAction;
use onramp_core::people::Role;

pub fn parse_action(action: &str, note: &str) -> Result<TaskAction, Error> {
    match action {
        "complete" => Ok(TaskAction::Complete),
        "skip" => Ok(TaskAction::Skip {
            note: Some(note.to_string()).filter(|n| !n.trim().is_empty()),
        }),
        "reopen" => Ok(TaskAction::Reopen),
        other => Err(Error::Invalid {
            field: "action".into(),
            message: format!("`{other}` is not an action (complete, skip or reopen)"),
        }),
    }
}

/// Checks that `task_id` belongs to the onboarding and that the user may change it.
pub async fn task_for_update(
    state: &App,
    user: &Actor,
    onboarding_id: i64,
    task_id: i64,
) -> Result<onramp_store::Task, Error> {
    let task = match state.store.task(task_id).await {
        Ok(t) if t.onboarding_id == onboarding_id => t,
        Ok(_) | Err(onramp_store::StoreError::NotFound(_)) => return Err(Error::NotFound),
        Err(e) => return Err(e.into()),
    };
    let owner: Role = task
        .owner_role
        .parse()
        .map_err(|e: String| Error::Internal(e))?;
    super::load(
        state,
        user,
        onboarding_id,
        OnboardingAction::UpdateTask(owner),
    )
    .await?;
    Ok(task)
}
