//! A Service Ping payload: parsed, flattened to the key paths the dictionary
//! defines, with failed metrics told apart from values.

mod flatten;
use flatten::*;

use crate::Error;
use crate::dictionary::{Dictionary, Node};
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

pub use crate::leaves::{Leaf, Leaves};

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
    // Long: a streaming parser: one loop over tokens whose states share the position and depth.
    pub fn parse(bytes: &[u8], dictionary: &Dictionary) -> Result<Payload, Error> {
        let mut flatten = Flatten {
            json: jiter::Jiter::new(bytes),
            dictionary,
            leaves: Leaves::with_capacity((bytes.len() / 64).min(8192)),
            raw: std::collections::HashMap::new(),
            path: String::with_capacity(128),
        };
        let outcome = flatten.json.peek().map_err(Stop::from).and_then(|peek| {
            if peek != jiter::Peek::Object {
                return Err(Stop::NotAnObject);
            }
            flatten.object(Some(Dictionary::ROOT), None, 0, 0)?;
            Ok(flatten.json.finish()?)
        });
        if let Err(stop) = outcome {
            return Err(Error::Invalid(match stop {
                Stop::NotAnObject => {
                    "not a Service Ping payload: the top level is not a JSON object".into()
                }
                Stop::TooDeep => {
                    format!("not valid JSON: objects nested more than {MAX_DEPTH} deep")
                }
                Stop::Value(e) => format!("not valid JSON: {e}"),
                Stop::Json(e)
                    if matches!(
                        e.error_type,
                        jiter::JiterErrorType::JsonError(jiter::JsonErrorType::NumberOutOfRange)
                    ) && let Some(defused) = defuse_long_numbers(bytes) =>
                {
                    // A number too long to read spoils one metric, not the file:
                    // read it again with such numbers as text.
                    return Payload::parse(&defused, dictionary);
                }
                Stop::Json(e) => {
                    let at = flatten.json.error_position(e.index);
                    let ends_early = matches!(
                        &e.error_type,
                        jiter::JiterErrorType::JsonError(
                            jiter::JsonErrorType::EofWhileParsingList
                                | jiter::JsonErrorType::EofWhileParsingObject
                                | jiter::JsonErrorType::EofWhileParsingString
                                | jiter::JsonErrorType::EofWhileParsingValue
                        )
                    );
                    if ends_early {
                        format!(
                            "truncated JSON: the file ends early (line {}, column {})",
                            at.line, at.column
                        )
                    } else {
                        format!("not valid JSON: {} at {at}", e.error_type)
                    }
                }
            }));
        }
        let Flatten { leaves, raw, .. } = flatten;
        let version_text = match leaves.get("version").map(|l| &l.value) {
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
        if let Some(v) = leaves.get("counts").map(|l| &l.value)
            && !v.is_object()
        {
            return Err(Error::Invalid(format!(
                "wrong type for `counts`: expected an object, found {}",
                type_name(v)
            )));
        }
        let get = |k: &str| match leaves.get(k).map(|l| &l.value) {
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
                .and_then(|l| l.value.as_str())
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
        match self.value(key) {
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
        self.value(key).and_then(Value::as_str)
    }

    /// The value at a key path.
    pub fn value(&self, key: &str) -> Option<&Value> {
        self.leaves.get(key).map(|l| &l.value)
    }

    /// Every failed metric: key path and meaning, by key path.
    pub fn failed(&self) -> Vec<(String, &'static str)> {
        let mut failed: Vec<(String, &'static str)> = self
            .leaves
            .iter()
            .filter_map(|(k, l)| sentinel(&l.value).map(|s| (k.to_string(), s)))
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
    fn a_number_too_long_to_read_spoils_only_its_metric() {
        let d = Dictionary::shipped();
        let long = "7".repeat(5001);
        let text = format!(
            r#"{{"version":"17.2.0-ee","note":"a \"quoted\" 9{long}","counts":{{"a":{long},"b":3}}}}"#
        );
        let p = Payload::parse(text.as_bytes(), &d).expect("the rest is read");
        assert_eq!(p.number("counts.b"), Some(3.0));
        match p.metric("counts.a") {
            Metric::NotANumber(Value::String(s)) => {
                assert_eq!(s, "unreadable number (5001 characters)")
            }
            other => panic!("{other:?}"),
        }
        // Long numbers inside strings are left alone.
        assert!(defuse_long_numbers(format!(r#"{{"a":"{long}"}}"#).as_bytes()).is_none());
    }

    #[test]
    fn numbers_read_as_serde_json_reads_them() {
        for text in [
            "0",
            "17",
            "-1",
            "-1000",
            "18446744073709551615",
            "18446744073709551616",
            "-9223372036854775809",
            "1.5",
            "-0",
            "1e3",
            "2.5E-3",
        ] {
            let parsed: Value = serde_json::from_str(text).unwrap();
            assert_eq!(number(text.as_bytes()), parsed, "{text}");
        }
    }

    #[test]
    fn values_of_every_kind_are_kept() {
        let mut d = Dictionary::default();
        d.add_tsv("t", "key_path\nlicensee\nbig\n").unwrap();
        let big = format!("[{}1]", "1,".repeat(RAW_OVER));
        let text = format!(
            r#"{{"version":"17.0.0","uuid":"u","counts":{{"n":null,"t":true,"f":false,"s":"a\"b","l":[1,{{"x":2}}],"e":{{}},"neg":-5,"x":1.25}},"licensee":{{"Name":"N"}},"big":{big}}}"#
        );
        let p = Payload::parse(text.as_bytes(), &d).unwrap();
        assert_eq!(p.value("counts.n"), Some(&Value::Null));
        assert_eq!(p.value("counts.t"), Some(&Value::Bool(true)));
        assert_eq!(p.value("counts.f"), Some(&Value::Bool(false)));
        assert_eq!(p.text("counts.s"), Some("a\"b"));
        assert_eq!(p.value("counts.l"), Some(&serde_json::json!([1, {"x": 2}])));
        assert_eq!(p.value("counts.e"), Some(&serde_json::json!({})));
        assert_eq!(p.number("counts.neg"), None);
        assert_eq!(
            p.metric("counts.neg"),
            Metric::Failed("negative: not a valid count")
        );
        assert_eq!(p.number("counts.x"), Some(1.25));
        assert_eq!(p.value("licensee"), Some(&serde_json::json!({"Name": "N"})));
        assert!(p.text("big").is_some_and(|t| t.starts_with("(list of ")));
        assert_eq!(p.raw.get("big").map(String::len), Some(big.len()));
        // Keys in the payload's order; a key given twice keeps the last value.
        let again = Payload::parse(br#"{"version":"1.0.0","uuid":"u","a":1,"a":2}"#, &d).unwrap();
        assert_eq!(again.number("a"), Some(2.0));
        assert_eq!(
            again.leaves.keys().collect::<Vec<_>>(),
            vec!["version", "uuid", "a"]
        );
    }

    #[test]
    fn definitions_are_remembered_per_key() {
        let mut d = Dictionary::default();
        d.add_tsv(
            "t",
            "key_path\tproduct_stage\ncounts.a\tplan\ncounts.b\tcreate\nhist\tplan\n",
        )
        .unwrap();
        let p = Payload::parse(
            br#"{"version":"16.0.0","uuid":"u","counts":{"a":1,"b_monthly":2,"c":3},"hist":{"-1":-1}}"#,
            &d,
        )
        .unwrap();
        let def = |k: &str| p.leaves.get(k).and_then(|l| l.definition);
        assert_eq!(def("counts.a"), d.find("counts.a"));
        assert_eq!(def("counts.b_monthly"), d.find("counts.b"));
        assert_eq!(def("counts.c"), None);
        assert_eq!(def("hist"), d.find("hist"));
        assert_eq!(
            p.metric("hist"),
            Metric::Failed("{\"-1\": -1}: histogram failed")
        );
        assert_eq!(p.metric("counts.b_monthly"), Metric::Number(2.0));
        // A JSON key may hold dots: the key path is what counts.
        let dotted = Payload::parse(
            br#"{"version":"16.0.0","uuid":"u","counts.a":1,"counts":{"b.x":2}}"#,
            &d,
        )
        .unwrap();
        let def = |k: &str| dotted.leaves.get(k).and_then(|l| l.definition);
        assert_eq!(def("counts.a"), d.find("counts.a"));
        assert_eq!(def("counts.b.x"), None);
        assert_eq!(dotted.number("counts.b.x"), Some(2.0));
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
        assert!(err(b"").starts_with("truncated JSON: the file ends early (line 1"));
        assert!(err(b"{\"a\": tru}").starts_with("not valid JSON: "));
        assert!(err(b"{\"a\": 1} x").starts_with("not valid JSON: trailing characters"));
        assert!(err(b"{\"a\": \"\xff\"}").starts_with("not valid JSON: "));
        assert!(err(b"{\"\xff\": 1}").starts_with("not valid JSON: "));
        assert!(err(b"{\"a\": [\"\xff\"]}").starts_with("not valid JSON: "));
        let deep_list = format!("{{\"a\": {}1{}}}", "[".repeat(600), "]".repeat(600));
        assert!(err(deep_list.as_bytes()).starts_with("not valid JSON: "));
        let deep = format!("{}1{}", "{\"a\":".repeat(200), "}".repeat(200));
        assert!(err(deep.as_bytes()).contains("nested more than 128 deep"));
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
