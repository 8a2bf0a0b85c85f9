//! Opaque session tokens: only their SHA-256 is stored, so a database leak yields no usable token.

pub use jingwu_core::records::Session;

use sqlx::Row;

use crate::Result;
use crate::WriteTx;
use crate::conn::{Conn, sealed::Raw as _};

pub async fn insert(db: &mut WriteTx, s: &Session) -> Result<()> {
    let conn = db.raw();
    sqlx::query(
        "INSERT INTO sessions (token_hash, user_id, client, created_at, expires_at, revoked_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(&s.token_hash)
    .bind(&s.user_id)
    .bind(&s.client)
    .bind(s.created_at)
    .bind(s.expires_at)
    .bind(s.revoked_at)
    .execute(conn)
    .await?;
    Ok(())
}

/// The user id behind a live token: not revoked, not expired at `now`, user not disabled.
pub async fn live_user(db: &mut impl Conn, token_hash: &str, now: i64) -> Result<Option<String>> {
    let conn = db.raw();
    let row = sqlx::query(
        "SELECT s.user_id FROM sessions s JOIN users u ON u.id = s.user_id \
         WHERE s.token_hash = $1 AND s.revoked_at IS NULL AND s.expires_at > $2 \
         AND u.disabled_at IS NULL",
    )
    .bind(token_hash)
    .bind(now)
    .fetch_optional(conn)
    .await?;
    row.map(|r| r.try_get(0)).transpose().map_err(Into::into)
}

/// Revokes one token; returns whether it was live.
pub async fn revoke(db: &mut WriteTx, token_hash: &str, now: i64) -> Result<bool> {
    let conn = db.raw();
    let done = sqlx::query(
        "UPDATE sessions SET revoked_at = $1 WHERE token_hash = $2 AND revoked_at IS NULL",
    )
    .bind(now)
    .bind(token_hash)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// Revokes every live token of a user; returns how many.
pub async fn revoke_all_for_user(db: &mut WriteTx, user_id: &str, now: i64) -> Result<u64> {
    let conn = db.raw();
    let done = sqlx::query(
        "UPDATE sessions SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL",
    )
    .bind(now)
    .bind(user_id)
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}
