//! Programs: the onboarding templates, kept as a directory of Markdown files
//! with YAML front matter (`program.md` plus one file per task under `tasks/`).
//!
//! [`parse_program`] checks the files and reports every problem it finds as a
//! [`Diagnostic`] with file, line and column; a program with any problem is
//! never returned. See `docs/programs.md` for the format.

use crate::checker::{FileChecker, open};
use crate::error::Diagnostic;
use crate::people::{REGIONS, Role, SEGMENTS};
use crate::yaml::Node;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_saphyr::{Location, Spanned};
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

const PROGRAM_KEYS: [&str; 9] = [
    "shadowing",
    "id",
    "title",
    "description",
    "owner",
    "segments",
    "regions",
    "reviewed_at",
    "phases",
];
const PHASE_KEYS: [&str; 4] = ["id", "title", "from_day", "to_day"];
const TASK_KEYS: [&str; 13] = [
    "id",
    "title",
    "owner",
    "phase",
    "due",
    "kind",
    "links",
    "segments",
    "regions",
    "depends_on",
    "target",
    "compliance_critical",
    "graduation",
];

// Long: the program header's fields, each checked in turn with its own message.
fn parse_header(
    file: &SourceFile,
    known: &BTreeSet<&str>,
    diags: &mut Vec<Diagnostic>,
) -> Option<Program> {
    let (root, yaml_line, body, body_line) = open(file, diags)?;
    let mut c = FileChecker::new(&file.path, yaml_line, diags);
    let top = Location::UNKNOWN;
    let fields = c.fields(&root, "the program", &PROGRAM_KEYS)?;
    let what = "the program";
    let id = c
        .required(&fields, "id", &top, what)
        .and_then(|n| c.id(n, "id"));
    let title = c
        .required(&fields, "title", &top, what)
        .and_then(|n| c.string(n, "title"));
    let description = match fields.get("description") {
        Some(n) => c.string(n, "description"),
        None => Some(String::new()),
    };
    let owner = c
        .required(&fields, "owner", &top, what)
        .and_then(|n| c.string(n, "owner"));
    let segments = c
        .required(&fields, "segments", &top, what)
        .map(|n| c.names(n, "segments", "segment", Some(&SEGMENTS)));
    let regions = c
        .required(&fields, "regions", &top, what)
        .map(|n| c.names(n, "regions", "region", Some(&REGIONS)));
    let reviewed_at = c
        .required(&fields, "reviewed_at", &top, what)
        .and_then(|n| {
            let text = match &n.value {
                Node::Str(s) => s.clone(),
                other => {
                    c.error(
                        &n.referenced,
                        format!(
                            "wrong type for `reviewed_at`: expected a date, found {}",
                            other.type_name()
                        ),
                    );
                    return None;
                }
            };
            match NaiveDate::parse_from_str(&text, "%Y-%m-%d") {
                Ok(d) => Some(d),
                Err(_) => {
                    c.error(
                        &n.referenced,
                        format!("`reviewed_at` must be a date as YYYY-MM-DD (got `{text}`)"),
                    );
                    None
                }
            }
        });
    let phases = c
        .required(&fields, "phases", &top, what)
        .and_then(|n| parse_phases(&mut c, n));
    let shadowing = match fields.get("shadowing") {
        None => Some(None),
        Some(n) => (|| {
            let f = c.fields(n, "`shadowing`", &["per_week", "from_week", "to_week"])?;
            let mut number = |key: &str| {
                c.required(&f, key, &n.referenced, "`shadowing`")
                    .and_then(|v| c.count(v, key))
            };
            let (per_week, from_week, to_week) =
                (number("per_week"), number("from_week"), number("to_week"));
            let quota = crate::meeting::ShadowQuota {
                per_week: per_week?,
                from_week: from_week?,
                to_week: to_week?,
            };
            if quota.from_week == 0 || quota.to_week < quota.from_week {
                c.error(
                    &n.referenced,
                    "`shadowing`: weeks count from 1 and `to_week` must not be before `from_week`",
                );
                return None;
            }
            Some(Some(quota))
        })(),
    };
    c.body_links(&body, body_line, known);

    let mut segments = segments?.into_iter().map(|(s, _)| s).collect::<Vec<_>>();
    let mut regions = regions?.into_iter().map(|(s, _)| s).collect::<Vec<_>>();
    if segments.is_empty() {
        c.error(&top, "`segments` must name at least one segment");
    }
    if regions.is_empty() {
        c.error(&top, "`regions` must name at least one region");
    }
    segments.sort_by_key(|s| SEGMENTS.iter().position(|x| x == s));
    regions.sort_by_key(|r| REGIONS.iter().position(|x| x == r));
    Some(Program {
        id: id?,
        title: title?,
        description: description?,
        owner: owner?,
        segments,
        regions,
        reviewed_at: reviewed_at?,
        phases: phases?,
        shadowing: shadowing?,
        body: body.trim().to_string(),
        tasks: Vec::new(),
    })
}

