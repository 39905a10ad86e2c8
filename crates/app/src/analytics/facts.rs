//! Each onboarding's facts, read from the records of many onboardings
//! grouped by onboarding.

use chrono::NaiveDate;
use onramp_core::ramp::risk::Situation;
use onramp_core::ramp::{Facts, MeetingFact, TaskFact};
use onramp_store::{RampOnboarding, RampRecords};
use std::collections::HashMap;

/// Records grouped by onboarding, so each onboarding reads only its own.
pub(super) struct Grouped<'r> {
    tasks: HashMap<i64, Vec<&'r onramp_store::RampTask>>,
    meetings: HashMap<i64, Vec<&'r onramp_store::RampMeeting>>,
    certifications: HashMap<i64, Vec<&'r onramp_store::RampDay>>,
    modules: HashMap<i64, Vec<&'r onramp_store::RampDay>>,
    pathways: HashMap<i64, Vec<&'r onramp_store::RampDated>>,
    pending_access: HashMap<i64, Vec<&'r onramp_store::RampDated>>,
    buddies: HashMap<i64, Vec<&'r onramp_store::RampDated>>,
    last_activity: HashMap<i64, Vec<&'r onramp_store::RampDated>>,
    pub(super) acknowledgements: HashMap<i64, Vec<&'r onramp_store::SignalAcknowledgement>>,
}

fn by_onboarding<T>(items: &[T], id: impl Fn(&T) -> i64) -> HashMap<i64, Vec<&T>> {
    let mut out: HashMap<i64, Vec<&T>> = HashMap::new();
    for item in items {
        out.entry(id(item)).or_default().push(item);
    }
    out
}

impl<'r> Grouped<'r> {
    pub(super) fn of(r: &'r RampRecords) -> Grouped<'r> {
        Grouped {
            tasks: by_onboarding(&r.tasks, |t| t.onboarding_id),
            meetings: by_onboarding(&r.meetings, |m| m.onboarding_id),
            certifications: by_onboarding(&r.certifications, |c| c.onboarding_id),
            modules: by_onboarding(&r.modules, |m| m.onboarding_id),
            pathways: by_onboarding(&r.pathways, |p| p.onboarding_id),
            pending_access: by_onboarding(&r.pending_access, |a| a.onboarding_id),
            buddies: by_onboarding(&r.buddies, |b| b.onboarding_id),
            last_activity: by_onboarding(&r.last_activity, |a| a.onboarding_id),
            acknowledgements: by_onboarding(&r.acknowledgements, |a| a.onboarding_id),
        }
    }
}

/// The records of one onboarding in a map (none: an empty list).
fn of<'m, T>(map: &'m HashMap<i64, Vec<&'m T>>, id: i64) -> impl Iterator<Item = &'m T> + 'm {
    map.get(&id).into_iter().flatten().copied()
}

/// The facts of one onboarding and what the signals read beside them.
// Long: one field of the facts after another, each read from its records.
pub(super) fn facts_of<'a>(
    o: &RampOnboarding,
    r: &Grouped<'_>,
    program: &'a onramp_core::program::Program,
    today: NaiveDate,
) -> (Facts, Situation<'a>) {
    let tasks = of(&r.tasks, o.id)
        .map(|t| TaskFact {
            id: t.id,
            title: t.title.clone(),
            phase: t.phase.clone(),
            due_date: t.due_date,
            finished_on: match t.status.as_str() {
                "done" => t.completed_at.map(|d| d.date_naive()),
                "skipped" => Some(t.updated_at.date_naive()),
                _ => None,
            },
            compliance_critical: t.compliance_critical,
        })
        .collect();
    let meetings = of(&r.meetings, o.id)
        .map(|m| MeetingFact {
            led: m.role == "led",
            held_on: m.held_on,
            confidence: m.ratings.as_ref().and_then(|r| {
                let n = r.0.len();
                (n > 0).then(|| r.0.values().map(|v| f64::from(*v)).sum::<f64>() / n as f64)
            }),
        })
        .collect();
    let pathway = of(&r.pathways, o.id)
        .next()
        .and_then(|p| crate::learning::catalogues().pathway(&p.key));
    let done: HashMap<&str, NaiveDate> = of(&r.modules, o.id)
        .filter_map(|m| Some((m.key.as_str(), m.day?)))
        .collect();
    let module_days: Vec<NaiveDate> = pathway.map_or_else(Vec::new, |p| {
        p.modules
            .iter()
            .filter_map(|m| done.get(format!("{}/{}", p.id, m.id).as_str()).copied())
            .collect()
    });
    let modules_late = pathway.map_or_else(Vec::new, |p| {
        p.modules
            .iter()
            .filter(|m| {
                !done.contains_key(format!("{}/{}", p.id, m.id).as_str())
                    && today > onramp_core::learning::end_of_week(o.start_date, m.week)
            })
            .map(|m| m.title.clone())
            .collect()
    });
    let certs: Vec<_> = of(&r.certifications, o.id).collect();
    let facts = Facts {
        start_date: o.start_date,
        phases: program
            .phases
            .iter()
            .map(|p| (p.id.clone(), p.title.clone()))
            .collect(),
        tasks,
        meetings,
        certifications_planned: certs.len(),
        certifications_passed: certs.iter().filter_map(|c| c.day).collect(),
        modules_total: pathway.map_or(0, |p| p.modules.len()),
        modules_done: module_days,
    };
    let situation = Situation {
        today,
        buddy_since: of(&r.buddies, o.id)
            .filter(|b| b.key == "current")
            .filter_map(|b| b.at.map(|a| a.date_naive()))
            .min(),
        quota: None,
        last_activity: of(&r.last_activity, o.id)
            .next()
            .and_then(|a| a.at.map(|a| a.date_naive())),
        access_pending_since: of(&r.pending_access, o.id)
            .filter_map(|a| a.at.map(|a| a.date_naive()))
            .collect(),
        modules_late,
    };
    (facts, situation)
}
