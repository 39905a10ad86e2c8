//! A Service Ping payload: parsed, flattened to the key paths the dictionary
//! defines, with failed metrics told apart from values.

use crate::Error;
use crate::dictionary::Dictionary;
use chrono::{DateTime, NaiveDate, Utc};
use serde_json::Value;

/// `major.minor.patch` with the `-ee`/`-pre` suffix.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub struct Version {
    pub major: u32,
    pub minor: u32,
    pub patch: u32,
}

impl Version {
    pub fn parse(text: &str) -> Option<Version> {
        let core = text.trim().split(['-', ' ', '+']).next()?;
        let mut parts = core.split('.').map(|p| p.parse::<u32>().ok());
        Some(Version {
            major: parts.next()??,
            minor: parts.next()??,
            patch: parts.next().flatten().unwrap_or(0),
        })
    }

    pub fn at_least(&self, major: u32, minor: u32) -> bool {
        (self.major, self.minor) >= (major, minor)
    }
}

impl std::fmt::Display for Version {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)
    }
}

/// Keys that identify the customer or a person (FORMAT.md §9): masked in
/// reports, left out of the key explorer, never logged.
pub fn is_personal(key: &str) -> bool {
    const PERSONAL: [&str; 6] = [
        "uuid",
        "hostname",
        "licensee",
        "license_subscription_id",
        "database.pg_system_id",
        "unique_instance_id",
    ];
    PERSONAL.iter().any(|p| {
        key == *p
            || key
                .strip_prefix(p)
                .is_some_and(|rest| rest.starts_with('.'))
    })
}

/// What a metric's value says.
#[derive(Clone, Debug, PartialEq)]
pub enum Metric<'a> {
    Number(f64),
    /// A sentinel: the instance failed to compute it.
    Failed(&'static str),
    /// Not in this payload.
    Missing,
    /// Present, but not a number (e.g. SQL text in a debug export).
    NotANumber(&'a Value),
}

/// The meaning of a sentinel value, if `v` is one.
pub fn sentinel(v: &Value) -> Option<&'static str> {
    match v {
        Value::Number(n) => {
            let x = n.as_f64()?;
            if x >= 0.0 {
                None
            } else if x == -1.0 {
                Some("-1: timed out or failed")
            } else if x == -2.0 {
                Some("-2: counter error")
            } else if x == -3.0 {
                Some("-3: SQL metric left out (non-SQL export)")
            } else if x == -1000.0 {
                Some("-1000: deprecated metric")
            } else {
                Some("negative: not a valid count")
            }
        }
        Value::Object(m) if is_failed_histogram(m) => Some("{\"-1\": -1}: histogram failed"),
        _ => None,
    }
}

/// Key path → value.
pub type Leaves = rustc_hash::FxHashMap<String, Value>;

/// A parsed payload.
#[derive(Clone, Debug)]
pub struct Payload {
    /// Leaf key paths and their values (object metrics stay whole), in no
    /// particular order.
    pub leaves: Leaves,
    pub version: Option<Version>,
    pub version_text: String,
    pub edition: String,
    pub recorded_at: Option<DateTime<Utc>>,
    pub uuid: String,
    pub hostname: String,
    /// Size of the file in bytes.
    pub bytes: usize,
    /// Object metrics larger than [`RAW_OVER`] bytes, kept as JSON text
    /// (their leaf holds a short summary); parsed only when needed.
    pub raw: std::collections::HashMap<String, String>,
}

/// Object metrics larger than this stay text (e.g. `topology` with many nodes).
pub const RAW_OVER: usize = 16 * 1024;

/// Parses `recorded_at` as written by the versions seen (RFC 3339, or
/// `2021-02-09 13:25:42 UTC`).
pub fn parse_time(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .map(|d| d.with_timezone(&Utc))
        .ok()
        .or_else(|| {
            chrono::NaiveDateTime::parse_from_str(s.trim_end_matches(" UTC"), "%Y-%m-%d %H:%M:%S")
                .ok()
                .map(|d| d.and_utc())
        })
        .or_else(|| {
            NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .ok()
                .and_then(|d| d.and_hms_opt(0, 0, 0))
                .map(|d| d.and_utc())
        })
}

