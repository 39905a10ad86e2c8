//! The field's abbreviations and synonyms as data: groups of terms that mean
//! the same to someone searching.

/// The glossary shipped with Onramp (`data/glossary.txt`).
pub const DEFAULT: &str = include_str!("../data/glossary.txt");

/// Groups of equivalent terms, each term a sequence of lower-case words.
#[derive(Clone, Debug, Default)]
pub struct Glossary {
    groups: Vec<Vec<Vec<String>>>,
}

/// One glossary term found in a query: where, and what else it may mean.
#[derive(Debug, PartialEq)]
pub struct Expansion {
    /// Index of the first query word and number of words matched.
    pub start: usize,
    pub len: usize,
    /// The other terms of the group, each as its words.
    pub alternatives: Vec<Vec<String>>,
}

impl Glossary {
    /// Parses `term, term, …` lines; `#` starts a comment line.
    pub fn parse(text: &str) -> Glossary {
        let groups = text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .map(|line| {
                line.split(',')
                    .map(words)
                    .filter(|w: &Vec<String>| !w.is_empty())
                    .collect::<Vec<_>>()
            })
            .filter(|g| g.len() > 1)
            .collect();
        Glossary { groups }
    }

    pub fn len(&self) -> usize {
        self.groups.len()
    }

    pub fn is_empty(&self) -> bool {
        self.groups.is_empty()
    }

    /// The glossary terms in a query's words (longest match first, no overlaps).
    pub fn expansions(&self, query_words: &[String]) -> Vec<Expansion> {
        let mut found = Vec::new();
        let mut i = 0;
        while i < query_words.len() {
            let mut best: Option<(usize, usize, usize)> = None; // (len, group, term)
            for (g, group) in self.groups.iter().enumerate() {
                for (t, term) in group.iter().enumerate() {
                    let n = term.len();
                    if i + n <= query_words.len()
                        && query_words[i..i + n] == term[..]
                        && best.is_none_or(|(len, _, _)| n > len)
                    {
                        best = Some((n, g, t));
                    }
                }
            }
            match best {
                Some((len, g, t)) => {
                    let alternatives = self.groups[g]
                        .iter()
                        .enumerate()
                        .filter(|(k, _)| *k != t)
                        .map(|(_, term)| term.clone())
                        .collect();
                    found.push(Expansion {
                        start: i,
                        len,
                        alternatives,
                    });
                    i += len;
                }
                None => i += 1,
            }
        }
        found
    }
}

/// Lower-case words of a text, split at anything that is not a letter or digit.
pub fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_glossary_parses() {
        let g = Glossary::parse(DEFAULT);
        assert!(g.len() > 30);
    }

    #[test]
    fn finds_longest_terms() {
        let g = Glossary::parse(
            "ebr, executive business review, business review\n# c\nps, professional services",
        );
        let q = words("Prepare an executive business review with PS");
        let found = g.expansions(&q);
        assert_eq!(found.len(), 2);
        assert_eq!((found[0].start, found[0].len), (2, 3));
        assert_eq!(
            found[0].alternatives,
            vec![vec!["ebr".to_string()], words("business review")]
        );
        assert_eq!(found[1].alternatives, vec![words("professional services")]);
    }
}
