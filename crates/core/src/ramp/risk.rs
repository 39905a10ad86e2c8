//! Early warning: signals that a new hire is falling behind, each with its
//! reason in words and where on the onboarding page the evidence is, and a
//! risk level computed from them with thresholds (program or `onramp.toml`).

use super::Facts;
use crate::meeting::{ShadowQuota, quota_weeks};
use crate::schedule::WorkCalendar;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// The thresholds of the signals and of the levels.
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct Thresholds {
    /// A buddy is expected by this business day.
    pub buddy_by_business_day: i64,
    /// A first customer meeting led is expected by this week.
    pub first_led_by_week: i64,
    /// No activity for this many business days is a signal.
    pub quiet_business_days: i64,
    /// An access request waiting this many days is a signal.
    pub access_pending_days: i64,
    /// Signals from which an onboarding is "watch".
    pub watch_from: usize,
    /// Signals from which it is "at risk" (an overdue compliance-critical task always is).
    pub at_risk_from: usize,
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            buddy_by_business_day: 3,
            first_led_by_week: 6,
            quiet_business_days: 5,
            access_pending_days: 5,
            watch_from: 1,
            at_risk_from: 2,
        }
    }
}

impl Thresholds {
    /// Checks the thresholds; the message names the field (`risk.<field>`).
    pub fn validate(&self) -> Result<(), String> {
        let days = [
            ("buddy_by_business_day", self.buddy_by_business_day, 60),
            ("first_led_by_week", self.first_led_by_week, 52),
            ("quiet_business_days", self.quiet_business_days, 60),
            ("access_pending_days", self.access_pending_days, 60),
        ];
        for (field, value, most) in days {
            if !(1..=most).contains(&value) {
                return Err(format!("risk.{field}: must be from 1 to {most}"));
            }
        }
        if self.watch_from == 0 || self.at_risk_from < self.watch_from {
            return Err(
                "risk.at_risk_from: must be at least watch_from, which is at least 1".into(),
            );
        }
        Ok(())
    }
}

/// What else the signals read beside the milestones' facts.
#[derive(Clone, Debug, Default)]
pub struct Situation<'a> {
    pub today: NaiveDate,
    /// Since when the onboarding has had a buddy (none: never had one).
    pub buddy_since: Option<NaiveDate>,
    pub quota: Option<&'a ShadowQuota>,
    /// The last day the new hire did something recorded.
    pub last_activity: Option<NaiveDate>,
    /// When each access request still waiting for a decision was made.
    pub access_pending_since: Vec<NaiveDate>,
    /// Pathway modules not done whose expected day has passed: their titles.
    pub modules_late: Vec<String>,
}

/// One reason to look at an onboarding.
#[derive(Clone, Debug, PartialEq, Serialize, serde::Deserialize)]
pub struct Signal {
    /// `overdue-compliance`, `no-buddy`, `shadowing-pace`, `no-led-meeting`,
    /// `falling-confidence`, `quiet`, `access-pending`, `modules-late`.
    pub kind: String,
    /// The reason in words.
    pub reason: String,
    /// Where the evidence is, from the onboarding's page: `#task-7`,
    /// `/meetings#led-h`, `/learning#pathway-h`…
    pub evidence: String,
}

/// The signal kinds and their names, in the order they are listed.
pub const SIGNALS: [(&str, &str); 8] = [
    ("overdue-compliance", "Compliance-critical task overdue"),
    ("no-buddy", "No onboarding buddy"),
    ("shadowing-pace", "Shadowing below the weekly pace"),
    ("no-led-meeting", "No customer meeting led yet"),
    ("falling-confidence", "Feedback confidence falling"),
    ("quiet", "No recent activity"),
    ("access-pending", "Access request waiting"),
    ("modules-late", "Pathway modules late"),
];

/// How an onboarding is doing, from its signals.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Level {
    OnTrack,
    Watch,
    AtRisk,
}

impl Level {
    pub const ALL: [Level; 3] = [Level::OnTrack, Level::Watch, Level::AtRisk];

    /// The level's name in data: `on-track`, `watch`, `at-risk`.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::OnTrack => "on-track",
            Level::Watch => "watch",
            Level::AtRisk => "at-risk",
        }
    }

    /// The level named `text` in data.
    pub fn parse(text: &str) -> Option<Level> {
        Level::ALL.into_iter().find(|l| l.as_str() == text)
    }

    /// The label of the level named `text` in data (the text itself if unknown).
    pub fn label_of(text: &str) -> &str {
        Level::parse(text).map_or(text, |l| l.label())
    }

    pub fn label(self) -> &'static str {
        match self {
            Level::OnTrack => "On track",
            Level::Watch => "Watch",
            Level::AtRisk => "At risk",
        }
    }
}

fn signal(kind: &str, reason: String, evidence: impl Into<String>) -> Signal {
    Signal {
        kind: kind.to_string(),
        reason,
        evidence: evidence.into(),
    }
}

