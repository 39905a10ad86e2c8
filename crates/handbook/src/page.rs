//! One handbook page from its Markdown source: front matter, URL, and a body
//! with the Hugo shortcodes turned into plain Markdown.

use serde_json::Value;

/// Bumped whenever parsing changes, so the next import re-reads every page.
pub const PARSER_VERSION: u32 = 1;

/// A page as read from its file.
#[derive(Clone, Debug, PartialEq)]
pub struct Page {
    /// Path relative to the imported root, with `/` separators.
    pub path: String,
    /// Site path following Hugo's rules, e.g. `/handbook/customer-success/csm/`.
    pub url: String,
    pub title: String,
    pub description: String,
    /// The top-level section, e.g. `customer-success`.
    pub section: String,
    /// Old site paths that lead to this page.
    pub aliases: Vec<String>,
    pub draft: bool,
    /// Markdown with the shortcodes expanded or removed.
    pub body: String,
    /// Problems that did not stop the import (e.g. malformed front matter).
    pub warnings: Vec<String>,
}

/// Reads a page. Never fails: what cannot be understood becomes a warning.
pub fn parse(path: &str, source: &str) -> Page {
    let mut warnings = Vec::new();
    let source = source.strip_prefix('\u{feff}').unwrap_or(source);
    let (front, body) = split_front_matter(source);
    let front = match front {
        Some(text) => match serde_saphyr::from_str::<Value>(text) {
            Ok(Value::Object(map)) => map,
            Ok(Value::Null) => Default::default(),
            Ok(_) => {
                warnings.push(format!("{path}: front matter is not a mapping; ignored"));
                Default::default()
            }
            Err(e) => {
                let first = e.to_string();
                let first = first.lines().next().unwrap_or_default();
                warnings.push(format!(
                    "{path}: front matter is not valid YAML ({first}); ignored"
                ));
                Default::default()
            }
        },
        None => Default::default(),
    };
    let field = |name: &str| -> Option<&Value> {
        front
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v)
    };
    let text = |name: &str| -> String {
        match field(name) {
            Some(Value::String(s)) => s.trim().to_string(),
            Some(Value::Number(n)) => n.to_string(),
            _ => String::new(),
        }
    };
    let body = expand_shortcodes(body);
    let mut title = text("title");
    if title.is_empty() {
        title = first_heading(&body).unwrap_or_else(|| title_from_path(path));
    }
    let aliases = match field("aliases") {
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(|v| v.as_str())
            .map(normalize_site_path)
            .collect(),
        Some(Value::String(s)) => vec![normalize_site_path(s)],
        _ => Vec::new(),
    };
    let draft = matches!(field("draft"), Some(Value::Bool(true)));
    Page {
        path: path.to_string(),
        url: url_for_path(path),
        title,
        description: text("description"),
        section: section_of(path),
        aliases,
        draft,
        body,
        warnings,
    }
}

/// Splits `---` front matter from the body (CRLF and a blank first line are fine).
fn split_front_matter(source: &str) -> (Option<&str>, &str) {
    let mut lines = source.split_inclusive('\n');
    let Some(first) = lines.next() else {
        return (None, source);
    };
    if first.trim_end() != "---" {
        return (None, source);
    }
    let start = first.len();
    let mut offset = start;
    for line in lines {
        if line.trim_end() == "---" {
            return (Some(&source[start..offset]), &source[offset + line.len()..]);
        }
        offset += line.len();
    }
    (None, source)
}

/// The site path of a file: `x/_index.md` → `/x/`, `x/y.md` → `/x/y/`.
pub fn url_for_path(path: &str) -> String {
    let path = path.trim_start_matches('/');
    let stem = path
        .strip_suffix(".md")
        .or_else(|| path.strip_suffix(".markdown"))
        .unwrap_or(path);
    let stem = stem.strip_suffix(".html").unwrap_or(stem);
    let stem = match stem.rsplit_once('/') {
        Some((dir, "_index" | "index")) => dir,
        None if stem == "_index" || stem == "index" => "",
        _ => stem,
    };
    normalize_site_path(stem)
}

