//! Configuration: defaults -> `jingwu.toml` -> `JINGWU_*` environment -> command-line flags.

use std::path::Path;
use std::sync::Arc;

use anyhow::Context;
use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use jingwu_app::{App, AppConfig, PasswordCost};
use jingwu_store::{Store, StoreOptions};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Config {
    /// Listen address.
    pub addr: String,
    /// `sqlite://PATH` or `postgres://...`.
    pub database: String,
    /// tracing filter, e.g. `info,jingwu_api=debug`.
    pub log: String,
    /// `text` or `json`.
    pub log_format: String,
    /// Always mark the session cookie Secure (every client comes over HTTPS).
    pub secure_cookies: bool,
    /// Reverse proxies (IP addresses) whose X-Forwarded-Proto / X-Forwarded-For are believed.
    pub trusted_proxies: Vec<String>,
    /// Who may read /metrics: `public`, `admin` or `off`.
    pub metrics: String,
    /// Bearer token a scraper may present for /metrics in `admin` mode; empty for none.
    pub metrics_token: String,
    /// Argon2id memory in KiB and iterations for new password hashes.
    pub argon2_memory_kib: u32,
    pub argon2_iterations: u32,
    pub session_ttl_hours: i64,
    pub db_max_connections: u32,
    /// Share of a station area's road length that must be within 3 minutes of an available
    /// unit; below it a coverage alert with a move-up suggestion is raised.
    pub coverage_target: f64,
    /// Road network to dispatch on: `synthetic:NODES[:SEED]`, a `.osm.pbf` file or a graph
    /// cache from `jingwu graph`; empty for none (no recommendations or coverage).
    pub road_network: String,
    /// Rush hours: time-of-day speed factors per road class, one window per entry, e.g.
    /// `mon-fri 07:00-09:00 trunk=1.6 primary=1.5` (Asia/Shanghai time; see
    /// `jingwu_routing::RushHours`); empty for free flow all day.
    pub rush_hours: Vec<String>,
    /// AVL fixes older than this many seconds do not place a unit for recommendation.
    pub avl_max_age_secs: i64,
    /// Days of AVL position history kept (older fixes are pruned hourly).
    pub avl_retention_days: i64,
    /// AVL fixes that may wait to be stored before further batches are shed (503
    /// `avl_overloaded`); about a second of peak ingest.
    pub avl_queue_fixes: usize,
    /// AVL fixes taken per second at most (more are shed with 503 `avl_overloaded`), so that
    /// dispatch and push keep their latency under a flood; 0 for no limit.
    pub avl_max_fixes_per_second: usize,
    /// AVL fixes one account (a gateway, a terminal's officer) may send per second at most, so
    /// that one flooding sender leaves the rest to the others; 0 for no limit of its own.
    pub avl_max_fixes_per_second_per_sender: usize,
    /// Directory of the content-addressed scene media store.
    pub media_dir: String,
    /// The audit log's Ed25519 signing key (generated on first start) [default: beside a
    /// SQLite database as `<file>.audit-key`, else `data/audit-signing.key`].
    pub audit_key_file: String,
    /// Directory each signed audit checkpoint is also written to (a witness); empty for none.
    pub audit_witness_dir: String,
    /// `http://` URLs each signed audit checkpoint is also POSTed to (witnesses).
    pub audit_witness_urls: Vec<String>,
    /// Longest wait, in milliseconds, before a written audit entry has its place in the log.
    pub audit_sequence_ms: u64,
    /// While the audit log grows, a checkpoint is signed at least this often (seconds).
    pub audit_checkpoint_secs: u64,
    /// The point-reduction rules in force: `order163` (MPS Order 163, the national rule) or
    /// `ningbo2016` (the seed's voucher pilot).
    pub traffic_reduction_profile: String,
    /// Missed appointments (no-shows) within `permit_no_show_days` that suspend a citizen's
    /// online booking; 0 (the default) never suspends.
    pub permit_no_show_limit: u32,
    pub permit_no_show_days: u32,
}

/// Listen address unless configured.
pub const DEFAULT_ADDR: &str = "127.0.0.1:8080";
/// Database unless configured (`jingwu demo` has its own, [`DEMO_DATABASE`]).
pub const DEFAULT_DATABASE: &str = "sqlite://data/jingwu.db";
/// The demo city's database unless configured, apart from a real one.
pub const DEMO_DATABASE: &str = "sqlite://data/jingwu-demo.db";

