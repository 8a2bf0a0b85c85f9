//! Compact road graph: CSR adjacency in both directions, fixed-point coordinates, per-edge
//! travel time per travel mode (milliseconds) and length (metres), optional intermediate edge
//! geometry.

use crate::GraphError;
use crate::modes::{MODE_COUNT, ModeTimes, TravelMode, times_from_car};
use crate::road_class::RoadClass;

/// Sentinel for "no edge" / "no node" / "unreachable".
pub const NONE: u32 = u32::MAX;

/// Degrees to the fixed-point unit used for coordinates (1e-7 degree, as in OSM: about 1 cm).
pub(crate) const COORD_SCALE: f64 = 1e7;

/// An immutable routing graph. Node ids are dense `0..node_count()`; forward edge ids are dense
/// `0..edge_count()` and grouped by tail node (CSR). The reverse CSR lists, for each node, the
/// forward edges entering it, so backward searches need no copy of the weights' meaning.
#[derive(Debug, Clone, PartialEq)]
pub struct Graph {
    pub(crate) lat: Vec<i32>,
    pub(crate) lon: Vec<i32>,
    pub(crate) fwd_first: Vec<u32>,
    pub(crate) fwd_head: Vec<u32>,
    /// Car time per edge (`NONE` where cars may not go, e.g. a pedestrian street or the
    /// pedestrians' way back along a one-way street).
    pub(crate) fwd_time: Vec<u32>,
    /// Motorbike and foot times per edge, `[motorbike, foot]` (`NONE` = forbidden).
    pub(crate) other_time: Vec<[u32; MODE_COUNT - 1]>,
    pub(crate) fwd_len: Vec<f32>,
    /// Road class per edge.
    pub(crate) class: Vec<RoadClass>,
    pub(crate) bwd_first: Vec<u32>,
    pub(crate) bwd_tail: Vec<u32>,
    pub(crate) bwd_edge: Vec<u32>,
    /// Intermediate shape points of edge `e` are `geom[geom_first[e]..geom_first[e+1]]`
    /// (from tail to head, endpoints excluded). Empty for straight edges.
    pub(crate) geom_first: Vec<u32>,
    pub(crate) geom: Vec<[i32; 2]>,
}

/// What graph construction kept and dropped.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct BuildReport {
    pub input_nodes: usize,
    pub input_edges: usize,
    /// Strongly connected components found (including the kept one).
    pub components: usize,
    /// Components dropped because they are not the largest (one-way traps, islands).
    pub islands_dropped: usize,
    pub nodes_dropped: usize,
    pub edges_dropped: usize,
    /// Parallel edges merged (the fastest is kept) and self-loops removed.
    pub duplicate_edges: usize,
    pub nodes: usize,
    pub edges: usize,
}

/// One directed edge as handed to the builder.
#[derive(Debug, Clone, Copy)]
struct RawEdge {
    from: u32,
    to: u32,
    times: ModeTimes,
    len_m: f32,
    class: RoadClass,
    geom_start: u32,
    geom_len: u32,
}

/// Collects nodes and directed edges, then builds a [`Graph`] restricted to the largest strongly
/// connected component (so every kept node can reach and be reached from every other).
#[derive(Debug, Default)]
pub struct GraphBuilder {
    lat: Vec<i32>,
    lon: Vec<i32>,
    edges: Vec<RawEdge>,
    geom: Vec<[i32; 2]>,
}

pub(crate) fn to_fixed(deg: f64) -> i32 {
    // Coordinates are validated before they get here; the clamp keeps the cast total.
    (deg * COORD_SCALE)
        .round()
        .clamp(f64::from(i32::MIN), f64::from(i32::MAX)) as i32
}

pub(crate) fn from_fixed(v: i32) -> f64 {
    f64::from(v) / COORD_SCALE
}

/// Travel time in milliseconds for `len_m` metres at `kmh`.
#[must_use]
pub fn travel_ms(len_m: f64, kmh: f64) -> u32 {
    if kmh <= 0.0 || !len_m.is_finite() {
        return NONE - 1;
    }
    (len_m / (kmh / 3.6) * 1000.0)
        .round()
        .clamp(0.0, f64::from(NONE - 1)) as u32
}

