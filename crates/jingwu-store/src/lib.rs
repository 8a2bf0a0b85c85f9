//! Jingwu's storage: one schema on two backends. SQLite is embedded (WAL, busy timeout) and
//! PostgreSQL is for production; both are reached through sqlx's `Any` driver with SQL that
//! runs unchanged on either (`$n` placeholders in ascending order, integer-microsecond
//! instants, text ids). A module per system (`foundation`, `command`, `hazmat`, and the shared
//! `uploads` service); every business write takes the audited [`WriteTx`], reads take any
//! [`Conn`], and the few unaudited telemetry writes take a [`TelemetryTx`].

mod bind;
mod conn;
mod connect;
mod decode;
mod error;
mod scope;
mod write;

pub mod cases;
pub mod command;
pub mod foundation;
pub mod hazmat;
pub mod notifications;
pub mod payments;
pub mod permits;
pub mod traffic;
pub mod uploads;

pub use conn::{Conn, ReadConn, TelemetryTx};
pub use connect::{Backend, Store, StoreOptions};
pub use error::StoreError;
pub use write::WriteTx;

pub type Result<T, E = StoreError> = std::result::Result<T, E>;
