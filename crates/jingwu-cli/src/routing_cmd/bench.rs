//! `jingwu bench routing`: engine figures on one graph, as a Markdown table or JSON.

use std::time::Instant;

use anyhow::Result;
use jingwu_routing::{
    CoverageIndex, CoverageReport, LiveCoverage, MoveUpRequest, Position, Resolution, SplitMix64,
    TravelMode, Weights, Workspace, grid_candidates, isochrones,
};
use serde_json::{Map, Value, json};

use super::{BenchArgs, COVERAGE_RES, ISO_RES, Net, load, random_positions, read_units};

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

/// Table rows and the same figures keyed for scripts.
#[derive(Default)]
struct Out {
    rows: Vec<(String, String)>,
    json: Map<String, Value>,
}

impl Out {
    fn add(&mut self, key: &str, label: &str, value: Value, shown: String) {
        self.rows.push((label.to_string(), shown));
        self.json.insert(key.to_string(), value);
    }
    fn num(&mut self, key: &str, label: &str, v: f64, digits: usize) {
        self.add(key, label, json!(v), format!("{v:.digits$}"));
    }
}

pub fn run(args: &BenchArgs) -> Result<()> {
    let mut src = args.source.clone();
    if src.pbf.is_none()
        && src.synthetic.is_none()
        && src.csv_graph.is_none()
        && src.graph.is_none()
    {
        src.synthetic = Some("100000".into());
    }
    let queries = args.queries.max(1);
    let mut o = Out::default();
    let loaded = load(&src)?;
    let name = loaded
        .notes
        .get("source")
        .and_then(Value::as_str)
        .unwrap_or("?")
        .to_string();
    o.add("graph", "graph", json!(name), name.clone());
    o.num(
        "load_s",
        "load / import / generate (s)",
        loaded.load_seconds,
        3,
    );
    let g = loaded.graph;
    o.add(
        "nodes",
        "nodes",
        json!(g.node_count()),
        g.node_count().to_string(),
    );
    o.add(
        "edges",
        "directed edges",
        json!(g.edge_count()),
        g.edge_count().to_string(),
    );
    let per_edge = g.memory_bytes() as f64 / g.edge_count().max(1) as f64;
    o.num(
        "bytes_per_edge",
        "graph memory (bytes per directed edge)",
        per_edge,
        1,
    );
    let mut buf = Vec::new();
    let (written, w_ms) = time(|| jingwu_routing::write_graph(&g, &mut buf));
    written?;
    let (back, r_ms) = time(|| jingwu_routing::read_graph(buf.as_slice()));
    back?;
    o.num("cache_write_ms", "cache write (ms)", w_ms, 1);
    o.num(
        "cache_load_ms",
        &format!("cache load (ms, {} MB)", buf.len() >> 20),
        r_ms,
        1,
    );
    drop(buf);
    let (net, idx_ms) = time(|| Net::new(g, src.max_snap_m));
    o.num("snap_index_ms", "snap index build (ms)", idx_ms, 1);
    let router = net.router();
    let mut ws = Workspace::new(&net.graph);

    let (a, b, c, d) = net.graph.bbox();
    let mut rng = SplitMix64::new(42);
    let snaps: Vec<f64> = (0..queries * 10)
        .map(|_| {
            let lat = a + (c - a) * rng.next_f64();
            let lon = b + (d - b) * rng.next_f64();
            time(|| net.index.snap_within(lat, lon, 1e9)).1 * 1000.0
        })
        .collect();
    o.num(
        "snap_us",
        "snap a coordinate (µs, median)",
        median(snaps),
        2,
    );

    let positions =
        |file: &Option<std::path::PathBuf>, n: usize, seed: u64| -> Result<Vec<Position>> {
            Ok(match file {
                Some(p) => read_units(p, &net)?.into_iter().map(|u| u.pos).collect(),
                None => random_positions(&net.graph, n, seed),
            })
        };
    let starts = positions(&args.sources_file, queries, 7)?;
    let units = positions(&args.units_file, args.units, 11)?;
    let targets = positions(&args.incidents_file, queries, 13)?;
    let nunits = units.len();

    let mut settled_total = 0usize;
    let mut reach = Vec::new();
    let mut rates = Vec::new();
    for p in &starts {
        let (n, ms) = time(|| router.reach(&mut ws, p, 300_000).len());
        settled_total += n;
        reach.push(ms);
        rates.push(n as f64 / (ms / 1000.0));
    }
    o.num("reach300_ms", "5-min reach (ms, median)", median(reach), 3);
    o.num(
        "reach300_nodes",
        "5-min reach: nodes reached (mean)",
        settled_total as f64 / starts.len().max(1) as f64,
        0,
    );
    // The median of per-query rates: one slow query (a cold cache, a preempted thread) moves
    // a total-over-total figure by a lot and this one not at all.
    let rate = median(rates);
    o.add(
        "settled_per_s",
        "settled nodes per second (5-min reach, median of per-query rates)",
        json!(rate),
        format!("{rate:.2e}"),
    );

    // The best few within an hour, as dispatch asks; "all" without any time limit, so that
    // every reachable unit is ranked (the count says how many were).
    for (key, label, k, limit_ms) in [
        ("rank_k1_ms", "rank units, k=1", 1usize, 3_600_000),
        ("rank_k10_ms", "rank units, k=10", 10, 3_600_000),
        ("rank_all_ms", "rank units, all", nunits, u32::MAX),
    ] {
        let mut ranked = Vec::new();
        let v: Vec<f64> = targets
            .iter()
            .map(|t| {
                let (etas, ms) = time(|| router.rank_units(&mut ws, &units, t, k, limit_ms));
                ranked.push(etas.len() as f64);
                ms
            })
            .collect();
        o.num(
            key,
            &format!(
                "{label} of {nunits} (ms, median; {:.0} ranked)",
                median(ranked)
            ),
            median(v),
            3,
        );
    }
    let v: Vec<f64> = starts
        .iter()
        .zip(targets.iter().cycle())
        .map(|(s, t)| time(|| router.route(&mut ws, s, t)).1)
        .collect();
    o.num(
        "route_ms",
        "point-to-point route (ms, median)",
        median(v),
        3,
    );

    let iso_n = starts.len().min(30);
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
    o.num(
        "isochrone_ms",
        "isochrone polygons 60/180/300 s, H3 res 10 (ms, median)",
        median(v),
        2,
    );

    let (iso_idx, iso_idx_ms) =
        time(|| CoverageIndex::new(&net.graph, net.index.segments(), ISO_RES));
    o.num(
        "isochrone_index_ms",
        "isochrone cell index build, H3 res 10 (ms)",
        iso_idx_ms,
        1,
    );
    let v: Vec<f64> = starts[..iso_n]
        .iter()
        .map(|p| {
            time(|| iso_idx.isochrones(&router, &mut ws, p, &[60_000, 180_000, 300_000], false)).1
        })
        .collect();
    o.num(
        "isochrone_indexed_ms",
        "isochrone polygons 60/180/300 s, precomputed cells (ms, median)",
        median(v),
        2,
    );
    drop(iso_idx);

    let (cov, cov_ms) = time(|| CoverageIndex::new(&net.graph, net.index.segments(), COVERAGE_RES));
    o.num(
        "coverage_index_ms",
        &format!(
            "coverage index build, H3 res 9 (ms; {} cells, {} samples)",
            cov.cells().len(),
            cov.sample_count()
        ),
        cov_ms,
        1,
    );
    let limits = [60_000, 180_000, 300_000];
    let mut search_only = Vec::new();
    let v: Vec<f64> = (0..10)
        .map(|_| {
            search_only.push(time(|| router.multi_source(&mut ws, &units, 300_000).len()).1);
            time(|| cov.evaluate(&router, &mut ws, &units, &limits)).1
        })
        .collect();
    o.num(
        "coverage_ms",
        &format!("coverage 60/180/300 s of {nunits} units (ms, median)"),
        median(v),
        1,
    );
    o.num(
        "coverage_search_ms",
        "  of which the multi-source search (ms, median)",
        median(search_only),
        1,
    );
    let report = cov.evaluate(&router, &mut ws, &units, &limits);
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
    o.add(
        "coverage_shares",
        "covered road/cells at 60/180/300 s",
        json!(shares),
        shares.join(", "),
    );
    live_coverage(&mut o, &net, &cov, &units, &starts, &report)?;
    let candidates: Vec<Position> = grid_candidates(&net.graph, Resolution::Eight);
    let req = MoveUpRequest {
        units: &units,
        idle: None,
        candidates: &candidates,
        k: 5,
        limit_ms: 180_000,
    };
    let (m, mv_ms) = time(|| cov.suggest_moves(&router, &mut ws, &req));
    o.num(
        "moveup_ms",
        &format!(
            "move-up k=5 at 180 s (ms; {} candidates, cells {} -> {})",
            candidates.len(),
            m.cells_before,
            m.cells_after
        ),
        mv_ms,
        0,
    );

    if args.json {
        println!("{}", Value::Object(o.json));
    } else {
        println!("| figure | value |\n|---|---|");
        for (k, v) in o.rows {
            println!("| {k} | {v} |");
        }
    }
    Ok(())
}

