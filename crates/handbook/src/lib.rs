//! The handbook, Onramp's single source of truth for answers: import a Hugo or
//! plain Markdown tree, render its pages, check its links, and search it.

pub mod eval;
pub mod freshness;
pub mod glossary;
pub mod index;
pub mod links;
pub mod page;
pub mod render;
pub mod source;
pub mod tree;

pub use index::{DocKind, Hit, IndexDoc, QueryError, SearchIndex, SearchSettings, Weights};
pub use tree::index_doc;

use std::path::{Path, PathBuf};

/// The handbook crate's one error type.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{0} is not a directory")]
    NotADirectory(PathBuf),
    #[error(
        "{0} holds no Markdown pages, so it is not a handbook (a Hugo site with content/, or a folder of .md files)"
    )]
    NotAHandbook(PathBuf),
    /// A git source could not be cloned or updated.
    #[error("{0}")]
    Source(String),
    #[error("{0}")]
    Query(#[from] QueryError),
    #[error("search index: {0}")]
    Index(String),
    #[error("a search index writer failed earlier in this process")]
    Poisoned,
}

impl Error {
    pub fn io(path: &Path, source: std::io::Error) -> Error {
        Error::Io {
            path: path.to_path_buf(),
            source,
        }
    }
}

impl From<tantivy::TantivyError> for Error {
    fn from(e: tantivy::TantivyError) -> Self {
        match e {
            tantivy::TantivyError::LockFailure(..) => Error::Index(
                "another process is writing the search index; try again when it has finished"
                    .into(),
            ),
            other => Error::Index(other.to_string()),
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
