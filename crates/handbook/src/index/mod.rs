//! The embedded search index (tantivy): schema, writing, and ranked queries
//! with stemming, phrases, typo tolerance, prefix matching, section filters
//! and glossary expansion.

mod plan;
mod query;
mod snippet;
mod weights;

pub use query::{ParsedQuery, QueryError, parse_query};
pub use weights::{SearchSettings, Weights};

use crate::glossary::Glossary;
use crate::{Error, Result};
use snippet::{escape_html, snippet_window, squeeze};
use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex};
use tantivy::collector::TopDocs;
use tantivy::query::{
    BoostQuery, DisjunctionMaxQuery, FuzzyTermQuery, PhraseQuery, Query, TermQuery,
};
use tantivy::schema::{
    Field, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions, Value,
};
use tantivy::snippet::SnippetGenerator;
use tantivy::tokenizer::{
    Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer, TextAnalyzer,
};
use tantivy::{DocAddress, Index, IndexReader, ReloadPolicy, TantivyDocument, Term};

/// Bumped when the schema or what is indexed changes: the index is rebuilt.
const SCHEMA_VERSION: u32 = 1;
/// Longest query accepted, in characters.
pub const MAX_QUERY_CHARS: usize = 500;
/// Most results one query returns.
pub const MAX_LIMIT: usize = 100;

/// What kind of entry a result is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum DocKind {
    /// A handbook page.
    Page,
    /// An answered office-hours question.
    Answer,
}

impl DocKind {
    fn as_str(self) -> &'static str {
        match self {
            DocKind::Page => "page",
            DocKind::Answer => "answer",
        }
    }
}

/// One entry to index.
#[derive(Clone, Debug)]
pub struct IndexDoc {
    /// Unique key: the page path, or e.g. `office-hours/question/7`.
    pub path: String,
    pub url: String,
    pub title: String,
    pub description: String,
    pub section: String,
    /// Folders for `section:` filters (see [`crate::page::folders_of`]).
    pub folders: Vec<String>,
    pub headings: Vec<String>,
    pub body: String,
    pub kind: DocKind,
    /// For answers: the date of the session, `YYYY-MM-DD`.
    pub date: Option<String>,
}

/// One search result.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Hit {
    pub path: String,
    pub title: String,
    pub url: String,
    pub section: String,
    /// Plain-text snippet.
    pub snippet: String,
    /// The snippet as HTML with matched words in `<b>`; everything else escaped.
    pub snippet_html: String,
    pub kind: DocKind,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    pub score: f32,
}

#[derive(Clone, Copy)]
struct Fields {
    path: Field,
    url: Field,
    title: Field,
    description: Field,
    section: Field,
    folders: Field,
    headings: Field,
    body: Field,
    path_words: Field,
    words: Field,
    kind: Field,
    date: Field,
}

fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let stemmed = |stored: bool| {
        let indexing = TextFieldIndexing::default()
            .set_tokenizer("en")
            .set_index_option(IndexRecordOption::WithFreqsAndPositions);
        let options = TextOptions::default().set_indexing_options(indexing);
        if stored {
            options.set_stored()
        } else {
            options
        }
    };
    let raw_words = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer("words")
            .set_index_option(IndexRecordOption::Basic),
    );
    let fields = Fields {
        path: b.add_text_field("path", STRING | STORED),
        url: b.add_text_field("url", STORED),
        title: b.add_text_field("title", stemmed(true)),
        description: b.add_text_field("description", stemmed(true)),
        section: b.add_text_field("section", STORED),
        folders: b.add_text_field("folders", STRING),
        headings: b.add_text_field("headings", stemmed(false)),
        body: b.add_text_field("body", stemmed(true)),
        path_words: b.add_text_field("path_words", stemmed(false)),
        words: b.add_text_field("words", raw_words),
        kind: b.add_text_field("kind", STRING | STORED),
        date: b.add_text_field("date", STORED),
    };
    (b.build(), fields)
}

fn register_tokenizers(index: &Index) {
    index.tokenizers().register(
        "en",
        TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(RemoveLongFilter::limit(40))
            .filter(LowerCaser)
            .filter(Stemmer::new(Language::English))
            .build(),
    );
    index.tokenizers().register(
        "words",
        TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(RemoveLongFilter::limit(40))
            .filter(LowerCaser)
            .build(),
    );
}

