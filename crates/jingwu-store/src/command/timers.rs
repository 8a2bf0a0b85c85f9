//! Timer limits per bureau and the overdue alerts raised (migration 2008).

pub use jingwu_command::timers::{AlertLevel, TimerAlert, TimerKind, TimerLimits};

use sqlx::{Row, any::AnyRow};

use crate::conn::{Conn, sealed::Raw as _};
use crate::decode::{code, id};
use crate::scope::like_prefix;
use crate::{Result, WriteTx};

const LIMIT_COLUMNS: &str = "l.acknowledge_s, l.arrival_p1_s, l.arrival_p2_s, l.arrival_p3_s, \
    l.arrival_p4_s, l.on_scene_s, l.handover_s, l.escalate_after_s";

fn limits_from_row(r: &AnyRow) -> Result<TimerLimits> {
    Ok(TimerLimits {
        acknowledge_s: r.try_get(0)?,
        arrival_p1_s: r.try_get(1)?,
        arrival_p2_s: r.try_get(2)?,
        arrival_p3_s: r.try_get(3)?,
        arrival_p4_s: r.try_get(4)?,
        on_scene_s: r.try_get(5)?,
        handover_s: r.try_get(6)?,
        escalate_after_s: r.try_get(7)?,
    })
}

/// The limits that apply at `path`: those of the nearest org unit at or above it that set
/// its own, with that unit's id; `None` when none did (the defaults apply).
pub async fn limits_for_path(
    db: &mut impl Conn,
    path: &str,
) -> Result<Option<(TimerLimits, String)>> {
    let conn = db.raw();
    let sql = format!(
        "SELECT {LIMIT_COLUMNS}, l.org_id FROM timer_limits l JOIN org_units o ON o.id = l.org_id \
         WHERE $1 LIKE o.path || '%' ORDER BY LENGTH(o.path) DESC LIMIT 1"
    );
    let row = sqlx::query(&sql).bind(path).fetch_optional(conn).await?;
    row.as_ref()
        .map(|r| Ok((limits_from_row(r)?, r.try_get(8)?)))
        .transpose()
}

pub async fn set_limits(
    db: &mut WriteTx,
    org_id: &str,
    l: &TimerLimits,
    by: &str,
    at: i64,
) -> Result<()> {
    let conn = db.raw();
    sqlx::query(
        "INSERT INTO timer_limits (org_id, acknowledge_s, arrival_p1_s, arrival_p2_s, arrival_p3_s, \
         arrival_p4_s, on_scene_s, handover_s, escalate_after_s, updated_by, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT (org_id) DO UPDATE SET \
         acknowledge_s = excluded.acknowledge_s, arrival_p1_s = excluded.arrival_p1_s, \
         arrival_p2_s = excluded.arrival_p2_s, arrival_p3_s = excluded.arrival_p3_s, \
         arrival_p4_s = excluded.arrival_p4_s, on_scene_s = excluded.on_scene_s, \
         handover_s = excluded.handover_s, escalate_after_s = excluded.escalate_after_s, \
         updated_by = excluded.updated_by, updated_at = excluded.updated_at",
    )
    .bind(org_id)
    .bind(l.acknowledge_s)
    .bind(l.arrival_p1_s)
    .bind(l.arrival_p2_s)
    .bind(l.arrival_p3_s)
    .bind(l.arrival_p4_s)
    .bind(l.on_scene_s)
    .bind(l.handover_s)
    .bind(l.escalate_after_s)
    .bind(by)
    .bind(at)
    .execute(conn)
    .await?;
    Ok(())
}

const ALERT_COLUMNS: &str = "a.id, a.incident_id, a.kind, a.subject, a.level, a.org_id, a.due_at, \
    a.raised_at, a.acknowledged_at, a.acknowledged_by, o.path";

fn alert_from_row(r: &AnyRow) -> Result<(TimerAlert, String)> {
    Ok((
        TimerAlert {
            id: r.try_get(0)?,
            incident_id: id(r, 1)?,
            kind: code(r, 2)?,
            subject: r.try_get(3)?,
            level: code(r, 4)?,
            org_id: r.try_get(5)?,
            due_at: r.try_get(6)?,
            raised_at: r.try_get(7)?,
            acknowledged_at: r.try_get(8)?,
            acknowledged_by: r.try_get(9)?,
        },
        r.try_get(10)?,
    ))
}

