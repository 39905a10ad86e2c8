//! A query as typed, taken apart: words, quoted phrases, section filters,
//! and the words too common to count.

use super::MAX_QUERY_CHARS;
use crate::glossary::words;

/// Words too common in questions to say anything about the answer.
pub(super) const STOP_WORDS: &[&str] = &[
    "a",
    "about",
    "am",
    "an",
    "and",
    "any",
    "are",
    "as",
    "at",
    "be",
    "by",
    "can",
    "could",
    "do",
    "does",
    "for",
    "from",
    "get",
    "has",
    "have",
    "how",
    "i",
    "if",
    "in",
    "into",
    "is",
    "it",
    "its",
    "me",
    "my",
    "need",
    "of",
    "on",
    "or",
    "our",
    "should",
    "so",
    "some",
    "that",
    "the",
    "their",
    "then",
    "there",
    "these",
    "this",
    "to",
    "us",
    "was",
    "we",
    "what",
    "when",
    "where",
    "which",
    "who",
    "why",
    "will",
    "with",
    "would",
    "you",
    "your",
    "there",
    "find",
    "where's",
    "whats",
    "gitlab",
    "please",
    "anyone",
    "someone",
    "doc",
    "docs",
    "page",
    "handbook",
    "info",
    "information",
];

pub(super) fn is_stop_word(w: &str) -> bool {
    STOP_WORDS.contains(&w)
}

/// A query as typed, taken apart.
#[derive(Debug, Default, PartialEq)]
pub struct ParsedQuery {
    /// Words outside quotes, lower case, in order.
    pub words: Vec<String>,
    /// Quoted phrases, each as its words.
    pub phrases: Vec<Vec<String>>,
    /// `section:` filters.
    pub sections: Vec<String>,
    /// Whether the last word may still be being typed (no space after it).
    pub open_last_word: bool,
}

/// Why a query cannot run.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum QueryError {
    #[error("the query is empty")]
    Empty,
    #[error("the query is longer than {MAX_QUERY_CHARS} characters")]
    TooLong,
}

/// Splits a query into words, quoted phrases (an unclosed quote runs to the
/// end) and `section:` filters.
pub fn parse_query(text: &str) -> std::result::Result<ParsedQuery, QueryError> {
    if text.chars().count() > MAX_QUERY_CHARS {
        return Err(QueryError::TooLong);
    }
    if text.trim().is_empty() {
        return Err(QueryError::Empty);
    }
    let mut parsed = ParsedQuery::default();
    let mut rest = text;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix('"') {
            let (phrase, next) = match after.find('"') {
                Some(end) => (&after[..end], &after[end + 1..]),
                None => (after, ""),
            };
            let w = words(phrase);
            match w.len() {
                0 => {}
                1 => parsed.words.extend(w),
                _ => parsed.phrases.push(w),
            }
            rest = next;
            continue;
        }
        let end = rest
            .find(|c: char| c.is_whitespace() || c == '"')
            .unwrap_or(rest.len());
        let token = &rest[..end];
        rest = rest[end..].trim_start_matches(char::is_whitespace);
        let lower = token.to_lowercase();
        if let Some(section) = lower
            .strip_prefix("section:")
            .or_else(|| lower.strip_prefix("in:"))
        {
            let section = section.trim_matches('/');
            if !section.is_empty() {
                parsed.sections.push(section.to_string());
            }
            continue;
        }
        parsed.words.extend(words(token));
    }
    parsed.open_last_word = !text.ends_with(char::is_whitespace)
        && !text.ends_with('"')
        && text
            .trim_end()
            .chars()
            .last()
            .is_some_and(char::is_alphanumeric);
    Ok(parsed)
}
