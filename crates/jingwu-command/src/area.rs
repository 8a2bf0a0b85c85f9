//! Station areas (辖区) from administrative boundaries, and which station owns a point.
//!
//! An area is an RFC 7946 Polygon or MultiPolygon. Containment is decided by the even-odd
//! rule over every ring (outer rings and holes alike), which does not depend on the ring's
//! winding, so files that do not follow the right-hand rule (RFC 7946 §3.1.6 asks producers
//! for it but lets consumers not rely on it) are read the same. A point on an edge counts as
//! inside whichever way the ray falls; two adjacent areas may both claim a boundary point,
//! and the first one in org path order wins (`owner_of`).

use serde_json::Value;

use crate::duplicates::haversine_m;
use crate::error_codes::field;
use crate::setup::{Parsed, RowError};

/// A ring of `(lon, lat)` positions, closed (first = last).
pub type Ring = Vec<(f64, f64)>;

/// An area: polygons, each an outer ring and its holes, with their bounding box
/// `(lat0, lon0, lat1, lon1)`, which spares the ring test for points far from the area.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Area {
    pub polygons: Vec<Vec<Ring>>,
    pub bbox: (f64, f64, f64, f64),
}

/// The bounding box `(lat0, lon0, lat1, lon1)` of polygons of `(lon, lat)` rings.
fn bbox_of(polygons: &[Vec<Ring>]) -> (f64, f64, f64, f64) {
    let mut b = (
        f64::INFINITY,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NEG_INFINITY,
    );
    for &(lon, lat) in polygons.iter().flatten().flatten() {
        b = (b.0.min(lat), b.1.min(lon), b.2.max(lat), b.3.max(lon));
    }
    b
}

/// Most positions an area may have in all (a district boundary is a few thousand).
pub const MAX_POSITIONS: usize = 200_000;

impl Area {
    /// Reads a GeoJSON geometry (Polygon or MultiPolygon).
    pub fn from_geometry(g: &Value) -> Result<Area, String> {
        let coords = g.get("coordinates").ok_or("no coordinates")?;
        let polygons = match g.get("type").and_then(Value::as_str) {
            Some("Polygon") => vec![polygon(coords)?],
            Some("MultiPolygon") => coords
                .as_array()
                .ok_or("MultiPolygon coordinates must be an array")?
                .iter()
                .map(polygon)
                .collect::<Result<_, _>>()?,
            Some(other) => return Err(format!("{other} is not Polygon or MultiPolygon")),
            None => return Err("the geometry has no type (Polygon or MultiPolygon)".into()),
        };
        if polygons.is_empty() {
            return Err("no polygons".into());
        }
        let n: usize = polygons.iter().flatten().map(Vec::len).sum();
        if n > MAX_POSITIONS {
            return Err(format!("{n} positions, at most {MAX_POSITIONS}"));
        }
        Ok(Area {
            bbox: bbox_of(&polygons),
            polygons,
        })
    }

    /// Reads an area as stored (`org_sites.area_geojson`, a geometry).
    pub fn from_stored(text: &str) -> Option<Area> {
        let g: Value = serde_json::from_str(text).ok()?;
        Area::from_geometry(&g).ok()
    }

    /// Whether the point lies in the area (even-odd over all rings).
    pub fn contains(&self, lat: f64, lon: f64) -> bool {
        let (lat0, lon0, lat1, lon1) = self.bbox;
        if !((lat0..=lat1).contains(&lat) && (lon0..=lon1).contains(&lon)) {
            return false;
        }
        self.polygons
            .iter()
            .any(|rings| rings.iter().filter(|r| ring_crossings(r, lat, lon)).count() % 2 == 1)
    }
}

/// Whether a ray from the point eastwards crosses the ring an odd number of times.
fn ring_crossings(ring: &Ring, lat: f64, lon: f64) -> bool {
    let mut inside = false;
    for w in ring.windows(2) {
        let ((x0, y0), (x1, y1)) = (w[0], w[1]);
        if (y0 > lat) != (y1 > lat) {
            let x = x0 + (lat - y0) * (x1 - x0) / (y1 - y0);
            if lon < x {
                inside = !inside;
            }
        }
    }
    inside
}

fn polygon(v: &Value) -> Result<Vec<Ring>, String> {
    let rings = v.as_array().ok_or("a polygon must be an array of rings")?;
    if rings.is_empty() {
        return Err("a polygon needs an outer ring".into());
    }
    rings.iter().map(ring).collect()
}

