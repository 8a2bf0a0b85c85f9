//! The shared uploads service's tables: resumable uploads and content-addressed objects
//! (their bytes are in [`blobs`]). Scene media use it today; evidence and application
//! materials will. What a piece of content is attached to belongs to each system
//! (`command::media` links it to incidents).

pub mod blobs;

pub use jingwu_core::records::{MediaObject, Upload, UploadStatus};

use crate::decode::{code, id, opt_id};

use sqlx::{Row, any::AnyRow};

use crate::Result;
use crate::conn::{Conn, sealed::Raw as _};
use crate::{TelemetryTx, WriteTx};

const UPLOAD_COLUMNS: &str = "id, incident_id, unit_id, uploader_id, file_name, content_type, \
    total_size, sha256, chunk_size, received_bytes, status, created_at, completed_at, org_path";

fn upload_from_row(r: &AnyRow) -> Result<Upload> {
    Ok(Upload {
        id: id(r, 0)?,
        incident_id: id(r, 1)?,
        unit_id: opt_id(r, 2)?,
        uploader_id: id(r, 3)?,
        file_name: r.try_get(4)?,
        content_type: r.try_get(5)?,
        total_size: r.try_get(6)?,
        sha256: r.try_get(7)?,
        chunk_size: r.try_get(8)?,
        received_bytes: r.try_get(9)?,
        status: code(r, 10)?,
        created_at: r.try_get(11)?,
        completed_at: r.try_get(12)?,
        org_path: r.try_get(13)?,
    })
}

pub async fn insert_upload(db: &mut WriteTx, u: &Upload) -> Result<()> {
    let conn = db.raw();
    let sql = format!(
        "INSERT INTO media_uploads ({UPLOAD_COLUMNS}) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)"
    );
    sqlx::query(&sql)
        .bind(u.id.as_str())
        .bind(u.incident_id.as_str())
        .bind(u.unit_id.as_ref().map(|v| v.as_str()))
        .bind(u.uploader_id.as_str())
        .bind(&u.file_name)
        .bind(&u.content_type)
        .bind(u.total_size)
        .bind(&u.sha256)
        .bind(u.chunk_size)
        .bind(u.received_bytes)
        .bind(u.status.as_str())
        .bind(u.created_at)
        .bind(u.completed_at)
        .bind(&u.org_path)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn get_upload(db: &mut impl Conn, id: &str) -> Result<Option<Upload>> {
    let conn = db.raw();
    let sql = format!("SELECT {UPLOAD_COLUMNS} FROM media_uploads WHERE id = $1");
    let row = sqlx::query(&sql).bind(id).fetch_optional(conn).await?;
    row.as_ref().map(upload_from_row).transpose()
}

/// Advances an open upload from `from` to `to` received bytes; false when it was no longer
/// open at `from` (another request got there first).
pub async fn advance_upload(db: &mut TelemetryTx, id: &str, from: i64, to: i64) -> Result<bool> {
    let conn = db.raw();
    let done = sqlx::query(
        "UPDATE media_uploads SET received_bytes = $1 \
         WHERE id = $2 AND received_bytes = $3 AND status = 'open'",
    )
    .bind(to)
    .bind(id)
    .bind(from)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Closes an open upload as `complete` or `aborted`; false when it was not open.
pub async fn finish_upload(
    db: &mut WriteTx,
    id: &str,
    status: UploadStatus,
    at: i64,
) -> Result<bool> {
    let conn = db.raw();
    let done = sqlx::query(
        "UPDATE media_uploads SET status = $1, completed_at = $2 WHERE id = $3 AND status = 'open'",
    )
    .bind(status.as_str())
    .bind(at)
    .bind(id)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Records stored content; content already recorded keeps its first row.
pub async fn insert_object(db: &mut WriteTx, o: &MediaObject) -> Result<()> {
    let conn = db.raw();
    sqlx::query(
        "INSERT INTO media_objects (sha256, size, content_type, stored_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (sha256) DO NOTHING",
    )
    .bind(&o.sha256)
    .bind(o.size)
    .bind(&o.content_type)
    .bind(o.stored_at)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn get_object(db: &mut impl Conn, sha256: &str) -> Result<Option<MediaObject>> {
    let conn = db.raw();
    let row = sqlx::query(
        "SELECT sha256, size, content_type, stored_at FROM media_objects WHERE sha256 = $1",
    )
    .bind(sha256)
    .fetch_optional(conn)
    .await?;
    row.map(|r| {
        Ok(MediaObject {
            sha256: r.try_get(0)?,
            size: r.try_get(1)?,
            content_type: r.try_get(2)?,
            stored_at: r.try_get(3)?,
        })
    })
    .transpose()
}
