//! Storage of the shared payment service (fines and fees): channels and their keys, orders,
//! refunds ([`refunds`]) and the sandbox channel's own ledger ([`sandbox`]). An order moves
//! `pending → paid` only by a conditional update that also records the channel's transaction
//! id, which is unique: one payment settles one order once.

pub mod refunds;
pub mod sandbox;

pub use jingwu_payments::records::{Channel, Order, OrderId, Refund, RefundId};

use jingwu_payments::{Fen, OrderStatus};
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::conn::{Conn, sealed::Raw as _};
use crate::decode::{code, id};
use crate::{Result, WriteTx};

pub async fn insert_channel(db: &mut WriteTx, c: &Channel) -> Result<()> {
    sqlx::query(
        "INSERT INTO payment_channels (code, app_id, merchant_public_pem, merchant_private_pem, \
         channel_public_pem, channel_private_pem, created_at, gateway_url) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(&c.code)
    .bind(&c.app_id)
    .bind(&c.merchant_public_pem)
    .bind(c.merchant_private_pem.clone())
    .bind(&c.channel_public_pem)
    .bind(c.channel_private_pem.clone())
    .bind(c.created_at)
    .bind(c.gateway_url.clone())
    .execute(db.raw())
    .await?;
    Ok(())
}

pub async fn channel(db: &mut impl Conn, code: &str) -> Result<Option<Channel>> {
    let row = sqlx::query(
        "SELECT code, app_id, merchant_public_pem, merchant_private_pem, channel_public_pem, \
         channel_private_pem, created_at, gateway_url FROM payment_channels WHERE code = $1",
    )
    .bind(code)
    .fetch_optional(db.raw())
    .await?;
    row.map(|r| {
        Ok(Channel {
            code: r.try_get(0)?,
            app_id: r.try_get(1)?,
            merchant_public_pem: r.try_get(2)?,
            merchant_private_pem: r.try_get(3)?,
            channel_public_pem: r.try_get(4)?,
            channel_private_pem: r.try_get(5)?,
            created_at: r.try_get(6)?,
            gateway_url: r.try_get(7)?,
        })
    })
    .transpose()
}

/// Sets where requests to a channel are posted (`None`: called in process, the sandbox only).
/// False when there is no such channel.
pub async fn set_gateway(db: &mut WriteTx, code: &str, url: Option<&str>) -> Result<bool> {
    let r = sqlx::query("UPDATE payment_channels SET gateway_url = $1 WHERE code = $2")
        .bind(url.map(str::to_owned))
        .bind(code)
        .execute(db.raw())
        .await?;
    Ok(r.rows_affected() == 1)
}

const COLUMNS: &str = "p.id, p.org_id, p.channel, p.subject_kind, p.subject_id, p.payer_id, \
     p.fine_fen, p.surcharge_fen, p.amount_fen, p.status, p.created_at, p.expires_at, \
     p.trade_no, p.paid_at, p.settled_at, p.refunded_fen, o.path";

fn decode(r: &AnyRow) -> Result<(Order, String)> {
    Ok((
        Order {
            id: id(r, 0)?,
            org_id: id(r, 1)?,
            channel: r.try_get(2)?,
            subject_kind: r.try_get(3)?,
            subject_id: r.try_get(4)?,
            payer_id: id(r, 5)?,
            fine: Fen(r.try_get(6)?),
            surcharge: Fen(r.try_get(7)?),
            amount: Fen(r.try_get(8)?),
            status: code(r, 9)?,
            created_at: r.try_get(10)?,
            expires_at: r.try_get(11)?,
            trade_no: r.try_get(12)?,
            paid_at: r.try_get(13)?,
            settled_at: r.try_get(14)?,
            refunded: Fen(r.try_get(15)?),
        },
        r.try_get(16)?,
    ))
}

pub async fn insert_order(db: &mut WriteTx, o: &Order) -> Result<()> {
    sqlx::query(
        "INSERT INTO payment_orders (id, org_id, channel, subject_kind, subject_id, payer_id, \
         fine_fen, surcharge_fen, amount_fen, status, created_at, expires_at, trade_no, paid_at, \
         settled_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)",
    )
    .bind(o.id.as_str())
    .bind(o.org_id.as_str())
    .bind(&o.channel)
    .bind(&o.subject_kind)
    .bind(&o.subject_id)
    .bind(o.payer_id.as_str())
    .bind(o.fine.0)
    .bind(o.surcharge.0)
    .bind(o.amount.0)
    .bind(o.status.as_str())
    .bind(o.created_at)
    .bind(o.expires_at)
    .bind(o.trade_no.clone())
    .bind(o.paid_at)
    .bind(o.settled_at)
    .execute(db.raw())
    .await?;
    Ok(())
}

/// An order and the path of the org unit it is paid to.
pub async fn order(db: &mut impl Conn, id: &str) -> Result<Option<(Order, String)>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM payment_orders p JOIN org_units o ON o.id = p.org_id \
         WHERE p.id = $1"
    );
    let row = sqlx::query(&sql).bind(id).fetch_optional(db.raw()).await?;
    row.as_ref().map(decode).transpose()
}

