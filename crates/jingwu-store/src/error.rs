#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database URL {0:?} is not supported: use sqlite://PATH or postgres://...")]
    UnsupportedUrl(String),
    #[error("database error: {0}")]
    Sqlx(#[from] sqlx::Error),
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("stored {what} code {value:?} is not one this version knows")]
    UnknownCode { what: &'static str, value: String },
    #[error("a writing transaction must append an audit entry before it commits")]
    Unaudited,
    #[error("{0}")]
    Proof(#[from] jingwu_audit::merkle::ProofError),
    #[error("the database file {0} does not exist")]
    Missing(String),
    #[error("could not prepare the database directory {path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
}

impl StoreError {
    /// PostgreSQL refused the transaction as not serializable (or chose it as a deadlock's
    /// victim); running it again from the start is correct and will succeed eventually.
    pub fn is_retryable(&self) -> bool {
        matches!(self, StoreError::Sqlx(sqlx::Error::Database(e))
            if matches!(e.code().as_deref(), Some("40001" | "40P01")))
    }

    /// PostgreSQL refused a text it cannot store (U+0000, or bytes that are not UTF-8:
    /// SQLSTATE 22021 / 22P05). The API answers 422, never 500; SQLite stores such text.
    pub fn is_unstorable_text(&self) -> bool {
        matches!(self, StoreError::Sqlx(sqlx::Error::Database(e))
            if matches!(e.code().as_deref(), Some("22021" | "22P05")))
    }

    /// The pool was closed: the process is stopping (answered 503 `server_stopping`).
    pub fn is_pool_closed(&self) -> bool {
        matches!(self, StoreError::Sqlx(sqlx::Error::PoolClosed))
    }

    /// A unique or primary-key constraint refused the write (the caller maps this to 409).
    pub fn is_unique_violation(&self) -> bool {
        matches!(self, StoreError::Sqlx(sqlx::Error::Database(e))
            if e.kind() == sqlx::error::ErrorKind::UniqueViolation)
    }
}
