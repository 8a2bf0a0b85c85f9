//! The notification outbox: messages (SMS, app push) written in the transaction of the change
//! that causes them, for a gateway to deliver. Shared by every system (one-time codes,
//! appointment reminders).

use sqlx::Row;

use crate::conn::{Conn, sealed::Raw as _};
use crate::{Result, WriteTx};

/// A message left for a recipient.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxMessage {
    pub id: String,
    pub channel: String,
    pub recipient: String,
    pub body: String,
    pub created_at: i64,
    pub sent_at: Option<i64>,
}

pub async fn insert_outbox(db: &mut WriteTx, m: &OutboxMessage) -> Result<()> {
    sqlx::query(
        "INSERT INTO notification_outbox (id, channel, recipient, body, created_at, sent_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(&m.id)
    .bind(&m.channel)
    .bind(&m.recipient)
    .bind(&m.body)
    .bind(m.created_at)
    .bind(m.sent_at)
    .execute(db.raw())
    .await?;
    Ok(())
}

/// The newest messages for `recipient`, newest first.
pub async fn outbox_for(
    db: &mut impl Conn,
    recipient: &str,
    limit: i64,
) -> Result<Vec<OutboxMessage>> {
    let rows = sqlx::query(
        "SELECT id, channel, recipient, body, created_at, sent_at FROM notification_outbox \
         WHERE recipient = $1 ORDER BY created_at DESC, id DESC LIMIT $2",
    )
    .bind(recipient)
    .bind(limit)
    .fetch_all(db.raw())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(OutboxMessage {
                id: r.try_get(0)?,
                channel: r.try_get(1)?,
                recipient: r.try_get(2)?,
                body: r.try_get(3)?,
                created_at: r.try_get(4)?,
                sent_at: r.try_get(5)?,
            })
        })
        .collect()
}
