//! The three kinds of connection the store hands out, and what each may do:
//!
//! - [`ReadConn`]: a pooled connection for reads. Store write functions do not accept it, so a
//!   write outside a transaction does not compile.
//! - [`WriteTx`]: the audited writing transaction (see `write.rs`); every write function of
//!   the business tables takes it.
//! - [`TelemetryTx`]: a plain transaction for the few writes that are deliberately not audited
//!   one by one (AVL fixes, upload progress, retention pruning); only the functions for those
//!   tables take it.
//!
//! All three can read: read functions take `&mut impl Conn`.

use sqlx::pool::PoolConnection;
use sqlx::{Any, AnyConnection};

use crate::{Result, Store};

pub(crate) mod sealed {
    /// The raw connection. The trait lives in a private module so no other crate can call it:
    /// outside the store a connection is only ever passed to the store's own functions.
    pub trait Raw {
        fn raw(&mut self) -> &mut sqlx::AnyConnection;
    }
}

/// Anything the store's read functions accept.
pub trait Conn: sealed::Raw + Send {}

/// A pooled connection for reads.
pub struct ReadConn(PoolConnection<Any>);

impl sealed::Raw for ReadConn {
    fn raw(&mut self) -> &mut AnyConnection {
        &mut self.0
    }
}
impl Conn for ReadConn {}

/// A transaction for unaudited telemetry writes (see the module documentation).
pub struct TelemetryTx(crate::write::Gated);

impl sealed::Raw for TelemetryTx {
    fn raw(&mut self) -> &mut AnyConnection {
        &mut self.0
    }
}
impl Conn for TelemetryTx {}

impl TelemetryTx {
    pub async fn commit(self) -> Result<()> {
        self.0.commit().await
    }
}

impl Store {
    /// A pooled connection for reads outside a write transaction.
    pub async fn read(&self) -> Result<ReadConn> {
        Ok(ReadConn(self.pool().acquire().await?))
    }

    /// A transaction for the documented unaudited telemetry writes. On SQLite it takes the
    /// writer lock at once, as every writer does (`write.rs`), so a telemetry write that reads
    /// first never fails upgrading its read lock; on PostgreSQL it is read committed.
    pub async fn telemetry(&self) -> Result<TelemetryTx> {
        let begin = match self.backend() {
            crate::Backend::Sqlite => "BEGIN IMMEDIATE",
            crate::Backend::Postgres => "BEGIN ISOLATION LEVEL READ COMMITTED",
        };
        Ok(TelemetryTx(self.begin_gated(begin).await?))
    }
}
