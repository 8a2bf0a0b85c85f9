//! Store tests that need no application: schema parity between the two backends.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod parity;
