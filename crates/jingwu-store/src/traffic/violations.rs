//! Violations and their penalty decisions. A violation moves `pending → decided → paid` (or
//! to `revoked`) only by conditional updates, so two requests cannot decide or settle it twice.

pub use jingwu_traffic::records::{Violation, ViolationId};

use jingwu_traffic::violations::ViolationStatus;
use sqlx::Row;
use sqlx::any::AnyRow;

use super::day;
use crate::conn::{Conn, sealed::Raw as _};
use crate::decode::{code, id, opt_date, opt_id};
use crate::scope::like_prefix;
use crate::{Result, WriteTx};

const COLUMNS: &str = "v.id, v.org_id, v.plate, v.code, v.points, v.fine_fen, v.place, v.lat, \
     v.lon, v.occurred_at, v.source, v.recorded_by, v.status, v.licence_id, v.decision_no, \
     v.decided_at, v.served_on, v.deadline_on, v.paid_at, v.paid_on, v.revoked_at, \
     v.created_at, o.path";

fn decode(r: &AnyRow) -> Result<(Violation, String)> {
    Ok((
        Violation {
            id: id(r, 0)?,
            org_id: id(r, 1)?,
            plate: r.try_get(2)?,
            code: r.try_get(3)?,
            points: u8::try_from(r.try_get::<i64, _>(4)?).unwrap_or(u8::MAX),
            fine: jingwu_payments::Fen(r.try_get(5)?),
            place: r.try_get(6)?,
            lat: r.try_get(7)?,
            lon: r.try_get(8)?,
            occurred_at: r.try_get(9)?,
            source: code(r, 10)?,
            recorded_by: id(r, 11)?,
            status: code(r, 12)?,
            licence_id: opt_id(r, 13)?,
            decision_no: r.try_get(14)?,
            decided_at: r.try_get(15)?,
            served_on: opt_date(r, 16)?,
            deadline_on: opt_date(r, 17)?,
            paid_at: r.try_get(18)?,
            paid_on: opt_date(r, 19)?,
            revoked_at: r.try_get(20)?,
            created_at: r.try_get(21)?,
        },
        r.try_get(22)?,
    ))
}

pub async fn insert_violation(db: &mut WriteTx, v: &Violation) -> Result<()> {
    sqlx::query(
        "INSERT INTO traffic_violations (id, org_id, plate, code, points, fine_fen, place, lat, \
         lon, occurred_at, source, recorded_by, status, licence_id, decision_no, decided_at, \
         served_on, deadline_on, paid_at, paid_on, revoked_at, created_at) VALUES ($1, $2, $3, \
         $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22)",
    )
    .bind(v.id.as_str())
    .bind(v.org_id.as_str())
    .bind(&v.plate)
    .bind(&v.code)
    .bind(i64::from(v.points))
    .bind(v.fine.0)
    .bind(&v.place)
    .bind(v.lat)
    .bind(v.lon)
    .bind(v.occurred_at)
    .bind(v.source.as_str())
    .bind(v.recorded_by.as_str())
    .bind(v.status.as_str())
    .bind(v.licence_id.as_ref().map(|l| l.as_str().to_owned()))
    .bind(v.decision_no.clone())
    .bind(v.decided_at)
    .bind(v.served_on.map(day))
    .bind(v.deadline_on.map(day))
    .bind(v.paid_at)
    .bind(v.paid_on.map(day))
    .bind(v.revoked_at)
    .bind(v.created_at)
    .execute(db.raw())
    .await?;
    Ok(())
}

/// A violation and the path of the org unit that recorded it.
pub async fn violation(db: &mut impl Conn, id: &str) -> Result<Option<(Violation, String)>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM traffic_violations v JOIN org_units o ON o.id = v.org_id \
         WHERE v.id = $1"
    );
    let row = sqlx::query(&sql).bind(id).fetch_optional(db.raw()).await?;
    row.as_ref().map(decode).transpose()
}

