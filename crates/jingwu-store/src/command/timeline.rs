//! An incident's timeline of events.

pub use jingwu_command::incident::EventKind;
pub use jingwu_command::records::Event;

use jingwu_core::IncidentId;
use sqlx::Row;

use crate::conn::{Conn, sealed::Raw as _};
use crate::decode::{code, id, opt_id};
use crate::{Result, WriteTx};

pub async fn insert_event(db: &mut WriteTx, e: &Event) -> Result<()> {
    let conn = db.raw();
    sqlx::query(
        "INSERT INTO incident_events (id, incident_id, at, kind, actor_id, unit_id, detail) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(e.id.as_str())
    .bind(e.incident_id.as_str())
    .bind(e.at)
    .bind(e.kind.as_str())
    .bind(e.actor_id.as_str())
    .bind(e.unit_id.as_ref().map(|v| v.as_str()))
    .bind(&e.detail)
    .execute(conn)
    .await?;
    Ok(())
}

/// The incident's timeline, oldest first (ties in id order, which is creation order).
pub async fn timeline(db: &mut impl Conn, incident_id: &IncidentId) -> Result<Vec<Event>> {
    let conn = db.raw();
    let rows = sqlx::query(
        "SELECT id, incident_id, at, kind, actor_id, unit_id, detail FROM incident_events \
         WHERE incident_id = $1 ORDER BY at, id",
    )
    .bind(incident_id.as_str())
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Event {
                id: id(r, 0)?,
                incident_id: id(r, 1)?,
                at: r.try_get(2)?,
                kind: code(r, 3)?,
                actor_id: id(r, 4)?,
                unit_id: opt_id(r, 5)?,
                detail: r.try_get(6)?,
            })
        })
        .collect()
}
