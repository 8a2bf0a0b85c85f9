//! Storage of the 110 command system: sites, units, incidents, timeline, assignments, AVL
//! history, key sites and the terminal message log. Enumerations are stored as their text
//! codes; `jingwu-command` owns their meaning.

use sqlx::{AnyConnection, Row, any::AnyRow};

use crate::{Result, audit::like_prefix};

#[derive(Debug, Clone, PartialEq)]
pub struct Site {
    pub org_id: String,
    pub lat: f64,
    pub lon: f64,
    pub address: String,
    pub area_geojson: Option<String>,
}

pub async fn upsert_site(conn: &mut AnyConnection, s: &Site) -> Result<()> {
    sqlx::query(
        "INSERT INTO org_sites (org_id, lat, lon, address, area_geojson) VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (org_id) DO UPDATE SET lat = excluded.lat, lon = excluded.lon, \
         address = excluded.address, area_geojson = excluded.area_geojson",
    )
    .bind(&s.org_id)
    .bind(s.lat)
    .bind(s.lon)
    .bind(&s.address)
    .bind(&s.area_geojson)
    .execute(conn)
    .await?;
    Ok(())
}

/// Sites of every unit in a subtree, with the unit's kind and path.
pub async fn sites_under(
    conn: &mut AnyConnection,
    path: &str,
) -> Result<Vec<(Site, String, String)>> {
    let rows = sqlx::query(
        "SELECT s.org_id, s.lat, s.lon, s.address, s.area_geojson, o.kind, o.path \
         FROM org_sites s JOIN org_units o ON o.id = s.org_id WHERE o.path LIKE $1 ORDER BY o.path",
    )
    .bind(like_prefix(path))
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok((
                Site {
                    org_id: r.try_get(0)?,
                    lat: r.try_get(1)?,
                    lon: r.try_get(2)?,
                    address: r.try_get(3)?,
                    area_geojson: r.try_get(4)?,
                },
                r.try_get(5)?,
                r.try_get(6)?,
            ))
        })
        .collect()
}

#[derive(Debug, Clone, PartialEq)]
pub struct Unit {
    pub id: String,
    pub call_sign: String,
    pub kind: String,
    pub org_id: String,
    pub status: String,
    pub status_since: i64,
    pub incident_id: Option<String>,
    /// JSON array of crew members.
    pub crew: String,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub position_at: Option<i64>,
    pub created_at: i64,
}

/// A unit with its org's path (its scope).
#[derive(Debug, Clone, PartialEq)]
pub struct ScopedUnit {
    pub unit: Unit,
    pub org_path: String,
}

const UNIT_COLUMNS: &str = "u.id, u.call_sign, u.kind, u.org_id, u.status, u.status_since, \
    u.incident_id, u.crew, u.lat, u.lon, u.position_at, u.created_at, o.path";

fn unit_from_row(r: &AnyRow) -> Result<ScopedUnit> {
    Ok(ScopedUnit {
        unit: Unit {
            id: r.try_get(0)?,
            call_sign: r.try_get(1)?,
            kind: r.try_get(2)?,
            org_id: r.try_get(3)?,
            status: r.try_get(4)?,
            status_since: r.try_get(5)?,
            incident_id: r.try_get(6)?,
            crew: r.try_get(7)?,
            lat: r.try_get(8)?,
            lon: r.try_get(9)?,
            position_at: r.try_get(10)?,
            created_at: r.try_get(11)?,
        },
        org_path: r.try_get(12)?,
    })
}

