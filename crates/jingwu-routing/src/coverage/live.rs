//! Coverage kept current as units move: when one unit moves, appears or leaves, only the
//! roads within its reach before and after are searched again and re-counted, instead of one
//! search from every unit over the whole city.
//!
//! Per travel mode the state is the time from the nearest unit of that mode to every node
//! (`NONE` beyond the largest limit) and which unit that is. Removing unit `u` from it:
//!
//! 1. the nodes `u` was nearest to are found by one bounded search from `u`'s old place
//!    (they all lie within its reach) and forgotten;
//! 2. every other node still holds its time from the nearest *other* unit, so the forgotten
//!    region is refilled by a Dijkstra seeded from its border (each known neighbour's time plus
//!    the edge into the region) and from the other units' own departure points, lowering times
//!    only. The shortest path from another unit to a forgotten node leaves the known nodes for
//!    the last time at some border edge, which is a seed, so the refill is exact.
//!
//! Adding a unit is the same lowering-only Dijkstra from its departure points. Then the
//! segments at the changed nodes are re-counted (covered millimetres per limit, arrival time
//! per road sample) and the cells of changed samples re-evaluated, adjusting whole-number sums,
//! so the figures equal those of [`CoverageIndex::evaluate_modes`] exactly — the property test
//! in `tests/it/live_coverage.rs` checks it after every one of 1,000 random moves.
//!
//! Closures and slowdowns change distances everywhere: weights carry a revision, and an update
//! on weights other than those the coverage was built with is refused ([`StaleWeights`]), so
//! the caller builds anew.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use super::{CoverageIndex, CoverageReport, MODE_COUNT, Sums, UNREACHED};
use crate::graph::{Graph, NONE};
use crate::modes::TravelMode;
use crate::search::{Direction, SearchSpace};
use crate::snap::Position;
use crate::weights::Weights;

/// The live weights of every travel mode, indexed by [`TravelMode::index`].
pub type ModeWeights<'a> = [&'a Weights; MODE_COUNT];

/// The weights changed (a closure, a slowdown) since the coverage was built.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the road weights changed since this coverage was built; build it anew")]
pub struct StaleWeights;

/// What one update touched.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LiveUpdate {
    /// Nodes whose time was forgotten or lowered.
    pub nodes: usize,
    /// Segments re-counted.
    pub segments: usize,
    /// Cells whose arrival time changed.
    pub cells: usize,
}

/// Time from the nearest unit of one mode to every node, and which unit (slot) that is.
#[derive(Debug, Clone)]
struct Field {
    dist: Vec<u32>,
    owner: Vec<u32>,
    /// [`Weights::revision`] the times were computed with.
    revision: u64,
}

