//! Address search for call-takers: forward geocoding at intake and reverse geocoding of a point
//! on the map.

use axum::extract::State;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::extract::{Caller, Query};
use crate::{ApiError, AppState, Problem};

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct GeocodeParams {
    /// What the caller said: 「江东北路340号」, 「中山东路与江东北路交叉口」, a place or key site.
    #[param(min_length = 1, max_length = 100)]
    pub q: String,
    /// Most candidates to return (1-20, default 8).
    #[param(minimum = 1, maximum = 20)]
    pub limit: Option<usize>,
}

/// One place an address query may mean.
#[derive(Debug, Serialize, ToSchema)]
pub struct GeocodeCandidate {
    /// Chinese label, e.g. 「江东北路340号」.
    pub label: String,
    /// English label (pinyin names where the data has no English).
    pub label_en: String,
    /// `house`, `interpolated` (between two known numbers), `crossroads`, `street`, `place`.
    pub kind: String,
    /// For places, what they are (`key_site`, `station`, an OSM `place`/`amenity` value).
    pub detail: String,
    pub lat: f64,
    pub lon: f64,
    /// Match quality in (0, 1]; 1 is an exact address.
    pub score: f64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct GeocodeResponse {
    pub candidates: Vec<GeocodeCandidate>,
}

/// Default number of candidates.
const DEFAULT_LIMIT: usize = 8;

fn round(v: f64, digits: i32) -> f64 {
    let f = 10f64.powi(digits);
    (v * f).round() / f
}

/// Candidates for an address, crossroads, street or place, best first; within the caller's
/// jurisdiction (its key sites and stations, and its stations' areas when every station has
/// one).
#[utoipa::path(get, path = "/api/v1/geocode", tag = "command", security(("bearer" = []), ("cookie" = [])),
    params(GeocodeParams),
    responses((status = 200, body = GeocodeResponse),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn geocode(
    State(s): State<AppState>,
    caller: Caller,
    Query(p): Query<GeocodeParams>,
) -> Result<axum::Json<GeocodeResponse>, ApiError> {
    let found = s
        .app
        .command()
        .geocode(&caller.principal, &p.q, p.limit.unwrap_or(DEFAULT_LIMIT))
        .await?;
    Ok(axum::Json(GeocodeResponse {
        candidates: found
            .into_iter()
            .map(|c| GeocodeCandidate {
                label: c.label,
                label_en: c.label_en,
                kind: c.kind.as_str().into(),
                detail: c.detail,
                lat: round(c.lat, 7),
                lon: round(c.lon, 7),
                score: round(c.score, 3),
            })
            .collect(),
    }))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ReverseParams {
    #[param(minimum = -90, maximum = 90)]
    pub lat: f64,
    #[param(minimum = -180, maximum = 180)]
    pub lon: f64,
}

/// The address nearest to a point.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReverseAddress {
    /// 「江东北路340号」, or the street's name when no house is near.
    pub label: String,
    pub label_en: String,
    /// `house` or `street`.
    pub kind: String,
    pub street: String,
    /// Where the address is (the house, or the nearest point of the street).
    pub lat: f64,
    pub lon: f64,
    /// From the asked point to the address, metres.
    pub distance_m: f64,
}

/// The nearest address to a point (a house, else a named street) within 300 m.
#[utoipa::path(get, path = "/api/v1/geocode/reverse", tag = "command", security(("bearer" = []), ("cookie" = [])),
    params(ReverseParams),
    responses((status = 200, body = ReverseAddress),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "no named street or house within 300 m", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn reverse(
    State(s): State<AppState>,
    caller: Caller,
    Query(p): Query<ReverseParams>,
) -> Result<axum::Json<ReverseAddress>, ApiError> {
    let hit = s
        .app
        .command()
        .reverse_geocode(&caller.principal, p.lat, p.lon)?
        .ok_or(jingwu_app::AppError::NotFound { what: "address" })?;
    Ok(axum::Json(ReverseAddress {
        label: hit.label,
        label_en: hit.label_en,
        kind: hit.kind.as_str().into(),
        street: hit.street,
        lat: round(hit.lat, 7),
        lon: round(hit.lon, 7),
        distance_m: round(hit.distance_m, 1),
    }))
}
