//! Checks YAML values against what a file format expects, collecting every
//! problem with its file, line and column.

use crate::error::Diagnostic;
use crate::program::{Link, broken_relative_link, is_valid_id};
use crate::yaml::{self, Node};
use serde_saphyr::{Location, Spanned};
use std::collections::{BTreeMap, BTreeSet};

/// Reads one file's front matter as a mapping, reporting problems.
pub(crate) struct FileChecker<'a> {
    pub file: &'a str,
    pub yaml_line: u64,
    pub diags: &'a mut Vec<Diagnostic>,
}

impl<'a> FileChecker<'a> {
    pub fn new(file: &'a str, yaml_line: u64, diags: &'a mut Vec<Diagnostic>) -> Self {
        Self {
            file,
            yaml_line,
            diags,
        }
    }

    pub fn pos(&self, loc: &Location) -> (u64, u64) {
        if loc.line() == 0 {
            (self.yaml_line.saturating_sub(1).max(1), 1)
        } else {
            (self.yaml_line + loc.line() - 1, loc.column().max(1))
        }
    }

    pub fn error(&mut self, loc: &Location, message: impl Into<String>) {
        let (line, column) = self.pos(loc);
        self.diags
            .push(Diagnostic::new(self.file, line, column, message));
    }

    /// The entries of a mapping by key, reporting unknown and repeated keys.
    pub fn fields<'n>(
        &mut self,
        node: &'n Spanned<Node>,
        what: &str,
        allowed: &[&str],
    ) -> Option<BTreeMap<&'n str, &'n Spanned<Node>>> {
        let Node::Map(entries) = &node.value else {
            self.error(
                &node.referenced,
                format!(
                    "wrong type: {what} must be a mapping, found {}",
                    node.value.type_name()
                ),
            );
            return None;
        };
        let mut out = BTreeMap::new();
        for (key, value) in entries {
            if !allowed.contains(&key.value.as_str()) {
                self.error(
                    &key.referenced,
                    format!(
                        "unknown key `{}` in {what} (allowed: {})",
                        key.value,
                        allowed.join(", ")
                    ),
                );
            } else if out.insert(key.value.as_str(), value).is_some() {
                self.error(
                    &key.referenced,
                    format!("key `{}` is given twice", key.value),
                );
            }
        }
        Some(out)
    }

    pub fn required<'n>(
        &mut self,
        fields: &BTreeMap<&str, &'n Spanned<Node>>,
        key: &str,
        at: &Location,
        what: &str,
    ) -> Option<&'n Spanned<Node>> {
        let found = fields.get(key).copied();
        if found.is_none() {
            self.error(at, format!("missing required key `{key}` in {what}"));
        }
        found
    }

    pub fn string(&mut self, node: &Spanned<Node>, key: &str) -> Option<String> {
        match &node.value {
            Node::Str(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
            Node::Str(_) => {
                self.error(&node.referenced, format!("`{key}` must not be empty"));
                None
            }
            other => {
                let hint = if matches!(
                    other,
                    Node::Bool(_) | Node::Int(_) | Node::Float | Node::Null
                ) {
                    " (write it in quotes if it is meant as text)"
                } else {
                    ""
                };
                self.error(
                    &node.referenced,
                    format!(
                        "wrong type for `{key}`: expected a string, found {}{hint}",
                        other.type_name()
                    ),
                );
                None
            }
        }
    }

    pub fn int(&mut self, node: &Spanned<Node>, key: &str) -> Option<i32> {
        match &node.value {
            Node::Int(i) => match i32::try_from(*i) {
                Ok(v) => Some(v),
                Err(_) => {
                    self.error(&node.referenced, format!("`{key}` is out of range"));
                    None
                }
            },
            other => {
                self.error(
                    &node.referenced,
                    format!(
                        "wrong type for `{key}`: expected an integer, found {}",
                        other.type_name()
                    ),
                );
                None
            }
        }
    }

    pub fn count(&mut self, node: &Spanned<Node>, key: &str) -> Option<u32> {
        let v = self.int(node, key)?;
        match u32::try_from(v) {
            Ok(c) if c > 0 => Some(c),
            _ => {
                self.error(
                    &node.referenced,
                    format!("`{key}` must be a whole number of at least 1"),
                );
                None
            }
        }
    }

    pub fn bool(&mut self, node: &Spanned<Node>, key: &str) -> Option<bool> {
        match &node.value {
            Node::Bool(b) => Some(*b),
            other => {
                self.error(
                    &node.referenced,
                    format!(
                        "wrong type for `{key}`: expected true or false, found {}",
                        other.type_name()
                    ),
                );
                None
            }
        }
    }

    pub fn list<'n>(&mut self, node: &'n Spanned<Node>, key: &str) -> Option<&'n [Spanned<Node>]> {
        match &node.value {
            Node::Seq(items) => Some(items),
            other => {
                self.error(
                    &node.referenced,
                    format!(
                        "wrong type for `{key}`: expected a list, found {}",
                        other.type_name()
                    ),
                );
                None
            }
        }
    }

    /// A list of strings, each checked against `allowed` when given.
    pub fn names(
        &mut self,
        node: &Spanned<Node>,
        key: &str,
        what: &str,
        allowed: Option<&[&str]>,
    ) -> Vec<(String, Location)> {
        let mut out: Vec<(String, Location)> = Vec::new();
        for item in self.list(node, key).unwrap_or_default() {
            let Some(name) = self.string(item, key) else {
                continue;
            };
            if let Some(allowed) = allowed
                && !allowed.contains(&name.as_str())
            {
                self.error(
                    &item.referenced,
                    format!("unknown {what} `{name}` (known: {})", allowed.join(", ")),
                );
                continue;
            }
            if out.iter().any(|(n, _)| *n == name) {
                self.error(&item.referenced, format!("{what} `{name}` is listed twice"));
                continue;
            }
            out.push((name, item.referenced));
        }
        out
    }

    pub fn id(&mut self, node: &Spanned<Node>, key: &str) -> Option<String> {
        let id = self.string(node, key)?;
        if is_valid_id(&id) {
            Some(id)
        } else {
            self.error(
                &node.referenced,
                format!("`{key}` must be lower-case letters, digits and dashes, starting with a letter or digit (got `{id}`)"),
            );
            None
        }
    }

    pub fn links(&mut self, node: &Spanned<Node>, known: &BTreeSet<&str>) -> Vec<Link> {
        let mut out = Vec::new();
        for item in self.list(node, "links").unwrap_or_default() {
            let Some(fields) = self.fields(item, "a link", &["title", "url"]) else {
                continue;
            };
            let title = self
                .required(&fields, "title", &item.referenced, "a link")
                .and_then(|n| self.string(n, "title"));
            let url_node = self.required(&fields, "url", &item.referenced, "a link");
            let url = url_node.and_then(|n| self.string(n, "url"));
            if let (Some(url), Some(node)) = (&url, url_node)
                && let Some(problem) = broken_relative_link(self.file, url, known)
            {
                self.error(&node.referenced, problem);
            }
            if let (Some(title), Some(url)) = (title, url) {
                out.push(Link { title, url });
            }
        }
        out
    }

    /// Checks the relative links written in a Markdown body.
    pub fn body_links(&mut self, body: &str, body_line: u64, known: &BTreeSet<&str>) {
        use pulldown_cmark::{Event, Parser, Tag};
        for (event, range) in Parser::new(body).into_offset_iter() {
            let Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) = event
            else {
                continue;
            };
            if let Some(problem) = broken_relative_link(self.file, &dest_url, known) {
                let before = &body[..range.start];
                let line = body_line + before.matches('\n').count() as u64;
                let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) as u64 + 1;
                self.diags
                    .push(Diagnostic::new(self.file, line, column, problem));
            }
        }
    }
}

