//! Bounded Dijkstra with reusable, generation-stamped buffers: a query touches only the nodes
//! it reaches, so thousands of small searches on a million-node graph do not pay O(n) each.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use crate::graph::{Graph, NONE};
use crate::weights::Weights;

/// Search direction: forward follows edges (travel time *from* the sources), backward follows
/// them in reverse (travel time *to* the sources).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Forward,
    Backward,
}

/// Whether a settle callback lets the search continue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    Continue,
    Stop,
}

/// Reusable search state for one graph size.
#[derive(Debug, Clone)]
pub struct SearchSpace {
    dist: Vec<u32>,
    parent: Vec<u32>,
    stamp: Vec<u32>,
    generation: u32,
    // Key in the high 32 bits, node in the low: one u64 compare per heap step.
    heap: BinaryHeap<Reverse<u64>>,
    settled: Vec<(u32, u32)>,
    direction: Direction,
}

impl SearchSpace {
    #[must_use]
    pub fn new(node_count: usize) -> Self {
        Self {
            dist: vec![NONE; node_count],
            parent: vec![NONE; node_count],
            stamp: vec![0; node_count],
            generation: 0,
            heap: BinaryHeap::new(),
            settled: Vec::new(),
            direction: Direction::Forward,
        }
    }

    /// Ensures the buffers fit `graph` (after switching graphs).
    pub fn fit(&mut self, graph: &Graph) {
        if self.dist.len() != graph.node_count() {
            *self = Self::new(graph.node_count());
        }
    }

    fn next_generation(&mut self) {
        if self.generation == u32::MAX {
            self.stamp.fill(0);
            self.generation = 0;
        }
        self.generation += 1;
        self.heap.clear();
        self.settled.clear();
    }

    /// Tentative or final distance (ms) of `node` in the last search, `None` if not reached.
    /// Final for nodes listed in [`SearchSpace::settled`].
    #[must_use]
    pub fn dist(&self, node: u32) -> Option<u32> {
        let i = node as usize;
        (self.stamp.get(i) == Some(&self.generation)).then(|| self.dist[i])
    }

    /// Edge through which `node` was reached (forward edge id), `None` at a source.
    #[must_use]
    pub fn parent_edge(&self, node: u32) -> Option<u32> {
        let i = node as usize;
        (self.stamp.get(i) == Some(&self.generation) && self.parent[i] != NONE)
            .then(|| self.parent[i])
    }

    /// Nodes settled by the last search with their distance (ms), in settling order.
    #[must_use]
    pub fn settled(&self) -> &[(u32, u32)] {
        &self.settled
    }

    /// Direction of the last search.
    #[must_use]
    pub fn direction(&self) -> Direction {
        self.direction
    }

    /// Runs Dijkstra from `sources` (`(node, initial ms)`), settling nodes up to `limit_ms`
    /// inclusive. `on_settle(node, ms)` is called once per settled node, in nondecreasing order
    /// of distance, and may stop the search.
    pub fn run<F: FnMut(u32, u32) -> Flow>(
        &mut self,
        graph: &Graph,
        weights: &Weights,
        direction: Direction,
        sources: &[(u32, u32)],
        limit_ms: u32,
        on_settle: F,
    ) {
        self.fit(graph);
        self.next_generation();
        self.direction = direction;
        for &(s, d) in sources {
            if (s as usize) < self.dist.len() && d <= limit_ms {
                self.relax(s, d, NONE);
            }
        }
        match direction {
            Direction::Forward => self.main_loop(
                &graph.fwd_first,
                &graph.fwd_head,
                &weights.fwd,
                None,
                limit_ms,
                on_settle,
            ),
            Direction::Backward => self.main_loop(
                &graph.bwd_first,
                &graph.bwd_tail,
                &weights.bwd,
                Some(&graph.bwd_edge),
                limit_ms,
                on_settle,
            ),
        }
    }

    /// Plain bounded search; the result is in [`SearchSpace::settled`].
    pub fn bounded(
        &mut self,
        graph: &Graph,
        weights: &Weights,
        direction: Direction,
        sources: &[(u32, u32)],
        limit_ms: u32,
    ) {
        self.run(graph, weights, direction, sources, limit_ms, |_, _| {
            Flow::Continue
        });
    }

    #[inline]
    fn relax(&mut self, v: u32, d: u32, via: u32) {
        let i = v as usize;
        if self.stamp[i] != self.generation || d < self.dist[i] {
            self.stamp[i] = self.generation;
            self.dist[i] = d;
            self.parent[i] = via;
            self.heap.push(Reverse((u64::from(d) << 32) | u64::from(v)));
        }
    }

    fn main_loop<F: FnMut(u32, u32) -> Flow>(
        &mut self,
        first: &[u32],
        adj: &[u32],
        w: &[u32],
        edge_ids: Option<&[u32]>,
        limit_ms: u32,
        mut on_settle: F,
    ) {
        while let Some(Reverse(key)) = self.heap.pop() {
            let d = (key >> 32) as u32;
            let u = key as u32;
            let ui = u as usize;
            if d > self.dist[ui] {
                continue; // stale entry
            }
            self.settled.push((u, d));
            if on_settle(u, d) == Flow::Stop {
                return;
            }
            for slot in first[ui]..first[ui + 1] {
                let s = slot as usize;
                let wt = w[s];
                if wt == NONE {
                    continue;
                }
                let nd = d.saturating_add(wt);
                if nd > limit_ms {
                    continue;
                }
                let v = adj[s];
                let via = match edge_ids {
                    Some(ids) => ids[s],
                    None => slot,
                };
                self.relax(v, nd, via);
            }
        }
    }
}
