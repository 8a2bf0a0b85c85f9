//! Bounded Dijkstra with reusable, generation-stamped buffers: a query touches only the nodes
//! it reaches, so thousands of small searches on a million-node graph do not pay O(n) each.
//!
//! Bounded searches (reach, coverage, ranking with a time limit) use a two-level bucket queue;
//! unbounded ones (point-to-point routes) an indexed 4-ary heap with decrease-key. Both settle
//! nodes in exact nondecreasing order of travel time. Measured on a 1M-node city (CPU time):
//! a 700-source 300 s search takes ~125 ms with the bucket queue, ~285 ms with the indexed heap
//! alone (its position updates miss the cache on a wide frontier), ~150 ms with a radix heap,
//! which in turn is ~25% slower than both on small single-source searches.

use crate::graph::{Graph, NONE};
use crate::weights::Weights;

/// Per-node search record: generation stamp and tentative distance, 8 bytes so eight nodes
/// share a cache line. Parents and heap positions live apart: only routes and unbounded
/// searches need them.
#[derive(Debug, Clone, Copy, Default)]
struct NodeState {
    generation: u32,
    dist: u32,
}

/// Indexed 4-ary min-heap of `(key, node)` with decrease-key: every node is in the heap at most
/// once, so there are no stale entries, and the shallow 4-ary tree keeps sifts short.
/// `pos[node]` is only trusted when the heap slot it names holds that node, so positions never
/// need clearing between searches.
#[derive(Debug, Clone, Default)]
struct IndexedHeap {
    heap: Vec<(u32, u32)>,
    pos: Vec<u32>,
}

impl IndexedHeap {
    fn clear(&mut self) {
        self.heap.clear();
    }

    fn fit(&mut self, n: usize) {
        if self.pos.len() != n {
            self.pos = vec![0; n];
        }
    }

    /// Inserts `node` with `key`, or lowers its key if it is already queued.
    #[inline]
    fn push_or_decrease(&mut self, key: u32, node: u32) {
        let p = self.pos[node as usize] as usize;
        let i = if self.heap.get(p).is_some_and(|e| e.1 == node) {
            self.heap[p].0 = key;
            p
        } else {
            self.heap.push((key, node));
            self.heap.len() - 1
        };
        self.sift_up(i);
    }

    #[inline(always)]
    fn pop(&mut self) -> Option<(u32, u32)> {
        let last = self.heap.pop()?;
        if self.heap.is_empty() {
            return Some(last);
        }
        let top = self.heap[0];
        self.heap[0] = last;
        self.sift_down(0);
        Some(top)
    }

    #[inline]
    fn sift_up(&mut self, mut i: usize) {
        let e = self.heap[i];
        while i > 0 {
            let parent = (i - 1) / 4;
            let pe = self.heap[parent];
            if pe.0 <= e.0 {
                break;
            }
            self.heap[i] = pe;
            self.pos[pe.1 as usize] = i as u32;
            i = parent;
        }
        self.heap[i] = e;
        self.pos[e.1 as usize] = i as u32;
    }

    #[inline(always)]
    fn sift_down(&mut self, mut i: usize) {
        let e = self.heap[i];
        let n = self.heap.len();
        loop {
            let first = 4 * i + 1;
            if first >= n {
                break;
            }
            let mut best = first;
            let mut best_key = self.heap[first].0;
            for c in first + 1..(first + 4).min(n) {
                if self.heap[c].0 < best_key {
                    best = c;
                    best_key = self.heap[c].0;
                }
            }
            if best_key >= e.0 {
                break;
            }
            self.heap[i] = self.heap[best];
            self.pos[self.heap[i].1 as usize] = i as u32;
            i = best;
        }
        self.heap[i] = e;
        self.pos[e.1 as usize] = i as u32;
    }
}

/// Two-level queue for bounded searches: keys are grouped into 1.024 s buckets; only the
/// current bucket lives in a (small) binary heap, later buckets are plain lists. An entry is
/// appended once to a list and moved once into the heap, so heap work covers a few dozen
/// entries instead of the whole frontier (700-source searches have tens of thousands), and
/// nothing tracks heap positions in node records. Pops stay in exact key order; entries made
/// stale by a later improvement are skipped when popped.
#[derive(Debug, Clone, Default)]
struct BucketQueue {
    cur: usize,
    top: usize,
    lists: Vec<Vec<u64>>,
    heap: std::collections::BinaryHeap<std::cmp::Reverse<u64>>,
}

