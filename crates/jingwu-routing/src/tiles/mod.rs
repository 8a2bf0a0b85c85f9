//! Vector tiles of our own data: the web-Mercator tile grid, geometry cut to a tile and
//! quantized to its grid, and the base layers drawn from the road network and its names.
//!
//! Layers (what the browser style draws):
//! * `roads`: lines with `class` ([`RoadClass::as_str`]); the classes shown grow with the zoom
//!   ([`min_class`]) and consecutive pieces of one class are joined into long lines;
//! * `road_names`: the named streets of the [`AddressBook`] as lines with `name` and
//!   `name_en`, joined per street so a label can follow the road;
//! * `places`: named places of the address book (OSM `place=*`, landmarks) and named water and
//!   parks as points;
//! * `landuse`: water, parks and (from zoom 14) buildings as polygons with `kind`
//!   ([`LandUse`]).
//!
//! Callers add their own layers (station areas, key sites) with [`TileId::polygon`] and
//! [`TileId::point`]. Tiles are 4096 units wide ([`EXTENT`]) with a [`BUFFER`] around them, so
//! lines and labels run on across tile edges without seams.

mod land_use;
pub mod mvt;

pub use land_use::{LandArea, LandKind, LandUse};

use std::collections::HashMap;

use rstar::primitives::{GeomWithData, Rectangle};
use rstar::{AABB, RTree};

use crate::geocode::AddressBook;
use crate::graph::Graph;
use crate::road_class::RoadClass;
use crate::snap::SnapIndex;
use mvt::{Geometry, Layer, Value};

/// Tile grid units per tile side.
pub const EXTENT: i32 = 4096;
/// Units drawn beyond each tile edge.
pub const BUFFER: i32 = 64;
/// Deepest zoom served; deeper views stretch these tiles.
pub const MAX_ZOOM: u8 = 16;
/// Shallowest zoom served: a city fits a handful of tiles.
pub const MIN_ZOOM: u8 = 8;
/// Street names are drawn from this zoom on, first those of major roads ([`min_class`] of the
/// zoom above).
pub const NAMES_MIN_ZOOM: u8 = 11;

/// Web-Mercator's latitude limit.
const MAX_LAT: f64 = 85.051_128_78;

/// One tile of the XYZ grid (y from the north).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TileId {
    pub z: u8,
    pub x: u32,
    pub y: u32,
}

/// The least important road class drawn at zoom `z`.
#[must_use]
pub fn min_class(z: u8) -> RoadClass {
    match z {
        0..=9 => RoadClass::Trunk,
        10 => RoadClass::Primary,
        11 => RoadClass::Secondary,
        12 => RoadClass::Tertiary,
        13 => RoadClass::Street,
        _ => RoadClass::Path,
    }
}

impl TileId {
    /// A tile in the served zoom range ([`MIN_ZOOM`]..=[`MAX_ZOOM`]) and inside the grid.
    #[must_use]
    pub fn new(z: u8, x: u32, y: u32) -> Option<Self> {
        let n = 1u32 << z.min(31);
        ((MIN_ZOOM..=MAX_ZOOM).contains(&z) && x < n && y < n).then_some(TileId { z, x, y })
    }

    /// The tile of zoom `z` that holds a point.
    #[must_use]
    pub fn containing(z: u8, lat: f64, lon: f64) -> Option<Self> {
        // The probe's zoom is checked first: the grid arithmetic holds only for served zooms.
        let probe = Self::new(z, 0, 0)?;
        let [gx, gy] = probe.to_grid(lat, lon);
        let cell = |g: f64| (g / f64::from(EXTENT)).floor();
        let (x, y) = (cell(gx), cell(gy));
        if x < 0.0 || y < 0.0 {
            return None;
        }
        Self::new(z, x as u32, y as u32)
    }

    fn scale(self) -> f64 {
        f64::from(1u32 << self.z) * f64::from(EXTENT)
    }

