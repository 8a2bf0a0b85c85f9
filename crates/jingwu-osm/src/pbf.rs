//! `.osm.pbf` import in two passes: ways some travel mode may use first (to learn which nodes
//! matter), then only those nodes' coordinates.

use std::path::Path;

use jingwu_routing::{
    BuildReport, Graph, GraphBuilder, NONE, haversine_m, times_from_car, times_from_speeds,
    travel_ms,
};
use osmpbf::{Element, ElementReader};

use crate::OsmError;
use crate::profile::{Oneway, WayModes, car_profile, road_class, way_profile};

/// What the import saw and kept.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportReport {
    pub ways_seen: usize,
    /// Ways some travel mode may use (cars, motorbikes or pedestrians).
    pub ways_drivable: usize,
    /// Way references to nodes absent from the file (clipped extracts).
    pub missing_node_refs: usize,
    pub junction_nodes: usize,
    pub build: BuildReport,
}

struct Way {
    refs_start: usize,
    refs_end: usize,
    modes: WayModes,
}

const MISSING: i32 = i32::MIN;

/// Imports a PBF file with the car profile only ([`car_profile`]): the car's edges, open to
/// every mode (motorbike and foot times derived as `GraphBuilder::add_edge` does). See [`import_pbf_modes`] for every travel mode.
///
/// # Errors
/// Missing/unreadable/corrupt file, or no drivable road.
pub fn import_pbf(
    path: &Path,
    progress: impl FnMut(&str),
) -> Result<(Graph, ImportReport), OsmError> {
    import_with(path, progress, car_ways, false)
}

/// Imports a PBF file with the car, motorbike and foot profiles ([`way_profile`]): footways,
/// pedestrian streets, steps and paths for pedestrians, who walk one-way streets both ways;
/// motorways for cars only; access tags per mode.
///
/// # Errors
/// Missing/unreadable/corrupt file, or no usable way.
pub fn import_pbf_modes(
    path: &Path,
    progress: impl FnMut(&str),
) -> Result<(Graph, ImportReport), OsmError> {
    import_with(path, progress, all_modes, true)
}

fn all_modes(tags: osmpbf::TagIter<'_>) -> Option<WayModes> {
    way_profile(tags)
}

/// The car profile as [`WayModes`] with cars only.
fn car_ways(tags: osmpbf::TagIter<'_>) -> Option<WayModes> {
    let tags: Vec<(&str, &str)> = tags.collect();
    let highway = tags
        .iter()
        .find(|(k, _)| *k == "highway")
        .map(|&(_, v)| v)?;
    car_profile(tags.iter().copied()).map(|p| WayModes {
        car: Some(p.kmh),
        motorbike: None,
        foot: None,
        oneway: p.oneway,
        class: road_class(highway, Some(p.kmh)),
    })
}

