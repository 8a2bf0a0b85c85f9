//! Bounded Dijkstra with reusable, generation-stamped buffers: a query touches only the nodes
//! it reaches, so thousands of small searches on a million-node graph do not pay O(n) each.
//!
//! The priority queue is a radix heap (Ahuja, Mehlhorn, Orlin & Tarjan, "Faster algorithms for
//! the shortest path problem", JACM 37(2), 1990): Dijkstra extracts keys in nondecreasing
//! order, so entries only need to be bucketed by the highest bit in which they differ from the
//! last extracted key. Pushes are O(1), each entry moves down at most 32 times, and the
//! buckets are plain vectors reused across queries.

use crate::graph::{Graph, NONE};
use crate::weights::Weights;

/// Monotone priority queue of `(key, node)` for integer keys (see the module docs). A bit mask
/// of non-empty buckets finds the next bucket with one `trailing_zeros`.
#[derive(Debug, Clone)]
struct RadixHeap {
    last: u32,
    len: usize,
    mask: u64,
    buckets: [Vec<(u32, u32)>; 33],
}

impl Default for RadixHeap {
    fn default() -> Self {
        Self {
            last: 0,
            len: 0,
            mask: 0,
            buckets: std::array::from_fn(|_| Vec::new()),
        }
    }
}

impl RadixHeap {
    #[inline]
    fn bucket(&self, key: u32) -> usize {
        (32 - (key ^ self.last).leading_zeros()) as usize
    }

    fn clear(&mut self) {
        while self.mask != 0 {
            let i = self.mask.trailing_zeros() as usize;
            self.buckets[i].clear();
            self.mask &= self.mask - 1;
        }
        self.last = 0;
        self.len = 0;
    }

    /// `key` must not be below the last popped key (Dijkstra guarantees it; smaller keys are
    /// clamped so the heap stays consistent).
    #[inline]
    fn push(&mut self, key: u32, node: u32) {
        let key = key.max(self.last);
        let i = self.bucket(key);
        self.buckets[i].push((key, node));
        self.mask |= 1 << i;
        self.len += 1;
    }

    #[inline]
    fn pop(&mut self) -> Option<(u32, u32)> {
        if self.len == 0 {
            return None;
        }
        if self.mask & 1 == 0 {
            let i = self.mask.trailing_zeros() as usize;
            let mut moved = std::mem::take(&mut self.buckets[i]);
            self.mask &= !(1 << i);
            self.last = moved.iter().map(|e| e.0).min()?;
            for &(k, v) in &moved {
                let j = self.bucket(k);
                self.buckets[j].push((k, v));
                self.mask |= 1 << j;
            }
            // Give the emptied bucket its allocation back.
            moved.clear();
            self.buckets[i] = moved;
        }
        self.len -= 1;
        let top = self.buckets[0].pop();
        if self.buckets[0].is_empty() {
            self.mask &= !1;
        }
        top
    }
}

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
    /// Generation in the high 32 bits, distance in the low: one load per relaxation.
    state: Vec<u64>,
    parent: Vec<u32>,
    generation: u32,
    heap: RadixHeap,
    settled: Vec<(u32, u32)>,
    direction: Direction,
    track_parents: bool,
}

impl SearchSpace {
    #[must_use]
    pub fn new(node_count: usize) -> Self {
        Self {
            state: vec![0; node_count],
            parent: vec![NONE; node_count],
            generation: 0,
            heap: RadixHeap::default(),
            settled: Vec::new(),
            direction: Direction::Forward,
            track_parents: false,
        }
    }

    /// Ensures the buffers fit `graph` (after switching graphs).
    pub fn fit(&mut self, graph: &Graph) {
        if self.state.len() != graph.node_count() {
            *self = Self::new(graph.node_count());
        }
    }

    fn next_generation(&mut self) {
        if self.generation == u32::MAX {
            self.state.fill(0);
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
        let st = *self.state.get(node as usize)?;
        ((st >> 32) as u32 == self.generation).then_some(st as u32)
    }

    /// Records parent edges in the following searches (needed for route geometry only; off by
    /// default because it costs a store per relaxation).
    pub fn set_track_parents(&mut self, on: bool) {
        self.track_parents = on;
    }

    /// Edge through which `node` was reached (forward edge id), `None` at a source or when
    /// parents were not tracked.
    #[must_use]
    pub fn parent_edge(&self, node: u32) -> Option<u32> {
        let i = node as usize;
        (self.track_parents && self.dist(node).is_some() && self.parent[i] != NONE)
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
        let limit_ms = limit_ms.min(NONE - 1);
        let track = self.track_parents;
        for &(s, d) in sources {
            if (s as usize) < self.state.len() && d <= limit_ms {
                if track {
                    self.relax::<true>(s, d, NONE);
                } else {
                    self.relax::<false>(s, d, NONE);
                }
            }
        }
        let (first, adj, ids) = match direction {
            Direction::Forward => (&graph.fwd_first, &weights.fwd, None),
            Direction::Backward => (
                &graph.bwd_first,
                &weights.bwd,
                Some(graph.bwd_edge.as_slice()),
            ),
        };
        if track {
            self.main_loop::<true, F>(first, adj, ids, limit_ms, on_settle);
        } else {
            self.main_loop::<false, F>(first, adj, ids, limit_ms, on_settle);
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
    fn relax<const P: bool>(&mut self, v: u32, d: u32, via: u32) {
        let i = v as usize;
        let tagged = (u64::from(self.generation) << 32) | u64::from(d);
        // Same generation compares by distance; an older generation always loses.
        if tagged < self.state[i] || (self.state[i] >> 32) as u32 != self.generation {
            self.state[i] = tagged;
            if P {
                self.parent[i] = via;
            }
            self.heap.push(d, v);
        }
    }

    fn main_loop<const P: bool, F: FnMut(u32, u32) -> Flow>(
        &mut self,
        first: &[u32],
        adj: &[[u32; 2]],
        edge_ids: Option<&[u32]>,
        limit_ms: u32,
        mut on_settle: F,
    ) {
        while let Some((d, u)) = self.heap.pop() {
            let ui = u as usize;
            if d > self.state[ui] as u32 {
                continue; // stale entry
            }
            self.settled.push((u, d));
            if on_settle(u, d) == Flow::Stop {
                return;
            }
            let (lo, hi) = (first[ui] as usize, first[ui + 1] as usize);
            for (off, &[v, wt]) in adj[lo..hi].iter().enumerate() {
                let s = lo + off;
                if wt == NONE {
                    continue;
                }
                let nd = d.saturating_add(wt);
                if nd > limit_ms {
                    continue;
                }
                let via = if P {
                    match edge_ids {
                        Some(ids) => ids[s],
                        None => s as u32,
                    }
                } else {
                    NONE
                };
                self.relax::<P>(v, nd, via);
            }
        }
    }
}
