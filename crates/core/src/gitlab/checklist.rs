//! Reading one checklist text: quick actions are noted and blanked, then the
//! Markdown events are walked once — headings open sections and phases,
//! `<details>` blocks open role sections, top-level checklist items become
//! tasks with their nested items, links and @mentions — and the program is
//! put together at the end.

use super::{
    ItemBuilder, PhaseDraft, Section, finish_task, heading_number, marker, place_phases,
    role_for_section, slug, strip_markers, strip_tags, unique,
};
use crate::error::Error;
use crate::people::{REGIONS, SEGMENTS};
use crate::program::{Due, Link, Program, TaskTemplate, is_valid_id};
use chrono::NaiveDate;
use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, TagEnd};
use std::collections::BTreeMap;
use std::ops::Range;

/// Reads a checklist text (`offset_lines` lines into its file) as a program.
pub(super) fn import_text(
    markdown: &str,
    name: &str,
    today: NaiveDate,
    front_title: Option<String>,
    offset_lines: usize,
) -> Result<super::ChecklistImport, Error> {
    let mut unmapped = Vec::new();
    let text = blank_quick_actions(markdown, offset_lines, &mut unmapped);
    let onboarding_marker = marker(&text, "onboarding");
    let start_date = onboarding_marker
        .as_ref()
        .and_then(|m| m.get("start"))
        .and_then(|s| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok());
    let mut walk = Walk {
        text: &text,
        line_starts: std::iter::once(0)
            .chain(markdown.match_indices('\n').map(|(i, _)| i + 1))
            .collect(),
        offset_lines,
        start_date,
        unmapped,
        sections: Vec::new(),
        heading: None,
        h1: None,
        phases: Vec::new(),
        phase_ids: BTreeMap::new(),
        task_ids: BTreeMap::new(),
        tasks: Vec::new(),
        depth: 0,
        item: None,
        item_is_task: false,
        nested_checked: None,
        plain_items: 0,
    };
    let options =
        Options::ENABLE_TASKLISTS | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TABLES;
    for (event, range) in Parser::new_ext(&text, options).into_offset_iter() {
        walk.event(event, range);
    }
    walk.finish(name, today, front_title, onboarding_marker.as_ref())
}

/// Takes quick actions (`/due …` lines of their own, outside code fences)
/// out before parsing, noting each, and keeps every other byte in place.
fn blank_quick_actions(markdown: &str, offset_lines: usize, unmapped: &mut Vec<String>) -> String {
    let mut text = String::with_capacity(markdown.len());
    let mut in_fence = false;
    for (i, line) in markdown.split_inclusive('\n').enumerate() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            in_fence = !in_fence;
        }
        if !in_fence
            && trimmed.starts_with('/')
            && trimmed[1..].starts_with(|c: char| c.is_ascii_lowercase())
        {
            let action = trimmed.trim_end();
            let what = action.split_whitespace().next().unwrap_or(action);
            let note = match what {
                "/due" => "the issue's due date; each task is due at the end of its phase instead",
                "/assign" => "assignees are people, not roles; set owners per task instead",
                "/label" | "/unlabel" => "programs have no labels",
                "/confidential" => "onboardings are private to the people involved already",
                _ => "no equivalent in a program",
            };
            unmapped.push(format!(
                "line {}: quick action `{action}` not mapped: {note}",
                offset_lines + i + 1
            ));
            text.push_str(&" ".repeat(line.trim_end_matches('\n').len()));
            if line.ends_with('\n') {
                text.push('\n');
            }
        } else {
            text.push_str(line);
        }
    }
    text
}

/// What the walk over the Markdown events has seen so far.
struct Walk<'t> {
    text: &'t str,
    line_starts: Vec<usize>,
    offset_lines: usize,
    start_date: Option<NaiveDate>,
    unmapped: Vec<String>,
    /// The headings and `<details>` blocks the walk is inside.
    sections: Vec<Section>,
    /// The heading being read: its level and text so far.
    heading: Option<(u8, String)>,
    h1: Option<String>,
    phases: Vec<PhaseDraft>,
    phase_ids: BTreeMap<String, u32>,
    task_ids: BTreeMap<String, u32>,
    tasks: Vec<TaskTemplate>,
    /// List nesting: 1 is a top-level item.
    depth: usize,
    item: Option<ItemBuilder>,
    item_is_task: bool,
    nested_checked: Option<bool>,
    plain_items: usize,
}

