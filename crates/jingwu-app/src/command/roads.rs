//! The road network the server dispatches on: graph, snapping index and live weights (closures
//! and slowdowns) per travel mode, with a pool of search workspaces so concurrent requests
//! never allocate. Every unit travels in its own mode (`units.travel_mode`): its position is
//! snapped onto a road that mode may use and its searches run on that mode's weights.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, OnceLock, RwLock};

use jingwu_routing::{
    AddressBook, ClassFactors, CoverageIndex, CoverageReport, Eta, FREE_FLOW, Graph, MODE_COUNT,
    ModeWeights, Position, Router, RushHours, SnapIndex, TravelMode, Weights, Workspace, tiles,
    tiles::{BaseMap, LandUse, MajorRoads, TileId},
};

/// How far (metres) a coordinate may be from the nearest road and still be dispatched to.
pub const MAX_SNAP_M: f64 = 500.0;

pub struct RoadNetwork {
    graph: Graph,
    index: SnapIndex,
    /// Live weights per travel mode, indexed by [`TravelMode::index`].
    weights: [RwLock<Weights>; MODE_COUNT],
    workspaces: Mutex<Vec<Workspace>>,
    /// Street names, house numbers and places for geocoding; empty when the source has none.
    addresses: AddressBook,
    /// Water, parks and buildings drawn on the map; empty when the source has none.
    land_use: LandUse,
    /// Time-of-day speed factors per road class, applied with the road events.
    rush_hours: RushHours,
    /// The major roads' index for wide tiles, built on the first tile asked for.
    major_roads: OnceLock<MajorRoads>,
    /// Encoded base layers of the tiles asked for lately (they change only with the network).
    base_tiles: Mutex<TileCache>,
}

/// Most base tiles kept; the oldest is forgotten first. A view is a dozen tiles, so this holds
/// the places a command room looks at; at most about 80 MB (a wide tile of a 1M-node city is
/// ~80 KB; the demo city's are a few KB).
const BASE_TILES_KEPT: usize = 1024;

/// Base-layer tiles by id, oldest first in `order`.
#[derive(Default)]
struct TileCache {
    tiles: HashMap<TileId, Arc<Vec<u8>>>,
    order: VecDeque<TileId>,
}

impl std::fmt::Debug for RoadNetwork {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RoadNetwork")
            .field("nodes", &self.graph.node_count())
            .finish()
    }
}

impl RoadNetwork {
    pub fn new(graph: Graph) -> Self {
        let index = SnapIndex::new(&graph);
        let weights = TravelMode::ALL.map(|m| RwLock::new(Weights::for_mode(&graph, m)));
        RoadNetwork {
            graph,
            index,
            weights,
            workspaces: Mutex::new(Vec::new()),
            addresses: AddressBook::empty(),
            land_use: LandUse::default(),
            rush_hours: RushHours::default(),
            major_roads: OnceLock::new(),
            base_tiles: Mutex::new(TileCache::default()),
        }
    }

    /// The network with the names of its streets and places (see [`RoadNetwork::addresses`]).
    #[must_use]
    pub fn with_addresses(mut self, addresses: AddressBook) -> Self {
        self.addresses = addresses;
        self
    }

    /// The network with water, parks and buildings for its map.
    #[must_use]
    pub fn with_land_use(mut self, land_use: LandUse) -> Self {
        self.land_use = land_use;
        self
    }

    /// The network with rush-hour speed factors ([`RoadNetwork::rush_hours`]).
    #[must_use]
    pub fn with_rush_hours(mut self, rush_hours: RushHours) -> Self {
        self.rush_hours = rush_hours;
        self
    }

    /// The rush hours of this network (none unless configured).
    pub fn rush_hours(&self) -> &RushHours {
        &self.rush_hours
    }

    /// The address book the geocoder searches.
    pub fn addresses(&self) -> &AddressBook {
        &self.addresses
    }

