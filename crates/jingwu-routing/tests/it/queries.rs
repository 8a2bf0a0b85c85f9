//! Snapping, ranking, routes, isochrones and coverage against brute force on synthetic cities.

use jingwu_routing::{
    CoverageIndex, Direction, MoveUpRequest, Position, Resolution, Router, SnapIndex,
    SyntheticCity, Weights, Workspace, grid_candidates, isochrones,
};

use crate::oracle::reference;

struct Fixture {
    graph: jingwu_routing::Graph,
    weights: Weights,
    index: SnapIndex,
}

impl Fixture {
    fn new(nodes: usize, seed: u64) -> Self {
        let (graph, _) = SyntheticCity::new(nodes, seed).generate().unwrap();
        let weights = Weights::new(&graph);
        let index = SnapIndex::new(&graph);
        Self {
            graph,
            weights,
            index,
        }
    }
    fn router(&self) -> Router<'_> {
        Router {
            graph: &self.graph,
            weights: &self.weights,
            index: &self.index,
        }
    }
    fn positions(&self, n: usize, seed: u64) -> Vec<Position> {
        let (a, b, c, d) = self.graph.bbox();
        let mut rng = jingwu_routing::SplitMix64::new(seed);
        (0..n)
            .map(|_| {
                let lat = a + (c - a) * rng.next_f64();
                let lon = b + (d - b) * rng.next_f64();
                self.index.snap_within(lat, lon, 1e6).unwrap()
            })
            .collect()
    }
}

/// Brute-force ETA from `unit` to `target` using a full backward reference search.
fn brute_eta(f: &Fixture, unit: &Position, target: &Position) -> Option<u64> {
    let to = reference(&f.graph, &f.weights, &target.arrivals(&f.weights), true);
    let via = unit
        .departures(&f.weights)
        .into_iter()
        .filter_map(|(n, c)| to.get(&n).map(|d| d + u64::from(c)))
        .min();
    let direct = unit.direct_ms(target, &f.weights).map(u64::from);
    via.into_iter().chain(direct).min()
}

#[test]
fn snapping_finds_nodes_and_rejects_far_points() {
    let f = Fixture::new(2_000, 3);
    for n in (0..f.graph.node_count() as u32).step_by(97) {
        let (lat, lon) = f.graph.coord(n);
        let p = f.index.snap(lat, lon).unwrap();
        assert!(p.offset_m < 0.5, "node {n} snapped {} m away", p.offset_m);
        let s = p.segment;
        assert!(
            (s.a == n && p.t < 1e-6) || (s.b == n && p.t > 1.0 - 1e-6),
            "node {n}: {p:?}"
        );
    }
    let err = f.index.snap(0.0, 0.0).unwrap_err().to_string();
    assert!(err.contains("no road within"), "{err}");
    assert!(f.index.snap(100.0, 0.0).is_err());
}

#[test]
fn partial_edges_split_travel_time() {
    let f = Fixture::new(2_000, 4);
    for p in f.positions(50, 9) {
        let s = p.segment;
        let dep = p.departures(&f.weights);
        let arr = p.arrivals(&f.weights);
        if s.ab != jingwu_routing::NONE {
            let t = f.weights.time_ms(s.ab).unwrap();
            let out = dep.iter().find(|d| d.0 == s.b).unwrap().1;
            let inn = arr.iter().find(|d| d.0 == s.a).unwrap().1;
            assert!((i64::from(out) + i64::from(inn) - i64::from(t)).abs() <= 1);
        } else {
            // One-way b -> a: cannot leave towards b nor arrive from a.
            assert!(
                dep.iter()
                    .all(|d| d.0 != s.b || s.ba != jingwu_routing::NONE)
            );
        }
    }
}

