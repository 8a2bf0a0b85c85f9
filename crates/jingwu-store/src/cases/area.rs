//! The handling area: rooms of a unit (`area_rooms`), the people brought in
//! (`area_custodies`, one open record per identity number by the partial unique index
//! `area_custodies_open`), their measures (`area_measures`), what happened to them
//! (`area_events`, append-only, numbered per record) and their belongings
//! (`area_belongings`). Status changes are conditional updates on the expected status, so a
//! change that lost a race changes nothing.

use jingwu_cases::area::{
    AreaEvent, AreaEventKind, Belonging, Custody, CustodyStatus, Measure, Outcome, Room,
};
use jingwu_cases::ids::{CustodyId, RoomId};
use sqlx::Row;

use crate::conn::{Conn, sealed::Raw as _};
use crate::decode::{code, id, opt_id};
use crate::scope::like_prefix;
use crate::{Result, StoreError, WriteTx};

// --- rooms ---------------------------------------------------------------------------------

const ROOM_COLUMNS: &str = "r.id, r.org_id, r.code, r.name, r.kind, r.active, o.path";

fn room_row(r: &sqlx::any::AnyRow) -> Result<(Room, String)> {
    Ok((
        Room {
            id: id(r, 0)?,
            org_id: r.try_get(1)?,
            code: r.try_get(2)?,
            name: r.try_get(3)?,
            kind: code(r, 4)?,
            active: r.try_get::<i32, _>(5)? != 0,
        },
        r.try_get(6)?,
    ))
}

/// Adds a room; a door plate (`code`) already used in the unit is a unique violation.
pub async fn insert_room(db: &mut WriteTx, room: &Room) -> Result<()> {
    sqlx::query(
        "INSERT INTO area_rooms (id, org_id, code, name, kind, active) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(room.id.as_str())
    .bind(&room.org_id)
    .bind(&room.code)
    .bind(&room.name)
    .bind(room.kind.as_str())
    .bind(i32::from(room.active))
    .execute(db.raw())
    .await?;
    Ok(())
}

/// Changes a room's plate, name, kind and whether it is in use (never its unit).
pub async fn update_room(db: &mut WriteTx, room: &Room) -> Result<bool> {
    let r = sqlx::query(
        "UPDATE area_rooms SET code = $1, name = $2, kind = $3, active = $4 WHERE id = $5",
    )
    .bind(&room.code)
    .bind(&room.name)
    .bind(room.kind.as_str())
    .bind(i32::from(room.active))
    .bind(room.id.as_str())
    .execute(db.raw())
    .await?;
    Ok(r.rows_affected() == 1)
}

/// A room with its unit's path.
pub async fn room(db: &mut impl Conn, room_id: &str) -> Result<Option<(Room, String)>> {
    let row = sqlx::query(&format!(
        "SELECT {ROOM_COLUMNS} FROM area_rooms r JOIN org_units o ON o.id = r.org_id \
         WHERE r.id = $1"
    ))
    .bind(room_id)
    .fetch_optional(db.raw())
    .await?;
    row.as_ref().map(room_row).transpose()
}

/// The rooms of every unit under `path`, by unit and plate.
pub async fn rooms_under(db: &mut impl Conn, path: &str) -> Result<Vec<(Room, String)>> {
    let rows = sqlx::query(&format!(
        "SELECT {ROOM_COLUMNS} FROM area_rooms r JOIN org_units o ON o.id = r.org_id \
         WHERE o.path LIKE $1 ORDER BY o.path, r.code"
    ))
    .bind(like_prefix(path))
    .fetch_all(db.raw())
    .await?;
    rows.iter().map(room_row).collect()
}

// --- custody records -----------------------------------------------------------------------

/// A custody record with the paths that decide who sees it: the holding unit's, and the
/// supervising legal office's (the case's, or the unit's own for a person without a case).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScopedCustody {
    pub custody: Custody,
    pub org_path: String,
    pub legal_org_path: String,
}

const CUSTODY_COLUMNS: &str = "c.id, c.org_id, c.case_id, c.name, c.id_kind, c.id_number, \
     c.role, c.reason, c.arrived_at, c.entered_at, c.status, c.room_id, c.handler_id, \
     c.exit_at, c.outcome, c.outcome_note, o.path, COALESCE(lo.path, o.path)";

const CUSTODY_FROM: &str = "area_custodies c JOIN org_units o ON o.id = c.org_id \
     LEFT JOIN cases k ON k.id = c.case_id LEFT JOIN org_units lo ON lo.id = k.legal_org_id";

