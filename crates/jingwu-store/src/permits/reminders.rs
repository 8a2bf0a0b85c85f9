//! The reminder outbox of appointments: rows written in the booking's transaction, cancelled
//! with the appointment, and marked sent by a conditional update in the transaction that
//! queues the message, so each is sent once.

use jingwu_permits::booking::ReminderKind;
use jingwu_permits::records::Reminder;
use sqlx::Row;

use crate::conn::{Conn, sealed::Raw as _};
use crate::decode::{code, id};
use crate::{Result, WriteTx};

pub async fn insert_reminder(db: &mut WriteTx, r: &Reminder) -> Result<()> {
    sqlx::query(
        "INSERT INTO permit_reminders (appointment_id, kind, due_at, sent_at, cancelled_at) \
         VALUES ($1, $2, $3, NULL, NULL)",
    )
    .bind(r.appointment_id.as_str())
    .bind(r.kind.as_str())
    .bind(r.due_at)
    .execute(db.raw())
    .await?;
    Ok(())
}

/// Cancels the unsent reminders of an appointment.
pub async fn cancel_reminders(db: &mut WriteTx, appointment_id: &str, now: i64) -> Result<()> {
    sqlx::query(
        "UPDATE permit_reminders SET cancelled_at = $1 WHERE appointment_id = $2 \
         AND sent_at IS NULL AND cancelled_at IS NULL",
    )
    .bind(now)
    .bind(appointment_id)
    .execute(db.raw())
    .await?;
    Ok(())
}

/// Reminders due by `now`, neither sent nor cancelled, oldest first.
pub async fn due_reminders(db: &mut impl Conn, now: i64, limit: i64) -> Result<Vec<Reminder>> {
    let rows = sqlx::query(
        "SELECT appointment_id, kind, due_at, sent_at FROM permit_reminders \
         WHERE due_at <= $1 AND sent_at IS NULL AND cancelled_at IS NULL ORDER BY due_at LIMIT $2",
    )
    .bind(now)
    .bind(limit)
    .fetch_all(db.raw())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Reminder {
                appointment_id: id(r, 0)?,
                kind: code(r, 1)?,
                due_at: r.try_get(2)?,
                sent_at: r.try_get(3)?,
            })
        })
        .collect()
}

/// An appointment's reminders, due order.
pub async fn reminders_of(db: &mut impl Conn, appointment_id: &str) -> Result<Vec<Reminder>> {
    let rows = sqlx::query(
        "SELECT appointment_id, kind, due_at, sent_at FROM permit_reminders \
         WHERE appointment_id = $1 AND cancelled_at IS NULL ORDER BY due_at",
    )
    .bind(appointment_id)
    .fetch_all(db.raw())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Reminder {
                appointment_id: id(r, 0)?,
                kind: code(r, 1)?,
                due_at: r.try_get(2)?,
                sent_at: r.try_get(3)?,
            })
        })
        .collect()
}

/// Marks a reminder sent. False when it was sent or cancelled meanwhile (then nothing is
/// queued).
pub async fn mark_reminder_sent(
    db: &mut WriteTx,
    appointment_id: &str,
    kind: ReminderKind,
    now: i64,
) -> Result<bool> {
    let r = sqlx::query(
        "UPDATE permit_reminders SET sent_at = $1 WHERE appointment_id = $2 AND kind = $3 \
         AND sent_at IS NULL AND cancelled_at IS NULL",
    )
    .bind(now)
    .bind(appointment_id)
    .bind(kind.as_str())
    .execute(db.raw())
    .await?;
    Ok(r.rows_affected() == 1)
}
