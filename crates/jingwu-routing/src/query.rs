//! Queries on a snapped network: reach (one-to-many), multi-source, ranking candidate units by
//! travel time *to* a point with early stop, and point-to-point routes with geometry.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use crate::geo_util::haversine_m;
use crate::graph::{Graph, NONE};
use crate::search::{Direction, Flow, SearchSpace};
use crate::snap::{Position, SnapIndex};
use crate::weights::Weights;

/// Reusable per-thread query state: the search buffers plus node markers for ranking.
#[derive(Debug, Clone)]
pub struct Workspace {
    pub search: SearchSpace,
    mark_stamp: Vec<u32>,
    mark_first: Vec<u32>,
    mark_gen: u32,
    /// Ranking entries `(unit, ms from unit to node)`, chained per node through `entry_next`.
    entries: Vec<(u32, u32)>,
    entry_next: Vec<u32>,
    dense: Vec<u32>,
}

impl Workspace {
    #[must_use]
    pub fn new(graph: &Graph) -> Self {
        let n = graph.node_count();
        Self {
            search: SearchSpace::new(n),
            mark_stamp: vec![0; n],
            mark_first: vec![0; n],
            mark_gen: 0,
            entries: Vec::new(),
            entry_next: Vec::new(),
            dense: Vec::new(),
        }
    }

    fn fit(&mut self, graph: &Graph) {
        if self.mark_stamp.len() != graph.node_count() {
            *self = Self::new(graph);
        }
    }

    /// Distances of the last search as a dense array (`NONE` = not reached), reusing a buffer.
    pub fn dense_distances(&mut self) -> &[u32] {
        let n = self.mark_stamp.len();
        self.dense.clear();
        self.dense.resize(n, NONE);
        for &(v, d) in self.search.settled() {
            self.dense[v as usize] = d;
        }
        &self.dense
    }
}

/// A graph with its live weights and snapping index: everything a query reads.
#[derive(Debug, Clone, Copy)]
pub struct Router<'a> {
    pub graph: &'a Graph,
    pub weights: &'a Weights,
    pub index: &'a SnapIndex,
}

/// A point-to-point route.
#[derive(Debug, Clone, PartialEq)]
pub struct Route {
    pub time_ms: u32,
    pub meters: f64,
    /// `(lat, lon)` from start to end.
    pub coords: Vec<(f64, f64)>,
    /// Graph nodes passed, in order.
    pub nodes: Vec<u32>,
}

impl Route {
    #[must_use]
    pub fn seconds(&self) -> f64 {
        f64::from(self.time_ms) / 1000.0
    }
}

/// A unit's estimated time of arrival.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Eta {
    /// Index into the candidate list.
    pub unit: usize,
    pub time_ms: u32,
}

/// Part of polyline `pts` between fractions `t0 < t1` of its length.
#[must_use]
pub fn cut_polyline(pts: &[(f64, f64)], t0: f64, t1: f64) -> Vec<(f64, f64)> {
    let lens: Vec<f64> = pts
        .windows(2)
        .map(|p| haversine_m(p[0].0, p[0].1, p[1].0, p[1].1))
        .collect();
    let total: f64 = lens.iter().sum();
    let at = |frac: f64| -> (usize, (f64, f64)) {
        let target = frac.clamp(0.0, 1.0) * total;
        let mut acc = 0.0;
        for (i, &l) in lens.iter().enumerate() {
            if acc + l >= target && l > 0.0 {
                return (
                    i,
                    crate::geo_util::lerp(pts[i], pts[i + 1], (target - acc) / l),
                );
            }
            acc += l;
        }
        (
            lens.len().saturating_sub(1),
            pts.last().copied().unwrap_or((0.0, 0.0)),
        )
    };
    if pts.len() < 2 {
        return pts.to_vec();
    }
    let (i0, p0) = at(t0);
    let (i1, p1) = at(t1);
    let mut out = vec![p0];
    out.extend_from_slice(&pts[i0 + 1..=i1]);
    out.push(p1);
    out
}

