//! The command map's information layers: a registry of categories and the systems (layers)
//! under them, each with an owner, a kind (`imported`, `pushed`, `live`) and an access rule
//! (which roles may read it, and whether a reader sees only features of its own subtree).
//! Features arrive as GeoJSON or CSV imports (all or nothing) or are pushed one at a time by
//! external id.

use std::collections::HashSet;

use jingwu_core::{Action, FeatureId, LayerId, OrgId, OrgKind, Principal, Role, Scope, authorize};
use jingwu_routing::haversine_m;
use jingwu_store::Conn;
use jingwu_store::command as cq;
use jingwu_store::command::layers::{self as lq, Category, Feature, Layer, LayerKind, LayerRow};
use jingwu_store::foundation::orgs;
use serde_json::{Map, Value};

use super::Command;
use crate::{AppError, FieldError, RequestCtx, Result};

/// Most features one import may carry.
pub const MAX_IMPORT_FEATURES: usize = 20_000;
const MAX_REPORTED_ERRORS: usize = 100;

#[derive(Debug, Clone, PartialEq)]
pub struct NewLayer {
    pub category_code: String,
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    pub kind: String,
    pub read_roles: Vec<String>,
    pub scoped: bool,
    /// Default: the caller's org unit.
    pub owner_org_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct LayerInfo {
    pub layer: Layer,
    pub category_code: String,
    pub owner_path: String,
    pub read_roles: Vec<String>,
    pub features: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct LayerRegistry {
    /// Categories with the layers the caller may read, in display order.
    pub categories: Vec<(Category, Vec<LayerInfo>)>,
}

/// A validated feature ready to store.
#[derive(Debug, Clone, PartialEq)]
pub struct FeatureInput {
    pub external_id: String,
    pub geometry: Value,
    pub properties: Map<String, Value>,
}

/// How an import body is encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportFormat {
    GeoJson,
    Csv,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImportOutcome {
    pub created: usize,
    pub updated: usize,
}

fn roles_of(json: &str) -> Vec<String> {
    serde_json::from_str(json).unwrap_or_default()
}

fn info(r: LayerRow, cats: &[Category]) -> LayerInfo {
    let category_code = cats
        .iter()
        .find(|c| c.id == r.layer.category_id)
        .map(|c| c.code.clone())
        .unwrap_or_default();
    LayerInfo {
        read_roles: roles_of(&r.layer.read_roles),
        layer: r.layer,
        category_code,
        owner_path: r.owner_path,
        features: r.features,
    }
}

/// Whether `who` may read a layer's features: admins always, others when their role is listed.
fn may_read(who: &Principal, roles: &[String]) -> bool {
    who.role == Role::Admin || roles.iter().any(|r| r == who.role.as_str())
}

fn valid_code(s: &str) -> bool {
    (1..=64).contains(&s.len())
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// Positions of a GeoJSON geometry as `(lat, lon)`, checking nesting and ranges.
fn positions(
    v: &Value,
    depth: usize,
    out: &mut Vec<(f64, f64)>,
) -> std::result::Result<(), String> {
    let a = v
        .as_array()
        .ok_or("coordinates do not match the geometry type")?;
    if depth == 0 {
        let (Some(lon), Some(lat)) = (
            a.first().and_then(Value::as_f64),
            a.get(1).and_then(Value::as_f64),
        ) else {
            return Err("a position must be [longitude, latitude]".into());
        };
        if a.len() > 3 || !(-180.0..=180.0).contains(&lon) || !(-90.0..=90.0).contains(&lat) {
            return Err(format!("position [{lon}, {lat}] is out of range"));
        }
        out.push((lat, lon));
        return Ok(());
    }
    if a.is_empty() {
        return Err("empty coordinates".into());
    }
    for x in a {
        positions(x, depth - 1, out)?;
    }
    Ok(())
}

/// Checks a GeoJSON geometry object; returns its positions.
pub(crate) fn check_geometry(g: &Value) -> std::result::Result<Vec<(f64, f64)>, String> {
    let kind = g
        .get("type")
        .and_then(Value::as_str)
        .ok_or("geometry needs a type")?;
    let depth = match kind {
        "Point" => 0,
        "MultiPoint" | "LineString" => 1,
        "MultiLineString" | "Polygon" => 2,
        "MultiPolygon" => 3,
        other => return Err(format!("unsupported geometry type {other:?}")),
    };
    let coords = g.get("coordinates").ok_or("geometry needs coordinates")?;
    let mut out = Vec::new();
    positions(coords, depth, &mut out)?;
    if kind == "LineString" && out.len() < 2 {
        return Err("a LineString needs at least two positions".into());
    }
    Ok(out)
}

fn bbox(ps: &[(f64, f64)]) -> (f64, f64, f64, f64) {
    ps.iter().fold(
        (
            f64::INFINITY,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NEG_INFINITY,
        ),
        |(a, b, c, d), &(lat, lon)| (a.min(lat), b.min(lon), c.max(lat), d.max(lon)),
    )
}

fn external_id(v: &Value) -> Option<String> {
    match v {
        Value::String(s) if !s.trim().is_empty() && s.len() <= 128 => Some(s.trim().to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Parses one GeoJSON Feature.
fn geojson_feature(i: usize, f: &Value, errs: &mut Vec<FieldError>) -> Option<FeatureInput> {
    let at = format!("features[{i}]");
    if f.get("type").and_then(Value::as_str) != Some("Feature") {
        errs.push(FieldError::new(
            &at,
            jingwu_command::error_codes::field::FEATURE_TYPE.code,
            "not a GeoJSON Feature",
        ));
        return None;
    }
    let properties = match f.get("properties") {
        None | Some(Value::Null) => Map::new(),
        Some(Value::Object(m)) => m.clone(),
        Some(_) => {
            errs.push(FieldError::new(
                &format!("{at}.properties"),
                jingwu_command::error_codes::field::FEATURE_PROPERTIES.code,
                "properties must be an object",
            ));
            return None;
        }
    };
    let id = f
        .get("id")
        .and_then(external_id)
        .or_else(|| properties.get("id").and_then(external_id));
    let Some(id) = id else {
        errs.push(FieldError::new(
            &format!("{at}.id"),
            jingwu_command::error_codes::field::FEATURE_ID.code,
            "each feature needs an id (string or number, in `id` or `properties.id`)",
        ));
        return None;
    };
    let geometry = f.get("geometry").cloned().unwrap_or(Value::Null);
    if let Err(e) = check_geometry(&geometry) {
        errs.push(FieldError::new(
            &format!("{at}.geometry"),
            jingwu_command::error_codes::field::FEATURE_GEOMETRY.code,
            e,
        ));
        return None;
    }
    Some(FeatureInput {
        external_id: id,
        geometry,
        properties,
    })
}

fn parse_geojson(body: &[u8], errs: &mut Vec<FieldError>) -> Vec<FeatureInput> {
    let v: Value = match serde_json::from_slice(body) {
        Ok(v) => v,
        Err(e) => {
            errs.push(FieldError::new(
                "body",
                jingwu_command::error_codes::field::GEOJSON_MALFORMED.code,
                format!("not JSON: {e}"),
            ));
            return Vec::new();
        }
    };
    if v.get("type").and_then(Value::as_str) != Some("FeatureCollection") {
        errs.push(FieldError::new(
            "type",
            jingwu_command::error_codes::field::GEOJSON_TYPE.code,
            "the body must be a GeoJSON FeatureCollection",
        ));
        return Vec::new();
    }
    let Some(features) = v.get("features").and_then(Value::as_array) else {
        errs.push(FieldError::new(
            "features",
            jingwu_command::error_codes::field::GEOJSON_FEATURES.code,
            "features must be an array",
        ));
        return Vec::new();
    };
    features
        .iter()
        .enumerate()
        .filter_map(|(i, f)| geojson_feature(i, f, errs))
        .collect()
}

fn parse_csv(body: &[u8], errs: &mut Vec<FieldError>) -> Vec<FeatureInput> {
    let mut rd = csv::ReaderBuilder::new()
        .has_headers(true)
        .trim(csv::Trim::All)
        .from_reader(body);
    let headers: Vec<String> = match rd.headers() {
        Ok(h) => h.iter().map(|s| s.to_ascii_lowercase()).collect(),
        Err(e) => {
            errs.push(FieldError::new(
                "body",
                jingwu_command::error_codes::field::CSV_MALFORMED.code,
                e.to_string(),
            ));
            return Vec::new();
        }
    };
    let col = |name: &str| headers.iter().position(|h| h == name);
    let (Some(ci), Some(clat), Some(clon), Some(cname)) =
        (col("id"), col("lat"), col("lon"), col("name"))
    else {
        errs.push(FieldError::new(
            "header",
            jingwu_command::error_codes::field::CSV_HEADER.code,
            "the header must name the columns id, lat, lon and name",
        ));
        return Vec::new();
    };
    let mut out = Vec::new();
    for (i, rec) in rd.records().enumerate() {
        let at = format!("features[{i}]");
        let line = i + 2;
        let rec = match rec {
            Ok(r) => r,
            Err(e) => {
                errs.push(FieldError::new(
                    &at,
                    jingwu_command::error_codes::field::CSV_ROW.code,
                    format!("line {line}: {e}"),
                ));
                continue;
            }
        };
        let get = |c: usize| rec.get(c).unwrap_or("");
        let num = |c: usize| get(c).parse::<f64>().ok().filter(|x| x.is_finite());
        let (lat, lon) = (num(clat), num(clon));
        let Some((lat, lon)) = lat
            .zip(lon)
            .filter(|(la, lo)| (-90.0..=90.0).contains(la) && (-180.0..=180.0).contains(lo))
        else {
            errs.push(FieldError::new(
                &format!("{at}.lat"),
                jingwu_command::error_codes::field::FEATURE_GEOMETRY.code,
                format!("line {line}: lat/lon missing or out of range"),
            ));
            continue;
        };
        let id = get(ci);
        if id.is_empty() || id.len() > 128 {
            errs.push(FieldError::new(
                &format!("{at}.id"),
                jingwu_command::error_codes::field::FEATURE_ID.code,
                format!("line {line}: the id is empty or too long"),
            ));
            continue;
        }
        if get(cname).is_empty() {
            errs.push(FieldError::new(
                &format!("{at}.name"),
                jingwu_command::error_codes::field::FEATURE_NAME.code,
                format!("line {line}: the name is empty"),
            ));
            continue;
        }
        let mut properties = Map::new();
        for (c, h) in headers.iter().enumerate() {
            if c != ci && c != clat && c != clon && !h.is_empty() {
                properties.insert(h.clone(), Value::String(get(c).to_string()));
            }
        }
        out.push(FeatureInput {
            external_id: id.to_string(),
            geometry: serde_json::json!({ "type": "Point", "coordinates": [lon, lat] }),
            properties,
        });
    }
    out
}

impl Command<'_> {
    async fn layer_row(&self, conn: &mut impl Conn, id: &str) -> Result<LayerRow> {
        lq::get_layer(conn, id)
            .await?
            .ok_or(AppError::NotFound { what: "layer" })
    }

    /// Categories and the layers the caller may read.
    pub async fn layer_registry(&self, who: &Principal) -> Result<LayerRegistry> {
        authorize(who, Action::ReadLayers, Scope::Org(&who.org_path))
            .map_err(AppError::denied_scope)?;
        let mut conn = self.k().read().await?;
        let cats = lq::categories(&mut conn).await?;
        let layers: Vec<LayerInfo> = lq::layers(&mut conn)
            .await?
            .into_iter()
            .map(|r| info(r, &cats))
            .filter(|l| may_read(who, &l.read_roles))
            .collect();
        Ok(LayerRegistry {
            categories: cats
                .into_iter()
                .map(|c| {
                    let ls = layers
                        .iter()
                        .filter(|l| l.layer.category_id == c.id)
                        .cloned()
                        .collect();
                    (c, ls)
                })
                .collect(),
        })
    }

    /// Registers a layer (admins), owned by the caller's org or one of its subtree.
    pub async fn create_layer(
        &self,
        who: &Principal,
        n: &NewLayer,
        ctx: &RequestCtx,
    ) -> Result<LayerInfo> {
        authorize(who, Action::ManageLayers, Scope::Org(&who.org_path))
            .map_err(AppError::denied_scope)?;
        let mut errs = Vec::new();
        if !valid_code(&n.code) {
            errs.push(FieldError::new(
                "code",
                jingwu_command::error_codes::field::LAYER_CODE.code,
                "1-64 lowercase letters, digits or underscores",
            ));
        }
        for (f, v) in [("name_zh", &n.name_zh), ("name_en", &n.name_en)] {
            if v.trim().is_empty() || v.chars().count() > 100 {
                errs.push(FieldError::new(
                    f,
                    jingwu_command::error_codes::field::LAYER_NAME.code,
                    "1-100 characters",
                ));
            }
        }
        let kind = LayerKind::parse(&n.kind);
        if kind.is_err() {
            errs.push(FieldError::new(
                "kind",
                jingwu_command::error_codes::field::LAYER_KIND.code,
                "one of imported, pushed, live",
            ));
        }
        for (i, r) in n.read_roles.iter().enumerate() {
            if !Role::parse(r).is_some_and(Role::is_staff) {
                errs.push(FieldError::new(
                    &format!("read_roles[{i}]"),
                    jingwu_command::error_codes::field::LAYER_ROLE.code,
                    "a staff role code (citizens never read layers)",
                ));
            }
        }
        let mut conn = self.k().read().await?;
        let cat = lq::category_by_code(&mut conn, &n.category_code).await?;
        if cat.is_none() {
            errs.push(FieldError::new(
                "category_code",
                jingwu_command::error_codes::field::LAYER_CATEGORY.code,
                "no such category",
            ));
        }
        let owner = match &n.owner_org_id {
            Some(id) => {
                let o = orgs::get(&mut conn, id).await?;
                if o.is_none() {
                    errs.push(FieldError::new(
                        "owner_org_id",
                        jingwu_command::error_codes::field::LAYER_OWNER.code,
                        "no such org unit",
                    ));
                }
                o
            }
            None => orgs::get(&mut conn, &who.org_id).await?,
        };
        drop(conn);
        if !errs.is_empty() {
            return Err(AppError::Validation(errs));
        }
        let (Some(cat), Some(owner), Ok(kind)) = (cat, owner, kind) else {
            return Err(AppError::Internal("caller's org unit is missing".into()));
        };
        authorize(who, Action::ManageLayers, Scope::Org(&owner.path))
            .map_err(AppError::denied_scope)?;
        let mut roles: Vec<String> = n.read_roles.clone();
        roles.sort();
        roles.dedup();
        let layer = Layer {
            id: LayerId::new(),
            category_id: cat.id.clone(),
            code: n.code.clone(),
            name_zh: n.name_zh.trim().into(),
            name_en: n.name_en.trim().into(),
            owner_org_id: owner.id.as_str().into(),
            kind,
            read_roles: serde_json::to_string(&roles)
                .map_err(|e| AppError::Internal(e.to_string()))?,
            scoped: n.scoped,
            created_at: self.now_us(),
        };
        self.k().write(who, ctx, async |tx| {
        if lq::layer_code_taken(tx.db(), &layer.code).await? {
            return Err(AppError::Conflict {
                code: jingwu_command::error_codes::LAYER_EXISTS.code,
                detail: format!("a layer with code {:?} exists", layer.code),
            });
        }
        lq::insert_layer(tx.db(), &layer).await?;
        let detail = serde_json::json!({ "code": layer.code, "category": cat.code, "kind": layer.kind, "read_roles": roles, "scoped": layer.scoped });
        tx.audit("layer.create",
            ("layer", layer.id.as_str()),
            &owner.path,
            detail).await?;
                Ok(LayerInfo {
            layer,
            category_code: cat.code,
            owner_path: owner.path,
            read_roles: roles,
            features: 0,
        })
        })
        .await
    }

    /// A layer the caller may write features to (its owner lies in the caller's subtree).
    async fn writable_layer(
        &self,
        conn: &mut impl Conn,
        who: &Principal,
        id: &str,
    ) -> Result<LayerRow> {
        authorize(who, Action::ManageLayers, Scope::Org(&who.org_path))
            .map_err(AppError::denied_scope)?;
        let l = self.layer_row(conn, id).await?;
        authorize(who, Action::ManageLayers, Scope::Org(&l.owner_path))
            .map_err(|d| AppError::denied_object(d, "layer"))?;
        if l.layer.kind == LayerKind::Live {
            return Err(AppError::Conflict {
                code: jingwu_command::error_codes::LAYER_LIVE.code,
                detail: "a live layer is fed by its system, not by imports or pushes".into(),
            });
        }
        Ok(l)
    }

    /// Owning org per feature: the nearest station site (straight line) within the caller's
    /// subtree, else the caller's own org.
    async fn feature_orgs(
        &self,
        conn: &mut impl Conn,
        who: &Principal,
        features: &[FeatureInput],
    ) -> Result<Vec<OrgId>> {
        let stations: Vec<_> = cq::sites_under(conn, &who.org_path)
            .await?
            .into_iter()
            .filter(|(_, kind, _)| *kind == OrgKind::Station)
            .map(|(s, _, _)| s)
            .collect();
        Ok(features
            .iter()
            .map(|f| {
                let ps = check_geometry(&f.geometry).unwrap_or_default();
                let (a, b, c, d) = bbox(&ps);
                let (lat, lon) = ((a + c) / 2.0, (b + d) / 2.0);
                stations
                    .iter()
                    .min_by(|x, y| {
                        haversine_m(lat, lon, x.lat, x.lon)
                            .total_cmp(&haversine_m(lat, lon, y.lat, y.lon))
                    })
                    .map_or_else(|| who.org_id.as_str().into(), |s| s.org_id.clone())
            })
            .collect())
    }

    async fn store_features(
        &self,
        tx: &mut jingwu_store::WriteTx,
        layer_id: &LayerId,
        features: &[FeatureInput],
        org_ids: &[OrgId],
    ) -> Result<ImportOutcome> {
        let now = self.now_us();
        let mut out = ImportOutcome {
            created: 0,
            updated: 0,
        };
        for (f, org_id) in features.iter().zip(org_ids) {
            let ps = check_geometry(&f.geometry).map_err(AppError::Internal)?;
            let created = lq::upsert_feature(
                tx,
                &Feature {
                    id: FeatureId::new(),
                    layer_id: layer_id.clone(),
                    org_id: org_id.clone(),
                    external_id: f.external_id.clone(),
                    geometry: f.geometry.to_string(),
                    properties: Value::Object(f.properties.clone()).to_string(),
                    bbox: bbox(&ps),
                    updated_at: now,
                },
            )
            .await?;
            if created {
                out.created += 1;
            } else {
                out.updated += 1;
            }
        }
        Ok(out)
    }

    /// Imports a GeoJSON FeatureCollection or a CSV (id,lat,lon,name,…) into a layer: every
    /// feature is checked first and any error (naming the feature's index) writes nothing.
    /// Features are upserted by external id.
    pub async fn import_features(
        &self,
        who: &Principal,
        layer_id: &str,
        format: ImportFormat,
        body: &[u8],
        ctx: &RequestCtx,
    ) -> Result<ImportOutcome> {
        let mut conn = self.k().read().await?;
        let layer = self.writable_layer(&mut conn, who, layer_id).await?;
        let mut errs = Vec::new();
        let features = match format {
            ImportFormat::GeoJson => parse_geojson(body, &mut errs),
            ImportFormat::Csv => parse_csv(body, &mut errs),
        };
        if features.len() > MAX_IMPORT_FEATURES {
            errs.push(FieldError::new(
                "features",
                jingwu_command::error_codes::field::IMPORT_COUNT.code,
                format!("at most {MAX_IMPORT_FEATURES} features per import"),
            ));
        }
        let mut seen = HashSet::new();
        for (i, f) in features.iter().enumerate() {
            if !seen.insert(f.external_id.as_str()) {
                errs.push(FieldError::new(
                    &format!("features[{i}].id"),
                    jingwu_command::error_codes::field::FEATURE_DUPLICATE.code,
                    format!("id {:?} appears twice in this import", f.external_id),
                ));
            }
        }
        if features.is_empty() && errs.is_empty() {
            errs.push(FieldError::new(
                "features",
                jingwu_command::error_codes::field::IMPORT_EMPTY.code,
                "no features to import",
            ));
        }
        if !errs.is_empty() {
            errs.truncate(MAX_REPORTED_ERRORS);
            return Err(AppError::Validation(errs));
        }
        let org_ids = self.feature_orgs(&mut conn, who, &features).await?;
        drop(conn);
        self.k().write(who, ctx, async |tx| {
        let out = self
            .store_features(tx.db(), &layer.layer.id, &features, &org_ids)
            .await?;
        let detail = serde_json::json!({
            "code": layer.layer.code,
            "format": match format { ImportFormat::GeoJson => "geojson", ImportFormat::Csv => "csv" },
            "created": out.created, "updated": out.updated,
        });
        tx.audit("layer.import",
            ("layer", layer.layer.id.as_str()),
            &layer.owner_path,
            detail).await?;
                Ok(out)
        })
        .await
    }

    /// Inserts or replaces one feature by external id. Returns whether it was new.
    pub async fn push_feature(
        &self,
        who: &Principal,
        layer_id: &str,
        external: &str,
        geometry: Value,
        properties: Map<String, Value>,
        ctx: &RequestCtx,
    ) -> Result<bool> {
        let mut conn = self.k().read().await?;
        let layer = self.writable_layer(&mut conn, who, layer_id).await?;
        let Some(external_id) = external_id(&Value::String(external.into())) else {
            return Err(AppError::invalid(
                "external_id",
                jingwu_command::error_codes::field::FEATURE_ID.code,
                "1-128 characters",
            ));
        };
        check_geometry(&geometry).map_err(|e| {
            AppError::invalid(
                "geometry",
                jingwu_command::error_codes::field::FEATURE_GEOMETRY.code,
                e,
            )
        })?;
        let f = FeatureInput {
            external_id,
            geometry,
            properties,
        };
        let org_ids = self
            .feature_orgs(&mut conn, who, std::slice::from_ref(&f))
            .await?;
        drop(conn);
        self.k().write(who, ctx, async |tx| {
        let out = self
            .store_features(tx.db(), &layer.layer.id, std::slice::from_ref(&f), &org_ids)
            .await?;
        let detail = serde_json::json!({ "code": layer.layer.code, "external_id": f.external_id, "created": out.created == 1 });
        tx.audit("layer.feature_push",
            ("layer", layer.layer.id.as_str()),
            &layer.owner_path,
            detail).await?;
                Ok(out.created == 1)
        })
        .await
    }

    /// A layer's features the caller may read, optionally within a bounding box
    /// (min_lat, min_lon, max_lat, max_lon). A role the layer does not admit is refused (403);
    /// a scoped layer shows only features of the caller's subtree.
    pub async fn layer_features(
        &self,
        who: &Principal,
        layer_id: &str,
        bbox: Option<(f64, f64, f64, f64)>,
    ) -> Result<(LayerInfo, Vec<Feature>)> {
        authorize(who, Action::ReadLayers, Scope::Org(&who.org_path))
            .map_err(AppError::denied_scope)?;
        let mut conn = self.k().read().await?;
        let cats = lq::categories(&mut conn).await?;
        let layer = info(self.layer_row(&mut conn, layer_id).await?, &cats);
        if !may_read(who, &layer.read_roles) {
            return Err(AppError::Forbidden(format!(
                "the role {} may not read the layer {}",
                who.role.as_str(),
                layer.layer.code
            )));
        }
        let path = layer.layer.scoped.then_some(who.org_path.as_str());
        let features = lq::features(&mut conn, layer_id, path, bbox).await?;
        Ok((layer, features))
    }
}