fn ring(v: &Value) -> Result<Ring, String> {
    let pts = v.as_array().ok_or("a ring must be an array of positions")?;
    let ring: Ring = pts
        .iter()
        .map(|p| {
            let lon = p.get(0).and_then(Value::as_f64);
            let lat = p.get(1).and_then(Value::as_f64);
            match (lon, lat) {
                (Some(lon), Some(lat))
                    if (-180.0..=180.0).contains(&lon) && (-90.0..=90.0).contains(&lat) =>
                {
                    Ok((lon, lat))
                }
                _ => Err(format!("{p} is not a [lon, lat] position in range")),
            }
        })
        .collect::<Result<_, _>>()?;
    if ring.len() < 4 {
        return Err("a ring has at least four positions".into());
    }
    if ring.first() != ring.last() {
        return Err("a ring ends where it starts".into());
    }
    Ok(ring)
}

/// One station's area from an import: the org code and the geometry as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct AreaRow {
    pub org_code: String,
    /// The geometry, re-serialized (what `org_sites.area_geojson` keeps).
    pub geometry: String,
    pub area: Area,
}

/// Reads a FeatureCollection whose features carry `properties.org_code`. Errors name the
/// feature by its 1-based position in `features` (as `line`) and the member.
pub fn parse_areas(body: &[u8]) -> Parsed<AreaRow> {
    let mut out = Parsed::default();
    let bad = |line: usize, f: &str, code: &'static str, m: String| RowError {
        line,
        field: f.into(),
        code,
        message: m,
    };
    let doc: Value = match serde_json::from_slice(body) {
        Ok(v) => v,
        Err(e) => {
            out.errors
                .push(bad(0, "body", field::GEOJSON_MALFORMED.code, e.to_string()));
            return out;
        }
    };
    if doc.get("type").and_then(Value::as_str) != Some("FeatureCollection") {
        out.errors.push(bad(
            0,
            "type",
            field::GEOJSON_TYPE.code,
            "not a FeatureCollection".into(),
        ));
        return out;
    }
    let Some(features) = doc.get("features").and_then(Value::as_array) else {
        out.errors.push(bad(
            0,
            "features",
            field::GEOJSON_FEATURES.code,
            "features must be an array".into(),
        ));
        return out;
    };
    if features.is_empty() {
        out.errors.push(bad(
            0,
            "features",
            field::IMPORT_EMPTY.code,
            "no features".into(),
        ));
    }
    let mut seen = std::collections::HashSet::new();
    for (i, f) in features.iter().enumerate() {
        let line = i + 1;
        let before = out.errors.len();
        let code = f
            .pointer("/properties/org_code")
            .and_then(|v| {
                v.as_str()
                    .map(str::to_owned)
                    .or_else(|| v.as_u64().map(|n| n.to_string()))
            })
            .filter(|c| !c.trim().is_empty());
        match &code {
            None => out.errors.push(bad(
                line,
                "properties.org_code",
                field::REQUIRED.code,
                "every feature names its station's org code".into(),
            )),
            Some(c) if !seen.insert(c.clone()) => out.errors.push(bad(
                line,
                "properties.org_code",
                field::TAKEN.code,
                format!("{c} appears in an earlier feature"),
            )),
            Some(_) => {}
        }
        let area = f
            .get("geometry")
            .ok_or_else(|| "no geometry".to_owned())
            .and_then(|g| Area::from_geometry(g).map(|a| (a, g.to_string())));
        match (code, area) {
            (Some(org_code), Ok((area, geometry))) if out.errors.len() == before => {
                out.rows.push((
                    line,
                    AreaRow {
                        org_code,
                        geometry,
                        area,
                    },
                ));
            }
            (_, Err(e)) => out
                .errors
                .push(bad(line, "geometry", field::AREA_GEOMETRY.code, e)),
            _ => {}
        }
    }
    out
}

/// How far from the bureau a call may still be taken when no station area contains it.
///
/// Where boundaries are imported they decide. Beyond them (or before any are imported) a
/// location is in reach when it is within [`BureauReach::NEAR_ROAD_M`] of the loaded road
/// network — the network is cut to the bureau's area, so a point far from every road is in
/// the sea, in another province or at 0,0 — or, without a road network, within
/// [`BureauReach::NEAR_SITE_M`] of a station site (a rural station's area is rarely wider;
/// GA/T 1081 and the 110 rules leave the bound to the bureau, so it is one constant here).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BureauReach {
    /// Distance to the nearest road, when a road network is loaded.
    pub road_m: Option<f64>,
    /// Distance to the nearest station site.
    pub site_m: f64,
}

