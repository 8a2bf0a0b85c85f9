//! The position writer: one task that stores every AVL fix, so that ten thousand terminals
//! sending positions are one writer to the database, not ten thousand.
//!
//! - **Group commit.** Submitted batches queue; the writer takes everything queued (up to
//!   [`MAX_FIXES_PER_WRITE`]), stores it in one transaction and then answers each batch. A
//!   batch is acknowledged only once committed, so an acknowledged fix survives a crash. The
//!   busier the server, the larger each write, and on SQLite position writes hold the one writer
//!   lock once per group instead of once per frame, so a dispatch waits for at most one group.
//! - **Bounded, with explicit shedding.** At most `AppConfig::avl_queue_fixes` fixes wait. A batch that
//!   does not fit is refused at once with `avl_overloaded` (503): the sender keeps it and sends
//!   its newest fixes again later. Only positions are shed: assignments and status changes go
//!   through the kernel's write door, never through this queue.
//! - **A rate budget.** Fixes are taken at `AppConfig::avl_max_fixes_per_second` at most, and
//!   at `avl_max_fixes_per_second_per_sender` from any one account ([`Budget`]): a full queue
//!   alone sheds only once the writer is saturated, and by then the CPU parsing and storing
//!   positions is what dispatch and push wait for.
//! - **Drained on shutdown.** [`PositionWriter::close`] stops taking batches (`server_stopping`)
//!   and stores everything already queued before the database closes.
//! - Unit events are published after the commit, once per unit per group.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

use jingwu_store::Store;
use jingwu_store::command::positions::{self, Position};
use tokio::sync::{OwnedSemaphorePermit, Semaphore, mpsc, oneshot};

use super::{EventBus, LiveEvent};
use crate::{AppError, Result};

/// Fixes that may wait for the writer by default: about a second of the 100,000 a second it
/// is built for.
pub const DEFAULT_QUEUED_FIXES: usize = 100_000;
/// Fixes stored in one transaction at most.
pub const MAX_FIXES_PER_WRITE: usize = 20_000;
/// Fixes taken per second by default: the ingest rate the server is built for, a hundred times
/// what a city's thousand terminals send at one fix a second.
pub const DEFAULT_MAX_FIXES_PER_SECOND: usize = 100_000;
/// Fixes one sender (account) may send per second by default: with a flood from one account
/// at this rate beside 10,000 terminal fixes a second, dispatch-to-terminal p99 stayed about
/// 50 ms on two cores (docs/benchmarks.md, "110 command", overload).
pub const DEFAULT_MAX_FIXES_PER_SECOND_PER_SENDER: usize = 20_000;

/// A batch waiting to be stored, with the units' events to publish once it is.
struct Job {
    fixes: Vec<Position>,
    /// Unit id → org path, for the live events.
    units: Vec<(String, String)>,
    done: oneshot::Sender<std::result::Result<(), String>>,
    _room: OwnedSemaphorePermit,
}

pub struct PositionWriter {
    capacity: usize,
    room: Arc<Semaphore>,
    /// The rate fixes are taken at, at most (`None`: no limit).
    budget: Option<Budget>,
    state: Mutex<State>,
}

enum State {
    /// Not started yet: the task starts with the first batch (inside a runtime).
    Idle,
    Running {
        queue: mpsc::UnboundedSender<Job>,
        task: tokio::task::JoinHandle<()>,
    },
    Closed,
}

/// Resolves when the batch is committed (or its write failed).
pub struct Stored(oneshot::Receiver<std::result::Result<(), String>>);

impl Stored {
    pub async fn committed(self) -> Result<()> {
        match self.0.await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(e)) => Err(AppError::Internal(format!("storing positions: {e}"))),
            Err(_) => Err(stopping()),
        }
    }
}

impl PositionWriter {
    pub(crate) fn new(capacity: usize, budget: Option<Budget>) -> Self {
        PositionWriter {
            capacity,
            room: Arc::new(Semaphore::new(capacity)),
            budget,
            state: Mutex::new(State::Idle),
        }
    }

