use std::time::Duration;

use sqlx::any::{AnyPoolOptions, install_default_drivers};
use sqlx::{AnyPool, Connection, Executor};

use crate::{Result, StoreError};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Debug, Clone)]
pub struct StoreOptions {
    pub max_connections: u32,
    /// PostgreSQL only: create and use this schema (tests run each in a fresh one).
    pub pg_schema: Option<String>,
    /// SQLite only: how long a writer waits for the lock before failing.
    pub busy_timeout: Duration,
    /// SQLite only: create the file (and its directory) when missing.
    pub create_if_missing: bool,
}

impl Default for StoreOptions {
    fn default() -> Self {
        StoreOptions {
            max_connections: 8,
            pg_schema: None,
            busy_timeout: Duration::from_secs(10),
            create_if_missing: true,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
    /// SQLite: writers of this process take turns here (`write::Gated`).
    write_gate: std::sync::Arc<tokio::sync::Mutex<()>>,
    /// Counts committed changes of units' crews and stations (`Store::units_version`).
    units_version: std::sync::Arc<std::sync::atomic::AtomicU64>,
}

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

impl Store {
    /// Connects to `sqlite://PATH` (the file is created on first use) or `postgres://...`.
    pub async fn connect(url: &str, opts: &StoreOptions) -> Result<Store> {
        install_default_drivers();
        let (backend, url) = normalize_url(url, opts.create_if_missing)?;
        let busy_ms = opts.busy_timeout.as_millis();
        // One plain connection first, set up as the pool's will be. The pool retries a refused
        // connection and a failing set-up until its acquire timeout and then says only "pool
        // timed out"; this reports the real cause (refused, wrong password, no such database,
        // not a database file) at once.
        let mut probe = sqlx::AnyConnection::connect(&url).await?;
        if backend == Backend::Postgres
            && let Some(schema) = &opts.pg_schema
        {
            probe
                .execute(format!("CREATE SCHEMA IF NOT EXISTS {}", quote_ident(schema)).as_str())
                .await?;
        }
        prepare(&mut probe, backend, opts.pg_schema.as_deref(), busy_ms).await?;
        probe.close().await?;
        let schema = opts.pg_schema.clone();
        let pool = AnyPoolOptions::new()
            .max_connections(opts.max_connections)
            .acquire_timeout(Duration::from_secs(30))
            .after_connect(move |conn, _meta| {
                let schema = schema.clone();
                Box::pin(async move { prepare(conn, backend, schema.as_deref(), busy_ms).await })
            })
            .connect(&url)
            .await?;
        Ok(Store {
            pool,
            backend,
            write_gate: Default::default(),
            units_version: Default::default(),
        })
    }

    /// Applies this backend's migrations (idempotent).
    pub async fn migrate(&self) -> Result<()> {
        self.renumber_legacy_migrations().await?;
        match self.backend {
            Backend::Sqlite => SQLITE_MIGRATIONS.run(&self.pool).await?,
            Backend::Postgres => POSTGRES_MIGRATIONS.run(&self.pool).await?,
        }
        crate::command::positions::fold_legacy_history(self).await
    }

    /// Migrations are numbered per system (1xxx foundation, 2xxx command, 3xxx traffic, 4xxx
    /// permits, 5xxx cases, 6xxx hazmat). Databases made before that recorded the first four
    /// as 1–4; the files are unchanged, so renaming their records keeps the checksums valid.
    async fn renumber_legacy_migrations(&self) -> Result<()> {
        let exists = match self.backend {
            Backend::Sqlite => {
                "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = '_sqlx_migrations'"
            }
            Backend::Postgres => {
                "SELECT COUNT(*) FROM information_schema.tables \
                 WHERE table_name = '_sqlx_migrations' AND table_schema = current_schema()"
            }
        };
        let n: i64 = sqlx::query_scalar(exists).fetch_one(&self.pool).await?;
        if n > 0 {
            sqlx::query(
                "UPDATE _sqlx_migrations SET version = CASE version \
                 WHEN 1 THEN 1001 WHEN 2 THEN 2001 WHEN 3 THEN 2002 WHEN 4 THEN 2003 END \
                 WHERE version IN (1, 2, 3, 4)",
            )
            .execute(&self.pool)
            .await?;
        }
        Ok(())
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Grows whenever a transaction of this process that changed a unit's crew or station
    /// commits: a cache of those facts read at version `v` is current while this is still `v`.
    /// (Another node's changes are not counted here; such a cache also expires.)
    pub fn units_version(&self) -> u64 {
        self.units_version
            .load(std::sync::atomic::Ordering::Acquire)
    }

    pub(crate) fn units_version_counter(&self) -> std::sync::Arc<std::sync::atomic::AtomicU64> {
        self.units_version.clone()
    }

    pub(crate) fn write_gate(&self) -> std::sync::Arc<tokio::sync::Mutex<()>> {
        self.write_gate.clone()
    }

    pub(crate) fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Round-trips the database (readiness probe).
    pub async fn ping(&self) -> Result<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    /// Closes the pool. On SQLite the write-ahead log is first folded into the database file,
    /// so the file alone is a complete copy (backups, forensics).
    pub async fn close(&self) {
        if self.backend == Backend::Sqlite
            && let Err(e) = sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
                .execute(&self.pool)
                .await
        {
            tracing::warn!(error = %e, "WAL checkpoint on close failed");
        }
        self.pool.close().await;
    }
}

/// Session settings every connection gets before use.
async fn prepare(
    conn: &mut sqlx::AnyConnection,
    backend: Backend,
    schema: Option<&str>,
    busy_ms: u128,
) -> sqlx::Result<()> {
    match backend {
        Backend::Sqlite => {
            conn.execute("PRAGMA journal_mode = WAL").await?;
            conn.execute(format!("PRAGMA busy_timeout = {busy_ms}").as_str())
                .await?;
            conn.execute("PRAGMA foreign_keys = ON").await?;
            conn.execute("PRAGMA synchronous = NORMAL").await?;
        }
        Backend::Postgres => {
            if let Some(s) = schema {
                conn.execute(format!("SET search_path TO {}", quote_ident(s)).as_str())
                    .await?;
            }
        }
    }
    Ok(())
}

fn normalize_url(url: &str, create: bool) -> Result<(Backend, String)> {
    if let Some(path) = url.strip_prefix("sqlite://") {
        let (file, query) = path.split_once('?').unwrap_or((path, ""));
        if file.is_empty() {
            return Err(StoreError::UnsupportedUrl(url.into()));
        }
        if !create && !std::path::Path::new(file).exists() {
            return Err(StoreError::Missing(file.into()));
        }
        if let Some(dir) = std::path::Path::new(file).parent()
            && !dir.as_os_str().is_empty()
        {
            std::fs::create_dir_all(dir).map_err(|source| StoreError::Io {
                path: dir.display().to_string(),
                source,
            })?;
        }
        let query = if query.is_empty() {
            "mode=rwc".to_string()
        } else {
            query.to_string()
        };
        Ok((Backend::Sqlite, format!("sqlite://{file}?{query}")))
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok((Backend::Postgres, url.to_string()))
    } else {
        Err(StoreError::UnsupportedUrl(url.into()))
    }
}

fn quote_ident(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_recognized() {
        let (b, u) = normalize_url("sqlite:///tmp/jingwu-test-x/a.db", true).unwrap();
        assert_eq!(b, Backend::Sqlite);
        assert_eq!(u, "sqlite:///tmp/jingwu-test-x/a.db?mode=rwc");
        assert_eq!(
            normalize_url("postgres://h/db", true).unwrap().0,
            Backend::Postgres
        );
        assert!(matches!(
            normalize_url("mysql://x", true),
            Err(StoreError::UnsupportedUrl(_))
        ));
        assert!(matches!(
            normalize_url("sqlite://", true),
            Err(StoreError::UnsupportedUrl(_))
        ));
    }
}
