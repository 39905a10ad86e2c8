//! Search quality against judgments: `question<TAB>relevant paths`.

use crate::Result;
use crate::index::SearchIndex;
use std::time::Instant;

/// One judged question.
#[derive(Clone, Debug, PartialEq)]
pub struct Judgment {
    pub line: usize,
    pub question: String,
    /// Paths of the pages that answer it, relative to the corpus root.
    pub relevant: Vec<String>,
}

/// Parses a judgments file; blank lines and `#` comments are skipped. Errors
/// name the file and line.
pub fn parse_judgments(file: &str, text: &str) -> Result<Vec<Judgment>, String> {
    let mut judgments = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let n = i + 1;
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() || line.trim_start().starts_with('#') {
            continue;
        }
        let Some((question, paths)) = line.split_once('\t') else {
            return Err(format!(
                "{file}:{n}: expected `question<TAB>relevant paths`, found no tab"
            ));
        };
        let relevant: Vec<String> = paths
            .split([',', '\t'])
            .map(|p| p.trim().trim_start_matches("./").to_string())
            .filter(|p| !p.is_empty())
            .collect();
        if question.trim().is_empty() {
            return Err(format!("{file}:{n}: the question is empty"));
        }
        if relevant.is_empty() {
            return Err(format!("{file}:{n}: no relevant paths after the tab"));
        }
        judgments.push(Judgment {
            line: n,
            question: question.trim().to_string(),
            relevant,
        });
    }
    if judgments.is_empty() {
        return Err(format!("{file}: no judgments"));
    }
    Ok(judgments)
}

/// Whether a result path is one of the judged paths. A judgment may be
/// relative to the corpus root or to the imported root, so either may carry
/// extra leading folders.
fn same_page(result: &str, judged: &str) -> bool {
    result == judged
        || result.ends_with(&format!("/{judged}"))
        || judged.ends_with(&format!("/{result}"))
}

/// The outcome of one question.
#[derive(Debug, serde::Serialize)]
pub struct QuestionResult {
    pub line: usize,
    pub question: String,
    /// 1-based rank of the first relevant result within the top 10.
    pub rank: Option<usize>,
    pub top: Vec<String>,
}

/// Quality and speed over a set of judgments.
#[derive(Debug, serde::Serialize)]
pub struct Evaluation {
    pub questions: usize,
    /// Share of questions with a relevant page in the top 1, 5 and 10.
    pub recall_at_1: f64,
    pub recall_at_5: f64,
    pub recall_at_10: f64,
    /// Mean reciprocal rank of the first relevant page (0 beyond the top 10).
    pub mrr: f64,
    pub latency_p50_ms: f64,
    pub latency_p99_ms: f64,
    pub results: Vec<QuestionResult>,
}

/// Runs every question (`rounds` times, for the latency figures).
pub fn evaluate(index: &SearchIndex, judgments: &[Judgment], rounds: usize) -> Result<Evaluation> {
    let mut results = Vec::with_capacity(judgments.len());
    let mut latencies = Vec::with_capacity(judgments.len() * rounds.max(1));
    for j in judgments {
        let hits = index.search_uncached(&j.question, 10, 0)?;
        let top: Vec<String> = hits.into_iter().map(|h| h.path).collect();
        let rank = top
            .iter()
            .position(|p| j.relevant.iter().any(|r| same_page(p, r)))
            .map(|i| i + 1);
        results.push(QuestionResult {
            line: j.line,
            question: j.question.clone(),
            rank,
            top,
        });
    }
    for _ in 0..rounds.max(1) {
        for j in judgments {
            let started = Instant::now();
            index.search_uncached(&j.question, 10, 0)?;
            latencies.push(started.elapsed().as_secs_f64() * 1000.0);
        }
    }
    latencies.sort_by(f64::total_cmp);
    let n = results.len() as f64;
    let within = |k: usize| {
        results
            .iter()
            .filter(|r| r.rank.is_some_and(|x| x <= k))
            .count() as f64
            / n
    };
    let mrr = results
        .iter()
        .map(|r| r.rank.map_or(0.0, |x| 1.0 / x as f64))
        .sum::<f64>()
        / n;
    Ok(Evaluation {
        questions: results.len(),
        recall_at_1: within(1),
        recall_at_5: within(5),
        recall_at_10: within(10),
        mrr,
        latency_p50_ms: percentile(&latencies, 0.50),
        latency_p99_ms: percentile(&latencies, 0.99),
        results,
    })
}

/// The value below which `q` of the sorted samples fall (nearest rank).
pub fn percentile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn judgments_parse_with_errors_named() {
        let ok =
            parse_judgments("q.tsv", "# c\n\nhow to ebr\thandbook/a.md, handbook/b.md\n").unwrap();
        assert_eq!(ok[0].line, 3);
        assert_eq!(ok[0].relevant, vec!["handbook/a.md", "handbook/b.md"]);
        assert_eq!(
            parse_judgments("q.tsv", "no tab here").unwrap_err(),
            "q.tsv:1: expected `question<TAB>relevant paths`, found no tab"
        );
        assert!(
            parse_judgments("q.tsv", "q\t ")
                .unwrap_err()
                .contains("q.tsv:1")
        );
        assert!(parse_judgments("q.tsv", "").is_err());
    }

    #[test]
    fn percentiles_and_paths() {
        let v = [1.0, 2.0, 3.0, 4.0];
        assert_eq!(percentile(&v, 0.5), 2.0);
        assert_eq!(percentile(&v, 0.99), 4.0);
        assert!(same_page("handbook/a/b.md", "a/b.md"));
        assert!(same_page("a/b.md", "handbook/a/b.md"));
        assert!(!same_page("handbook/a/bb.md", "b.md"));
    }
}