/// `/A/b` → `/a/b/`: Hugo lower-cases paths and ends them with a slash.
pub fn normalize_site_path(path: &str) -> String {
    let trimmed = path.trim().trim_matches('/');
    if trimmed.is_empty() {
        return "/".to_string();
    }
    let mut url = String::with_capacity(trimmed.len() + 2);
    url.push('/');
    for c in trimmed.chars() {
        url.push(if c == ' ' {
            '-'
        } else {
            c.to_ascii_lowercase()
        });
    }
    url.push('/');
    url
}

/// The top-level section: the first folder below a leading `handbook/`.
pub fn section_of(path: &str) -> String {
    let mut parts = path.trim_start_matches('/').split('/');
    let mut first = parts.next().unwrap_or_default();
    let rest: Vec<&str> = parts.collect();
    if first == "handbook" && rest.len() > 1 {
        first = rest[0];
    }
    if rest.is_empty() {
        return String::new();
    }
    first.to_string()
}

/// Every folder the page is in, below a leading `handbook/`, as prefixes and
/// as single names: `customer-success`, `customer-success/csm`, `csm`.
pub fn folders_of(path: &str) -> Vec<String> {
    let path = path.trim_start_matches('/');
    let path = path.strip_prefix("handbook/").unwrap_or(path);
    let dirs: Vec<&str> = match path.rsplit_once('/') {
        Some((dir, _)) => dir.split('/').collect(),
        None => Vec::new(),
    };
    let mut folders = Vec::new();
    for i in 0..dirs.len() {
        folders.push(dirs[..=i].join("/"));
        if i > 0 {
            folders.push(dirs[i].to_string());
        }
    }
    folders
}

fn title_from_path(path: &str) -> String {
    let url = url_for_path(path);
    let last = url.trim_matches('/').rsplit('/').next().unwrap_or_default();
    let words = last.replace(['-', '_'], " ");
    let mut chars = words.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => "Home".to_string(),
    }
}

fn first_heading(body: &str) -> Option<String> {
    body.lines()
        .find_map(|l| l.strip_prefix("# "))
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty())
}

/// A shortcode tag: `{{< name args >}}` or `{{% /name %}}`.
struct Tag<'a> {
    name: &'a str,
    closing: bool,
    args: Vec<(Option<&'a str>, String)>,
}

impl Tag<'_> {
    fn arg(&self, name: &str) -> Option<&str> {
        self.args
            .iter()
            .find(|(k, _)| *k == Some(name))
            .map(|(_, v)| v.as_str())
    }

    fn first_positional(&self) -> Option<&str> {
        self.args
            .iter()
            .find(|(k, _)| k.is_none())
            .map(|(_, v)| v.as_str())
    }
}

fn parse_tag(inner: &str) -> Tag<'_> {
    let inner = inner.trim();
    let (closing, inner) = match inner.strip_prefix('/') {
        Some(rest) => (true, rest.trim_start()),
        None => (false, inner),
    };
    let name_end = inner
        .find(|c: char| c.is_whitespace())
        .unwrap_or(inner.len());
    let name = &inner[..name_end];
    let mut args = Vec::new();
    let mut rest = inner[name_end..].trim_start();
    while !rest.is_empty() {
        let key = match rest.find(['=', ' ', '"', '`']) {
            Some(eq) if rest.as_bytes()[eq] == b'=' => {
                let key = &rest[..eq];
                rest = &rest[eq + 1..];
                Some(key)
            }
            _ => None,
        };
        let (value, after) = take_value(rest);
        args.push((key, value));
        rest = after.trim_start();
    }
    Tag {
        name,
        closing,
        args,
    }
}

