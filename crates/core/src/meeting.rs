//! Shadowed and led meetings: the meeting types and feedback skills (data in
//! `content/catalogues/meetings.yaml`), the weekly shadowing quota, numbering
//! of led customer meetings and the feedback trend and themes.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The catalogue shipped in the content pack.
pub const CATALOGUE: &str = include_str!("../../../content/catalogues/meetings.yaml");

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MeetingCatalogue {
    pub owner: String,
    pub reviewed_at: NaiveDate,
    pub types: Vec<MeetingType>,
    pub skills: Vec<Skill>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MeetingType {
    pub id: String,
    pub title: String,
    pub category: Category,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Category {
    Customer,
    Internal,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Skill {
    pub id: String,
    pub title: String,
}

impl MeetingCatalogue {
    /// Parses and checks a catalogue; errors name the file and the entry.
    pub fn parse(file: &str, text: &str) -> Result<MeetingCatalogue, String> {
        let c: MeetingCatalogue =
            serde_saphyr::from_str(text).map_err(|e| format!("{file}: {e}"))?;
        let mut seen = std::collections::BTreeSet::new();
        for id in c
            .types
            .iter()
            .map(|t| &t.id)
            .chain(c.skills.iter().map(|s| &s.id))
        {
            if !seen.insert(id) {
                return Err(format!("{file}: `{id}` appears twice"));
            }
        }
        if c.types.is_empty() || c.skills.is_empty() {
            return Err(format!("{file}: needs at least one type and one skill"));
        }
        Ok(c)
    }

    /// The shipped catalogue.
    pub fn shipped() -> MeetingCatalogue {
        // Checked by a test: the shipped file always parses.
        MeetingCatalogue::parse("content/catalogues/meetings.yaml", CATALOGUE).unwrap_or_else(
            |_| MeetingCatalogue {
                owner: String::new(),
                reviewed_at: NaiveDate::MIN,
                types: Vec::new(),
                skills: Vec::new(),
            },
        )
    }

    pub fn meeting_type(&self, id: &str) -> Option<&MeetingType> {
        self.types.iter().find(|t| t.id == id)
    }

    pub fn skill(&self, id: &str) -> Option<&Skill> {
        self.skills.iter().find(|s| s.id == id)
    }
}

/// Whether the new hire watched or led the meeting.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    Shadowed,
    Led,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Shadowed => "shadowed",
            Role::Led => "led",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "shadowed" => Some(Role::Shadowed),
            "led" => Some(Role::Led),
            _ => None,
        }
    }

    /// The program target measure this role counts toward.
    pub fn measure(self) -> &'static str {
        match self {
            Role::Shadowed => "shadowed-meetings",
            Role::Led => "led-meetings",
        }
    }
}

/// How many meetings to shadow each week, from one week to another (weeks
/// counted from 1 at the start date). Set per program.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShadowQuota {
    pub per_week: u32,
    pub from_week: u32,
    pub to_week: u32,
}

/// One week of the quota.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct QuotaWeek {
    pub week: u32,
    pub starts: NaiveDate,
    pub shadowed: u32,
    pub required: u32,
}

impl QuotaWeek {
    pub fn short_by(&self) -> u32 {
        self.required.saturating_sub(self.shadowed)
    }
}

/// The quota weeks that have ended or are running on `today`, with the
/// meetings shadowed in each.
pub fn quota_weeks(
    quota: &ShadowQuota,
    start: NaiveDate,
    shadowed_on: &[NaiveDate],
    today: NaiveDate,
) -> Vec<QuotaWeek> {
    let mut weeks = Vec::new();
    for week in quota.from_week.max(1)..=quota.to_week {
        let starts = start + chrono::Duration::days(7 * i64::from(week - 1));
        if starts > today {
            break;
        }
        let ends = starts + chrono::Duration::days(7);
        let shadowed = shadowed_on
            .iter()
            .filter(|d| **d >= starts && **d < ends)
            .count() as u32;
        weeks.push(QuotaWeek {
            week,
            starts,
            shadowed,
            required: quota.per_week,
        });
    }
    weeks
}

/// The last quota week that has ended on `today` and fell short, if any.
pub fn last_shortfall(weeks: &[QuotaWeek], today: NaiveDate) -> Option<&QuotaWeek> {
    weeks
        .iter()
        .rev()
        .find(|w| w.starts + chrono::Duration::days(7) <= today)
        .filter(|w| w.short_by() > 0)
}

/// Numbers (1, 2, …) of led customer meetings in date order; `None` for
/// internal ones. Input: (meeting id, date, is customer) in any order.
pub fn number_led(meetings: &[(i64, NaiveDate, bool)]) -> BTreeMap<i64, u32> {
    let mut customer: Vec<&(i64, NaiveDate, bool)> = meetings.iter().filter(|m| m.2).collect();
    customer.sort_by_key(|m| (m.1, m.0));
    customer
        .iter()
        .enumerate()
        .map(|(i, m)| (m.0, i as u32 + 1))
        .collect()
}

