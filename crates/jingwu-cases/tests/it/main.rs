//! The law-enforcement rules, checked without a database: legal clocks at their boundaries,
//! the handling area's custody record, the custody state machine and its hash chain,
//! retention, inventories.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod area;
mod case;
mod clock;
// Evidence (H3).
mod chain;
mod evidence;
mod inventory;
mod retention;