impl GraphBuilder {
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    #[must_use]
    pub fn with_capacity(nodes: usize, edges: usize) -> Self {
        Self {
            lat: Vec::with_capacity(nodes),
            lon: Vec::with_capacity(nodes),
            edges: Vec::with_capacity(edges),
            geom: Vec::new(),
        }
    }

    /// Adds a node and returns its builder-local id.
    ///
    /// # Errors
    /// Coordinates outside WGS84 ranges.
    pub fn add_node(&mut self, lat: f64, lon: f64) -> Result<u32, GraphError> {
        crate::geo_util::check_coord(lat, lon)?;
        let id = u32::try_from(self.lat.len()).map_err(|_| GraphError::TooLarge)?;
        if id == NONE {
            return Err(GraphError::TooLarge);
        }
        self.lat.push(to_fixed(lat));
        self.lon.push(to_fixed(lon));
        Ok(id)
    }

    #[must_use]
    pub fn node_count(&self) -> usize {
        self.lat.len()
    }

    #[must_use]
    pub fn node_coord(&self, id: u32) -> Option<(f64, f64)> {
        let i = id as usize;
        Some((from_fixed(*self.lat.get(i)?), from_fixed(*self.lon.get(i)?)))
    }

    /// Adds a directed edge `from -> to` with a car travel time and a length, open to every
    /// mode: motorbikes and pedestrians get times from [`times_from_car`].
    ///
    /// # Errors
    /// Unknown node id.
    pub fn add_edge(
        &mut self,
        from: u32,
        to: u32,
        time_ms: u32,
        len_m: f64,
    ) -> Result<(), GraphError> {
        self.add_edge_with_geometry(from, to, time_ms, len_m, &[])
    }

    /// Adds a directed edge with intermediate shape points `(lat, lon)` from `from` to `to`,
    /// open to every mode (see [`GraphBuilder::add_edge`]).
    ///
    /// # Errors
    /// Unknown node id or out-of-range shape point.
    pub fn add_edge_with_geometry(
        &mut self,
        from: u32,
        to: u32,
        time_ms: u32,
        len_m: f64,
        shape: &[(f64, f64)],
    ) -> Result<(), GraphError> {
        let class = RoadClass::from_car_time(len_m, time_ms);
        self.add_edge_modes(
            from,
            to,
            times_from_car(time_ms, len_m),
            len_m,
            shape,
            class,
        )
    }

    /// Adds a directed edge of road class `class` with one travel time per mode (`NONE` =
    /// that mode may not use it) and intermediate shape points. An edge no mode may use is ignored. Pedestrians'
    /// way back along a one-way street is an edge of its own, forbidden to vehicles.
    ///
    /// # Errors
    /// Unknown node id or out-of-range shape point.
    pub fn add_edge_modes(
        &mut self,
        from: u32,
        to: u32,
        times: ModeTimes,
        len_m: f64,
        shape: &[(f64, f64)],
        class: RoadClass,
    ) -> Result<(), GraphError> {
        let n = self.lat.len();
        if from as usize >= n || to as usize >= n {
            return Err(GraphError::UnknownNode(from.max(to)));
        }
        if times.iter().all(|&t| t == NONE) {
            return Ok(());
        }
        let geom_start = u32::try_from(self.geom.len()).map_err(|_| GraphError::TooLarge)?;
        for &(la, lo) in shape {
            crate::geo_util::check_coord(la, lo)?;
            self.geom.push([to_fixed(la), to_fixed(lo)]);
        }
        self.edges.push(RawEdge {
            from,
            to,
            times,
            len_m: len_m as f32,
            class,
            geom_start,
            geom_len: shape.len() as u32,
        });
        Ok(())
    }

