//! # jingwu-routing: the road-network engine
//!
//! Pure Rust, no I/O beyond `impl Read`/`impl Write` for the graph cache, no async. It answers
//! the dispatch questions of a 110 centre: who arrives first, what is reachable in 1/3/5
//! minutes, how much of the city is covered, and where idle units should stand.
//!
//! ## Graph layout ([`Graph`])
//! Node-based, turn-free. Nodes are dense `u32` ids with fixed-point coordinates (1e-7 degree,
//! `i32`). Directed edges are stored in CSR order (`fwd_first[n]..fwd_first[n+1]` are the edges
//! leaving `n`) with head, one free-flow travel time per [`TravelMode`] in **milliseconds**
//! (`u32`, `NONE` where the mode may not go; reported as seconds) and length in metres
//! (`f32`). A reverse CSR (tail + forward edge id per slot) serves backward searches.
//! Optional intermediate shape points per edge keep road geometry for drawing. The builder
//! keeps, per travel mode, only that mode's largest strongly connected component (a mode loses
//! its edges outside it; a node no mode keeps is dropped) and reports the car network's
//! islands dropped, so every mode can reach every node it may use from every other (a
//! footway network joined to the roads is kept for pedestrians). About 37 bytes per directed edge
//! without shape points (synthetic cities; 29 before travel modes), 45-83 with OSM shapes;
//! the live [`Weights`] add 16 per mode held (the server holds all three: 48).
//!
//! ## Travel modes ([`TravelMode`])
//! Car, motorbike/e-bike and foot share one CSR; each mode has its own [`Weights`] whose
//! forbidden edges are `NONE`, which the search already skips as it skips closed roads, so
//! the inner loop is the same for every mode (no per-edge mode test). A one-way street is an
//! edge for everyone plus a reverse edge open to pedestrians only; a pedestrian street is a
//! pair of edges open to pedestrians only. Car searches step over those extra adjacency
//! entries (12% more edges on a 100k-node synthetic city with pedestrian ways; none without).
//! Positions are snapped per mode ([`SnapIndex::snap_for`]) so a car is never placed on a
//! pedestrian street. Speeds and sources: [`modes`](crate::TravelMode) module docs.
//! Turn restrictions are not modelled yet (the graph is node-based).
//!
//! The binary cache ([`write_graph`]/[`read_graph`]) is a versioned dump of these arrays with
//! a checksum; it loads at memory speed (about 1 ms per 20k edges).
//!
//! Live travel times live apart from the graph in [`Weights`], so closures and slowdowns are
//! an overlay (O(1) per edge), never a rebuild.
//!
//! ## Searches
//! [`SearchSpace`] is a bounded Dijkstra (indexed 4-ary heap with decrease-key) whose buffers
//! are generation-stamped: a query touches only the nodes it reaches and allocates nothing once
//! warm. Nodes are numbered along a Hilbert curve so that map neighbours are memory
//! neighbours, and [`Weights`] keeps each edge's head next to its live travel time. [`Router`] adds snapping ([`SnapIndex`], an `rstar` R*-tree over road segments; a
//! point enters its segment part-way with the partial travel time in each allowed direction),
//! reach, multi-source searches, ranking of units by time *to* an incident with early stop
//! once the best `k` are final, and point-to-point routes.
//!
//! ## Default car speeds (used by `jingwu-osm`)
//! Source: the design-speed ranges of Chinese urban roads in CJJ 37-2012 *Code for Design of
//! Urban Road Engineering* (2016 edition, §3.1, design speeds by road class): expressway
//! (快速路) 100/80/60 km/h, arterial (主干路) 60/50/40, secondary arterial (次干路) 50/40/30,
//! branch road (支路) 40/30/20; GB 50220-95 *Code for Transport Planning on Urban Road* uses
//! the same four-level hierarchy. OSM classes map onto it, taking a value inside the range
//! that reflects urban operation rather than the design maximum ([`DEFAULT_SPEEDS`]):
//!
//! | OSM `highway` | road class | km/h |
//! |---|---|---|
//! | motorway / motorway_link | expressway / ramp | 80 / 50 |
//! | trunk / trunk_link | expressway, lower band / ramp | 60 / 40 |
//! | primary / primary_link | arterial | 50 / 35 |
//! | secondary / secondary_link | secondary arterial | 40 / 30 |
//! | tertiary / tertiary_link | branch, upper band | 30 / 25 |
//! | unclassified, residential, road | branch | 25, 20, 20 |
//! | service, living_street | access roads | 15, 10 |
//!
//! A parsable `maxspeed` (km/h or mph) replaces the default.
//!
//! ## Polygons
//! Isochrone polygons are the union of H3 cells containing reached road, dissolved into one
//! multipolygon per limit with `h3o`'s solvent. Reached edge parts are sampled at most half a
//! cell edge apart ([`isochrones`], H3 computed per query) or taken from precomputed road
//! samples ([`CoverageIndex::isochrones`]: one sample per cell-edge length, so every road point
//! is within half a cell edge of a sample; no H3 work per query). A cell counts as reached when
//! a sample in it is reached within the limit. Defaults: resolution 10 for isochrones (mean
//! hexagon edge ~66 m, area ~0.015 km2), 9 for coverage cells (~174 m, ~0.1 km2), per the H3
//! resolution table (`h3o::Resolution::edge_length_m`). Polygons therefore over-cover by up to
//! about one cell width beside each reached street, which is the intended reading: "a unit can
//! be on this block within the limit".
//!
//! ## Synthetic cities
//! [`SyntheticCity`] generates deterministic road-like graphs (10k to millions of nodes)
//! around Ningbo for scale tests.

