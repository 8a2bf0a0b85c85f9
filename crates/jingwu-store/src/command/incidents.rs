//! Incidents: intake, milestones, close, merge and hand-over.

pub use jingwu_command::records::{Incident, Milestone, ScopedIncident};

use sqlx::{Row, any::AnyRow};

use super::assignments::Assignment;
use crate::conn::{Conn, sealed::Raw as _};
use crate::decode::{code, id, opt_id};
use crate::scope::like_prefix;
use crate::{Result, WriteTx};
use jingwu_command::incident::IncidentStatus;
use jingwu_core::IncidentId;

const INCIDENT_COLUMNS: &str = "i.id, i.number, i.org_id, i.category, i.subcategory, i.priority, \
    i.source, i.caller_name, i.caller_phone, i.lat, i.lon, i.address, i.description, i.status, \
    i.duplicate_of, i.created_by, i.created_at, i.dispatched_at, i.acknowledged_at, i.en_route_at, \
    i.on_scene_at, i.closed_at, i.result_code, i.result_text, o.path";

fn incident_from_row(r: &AnyRow) -> Result<ScopedIncident> {
    Ok(ScopedIncident {
        incident: Incident {
            id: id(r, 0)?,
            number: r.try_get(1)?,
            org_id: id(r, 2)?,
            category: code(r, 3)?,
            subcategory: code(r, 4)?,
            priority: code(r, 5)?,
            source: code(r, 6)?,
            caller_name: r.try_get(7)?,
            caller_phone: r.try_get(8)?,
            lat: r.try_get(9)?,
            lon: r.try_get(10)?,
            address: r.try_get(11)?,
            description: r.try_get(12)?,
            status: code(r, 13)?,
            duplicate_of: opt_id(r, 14)?,
            created_by: id(r, 15)?,
            created_at: r.try_get(16)?,
            dispatched_at: r.try_get(17)?,
            acknowledged_at: r.try_get(18)?,
            en_route_at: r.try_get(19)?,
            on_scene_at: r.try_get(20)?,
            closed_at: r.try_get(21)?,
            result_code: r.try_get(22)?,
            result_text: r.try_get(23)?,
        },
        org_path: r.try_get(24)?,
    })
}

