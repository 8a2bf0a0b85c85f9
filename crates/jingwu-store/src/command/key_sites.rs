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

pub async fn key_sites_under(db: &mut impl Conn, path: &str) -> Result<Vec<KeySite>> {
    let conn = db.raw();
    let rows = sqlx::query(
        "SELECT k.id, k.org_id, k.kind, k.name_zh, k.name_en, k.lat, k.lon, k.target_secs \
         FROM key_sites k JOIN org_units o ON o.id = k.org_id WHERE o.path LIKE $1 ORDER BY k.name_zh",
    )
    .bind(like_prefix(path))
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| {
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
        })
        .collect()
}
