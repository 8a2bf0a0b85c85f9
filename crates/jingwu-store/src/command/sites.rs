//! Station sites and posts with their positions.

pub use jingwu_command::records::Site;

use jingwu_core::OrgKind;
use sqlx::Row;

use crate::conn::{Conn, sealed::Raw as _};
use crate::decode::{code, id};
use crate::scope::like_prefix;
use crate::{Result, WriteTx};

pub async fn upsert_site(db: &mut WriteTx, s: &Site) -> Result<()> {
    let conn = db.raw();
    sqlx::query(
        "INSERT INTO org_sites (org_id, lat, lon, address, area_geojson) VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (org_id) DO UPDATE SET lat = excluded.lat, lon = excluded.lon, \
         address = excluded.address, area_geojson = excluded.area_geojson",
    )
    .bind(s.org_id.as_str())
    .bind(s.lat)
    .bind(s.lon)
    .bind(&s.address)
    .bind(&s.area_geojson)
    .execute(conn)
    .await?;
    Ok(())
}

/// Sites of every unit in a subtree, with the unit's kind and path.
pub async fn sites_under(db: &mut impl Conn, path: &str) -> Result<Vec<(Site, OrgKind, String)>> {
    let conn = db.raw();
    let rows = sqlx::query(
        "SELECT s.org_id, s.lat, s.lon, s.address, s.area_geojson, o.kind, o.path \
         FROM org_sites s JOIN org_units o ON o.id = s.org_id WHERE o.path LIKE $1 ORDER BY o.path",
    )
    .bind(like_prefix(path))
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok((
                Site {
                    org_id: id(r, 0)?,
                    lat: r.try_get(1)?,
                    lon: r.try_get(2)?,
                    address: r.try_get(3)?,
                    area_geojson: r.try_get(4)?,
                },
                code(r, 5)?,
                r.try_get(6)?,
            ))
        })
        .collect()
}

/// The site of one org unit.
pub async fn get_site(db: &mut impl Conn, org_id: &str) -> Result<Option<Site>> {
    let conn = db.raw();
    let row = sqlx::query(
        "SELECT org_id, lat, lon, address, area_geojson FROM org_sites WHERE org_id = $1",
    )
    .bind(org_id)
    .fetch_optional(conn)
    .await?;
    row.as_ref()
        .map(|r| {
            Ok(Site {
                org_id: id(r, 0)?,
                lat: r.try_get(1)?,
                lon: r.try_get(2)?,
                address: r.try_get(3)?,
                area_geojson: r.try_get(4)?,
            })
        })
        .transpose()
}
