//! Key sites that must have a force within one minute.

pub use jingwu_command::records::KeySite;

use sqlx::Row;

use crate::conn::{Conn, sealed::Raw as _};
use crate::decode::id;
use crate::scope::like_prefix;
use crate::{Result, WriteTx};

pub async fn insert_key_site(db: &mut WriteTx, k: &KeySite) -> Result<()> {
    let conn = db.raw();
    sqlx::query(
        "INSERT INTO key_sites (id, org_id, kind, name_zh, name_en, lat, lon, target_secs) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(k.id.as_str())
    .bind(k.org_id.as_str())
    .bind(&k.kind)
    .bind(&k.name_zh)
    .bind(&k.name_en)
    .bind(k.lat)
    .bind(k.lon)
    .bind(k.target_secs)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn update_key_site(db: &mut WriteTx, k: &KeySite) -> Result<()> {
    let conn = db.raw();
    sqlx::query(
        "UPDATE key_sites SET org_id = $1, kind = $2, name_zh = $3, name_en = $4, lat = $5, \
         lon = $6, target_secs = $7 WHERE id = $8",
    )
    .bind(k.org_id.as_str())
    .bind(&k.kind)
    .bind(&k.name_zh)
    .bind(&k.name_en)
    .bind(k.lat)
    .bind(k.lon)
    .bind(k.target_secs)
    .bind(k.id.as_str())
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn delete_key_site(db: &mut WriteTx, key_site_id: &str) -> Result<()> {
    let conn = db.raw();
    sqlx::query("DELETE FROM key_sites WHERE id = $1")
        .bind(key_site_id)
        .execute(conn)
        .await?;
    Ok(())
}

/// A key site with its org unit's path.
pub async fn get_key_site(
    db: &mut impl Conn,
    key_site_id: &str,
) -> Result<Option<(KeySite, String)>> {
    let conn = db.raw();
    let row = sqlx::query(
        "SELECT k.id, k.org_id, k.kind, k.name_zh, k.name_en, k.lat, k.lon, k.target_secs, o.path \
         FROM key_sites k JOIN org_units o ON o.id = k.org_id WHERE k.id = $1",
    )
    .bind(key_site_id)
    .fetch_optional(conn)
    .await?;
    row.as_ref()
        .map(|r| Ok((key_site_from_row(r)?, r.try_get(8)?)))
        .transpose()
}

fn key_site_from_row(r: &sqlx::any::AnyRow) -> Result<KeySite> {
    Ok(KeySite {
        id: id(r, 0)?,
        org_id: id(r, 1)?,
        kind: r.try_get(2)?,
        name_zh: r.try_get(3)?,
        name_en: r.try_get(4)?,
        lat: r.try_get(5)?,
        lon: r.try_get(6)?,
        target_secs: r.try_get(7)?,
    })
}

pub async fn key_sites_under(db: &mut impl Conn, path: &str) -> Result<Vec<KeySite>> {
    let conn = db.raw();
    let rows = sqlx::query(
        "SELECT k.id, k.org_id, k.kind, k.name_zh, k.name_en, k.lat, k.lon, k.target_secs \
         FROM key_sites k JOIN org_units o ON o.id = k.org_id WHERE o.path LIKE $1 ORDER BY k.name_zh",
    )
    .bind(like_prefix(path))
    .fetch_all(conn)
    .await?;
    rows.iter().map(key_site_from_row).collect()
}
