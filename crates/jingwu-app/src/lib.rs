//! Jingwu's use cases, one module per system behind a facade (`app.foundation()`,
//! `app.command()`), all on one [`Kernel`]: every state change goes through
//! [`Kernel::write`], which commits a change only together with its audit entry and publishes
//! live events only after the commit. Nothing else writes to the store.

#[allow(dead_code)] // the skeleton's state is used as the modules land
mod cases;
mod command;
mod demo;
mod fields;
mod foundation;
mod hazmat;
mod kernel;
mod notify;
mod payments;
mod permits;
mod traffic;

use std::sync::Arc;

use jingwu_core::Clock;
use jingwu_store::Store;

pub use cases::*;
pub use command::*;
pub use demo::{
    CasesDemo, DEMO_DRIVERS, DEMO_ENTERPRISES, DEMO_NEW_PLATE, DEMO_NEW_RESIDENT, DEMO_PASSWORD,
    DEMO_STATIONS, DemoLogin, DemoPace, DemoSummary, PermitsDemo, SCAN_PNG, TrafficDemo,
    demo_items,
};
pub use foundation::*;
pub use hazmat::*;
pub use kernel::positions::DEFAULT_MAX_FIXES_PER_SECOND as DEFAULT_AVL_MAX_FIXES_PER_SECOND;
pub use kernel::positions::DEFAULT_MAX_FIXES_PER_SECOND_PER_SENDER as DEFAULT_AVL_MAX_FIXES_PER_SECOND_PER_SENDER;
pub use kernel::positions::DEFAULT_QUEUED_FIXES as DEFAULT_AVL_QUEUE_FIXES;
pub use kernel::{AppError, AuditConfig, AuditLog, EventBus, FieldError, Kernel, LiveEvent, Tx};
pub use notify::OutboxMessage;
pub use payments::{
    Checkout, NotifyOutcome, Payments, PaymentsConfig, RefundListed, RefundsDone, SANDBOX,
    SandboxFault, SandboxReceipt,
};
pub use permits::*;
pub use traffic::*;

pub type Result<T, E = AppError> = std::result::Result<T, E>;

#[derive(Debug, Clone)]
pub struct AppConfig {
    pub password_cost: PasswordCost,
    /// Lifetime of a browser or API session.
    pub session_ttl: jiff::SignedDuration,
    /// Sign-in throttling (docs in `foundation/auth.rs`): failures of one account from one
    /// address, or from one known device, before its delays begin …
    pub login_free_failures: u32,
    /// … failures of one account from devices it never signed in on, from any address …
    pub login_account_free_failures: u32,
    /// … the longest delay (delays double per further failure) …
    pub login_max_delay: jiff::SignedDuration,
    /// … and the quiet time after which a key's failures are forgotten.
    pub login_window: jiff::SignedDuration,
    /// Password verifications run at once (each Argon2id run takes `password_cost` memory);
    /// further sign-ins wait up to `login_hash_wait`, then get 503 with Retry-After.
    pub login_hash_concurrency: usize,
    pub login_hash_wait: std::time::Duration,
    /// AVL fixes older than this do not place a unit for recommendation (seconds).
    pub avl_max_age_s: i64,
    /// AVL fixes that may wait for the position writer before batches are shed
    /// (`kernel/positions.rs`).
    pub avl_queue_fixes: usize,
    /// AVL fixes taken per second at most, 0 for no limit (`kernel/positions.rs`).
    pub avl_max_fixes_per_second: usize,
    /// AVL fixes one account may send per second at most, 0 for no limit of its own.
    pub avl_max_fixes_per_second_per_sender: usize,
    /// Where scene media are stored (content-addressed files).
    pub media_dir: std::path::PathBuf,
    /// Media types and sizes taken, and the default chunk size.
    pub media: MediaLimits,
    /// The audit log's sequencer, signing key and witnesses.
    pub audit: AuditConfig,
    /// Traffic services: the point-reduction profile, code and order lifetimes.
    pub traffic: TrafficConfig,
    /// The approval window: no-show policy, how often its jobs run.
    pub permits: PermitsConfig,
    /// Law enforcement: how often the clock job runs.
    pub cases: CasesConfig,
    /// The payment service: how often the refund job runs, how refunds are retried.
    pub payments: PaymentsConfig,
}

