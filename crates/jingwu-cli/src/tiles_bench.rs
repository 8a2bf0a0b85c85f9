//! `jingwu bench tiles`: making the command map's base tiles (roads by class and street
//! names, `jingwu_routing::tiles::base_layers`) for a synthetic city, per zoom, beside PostGIS
//! making the same two layers from the same roads and names in the same run (not a test;
//! figures go to docs/benchmarks.md).
//!
//! Tiles: for each zoom from 10 to 16, the tiles under `--tiles` random points of the city
//! (fixed seed), each made from scratch (the server keeps a tile once made; this is the cost
//! of the first request).
//!
//! The peer is how PostGIS tile servers (pg_tileserv, Martin) make tiles: a table per layer
//! with a GiST index in web Mercator, `ST_AsMVTGeom` and `ST_AsMVT` over the rows crossing
//! `ST_TileEnvelope` with a 64-unit margin, one query per tile on one connection on
//! 127.0.0.1 (the local round trip is measured alone and reported). Differences: the peer
//! sends each road piece as its own feature where ours joins the pieces of a class into long
//! lines, and it names every street from zoom 11 where ours names the major roads first; both
//! draw the same road classes per zoom.

use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;
use jingwu_routing::tiles::{self, TileId};
use jingwu_routing::{AddressBook, Graph, SnapIndex, SplitMix64, SyntheticCity};

use crate::bench_stats::quantile;

const DEFAULT_POSTGRES: &str = "postgres://postgres@127.0.0.1:5432/test";
const ZOOMS: std::ops::RangeInclusive<u8> = 10..=16;

#[derive(Debug, clap::Args)]
pub struct TilesArgs {
    /// Road nodes of the synthetic city, 1,000..=4,000,000.
    #[arg(long, default_value_t = 1_000_000)]
    pub nodes: usize,
    /// Random points per zoom (their tiles are made), 10..=10,000.
    #[arg(long, default_value_t = 200)]
    pub tiles: usize,
    /// PostgreSQL server with PostGIS for the peer: a fresh database is created there for the
    /// run and dropped after; `--database` alone means postgres://postgres@127.0.0.1:5432/test
    /// [default: no peer].
    #[arg(long, value_name = "URL", num_args = 0..=1, default_missing_value = DEFAULT_POSTGRES)]
    pub database: Option<String>,
}

/// Times (ms) and sizes (bytes) of one zoom's tiles.
#[derive(Default)]
struct Tally {
    ms: Vec<f64>,
    bytes: Vec<f64>,
}

impl Tally {
    fn record(&mut self, ms: f64, bytes: usize) {
        self.ms.push(ms);
        self.bytes.push(bytes as f64);
    }

    fn shown(&self) -> String {
        format!(
            "{:>8.2} {:>8.2} {:>8.1}",
            quantile(self.ms.clone(), 0.5),
            quantile(self.ms.clone(), 0.99),
            quantile(self.bytes.clone(), 0.5) / 1024.0
        )
    }
}

