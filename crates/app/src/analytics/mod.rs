//! Ramp analytics: each onboarding's milestones and risk, cohorts compared
//! by the time to each milestone, as the acting person may see them
//! (People Connect, the Enablement team and admins: everyone; a manager:
//! their reports).

use crate::{App, Caller, Error};
use chrono::{NaiveDate, Utc};
use onramp_core::ramp::risk::{Level, Signal, Thresholds};
use onramp_core::ramp::{Distribution, Milestone, distribution};
use onramp_store::{AnalyticsScope, LevelChange, RampOnboarding, RecordedSignal, Selection};
use serde::Serialize;
use utoipa::ToSchema;

mod chart;
mod compare;
mod facts;
mod program;
mod rows;
pub use chart::{bars_svg, box_plot_svg, compare_csv, csv, paired_bars_svg, tasks_csv};
pub use compare::{ComparedMilestone, Comparison, Side, compare};
pub use onramp_core::ramp::program::TaskSort;
pub use program::{
    OfficeHoursStats, ProgramReport, TopicCount, WeekCount, parse_sort, parse_version, program,
};
use rows::{Reuse, rows_for};

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
    /// Signals acknowledged in the last two weeks: shown, not counted in
    /// the level.
    pub acknowledged: Vec<AcknowledgedSignal>,
    /// How the level changed, as the sweep recorded it, oldest first.
    #[schema(value_type = Vec<Object>)]
    pub level_history: Vec<LevelChange>,
    /// Whether the viewer may see this onboarding itself (otherwise it only
    /// counts in its cohort's figures).
    #[serde(skip)]
    pub visible: bool,
}

/// A signal someone acknowledged with a note.
#[derive(Clone, Debug, Serialize, serde::Deserialize, ToSchema)]
pub struct AcknowledgedSignal {
    pub kind: String,
    pub reason: String,
    pub note: String,
    pub by: Option<String>,
    pub at: chrono::DateTime<Utc>,
}

/// How long an acknowledgement keeps a signal from counting.
pub const ACKNOWLEDGED_DAYS: i64 = 14;

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
    /// Empty when withheld (see `withheld`).
    pub milestones: Vec<MilestoneSpread>,
    /// Fewer than five people, some of whom the viewer may not see: the
    /// figures would tell about them, so they are not given.
    pub withheld: bool,
}

/// Ramp time by cohort, and the onboardings behind it.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct RampReport {
    /// What the cohorts are made of: month, quarter, segment, region, program or manager.
    pub by: String,
    pub cohorts: Vec<Cohort>,
    pub onboardings: Vec<OnboardingRamp>,
}

/// Fewer people than this in a cohort, and its figures are withheld from
/// those who may not see each of them.
pub const SMALLEST_COHORT: usize = 5;

/// Which onboardings `by` may analyse, and whose individual ramps they may
/// see: People Connect and admins everyone's; the Enablement team the
/// figures of all, the individuals of the onboardings they take part in;
/// a manager their reports.
fn scope_for(by: Caller<'_>) -> Result<(AnalyticsScope, Viewer), Error> {
    use onramp_core::people::Role;
    match by {
        Caller::Operator => Ok((AnalyticsScope::All, Viewer::Everyone)),
        Caller::Person(a) if a.is_admin() || a.has(Role::PeopleConnect) => {
            Ok((AnalyticsScope::All, Viewer::Everyone))
        }
        Caller::Person(a) if a.has(Role::Enablement) => {
            Ok((AnalyticsScope::All, Viewer::PartyTo(a.person_id)))
        }
        Caller::Person(a) if a.has(Role::Manager) => Ok((
            AnalyticsScope::Manager(a.person_id),
            Viewer::PartyTo(a.person_id),
        )),
        Caller::Person(_) => Err(Error::Forbidden(
            "ramp analytics are for managers, People Connect, the Enablement team and admins"
                .into(),
        )),
    }
}