impl Default for Config {
    fn default() -> Self {
        let cost = PasswordCost::default();
        Config {
            addr: DEFAULT_ADDR.into(),
            database: DEFAULT_DATABASE.into(),
            log: "info,sqlx=warn".into(),
            log_format: "text".into(),
            secure_cookies: false,
            trusted_proxies: Vec::new(),
            metrics: "admin".into(),
            metrics_token: String::new(),
            argon2_memory_kib: cost.memory_kib,
            argon2_iterations: cost.iterations,
            session_ttl_hours: 12,
            db_max_connections: 8,
            coverage_target: 0.8,
            road_network: String::new(),
            rush_hours: Vec::new(),
            avl_max_age_secs: jingwu_app::DEFAULT_AVL_MAX_AGE_S,
            avl_queue_fixes: jingwu_app::DEFAULT_AVL_QUEUE_FIXES,
            avl_max_fixes_per_second: jingwu_app::DEFAULT_AVL_MAX_FIXES_PER_SECOND,
            avl_max_fixes_per_second_per_sender:
                jingwu_app::DEFAULT_AVL_MAX_FIXES_PER_SECOND_PER_SENDER,
            avl_retention_days: 30,
            media_dir: "data/media".into(),
            audit_key_file: String::new(),
            audit_witness_dir: String::new(),
            audit_witness_urls: Vec::new(),
            audit_sequence_ms: 100,
            audit_checkpoint_secs: 60,
            traffic_reduction_profile: "order163".into(),
            permit_no_show_limit: 0,
            permit_no_show_days: 90,
        }
    }
}

/// Help of `--database`, naming the default that applies when neither the flag nor the
/// configuration sets it.
pub fn database_help(default: &str) -> String {
    format!(
        "Database URL: sqlite://PATH or postgres://USER@HOST/DB; also `database` in \
         jingwu.toml or JINGWU_DATABASE [default: {default}]"
    )
}

/// Flags common to every command that opens the database.
#[derive(Debug, Clone, Default, clap::Args, Serialize)]
pub struct DbArgs {
    #[arg(long, value_name = "URL", help = database_help(DEFAULT_DATABASE))]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub database: Option<String>,
}

pub fn load(
    file: Option<&Path>,
    defaults: Config,
    flags: impl Serialize,
) -> anyhow::Result<Config> {
    let mut fig = Figment::from(Serialized::defaults(defaults));
    match file {
        Some(f) => {
            anyhow::ensure!(
                f.exists(),
                "configuration file {} does not exist",
                f.display()
            );
            fig = fig.merge(Toml::file(f));
        }
        None => fig = fig.merge(Toml::file("jingwu.toml")),
    }
    // Every JINGWU_<KEY> sets <key>; other JINGWU_ variables (test and build settings) are
    // not configuration keys and are ignored on extraction.
    fig.merge(Env::prefixed("JINGWU_"))
        .merge(Serialized::globals(flags))
        .extract()
        .context("invalid configuration")
}

/// Opens (and migrates) the database and builds the application on it.
pub async fn open_app(cfg: &Config) -> anyhow::Result<App> {
    for url in &cfg.audit_witness_urls {
        anyhow::ensure!(
            url.starts_with("http://"),
            "audit_witness_urls: {url:?} is not an http:// URL (put a TLS proxy in front for https)"
        );
    }
    let opts = StoreOptions {
        max_connections: cfg.db_max_connections,
        ..StoreOptions::default()
    };
    let store = Store::connect(&cfg.database, &opts)
        .await
        .with_context(|| format!("cannot open the database {}", redact(&cfg.database)))?;
    store
        .migrate()
        .await
        .context("cannot migrate the database")?;
    let app_cfg = AppConfig {
        password_cost: PasswordCost {
            memory_kib: cfg.argon2_memory_kib,
            iterations: cfg.argon2_iterations,
        },
        session_ttl: jiff::SignedDuration::from_hours(cfg.session_ttl_hours),
        avl_max_age_s: cfg.avl_max_age_secs,
        avl_queue_fixes: cfg.avl_queue_fixes.max(1),
        avl_max_fixes_per_second: cfg.avl_max_fixes_per_second,
        avl_max_fixes_per_second_per_sender: cfg.avl_max_fixes_per_second_per_sender,
        media_dir: cfg.media_dir.clone().into(),
        audit: jingwu_app::AuditConfig {
            sequence_every: std::time::Duration::from_millis(cfg.audit_sequence_ms.max(1)),
            checkpoint_every: std::time::Duration::from_secs(cfg.audit_checkpoint_secs.max(1)),
            key_file: audit_key_file(cfg).into(),
            witness_dir: Some(cfg.audit_witness_dir.as_str())
                .filter(|d| !d.is_empty())
                .map(Into::into),
            witness_urls: cfg.audit_witness_urls.clone(),
        },
        traffic: jingwu_app::TrafficConfig {
            profile: jingwu_traffic::Profile::from_config(&cfg.traffic_reduction_profile)
                .with_context(|| {
                    format!(
                        "traffic_reduction_profile {:?}: use order163 or ningbo2016",
                        cfg.traffic_reduction_profile
                    )
                })?,
            ..jingwu_app::TrafficConfig::default()
        },
        permits: jingwu_app::PermitsConfig {
            no_show: jingwu_permits::booking::NoShowPolicy {
                limit: cfg.permit_no_show_limit,
                days: cfg.permit_no_show_days.max(1),
            },
            ..jingwu_app::PermitsConfig::default()
        },
        ..AppConfig::default()
    };
    let app = App::new(store, Arc::new(jingwu_core::SystemClock), app_cfg);
    anyhow::ensure!(
        (0.0..=1.0).contains(&cfg.coverage_target),
        "coverage_target {} must be between 0 and 1",
        cfg.coverage_target
    );
    app.command()
        .set_coverage_policy(jingwu_app::CoveragePolicy {
            target: cfg.coverage_target,
            ..jingwu_app::CoveragePolicy::default()
        });
    if !cfg.road_network.is_empty() {
        let rush_hours =
            jingwu_routing::RushHours::parse(&cfg.rush_hours).map_err(anyhow::Error::msg)?;
        app.command().set_road_network(
            crate::road_network::load(&cfg.road_network)?.with_rush_hours(rush_hours),
        );
    }
    Ok(app)
}