#[test]
fn rank_units_matches_brute_force() {
    let f = Fixture::new(3_000, 5);
    let units = f.positions(40, 1);
    let mut ws = Workspace::new(&f.graph);
    for target in f.positions(8, 2) {
        let mut all: Vec<(u64, usize)> = units
            .iter()
            .enumerate()
            .filter_map(|(i, u)| brute_eta(&f, u, &target).map(|t| (t, i)))
            .collect();
        all.sort_unstable();
        for k in [1, 5, 40] {
            let got = f
                .router()
                .rank_units(&mut ws, &units, &target, k, u32::MAX - 1);
            assert_eq!(got.len(), k.min(all.len()));
            let want_times: Vec<u64> = all.iter().take(k).map(|x| x.0).collect();
            let got_times: Vec<u64> = got.iter().map(|e| u64::from(e.time_ms)).collect();
            assert_eq!(got_times, want_times, "k={k}");
            for e in &got {
                assert_eq!(
                    Some(u64::from(e.time_ms)),
                    brute_eta(&f, &units[e.unit], &target)
                );
            }
        }
        // A time limit cuts the list.
        let limited = f.router().rank_units(&mut ws, &units, &target, 40, 120_000);
        assert!(limited.iter().all(|e| e.time_ms <= 120_000));
        assert_eq!(limited.len(), all.iter().filter(|x| x.0 <= 120_000).count());
    }
}

#[test]
fn routes_agree_with_searches() {
    let f = Fixture::new(3_000, 6);
    let mut ws = Workspace::new(&f.graph);
    let pts = f.positions(20, 3);
    for pair in pts.windows(2) {
        let (a, b) = (&pair[0], &pair[1]);
        let r = f.router().route(&mut ws, a, b).unwrap();
        assert_eq!(Some(u64::from(r.time_ms)), brute_eta(&f, a, b));
        assert_eq!(r.coords.first(), Some(&a.point));
        assert_eq!(r.coords.last(), Some(&b.point));
        assert!(r.meters >= 0.0);
        // Consecutive route nodes are joined by edges.
        for w in r.nodes.windows(2) {
            assert!(f.graph.find_edge(w[0], w[1]).is_some());
        }
    }
    // Between nodes, the length is the sum of the edges passed.
    for n in (0..f.graph.node_count() as u32)
        .step_by(211)
        .collect::<Vec<_>>()
        .windows(2)
    {
        let (a, b) = (
            Position::at_node(&f.graph, n[0]).unwrap(),
            Position::at_node(&f.graph, n[1]).unwrap(),
        );
        let r = f.router().route(&mut ws, &a, &b).unwrap();
        let sum: f64 = r
            .nodes
            .windows(2)
            .map(|w| f.graph.length_m(f.graph.find_edge(w[0], w[1]).unwrap()))
            .sum();
        assert!((r.meters - sum).abs() < 1e-6, "{} vs {sum}", r.meters);
        assert_eq!(r.nodes.first(), Some(&n[0]));
        assert_eq!(r.nodes.last(), Some(&n[1]));
    }
    // Same point: zero time.
    let r = f.router().route(&mut ws, &pts[0], &pts[0]).unwrap();
    assert_eq!(r.time_ms, 0);
}

#[test]
fn isochrones_are_exact_and_nested() {
    let f = Fixture::new(5_000, 7);
    let mut ws = Workspace::new(&f.graph);
    for from in f.positions(3, 4) {
        let limits = [60_000, 180_000, 300_000];
        let bands =
            isochrones(&f.router(), &mut ws, &from, &limits, Resolution::Ten, true).unwrap();
        let want = reference(&f.graph, &f.weights, &from.departures(&f.weights), false);
        for (band, &l) in bands.iter().zip(&limits) {
            assert_eq!(
                band.nodes,
                want.values().filter(|&&d| d <= u64::from(l)).count()
            );
            assert!(!band.cells.is_empty());
            assert!(!band.polygon.0.is_empty());
        }
        for pair in bands.windows(2) {
            assert!(
                pair[0]
                    .cells
                    .iter()
                    .all(|c| pair[1].cells.binary_search(c).is_ok())
            );
            assert!(pair[0].road_m <= pair[1].road_m);
        }
        // The precomputed-cell variant reaches the same network and mostly the same cells.
        let idx = CoverageIndex::new(&f.graph, f.index.segments(), Resolution::Ten);
        let fast = idx
            .isochrones(&f.router(), &mut ws, &from, &limits, false)
            .unwrap();
        for (a, b) in bands.iter().zip(&fast) {
            assert_eq!(a.nodes, b.nodes);
            assert!((a.road_m - b.road_m).abs() < 1e-6);
            let common = b
                .cells
                .iter()
                .filter(|c| a.cells.binary_search(c).is_ok())
                .count();
            assert!(
                common * 10 >= b.cells.len() * 9,
                "{common} of {}",
                b.cells.len()
            );
            assert!(!b.polygon.0.is_empty());
        }
        // Every reached node's time is within the limit and equals the reference.
        let reach = f.router().reach(&mut ws, &from, 300_000).to_vec();
        for (v, d) in reach {
            assert_eq!(want.get(&v), Some(&u64::from(d)));
        }
    }
}