mod cache;
mod coverage;
mod geo_util;
mod geocode;
mod geojson;
mod graph;
mod isochrone;
mod modes;
mod query;
mod road_class;
mod rush_hours;
mod search;
mod snap;
mod synthetic;
mod synthetic_land;
pub mod tiles;
mod weights;

pub use cache::{CACHE_VERSION, read_graph, write_graph};
pub use coverage::{
    AreaCoverage, COVERAGE_RESOLUTION, CoverageIndex, CoverageReport, LimitCoverage, LiveCoverage,
    LiveUpdate, ModeWeights, MoveUp, MoveUpRequest, StaleWeights, grid_candidates,
};
pub use geo_util::{LocalProjection, check_coord, haversine_m};
pub use geocode::{
    AddressBook, AddressBookBuilder, Candidate, MatchKind, Place, ReverseHit, normalize,
};
pub use geojson::{cells_geojson, isochrones_geojson, line_geojson};
pub use graph::{BuildReport, Graph, GraphBuilder, NONE, travel_ms};
pub use h3o::{CellIndex, Resolution};
pub use isochrone::{ISOCHRONE_RESOLUTION, IsochroneBand, isochrones};
pub use modes::{
    CYCLEWAY_KMH, MODE_COUNT, MOTORBIKE_MAX_KMH, ModeTimes, TravelMode, WALK_KMH, motorbike_kmh,
    times_from_car, times_from_speeds,
};
pub use query::{Eta, Route, Router, Workspace, cut_polyline};
pub use road_class::RoadClass;
pub use rush_hours::{ClassFactors, FREE_FLOW, RushHours};
pub use search::{Direction, Flow, SearchSpace};
pub use snap::{Position, Segment, SnapIndex};
pub use synthetic::{SplitMix64, SyntheticCity, parse_spec};
pub use weights::Weights;

/// Default free-flow car speeds (km/h) per OSM `highway` class, from the CJJ 37-2012 design
/// speed ranges (see the crate docs): motorway = expressway (80 of 60-100), trunk = expressway
/// lower band (60), primary = arterial (50 of 40-60), secondary = secondary arterial (40 of
/// 30-50), tertiary = branch upper band (30), unclassified/residential = branch (25/20),
/// links about 60-70% of their road, service and living streets at walking-car pace.
pub const DEFAULT_SPEEDS: &[(&str, f64)] = &[
    ("motorway", 80.0),
    ("motorway_link", 50.0),
    ("trunk", 60.0),
    ("trunk_link", 40.0),
    ("primary", 50.0),
    ("primary_link", 35.0),
    ("secondary", 40.0),
    ("secondary_link", 30.0),
    ("tertiary", 30.0),
    ("tertiary_link", 25.0),
    ("unclassified", 25.0),
    ("residential", 20.0),
    ("living_street", 10.0),
    ("service", 15.0),
    ("road", 20.0),
];

/// Default speed for an OSM highway class, `None` if not drivable.
#[must_use]
pub fn default_speed(highway: &str) -> Option<f64> {
    DEFAULT_SPEEDS
        .iter()
        .find(|(k, _)| *k == highway)
        .map(|&(_, v)| v)
}

/// Errors of the engine. Messages are one line and say what was wrong.
#[derive(Debug, thiserror::Error)]
pub enum GraphError {
    #[error("coordinate out of range: lat {lat}, lon {lon}")]
    BadCoordinate { lat: f64, lon: f64 },
    #[error("no road within {max_m} m of {lat},{lon}")]
    NoRoadNearby { lat: f64, lon: f64, max_m: f64 },
    #[error("unknown node {0}")]
    UnknownNode(u32),
    #[error("graph is empty (no drivable edges in the largest connected component)")]
    Empty,
    #[error("graph too large for 32-bit ids")]
    TooLarge,
    #[error("corrupt graph cache: {0}")]
    Corrupt(String),
    #[error("{0}")]
    BadInput(String),
    #[error("geometry: {0}")]
    Geometry(String),
    #[error("i/o: {0}")]
    Io(#[from] std::io::Error),
}
pub use geo;
