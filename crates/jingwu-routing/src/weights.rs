//! Travel-time overlay: the live edge weights of one travel mode, used by searches. Closures
//! and slowdowns change entries in place (O(1) per edge, no graph rebuild); `reset` restores
//! the free-flow times. Each mode has its own `Weights` over the same CSR (16 bytes per
//! directed edge each); edges a mode may not use are `NONE` there, so a search skips them with
//! the closed-edge test it already makes.

use crate::graph::{Graph, NONE};
use crate::modes::TravelMode;

/// Current travel time (ms) of every directed edge, stored next to the edge's other end —
/// `[head, ms]` in forward CSR order and `[tail, ms]` in reverse CSR order — so a search reads
/// one cache line per node instead of two. `NONE` marks a closed edge.
#[derive(Debug, Clone)]
pub struct Weights {
    pub(crate) fwd: Vec<[u32; 2]>,
    pub(crate) bwd: Vec<[u32; 2]>,
    changed: Vec<u32>,
    mode: TravelMode,
    /// Bumped by every change, so results derived from earlier weights can tell they are stale.
    revision: u64,
}

/// Equal when every edge time and the mode are equal, however they got there.
impl PartialEq for Weights {
    fn eq(&self, other: &Self) -> bool {
        self.mode == other.mode && self.fwd == other.fwd
    }
}

impl Eq for Weights {}

impl Weights {
    /// Free-flow car weights of `graph`.
    #[must_use]
    pub fn new(graph: &Graph) -> Self {
        Self::for_mode(graph, TravelMode::Car)
    }

    /// Free-flow weights of `graph` for `mode`.
    #[must_use]
    pub fn for_mode(graph: &Graph, mode: TravelMode) -> Self {
        let base = |e: u32| graph.mode_time_ms(mode, e);
        let fwd: Vec<[u32; 2]> = graph
            .fwd_head
            .iter()
            .enumerate()
            .map(|(e, &h)| [h, base(e as u32)])
            .collect();
        let bwd = graph
            .bwd_tail
            .iter()
            .zip(&graph.bwd_edge)
            .map(|(&t, &e)| [t, base(e)])
            .collect();
        Self {
            fwd,
            bwd,
            changed: Vec::new(),
            mode,
            revision: 0,
        }
    }

    /// The travel mode these weights are for.
    #[must_use]
    pub fn mode(&self) -> TravelMode {
        self.mode
    }

    /// Changes made since these weights were built (closures, slowdowns, resets).
    #[must_use]
    pub fn revision(&self) -> u64 {
        self.revision
    }

    /// Heap bytes of the weight arrays.
    #[must_use]
    pub fn memory_bytes(&self) -> usize {
        8 * (self.fwd.len() + self.bwd.len()) + 4 * self.changed.capacity()
    }

    /// Current time of `edge` in ms, `None` if closed.
    #[must_use]
    pub fn time_ms(&self, edge: u32) -> Option<u32> {
        let t = self.fwd[edge as usize][1];
        (t != NONE).then_some(t)
    }

    #[must_use]
    pub fn is_closed(&self, edge: u32) -> bool {
        self.fwd[edge as usize][1] == NONE
    }

    /// Edges currently differing from free flow.
    #[must_use]
    pub fn changed_edges(&self) -> &[u32] {
        &self.changed
    }

    fn set(&mut self, graph: &Graph, edge: u32, t: u32) {
        let e = edge as usize;
        self.revision += 1;
        let base = graph.mode_time_ms(self.mode, edge);
        if self.fwd[e][1] == base && t != base {
            self.changed.push(edge);
        }
        self.fwd[e][1] = t;
        let head = graph.fwd_head[e];
        if let Some(slot) = graph
            .in_slots(head)
            .find(|&s| graph.bwd_edge[s as usize] == edge)
        {
            self.bwd[slot as usize][1] = t;
        }
    }

    /// Closes edges (road closure): searches will not use them.
    pub fn close(&mut self, graph: &Graph, edges: &[u32]) {
        let m = self.fwd.len();
        for &e in edges.iter().filter(|&&e| (e as usize) < m) {
            self.set(graph, e, NONE);
        }
    }

    /// Slows edges down: time = free-flow time x `factor` (factor >= 1 for congestion; values
    /// below 1 are accepted for e.g. escorted lanes). Non-finite or non-positive factors close.
    pub fn slow(&mut self, graph: &Graph, edges: &[u32], factor: f64) {
        let m = self.fwd.len();
        for &e in edges.iter().filter(|&&e| (e as usize) < m) {
            let base = graph.mode_time_ms(self.mode, e);
            if base == NONE {
                continue; // forbidden to this mode anyway
            }
            let t = if factor.is_finite() && factor > 0.0 {
                (f64::from(base) * factor)
                    .round()
                    .clamp(0.0, f64::from(NONE - 1)) as u32
            } else {
                NONE
            };
            self.set(graph, e, t);
        }
    }

    /// Restores free-flow times on all changed edges.
    pub fn reset(&mut self, graph: &Graph) {
        let changed = std::mem::take(&mut self.changed);
        for e in changed {
            let t = graph.mode_time_ms(self.mode, e);
            self.set(graph, e, t);
        }
        self.changed.clear();
    }
}
