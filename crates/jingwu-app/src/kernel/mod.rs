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
//! subscriber never hears of a change that was rolled back. The closure may run more than once:
//! on PostgreSQL writers are serializable and do not lock each other out, and a transaction the
//! database refuses as conflicting with a concurrent one is run again from the start on a fresh
//! copy of the closure (hence `Clone`; it decides only from what it reads through `tx`). Slow
//! work (road searches, hashing, models) belongs before the call.
//!
//! The audit entry is written un-sequenced; [`AuditLog`] gives it its place in the log and the
//! Merkle tree shortly after the commit (`kernel.sync_audit()` waits for that).

mod audit_log;
mod bus;
mod error;
pub mod positions;
pub mod telemetry;

use std::sync::Arc;

use jingwu_core::{Clock, Principal, timestamp_to_micros};
use jingwu_store::{ReadConn, Store, WriteTx};

pub use audit_log::{AuditConfig, AuditLog};
pub use bus::{EventBus, LiveEvent};
pub use error::{AppError, FieldError};

use crate::{AppConfig, RequestCtx, Result};

pub struct Kernel {
    store: Store,
    clock: Arc<dyn Clock>,
    bus: EventBus,
    audit: AuditLog,
    config: AppConfig,
    /// Set when the process begins to stop (`App::close`), for connections to end politely.
    stopping: tokio::sync::watch::Sender<bool>,
    /// AVL fixes: one writer, group commit, bounded (see `positions.rs`).
    positions: positions::PositionWriter,
    /// Portal counters not yet written (see `telemetry.rs`).
    portal_counts:
        std::sync::Mutex<std::collections::BTreeMap<(jiff::civil::Date, &'static str), i64>>,
}

/// Attempts of one change that the database refuses as conflicting before giving up.
const ATTEMPTS: u32 = 12;

impl Kernel {
    pub(crate) fn new(store: Store, clock: Arc<dyn Clock>, config: AppConfig) -> Self {
        let queue = config.avl_queue_fixes;
        let budget = positions::Budget::new(
            config.avl_max_fixes_per_second,
            config.avl_max_fixes_per_second_per_sender,
            timestamp_to_micros(clock.now()),
        );
        Kernel {
            store,
            clock,
            bus: EventBus::default(),
            audit: AuditLog::new(config.audit.clone()),
            config,
            stopping: tokio::sync::watch::channel(false).0,
            positions: positions::PositionWriter::new(queue, budget),
            portal_counts: Default::default(),
        }
    }

    /// Runs `change` in one audited transaction (see the module documentation).
    pub async fn write<T>(
        &self,
        who: &Principal,
        ctx: &RequestCtx,
        change: impl AsyncFnOnce(&mut Tx) -> Result<T> + Clone,
    ) -> Result<T> {
        self.run(who, ctx, false, change).await
    }

    /// [`Kernel::write`] for a change whose every invariant is a conditional update or a unique
    /// constraint on the very rows it changes (`jingwu_store::Store::write_guarded`: read
    /// committed on PostgreSQL). Serializable's page-level predicate locks made such changes of
    /// *unrelated* rows retry each other (payment notifications settling different orders,
    /// docs/benchmarks.md "Traffic"); the conditional updates keep two racing changes of one
    /// row to exactly one. Only for writes that decide nothing from rows they do not change.
    pub async fn write_guarded<T>(
        &self,
        who: &Principal,
        ctx: &RequestCtx,
        change: impl AsyncFnOnce(&mut Tx) -> Result<T> + Clone,
    ) -> Result<T> {
        self.run(who, ctx, true, change).await
    }

    async fn run<T>(
        &self,
        who: &Principal,
        ctx: &RequestCtx,
        guarded: bool,
        change: impl AsyncFnOnce(&mut Tx) -> Result<T> + Clone,
    ) -> Result<T> {
        let now_us = self.now_us();
        let mut attempt = 1;
        loop {
            let db = if guarded {
                self.store.write_guarded().await?
            } else {
                self.store.write().await?
            };
            let mut tx = Tx {
                db,
                actor_id: who.user_id.clone(),
                actor_role: who.role.as_str(),
                request_id: ctx.request_id.clone(),
                now_us,
                events: Vec::new(),
            };
            // On error the transaction is dropped, which rolls it back.
            let outcome = match change.clone()(&mut tx).await {
                Ok(out) => {
                    let Tx { db, events, .. } = tx;
                    db.commit().await.map(|()| (out, events))
                }
                Err(AppError::Store(e)) => Err(e),
                Err(e) => return Err(e),
            };
            match outcome {
                Ok((out, events)) => {
                    for e in events {
                        self.bus.publish(e);
                    }
                    return Ok(out);
                }
                Err(e) if e.is_retryable() && attempt < ATTEMPTS => {
                    metrics::counter!("jingwu_write_retries_total").increment(1);
                    // Back off a little, randomly, so the conflicting writers do not meet again.
                    let ms =
                        rand::Rng::gen_range(&mut rand::thread_rng(), 1..=(1u64 << attempt.min(6)));
                    tokio::time::sleep(std::time::Duration::from_millis(ms)).await;
                    attempt += 1;
                }
                Err(e) if e.is_retryable() => {
                    metrics::counter!("jingwu_write_busy_total").increment(1);
                    return Err(AppError::Busy);
                }
                Err(e) => return Err(e.into()),
            }
        }
    }

    /// Records that `who` saw an object the law protects (personal data, case files,
    /// evidence): an audit entry and nothing else.
    pub async fn record_view(
        &self,
        who: &Principal,
        ctx: &RequestCtx,
        action: &str,
        object: (&str, &str),
        org_path: &str,
    ) -> Result<()> {
        self.write(who, ctx, async |tx| {
            tx.audit(action, object, org_path, serde_json::json!({}))
                .await
        })
        .await
    }

    /// The audit log's sequencer and signer.
    pub fn audit(&self) -> &AuditLog {
        &self.audit
    }

    /// Waits until every audit entry committed before the call has its place in the log.
    pub async fn sync_audit(&self) -> Result<jingwu_store::foundation::audit_tree::Sequenced> {
        self.audit.sync(&self.store, || self.now_us()).await
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

    /// Becomes true when the process begins to stop.
    pub fn stopping(&self) -> tokio::sync::watch::Receiver<bool> {
        self.stopping.subscribe()
    }

    pub fn is_stopping(&self) -> bool {
        *self.stopping.borrow()
    }

    /// AVL fixes waiting for the position writer.
    pub fn queued_positions(&self) -> usize {
        self.positions.queued()
    }

    pub(crate) fn begin_stopping(&self) {
        self.stopping.send_replace(true);
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