/// The orders made for one subject, newest first.
pub async fn orders_for(db: &mut impl Conn, kind: &str, subject_id: &str) -> Result<Vec<Order>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM payment_orders p JOIN org_units o ON o.id = p.org_id \
         WHERE p.subject_kind = $1 AND p.subject_id = $2 ORDER BY p.created_at DESC, p.id"
    );
    let rows = sqlx::query(&sql)
        .bind(kind)
        .bind(subject_id)
        .fetch_all(db.raw())
        .await?;
    rows.iter().map(|r| decode(r).map(|(o, _)| o)).collect()
}

/// Every order of one channel created in `[from, to)`, for reconciliation.
pub async fn orders_between(
    db: &mut impl Conn,
    channel: &str,
    from: i64,
    to: i64,
) -> Result<Vec<Order>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM payment_orders p JOIN org_units o ON o.id = p.org_id \
         WHERE p.channel = $1 AND p.created_at >= $2 AND p.created_at < $3 ORDER BY p.id"
    );
    let rows = sqlx::query(&sql)
        .bind(channel)
        .bind(from)
        .bind(to)
        .fetch_all(db.raw())
        .await?;
    rows.iter().map(|r| decode(r).map(|(o, _)| o)).collect()
}

/// Settles an order not yet paid (pending, swept to expired, or closed — the channel took the
/// money anyway) with the channel's transaction. False when it was paid already, by this
/// transaction or another.
pub async fn settle_order(
    db: &mut WriteTx,
    id: &str,
    trade_no: &str,
    paid_at: i64,
    settled_at: i64,
) -> Result<bool> {
    let r = sqlx::query(
        "UPDATE payment_orders SET status = $1, trade_no = $2, paid_at = $3, settled_at = $4 \
         WHERE id = $5 AND status <> $6 AND trade_no IS NULL",
    )
    .bind(OrderStatus::Paid.as_str())
    .bind(trade_no)
    .bind(paid_at)
    .bind(settled_at)
    .bind(id)
    .bind(OrderStatus::Paid.as_str())
    .execute(db.raw())
    .await?;
    Ok(r.rows_affected() == 1)
}

/// Closes the other pending orders of a subject once one of them is paid (or it is revoked).
pub async fn close_pending_orders(
    db: &mut WriteTx,
    kind: &str,
    subject_id: &str,
    except: &str,
) -> Result<u64> {
    let r = sqlx::query(
        "UPDATE payment_orders SET status = $1 WHERE subject_kind = $2 AND subject_id = $3 \
         AND id <> $4 AND status = $5",
    )
    .bind(OrderStatus::Closed.as_str())
    .bind(kind)
    .bind(subject_id)
    .bind(except)
    .bind(OrderStatus::Pending.as_str())
    .execute(db.raw())
    .await?;
    Ok(r.rows_affected())
}
