//! Snapping coordinates onto the nearest drivable road segment (R*-tree over segments in a
//! local metric projection), and the partial travel times for entering or leaving a segment
//! part-way.

use rstar::primitives::{GeomWithData, Line};
use rstar::{PointDistance, RTree};

use crate::GraphError;
use crate::geo_util::{LocalProjection, check_coord, haversine_m, lerp};
use crate::graph::{Graph, NONE};
use crate::road_class::RoadClass;
use crate::weights::Weights;

/// A road segment between two nodes with the directed edges along it (either may be `NONE`
/// for one-way roads). Shaped edges are split into their straight pieces for snapping.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Segment {
    pub a: u32,
    pub b: u32,
    /// Edge a -> b.
    pub ab: u32,
    /// Edge b -> a.
    pub ba: u32,
}

impl Segment {
    /// An edge of the segment: a -> b where it exists, else b -> a.
    #[must_use]
    pub fn edge(&self) -> u32 {
        if self.ab == NONE { self.ba } else { self.ab }
    }

    /// The road class of the segment: the more important of its two directions'.
    #[must_use]
    pub fn class(&self, graph: &Graph) -> RoadClass {
        [self.ab, self.ba]
            .into_iter()
            .filter(|&e| e != NONE)
            .map(|e| graph.class(e))
            .min()
            .unwrap_or(RoadClass::Path)
    }
}

type Piece = GeomWithData<Line<[f64; 2]>, (u32, f32, f32)>;

/// Spatial index over all road segments of a graph.
#[derive(Debug, Clone)]
pub struct SnapIndex {
    proj: LocalProjection,
    tree: RTree<Piece>,
    segments: Vec<Segment>,
    /// Default maximum snapping distance (metres).
    pub max_distance_m: f64,
}

/// A point on the road network: a segment and the fraction `t` from `a` to `b`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Position {
    pub segment: Segment,
    pub t: f64,
    /// Distance from the query coordinate to the road (metres).
    pub offset_m: f64,
    /// The snapped point `(lat, lon)`.
    pub point: (f64, f64),
}

fn part(time: u32, frac: f64) -> u32 {
    (f64::from(time) * frac.clamp(0.0, 1.0)).round() as u32
}

impl Position {
    /// A position exactly at a node, on its first outgoing segment.
    #[must_use]
    pub fn at_node(graph: &Graph, node: u32) -> Option<Self> {
        let e = graph.out_edges(node).next()?;
        let b = graph.head(e);
        Some(Self {
            segment: Segment {
                a: node,
                b,
                ab: e,
                ba: graph.find_edge(b, node).unwrap_or(NONE),
            },
            t: 0.0,
            offset_m: 0.0,
            point: graph.coord(node),
        })
    }

    /// Where a vehicle at this position can go first: `(node, ms)` for each open direction.
    #[must_use]
    pub fn departures(&self, w: &Weights) -> Vec<(u32, u32)> {
        let s = self.segment;
        let mut out = Vec::with_capacity(2);
        if s.ab != NONE
            && let Some(t) = w.time_ms(s.ab)
        {
            out.push((s.b, part(t, 1.0 - self.t)));
        }
        if s.ba != NONE
            && let Some(t) = w.time_ms(s.ba)
        {
            out.push((s.a, part(t, self.t)));
        }
        self.at_end(&mut out);
        out
    }

    /// Exactly at an end node, every edge of that node is open to the vehicle, whatever the
    /// segment's own direction.
    fn at_end(&self, out: &mut Vec<(u32, u32)>) {
        let s = self.segment;
        for (node, here) in [(s.a, self.t <= 0.0), (s.b, self.t >= 1.0)] {
            if here {
                out.retain(|&(n, _)| n != node);
                out.push((node, 0));
            }
        }
    }

    /// From which nodes a vehicle can arrive here: `(node, ms from node to here)`.
    #[must_use]
    pub fn arrivals(&self, w: &Weights) -> Vec<(u32, u32)> {
        let s = self.segment;
        let mut out = Vec::with_capacity(2);
        if s.ab != NONE
            && let Some(t) = w.time_ms(s.ab)
        {
            out.push((s.a, part(t, self.t)));
        }
        if s.ba != NONE
            && let Some(t) = w.time_ms(s.ba)
        {
            out.push((s.b, part(t, 1.0 - self.t)));
        }
        self.at_end(&mut out);
        out
    }

    /// Travel time from `self` to `to` along a shared segment without passing a node, if both
    /// lie on the same segment and the direction is allowed.
    #[must_use]
    pub fn direct_ms(&self, to: &Position, w: &Weights) -> Option<u32> {
        let s = self.segment;
        let same = to.segment.a == s.a && to.segment.b == s.b;
        let reversed = to.segment.a == s.b && to.segment.b == s.a;
        let t_to = if same {
            to.t
        } else if reversed {
            1.0 - to.t
        } else {
            return None;
        };
        let mut best = None;
        if t_to >= self.t
            && s.ab != NONE
            && let Some(t) = w.time_ms(s.ab)
        {
            best = Some(part(t, t_to - self.t));
        }
        if t_to <= self.t
            && s.ba != NONE
            && let Some(t) = w.time_ms(s.ba)
        {
            let c = part(t, self.t - t_to);
            best = Some(best.map_or(c, |b: u32| b.min(c)));
        }
        best
    }

    /// Length in metres from `a` to the point.
    #[must_use]
    pub fn meters_from_a(&self, graph: &Graph) -> f64 {
        let s = self.segment;
        let e = if s.ab != NONE { s.ab } else { s.ba };
        graph.length_m(e) * if s.ab != NONE { self.t } else { 1.0 - self.t }
    }
}

