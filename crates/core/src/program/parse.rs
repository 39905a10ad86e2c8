//! Reading a program's files: the header of `program.md`, its phases, each
//! task file, and graduation criteria; every problem with file, line and
//! column.

use super::*;
use crate::checker::FileChecker;
use crate::error::Diagnostic;
use crate::people::{REGIONS, Role, SEGMENTS};
use crate::yaml::Node;
use chrono::NaiveDate;
use serde_saphyr::{Location, Spanned};
use std::collections::BTreeSet;

pub(super) const PROGRAM_KEYS: [&str; 9] = [
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
pub(super) const PHASE_KEYS: [&str; 4] = ["id", "title", "from_day", "to_day"];
pub(super) const TASK_KEYS: [&str; 13] = [
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
pub(super) fn parse_header(
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

pub(super) fn parse_phases(c: &mut FileChecker<'_>, node: &Spanned<Node>) -> Option<Vec<Phase>> {
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
pub(super) fn parse_task(
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

pub(super) fn parse_criteria(c: &mut FileChecker<'_>, node: &Spanned<Node>) -> Vec<Criterion> {
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
