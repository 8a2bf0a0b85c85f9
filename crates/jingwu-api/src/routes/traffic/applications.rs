//! Vehicle and driver services over HTTP: plate candidates, applications, progress, review,
//! fee payment.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use jingwu_app::{ApplicationView, NewApplication, ReviewAction};
use jingwu_traffic::records::ApplicationId;
use jingwu_traffic::services::{ApplicationStatus, ServiceKind};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::ts;
use super::violations::{CheckoutView, PayRequest};
use crate::extract::{Caller, Ctx, Json, Query};
use crate::{ApiError, AppState, Problem};

#[derive(Debug, Serialize, ToSchema)]
pub struct ApplicationStepView {
    /// The status it moved to.
    pub status: String,
    pub status_zh: String,
    pub note: String,
    pub at: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TrafficApplication {
    pub id: String,
    /// The service (`GET /api/v1/traffic/codes`, `services`).
    pub service: String,
    pub service_zh: String,
    pub plate: Option<String>,
    pub details: serde_json::Value,
    pub materials: Vec<String>,
    pub address: Option<String>,
    pub fee_fen: i64,
    pub paid: bool,
    /// `submitted`, `returned`, `accepted`, `approved`, `rejected`, `mailed`, `withdrawn`.
    pub status: String,
    pub status_zh: String,
    pub tracking_no: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    /// Every step so far, oldest first (empty in lists).
    pub steps: Vec<ApplicationStepView>,
}

fn view(
    a: jingwu_traffic::records::Application,
    steps: Vec<jingwu_traffic::records::ApplicationStep>,
) -> TrafficApplication {
    TrafficApplication {
        id: a.id.into_string(),
        service: a.service.as_str().into(),
        service_zh: a.service.label_zh().into(),
        plate: a.plate,
        details: serde_json::from_str(&a.details).unwrap_or_default(),
        materials: a.materials,
        address: a.address,
        fee_fen: a.fee.0,
        paid: a.paid_at.is_some(),
        status: a.status.as_str().into(),
        status_zh: a.status.label_zh().into(),
        tracking_no: a.tracking_no,
        created_at: ts(a.created_at),
        updated_at: ts(a.updated_at),
        steps: steps
            .into_iter()
            .map(|s| ApplicationStepView {
                status: s.status.as_str().into(),
                status_zh: s.status.label_zh().into(),
                note: s.note,
                at: ts(s.at),
            })
            .collect(),
    }
}

impl From<ApplicationView> for TrafficApplication {
    fn from(v: ApplicationView) -> Self {
        view(v.application, v.steps)
    }
}

/// Plates the caller may choose from for pre-selection today (neither registered nor held).
#[utoipa::path(get, path = "/api/v1/traffic/plates/candidates", tag = "traffic", security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, body = Vec<String>),
        (status = 403, body = Problem, content_type = "application/problem+json")))]
