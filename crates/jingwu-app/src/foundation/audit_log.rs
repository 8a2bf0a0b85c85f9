//! Reading the audit log within the caller's jurisdiction.

use jingwu_audit::Entry;
use jingwu_core::{Action, Principal, Scope, authorize};
use jingwu_store::foundation::audit;

use super::Foundation;
pub use jingwu_store::foundation::audit::Verification;

use crate::{AppError, Result};

#[derive(Debug, Clone)]
pub struct AuditPage {
    pub entries: Vec<Entry>,
    /// Pass as `before` to get the next (older) page.
    pub next_before: Option<i64>,
}

impl Foundation<'_> {
    pub async fn audit_page(
        &self,
        who: &Principal,
        before: Option<i64>,
        limit: i64,
    ) -> Result<AuditPage> {
        authorize(who, Action::ReadAudit, Scope::Org(&who.org_path))
            .map_err(AppError::denied_scope)?;
        let mut conn = self.k().read().await?;
        let entries = audit::page(&mut conn, &who.org_path, before, limit).await?;
        let next_before = if entries.len() as i64 == limit {
            entries.last().map(|e| e.seq)
        } else {
            None
        };
        Ok(AuditPage {
            entries,
            next_before,
        })
    }

    /// Recomputes the whole chain. Only a city-level auditor may ask: the chain spans every unit.
    pub async fn verify_audit(&self, who: &Principal) -> Result<Verification> {
        let mut conn = self.k().read().await?;
        let root = jingwu_store::foundation::orgs::root(&mut conn)
            .await?
            .ok_or(AppError::OutOfScope)?;
        drop(conn);
        authorize(who, Action::ReadAudit, Scope::Org(&root.path))
            .map_err(AppError::denied_scope)?;
        Ok(self.k().store().verify_audit().await?)
    }
}
