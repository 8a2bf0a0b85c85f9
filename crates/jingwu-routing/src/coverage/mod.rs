//! 1/3/5-minute coverage of the road network by a set of units, per area, and move-up
//! suggestions by greedy maximal covering.
//!
//! Coverage is measured two ways: the share of road length reachable within the limit (exact
//! per segment: the reached parts from both ends of a segment are intervals from opposite
//! ends, so their union is `min(1, fa + fb)` of its length), and the share of H3 cells that
//! contain road, a cell counting as covered when any of its road sample points is reached.
//!
//! Move-up follows the maximal covering location problem (Church & ReVelle, "The maximal
//! covering location problem", Papers of the Regional Science Association 32, 1974): choose
//! sites for `k` idle units maximising the cells covered within the limit. Coverage is a
//! monotone submodular set function, so the greedy choice achieves at least (1 - 1/e) of the
//! optimum (Nemhauser, Wolsey & Fisher 1978).

use std::collections::HashMap;

use h3o::{CellIndex, Resolution};

use crate::GraphError;
use crate::graph::{Graph, NONE};
use crate::isochrone::{IsochroneBand, cell_of, isochrones_with, sample_edge};
use crate::modes::MODE_COUNT;
use crate::query::{Router, Workspace};
use crate::search::Direction;
use crate::snap::{Position, Segment};
use crate::weights::Weights;

mod live;
pub use live::{LiveCoverage, LiveUpdate, ModeWeights, StaleWeights};

/// Default H3 resolution for coverage cells: res 9 (mean hexagon edge about 174 m, area about
/// 0.1 km2), roughly a city block, the unit a duty officer reasons about.
pub const COVERAGE_RESOLUTION: Resolution = Resolution::Nine;

/// Precomputed road samples and cells of a graph, reused for every coverage evaluation.
#[derive(Debug, Clone)]
pub struct CoverageIndex {
    pub resolution: Resolution,
    segments: Vec<Segment>,
    seg_len: Vec<f32>,
    edge_seg: Vec<u32>,
    sample_first: Vec<u32>,
    sample_frac: Vec<f32>,
    sample_cell: Vec<u32>,
    cells: Vec<CellIndex>,
    cell_area: Vec<u32>,
    seg_area: Vec<u32>,
    area_names: Vec<String>,
}

/// Coverage figures for one limit.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct LimitCoverage {
    pub limit_ms: u32,
    pub road_m_total: f64,
    pub road_m_covered: f64,
    pub cells_total: usize,
    pub cells_covered: usize,
}

impl LimitCoverage {
    #[must_use]
    pub fn road_share(&self) -> f64 {
        if self.road_m_total > 0.0 {
            self.road_m_covered / self.road_m_total
        } else {
            0.0
        }
    }
    #[must_use]
    pub fn cell_share(&self) -> f64 {
        if self.cells_total > 0 {
            self.cells_covered as f64 / self.cells_total as f64
        } else {
            0.0
        }
    }
}

/// Coverage for one area.
#[derive(Debug, Clone, PartialEq)]
pub struct AreaCoverage {
    pub area: String,
    pub limits: Vec<LimitCoverage>,
}

/// Result of [`CoverageIndex::evaluate`].
#[derive(Debug, Clone, PartialEq)]
pub struct CoverageReport {
    pub overall: Vec<LimitCoverage>,
    pub areas: Vec<AreaCoverage>,
    /// Best arrival time (ms) per cell (`NONE` = beyond every limit), in index cell order.
    pub cell_time: Vec<u32>,
}

/// Input of [`CoverageIndex::suggest_moves`].
#[derive(Debug, Clone, Copy)]
pub struct MoveUpRequest<'a> {
    pub units: &'a [Position],
    /// Units allowed to move; `None` = the `k` with the smallest unique coverage.
    pub idle: Option<&'a [bool]>,
    pub candidates: &'a [Position],
    pub k: usize,
    pub limit_ms: u32,
}

/// Move-up suggestion.
#[derive(Debug, Clone, PartialEq)]
pub struct MoveUp {
    pub limit_ms: u32,
    /// Units (indices) to move, in the order of `sites`.
    pub units: Vec<usize>,
    /// Chosen candidate sites (indices into the candidate list).
    pub sites: Vec<usize>,
    /// Cells newly covered by each chosen site, in choice order.
    pub gains: Vec<usize>,
    pub cells_total: usize,
    /// Cells covered by all units where they are now.
    pub cells_before: usize,
    /// Cells covered after the move.
    pub cells_after: usize,
}

