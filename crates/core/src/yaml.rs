//! Front matter splitting and a YAML tree that remembers where each value was
//! written, so that validation can report every problem with its position.

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::Spanned;
use std::fmt;

/// A file split into its YAML front matter and its Markdown body.
pub(crate) struct FrontMatter<'a> {
    pub yaml: &'a str,
    /// 1-based line of the file on which the YAML starts.
    pub yaml_line: u64,
    pub body: &'a str,
    /// 1-based line of the file on which the body starts.
    pub body_line: u64,
}

/// Splits `---` delimited front matter from the body. The error is a message
/// for line 1, column 1 of the file.
pub(crate) fn split_front_matter(text: &str) -> Result<FrontMatter<'_>, String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines = text.split_inclusive('\n');
    let first = lines.next().unwrap_or("");
    if first.trim_end() != "---" {
        return Err("expected front matter: the file must start with a line `---`".into());
    }
    let yaml_start = first.len();
    let mut offset = yaml_start;
    let mut line_no = 1u64;
    for line in lines {
        line_no += 1;
        if line.trim_end() == "---" {
            return Ok(FrontMatter {
                yaml: &text[yaml_start..offset],
                yaml_line: 2,
                body: &text[offset + line.len()..],
                body_line: line_no + 1,
            });
        }
        offset += line.len();
    }
    Err("front matter is not closed: add a line `---` after it".into())
}

/// One YAML value with the positions of everything inside it.
#[derive(Debug, Clone)]
pub(crate) enum Node {
    Null,
    Bool(bool),
    Int(i64),
    Float,
    Str(String),
    Seq(Vec<Spanned<Node>>),
    Map(Vec<(Spanned<String>, Spanned<Node>)>),
}

impl Node {
    /// A short name of the value's type, for "expected X, found Y" messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            Node::Null => "nothing",
            Node::Bool(_) => "a boolean",
            Node::Int(_) => "an integer",
            Node::Float => "a number",
            Node::Str(_) => "a string",
            Node::Seq(_) => "a list",
            Node::Map(_) => "a mapping",
        }
    }
}

struct NodeVisitor;

impl<'de> Visitor<'de> for NodeVisitor {
    type Value = Node;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Node, E> {
        Ok(Node::Bool(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Node, E> {
        Ok(Node::Int(v))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Node, E> {
        i64::try_from(v)
            .map(Node::Int)
            .map_err(|_| E::custom("integer is too large"))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Node, E> {
        let _ = v;
        Ok(Node::Float)
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Node, E> {
        Ok(Node::Str(v.to_string()))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Node, E> {
        Ok(Node::Str(v))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Node, E> {
        Ok(Node::Null)
    }
    fn visit_none<E: de::Error>(self) -> Result<Node, E> {
        Ok(Node::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Node, D::Error> {
        Node::deserialize(d)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Node, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<Spanned<Node>>()? {
            items.push(item);
        }
        Ok(Node::Seq(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Node, A::Error> {
        let mut entries = Vec::new();
        while let Some(key) = map.next_key::<Spanned<String>>()? {
            let value = map.next_value::<Spanned<Node>>()?;
            entries.push((key, value));
        }
        Ok(Node::Map(entries))
    }
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Node, D::Error> {
        d.deserialize_any(NodeVisitor)
    }
}

/// Parses YAML text into a spanned tree. On error, returns the 1-based
/// position inside `yaml` (if the parser knows it) and the message.
pub(crate) fn parse(yaml: &str) -> Result<Spanned<Node>, (u64, u64, String)> {
    if yaml.trim().is_empty() {
        return Ok(Spanned::new(
            Node::Map(Vec::new()),
            serde_saphyr::Location::UNKNOWN,
            serde_saphyr::Location::UNKNOWN,
        ));
    }
    serde_saphyr::from_str::<Spanned<Node>>(yaml).map_err(|e| {
        let (line, column) = e
            .location()
            .map(|l| (l.line(), l.column()))
            .unwrap_or((1, 1));
        // The parser's message may repeat the position; keep the first line only.
        let message = e.to_string();
        let message = message.lines().next().unwrap_or("invalid YAML").to_string();
        (line.max(1), column.max(1), message)
    })
}
