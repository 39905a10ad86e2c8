//! Programs: the onboarding templates, kept as a directory of Markdown files
//! with YAML front matter (`program.md` plus one file per task under `tasks/`).
//!
//! [`parse_program`] checks the files and reports every problem it finds as a
//! [`Diagnostic`] with file, line and column; a program with any problem is
//! never returned. See `docs/programs.md` for the format.

mod checks;
mod parse;

use checks::*;
use parse::*;

use crate::checker::open;
use crate::error::Diagnostic;
use crate::people::Role;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::{BTreeSet, HashMap};

/// One file of a program directory: its path relative to the directory (with
/// `/` separators) and its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFile {
    pub path: String,
    pub text: String,
}

/// A validated program.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Program {
    pub id: String,
    pub title: String,
    pub description: String,
    pub owner: String,
    pub segments: Vec<String>,
    pub regions: Vec<String>,
    pub reviewed_at: NaiveDate,
    pub phases: Vec<Phase>,
    /// Meetings to shadow each week, when the program asks for a weekly pace.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shadowing: Option<crate::meeting::ShadowQuota>,
    /// Markdown shown as the onboarding's introduction.
    pub body: String,
    pub tasks: Vec<TaskTemplate>,
}

/// A phase of a program. Days are business-day offsets from the start date
/// (0 is the first day); pre-boarding has negative days.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Phase {
    pub id: String,
    pub title: String,
    pub from_day: i32,
    pub to_day: i32,
}

/// When a task is due: business days from the start date, or from the first
/// day of its phase.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Due {
    FromStart(i32),
    FromPhaseStart(i32),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TaskKind {
    Read,
    Do,
    Shadow,
    Attend,
    Certify,
    Reflect,
    RequestAccess,
}

impl TaskKind {
    pub const ALL: [TaskKind; 7] = [
        TaskKind::Read,
        TaskKind::Do,
        TaskKind::Shadow,
        TaskKind::Attend,
        TaskKind::Certify,
        TaskKind::Reflect,
        TaskKind::RequestAccess,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            TaskKind::Read => "read",
            TaskKind::Do => "do",
            TaskKind::Shadow => "shadow",
            TaskKind::Attend => "attend",
            TaskKind::Certify => "certify",
            TaskKind::Reflect => "reflect",
            TaskKind::RequestAccess => "request-access",
        }
    }

    /// How the kind is shown to people.
    pub fn label(self) -> &'static str {
        match self {
            TaskKind::Read => "Reading",
            TaskKind::Do => "To do",
            TaskKind::Shadow => "Shadowing",
            TaskKind::Attend => "Session",
            TaskKind::Certify => "Certification",
            TaskKind::Reflect => "Reflection",
            TaskKind::RequestAccess => "Access request",
        }
    }

    /// The label of a kind's name; the name itself when it is unknown.
    pub fn label_of(name: &str) -> &str {
        match TaskKind::ALL.into_iter().find(|k| k.as_str() == name) {
            Some(kind) => kind.label(),
            None => name,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Link {
    pub title: String,
    pub url: String,
}

/// What a task's target counts.
pub const MEASURES: [&str; 4] = [
    "shadowed-meetings",
    "led-meetings",
    "office-hours",
    "reading-list",
];

/// A number to reach, e.g. "shadow at least 5 customer meetings".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Target {
    pub count: u32,
    pub measure: String,
}

/// A graduation criterion the platform evaluates from recorded data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Criterion {
    /// The learning pathway of the person's segment is complete.
    PathwayComplete,
    /// Every named certification is passed.
    Certifications(Vec<String>),
    /// At least N meetings shadowed.
    ShadowedMeetings(u32),
    /// At least N meetings led by the new hire with buddy feedback recorded.
    LedMeetingsWithFeedback(u32),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaskTemplate {
    pub id: String,
    pub title: String,
    pub body: String,
    pub owner: Role,
    pub phase: String,
    pub due: Due,
    pub kind: TaskKind,
    pub links: Vec<Link>,
    /// Empty: every segment of the program.
    pub segments: Vec<String>,
    /// Empty: every region of the program.
    pub regions: Vec<String>,
    pub depends_on: Vec<String>,
    pub target: Option<Target>,
    pub compliance_critical: bool,
    pub graduation: Vec<Criterion>,
    /// The file the task came from, relative to the program directory.
    pub source: String,
}

impl Program {
    pub fn phase(&self, id: &str) -> Option<&Phase> {
        self.phases.iter().find(|p| p.id == id)
    }

    /// The task's due day as a business-day offset from the start date.
    pub fn due_day(&self, task: &TaskTemplate) -> i32 {
        match task.due {
            Due::FromStart(d) => d,
            Due::FromPhaseStart(d) => self.phase(&task.phase).map_or(d, |p| p.from_day + d),
        }
    }

    /// The tasks that apply to a person of this segment and region. `None`
    /// means unknown: only tasks without that condition apply.
    pub fn tasks_for<'a>(
        &'a self,
        segment: Option<&'a str>,
        region: Option<&'a str>,
    ) -> impl Iterator<Item = &'a TaskTemplate> + 'a {
        self.tasks.iter().filter(move |t| {
            let segment_ok =
                t.segments.is_empty() || segment.is_some_and(|s| t.segments.iter().any(|x| x == s));
            let region_ok = t.regions.is_empty()
                || region.is_some_and(|r| {
                    t.regions
                        .iter()
                        .any(|x| crate::people::region_matches(r, x))
                });
            segment_ok && region_ok
        })
    }

    /// Whether the program is meant for a person of this segment and region.
    pub fn applies_to(&self, segment: Option<&str>, region: Option<&str>) -> bool {
        let segment_ok = segment.is_none_or(|s| self.segments.iter().any(|x| x == s));
        let region_ok = region.is_none_or(|r| {
            self.regions
                .iter()
                .any(|x| crate::people::region_matches(r, x))
        });
        segment_ok && region_ok
    }
}