impl Payload {
    /// Parses a payload in one streaming pass that flattens while it reads
    /// (no intermediate tree). Errors say what is wrong (with line and column
    /// for broken JSON) and never panic.
    pub fn parse(bytes: &[u8], dictionary: &Dictionary) -> Result<Payload, Error> {
        let mut leaves =
            Leaves::with_capacity_and_hasher((bytes.len() / 64).min(8192), Default::default());
        let mut raw = std::collections::HashMap::new();
        let mut de = serde_json::Deserializer::from_slice(bytes);
        let mut path = String::with_capacity(128);
        let root = Flatten {
            dictionary,
            out: &mut leaves,
            raw: &mut raw,
            path: &mut path,
            root: true,
        };
        let outcome =
            serde::de::DeserializeSeed::deserialize(root, &mut de).and_then(|()| de.end());
        if let Err(e) = outcome {
            return Err(if e.is_eof() {
                Error::Invalid(format!(
                    "truncated JSON: the file ends early (line {}, column {})",
                    e.line(),
                    e.column()
                ))
            } else if e.to_string().starts_with(NOT_AN_OBJECT) {
                Error::Invalid(
                    "not a Service Ping payload: the top level is not a JSON object".into(),
                )
            } else {
                Error::Invalid(format!("not valid JSON: {e}"))
            });
        }
        let version_text = match leaves.get("version") {
            Some(Value::String(s)) => s.clone(),
            Some(other) => {
                return Err(Error::Invalid(format!(
                    "wrong type for `version`: expected text such as \"17.2.2-ee\", found {}",
                    type_name(other)
                )));
            }
            None => {
                return Err(Error::Invalid(
                    "not a Service Ping payload: there is no `version` key".into(),
                ));
            }
        };
        let has_counts =
            leaves.contains_key("counts") || leaves.keys().any(|k| k.starts_with("counts."));
        if !leaves.contains_key("uuid") && !has_counts {
            return Err(Error::Invalid(
                "not a Service Ping payload: neither `uuid` nor `counts` is present".into(),
            ));
        }
        if let Some(v) = leaves.get("counts")
            && !v.is_object()
        {
            return Err(Error::Invalid(format!(
                "wrong type for `counts`: expected an object, found {}",
                type_name(v)
            )));
        }
        let get = |k: &str| match leaves.get(k) {
            Some(Value::String(s)) => s.clone(),
            Some(Value::Number(n)) => n.to_string(),
            _ => String::new(),
        };
        Ok(Payload {
            version: Version::parse(&version_text),
            version_text,
            edition: get("edition"),
            recorded_at: leaves
                .get("recorded_at")
                .and_then(Value::as_str)
                .and_then(parse_time),
            uuid: get("uuid"),
            hostname: get("hostname"),
            bytes: bytes.len(),
            leaves,
            raw,
        })
    }

