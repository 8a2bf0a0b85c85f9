//! Paying a fine online: order expiry, and the checks on the channel's asynchronous
//! notification, which is authoritative (the browser redirect is not).
//!
//! An order is for the fine plus the surcharge computed when it was created, and it expires
//! no later than the next local midnight — when the surcharge changes — so an old order can
//! never settle the wrong amount. A notification settles an order when its signature verifies
//! (checked by the caller with [`crate::channel::verify_rsa2`]; a failure is
//! [`NotifyRejection::BadSignature`]), it names our app, a known order, exactly the order's
//! amount and a paid trade, and the channel's **payment time** (not the arrival time) is within
//! the order's validity. It is idempotent on the channel's trade number: a repeat is
//! [`NotifyCheck::AlreadySettled`] and is acknowledged with the same answer.

use std::collections::BTreeMap;

use jiff::civil::DateTime;
use serde::{Deserialize, Serialize};

use crate::channel::TradeStatus;
use crate::money::Fen;
use jingwu_core::calendar::{SHANGHAI, next_local_midnight};

jingwu_core::text_enum! {
    /// The state of a payment order.
    pub enum OrderStatus: "payment order status" {
        Pending = "pending" ("待支付", "Pending"),
        Paid = "paid" ("已支付", "Paid"),
        Expired = "expired" ("已过期", "Expired"),
        Closed = "closed" ("已关闭", "Closed"),
    }
}

/// When an order created at `created_micros` expires: after `ttl_micros`, but never later than
/// the next Asia/Shanghai midnight — an order never outlives the day its surcharge was computed
/// for. The order is payable while `payment time ≤ expiry`.
pub fn order_expiry(created_micros: i64, ttl_micros: i64) -> i64 {
    created_micros
        .saturating_add(ttl_micros.max(0))
        .min(next_local_midnight(created_micros))
}

/// What to do with a notification.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum NotifyCheck {
    /// Mark the order paid with the notification's trade number, then acknowledge.
    Settle,
    /// Already paid by this very trade: change nothing, acknowledge again.
    AlreadySettled,
    /// Do not settle; record the reason (the caller decides whether to acknowledge).
    Reject(NotifyRejection),
}

jingwu_core::text_enum! {
    /// Why a notification does not settle an order.
    pub enum NotifyRejection: "notification rejection" {
        BadSignature = "bad_signature" ("签名验证失败", "Bad signature"),
        /// Another app id, or none.
        WrongApp = "wrong_app" ("应用标识不符", "Wrong app id"),
        /// No such order, or no order number.
        UnknownOrder = "unknown_order" ("订单不存在", "Unknown order"),
        /// Not exactly the order's amount, or not a valid amount.
        WrongAmount = "wrong_amount" ("金额不符", "Wrong amount"),
        /// The trade is not paid (or its status is unknown).
        NotPaid = "not_paid" ("交易未支付", "Not paid"),
        /// Paid after the order expired, on a closed order, or without a valid payment time.
        Expired = "expired" ("订单已过期", "Order expired"),
        /// The order was paid by another trade (or the trade number is missing).
        OtherTrade = "other_trade" ("订单已由其他交易支付", "Paid by another trade"),
    }
}

/// What our side knows of the order a notification names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderFacts {
    pub status: OrderStatus,
    pub amount: Fen,
    pub expires_at: i64,
    /// The channel's trade number once paid.
    pub trade_no: Option<String>,
}

/// A notification's fields, parsed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notification {
    pub app_id: String,
    /// Our order number.
    pub out_trade_no: String,
    /// The channel's trade number.
    pub trade_no: String,
    pub total_amount: Fen,
    pub trade_status: TradeStatus,
    /// Payment time, microseconds (from `gmt_payment`, Beijing time).
    pub gmt_payment: Option<i64>,
}

fn required<'a>(
    params: &'a BTreeMap<String, String>,
    key: &str,
    missing: NotifyRejection,
) -> Result<&'a str, NotifyRejection> {
    params
        .get(key)
        .map(|v| v.trim())
        .filter(|v| !v.is_empty())
        .ok_or(missing)
}

