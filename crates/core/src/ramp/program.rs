//! Program analytics: how each task of a program version fares over the
//! onboardings that had it (done, skipped, late, reopened, how long it
//! stayed open, how much it was discussed), and how learning items fare
//! against the week they are expected in.

use super::distribution;
use crate::onboarding::TaskStatus;
use chrono::NaiveDate;
use serde::Serialize;

/// One onboarding's copy of a task, as the analytics read it.
#[derive(Clone, Debug, PartialEq)]
pub struct TaskRecord {
    /// The task's id in the program.
    pub key: String,
    pub title: String,
    pub phase: String,
    pub status: TaskStatus,
    pub due_date: NaiveDate,
    /// The day it could be worked on: the first day, or the day its last
    /// dependency was finished.
    pub opened_on: NaiveDate,
    /// The day it was done or skipped.
    pub finished_on: Option<NaiveDate>,
    /// How many times it was reopened.
    pub reopened: u32,
    pub comments: u32,
}

/// How one task of a program fares.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TaskStats {
    pub key: String,
    pub title: String,
    pub phase: String,
    /// Onboardings where it is finished or due by now (the figures are of
    /// these).
    pub onboardings: usize,
    /// Onboardings where it is open and not due yet (not in the figures).
    pub not_yet_due: usize,
    /// Share (0–1) done.
    pub done_rate: f64,
    /// Share skipped as not applicable.
    pub skipped_rate: f64,
    /// Share late, of those due by now and not skipped: done after the due
    /// day, or still open past it. `None` while none is due yet.
    pub late_rate: Option<f64>,
    /// Median calendar days late, of the late ones.
    pub median_days_late: Option<f64>,
    /// Share reopened at least once.
    pub reopen_rate: f64,
    /// Median calendar days from the day it could be worked on to done.
    pub median_days_to_done: Option<f64>,
    /// Comments on it, over all onboardings.
    pub comments: usize,
}

fn share(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 / whole as f64
    }
}

fn median(values: &[i64]) -> Option<f64> {
    distribution(values).map(|d| d.median)
}

/// How late a task is on `today`, in calendar days (`None`: not late, or
/// not due yet, or skipped).
fn days_late(t: &TaskRecord, today: NaiveDate) -> Option<i64> {
    match (t.status, t.finished_on) {
        (TaskStatus::Skipped, _) => None,
        (TaskStatus::Done, Some(day)) => Some((day - t.due_date).num_days()).filter(|d| *d > 0),
        (TaskStatus::Done, None) => None,
        _ => Some((today - t.due_date).num_days()).filter(|d| *d > 0),
    }
}

/// Whether a task counts towards the late rate on `today`: not skipped,
/// and done or due by now.
fn is_due(t: &TaskRecord, today: NaiveDate) -> bool {
    match t.status {
        TaskStatus::Skipped => false,
        TaskStatus::Done => true,
        _ => t.due_date < today,
    }
}

/// Each task's figures, in the order tasks first appear in `records`.
pub fn task_stats(records: &[TaskRecord], today: NaiveDate) -> Vec<TaskStats> {
    let mut keys: Vec<&str> = Vec::new();
    for r in records {
        if !keys.contains(&r.key.as_str()) {
            keys.push(&r.key);
        }
    }
    keys.into_iter()
        .map(|key| {
            let all: Vec<&TaskRecord> = records.iter().filter(|r| r.key == key).collect();
            let of: Vec<&TaskRecord> = all
                .iter()
                .copied()
                .filter(|r| r.status.is_finished() || r.due_date < today)
                .collect();
            let n = of.len();
            let count = |status| of.iter().filter(|r| r.status == status).count();
            let due = of.iter().filter(|r| is_due(r, today)).count();
            let late: Vec<i64> = of.iter().filter_map(|r| days_late(r, today)).collect();
            let to_done: Vec<i64> = of
                .iter()
                .filter(|r| r.status == TaskStatus::Done)
                .filter_map(|r| Some((r.finished_on? - r.opened_on).num_days().max(0)))
                .collect();
            TaskStats {
                key: key.to_string(),
                title: all[0].title.clone(),
                phase: all[0].phase.clone(),
                onboardings: n,
                not_yet_due: all.len() - n,
                done_rate: share(count(TaskStatus::Done), n),
                skipped_rate: share(count(TaskStatus::Skipped), n),
                late_rate: (due > 0).then(|| share(late.len(), due)),
                median_days_late: median(&late),
                reopen_rate: share(of.iter().filter(|r| r.reopened > 0).count(), n),
                median_days_to_done: median(&to_done),
                comments: of.iter().map(|r| r.comments as usize).sum(),
            }
        })
        .collect()
}