    /// The `roads`, `road_names` and `places` layers of a tile, encoded
    /// ([`jingwu_routing::tiles::base_layers`]); made on first request, then kept.
    pub fn base_tile(&self, tile: TileId) -> Arc<Vec<u8>> {
        let lock = || self.base_tiles.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(t) = lock().tiles.get(&tile) {
            return Arc::clone(t);
        }
        // Made outside the lock: two requests for one new tile may both make it, and that
        // costs less than making every other request wait.
        let major = self
            .major_roads
            .get_or_init(|| MajorRoads::new(&self.graph, &self.index));
        let map = BaseMap {
            graph: &self.graph,
            snap: &self.index,
            major,
            book: &self.addresses,
            land: &self.land_use,
        };
        let layers = tiles::base_layers(map, tile);
        let bytes = Arc::new(tiles::mvt::encode(&layers, tiles::EXTENT as u32));
        let mut cache = lock();
        if cache.tiles.insert(tile, Arc::clone(&bytes)).is_none() {
            cache.order.push_back(tile);
            if cache.order.len() > BASE_TILES_KEPT
                && let Some(old) = cache.order.pop_front()
            {
                cache.tiles.remove(&old);
            }
        }
        bytes
    }

    pub fn graph(&self) -> &Graph {
        &self.graph
    }

    pub fn snap_index(&self) -> &SnapIndex {
        &self.index
    }

