//! Each onboarding's ramp, computed from its records; a finished
//! onboarding's milestones are kept as a snapshot, so a report reads the
//! records of running onboardings only (and of finished ones that changed).

use super::facts::{Grouped, facts_of};
use super::{ACKNOWLEDGED_DAYS, AcknowledgedSignal, CohortBy, OnboardingRamp, Viewer};
use crate::{App, Error};
use chrono::{NaiveDate, Utc};
use onramp_core::ramp::risk::{Situation, Thresholds, level, signals};
use onramp_core::ramp::{Milestone, milestones};
use onramp_core::schedule::WorkCalendar;
use onramp_store::{LevelChange, RampOnboarding, RampRecords, Selection};
use std::collections::HashMap;

/// What a snapshot of an onboarding's milestones was taken of: it is
/// stale once the onboarding or one of its tasks changed.
fn fingerprint(o: &RampOnboarding) -> String {
    format!("{}:{}", o.version, o.updated_at.timestamp_micros())
}

/// The ramps of the onboardings selected, in the order of their start.
pub(super) async fn rows_for(
    app: &App,
    selection: Selection,
    viewer: Viewer,
    cohort_by: CohortBy,
    today: NaiveDate,
    t: &Thresholds,
) -> Result<Vec<OnboardingRamp>, Error> {
    let onboardings = app.store.ramp_onboardings(selection).await?;
    let by_id: HashMap<i64, &RampOnboarding> = onboardings.iter().map(|o| (o.id, o)).collect();
    let mut kept: HashMap<i64, Vec<Milestone>> = app
        .store
        .ramp_snapshots(selection)
        .await?
        .into_iter()
        .filter_map(|s| {
            let o = by_id.get(&s.onboarding_id);
            let fresh = o.is_some_and(|o| o.status != "active" && fingerprint(o) == s.fingerprint);
            let milestones = serde_json::from_value(s.milestones.0).ok()?;
            fresh.then_some((s.onboarding_id, milestones))
        })
        .collect();
    let live: Vec<i64> = onboardings
        .iter()
        .filter(|o| !kept.contains_key(&o.id))
        .map(|o| o.id)
        .collect();
    let records = app.store.ramp_records_of(selection, &live).await?;
    let mut history: HashMap<i64, Vec<LevelChange>> = HashMap::new();
    for c in app.store.level_changes(selection).await? {
        history.entry(c.onboarding_id).or_default().push(c);
    }
    let mut computed: HashMap<i64, OnboardingRamp> =
        compute(app, &records, viewer, cohort_by, today, t)
            .await?
            .into_iter()
            .map(|r| (r.onboarding_id, r))
            .collect();
    // Finished onboardings computed now are kept for the next report.
    let snapshots: Vec<(i64, String, serde_json::Value)> = records
        .onboardings
        .iter()
        .filter(|o| o.status != "active")
        .filter_map(|o| {
            let milestones = serde_json::to_value(&computed.get(&o.id)?.milestones).ok()?;
            Some((o.id, fingerprint(o), milestones))
        })
        .collect();
    app.store.save_ramp_snapshots(&snapshots).await?;
    Ok(onboardings
        .iter()
        .filter_map(|o| {
            let mut row = match computed.remove(&o.id) {
                Some(row) => row,
                None => OnboardingRamp {
                    onboarding_id: o.id,
                    name: o.name.clone(),
                    cohort: cohort_by.cohort_of(o),
                    start_date: o.start_date,
                    status: o.status.clone(),
                    milestones: kept.remove(&o.id)?,
                    level: None,
                    signals: Vec::new(),
                    acknowledged: Vec::new(),
                    level_history: Vec::new(),
                    visible: viewer.sees(o.manager_id, o.enablement_id),
                },
            };
            row.level_history = history.remove(&o.id).unwrap_or_default();
            Some(row)
        })
        .collect())
}

/// The ramps of the onboardings in `records`, from their facts.
// Long: each onboarding's facts, then its signals with the acknowledged ones set apart.
async fn compute(
    app: &App,
    records: &RampRecords,
    viewer: Viewer,
    cohort_by: CohortBy,
    today: NaiveDate,
    t: &Thresholds,
) -> Result<Vec<OnboardingRamp>, Error> {
    let grouped = Grouped::of(records);
    let mut calendars: HashMap<Option<String>, WorkCalendar> = HashMap::new();
    let mut versions = HashMap::new();
    let mut out = Vec::with_capacity(records.onboardings.len());
    // Acknowledgements older than this count no more.
    let since = Utc::now() - chrono::Duration::days(ACKNOWLEDGED_DAYS);
    for o in &records.onboardings {
        if !calendars.contains_key(&o.region) {
            let calendar = app.store.calendar_for(o.region.as_deref()).await?;
            calendars.insert(o.region.clone(), calendar);
        }
        let calendar = calendars.get(&o.region).cloned().unwrap_or_default();
        if let std::collections::hash_map::Entry::Vacant(e) = versions.entry(o.program_version_id) {
            e.insert(app.store.program_version(o.program_version_id).await?);
        }
        let Some(version) = versions.get(&o.program_version_id) else {
            continue;
        };
        let program = &version.definition.0;
        let (facts, situation) = facts_of(o, &grouped, program, today);
        let active = o.status == "active";
        let mut found = if active {
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
        let acks: Vec<_> = grouped
            .acknowledgements
            .get(&o.id)
            .into_iter()
            .flatten()
            .filter(|a| a.at >= since)
            .collect();
        let mut acknowledged = Vec::new();
        found.retain(|s| match acks.iter().find(|a| a.signal == s.kind) {
            Some(a) => {
                acknowledged.push(AcknowledgedSignal {
                    kind: s.kind.clone(),
                    reason: s.reason.clone(),
                    note: a.note.clone(),
                    by: a.by_name.clone(),
                    at: a.at,
                });
                false
            }
            None => true,
        });
        out.push(OnboardingRamp {
            onboarding_id: o.id,
            name: o.name.clone(),
            cohort: cohort_by.cohort_of(o),
            start_date: o.start_date,
            status: o.status.clone(),
            milestones: milestones(&facts, &calendar),
            level: active.then(|| level(&found, t)),
            signals: found,
            acknowledged,
            level_history: Vec::new(),
            visible: viewer.sees(o.manager_id, o.enablement_id),
        });
    }
    Ok(out)
}
