//! GitLab issue templates: turn a checklist (headings, `- [ ]` items, nested
//! items, links, @mentions, `<details>` blocks, quick actions) into a
//! program, and write an onboarding as GitLab-flavoured Markdown that turns
//! back into the same tasks.
//!
//! Exports carry HTML comments such as `<!-- onramp:task id=… kind=… -->`.
//! GitLab does not show them; the importer reads them so that ids, kinds,
//! phases and due offsets survive the round trip exactly.

use crate::error::Error;
use crate::people::Role;
use crate::program::{Due, Link, Phase, Program, TaskKind, TaskTemplate, is_valid_id};
use crate::schedule::WorkCalendar;
use chrono::NaiveDate;
use pulldown_cmark::{Event, HeadingLevel, Parser, Tag, TagEnd};
use std::collections::BTreeMap;

mod checklist;
use checklist::import_text;

/// A program made from a checklist, and what could not be carried over.
#[derive(Debug, Clone, PartialEq)]
pub struct ChecklistImport {
    pub program: Program,
    /// One line each: `line N: what was not mapped and what was done instead`.
    pub unmapped: Vec<String>,
}

const DEFAULT_PHASE_DAYS: i32 = 10;

/// The role an @mention stands for, if it names one.
pub fn role_for_mention(handle: &str) -> Option<Role> {
    match handle.to_ascii_lowercase().replace('_', "-").as_str() {
        "new-hire" | "newhire" | "new-team-member" => Some(Role::NewHire),
        "manager" => Some(Role::Manager),
        "buddy" | "onboarding-buddy" => Some(Role::Buddy),
        "people-connect" | "peopleconnect" | "people-ops" => Some(Role::PeopleConnect),
        "enablement" => Some(Role::Enablement),
        _ => None,
    }
}

/// The role a section title names ("Manager tasks", "For the buddy"…).
fn role_for_section(title: &str) -> Option<Role> {
    let t = title.to_lowercase();
    if t.contains("people connect") || t.contains("people ops") || t.contains("people experience") {
        Some(Role::PeopleConnect)
    } else if t.contains("buddy") {
        Some(Role::Buddy)
    } else if t.contains("manager") {
        Some(Role::Manager)
    } else if t.contains("enablement") {
        Some(Role::Enablement)
    } else if t.contains("new hire") || t.contains("new team member") || t.contains("new csm") {
        Some(Role::NewHire)
    } else {
        None
    }
}

/// A calendar-day range named in a heading ("Days 31–60", "Week 2", "Day 1").
fn day_range_hint(title: &str) -> Option<(i32, i32)> {
    let lower = title.to_lowercase();
    let numbers: Vec<i32> = lower
        .split(|c: char| !c.is_ascii_digit())
        .filter(|s| !s.is_empty())
        .filter_map(|s| s.parse().ok())
        .take(2)
        .collect();
    let (a, b) = match numbers.as_slice() {
        [a] => (*a, *a),
        [a, b, ..] => (*a, *b),
        [] => return None,
    };
    if lower.contains("week") {
        Some(((a - 1) * 7 + 1, b * 7))
    } else if lower.contains("day") {
        Some((a, b))
    } else {
        None
    }
}

/// Calendar day N (1-based) as a business-day offset from the start.
fn business_offset(calendar_day: i32) -> i32 {
    (calendar_day - 1).max(0) * 5 / 7
}

/// A lower-case id from free text.
pub fn slug(text: &str, max: usize) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
        if out.len() >= max {
            break;
        }
    }
    let out = out.trim_matches('-').to_string();
    if out.is_empty() {
        "item".to_string()
    } else {
        out
    }
}

fn unique(base: String, taken: &mut BTreeMap<String, u32>) -> String {
    let n = taken.entry(base.clone()).or_insert(0);
    *n += 1;
    if *n == 1 { base } else { format!("{base}-{n}") }
}

/// `key=value` pairs of an `<!-- onramp:NAME … -->` comment in `text`.
fn marker(text: &str, name: &str) -> Option<BTreeMap<String, String>> {
    let open = format!("<!-- onramp:{name} ");
    let start = text.find(&open)? + open.len();
    let end = text[start..].find("-->")? + start;
    Some(
        text[start..end]
            .split_whitespace()
            .filter_map(|pair| pair.split_once('='))
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
    )
}

