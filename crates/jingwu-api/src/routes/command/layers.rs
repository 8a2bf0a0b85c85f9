//! Information layers of the command map: the registry, layer creation, GeoJSON/CSV imports,
//! single-feature pushes and feature reads under each layer's access rule.

use axum::body::Bytes;
use axum::extract::{FromRequest, Path, Request, State};
use axum::http::{StatusCode, header};
use jingwu_app::{ImportFormat, NewLayer};
use jingwu_core::micros_to_timestamp;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::coverage::FeatureCollection;
use crate::extract::{Caller, Ctx, Json, Query};
use crate::{ApiError, AppState, Problem};

/// A registered information system shown on the command map.
#[derive(Debug, Serialize, ToSchema)]
pub struct Layer {
    pub id: String,
    pub category: String,
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    pub owner_org_id: String,
    /// `imported`, `pushed` or `live`.
    pub kind: String,
    /// Roles that may read its features (admins always may).
    pub read_roles: Vec<String>,
    /// Readers see only features of their own subtree.
    pub scoped: bool,
    pub features: i64,
    pub created_at: String,
}

impl From<jingwu_app::LayerInfo> for Layer {
    fn from(l: jingwu_app::LayerInfo) -> Self {
        Layer {
            id: l.layer.id.into_string(),
            category: l.category_code,
            code: l.layer.code,
            name_zh: l.layer.name_zh,
            name_en: l.layer.name_en,
            owner_org_id: l.layer.owner_org_id.into_string(),
            kind: l.layer.kind.to_string(),
            read_roles: l.read_roles,
            scoped: l.layer.scoped,
            features: l.features,
            created_at: micros_to_timestamp(l.layer.created_at).to_string(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LayerCategory {
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    /// The layers of this category the caller may read.
    pub layers: Vec<Layer>,
}

/// The layer registry: categories with the layers the caller may read.
#[utoipa::path(get, path = "/api/v1/layers", tag = "layers", security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, body = Vec<LayerCategory>),
        (status = 403, body = Problem, content_type = "application/problem+json")))]
pub async fn list_layers(
    State(s): State<AppState>,
    caller: Caller,
) -> Result<axum::Json<Vec<LayerCategory>>, ApiError> {
    let reg = s.app.command().layer_registry(&caller.principal).await?;
    Ok(axum::Json(
        reg.categories
            .into_iter()
            .map(|(c, ls)| LayerCategory {
                code: c.code,
                name_zh: c.name_zh,
                name_en: c.name_en,
                layers: ls.into_iter().map(Layer::from).collect(),
            })
            .collect(),
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewLayerRequest {
    /// Category code, e.g. `video`.
    pub category: String,
    #[schema(min_length = 1, max_length = 64, pattern = r"^[a-z0-9_]+$")]
    pub code: String,
    #[schema(min_length = 1, max_length = 100, pattern = r"\S")]
    pub name_zh: String,
    #[schema(min_length = 1, max_length = 100, pattern = r"\S")]
    pub name_en: String,
    /// `imported`, `pushed` or `live`.
    pub kind: String,
    /// Staff role codes that may read the features.
    pub read_roles: Vec<String>,
    #[serde(default)]
    pub scoped: bool,
    /// Default: the caller's org unit.
    pub owner_org_id: Option<String>,
}

/// Register a layer (admins).
#[utoipa::path(post, path = "/api/v1/layers", tag = "layers", security(("bearer" = []), ("cookie" = [])),
    request_body = NewLayerRequest,
    responses((status = 201, body = Layer),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`layer_exists`", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn create_layer(
    State(s): State<AppState>,
    Ctx(ctx): Ctx,
    caller: Caller,
    Json(r): Json<NewLayerRequest>,
) -> Result<(StatusCode, axum::Json<Layer>), ApiError> {
    let n = NewLayer {
        category_code: r.category,
        code: r.code,
        name_zh: r.name_zh,
        name_en: r.name_en,
        kind: r.kind,
        read_roles: r.read_roles,
        scoped: r.scoped,
        owner_org_id: r.owner_org_id,
    };
    let l = s
        .app
        .command()
        .create_layer(&caller.principal, &n, &ctx)
        .await?;
    Ok((StatusCode::CREATED, axum::Json(l.into())))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct FeatureParams {
    /// `minLon,minLat,maxLon,maxLat` (RFC 7946 order).
    #[param(pattern = r"^-?[0-9]+(\.[0-9]+)?(,-?[0-9]+(\.[0-9]+)?){3}$")]
    pub bbox: Option<String>,
}

fn parse_bbox(s: &str) -> Result<(f64, f64, f64, f64), ApiError> {
    let bad = || {
        ApiError::field(
            StatusCode::BAD_REQUEST,
            "bbox",
            "invalid_query",
            "bbox must be minLon,minLat,maxLon,maxLat",
        )
    };
    let v: Vec<f64> = s
        .split(',')
        .map(|x| x.trim().parse::<f64>())
        .collect::<Result<_, _>>()
        .map_err(|_| bad())?;
    match v.as_slice() {
        &[lon0, lat0, lon1, lat1]
            if lon0 <= lon1
                && lat0 <= lat1
                && (-180.0..=180.0).contains(&lon0)
                && (-180.0..=180.0).contains(&lon1)
                && (-90.0..=90.0).contains(&lat0)
                && (-90.0..=90.0).contains(&lat1) =>
        {
            Ok((lat0, lon0, lat1, lon1))
        }
        _ => Err(bad()),
    }
}

/// A layer's features as GeoJSON, under the layer's access rule: a role it does not admit is
/// refused (403 `forbidden`); a scoped layer shows only the caller's subtree.
#[utoipa::path(get, path = "/api/v1/layers/{id}/features", tag = "layers", security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "Layer id"), FeatureParams),
    responses((status = 200, body = FeatureCollection),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn layer_features(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Query(p): Query<FeatureParams>,
) -> Result<axum::Json<FeatureCollection>, ApiError> {
    let bbox = p.bbox.as_deref().map(parse_bbox).transpose()?;
    let (_, features) = s
        .app
        .command()
        .layer_features(&caller.principal, &id, bbox)
        .await?;
    Ok(axum::Json(FeatureCollection {
        kind: "FeatureCollection".into(),
        features: features
            .into_iter()
            .map(|f| {
                serde_json::json!({
                    "type": "Feature",
                    "id": f.external_id,
                    "geometry": serde_json::from_str::<serde_json::Value>(&f.geometry).unwrap_or(serde_json::Value::Null),
                    "properties": serde_json::from_str::<serde_json::Value>(&f.properties).unwrap_or(serde_json::Value::Null),
                    "org_id": f.org_id,
                    "updated_at": micros_to_timestamp(f.updated_at).to_string(),
                })
            })
            .collect(),
    }))
}

/// A raw import body with its media type; rejections are problem+json like every extractor.
pub struct ImportBody(pub ImportFormat, pub Bytes);

impl<S: Send + Sync> FromRequest<S> for ImportBody {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let media = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .map(|m| m.trim().to_ascii_lowercase())
            .unwrap_or_default();
        let format = match media.as_str() {
            "application/geo+json" | "application/json" => ImportFormat::GeoJson,
            "text/csv" => ImportFormat::Csv,
            _ => {
                return Err(ApiError::new(
                    StatusCode::UNSUPPORTED_MEDIA_TYPE,
                    "unsupported_media_type",
                    "import a GeoJSON FeatureCollection (application/geo+json) or CSV (text/csv)",
                ));
            }
        };
        let bytes =
            crate::extract::read_body(req, state, "the import", crate::MAX_JSON_BODY).await?;
        crate::text_guard::refuse_nul_in_text(&bytes)?;
        Ok(ImportBody(format, bytes))
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ImportResult {
    pub created: usize,
    pub updated: usize,
}

/// Import features into a layer from a GeoJSON FeatureCollection (`application/geo+json`,
/// ids in `id` or `properties.id`) or CSV (`text/csv` with columns id, lat, lon, name, …).
/// Features are upserted by id. Any invalid feature answers 422 naming `features[i]` and
/// nothing is written.
#[utoipa::path(post, path = "/api/v1/layers/{id}/features", tag = "layers", security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "Layer id")),
    request_body(content(
        (FeatureCollection = "application/geo+json"),
        (String = "text/csv"),
    )),
    responses((status = 200, body = ImportResult),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`layer_live`", body = Problem, content_type = "application/problem+json"),
        (status = 415, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn import_features(
    State(s): State<AppState>,
    Ctx(ctx): Ctx,
    caller: Caller,
    Path(id): Path<String>,
    ImportBody(format, body): ImportBody,
) -> Result<axum::Json<ImportResult>, ApiError> {
    let out = s
        .app
        .command()
        .import_features(&caller.principal, &id, format, &body, &ctx)
        .await?;
    Ok(axum::Json(ImportResult {
        created: out.created,
        updated: out.updated,
    }))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PushFeature {
    /// A GeoJSON geometry object.
    pub geometry: serde_json::Value,
    #[serde(default)]
    pub properties: serde_json::Map<String, serde_json::Value>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PushResult {
    pub created: bool,
}

/// Insert or replace one feature of a layer by its external id (systems pushing updates).
#[utoipa::path(put, path = "/api/v1/layers/{id}/features/{external_id}", tag = "layers", security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "Layer id"), ("external_id" = String, Path, description = "The feature's id in its source system")),
    request_body = PushFeature,
    responses((status = 200, body = PushResult),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn push_feature(
    State(s): State<AppState>,
    Ctx(ctx): Ctx,
    caller: Caller,
    Path((id, external_id)): Path<(String, String)>,
    Json(r): Json<PushFeature>,
) -> Result<axum::Json<PushResult>, ApiError> {
    let created = s
        .app
        .command()
        .push_feature(
            &caller.principal,
            &id,
            &external_id,
            r.geometry,
            r.properties,
            &ctx,
        )
        .await?;
    Ok(axum::Json(PushResult { created }))
}