fn parse_phases(c: &mut FileChecker<'_>, node: &Spanned<Node>) -> Option<Vec<Phase>> {
    let items = c.list(node, "phases")?;
    if items.is_empty() {
        c.error(&node.referenced, "`phases` must list at least one phase");
        return None;
    }
    let mut phases: Vec<Phase> = Vec::new();
    let mut ok = true;
    for item in items {
        let Some(fields) = c.fields(item, "a phase", &PHASE_KEYS) else {
            ok = false;
            continue;
        };
        let at = item.referenced;
        let id = c
            .required(&fields, "id", &at, "a phase")
            .and_then(|n| c.id(n, "id"));
        let title = c
            .required(&fields, "title", &at, "a phase")
            .and_then(|n| c.string(n, "title"));
        let from = c
            .required(&fields, "from_day", &at, "a phase")
            .and_then(|n| c.int(n, "from_day"));
        let to_node = c.required(&fields, "to_day", &at, "a phase");
        let to = to_node.and_then(|n| c.int(n, "to_day"));
        let (Some(id), Some(title), Some(from_day), Some(to_day)) = (id, title, from, to) else {
            ok = false;
            continue;
        };
        if to_day < from_day {
            c.error(
                &to_node.map_or(at, |n| n.referenced),
                format!("phase `{id}` ends (day {to_day}) before it starts (day {from_day})"),
            );
            ok = false;
        }
        if let Some(prev) = phases.last()
            && from_day <= prev.to_day
        {
            c.error(&at, format!("phase `{id}` starts on day {from_day}, inside phase `{}` (days {} to {}): phases must follow each other", prev.id, prev.from_day, prev.to_day));
            ok = false;
        }
        if phases.iter().any(|p| p.id == id) {
            c.error(&at, format!("duplicate phase id `{id}`"));
            ok = false;
        }
        phases.push(Phase {
            id,
            title,
            from_day,
            to_day,
        });
    }
    ok.then_some(phases)
}

