//! Isochrones: the road network reached within each time limit, and polygons made of the H3
//! cells that contain reached road (sampled along every reached edge part at no more than half
//! a cell edge apart, so no crossed cell is missed), dissolved into one multipolygon per limit.

use h3o::geom::SolventBuilder;
use h3o::{CellIndex, LatLng, Resolution};

use crate::GraphError;
use crate::graph::Graph;
use crate::query::{Router, Workspace, cut_polyline};
use crate::snap::Position;

/// Default H3 resolution for isochrone polygons: res 10 (mean hexagon edge about 66 m, area
/// about 0.015 km2): fine enough to follow streets a block apart.
pub const ISOCHRONE_RESOLUTION: Resolution = Resolution::Ten;

/// One time limit's isochrone.
#[derive(Debug, Clone)]
pub struct IsochroneBand {
    pub limit_ms: u32,
    /// Nodes reached within the limit.
    pub nodes: usize,
    /// Length of reached directed road parts (metres).
    pub road_m: f64,
    pub cells: Vec<CellIndex>,
    pub polygon: geo::MultiPolygon<f64>,
    /// Reached road parts as polylines of `(lat, lon)`.
    pub network: Vec<Vec<(f64, f64)>>,
}

/// Points along an edge part `[0, frac_max]` spaced at most `step_m` apart, with their
/// fraction of the edge: `(fraction, (lat, lon))`. With `ends`, both ends are included;
/// without, the points are the midpoints of `k` equal pieces (every point of the part is
/// within `step_m / 2` of one), which halves the count on short edges.
pub(crate) fn sample_edge(
    graph: &Graph,
    edge: u32,
    frac_max: f64,
    step_m: f64,
    ends: bool,
    out: &mut Vec<(f64, (f64, f64))>,
) {
    let len = graph.length_m(edge).max(0.0);
    let k = ((len * frac_max / step_m).ceil() as usize).max(1);
    let fracs = (0..=k).filter(|&i| ends || i < k).map(|i| {
        let x = if ends { i as f64 } else { i as f64 + 0.5 };
        frac_max * x / k as f64
    });
    if !graph.has_shape(edge) {
        let a = graph.coord(graph.tail(edge));
        let b = graph.coord(graph.head(edge));
        out.extend(fracs.map(|f| (f, crate::geo_util::lerp(a, b, f))));
        return;
    }
    // One walk along the shape: fractions come in increasing order.
    let geom = graph.edge_geometry(edge);
    let pieces: Vec<f64> = geom
        .windows(2)
        .map(|p| crate::geo_util::haversine_m(p[0].0, p[0].1, p[1].0, p[1].1))
        .collect();
    let total: f64 = pieces.iter().sum();
    let (mut j, mut acc) = (0usize, 0.0);
    for f in fracs {
        let target = f * total;
        while j + 1 < pieces.len() && acc + pieces[j] < target {
            acc += pieces[j];
            j += 1;
        }
        let t = if pieces[j] > 0.0 {
            ((target - acc) / pieces[j]).clamp(0.0, 1.0)
        } else {
            0.0
        };
        out.push((f, crate::geo_util::lerp(geom[j], geom[j + 1], t)));
    }
}

pub(crate) fn cell_of(lat: f64, lon: f64, res: Resolution) -> Option<CellIndex> {
    LatLng::new(lat, lon).ok().map(|ll| ll.to_cell(res))
}

/// Isochrones from `from` for every limit (ms), at H3 resolution `res`; `with_network` also
/// collects the reached road parts as polylines.
///
/// # Errors
/// Polygon dissolution failure (should not happen for cells of one resolution).
pub fn isochrones(
    router: &Router<'_>,
    ws: &mut Workspace,
    from: &Position,
    limits_ms: &[u32],
    res: Resolution,
    with_network: bool,
) -> Result<Vec<IsochroneBand>, GraphError> {
    let g = router.graph;
    let step = res.edge_length_m() / 2.0;
    let mut samples = Vec::new();
    let cells = |e: u32, d: u32, w: u32, frac_max: f64, out: &mut Vec<(CellIndex, u32)>| {
        samples.clear();
        sample_edge(g, e, frac_max, step, true, &mut samples);
        for &(f, (lat, lon)) in &samples {
            let t = d.saturating_add((f * f64::from(w)).round() as u32);
            if let Some(c) = cell_of(lat, lon, res) {
                out.push((c, t));
            }
        }
    };
    isochrones_with(router, ws, from, limits_ms, res, with_network, cells)
}

/// Isochrone core; `cells(edge, d, w, frac_max, out)` appends `(cell, time)` for the part
/// `[0, frac_max]` of `edge` entered at time `d` with travel time `w`.
pub(crate) fn isochrones_with(
    router: &Router<'_>,
    ws: &mut Workspace,
    from: &Position,
    limits_ms: &[u32],
    res: Resolution,
    with_network: bool,
    mut cells: impl FnMut(u32, u32, u32, f64, &mut Vec<(CellIndex, u32)>),
) -> Result<Vec<IsochroneBand>, GraphError> {
    let mut limits = limits_ms.to_vec();
    limits.sort_unstable();
    limits.dedup();
    let Some(&max) = limits.last() else {
        return Ok(Vec::new());
    };
    let g = router.graph;
    let settled = router.reach(ws, from, max).to_vec();
    // (cell, earliest time) pairs; sorted and reduced at the end (cheaper than hashing).
    let mut cell_time: Vec<(CellIndex, u32)> = Vec::new();
    if let Some(c) = cell_of(from.point.0, from.point.1, res) {
        cell_time.push((c, 0));
    }
    let mut bands: Vec<IsochroneBand> = limits
        .iter()
        .map(|&l| IsochroneBand {
            limit_ms: l,
            nodes: 0,
            road_m: 0.0,
            cells: Vec::new(),
            polygon: geo::MultiPolygon(Vec::new()),
            network: Vec::new(),
        })
        .collect();
    for &(u, d) in &settled {
        for band in bands.iter_mut().filter(|b| d <= b.limit_ms) {
            band.nodes += 1;
        }
        for e in g.out_edges(u) {
            let Some(w) = router.weights.time_ms(e) else {
                continue;
            };
            let frac = |limit: u32| {
                if w == 0 {
                    1.0
                } else {
                    (f64::from(limit - d) / f64::from(w)).min(1.0)
                }
            };
            for band in bands.iter_mut().filter(|b| d <= b.limit_ms) {
                let f = frac(band.limit_ms);
                band.road_m += g.length_m(e) * f;
                if with_network {
                    band.network.push(cut_polyline(&g.edge_geometry(e), 0.0, f));
                }
            }
            cells(e, d, w, frac(max), &mut cell_time);
        }
    }
    cell_time.sort_unstable();
    cell_time.dedup_by_key(|e| e.0); // keeps the first, i.e. earliest, time per cell
    let solvent = SolventBuilder::new().build();
    for band in &mut bands {
        // Already sorted by cell.
        let cells: Vec<CellIndex> = cell_time
            .iter()
            .filter(|&&(_, t)| t <= band.limit_ms)
            .map(|&(c, _)| c)
            .collect();
        band.polygon = solvent
            .dissolve(cells.iter().copied())
            .map_err(|e| GraphError::Geometry(e.to_string()))?;
        band.cells = cells;
    }
    Ok(bands)
}