impl Default for AppConfig {
    fn default() -> Self {
        AppConfig {
            password_cost: PasswordCost::default(),
            session_ttl: jiff::SignedDuration::from_hours(12),
            login_free_failures: 5,
            login_account_free_failures: 20,
            login_max_delay: jiff::SignedDuration::from_mins(15),
            login_window: jiff::SignedDuration::from_mins(15),
            login_hash_concurrency: 4,
            login_hash_wait: std::time::Duration::from_secs(2),
            avl_max_age_s: command::DEFAULT_AVL_MAX_AGE_S,
            avl_queue_fixes: kernel::positions::DEFAULT_QUEUED_FIXES,
            avl_max_fixes_per_second: kernel::positions::DEFAULT_MAX_FIXES_PER_SECOND,
            avl_max_fixes_per_second_per_sender:
                kernel::positions::DEFAULT_MAX_FIXES_PER_SECOND_PER_SENDER,
            media_dir: "data/media".into(),
            media: MediaLimits::default(),
            audit: AuditConfig::default(),
            traffic: TrafficConfig::default(),
            permits: PermitsConfig::default(),
            cases: CasesConfig::default(),
            payments: PaymentsConfig::default(),
        }
    }
}

/// Who is asking and under which request id; carried into every audit entry.
#[derive(Debug, Clone)]
pub struct RequestCtx {
    pub request_id: String,
    /// Client address, for login rate limiting (absent for in-process callers).
    pub client_addr: Option<String>,
}

impl RequestCtx {
    pub fn cli() -> Self {
        RequestCtx {
            request_id: format!("cli-{}", jingwu_core::new_id()),
            client_addr: None,
        }
    }
}

#[derive(Clone)]
pub struct App {
    inner: Arc<Inner>,
}

struct Inner {
    kernel: Kernel,
    foundation: foundation::FoundationState,
    command: command::CommandState,
    hazmat: hazmat::HazmatState,
    permits: permits::PermitsState,
    cases: cases::CasesState,
    payments: payments::PaymentsState,
}

impl App {
    pub fn new(store: Store, clock: Arc<dyn Clock>, config: AppConfig) -> Self {
        let command = command::CommandState::new(&config);
        let permits = permits::PermitsState::new(&config);
        let cases = cases::CasesState::new(&config);
        let foundation = foundation::FoundationState::new(&config);
        App {
            inner: Arc::new(Inner {
                kernel: Kernel::new(store, clock, config),
                foundation,
                command,
                hazmat: Default::default(),
                permits,
                cases,
                payments: Default::default(),
            }),
        }
    }

    /// Accounts, sessions, the jurisdiction tree, the audit log, identifier checks.
    pub fn foundation(&self) -> Foundation<'_> {
        Foundation { app: self }
    }

    /// 110 linked command.
    pub fn command(&self) -> Command<'_> {
        Command { app: self }
    }

    pub(crate) fn payments_state(&self) -> &payments::PaymentsState {
        &self.inner.payments
    }

    pub(crate) fn permits_state(&self) -> &permits::PermitsState {
        &self.inner.permits
    }

    pub(crate) fn cases_state(&self) -> &cases::CasesState {
        &self.inner.cases
    }

    pub fn kernel(&self) -> &Kernel {
        &self.inner.kernel
    }

    /// Now, by the injected clock: for edges that stamp what they send (terminal heartbeats).
    pub fn now(&self) -> jiff::Timestamp {
        self.kernel().clock().now()
    }

    /// Live change notifications (after commit).
    pub fn subscribe(&self) -> tokio::sync::broadcast::Receiver<LiveEvent> {
        self.kernel().bus().subscribe()
    }

    /// Readiness: the database answers.
    pub async fn ready(&self) -> Result<()> {
        self.kernel().store().ping().await.map_err(AppError::from)
    }

    /// Tells long-lived connections the process is stopping (`Kernel::stopping`), stores the
    /// queued positions (refusing new ones), sequences the audit entries this process wrote,
    /// then closes the database (on SQLite, folding the write-ahead log into the file).
    pub async fn close(&self) {
        self.kernel().begin_stopping();
        self.kernel().close_positions().await;
        if let Err(e) = self.kernel().sync_audit().await {
            tracing::warn!(error = %e, "could not sequence the last audit entries");
        }
        self.kernel().store().close().await;
    }
}
