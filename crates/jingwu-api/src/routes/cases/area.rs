//! The handling area over HTTP: rooms; people brought in, their steps (safety check,
//! information collected, room moves, temporary leave and return), belongings, measures and
//! exit; one person's record (an audited view); the board of everyone inside with their
//! running clocks, and its live stream.

use std::convert::Infallible;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::sse::{Event, Sse};
use futures_util::Stream;
use jingwu_app::{
    AreaStep, BoardLine as AppBoardLine, CustodyView, LiveEvent, MeasureView as AppMeasure,
    NewBelonging, NewCustody, NewRoom,
};
use jingwu_cases::area::{
    AreaEvent, Belonging, Custody, LeavePurpose, Outcome, PersonRole, Room, RoomKind,
};
use jingwu_cases::case::IdKind;
use jingwu_cases::clock::Extension;
use jingwu_cases::error_codes::field;
use jingwu_cases::ids::{CaseId, CustodyId, RoomId};
use jingwu_cases::limits::LegalLimit;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::files::LegalClockView;
use super::time;
use crate::extract::{Caller, Ctx, Json, Query};
use crate::routes::dto::ts;
use crate::{ApiError, AppState, Problem};

// --- wire types ----------------------------------------------------------------------------

/// A room of a handling area.
#[derive(Debug, Serialize, ToSchema)]
pub struct AreaRoom {
    pub id: String,
    pub org_id: String,
    /// The door plate, unique in the unit.
    pub code: String,
    pub name: String,
    /// `GET /api/v1/cases/codes`, `room_kinds`.
    pub kind: String,
    pub active: bool,
}

impl From<Room> for AreaRoom {
    fn from(r: Room) -> Self {
        AreaRoom {
            id: r.id.into_string(),
            org_id: r.org_id,
            code: r.code,
            name: r.name,
            kind: r.kind.as_str().into(),
            active: r.active,
        }
    }
}

/// The legal limit a clock runs under.
#[derive(Debug, Serialize, ToSchema)]
pub struct LegalLimitBasis {
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    /// Law, article and text version, e.g. `《中华人民共和国人民警察法》第九条（2012）`.
    pub basis: String,
    pub base_minutes: i64,
    pub max_minutes: i64,
    /// The lowest level an extension's approver may belong to (`district`, `city`), or `null`.
    pub approver_level: Option<String>,
}

impl From<&LegalLimit> for LegalLimitBasis {
    fn from(l: &LegalLimit) -> Self {
        LegalLimitBasis {
            code: l.code.clone(),
            name_zh: l.name_zh.clone(),
            name_en: l.name_en.clone(),
            basis: l.basis(),
            base_minutes: l.base_minutes,
            max_minutes: l.max_minutes,
            approver_level: l.approver_level.map(|k| k.as_str().into()),
        }
    }
}

/// A requested extension of a legal clock and its decision.
#[derive(Debug, Serialize, ToSchema)]
pub struct ClockExtension {
    pub id: String,
    /// `measure` or `deadline`.
    pub clock: String,
    pub clock_id: String,
    pub minutes: i64,
    pub reason: String,
    pub requested_by: String,
    pub requested_at: String,
    /// `requested`, `approved`, `refused`.
    pub status: String,
    pub decided_by: Option<String>,
    /// The approver's unit level at the decision.
    pub decided_level: Option<String>,
    pub decided_at: Option<String>,
    pub decision_note: Option<String>,
}

impl From<Extension> for ClockExtension {
    fn from(e: Extension) -> Self {
        ClockExtension {
            id: e.id.into_string(),
            clock: e.clock.as_str().into(),
            clock_id: e.clock_id,
            minutes: e.minutes,
            reason: e.reason,
            requested_by: e.requested_by,
            requested_at: ts(e.requested_at),
            status: e.status.as_str().into(),
            decided_by: e.decided_by,
            decided_level: e.decided_level.map(|k| k.as_str().into()),
            decided_at: e.decided_at.map(ts),
            decision_note: e.decision_note,
        }
    }
}

