//! From a parsed query to the tantivy query that ranks the results, and
//! the terms to highlight.

use super::query::is_stop_word;
use super::{ParsedQuery, SearchIndex};
use crate::Result;
use std::collections::BTreeMap;
use tantivy::Term;
use tantivy::query::{BooleanQuery, DisjunctionMaxQuery, Occur, Query, TermQuery};
use tantivy::schema::IndexRecordOption;

pub(super) struct Plan {
    pub(super) query: Box<dyn Query>,
    pub(super) highlight: BTreeMap<String, f32>,
}

impl SearchIndex {
    /// The tantivy query for a parsed query, and the terms to highlight.
    // Long: one query plan: words, phrases, synonyms, prefixes and fuzzy terms combine in one boolean query with one highlight list.
    pub(super) fn plan(
        &self,
        q: &ParsedQuery,
        searcher: &tantivy::Searcher,
    ) -> Result<Option<Plan>> {
        let f = self.fields;
        let w = self.weights;
        let mut en = self.analyzer("en")?;
        let mut highlight: BTreeMap<String, f32> = BTreeMap::new();
        let mut should: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let mut must: Vec<(Occur, Box<dyn Query>)> = Vec::new();

        let content: Vec<&String> = q.words.iter().filter(|w| !is_stop_word(w)).collect();
        // A query of nothing but common words still searches for them.
        let content: Vec<&String> = if content.is_empty() {
            q.words.iter().collect()
        } else {
            content
        };
        let last = q.words.last();
        for (i, word) in content.iter().enumerate() {
            let Some(stem) = self.stem(&mut en, word) else {
                continue;
            };
            highlight.insert(stem.clone(), 1.0);
            let mut alternatives: Vec<Box<dyn Query>> = vec![self.term_query(&stem, 1.0)];
            let known = searcher.doc_freq(&Term::from_field_text(f.words, word))? > 0;
            let chars = word.chars().count();
            let is_last = i + 1 == content.len() && Some(*word) == last;
            let mut replacements = Vec::new();
            if is_last && q.open_last_word && chars >= 3 {
                // Still being typed: the commonest words it starts with.
                let weight = if known { w.prefix } else { 0.9 };
                for completion in self.matching_words(searcher, word, 0, true, 3)? {
                    replacements.push((completion, weight));
                }
            }
            if !known
                && replacements.is_empty()
                && chars >= 5
                && !word.chars().all(|c| c.is_ascii_digit())
            {
                // A typo: the commonest word one (or, for long words, two) edits away.
                let mut found = self.matching_words(searcher, word, 1, false, 1)?;
                if found.is_empty() && chars >= 8 {
                    found = self.matching_words(searcher, word, 2, false, 1)?;
                }
                replacements.extend(found.into_iter().map(|c| (c, w.fuzzy)));
            }
            for (replacement, weight) in replacements {
                if let Some(stem) = self.stem(&mut en, &replacement) {
                    highlight.entry(stem.clone()).or_insert(weight);
                    alternatives.push(self.term_query(&stem, weight));
                }
            }
            should.push((
                Occur::Should,
                Box::new(DisjunctionMaxQuery::new(alternatives)),
            ));
        }

        for expansion in self.glossary.expansions(&q.words) {
            for alternative in &expansion.alternatives {
                let stems: Vec<String> = alternative
                    .iter()
                    .filter_map(|word| self.stem(&mut en, word))
                    .collect();
                for s in &stems {
                    highlight.entry(s.clone()).or_insert(0.5);
                }
                let query: Box<dyn Query> = match stems.as_slice() {
                    [] => continue,
                    [one] => self.term_query(one, w.synonym),
                    many => self.phrase_query(many, w.synonym),
                };
                should.push((Occur::Should, query));
            }
        }

        for phrase in &q.phrases {
            let stems: Vec<String> = phrase
                .iter()
                .filter_map(|word| self.stem(&mut en, word))
                .collect();
            if stems.len() < 2 {
                continue;
            }
            for s in &stems {
                highlight.insert(s.clone(), 1.0);
            }
            must.push((Occur::Must, self.phrase_query(&stems, w.phrase_bonus)));
        }

        // Words next to each other in the query rank pages that keep them together.
        if q.phrases.is_empty() && content.len() >= 2 {
            for pair in content.windows(2) {
                let stems: Vec<String> = pair
                    .iter()
                    .filter_map(|word| self.stem(&mut en, word))
                    .collect();
                if stems.len() == 2 {
                    should.push((Occur::Should, self.phrase_query(&stems, w.phrase_bonus)));
                }
            }
        }

        if should.is_empty() && must.is_empty() {
            return Ok(None);
        }
        let mut clauses = must;
        if !should.is_empty() {
            let occur = if clauses.is_empty() {
                Occur::Must
            } else {
                Occur::Should
            };
            clauses.push((occur, Box::new(BooleanQuery::new(should))));
        }
        if !q.sections.is_empty() {
            let sections: Vec<(Occur, Box<dyn Query>)> = q
                .sections
                .iter()
                .map(|s| -> (Occur, Box<dyn Query>) {
                    (
                        Occur::Should,
                        Box::new(TermQuery::new(
                            Term::from_field_text(f.folders, s),
                            IndexRecordOption::Basic,
                        )),
                    )
                })
                .collect();
            clauses.push((Occur::Must, Box::new(BooleanQuery::new(sections))));
        }
        Ok(Some(Plan {
            query: Box::new(BooleanQuery::new(clauses)),
            highlight,
        }))
    }
}
