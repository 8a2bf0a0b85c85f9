//! The payment service's rules: RSA2 signatures against an independent implementation
//! (OpenSSL-made test data), notification checks, refunds, reconciliation.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod channel;
mod payment;
mod reconcile;
mod refund;

use jiff::civil::Date;

/// A date from its text, for readable tests.
#[track_caller]
pub fn d(text: &str) -> Date {
    text.parse().unwrap()
}
