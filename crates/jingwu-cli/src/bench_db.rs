//! Where a database bench runs: a throwaway SQLite file, or a fresh database on the PostgreSQL
//! server named by `--database`, dropped afterwards whatever happened.

use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, bail};

/// Runs `measure(database_url, scratch_dir)` on SQLite when `server` is `None`, otherwise on a
/// new database `jw_bench_<label>_<id>` of that PostgreSQL server.
pub async fn on_fresh_database(
    server: Option<&str>,
    label: &str,
    measure: impl AsyncFnOnce(&str, &Path) -> anyhow::Result<ExitCode>,
) -> anyhow::Result<ExitCode> {
    let dir = tempfile::tempdir()?;
    let Some(server) = server else {
        let url = format!("sqlite://{}/{label}-bench.db", dir.path().display());
        return measure(&url, dir.path()).await;
    };
    if !server.starts_with("postgres://") && !server.starts_with("postgresql://") {
        bail!("--database takes a postgres:// URL (SQLite runs without --database)");
    }
    let name = format!(
        "jw_bench_{label}_{}",
        jingwu_core::new_id().replace('-', "").to_lowercase()
    );
    let mut admin = <sqlx::PgConnection as sqlx::Connection>::connect(server)
        .await
        .with_context(|| format!("cannot connect to {}", crate::config::redact(server)))?;
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut admin)
        .await?;
    let url = with_database(server, &name)?;
    let outcome = measure(&url, dir.path()).await;
    let dropped = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        .execute(&mut admin)
        .await;
    if let Err(e) = dropped {
        eprintln!("could not drop the bench database {name}: {e}");
    }
    outcome
}

/// `url` with its database name replaced by `name` (keeping any query string).
pub fn with_database(url: &str, name: &str) -> anyhow::Result<String> {
    let (base, query) = url
        .split_once('?')
        .map_or((url, None), |(b, q)| (b, Some(q)));
    let scheme_end = base.find("://").context("not a URL")? + 3;
    let authority_end = base[scheme_end..]
        .find('/')
        .map_or(base.len(), |i| scheme_end + i);
    let mut out = format!("{}/{name}", &base[..authority_end]);
    if let Some(q) = query {
        out.push('?');
        out.push_str(q);
    }
    Ok(out)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn the_bench_database_replaces_the_one_named() {
        let url = |u: &str| with_database(u, "jw_x").unwrap();
        assert_eq!(
            url("postgres://postgres@127.0.0.1:5432/test"),
            "postgres://postgres@127.0.0.1:5432/jw_x"
        );
        assert_eq!(
            url("postgres://h/db?sslmode=disable"),
            "postgres://h/jw_x?sslmode=disable"
        );
        assert_eq!(
            url("postgresql://u:p@h:5433"),
            "postgresql://u:p@h:5433/jw_x"
        );
        assert!(with_database("no-scheme", "jw_x").is_err());
    }
}
