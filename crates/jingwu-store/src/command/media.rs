//! Links between incidents and stored content (the scene media of the 110 system).

pub use jingwu_command::records::{IncidentMedia, Link, MediaKind};

use jingwu_core::IncidentId;
use sqlx::Row;

use crate::Result;
use crate::WriteTx;
use crate::conn::{Conn, sealed::Raw as _};
use crate::decode::{code, id};

/// Links content to an incident; false when that incident already shows this content.
pub async fn link(db: &mut WriteTx, l: &Link) -> Result<bool> {
    let conn = db.raw();
    let done = sqlx::query(
        "INSERT INTO incident_media (incident_id, sha256, upload_id, kind, added_by, added_at) \
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (incident_id, sha256) DO NOTHING",
    )
    .bind(l.incident_id.as_str())
    .bind(&l.sha256)
    .bind(l.upload_id.as_str())
    .bind(l.kind.as_str())
    .bind(l.added_by.as_str())
    .bind(l.added_at)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn media_of(db: &mut impl Conn, incident_id: &IncidentId) -> Result<Vec<IncidentMedia>> {
    let conn = db.raw();
    let rows = sqlx::query(
        "SELECT m.incident_id, m.sha256, m.upload_id, m.kind, m.added_by, m.added_at, \
         u.file_name, o.content_type, o.size FROM incident_media m \
         JOIN media_uploads u ON u.id = m.upload_id JOIN media_objects o ON o.sha256 = m.sha256 \
         WHERE m.incident_id = $1 ORDER BY m.added_at, m.sha256",
    )
    .bind(incident_id.as_str())
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(IncidentMedia {
                link: Link {
                    incident_id: id(r, 0)?,
                    sha256: r.try_get(1)?,
                    upload_id: id(r, 2)?,
                    kind: code(r, 3)?,
                    added_by: id(r, 4)?,
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
pub async fn incidents_showing(db: &mut impl Conn, sha256: &str) -> Result<Vec<IncidentId>> {
    let conn = db.raw();
    let rows = sqlx::query(
        "SELECT incident_id FROM incident_media WHERE sha256 = $1 ORDER BY added_at, incident_id",
    )
    .bind(sha256)
    .fetch_all(conn)
    .await?;
    rows.iter().map(|r| id(r, 0)).collect()
}

/// How many scene photos an incident shows (the compliance rule's "at least one photo").
pub async fn count_photos(db: &mut impl Conn, incident_id: &IncidentId) -> Result<i64> {
    let conn = db.raw();
    let row =
        sqlx::query("SELECT COUNT(*) FROM incident_media WHERE incident_id = $1 AND kind = $2")
            .bind(incident_id.as_str())
            .bind(MediaKind::Photo.as_str())
            .fetch_one(conn)
            .await?;
    Ok(row.try_get(0)?)
}
