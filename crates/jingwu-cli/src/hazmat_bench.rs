//! `jingwu bench hazmat-zones`: threat zones and the enterprises inside them against the
//! demo's 40,000 enterprises (not a test; figures go to docs/benchmarks.md).
//!
//! On a fresh database (SQLite in a temporary directory, or an empty PostgreSQL database) it
//! loads the demo city on a synthetic road network with its hazmat registries, opens a
//! chlorine release at the centre and times, over the same release and weather:
//! - `zones`: the Gaussian threat zones alone (`jingwu_hazmat::zone::threat_zones`);
//! - `zones+impact`: what the response picture does — zones, then the enterprises of the
//!   caller's jurisdiction inside them (the in-memory index: its one-row version check in SQL, the
//!   candidates in the zones' bounding box, the polygon test);
//! - the peer, `point model`: the direct method without polygons, in its best form — every
//!   enterprise's place held in memory and the plume evaluated at each (downwind/crosswind
//!   transform, the concentration against the weakest level of concern);
//! - `response read`: the whole `GET /api/v1/hazmat/responses/{id}` use case (weather pick,
//!   zones, impact, road segments, fire units ranked by road time).
//!
//! Both methods' enterprise counts are printed so that a faster wrong answer shows.

use std::process::ExitCode;

use anyhow::{Context, bail};
use jingwu_core::{Principal, Role};
use jingwu_hazmat::records::{ChemicalId, ReleaseKind};
use jingwu_hazmat::zone::{self, LatLon, Release, ZoneInput};
use jingwu_store::hazmat::{self as q, LatLonBox};
use tokio::time::Instant;

use crate::bench_stats::median_p95;

#[derive(Debug, clap::Args)]
pub struct ZonesArgs {
    /// Database to fill: a new SQLite file or an empty PostgreSQL database [default: a SQLite
    /// file in a temporary directory].
    #[arg(long, value_name = "URL")]
    pub database: Option<String>,
    /// Enterprises in the registry (1..=200,000).
    #[arg(long, default_value_t = jingwu_app::DEMO_ENTERPRISES)]
    pub enterprises: usize,
    /// Timed runs of each figure (1..=10,000).
    #[arg(long, default_value_t = 200)]
    pub runs: usize,
    /// Release rate, g/s.
    #[arg(long, default_value_t = 2000.0)]
    pub q: f64,
}

