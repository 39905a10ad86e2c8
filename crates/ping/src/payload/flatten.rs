//! The streaming reader: JSON tokens flattened into key paths as they are
//! read, with long numbers defused and depth bounded.

use super::*;

/// Deeper objects are refused (serde_json's limit as well).
pub(super) const MAX_DEPTH: usize = 128;

/// Why flattening stopped.
pub(super) enum Stop {
    Json(jiter::JiterError),
    NotAnObject,
    TooDeep,
    /// A list or object metric that is not valid JSON text.
    Value(String),
}

impl From<jiter::JiterError> for Stop {
    fn from(e: jiter::JiterError) -> Stop {
        Stop::Json(e)
    }
}

/// The longest number the parser reads (more digits are refused).
pub(super) const MAX_NUMBER_LENGTH: usize = 4300;

/// A copy of `bytes` in which every number longer than the parser reads
/// (outside strings) is replaced by a text saying so, so the metric shows as
/// unreadable and the rest of the file is analysed. `None` when there is no
/// such number.
pub(super) fn defuse_long_numbers(bytes: &[u8]) -> Option<Vec<u8>> {
    let number_char = |b: u8| b.is_ascii_digit() || matches!(b, b'-' | b'+' | b'.' | b'e' | b'E');
    let mut out = Vec::with_capacity(bytes.len());
    let mut changed = false;
    let mut in_string = false;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if in_string {
            out.push(b);
            if b == b'\\' {
                if let Some(next) = bytes.get(i + 1) {
                    out.push(*next);
                }
                i += 2;
                continue;
            }
            in_string = b != b'"';
            i += 1;
            continue;
        }
        if b == b'"' {
            in_string = true;
            out.push(b);
            i += 1;
            continue;
        }
        if b == b'-' || b.is_ascii_digit() {
            let end = bytes[i..]
                .iter()
                .position(|c| !number_char(*c))
                .map_or(bytes.len(), |p| i + p);
            if end - i > MAX_NUMBER_LENGTH {
                out.extend_from_slice(
                    format!("\"unreadable number ({} characters)\"", end - i).as_bytes(),
                );
                changed = true;
            } else {
                out.extend_from_slice(&bytes[i..end]);
            }
            i = end;
            continue;
        }
        out.push(b);
        i += 1;
    }
    changed.then_some(out)
}

/// A JSON number as serde_json reads it: unsigned, negative or float.
pub(super) fn number(text: &[u8]) -> Value {
    let text = std::str::from_utf8(text).unwrap_or_default();
    if let Ok(n) = text.parse::<u64>() {
        return Value::from(n);
    }
    // serde_json reads `-0` as a float.
    if let Ok(n) = text.parse::<i64>()
        && n < 0
    {
        return Value::from(n);
    }
    text.parse::<f64>().map_or(Value::Null, Value::from)
}

/// The streaming flattener: one pass over the text with a pull parser;
/// objects are walked key by key and only the leaves are kept; keys the
/// dictionary defines (topology, licensee, histograms) and lists stay whole,
/// and large ones stay text.
pub(super) struct Flatten<'a, 'j> {
    pub(super) json: jiter::Jiter<'j>,
    pub(super) dictionary: &'a Dictionary,
    pub(super) leaves: Leaves,
    pub(super) raw: std::collections::HashMap<String, String>,
    pub(super) path: String,
}

