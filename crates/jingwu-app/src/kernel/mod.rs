//! The kernel every system shares: the store, the clock, the event bus, the configuration and
//! the error type — and the one door through which state changes:
//!
//! ```text
//! kernel.write(who, ctx, async |tx| {
//!     load (tx.db()); authorize; decide (pure crate); write (tx.db());
//!     tx.audit(action, object, org_path, detail).await?;
//!     tx.publish(event);
//!     Ok(outcome)
//! }).await
//! ```
//!
//! `write` commits only when the closure succeeded *and* appended an audit entry (the store's
//! `WriteTx` refuses otherwise), and publishes the queued events only after the commit, so a
//! subscriber never hears of a change that was rolled back. Slow work (road searches, hashing,
//! models) belongs before the call: writers wait for each other inside it.

mod bus;
mod error;
pub mod telemetry;

use std::sync::Arc;

use jingwu_core::{Clock, Principal, timestamp_to_micros};
use jingwu_store::{ReadConn, Store, WriteTx};

pub use bus::{EventBus, LiveEvent};
pub use error::{AppError, FieldError};

use crate::{AppConfig, RequestCtx, Result};

pub struct Kernel {
    store: Store,
    clock: Arc<dyn Clock>,
    bus: EventBus,
    config: AppConfig,
}

impl Kernel {
    pub(crate) fn new(store: Store, clock: Arc<dyn Clock>, config: AppConfig) -> Self {
        Kernel {
            store,
            clock,
            bus: EventBus::default(),
            config,
        }
    }

    /// Runs `change` in one audited transaction (see the module documentation).
    pub async fn write<T>(
        &self,
        who: &Principal,
        ctx: &RequestCtx,
        change: impl AsyncFnOnce(&mut Tx) -> Result<T>,
    ) -> Result<T> {
        let mut tx = Tx {
            db: self.store.write().await?,
            actor_id: who.user_id.clone(),
            actor_role: who.role.as_str(),
            request_id: ctx.request_id.clone(),
            now_us: self.now_us(),
            events: Vec::new(),
        };
        // On error the transaction is dropped, which rolls it back.
        let out = change(&mut tx).await?;
        let Tx { db, events, .. } = tx;
        db.commit().await?;
        for e in events {
            self.bus.publish(e);
        }
        Ok(out)
    }

    /// A pooled connection for reads.
    pub async fn read(&self) -> Result<ReadConn> {
        Ok(self.store.read().await?)
    }

    pub fn now_us(&self) -> i64 {
        timestamp_to_micros(self.clock.now())
    }

    pub fn clock(&self) -> &Arc<dyn Clock> {
        &self.clock
    }

    pub fn config(&self) -> &AppConfig {
        &self.config
    }

    pub fn bus(&self) -> &EventBus {
        &self.bus
    }

    pub(crate) fn store(&self) -> &Store {
        &self.store
    }
}

/// The transaction a use case's change runs in: the store's audited `WriteTx`, the instant
/// the change happens at (one for the whole transaction), the audit entries' actor and request,
/// and the events to publish once it has committed.
pub struct Tx {
    db: WriteTx,
    actor_id: String,
    actor_role: &'static str,
    request_id: String,
    now_us: i64,
    events: Vec<LiveEvent>,
}

impl Tx {
    /// The connection the store's write functions accept.
    pub fn db(&mut self) -> &mut WriteTx {
        &mut self.db
    }

    /// When this change happens.
    pub fn now_us(&self) -> i64 {
        self.now_us
    }

    /// Records the change in the audit log, in this transaction.
    pub async fn audit(
        &mut self,
        action: &str,
        object: (&str, &str),
        org_path: &str,
        detail: serde_json::Value,
    ) -> Result<()> {
        let entry = jingwu_audit::NewEntry {
            at_us: self.now_us,
            actor_id: self.actor_id.clone(),
            actor_role: self.actor_role.to_string(),
            org_path: org_path.to_string(),
            action: action.to_string(),
            object_type: object.0.to_string(),
            object_id: object.1.to_string(),
            request_id: self.request_id.clone(),
            detail,
        };
        self.db.audit(entry).await?;
        Ok(())
    }

    /// Queues a live event, published only after the transaction commits.
    pub fn publish(&mut self, e: LiveEvent) {
        self.events.push(e);
    }
}