/// Whose individual ramps a viewer sees.
#[derive(Clone, Copy, Debug)]
enum Viewer {
    Everyone,
    /// The onboardings this person manages or is the Enablement contact of.
    PartyTo(i64),
}

impl Viewer {
    /// Whether the viewer sees an onboarding with this manager and Enablement contact.
    fn sees(self, manager: Option<i64>, enablement: Option<i64>) -> bool {
        match self {
            Viewer::Everyone => true,
            Viewer::PartyTo(me) => manager == Some(me) || enablement == Some(me),
        }
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
    let (scope, viewer) = scope_for(by)?;
    rows_for(app, scope.into(), viewer, cohort_by, today, t, Reuse::All).await
}

/// Ramp time by cohort (cohorts in order; milestones in the order of the
/// first onboarding's).
pub async fn ramp(app: &App, by: Caller<'_>, cohort_by: CohortBy) -> Result<RampReport, Error> {
    let today = Utc::now().date_naive();
    let rows = onboardings(app, by, cohort_by, today, &app.risk).await?;
    Ok(report(cohort_by, rows))
}

/// The cohorts of some onboardings' ramps.
pub fn report(cohort_by: CohortBy, rows: Vec<OnboardingRamp>) -> RampReport {
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
    RampReport {
        by: cohort_by.as_str().to_string(),
        cohorts,
        // Those the viewer may not see count in the figures only.
        onboardings: rows.into_iter().filter(|r| r.visible).collect(),
    }
}

fn cohort(name: String, members: &[&OnboardingRamp]) -> Cohort {
    if members.len() < SMALLEST_COHORT && members.iter().any(|m| !m.visible) {
        return Cohort {
            cohort: name,
            onboardings: members.len(),
            milestones: Vec::new(),
            withheld: true,
        };
    }
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
        withheld: false,
    }
}

/// Acknowledges a signal of an onboarding with a note, by someone who may
/// see that onboarding in the analytics; for two weeks it does not count
/// towards the level.
pub async fn acknowledge(
    app: &App,
    by: Caller<'_>,
    onboarding_id: i64,
    signal: &str,
    note: &str,
) -> Result<(), Error> {
    use onramp_core::ramp::risk::SIGNALS;
    let (_, viewer) = scope_for(by)?;
    let o = app.store.onboarding(onboarding_id).await?;
    if !viewer.sees(o.manager_id, o.enablement_id) {
        return Err(Error::NotFound);
    }
    if !SIGNALS.iter().any(|(kind, _)| *kind == signal) {
        let kinds: Vec<&str> = SIGNALS.iter().map(|(k, _)| *k).collect();
        return Err(Error::bad(
            "signal",
            format!("expected one of {}", kinds.join(", ")),
        ));
    }
    onramp_core::text::check("note", note, onramp_core::text::SHORT_TEXT)?;
    if note.trim().is_empty() {
        return Err(Error::bad("note", "say what is being done about it"));
    }
    app.store
        .acknowledge_signal(by.person_id(), onboarding_id, signal, note.trim())
        .await?;
    // The workspaces show the level without the acknowledged signal at once.
    record_levels(app, Utc::now(), Some(onboarding_id)).await?;
    Ok(())
}

/// The active onboardings with signals, the most at risk first.
pub async fn risk(app: &App, by: Caller<'_>) -> Result<Vec<OnboardingRamp>, Error> {
    let today = Utc::now().date_naive();
    let (scope, viewer) = scope_for(by)?;
    let selection = Selection {
        only_active: true,
        ..scope.into()
    };
    let rows = rows_for(
        app,
        selection,
        viewer,
        CohortBy::Manager,
        today,
        &app.risk,
        Reuse::All,
    )
    .await?;
    Ok(at_risk(&rows))
}