/// The words that come back most often in "to improve" notes (ignoring
/// common words), with how many notes mention each.
pub fn themes(notes: &[&str], limit: usize) -> Vec<(String, u32)> {
    const COMMON: &[&str] = &[
        "a", "an", "and", "the", "to", "of", "in", "on", "for", "with", "at", "is", "was", "be",
        "more", "less", "about", "your", "you", "it", "that", "this", "when", "try", "them",
        "their", "they", "some", "could", "would", "should", "next", "time", "bit", "also", "from",
        "before", "after", "during", "by", "as", "are", "not", "but", "so", "we", "our", "i",
    ];
    let mut counts: BTreeMap<String, u32> = BTreeMap::new();
    for note in notes {
        let mut seen = std::collections::BTreeSet::new();
        for word in note
            .split(|c: char| !c.is_alphanumeric() && c != '-')
            .map(|w| w.trim_matches('-').to_lowercase())
            .filter(|w| w.chars().count() > 2 && !COMMON.contains(&w.as_str()))
        {
            let word = word
                .strip_suffix('s')
                .filter(|w| w.len() > 3)
                .map(str::to_string)
                .unwrap_or(word);
            if seen.insert(word.clone()) {
                *counts.entry(word).or_default() += 1;
            }
        }
    }
    let mut ranked: Vec<(String, u32)> = counts
        .into_iter()
        .filter(|(_, n)| *n > 1 || notes.len() == 1)
        .collect();
    ranked.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    ranked.truncate(limit);
    ranked
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn shipped_catalogue_parses_and_duplicates_are_refused() {
        let c = MeetingCatalogue::parse("meetings.yaml", CATALOGUE).unwrap();
        assert_eq!(
            c.meeting_type("cadence-call").unwrap().category,
            Category::Customer
        );
        assert_eq!(
            c.meeting_type("forecast").unwrap().category,
            Category::Internal
        );
        assert_eq!(c.skills.len(), 4);
        let dup = "owner: x\nreviewed_at: 2026-01-01\ntypes:\n  - {id: a, title: A, category: customer}\n  - {id: a, title: B, category: internal}\nskills:\n  - {id: s, title: S}\n";
        assert_eq!(
            MeetingCatalogue::parse("m.yaml", dup).unwrap_err(),
            "m.yaml: `a` appears twice"
        );
        assert!(
            MeetingCatalogue::parse("m.yaml", "types: 3")
                .unwrap_err()
                .starts_with("m.yaml: ")
        );
    }

    #[test]
    fn quota_weeks_count_shortfalls() {
        let q = ShadowQuota {
            per_week: 2,
            from_week: 2,
            to_week: 9,
        };
        let start = d("2026-11-02");
        let shadowed = [
            d("2026-11-03"),
            d("2026-11-10"),
            d("2026-11-11"),
            d("2026-11-18"),
        ];
        let weeks = quota_weeks(&q, start, &shadowed, d("2026-11-20"));
        assert_eq!(weeks.len(), 2);
        assert_eq!(
            (weeks[0].week, weeks[0].shadowed, weeks[0].short_by()),
            (2, 2, 0)
        );
        assert_eq!(
            (weeks[1].week, weeks[1].shadowed, weeks[1].short_by()),
            (3, 1, 1)
        );
        assert!(quota_weeks(&q, start, &shadowed, d("2026-11-05")).is_empty());
        // Week 3 is still running on the 20th: week 2 (met) is the last ended one.
        assert_eq!(last_shortfall(&weeks, d("2026-11-20")), None);
        // Once week 3 has ended short, it is flagged.
        let later = quota_weeks(&q, start, &shadowed, d("2026-11-23"));
        assert_eq!(
            last_shortfall(&later, d("2026-11-23")).map(|w| w.week),
            Some(3)
        );
    }

    #[test]
    fn led_meetings_are_numbered_by_date_customer_only() {
        let n = number_led(&[
            (7, d("2026-12-03"), true),
            (5, d("2026-12-01"), true),
            (6, d("2026-12-02"), false),
            (8, d("2026-12-01"), true),
        ]);
        assert_eq!(n.get(&5), Some(&1));
        assert_eq!(n.get(&8), Some(&2));
        assert_eq!(n.get(&7), Some(&3));
        assert_eq!(n.get(&6), None);
    }

    #[test]
    fn themes_count_notes_not_words() {
        let t = themes(
            &[
                "Send the agenda earlier; agenda was late",
                "Agenda before the call and clearer next steps",
                "Clearer next steps",
            ],
            3,
        );
        assert_eq!(t[0], ("agenda".to_string(), 2));
        assert!(t.contains(&("clearer".to_string(), 2)));
        assert!(t.contains(&("step".to_string(), 2)));
    }
}
