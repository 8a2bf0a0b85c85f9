//! `jingwu bench audit-writes` and `jingwu bench audit-log`: the audit log under load (not
//! tests; figures go to docs/benchmarks.md).
//!
//! - `audit-writes`: concurrent HTTP clients each creating accounts (`POST /api/v1/users`, one
//!   audited write each, never the same object twice) against a server on this machine, for a
//!   bounded time; reports audited writes per second and latency, and the server's own
//!   sequencing delay (write to place in the log) when it exports it. Any Jingwu server
//!   answers it, so one run can time an older build beside a newer one.
//! - `audit-log`: in one process on a fresh database: writes N entries, sequences them into
//!   the tree, then times verifying the whole log (against the same read without checking,
//!   the floor) and generating inclusion and consistency proofs.

use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context, bail};
use hyper::Method;
use jingwu_app::{NewOrg, RequestCtx, Verification};
use jingwu_audit::merkle::{Plan, verify_consistency, verify_inclusion};
use serde_json::json;
use tokio::time::Instant;

use crate::load_bench::{Common, session};
use crate::simulate::{Http, SplitMix, micros, print_latency};

#[derive(Debug, clap::Args)]
pub struct WritesArgs {
    /// Server base URL (loopback only).
    #[arg(long, default_value = "http://127.0.0.1:8080")]
    pub target: String,
    /// An account that may create accounts (a city or station admin).
    #[arg(long, default_value = "admin")]
    pub account: String,
    /// Password of the account [default: the demo accounts' password].
    #[arg(long, env = "JINGWU_SIM_PASSWORD", hide_env_values = true)]
    pub password: Option<String>,
    /// Length of the run, seconds (1..=120).
    #[arg(long, default_value_t = 20)]
    pub duration: u64,
    /// Concurrent writers (1..=64), each with its own connection.
    #[arg(long, default_value_t = 8)]
    pub writers: usize,
}

#[derive(Debug, clap::Args)]
pub struct LogArgs {
    /// Database to fill: a new SQLite file or an empty PostgreSQL database [default: a SQLite
    /// file in a temporary directory].
    #[arg(long, value_name = "URL")]
    pub database: Option<String>,
    /// Entries to write and verify (1..=5,000,000).
    #[arg(long, default_value_t = 1_000_000)]
    pub entries: u64,
    /// Inclusion proofs to generate (random leaves), and as many consistency proofs.
    #[arg(long, default_value_t = 1_000)]
    pub proofs: u64,
}

pub async fn writes(a: WritesArgs) -> anyhow::Result<ExitCode> {
    if !(1..=64).contains(&a.writers) {
        bail!("--writers must be 1..=64");
    }
    let mut s = session(&Common {
        target: a.target.clone(),
        dispatcher: a.account.clone(),
        password: a.password.clone(),
        duration: a.duration,
    })
    .await?;
    let me = s.http.ok(Method::GET, "/api/v1/me", &s.token, None).await?;
    let org = me["org_id"]
        .as_str()
        .or_else(|| me["org"]["id"].as_str())
        .context("/api/v1/me names no org")?
        .to_string();
    // Distinct names across runs on one database (a process id is not reused while it runs).
    let run = std::process::id();
    let started = Instant::now();
    let mut tasks = Vec::new();
    for w in 0..a.writers {
        let (addr, token, org, deadline) =
            (s.target.addr, s.token.clone(), org.clone(), s.deadline);
        tasks.push(tokio::spawn(async move {
            let mut http = Http::new(addr);
            let (mut ok, mut failed, mut lat) = (0u64, 0u64, Vec::new());
            let mut i = 0u64;
            while Instant::now() < deadline {
                i += 1;
                let body = json!({
                    "username": format!("bench{run:x}w{w}n{i}"),
                    "display_name": "压测账号",
                    "role": "officer",
                    "org": org,
                    "password": "bench-password-1",
                });
                let t0 = Instant::now();
                match http
                    .call(Method::POST, "/api/v1/users", Some(&token), Some(&body))
                    .await
                {
                    Ok((st, _)) if st.is_success() => {
                        ok += 1;
                        lat.push(micros(t0.elapsed()));
                    }
                    _ => failed += 1,
                }
            }
            (ok, failed, lat)
        }));
    }
    let (mut ok, mut failed, mut lat) = (0u64, 0u64, Vec::new());
    for t in tasks {
        let (o, f, l) = t.await?;
        ok += o;
        failed += f;
        lat.extend(l);
    }
    let secs = started.elapsed().as_secs_f64();
    println!(
        "audited writes over HTTP: {} writers, {secs:.1} s: {ok} = {:.0} writes/s; failed {failed}",
        a.writers,
        ok as f64 / secs
    );
    print_latency("write latency", &lat);
    // The server's sequencing delay, when it has one (summary quantiles in /metrics).
    let (_, metrics) = s
        .http
        .call_raw(Method::GET, "/metrics", Some(&s.token), None)
        .await?;
    let metrics = String::from_utf8_lossy(&metrics);
    let quantile = |q: &str| {
        metrics
            .lines()
            .find(|l| {
                l.starts_with("jingwu_audit_sequencing_delay_seconds{")
                    && l.contains(&format!("quantile=\"{q}\""))
            })
            .and_then(|l| l.rsplit(' ').next())
            .and_then(|v| v.parse::<f64>().ok())
    };
    match (quantile("0.5"), quantile("0.99")) {
        (Some(p50), Some(p99)) => println!(
            "sequencing delay (server, since its start, ms): p50={:.1} p99={:.1}",
            p50 * 1e3,
            p99 * 1e3
        ),
        _ => println!("sequencing delay: the server sequences in the writing transaction"),
    }
    Ok(ExitCode::SUCCESS)
}