/// Opens a file's front matter; problems go to `diags`.
pub(crate) fn open(
    file: &crate::program::SourceFile,
    diags: &mut Vec<Diagnostic>,
) -> Option<(Spanned<Node>, u64, String, u64)> {
    let fm = match yaml::split_front_matter(&file.text) {
        Ok(fm) => fm,
        Err(message) => {
            diags.push(Diagnostic::new(&file.path, 1, 1, message));
            return None;
        }
    };
    match yaml::parse(fm.yaml) {
        Ok(node) => Some((node, fm.yaml_line, fm.body.to_string(), fm.body_line)),
        Err((line, column, message)) => {
            diags.push(Diagnostic::new(
                &file.path,
                fm.yaml_line + line - 1,
                column,
                format!("invalid YAML: {message}"),
            ));
            None
        }
    }
}

/// Opens a whole-file YAML document (a catalogue); problems go to `diags`.
pub(crate) fn open_yaml(
    path: &str,
    text: &str,
    diags: &mut Vec<Diagnostic>,
) -> Option<Spanned<Node>> {
    match yaml::parse(text) {
        Ok(node) => Some(node),
        Err((line, column, message)) => {
            diags.push(Diagnostic::new(
                path,
                line,
                column,
                format!("invalid YAML: {message}"),
            ));
            None
        }
    }
}