impl SnapIndex {
    /// Builds the index. Default maximum snapping distance: 200 m.
    #[must_use]
    pub fn new(graph: &Graph) -> Self {
        let (min_lat, min_lon, max_lat, max_lon) = graph.bbox();
        let proj = LocalProjection::new((min_lat + max_lat) / 2.0, (min_lon + max_lon) / 2.0);
        let mut segments = Vec::new();
        let mut pieces = Vec::new();
        for a in 0..graph.node_count() as u32 {
            for e in graph.out_edges(a) {
                let b = graph.head(e);
                let rev = graph.find_edge(b, a);
                // One segment per road: keep the pair once (from the lower id), lone one-ways always.
                if rev.is_some() && b < a {
                    continue;
                }
                let seg_id = segments.len() as u32;
                segments.push(Segment {
                    a,
                    b,
                    ab: e,
                    ba: rev.unwrap_or(NONE),
                });
                let shape = graph.edge_geometry(e);
                let total: f64 = shape
                    .windows(2)
                    .map(|p| haversine_m(p[0].0, p[0].1, p[1].0, p[1].1))
                    .sum();
                let mut acc = 0.0;
                for p in shape.windows(2) {
                    let l = haversine_m(p[0].0, p[0].1, p[1].0, p[1].1);
                    let (t0, t1) = if total > 0.0 {
                        (acc / total, (acc + l) / total)
                    } else {
                        (0.0, 1.0)
                    };
                    acc += l;
                    let line =
                        Line::new(proj.project(p[0].0, p[0].1), proj.project(p[1].0, p[1].1));
                    pieces.push(GeomWithData::new(line, (seg_id, t0 as f32, t1 as f32)));
                }
            }
        }
        Self {
            proj,
            tree: RTree::bulk_load(pieces),
            segments,
            max_distance_m: 200.0,
        }
    }

    #[must_use]
    pub fn segments(&self) -> &[Segment] {
        &self.segments
    }

    /// Ids (indexes into [`Self::segments`]) of the segments with a piece intersecting the
    /// box, each once, in ascending order. Used to draw the road map of a viewport.
    #[must_use]
    pub fn segments_in_box(
        &self,
        min_lat: f64,
        min_lon: f64,
        max_lat: f64,
        max_lon: f64,
    ) -> Vec<u32> {
        let a = self.proj.project(min_lat, min_lon);
        let b = self.proj.project(max_lat, max_lon);
        let env = rstar::AABB::from_corners(a, b);
        let mut ids: Vec<u32> = self
            .tree
            .locate_in_envelope_intersecting(&env)
            .map(|p| p.data.0)
            .collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    }

    /// Snaps within the default maximum distance.
    ///
    /// # Errors
    /// Bad coordinate, or no road within the maximum distance.
    pub fn snap(&self, lat: f64, lon: f64) -> Result<Position, GraphError> {
        self.snap_within(lat, lon, self.max_distance_m)
    }

    /// Snaps to the nearest segment within `max_m` metres.
    ///
    /// # Errors
    /// Bad coordinate, or no road within `max_m`.
    pub fn snap_within(&self, lat: f64, lon: f64, max_m: f64) -> Result<Position, GraphError> {
        check_coord(lat, lon)?;
        let q = self.proj.project(lat, lon);
        let far = || GraphError::NoRoadNearby { lat, lon, max_m };
        let piece = self.tree.nearest_neighbor(&q).ok_or_else(far)?;
        let d = piece.distance_2(&q).sqrt();
        if d > max_m {
            return Err(far());
        }
        Ok(self.position_on(piece, q, d))
    }

    /// Snaps to the nearest segment within `max_m` metres that the mode of `weights` may use
    /// in at least one direction (a car is not placed on a pedestrian street, nor on a closed
    /// road).
    ///
    /// # Errors
    /// Bad coordinate, or no such road within `max_m`.
    pub fn snap_for(
        &self,
        lat: f64,
        lon: f64,
        max_m: f64,
        weights: &Weights,
    ) -> Result<Position, GraphError> {
        check_coord(lat, lon)?;
        let q = self.proj.project(lat, lon);
        let far = || GraphError::NoRoadNearby { lat, lon, max_m };
        let usable = |e: u32| e != NONE && weights.time_ms(e).is_some();
        let max2 = max_m * max_m;
        for (piece, d2) in self.tree.nearest_neighbor_iter_with_distance_2(&q) {
            if d2 > max2 {
                break;
            }
            let seg = self.segments[piece.data.0 as usize];
            if usable(seg.ab) || usable(seg.ba) {
                return Ok(self.position_on(piece, q, d2.sqrt()));
            }
        }
        Err(far())
    }

    /// The point of `piece` nearest to `q` (projected), `d` metres away.
    fn position_on(&self, piece: &Piece, q: [f64; 2], d: f64) -> Position {
        let line = piece.geom();
        let (from, to) = (line.from, line.to);
        let dx = to[0] - from[0];
        let dy = to[1] - from[1];
        let len2 = dx * dx + dy * dy;
        let u = if len2 > 0.0 {
            (((q[0] - from[0]) * dx + (q[1] - from[1]) * dy) / len2).clamp(0.0, 1.0)
        } else {
            0.0
        };
        let (seg_id, t0, t1) = piece.data;
        let t = f64::from(t0) + (f64::from(t1) - f64::from(t0)) * u;
        let point = lerp(self.proj.unproject(from), self.proj.unproject(to), u);
        Position {
            segment: self.segments[seg_id as usize],
            t,
            offset_m: d,
            point,
        }
    }
}
