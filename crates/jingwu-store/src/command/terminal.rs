//! Each unit's durable terminal message log (per-unit sequence numbers).

pub use jingwu_command::records::{MessageKind, TerminalMessage};

use sqlx::Row;

use crate::conn::{Conn, sealed::Raw as _};
use crate::decode::{code, id};
use crate::{Result, WriteTx};

/// Appends a message to a unit's terminal log; returns its sequence number.
pub async fn push_terminal_message(
    db: &mut WriteTx,
    unit_id: &str,
    at: i64,
    kind: &str,
    body: &str,
) -> Result<i64> {
    let conn = db.raw();
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

/// A unit's messages after `after_seq`, in order.
pub async fn terminal_messages_after(
    db: &mut impl Conn,
    unit_id: &str,
    after_seq: i64,
) -> Result<Vec<TerminalMessage>> {
    let conn = db.raw();
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
                unit_id: id(r, 0)?,
                seq: r.try_get(1)?,
                at: r.try_get(2)?,
                kind: code(r, 3)?,
                body: r.try_get(4)?,
            })
        })
        .collect()
}

/// The sequence number of a unit's newest message (0 for an empty log).
pub async fn last_terminal_seq(db: &mut impl Conn, unit_id: &str) -> Result<i64> {
    let row = sqlx::query("SELECT COALESCE(MAX(seq), 0) FROM terminal_messages WHERE unit_id = $1")
        .bind(unit_id)
        .fetch_one(db.raw())
        .await?;
    Ok(row.try_get::<i64, _>(0)?)
}
