//! Jingwu's storage: one schema on two backends. SQLite is embedded (WAL, busy timeout) and
//! PostgreSQL is for production; both are reached through sqlx's `Any` driver with SQL that
//! runs unchanged on either (`$n` placeholders in ascending order, integer-microsecond
//! instants, text ids). Every write goes through a [`WriteTx`], which appends the audit entry
//! in the same transaction as the change.

mod connect;
mod error;
mod write;

pub mod audit;
pub mod blobs;
pub mod command;
pub mod layers;
pub mod media;
pub mod orgs;
pub mod sessions;
pub mod stats;
pub mod users;

pub use connect::{Backend, Store, StoreOptions};
pub use error::StoreError;
pub use sqlx::AnyConnection;
pub use write::WriteTx;

pub type Result<T, E = StoreError> = std::result::Result<T, E>;
