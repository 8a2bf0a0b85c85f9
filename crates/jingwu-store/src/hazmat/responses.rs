//! Responses to releases: the response, its linkage steps, field readings and CAP alerts.

pub use jingwu_hazmat::records::{
    CapAlertId, CapAlertRecord, Reading, ReadingId, Response, ResponseId, StepDone,
};

use sqlx::Row;
use sqlx::any::AnyRow;

use crate::conn::{Conn, sealed::Raw as _};
use crate::decode::{code, id, opt_id};
use crate::scope::like_prefix;
use crate::{Result, WriteTx};

pub async fn insert_response(db: &mut WriteTx, r: &Response) -> Result<()> {
    sqlx::query(
        "INSERT INTO hazmat_responses (id, org_id, incident_id, enterprise_id, title, chemical_id, \
         lat, lon, release_kind, amount, height_m, spill, sigma_set, terrain, level, alarm_at, \
         created_at, created_by, closed_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, \
         $12, $13, $14, $15, $16, $17, $18, $19)",
    )
    .bind(r.id.as_str())
    .bind(r.org_id.as_str())
    .bind(r.incident_id.as_ref().map(|i| i.as_str().to_owned()))
    .bind(r.enterprise_id.as_ref().map(|i| i.as_str().to_owned()))
    .bind(&r.title)
    .bind(r.chemical_id.as_str())
    .bind(r.lat)
    .bind(r.lon)
    .bind(r.release_kind.as_str())
    .bind(r.amount)
    .bind(r.height_m)
    .bind(r.spill.as_str())
    .bind(r.sigma_set.as_str())
    .bind(r.terrain.as_str())
    .bind(r.level.as_str())
    .bind(r.alarm_at)
    .bind(r.created_at)
    .bind(r.created_by.as_str())
    .bind(r.closed_at)
    .execute(db.raw())
    .await?;
    Ok(())
}

const COLUMNS: &str = "r.id, r.org_id, r.incident_id, r.enterprise_id, r.title, r.chemical_id, \
     r.lat, r.lon, r.release_kind, r.amount, r.height_m, r.spill, r.sigma_set, r.terrain, \
     r.level, r.alarm_at, r.created_at, r.created_by, r.closed_at, o.path";

fn decode(r: &AnyRow) -> Result<(Response, String)> {
    Ok((
        Response {
            id: id(r, 0)?,
            org_id: id(r, 1)?,
            incident_id: opt_id(r, 2)?,
            enterprise_id: opt_id(r, 3)?,
            title: r.try_get(4)?,
            chemical_id: id(r, 5)?,
            lat: r.try_get(6)?,
            lon: r.try_get(7)?,
            release_kind: code(r, 8)?,
            amount: r.try_get(9)?,
            height_m: r.try_get(10)?,
            spill: code(r, 11)?,
            sigma_set: code(r, 12)?,
            terrain: code(r, 13)?,
            level: code(r, 14)?,
            alarm_at: r.try_get(15)?,
            created_at: r.try_get(16)?,
            created_by: id(r, 17)?,
            closed_at: r.try_get(18)?,
        },
        r.try_get(19)?,
    ))
}

/// One response with the path of its org unit.
pub async fn response(db: &mut impl Conn, response_id: &str) -> Result<Option<(Response, String)>> {
    let row = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM hazmat_responses r JOIN org_units o ON o.id = r.org_id \
         WHERE r.id = $1"
    ))
    .bind(response_id)
    .fetch_optional(db.raw())
    .await?;
    row.as_ref().map(decode).transpose()
}

/// The responses under `path`, open ones first, newest first.
pub async fn responses_under(db: &mut impl Conn, path: &str, limit: i64) -> Result<Vec<Response>> {
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM hazmat_responses r JOIN org_units o ON o.id = r.org_id \
         WHERE o.path LIKE $1 ORDER BY (CASE WHEN r.closed_at IS NULL THEN 0 ELSE 1 END), \
         r.created_at DESC LIMIT $2"
    ))
    .bind(like_prefix(path))
    .bind(limit)
    .fetch_all(db.raw())
    .await?;
    rows.iter().map(|r| decode(r).map(|(x, _)| x)).collect()
}

pub async fn set_response_level(db: &mut WriteTx, response_id: &str, level: &str) -> Result<()> {
    sqlx::query("UPDATE hazmat_responses SET level = $1 WHERE id = $2")
        .bind(level)
        .bind(response_id)
        .execute(db.raw())
        .await?;
    Ok(())
}

