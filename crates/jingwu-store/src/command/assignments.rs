//! Which units are on which incident, and their progress.

pub use jingwu_command::incident::AssignmentStatus;
pub use jingwu_command::records::Assignment;

use jingwu_core::IncidentId;
use sqlx::Row;

use super::incidents::Milestone;
use crate::conn::{Conn, sealed::Raw as _};
use crate::decode::{code, id};
use crate::{Result, WriteTx};

/// Writes a new assignment of a unit to an incident, with all its milestones. Its attempt is
/// the next one of that unit on that incident (`a.attempt` is ignored), so a unit sent again
/// after being withdrawn gets a fresh row and the earlier ones stay as history; returns it.
pub async fn insert_assignment(db: &mut WriteTx, a: &Assignment) -> Result<i64> {
    let conn = db.raw();
    let row = sqlx::query(
        "SELECT COALESCE(MAX(attempt), 0) FROM assignments WHERE incident_id = $1 AND unit_id = $2",
    )
    .bind(a.incident_id.as_str())
    .bind(a.unit_id.as_str())
    .fetch_one(&mut *conn)
    .await?;
    let attempt = row.try_get::<i64, _>(0)? + 1;
    sqlx::query(
        "INSERT INTO assignments (incident_id, unit_id, status, eta_secs, dispatched_at, \
         acknowledged_at, en_route_at, on_scene_at, cleared_at, attempt) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(a.incident_id.as_str())
    .bind(a.unit_id.as_str())
    .bind(a.status.as_str())
    .bind(a.eta_secs)
    .bind(a.dispatched_at)
    .bind(a.acknowledged_at)
    .bind(a.en_route_at)
    .bind(a.on_scene_at)
    .bind(a.cleared_at)
    .bind(attempt)
    .execute(conn)
    .await?;
    Ok(attempt)
}

/// Every assignment of an incident, earlier attempts included, in dispatch order.
pub async fn assignments_of(
    db: &mut impl Conn,
    incident_id: &IncidentId,
) -> Result<Vec<Assignment>> {
    let conn = db.raw();
    let rows = sqlx::query(
        "SELECT incident_id, unit_id, status, eta_secs, dispatched_at, acknowledged_at, en_route_at, \
         on_scene_at, cleared_at, attempt FROM assignments WHERE incident_id = $1 \
         ORDER BY dispatched_at, unit_id, attempt",
    )
    .bind(incident_id.as_str())
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Assignment {
                incident_id: id(r, 0)?,
                unit_id: id(r, 1)?,
                status: code(r, 2)?,
                eta_secs: r.try_get(3)?,
                dispatched_at: r.try_get(4)?,
                acknowledged_at: r.try_get(5)?,
                en_route_at: r.try_get(6)?,
                on_scene_at: r.try_get(7)?,
                cleared_at: r.try_get(8)?,
                attempt: r.try_get(9)?,
            })
        })
        .collect()
}

/// Each unit's latest assignment among `all` (one incident's, as [`assignments_of`] returns
/// them): where the unit stands on the incident now.
pub fn latest_per_unit(all: &[Assignment]) -> Vec<&Assignment> {
    let mut out: Vec<&Assignment> = Vec::new();
    for a in all {
        match out.iter_mut().find(|l| l.unit_id == a.unit_id) {
            Some(l) if l.attempt < a.attempt => *l = a,
            Some(_) => {}
            None => out.push(a),
        }
    }
    out
}

/// Records a unit's progress on its latest assignment to the incident (the column is set
/// only the first time).
pub async fn mark_assignment(
    db: &mut WriteTx,
    incident_id: &IncidentId,
    unit_id: &str,
    status: AssignmentStatus,
    milestone: Option<Milestone>,
    at: i64,
) -> Result<()> {
    let conn = db.raw();
    let set = match milestone {
        Some(Milestone::Acknowledged) => ", acknowledged_at = COALESCE(acknowledged_at, $2)",
        Some(Milestone::EnRoute) => ", en_route_at = COALESCE(en_route_at, $2)",
        Some(Milestone::OnScene) => ", on_scene_at = COALESCE(on_scene_at, $2)",
        Some(Milestone::Closed) => ", cleared_at = COALESCE(cleared_at, $2)",
        Some(Milestone::Dispatched) | None => ", dispatched_at = COALESCE(dispatched_at, $2)",
    };
    let sql = format!(
        "UPDATE assignments SET status = $1{set} WHERE incident_id = $3 AND unit_id = $4 \
         AND attempt = (SELECT MAX(l.attempt) FROM assignments l \
         WHERE l.incident_id = $5 AND l.unit_id = $6)"
    );
    sqlx::query(&sql)
        .bind(status.as_str())
        .bind(at)
        .bind(incident_id.as_str())
        .bind(unit_id)
        .bind(incident_id.as_str())
        .bind(unit_id)
        .execute(conn)
        .await?;
    Ok(())
}
