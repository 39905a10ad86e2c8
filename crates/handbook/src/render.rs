//! Markdown → sanitized HTML with heading anchors and resolved internal links,
//! and → plain text, headings and links for the search index.

use pulldown_cmark::{CodeBlockKind, CowStr, Event, Options, Parser, Tag, TagEnd};
use std::collections::HashSet;
use std::sync::LazyLock;

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_HEADING_ATTRIBUTES
}

/// Goldmark attribute lines such as `{.h2}` or `{style="…"}` on their own.
fn is_attribute_line(line: &str) -> bool {
    let t = line.trim();
    t.len() > 2
        && t.starts_with('{')
        && t.ends_with('}')
        && (t.starts_with("{.") || t.starts_with("{#") || t.contains("=\""))
}

fn without_attribute_lines(body: &str) -> std::borrow::Cow<'_, str> {
    if !body.lines().any(is_attribute_line) {
        return body.into();
    }
    body.lines()
        .filter(|l| !is_attribute_line(l))
        .collect::<Vec<_>>()
        .join("\n")
        .into()
}

/// Hugo's anchor for a heading: lower case, spaces to `-`, punctuation dropped.
pub fn anchor(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.trim().chars() {
        if c.is_alphanumeric() || c == '_' || c == '-' {
            out.extend(c.to_lowercase());
        } else if c.is_whitespace() {
            out.push('-');
        }
    }
    out
}

/// What the index needs from a page body.
#[derive(Debug, Default, PartialEq)]
pub struct Extracted {
    pub text: String,
    pub headings: Vec<String>,
    pub links: Vec<String>,
}

/// Plain text, headings and link targets of a Markdown body.
pub fn extract(body: &str) -> Extracted {
    let body = without_attribute_lines(body);
    let mut out = Extracted::default();
    let mut heading: Option<String> = None;
    let mut skip_code = false;
    for event in Parser::new_ext(&body, options()) {
        match event {
            Event::Start(Tag::Heading { .. }) => heading = Some(String::new()),
            Event::End(TagEnd::Heading(_)) => {
                if let Some(h) = heading.take() {
                    let h = h.trim().to_string();
                    if !h.is_empty() {
                        out.headings.push(h);
                    }
                }
            }
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(lang))) => {
                skip_code = lang.starts_with("mermaid");
            }
            Event::End(TagEnd::CodeBlock) => {
                skip_code = false;
                out.text.push('\n');
            }
            Event::Start(Tag::Link { dest_url, .. }) => out.links.push(dest_url.to_string()),
            Event::Text(t) | Event::Code(t) => {
                if skip_code {
                    continue;
                }
                match heading.as_mut() {
                    Some(h) => h.push_str(&t),
                    None => out.text.push_str(&t),
                }
            }
            Event::Html(html) | Event::InlineHtml(html) => {
                let text = strip_tags(&html);
                if !text.trim().is_empty() {
                    out.text.push_str(&text);
                }
                collect_html_links(&html, &mut out.links);
            }
            Event::SoftBreak | Event::HardBreak => out.text.push(' '),
            Event::End(TagEnd::Paragraph | TagEnd::Item | TagEnd::TableCell) => out.text.push('\n'),
            _ => {}
        }
    }
    out
}

