//! The synthetic city generator: deterministic, connected, road-like.

use jingwu_routing::{Direction, SearchSpace, SyntheticCity, Weights, parse_spec};

#[test]
fn deterministic_and_seed_dependent() {
    let a = SyntheticCity::new(10_000, 1).generate().unwrap().0;
    let b = SyntheticCity::new(10_000, 1).generate().unwrap().0;
    let c = SyntheticCity::new(10_000, 2).generate().unwrap().0;
    assert_eq!(a, b);
    assert_ne!(a, c);
}

#[test]
fn road_like_structure() {
    let (g, report) = SyntheticCity::new(10_000, 3).generate().unwrap();
    assert!(g.node_count() >= 9_000, "{report:?}");
    // Strongly connected: everything reachable both ways from node 0.
    let w = Weights::new(&g);
    let mut s = SearchSpace::new(g.node_count());
    s.bounded(&g, &w, Direction::Forward, &[(0, 0)], u32::MAX - 1);
    assert_eq!(s.settled().len(), g.node_count());
    s.bounded(&g, &w, Direction::Backward, &[(0, 0)], u32::MAX - 1);
    assert_eq!(s.settled().len(), g.node_count());
    // One-way streets exist for cars (the way back, if any, is for pedestrians only), and
    // several speed classes.
    let car = |e: u32| w.time_ms(e).is_some();
    let oneway = (0..g.node_count() as u32)
        .flat_map(|u| g.out_edges(u).map(move |e| (u, e)))
        .filter(|&(u, e)| car(e) && !g.find_edge(g.head(e), u).is_some_and(car))
        .count();
    assert!(oneway > g.edge_count() / 50, "{oneway}");
    let mut speeds: Vec<i64> = (0..g.edge_count() as u32)
        .filter(|&e| car(e))
        .map(|e| (g.length_m(e) / (f64::from(g.base_time_ms(e)) / 1000.0) * 3.6).round() as i64)
        .collect();
    speeds.sort_unstable();
    speeds.dedup();
    assert!(speeds.len() >= 4, "{speeds:?}");
    // Plausible coordinates around Ningbo.
    let (a, b, c, d) = g.bbox();
    assert!(a > 29.5 && c < 30.3 && b > 121.2 && d < 121.9);
}

#[test]
fn spec_parsing() {
    assert_eq!(parse_spec("100000:7").unwrap().nodes, 100_000);
    assert_eq!(parse_spec("100000:7").unwrap().seed, 7);
    assert_eq!(parse_spec("1M").unwrap().nodes, 1_000_000);
    assert_eq!(parse_spec("10k").unwrap().seed, 1);
    assert!(parse_spec("x").is_err());
    assert!(parse_spec("10:y").is_err());
    assert!(parse_spec("2").is_err());
}
