//! `jingwu bench geocode`: forward and reverse geocoding on the address book of a synthetic
//! city (about four house numbers per road node: `--nodes 250000` gives about a million),
//! beside PostgreSQL on the same addresses in the same run (not a test; figures go to
//! docs/benchmarks.md).
//!
//! Queries, drawn with a fixed seed from the book itself so every one has a known answer:
//! - **house**: a house as a call-taker types it, 「江东北路340号」;
//! - **house, spoken**: the same with the province, city and a trailing 「附近」 around it,
//!   「浙江省宁波市江东北路340号附近」;
//! - **house, typo**: one character of the street name missing, 「江北路340号」;
//! - **crossroads**: 「江东北路与中山东路交叉口」;
//! - **reverse**: the nearest address to a random point of the city.
//!
//! A forward answer is right when one of the first five candidates lies within 30 m of the
//! house (or crossroads) the query was made from; a reverse answer when it names the nearest
//! house (found by a linear scan over all houses, outside the timing).
//!
//! The peer is the usual PostgreSQL answer to "search addresses": a table of the same labels
//! (houses and crossroads) with a `pg_trgm` GIN index, queried with
//! `WHERE label % $1 ORDER BY label <-> $1 LIMIT 5` (trigram similarity, the extension's
//! documented nearest-match form), and a GiST index on `point(lon, lat)` queried with
//! `ORDER BY p <-> point($1, $2) LIMIT 1` for reverse. Both are timed per query from this
//! client over one connection on 127.0.0.1, so the peer's figure includes a local round trip
//! (measured on its own with `SELECT 1` and reported).

use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;
use jingwu_routing::{AddressBook, SplitMix64, SyntheticCity, haversine_m};
use sqlx::Row;

/// The PostgreSQL server `--database` means when given without a value.
const DEFAULT_POSTGRES: &str = "postgres://postgres@127.0.0.1:5432/test";
/// A forward answer counts when it is this close to the query's address (metres).
const RIGHT_WITHIN_M: f64 = 30.0;
const TOP: usize = 5;

#[derive(Debug, clap::Args)]
pub struct GeocodeArgs {
    /// Road nodes of the synthetic city (about four house numbers each), 1,000..=4,000,000.
    #[arg(long, default_value_t = 250_000)]
    pub nodes: usize,
    /// Queries of each kind (10..=100,000).
    #[arg(long, default_value_t = 1_000)]
    pub queries: usize,
    /// PostgreSQL server for the peer: a fresh database is created there for the run and
    /// dropped after; `--database` alone means postgres://postgres@127.0.0.1:5432/test
    /// [default: no peer].
    #[arg(long, value_name = "URL", num_args = 0..=1, default_missing_value = DEFAULT_POSTGRES)]
    pub database: Option<String>,
}

/// One query with the point its answer should be at.
struct Query {
    text: String,
    lat: f64,
    lon: f64,
}

/// Times of one kind of query (µs) and how many were answered right.
#[derive(Default)]
struct Tally {
    us: Vec<f64>,
    right: usize,
}

impl Tally {
    fn record(&mut self, us: f64, right: bool) {
        self.us.push(us);
        self.right += usize::from(right);
    }

    fn quantile(&self, q: f64) -> f64 {
        crate::bench_stats::quantile(self.us.clone(), q)
    }

    fn shown(&self) -> String {
        format!(
            "{:>9.1} {:>9.1} {:>6.1}%",
            self.quantile(0.5),
            self.quantile(0.99),
            100.0 * self.right as f64 / self.us.len().max(1) as f64
        )
    }
}

fn near(lat: f64, lon: f64, q: &Query) -> bool {
    haversine_m(lat, lon, q.lat, q.lon) <= RIGHT_WITHIN_M
}