pub async fn run(args: TilesArgs) -> anyhow::Result<ExitCode> {
    anyhow::ensure!(
        (1_000..=4_000_000).contains(&args.nodes),
        "--nodes must be 1,000..=4,000,000"
    );
    anyhow::ensure!(
        (10..=10_000).contains(&args.tiles),
        "--tiles must be 10..=10,000"
    );
    let started = Instant::now();
    let city = SyntheticCity::new(args.nodes, 1).with_pedestrian_ways();
    let (graph, _) = city.generate()?;
    let book = city.addresses(&graph);
    let land = city.land_use(&graph);
    let snap = SnapIndex::new(&graph);
    let major = tiles::MajorRoads::new(&graph, &snap);
    println!(
        "synthetic city of {} nodes, {} streets (built in {:.1} s)",
        graph.node_count(),
        book.street_count(),
        started.elapsed().as_secs_f64()
    );
    let (a, b, c, d) = graph.bbox();
    let mut rng = SplitMix64::new(41);
    let by_zoom: Vec<Vec<TileId>> = ZOOMS
        .map(|z| {
            (0..args.tiles)
                .filter_map(|_| {
                    TileId::containing(
                        z,
                        a + (c - a) * rng.next_f64(),
                        b + (d - b) * rng.next_f64(),
                    )
                })
                .collect()
        })
        .collect();

    let ours: Vec<Tally> = by_zoom
        .iter()
        .map(|ts| {
            let mut t = Tally::default();
            for &tile in ts {
                let started = Instant::now();
                let map = tiles::BaseMap {
                    graph: &graph,
                    snap: &snap,
                    major: &major,
                    book: &book,
                    land: &land,
                };
                let layers = tiles::base_layers(map, tile);
                let bytes = tiles::mvt::encode(&layers, tiles::EXTENT as u32);
                t.record(started.elapsed().as_secs_f64() * 1e3, bytes.len());
            }
            t
        })
        .collect();
    let peer = match &args.database {
        None => None,
        Some(server) => {
            let mut peer = None;
            let (g, s, bk, zs) = (&graph, &snap, &book, &by_zoom);
            crate::bench_db::on_fresh_database(Some(server), "tiles", async |url, _| {
                peer = Some(measure_postgis(url, g, s, bk, zs).await?);
                Ok(ExitCode::SUCCESS)
            })
            .await?;
            peer
        }
    };
    println!(
        "\n{:<5} {:>5}   {:>8} {:>8} {:>8}   {:>8} {:>8} {:>8}   {:>7}",
        "zoom", "tiles", "ours p50", "p99 ms", "KB p50", "peer p50", "p99 ms", "KB p50", "p99 ×"
    );
    let mut all_ours = Vec::new();
    let mut all_peer = Vec::new();
    for (i, z) in ZOOMS.enumerate() {
        let p = peer.as_ref().map(|p| &p.zooms[i]);
        all_ours.extend_from_slice(&ours[i].ms);
        if let Some(p) = p {
            all_peer.extend_from_slice(&p.ms);
        }
        println!(
            "{z:<5} {:>5}   {}   {}   {}",
            by_zoom[i].len(),
            ours[i].shown(),
            p.map_or_else(|| format!("{:>26}", "-"), Tally::shown),
            p.map_or_else(
                || format!("{:>7}", "-"),
                |p| format!(
                    "{:>6.1}×",
                    quantile(p.ms.clone(), 0.99) / quantile(ours[i].ms.clone(), 0.99)
                )
            ),
        );
    }
    println!(
        "all   {:>5}   {:>8.2} {:>8.2}            {}",
        all_ours.len(),
        quantile(all_ours.clone(), 0.5),
        quantile(all_ours, 0.99),
        if all_peer.is_empty() {
            String::new()
        } else {
            format!(
                "{:>8.2} {:>8.2}",
                quantile(all_peer.clone(), 0.5),
                quantile(all_peer, 0.99)
            )
        }
    );
    if let Some(p) = &peer {
        println!(
            "\npeer: PostgreSQL {} with PostGIS {}; loaded {} road pieces and {} name pieces in \
             {:.1} s, indexes built in {:.1} s; a bare `SELECT 1` round trip takes {:.3} ms \
             (p50) of each peer figure",
            p.version, p.postgis, p.roads, p.names, p.load_s, p.index_s, p.round_trip_ms
        );
    }
    Ok(ExitCode::SUCCESS)
}

struct Peer {
    version: String,
    postgis: String,
    roads: usize,
    names: usize,
    load_s: f64,
    index_s: f64,
    round_trip_ms: f64,
    zooms: Vec<Tally>,
}

/// Lines as `(label a, label b, [lon, lat] pairs flattened)` rows for loading.
type Rows = (Vec<String>, Vec<String>, Vec<Vec<f64>>);

fn road_rows(graph: &Graph, snap: &SnapIndex) -> Rows {
    let mut rows: Rows = (Vec::new(), Vec::new(), Vec::new());
    for s in snap.segments() {
        let (e, class) = (s.edge(), s.class(graph));
        rows.0.push(class.as_str().to_owned());
        rows.1.push((class as u8).to_string());
        rows.2.push(
            graph
                .edge_geometry(e)
                .iter()
                .flat_map(|&(lat, lon)| [lon, lat])
                .collect(),
        );
    }
    rows
}

fn name_rows(graph: &Graph, book: &AddressBook) -> Rows {
    let (a, b, c, d) = graph.bbox();
    let mut rows: Rows = (Vec::new(), Vec::new(), Vec::new());
    for (street, [p, q]) in book.pieces_in_box(a - 0.01, b - 0.01, c + 0.01, d + 0.01) {
        let (zh, en) = book.street_names(street);
        rows.0.push(zh.to_owned());
        rows.1.push(en.to_owned());
        rows.2.push(vec![p.1, p.0, q.1, q.0]);
    }
    rows
}

