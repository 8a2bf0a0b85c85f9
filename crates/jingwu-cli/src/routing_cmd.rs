//! Road-network commands: `graph`, `route`, `coverage`, `bench routing`.
//! Thin layer over `jingwu-routing` (engine) and `jingwu-osm` (file import).

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result, anyhow, bail};
use jingwu_routing::{
    COVERAGE_RESOLUTION, CoverageIndex, Graph, ISOCHRONE_RESOLUTION, Position, Resolution, Router,
    SnapIndex, SplitMix64, Weights, Workspace, grid_candidates, isochrones, isochrones_geojson,
    line_geojson,
};
use serde_json::{Value, json};

mod bench;

#[derive(clap::Subcommand, Debug)]
pub enum RoutingCommand {
    /// Road graph tools: export, cache, info.
    #[command(subcommand)]
    Graph(Box<GraphCommand>),
    /// Travel-time queries: reach, path, isochrone, rank.
    #[command(subcommand)]
    Route(Box<RouteCommand>),
    /// Share of road and H3 cells within each time limit of some unit, and move-up suggestions.
    Coverage(Box<CoverageArgs>),
    /// Performance figures.
    #[command(subcommand)]
    Bench(Box<BenchCommand>),
}

/// Heading of the graph source flags in `--help`.
const SOURCE_HEADING: &str = "Road graph (one of --pbf, --synthetic, --csv-graph, --graph)";

/// Where the road graph comes from: exactly one of --pbf, --synthetic, --csv-graph, --graph
/// (`bench routing` alone falls back to a synthetic city of 100,000 junctions).
#[derive(clap::Args, Debug, Clone)]
pub struct Source {
    /// OpenStreetMap extract (.osm.pbf), car profile [default: none].
    #[arg(long, help_heading = SOURCE_HEADING, value_name = "FILE")]
    pub pbf: Option<PathBuf>,
    /// Synthetic city: NODES[:SEED] (e.g. 100000:7, 1M) [default: none].
    #[arg(long, help_heading = SOURCE_HEADING, value_name = "NODES[:SEED]")]
    pub synthetic: Option<String>,
    /// CSV graph directory with nodes.csv and links.csv, as `graph export` writes it or in
    /// the Coquimbo (AequilibraE) layout [default: none].
    #[arg(long, help_heading = SOURCE_HEADING, value_name = "DIR")]
    pub csv_graph: Option<PathBuf>,
    /// Binary graph cache written by `jingwu graph build` [default: none].
    #[arg(long, help_heading = SOURCE_HEADING, value_name = "FILE")]
    pub graph: Option<PathBuf>,
    /// Maximum distance (m) from a coordinate to the road when snapping.
    #[arg(long, default_value_t = 200.0, value_name = "METRES")]
    pub max_snap_m: f64,
}

