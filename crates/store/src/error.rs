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
    #[error("invalid value: {0}")]
    Invalid(String),
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
