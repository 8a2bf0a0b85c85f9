//! The legal time limits a bureau runs, as data: the list (for everyone who handles, supervises
//! or sets up cases), a change by the city's administrator (checked, audited with the row
//! before and after), and the defaults a new bureau starts with — inserted for missing codes
//! only, so a row the bureau edited (the 2025 PSAPL revision, say) is never overwritten.

use jingwu_cases::error_codes::field;
use jingwu_cases::limits::{LegalLimit, LimitError, defaults};
use jingwu_core::{Action, Principal, Scope, authorize, role_may};
use jingwu_store::cases as q;

use super::Cases;
use crate::{AppError, RequestCtx, Result};

/// The field a limit's refusal names.
fn limit_field(e: &LimitError) -> &'static str {
    match e {
        LimitError::Code => "code",
        LimitError::Text => "name_zh",
        LimitError::Duration => "base_minutes",
        LimitError::Approver => "approver_level",
        LimitError::Warnings => "warn_permille",
    }
}

impl Cases<'_> {
    /// Every legal limit: case handlers and legal supervisors (who work by them) and
    /// administrators (who set them up).
    pub async fn legal_limits(&self, who: &Principal, ctx: &RequestCtx) -> Result<Vec<LegalLimit>> {
        let action = if role_may(who.role, Action::ManageCases) {
            Action::ManageCases
        } else {
            Action::ReadCases
        };
        self.role_may(who, ctx, action, ("legal_limit", "")).await?;
        let mut conn = self.k().read().await?;
        Ok(q::legal_limits(&mut conn).await?)
    }

    /// Adds or changes a limit (the law changed, or the bureau's legal office settled an open
    /// question). The limits hold for the whole bureau, so only the city's administrators
    /// change them; a limit's scope (custody or case) never changes once it exists.
    pub async fn put_legal_limit(
        &self,
        who: &Principal,
        ctx: &RequestCtx,
        limit: &LegalLimit,
    ) -> Result<LegalLimit> {
        self.role_may(who, ctx, Action::ManageCases, ("legal_limit", &limit.code))
            .await?;
        let mut conn = self.k().read().await?;
        let root = jingwu_store::foundation::orgs::root(&mut conn)
            .await?
            .ok_or_else(|| AppError::Precondition("the jurisdiction tree is empty".into()))?;
        drop(conn);
        if let Err(d) = authorize(who, Action::ManageCases, Scope::Org(&root.path)) {
            let e = self
                .denied(who, ctx, d, ("legal_limit", &limit.code), &root.path)
                .await;
            return Err(match e {
                AppError::NotFound { .. } => AppError::OutOfScope,
                e => e,
            });
        }
        let mut l = limit.clone();
        for t in [
            &mut l.name_zh,
            &mut l.name_en,
            &mut l.law,
            &mut l.article,
            &mut l.version,
        ] {
            *t = t.trim().to_owned();
        }
        if let Err(e) = l.check() {
            return Err(AppError::invalid(
                limit_field(&e),
                field::LIMIT.code,
                e.to_string(),
            ));
        }
        self.k()
            .write(who, ctx, async |tx| {
                let before = q::legal_limit(tx.db(), &l.code).await?;
                if let Some(b) = &before
                    && b.applies_to != l.applies_to
                {
                    return Err(AppError::invalid(
                        "applies_to",
                        field::LIMIT.code,
                        "a limit's scope does not change: add a new code",
                    ));
                }
                let now = tx.now_us();
                q::put_legal_limit(tx.db(), &l, now).await?;
                tx.audit(
                    "cases.limit.put",
                    ("legal_limit", l.code.as_str()),
                    &root.path,
                    serde_json::json!({ "before": before, "after": l }),
                )
                .await?;
                Ok(l.clone())
            })
            .await
    }

    /// Inserts the default limits whose codes are missing (a new bureau, or a default added
    /// by an upgrade), as the system, audited; a row the bureau has is left as it is. Called
    /// where the server starts (and by the test kit's city). Returns how many were added.
    pub async fn ensure_legal_limits(&self) -> Result<usize> {
        let mut conn = self.k().read().await?;
        let have: Vec<String> = q::legal_limits(&mut conn)
            .await?
            .into_iter()
            .map(|l| l.code)
            .collect();
        let root = jingwu_store::foundation::orgs::root(&mut conn).await?;
        drop(conn);
        let missing: Vec<LegalLimit> = defaults()
            .into_iter()
            .filter(|l| !have.contains(&l.code))
            .collect();
        if missing.is_empty() {
            return Ok(0);
        }
        let (root_id, root_path) = root.map_or((String::new(), "/".to_owned()), |o| (o.id, o.path));
        let system = Principal::system(&root_id, &root_path);
        self.k()
            .write(&system, &RequestCtx::cli(), async |tx| {
                let now = tx.now_us();
                let mut added = Vec::new();
                for l in &missing {
                    if q::insert_legal_limit_if_missing(tx.db(), l, now).await? {
                        added.push(l);
                    }
                }
                if added.is_empty() {
                    // A concurrent start added them: nothing to commit.
                    return Err(AppError::Conflict {
                        code: jingwu_cases::error_codes::CASE_STATE.code,
                        detail: "the legal limits are there already".into(),
                    });
                }
                tx.audit(
                    "cases.limits.install",
                    ("legal_limit", "defaults"),
                    &root_path,
                    serde_json::json!({ "limits": added }),
                )
                .await?;
                Ok(added.len())
            })
            .await
            .or_else(|e| match e {
                AppError::Conflict { .. } => Ok(0),
                e => Err(e),
            })
    }
}
