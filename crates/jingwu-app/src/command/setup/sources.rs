//! Cameras and other point sources of the map's information layers, with their real links
//! (issue 10, capability 1). A source is a point feature of a layer that is not fed live
//! (`imported` or `pushed`): a camera is a source of one of the video layers (its kind is the
//! layer: public-security, traffic or shared private cameras), a hospital or a hydrant one of
//! the other layers. Its link is its stream or playback URL (a camera) or its page, limited to
//! http(s) and rtsp (`jingwu_command::setup::check_link`). Retiring a source removes it from
//! the map; the audit log keeps what it was.
//!
//! A bureau set up from an empty database has no layers: the three camera layers
//! ([`CAMERA_LAYERS`], under the `video` category, owned by the root bureau) are registered
//! by the first write that registers a camera, so cameras need no layer set up first.

use jingwu_command::error_codes::field;
use jingwu_command::setup::{Problem, check_link, check_position, check_source_code, check_text};
use jingwu_core::{Action, FeatureId, LayerCategoryId, LayerId, Principal, Scope, authorize};
use jingwu_store::command::layers::{self as lq, Category, Feature, Layer, LayerKind, LayerRow};
use jingwu_store::foundation::orgs::{self, OrgUnit};
use jingwu_store::{Conn, WriteTx};
use serde_json::{Value, json};

use super::{invalid, may_set_up, named_org, take};
use crate::command::Command;
use crate::{AppError, RequestCtx, Result};

/// The category whose layers hold the cameras (listed when no layer is named).
pub const CAMERA_CATEGORY: &str = "video";
/// The camera category's names and display order (as in the demo's registry).
const CAMERA_CATEGORY_NAMES: (&str, &str, i64) = ("视频监控", "Cameras and video", 30);

/// A camera layer's standard definition: code, 中文名, English name, kind, read roles, scoped.
pub type CameraLayer = (
    &'static str,
    &'static str,
    &'static str,
    LayerKind,
    &'static [&'static str],
    bool,
);

/// The camera kinds: one layer each. Public-security and shared private cameras are seen only
/// in the reader's subtree; traffic cameras city-wide, also by traffic clerks.
pub const CAMERA_LAYERS: [CameraLayer; 3] = [
    (
        "cctv_public_security",
        "治安监控",
        "Public-security cameras",
        LayerKind::Imported,
        &["admin", "dispatcher", "officer"],
        true,
    ),
    (
        "cctv_traffic",
        "交通监控",
        "Traffic cameras",
        LayerKind::Imported,
        &["admin", "dispatcher", "officer", "traffic_clerk"],
        false,
    ),
    (
        "cctv_social",
        "社会面视频",
        "Shared private cameras",
        LayerKind::Pushed,
        &["admin", "dispatcher", "officer"],
        true,
    ),
];

/// Registers the camera category and layers that do not exist yet, owned by the root bureau.
pub(super) async fn ensure_camera_layers(db: &mut WriteTx, now: i64) -> Result<()> {
    let existing = lq::layers(db).await?;
    let missing: Vec<&CameraLayer> = CAMERA_LAYERS
        .iter()
        .filter(|c| !existing.iter().any(|l| l.layer.code == c.0))
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    let root = orgs::root(db).await?.ok_or(AppError::Precondition(
        "the jurisdiction tree is empty".into(),
    ))?;
    let category = match lq::category_by_code(db, CAMERA_CATEGORY).await? {
        Some(c) => c,
        None => {
            let (name_zh, name_en, sort) = CAMERA_CATEGORY_NAMES;
            let c = Category {
                id: LayerCategoryId::new(),
                code: CAMERA_CATEGORY.into(),
                name_zh: name_zh.into(),
                name_en: name_en.into(),
                sort,
            };
            lq::insert_category(db, &c).await?;
            c
        }
    };
    for (code, name_zh, name_en, kind, roles, scoped) in missing {
        let mut roles = roles.to_vec();
        roles.sort_unstable();
        lq::insert_layer(
            db,
            &Layer {
                id: LayerId::new(),
                category_id: category.id.clone(),
                code: (*code).into(),
                name_zh: (*name_zh).into(),
                name_en: (*name_en).into(),
                owner_org_id: root.id.as_str().into(),
                kind: *kind,
                read_roles: serde_json::to_string(&roles)
                    .map_err(|e| AppError::Internal(e.to_string()))?,
                scoped: *scoped,
                created_at: now,
            },
        )
        .await?;
    }
    Ok(())
}

