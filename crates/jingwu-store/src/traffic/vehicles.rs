//! Motor vehicles in the bureau's registry.

pub use jingwu_traffic::records::{Vehicle, VehicleId};

use sqlx::Row;
use sqlx::any::AnyRow;

use super::day;
use crate::conn::{Conn, sealed::Raw as _};
use crate::decode::{code, date, id};
use crate::{Result, WriteTx};

const COLUMNS: &str = "v.id, v.org_id, v.plate, v.owner_resident_id, v.owner_name, v.model, \
     v.inspection_due_on, v.status, v.created_at, o.path";

fn decode(r: &AnyRow) -> Result<(Vehicle, String)> {
    Ok((
        Vehicle {
            id: id(r, 0)?,
            org_id: id(r, 1)?,
            plate: r.try_get(2)?,
            owner_resident_id: r.try_get(3)?,
            owner_name: r.try_get(4)?,
            model: r.try_get(5)?,
            inspection_due_on: date(r, 6)?,
            status: code(r, 7)?,
            created_at: r.try_get(8)?,
        },
        r.try_get(9)?,
    ))
}

pub async fn insert_vehicle(db: &mut WriteTx, v: &Vehicle) -> Result<()> {
    sqlx::query(
        "INSERT INTO traffic_vehicles (id, org_id, plate, owner_resident_id, owner_name, model, \
         inspection_due_on, status, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(v.id.as_str())
    .bind(v.org_id.as_str())
    .bind(&v.plate)
    .bind(&v.owner_resident_id)
    .bind(&v.owner_name)
    .bind(&v.model)
    .bind(day(v.inspection_due_on))
    .bind(v.status.as_str())
    .bind(v.created_at)
    .execute(db.raw())
    .await?;
    Ok(())
}

pub async fn vehicle_by_plate(
    db: &mut impl Conn,
    plate: &str,
) -> Result<Option<(Vehicle, String)>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM traffic_vehicles v JOIN org_units o ON o.id = v.org_id \
         WHERE v.plate = $1"
    );
    let row = sqlx::query(&sql)
        .bind(plate)
        .fetch_optional(db.raw())
        .await?;
    row.as_ref().map(decode).transpose()
}

/// The vehicles registered to a person.
pub async fn vehicles_of(db: &mut impl Conn, resident_id: &str) -> Result<Vec<(Vehicle, String)>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM traffic_vehicles v JOIN org_units o ON o.id = v.org_id \
         WHERE v.owner_resident_id = $1 ORDER BY v.plate"
    );
    let rows = sqlx::query(&sql)
        .bind(resident_id)
        .fetch_all(db.raw())
        .await?;
    rows.iter().map(decode).collect()
}
