//! Response plans (预案): reading those that apply in a jurisdiction, keeping those of the
//! caller's subtree (admins, audited), and the plan that applies to an incident. The rules —
//! which plan applies, what a valid plan is — are `jingwu_command::plans`.

use jingwu_command::error_codes::{PLAN_EXISTS, field};
use jingwu_command::plans::{self as rules, PlanDraft, PlanId, PlanSpec, ResponsePlan};
use jingwu_core::{Action, IncidentId, OrgId, Principal, Scope, authorize};
use jingwu_store::command::plans as pq;
use jingwu_store::foundation::orgs;
use jingwu_store::{Conn, StoreError};

use super::Command;
use crate::{AppError, FieldError, RequestCtx, Result};

impl Command<'_> {
    /// The plans that apply at the caller's org unit (its own and its ancestors') and those of
    /// its subtree.
    pub async fn list_plans(&self, who: &Principal) -> Result<Vec<ResponsePlan>> {
        authorize(who, Action::ReadPlans, Scope::Org(&who.org_path))
            .map_err(AppError::denied_scope)?;
        let mut conn = self.k().read().await?;
        Ok(pq::plans_visible_at(&mut conn, &who.org_path).await?)
    }

    pub async fn get_plan(&self, who: &Principal, id: &PlanId) -> Result<ResponsePlan> {
        let mut conn = self.k().read().await?;
        self.visible_plan(&mut conn, who, Action::ReadPlans, id)
            .await
    }

    /// Creates a plan of `org_id` (default: the caller's org unit), which must lie in the
    /// caller's subtree.
    pub async fn create_plan(
        &self,
        who: &Principal,
        org_id: Option<&str>,
        draft: &PlanDraft,
        ctx: &RequestCtx,
    ) -> Result<ResponsePlan> {
        authorize(who, Action::ManagePlans, Scope::Org(&who.org_path))
            .map_err(AppError::denied_scope)?;
        let org_id = org_id.unwrap_or(&who.org_id);
        // PostgreSQL refuses NUL in text; such an id names no org unit.
        let org = if org_id.contains('\0') {
            None
        } else {
            let mut conn = self.k().read().await?;
            orgs::get(&mut conn, org_id).await?
        };
        let spec = rules::validate(draft);
        let (spec, org) = match (spec, org) {
            (Ok(spec), Some(org)) => (spec, org),
            (spec, org) => {
                let mut errs: Vec<FieldError> = spec
                    .err()
                    .unwrap_or_default()
                    .into_iter()
                    .map(field_error)
                    .collect();
                if org.is_none() {
                    errs.push(FieldError::new(
                        "org_id",
                        field::PLAN_ORG.code,
                        "no such org unit",
                    ));
                }
                return Err(AppError::Validation(errs));
            }
        };
        authorize(who, Action::ManagePlans, Scope::Org(&org.path))
            .map_err(AppError::denied_scope)?;
        let now = self.now_us();
        let plan = ResponsePlan {
            id: PlanId::new(),
            org_id: OrgId::from(org.id.as_str()),
            org_path: org.path.clone(),
            spec,
            created_at: now,
            updated_at: now,
        };
        self.k()
            .write(who, ctx, async |tx| {
                refuse_taken_key(tx.db(), &plan, None).await?;
                pq::insert_plan(tx.db(), &plan)
                    .await
                    .map_err(|e| taken_key_conflict(e, &plan.spec))?;
                tx.audit(
                    "plan.create",
                    ("response_plan", plan.id.as_str()),
                    &plan.org_path,
                    spec_json(&plan.spec),
                )
                .await?;
                Ok(plan.clone())
            })
            .await
    }

    /// Replaces what a plan of the caller's subtree says.
    pub async fn update_plan(
        &self,
        who: &Principal,
        id: &PlanId,
        draft: &PlanDraft,
        ctx: &RequestCtx,
    ) -> Result<ResponsePlan> {
        authorize(who, Action::ManagePlans, Scope::Org(&who.org_path))
            .map_err(AppError::denied_scope)?;
        let spec = rules::validate(draft)
            .map_err(|errs| AppError::Validation(errs.into_iter().map(field_error).collect()))?;
        let now = self.now_us();
        self.k()
            .write(who, ctx, async |tx| {
                let old = self.writable_plan(tx.db(), who, id).await?;
                let plan = ResponsePlan {
                    spec: spec.clone(),
                    updated_at: now,
                    ..old.clone()
                };
                refuse_taken_key(tx.db(), &plan, Some(id)).await?;
                pq::update_plan(tx.db(), id, &plan.spec, now)
                    .await
                    .map_err(|e| taken_key_conflict(e, &plan.spec))?;
                let detail = serde_json::json!({
                    "before": spec_json(&old.spec),
                    "after": spec_json(&plan.spec),
                });
                tx.audit(
                    "plan.update",
                    ("response_plan", id.as_str()),
                    &plan.org_path,
                    detail,
                )
                .await?;
                Ok(plan)
            })
            .await
    }

    pub async fn delete_plan(&self, who: &Principal, id: &PlanId, ctx: &RequestCtx) -> Result<()> {
        authorize(who, Action::ManagePlans, Scope::Org(&who.org_path))
            .map_err(AppError::denied_scope)?;
        self.k()
            .write(who, ctx, async |tx| {
                let old = self.writable_plan(tx.db(), who, id).await?;
                pq::delete_plan(tx.db(), id).await?;
                tx.audit(
                    "plan.delete",
                    ("response_plan", id.as_str()),
                    &old.org_path,
                    spec_json(&old.spec),
                )
                .await?;
                Ok(())
            })
            .await
    }

    /// The plan that applies to an incident the caller can see, if any.
    pub async fn plan_for_incident(
        &self,
        who: &Principal,
        incident_id: &IncidentId,
    ) -> Result<Option<ResponsePlan>> {
        let mut conn = self.k().read().await?;
        let i = self.visible_incident(&mut conn, who, incident_id).await?;
        applicable_plan(&mut conn, &i).await
    }

    /// A plan the caller may read (one that applies at its org unit, or one of its subtree),
    /// else 404.
    async fn visible_plan(
        &self,
        conn: &mut impl Conn,
        who: &Principal,
        action: Action,
        id: &PlanId,
    ) -> Result<ResponsePlan> {
        authorize(who, action, Scope::Org(&who.org_path)).map_err(AppError::denied_scope)?;
        if id.as_str().contains('\0') {
            return Err(AppError::NotFound { what: "plan" });
        }
        let p = pq::get_plan(conn, id)
            .await?
            .ok_or(AppError::NotFound { what: "plan" })?;
        let applies_here = who.org_path.starts_with(&p.org_path);
        if applies_here || authorize(who, action, Scope::Org(&p.org_path)).is_ok() {
            Ok(p)
        } else {
            Err(AppError::NotFound { what: "plan" })
        }
    }

    /// A plan of the caller's subtree. A plan of a parent org unit, which the caller sees
    /// because it applies there, is refused with 403: it is the parent's to change.
    async fn writable_plan(
        &self,
        conn: &mut impl Conn,
        who: &Principal,
        id: &PlanId,
    ) -> Result<ResponsePlan> {
        let p = self
            .visible_plan(conn, who, Action::ManagePlans, id)
            .await?;
        authorize(who, Action::ManagePlans, Scope::Org(&p.org_path)).map_err(|_| {
            AppError::Forbidden(
                "the plan belongs to a parent org unit; only it may change it".into(),
            )
        })?;
        Ok(p)
    }
}

