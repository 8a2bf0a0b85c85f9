//! Response plans (预案) and the recommendation they drive: plans that apply in the caller's
//! jurisdiction and those of its subtree, their upkeep by admins, the plan that applies to an
//! incident, and the ranked units for an incident with the reason of each rank.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use jingwu_app::AppError;
use jingwu_command::plans::{PlanDraft, PlanId, ResponsePlan, SlotDraft};
use jingwu_core::{IncidentId, micros_to_timestamp};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::extract::{Caller, Ctx, Json, Query};
use crate::{ApiError, AppState, Problem};

/// One line of a plan: `count` units of `kind`, each carrying every piece of `equipment`.
#[derive(Debug, Serialize, ToSchema)]
pub struct PlanSlotView {
    #[schema(value_type = crate::openapi::UnitKindSchema)]
    pub kind: String,
    pub count: u8,
    /// Equipment codes a unit must carry to fill the slot.
    pub equipment: Vec<String>,
}

/// A response plan (预案): what to send to an incident of its type owned in its org unit's
/// subtree. The most specific matching plan applies (sub-category and priority, sub-category,
/// category and priority, category), then the nearest org unit's.
#[derive(Debug, Serialize, ToSchema)]
pub struct PlanView {
    pub id: String,
    /// The org unit the plan belongs to; it applies in its subtree.
    pub org_id: String,
    pub name: String,
    #[schema(value_type = crate::openapi::CategorySchema)]
    pub category: String,
    /// Absent: every sub-category of the category.
    #[schema(value_type = Option<crate::openapi::SubcategorySchema>)]
    pub subcategory: Option<String>,
    /// Absent: every priority.
    #[schema(value_type = Option<crate::openapi::PrioritySchema>)]
    pub priority: Option<String>,
    pub slots: Vec<PlanSlotView>,
    /// Agencies to notify (联动单位).
    #[schema(value_type = Vec<crate::openapi::AgencySchema>)]
    pub agencies: Vec<String>,
    pub created_at: String,
    pub updated_at: String,
}

impl From<ResponsePlan> for PlanView {
    fn from(p: ResponsePlan) -> Self {
        PlanView {
            id: p.id.into_string(),
            org_id: p.org_id.into_string(),
            name: p.spec.name,
            category: p.spec.category.as_str().into(),
            subcategory: p.spec.subcategory.map(|s| s.as_str().into()),
            priority: p.spec.priority.map(|s| s.as_str().into()),
            slots: p
                .spec
                .slots
                .into_iter()
                .map(|s| PlanSlotView {
                    kind: s.kind.as_str().into(),
                    count: s.count,
                    equipment: s.equipment,
                })
                .collect(),
            agencies: p.spec.agencies.iter().map(|a| a.as_str().into()).collect(),
            created_at: micros_to_timestamp(p.created_at).to_string(),
            updated_at: micros_to_timestamp(p.updated_at).to_string(),
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanSlotRequest {
    #[schema(value_type = crate::openapi::UnitKindSchema)]
    pub kind: String,
    #[schema(minimum = 1, maximum = 10)]
    pub count: i64,
    /// Up to 10 distinct codes of lowercase letters, digits and underscores.
    #[serde(default)]
    pub equipment: Vec<String>,
}

/// A plan as written by an admin. Invalid fields answer 422 naming each field
/// (`slots[1].count` …).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanRequest {
    #[schema(min_length = 1, max_length = 60)]
    pub name: String,
    #[schema(value_type = crate::openapi::CategorySchema)]
    pub category: String,
    #[schema(value_type = Option<crate::openapi::SubcategorySchema>)]
    pub subcategory: Option<String>,
    #[schema(value_type = Option<crate::openapi::PrioritySchema>)]
    pub priority: Option<String>,
    /// 1 to 10 slots.
    pub slots: Vec<PlanSlotRequest>,
    #[serde(default)]
    #[schema(value_type = Vec<crate::openapi::AgencySchema>)]
    pub agencies: Vec<String>,
    /// Creation only: the org unit the plan belongs to (default: the caller's); it must lie
    /// in the caller's subtree. A plan's org unit never changes.
    pub org_id: Option<String>,
}

impl PlanRequest {
    fn draft(self) -> PlanDraft {
        PlanDraft {
            name: self.name,
            category: self.category,
            subcategory: self.subcategory,
            priority: self.priority,
            slots: self
                .slots
                .into_iter()
                .map(|s| SlotDraft {
                    kind: s.kind,
                    count: s.count,
                    equipment: s.equipment,
                })
                .collect(),
            agencies: self.agencies,
        }
    }
}

/// The plans that apply at the caller's org unit (its own and its ancestors') and those of its
/// subtree.
#[utoipa::path(get, path = "/api/v1/plans", tag = "command", security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, body = Vec<PlanView>),
        (status = 403, body = Problem, content_type = "application/problem+json")))]
