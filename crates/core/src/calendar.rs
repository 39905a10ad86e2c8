//! Recurring sessions (iCalendar RRULE, with cancelled dates) and iCalendar
//! feeds with stable UIDs and correct time zones (UTC, or a TZID with its
//! VTIMEZONE).

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, Offset, TimeZone, Utc};
use chrono_tz::{OffsetComponents, Tz};
use icalendar::{Calendar, Component, Event, EventLike, Property};

/// A recurring session as defined: local start, zone, rule and cancellations.
#[derive(Clone, Debug, PartialEq)]
pub struct Recurrence {
    /// e.g. `FREQ=WEEKLY;BYDAY=WE` (without the `RRULE:` prefix).
    pub rrule: String,
    /// The first session, local time in `time_zone`.
    pub start: NaiveDateTime,
    pub time_zone: String,
    pub duration_minutes: u32,
    /// Cancelled sessions, by their local start.
    pub cancelled: Vec<NaiveDateTime>,
}

fn tz(name: &str) -> Result<Tz, String> {
    name.parse()
        .map_err(|_| format!("time_zone: unknown time zone `{name}`"))
}

fn ical_local(t: NaiveDateTime) -> String {
    t.format("%Y%m%dT%H%M%S").to_string()
}

impl Recurrence {
    /// Checks the rule and the zone; messages name the field.
    pub fn validate(&self) -> Result<(), String> {
        tz(&self.time_zone)?;
        if !(5..=600).contains(&self.duration_minutes) {
            return Err("duration_minutes: must be from 5 to 600".into());
        }
        let rule = self.rrule.trim();
        if rule.is_empty() || rule.contains('\n') || rule.to_ascii_uppercase().starts_with("RRULE")
        {
            return Err("rrule: give the rule itself, e.g. FREQ=WEEKLY;BYDAY=WE".into());
        }
        self.set()?;
        Ok(())
    }

    fn set(&self) -> Result<rrule::RRuleSet, String> {
        let mut text = format!(
            "DTSTART;TZID={}:{}\nRRULE:{}",
            self.time_zone,
            ical_local(self.start),
            self.rrule.trim()
        );
        for c in &self.cancelled {
            text.push_str(&format!(
                "\nEXDATE;TZID={}:{}",
                self.time_zone,
                ical_local(*c)
            ));
        }
        text.parse::<rrule::RRuleSet>()
            .map_err(|e| format!("rrule: {e}"))
    }

    /// Session starts from `after` (inclusive) to `before`, at most `limit`.
    pub fn occurrences(
        &self,
        after: DateTime<Utc>,
        before: DateTime<Utc>,
        limit: u16,
    ) -> Result<Vec<DateTime<Utc>>, String> {
        let zone = rrule::Tz::UTC;
        let set = self
            .set()?
            .after(after.with_timezone(&zone) - Duration::seconds(1))
            .before(before.with_timezone(&zone));
        // The window opens a second early (the recurrence works in whole seconds), so one
        // extra date may fall before `after`: ask for one more and drop it.
        Ok(set
            .all(limit.saturating_add(1))
            .dates
            .into_iter()
            .map(|d| d.with_timezone(&Utc))
            .filter(|d| *d >= after)
            .take(usize::from(limit))
            .collect())
    }

    /// The local start of a session given in UTC.
    pub fn local(&self, at: DateTime<Utc>) -> Result<NaiveDateTime, String> {
        Ok(at.with_timezone(&tz(&self.time_zone)?).naive_local())
    }
}

/// One entry of a feed.
#[derive(Clone, Debug)]
pub enum FeedItem {
    /// A timed (possibly recurring) event.
    Timed {
        uid: String,
        summary: String,
        description: String,
        url: Option<String>,
        recurrence: Recurrence,
        /// Without a rule: a single event at `recurrence.start`.
        recurring: bool,
    },
    /// An all-day event (task due dates, meetings logged by day).
    AllDay {
        uid: String,
        summary: String,
        description: String,
        date: NaiveDate,
        /// A calendar reminder this many days before (e.g. a certification expiry).
        remind_days_before: Option<u32>,
    },
}

