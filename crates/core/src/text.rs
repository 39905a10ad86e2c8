//! Rules for text that people type: one check for every text field, so a
//! name, a comment or a token name cannot smuggle control characters,
//! direction overrides or invisible characters, and cannot be endless.
//!
//! - Every field refuses NUL and the other C0 and C1 control characters;
//!   multi-line fields allow tab, line feed and carriage return.
//! - Single-line fields also refuse line breaks, tabs, bidirectional
//!   override and isolate characters (U+202A–U+202E, U+2066–U+2069) and
//!   zero-width characters (U+200B–U+200D, U+2060, U+FEFF), which can make a
//!   name look like another.
//! - Each field has a maximum length in characters.

use crate::error::Error;

/// What kind of text a field holds, with its longest length in characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    /// A name, title, label, handle or URL: one line.
    Line(usize),
    /// Markdown or notes: several lines.
    Lines(usize),
}

/// Common limits.
pub const NAME: Field = Field::Line(200);
pub const TITLE: Field = Field::Line(300);
pub const SHORT_TEXT: Field = Field::Lines(2_000);
pub const LONG_TEXT: Field = Field::Lines(20_000);
pub const EMAIL_MAX: usize = 254;

fn invalid(field: &str, message: String) -> Error {
    Error::Invalid {
        field: field.to_string(),
        message,
    }
}

fn describe(c: char) -> String {
    format!("U+{:04X}", u32::from(c))
}

/// Why `c` may not appear in a field of this kind, if it may not.
fn refused(c: char, multi_line: bool) -> Option<&'static str> {
    match c {
        '\t' | '\n' | '\r' if multi_line => None,
        '\n' | '\r' => Some("a line break (this field is one line)"),
        '\t' => Some("a tab (this field is one line)"),
        '\0' => Some("a NUL character"),
        c if c.is_control() => Some("a control character"),
        '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' if !multi_line => {
            Some("a text-direction override")
        }
        '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}' if !multi_line => {
            Some("an invisible (zero-width) character")
        }
        _ => None,
    }
}

/// Checks `value` for `field` (named in the error as the user knows it:
/// the form field, JSON member or command-line flag).
pub fn check(field: &str, value: &str, kind: Field) -> Result<(), Error> {
    let (max, multi_line) = match kind {
        Field::Line(max) => (max, false),
        Field::Lines(max) => (max, true),
    };
    if let Some((at, c, why)) = value
        .chars()
        .enumerate()
        .find_map(|(i, c)| refused(c, multi_line).map(|why| (i + 1, c, why)))
    {
        return Err(invalid(
            field,
            format!("contains {why} ({}) at character {at}", describe(c)),
        ));
    }
    let length = value.chars().count();
    if length > max {
        return Err(invalid(
            field,
            format!("is {length} characters long; at most {max} are allowed"),
        ));
    }
    Ok(())
}

/// Checks an email address: one line, one `@` with text on both sides, a
/// dot in the domain, no spaces or markup characters.
pub fn check_email(field: &str, value: &str) -> Result<(), Error> {
    check(field, value, Field::Line(EMAIL_MAX))?;
    let bad = || invalid(field, format!("`{value}` is not an email address"));
    let (local, domain) = value.split_once('@').ok_or_else(bad)?;
    let plain = |s: &str| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_alphanumeric() || matches!(c, '.' | '_' | '-' | '+' | '\''))
    };
    if !plain(local)
        || !plain(domain)
        || !domain.contains('.')
        || domain.starts_with('.')
        || domain.ends_with('.')
        || domain.contains("..")
    {
        return Err(bad());
    }
    Ok(())
}

/// Checks every string inside a JSON value or form against the rule every
/// field shares (no NUL, no control characters but tab and line breaks), and
/// names the first offending member by its path (`body`, `tasks[2].note`).
pub fn check_all_strings(value: &serde_json::Value) -> Result<(), Error> {
    fn walk(path: &str, v: &serde_json::Value) -> Result<(), Error> {
        match v {
            serde_json::Value::String(s) => check(
                if path.is_empty() { "request" } else { path },
                s,
                Field::Lines(usize::MAX),
            ),
            serde_json::Value::Array(items) => items
                .iter()
                .enumerate()
                .try_for_each(|(i, item)| walk(&format!("{path}[{i}]"), item)),
            serde_json::Value::Object(map) => map.iter().try_for_each(|(k, item)| {
                check(
                    if path.is_empty() { "request" } else { path },
                    k,
                    Field::Line(1_000),
                )?;
                let sub = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                walk(&sub, item)
            }),
            _ => Ok(()),
        }
    }
    walk("", value)
}

