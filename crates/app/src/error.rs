use onramp_store::StoreError;

/// What a use case can answer instead of its result: the one error type of
/// the application layer. The web maps each kind to a status and a page or
/// JSON body (`onramp_web::WebError`), the CLI to a message and exit code.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("not found")]
    NotFound,
    /// Something the request refers to does not exist (the store's words).
    #[error("{0} not found")]
    Missing(String),
    /// Bad input in one named field.
    #[error("{field}: {message}")]
    Invalid { field: String, message: String },
    /// The thing changed since it was read, or would clash with another.
    #[error("conflict: {0}")]
    Conflict(String),
    /// Known to exist, but not the acting person's to see or change.
    #[error("{0}")]
    Forbidden(String),
    /// Too much heavy work in flight (Service Ping analyses): try again soon.
    #[error("{0}")]
    Busy(String),
    /// The input is larger than the configured limit.
    #[error("{0}")]
    TooLarge(String),
    /// Reading a handbook tree or using the search index failed.
    #[error(transparent)]
    Handbook(#[from] onramp_handbook::Error),
    #[error("internal error: {0}")]
    Internal(String),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// Bad input in one field.
    pub fn bad(field: &str, message: impl Into<String>) -> Error {
        Error::Invalid {
            field: field.into(),
            message: message.into(),
        }
    }
}

impl From<StoreError> for Error {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound(m) => Error::Missing(m),
            StoreError::Conflict(m) => Error::Conflict(m),
            StoreError::NoSuch { field, what } => Error::bad(field, format!("no {what}")),
            StoreError::Rejected(rule) => rule.into(),
            StoreError::Backup(m) => Error::bad("backup", m),
            StoreError::InvalidReference(m) => Error::bad("request", m),
            other => Error::Internal(other.to_string()),
        }
    }
}

impl From<onramp_core::error::Error> for Error {
    fn from(e: onramp_core::error::Error) -> Self {
        match e {
            onramp_core::error::Error::Invalid { field, message } => {
                Error::Invalid { field, message }
            }
            other => Error::Internal(other.to_string()),
        }
    }
}
