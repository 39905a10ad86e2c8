//! A Service Ping payload: parsed, flattened to the key paths the dictionary
//! defines, with failed metrics told apart from values.

use crate::Error;
use crate::dictionary::Dictionary;
use chrono::{DateTime, NaiveDate, Utc};
use serde_json::Value;
use std::collections::BTreeMap;

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

/// A parsed payload.
#[derive(Clone, Debug)]
pub struct Payload {
    /// Leaf key paths and their values (object metrics stay whole).
    pub leaves: BTreeMap<String, Value>,
    pub version: Option<Version>,
    pub version_text: String,
    pub edition: String,
    pub recorded_at: Option<DateTime<Utc>>,
    pub uuid: String,
    pub hostname: String,
    /// Size of the file in bytes.
    pub bytes: usize,
}

fn text(root: &serde_json::Map<String, Value>, key: &str) -> String {
    match root.get(key) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => String::new(),
    }
}

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
    /// Parses a payload. Errors say what is wrong (with line and column for
    /// broken JSON) and never panic.
    pub fn parse(bytes: &[u8], dictionary: &Dictionary) -> Result<Payload, Error> {
        let root: Value = serde_json::from_slice(bytes).map_err(|e| {
            if e.is_eof() {
                Error::Invalid(format!(
                    "truncated JSON: the file ends early (line {}, column {})",
                    e.line(),
                    e.column()
                ))
            } else {
                Error::Invalid(format!("not valid JSON: {e}"))
            }
        })?;
        let Value::Object(root) = root else {
            return Err(Error::Invalid(
                "not a Service Ping payload: the top level is not a JSON object".into(),
            ));
        };
        let version_text = match root.get("version") {
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
        if !root.contains_key("uuid") && !root.contains_key("counts") {
            return Err(Error::Invalid(
                "not a Service Ping payload: neither `uuid` nor `counts` is present".into(),
            ));
        }
        if let Some(v) = root.get("counts")
            && !v.is_object()
        {
            return Err(Error::Invalid(format!(
                "wrong type for `counts`: expected an object, found {}",
                type_name(v)
            )));
        }
        let mut payload = Payload {
            version: Version::parse(&version_text),
            version_text,
            edition: text(&root, "edition"),
            recorded_at: root
                .get("recorded_at")
                .and_then(Value::as_str)
                .and_then(parse_time),
            uuid: text(&root, "uuid"),
            hostname: text(&root, "hostname"),
            leaves: BTreeMap::new(),
            bytes: bytes.len(),
        };
        let mut leaves = BTreeMap::new();
        for (key, value) in root {
            flatten(key, value, dictionary, &mut leaves);
        }
        payload.leaves = leaves;
        Ok(payload)
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

    /// Every failed metric: key path and meaning.
    pub fn failed(&self) -> Vec<(String, &'static str)> {
        self.leaves
            .iter()
            .filter_map(|(k, v)| sentinel(v).map(|s| (k.clone(), s)))
            .collect()
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

/// Flattens down to the deepest path the dictionary defines; objects the
/// dictionary defines (topology, licensee, histograms) stay whole.
fn flatten(path: String, value: Value, dictionary: &Dictionary, out: &mut BTreeMap<String, Value>) {
    match value {
        Value::Object(map)
            if !dictionary.is_defined(&path) && !is_failed_histogram(&map) && !map.is_empty() =>
        {
            for (k, v) in map {
                flatten(format!("{path}.{k}"), v, dictionary, out);
            }
        }
        other => {
            out.insert(path, other);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