    /// `(lat, lon)` in this tile's grid units, unrounded.
    #[must_use]
    pub fn to_grid(self, lat: f64, lon: f64) -> [f64; 2] {
        let s = self.scale();
        let lat = lat.clamp(-MAX_LAT, MAX_LAT).to_radians();
        let wx = (lon + 180.0) / 360.0 * s;
        let wy = (1.0 - (lat.tan() + 1.0 / lat.cos()).ln() / std::f64::consts::PI) / 2.0 * s;
        [
            wx - f64::from(self.x) * f64::from(EXTENT),
            wy - f64::from(self.y) * f64::from(EXTENT),
        ]
    }

    /// `(lat, lon)` of a grid point of this tile.
    #[must_use]
    pub fn to_lat_lon(self, g: [f64; 2]) -> (f64, f64) {
        let s = self.scale();
        let wx = g[0] + f64::from(self.x) * f64::from(EXTENT);
        let wy = g[1] + f64::from(self.y) * f64::from(EXTENT);
        let lon = wx / s * 360.0 - 180.0;
        let n = std::f64::consts::PI * (1.0 - 2.0 * wy / s);
        (n.sinh().atan().to_degrees(), lon)
    }

    /// `(min_lat, min_lon, max_lat, max_lon)` of the tile with its buffer.
    #[must_use]
    pub fn bounds(self) -> (f64, f64, f64, f64) {
        let lo = f64::from(-BUFFER);
        let hi = f64::from(EXTENT + BUFFER);
        let (max_lat, min_lon) = self.to_lat_lon([lo, lo]);
        let (min_lat, max_lon) = self.to_lat_lon([hi, hi]);
        (min_lat, min_lon, max_lat, max_lon)
    }

    /// A point inside the tile (not its buffer), rounded to the grid.
    #[must_use]
    pub fn point(self, lat: f64, lon: f64) -> Option<[i32; 2]> {
        let [x, y] = self.to_grid(lat, lon);
        let inside = |v: f64| (0.0..f64::from(EXTENT)).contains(&v);
        (inside(x) && inside(y)).then(|| [x.round() as i32, y.round() as i32])
    }

    /// A `(lat, lon)` line cut to the tile and its buffer: the parts inside, on the grid.
    #[must_use]
    pub fn line(self, coords: &[(f64, f64)]) -> Vec<Vec<[i32; 2]>> {
        let pts: Vec<[f64; 2]> = coords.iter().map(|&(a, o)| self.to_grid(a, o)).collect();
        clip_line(&pts)
    }

    /// A `(lat, lon)` ring cut to the tile and its buffer, on the grid; `None` when nothing of
    /// it is inside. Orientation is left to [`mvt::orient_rings`].
    #[must_use]
    pub fn ring(self, coords: &[(f64, f64)]) -> Option<Vec<[i32; 2]>> {
        let pts: Vec<[f64; 2]> = coords.iter().map(|&(a, o)| self.to_grid(a, o)).collect();
        let mut out: Vec<[i32; 2]> = clip_ring(&pts).iter().map(|&p| round(p)).collect();
        out.dedup();
        if out.len() > 1 && out.first() == out.last() {
            out.pop();
        }
        (out.len() >= 3).then_some(out)
    }
}

fn round(p: [f64; 2]) -> [i32; 2] {
    [p[0].round() as i32, p[1].round() as i32]
}

const LO: f64 = -(BUFFER as f64);
const HI: f64 = (EXTENT + BUFFER) as f64;

/// Liang-Barsky: the part of segment `a-b` inside the buffered tile, if any.
fn clip_segment(a: [f64; 2], b: [f64; 2]) -> Option<([f64; 2], [f64; 2])> {
    let d = [b[0] - a[0], b[1] - a[1]];
    let (mut t0, mut t1) = (0.0f64, 1.0f64);
    for axis in 0..2 {
        for (p, q) in [(-d[axis], a[axis] - LO), (d[axis], HI - a[axis])] {
            if p == 0.0 {
                if q < 0.0 {
                    return None;
                }
            } else {
                let t = q / p;
                if p < 0.0 {
                    t0 = t0.max(t);
                } else {
                    t1 = t1.min(t);
                }
            }
        }
    }
    (t0 <= t1).then(|| {
        let at = |t: f64| [a[0] + d[0] * t, a[1] + d[1] * t];
        (at(t0), at(t1))
    })
}

