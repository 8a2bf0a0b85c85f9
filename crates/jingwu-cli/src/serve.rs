//! `jingwu serve` and `jingwu demo`.

use std::io::IsTerminal;
use std::net::SocketAddr;
use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;
use jingwu_api::ApiOptions;
use serde::Serialize;
use tracing_subscriber::EnvFilter;

use crate::config::{self, Config};

/// The demo city's roads: a deterministic synthetic city of 60,000 junctions (about 27 km
/// across) around Ningbo's centre, since no Ningbo extract ships with the project.
pub const DEMO_ROAD_NETWORK: &str = "synthetic:60000:2016";

/// Help of `--road-network` with the default that applies when nothing configures it.
pub fn road_network_help(default: &str) -> String {
    let default = if default.is_empty() {
        "none: no recommendations or coverage"
    } else {
        default
    };
    format!(
        "Road network to dispatch on: synthetic:NODES[:SEED], FILE.osm.pbf or a cache from \
         `jingwu graph build`; also `road_network` in jingwu.toml or JINGWU_ROAD_NETWORK \
         [default: {default}]"
    )
}

/// Flags of `serve` and `demo`. They are optional so that the configuration file and the
/// environment can set them; the help names the default that applies otherwise.
#[derive(Debug, Clone, Default, clap::Args, Serialize)]
pub struct ServeArgs {
    #[arg(long, value_name = "HOST:PORT", help = format!(
        "Listen address; also `addr` in jingwu.toml or JINGWU_ADDR [default: {}]",
        config::DEFAULT_ADDR
    ))]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub addr: Option<String>,
    #[arg(long, value_name = "URL", help = config::database_help(config::DEFAULT_DATABASE))]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub database: Option<String>,
    #[arg(long, value_name = "SPEC", help = road_network_help(""))]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub road_network: Option<String>,
    /// Who may read /metrics: `public` (anyone reaching the port), `admin` (admin sessions, or
    /// a scraper sending `metrics_token` from jingwu.toml / JINGWU_METRICS_TOKEN as a bearer
    /// token) or `off`; also `metrics` in jingwu.toml or JINGWU_METRICS [default: admin]
    #[arg(long, value_name = "MODE")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metrics: Option<String>,
    /// A reverse proxy (IP address; repeat for several) whose X-Forwarded-Proto and
    /// X-Forwarded-For are believed: through it, `X-Forwarded-Proto: https` marks the session
    /// cookie Secure and X-Forwarded-For names the client for login throttling and the audit
    /// log. Use `secure_cookies = true` in jingwu.toml when every client comes over HTTPS.
    /// Also `trusted_proxies` in jingwu.toml [default: none]
    #[arg(long = "trusted-proxy", value_name = "IP")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trusted_proxies: Option<Vec<String>>,
}

/// The demo city's rush hours: weekday mornings and evenings, the major roads slowed most.
/// Illustrative values; a bureau sets its own from its traffic data.
const DEMO_RUSH_HOURS: &[&str] = &[
    "mon-fri 07:00-09:00 trunk=1.6 primary=1.5 secondary=1.4 tertiary=1.3 street=1.15",
    "mon-fri 17:00-19:00 trunk=1.7 primary=1.6 secondary=1.45 tertiary=1.3 street=1.15",
];

