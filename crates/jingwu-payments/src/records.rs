//! The payment service's records as the store keeps them: channels and orders. Instants are
//! microseconds since the Unix epoch; money is [`Fen`].

use jingwu_core::{OrgId, UserId};
use serde::{Deserialize, Serialize};

use crate::money::Fen;
use crate::payment::OrderStatus;
use crate::refund::{RefundReason, RefundStatus};

jingwu_core::id_newtype! {
    /// Our order number, sent to the channel as `out_trade_no`.
    pub struct OrderId;
}

jingwu_core::id_newtype! {
    /// Our refund's id.
    pub struct RefundId;
}

/// A payment channel as configured: its application id and the keys each side signs with.
/// The sandbox channel, built into Jingwu, keeps both private keys; a real channel only the
/// merchant's (from configuration) and the channel's public key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Channel {
    pub code: String,
    pub app_id: String,
    pub merchant_public_pem: String,
    pub merchant_private_pem: Option<String>,
    pub channel_public_pem: String,
    pub channel_private_pem: Option<String>,
    /// Where requests to the channel (refunds) are posted; `None` for the built-in sandbox,
    /// which is called in process.
    pub gateway_url: Option<String>,
    pub created_at: i64,
}

/// What an order pays for, e.g. `traffic_violation`. The owning system settles it.
pub type SubjectKind = &'static str;

/// An order to pay `amount` (fine + surcharge as of `created_at`) for one subject.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Order {
    pub id: OrderId,
    pub org_id: OrgId,
    pub channel: String,
    pub subject_kind: String,
    pub subject_id: String,
    pub payer_id: UserId,
    pub fine: Fen,
    pub surcharge: Fen,
    pub amount: Fen,
    pub status: OrderStatus,
    pub created_at: i64,
    pub expires_at: i64,
    /// The channel's transaction id, once paid.
    pub trade_no: Option<String>,
    /// The channel's payment time (its `gmt_payment`), once paid.
    pub paid_at: Option<i64>,
    /// When we committed the settlement.
    pub settled_at: Option<i64>,
    /// Refunds requested or done on this order (a failed one stays counted until staff have
    /// settled it with the channel); never more than `amount`.
    pub refunded: Fen,
}

/// Money going back to the payer of an order, through the channel (see [`crate::refund`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Refund {
    pub id: RefundId,
    pub order_id: OrderId,
    /// Sent to the channel: the same number never refunds twice.
    pub out_request_no: String,
    pub amount: Fen,
    pub reason: RefundReason,
    pub status: RefundStatus,
    /// Calls of the channel made so far.
    pub attempts: u32,
    /// When the job calls the channel (again), while requested.
    pub next_attempt_at: i64,
    pub last_error: Option<String>,
    /// The channel's id of the refund, where it gives one.
    pub channel_refund_id: Option<String>,
    pub requested_at: i64,
    /// When it succeeded or was given up.
    pub done_at: Option<i64>,
}
