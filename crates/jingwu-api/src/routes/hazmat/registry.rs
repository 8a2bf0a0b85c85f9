//! The registries over HTTP.

use axum::body::Bytes;
use axum::extract::{FromRequest, Path, Request, State};
use axum::http::{StatusCode, header};
use jingwu_app::{
    NewEnterprise, NewFireUnit, NewStation, NewVehicle, ObservationInput, StationView,
};
use jingwu_hazmat::records::{self as rec, EnterpriseId, VehicleId};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::ts;
use crate::extract::{Caller, Ctx, Json, Query};
use crate::{ApiError, AppState, Problem};

/// A chemical with its levels of concern (ppm; AEGLs for `aegl_minutes`) and ERG distances.
#[derive(Debug, Serialize, ToSchema)]
pub struct Chemical {
    pub id: String,
    pub un_number: String,
    pub name_zh: String,
    pub name_en: String,
    pub hazard_class: String,
    pub molecular_weight: f64,
    pub erg_guide: i64,
    pub dense_gas: bool,
    pub aegl_minutes: i64,
    /// AEGL-1, -2, -3 (ppm); null where not published.
    pub aegl_ppm: [Option<f64>; 3],
    pub erpg_ppm: [Option<f64>; 3],
    /// Small spill: isolate (m), protect by day and night (km).
    pub erg_small: Option<Erg>,
    /// Large spill; null where the guide refers to its Table 3.
    pub erg_large: Option<Erg>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Erg {
    pub isolate_m: f64,
    pub protect_day_km: f64,
    pub protect_night_km: f64,
}

impl From<rec::Chemical> for Chemical {
    fn from(c: rec::Chemical) -> Self {
        let erg = |e: Option<jingwu_hazmat::erg::ErgDistances>| {
            e.map(|e| Erg {
                isolate_m: e.isolate_m,
                protect_day_km: e.protect_day_km,
                protect_night_km: e.protect_night_km,
            })
        };
        Chemical {
            id: c.id.into_string(),
            un_number: c.un_number,
            name_zh: c.name_zh,
            name_en: c.name_en,
            hazard_class: c.hazard_class,
            molecular_weight: c.molecular_weight,
            erg_guide: c.erg_guide,
            dense_gas: c.dense_gas,
            aegl_minutes: c.aegl_minutes,
            aegl_ppm: c.aegl_ppm,
            erpg_ppm: c.erpg_ppm,
            erg_small: erg(c.erg_small),
            erg_large: erg(c.erg_large),
        }
    }
}

/// The chemical registry.
#[utoipa::path(get, path = "/api/v1/hazmat/chemicals", tag = "hazmat", security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, body = Vec<Chemical>),
        (status = 403, body = Problem, content_type = "application/problem+json")))]