/// How a learning item (a pathway module, a reading item) fares: how many
/// of those who should do it did, and in which week of their onboarding.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ItemStats {
    pub id: String,
    pub title: String,
    /// Onboardings expected to do it.
    pub onboardings: usize,
    pub completed: usize,
    pub completion_rate: f64,
    /// The onboarding week it is expected by.
    pub expected_week: u32,
    /// Median week it was done in (week 1 starts on the first day).
    pub median_week: Option<f64>,
}

/// The onboarding week (1 = the first seven days) of `day`.
pub fn week_of(start: NaiveDate, day: NaiveDate) -> i64 {
    (day - start).num_days().div_euclid(7) + 1
}

/// The figures of one item, from the first day and completion day of each
/// onboarding expected to do it.
pub fn item_stats(
    id: &str,
    title: &str,
    expected_week: u32,
    each: &[(NaiveDate, Option<NaiveDate>)],
) -> ItemStats {
    let weeks: Vec<i64> = each
        .iter()
        .filter_map(|(start, done)| Some(week_of(*start, (*done)?)))
        .collect();
    ItemStats {
        id: id.to_string(),
        title: title.to_string(),
        onboardings: each.len(),
        completed: weeks.len(),
        completion_rate: share(weeks.len(), each.len()),
        expected_week,
        median_week: median(&weeks),
    }
}

/// The onboarding week a reading item of month `month` is expected by: the
/// week holding day 30 × month.
pub fn reading_week(month: u32) -> u32 {
    (30 * month).div_ceil(7)
}

/// How a list of tasks' figures can be sorted, so the tasks that are
/// always late or skipped stand out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TaskSort {
    /// As the program lists them.
    Program,
    Late,
    DaysLate,
    Skipped,
    Reopened,
    Done,
    TimeToDone,
    Comments,
}

