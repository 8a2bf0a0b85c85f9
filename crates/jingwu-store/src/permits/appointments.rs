//! Appointments and the client keys of booking requests. Every status change is a
//! compare-and-swap on the status the caller saw (the cal.com #29958 lesson).

use jingwu_permits::booking::AppointmentStatus;
use jingwu_permits::records::{Appointment, Person};
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::conn::{Conn, sealed::Raw as _};
use crate::decode::{code, id, opt_id};
use crate::scope::like_prefix;
use crate::{Result, StoreError, WriteTx};

const COLUMNS: &str = "a.id, a.office_id, a.item_code, a.slot_start, a.slot_end, a.pool, a.green, \
     a.channel, a.status, a.applicant_id, a.name, a.resident_id, a.mobile, a.application_id, \
     a.booked_by, a.hold_expires_at, a.created_at, a.updated_at, o.path";

const FROM: &str = "permit_appointments a JOIN permit_offices f ON f.id = a.office_id JOIN org_units o ON o.id = f.org_id";

fn decode(r: &AnyRow) -> Result<(Appointment, String)> {
    let pool: String = r.try_get(5)?;
    Ok((
        Appointment {
            id: id(r, 0)?,
            office_id: id(r, 1)?,
            item_code: r.try_get(2)?,
            slot_start: r.try_get(3)?,
            slot_end: r.try_get(4)?,
            pool: jingwu_permits::capacity::Pool::parse(&pool).ok_or(StoreError::UnknownCode {
                what: "slot pool",
                value: pool,
            })?,
            green: r.try_get::<i32, _>(6)? != 0,
            channel: code(r, 7)?,
            status: code(r, 8)?,
            applicant_id: opt_id(r, 9)?,
            person: Person {
                name: r.try_get(10)?,
                resident_id: r.try_get(11)?,
                mobile: r.try_get(12)?,
            },
            application_id: opt_id(r, 13)?,
            booked_by: id(r, 14)?,
            hold_expires_at: r.try_get(15)?,
            created_at: r.try_get(16)?,
            updated_at: r.try_get(17)?,
        },
        r.try_get(18)?,
    ))
}

/// Inserts an appointment. A second live one for the same person and item violates
/// `permit_appointments_live` (`StoreError::is_unique_violation`).
pub async fn insert_appointment(db: &mut WriteTx, a: &Appointment) -> Result<()> {
    sqlx::query(
        "INSERT INTO permit_appointments (id, office_id, item_code, slot_start, slot_end, pool, \
         green, channel, status, applicant_id, name, resident_id, mobile, application_id, \
         booked_by, hold_expires_at, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)",
    )
    .bind(a.id.as_str())
    .bind(a.office_id.as_str())
    .bind(&a.item_code)
    .bind(a.slot_start)
    .bind(a.slot_end)
    .bind(a.pool.as_str())
    .bind(i32::from(a.green))
    .bind(a.channel.as_str())
    .bind(a.status.as_str())
    .bind(a.applicant_id.as_ref().map(|u| u.as_str().to_owned()))
    .bind(&a.person.name)
    .bind(&a.person.resident_id)
    .bind(&a.person.mobile)
    .bind(a.application_id.as_ref().map(|x| x.as_str().to_owned()))
    .bind(a.booked_by.as_str())
    .bind(a.hold_expires_at)
    .bind(a.created_at)
    .bind(a.updated_at)
    .execute(db.raw())
    .await?;
    Ok(())
}

/// An appointment with the path of its office's org unit.
pub async fn appointment(db: &mut impl Conn, id: &str) -> Result<Option<(Appointment, String)>> {
    let sql = format!("SELECT {COLUMNS} FROM {FROM} WHERE a.id = $1");
    let row = sqlx::query(&sql).bind(id).fetch_optional(db.raw()).await?;
    row.as_ref().map(decode).transpose()
}

/// Moves an appointment from `from` to `to`. False when it was not in `from` any more — or,
/// for a hold being confirmed, when the hold lapsed before `now`.
pub async fn move_appointment(
    db: &mut WriteTx,
    id: &str,
    from: AppointmentStatus,
    to: AppointmentStatus,
    now: i64,
) -> Result<bool> {
    let confirming = from == AppointmentStatus::Held && to == AppointmentStatus::Booked;
    let r = sqlx::query(
        "UPDATE permit_appointments SET status = $1, updated_at = $2, hold_expires_at = NULL \
         WHERE id = $3 AND status = $4 AND ($5 = 0 OR hold_expires_at > $6)",
    )
    .bind(to.as_str())
    .bind(now)
    .bind(id)
    .bind(from.as_str())
    .bind(i32::from(confirming))
    .bind(now)
    .execute(db.raw())
    .await?;
    Ok(r.rows_affected() == 1)
}

