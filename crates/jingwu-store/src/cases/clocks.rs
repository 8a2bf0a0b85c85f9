//! What both kinds of legal clock share: the facts a use case needs about a clock wherever it
//! is kept (a measure in the handling area, a case deadline), extensions and their decisions
//! (`clock_extensions`), and the alerts already raised (`clock_alerts`, one row per clock and
//! level, so a job raises each once).

use jingwu_cases::clock::{Alert, ClockFacts, ClockKind, Extension, ExtensionStatus};
use sqlx::Row;

use crate::conn::{Conn, sealed::Raw as _};
use crate::decode::{code, id};
use crate::scope::like_prefix;
use crate::{Result, StoreError, WriteTx};

const MEASURES: &str = "SELECT 'measure' AS kind, m.id AS clock_id, m.limit_code, m.started_at, \
     m.ended_at AS stopped_at, o.path AS org_path, COALESCE(lo.path, o.path) AS legal_path, \
     c.handler_id, k.supervisor_id, c.case_id, c.id AS custody_id \
     FROM area_measures m JOIN area_custodies c ON c.id = m.custody_id \
     JOIN org_units o ON o.id = c.org_id \
     LEFT JOIN cases k ON k.id = c.case_id LEFT JOIN org_units lo ON lo.id = k.legal_org_id";

const DEADLINES: &str = "SELECT 'deadline' AS kind, d.id AS clock_id, d.limit_code, d.started_at, \
     d.met_at AS stopped_at, o.path AS org_path, lo.path AS legal_path, k.handler_id, \
     k.supervisor_id, k.id AS case_id, NULL AS custody_id \
     FROM case_deadlines d JOIN cases k ON k.id = d.case_id \
     JOIN org_units o ON o.id = k.org_id JOIN org_units lo ON lo.id = k.legal_org_id";

fn facts(r: &sqlx::any::AnyRow) -> Result<ClockFacts> {
    Ok(ClockFacts {
        kind: code(r, 0)?,
        id: r.try_get(1)?,
        limit_code: r.try_get(2)?,
        started_at: r.try_get(3)?,
        stopped_at: r.try_get(4)?,
        org_path: r.try_get(5)?,
        legal_org_path: r.try_get(6)?,
        handler_id: r.try_get(7)?,
        supervisor_id: r.try_get(8)?,
        case_id: r.try_get(9)?,
        custody_id: r.try_get(10)?,
    })
}

/// One clock's facts.
pub async fn clock_facts(
    db: &mut impl Conn,
    kind: ClockKind,
    clock_id: &str,
) -> Result<Option<ClockFacts>> {
    let sql = match kind {
        ClockKind::Measure => format!("{MEASURES} WHERE m.id = $1"),
        ClockKind::Deadline => format!("{DEADLINES} WHERE d.id = $1"),
    };
    let row = sqlx::query(&sql)
        .bind(clock_id)
        .fetch_optional(db.raw())
        .await?;
    row.as_ref().map(facts).transpose()
}

/// Every clock that has not stopped, measures first, oldest first (for the alert job and the
/// supervisors' overdue list; callers filter by path).
pub async fn running_clocks(db: &mut impl Conn) -> Result<Vec<ClockFacts>> {
    let sql = format!(
        "{MEASURES} WHERE m.ended_at IS NULL UNION ALL {DEADLINES} WHERE d.met_at IS NULL \
         ORDER BY 1 DESC, 4"
    );
    let rows = sqlx::query(&sql).fetch_all(db.raw()).await?;
    rows.iter().map(facts).collect()
}

/// The sum of a clock's approved extensions, in minutes.
pub async fn approved_minutes(db: &mut impl Conn, kind: ClockKind, clock_id: &str) -> Result<i64> {
    let row = sqlx::query(
        "SELECT CAST(COALESCE(SUM(minutes), 0) AS BIGINT) FROM clock_extensions \
         WHERE clock = $1 AND clock_id = $2 AND status = 'approved'",
    )
    .bind(kind.as_str())
    .bind(clock_id)
    .fetch_one(db.raw())
    .await?;
    Ok(row.try_get(0)?)
}

const EXT_COLUMNS: &str = "id, clock, clock_id, minutes, reason, requested_by, requested_at, \
                           status, decided_by, decided_level, decided_at, decision_note";

fn decode_extension(r: &sqlx::any::AnyRow) -> Result<Extension> {
    let level: Option<String> = r.try_get(9)?;
    Ok(Extension {
        id: id(r, 0)?,
        clock: code(r, 1)?,
        clock_id: r.try_get(2)?,
        minutes: r.try_get(3)?,
        reason: r.try_get(4)?,
        requested_by: r.try_get(5)?,
        requested_at: r.try_get(6)?,
        status: code(r, 7)?,
        decided_by: r.try_get(8)?,
        decided_level: level
            .map(|l| {
                jingwu_core::OrgKind::parse(&l).ok_or(StoreError::UnknownCode {
                    what: "org kind",
                    value: l,
                })
            })
            .transpose()?,
        decided_at: r.try_get(10)?,
        decision_note: r.try_get(11)?,
    })
}

