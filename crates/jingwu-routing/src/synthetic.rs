//! Deterministic synthetic cities for scale tests and benchmarks: an irregular, jittered street
//! grid around Ningbo (29.87 N, 121.55 E) with a hierarchy of speed classes, one-way streets
//! and missing blocks. Same `(nodes, seed)`, same graph, on every platform.

use crate::GraphError;
use crate::geo_util::haversine_m;
use crate::graph::{BuildReport, Graph, GraphBuilder, NONE, travel_ms};
use crate::modes::{
    ModeTimes, TravelMode, WALK_KMH, motorbike_kmh, times_from_car, times_from_speeds,
};
use crate::road_class::RoadClass;

/// SplitMix64 (Steele, Lea, Flood 2014): tiny, fast, and good enough for layout noise.
#[derive(Debug, Clone)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    #[must_use]
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    pub fn next_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Uniform in `0..n` (n > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }
}

/// Synthetic city parameters. `nodes` is the target node count before the largest strongly
/// connected component is taken (a few percent are lost to cut-off corners).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SyntheticCity {
    pub nodes: usize,
    pub seed: u64,
    /// Mean block edge in metres.
    pub spacing_m: f64,
    pub center: (f64, f64),
    /// Pedestrian streets and pedestrians' way back along one-way streets (see
    /// [`SyntheticCity::generate`]). Off by default, so scale tests and benchmarks keep the
    /// graph they always had; the demo city turns it on.
    pub pedestrian_ways: bool,
}

impl SyntheticCity {
    #[must_use]
    pub fn new(nodes: usize, seed: u64) -> Self {
        Self {
            nodes,
            seed,
            spacing_m: 110.0,
            center: (29.87, 121.55),
            pedestrian_ways: false,
        }
    }

    /// The same city with pedestrian streets and two-way walking on one-way streets.
    #[must_use]
    pub fn with_pedestrian_ways(mut self) -> Self {
        self.pedestrian_ways = true;
        self
    }