    /// Runs `f` with a router over the live car weights and a pooled workspace.
    pub fn with_router<T>(&self, f: impl FnOnce(&Router<'_>, &mut Workspace) -> T) -> T {
        self.with_mode_router(TravelMode::Car, f)
    }

    /// Runs `f` with a router over the live weights of `mode` and a pooled workspace.
    pub fn with_mode_router<T>(
        &self,
        mode: TravelMode,
        f: impl FnOnce(&Router<'_>, &mut Workspace) -> T,
    ) -> T {
        let mut ws = self.take_workspace();
        let out = {
            let weights = self.weights[mode.index()]
                .read()
                .unwrap_or_else(|e| e.into_inner());
            let router = Router {
                graph: &self.graph,
                weights: &weights,
                index: &self.index,
            };
            f(&router, &mut ws)
        };
        self.put_workspace(ws);
        out
    }

    fn take_workspace(&self) -> Workspace {
        self.workspaces
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .pop()
            .unwrap_or_else(|| Workspace::new(&self.graph))
    }

    fn put_workspace(&self, ws: Workspace) {
        self.workspaces
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(ws);
    }

    /// Runs `f` with the live weights of every travel mode, read together.
    pub fn with_weights<T>(&self, f: impl FnOnce(&ModeWeights<'_>) -> T) -> T {
        let guards = self
            .weights
            .each_ref()
            .map(|w| w.read().unwrap_or_else(|e| e.into_inner()));
        f(&guards.each_ref().map(|g| &**g))
    }

    /// Coverage of units travelling in their own modes (`(mode, position)`) on weights `w`,
    /// computed from scratch: a place is covered when a unit of any mode reaches it within the
    /// limit at that mode's speeds.
    pub fn evaluate_coverage(
        &self,
        w: &ModeWeights<'_>,
        index: &CoverageIndex,
        units: &[(TravelMode, Position)],
        limits_ms: &[u32],
    ) -> CoverageReport {
        let groups: Vec<(Router<'_>, Vec<Position>)> = TravelMode::ALL
            .iter()
            .map(|&m| {
                let router = Router {
                    graph: &self.graph,
                    weights: w[m.index()],
                    index: &self.index,
                };
                let of_mode = units.iter().filter(|u| u.0 == m).map(|u| u.1).collect();
                (router, of_mode)
            })
            .collect();
        let layers: Vec<(Router<'_>, &[Position])> =
            groups.iter().map(|(r, p)| (*r, p.as_slice())).collect();
        let mut ws = self.take_workspace();
        let report = index.evaluate_modes(&layers, &mut ws, limits_ms);
        self.put_workspace(ws);
        report
    }

    /// The road position nearest to a coordinate, within [`MAX_SNAP_M`].
    pub fn snap(&self, lat: f64, lon: f64) -> Result<Position, jingwu_routing::GraphError> {
        self.index.snap_within(lat, lon, MAX_SNAP_M)
    }

    /// The position nearest to a coordinate, within [`MAX_SNAP_M`], on a road `mode` may use
    /// (a car is not placed on a pedestrian street, a foot patrol not on a motorway).
    pub fn snap_for(
        &self,
        mode: TravelMode,
        lat: f64,
        lon: f64,
    ) -> Result<Position, jingwu_routing::GraphError> {
        let weights = self.weights[mode.index()]
            .read()
            .unwrap_or_else(|e| e.into_inner());
        self.index.snap_for(lat, lon, MAX_SNAP_M, &weights)
    }

    /// The fastest route for `mode` between two coordinates, each snapped onto a road the
    /// mode may use; `None` if either is off the network or no route exists.
    pub fn route_between(
        &self,
        mode: TravelMode,
        from: (f64, f64),
        to: (f64, f64),
    ) -> Option<jingwu_routing::Route> {
        let a = self.snap_for(mode, from.0, from.1).ok()?;
        let b = self.snap_for(mode, to.0, to.1).ok()?;
        self.with_mode_router(mode, |r, ws| r.route(ws, &a, &b))
    }

    /// Replaces the live restrictions of every travel mode: free flow, every edge slowed by
    /// the factor of its road class (`by_class`, the rush hour: [`FREE_FLOW`] outside it),
    /// then each stretch of directed edges closed or slowed by its event's factor on top of
    /// its class's (`road_events.rs`).
    pub fn restrict(&self, restrictions: &[(Vec<u32>, RoadEffect)], by_class: &ClassFactors) {
        let g = &self.graph;
        let class_factor = |e: u32| by_class[g.class(e) as usize];
        let rush: Vec<u32> = if by_class == &FREE_FLOW {
            Vec::new()
        } else {
            (0..g.edge_count() as u32)
                .filter(|&e| class_factor(e) != 1.0)
                .collect()
        };
        for lock in &self.weights {
            let mut w = lock.write().unwrap_or_else(|e| e.into_inner());
            w.reset(g);
            for &e in &rush {
                w.slow(g, &[e], class_factor(e));
            }
            for (edges, effect) in restrictions {
                match *effect {
                    RoadEffect::Closed => w.close(g, edges),
                    RoadEffect::Slowed(factor) => {
                        for &e in edges {
                            w.slow(g, &[e], factor * class_factor(e));
                        }
                    }
                }
            }
        }
    }

    /// Car travel times of `from` positions to `to`, best first, within `limit_s` (one
    /// backward search from the target).
    pub fn rank(&self, from: &[Position], to: &Position, k: usize, limit_s: u32) -> Vec<Eta> {
        self.with_router(|r, ws| r.rank_units(ws, from, to, k, limit_s.saturating_mul(1000)))
    }

    /// Travel times of units travelling in their own modes (`(mode, position snapped with
    /// [`Self::snap_for`])`) to the coordinate `to`, best first (ties by index), within
    /// `limit_s`: one backward search per mode present, from the target snapped for that mode.
    /// `Eta::unit` indexes `units`.
    pub fn rank_modes(
        &self,
        units: &[(TravelMode, Position)],
        to: (f64, f64),
        k: usize,
        limit_s: u32,
    ) -> Vec<Eta> {
        let mut out = Vec::new();
        for mode in TravelMode::ALL {
            let index: Vec<usize> = (0..units.len()).filter(|&i| units[i].0 == mode).collect();
            if index.is_empty() {
                continue;
            }
            let Ok(target) = self.snap_for(mode, to.0, to.1) else {
                continue;
            };
            let from: Vec<Position> = index.iter().map(|&i| units[i].1).collect();
            let limit_ms = limit_s.saturating_mul(1000);
            let etas =
                self.with_mode_router(mode, |r, ws| r.rank_units(ws, &from, &target, k, limit_ms));
            out.extend(etas.into_iter().map(|e| Eta {
                unit: index[e.unit],
                time_ms: e.time_ms,
            }));
        }
        out.sort_unstable_by_key(|e| (e.time_ms, e.unit));
        out.truncate(k);
        out
    }
}

/// What a restriction does to its edges.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum RoadEffect {
    Closed,
    /// Travel time multiplied by the factor.
    Slowed(f64),
}

/// The road engine's travel mode for a unit's travel mode.
pub fn route_mode(mode: jingwu_command::unit::TravelMode) -> TravelMode {
    use jingwu_command::unit::TravelMode as Unit;
    match mode {
        Unit::Car => TravelMode::Car,
        Unit::Motorbike => TravelMode::Motorbike,
        Unit::Foot => TravelMode::Foot,
    }
}