#[derive(clap::Subcommand, Debug)]
pub enum GraphCommand {
    /// Write DIR/nodes.csv and DIR/links.csv, one link per directed edge, which
    /// `--csv-graph DIR` reads back as the same graph.
    Export {
        #[command(flatten)]
        source: Source,
        /// Directory to write (created if missing; files in it are replaced).
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
    },
    /// Write the binary graph cache (load it later with --graph FILE).
    Build {
        #[command(flatten)]
        source: Source,
        /// Cache file to write.
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
    /// Print graph statistics as JSON.
    Info {
        #[command(flatten)]
        source: Source,
    },
}

#[derive(clap::Subcommand, Debug)]
pub enum RouteCommand {
    /// CSV node_id,seconds of every node reachable from a point within a time.
    Reach {
        #[command(flatten)]
        source: Source,
        /// Start point in degrees, snapped to the nearest road.
        #[arg(long, value_name = "LAT,LON", allow_hyphen_values = true)]
        from: String,
        /// Time limit in seconds.
        #[arg(long, value_name = "S")]
        max_seconds: f64,
    },
    /// Fastest route as JSON (seconds, meters, GeoJSON geometry).
    Path {
        #[command(flatten)]
        source: Source,
        /// Start point in degrees, snapped to the nearest road.
        #[arg(long, value_name = "LAT,LON", allow_hyphen_values = true)]
        from: String,
        /// End point in degrees, snapped to the nearest road.
        #[arg(long, value_name = "LAT,LON", allow_hyphen_values = true)]
        to: String,
    },
    /// Isochrones as a GeoJSON FeatureCollection (H3 polygons per limit).
    Isochrone {
        #[command(flatten)]
        source: Source,
        /// Start point in degrees, snapped to the nearest road.
        #[arg(long, value_name = "LAT,LON", allow_hyphen_values = true)]
        from: String,
        /// Comma-separated limits in seconds.
        #[arg(long, value_name = "S,S,...", default_value = "60,180,300")]
        seconds: String,
        /// H3 resolution of the polygons (0-15).
        #[arg(long, default_value_t = 10)]
        resolution: u8,
        /// Also output the reached road network per limit.
        #[arg(long)]
        network: bool,
    },
    /// Rank units (UNITS.csv: id,lat,lon) by travel time to a point; JSON.
    Rank {
        #[command(flatten)]
        source: Source,
        /// Unit positions, CSV id,lat,lon (a header line is optional).
        #[arg(long, value_name = "FILE")]
        units: PathBuf,
        /// Incident point in degrees, snapped to the nearest road.
        #[arg(long, value_name = "LAT,LON", allow_hyphen_values = true)]
        to: String,
        /// How many of the fastest units to return.
        #[arg(long, default_value_t = 5)]
        k: usize,
        /// Units farther than this many seconds are not ranked.
        #[arg(long, default_value_t = 1800.0, value_name = "S")]
        max_seconds: f64,
    },
}

#[derive(clap::Args, Debug)]
pub struct CoverageArgs {
    #[command(flatten)]
    source: Source,
    /// UNITS.csv: id,lat,lon[,status]; status "idle" marks units that may be moved.
    #[arg(long, value_name = "FILE")]
    units: PathBuf,
    /// Comma-separated time limits in seconds.
    #[arg(long, value_name = "S,S,...", default_value = "60,180,300")]
    seconds: String,
    /// Suggest new positions for K units (greedy maximal covering at --suggest-seconds)
    /// [default: none, no suggestion].
    #[arg(long, value_name = "K")]
    suggest: Option<usize>,
    /// Time limit the suggested positions are chosen for, in seconds.
    #[arg(long, default_value_t = 180.0, value_name = "S")]
    suggest_seconds: f64,
    /// Areas as GeoJSON (Polygon/MultiPolygon features with a "name" or "id" property)
    /// [default: none, the whole graph only].
    #[arg(long, value_name = "FILE")]
    areas: Option<PathBuf>,
    /// Areas as an area per node (CSV node_id,area with node ids as in `graph export`)
    /// [default: none].
    #[arg(long, value_name = "FILE", conflicts_with = "areas")]
    area_of_node: Option<PathBuf>,
    /// H3 resolution of coverage cells.
    #[arg(long, default_value_t = 9)]
    resolution: u8,
    /// List the uncovered cells per limit.
    #[arg(long)]
    list_uncovered: bool,
}

#[derive(clap::Subcommand, Debug)]
pub enum BenchCommand {
    /// Engine figures on one graph (default: synthetic 100k nodes).
    Routing(BenchArgs),
    /// Incident-to-terminal push latency with many WebSocket terminals under position load.
    Push(crate::load_bench::PushArgs),
    /// AVL ingest throughput through `POST /api/v1/avl`.
    Avl(crate::load_bench::AvlArgs),
    /// Audited writes per second through `POST /api/v1/users` from concurrent clients.
    AuditWrites(crate::audit_bench::WritesArgs),
    /// Write, sequence and verify a large audit log; time its proofs.
    AuditLog(crate::audit_bench::LogArgs),
    /// Threat zones and the enterprises inside them against 40,000 enterprises.
    HazmatZones(crate::hazmat_bench::ZonesArgs),
    /// Payment notifications settled per second, the late fee and the points ledger, each
    /// beside a peer.
    Traffic(crate::traffic_bench::TrafficArgs),
    /// Bookings per second when many citizens book one slot at once, beside a naive
    /// check-then-insert, and the places the naive one overbooks.
    Permits(crate::permits_bench::PermitsArgs),
    /// Custody events per second through the audited use case beside a mutable JSON column
    /// and a bare INSERT, and an inventory of 100,000 items beside the same reconcile in SQL.
    Cases(crate::cases_bench::CasesArgs),
    /// Forward and reverse geocoding on a synthetic city's million addresses, beside
    /// PostgreSQL trigram and nearest-point indexes on the same addresses.
    Geocode(crate::geocode_bench::GeocodeArgs),
    /// Making the command map's base tiles per zoom on a synthetic city, beside PostGIS
    /// ST_AsMVT on the same roads and names.
    Tiles(crate::tiles_bench::TilesArgs),
}

#[derive(clap::Args, Debug)]
pub struct BenchArgs {
    #[command(flatten)]
    source: Source,
    /// Queries per figure.
    #[arg(long, default_value_t = 200)]
    queries: usize,
    /// Units for ranking and coverage (random nodes unless --units-file).
    #[arg(long, default_value_t = 700)]
    units: usize,
    /// Start points for reach and isochrones (CSV id,lat,lon), e.g. chosen by the peer script
    /// [default: random nodes].
    #[arg(long, value_name = "FILE")]
    sources_file: Option<PathBuf>,
    /// Unit positions (CSV id,lat,lon) [default: --units random nodes].
    #[arg(long, value_name = "FILE")]
    units_file: Option<PathBuf>,
    /// Incident points for ranking (CSV id,lat,lon) [default: random nodes].
    #[arg(long, value_name = "FILE")]
    incidents_file: Option<PathBuf>,
    /// Print JSON instead of a Markdown table.
    #[arg(long)]
    json: bool,
}

pub fn run(cmd: RoutingCommand) -> Result<()> {
    match cmd {
        RoutingCommand::Graph(g) => graph(*g),
        RoutingCommand::Route(r) => route(*r),
        RoutingCommand::Coverage(args) => coverage(&args),
        RoutingCommand::Bench(b) => match *b {
            BenchCommand::Routing(args) => bench::run(&args),
            // Dispatched to the async runtime in main.
            BenchCommand::Push(_)
            | BenchCommand::Avl(_)
            | BenchCommand::AuditWrites(_)
            | BenchCommand::AuditLog(_)
            | BenchCommand::HazmatZones(_)
            | BenchCommand::Traffic(_)
            | BenchCommand::Permits(_)
            | BenchCommand::Cases(_)
            | BenchCommand::Geocode(_)
            | BenchCommand::Tiles(_) => {
                anyhow::bail!("the load benchmarks run from main")
            }
        },
    }
}

fn graph(cmd: GraphCommand) -> Result<()> {
    match cmd {
        GraphCommand::Export { source, out } => export(&source, &out),
        GraphCommand::Build { source, out } => {
            let g = load(&source)?;
            let f = std::fs::File::create(&out)
                .with_context(|| format!("cannot create {}", out.display()))?;
            jingwu_routing::write_graph(&g.graph, BufWriter::new(f))
                .with_context(|| format!("writing {}", out.display()))?;
            Ok(())
        }
        GraphCommand::Info { source } => {
            let g = load(&source)?;
            let gr = &g.graph;
            let (a, b, c, d) = gr.bbox();
            print_json(&json!({
                "nodes": gr.node_count(), "directed_edges": gr.edge_count(),
                "memory_bytes": gr.memory_bytes(),
                "bytes_per_directed_edge": gr.memory_bytes() as f64 / gr.edge_count().max(1) as f64,
                "bbox": [a, b, c, d], "import": g.notes,
            }))
        }
    }
}

/// A loaded graph and what the import said.
pub(crate) struct Loaded {
    pub graph: Graph,
    pub notes: Value,
    pub load_seconds: f64,
}

pub(crate) fn load(src: &Source) -> Result<Loaded> {
    let given = [
        src.pbf.is_some(),
        src.synthetic.is_some(),
        src.csv_graph.is_some(),
        src.graph.is_some(),
    ];
    match given.iter().filter(|&&x| x).count() {
        0 => bail!(
            "no graph given: use one of --pbf FILE, --synthetic NODES[:SEED], --csv-graph DIR, --graph FILE"
        ),
        1 => {}
        _ => bail!("give only one of --pbf, --synthetic, --csv-graph, --graph"),
    }
    if !(src.max_snap_m.is_finite() && src.max_snap_m > 0.0) {
        bail!("--max-snap-m must be a positive number of metres");
    }
    let t = Instant::now();
    let (graph, notes) = if let Some(p) = &src.pbf {
        let meta = std::fs::metadata(p).with_context(|| format!("cannot read {}", p.display()))?;
        let verbose = meta.len() > 32 << 20;
        let (g, r) = jingwu_osm::import_pbf(p, |m| {
            if verbose {
                eprintln!("{m}");
            }
        })?;
        let notes = json!({
            "source": p.display().to_string(), "ways_seen": r.ways_seen, "ways_drivable": r.ways_drivable,
            "missing_node_refs": r.missing_node_refs, "islands_dropped": r.build.islands_dropped,
            "nodes_dropped": r.build.nodes_dropped, "attribution": "© OpenStreetMap contributors, ODbL 1.0",
        });
        (g, notes)
    } else if let Some(spec) = &src.synthetic {
        let city = jingwu_routing::parse_spec(spec).map_err(|e| anyhow!("--synthetic: {e}"))?;
        let (g, r) = city
            .generate()
            .map_err(|e| anyhow!("--synthetic {spec}: {e}"))?;
        (
            g,
            json!({ "source": format!("synthetic {} seed {}", city.nodes, city.seed), "islands_dropped": r.islands_dropped, "nodes_dropped": r.nodes_dropped }),
        )
    } else if let Some(dir) = &src.csv_graph {
        let (g, r) = jingwu_osm::load_csv_graph(dir)?;
        (
            g,
            json!({ "source": dir.display().to_string(), "islands_dropped": r.islands_dropped, "nodes_dropped": r.nodes_dropped }),
        )
    } else if let Some(p) = &src.graph {
        let f = std::fs::File::open(p).with_context(|| format!("cannot open {}", p.display()))?;
        let g = jingwu_routing::read_graph(std::io::BufReader::new(f))
            .map_err(|e| anyhow!("{}: {e}", p.display()))?;
        (g, json!({ "source": p.display().to_string() }))
    } else {
        bail!("no graph given");
    };
    Ok(Loaded {
        graph,
        notes,
        load_seconds: t.elapsed().as_secs_f64(),
    })
}

/// Parses `LAT,LON` with range checks.
pub(crate) fn parse_latlon(s: &str, what: &str) -> Result<(f64, f64)> {
    let bad = || anyhow!("{what} {s:?}: expected LAT,LON in degrees, e.g. 43.7384,7.4246");
    let (a, b) = s.split_once(',').ok_or_else(bad)?;
    let lat: f64 = a.trim().parse().map_err(|_| bad())?;
    let lon: f64 = b.trim().parse().map_err(|_| bad())?;
    jingwu_routing::check_coord(lat, lon).map_err(|e| anyhow!("{what}: {e}"))?;
    Ok((lat, lon))
}

fn parse_limits(s: &str) -> Result<Vec<u32>> {
    let mut out = Vec::new();
    for part in s.split(',') {
        out.push(seconds_to_ms(
            part.trim()
                .parse::<f64>()
                .map_err(|_| anyhow!("--seconds {s:?}: expected numbers like 60,180,300"))?,
            "--seconds",
        )?);
    }
    if out.is_empty() {
        bail!("--seconds: no limits given");
    }
    Ok(out)
}

fn seconds_to_ms(s: f64, what: &str) -> Result<u32> {
    if !(s.is_finite() && (0.0..=86_400.0).contains(&s)) {
        bail!("{what}: {s} is not a time between 0 and 86400 seconds");
    }
    Ok((s * 1000.0).round() as u32)
}

fn resolution(r: u8) -> Result<Resolution> {
    Resolution::try_from(r).map_err(|_| anyhow!("--resolution {r}: H3 resolutions are 0 to 15"))
}

fn print_json(v: &Value) -> Result<()> {
    let mut out = std::io::stdout().lock();
    serde_json::to_writer(&mut out, v)?;
    writeln!(out)?;
    Ok(())
}

fn export(src: &Source, dir: &Path) -> Result<()> {
    let g = load(src)?.graph;
    jingwu_osm::write_csv_graph(&g, dir)?;
    Ok(())
}

pub(crate) struct Net {
    pub graph: Graph,
    pub weights: Weights,
    pub index: SnapIndex,
}

impl Net {
    pub fn new(graph: Graph, max_snap_m: f64) -> Self {
        let weights = Weights::new(&graph);
        let mut index = SnapIndex::new(&graph);
        index.max_distance_m = max_snap_m;
        Self {
            graph,
            weights,
            index,
        }
    }
    pub fn router(&self) -> Router<'_> {
        Router {
            graph: &self.graph,
            weights: &self.weights,
            index: &self.index,
        }
    }
    fn snap(&self, s: &str, what: &str) -> Result<Position> {
        let (lat, lon) = parse_latlon(s, what)?;
        self.index
            .snap(lat, lon)
            .map_err(|e| anyhow!("{what}: {e}"))
    }
}