fn strip_markers(text: &str) -> String {
    let mut out = text.to_string();
    while let Some(start) = out.find("<!-- onramp:") {
        match out[start..].find("-->") {
            Some(end) => out.replace_range(start..start + end + 3, ""),
            None => break,
        }
    }
    out.trim().to_string()
}

struct Section {
    level: u8,
    title: String,
    role: Option<Role>,
    phase: Option<usize>,
}

struct ItemBuilder {
    line: usize,
    title: String,
    title_done: bool,
    body: Vec<String>,
    nested: String,
    links: Vec<Link>,
    link_stack: Vec<(String, String)>,
    raw: String,
}

struct PhaseDraft {
    id: String,
    title: String,
    hint: Option<(i32, i32)>,
    exact: Option<(i32, i32)>,
}

/// Reads a GitLab issue-template checklist as a program. `name` is the file
/// name (for the program id when the text has no title).
pub fn import_checklist(
    markdown: &str,
    name: &str,
    today: NaiveDate,
) -> Result<ChecklistImport, Error> {
    // Handbook pages start with Hugo front matter: skip it, keep its title.
    let (markdown, front_title, offset_lines) = match crate::yaml::split_front_matter(markdown) {
        Ok(fm) => {
            let title = fm.yaml.lines().find_map(|l| {
                l.strip_prefix("title:")
                    .map(|t| t.trim().trim_matches(['"', '\'']).to_string())
            });
            (
                fm.body,
                title,
                usize::try_from(fm.body_line).unwrap_or(1) - 1,
            )
        }
        Err(_) => (markdown, None, 0),
    };
    match import_text(markdown, name, today, front_title.clone(), offset_lines) {
        Err(e) => {
            // A template shown as a ```markdown block on a page: import the block.
            let Some((block, line)) = fenced_markdown(markdown) else {
                return Err(e);
            };
            let mut import = import_text(&block, name, today, front_title, offset_lines + line)?;
            import.unmapped.push(format!(
                "line {}: the checklist was read from the ```markdown block that starts there",
                offset_lines + line
            ));
            Ok(import)
        }
        ok => ok,
    }
}

/// The contents of the page's fenced ```markdown (or ```md) blocks, joined,
/// and the line before the first one's content.
fn fenced_markdown(text: &str) -> Option<(String, usize)> {
    use pulldown_cmark::CodeBlockKind;
    let mut out = String::new();
    let mut first_line = None;
    let mut inside = false;
    for (event, range) in Parser::new(text).into_offset_iter() {
        match event {
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info))) => {
                let lang = info.split_whitespace().next().unwrap_or("").to_lowercase();
                inside = lang == "markdown" || lang == "md";
                if inside && first_line.is_none() {
                    first_line = Some(text[..range.start].matches('\n').count() + 1);
                }
            }
            Event::End(TagEnd::CodeBlock) => {
                if inside {
                    out.push('\n');
                }
                inside = false;
            }
            Event::Text(t) if inside => out.push_str(&t),
            _ => {}
        }
    }
    first_line.map(|l| (out, l))
}

