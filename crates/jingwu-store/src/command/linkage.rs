//! Linked agencies, the outbound queue and the inbound message ids (migration 2008).

pub use jingwu_command::linkage::{Agency, AgencyKind, DeliveryStatus, OutboundMessage};

use sqlx::{Row, any::AnyRow};

use crate::conn::{Conn, sealed::Raw as _};
use crate::decode::{code, id};
use crate::scope::like_prefix;
use crate::{Result, WriteTx};

const AGENCY_COLUMNS: &str = "a.id, a.code, a.kind, a.name, a.endpoint_url, a.secret, a.enabled, a.org_id, a.created_at, o.path";

/// An agency with the path of the bureau that registered it.
fn agency_from_row(r: &AnyRow) -> Result<(Agency, String)> {
    let enabled: i64 = r.try_get(6)?;
    Ok((
        Agency {
            id: r.try_get(0)?,
            code: r.try_get(1)?,
            kind: code(r, 2)?,
            name: r.try_get(3)?,
            endpoint_url: r.try_get(4)?,
            secret: r.try_get(5)?,
            enabled: enabled != 0,
            org_id: r.try_get(7)?,
            created_at: r.try_get(8)?,
        },
        r.try_get(9)?,
    ))
}

/// Registers an agency unless its code is taken; returns whether it was new.
pub async fn insert_agency(db: &mut WriteTx, a: &Agency) -> Result<bool> {
    let conn = db.raw();
    let done = sqlx::query(
        "INSERT INTO linkage_agencies (id, code, kind, name, endpoint_url, secret, enabled, org_id, \
         created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (code) DO NOTHING",
    )
    .bind(&a.id)
    .bind(&a.code)
    .bind(a.kind.as_str())
    .bind(&a.name)
    .bind(&a.endpoint_url)
    .bind(&a.secret)
    .bind(i64::from(a.enabled))
    .bind(&a.org_id)
    .bind(a.created_at)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Changes an agency's name, endpoint, secret and whether it is enabled.
pub async fn update_agency(db: &mut WriteTx, a: &Agency) -> Result<()> {
    let conn = db.raw();
    sqlx::query(
        "UPDATE linkage_agencies SET kind = $1, name = $2, endpoint_url = $3, secret = $4, \
         enabled = $5 WHERE id = $6",
    )
    .bind(a.kind.as_str())
    .bind(&a.name)
    .bind(&a.endpoint_url)
    .bind(&a.secret)
    .bind(i64::from(a.enabled))
    .bind(&a.id)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn agency_by_code(db: &mut impl Conn, code: &str) -> Result<Option<(Agency, String)>> {
    let conn = db.raw();
    let sql = format!(
        "SELECT {AGENCY_COLUMNS} FROM linkage_agencies a JOIN org_units o ON o.id = a.org_id \
         WHERE a.code = $1"
    );
    let row = sqlx::query(&sql).bind(code).fetch_optional(conn).await?;
    row.as_ref().map(agency_from_row).transpose()
}

pub async fn agency_by_id(db: &mut impl Conn, agency_id: &str) -> Result<Option<(Agency, String)>> {
    let conn = db.raw();
    let sql = format!(
        "SELECT {AGENCY_COLUMNS} FROM linkage_agencies a JOIN org_units o ON o.id = a.org_id \
         WHERE a.id = $1"
    );
    let row = sqlx::query(&sql)
        .bind(agency_id)
        .fetch_optional(conn)
        .await?;
    row.as_ref().map(agency_from_row).transpose()
}

/// Agencies registered at or above `path` (those its dispatchers may notify) and under it
/// (those its admins keep), by code.
pub async fn agencies_for(db: &mut impl Conn, path: &str) -> Result<Vec<(Agency, String)>> {
    let conn = db.raw();
    let sql = format!(
        "SELECT {AGENCY_COLUMNS} FROM linkage_agencies a JOIN org_units o ON o.id = a.org_id \
         WHERE o.path LIKE $1 OR $2 LIKE o.path || '%' ORDER BY a.code"
    );
    let rows = sqlx::query(&sql)
        .bind(like_prefix(path))
        .bind(path)
        .fetch_all(conn)
        .await?;
    rows.iter().map(agency_from_row).collect()
}

const MESSAGE_COLUMNS: &str = "id, incident_id, agency_id, status, body, note, attempts, \
    next_attempt_at, last_error, created_by, created_at, delivered_at, acknowledged_at";

fn message_from_row(r: &AnyRow) -> Result<OutboundMessage> {
    Ok(OutboundMessage {
        id: r.try_get(0)?,
        incident_id: id(r, 1)?,
        agency_id: r.try_get(2)?,
        status: code(r, 3)?,
        body: r.try_get(4)?,
        note: r.try_get(5)?,
        attempts: r.try_get(6)?,
        next_attempt_at: r.try_get(7)?,
        last_error: r.try_get(8)?,
        created_by: r.try_get(9)?,
        created_at: r.try_get(10)?,
        delivered_at: r.try_get(11)?,
        acknowledged_at: r.try_get(12)?,
    })
}

pub async fn insert_message(db: &mut WriteTx, m: &OutboundMessage) -> Result<()> {
    let conn = db.raw();
    sqlx::query(&format!(
        "INSERT INTO linkage_messages ({MESSAGE_COLUMNS}) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)"
    ))
    .bind(&m.id)
    .bind(m.incident_id.as_str())
    .bind(&m.agency_id)
    .bind(m.status.as_str())
    .bind(&m.body)
    .bind(&m.note)
    .bind(m.attempts)
    .bind(m.next_attempt_at)
    .bind(&m.last_error)
    .bind(&m.created_by)
    .bind(m.created_at)
    .bind(m.delivered_at)
    .bind(m.acknowledged_at)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn get_message(db: &mut impl Conn, message_id: &str) -> Result<Option<OutboundMessage>> {
    let conn = db.raw();
    let sql = format!("SELECT {MESSAGE_COLUMNS} FROM linkage_messages WHERE id = $1");
    let row = sqlx::query(&sql)
        .bind(message_id)
        .fetch_optional(conn)
        .await?;
    row.as_ref().map(message_from_row).transpose()
}

pub async fn messages_of_incident(
    db: &mut impl Conn,
    incident_id: &jingwu_core::IncidentId,
) -> Result<Vec<OutboundMessage>> {
    let conn = db.raw();
    let sql = format!(
        "SELECT {MESSAGE_COLUMNS} FROM linkage_messages WHERE incident_id = $1 ORDER BY created_at, id"
    );
    let rows = sqlx::query(&sql)
        .bind(incident_id.as_str())
        .fetch_all(conn)
        .await?;
    rows.iter().map(message_from_row).collect()
}

/// Queued messages whose next attempt is due at `now`, oldest first.
pub async fn due_messages(
    db: &mut impl Conn,
    now: i64,
    limit: i64,
) -> Result<Vec<OutboundMessage>> {
    let conn = db.raw();
    let sql = format!(
        "SELECT {MESSAGE_COLUMNS} FROM linkage_messages WHERE status = 'queued' \
         AND next_attempt_at <= $1 ORDER BY next_attempt_at, id LIMIT $2"
    );
    let rows = sqlx::query(&sql)
        .bind(now)
        .bind(limit)
        .fetch_all(conn)
        .await?;
    rows.iter().map(message_from_row).collect()
}

/// Takes the next attempt of a queued message: counts it and holds the message until
/// `hold_until`, if it is still queued with `attempts` attempts (so only one sender takes it).
pub async fn take_attempt(
    db: &mut WriteTx,
    message_id: &str,
    attempts: i64,
    hold_until: i64,
) -> Result<bool> {
    let conn = db.raw();
    let done = sqlx::query(
        "UPDATE linkage_messages SET attempts = attempts + 1, next_attempt_at = $1 \
         WHERE id = $2 AND status = 'queued' AND attempts = $3",
    )
    .bind(hold_until)
    .bind(message_id)
    .bind(attempts)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Records the outcome of attempt number `attempts`, if nothing else did meanwhile: delivered
/// at `at`, queued again for `next_attempt_at`, or failed — with the error when there was one.
pub async fn record_outcome(
    db: &mut WriteTx,
    message_id: &str,
    attempts: i64,
    status: DeliveryStatus,
    next_attempt_at: i64,
    error: Option<&str>,
    at: i64,
) -> Result<bool> {
    let conn = db.raw();
    let delivered_at = (status == DeliveryStatus::Delivered).then_some(at);
    let done = sqlx::query(
        "UPDATE linkage_messages SET status = $1, next_attempt_at = $2, last_error = $3, \
         delivered_at = $4 WHERE id = $5 AND status = 'queued' AND attempts = $6",
    )
    .bind(status.as_str())
    .bind(next_attempt_at)
    .bind(error)
    .bind(delivered_at)
    .bind(message_id)
    .bind(attempts)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Marks a message acknowledged by its agency (whatever its delivery state: an agency may
/// answer before our side recorded the delivery); returns whether this call did.
pub async fn acknowledge_message(db: &mut WriteTx, message_id: &str, at: i64) -> Result<bool> {
    let conn = db.raw();
    let done = sqlx::query(
        "UPDATE linkage_messages SET status = 'acknowledged', acknowledged_at = $1, \
         delivered_at = COALESCE(delivered_at, $2) WHERE id = $3 AND status <> 'acknowledged'",
    )
    .bind(at)
    .bind(at)
    .bind(message_id)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Remembers an inbound message id; false when the agency sent it before (a replay).
pub async fn remember_inbound(
    db: &mut WriteTx,
    agency_id: &str,
    message_id: &str,
    at: i64,
) -> Result<bool> {
    let conn = db.raw();
    let done = sqlx::query(
        "INSERT INTO linkage_inbound (agency_id, message_id, received_at) VALUES ($1, $2, $3) \
         ON CONFLICT (agency_id, message_id) DO NOTHING",
    )
    .bind(agency_id)
    .bind(message_id)
    .bind(at)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}