    /// Builds the graph on the largest strongly connected component of each travel mode: every
    /// mode can go from any node it may use to any other; a node no mode keeps is dropped.
    /// Graphs whose edges are open to every mode (`add_edge`) keep exactly the largest
    /// strongly connected component.
    ///
    /// # Errors
    /// An empty graph (no edges survive).
    pub fn build(self) -> Result<(Graph, BuildReport), GraphError> {
        let mut report = BuildReport {
            input_nodes: self.lat.len(),
            input_edges: self.edges.len(),
            ..BuildReport::default()
        };
        let n = self.lat.len();
        let mut edges = self.edges;
        let before = edges.len();
        edges.retain(|e| e.from != e.to);
        // Parallel edges: keep the fastest (then shortest) car one; every mode keeps its
        // fastest time over the merged edges.
        edges.sort_unstable_by(|a, b| {
            (a.from, a.to, a.times[0])
                .cmp(&(b.from, b.to, b.times[0]))
                .then(a.len_m.total_cmp(&b.len_m))
        });
        edges.dedup_by(|next, kept| {
            let same = next.from == kept.from && next.to == kept.to;
            if same {
                for (k, t) in kept.times.iter_mut().zip(next.times) {
                    *k = (*k).min(t);
                }
            }
            same
        });
        report.duplicate_edges = before - edges.len();

        // Each mode keeps its own largest strongly connected component, so every mode can go
        // from any node it may use to any other; a mode loses the edges outside its component
        // and nodes no mode keeps are dropped. The report's component counts are the car's.
        let mut in_mode: Vec<Vec<bool>> = Vec::with_capacity(MODE_COUNT);
        for mode in TravelMode::ALL {
            let (comp, count, best) = largest_scc(n, &edges, mode.index());
            if mode == TravelMode::Car {
                report.components = count;
            }
            in_mode.push(comp.iter().map(|&c| Some(c) == best).collect());
        }
        for e in &mut edges {
            for (m, keep) in in_mode.iter().enumerate() {
                if !(keep[e.from as usize] && keep[e.to as usize]) {
                    e.times[m] = NONE;
                }
            }
        }
        // Number kept nodes along a Hilbert curve: nodes close on the map get close ids, so a
        // search touches few cache lines and pages (neighbours in a row-major grid are a whole
        // row apart).
        let mut kept: Vec<u32> = (0..n as u32)
            .filter(|&v| in_mode.iter().any(|k| k[v as usize]))
            .collect();
        let keys = hilbert_keys(&self.lat, &self.lon, &kept);
        let mut order: Vec<usize> = (0..kept.len()).collect();
        order.sort_unstable_by_key(|&i| (keys[i], kept[i]));
        kept = order.into_iter().map(|i| kept[i]).collect();
        let mut new_id = vec![NONE; n];
        let mut lat = Vec::with_capacity(kept.len());
        let mut lon = Vec::with_capacity(kept.len());
        for &v in &kept {
            new_id[v as usize] = lat.len() as u32;
            lat.push(self.lat[v as usize]);
            lon.push(self.lon[v as usize]);
        }
        report.islands_dropped = report.components.saturating_sub(1);
        report.nodes_dropped = n - lat.len();
        let kept_before = edges.len();
        edges.retain(|e| {
            new_id[e.from as usize] != NONE
                && new_id[e.to as usize] != NONE
                && e.times.iter().any(|&t| t != NONE)
        });
        report.edges_dropped = kept_before - edges.len();
        if edges.is_empty() {
            return Err(GraphError::Empty);
        }
        for e in &mut edges {
            e.from = new_id[e.from as usize];
            e.to = new_id[e.to as usize];
        }
        edges.sort_unstable_by_key(|e| (e.from, e.to));
        let nn = lat.len();
        let m = edges.len();
        let (fwd_first, fwd_head) = csr(nn, edges.iter().map(|e| (e.from, e.to)));
        let fwd_time: Vec<u32> = edges.iter().map(|e| e.times[0]).collect();
        let other_time: Vec<[u32; MODE_COUNT - 1]> =
            edges.iter().map(|e| [e.times[1], e.times[2]]).collect();
        let fwd_len: Vec<f32> = edges.iter().map(|e| e.len_m).collect();
        let class: Vec<RoadClass> = edges.iter().map(|e| e.class).collect();
        let mut geom_first = Vec::with_capacity(m + 1);
        let mut geom = Vec::new();
        geom_first.push(0u32);
        for e in &edges {
            let s = e.geom_start as usize;
            geom.extend_from_slice(&self.geom[s..s + e.geom_len as usize]);
            geom_first.push(u32::try_from(geom.len()).map_err(|_| GraphError::TooLarge)?);
        }
        let (bwd_first, bwd_tail, bwd_edge) = reverse_csr(nn, &fwd_first, &fwd_head);
        report.nodes = nn;
        report.edges = m;
        Ok((
            Graph {
                lat,
                lon,
                fwd_first,
                fwd_head,
                fwd_time,
                other_time,
                fwd_len,
                class,
                bwd_first,
                bwd_tail,
                bwd_edge,
                geom_first,
                geom,
            },
            report,
        ))
    }
}