/// Escapes nothing itself: the icalendar crate escapes text values (commas,
/// semicolons, backslashes and newlines) and folds long lines.
// Long: one match over the kinds of calendar event, each building its fields.
pub fn feed(name: &str, items: &[FeedItem], now: DateTime<Utc>) -> Result<String, String> {
    let mut calendar = Calendar::empty();
    calendar.append_property(Property::new("VERSION", "2.0"));
    calendar.append_property(Property::new(
        "PRODID",
        "-//Onramp//Onboarding calendar//EN",
    ));
    calendar.append_property(Property::new("CALSCALE", "GREGORIAN"));
    calendar.name(name);
    let mut zones: Vec<(String, i32)> = Vec::new();
    for item in items {
        match item {
            FeedItem::Timed {
                uid,
                summary,
                description,
                url,
                recurrence,
                recurring,
            } => {
                let zone = tz(&recurrence.time_zone)?;
                let mut event = Event::new();
                event
                    .uid(uid)
                    .summary(summary)
                    .description(description)
                    .timestamp(now);
                if let Some(u) = url {
                    event.url(u);
                }
                let end =
                    recurrence.start + Duration::minutes(i64::from(recurrence.duration_minutes));
                if zone == chrono_tz::UTC {
                    event.append_property(Property::new(
                        "DTSTART",
                        format!("{}Z", ical_local(recurrence.start)),
                    ));
                    event.append_property(Property::new("DTEND", format!("{}Z", ical_local(end))));
                } else {
                    let mut start = Property::new("DTSTART", ical_local(recurrence.start));
                    start.add_parameter("TZID", &recurrence.time_zone);
                    let mut finish = Property::new("DTEND", ical_local(end));
                    finish.add_parameter("TZID", &recurrence.time_zone);
                    event.append_property(start);
                    event.append_property(finish);
                    let year = recurrence.start.year();
                    if !zones
                        .iter()
                        .any(|(z, y)| z == &recurrence.time_zone && *y == year)
                    {
                        zones.push((recurrence.time_zone.clone(), year));
                    }
                }
                if *recurring {
                    recurrence.validate()?;
                    event.append_property(Property::new("RRULE", recurrence.rrule.trim()));
                    for c in &recurrence.cancelled {
                        let value = if zone == chrono_tz::UTC {
                            format!("{}Z", ical_local(*c))
                        } else {
                            ical_local(*c)
                        };
                        let mut ex = Property::new("EXDATE", value);
                        if zone != chrono_tz::UTC {
                            ex.add_parameter("TZID", &recurrence.time_zone);
                        }
                        event.append_multi_property(ex);
                    }
                }
                calendar.push(event.done());
            }
            FeedItem::AllDay {
                uid,
                summary,
                description,
                date,
                remind_days_before,
            } => {
                // DTEND is exclusive: an all-day event ends the next day.
                let mut end = Property::new(
                    "DTEND",
                    (*date + Duration::days(1)).format("%Y%m%d").to_string(),
                );
                end.add_parameter("VALUE", "DATE");
                let mut event = Event::new();
                event
                    .uid(uid)
                    .summary(summary)
                    .description(description)
                    .timestamp(now)
                    .all_day(*date)
                    .append_property(end);
                if let Some(days) = remind_days_before {
                    event.alarm(icalendar::Alarm::display(
                        summary,
                        -Duration::days(i64::from(*days)),
                    ));
                }
                calendar.push(event.done());
            }
        }
    }
    let mut text = calendar.done().to_string();
    // The icalendar crate writes no VTIMEZONE; ours goes before the end.
    let mut blocks = String::new();
    for (zone, year) in zones {
        blocks.push_str(&vtimezone(&zone, year)?);
    }
    if let Some(end) = text.rfind("END:VCALENDAR") {
        text.insert_str(end, &blocks);
    }
    Ok(text)
}

