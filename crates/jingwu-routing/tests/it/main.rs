#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod modes;
mod oracle;
mod queries;
mod synthetic;