/// Strongly connected components of the edges `mode` may use: the component of every node,
/// the number of components, and the largest one with at least one edge (`None` if the mode
/// has no edge); ties go to the lowest component id for determinism.
fn largest_scc(n: usize, edges: &[RawEdge], mode: usize) -> (Vec<u32>, usize, Option<u32>) {
    let usable = |e: &&RawEdge| e.times[mode] != NONE;
    let (first, heads) = csr(n, edges.iter().filter(usable).map(|e| (e.from, e.to)));
    let (rfirst, rtails) = csr(n, edges.iter().filter(usable).map(|e| (e.to, e.from)));
    let (comp, count) = scc(n, &first, &heads, &rfirst, &rtails);
    let mut sizes = vec![0usize; count];
    for &c in &comp {
        sizes[c as usize] += 1;
    }
    let best = sizes
        .iter()
        .enumerate()
        .filter(|&(_, &size)| size > 1)
        .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(&a.0)))
        .map(|(i, _)| i as u32);
    (comp, count, best)
}

/// Position of each node of `nodes` on a Hilbert curve over the nodes' bounding box
/// (16 bits per axis), by the classic iterative xy-to-distance mapping.
fn hilbert_keys(lat: &[i32], lon: &[i32], nodes: &[u32]) -> Vec<u64> {
    let (mut min_y, mut max_y, mut min_x, mut max_x) = (i32::MAX, i32::MIN, i32::MAX, i32::MIN);
    for &v in nodes {
        min_y = min_y.min(lat[v as usize]);
        max_y = max_y.max(lat[v as usize]);
        min_x = min_x.min(lon[v as usize]);
        max_x = max_x.max(lon[v as usize]);
    }
    const SIDE: u64 = 1 << 16;
    let scale = |v: i32, lo: i32, hi: i32| -> u64 {
        let span = (i64::from(hi) - i64::from(lo)).max(1) as u64;
        ((i64::from(v) - i64::from(lo)) as u64 * (SIDE - 1)) / span
    };
    nodes
        .iter()
        .map(|&v| {
            let mut x = scale(lon[v as usize], min_x, max_x);
            let mut y = scale(lat[v as usize], min_y, max_y);
            let mut d = 0u64;
            let mut s = SIDE / 2;
            while s > 0 {
                let rx = u64::from(x & s > 0);
                let ry = u64::from(y & s > 0);
                d += s * s * ((3 * rx) ^ ry);
                if ry == 0 {
                    if rx == 1 {
                        x = SIDE - 1 - x;
                        y = SIDE - 1 - y;
                    }
                    std::mem::swap(&mut x, &mut y);
                }
                s /= 2;
            }
            d
        })
        .collect()
}

/// CSR from `(tail, head)` pairs sorted by tail (counting sort, so any order works).
fn csr(n: usize, pairs: impl Iterator<Item = (u32, u32)> + Clone) -> (Vec<u32>, Vec<u32>) {
    let mut first = vec![0u32; n + 1];
    for (t, _) in pairs.clone() {
        first[t as usize + 1] += 1;
    }
    for i in 0..n {
        first[i + 1] += first[i];
    }
    let mut pos = first.clone();
    let mut out = vec![0u32; first[n] as usize];
    for (t, h) in pairs {
        out[pos[t as usize] as usize] = h;
        pos[t as usize] += 1;
    }
    (first, out)
}

/// Reverse CSR of a forward CSR: per node, tails of incoming edges and their forward edge ids.
pub(crate) fn reverse_csr(n: usize, first: &[u32], head: &[u32]) -> (Vec<u32>, Vec<u32>, Vec<u32>) {
    let mut rfirst = vec![0u32; n + 1];
    for &h in head {
        rfirst[h as usize + 1] += 1;
    }
    for i in 0..n {
        rfirst[i + 1] += rfirst[i];
    }
    let mut pos = rfirst.clone();
    let mut tails = vec![0u32; head.len()];
    let mut eids = vec![0u32; head.len()];
    for u in 0..n {
        for e in first[u]..first[u + 1] {
            let h = head[e as usize] as usize;
            let p = pos[h] as usize;
            tails[p] = u as u32;
            eids[p] = e;
            pos[h] += 1;
        }
    }
    (rfirst, tails, eids)
}

