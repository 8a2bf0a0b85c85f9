//! Tickets of the window queue. Numbers come from a per-office, per-day, per-prefix counter
//! bumped in the ticket's transaction; calling a ticket is a conditional update on its state,
//! so two windows never call the same ticket.

use jiff::civil::Date;
use jingwu_permits::queue::TicketState;
use jingwu_permits::records::Ticket;
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::conn::{Conn, sealed::Raw as _};
use crate::decode::{code, date, id, opt_id};
use crate::{Result, WriteTx};

const COLUMNS: &str = "id, office_id, day, number, item_code, priority, state, appointment_id, \
     window_id, name, recalls, checked_in_at, called_at, serving_at, done_at";

fn decode(r: &AnyRow) -> Result<Ticket> {
    Ok(Ticket {
        id: id(r, 0)?,
        office_id: id(r, 1)?,
        day: date(r, 2)?,
        number: r.try_get(3)?,
        item_code: r.try_get(4)?,
        priority: code(r, 5)?,
        state: code(r, 6)?,
        appointment_id: opt_id(r, 7)?,
        window_id: opt_id(r, 8)?,
        name: r.try_get(9)?,
        recalls: u32::try_from(r.try_get::<i32, _>(10)?).unwrap_or(0),
        checked_in_at: r.try_get(11)?,
        called_at: r.try_get(12)?,
        serving_at: r.try_get(13)?,
        done_at: r.try_get(14)?,
    })
}

/// The next number of `prefix` at an office on `day` (1, 2, …).
pub async fn next_ticket_seq(
    db: &mut WriteTx,
    office_id: &str,
    day: Date,
    prefix: char,
) -> Result<u32> {
    let n: i32 = sqlx::query_scalar(
        "INSERT INTO permit_ticket_numbers (office_id, day, prefix, last) VALUES ($1, $2, $3, 1) \
         ON CONFLICT (office_id, day, prefix) DO UPDATE SET last = permit_ticket_numbers.last + 1 \
         RETURNING last",
    )
    .bind(office_id)
    .bind(day.to_string())
    .bind(prefix.to_string())
    .fetch_one(db.raw())
    .await?;
    Ok(u32::try_from(n).unwrap_or(0))
}

pub async fn insert_ticket(db: &mut WriteTx, t: &Ticket) -> Result<()> {
    sqlx::query(
        "INSERT INTO permit_tickets (id, office_id, day, number, item_code, priority, state, \
         appointment_id, window_id, name, recalls, checked_in_at, called_at, serving_at, done_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)",
    )
    .bind(t.id.as_str())
    .bind(t.office_id.as_str())
    .bind(t.day.to_string())
    .bind(&t.number)
    .bind(&t.item_code)
    .bind(t.priority.as_str())
    .bind(t.state.as_str())
    .bind(t.appointment_id.as_ref().map(|a| a.as_str().to_owned()))
    .bind(t.window_id.as_ref().map(|w| w.as_str().to_owned()))
    .bind(&t.name)
    .bind(i32::try_from(t.recalls).unwrap_or(i32::MAX))
    .bind(t.checked_in_at)
    .bind(t.called_at)
    .bind(t.serving_at)
    .bind(t.done_at)
    .execute(db.raw())
    .await?;
    Ok(())
}

pub async fn ticket(db: &mut impl Conn, ticket_id: &str) -> Result<Option<Ticket>> {
    let sql = format!("SELECT {COLUMNS} FROM permit_tickets WHERE id = $1");
    let row = sqlx::query(&sql)
        .bind(ticket_id)
        .fetch_optional(db.raw())
        .await?;
    row.as_ref().map(decode).transpose()
}

pub async fn ticket_of_appointment(
    db: &mut impl Conn,
    appointment_id: &str,
) -> Result<Option<Ticket>> {
    let sql = format!("SELECT {COLUMNS} FROM permit_tickets WHERE appointment_id = $1");
    let row = sqlx::query(&sql)
        .bind(appointment_id)
        .fetch_optional(db.raw())
        .await?;
    row.as_ref().map(decode).transpose()
}

/// An office's tickets of `day` and those of earlier days still open, in check-in order: the
/// queue call-next serves ([`waiting`] is of any day), so a ticket taken just before midnight
/// is seen after it, and leftovers are seen by the staff who close them.
pub async fn tickets_on(db: &mut impl Conn, office_id: &str, day: Date) -> Result<Vec<Ticket>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM permit_tickets WHERE office_id = $1 \
         AND (day = $2 OR state IN ('waiting', 'called', 'serving')) \
         ORDER BY checked_in_at, id"
    );
    let rows = sqlx::query(&sql)
        .bind(office_id)
        .bind(day.to_string())
        .fetch_all(db.raw())
        .await?;
    rows.iter().map(decode).collect()
}

/// The waiting tickets of an office (any day: yesterday's leftovers are closed by staff).
pub async fn waiting(db: &mut impl Conn, office_id: &str) -> Result<Vec<Ticket>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM permit_tickets WHERE office_id = $1 AND state = 'waiting' \
         ORDER BY checked_in_at, id"
    );
    let rows = sqlx::query(&sql)
        .bind(office_id)
        .fetch_all(db.raw())
        .await?;
    rows.iter().map(decode).collect()
}

/// What a ticket move changes besides its state.
#[derive(Debug, Clone, Default)]
pub struct TicketMove<'a> {
    pub window_id: Option<&'a str>,
    /// Clear the window (a transfer to an item rather than to a window).
    pub clear_window: bool,
    pub item_code: Option<&'a str>,
    pub called_at: Option<i64>,
    pub serving_at: Option<i64>,
    pub done_at: Option<i64>,
    pub recall: bool,
}

/// Moves a ticket from `from` to `to`. False when it was not in `from` any more (another
/// window called it first).
pub async fn move_ticket(
    db: &mut WriteTx,
    ticket_id: &str,
    from: TicketState,
    to: TicketState,
    m: &TicketMove<'_>,
) -> Result<bool> {
    let r = sqlx::query(
        "UPDATE permit_tickets SET state = $1, \
         window_id = CASE WHEN $2 = 1 THEN NULL ELSE COALESCE($3, window_id) END, \
         item_code = COALESCE($4, item_code), called_at = COALESCE($5, called_at), \
         serving_at = COALESCE($6, serving_at), done_at = COALESCE($7, done_at), \
         recalls = recalls + $8 WHERE id = $9 AND state = $10",
    )
    .bind(to.as_str())
    .bind(i32::from(m.clear_window))
    .bind(m.window_id.map(str::to_owned))
    .bind(m.item_code.map(str::to_owned))
    .bind(m.called_at)
    .bind(m.serving_at)
    .bind(m.done_at)
    .bind(i32::from(m.recall))
    .bind(ticket_id)
    .bind(from.as_str())
    .execute(db.raw())
    .await?;
    Ok(r.rows_affected() == 1)
}
