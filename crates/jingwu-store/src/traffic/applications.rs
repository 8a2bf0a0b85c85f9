//! Applications for vehicle and driver services, their progress steps and plate holds. An
//! application moves only from the status the caller saw (a conditional update), so two
//! reviewers cannot both decide it.

pub use jingwu_traffic::records::{Application, ApplicationId, ApplicationStep, ApplicationStepId};

use jingwu_traffic::services::ApplicationStatus;
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::conn::{Conn, sealed::Raw as _};
use crate::decode::{code, id};
use crate::scope::like_prefix;
use crate::{Result, WriteTx};

const COLUMNS: &str = "a.id, a.org_id, a.applicant_id, a.service, a.plate, a.details, a.materials, \
     a.address, a.fee_fen, a.paid_at, a.status, a.tracking_no, a.created_at, a.updated_at, o.path";

fn decode(r: &AnyRow) -> Result<(Application, String)> {
    let materials: String = r.try_get(6)?;
    Ok((
        Application {
            id: id(r, 0)?,
            org_id: id(r, 1)?,
            applicant_id: id(r, 2)?,
            service: code(r, 3)?,
            plate: r.try_get(4)?,
            details: r.try_get(5)?,
            materials: materials
                .split(',')
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect(),
            address: r.try_get(7)?,
            fee: jingwu_payments::Fen(r.try_get(8)?),
            paid_at: r.try_get(9)?,
            status: code(r, 10)?,
            tracking_no: r.try_get(11)?,
            created_at: r.try_get(12)?,
            updated_at: r.try_get(13)?,
        },
        r.try_get(14)?,
    ))
}

pub async fn insert_application(db: &mut WriteTx, a: &Application) -> Result<()> {
    sqlx::query(
        "INSERT INTO traffic_applications (id, org_id, applicant_id, service, plate, details, \
         materials, address, fee_fen, paid_at, status, tracking_no, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
    )
    .bind(a.id.as_str())
    .bind(a.org_id.as_str())
    .bind(a.applicant_id.as_str())
    .bind(a.service.as_str())
    .bind(a.plate.clone())
    .bind(&a.details)
    .bind(a.materials.join(","))
    .bind(a.address.clone())
    .bind(a.fee.0)
    .bind(a.paid_at)
    .bind(a.status.as_str())
    .bind(a.tracking_no.clone())
    .bind(a.created_at)
    .bind(a.updated_at)
    .execute(db.raw())
    .await?;
    Ok(())
}

pub async fn application(db: &mut impl Conn, id: &str) -> Result<Option<(Application, String)>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM traffic_applications a JOIN org_units o ON o.id = a.org_id \
         WHERE a.id = $1"
    );
    let row = sqlx::query(&sql).bind(id).fetch_optional(db.raw()).await?;
    row.as_ref().map(decode).transpose()
}

/// A citizen's applications, newest first.
pub async fn applications_of(db: &mut impl Conn, applicant_id: &str) -> Result<Vec<Application>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM traffic_applications a JOIN org_units o ON o.id = a.org_id \
         WHERE a.applicant_id = $1 ORDER BY a.created_at DESC, a.id LIMIT 200"
    );
    let rows = sqlx::query(&sql)
        .bind(applicant_id)
        .fetch_all(db.raw())
        .await?;
    rows.iter().map(|r| decode(r).map(|(a, _)| a)).collect()
}

/// Applications under `path`, optionally of one status, oldest first (the clerks' queue).
pub async fn applications_under(
    db: &mut impl Conn,
    path: &str,
    status: Option<ApplicationStatus>,
    limit: i64,
) -> Result<Vec<Application>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM traffic_applications a JOIN org_units o ON o.id = a.org_id \
         WHERE o.path LIKE $1 AND ($2 = '' OR a.status = $3) ORDER BY a.created_at, a.id LIMIT $4"
    );
    let s = status.map_or("", |s| s.as_str());
    let rows = sqlx::query(&sql)
        .bind(like_prefix(path))
        .bind(s)
        .bind(s)
        .bind(limit)
        .fetch_all(db.raw())
        .await?;
    rows.iter().map(|r| decode(r).map(|(a, _)| a)).collect()
}