#[test]
fn coverage_agrees_with_single_unit_cover_sets() {
    let f = Fixture::new(4_000, 8);
    let mut ws = Workspace::new(&f.graph);
    let idx = CoverageIndex::new(&f.graph, f.index.segments(), Resolution::Nine);
    let unit = f.positions(1, 5);
    let limits = [60_000, 180_000, 300_000];
    let rep = idx.evaluate(&f.router(), &mut ws, &unit, &limits);
    for (l, &ms) in rep.overall.iter().zip(&limits) {
        let set = idx.cover_set(&f.router(), &mut ws, &unit[0], ms);
        assert_eq!(l.cells_covered, set.len(), "limit {ms}");
        assert!(l.road_m_covered <= l.road_m_total + 1e-6);
        assert_eq!(l.cells_total, idx.cells().len());
        assert_eq!(
            idx.uncovered_cells(&rep, ms).len(),
            l.cells_total - l.cells_covered
        );
    }
    assert!(
        rep.overall
            .windows(2)
            .all(|p| p[0].cells_covered <= p[1].cells_covered
                && p[0].road_m_covered <= p[1].road_m_covered)
    );
    // Areas (even/odd node ids) partition the totals.
    let mut idx = idx;
    let of_node: Vec<u32> = (0..f.graph.node_count() as u32).map(|n| n % 2).collect();
    idx.set_node_areas(&of_node, vec!["even".into(), "odd".into()]);
    let rep = idx.evaluate(&f.router(), &mut ws, &unit, &limits);
    assert_eq!(rep.areas.len(), 2);
    for li in 0..limits.len() {
        let cells: usize = rep.areas.iter().map(|a| a.limits[li].cells_total).sum();
        let covered: usize = rep.areas.iter().map(|a| a.limits[li].cells_covered).sum();
        let road: f64 = rep.areas.iter().map(|a| a.limits[li].road_m_covered).sum();
        assert_eq!(cells, rep.overall[li].cells_total);
        assert_eq!(covered, rep.overall[li].cells_covered);
        assert!((road - rep.overall[li].road_m_covered).abs() < 1e-3);
    }
    // All nodes are units: everything with a node sample is covered at once.
    let all: Vec<Position> = (0..f.graph.node_count() as u32)
        .filter_map(|n| Position::at_node(&f.graph, n))
        .collect();
    let full = idx.evaluate(&f.router(), &mut ws, &all, &[300_000]);
    assert_eq!(full.overall[0].cells_covered, full.overall[0].cells_total);
    assert!((full.overall[0].road_share() - 1.0).abs() < 1e-9);
}