fn custody_row(r: &sqlx::any::AnyRow) -> Result<ScopedCustody> {
    let outcome: Option<String> = r.try_get(14)?;
    Ok(ScopedCustody {
        custody: Custody {
            id: id(r, 0)?,
            org_id: r.try_get(1)?,
            case_id: opt_id(r, 2)?,
            name: r.try_get(3)?,
            id_kind: code(r, 4)?,
            id_number: r.try_get(5)?,
            role: code(r, 6)?,
            reason: r.try_get(7)?,
            arrived_at: r.try_get(8)?,
            entered_at: r.try_get(9)?,
            status: code(r, 10)?,
            room_id: opt_id(r, 11)?,
            handler_id: r.try_get(12)?,
            exit_at: r.try_get(13)?,
            outcome: outcome
                .map(|o| {
                    Outcome::parse(&o).map_err(|_| StoreError::UnknownCode {
                        what: "custody outcome",
                        value: o,
                    })
                })
                .transpose()?,
            outcome_note: r.try_get(15)?,
        },
        org_path: r.try_get(16)?,
        legal_org_path: r.try_get(17)?,
    })
}

/// Registers a person in the area. A second open record of the same identity number is a
/// unique violation (`area_custodies_open`): nobody is in two areas, or twice in one.
pub async fn insert_custody(db: &mut WriteTx, c: &Custody) -> Result<()> {
    sqlx::query(
        "INSERT INTO area_custodies (id, org_id, case_id, name, id_kind, id_number, role, reason, \
         arrived_at, entered_at, status, room_id, handler_id, exit_at, outcome, outcome_note) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, NULL, NULL, NULL)",
    )
    .bind(c.id.as_str())
    .bind(&c.org_id)
    .bind(c.case_id.as_ref().map(|x| x.as_str()))
    .bind(&c.name)
    .bind(c.id_kind.as_str())
    .bind(c.id_number.as_deref())
    .bind(c.role.as_str())
    .bind(&c.reason)
    .bind(c.arrived_at)
    .bind(c.entered_at)
    .bind(c.status.as_str())
    .bind(c.room_id.as_ref().map(RoomId::as_str))
    .bind(&c.handler_id)
    .execute(db.raw())
    .await?;
    Ok(())
}

pub async fn custody(db: &mut impl Conn, custody_id: &str) -> Result<Option<ScopedCustody>> {
    let row = sqlx::query(&format!(
        "SELECT {CUSTODY_COLUMNS} FROM {CUSTODY_FROM} WHERE c.id = $1"
    ))
    .bind(custody_id)
    .fetch_optional(db.raw())
    .await?;
    row.as_ref().map(custody_row).transpose()
}

/// Moves a record from status `from` to `to` (temporary leave and return); false when it is
/// no longer in `from`.
pub async fn move_custody(
    db: &mut WriteTx,
    custody_id: &str,
    from: CustodyStatus,
    to: CustodyStatus,
) -> Result<bool> {
    let r = sqlx::query(
        "UPDATE area_custodies SET status = $1 WHERE id = $2 AND status = $3 AND exit_at IS NULL",
    )
    .bind(to.as_str())
    .bind(custody_id)
    .bind(from.as_str())
    .execute(db.raw())
    .await?;
    Ok(r.rows_affected() == 1)
}

/// Puts a person in the area into a room (or none); false when the person is not in the area.
pub async fn set_room(db: &mut WriteTx, custody_id: &str, room_id: Option<&str>) -> Result<bool> {
    let r =
        sqlx::query("UPDATE area_custodies SET room_id = $1 WHERE id = $2 AND status = 'in_area'")
            .bind(room_id)
            .bind(custody_id)
            .execute(db.raw())
            .await?;
    Ok(r.rows_affected() == 1)
}

/// Closes a record with its outcome; false when the person was not in the area (out, or
/// exited already).
pub async fn exit_custody(
    db: &mut WriteTx,
    custody_id: &str,
    at: i64,
    outcome: Outcome,
    note: Option<&str>,
) -> Result<bool> {
    let r = sqlx::query(
        "UPDATE area_custodies SET status = 'exited', room_id = NULL, exit_at = $1, outcome = $2, \
         outcome_note = $3 WHERE id = $4 AND status = 'in_area' AND exit_at IS NULL",
    )
    .bind(at)
    .bind(outcome.as_str())
    .bind(note)
    .bind(custody_id)
    .execute(db.raw())
    .await?;
    Ok(r.rows_affected() == 1)
}

