//! Reference Dijkstra (petgraph) and random graphs; property tests of the core searches.

use std::collections::HashMap;

use jingwu_routing::{Direction, Graph, GraphBuilder, SearchSpace, Weights};
use petgraph::graph::{DiGraph, NodeIndex};
use proptest::prelude::*;

/// petgraph distances (ms) from virtual sources `(node, initial ms)`, over open edges of
/// `weights`, optionally reversed.
pub fn reference(
    graph: &Graph,
    weights: &Weights,
    sources: &[(u32, u32)],
    reverse: bool,
) -> HashMap<u32, u64> {
    let n = graph.node_count();
    let mut pg: DiGraph<(), u64> =
        DiGraph::with_capacity(n + 1, graph.edge_count() + sources.len());
    for _ in 0..=n {
        pg.add_node(());
    }
    for u in 0..n as u32 {
        for e in graph.out_edges(u) {
            if let Some(t) = weights.time_ms(e) {
                let (a, b) = if reverse {
                    (graph.head(e), u)
                } else {
                    (u, graph.head(e))
                };
                pg.add_edge(
                    NodeIndex::new(a as usize),
                    NodeIndex::new(b as usize),
                    u64::from(t),
                );
            }
        }
    }
    let s = NodeIndex::new(n);
    for &(v, c) in sources {
        pg.add_edge(s, NodeIndex::new(v as usize), u64::from(c));
    }
    petgraph::algo::dijkstra(&pg, s, None, |e| *e.weight())
        .into_iter()
        .filter(|(k, _)| k.index() < n)
        .map(|(k, d)| (k.index() as u32, d))
        .collect()
}

/// A random graph: `n` nodes on a small lat/lon patch, random directed edges.
pub fn random_graph(n: usize, edges: &[(usize, usize, u32)]) -> Option<Graph> {
    let mut b = GraphBuilder::new();
    for i in 0..n {
        b.add_node(
            30.0 + (i % 7) as f64 * 0.001,
            121.0 + (i / 7) as f64 * 0.001,
        )
        .unwrap();
    }
    for &(u, v, t) in edges {
        b.add_edge((u % n) as u32, (v % n) as u32, t, f64::from(t) / 10.0)
            .unwrap();
    }
    b.build().ok().map(|(g, _)| g)
}

fn graph_strategy() -> impl Strategy<Value = (usize, Vec<(usize, usize, u32)>)> {
    (3usize..40).prop_flat_map(|n| {
        (
            Just(n),
            prop::collection::vec((0..n, 0..n, 0u32..5000), n..n * 4),
        )
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn bounded_search_matches_petgraph((n, edges) in graph_strategy(), src in 0usize..1000, limit in 0u32..15000, c in 0u32..500) {
        let Some(g) = random_graph(n, &edges) else { return Ok(()) };
        let w = Weights::new(&g);
        let s = (src % g.node_count()) as u32;
        let mut space = SearchSpace::new(g.node_count());
        for (dir, reverse) in [(Direction::Forward, false), (Direction::Backward, true)] {
            space.bounded(&g, &w, dir, &[(s, c)], limit);
            let got: HashMap<u32, u64> = space.settled().iter().map(|&(v, d)| (v, u64::from(d))).collect();
            let want: HashMap<u32, u64> = reference(&g, &w, &[(s, c)], reverse).into_iter().filter(|&(_, d)| d <= u64::from(limit)).collect();
            prop_assert_eq!(got, want);
            // Settled in nondecreasing order.
            prop_assert!(space.settled().windows(2).all(|p| p[0].1 <= p[1].1));
        }
    }

    #[test]
    fn multi_source_and_closures_match_petgraph((n, edges) in graph_strategy(), srcs in prop::collection::vec((0usize..1000, 0u32..3000), 1..5), closed in prop::collection::vec(0usize..1000, 0..6), slow in 1.0f64..4.0) {
        let Some(g) = random_graph(n, &edges) else { return Ok(()) };
        let mut w = Weights::new(&g);
        let m = g.edge_count();
        let closed: Vec<u32> = closed.iter().map(|&e| (e % m) as u32).collect();
        w.close(&g, &closed[..closed.len() / 2]);
        w.slow(&g, &closed[closed.len() / 2..], slow);
        let sources: Vec<(u32, u32)> = srcs.iter().map(|&(v, c)| ((v % g.node_count()) as u32, c)).collect();
        let mut space = SearchSpace::new(g.node_count());
        space.bounded(&g, &w, Direction::Forward, &sources, u32::MAX - 1);
        let got: HashMap<u32, u64> = space.settled().iter().map(|&(v, d)| (v, u64::from(d))).collect();
        prop_assert_eq!(&got, &reference(&g, &w, &sources, false));
        // Backward weights mirror the overlay too.
        space.bounded(&g, &w, Direction::Backward, &sources, u32::MAX - 1);
        let got: HashMap<u32, u64> = space.settled().iter().map(|&(v, d)| (v, u64::from(d))).collect();
        prop_assert_eq!(&got, &reference(&g, &w, &sources, true));
        // Reset restores free flow exactly.
        w.reset(&g);
        prop_assert_eq!(&w, &Weights::new(&g));
    }

    #[test]
    fn cache_roundtrip((n, edges) in graph_strategy(), flip in 0usize..100_000) {
        let Some(g) = random_graph(n, &edges) else { return Ok(()) };
        let mut buf = Vec::new();
        jingwu_routing::write_graph(&g, &mut buf).unwrap();
        prop_assert_eq!(&jingwu_routing::read_graph(buf.as_slice()).unwrap(), &g);
        let mut bad = buf.clone();
        let i = flip % bad.len();
        bad[i] ^= 0x10;
        prop_assert!(jingwu_routing::read_graph(bad.as_slice()).is_err());
        prop_assert!(jingwu_routing::read_graph(&buf[..buf.len() - 1 - flip % (buf.len() - 1)]).is_err());
    }
}

#[test]
fn builder_keeps_largest_scc_and_reports_islands() {
    // 0<->1<->2 is strongly connected; 3 only reachable (one-way trap); 4-5 an island.
    let mut b = GraphBuilder::new();
    for i in 0..6 {
        b.add_node(30.0, 121.0 + f64::from(i) * 0.001).unwrap();
    }
    for (u, v) in [(0, 1), (1, 0), (1, 2), (2, 1), (2, 3), (4, 5), (5, 4)] {
        b.add_edge(u, v, 1000, 100.0).unwrap();
    }
    b.add_edge(0, 1, 500, 90.0).unwrap(); // parallel, faster: kept
    let (g, r) = b.build().unwrap();
    assert_eq!(g.node_count(), 3);
    assert_eq!(g.edge_count(), 4);
    assert_eq!(r.islands_dropped, 2);
    assert_eq!(r.nodes_dropped, 3);
    assert_eq!(r.duplicate_edges, 1);
    assert_eq!(g.base_time_ms(g.find_edge(0, 1).unwrap()), 500);
}

#[test]
fn bad_coordinates_are_rejected() {
    let mut b = GraphBuilder::new();
    assert!(b.add_node(91.0, 0.0).is_err());
    assert!(b.add_node(0.0, f64::NAN).is_err());
    assert!(b.add_edge(0, 1, 1, 1.0).is_err());
}
