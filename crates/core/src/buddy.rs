//! Buddy suggestions: who may be a new hire's onboarding buddy, ranked with
//! the reasons for each score, and who may not, with why.

use chrono::{Datelike, Days, NaiveDate, NaiveTime, TimeZone, Weekday};
use serde::{Deserialize, Serialize};

/// The matching rules, as data (`[buddy]` in onramp.toml); defaults follow
/// the handbook: a CSM of the same department with three months' tenure, not
/// the manager, at most two buddies at once, three hours of shared working time.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct BuddyRules {
    /// Job roles that may be buddies (compared case-insensitively).
    pub job_roles: Vec<String>,
    pub same_department: bool,
    pub min_tenure_months: u32,
    pub max_concurrent: u32,
    pub min_overlap_hours: f64,
    /// Working hours, local time, on weekdays (`09:00`, `17:00`).
    pub work_start: String,
    pub work_end: String,
    /// Days from the start date during which the buddy must not be away.
    pub available_days: u32,
}

impl Default for BuddyRules {
    fn default() -> Self {
        BuddyRules {
            job_roles: vec!["CSM".to_string()],
            same_department: true,
            min_tenure_months: 3,
            max_concurrent: 2,
            min_overlap_hours: 3.0,
            work_start: "09:00".to_string(),
            work_end: "17:00".to_string(),
            available_days: 14,
        }
    }
}

impl BuddyRules {
    /// Checks the working hours; the message names the field.
    pub fn validate(&self) -> Result<(), String> {
        let (start, end) = self.hours()?;
        if start >= end {
            return Err("buddy.work_end: must be after work_start".into());
        }
        if self.min_overlap_hours < 0.0 || self.min_overlap_hours > 24.0 {
            return Err("buddy.min_overlap_hours: must be between 0 and 24".into());
        }
        Ok(())
    }

    fn hours(&self) -> Result<(NaiveTime, NaiveTime), String> {
        let parse = |field: &str, v: &str| {
            NaiveTime::parse_from_str(v, "%H:%M")
                .map_err(|_| format!("buddy.{field}: expected HH:MM, got `{v}`"))
        };
        Ok((
            parse("work_start", &self.work_start)?,
            parse("work_end", &self.work_end)?,
        ))
    }
}

/// The new hire, as matching needs them.
#[derive(Clone, Debug)]
pub struct NewHire {
    pub person_id: i64,
    pub department: String,
    pub segment: Option<String>,
    pub region: Option<String>,
    pub time_zone: String,
    pub start_date: NaiveDate,
    pub manager_id: Option<i64>,
}

