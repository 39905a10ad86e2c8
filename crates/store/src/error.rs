/// The store's one error type.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("invalid database URL `{url}`: {reason}")]
    InvalidUrl { url: String, reason: String },
    /// The database could not be reached or opened; the text says why in
    /// words (and what to do, where it can).
    #[error("cannot open the database: {0}")]
    Connect(String),
    #[error("cannot migrate the database schema: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("{0} not found")]
    NotFound(String),
    /// A unique value is taken, or a stale version was updated.
    #[error("conflict: {0}")]
    Conflict(String),
    /// A reference to a row that does not exist.
    #[error("invalid reference: {0}")]
    InvalidReference(String),
    /// A value names a row that does not exist (`duplicate_of` names no
    /// question); `field` is the input that names it.
    #[error("{field}: no {what}")]
    NoSuch { field: &'static str, what: String },
    /// A rule of the domain (`onramp_core`) refused the change. Only rules
    /// that depend on stored state are checked here, in the transaction
    /// that reads that state (a request's status, a token's owner); input
    /// rules are checked before the store is called.
    #[error(transparent)]
    Rejected(#[from] onramp_core::Error),
    /// A backup file cannot be restored; the text says why.
    #[error("backup: {0}")]
    Backup(String),
    /// The system could not give what the store needs (randomness).
    #[error("unavailable: {0}")]
    Unavailable(String),
    #[error("stored data could not be read: {0}")]
    Corrupt(String),
    #[error("database error: {0}")]
    Database(sqlx::Error),
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        match &e {
            sqlx::Error::RowNotFound => StoreError::NotFound("row".into()),
            sqlx::Error::Database(db) if db.is_unique_violation() => {
                StoreError::Conflict(db.message().to_string())
            }
            sqlx::Error::Database(db) if db.is_foreign_key_violation() => {
                StoreError::InvalidReference(db.message().to_string())
            }
            _ => StoreError::Database(e),
        }
    }
}