fn route(cmd: RouteCommand) -> Result<()> {
    match cmd {
        RouteCommand::Reach {
            source,
            from,
            max_seconds,
        } => {
            let limit = seconds_to_ms(max_seconds, "--max-seconds")?;
            let net = Net::new(load(&source)?.graph, source.max_snap_m);
            let p = net.snap(&from, "--from")?;
            let mut ws = Workspace::new(&net.graph);
            let mut rows = net.router().reach(&mut ws, &p, limit).to_vec();
            rows.sort_unstable();
            let mut out = BufWriter::new(std::io::stdout().lock());
            writeln!(out, "node_id,seconds")?;
            for (n, ms) in rows {
                writeln!(out, "{n},{:.3}", f64::from(ms) / 1000.0)?;
            }
            out.flush()?;
            Ok(())
        }
        RouteCommand::Path { source, from, to } => {
            let net = Net::new(load(&source)?.graph, source.max_snap_m);
            let a = net.snap(&from, "--from")?;
            let b = net.snap(&to, "--to")?;
            let mut ws = Workspace::new(&net.graph);
            let r = net.router().route(&mut ws, &a, &b).ok_or_else(|| {
                anyhow!("no route from {from} to {to} (one-way streets or closures)")
            })?;
            print_json(&json!({
                "seconds": r.seconds(), "meters": (r.meters * 10.0).round() / 10.0,
                "from_snap_m": (a.offset_m * 10.0).round() / 10.0, "to_snap_m": (b.offset_m * 10.0).round() / 10.0,
                "nodes": r.nodes, "geometry": line_geojson(&r.coords),
            }))
        }
        RouteCommand::Isochrone {
            source,
            from,
            seconds,
            resolution: res,
            network,
        } => {
            let limits = parse_limits(&seconds)?;
            let res = resolution(res)?;
            let net = Net::new(load(&source)?.graph, source.max_snap_m);
            let p = net.snap(&from, "--from")?;
            let mut ws = Workspace::new(&net.graph);
            let bands = isochrones(&net.router(), &mut ws, &p, &limits, res, network)?;
            print_json(&isochrones_geojson(&bands, u8::from(res), network))
        }
        RouteCommand::Rank {
            source,
            units,
            to,
            k,
            max_seconds,
        } => {
            let limit = seconds_to_ms(max_seconds, "--max-seconds")?;
            let net = Net::new(load(&source)?.graph, source.max_snap_m);
            let target = net.snap(&to, "--to")?;
            let list = read_units(&units, &net)?;
            let positions: Vec<Position> = list.iter().map(|u| u.pos).collect();
            let mut ws = Workspace::new(&net.graph);
            let ranked = net
                .router()
                .rank_units(&mut ws, &positions, &target, k, limit);
            let rows: Vec<Value> = ranked
                .iter()
                .map(|e| json!({ "id": list[e.unit].id, "seconds": f64::from(e.time_ms) / 1000.0 }))
                .collect();
            print_json(&json!({ "to": [target.point.0, target.point.1], "ranked": rows }))
        }
    }
}

