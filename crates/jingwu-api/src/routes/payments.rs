//! The shared payment service over HTTP: orders, the channels' asynchronous notifications and
//! the built-in sandbox channel's gateway.

use std::collections::BTreeMap;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use jingwu_app::{Checkout, NotifyOutcome};
use jingwu_payments::records::{Order, OrderId};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::extract::{Caller, Ctx, Json};
use crate::routes::dto::ts;
use crate::{ApiError, AppState, Problem};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_order))
        .routes(routes!(checkout))
        .routes(routes!(notify))
        .routes(routes!(sandbox_pay))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PaymentOrder {
    /// Our order number (`out_trade_no`).
    pub id: String,
    pub channel: String,
    /// What it pays for, e.g. `traffic_violation`, and which one.
    pub subject_kind: String,
    pub subject_id: String,
    pub fine_fen: i64,
    pub surcharge_fen: i64,
    pub amount_fen: i64,
    /// `pending`, `paid`, `expired`, `closed`.
    pub status: String,
    pub created_at: String,
    pub expires_at: String,
    /// The channel's transaction id, once paid.
    pub trade_no: Option<String>,
    pub paid_at: Option<String>,
}

impl From<Order> for PaymentOrder {
    fn from(o: Order) -> Self {
        PaymentOrder {
            id: o.id.into_string(),
            channel: o.channel,
            subject_kind: o.subject_kind,
            subject_id: o.subject_id,
            fine_fen: o.fine.0,
            surcharge_fen: o.surcharge.0,
            amount_fen: o.amount.0,
            status: o.status.as_str().into(),
            created_at: ts(o.created_at),
            expires_at: ts(o.expires_at),
            trade_no: o.trade_no,
            paid_at: o.paid_at.map(ts),
        }
    }
}

pub(crate) fn checkout_view(c: Checkout) -> crate::routes::traffic::CheckoutView {
    crate::routes::traffic::CheckoutView {
        pay_url: format!("/pay/{}/?order={}", c.order.channel, c.order.id),
        order: c.order.into(),
        request: c.request,
    }
}

/// An order (its payer, or staff of the jurisdiction it is paid to).
#[utoipa::path(get, path = "/api/v1/payments/orders/{id}", tag = "payments", security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "Order id (out_trade_no)")),
    responses((status = 200, body = PaymentOrder),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn get_order(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<OrderId>,
) -> Result<axum::Json<PaymentOrder>, ApiError> {
    Ok(axum::Json(
        s.app.payments().order(&caller.principal, &id).await?.into(),
    ))
}

/// The merchant-signed request of an order, for its payer's browser to take to the channel.
#[utoipa::path(get, path = "/api/v1/payments/orders/{id}/checkout", tag = "payments", security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "Order id (out_trade_no)")),
    responses((status = 200, body = crate::routes::traffic::CheckoutView),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn checkout(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<OrderId>,
) -> Result<axum::Json<crate::routes::traffic::CheckoutView>, ApiError> {
    let c = s
        .app
        .payments()
        .checkout(&caller.principal, &id, "罚没款缴纳")
        .await?;
    Ok(axum::Json(checkout_view(c)))
}

/// A channel's asynchronous notification (form-encoded, signed by the channel). Answered with
/// the literal `success` once the payment is committed — or was before (a repeat changes
/// nothing). A forged, tampered or wrong-amount notification is refused (422
/// `payment_notification_rejected`, the reason named) and changes nothing.
#[utoipa::path(post, path = "/api/v1/payments/notify/{channel}", tag = "payments",
    params(("channel" = String, Path, description = "Channel code, e.g. `sandbox`")),
    request_body(content = String, content_type = "application/x-www-form-urlencoded"),
    responses((status = 200, description = "`success`", body = String, content_type = "text/plain"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 415, body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`payment_notification_rejected`", body = Problem, content_type = "application/problem+json")))]
pub async fn notify(
    State(s): State<AppState>,
    Ctx(ctx): Ctx,
    Path(channel): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let form = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if !form {
        return Err(jingwu_app::AppError::UnsupportedMediaType(
            "a notification is application/x-www-form-urlencoded".into(),
        )
        .into());
    }
    let params: BTreeMap<String, String> = form_urlencoded::parse(&body).into_owned().collect();
    match s.app.payments().notify(&channel, &params, &ctx).await? {
        NotifyOutcome::Settled(_) | NotifyOutcome::AlreadySettled(_) => Ok((
            StatusCode::OK,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            jingwu_payments::channel::ACK,
        )
            .into_response()),
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SandboxPayRequest {
    /// The merchant-signed request, as `checkout` gave it.
    pub request: BTreeMap<String, String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SandboxReceiptView {
    /// The sandbox's transaction id.
    pub trade_no: String,
    pub order: PaymentOrder,
    /// Whether this payment settled the order (false: it was settled before).
    pub settled: bool,
}

/// The sandbox channel's gateway: the payer confirms a merchant-signed request; the sandbox
/// verifies it and sends its signed notification back. No sign-in: it plays the provider.
#[utoipa::path(post, path = "/api/v1/payments/sandbox/pay", tag = "payments",
    request_body = SandboxPayRequest,
    responses((status = 200, body = SandboxReceiptView),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`payment_channel_refused`, `payment_notification_rejected`", body = Problem, content_type = "application/problem+json")))]
pub async fn sandbox_pay(
    State(s): State<AppState>,
    Ctx(ctx): Ctx,
    Json(r): Json<SandboxPayRequest>,
) -> Result<axum::Json<SandboxReceiptView>, ApiError> {
    let receipt = s.app.payments().sandbox_pay(&r.request, &ctx).await?;
    let (order, settled) = match receipt.notified {
        NotifyOutcome::Settled(o) => (o, true),
        NotifyOutcome::AlreadySettled(o) => (o, false),
    };
    Ok(axum::Json(SandboxReceiptView {
        trade_no: receipt.trade_no,
        order: order.into(),
        settled,
    }))
}