/// Records the level of each active onboarding (or of just `only`) as of
/// `now`; answers how many changed level. The sweep runs it, so the
/// level's history, the workspaces and the weekly summary read it (and
/// the milestones of onboardings finished since are kept for reports).
pub async fn record_levels(
    app: &App,
    now: chrono::DateTime<Utc>,
    only: Option<i64>,
) -> Result<usize, Error> {
    // All of them (not only the running ones): the finished ones that
    // changed get their snapshot of milestones kept for the next report.
    let selection = Selection {
        onboarding: only,
        ..AnalyticsScope::All.into()
    };
    let today = now.date_naive();
    let rows = rows_for(
        app,
        selection,
        Viewer::Everyone,
        CohortBy::Month,
        today,
        &app.risk,
        Reuse::FinishedOnly,
    )
    .await?;
    let mut changed = 0;
    for r in rows {
        let Some(level) = r.level else { continue };
        let signals: Vec<RecordedSignal> = r
            .signals
            .iter()
            .map(|s| RecordedSignal {
                kind: s.kind.clone(),
                reason: s.reason.clone(),
            })
            .collect();
        if app
            .store
            .record_level(r.onboarding_id, level.as_str(), &signals, now)
            .await?
        {
            changed += 1;
        }
    }
    Ok(changed)
}

/// The active ones of some onboardings' ramps, the most at risk first.
pub fn at_risk(rows: &[OnboardingRamp]) -> Vec<OnboardingRamp> {
    let mut rows: Vec<OnboardingRamp> = rows
        .iter()
        .filter(|r| r.visible && r.status == "active")
        .cloned()
        .collect();
    rows.sort_by(|a, b| {
        b.level
            .cmp(&a.level)
            .then(b.signals.len().cmp(&a.signals.len()))
            .then(a.start_date.cmp(&b.start_date))
    });
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(id: i64, cohort: &str, visible: bool, first_led: Option<i64>) -> OnboardingRamp {
        OnboardingRamp {
            onboarding_id: id,
            name: format!("Hire {id}"),
            cohort: cohort.into(),
            start_date: NaiveDate::from_ymd_opt(2026, 5, 4).expect("date"),
            status: "active".into(),
            milestones: vec![Milestone {
                key: "first-led".into(),
                name: "First customer meeting led".into(),
                reached_on: None,
                business_days: first_led,
            }],
            level: Some(Level::OnTrack),
            signals: Vec::new(),
            acknowledged: Vec::new(),
            level_history: Vec::new(),
            visible,
        }
    }

    #[test]
    fn small_cohorts_of_people_one_may_not_see_are_withheld() {
        let rows = vec![
            // Q1: four people, one of them the viewer's: withheld.
            row(1, "2026-Q1", true, Some(20)),
            row(2, "2026-Q1", false, Some(25)),
            row(3, "2026-Q1", false, Some(30)),
            row(4, "2026-Q1", false, None),
            // Q2: five people the viewer may not see: figures only.
            row(5, "2026-Q2", false, Some(10)),
            row(6, "2026-Q2", false, Some(20)),
            row(7, "2026-Q2", false, Some(30)),
            row(8, "2026-Q2", false, Some(40)),
            row(9, "2026-Q2", false, None),
            // Q3: two people, both visible: shown.
            row(10, "2026-Q3", true, Some(12)),
            row(11, "2026-Q3", true, Some(18)),
        ];
        let r = report(CohortBy::Quarter, rows);
        let q1 = &r.cohorts[0];
        assert!(q1.withheld && q1.milestones.is_empty() && q1.onboardings == 4);
        let q2 = &r.cohorts[1];
        assert!(!q2.withheld);
        let d = q2.milestones[0].business_days.as_ref().expect("figures");
        assert_eq!((q2.milestones[0].reached, d.median), (4, 25.0));
        assert!(!r.cohorts[2].withheld);
        // Only the onboardings the viewer may see are listed one by one.
        let ids: Vec<i64> = r.onboardings.iter().map(|o| o.onboarding_id).collect();
        assert_eq!(ids, vec![1, 10, 11]);
        // The counts add up.
        assert_eq!(r.cohorts.iter().map(|c| c.onboardings).sum::<usize>(), 11);
    }
}
