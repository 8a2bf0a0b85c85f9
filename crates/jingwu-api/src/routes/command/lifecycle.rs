//! The incident after intake: update, notes, cancel and divert a unit, sign for a hand-over,
//! and the caller's history at intake.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use jingwu_app::{HistoryEntry, IncidentUpdate};
use jingwu_core::{IncidentId, micros_to_timestamp};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::incidents::Incident;
use crate::extract::{Caller, Ctx, Json, Query};
use crate::{ApiError, AppState, Problem};

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IncidentUpdateRequest {
    #[schema(minimum = -90.0, maximum = 90.0)]
    pub lat: Option<f64>,
    #[schema(minimum = -180.0, maximum = 180.0)]
    pub lon: Option<f64>,
    #[schema(max_length = 200)]
    pub address: Option<String>,
    #[schema(value_type = Option<crate::openapi::CategorySchema>)]
    pub category: Option<String>,
    #[schema(value_type = Option<crate::openapi::SubcategorySchema>)]
    pub subcategory: Option<String>,
    #[schema(value_type = Option<crate::openapi::PrioritySchema>)]
    pub priority: Option<String>,
}

/// Update an open incident (更正警情): location, address, category/sub-category, priority;
/// fields left out keep their value. The timeline gets `updated` with each change as old →
/// new, and the crew of every unit on the incident an `incident_updated` terminal message.
/// Only the owning command room (or a parent) may; nothing new answers 422 `update.empty`.
/// A new location in another station's area hands the incident over to that station, which
/// signs for it (`handed_over` on the timeline, `handover_from` set); a location outside the
/// bureau answers 422 `outside_bureau` and changes nothing.
#[utoipa::path(patch, path = "/api/v1/incidents/{id}", tag = "command", security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "Incident id")),
    request_body = IncidentUpdateRequest,
    responses(
        (status = 200, body = Incident),
        (status = 403, description = "`forbidden`, `out_of_scope`", body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`incident_closed`, `incident_changed`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`validation_failed`, `outside_bureau`", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn update_incident(
    State(s): State<AppState>,
    Ctx(ctx): Ctx,
    caller: Caller,
    Path(id): Path<IncidentId>,
    Json(r): Json<IncidentUpdateRequest>,
) -> Result<axum::Json<Incident>, ApiError> {
    let update = IncidentUpdate {
        lat: r.lat,
        lon: r.lon,
        address: r.address,
        category: r.category,
        subcategory: r.subcategory,
        priority: r.priority,
    };
    let i = s
        .app
        .command()
        .update_incident(&caller.principal, &id, &update, &ctx)
        .await?;
    Ok(axum::Json(i.into()))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NoteRequest {
    #[schema(min_length = 1, max_length = 2000, pattern = r"\S")]
    pub text: String,
    /// Also send it to the crew of every unit on the incident (`incident_updated`).
    #[serde(default)]
    pub for_crew: bool,
}

/// Add a note (备注) to an open incident's timeline (author and time recorded), optionally for
/// the crews on it.
#[utoipa::path(post, path = "/api/v1/incidents/{id}/notes", tag = "command", security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "Incident id")),
    request_body = NoteRequest,
    responses(
        (status = 204, description = "added"),
        (status = 403, description = "`forbidden`, `out_of_scope`", body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`incident_closed`", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn add_note(
    State(s): State<AppState>,
    Ctx(ctx): Ctx,
    caller: Caller,
    Path(id): Path<IncidentId>,
    Json(r): Json<NoteRequest>,
) -> Result<StatusCode, ApiError> {
    s.app
        .command()
        .add_note(&caller.principal, &id, &r.text, r.for_crew, &ctx)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CancelRequest {
    /// Why (required; on the timeline, in the audit log and told to the crew).
    #[schema(min_length = 1, max_length = 500, pattern = r"\S")]
    pub reason: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CancelResponse {
    /// Sequence number of the `cancelled` message in the unit's terminal log.
    pub terminal_seq: i64,
}

/// Cancel a unit's assignment (撤回): the unit becomes available, its crew gets a `cancelled`
/// message, and an incident with no unit left goes back to `new` (pending). The owning room may
/// withdraw any unit; a room that lent the unit may recall its own.
#[utoipa::path(post, path = "/api/v1/incidents/{id}/units/{unit_id}/cancel", tag = "command", security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "Incident id"), ("unit_id" = String, Path, description = "Unit id")),
    request_body = CancelRequest,
    responses(
        (status = 200, body = CancelResponse),
        (status = 403, description = "`forbidden`, `out_of_scope`", body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`not_assigned`, `incident_closed`, `unit_changed`", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn cancel_unit(
    State(s): State<AppState>,
    Ctx(ctx): Ctx,
    caller: Caller,
    Path((id, unit_id)): Path<(IncidentId, String)>,
    Json(r): Json<CancelRequest>,
) -> Result<axum::Json<CancelResponse>, ApiError> {
    let terminal_seq = s
        .app
        .command()
        .cancel_unit(&caller.principal, &id, &unit_id, &r.reason, &ctx)
        .await?;
    Ok(axum::Json(CancelResponse { terminal_seq }))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DivertRequest {
    /// The open incident the unit goes to instead.
    pub to_incident: String,
    #[schema(min_length = 1, max_length = 500, pattern = r"\S")]
    pub reason: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DivertResponse {
    /// Sequence number of the `cancelled` message (withdrawn from this incident).
    pub cancelled_seq: i64,
    /// Sequence number of the `assignment` message (sent to `to_incident`), right after it.
    pub assignment_seq: i64,
}

/// Divert a unit (改派) in one step: withdraw it from this incident and dispatch it to
/// `to_incident` in one transaction; the crew gets `cancelled`, then `assignment`.
#[utoipa::path(post, path = "/api/v1/incidents/{id}/units/{unit_id}/divert", tag = "command", security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "Incident the unit is on"), ("unit_id" = String, Path, description = "Unit id")),
    request_body = DivertRequest,
    responses(
        (status = 200, body = DivertResponse),
        (status = 403, description = "`forbidden`, `out_of_scope`", body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`not_assigned`, `incident_closed`, `unit_changed`", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn divert_unit(
    State(s): State<AppState>,
    Ctx(ctx): Ctx,
    caller: Caller,
    Path((id, unit_id)): Path<(IncidentId, String)>,
    Json(r): Json<DivertRequest>,
) -> Result<axum::Json<DivertResponse>, ApiError> {
    let (cancelled_seq, assignment_seq) = s
        .app
        .command()
        .divert_unit(
            &caller.principal,
            &id,
            &unit_id,
            &r.to_incident.as_str().into(),
            &r.reason,
            &ctx,
        )
        .await?;
    Ok(axum::Json(DivertResponse {
        cancelled_seq,
        assignment_seq,
    }))
}

/// Sign for (签收) an incident handed over to the caller's room: the hand-over stops awaiting,
/// the room it came from no longer sees it, and the timeline gets `signed_for`.
#[utoipa::path(post, path = "/api/v1/incidents/{id}/sign-for", tag = "command", security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "Incident id")),
    responses(
        (status = 204, description = "signed for"),
        (status = 403, description = "`forbidden`, `out_of_scope`", body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`handover_not_pending`, `incident_closed`", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn sign_for(
    State(s): State<AppState>,
    Ctx(ctx): Ctx,
    caller: Caller,
    Path(id): Path<IncidentId>,
) -> Result<StatusCode, ApiError> {
    s.app
        .command()
        .sign_for_incident(&caller.principal, &id, &ctx)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct CallerHistoryParams {
    /// The caller's number as typed (7 digits or more).
    pub phone: Option<String>,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
}

/// An earlier incident in a caller's history (no caller details: the dispatcher has them).
#[derive(Debug, Serialize, ToSchema)]
pub struct HistoryIncident {
    pub id: String,
    pub number: String,
    pub created_at: String,
    #[schema(value_type = crate::openapi::CategorySchema)]
    pub category: String,
    #[schema(value_type = crate::openapi::SubcategorySchema)]
    pub subcategory: String,
    #[schema(value_type = crate::openapi::PrioritySchema)]
    pub priority: String,
    #[schema(value_type = crate::openapi::IncidentStatusSchema)]
    pub status: String,
    pub address: String,
    pub result_code: Option<String>,
    pub result_text: Option<String>,
    /// From the location asked about, metres (`nearby` only).
    pub distance_m: Option<f64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CallerHistoryResponse {
    /// How many incidents came from this number (null without a usable number).
    pub by_phone_count: Option<i64>,
    /// The last ten of them, newest first.
    pub by_phone: Vec<HistoryIncident>,
    /// How many incidents were within 100 m of the location (null without one).
    pub nearby_count: Option<i64>,
    pub nearby: Vec<HistoryIncident>,
}

fn history(v: Vec<HistoryEntry>) -> Vec<HistoryIncident> {
    v.into_iter()
        .map(|h| {
            let i = h.incident;
            HistoryIncident {
                id: i.id.into_string(),
                number: i.number,
                created_at: micros_to_timestamp(i.created_at).to_string(),
                category: i.category.to_string(),
                subcategory: i.subcategory.to_string(),
                priority: i.priority.to_string(),
                status: i.status.to_string(),
                address: i.address,
                result_code: i.result_code,
                result_text: i.result_text,
                distance_m: h.distance_m,
            }
        })
        .collect()
}

/// Caller history at intake (历史警情): earlier incidents from this number and near this
/// location, within the caller's jurisdiction, newest first. The intake form asks as the
/// number is typed. Looking a number up is recorded in the audit log.
#[utoipa::path(get, path = "/api/v1/callers/history", tag = "command", security(("bearer" = []), ("cookie" = [])),
    params(CallerHistoryParams),
    responses(
        (status = 200, body = CallerHistoryResponse),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`history.query`: neither a number nor a location", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn caller_history(
    State(s): State<AppState>,
    Ctx(ctx): Ctx,
    caller: Caller,
    Query(p): Query<CallerHistoryParams>,
) -> Result<axum::Json<CallerHistoryResponse>, ApiError> {
    let at = p.lat.zip(p.lon);
    let h = s
        .app
        .command()
        .caller_history(&caller.principal, p.phone.as_deref(), at, &ctx)
        .await?;
    Ok(axum::Json(CallerHistoryResponse {
        by_phone_count: h.by_phone_count,
        by_phone: history(h.by_phone),
        nearby_count: h.nearby_count,
        nearby: history(h.nearby),
    }))
}
