//! Hazmat enterprises and the chemicals they hold.

pub use jingwu_hazmat::records::{Enterprise, EnterpriseId, Stock};

use sqlx::Row;
use sqlx::any::AnyRow;

use super::LatLonBox;
use crate::conn::{Conn, sealed::Raw as _};
use crate::decode::id;
use crate::scope::like_prefix;
use crate::{Result, WriteTx};

/// An enterprise's place, for impact lists and map markers.
#[derive(Debug, Clone, PartialEq)]
pub struct EnterprisePoint {
    pub id: EnterpriseId,
    pub name: String,
    pub lat: f64,
    pub lon: f64,
}

/// Adds an enterprise with its stocks and bumps the registry's version (see
/// [`enterprises_version`]).
pub async fn insert_enterprise(db: &mut WriteTx, e: &Enterprise) -> Result<()> {
    sqlx::query(
        "INSERT INTO hazmat_enterprises (id, org_id, uscc, name, address, lat, lon, contact_name, \
         contact_phone, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(e.id.as_str())
    .bind(e.org_id.as_str())
    .bind(&e.uscc)
    .bind(&e.name)
    .bind(&e.address)
    .bind(e.lat)
    .bind(e.lon)
    .bind(&e.contact_name)
    .bind(&e.contact_phone)
    .bind(e.created_at)
    .execute(db.raw())
    .await?;
    for s in &e.stocks {
        sqlx::query(
            "INSERT INTO hazmat_stocks (enterprise_id, chemical_id, quantity_kg) VALUES ($1, $2, $3)",
        )
        .bind(e.id.as_str())
        .bind(s.chemical_id.as_str())
        .bind(s.quantity_kg)
        .execute(db.raw())
        .await?;
    }
    sqlx::query(
        "UPDATE hazmat_registry SET enterprises_version = enterprises_version + 1 WHERE id = 1",
    )
    .execute(db.raw())
    .await?;
    Ok(())
}

pub async fn uscc_taken(db: &mut impl Conn, uscc: &str) -> Result<bool> {
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM hazmat_enterprises WHERE uscc = $1")
        .bind(uscc)
        .fetch_one(db.raw())
        .await?;
    Ok(n > 0)
}

const COLUMNS: &str = "e.id, e.org_id, e.uscc, e.name, e.address, e.lat, e.lon, e.contact_name, \
     e.contact_phone, e.created_at, o.path";

fn decode(r: &AnyRow) -> Result<(Enterprise, String)> {
    Ok((
        Enterprise {
            id: id(r, 0)?,
            org_id: id(r, 1)?,
            uscc: r.try_get(2)?,
            name: r.try_get(3)?,
            address: r.try_get(4)?,
            lat: r.try_get(5)?,
            lon: r.try_get(6)?,
            contact_name: r.try_get(7)?,
            contact_phone: r.try_get(8)?,
            stocks: Vec::new(),
            created_at: r.try_get(9)?,
        },
        r.try_get(10)?,
    ))
}

async fn stocks(db: &mut impl Conn, enterprise_id: &str) -> Result<Vec<Stock>> {
    let rows = sqlx::query(
        "SELECT s.chemical_id, c.un_number, c.name_zh, s.quantity_kg FROM hazmat_stocks s \
         JOIN hazmat_chemicals c ON c.id = s.chemical_id WHERE s.enterprise_id = $1 \
         ORDER BY c.un_number",
    )
    .bind(enterprise_id)
    .fetch_all(db.raw())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Stock {
                chemical_id: id(r, 0)?,
                un_number: r.try_get(1)?,
                name_zh: r.try_get(2)?,
                quantity_kg: r.try_get(3)?,
            })
        })
        .collect()
}

