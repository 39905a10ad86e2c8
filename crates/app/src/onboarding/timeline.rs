//! The onboarding's timeline as people read it: who did what, when.

use chrono::{DateTime, Utc};
use onramp_core::calendar::Moment;
use onramp_store::AuditEvent;

/// A timeline entry as shown.
pub struct TimelineLine {
    /// When, in the viewer's time zone.
    pub at: Moment,
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

pub fn timeline_lines(
    events: &[(AuditEvent, Option<String>)],
    zone: &str,
    now: DateTime<Utc>,
) -> Vec<TimelineLine> {
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
        out.push(TimelineLine {
            at: Moment::new(e.at, zone, now),
            who,
            what: in_words(&e.entity, &e.action, &new),
        });
    }
    out
}

/// A text field of an event's new value.
fn field<'a>(new: &'a serde_json::Value, name: &str) -> Option<&'a str> {
    new.get(name)
        .and_then(|v| v.as_str())
        .filter(|v| !v.is_empty())
}

/// What an event did, in words; ids of tasks and catalogue entries become
/// their titles where they are known.
// Long: one sentence per kind of change, in one table.
fn in_words(entity: &str, action: &str, new: &serde_json::Value) -> String {
    let c = crate::learning::catalogues();
    let task = || {
        field(new, "title")
            .or_else(|| field(new, "task"))
            .map_or("a task".to_string(), |t| format!("“{t}”"))
    };
    let titled = |title: Option<&str>, otherwise: &str| {
        title.map_or(otherwise.to_string(), |t| format!("“{t}”"))
    };
    match (entity, action) {
        ("onboarding", "create") => "started the onboarding".to_string(),
        ("onboarding", "move-start") => format!(
            "moved the start date to {} ({} task due dates moved)",
            field(new, "start_date").unwrap_or("another day"),
            new.get("tasks_rebased")
                .and_then(|v| v.as_u64())
                .unwrap_or(0)
        ),
        ("onboarding", "upgrade") => "moved the onboarding to a newer program version".to_string(),
        ("onboarding", "auto-close") => "closed the onboarding automatically".to_string(),
        ("task", "complete") => format!("completed {}{}", task(), noted(new)),
        ("task", "skip") => format!("skipped {}{}", task(), noted(new)),
        ("task", "reopen") => format!("reopened {}{}", task(), noted(new)),
        ("task", "escalate") => format!(
            "told the manager and People Connect that {} is overdue",
            field(new, "title").map_or("a compliance-critical task".to_string(), |t| format!(
                "“{t}”"
            ))
        ),
        ("comment", _) => "commented".to_string(),
        ("attachment", _) => format!("attached {}", field(new, "file_name").unwrap_or("a file")),
        ("access_request", "request") => format!(
            "requested access to {}",
            titled(
                field(new, "playground")
                    .and_then(|p| c.playground(p))
                    .map(|p| p.title.as_str()),
                "a demo system"
            )
        ),
        ("access_request", status) => format!("marked an access request {status}{}", noted(new)),
        ("buddy", "assign") => "assigned an onboarding buddy".to_string(),
        ("buddy", _) => "ended the onboarding buddy's assignment".to_string(),
        ("backup_buddy", "assign") => "assigned a backup onboarding buddy".to_string(),
        ("backup_buddy", _) => "ended the backup buddy's assignment".to_string(),
        ("meeting", "add") => match field(new, "type") {
            Some(kind) => format!(
                "recorded a customer meeting ({})",
                kind.replace(['-', '_'], " ")
            ),
            None => "recorded a customer meeting".to_string(),
        },
        ("meeting", "feedback") => "gave feedback on a customer meeting".to_string(),
        ("time_off", _) => "added time off".to_string(),
        ("module_completion", action) => {
            let module = field(new, "pathway")
                .and_then(|p| c.pathway(p))
                .and_then(|p| field(new, "module").and_then(|m| p.module(m)))
                .map(|m| m.title.as_str());
            let verb = if action == "undo" {
                "took back the completion of"
            } else {
                "completed the learning module"
            };
            format!("{verb} {}", titled(module, "a learning module"))
        }
        ("certification", action) => {
            let title = field(new, "certification")
                .and_then(|id| c.certification(id))
                .map(|c| c.title.as_str());
            let what = titled(title, "a certification");
            match (action, field(new, "review")) {
                (_, Some("approved")) => format!("approved the evidence for {what}"),
                (_, Some("returned")) => format!("returned the evidence for {what}{}", noted(new)),
                (_, Some("submitted")) => format!("submitted evidence for {what}"),
                _ => format!("updated the plan for {what}"),
            }
        }
        ("reading", action) => format!(
            "marked {} as {}",
            titled(
                field(new, "item").and_then(|i| c.reading(i)).map(|r| r.0),
                "a reading"
            ),
            if action == "unread" {
                "not read"
            } else {
                "read"
            }
        ),
        ("channels", _) => "updated the Slack channels to join".to_string(),
        ("webinar", "attend") => "recorded attending a webinar".to_string(),
        ("webinar", "add") => format!("added the webinar {}", titled(field(new, "title"), ""))
            .trim_end()
            .to_string(),
        ("webinar", _) => "added a webinar's recording".to_string(),
        ("office_hours", "create") => format!(
            "scheduled the office hours {}",
            titled(field(new, "title"), "")
        )
        .trim_end()
        .to_string(),
        ("office_hours", _) => "cancelled an office-hours session".to_string(),
        ("question", "ask") => "asked an office-hours question".to_string(),
        ("question", "duplicate") => "closed an office-hours question as asked before".to_string(),
        ("question", _) => "answered an office-hours question".to_string(),
        ("account", "disable") => "disabled an account".to_string(),
        ("account", "reset-password") => "changed a password".to_string(),
        ("account", "create") => "created an account".to_string(),
        ("account", _) => "changed an account".to_string(),
        ("api_token", "create") => "created an API token".to_string(),
        ("api_token", _) => "revoked an API token".to_string(),
        ("calendar_token", _) => "made a new calendar feed address".to_string(),
        ("chat_hook", "add") => "connected a chat channel".to_string(),
        ("chat_hook", _) => "disconnected a chat channel".to_string(),
        ("ping_payload", _) => "uploaded a Service Ping payload".to_string(),
        ("ping_instance", _) => format!(
            "renamed a Service Ping instance {}",
            titled(field(new, "label"), "")
        )
        .trim_end()
        .to_string(),
        ("program", _) => "imported a program".to_string(),
        ("person", "create") => "added a person".to_string(),
        ("person", _) => "changed a person's details".to_string(),
        (entity, _) => format!("changed {}", entity.replace('_', " ")),
    }
}