/// The first words of `text`, at most `max` characters, cut at a word
/// boundary and ended with "…" when shortened; whitespace runs become one
/// space.
pub fn excerpt(text: &str, max: usize) -> String {
    let words: Vec<&str> = text.split_whitespace().collect();
    let whole = words.join(" ");
    if whole.chars().count() <= max {
        return whole;
    }
    let mut out = String::new();
    for word in words {
        let len = out.chars().count() + usize::from(!out.is_empty()) + word.chars().count();
        if len + 1 > max {
            break;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    if out.is_empty() {
        out = whole.chars().take(max.saturating_sub(1)).collect();
    }
    out.push('…');
    out
}

/// A browser's `User-Agent` in a few words ("Firefox on Linux"), for a
/// person to recognise their sessions by; an unknown one as "Unknown
/// browser" (a script's own name is kept, shortened).
pub fn device_name(user_agent: &str) -> String {
    let ua = user_agent.trim();
    if ua.is_empty() {
        return "Unknown browser".to_string();
    }
    // The order matters: Edge and Opera say Chrome too, Chrome says Safari.
    let browser = [
        ("Edg/", "Edge"),
        ("OPR/", "Opera"),
        ("Firefox/", "Firefox"),
        ("Chromium/", "Chromium"),
        ("Chrome/", "Chrome"),
        ("Safari/", "Safari"),
    ]
    .iter()
    .find(|(mark, _)| ua.contains(mark))
    .map(|(_, name)| *name);
    let system = [
        ("Android", "Android"),
        ("iPhone", "iPhone"),
        ("iPad", "iPad"),
        ("Windows", "Windows"),
        ("Mac OS X", "macOS"),
        ("CrOS", "ChromeOS"),
        ("Linux", "Linux"),
    ]
    .iter()
    .find(|(mark, _)| ua.contains(mark))
    .map(|(_, name)| *name);
    match (browser, system) {
        (Some(b), Some(s)) => format!("{b} on {s}"),
        (Some(b), None) => b.to_string(),
        (None, Some(s)) => format!("A browser on {s}"),
        (None, None) => excerpt(ua, 40),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn devices_in_a_few_words() {
        let firefox = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0";
        assert_eq!(device_name(firefox), "Firefox on Linux");
        let edge = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0";
        assert_eq!(device_name(edge), "Edge on Windows");
        let safari = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1";
        assert_eq!(device_name(safari), "Safari on iPhone");
        assert_eq!(device_name("curl/8.5.0"), "curl/8.5.0");
        assert_eq!(device_name(""), "Unknown browser");
    }

    #[test]
    fn excerpts_end_on_a_word() {
        assert_eq!(excerpt("short  question\n here", 40), "short question here");
        assert_eq!(
            excerpt("how do I export a service ping", 16),
            "how do I export…"
        );
        assert!(
            excerpt("how do I export a service ping", 16)
                .chars()
                .count()
                <= 16
        );
        assert_eq!(excerpt("Supercalifragilistic", 6), "Super…");
    }

    fn message(r: Result<(), Error>) -> String {
        r.expect_err("refused").to_string()
    }

    #[test]
    fn single_line_fields_refuse_what_hides_or_breaks_text() {
        assert!(check("name", "Zoë O'Brien-Ng", NAME).is_ok());
        assert_eq!(
            message(check("name", "Ada\0Lovelace", NAME)),
            "name: contains a NUL character (U+0000) at character 4"
        );
        assert!(message(check("name", "Ada\u{1b}[31m", NAME)).contains("control character"));
        assert!(message(check("name", "Ada\u{85}", NAME)).contains("control character"));
        assert!(message(check("name", "evil\u{202E}gnp.exe", NAME)).contains("text-direction"));
        assert!(message(check("name", "ad\u{200B}min", NAME)).contains("invisible"));
        assert!(message(check("name", "two\nlines", NAME)).contains("line break"));
        assert_eq!(
            message(check("name", &"x".repeat(100_000), NAME)),
            "name: is 100000 characters long; at most 200 are allowed"
        );
    }

    #[test]
    fn multi_line_fields_allow_tabs_and_line_breaks_but_not_nul() {
        assert!(check("body", "line one\r\n\tline two", LONG_TEXT).is_ok());
        // Right-to-left text is fine in prose; so is a zero-width joiner in emoji.
        assert!(check("body", "שלום \u{200D}", LONG_TEXT).is_ok());
        assert!(message(check("body", "a\0b", LONG_TEXT)).contains("NUL"));
    }

    #[test]
    fn emails_are_addresses() {
        assert!(check_email("email", "alex.morgan+csm@example.com").is_ok());
        for bad in [
            "alex",
            "@example.com",
            "alex@",
            "alex@localhost",
            "<b>alex</b>@example.com",
            "alex@exa mple.com",
            "alex@example..com",
            "a\0@example.com",
        ] {
            assert!(check_email("email", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn every_string_of_a_request_is_checked_and_named_by_path() {
        let ok = serde_json::json!({"body": "fine\n", "tags": ["a"], "n": 1});
        assert!(check_all_strings(&ok).is_ok());
        let bad = serde_json::json!({"tasks": [{"note": "ok"}, {"note": "x\u{0}"}]});
        assert!(message(check_all_strings(&bad)).starts_with("tasks[1].note: contains a NUL"));
    }
}