#[derive(Debug, Clone)]
pub struct SourceInput {
    /// Layer code (`cctv_public_security`, `hospitals`, …).
    pub layer: String,
    /// The source's id in its owner's system, unique in the layer.
    pub code: String,
    pub name: String,
    pub lat: f64,
    pub lon: f64,
    /// Stream, playback or page link; empty for none.
    pub url: String,
    /// Owner org unit (id or code).
    pub org: String,
}

/// A source as an admin sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct SourceView {
    pub id: String,
    pub layer: String,
    pub code: String,
    pub name: String,
    pub lat: f64,
    pub lon: f64,
    pub url: Option<String>,
    pub org_id: String,
    pub updated_at: i64,
}

/// The layer a source goes to: it exists and is not fed live, or it is a camera layer that
/// the write registers (a dry run checks against its definition).
async fn source_layer(
    db: &mut impl Conn,
    code: &str,
) -> Result<std::result::Result<LayerRow, Problem>> {
    let code = code.trim();
    let layer = lq::layer_by_code(db, code).await?;
    let standard = CAMERA_LAYERS.iter().find(|c| c.0 == code);
    Ok(match (layer, standard) {
        (Some(l), _) if l.layer.kind != LayerKind::Live => Ok(l),
        (None, Some((code, name_zh, name_en, kind, _, scoped))) => Ok(LayerRow {
            layer: Layer {
                id: LayerId::new(),
                category_id: LayerCategoryId::from(""),
                code: (*code).into(),
                name_zh: (*name_zh).into(),
                name_en: (*name_en).into(),
                owner_org_id: "".into(),
                kind: *kind,
                read_roles: String::new(),
                scoped: *scoped,
                created_at: 0,
            },
            owner_path: String::new(),
            features: 0,
        }),
        _ => Err((
            "layer".into(),
            field::SOURCE_LAYER.code,
            format!("{code} is not a layer taking imported or pushed sources"),
        )),
    })
}

/// The feature to write for `org` (a new one unless `id` names the one changed). Another
/// source of the same code in the layer is refused.
pub(super) async fn plan_source(
    db: &mut impl Conn,
    org: &OrgUnit,
    s: &SourceInput,
    id: Option<&FeatureId>,
    now: i64,
) -> Result<std::result::Result<(Feature, String), Vec<Problem>>> {
    let mut problems = check_position(s.lat, s.lon);
    let code = take(&mut problems, check_source_code(&s.code));
    let name = take(&mut problems, check_text("name", &s.name));
    let url = take(&mut problems, check_link(&s.url));
    let layer = take(&mut problems, source_layer(db, &s.layer).await?);
    let (Some(code), Some(name), Some(url), Some(layer), true) =
        (code, name, url, layer, problems.is_empty())
    else {
        return Ok(Err(problems));
    };
    let taken = lq::feature_id_by_external(db, layer.layer.id.as_str(), &code)
        .await?
        .is_some_and(|other| Some(other.as_str()) != id.map(FeatureId::as_str));
    if taken {
        return Ok(Err(vec![(
            "code".into(),
            field::TAKEN.code,
            format!("{} has a source {code}", layer.layer.code),
        )]));
    }
    let mut properties = json!({ "name": name });
    if let Some(url) = url {
        properties["url"] = Value::String(url);
    }
    Ok(Ok((
        Feature {
            id: id.cloned().unwrap_or_else(FeatureId::new),
            layer_id: layer.layer.id.clone(),
            org_id: org.id.as_str().into(),
            external_id: code,
            geometry: json!({ "type": "Point", "coordinates": [s.lon, s.lat] }).to_string(),
            properties: properties.to_string(),
            bbox: (s.lat, s.lon, s.lat, s.lon),
            updated_at: now,
        },
        layer.layer.code,
    )))
}

/// A stored feature as a source (its link from `url`, or `video_url` of layer imports).
fn view(f: &Feature, layer: &str) -> SourceView {
    let props: Value = serde_json::from_str(&f.properties).unwrap_or_default();
    let text = |k: &str| props.get(k).and_then(Value::as_str).map(str::to_owned);
    SourceView {
        id: f.id.to_string(),
        layer: layer.to_owned(),
        code: f.external_id.clone(),
        name: text("name").unwrap_or_default(),
        lat: f.bbox.0,
        lon: f.bbox.1,
        url: text("url").or_else(|| text("video_url")),
        org_id: f.org_id.to_string(),
        updated_at: f.updated_at,
    }
}

fn detail(v: &SourceView) -> Value {
    json!({
        "layer": v.layer, "code": v.code, "name": v.name, "lat": v.lat, "lon": v.lon,
        "url": v.url, "org_id": v.org_id,
    })
}