/// Everyone inside (in the area or temporarily out) whose record is held under `org_prefix`,
/// or — for a legal office — supervised under `legal_prefix`, each with their running measure,
/// by arrival.
pub async fn inside(
    db: &mut impl Conn,
    org_prefix: &str,
    legal_prefix: Option<&str>,
) -> Result<Vec<(ScopedCustody, Option<Measure>)>> {
    let rows = sqlx::query(&format!(
        "SELECT {CUSTODY_COLUMNS}, m.id, m.limit_code, m.started_at, m.decided_by \
         FROM {CUSTODY_FROM} \
         LEFT JOIN area_measures m ON m.custody_id = c.id AND m.ended_at IS NULL \
         WHERE c.status IN ('in_area', 'out') AND (o.path LIKE $1 OR lo.path LIKE $2) \
         ORDER BY c.arrived_at, c.id"
    ))
    .bind(like_prefix(org_prefix))
    // No legal office: a pattern no path matches.
    .bind(legal_prefix.map_or_else(|| "-".to_owned(), like_prefix))
    .fetch_all(db.raw())
    .await?;
    rows.iter()
        .map(|r| {
            let c = custody_row(r)?;
            let measure = match r.try_get::<Option<String>, _>(18)? {
                Some(mid) => Some(Measure {
                    id: mid.into(),
                    custody_id: c.custody.id.clone(),
                    limit_code: r.try_get(19)?,
                    started_at: r.try_get(20)?,
                    ended_at: None,
                    decided_by: r.try_get(21)?,
                }),
                None => None,
            };
            Ok((c, measure))
        })
        .collect()
}

/// How many people are still inside for a case (a case does not close while one is).
pub async fn open_custodies_of_case(db: &mut impl Conn, case_id: &str) -> Result<i64> {
    let row =
        sqlx::query("SELECT COUNT(*) FROM area_custodies WHERE case_id = $1 AND exit_at IS NULL")
            .bind(case_id)
            .fetch_one(db.raw())
            .await?;
    Ok(row.try_get(0)?)
}

/// A case's handling unit and the paths deciding who sees it (`org_id`, org path, legal
/// office path), for linking a person to it.
pub async fn case_scope(
    db: &mut impl Conn,
    case_id: &str,
) -> Result<Option<(String, String, String)>> {
    let row = sqlx::query(
        "SELECT k.org_id, o.path, lo.path FROM cases k JOIN org_units o ON o.id = k.org_id \
         JOIN org_units lo ON lo.id = k.legal_org_id WHERE k.id = $1",
    )
    .bind(case_id)
    .fetch_optional(db.raw())
    .await?;
    row.map(|r| Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?)))
        .transpose()
}

// --- measures ------------------------------------------------------------------------------

const MEASURE_COLUMNS: &str = "id, custody_id, limit_code, started_at, ended_at, decided_by";

fn measure_row(r: &sqlx::any::AnyRow) -> Result<Measure> {
    Ok(Measure {
        id: id(r, 0)?,
        custody_id: id(r, 1)?,
        limit_code: r.try_get(2)?,
        started_at: r.try_get(3)?,
        ended_at: r.try_get(4)?,
        decided_by: r.try_get(5)?,
    })
}

