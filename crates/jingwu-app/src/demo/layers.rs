//! The demo city's information-layer registry: 12 categories and 25 systems, with features
//! for the systems the demo data can feed (stations, key sites, hospitals, schools and
//! cameras placed deterministically around key sites). The cameras are registered through the
//! setup import, as an admin would; their stream links use the reserved `.invalid` domain
//! (RFC 2606): there is no real video behind them.

use jingwu_core::{FeatureId, LayerCategoryId, LayerId, OrgId, OrgKind};
use jingwu_store::command as cq;
use jingwu_store::command::layers::{self as lq, Category, Layer, LayerKind};
use jingwu_store::foundation::orgs;
use serde_json::{Map, Value, json};

use crate::command::layers::FeatureInput;
use crate::setup::{ImportKind, ImportOptions};
use crate::{App, AppError, RequestCtx, Result};

/// (code, 中文名, English name).
const CATEGORIES: [(&str, &str, &str); 12] = [
    ("police_force", "警力", "Police forces"),
    ("incidents", "警情", "Incidents"),
    ("video", "视频监控", "Cameras and video"),
    ("checkpoints", "卡口", "Checkpoints"),
    ("key_sites", "重点单位/要害部位", "Key sites"),
    ("medical", "医院", "Hospitals and emergency care"),
    ("education", "学校", "Schools"),
    ("fire", "消防", "Fire and rescue"),
    ("traffic", "交通", "Traffic"),
    ("hazmat", "危化品", "Hazardous chemicals"),
    ("social_resources", "社会资源", "Social resources"),
    ("base_geo", "基础地理", "Base geography"),
];

const FORCE: &[&str] = &["admin", "dispatcher", "officer"];
const MAP: &[&str] = &[
    "admin",
    "dispatcher",
    "officer",
    "fire_commander",
    "traffic_clerk",
];

/// (category, code, 中文名, English name, kind, read roles, scoped).
type LayerDef = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    LayerKind,
    &'static [&'static str],
    bool,
);
const LAYERS: [LayerDef; 25] = [
    (
        "police_force",
        "police_units",
        "110警力定位",
        "Police unit positions",
        LayerKind::Live,
        FORCE,
        true,
    ),
    (
        "police_force",
        "police_stations",
        "派出所",
        "Police stations",
        LayerKind::Imported,
        MAP,
        false,
    ),
    (
        "incidents",
        "incidents_live",
        "110实时警情",
        "Live 110 incidents",
        LayerKind::Live,
        FORCE,
        true,
    ),
    (
        "incidents",
        "incident_hotspots",
        "警情热点",
        "Incident hot spots",
        LayerKind::Imported,
        FORCE,
        true,
    ),
    (
        "video",
        "cctv_public_security",
        "治安监控",
        "Public-security cameras",
        LayerKind::Imported,
        FORCE,
        true,
    ),
    (
        "video",
        "cctv_traffic",
        "交通监控",
        "Traffic cameras",
        LayerKind::Imported,
        &["admin", "dispatcher", "officer", "traffic_clerk"],
        false,
    ),
    (
        "video",
        "cctv_social",
        "社会面视频",
        "Shared private cameras",
        LayerKind::Pushed,
        FORCE,
        true,
    ),
    (
        "video",
        "body_cameras",
        "执法记录仪",
        "Body-worn cameras",
        LayerKind::Live,
        FORCE,
        true,
    ),
    (
        "checkpoints",
        "checkpoint_face",
        "人脸卡口",
        "Face checkpoints",
        LayerKind::Pushed,
        &["admin", "dispatcher"],
        true,
    ),
    (
        "checkpoints",
        "checkpoint_vehicle",
        "车辆卡口",
        "Vehicle checkpoints",
        LayerKind::Pushed,
        &["admin", "dispatcher", "officer", "traffic_clerk"],
        false,
    ),
    (
        "checkpoints",
        "checkpoint_stations",
        "公安检查站",
        "Police checkpoints",
        LayerKind::Imported,
        FORCE,
        false,
    ),
    (
        "key_sites",
        "key_units",
        "重点单位",
        "Key units",
        LayerKind::Imported,
        MAP,
        true,
    ),
    (
        "key_sites",
        "vital_parts",
        "要害部位",
        "Vital parts",
        LayerKind::Imported,
        FORCE,
        true,
    ),
    (
        "medical",
        "hospitals",
        "医院",
        "Hospitals",
        LayerKind::Imported,
        MAP,
        false,
    ),
    (
        "medical",
        "ems_stations",
        "急救站",
        "Ambulance stations",
        LayerKind::Imported,
        MAP,
        false,
    ),
    (
        "education",
        "schools",
        "中小学幼儿园",
        "Schools and kindergartens",
        LayerKind::Imported,
        MAP,
        false,
    ),
    (
        "education",
        "universities",
        "高校",
        "Universities",
        LayerKind::Imported,
        MAP,
        false,
    ),
    (
        "fire",
        "fire_stations",
        "消防站",
        "Fire stations",
        LayerKind::Imported,
        MAP,
        false,
    ),
    (
        "fire",
        "hydrants",
        "消火栓",
        "Fire hydrants",
        LayerKind::Imported,
        MAP,
        false,
    ),
    (
        "traffic",
        "traffic_signals",
        "交通信号灯",
        "Traffic signals",
        LayerKind::Imported,
        MAP,
        false,
    ),
    (
        "traffic",
        "traffic_flow",
        "实时路况",
        "Live traffic",
        LayerKind::Live,
        MAP,
        false,
    ),
    (
        "hazmat",
        "hazmat_sites",
        "危化品企业",
        "Hazardous-chemical sites",
        LayerKind::Imported,
        &["admin", "dispatcher", "officer", "fire_commander"],
        true,
    ),
    (
        "social_resources",
        "security_guards",
        "保安力量",
        "Security guard forces",
        LayerKind::Pushed,
        FORCE,
        true,
    ),
    (
        "social_resources",
        "grid_workers",
        "网格员",
        "Community grid workers",
        LayerKind::Pushed,
        FORCE,
        true,
    ),
    (
        "base_geo",
        "jurisdictions",
        "辖区边界",
        "Jurisdiction boundaries",
        LayerKind::Imported,
        MAP,
        false,
    ),
];

