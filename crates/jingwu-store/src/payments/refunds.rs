//! Refunds of orders. A refund is inserted together with a conditional update of its order's
//! refunded total (`refunded_fen + amount ≤ amount_fen`, also a check on the row), so two
//! decisions can never refund more than was paid; it then moves `requested → succeeded |
//! failed_final` only by conditional updates on its status and attempt count, so two job runs
//! (or two nodes) record one outcome.

use jingwu_payments::records::{Order, Refund};
use jingwu_payments::{Fen, OrderStatus, RefundStatus};
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::conn::{Conn, sealed::Raw as _};
use crate::decode::{code, id};
use crate::scope::like_prefix;
use crate::{Result, WriteTx};

const COLUMNS: &str = "r.id, r.order_id, r.out_request_no, r.amount_fen, r.reason, r.status, \
     r.attempts, r.next_attempt_at, r.last_error, r.channel_refund_id, r.requested_at, r.done_at";

fn decode(r: &AnyRow) -> Result<Refund> {
    Ok(Refund {
        id: id(r, 0)?,
        order_id: id(r, 1)?,
        out_request_no: r.try_get(2)?,
        amount: Fen(r.try_get(3)?),
        reason: code(r, 4)?,
        status: code(r, 5)?,
        attempts: u32::try_from(r.try_get::<i32, _>(6)?).unwrap_or(0),
        next_attempt_at: r.try_get(7)?,
        last_error: r.try_get(8)?,
        channel_refund_id: r.try_get(9)?,
        requested_at: r.try_get(10)?,
        done_at: r.try_get(11)?,
    })
}

/// Adds `amount` to what is refunded of a paid order. False when the order is not paid or the
/// refunds would exceed what it paid (nothing changed).
pub async fn reserve(db: &mut WriteTx, order_id: &str, amount: Fen) -> Result<bool> {
    let r = sqlx::query(
        "UPDATE payment_orders SET refunded_fen = refunded_fen + $1 \
         WHERE id = $2 AND status = $3 AND refunded_fen + $4 <= amount_fen",
    )
    .bind(amount.0)
    .bind(order_id)
    .bind(OrderStatus::Paid.as_str())
    .bind(amount.0)
    .execute(db.raw())
    .await?;
    Ok(r.rows_affected() == 1)
}

pub async fn insert(db: &mut WriteTx, r: &Refund) -> Result<()> {
    sqlx::query(
        "INSERT INTO payment_refunds (id, order_id, out_request_no, amount_fen, reason, status, \
         attempts, next_attempt_at, last_error, channel_refund_id, requested_at, done_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
    )
    .bind(r.id.as_str())
    .bind(r.order_id.as_str())
    .bind(&r.out_request_no)
    .bind(r.amount.0)
    .bind(r.reason.as_str())
    .bind(r.status.as_str())
    .bind(i32::try_from(r.attempts).unwrap_or(i32::MAX))
    .bind(r.next_attempt_at)
    .bind(r.last_error.clone())
    .bind(r.channel_refund_id.clone())
    .bind(r.requested_at)
    .bind(r.done_at)
    .execute(db.raw())
    .await?;
    Ok(())
}

pub async fn refund(db: &mut impl Conn, id: &str) -> Result<Option<Refund>> {
    let sql = format!("SELECT {COLUMNS} FROM payment_refunds r WHERE r.id = $1");
    let row = sqlx::query(&sql).bind(id).fetch_optional(db.raw()).await?;
    row.as_ref().map(decode).transpose()
}

/// Requested refunds due by `now`, the longest waiting first.
pub async fn due(db: &mut impl Conn, now: i64, limit: i64) -> Result<Vec<Refund>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM payment_refunds r WHERE r.status = $1 AND r.next_attempt_at <= $2 \
         ORDER BY r.next_attempt_at, r.id LIMIT $3"
    );
    let rows = sqlx::query(&sql)
        .bind(RefundStatus::Requested.as_str())
        .bind(now)
        .bind(limit)
        .fetch_all(db.raw())
        .await?;
    rows.iter().map(decode).collect()
}

/// The refunds of one order, oldest first.
pub async fn of_order(db: &mut impl Conn, order_id: &str) -> Result<Vec<Refund>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM payment_refunds r WHERE r.order_id = $1 \
         ORDER BY r.requested_at, r.id"
    );
    let rows = sqlx::query(&sql).bind(order_id).fetch_all(db.raw()).await?;
    rows.iter().map(decode).collect()
}

/// The refunds of every order of one subject, oldest first.
pub async fn of_subject(db: &mut impl Conn, kind: &str, subject_id: &str) -> Result<Vec<Refund>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM payment_refunds r JOIN payment_orders p ON p.id = r.order_id \
         WHERE p.subject_kind = $1 AND p.subject_id = $2 ORDER BY r.requested_at, r.id"
    );
    let rows = sqlx::query(&sql)
        .bind(kind)
        .bind(subject_id)
        .fetch_all(db.raw())
        .await?;
    rows.iter().map(decode).collect()
}

