//! The platform's own use cases: accounts and sessions, the jurisdiction tree, the audit log
//! and the shared identifier checks.

mod accounts;
mod audit_log;
mod auth;
mod orgs;
mod validate;

pub use accounts::{NewUser, UserView};
pub use audit_log::{AuditPage, Inclusion, Verification};
pub use auth::{DEVICE_COOKIE, LoginOutcome, PasswordCost, SessionClient, hash_password};
pub(crate) use orgs::owning_org;
pub use orgs::{NewOrg, OrgUnit};

use jingwu_core::Principal;

use crate::{App, AppConfig, AppError, Kernel, Result};

/// State kept by the foundation between requests (the throttle's counts are in the
/// database, shared by every node).
pub(crate) struct FoundationState {
    /// Slots for password verification: bounds the memory Argon2id takes under a flood.
    hashing: tokio::sync::Semaphore,
    /// The device-cookie key, read from the database once.
    device_key: tokio::sync::OnceCell<Vec<u8>>,
}

impl FoundationState {
    pub(crate) fn new(config: &AppConfig) -> Self {
        FoundationState {
            hashing: tokio::sync::Semaphore::new(config.login_hash_concurrency),
            device_key: tokio::sync::OnceCell::new(),
        }
    }
}

/// The foundation's use cases (see [`App::foundation`]).
#[derive(Clone, Copy)]
pub struct Foundation<'a> {
    pub(crate) app: &'a App,
}

impl Foundation<'_> {
    fn k(&self) -> &Kernel {
        self.app.kernel()
    }

    fn state(&self) -> &FoundationState {
        &self.app.inner.foundation
    }

    fn config(&self) -> &AppConfig {
        self.k().config()
    }

    fn now_us(&self) -> i64 {
        self.k().now_us()
    }

    /// The system principal acting at the root of the tree (CLI, seeding).
    pub async fn system_principal(&self) -> Result<Principal> {
        let mut c = self.k().read().await?;
        let root = jingwu_store::foundation::orgs::root(&mut c)
            .await?
            .ok_or_else(|| AppError::Precondition("the jurisdiction tree is empty: create the city first (jingwu org add --kind city ...) or run `jingwu demo`".into()))?;
        Ok(Principal::system(&root.id, &root.path))
    }
}
