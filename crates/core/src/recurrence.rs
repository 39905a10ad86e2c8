//! Recurring sessions for people: the choices of the recurrence picker
//! ("every other Tuesday until March") turned into an iCalendar rule, and any
//! rule told back in words. Nobody has to read or write an RRULE.

use crate::calendar::Recurrence;
use chrono::{Datelike, NaiveDate, NaiveDateTime, TimeZone, Utc, Weekday};
use chrono_tz::Tz;
use rrule::{Frequency, NWeekday, RRule, Unvalidated};

/// How often a series repeats, as the picker offers it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Repeat {
    Weekly,
    Fortnightly,
    /// The same weekday of the month as the first session (e.g. the second Tuesday).
    MonthlyWeekday,
    /// Monday to Friday.
    Weekdays,
    Daily,
}

impl Repeat {
    pub const ALL: [Repeat; 5] = [
        Repeat::Weekly,
        Repeat::Fortnightly,
        Repeat::MonthlyWeekday,
        Repeat::Weekdays,
        Repeat::Daily,
    ];

    /// The form and API value.
    pub fn as_str(self) -> &'static str {
        match self {
            Repeat::Weekly => "weekly",
            Repeat::Fortnightly => "fortnightly",
            Repeat::MonthlyWeekday => "monthly",
            Repeat::Weekdays => "weekdays",
            Repeat::Daily => "daily",
        }
    }

    /// What the picker shows.
    pub fn label(self) -> &'static str {
        match self {
            Repeat::Weekly => "Every week",
            Repeat::Fortnightly => "Every other week",
            Repeat::MonthlyWeekday => "Every month, on the same weekday",
            Repeat::Weekdays => "Every weekday (Monday to Friday)",
            Repeat::Daily => "Every day",
        }
    }

    pub fn parse(text: &str) -> Option<Repeat> {
        Repeat::ALL.into_iter().find(|r| r.as_str() == text.trim())
    }
}

/// The days a week can be picked by, Monday first, with their rule codes.
pub const DAYS: [(Weekday, &str); 7] = [
    (Weekday::Mon, "MO"),
    (Weekday::Tue, "TU"),
    (Weekday::Wed, "WE"),
    (Weekday::Thu, "TH"),
    (Weekday::Fri, "FR"),
    (Weekday::Sat, "SA"),
    (Weekday::Sun, "SU"),
];

/// A weekday from its rule code (`TU`) or English name (`tuesday`, `tue`).
pub fn weekday(text: &str) -> Option<Weekday> {
    let t = text.trim().to_ascii_uppercase();
    DAYS.iter()
        .find(|(_, code)| t == *code)
        .map(|(d, _)| *d)
        .or_else(|| t.parse::<Weekday>().ok())
}

/// The English name of a weekday.
pub fn day_name(day: Weekday) -> &'static str {
    match day {
        Weekday::Mon => "Monday",
        Weekday::Tue => "Tuesday",
        Weekday::Wed => "Wednesday",
        Weekday::Thu => "Thursday",
        Weekday::Fri => "Friday",
        Weekday::Sat => "Saturday",
        Weekday::Sun => "Sunday",
    }
}

fn code(day: Weekday) -> &'static str {
    DAYS.iter()
        .find(|(d, _)| *d == day)
        .map_or("MO", |(_, c)| c)
}

/// What was picked: how often, on which days of the week (weekly and
/// fortnightly; none means the first session's day), and the last day.
#[derive(Clone, Debug, PartialEq)]
pub struct Choice {
    pub repeat: Repeat,
    pub days: Vec<Weekday>,
    pub until: Option<NaiveDate>,
}

