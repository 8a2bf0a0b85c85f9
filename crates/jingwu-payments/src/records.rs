//! The payment service's records as the store keeps them: channels and orders. Instants are
//! microseconds since the Unix epoch; money is [`Fen`].

use jingwu_core::{OrgId, UserId};
use serde::{Deserialize, Serialize};

use crate::money::Fen;
use crate::payment::OrderStatus;

jingwu_core::id_newtype! {
    /// Our order number, sent to the channel as `out_trade_no`.
    pub struct OrderId;
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
}