// Long: a task file's fields, each checked in turn with its own message.
fn parse_task(
    file: &SourceFile,
    program: Option<&Program>,
    known: &BTreeSet<&str>,
    diags: &mut Vec<Diagnostic>,
) -> Option<(TaskTemplate, TaskPositions)> {
    let (root, yaml_line, body, body_line) = open(file, diags)?;
    let mut c = FileChecker::new(&file.path, yaml_line, diags);
    let top = Location::UNKNOWN;
    let what = "a task";
    let fields = c.fields(&root, what, &TASK_KEYS)?;
    let id_node = c.required(&fields, "id", &top, what);
    let id = id_node.and_then(|n| c.id(n, "id"));
    let title = c
        .required(&fields, "title", &top, what)
        .and_then(|n| c.string(n, "title"));
    let owner = c.required(&fields, "owner", &top, what).and_then(|n| {
        let name = c.string(n, "owner")?;
        match name.parse::<Role>() {
            Ok(role) if role.can_own_tasks() => Some(role),
            Ok(_) => {
                c.error(&n.referenced, "unknown role `admin` for a task owner (tasks belong to new-hire, manager, buddy, people-connect or enablement)");
                None
            }
            Err(message) => {
                c.error(&n.referenced, message);
                None
            }
        }
    });
    let kind = c.required(&fields, "kind", &top, what).and_then(|n| {
        let name = c.string(n, "kind")?;
        let found = TaskKind::ALL.into_iter().find(|k| k.as_str() == name);
        if found.is_none() {
            c.error(
                &n.referenced,
                format!(
                    "unknown kind `{name}` (known: {})",
                    TaskKind::ALL.map(TaskKind::as_str).join(", ")
                ),
            );
        }
        found
    });
    let phase_node = c.required(&fields, "phase", &top, what);
    let phase = phase_node.and_then(|n| {
        let name = c.string(n, "phase")?;
        if let Some(program) = program
            && program.phase(&name).is_none()
        {
            let known_phases: Vec<&str> = program.phases.iter().map(|p| p.id.as_str()).collect();
            c.error(
                &n.referenced,
                format!(
                    "unknown phase `{name}` (the program's phases: {})",
                    known_phases.join(", ")
                ),
            );
            return None;
        }
        Some(name)
    });
    let due_node = c.required(&fields, "due", &top, what);
    let due = due_node.and_then(|n| match &n.value {
        Node::Int(_) => c.int(n, "due").map(Due::FromStart),
        Node::Map(_) => {
            let f = c.fields(n, "`due`", &["after_phase_start"])?;
            let v = c.required(&f, "after_phase_start", &n.referenced, "`due`")?;
            let d = c.int(v, "after_phase_start")?;
            if d < 0 {
                c.error(&v.referenced, "`after_phase_start` must not be negative");
                return None;
            }
            Some(Due::FromPhaseStart(d))
        }
        other => {
            c.error(&n.referenced, format!("wrong type for `due`: expected business days from the start date (an integer) or `{{after_phase_start: N}}`, found {}", other.type_name()));
            None
        }
    });
    if let (Some(program), Some(phase_name), Some(due), Some(node)) =
        (program, &phase, due, due_node)
        && let Some(p) = program.phase(phase_name)
    {
        let day = match due {
            Due::FromStart(d) => d,
            Due::FromPhaseStart(d) => p.from_day + d,
        };
        if day < p.from_day || day > p.to_day {
            c.error(&node.referenced, format!("due offset outside its phase: day {day} is not within phase `{}` (days {} to {})", p.id, p.from_day, p.to_day));
        }
    }
    let links = fields
        .get("links")
        .map(|n| c.links(n, known))
        .unwrap_or_default();
    let program_segments: Vec<&str> = program
        .map(|p| p.segments.iter().map(String::as_str).collect())
        .unwrap_or_else(|| SEGMENTS.to_vec());
    let program_regions: Vec<&str> = program
        .map(|p| p.regions.iter().map(String::as_str).collect())
        .unwrap_or_else(|| REGIONS.to_vec());
    let segments = fields
        .get("segments")
        .map(|n| c.names(n, "segments", "segment", Some(&program_segments)))
        .unwrap_or_default();
    let regions = fields
        .get("regions")
        .map(|n| c.names(n, "regions", "region", Some(&program_regions)))
        .unwrap_or_default();
    let depends_on = fields
        .get("depends_on")
        .map(|n| c.names(n, "depends_on", "dependency", None))
        .unwrap_or_default();
    let target = fields.get("target").and_then(|n| {
        let f = c.fields(n, "`target`", &["count", "measure"])?;
        let count = c
            .required(&f, "count", &n.referenced, "`target`")
            .and_then(|v| c.count(v, "count"));
        let measure = c
            .required(&f, "measure", &n.referenced, "`target`")
            .and_then(|v| {
                let m = c.string(v, "measure")?;
                if MEASURES.contains(&m.as_str()) {
                    Some(m)
                } else {
                    c.error(
                        &v.referenced,
                        format!("unknown measure `{m}` (known: {})", MEASURES.join(", ")),
                    );
                    None
                }
            });
        Some(Target {
            count: count?,
            measure: measure?,
        })
    });
    let compliance_critical = fields
        .get("compliance_critical")
        .and_then(|n| c.bool(n, "compliance_critical"))
        .unwrap_or(false);
    let graduation = fields
        .get("graduation")
        .map(|n| parse_criteria(&mut c, n))
        .unwrap_or_default();
    c.body_links(&body, body_line, known);

    let id_pos = id_node.map_or((1, 1), |n| c.pos(&n.referenced));
    let dep_positions = depends_on.iter().map(|(_, loc)| c.pos(loc)).collect();
    let task = TaskTemplate {
        id: id?,
        title: title?,
        body: body.trim().to_string(),
        owner: owner?,
        phase: phase?,
        due: due?,
        kind: kind?,
        links,
        segments: segments.into_iter().map(|(s, _)| s).collect(),
        regions: regions.into_iter().map(|(s, _)| s).collect(),
        depends_on: depends_on.into_iter().map(|(s, _)| s).collect(),
        target,
        compliance_critical,
        graduation,
        source: file.path.clone(),
    };
    let positions = TaskPositions {
        file: file.path.clone(),
        id: id_pos,
        depends_on: dep_positions,
    };
    Some((task, positions))
}