/// The plan that applies to an incident (see `jingwu_command::plans` for the rule).
pub(super) async fn applicable_plan(
    conn: &mut impl Conn,
    i: &jingwu_store::command::ScopedIncident,
) -> Result<Option<ResponsePlan>> {
    let plans = pq::plans_applying_at(conn, &i.org_path).await?;
    Ok(rules::applicable(
        &plans,
        &i.org_path,
        i.incident.subcategory,
        i.incident.priority,
    )
    .cloned())
}

fn field_error(e: rules::PlanFieldError) -> FieldError {
    FieldError::new(&e.field, e.code, e.reason)
}

async fn refuse_taken_key(
    conn: &mut impl Conn,
    plan: &ResponsePlan,
    except: Option<&PlanId>,
) -> Result<()> {
    match pq::plan_with_key(conn, plan.org_id.as_str(), &plan.spec, except).await? {
        Some(_) => Err(key_taken(&plan.spec)),
        None => Ok(()),
    }
}

/// The unique key refused the write: a concurrent writer took the incident type first.
fn taken_key_conflict(e: StoreError, spec: &PlanSpec) -> AppError {
    if e.is_unique_violation() {
        key_taken(spec)
    } else {
        e.into()
    }
}

fn key_taken(spec: &PlanSpec) -> AppError {
    AppError::Conflict {
        code: PLAN_EXISTS.code,
        detail: format!(
            "the org unit already has a plan for {} / {} / {}",
            spec.category,
            spec.subcategory
                .map_or("every sub-category", |s| s.as_str()),
            spec.priority.map_or("every priority", |p| p.as_str()),
        ),
    }
}

/// A plan as its audit entry records it.
fn spec_json(s: &PlanSpec) -> serde_json::Value {
    serde_json::json!({
        "name": s.name,
        "category": s.category,
        "subcategory": s.subcategory,
        "priority": s.priority,
        "slots": s.slots,
        "agencies": s.agencies,
    })
}
