//! Online applications, their progress steps and material files. An application moves only
//! from the status the caller saw (a conditional update), so two clerks cannot both decide it.

use jiff::civil::Date;
use jingwu_permits::applications::ApplicationStatus;
use jingwu_permits::records::{Application, MaterialFile, Step};
use sqlx::Row;
use sqlx::any::AnyRow;

use super::{json, to_json};
use crate::conn::{Conn, sealed::Raw as _};
use crate::decode::{code, id, opt_date};
use crate::scope::like_prefix;
use crate::{Result, WriteTx};

const COLUMNS: &str = "a.id, a.org_id, a.office_id, a.item_code, a.applicant_id, a.details, \
     a.status, a.fee_fen, a.paid_at, a.refunded_at, a.address, a.submitted_at, a.accepted_on, \
     a.deadline, a.approved_on, a.mailed_on, a.tracking_no, a.created_at, a.updated_at, o.path";

fn decode(r: &AnyRow) -> Result<(Application, String)> {
    let details: String = r.try_get(5)?;
    Ok((
        Application {
            id: id(r, 0)?,
            org_id: id(r, 1)?,
            office_id: id(r, 2)?,
            item_code: r.try_get(3)?,
            applicant_id: id(r, 4)?,
            details: json("application details", &details)?,
            status: code(r, 6)?,
            fee: jingwu_permits::Fen(r.try_get(7)?),
            paid_at: r.try_get(8)?,
            refunded_at: r.try_get(9)?,
            address: r.try_get(10)?,
            submitted_at: r.try_get(11)?,
            accepted_on: opt_date(r, 12)?,
            deadline: opt_date(r, 13)?,
            approved_on: opt_date(r, 14)?,
            mailed_on: opt_date(r, 15)?,
            tracking_no: r.try_get(16)?,
            created_at: r.try_get(17)?,
            updated_at: r.try_get(18)?,
        },
        r.try_get(19)?,
    ))
}

fn day(d: Option<Date>) -> Option<String> {
    d.map(|d| d.to_string())
}

pub async fn insert_permit_application(db: &mut WriteTx, a: &Application) -> Result<()> {
    sqlx::query(
        "INSERT INTO permit_applications (id, org_id, office_id, item_code, applicant_id, details, \
         status, fee_fen, paid_at, refunded_at, address, submitted_at, accepted_on, deadline, \
         approved_on, mailed_on, tracking_no, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)",
    )
    .bind(a.id.as_str())
    .bind(a.org_id.as_str())
    .bind(a.office_id.as_str())
    .bind(&a.item_code)
    .bind(a.applicant_id.as_str())
    .bind(to_json(&a.details))
    .bind(a.status.as_str())
    .bind(a.fee.0)
    .bind(a.paid_at)
    .bind(a.refunded_at)
    .bind(a.address.clone())
    .bind(a.submitted_at)
    .bind(day(a.accepted_on))
    .bind(day(a.deadline))
    .bind(day(a.approved_on))
    .bind(day(a.mailed_on))
    .bind(a.tracking_no.clone())
    .bind(a.created_at)
    .bind(a.updated_at)
    .execute(db.raw())
    .await?;
    Ok(())
}

pub async fn permit_application(
    db: &mut impl Conn,
    id: &str,
) -> Result<Option<(Application, String)>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM permit_applications a JOIN org_units o ON o.id = a.org_id \
         WHERE a.id = $1"
    );
    let row = sqlx::query(&sql).bind(id).fetch_optional(db.raw()).await?;
    row.as_ref().map(decode).transpose()
}

/// A citizen's applications, newest first.
pub async fn permit_applications_of(
    db: &mut impl Conn,
    applicant_id: &str,
) -> Result<Vec<Application>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM permit_applications a JOIN org_units o ON o.id = a.org_id \
         WHERE a.applicant_id = $1 ORDER BY a.created_at DESC, a.id LIMIT 200"
    );
    let rows = sqlx::query(&sql)
        .bind(applicant_id)
        .fetch_all(db.raw())
        .await?;
    rows.iter().map(|r| decode(r).map(|(a, _)| a)).collect()
}

/// The clerks' queue under `path`: applications of the statuses given, the nearest deadline
/// first (not yet accepted ones, without a deadline, by submission).
pub async fn permit_applications_under(
    db: &mut impl Conn,
    path: &str,
    statuses: &[ApplicationStatus],
    limit: i64,
) -> Result<Vec<Application>> {
    let list: Vec<&str> = statuses.iter().map(|s| s.as_str()).collect();
    let sql = format!(
        "SELECT {COLUMNS} FROM permit_applications a JOIN org_units o ON o.id = a.org_id \
         WHERE o.path LIKE $1 AND (',' || $2 || ',') LIKE ('%,' || a.status || ',%') \
         ORDER BY CASE WHEN a.deadline IS NULL THEN 1 ELSE 0 END, a.deadline, a.submitted_at, a.id \
         LIMIT $3"
    );
    let rows = sqlx::query(&sql)
        .bind(like_prefix(path))
        .bind(list.join(","))
        .bind(limit)
        .fetch_all(db.raw())
        .await?;
    rows.iter().map(|r| decode(r).map(|(a, _)| a)).collect()
}

