//! Accounts. Listing is always scoped to an org subtree (joined through the org's path).

pub use jingwu_core::records::{ScopedUser, User};

use sqlx::{Row, any::AnyRow};

use crate::Result;
use crate::WriteTx;
use crate::conn::{Conn, sealed::Raw as _};
use crate::decode::code;
use crate::scope::like_prefix;

const COLUMNS: &str = "u.id, u.username, u.display_name, u.role, u.org_id, u.password_hash, \
                       u.created_at, u.disabled_at, o.path";

fn from_row(r: &AnyRow) -> Result<ScopedUser> {
    Ok(ScopedUser {
        user: User {
            id: r.try_get(0)?,
            username: r.try_get(1)?,
            display_name: r.try_get(2)?,
            role: code(r, 3)?,
            org_id: r.try_get(4)?,
            password_hash: r.try_get(5)?,
            created_at: r.try_get(6)?,
            disabled_at: r.try_get(7)?,
        },
        org_path: r.try_get(8)?,
    })
}

pub async fn insert(db: &mut WriteTx, u: &User) -> Result<()> {
    let conn = db.raw();
    sqlx::query(
        "INSERT INTO users (id, username, display_name, role, org_id, password_hash, created_at, \
         disabled_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(&u.id)
    .bind(&u.username)
    .bind(&u.display_name)
    .bind(u.role.as_str())
    .bind(&u.org_id)
    .bind(&u.password_hash)
    .bind(u.created_at)
    .bind(u.disabled_at)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn by_username(db: &mut impl Conn, username: &str) -> Result<Option<ScopedUser>> {
    let conn = db.raw();
    let sql = format!(
        "SELECT {COLUMNS} FROM users u JOIN org_units o ON o.id = u.org_id WHERE u.username = $1"
    );
    let row = sqlx::query(&sql)
        .bind(username)
        .fetch_optional(conn)
        .await?;
    row.as_ref().map(from_row).transpose()
}

pub async fn get(db: &mut impl Conn, id: &str) -> Result<Option<ScopedUser>> {
    let conn = db.raw();
    let sql = format!(
        "SELECT {COLUMNS} FROM users u JOIN org_units o ON o.id = u.org_id WHERE u.id = $1"
    );
    let row = sqlx::query(&sql).bind(id).fetch_optional(conn).await?;
    row.as_ref().map(from_row).transpose()
}

/// Users whose org lies under `org_path`, ordered by username, after `after_username`.
pub async fn page(
    db: &mut impl Conn,
    org_path: &str,
    after_username: Option<&str>,
    limit: i64,
) -> Result<Vec<ScopedUser>> {
    let conn = db.raw();
    let sql = format!(
        "SELECT {COLUMNS} FROM users u JOIN org_units o ON o.id = u.org_id \
         WHERE o.path LIKE $1 AND u.username > $2 ORDER BY u.username LIMIT $3"
    );
    let rows = sqlx::query(&sql)
        .bind(like_prefix(org_path))
        .bind(after_username.unwrap_or(""))
        .bind(limit)
        .fetch_all(conn)
        .await?;
    rows.iter().map(from_row).collect()
}

pub async fn count(db: &mut impl Conn) -> Result<i64> {
    let conn = db.raw();
    let row = sqlx::query("SELECT COUNT(*) FROM users")
        .fetch_one(conn)
        .await?;
    Ok(row.try_get(0)?)
}

pub async fn disable(db: &mut WriteTx, id: &str, now: i64) -> Result<()> {
    let conn = db.raw();
    sqlx::query("UPDATE users SET disabled_at = $1 WHERE id = $2 AND disabled_at IS NULL")
        .bind(now)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Clears `disabled_at`; whether a row changed (false when the account was not disabled).
pub async fn enable(db: &mut WriteTx, id: &str) -> Result<bool> {
    let conn = db.raw();
    let done = sqlx::query(
        "UPDATE users SET disabled_at = NULL WHERE id = $1 AND disabled_at IS NOT NULL",
    )
    .bind(id)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}
