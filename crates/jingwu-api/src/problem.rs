//! RFC 9457 problem details. Every error the API returns is one of these, with a stable
//! machine-readable `code`.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use jingwu_app::{AppError, FieldError};
use jingwu_core::problem_codes::{self as foundation, FieldCode, ProblemCode};
use serde::Serialize;
use utoipa::ToSchema;

/// Every system's problem codes. A new system adds its registry here.
pub const PROBLEM_REGISTRIES: &[&[ProblemCode]] = &[
    foundation::PROBLEMS,
    jingwu_command::error_codes::PROBLEMS,
    jingwu_hazmat::error_codes::PROBLEMS,
    jingwu_traffic::error_codes::PROBLEMS,
    jingwu_permits::error_codes::PROBLEMS,
    jingwu_cases::error_codes::PROBLEMS,
    jingwu_payments::error_codes::PROBLEMS,
];

/// Every system's per-field codes.
pub const FIELD_REGISTRIES: &[&[FieldCode]] = &[
    foundation::FIELDS,
    jingwu_command::error_codes::FIELDS,
    jingwu_hazmat::error_codes::FIELDS,
    jingwu_traffic::error_codes::FIELDS,
    jingwu_permits::error_codes::FIELDS,
    jingwu_cases::error_codes::FIELDS,
    jingwu_payments::error_codes::FIELDS,
];

/// The registry entry of a problem code, if it is registered.
pub fn registered_problem(code: &str) -> Option<&'static ProblemCode> {
    foundation::find_problem(PROBLEM_REGISTRIES, code)
}

/// Whether `errors[].code` may carry this code: a field code, or a problem code that names
/// a field (`invalid_field`, `invalid_query`, `invalid_path`).
pub fn registered_field_code(code: &str) -> bool {
    foundation::find_field(FIELD_REGISTRIES, code).is_some() || registered_problem(code).is_some()
}

/// `application/problem+json` body (RFC 9457).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Problem {
    /// `urn:jingwu:problem:<code>`.
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    #[schema(minimum = 400, maximum = 599)]
    pub status: u16,
    pub detail: String,
    /// Stable machine-readable error code (the registry is `x-error-codes` of this document).
    #[schema(value_type = crate::openapi::ProblemCodeSchema)]
    pub code: String,
    /// For validation errors: which field and why.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldProblem>,
    /// Seconds to wait before retrying (429 only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry_after: Option<u64>,
    /// For `slot_full`: the next free slots of the office, to offer instead.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub alternatives: Vec<crate::routes::permits::FreeSlotView>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FieldProblem {
    /// JSON path of the field (`.` for the body itself).
    pub field: String,
    #[schema(value_type = crate::openapi::FieldCodeSchema)]
    pub code: String,
    pub reason: String,
}

impl From<FieldError> for FieldProblem {
    fn from(e: FieldError) -> Self {
        FieldProblem {
            field: e.field,
            code: e.code,
            reason: e.reason,
        }
    }
}