pub async fn run(file: Option<&Path>, args: ServeArgs, demo: bool) -> anyhow::Result<ExitCode> {
    let mut defaults = Config::default();
    if demo {
        defaults.database = config::DEMO_DATABASE.into();
        defaults.road_network = DEMO_ROAD_NETWORK.into();
        defaults.rush_hours = DEMO_RUSH_HOURS.iter().map(|s| (*s).to_owned()).collect();
    }
    let cfg = config::load(file, defaults, &args)?;
    init_logging(&cfg)?;
    let addr: SocketAddr = cfg
        .addr
        .parse()
        .with_context(|| format!("--addr {:?} is not HOST:PORT", cfg.addr))?;
    // Bind before anything else: an address in use must fail at once, before a fresh database
    // file is created or a road network loaded for nothing.
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("cannot listen on {addr}"))?;
    // The port actually bound, when the configuration asked for any (port 0).
    let addr = listener.local_addr().unwrap_or(addr);
    let app = config::open_app(&cfg).await?;
    if demo {
        let summary = app.seed_demo().await.context("cannot load the demo city")?;
        if app.command().roads().is_some() {
            app.seed_demo_command()
                .await
                .context("cannot place the demo city's units")?;
            app.seed_demo_plans()
                .await
                .context("cannot register the demo city's response plans")?;
            app.seed_demo_layers()
                .await
                .context("cannot register the demo city's information layers")?;
            app.seed_demo_hazmat(jingwu_app::DEMO_ENTERPRISES)
                .await
                .context("cannot load the demo city's hazmat registries")?;
            app.spawn_demo_activity(jingwu_app::DemoPace::default());
        }
        // Traffic services need no road network.
        let traffic = app
            .seed_demo_traffic()
            .await
            .context("cannot load the demo city's traffic records")?;
        if traffic.drivers > 0 {
            tracing::info!(
                drivers = traffic.drivers,
                violations = traffic.violations,
                paid_online = traffic.paid_online,
                "demo traffic records loaded"
            );
        }
        let permits = app
            .seed_demo_permits()
            .await
            .context("cannot load the demo city's approval window")?;
        if permits.items > 0 {
            tracing::info!(
                items = permits.items,
                offices = permits.offices,
                appointments = permits.appointments,
                applications = permits.applications,
                "demo approval window loaded"
            );
        }
        let cases = app
            .seed_demo_cases()
            .await
            .context("cannot load the demo city's cases")?;
        if cases.cases > 0 {
            tracing::info!(
                cases = cases.cases,
                in_area = cases.in_area,
                items = cases.items,
                "demo law enforcement loaded"
            );
        }
        print_demo_logins(&summary, addr);
    }
    // A bureau starts with the reference chemicals (added once the city exists).
    app.install_reference_chemicals()
        .await
        .context("cannot install the reference chemicals")?;
    // A new bureau starts with the default legal time limits; rows it edited stay as they are.
    app.cases()
        .ensure_legal_limits()
        .await
        .map_err(|e| anyhow::anyhow!("cannot install the default legal limits: {e}"))?;
    // The sandbox payment channel's key pairs are made on first start.
    app.payments()
        .ensure_sandbox()
        .await
        .map_err(|e| anyhow::anyhow!("cannot set up the sandbox payment channel: {e}"))?;
    // The signing key is read (or generated) now, so a bad key file stops the start.
    let key = app
        .kernel()
        .audit()
        .signing_key()
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    tracing::info!(
        public_key = %hex::encode(key.verifying_key().to_bytes()),
        "audit checkpoints are signed with this key"
    );
    let _sequencer = app.foundation().spawn_audit_sequencer();
    let closing = app.clone();
    // Live 1/3/5-minute circles, recomputed as units move or change status.
    let _coverage = app.command().spawn_coverage_task();
    // Closures and accidents the traffic police publish, applied to the roads within a second.
    let _road_events = app.command().spawn_road_events_task();
    // Coverage over time for the dashboard: a sample of the city and its districts each slot.
    let _coverage_samples = app.command().spawn_coverage_sampler();
    anyhow::ensure!(
        cfg.avl_retention_days > 0,
        "avl_retention_days must be at least 1"
    );
    let _retention = app.command().spawn_avl_retention(cfg.avl_retention_days);
    // The approval window's holds, no-shows and reminders.
    let _permit_jobs = app.permits().spawn_jobs();
    let _roster_job = app.command().spawn_roster_job();
    let _case_jobs = app.cases().spawn_jobs();
    // 110 timers' overdue alerts and the linkage queue's deliveries.
    let _timer_jobs = app.command().spawn_timer_jobs();
    // Refunds requested by decisions are sent to the channel, retried, and given up for staff.
    let _refund_jobs = app.payments().spawn_refund_jobs();
    let router = jingwu_api::router(app, api_options(&cfg)?);
    tracing::info!(%addr, database = %config::redact(&cfg.database), "jingwu listening");
    axum::serve(
        listener,
        router.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await
    .context("server failed")?;
    closing.close().await;
    tracing::info!("jingwu stopped");
    Ok(ExitCode::SUCCESS)
}

/// The HTTP edge's options from the configuration; a bad proxy address or metrics mode
/// stops the start with a message rather than serving with a surprise.
fn api_options(cfg: &Config) -> anyhow::Result<ApiOptions> {
    let trusted_proxies = cfg
        .trusted_proxies
        .iter()
        .map(|a| {
            a.parse()
                .with_context(|| format!("trusted proxy {a:?} is not an IP address"))
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    let metrics = cfg
        .metrics
        .parse()
        .map_err(|e: String| anyhow::anyhow!(e))?;
    Ok(ApiOptions {
        secure_cookies: cfg.secure_cookies,
        trusted_proxies,
        metrics,
        metrics_token: Some(cfg.metrics_token.clone()).filter(|t| !t.is_empty()),
    })
}

fn init_logging(cfg: &Config) -> anyhow::Result<()> {
    let filter = EnvFilter::try_new(&cfg.log)
        .with_context(|| format!("invalid log filter {:?}", cfg.log))?;
    // Colour codes only for a person at a terminal, never into a file or a pipe.
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::stderr().is_terminal())
        .with_writer(std::io::stderr);
    let result = match cfg.log_format.as_str() {
        "json" => builder.json().try_init(),
        "text" => builder.try_init(),
        other => anyhow::bail!("log_format {other:?} must be text or json"),
    };
    result.map_err(|e| anyhow::anyhow!("cannot start logging: {e}"))
}

fn print_demo_logins(s: &jingwu_app::DemoSummary, addr: SocketAddr) {
    let state = if s.created {
        "created"
    } else {
        "already present"
    };
    println!(
        "Jingwu demo city ({state}): {} org units (1 city, 10 bureaus, 56 stations)",
        s.org_units
    );
    println!("Open http://{addr}/  —  API docs at http://{addr}/api/docs");
    println!(
        "Demo logins (password for all: {}):",
        jingwu_app::DEMO_PASSWORD
    );
    for l in &s.logins {
        println!("  {:<20} {:<20} {}", l.username, l.role, l.display_name);
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
}