/// A warning or expiry raised for a clock.
#[derive(Debug, Serialize, ToSchema)]
pub struct RaisedClockAlert {
    /// `first`, `second`, `third`, `expired`.
    pub level: String,
    /// When its point was reached.
    pub at: String,
}

/// A measure on a person with its clock.
#[derive(Debug, Serialize, ToSchema)]
pub struct AreaMeasure {
    pub id: String,
    pub limit: LegalLimitBasis,
    pub started_at: String,
    pub ended_at: Option<String>,
    pub decided_by: String,
    pub clock: LegalClockView,
    pub extensions: Vec<ClockExtension>,
    pub alerts: Vec<RaisedClockAlert>,
}

impl From<AppMeasure> for AreaMeasure {
    fn from(v: AppMeasure) -> Self {
        AreaMeasure {
            id: v.measure.id.into_string(),
            limit: (&v.limit).into(),
            started_at: ts(v.measure.started_at),
            ended_at: v.measure.ended_at.map(ts),
            decided_by: v.measure.decided_by,
            clock: v.clock.into(),
            extensions: v.extensions.into_iter().map(Into::into).collect(),
            alerts: v
                .alerts
                .into_iter()
                .map(|(a, at)| RaisedClockAlert {
                    level: a.as_str().into(),
                    at: ts(at),
                })
                .collect(),
        }
    }
}

/// A person in (or once in) a handling area.
#[derive(Debug, Serialize, ToSchema)]
pub struct AreaPerson {
    pub id: String,
    /// The unit whose area holds the person.
    pub org_id: String,
    pub case_id: Option<String>,
    pub name: String,
    /// `resident_id`, `passport`, `other`, `unknown`.
    pub id_kind: String,
    pub id_number: Option<String>,
    /// `suspect`, `witness`, `victim`, `other`.
    pub role: String,
    pub reason: String,
    /// 到案时间: every clock runs from here.
    pub arrived_at: String,
    pub entered_at: String,
    /// `in_area`, `out`, `exited`.
    pub status: String,
    pub room_id: Option<String>,
    pub handler_id: String,
    pub exit_at: Option<String>,
    pub outcome: Option<String>,
    pub outcome_note: Option<String>,
}

impl From<Custody> for AreaPerson {
    fn from(c: Custody) -> Self {
        AreaPerson {
            id: c.id.into_string(),
            org_id: c.org_id,
            case_id: c.case_id.map(CaseId::into_string),
            name: c.name,
            id_kind: c.id_kind.as_str().into(),
            id_number: c.id_number,
            role: c.role.as_str().into(),
            reason: c.reason,
            arrived_at: ts(c.arrived_at),
            entered_at: ts(c.entered_at),
            status: c.status.as_str().into(),
            room_id: c.room_id.map(RoomId::into_string),
            handler_id: c.handler_id,
            exit_at: c.exit_at.map(ts),
            outcome: c.outcome.map(|o| o.as_str().into()),
            outcome_note: c.outcome_note,
        }
    }
}

/// One thing that happened to a person, in order.
#[derive(Debug, Serialize, ToSchema)]
pub struct AreaEventView {
    pub seq: i64,
    /// `GET /api/v1/cases/codes`, `area_events`.
    pub kind: String,
    pub at: String,
    /// Who did it (`null`: the system, e.g. a warning).
    pub by_id: Option<String>,
    pub room_id: Option<String>,
    /// What the event records (its fields depend on the kind).
    #[schema(value_type = Object)]
    pub detail: serde_json::Value,
}

