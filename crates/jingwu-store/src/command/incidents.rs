//! Incidents: intake, milestones, close, merge and hand-over.

pub use jingwu_command::records::{Incident, Milestone, ScopedIncident};

use sqlx::{Row, any::AnyRow};

use crate::conn::{Conn, sealed::Raw as _};
use crate::decode::{code, id, opt_id};
use crate::scope::like_prefix;
use crate::{Result, WriteTx};
use jingwu_command::duplicates::phone_key;
use jingwu_command::incident::IncidentStatus;
use jingwu_command::taxonomy::{Category, Priority, Subcategory};
use jingwu_core::IncidentId;

const INCIDENT_COLUMNS: &str = "i.id, i.number, i.org_id, i.category, i.subcategory, i.priority, \
    i.source, i.caller_name, i.caller_phone, i.lat, i.lon, i.address, i.description, i.status, \
    i.duplicate_of, i.created_by, i.created_at, i.dispatched_at, i.acknowledged_at, i.en_route_at, \
    i.on_scene_at, i.closed_at, i.result_code, i.result_text, o.path, i.handover_from, \
    i.handover_at, h.path";

/// The tables [`INCIDENT_COLUMNS`] reads from: the incident, its owner, and the room a
/// pending hand-over came from.
const INCIDENT_FROM: &str = "incidents i JOIN org_units o ON o.id = i.org_id \
    LEFT JOIN org_units h ON h.id = i.handover_from";

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
            handover_from: opt_id(r, 25)?,
            handover_at: r.try_get(26)?,
        },
        org_path: r.try_get(24)?,
        handover_from_path: r.try_get(27)?,
    })
}