    /// Fixes submitted and not yet stored.
    pub fn queued(&self) -> usize {
        self.capacity - self.room.available_permits()
    }

    /// Whether a batch of `sender` would be refused at `now_us` without looking at it: the
    /// budget is spent, or nine tenths or more of the queue is taken (a batch is unlikely to
    /// fit). The edge asks before reading a body: under a flood the parse is what costs.
    pub(crate) fn admission(&self, sender: &str, now_us: i64) -> Result<()> {
        let refused = if self
            .budget
            .as_ref()
            .is_some_and(|b| !b.admits(sender, now_us))
        {
            self.over_budget()
        } else if self.room.available_permits() * 10 <= self.capacity {
            self.overloaded()
        } else {
            return Ok(());
        };
        metrics::counter!("jingwu_avl_shed_batches_total").increment(1);
        Err(refused)
    }

    /// Queues a batch of `sender` at `now_us` without waiting; `units` are its units with
    /// their org paths.
    pub(crate) fn submit(
        &self,
        store: &Store,
        bus: &EventBus,
        sender: &str,
        now_us: i64,
        fixes: Vec<Position>,
        units: Vec<(String, String)>,
    ) -> Result<Stored> {
        if let Some(budget) = &self.budget
            && !budget.take(sender, fixes.len(), now_us)
        {
            metrics::counter!("jingwu_avl_shed_total").increment(fixes.len() as u64);
            return Err(self.over_budget());
        }
        let n = u32::try_from(fixes.len()).unwrap_or(u32::MAX);
        let room = self.room.clone().try_acquire_many_owned(n).map_err(|_| {
            metrics::counter!("jingwu_avl_shed_total").increment(u64::from(n));
            self.overloaded()
        })?;
        let (done, stored) = oneshot::channel();
        let job = Job {
            fixes,
            units,
            done,
            _room: room,
        };
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        if matches!(*state, State::Idle) {
            let (queue, rx) = mpsc::unbounded_channel();
            let task = tokio::spawn(run(store.clone(), bus.clone(), rx));
            *state = State::Running { queue, task };
        }
        match &*state {
            State::Running { queue, .. } => queue.send(job).map_err(|_| stopping())?,
            State::Idle | State::Closed => return Err(stopping()),
        }
        Ok(Stored(stored))
    }

    fn over_budget(&self) -> AppError {
        let (all, one) = self
            .budget
            .as_ref()
            .map_or((0.0, 0.0), |b| (b.per_second, b.per_sender));
        AppError::Unavailable {
            code: jingwu_command::error_codes::AVL_OVERLOADED.code,
            detail: format!(
                "not stored: positions arrive faster than this server takes them ({all} a \
                 second, {one} from one account); send the newest again shortly"
            ),
        }
    }

    fn overloaded(&self) -> AppError {
        AppError::Unavailable {
            code: jingwu_command::error_codes::AVL_OVERLOADED.code,
            detail: format!(
                "not stored: the queue of {} fixes is full; send the newest again shortly",
                self.capacity
            ),
        }
    }

    /// Refuses new batches and stores the queued ones; returns when the last is committed.
    pub(crate) async fn close(&self) {
        let previous = std::mem::replace(
            &mut *self.state.lock().unwrap_or_else(|e| e.into_inner()),
            State::Closed,
        );
        if let State::Running { queue, task } = previous {
            // The writer sees the queue end after the batches already in it.
            drop(queue);
            if let Err(e) = task.await {
                tracing::error!(error = %e, "the position writer failed while draining");
            }
        }
    }
}

/// Token buckets over AVL fixes: the server's (`per_second` a second) and each sender's
/// (`per_sender` a second, so that one flooding gateway leaves the rest of the budget to the
/// terminals), each holding at most a second's worth. A batch's size is known only once its
/// body is read, so a bucket may go into debt by one batch; while either of a sender's buckets
/// is in debt, no batch of theirs is read.
#[derive(Debug)]
pub(crate) struct Budget {
    per_second: f64,
    /// 0 for no limit per sender.
    per_sender: f64,
    all: Mutex<Bucket>,
    senders: Mutex<HashMap<String, Bucket>>,
}