pub async fn insert_incident(db: &mut WriteTx, i: &Incident) -> Result<()> {
    let conn = db.raw();
    sqlx::query(
        "INSERT INTO incidents (id, number, org_id, category, subcategory, priority, source, \
         caller_name, caller_phone, lat, lon, address, description, status, duplicate_of, created_by, \
         created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)",
    )
    .bind(i.id.as_str())
    .bind(&i.number)
    .bind(i.org_id.as_str())
    .bind(i.category.as_str())
    .bind(i.subcategory.as_str())
    .bind(i.priority.as_str())
    .bind(i.source.as_str())
    .bind(&i.caller_name)
    .bind(&i.caller_phone)
    .bind(i.lat)
    .bind(i.lon)
    .bind(&i.address)
    .bind(&i.description)
    .bind(i.status.as_str())
    .bind(i.duplicate_of.as_ref().map(|v| v.as_str()))
    .bind(i.created_by.as_str())
    .bind(i.created_at)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn get_incident(db: &mut impl Conn, id: &IncidentId) -> Result<Option<ScopedIncident>> {
    let conn = db.raw();
    let sql = format!(
        "SELECT {INCIDENT_COLUMNS} FROM incidents i JOIN org_units o ON o.id = i.org_id WHERE i.id = $1"
    );
    let row = sqlx::query(&sql)
        .bind(id.as_str())
        .fetch_optional(conn)
        .await?;
    row.as_ref().map(incident_from_row).transpose()
}

/// Incidents owned under `path` created in `[from, to)`, newest first, at most `limit`.
pub async fn incidents_under(
    db: &mut impl Conn,
    path: &str,
    from: i64,
    to: i64,
    limit: i64,
) -> Result<Vec<ScopedIncident>> {
    let conn = db.raw();
    let sql = format!(
        "SELECT {INCIDENT_COLUMNS} FROM incidents i JOIN org_units o ON o.id = i.org_id \
         WHERE o.path LIKE $1 AND i.created_at >= $2 AND i.created_at < $3 \
         ORDER BY i.created_at DESC LIMIT $4"
    );
    let rows = sqlx::query(&sql)
        .bind(like_prefix(path))
        .bind(from)
        .bind(to)
        .bind(limit)
        .fetch_all(conn)
        .await?;
    rows.iter().map(incident_from_row).collect()
}

/// Open incidents (not closed or merged) created since `since`, anywhere: duplicate candidates.
pub async fn open_incidents_since(db: &mut impl Conn, since: i64) -> Result<Vec<ScopedIncident>> {
    let conn = db.raw();
    let sql = format!(
        "SELECT {INCIDENT_COLUMNS} FROM incidents i JOIN org_units o ON o.id = i.org_id \
         WHERE i.created_at >= $1 AND i.status NOT IN ('closed', 'merged') ORDER BY i.created_at"
    );
    let rows = sqlx::query(&sql).bind(since).fetch_all(conn).await?;
    rows.iter().map(incident_from_row).collect()
}

/// Sets one of the milestone columns (only the first time) and the status.
pub async fn mark_incident(
    db: &mut WriteTx,
    id: &IncidentId,
    status: IncidentStatus,
    milestone: Milestone,
    at: i64,
) -> Result<()> {
    let conn = db.raw();
    let col = milestone_column(milestone);
    let sql =
        format!("UPDATE incidents SET status = $1, {col} = COALESCE({col}, $2) WHERE id = $3");
    sqlx::query(&sql)
        .bind(status.as_str())
        .bind(at)
        .bind(id.as_str())
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn close_incident(
    db: &mut WriteTx,
    id: &IncidentId,
    at: i64,
    result_code: &str,
    result_text: &str,
) -> Result<bool> {
    let conn = db.raw();
    let done = sqlx::query(
        "UPDATE incidents SET status = 'closed', closed_at = $1, result_code = $2, result_text = $3 \
         WHERE id = $4 AND status NOT IN ('closed', 'merged')",
    )
    .bind(at)
    .bind(result_code)
    .bind(result_text)
    .bind(id.as_str())
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn merge_incident(
    db: &mut WriteTx,
    id: &IncidentId,
    into: &IncidentId,
    at: i64,
) -> Result<bool> {
    let conn = db.raw();
    let done = sqlx::query(
        "UPDATE incidents SET status = 'merged', duplicate_of = $1, closed_at = $2 \
         WHERE id = $3 AND status NOT IN ('closed', 'merged')",
    )
    .bind(into.as_str())
    .bind(at)
    .bind(id.as_str())
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Moves an incident to another owning org (hand-over / escalation).
pub async fn reassign_incident(db: &mut WriteTx, id: &IncidentId, org_id: &str) -> Result<()> {
    let conn = db.raw();
    sqlx::query("UPDATE incidents SET org_id = $1 WHERE id = $2")
        .bind(org_id)
        .bind(id.as_str())
        .execute(conn)
        .await?;
    Ok(())
}

/// Points a unit that is on incident `from` at incident `to`, keeping its status (duplicate
/// merge). Returns whether the unit was still on `from`.
pub async fn retarget_unit(
    db: &mut WriteTx,
    unit_id: &str,
    from: &IncidentId,
    to: &IncidentId,
) -> Result<bool> {
    let conn = db.raw();
    let done = sqlx::query("UPDATE units SET incident_id = $1 WHERE id = $2 AND incident_id = $3")
        .bind(to.as_str())
        .bind(unit_id)
        .bind(from.as_str())
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Writes an assignment with all its milestones; a unit that was on the incident before
/// (an earlier, cleared assignment) gets that row reopened with the new figures.
pub async fn upsert_assignment(db: &mut WriteTx, a: &Assignment) -> Result<()> {
    let conn = db.raw();
    sqlx::query(
        "INSERT INTO assignments (incident_id, unit_id, status, eta_secs, dispatched_at, \
         acknowledged_at, en_route_at, on_scene_at, cleared_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
         ON CONFLICT (incident_id, unit_id) DO UPDATE SET status = excluded.status, \
         eta_secs = excluded.eta_secs, dispatched_at = excluded.dispatched_at, \
         acknowledged_at = excluded.acknowledged_at, en_route_at = excluded.en_route_at, \
         on_scene_at = excluded.on_scene_at, cleared_at = excluded.cleared_at",
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
    .execute(conn)
    .await?;
    Ok(())
}

/// Incidents created at or after `since` (numbering within a day).
pub async fn count_incidents_since(db: &mut impl Conn, since: i64) -> Result<i64> {
    let conn = db.raw();
    let row = sqlx::query("SELECT COUNT(*) FROM incidents WHERE created_at >= $1")
        .bind(since)
        .fetch_one(conn)
        .await?;
    Ok(row.try_get(0)?)
}

/// The column that keeps a milestone's instant.
fn milestone_column(m: Milestone) -> &'static str {
    match m {
        Milestone::Dispatched => "dispatched_at",
        Milestone::Acknowledged => "acknowledged_at",
        Milestone::EnRoute => "en_route_at",
        Milestone::OnScene => "on_scene_at",
        Milestone::Closed => "closed_at",
    }
}