    /// Generates the graph.
    ///
    /// Layout: a `side x side` grid; every 16th line is an expressway-like arterial (70 km/h),
    /// every 8th a main road (50 km/h), every 4th a secondary road (40 km/h), the rest local
    /// streets (30 or 20 km/h). About a fifth of local lines are one-way, alternating
    /// direction; about 7% of local block edges are missing to vehicles, half of those being
    /// pedestrian streets, and nodes are jittered by up to 30% of the spacing so lengths and
    /// times are irregular. Road classes follow the speeds: trunk (70), primary (50),
    /// secondary (40), tertiary (30), street (20), path (pedestrian streets).
    ///
    /// Travel modes: with [`SyntheticCity::pedestrian_ways`], the expressway-like arterials
    /// are closed to pedestrians and motorbikes (as motorways are), motorbikes ride at the car
    /// speed capped by [`motorbike_kmh`], pedestrians walk one-way streets both ways and half
    /// of the missing block edges are pedestrian streets. Without it, every mode uses the car's
    /// roads ([`times_from_car`]) and those edges are simply missing. Which block edges are pedestrian
    /// streets is drawn from a separate random stream, so the car network is the same either
    /// way.
    ///
    /// # Errors
    /// Fewer than 4 nodes requested.
    pub fn generate(&self) -> Result<(Graph, BuildReport), GraphError> {
        if self.nodes < 4 {
            return Err(GraphError::Empty);
        }
        let side = (self.nodes as f64).sqrt().ceil() as usize;
        let mut rng = SplitMix64::new(self.seed ^ 0x4A49_4E47_5755);
        let m_per_deg_lat = 111_195.0;
        let m_per_deg_lon = m_per_deg_lat * self.center.0.to_radians().cos();
        let half = side as f64 * self.spacing_m / 2.0;
        let mut b = GraphBuilder::with_capacity(side * side, 4 * side * side);
        for r in 0..side {
            for c in 0..side {
                let jx = (rng.next_f64() - 0.5) * 0.6 * self.spacing_m;
                let jy = (rng.next_f64() - 0.5) * 0.6 * self.spacing_m;
                let x = c as f64 * self.spacing_m - half + jx;
                let y = r as f64 * self.spacing_m - half + jy;
                b.add_node(
                    self.center.0 + y / m_per_deg_lat,
                    self.center.1 + x / m_per_deg_lon,
                )?;
            }
        }
        // Per line: speed class and one-way flag (0 = two-way, 1 = increasing, 2 = decreasing).
        let line_class = |i: usize, rng: &mut SplitMix64| -> (f64, u8, bool) {
            if i.is_multiple_of(16) {
                (70.0, 0, true)
            } else if i.is_multiple_of(8) {
                (50.0, 0, true)
            } else if i.is_multiple_of(4) {
                (40.0, 0, true)
            } else {
                let speed = if rng.below(3) == 0 { 20.0 } else { 30.0 };
                let oneway = if rng.below(5) == 0 {
                    1 + (i % 2) as u8
                } else {
                    0
                };
                (speed, oneway, false)
            }
        };
        let rows: Vec<_> = (0..side).map(|i| line_class(i, &mut rng)).collect();
        let cols: Vec<_> = (0..side).map(|i| line_class(i, &mut rng)).collect();
        let id = |r: usize, c: usize| (r * side + c) as u32;
        let mut ped_rng = SplitMix64::new(self.seed ^ 0x5045_4445_5354);
        let add = |b: &mut GraphBuilder,
                   u: u32,
                   v: u32,
                   (speed, oneway, major): (f64, u8, bool),
                   rng: &mut SplitMix64,
                   ped_rng: &mut SplitMix64|
         -> Result<(), GraphError> {
            let (la, lo) = b.node_coord(u).ok_or(GraphError::UnknownNode(u))?;
            let (lb, lob) = b.node_coord(v).ok_or(GraphError::UnknownNode(v))?;
            let len = haversine_m(la, lo, lb, lob);
            let walk = Some(WALK_KMH);
            let class = RoadClass::from_car_kmh(Some(speed));
            if !major && rng.below(100) < 7 {
                if self.pedestrian_ways && ped_rng.below(2) == 0 {
                    let foot_only = times_from_speeds(len, [None, None, walk]);
                    b.add_edge_modes(u, v, foot_only, len, &[], RoadClass::Path)?;
                    b.add_edge_modes(v, u, foot_only, len, &[], RoadClass::Path)?;
                }
                return Ok(());
            }
            if !self.pedestrian_ways {
                // Without pedestrian ways, every mode uses every road the car uses.
                let times = times_from_car(travel_ms(len, speed), len);
                if oneway != 2 {
                    b.add_edge_modes(u, v, times, len, &[], class)?;
                }
                if oneway != 1 {
                    b.add_edge_modes(v, u, times, len, &[], class)?;
                }
                return Ok(());
            }
            let express = speed >= 70.0;
            let (moto, foot) = if express {
                (None, None)
            } else {
                (Some(motorbike_kmh(speed)), walk)
            };
            let times: ModeTimes = times_from_speeds(len, [Some(speed), moto, foot]);
            // Against a one-way street only pedestrians go.
            let mut back = [NONE; 3];
            if self.pedestrian_ways {
                back[TravelMode::Foot.index()] = times[TravelMode::Foot.index()];
            }
            let (uv, vu) = match oneway {
                1 => (times, back),
                2 => (back, times),
                _ => (times, times),
            };
            b.add_edge_modes(u, v, uv, len, &[], class)?;
            b.add_edge_modes(v, u, vu, len, &[], class)?;
            Ok(())
        };
        for (r, &row) in rows.iter().enumerate() {
            for (c, &col) in cols.iter().enumerate() {
                if c + 1 < side {
                    add(&mut b, id(r, c), id(r, c + 1), row, &mut rng, &mut ped_rng)?;
                }
                if r + 1 < side {
                    add(&mut b, id(r, c), id(r + 1, c), col, &mut rng, &mut ped_rng)?;
                }
            }
        }
        b.build()
    }
}

/// Parses `NODES[:SEED]` (seed defaults to 1).
///
/// # Errors
/// Malformed text.
pub fn parse_spec(spec: &str) -> Result<SyntheticCity, GraphError> {
    let bad = || {
        GraphError::BadInput(format!(
            "synthetic spec {spec:?}: expected NODES[:SEED], e.g. 100000:7"
        ))
    };
    let (n, seed) = match spec.split_once(':') {
        Some((n, s)) => (n, s.trim().parse::<u64>().map_err(|_| bad())?),
        None => (spec, 1),
    };
    let n = n.trim().replace('_', "");
    let nodes = if let Some(k) = n.strip_suffix(['k', 'K']) {
        k.parse::<usize>().map_err(|_| bad())? * 1000
    } else if let Some(m) = n.strip_suffix(['m', 'M']) {
        m.parse::<usize>().map_err(|_| bad())? * 1_000_000
    } else {
        n.parse::<usize>().map_err(|_| bad())?
    };
    if !(4..=50_000_000).contains(&nodes) {
        return Err(bad());
    }
    Ok(SyntheticCity::new(nodes, seed))
}