#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    at_us: i64,
}

impl Bucket {
    /// Refilled at `rate` a second for the time since it was last looked at.
    fn refill(&mut self, rate: f64, now_us: i64) -> &mut Self {
        if now_us > self.at_us {
            self.tokens = (self.tokens + (now_us - self.at_us) as f64 / 1e6 * rate).min(rate);
            self.at_us = now_us;
        }
        self
    }
}

/// Senders remembered before the full (idle) buckets are forgotten.
const SENDERS_KEPT: usize = 10_000;

impl Budget {
    /// The budgets, full at `now_us`; `None` when the server's is 0 (no limit).
    pub(crate) fn new(per_second: usize, per_sender: usize, now_us: i64) -> Option<Self> {
        (per_second > 0).then(|| Budget {
            per_second: per_second as f64,
            per_sender: per_sender as f64,
            all: Mutex::new(Bucket {
                tokens: per_second as f64,
                at_us: now_us,
            }),
            senders: Mutex::new(HashMap::new()),
        })
    }

    /// Whether a batch of `sender` may be read at `now_us`.
    pub(crate) fn admits(&self, sender: &str, now_us: i64) -> bool {
        self.take(sender, 0, now_us)
    }

    /// Takes `fixes` of `sender` at `now_us`; false (and nothing taken) if either bucket is
    /// in debt.
    pub(crate) fn take(&self, sender: &str, fixes: usize, now_us: i64) -> bool {
        let mut all = self.all.lock().unwrap_or_else(|e| e.into_inner());
        if all.refill(self.per_second, now_us).tokens <= 0.0 {
            return false;
        }
        if self.per_sender > 0.0 {
            let mut senders = self.senders.lock().unwrap_or_else(|e| e.into_inner());
            if senders.len() >= SENDERS_KEPT {
                let rate = self.per_sender;
                senders.retain(|_, b| b.refill(rate, now_us).tokens < rate);
            }
            let mine = senders.entry(sender.to_owned()).or_insert(Bucket {
                tokens: self.per_sender,
                at_us: now_us,
            });
            if mine.refill(self.per_sender, now_us).tokens <= 0.0 {
                return false;
            }
            mine.tokens -= fixes as f64;
        }
        all.tokens -= fixes as f64;
        true
    }
}

pub(crate) fn stopping() -> AppError {
    AppError::Unavailable {
        code: jingwu_core::problem_codes::STOPPING.code,
        detail: "the server is stopping; nothing was stored".into(),
    }
}

async fn run(store: Store, bus: EventBus, mut rx: mpsc::UnboundedReceiver<Job>) {
    while let Some(first) = rx.recv().await {
        let mut n = first.fixes.len();
        let mut jobs = vec![first];
        while n < MAX_FIXES_PER_WRITE {
            match rx.try_recv() {
                Ok(job) => {
                    n += job.fixes.len();
                    jobs.push(job);
                }
                Err(_) => break,
            }
        }
        let batch: Vec<Position> = jobs.iter_mut().flat_map(|j| j.fixes.drain(..)).collect();
        let written = write(&store, &batch).await;
        metrics::counter!("jingwu_avl_writes_total").increment(1);
        metrics::histogram!("jingwu_avl_write_fixes").record(n as f64);
        match written {
            Ok(()) => {
                let mut units = BTreeMap::new();
                for job in &mut jobs {
                    units.extend(job.units.drain(..));
                }
                for (unit_id, org_path) in units {
                    bus.publish(LiveEvent::Unit { unit_id, org_path });
                }
                for job in jobs {
                    let _ = job.done.send(Ok(()));
                }
            }
            Err(e) => {
                tracing::error!(error = %e, fixes = n, "storing positions failed");
                let e = e.to_string();
                for job in jobs {
                    let _ = job.done.send(Err(e.clone()));
                }
            }
        }
    }
}

async fn write(store: &Store, batch: &[Position]) -> jingwu_store::Result<()> {
    let mut tx = store.telemetry().await?;
    positions::record_positions(&mut tx, batch).await?;
    tx.commit().await
}
