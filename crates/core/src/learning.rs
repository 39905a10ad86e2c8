//! Learning: pathway progress against the expected weeks, a learning
//! platform's CSV export read into completion records, and reminders before
//! certifications expire.

use crate::catalogue::{Module, Pathway};
use chrono::{Duration, NaiveDate};
use serde::Serialize;
use std::collections::BTreeMap;

/// A recorded module completion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Completion {
    pub completed_on: NaiveDate,
    pub evidence_url: Option<String>,
    /// `self` (recorded by the new hire) or `import` (from the platform's export).
    pub source: String,
}

/// One module of a pathway and where the new hire stands with it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ModuleStatus {
    #[serde(flatten)]
    pub module: Module,
    /// The last day of the module's expected week.
    pub due_on: NaiveDate,
    pub completion: Option<Completion>,
    /// Not done and its week is over.
    pub late: bool,
}

/// Progress through a pathway.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PathwayProgress {
    pub pathway_id: String,
    pub title: String,
    pub modules: Vec<ModuleStatus>,
    pub done: usize,
    pub total: usize,
    pub percent: u32,
    pub late: usize,
    pub complete: bool,
    pub hours_left: u32,
}

/// The last day of onboarding week `week` (week 1 starts on `start`).
pub fn end_of_week(start: NaiveDate, week: u32) -> NaiveDate {
    start + Duration::days(i64::from(week) * 7 - 1)
}

/// Where a new hire who started on `start` stands on `today`.
pub fn pathway_progress(
    pathway: &Pathway,
    start: NaiveDate,
    today: NaiveDate,
    done: &BTreeMap<String, Completion>,
) -> PathwayProgress {
    let modules: Vec<ModuleStatus> = pathway
        .modules
        .iter()
        .map(|m| {
            let due_on = end_of_week(start, m.week);
            let completion = done.get(&m.id).cloned();
            ModuleStatus {
                late: completion.is_none() && today > due_on,
                module: m.clone(),
                due_on,
                completion,
            }
        })
        .collect();
    let total = modules.len();
    let finished = modules.iter().filter(|m| m.completion.is_some()).count();
    PathwayProgress {
        pathway_id: pathway.id.clone(),
        title: pathway.title.clone(),
        done: finished,
        total,
        percent: percent(finished, total),
        late: modules.iter().filter(|m| m.late).count(),
        complete: total > 0 && finished == total,
        hours_left: modules
            .iter()
            .filter(|m| m.completion.is_none())
            .map(|m| m.module.hours)
            .sum(),
        modules,
    }
}

/// `part` of `whole` in whole percent (0 when there is nothing to do).
pub fn percent(part: usize, whole: usize) -> u32 {
    (part * 100)
        .checked_div(whole)
        .map_or(0, |p| u32::try_from(p).unwrap_or(100))
}

/// One row of a learning platform's export, read and checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExportRow {
    /// The line in the file (the header is line 1).
    pub line: u64,
    pub email: String,
    /// The module as the platform names it: an id or a title.
    pub module: String,
    pub completed_on: NaiveDate,
    pub evidence_url: Option<String>,
}

/// A row that could not be read: the file is not imported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowError {
    pub line: u64,
    pub field: String,
    pub message: String,
}

impl std::fmt::Display for RowError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}: {}: {}", self.line, self.field, self.message)
    }
}

/// Header names (compared without case, spaces, `_` or `-`) for each column.
const EMAIL: &[&str] = &["email", "useremail", "learneremail", "emailaddress"];
const MODULE: &[&str] = &[
    "module",
    "moduleid",
    "course",
    "coursetitle",
    "coursename",
    "contenttitle",
    "title",
];
const COMPLETED: &[&str] = &[
    "completedon",
    "completedat",
    "completiondate",
    "completed",
    "datecompleted",
];
const EVIDENCE: &[&str] = &["evidence", "evidenceurl", "certificate", "certificateurl"];

