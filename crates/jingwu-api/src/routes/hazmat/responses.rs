//! Responses to releases over HTTP: open, list, read with the live picture, linkage steps,
//! field readings, closing, CAP alerts.

use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use jingwu_app::{NewReading, NewResponse, ResponseDetail};
use jingwu_core::{IncidentId, TextEnum};
use jingwu_hazmat::records::{CapAlertId, ChemicalId, EnterpriseId, ReleaseKind, ResponseId};
use jingwu_hazmat::response::LinkageStep;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::registry::Chemical;
use super::ts;
use crate::extract::{Caller, Ctx, Json};
use crate::{ApiError, AppState, Problem};

/// A text code of a pure crate's enum, or a 422 naming the field.
fn parse<T: TextEnum>(field: &str, v: &str) -> Result<T, ApiError> {
    T::from_code(v).ok_or_else(|| {
        ApiError::from(jingwu_app::AppError::invalid(
            field,
            jingwu_core::problem_codes::field::KIND_UNKNOWN.code,
            format!(
                "one of {}",
                T::VARIANTS
                    .iter()
                    .map(|v| v.code())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ))
    })
}

#[derive(Debug, Serialize, ToSchema)]
pub struct HazmatResponse {
    pub id: String,
    pub org_id: String,
    pub incident_id: Option<String>,
    pub enterprise_id: Option<String>,
    pub title: String,
    pub chemical_id: String,
    pub lat: f64,
    pub lon: f64,
    /// `continuous` (amount in g/s) or `instantaneous` (amount in g).
    pub release_kind: String,
    pub amount: f64,
    pub height_m: f64,
    /// `small` or `large` (ERG).
    pub spill: String,
    pub sigma_set: String,
    pub terrain: String,
    /// `level_3`, `level_2` or `level_1` (highest).
    pub level: String,
    pub alarm_at: String,
    pub created_at: String,
    pub closed_at: Option<String>,
}

impl From<jingwu_hazmat::records::Response> for HazmatResponse {
    fn from(r: jingwu_hazmat::records::Response) -> Self {
        HazmatResponse {
            id: r.id.into_string(),
            org_id: r.org_id.into_string(),
            incident_id: r.incident_id.map(IncidentId::into_string),
            enterprise_id: r.enterprise_id.map(EnterpriseId::into_string),
            title: r.title,
            chemical_id: r.chemical_id.into_string(),
            lat: r.lat,
            lon: r.lon,
            release_kind: r.release_kind.to_string(),
            amount: r.amount,
            height_m: r.height_m,
            spill: r.spill.to_string(),
            sigma_set: r.sigma_set.to_string(),
            terrain: r.terrain.to_string(),
            level: r.level.to_string(),
            alarm_at: ts(r.alarm_at),
            created_at: ts(r.created_at),
            closed_at: r.closed_at.map(ts),
        }
    }
}

/// A linkage step against its target.
#[derive(Debug, Serialize, ToSchema)]
pub struct StepView {
    /// `alarm`, `dispatch`, `linkage` or `public_warning`.
    pub step: String,
    /// Seconds after the alarm it is due (0, 60, 180, 300).
    pub target_s: i64,
    pub due_at: String,
    pub done_at: Option<String>,
    pub late: bool,
    pub note: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReadingView {
    pub id: String,
    pub at: String,
    pub lat: f64,
    pub lon: f64,
    pub ppm: f64,
    /// `robot`, `drone` or `handheld`.
    pub source: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AlertView {
    pub id: String,
    pub identifier: String,
    pub msg_type: String,
    pub sent_at: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct HazmatResponseDetail {
    pub response: HazmatResponse,
    pub chemical: Chemical,
    pub steps: Vec<StepView>,
    pub readings: Vec<ReadingView>,
    /// The hazard picture from the live weather: `weather` (wind, speed, stability with its
    /// method, the stations used), `release` used (re-estimated from readings when there are
    /// any: `fit`), `zones` (threat zones per level of concern with flags and limits),
    /// `isolation`, `protective`, `geojson` (FeatureCollection, `[lon, lat]`), `impact`
    /// (enterprises, vehicles, key sites inside, road segments per zone), `fire_units` ranked
    /// by road travel time, `suggested_level`. Null when no usable weather is near.
    #[schema(value_type = Object)]
    pub picture: Option<serde_json::Value>,
    /// Why there is no picture.
    pub weather_problem: Option<String>,
    pub alerts: Vec<AlertView>,
}

impl From<ResponseDetail> for HazmatResponseDetail {
    fn from(d: ResponseDetail) -> Self {
        let steps = d
            .steps
            .iter()
            .map(|s| StepView {
                step: s.step.to_string(),
                target_s: s.step.target_s(),
                due_at: s.due_at.to_string(),
                done_at: s.done_at.map(|t| t.to_string()),
                late: s.late,
                note: d
                    .steps_done
                    .iter()
                    .find(|x| x.step == s.step)
                    .map(|x| x.note.clone()),
            })
            .collect();
        HazmatResponseDetail {
            response: d.response.into(),
            chemical: d.chemical.into(),
            steps,
            readings: d
                .readings
                .into_iter()
                .map(|r| ReadingView {
                    id: r.id.into_string(),
                    at: ts(r.at),
                    lat: r.lat,
                    lon: r.lon,
                    ppm: r.ppm,
                    source: r.source.to_string(),
                })
                .collect(),
            picture: d
                .picture
                .map(|p| serde_json::to_value(p).unwrap_or(serde_json::Value::Null)),
            weather_problem: d.weather_problem,
            alerts: d
                .alerts
                .into_iter()
                .map(|a| AlertView {
                    id: a.id,
                    identifier: a.identifier,
                    msg_type: a.msg_type,
                    sent_at: ts(a.sent_at),
                })
                .collect(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct HazmatResponseSummary {
    pub response: HazmatResponse,
    pub chemical_name_zh: String,
    pub chemical_name_en: String,
    pub steps_done: usize,
}

/// Responses in the caller's jurisdiction, open ones first.
#[utoipa::path(get, path = "/api/v1/hazmat/responses", tag = "hazmat", security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, body = Vec<HazmatResponseSummary>),
        (status = 403, body = Problem, content_type = "application/problem+json")))]
pub async fn list_responses(
    State(s): State<AppState>,
    caller: Caller,
) -> Result<axum::Json<Vec<HazmatResponseSummary>>, ApiError> {
    let list = s.app.hazmat().responses(&caller.principal).await?;
    Ok(axum::Json(
        list.into_iter()
            .map(|r| HazmatResponseSummary {
                response: r.response.into(),
                chemical_name_zh: r.chemical_name_zh,
                chemical_name_en: r.chemical_name_en,
                steps_done: r.steps_done,
            })
            .collect(),
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OpenResponseRequest {
    /// The org unit that commands it (id or code; default the caller's).
    pub org: Option<String>,
    /// The 110 incident this answers.
    pub incident_id: Option<String>,
    /// The enterprise where it happened (its position is used when lat/lon are absent).
    pub enterprise_id: Option<String>,
    pub title: String,
    pub chemical_id: String,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    /// `continuous` (amount g/s) or `instantaneous` (amount g).
    pub release_kind: String,
    pub amount: f64,
    /// Effective release height (m); default 0 (ground level).
    #[serde(default)]
    pub height_m: f64,
    /// `small` or `large` (ERG); default `large`.
    pub spill: Option<String>,
    /// `briggs_urban` (default), `briggs_rural`, `isc3_rural` or `martin1976`.
    pub sigma_set: Option<String>,
    /// `urban` (default) or `rural`.
    pub terrain: Option<String>,
}

/// Open a response to a release; the alarm step is recorded (at the 110 incident's intake
/// time when it answers one).
#[utoipa::path(post, path = "/api/v1/hazmat/responses", tag = "hazmat", security(("bearer" = []), ("cookie" = [])),
    request_body = OpenResponseRequest,
    responses((status = 201, body = HazmatResponseDetail),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn open_response(
    State(s): State<AppState>,
    Ctx(ctx): Ctx,
    caller: Caller,
    Json(r): Json<OpenResponseRequest>,
) -> Result<(StatusCode, axum::Json<HazmatResponseDetail>), ApiError> {
    let n = NewResponse {
        org: r.org,
        incident_id: r.incident_id.map(IncidentId::from),
        enterprise_id: r.enterprise_id.map(EnterpriseId::from),
        title: r.title,
        chemical_id: ChemicalId::from(r.chemical_id),
        lat: r.lat,
        lon: r.lon,
        release_kind: parse::<ReleaseKind>("release_kind", &r.release_kind)?,
        amount: r.amount,
        height_m: r.height_m,
        spill: parse("spill", r.spill.as_deref().unwrap_or("large"))?,
        sigma_set: parse(
            "sigma_set",
            r.sigma_set.as_deref().unwrap_or("briggs_urban"),
        )?,
        terrain: parse("terrain", r.terrain.as_deref().unwrap_or("urban"))?,
    };
    let d = s
        .app
        .hazmat()
        .open_response(&caller.principal, &n, &ctx)
        .await?;
    Ok((StatusCode::CREATED, axum::Json(d.into())))
}

/// One response with the hazard picture computed from the weather now.
#[utoipa::path(get, path = "/api/v1/hazmat/responses/{id}", tag = "hazmat", security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "Response id")),
    responses((status = 200, body = HazmatResponseDetail),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn get_response(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<ResponseId>,
) -> Result<axum::Json<HazmatResponseDetail>, ApiError> {
    let d = s.app.hazmat().response(&caller.principal, &id).await?;
    Ok(axum::Json(d.into()))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StepRequest {
    #[serde(default)]
    #[schema(max_length = 500)]
    pub note: String,
}

/// Record a linkage step as done now (`dispatch`, `linkage`, `public_warning`; each once).
#[utoipa::path(post, path = "/api/v1/hazmat/responses/{id}/steps/{step}", tag = "hazmat", security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "Response id"), ("step" = String, Path, description = "Linkage step code")),
    request_body = StepRequest,
    responses((status = 200, body = HazmatResponseDetail),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`step_done`, `response_closed`", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn record_step(
    State(s): State<AppState>,
    Ctx(ctx): Ctx,
    caller: Caller,
    Path((id, step)): Path<(ResponseId, String)>,
    Json(r): Json<StepRequest>,
) -> Result<axum::Json<HazmatResponseDetail>, ApiError> {
    let step = LinkageStep::from_code(&step).ok_or_else(|| {
        ApiError::from(jingwu_app::AppError::invalid(
            "step",
            jingwu_hazmat::error_codes::field::STEP_UNKNOWN.code,
            "alarm, dispatch, linkage or public_warning",
        ))
    })?;
    let d = s
        .app
        .hazmat()
        .record_step(&caller.principal, &id, step, &r.note, &ctx)
        .await?;
    Ok(axum::Json(d.into()))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReadingRequest {
    pub lat: f64,
    pub lon: f64,
    /// Measured concentration (ppm by volume).
    pub ppm: f64,
    /// `robot`, `drone` or `handheld`.
    pub source: String,
}

/// Add a gas-concentration reading; the picture re-estimates the release from all readings.
#[utoipa::path(post, path = "/api/v1/hazmat/responses/{id}/readings", tag = "hazmat", security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "Response id")),
    request_body = ReadingRequest,
    responses((status = 200, body = HazmatResponseDetail),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`response_closed`", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn add_reading(
    State(s): State<AppState>,
    Ctx(ctx): Ctx,
    caller: Caller,
    Path(id): Path<ResponseId>,
    Json(r): Json<ReadingRequest>,
) -> Result<axum::Json<HazmatResponseDetail>, ApiError> {
    let n = NewReading {
        lat: r.lat,
        lon: r.lon,
        ppm: r.ppm,
        source: parse("source", &r.source)?,
    };
    let d = s
        .app
        .hazmat()
        .add_reading(&caller.principal, &id, &n, &ctx)
        .await?;
    Ok(axum::Json(d.into()))
}

/// Close a response.
#[utoipa::path(post, path = "/api/v1/hazmat/responses/{id}/close", tag = "hazmat", security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "Response id")),
    responses((status = 200, body = HazmatResponseDetail),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`response_closed`", body = Problem, content_type = "application/problem+json")))]
pub async fn close_response(
    State(s): State<AppState>,
    Ctx(ctx): Ctx,
    caller: Caller,
    Path(id): Path<ResponseId>,
) -> Result<axum::Json<HazmatResponseDetail>, ApiError> {
    let d = s
        .app
        .hazmat()
        .close_response(&caller.principal, &id, &ctx)
        .await?;
    Ok(axum::Json(d.into()))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AlertRequest {
    /// `Alert` (first), `Update` or `Cancel` (these reference the previous alert).
    pub msg_type: String,
    /// Mark it `Exercise` instead of `Actual`.
    #[serde(default)]
    pub exercise: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct IssuedAlert {
    pub id: String,
    pub identifier: String,
    pub msg_type: String,
    pub sent_at: String,
    /// The CAP 1.2 XML.
    pub xml: String,
}

/// Issue a CAP 1.2 public alert for the response's current picture (Chinese and English;
/// isolation circle, protective square and the worst threat zone as areas). The first alert
/// records the public-warning step.
#[utoipa::path(post, path = "/api/v1/hazmat/responses/{id}/alerts", tag = "hazmat", security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "Response id")),
    request_body = AlertRequest,
    responses((status = 201, body = IssuedAlert),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`no_fresh_weather`, `response_closed`", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn issue_alert(
    State(s): State<AppState>,
    Ctx(ctx): Ctx,
    caller: Caller,
    Path(id): Path<ResponseId>,
    Json(r): Json<AlertRequest>,
) -> Result<(StatusCode, axum::Json<IssuedAlert>), ApiError> {
    let a = s
        .app
        .hazmat()
        .issue_alert(&caller.principal, &id, &r.msg_type, r.exercise, &ctx)
        .await?;
    Ok((
        StatusCode::CREATED,
        axum::Json(IssuedAlert {
            id: a.id.into_string(),
            identifier: a.identifier,
            msg_type: a.msg_type,
            sent_at: ts(a.sent_at),
            xml: a.xml,
        }),
    ))
}

/// One issued alert as CAP 1.2 XML (`application/cap+xml`).
#[utoipa::path(get, path = "/api/v1/hazmat/alerts/{id}", tag = "hazmat", security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "Alert id")),
    responses((status = 200, description = "CAP 1.2 XML", content_type = "application/cap+xml", body = String),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn alert_xml(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<CapAlertId>,
) -> Result<impl IntoResponse, ApiError> {
    let xml = s.app.hazmat().alert_xml(&caller.principal, &id).await?;
    Ok((
        [(header::CONTENT_TYPE, "application/cap+xml; charset=utf-8")],
        xml,
    ))
}
