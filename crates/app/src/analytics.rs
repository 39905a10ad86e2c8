//! Ramp analytics: each onboarding's milestones and risk, cohorts compared
//! by the time to each milestone, as the acting person may see them
//! (People Connect, the Enablement team and admins: everyone; a manager:
//! their reports).

use crate::{App, Caller, Error};
use chrono::{NaiveDate, Utc};
use onramp_core::ramp::risk::{Level, Signal, Situation, Thresholds, level, signals};
use onramp_core::ramp::{
    Distribution, Facts, MeetingFact, Milestone, TaskFact, distribution, milestones,
};
use onramp_core::schedule::WorkCalendar;
use onramp_store::{AnalyticsScope, RampOnboarding, RampRecords};
use serde::Serialize;
use std::collections::HashMap;
use utoipa::ToSchema;

/// What cohorts are made of.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CohortBy {
    Month,
    Quarter,
    Segment,
    Region,
    Program,
    Manager,
}

impl CohortBy {
    pub const ALL: [CohortBy; 6] = [
        CohortBy::Month,
        CohortBy::Quarter,
        CohortBy::Segment,
        CohortBy::Region,
        CohortBy::Program,
        CohortBy::Manager,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CohortBy::Month => "month",
            CohortBy::Quarter => "quarter",
            CohortBy::Segment => "segment",
            CohortBy::Region => "region",
            CohortBy::Program => "program",
            CohortBy::Manager => "manager",
        }
    }

    /// The grouping named `text`, or the field at fault.
    pub fn parse(field: &str, text: &str) -> Result<CohortBy, Error> {
        CohortBy::ALL
            .into_iter()
            .find(|c| c.as_str() == text.trim())
            .ok_or_else(|| {
                let known: Vec<&str> = CohortBy::ALL.iter().map(|c| c.as_str()).collect();
                Error::bad(
                    field,
                    format!("`{text}` is not one of {}", known.join(", ")),
                )
            })
    }

    fn cohort_of(self, o: &RampOnboarding) -> String {
        let none = || "(none)".to_string();
        match self {
            CohortBy::Month => o.start_date.format("%Y-%m").to_string(),
            CohortBy::Quarter => {
                use chrono::Datelike;
                format!(
                    "{}-Q{}",
                    o.start_date.year(),
                    (o.start_date.month() - 1) / 3 + 1
                )
            }
            CohortBy::Segment => o.segment.clone().unwrap_or_else(none),
            CohortBy::Region => o.region.clone().unwrap_or_else(none),
            CohortBy::Program => format!("{} v{}", o.program_title, o.program_version),
            CohortBy::Manager => o.manager_name.clone().unwrap_or_else(none),
        }
    }
}

/// One onboarding's ramp: its milestones and where it stands.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct OnboardingRamp {
    pub onboarding_id: i64,
    pub name: String,
    pub cohort: String,
    pub start_date: NaiveDate,
    /// `active`, `completed` or `closed`.
    pub status: String,
    #[schema(value_type = Vec<Object>)]
    pub milestones: Vec<Milestone>,
    /// `on-track`, `watch` or `at-risk` (active onboardings).
    #[schema(value_type = Option<String>)]
    pub level: Option<Level>,
    #[schema(value_type = Vec<Object>)]
    pub signals: Vec<Signal>,
}

/// The time to one milestone over a cohort.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct MilestoneSpread {
    pub key: String,
    pub name: String,
    /// Onboardings of the cohort that reached it.
    pub reached: usize,
    /// Business days from the first day, over those that reached it.
    #[schema(value_type = Option<Object>)]
    pub business_days: Option<Distribution>,
}

/// One cohort.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Cohort {
    pub cohort: String,
    pub onboardings: usize,
    pub milestones: Vec<MilestoneSpread>,
}

/// Ramp time by cohort, and the onboardings behind it.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct RampReport {
    /// What the cohorts are made of: month, quarter, segment, region, program or manager.
    pub by: String,
    pub cohorts: Vec<Cohort>,
    pub onboardings: Vec<OnboardingRamp>,
}

/// Which onboardings `by` may analyse.
fn scope_for(by: Caller<'_>) -> Result<AnalyticsScope, Error> {
    use onramp_core::people::Role;
    match by {
        Caller::Operator => Ok(AnalyticsScope::All),
        Caller::Person(a)
            if a.is_admin() || a.has(Role::PeopleConnect) || a.has(Role::Enablement) =>
        {
            Ok(AnalyticsScope::All)
        }
        Caller::Person(a) if a.has(Role::Manager) => Ok(AnalyticsScope::Manager(a.person_id)),
        Caller::Person(_) => Err(Error::Forbidden(
            "ramp analytics are for managers, People Connect, the Enablement team and admins"
                .into(),
        )),
    }
}

