//! Onboarding rules: task transitions, blocking, re-basing, upgrades, graduation.

use chrono::{NaiveDate, TimeZone, Utc};
use onramp_core::onboarding::*;
use onramp_core::program::{Criterion, SourceFile, parse_program};
use onramp_core::schedule::WorkCalendar;

fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
}

fn node(key: &str, status: TaskStatus, deps: &[&str]) -> TaskNode {
    TaskNode {
        key: key.into(),
        status,
        depends_on: deps.iter().map(|d| d.to_string()).collect(),
    }
}

#[test]
fn transitions() {
    use TaskStatus::*;
    assert_eq!(transition(Open, &TaskAction::Complete, &[]), Ok(Done));
    assert_eq!(
        transition(Done, &TaskAction::Complete, &[]),
        Err(TaskRefusal::Already(Done))
    );
    assert_eq!(
        transition(Blocked, &TaskAction::Complete, &["a".into()]),
        Err(TaskRefusal::Blocked(vec!["a".into()]))
    );
    assert_eq!(
        transition(
            Blocked,
            &TaskAction::Skip {
                note: Some("not needed".into())
            },
            &["a".into()]
        ),
        Ok(Skipped)
    );
    assert_eq!(
        transition(Skipped, &TaskAction::Skip { note: None }, &[]),
        Err(TaskRefusal::Already(Skipped))
    );
    assert_eq!(transition(Done, &TaskAction::Reopen, &[]), Ok(Open));
    assert_eq!(
        transition(Done, &TaskAction::Reopen, &["a".into()]),
        Ok(Blocked),
        "reopened behind an unfinished dependency"
    );
    assert_eq!(
        transition(Open, &TaskAction::Reopen, &[]),
        Err(TaskRefusal::NotFinished)
    );
    assert_eq!(
        TaskRefusal::Blocked(vec!["a".into(), "b".into()]).to_string(),
        "the task is blocked by unfinished tasks: a, b"
    );
}

#[test]
fn finishing_a_dependency_opens_its_dependents_and_reopening_blocks_them() {
    use TaskStatus::*;
    let tasks = vec![
        node("a", Done, &[]),
        node("b", Blocked, &["a"]),
        node("c", Blocked, &["a", "b"]),
        node("d", Open, &["ghost"]),
    ];
    assert_eq!(unfinished_dependencies(&tasks, "c"), ["b"]);
    assert_eq!(
        unfinished_dependencies(&tasks, "d"),
        Vec::<String>::new(),
        "dependencies outside the onboarding are ignored"
    );
    assert_eq!(reblock(&tasks), [("b".to_string(), Open)]);
    let reopened = vec![
        node("a", Open, &[]),
        node("b", Open, &["a"]),
        node("e", Done, &["a"]),
    ];
    assert_eq!(
        reblock(&reopened),
        [("b".to_string(), Blocked)],
        "done work stays done"
    );
}

#[test]
fn moving_the_start_date_moves_business_day_due_dates() {
    let cal = WorkCalendar::new([date("2026-12-25")]);
    // Day 5 from Monday 2026-12-21 skips the Christmas holiday and the weekend.
    assert_eq!(
        cal.add_business_days(date("2026-12-21"), 5),
        date("2026-12-29")
    );
    // The same task re-based to a start one week later.
    assert_eq!(
        cal.add_business_days(date("2026-12-28"), 5),
        date("2027-01-04")
    );
    // Pre-boarding counts back from the start.
    assert_eq!(
        cal.add_business_days(date("2026-12-28"), -3),
        date("2026-12-22")
    );
}

#[test]
fn today_depends_on_the_time_zone_across_dst() {
    // 2026-03-29 01:30 UTC: already 03:30 CEST in Berlin (clocks moved at 01:00 UTC), still the 28th in Los Angeles.
    let now = Utc
        .with_ymd_and_hms(2026, 3, 29, 1, 30, 0)
        .single()
        .expect("time");
    assert_eq!(today_in("Europe/Berlin", now), date("2026-03-29"));
    assert_eq!(today_in("America/Los_Angeles", now), date("2026-03-28"));
    // 23:30 UTC on 2026-10-24 is 01:30 the next day in Berlin (summer time) ...
    let summer = Utc
        .with_ymd_and_hms(2026, 10, 24, 23, 30, 0)
        .single()
        .expect("time");
    assert_eq!(today_in("Europe/Berlin", summer), date("2026-10-25"));
    // ... and 23:30 UTC on 2026-10-25 is 00:30 the next day (winter time, UTC+1).
    let winter = Utc
        .with_ymd_and_hms(2026, 10, 25, 23, 30, 0)
        .single()
        .expect("time");
    assert_eq!(today_in("Europe/Berlin", winter), date("2026-10-26"));
    assert_eq!(
        today_in("Mars/Olympus", winter),
        date("2026-10-25"),
        "unknown zones count as UTC"
    );
    assert!(is_time_zone("Asia/Kolkata") && !is_time_zone("Mars/Olympus"));
}