fn parse_criteria(c: &mut FileChecker<'_>, node: &Spanned<Node>) -> Vec<Criterion> {
    const KNOWN: &str = "pathway-complete, {certifications: [...]}, {shadowed-meetings: N}, {led-meetings-with-feedback: N}";
    let mut out = Vec::new();
    for item in c.list(node, "graduation").unwrap_or_default() {
        match &item.value {
            Node::Str(s) if s == "pathway-complete" => out.push(Criterion::PathwayComplete),
            Node::Map(_) => {
                let Some(f) = c.fields(
                    item,
                    "a graduation criterion",
                    &[
                        "certifications",
                        "shadowed-meetings",
                        "led-meetings-with-feedback",
                    ],
                ) else {
                    continue;
                };
                if f.len() != 1 {
                    c.error(
                        &item.referenced,
                        "a graduation criterion names exactly one rule",
                    );
                    continue;
                }
                for (key, value) in f {
                    let criterion = match key {
                        "certifications" => {
                            let names = c.names(value, key, "certification", None);
                            if names.is_empty() {
                                c.error(
                                    &value.referenced,
                                    "`certifications` must name at least one certification",
                                );
                                None
                            } else {
                                Some(Criterion::Certifications(
                                    names.into_iter().map(|(n, _)| n).collect(),
                                ))
                            }
                        }
                        "shadowed-meetings" => c.count(value, key).map(Criterion::ShadowedMeetings),
                        _ => c.count(value, key).map(Criterion::LedMeetingsWithFeedback),
                    };
                    out.extend(criterion);
                }
            }
            _ => c.error(
                &item.referenced,
                format!("unknown graduation criterion (known: {KNOWN})"),
            ),
        }
    }
    out
}

// Long: two passes over the tasks (ids, then dependencies and cycles) that share their maps.
fn check_task_ids_and_dependencies(
    tasks: &[(TaskTemplate, TaskPositions)],
    diags: &mut Vec<Diagnostic>,
) {
    let mut first: HashMap<&str, &TaskPositions> = HashMap::new();
    for (task, pos) in tasks {
        if let Some(prev) = first.get(task.id.as_str()) {
            diags.push(Diagnostic::new(
                &pos.file,
                pos.id.0,
                pos.id.1,
                format!(
                    "duplicate task id `{}` (first defined at {}:{}:{})",
                    task.id, prev.file, prev.id.0, prev.id.1
                ),
            ));
        } else {
            first.insert(&task.id, pos);
        }
    }
    for (task, pos) in tasks {
        for (dep, at) in task.depends_on.iter().zip(&pos.depends_on) {
            if dep == &task.id {
                diags.push(Diagnostic::new(
                    &pos.file,
                    at.0,
                    at.1,
                    format!("task `{dep}` depends on itself"),
                ));
            } else if !first.contains_key(dep.as_str()) {
                diags.push(Diagnostic::new(
                    &pos.file,
                    at.0,
                    at.1,
                    format!("unknown dependency `{dep}`: no task has this id"),
                ));
            }
        }
    }
    // Cycles: depth-first search, reported once per cycle at its first task.
    let deps: HashMap<&str, Vec<&str>> = tasks
        .iter()
        .map(|(t, _)| {
            (
                t.id.as_str(),
                t.depends_on
                    .iter()
                    .map(String::as_str)
                    .filter(|d| *d != t.id)
                    .collect(),
            )
        })
        .collect();
    let mut state: HashMap<&str, u8> = HashMap::new(); // 1 = on the path, 2 = done
    let mut reported: BTreeSet<Vec<&str>> = BTreeSet::new();
    for (task, _) in tasks {
        let mut path = Vec::new();
        find_cycles(
            task.id.as_str(),
            &deps,
            &mut state,
            &mut path,
            &mut |cycle| {
                let mut key = cycle.to_vec();
                key.sort();
                if reported.insert(key)
                    && let Some((_, pos)) = tasks.iter().find(|(t, _)| t.id == cycle[0])
                {
                    let at = cycle
                        .get(1)
                        .and_then(|next| {
                            tasks
                                .iter()
                                .find(|(t, _)| t.id == cycle[0])
                                .and_then(|(t, _)| t.depends_on.iter().position(|d| d == next))
                        })
                        .and_then(|i| pos.depends_on.get(i).copied())
                        .unwrap_or(pos.id);
                    let mut names: Vec<&str> = cycle.to_vec();
                    names.push(cycle[0]);
                    diags.push(Diagnostic::new(
                        &pos.file,
                        at.0,
                        at.1,
                        format!("dependency cycle: {}", names.join(" → ")),
                    ));
                }
            },
        );
    }
}

fn find_cycles<'a>(
    id: &'a str,
    deps: &HashMap<&'a str, Vec<&'a str>>,
    state: &mut HashMap<&'a str, u8>,
    path: &mut Vec<&'a str>,
    report: &mut dyn FnMut(&[&'a str]),
) {
    match state.get(id) {
        Some(2) => return,
        Some(1) => {
            if let Some(start) = path.iter().position(|p| *p == id) {
                report(&path[start..]);
            }
            return;
        }
        _ => {}
    }
    state.insert(id, 1);
    path.push(id);
    for next in deps.get(id).into_iter().flatten() {
        if deps.contains_key(next) {
            find_cycles(next, deps, state, path, report);
        }
    }
    path.pop();
    state.insert(id, 2);
}