async fn load(db: &mut sqlx::PgConnection, table: &str, rows: &Rows) -> anyhow::Result<()> {
    let n = rows.0.len();
    for start in (0..n).step_by(50_000) {
        let end = (start + 50_000).min(n);
        // Each line travels as text `lon lat,lon lat,...`, turned into a geometry by PostGIS.
        let wkt: Vec<String> = rows.2[start..end]
            .iter()
            .map(|c| {
                let pts: Vec<String> = c.chunks(2).map(|p| format!("{} {}", p[0], p[1])).collect();
                format!("LINESTRING({})", pts.join(","))
            })
            .collect();
        sqlx::query(&format!(
            "INSERT INTO {table} SELECT a, b, ST_Transform(ST_GeomFromText(w, 4326), 3857) \
             FROM UNNEST($1::text[], $2::text[], $3::text[]) AS t(a, b, w)"
        ))
        .bind(&rows.0[start..end])
        .bind(&rows.1[start..end])
        .bind(wkt)
        .execute(&mut *db)
        .await?;
    }
    Ok(())
}

async fn measure_postgis(
    url: &str,
    graph: &Graph,
    snap: &SnapIndex,
    book: &AddressBook,
    by_zoom: &[Vec<TileId>],
) -> anyhow::Result<Peer> {
    use sqlx::Connection;
    let mut db = sqlx::PgConnection::connect(url)
        .await
        .context("cannot connect to the peer database")?;
    sqlx::query("CREATE EXTENSION IF NOT EXISTS postgis")
        .execute(&mut db)
        .await
        .context("the peer needs PostGIS (apt-get install postgresql-15-postgis-3)")?;
    let version: String = sqlx::query_scalar("SHOW server_version")
        .fetch_one(&mut db)
        .await?;
    let postgis: String = sqlx::query_scalar("SELECT postgis_lib_version()")
        .fetch_one(&mut db)
        .await?;
    for sql in [
        "CREATE TABLE roads (class text NOT NULL, rank text NOT NULL, geom geometry(LineString, 3857) NOT NULL)",
        "CREATE TABLE names (name text NOT NULL, name_en text NOT NULL, geom geometry(LineString, 3857) NOT NULL)",
    ] {
        sqlx::query(sql).execute(&mut db).await?;
    }
    let started = Instant::now();
    let roads = road_rows(graph, snap);
    let names = name_rows(graph, book);
    load(&mut db, "roads", &roads).await?;
    load(&mut db, "names", &names).await?;
    let load_s = started.elapsed().as_secs_f64();
    let started = Instant::now();
    for sql in [
        "ALTER TABLE roads ALTER COLUMN rank TYPE int USING rank::int",
        "CREATE INDEX roads_geom ON roads USING gist (geom)",
        "CREATE INDEX names_geom ON names USING gist (geom)",
        "ANALYZE roads",
        "ANALYZE names",
    ] {
        sqlx::query(sql).execute(&mut db).await?;
    }
    let index_s = started.elapsed().as_secs_f64();
    let mut rt = Vec::new();
    for _ in 0..200 {
        let started = Instant::now();
        sqlx::query("SELECT 1").execute(&mut db).await?;
        rt.push(started.elapsed().as_secs_f64() * 1e3);
    }
    let sql = format!(
        "WITH b AS (SELECT ST_TileEnvelope($1, $2, $3) AS e, \
                           ST_TileEnvelope($1, $2, $3, margin => {m}) AS m) \
         SELECT coalesce((SELECT ST_AsMVT(r, 'roads', 4096, 'geom') FROM ( \
             SELECT class, ST_AsMVTGeom(geom, b.e, 4096, 64, true) AS geom \
             FROM roads, b WHERE rank <= $4 AND geom && b.m) r), ''::bytea) \
          || coalesce((SELECT ST_AsMVT(n, 'road_names', 4096, 'geom') FROM ( \
             SELECT name, name_en, ST_AsMVTGeom(geom, b.e, 4096, 64, true) AS geom \
             FROM names, b WHERE $1 >= {names_from} AND geom && b.m) n), ''::bytea)",
        m = f64::from(tiles::BUFFER) / f64::from(tiles::EXTENT),
        names_from = tiles::NAMES_MIN_ZOOM,
    );
    let mut zooms = Vec::new();
    for ts in by_zoom {
        let mut t = Tally::default();
        for tile in ts {
            let started = Instant::now();
            let bytes: Vec<u8> = sqlx::query_scalar(&sql)
                .bind(i32::from(tile.z))
                .bind(i32::try_from(tile.x)?)
                .bind(i32::try_from(tile.y)?)
                .bind(i32::from(tiles::min_class(tile.z) as u8))
                .fetch_one(&mut db)
                .await?;
            t.record(started.elapsed().as_secs_f64() * 1e3, bytes.len());
        }
        zooms.push(t);
    }
    Ok(Peer {
        version,
        postgis,
        roads: roads.0.len(),
        names: names.0.len(),
        load_s,
        index_s,
        round_trip_ms: quantile(rt, 0.5),
        zooms,
    })
}