impl Walk<'_> {
    fn line_of(&self, offset: usize) -> usize {
        self.offset_lines + self.line_starts.partition_point(|&s| s <= offset)
    }

    fn event(&mut self, event: Event<'_>, range: Range<usize>) {
        match event {
            Event::Start(Tag::Heading { level, .. }) => {
                self.heading = Some((heading_number(level), String::new()));
            }
            Event::End(TagEnd::Heading(_)) => self.end_heading(range),
            Event::Html(html) | Event::InlineHtml(html) => self.html(&html),
            Event::Start(Tag::List(_)) => {
                self.depth += 1;
                if self.depth >= 2
                    && let Some(b) = self.item.as_mut()
                {
                    b.title_done = true;
                }
            }
            Event::End(TagEnd::List(_)) => self.depth = self.depth.saturating_sub(1),
            Event::Start(Tag::Item) => self.start_item(range),
            Event::TaskListMarker(checked) => {
                if self.depth == 1 {
                    self.item_is_task = true;
                } else {
                    self.nested_checked = Some(checked);
                }
            }
            Event::End(TagEnd::Item) => self.end_item(),
            Event::Start(Tag::Link { dest_url, .. }) => {
                if let Some(b) = self.item.as_mut() {
                    b.link_stack.push((dest_url.to_string(), String::new()));
                }
            }
            Event::End(TagEnd::Link) => self.end_link(range),
            Event::End(TagEnd::Paragraph) => {
                if let Some(b) = self.item.as_mut()
                    && self.depth == 1
                {
                    b.title_done = true;
                }
            }
            Event::Text(t) | Event::Code(t) => self.text(&t),
            Event::SoftBreak | Event::HardBreak => self.line_break(),
            _ => {}
        }
    }

    /// A heading opens a section; one with a phase marker also a phase.
    fn end_heading(&mut self, range: Range<usize>) {
        let Some((level, title)) = self.heading.take() else {
            return;
        };
        let raw = &self.text[range];
        let title = strip_markers(&title);
        if level == 1 && self.h1.is_none() {
            // An empty first heading does not name the program.
            self.h1 = Some(title).filter(|t| !t.trim().is_empty());
            return;
        }
        self.sections.retain(|s| s.level < level);
        let role = role_for_section(&title);
        self.sections.push(Section {
            level,
            title: title.clone(),
            role,
            phase: None,
        });
        if let Some(m) = marker(raw, "phase") {
            let id = m.get("id").cloned().unwrap_or_else(|| slug(&title, 40));
            let exact = match (
                m.get("from").and_then(|v| v.parse().ok()),
                m.get("to").and_then(|v| v.parse().ok()),
            ) {
                (Some(f), Some(t)) => Some((f, t)),
                _ => None,
            };
            let id = unique(id, &mut self.phase_ids);
            self.phases.push(PhaseDraft {
                id,
                title,
                hint: None,
                exact,
            });
            if let Some(s) = self.sections.last_mut() {
                s.phase = Some(self.phases.len() - 1);
            }
        }
    }

    /// `<summary>` opens a role section (until `</details>`); other markup
    /// inside a heading counts as its text.
    fn html(&mut self, html: &CowStr<'_>) {
        if let (Some(a), Some(b)) = (html.find("<summary>"), html.find("</summary>"))
            && a < b
        {
            let title = strip_tags(&html[a + 9..b]);
            let role = role_for_section(&title);
            self.sections.push(Section {
                level: 7,
                title,
                role,
                phase: None,
            });
        }
        if html.contains("</details>") {
            self.sections.retain(|s| s.level < 7);
        }
        if let Some((_, buffer)) = self.heading.as_mut()
            && !html.starts_with("<!--")
        {
            buffer.push_str(&strip_tags(html));
        }
    }

    fn start_item(&mut self, range: Range<usize>) {
        if self.depth == 1 {
            self.item = Some(ItemBuilder {
                line: self.line_of(range.start),
                title: String::new(),
                title_done: false,
                body: Vec::new(),
                nested: String::new(),
                links: Vec::new(),
                link_stack: Vec::new(),
                raw: self.text[range].to_string(),
            });
            self.item_is_task = false;
        } else {
            self.nested_checked = None;
            if let Some(b) = self.item.as_mut() {
                b.nested.clear();
            }
        }
    }

    /// A nested item joins its task's body; a top-level checklist item
    /// becomes a task, any other top-level item is counted and left out.
    fn end_item(&mut self) {
        if self.depth >= 2 {
            if let Some(b) = self.item.as_mut() {
                let indent = "  ".repeat(self.depth - 2);
                let box_ = match self.nested_checked {
                    Some(true) => "[x] ",
                    Some(false) => "[ ] ",
                    None => "",
                };
                let line = format!("{indent}- {box_}{}", b.nested.trim());
                b.body.push(line);
                b.nested.clear();
            }
        } else if let Some(b) = self.item.take() {
            if self.item_is_task {
                let task = finish_task(
                    b,
                    &self.sections,
                    &mut self.phases,
                    &mut self.phase_ids,
                    &mut self.task_ids,
                    self.start_date,
                    &mut self.unmapped,
                );
                self.tasks.push(task);
            } else {
                self.plain_items += 1;
            }
        }
    }

    /// An absolute link joins the task's links; a relative one is noted.
    fn end_link(&mut self, range: Range<usize>) {
        let line = self.line_of(range.start);
        let Some(b) = self.item.as_mut() else {
            return;
        };
        let Some((url, title)) = b.link_stack.pop() else {
            return;
        };
        let title = if title.trim().is_empty() {
            url.clone()
        } else {
            title.trim().to_string()
        };
        let relative = !(url.contains("://")
            || url.starts_with('/')
            || url.starts_with('#')
            || url.starts_with("mailto:"));
        if relative {
            self.unmapped.push(format!(
                "line {line}: relative link `{url}` left out: it is relative to the page, not to a file of the program"
            ));
        } else if !b.links.iter().any(|l| l.url == url) {
            b.links.push(Link { title, url });
        }
    }

    fn text(&mut self, t: &str) {
        if let Some((_, buffer)) = self.heading.as_mut() {
            buffer.push_str(t);
        } else if let Some(b) = self.item.as_mut() {
            if let Some((_, link_title)) = b.link_stack.last_mut() {
                link_title.push_str(t);
            }
            if self.depth >= 2 {
                b.nested.push_str(t);
            } else if !b.title_done {
                b.title.push_str(t);
            } else {
                b.body.push(t.to_string());
            }
        }
    }

    fn line_break(&mut self) {
        if let Some((_, buffer)) = self.heading.as_mut() {
            buffer.push(' ');
        } else if let Some(b) = self.item.as_mut() {
            if self.depth >= 2 {
                b.nested.push(' ');
            } else if !b.title_done {
                b.title.push(' ');
            }
        }
    }

    /// The program: tasks in file order, phases placed, due dates fitted to
    /// their phases, and the notes about what was not carried over.
    // Long: the program is put together from the walk's state: ordering, notes, phases, due dates, id and title.
    fn finish(
        self,
        name: &str,
        today: NaiveDate,
        front_title: Option<String>,
        onboarding_marker: Option<&BTreeMap<String, String>>,
    ) -> Result<super::ChecklistImport, Error> {
        let Walk {
            mut tasks,
            mut unmapped,
            phases,
            plain_items,
            h1,
            ..
        } = self;
        if tasks.is_empty() {
            return Err(Error::invalid(
                name,
                "no checklist items (`- [ ]` or `- [x]`) found: nothing to import",
            ));
        }
        // File names keep the checklist's order when the program is read back.
        for (i, t) in tasks.iter_mut().enumerate() {
            t.source = format!("tasks/{}/{:03}-{}.md", t.phase, i + 1, t.id);
        }
        if plain_items > 0 {
            unmapped.push(format!("{plain_items} list item(s) without a checkbox were left out: only `- [ ]` items become tasks"));
        }
        // Notes in the order of the file; notes about the whole file last.
        unmapped.sort_by_key(|n| {
            n.strip_prefix("line ")
                .and_then(|r| r.split(':').next())
                .and_then(|l| l.parse::<usize>().ok())
                .unwrap_or(usize::MAX)
        });
        let phases = place_phases(phases);
        // Tasks whose due date was derived from a date keep it only when it fits their phase.
        for t in &mut tasks {
            if let Some(p) = phases.iter().find(|p| p.id == t.phase) {
                let day = match t.due {
                    Due::FromStart(d) => d,
                    Due::FromPhaseStart(d) => p.from_day + d,
                };
                if day < p.from_day || day > p.to_day {
                    t.due = Due::FromPhaseStart(p.to_day - p.from_day);
                }
            }
        }
        let file_stem = name
            .rsplit('/')
            .next()
            .unwrap_or(name)
            .trim_end_matches(".md");
        let program_id = onboarding_marker
            .and_then(|m| m.get("program"))
            .filter(|p| is_valid_id(p))
            .cloned()
            .unwrap_or_else(|| {
                slug(
                    h1.as_deref()
                        .or(front_title.as_deref())
                        .unwrap_or(file_stem),
                    48,
                )
            });
        let title = h1
            .or(front_title)
            .unwrap_or_else(|| file_stem.replace(['-', '_'], " "));
        Ok(super::ChecklistImport {
            program: Program {
                id: program_id,
                title,
                description: format!("Imported from the GitLab issue template {name}."),
                owner: "Enablement program manager".into(),
                segments: SEGMENTS.iter().map(|s| s.to_string()).collect(),
                regions: REGIONS.iter().map(|s| s.to_string()).collect(),
                reviewed_at: today,
                phases,
                shadowing: None,
                body: String::new(),
                tasks,
            },
            unmapped,
        })
    }
}