impl Router<'_> {
    /// Nodes reachable from `from` within `limit_ms`, with their travel time (ms), in order of
    /// time. The result is `ws.search.settled()`.
    pub fn reach<'w>(
        &self,
        ws: &'w mut Workspace,
        from: &Position,
        limit_ms: u32,
    ) -> &'w [(u32, u32)] {
        let src = from.departures(self.weights);
        ws.search
            .bounded(self.graph, self.weights, Direction::Forward, &src, limit_ms);
        ws.search.settled()
    }

    /// Nodes from which `to` is reachable within `limit_ms` (reverse search).
    pub fn reach_to<'w>(
        &self,
        ws: &'w mut Workspace,
        to: &Position,
        limit_ms: u32,
    ) -> &'w [(u32, u32)] {
        let src = to.arrivals(self.weights);
        ws.search.bounded(
            self.graph,
            self.weights,
            Direction::Backward,
            &src,
            limit_ms,
        );
        ws.search.settled()
    }

    /// One forward search from all `positions` at once: the time from the nearest of them.
    pub fn multi_source<'w>(
        &self,
        ws: &'w mut Workspace,
        positions: &[Position],
        limit_ms: u32,
    ) -> &'w [(u32, u32)] {
        let src: Vec<(u32, u32)> = positions
            .iter()
            .flat_map(|p| p.departures(self.weights))
            .collect();
        ws.search
            .bounded(self.graph, self.weights, Direction::Forward, &src, limit_ms);
        ws.search.settled()
    }

    /// The `k` units that reach `target` first (ties by unit index), within `limit_ms`.
    /// One backward search from the target, stopped as soon as `k` arrival times are final.
    pub fn rank_units(
        &self,
        ws: &mut Workspace,
        units: &[Position],
        target: &Position,
        k: usize,
        limit_ms: u32,
    ) -> Vec<Eta> {
        ws.fit(self.graph);
        let mut result = Vec::with_capacity(k.min(units.len()));
        if k == 0 || units.is_empty() {
            return result;
        }
        // Entries (node, unit, ms from unit to node), grouped by node and indexed by stamp.
        if ws.mark_gen == u32::MAX {
            ws.mark_stamp.fill(0);
            ws.mark_gen = 0;
        }
        ws.mark_gen += 1;
        let mgen = ws.mark_gen;
        // Chain each unit's departure entries onto its node (no sort, no hashing).
        ws.entries.clear();
        ws.entry_next.clear();
        for (i, u) in units.iter().enumerate() {
            for (node, c) in u.departures(self.weights) {
                let n = node as usize;
                if ws.mark_stamp[n] != mgen {
                    ws.mark_stamp[n] = mgen;
                    ws.mark_first[n] = NONE;
                }
                ws.entry_next.push(ws.mark_first[n]);
                ws.mark_first[n] = ws.entries.len() as u32;
                ws.entries.push((i as u32, c));
            }
        }
        let mut cand: BinaryHeap<Reverse<(u32, u32)>> = BinaryHeap::new();
        for (i, u) in units.iter().enumerate() {
            if let Some(t) = u.direct_ms(target, self.weights) {
                cand.push(Reverse((t, i as u32)));
            }
        }
        let mut done = vec![false; units.len()];
        let src = target.arrivals(self.weights);
        let Workspace {
            search,
            mark_stamp,
            mark_first,
            entries,
            entry_next,
            ..
        } = ws;
        let mut drain =
            |cand: &mut BinaryHeap<Reverse<(u32, u32)>>, upto: u32, result: &mut Vec<Eta>| {
                while let Some(&Reverse((t, u))) = cand.peek() {
                    if t > upto || result.len() >= k {
                        break;
                    }
                    cand.pop();
                    if !done[u as usize] {
                        done[u as usize] = true;
                        result.push(Eta {
                            unit: u as usize,
                            time_ms: t,
                        });
                    }
                }
            };
        search.run(
            self.graph,
            self.weights,
            Direction::Backward,
            &src,
            limit_ms,
            |v, d| {
                let vi = v as usize;
                if mark_stamp[vi] == mgen {
                    let mut i = mark_first[vi];
                    while let Some(&(unit, c)) = entries.get(i as usize) {
                        cand.push(Reverse((d.saturating_add(c), unit)));
                        i = entry_next[i as usize];
                    }
                }
                // Every unsettled node is at least `d` away, so candidates up to `d` are final.
                drain(&mut cand, d, &mut result);
                if result.len() >= k {
                    Flow::Stop
                } else {
                    Flow::Continue
                }
            },
        );
        drain(&mut cand, limit_ms, &mut result);
        result
    }

    /// Fastest route from `from` to `to`; `None` if unreachable.
    pub fn route(&self, ws: &mut Workspace, from: &Position, to: &Position) -> Option<Route> {
        let w = self.weights;
        let g = self.graph;
        let direct = from.direct_ms(to, w);
        let targets = to.arrivals(w);
        let mut best = direct.unwrap_or(NONE);
        let mut best_node = NONE;
        let src = from.departures(w);
        ws.search.set_track_parents(true);
        ws.search
            .run(g, w, Direction::Forward, &src, NONE - 1, |v, d| {
                if d >= best {
                    return Flow::Stop;
                }
                for &(t, c) in &targets {
                    if t == v && d.saturating_add(c) < best {
                        best = d + c;
                        best_node = v;
                    }
                }
                Flow::Continue
            });
        // Walk parents back to the departure node.
        let mut edges = Vec::new();
        let mut v = best_node;
        while best_node != NONE
            && let Some(e) = ws.search.parent_edge(v)
        {
            edges.push(e);
            v = g.tail(e);
        }
        ws.search.set_track_parents(false);
        if best == NONE {
            return None;
        }
        let fs = from.segment;
        if best_node == NONE {
            // Along the shared segment only, in `from`'s orientation.
            let t_to = if to.segment.a == fs.a {
                to.t
            } else {
                1.0 - to.t
            };
            let (e, t0, t1) = if t_to >= from.t && fs.ab != NONE {
                (fs.ab, from.t, t_to)
            } else {
                (fs.ba, 1.0 - from.t, 1.0 - t_to)
            };
            let meters = g.length_m(e) * (t1 - t0).abs();
            let mut coords = cut_polyline(&g.edge_geometry(e), t0, t1);
            if let Some(first) = coords.first_mut() {
                *first = from.point;
            }
            if let Some(last) = coords.last_mut() {
                *last = to.point;
            }
            return Some(Route {
                time_ms: best,
                meters,
                coords,
                nodes: Vec::new(),
            });
        }
        edges.reverse();
        let start = v;
        let mut coords = vec![from.point];
        let mut meters = 0.0;
        let mut nodes = Vec::with_capacity(edges.len() + 3);
        // First partial segment: from the point to the departure node.
        if start == fs.b && from.t < 1.0 && fs.ab != NONE {
            let geom = g.edge_geometry(fs.ab);
            coords.extend(cut_polyline(&geom, from.t, 1.0).into_iter().skip(1));
            meters += g.length_m(fs.ab) * (1.0 - from.t);
            if from.t <= 0.0 {
                nodes.push(fs.a); // the whole edge a -> b is driven
            }
        } else if start == fs.a && from.t > 0.0 && fs.ba != NONE {
            let geom = g.edge_geometry(fs.ba);
            coords.extend(cut_polyline(&geom, 1.0 - from.t, 1.0).into_iter().skip(1));
            meters += g.length_m(fs.ba) * from.t;
            if from.t >= 1.0 {
                nodes.push(fs.b);
            }
        }
        nodes.push(start);
        for &e in &edges {
            coords.extend(g.edge_geometry(e).into_iter().skip(1));
            meters += g.length_m(e);
            nodes.push(g.head(e));
        }
        // Last partial segment: from the arrival node to the point.
        let ts = to.segment;
        if best_node == ts.a && to.t > 0.0 && ts.ab != NONE {
            let geom = g.edge_geometry(ts.ab);
            coords.extend(cut_polyline(&geom, 0.0, to.t).into_iter().skip(1));
            meters += g.length_m(ts.ab) * to.t;
            if to.t >= 1.0 {
                nodes.push(ts.b);
            }
        } else if best_node == ts.b && to.t < 1.0 && ts.ba != NONE {
            let geom = g.edge_geometry(ts.ba);
            coords.extend(cut_polyline(&geom, 0.0, 1.0 - to.t).into_iter().skip(1));
            meters += g.length_m(ts.ba) * (1.0 - to.t);
            if to.t <= 0.0 {
                nodes.push(ts.a);
            }
        }
        if let Some(last) = coords.last_mut() {
            *last = to.point;
        }
        Some(Route {
            time_ms: best,
            meters,
            coords,
            nodes,
        })
    }
}
