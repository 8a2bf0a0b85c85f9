#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod names;
mod real;
mod roundtrip;
