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

/// Events with the names of the people who acted (none for Onramp itself).
pub(crate) async fn with_names(
    app: &App,
    events: Vec<AuditEvent>,
) -> Result<Vec<(AuditEvent, Option<String>)>, Error> {
    let mut ids: Vec<i64> = events.iter().filter_map(|e| e.actor_id).collect();
    ids.sort_unstable();
    ids.dedup();
    let people = app.store.people_by_ids(&ids).await?;
    Ok(events
        .into_iter()
        .map(|e| {
            let name = e
                .actor_id
                .and_then(|id| people.iter().find(|p| p.id == id))
                .map(|p| p.name.clone());
            (e, name)
        })
        .collect())
}

/// An audit event as people read it.
pub struct AuditLine {
    /// When, in the viewer's time zone.
    pub at: onramp_core::calendar::Moment,
    pub who: String,
    pub what: String,
    pub onboarding_id: Option<i64>,
    /// The values recorded before and after, for those who need the detail.
    pub before: Option<String>,
    pub after: Option<String>,
}

/// The events the acting person may read ([`events_for`]), in words, with
/// times in `zone`.
pub async fn lines_for(app: &App, user: &Actor, zone: &str) -> Result<Vec<AuditLine>, Error> {
    let named = with_names(app, events_for(app, user).await?).await?;
    let lines = crate::onboarding::timeline_lines(&named, zone, chrono::Utc::now());
    Ok(lines
        .into_iter()
        .zip(named)
        .map(|(line, (e, _))| AuditLine {
            at: line.at,
            who: line.who,
            what: line.what,
            onboarding_id: e.onboarding_id,
            before: e.old_value.map(|v| v.0.to_string()),
            after: e.new_value.map(|v| v.0.to_string()),
        })
        .collect())
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