/// What a move of an application records besides its status.
#[derive(Debug, Clone, Default)]
pub struct ApplicationMove<'a> {
    pub details: Option<&'a serde_json::Map<String, serde_json::Value>>,
    pub address: Option<&'a str>,
    pub submitted_at: Option<i64>,
    pub accepted_on: Option<Date>,
    pub deadline: Option<Date>,
    pub approved_on: Option<Date>,
    pub mailed_on: Option<Date>,
    pub tracking_no: Option<&'a str>,
}

/// Moves an application from `from` to `to` (the same status to only edit it). False when it
/// was not in `from` any more.
pub async fn move_permit_application(
    db: &mut WriteTx,
    id: &str,
    from: ApplicationStatus,
    to: ApplicationStatus,
    m: &ApplicationMove<'_>,
    at: i64,
) -> Result<bool> {
    let r = sqlx::query(
        "UPDATE permit_applications SET status = $1, updated_at = $2, \
         details = COALESCE($3, details), address = COALESCE($4, address), \
         submitted_at = COALESCE($5, submitted_at), accepted_on = COALESCE($6, accepted_on), \
         deadline = COALESCE($7, deadline), approved_on = COALESCE($8, approved_on), \
         mailed_on = COALESCE($9, mailed_on), tracking_no = COALESCE($10, tracking_no) \
         WHERE id = $11 AND status = $12",
    )
    .bind(to.as_str())
    .bind(at)
    .bind(m.details.map(to_json))
    .bind(m.address.map(str::to_owned))
    .bind(m.submitted_at)
    .bind(day(m.accepted_on))
    .bind(day(m.deadline))
    .bind(day(m.approved_on))
    .bind(day(m.mailed_on))
    .bind(m.tracking_no.map(str::to_owned))
    .bind(id)
    .bind(from.as_str())
    .execute(db.raw())
    .await?;
    Ok(r.rows_affected() == 1)
}

/// Records the fee paid. False when it was paid already, or the application was closed
/// meanwhile (withdrawn, rejected, delivered): the payment service then records the order as
/// one to refund.
pub async fn pay_permit_application(db: &mut WriteTx, id: &str, at: i64) -> Result<bool> {
    let r = sqlx::query(
        "UPDATE permit_applications SET paid_at = $1 WHERE id = $2 AND paid_at IS NULL \
         AND status NOT IN ('withdrawn', 'rejected', 'delivered')",
    )
    .bind(at)
    .bind(id)
    .execute(db.raw())
    .await?;
    Ok(r.rows_affected() == 1)
}

/// Records the fee refunded, once the channel has paid it back (the refund of a rejected or
/// withdrawn application). False when there was nothing to refund or it was recorded before.
pub async fn refund_permit_application(db: &mut WriteTx, id: &str, at: i64) -> Result<bool> {
    let r = sqlx::query(
        "UPDATE permit_applications SET refunded_at = $1 WHERE id = $2 AND paid_at IS NOT NULL \
         AND refunded_at IS NULL",
    )
    .bind(at)
    .bind(id)
    .execute(db.raw())
    .await?;
    Ok(r.rows_affected() == 1)
}

pub async fn insert_permit_step(db: &mut WriteTx, s: &Step) -> Result<()> {
    sqlx::query(
        "INSERT INTO permit_application_steps (id, application_id, status, actor_id, note, at) \
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

pub async fn permit_steps(db: &mut impl Conn, application_id: &str) -> Result<Vec<Step>> {
    let rows = sqlx::query(
        "SELECT id, application_id, status, actor_id, note, at FROM permit_application_steps \
         WHERE application_id = $1 ORDER BY at, id",
    )
    .bind(application_id)
    .fetch_all(db.raw())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Step {
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

/// Attaches a material file, replacing an earlier one of the same code.
pub async fn put_material(db: &mut WriteTx, m: &MaterialFile) -> Result<()> {
    sqlx::query(
        "INSERT INTO permit_materials (application_id, code, sha256, filename, content_type, size, \
         uploaded_at) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (application_id, code) \
         DO UPDATE SET sha256 = excluded.sha256, filename = excluded.filename, \
         content_type = excluded.content_type, size = excluded.size, \
         uploaded_at = excluded.uploaded_at",
    )
    .bind(m.application_id.as_str())
    .bind(&m.code)
    .bind(&m.sha256)
    .bind(&m.filename)
    .bind(&m.content_type)
    .bind(m.size)
    .bind(m.uploaded_at)
    .execute(db.raw())
    .await?;
    Ok(())
}

pub async fn materials(db: &mut impl Conn, application_id: &str) -> Result<Vec<MaterialFile>> {
    let rows = sqlx::query(
        "SELECT application_id, code, sha256, filename, content_type, size, uploaded_at \
         FROM permit_materials WHERE application_id = $1 ORDER BY code",
    )
    .bind(application_id)
    .fetch_all(db.raw())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(MaterialFile {
                application_id: id(r, 0)?,
                code: r.try_get(1)?,
                sha256: r.try_get(2)?,
                filename: r.try_get(3)?,
                content_type: r.try_get(4)?,
                size: r.try_get(5)?,
                uploaded_at: r.try_get(6)?,
            })
        })
        .collect()
}

/// One material file of an application.
pub async fn material(
    db: &mut impl Conn,
    application_id: &str,
    code: &str,
) -> Result<Option<MaterialFile>> {
    Ok(materials(db, application_id)
        .await?
        .into_iter()
        .find(|m| m.code == code))
}