/// The search index of one Onramp instance.
pub struct SearchIndex {
    index: Index,
    reader: IndexReader,
    fields: Fields,
    glossary: Glossary,
    weights: Weights,
    /// Only one writer at a time in this process.
    writing: Mutex<()>,
    /// Recent results by (searcher generation, query, limit, offset): popular
    /// questions repeat. Emptied when full or when the index changes.
    cache: Mutex<HashMap<CacheKey, Arc<Vec<Hit>>>>,
    cache_enabled: bool,
}

/// (searcher generation, query, limit, offset).
type CacheKey = (u64, String, usize, usize);

/// Most cached result lists.
const CACHE_ENTRIES: usize = 1024;

impl SearchIndex {
    /// Opens the index in `dir`, creating it (empty) when missing or when it
    /// was written by another schema version.
    pub fn open(dir: &Path) -> Result<SearchIndex> {
        let (schema, fields) = schema();
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        let existing = Index::open_in_dir(dir).ok().filter(|index| {
            index.schema() == schema
                && parse_payload(index).is_some_and(|(version, _)| version == SCHEMA_VERSION)
        });
        let index = match existing {
            Some(index) => index,
            None => {
                // Unknown or outdated: start again (it is rebuilt from the database).
                for entry in std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))? {
                    let path = entry.map_err(|e| Error::io(dir, e))?.path();
                    let removed = if path.is_dir() {
                        std::fs::remove_dir_all(&path)
                    } else {
                        std::fs::remove_file(&path)
                    };
                    removed.map_err(|e| Error::io(&path, e))?;
                }
                Index::create_in_dir(dir, schema)?
            }
        };
        SearchIndex::from_index(index, fields)
    }

    /// An index held in memory (tests, one-off commands).
    pub fn in_memory() -> Result<SearchIndex> {
        let (schema, fields) = schema();
        SearchIndex::from_index(Index::create_in_ram(schema), fields)
    }

    fn from_index(index: Index, fields: Fields) -> Result<SearchIndex> {
        register_tokenizers(&index);
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::OnCommitWithDelay)
            .try_into()?;
        let search = SearchIndex {
            index,
            reader,
            fields,
            glossary: Glossary::parse(crate::glossary::DEFAULT),
            weights: Weights::default(),
            writing: Mutex::new(()),
            cache: Mutex::new(HashMap::new()),
            cache_enabled: true,
        };
        Ok(search)
    }

    /// Applies settings chosen by the binary (result cache, weights).
    pub fn configure(&mut self, settings: &SearchSettings) {
        self.cache_enabled = settings.cache;
        self.weights = settings.weights;
    }

    /// The database generation this index reflects, if it was ever written.
    pub fn generation(&self) -> Option<i64> {
        parse_payload(&self.index).map(|(_, generation)| generation)
    }

    /// Number of entries.
    pub fn len(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Replaces every entry with `docs`.
    pub fn rebuild(&self, docs: impl Iterator<Item = IndexDoc>, generation: i64) -> Result<()> {
        self.write(generation, |writer, _| {
            writer.delete_all_documents()?;
            for doc in docs {
                writer.add_document(self.document(&doc))?;
            }
            Ok(())
        })
    }

    /// Adds or replaces `upserts` and removes the entries at `deletes` paths.
    pub fn update(&self, upserts: &[IndexDoc], deletes: &[String], generation: i64) -> Result<()> {
        self.write(generation, |writer, f| {
            for path in deletes {
                writer.delete_term(Term::from_field_text(f.path, path));
            }
            for doc in upserts {
                writer.delete_term(Term::from_field_text(f.path, &doc.path));
                writer.add_document(self.document(doc))?;
            }
            Ok(())
        })
    }

    fn write(
        &self,
        generation: i64,
        change: impl FnOnce(&mut tantivy::IndexWriter, &Fields) -> Result<()>,
    ) -> Result<()> {
        let _guard = self.writing.lock().map_err(|_| Error::Poisoned)?;
        let threads = std::thread::available_parallelism()
            .map(|n| n.get().min(4))
            .unwrap_or(1);
        let mut writer = self
            .index
            .writer_with_num_threads(threads, 60_000_000 * threads)?;
        change(&mut writer, &self.fields)?;
        let mut commit = writer.prepare_commit()?;
        commit.set_payload(&format!("{SCHEMA_VERSION}:{generation}"));
        commit.commit()?;
        writer.wait_merging_threads()?;
        self.reader.reload()?;
        Ok(())
    }

    fn document(&self, doc: &IndexDoc) -> TantivyDocument {
        let f = &self.fields;
        let mut d = TantivyDocument::default();
        d.add_text(f.path, &doc.path);
        d.add_text(f.url, &doc.url);
        d.add_text(f.title, &doc.title);
        d.add_text(f.description, &doc.description);
        d.add_text(f.section, &doc.section);
        for folder in &doc.folders {
            d.add_text(f.folders, folder);
        }
        for heading in &doc.headings {
            d.add_text(f.headings, heading);
        }
        d.add_text(f.body, &doc.body);
        d.add_text(f.path_words, doc.path.replace(['/', '-', '_', '.'], " "));
        d.add_text(f.words, &doc.title);
        for heading in &doc.headings {
            d.add_text(f.words, heading);
        }
        d.add_text(f.words, &doc.body);
        d.add_text(f.kind, doc.kind.as_str());
        if let Some(date) = &doc.date {
            d.add_text(f.date, date);
        }
        d
    }

    /// Searches; `offset` skips that many results (pagination).
    pub fn search(&self, text: &str, limit: usize, offset: usize) -> Result<Vec<Hit>> {
        let parsed = parse_query(text)?;
        let limit = limit.clamp(1, MAX_LIMIT);
        let searcher = self.reader.searcher();
        if !self.cache_enabled {
            return self.run(&parsed, &searcher, limit, offset);
        }
        let key = (
            searcher.generation().generation_id(),
            text.to_string(),
            limit,
            offset,
        );
        if let Some(hits) = self.cache.lock().ok().and_then(|c| c.get(&key).cloned()) {
            return Ok(hits.as_ref().clone());
        }
        let hits = self.run(&parsed, &searcher, limit, offset)?;
        if let Ok(mut cache) = self.cache.lock() {
            if cache.len() >= CACHE_ENTRIES || cache.keys().next().is_some_and(|k| k.0 != key.0) {
                cache.clear();
            }
            cache.insert(key, Arc::new(hits.clone()));
        }
        Ok(hits)
    }

    /// Searches without the result cache (for measuring).
    pub fn search_uncached(&self, text: &str, limit: usize, offset: usize) -> Result<Vec<Hit>> {
        let parsed = parse_query(text)?;
        self.run(
            &parsed,
            &self.reader.searcher(),
            limit.clamp(1, MAX_LIMIT),
            offset,
        )
    }

    fn run(
        &self,
        parsed: &ParsedQuery,
        searcher: &tantivy::Searcher,
        limit: usize,
        offset: usize,
    ) -> Result<Vec<Hit>> {
        let Some(plan) = self.plan(parsed, searcher)? else {
            return Ok(Vec::new());
        };
        let top = searcher.search(
            &plan.query,
            &TopDocs::with_limit(limit)
                .and_offset(offset.min(10_000))
                .order_by_score(),
        )?;
        let stems: Vec<String> = plan.highlight.keys().cloned().collect();
        let stems: Vec<&str> = stems.iter().map(String::as_str).collect();
        let mut snippets =
            SnippetGenerator::new(plan.highlight, self.analyzer("en")?, self.fields.body, 180);
        snippets.set_max_num_chars(180);
        top.into_iter()
            .map(|(score, address)| self.hit(searcher, address, score, &snippets, &stems))
            .collect()
    }

    /// The words of the index within `distance` edits of `word` (or starting
    /// with it), most frequent first.
    fn matching_words(
        &self,
        searcher: &tantivy::Searcher,
        word: &str,
        distance: u8,
        prefix: bool,
        limit: usize,
    ) -> Result<Vec<String>> {
        let term = Term::from_field_text(self.fields.words, word);
        let query = if prefix {
            FuzzyTermQuery::new_prefix(term, distance, true)
        } else {
            FuzzyTermQuery::new(term, distance, true)
        };
        let automaton = query.automaton()?;
        let mut counts: std::collections::HashMap<Vec<u8>, u64> = Default::default();
        for segment in searcher.segment_readers() {
            let inverted = segment.inverted_index(self.fields.words)?;
            let mut stream = inverted
                .terms()
                .search(&automaton)
                .into_stream()
                .map_err(|e| Error::Index(e.to_string()))?;
            let mut seen = 0;
            while stream.advance() && seen < 5_000 {
                seen += 1;
                if stream.key() != word.as_bytes() {
                    *counts.entry(stream.key().to_vec()).or_default() +=
                        u64::from(stream.value().doc_freq);
                }
            }
        }
        let mut ranked: Vec<(Vec<u8>, u64)> = counts.into_iter().collect();
        ranked.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        Ok(ranked
            .into_iter()
            .take(limit)
            .filter_map(|(bytes, _)| String::from_utf8(bytes).ok())
            .collect())
    }

    fn analyzer(&self, name: &str) -> Result<TextAnalyzer> {
        self.index
            .tokenizers()
            .get(name)
            .ok_or_else(|| Error::Index(format!("tokenizer {name} is not registered")))
    }

    fn stem(&self, analyzer: &mut TextAnalyzer, word: &str) -> Option<String> {
        let mut stream = analyzer.token_stream(word);
        let mut out = None;
        while stream.advance() {
            out = Some(stream.token().text.clone());
        }
        out
    }

    /// One stemmed term in every text field, the best field counting most.
    fn term_query(&self, stem: &str, boost: f32) -> Box<dyn Query> {
        let f = self.fields;
        let w = self.weights;
        let per_field: Vec<Box<dyn Query>> = [
            (f.title, w.title),
            (f.headings, w.headings),
            (f.body, w.body),
            (f.path_words, w.path),
            (f.description, w.description),
        ]
        .into_iter()
        .map(|(field, weight)| -> Box<dyn Query> {
            Box::new(BoostQuery::new(
                Box::new(TermQuery::new(
                    Term::from_field_text(field, stem),
                    IndexRecordOption::WithFreqs,
                )),
                weight * boost,
            ))
        })
        .collect();
        Box::new(DisjunctionMaxQuery::with_tie_breaker(
            per_field,
            w.tie_breaker,
        ))
    }

    /// Stemmed words in this order, in the title, headings or body.
    fn phrase_query(&self, stems: &[String], boost: f32) -> Box<dyn Query> {
        let f = self.fields;
        let w = self.weights;
        let per_field: Vec<Box<dyn Query>> = [
            (f.title, w.title),
            (f.headings, w.headings),
            (f.body, w.body),
        ]
        .into_iter()
        .map(|(field, weight)| -> Box<dyn Query> {
            let terms = stems
                .iter()
                .map(|s| Term::from_field_text(field, s))
                .collect();
            Box::new(BoostQuery::new(
                Box::new(PhraseQuery::new(terms)),
                weight * boost,
            ))
        })
        .collect();
        Box::new(DisjunctionMaxQuery::with_tie_breaker(
            per_field,
            w.tie_breaker,
        ))
    }

    fn hit(
        &self,
        searcher: &tantivy::Searcher,
        address: DocAddress,
        score: f32,
        snippets: &SnippetGenerator,
        highlight: &[&str],
    ) -> Result<Hit> {
        let f = self.fields;
        let doc: TantivyDocument = searcher.doc(address)?;
        let text = |field: Field| -> String {
            doc.get_first(field)
                .and_then(|v| v.as_str())
                .unwrap_or_default()
                .to_string()
        };
        let body = text(f.body);
        let mut snippet = snippets.snippet(snippet_window(&body, highlight));
        let (snippet_text, snippet_html) = if snippet.is_empty() {
            let description = text(f.description);
            let fallback = if description.is_empty() {
                snippet::lead(&text(f.body), 180)
            } else {
                description
            };
            let html = escape_html(&fallback);
            (fallback, html)
        } else {
            snippet.set_snippet_prefix_postfix("<b>", "</b>");
            (snippet.fragment().to_string(), snippet.to_html())
        };
        let date = text(f.date);
        Ok(Hit {
            path: text(f.path),
            title: text(f.title),
            url: text(f.url),
            section: text(f.section),
            snippet: squeeze(&snippet_text),
            snippet_html: squeeze(&snippet_html),
            kind: if text(f.kind) == "answer" {
                DocKind::Answer
            } else {
                DocKind::Page
            },
            date: (!date.is_empty()).then_some(date),
            score,
        })
    }
}

fn parse_payload(index: &Index) -> Option<(u32, i64)> {
    let payload = index.load_metas().ok()?.payload?;
    let (version, generation) = payload.split_once(':')?;
    Some((version.parse().ok()?, generation.parse().ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_parsing() {
        let q = parse_query("how do I \"run an EBR\" section:customer-success escal").unwrap();
        assert_eq!(q.words, vec!["how", "do", "i", "escal"]);
        assert_eq!(q.phrases, vec![vec!["run", "an", "ebr"]]);
        assert_eq!(q.sections, vec!["customer-success"]);
        assert!(q.open_last_word);

        let q = parse_query("unbalanced \"quote here ").unwrap();
        assert_eq!(q.phrases, vec![vec!["quote", "here"]]);
        assert!(!q.open_last_word);

        assert_eq!(parse_query("   "), Err(QueryError::Empty));
        assert_eq!(parse_query(&"x".repeat(501)), Err(QueryError::TooLong));
        let q = parse_query("?!?! -- ::").unwrap();
        assert!(q.words.is_empty() && q.phrases.is_empty());
    }
}