/// The signals of an onboarding on `s.today`.
// Long: one short block per signal, in the order of SIGNALS.
pub fn signals(f: &Facts, s: &Situation, calendar: &WorkCalendar, t: &Thresholds) -> Vec<Signal> {
    let mut out = Vec::new();
    let first_day = calendar.add_business_days(f.start_date, 0);
    if s.today < first_day {
        return out;
    }
    for task in f
        .tasks
        .iter()
        .filter(|t| t.compliance_critical && t.finished_on.is_none())
    {
        if task.due_date < s.today {
            out.push(signal(
                "overdue-compliance",
                format!(
                    "“{}” must be done and has been overdue since {}",
                    task.title, task.due_date
                ),
                format!("#task-{}", task.id),
            ));
        }
    }
    let buddy_due = calendar.add_business_days(first_day, t.buddy_by_business_day as i32);
    if s.buddy_since.is_none() && s.today > buddy_due {
        out.push(signal(
            "no-buddy",
            format!(
                "No onboarding buddy by business day {} ({buddy_due})",
                t.buddy_by_business_day
            ),
            "#people-h",
        ));
    }
    if let Some(quota) = s.quota {
        let shadowed = f.shadowed_on();
        let ended: Vec<_> = quota_weeks(quota, f.start_date, &shadowed, s.today)
            .into_iter()
            .filter(|w| w.starts + chrono::Duration::days(7) <= s.today)
            .collect();
        if let [.., a, b] = ended.as_slice()
            && a.short_by() > 0
            && b.short_by() > 0
        {
            out.push(signal(
                "shadowing-pace",
                format!(
                    "Shadowed {} and {} meetings in weeks {} and {}, below the {} a week the program asks",
                    a.shadowed, b.shadowed, a.week, b.week, quota.per_week
                ),
                "/meetings#shadowed-h",
            ));
        }
    }
    let led_due = f.start_date + chrono::Duration::weeks(t.first_led_by_week);
    if s.today > led_due && !f.meetings.iter().any(|m| m.led) {
        out.push(signal(
            "no-led-meeting",
            format!(
                "No customer meeting led by week {} ({led_due})",
                t.first_led_by_week
            ),
            "/meetings#led-h",
        ));
    }
    let mut rated: Vec<_> = f
        .meetings
        .iter()
        .filter(|m| m.led)
        .filter_map(|m| m.confidence.map(|c| (m.held_on, c)))
        .collect();
    rated.sort_by_key(|(d, _)| *d);
    if let [.., (_, a), (_, b), (_, c)] = rated.as_slice()
        && a > b
        && b > c
    {
        out.push(signal(
            "falling-confidence",
            format!("Feedback confidence fell over the last three led meetings ({a:.1} → {b:.1} → {c:.1})"),
            "/meetings#led-h",
        ));
    }
    let since = s.last_activity.unwrap_or(first_day).max(first_day);
    let quiet = calendar.business_days_between(since, s.today);
    if quiet >= t.quiet_business_days {
        out.push(signal(
            "quiet",
            format!("Nothing recorded for {quiet} business days (since {since})"),
            "#timeline-h",
        ));
    }
    if let Some(oldest) = s.access_pending_since.iter().min() {
        let days = (s.today - *oldest).num_days();
        if days >= t.access_pending_days {
            out.push(signal(
                "access-pending",
                format!("An access request has waited {days} days for a decision"),
                "/learning#access-h",
            ));
        }
    }
    if !s.modules_late.is_empty() {
        let n = s.modules_late.len();
        out.push(signal(
            "modules-late",
            format!(
                "{n} pathway module{} late against {} week: {}",
                if n == 1 { " is" } else { "s are" },
                if n == 1 { "its" } else { "their" },
                s.modules_late.join(", ")
            ),
            "/learning#pathway-h",
        ));
    }
    out
}

/// The level from the signals that are not acknowledged.
pub fn level(signals: &[Signal], t: &Thresholds) -> Level {
    if signals.iter().any(|s| s.kind == "overdue-compliance")
        || signals.len() >= t.at_risk_from.max(1)
    {
        Level::AtRisk
    } else if signals.len() >= t.watch_from.max(1) {
        Level::Watch
    } else {
        Level::OnTrack
    }
}

#[cfg(test)]
mod tests {
    use super::super::{MeetingFact, TaskFact};
    use super::*;

    fn date(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
    }

    fn facts() -> Facts {
        Facts {
            start_date: date("2026-11-02"),
            tasks: vec![TaskFact {
                id: 7,
                title: "Security training".into(),
                phase: "first".into(),
                due_date: date("2026-11-06"),
                finished_on: None,
                compliance_critical: true,
            }],
            ..Facts::default()
        }
    }

    fn kinds(signals: &[Signal]) -> Vec<&str> {
        signals.iter().map(|s| s.kind.as_str()).collect()
    }

    #[test]
    fn thresholds_are_checked_by_field() {
        assert_eq!(Thresholds::default().validate(), Ok(()));
        let t = Thresholds {
            quiet_business_days: 0,
            ..Thresholds::default()
        };
        assert!(
            t.validate()
                .expect_err("zero")
                .starts_with("risk.quiet_business_days:")
        );
        let t = Thresholds {
            watch_from: 3,
            at_risk_from: 2,
            ..Thresholds::default()
        };
        assert!(
            t.validate()
                .expect_err("order")
                .starts_with("risk.at_risk_from:")
        );
    }

