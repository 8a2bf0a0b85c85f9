//! `jingwu bench routing`: engine figures on one graph, printed as a Markdown table.

use std::time::Instant;

use anyhow::Result;
use jingwu_routing::{CoverageIndex, Position, Workspace, isochrones};

use super::{COVERAGE_RES, ISO_RES, Net, Source, load, random_positions};

fn median(mut v: Vec<f64>) -> f64 {
    if v.is_empty() {
        return f64::NAN;
    }
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn time<T>(f: impl FnOnce() -> T) -> (T, f64) {
    let t = Instant::now();
    let r = f();
    (r, t.elapsed().as_secs_f64() * 1000.0)
}

pub fn run(src: &Source, queries: usize, nunits: usize) -> Result<()> {
    let mut src = src.clone();
    if src.pbf.is_none()
        && src.synthetic.is_none()
        && src.csv_graph.is_none()
        && src.graph.is_none()
    {
        src.synthetic = Some("100000".into());
    }
    let queries = queries.max(1);
    let mut rows: Vec<(String, String)> = Vec::new();
    let mut row = |k: &str, v: String| rows.push((k.to_string(), v));
    let loaded = load(&src)?;
    row(
        "graph",
        loaded
            .notes
            .get("source")
            .and_then(|s| s.as_str())
            .unwrap_or("?")
            .to_string(),
    );
    row(
        "load / import / generate (s)",
        format!("{:.3}", loaded.load_seconds),
    );
    let g = loaded.graph;
    row("nodes", g.node_count().to_string());
    row("directed edges", g.edge_count().to_string());
    row(
        "graph memory (bytes per directed edge)",
        format!(
            "{:.1}",
            g.memory_bytes() as f64 / g.edge_count().max(1) as f64
        ),
    );
    let mut buf = Vec::new();
    let ((), w_ms) = time(|| {
        let _ = jingwu_routing::write_graph(&g, &mut buf);
    });
    let (back, r_ms) = time(|| jingwu_routing::read_graph(buf.as_slice()));
    row(
        "cache write / load (ms)",
        format!(
            "{w_ms:.1} / {r_ms:.1} ({} MB{})",
            buf.len() >> 20,
            if back.is_ok() { "" } else { ", LOAD FAILED" }
        ),
    );
    drop(back);
    let (net, idx_ms) = time(|| Net::new(g, src.max_snap_m));
    row("snap index build (ms)", format!("{idx_ms:.1}"));
    let router = net.router();
    let mut ws = Workspace::new(&net.graph);

    let (a, b, c, d) = net.graph.bbox();
    let mut rng = jingwu_routing::SplitMix64::new(42);
    let snaps: Vec<f64> = (0..queries * 10)
        .map(|_| {
            let lat = a + (c - a) * rng.next_f64();
            let lon = b + (d - b) * rng.next_f64();
            time(|| net.index.snap_within(lat, lon, 1e9)).1 * 1000.0
        })
        .collect();
    row(
        "snap a coordinate (µs, median)",
        format!("{:.2}", median(snaps)),
    );

    let starts = random_positions(&net.graph, queries, 7);
    let mut settled_total = 0usize;
    let mut total_ms = 0.0;
    let reach: Vec<f64> = starts
        .iter()
        .map(|p| {
            let (n, ms) = time(|| router.reach(&mut ws, p, 300_000).len());
            settled_total += n;
            total_ms += ms;
            ms
        })
        .collect();
    row("5-min reach (ms, median)", format!("{:.3}", median(reach)));
    row(
        "5-min reach: nodes settled (mean)",
        format!("{:.0}", settled_total as f64 / queries as f64),
    );
    row(
        "settled nodes per second (5-min reach)",
        format!("{:.2e}", settled_total as f64 / (total_ms / 1000.0)),
    );

    let units = random_positions(&net.graph, nunits, 11);
    let targets = random_positions(&net.graph, queries, 13);
    for (label, k) in [
        ("rank units, k=1", 1usize),
        ("rank units, k=10", 10),
        ("rank units, all", nunits),
    ] {
        let v: Vec<f64> = targets
            .iter()
            .map(|t| time(|| router.rank_units(&mut ws, &units, t, k, 3_600_000)).1)
            .collect();
        row(
            &format!("{label} of {nunits} (ms, median)"),
            format!("{:.3}", median(v)),
        );
    }
    let v: Vec<f64> = starts
        .iter()
        .zip(&targets)
        .map(|(s, t)| time(|| router.route(&mut ws, s, t)).1)
        .collect();
    row(
        "point-to-point route (ms, median)",
        format!("{:.3}", median(v)),
    );

    let iso_n = queries.min(30);
    let v: Vec<f64> = starts[..iso_n]
        .iter()
        .map(|p| {
            time(|| {
                isochrones(
                    &router,
                    &mut ws,
                    p,
                    &[60_000, 180_000, 300_000],
                    ISO_RES,
                    false,
                )
            })
            .1
        })
        .collect();
    row(
        "isochrone polygons 60/180/300 s, H3 res 10 (ms, median)",
        format!("{:.2}", median(v)),
    );

    let (cov, cov_ms) = time(|| CoverageIndex::new(&net.graph, net.index.segments(), COVERAGE_RES));
    row(
        "coverage index build, H3 res 9 (ms)",
        format!(
            "{cov_ms:.1} ({} cells, {} samples)",
            cov.cells().len(),
            cov.sample_count()
        ),
    );
    let limits = [60_000, 180_000, 300_000];
    let mut search_only = Vec::new();
    let v: Vec<f64> = (0..10)
        .map(|_| {
            search_only.push(time(|| router.multi_source(&mut ws, &units, 300_000).len()).1);
            time(|| cov.evaluate(&router, &mut ws, &units, &limits)).1
        })
        .collect();
    let report = cov.evaluate(&router, &mut ws, &units, &limits);
    row(
        &format!("coverage 60/180/300 s of {nunits} units (ms, median)"),
        format!("{:.1} (search alone {:.1})", median(v), median(search_only)),
    );
    let shares: Vec<String> = report
        .overall
        .iter()
        .map(|l| {
            format!(
                "{:.1}%/{:.1}%",
                100.0 * l.road_share(),
                100.0 * l.cell_share()
            )
        })
        .collect();
    row("covered road/cells at 60/180/300 s", shares.join(", "));
    let candidates: Vec<Position> =
        jingwu_routing::grid_candidates(&net.graph, jingwu_routing::Resolution::Eight);
    let (m, mv_ms) = time(|| {
        cov.suggest_moves(
            &router,
            &mut ws,
            &jingwu_routing::MoveUpRequest {
                units: &units,
                idle: None,
                candidates: &candidates,
                k: 5,
                limit_ms: 180_000,
            },
        )
    });
    row(
        "move-up k=5 at 180 s (ms)",
        format!(
            "{mv_ms:.0} ({} candidates, cells {} -> {})",
            candidates.len(),
            m.cells_before,
            m.cells_after
        ),
    );

    println!("| figure | value |\n|---|---|");
    for (k, v) in rows {
        println!("| {k} | {v} |");
    }
    Ok(())
}
