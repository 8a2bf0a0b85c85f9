//! Travel modes: access (pedestrian streets, motorways), one-way rules, per-mode speeds and
//! coverage of mixed fleets.

use jingwu_routing::{
    CoverageIndex, Graph, GraphBuilder, NONE, Position, Resolution, RoadClass, Router, SnapIndex,
    SyntheticCity, TravelMode, WALK_KMH, Weights, Workspace, times_from_speeds, travel_ms,
};

const ROAD: [Option<f64>; 3] = [Some(30.0), Some(30.0), Some(WALK_KMH)];
const PEDESTRIAN: [Option<f64>; 3] = [None, None, Some(WALK_KMH)];
const MOTORWAY: [Option<f64>; 3] = [Some(80.0), None, None];

/// Four corners of a ~200 m square, `(lat, lon)`: 0 south-west, 1 south-east, 2 north-east,
/// 3 north-west.
fn square() -> GraphBuilder {
    let mut b = GraphBuilder::new();
    for (la, lo) in [(0.0, 0.0), (0.0, 0.002), (0.002, 0.002), (0.002, 0.0)] {
        b.add_node(30.0 + la, 121.0 + lo).unwrap();
    }
    b
}

fn two_way(b: &mut GraphBuilder, u: u32, v: u32, len: f64, kmh: [Option<f64>; 3]) {
    let t = times_from_speeds(len, kmh);
    let class = RoadClass::from_car_kmh(kmh[0]);
    b.add_edge_modes(u, v, t, len, &[], class).unwrap();
    b.add_edge_modes(v, u, t, len, &[], class).unwrap();
}

/// `u -> v` for everyone, `v -> u` on foot only.
fn one_way(b: &mut GraphBuilder, u: u32, v: u32, len: f64) {
    let t = times_from_speeds(len, ROAD);
    b.add_edge_modes(u, v, t, len, &[], RoadClass::Street)
        .unwrap();
    let back = times_from_speeds(len, PEDESTRIAN);
    b.add_edge_modes(v, u, back, len, &[], RoadClass::Street)
        .unwrap();
}

struct Net {
    graph: Graph,
    index: SnapIndex,
    weights: [Weights; 3],
}

impl Net {
    fn new(b: GraphBuilder) -> Self {
        let (graph, _) = b.build().unwrap();
        let index = SnapIndex::new(&graph);
        let weights = TravelMode::ALL.map(|m| Weights::for_mode(&graph, m));
        Self {
            graph,
            index,
            weights,
        }
    }
    fn router(&self, mode: TravelMode) -> Router<'_> {
        Router {
            graph: &self.graph,
            weights: &self.weights[mode.index()],
            index: &self.index,
        }
    }
    /// Route between two builder nodes (ids survive: all nodes are kept and the graph is
    /// tiny, but look them up by coordinate to be safe).
    fn route(&self, mode: TravelMode, from: (f64, f64), to: (f64, f64)) -> Option<(u32, f64)> {
        let w = &self.weights[mode.index()];
        let a = self.index.snap_for(from.0, from.1, 50.0, w).unwrap();
        let b = self.index.snap_for(to.0, to.1, 50.0, w).unwrap();
        let mut ws = Workspace::new(&self.graph);
        self.router(mode)
            .route(&mut ws, &a, &b)
            .map(|r| (r.time_ms, r.meters))
    }
}

const SW: (f64, f64) = (30.0, 121.0);
const SE: (f64, f64) = (30.0, 121.002);

#[test]
fn foot_walks_a_pedestrian_street_that_cars_go_around() {
    let mut b = square();
    two_way(&mut b, 0, 1, 200.0, PEDESTRIAN); // south side: pedestrian street
    two_way(&mut b, 1, 2, 200.0, ROAD);
    two_way(&mut b, 2, 3, 200.0, ROAD);
    two_way(&mut b, 3, 0, 200.0, ROAD);
    let net = Net::new(b);
    let (foot_ms, foot_m) = net.route(TravelMode::Foot, SW, SE).unwrap();
    assert_eq!(foot_ms, travel_ms(200.0, WALK_KMH)); // 144 s along the pedestrian street
    assert!((foot_m - 200.0).abs() < 1e-6, "{foot_m}");
    let (car_ms, car_m) = net.route(TravelMode::Car, SW, SE).unwrap();
    assert!((car_m - 600.0).abs() < 1e-6, "car drives around: {car_m}");
    assert_eq!(car_ms, 3 * travel_ms(200.0, 30.0));
    // A car is never placed on the pedestrian street: the midpoint snaps to another side.
    let car_w = &net.weights[TravelMode::Car.index()];
    let p = net.index.snap_for(30.0, 121.001, 500.0, car_w).unwrap();
    assert!(car_w.time_ms(p.segment.ab).is_some() || car_w.time_ms(p.segment.ba).is_some());
    assert!(p.offset_m > 90.0, "{p:?}");
    // The pedestrian street carries no car or motorbike weight at all.
    let e = net
        .graph
        .find_edge(p_node(&net, SW), p_node(&net, SE))
        .unwrap();
    assert!(!net.graph.allows(TravelMode::Car, e));
    assert!(!net.graph.allows(TravelMode::Motorbike, e));
    assert!(net.weights[TravelMode::Motorbike.index()].is_closed(e));
    assert!(net.graph.allows(TravelMode::Foot, e));
}