/// A stable hash of a program's files: the same files give the same hash,
/// whatever order they were read in.
pub fn content_hash(files: &[SourceFile]) -> String {
    let mut sorted: Vec<&SourceFile> = files.iter().collect();
    sorted.sort_by(|a, b| a.path.cmp(&b.path));
    let mut hasher = Sha256::new();
    for f in sorted {
        hasher.update((f.path.len() as u64).to_le_bytes());
        hasher.update(f.path.as_bytes());
        hasher.update((f.text.len() as u64).to_le_bytes());
        hasher.update(f.text.as_bytes());
    }
    hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The file that describes the program itself.
pub const PROGRAM_FILE: &str = "program.md";
/// The folder whose Markdown files are the program's tasks.
pub const TASKS_DIR: &str = "tasks/";

/// Whether a path of a program directory is a task file.
pub fn is_task_file(path: &str) -> bool {
    path.starts_with(TASKS_DIR) && path.ends_with(".md")
}

/// Checks and reads a program. `files` holds the Markdown files; `other_paths`
/// names the directory's other files (targets of relative links).
pub fn parse_program(
    files: &[SourceFile],
    other_paths: &[String],
) -> Result<Program, Vec<Diagnostic>> {
    let mut diags = Vec::new();
    let known: BTreeSet<&str> = files
        .iter()
        .map(|f| f.path.as_str())
        .chain(other_paths.iter().map(String::as_str))
        .collect();

    let Some(program_file) = files.iter().find(|f| f.path == PROGRAM_FILE) else {
        diags.push(Diagnostic::new(
            PROGRAM_FILE,
            1,
            1,
            "missing: every program directory needs a program.md",
        ));
        return Err(diags);
    };
    let header = parse_header(program_file, &known, &mut diags);

    let mut task_files: Vec<&SourceFile> = files.iter().filter(|f| is_task_file(&f.path)).collect();
    task_files.sort_by(|a, b| a.path.cmp(&b.path));
    if task_files.is_empty() {
        diags.push(Diagnostic::new(
            PROGRAM_FILE,
            1,
            1,
            "the program has no tasks: add Markdown files under tasks/",
        ));
    }
    let mut tasks: Vec<(TaskTemplate, TaskPositions)> = Vec::new();
    for file in task_files {
        if let Some(task) = parse_task(file, header.as_ref(), &known, &mut diags) {
            tasks.push(task);
        }
    }
    check_task_ids_and_dependencies(&tasks, &mut diags);

    if !diags.is_empty() {
        return Err(diags);
    }
    let Some(mut program) = header else {
        return Err(diags);
    };
    let mut tasks: Vec<TaskTemplate> = tasks.into_iter().map(|(t, _)| t).collect();
    let phase_index: HashMap<&str, usize> = program
        .phases
        .iter()
        .enumerate()
        .map(|(i, p)| (p.id.as_str(), i))
        .collect();
    tasks.sort_by_key(|t| {
        let due = match t.due {
            Due::FromStart(d) => d,
            Due::FromPhaseStart(d) => program.phase(&t.phase).map_or(d, |p| p.from_day + d),
        };
        (
            phase_index
                .get(t.phase.as_str())
                .copied()
                .unwrap_or(usize::MAX),
            due,
        )
    });
    program.tasks = tasks;
    Ok(program)
}

/// Where a task's checked values were written, for cross-file messages.
struct TaskPositions {
    file: String,
    id: (u64, u64),
    depends_on: Vec<(u64, u64)>,
}

/// Ids are lower-case words joined by dashes: `enrol-pathway`, `days-1-30`.
pub fn is_valid_id(id: &str) -> bool {
    let mut chars = id.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !id.ends_with('-')
}

/// A relative link that points to no file of the program, described; `None`
/// for links that are fine or not relative (URLs, site paths, anchors).
pub(crate) fn broken_relative_link(
    file: &str,
    url: &str,
    known: &BTreeSet<&str>,
) -> Option<String> {
    let is_external = url.contains("://")
        || url.starts_with('/')
        || url.starts_with('#')
        || url.starts_with("mailto:")
        || url.starts_with("tel:");
    if is_external || url.is_empty() {
        return None;
    }
    let path = url.split(['#', '?']).next().unwrap_or("");
    if path.is_empty() {
        return None;
    }
    let mut parts: Vec<&str> = file.split('/').collect();
    parts.pop();
    for segment in path.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                if parts.pop().is_none() {
                    return Some(format!(
                        "broken relative link `{url}`: it leaves the program directory"
                    ));
                }
            }
            s => parts.push(s),
        }
    }
    let target = parts.join("/");
    if known.contains(target.as_str()) {
        None
    } else {
        Some(format!(
            "broken relative link `{url}`: no file `{target}` in the program"
        ))
    }
}
