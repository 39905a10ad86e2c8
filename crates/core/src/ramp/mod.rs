//! Ramp analytics: the milestones of an onboarding, derived from what was
//! recorded (no extra data entry), counted in business days of the region's
//! calendar from the first day; their distribution over a cohort; and the
//! early-warning signals ([`risk`]).

pub mod program;
pub mod risk;
mod stats;

pub use stats::{Distribution, distribution};

use crate::schedule::WorkCalendar;
use chrono::NaiveDate;
use serde::Serialize;

/// A task as the analytics read it.
#[derive(Clone, Debug, PartialEq)]
pub struct TaskFact {
    pub id: i64,
    pub title: String,
    pub phase: String,
    pub due_date: NaiveDate,
    /// The day it was done, skipped or marked not applicable; `None` while
    /// open (a reopened task is open again).
    pub finished_on: Option<NaiveDate>,
    pub compliance_critical: bool,
}

/// A customer meeting the new hire shadowed or led.
#[derive(Clone, Debug, PartialEq)]
pub struct MeetingFact {
    pub led: bool,
    pub held_on: NaiveDate,
    /// The observer's average rating (1–5), once feedback is given.
    pub confidence: Option<f64>,
}

/// What was recorded of one onboarding, as the milestones need it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Facts {
    pub start_date: NaiveDate,
    /// The program's phases in order: id and title.
    pub phases: Vec<(String, String)>,
    pub tasks: Vec<TaskFact>,
    pub meetings: Vec<MeetingFact>,
    pub certifications_planned: usize,
    /// The day each planned certification was first passed.
    pub certifications_passed: Vec<NaiveDate>,
    pub modules_total: usize,
    /// The day each pathway module was completed.
    pub modules_done: Vec<NaiveDate>,
}

impl Facts {
    /// The days of the customer meetings the new hire shadowed.
    pub fn shadowed_on(&self) -> Vec<NaiveDate> {
        self.meetings
            .iter()
            .filter(|m| !m.led)
            .map(|m| m.held_on)
            .collect()
    }
}

/// The milestones every onboarding is measured by, in order, with their
/// keys (for CSV and JSON) and names.
pub const MILESTONES: [(&str, &str); 7] = [
    ("first-shadowed", "First customer meeting shadowed"),
    ("first-led", "First customer meeting led"),
    ("fifth-led-with-feedback", "Fifth led meeting with feedback"),
    ("first-certification", "First certification passed"),
    ("all-certifications", "All planned certifications passed"),
    ("pathway-complete", "Learning pathway complete"),
    ("onboarding-complete", "Onboarding complete"),
];

/// One milestone of one onboarding.
#[derive(Clone, Debug, PartialEq, Serialize, serde::Deserialize)]
pub struct Milestone {
    /// `first-led`, `phase:first-30-days`, …
    pub key: String,
    pub name: String,
    /// The day it was reached, if it was.
    pub reached_on: Option<NaiveDate>,
    /// Business days from the first day to `reached_on`.
    pub business_days: Option<i64>,
}

/// The n-th (1-based) earliest of some days.
fn nth_earliest(days: &[NaiveDate], n: usize) -> Option<NaiveDate> {
    let mut sorted = days.to_vec();
    sorted.sort_unstable();
    sorted.get(n.checked_sub(1)?).copied()
}

/// The day the last of `tasks` was finished, when all are.
fn all_finished<'a>(mut tasks: impl Iterator<Item = &'a TaskFact>) -> Option<NaiveDate> {
    let mut last: Option<NaiveDate> = None;
    let mut any = false;
    tasks.try_for_each(|t| {
        any = true;
        let day = t.finished_on?;
        last = Some(last.map_or(day, |l| l.max(day)));
        Some(())
    })?;
    if any { last } else { None }
}

/// The day each milestone was reached: the ones of [`MILESTONES`] and, after
/// the first led meeting, one per phase that has tasks ("phase:<id>").
pub fn milestones(f: &Facts, calendar: &WorkCalendar) -> Vec<Milestone> {
    let shadowed = f.shadowed_on();
    let led: Vec<NaiveDate> = f
        .meetings
        .iter()
        .filter(|m| m.led)
        .map(|m| m.held_on)
        .collect();
    let led_with_feedback: Vec<NaiveDate> = f
        .meetings
        .iter()
        .filter(|m| m.led && m.confidence.is_some())
        .map(|m| m.held_on)
        .collect();
    let all_certs = (f.certifications_planned > 0)
        .then(|| nth_earliest(&f.certifications_passed, f.certifications_planned))
        .flatten();
    let pathway = (f.modules_total > 0)
        .then(|| nth_earliest(&f.modules_done, f.modules_total))
        .flatten();
    let reached = [
        nth_earliest(&shadowed, 1),
        nth_earliest(&led, 1),
        nth_earliest(&led_with_feedback, 5),
        nth_earliest(&f.certifications_passed, 1),
        all_certs,
        pathway,
        all_finished(f.tasks.iter()),
    ];
    let mut out: Vec<Milestone> = MILESTONES
        .iter()
        .zip(reached)
        .map(|((key, name), on)| milestone(f, calendar, key, name, on))
        .collect();
    let phases = f
        .phases
        .iter()
        .filter(|(id, _)| f.tasks.iter().any(|t| &t.phase == id))
        .map(|(id, title)| {
            let on = all_finished(f.tasks.iter().filter(|t| &t.phase == id));
            milestone(
                f,
                calendar,
                &format!("phase:{id}"),
                &format!("{title} complete"),
                on,
            )
        });
    // Phases go after the led meeting, before certifications.
    let tail = out.split_off(3);
    out.extend(phases);
    out.extend(tail);
    out
}