pub async fn insert_unit(conn: &mut AnyConnection, u: &Unit) -> Result<()> {
    sqlx::query(
        "INSERT INTO units (id, call_sign, kind, org_id, status, status_since, incident_id, crew, \
         lat, lon, position_at, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
    )
    .bind(&u.id)
    .bind(&u.call_sign)
    .bind(&u.kind)
    .bind(&u.org_id)
    .bind(&u.status)
    .bind(u.status_since)
    .bind(&u.incident_id)
    .bind(&u.crew)
    .bind(u.lat)
    .bind(u.lon)
    .bind(u.position_at)
    .bind(u.created_at)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn get_unit(conn: &mut AnyConnection, id: &str) -> Result<Option<ScopedUnit>> {
    let sql = format!(
        "SELECT {UNIT_COLUMNS} FROM units u JOIN org_units o ON o.id = u.org_id WHERE u.id = $1"
    );
    let row = sqlx::query(&sql).bind(id).fetch_optional(conn).await?;
    row.as_ref().map(unit_from_row).transpose()
}

/// Several units by id in one query (those that exist), for batch authorization.
pub async fn get_units(conn: &mut AnyConnection, ids: &[&str]) -> Result<Vec<ScopedUnit>> {
    let mut out = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(500) {
        let marks: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
        let sql = format!(
            "SELECT {UNIT_COLUMNS} FROM units u JOIN org_units o ON o.id = u.org_id WHERE u.id IN ({})",
            marks.join(", ")
        );
        let mut q = sqlx::query(&sql);
        for id in chunk {
            q = q.bind(*id);
        }
        for r in q.fetch_all(&mut *conn).await? {
            out.push(unit_from_row(&r)?);
        }
    }
    Ok(out)
}

/// Units whose home org lies under `path`, by call sign.
pub async fn units_under(conn: &mut AnyConnection, path: &str) -> Result<Vec<ScopedUnit>> {
    let sql = format!(
        "SELECT {UNIT_COLUMNS} FROM units u JOIN org_units o ON o.id = u.org_id \
         WHERE o.path LIKE $1 ORDER BY u.call_sign"
    );
    let rows = sqlx::query(&sql)
        .bind(like_prefix(path))
        .fetch_all(conn)
        .await?;
    rows.iter().map(unit_from_row).collect()
}

/// Moves a unit from `from` to `to` only if it is still in `from`: the conditional write that
/// makes a double dispatch impossible. Returns whether the unit was changed.
pub async fn set_unit_status(
    conn: &mut AnyConnection,
    id: &str,
    from: &str,
    to: &str,
    incident_id: Option<&str>,
    at: i64,
) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE units SET status = $1, incident_id = $2, status_since = $3 WHERE id = $4 AND status = $5",
    )
    .bind(to)
    .bind(incident_id)
    .bind(at)
    .bind(id)
    .bind(from)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// One entry of a unit's status history.
#[derive(Debug, Clone, PartialEq)]
pub struct StatusChange {
    pub id: String,
    pub unit_id: String,
    pub from_status: String,
    pub to_status: String,
    pub at: i64,
    pub actor_id: String,
    pub incident_id: Option<String>,
    pub reason: String,
}

