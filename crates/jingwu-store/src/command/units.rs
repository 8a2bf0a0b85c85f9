//! Units: standing data, status (the conditional write behind "no double dispatch"),
//! status history and crews.

pub use jingwu_command::records::{ScopedUnit, StatusChange, Unit, UnitSetup};
use jingwu_command::unit::UnitStatus;

use sqlx::{Row, any::AnyRow};

use crate::conn::{Conn, sealed::Raw as _};
use crate::decode::{code, id, opt_id};
use crate::scope::like_prefix;
use crate::{Result, WriteTx};

const UNIT_COLUMNS: &str = "u.id, u.call_sign, u.kind, u.org_id, u.status, u.status_since, \
    u.incident_id, u.crew, p.lat, p.lon, p.position_at, u.created_at, o.path, u.travel_mode, \
    u.equipment";

/// The tables `UNIT_COLUMNS` reads: the unit, its org and its last known position, which lives
/// in a row of its own so that the position writer never touches the row a dispatch changes.
const UNITS: &str = "units u JOIN org_units o ON o.id = u.org_id \
    LEFT JOIN unit_last_positions p ON p.unit_id = u.id";

fn unit_from_row(r: &AnyRow) -> Result<ScopedUnit> {
    Ok(ScopedUnit {
        unit: Unit {
            id: id(r, 0)?,
            call_sign: r.try_get(1)?,
            kind: code(r, 2)?,
            org_id: id(r, 3)?,
            status: code(r, 4)?,
            status_since: r.try_get(5)?,
            incident_id: opt_id(r, 6)?,
            crew: crew_of(r.try_get(7)?)?,
            travel_mode: code(r, 13)?,
            equipment: string_list(r.try_get(14)?, "equipment list")?,
            lat: r.try_get(8)?,
            lon: r.try_get(9)?,
            position_at: r.try_get(10)?,
            created_at: r.try_get(11)?,
        },
        org_path: r.try_get(12)?,
    })
}