impl From<AreaEvent> for AreaEventView {
    fn from(e: AreaEvent) -> Self {
        AreaEventView {
            seq: e.seq,
            kind: e.kind.as_str().into(),
            at: ts(e.at),
            by_id: e.by_id,
            room_id: e.room_id.map(RoomId::into_string),
            detail: e.detail,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AreaBelonging {
    pub id: String,
    pub description: String,
    pub quantity: i64,
    /// When it was handed back (at the exit).
    pub returned_at: Option<String>,
}

impl From<Belonging> for AreaBelonging {
    fn from(b: Belonging) -> Self {
        AreaBelonging {
            id: b.id.into_string(),
            description: b.description,
            quantity: b.quantity,
            returned_at: b.returned_at.map(ts),
        }
    }
}

/// A person's whole record.
#[derive(Debug, Serialize, ToSchema)]
pub struct CustodyRecord {
    pub person: AreaPerson,
    /// Every measure taken, in order; the running one has no `ended_at`.
    pub measures: Vec<AreaMeasure>,
    pub events: Vec<AreaEventView>,
    pub belongings: Vec<AreaBelonging>,
}

impl From<CustodyView> for CustodyRecord {
    fn from(v: CustodyView) -> Self {
        CustodyRecord {
            person: v.custody.into(),
            measures: v.measures.into_iter().map(Into::into).collect(),
            events: v.events.into_iter().map(Into::into).collect(),
            belongings: v.belongings.into_iter().map(Into::into).collect(),
        }
    }
}

/// The running measure on the board.
#[derive(Debug, Serialize, ToSchema)]
pub struct AreaBoardMeasure {
    pub id: String,
    pub limit: LegalLimitBasis,
    pub clock: LegalClockView,
}

/// A person inside, with the running measure's clock.
#[derive(Debug, Serialize, ToSchema)]
pub struct AreaBoardLine {
    pub person: AreaPerson,
    pub measure: Option<AreaBoardMeasure>,
}

impl From<AppBoardLine> for AreaBoardLine {
    fn from(l: AppBoardLine) -> Self {
        AreaBoardLine {
            person: l.custody.into(),
            measure: l.measure.map(|(m, limit, clock)| AreaBoardMeasure {
                id: m.id.into_string(),
                limit: (&limit).into(),
                clock: clock.into(),
            }),
        }
    }
}

// --- rooms ---------------------------------------------------------------------------------

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct AreaOrgQuery {
    /// Org unit id; default the caller's own. Outside the caller's jurisdiction: 403
    /// `out_of_scope`.
    pub org: Option<String>,
}

/// The rooms of the handling areas under the caller's unit (or `org`). Handlers, legal
/// supervisors and administrators.
#[utoipa::path(get, path = "/api/v1/cases/area/rooms", tag = "cases", security(("bearer" = []), ("cookie" = [])),
    params(AreaOrgQuery),
    responses((status = 200, body = Vec<AreaRoom>),
        (status = 403, description = "`forbidden` or `out_of_scope`", body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn rooms(
    State(s): State<AppState>,
    caller: Caller,
    Query(q): Query<AreaOrgQuery>,
) -> Result<axum::Json<Vec<AreaRoom>>, ApiError> {
    let list = s
        .app
        .cases()
        .rooms(&caller.principal, q.org.as_deref())
        .await?;
    Ok(axum::Json(list.into_iter().map(Into::into).collect()))
}

/// A room as an administrator defines it.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AreaRoomRequest {
    /// The unit whose area it is (the caller's jurisdiction).
    pub org_id: String,
    /// Door plate, 1–16 letters, digits or dashes, unique in the unit.
    pub code: String,
    pub name: String,
    /// `GET /api/v1/cases/codes`, `room_kinds`.
    #[schema(value_type = String)]
    pub kind: RoomKind,
    #[serde(default = "yes")]
    pub active: bool,
}

fn yes() -> bool {
    true
}

impl From<AreaRoomRequest> for NewRoom {
    fn from(r: AreaRoomRequest) -> Self {
        NewRoom {
            org_id: r.org_id,
            code: r.code,
            name: r.name,
            kind: r.kind,
            active: r.active,
        }
    }
}

/// Add a room to the handling area of a unit (administrators).
#[utoipa::path(post, path = "/api/v1/cases/area/rooms", tag = "cases", security(("bearer" = []), ("cookie" = [])),
    request_body = AreaRoomRequest,
    responses((status = 201, body = AreaRoom),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn create_room(
    State(s): State<AppState>,
    Ctx(ctx): Ctx,
    caller: Caller,
    Json(r): Json<AreaRoomRequest>,
) -> Result<(StatusCode, axum::Json<AreaRoom>), ApiError> {
    let room = s
        .app
        .cases()
        .create_room(&caller.principal, &r.into(), &ctx)
        .await?;
    Ok((StatusCode::CREATED, axum::Json(room.into())))
}

/// Change a room: plate, name, kind, in use or not (administrators; a room stays with its
/// unit).
#[utoipa::path(put, path = "/api/v1/cases/area/rooms/{id}", tag = "cases", security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "Room id")),
    request_body = AreaRoomRequest,
    responses((status = 200, body = AreaRoom),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn update_room(
    State(s): State<AppState>,
    Ctx(ctx): Ctx,
    caller: Caller,
    Path(id): Path<RoomId>,
    Json(r): Json<AreaRoomRequest>,
) -> Result<axum::Json<AreaRoom>, ApiError> {
    let room = s
        .app
        .cases()
        .update_room(&caller.principal, &id, &r.into(), &ctx)
        .await?;
    Ok(axum::Json(room.into()))
}

// --- people --------------------------------------------------------------------------------

/// Everyone inside the handling areas under the caller's unit (or `org`), in the area or
/// temporarily out, with the running measure's clock — the least time left first. Handlers
/// and legal supervisors.
#[utoipa::path(get, path = "/api/v1/cases/area", tag = "cases", security(("bearer" = []), ("cookie" = [])),
    params(AreaOrgQuery),
    responses((status = 200, body = Vec<AreaBoardLine>),
        (status = 403, description = "`forbidden` or `out_of_scope`", body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn board(
    State(s): State<AppState>,
    caller: Caller,
    Query(q): Query<AreaOrgQuery>,
) -> Result<axum::Json<Vec<AreaBoardLine>>, ApiError> {
    let lines = s
        .app
        .cases()
        .board(&caller.principal, q.org.as_deref())
        .await?;
    Ok(axum::Json(lines.into_iter().map(Into::into).collect()))
}

/// A person brought into the area.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BringInRequest {
    pub name: String,
    /// `resident_id` (checked, GB 11643), `passport`, `other`, `unknown` (no number).
    #[schema(value_type = String)]
    pub id_kind: IdKind,
    pub id_number: Option<String>,
    /// `suspect`, `witness`, `victim`, `other`.
    #[schema(value_type = String)]
    pub role: PersonRole,
    /// The case reason (案由) or why the person was brought in.
    pub reason: String,
    /// 到案时间, RFC 3339: not in the future, at most 24 hours ago.
    pub arrived_at: String,
    /// The first measure: a legal limit code that applies to custody (`GET
    /// /api/v1/cases/limits`). Required for a suspect.
    pub measure: Option<String>,
    /// The case the person is brought in for (its unit then holds the record).
    pub case_id: Option<String>,
    /// The first room: a safety-check or waiting room of the area.
    pub room_id: Option<String>,
}

/// Bring a person into the handling area (handlers). The same identity number cannot be
/// inside twice: 409 `already_in_area`.
#[utoipa::path(post, path = "/api/v1/cases/area", tag = "cases", security(("bearer" = []), ("cookie" = [])),
    request_body = BringInRequest,
    responses((status = 201, body = CustodyRecord),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "the case is not in reach", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`already_in_area`, `room_unavailable`, `safety_check_first`", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn bring_in(
    State(s): State<AppState>,
    Ctx(ctx): Ctx,
    caller: Caller,
    Json(r): Json<BringInRequest>,
) -> Result<(StatusCode, axum::Json<CustodyRecord>), ApiError> {
    let n = NewCustody {
        arrived_at: time("arrived_at", &r.arrived_at)?,
        name: r.name,
        id_kind: r.id_kind,
        id_number: r.id_number,
        role: r.role,
        reason: r.reason,
        measure: r.measure,
        case_id: r.case_id.map(CaseId::from),
        room_id: r.room_id.map(RoomId::from),
    };
    let v = s.app.cases().bring_in(&caller.principal, &n, &ctx).await?;
    Ok((StatusCode::CREATED, axum::Json(v.into())))
}

/// A person's record: measures with their clocks and extensions, everything that happened,
/// belongings. Handlers of the holding unit's jurisdiction and the supervising legal office;
/// every look is recorded in the audit log.
#[utoipa::path(get, path = "/api/v1/cases/area/{id}", tag = "cases", security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "Custody record id")),
    responses((status = 200, body = CustodyRecord),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn person(
    State(s): State<AppState>,
    Ctx(ctx): Ctx,
    caller: Caller,
    Path(id): Path<CustodyId>,
) -> Result<axum::Json<CustodyRecord>, ApiError> {
    let v = s.app.cases().custody(&caller.principal, &id, &ctx).await?;
    Ok(axum::Json(v.into()))
}

/// What a step records.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AreaStepKind {
    SafetyCheck,
    InfoCollected,
    RoomMove,
    Leave,
    Return,
}

/// A step on a person in the area. `room_move` names `room_id`; `leave` names `purpose`,
/// `approved_by` (an account of a unit above the holding one) and `destination`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AreaStepRequest {
    pub kind: AreaStepKind,
    pub note: Option<String>,
    pub room_id: Option<String>,
    /// `recover_goods`, `identify_scene`, `identify_body`, `medical`.
    #[schema(value_type = Option<String>)]
    pub purpose: Option<LeavePurpose>,
    /// The approver's account id.
    pub approved_by: Option<String>,
    pub destination: Option<String>,
}

fn required<T>(name: &str, v: Option<T>) -> Result<T, ApiError> {
    v.ok_or_else(|| {
        ApiError::from(jingwu_app::AppError::invalid(
            name,
            field::TEXT.code,
            "required for this kind of step",
        ))
    })
}

impl AreaStepRequest {
    fn into_step(self) -> Result<AreaStep, ApiError> {
        let note = self.note.unwrap_or_default();
        Ok(match self.kind {
            AreaStepKind::SafetyCheck => AreaStep::SafetyCheck { note },
            AreaStepKind::InfoCollected => AreaStep::InfoCollected { note },
            AreaStepKind::RoomMove => AreaStep::RoomMove {
                room_id: RoomId::from(required("room_id", self.room_id)?),
            },
            AreaStepKind::Leave => AreaStep::Leave {
                purpose: required("purpose", self.purpose)?,
                approved_by: required("approved_by", self.approved_by)?,
                destination: required("destination", self.destination)?,
                note,
            },
            AreaStepKind::Return => AreaStep::Return { note },
        })
    }
}

/// Record a step: safety check, information collected, room move, temporary leave, return
/// (handlers). Once the clock has run out only the exit is accepted (409 `clock_expired`); a
/// person out of the area can only return.
#[utoipa::path(post, path = "/api/v1/cases/area/{id}/events", tag = "cases", security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "Custody record id")),
    request_body = AreaStepRequest,
    responses((status = 201, body = AreaEventView),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`custody_state`, `clock_expired`, `safety_check_first`, `room_unavailable`", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn step(
    State(s): State<AppState>,
    Ctx(ctx): Ctx,
    caller: Caller,
    Path(id): Path<CustodyId>,
    Json(r): Json<AreaStepRequest>,
) -> Result<(StatusCode, axum::Json<AreaEventView>), ApiError> {
    let step = r.into_step()?;
    let e = s
        .app
        .cases()
        .record_step(&caller.principal, &id, &step, &ctx)
        .await?;
    Ok((StatusCode::CREATED, axum::Json(e.into())))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AreaBelongingItem {
    pub description: String,
    /// 1 to 10000.
    pub quantity: i64,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AreaBelongingsRequest {
    /// 1 to 50 items.
    pub items: Vec<AreaBelongingItem>,
}

/// Record belongings kept while the person is in the area (handed back at the exit).
#[utoipa::path(post, path = "/api/v1/cases/area/{id}/belongings", tag = "cases", security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "Custody record id")),
    request_body = AreaBelongingsRequest,
    responses((status = 201, body = Vec<AreaBelonging>),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`custody_state`, `clock_expired`", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn belongings(
    State(s): State<AppState>,
    Ctx(ctx): Ctx,
    caller: Caller,
    Path(id): Path<CustodyId>,
    Json(r): Json<AreaBelongingsRequest>,
) -> Result<(StatusCode, axum::Json<Vec<AreaBelonging>>), ApiError> {
    let items: Vec<NewBelonging> = r
        .items
        .into_iter()
        .map(|b| NewBelonging {
            description: b.description,
            quantity: b.quantity,
        })
        .collect();
    let list = s
        .app
        .cases()
        .add_belongings(&caller.principal, &id, &items, &ctx)
        .await?;
    Ok((
        StatusCode::CREATED,
        axum::Json(list.into_iter().map(Into::into).collect()),
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AreaMeasureRequest {
    /// A legal limit code that applies to custody.
    pub limit_code: String,
}

/// Change the measure (handlers): the running one ends, the new one's clock runs from the
/// arrival time under its own legal basis.
#[utoipa::path(post, path = "/api/v1/cases/area/{id}/measures", tag = "cases", security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "Custody record id")),
    request_body = AreaMeasureRequest,
    responses((status = 201, body = AreaMeasure),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`custody_state`, `clock_expired` (also when the new limit has passed since the arrival)", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn measure(
    State(s): State<AppState>,
    Ctx(ctx): Ctx,
    caller: Caller,
    Path(id): Path<CustodyId>,
    Json(r): Json<AreaMeasureRequest>,
) -> Result<(StatusCode, axum::Json<AreaMeasure>), ApiError> {
    let m = s
        .app
        .cases()
        .change_measure(&caller.principal, &id, &r.limit_code, &ctx)
        .await?;
    Ok((StatusCode::CREATED, axum::Json(m.into())))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AreaExitRequest {
    /// `GET /api/v1/cases/codes`, `outcomes`.
    #[schema(value_type = String)]
    pub outcome: Outcome,
    /// Required for `transferred` (to whom) and `other`.
    pub note: Option<String>,
}

/// The person leaves with an outcome (handlers): the measure ends, belongings are handed
/// back, the record closes. The only step accepted once the clock has run out.
#[utoipa::path(post, path = "/api/v1/cases/area/{id}/exit", tag = "cases", security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "Custody record id")),
    request_body = AreaExitRequest,
    responses((status = 200, body = CustodyRecord),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`custody_state`", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn exit(
    State(s): State<AppState>,
    Ctx(ctx): Ctx,
    caller: Caller,
    Path(id): Path<CustodyId>,
    Json(r): Json<AreaExitRequest>,
) -> Result<axum::Json<CustodyRecord>, ApiError> {
    let v = s
        .app
        .cases()
        .exit(&caller.principal, &id, r.outcome, r.note.as_deref(), &ctx)
        .await?;
    Ok(axum::Json(v.into()))
}

/// The board's live stream: server-sent events `cases` (`{kind: "area", id}`) when someone in
/// the caller's jurisdiction came, moved, left or a clock warned, and `lagged` when events
/// were missed (refetch the board). Handlers and legal supervisors.
#[utoipa::path(get, path = "/api/v1/cases/area/events", tag = "cases", security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, description = "an endless `text/event-stream`", content_type = "text/event-stream", body = String),
        (status = 403, body = Problem, content_type = "application/problem+json")))]
pub async fn board_events(
    State(s): State<AppState>,
    caller: Caller,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, ApiError> {
    // Subscribe first so nothing committed meanwhile is lost.
    let rx = s.app.subscribe();
    s.app.cases().may_watch_area(&caller.principal)?;
    let who = caller.principal.clone();
    Ok(crate::routes::command::live::sse(
        crate::routes::command::live::Feed {
            app: s.app.clone(),
            token: Some(caller.token),
            allows: Box::new(move |e| {
                matches!(e, LiveEvent::Cases { kind: "area", org_path, .. }
                    if jingwu_app::Cases::hears_area(&who, org_path))
            }),
            rx,
        },
    ))
}

pub(super) fn routes(r: OpenApiRouter<AppState>) -> OpenApiRouter<AppState> {
    r.routes(routes!(rooms, create_room))
        .routes(routes!(update_room))
        .routes(routes!(board, bring_in))
        .routes(routes!(board_events))
        .routes(routes!(person))
        .routes(routes!(step))
        .routes(routes!(belongings))
        .routes(routes!(measure))
        .routes(routes!(exit))
}
