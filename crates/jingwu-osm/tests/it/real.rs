//! Tests on the real extracts in `testdata/osm` (© OpenStreetMap contributors, ODbL 1.0).

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

use jingwu_routing::{
    Graph, Position, Resolution, Router, SnapIndex, Weights, Workspace, isochrones,
};
use petgraph::graph::{DiGraph, NodeIndex};
use sha2::{Digest, Sha256};

/// The fixtures ship in the repository, so a fresh clone needs nothing beside it.
fn osm(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../testdata/osm")
        .join(rel)
}

/// A fixture altered by a checkout (line-ending conversion, a large-file pointer) would make
/// the tests below fail in puzzling ways; this says what is wrong instead.
#[test]
fn fixtures_match_their_checksums() {
    let sums = std::fs::read_to_string(osm("SHA256SUMS")).unwrap();
    let mut checked = 0;
    for line in sums.lines().filter(|l| !l.trim().is_empty()) {
        let (want, file) = line.split_once("  ").unwrap();
        let bytes = std::fs::read(osm(file)).unwrap();
        let got: String = Sha256::digest(&bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(got, want, "testdata/osm/{file} differs from SHA256SUMS");
        checked += 1;
    }
    assert_eq!(checked, 4, "SHA256SUMS lists every fixture");
}

fn pbf(name: &str) -> Graph {
    let (g, r) = jingwu_osm::import_pbf(&osm(&format!("{name}/{name}.osm.pbf")), |_| {}).unwrap();
    assert!(r.ways_drivable > 100, "{r:?}");
    g
}

/// petgraph distances (ms) from a virtual source with edges to `sources`.
fn reference(g: &Graph, sources: &[(u32, u32)]) -> HashMap<u32, u64> {
    let n = g.node_count();
    let mut pg: DiGraph<(), u64> = DiGraph::new();
    for _ in 0..=n {
        pg.add_node(());
    }
    for u in 0..n as u32 {
        for e in g.out_edges(u) {
            pg.add_edge(
                NodeIndex::new(u as usize),
                NodeIndex::new(g.head(e) as usize),
                u64::from(g.base_time_ms(e)),
            );
        }
    }
    for &(v, c) in sources {
        pg.add_edge(NodeIndex::new(n), NodeIndex::new(v as usize), u64::from(c));
    }
    petgraph::algo::dijkstra(&pg, NodeIndex::new(n), None, |e| *e.weight())
        .into_iter()
        .filter(|(k, _)| k.index() < n)
        .map(|(k, d)| (k.index() as u32, d))
        .collect()
}

/// Reach and isochrones from several coordinates equal the reference exactly.
fn check_against_reference(g: &Graph) {
    let w = Weights::new(g);
    let idx = SnapIndex::new(g);
    let router = Router {
        graph: g,
        weights: &w,
        index: &idx,
    };
    let mut ws = Workspace::new(g);
    let (a, b, c, d) = g.bbox();
    let mut rng = jingwu_routing::SplitMix64::new(5);
    let mut checked = 0;
    while checked < 6 {
        let lat = a + (c - a) * rng.next_f64();
        let lon = b + (d - b) * rng.next_f64();
        let Ok(from) = idx.snap(lat, lon) else {
            continue;
        };
        checked += 1;
        let want = reference(g, &from.departures(&w));
        for limit in [60_000u32, 180_000, 300_000] {
            let got: HashMap<u32, u64> = router
                .reach(&mut ws, &from, limit)
                .iter()
                .map(|&(v, t)| (v, u64::from(t)))
                .collect();
            let expect: HashMap<u32, u64> = want
                .iter()
                .filter(|&(_, &t)| t <= u64::from(limit))
                .map(|(&v, &t)| (v, t))
                .collect();
            assert!(
                got == expect,
                "from {lat},{lon} limit {limit}: {} nodes vs {} in the reference",
                got.len(),
                expect.len()
            );
        }
        let bands = isochrones(
            &router,
            &mut ws,
            &from,
            &[60_000, 180_000, 300_000],
            Resolution::Ten,
            false,
        )
        .unwrap();
        for band in &bands {
            assert_eq!(
                band.nodes,
                want.values()
                    .filter(|&&t| t <= u64::from(band.limit_ms))
                    .count()
            );
        }
    }
    // Node positions: reach from a node is the plain node Dijkstra.
    for n in (0..g.node_count() as u32).step_by(g.node_count() / 5 + 1) {
        let p = Position::at_node(g, n).unwrap();
        let got: HashMap<u32, u64> = router
            .reach(&mut ws, &p, u32::MAX - 1)
            .iter()
            .map(|&(v, t)| (v, u64::from(t)))
            .collect();
        assert!(
            got == reference(g, &[(n, 0)]),
            "reach from node {n} differs from the reference"
        );
        assert_eq!(
            got.len(),
            g.node_count(),
            "largest SCC: all nodes reachable"
        );
    }
}

/// Directed consecutive node pairs (fixed-point coordinates) of ways tagged one-way in the
/// file, read independently of the importer.
fn oneway_pairs(name: &str) -> HashSet<((i32, i32), (i32, i32))> {
    use osmpbf::{Element, ElementReader};
    let path = osm(&format!("{name}/{name}.osm.pbf"));
    let mut coords: HashMap<i64, (i32, i32)> = HashMap::new();
    let mut ways: Vec<(Vec<i64>, bool)> = Vec::new();
    ElementReader::from_path(&path)
        .unwrap()
        .for_each(|el| match el {
            Element::DenseNode(n) => {
                coords.insert(n.id(), (n.decimicro_lat(), n.decimicro_lon()));
            }
            Element::Node(n) => {
                coords.insert(n.id(), (n.decimicro_lat(), n.decimicro_lon()));
            }
            Element::Way(w) => {
                let tags: HashMap<&str, &str> = w.tags().collect();
                let hw = tags.get("highway").copied().unwrap_or("");
                let explicit = tags.get("oneway").copied();
                let oneway = match explicit {
                    Some("yes" | "true" | "1") => Some(true),
                    Some("-1" | "reverse") => Some(false),
                    Some(_) => None,
                    None if tags.get("junction") == Some(&"roundabout") || hw == "motorway" => {
                        Some(true)
                    }
                    None => None,
                };
                if let Some(fwd) = oneway
                    && jingwu_routing::default_speed(hw).is_some()
                {
                    ways.push((w.refs().collect(), fwd));
                }
            }
            _ => {}
        })
        .unwrap();
    let mut pairs = HashSet::new();
    for (refs, fwd) in ways {
        for p in refs.windows(2) {
            if let (Some(&a), Some(&b)) = (coords.get(&p[0]), coords.get(&p[1])) {
                pairs.insert(if fwd { (a, b) } else { (b, a) });
            }
        }
    }
    pairs
}

fn fixed(p: (f64, f64)) -> (i32, i32) {
    ((p.0 * 1e7).round() as i32, (p.1 * 1e7).round() as i32)
}

fn check_oneways(name: &str, g: &Graph) {
    let pairs = oneway_pairs(name);
    let mut along = 0;
    for u in 0..g.node_count() as u32 {
        for e in g.out_edges(u) {
            let geom: Vec<(i32, i32)> = g.edge_geometry(e).into_iter().map(fixed).collect();
            for s in geom.windows(2) {
                let (a, b) = (s[0], s[1]);
                if pairs.contains(&(a, b)) {
                    along += 1;
                }
                assert!(
                    !pairs.contains(&(b, a)) || pairs.contains(&(a, b)),
                    "{name}: edge {e} runs against a one-way at {a:?} -> {b:?}"
                );
            }
        }
    }
    assert!(along > 20, "{name}: only {along} one-way pieces found");
}

#[test]
fn monaco_matches_reference_and_respects_oneways() {
    let g = pbf("monaco");
    assert!(g.node_count() > 1_000);
    check_against_reference(&g);
    check_oneways("monaco", &g);
}

#[test]
fn helsinki_matches_reference_and_respects_oneways() {
    let g = pbf("helsinki");
    assert!(g.node_count() > 300);
    check_against_reference(&g);
    check_oneways("helsinki", &g);
}

#[test]
fn helsinki_missing_nodes_are_skipped_and_reported() {
    let (_, r) = jingwu_osm::import_pbf(&osm("helsinki/helsinki.osm.pbf"), |_| {}).unwrap();
    assert!(r.missing_node_refs > 0, "{r:?}");
    assert!(r.build.islands_dropped > 0);
}

#[test]
fn coquimbo_csv_matches_reference_and_respects_directions() {
    let (g, report) = jingwu_osm::load_csv_graph(&osm("coquimbo")).unwrap();
    assert!(g.node_count() > 10_000, "{report:?}");
    check_against_reference(&g);
    // direction=1 links exist only a -> b: find them by node coordinates.
    let text = std::fs::read_to_string(osm("coquimbo/links.csv")).unwrap();
    let mut rdr = csv::Reader::from_reader(text.as_bytes());
    let mut ab = HashSet::new();
    let mut two_way = HashSet::new();
    for rec in rdr.records() {
        let rec = rec.unwrap();
        let (a, b, dir) = (rec[1].to_string(), rec[2].to_string(), rec[3].to_string());
        if dir == "1" {
            ab.insert((a, b));
        } else {
            two_way.insert((a.clone(), b.clone()));
            two_way.insert((b, a));
        }
    }
    let ntext = std::fs::read_to_string(osm("coquimbo/nodes.csv")).unwrap();
    let mut nrdr = csv::Reader::from_reader(ntext.as_bytes());
    let mut by_coord: HashMap<(i32, i32), String> = HashMap::new();
    for rec in nrdr.records() {
        let rec = rec.unwrap();
        let (lon, lat): (f64, f64) = (rec[3].parse().unwrap(), rec[4].parse().unwrap());
        by_coord.insert(fixed((lat, lon)), rec[0].to_string());
    }
    let mut checked = 0;
    for u in 0..g.node_count() as u32 {
        for e in g.out_edges(u) {
            let (Some(a), Some(b)) = (
                by_coord.get(&fixed(g.coord(u))),
                by_coord.get(&fixed(g.coord(g.head(e)))),
            ) else {
                continue;
            };
            let key = (b.clone(), a.clone());
            if ab.contains(&key) && !two_way.contains(&key) && !ab.contains(&(a.clone(), b.clone()))
            {
                panic!("edge {a} -> {b} runs against a one-way link");
            }
            if ab.contains(&(a.clone(), b.clone())) {
                checked += 1;
            }
        }
    }
    assert!(checked > 1_000, "{checked}");
}

#[test]
fn bad_files_give_errors_not_panics() {
    let dir = std::env::temp_dir().join(format!("jingwu-osm-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let missing = jingwu_osm::import_pbf(&dir.join("nope.osm.pbf"), |_| {})
        .unwrap_err()
        .to_string();
    assert!(missing.contains("nope.osm.pbf"), "{missing}");
    let junk = dir.join("junk.osm.pbf");
    std::fs::write(&junk, b"this is not a pbf file at all").unwrap();
    let err = jingwu_osm::import_pbf(&junk, |_| {})
        .unwrap_err()
        .to_string();
    assert!(err.contains("junk.osm.pbf"), "{err}");
    let csv_err = jingwu_osm::load_csv_graph(&dir).unwrap_err().to_string();
    assert!(csv_err.contains("nodes.csv"), "{csv_err}");
    std::fs::write(
        dir.join("nodes.csv"),
        "node_id,lon,lat\n1,7.0,43.0\n2,x,43.0\n",
    )
    .unwrap();
    let csv_err = jingwu_osm::load_csv_graph(&dir).unwrap_err().to_string();
    assert!(csv_err.contains("line 3"), "{csv_err}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn monaco_with_travel_modes_walks_footways_and_against_one_ways() {
    use jingwu_routing::TravelMode;
    let path = osm("monaco/monaco.osm.pbf");
    let (g, r) = jingwu_osm::import_pbf_modes(&path, |_| {}).unwrap();
    let (cars_only, _) = jingwu_osm::import_pbf(&path, |_| {}).unwrap();
    assert!(r.ways_drivable > 100, "{r:?}");
    assert!(
        g.node_count() > cars_only.node_count(),
        "footway junctions kept"
    );
    let pairs = oneway_pairs("monaco");
    let (mut foot_only, mut walked_against) = (0, 0);
    for u in 0..g.node_count() as u32 {
        for e in g.out_edges(u) {
            let car = g.allows(TravelMode::Car, e);
            foot_only += usize::from(!car && g.allows(TravelMode::Foot, e));
            let geom: Vec<(i32, i32)> = g.edge_geometry(e).into_iter().map(fixed).collect();
            let against = geom
                .windows(2)
                .any(|s| pairs.contains(&(s[1], s[0])) && !pairs.contains(&(s[0], s[1])));
            // Vehicles keep one-way rules; pedestrians do not.
            assert!(!against || !car, "car edge {e} runs against a one-way");
            assert!(!against || !g.allows(TravelMode::Motorbike, e));
            walked_against += usize::from(against && g.allows(TravelMode::Foot, e));
        }
    }
    assert!(foot_only > 100, "{foot_only} pedestrian-only edges");
    assert!(
        walked_against > 5,
        "{walked_against} edges walked against a one-way"
    );
    // Every mode reaches every node it may use from any of them (its largest component).
    for mode in TravelMode::ALL {
        let w = Weights::for_mode(&g, mode);
        let usable: Vec<u32> = (0..g.node_count() as u32)
            .filter(|&n| g.out_edges(n).any(|e| w.time_ms(e).is_some()))
            .collect();
        let mut s = jingwu_routing::SearchSpace::new(g.node_count());
        s.bounded(
            &g,
            &w,
            jingwu_routing::Direction::Forward,
            &[(usable[0], 0)],
            u32::MAX - 1,
        );
        assert_eq!(s.settled().len(), usable.len(), "{mode:?}");
    }
}
