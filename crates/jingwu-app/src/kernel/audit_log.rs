//! The audit log's sequencer and signer. Writers leave their entries un-sequenced (see
//! [`super::Tx::audit`]); this moves them into the log and the Merkle tree in commit order
//! within `sequence_every`, and signs a checkpoint of the tree every `checkpoint_every` while
//! it grows (and whenever asked), pushing each to the witness directory if one is set.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Duration;

use jingwu_audit::{Checkpoint, SigningKey, checkpoint};
use jingwu_store::Store;
use jingwu_store::foundation::audit_tree::Sequenced;

use crate::{AppError, Result};

/// Entries per sequencer transaction.
const BATCH: usize = 2_000;

#[derive(Debug, Clone)]
pub struct AuditConfig {
    /// The longest an entry waits for its place in the log (the sequencer's period).
    pub sequence_every: Duration,
    /// While the log grows, a checkpoint is signed at least this often.
    pub checkpoint_every: Duration,
    /// The Ed25519 signing key: 64 hex digits; generated on first start when missing.
    pub key_file: PathBuf,
    /// Each new checkpoint is also written here as `checkpoint-<tree size>.json` (a witness's
    /// inbox: a mounted share, a directory the legal-affairs office collects).
    pub witness_dir: Option<PathBuf>,
    /// Each new checkpoint is also POSTed (JSON) to these `http://` URLs: witnesses on the
    /// bureau's network, or a proxy that adds TLS. A witness that is down misses that one
    /// checkpoint (the next includes everything; witnesses may also pull the newest).
    pub witness_urls: Vec<String>,
}

impl Default for AuditConfig {
    fn default() -> Self {
        AuditConfig {
            sequence_every: Duration::from_millis(100),
            checkpoint_every: Duration::from_secs(60),
            key_file: "data/audit-signing.key".into(),
            witness_dir: None,
            witness_urls: Vec::new(),
        }
    }
}

pub struct AuditLog {
    config: AuditConfig,
    /// One sequencer run at a time in this process (the database keeps it one per deployment).
    running: tokio::sync::Mutex<()>,
    key: OnceLock<SigningKey>,
}

impl AuditLog {
    pub(crate) fn new(config: AuditConfig) -> Self {
        AuditLog {
            config,
            running: tokio::sync::Mutex::new(()),
            key: OnceLock::new(),
        }
    }

    pub fn config(&self) -> &AuditConfig {
        &self.config
    }

    /// Sequences everything committed before the call (waiting for another node's sequencer
    /// if it holds the log): afterwards the tree covers every entry the caller could see.
    pub async fn sync(&self, store: &Store, now_us: impl Fn() -> i64) -> Result<Sequenced> {
        let _one = self.running.lock().await;
        let mut waited = Duration::ZERO;
        loop {
            let run = store.sequence_audit(BATCH).await;
            if let Ok(Some(run)) = &run {
                // From the write (its transaction's instant) to its place in the log.
                let now = now_us();
                for at in &run.written_at_us {
                    metrics::histogram!("jingwu_audit_sequencing_delay_seconds")
                        .record((now - at).max(0) as f64 / 1e6);
                }
            }
            match run {
                Ok(Some(run)) if run.full(BATCH) => continue,
                Ok(Some(run)) => return Ok(run),
                Ok(None) if waited < Duration::from_secs(10) => {
                    tokio::time::sleep(Duration::from_millis(20)).await;
                    waited += Duration::from_millis(20);
                }
                Ok(None) => {
                    return Err(AppError::Internal(
                        "the audit sequencer of another node did not finish within 10 s".into(),
                    ));
                }
                Err(e) if e.is_retryable() => continue,
                Err(e) => return Err(e.into()),
            }
        }
    }

    /// The signing key, read from its file or generated (and written, owner-only) on first use.
    pub fn signing_key(&self) -> Result<&SigningKey> {
        if let Some(k) = self.key.get() {
            return Ok(k);
        }
        let key = load_or_create_key(&self.config.key_file)?;
        Ok(self.key.get_or_init(|| key))
    }