impl Command<'_> {
    pub async fn create_source(
        &self,
        who: &Principal,
        input: SourceInput,
        ctx: &RequestCtx,
    ) -> Result<SourceView> {
        self.k()
            .write(who, ctx, async |tx| {
                let org = named_org(tx.db(), who, &input.org, "org").await?;
                let now = tx.now_us();
                ensure_camera_layers(tx.db(), now).await?;
                let (f, layer) = plan_source(tx.db(), &org, &input, None, now)
                    .await?
                    .map_err(invalid)?;
                lq::upsert_feature(tx.db(), &f).await?;
                let v = view(&f, &layer);
                tx.audit(
                    "command.source.create",
                    ("layer_feature", f.id.as_str()),
                    &org.path,
                    detail(&v),
                )
                .await?;
                Ok(v)
            })
            .await
    }

    pub async fn update_source(
        &self,
        who: &Principal,
        source_id: &str,
        input: SourceInput,
        ctx: &RequestCtx,
    ) -> Result<SourceView> {
        self.k()
            .write(who, ctx, async |tx| {
                let before = self.scoped_source(tx.db(), who, source_id).await?;
                let org = named_org(tx.db(), who, &input.org, "org").await?;
                let now = tx.now_us();
                ensure_camera_layers(tx.db(), now).await?;
                let (f, layer) = plan_source(tx.db(), &org, &input, Some(&before.0.id), now)
                    .await?
                    .map_err(invalid)?;
                lq::update_feature(tx.db(), &f).await?;
                let v = view(&f, &layer);
                let mut d = detail(&v);
                d["before"] = detail(&before.1);
                tx.audit(
                    "command.source.update",
                    ("layer_feature", f.id.as_str()),
                    &org.path,
                    d,
                )
                .await?;
                Ok(v)
            })
            .await
    }

    /// Retires a source: it leaves the map; the audit entry keeps what it was.
    pub async fn retire_source(
        &self,
        who: &Principal,
        source_id: &str,
        ctx: &RequestCtx,
    ) -> Result<()> {
        self.k()
            .write(who, ctx, async |tx| {
                let (f, v, path) = self.scoped_source(tx.db(), who, source_id).await?;
                lq::delete_feature(tx.db(), f.id.as_str()).await?;
                tx.audit(
                    "command.source.retire",
                    ("layer_feature", f.id.as_str()),
                    &path,
                    detail(&v),
                )
                .await?;
                Ok(())
            })
            .await
    }

    /// Sources of the caller's jurisdiction in `layer`, or the cameras (every layer of the
    /// video category) when no layer is named.
    pub async fn list_sources(
        &self,
        who: &Principal,
        layer: Option<&str>,
    ) -> Result<Vec<SourceView>> {
        may_set_up(who)?;
        let mut conn = self.k().read().await?;
        let layers: Vec<LayerRow> = match layer {
            Some(code) => vec![
                source_layer(&mut conn, code)
                    .await?
                    .map_err(|p| invalid(vec![p]))?,
            ],
            None => {
                let video = lq::category_by_code(&mut conn, CAMERA_CATEGORY).await?;
                lq::layers(&mut conn)
                    .await?
                    .into_iter()
                    .filter(|l| video.as_ref().is_some_and(|c| c.id == l.layer.category_id))
                    .filter(|l| l.layer.kind != LayerKind::Live)
                    .collect()
            }
        };
        let mut out = Vec::new();
        for l in layers {
            let features =
                lq::features(&mut conn, l.layer.id.as_str(), Some(&who.org_path), None).await?;
            out.extend(features.iter().map(|f| view(f, &l.layer.code)));
        }
        Ok(out)
    }

    async fn scoped_source(
        &self,
        db: &mut impl Conn,
        who: &Principal,
        source_id: &str,
    ) -> Result<(Feature, SourceView, String)> {
        let (f, path) = lq::get_feature(db, source_id)
            .await?
            .ok_or(AppError::NotFound { what: "source" })?;
        authorize(who, Action::SetUpCommand, Scope::Org(&path))
            .map_err(|d| AppError::denied_object(d, "source"))?;
        let layer = lq::get_layer(db, f.layer_id.as_str())
            .await?
            .ok_or(AppError::NotFound { what: "source" })?;
        if layer.layer.kind == LayerKind::Live {
            return Err(AppError::NotFound { what: "source" });
        }
        let v = view(&f, &layer.layer.code);
        Ok((f, v, path))
    }
}
