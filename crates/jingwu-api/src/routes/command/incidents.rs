use axum::extract::{Path, State};
use axum::http::StatusCode;
use jingwu_app::{IncidentFilter, NewIncident};
use jingwu_core::{IncidentId, micros_to_timestamp};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::extract::{Caller, Ctx, Json, Query};
use crate::routes::dto::query_instant;
use crate::{ApiError, AppState, Problem};

fn ts(us: i64) -> String {
    micros_to_timestamp(us).to_string()
}

/// An incident (警情).
#[derive(Debug, Serialize, ToSchema)]
pub struct Incident {
    pub id: String,
    /// Daily number, `YYYYMMDD-NNNNNN` (China Standard Time).
    pub number: String,
    /// Owning station.
    pub org_id: String,
    #[schema(value_type = crate::openapi::CategorySchema)]
    pub category: String,
    #[schema(value_type = crate::openapi::SubcategorySchema)]
    pub subcategory: String,
    /// `p1` (most urgent) to `p4`.
    #[schema(value_type = crate::openapi::PrioritySchema)]
    pub priority: String,
    #[schema(value_type = crate::openapi::SourceSchema)]
    pub source: String,
    pub caller_name: String,
    pub caller_phone: String,
    pub lat: f64,
    pub lon: f64,
    pub address: String,
    pub description: String,
    /// `new`, `dispatched`, `on_scene`, `closed` or `merged`.
    #[schema(value_type = crate::openapi::IncidentStatusSchema)]
    pub status: String,
    pub duplicate_of: Option<String>,
    pub created_at: String,
    pub dispatched_at: Option<String>,
    pub acknowledged_at: Option<String>,
    pub en_route_at: Option<String>,
    pub on_scene_at: Option<String>,
    pub closed_at: Option<String>,
    pub result_code: Option<String>,
    pub result_text: Option<String>,
    /// The command room it was handed over from, while the receiving room has not signed for
    /// it (签收); null otherwise.
    pub handover_from: Option<String>,
    /// When that hand-over happened, while it awaits the sign-for.
    pub handover_at: Option<String>,
}

