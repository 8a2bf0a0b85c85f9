//! Storage of scene media: resumable uploads, content-addressed objects (their bytes are in
//! [`crate::blobs`]) and links between incidents and content.

use sqlx::{AnyConnection, Row, any::AnyRow};

use crate::Result;

#[derive(Debug, Clone, PartialEq)]
pub struct Upload {
    pub id: String,
    pub incident_id: String,
    pub unit_id: Option<String>,
    pub uploader_id: String,
    pub file_name: String,
    pub content_type: String,
    pub total_size: i64,
    /// Declared SHA-256 of the whole file (lowercase hex).
    pub sha256: String,
    pub chunk_size: i64,
    pub received_bytes: i64,
    /// `open`, `complete` or `aborted`.
    pub status: String,
    pub created_at: i64,
    pub completed_at: Option<i64>,
    pub org_path: String,
}

const UPLOAD_COLUMNS: &str = "id, incident_id, unit_id, uploader_id, file_name, content_type, \
    total_size, sha256, chunk_size, received_bytes, status, created_at, completed_at, org_path";

fn upload_from_row(r: &AnyRow) -> Result<Upload> {
    Ok(Upload {
        id: r.try_get(0)?,
        incident_id: r.try_get(1)?,
        unit_id: r.try_get(2)?,
        uploader_id: r.try_get(3)?,
        file_name: r.try_get(4)?,
        content_type: r.try_get(5)?,
        total_size: r.try_get(6)?,
        sha256: r.try_get(7)?,
        chunk_size: r.try_get(8)?,
        received_bytes: r.try_get(9)?,
        status: r.try_get(10)?,
        created_at: r.try_get(11)?,
        completed_at: r.try_get(12)?,
        org_path: r.try_get(13)?,
    })
}

pub async fn insert_upload(conn: &mut AnyConnection, u: &Upload) -> Result<()> {
    let sql = format!(
        "INSERT INTO media_uploads ({UPLOAD_COLUMNS}) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)"
    );
    sqlx::query(&sql)
        .bind(&u.id)
        .bind(&u.incident_id)
        .bind(&u.unit_id)
        .bind(&u.uploader_id)
        .bind(&u.file_name)
        .bind(&u.content_type)
        .bind(u.total_size)
        .bind(&u.sha256)
        .bind(u.chunk_size)
        .bind(u.received_bytes)
        .bind(&u.status)
        .bind(u.created_at)
        .bind(u.completed_at)
        .bind(&u.org_path)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn get_upload(conn: &mut AnyConnection, id: &str) -> Result<Option<Upload>> {
    let sql = format!("SELECT {UPLOAD_COLUMNS} FROM media_uploads WHERE id = $1");
    let row = sqlx::query(&sql).bind(id).fetch_optional(conn).await?;
    row.as_ref().map(upload_from_row).transpose()
}

/// Advances an open upload from `from` to `to` received bytes; false when it was no longer
/// open at `from` (another request got there first).
pub async fn advance_upload(
    conn: &mut AnyConnection,
    id: &str,
    from: i64,
    to: i64,
) -> Result<bool> {
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
    conn: &mut AnyConnection,
    id: &str,
    status: &str,
    at: i64,
) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE media_uploads SET status = $1, completed_at = $2 WHERE id = $3 AND status = 'open'",
    )
    .bind(status)
    .bind(at)
    .bind(id)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

#[derive(Debug, Clone, PartialEq)]
pub struct MediaObject {
    pub sha256: String,
    pub size: i64,
    pub content_type: String,
    pub stored_at: i64,
}

/// Records stored content; content already recorded keeps its first row.
pub async fn insert_object(conn: &mut AnyConnection, o: &MediaObject) -> Result<()> {
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

pub async fn get_object(conn: &mut AnyConnection, sha256: &str) -> Result<Option<MediaObject>> {
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

#[derive(Debug, Clone, PartialEq)]
pub struct Link {
    pub incident_id: String,
    pub sha256: String,
    pub upload_id: String,
    /// `photo` or `video`.
    pub kind: String,
    pub added_by: String,
    pub added_at: i64,
}

/// Links content to an incident; false when that incident already shows this content.
pub async fn link(conn: &mut AnyConnection, l: &Link) -> Result<bool> {
    let done = sqlx::query(
        "INSERT INTO incident_media (incident_id, sha256, upload_id, kind, added_by, added_at) \
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (incident_id, sha256) DO NOTHING",
    )
    .bind(&l.incident_id)
    .bind(&l.sha256)
    .bind(&l.upload_id)
    .bind(&l.kind)
    .bind(&l.added_by)
    .bind(l.added_at)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// An incident's media with what the upload declared, oldest first.
#[derive(Debug, Clone, PartialEq)]
pub struct IncidentMedia {
    pub link: Link,
    pub file_name: String,
    pub content_type: String,
    pub size: i64,
}

pub async fn media_of(conn: &mut AnyConnection, incident_id: &str) -> Result<Vec<IncidentMedia>> {
    let rows = sqlx::query(
        "SELECT m.incident_id, m.sha256, m.upload_id, m.kind, m.added_by, m.added_at, \
         u.file_name, o.content_type, o.size FROM incident_media m \
         JOIN media_uploads u ON u.id = m.upload_id JOIN media_objects o ON o.sha256 = m.sha256 \
         WHERE m.incident_id = $1 ORDER BY m.added_at, m.sha256",
    )
    .bind(incident_id)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(IncidentMedia {
                link: Link {
                    incident_id: r.try_get(0)?,
                    sha256: r.try_get(1)?,
                    upload_id: r.try_get(2)?,
                    kind: r.try_get(3)?,
                    added_by: r.try_get(4)?,
                    added_at: r.try_get(5)?,
                },
                file_name: r.try_get(6)?,
                content_type: r.try_get(7)?,
                size: r.try_get(8)?,
            })
        })
        .collect()
}

/// Incidents that show this content (whoever may see one of them may fetch it).
pub async fn incidents_showing(conn: &mut AnyConnection, sha256: &str) -> Result<Vec<String>> {
    let rows = sqlx::query(
        "SELECT incident_id FROM incident_media WHERE sha256 = $1 ORDER BY added_at, incident_id",
    )
    .bind(sha256)
    .fetch_all(conn)
    .await?;
    rows.iter().map(|r| Ok(r.try_get(0)?)).collect()
}

/// How many scene photos an incident shows (the compliance rule's "at least one photo").
pub async fn count_photos(conn: &mut AnyConnection, incident_id: &str) -> Result<i64> {
    let row = sqlx::query(
        "SELECT COUNT(*) FROM incident_media WHERE incident_id = $1 AND kind = 'photo'",
    )
    .bind(incident_id)
    .fetch_one(conn)
    .await?;
    Ok(row.try_get(0)?)
}

impl crate::Store {
    /// Records an upload's progress after its chunk is on disk, outside the audited write path:
    /// a chunk is transport progress, not a decision; the upload's opening and its outcome
    /// (content linked to the incident, or aborted) are audited.
    pub async fn advance_upload(&self, id: &str, from: i64, to: i64) -> Result<bool> {
        let mut conn = self.conn().await?;
        advance_upload(&mut conn, id, from, to).await
    }
}