/// Kosaraju's strongly connected components with explicit stacks (no recursion: graphs have
/// millions of nodes). Returns the component of every node and the number of components.
fn scc(n: usize, first: &[u32], head: &[u32], rfirst: &[u32], rtail: &[u32]) -> (Vec<u32>, usize) {
    let mut visited = vec![false; n];
    let mut order = Vec::with_capacity(n);
    let mut stack: Vec<(u32, u32)> = Vec::new();
    for s in 0..n {
        if visited[s] {
            continue;
        }
        visited[s] = true;
        stack.push((s as u32, first[s]));
        while let Some(top) = stack.last_mut() {
            let v = top.0 as usize;
            if top.1 < first[v + 1] {
                let w = head[top.1 as usize] as usize;
                top.1 += 1;
                if !visited[w] {
                    visited[w] = true;
                    stack.push((w as u32, first[w]));
                }
            } else {
                order.push(v as u32);
                stack.pop();
            }
        }
    }
    let mut comp = vec![NONE; n];
    let mut count = 0u32;
    let mut work: Vec<u32> = Vec::new();
    for &s in order.iter().rev() {
        if comp[s as usize] != NONE {
            continue;
        }
        comp[s as usize] = count;
        work.push(s);
        while let Some(v) = work.pop() {
            let v = v as usize;
            for i in rfirst[v]..rfirst[v + 1] {
                let w = rtail[i as usize] as usize;
                if comp[w] == NONE {
                    comp[w] = count;
                    work.push(w as u32);
                }
            }
        }
        count += 1;
    }
    (comp, count as usize)
}

impl Graph {
    #[must_use]
    pub fn node_count(&self) -> usize {
        self.lat.len()
    }

    /// Number of directed edges.
    #[must_use]
    pub fn edge_count(&self) -> usize {
        self.fwd_head.len()
    }

    /// `(lat, lon)` in degrees.
    #[must_use]
    pub fn coord(&self, node: u32) -> (f64, f64) {
        let i = node as usize;
        (from_fixed(self.lat[i]), from_fixed(self.lon[i]))
    }

    /// Forward edge ids leaving `node`.
    #[must_use]
    pub fn out_edges(&self, node: u32) -> std::ops::Range<u32> {
        let i = node as usize;
        self.fwd_first[i]..self.fwd_first[i + 1]
    }

    /// Forward edge ids entering `node`, as positions in the reverse CSR
    /// (use [`Graph::in_edge`] to resolve them).
    #[must_use]
    pub fn in_slots(&self, node: u32) -> std::ops::Range<u32> {
        let i = node as usize;
        self.bwd_first[i]..self.bwd_first[i + 1]
    }

    /// `(tail, forward edge id)` of reverse slot `slot`.
    #[must_use]
    pub fn in_edge(&self, slot: u32) -> (u32, u32) {
        (self.bwd_tail[slot as usize], self.bwd_edge[slot as usize])
    }

    #[must_use]
    pub fn head(&self, edge: u32) -> u32 {
        self.fwd_head[edge as usize]
    }

    /// Tail node of a forward edge (binary search in the CSR offsets).
    #[must_use]
    pub fn tail(&self, edge: u32) -> u32 {
        (self.fwd_first.partition_point(|&f| f <= edge) - 1) as u32
    }

    /// Base (free-flow) car travel time of an edge in milliseconds (`NONE` if cars may not
    /// use it).
    #[must_use]
    pub fn base_time_ms(&self, edge: u32) -> u32 {
        self.fwd_time[edge as usize]
    }

    /// Base (free-flow) travel time of an edge for `mode` in milliseconds, `NONE` if the mode
    /// may not use it.
    #[must_use]
    pub fn mode_time_ms(&self, mode: TravelMode, edge: u32) -> u32 {
        let e = edge as usize;
        match mode {
            TravelMode::Car => self.fwd_time[e],
            TravelMode::Motorbike => self.other_time[e][0],
            TravelMode::Foot => self.other_time[e][1],
        }
    }

    /// Whether `mode` may use the edge at all.
    #[must_use]
    pub fn allows(&self, mode: TravelMode, edge: u32) -> bool {
        self.mode_time_ms(mode, edge) != NONE
    }