/// Where the audit signing key lives: as configured, else beside a SQLite database file (each
/// database its own log, its own key), else in `data/`.
pub fn audit_key_file(cfg: &Config) -> String {
    if !cfg.audit_key_file.is_empty() {
        return cfg.audit_key_file.clone();
    }
    match cfg.database.strip_prefix("sqlite://") {
        Some(rest) => format!("{}.audit-key", rest.split('?').next().unwrap_or(rest)),
        None => "data/audit-signing.key".into(),
    }
}

/// A database URL with any password replaced, fit for messages and logs.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let userinfo = &url[scheme + 3..at];
            match userinfo.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme + 3], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

#[cfg(test)]
// figment's Jail closures return its own (large) error type.
#[allow(clippy::result_large_err)]
mod tests {
    use super::*;

    #[test]
    fn sources_override_in_order_defaults_file_environment_flags() {
        figment::Jail::expect_with(|jail| {
            jail.create_file(
                "jingwu.toml",
                "addr = \"0.0.0.0:9000\"\nlog = \"debug\"\nsession_ttl_hours = 2\ndatabase = \"sqlite://from-file.db\"",
            )?;
            jail.set_env("JINGWU_LOG", "warn");
            jail.set_env("JINGWU_DATABASE", "sqlite://from-env.db");
            jail.set_env("JINGWU_ROAD_NETWORK", "synthetic:1000:3");
            jail.set_env("JINGWU_AVL_RETENTION_DAYS", "7");
            jail.set_env("JINGWU_TEST_PG_URL", "postgres://not-a-setting/x");
            let flags = DbArgs {
                database: Some("postgres://from-flag/db".into()),
            };
            let c = load(None, Config::default(), &flags).map_err(|e| e.to_string())?;
            assert_eq!(c.addr, "0.0.0.0:9000", "file over default");
            assert_eq!(c.session_ttl_hours, 2, "file over default");
            assert_eq!(c.log, "warn", "environment over file");
            assert_eq!(
                c.database, "postgres://from-flag/db",
                "flag over environment"
            );
            assert_eq!(c.db_max_connections, 8, "default kept");
            assert_eq!(
                c.road_network, "synthetic:1000:3",
                "every key reads its JINGWU_ variable"
            );
            assert_eq!(c.avl_retention_days, 7);
            let none =
                load(None, Config::default(), DbArgs::default()).map_err(|e| e.to_string())?;
            assert_eq!(
                none.database, "sqlite://from-env.db",
                "environment when no flag"
            );
            Ok(())
        });
    }

    #[test]
    fn a_bad_value_names_the_key() {
        figment::Jail::expect_with(|jail| {
            jail.set_env("JINGWU_SESSION_TTL_HOURS", "soon");
            let err = load(None, Config::default(), DbArgs::default()).unwrap_err();
            let msg = format!("{err:#}");
            assert!(
                msg.to_lowercase().contains("session_ttl_hours") && msg.contains("JINGWU_"),
                "{msg}"
            );
            Ok(())
        });
    }

    #[test]
    fn passwords_are_redacted_from_urls() {
        assert_eq!(
            redact("postgres://u:secret@h:5432/db"),
            "postgres://u:***@h:5432/db"
        );
        assert_eq!(redact("postgres://u@h/db"), "postgres://u@h/db");
        assert_eq!(redact("sqlite://data/x.db"), "sqlite://data/x.db");
    }
}
