//! Each onboarding's ramp, computed from its records and kept as a
//! snapshot until the onboarding changes (a running one's also until the
//! day ends, as its signals count days), so a report reads the records of
//! the onboardings that changed only.

use super::facts::{Grouped, facts_of};
use super::{ACKNOWLEDGED_DAYS, AcknowledgedSignal, CohortBy, OnboardingRamp, Viewer};
use crate::{App, Error};
use chrono::{NaiveDate, Utc};
use onramp_core::ramp::risk::{Situation, Thresholds, level, signals};
use onramp_core::ramp::{Milestone, milestones};
use onramp_core::schedule::WorkCalendar;
use onramp_store::{LevelChange, RampOnboarding, RampRecords, Selection};
use std::collections::HashMap;

/// What a snapshot of an onboarding's ramp was taken of: it is stale once
/// the onboarding, one of its tasks or anything audited against it
/// changed, the thresholds or holidays (`context`) changed, and, for a
/// running onboarding, on the next day.
fn fingerprint(o: &RampOnboarding, today: NaiveDate, context: &str) -> String {
    let base = format!(
        "{}:{}:{}:{context}",
        o.version,
        o.updated_at.timestamp_micros(),
        o.last_event.unwrap_or(0)
    );
    if o.status == "active" {
        format!("{base}:{today}")
    } else {
        base
    }
}

/// Which snapshots a computation may use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Reuse {
    All,
    /// Running onboardings are computed again (the sweep does, so records
    /// kept against the new hire rather than the onboarding count too).
    FinishedOnly,
}

/// What is kept of an onboarding's ramp.
#[derive(serde::Serialize, serde::Deserialize)]
struct Kept {
    milestones: Vec<Milestone>,
    level: Option<onramp_core::ramp::risk::Level>,
    signals: Vec<onramp_core::ramp::risk::Signal>,
    acknowledged: Vec<AcknowledgedSignal>,
}

/// The ramps of the onboardings selected, in the order of their start.
pub(super) async fn rows_for(
    app: &App,
    selection: Selection,
    viewer: Viewer,
    cohort_by: CohortBy,
    today: NaiveDate,
    t: &Thresholds,
    reuse: Reuse,
) -> Result<Vec<OnboardingRamp>, Error> {
    let onboardings = app.store.ramp_onboardings(selection).await?;
    // Business days count holidays; signals and levels follow the thresholds.
    let holidays: Vec<(String, NaiveDate)> = app
        .store
        .holidays()
        .await?
        .into_iter()
        .map(|(region, day, _)| (region, day))
        .collect();
    let listed: Vec<String> = holidays.iter().map(|(r, d)| format!("{r}:{d}")).collect();
    let thresholds = serde_json::to_string(t).unwrap_or_default();
    let context: String =
        onramp_core::sha256_hex(format!("{}|{thresholds}", listed.join(",")).as_bytes())
            .chars()
            .take(16)
            .collect();
    let by_id: HashMap<i64, &RampOnboarding> = onboardings.iter().map(|o| (o.id, o)).collect();
    let mut kept: HashMap<i64, Kept> = app
        .store
        .ramp_snapshots(selection)
        .await?
        .into_iter()
        .filter_map(|s| {
            let o = by_id.get(&s.onboarding_id)?;
            let usable = reuse == Reuse::All || o.status != "active";
            let fresh = usable && fingerprint(o, today, &context) == s.fingerprint;
            // An unreadable snapshot (an older shape) is computed again.
            let kept = serde_json::from_value(s.milestones.0).ok()?;
            fresh.then_some((s.onboarding_id, kept))
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
        compute(app, &records, &holidays, viewer, cohort_by, today, t)
            .await?
            .into_iter()
            .map(|r| (r.onboarding_id, r))
            .collect();
    // What was computed now is kept for the next report.
    let snapshots: Vec<(i64, String, serde_json::Value)> = records
        .onboardings
        .iter()
        .filter_map(|o| {
            let row = computed.get(&o.id)?;
            let kept = serde_json::to_value(Kept {
                milestones: row.milestones.clone(),
                level: row.level,
                signals: row.signals.clone(),
                acknowledged: row.acknowledged.clone(),
            })
            .ok()?;
            Some((o.id, fingerprint(o, today, &context), kept))
        })
        .collect();
    app.store.save_ramp_snapshots(&snapshots).await?;
    Ok(onboardings
        .iter()
        .filter_map(|o| {
            let mut row = match computed.remove(&o.id) {
                Some(row) => row,
                None => {
                    let k = kept.remove(&o.id)?;
                    OnboardingRamp {
                        onboarding_id: o.id,
                        name: o.name.clone(),
                        cohort: cohort_by.cohort_of(o),
                        start_date: o.start_date,
                        status: o.status.clone(),
                        milestones: k.milestones,
                        level: k.level,
                        signals: k.signals,
                        acknowledged: k.acknowledged,
                        level_history: Vec::new(),
                        visible: viewer.sees(o.manager_id, o.enablement_id),
                    }
                }
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
    holidays: &[(String, NaiveDate)],
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
        // A region's calendar: its holidays and the company-wide ones.
        let calendar = calendars
            .entry(o.region.clone())
            .or_insert_with(|| {
                let region = o.region.as_deref().unwrap_or("ALL");
                WorkCalendar::new(
                    holidays
                        .iter()
                        .filter(|(r, _)| r == region || r == "ALL")
                        .map(|(_, d)| *d),
                )
            })
            .clone();
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