/// The iCalendar rule for a choice whose first session is `start` (local in
/// `zone`). Errors read `field: message`, the field being `days`, `start`
/// or `until`.
pub fn rule_of(choice: &Choice, start: NaiveDateTime, zone: &str) -> Result<String, String> {
    let first = start.weekday();
    let mut days = choice.days.clone();
    days.sort_by_key(Weekday::num_days_from_monday);
    days.dedup();
    if !days.is_empty() && !days.contains(&first) {
        return Err(format!(
            "days: the first session is on a {}; tick {} too, or pick a first session on one of the ticked days",
            day_name(first),
            day_name(first)
        ));
    }
    let list = |days: &[Weekday]| days.iter().map(|d| code(*d)).collect::<Vec<_>>().join(",");
    let mut rule = match choice.repeat {
        Repeat::Weekly | Repeat::Fortnightly => {
            let days = if days.is_empty() { vec![first] } else { days };
            let every = if choice.repeat == Repeat::Fortnightly {
                ";INTERVAL=2"
            } else {
                ""
            };
            format!("FREQ=WEEKLY{every};BYDAY={}", list(&days))
        }
        Repeat::MonthlyWeekday => {
            let nth = (start.day() - 1) / 7 + 1;
            // A fifth weekday is not in every month: the last one is.
            let nth = if nth == 5 { -1 } else { i64::from(nth) };
            format!("FREQ=MONTHLY;BYDAY={nth}{}", code(first))
        }
        Repeat::Weekdays => {
            if matches!(first, Weekday::Sat | Weekday::Sun) {
                return Err(
                    "start: the first session of a weekday series falls on a weekday".into(),
                );
            }
            format!(
                "FREQ=WEEKLY;BYDAY={}",
                list(&DAYS[..5].iter().map(|(d, _)| *d).collect::<Vec<_>>())
            )
        }
        Repeat::Daily => "FREQ=DAILY".to_string(),
    };
    if let Some(until) = choice.until {
        if until < start.date() {
            return Err(format!(
                "until: the last day ({until}) is before the first session ({})",
                start.date()
            ));
        }
        rule.push_str(&format!(";UNTIL={}", until_utc(until, zone)?));
    }
    Ok(rule)
}

/// The end of a local day as the UTC `UNTIL` a zoned rule needs.
fn until_utc(day: NaiveDate, zone: &str) -> Result<String, String> {
    let z: Tz = zone
        .parse()
        .map_err(|_| format!("time_zone: unknown time zone `{zone}`"))?;
    let end = day
        .and_hms_opt(23, 59, 59)
        .ok_or_else(|| "until: not a day".to_string())?;
    let at = z
        .from_local_datetime(&end)
        .latest()
        .map_or_else(|| Utc.from_utc_datetime(&end), |t| t.with_timezone(&Utc));
    Ok(at.format("%Y%m%dT%H%M%SZ").to_string())
}

fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

fn ordinal(n: i16) -> String {
    match n {
        -1 => "last".into(),
        1 => "first".into(),
        2 => "second".into(),
        3 => "third".into(),
        4 => "fourth".into(),
        n => format!("{n}th"),
    }
}

fn every(interval: u16, one: &str, other: &str, many: &str) -> String {
    match interval {
        0 | 1 => one.to_string(),
        2 => other.to_string(),
        n => many.replace("{n}", &n.to_string()),
    }
}

/// Whether a parsed rule uses parts the words below do not cover.
fn unusual(rule: &RRule<Unvalidated>) -> bool {
    !(rule.get_by_set_pos().is_empty()
        && rule.get_by_month().is_empty()
        && rule.get_by_year_day().is_empty()
        && rule.get_by_week_no().is_empty()
        && rule.get_by_hour().is_empty()
        && rule.get_by_minute().is_empty()
        && rule.get_by_second().is_empty()
        && rule.get_by_month_day().len() <= 1)
}

/// How often, in words: "Every other Tuesday", "The second Tuesday of every month".
fn how_often(rule: &RRule<Unvalidated>, start: NaiveDateTime) -> Option<String> {
    let interval = rule.get_interval();
    let plain: Vec<Weekday> = rule
        .get_by_weekday()
        .iter()
        .filter_map(|d| match d {
            NWeekday::Every(w) => Some(*w),
            NWeekday::Nth(..) => None,
        })
        .collect();
    let nth: Vec<(i16, Weekday)> = rule
        .get_by_weekday()
        .iter()
        .filter_map(|d| match d {
            NWeekday::Nth(n, w) => Some((*n, *w)),
            NWeekday::Every(_) => None,
        })
        .collect();
    let names = |days: &[Weekday]| {
        and_list(
            &days
                .iter()
                .map(|d| day_name(*d).to_string())
                .collect::<Vec<_>>(),
        )
    };
    let workweek = plain.len() == 5 && DAYS[..5].iter().all(|(d, _)| plain.contains(d));
    Some(match rule.get_freq() {
        Frequency::Daily if plain.is_empty() => {
            every(interval, "Every day", "Every other day", "Every {n} days")
        }
        Frequency::Daily | Frequency::Weekly if workweek && interval <= 1 => {
            "Every weekday (Monday to Friday)".into()
        }
        Frequency::Daily | Frequency::Weekly if nth.is_empty() => {
            let days = if plain.is_empty() {
                vec![start.weekday()]
            } else {
                plain
            };
            let days = names(&days);
            every(
                interval,
                &format!("Every {days}"),
                &format!("Every other {days}"),
                &format!("Every {{n}} weeks on {days}"),
            )
        }
        Frequency::Monthly if plain.is_empty() => {
            let of = every(
                interval,
                "every month",
                "every other month",
                "every {n} months",
            );
            match (nth.as_slice(), rule.get_by_month_day()) {
                ([(n, w)], []) => format!("The {} {} of {of}", ordinal(*n), day_name(*w)),
                ([], [d]) if *d > 0 => format!("Day {d} of {of}"),
                ([], [-1]) => format!("The last day of {of}"),
                ([], []) => format!("Day {} of {of}", start.day()),
                _ => return None,
            }
        }
        Frequency::Yearly
            if plain.is_empty() && nth.is_empty() && rule.get_by_month_day().is_empty() =>
        {
            every(
                interval,
                &format!("Every year on {}", start.format("%-d %B")),
                &format!("Every other year on {}", start.format("%-d %B")),
                &format!("Every {{n}} years on {}", start.format("%-d %B")),
            )
        }
        _ => return None,
    })
}