impl<'j> Flatten<'_, 'j> {
    /// Reads the object at the parser, whose key path is `path`; `node` is
    /// that path in the dictionary's tree, `parent` the one above and
    /// `segment` where its last key starts in `path`.
    pub(super) fn object(
        &mut self,
        node: Option<Node>,
        parent: Option<Node>,
        segment: usize,
        depth: usize,
    ) -> Result<(), Stop> {
        if depth > MAX_DEPTH {
            return Err(Stop::TooDeep);
        }
        let root = depth == 0;
        let base = self.path.len();
        let key_start = base + usize::from(!root);
        let mut key = self.json.known_object()?;
        let mut entries = 0;
        while let Some(k) = key {
            entries += 1;
            if !root {
                self.path.push('.');
            }
            self.path.push_str(k);
            let last = self.path.get(key_start..).unwrap_or_default();
            let child = self.dictionary.walk(node, last);
            let peek = self.json.peek()?;
            if let Some(id) = self.dictionary.definition_at(child) {
                // A defined key is a leaf even when its value is an object.
                let value = self.defined_value(peek)?;
                self.leaves.insert(
                    &self.path,
                    Leaf {
                        value,
                        definition: Some(id),
                    },
                );
            } else if peek == jiter::Peek::Object {
                self.object(child, node, key_start, depth + 1)?;
            } else {
                let value = self.value(peek)?;
                self.leaf(value, node, key_start);
            }
            self.path.truncate(base);
            key = self.json.next_key()?;
        }
        if entries == 0 && !root {
            self.leaf(Value::Object(serde_json::Map::new()), parent, segment);
        }
        Ok(())
    }

    /// Keeps a value at `path`, whose exact key path has no definition.
    fn leaf(&mut self, value: Value, parent: Option<Node>, segment: usize) {
        // A failed histogram arrives as `path.-1 = -1`: keep it on its path.
        if let Some(histogram) = self.path.strip_suffix(".-1")
            && value.as_f64() == Some(-1.0)
        {
            let mut m = serde_json::Map::new();
            m.insert("-1".into(), value);
            let definition = self.dictionary.find_without_suffix(histogram);
            self.leaves.insert(
                histogram,
                Leaf {
                    value: Value::Object(m),
                    definition,
                },
            );
            return;
        }
        let last = self.path.get(segment..).unwrap_or_default();
        let definition = self.dictionary.child_without_suffix(parent, last);
        self.leaves.insert(&self.path, Leaf { value, definition });
    }

    /// The value of a defined key: object and list metrics are kept whole
    /// (as text when large, parsed only when needed).
    fn defined_value(&mut self, peek: jiter::Peek) -> Result<Value, Stop> {
        if peek != jiter::Peek::Object && peek != jiter::Peek::Array {
            return self.value(peek);
        }
        let text = self.skip(peek)?;
        if text.len() <= RAW_OVER {
            return serde_json::from_slice(text).map_err(|e| Stop::Value(e.to_string()));
        }
        let text = std::str::from_utf8(text)
            .map_err(|_| Stop::Value(format!("`{}` is not UTF-8 text", self.path)))?;
        let kind = if peek == jiter::Peek::Array {
            "list"
        } else {
            "object"
        };
        self.raw.insert(self.path.clone(), text.to_string());
        Ok(Value::String(format!(
            "({kind} of {} bytes, not expanded)",
            text.len()
        )))
    }

    /// A value that is not walked into: a scalar, or a list kept whole.
    fn value(&mut self, peek: jiter::Peek) -> Result<Value, Stop> {
        Ok(match peek {
            jiter::Peek::Null => {
                self.json.known_null()?;
                Value::Null
            }
            jiter::Peek::True | jiter::Peek::False => Value::Bool(self.json.known_bool(peek)?),
            jiter::Peek::String => Value::String(self.json.known_str()?.to_string()),
            jiter::Peek::Array | jiter::Peek::Object => {
                let text = self.skip(peek)?;
                serde_json::from_slice(text).map_err(|e| Stop::Value(e.to_string()))?
            }
            _ => number(self.json.known_number_bytes(peek)?),
        })
    }

    /// Skips the value at the parser and gives its text.
    fn skip(&mut self, peek: jiter::Peek) -> Result<&'j [u8], Stop> {
        let start = self.json.current_index();
        self.json.known_skip(peek)?;
        Ok(self.json.slice_to_current(start))
    }
}