    /// The road class of an edge.
    #[must_use]
    pub fn class(&self, edge: u32) -> RoadClass {
        self.class[edge as usize]
    }

    #[must_use]
    pub fn length_m(&self, edge: u32) -> f64 {
        f64::from(self.fwd_len[edge as usize])
    }

    /// The edge `from -> to`, if any.
    #[must_use]
    pub fn find_edge(&self, from: u32, to: u32) -> Option<u32> {
        self.out_edges(from)
            .find(|&e| self.fwd_head[e as usize] == to)
    }

    /// Whether the edge has intermediate shape points.
    #[must_use]
    pub fn has_shape(&self, edge: u32) -> bool {
        let e = edge as usize;
        self.geom_first[e] != self.geom_first[e + 1]
    }

    /// Edge shape as `(lat, lon)` from tail to head, endpoints included.
    #[must_use]
    pub fn edge_geometry(&self, edge: u32) -> Vec<(f64, f64)> {
        let e = edge as usize;
        let mut pts =
            Vec::with_capacity(2 + (self.geom_first[e + 1] - self.geom_first[e]) as usize);
        pts.push(self.coord(self.tail(edge)));
        for p in &self.geom[self.geom_first[e] as usize..self.geom_first[e + 1] as usize] {
            pts.push((from_fixed(p[0]), from_fixed(p[1])));
        }
        pts.push(self.coord(self.head(edge)));
        pts
    }

    /// Heap bytes used by the graph arrays.
    #[must_use]
    pub fn memory_bytes(&self) -> usize {
        4 * (self.lat.len()
            + self.lon.len()
            + self.fwd_first.len()
            + self.fwd_head.len()
            + self.fwd_time.len()
            + self.fwd_len.len()
            + self.bwd_first.len()
            + self.bwd_tail.len()
            + self.bwd_edge.len()
            + self.geom_first.len())
            + 8 * (self.geom.len() + self.other_time.len())
            + self.class.len()
    }

    /// Bounding box `(min_lat, min_lon, max_lat, max_lon)`.
    #[must_use]
    pub fn bbox(&self) -> (f64, f64, f64, f64) {
        let min = |v: &[i32]| v.iter().copied().min().map_or(0.0, from_fixed);
        let max = |v: &[i32]| v.iter().copied().max().map_or(0.0, from_fixed);
        (
            min(&self.lat),
            min(&self.lon),
            max(&self.lat),
            max(&self.lon),
        )
    }

    /// Checks internal consistency (used after loading a cache file, so that later indexing
    /// cannot go out of bounds).
    pub(crate) fn validate(&self) -> Result<(), GraphError> {
        let n = self.lat.len();
        let m = self.fwd_head.len();
        let bad = |what: &str| Err(GraphError::Corrupt(what.to_string()));
        if self.lon.len() != n || self.fwd_first.len() != n + 1 || self.bwd_first.len() != n + 1 {
            return bad("node array lengths");
        }
        if self.fwd_time.len() != m
            || self.other_time.len() != m
            || self.fwd_len.len() != m
            || self.class.len() != m
            || self.bwd_tail.len() != m
            || self.bwd_edge.len() != m
            || self.geom_first.len() != m + 1
        {
            return bad("edge array lengths");
        }
        let monotone = |f: &[u32], end: usize| {
            f.first() == Some(&0)
                && f.last().map(|&x| x as usize) == Some(end)
                && f.windows(2).all(|w| w[0] <= w[1])
        };
        if !monotone(&self.fwd_first, m)
            || !monotone(&self.bwd_first, m)
            || !monotone(&self.geom_first, self.geom.len())
        {
            return bad("offset arrays");
        }
        if self
            .fwd_head
            .iter()
            .chain(&self.bwd_tail)
            .any(|&v| v as usize >= n)
        {
            return bad("node reference");
        }
        if self.bwd_edge.iter().any(|&e| e as usize >= m) {
            return bad("edge reference");
        }
        for v in 0..n as u32 {
            for s in self.in_slots(v) {
                let (t, e) = self.in_edge(s);
                let ok = self.fwd_head[e as usize] == v && self.out_edges(t).contains(&e);
                if !ok {
                    return bad("reverse adjacency");
                }
            }
        }
        Ok(())
    }
}