/// A series' schedule in words, e.g. "Every Tuesday at 16:00 (Europe/Amsterdam),
/// from 6 October 2026 until 30 March 2027".
pub fn in_words(r: &Recurrence) -> String {
    let from = r.start.format("%-d %B %Y");
    let at = format!("at {} ({})", r.start.format("%H:%M"), r.time_zone);
    let Ok(rule) = r.rrule.trim().parse::<RRule<Unvalidated>>() else {
        return format!("A custom schedule {at}, from {from}");
    };
    let often = match how_often(&rule, r.start) {
        Some(words) if !unusual(&rule) => words,
        _ => "On a custom schedule".to_string(),
    };
    let mut words = format!("{often} {at}, from {from}");
    if let Some(until) = rule.get_until() {
        let last = match r.time_zone.parse::<Tz>() {
            Ok(z) => until.with_timezone(&z).date_naive(),
            Err(_) => until.date_naive(),
        };
        words.push_str(&format!(" until {}", last.format("%-d %B %Y")));
    }
    if let Some(n) = rule.get_count() {
        words.push_str(&format!(
            ", {n} session{} in all",
            if n == 1 { "" } else { "s" }
        ));
    }
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(y: i32, m: u32, d: u32, h: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, m, d)
            .and_then(|d| d.and_hms_opt(h, 0, 0))
            .expect("date")
    }

    fn series(rrule: &str, start: NaiveDateTime, zone: &str) -> Recurrence {
        Recurrence {
            rrule: rrule.into(),
            start,
            time_zone: zone.into(),
            duration_minutes: 60,
            cancelled: Vec::new(),
        }
    }

    fn choice(repeat: Repeat, days: &[Weekday], until: Option<NaiveDate>) -> Choice {
        Choice {
            repeat,
            days: days.to_vec(),
            until,
        }
    }

    // 6 October 2026 is a Tuesday.
    const ZONE: &str = "Europe/Amsterdam";

    #[test]
    fn a_weekly_choice_becomes_its_rule_and_reads_back() {
        let start = at(2026, 10, 6, 16);
        let until = NaiveDate::from_ymd_opt(2027, 3, 30);
        let rule = rule_of(&choice(Repeat::Weekly, &[], until), start, ZONE).expect("rule");
        // The end of 30 March in Amsterdam (summer time, UTC+2) is 21:59:59 UTC.
        assert_eq!(rule, "FREQ=WEEKLY;BYDAY=TU;UNTIL=20270330T215959Z");
        let s = series(&rule, start, ZONE);
        s.validate().expect("valid");
        assert_eq!(
            in_words(&s),
            "Every Tuesday at 16:00 (Europe/Amsterdam), from 6 October 2026 until 30 March 2027"
        );
        // The rule ends on the last day: its last session is that day.
        let all = s
            .occurrences(
                Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap(),
                Utc.with_ymd_and_hms(2028, 1, 1, 0, 0, 0).unwrap(),
                100,
            )
            .expect("sessions");
        assert_eq!(all.len(), 26);
        assert_eq!(
            all.last().map(|d| d.date_naive()),
            NaiveDate::from_ymd_opt(2027, 3, 30)
        );
    }

    #[test]
    fn fortnightly_and_several_days() {
        let start = at(2026, 10, 6, 9);
        let c = choice(Repeat::Fortnightly, &[Weekday::Thu, Weekday::Tue], None);
        let rule = rule_of(&c, start, ZONE).expect("rule");
        assert_eq!(rule, "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH");
        assert_eq!(
            in_words(&series(&rule, start, ZONE)),
            "Every other Tuesday and Thursday at 09:00 (Europe/Amsterdam), from 6 October 2026"
        );
    }

    #[test]
    fn monthly_takes_the_weekday_of_the_first_session() {
        let second = rule_of(
            &choice(Repeat::MonthlyWeekday, &[], None),
            at(2026, 10, 13, 9),
            ZONE,
        );
        assert_eq!(second.as_deref(), Ok("FREQ=MONTHLY;BYDAY=2TU"));
        let fifth = rule_of(
            &choice(Repeat::MonthlyWeekday, &[], None),
            at(2026, 10, 29, 9),
            ZONE,
        );
        assert_eq!(fifth.as_deref(), Ok("FREQ=MONTHLY;BYDAY=-1TH"));
        let s = series("FREQ=MONTHLY;BYDAY=2TU", at(2026, 10, 13, 9), ZONE);
        assert!(in_words(&s).starts_with("The second Tuesday of every month at 09:00"));
        let s = series("FREQ=MONTHLY;BYDAY=-1TH", at(2026, 10, 29, 9), ZONE);
        assert!(in_words(&s).starts_with("The last Thursday of every month"));
    }

    #[test]
    fn weekdays_and_daily() {
        let rule = rule_of(
            &choice(Repeat::Weekdays, &[], None),
            at(2026, 10, 6, 9),
            "UTC",
        );
        assert_eq!(rule.as_deref(), Ok("FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"));
        let s = series(
            "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR",
            at(2026, 10, 6, 9),
            "UTC",
        );
        assert!(in_words(&s).starts_with("Every weekday (Monday to Friday) at 09:00 (UTC)"));
        let saturday = rule_of(
            &choice(Repeat::Weekdays, &[], None),
            at(2026, 10, 10, 9),
            "UTC",
        );
        assert!(saturday.expect_err("weekend").starts_with("start:"));
        let s = series("FREQ=DAILY;COUNT=5", at(2026, 10, 6, 9), "UTC");
        assert_eq!(
            in_words(&s),
            "Every day at 09:00 (UTC), from 6 October 2026, 5 sessions in all"
        );
    }

    #[test]
    fn mistakes_name_their_field() {
        let start = at(2026, 10, 6, 9);
        let e = rule_of(&choice(Repeat::Weekly, &[Weekday::Thu], None), start, ZONE);
        assert!(
            e.expect_err("day")
                .starts_with("days: the first session is on a Tuesday")
        );
        let e = rule_of(
            &choice(Repeat::Weekly, &[], NaiveDate::from_ymd_opt(2026, 10, 1)),
            start,
            ZONE,
        );
        assert!(e.expect_err("until").starts_with("until:"));
        let e = rule_of(
            &choice(Repeat::Weekly, &[], NaiveDate::from_ymd_opt(2026, 11, 1)),
            start,
            "Mars/Base",
        );
        assert!(e.expect_err("zone").starts_with("time_zone:"));
    }

    #[test]
    fn typed_rules_read_in_words_and_odd_ones_say_custom() {
        let s = series("FREQ=WEEKLY;BYDAY=WE", at(2026, 10, 7, 15), "UTC");
        assert!(in_words(&s).starts_with("Every Wednesday at 15:00 (UTC)"));
        let s = series("FREQ=WEEKLY;INTERVAL=3", at(2026, 10, 7, 15), "UTC");
        assert!(in_words(&s).starts_with("Every 3 weeks on Wednesday"));
        let s = series("FREQ=MONTHLY;BYMONTHDAY=15", at(2026, 10, 15, 15), "UTC");
        assert!(in_words(&s).starts_with("Day 15 of every month"));
        let s = series(
            "FREQ=MONTHLY;BYDAY=TU;BYSETPOS=2",
            at(2026, 10, 13, 15),
            "UTC",
        );
        assert!(in_words(&s).starts_with("On a custom schedule at 15:00"));
        for r in Repeat::ALL {
            assert_eq!(Repeat::parse(r.as_str()), Some(r));
        }
        assert_eq!(weekday("tu"), Some(Weekday::Tue));
        assert_eq!(weekday("Thursday"), Some(Weekday::Thu));
        assert_eq!(weekday("someday"), None);
    }
}
