//! Duty rosters: shifts per unit, and the units whose status the roster is due to change.

pub use jingwu_command::records::Shift;

use sqlx::{Row, any::AnyRow};

use crate::conn::{Conn, sealed::Raw as _};
use crate::decode::id;
use crate::scope::like_prefix;
use crate::{Result, WriteTx};

const COLUMNS: &str = "s.id, s.unit_id, s.starts_at, s.ends_at, s.crew, s.created_at, o.path";

fn shift_from_row(r: &AnyRow) -> Result<(Shift, String)> {
    let crew: String = r.try_get(4)?;
    Ok((
        Shift {
            id: r.try_get(0)?,
            unit_id: id(r, 1)?,
            starts_at: r.try_get(2)?,
            ends_at: r.try_get(3)?,
            crew: serde_json::from_str(&crew).map_err(|_| crate::StoreError::UnknownCode {
                what: "crew list",
                value: crew.clone(),
            })?,
            created_at: r.try_get(5)?,
        },
        r.try_get(6)?,
    ))
}

pub async fn insert_shift(db: &mut WriteTx, s: &Shift) -> Result<()> {
    let conn = db.raw();
    sqlx::query(
        "INSERT INTO unit_shifts (id, unit_id, starts_at, ends_at, crew, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(&s.id)
    .bind(s.unit_id.as_str())
    .bind(s.starts_at)
    .bind(s.ends_at)
    .bind(serde_json::Value::from(s.crew.clone()).to_string())
    .bind(s.created_at)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn delete_shift(db: &mut WriteTx, shift_id: &str) -> Result<()> {
    let conn = db.raw();
    sqlx::query("DELETE FROM unit_shifts WHERE id = $1")
        .bind(shift_id)
        .execute(conn)
        .await?;
    Ok(())
}

/// A shift with its unit's org path.
pub async fn get_shift(db: &mut impl Conn, shift_id: &str) -> Result<Option<(Shift, String)>> {
    let conn = db.raw();
    let sql = format!(
        "SELECT {COLUMNS} FROM unit_shifts s JOIN units u ON u.id = s.unit_id \
         JOIN org_units o ON o.id = u.org_id WHERE s.id = $1"
    );
    let row = sqlx::query(&sql)
        .bind(shift_id)
        .fetch_optional(conn)
        .await?;
    row.as_ref().map(shift_from_row).transpose()
}

/// Whether another shift of the unit overlaps `[starts_at, ends_at)`.
pub async fn shift_overlaps(
    db: &mut impl Conn,
    unit_id: &str,
    starts_at: i64,
    ends_at: i64,
) -> Result<bool> {
    let conn = db.raw();
    let row = sqlx::query(
        "SELECT COUNT(*) FROM unit_shifts WHERE unit_id = $1 AND starts_at < $2 AND ends_at > $3",
    )
    .bind(unit_id)
    .bind(ends_at)
    .bind(starts_at)
    .fetch_one(conn)
    .await?;
    Ok(row.try_get::<i64, _>(0)? > 0)
}

/// Shifts of the units under `path` that end after `from` and start before `to`, by start.
pub async fn shifts_under(
    db: &mut impl Conn,
    path: &str,
    from: i64,
    to: i64,
) -> Result<Vec<(Shift, String)>> {
    let conn = db.raw();
    let sql = format!(
        "SELECT {COLUMNS} FROM unit_shifts s JOIN units u ON u.id = s.unit_id \
         JOIN org_units o ON o.id = u.org_id \
         WHERE o.path LIKE $1 AND s.ends_at > $2 AND s.starts_at < $3 ORDER BY s.starts_at, u.call_sign"
    );
    let rows = sqlx::query(&sql)
        .bind(like_prefix(path))
        .bind(from)
        .bind(to)
        .fetch_all(conn)
        .await?;
    rows.iter().map(shift_from_row).collect()
}

/// The shifts of one unit (all of them: the roster decides from the whole list).
pub async fn shifts_of_unit(db: &mut impl Conn, unit_id: &str) -> Result<Vec<Shift>> {
    let conn = db.raw();
    let sql = format!(
        "SELECT {COLUMNS} FROM unit_shifts s JOIN units u ON u.id = s.unit_id \
         JOIN org_units o ON o.id = u.org_id WHERE s.unit_id = $1 ORDER BY s.starts_at"
    );
    let rows = sqlx::query(&sql).bind(unit_id).fetch_all(conn).await?;
    rows.iter().map(|r| Ok(shift_from_row(r)?.0)).collect()
}

/// Rostered units whose status disagrees with their roster at `now`: off duty inside a shift,
/// or available outside every shift. (Units on a job are left alone: they go off duty when
/// they are available again.)
pub async fn roster_due(db: &mut impl Conn, now: i64, limit: i64) -> Result<Vec<String>> {
    let conn = db.raw();
    let rows = sqlx::query(
        "SELECT u.id FROM units u WHERE u.retired_at IS NULL AND ( \
           (u.status = 'off_duty' AND EXISTS (SELECT 1 FROM unit_shifts s \
              WHERE s.unit_id = u.id AND s.starts_at <= $1 AND s.ends_at > $2)) \
           OR (u.status = 'available' AND EXISTS (SELECT 1 FROM unit_shifts s WHERE s.unit_id = u.id) \
              AND NOT EXISTS (SELECT 1 FROM unit_shifts s \
              WHERE s.unit_id = u.id AND s.starts_at <= $3 AND s.ends_at > $4))) \
         ORDER BY u.id LIMIT $5",
    )
    .bind(now)
    .bind(now)
    .bind(now)
    .bind(now)
    .bind(limit)
    .fetch_all(conn)
    .await?;
    rows.iter().map(|r| Ok(r.try_get(0)?)).collect()
}