fn clip_line(pts: &[[f64; 2]]) -> Vec<Vec<[i32; 2]>> {
    let mut parts: Vec<Vec<[i32; 2]>> = Vec::new();
    let mut cur: Vec<[i32; 2]> = Vec::new();
    for w in pts.windows(2) {
        match clip_segment(w[0], w[1]) {
            Some((p, q)) => {
                let (p, q) = (round(p), round(q));
                if cur.last() != Some(&p) {
                    flush(&mut parts, &mut cur);
                    cur.push(p);
                }
                if cur.last() != Some(&q) {
                    cur.push(q);
                }
                // Leaving the tile ends this part.
                if outside(w[1]) {
                    flush(&mut parts, &mut cur);
                }
            }
            None => flush(&mut parts, &mut cur),
        }
    }
    flush(&mut parts, &mut cur);
    parts
}

fn outside(p: [f64; 2]) -> bool {
    !(LO..=HI).contains(&p[0]) || !(LO..=HI).contains(&p[1])
}

fn flush(parts: &mut Vec<Vec<[i32; 2]>>, cur: &mut Vec<[i32; 2]>) {
    if cur.len() >= 2 {
        parts.push(std::mem::take(cur));
    } else {
        cur.clear();
    }
}

/// Sutherland-Hodgman against the four sides of the buffered tile.
fn clip_ring(pts: &[[f64; 2]]) -> Vec<[f64; 2]> {
    let mut ring = pts.to_vec();
    for (axis, bound, keep_above) in [(0, LO, true), (0, HI, false), (1, LO, true), (1, HI, false)]
    {
        let inside = |p: [f64; 2]| {
            if keep_above {
                p[axis] >= bound
            } else {
                p[axis] <= bound
            }
        };
        let mut out = Vec::with_capacity(ring.len() + 4);
        for i in 0..ring.len() {
            let cur = ring[i];
            let prev = ring[(i + ring.len() - 1) % ring.len()];
            let cross = |a: [f64; 2], b: [f64; 2]| {
                let t = (bound - a[axis]) / (b[axis] - a[axis]);
                [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t]
            };
            match (inside(prev), inside(cur)) {
                (true, true) => out.push(cur),
                (true, false) => out.push(cross(prev, cur)),
                (false, true) => {
                    out.push(cross(prev, cur));
                    out.push(cur);
                }
                (false, false) => {}
            }
        }
        ring = out;
        if ring.is_empty() {
            break;
        }
    }
    ring
}

/// Joins lines that meet end to start (or end to end) into longer ones, so a road is one
/// feature and a label has room to follow it.
#[must_use]
pub fn join_lines(lines: Vec<Vec<[i32; 2]>>) -> Vec<Vec<[i32; 2]>> {
    let mut at: HashMap<[i32; 2], Vec<usize>> = HashMap::new();
    for (i, l) in lines.iter().enumerate() {
        if let (Some(a), Some(b)) = (l.first(), l.last()) {
            at.entry(*a).or_default().push(i);
            at.entry(*b).or_default().push(i);
        }
    }
    let mut used = vec![false; lines.len()];
    let mut out = Vec::new();
    let take_next = |end: [i32; 2], used: &mut [bool], at: &HashMap<[i32; 2], Vec<usize>>| {
        let i = at.get(&end)?.iter().copied().find(|&j| !used[j])?;
        used[i] = true;
        Some(i)
    };
    for start in 0..lines.len() {
        if used[start] || lines[start].len() < 2 {
            continue;
        }
        used[start] = true;
        let mut cur = lines[start].clone();
        for forward in [true, false] {
            loop {
                let end = if forward { cur[cur.len() - 1] } else { cur[0] };
                let Some(j) = take_next(end, &mut used, &at) else {
                    break;
                };
                let mut next = lines[j].clone();
                if forward {
                    if next[0] != end {
                        next.reverse();
                    }
                    cur.extend_from_slice(&next[1..]);
                } else {
                    if next[next.len() - 1] != end {
                        next.reverse();
                    }
                    next.pop();
                    next.extend_from_slice(&cur);
                    cur = next;
                }
            }
        }
        out.push(cur);
    }
    out
}

/// Buildings are drawn from this zoom on.
pub const BUILDINGS_MIN_ZOOM: u8 = 14;

