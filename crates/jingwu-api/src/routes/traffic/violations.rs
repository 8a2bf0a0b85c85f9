//! Violations over HTTP: record, list, read, accept online, revoke, pay.

use std::collections::BTreeMap;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use jingwu_app::{NewViolation, ViolationView};
use jingwu_traffic::records::ViolationId;
use jingwu_traffic::violations::ViolationStatus;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::ts;
use crate::extract::{Caller, Ctx, Json, Query};
use crate::routes::payments::PaymentOrder;
use crate::{ApiError, AppState, Problem};

#[derive(Debug, Serialize, ToSchema)]
pub struct TrafficViolation {
    pub id: String,
    pub plate: String,
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    pub points: u8,
    pub fine_fen: i64,
    pub place: String,
    pub lat: f64,
    pub lon: f64,
    pub occurred_at: String,
    /// `camera` or `officer`.
    pub source: String,
    /// `pending`, `decided`, `paid`, `revoked`.
    pub status: String,
    pub decision_no: Option<String>,
    pub served_on: Option<String>,
    /// Last day to pay without a late fee.
    pub deadline_on: Option<String>,
    pub paid_on: Option<String>,
    /// Decided and unpaid: what paying today costs.
    pub due_today: Option<AmountDue>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AmountDue {
    pub days_late: i64,
    pub surcharge_fen: i64,
    pub amount_due_fen: i64,
}

impl From<ViolationView> for TrafficViolation {
    fn from(w: ViolationView) -> Self {
        let v = w.violation;
        TrafficViolation {
            id: v.id.into_string(),
            plate: v.plate,
            code: v.code,
            name_zh: w.name_zh.into(),
            name_en: w.name_en.into(),
            points: v.points,
            fine_fen: v.fine.0,
            place: v.place,
            lat: v.lat,
            lon: v.lon,
            occurred_at: ts(v.occurred_at),
            source: v.source.as_str().into(),
            status: v.status.as_str().into(),
            decision_no: v.decision_no,
            served_on: v.served_on.map(|d| d.to_string()),
            deadline_on: v.deadline_on.map(|d| d.to_string()),
            paid_on: v.paid_on.map(|d| d.to_string()),
            due_today: w.due_today.map(|f| AmountDue {
                days_late: f.days_late,
                surcharge_fen: f.surcharge_fen.0,
                amount_due_fen: f.amount_due_fen.0,
            }),
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ViolationQuery {
    /// Only this status: `pending`, `decided`, `paid`, `revoked`.
    #[param(value_type = Option<String>)]
    pub status: Option<ViolationStatus>,
    /// At most this many (1–500, default 100; staff lists).
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

/// Violations: staff see those recorded in their jurisdiction; a citizen their own.
#[utoipa::path(get, path = "/api/v1/traffic/violations", tag = "traffic", security(("bearer" = []), ("cookie" = [])),
    params(ViolationQuery),
    responses((status = 200, body = Vec<TrafficViolation>),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json")))]
pub async fn list(
    State(s): State<AppState>,
    caller: Caller,
    Query(q): Query<ViolationQuery>,
) -> Result<axum::Json<Vec<TrafficViolation>>, ApiError> {
    let list = s
        .app
        .traffic()
        .violations(
            &caller.principal,
            q.status,
            q.limit.unwrap_or(100),
            q.offset.unwrap_or(0),
        )
        .await?;
    Ok(axum::Json(list.into_iter().map(Into::into).collect()))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewViolationRequest {
    pub plate: String,
    /// Code in the violation table (`GET /api/v1/traffic/codes`).
    pub code: String,
    pub place: String,
    pub lat: f64,
    pub lon: f64,
    /// RFC 3339 time of the violation.
    pub occurred_at: String,
    /// `camera` or `officer`.
    pub source: String,
}

/// Record a violation (an officer on the street, or a clerk entering a camera record).
#[utoipa::path(post, path = "/api/v1/traffic/violations", tag = "traffic", security(("bearer" = []), ("cookie" = [])),
    request_body = NewViolationRequest,
    responses((status = 201, body = TrafficViolation),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn record(
    State(s): State<AppState>,
    Ctx(ctx): Ctx,
    caller: Caller,
    Json(r): Json<NewViolationRequest>,
) -> Result<(StatusCode, axum::Json<TrafficViolation>), ApiError> {
    let at = super::time("occurred_at", &r.occurred_at)?;
    let n = NewViolation {
        plate: r.plate,
        code: r.code,
        place: r.place,
        lat: r.lat,
        lon: r.lon,
        occurred_at_us: at,
        source: r.source,
    };
    let v = s
        .app
        .traffic()
        .record_violation(&caller.principal, &n, &ctx)
        .await?;
    Ok((StatusCode::CREATED, axum::Json(v.into())))
}

/// One violation (its owner, or staff of the jurisdiction that recorded it).
#[utoipa::path(get, path = "/api/v1/traffic/violations/{id}", tag = "traffic", security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "Violation id")),
    responses((status = 200, body = TrafficViolation),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn get(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<ViolationId>,
) -> Result<axum::Json<TrafficViolation>, ApiError> {
    Ok(axum::Json(
        s.app
            .traffic()
            .violation(&caller.principal, &id)
            .await?
            .into(),
    ))
}

/// Accept a violation online: the penalty decision is served today and the points are scored
/// on the caller's licence.
#[utoipa::path(post, path = "/api/v1/traffic/violations/{id}/accept", tag = "traffic", security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "Violation id")),
    responses((status = 200, body = TrafficViolation),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`violation_not_pending`, `licence_blocked`", body = Problem, content_type = "application/problem+json")))]
pub async fn accept(
    State(s): State<AppState>,
    Ctx(ctx): Ctx,
    caller: Caller,
    Path(id): Path<ViolationId>,
) -> Result<axum::Json<TrafficViolation>, ApiError> {
    Ok(axum::Json(
        s.app
            .traffic()
            .accept_violation(&caller.principal, &id, &ctx)
            .await?
            .into(),
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RevokeRequest {
    /// Why (a misread plate, a decision changed on review).
    pub reason: String,
}

/// Revoke a record or an unpaid decision: its points and fine go with it.
#[utoipa::path(post, path = "/api/v1/traffic/violations/{id}/revoke", tag = "traffic", security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "Violation id")),
    request_body = RevokeRequest,
    responses((status = 200, body = TrafficViolation),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`violation_not_decided`", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn revoke(
    State(s): State<AppState>,
    Ctx(ctx): Ctx,
    caller: Caller,
    Path(id): Path<ViolationId>,
    Json(r): Json<RevokeRequest>,
) -> Result<axum::Json<TrafficViolation>, ApiError> {
    Ok(axum::Json(
        s.app
            .traffic()
            .revoke_violation(&caller.principal, &id, &r.reason, &ctx)
            .await?
            .into(),
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PayRequest {
    /// The payment channel (`sandbox` is built in).
    pub channel: String,
}

/// An order with the signed request the payer's browser takes to the channel.
#[derive(Debug, Serialize, ToSchema)]
pub struct CheckoutView {
    pub order: PaymentOrder,
    /// The channel's page for this order.
    pub pay_url: String,
    /// The merchant-signed request parameters (RSA2).
    pub request: BTreeMap<String, String>,
}

/// Pay a decided violation's fine and today's late fee: opens an order (closing earlier
/// pending ones) that expires before the late fee changes.
#[utoipa::path(post, path = "/api/v1/traffic/violations/{id}/payments", tag = "traffic", security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "Violation id")),
    request_body = PayRequest,
    responses((status = 201, body = CheckoutView),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`already_paid`, `violation_not_decided`, `channel_unknown`", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn pay(
    State(s): State<AppState>,
    Ctx(ctx): Ctx,
    caller: Caller,
    Path(id): Path<ViolationId>,
    Json(r): Json<PayRequest>,
) -> Result<(StatusCode, axum::Json<CheckoutView>), ApiError> {
    let c = s
        .app
        .traffic()
        .pay_violation(&caller.principal, &id, &r.channel, &ctx)
        .await?;
    Ok((
        StatusCode::CREATED,
        axum::Json(crate::routes::payments::checkout_view(c)),
    ))
}
