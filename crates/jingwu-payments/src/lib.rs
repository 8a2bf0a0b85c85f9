//! Online payment of fines and fees as a pure functional core, shared by the systems that
//! collect money (traffic fines now, permit fees next): no I/O, no async, no database.
//!
//! * [`money`] — [`Fen`], integer minor units; yuan text in and out, never floats.
//! * [`channel`] — payment-channel signatures in Alipay's open-platform style: RSA2
//!   (SHA256withRSA, PKCS#1 v1.5) over the sorted parameter string; keys in PEM.
//! * [`payment`] — order status and expiry, parsing a channel's notification and checking it
//!   against the order (app id, amount, timeliness by the channel's payment time, idempotence
//!   on the channel's transaction id).
//! * [`refund`] — refunds through the channel (Alipay `alipay.trade.refund` style): states,
//!   reasons, retry backoff, the request and the verification of the channel's signed answer.
//! * [`reconcile`] — a channel's daily statement against our orders and refunds; every
//!   mismatch listed.
//! * [`records`] — channels and orders as the store keeps them.
//! * [`error_codes`] — the service's stable problem and field codes.
//!
//! The platform records payment status; it holds no funds (fines go to the fiscal account,
//! 罚缴分离). Asia/Shanghai dates and midnights are `jingwu_core::calendar`'s.

pub mod channel;
pub mod error_codes;
pub mod money;
pub mod payment;
pub mod reconcile;
pub mod records;
pub mod refund;

pub use channel::{KeyError, TradeStatus, sign_rsa2, verify_rsa2};
pub use jingwu_core::calendar::{local_date, local_midnight, next_local_midnight};
pub use money::Fen;
pub use payment::{
    Notification, NotifyCheck, NotifyRejection, OrderFacts, OrderStatus, beijing_time_text,
    check_notification, order_expiry, parse_beijing_time, parse_notification, yuan_text,
};
pub use reconcile::{
    BillError, BillLine, Mismatch, MismatchKind, OurPayment, OurRefund, RefundLine, Statement,
    parse_bill, parse_statement, reconcile, reconcile_refunds,
};
pub use refund::{RefundReason, RefundStatus, RefundVerdict, RetryPolicy};
