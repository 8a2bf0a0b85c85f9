use jingwu_core::Denied;
use jingwu_store::StoreError;
use serde::Serialize;

/// A field that failed validation, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    pub field: String,
    /// Stable machine-readable reason code.
    pub code: String,
    pub reason: String,
}

impl FieldError {
    pub fn new(field: &str, code: &str, reason: impl Into<String>) -> Self {
        FieldError {
            field: field.into(),
            code: code.into(),
            reason: reason.into(),
        }
    }
}

/// Everything a use case can refuse with. Each variant has a stable [`AppError::code`].
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("authentication required")]
    Unauthenticated,
    #[error("wrong username or password")]
    InvalidCredentials,
    #[error("too many failed attempts; try again in {retry_after_secs} s")]
    TooManyAttempts { retry_after_secs: u64 },
    #[error("{0}")]
    Forbidden(String),
    #[error("{what} not found")]
    NotFound { what: &'static str },
    #[error("the requested scope is outside your jurisdiction")]
    OutOfScope,
    #[error("{detail}")]
    Conflict { code: &'static str, detail: String },
    #[error("the request has invalid fields")]
    Validation(Vec<FieldError>),
    #[error("{0}")]
    Precondition(String),
    /// Well-formed but refused content (a corrupt chunk, a digest that does not match).
    #[error("{detail}")]
    Unprocessable { code: &'static str, detail: String },
    /// A media type the endpoint does not take.
    #[error("{0}")]
    UnsupportedMediaType(String),
    /// Content larger than the limit for its kind.
    #[error("{detail}")]
    TooLarge { code: &'static str, detail: String },
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("internal error: {0}")]
    Internal(String),
}

impl AppError {
    pub fn code(&self) -> &'static str {
        match self {
            AppError::Unauthenticated => "unauthenticated",
            AppError::InvalidCredentials => "invalid_credentials",
            AppError::TooManyAttempts { .. } => "too_many_attempts",
            AppError::Forbidden(_) => "forbidden",
            AppError::NotFound { .. } => "not_found",
            AppError::OutOfScope => "out_of_scope",
            AppError::Conflict { code, .. } => code,
            AppError::Validation(_) => "validation_failed",
            AppError::Precondition(_) => "precondition_failed",
            AppError::Unprocessable { code, .. } | AppError::TooLarge { code, .. } => code,
            AppError::UnsupportedMediaType(_) => "unsupported_media_type",
            AppError::Store(_) | AppError::Internal(_) => "internal",
        }
    }

    pub fn invalid(field: &str, code: &str, reason: impl Into<String>) -> Self {
        AppError::Validation(vec![FieldError::new(field, code, reason)])
    }

    /// Maps an authorization refusal for a single object: out-of-scope objects are reported
    /// as missing so that their existence is not revealed.
    pub fn denied_object(d: Denied, what: &'static str) -> Self {
        match d {
            Denied::Role(..) => AppError::Forbidden(d.to_string()),
            Denied::Scope => AppError::NotFound { what },
        }
    }

    /// Maps an authorization refusal for a scope the caller named explicitly.
    pub fn denied_scope(d: Denied) -> Self {
        match d {
            Denied::Role(..) => AppError::Forbidden(d.to_string()),
            Denied::Scope => AppError::OutOfScope,
        }
    }
}