/// Imports a PBF file with a way profile. `progress` receives a line now and then on big
/// files (every 2M elements) and at each pass end.
///
/// # Errors
/// Missing/unreadable/corrupt file, or no drivable road.
fn import_with(
    path: &Path,
    mut progress: impl FnMut(&str),
    profile: impl Fn(osmpbf::TagIter<'_>) -> Option<WayModes>,
    per_mode: bool,
) -> Result<(Graph, ImportReport), OsmError> {
    let p = path.display().to_string();
    let pbf_err = |e: osmpbf::Error| {
        if let osmpbf::ErrorKind::Io(io) = e.kind() {
            OsmError::Io {
                path: p.clone(),
                error: std::io::Error::new(io.kind(), io.to_string()),
            }
        } else {
            OsmError::Pbf {
                path: p.clone(),
                message: e.to_string(),
            }
        }
    };
    let mut report = ImportReport::default();

    // Pass 1: drivable ways and their node references.
    let mut ways: Vec<Way> = Vec::new();
    let mut refs: Vec<i64> = Vec::new();
    let mut seen = 0u64;
    ElementReader::from_path(path)
        .map_err(&pbf_err)?
        .for_each(|el| {
            seen += 1;
            if seen.is_multiple_of(2_000_000) {
                progress(&format!(
                    "osm pass 1/2: {}M elements, {} drivable ways",
                    seen / 1_000_000,
                    ways.len()
                ));
            }
            if let Element::Way(w) = el {
                report.ways_seen += 1;
                if let Some(modes) = profile(w.tags()) {
                    let start = refs.len();
                    refs.extend(w.refs());
                    if refs.len() - start >= 2 {
                        ways.push(Way {
                            refs_start: start,
                            refs_end: refs.len(),
                            modes,
                        });
                    } else {
                        refs.truncate(start);
                    }
                }
            }
        })
        .map_err(&pbf_err)?;
    report.ways_drivable = ways.len();
    progress(&format!(
        "osm pass 1/2 done: {} ways, {} drivable",
        report.ways_seen,
        ways.len()
    ));

    // Needed node ids, sorted, with use counts to find junctions.
    let mut ids = refs.clone();
    ids.sort_unstable();
    ids.dedup();
    let mut uses = vec![0u8; ids.len()];
    for w in &ways {
        for (k, r) in refs[w.refs_start..w.refs_end].iter().enumerate() {
            if let Ok(i) = ids.binary_search(r) {
                // Way ends count double so they are always junctions.
                let end = k == 0 || k + 1 == w.refs_end - w.refs_start;
                uses[i] = uses[i].saturating_add(if end { 2 } else { 1 });
            }
        }
    }

    // Pass 2: coordinates of needed nodes only.
    let mut lat = vec![MISSING; ids.len()];
    let mut lon = vec![MISSING; ids.len()];
    let mut seen = 0u64;
    let mut store = |id: i64, la: i32, lo: i32| {
        if let Ok(i) = ids.binary_search(&id) {
            lat[i] = la;
            lon[i] = lo;
        }
    };
    ElementReader::from_path(path)
        .map_err(&pbf_err)?
        .for_each(|el| {
            seen += 1;
            if seen.is_multiple_of(2_000_000) {
                progress(&format!("osm pass 2/2: {}M elements", seen / 1_000_000));
            }
            match el {
                Element::DenseNode(n) => store(n.id(), n.decimicro_lat(), n.decimicro_lon()),
                Element::Node(n) => store(n.id(), n.decimicro_lat(), n.decimicro_lon()),
                _ => {}
            }
        })
        .map_err(&pbf_err)?;
    progress("osm pass 2/2 done");

    let coord = |i: usize| (f64::from(lat[i]) * 1e-7, f64::from(lon[i]) * 1e-7);
    let mut node_of = vec![u32::MAX; ids.len()];
    let mut b = GraphBuilder::with_capacity(ids.len() / 3, refs.len());
    let graph_err = |e| OsmError::Graph {
        path: p.clone(),
        error: e,
    };
    let mut shape: Vec<(f64, f64)> = Vec::new();
    for w in &ways {
        let idx: Vec<Option<usize>> = refs[w.refs_start..w.refs_end]
            .iter()
            .map(|r| ids.binary_search(r).ok().filter(|&i| lat[i] != MISSING))
            .collect();
        report.missing_node_refs += idx.iter().filter(|i| i.is_none()).count();
        // Split into runs of present nodes, then at junctions within each run.
        for run in idx.split(Option::is_none) {
            let run: Vec<usize> = run.iter().flatten().copied().collect();
            if run.len() < 2 {
                continue;
            }
            let mut start = 0;
            shape.clear();
            let mut len = 0.0;
            for k in 1..run.len() {
                let (a, c) = (coord(run[k - 1]), coord(run[k]));
                len += haversine_m(a.0, a.1, c.0, c.1);
                let last = k + 1 == run.len();
                if !last && uses[run[k]] < 2 {
                    shape.push(c);
                    continue;
                }
                let mut node = |i: usize, b: &mut GraphBuilder| -> Result<u32, OsmError> {
                    if node_of[i] == u32::MAX {
                        let (la, lo) = coord(i);
                        node_of[i] = b.add_node(la, lo).map_err(graph_err)?;
                    }
                    Ok(node_of[i])
                };
                let u = node(run[start], &mut b)?;
                let v = node(run[k], &mut b)?;
                let m = w.modes;
                // Car profile: every mode on the car's edges, as `GraphBuilder::add_edge`
                // derives them. Per mode: vehicles keep the way's direction, pedestrians walk
                // both ways.
                let (times, against) = if per_mode {
                    let t = times_from_speeds(len, [m.car, m.motorbike, m.foot]);
                    (t, [NONE, NONE, t[2]])
                } else {
                    let car_ms = travel_ms(len, m.car.unwrap_or(0.0));
                    (times_from_car(car_ms, len), [NONE; 3])
                };
                let (fwd, bwd) = match m.oneway {
                    Oneway::Both => (times, times),
                    Oneway::Forward => (times, against),
                    Oneway::Backward => (against, times),
                };
                b.add_edge_modes(u, v, fwd, len, &shape, m.class)
                    .map_err(graph_err)?;
                let rev: Vec<(f64, f64)> = shape.iter().rev().copied().collect();
                b.add_edge_modes(v, u, bwd, len, &rev, m.class)
                    .map_err(graph_err)?;
                start = k;
                shape.clear();
                len = 0.0;
            }
        }
    }
    report.junction_nodes = b.node_count();
    let (graph, build) = b.build().map_err(graph_err)?;
    report.build = build;
    progress(&format!(
        "graph: {} nodes, {} directed edges ({} islands dropped, {} nodes)",
        graph.node_count(),
        graph.edge_count(),
        report.build.islands_dropped,
        report.build.nodes_dropped
    ));
    Ok((graph, report))
}
