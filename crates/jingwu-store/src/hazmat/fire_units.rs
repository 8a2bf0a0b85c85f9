//! Fire appliances, ranked by road travel time for a response.

pub use jingwu_hazmat::records::{FireUnit, FireUnitId, FireUnitKind};

use sqlx::Row;

use crate::conn::{Conn, sealed::Raw as _};
use crate::decode::{code, id};
use crate::scope::like_prefix;
use crate::{Result, WriteTx};

pub async fn insert_fire_unit(db: &mut WriteTx, u: &FireUnit) -> Result<()> {
    sqlx::query(
        "INSERT INTO fire_units (id, org_id, call_sign, kind, station_name, lat, lon, available) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(u.id.as_str())
    .bind(u.org_id.as_str())
    .bind(&u.call_sign)
    .bind(u.kind.as_str())
    .bind(&u.station_name)
    .bind(u.lat)
    .bind(u.lon)
    .bind(super::flag(u.available))
    .execute(db.raw())
    .await?;
    Ok(())
}

pub async fn call_sign_taken(db: &mut impl Conn, call_sign: &str) -> Result<bool> {
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM fire_units WHERE call_sign = $1")
        .bind(call_sign)
        .fetch_one(db.raw())
        .await?;
    Ok(n > 0)
}

pub async fn fire_units_under(db: &mut impl Conn, path: &str) -> Result<Vec<FireUnit>> {
    let rows = sqlx::query(
        "SELECT f.id, f.org_id, f.call_sign, f.kind, f.station_name, f.lat, f.lon, f.available \
         FROM fire_units f JOIN org_units o ON o.id = f.org_id WHERE o.path LIKE $1 \
         ORDER BY f.call_sign",
    )
    .bind(like_prefix(path))
    .fetch_all(db.raw())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(FireUnit {
                id: id(r, 0)?,
                org_id: id(r, 1)?,
                call_sign: r.try_get(2)?,
                kind: code(r, 3)?,
                station_name: r.try_get(4)?,
                lat: r.try_get(5)?,
                lon: r.try_get(6)?,
                available: r.try_get::<i64, _>(7)? != 0,
            })
        })
        .collect()
}