/// Coverage kept current as units move: build once, then one unit at a time. Each move sends
/// unit `i mod n` to the next start position; the median and 95th percentile of the update,
/// the report, and a check that the result still equals the full evaluation.
fn live_coverage(
    o: &mut Out,
    net: &Net,
    cov: &CoverageIndex,
    units: &[Position],
    moves_to: &[Position],
    full: &CoverageReport,
) -> Result<()> {
    let limits = [60_000, 180_000, 300_000];
    let other = [TravelMode::Motorbike, TravelMode::Foot].map(|m| Weights::for_mode(&net.graph, m));
    let w = [&net.weights, &other[0], &other[1]];
    let placed: Vec<(TravelMode, Position)> = units.iter().map(|&p| (TravelMode::Car, p)).collect();
    let (mut live, build_ms) = time(|| LiveCoverage::new(cov, &net.graph, &w, &placed, &limits));
    o.num(
        "live_build_ms",
        &format!("live coverage build, {} units (ms)", units.len()),
        build_ms,
        1,
    );
    anyhow::ensure!(
        live.report(cov) == *full,
        "live coverage differs from the full evaluation"
    );
    if units.is_empty() || moves_to.is_empty() {
        return Ok(());
    }
    let mut times = Vec::new();
    let mut nodes = Vec::new();
    let mut now = placed;
    for (i, &to) in moves_to
        .iter()
        .cycle()
        .take(moves_to.len().max(200))
        .enumerate()
    {
        let slot = i % units.len();
        now[slot] = (TravelMode::Car, to);
        let (update, ms) = time(|| live.set_unit(cov, &net.graph, &w, slot, Some(now[slot])));
        nodes.push(update?.nodes as f64);
        times.push(ms);
    }
    let (_, p95) = crate::bench_stats::median_p95(times.clone());
    o.num(
        "live_move_ms",
        &format!(
            "live coverage, one unit moves (ms, median of {}; nodes touched {:.0})",
            times.len(),
            median(nodes)
        ),
        median(times),
        3,
    );
    o.num("live_move_p95_ms", "  95th percentile (ms)", p95, 3);
    let (report, report_ms) = time(|| live.report(cov));
    o.num("live_report_ms", "live coverage report (ms)", report_ms, 2);
    let positions: Vec<Position> = now.iter().map(|u| u.1).collect();
    let router = net.router();
    let mut ws = Workspace::new(&net.graph);
    let want = cov.evaluate(&router, &mut ws, &positions, &limits);
    anyhow::ensure!(
        report == want,
        "live coverage drifted from the full evaluation"
    );
    o.add(
        "live_equals_full",
        "live coverage equals the full evaluation after the moves",
        json!(true),
        "yes".into(),
    );
    Ok(())
}
