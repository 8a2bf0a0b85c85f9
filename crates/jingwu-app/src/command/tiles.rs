//! The command map's vector tiles: the road network's base layers (roads by class, street
//! names, places: public, made once per tile and kept by the [`super::RoadNetwork`]) and the
//! caller's jurisdiction drawn over them:
//! * `areas`: station and district areas (辖区) as polygons with `kind`, `name`, `name_en`;
//! * `labels`: the station and district sites as points with the same properties;
//! * `sites`: key sites (schools, hospitals, …) with `kind`, `name`, `name_en`.
//!
//! A tile is one Mapbox Vector Tile with an entity tag of its content, so the browser
//! revalidates and an unchanged tile costs a 304.

use std::hash::{Hash, Hasher};

use jingwu_command::area::Area;
use jingwu_command::error_codes::field;
use jingwu_command::records::KeySite;
use jingwu_core::{Action, OrgKind, Principal, Scope, authorize};
use jingwu_routing::tiles::mvt::{self, Geometry, Layer, Value};
use jingwu_routing::tiles::{self, TileId};
use jingwu_store::command as q;
use jingwu_store::foundation::orgs;

use super::Command;
use crate::{AppError, Result};

/// One tile: the Mapbox Vector Tile bytes and an entity tag of them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MapTile {
    pub body: Vec<u8>,
    pub etag: String,
}

/// A station or district bureau of the caller's jurisdiction as the map draws it.
#[derive(Debug, Clone)]
pub(crate) struct MapOrg {
    pub kind: OrgKind,
    pub name_zh: String,
    pub name_en: String,
    pub lat: f64,
    pub lon: f64,
    pub area: Option<Area>,
}

/// What the caller's jurisdiction adds to the map and to geocoding.
#[derive(Debug, Clone, Default)]
pub(crate) struct Jurisdiction {
    pub orgs: Vec<MapOrg>,
    pub key_sites: Vec<KeySite>,
}

impl Command<'_> {
    /// Tile `z/x/y` of the command map for a caller who may read the map layers.
    ///
    /// # Errors
    /// A tile outside the served zooms ([`tiles::MIN_ZOOM`]..=[`tiles::MAX_ZOOM`]) or the grid.
    pub async fn map_tile(&self, who: &Principal, z: u8, x: u32, y: u32) -> Result<MapTile> {
        authorize(who, Action::ReadLayers, Scope::Org(&who.org_path))
            .map_err(AppError::denied_scope)?;
        let tile = TileId::new(z, x, y).ok_or_else(|| {
            AppError::invalid(
                "tile",
                field::OUT_OF_RANGE.code,
                format!(
                    "tiles are served at zoom {} to {} with x and y below 2^zoom",
                    tiles::MIN_ZOOM,
                    tiles::MAX_ZOOM
                ),
            )
        })?;
        let mut body = self
            .roads()
            .map(|r| r.base_tile(tile).to_vec())
            .unwrap_or_default();
        let j = self.jurisdiction(who).await?;
        body.extend(mvt::encode(&overlay_layers(&j, tile), tiles::EXTENT as u32));
        // Not a security check, only a cache validator: the std hasher is enough.
        let mut h = std::hash::DefaultHasher::new();
        body.hash(&mut h);
        Ok(MapTile {
            body,
            etag: format!("\"{:016x}\"", h.finish()),
        })
    }

    /// The stations and district bureaus (with their sites and areas) and key sites under the caller.
    pub(crate) async fn jurisdiction(&self, who: &Principal) -> Result<Jurisdiction> {
        let mut conn = self.k().read().await?;
        let key_sites = q::key_sites_under(&mut conn, &who.org_path).await?;
        let sites = q::sites_under(&mut conn, &who.org_path).await?;
        let tree = orgs::subtree(&mut conn, &who.org_path).await?;
        drop(conn);
        let orgs = sites
            .into_iter()
            .filter(|(_, kind, _)| matches!(kind, OrgKind::Station | OrgKind::District))
            .filter_map(|(site, kind, _)| {
                let org = tree
                    .iter()
                    .find(|o| o.id.as_str() == site.org_id.as_str())?;
                Some(MapOrg {
                    kind,
                    name_zh: org.name_zh.clone(),
                    name_en: org.name_en.clone(),
                    lat: site.lat,
                    lon: site.lon,
                    area: site.area_geojson.as_deref().and_then(Area::from_stored),
                })
            })
            .collect();
        Ok(Jurisdiction { orgs, key_sites })
    }
}

/// The `areas`, `labels` and `sites` layers of a jurisdiction on a tile.
fn overlay_layers(j: &Jurisdiction, tile: TileId) -> Vec<Layer> {
    let mut areas = Layer::new("areas");
    let mut labels = Layer::new("labels");
    let mut sites = Layer::new("sites");
    let (min_lat, min_lon, max_lat, max_lon) = tile.bounds();
    for o in &j.orgs {
        let props = [
            ("kind", Value::from(o.kind.as_str())),
            ("name", Value::from(o.name_zh.as_str())),
            ("name_en", Value::from(o.name_en.as_str())),
        ];
        if let Some(area) = &o.area {
            let (a0, o0, a1, o1) = area.bbox;
            if a0 <= max_lat && a1 >= min_lat && o0 <= max_lon && o1 >= min_lon {
                let mut rings = Vec::new();
                let mut holes = Vec::new();
                for polygon in &area.polygons {
                    let mut outer_kept = false;
                    for (i, ring) in polygon.iter().enumerate() {
                        let latlon: Vec<(f64, f64)> =
                            ring.iter().map(|&(lon, lat)| (lat, lon)).collect();
                        // A hole is kept only after its outer ring.
                        if (i == 0 || outer_kept)
                            && let Some(r) = tile.ring(&latlon)
                        {
                            outer_kept = true;
                            rings.push(r);
                            holes.push(i > 0);
                        }
                    }
                }
                mvt::orient_rings(&mut rings, &holes);
                areas.add(&Geometry::Polygons(rings), &props);
            }
        }
        if let Some(p) = tile.point(o.lat, o.lon) {
            labels.add(&Geometry::Points(vec![p]), &props);
        }
    }
    for k in &j.key_sites {
        if let Some(p) = tile.point(k.lat, k.lon) {
            sites.add(
                &Geometry::Points(vec![p]),
                &[
                    ("kind", Value::from(k.kind.as_str())),
                    ("name", Value::from(k.name_zh.as_str())),
                    ("name_en", Value::from(k.name_en.as_str())),
                ],
            );
        }
    }
    vec![areas, labels, sites]
}
