//! Login throttling state (`login_throttle`) and shared auth secrets (`auth_secrets`).
//! Every statement is a single conditional write, so concurrent attempts on any node count
//! exactly: the claiming `UPDATE` holds the row until its transaction ends (PostgreSQL's row
//! lock, SQLite's single writer), and the next claimant then sees the new `blocked_until`.

use sqlx::Row;

use crate::Result;
use crate::TelemetryTx;
use crate::conn::{Conn, sealed::Raw as _};

/// Counts one attempt on `key` unless it is blocked at `now`. Failures older than `stale_before`
/// start the count again. Returns the attempt's number in the window, or `None` when blocked.
pub async fn claim(
    db: &mut TelemetryTx,
    key: &str,
    now: i64,
    stale_before: i64,
) -> Result<Option<i64>> {
    let conn = db.raw();
    sqlx::query(
        "INSERT INTO login_throttle (key, failures, last_at, blocked_until) VALUES ($1, 0, $2, 0) \
         ON CONFLICT (key) DO NOTHING",
    )
    .bind(key)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    let row = sqlx::query(
        "UPDATE login_throttle SET \
           failures = CASE WHEN last_at < $1 THEN 1 ELSE failures + 1 END, last_at = $2 \
         WHERE key = $3 AND blocked_until <= $2 RETURNING failures",
    )
    .bind(stale_before)
    .bind(now)
    .bind(key)
    .fetch_optional(conn)
    .await?;
    row.map(|r| r.try_get(0)).transpose().map_err(Into::into)
}

/// Sets when `key` may be tried again.
pub async fn block_until(db: &mut TelemetryTx, key: &str, until: i64) -> Result<()> {
    sqlx::query("UPDATE login_throttle SET blocked_until = $1 WHERE key = $2")
        .bind(until)
        .bind(key)
        .execute(db.raw())
        .await?;
    Ok(())
}

/// When a blocked `key` may be tried again (0 when unknown).
pub async fn blocked_until(db: &mut impl Conn, key: &str) -> Result<i64> {
    let row = sqlx::query("SELECT blocked_until FROM login_throttle WHERE key = $1")
        .bind(key)
        .fetch_optional(db.raw())
        .await?;
    Ok(row.map(|r| r.try_get(0)).transpose()?.unwrap_or(0))
}

/// Forgets `key` (after a successful sign-in).
pub async fn clear(db: &mut TelemetryTx, key: &str) -> Result<()> {
    sqlx::query("DELETE FROM login_throttle WHERE key = $1")
        .bind(key)
        .execute(db.raw())
        .await?;
    Ok(())
}

/// The secret named `name`, made from `candidate` if no node made one before.
pub async fn shared_secret(
    db: &mut TelemetryTx,
    name: &str,
    candidate: &str,
    now: i64,
) -> Result<String> {
    let conn = db.raw();
    sqlx::query(
        "INSERT INTO auth_secrets (name, secret, created_at) VALUES ($1, $2, $3) \
         ON CONFLICT (name) DO NOTHING",
    )
    .bind(name)
    .bind(candidate)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    let row = sqlx::query("SELECT secret FROM auth_secrets WHERE name = $1")
        .bind(name)
        .fetch_one(conn)
        .await?;
    Ok(row.try_get(0)?)
}
