//! Setting up a bureau (admins, within their jurisdiction): station sites and areas, posts,
//! units, duty rosters (shifts), key sites, cameras and other layer sources with their links,
//! and their CSV/GeoJSON imports. Crews are set through `PUT /units/{id}/crew`; layers
//! themselves and their bulk feature imports through `/layers`.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use jingwu_app::setup::{self as setup_uc, ImportKind, ImportOptions};
use jingwu_core::micros_to_timestamp;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::layers::ImportBody;
use crate::extract::{Caller, Ctx, Json, Query};
use crate::routes::hazmat::registry::RowError;
use crate::{ApiError, AppState, Problem};

/// An org unit with its site (null until placed) and its area (辖区, stations only).
#[derive(Debug, Serialize, ToSchema)]
pub struct SetupSite {
    pub org_id: String,
    pub code: String,
    /// `city`, `district`, `station`.
    pub kind: String,
    pub name_zh: String,
    pub name_en: String,
    pub parent_id: Option<String>,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub address: Option<String>,
    /// The imported area as a GeoJSON geometry.
    #[schema(value_type = Option<Object>)]
    pub area: Option<serde_json::Value>,
}

impl From<setup_uc::SiteView> for SetupSite {
    fn from(v: setup_uc::SiteView) -> Self {
        let site = v.site;
        SetupSite {
            org_id: v.org.id,
            code: v.org.code,
            kind: v.org.kind.to_string(),
            name_zh: v.org.name_zh,
            name_en: v.org.name_en,
            parent_id: v.org.parent_id,
            lat: site.as_ref().map(|s| s.lat),
            lon: site.as_ref().map(|s| s.lon),
            address: site.as_ref().map(|s| s.address.clone()),
            area: site
                .and_then(|s| s.area_geojson)
                .and_then(|a| serde_json::from_str(&a).ok()),
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SiteRequest {
    pub lat: f64,
    pub lon: f64,
    pub address: String,
}

/// Org units of the caller's jurisdiction with their sites and areas.
#[utoipa::path(get, path = "/api/v1/command/setup/sites", tag = "command-setup", security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, body = Vec<SetupSite>), (status = 403, body = Problem, content_type = "application/problem+json")))]
pub async fn list_sites(
    State(s): State<AppState>,
    caller: Caller,
) -> Result<axum::Json<Vec<SetupSite>>, ApiError> {
    let out = s.app.command().list_sites(&caller.principal).await?;
    Ok(axum::Json(out.into_iter().map(Into::into).collect()))
}

/// Place an org unit's site (its position and address); its area is kept.
#[utoipa::path(put, path = "/api/v1/command/setup/sites/{org}", tag = "command-setup", security(("bearer" = []), ("cookie" = [])),
    params(("org" = String, Path, description = "Org unit id or code")),
    request_body = SiteRequest,
    responses((status = 200, body = SetupSite),
        (status = 403, description = "`forbidden`, `out_of_scope`", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn set_site(
    State(s): State<AppState>,
    Ctx(ctx): Ctx,
    caller: Caller,
    Path(org): Path<String>,
    Json(r): Json<SiteRequest>,
) -> Result<axum::Json<SetupSite>, ApiError> {
    let input = setup_uc::SiteInput {
        lat: r.lat,
        lon: r.lon,
        address: r.address,
    };
    let out = s
        .app
        .command()
        .set_site(&caller.principal, &org, input, &ctx)
        .await?;
    Ok(axum::Json(out.into()))
}

/// A post (巡逻岗亭/警务站) of a station.
#[derive(Debug, Serialize, ToSchema)]
pub struct SetupPost {
    pub id: String,
    pub org_id: String,
    pub name: String,
    pub lat: f64,
    pub lon: f64,
}

impl From<(jingwu_command::records::Post, String)> for SetupPost {
    fn from((p, _): (jingwu_command::records::Post, String)) -> Self {
        SetupPost {
            id: p.id,
            org_id: p.org_id.into_string(),
            name: p.name,
            lat: p.lat,
            lon: p.lon,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PostRequest {
    /// The station (id or code); on create only.
    pub org: Option<String>,
    pub name: String,
    pub lat: f64,
    pub lon: f64,
}

/// Posts of the caller's jurisdiction.
#[utoipa::path(get, path = "/api/v1/command/setup/posts", tag = "command-setup", security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, body = Vec<SetupPost>), (status = 403, body = Problem, content_type = "application/problem+json")))]
pub async fn list_posts(
    State(s): State<AppState>,
    caller: Caller,
) -> Result<axum::Json<Vec<SetupPost>>, ApiError> {
    let out = s.app.command().list_posts(&caller.principal).await?;
    Ok(axum::Json(out.into_iter().map(Into::into).collect()))
}

/// Add a post to a station (a post of the same name is moved instead).
#[utoipa::path(post, path = "/api/v1/command/setup/posts", tag = "command-setup", security(("bearer" = []), ("cookie" = [])),
    request_body = PostRequest,
    responses((status = 201, body = SetupPost),
        (status = 403, description = "`forbidden`, `out_of_scope`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`org.kind`: posts belong to stations", body = Problem, content_type = "application/problem+json")))]
pub async fn create_post(
    State(s): State<AppState>,
    Ctx(ctx): Ctx,
    caller: Caller,
    Json(r): Json<PostRequest>,
) -> Result<(StatusCode, axum::Json<SetupPost>), ApiError> {
    let org = r.org.unwrap_or_default();
    let input = setup_uc::PostInput {
        name: r.name,
        lat: r.lat,
        lon: r.lon,
    };
    let out = s
        .app
        .command()
        .create_post(&caller.principal, &org, input, &ctx)
        .await?;
    Ok((StatusCode::CREATED, axum::Json(out.into())))
}

/// Rename or move a post.
#[utoipa::path(put, path = "/api/v1/command/setup/posts/{id}", tag = "command-setup", security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "Post id")),
    request_body = PostRequest,
    responses((status = 200, body = SetupPost),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn update_post(
    State(s): State<AppState>,
    Ctx(ctx): Ctx,
    caller: Caller,
    Path(id): Path<String>,
    Json(r): Json<PostRequest>,
) -> Result<axum::Json<SetupPost>, ApiError> {
    let input = setup_uc::PostInput {
        name: r.name,
        lat: r.lat,
        lon: r.lon,
    };
    let out = s
        .app
        .command()
        .update_post(&caller.principal, &id, input, &ctx)
        .await?;
    Ok(axum::Json(out.into()))
}

/// Remove a post (its units keep no post).
#[utoipa::path(delete, path = "/api/v1/command/setup/posts/{id}", tag = "command-setup", security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "Post id")),
    responses((status = 204, description = "removed"), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn delete_post(
    State(s): State<AppState>,
    Ctx(ctx): Ctx,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    s.app
        .command()
        .delete_post(&caller.principal, &id, &ctx)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A unit as setting up sees it (retired ones too).
#[derive(Debug, Serialize, ToSchema)]
pub struct SetupUnit {
    pub id: String,
    pub call_sign: String,
    #[schema(value_type = crate::openapi::UnitKindSchema)]
    pub kind: String,
    pub org_id: String,
    #[schema(value_type = crate::openapi::UnitStatusSchema)]
    pub status: String,
    /// `car`, `motorbike`, `foot`.
    pub travel_mode: String,
    pub equipment: Vec<String>,
    pub crew: Vec<String>,
    pub post_id: Option<String>,
    pub retired_at: Option<String>,
}

impl From<setup_uc::SetupUnit> for SetupUnit {
    fn from(v: setup_uc::SetupUnit) -> Self {
        let u = v.unit.unit;
        SetupUnit {
            id: u.id.into_string(),
            call_sign: u.call_sign,
            kind: u.kind.to_string(),
            org_id: u.org_id.into_string(),
            status: u.status.to_string(),
            travel_mode: u.travel_mode.to_string(),
            equipment: u.equipment,
            crew: u.crew,
            post_id: v.setup.post_id,
            retired_at: v
                .setup
                .retired_at
                .map(|t| micros_to_timestamp(t).to_string()),
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UnitRequest {
    /// Unique in the bureau: 1–16 letters, digits, CJK characters or `-`.
    pub call_sign: String,
    /// `patrol_car`, `foot_patrol`, `motorcycle`, `armed_patrol_team`, `traffic_unit`.
    pub kind: String,
    /// Home org unit (id or code).
    pub org: String,
    /// `car`, `motorbike`, `foot`; default: the kind's usual mode.
    pub travel_mode: Option<String>,
    /// Equipment codes (`shield`, `defibrillator`, …).
    #[serde(default)]
    pub equipment: Vec<String>,
    /// A post of the home station (id or name).
    pub post: Option<String>,
}

impl From<UnitRequest> for setup_uc::UnitInput {
    fn from(r: UnitRequest) -> Self {
        setup_uc::UnitInput {
            call_sign: r.call_sign,
            kind: r.kind,
            org: r.org,
            travel_mode: r.travel_mode,
            equipment: r.equipment,
            post: r.post,
        }
    }
}

/// Units of the caller's jurisdiction, retired ones too.
#[utoipa::path(get, path = "/api/v1/command/setup/units", tag = "command-setup", security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, body = Vec<SetupUnit>), (status = 403, body = Problem, content_type = "application/problem+json")))]
pub async fn list_units(
    State(s): State<AppState>,
    caller: Caller,
) -> Result<axum::Json<Vec<SetupUnit>>, ApiError> {
    let out = s.app.command().list_setup_units(&caller.principal).await?;
    Ok(axum::Json(out.into_iter().map(Into::into).collect()))
}

/// Register a unit. It starts off duty: its roster (or a dispatcher) puts it on duty.
#[utoipa::path(post, path = "/api/v1/command/setup/units", tag = "command-setup", security(("bearer" = []), ("cookie" = [])),
    request_body = UnitRequest,
    responses((status = 201, body = SetupUnit),
        (status = 403, description = "`forbidden`, `out_of_scope`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`call_sign.format`, `taken`, `unit_kind.unknown`, `travel_mode.unknown`, `equipment.format`, `post.unknown`", body = Problem, content_type = "application/problem+json")))]
pub async fn create_unit(
    State(s): State<AppState>,
    Ctx(ctx): Ctx,
    caller: Caller,
    Json(r): Json<UnitRequest>,
) -> Result<(StatusCode, axum::Json<SetupUnit>), ApiError> {
    let out = s
        .app
        .command()
        .create_unit(&caller.principal, r.into(), &ctx)
        .await?;
    Ok((StatusCode::CREATED, axum::Json(out.into())))
}

/// Change a unit's standing data (its station only while it is not on a job).
#[utoipa::path(put, path = "/api/v1/command/setup/units/{id}", tag = "command-setup", security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "Unit id")),
    request_body = UnitRequest,
    responses((status = 200, body = SetupUnit),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`unit_retired`, `unit_on_job`", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn update_unit(
    State(s): State<AppState>,
    Ctx(ctx): Ctx,
    caller: Caller,
    Path(id): Path<String>,
    Json(r): Json<UnitRequest>,
) -> Result<axum::Json<SetupUnit>, ApiError> {
    let out = s
        .app
        .command()
        .update_unit(&caller.principal, &id, r.into(), &ctx)
        .await?;
    Ok(axum::Json(out.into()))
}

/// Retire a unit: off duty for good, kept with its history and call sign.
#[utoipa::path(post, path = "/api/v1/command/setup/units/{id}/retire", tag = "command-setup", security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "Unit id")),
    responses((status = 200, body = SetupUnit),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`unit_retired`, `unit_on_job`", body = Problem, content_type = "application/problem+json")))]
pub async fn retire_unit(
    State(s): State<AppState>,
    Ctx(ctx): Ctx,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<axum::Json<SetupUnit>, ApiError> {
    let out = s
        .app
        .command()
        .retire_unit(&caller.principal, &id, &ctx)
        .await?;
    Ok(axum::Json(out.into()))
}

/// One shift of a unit's duty roster.
#[derive(Debug, Serialize, ToSchema)]
pub struct SetupShift {
    pub id: String,
    pub unit_id: String,
    pub starts_at: String,
    pub ends_at: String,
    pub crew: Vec<String>,
}

impl From<(jingwu_command::records::Shift, String)> for SetupShift {
    fn from((s, _): (jingwu_command::records::Shift, String)) -> Self {
        SetupShift {
            id: s.id,
            unit_id: s.unit_id.into_string(),
            starts_at: micros_to_timestamp(s.starts_at).to_string(),
            ends_at: micros_to_timestamp(s.ends_at).to_string(),
            crew: s.crew,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ShiftRequest {
    pub unit_id: String,
    /// RFC 3339.
    pub starts_at: String,
    /// RFC 3339; after `starts_at`, within 24 hours.
    pub ends_at: String,
    /// Officers on duty in the unit during the shift; empty keeps the unit's crew.
    #[serde(default)]
    pub crew: Vec<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ShiftParams {
    /// RFC 3339; default now minus a day.
    pub from: Option<String>,
    /// RFC 3339; default `from` plus 8 days.
    pub to: Option<String>,
}

fn instant(field: &str, v: &str) -> Result<i64, ApiError> {
    jingwu_command::setup::parse_instant(field, v)
        .map_err(|(f, code, m)| jingwu_app::AppError::invalid(&f, code, m).into())
}

/// Shifts of the caller's units that overlap `[from, to)`.
#[utoipa::path(get, path = "/api/v1/command/setup/shifts", tag = "command-setup", security(("bearer" = []), ("cookie" = [])),
    params(ShiftParams),
    responses((status = 200, body = Vec<SetupShift>),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn list_shifts(
    State(s): State<AppState>,
    caller: Caller,
    Query(p): Query<ShiftParams>,
) -> Result<axum::Json<Vec<SetupShift>>, ApiError> {
    const DAY_US: i64 = 86_400_000_000;
    let from = match p.from.as_deref() {
        Some(v) => instant("from", v)?,
        None => s.app.kernel().now_us() - DAY_US,
    };
    let to = match p.to.as_deref() {
        Some(v) => instant("to", v)?,
        None => from + 8 * DAY_US,
    };
    let out = s
        .app
        .command()
        .list_shifts(&caller.principal, from, to)
        .await?;
    Ok(axum::Json(out.into_iter().map(Into::into).collect()))
}

/// Add a shift to a unit's roster. A unit with a roster is on duty inside its shifts and off
/// duty outside them; a shift around the current time takes effect at once.
#[utoipa::path(post, path = "/api/v1/command/setup/shifts", tag = "command-setup", security(("bearer" = []), ("cookie" = [])),
    request_body = ShiftRequest,
    responses((status = 201, body = SetupShift),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`unit_retired`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`instant`, `shift.range`, `shift.overlap`, `crew.*`", body = Problem, content_type = "application/problem+json")))]
pub async fn create_shift(
    State(s): State<AppState>,
    Ctx(ctx): Ctx,
    caller: Caller,
    Json(r): Json<ShiftRequest>,
) -> Result<(StatusCode, axum::Json<SetupShift>), ApiError> {
    let input = setup_uc::ShiftInput {
        unit_id: r.unit_id,
        starts_at: instant("starts_at", &r.starts_at)?,
        ends_at: instant("ends_at", &r.ends_at)?,
        crew: r.crew,
    };
    let out = s
        .app
        .command()
        .create_shift(&caller.principal, input, &ctx)
        .await?;
    Ok((StatusCode::CREATED, axum::Json(out.into())))
}

/// Remove a shift.
#[utoipa::path(delete, path = "/api/v1/command/setup/shifts/{id}", tag = "command-setup", security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "Shift id")),
    responses((status = 204, description = "removed"), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn delete_shift(
    State(s): State<AppState>,
    Ctx(ctx): Ctx,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    s.app
        .command()
        .delete_shift(&caller.principal, &id, &ctx)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A key site (重点部位) that must have a force within `target_secs`.
#[derive(Debug, Serialize, ToSchema)]
pub struct SetupKeySite {
    pub id: String,
    pub org_id: String,
    pub kind: String,
    pub name_zh: String,
    pub name_en: String,
    pub lat: f64,
    pub lon: f64,
    pub target_secs: i64,
}

impl From<jingwu_command::records::KeySite> for SetupKeySite {
    fn from(k: jingwu_command::records::KeySite) -> Self {
        SetupKeySite {
            id: k.id.into_string(),
            org_id: k.org_id.into_string(),
            kind: k.kind,
            name_zh: k.name_zh,
            name_en: k.name_en,
            lat: k.lat,
            lon: k.lon,
            target_secs: k.target_secs,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct KeySiteRequest {
    /// Responsible org unit (id or code).
    pub org: String,
    /// Free code: `school`, `hospital`, `railway_station`, …
    pub kind: String,
    pub name_zh: String,
    pub name_en: String,
    pub lat: f64,
    pub lon: f64,
    /// 1..3600 seconds.
    pub target_secs: i64,
}

impl From<KeySiteRequest> for setup_uc::KeySiteInput {
    fn from(r: KeySiteRequest) -> Self {
        setup_uc::KeySiteInput {
            org: r.org,
            kind: r.kind,
            name_zh: r.name_zh,
            name_en: r.name_en,
            lat: r.lat,
            lon: r.lon,
            target_secs: r.target_secs,
        }
    }
}

/// Key sites of the caller's jurisdiction.
#[utoipa::path(get, path = "/api/v1/command/setup/key-sites", tag = "command-setup", security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, body = Vec<SetupKeySite>), (status = 403, body = Problem, content_type = "application/problem+json")))]
pub async fn list_key_sites(
    State(s): State<AppState>,
    caller: Caller,
) -> Result<axum::Json<Vec<SetupKeySite>>, ApiError> {
    let out = s.app.command().list_key_sites(&caller.principal).await?;
    Ok(axum::Json(out.into_iter().map(Into::into).collect()))
}

#[utoipa::path(post, path = "/api/v1/command/setup/key-sites", tag = "command-setup", security(("bearer" = []), ("cookie" = [])),
    request_body = KeySiteRequest,
    responses((status = 201, body = SetupKeySite),
        (status = 403, description = "`forbidden`, `out_of_scope`", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn create_key_site(
    State(s): State<AppState>,
    Ctx(ctx): Ctx,
    caller: Caller,
    Json(r): Json<KeySiteRequest>,
) -> Result<(StatusCode, axum::Json<SetupKeySite>), ApiError> {
    let (k, _) = s
        .app
        .command()
        .create_key_site(&caller.principal, r.into(), &ctx)
        .await?;
    Ok((StatusCode::CREATED, axum::Json(k.into())))
}

#[utoipa::path(put, path = "/api/v1/command/setup/key-sites/{id}", tag = "command-setup", security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "Key site id")),
    request_body = KeySiteRequest,
    responses((status = 200, body = SetupKeySite),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn update_key_site(
    State(s): State<AppState>,
    Ctx(ctx): Ctx,
    caller: Caller,
    Path(id): Path<String>,
    Json(r): Json<KeySiteRequest>,
) -> Result<axum::Json<SetupKeySite>, ApiError> {
    let (k, _) = s
        .app
        .command()
        .update_key_site(&caller.principal, &id, r.into(), &ctx)
        .await?;
    Ok(axum::Json(k.into()))
}

#[utoipa::path(delete, path = "/api/v1/command/setup/key-sites/{id}", tag = "command-setup", security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "Key site id")),
    responses((status = 204, description = "removed"), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn delete_key_site(
    State(s): State<AppState>,
    Ctx(ctx): Ctx,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    s.app
        .command()
        .delete_key_site(&caller.principal, &id, &ctx)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A camera or another point source of a map layer, with its link.
#[derive(Debug, Serialize, ToSchema)]
pub struct SetupSource {
    pub id: String,
    /// Layer code; for a camera its kind (`cctv_public_security`, `cctv_traffic`, `cctv_social`).
    pub layer: String,
    /// The source's id in its owner's system, unique in the layer.
    pub code: String,
    pub name: String,
    pub lat: f64,
    pub lon: f64,
    /// Stream, playback or page link (http, https or rtsp).
    pub url: Option<String>,
    pub org_id: String,
    pub updated_at: String,
}

impl From<setup_uc::SourceView> for SetupSource {
    fn from(v: setup_uc::SourceView) -> Self {
        SetupSource {
            id: v.id,
            layer: v.layer,
            code: v.code,
            name: v.name,
            lat: v.lat,
            lon: v.lon,
            url: v.url,
            org_id: v.org_id,
            updated_at: micros_to_timestamp(v.updated_at).to_string(),
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SourceRequest {
    /// Layer code (not a live layer).
    pub layer: String,
    /// 1 to 64 letters, digits, `-`, `_`, `.`; unique in the layer.
    pub code: String,
    pub name: String,
    pub lat: f64,
    pub lon: f64,
    /// `http://`, `https://` or `rtsp://` URL; empty or absent for none.
    #[schema(max_length = 2000)]
    pub url: Option<String>,
    /// Owner org unit (id or code).
    pub org: String,
}

impl From<SourceRequest> for setup_uc::SourceInput {
    fn from(r: SourceRequest) -> Self {
        setup_uc::SourceInput {
            layer: r.layer,
            code: r.code,
            name: r.name,
            lat: r.lat,
            lon: r.lon,
            url: r.url.unwrap_or_default(),
            org: r.org,
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct SourceParams {
    /// A layer code; without it, the cameras (every layer of the video category).
    pub layer: Option<String>,
}

/// Cameras (or the sources of one layer) in the caller's jurisdiction.
#[utoipa::path(get, path = "/api/v1/command/setup/sources", tag = "command-setup", security(("bearer" = []), ("cookie" = [])),
    params(SourceParams),
    responses((status = 200, body = Vec<SetupSource>),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`layer.unknown`", body = Problem, content_type = "application/problem+json")))]
pub async fn list_sources(
    State(s): State<AppState>,
    caller: Caller,
    Query(p): Query<SourceParams>,
) -> Result<axum::Json<Vec<SetupSource>>, ApiError> {
    let out = s
        .app
        .command()
        .list_sources(&caller.principal, p.layer.as_deref())
        .await?;
    Ok(axum::Json(out.into_iter().map(Into::into).collect()))
}

/// Register a camera or another layer source with its link.
#[utoipa::path(post, path = "/api/v1/command/setup/sources", tag = "command-setup", security(("bearer" = []), ("cookie" = [])),
    request_body = SourceRequest,
    responses((status = 201, body = SetupSource),
        (status = 403, description = "`forbidden`, `out_of_scope`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`validation_failed` (`url.format`, `layer.unknown`, `taken`, …)", body = Problem, content_type = "application/problem+json")))]
pub async fn create_source(
    State(s): State<AppState>,
    Ctx(ctx): Ctx,
    caller: Caller,
    Json(r): Json<SourceRequest>,
) -> Result<(StatusCode, axum::Json<SetupSource>), ApiError> {
    let v = s
        .app
        .command()
        .create_source(&caller.principal, r.into(), &ctx)
        .await?;
    Ok((StatusCode::CREATED, axum::Json(v.into())))
}

#[utoipa::path(put, path = "/api/v1/command/setup/sources/{id}", tag = "command-setup", security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "Source id")),
    request_body = SourceRequest,
    responses((status = 200, body = SetupSource),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn update_source(
    State(s): State<AppState>,
    Ctx(ctx): Ctx,
    caller: Caller,
    Path(id): Path<String>,
    Json(r): Json<SourceRequest>,
) -> Result<axum::Json<SetupSource>, ApiError> {
    let v = s
        .app
        .command()
        .update_source(&caller.principal, &id, r.into(), &ctx)
        .await?;
    Ok(axum::Json(v.into()))
}

/// Retire a camera or source: it leaves the map (the audit log keeps what it was).
#[utoipa::path(delete, path = "/api/v1/command/setup/sources/{id}", tag = "command-setup", security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "Source id")),
    responses((status = 204, description = "retired"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn retire_source(
    State(s): State<AppState>,
    Ctx(ctx): Ctx,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    s.app
        .command()
        .retire_source(&caller.principal, &id, &ctx)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct SetupImportParams {
    /// Check every row and write nothing.
    pub dry_run: Option<bool>,
    /// Import the good rows even when some are bad (default: nothing unless all are good).
    pub partial: Option<bool>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SetupImportResult {
    /// Rows read (CSV lines after the header, or features).
    pub rows: usize,
    /// Rows that passed every check.
    pub valid: usize,
    /// Rows written (0 on a dry run).
    pub imported: usize,
    pub errors: Vec<RowError>,
}

/// Import sites, posts, units, shifts or key sites (CSV, `text/csv`) or station areas
/// (GeoJSON FeatureCollection with `properties.org_code`, `application/geo+json`). Columns:
/// `sites` org_code,lat,lon,address; `posts` org_code,name,lat,lon; `units`
/// call_sign,kind,org_code[,travel_mode,equipment,post]; `shifts`
/// call_sign,starts_at,ends_at[,crew]; `key_sites`
/// org_code,kind,name_zh,name_en,lat,lon,target_secs; `sources` (cameras and other layer
/// sources) layer,code,name,lat,lon,org_code[,url] (lists separated by `;`). Every bad row is
/// reported by line (for GeoJSON the feature's position) and field: in `errors` on a dry run
/// or with `partial=true`, else as a 422 naming `line N: field`, and nothing is written.
#[utoipa::path(post, path = "/api/v1/command/setup/import/{kind}", tag = "command-setup", security(("bearer" = []), ("cookie" = [])),
    params(("kind" = String, Path, description = "`sites`, `posts`, `units`, `shifts`, `key_sites`, `sources`, `areas`"), SetupImportParams),
    request_body(content((String = "text/csv"), (Object = "application/geo+json"))),
    responses((status = 200, body = SetupImportResult),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "unknown kind", body = Problem, content_type = "application/problem+json"),
        (status = 413, body = Problem, content_type = "application/problem+json"),
        (status = 415, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn import(
    State(s): State<AppState>,
    Ctx(ctx): Ctx,
    caller: Caller,
    Path(kind): Path<String>,
    Query(p): Query<SetupImportParams>,
    ImportBody(format, body): ImportBody,
) -> Result<axum::Json<SetupImportResult>, ApiError> {
    let kind = ImportKind::parse(&kind).ok_or(jingwu_app::AppError::NotFound {
        what: "import kind",
    })?;
    let geojson = matches!(format, jingwu_app::ImportFormat::GeoJson);
    if geojson != kind.is_geojson() {
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            if kind.is_geojson() {
                "import areas as a GeoJSON FeatureCollection (application/geo+json)"
            } else {
                "import this kind as CSV (text/csv)"
            },
        ));
    }
    let opts = ImportOptions {
        dry_run: p.dry_run.unwrap_or(false),
        partial: p.partial.unwrap_or(false),
    };
    let out = s
        .app
        .command()
        .import_setup(&caller.principal, kind, &body, opts, &ctx)
        .await?;
    Ok(axum::Json(SetupImportResult {
        rows: out.rows,
        valid: out.valid,
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