/// Closes an open response (false if it was closed already).
pub async fn close_response(db: &mut WriteTx, response_id: &str, at: i64) -> Result<bool> {
    let r = sqlx::query(
        "UPDATE hazmat_responses SET closed_at = $1 WHERE id = $2 AND closed_at IS NULL",
    )
    .bind(at)
    .bind(response_id)
    .execute(db.raw())
    .await?;
    Ok(r.rows_affected() == 1)
}

/// Records a linkage step; the primary key makes a step happen once.
pub async fn insert_step(db: &mut WriteTx, response_id: &str, s: &StepDone) -> Result<()> {
    sqlx::query(
        "INSERT INTO hazmat_linkage_steps (response_id, step, done_at, actor_id, note) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(response_id)
    .bind(s.step.as_str())
    .bind(s.done_at)
    .bind(s.actor_id.as_str())
    .bind(&s.note)
    .execute(db.raw())
    .await?;
    Ok(())
}

pub async fn steps(db: &mut impl Conn, response_id: &str) -> Result<Vec<StepDone>> {
    let rows = sqlx::query(
        "SELECT step, done_at, actor_id, note FROM hazmat_linkage_steps WHERE response_id = $1 \
         ORDER BY done_at",
    )
    .bind(response_id)
    .fetch_all(db.raw())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(StepDone {
                step: code(r, 0)?,
                done_at: r.try_get(1)?,
                actor_id: id(r, 2)?,
                note: r.try_get(3)?,
            })
        })
        .collect()
}

pub async fn insert_reading(db: &mut WriteTx, x: &Reading) -> Result<()> {
    sqlx::query(
        "INSERT INTO hazmat_readings (id, response_id, at, lat, lon, ppm, source, reported_by) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(x.id.as_str())
    .bind(x.response_id.as_str())
    .bind(x.at)
    .bind(x.lat)
    .bind(x.lon)
    .bind(x.ppm)
    .bind(x.source.as_str())
    .bind(x.reported_by.as_str())
    .execute(db.raw())
    .await?;
    Ok(())
}

pub async fn readings(db: &mut impl Conn, response_id: &str) -> Result<Vec<Reading>> {
    let rows = sqlx::query(
        "SELECT id, response_id, at, lat, lon, ppm, source, reported_by FROM hazmat_readings \
         WHERE response_id = $1 ORDER BY at, id",
    )
    .bind(response_id)
    .fetch_all(db.raw())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Reading {
                id: id(r, 0)?,
                response_id: id(r, 1)?,
                at: r.try_get(2)?,
                lat: r.try_get(3)?,
                lon: r.try_get(4)?,
                ppm: r.try_get(5)?,
                source: code(r, 6)?,
                reported_by: id(r, 7)?,
            })
        })
        .collect()
}

pub async fn insert_cap_alert(db: &mut WriteTx, a: &CapAlertRecord) -> Result<()> {
    sqlx::query(
        "INSERT INTO cap_alerts (id, response_id, identifier, msg_type, sent_at, xml) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(a.id.as_str())
    .bind(a.response_id.as_str())
    .bind(&a.identifier)
    .bind(&a.msg_type)
    .bind(a.sent_at)
    .bind(&a.xml)
    .execute(db.raw())
    .await?;
    Ok(())
}

pub async fn cap_alert(db: &mut impl Conn, alert_id: &str) -> Result<Option<CapAlertRecord>> {
    let row = sqlx::query(
        "SELECT id, response_id, identifier, msg_type, sent_at, xml FROM cap_alerts WHERE id = $1",
    )
    .bind(alert_id)
    .fetch_optional(db.raw())
    .await?;
    row.as_ref().map(alert).transpose()
}

fn alert(r: &AnyRow) -> Result<CapAlertRecord> {
    Ok(CapAlertRecord {
        id: id(r, 0)?,
        response_id: id(r, 1)?,
        identifier: r.try_get(2)?,
        msg_type: r.try_get(3)?,
        sent_at: r.try_get(4)?,
        xml: r.try_get(5)?,
    })
}

/// The alerts issued for a response, oldest first.
pub async fn cap_alerts(db: &mut impl Conn, response_id: &str) -> Result<Vec<CapAlertRecord>> {
    let rows = sqlx::query(
        "SELECT id, response_id, identifier, msg_type, sent_at, xml FROM cap_alerts \
         WHERE response_id = $1 ORDER BY sent_at, id",
    )
    .bind(response_id)
    .fetch_all(db.raw())
    .await?;
    rows.iter().map(alert).collect()
}
