use axum::extract::{Path, State};
use axum::http::StatusCode;
use jingwu_app::Fix;
use jingwu_command::unit::{Actor, Requirement};
use jingwu_core::micros_to_timestamp;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::extract::{Caller, Ctx, Json, Query};
use crate::routes::dto::query_instant;
use crate::{ApiError, AppState, Problem};

/// A police unit: patrol car, foot patrol, motorcycle, armed patrol team or traffic unit.
#[derive(Debug, Serialize, ToSchema)]
pub struct Unit {
    pub id: String,
    pub call_sign: String,
    /// `patrol_car`, `foot_patrol`, `motorcycle`, `armed_patrol_team`, `traffic_unit`.
    #[schema(value_type = crate::openapi::UnitKindSchema)]
    pub kind: String,
    /// Home org unit.
    pub org_id: String,
    /// `off_duty`, `available`, `dispatched`, `en_route`, `on_scene`, `busy`.
    #[schema(value_type = crate::openapi::UnitStatusSchema)]
    pub status: String,
    pub status_since: String,
    /// Current incident, while dispatched, en route or on scene.
    pub incident_id: Option<String>,
    pub crew: Vec<String>,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub position_at: Option<String>,
    /// The statuses the unit's terminal may set next, under the unit status machine (a
    /// dispatch is a dispatcher's, so never offered here): the terminal's enabled buttons.
    pub next_statuses: Vec<NextStatus>,
}

/// One status the unit's terminal may set next.
#[derive(Debug, Serialize, ToSchema)]
pub struct NextStatus {
    #[schema(value_type = crate::openapi::UnitStatusSchema)]
    pub status: String,
    /// A cancellation back to available: the change needs a reason.
    pub reason_required: bool,
}

impl From<jingwu_app::UnitView> for Unit {
    fn from(s: jingwu_app::UnitView) -> Self {
        let u = s.unit;
        Unit {
            id: u.id.into_string(),
            call_sign: u.call_sign,
            kind: u.kind.to_string(),
            org_id: u.org_id.into_string(),
            status: u.status.to_string(),
            status_since: micros_to_timestamp(u.status_since).to_string(),
            incident_id: u.incident_id.map(Into::into),
            crew: u.crew,
            lat: u.lat,
            lon: u.lon,
            position_at: u.position_at.map(|t| micros_to_timestamp(t).to_string()),
            next_statuses: u
                .status
                .next_for(Actor::Terminal)
                .map(|t| NextStatus {
                    status: t.to.to_string(),
                    reason_required: t.requires == Requirement::Reason,
                })
                .collect(),
        }
    }
}

/// Units of the caller's jurisdiction.
#[utoipa::path(get, path = "/api/v1/units", tag = "command", security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, body = Vec<Unit>), (status = 403, body = Problem, content_type = "application/problem+json")))]
pub async fn list_units(
    State(s): State<AppState>,
    caller: Caller,
) -> Result<axum::Json<Vec<Unit>>, ApiError> {
    Ok(axum::Json(
        s.app
            .command()
            .list_units(&caller.principal)
            .await?
            .into_iter()
            .map(Unit::from)
            .collect(),
    ))
}

