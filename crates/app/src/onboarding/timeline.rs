//! The onboarding's timeline as people read it: who did what, when.

use onramp_store::AuditEvent;

/// A timeline entry as shown.
pub struct TimelineLine {
    pub at: String,
    pub who: String,
    pub what: String,
}

/// Timeline entries as shown, from events with their actors' names.
/// ` — “note”` when a task change carried a note.
fn noted(new: &serde_json::Value) -> String {
    new.get("note")
        .and_then(|n| n.as_str())
        .filter(|n| !n.is_empty())
        .map(|n| format!(" — “{n}”"))
        .unwrap_or_default()
}

pub fn timeline_lines(events: &[(AuditEvent, Option<String>)]) -> Vec<TimelineLine> {
    let mut out = Vec::with_capacity(events.len());
    for (e, name) in events {
        let who = match (e.actor_id, name) {
            (Some(_), Some(name)) => name.clone(),
            (Some(id), None) => format!("person {id}"),
            (None, _) => "Onramp".to_string(),
        };
        let new = e
            .new_value
            .as_ref()
            .map(|v| v.0.clone())
            .unwrap_or_default();
        let task = new.get("task").and_then(|t| t.as_str()).unwrap_or("");
        let what = match (e.entity.as_str(), e.action.as_str()) {
            ("onboarding", "create") => "started the onboarding".to_string(),
            ("onboarding", "move-start") => format!(
                "moved the start date to {} ({} task due dates moved)",
                new.get("start_date")
                    .and_then(|v| v.as_str())
                    .unwrap_or("?"),
                new.get("tasks_rebased")
                    .and_then(|v| v.as_u64())
                    .unwrap_or(0)
            ),
            ("onboarding", "upgrade") => "upgraded to a newer program version".to_string(),
            ("onboarding", "auto-close") => "closed the onboarding automatically".to_string(),
            ("task", "complete") => format!("completed {task}{}", noted(&new)),
            ("task", "skip") => format!("skipped {task}{}", noted(&new)),
            ("task", "reopen") => format!("reopened {task}{}", noted(&new)),
            ("task", "escalate") => "escalated an overdue compliance-critical task".to_string(),
            ("comment", _) => "commented".to_string(),
            ("attachment", _) => format!(
                "attached {}",
                new.get("file_name")
                    .and_then(|v| v.as_str())
                    .unwrap_or("a file")
            ),
            (entity, action) => format!("{action} {entity}"),
        };
        out.push(TimelineLine {
            at: e.at.format("%Y-%m-%d %H:%M UTC").to_string(),
            who,
            what,
        });
    }
    out
}
