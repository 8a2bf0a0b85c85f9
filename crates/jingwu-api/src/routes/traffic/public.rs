//! Messages, the road-event feed and accident quick settlement over HTTP.

use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use jingwu_app::{NewAccident, NewMessage, NewRoadEvent};
use jingwu_traffic::messages::{MessageKind, MessageStatus};
use jingwu_traffic::records::{self as rec, AccidentId, MessageId, RoadEventId};
use jingwu_traffic::road_events::RoadEventKind;
use jingwu_traffic::settlement::{AccidentFacts, Liability};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{time, ts};
use crate::extract::{Caller, Ctx, Json, Query};
use crate::{ApiError, AppState, Problem};

#[derive(Debug, Serialize, ToSchema)]
pub struct TrafficMessage {
    pub id: String,
    /// `tip`, `complaint`, `question`.
    pub kind: String,
    pub subject: String,
    pub body: String,
    /// `open`, `answered`.
    pub status: String,
    pub created_at: String,
    pub reply: Option<String>,
    pub replied_at: Option<String>,
}

impl From<rec::Message> for TrafficMessage {
    fn from(m: rec::Message) -> Self {
        TrafficMessage {
            id: m.id.into_string(),
            kind: m.kind.as_str().into(),
            subject: m.subject,
            body: m.body,
            status: m.status.as_str().into(),
            created_at: ts(m.created_at),
            reply: m.reply,
            replied_at: m.replied_at.map(ts),
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewMessageRequest {
    /// `tip`, `complaint` or `question`.
    #[schema(value_type = String)]
    pub kind: MessageKind,
    pub subject: String,
    pub body: String,
}

/// Write to the traffic police (a citizen).
#[utoipa::path(post, path = "/api/v1/traffic/messages", tag = "traffic", security(("bearer" = []), ("cookie" = [])),
    request_body = NewMessageRequest,
    responses((status = 201, body = TrafficMessage),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn send_message(
    State(s): State<AppState>,
    Ctx(ctx): Ctx,
    caller: Caller,
    Json(r): Json<NewMessageRequest>,
) -> Result<(StatusCode, axum::Json<TrafficMessage>), ApiError> {
    let m = s
        .app
        .traffic()
        .send_message(
            &caller.principal,
            &NewMessage {
                kind: r.kind,
                subject: r.subject,
                body: r.body,
            },
            &ctx,
        )
        .await?;
    Ok((StatusCode::CREATED, axum::Json(m.into())))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct MessageQuery {
    /// Staff: only this status (`open`, `answered`).
    #[param(value_type = Option<String>)]
    pub status: Option<MessageStatus>,
}

/// A citizen's own messages; for traffic staff, their jurisdiction's (oldest first).
#[utoipa::path(get, path = "/api/v1/traffic/messages", tag = "traffic", security(("bearer" = []), ("cookie" = [])),
    params(MessageQuery),
    responses((status = 200, body = Vec<TrafficMessage>),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json")))]
pub async fn messages(
    State(s): State<AppState>,
    caller: Caller,
    Query(q): Query<MessageQuery>,
) -> Result<axum::Json<Vec<TrafficMessage>>, ApiError> {
    let list = s
        .app
        .traffic()
        .messages(&caller.principal, q.status)
        .await?;
    Ok(axum::Json(list.into_iter().map(Into::into).collect()))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReplyRequest {
    pub reply: String,
}

/// Answer a message (traffic staff, once).
#[utoipa::path(post, path = "/api/v1/traffic/messages/{id}/reply", tag = "traffic", security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "Message id")),
    request_body = ReplyRequest,
    responses((status = 200, body = TrafficMessage),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`message_answered`", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn reply(
    State(s): State<AppState>,
    Ctx(ctx): Ctx,
    caller: Caller,
    Path(id): Path<MessageId>,
    Json(r): Json<ReplyRequest>,
) -> Result<axum::Json<TrafficMessage>, ApiError> {
    Ok(axum::Json(
        s.app
            .traffic()
            .reply_message(&caller.principal, &id, &r.reply, &ctx)
            .await?
            .into(),
    ))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RoadEventView {
    pub id: String,
    /// `accident`, `closure`, `control`, `construction`.
    pub kind: String,
    pub street: String,
    pub description: String,
    /// [lat, lon] points: the place, or the stretch affected.
    pub line: Vec<[f64; 2]>,
    pub both_ways: bool,
    /// Travel time multiplied by this on its roads; absent when it closes them.
    pub slowdown: Option<f64>,
    pub starts_at: String,
    pub ends_at: Option<String>,
}

impl From<rec::RoadEvent> for RoadEventView {
    fn from(e: rec::RoadEvent) -> Self {
        let slowdown = e.slowdown();
        RoadEventView {
            id: e.id.into_string(),
            kind: e.kind.as_str().into(),
            street: e.street,
            description: e.description,
            line: e.line.iter().map(|(a, b)| [*a, *b]).collect(),
            both_ways: e.both_ways,
            slowdown,
            starts_at: ts(e.starts_at),
            ends_at: e.ends_at.map(ts),
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewRoadEventRequest {
    /// `accident`, `closure`, `control` or `construction`.
    #[schema(value_type = String)]
    pub kind: RoadEventKind,
    pub street: String,
    pub description: String,
    /// "lat lon lat lon …" (WGS 84): the place, or the stretch affected (up to 200 points).
    pub line: String,
    #[serde(default = "yes")]
    pub both_ways: bool,
    /// For an event that does not close its road (`accident`, `construction`): its travel
    /// time is multiplied by this (more than 1, at most 20); default 3.
    pub speed_factor: Option<f64>,
    /// RFC 3339; default now.
    pub starts_at: Option<String>,
    /// RFC 3339; open-ended when absent.
    pub ends_at: Option<String>,
}

fn yes() -> bool {
    true
}

/// Publish a road event for the map-app feed (traffic police).
#[utoipa::path(post, path = "/api/v1/traffic/road-events", tag = "traffic", security(("bearer" = []), ("cookie" = [])),
    request_body = NewRoadEventRequest,
    responses((status = 201, body = RoadEventView),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn publish_road_event(
    State(s): State<AppState>,
    Ctx(ctx): Ctx,
    caller: Caller,
    Json(r): Json<NewRoadEventRequest>,
) -> Result<(StatusCode, axum::Json<RoadEventView>), ApiError> {
    let n = NewRoadEvent {
        kind: r.kind,
        street: r.street,
        description: r.description,
        line: r.line,
        both_ways: r.both_ways,
        speed_factor: r.speed_factor,
        starts_at_us: r
            .starts_at
            .as_deref()
            .map(|t| time("starts_at", t))
            .transpose()?,
        ends_at_us: r
            .ends_at
            .as_deref()
            .map(|t| time("ends_at", t))
            .transpose()?,
    };
    let e = s
        .app
        .traffic()
        .publish_road_event(&caller.principal, &n, &ctx)
        .await?;
    Ok((StatusCode::CREATED, axum::Json(e.into())))
}

/// Withdraw a road event.
#[utoipa::path(post, path = "/api/v1/traffic/road-events/{id}/withdraw", tag = "traffic", security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "Road event id")),
    responses((status = 204, description = "withdrawn"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`road_event_withdrawn`", body = Problem, content_type = "application/problem+json")))]
pub async fn withdraw_road_event(
    State(s): State<AppState>,
    Ctx(ctx): Ctx,
    caller: Caller,
    Path(id): Path<RoadEventId>,
) -> Result<StatusCode, ApiError> {
    s.app
        .traffic()
        .withdraw_road_event(&caller.principal, &id, &ctx)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

fn feed(body: serde_json::Value, content_type: &'static str) -> Response {
    (
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "public, max-age=60"),
        ],
        body.to_string(),
    )
        .into_response()
}

/// The road events in force, as GeoJSON (public: for map apps).
#[utoipa::path(get, path = "/api/v1/traffic/road-events.geojson", tag = "traffic",
    responses((status = 200, description = "a FeatureCollection", body = Object, content_type = "application/geo+json")))]
pub async fn road_events_geojson(State(s): State<AppState>) -> Result<Response, ApiError> {
    let events = s.app.traffic().live_road_events().await?;
    Ok(feed(
        jingwu_traffic::road_events::geojson(&events),
        "application/geo+json",
    ))
}

/// The road events in force in the shape of Waze's closure and incident feed (CIFS; public).
#[utoipa::path(get, path = "/api/v1/traffic/road-events/cifs.json", tag = "traffic",
    responses((status = 200, description = "`{\"incidents\": […]}`", body = Object, content_type = "application/json")))]
pub async fn road_events_cifs(State(s): State<AppState>) -> Result<Response, ApiError> {
    let events = s.app.traffic().live_road_events().await?;
    Ok(feed(
        jingwu_traffic::road_events::cifs(&events),
        "application/json",
    ))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AccidentView {
    pub id: String,
    /// `awaiting_other`, `settled`, `police_review`, `assigned`.
    pub status: String,
    pub occurred_at: String,
    pub place: String,
    pub lat: f64,
    pub lon: f64,
    pub plate_a: String,
    pub plate_b: String,
    /// `full`, `main`, `equal`, `minor`, `none`.
    pub liability_a: Option<String>,
    pub liability_b: Option<String>,
    pub account: String,
    pub created_at: String,
}

impl From<rec::Accident> for AccidentView {
    fn from(a: rec::Accident) -> Self {
        AccidentView {
            id: a.id.into_string(),
            status: a.status.as_str().into(),
            occurred_at: ts(a.occurred_at),
            place: a.place,
            lat: a.lat,
            lon: a.lon,
            plate_a: a.plate_a,
            plate_b: a.plate_b,
            liability_a: a.liability_a.map(|l| l.as_str().into()),
            liability_b: a.liability_b.map(|l| l.as_str().into()),
            account: a.account,
            created_at: ts(a.created_at),
        }
    }
}

/// What the parties state (each `all_*` is about every vehicle or driver involved).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AccidentFactsRequest {
    pub injured: bool,
    pub parties_agree: bool,
    pub all_plated: bool,
    pub hazmat: bool,
    pub hit_structure: bool,
    pub all_licensed: bool,
    pub impaired: bool,
    pub all_movable: bool,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewAccidentRequest {
    /// RFC 3339, within the last 7 days.
    pub occurred_at: String,
    pub place: String,
    pub lat: f64,
    pub lon: f64,
    pub my_plate: String,
    /// The other party's registered mobile number.
    pub other_mobile: String,
    pub other_plate: String,
    pub facts: AccidentFactsRequest,
    pub account: String,
    /// The filer's share: `full`, `main`, `equal`, `minor` or `none`.
    #[schema(value_type = String)]
    pub my_liability: Liability,
}

/// File a minor accident with the other party (quick settlement). Refused with every coded
/// reason (`CASUALTY`, `NO_PLATE`, `HAZMAT` …) when the parties must not settle it themselves;
/// when they disagree on the facts it goes to the police to assign liability.
#[utoipa::path(post, path = "/api/v1/traffic/accidents", tag = "traffic", security(("bearer" = []), ("cookie" = [])),
    request_body = NewAccidentRequest,
    responses((status = 201, body = AccidentView),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`settlement_refused` (the reasons in the detail)", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn file_accident(
    State(s): State<AppState>,
    Ctx(ctx): Ctx,
    caller: Caller,
    Json(r): Json<NewAccidentRequest>,
) -> Result<(StatusCode, axum::Json<AccidentView>), ApiError> {
    let f = r.facts;
    let n = NewAccident {
        occurred_at_us: time("occurred_at", &r.occurred_at)?,
        place: r.place,
        lat: r.lat,
        lon: r.lon,
        my_plate: r.my_plate,
        other_mobile: r.other_mobile,
        other_plate: r.other_plate,
        facts: AccidentFacts {
            injured: f.injured,
            parties_agree: f.parties_agree,
            all_plated: f.all_plated,
            hazmat: f.hazmat,
            hit_structure: f.hit_structure,
            all_licensed: f.all_licensed,
            impaired: f.impaired,
            all_movable: f.all_movable,
        },
        account: r.account,
        my_liability: r.my_liability,
    };
    let a = s
        .app
        .traffic()
        .file_accident(&caller.principal, &n, &ctx)
        .await?;
    Ok((StatusCode::CREATED, axum::Json(a.into())))
}

/// A citizen's accidents; for traffic staff, those awaiting a police decision.
#[utoipa::path(get, path = "/api/v1/traffic/accidents", tag = "traffic", security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, body = Vec<AccidentView>),
        (status = 403, body = Problem, content_type = "application/problem+json")))]
pub async fn accidents(
    State(s): State<AppState>,
    caller: Caller,
) -> Result<axum::Json<Vec<AccidentView>>, ApiError> {
    let list = s.app.traffic().accidents(&caller.principal).await?;
    Ok(axum::Json(list.into_iter().map(Into::into).collect()))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConfirmRequest {
    /// True: the facts and liabilities are agreed (settled); false: ask the police.
    pub agree: bool,
}

/// The other party confirms (or disputes) a filed accident.
#[utoipa::path(post, path = "/api/v1/traffic/accidents/{id}/confirm", tag = "traffic", security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "Accident id")),
    request_body = ConfirmRequest,
    responses((status = 200, body = AccidentView),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`accident_state`", body = Problem, content_type = "application/problem+json")))]
pub async fn confirm_accident(
    State(s): State<AppState>,
    Ctx(ctx): Ctx,
    caller: Caller,
    Path(id): Path<AccidentId>,
    Json(r): Json<ConfirmRequest>,
) -> Result<axum::Json<AccidentView>, ApiError> {
    Ok(axum::Json(
        s.app
            .traffic()
            .confirm_accident(&caller.principal, &id, r.agree, &ctx)
            .await?
            .into(),
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssignRequest {
    #[schema(value_type = String)]
    pub liability_a: Liability,
    #[schema(value_type = String)]
    pub liability_b: Liability,
}

/// The police assign liability to a disputed accident (traffic staff).
#[utoipa::path(post, path = "/api/v1/traffic/accidents/{id}/liability", tag = "traffic", security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "Accident id")),
    request_body = AssignRequest,
    responses((status = 200, body = AccidentView),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`accident_state`", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn assign_liability(
    State(s): State<AppState>,
    Ctx(ctx): Ctx,
    caller: Caller,
    Path(id): Path<AccidentId>,
    Json(r): Json<AssignRequest>,
) -> Result<axum::Json<AccidentView>, ApiError> {
    Ok(axum::Json(
        s.app
            .traffic()
            .assign_liability(&caller.principal, &id, r.liability_a, r.liability_b, &ctx)
            .await?
            .into(),
    ))
}
