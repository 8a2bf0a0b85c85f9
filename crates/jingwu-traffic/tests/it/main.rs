//! The traffic rules against worked examples, the legal texts' numbers, and property tests.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod cycle;
mod error_codes;
mod late_fee;
mod points;
mod policy;
mod properties;
mod quiz;
mod reduction;
mod services;
mod settlement;
mod violations;

use jiff::civil::Date;

/// A date from its text, for readable tests.
#[track_caller]
pub fn d(text: &str) -> Date {
    text.parse().unwrap()
}
