//! The audit log as people may read it.

use crate::{Actor, App, Error};
use onramp_core::access::may_administer;
use onramp_store::AuditEvent;

/// The audit events the acting person may read: every event for an
/// administrator, otherwise their own actions.
pub async fn events_for(app: &App, user: &Actor) -> Result<Vec<AuditEvent>, Error> {
    let scope = if may_administer(user) {
        None
    } else {
        Some(user.person_id)
    };
    Ok(app.store.audit_log(scope, 5000).await?)
}

/// The events as CSV, one row per event, values quoted.
pub fn csv(events: &[AuditEvent]) -> String {
    let field = |s: &str| format!("\"{}\"", s.replace('"', "\"\""));
    let mut out =
        String::from("id,at,actor_id,action,entity,entity_id,onboarding_id,old_value,new_value\n");
    for e in events {
        let json = |v: &Option<onramp_store::JsonValue>| {
            v.as_ref().map(|j| j.0.to_string()).unwrap_or_default()
        };
        out.push_str(&format!(
            "{},{},{},{},{},{},{},{},{}\n",
            e.id,
            e.at.to_rfc3339(),
            e.actor_id.map(|i| i.to_string()).unwrap_or_default(),
            field(&e.action),
            field(&e.entity),
            e.entity_id.map(|i| i.to_string()).unwrap_or_default(),
            e.onboarding_id.map(|i| i.to_string()).unwrap_or_default(),
            field(&json(&e.old_value)),
            field(&json(&e.new_value)),
        ));
    }
    out
}