fn program(extra_task: &str, title_b: &str) -> onramp_core::program::Program {
    let mut files = vec![
        SourceFile { path: "program.md".into(), text: "---\nid: p\ntitle: P\nowner: E\nsegments: [Scale]\nregions: [EMEA]\nreviewed_at: 2026-01-01\nphases:\n  - {id: one, title: One, from_day: 0, to_day: 20}\n---\n".into() },
        SourceFile { path: "tasks/a.md".into(), text: "---\nid: a\ntitle: A\nowner: new-hire\nphase: one\ndue: 1\nkind: do\n---\n".into() },
        SourceFile { path: "tasks/b.md".into(), text: format!("---\nid: b\ntitle: {title_b}\nowner: new-hire\nphase: one\ndue: 2\nkind: do\n---\n") },
        SourceFile { path: "tasks/c.md".into(), text: "---\nid: c\ntitle: C\nowner: manager\nphase: one\ndue: 3\nkind: do\n---\n".into() },
    ];
    if !extra_task.is_empty() {
        files.push(SourceFile { path: format!("tasks/{extra_task}.md"), text: format!("---\nid: {extra_task}\ntitle: New\nowner: buddy\nphase: one\ndue: 9\nkind: do\n---\n") });
    }
    parse_program(&files, &[]).expect("valid")
}

#[test]
fn upgrade_diff_keeps_done_work_and_drops_removed_open_tasks() {
    let v1 = program("x", "B");
    let existing: Vec<ExistingTask> = v1
        .tasks
        .iter()
        .map(|t| ExistingTask {
            key: t.id.clone(),
            status: if t.id == "x" {
                TaskStatus::Done
            } else {
                TaskStatus::Open
            },
            template: t.clone(),
            due_day: v1.due_day(t),
        })
        .collect();
    // v2: B renamed, x removed (done: kept), c removed below, z added.
    let mut v2 = program("z", "B, revised");
    v2.tasks.retain(|t| t.id != "c");
    let diff = upgrade_diff(&existing, &v2, Some("Scale"), Some("EMEA"));
    assert_eq!(diff.added, [("z".to_string(), "New".to_string(), 9)]);
    assert_eq!(diff.removed, [("c".to_string(), "C".to_string())]);
    assert_eq!(diff.kept_finished, [("x".to_string(), "New".to_string())]);
    assert_eq!(diff.changed, [("b".to_string(), vec!["title".to_string()])]);
    assert!(!diff.is_empty());
    assert!(
        upgrade_diff(&existing, &v1, Some("Scale"), Some("EMEA")).is_empty(),
        "same version: nothing to do"
    );
}

#[test]
fn graduation_is_evaluated_from_data() {
    let mut p = program("", "B");
    p.tasks[0].graduation = vec![Criterion::ShadowedMeetings(5), Criterion::PathwayComplete];
    p.tasks[1].graduation = vec![Criterion::Certifications(vec!["git".into(), "ci".into()])];
    let tasks: Vec<_> = p.tasks.iter().collect();
    let none = evaluate_graduation(&tasks, &GraduationFacts::default());
    assert_eq!(none.len(), 3);
    assert!(none.iter().all(|r| !r.met));
    assert_eq!(
        none[0].missing.as_deref(),
        Some("0 of 5 shadowed meetings logged")
    );
    assert_eq!(
        none[1].missing.as_deref(),
        Some("no pathway progress recorded yet")
    );
    assert_eq!(none[2].missing.as_deref(), Some("not passed yet: git, ci"));
    let facts = GraduationFacts {
        shadowed_meetings: Some(6),
        pathway_complete: Some(true),
        passed_certifications: Some(vec!["git".into()]),
        led_meetings_with_feedback: None,
    };
    let some = evaluate_graduation(&tasks, &facts);
    assert!(some[0].met && some[1].met && !some[2].met);
    assert_eq!(some[2].missing.as_deref(), Some("not passed yet: ci"));
}