/// log2 of the bucket width in ms.
const BUCKET_SHIFT: u32 = 10;
/// Searches bounded below this many buckets (about 2.3 h) use the bucket queue.
const MAX_BUCKETS: usize = 8192;

impl BucketQueue {
    fn reset(&mut self, limit_ms: u32) {
        let top = self.top.min(self.lists.len());
        for l in &mut self.lists[..top] {
            l.clear();
        }
        let need = (limit_ms >> BUCKET_SHIFT) as usize + 1;
        if self.lists.len() < need {
            self.lists.resize_with(need, Vec::new);
        }
        self.heap.clear();
        self.cur = 0;
        self.top = 0;
    }

    #[inline]
    fn push(&mut self, key: u32, node: u32) {
        let packed = (u64::from(key) << 32) | u64::from(node);
        let b = (key >> BUCKET_SHIFT) as usize;
        if b <= self.cur {
            self.heap.push(std::cmp::Reverse(packed));
        } else {
            self.lists[b].push(packed);
            self.top = self.top.max(b + 1);
        }
    }

    #[inline]
    fn pop(&mut self, nodes: &[NodeState]) -> Option<(u32, u32)> {
        loop {
            while let Some(std::cmp::Reverse(p)) = self.heap.pop() {
                let (key, node) = ((p >> 32) as u32, p as u32);
                if nodes[node as usize].dist == key {
                    return Some((key, node));
                }
            }
            self.cur += 1;
            while self.cur < self.top && self.lists[self.cur].is_empty() {
                self.cur += 1;
            }
            if self.cur >= self.top {
                return None;
            }
            let mut list = std::mem::take(&mut self.lists[self.cur]);
            self.heap.extend(list.iter().map(|&p| std::cmp::Reverse(p)));
            list.clear();
            self.lists[self.cur] = list;
        }
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
    nodes: Vec<NodeState>,
    parent: Vec<u32>,
    generation: u32,
    heap: IndexedHeap,
    settled: Vec<(u32, u32)>,
    direction: Direction,
    track_parents: bool,
    buckets: BucketQueue,
    use_buckets: bool,
}

impl SearchSpace {
    #[must_use]
    pub fn new(node_count: usize) -> Self {
        Self {
            nodes: vec![NodeState::default(); node_count],
            parent: Vec::new(),
            generation: 0,
            heap: IndexedHeap::default(),
            settled: Vec::new(),
            direction: Direction::Forward,
            track_parents: false,
            buckets: BucketQueue::default(),
            use_buckets: false,
        }
    }

    /// Ensures the buffers fit `graph` (after switching graphs).
    pub fn fit(&mut self, graph: &Graph) {
        if self.nodes.len() != graph.node_count() {
            *self = Self::new(graph.node_count());
        }
    }

    fn next_generation(&mut self) {
        if self.generation == u32::MAX {
            self.nodes.fill(NodeState::default());
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
        let st = self.nodes.get(node as usize)?;
        (st.generation == self.generation).then_some(st.dist)
    }

    /// Records parent edges in the following searches (needed for route geometry only).
    pub fn set_track_parents(&mut self, on: bool) {
        self.track_parents = on;
    }

    /// Edge through which `node` was reached (forward edge id), `None` at a source or when
    /// parents were not tracked.
    #[must_use]
    pub fn parent_edge(&self, node: u32) -> Option<u32> {
        let st = self.nodes.get(node as usize)?;
        let parent = *self.parent.get(node as usize)?;
        (self.track_parents && st.generation == self.generation && parent != NONE).then_some(parent)
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
        self.use_buckets = ((limit_ms >> BUCKET_SHIFT) as usize) < MAX_BUCKETS;
        if self.use_buckets {
            self.buckets.reset(limit_ms);
        } else {
            self.heap.fit(self.nodes.len());
        }
        if self.track_parents && self.parent.len() != self.nodes.len() {
            self.parent = vec![NONE; self.nodes.len()];
        }
        let track = self.track_parents;
        for &(s, d) in sources {
            if (s as usize) < self.nodes.len() && d <= limit_ms {
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
        let st = &mut self.nodes[v as usize];
        if st.generation != self.generation || d < st.dist {
            st.generation = self.generation;
            st.dist = d;
            if P {
                self.parent[v as usize] = via;
            }
            if self.use_buckets {
                self.buckets.push(d, v);
            } else {
                self.heap.push_or_decrease(d, v);
            }
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
        loop {
            let next = if self.use_buckets {
                self.buckets.pop(&self.nodes)
            } else {
                self.heap.pop()
            };
            let Some((d, u)) = next else { break };
            let ui = u as usize;
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