    #[test]
    fn an_early_onboarding_has_no_signals_yet() {
        let cal = WorkCalendar::default();
        let s = Situation {
            today: date("2026-11-03"),
            last_activity: Some(date("2026-11-03")),
            ..Situation::default()
        };
        let found = signals(&facts(), &s, &cal, &Thresholds::default());
        assert!(found.is_empty(), "{found:?}");
        assert_eq!(level(&found, &Thresholds::default()), Level::OnTrack);
    }

    #[test]
    fn overdue_compliance_and_no_buddy_across_a_holiday() {
        // 4 November is a holiday: business day 3 is 6 November, not the 5th.
        let cal = WorkCalendar::new([date("2026-11-04")]);
        let s = Situation {
            today: date("2026-11-06"),
            last_activity: Some(date("2026-11-06")),
            ..Situation::default()
        };
        let found = signals(&facts(), &s, &cal, &Thresholds::default());
        assert_eq!(
            kinds(&found),
            Vec::<&str>::new(),
            "due today is not overdue; the buddy is due today"
        );
        let s = Situation {
            today: date("2026-11-09"),
            last_activity: Some(date("2026-11-09")),
            ..Situation::default()
        };
        let found = signals(&facts(), &s, &cal, &Thresholds::default());
        assert_eq!(kinds(&found), ["overdue-compliance", "no-buddy"]);
        assert_eq!(found[0].evidence, "#task-7");
        assert!(
            found[0].reason.contains("“Security training”"),
            "{}",
            found[0].reason
        );
        assert!(
            found[1].reason.contains("business day 3 (2026-11-06)"),
            "{}",
            found[1].reason
        );
        assert_eq!(level(&found[..1], &Thresholds::default()), Level::AtRisk);
        // With a buddy and the task done, nothing.
        let mut f = facts();
        f.tasks[0].finished_on = Some(date("2026-11-05"));
        let s = Situation {
            buddy_since: Some(date("2026-11-02")),
            ..s
        };
        assert!(signals(&f, &s, &cal, &Thresholds::default()).is_empty());
    }

    // Long: one new hire followed over seven weeks, signal by signal.
    #[test]
    fn pace_led_meetings_confidence_quiet_access_and_modules() {
        let cal = WorkCalendar::default();
        let quota = ShadowQuota {
            per_week: 2,
            from_week: 1,
            to_week: 6,
        };
        let mut f = facts();
        f.tasks.clear();
        let shadowed = |d: &str| MeetingFact {
            led: false,
            held_on: date(d),
            confidence: None,
        };
        let led = |d: &str, c: f64| MeetingFact {
            led: true,
            held_on: date(d),
            confidence: Some(c),
        };
        // Week 1: two shadowed; weeks 2 and 3: one each.
        f.meetings = vec![
            shadowed("2026-11-03"),
            shadowed("2026-11-04"),
            shadowed("2026-11-10"),
            shadowed("2026-11-17"),
        ];
        let s = Situation {
            today: date("2026-11-24"),
            buddy_since: Some(date("2026-11-02")),
            quota: Some(&quota),
            last_activity: Some(date("2026-11-17")),
            access_pending_since: vec![date("2026-11-16")],
            modules_late: vec!["Where processes and tools live".into()],
        };
        let found = signals(&f, &s, &cal, &Thresholds::default());
        assert_eq!(
            kinds(&found),
            ["shadowing-pace", "quiet", "access-pending", "modules-late"]
        );
        assert!(
            found[0].reason.contains("weeks 2 and 3"),
            "{}",
            found[0].reason
        );
        assert!(
            found[1].reason.contains("5 business days"),
            "{}",
            found[1].reason
        );
        assert!(
            found[3].reason.starts_with("1 pathway module is late"),
            "{}",
            found[3].reason
        );
        assert_eq!(level(&found, &Thresholds::default()), Level::AtRisk);

        // Week 7 with no led meeting; then three led meetings, confidence falling.
        let later = Situation {
            today: date("2026-12-15"),
            quota: None,
            last_activity: Some(date("2026-12-14")),
            access_pending_since: Vec::new(),
            modules_late: Vec::new(),
            ..s
        };
        assert_eq!(
            kinds(&signals(&f, &later, &cal, &Thresholds::default())),
            ["no-led-meeting"]
        );
        f.meetings.extend([
            led("2026-11-30", 4.0),
            led("2026-12-03", 3.5),
            led("2026-12-08", 2.5),
        ]);
        let found = signals(&f, &later, &cal, &Thresholds::default());
        assert_eq!(kinds(&found), ["falling-confidence"]);
        assert!(
            found[0].reason.contains("4.0 → 3.5 → 2.5"),
            "{}",
            found[0].reason
        );
        assert_eq!(level(&found, &Thresholds::default()), Level::Watch);
    }
}