    /// A metric as a number, a failure, missing, or something else.
    pub fn metric(&self, key: &str) -> Metric<'_> {
        match self.leaves.get(key) {
            None => Metric::Missing,
            Some(v) => match sentinel(v) {
                Some(s) => Metric::Failed(s),
                None => match v {
                    Value::Number(n) => n.as_f64().map_or(Metric::NotANumber(v), Metric::Number),
                    other => Metric::NotANumber(other),
                },
            },
        }
    }

    /// A number, when the metric is one.
    pub fn number(&self, key: &str) -> Option<f64> {
        match self.metric(key) {
            Metric::Number(n) => Some(n),
            _ => None,
        }
    }

    pub fn text(&self, key: &str) -> Option<&str> {
        self.leaves.get(key).and_then(Value::as_str)
    }

    /// Every failed metric: key path and meaning, by key path.
    pub fn failed(&self) -> Vec<(String, &'static str)> {
        let mut failed: Vec<(String, &'static str)> = self
            .leaves
            .iter()
            .filter_map(|(k, v)| sentinel(v).map(|s| (k.clone(), s)))
            .collect();
        failed.sort();
        failed
    }

    /// The license plan: `ultimate`, `premium`, `starter`, `free` or `ce`.
    pub fn plan(&self) -> String {
        if let Some(p) = self.text("license_plan").filter(|p| !p.is_empty()) {
            return p.to_lowercase();
        }
        match self.edition.as_str() {
            "EEU" => "ultimate",
            "EEP" => "premium",
            "EES" => "starter",
            "CE" => "ce",
            _ => "free",
        }
        .to_string()
    }
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "text",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

fn is_failed_histogram(map: &serde_json::Map<String, Value>) -> bool {
    map.len() == 1 && map.get("-1").and_then(Value::as_f64) == Some(-1.0)
}

const NOT_AN_OBJECT: &str = "onramp: the top level is not an object";

/// The streaming flattener: objects are walked key by key and only the
/// leaves are kept; objects the dictionary defines (topology, licensee,
/// histograms) and lists are kept whole.
struct Flatten<'a> {
    dictionary: &'a Dictionary,
    out: &'a mut Leaves,
    raw: &'a mut std::collections::HashMap<String, String>,
    path: &'a mut String,
    root: bool,
}

impl<'de> serde::de::DeserializeSeed<'de> for Flatten<'_> {
    type Value = ();

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl Flatten<'_> {
    fn leaf<E>(self, value: Value) -> Result<(), E>
    where
        E: serde::de::Error,
    {
        if self.root {
            return Err(E::custom(NOT_AN_OBJECT));
        }
        // A failed histogram arrives as `path.-1 = -1`: keep it on its path.
        if let Some(parent) = self.path.strip_suffix(".-1")
            && value.as_f64() == Some(-1.0)
        {
            let mut m = serde_json::Map::new();
            m.insert("-1".into(), value);
            self.out.insert(parent.to_string(), Value::Object(m));
            return Ok(());
        }
        self.out.insert(self.path.clone(), value);
        Ok(())
    }
}