/// Refunds of `status` on orders paid to org units under `path`, of the subject kinds listed
/// (comma-separated), newest first: the staff's list.
pub async fn under(
    db: &mut impl Conn,
    path: &str,
    status: RefundStatus,
    kinds: &[&str],
    limit: i64,
) -> Result<Vec<(Refund, Order)>> {
    let sql = format!(
        "SELECT {COLUMNS}, p.id FROM payment_refunds r JOIN payment_orders p ON p.id = r.order_id \
         JOIN org_units o ON o.id = p.org_id \
         WHERE o.path LIKE $1 AND r.status = $2 \
         AND (',' || $3 || ',') LIKE ('%,' || p.subject_kind || ',%') \
         ORDER BY r.requested_at DESC, r.id LIMIT $4"
    );
    let rows = sqlx::query(&sql)
        .bind(like_prefix(path))
        .bind(status.as_str())
        .bind(kinds.join(","))
        .bind(limit)
        .fetch_all(db.raw())
        .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in &rows {
        let refund = decode(r)?;
        let order_id: String = r.try_get(12)?;
        if let Some((order, _)) = super::order(db, &order_id).await? {
            out.push((refund, order));
        }
    }
    Ok(out)
}

/// The refund with this request number.
pub async fn by_request_no(db: &mut impl Conn, out_request_no: &str) -> Result<Option<Refund>> {
    let sql = format!("SELECT {COLUMNS} FROM payment_refunds r WHERE r.out_request_no = $1");
    let row = sqlx::query(&sql)
        .bind(out_request_no)
        .fetch_optional(db.raw())
        .await?;
    row.as_ref().map(decode).transpose()
}

/// Refunds of orders of one channel that succeeded in `[from, to)`, for reconciliation.
pub async fn done_between(
    db: &mut impl Conn,
    channel: &str,
    from: i64,
    to: i64,
) -> Result<Vec<Refund>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM payment_refunds r JOIN payment_orders p ON p.id = r.order_id \
         WHERE p.channel = $1 AND r.status = $2 AND r.done_at >= $3 AND r.done_at < $4 \
         ORDER BY r.id"
    );
    let rows = sqlx::query(&sql)
        .bind(channel)
        .bind(RefundStatus::Succeeded.as_str())
        .bind(from)
        .bind(to)
        .fetch_all(db.raw())
        .await?;
    rows.iter().map(decode).collect()
}

/// Takes the next attempt of a requested refund that had `attempts` calls and is due by `now`:
/// counts it and sets when the one after is due (should this one fail or never answer). False
/// when another run took it first or it is no longer requested.
pub async fn claim(
    db: &mut WriteTx,
    id: &str,
    attempts: u32,
    now: i64,
    retry_at: i64,
) -> Result<bool> {
    let r = sqlx::query(
        "UPDATE payment_refunds SET attempts = $1, next_attempt_at = $2 \
         WHERE id = $3 AND status = $4 AND attempts = $5 AND next_attempt_at <= $6",
    )
    .bind(i32::try_from(attempts.saturating_add(1)).unwrap_or(i32::MAX))
    .bind(retry_at)
    .bind(id)
    .bind(RefundStatus::Requested.as_str())
    .bind(i32::try_from(attempts).unwrap_or(i32::MAX))
    .bind(now)
    .execute(db.raw())
    .await?;
    Ok(r.rows_affected() == 1)
}

/// Records a requested refund done. False when it was recorded (or given up) already.
pub async fn succeed(
    db: &mut WriteTx,
    id: &str,
    channel_refund_id: Option<&str>,
    at: i64,
) -> Result<bool> {
    let r = sqlx::query(
        "UPDATE payment_refunds SET status = $1, channel_refund_id = $2, done_at = $3, \
         last_error = NULL WHERE id = $4 AND status = $5",
    )
    .bind(RefundStatus::Succeeded.as_str())
    .bind(channel_refund_id.map(str::to_owned))
    .bind(at)
    .bind(id)
    .bind(RefundStatus::Requested.as_str())
    .execute(db.raw())
    .await?;
    Ok(r.rows_affected() == 1)
}

/// Records why attempt number `attempt` failed; with `give_up`, the refund is `failed_final`.
/// False when the refund moved on meanwhile (done, given up, or attempted again).
pub async fn fail(
    db: &mut WriteTx,
    id: &str,
    attempt: u32,
    error: &str,
    give_up: bool,
    at: i64,
) -> Result<bool> {
    let (status, done_at) = if give_up {
        (RefundStatus::FailedFinal, Some(at))
    } else {
        (RefundStatus::Requested, None)
    };
    let r = sqlx::query(
        "UPDATE payment_refunds SET last_error = $1, status = $2, done_at = $3 \
         WHERE id = $4 AND status = $5 AND attempts = $6",
    )
    .bind(error)
    .bind(status.as_str())
    .bind(done_at)
    .bind(id)
    .bind(RefundStatus::Requested.as_str())
    .bind(i32::try_from(attempt).unwrap_or(i32::MAX))
    .execute(db.raw())
    .await?;
    Ok(r.rows_affected() == 1)
}