    /// Sequences, then signs a checkpoint of the tree unless the newest stored one already has
    /// its size (then that one is returned).
    pub async fn checkpoint(
        &self,
        store: &Store,
        clock: &dyn jingwu_core::Clock,
    ) -> Result<Checkpoint> {
        let run = self
            .sync(store, || jingwu_core::timestamp_to_micros(clock.now()))
            .await?;
        let now = clock.now();
        if let Some(latest) = store.latest_checkpoint().await?
            && latest.tree_size == run.tree_size
        {
            return Ok(latest);
        }
        let key = self.signing_key()?;
        let c = Checkpoint::sign(key, run.tree_size, run.root, timestamp(now));
        store.insert_checkpoint(&c).await?;
        if let Some(dir) = &self.config.witness_dir {
            witness(dir, &c)?;
        }
        for url in &self.config.witness_urls {
            let (url, c) = (url.clone(), c.clone());
            // Off the caller's path: a slow witness must not hold up the sequencer.
            tokio::spawn(async move {
                if let Err(e) = push_to_url(&url, &c).await {
                    tracing::warn!(witness = %url, error = %e, "could not push the audit checkpoint");
                }
            });
        }
        tracing::info!(
            tree_size = c.tree_size,
            root = %hex::encode(c.root_hash),
            "audit checkpoint signed"
        );
        Ok(c)
    }
}

/// RFC 3339 in UTC to the second: what a checkpoint's signature covers.
fn timestamp(now: jiff::Timestamp) -> String {
    now.round(jiff::Unit::Second)
        .unwrap_or(now)
        .strftime("%Y-%m-%dT%H:%M:%SZ")
        .to_string()
}

fn load_or_create_key(path: &Path) -> Result<SigningKey> {
    let fail = |what: &str, e: &dyn std::fmt::Display| {
        AppError::Internal(format!("audit signing key {}: {what}: {e}", path.display()))
    };
    match std::fs::read_to_string(path) {
        Ok(text) => checkpoint::key_from_file_text(&text).map_err(|e| fail("unusable", &e)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let mut seed = [0u8; 32];
            rand::RngCore::try_fill_bytes(&mut rand::rngs::OsRng, &mut seed)
                .map_err(|e| fail("no randomness", &e))?;
            let key = SigningKey::from_bytes(&seed);
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir)
                    .map_err(|e| fail("cannot create its directory", &e))?;
            }
            write_private(path, &checkpoint::key_file_text(&key))
                .map_err(|e| fail("cannot write", &e))?;
            tracing::info!(
                file = %path.display(),
                public_key = %hex::encode(key.verifying_key().to_bytes()),
                "generated the audit signing key"
            );
            Ok(key)
        }
        Err(e) => Err(fail("cannot read", &e)),
    }
}

/// Creates `path` readable by its owner only (it must not exist yet).
fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
    opts.open(path)?.write_all(text.as_bytes())
}

fn witness(dir: &Path, c: &Checkpoint) -> Result<()> {
    let write = || -> std::io::Result<()> {
        std::fs::create_dir_all(dir)?;
        let json = serde_json::to_string_pretty(c).map_err(std::io::Error::other)?;
        std::fs::write(dir.join(format!("checkpoint-{}.json", c.tree_size)), json)
    };
    write().map_err(|e| {
        AppError::Internal(format!(
            "cannot write the checkpoint to the witness directory {}: {e}",
            dir.display()
        ))
    })
}

/// POSTs a checkpoint to a witness URL (plain HTTP/1.1, bounded in time).
async fn push_to_url(url: &str, c: &Checkpoint) -> std::result::Result<(), String> {
    use http_body_util::Full;
    use hyper::body::Bytes;
    let uri: hyper::Uri = url.parse().map_err(|e| format!("not a URL: {e}"))?;
    if uri.scheme_str() != Some("http") {
        return Err("only http:// witness URLs (put a TLS proxy in front for https)".into());
    }
    let host = uri.host().ok_or("no host")?.to_string();
    let port = uri.port_u16().unwrap_or(80);
    let bounded = Duration::from_secs(10);
    let stream = tokio::time::timeout(
        bounded,
        tokio::net::TcpStream::connect((host.as_str(), port)),
    )
    .await
    .map_err(|_| "connection timed out".to_string())?
    .map_err(|e| e.to_string())?;
    let (mut sender, conn) =
        hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream))
            .await
            .map_err(|e| e.to_string())?;
    tokio::spawn(conn);
    let body = serde_json::to_vec(c).map_err(|e| e.to_string())?;
    let req = hyper::Request::post(uri.path_and_query().map_or("/", |p| p.as_str()))
        .header("host", format!("{host}:{port}"))
        .header("content-type", "application/json")
        .body(Full::new(Bytes::from(body)))
        .map_err(|e| e.to_string())?;
    let resp = tokio::time::timeout(bounded, sender.send_request(req))
        .await
        .map_err(|_| "no answer in time".to_string())?
        .map_err(|e| e.to_string())?;
    if !resp.status().is_success() {
        return Err(format!("answered {}", resp.status()));
    }
    Ok(())
}
