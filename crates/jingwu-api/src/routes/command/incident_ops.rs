//! Incident hand-over/escalation, duplicate merge, EIDO export, and the response evaluation
//! shown in the incident detail.

use axum::extract::{Path, State};
use axum::http::header;
use axum::response::IntoResponse;
use jingwu_app::ResponseEvaluation;
use jingwu_command::response::{Basis, ResponseOutcome};
use jingwu_core::IncidentId;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::extract::{Caller, Ctx, Json};
use crate::{ApiError, AppState, Problem};

fn secs(us: Option<i64>) -> Option<f64> {
    us.map(|v| v as f64 / 1e6)
}

/// Segment durations of an incident, seconds (null while an end is missing).
#[derive(Debug, Serialize, ToSchema)]
pub struct SegmentsView {
    /// created → dispatched (接警处理).
    pub processing_s: Option<f64>,
    /// dispatched → acknowledged (签收).
    pub acknowledge_s: Option<f64>,
    /// dispatched → en route (出发).
    pub turnout_s: Option<f64>,
    /// en route → on scene (途中).
    pub travel_s: Option<f64>,
    /// dispatched → on scene (到场).
    pub arrival_s: Option<f64>,
    /// created → on scene (响应).
    pub response_s: Option<f64>,
    /// created → closed (办结).
    pub close_s: Option<f64>,
}

/// One target and whether it was met.
#[derive(Debug, Serialize, ToSchema)]
pub struct TargetView {
    /// `from_dispatch` (tier targets) or `from_created` (priority targets).
    pub basis: String,
    pub target_s: f64,
    /// Null until a unit is on scene.
    pub met: Option<bool>,
}

fn target(o: &ResponseOutcome) -> TargetView {
    TargetView {
        basis: match o.basis {
            Basis::FromDispatch => "from_dispatch",
            Basis::FromCreated => "from_created",
        }
        .into(),
        target_s: o.target_us as f64 / 1e6,
        met: o.met,
    }
}

/// The incident's response against the 1/3/5-minute target of the responding tier (the
/// first unit on scene: its org's tier, or armed patrol) and against its priority's target.
#[derive(Debug, Serialize, ToSchema)]
pub struct ResponseView {
    pub responding_unit_id: Option<String>,
    /// `station`, `armed_patrol`, `district` or `city`; null until a unit is on scene.
    #[schema(value_type = Option<crate::openapi::TierSchema>)]
    pub responding_tier: Option<String>,
    pub segments: Option<SegmentsView>,
    pub tier_target: Option<TargetView>,
    pub priority_target: Option<TargetView>,
    /// Set when the recorded times are out of order.
    pub timeline_error: Option<String>,
}

impl From<ResponseEvaluation> for ResponseView {
    fn from(e: ResponseEvaluation) -> Self {
        ResponseView {
            segments: e.priority.as_ref().map(|o| SegmentsView {
                processing_s: secs(o.processing_us),
                acknowledge_s: secs(o.acknowledge_us),
                turnout_s: secs(o.turnout_us),
                travel_s: secs(o.travel_us),
                arrival_s: secs(o.arrival_us),
                response_s: secs(o.response_us),
                close_s: secs(o.close_us),
            }),
            tier_target: e.tier.as_ref().map(target),
            priority_target: e.priority.as_ref().map(target),
            responding_unit_id: e.responding_unit_id,
            responding_tier: e.responding_tier.map(|t| t.as_str().to_string()),
            timeline_error: e.timeline_error,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HandoverRequest {
    /// Id of the org unit to take the incident over.
    pub to_org: String,
    /// Why (required; on the timeline and in the audit log).
    #[schema(min_length = 1, max_length = 500, pattern = r"\S")]
    pub reason: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct HandoverResponse {
    pub from_org: String,
    pub to_org: String,
    /// `escalation` (to an ancestor of the owner), `down` or `sideways`.
    pub direction: String,
}

impl From<jingwu_app::Handover> for HandoverResponse {
    fn from(h: jingwu_app::Handover) -> Self {
        HandoverResponse {
            from_org: h.from_org,
            to_org: h.to_org,
            direction: h.direction.as_str().into(),
        }
    }
}

/// Hand an incident over (移交) or escalate it (上报): the owner becomes `to_org`, which must
/// lie inside the caller's jurisdiction (down or sideways within it) or be an ancestor of the
/// caller's org (escalation); anything else answers 403 `out_of_scope`. Recorded on the
/// timeline as `handed_over` with from, to and reason. The receiving room then signs for it
/// (`POST /api/v1/incidents/{id}/sign-for`); until then both rooms see it awaiting sign-for.
#[utoipa::path(post, path = "/api/v1/incidents/{id}/handover", tag = "command", security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "Incident id")),
    request_body = HandoverRequest,
    responses(
        (status = 200, body = HandoverResponse),
        (status = 403, description = "`forbidden`, `out_of_scope`", body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`incident_closed`", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn handover(
    State(s): State<AppState>,
    Ctx(ctx): Ctx,
    caller: Caller,
    Path(id): Path<IncidentId>,
    Json(r): Json<HandoverRequest>,
) -> Result<axum::Json<HandoverResponse>, ApiError> {
    let h = s
        .app
        .command()
        .handover_incident(&caller.principal, &id, &r.to_org, &r.reason, &ctx)
        .await?;
    Ok(axum::Json(h.into()))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MergeRequest {
    /// The open incident this one duplicates, which survives.
    pub into: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MergeResponse {
    pub merged: String,
    pub into: String,
    /// Units that were still on the duplicate and were moved to the surviving incident.
    pub moved_units: Vec<String>,
}

/// Merge a likely duplicate (合并) into another open incident: the duplicate becomes `merged`;
/// units still on it move to the surviving incident with their status and times, and their
/// terminals get a `reassigned` message. Both timelines record the merge.
#[utoipa::path(post, path = "/api/v1/incidents/{id}/merge", tag = "command", security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "Id of the duplicate")),
    request_body = MergeRequest,
    responses(
        (status = 200, body = MergeResponse),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`incident_closed`", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn merge(
    State(s): State<AppState>,
    Ctx(ctx): Ctx,
    caller: Caller,
    Path(id): Path<IncidentId>,
    Json(r): Json<MergeRequest>,
) -> Result<axum::Json<MergeResponse>, ApiError> {
    let m = s
        .app
        .command()
        .merge_incident(&caller.principal, &id, &r.into.as_str().into(), &ctx)
        .await?;
    Ok(axum::Json(MergeResponse {
        merged: m.merged,
        into: m.into,
        moved_units: m.moved_units,
    }))
}

/// The incident as a NENA EIDO (Emergency Incident Data Object) JSON object, EIDO version
/// 1.0: incident, call and caller, units with crews and positions, timeline as notes, and the
/// owning agency.
#[utoipa::path(get, path = "/api/v1/incidents/{id}/eido", tag = "command", security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "Incident id")),
    responses(
        (status = 200, description = "NENA EIDO JSON object", body = Object, content_type = "application/json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn eido(
    State(s): State<AppState>,
    caller: Caller,
    Ctx(ctx): Ctx,
    Path(id): Path<IncidentId>,
) -> Result<impl IntoResponse, ApiError> {
    let v = s
        .app
        .command()
        .export_eido(&caller.principal, &id, &ctx)
        .await?;
    Ok(([(header::CONTENT_TYPE, "application/json")], axum::Json(v)))
}