pub async fn insert_incident(db: &mut WriteTx, i: &Incident) -> Result<()> {
    let conn = db.raw();
    sqlx::query(
        "INSERT INTO incidents (id, number, org_id, category, subcategory, priority, source, \
         caller_name, caller_phone, lat, lon, address, description, status, duplicate_of, created_by, \
         created_at, caller_key) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)",
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
    .bind(phone_key(&i.caller_phone).unwrap_or_default())
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn get_incident(db: &mut impl Conn, id: &IncidentId) -> Result<Option<ScopedIncident>> {
    let conn = db.raw();
    let sql = format!("SELECT {INCIDENT_COLUMNS} FROM {INCIDENT_FROM} WHERE i.id = $1");
    let row = sqlx::query(&sql)
        .bind(id.as_str())
        .fetch_optional(conn)
        .await?;
    row.as_ref().map(incident_from_row).transpose()
}

/// Incidents owned under `path` — or handed over from there and not signed for yet —
/// created in `[from, to)`, newest first, at most `limit`.
pub async fn incidents_under(
    db: &mut impl Conn,
    path: &str,
    from: i64,
    to: i64,
    limit: i64,
) -> Result<Vec<ScopedIncident>> {
    let conn = db.raw();
    let sql = format!(
        "SELECT {INCIDENT_COLUMNS} FROM {INCIDENT_FROM} \
         WHERE (o.path LIKE $1 OR h.path LIKE $2) AND i.created_at >= $3 AND i.created_at < $4 \
         ORDER BY i.created_at DESC LIMIT $5"
    );
    let rows = sqlx::query(&sql)
        .bind(like_prefix(path))
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
        "SELECT {INCIDENT_COLUMNS} FROM {INCIDENT_FROM} \
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
        // A closure by the receiving room ends a hand-over that was never signed for.
        "UPDATE incidents SET status = 'closed', closed_at = $1, result_code = $2, result_text = $3, \
         handover_from = NULL, handover_at = NULL WHERE id = $4 AND status NOT IN ('closed', 'merged')",
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

/// Moves an incident to another owning org (hand-over / escalation), waiting for that room's
/// sign-for: `from_org` and `at` are kept until [`sign_for_incident`].
pub async fn reassign_incident(
    db: &mut WriteTx,
    id: &IncidentId,
    org_id: &str,
    from_org: &str,
    at: i64,
) -> Result<()> {
    let conn = db.raw();
    sqlx::query(
        "UPDATE incidents SET org_id = $1, handover_from = $2, handover_at = $3 WHERE id = $4",
    )
    .bind(org_id)
    .bind(from_org)
    .bind(at)
    .bind(id.as_str())
    .execute(conn)
    .await?;
    Ok(())
}

/// 签收: the receiving room took a handed-over incident. False when no hand-over was waiting
/// (signed for meanwhile, or never handed over).
pub async fn sign_for_incident(db: &mut WriteTx, id: &IncidentId) -> Result<bool> {
    let conn = db.raw();
    let done = sqlx::query(
        "UPDATE incidents SET handover_from = NULL, handover_at = NULL \
         WHERE id = $1 AND handover_from IS NOT NULL",
    )
    .bind(id.as_str())
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Sets an open incident's status (back to pending after its last unit was withdrawn).
/// False when it was closed or merged meanwhile.
pub async fn set_incident_status(
    db: &mut WriteTx,
    id: &IncidentId,
    status: IncidentStatus,
) -> Result<bool> {
    let conn = db.raw();
    let done = sqlx::query(
        "UPDATE incidents SET status = $1 WHERE id = $2 AND status NOT IN ('closed', 'merged')",
    )
    .bind(status.as_str())
    .bind(id.as_str())
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// What an update sets on an incident (every field, the unchanged ones with their value).
#[derive(Debug, Clone, PartialEq)]
pub struct IncidentFields {
    pub lat: f64,
    pub lon: f64,
    pub address: String,
    pub category: Category,
    pub subcategory: Subcategory,
    pub priority: Priority,
}

/// Writes an open incident's location, address, category and priority. False when it was
/// closed or merged meanwhile.
pub async fn update_incident_fields(
    db: &mut WriteTx,
    id: &IncidentId,
    f: &IncidentFields,
) -> Result<bool> {
    let conn = db.raw();
    let done = sqlx::query(
        "UPDATE incidents SET lat = $1, lon = $2, address = $3, category = $4, subcategory = $5, \
         priority = $6 WHERE id = $7 AND status NOT IN ('closed', 'merged')",
    )
    .bind(f.lat)
    .bind(f.lon)
    .bind(&f.address)
    .bind(f.category.as_str())
    .bind(f.subcategory.as_str())
    .bind(f.priority.as_str())
    .bind(id.as_str())
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Incidents owned under `path` from the caller line `caller_key`, newest first, at most
/// `limit`, and how many there are in all.
pub async fn incidents_of_caller(
    db: &mut impl Conn,
    path: &str,
    caller_key: &str,
    limit: i64,
) -> Result<(i64, Vec<ScopedIncident>)> {
    let conn = db.raw();
    let count = sqlx::query(
        "SELECT COUNT(*) FROM incidents i JOIN org_units o ON o.id = i.org_id \
         WHERE o.path LIKE $1 AND i.caller_key = $2",
    )
    .bind(like_prefix(path))
    .bind(caller_key)
    .fetch_one(&mut *conn)
    .await?
    .try_get(0)?;
    let sql = format!(
        "SELECT {INCIDENT_COLUMNS} FROM {INCIDENT_FROM} \
         WHERE o.path LIKE $1 AND i.caller_key = $2 ORDER BY i.created_at DESC LIMIT $3"
    );
    let rows = sqlx::query(&sql)
        .bind(like_prefix(path))
        .bind(caller_key)
        .bind(limit)
        .fetch_all(conn)
        .await?;
    Ok((
        count,
        rows.iter().map(incident_from_row).collect::<Result<_>>()?,
    ))
}

/// Incidents owned under `path` inside a latitude/longitude box (min_lat, min_lon, max_lat,
/// max_lon), newest first, at most `limit` (the caller trims the box's corners by distance).
pub async fn incidents_in_box(
    db: &mut impl Conn,
    path: &str,
    bbox: (f64, f64, f64, f64),
    limit: i64,
) -> Result<Vec<ScopedIncident>> {
    let conn = db.raw();
    let sql = format!(
        "SELECT {INCIDENT_COLUMNS} FROM {INCIDENT_FROM} \
         WHERE o.path LIKE $1 AND i.lat >= $2 AND i.lon >= $3 AND i.lat <= $4 AND i.lon <= $5 \
         ORDER BY i.created_at DESC LIMIT $6"
    );
    let rows = sqlx::query(&sql)
        .bind(like_prefix(path))
        .bind(bbox.0)
        .bind(bbox.1)
        .bind(bbox.2)
        .bind(bbox.3)
        .bind(limit)
        .fetch_all(conn)
        .await?;
    rows.iter().map(incident_from_row).collect()
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
