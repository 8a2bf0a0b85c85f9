//! Hazmat transport vehicles and their last positions.

pub use jingwu_hazmat::records::{Vehicle, VehicleId};

use sqlx::Row;
use sqlx::any::AnyRow;

use super::LatLonBox;
use crate::conn::{Conn, sealed::Raw as _};
use crate::decode::{id, opt_id};
use crate::scope::like_prefix;
use crate::{Result, WriteTx};

const COLUMNS: &str =
    "v.id, v.org_id, v.plate, v.carrier, v.chemical_id, v.cargo_kg, v.lat, v.lon, v.fix_at, o.path";

pub async fn insert_vehicle(db: &mut WriteTx, v: &Vehicle) -> Result<()> {
    sqlx::query(
        "INSERT INTO hazmat_vehicles (id, org_id, plate, carrier, chemical_id, cargo_kg, lat, lon, \
         fix_at) VALUES ($1, $2, $3, $4, $5, $6, CAST($7 AS DOUBLE PRECISION), \
         CAST($8 AS DOUBLE PRECISION), $9)",
    )
    .bind(v.id.as_str())
    .bind(v.org_id.as_str())
    .bind(&v.plate)
    .bind(&v.carrier)
    .bind(v.chemical_id.as_ref().map(|c| c.as_str().to_owned()))
    .bind(v.cargo_kg)
    .bind(crate::bind::opt_f64(v.lat))
    .bind(crate::bind::opt_f64(v.lon))
    .bind(v.fix_at)
    .execute(db.raw())
    .await?;
    Ok(())
}

pub async fn plate_taken(db: &mut impl Conn, plate: &str) -> Result<bool> {
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM hazmat_vehicles WHERE plate = $1")
        .bind(plate)
        .fetch_one(db.raw())
        .await?;
    Ok(n > 0)
}

/// Moves a vehicle; an older fix than the one stored changes nothing (returns false).
pub async fn set_vehicle_position(
    db: &mut WriteTx,
    vehicle_id: &str,
    lat: f64,
    lon: f64,
    at: i64,
) -> Result<bool> {
    let r = sqlx::query(
        "UPDATE hazmat_vehicles SET lat = $1, lon = $2, fix_at = $3 \
         WHERE id = $4 AND (fix_at IS NULL OR fix_at < $5)",
    )
    .bind(lat)
    .bind(lon)
    .bind(at)
    .bind(vehicle_id)
    .bind(at)
    .execute(db.raw())
    .await?;
    Ok(r.rows_affected() == 1)
}

fn decode(r: &AnyRow) -> Result<(Vehicle, String)> {
    Ok((
        Vehicle {
            id: id(r, 0)?,
            org_id: id(r, 1)?,
            plate: r.try_get(2)?,
            carrier: r.try_get(3)?,
            chemical_id: opt_id(r, 4)?,
            cargo_kg: r.try_get(5)?,
            lat: r.try_get(6)?,
            lon: r.try_get(7)?,
            fix_at: r.try_get(8)?,
        },
        r.try_get(9)?,
    ))
}

pub async fn vehicle(db: &mut impl Conn, vehicle_id: &str) -> Result<Option<(Vehicle, String)>> {
    let row = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM hazmat_vehicles v JOIN org_units o ON o.id = v.org_id WHERE v.id = $1"
    ))
    .bind(vehicle_id)
    .fetch_optional(db.raw())
    .await?;
    row.as_ref().map(decode).transpose()
}

pub async fn vehicles_under(db: &mut impl Conn, path: &str) -> Result<Vec<Vehicle>> {
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM hazmat_vehicles v JOIN org_units o ON o.id = v.org_id \
         WHERE o.path LIKE $1 ORDER BY v.plate"
    ))
    .bind(like_prefix(path))
    .fetch_all(db.raw())
    .await?;
    rows.iter().map(|r| decode(r).map(|(v, _)| v)).collect()
}

/// Vehicles under `path` last seen inside a box.
pub async fn vehicles_in(db: &mut impl Conn, path: &str, b: LatLonBox) -> Result<Vec<Vehicle>> {
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM hazmat_vehicles v JOIN org_units o ON o.id = v.org_id \
         WHERE v.lat >= $1 AND v.lat <= $2 AND v.lon >= $3 AND v.lon <= $4 AND o.path LIKE $5"
    ))
    .bind(b.min_lat)
    .bind(b.max_lat)
    .bind(b.min_lon)
    .bind(b.max_lon)
    .bind(like_prefix(path))
    .fetch_all(db.raw())
    .await?;
    rows.iter().map(|r| decode(r).map(|(v, _)| v)).collect()
}