fn p_node(net: &Net, at: (f64, f64)) -> u32 {
    (0..net.graph.node_count() as u32)
        .find(|&n| {
            let (la, lo) = net.graph.coord(n);
            (la - at.0).abs() < 1e-9 && (lo - at.1).abs() < 1e-9
        })
        .unwrap()
}

#[test]
fn pedestrians_ignore_one_way_rules_and_cars_do_not() {
    let mut b = square();
    one_way(&mut b, 0, 1, 200.0); // south side: one-way west to east
    two_way(&mut b, 1, 2, 200.0, ROAD);
    two_way(&mut b, 2, 3, 200.0, ROAD);
    two_way(&mut b, 3, 0, 200.0, ROAD);
    let net = Net::new(b);
    let leg = travel_ms(200.0, 30.0);
    // With the one-way: direct for everyone.
    assert_eq!(net.route(TravelMode::Car, SW, SE).unwrap().0, leg);
    // Against it: cars go around, motorbikes too, pedestrians walk straight back.
    assert_eq!(net.route(TravelMode::Car, SE, SW).unwrap().0, 3 * leg);
    assert_eq!(net.route(TravelMode::Motorbike, SE, SW).unwrap().0, 3 * leg);
    let (foot_ms, foot_m) = net.route(TravelMode::Foot, SE, SW).unwrap();
    assert_eq!(foot_ms, travel_ms(200.0, WALK_KMH));
    assert!((foot_m - 200.0).abs() < 1e-6);
    // A point on the one-way street departs only eastward by car, both ways on foot.
    let car_w = &net.weights[TravelMode::Car.index()];
    let foot_w = &net.weights[TravelMode::Foot.index()];
    let mid = net.index.snap_for(30.0, 121.001, 50.0, car_w).unwrap();
    assert_eq!(mid.departures(car_w).len(), 1);
    assert_eq!(mid.departures(foot_w).len(), 2);
}

#[test]
fn motorways_are_refused_to_pedestrians_and_motorbikes() {
    let mut b = square();
    two_way(&mut b, 0, 1, 200.0, MOTORWAY); // south side: motorway
    two_way(&mut b, 1, 2, 200.0, ROAD);
    two_way(&mut b, 2, 3, 200.0, ROAD);
    two_way(&mut b, 3, 0, 200.0, ROAD);
    let net = Net::new(b);
    assert_eq!(
        net.route(TravelMode::Car, SW, SE).unwrap().0,
        travel_ms(200.0, 80.0)
    );
    let (foot_ms, foot_m) = net.route(TravelMode::Foot, SW, SE).unwrap();
    assert!((foot_m - 600.0).abs() < 1e-6, "walks around: {foot_m}");
    assert_eq!(foot_ms, 3 * travel_ms(200.0, WALK_KMH));
    let (_, moto_m) = net.route(TravelMode::Motorbike, SW, SE).unwrap();
    assert!((moto_m - 600.0).abs() < 1e-6, "{moto_m}");
    // Nobody on foot is snapped onto the motorway either.
    let foot_w = &net.weights[TravelMode::Foot.index()];
    let p = net.index.snap_for(29.9999, 121.001, 500.0, foot_w).unwrap();
    assert!(foot_w.time_ms(p.segment.ab).is_some() || foot_w.time_ms(p.segment.ba).is_some());
}