#[cfg(test)]
mod tests {
    use super::in_words;
    use serde_json::json;

    #[test]
    fn changes_read_as_sentences_with_titles() {
        let said =
            |entity: &str, action: &str, new: serde_json::Value| in_words(entity, action, &new);
        assert_eq!(
            said(
                "task",
                "complete",
                json!({"task": "m", "title": "Security training"})
            ),
            "completed “Security training”"
        );
        // Events written before titles were recorded name the task's key.
        assert_eq!(
            said("task", "skip", json!({"task": "m", "note": "covered"})),
            "skipped “m” — “covered”"
        );
        assert_eq!(
            said(
                "access_request",
                "request",
                json!({"playground": "nowhere"})
            ),
            "requested access to a demo system"
        );
        assert_eq!(said("webinar", "add", json!({})), "added the webinar");
        assert_eq!(
            said("meeting", "add", json!({"type": "kick-off"})),
            "recorded a customer meeting (kick off)"
        );
        assert_eq!(
            said("backup_buddy", "assign", json!({})),
            "assigned a backup onboarding buddy"
        );
        assert_eq!(
            said("something_new", "frob", json!({})),
            "changed something new"
        );
        for (entity, action) in [
            ("access_request", "request"),
            ("module_completion", "record"),
            ("certification", "update"),
        ] {
            let words = said(entity, action, json!({}));
            assert!(!words.contains('_'), "{words}");
        }
    }
}