fn normalise(header: &str) -> String {
    header
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// The line of a byte offset (the csv reader's own count skips blank lines).
fn line_at(text: &str, byte: u64) -> u64 {
    let bytes = text.as_bytes();
    let mut end = usize::try_from(byte).unwrap_or(usize::MAX).min(bytes.len());
    // A record's position is taken before the blank lines in front of it.
    while end < bytes.len() && matches!(bytes[end], b'\n' | b'\r') {
        end += 1;
    }
    bytes[..end].iter().filter(|b| **b == b'\n').count() as u64 + 1
}

fn parse_day(text: &str) -> Option<NaiveDate> {
    let t = text.trim();
    // Exports carry a date, or a date and time (ISO 8601 or with a space).
    let day = t.get(..10).unwrap_or(t);
    NaiveDate::parse_from_str(day, "%Y-%m-%d")
        .ok()
        .or_else(|| NaiveDate::parse_from_str(t, "%m/%d/%Y").ok())
}

/// Reads a learning platform's CSV export: columns are found by their header
/// names (email, module or course title, completion date, optional evidence
/// link), extra columns are ignored. Rows without a completion date are
/// courses in progress and are left out. Any unreadable row fails the whole
/// file, with every problem listed.
// Long: one CSV row at a time, each column checked and every problem collected.
pub fn read_export(text: &str) -> Result<Vec<ExportRow>, Vec<RowError>> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let header_error = |message: String| {
        vec![RowError {
            line: 1,
            field: "header".into(),
            message,
        }]
    };
    let headers = reader
        .headers()
        .map_err(|e| header_error(format!("cannot read the header: {e}")))?
        .clone();
    let find = |names: &[&str]| {
        headers
            .iter()
            .position(|h| names.contains(&normalise(h).as_str()))
    };
    let (Some(email_at), Some(module_at), Some(completed_at)) =
        (find(EMAIL), find(MODULE), find(COMPLETED))
    else {
        return Err(header_error(format!(
            "needs columns for the email, the module (or course title) and the completion date; found: {}",
            headers.iter().collect::<Vec<_>>().join(", ")
        )));
    };
    let evidence_at = find(EVIDENCE);
    let mut rows = Vec::new();
    let mut errors = Vec::new();
    for record in reader.records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(0, |p| line_at(text, p.byte()));
                errors.push(RowError {
                    line,
                    field: "row".into(),
                    message: format!("cannot be read: {e}"),
                });
                continue;
            }
        };
        let line = record.position().map_or(0, |p| line_at(text, p.byte()));
        let cell = |i: usize| record.get(i).unwrap_or("").trim().to_string();
        let mut bad = |field: &str, message: String| {
            errors.push(RowError {
                line,
                field: field.into(),
                message,
            })
        };
        let email = cell(email_at);
        let module = cell(module_at);
        let completed = cell(completed_at);
        if email.is_empty() && module.is_empty() && completed.is_empty() {
            continue;
        }
        if !email.contains('@') {
            bad("email", format!("`{email}` is not an email address"));
            continue;
        }
        if module.is_empty() {
            bad("module", "is empty".into());
            continue;
        }
        if completed.is_empty() {
            continue;
        }
        let Some(completed_on) = parse_day(&completed) else {
            bad(
                "completed",
                format!("`{completed}` is not a date (YYYY-MM-DD or MM/DD/YYYY)"),
            );
            continue;
        };
        let evidence_url = evidence_at.map(cell).filter(|e| !e.is_empty());
        if let Some(e) = &evidence_url
            && !(e.starts_with("https://") || e.starts_with("http://"))
        {
            bad("evidence", format!("`{e}` is not an http(s) link"));
            continue;
        }
        rows.push(ExportRow {
            line,
            email: email.to_lowercase(),
            module,
            completed_on,
            evidence_url,
        });
    }
    if errors.is_empty() {
        Ok(rows)
    } else {
        Err(errors)
    }
}

/// The module of `pathway` a platform row names, by id or title (without case).
pub fn match_module<'a>(pathway: &'a Pathway, name: &str) -> Option<&'a Module> {
    let n = name.trim();
    pathway
        .modules
        .iter()
        .find(|m| m.id.eq_ignore_ascii_case(n) || m.title.eq_ignore_ascii_case(n))
}

/// A person's record of one certification.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CertificationStatus {
    pub certification_id: String,
    pub planned_on: Option<NaiveDate>,
    pub attempts: u32,
    pub passed_on: Option<NaiveDate>,
    pub expires_on: Option<NaiveDate>,
    pub evidence_url: Option<String>,
    /// The manager's review of the evidence: `submitted` (waiting),
    /// `approved` or `returned`; none before evidence of a pass is given.
    pub review: Option<String>,
    /// What the manager wrote when reviewing.
    pub review_note: String,
}

/// A certification that expires soon (or has expired).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExpiryReminder {
    pub certification_id: String,
    pub expires_on: NaiveDate,
    /// Negative once expired.
    pub days_left: i64,
    pub expired: bool,
}

/// Days before the expiry date that the reminder starts.
pub const EXPIRY_NOTICE_DAYS: i64 = 60;

/// Passed certifications expiring within `notice_days` of `today`, or expired.
pub fn expiry_reminders(
    records: &[CertificationStatus],
    today: NaiveDate,
    notice_days: i64,
) -> Vec<ExpiryReminder> {
    let mut out: Vec<ExpiryReminder> = records
        .iter()
        .filter(|r| r.passed_on.is_some())
        .filter_map(|r| {
            let expires_on = r.expires_on?;
            let days_left = (expires_on - today).num_days();
            (days_left <= notice_days).then(|| ExpiryReminder {
                certification_id: r.certification_id.clone(),
                expires_on,
                days_left,
                expired: days_left < 0,
            })
        })
        .collect();
    out.sort_by_key(|r| r.expires_on);
    out
}

