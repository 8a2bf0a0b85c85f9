use jingwu_core::{Denied, problem_codes};
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
    /// Every password-hashing slot stayed busy while the sign-in waited.
    #[error("too many sign-ins at once; try again in a moment")]
    LoginBusy,
    #[error("{0}")]
    Forbidden(String),
    #[error("{what} not found")]
    NotFound { what: &'static str },
    #[error("the requested scope is outside your jurisdiction")]
    OutOfScope,
    #[error("{detail}")]
    Conflict { code: &'static str, detail: String },
    /// The slot asked for is full; `alternatives` are the next free slots of the office.
    #[error("{detail}")]
    SlotFull {
        detail: String,
        alternatives: Vec<jingwu_permits::records::FreeSlot>,
    },
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
    /// The database refused the change as conflicting with concurrent ones every time it was
    /// tried; trying again later will work.
    #[error("too many concurrent changes to the same records; try again")]
    Busy,
    /// Load shed or a server on its way down: nothing was changed, and the same request
    /// later (or on another node) will be taken. Answered 503 with `Retry-After`.
    #[error("{detail}")]
    Unavailable { code: &'static str, detail: String },
    #[error("internal error: {0}")]
    Internal(String),
}

impl AppError {
    /// A request that reached the database after it closed, while the process stops: not a
    /// fault, and nothing was changed (answered 503 `server_stopping`).
    pub fn is_stopping(&self) -> bool {
        matches!(self, AppError::Store(e) if e.is_pool_closed())
    }

    /// The database refused text it cannot store: bad input, not a fault (answered 422).
    pub fn is_unstorable_text(&self) -> bool {
        matches!(self, AppError::Store(e) if e.is_unstorable_text())
    }

    pub fn code(&self) -> &'static str {
        match self {
            AppError::Unauthenticated => problem_codes::UNAUTHENTICATED.code,
            AppError::InvalidCredentials => problem_codes::INVALID_CREDENTIALS.code,
            AppError::TooManyAttempts { .. } => problem_codes::TOO_MANY_ATTEMPTS.code,
            AppError::LoginBusy => problem_codes::LOGIN_BUSY.code,
            AppError::Forbidden(_) => problem_codes::FORBIDDEN.code,
            AppError::NotFound { .. } => problem_codes::NOT_FOUND.code,
            AppError::OutOfScope => problem_codes::OUT_OF_SCOPE.code,
            AppError::Conflict { code, .. } => code,
            AppError::SlotFull { .. } => jingwu_permits::error_codes::SLOT_FULL.code,
            AppError::Validation(_) => problem_codes::VALIDATION_FAILED.code,
            AppError::Precondition(_) => problem_codes::PRECONDITION_FAILED.code,
            AppError::Unprocessable { code, .. } | AppError::TooLarge { code, .. } => code,
            AppError::UnsupportedMediaType(_) => problem_codes::UNSUPPORTED_MEDIA_TYPE.code,
            AppError::Busy => problem_codes::BUSY.code,
            AppError::Unavailable { code, .. } => code,
            AppError::Store(e) if e.is_unstorable_text() => problem_codes::UNSTORABLE_TEXT.code,
            AppError::Store(e) if e.is_pool_closed() => problem_codes::STOPPING.code,
            AppError::Store(_) | AppError::Internal(_) => problem_codes::INTERNAL.code,
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