/// A quoted ("…" or `…`) or bare value, and what follows it.
fn take_value(s: &str) -> (String, &str) {
    for quote in ['"', '`'] {
        if let Some(rest) = s.strip_prefix(quote) {
            return match rest.find(quote) {
                Some(end) => (rest[..end].to_string(), &rest[end + 1..]),
                None => (rest.to_string(), ""),
            };
        }
    }
    let end = s.find(char::is_whitespace).unwrap_or(s.len());
    (s[..end].to_string(), &s[end..])
}

/// Expands the shortcodes whose content matters and drops the rest; escaped
/// examples (`{{</* x */>}}`) are shown literally.
pub fn expand_shortcodes(body: &str) -> String {
    let mut out = String::with_capacity(body.len());
    let mut rest = body;
    while let Some(start) = rest.find("{{") {
        let after = &rest[start + 2..];
        let delimiter = match after.chars().next() {
            Some('<') => '<',
            Some('%') => '%',
            _ => {
                out.push_str(&rest[..start + 2]);
                rest = after;
                continue;
            }
        };
        let close = if delimiter == '<' { ">}}" } else { "%}}" };
        let Some(end) = after[1..].find(close) else {
            out.push_str(&rest[..start + 2]);
            rest = after;
            continue;
        };
        out.push_str(&rest[..start]);
        let inner = &after[1..1 + end];
        rest = &after[1 + end + close.len()..];
        // Escaped documentation example: show it without the comment markers.
        if let Some(example) = inner
            .trim()
            .strip_prefix("/*")
            .and_then(|s| s.strip_suffix("*/"))
        {
            out.push_str("{{");
            out.push(delimiter);
            out.push_str(example);
            out.push_str(close);
            continue;
        }
        let tag = parse_tag(inner);
        out.push_str(&replacement(&tag));
    }
    out.push_str(rest);
    out
}

/// What a shortcode becomes in Markdown.
fn replacement(tag: &Tag) -> String {
    let bold_line = |text: Option<&str>| match text.map(str::trim) {
        Some(t) if !t.is_empty() => format!("\n\n**{}**\n\n", t.trim_matches('*')),
        _ => "\n\n".to_string(),
    };
    if tag.closing {
        return match tag.name {
            "alert" | "details" | "panel" | "note" | "pageinfo" | "card" | "cardpane" | "tab"
            | "tabs" | "blocks/section" => "\n\n".to_string(),
            _ => String::new(),
        };
    }
    match tag.name {
        "alert" => bold_line(tag.arg("title")),
        "details" => bold_line(tag.arg("summary")),
        "panel" => bold_line(tag.arg("header")),
        "card" => bold_line(tag.arg("header").or(tag.arg("title"))),
        "tab" => bold_line(tag.arg("header").or(tag.arg("name"))),
        "note" | "pageinfo" | "cardpane" | "tabs" | "blocks/section" => "\n\n".to_string(),
        "member-by-name" | "member-by-gitlab" | "member-and-role-by-gitlab" => tag
            .first_positional()
            .or(tag.arg("name"))
            .unwrap_or_default()
            .to_string(),
        "label" => tag
            .arg("name")
            .or(tag.first_positional())
            .map(|n| format!("`{n}`"))
            .unwrap_or_default(),
        "youtube" => match tag.first_positional().or(tag.arg("id")) {
            Some(id) if is_simple_id(id) => {
                format!("[Video on YouTube](https://www.youtube.com/watch?v={id})")
            }
            _ => String::new(),
        },
        "vimeo" => match tag.first_positional().or(tag.arg("id")) {
            Some(id) if is_simple_id(id) => format!("[Video on Vimeo](https://vimeo.com/{id})"),
            _ => String::new(),
        },
        "ref" | "relref" => tag.first_positional().unwrap_or_default().to_string(),
        // Generated from data this corpus does not hold, or pure layout: dropped.
        _ => String::new(),
    }
}