/// A person's violations: those of the vehicles registered to them, and those decided on their
/// licence (driving someone else's car), newest first.
pub async fn violations_of(
    db: &mut impl Conn,
    resident_id: &str,
    licence_id: Option<&str>,
) -> Result<Vec<(Violation, String)>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM traffic_violations v JOIN org_units o ON o.id = v.org_id \
         WHERE v.plate IN (SELECT plate FROM traffic_vehicles WHERE owner_resident_id = $1) \
         OR v.licence_id = $2 ORDER BY v.occurred_at DESC, v.id"
    );
    let rows = sqlx::query(&sql)
        .bind(resident_id)
        .bind(licence_id.unwrap_or(""))
        .fetch_all(db.raw())
        .await?;
    rows.iter().map(decode).collect()
}

/// The decisions scored on a licence (every status but pending), oldest first.
pub async fn decisions_on(db: &mut impl Conn, licence_id: &str) -> Result<Vec<Violation>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM traffic_violations v JOIN org_units o ON o.id = v.org_id \
         WHERE v.licence_id = $1 ORDER BY v.decided_at, v.id"
    );
    let rows = sqlx::query(&sql)
        .bind(licence_id)
        .fetch_all(db.raw())
        .await?;
    rows.iter().map(|r| decode(r).map(|(v, _)| v)).collect()
}

/// Violations recorded under `path`, optionally of one status, newest first.
pub async fn violations_under(
    db: &mut impl Conn,
    path: &str,
    status: Option<ViolationStatus>,
    limit: i64,
    offset: i64,
) -> Result<Vec<(Violation, String)>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM traffic_violations v JOIN org_units o ON o.id = v.org_id \
         WHERE o.path LIKE $1 AND ($2 = '' OR v.status = $3) \
         ORDER BY v.occurred_at DESC, v.id LIMIT $4 OFFSET $5"
    );
    let s = status.map_or("", |s| s.as_str());
    let rows = sqlx::query(&sql)
        .bind(like_prefix(path))
        .bind(s)
        .bind(s)
        .bind(limit)
        .bind(offset)
        .fetch_all(db.raw())
        .await?;
    rows.iter().map(decode).collect()
}

/// The penalty decision of a pending violation. False when it was not pending any more.
pub struct Decide<'a> {
    pub id: &'a str,
    pub licence_id: &'a str,
    pub decision_no: &'a str,
    pub decided_at: i64,
    pub served_on: jiff::civil::Date,
    pub deadline_on: jiff::civil::Date,
}

pub async fn decide_violation(db: &mut WriteTx, d: &Decide<'_>) -> Result<bool> {
    let r = sqlx::query(
        "UPDATE traffic_violations SET status = $1, licence_id = $2, decision_no = $3, \
         decided_at = $4, served_on = $5, deadline_on = $6 WHERE id = $7 AND status = $8",
    )
    .bind(ViolationStatus::Decided.as_str())
    .bind(d.licence_id)
    .bind(d.decision_no)
    .bind(d.decided_at)
    .bind(day(d.served_on))
    .bind(day(d.deadline_on))
    .bind(d.id)
    .bind(ViolationStatus::Pending.as_str())
    .execute(db.raw())
    .await?;
    Ok(r.rows_affected() == 1)
}

/// Marks a decided violation paid. False when it was not decided (paid already, or revoked).
pub async fn pay_violation(
    db: &mut WriteTx,
    id: &str,
    paid_at: i64,
    paid_on: jiff::civil::Date,
) -> Result<bool> {
    let r = sqlx::query(
        "UPDATE traffic_violations SET status = $1, paid_at = $2, paid_on = $3 \
         WHERE id = $4 AND status = $5",
    )
    .bind(ViolationStatus::Paid.as_str())
    .bind(paid_at)
    .bind(day(paid_on))
    .bind(id)
    .bind(ViolationStatus::Decided.as_str())
    .execute(db.raw())
    .await?;
    Ok(r.rows_affected() == 1)
}

/// Revokes a decision or a record not yet paid. False when it was paid or revoked already.
pub async fn revoke_violation(db: &mut WriteTx, id: &str, at: i64) -> Result<bool> {
    let r = sqlx::query(
        "UPDATE traffic_violations SET status = $1, revoked_at = $2 \
         WHERE id = $3 AND status IN ($4, $5)",
    )
    .bind(ViolationStatus::Revoked.as_str())
    .bind(at)
    .bind(id)
    .bind(ViolationStatus::Pending.as_str())
    .bind(ViolationStatus::Decided.as_str())
    .execute(db.raw())
    .await?;
    Ok(r.rows_affected() == 1)
}
