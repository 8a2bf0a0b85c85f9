//! Live 1/3/5-minute circles: coverage figures, map polygons and alerts per jurisdiction.

use axum::extract::State;
use jingwu_core::micros_to_timestamp;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::extract::{Caller, Query};
use crate::{ApiError, AppState, Problem};

/// Coverage within one response-time circle.
#[derive(Debug, Serialize, ToSchema)]
pub struct LimitFigures {
    /// 60, 180 or 300.
    pub seconds: u32,
    /// Share of road length reached within the limit, 0 to 1.
    pub road_share: f64,
    /// Share of H3 cells (resolution 9) with road that are reached, 0 to 1.
    pub cell_share: f64,
    pub road_m_total: f64,
    pub road_m_covered: f64,
    pub cells_total: usize,
    pub cells_covered: usize,
}

/// Coverage of one org unit's area (the sum of its station areas).
#[derive(Debug, Serialize, ToSchema)]
pub struct AreaCoverage {
    pub org_id: String,
    pub code: String,
    /// `city`, `district` or `station`.
    pub kind: String,
    pub name_zh: String,
    pub name_en: String,
    pub limits: Vec<LimitFigures>,
}

impl From<jingwu_app::AreaFigures> for AreaCoverage {
    fn from(a: jingwu_app::AreaFigures) -> Self {
        AreaCoverage {
            org_id: a.org_id,
            code: a.code,
            kind: a.kind,
            name_zh: a.name_zh,
            name_en: a.name_en,
            limits: a
                .limits
                .into_iter()
                .map(|l| LimitFigures {
                    seconds: l.seconds,
                    road_share: l.road_share,
                    cell_share: l.cell_share,
                    road_m_total: l.road_m_total,
                    road_m_covered: l.road_m_covered,
                    cells_total: l.cells_total,
                    cells_covered: l.cells_covered,
                })
                .collect(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Coverage {
    pub computed_at: String,
    /// Available units with a fresh position that took part (city-wide).
    pub units_counted: usize,
    pub area: AreaCoverage,
    /// The org unit's children (bureaus of the city, stations of a bureau).
    pub children: Vec<AreaCoverage>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct CoverageParams {
    /// Org unit id; default the caller's own.
    pub org: Option<String>,
}

/// Current 1/3/5-minute coverage of an org unit's area and of its children, from the
/// available units with fresh positions (recomputed as units move or change status).
#[utoipa::path(get, path = "/api/v1/coverage", tag = "command", security(("bearer" = []), ("cookie" = [])),
    params(CoverageParams),
    responses((status = 200, body = Coverage),
        (status = 403, description = "`forbidden` or `out_of_scope`", body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn coverage(
    State(s): State<AppState>,
    caller: Caller,
    Query(p): Query<CoverageParams>,
) -> Result<axum::Json<Coverage>, ApiError> {
    let v = s
        .app
        .command()
        .coverage(&caller.principal, p.org.as_deref())
        .await?;
    Ok(axum::Json(Coverage {
        computed_at: micros_to_timestamp(v.computed_at_us).to_string(),
        units_counted: v.units_counted,
        area: v.area.into(),
        children: v.children.into_iter().map(Into::into).collect(),
    }))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct CoverageMapParams {
    /// Org unit id; default the caller's own.
    pub org: Option<String>,
    /// 1 to 300; default 180.
    #[param(minimum = 1, maximum = 300)]
    pub seconds: Option<u32>,
}

/// A GeoJSON FeatureCollection (RFC 7946).
#[derive(Debug, Serialize, ToSchema)]
pub struct FeatureCollection {
    /// `FeatureCollection`.
    #[serde(rename = "type")]
    pub kind: String,
    pub features: Vec<serde_json::Value>,
}

/// Covered and uncovered H3 cells of an org unit's area within `seconds`, as two dissolved
/// MultiPolygon features (`properties.kind` = `covered` / `uncovered`).
#[utoipa::path(get, path = "/api/v1/coverage/geojson", tag = "command", security(("bearer" = []), ("cookie" = [])),
    params(CoverageMapParams),
    responses((status = 200, body = FeatureCollection),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json", description = "`not_found`: the named org unit is not in the caller's jurisdiction"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn coverage_geojson(
    State(s): State<AppState>,
    caller: Caller,
    Query(p): Query<CoverageMapParams>,
) -> Result<axum::Json<serde_json::Value>, ApiError> {
    Ok(axum::Json(
        s.app
            .command()
            .coverage_geojson(
                &caller.principal,
                p.org.as_deref(),
                p.seconds.unwrap_or(180),
            )
            .await?,
    ))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct AreaParams {
    /// Org unit id; default the caller's own.
    pub org: Option<String>,
}

/// The station areas (辖区) under an org unit: every road cell belongs to the station that
/// reaches it first by road; one dissolved MultiPolygon feature per station with its id, code
/// and names.
#[utoipa::path(get, path = "/api/v1/coverage/areas", tag = "command", security(("bearer" = []), ("cookie" = [])),
    params(AreaParams),
    responses((status = 200, body = FeatureCollection),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json", description = "`not_found`: the named org unit is not in the caller's jurisdiction")))]
pub async fn station_areas(
    State(s): State<AppState>,
    caller: Caller,
    Query(p): Query<AreaParams>,
) -> Result<axum::Json<serde_json::Value>, ApiError> {
    Ok(axum::Json(
        s.app
            .command()
            .station_areas_geojson(&caller.principal, p.org.as_deref())
            .await?,
    ))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct AlertParams {
    /// Org unit id; default the caller's own.
    pub org: Option<String>,
    /// Only alerts not yet resolved.
    pub open: Option<bool>,
}

/// A station area whose 3-minute coverage fell below its target, with a move-up suggestion.
#[derive(Debug, Serialize, ToSchema)]
pub struct CoverageAlert {
    pub id: String,
    pub org_id: String,
    pub limit_secs: i64,
    pub road_share: f64,
    pub cell_share: f64,
    pub target: f64,
    /// `{limit_secs, moves: [{unit_id, call_sign, from, to, gain_cells}], cells_total,
    /// cells_before, cells_after}` (greedy maximal covering).
    pub suggestion: serde_json::Value,
    pub raised_at: String,
    pub resolved_at: Option<String>,
}

/// Coverage alerts of an org unit's subtree, newest first.
#[utoipa::path(get, path = "/api/v1/coverage/alerts", tag = "command", security(("bearer" = []), ("cookie" = [])),
    params(AlertParams),
    responses((status = 200, body = Vec<CoverageAlert>),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json", description = "`not_found`: the named org unit is not in the caller's jurisdiction")))]
pub async fn coverage_alerts(
    State(s): State<AppState>,
    caller: Caller,
    Query(p): Query<AlertParams>,
) -> Result<axum::Json<Vec<CoverageAlert>>, ApiError> {
    let rows = s
        .app
        .command()
        .coverage_alerts(&caller.principal, p.org.as_deref(), p.open.unwrap_or(false))
        .await?;
    Ok(axum::Json(
        rows.into_iter()
            .map(|v| CoverageAlert {
                id: v.alert.id.into_string(),
                org_id: v.alert.org_id.into_string(),
                limit_secs: v.alert.limit_secs,
                road_share: v.alert.road_share,
                cell_share: v.alert.cell_share,
                target: v.alert.target,
                suggestion: v.suggestion,
                raised_at: micros_to_timestamp(v.alert.raised_at).to_string(),
                resolved_at: v
                    .alert
                    .resolved_at
                    .map(|t| micros_to_timestamp(t).to_string()),
            })
            .collect(),
    ))
}
