#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod duplicates;
mod eido;
mod incident;
mod plans;
mod policy;
mod response;
mod stats;
mod taxonomy;
mod unit;
