//! `jingwu audit …`: the transparency log from the command line. The JSON printed by
//! `checkpoint`, `prove` and `consistency` is a stable contract (docs/audit.md).

use std::io::{BufRead, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use jingwu_app::{App, Verification};
use jingwu_audit::{ChainError, Checkpoint, Entry, Verifier};
use serde_json::json;

use crate::config::{self, Config, DbArgs};
use crate::ops::describe;

#[derive(Debug, clap::Subcommand)]
pub enum AuditCommand {
    /// Recompute the hash chain and the Merkle tree and check them against every signed
    /// checkpoint, and every evidence item's chain of custody against the digests the audit
    /// log recorded; exit 1 naming the first bad entry and every bad custody event. With --log: check an exported log
    /// against checkpoint files, offline (no database).
    Verify {
        #[command(flatten)]
        db: DbArgs,
        /// An exported log (`jingwu audit export`) to check instead of the database [default:
        /// none: the database is checked].
        #[arg(long, value_name = "FILE", requires = "checkpoint")]
        log: Option<PathBuf>,
        /// A checkpoint file (`jingwu audit checkpoint --json`); repeat for older and newer
        /// ones. With --log only [default: none].
        #[arg(long, value_name = "FILE", requires = "log")]
        checkpoint: Vec<PathBuf>,
        /// The log's public key (64 hex digits) [default: the key of the first checkpoint].
        #[arg(long, value_name = "HEX", requires = "log")]
        public_key: Option<String>,
    },
    /// Sequence every pending entry, sign a checkpoint of the tree (unless the newest already
    /// covers it) and print it.
    Checkpoint {
        #[command(flatten)]
        db: DbArgs,
        /// Print JSON: tree_size, root_hash, timestamp, public_key, signature, signed_message.
        #[arg(long)]
        json: bool,
    },
    /// Print an entry and its inclusion proof in the newest checkpoint's tree.
    Prove {
        #[command(flatten)]
        db: DbArgs,
        /// The entry's 0-based leaf index (its sequence number minus one).
        #[arg(long, value_name = "I")]
        entry: u64,
        /// Print JSON: leaf_index, tree_size, root_hash, leaf_hash, entry, audit_path.
        #[arg(long)]
        json: bool,
    },
    /// Print the proof that the tree of --from entries is a prefix of the tree of --to.
    Consistency {
        #[command(flatten)]
        db: DbArgs,
        /// The older tree size (a checkpoint's tree_size).
        #[arg(long, value_name = "M")]
        from: u64,
        /// The newer tree size, at most the tree's current size.
        #[arg(long, value_name = "N")]
        to: u64,
        /// Print JSON: first, second, proof.
        #[arg(long)]
        json: bool,
    },
    /// Write every sequenced entry to FILE, one JSON object per line, for offline checking.
    Export {
        #[command(flatten)]
        db: DbArgs,
        /// The file to write (JSON Lines, replaced if it exists).
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
}

pub async fn run(file: Option<&Path>, cmd: AuditCommand) -> anyhow::Result<ExitCode> {
    match cmd {
        AuditCommand::Verify {
            log: Some(log),
            checkpoint,
            public_key,
            ..
        } => verify_offline(&log, &checkpoint, public_key.as_deref()),
        AuditCommand::Verify { db, .. } => {
            // Read-only (a forensic copy stays as it was): no migration, nothing sequenced.
            let cfg = config::load(file, Config::default(), &db)?;
            let store = existing_store(&cfg).await?;
            let verification = store.verify_audit().await;
            let custody = store.verify_custody().await;
            let pending = store.audit_pending().await;
            store.close().await;
            let code = report(verification?);
            let code = match (code, report_custody(&custody?)) {
                (ExitCode::SUCCESS, c) => c,
                (c, _) => c,
            };
            let pending = pending?;
            if pending > 0 {
                println!(
                    "{pending} newer entries are written but not yet sequenced (a running server \
                     sequences them within moments; `jingwu audit checkpoint` does it now)"
                );
            }
            Ok(code)
        }
        AuditCommand::Checkpoint { db, json } => {
            let app = open(file, &db).await?;
            let system = app
                .foundation()
                .system_principal()
                .await
                .map_err(describe)?;
            let c = app.foundation().audit_checkpoint(&system, true).await;
            app.close().await;
            let c = c.map_err(describe)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&c)?);
            } else {
                println!(
                    "checkpoint: {} entries, root {}, signed {} by {}",
                    c.tree_size,
                    hex::encode(c.root_hash),
                    c.timestamp,
                    hex::encode(c.public_key)
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        AuditCommand::Prove { db, entry, json } => {
            let app = open(file, &db).await?;
            let system = app
                .foundation()
                .system_principal()
                .await
                .map_err(describe)?;
            let p = app.foundation().audit_inclusion(&system, entry).await;
            app.close().await;
            let p = p.map_err(describe)?;
            let path: Vec<String> = p.audit_path.iter().map(hex::encode).collect();
            if json {
                let out = json!({
                    "leaf_index": p.leaf_index,
                    "tree_size": p.checkpoint.tree_size,
                    "root_hash": hex::encode(p.checkpoint.root_hash),
                    "leaf_hash": hex::encode(p.leaf_hash),
                    "entry": p.entry,
                    "audit_path": path,
                });
                println!("{}", serde_json::to_string_pretty(&out)?);
            } else {
                println!(
                    "entry {} ({} {} {}) is leaf {} of the checkpoint's {} entries; audit path:",
                    p.entry.seq,
                    p.entry.action,
                    p.entry.object_type,
                    p.entry.object_id,
                    p.leaf_index,
                    p.checkpoint.tree_size
                );
                for h in path {
                    println!("  {h}");
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        AuditCommand::Consistency { db, from, to, json } => {
            let app = open(file, &db).await?;
            let system = app
                .foundation()
                .system_principal()
                .await
                .map_err(describe)?;
            let p = app.foundation().audit_consistency(&system, from, to).await;
            app.close().await;
            let proof: Vec<String> = p.map_err(describe)?.iter().map(hex::encode).collect();
            if json {
                let out = json!({"first": from, "second": to, "proof": proof});
                println!("{}", serde_json::to_string_pretty(&out)?);
            } else {
                println!("consistency proof from {from} to {to} entries:");
                for h in proof {
                    println!("  {h}");
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        AuditCommand::Export { db, out } => {
            let app = open(file, &db).await?;
            let n = export(&app, &out).await;
            app.close().await;
            println!("exported {} entries to {}", n?, out.display());
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// The configured database, which must exist already.
async fn existing_store(cfg: &Config) -> anyhow::Result<jingwu_store::Store> {
    let opts = jingwu_store::StoreOptions {
        create_if_missing: false,
        ..Default::default()
    };
    jingwu_store::Store::connect(&cfg.database, &opts)
        .await
        .with_context(|| format!("cannot open the database {}", config::redact(&cfg.database)))
}

/// The application on the configured database, which must exist already.
async fn open(file: Option<&Path>, db: &DbArgs) -> anyhow::Result<App> {
    let cfg = config::load(file, Config::default(), db)?;
    existing_store(&cfg).await?.close().await;
    config::open_app(&cfg).await
}

async fn export(app: &App, out: &Path) -> anyhow::Result<u64> {
    let system = app
        .foundation()
        .system_principal()
        .await
        .map_err(describe)?;
    // Everything committed so far, sequenced, then written as the verifier will read it.
    app.kernel().sync_audit().await.map_err(describe)?;
    let f =
        std::fs::File::create(out).with_context(|| format!("cannot create {}", out.display()))?;
    let mut w = BufWriter::new(f);
    let mut n = 0u64;
    app.foundation()
        .each_audit_entry(&system, |e| {
            let line = serde_json::to_string(e).map_err(std::io::Error::other)?;
            writeln!(w, "{line}")?;
            n += 1;
            Ok::<(), std::io::Error>(())
        })
        .await
        .map_err(describe)?
        .and_then(|()| w.flush())
        .with_context(|| format!("cannot write {}", out.display()))?;
    Ok(n)
}

fn report(v: Verification) -> ExitCode {
    match v {
        Verification::Intact { entries } => {
            println!("audit log intact: {entries} entries verified");
            ExitCode::SUCCESS
        }
        Verification::Broken(e) => {
            eprintln!("audit log BROKEN at entry {}: {e}", e.seq());
            ExitCode::FAILURE
        }
    }
}

/// Every chain of custody recomputed from its rows and compared with the digests the audit log
/// recorded (docs/cases.md "Evidence"): each problem names the item and the event.
fn report_custody(r: &jingwu_store::cases::evidence::CustodyReport) -> ExitCode {
    if r.problems.is_empty() {
        println!(
            "custody chains intact: {} items, {} events, each event's digest as the audit log \
             recorded it",
            r.items, r.events
        );
        return ExitCode::SUCCESS;
    }
    eprintln!(
        "custody chains BROKEN: {} problems in {} items",
        r.problems.len(),
        r.items
    );
    for p in &r.problems {
        eprintln!("  item {} event {}: {}", p.item_id, p.seq, p.what);
    }
    ExitCode::FAILURE
}

/// Checks an exported log against checkpoint files: each signed by the log's key, none
/// smaller than an older one, and the log's Merkle root equal to each at its size.
fn verify_offline(
    log: &Path,
    checkpoint_files: &[PathBuf],
    public_key: Option<&str>,
) -> anyhow::Result<ExitCode> {
    let mut checkpoints = Vec::new();
    for f in checkpoint_files {
        let text =
            std::fs::read_to_string(f).with_context(|| format!("cannot read {}", f.display()))?;
        let c: Checkpoint = serde_json::from_str(&text)
            .with_context(|| format!("{} is not a checkpoint", f.display()))?;
        checkpoints.push((f.clone(), c));
    }
    let trusted: [u8; 32] = match public_key {
        Some(hex_key) => hex::decode(hex_key)
            .ok()
            .and_then(|b| b.try_into().ok())
            .context("--public-key must be 64 hex digits")?,
        None => checkpoints[0].1.public_key,
    };
    for (f, c) in &checkpoints {
        if let Err(e) = c.verify(Some(&trusted)) {
            eprintln!("checkpoint {} REFUSED: {e}", f.display());
            return Ok(ExitCode::FAILURE);
        }
    }
    checkpoints.sort_by_key(|(_, c)| c.tree_size);
    for pair in checkpoints.windows(2) {
        if let Err(e) = pair[0].1.precedes(&pair[1].1) {
            eprintln!(
                "checkpoints {} and {} disagree: {e}",
                pair[0].0.display(),
                pair[1].0.display()
            );
            return Ok(ExitCode::FAILURE);
        }
    }
    let sizes: Vec<String> = checkpoints
        .iter()
        .map(|(_, c)| c.tree_size.to_string())
        .collect();
    let mut verifier = Verifier::default();
    let outcome = (|| -> anyhow::Result<Result<i64, ChainError>> {
        if let Err(e) = verifier.expect(checkpoints.into_iter().map(|(_, c)| c).collect()) {
            return Ok(Err(e));
        }
        let f =
            std::fs::File::open(log).with_context(|| format!("cannot read {}", log.display()))?;
        for (i, line) in std::io::BufReader::new(f).lines().enumerate() {
            let line = line.with_context(|| format!("cannot read {}", log.display()))?;
            if line.trim().is_empty() {
                continue;
            }
            let e: Entry = serde_json::from_str(&line)
                .with_context(|| format!("{} line {}: not an audit entry", log.display(), i + 1))?;
            if let Err(err) = verifier.push(&e) {
                return Ok(Err(err));
            }
        }
        Ok(verifier.finish_export())
    })()?;
    match outcome {
        Ok(entries) => {
            println!(
                "audit log intact: {entries} entries verified; the Merkle tree matches the \
                 checkpoints of sizes {} signed by {}",
                sizes.join(", "),
                hex::encode(trusted)
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            eprintln!("audit log BROKEN at entry {}: {e}", e.seq());
            Ok(ExitCode::FAILURE)
        }
    }
}