pub async fn zones(a: ZonesArgs) -> anyhow::Result<ExitCode> {
    if !(1..=200_000).contains(&a.enterprises) || !(1..=10_000).contains(&a.runs) {
        bail!("--enterprises must be 1..=200000 and --runs 1..=10000");
    }
    let dir = tempfile::tempdir()?;
    let database = a
        .database
        .clone()
        .unwrap_or_else(|| format!("sqlite://{}/hazmat-bench.db", dir.path().display()));
    let cfg = crate::config::Config {
        database: database.clone(),
        media_dir: dir.path().join("media").display().to_string(),
        audit_key_file: dir.path().join("key").display().to_string(),
        ..crate::config::Config::default()
    };
    let app = crate::config::open_app(&cfg).await?;
    let d = crate::ops::describe;
    let t0 = Instant::now();
    let summary = app.seed_demo().await.map_err(d)?;
    if !summary.created {
        bail!("the database must be empty");
    }
    let (graph, _) = jingwu_routing::SyntheticCity::new(8_000, 2016)
        .generate()
        .context("synthetic road network")?;
    let (lat0, lon0, lat1, lon1) = graph.bbox();
    app.command()
        .set_road_network(jingwu_app::RoadNetwork::new(graph));
    app.seed_demo_command().await.map_err(d)?;
    let seeded = app.seed_demo_hazmat(a.enterprises).await.map_err(d)?;
    eprintln!(
        "seeded {seeded} enterprises in {:.1} s",
        t0.elapsed().as_secs_f64()
    );

    let mut conn = app.kernel().read().await.map_err(d)?;
    let fire = jingwu_store::foundation::users::by_username(&mut conn, "fire")
        .await?
        .context("the demo fire commander")?;
    drop(conn);
    let who = Principal {
        user_id: fire.user.id.to_string(),
        username: fire.user.username.clone(),
        role: Role::FireCommander,
        org_id: fire.user.org_id.to_string(),
        org_path: fire.org_path.clone(),
    };
    let centre = ((lat0 + lat1) / 2.0, (lon0 + lon1) / 2.0);
    let opened = app
        .hazmat()
        .open_response(
            &who,
            &jingwu_app::NewResponse {
                org: None,
                incident_id: None,
                enterprise_id: None,
                title: "bench".into(),
                chemical_id: ChemicalId::from("chem-UN1017"),
                lat: Some(centre.0),
                lon: Some(centre.1),
                release_kind: ReleaseKind::Continuous,
                amount: a.q,
                height_m: 0.0,
                spill: jingwu_hazmat::erg::SpillSize::Small,
                sigma_set: jingwu_hazmat::sigma::SigmaSet::BriggsUrban,
                terrain: jingwu_hazmat::wind::Terrain::Urban,
            },
            &jingwu_app::RequestCtx::cli(),
        )
        .await
        .map_err(d)?;
    let picture = opened
        .picture
        .as_ref()
        .context("the demo stations give no weather")?;
    let chemical = &opened.chemical;
    let input = ZoneInput {
        source: LatLon {
            lat: centre.0,
            lon: centre.1,
        },
        release: Release::Continuous { q_g_s: a.q },
        height_m: 0.0,
        receptor_height_m: 1.5,
        wind_from_deg: picture.weather.wind_from_deg,
        u10_ms: picture.weather.wind_speed_ms,
        stability: picture.weather.stability.class,
        sigma_set: jingwu_hazmat::sigma::SigmaSet::BriggsUrban,
        terrain: jingwu_hazmat::wind::Terrain::Urban,
        levels: picture
            .zones
            .zones
            .iter()
            .map(|z| jingwu_hazmat::zone::LevelOfConcern {
                tier: z.tier,
                label: z.label.clone(),
                g_m3: z.g_m3,
            })
            .collect(),
        dense_gas: chemical.dense_gas,
    };
    let weakest = input
        .levels
        .iter()
        .map(|l| l.g_m3)
        .fold(f64::INFINITY, f64::min);
    // The peer in its best form reads the points once, as the index does.
    let mut conn = app.kernel().read().await.map_err(d)?;
    let all = q::enterprise_points_in(
        &mut conn,
        &who.org_path,
        LatLonBox {
            min_lat: -90.0,
            min_lon: -180.0,
            max_lat: 90.0,
            max_lon: 180.0,
        },
    )
    .await?;
    drop(conn);

    let (mut t_zones, mut t_ours, mut t_peer, mut t_read) = (vec![], vec![], vec![], vec![]);
    let (mut ours_n, mut peer_n) = (0, 0);
    for run in 0..a.runs + 5 {
        let warm = run >= 5;
        let t = Instant::now();
        zone::threat_zones(&input).map_err(|e| anyhow::anyhow!("{e}"))?;
        let zones_s = t.elapsed().as_secs_f64();

        let t = Instant::now();
        let zones = zone::threat_zones(&input).map_err(|e| anyhow::anyhow!("{e}"))?;
        ours_n = app
            .hazmat()
            .enterprises_inside(&who, &zones, input.source, None)
            .await
            .map_err(d)?
            .len();
        let ours_s = t.elapsed().as_secs_f64();

        let t = Instant::now();
        let (u, _) = zone::release_wind(&input);
        let toward = (input.wind_from_deg + 180.0).rem_euclid(360.0);
        peer_n = all
            .iter()
            .filter(|e| {
                let (x, y) = zone::downwind_crosswind(
                    input.source,
                    toward,
                    LatLon {
                        lat: e.lat,
                        lon: e.lon,
                    },
                );
                jingwu_hazmat::dispersion::plume_at(
                    input.sigma_set,
                    input.stability,
                    a.q,
                    u,
                    0.0,
                    x,
                    y,
                    input.receptor_height_m,
                ) >= weakest
            })
            .count();
        let peer_s = t.elapsed().as_secs_f64();

        let t = Instant::now();
        app.hazmat()
            .response(&who, &opened.response.id)
            .await
            .map_err(d)?;
        let read_s = t.elapsed().as_secs_f64();
        if warm {
            t_zones.push(zones_s * 1e3);
            t_ours.push(ours_s * 1e3);
            t_peer.push(peer_s * 1e3);
            t_read.push(read_s * 1e3);
        }
    }
    let backend = if database.starts_with("postgres") {
        "PostgreSQL"
    } else {
        "SQLite"
    };
    println!(
        "hazmat zones on {backend}: {} enterprises, {} runs, chlorine {} g/s, wind {:.0}° {:.1} m/s class {}",
        a.enterprises, a.runs, a.q, input.wind_from_deg, input.u10_ms, input.stability
    );
    let (zm, zp) = median_p95(t_zones);
    let (om, op) = median_p95(t_ours);
    let (pm, pp) = median_p95(t_peer);
    let (rm, rp) = median_p95(t_read);
    println!("  zones                median {zm:.3} ms  p95 {zp:.3} ms");
    println!(
        "  zones+impact         median {om:.3} ms  p95 {op:.3} ms  ({ours_n} enterprises inside)"
    );
    println!(
        "  peer: point model    median {pm:.3} ms  p95 {pp:.3} ms  ({peer_n} enterprises above the weakest level)"
    );
    println!("  response read        median {rm:.3} ms  p95 {rp:.3} ms");
    println!("  peer / ours (median) {:.1}×", pm / om);
    Ok(ExitCode::SUCCESS)
}