impl CoverageIndex {
    /// Samples every road segment at the midpoints of pieces at most one cell edge long (so
    /// every road point is within half a cell edge of a sample) and assigns cells.
    #[must_use]
    pub fn new(graph: &Graph, segments: &[Segment], res: Resolution) -> Self {
        let step = res.edge_length_m();
        let mut edge_seg = vec![NONE; graph.edge_count()];
        let mut cell_id: HashMap<CellIndex, u32> = HashMap::new();
        let mut cells = Vec::new();
        let mut sample_first = Vec::with_capacity(segments.len() + 1);
        let mut sample_frac = Vec::new();
        let mut sample_cell = Vec::new();
        let mut seg_len = Vec::with_capacity(segments.len());
        let mut buf = Vec::new();
        sample_first.push(0);
        for (i, s) in segments.iter().enumerate() {
            let e = if s.ab != NONE { s.ab } else { s.ba };
            if s.ab != NONE {
                edge_seg[s.ab as usize] = i as u32;
            }
            if s.ba != NONE {
                edge_seg[s.ba as usize] = i as u32;
            }
            seg_len.push(graph.length_m(e) as f32);
            buf.clear();
            sample_edge(graph, e, 1.0, step, false, &mut buf);
            for &(f, (lat, lon)) in &buf {
                let Some(c) = cell_of(lat, lon, res) else {
                    continue;
                };
                let id = *cell_id.entry(c).or_insert_with(|| {
                    cells.push(c);
                    (cells.len() - 1) as u32
                });
                // Fractions are stored from `a` whichever edge was sampled.
                sample_frac.push(if e == s.ab {
                    f as f32
                } else {
                    (1.0 - f) as f32
                });
                sample_cell.push(id);
            }
            sample_first.push(sample_frac.len() as u32);
        }
        let ncells = cells.len();
        Self {
            resolution: res,
            segments: segments.to_vec(),
            seg_len,
            edge_seg,
            sample_first,
            sample_frac,
            sample_cell,
            cells,
            cell_area: vec![0; ncells],
            seg_area: vec![0; segments.len()],
            area_names: Vec::new(),
        }
    }

    #[must_use]
    pub fn cells(&self) -> &[CellIndex] {
        &self.cells
    }

    /// Area id per cell (`NONE` = no area), in [`Self::cells`] order.
    #[must_use]
    pub fn cell_areas(&self) -> &[u32] {
        &self.cell_area
    }

    #[must_use]
    pub fn sample_count(&self) -> usize {
        self.sample_frac.len()
    }

    /// Assigns areas from an area id per node (`NONE` or out of range = no area). A segment
    /// belongs to the area of its first node; a cell to the area of its first sample.
    pub fn set_node_areas(&mut self, area_of_node: &[u32], names: Vec<String>) {
        let na = names.len() as u32;
        let of = |n: u32| {
            area_of_node
                .get(n as usize)
                .copied()
                .filter(|&a| a < na)
                .unwrap_or(NONE)
        };
        self.seg_area = self.segments.iter().map(|s| of(s.a)).collect();
        self.cell_area = vec![NONE; self.cells.len()];
        for (si, w) in self.sample_first.windows(2).enumerate() {
            for k in w[0]..w[1] {
                let c = self.sample_cell[k as usize] as usize;
                if self.cell_area[c] == NONE {
                    self.cell_area[c] = self.seg_area[si];
                }
            }
        }
        self.area_names = names;
    }

    /// Area id per node from named polygons (first containing polygon wins).
    #[must_use]
    pub fn areas_from_polygons(
        graph: &Graph,
        areas: &[(String, geo::MultiPolygon<f64>)],
    ) -> Vec<u32> {
        use geo::{BoundingRect, Contains};
        let boxes: Vec<_> = areas.iter().map(|(_, p)| p.bounding_rect()).collect();
        (0..graph.node_count() as u32)
            .map(|n| {
                let (lat, lon) = graph.coord(n);
                let pt = geo::Point::new(lon, lat);
                areas
                    .iter()
                    .zip(&boxes)
                    .position(|((_, poly), bb)| {
                        bb.is_some_and(|r| r.contains(&pt)) && poly.contains(&pt)
                    })
                    .map_or(NONE, |i| i as u32)
            })
            .collect()
    }