pub async fn log_unit_status(conn: &mut AnyConnection, c: &StatusChange) -> Result<()> {
    sqlx::query(
        "INSERT INTO unit_status_log (id, unit_id, from_status, to_status, at, actor_id, incident_id, reason) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(&c.id)
    .bind(&c.unit_id)
    .bind(&c.from_status)
    .bind(&c.to_status)
    .bind(c.at)
    .bind(&c.actor_id)
    .bind(&c.incident_id)
    .bind(&c.reason)
    .execute(conn)
    .await?;
    Ok(())
}

/// Rows per multi-row statement when recording positions (see `record_positions`).
const POSITION_ROWS_PER_STATEMENT: usize = 40;

/// Latest known position of each unit (from AVL), written in batches.
pub async fn record_positions(conn: &mut AnyConnection, batch: &[Position]) -> Result<()> {
    // sqlx resolves each SQLite parameter by name with a scan over all of a statement's
    // parameters, so binding costs grow with the square of the parameter count: moderate
    // chunks are several times faster than one huge statement (measured with `jingwu bench avl`).
    for chunk in batch.chunks(POSITION_ROWS_PER_STATEMENT) {
        let mut sql = String::from(
            "INSERT INTO unit_positions (unit_id, at, lat, lon, speed_kmh, heading) VALUES ",
        );
        for i in 0..chunk.len() {
            let b = i * 6;
            if i > 0 {
                sql.push(',');
            }
            sql.push_str(&format!(
                "(${}, ${}, ${}, ${}, ${}, ${})",
                b + 1,
                b + 2,
                b + 3,
                b + 4,
                b + 5,
                b + 6
            ));
        }
        sql.push_str(" ON CONFLICT (unit_id, at) DO NOTHING");
        let mut q = sqlx::query(&sql);
        for p in chunk {
            q = q
                .bind(&p.unit_id)
                .bind(p.at)
                .bind(p.lat)
                .bind(p.lon)
                .bind(p.speed_kmh)
                .bind(p.heading);
        }
        q.execute(&mut *conn).await?;
    }
    // Only each unit's newest fix in the batch can become its last-known position, so the
    // units are updated once each (a batch from an AVL gateway carries many fixes per unit).
    let mut newest: std::collections::HashMap<&str, &Position> = std::collections::HashMap::new();
    for p in batch {
        let e = newest.entry(p.unit_id.as_str()).or_insert(p);
        if p.at > e.at {
            *e = p;
        }
    }
    let mut latest: Vec<&Position> = newest.into_values().collect();
    // A fixed order keeps concurrent batches from locking units in opposite orders.
    latest.sort_by(|a, b| a.unit_id.cmp(&b.unit_id));
    // VALUES columns are `column1..4` on both backends; the casts give PostgreSQL the
    // parameter types.
    for chunk in latest.chunks(POSITION_ROWS_PER_STATEMENT) {
        let rows: Vec<String> = (0..chunk.len())
            .map(|i| {
                let b = i * 4;
                format!(
                    "(CAST(${} AS TEXT), CAST(${} AS DOUBLE PRECISION), CAST(${} AS DOUBLE PRECISION), CAST(${} AS BIGINT))",
                    b + 1,
                    b + 2,
                    b + 3,
                    b + 4
                )
            })
            .collect();
        let sql = format!(
            "UPDATE units SET lat = v.column2, lon = v.column3, position_at = v.column4 \
             FROM (VALUES {}) AS v \
             WHERE units.id = v.column1 AND (units.position_at IS NULL OR units.position_at < v.column4)",
            rows.join(", ")
        );
        let mut q = sqlx::query(&sql);
        for p in chunk {
            q = q.bind(&p.unit_id).bind(p.lat).bind(p.lon).bind(p.at);
        }
        q.execute(&mut *conn).await?;
    }
    Ok(())
}

#[derive(Debug, Clone, PartialEq)]
pub struct Position {
    pub unit_id: String,
    pub at: i64,
    pub lat: f64,
    pub lon: f64,
    pub speed_kmh: Option<f64>,
    pub heading: Option<f64>,
}

/// Drops AVL history older than `before` (retention); returns rows removed.
pub async fn prune_positions(conn: &mut AnyConnection, before: i64) -> Result<u64> {
    let done = sqlx::query("DELETE FROM unit_positions WHERE at < $1")
        .bind(before)
        .execute(conn)
        .await?;
    Ok(done.rows_affected())
}

#[derive(Debug, Clone, PartialEq)]
pub struct Incident {
    pub id: String,
    pub number: String,
    pub org_id: String,
    pub category: String,
    pub subcategory: String,
    pub priority: String,
    pub source: String,
    pub caller_name: String,
    pub caller_phone: String,
    pub lat: f64,
    pub lon: f64,
    pub address: String,
    pub description: String,
    pub status: String,
    pub duplicate_of: Option<String>,
    pub created_by: String,
    pub created_at: i64,
    pub dispatched_at: Option<i64>,
    pub acknowledged_at: Option<i64>,
    pub en_route_at: Option<i64>,
    pub on_scene_at: Option<i64>,
    pub closed_at: Option<i64>,
    pub result_code: Option<String>,
    pub result_text: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ScopedIncident {
    pub incident: Incident,
    pub org_path: String,
}

const INCIDENT_COLUMNS: &str = "i.id, i.number, i.org_id, i.category, i.subcategory, i.priority, \
    i.source, i.caller_name, i.caller_phone, i.lat, i.lon, i.address, i.description, i.status, \
    i.duplicate_of, i.created_by, i.created_at, i.dispatched_at, i.acknowledged_at, i.en_route_at, \
    i.on_scene_at, i.closed_at, i.result_code, i.result_text, o.path";

fn incident_from_row(r: &AnyRow) -> Result<ScopedIncident> {
    Ok(ScopedIncident {
        incident: Incident {
            id: r.try_get(0)?,
            number: r.try_get(1)?,
            org_id: r.try_get(2)?,
            category: r.try_get(3)?,
            subcategory: r.try_get(4)?,
            priority: r.try_get(5)?,
            source: r.try_get(6)?,
            caller_name: r.try_get(7)?,
            caller_phone: r.try_get(8)?,
            lat: r.try_get(9)?,
            lon: r.try_get(10)?,
            address: r.try_get(11)?,
            description: r.try_get(12)?,
            status: r.try_get(13)?,
            duplicate_of: r.try_get(14)?,
            created_by: r.try_get(15)?,
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

pub async fn insert_incident(conn: &mut AnyConnection, i: &Incident) -> Result<()> {
    sqlx::query(
        "INSERT INTO incidents (id, number, org_id, category, subcategory, priority, source, \
         caller_name, caller_phone, lat, lon, address, description, status, duplicate_of, created_by, \
         created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)",
    )
    .bind(&i.id)
    .bind(&i.number)
    .bind(&i.org_id)
    .bind(&i.category)
    .bind(&i.subcategory)
    .bind(&i.priority)
    .bind(&i.source)
    .bind(&i.caller_name)
    .bind(&i.caller_phone)
    .bind(i.lat)
    .bind(i.lon)
    .bind(&i.address)
    .bind(&i.description)
    .bind(&i.status)
    .bind(&i.duplicate_of)
    .bind(&i.created_by)
    .bind(i.created_at)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn get_incident(conn: &mut AnyConnection, id: &str) -> Result<Option<ScopedIncident>> {
    let sql = format!(
        "SELECT {INCIDENT_COLUMNS} FROM incidents i JOIN org_units o ON o.id = i.org_id WHERE i.id = $1"
    );
    let row = sqlx::query(&sql).bind(id).fetch_optional(conn).await?;
    row.as_ref().map(incident_from_row).transpose()
}

/// Incidents owned under `path` created in `[from, to)`, newest first, at most `limit`.
pub async fn incidents_under(
    conn: &mut AnyConnection,
    path: &str,
    from: i64,
    to: i64,
    limit: i64,
) -> Result<Vec<ScopedIncident>> {
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
pub async fn open_incidents_since(
    conn: &mut AnyConnection,
    since: i64,
) -> Result<Vec<ScopedIncident>> {
    let sql = format!(
        "SELECT {INCIDENT_COLUMNS} FROM incidents i JOIN org_units o ON o.id = i.org_id \
         WHERE i.created_at >= $1 AND i.status NOT IN ('closed', 'merged') ORDER BY i.created_at"
    );
    let rows = sqlx::query(&sql).bind(since).fetch_all(conn).await?;
    rows.iter().map(incident_from_row).collect()
}

/// Sets one of the milestone columns (only the first time) and the status.
pub async fn mark_incident(
    conn: &mut AnyConnection,
    id: &str,
    status: &str,
    milestone: Milestone,
    at: i64,
) -> Result<()> {
    let col = milestone.column();
    let sql =
        format!("UPDATE incidents SET status = $1, {col} = COALESCE({col}, $2) WHERE id = $3");
    sqlx::query(&sql)
        .bind(status)
        .bind(at)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

/// The incident timestamps kept as columns (every event is also on the timeline).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Milestone {
    Dispatched,
    Acknowledged,
    EnRoute,
    OnScene,
    Closed,
}

impl Milestone {
    fn column(self) -> &'static str {
        match self {
            Milestone::Dispatched => "dispatched_at",
            Milestone::Acknowledged => "acknowledged_at",
            Milestone::EnRoute => "en_route_at",
            Milestone::OnScene => "on_scene_at",
            Milestone::Closed => "closed_at",
        }
    }
}

pub async fn close_incident(
    conn: &mut AnyConnection,
    id: &str,
    at: i64,
    result_code: &str,
    result_text: &str,
) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE incidents SET status = 'closed', closed_at = $1, result_code = $2, result_text = $3 \
         WHERE id = $4 AND status NOT IN ('closed', 'merged')",
    )
    .bind(at)
    .bind(result_code)
    .bind(result_text)
    .bind(id)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn merge_incident(
    conn: &mut AnyConnection,
    id: &str,
    into: &str,
    at: i64,
) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE incidents SET status = 'merged', duplicate_of = $1, closed_at = $2 \
         WHERE id = $3 AND status NOT IN ('closed', 'merged')",
    )
    .bind(into)
    .bind(at)
    .bind(id)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Moves an incident to another owning org (hand-over / escalation).
pub async fn reassign_incident(conn: &mut AnyConnection, id: &str, org_id: &str) -> Result<()> {
    sqlx::query("UPDATE incidents SET org_id = $1 WHERE id = $2")
        .bind(org_id)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Points a unit that is on incident `from` at incident `to`, keeping its status (duplicate
/// merge). Returns whether the unit was still on `from`.
pub async fn retarget_unit(
    conn: &mut AnyConnection,
    unit_id: &str,
    from: &str,
    to: &str,
) -> Result<bool> {
    let done = sqlx::query("UPDATE units SET incident_id = $1 WHERE id = $2 AND incident_id = $3")
        .bind(to)
        .bind(unit_id)
        .bind(from)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Writes an assignment with all its milestones; a unit that was on the incident before
/// (an earlier, cleared assignment) gets that row reopened with the new figures.
pub async fn upsert_assignment(conn: &mut AnyConnection, a: &Assignment) -> Result<()> {
    sqlx::query(
        "INSERT INTO assignments (incident_id, unit_id, status, eta_secs, dispatched_at, \
         acknowledged_at, en_route_at, on_scene_at, cleared_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
         ON CONFLICT (incident_id, unit_id) DO UPDATE SET status = excluded.status, \
         eta_secs = excluded.eta_secs, dispatched_at = excluded.dispatched_at, \
         acknowledged_at = excluded.acknowledged_at, en_route_at = excluded.en_route_at, \
         on_scene_at = excluded.on_scene_at, cleared_at = excluded.cleared_at",
    )
    .bind(&a.incident_id)
    .bind(&a.unit_id)
    .bind(&a.status)
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

#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub id: String,
    pub incident_id: String,
    pub at: i64,
    pub kind: String,
    pub actor_id: String,
    pub unit_id: Option<String>,
    /// JSON object.
    pub detail: String,
}

pub async fn insert_event(conn: &mut AnyConnection, e: &Event) -> Result<()> {
    sqlx::query(
        "INSERT INTO incident_events (id, incident_id, at, kind, actor_id, unit_id, detail) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(&e.id)
    .bind(&e.incident_id)
    .bind(e.at)
    .bind(&e.kind)
    .bind(&e.actor_id)
    .bind(&e.unit_id)
    .bind(&e.detail)
    .execute(conn)
    .await?;
    Ok(())
}

/// The incident's timeline, oldest first (ties in id order, which is creation order).
pub async fn timeline(conn: &mut AnyConnection, incident_id: &str) -> Result<Vec<Event>> {
    let rows = sqlx::query(
        "SELECT id, incident_id, at, kind, actor_id, unit_id, detail FROM incident_events \
         WHERE incident_id = $1 ORDER BY at, id",
    )
    .bind(incident_id)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Event {
                id: r.try_get(0)?,
                incident_id: r.try_get(1)?,
                at: r.try_get(2)?,
                kind: r.try_get(3)?,
                actor_id: r.try_get(4)?,
                unit_id: r.try_get(5)?,
                detail: r.try_get(6)?,
            })
        })
        .collect()
}

#[derive(Debug, Clone, PartialEq)]
pub struct Assignment {
    pub incident_id: String,
    pub unit_id: String,
    pub status: String,
    pub eta_secs: Option<i64>,
    pub dispatched_at: i64,
    pub acknowledged_at: Option<i64>,
    pub en_route_at: Option<i64>,
    pub on_scene_at: Option<i64>,
    pub cleared_at: Option<i64>,
}

pub async fn insert_assignment(conn: &mut AnyConnection, a: &Assignment) -> Result<()> {
    sqlx::query(
        "INSERT INTO assignments (incident_id, unit_id, status, eta_secs, dispatched_at) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(&a.incident_id)
    .bind(&a.unit_id)
    .bind(&a.status)
    .bind(a.eta_secs)
    .bind(a.dispatched_at)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn assignments_of(
    conn: &mut AnyConnection,
    incident_id: &str,
) -> Result<Vec<Assignment>> {
    let rows = sqlx::query(
        "SELECT incident_id, unit_id, status, eta_secs, dispatched_at, acknowledged_at, en_route_at, \
         on_scene_at, cleared_at FROM assignments WHERE incident_id = $1 ORDER BY dispatched_at, unit_id",
    )
    .bind(incident_id)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Assignment {
                incident_id: r.try_get(0)?,
                unit_id: r.try_get(1)?,
                status: r.try_get(2)?,
                eta_secs: r.try_get(3)?,
                dispatched_at: r.try_get(4)?,
                acknowledged_at: r.try_get(5)?,
                en_route_at: r.try_get(6)?,
                on_scene_at: r.try_get(7)?,
                cleared_at: r.try_get(8)?,
            })
        })
        .collect()
}

/// Records a unit's progress on its assignment (the column is set only the first time).
pub async fn mark_assignment(
    conn: &mut AnyConnection,
    incident_id: &str,
    unit_id: &str,
    status: &str,
    milestone: Option<Milestone>,
    at: i64,
) -> Result<()> {
    let set = match milestone {
        Some(Milestone::Acknowledged) => ", acknowledged_at = COALESCE(acknowledged_at, $2)",
        Some(Milestone::EnRoute) => ", en_route_at = COALESCE(en_route_at, $2)",
        Some(Milestone::OnScene) => ", on_scene_at = COALESCE(on_scene_at, $2)",
        Some(Milestone::Closed) => ", cleared_at = COALESCE(cleared_at, $2)",
        Some(Milestone::Dispatched) | None => ", dispatched_at = COALESCE(dispatched_at, $2)",
    };
    let sql =
        format!("UPDATE assignments SET status = $1{set} WHERE incident_id = $3 AND unit_id = $4");
    sqlx::query(&sql)
        .bind(status)
        .bind(at)
        .bind(incident_id)
        .bind(unit_id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Appends a message to a unit's terminal log; returns its sequence number.
pub async fn push_terminal_message(
    conn: &mut AnyConnection,
    unit_id: &str,
    at: i64,
    kind: &str,
    body: &str,
) -> Result<i64> {
    let row = sqlx::query("SELECT COALESCE(MAX(seq), 0) FROM terminal_messages WHERE unit_id = $1")
        .bind(unit_id)
        .fetch_one(&mut *conn)
        .await?;
    let seq: i64 = row.try_get::<i64, _>(0)? + 1;
    sqlx::query(
        "INSERT INTO terminal_messages (unit_id, seq, at, kind, body) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(unit_id)
    .bind(seq)
    .bind(at)
    .bind(kind)
    .bind(body)
    .execute(conn)
    .await?;
    Ok(seq)
}

#[derive(Debug, Clone, PartialEq)]
pub struct TerminalMessage {
    pub unit_id: String,
    pub seq: i64,
    pub at: i64,
    pub kind: String,
    pub body: String,
}

/// A unit's messages after `after_seq`, in order.
pub async fn terminal_messages_after(
    conn: &mut AnyConnection,
    unit_id: &str,
    after_seq: i64,
) -> Result<Vec<TerminalMessage>> {
    let rows = sqlx::query(
        "SELECT unit_id, seq, at, kind, body FROM terminal_messages WHERE unit_id = $1 AND seq > $2 ORDER BY seq",
    )
    .bind(unit_id)
    .bind(after_seq)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(TerminalMessage {
                unit_id: r.try_get(0)?,
                seq: r.try_get(1)?,
                at: r.try_get(2)?,
                kind: r.try_get(3)?,
                body: r.try_get(4)?,
            })
        })
        .collect()
}

#[derive(Debug, Clone, PartialEq)]
pub struct KeySite {
    pub id: String,
    pub org_id: String,
    pub kind: String,
    pub name_zh: String,
    pub name_en: String,
    pub lat: f64,
    pub lon: f64,
    pub target_secs: i64,
}

pub async fn insert_key_site(conn: &mut AnyConnection, k: &KeySite) -> Result<()> {
    sqlx::query(
        "INSERT INTO key_sites (id, org_id, kind, name_zh, name_en, lat, lon, target_secs) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(&k.id)
    .bind(&k.org_id)
    .bind(&k.kind)
    .bind(&k.name_zh)
    .bind(&k.name_en)
    .bind(k.lat)
    .bind(k.lon)
    .bind(k.target_secs)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn key_sites_under(conn: &mut AnyConnection, path: &str) -> Result<Vec<KeySite>> {
    let rows = sqlx::query(
        "SELECT k.id, k.org_id, k.kind, k.name_zh, k.name_en, k.lat, k.lon, k.target_secs \
         FROM key_sites k JOIN org_units o ON o.id = k.org_id WHERE o.path LIKE $1 ORDER BY k.name_zh",
    )
    .bind(like_prefix(path))
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(KeySite {
                id: r.try_get(0)?,
                org_id: r.try_get(1)?,
                kind: r.try_get(2)?,
                name_zh: r.try_get(3)?,
                name_en: r.try_get(4)?,
                lat: r.try_get(5)?,
                lon: r.try_get(6)?,
                target_secs: r.try_get(7)?,
            })
        })
        .collect()
}

/// Incidents created at or after `since` (numbering within a day).
pub async fn count_incidents_since(conn: &mut AnyConnection, since: i64) -> Result<i64> {
    let row = sqlx::query("SELECT COUNT(*) FROM incidents WHERE created_at >= $1")
        .bind(since)
        .fetch_one(conn)
        .await?;
    Ok(row.try_get(0)?)
}

/// Whether any unit assigned to the incident belongs under `path`.
pub async fn has_assigned_unit_under(
    conn: &mut AnyConnection,
    incident_id: &str,
    path: &str,
) -> Result<bool> {
    let row = sqlx::query(
        "SELECT COUNT(*) FROM assignments a JOIN units u ON u.id = a.unit_id \
         JOIN org_units o ON o.id = u.org_id WHERE a.incident_id = $1 AND o.path LIKE $2",
    )
    .bind(incident_id)
    .bind(like_prefix(path))
    .fetch_one(conn)
    .await?;
    Ok(row.try_get::<i64, _>(0)? > 0)
}

impl crate::Store {
    /// Records AVL fixes in one transaction, outside the audited write path (telemetry; see
    /// `jingwu-app`'s AVL module for why).
    pub async fn record_telemetry(&self, batch: &[Position]) -> Result<()> {
        let mut tx = self.pool().begin().await?;
        record_positions(&mut tx, batch).await?;
        tx.commit().await?;
        Ok(())
    }
}

/// Replaces a unit's crew (a JSON array of usernames).
pub async fn set_unit_crew(conn: &mut AnyConnection, unit_id: &str, crew_json: &str) -> Result<()> {
    sqlx::query("UPDATE units SET crew = $1 WHERE id = $2")
        .bind(crew_json)
        .bind(unit_id)
        .execute(conn)
        .await?;
    Ok(())
}