/// The ids of the passed certifications (for graduation criteria).
pub fn passed(records: &[CertificationStatus]) -> Vec<String> {
    records
        .iter()
        .filter(|r| r.passed_on.is_some())
        .map(|r| r.certification_id.clone())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::Review;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn pathway() -> Pathway {
        let m = |id: &str, week: u32| Module {
            id: id.into(),
            title: format!("Module {id}"),
            url: "https://levelup.example.com".into(),
            week,
            hours: 2,
        };
        Pathway {
            id: "p".into(),
            title: "P".into(),
            segments: vec!["Scale".into()],
            modules: vec![m("a", 1), m("b", 2), m("c", 4)],
            review: Review {
                owner: "x".into(),
                reviewed_at: day("2026-01-01"),
            },
        }
    }

    #[test]
    fn progress_flags_modules_past_their_week() {
        let start = day("2026-11-02");
        let mut done = BTreeMap::new();
        done.insert(
            "a".to_string(),
            Completion {
                completed_on: day("2026-11-04"),
                evidence_url: None,
                source: "self".into(),
            },
        );
        // Day 15: week 2 ended on the 15th, so b is not late yet; on the 16th it is.
        let p = pathway_progress(&pathway(), start, day("2026-11-15"), &done);
        assert_eq!((p.done, p.total, p.percent, p.late), (1, 3, 33, 0));
        assert_eq!(p.modules[1].due_on, day("2026-11-15"));
        let p = pathway_progress(&pathway(), start, day("2026-11-16"), &done);
        assert_eq!(p.late, 1);
        assert!(p.modules[1].late && !p.modules[2].late && !p.complete);
        assert_eq!(p.hours_left, 4);
    }

    #[test]
    fn export_columns_are_found_by_header_names() {
        let text = "Learner Email,Course Title,Status,Completion Date,Certificate URL\n\
                    Kim@Example.com,Module a,Completed,2026-11-20T10:00:00Z,https://cert.example.com/1\n\
                    lee@example.com,Module b,In progress,,\n\
                    \n\
                    lee@example.com,b,Completed,11/21/2026,\n";
        let rows = read_export(text).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].email, "kim@example.com");
        assert_eq!(rows[0].completed_on, day("2026-11-20"));
        assert_eq!(
            rows[0].evidence_url.as_deref(),
            Some("https://cert.example.com/1")
        );
        assert_eq!((rows[1].line, rows[1].completed_on), (5, day("2026-11-21")));
        assert_eq!(match_module(&pathway(), "module A").unwrap().id, "a");
        assert_eq!(match_module(&pathway(), "B").unwrap().id, "b");
        assert!(match_module(&pathway(), "z").is_none());
    }

    #[test]
    fn bad_rows_fail_the_file_with_every_problem() {
        let errors = read_export(
            "email,module,completed_on\nnot-an-email,a,2026-01-01\nx@y.z,a,yesterday\nx@y.z,,2026-01-01\n",
        )
        .unwrap_err();
        let lines: Vec<String> = errors.iter().map(ToString::to_string).collect();
        assert_eq!(
            lines,
            vec![
                "line 2: email: `not-an-email` is not an email address",
                "line 3: completed: `yesterday` is not a date (YYYY-MM-DD or MM/DD/YYYY)",
                "line 4: module: is empty",
            ]
        );
        let header = read_export("name,score\nx,1\n").unwrap_err();
        assert_eq!(header[0].line, 1);
        assert!(header[0].message.contains("found: name, score"));
    }

    #[test]
    fn reminders_start_before_expiry_and_stay_after() {
        let rec = |id: &str, passed: bool, expires: Option<&str>| CertificationStatus {
            certification_id: id.into(),
            planned_on: None,
            attempts: 1,
            passed_on: passed.then(|| day("2025-01-10")),
            expires_on: expires.map(day),
            evidence_url: None,
            review: None,
            review_note: String::new(),
        };
        let records = vec![
            rec("far", true, Some("2027-06-01")),
            rec("soon", true, Some("2026-12-20")),
            rec("gone", true, Some("2026-11-01")),
            rec("never", true, None),
            rec("not-passed", false, Some("2026-12-01")),
        ];
        let r = expiry_reminders(&records, day("2026-11-27"), EXPIRY_NOTICE_DAYS);
        let got: Vec<(&str, i64, bool)> = r
            .iter()
            .map(|x| (x.certification_id.as_str(), x.days_left, x.expired))
            .collect();
        assert_eq!(got, vec![("gone", -26, true), ("soon", 23, false)]);
        assert_eq!(passed(&records).len(), 4);
    }
}