pub async fn chemicals(
    State(s): State<AppState>,
    caller: Caller,
) -> Result<axum::Json<Vec<Chemical>>, ApiError> {
    let list = s.app.hazmat().chemicals(&caller.principal).await?;
    Ok(axum::Json(list.into_iter().map(Into::into).collect()))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ErgInput {
    pub isolate_m: f64,
    pub protect_day_km: f64,
    pub protect_night_km: f64,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewChemicalRequest {
    /// UN number, e.g. `1017` or `UN1017`.
    pub un_number: String,
    pub name_zh: String,
    pub name_en: String,
    /// UN hazard class or division, e.g. `2.3`.
    pub hazard_class: String,
    /// g/mol.
    pub molecular_weight: f64,
    pub erg_guide: i64,
    #[serde(default)]
    pub dense_gas: bool,
    /// Exposure duration of the AEGLs: 10, 30, 60, 240 or 480 minutes.
    pub aegl_minutes: i64,
    /// AEGL-1, -2, -3 (ppm), null where not published.
    pub aegl_ppm: [Option<f64>; 3],
    #[serde(default)]
    pub erpg_ppm: [Option<f64>; 3],
    pub erg_small: Option<ErgInput>,
    pub erg_large: Option<ErgInput>,
}

/// Add a chemical to the registry (city-level administrators and fire commanders: chemicals
/// are every jurisdiction's reference data).
#[utoipa::path(post, path = "/api/v1/hazmat/chemicals", tag = "hazmat", security(("bearer" = []), ("cookie" = [])),
    request_body = NewChemicalRequest,
    responses((status = 201, body = Chemical),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`chemical_exists`", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn create_chemical(
    State(s): State<AppState>,
    Ctx(ctx): Ctx,
    caller: Caller,
    Json(r): Json<NewChemicalRequest>,
) -> Result<(StatusCode, axum::Json<Chemical>), ApiError> {
    let erg = |e: Option<ErgInput>| {
        e.map(|e| jingwu_hazmat::erg::ErgDistances {
            isolate_m: e.isolate_m,
            protect_day_km: e.protect_day_km,
            protect_night_km: e.protect_night_km,
        })
    };
    let n = jingwu_app::NewChemical {
        un_number: r.un_number,
        name_zh: r.name_zh,
        name_en: r.name_en,
        hazard_class: r.hazard_class,
        molecular_weight: r.molecular_weight,
        erg_guide: r.erg_guide,
        dense_gas: r.dense_gas,
        aegl_minutes: r.aegl_minutes,
        aegl_ppm: r.aegl_ppm,
        erpg_ppm: r.erpg_ppm,
        erg_small: erg(r.erg_small),
        erg_large: erg(r.erg_large),
    };
    let c = s
        .app
        .hazmat()
        .create_chemical(&caller.principal, &n, &ctx)
        .await?;
    Ok((StatusCode::CREATED, axum::Json(c.into())))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Stock {
    pub chemical_id: String,
    pub un_number: String,
    pub name_zh: String,
    pub quantity_kg: f64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Enterprise {
    pub id: String,
    pub org_id: String,
    pub uscc: String,
    pub name: String,
    pub address: String,
    pub lat: f64,
    pub lon: f64,
    pub contact_name: String,
    pub contact_phone: String,
    pub stocks: Vec<Stock>,
    pub created_at: String,
}

impl From<rec::Enterprise> for Enterprise {
    fn from(e: rec::Enterprise) -> Self {
        Enterprise {
            id: e.id.into_string(),
            org_id: e.org_id.into_string(),
            uscc: e.uscc,
            name: e.name,
            address: e.address,
            lat: e.lat,
            lon: e.lon,
            contact_name: e.contact_name,
            contact_phone: e.contact_phone,
            stocks: e
                .stocks
                .into_iter()
                .map(|s| Stock {
                    chemical_id: s.chemical_id.into_string(),
                    un_number: s.un_number,
                    name_zh: s.name_zh,
                    quantity_kg: s.quantity_kg,
                })
                .collect(),
            created_at: ts(e.created_at),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EnterprisePage {
    pub items: Vec<Enterprise>,
    pub total: i64,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct EnterpriseParams {
    /// Part of the name or credit code.
    #[param(max_length = 100)]
    pub q: Option<String>,
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<i64>,
    #[param(minimum = 0)]
    pub offset: Option<i64>,
}

/// Enterprises in the caller's jurisdiction, by name.
#[utoipa::path(get, path = "/api/v1/hazmat/enterprises", tag = "hazmat", security(("bearer" = []), ("cookie" = [])),
    params(EnterpriseParams),
    responses((status = 200, body = EnterprisePage),
        (status = 403, body = Problem, content_type = "application/problem+json")))]
pub async fn list_enterprises(
    State(s): State<AppState>,
    caller: Caller,
    Query(p): Query<EnterpriseParams>,
) -> Result<axum::Json<EnterprisePage>, ApiError> {
    let q = p.q.unwrap_or_default();
    let page = s
        .app
        .hazmat()
        .enterprises(
            &caller.principal,
            &q.chars().take(100).collect::<String>(),
            p.limit.unwrap_or(50),
            p.offset.unwrap_or(0),
        )
        .await?;
    Ok(axum::Json(EnterprisePage {
        items: page.items.into_iter().map(Into::into).collect(),
        total: page.total,
    }))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StockInput {
    /// UN number, e.g. `1017` or `UN1017`.
    pub un_number: String,
    pub quantity_kg: f64,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewEnterpriseRequest {
    /// Org unit id or code (default: the caller's).
    pub org: Option<String>,
    /// Unified social credit code (GB 32100).
    pub uscc: String,
    pub name: String,
    pub address: String,
    pub lat: f64,
    pub lon: f64,
    pub contact_name: String,
    pub contact_phone: String,
    #[serde(default)]
    pub stocks: Vec<StockInput>,
}

/// Register an enterprise.
#[utoipa::path(post, path = "/api/v1/hazmat/enterprises", tag = "hazmat", security(("bearer" = []), ("cookie" = [])),
    request_body = NewEnterpriseRequest,
    responses((status = 201, body = Enterprise),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`uscc_taken`", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn create_enterprise(
    State(s): State<AppState>,
    Ctx(ctx): Ctx,
    caller: Caller,
    Json(r): Json<NewEnterpriseRequest>,
) -> Result<(StatusCode, axum::Json<Enterprise>), ApiError> {
    let n = NewEnterprise {
        org: r.org,
        uscc: r.uscc,
        name: r.name,
        address: r.address,
        lat: r.lat,
        lon: r.lon,
        contact_name: r.contact_name,
        contact_phone: r.contact_phone,
        stocks: r
            .stocks
            .into_iter()
            .map(|s| (s.un_number, s.quantity_kg))
            .collect(),
    };
    let e = s
        .app
        .hazmat()
        .create_enterprise(&caller.principal, &n, &ctx)
        .await?;
    Ok((StatusCode::CREATED, axum::Json(e.into())))
}

/// One enterprise with its stocks.
#[utoipa::path(get, path = "/api/v1/hazmat/enterprises/{id}", tag = "hazmat", security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "Enterprise id")),
    responses((status = 200, body = Enterprise),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn get_enterprise(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<EnterpriseId>,
) -> Result<axum::Json<Enterprise>, ApiError> {
    let e = s.app.hazmat().enterprise(&caller.principal, &id).await?;
    Ok(axum::Json(e.into()))
}

/// A CSV body (`text/csv`).
pub struct CsvBody(pub Bytes);

impl<S: Send + Sync> FromRequest<S> for CsvBody {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let media = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .map(|m| m.trim().to_ascii_lowercase())
            .unwrap_or_default();
        if media != "text/csv" {
            return Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "send the enterprises as CSV (text/csv)",
            ));
        }
        let bytes =
            crate::extract::read_body(req, state, "the import", super::MAX_IMPORT_BODY).await?;
        crate::text_guard::refuse_nul_in_text(&bytes)?;
        Ok(CsvBody(bytes))
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ImportParams {
    /// Store the good rows even when some are bad (default: nothing is stored then).
    pub import_valid: Option<bool>,
}

/// One bad field of one CSV line.
#[derive(Debug, Serialize, ToSchema)]
pub struct RowError {
    /// Line in the file (the header is line 1).
    pub line: usize,
    pub field: String,
    pub code: String,
    pub message: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EnterpriseImportResult {
    pub rows: usize,
    pub imported: usize,
    pub errors: Vec<RowError>,
}

/// Import enterprises from CSV. Header: `org_code,uscc,name,address,lat,lon,contact_name,
/// contact_phone,stocks` (stocks as `UN:kg;UN:kg`). Every bad row is reported by line and
/// field: as a 422 naming `line N: field` when nothing was imported, or in `errors` when
/// `import_valid=true` imported the good rows.
#[utoipa::path(post, path = "/api/v1/hazmat/enterprises/import", tag = "hazmat", security(("bearer" = []), ("cookie" = [])),
    params(ImportParams),
    request_body(content((String = "text/csv"))),
    responses((status = 200, body = EnterpriseImportResult),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 413, body = Problem, content_type = "application/problem+json"),
        (status = 415, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn import_enterprises(
    State(s): State<AppState>,
    Ctx(ctx): Ctx,
    caller: Caller,
    Query(p): Query<ImportParams>,
    CsvBody(body): CsvBody,
) -> Result<axum::Json<EnterpriseImportResult>, ApiError> {
    let out = s
        .app
        .hazmat()
        .import_enterprises(
            &caller.principal,
            &body,
            p.import_valid.unwrap_or(false),
            &ctx,
        )
        .await?;
    Ok(axum::Json(EnterpriseImportResult {
        rows: out.rows,
        imported: out.imported,
        errors: out
            .errors
            .into_iter()
            .map(|e| RowError {
                line: e.line,
                field: e.field,
                code: e.code.to_owned(),
                message: e.message,
            })
            .collect(),
    }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Vehicle {
    pub id: String,
    pub org_id: String,
    pub plate: String,
    pub carrier: String,
    pub chemical_id: Option<String>,
    pub cargo_kg: f64,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub fix_at: Option<String>,
}

impl From<rec::Vehicle> for Vehicle {
    fn from(v: rec::Vehicle) -> Self {
        Vehicle {
            id: v.id.into_string(),
            org_id: v.org_id.into_string(),
            plate: v.plate,
            carrier: v.carrier,
            chemical_id: v.chemical_id.map(|c| c.into_string()),
            cargo_kg: v.cargo_kg,
            lat: v.lat,
            lon: v.lon,
            fix_at: v.fix_at.map(ts),
        }
    }
}

/// Hazmat transport vehicles in the caller's jurisdiction.
#[utoipa::path(get, path = "/api/v1/hazmat/vehicles", tag = "hazmat", security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, body = Vec<Vehicle>),
        (status = 403, body = Problem, content_type = "application/problem+json")))]
pub async fn list_vehicles(
    State(s): State<AppState>,
    caller: Caller,
) -> Result<axum::Json<Vec<Vehicle>>, ApiError> {
    let list = s.app.hazmat().vehicles(&caller.principal).await?;
    Ok(axum::Json(list.into_iter().map(Into::into).collect()))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewVehicleRequest {
    pub org: Option<String>,
    /// Plate (GA 36).
    pub plate: String,
    pub carrier: String,
    /// UN number of the cargo, if loaded.
    pub cargo_un: Option<String>,
    #[serde(default)]
    pub cargo_kg: f64,
}

/// Register a hazmat transport vehicle.
#[utoipa::path(post, path = "/api/v1/hazmat/vehicles", tag = "hazmat", security(("bearer" = []), ("cookie" = [])),
    request_body = NewVehicleRequest,
    responses((status = 201, body = Vehicle),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`plate_taken`", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn create_vehicle(
    State(s): State<AppState>,
    Ctx(ctx): Ctx,
    caller: Caller,
    Json(r): Json<NewVehicleRequest>,
) -> Result<(StatusCode, axum::Json<Vehicle>), ApiError> {
    let n = NewVehicle {
        org: r.org,
        plate: r.plate,
        carrier: r.carrier,
        cargo_un: r.cargo_un,
        cargo_kg: r.cargo_kg,
    };
    let v = s
        .app
        .hazmat()
        .create_vehicle(&caller.principal, &n, &ctx)
        .await?;
    Ok((StatusCode::CREATED, axum::Json(v.into())))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PositionRequest {
    pub lat: f64,
    pub lon: f64,
    /// RFC 3339 time of the fix (default: now).
    pub at: Option<String>,
}

/// A vehicle's position (its tracker or an operator). An older fix than the stored one is
/// acknowledged and ignored.
#[utoipa::path(put, path = "/api/v1/hazmat/vehicles/{id}/position", tag = "hazmat", security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "Vehicle id")),
    request_body = PositionRequest,
    responses((status = 200, body = Vehicle),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn vehicle_position(
    State(s): State<AppState>,
    Ctx(ctx): Ctx,
    caller: Caller,
    Path(id): Path<VehicleId>,
    Json(r): Json<PositionRequest>,
) -> Result<axum::Json<Vehicle>, ApiError> {
    let at = match r.at {
        None => jingwu_core::timestamp_to_micros(s.app.now()),
        Some(t) => t
            .parse::<jiff::Timestamp>()
            .map(jingwu_core::timestamp_to_micros)
            .map_err(|e| {
                ApiError::from(jingwu_app::AppError::invalid(
                    "at",
                    jingwu_hazmat::error_codes::field::TIME_FORMAT.code,
                    e.to_string(),
                ))
            })?,
    };
    let v = s
        .app
        .hazmat()
        .report_vehicle_position(&caller.principal, &id, r.lat, r.lon, at, &ctx)
        .await?;
    Ok(axum::Json(v.into()))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Observation {
    pub obs_time: String,
    pub received_at: String,
    /// `json` or `metar`.
    pub source: String,
    pub wind_dir_deg_from: Option<f64>,
    pub wind_speed_ms: f64,
    pub wind_gust_ms: Option<f64>,
    pub temp_c: Option<f64>,
    pub rh_pct: Option<f64>,
    pub pressure_hpa: Option<f64>,
    pub total_cloud_tenths: Option<f64>,
    pub low_cloud_tenths: Option<f64>,
    pub ceiling_m: Option<f64>,
    pub global_solar_wm2: Option<f64>,
    pub delta_t_c: Option<f64>,
    pub sigma_theta_deg: Option<f64>,
    pub qc_flags: Vec<String>,
}

impl From<rec::Observation> for Observation {
    fn from(o: rec::Observation) -> Self {
        Observation {
            obs_time: ts(o.obs_at),
            received_at: ts(o.received_at),
            source: o.source.to_string(),
            wind_dir_deg_from: o.wind_from_deg,
            wind_speed_ms: o.wind_speed_ms,
            wind_gust_ms: o.gust_ms,
            temp_c: o.temp_c,
            rh_pct: o.rh_pct,
            pressure_hpa: o.pressure_hpa,
            total_cloud_tenths: o.total_cloud_tenths,
            low_cloud_tenths: o.low_cloud_tenths,
            ceiling_m: o.ceiling_m,
            global_solar_wm2: o.global_solar_wm2,
            delta_t_c: o.delta_t_c,
            sigma_theta_deg: o.sigma_theta_deg,
            qc_flags: o.qc_flags,
        }
    }
}

/// A stability class and how it was obtained.
#[derive(Debug, Serialize, ToSchema)]
pub struct StabilityView {
    /// Pasquill–Gifford class `A` … `F`.
    pub class: String,
    /// `turner_nri`, `gbt3840`, `srdt`, `sigma_theta`, `pasquill` or `fallback`.
    pub method: String,
    pub solar_altitude_deg: f64,
    pub night: bool,
    pub notes: Vec<String>,
}

impl From<jingwu_hazmat::stability::StabilityEstimate> for StabilityView {
    fn from(e: jingwu_hazmat::stability::StabilityEstimate) -> Self {
        StabilityView {
            class: e.class.to_string(),
            method: e.method.to_string(),
            solar_altitude_deg: e.solar_altitude_deg,
            night: e.night,
            notes: e.notes,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct WeatherStation {
    pub id: String,
    pub code: String,
    pub name: String,
    pub org_id: String,
    pub lat: f64,
    pub lon: f64,
    pub elev_m: f64,
    pub latest: Option<Observation>,
    /// The latest observation is fresh (≤ 1 h), unflagged and has a direction.
    pub usable: bool,
    pub stability: Option<StabilityView>,
}

impl From<StationView> for WeatherStation {
    fn from(v: StationView) -> Self {
        WeatherStation {
            id: v.station.id.into_string(),
            code: v.station.code,
            name: v.station.name,
            org_id: v.station.org_id.into_string(),
            lat: v.station.lat,
            lon: v.station.lon,
            elev_m: v.station.elev_m,
            latest: v.latest.map(Into::into),
            usable: v.usable,
            stability: v.stability.map(Into::into),
        }
    }
}

/// Every weather station with its latest observation (weather is everybody's).
#[utoipa::path(get, path = "/api/v1/hazmat/stations", tag = "hazmat", security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, body = Vec<WeatherStation>),
        (status = 403, body = Problem, content_type = "application/problem+json")))]
pub async fn list_stations(
    State(s): State<AppState>,
    caller: Caller,
) -> Result<axum::Json<Vec<WeatherStation>>, ApiError> {
    let list = s.app.hazmat().stations(&caller.principal).await?;
    Ok(axum::Json(list.into_iter().map(Into::into).collect()))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewStationRequest {
    pub org: Option<String>,
    /// The network's station code (letters, digits, `-`, `_`).
    pub code: String,
    pub name: String,
    pub lat: f64,
    pub lon: f64,
    #[serde(default)]
    pub elev_m: f64,
}

/// Register a weather station.
#[utoipa::path(post, path = "/api/v1/hazmat/stations", tag = "hazmat", security(("bearer" = []), ("cookie" = [])),
    request_body = NewStationRequest,
    responses((status = 201, body = WeatherStation),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`station_code_taken`", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn create_station(
    State(s): State<AppState>,
    Ctx(ctx): Ctx,
    caller: Caller,
    Json(r): Json<NewStationRequest>,
) -> Result<(StatusCode, axum::Json<WeatherStation>), ApiError> {
    let n = NewStation {
        org: r.org,
        code: r.code,
        name: r.name,
        lat: r.lat,
        lon: r.lon,
        elev_m: r.elev_m,
    };
    let st = s
        .app
        .hazmat()
        .create_station(&caller.principal, &n, &ctx)
        .await?;
    Ok((
        StatusCode::CREATED,
        axum::Json(
            StationView {
                station: st,
                latest: None,
                usable: false,
                stability: None,
            }
            .into(),
        ),
    ))
}

/// One observation (hazmat.md §11): 10-minute means at 10 m; the direction the wind blows
/// from; optional cloud (tenths), ceiling, radiation, ΔT, σθ; quality flags.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ObservationRequest {
    pub station_code: String,
    /// RFC 3339 with offset.
    pub obs_time: String,
    pub wind_dir_deg_from: Option<f64>,
    pub wind_speed_ms: f64,
    pub wind_gust_ms: Option<f64>,
    pub sigma_theta_deg: Option<f64>,
    pub temp_c: Option<f64>,
    pub rh_pct: Option<f64>,
    pub pressure_hpa: Option<f64>,
    pub total_cloud_tenths: Option<f64>,
    pub low_cloud_tenths: Option<f64>,
    pub ceiling_m: Option<f64>,
    pub global_solar_wm2: Option<f64>,
    pub delta_t_c: Option<f64>,
    #[serde(default)]
    pub qc_flags: Vec<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ObservationResult {
    /// False when this station and time were stored already (a resend).
    pub stored: bool,
    pub observation: Observation,
}

/// Report an observation (JSON). A resend of the same station and time changes nothing.
#[utoipa::path(post, path = "/api/v1/hazmat/observations", tag = "hazmat", security(("bearer" = []), ("cookie" = [])),
    request_body = ObservationRequest,
    responses((status = 200, body = ObservationResult),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn observe(
    State(s): State<AppState>,
    Ctx(ctx): Ctx,
    caller: Caller,
    Json(r): Json<ObservationRequest>,
) -> Result<axum::Json<ObservationResult>, ApiError> {
    let input = ObservationInput {
        station_code: r.station_code,
        obs_time: r.obs_time,
        wind_dir_deg_from: r.wind_dir_deg_from,
        wind_speed_ms: r.wind_speed_ms,
        wind_gust_ms: r.wind_gust_ms,
        sigma_theta_deg: r.sigma_theta_deg,
        temp_c: r.temp_c,
        rh_pct: r.rh_pct,
        pressure_hpa: r.pressure_hpa,
        total_cloud_tenths: r.total_cloud_tenths,
        low_cloud_tenths: r.low_cloud_tenths,
        ceiling_m: r.ceiling_m,
        global_solar_wm2: r.global_solar_wm2,
        delta_t_c: r.delta_t_c,
        qc_flags: r.qc_flags,
    };
    let (o, stored) = s
        .app
        .hazmat()
        .report_observation(&caller.principal, &input, &ctx)
        .await?;
    Ok(axum::Json(ObservationResult {
        stored,
        observation: o.into(),
    }))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MetarRequest {
    /// The Jingwu station the report belongs to (an airport's station).
    pub station_code: String,
    /// The METAR text, e.g. `METAR ZSNB 290300Z 04006MPS 9999 BKN020 18/12 Q1018`.
    pub metar: String,
}

/// Report an observation as METAR (wind, cloud layers, ceiling, temperature, pressure).
#[utoipa::path(post, path = "/api/v1/hazmat/observations/metar", tag = "hazmat", security(("bearer" = []), ("cookie" = [])),
    request_body = MetarRequest,
    responses((status = 200, body = ObservationResult),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn observe_metar(
    State(s): State<AppState>,
    Ctx(ctx): Ctx,
    caller: Caller,
    Json(r): Json<MetarRequest>,
) -> Result<axum::Json<ObservationResult>, ApiError> {
    let (o, stored) = s
        .app
        .hazmat()
        .report_metar(&caller.principal, &r.station_code, &r.metar, &ctx)
        .await?;
    Ok(axum::Json(ObservationResult {
        stored,
        observation: o.into(),
    }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FireUnit {
    pub id: String,
    pub org_id: String,
    pub call_sign: String,
    /// `pumper`, `foam`, `hazmat`, `rescue`, `ladder` or `command`.
    pub kind: String,
    pub station_name: String,
    pub lat: f64,
    pub lon: f64,
    pub available: bool,
}

impl From<rec::FireUnit> for FireUnit {
    fn from(u: rec::FireUnit) -> Self {
        FireUnit {
            id: u.id.into_string(),
            org_id: u.org_id.into_string(),
            call_sign: u.call_sign,
            kind: u.kind.to_string(),
            station_name: u.station_name,
            lat: u.lat,
            lon: u.lon,
            available: u.available,
        }
    }
}

/// Fire units in the caller's jurisdiction.
#[utoipa::path(get, path = "/api/v1/hazmat/fire-units", tag = "hazmat", security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, body = Vec<FireUnit>),
        (status = 403, body = Problem, content_type = "application/problem+json")))]
pub async fn list_fire_units(
    State(s): State<AppState>,
    caller: Caller,
) -> Result<axum::Json<Vec<FireUnit>>, ApiError> {
    let list = s.app.hazmat().fire_units(&caller.principal).await?;
    Ok(axum::Json(list.into_iter().map(Into::into).collect()))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewFireUnitRequest {
    pub org: Option<String>,
    pub call_sign: String,
    pub kind: String,
    pub station_name: String,
    pub lat: f64,
    pub lon: f64,
}

/// Register a fire unit at its station.
#[utoipa::path(post, path = "/api/v1/hazmat/fire-units", tag = "hazmat", security(("bearer" = []), ("cookie" = [])),
    request_body = NewFireUnitRequest,
    responses((status = 201, body = FireUnit),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn create_fire_unit(
    State(s): State<AppState>,
    Ctx(ctx): Ctx,
    caller: Caller,
    Json(r): Json<NewFireUnitRequest>,
) -> Result<(StatusCode, axum::Json<FireUnit>), ApiError> {
    let n = NewFireUnit {
        org: r.org,
        call_sign: r.call_sign,
        kind: r.kind,
        station_name: r.station_name,
        lat: r.lat,
        lon: r.lon,
    };
    let u = s
        .app
        .hazmat()
        .create_fire_unit(&caller.principal, &n, &ctx)
        .await?;
    Ok((StatusCode::CREATED, axum::Json(u.into())))
}