pub async fn plate_candidates(
    State(s): State<AppState>,
    caller: Caller,
) -> Result<axum::Json<Vec<String>>, ApiError> {
    Ok(axum::Json(
        s.app.traffic().plate_candidates(&caller.principal).await?,
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewApplicationRequest {
    #[schema(value_type = String)]
    pub service: ServiceKind,
    /// The vehicle's plate (vehicle services) or the plate chosen (pre-selection).
    pub plate: Option<String>,
    /// What the form asks, as an object (form-free: it fills the printed forms).
    #[serde(default = "empty")]
    pub details: serde_json::Value,
    /// Codes of the materials provided (`GET /api/v1/traffic/codes`, `services`).
    pub materials: Vec<String>,
    /// Postal address for mailed results.
    pub address: Option<String>,
}

fn empty() -> serde_json::Value {
    serde_json::json!({})
}

/// Apply for a vehicle or driver service (a citizen).
#[utoipa::path(post, path = "/api/v1/traffic/applications", tag = "traffic", security(("bearer" = []), ("cookie" = [])),
    request_body = NewApplicationRequest,
    responses((status = 201, body = TrafficApplication),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`plate_reserved`", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn apply(
    State(s): State<AppState>,
    Ctx(ctx): Ctx,
    caller: Caller,
    Json(r): Json<NewApplicationRequest>,
) -> Result<(StatusCode, axum::Json<TrafficApplication>), ApiError> {
    let n = NewApplication {
        service: r.service,
        plate: r.plate,
        details: r.details,
        materials: r.materials,
        address: r.address,
    };
    let v = s.app.traffic().apply(&caller.principal, &n, &ctx).await?;
    Ok((StatusCode::CREATED, axum::Json(v.into())))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ApplicationQuery {
    /// Clerks: only this status.
    #[param(value_type = Option<String>)]
    pub status: Option<ApplicationStatus>,
}

/// A citizen's applications; for traffic clerks, the office's queue (oldest first).
#[utoipa::path(get, path = "/api/v1/traffic/applications", tag = "traffic", security(("bearer" = []), ("cookie" = [])),
    params(ApplicationQuery),
    responses((status = 200, body = Vec<TrafficApplication>),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json")))]
pub async fn applications(
    State(s): State<AppState>,
    caller: Caller,
    Query(q): Query<ApplicationQuery>,
) -> Result<axum::Json<Vec<TrafficApplication>>, ApiError> {
    let list = s
        .app
        .traffic()
        .applications(&caller.principal, q.status)
        .await?;
    Ok(axum::Json(
        list.into_iter().map(|a| view(a, Vec::new())).collect(),
    ))
}

/// One application with its progress.
#[utoipa::path(get, path = "/api/v1/traffic/applications/{id}", tag = "traffic", security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "Application id")),
    responses((status = 200, body = TrafficApplication),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn application(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<ApplicationId>,
) -> Result<axum::Json<TrafficApplication>, ApiError> {
    Ok(axum::Json(
        s.app
            .traffic()
            .application(&caller.principal, &id)
            .await?
            .into(),
    ))
}

#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReviewKind {
    Accept,
    Return,
    Approve,
    Reject,
    Mail,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReviewRequest {
    pub action: ReviewKind,
    /// Why (required to return or reject).
    #[serde(default)]
    pub note: String,
    /// The courier's tracking number (to mail).
    pub tracking_no: Option<String>,
}

/// A clerk's decision: accept, return for correction, approve (once the fee is paid:
/// `fee_unpaid`), reject, mail.
#[utoipa::path(post, path = "/api/v1/traffic/applications/{id}/review", tag = "traffic", security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "Application id")),
    request_body = ReviewRequest,
    responses((status = 200, body = TrafficApplication),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`application_state`, `fee_unpaid`", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn review(
    State(s): State<AppState>,
    Ctx(ctx): Ctx,
    caller: Caller,
    Path(id): Path<ApplicationId>,
    Json(r): Json<ReviewRequest>,
) -> Result<axum::Json<TrafficApplication>, ApiError> {
    let action = match r.action {
        ReviewKind::Accept => ReviewAction::Accept,
        ReviewKind::Return => ReviewAction::Return,
        ReviewKind::Approve => ReviewAction::Approve,
        ReviewKind::Reject => ReviewAction::Reject,
        ReviewKind::Mail => ReviewAction::Mail,
    };
    let v = s
        .app
        .traffic()
        .review(
            &caller.principal,
            &id,
            action,
            &r.note,
            r.tracking_no.as_deref(),
            &ctx,
        )
        .await?;
    Ok(axum::Json(v.into()))
}

/// The applicant withdraws an application not yet accepted.
#[utoipa::path(post, path = "/api/v1/traffic/applications/{id}/withdraw", tag = "traffic", security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "Application id")),
    responses((status = 200, body = TrafficApplication),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`application_state`", body = Problem, content_type = "application/problem+json")))]
pub async fn withdraw(
    State(s): State<AppState>,
    Ctx(ctx): Ctx,
    caller: Caller,
    Path(id): Path<ApplicationId>,
) -> Result<axum::Json<TrafficApplication>, ApiError> {
    let v = s
        .app
        .traffic()
        .applicant_move(&caller.principal, &id, ApplicationStatus::Withdrawn, &ctx)
        .await?;
    Ok(axum::Json(v.into()))
}

/// The applicant resubmits an application returned for correction.
#[utoipa::path(post, path = "/api/v1/traffic/applications/{id}/resubmit", tag = "traffic", security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "Application id")),
    responses((status = 200, body = TrafficApplication),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`application_state`", body = Problem, content_type = "application/problem+json")))]
pub async fn resubmit(
    State(s): State<AppState>,
    Ctx(ctx): Ctx,
    caller: Caller,
    Path(id): Path<ApplicationId>,
) -> Result<axum::Json<TrafficApplication>, ApiError> {
    let v = s
        .app
        .traffic()
        .applicant_move(&caller.principal, &id, ApplicationStatus::Submitted, &ctx)
        .await?;
    Ok(axum::Json(v.into()))
}

/// Pay an application's fee (opens an order).
#[utoipa::path(post, path = "/api/v1/traffic/applications/{id}/payments", tag = "traffic", security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "Application id")),
    request_body = PayRequest,
    responses((status = 201, body = CheckoutView),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`already_paid`, `application_state`, `payment_channel_unknown`", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn pay(
    State(s): State<AppState>,
    Ctx(ctx): Ctx,
    caller: Caller,
    Path(id): Path<ApplicationId>,
    Json(r): Json<PayRequest>,
) -> Result<(StatusCode, axum::Json<CheckoutView>), ApiError> {
    let c = s
        .app
        .traffic()
        .pay_application(&caller.principal, &id, &r.channel, &ctx)
        .await?;
    Ok((
        StatusCode::CREATED,
        axum::Json(crate::routes::payments::checkout_view(c)),
    ))
}