impl Field {
    fn new(nodes: usize, revision: u64) -> Self {
        Field {
            dist: vec![NONE; nodes],
            owner: vec![NONE; nodes],
            revision,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
struct LiveUnit {
    mode: TravelMode,
    /// `(node, ms)` where the unit can go first ([`Position::departures`]).
    seeds: Vec<(u32, u32)>,
}

/// Lowering-only Dijkstra over one field: the queue and the nodes it changed.
#[derive(Debug, Clone, Default)]
struct Lowering {
    heap: BinaryHeap<Reverse<u64>>,
    changed: Vec<u32>,
}

impl Lowering {
    /// Offers `node` at `d` ms from unit `owner`; kept if within `max` and better than known.
    #[inline]
    fn offer(&mut self, f: &mut Field, node: u32, d: u32, owner: u32, max: u32) {
        let i = node as usize;
        if d <= max && d < f.dist[i] {
            f.dist[i] = d;
            f.owner[i] = owner;
            self.heap
                .push(Reverse((u64::from(d) << 32) | u64::from(node)));
            self.changed.push(node);
        }
    }

    /// Settles every offer, spreading each node's time and owner to its neighbours.
    fn settle(&mut self, f: &mut Field, graph: &Graph, w: &Weights, max: u32) {
        while let Some(Reverse(key)) = self.heap.pop() {
            let (d, u) = ((key >> 32) as u32, key as u32);
            let ui = u as usize;
            if d != f.dist[ui] {
                continue; // lowered again after this entry was queued
            }
            let owner = f.owner[ui];
            let (lo, hi) = (
                graph.fwd_first[ui] as usize,
                graph.fwd_first[ui + 1] as usize,
            );
            for &[v, wt] in &w.fwd[lo..hi] {
                if wt != NONE {
                    self.offer(f, v, d.saturating_add(wt), owner, max);
                }
            }
        }
    }
}

/// 1/3/5-minute (or any limits) coverage of a set of units, updated one unit at a time.
/// Reports are those of [`CoverageIndex::evaluate_modes`] for the same units.
#[derive(Debug, Clone)]
pub struct LiveCoverage {
    limits_ms: Vec<u32>,
    max_ms: u32,
    fields: [Option<Field>; MODE_COUNT],
    units: Vec<Option<LiveUnit>>,
    /// Covered millimetres per segment and limit (segment-major).
    seg_mm: Vec<u32>,
    sample_time: Vec<u32>,
    cell_time: Vec<u32>,
    /// Road samples of each cell (CSR over `cell_samples`).
    cell_first: Vec<u32>,
    cell_samples: Vec<u32>,
    sums: Sums,
    search: SearchSpace,
    lowering: Lowering,
    seg_stamp: Vec<u32>,
    cell_stamp: Vec<u32>,
    stamp: u32,
}

impl LiveCoverage {
    /// Coverage of `units` (slot `i` is `units[i]`) within each of `limits_ms`.
    #[must_use]
    pub fn new(
        index: &CoverageIndex,
        graph: &Graph,
        weights: &ModeWeights<'_>,
        units: &[(TravelMode, Position)],
        limits_ms: &[u32],
    ) -> Self {
        let ncells = index.cells.len();
        let mut cell_first = vec![0u32; ncells + 1];
        for &c in &index.sample_cell {
            cell_first[c as usize + 1] += 1;
        }
        for c in 0..ncells {
            cell_first[c + 1] += cell_first[c];
        }
        let mut fill = cell_first.clone();
        let mut cell_samples = vec![0u32; index.sample_cell.len()];
        for (s, &c) in index.sample_cell.iter().enumerate() {
            cell_samples[fill[c as usize] as usize] = s as u32;
            fill[c as usize] += 1;
        }
        let nl = limits_ms.len();
        let mut live = LiveCoverage {
            limits_ms: limits_ms.to_vec(),
            max_ms: limits_ms.iter().copied().max().unwrap_or(0).min(NONE - 1),
            fields: [const { None }; MODE_COUNT],
            units: units
                .iter()
                .map(|&(mode, pos)| {
                    Some(LiveUnit {
                        mode,
                        seeds: pos.departures(weights[mode.index()]),
                    })
                })
                .collect(),
            seg_mm: vec![0; index.segments.len() * nl],
            sample_time: vec![NONE; index.sample_cell.len()],
            cell_time: vec![NONE; ncells],
            cell_first,
            cell_samples,
            sums: Sums::new(index, nl),
            search: SearchSpace::new(graph.node_count()),
            lowering: Lowering::default(),
            seg_stamp: vec![0; index.segments.len()],
            cell_stamp: vec![0; ncells],
            stamp: 0,
        };
        for mode in TravelMode::ALL {
            if live.units.iter().flatten().any(|u| u.mode == mode) {
                live.fill(graph, weights, mode, None);
            }
        }
        live.recount(index, graph, weights);
        live
    }

    /// Puts unit `slot` at a new place (or mode), or removes it (`None`), and updates the
    /// coverage around its old and new places.
    ///
    /// # Errors
    /// [`StaleWeights`] when the weights changed since the coverage was built.
    pub fn set_unit(
        &mut self,
        index: &CoverageIndex,
        graph: &Graph,
        weights: &ModeWeights<'_>,
        slot: usize,
        unit: Option<(TravelMode, Position)>,
    ) -> Result<LiveUpdate, StaleWeights> {
        if !self.is_current(weights) {
            return Err(StaleWeights);
        }
        let new = unit.map(|(mode, pos)| LiveUnit {
            mode,
            seeds: pos.departures(weights[mode.index()]),
        });
        if slot >= self.units.len() {
            self.units.resize(slot + 1, None);
        }
        if self.units[slot] == new {
            return Ok(LiveUpdate::default());
        }
        let old = std::mem::replace(&mut self.units[slot], new.clone());
        self.lowering.changed.clear();
        // Refilling the old mode also places the unit if it stays in that mode.
        let old_mode = old.as_ref().map(|o| o.mode);
        if let Some(old) = old {
            self.fill(graph, weights, old.mode, Some((slot as u32, &old.seeds)));
        }
        if let Some(new) = new.filter(|n| Some(n.mode) != old_mode) {
            self.fill(graph, weights, new.mode, None);
        }
        Ok(self.recount(index, graph, weights))
    }

    /// Whether `weights` are those the coverage was computed with (no closure or slowdown
    /// since); if not, build it anew.
    #[must_use]
    pub fn is_current(&self, weights: &ModeWeights<'_>) -> bool {
        TravelMode::ALL.into_iter().all(|m| {
            self.fields[m.index()]
                .as_ref()
                .is_none_or(|f| f.revision == weights[m.index()].revision())
        })
    }

    /// Lowers the times of `mode` from every unit of that mode, after forgetting the nodes
    /// unit `gone.0` (which stood at departure points `gone.1`) was nearest to.
    fn fill(
        &mut self,
        graph: &Graph,
        weights: &ModeWeights<'_>,
        mode: TravelMode,
        gone: Option<(u32, &[(u32, u32)])>,
    ) {
        let w = weights[mode.index()];
        let max = self.max_ms;
        let field = self.fields[mode.index()]
            .get_or_insert_with(|| Field::new(graph.node_count(), w.revision()));
        let low = &mut self.lowering;
        if let Some((slot, seeds)) = gone {
            self.search
                .bounded(graph, w, Direction::Forward, seeds, max);
            let first = low.changed.len();
            for &(n, _) in self.search.settled() {
                let i = n as usize;
                if field.owner[i] == slot {
                    field.dist[i] = NONE;
                    field.owner[i] = NONE;
                    low.changed.push(n);
                }
            }
            // Refill from the border of the forgotten region.
            for k in first..low.changed.len() {
                let n = low.changed[k];
                let (lo, hi) = (
                    graph.bwd_first[n as usize] as usize,
                    graph.bwd_first[n as usize + 1] as usize,
                );
                for &[x, wt] in &w.bwd[lo..hi] {
                    let dx = field.dist[x as usize];
                    if wt != NONE && dx != NONE {
                        let owner = field.owner[x as usize];
                        low.offer(field, n, dx.saturating_add(wt), owner, max);
                    }
                }
            }
        }
        // Every unit of the mode offers its departure points: only those that improve on what
        // is known (inside the forgotten region, or a newly placed unit) are kept.
        for (slot, u) in self.units.iter().enumerate() {
            if let Some(u) = u.as_ref().filter(|u| u.mode == mode) {
                for &(n, d) in &u.seeds {
                    low.offer(field, n, d, slot as u32, max);
                }
            }
        }
        low.settle(field, graph, w, max);
    }

    /// Re-counts the segments at the nodes changed since the last count, and their cells.
    fn recount(
        &mut self,
        index: &CoverageIndex,
        graph: &Graph,
        weights: &ModeWeights<'_>,
    ) -> LiveUpdate {
        if self.stamp == u32::MAX {
            self.seg_stamp.fill(0);
            self.cell_stamp.fill(0);
            self.stamp = 0;
        }
        self.stamp += 1;
        let stamp = self.stamp;
        let mut segs = Vec::new();
        let changed = std::mem::take(&mut self.lowering.changed);
        for &n in &changed {
            let outs = graph.out_edges(n);
            let ins = graph.in_slots(n).map(|s| graph.in_edge(s).1);
            for e in outs.chain(ins) {
                let si = index.edge_seg[e as usize];
                if si != NONE && self.seg_stamp[si as usize] != stamp {
                    self.seg_stamp[si as usize] = stamp;
                    segs.push(si as usize);
                }
            }
        }
        let layers: Vec<(&Weights, &Field)> = TravelMode::ALL
            .into_iter()
            .filter_map(|m| Some((weights[m.index()], self.fields[m.index()].as_ref()?)))
            .collect();
        let layer_w: Vec<&Weights> = layers.iter().map(|l| l.0).collect();
        let dist = |l: usize, n: u32| layers[l].1.dist[n as usize];
        let nl = self.limits_ms.len();
        let mut ends = [UNREACHED; MODE_COUNT];
        let mut mm = vec![0u32; nl];
        let mut cells = Vec::new();
        for &si in &segs {
            let k = index.segment_ends(si, &layer_w, &dist, &mut ends);
            index.segment_covered_mm(si, &ends[..k], &self.limits_ms, &mut mm);
            let old = &mut self.seg_mm[si * nl..(si + 1) * nl];
            if *old != *mm {
                let area = index.seg_area[si];
                self.sums.add_road(area, &mm, 1);
                self.sums.add_road(area, old, -1);
                old.copy_from_slice(&mm);
            }
            let (sample_time, cell_stamp) = (&mut self.sample_time, &mut self.cell_stamp);
            index.sample_times(si, &ends[..k], |s, t| {
                if sample_time[s] != t {
                    sample_time[s] = t;
                    let c = index.sample_cell[s];
                    if cell_stamp[c as usize] != stamp {
                        cell_stamp[c as usize] = stamp;
                        cells.push(c as usize);
                    }
                }
            });
        }
        drop(layers);
        let mut cells_changed = 0;
        for &c in &cells {
            let (lo, hi) = (self.cell_first[c] as usize, self.cell_first[c + 1] as usize);
            let t = self.cell_samples[lo..hi]
                .iter()
                .map(|&s| self.sample_time[s as usize])
                .min()
                .unwrap_or(NONE);
            let old = self.cell_time[c];
            if t != old {
                let area = index.cell_area[c];
                self.sums.add_cell(area, old, &self.limits_ms, -1);
                self.sums.add_cell(area, t, &self.limits_ms, 1);
                self.cell_time[c] = t;
                cells_changed += 1;
            }
        }
        let update = LiveUpdate {
            nodes: changed.len(),
            segments: segs.len(),
            cells: cells_changed,
        };
        self.lowering.changed = changed;
        self.lowering.changed.clear();
        update
    }

    /// The coverage of the units now placed, as [`CoverageIndex::evaluate_modes`] reports it.
    #[must_use]
    pub fn report(&self, index: &CoverageIndex) -> CoverageReport {
        index.report(&self.limits_ms, &self.sums, self.cell_time.clone())
    }

    /// Time (ms) from the nearest unit of `mode` to `node`, `None` beyond the largest limit.
    #[must_use]
    pub fn time_to(&self, mode: TravelMode, node: u32) -> Option<u32> {
        let f = self.fields[mode.index()].as_ref()?;
        f.dist.get(node as usize).copied().filter(|&d| d != NONE)
    }

    /// Units placed now.
    #[must_use]
    pub fn unit_count(&self) -> usize {
        self.units.iter().flatten().count()
    }
}