impl From<jingwu_command::records::ScopedIncident> for Incident {
    fn from(s: jingwu_command::records::ScopedIncident) -> Self {
        let i = s.incident;
        Incident {
            id: i.id.into_string(),
            number: i.number,
            org_id: i.org_id.into_string(),
            category: i.category.to_string(),
            subcategory: i.subcategory.to_string(),
            priority: i.priority.to_string(),
            source: i.source.to_string(),
            caller_name: i.caller_name,
            caller_phone: i.caller_phone,
            lat: i.lat,
            lon: i.lon,
            address: i.address,
            description: i.description,
            status: i.status.to_string(),
            duplicate_of: i.duplicate_of.map(Into::into),
            created_at: ts(i.created_at),
            dispatched_at: i.dispatched_at.map(ts),
            acknowledged_at: i.acknowledged_at.map(ts),
            en_route_at: i.en_route_at.map(ts),
            on_scene_at: i.on_scene_at.map(ts),
            closed_at: i.closed_at.map(ts),
            result_code: i.result_code,
            result_text: i.result_text,
            handover_from: i.handover_from.map(Into::into),
            handover_at: i.handover_at.map(ts),
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewIncidentRequest {
    #[serde(default)]
    #[schema(max_length = 64)]
    pub caller_name: String,
    #[schema(min_length = 3, max_length = 20, pattern = r"^[0-9+\- ]+$")]
    pub caller_phone: String,
    #[schema(minimum = -90.0, maximum = 90.0)]
    pub lat: f64,
    #[schema(minimum = -180.0, maximum = 180.0)]
    pub lon: f64,
    #[serde(default)]
    #[schema(max_length = 200)]
    pub address: String,
    /// `criminal`, `public_order`, `traffic`, `fire_rescue`, `dispute`, `assistance`, `other`.
    #[schema(value_type = crate::openapi::CategorySchema)]
    pub category: String,
    /// A sub-category of the category (see the taxonomy in the API description).
    #[schema(value_type = crate::openapi::SubcategorySchema)]
    pub subcategory: String,
    /// `p1` to `p4`.
    #[schema(value_type = crate::openapi::PrioritySchema)]
    pub priority: String,
    /// `call_110`, `sms`, `app`, `video_patrol` or `walk_in`.
    #[schema(value_type = crate::openapi::SourceSchema)]
    pub source: String,
    #[schema(min_length = 1, max_length = 2000, pattern = r"\S")]
    pub description: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PossibleDuplicate {
    pub incident_id: String,
    pub number: String,
    /// 0..1, higher is more alike.
    pub score: f64,
    /// Why it was flagged: `same_event` (same category, ≤ 300 m, ≤ 10 min), `very_close`
    /// (any category, ≤ 50 m, ≤ 10 min), `same_caller` (same number, ≤ 30 min).
    pub reasons: Vec<String>,
    pub distance_m: f64,
    pub seconds_apart: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct IncidentCreatedResponse {
    pub incident: Incident,
    pub possible_duplicates: Vec<PossibleDuplicate>,
    /// Set when the location lies outside the caller's jurisdiction: the call was recorded in
    /// the caller's room and handed over to the owning station, which signs for it.
    pub handed_over: Option<super::incident_ops::HandoverResponse>,
}

/// Take an incident in (接警). The owning station is found from the location (nearest station
/// by road travel time); likely duplicates are flagged with their reasons (same category
/// nearby in space and time, any category a few metres away, the same caller number). A call
/// about a place outside the caller's jurisdiction is recorded in the caller's room and handed
/// over to the owning station in the same request (`handed_over`), awaiting its sign-for.
#[utoipa::path(post, path = "/api/v1/incidents", tag = "command", security(("bearer" = []), ("cookie" = [])),
    request_body = NewIncidentRequest,
    responses(
        (status = 201, body = IncidentCreatedResponse),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json",
            description = "`precondition_failed`: the jurisdiction tree has no station sites yet"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn create_incident(
    State(s): State<AppState>,
    Ctx(ctx): Ctx,
    caller: Caller,
    Json(r): Json<NewIncidentRequest>,
) -> Result<(StatusCode, axum::Json<IncidentCreatedResponse>), ApiError> {
    let n = NewIncident {
        caller_name: r.caller_name,
        caller_phone: r.caller_phone,
        lat: r.lat,
        lon: r.lon,
        address: r.address,
        category: r.category,
        subcategory: r.subcategory,
        priority: r.priority,
        source: r.source,
        description: r.description,
    };
    let created = s
        .app
        .command()
        .create_incident(&caller.principal, n, &ctx)
        .await?;
    let body = IncidentCreatedResponse {
        incident: created.incident.into(),
        possible_duplicates: created
            .possible_duplicates
            .into_iter()
            .map(|d| PossibleDuplicate {
                incident_id: d.found.id,
                number: d.number,
                score: d.found.score,
                reasons: d.found.reasons.iter().map(|r| r.as_str().into()).collect(),
                distance_m: d.found.distance_m,
                seconds_apart: d.found.seconds_apart,
            })
            .collect(),
        handed_over: created.handed_over.map(Into::into),
    };
    Ok((StatusCode::CREATED, axum::Json(body)))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct IncidentListParams {
    /// `new`, `dispatched`, `on_scene`, `closed` or `merged`.
    #[param(value_type = Option<crate::openapi::IncidentStatusSchema>)]
    pub status: Option<String>,
    /// Created at or after (RFC 3339).
    #[param(format = DateTime)]
    pub from: Option<String>,
    /// Created before (RFC 3339).
    #[param(format = DateTime)]
    pub to: Option<String>,
    /// 1 to 500; default 100.
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<u32>,
}

/// Incidents owned in the caller's jurisdiction, and those it handed over that await their
/// sign-for (`handover_from` set), newest first.
#[utoipa::path(get, path = "/api/v1/incidents", tag = "command", security(("bearer" = []), ("cookie" = [])),
    params(IncidentListParams),
    responses((status = 200, body = Vec<Incident>), (status = 403, body = Problem, content_type = "application/problem+json")))]
pub async fn list_incidents(
    State(s): State<AppState>,
    caller: Caller,
    Query(p): Query<IncidentListParams>,
) -> Result<axum::Json<Vec<Incident>>, ApiError> {
    let limit = match p.limit.unwrap_or(100) {
        n @ 1..=500 => i64::from(n),
        n => {
            return Err(ApiError::field(
                StatusCode::BAD_REQUEST,
                "limit",
                "invalid_query",
                format!("{n} is out of range 1..=500"),
            ));
        }
    };
    // The document lists the statuses; an unknown one is refused, not answered with nothing.
    let status = p
        .status
        .as_deref()
        .map(jingwu_command::incident::IncidentStatus::parse)
        .transpose()
        .map_err(|e| crate::extract::unknown_filter_value("status", e.to_string()))?;
    let f = IncidentFilter {
        status,
        from: p
            .from
            .as_deref()
            .map(|v| query_instant("from", v))
            .transpose()?,
        to: p
            .to
            .as_deref()
            .map(|v| query_instant("to", v))
            .transpose()?,
        limit,
    };
    let rows = s
        .app
        .command()
        .list_incidents(&caller.principal, &f)
        .await?;
    Ok(axum::Json(rows.into_iter().map(Incident::from).collect()))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TimelineEvent {
    pub at: String,
    /// `created`, `duplicate_flagged`, `dispatched`, `acknowledged`, `en_route`, `on_scene`,
    /// `cleared`, `cancelled`, `closed`, ...
    pub kind: String,
    pub actor_id: String,
    pub unit_id: Option<String>,
    pub detail: serde_json::Value,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AssignmentView {
    pub unit_id: String,
    /// 1 for the unit's first dispatch to the incident, 2 when sent again after a withdrawal…
    pub attempt: i64,
    pub status: String,
    pub eta_secs: Option<i64>,
    pub dispatched_at: String,
    pub acknowledged_at: Option<String>,
    pub en_route_at: Option<String>,
    pub on_scene_at: Option<String>,
    pub cleared_at: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct IncidentDetailResponse {
    pub incident: Incident,
    pub timeline: Vec<TimelineEvent>,
    pub assignments: Vec<AssignmentView>,
    /// Arrival against the responding tier's 1/3/5-minute target and the priority target.
    pub response: super::incident_ops::ResponseView,
}

/// One incident with its timeline and assignments.
///
/// The caller's name and number are shown in full here (lists show them masked), and each
/// view is recorded in the audit log.
#[utoipa::path(get, path = "/api/v1/incidents/{id}", tag = "command", security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "Incident id")),
    responses((status = 200, body = IncidentDetailResponse), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn get_incident(
    State(s): State<AppState>,
    caller: Caller,
    Ctx(ctx): Ctx,
    Path(id): Path<IncidentId>,
) -> Result<axum::Json<IncidentDetailResponse>, ApiError> {
    let d = s
        .app
        .command()
        .incident_detail(&caller.principal, &id, &ctx)
        .await?;
    let response = s
        .app
        .command()
        .incident_response(&caller.principal, &id)
        .await?
        .into();
    Ok(axum::Json(IncidentDetailResponse {
        response,
        incident: d.incident.into(),
        timeline: d
            .timeline
            .into_iter()
            .map(|e| TimelineEvent {
                at: ts(e.at),
                kind: e.kind.to_string(),
                actor_id: e.actor_id.into_string(),
                unit_id: e.unit_id.map(Into::into),
                detail: serde_json::from_str(&e.detail).unwrap_or(serde_json::Value::Null),
            })
            .collect(),
        assignments: d
            .assignments
            .into_iter()
            .map(|a| AssignmentView {
                attempt: a.attempt,
                unit_id: a.unit_id.into_string(),
                status: a.status.to_string(),
                eta_secs: a.eta_secs,
                dispatched_at: ts(a.dispatched_at),
                acknowledged_at: a.acknowledged_at.map(ts),
                en_route_at: a.en_route_at.map(ts),
                on_scene_at: a.on_scene_at.map(ts),
                cleared_at: a.cleared_at.map(ts),
            })
            .collect(),
    }))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DispatchRequest {
    #[schema(min_items = 1, max_items = 20)]
    pub unit_ids: Vec<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DispatchedUnit {
    pub unit_id: String,
    /// Sequence number of the assignment in the unit's terminal log.
    pub terminal_seq: i64,
}

/// Dispatch (派警): assign units. A unit is never assigned to two incidents: a unit no longer
/// available answers 409 `unit_not_available`. The city centre may task any unit, a bureau
/// its own subtree, a station its own units.
#[utoipa::path(post, path = "/api/v1/incidents/{id}/dispatch", tag = "command", security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "Incident id")),
    request_body = DispatchRequest,
    responses(
        (status = 200, body = Vec<DispatchedUnit>),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`unit_not_available`, `incident_closed`", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn dispatch(
    State(s): State<AppState>,
    Ctx(ctx): Ctx,
    caller: Caller,
    Path(id): Path<IncidentId>,
    Json(r): Json<DispatchRequest>,
) -> Result<axum::Json<Vec<DispatchedUnit>>, ApiError> {
    let done = s
        .app
        .command()
        .dispatch(&caller.principal, &id, &r.unit_ids, &ctx)
        .await?;
    Ok(axum::Json(
        done.into_iter()
            .map(|(unit_id, terminal_seq)| DispatchedUnit {
                unit_id,
                terminal_seq,
            })
            .collect(),
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CloseRequest {
    /// Result code (e.g. GA/T 2000.152 警情处理结果代码, or a local code).
    #[schema(min_length = 1, max_length = 32, pattern = r"\S")]
    pub result_code: String,
    /// What was found and done.
    #[schema(min_length = 4, max_length = 2000)]
    pub result_text: String,
}

/// Close (办结) with the result; every unit still on the incident is cleared.
#[utoipa::path(post, path = "/api/v1/incidents/{id}/close", tag = "command", security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "Incident id")),
    request_body = CloseRequest,
    responses(
        (status = 204, description = "closed"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn close(
    State(s): State<AppState>,
    Ctx(ctx): Ctx,
    caller: Caller,
    Path(id): Path<IncidentId>,
    Json(r): Json<CloseRequest>,
) -> Result<StatusCode, ApiError> {
    s.app
        .command()
        .close_incident(&caller.principal, &id, &r.result_code, &r.result_text, &ctx)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
