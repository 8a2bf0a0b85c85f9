//! The catalogue of approval items and the working-day calendar.

use jingwu_permits::catalogue::Item;
use jingwu_permits::workdays::Holiday;
use sqlx::Row;
use sqlx::any::AnyRow;

use super::{flag, json, to_json};
use crate::conn::{Conn, sealed::Raw as _};
use crate::decode::{code, date};
use crate::{Result, WriteTx};

const COLUMNS: &str = "code, name_zh, name_en, department, legal_basis, materials, fee_fen, \
     time_limit_days, online, appointment, self_service, mailed, refund_on_reject, prefix, forms, \
     retired";

fn decode(r: &AnyRow) -> Result<Item> {
    let materials: String = r.try_get(5)?;
    let forms: String = r.try_get(14)?;
    let prefix: String = r.try_get(13)?;
    let limit: i32 = r.try_get(7)?;
    Ok(Item {
        code: r.try_get(0)?,
        name_zh: r.try_get(1)?,
        name_en: r.try_get(2)?,
        department: code(r, 3)?,
        legal_basis: r.try_get(4)?,
        materials: json("item materials", &materials)?,
        fee: jingwu_permits::Fen(r.try_get(6)?),
        time_limit_days: u16::try_from(limit).unwrap_or(0),
        online: r.try_get::<i32, _>(8)? != 0,
        appointment: r.try_get::<i32, _>(9)? != 0,
        self_service: r.try_get::<i32, _>(10)? != 0,
        mailed: r.try_get::<i32, _>(11)? != 0,
        refund_on_reject: r.try_get::<i32, _>(12)? != 0,
        prefix: prefix.chars().next().unwrap_or('A'),
        forms: json("item forms", &forms)?,
        retired: r.try_get::<i32, _>(15)? != 0,
    })
}

/// Adds an item, or replaces the one with its code. Returns whether it was new.
pub async fn put_item(db: &mut WriteTx, i: &Item, now: i64) -> Result<bool> {
    let existed = item(db, &i.code).await?.is_some();
    sqlx::query(
        "INSERT INTO permit_items (code, name_zh, name_en, department, legal_basis, materials, \
         fee_fen, time_limit_days, online, appointment, self_service, mailed, refund_on_reject, \
         prefix, forms, retired, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17) \
         ON CONFLICT (code) DO UPDATE SET name_zh = excluded.name_zh, name_en = excluded.name_en, \
         department = excluded.department, legal_basis = excluded.legal_basis, \
         materials = excluded.materials, fee_fen = excluded.fee_fen, \
         time_limit_days = excluded.time_limit_days, online = excluded.online, \
         appointment = excluded.appointment, self_service = excluded.self_service, \
         mailed = excluded.mailed, refund_on_reject = excluded.refund_on_reject, \
         prefix = excluded.prefix, forms = excluded.forms, retired = excluded.retired, \
         updated_at = excluded.updated_at",
    )
    .bind(&i.code)
    .bind(&i.name_zh)
    .bind(&i.name_en)
    .bind(i.department.as_str())
    .bind(&i.legal_basis)
    .bind(to_json(&i.materials))
    .bind(i.fee.0)
    .bind(i32::from(i.time_limit_days))
    .bind(flag(i.online))
    .bind(flag(i.appointment))
    .bind(flag(i.self_service))
    .bind(flag(i.mailed))
    .bind(flag(i.refund_on_reject))
    .bind(i.prefix.to_string())
    .bind(to_json(&i.forms))
    .bind(flag(i.retired))
    .bind(now)
    .execute(db.raw())
    .await?;
    Ok(!existed)
}

pub async fn item(db: &mut impl Conn, code: &str) -> Result<Option<Item>> {
    let sql = format!("SELECT {COLUMNS} FROM permit_items WHERE code = $1");
    let row = sqlx::query(&sql)
        .bind(code)
        .fetch_optional(db.raw())
        .await?;
    row.as_ref().map(decode).transpose()
}

/// The whole catalogue in code order (retired items too: the caller filters).
pub async fn items(db: &mut impl Conn) -> Result<Vec<Item>> {
    let sql = format!("SELECT {COLUMNS} FROM permit_items ORDER BY code");
    let rows = sqlx::query(&sql).fetch_all(db.raw()).await?;
    rows.iter().map(decode).collect()
}

pub async fn put_holiday(db: &mut WriteTx, h: &Holiday) -> Result<()> {
    sqlx::query(
        "INSERT INTO permit_holidays (day, kind, name) VALUES ($1, $2, $3) \
         ON CONFLICT (day) DO UPDATE SET kind = excluded.kind, name = excluded.name",
    )
    .bind(h.date.to_string())
    .bind(h.kind.as_str())
    .bind(&h.name)
    .execute(db.raw())
    .await?;
    Ok(())
}

pub async fn delete_holiday(db: &mut WriteTx, day: jiff::civil::Date) -> Result<bool> {
    let r = sqlx::query("DELETE FROM permit_holidays WHERE day = $1")
        .bind(day.to_string())
        .execute(db.raw())
        .await?;
    Ok(r.rows_affected() == 1)
}

pub async fn holidays(db: &mut impl Conn) -> Result<Vec<Holiday>> {
    let rows = sqlx::query("SELECT day, kind, name FROM permit_holidays ORDER BY day")
        .fetch_all(db.raw())
        .await?;
    rows.iter()
        .map(|r| {
            Ok(Holiday {
                date: date(r, 0)?,
                kind: code(r, 1)?,
                name: r.try_get(2)?,
            })
        })
        .collect()
}