pub async fn run(args: GeocodeArgs) -> anyhow::Result<ExitCode> {
    anyhow::ensure!(
        (1_000..=4_000_000).contains(&args.nodes),
        "--nodes must be 1,000..=4,000,000"
    );
    anyhow::ensure!(
        (10..=100_000).contains(&args.queries),
        "--queries must be 10..=100,000"
    );
    let started = Instant::now();
    let city = SyntheticCity::new(args.nodes, 1);
    let (graph, _) = city.generate()?;
    let gen_s = started.elapsed().as_secs_f64();
    let started = Instant::now();
    let book = city.addresses(&graph);
    let build_s = started.elapsed().as_secs_f64();
    let houses: Vec<(String, f64, f64)> = book.houses().collect();
    let mut crossings: Vec<(String, f64, f64)> = book
        .crossings()
        .map(|(a, b, lat, lon)| (format!("{a}与{b}交叉口"), lat, lon))
        .collect();
    // The book keeps crossroads in a hash map: sort, so the same seed picks the same queries.
    crossings.sort_by(|x, y| x.0.cmp(&y.0));
    println!(
        "synthetic city of {} nodes (generated in {gen_s:.1} s): {} streets, {} house numbers, \
         {} crossroads; address book built in {build_s:.2} s",
        graph.node_count(),
        book.street_count(),
        houses.len(),
        crossings.len()
    );
    let kinds = queries(&houses, &crossings, args.queries);
    let (a, b, c, d) = graph.bbox();
    let mut rng = SplitMix64::new(23);
    let points: Vec<(f64, f64)> = (0..args.queries)
        .map(|_| (a + (c - a) * rng.next_f64(), b + (d - b) * rng.next_f64()))
        .collect();
    let nearest: Vec<usize> = points
        .iter()
        .map(|&(lat, lon)| nearest_house(&houses, lat, lon))
        .collect();

    let ours = measure_ours(&book, &kinds, &points, &nearest, &houses);
    let peer = match &args.database {
        None => None,
        Some(server) => {
            let server = server.clone();
            let (kinds, points, nearest) = (&kinds, &points, &nearest);
            let (houses, crossings) = (&houses, &crossings);
            let mut peer = None;
            crate::bench_db::on_fresh_database(Some(&server), "geocode", async |url, _| {
                peer =
                    Some(measure_postgres(url, houses, crossings, kinds, points, nearest).await?);
                Ok(ExitCode::SUCCESS)
            })
            .await?;
            peer
        }
    };
    println!(
        "\n{:<16} {:>9} {:>9} {:>7}   {:>9} {:>9} {:>7}   {:>6}",
        "query", "ours p50", "p99 µs", "right", "peer p50", "p99 µs", "right", "p50 ×"
    );
    for (i, (name, _)) in kinds.iter().enumerate() {
        print_row(name, &ours[i], peer.as_ref().map(|p| &p.kinds[i]));
    }
    print_row(
        "reverse",
        &ours[kinds.len()],
        peer.as_ref().map(|p| &p.kinds[kinds.len()]),
    );
    if let Some(p) = &peer {
        println!(
            "\npeer: PostgreSQL {}; loaded {} rows in {:.1} s, indexes built in {:.1} s; a bare \
             `SELECT 1` round trip takes {:.1} µs (p50) of each peer figure",
            p.version, p.rows, p.load_s, p.index_s, p.round_trip_us
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn print_row(name: &str, ours: &Tally, peer: Option<&Tally>) {
    let (shown, ratio) = match peer {
        Some(p) => (
            p.shown(),
            format!("{:>6.0}", p.quantile(0.5) / ours.quantile(0.5)),
        ),
        None => (format!("{:>27}", "-"), format!("{:>6}", "-")),
    };
    println!("{name:<16} {}   {shown}   {ratio}", ours.shown());
}

/// The forward query kinds, each with `n` queries.
fn queries(
    houses: &[(String, f64, f64)],
    crossings: &[(String, f64, f64)],
    n: usize,
) -> Vec<(&'static str, Vec<Query>)> {
    let mut rng = SplitMix64::new(17);
    let mut pick = |len: usize| (rng.next_f64() * len as f64) as usize % len.max(1);
    let sample: Vec<&(String, f64, f64)> = (0..n).map(|_| &houses[pick(houses.len())]).collect();
    let q = |text: String, &(_, lat, lon): &(String, f64, f64)| Query { text, lat, lon };
    let typo = |label: &str| {
        // Drop the second character of the street name (「江东北路」 → 「江北路」).
        let mut chars: Vec<char> = label.chars().collect();
        if chars.len() > 4 {
            chars.remove(1);
        }
        chars.into_iter().collect::<String>()
    };
    let crossroads = (0..n)
        .map(|_| {
            let h = &crossings[pick(crossings.len())];
            q(h.0.clone(), h)
        })
        .collect();
    vec![
        ("house", sample.iter().map(|h| q(h.0.clone(), h)).collect()),
        (
            "house, spoken",
            sample
                .iter()
                .map(|h| q(format!("浙江省宁波市{}附近", h.0), h))
                .collect(),
        ),
        (
            "house, typo",
            sample.iter().map(|h| q(typo(&h.0), h)).collect(),
        ),
        ("crossroads", crossroads),
    ]
}

fn nearest_house(houses: &[(String, f64, f64)], lat: f64, lon: f64) -> usize {
    let cos = lat.to_radians().cos();
    let d2 = |h: &(String, f64, f64)| {
        let (dy, dx) = (h.1 - lat, (h.2 - lon) * cos);
        dy * dy + dx * dx
    };
    (0..houses.len())
        .min_by(|&i, &j| d2(&houses[i]).total_cmp(&d2(&houses[j])))
        .unwrap_or(0)
}

fn measure_ours(
    book: &AddressBook,
    kinds: &[(&'static str, Vec<Query>)],
    points: &[(f64, f64)],
    nearest: &[usize],
    houses: &[(String, f64, f64)],
) -> Vec<Tally> {
    let mut out = Vec::new();
    for (_, qs) in kinds {
        let mut t = Tally::default();
        for q in qs {
            let started = Instant::now();
            let found = book.geocode(&q.text, &[], TOP);
            let us = started.elapsed().as_secs_f64() * 1e6;
            t.record(us, found.iter().any(|c| near(c.lat, c.lon, q)));
        }
        out.push(t);
    }
    let mut t = Tally::default();
    for (&(lat, lon), &want) in points.iter().zip(nearest) {
        let started = Instant::now();
        let hit = book.reverse(lat, lon, 2_000.0);
        let us = started.elapsed().as_secs_f64() * 1e6;
        t.record(us, hit.is_some_and(|h| h.label == houses[want].0));
    }
    out.push(t);
    out
}

struct Peer {
    kinds: Vec<Tally>,
    version: String,
    rows: usize,
    load_s: f64,
    index_s: f64,
    round_trip_us: f64,
}

async fn measure_postgres(
    url: &str,
    houses: &[(String, f64, f64)],
    crossings: &[(String, f64, f64)],
    kinds: &[(&'static str, Vec<Query>)],
    points: &[(f64, f64)],
    nearest: &[usize],
) -> anyhow::Result<Peer> {
    use sqlx::Connection;
    let mut db = sqlx::PgConnection::connect(url)
        .await
        .context("cannot connect to the peer database")?;
    let version: String = sqlx::query_scalar("SHOW server_version")
        .fetch_one(&mut db)
        .await?;
    for sql in [
        "CREATE EXTENSION IF NOT EXISTS pg_trgm",
        "CREATE TABLE addr (label text NOT NULL, lat float8 NOT NULL, lon float8 NOT NULL)",
    ] {
        sqlx::query(sql).execute(&mut db).await?;
    }
    let started = Instant::now();
    let rows: Vec<&(String, f64, f64)> = houses.iter().chain(crossings).collect();
    for chunk in rows.chunks(50_000) {
        let labels: Vec<&str> = chunk.iter().map(|r| r.0.as_str()).collect();
        let lats: Vec<f64> = chunk.iter().map(|r| r.1).collect();
        let lons: Vec<f64> = chunk.iter().map(|r| r.2).collect();
        sqlx::query(
            "INSERT INTO addr SELECT * FROM UNNEST($1::text[], $2::float8[], $3::float8[])",
        )
        .bind(labels)
        .bind(lats)
        .bind(lons)
        .execute(&mut db)
        .await?;
    }
    let load_s = started.elapsed().as_secs_f64();
    let started = Instant::now();
    for sql in [
        "ALTER TABLE addr ADD COLUMN p point GENERATED ALWAYS AS (point(lon, lat)) STORED",
        "CREATE INDEX addr_label_trgm ON addr USING gin (label gin_trgm_ops)",
        "CREATE INDEX addr_p ON addr USING gist (p)",
        "ANALYZE addr",
    ] {
        sqlx::query(sql).execute(&mut db).await?;
    }
    let index_s = started.elapsed().as_secs_f64();
    let mut rt = Tally::default();
    for _ in 0..200 {
        let started = Instant::now();
        sqlx::query("SELECT 1").execute(&mut db).await?;
        rt.record(started.elapsed().as_secs_f64() * 1e6, true);
    }
    let mut out = Vec::new();
    for (_, qs) in kinds {
        let mut t = Tally::default();
        for q in qs {
            let started = Instant::now();
            let found = sqlx::query(
                "SELECT lat, lon FROM addr WHERE label % $1 ORDER BY label <-> $1 LIMIT 5",
            )
            .bind(&q.text)
            .fetch_all(&mut db)
            .await?;
            let us = started.elapsed().as_secs_f64() * 1e6;
            let right = found
                .iter()
                .any(|r| near(r.get::<f64, _>(0), r.get::<f64, _>(1), q));
            t.record(us, right);
        }
        out.push(t);
    }
    let mut t = Tally::default();
    for (&(lat, lon), &want) in points.iter().zip(nearest) {
        let started = Instant::now();
        let label: Option<String> =
            sqlx::query_scalar("SELECT label FROM addr ORDER BY p <-> point($1, $2) LIMIT 1")
                .bind(lon)
                .bind(lat)
                .fetch_optional(&mut db)
                .await?;
        let us = started.elapsed().as_secs_f64() * 1e6;
        t.record(us, label.as_deref() == Some(houses[want].0.as_str()));
    }
    out.push(t);
    Ok(Peer {
        kinds: out,
        version,
        rows: rows.len(),
        load_s,
        index_s,
        round_trip_us: rt.quantile(0.5),
    })
}
