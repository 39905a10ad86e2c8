//! Snippets: the part of a page where the query's words are densest, and
//! its text made safe to show.

/// The part of a long text where the query's stems are densest, so that
/// the snippet is chosen from a few hundred characters instead of the page.
pub(super) fn snippet_window<'a>(text: &'a str, stems: &[&str]) -> &'a str {
    const WINDOW: usize = 600;
    if text.len() <= WINDOW * 2 {
        return text;
    }
    let stems: Vec<&str> = stems.iter().copied().filter(|s| s.len() >= 2).collect();
    let Ok(matcher) = aho_corasick::AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .build(&stems)
    else {
        return word_slice(text, 0, WINDOW);
    };
    // One pass over the text for all stems; the first 2,000 matches suffice.
    let mut hits: Vec<(usize, usize)> = matcher
        .find_iter(text)
        .take(2_000)
        .map(|m| (m.start(), m.pattern().as_usize()))
        .collect();
    if hits.is_empty() {
        return word_slice(text, 0, WINDOW);
    }
    hits.sort_unstable();
    let mut best = (0, 0, 0); // (distinct stems, hits, start)
    let mut first = 0;
    for last in 0..hits.len() {
        while hits[last].0 - hits[first].0 > WINDOW / 2 {
            first += 1;
        }
        let mut distinct: Vec<usize> = hits[first..=last].iter().map(|h| h.1).collect();
        distinct.sort_unstable();
        distinct.dedup();
        let candidate = (distinct.len(), last - first + 1, hits[first].0);
        if (candidate.0, candidate.1) > (best.0, best.1) {
            best = candidate;
        }
    }
    word_slice(text, best.2.saturating_sub(WINDOW / 4), WINDOW)
}

/// About `text[start..start + len]`, moved to character boundaries and then
/// inwards to whole words: a snippet never begins or ends with part of a
/// word.
pub(super) fn word_slice(text: &str, start: usize, len: usize) -> &str {
    let mut from = start.min(text.len());
    while !text.is_char_boundary(from) {
        from -= 1;
    }
    let mut to = (from + len).min(text.len());
    while !text.is_char_boundary(to) {
        to -= 1;
    }
    let cut_before = text[..from]
        .chars()
        .next_back()
        .is_some_and(|c| !c.is_whitespace());
    if cut_before && let Some(space) = text[from..to].find(char::is_whitespace) {
        from += space;
    }
    let cut_after = text[to..]
        .chars()
        .next()
        .is_some_and(|c| !c.is_whitespace());
    if cut_after && let Some(space) = text[from..to].rfind(char::is_whitespace) {
        to = from + space;
    }
    text[from..to].trim()
}

/// The first words of `text`, about `chars` characters, with `…` when cut.
pub(super) fn lead(text: &str, chars: usize) -> String {
    let end = text
        .char_indices()
        .nth(chars)
        .map_or(text.len(), |(i, _)| i);
    if end == text.len() {
        return text.to_string();
    }
    format!("{}…", word_slice(text, 0, end))
}

pub(super) fn squeeze(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

pub(super) fn escape_html(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snippets_begin_and_end_on_whole_words() {
        let text = "The kickoff call sets goals and an executive business review date.";
        // Cut inside "kickoff" and inside "business": both moved inwards.
        assert_eq!(word_slice(text, 6, 45), "call sets goals and an executive");
        assert_eq!(word_slice(text, 0, text.len()), text);
        assert_eq!(word_slice("naïve café au lait", 1, 12), "café");
        assert_eq!(lead(text, 20), "The kickoff call…");
        assert_eq!(lead("short", 20), "short");
    }
}
