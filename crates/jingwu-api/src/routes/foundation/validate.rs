use axum::extract::State;
use serde::Deserialize;
use utoipa::ToSchema;

use crate::extract::{Caller, Json};
use crate::{ApiError, AppState, Problem};

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ValidateRequest {
    pub kind: IdKind,
    pub value: String,
}

/// Identifier kinds the platform checks.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum IdKind {
    /// Resident identity card number (GB 11643-1999, ISO 7064 MOD 11-2 check character).
    ResidentId,
    /// Motor-vehicle plate (GA 36-2018, ordinary and new-energy).
    Plate,
    /// Unified social credit code (GB 32100-2015).
    Uscc,
    /// Mainland mobile number.
    Mobile,
    /// UN number of dangerous goods.
    UnNumber,
}

/// Check an identifier: the normalized value and what it encodes, or 422 naming the problem
/// (`resident_id.checksum`, `plate.province`, ...) and the character position.
#[utoipa::path(post, path = "/api/v1/validate", tag = "validate", security(("bearer" = []), ("cookie" = [])),
    request_body = ValidateRequest,
    responses(
        (status = 200, description = "valid; normalized value and details", body = serde_json::Value),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn validate(
    State(s): State<AppState>,
    caller: Caller,
    Json(req): Json<ValidateRequest>,
) -> Result<axum::Json<jingwu_validate::Validated>, ApiError> {
    let kind = match req.kind {
        IdKind::ResidentId => jingwu_validate::IdKind::ResidentId,
        IdKind::Plate => jingwu_validate::IdKind::Plate,
        IdKind::Uscc => jingwu_validate::IdKind::Uscc,
        IdKind::Mobile => jingwu_validate::IdKind::Mobile,
        IdKind::UnNumber => jingwu_validate::IdKind::UnNumber,
    };
    Ok(axum::Json(s.app.foundation().validate_identifier(
        &caller.principal,
        kind,
        &req.value,
    )?))
}
