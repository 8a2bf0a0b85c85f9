//! Driving licences: the registry the bureau keeps, and the full-score state on each.

pub use jingwu_traffic::records::{Licence, LicenceId};

use jingwu_traffic::licence::LicenceStatus;
use sqlx::Row;
use sqlx::any::AnyRow;

use super::day;
use crate::conn::{Conn, sealed::Raw as _};
use crate::decode::{code, date, id, opt_date};
use crate::scope::like_prefix;
use crate::{Result, WriteTx};

const COLUMNS: &str = "l.id, l.org_id, l.resident_id, l.holder_name, l.class, l.first_issued_on, \
     l.expires_on, l.status, l.full_score_cleared_on, l.full_score_count, l.created_at, o.path";

fn decode(r: &AnyRow) -> Result<(Licence, String)> {
    Ok((
        Licence {
            id: id(r, 0)?,
            org_id: id(r, 1)?,
            resident_id: r.try_get(2)?,
            holder_name: r.try_get(3)?,
            class: code(r, 4)?,
            first_issued_on: date(r, 5)?,
            expires_on: date(r, 6)?,
            status: code(r, 7)?,
            full_score_cleared_on: opt_date(r, 8)?,
            full_score_count: u32::try_from(r.try_get::<i64, _>(9)?).unwrap_or(0),
            created_at: r.try_get(10)?,
        },
        r.try_get(11)?,
    ))
}

pub async fn insert_licence(db: &mut WriteTx, l: &Licence) -> Result<()> {
    sqlx::query(
        "INSERT INTO traffic_licences (id, org_id, resident_id, holder_name, class, \
         first_issued_on, expires_on, status, full_score_cleared_on, full_score_count, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(l.id.as_str())
    .bind(l.org_id.as_str())
    .bind(&l.resident_id)
    .bind(&l.holder_name)
    .bind(l.class.as_str())
    .bind(day(l.first_issued_on))
    .bind(day(l.expires_on))
    .bind(l.status.as_str())
    .bind(l.full_score_cleared_on.map(day))
    .bind(i64::from(l.full_score_count))
    .bind(l.created_at)
    .execute(db.raw())
    .await?;
    Ok(())
}

/// A licence and the path of the org unit that keeps it.
pub async fn licence(db: &mut impl Conn, id: &str) -> Result<Option<(Licence, String)>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM traffic_licences l JOIN org_units o ON o.id = l.org_id \
         WHERE l.id = $1"
    );
    let row = sqlx::query(&sql).bind(id).fetch_optional(db.raw()).await?;
    row.as_ref().map(decode).transpose()
}

pub async fn licence_of(
    db: &mut impl Conn,
    resident_id: &str,
) -> Result<Option<(Licence, String)>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM traffic_licences l JOIN org_units o ON o.id = l.org_id \
         WHERE l.resident_id = $1"
    );
    let row = sqlx::query(&sql)
        .bind(resident_id)
        .fetch_optional(db.raw())
        .await?;
    row.as_ref().map(decode).transpose()
}

/// Licences kept under `path`, by holder name, a page at a time.
pub async fn licences_under(
    db: &mut impl Conn,
    path: &str,
    limit: i64,
    offset: i64,
) -> Result<Vec<(Licence, String)>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM traffic_licences l JOIN org_units o ON o.id = l.org_id \
         WHERE o.path LIKE $1 ORDER BY l.holder_name, l.id LIMIT $2 OFFSET $3"
    );
    let rows = sqlx::query(&sql)
        .bind(like_prefix(path))
        .bind(limit)
        .bind(offset)
        .fetch_all(db.raw())
        .await?;
    rows.iter().map(decode).collect()
}

pub async fn set_licence_status(db: &mut WriteTx, id: &str, s: LicenceStatus) -> Result<()> {
    sqlx::query("UPDATE traffic_licences SET status = $1 WHERE id = $2")
        .bind(s.as_str())
        .bind(id)
        .execute(db.raw())
        .await?;
    Ok(())
}

/// Records one more full score (the licence is withheld by the caller's decision).
pub async fn count_full_score(db: &mut WriteTx, id: &str) -> Result<()> {
    sqlx::query(
        "UPDATE traffic_licences SET full_score_count = full_score_count + 1 WHERE id = $1",
    )
    .bind(id)
    .execute(db.raw())
    .await?;
    Ok(())
}