    /// Coverage of `units` for each limit (ms): one multi-source search to the largest limit.
    pub fn evaluate(
        &self,
        router: &Router<'_>,
        ws: &mut Workspace,
        units: &[Position],
        limits_ms: &[u32],
    ) -> CoverageReport {
        let max = limits_ms.iter().copied().max().unwrap_or(0);
        router.multi_source(ws, units, max);
        // Read distances straight from the search records (no O(n) dense copy).
        let search = &ws.search;
        self.tally(
            &[router.weights],
            |_, n| search.dist(n).unwrap_or(NONE),
            limits_ms,
        )
    }

    /// Coverage of units travelling in different modes: `layers` pairs each mode's router
    /// with the units of that mode; a place counts as covered when a unit of any mode reaches
    /// it within the limit. One multi-source search per non-empty layer.
    pub fn evaluate_modes(
        &self,
        layers: &[(Router<'_>, &[Position])],
        ws: &mut Workspace,
        limits_ms: &[u32],
    ) -> CoverageReport {
        let mut present = layers.iter().filter(|(_, u)| !u.is_empty());
        if let (Some((router, units)), None) = (present.next(), present.next()) {
            // One mode: read distances from the search records, as `evaluate` does.
            return self.evaluate(router, ws, units, limits_ms);
        }
        let max = limits_ms.iter().copied().max().unwrap_or(0);
        let mut weights = Vec::with_capacity(MODE_COUNT);
        let mut dense: Vec<Vec<u32>> = Vec::with_capacity(MODE_COUNT);
        for (router, units) in layers.iter().filter(|(_, u)| !u.is_empty()) {
            router.multi_source(ws, units, max);
            dense.push(ws.dense_distances().to_vec());
            weights.push(router.weights);
        }
        self.tally(&weights, |m, n| dense[m][n as usize], limits_ms)
    }

    /// Coverage from per-layer distances `dist(layer, node)` (ms, `NONE` = not reached) over
    /// each layer's weights: a segment part is covered when any layer covers it.
    fn tally<D: Fn(usize, u32) -> u32>(
        &self,
        layers: &[&Weights],
        dist: D,
        limits_ms: &[u32],
    ) -> CoverageReport {
        let nl = limits_ms.len();
        let mut sums = Sums::new(self, nl);
        let mut cell_time = vec![NONE; self.cells.len()];
        let mut ends = [UNREACHED; MODE_COUNT];
        let mut covered = vec![0u32; nl];
        for si in 0..self.segments.len() {
            let k = self.segment_ends(si, layers, &dist, &mut ends);
            if k == 0 {
                continue;
            }
            self.segment_covered_mm(si, &ends[..k], limits_ms, &mut covered);
            sums.add_road(self.seg_area[si], &covered, 1);
            self.sample_times(si, &ends[..k], |sample, t| {
                let c = self.sample_cell[sample] as usize;
                cell_time[c] = cell_time[c].min(t);
            });
        }
        for (c, &t) in cell_time.iter().enumerate() {
            sums.add_cell(self.cell_area[c], t, limits_ms, 1);
        }
        self.report(limits_ms, &sums, cell_time)
    }

    /// Per layer, the distance to each end of segment `si` and the time of the edge leaving
    /// that end (`None` when that end is not reached or the edge is closed to the layer), into
    /// `out`; the number of layers written, 0 when no layer enters the segment.
    fn segment_ends<D: Fn(usize, u32) -> u32>(
        &self,
        si: usize,
        layers: &[&Weights],
        dist: &D,
        out: &mut [Ends; MODE_COUNT],
    ) -> usize {
        let s = &self.segments[si];
        let mut any = false;
        let k = layers.len().min(MODE_COUNT);
        for (m, w) in layers.iter().enumerate().take(k) {
            let da = dist(m, s.a);
            let db = dist(m, s.b);
            let open = |e: u32, d: u32| {
                if e != NONE && d != NONE {
                    w.time_ms(e)
                } else {
                    None
                }
            };
            let (wab, wba) = (open(s.ab, da), open(s.ba, db));
            any |= wab.is_some() || wba.is_some();
            out[m] = (da, wab, db, wba);
        }
        if any { k } else { 0 }
    }

    /// Covered length of segment `si` within each limit, in whole millimetres, into `out`
    /// (whole millimetres so that sums kept up to date by [`crate::LiveCoverage`] add up to
    /// exactly what a full evaluation gives).
    fn segment_covered_mm(&self, si: usize, ends: &[Ends], limits_ms: &[u32], out: &mut [u32]) {
        let len = f64::from(self.seg_len[si]);
        // Reached fraction from one end: (limit - d) / w, via a reciprocal (no division per
        // limit).
        let inv = |wt: Option<u32>| {
            wt.map(|t| {
                if t == 0 {
                    f64::INFINITY
                } else {
                    1.0 / f64::from(t)
                }
            })
        };
        let mut invs = [(None, None); MODE_COUNT];
        for (i, &(_, wab, _, wba)) in invs.iter_mut().zip(ends) {
            *i = (inv(wab), inv(wba));
        }
        for (o, &l) in out.iter_mut().zip(limits_ms) {
            let part = |d: u32, i: Option<f64>| match i {
                Some(i) if d <= l => (f64::from(l - d) * i).min(1.0),
                _ => 0.0,
            };
            // Covered from end a is a prefix, from end b a suffix: their union over the
            // layers is the longest prefix plus the longest suffix.
            let (mut fa, mut fb) = (0.0f64, 0.0f64);
            for (&(da, _, db, _), &(iab, iba)) in ends.iter().zip(&invs) {
                fa = fa.max(part(da, iab));
                fb = fb.max(part(db, iba));
            }
            *o = to_mm(len * (fa + fb).min(1.0));
        }
    }

    /// Arrival time (ms, `NONE` = never) at each road sample of segment `si`:
    /// `each(sample, ms)` in sample order.
    fn sample_times(&self, si: usize, ends: &[Ends], mut each: impl FnMut(usize, u32)) {
        let (lo, hi) = (
            self.sample_first[si] as usize,
            self.sample_first[si + 1] as usize,
        );
        for (k, &f) in self.sample_frac[lo..hi].iter().enumerate() {
            let mut t = NONE;
            for &(da, wab, db, wba) in ends {
                if let Some(wt) = wab {
                    t = t.min(da.saturating_add(along(f, wt)));
                }
                if let Some(wt) = wba {
                    t = t.min(db.saturating_add(along(1.0 - f, wt)));
                }
            }
            each(lo + k, t);
        }
    }

    /// The report of `sums` and per-cell arrival times.
    fn report(&self, limits_ms: &[u32], sums: &Sums, cell_time: Vec<u32>) -> CoverageReport {
        let figures = |row: usize| -> Vec<LimitCoverage> {
            limits_ms
                .iter()
                .enumerate()
                .map(|(li, &limit_ms)| LimitCoverage {
                    limit_ms,
                    road_m_total: from_mm(sums.road_total_mm[row]),
                    road_m_covered: from_mm(sums.road_mm[row * sums.nl + li]),
                    cells_total: sums.cells_total[row],
                    cells_covered: sums.cells[row * sums.nl + li],
                })
                .collect()
        };
        let na = self.area_names.len();
        CoverageReport {
            overall: figures(na),
            areas: self
                .area_names
                .iter()
                .enumerate()
                .map(|(a, name)| AreaCoverage {
                    area: name.clone(),
                    limits: figures(a),
                })
                .collect(),
            cell_time,
        }
    }

    /// Cells not reached within `limit_ms` in `report`.
    #[must_use]
    pub fn uncovered_cells(&self, report: &CoverageReport, limit_ms: u32) -> Vec<CellIndex> {
        self.cells
            .iter()
            .zip(&report.cell_time)
            .filter(|&(_, &t)| t > limit_ms)
            .map(|(&c, _)| c)
            .collect()
    }

    /// Isochrones like [`crate::isochrones`] but from the precomputed road samples and cells of
    /// this index (no H3 work per query): build the index once at the isochrone resolution and
    /// reuse it.
    ///
    /// # Errors
    /// Polygon dissolution failure.
    pub fn isochrones(
        &self,
        router: &Router<'_>,
        ws: &mut Workspace,
        from: &Position,
        limits_ms: &[u32],
        with_network: bool,
    ) -> Result<Vec<IsochroneBand>, GraphError> {
        let cells = |e: u32, d: u32, w: u32, frac_max: f64, out: &mut Vec<(CellIndex, u32)>| {
            let si = self.edge_seg[e as usize] as usize;
            let Some(s) = self.segments.get(si) else {
                return;
            };
            let from_a = s.ab == e;
            let (lo, hi) = (
                self.sample_first[si] as usize,
                self.sample_first[si + 1] as usize,
            );
            for (&f, &c) in self.sample_frac[lo..hi]
                .iter()
                .zip(&self.sample_cell[lo..hi])
            {
                let part = if from_a { f } else { 1.0 - f };
                if f64::from(part) <= frac_max {
                    out.push((self.cells[c as usize], d.saturating_add(along(part, w))));
                }
            }
        };
        isochrones_with(
            router,
            ws,
            from,
            limits_ms,
            self.resolution,
            with_network,
            cells,
        )
    }

    /// Cells (dense ids, sorted) covered within `limit_ms` from `pos` alone.
    pub fn cover_set(
        &self,
        router: &Router<'_>,
        ws: &mut Workspace,
        pos: &Position,
        limit_ms: u32,
    ) -> Vec<u32> {
        let src = pos.departures(router.weights);
        ws.search.bounded(
            router.graph,
            router.weights,
            Direction::Forward,
            &src,
            limit_ms,
        );
        let mut out = Vec::new();
        for &(u, d) in ws.search.settled() {
            for e in router.graph.out_edges(u) {
                let Some(wt) = router.weights.time_ms(e) else {
                    continue;
                };
                let si = self.edge_seg[e as usize] as usize;
                let Some(s) = self.segments.get(si) else {
                    continue;
                };
                let from_a = s.ab == e;
                for k in self.sample_first[si]..self.sample_first[si + 1] {
                    let f = self.sample_frac[k as usize];
                    let part = if from_a { f } else { 1.0 - f };
                    if d.saturating_add(along(part, wt)) <= limit_ms {
                        out.push(self.sample_cell[k as usize]);
                    }
                }
            }
        }
        out.sort_unstable();
        out.dedup();
        out
    }

    /// Greedy maximal-covering move-up: moves `k` units (the `idle` ones if given, else the `k`
    /// whose unique coverage is smallest) to candidate sites maximising cells covered within
    /// `limit_ms` together with the units that stay.
    pub fn suggest_moves(
        &self,
        router: &Router<'_>,
        ws: &mut Workspace,
        req: &MoveUpRequest<'_>,
    ) -> MoveUp {
        let MoveUpRequest {
            units,
            idle,
            candidates,
            k,
            limit_ms,
        } = *req;
        let ncells = self.cells.len();
        let unit_sets: Vec<Vec<u32>> = units
            .iter()
            .map(|u| self.cover_set(router, ws, u, limit_ms))
            .collect();
        let mut count = vec![0u32; ncells];
        for s in &unit_sets {
            for &c in s {
                count[c as usize] += 1;
            }
        }
        let cells_before = count.iter().filter(|&&c| c > 0).count();
        let movable: Vec<usize> = match idle {
            Some(flags) => (0..units.len())
                .filter(|&i| flags.get(i) == Some(&true))
                .take(k)
                .collect(),
            None => {
                let mut by_unique: Vec<(usize, usize)> = unit_sets
                    .iter()
                    .enumerate()
                    .map(|(i, s)| (s.iter().filter(|&&c| count[c as usize] == 1).count(), i))
                    .collect();
                by_unique.sort_unstable();
                by_unique.into_iter().take(k).map(|(_, i)| i).collect()
            }
        };
        let mut covered = vec![false; ncells];
        for (i, s) in unit_sets.iter().enumerate() {
            if !movable.contains(&i) {
                for &c in s {
                    covered[c as usize] = true;
                }
            }
        }
        let cand_sets: Vec<Vec<u32>> = candidates
            .iter()
            .map(|p| self.cover_set(router, ws, p, limit_ms))
            .collect();
        let mut sites = Vec::new();
        let mut gains = Vec::new();
        let mut used = vec![false; candidates.len()];
        for _ in 0..movable.len() {
            let best = cand_sets
                .iter()
                .enumerate()
                .filter(|&(i, _)| !used[i])
                .map(|(i, s)| (s.iter().filter(|&&c| !covered[c as usize]).count(), i))
                .max_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
            let Some((gain, i)) = best else { break };
            used[i] = true;
            for &c in &cand_sets[i] {
                covered[c as usize] = true;
            }
            sites.push(i);
            gains.push(gain);
        }
        let units_moved = movable.into_iter().take(sites.len()).collect();
        MoveUp {
            limit_ms,
            units: units_moved,
            sites,
            gains,
            cells_total: ncells,
            cells_before,
            cells_after: covered.iter().filter(|&&c| c).count(),
        }
    }
}

/// Per layer, for one segment: distance to end a, time of the edge leaving a, the same for
/// end b (see [`CoverageIndex::segment_ends`]).
type Ends = (u32, Option<u32>, u32, Option<u32>);

/// A segment no layer reaches.
const UNREACHED: Ends = (NONE, None, NONE, None);

fn to_mm(m: f64) -> u32 {
    (m * 1000.0).round() as u32
}

fn from_mm(mm: u64) -> f64 {
    mm as f64 / 1000.0
}

/// Road millimetres and cells, total and covered per limit, for each area and (last row) the
/// whole network. Whole numbers, so adding and removing pieces never drifts.
#[derive(Debug, Clone)]
struct Sums {
    nl: usize,
    na: usize,
    road_total_mm: Vec<u64>,
    road_mm: Vec<u64>,
    cells_total: Vec<usize>,
    cells: Vec<usize>,
}

impl Sums {
    /// Zero covered, with the road length and cell count of every area.
    fn new(index: &CoverageIndex, nl: usize) -> Self {
        let na = index.area_names.len();
        let mut s = Sums {
            nl,
            na,
            road_total_mm: vec![0; na + 1],
            road_mm: vec![0; (na + 1) * nl],
            cells_total: vec![0; na + 1],
            cells: vec![0; (na + 1) * nl],
        };
        for (si, &len) in index.seg_len.iter().enumerate() {
            let mm = u64::from(to_mm(f64::from(len)));
            for row in s.rows(index.seg_area[si]) {
                s.road_total_mm[row] += mm;
            }
        }
        for &a in &index.cell_area {
            for row in s.rows(a) {
                s.cells_total[row] += 1;
            }
        }
        s
    }

    /// The rows an area's figures go to: its own (if any) and the whole network's.
    fn rows(&self, area: u32) -> impl Iterator<Item = usize> + use<> {
        let own = ((area as usize) < self.na).then_some(area as usize);
        own.into_iter().chain(std::iter::once(self.na))
    }

    /// Counts (`sign` 1) or uncounts (`sign` -1) a segment's covered millimetres per limit.
    fn add_road(&mut self, area: u32, mm: &[u32], sign: i64) {
        for row in self.rows(area) {
            for (acc, &v) in self.road_mm[row * self.nl..(row + 1) * self.nl]
                .iter_mut()
                .zip(mm)
            {
                *acc = acc.wrapping_add_signed(sign * i64::from(v));
            }
        }
    }

    /// Counts (`sign` 1) or uncounts (`sign` -1) a cell reached at `t` ms.
    fn add_cell(&mut self, area: u32, t: u32, limits_ms: &[u32], sign: isize) {
        for row in self.rows(area) {
            for (acc, &l) in self.cells[row * self.nl..(row + 1) * self.nl]
                .iter_mut()
                .zip(limits_ms)
            {
                if t <= l {
                    *acc = acc.wrapping_add_signed(sign);
                }
            }
        }
    }
}

/// Time (ms) to cover fraction `f` of an edge taking `w` ms, rounded; shared by coverage
/// evaluation and cover sets so both count the same cells.
#[inline]
fn along(f: f32, w: u32) -> u32 {
    (f64::from(f) * f64::from(w) + 0.5) as u32
}

/// Candidate sites: one graph node per H3 cell at `res` (the lowest node id in the cell).
#[must_use]
pub fn grid_candidates(graph: &Graph, res: Resolution) -> Vec<Position> {
    let mut seen: HashMap<CellIndex, ()> = HashMap::new();
    let mut out = Vec::new();
    for n in 0..graph.node_count() as u32 {
        let (lat, lon) = graph.coord(n);
        if let Some(c) = cell_of(lat, lon, res)
            && seen.insert(c, ()).is_none()
            && let Some(p) = Position::at_node(graph, n)
        {
            out.push(p);
        }
    }
    out
}
