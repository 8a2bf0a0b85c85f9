//! The sandbox channel's own ledger, kept apart from our orders as a provider keeps its books:
//! the trades it took and the refunds it paid out of them. A refund is inserted with a
//! conditional update of its trade's refunded total (at most the trade's amount, also a check
//! on the row), and `(trade_no, out_request_no)` is unique: one request refunds once.

use jingwu_payments::Fen;
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::conn::{Conn, sealed::Raw as _};
use crate::{Result, WriteTx};

/// A trade the sandbox took.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SandboxTrade {
    pub trade_no: String,
    pub app_id: String,
    pub out_trade_no: String,
    pub amount: Fen,
    pub refunded: Fen,
    pub paid_at: i64,
}

/// A refund the sandbox paid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SandboxRefund {
    pub refund_id: String,
    pub trade_no: String,
    pub out_request_no: String,
    pub amount: Fen,
    pub reason: String,
    pub refunded_at: i64,
}

const TRADE_COLUMNS: &str = "trade_no, app_id, out_trade_no, amount_fen, refunded_fen, paid_at";

fn trade(r: &AnyRow) -> Result<SandboxTrade> {
    Ok(SandboxTrade {
        trade_no: r.try_get(0)?,
        app_id: r.try_get(1)?,
        out_trade_no: r.try_get(2)?,
        amount: Fen(r.try_get(3)?),
        refunded: Fen(r.try_get(4)?),
        paid_at: r.try_get(5)?,
    })
}

const REFUND_COLUMNS: &str = "refund_id, trade_no, out_request_no, amount_fen, reason, refunded_at";

fn refund(r: &AnyRow) -> Result<SandboxRefund> {
    Ok(SandboxRefund {
        refund_id: r.try_get(0)?,
        trade_no: r.try_get(1)?,
        out_request_no: r.try_get(2)?,
        amount: Fen(r.try_get(3)?),
        reason: r.try_get(4)?,
        refunded_at: r.try_get(5)?,
    })
}

pub async fn insert_trade(db: &mut WriteTx, t: &SandboxTrade) -> Result<()> {
    sqlx::query(&format!(
        "INSERT INTO payment_sandbox_trades ({TRADE_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6)"
    ))
    .bind(&t.trade_no)
    .bind(&t.app_id)
    .bind(&t.out_trade_no)
    .bind(t.amount.0)
    .bind(t.refunded.0)
    .bind(t.paid_at)
    .execute(db.raw())
    .await?;
    Ok(())
}

pub async fn trade_by_no(db: &mut impl Conn, trade_no: &str) -> Result<Option<SandboxTrade>> {
    let row = sqlx::query(&format!(
        "SELECT {TRADE_COLUMNS} FROM payment_sandbox_trades WHERE trade_no = $1"
    ))
    .bind(trade_no)
    .fetch_optional(db.raw())
    .await?;
    row.as_ref().map(trade).transpose()
}

/// The trade that paid one order of ours (at most one: the ledger takes one per order).
pub async fn trades_of_order(db: &mut impl Conn, out_trade_no: &str) -> Result<Vec<SandboxTrade>> {
    let rows = sqlx::query(&format!(
        "SELECT {TRADE_COLUMNS} FROM payment_sandbox_trades WHERE out_trade_no = $1 \
         ORDER BY paid_at, trade_no"
    ))
    .bind(out_trade_no)
    .fetch_all(db.raw())
    .await?;
    rows.iter().map(trade).collect()
}

pub async fn refund_of_request(
    db: &mut impl Conn,
    trade_no: &str,
    out_request_no: &str,
) -> Result<Option<SandboxRefund>> {
    let row = sqlx::query(&format!(
        "SELECT {REFUND_COLUMNS} FROM payment_sandbox_refunds \
         WHERE trade_no = $1 AND out_request_no = $2"
    ))
    .bind(trade_no)
    .bind(out_request_no)
    .fetch_optional(db.raw())
    .await?;
    row.as_ref().map(refund).transpose()
}

/// Pays `r` out of its trade. False when the trade's refunds would exceed its amount
/// (nothing changed).
pub async fn insert_refund(db: &mut WriteTx, r: &SandboxRefund) -> Result<bool> {
    let moved = sqlx::query(
        "UPDATE payment_sandbox_trades SET refunded_fen = refunded_fen + $1 \
         WHERE trade_no = $2 AND refunded_fen + $3 <= amount_fen",
    )
    .bind(r.amount.0)
    .bind(&r.trade_no)
    .bind(r.amount.0)
    .execute(db.raw())
    .await?;
    if moved.rows_affected() != 1 {
        return Ok(false);
    }
    sqlx::query(&format!(
        "INSERT INTO payment_sandbox_refunds ({REFUND_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6)"
    ))
    .bind(&r.refund_id)
    .bind(&r.trade_no)
    .bind(&r.out_request_no)
    .bind(r.amount.0)
    .bind(&r.reason)
    .bind(r.refunded_at)
    .execute(db.raw())
    .await?;
    Ok(true)
}

/// The refunds paid out of one trade, oldest first.
pub async fn refunds_of_trade(db: &mut impl Conn, trade_no: &str) -> Result<Vec<SandboxRefund>> {
    let rows = sqlx::query(&format!(
        "SELECT {REFUND_COLUMNS} FROM payment_sandbox_refunds WHERE trade_no = $1 \
         ORDER BY refunded_at, refund_id"
    ))
    .bind(trade_no)
    .fetch_all(db.raw())
    .await?;
    rows.iter().map(refund).collect()
}

/// The trades paid and the refunds paid in `[from, to)`, each with its trade: a statement.
pub async fn statement(
    db: &mut impl Conn,
    from: i64,
    to: i64,
) -> Result<(Vec<SandboxTrade>, Vec<(SandboxRefund, SandboxTrade)>)> {
    let rows = sqlx::query(&format!(
        "SELECT {TRADE_COLUMNS} FROM payment_sandbox_trades WHERE paid_at >= $1 AND paid_at < $2 \
         ORDER BY paid_at, trade_no"
    ))
    .bind(from)
    .bind(to)
    .fetch_all(db.raw())
    .await?;
    let trades = rows.iter().map(trade).collect::<Result<Vec<_>>>()?;
    let rows = sqlx::query(&format!(
        "SELECT {REFUND_COLUMNS} FROM payment_sandbox_refunds \
         WHERE refunded_at >= $1 AND refunded_at < $2 ORDER BY refunded_at, refund_id"
    ))
    .bind(from)
    .bind(to)
    .fetch_all(db.raw())
    .await?;
    let mut refunds = Vec::with_capacity(rows.len());
    for r in &rows {
        let r = refund(r)?;
        if let Some(t) = trade_by_no(db, &r.trade_no).await? {
            refunds.push((r, t));
        }
    }
    Ok((trades, refunds))
}
