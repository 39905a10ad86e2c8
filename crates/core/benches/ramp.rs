//! The ramp of one onboarding of ~120 tasks: its milestones, its signals
//! and its level; and the spread of a milestone over a cohort of 5,000.
//! What a report costs per onboarding it has to compute, not read.
//!
//! cargo bench -p onramp-core --bench ramp

use chrono::{Duration, NaiveDate};
use criterion::{Criterion, criterion_group, criterion_main};
use onramp_core::ramp::risk::{Situation, Thresholds, level, signals};
use onramp_core::ramp::{Facts, MeetingFact, TaskFact, distribution, milestones};
use onramp_core::schedule::WorkCalendar;

fn facts() -> Facts {
    let start = NaiveDate::from_ymd_opt(2026, 9, 7).expect("date");
    let phases = ["before", "first-30", "days-31-60", "days-61-90"];
    Facts {
        start_date: start,
        phases: phases
            .iter()
            .map(|p| (p.to_string(), format!("Phase {p}")))
            .collect(),
        tasks: (0..120)
            .map(|n| TaskFact {
                id: n,
                title: format!("Task {n}"),
                phase: phases[(n as usize * phases.len()) / 120].to_string(),
                due_date: start + Duration::days(n * 3 / 4),
                finished_on: (n < 80).then(|| start + Duration::days(n * 3 / 4 + n % 3)),
                compliance_critical: n % 10 == 0,
            })
            .collect(),
        meetings: (0..18)
            .map(|n| MeetingFact {
                led: n >= 10,
                held_on: start + Duration::days(3 + n * 3),
                confidence: (n >= 10).then(|| 2.5 + f64::from(n as i32 - 10) * 0.2),
            })
            .collect(),
        certifications_planned: 2,
        certifications_passed: vec![start + Duration::days(45)],
        modules_total: 6,
        modules_done: (0..4).map(|n| start + Duration::days(7 * n + 5)).collect(),
    }
}

fn ramp(c: &mut Criterion) {
    let f = facts();
    let calendar = WorkCalendar::default();
    let t = Thresholds::default();
    let today = f.start_date + Duration::days(70);
    c.bench_function("milestones, signals and level of 120 tasks", |b| {
        b.iter(|| {
            let m = milestones(&f, &calendar);
            let s = signals(
                &f,
                &Situation {
                    today,
                    buddy_since: Some(f.start_date),
                    quota: None,
                    last_activity: Some(today - Duration::days(2)),
                    access_pending_since: Vec::new(),
                    modules_late: vec!["Reading product usage data".into()],
                },
                &calendar,
                &t,
            );
            (m, level(&s, &t))
        })
    });
    let days: Vec<i64> = (0..5000).map(|n| (n * 7919) % 90).collect();
    c.bench_function("distribution of 5,000 values", |b| {
        b.iter(|| distribution(&days))
    });
}

criterion_group!(benches, ramp);
criterion_main!(benches);
