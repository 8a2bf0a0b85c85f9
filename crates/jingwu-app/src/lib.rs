//! Jingwu's use cases. Each one authorizes the caller, loads what it needs, decides, and
//! writes the new state together with its audit entry in one [`jingwu_store::WriteTx`].
//! Nothing else writes to the store, so no change escapes the audit.

mod accounts;
mod audit_log;
mod auth;
mod demo;
mod error;
mod orgs;
mod validate;

use std::sync::Arc;

use jingwu_core::{Clock, Principal, timestamp_to_micros};
use jingwu_store::Store;

pub use accounts::{NewUser, UserView};
pub use audit_log::AuditPage;
pub use auth::{LoginOutcome, PasswordCost, SessionClient, hash_password};
pub use demo::{DEMO_PASSWORD, DemoLogin, DemoSummary};
pub use error::{AppError, FieldError};
pub use jingwu_store::audit::Verification;
pub use jingwu_store::orgs::OrgUnit;
pub use orgs::NewOrg;

pub type Result<T, E = AppError> = std::result::Result<T, E>;

#[derive(Debug, Clone)]
pub struct AppConfig {
    pub password_cost: PasswordCost,
    /// Lifetime of a browser or API session.
    pub session_ttl: jiff::SignedDuration,
    /// Failed logins allowed per username (and, times four, per client address) per window.
    pub login_max_failures: u32,
    pub login_window: jiff::SignedDuration,
}

impl Default for AppConfig {
    fn default() -> Self {
        AppConfig {
            password_cost: PasswordCost::default(),
            session_ttl: jiff::SignedDuration::from_hours(12),
            login_max_failures: 5,
            login_window: jiff::SignedDuration::from_mins(15),
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
    store: Store,
    clock: Arc<dyn Clock>,
    config: AppConfig,
    limiter: auth::LoginLimiter,
}

impl App {
    pub fn new(store: Store, clock: Arc<dyn Clock>, config: AppConfig) -> Self {
        let limiter = auth::LoginLimiter::default();
        App {
            inner: Arc::new(Inner {
                store,
                clock,
                config,
                limiter,
            }),
        }
    }

    pub fn store(&self) -> &Store {
        &self.inner.store
    }

    fn now_us(&self) -> i64 {
        timestamp_to_micros(self.inner.clock.now())
    }

    fn config(&self) -> &AppConfig {
        &self.inner.config
    }

    /// An audit entry skeleton for `who` acting on an object under `org_path`.
    fn entry(
        &self,
        who: &Principal,
        ctx: &RequestCtx,
        action: &str,
        object: (&str, &str),
        org_path: &str,
        detail: serde_json::Value,
    ) -> jingwu_audit::NewEntry {
        jingwu_audit::NewEntry {
            at_us: self.now_us(),
            actor_id: who.user_id.clone(),
            actor_role: who.role.as_str().to_string(),
            org_path: org_path.to_string(),
            action: action.to_string(),
            object_type: object.0.to_string(),
            object_id: object.1.to_string(),
            request_id: ctx.request_id.clone(),
            detail,
        }
    }

    /// Readiness: the database answers.
    pub async fn ready(&self) -> Result<()> {
        self.inner.store.ping().await.map_err(AppError::from)
    }

    /// The system principal acting at the root of the tree (CLI, seeding).
    pub async fn system_principal(&self) -> Result<Principal> {
        let mut c = self.inner.store.conn().await?;
        let root = jingwu_store::orgs::root(&mut c)
            .await?
            .ok_or_else(|| AppError::Precondition("the jurisdiction tree is empty: create the city first (jingwu org add --kind city ...) or run `jingwu demo`".into()))?;
        Ok(Principal::system(&root.id, &root.path))
    }
}