/// One enterprise with its stocks and the path of its org unit.
pub async fn enterprise(
    db: &mut impl Conn,
    enterprise_id: &str,
) -> Result<Option<(Enterprise, String)>> {
    let row = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM hazmat_enterprises e JOIN org_units o ON o.id = e.org_id \
         WHERE e.id = $1"
    ))
    .bind(enterprise_id)
    .fetch_optional(db.raw())
    .await?;
    let Some(row) = row else { return Ok(None) };
    let (mut e, path) = decode(&row)?;
    e.stocks = stocks(db, enterprise_id).await?;
    Ok(Some((e, path)))
}

/// A page of the enterprises under `path` whose name or credit code contains `q` (all when
/// empty), by name, with the total count.
pub async fn enterprises_under(
    db: &mut impl Conn,
    path: &str,
    q: &str,
    limit: i64,
    offset: i64,
) -> Result<(Vec<Enterprise>, i64)> {
    let pattern = format!(
        "%{}%",
        q.chars()
            .filter(|c| *c != '%' && *c != '_')
            .collect::<String>()
    );
    let total: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM hazmat_enterprises e JOIN org_units o ON o.id = e.org_id \
         WHERE o.path LIKE $1 AND (e.name LIKE $2 OR e.uscc LIKE $3)",
    )
    .bind(like_prefix(path))
    .bind(&pattern)
    .bind(&pattern)
    .fetch_one(db.raw())
    .await?;
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM hazmat_enterprises e JOIN org_units o ON o.id = e.org_id \
         WHERE o.path LIKE $1 AND (e.name LIKE $2 OR e.uscc LIKE $3) \
         ORDER BY e.name, e.id LIMIT $4 OFFSET $5"
    ))
    .bind(like_prefix(path))
    .bind(&pattern)
    .bind(&pattern)
    .bind(limit)
    .bind(offset)
    .fetch_all(db.raw())
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in &rows {
        let (mut e, _) = decode(r)?;
        e.stocks = stocks(db, e.id.as_str()).await?;
        out.push(e);
    }
    Ok((out, total))
}

/// The registry's version: it changes with every enterprise added (one row, one read).
pub async fn enterprises_version(db: &mut impl Conn) -> Result<i64> {
    Ok(
        sqlx::query_scalar("SELECT enterprises_version FROM hazmat_registry WHERE id = 1")
            .fetch_one(db.raw())
            .await?,
    )
}

/// Every enterprise's place with the path of its org unit (to build an in-memory index).
pub async fn all_enterprise_points(db: &mut impl Conn) -> Result<Vec<(EnterprisePoint, String)>> {
    let rows = sqlx::query(
        "SELECT e.id, e.name, e.lat, e.lon, o.path FROM hazmat_enterprises e \
         JOIN org_units o ON o.id = e.org_id",
    )
    .fetch_all(db.raw())
    .await?;
    rows.iter()
        .map(|r| {
            Ok((
                EnterprisePoint {
                    id: id(r, 0)?,
                    name: r.try_get(1)?,
                    lat: r.try_get(2)?,
                    lon: r.try_get(3)?,
                },
                r.try_get(4)?,
            ))
        })
        .collect()
}

/// Every enterprise (under `path`) inside a box: the candidates a zone is tested against.
pub async fn enterprise_points_in(
    db: &mut impl Conn,
    path: &str,
    b: LatLonBox,
) -> Result<Vec<EnterprisePoint>> {
    let rows = sqlx::query(
        "SELECT e.id, e.name, e.lat, e.lon FROM hazmat_enterprises e \
         JOIN org_units o ON o.id = e.org_id \
         WHERE e.lat >= $1 AND e.lat <= $2 AND e.lon >= $3 AND e.lon <= $4 AND o.path LIKE $5",
    )
    .bind(b.min_lat)
    .bind(b.max_lat)
    .bind(b.min_lon)
    .bind(b.max_lon)
    .bind(like_prefix(path))
    .fetch_all(db.raw())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(EnterprisePoint {
                id: id(r, 0)?,
                name: r.try_get(1)?,
                lat: r.try_get(2)?,
                lon: r.try_get(3)?,
            })
        })
        .collect()
}
