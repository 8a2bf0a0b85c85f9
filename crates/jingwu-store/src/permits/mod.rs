//! Storage of the approval window, one module per table group. Rows decode into
//! `jingwu-permits`' records; the text codes stored are its enums'. Capacity and every state
//! change are conditional updates, so the rules hold on both backends whatever the isolation.

pub mod applications;
pub mod appointments;
pub mod catalogue;
pub mod offices;
pub mod queue;
pub mod reminders;
pub mod slots;
pub mod stats;

pub use applications::*;
pub use appointments::*;
pub use catalogue::*;
pub use offices::*;
pub use queue::*;
pub use reminders::*;
pub use slots::*;
pub use stats::*;

use crate::{Result, StoreError};

/// A JSON column decoded into its record type; malformed JSON is a decoding error naming it.
fn json<T: serde::de::DeserializeOwned>(what: &'static str, s: &str) -> Result<T> {
    serde_json::from_str(s).map_err(|_| StoreError::UnknownCode {
        what,
        value: s.chars().take(80).collect(),
    })
}

/// A JSON column's text.
fn to_json<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "null".into())
}

fn flag(b: bool) -> i32 {
    i32::from(b)
}
