//! Posts (巡逻岗亭/警务站) under a station.

pub use jingwu_command::records::Post;

use sqlx::{Row, any::AnyRow};

use crate::conn::{Conn, sealed::Raw as _};
use crate::decode::id;
use crate::scope::like_prefix;
use crate::{Result, WriteTx};

const COLUMNS: &str = "p.id, p.org_id, p.name, p.lat, p.lon, p.created_at, o.path";

fn post_from_row(r: &AnyRow) -> Result<(Post, String)> {
    Ok((
        Post {
            id: r.try_get(0)?,
            org_id: id(r, 1)?,
            name: r.try_get(2)?,
            lat: r.try_get(3)?,
            lon: r.try_get(4)?,
            created_at: r.try_get(5)?,
        },
        r.try_get(6)?,
    ))
}

pub async fn insert_post(db: &mut WriteTx, p: &Post) -> Result<()> {
    let conn = db.raw();
    sqlx::query(
        "INSERT INTO command_posts (id, org_id, name, lat, lon, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(&p.id)
    .bind(p.org_id.as_str())
    .bind(&p.name)
    .bind(p.lat)
    .bind(p.lon)
    .bind(p.created_at)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn update_post(db: &mut WriteTx, p: &Post) -> Result<()> {
    let conn = db.raw();
    sqlx::query("UPDATE command_posts SET name = $1, lat = $2, lon = $3 WHERE id = $4")
        .bind(&p.name)
        .bind(p.lat)
        .bind(p.lon)
        .bind(&p.id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Deletes a post; its units keep no post.
pub async fn delete_post(db: &mut WriteTx, post_id: &str) -> Result<()> {
    let conn = db.raw();
    sqlx::query("UPDATE units SET post_id = NULL WHERE post_id = $1")
        .bind(post_id)
        .execute(&mut *conn)
        .await?;
    sqlx::query("DELETE FROM command_posts WHERE id = $1")
        .bind(post_id)
        .execute(conn)
        .await?;
    Ok(())
}

/// A post with its org unit's path.
pub async fn get_post(db: &mut impl Conn, post_id: &str) -> Result<Option<(Post, String)>> {
    let conn = db.raw();
    let sql = format!(
        "SELECT {COLUMNS} FROM command_posts p JOIN org_units o ON o.id = p.org_id WHERE p.id = $1"
    );
    let row = sqlx::query(&sql).bind(post_id).fetch_optional(conn).await?;
    row.as_ref().map(post_from_row).transpose()
}

/// The post of an org unit by name.
pub async fn post_named(db: &mut impl Conn, org_id: &str, name: &str) -> Result<Option<Post>> {
    let conn = db.raw();
    let sql = format!(
        "SELECT {COLUMNS} FROM command_posts p JOIN org_units o ON o.id = p.org_id \
         WHERE p.org_id = $1 AND p.name = $2"
    );
    let row = sqlx::query(&sql)
        .bind(org_id)
        .bind(name)
        .fetch_optional(conn)
        .await?;
    Ok(row.as_ref().map(post_from_row).transpose()?.map(|(p, _)| p))
}

/// Posts of the org units under `path`, by org path and name.
pub async fn posts_under(db: &mut impl Conn, path: &str) -> Result<Vec<(Post, String)>> {
    let conn = db.raw();
    let sql = format!(
        "SELECT {COLUMNS} FROM command_posts p JOIN org_units o ON o.id = p.org_id \
         WHERE o.path LIKE $1 ORDER BY o.path, p.name"
    );
    let rows = sqlx::query(&sql)
        .bind(like_prefix(path))
        .fetch_all(conn)
        .await?;
    rows.iter().map(post_from_row).collect()
}
