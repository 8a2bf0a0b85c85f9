//! GeoJSON output (RFC 7946: `[lon, lat]` order).

use serde_json::{Value, json};

use crate::isochrone::IsochroneBand;

fn ring(ls: &geo::LineString<f64>) -> Value {
    Value::Array(ls.0.iter().map(|c| json!([c.x, c.y])).collect())
}

fn multipolygon(mp: &geo::MultiPolygon<f64>) -> Value {
    let polys: Vec<Value> =
        mp.0.iter()
            .map(|p| {
                let mut rings = vec![ring(p.exterior())];
                rings.extend(p.interiors().iter().map(ring));
                Value::Array(rings)
            })
            .collect();
    json!({ "type": "MultiPolygon", "coordinates": polys })
}

/// A LineString geometry from `(lat, lon)` points.
#[must_use]
pub fn line_geojson(coords: &[(f64, f64)]) -> Value {
    json!({ "type": "LineString", "coordinates": coords.iter().map(|&(la, lo)| json!([lo, la])).collect::<Vec<_>>() })
}

/// A FeatureCollection with, per limit, a polygon feature (`kind: "polygon"`) and, if
/// `with_network`, a MultiLineString of the reached road (`kind: "network"`).
#[must_use]
pub fn isochrones_geojson(bands: &[IsochroneBand], resolution: u8, with_network: bool) -> Value {
    let mut features = Vec::new();
    for b in bands {
        let seconds = f64::from(b.limit_ms) / 1000.0;
        features.push(json!({
            "type": "Feature",
            "properties": {
                "kind": "polygon", "seconds": seconds, "h3_resolution": resolution,
                "cells": b.cells.len(), "nodes": b.nodes, "road_m": (b.road_m * 10.0).round() / 10.0,
            },
            "geometry": multipolygon(&b.polygon),
        }));
        if with_network {
            let lines: Vec<Value> = b
                .network
                .iter()
                .map(|l| Value::Array(l.iter().map(|&(la, lo)| json!([lo, la])).collect()))
                .collect();
            features.push(json!({
                "type": "Feature",
                "properties": { "kind": "network", "seconds": seconds },
                "geometry": { "type": "MultiLineString", "coordinates": lines },
            }));
        }
    }
    json!({ "type": "FeatureCollection", "features": features })
}

/// The dissolved union of H3 cells as a GeoJSON MultiPolygon geometry (for coverage maps).
///
/// # Errors
/// Polygon dissolution failure.
pub fn cells_geojson(cells: &[h3o::CellIndex]) -> Result<Value, crate::GraphError> {
    let mut sorted = cells.to_vec();
    sorted.sort_unstable();
    sorted.dedup();
    let mp = h3o::geom::SolventBuilder::new()
        .build()
        .dissolve(sorted)
        .map_err(|e| crate::GraphError::Geometry(e.to_string()))?;
    Ok(multipolygon(&mp))
}