/// Records an alert unless this timer's level was raised already (by this node or another);
/// returns whether it was new.
pub async fn insert_alert(db: &mut WriteTx, a: &TimerAlert) -> Result<bool> {
    let conn = db.raw();
    let done = sqlx::query(
        "INSERT INTO timer_alerts (id, incident_id, kind, subject, level, org_id, due_at, raised_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
         ON CONFLICT (incident_id, kind, subject, level) DO NOTHING",
    )
    .bind(&a.id)
    .bind(a.incident_id.as_str())
    .bind(a.kind.as_str())
    .bind(&a.subject)
    .bind(a.level.as_str())
    .bind(&a.org_id)
    .bind(a.due_at)
    .bind(a.raised_at)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The alerts of an incident, oldest first, with the alerted room's path.
pub async fn alerts_of_incident(
    db: &mut impl Conn,
    incident_id: &jingwu_core::IncidentId,
) -> Result<Vec<(TimerAlert, String)>> {
    let conn = db.raw();
    let sql = format!(
        "SELECT {ALERT_COLUMNS} FROM timer_alerts a JOIN org_units o ON o.id = a.org_id \
         WHERE a.incident_id = $1 ORDER BY a.raised_at, a.id"
    );
    let rows = sqlx::query(&sql)
        .bind(incident_id.as_str())
        .fetch_all(conn)
        .await?;
    rows.iter().map(alert_from_row).collect()
}

/// Alerts sent to rooms under `path` raised since `since`, newest first; only the ones not
/// acknowledged when `open_only`.
pub async fn alerts_under(
    db: &mut impl Conn,
    path: &str,
    since: i64,
    open_only: bool,
    limit: i64,
) -> Result<Vec<(TimerAlert, String)>> {
    let conn = db.raw();
    let open = if open_only {
        " AND a.acknowledged_at IS NULL"
    } else {
        ""
    };
    let sql = format!(
        "SELECT {ALERT_COLUMNS} FROM timer_alerts a JOIN org_units o ON o.id = a.org_id \
         WHERE o.path LIKE $1 AND a.raised_at >= $2{open} ORDER BY a.raised_at DESC, a.id LIMIT $3"
    );
    let rows = sqlx::query(&sql)
        .bind(like_prefix(path))
        .bind(since)
        .bind(limit)
        .fetch_all(conn)
        .await?;
    rows.iter().map(alert_from_row).collect()
}

pub async fn get_alert(db: &mut impl Conn, alert_id: &str) -> Result<Option<(TimerAlert, String)>> {
    let conn = db.raw();
    let sql = format!(
        "SELECT {ALERT_COLUMNS} FROM timer_alerts a JOIN org_units o ON o.id = a.org_id WHERE a.id = $1"
    );
    let row = sqlx::query(&sql)
        .bind(alert_id)
        .fetch_optional(conn)
        .await?;
    row.as_ref().map(alert_from_row).transpose()
}

/// Marks an alert acknowledged if nobody did yet; returns whether this call did.
pub async fn acknowledge_alert(
    db: &mut WriteTx,
    alert_id: &str,
    by: &str,
    at: i64,
) -> Result<bool> {
    let conn = db.raw();
    let done = sqlx::query(
        "UPDATE timer_alerts SET acknowledged_at = $1, acknowledged_by = $2 \
         WHERE id = $3 AND acknowledged_at IS NULL",
    )
    .bind(at)
    .bind(by)
    .bind(alert_id)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Ids of the incidents still open (not closed or merged): those whose timers may run.
pub async fn open_incident_ids(db: &mut impl Conn) -> Result<Vec<jingwu_core::IncidentId>> {
    let conn = db.raw();
    let rows = sqlx::query(
        "SELECT id FROM incidents WHERE status NOT IN ('closed', 'merged') ORDER BY created_at",
    )
    .fetch_all(conn)
    .await?;
    rows.iter().map(|r| id(r, 0)).collect()
}