pub async fn log(a: LogArgs) -> anyhow::Result<ExitCode> {
    if !(1..=5_000_000).contains(&a.entries) || a.proofs == 0 {
        bail!("--entries must be 1..=5000000 and --proofs at least 1");
    }
    let dir = tempfile::tempdir()?;
    let database = a
        .database
        .clone()
        .unwrap_or_else(|| format!("sqlite://{}/audit-bench.db", dir.path().display()));
    let cfg = crate::config::Config {
        database: database.clone(),
        media_dir: dir.path().join("media").display().to_string(),
        audit_key_file: dir.path().join("key").display().to_string(),
        ..crate::config::Config::default()
    };
    let app = crate::config::open_app(&cfg).await?;
    let f = app.foundation();
    let city = NewOrg {
        kind: "city".into(),
        code: "990000".into(),
        name_zh: "压测市局".into(),
        name_en: "Bench city".into(),
        parent: None,
    };
    f.create_org(None, city, &RequestCtx::cli())
        .await
        .map_err(crate::ops::describe)
        .context("the database must be empty")?;
    let system = Arc::new(f.system_principal().await.map_err(crate::ops::describe)?);

    // Write: 1,000 entries per transaction (bulk, not the per-request path).
    let t0 = Instant::now();
    let mut written = 1; // the city's own entry
    while written < a.entries {
        let n = (a.entries - written).min(1_000);
        let base = written;
        app.kernel()
            .write(&system, &RequestCtx::cli(), async |tx| {
                for i in base..base + n {
                    tx.audit(
                        "bench.entry",
                        ("bench", &i.to_string()),
                        &system.org_path,
                        json!({"n": i}),
                    )
                    .await?;
                }
                Ok(())
            })
            .await
            .map_err(crate::ops::describe)?;
        written += n;
    }
    let write_s = t0.elapsed().as_secs_f64();
    let t0 = Instant::now();
    let head = app
        .kernel()
        .sync_audit()
        .await
        .map_err(crate::ops::describe)?;
    let sequence_s = t0.elapsed().as_secs_f64();
    let size = head.tree_size;
    println!("database: {}", crate::config::redact(&database));
    println!(
        "wrote {size} entries in {write_s:.1} s; sequenced into the chain and tree in {sequence_s:.1} s ({:.0} entries/s)",
        size as f64 / sequence_s
    );

    // The floor: reading every entry without checking anything.
    let t0 = Instant::now();
    let mut read = 0u64;
    let _ = f
        .each_audit_entry(&system, |_| {
            read += 1;
            Ok::<(), ()>(())
        })
        .await
        .map_err(crate::ops::describe)?;
    let read_s = t0.elapsed().as_secs_f64();
    let t0 = Instant::now();
    let v = f
        .verify_audit(&system)
        .await
        .map_err(crate::ops::describe)?;
    let verify_s = t0.elapsed().as_secs_f64();
    match v {
        Verification::Intact { entries } => println!(
            "verify {entries} entries (chain + tree): {verify_s:.2} s; reading them unchecked: {read_s:.2} s; ratio {:.2}",
            verify_s / read_s
        ),
        Verification::Broken(e) => bail!("the freshly written log does not verify: {e}"),
    }

    // Proofs from the stored nodes, each verified (outside the timing) against the root.
    let root = head.root;
    let store_proof = |plan: Plan| {
        let (app, system) = (app.clone(), system.clone());
        async move {
            app.foundation()
                .audit_proof(&system, plan)
                .await
                .map_err(crate::ops::describe)
        }
    };
    let mut rng = SplitMix(7);
    let mut inclusion_us = Vec::new();
    let mut consistency_us = Vec::new();
    for _ in 0..a.proofs {
        let leaf = rng.next_u64() % size;
        let t = Instant::now();
        let path = store_proof(Plan::Inclusion { index: leaf, size }).await?;
        inclusion_us.push(micros(t.elapsed()));
        let entry = f
            .audit_entry(&system, leaf as i64 + 1)
            .await
            .map_err(crate::ops::describe)?
            .context("entry missing")?;
        verify_inclusion(&entry.leaf_hash(), leaf, size, &path, &root)
            .context("an inclusion proof did not verify")?;
        let first = 1 + rng.next_u64() % size;
        let t = Instant::now();
        let proof = store_proof(Plan::Consistency {
            first,
            second: size,
        })
        .await?;
        consistency_us.push(micros(t.elapsed()));
        let first_root = store_proof(Plan::Root { size: first }).await?[0];
        verify_consistency(first, size, &first_root, &root, &proof)
            .context("a consistency proof did not verify")?;
    }
    print_latency(&format!("inclusion proof at {size} entries"), &inclusion_us);
    print_latency(
        &format!("consistency proof to {size} entries"),
        &consistency_us,
    );
    app.close().await;
    drop(dir);
    Ok(ExitCode::SUCCESS)
}