/// The road segments of the wide zooms, one index per class floor of [`min_class`] below
/// zoom 13, so a tile of the whole city visits its major roads, not every street (deeper
/// tiles use the [`SnapIndex`], which holds every segment).
#[derive(Debug)]
pub struct MajorRoads {
    /// `(floor, index of the segments whose class is at or above it)`, widest floor first.
    levels: Vec<(RoadClass, RTree<SegmentBox>)>,
}

/// A segment's bounding box in degrees (lon, lat) with its id.
type SegmentBox = GeomWithData<Rectangle<[f64; 2]>, u32>;

impl MajorRoads {
    #[must_use]
    pub fn new(graph: &Graph, snap: &SnapIndex) -> Self {
        let mut floors: Vec<RoadClass> = (MIN_ZOOM..13).map(min_class).collect();
        floors.dedup();
        let mut rows: Vec<Vec<SegmentBox>> = vec![Vec::new(); floors.len()];
        for (id, s) in snap.segments().iter().enumerate() {
            let class = s.class(graph);
            if class > floors[floors.len() - 1] {
                continue;
            }
            let (mut lo, mut hi) = ([f64::MAX; 2], [f64::MIN; 2]);
            for (lat, lon) in graph.edge_geometry(s.edge()) {
                lo = [lo[0].min(lon), lo[1].min(lat)];
                hi = [hi[0].max(lon), hi[1].max(lat)];
            }
            let r = GeomWithData::new(Rectangle::from_corners(lo, hi), id as u32);
            for (i, &floor) in floors.iter().enumerate() {
                if class <= floor {
                    rows[i].push(r);
                }
            }
        }
        MajorRoads {
            levels: floors
                .into_iter()
                .zip(rows)
                .map(|(f, r)| (f, RTree::bulk_load(r)))
                .collect(),
        }
    }

    /// Segments drawn at `floor` in the box, if this index holds that floor.
    fn in_box(&self, floor: RoadClass, bounds: (f64, f64, f64, f64)) -> Option<Vec<u32>> {
        let (min_lat, min_lon, max_lat, max_lon) = bounds;
        let (_, tree) = self.levels.iter().find(|(f, _)| *f == floor)?;
        let env = AABB::from_corners([min_lon, min_lat], [max_lon, max_lat]);
        let mut ids: Vec<u32> = tree
            .locate_in_envelope_intersecting(&env)
            .map(|r| r.data)
            .collect();
        ids.sort_unstable();
        Some(ids)
    }
}

/// What the base layers are drawn from: the network, its indexes, names and land use.
#[derive(Debug, Clone, Copy)]
pub struct BaseMap<'a> {
    pub graph: &'a Graph,
    pub snap: &'a SnapIndex,
    pub major: &'a MajorRoads,
    pub book: &'a AddressBook,
    pub land: &'a LandUse,
}