/// A demo camera's stream link: RTSP on its default port 554 (RFC 7826) at a video
/// management server under the reserved `.invalid` domain (RFC 2606), one path per camera.
/// There is no real video behind it.
fn camera_link(camera: &str) -> String {
    format!("rtsp://vms.demo.invalid:554/live/{camera}/main")
}

/// Cameras placed around each key site: (north, east) offsets in degrees (about 60-90 m).
const CAMERA_OFFSETS: [(f64, f64); 4] =
    [(0.0006, 0.0), (0.0, 0.0008), (-0.0006, 0.0), (0.0, -0.0008)];

fn point(lat: f64, lon: f64) -> Value {
    json!({ "type": "Point", "coordinates": [lon, lat] })
}

fn props(v: Value) -> Map<String, Value> {
    match v {
        Value::Object(m) => m,
        _ => Map::new(),
    }
}

impl App {
    /// Registers the demo city's 12 categories and 25 systems with the features the demo data
    /// can feed; does nothing when categories exist. Returns the number of layers created.
    pub async fn seed_demo_layers(&self) -> Result<usize> {
        let mut conn = self.kernel().read().await?;
        if !lq::categories(&mut conn).await?.is_empty() {
            return Ok(0);
        }
        let root = orgs::root(&mut conn)
            .await?
            .ok_or(AppError::Precondition("load the demo city first".into()))?;
        let tree = orgs::subtree(&mut conn, &root.path).await?;
        let sites = cq::sites_under(&mut conn, &root.path).await?;
        let key_sites = cq::key_sites_under(&mut conn, &root.path).await?;
        drop(conn);
        let now = self.kernel().now_us();
        let cats: Vec<Category> = CATEGORIES
            .iter()
            .enumerate()
            .map(|(i, (code, zh, en))| Category {
                id: LayerCategoryId::new(),
                code: (*code).into(),
                name_zh: (*zh).into(),
                name_en: (*en).into(),
                sort: (i as i64 + 1) * 10,
            })
            .collect();
        let mut layers = Vec::new();
        for (cat, code, zh, en, kind, roles, scoped) in LAYERS {
            let category_id = cats
                .iter()
                .find(|c| c.code == cat)
                .map(|c| c.id.clone())
                .ok_or_else(|| AppError::Internal(format!("demo layer category {cat}")))?;
            let mut roles: Vec<&str> = roles.to_vec();
            roles.sort_unstable();
            layers.push(Layer {
                id: LayerId::new(),
                category_id,
                code: code.into(),
                name_zh: zh.into(),
                name_en: en.into(),
                owner_org_id: root.id.as_str().into(),
                kind,
                read_roles: serde_json::to_string(&roles)
                    .map_err(|e| AppError::Internal(e.to_string()))?,
                scoped,
                created_at: now,
            });
        }
        let layer_id = |code: &str| {
            layers
                .iter()
                .find(|l| l.code == code)
                .map_or_else(|| LayerId::from(""), |l| l.id.clone())
        };
        // (layer id, feature, owning org).
        let mut features: Vec<(LayerId, FeatureInput, OrgId)> = Vec::new();
        // Cameras are registered as an admin would, through the setup import (below).
        let mut cameras = String::from("layer,code,name,lat,lon,org_code,url\n");
        for (site, kind, path) in &sites {
            if *kind != OrgKind::Station {
                continue;
            }
            let Some(org) = tree.iter().find(|o| o.path == *path) else {
                continue;
            };
            features.push((
                layer_id("police_stations"),
                FeatureInput {
                    external_id: org.code.clone(),
                    geometry: point(site.lat, site.lon),
                    properties: props(json!({ "name": org.name_zh, "name_en": org.name_en, "address": site.address })),
                },
                org.id.as_str().into(),
            ));
        }
        for (i, k) in key_sites.iter().enumerate() {
            let ext = format!("KS{:03}", i + 1);
            let p = json!({ "name": k.name_zh, "name_en": k.name_en, "kind": k.kind, "target_secs": k.target_secs });
            features.push((
                layer_id("key_units"),
                FeatureInput {
                    external_id: ext.clone(),
                    geometry: point(k.lat, k.lon),
                    properties: props(p.clone()),
                },
                k.org_id.clone(),
            ));
            let also = match k.kind.as_str() {
                "hospital" => Some("hospitals"),
                "school" => Some("schools"),
                _ => None,
            };
            if let Some(code) = also {
                features.push((
                    layer_id(code),
                    FeatureInput {
                        external_id: ext.clone(),
                        geometry: point(k.lat, k.lon),
                        properties: props(p),
                    },
                    k.org_id.clone(),
                ));
            }
            for (n, (dn, de)) in CAMERA_OFFSETS.iter().enumerate() {
                let cam = format!("{ext}-C{}", n + 1);
                cameras.push_str(&format!(
                    "cctv_public_security,{cam},\"{}治安监控{}号\",{:.7},{:.7},{},{}\n",
                    k.name_zh.replace('"', "\"\""),
                    n + 1,
                    k.lat + dn,
                    k.lon + de,
                    k.org_id,
                    camera_link(&cam),
                ));
            }
        }

        let system = self.foundation().system_principal().await?;
        let ctx = RequestCtx::cli();
        let created = self.kernel().write(&system, &ctx, async |tx| {
        for c in &cats {
            lq::insert_category(tx.db(), c).await?;
        }
        for l in &layers {
            lq::insert_layer(tx.db(), l).await?;
        }
        for (lid, f, org) in &features {
            let ps = crate::command::layers::check_geometry(&f.geometry).map_err(AppError::Internal)?;
            let (lat, lon) = ps.first().copied().unwrap_or_default();
            lq::upsert_feature(
                tx.db(),
                &lq::Feature {
                    id: FeatureId::new(),
                    layer_id: lid.clone(),
                    org_id: org.clone(),
                    external_id: f.external_id.clone(),
                    geometry: f.geometry.to_string(),
                    properties: Value::Object(f.properties.clone()).to_string(),
                    bbox: (lat, lon, lat, lon),
                    updated_at: now,
                },
            )
            .await?;
        }
        let detail =
            json!({ "categories": cats.len(), "layers": layers.len(), "features": features.len() });
        tx.audit("demo.seed_layers",
            ("org_unit", &root.id),
            &root.path,
            detail).await?;
                Ok(layers.len())
        })
        .await?;
        let report = self
            .command()
            .import_setup(
                &system,
                ImportKind::Sources,
                cameras.as_bytes(),
                ImportOptions::default(),
                &ctx,
            )
            .await?;
        if !report.errors.is_empty() {
            return Err(AppError::Internal(format!(
                "demo cameras refused: {:?}",
                report.errors.first()
            )));
        }
        Ok(created)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::setup::{CAMERA_CATEGORY, CAMERA_LAYERS};

    /// The demo registers the camera layers as a bureau's first camera would.
    #[test]
    fn the_demo_camera_layers_are_the_standard_ones() {
        for (code, zh, en, kind, roles, scoped) in CAMERA_LAYERS {
            let d = LAYERS.iter().find(|l| l.1 == code).unwrap();
            assert_eq!(
                (d.0, d.2, d.3, d.4, d.5, d.6),
                (CAMERA_CATEGORY, zh, en, kind, roles, scoped)
            );
        }
        assert!(CATEGORIES.iter().any(|c| c.0 == CAMERA_CATEGORY));
    }
}