pub async fn insert_extension(db: &mut WriteTx, e: &Extension) -> Result<()> {
    sqlx::query(
        "INSERT INTO clock_extensions (id, clock, clock_id, minutes, reason, requested_by, \
         requested_at, status, decided_by, decided_level, decided_at, decision_note) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, NULL, NULL, NULL, NULL)",
    )
    .bind(e.id.as_str())
    .bind(e.clock.as_str())
    .bind(&e.clock_id)
    .bind(e.minutes)
    .bind(&e.reason)
    .bind(&e.requested_by)
    .bind(e.requested_at)
    .bind(ExtensionStatus::Requested.as_str())
    .execute(db.raw())
    .await?;
    Ok(())
}

pub async fn extension(db: &mut impl Conn, extension_id: &str) -> Result<Option<Extension>> {
    let row = sqlx::query(&format!(
        "SELECT {EXT_COLUMNS} FROM clock_extensions WHERE id = $1"
    ))
    .bind(extension_id)
    .fetch_optional(db.raw())
    .await?;
    row.as_ref().map(decode_extension).transpose()
}

/// A clock's extensions, oldest first.
pub async fn extensions_of(
    db: &mut impl Conn,
    kind: ClockKind,
    clock_id: &str,
) -> Result<Vec<Extension>> {
    let rows = sqlx::query(&format!(
        "SELECT {EXT_COLUMNS} FROM clock_extensions WHERE clock = $1 AND clock_id = $2 \
         ORDER BY requested_at, id"
    ))
    .bind(kind.as_str())
    .bind(clock_id)
    .fetch_all(db.raw())
    .await?;
    rows.iter().map(decode_extension).collect()
}

/// Extensions waiting for a decision, oldest first (callers filter by the clock's path).
pub async fn pending_extensions(db: &mut impl Conn) -> Result<Vec<Extension>> {
    let rows = sqlx::query(&format!(
        "SELECT {EXT_COLUMNS} FROM clock_extensions WHERE status = 'requested' \
         ORDER BY requested_at, id"
    ))
    .fetch_all(db.raw())
    .await?;
    rows.iter().map(decode_extension).collect()
}

/// Decides a requested extension; false when it was decided already (a concurrent decision
/// won).
pub async fn decide_extension(db: &mut WriteTx, e: &Extension) -> Result<bool> {
    let r = sqlx::query(
        "UPDATE clock_extensions SET status = $1, decided_by = $2, decided_level = $3, \
         decided_at = $4, decision_note = $5 WHERE id = $6 AND status = 'requested'",
    )
    .bind(e.status.as_str())
    .bind(e.decided_by.as_deref())
    .bind(e.decided_level.map(|k| k.as_str()))
    .bind(e.decided_at)
    .bind(e.decision_note.as_deref())
    .bind(e.id.as_str())
    .execute(db.raw())
    .await?;
    Ok(r.rows_affected() == 1)
}

/// Records that `alert` was raised for a clock; false when it had been already.
pub async fn record_alert(
    db: &mut WriteTx,
    kind: ClockKind,
    clock_id: &str,
    alert: Alert,
    at: i64,
) -> Result<bool> {
    let r = sqlx::query(
        "INSERT INTO clock_alerts (clock, clock_id, level, at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (clock, clock_id, level) DO NOTHING",
    )
    .bind(kind.as_str())
    .bind(clock_id)
    .bind(alert.as_str())
    .bind(at)
    .execute(db.raw())
    .await?;
    Ok(r.rows_affected() == 1)
}

/// The alerts raised for a clock, in order.
pub async fn alerts_of(
    db: &mut impl Conn,
    kind: ClockKind,
    clock_id: &str,
) -> Result<Vec<(Alert, i64)>> {
    let rows = sqlx::query(
        "SELECT level, at FROM clock_alerts WHERE clock = $1 AND clock_id = $2 ORDER BY at",
    )
    .bind(kind.as_str())
    .bind(clock_id)
    .fetch_all(db.raw())
    .await?;
    rows.iter()
        .map(|r| Ok((code(r, 0)?, r.try_get(1)?)))
        .collect()
}

/// Alerts raised since `since` for clocks handled under `org_prefix` or — for a legal office
/// — supervised under `legal_prefix`, latest first, at most `limit`: each with its clock's
/// facts, level and the instant it was reached.
pub async fn alerts_under(
    db: &mut impl Conn,
    org_prefix: &str,
    legal_prefix: Option<&str>,
    since: i64,
    limit: i64,
) -> Result<Vec<(ClockFacts, Alert, i64)>> {
    let sql = format!(
        "SELECT f.kind, f.clock_id, f.limit_code, f.started_at, f.stopped_at, f.org_path, \
         f.legal_path, f.handler_id, f.supervisor_id, f.case_id, f.custody_id, a.level, a.at \
         FROM clock_alerts a JOIN ({MEASURES} UNION ALL {DEADLINES}) f \
         ON f.kind = a.clock AND f.clock_id = a.clock_id \
         WHERE (f.org_path LIKE $1 OR f.legal_path LIKE $2) AND a.at >= $3 \
         ORDER BY a.at DESC, f.clock_id, a.level LIMIT $4"
    );
    let rows = sqlx::query(&sql)
        .bind(like_prefix(org_prefix))
        // No legal office: a pattern no path matches.
        .bind(legal_prefix.map_or_else(|| "-".to_owned(), like_prefix))
        .bind(since)
        .bind(limit)
        .fetch_all(db.raw())
        .await?;
    rows.iter()
        .map(|r| Ok((facts(r)?, code(r, 11)?, r.try_get(12)?)))
        .collect()
}