/// A citizen's appointments, the latest slot first.
pub async fn appointments_of(db: &mut impl Conn, applicant_id: &str) -> Result<Vec<Appointment>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM {FROM} WHERE a.applicant_id = $1 ORDER BY a.slot_start DESC, a.id \
         LIMIT 200"
    );
    let rows = sqlx::query(&sql)
        .bind(applicant_id)
        .fetch_all(db.raw())
        .await?;
    rows.iter().map(|r| decode(r).map(|(a, _)| a)).collect()
}

/// Appointments of an office with slots in `[from, to)`, by slot (the clerk's day list).
pub async fn appointments_at(
    db: &mut impl Conn,
    office_id: &str,
    from: i64,
    to: i64,
) -> Result<Vec<Appointment>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM {FROM} WHERE a.office_id = $1 AND a.slot_start >= $2 \
         AND a.slot_start < $3 ORDER BY a.slot_start, a.created_at"
    );
    let rows = sqlx::query(&sql)
        .bind(office_id)
        .bind(from)
        .bind(to)
        .fetch_all(db.raw())
        .await?;
    rows.iter().map(|r| decode(r).map(|(a, _)| a)).collect()
}

/// Holds that lapsed by `now`, oldest first.
pub async fn lapsed_holds(db: &mut impl Conn, now: i64, limit: i64) -> Result<Vec<Appointment>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM {FROM} WHERE a.status = 'held' AND a.hold_expires_at <= $1 \
         ORDER BY a.hold_expires_at LIMIT $2"
    );
    let rows = sqlx::query(&sql)
        .bind(now)
        .bind(limit)
        .fetch_all(db.raw())
        .await?;
    rows.iter().map(|r| decode(r).map(|(a, _)| a)).collect()
}

/// Booked appointments whose slot started before `cutoff` without a check-in.
pub async fn missed(db: &mut impl Conn, cutoff: i64, limit: i64) -> Result<Vec<Appointment>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM {FROM} WHERE a.status = 'booked' AND a.slot_start < $1 \
         ORDER BY a.slot_start LIMIT $2"
    );
    let rows = sqlx::query(&sql)
        .bind(cutoff)
        .bind(limit)
        .fetch_all(db.raw())
        .await?;
    rows.iter().map(|r| decode(r).map(|(a, _)| a)).collect()
}

/// No-shows of a person with slots since `since`.
pub async fn no_shows_since(db: &mut impl Conn, resident_id: &str, since: i64) -> Result<u32> {
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM permit_appointments WHERE resident_id = $1 AND status = 'no_show' \
         AND slot_start >= $2",
    )
    .bind(resident_id)
    .bind(since)
    .fetch_one(db.raw())
    .await?;
    Ok(u32::try_from(n).unwrap_or(u32::MAX))
}

/// Appointments under `path` with slots in `[from, to)`: (status, channel, green) counts for
/// statistics.
pub async fn appointment_counts(
    db: &mut impl Conn,
    path: &str,
    from: i64,
    to: i64,
) -> Result<Vec<(String, String, i64)>> {
    let sql = format!(
        "SELECT a.status, a.channel, COUNT(*) FROM {FROM} WHERE o.path LIKE $1 \
         AND a.slot_start >= $2 AND a.slot_start < $3 GROUP BY a.status, a.channel \
         ORDER BY a.status, a.channel"
    );
    let rows = sqlx::query(&sql)
        .bind(like_prefix(path))
        .bind(from)
        .bind(to)
        .fetch_all(db.raw())
        .await?;
    rows.iter()
        .map(|r| Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?)))
        .collect()
}

/// Remembers the answer to a booking request with a client key. False when the key was used
/// already (the caller then answers with the first appointment).
pub async fn put_booking_key(
    db: &mut WriteTx,
    booked_by: &str,
    client_key: &str,
    request: &str,
    appointment_id: &str,
) -> Result<bool> {
    let r = sqlx::query(
        "INSERT INTO permit_booking_keys (booked_by, client_key, request, appointment_id) \
         VALUES ($1, $2, $3, $4) ON CONFLICT (booked_by, client_key) DO NOTHING",
    )
    .bind(booked_by)
    .bind(client_key)
    .bind(request)
    .bind(appointment_id)
    .execute(db.raw())
    .await?;
    Ok(r.rows_affected() == 1)
}

/// The request and appointment a client key was used for.
pub async fn booking_key(
    db: &mut impl Conn,
    booked_by: &str,
    client_key: &str,
) -> Result<Option<(String, String)>> {
    let row = sqlx::query(
        "SELECT request, appointment_id FROM permit_booking_keys WHERE booked_by = $1 \
         AND client_key = $2",
    )
    .bind(booked_by)
    .bind(client_key)
    .fetch_optional(db.raw())
    .await?;
    row.map(|r| Ok((r.try_get(0)?, r.try_get(1)?))).transpose()
}