/// The text of an HTML fragment (tags and comments removed).
fn strip_tags(html: &str) -> String {
    let mut out = String::new();
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        out.push_str(&rest[..lt]);
        let after = &rest[lt..];
        let end = if after.starts_with("<!--") {
            after.find("-->").map(|i| i + 3)
        } else {
            after.find('>').map(|i| i + 1)
        };
        match end {
            Some(end) => {
                out.push(' ');
                rest = &after[end..];
            }
            None => {
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out.replace("&nbsp;", " ")
        .replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
}

fn collect_html_links(html: &str, links: &mut Vec<String>) {
    let mut rest = html;
    while let Some(i) = rest.find("href=\"") {
        rest = &rest[i + 6..];
        if let Some(end) = rest.find('"') {
            links.push(rest[..end].to_string());
            rest = &rest[end..];
        }
    }
}

/// A rendered page and the internal links in it that lead nowhere.
#[derive(Debug)]
pub struct Rendered {
    pub html: String,
    pub broken_links: Vec<String>,
    /// Raw HTML blocks and inline tags the page's author wrote: what the
    /// sanitizer (html5ever) had to parse, and may have repaired or removed.
    pub raw_html: usize,
}

/// Where an internal link leads.
pub enum LinkTarget {
    /// Not a link into the handbook: left as it is.
    External,
    /// A page of the handbook, at this address in Onramp.
    Page(String),
    /// Looks internal but no page has that path.
    Broken,
}

/// Renders a body to sanitized HTML. `resolve` maps a link to its target.
pub fn render_html(body: &str, resolve: &dyn Fn(&str) -> LinkTarget) -> Rendered {
    let body = without_attribute_lines(body);
    let mut events: Vec<Event> = Parser::new_ext(&body, options()).collect();
    let mut broken_links = Vec::new();
    let mut used_ids: HashSet<String> = HashSet::new();
    let mut i = 0;
    while i < events.len() {
        match &mut events[i] {
            Event::Start(Tag::Heading { .. }) => {
                let end = events[i..]
                    .iter()
                    .position(|e| matches!(e, Event::End(TagEnd::Heading(_))))
                    .map(|p| p + i)
                    .unwrap_or(events.len());
                let text: String = events[i + 1..end]
                    .iter()
                    .filter_map(|e| match e {
                        Event::Text(t) | Event::Code(t) => Some(t.as_ref()),
                        _ => None,
                    })
                    .collect();
                let base = match &events[i] {
                    Event::Start(Tag::Heading { id: Some(id), .. }) => id.to_string(),
                    _ => anchor(&text),
                };
                let mut unique = base.clone();
                let mut n = 1;
                while !used_ids.insert(unique.clone()) {
                    unique = format!("{base}-{n}");
                    n += 1;
                }
                if let Event::Start(Tag::Heading { id, .. }) = &mut events[i] {
                    *id = Some(CowStr::from(unique.clone()));
                }
                if end < events.len() {
                    events.insert(
                        end,
                        Event::InlineHtml(CowStr::from(format!(
                            " <a class=\"anchor\" href=\"#{unique}\" aria-label=\"Link to this section\">#</a>"
                        ))),
                    );
                }
            }
            Event::Start(Tag::Link { dest_url, .. }) => match resolve(dest_url) {
                LinkTarget::External => {}
                LinkTarget::Page(to) => *dest_url = CowStr::from(to),
                LinkTarget::Broken => broken_links.push(dest_url.to_string()),
            },
            _ => {}
        }
        i += 1;
    }
    let raw_html = events
        .iter()
        .filter(|e| matches!(e, Event::Html(_)))
        .count();
    let events = events.into_iter().flat_map(accessible);
    let mut html = String::with_capacity(body.len() * 2);
    pulldown_cmark::html::push_html(&mut html, events);
    Rendered {
        html: SANITIZER.clean(&html).to_string(),
        broken_links,
        raw_html,
    }
}

/// An event as shown, with what a screen reader and a keyboard need: task
/// list boxes say what they show, and a table scrolls in a box the keyboard
/// can reach.
fn accessible(e: Event<'_>) -> Vec<Event<'_>> {
    match e {
        // A task list's box says what it shows to a screen reader.
        Event::TaskListMarker(done) => vec![Event::InlineHtml(CowStr::from(format!(
            "<input type=\"checkbox\" disabled=\"\"{} aria-label=\"{}\"> ",
            if done { " checked=\"\"" } else { "" },
            if done { "Done" } else { "Not done" }
        )))],
        // A wide table scrolls in its own box, which the keyboard can reach.
        Event::Start(Tag::Table(_)) => vec![
            Event::InlineHtml(CowStr::from(
                "<div class=\"table-scroll\" tabindex=\"0\" role=\"region\" aria-label=\"Table\">",
            )),
            e,
        ],
        Event::End(TagEnd::Table) => vec![e, Event::InlineHtml(CowStr::from("</div>"))],
        other => vec![other],
    }
}

static SANITIZER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut b = ammonia::Builder::default();
    b.add_tags(["details", "summary", "input"])
        .add_tag_attributes("h1", ["id"])
        .add_tag_attributes("h2", ["id"])
        .add_tag_attributes("h3", ["id"])
        .add_tag_attributes("h4", ["id"])
        .add_tag_attributes("h5", ["id"])
        .add_tag_attributes("h6", ["id"])
        .add_tag_attributes("a", ["class", "aria-label"])
        .add_tag_attributes("code", ["class"])
        .add_tag_attributes("input", ["type", "checked", "disabled", "aria-label"])
        .add_tag_attributes("div", ["class", "tabindex", "role", "aria-label"])
        .link_rel(Some("noopener noreferrer"));
    b
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn task_lists_and_tables_are_accessible() {
        let r = render_html(
            "- [x] one\n- [ ] two\n\n| a | b |\n|---|---|\n| 1 | 2 |\n",
            &|_| LinkTarget::External,
        );
        assert!(
            r.html.contains("aria-label=\"Done\"") && r.html.contains("aria-label=\"Not done\""),
            "{}",
            r.html
        );
        assert!(r.html.contains("<div class=\"table-scroll\" tabindex=\"0\" role=\"region\" aria-label=\"Table\"><table>"), "{}", r.html);
    }

    #[test]
    fn anchors_like_hugo() {
        assert_eq!(anchor("Week 1: Getting started!"), "week-1-getting-started");
        assert_eq!(anchor("CSM/CSE FAQ"), "csmcse-faq");
    }

    #[test]
    fn extract_text_headings_links() {
        let body = "# Title\n\nSome *text* with [a link](/handbook/x/).\n\n## Sub `code`\n\n<div>raw <b>html</b></div>\n\n```mermaid\ngraph TD\n```\n\n{.h2}\n";
        let e = extract(body);
        assert_eq!(e.headings, vec!["Title", "Sub code"]);
        assert!(e.text.contains("Some text with a link."));
        assert!(e.text.contains("raw"));
        assert!(!e.text.contains("graph TD"));
        assert!(!e.text.contains("{.h2}"));
        assert_eq!(e.links, vec!["/handbook/x/"]);
    }

    #[test]
    fn rendering_sanitizes_and_anchors() {
        let body = "## General Channels {#random-room}\n\n## Same\n\n## Same\n\n<script>alert(1)</script>\n<iframe src=\"https://x\"></iframe>\n<a href=\"javascript:alert(1)\" onclick=\"x()\">bad</a>\n\n[ok](/handbook/a/) [gone](/handbook/missing/) [out](https://example.com)\n";
        let resolve = |href: &str| -> LinkTarget {
            match href {
                "/handbook/a/" => LinkTarget::Page("/docs/handbook/a/".into()),
                "/handbook/missing/" => LinkTarget::Broken,
                _ => LinkTarget::External,
            }
        };
        let r = render_html(body, &resolve);
        assert!(r.html.contains("<h2 id=\"random-room\">"), "{}", r.html);
        assert!(r.html.contains("id=\"same\"") && r.html.contains("id=\"same-1\""));
        assert!(r.html.contains("href=\"#random-room\""));
        assert!(!r.html.contains("<script"));
        assert!(!r.html.contains("<iframe"));
        assert!(!r.html.contains("javascript:"));
        assert!(!r.html.contains("onclick"));
        assert!(r.html.contains("href=\"/docs/handbook/a/\""));
        assert_eq!(r.broken_links, vec!["/handbook/missing/"]);
    }
}