pub(crate) struct Unit {
    pub id: String,
    pub pos: Position,
    pub idle: bool,
}

pub(crate) fn read_units(path: &Path, net: &Net) -> Result<Vec<Unit>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || (i == 0 && line.to_ascii_lowercase().starts_with("id,")) {
            continue;
        }
        let f: Vec<&str> = line.split(',').map(str::trim).collect();
        let here = || format!("{}:{}", path.display(), i + 1);
        if f.len() < 3 {
            bail!("{}: expected id,lat,lon[,status]", here());
        }
        let (lat, lon) = parse_latlon(&format!("{},{}", f[1], f[2]), &here())?;
        let pos = net
            .index
            .snap(lat, lon)
            .map_err(|e| anyhow!("{}: unit {}: {e}", here(), f[0]))?;
        out.push(Unit {
            id: f[0].to_string(),
            pos,
            idle: f.get(3).is_some_and(|s| s.eq_ignore_ascii_case("idle")),
        });
    }
    if out.is_empty() {
        bail!("{}: no units", path.display());
    }
    Ok(out)
}

fn read_areas(path: &Path) -> Result<Vec<(String, jingwu_routing::geo::MultiPolygon<f64>)>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let v: Value =
        serde_json::from_str(&text).map_err(|e| anyhow!("{}: not JSON: {e}", path.display()))?;
    let feats = v
        .get("features")
        .and_then(Value::as_array)
        .ok_or_else(|| anyhow!("{}: expected a GeoJSON FeatureCollection", path.display()))?;
    let ring = |r: &Value| -> Option<jingwu_routing::geo::LineString<f64>> {
        r.as_array()?
            .iter()
            .map(|c| {
                Some(jingwu_routing::geo::Coord {
                    x: c.get(0)?.as_f64()?,
                    y: c.get(1)?.as_f64()?,
                })
            })
            .collect::<Option<Vec<_>>>()
            .map(jingwu_routing::geo::LineString)
    };
    let poly = |p: &Value| -> Option<jingwu_routing::geo::Polygon<f64>> {
        let rings = p.as_array()?;
        let ext = ring(rings.first()?)?;
        let holes = rings[1..].iter().map(ring).collect::<Option<Vec<_>>>()?;
        Some(jingwu_routing::geo::Polygon::new(ext, holes))
    };
    let mut out = Vec::new();
    for (i, f) in feats.iter().enumerate() {
        let props = f.get("properties");
        let name = props
            .and_then(|p| p.get("name").or_else(|| p.get("id")))
            .map(|n| n.as_str().map_or_else(|| n.to_string(), str::to_string))
            .unwrap_or_else(|| format!("area-{i}"));
        let g = f
            .get("geometry")
            .ok_or_else(|| anyhow!("{}: feature {i} has no geometry", path.display()))?;
        let coords = g
            .get("coordinates")
            .ok_or_else(|| anyhow!("{}: feature {i} has no coordinates", path.display()))?;
        let mp = match g.get("type").and_then(Value::as_str) {
            Some("Polygon") => poly(coords).map(|p| jingwu_routing::geo::MultiPolygon(vec![p])),
            Some("MultiPolygon") => coords
                .as_array()
                .and_then(|ps| ps.iter().map(poly).collect::<Option<Vec<_>>>())
                .map(jingwu_routing::geo::MultiPolygon),
            _ => None,
        }
        .ok_or_else(|| {
            anyhow!(
                "{}: feature {i} is not a valid Polygon or MultiPolygon",
                path.display()
            )
        })?;
        out.push((name, mp));
    }
    Ok(out)
}