/// Reads `"YYYY-MM-DD HH:MM:SS"` in Beijing time (+08:00) as microseconds.
pub fn parse_beijing_time(text: &str) -> Option<i64> {
    let dt = DateTime::strptime("%Y-%m-%d %H:%M:%S", text.trim()).ok()?;
    SHANGHAI.to_timestamp(dt).ok().map(|t| t.as_microsecond())
}

/// Reads a notification's parameters (after the signature was verified). Each missing or
/// malformed field is reported as the rejection it would lead to: `app_id` → `WrongApp`,
/// `out_trade_no` → `UnknownOrder`, `trade_no` → `OtherTrade`, `total_amount` (yuan with at
/// most two decimals, not negative) → `WrongAmount`, `trade_status` → `NotPaid`, a
/// `gmt_payment` present but not `YYYY-MM-DD HH:MM:SS` → `Expired`.
pub fn parse_notification(
    params: &BTreeMap<String, String>,
) -> Result<Notification, NotifyRejection> {
    let app_id = required(params, "app_id", NotifyRejection::WrongApp)?;
    let out_trade_no = required(params, "out_trade_no", NotifyRejection::UnknownOrder)?;
    let trade_no = required(params, "trade_no", NotifyRejection::OtherTrade)?;
    let amount = required(params, "total_amount", NotifyRejection::WrongAmount)?;
    let total_amount = Fen::parse_yuan(amount).map_err(|_| NotifyRejection::WrongAmount)?;
    let status = required(params, "trade_status", NotifyRejection::NotPaid)?;
    let trade_status = TradeStatus::from_code(status).ok_or(NotifyRejection::NotPaid)?;
    let gmt_payment = match params.get("gmt_payment").map(|v| v.trim()) {
        None | Some("") => None,
        Some(text) => Some(parse_beijing_time(text).ok_or(NotifyRejection::Expired)?),
    };
    Ok(Notification {
        app_id: app_id.to_owned(),
        out_trade_no: out_trade_no.to_owned(),
        trade_no: trade_no.to_owned(),
        total_amount,
        trade_status,
        gmt_payment,
    })
}

/// What to do with notification `n` for our app `app_id`, given the order it names (`None`
/// when there is no such order). In order: the app, the order, the amount (exactly equal),
/// the trade status, then a paid order is `AlreadySettled` by the same trade and rejected as
/// `OtherTrade` by another; a pending, expired or closed order settles when paid no later than
/// its expiry (by the channel's payment time — a notification arriving late for a timely
/// payment still settles, an order swept to expired included). A closed order settles too: the
/// channel took the money (it does not know we closed the order when its subject was withdrawn
/// or paid by another order), so it is recorded and, when its subject takes nothing, refunded.
/// A late payment or a missing payment time is `Expired`.
pub fn check_notification(
    app_id: &str,
    order: Option<&OrderFacts>,
    n: &Notification,
) -> NotifyCheck {
    use NotifyRejection as R;
    let reject = NotifyCheck::Reject;
    if n.app_id != app_id {
        return reject(R::WrongApp);
    }
    let Some(order) = order else {
        return reject(R::UnknownOrder);
    };
    if n.total_amount != order.amount {
        return reject(R::WrongAmount);
    }
    if !n.trade_status.is_paid() {
        return reject(R::NotPaid);
    }
    match order.status {
        OrderStatus::Paid => {
            if order.trade_no.as_deref() == Some(n.trade_no.as_str()) {
                NotifyCheck::AlreadySettled
            } else {
                reject(R::OtherTrade)
            }
        }
        OrderStatus::Pending | OrderStatus::Expired | OrderStatus::Closed => match n.gmt_payment {
            Some(paid_at) if paid_at <= order.expires_at => NotifyCheck::Settle,
            _ => reject(R::Expired),
        },
    }
}

/// Yuan text with two decimals, as channels expect it: `"200.00"`.
pub fn yuan_text(f: Fen) -> String {
    f.yuan_text()
}

/// An instant as channels write it: `YYYY-MM-DD HH:MM:SS` in Beijing time (the inverse of
/// [`parse_beijing_time`]).
#[must_use]
pub fn beijing_time_text(micros: i64) -> String {
    let t = jiff::Timestamp::from_microsecond(micros).unwrap_or(jiff::Timestamp::UNIX_EPOCH);
    jingwu_core::calendar::SHANGHAI
        .to_datetime(t)
        .strftime("%Y-%m-%d %H:%M:%S")
        .to_string()
}