/// The `landuse`, `roads`, `road_names` and `places` layers of a tile.
#[must_use]
pub fn base_layers(map: BaseMap<'_>, tile: TileId) -> Vec<Layer> {
    let BaseMap {
        graph,
        snap,
        major,
        book,
        land,
    } = map;
    let (min_lat, min_lon, max_lat, max_lon) = tile.bounds();
    let mut landuse = Layer::new("landuse");
    let mut named_land = Vec::new();
    for a in land.in_box(min_lat, min_lon, max_lat, max_lon) {
        if a.kind == LandKind::Building && tile.z < BUILDINGS_MIN_ZOOM {
            continue;
        }
        if let Some(ring) = tile.ring(&a.ring) {
            let mut rings = vec![ring];
            mvt::orient_rings(&mut rings, &[false]);
            landuse.add(
                &Geometry::Polygons(rings),
                &[("kind", Value::from(a.kind.as_str()))],
            );
            if !a.name.is_empty() {
                named_land.push(a);
            }
        }
    }
    let floor = min_class(tile.z);
    let segs = snap.segments();
    let mut by_class: Vec<Vec<Vec<[i32; 2]>>> = vec![Vec::new(); RoadClass::ALL.len()];
    let ids = major
        .in_box(floor, tile.bounds())
        .unwrap_or_else(|| snap.segments_in_box(min_lat, min_lon, max_lat, max_lon));
    for id in ids {
        let Some(s) = segs.get(id as usize) else {
            continue;
        };
        let class = s.class(graph);
        if class > floor {
            continue;
        }
        by_class[class as usize].extend(tile.line(&graph.edge_geometry(s.edge())));
    }
    let mut roads = Layer::new("roads");
    // Least important first, so more important roads are drawn over them.
    for class in RoadClass::ALL.into_iter().rev() {
        let lines = join_lines(std::mem::take(&mut by_class[class as usize]));
        if !lines.is_empty() {
            roads.add(
                &Geometry::Lines(lines),
                &[("class", Value::from(class.as_str()))],
            );
        }
    }
    let mut names = Layer::new("road_names");
    let mut places = Layer::new("places");
    if tile.z >= NAMES_MIN_ZOOM {
        let mut by_street: HashMap<u32, Vec<Vec<[i32; 2]>>> = HashMap::new();
        for (street, [a, b]) in book.pieces_in_box(min_lat, min_lon, max_lat, max_lon) {
            by_street
                .entry(street)
                .or_default()
                .extend(tile.line(&[a, b]));
        }
        let mut streets: Vec<_> = by_street.into_iter().collect();
        streets.sort_unstable_by_key(|(s, _)| *s);
        let name_floor = min_class(tile.z - 1);
        for (street, lines) in streets {
            if name_floor < RoadClass::Path && street_class(graph, snap, tile, &lines) > name_floor
            {
                continue;
            }
            let (name, name_en) = book.street_names(street);
            // A label follows a smoothed line: kinks of a few metres would stop it fitting.
            let lines = join_lines(lines)
                .iter()
                .map(|l| simplify(l, LABEL_TOLERANCE))
                .collect();
            names.add(
                &Geometry::Lines(lines),
                &[
                    ("name", Value::from(name)),
                    ("name_en", Value::from(name_en)),
                ],
            );
        }
        for a in named_land {
            let (lat, lon) = a.centre();
            if let Some(pt) = tile.point(lat, lon) {
                places.add(
                    &Geometry::Points(vec![pt]),
                    &[
                        ("name", Value::from(a.name.as_str())),
                        ("name_en", Value::from(a.name_en.as_str())),
                        ("kind", Value::from(a.kind.as_str())),
                    ],
                );
            }
        }
        for p in book.places_in_box(min_lat, min_lon, max_lat, max_lon) {
            if let Some(pt) = tile.point(p.lat, p.lon) {
                places.add(
                    &Geometry::Points(vec![pt]),
                    &[
                        ("name", Value::from(p.name.as_str())),
                        ("name_en", Value::from(p.name_en.as_str())),
                        ("kind", Value::from(p.kind.as_str())),
                    ],
                );
            }
        }
    }
    vec![landuse, roads, names, places]
}

/// Grid units a label line may depart from its street (8 px on a 512 px tile).
const LABEL_TOLERANCE: f64 = 64.0;

/// Douglas-Peucker: the points of `line` that keep it within `tolerance` grid units.
#[must_use]
pub fn simplify(line: &[[i32; 2]], tolerance: f64) -> Vec<[i32; 2]> {
    if line.len() < 3 {
        return line.to_vec();
    }
    let mut keep = vec![false; line.len()];
    keep[0] = true;
    keep[line.len() - 1] = true;
    let mut stack = vec![(0, line.len() - 1)];
    while let Some((a, b)) = stack.pop() {
        let (pa, pb) = (line[a], line[b]);
        let (dx, dy) = (f64::from(pb[0] - pa[0]), f64::from(pb[1] - pa[1]));
        let len = dx.hypot(dy);
        let dist = |p: [i32; 2]| {
            let (px, py) = (f64::from(p[0] - pa[0]), f64::from(p[1] - pa[1]));
            if len == 0.0 {
                px.hypot(py)
            } else {
                (px * dy - py * dx).abs() / len
            }
        };
        let far = (a + 1..b)
            .map(|i| (i, dist(line[i])))
            .max_by(|x, y| x.1.total_cmp(&y.1));
        if let Some((i, d)) = far
            && d > tolerance
        {
            keep[i] = true;
            stack.push((a, i));
            stack.push((i, b));
        }
    }
    line.iter()
        .zip(keep)
        .filter_map(|(p, k)| k.then_some(*p))
        .collect()
}