/// Reads `node_id,area` rows into an area index per node and the area names.
fn read_area_of_node(path: &Path, nodes: usize) -> Result<(Vec<u32>, Vec<String>)> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let mut of_node = vec![jingwu_routing::NONE; nodes];
    let mut names: Vec<String> = Vec::new();
    let mut ids = std::collections::HashMap::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || (i == 0 && line.to_ascii_lowercase().starts_with("node")) {
            continue;
        }
        let here = || format!("{}:{}", path.display(), i + 1);
        let (node, area) = line
            .split_once(',')
            .ok_or_else(|| anyhow!("{}: expected node_id,area", here()))?;
        let node: usize = node
            .trim()
            .parse()
            .ok()
            .filter(|&n| n < nodes)
            .ok_or_else(|| anyhow!("{}: node {node:?} is not in the graph (0..{nodes})", here()))?;
        let area = area.trim().to_string();
        let id = *ids.entry(area.clone()).or_insert_with(|| {
            names.push(area);
            (names.len() - 1) as u32
        });
        of_node[node] = id;
    }
    Ok((of_node, names))
}

fn coverage(args: &CoverageArgs) -> Result<()> {
    let limits = parse_limits(&args.seconds)?;
    let res = resolution(args.resolution)?;
    let suggest_ms = seconds_to_ms(args.suggest_seconds, "--suggest-seconds")?;
    let areas = args.areas.as_deref().map(read_areas).transpose()?;
    let net = Net::new(load(&args.source)?.graph, args.source.max_snap_m);
    let units = read_units(&args.units, &net)?;
    let positions: Vec<Position> = units.iter().map(|u| u.pos).collect();
    let mut index = CoverageIndex::new(&net.graph, net.index.segments(), res);
    if let Some(areas) = &areas {
        let of_node = CoverageIndex::areas_from_polygons(&net.graph, areas);
        index.set_node_areas(&of_node, areas.iter().map(|(n, _)| n.clone()).collect());
    }
    if let Some(path) = &args.area_of_node {
        let (of_node, names) = read_area_of_node(path, net.graph.node_count())?;
        index.set_node_areas(&of_node, names);
    }
    let mut ws = Workspace::new(&net.graph);
    let router = net.router();
    let report = index.evaluate(&router, &mut ws, &positions, &limits);
    let limit_json = |l: &jingwu_routing::LimitCoverage| {
        json!({
            "seconds": f64::from(l.limit_ms) / 1000.0,
            "road_km_total": (l.road_m_total / 10.0).round() / 100.0,
            "road_km_covered": (l.road_m_covered / 10.0).round() / 100.0,
            "road_share": (l.road_share() * 1e4).round() / 1e4,
            "cells_total": l.cells_total, "cells_covered": l.cells_covered,
            "cell_share": (l.cell_share() * 1e4).round() / 1e4,
        })
    };
    let overall: Vec<Value> = report
        .overall
        .iter()
        .map(|l| {
            let mut v = limit_json(l);
            if args.list_uncovered {
                v["uncovered_cells"] = json!(
                    index
                        .uncovered_cells(&report, l.limit_ms)
                        .iter()
                        .map(ToString::to_string)
                        .collect::<Vec<_>>()
                );
            }
            v
        })
        .collect();
    let areas_json: Vec<Value> = report.areas.iter().map(|a| json!({ "area": a.area, "limits": a.limits.iter().map(limit_json).collect::<Vec<_>>() })).collect();
    let mut out = json!({
        "units": units.len(), "h3_resolution": u8::from(res), "coverage": overall, "areas": areas_json,
    });
    if let Some(k) = args.suggest {
        let idle: Vec<bool> = units.iter().map(|u| u.idle).collect();
        let any_idle = idle.iter().any(|&b| b);
        let candidates = grid_candidates(&net.graph, Resolution::Eight);
        let m = index.suggest_moves(
            &router,
            &mut ws,
            &jingwu_routing::MoveUpRequest {
                units: &positions,
                idle: any_idle.then_some(idle.as_slice()),
                candidates: &candidates,
                k,
                limit_ms: suggest_ms,
            },
        );
        let moves: Vec<Value> = m
            .units
            .iter()
            .zip(&m.sites)
            .zip(&m.gains)
            .map(|((&u, &s), &gain)| {
                let p = candidates[s].point;
                json!({ "unit": units[u].id, "from": [units[u].pos.point.0, units[u].pos.point.1], "to": [p.0, p.1], "cells_gained": gain })
            })
            .collect();
        out["suggestion"] = json!({
            "method": "greedy maximal covering (Church & ReVelle 1974), >= (1 - 1/e) of optimal",
            "seconds": f64::from(m.limit_ms) / 1000.0, "candidates": candidates.len(),
            "idle_from": if any_idle { "status column" } else { "smallest unique coverage" },
            "cells_total": m.cells_total, "cells_before": m.cells_before, "cells_after": m.cells_after,
            "cells_gained": m.cells_after as i64 - m.cells_before as i64, "moves": moves,
        });
    }
    print_json(&out)
}

/// Random node positions for benchmarks (deterministic).
pub(crate) fn random_positions(graph: &Graph, n: usize, seed: u64) -> Vec<Position> {
    let mut rng = SplitMix64::new(seed);
    let mut out = Vec::with_capacity(n);
    while out.len() < n {
        let node = rng.below(graph.node_count() as u64) as u32;
        if let Some(p) = Position::at_node(graph, node) {
            out.push(p);
        }
    }
    out
}

pub(crate) const COVERAGE_RES: Resolution = COVERAGE_RESOLUTION;
pub(crate) const ISO_RES: Resolution = ISOCHRONE_RESOLUTION;