pub async fn list_plans(
    State(s): State<AppState>,
    caller: Caller,
) -> Result<axum::Json<Vec<PlanView>>, ApiError> {
    let plans = s.app.command().list_plans(&caller.principal).await?;
    Ok(axum::Json(plans.into_iter().map(PlanView::from).collect()))
}

/// Create a plan (admins, for their subtree; audited).
#[utoipa::path(post, path = "/api/v1/plans", tag = "command", security(("bearer" = []), ("cookie" = [])),
    request_body = PlanRequest,
    responses((status = 201, body = PlanView),
        (status = 403, description = "`forbidden`, or `out_of_scope` for an org unit outside the caller's subtree", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`plan_exists`: the org unit has a plan for this category, sub-category and priority", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn create_plan(
    State(s): State<AppState>,
    Ctx(ctx): Ctx,
    caller: Caller,
    Json(r): Json<PlanRequest>,
) -> Result<(StatusCode, axum::Json<PlanView>), ApiError> {
    let org_id = r.org_id.clone();
    let plan = s
        .app
        .command()
        .create_plan(&caller.principal, org_id.as_deref(), &r.draft(), &ctx)
        .await?;
    Ok((StatusCode::CREATED, axum::Json(plan.into())))
}

/// One plan the caller may read.
#[utoipa::path(get, path = "/api/v1/plans/{id}", tag = "command", security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "Plan id")),
    responses((status = 200, body = PlanView),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn get_plan(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<PlanId>,
) -> Result<axum::Json<PlanView>, ApiError> {
    let plan = s.app.command().get_plan(&caller.principal, &id).await?;
    Ok(axum::Json(plan.into()))
}

/// Replace what a plan of the caller's subtree says (audited). A plan of a parent org unit,
/// which applies here, answers 403: it is the parent's to change.
#[utoipa::path(put, path = "/api/v1/plans/{id}", tag = "command", security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "Plan id")),
    request_body = PlanRequest,
    responses((status = 200, body = PlanView),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`plan_exists`", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn update_plan(
    State(s): State<AppState>,
    Ctx(ctx): Ctx,
    caller: Caller,
    Path(id): Path<PlanId>,
    Json(r): Json<PlanRequest>,
) -> Result<axum::Json<PlanView>, ApiError> {
    if r.org_id.is_some() {
        return Err(AppError::invalid(
            "org_id",
            jingwu_command::error_codes::field::PLAN_ORG.code,
            "a plan's org unit does not change; create a plan there instead",
        )
        .into());
    }
    let plan = s
        .app
        .command()
        .update_plan(&caller.principal, &id, &r.draft(), &ctx)
        .await?;
    Ok(axum::Json(plan.into()))
}

/// Delete a plan of the caller's subtree (audited).
#[utoipa::path(delete, path = "/api/v1/plans/{id}", tag = "command", security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "Plan id")),
    responses((status = 204, description = "deleted"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn delete_plan(
    State(s): State<AppState>,
    Ctx(ctx): Ctx,
    caller: Caller,
    Path(id): Path<PlanId>,
) -> Result<StatusCode, ApiError> {
    s.app
        .command()
        .delete_plan(&caller.principal, &id, &ctx)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The plan that applies to an incident.
#[derive(Debug, Serialize, ToSchema)]
pub struct AppliedPlan {
    /// Absent when no plan applies.
    pub plan: Option<PlanView>,
}

/// The plan that applies to an incident the caller can see (the linkage reads its agencies).
#[utoipa::path(get, path = "/api/v1/incidents/{id}/plan", tag = "command", security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "Incident id")),
    responses((status = 200, body = AppliedPlan),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn incident_plan(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<IncidentId>,
) -> Result<axum::Json<AppliedPlan>, ApiError> {
    let plan = s
        .app
        .command()
        .plan_for_incident(&caller.principal, &id)
        .await?;
    Ok(axum::Json(AppliedPlan {
        plan: plan.map(PlanView::from),
    }))
}

/// The plan slot a recommended unit fills.
#[derive(Debug, Serialize, ToSchema)]
pub struct SlotRef {
    /// Index into the plan's `slots`.
    pub index: usize,
    #[schema(value_type = crate::openapi::UnitKindSchema)]
    pub kind: String,
    pub equipment: Vec<String>,
}

/// A recommended unit with the reason of its rank: its ETA, its type fit and the plan slot it
/// fills.
#[derive(Debug, Serialize, ToSchema)]
pub struct RecommendationView {
    pub unit_id: String,
    pub call_sign: String,
    #[schema(value_type = crate::openapi::UnitKindSchema)]
    pub kind: String,
    pub org_id: String,
    pub org_name_zh: String,
    #[schema(value_type = crate::openapi::TierSchema)]
    pub tier: String,
    /// How the unit travels: its ETA is at this mode's speeds on the roads it may use.
    #[schema(value_type = crate::openapi::TravelModeSchema)]
    pub travel_mode: String,
    /// Road travel time to the incident, seconds.
    pub eta_s: f64,
    /// Straight-line distance, metres (for reference only).
    pub distance_m: f64,
    #[schema(value_type = crate::openapi::FitLevelSchema)]
    pub fit: String,
    /// Why the kind fits as it does.
    pub fit_reason: String,
    /// Age of the unit's position fix, seconds.
    pub fix_age_s: i64,
    /// The plan slot the unit fills; absent when it fills none.
    pub plan_slot: Option<SlotRef>,
}

/// A plan slot that no unit within reach could fill (completely).
#[derive(Debug, Serialize, ToSchema)]
pub struct UnfilledSlotView {
    /// Index into the plan's `slots`.
    pub index: usize,
    #[schema(value_type = crate::openapi::UnitKindSchema)]
    pub kind: String,
    pub equipment: Vec<String>,
    /// Units the slot asks for, and units found for it.
    pub wanted: u8,
    pub found: u8,
}

/// The recommendation for an incident, in the order of `order`.
#[derive(Debug, Serialize, ToSchema)]
pub struct RecommendationsView {
    /// `plan_then_eta`: the plan's slots filled with the eligible units that arrive first
    /// (those units first, by ETA), then every other unit strictly by ETA; `eta`: no plan
    /// applies, strictly by ETA. Equal ETAs: better fit, then call sign.
    pub order: String,
    /// The plan that applied, if any.
    pub plan: Option<PlanView>,
    pub units: Vec<RecommendationView>,
    pub unfilled: Vec<UnfilledSlotView>,
    /// Agencies the plan asks to notify.
    #[schema(value_type = Vec<crate::openapi::AgencySchema>)]
    pub notify: Vec<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct RecommendParams {
    /// 1 to 50; default 10.
    #[param(minimum = 1, maximum = 50)]
    pub limit: Option<u32>,
}

/// Available units the caller may task for an incident: the applicable response plan's slots
/// filled with the eligible units that arrive first, the others strictly by road travel time
/// (live closures applied); each with its ETA, type fit and plan slot.
#[utoipa::path(get, path = "/api/v1/incidents/{id}/recommendations", tag = "command", security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "Incident id"), RecommendParams),
    responses(
        (status = 200, body = RecommendationsView),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json",
            description = "`incident_closed`, or `precondition_failed` without a road network"),
    ))]
pub async fn recommend(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<IncidentId>,
    Query(p): Query<RecommendParams>,
) -> Result<axum::Json<RecommendationsView>, ApiError> {
    let limit = match p.limit.unwrap_or(10) {
        n @ 1..=50 => n as usize,
        n => {
            return Err(ApiError::field(
                StatusCode::BAD_REQUEST,
                "limit",
                "invalid_query",
                format!("{n} is out of range 1..=50"),
            ));
        }
    };
    let recs = s
        .app
        .command()
        .recommend(&caller.principal, &id, limit)
        .await?;
    let notify = recs.notify().iter().map(|a| a.as_str().into()).collect();
    let slots = recs.plan.as_ref().map_or(&[][..], |p| &p.spec.slots);
    let slot_ref = |index: usize| {
        slots.get(index).map(|s| SlotRef {
            index,
            kind: s.kind.as_str().into(),
            equipment: s.equipment.clone(),
        })
    };
    let units = recs
        .units
        .iter()
        .map(|r| RecommendationView {
            unit_id: r.unit_id.clone(),
            call_sign: r.call_sign.clone(),
            kind: r.kind.to_string(),
            org_id: r.org_id.clone(),
            org_name_zh: r.org_name_zh.clone(),
            tier: r.tier.as_str().into(),
            travel_mode: r.travel_mode.as_str().into(),
            eta_s: r.eta_s,
            distance_m: r.distance_m,
            fit: r.fit.as_str().into(),
            fit_reason: r.fit_reason.into(),
            fix_age_s: r.fix_age_s,
            plan_slot: r.plan_slot.and_then(slot_ref),
        })
        .collect();
    let unfilled = recs
        .unfilled
        .iter()
        .filter_map(|u| {
            let s = slots.get(u.slot)?;
            Some(UnfilledSlotView {
                index: u.slot,
                kind: s.kind.as_str().into(),
                equipment: s.equipment.clone(),
                wanted: u.wanted,
                found: u.found,
            })
        })
        .collect();
    Ok(axum::Json(RecommendationsView {
        order: if recs.plan.is_some() {
            "plan_then_eta"
        } else {
            "eta"
        }
        .into(),
        plan: recs.plan.map(PlanView::from),
        units,
        unfilled,
        notify,
    }))
}
