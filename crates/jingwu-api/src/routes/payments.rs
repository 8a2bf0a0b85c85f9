//! The shared payment service over HTTP: orders and their refunds, the staff's list of
//! refunds (by default those given up), the channels' asynchronous notifications and the
//! built-in sandbox channel (its payment page's gateway and its refund gateway).

use std::collections::BTreeMap;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use jingwu_app::{Checkout, NotifyOutcome, RefundListed};
use jingwu_payments::RefundStatus;
use jingwu_payments::records::{Order, OrderId, Refund};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::extract::{Caller, Ctx, Json, Query};
use crate::routes::dto::ts;
use crate::{ApiError, AppState, Problem};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_order))
        .routes(routes!(checkout))
        .routes(routes!(list_refunds))
        .routes(routes!(notify))
        .routes(routes!(sandbox_pay))
        .routes(routes!(sandbox_gateway))
}

/// A refund of an order, as its payer and staff see it.
#[derive(Debug, Serialize, ToSchema)]
pub struct PaymentRefundView {
    pub id: String,
    pub order_id: String,
    /// Our refund number at the channel (its idempotency key).
    pub out_request_no: String,
    pub amount_fen: i64,
    /// `rejected`, `withdrawn` (an application's fee), `not_settled` (a payment that came
    /// after its subject closed or was paid).
    pub reason: String,
    pub reason_zh: String,
    /// `requested` (the channel has not paid it back yet), `succeeded`, `failed_final` (given
    /// up: staff settle it with the channel).
    pub status: String,
    pub status_zh: String,
    pub requested_at: String,
    /// When it succeeded or was given up.
    pub done_at: Option<String>,
}

impl From<&Refund> for PaymentRefundView {
    fn from(r: &Refund) -> Self {
        PaymentRefundView {
            id: r.id.to_string(),
            order_id: r.order_id.to_string(),
            out_request_no: r.out_request_no.clone(),
            amount_fen: r.amount.0,
            reason: r.reason.as_str().into(),
            reason_zh: r.reason.label_zh().into(),
            status: r.status.as_str().into(),
            status_zh: r.status.label_zh().into(),
            requested_at: ts(r.requested_at),
            done_at: r.done_at.map(ts),
        }
    }
}

/// An order with its refunds.
#[derive(Debug, Serialize, ToSchema)]
pub struct PaymentOrderDetail {
    #[serde(flatten)]
    pub order: PaymentOrder,
    pub refunds: Vec<PaymentRefundView>,
}

/// A refund in the staff's list: the refund, its order, and how the channel answered.
#[derive(Debug, Serialize, ToSchema)]
pub struct StaffRefundView {
    #[serde(flatten)]
    pub refund: PaymentRefundView,
    /// What the order paid for, e.g. `permit_application`, and which one.
    pub subject_kind: String,
    pub subject_id: String,
    pub channel: String,
    /// The channel's transaction id of the payment.
    pub trade_no: Option<String>,
    pub order_amount_fen: i64,
    /// Calls of the channel made.
    pub attempts: u32,
    /// When the job calls the channel again (while requested).
    pub next_attempt_at: Option<String>,
    /// Why the last call failed.
    pub last_error: Option<String>,
    /// The channel's id of the refund, where it gives one.
    pub channel_refund_id: Option<String>,
}