#[test]
fn synthetic_city_differs_by_mode() {
    let plain = SyntheticCity::new(10_000, 3).generate().unwrap().0;
    let (g, _) = SyntheticCity::new(10_000, 3)
        .with_pedestrian_ways()
        .generate()
        .unwrap();
    // The car network is the same with or without pedestrian ways.
    let car_edges = |g: &Graph| {
        (0..g.edge_count() as u32)
            .filter(|&e| g.allows(TravelMode::Car, e))
            .map(|e| (g.coord(g.tail(e)), g.coord(g.head(e)), g.base_time_ms(e)))
            .map(|((a, b), (c, d), t)| (a.to_bits(), b.to_bits(), c.to_bits(), d.to_bits(), t))
            .collect::<std::collections::BTreeSet<_>>()
    };
    assert_eq!(car_edges(&plain), car_edges(&g));
    assert!(plain.edge_count() < g.edge_count());
    let m = g.edge_count() as u32;
    let foot_only = (0..m)
        .filter(|&e| !g.allows(TravelMode::Car, e) && g.allows(TravelMode::Foot, e))
        .count();
    // Pedestrian streets (both directions) and the way back along one-way streets.
    let pedestrian_streets = (0..m)
        .filter(|&e| !g.allows(TravelMode::Car, e) && g.allows(TravelMode::Foot, e))
        .filter(|&e| {
            g.find_edge(g.head(e), g.tail(e))
                .is_some_and(|r| !g.allows(TravelMode::Car, r))
        })
        .count();
    assert!(pedestrian_streets > 50, "{pedestrian_streets}");
    assert!(foot_only > pedestrian_streets + 50, "{foot_only}");
    let closed_to_foot = (0..m).filter(|&e| !g.allows(TravelMode::Foot, e)).count();
    assert!(closed_to_foot > 100, "expressways: {closed_to_foot}");
    // Walking is slower than driving on every edge both may use.
    for e in 0..m {
        let (car, foot) = (
            g.mode_time_ms(TravelMode::Car, e),
            g.mode_time_ms(TravelMode::Foot, e),
        );
        if car != NONE && foot != NONE {
            assert!(foot > car, "edge {e}");
        }
    }
}

#[test]
fn coverage_counts_each_unit_at_its_own_mode() {
    let (graph, _) = SyntheticCity::new(10_000, 5)
        .with_pedestrian_ways()
        .generate()
        .unwrap();
    let index = SnapIndex::new(&graph);
    let weights = TravelMode::ALL.map(|m| Weights::for_mode(&graph, m));
    let cov = CoverageIndex::new(&graph, index.segments(), Resolution::Nine);
    let router = |m: TravelMode| Router {
        graph: &graph,
        weights: &weights[m.index()],
        index: &index,
    };
    let (a, b, c, d) = graph.bbox();
    let mut rng = jingwu_routing::SplitMix64::new(9);
    let mut spots = Vec::new();
    for _ in 0..30 {
        spots.push((a + (c - a) * rng.next_f64(), b + (d - b) * rng.next_f64()));
    }
    let snap = |m: TravelMode| -> Vec<Position> {
        spots
            .iter()
            .map(|&(la, lo)| index.snap_for(la, lo, 1e6, &weights[m.index()]).unwrap())
            .collect()
    };
    let (cars, feet) = (snap(TravelMode::Car), snap(TravelMode::Foot));
    let limits = [60_000, 180_000, 300_000];
    let mut ws = Workspace::new(&graph);
    let as_cars = cov.evaluate(&router(TravelMode::Car), &mut ws, &cars, &limits);
    // One layer through evaluate_modes is the same report as evaluate.
    let one = cov.evaluate_modes(&[(router(TravelMode::Car), &cars)], &mut ws, &limits);
    assert_eq!(one.overall, as_cars.overall);
    assert_eq!(one.cell_time, as_cars.cell_time);
    // Two layers holding the same units (the union path) give that report again.
    let twice = cov.evaluate_modes(
        &[
            (router(TravelMode::Car), &cars[..20]),
            (router(TravelMode::Car), &cars[10..]),
        ],
        &mut ws,
        &limits,
    );
    assert_eq!(twice.cell_time, as_cars.cell_time);
    for (t, c) in twice.overall.iter().zip(&as_cars.overall) {
        assert_eq!(t.cells_covered, c.cells_covered);
        assert!((t.road_m_covered - c.road_m_covered).abs() < 1e-6 * c.road_m_total);
    }
    // The same 30 places with half of the units on foot: less coverage at every limit.
    let mixed = cov.evaluate_modes(
        &[
            (router(TravelMode::Car), &cars[..15]),
            (router(TravelMode::Foot), &feet[15..]),
        ],
        &mut ws,
        &limits,
    );
    for (m, c) in mixed.overall.iter().zip(&as_cars.overall) {
        assert!(m.road_m_covered < c.road_m_covered, "{m:?} vs {c:?}");
        assert!(m.cells_covered < c.cells_covered, "{m:?} vs {c:?}");
    }
    // Each layer alone is contained in the mix (union of the layers).
    let feet_only = cov.evaluate(&router(TravelMode::Foot), &mut ws, &feet[15..], &limits);
    for (m, f) in mixed.overall.iter().zip(&feet_only.overall) {
        assert!(m.cells_covered >= f.cells_covered);
        assert!(m.road_m_covered >= f.road_m_covered - 1e-6);
    }
    // No units at all: nothing covered.
    let none = cov.evaluate_modes(&[], &mut ws, &limits);
    assert!(none.overall.iter().all(|l| l.cells_covered == 0));
}
