use std::fmt;

/// A problem found in a source file, with its 1-based position.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Diagnostic {
    pub file: String,
    pub line: u64,
    pub column: u64,
    pub message: String,
}

impl Diagnostic {
    pub fn new(file: &str, line: u64, column: u64, message: impl Into<String>) -> Self {
        Self {
            file: file.to_string(),
            line,
            column,
            message: message.into(),
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.file, self.line, self.column, self.message
        )
    }
}

/// The domain's one error type.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A value given by a user is not acceptable; `field` names it.
    #[error("{field}: {message}")]
    Invalid { field: String, message: String },
    /// A program's files have problems; every one is listed.
    #[error("the program has {} problem(s); first: {}", .0.len(), .0.first().map(|d| d.to_string()).unwrap_or_default())]
    Program(Vec<Diagnostic>),
}

impl Error {
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        Error::Invalid {
            field: field.into(),
            message: message.into(),
        }
    }
}