impl BureauReach {
    pub const NEAR_ROAD_M: f64 = 1_000.0;
    pub const NEAR_SITE_M: f64 = 20_000.0;

    pub fn in_reach(self) -> bool {
        match self.road_m {
            Some(road) => road <= Self::NEAR_ROAD_M,
            None => self.site_m <= Self::NEAR_SITE_M,
        }
    }
}

/// Distance from a point to the nearest of `sites` (`(lat, lon)`), infinite when none.
pub fn nearest_m(lat: f64, lon: f64, sites: &[(f64, f64)]) -> f64 {
    sites
        .iter()
        .map(|&(a, b)| haversine_m(lat, lon, a, b))
        .fold(f64::INFINITY, f64::min)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn square(x0: f64, y0: f64, x1: f64, y1: f64, clockwise: bool) -> Value {
        let mut r = vec![[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]];
        if clockwise {
            r.reverse();
        }
        json!({ "type": "Polygon", "coordinates": [r] })
    }

    #[test]
    fn containment_ignores_winding_and_honours_holes() {
        for cw in [false, true] {
            let a = Area::from_geometry(&square(121.0, 29.0, 122.0, 30.0, cw)).unwrap();
            assert!(a.contains(29.5, 121.5));
            assert!(!a.contains(30.5, 121.5));
            assert!(!a.contains(0.0, 0.0));
        }
        let holed = json!({ "type": "MultiPolygon", "coordinates": [[
            [[0.0, 0.0], [10.0, 0.0], [10.0, 10.0], [0.0, 10.0], [0.0, 0.0]],
            [[4.0, 4.0], [6.0, 4.0], [6.0, 6.0], [4.0, 6.0], [4.0, 4.0]]
        ]]});
        let a = Area::from_geometry(&holed).unwrap();
        assert!(a.contains(2.0, 2.0));
        assert!(!a.contains(5.0, 5.0));
    }

    #[test]
    fn bad_features_are_reported_by_position() {
        let doc = json!({ "type": "FeatureCollection", "features": [
            { "type": "Feature", "properties": { "org_code": "33020301" }, "geometry": square(0.0, 0.0, 1.0, 1.0, false) },
            { "type": "Feature", "properties": {}, "geometry": square(0.0, 0.0, 1.0, 1.0, false) },
            { "type": "Feature", "properties": { "org_code": "33020302" }, "geometry": { "type": "Polygon", "coordinates": [[[0, 0], [1, 0], [0, 0]]] } },
            { "type": "Feature", "properties": { "org_code": "33020303" }, "geometry": { "type": "Point", "coordinates": [0, 0] } }
        ]});
        let p = parse_areas(doc.to_string().as_bytes());
        assert_eq!(p.rows.len(), 1);
        let got: Vec<(usize, &str, &str)> = p
            .errors
            .iter()
            .map(|e| (e.line, e.field.as_str(), e.code))
            .collect();
        assert_eq!(
            got,
            vec![
                (2, "properties.org_code", field::REQUIRED.code),
                (3, "geometry", field::AREA_GEOMETRY.code),
                (4, "geometry", field::AREA_GEOMETRY.code),
            ]
        );
        assert!(!parse_areas(b"{}").errors.is_empty());
        // The reason names the type as the file has it (the setup page shows it).
        assert_eq!(p.errors[2].message, "Point is not Polygon or MultiPolygon");
        assert_eq!(
            Area::from_geometry(&json!({ "coordinates": [] })).unwrap_err(),
            "the geometry has no type (Polygon or MultiPolygon)"
        );
    }

    #[test]
    fn reach() {
        assert!(
            BureauReach {
                road_m: Some(20.0),
                site_m: 1e7
            }
            .in_reach()
        );
        assert!(
            !BureauReach {
                road_m: Some(5_000.0),
                site_m: 10.0
            }
            .in_reach()
        );
        assert!(
            BureauReach {
                road_m: None,
                site_m: 5_000.0
            }
            .in_reach()
        );
        assert!(
            !BureauReach {
                road_m: None,
                site_m: f64::INFINITY
            }
            .in_reach()
        );
        assert_eq!(nearest_m(0.0, 0.0, &[]), f64::INFINITY);
    }
}
