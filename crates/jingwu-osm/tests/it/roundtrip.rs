//! `write_csv_graph` writes what `load_csv_graph` reads: the graph comes back unchanged, so
//! routing on an exported graph gives the same travel times to the millisecond.

use jingwu_routing::{Graph, Position, Router, SnapIndex, Weights, Workspace};

fn roundtrip(g: &Graph, name: &str) -> Graph {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join(name);
    jingwu_osm::write_csv_graph(g, &out).unwrap();
    let (back, report) = jingwu_osm::load_csv_graph(&out).unwrap();
    assert_eq!(report.nodes_dropped, 0, "{name}: {report:?}");
    assert_eq!(report.duplicate_edges, 0, "{name}: {report:?}");
    back
}

fn reach_from_nodes(g: &Graph) -> Vec<Vec<(u32, u32)>> {
    let w = Weights::new(g);
    let idx = SnapIndex::new(g);
    let router = Router {
        graph: g,
        weights: &w,
        index: &idx,
    };
    let mut ws = Workspace::new(g);
    (0..g.node_count() as u32)
        .step_by(g.node_count() / 7 + 1)
        .map(|n| {
            let p = Position::at_node(g, n).unwrap();
            let mut r = router.reach(&mut ws, &p, 300_000).to_vec();
            r.sort_unstable();
            r
        })
        .collect()
}

#[test]
fn a_synthetic_city_survives_export_and_reload() {
    let (g, _) = jingwu_routing::parse_spec("3000:11")
        .unwrap()
        .generate()
        .unwrap();
    let back = roundtrip(&g, "synthetic");
    assert_eq!(
        back, g,
        "coordinates, edges, times, lengths and shapes unchanged"
    );
    assert_eq!(reach_from_nodes(&back), reach_from_nodes(&g));
}

#[test]
fn a_real_extract_with_road_shapes_survives_export_and_reload() {
    let pbf = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../testdata/osm/helsinki/helsinki.osm.pbf");
    let (g, _) = jingwu_osm::import_pbf(&pbf, |_| {}).unwrap();
    assert!(
        (0..g.edge_count() as u32).any(|e| g.edge_geometry(e).len() > 2),
        "the extract has curved roads, so shapes are exercised"
    );
    let back = roundtrip(&g, "helsinki");
    assert_eq!(back, g);
}

#[test]
fn an_explicit_travel_time_wins_over_the_speed_and_bad_ones_are_named() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("nodes.csv"),
        "node_id,lon,lat\n1,7.0,43.0\n2,7.001,43.0\n",
    )
    .unwrap();
    let links = |t: &str| {
        format!(
            "a_node,b_node,direction,distance,link_type,speed_ab,speed_ba,seconds_ab,seconds_ba\n\
             1,2,0,100,residential,36,36,{t},\n"
        )
    };
    std::fs::write(dir.path().join("links.csv"), links("2.5")).unwrap();
    let (g, _) = jingwu_osm::load_csv_graph(dir.path()).unwrap();
    let g = &g;
    let times: Vec<(f64, u32)> = (0..g.node_count() as u32)
        .flat_map(|u| {
            g.out_edges(u)
                .map(move |e| (g.coord(u).1, g.base_time_ms(e)))
        })
        .collect();
    // 1 -> 2 takes the given 2.5 s; 2 -> 1 has no time, so 100 m at 36 km/h = 10 s.
    assert!(times.contains(&(7.0, 2_500)), "{times:?}");
    assert!(times.contains(&(7.001, 10_000)), "{times:?}");

    std::fs::write(dir.path().join("links.csv"), links("soon")).unwrap();
    let err = jingwu_osm::load_csv_graph(dir.path())
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("links.csv: line 2") && err.contains("soon"),
        "{err}"
    );
}
