//! Offices, their dated exceptions and their windows.

use jingwu_permits::records::{Office, Window};
use jingwu_permits::schedule::{BookingWindow, DateException};
use sqlx::Row;
use sqlx::any::AnyRow;

use super::{flag, json, to_json};
use crate::conn::{Conn, sealed::Raw as _};
use crate::decode::{date, id};
use crate::scope::like_prefix;
use crate::{Result, WriteTx};

const COLUMNS: &str = "f.id, f.org_id, f.name, f.address, f.week, f.open_on_holidays, \
     f.slot_minutes, f.slot_capacity, f.green_reserved, f.min_notice_minutes, f.horizon_days, \
     f.created_at, o.path";

fn decode(r: &AnyRow) -> Result<(Office, String)> {
    let week: String = r.try_get(4)?;
    let n = |i: usize| -> Result<i32> { Ok(r.try_get::<i32, _>(i)?) };
    Ok((
        Office {
            id: id(r, 0)?,
            org_id: id(r, 1)?,
            name: r.try_get(2)?,
            address: r.try_get(3)?,
            week: json("office week plan", &week)?,
            open_on_holidays: n(5)? != 0,
            slot_minutes: u16::try_from(n(6)?).unwrap_or(0),
            slot_capacity: u32::try_from(n(7)?).unwrap_or(0),
            green_reserved: u32::try_from(n(8)?).unwrap_or(0),
            booking: BookingWindow {
                min_notice_minutes: u32::try_from(n(9)?).unwrap_or(0),
                horizon_days: u16::try_from(n(10)?).unwrap_or(0),
            },
            created_at: r.try_get(11)?,
        },
        r.try_get(12)?,
    ))
}

fn int<T: TryInto<i32>>(v: T) -> i32 {
    v.try_into().unwrap_or(i32::MAX)
}

/// Adds an office, or replaces its settings (by id).
pub async fn put_office(db: &mut WriteTx, f: &Office) -> Result<()> {
    sqlx::query(
        "INSERT INTO permit_offices (id, org_id, name, address, week, open_on_holidays, \
         slot_minutes, slot_capacity, green_reserved, min_notice_minutes, horizon_days, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) \
         ON CONFLICT (id) DO UPDATE SET org_id = excluded.org_id, name = excluded.name, \
         address = excluded.address, week = excluded.week, \
         open_on_holidays = excluded.open_on_holidays, slot_minutes = excluded.slot_minutes, \
         slot_capacity = excluded.slot_capacity, green_reserved = excluded.green_reserved, \
         min_notice_minutes = excluded.min_notice_minutes, horizon_days = excluded.horizon_days",
    )
    .bind(f.id.as_str())
    .bind(f.org_id.as_str())
    .bind(&f.name)
    .bind(&f.address)
    .bind(to_json(&f.week))
    .bind(flag(f.open_on_holidays))
    .bind(i32::from(f.slot_minutes))
    .bind(int(f.slot_capacity))
    .bind(int(f.green_reserved))
    .bind(int(f.booking.min_notice_minutes))
    .bind(i32::from(f.booking.horizon_days))
    .bind(f.created_at)
    .execute(db.raw())
    .await?;
    Ok(())
}

/// An office with its org unit's path.
pub async fn office(db: &mut impl Conn, office_id: &str) -> Result<Option<(Office, String)>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM permit_offices f JOIN org_units o ON o.id = f.org_id WHERE f.id = $1"
    );
    let row = sqlx::query(&sql)
        .bind(office_id)
        .fetch_optional(db.raw())
        .await?;
    row.as_ref().map(decode).transpose()
}

/// Offices whose org unit lies under `path` (every office for the root path), by name.
pub async fn offices_under(db: &mut impl Conn, path: &str) -> Result<Vec<(Office, String)>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM permit_offices f JOIN org_units o ON o.id = f.org_id \
         WHERE o.path LIKE $1 ORDER BY f.name, f.id"
    );
    let rows = sqlx::query(&sql)
        .bind(like_prefix(path))
        .fetch_all(db.raw())
        .await?;
    rows.iter().map(decode).collect()
}

pub async fn put_exception(db: &mut WriteTx, office_id: &str, x: &DateException) -> Result<()> {
    sqlx::query(
        "INSERT INTO permit_office_exceptions (office_id, day, plan, reason) \
         VALUES ($1, $2, $3, $4) ON CONFLICT (office_id, day) DO UPDATE SET \
         plan = excluded.plan, reason = excluded.reason",
    )
    .bind(office_id)
    .bind(x.date.to_string())
    .bind(x.plan.as_ref().map(to_json))
    .bind(&x.reason)
    .execute(db.raw())
    .await?;
    Ok(())
}

pub async fn delete_exception(
    db: &mut WriteTx,
    office_id: &str,
    day: jiff::civil::Date,
) -> Result<bool> {
    let r = sqlx::query("DELETE FROM permit_office_exceptions WHERE office_id = $1 AND day = $2")
        .bind(office_id)
        .bind(day.to_string())
        .execute(db.raw())
        .await?;
    Ok(r.rows_affected() == 1)
}

pub async fn exceptions(db: &mut impl Conn, office_id: &str) -> Result<Vec<DateException>> {
    let rows = sqlx::query(
        "SELECT day, plan, reason FROM permit_office_exceptions WHERE office_id = $1 ORDER BY day",
    )
    .bind(office_id)
    .fetch_all(db.raw())
    .await?;
    rows.iter()
        .map(|r| {
            let plan: Option<String> = r.try_get(1)?;
            Ok(DateException {
                date: date(r, 0)?,
                plan: plan.map(|p| json("exception plan", &p)).transpose()?,
                reason: r.try_get(2)?,
            })
        })
        .collect()
}

fn decode_window(r: &AnyRow) -> Result<Window> {
    let items: String = r.try_get(3)?;
    Ok(Window {
        id: id(r, 0)?,
        office_id: id(r, 1)?,
        number: r.try_get(2)?,
        items: items
            .split(',')
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect(),
        open: r.try_get::<i32, _>(4)? != 0,
    })
}

/// Adds a window or replaces it (by id). Fails on a number the office already has.
pub async fn put_window(db: &mut WriteTx, w: &Window) -> Result<()> {
    sqlx::query(
        "INSERT INTO permit_windows (id, office_id, number, items, open) VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (id) DO UPDATE SET number = excluded.number, items = excluded.items, \
         open = excluded.open",
    )
    .bind(w.id.as_str())
    .bind(w.office_id.as_str())
    .bind(&w.number)
    .bind(w.items.join(","))
    .bind(flag(w.open))
    .execute(db.raw())
    .await?;
    Ok(())
}

pub async fn window(db: &mut impl Conn, window_id: &str) -> Result<Option<Window>> {
    let row =
        sqlx::query("SELECT id, office_id, number, items, open FROM permit_windows WHERE id = $1")
            .bind(window_id)
            .fetch_optional(db.raw())
            .await?;
    row.as_ref().map(decode_window).transpose()
}

/// An office's windows by number (numerically where they are numbers).
pub async fn windows(db: &mut impl Conn, office_id: &str) -> Result<Vec<Window>> {
    let rows = sqlx::query(
        "SELECT id, office_id, number, items, open FROM permit_windows WHERE office_id = $1 \
         ORDER BY LENGTH(number), number",
    )
    .bind(office_id)
    .fetch_all(db.raw())
    .await?;
    rows.iter().map(decode_window).collect()
}
