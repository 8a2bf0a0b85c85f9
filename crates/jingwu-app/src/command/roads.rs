//! The road network the server dispatches on: graph, snapping index and live weights (closures
//! and slowdowns), with a pool of search workspaces so concurrent requests never allocate.

use std::sync::{Mutex, RwLock};

use jingwu_routing::{AddressBook, Eta, Graph, Position, Router, SnapIndex, Weights, Workspace};

/// How far (metres) a coordinate may be from the nearest road and still be dispatched to.
pub const MAX_SNAP_M: f64 = 500.0;

pub struct RoadNetwork {
    graph: Graph,
    index: SnapIndex,
    weights: RwLock<Weights>,
    workspaces: Mutex<Vec<Workspace>>,
    /// Street names, house numbers and places for geocoding; empty when the source has none.
    addresses: AddressBook,
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
        let weights = RwLock::new(Weights::new(&graph));
        RoadNetwork {
            graph,
            index,
            weights,
            workspaces: Mutex::new(Vec::new()),
            addresses: AddressBook::empty(),
        }
    }

    /// The network with the names of its streets and places (see [`RoadNetwork::addresses`]).
    #[must_use]
    pub fn with_addresses(mut self, addresses: AddressBook) -> Self {
        self.addresses = addresses;
        self
    }

    /// The address book the geocoder searches.
    pub fn addresses(&self) -> &AddressBook {
        &self.addresses
    }

    pub fn graph(&self) -> &Graph {
        &self.graph
    }

    pub fn snap_index(&self) -> &SnapIndex {
        &self.index
    }

    /// Runs `f` with a router over the live weights and a pooled workspace.
    pub fn with_router<T>(&self, f: impl FnOnce(&Router<'_>, &mut Workspace) -> T) -> T {
        let mut ws = self
            .workspaces
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .pop()
            .unwrap_or_else(|| Workspace::new(&self.graph));
        let out = {
            let weights = self.weights.read().unwrap_or_else(|e| e.into_inner());
            let router = Router {
                graph: &self.graph,
                weights: &weights,
                index: &self.index,
            };
            f(&router, &mut ws)
        };
        self.workspaces
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(ws);
        out
    }

    /// The road position nearest to a coordinate, within [`MAX_SNAP_M`].
    pub fn snap(&self, lat: f64, lon: f64) -> Result<Position, jingwu_routing::GraphError> {
        self.index.snap_within(lat, lon, MAX_SNAP_M)
    }

    /// Travel times of `from` positions to `to`, best first, within `limit_s` (one backward
    /// search from the target).
    pub fn rank(&self, from: &[Position], to: &Position, k: usize, limit_s: u32) -> Vec<Eta> {
        self.with_router(|r, ws| r.rank_units(ws, from, to, k, limit_s.saturating_mul(1000)))
    }
}
