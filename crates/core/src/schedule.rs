//! Business-day arithmetic for due dates.

use chrono::{Datelike, Days, NaiveDate, Weekday};
use std::collections::BTreeSet;

/// Working days: Monday to Friday, less the holidays of a region.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WorkCalendar {
    pub holidays: BTreeSet<NaiveDate>,
}

impl WorkCalendar {
    pub fn new(holidays: impl IntoIterator<Item = NaiveDate>) -> Self {
        Self {
            holidays: holidays.into_iter().collect(),
        }
    }

    pub fn is_business_day(&self, date: NaiveDate) -> bool {
        !matches!(date.weekday(), Weekday::Sat | Weekday::Sun) && !self.holidays.contains(&date)
    }

    /// The date `offset` business days from `start`. Offset 0 is the start
    /// date itself, or the next business day when the start is not one;
    /// negative offsets count back from it.
    pub fn add_business_days(&self, start: NaiveDate, offset: i32) -> NaiveDate {
        let mut day = start;
        while !self.is_business_day(day) {
            day = next(day);
        }
        let mut remaining = offset.unsigned_abs();
        while remaining > 0 {
            day = if offset > 0 { next(day) } else { previous(day) };
            if self.is_business_day(day) {
                remaining -= 1;
            }
        }
        day
    }
}

impl WorkCalendar {
    /// Business days from `from` to `to`: the business days after `from`
    /// up to and including `to` (0 when `to` is `from`; negative when `to`
    /// is earlier).
    pub fn business_days_between(&self, from: NaiveDate, to: NaiveDate) -> i64 {
        if to < from {
            return -self.business_days_between(to, from);
        }
        let days = (to - from).num_days();
        if days == 0 {
            return 0;
        }
        let weeks = days / 7;
        let mut count = weeks * 5;
        let mut day = from + chrono::Duration::days(weeks * 7);
        for _ in 0..days % 7 {
            day = next(day);
            if !matches!(day.weekday(), Weekday::Sat | Weekday::Sun) {
                count += 1;
            }
        }
        use std::ops::Bound::{Excluded, Included};
        let holidays = self
            .holidays
            .range((Excluded(from), Included(to)))
            .filter(|d| !matches!(d.weekday(), Weekday::Sat | Weekday::Sun))
            .count() as i64;
        count - holidays
    }
}

fn next(d: NaiveDate) -> NaiveDate {
    d.checked_add_days(Days::new(1)).unwrap_or(d)
}

fn previous(d: NaiveDate) -> NaiveDate {
    d.checked_sub_days(Days::new(1)).unwrap_or(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("test date")
    }

    #[test]
    fn business_days_between_count_weekdays_less_holidays() {
        let cal = WorkCalendar::new([date("2026-12-25")]);
        // Monday to the next Monday: five business days.
        assert_eq!(
            cal.business_days_between(date("2026-12-07"), date("2026-12-14")),
            5
        );
        assert_eq!(
            cal.business_days_between(date("2026-12-07"), date("2026-12-07")),
            0
        );
        // Friday to Monday: one.
        assert_eq!(
            cal.business_days_between(date("2026-12-11"), date("2026-12-14")),
            1
        );
        // Across Christmas (a Friday holiday).
        assert_eq!(
            cal.business_days_between(date("2026-12-21"), date("2026-12-28")),
            4
        );
        assert_eq!(
            cal.business_days_between(date("2026-12-28"), date("2026-12-21")),
            -4
        );
        // The same as stepping with add_business_days.
        let start = date("2026-11-02");
        for n in 0..60 {
            let d = cal.add_business_days(start, n);
            assert_eq!(cal.business_days_between(start, d), i64::from(n), "{d}");
        }
    }

    #[test]
    fn skips_weekends_both_ways() {
        let cal = WorkCalendar::default();
        // 2026-11-27 is a Friday.
        assert_eq!(
            cal.add_business_days(date("2026-11-27"), 0),
            date("2026-11-27")
        );
        assert_eq!(
            cal.add_business_days(date("2026-11-27"), 1),
            date("2026-11-30")
        );
        assert_eq!(
            cal.add_business_days(date("2026-11-27"), 5),
            date("2026-12-04")
        );
        assert_eq!(
            cal.add_business_days(date("2026-11-30"), -1),
            date("2026-11-27")
        );
        assert_eq!(
            cal.add_business_days(date("2026-11-30"), -5),
            date("2026-11-23")
        );
    }

    #[test]
    fn a_weekend_start_rolls_forward_to_monday() {
        let cal = WorkCalendar::default();
        assert_eq!(
            cal.add_business_days(date("2026-11-28"), 0),
            date("2026-11-30")
        );
        assert_eq!(
            cal.add_business_days(date("2026-11-29"), 1),
            date("2026-12-01")
        );
    }

    #[test]
    fn holidays_are_not_business_days() {
        let cal = WorkCalendar::new([date("2026-12-24"), date("2026-12-25")]);
        // Wed 2026-12-23 + 1 skips Thu/Fri holidays and the weekend.
        assert_eq!(
            cal.add_business_days(date("2026-12-23"), 1),
            date("2026-12-28")
        );
        assert_eq!(
            cal.add_business_days(date("2026-12-28"), -1),
            date("2026-12-23")
        );
    }
}