/// Moves an application from `from` to `to` (with the tracking number when posted). False when
/// it was not in `from` any more.
pub async fn move_application(
    db: &mut WriteTx,
    id: &str,
    from: ApplicationStatus,
    to: ApplicationStatus,
    tracking_no: Option<&str>,
    at: i64,
) -> Result<bool> {
    let r = sqlx::query(
        "UPDATE traffic_applications SET status = $1, updated_at = $2, \
         tracking_no = COALESCE($3, tracking_no) WHERE id = $4 AND status = $5",
    )
    .bind(to.as_str())
    .bind(at)
    .bind(tracking_no.map(str::to_owned))
    .bind(id)
    .bind(from.as_str())
    .execute(db.raw())
    .await?;
    Ok(r.rows_affected() == 1)
}

/// Records the fee paid. False when it was paid already.
pub async fn pay_application(db: &mut WriteTx, id: &str, at: i64) -> Result<bool> {
    let r = sqlx::query(
        "UPDATE traffic_applications SET paid_at = $1 WHERE id = $2 AND paid_at IS NULL",
    )
    .bind(at)
    .bind(id)
    .execute(db.raw())
    .await?;
    Ok(r.rows_affected() == 1)
}

pub async fn insert_step(db: &mut WriteTx, s: &ApplicationStep) -> Result<()> {
    sqlx::query(
        "INSERT INTO traffic_application_steps (id, application_id, status, actor_id, note, at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(s.id.as_str())
    .bind(s.application_id.as_str())
    .bind(s.status.as_str())
    .bind(s.actor_id.as_str())
    .bind(&s.note)
    .bind(s.at)
    .execute(db.raw())
    .await?;
    Ok(())
}

pub async fn steps(db: &mut impl Conn, application_id: &str) -> Result<Vec<ApplicationStep>> {
    let rows = sqlx::query(
        "SELECT id, application_id, status, actor_id, note, at FROM traffic_application_steps \
         WHERE application_id = $1 ORDER BY at, id",
    )
    .bind(application_id)
    .fetch_all(db.raw())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(ApplicationStep {
                id: id(r, 0)?,
                application_id: id(r, 1)?,
                status: code(r, 2)?,
                actor_id: id(r, 3)?,
                note: r.try_get(4)?,
                at: r.try_get(5)?,
            })
        })
        .collect()
}

/// Holds a plate for an application until `until`, taking over a lapsed hold. False when
/// another application holds it.
pub async fn hold_plate(
    db: &mut WriteTx,
    plate: &str,
    application_id: &str,
    now: i64,
    until: i64,
) -> Result<bool> {
    sqlx::query("DELETE FROM traffic_plate_holds WHERE plate = $1 AND held_until <= $2")
        .bind(plate)
        .bind(now)
        .execute(db.raw())
        .await?;
    let taken: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM traffic_plate_holds WHERE plate = $1")
            .bind(plate)
            .fetch_one(db.raw())
            .await?;
    if taken > 0 {
        return Ok(false);
    }
    sqlx::query(
        "INSERT INTO traffic_plate_holds (plate, application_id, held_until) VALUES ($1, $2, $3)",
    )
    .bind(plate)
    .bind(application_id)
    .bind(until)
    .execute(db.raw())
    .await?;
    Ok(true)
}

/// Plates held at `now` (not lapsed).
pub async fn held_plates(db: &mut impl Conn, now: i64) -> Result<Vec<String>> {
    Ok(
        sqlx::query_scalar("SELECT plate FROM traffic_plate_holds WHERE held_until > $1")
            .bind(now)
            .fetch_all(db.raw())
            .await?,
    )
}

/// Releases the plate an application held (withdrawn or rejected).
pub async fn release_plate(db: &mut WriteTx, application_id: &str) -> Result<()> {
    sqlx::query("DELETE FROM traffic_plate_holds WHERE application_id = $1")
        .bind(application_id)
        .execute(db.raw())
        .await?;
    Ok(())
}