/// One unit (its officers may read their own unit).
#[utoipa::path(get, path = "/api/v1/units/{id}", tag = "command", security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "Unit id")),
    responses((status = 200, body = Unit), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn get_unit(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<axum::Json<Unit>, ApiError> {
    Ok(axum::Json(
        s.app
            .command()
            .get_unit(&caller.principal, &id)
            .await?
            .into(),
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StatusRequest {
    /// `available`, `en_route`, `on_scene`, `busy`, `off_duty` (dispatch goes through an incident).
    #[schema(value_type = crate::openapi::UnitStatusSchema)]
    pub status: String,
    /// Required when cancelling a dispatched or en-route unit back to available.
    #[serde(default)]
    pub reason: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StatusResponse {
    #[schema(value_type = crate::openapi::UnitStatusSchema)]
    pub status: String,
}

/// Change a unit's status under the status machine; illegal transitions answer 409
/// `illegal_transition` with the reason.
#[utoipa::path(post, path = "/api/v1/units/{id}/status", tag = "command", security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "Unit id")),
    request_body = StatusRequest,
    responses(
        (status = 200, body = StatusResponse),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`illegal_transition`", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn set_status(
    State(s): State<AppState>,
    Ctx(ctx): Ctx,
    caller: Caller,
    Path(id): Path<String>,
    Json(r): Json<StatusRequest>,
) -> Result<axum::Json<StatusResponse>, ApiError> {
    let to = s
        .app
        .command()
        .set_unit_status(&caller.principal, &id, &r.status, &r.reason, &ctx)
        .await?;
    Ok(axum::Json(StatusResponse {
        status: to.as_str().into(),
    }))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AcknowledgeRequest {
    pub incident_id: String,
}

/// 签收: the unit's terminal confirms it received its assignment.
#[utoipa::path(post, path = "/api/v1/units/{id}/acknowledge", tag = "command", security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "Unit id")),
    request_body = AcknowledgeRequest,
    responses(
        (status = 204, description = "acknowledged"),
        (status = 409, description = "`not_assigned`", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn acknowledge(
    State(s): State<AppState>,
    Ctx(ctx): Ctx,
    caller: Caller,
    Path(id): Path<String>,
    Json(r): Json<AcknowledgeRequest>,
) -> Result<StatusCode, ApiError> {
    s.app
        .command()
        .acknowledge(&caller.principal, &id, &r.incident_id.as_str().into(), &ctx)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct MessagesParams {
    /// Last sequence number the terminal has; default 0 (everything).
    pub after: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TerminalMessage {
    pub seq: i64,
    pub at: String,
    /// `assignment`, ...
    pub kind: String,
    pub body: serde_json::Value,
}

/// The unit's terminal messages after a sequence number: how a terminal that was offline
/// catches up without missing anything.
#[utoipa::path(get, path = "/api/v1/units/{id}/messages", tag = "command", security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "Unit id"), MessagesParams),
    responses((status = 200, body = Vec<TerminalMessage>), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn messages(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Query(p): Query<MessagesParams>,
) -> Result<axum::Json<Vec<TerminalMessage>>, ApiError> {
    let rows = s
        .app
        .command()
        .terminal_messages(&caller.principal, &id, p.after.unwrap_or(0))
        .await?;
    Ok(axum::Json(
        rows.into_iter()
            .map(|m| TerminalMessage {
                seq: m.seq,
                at: micros_to_timestamp(m.at).to_string(),
                kind: m.kind.to_string(),
                body: serde_json::from_str(&m.body).unwrap_or(serde_json::Value::Null),
            })
            .collect(),
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PositionFix {
    pub unit_id: String,
    /// Fix time (RFC 3339).
    #[schema(format = DateTime)]
    pub at: String,
    #[schema(minimum = -90.0, maximum = 90.0)]
    pub lat: f64,
    #[schema(minimum = -180.0, maximum = 180.0)]
    pub lon: f64,
    pub speed_kmh: Option<f64>,
    pub heading: Option<f64>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PositionBatch {
    /// Up to 5000 fixes.
    #[schema(max_items = 5000)]
    pub positions: Vec<PositionFix>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PositionsAccepted {
    pub accepted: usize,
}

/// AVL: a batch of position fixes from terminals (an offline queue may be replayed),
/// answered once stored. When positions arrive faster than they can be stored the batch is
/// refused whole with 503 `avl_overloaded` and `Retry-After` (send the newest fixes again).
#[utoipa::path(post, path = "/api/v1/avl", tag = "command", security(("bearer" = []), ("cookie" = [])),
    request_body = PositionBatch,
    responses(
        (status = 200, body = PositionsAccepted),
        (status = 422, body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "`avl_overloaded` or `server_stopping`: nothing stored; try again after `Retry-After`", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn avl(
    State(s): State<AppState>,
    AvlAdmission(caller): AvlAdmission,
    Json(b): Json<PositionBatch>,
) -> Result<axum::Json<PositionsAccepted>, ApiError> {
    let mut fixes = Vec::with_capacity(b.positions.len());
    for (i, p) in b.positions.into_iter().enumerate() {
        let at = p.at.parse::<jiff::Timestamp>().map_err(|e| {
            ApiError::field(
                StatusCode::UNPROCESSABLE_ENTITY,
                &format!("positions[{i}].at"),
                "invalid_field",
                e.to_string(),
            )
        })?;
        fixes.push(Fix {
            unit_id: p.unit_id,
            at_us: at.as_microsecond(),
            lat: p.lat,
            lon: p.lon,
            speed_kmh: p.speed_kmh,
            heading: p.heading,
        });
    }
    let accepted = s
        .app
        .command()
        .ingest_positions(&caller.principal, &fixes)
        .await?;
    Ok(axum::Json(PositionsAccepted { accepted }))
}

/// The caller, once admitted to send a batch: sheds it before its body is read when the
/// position writer is nearly full or the rate budget is spent (under a flood, parsing batches
/// that would be refused anyway is what saturates the server).
pub struct AvlAdmission(Caller);

impl axum::extract::FromRequestParts<AppState> for AvlAdmission {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        s: &AppState,
    ) -> Result<Self, ApiError> {
        let caller = Caller::from_request_parts(parts, s).await?;
        s.app.command().positions_admission(&caller.principal)?;
        Ok(AvlAdmission(caller))
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct TrackParams {
    /// From this instant (RFC 3339); default an hour before `to`.
    #[param(format = DateTime)]
    pub from: Option<String>,
    /// Up to this instant (RFC 3339), at most 24 hours after `from`; default now.
    #[param(format = DateTime)]
    pub to: Option<String>,
}

/// One fix of a unit's track.
#[derive(Debug, Serialize, ToSchema)]
pub struct TrackPoint {
    #[schema(format = DateTime)]
    pub at: String,
    pub lat: f64,
    pub lon: f64,
    pub speed_kmh: Option<f64>,
    pub heading: Option<f64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Track {
    pub unit_id: String,
    #[schema(format = DateTime)]
    pub from: String,
    #[schema(format = DateTime)]
    pub to: String,
    /// In time order, one per instant.
    pub fixes: Vec<TrackPoint>,
}

/// A unit's track (轨迹回放): its AVL fixes over a period of at most 24 hours, for whoever may
/// see the unit.
#[utoipa::path(get, path = "/api/v1/units/{id}/track", tag = "command", security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "Unit id"), TrackParams),
    responses(
        (status = 200, body = Track),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn track(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Query(p): Query<TrackParams>,
) -> Result<axum::Json<Track>, ApiError> {
    let to = match p.to.as_deref() {
        Some(v) => query_instant("to", v)?,
        None => jingwu_core::timestamp_to_micros(s.app.now()),
    };
    let from = match p.from.as_deref() {
        Some(v) => query_instant("from", v)?,
        None => to - 3_600_000_000,
    };
    let fixes = s
        .app
        .command()
        .unit_track(&caller.principal, &id, from, to)
        .await?;
    Ok(axum::Json(Track {
        unit_id: id,
        from: micros_to_timestamp(from).to_string(),
        to: micros_to_timestamp(to).to_string(),
        fixes: fixes
            .into_iter()
            .map(|f| TrackPoint {
                at: micros_to_timestamp(f.at).to_string(),
                lat: f.lat,
                lon: f.lon,
                speed_kmh: f.speed_kmh,
                heading: f.heading,
            })
            .collect(),
    }))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CrewRequest {
    /// Usernames of active officers in the caller's jurisdiction (at most 8); their terminals
    /// may then operate the unit.
    #[schema(max_items = 8)]
    pub crew: Vec<String>,
}

/// Set a unit's crew (admins and dispatchers whose jurisdiction holds the unit); audited.
#[utoipa::path(put, path = "/api/v1/units/{id}/crew", tag = "command", security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "Unit id")),
    request_body = CrewRequest,
    responses(
        (status = 200, body = Unit),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`validation_failed`: `crew[i]` names no active officer in scope", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn set_crew(
    State(s): State<AppState>,
    Ctx(ctx): Ctx,
    caller: Caller,
    Path(id): Path<String>,
    Json(r): Json<CrewRequest>,
) -> Result<axum::Json<Unit>, ApiError> {
    Ok(axum::Json(
        s.app
            .command()
            .set_unit_crew(&caller.principal, &id, &r.crew, &ctx)
            .await?
            .into(),
    ))
}