/// An error on its way to becoming a problem response.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: String,
    pub detail: String,
    pub errors: Vec<FieldProblem>,
    pub retry_after: Option<u64>,
    pub alternatives: Vec<crate::routes::permits::FreeSlotView>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &str, detail: impl Into<String>) -> Self {
        ApiError {
            status,
            code: code.into(),
            detail: detail.into(),
            errors: Vec::new(),
            retry_after: None,
            alternatives: Vec::new(),
        }
    }

    /// A registered problem, answered with the registry's status.
    pub fn of(code: ProblemCode, detail: impl Into<String>) -> Self {
        let status = StatusCode::from_u16(code.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        ApiError::new(status, code.code, detail)
    }

    pub fn field(status: StatusCode, field: &str, code: &str, reason: impl Into<String>) -> Self {
        let reason = reason.into();
        ApiError {
            status,
            code: code.into(),
            detail: format!("{field}: {reason}"),
            errors: vec![FieldProblem {
                field: field.into(),
                code: code.into(),
                reason,
            }],
            retry_after: None,
            alternatives: Vec::new(),
        }
    }
}

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        let status = match &e {
            AppError::Unauthenticated | AppError::InvalidCredentials => StatusCode::UNAUTHORIZED,
            AppError::TooManyAttempts { .. } => StatusCode::TOO_MANY_REQUESTS,
            AppError::Forbidden(_) | AppError::OutOfScope => StatusCode::FORBIDDEN,
            AppError::NotFound { .. } => StatusCode::NOT_FOUND,
            AppError::Conflict { .. } | AppError::SlotFull { .. } | AppError::Precondition(_) => {
                StatusCode::CONFLICT
            }
            AppError::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Unprocessable { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            AppError::TooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::Busy | AppError::LoginBusy | AppError::Unavailable { .. } => {
                StatusCode::SERVICE_UNAVAILABLE
            }
            e if e.is_unstorable_text() => StatusCode::UNPROCESSABLE_ENTITY,
            e if e.is_stopping() => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Store(_) | AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        };
        let code = e.code().to_string();
        let expected = matches!(
            e,
            AppError::Busy | AppError::LoginBusy | AppError::Unavailable { .. }
        ) || e.is_stopping();
        if status.is_server_error() && !expected {
            // The cause goes to the log (with the request id from the span), not to the client.
            tracing::error!(error = %e, "request failed");
            return ApiError::new(
                status,
                &code,
                "an internal error occurred; it has been logged",
            );
        }
        let retry_after = match &e {
            AppError::TooManyAttempts { retry_after_secs } => Some(*retry_after_secs),
            AppError::Busy | AppError::LoginBusy | AppError::Unavailable { .. } => Some(1),
            e if e.is_stopping() => Some(1),
            _ => None,
        };
        let detail = e.to_string();
        let (errors, alternatives) = match e {
            AppError::Validation(errs) => (
                errs.into_iter().map(FieldProblem::from).collect(),
                Vec::new(),
            ),
            AppError::SlotFull { alternatives, .. } => (
                Vec::new(),
                alternatives
                    .into_iter()
                    .map(crate::routes::permits::FreeSlotView::from)
                    .collect(),
            ),
            _ => (Vec::new(), Vec::new()),
        };
        ApiError {
            status,
            code,
            detail,
            errors,
            retry_after,
            alternatives,
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if registered_problem(&self.code).is_none() {
            // The tests refuse such a response; in production it is answered and logged.
            tracing::error!(code = %self.code, "problem code missing from the registry");
        }
        let title = self
            .status
            .canonical_reason()
            .unwrap_or("Error")
            .to_string();
        let body = Problem {
            kind: format!("urn:jingwu:problem:{}", self.code),
            title,
            status: self.status.as_u16(),
            detail: self.detail,
            code: self.code,
            errors: self.errors,
            retry_after: self.retry_after,
            alternatives: self.alternatives,
        };
        let mut resp = (self.status, Json(body)).into_response();
        let headers = resp.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        if let Some(secs) = self.retry_after
            && let Ok(v) = HeaderValue::from_str(&secs.to_string())
        {
            headers.insert(header::RETRY_AFTER, v);
        }
        if self.status == StatusCode::UNAUTHORIZED {
            headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        resp
    }
}

pub async fn route_not_found(uri: axum::http::Uri) -> ApiError {
    ApiError::of(
        foundation::ROUTE_NOT_FOUND,
        format!("no route for {}", uri.path()),
    )
}

pub async fn method_not_allowed(method: axum::http::Method, uri: axum::http::Uri) -> ApiError {
    ApiError::of(
        foundation::METHOD_NOT_ALLOWED,
        format!("{method} is not allowed on {}", uri.path()),
    )
}

/// A panic in a handler becomes a 500 problem; the process and other requests carry on.
pub fn from_panic(_: Box<dyn std::any::Any + Send + 'static>) -> Response {
    tracing::error!("handler panicked");
    ApiError::of(
        foundation::INTERNAL,
        "an internal error occurred; it has been logged",
    )
    .into_response()
}

#[cfg(test)]
mod registry_tests {
    use super::*;

    /// A code means one thing: no two registries (or two entries of one) declare it.
    #[test]
    fn every_code_is_declared_once_across_the_registries() {
        let mut seen = std::collections::BTreeSet::new();
        let problems = PROBLEM_REGISTRIES
            .iter()
            .flat_map(|r| r.iter())
            .map(|p| p.code);
        let fields = FIELD_REGISTRIES
            .iter()
            .flat_map(|r| r.iter())
            .map(|f| f.code);
        for code in problems.chain(fields) {
            assert!(seen.insert(code), "{code} is declared twice");
        }
    }
}