/// Each onboarding's ramp and risk on `today`, with thresholds `t`.
pub async fn onboardings(
    app: &App,
    by: Caller<'_>,
    cohort_by: CohortBy,
    today: NaiveDate,
    t: &Thresholds,
) -> Result<Vec<OnboardingRamp>, Error> {
    let records = app.store.ramp_records(scope_for(by)?).await?;
    let grouped = Grouped::of(&records);
    let mut calendars: HashMap<Option<String>, WorkCalendar> = HashMap::new();
    let mut out = Vec::with_capacity(records.onboardings.len());
    for o in &records.onboardings {
        if !calendars.contains_key(&o.region) {
            let calendar = app.store.calendar_for(o.region.as_deref()).await?;
            calendars.insert(o.region.clone(), calendar);
        }
        let calendar = calendars.get(&o.region).cloned().unwrap_or_default();
        let version = app.store.program_version(o.program_version_id).await?;
        let program = &version.definition.0;
        let (facts, situation) = facts_of(o, &grouped, program, today);
        let active = o.status == "active";
        let found = if active {
            signals(
                &facts,
                &Situation {
                    quota: program.shadowing.as_ref(),
                    ..situation
                },
                &calendar,
                t,
            )
        } else {
            Vec::new()
        };
        out.push(OnboardingRamp {
            onboarding_id: o.id,
            name: o.name.clone(),
            cohort: cohort_by.cohort_of(o),
            start_date: o.start_date,
            status: o.status.clone(),
            milestones: milestones(&facts, &calendar),
            level: active.then(|| level(&found, t)),
            signals: found,
        });
    }
    Ok(out)
}

/// Ramp time by cohort (cohorts in order; milestones in the order of the
/// first onboarding's).
pub async fn ramp(app: &App, by: Caller<'_>, cohort_by: CohortBy) -> Result<RampReport, Error> {
    let today = Utc::now().date_naive();
    let rows = onboardings(app, by, cohort_by, today, &Thresholds::default()).await?;
    let mut names: Vec<String> = rows.iter().map(|r| r.cohort.clone()).collect();
    names.sort();
    names.dedup();
    let cohorts = names
        .into_iter()
        .map(|name| {
            let members: Vec<&OnboardingRamp> = rows.iter().filter(|r| r.cohort == name).collect();
            cohort(name, &members)
        })
        .collect();
    Ok(RampReport {
        by: cohort_by.as_str().to_string(),
        cohorts,
        onboardings: rows,
    })
}

fn cohort(name: String, members: &[&OnboardingRamp]) -> Cohort {
    let mut keys: Vec<(String, String)> = Vec::new();
    for m in members.iter().flat_map(|r| &r.milestones) {
        if !keys.iter().any(|(k, _)| k == &m.key) {
            keys.push((m.key.clone(), m.name.clone()));
        }
    }
    let milestones = keys
        .into_iter()
        .map(|(key, name)| {
            let days: Vec<i64> = members
                .iter()
                .flat_map(|r| &r.milestones)
                .filter(|m| m.key == key)
                .filter_map(|m| m.business_days)
                .collect();
            MilestoneSpread {
                key,
                name,
                reached: days.len(),
                business_days: distribution(&days),
            }
        })
        .collect();
    Cohort {
        cohort: name,
        onboardings: members.len(),
        milestones,
    }
}

/// The active onboardings with signals, the most at risk first.
pub async fn risk(app: &App, by: Caller<'_>) -> Result<Vec<OnboardingRamp>, Error> {
    let today = Utc::now().date_naive();
    let mut rows: Vec<OnboardingRamp> =
        onboardings(app, by, CohortBy::Manager, today, &Thresholds::default())
            .await?
            .into_iter()
            .filter(|r| r.status == "active")
            .collect();
    rows.sort_by(|a, b| {
        b.level
            .cmp(&a.level)
            .then(b.signals.len().cmp(&a.signals.len()))
            .then(a.start_date.cmp(&b.start_date))
    });
    Ok(rows)
}

/// Records grouped by onboarding, so each onboarding reads only its own.
struct Grouped<'r> {
    tasks: HashMap<i64, Vec<&'r onramp_store::RampTask>>,
    meetings: HashMap<i64, Vec<&'r onramp_store::RampMeeting>>,
    certifications: HashMap<i64, Vec<&'r onramp_store::RampDay>>,
    modules: HashMap<i64, Vec<&'r onramp_store::RampDay>>,
    pathways: HashMap<i64, Vec<&'r onramp_store::RampDated>>,
    pending_access: HashMap<i64, Vec<&'r onramp_store::RampDated>>,
    buddies: HashMap<i64, Vec<&'r onramp_store::RampDated>>,
    last_activity: HashMap<i64, Vec<&'r onramp_store::RampDated>>,
}

fn by_onboarding<T>(items: &[T], id: impl Fn(&T) -> i64) -> HashMap<i64, Vec<&T>> {
    let mut out: HashMap<i64, Vec<&T>> = HashMap::new();
    for item in items {
        out.entry(id(item)).or_default().push(item);
    }
    out
}

impl<'r> Grouped<'r> {
    fn of(r: &'r RampRecords) -> Grouped<'r> {
        Grouped {
            tasks: by_onboarding(&r.tasks, |t| t.onboarding_id),
            meetings: by_onboarding(&r.meetings, |m| m.onboarding_id),
            certifications: by_onboarding(&r.certifications, |c| c.onboarding_id),
            modules: by_onboarding(&r.modules, |m| m.onboarding_id),
            pathways: by_onboarding(&r.pathways, |p| p.onboarding_id),
            pending_access: by_onboarding(&r.pending_access, |a| a.onboarding_id),
            buddies: by_onboarding(&r.buddies, |b| b.onboarding_id),
            last_activity: by_onboarding(&r.last_activity, |a| a.onboarding_id),
        }
    }
}

/// The records of one onboarding in a map (none: an empty list).
fn of<'m, T>(map: &'m HashMap<i64, Vec<&'m T>>, id: i64) -> impl Iterator<Item = &'m T> + 'm {
    map.get(&id).into_iter().flatten().copied()
}

/// The facts of one onboarding and what the signals read beside them.
// Long: one field of the facts after another, each read from its records.
fn facts_of<'a>(
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