fn is_simple_id(id: &str) -> bool {
    !id.is_empty()
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_follow_hugo_rules() {
        assert_eq!(url_for_path("handbook/x/_index.md"), "/handbook/x/");
        assert_eq!(url_for_path("handbook/x/y.md"), "/handbook/x/y/");
        assert_eq!(url_for_path("handbook/x/index.md"), "/handbook/x/");
        assert_eq!(
            url_for_path("customer-success/product-usage-data/usage-statistics.html.md"),
            "/customer-success/product-usage-data/usage-statistics/"
        );
        assert_eq!(url_for_path("_index.md"), "/");
        assert_eq!(url_for_path("Team Pages/Hello.md"), "/team-pages/hello/");
    }

    #[test]
    fn sections_and_folders() {
        assert_eq!(
            section_of("handbook/customer-success/csm/ebr.md"),
            "customer-success"
        );
        assert_eq!(section_of("handbook/_index.md"), "handbook");
        assert_eq!(section_of("handbook/values.md"), "handbook");
        assert_eq!(section_of("guides/a.md"), "guides");
        assert_eq!(section_of("a.md"), "");
        assert_eq!(
            folders_of("handbook/customer-success/csm/ebr.md"),
            vec!["customer-success", "customer-success/csm", "csm"]
        );
    }

    #[test]
    fn front_matter_variants() {
        let crlf = "---\r\ntitle: \"CRLF page\"\r\nDescription: >-\r\n  folded\r\n  text\r\n---\r\nBody\r\n";
        let page = parse("a/b.md", crlf);
        assert_eq!(page.title, "CRLF page");
        assert_eq!(page.description, "folded text");
        assert_eq!(page.body.trim(), "Body");

        let blank_first = "---\n\nTitle: Upper\naliases:\n  - /Old/Path\n---\nx";
        let page = parse("a/b.md", blank_first);
        assert_eq!(page.title, "Upper");
        assert_eq!(page.aliases, vec!["/old/path/"]);
        assert!(page.warnings.is_empty());

        let broken = "---\ntitle: [unclosed\n---\n# From heading\n";
        let page = parse("x/broken.md", broken);
        assert_eq!(page.title, "From heading");
        assert_eq!(page.warnings.len(), 1);
        assert!(page.warnings[0].starts_with("x/broken.md: front matter"));

        let none = parse("x/no-title.md", "just text");
        assert_eq!(none.title, "No title");
        let draft = parse("x/d.md", "---\ndraft: true\n---\n");
        assert!(draft.draft);
    }

    #[test]
    fn shortcodes_expand_or_vanish() {
        let body = "{{% alert title=\"Note\" color=\"warning\" %}}\nInside\n{{% /alert %}}\n\
                    By {{< member-by-name \"Ada Lovelace\" >}} with {{< label name=\"type::bug\" color=\"#fff\" >}}.\n\
                    {{< youtube \"8cUTvSwUqVc\" >}}\n{{< team-by-manager-slug \"x\" >}}\n\
                    {{% include \"includes/x.md\" %}}\nExample: {{</* ref \"a.md\" */>}}\n\
                    {{% details summary=\"More\" %}}hidden{{% /details %}}";
        let out = expand_shortcodes(body);
        assert!(out.contains("**Note**"), "{out}");
        assert!(out.contains("Inside"));
        assert!(out.contains("By Ada Lovelace with `type::bug`."), "{out}");
        assert!(out.contains("https://www.youtube.com/watch?v=8cUTvSwUqVc"));
        assert!(!out.contains("team-by"));
        assert!(!out.contains("include"));
        assert!(out.contains("Example: {{< ref \"a.md\" >}}"), "{out}");
        assert!(out.contains("**More**") && out.contains("hidden"));
        assert!(!out.contains("{{%"));
    }

    #[test]
    fn unterminated_shortcodes_are_left_as_text() {
        assert_eq!(expand_shortcodes("a {{< b"), "a {{< b");
        assert_eq!(expand_shortcodes("{{ .Title }}"), "{{ .Title }}");
        assert_eq!(expand_shortcodes("{{<>}}"), "");
    }
}