impl<'de> serde::de::Visitor<'de> for Flatten<'_> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<(), E> {
        self.leaf(Value::Bool(v))
    }
    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<(), E> {
        self.leaf(Value::from(v))
    }
    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<(), E> {
        self.leaf(Value::from(v))
    }
    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<(), E> {
        self.leaf(Value::from(v))
    }
    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<(), E> {
        self.leaf(Value::String(v.to_string()))
    }
    fn visit_string<E: serde::de::Error>(self, v: String) -> Result<(), E> {
        self.leaf(Value::String(v))
    }
    fn visit_unit<E: serde::de::Error>(self) -> Result<(), E> {
        self.leaf(Value::Null)
    }
    fn visit_none<E: serde::de::Error>(self) -> Result<(), E> {
        self.leaf(Value::Null)
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut items = Vec::new();
        while let Some(v) = seq.next_element::<Value>()? {
            items.push(v);
        }
        self.leaf(Value::Array(items))
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let base = self.path.len();
        let mut entries = 0;
        while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            entries += 1;
            if !self.root {
                self.path.push('.');
            }
            self.path.push_str(&key);
            if self.dictionary.is_defined(self.path) {
                let text: &serde_json::value::RawValue = map.next_value()?;
                let text = text.get();
                if text.len() > RAW_OVER {
                    let kind = if text.starts_with('[') {
                        "list"
                    } else {
                        "object"
                    };
                    self.out.insert(
                        self.path.clone(),
                        Value::String(format!("({kind} of {} bytes, not expanded)", text.len())),
                    );
                    self.raw.insert(self.path.clone(), text.to_string());
                } else {
                    let value: Value =
                        serde_json::from_str(text).map_err(serde::de::Error::custom)?;
                    self.out.insert(self.path.clone(), value);
                }
            } else {
                map.next_value_seed(Flatten {
                    dictionary: self.dictionary,
                    out: self.out,
                    raw: self.raw,
                    path: self.path,
                    root: false,
                })?;
            }
            self.path.truncate(base);
        }
        if entries == 0 && !self.root {
            self.out
                .insert(self.path.clone(), Value::Object(serde_json::Map::new()));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn personal_keys() {
        assert!(is_personal("licensee.Email") && is_personal("licensee") && is_personal("uuid"));
        assert!(!is_personal("licensee_count") && !is_personal("counts.uuid_like"));
    }

    #[test]
    fn versions_parse() {
        assert_eq!(
            Version::parse("17.2.2-ee"),
            Some(Version {
                major: 17,
                minor: 2,
                patch: 2
            })
        );
        assert_eq!(Version::parse("18.9.0-pre").map(|v| v.minor), Some(9));
        assert_eq!(
            Version::parse("13.9"),
            Some(Version {
                major: 13,
                minor: 9,
                patch: 0
            })
        );
        assert_eq!(Version::parse("banana"), None);
    }

    #[test]
    fn sentinels_and_missing_keys() {
        let d = Dictionary::default();
        let p = Payload::parse(
            br#"{"version":"16.0.0-ee","uuid":"u","counts":{"a":-1,"b":-2,"c":-3,"d":-1000,"e":5,"f":"SELECT 1"},"hist":{"-1":-1}}"#,
            &d,
        )
        .unwrap();
        assert_eq!(
            p.metric("counts.a"),
            Metric::Failed("-1: timed out or failed")
        );
        assert_eq!(p.metric("counts.b"), Metric::Failed("-2: counter error"));
        assert_eq!(
            p.metric("counts.c"),
            Metric::Failed("-3: SQL metric left out (non-SQL export)")
        );
        assert_eq!(
            p.metric("counts.d"),
            Metric::Failed("-1000: deprecated metric")
        );
        assert_eq!(
            p.metric("hist"),
            Metric::Failed("{\"-1\": -1}: histogram failed")
        );
        assert_eq!(p.metric("counts.e"), Metric::Number(5.0));
        assert_eq!(p.metric("counts.zzz"), Metric::Missing);
        assert!(matches!(p.metric("counts.f"), Metric::NotANumber(_)));
        assert_eq!(p.failed().len(), 5);
    }

    #[test]
    fn bad_files_get_clear_errors() {
        let d = Dictionary::default();
        let err = |b: &[u8]| Payload::parse(b, &d).unwrap_err().to_string();
        assert!(err(b"{\"version\": \"17").starts_with("truncated JSON"));
        assert!(err(b"[1,2]").contains("top level is not a JSON object"));
        assert!(err(b"{\"a\": 1}").contains("no `version` key"));
        assert!(err(b"{\"version\": 17, \"uuid\": \"x\"}").contains("wrong type for `version`"));
        assert!(err(b"{\"version\": \"17.0.0\"}").contains("neither `uuid` nor `counts`"));
        assert!(
            err(b"{\"version\": \"17.0.0\", \"counts\": 3}").contains("wrong type for `counts`")
        );
    }

    #[test]
    fn object_metrics_stay_whole() {
        let mut d = Dictionary::default();
        d.add_tsv("t", "key_path\nlicensee\ntopology\n").unwrap();
        let p = Payload::parse(br#"{"version":"17.0.0","uuid":"u","licensee":{"Name":"x"},"topology":{"nodes":[]},"git":{"version":{"major":2}}}"#, &d).unwrap();
        assert!(p.leaves.contains_key("licensee") && p.leaves.contains_key("topology"));
        assert!(p.leaves.contains_key("git.version.major"));
        assert_eq!(
            parse_time("2021-02-09 13:25:42 UTC").map(|t| t.to_rfc3339()),
            Some("2021-02-09T13:25:42+00:00".into())
        );
    }
}