/// A VTIMEZONE (CRLF lines) listing the zone's offset changes from `year`
/// for five years.
fn vtimezone(name: &str, year: i32) -> Result<String, String> {
    let zone = tz(name)?;
    let from = NaiveDate::from_ymd_opt(year, 1, 1).ok_or("year out of range")?;
    let offset_at = |t: NaiveDateTime| {
        let o = zone.offset_from_utc_datetime(&t);
        (o.fix().local_minus_utc(), o.dst_offset().num_seconds() != 0)
    };
    let fmt = |secs: i32| {
        let sign = if secs < 0 { '-' } else { '+' };
        let s = secs.abs();
        format!("{sign}{:02}{:02}", s / 3600, (s % 3600) / 60)
    };
    let mut out = format!("BEGIN:VTIMEZONE\r\nTZID:{name}\r\n");
    let mut t = from.and_hms_opt(0, 0, 0).ok_or("date")?;
    let end = t + Duration::days(365 * 5);
    let mut current = offset_at(t);
    let mut changes = 0;
    while t < end {
        let next = t + Duration::hours(1);
        let o = offset_at(next);
        if o.0 != current.0 {
            // The onset in the local time of the offset in force before it.
            let local = next + Duration::seconds(i64::from(current.0));
            let kind = if o.1 { "DAYLIGHT" } else { "STANDARD" };
            out.push_str(&format!(
                "BEGIN:{kind}\r\nDTSTART:{}\r\nTZOFFSETFROM:{}\r\nTZOFFSETTO:{}\r\nEND:{kind}\r\n",
                ical_local(local),
                fmt(current.0),
                fmt(o.0)
            ));
            changes += 1;
            current = o;
        }
        t = next;
    }
    if changes == 0 {
        out.push_str(&format!(
            "BEGIN:STANDARD\r\nDTSTART:19700101T000000\r\nTZOFFSETFROM:{0}\r\nTZOFFSETTO:{0}\r\nEND:STANDARD\r\n",
            fmt(current.0)
        ));
    }
    out.push_str("END:VTIMEZONE\r\n");
    Ok(out)
}

/// Parses `YYYY-MM-DDTHH:MM` (as an HTML datetime-local field sends it).
pub fn parse_local(field: &str, text: &str) -> Result<NaiveDateTime, String> {
    NaiveDateTime::parse_from_str(text.trim(), "%Y-%m-%dT%H:%M")
        .or_else(|_| NaiveDateTime::parse_from_str(text.trim(), "%Y-%m-%dT%H:%M:%S"))
        .or_else(|_| NaiveDateTime::parse_from_str(text.trim(), "%Y-%m-%d %H:%M"))
        .map_err(|_| format!("{field}: expected a local time as YYYY-MM-DDTHH:MM, got `{text}`"))
}

/// The UTC instant of a local time in a time zone (the earlier one when the
/// clocks go back; an error for an unknown zone or a time skipped when they
/// go forward).
pub fn from_local(local: NaiveDateTime, zone: &str) -> Result<DateTime<Utc>, String> {
    let z = tz(zone)?;
    local
        .and_local_timezone(z)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
        .ok_or_else(|| format!("{local} does not exist in {zone} (the clocks go forward)"))
}

const REGIONS: [&str; 9] = [
    "Africa",
    "America",
    "Antarctica",
    "Asia",
    "Atlantic",
    "Australia",
    "Europe",
    "Indian",
    "Pacific",
];

/// Every IANA time-zone name a person can pick, UTC first, then by name
/// (listed once, on first use).
pub fn zone_names() -> &'static [&'static str] {
    static NAMES: std::sync::LazyLock<Vec<&'static str>> = std::sync::LazyLock::new(|| {
        let mut names: Vec<&'static str> = chrono_tz::TZ_VARIANTS
            .iter()
            .map(|z| z.name())
            .filter(|n| {
                // The regional names; old aliases (US/Eastern, EST5EDT, Etc/GMT+5) are left out.
                n.split_once('/')
                    .is_some_and(|(area, _)| REGIONS.contains(&area))
            })
            .collect();
        names.sort_unstable();
        names.insert(0, "UTC");
        names
    });
    &NAMES
}

