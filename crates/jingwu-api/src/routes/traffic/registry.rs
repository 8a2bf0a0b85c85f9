//! The licence and vehicle registries over HTTP (traffic clerks).

use axum::extract::State;
use axum::http::StatusCode;
use jingwu_app::{NewLicence, NewTrafficVehicle};
use jingwu_traffic::records as rec;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::extract::{Caller, Ctx, Json, Query};
use crate::{ApiError, AppState, Problem};

#[derive(Debug, Serialize, ToSchema)]
pub struct TrafficLicence {
    pub id: String,
    pub org_id: String,
    pub holder_name: String,
    /// Licence class (A1 … P).
    pub class: String,
    pub class_zh: String,
    pub first_issued_on: String,
    pub expires_on: String,
    /// `valid`, `withheld`, `suspended`, `revoked`, `expired`.
    pub status: String,
    pub status_zh: String,
    pub full_score_count: u32,
}

impl From<rec::Licence> for TrafficLicence {
    fn from(l: rec::Licence) -> Self {
        TrafficLicence {
            id: l.id.into_string(),
            org_id: l.org_id.into_string(),
            holder_name: l.holder_name,
            class: l.class.as_str().into(),
            class_zh: l.class.label_zh().into(),
            first_issued_on: l.first_issued_on.to_string(),
            expires_on: l.expires_on.to_string(),
            status: l.status.as_str().into(),
            status_zh: l.status.label_zh().into(),
            full_score_count: l.full_score_count,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TrafficVehicle {
    pub id: String,
    pub plate: String,
    pub owner_name: String,
    pub model: String,
    pub inspection_due_on: String,
    /// `normal`, `inspection_overdue`, `deregistered`.
    pub status: String,
}

impl From<rec::Vehicle> for TrafficVehicle {
    fn from(v: rec::Vehicle) -> Self {
        TrafficVehicle {
            id: v.id.into_string(),
            plate: v.plate,
            owner_name: v.owner_name,
            model: v.model,
            inspection_due_on: v.inspection_due_on.to_string(),
            status: v.status.as_str().into(),
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct PageQuery {
    /// At most this many (1–500, default 100).
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

/// Licences kept in the caller's jurisdiction, by holder name.
#[utoipa::path(get, path = "/api/v1/traffic/licences", tag = "traffic", security(("bearer" = []), ("cookie" = [])),
    params(PageQuery),
    responses((status = 200, body = Vec<TrafficLicence>),
        (status = 403, body = Problem, content_type = "application/problem+json")))]
pub async fn list_licences(
    State(s): State<AppState>,
    caller: Caller,
    Query(q): Query<PageQuery>,
) -> Result<axum::Json<Vec<TrafficLicence>>, ApiError> {
    let list = s
        .app
        .traffic()
        .licences(
            &caller.principal,
            q.limit.unwrap_or(100),
            q.offset.unwrap_or(0),
        )
        .await?;
    Ok(axum::Json(list.into_iter().map(Into::into).collect()))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewLicenceRequest {
    pub resident_id: String,
    pub holder_name: String,
    /// A1 … P.
    pub class: String,
    /// YYYY-MM-DD: the first licence's issue date (scoring cycles count from it).
    pub first_issued_on: String,
    pub expires_on: String,
    /// The org unit that keeps it (id or code); the caller's own by default.
    pub org: Option<String>,
}

/// Register a driving licence.
#[utoipa::path(post, path = "/api/v1/traffic/licences", tag = "traffic", security(("bearer" = []), ("cookie" = [])),
    request_body = NewLicenceRequest,
    responses((status = 201, body = TrafficLicence),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`licence_exists`", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn create_licence(
    State(s): State<AppState>,
    Ctx(ctx): Ctx,
    caller: Caller,
    Json(r): Json<NewLicenceRequest>,
) -> Result<(StatusCode, axum::Json<TrafficLicence>), ApiError> {
    let n = NewLicence {
        resident_id: r.resident_id,
        holder_name: r.holder_name,
        class: r.class,
        first_issued_on: r.first_issued_on,
        expires_on: r.expires_on,
        org: r.org,
    };
    let l = s
        .app
        .traffic()
        .create_licence(&caller.principal, &n, &ctx)
        .await?;
    Ok((StatusCode::CREATED, axum::Json(l.into())))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewTrafficVehicleRequest {
    /// Plate (GA 36).
    pub plate: String,
    pub owner_resident_id: String,
    pub owner_name: String,
    pub model: String,
    /// YYYY-MM-DD.
    pub inspection_due_on: String,
    pub org: Option<String>,
}

/// Register a motor vehicle.
#[utoipa::path(post, path = "/api/v1/traffic/vehicles", tag = "traffic", security(("bearer" = []), ("cookie" = [])),
    request_body = NewTrafficVehicleRequest,
    responses((status = 201, body = TrafficVehicle),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`vehicle_exists`", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn create_vehicle(
    State(s): State<AppState>,
    Ctx(ctx): Ctx,
    caller: Caller,
    Json(r): Json<NewTrafficVehicleRequest>,
) -> Result<(StatusCode, axum::Json<TrafficVehicle>), ApiError> {
    let n = NewTrafficVehicle {
        plate: r.plate,
        owner_resident_id: r.owner_resident_id,
        owner_name: r.owner_name,
        model: r.model,
        inspection_due_on: r.inspection_due_on,
        org: r.org,
    };
    let v = s
        .app
        .traffic()
        .create_vehicle(&caller.principal, &n, &ctx)
        .await?;
    Ok((StatusCode::CREATED, axum::Json(v.into())))
}