impl TaskSort {
    pub const ALL: [TaskSort; 8] = [
        TaskSort::Program,
        TaskSort::Late,
        TaskSort::DaysLate,
        TaskSort::Skipped,
        TaskSort::Reopened,
        TaskSort::Done,
        TaskSort::TimeToDone,
        TaskSort::Comments,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            TaskSort::Program => "program",
            TaskSort::Late => "late",
            TaskSort::DaysLate => "days-late",
            TaskSort::Skipped => "skipped",
            TaskSort::Reopened => "reopened",
            TaskSort::Done => "done",
            TaskSort::TimeToDone => "time-to-done",
            TaskSort::Comments => "comments",
        }
    }

    pub fn parse(text: &str) -> Option<TaskSort> {
        TaskSort::ALL
            .into_iter()
            .find(|s| s.as_str() == text.trim())
    }

    /// Sorts the figures, the worst first (for `done`: the least done
    /// first); ties keep the program's order.
    pub fn sort(self, tasks: &mut [TaskStats]) {
        let key = |t: &TaskStats| -> f64 {
            match self {
                TaskSort::Program => 0.0,
                TaskSort::Late => t.late_rate.unwrap_or(-1.0),
                TaskSort::DaysLate => t.median_days_late.unwrap_or(-1.0),
                TaskSort::Skipped => t.skipped_rate,
                TaskSort::Reopened => t.reopen_rate,
                TaskSort::Done => -t.done_rate,
                TaskSort::TimeToDone => t.median_days_to_done.unwrap_or(-1.0),
                TaskSort::Comments => t.comments as f64,
            }
        };
        tasks.sort_by(|a, b| key(b).total_cmp(&key(a)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 3, d).expect("date")
    }

    fn task(key: &str, status: TaskStatus, due: u32, finished: Option<u32>) -> TaskRecord {
        TaskRecord {
            key: key.into(),
            title: format!("Task {key}"),
            phase: "first-30".into(),
            status,
            due_date: day(due),
            opened_on: day(2),
            finished_on: finished.map(day),
            reopened: 0,
            comments: 0,
        }
    }

    #[test]
    fn a_task_late_in_some_onboardings_skipped_in_one_and_reopened_in_another() {
        let today = day(20);
        let mut reopened = task("a", TaskStatus::Done, 10, Some(9));
        reopened.reopened = 2;
        reopened.comments = 3;
        let records = vec![
            reopened,
            // Done four days late.
            task("a", TaskStatus::Done, 10, Some(14)),
            // Still open, ten days past its due day.
            task("a", TaskStatus::Open, 10, None),
            // Skipped: neither late nor on time.
            task("a", TaskStatus::Skipped, 10, Some(5)),
            // Another task, not due yet.
            task("b", TaskStatus::Open, 25, None),
        ];
        let stats = task_stats(&records, today);
        assert_eq!(stats.len(), 2);
        let a = &stats[0];
        assert_eq!(a.onboardings, 4);
        assert_eq!((a.done_rate, a.skipped_rate), (0.5, 0.25));
        // Two late of the three due and not skipped.
        assert_eq!(a.late_rate, Some(2.0 / 3.0));
        assert_eq!(a.median_days_late, Some(7.0));
        assert_eq!(a.reopen_rate, 0.25);
        // Opened on the 2nd: done after 7 and 12 days.
        assert_eq!(a.median_days_to_done, Some(9.5));
        assert_eq!(a.comments, 3);
        let b = &stats[1];
        assert_eq!((b.onboardings, b.not_yet_due, b.done_rate), (0, 1, 0.0));
        assert_eq!((b.late_rate, b.median_days_late), (None, None));
        assert_eq!(b.median_days_to_done, None);
    }

    #[test]
    fn sorting_puts_the_worst_first_and_keeps_the_program_order_on_ties() {
        let today = day(20);
        let records = vec![
            task("a", TaskStatus::Done, 10, Some(9)),
            task("b", TaskStatus::Done, 10, Some(15)),
            task("c", TaskStatus::Skipped, 10, Some(5)),
            task("d", TaskStatus::Done, 10, Some(9)),
        ];
        let mut stats = task_stats(&records, today);
        TaskSort::Late.sort(&mut stats);
        let keys: Vec<&str> = stats.iter().map(|s| s.key.as_str()).collect();
        assert_eq!(keys, ["b", "a", "d", "c"]);
        TaskSort::Skipped.sort(&mut stats);
        assert_eq!(stats[0].key, "c");
        assert_eq!(TaskSort::parse("days-late"), Some(TaskSort::DaysLate));
        assert_eq!(TaskSort::parse("nope"), None);
    }

    #[test]
    fn learning_items_by_week() {
        let start = day(2);
        // Done on day 1 (week 1), day 8 (week 2) and day 15 (week 3); one not done.
        let each = [
            (start, Some(day(2))),
            (start, Some(day(9))),
            (start, Some(day(16))),
            (start, None),
        ];
        let s = item_stats("m1", "Module", 2, &each);
        assert_eq!((s.onboardings, s.completed), (4, 3));
        assert_eq!(s.completion_rate, 0.75);
        assert_eq!(s.median_week, Some(2.0));
        assert_eq!(week_of(start, day(8)), 1);
        assert_eq!(week_of(start, day(9)), 2);
        assert_eq!(week_of(start, day(1)), 0);
        assert_eq!(
            (reading_week(1), reading_week(2), reading_week(3)),
            (5, 9, 13)
        );
    }
}
