//! Writes a [`Program`] back to its files, in the format [`parse_program`]
//! reads. Strings are written as JSON string literals, which YAML reads as
//! double-quoted scalars, so no value can break the front matter.
//!
//! [`parse_program`]: crate::program::parse_program

use crate::program::{Criterion, Due, PROGRAM_FILE, Program, SourceFile, TASKS_DIR, TaskTemplate};
use std::fmt::Write;

/// A YAML double-quoted scalar for any string: backslashes, quotes and every
/// character YAML does not allow unescaped (controls, C1, non-characters)
/// are escaped.
pub fn quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if is_yaml_printable(c) => out.push(c),
            c if (c as u32) <= 0xFFFF => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => {
                let _ = write!(out, "\\U{:08X}", c as u32);
            }
        }
    }
    out.push('"');
    out
}

/// YAML 1.2's printable characters.
fn is_yaml_printable(c: char) -> bool {
    matches!(c as u32,
        0x20..=0x7E | 0x85 | 0xA0..=0xD7FF | 0xE000..=0xFFFD | 0x10000..=0x10FFFF)
        && c != '\u{FEFF}'
}

fn list(items: &[String]) -> String {
    let quoted: Vec<String> = items.iter().map(|s| quoted(s)).collect();
    format!("[{}]", quoted.join(", "))
}

/// The body as written after the front matter: it must not contain a line
/// `---` that would end the front matter early (only the first one counts,
/// so a body line `---` is safe).
fn body(text: &str) -> String {
    if text.is_empty() {
        String::new()
    } else {
        format!("{text}\n")
    }
}

/// The program's files: `program.md` and `tasks/<phase>/<task id>.md`
/// (or the task's recorded `source` path when it has one).
pub fn program_files(program: &Program) -> Vec<SourceFile> {
    let mut out = Vec::with_capacity(program.tasks.len() + 1);
    let mut head = String::from("---\n");
    let _ = writeln!(head, "id: {}", quoted(&program.id));
    let _ = writeln!(head, "title: {}", quoted(&program.title));
    if !program.description.is_empty() {
        let _ = writeln!(head, "description: {}", quoted(&program.description));
    }
    let _ = writeln!(head, "owner: {}", quoted(&program.owner));
    let _ = writeln!(head, "segments: {}", list(&program.segments));
    let _ = writeln!(head, "regions: {}", list(&program.regions));
    let _ = writeln!(
        head,
        "reviewed_at: {}",
        program.reviewed_at.format("%Y-%m-%d")
    );
    if let Some(q) = &program.shadowing {
        let _ = writeln!(
            head,
            "shadowing: {{ per_week: {}, from_week: {}, to_week: {} }}",
            q.per_week, q.from_week, q.to_week
        );
    }
    head.push_str("phases:\n");
    for p in &program.phases {
        let _ = writeln!(
            head,
            "  - id: {}\n    title: {}\n    from_day: {}\n    to_day: {}",
            quoted(&p.id),
            quoted(&p.title),
            p.from_day,
            p.to_day
        );
    }
    head.push_str("---\n");
    head.push_str(&body(&program.body));
    out.push(SourceFile {
        path: PROGRAM_FILE.to_string(),
        text: head,
    });
    for task in &program.tasks {
        let path = if task.source.starts_with(TASKS_DIR) && task.source.ends_with(".md") {
            task.source.clone()
        } else {
            format!("{TASKS_DIR}{}/{}.md", task.phase, task.id)
        };
        out.push(SourceFile {
            path,
            text: task_file(task),
        });
    }
    out
}

fn task_file(t: &TaskTemplate) -> String {
    let mut s = String::from("---\n");
    let _ = writeln!(s, "id: {}", quoted(&t.id));
    let _ = writeln!(s, "title: {}", quoted(&t.title));
    let _ = writeln!(s, "owner: {}", t.owner.as_str());
    let _ = writeln!(s, "phase: {}", quoted(&t.phase));
    match t.due {
        Due::FromStart(d) => {
            let _ = writeln!(s, "due: {d}");
        }
        Due::FromPhaseStart(d) => {
            let _ = writeln!(s, "due: {{after_phase_start: {d}}}");
        }
    }
    let _ = writeln!(s, "kind: {}", t.kind.as_str());
    if !t.links.is_empty() {
        s.push_str("links:\n");
        for l in &t.links {
            let _ = writeln!(
                s,
                "  - title: {}\n    url: {}",
                quoted(&l.title),
                quoted(&l.url)
            );
        }
    }
    if !t.segments.is_empty() {
        let _ = writeln!(s, "segments: {}", list(&t.segments));
    }
    if !t.regions.is_empty() {
        let _ = writeln!(s, "regions: {}", list(&t.regions));
    }
    if !t.depends_on.is_empty() {
        let _ = writeln!(s, "depends_on: {}", list(&t.depends_on));
    }
    if let Some(target) = &t.target {
        let _ = writeln!(
            s,
            "target:\n  count: {}\n  measure: {}",
            target.count,
            quoted(&target.measure)
        );
    }
    if t.compliance_critical {
        s.push_str("compliance_critical: true\n");
    }
    if !t.graduation.is_empty() {
        s.push_str("graduation:\n");
        for c in &t.graduation {
            let line = match c {
                Criterion::PathwayComplete => "pathway-complete".to_string(),
                Criterion::Certifications(ids) => format!("{{certifications: {}}}", list(ids)),
                Criterion::ShadowedMeetings(n) => format!("{{shadowed-meetings: {n}}}"),
                Criterion::LedMeetingsWithFeedback(n) => {
                    format!("{{led-meetings-with-feedback: {n}}}")
                }
            };
            let _ = writeln!(s, "  - {line}");
        }
    }
    s.push_str("---\n");
    s.push_str(&body(&t.body));
    s
}
