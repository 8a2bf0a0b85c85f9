//! The `jingwu` binary as an operator uses it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod audit_verify;
mod command_setup;
mod custody_verify;
mod errors;
mod graph_export;
mod hazmat;
mod newcomer;
mod operator;
mod serve;
mod support;
mod traffic;