/// The class of the road under the middle of a street's lines in a tile.
fn street_class(
    graph: &Graph,
    snap: &SnapIndex,
    tile: TileId,
    lines: &[Vec<[i32; 2]>],
) -> RoadClass {
    let Some(line) = lines.iter().max_by_key(|l| l.len()) else {
        return RoadClass::Path;
    };
    let [x, y] = line[line.len() / 2];
    let (lat, lon) = tile.to_lat_lon([f64::from(x), f64::from(y)]);
    snap.snap_within(lat, lon, STREET_SNAP_M)
        .map_or(RoadClass::Path, |p| p.segment.class(graph))
}

/// How far (metres) a street's name line may lie from the road it names.
const STREET_SNAP_M: f64 = 30.0;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grid_and_lat_lon_are_inverse_and_tiles_nest() {
        let t = TileId::new(14, 13_700, 6_860).unwrap();
        let (lat, lon) = t.to_lat_lon([1000.0, 3000.0]);
        let g = t.to_grid(lat, lon);
        assert!((g[0] - 1000.0).abs() < 1e-6 && (g[1] - 3000.0).abs() < 1e-6);
        let child = TileId::new(15, 27_401, 13_720).unwrap();
        let p = child.to_lat_lon([0.0, 0.0]);
        let in_parent = t.to_grid(p.0, p.1);
        assert!((in_parent[0] - 2048.0).abs() < 1e-6 && in_parent[1].abs() < 1e-6);
        assert!(TileId::new(7, 0, 0).is_none() && TileId::new(8, 256, 0).is_none());
        assert_eq!(TileId::containing(14, lat, lon), Some(t));
        assert_eq!(TileId::containing(40, lat, lon), None);
    }

    #[test]
    fn lines_are_cut_at_the_buffer_and_split_where_they_leave() {
        let parts = clip_line(&[[-500.0, 100.0], [100.0, 100.0], [100.0, 9000.0]]);
        assert_eq!(parts, vec![vec![[-64, 100], [100, 100], [100, 4160]]]);
        let parts = clip_line(&[
            [100.0, 100.0],
            [100.0, 9000.0],
            [200.0, 9000.0],
            [200.0, 100.0],
        ]);
        assert_eq!(
            parts,
            vec![vec![[100, 100], [100, 4160]], vec![[200, 4160], [200, 100]]]
        );
        assert!(clip_line(&[[-900.0, -900.0], [-800.0, 5000.0]]).is_empty());
    }

    #[test]
    fn rings_are_cut_to_the_buffered_tile() {
        let ring = clip_ring(&[
            [-1000.0, -1000.0],
            [5000.0, -1000.0],
            [5000.0, 5000.0],
            [-1000.0, 5000.0],
        ]);
        let mut r: Vec<[i32; 2]> = ring.into_iter().map(round).collect();
        r.sort_unstable();
        r.dedup();
        assert_eq!(r, vec![[-64, -64], [-64, 4160], [4160, -64], [4160, 4160]]);
    }

    #[test]
    fn small_kinks_are_smoothed_and_corners_kept() {
        let zigzag = vec![[0, 0], [100, 20], [200, -20], [300, 10], [400, 0]];
        assert_eq!(simplify(&zigzag, 64.0), vec![[0, 0], [400, 0]]);
        let corner = vec![[0, 0], [200, 5], [400, 0], [400, 400]];
        assert_eq!(simplify(&corner, 64.0), vec![[0, 0], [400, 0], [400, 400]]);
    }

    #[test]
    fn lines_meeting_at_ends_become_one() {
        let joined = join_lines(vec![
            vec![[5, 0], [10, 0]],
            vec![[0, 0], [5, 0]],
            vec![[15, 0], [10, 0]],
            vec![[50, 50], [60, 60]],
        ]);
        assert_eq!(
            joined,
            vec![
                vec![[0, 0], [5, 0], [10, 0], [15, 0]],
                vec![[50, 50], [60, 60]]
            ]
        );
    }
}