pub async fn insert_unit(db: &mut WriteTx, u: &Unit) -> Result<()> {
    let conn = db.raw();
    sqlx::query(
        "INSERT INTO units (id, call_sign, kind, org_id, status, status_since, incident_id, crew, \
         created_at, travel_mode, equipment) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(u.id.as_str())
    .bind(&u.call_sign)
    .bind(u.kind.as_str())
    .bind(u.org_id.as_str())
    .bind(u.status.as_str())
    .bind(u.status_since)
    .bind(u.incident_id.as_ref().map(|v| v.as_str()))
    .bind(crew_json(&u.crew))
    .bind(u.created_at)
    .bind(u.travel_mode.as_str())
    .bind(crew_json(&u.equipment))
    .execute(&mut *conn)
    .await?;
    if let (Some(lat), Some(lon), Some(at)) = (u.lat, u.lon, u.position_at) {
        sqlx::query(
            "INSERT INTO unit_last_positions (unit_id, lat, lon, position_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(u.id.as_str())
        .bind(lat)
        .bind(lon)
        .bind(at)
        .execute(conn)
        .await?;
    }
    Ok(())
}

pub async fn get_unit(db: &mut impl Conn, id: &str) -> Result<Option<ScopedUnit>> {
    let conn = db.raw();
    let sql = format!("SELECT {UNIT_COLUMNS} FROM {UNITS} WHERE u.id = $1");
    let row = sqlx::query(&sql).bind(id).fetch_optional(conn).await?;
    row.as_ref().map(unit_from_row).transpose()
}

/// Several units by id in one query (those that exist), for batch authorization.
pub async fn get_units(db: &mut impl Conn, ids: &[&str]) -> Result<Vec<ScopedUnit>> {
    let conn = db.raw();
    let mut out = Vec::with_capacity(ids.len());
    // Moderate chunks: sqlx binds each SQLite parameter by name with a scan over all of a
    // statement's parameters (quadratic), and few distinct chunk sizes keep the statement
    // cache warm — an AVL gateway's batch names hundreds of units (`jingwu bench avl`).
    for chunk in ids.chunks(40) {
        let marks: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
        let sql = format!(
            "SELECT {UNIT_COLUMNS} FROM {UNITS} WHERE u.id IN ({})",
            marks.join(", ")
        );
        let mut q = sqlx::query(&sql);
        for id in chunk {
            q = q.bind(*id);
        }
        for r in q.fetch_all(&mut *conn).await? {
            out.push(unit_from_row(&r)?);
        }
    }
    Ok(out)
}

/// Units in service (not retired) whose home org lies under `path`, by call sign.
pub async fn units_under(db: &mut impl Conn, path: &str) -> Result<Vec<ScopedUnit>> {
    let conn = db.raw();
    let sql = format!(
        "SELECT {UNIT_COLUMNS} FROM {UNITS} \
         WHERE o.path LIKE $1 AND u.retired_at IS NULL ORDER BY u.call_sign"
    );
    let rows = sqlx::query(&sql)
        .bind(like_prefix(path))
        .fetch_all(conn)
        .await?;
    rows.iter().map(unit_from_row).collect()
}

/// Moves a unit from `from` to `to` only if it is still in `from`: the conditional write that
/// makes a double dispatch impossible; a retired unit never changes status. Returns whether
/// the unit was changed.
pub async fn set_unit_status(
    db: &mut WriteTx,
    id: &str,
    from: UnitStatus,
    to: UnitStatus,
    incident_id: Option<&str>,
    at: i64,
) -> Result<bool> {
    let conn = db.raw();
    let done = sqlx::query(
        "UPDATE units SET status = $1, incident_id = $2, status_since = $3 \
         WHERE id = $4 AND status = $5 AND retired_at IS NULL",
    )
    .bind(to.as_str())
    .bind(incident_id)
    .bind(at)
    .bind(id)
    .bind(from.as_str())
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn log_unit_status(db: &mut WriteTx, c: &StatusChange) -> Result<()> {
    let conn = db.raw();
    sqlx::query(
        "INSERT INTO unit_status_log (id, unit_id, from_status, to_status, at, actor_id, incident_id, reason) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(c.id.as_str())
    .bind(c.unit_id.as_str())
    .bind(c.from_status.as_str())
    .bind(c.to_status.as_str())
    .bind(c.at)
    .bind(c.actor_id.as_str())
    .bind(c.incident_id.as_ref().map(|v| v.as_str()))
    .bind(&c.reason)
    .execute(conn)
    .await?;
    Ok(())
}

/// Replaces a unit's crew (a JSON array of usernames).
pub async fn set_unit_crew(db: &mut WriteTx, unit_id: &str, crew: &[String]) -> Result<()> {
    db.units_changed();
    let conn = db.raw();
    sqlx::query("UPDATE units SET crew = $1 WHERE id = $2")
        .bind(crew_json(crew))
        .bind(unit_id)
        .execute(conn)
        .await?;
    Ok(())
}

/// A list of names (a crew, equipment codes) as the JSON array it is stored as.
fn crew_json(crew: &[String]) -> String {
    serde_json::Value::from(crew.to_vec()).to_string()
}

fn crew_of(stored: String) -> Result<Vec<String>> {
    string_list(stored, "crew list")
}

fn string_list(stored: String, what: &'static str) -> Result<Vec<String>> {
    serde_json::from_str(&stored).map_err(|_| crate::StoreError::UnknownCode {
        what,
        value: stored,
    })
}

/// Changes a unit's standing data (call sign, kind, station, travel mode, equipment, post).
pub async fn update_unit_standing(db: &mut WriteTx, u: &Unit, post_id: Option<&str>) -> Result<()> {
    db.units_changed();
    let conn = db.raw();
    sqlx::query(
        "UPDATE units SET call_sign = $1, kind = $2, org_id = $3, travel_mode = $4, equipment = $5, \
         post_id = $6 WHERE id = $7",
    )
    .bind(&u.call_sign)
    .bind(u.kind.as_str())
    .bind(u.org_id.as_str())
    .bind(u.travel_mode.as_str())
    .bind(crew_json(&u.equipment))
    .bind(post_id)
    .bind(u.id.as_str())
    .execute(conn)
    .await?;
    Ok(())
}

/// Marks a unit retired (it must be off duty already: see `set_unit_status`).
pub async fn retire_unit(db: &mut WriteTx, unit_id: &str, at: i64) -> Result<bool> {
    let conn = db.raw();
    let done = sqlx::query(
        "UPDATE units SET retired_at = $1 WHERE id = $2 AND retired_at IS NULL AND status = 'off_duty'",
    )
    .bind(at)
    .bind(unit_id)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The unit that has this call sign, if any (retired units keep theirs).
pub async fn unit_by_call_sign(db: &mut impl Conn, call_sign: &str) -> Result<Option<ScopedUnit>> {
    let conn = db.raw();
    let sql = format!("SELECT {UNIT_COLUMNS} FROM {UNITS} WHERE u.call_sign = $1");
    let row = sqlx::query(&sql)
        .bind(call_sign)
        .fetch_optional(conn)
        .await?;
    row.as_ref().map(unit_from_row).transpose()
}

/// Every unit under `path`, retired ones too, with their setup data, by call sign.
pub async fn units_with_setup_under(
    db: &mut impl Conn,
    path: &str,
) -> Result<Vec<(ScopedUnit, UnitSetup)>> {
    let conn = db.raw();
    let sql = format!(
        "SELECT {UNIT_COLUMNS}, u.post_id, u.retired_at FROM {UNITS} \
         WHERE o.path LIKE $1 ORDER BY u.call_sign"
    );
    let rows = sqlx::query(&sql)
        .bind(like_prefix(path))
        .fetch_all(conn)
        .await?;
    rows.iter()
        .map(|r| Ok((unit_from_row(r)?, setup_from_row(r, 15)?)))
        .collect()
}

/// A unit's setup data.
pub async fn unit_setup(db: &mut impl Conn, unit_id: &str) -> Result<UnitSetup> {
    let conn = db.raw();
    let row = sqlx::query("SELECT post_id, retired_at FROM units WHERE id = $1")
        .bind(unit_id)
        .fetch_optional(conn)
        .await?;
    row.as_ref()
        .map_or(Ok(UnitSetup::default()), |r| setup_from_row(r, 0))
}

fn setup_from_row(r: &AnyRow, at: usize) -> Result<UnitSetup> {
    Ok(UnitSetup {
        post_id: r.try_get(at)?,
        retired_at: r.try_get(at + 1)?,
    })
}