fn milestone(
    f: &Facts,
    calendar: &WorkCalendar,
    key: &str,
    name: &str,
    on: Option<NaiveDate>,
) -> Milestone {
    Milestone {
        key: key.to_string(),
        name: name.to_string(),
        reached_on: on,
        // Day 0 is the first business day (a start on a Sunday counts from Monday).
        business_days: on.map(|d| {
            calendar.business_days_between(calendar.add_business_days(f.start_date, 0), d)
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
    }

    fn task(id: i64, phase: &str, finished: Option<&str>) -> TaskFact {
        TaskFact {
            id,
            title: format!("Task {id}"),
            phase: phase.into(),
            due_date: date("2026-11-20"),
            finished_on: finished.map(date),
            compliance_critical: false,
        }
    }

    fn led(on: &str, confidence: Option<f64>) -> MeetingFact {
        MeetingFact {
            led: true,
            held_on: date(on),
            confidence,
        }
    }

    fn facts() -> Facts {
        Facts {
            // A Monday.
            start_date: date("2026-11-02"),
            phases: vec![
                ("first".into(), "First 30 days".into()),
                ("second".into(), "Days 31–60".into()),
            ],
            tasks: vec![
                task(1, "first", Some("2026-11-03")),
                task(2, "first", Some("2026-11-10")),
                task(3, "second", None),
            ],
            meetings: vec![
                MeetingFact {
                    led: false,
                    held_on: date("2026-11-05"),
                    confidence: None,
                },
                led("2026-11-20", Some(3.0)),
                led("2026-11-16", None),
            ],
            certifications_planned: 2,
            certifications_passed: vec![date("2026-11-27")],
            modules_total: 2,
            modules_done: vec![date("2026-11-04"), date("2026-11-09")],
        }
    }

    fn reached(ms: &[Milestone], key: &str) -> (Option<NaiveDate>, Option<i64>) {
        let m = ms.iter().find(|m| m.key == key).expect(key);
        (m.reached_on, m.business_days)
    }

    #[test]
    fn milestones_come_from_what_was_recorded() {
        let cal = WorkCalendar::new([date("2026-11-26")]);
        let ms = milestones(&facts(), &cal);
        assert_eq!(
            reached(&ms, "first-shadowed"),
            (Some(date("2026-11-05")), Some(3))
        );
        // The earliest led meeting, with or without feedback.
        assert_eq!(
            reached(&ms, "first-led"),
            (Some(date("2026-11-16")), Some(10))
        );
        assert_eq!(reached(&ms, "fifth-led-with-feedback"), (None, None));
        assert_eq!(
            reached(&ms, "phase:first"),
            (Some(date("2026-11-10")), Some(6))
        );
        assert_eq!(reached(&ms, "phase:second"), (None, None));
        // Thanksgiving (26 November) is not a business day of this calendar.
        assert_eq!(
            reached(&ms, "first-certification"),
            (Some(date("2026-11-27")), Some(18))
        );
        assert_eq!(reached(&ms, "all-certifications"), (None, None));
        assert_eq!(
            reached(&ms, "pathway-complete"),
            (Some(date("2026-11-09")), Some(5))
        );
        assert_eq!(reached(&ms, "onboarding-complete"), (None, None));
        let keys: Vec<&str> = ms.iter().map(|m| m.key.as_str()).collect();
        assert_eq!(
            keys,
            [
                "first-shadowed",
                "first-led",
                "fifth-led-with-feedback",
                "phase:first",
                "phase:second",
                "first-certification",
                "all-certifications",
                "pathway-complete",
                "onboarding-complete"
            ]
        );
    }

    #[test]
    fn a_reopened_task_holds_its_phase_and_a_skipped_one_counts_as_finished() {
        let cal = WorkCalendar::default();
        let mut f = facts();
        // Task 2 was reopened: the first phase is not complete any more.
        f.tasks[1].finished_on = None;
        assert_eq!(reached(&milestones(&f, &cal), "phase:first"), (None, None));
        // Finished again later (done or skipped alike): the phase completes that day.
        f.tasks[1].finished_on = Some(date("2026-11-18"));
        f.tasks[2].finished_on = Some(date("2026-12-01"));
        let ms = milestones(&f, &cal);
        assert_eq!(
            reached(&ms, "phase:first"),
            (Some(date("2026-11-18")), Some(12))
        );
        assert_eq!(
            reached(&ms, "onboarding-complete"),
            (Some(date("2026-12-01")), Some(21))
        );
    }

    #[test]
    fn the_fifth_led_meeting_counts_only_meetings_with_feedback() {
        let cal = WorkCalendar::default();
        let mut f = facts();
        f.meetings = [
            "2026-11-09",
            "2026-11-10",
            "2026-11-11",
            "2026-11-12",
            "2026-11-13",
            "2026-11-16",
        ]
        .iter()
        .enumerate()
        .map(|(i, d)| led(d, (i != 1).then_some(4.0)))
        .collect();
        assert_eq!(
            reached(&milestones(&f, &cal), "fifth-led-with-feedback"),
            (Some(date("2026-11-16")), Some(10))
        );
    }

    #[test]
    fn a_start_on_a_weekend_counts_from_the_next_business_day() {
        let cal = WorkCalendar::default();
        let mut f = facts();
        f.start_date = date("2026-11-01"); // a Sunday
        assert_eq!(reached(&milestones(&f, &cal), "first-shadowed").1, Some(3));
    }
}