fn heading_number(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

fn strip_tags(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The phase a task under these sections belongs to, created on first use.
fn phase_for(
    sections: &[Section],
    phases: &mut Vec<PhaseDraft>,
    phase_ids: &mut BTreeMap<String, u32>,
) -> usize {
    if let Some(i) = sections.iter().rev().find_map(|s| s.phase) {
        return i;
    }
    let group = sections.iter().rev().find(|s| s.role.is_none());
    let title = group.map_or("Checklist".to_string(), |s| s.title.clone());
    if let Some(i) = phases.iter().position(|p| p.title == title) {
        return i;
    }
    let lower = title.to_lowercase();
    let hint = if phases.is_empty()
        && (lower.contains("before") || lower.contains("pre-") || lower.contains("prior"))
    {
        Some((-10, -1))
    } else {
        day_range_hint(&title).map(|(a, b)| {
            (
                business_offset(a),
                business_offset(b).max(business_offset(a)),
            )
        })
    };
    let id = unique(slug(&title, 40), phase_ids);
    phases.push(PhaseDraft {
        id,
        title,
        hint,
        exact: None,
    });
    phases.len() - 1
}

/// Gives phases consecutive, non-overlapping business-day ranges.
fn place_phases(drafts: Vec<PhaseDraft>) -> Vec<Phase> {
    let mut out: Vec<Phase> = Vec::new();
    for d in drafts {
        let (from, to) = match (d.exact, d.hint) {
            (Some(e), _) => e,
            (None, Some(h)) => h,
            (None, None) => {
                let from = out.last().map_or(0, |p| p.to_day + 1);
                (from, from + DEFAULT_PHASE_DAYS - 1)
            }
        };
        let from = out.last().map_or(from, |p| from.max(p.to_day + 1));
        // A phase made from a heading left empty still needs a name.
        let title = if d.title.trim().is_empty() {
            format!("Phase {}", out.len() + 1)
        } else {
            d.title
        };
        out.push(Phase {
            id: d.id,
            title,
            from_day: from,
            to_day: to.max(from),
        });
    }
    out
}

// Long: a task from a checklist item: title, owner, due date, kind and body, each derived in order from the same item.
fn finish_task(
    b: ItemBuilder,
    sections: &[Section],
    phases: &mut Vec<PhaseDraft>,
    phase_ids: &mut BTreeMap<String, u32>,
    task_ids: &mut BTreeMap<String, u32>,
    start: Option<NaiveDate>,
    unmapped: &mut Vec<String>,
) -> TaskTemplate {
    let task_marker = marker(&b.raw, "task");
    let mut title = b.title.split_whitespace().collect::<Vec<_>>().join(" ");
    // An exported line ends with "— @role · due 2026-01-02": that role owns it.
    let mut exported_owner = None;
    let mut due_date = None;
    if let Some((head, tail)) = title.rsplit_once(" — @") {
        let mut parts = tail.split(" · due ");
        let role = parts.next().and_then(|h| role_for_mention(h.trim()));
        if role.is_some() {
            exported_owner = role;
            due_date = parts
                .next()
                .and_then(|d| NaiveDate::parse_from_str(d.trim(), "%Y-%m-%d").ok());
            title = head.trim().to_string();
        }
    }
    let mut notes = Vec::new();
    let mut mentioned_role = None;
    for word in title.split(|c: char| c.is_whitespace() || matches!(c, ',' | '(' | ')')) {
        let Some(handle) = word
            .strip_prefix('@')
            .map(|w| w.trim_end_matches(['.', ':', ';', '!', '?']))
        else {
            continue;
        };
        if handle.is_empty() {
            continue;
        }
        match role_for_mention(handle) {
            Some(role) => {
                mentioned_role.get_or_insert(role);
            }
            None => notes.push(format!("@{handle} is a person, not a role")),
        }
    }
    let owner = exported_owner
        .or_else(|| sections.iter().rev().find_map(|s| s.role))
        .or(mentioned_role)
        .unwrap_or_else(|| {
            notes.push("no owner role found; owned by the new hire".into());
            Role::NewHire
        });
    if !notes.is_empty() {
        unmapped.push(format!("line {}: {}", b.line, notes.join("; ")));
    }
    let mut body = b.body;
    let title = if title.chars().count() > 150 {
        body.insert(0, title.clone());
        let cut: String = title.chars().take(147).collect();
        format!("{}…", cut.rsplit_once(' ').map_or(cut.as_str(), |(h, _)| h))
    } else if title.is_empty() {
        format!("Item on line {}", b.line)
    } else {
        title
    };
    let phase_index = phase_for(sections, phases, phase_ids);
    let phase = &phases[phase_index];
    let id = match task_marker
        .as_ref()
        .and_then(|m| m.get("id"))
        .filter(|i| is_valid_id(i))
    {
        Some(i) => unique(i.clone(), task_ids),
        None => unique(slug(&title, 40), task_ids),
    };
    let kind = task_marker
        .as_ref()
        .and_then(|m| m.get("kind"))
        .and_then(|k| TaskKind::ALL.into_iter().find(|x| x.as_str() == k))
        .unwrap_or(TaskKind::Do);
    let due = match (start, due_date) {
        (Some(start), Some(date)) => Due::FromStart(business_days_between(start, date)),
        _ => {
            let (from, to) = phase
                .exact
                .or(phase.hint)
                .unwrap_or((0, DEFAULT_PHASE_DAYS - 1));
            Due::FromPhaseStart((to - from).max(0))
        }
    };
    TaskTemplate {
        id,
        title,
        body: body.join("\n").trim().to_string(),
        owner,
        phase: phase.id.clone(),
        due,
        kind,
        links: b.links,
        segments: Vec::new(),
        regions: Vec::new(),
        depends_on: Vec::new(),
        target: None,
        compliance_critical: false,
        graduation: Vec::new(),
        source: String::new(),
    }
}

/// Business days (weekends skipped) from `start` to `date`; negative before.
fn business_days_between(start: NaiveDate, date: NaiveDate) -> i32 {
    let cal = WorkCalendar::default();
    let first = cal.add_business_days(start, 0);
    let count = |from: NaiveDate, to: NaiveDate| {
        from.iter_days()
            .take_while(|d| *d < to)
            .filter(|d| cal.is_business_day(*d))
            .count() as i32
    };
    if date >= first {
        // Business days in (first, date].
        count(
            first.succ_opt().unwrap_or(first),
            date.succ_opt().unwrap_or(date),
        )
    } else {
        // Business days in [date, first).
        -count(date, first)
    }
}

/// One task of an onboarding, as exported.
#[derive(Debug, Clone, PartialEq)]
pub struct ExportTask {
    pub id: String,
    pub title: String,
    pub owner: Role,
    pub phase: String,
    pub kind: TaskKind,
    pub due: NaiveDate,
    pub done: bool,
}

/// An onboarding as a GitLab issue description: a section per phase,
/// `- [ ]` / `- [x]` items with their owner as an @mention and due date.
pub fn export_onboarding(
    person: &str,
    program: &Program,
    program_version: i64,
    start: NaiveDate,
    tasks: &[ExportTask],
) -> String {
    let mut out = format!(
        "# {} — {person}\n\n<!-- onramp:onboarding program={} version={program_version} start={start} -->\n\nStarted on {start}. Owners are mentioned by role: \
         @new-hire, @manager, @buddy, @people-connect, @enablement.\n",
        program.title, program.id
    );
    for phase in &program.phases {
        let in_phase: Vec<&ExportTask> = tasks.iter().filter(|t| t.phase == phase.id).collect();
        if in_phase.is_empty() {
            continue;
        }
        out.push_str(&format!(
            "\n## {} <!-- onramp:phase id={} from={} to={} -->\n\n",
            phase.title, phase.id, phase.from_day, phase.to_day
        ));
        for t in in_phase {
            let mark = if t.done { "x" } else { " " };
            out.push_str(&format!(
                "- [{mark}] {} — @{} · due {} <!-- onramp:task id={} kind={} -->\n",
                t.title.replace('\n', " "),
                t.owner.as_str(),
                t.due,
                t.id,
                t.kind.as_str()
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn day_ranges_in_headings() {
        assert_eq!(day_range_hint("Days 31–60"), Some((31, 60)));
        assert_eq!(day_range_hint("Week 2"), Some((8, 14)));
        assert_eq!(day_range_hint("Day 1"), Some((1, 1)));
        assert_eq!(day_range_hint("Manager tasks"), None);
        assert_eq!(business_offset(31), 21);
    }

    #[test]
    fn business_days_between_dates() {
        let d = |s| NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date");
        // Friday 2026-11-27.
        assert_eq!(business_days_between(d("2026-11-27"), d("2026-11-27")), 0);
        assert_eq!(business_days_between(d("2026-11-27"), d("2026-11-30")), 1);
        assert_eq!(business_days_between(d("2026-11-27"), d("2026-12-04")), 5);
        assert_eq!(business_days_between(d("2026-11-27"), d("2026-11-26")), -1);
        assert_eq!(business_days_between(d("2026-11-30"), d("2026-11-27")), -1);
        assert_eq!(business_days_between(d("2026-11-30"), d("2026-11-16")), -10);
    }
}