#[test]
fn greedy_move_up_is_consistent() {
    let f = Fixture::new(6_000, 9);
    let mut ws = Workspace::new(&f.graph);
    let idx = CoverageIndex::new(&f.graph, f.index.segments(), Resolution::Nine);
    let units = f.positions(6, 6);
    let cands = grid_candidates(&f.graph, Resolution::Eight);
    assert!(cands.len() > 5);
    let m = idx.suggest_moves(
        &f.router(),
        &mut ws,
        &MoveUpRequest {
            units: &units,
            idle: None,
            candidates: &cands,
            k: 2,
            limit_ms: 180_000,
        },
    );
    assert_eq!(m.sites.len(), 2);
    assert_eq!(m.units.len(), 2);
    // Greedy gains are nonincreasing (submodularity) and the first pick is the best single site.
    assert!(m.gains[0] >= m.gains[1]);
    let stay: Vec<Position> = units
        .iter()
        .enumerate()
        .filter(|(i, _)| !m.units.contains(i))
        .map(|(_, p)| *p)
        .collect();
    let mut covered = std::collections::BTreeSet::new();
    for p in &stay {
        covered.extend(idx.cover_set(&f.router(), &mut ws, p, 180_000));
    }
    let best_single = cands
        .iter()
        .map(|c| {
            idx.cover_set(&f.router(), &mut ws, c, 180_000)
                .into_iter()
                .filter(|x| !covered.contains(x))
                .count()
        })
        .max()
        .unwrap();
    assert_eq!(m.gains[0], best_single);
    assert_eq!(m.cells_after, covered.len() + m.gains.iter().sum::<usize>());
    // With explicit idle flags, only idle units move.
    let idle = [false, true, false, false, false, false];
    let m = idx.suggest_moves(
        &f.router(),
        &mut ws,
        &MoveUpRequest {
            units: &units,
            idle: Some(&idle),
            candidates: &cands,
            k: 3,
            limit_ms: 180_000,
        },
    );
    assert_eq!(m.units, vec![1]);
}

#[test]
fn closures_change_etas_at_once() {
    let f = Fixture::new(2_000, 10);
    let mut w = Weights::new(&f.graph);
    let from = f.positions(1, 7)[0];
    let mut ws = Workspace::new(&f.graph);
    let r = Router {
        graph: &f.graph,
        weights: &w,
        index: &f.index,
    };
    let before = r.reach(&mut ws, &from, 600_000).to_vec();
    // Close every edge leaving the start's segment ends: nothing beyond them is reachable.
    let s = from.segment;
    let mut closed: Vec<u32> = f
        .graph
        .out_edges(s.a)
        .chain(f.graph.out_edges(s.b))
        .collect();
    closed.extend(
        [s.ab, s.ba]
            .into_iter()
            .filter(|&e| e != jingwu_routing::NONE),
    );
    w.close(&f.graph, &closed);
    let r = Router {
        graph: &f.graph,
        weights: &w,
        index: &f.index,
    };
    let after = r.reach(&mut ws, &from, 600_000).to_vec();
    assert!(before.len() > 10);
    assert!(after.is_empty(), "{after:?}");
    let _ = Direction::Forward;
}

#[test]
fn segments_in_a_box_match_a_scan_of_their_shapes() {
    let f = Fixture::new(3_000, 77);
    let (a, b, c, d) = f.graph.bbox();
    // A quarter of the city, off-centre.
    let (lat0, lon0) = (a + (c - a) * 0.3, b + (d - b) * 0.4);
    let (lat1, lon1) = (a + (c - a) * 0.55, b + (d - b) * 0.65);
    let got = f.index.segments_in_box(lat0, lon0, lat1, lon1);
    assert!(!got.is_empty());
    assert!(got.windows(2).all(|w| w[0] < w[1]), "sorted, no repeats");
    let inside = |p: &(f64, f64)| (lat0..=lat1).contains(&p.0) && (lon0..=lon1).contains(&p.1);
    // Every segment with a shape point inside the box is found; every segment found has its
    // shape's bounding box overlapping the box (the index works on straight pieces).
    for (id, s) in f.index.segments().iter().enumerate() {
        let e = s.edge();
        let shape = f.graph.edge_geometry(e);
        let found = got.binary_search(&(id as u32)).is_ok();
        if shape.iter().any(inside) {
            assert!(found, "segment {id} has a point inside but was not found");
        }
        if found {
            let (mut la0, mut lo0, mut la1, mut lo1) = (90.0, 180.0, -90.0, -180.0);
            for &(la, lo) in &shape {
                la0 = f64::min(la0, la);
                lo0 = f64::min(lo0, lo);
                la1 = f64::max(la1, la);
                lo1 = f64::max(lo1, lo);
            }
            let slack = 1e-4;
            assert!(
                la0 <= lat1 + slack
                    && la1 >= lat0 - slack
                    && lo0 <= lon1 + slack
                    && lo1 >= lon0 - slack
            );
        }
    }
}