pub async fn insert_measure(db: &mut WriteTx, m: &Measure) -> Result<()> {
    sqlx::query(
        "INSERT INTO area_measures (id, custody_id, limit_code, started_at, ended_at, decided_by) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(m.id.as_str())
    .bind(m.custody_id.as_str())
    .bind(&m.limit_code)
    .bind(m.started_at)
    .bind(m.ended_at)
    .bind(&m.decided_by)
    .execute(db.raw())
    .await?;
    Ok(())
}

/// Ends the running measure of a record at `at`; false when none was running.
pub async fn end_running_measure(db: &mut WriteTx, custody_id: &str, at: i64) -> Result<bool> {
    let r = sqlx::query(
        "UPDATE area_measures SET ended_at = $1 WHERE custody_id = $2 AND ended_at IS NULL",
    )
    .bind(at)
    .bind(custody_id)
    .execute(db.raw())
    .await?;
    Ok(r.rows_affected() >= 1)
}

/// A record's measures, in the order they were taken.
pub async fn measures_of(db: &mut impl Conn, custody_id: &str) -> Result<Vec<Measure>> {
    let rows = sqlx::query(&format!(
        "SELECT {MEASURE_COLUMNS} FROM area_measures WHERE custody_id = $1 \
         ORDER BY id"
    ))
    .bind(custody_id)
    .fetch_all(db.raw())
    .await?;
    rows.iter().map(measure_row).collect()
}

// --- events --------------------------------------------------------------------------------

/// Appends an event to a record's history and returns it with its number. The number is the
/// next after the record's last, in the writing transaction (one writer per record: SQLite's
/// lock, or PostgreSQL's serializable retry; the primary key refuses a duplicate).
pub async fn append_event(
    db: &mut WriteTx,
    custody_id: &CustodyId,
    kind: AreaEventKind,
    at: i64,
    by_id: Option<&str>,
    room_id: Option<&RoomId>,
    detail: serde_json::Value,
) -> Result<AreaEvent> {
    let row = sqlx::query("SELECT COALESCE(MAX(seq), 0) FROM area_events WHERE custody_id = $1")
        .bind(custody_id.as_str())
        .fetch_one(db.raw())
        .await?;
    let seq = i64::from(row.try_get::<i32, _>(0)?) + 1;
    sqlx::query(
        "INSERT INTO area_events (custody_id, seq, kind, at, by_id, room_id, detail) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(custody_id.as_str())
    .bind(i32::try_from(seq).unwrap_or(i32::MAX))
    .bind(kind.as_str())
    .bind(at)
    .bind(by_id)
    .bind(room_id.map(RoomId::as_str))
    .bind(detail.to_string())
    .execute(db.raw())
    .await?;
    Ok(AreaEvent {
        custody_id: custody_id.clone(),
        seq,
        kind,
        at,
        by_id: by_id.map(str::to_owned),
        room_id: room_id.cloned(),
        detail,
    })
}

/// A record's history, in order.
pub async fn events_of(db: &mut impl Conn, custody_id: &str) -> Result<Vec<AreaEvent>> {
    let rows = sqlx::query(
        "SELECT custody_id, seq, kind, at, by_id, room_id, detail FROM area_events \
         WHERE custody_id = $1 ORDER BY seq",
    )
    .bind(custody_id)
    .fetch_all(db.raw())
    .await?;
    rows.iter()
        .map(|r| {
            let detail: String = r.try_get(6)?;
            Ok(AreaEvent {
                custody_id: id(r, 0)?,
                seq: i64::from(r.try_get::<i32, _>(1)?),
                kind: code(r, 2)?,
                at: r.try_get(3)?,
                by_id: r.try_get(4)?,
                room_id: opt_id(r, 5)?,
                detail: serde_json::from_str(&detail).map_err(|_| StoreError::UnknownCode {
                    what: "area event detail",
                    value: detail,
                })?,
            })
        })
        .collect()
}

// --- belongings ----------------------------------------------------------------------------

pub async fn insert_belonging(db: &mut WriteTx, b: &Belonging) -> Result<()> {
    sqlx::query(
        "INSERT INTO area_belongings (id, custody_id, description, quantity, returned_at) \
         VALUES ($1, $2, $3, $4, NULL)",
    )
    .bind(b.id.as_str())
    .bind(b.custody_id.as_str())
    .bind(&b.description)
    .bind(i32::try_from(b.quantity).unwrap_or(i32::MAX))
    .execute(db.raw())
    .await?;
    Ok(())
}

/// A record's belongings, in the order they were recorded.
pub async fn belongings_of(db: &mut impl Conn, custody_id: &str) -> Result<Vec<Belonging>> {
    let rows = sqlx::query(
        "SELECT id, custody_id, description, quantity, returned_at FROM area_belongings \
         WHERE custody_id = $1 ORDER BY id",
    )
    .bind(custody_id)
    .fetch_all(db.raw())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Belonging {
                id: id(r, 0)?,
                custody_id: id(r, 1)?,
                description: r.try_get(2)?,
                quantity: i64::from(r.try_get::<i32, _>(3)?),
                returned_at: r.try_get(4)?,
            })
        })
        .collect()
}

/// Hands back every belonging not yet returned; how many there were.
pub async fn return_belongings(db: &mut WriteTx, custody_id: &str, at: i64) -> Result<u64> {
    let r = sqlx::query(
        "UPDATE area_belongings SET returned_at = $1 WHERE custody_id = $2 AND returned_at IS NULL",
    )
    .bind(at)
    .bind(custody_id)
    .execute(db.raw())
    .await?;
    Ok(r.rows_affected())
}