/// A possible buddy.
#[derive(Clone, Debug)]
pub struct Colleague {
    pub person_id: i64,
    pub name: String,
    pub email: String,
    pub department: String,
    pub job_role: String,
    pub segment: Option<String>,
    pub region: Option<String>,
    pub time_zone: String,
    pub start_date: Option<NaiveDate>,
    /// Onboardings, still running, where they are the buddy.
    pub active_assignments: u32,
    /// Recorded time off, first and last day.
    pub time_off: Vec<(NaiveDate, NaiveDate)>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Candidate {
    pub person_id: i64,
    pub name: String,
    pub email: String,
    pub score: i32,
    pub overlap_hours: f64,
    pub reasons: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Excluded {
    pub person_id: i64,
    pub name: String,
    pub email: String,
    pub reason: String,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Suggestions {
    pub candidates: Vec<Candidate>,
    pub excluded: Vec<Excluded>,
    /// Set when nobody is eligible: what to change.
    pub message: Option<String>,
}

/// Ranks `colleagues` as buddies for `hire`.
pub fn suggest(rules: &BuddyRules, hire: &NewHire, colleagues: &[Colleague]) -> Suggestions {
    let mut candidates = Vec::new();
    let mut excluded = Vec::new();
    for c in colleagues.iter().filter(|c| c.person_id != hire.person_id) {
        match judge(rules, hire, c) {
            Ok(candidate) => candidates.push(candidate),
            Err(reason) => excluded.push(Excluded {
                person_id: c.person_id,
                name: c.name.clone(),
                email: c.email.clone(),
                reason,
            }),
        }
    }
    candidates.sort_by(|a, b| {
        b.score
            .cmp(&a.score)
            .then(b.overlap_hours.total_cmp(&a.overlap_hours))
            .then(a.name.cmp(&b.name))
    });
    excluded.sort_by(|a, b| a.name.cmp(&b.name));
    let message = candidates.is_empty().then(|| {
        format!(
            "Nobody is eligible as a buddy ({} colleague{} checked). Relax the rules in [buddy] \
             of onramp.toml, record a colleague's job role or tenure, or ask another team.",
            excluded.len(),
            if excluded.len() == 1 { "" } else { "s" }
        )
    });
    Suggestions {
        candidates,
        excluded,
        message,
    }
}

// Long: one list of scoring rules, each a few lines, whose order is the order of the reasons shown.
fn judge(rules: &BuddyRules, hire: &NewHire, c: &Colleague) -> Result<Candidate, String> {
    if hire.manager_id == Some(c.person_id) {
        return Err("is the new hire's manager".into());
    }
    if !rules.job_roles.is_empty()
        && !rules
            .job_roles
            .iter()
            .any(|r| r.eq_ignore_ascii_case(c.job_role.trim()))
    {
        let role = if c.job_role.trim().is_empty() {
            "no job role recorded".to_string()
        } else {
            format!("job role {}", c.job_role)
        };
        return Err(format!("{role}, not {}", rules.job_roles.join(" or ")));
    }
    if rules.same_department && !c.department.eq_ignore_ascii_case(&hire.department) {
        return Err(format!(
            "department {}, not {}",
            blank_as(&c.department, "unknown"),
            hire.department
        ));
    }
    let tenure_days = match c.start_date {
        Some(start) => (hire.start_date - start).num_days(),
        None => return Err("no start date recorded, so tenure is unknown".into()),
    };
    if tenure_days < 0 {
        return Err("starts after the new hire".into());
    }
    let required = rules.min_tenure_months as i64 * 365 / 12;
    if tenure_days < required {
        return Err(format!(
            "tenure {} at the hire's start, under {} months",
            describe_days(tenure_days),
            rules.min_tenure_months
        ));
    }
    if c.active_assignments >= rules.max_concurrent {
        return Err(format!(
            "already buddy to {} {} (at most {})",
            c.active_assignments,
            if c.active_assignments == 1 {
                "person"
            } else {
                "people"
            },
            rules.max_concurrent
        ));
    }
    let window_end = hire
        .start_date
        .checked_add_days(Days::new(u64::from(rules.available_days.max(1)) - 1))
        .unwrap_or(hire.start_date);
    if let Some((from, to)) = c
        .time_off
        .iter()
        .find(|(from, to)| *from <= window_end && *to >= hire.start_date)
    {
        return Err(format!(
            "away {from} to {to}, during the hire's first {} days",
            rules.available_days
        ));
    }
    let overlap = typical_overlap_hours(rules, &hire.time_zone, &c.time_zone, hire.start_date)?;
    if overlap < rules.min_overlap_hours {
        return Err(format!(
            "{overlap:.1} h of shared working time on a weekday, under {:.1} h",
            rules.min_overlap_hours
        ));
    }
    let mut score = 0;
    let mut reasons = Vec::new();
    let overlap_points = (overlap * 5.0).round() as i32;
    score += overlap_points;
    reasons.push(format!(
        "{overlap:.1} h of shared working time +{overlap_points}"
    ));
    match (&hire.segment, &c.segment) {
        (Some(h), Some(s)) if h.eq_ignore_ascii_case(s) => {
            score += 30;
            reasons.push(format!("same segment ({s}) +30"));
        }
        _ => reasons.push("other segment +0".into()),
    }
    match (&hire.region, &c.region) {
        (Some(h), Some(r)) if h.eq_ignore_ascii_case(r) => {
            score += 20;
            reasons.push(format!("same region ({r}) +20"));
        }
        (Some(h), Some(r))
            if crate::people::region_matches(h, r) || crate::people::region_matches(r, h) =>
        {
            score += 10;
            reasons.push(format!("neighbouring region ({r} and {h}) +10"));
        }
        _ => reasons.push("other region +0".into()),
    }
    let tenure_points = ((tenure_days / 30).min(12)) as i32;
    score += tenure_points;
    reasons.push(format!(
        "tenure {} +{tenure_points}",
        describe_days(tenure_days)
    ));
    if c.active_assignments > 0 {
        let load = 10 * c.active_assignments as i32;
        score -= load;
        reasons.push(format!("already buddy to {} −{load}", c.active_assignments));
    } else {
        reasons.push("no other buddy assignment +0".into());
    }
    Ok(Candidate {
        person_id: c.person_id,
        name: c.name.clone(),
        email: c.email.clone(),
        score,
        overlap_hours: overlap,
        reasons,
    })
}

fn blank_as<'a>(s: &'a str, default: &'a str) -> &'a str {
    if s.trim().is_empty() { default } else { s }
}

fn describe_days(days: i64) -> String {
    if days < 0 {
        "starts after the hire".to_string()
    } else if days < 14 {
        format!("{days} days")
    } else if days < 92 {
        format!("{} weeks", days / 7)
    } else {
        format!("{} months", days * 12 / 365)
    }
}

/// Shared working hours between two time zones on a typical weekday: the
/// (lower) median over the weekdays of the hire's first two weeks from `from`,
/// computed day by day, so a daylight saving change in one zone but not the
/// other counts from its date. A colleague's working day may fall on the
/// hire's previous or next calendar day (Sydney and San Francisco); their
/// weekend days do not count.
pub fn typical_overlap_hours(
    rules: &BuddyRules,
    hire_zone: &str,
    colleague_zone: &str,
    from: NaiveDate,
) -> Result<f64, String> {
    let (start, end) = rules.hours()?;
    let hire_tz: chrono_tz::Tz = hire_zone
        .parse()
        .map_err(|_| format!("unknown time zone `{hire_zone}` for the new hire"))?;
    let other_tz: chrono_tz::Tz = colleague_zone
        .parse()
        .map_err(|_| format!("unknown time zone `{colleague_zone}`"))?;
    let mut daily = Vec::new();
    for offset in 0..14u64 {
        let Some(day) = from.checked_add_days(Days::new(offset)) else {
            continue;
        };
        if is_weekend(day) {
            continue;
        }
        let Some(mine) = working_interval(hire_tz, day, start, end) else {
            continue;
        };
        let mut total = 0.0;
        for shift in [-1i64, 0, 1] {
            let Some(their_day) = day.checked_add_signed(chrono::Duration::days(shift)) else {
                continue;
            };
            if is_weekend(their_day) {
                continue;
            }
            if let Some(theirs) = working_interval(other_tz, their_day, start, end) {
                let from = mine.0.max(theirs.0);
                let to = mine.1.min(theirs.1);
                if to > from {
                    total += (to - from).num_minutes() as f64 / 60.0;
                }
            }
        }
        daily.push(total);
    }
    daily.sort_by(f64::total_cmp);
    Ok(daily
        .get(daily.len().saturating_sub(1) / 2)
        .copied()
        .unwrap_or(0.0))
}

fn is_weekend(day: NaiveDate) -> bool {
    matches!(day.weekday(), Weekday::Sat | Weekday::Sun)
}

type Interval = (chrono::DateTime<chrono::Utc>, chrono::DateTime<chrono::Utc>);

fn working_interval(
    tz: chrono_tz::Tz,
    day: NaiveDate,
    start: NaiveTime,
    end: NaiveTime,
) -> Option<Interval> {
    let at = |t: NaiveTime| {
        tz.from_local_datetime(&day.and_time(t))
            .earliest()
            .map(|d| d.with_timezone(&chrono::Utc))
    };
    Some((at(start)?, at(end)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn overlap(a: &str, b: &str, from: &str) -> f64 {
        typical_overlap_hours(&BuddyRules::default(), a, b, d(from)).unwrap()
    }

    #[test]
    fn overlap_across_zones_and_dst() {
        assert_eq!(overlap("Europe/Berlin", "Europe/Berlin", "2026-06-01"), 8.0);
        // Berlin and New York: six hours apart most of the year → 2 h.
        assert_eq!(
            overlap("Europe/Berlin", "America/New_York", "2026-06-01"),
            2.0
        );
        // In the weeks when the US has changed to summer time and Europe has
        // not (8 March – 29 March 2026) they are five hours apart → 3 h. A
        // start on 23 March has five such days and five after Europe's change.
        assert_eq!(
            overlap("Europe/Berlin", "America/New_York", "2026-03-09"),
            3.0
        );
        assert_eq!(
            overlap("Europe/Berlin", "America/New_York", "2026-03-16"),
            3.0
        );
        assert_eq!(
            overlap("Europe/Berlin", "America/New_York", "2026-03-23"),
            2.0
        );
        assert_eq!(
            overlap("Europe/Berlin", "America/New_York", "2026-03-30"),
            2.0
        );
        // Sydney and San Francisco: the colleague's day is the hire's
        // previous calendar day. In June (Sydney UTC+10, SF UTC−7) 09–17
        // Sydney is 16–24 SF of the previous day: 1 h (0 on Mondays, when it
        // is Sunday in SF).
        assert_eq!(
            overlap("Australia/Sydney", "America/Los_Angeles", "2026-06-01"),
            1.0
        );
        // In January Sydney is UTC+11 and SF UTC−8: 09–17 Sydney is 14–22 SF: 3 h.
        assert_eq!(
            overlap("Australia/Sydney", "America/Los_Angeles", "2026-01-12"),
            3.0
        );
        assert!(
            typical_overlap_hours(&BuddyRules::default(), "Mars/Base", "UTC", d("2026-01-01"))
                .is_err()
        );
    }

    fn colleague(id: i64, name: &str) -> Colleague {
        Colleague {
            person_id: id,
            name: name.into(),
            email: format!("{}@example.com", name.to_lowercase()),
            department: "Customer Success".into(),
            job_role: "CSM".into(),
            segment: Some("Scale".into()),
            region: Some("EMEA".into()),
            time_zone: "Europe/London".into(),
            start_date: Some(d("2024-01-01")),
            active_assignments: 0,
            time_off: Vec::new(),
        }
    }

    fn hire() -> NewHire {
        NewHire {
            person_id: 1,
            department: "Customer Success".into(),
            segment: Some("Scale".into()),
            region: Some("EMEA".into()),
            time_zone: "Europe/Berlin".into(),
            start_date: d("2026-06-01"),
            manager_id: Some(2),
        }
    }

    #[test]
    fn ranks_with_reasons_and_excludes_with_why() {
        let mut manager = colleague(2, "Manager");
        manager.job_role = "CSM".into();
        let mut new = colleague(3, "Newish");
        new.start_date = Some(d("2026-04-13"));
        let mut busy = colleague(4, "Busy");
        busy.active_assignments = 2;
        let mut away = colleague(5, "Away");
        away.time_off = vec![(d("2026-06-08"), d("2026-06-10"))];
        let mut far = colleague(6, "Far");
        far.time_zone = "Asia/Tokyo".into();
        let mut sales = colleague(7, "Sales");
        sales.department = "Sales".into();
        let mut sa = colleague(8, "Architect");
        sa.job_role = "Solutions Architect".into();
        let best = colleague(9, "Best");
        let mut other_segment = colleague(10, "Other");
        other_segment.segment = Some("Strategic".into());
        let mut one_load = colleague(11, "Loaded");
        one_load.active_assignments = 1;
        let all = vec![
            colleague(1, "Self"),
            manager,
            new,
            busy,
            away,
            far,
            sales,
            sa,
            best,
            other_segment,
            one_load,
        ];
        let s = suggest(&BuddyRules::default(), &hire(), &all);
        let names: Vec<&str> = s.candidates.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, vec!["Best", "Loaded", "Other"]);
        assert!(
            s.candidates[0]
                .reasons
                .iter()
                .any(|r| r == "same segment (Scale) +30")
        );
        assert!(
            s.candidates[1]
                .reasons
                .iter()
                .any(|r| r == "already buddy to 1 −10")
        );
        let why = |name: &str| {
            s.excluded
                .iter()
                .find(|e| e.name == name)
                .unwrap()
                .reason
                .clone()
        };
        assert_eq!(why("Manager"), "is the new hire's manager");
        assert_eq!(
            why("Newish"),
            "tenure 7 weeks at the hire's start, under 3 months"
        );
        assert_eq!(why("Busy"), "already buddy to 2 people (at most 2)");
        assert_eq!(
            why("Away"),
            "away 2026-06-08 to 2026-06-10, during the hire's first 14 days"
        );
        assert_eq!(
            why("Far"),
            "1.0 h of shared working time on a weekday, under 3.0 h"
        );
        assert_eq!(why("Sales"), "department Sales, not Customer Success");
        assert_eq!(why("Architect"), "job role Solutions Architect, not CSM");
        assert!(s.excluded.iter().all(|e| e.name != "Self"));
        assert!(s.message.is_none());
    }

    #[test]
    fn ties_break_by_overlap_then_name_and_nobody_gets_a_message() {
        let a = colleague(20, "Zed");
        let b = colleague(21, "Amy");
        let s = suggest(&BuddyRules::default(), &hire(), &[a, b]);
        assert_eq!(s.candidates[0].name, "Amy");
        assert_eq!(s.candidates[0].score, s.candidates[1].score);
        let mut lone = colleague(22, "Lone");
        lone.department = "Legal".into();
        let s = suggest(&BuddyRules::default(), &hire(), &[lone]);
        assert!(s.candidates.is_empty());
        assert!(
            s.message
                .unwrap()
                .starts_with("Nobody is eligible as a buddy (1 colleague checked)")
        );
    }

    #[test]
    fn rules_validate() {
        let mut r = BuddyRules::default();
        assert!(r.validate().is_ok());
        r.work_end = "8am".into();
        assert_eq!(
            r.validate().unwrap_err(),
            "buddy.work_end: expected HH:MM, got `8am`"
        );
        r.work_end = "08:00".into();
        assert!(r.validate().unwrap_err().contains("after work_start"));
    }
}