impl From<RefundListed> for StaffRefundView {
    fn from(l: RefundListed) -> Self {
        let r = l.refund;
        StaffRefundView {
            refund: PaymentRefundView::from(&r),
            subject_kind: l.order.subject_kind,
            subject_id: l.order.subject_id,
            channel: l.order.channel,
            trade_no: l.order.trade_no,
            order_amount_fen: l.order.amount.0,
            attempts: r.attempts,
            next_attempt_at: (r.status == RefundStatus::Requested).then(|| ts(r.next_attempt_at)),
            last_error: r.last_error,
            channel_refund_id: r.channel_refund_id,
        }
    }
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
    /// Refunds requested or done on it.
    pub refunded_fen: i64,
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
            refunded_fen: o.refunded.0,
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

/// An order with its refunds (its payer, or staff of the jurisdiction it is paid to).
#[utoipa::path(get, path = "/api/v1/payments/orders/{id}", tag = "payments", security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "Order id (out_trade_no)")),
    responses((status = 200, body = PaymentOrderDetail),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn get_order(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<OrderId>,
) -> Result<axum::Json<PaymentOrderDetail>, ApiError> {
    let (order, refunds) = s
        .app
        .payments()
        .order_with_refunds(&caller.principal, &id)
        .await?;
    Ok(axum::Json(PaymentOrderDetail {
        order: order.into(),
        refunds: refunds.iter().map(PaymentRefundView::from).collect(),
    }))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct RefundsQuery {
    /// `requested`, `succeeded` or `failed_final` (the default: refunds given up, for staff to
    /// settle with the channel).
    pub status: Option<String>,
}

/// Refunds of orders paid to the caller's jurisdiction, newest first (at most 500): for
/// admins, and for the clerks of the system an order pays for (traffic clerks: fines and
/// traffic fees; permit clerks: permit fees).
#[utoipa::path(get, path = "/api/v1/payments/refunds", tag = "payments", security(("bearer" = []), ("cookie" = [])),
    params(RefundsQuery),
    responses((status = 200, body = Vec<StaffRefundView>),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`refund_status.invalid`", body = Problem, content_type = "application/problem+json")))]
pub async fn list_refunds(
    State(s): State<AppState>,
    caller: Caller,
    Query(q): Query<RefundsQuery>,
) -> Result<axum::Json<Vec<StaffRefundView>>, ApiError> {
    let status = q
        .status
        .as_deref()
        .map(|x| {
            RefundStatus::parse(x).map_err(|_| {
                ApiError::from(jingwu_app::AppError::invalid(
                    "status",
                    jingwu_payments::error_codes::field::REFUND_STATUS.code,
                    format!("no refund status {x:?}"),
                ))
            })
        })
        .transpose()?;
    let list = s.app.payments().refunds(&caller.principal, status).await?;
    Ok(axum::Json(
        list.into_iter().map(StaffRefundView::from).collect(),
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
    let params = form(&headers, &body, "a notification")?;
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

/// The parameters of a form-encoded body (`what` names it in the 415).
fn form(
    headers: &HeaderMap,
    body: &Bytes,
    what: &str,
) -> Result<BTreeMap<String, String>, ApiError> {
    let form = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if !form {
        return Err(jingwu_app::AppError::UnsupportedMediaType(format!(
            "{what} is application/x-www-form-urlencoded"
        ))
        .into());
    }
    Ok(form_urlencoded::parse(body).into_owned().collect())
}

/// The sandbox channel's gateway for merchant-signed requests (form-encoded, Alipay
/// `gateway.do` style): `alipay.trade.refund` only. Answered 200 with the channel's JSON —
/// `{"alipay_trade_refund_response": {...}, "sign": "..."}`, the member signed with the
/// sandbox's key — whatever the outcome: `code` `10000` refunded (`fund_change` `N` for a
/// repeat of the same `out_request_no`, which refunds once), `40002` a request not signed by
/// the merchant, `40004` a refusal (`ACQ.REFUND_AMT_NOT_EQUAL_TOTAL` beyond what was paid,
/// `ACQ.TRADE_NOT_EXIST`, `ACQ.DISCORDANT_REPEAT_REQUEST`). No sign-in: it plays the provider.
#[utoipa::path(post, path = "/api/v1/payments/sandbox/gateway", tag = "payments",
    request_body(content = String, content_type = "application/x-www-form-urlencoded"),
    responses((status = 200, description = "The channel's signed answer", body = String, content_type = "application/json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 415, body = Problem, content_type = "application/problem+json")))]
pub async fn sandbox_gateway(
    State(s): State<AppState>,
    Ctx(ctx): Ctx,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let params = form(&headers, &body, "a gateway request")?;
    let answer = s.app.payments().sandbox_gateway(&params, &ctx).await?;
    Ok((
        StatusCode::OK,
        [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
        answer,
    )
        .into_response())
}