/// A UTC instant shown in a viewer's time zone, e.g. `Wed 2 Dec 2026, 16:00 CET`.
pub fn in_zone(at: DateTime<Utc>, zone: &str) -> String {
    match zone.parse::<Tz>() {
        Ok(z) => at
            .with_timezone(&z)
            .format("%a %-d %b %Y, %H:%M %Z")
            .to_string(),
        Err(_) => at.format("%a %-d %b %Y, %H:%M UTC").to_string(),
    }
}

/// An instant as people read it: how long ago or how soon, the exact time
/// in their time zone (for a hover), and ISO 8601 for machines.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Moment {
    pub iso: String,
    /// E.g. `Wed 2 Dec 2026, 16:00 CET`.
    pub exact: String,
    /// E.g. `3 hours ago`, `in 2 days`.
    pub relative: String,
}

impl Moment {
    pub fn new(at: DateTime<Utc>, zone: &str, now: DateTime<Utc>) -> Moment {
        Moment {
            iso: at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            exact: in_zone(at, zone),
            relative: relative(at, now),
        }
    }
}

/// How far `at` is from `now` in words: `just now`, `5 minutes ago`,
/// `in 3 hours`, `yesterday`, `in 2 days`, `4 weeks ago`.
pub fn relative(at: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let seconds = (at - now).num_seconds();
    let past = seconds < 0;
    let s = seconds.unsigned_abs();
    let (n, unit) = match s {
        0..60 => return "just now".to_string(),
        60..3_600 => (s / 60, "minute"),
        3_600..86_400 => (s / 3_600, "hour"),
        86_400..172_800 => return if past { "yesterday" } else { "tomorrow" }.to_string(),
        172_800..1_209_600 => (s / 86_400, "day"),
        1_209_600..5_184_000 => (s / 604_800, "week"),
        _ => (s / 2_592_000, "month"),
    };
    let plural = if n == 1 { "" } else { "s" };
    if past {
        format!("{n} {unit}{plural} ago")
    } else {
        format!("in {n} {unit}{plural}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_read_relative_to_now() {
        let now = at("2026-12-07T12:00:00Z");
        let cases = [
            ("2026-12-07T11:59:30Z", "just now"),
            ("2026-12-07T11:55:00Z", "5 minutes ago"),
            ("2026-12-07T11:00:00Z", "1 hour ago"),
            ("2026-12-07T15:00:00Z", "in 3 hours"),
            ("2026-12-06T10:00:00Z", "yesterday"),
            ("2026-12-08T13:00:00Z", "tomorrow"),
            ("2026-12-09T12:00:00Z", "in 2 days"),
            ("2026-11-09T12:00:00Z", "4 weeks ago"),
            ("2026-06-07T12:00:00Z", "6 months ago"),
        ];
        for (when, words) in cases {
            assert_eq!(relative(at(when), now), words, "{when}");
        }
        let m = Moment::new(at("2026-12-02T15:00:00Z"), "Europe/Amsterdam", now);
        assert_eq!(m.exact, "Wed 2 Dec 2026, 16:00 CET");
        assert_eq!(m.iso, "2026-12-02T15:00:00Z");
        assert_eq!(m.relative, "4 days ago", "whole days, rounded down");
    }

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn weekly(zone: &str, start: &str) -> Recurrence {
        Recurrence {
            rrule: "FREQ=WEEKLY;BYDAY=WE".into(),
            start: parse_local("start", start).unwrap(),
            time_zone: zone.into(),
            duration_minutes: 60,
            cancelled: vec![],
        }
    }

    #[test]
    fn a_session_just_before_the_window_does_not_use_up_the_limit() {
        let r = weekly("UTC", "2026-10-21T15:00");
        // The window opens half a second after a session; the next one is still returned.
        let got = r
            .occurrences(at("2026-10-21T15:00:00.5Z"), at("2026-11-05T00:00:00Z"), 1)
            .unwrap();
        assert_eq!(got, vec![at("2026-10-28T15:00:00Z")]);
    }

    #[test]
    fn utc_series_stays_at_15_utc_across_dst() {
        let r = weekly("UTC", "2026-10-21T15:00");
        let got = r
            .occurrences(at("2026-10-20T00:00:00Z"), at("2026-11-05T00:00:00Z"), 10)
            .unwrap();
        assert_eq!(
            got,
            vec![
                at("2026-10-21T15:00:00Z"),
                at("2026-10-28T15:00:00Z"),
                at("2026-11-04T15:00:00Z")
            ]
        );
        // Seen from Berlin, the session moves from 17:00 to 16:00 when summer time ends on 25 October.
        assert_eq!(
            in_zone(got[0], "Europe/Berlin"),
            "Wed 21 Oct 2026, 17:00 CEST"
        );
        assert_eq!(
            in_zone(got[1], "Europe/Berlin"),
            "Wed 28 Oct 2026, 16:00 CET"
        );
    }

    #[test]
    fn local_series_keeps_local_time_and_cancellations_are_skipped() {
        let mut r = weekly("Europe/Berlin", "2026-10-21T15:00");
        r.cancelled = vec![parse_local("c", "2026-10-28T15:00").unwrap()];
        let got = r
            .occurrences(at("2026-10-20T00:00:00Z"), at("2026-11-05T00:00:00Z"), 10)
            .unwrap();
        assert_eq!(
            got,
            vec![at("2026-10-21T13:00:00Z"), at("2026-11-04T14:00:00Z")]
        );
    }

    #[test]
    fn bad_rules_are_named() {
        let mut r = weekly("UTC", "2026-10-21T15:00");
        r.rrule = "FREQ=SOMETIMES".into();
        assert!(r.validate().unwrap_err().starts_with("rrule:"));
        r.rrule = "RRULE:FREQ=WEEKLY".into();
        assert!(
            r.validate()
                .unwrap_err()
                .starts_with("rrule: give the rule itself")
        );
        let mut r = weekly("Mars/Base", "2026-10-21T15:00");
        assert_eq!(
            r.validate().unwrap_err(),
            "time_zone: unknown time zone `Mars/Base`"
        );
        r.time_zone = "UTC".into();
        r.duration_minutes = 0;
        assert!(r.validate().unwrap_err().starts_with("duration_minutes"));
        assert!(
            parse_local("start", "tomorrow")
                .unwrap_err()
                .starts_with("start: expected")
        );
    }

    #[test]
    fn feeds_escape_text_and_carry_time_zones() {
        let items = vec![
            FeedItem::Timed {
                uid: "office-hours-1@onramp".into(),
                summary: "Office hours; questions, answers\nand more".into(),
                description: "Bring questions".into(),
                url: Some("https://zoom.example/j/1".into()),
                recurrence: weekly("Europe/Berlin", "2026-10-21T15:00"),
                recurring: true,
            },
            FeedItem::AllDay {
                uid: "task-7@onramp".into(),
                summary: "Due: read, then do".into(),
                description: String::new(),
                date: NaiveDate::from_ymd_opt(2026, 12, 1).unwrap(),
                remind_days_before: None,
            },
            FeedItem::AllDay {
                uid: "certification-git@onramp".into(),
                summary: "Git Associate expires".into(),
                description: String::new(),
                date: NaiveDate::from_ymd_opt(2027, 3, 1).unwrap(),
                remind_days_before: Some(60),
            },
        ];
        let text = feed("Onramp", &items, at("2026-10-01T00:00:00Z")).unwrap();
        let unfolded = text.replace("\r\n ", "");
        assert!(
            unfolded.contains("SUMMARY:Office hours\\; questions\\, answers\\nand more"),
            "{text}"
        );
        assert!(
            unfolded.contains("DTSTART;TZID=Europe/Berlin:20261021T150000"),
            "{text}"
        );
        assert!(unfolded.contains("RRULE:FREQ=WEEKLY;BYDAY=WE"), "{text}");
        assert!(
            unfolded.contains("BEGIN:VTIMEZONE") && unfolded.contains("TZOFFSETTO:+0100"),
            "{text}"
        );
        assert!(unfolded.contains("DTSTART;VALUE=DATE:20261201"), "{text}");
        // Only the expiry carries a reminder, 60 days before.
        assert_eq!(unfolded.matches("BEGIN:VALARM").count(), 1, "{text}");
        assert!(unfolded.contains("TRIGGER:-PT5184000S"), "{text}");
        assert!(text.contains("\r\n"));
    }
}
