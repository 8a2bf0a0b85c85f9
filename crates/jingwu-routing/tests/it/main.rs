#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod live_coverage;
mod modes;
mod oracle;
mod queries;
mod synthetic;
mod tiles;
