//! Slots and their places. A slot's row is made when it is first booked, with the office's
//! capacity at that time; a place is taken by a conditional update that cannot pass the
//! slot's share (permits.md §4.1), so no interleaving of bookings on either backend
//! overbooks. A table CHECK repeats the rule for any other writer.

use jingwu_permits::capacity::{Pool, SlotCounts};
use jingwu_permits::records::Slot;
use sqlx::Row;

use crate::conn::{Conn, sealed::Raw as _};
use crate::{Result, WriteTx};

fn int(v: u32) -> i32 {
    i32::try_from(v).unwrap_or(i32::MAX)
}

/// Makes the slot's row if it does not exist yet.
pub async fn ensure_slot(
    db: &mut WriteTx,
    office_id: &str,
    (starts_at, ends_at): (i64, i64),
    capacity: u32,
    green_reserved: u32,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO permit_slots (office_id, starts_at, ends_at, capacity, green_reserved, \
         booked, booked_green) VALUES ($1, $2, $3, $4, $5, 0, 0) \
         ON CONFLICT (office_id, starts_at) DO NOTHING",
    )
    .bind(office_id)
    .bind(starts_at)
    .bind(ends_at)
    .bind(int(capacity))
    .bind(int(green_reserved.min(capacity)))
    .execute(db.raw())
    .await?;
    Ok(())
}

/// Takes one place of `pool` in the slot. False when the pool is full.
pub async fn take_place(
    db: &mut WriteTx,
    office_id: &str,
    starts_at: i64,
    pool: Pool,
) -> Result<bool> {
    let sql = match pool {
        Pool::General => {
            "UPDATE permit_slots SET booked = booked + 1 WHERE office_id = $1 AND starts_at = $2 \
             AND booked < capacity - green_reserved"
        }
        Pool::Green => {
            "UPDATE permit_slots SET booked_green = booked_green + 1 WHERE office_id = $1 \
             AND starts_at = $2 AND booked_green < green_reserved"
        }
    };
    let r = sqlx::query(sql)
        .bind(office_id)
        .bind(starts_at)
        .execute(db.raw())
        .await?;
    Ok(r.rows_affected() == 1)
}

/// Gives a place of `pool` back (a cancellation, a lapsed hold, a reschedule).
pub async fn release_place(
    db: &mut WriteTx,
    office_id: &str,
    starts_at: i64,
    pool: Pool,
) -> Result<()> {
    let sql = match pool {
        Pool::General => {
            "UPDATE permit_slots SET booked = booked - 1 WHERE office_id = $1 AND starts_at = $2 \
             AND booked > 0"
        }
        Pool::Green => {
            "UPDATE permit_slots SET booked_green = booked_green - 1 WHERE office_id = $1 \
             AND starts_at = $2 AND booked_green > 0"
        }
    };
    sqlx::query(sql)
        .bind(office_id)
        .bind(starts_at)
        .execute(db.raw())
        .await?;
    Ok(())
}

/// The slot rows of an office starting in `[from, to)`.
pub async fn slots_between(
    db: &mut impl Conn,
    office_id: &str,
    from: i64,
    to: i64,
) -> Result<Vec<Slot>> {
    let rows = sqlx::query(
        "SELECT starts_at, ends_at, capacity, green_reserved, booked, booked_green \
         FROM permit_slots WHERE office_id = $1 AND starts_at >= $2 AND starts_at < $3 \
         ORDER BY starts_at",
    )
    .bind(office_id)
    .bind(from)
    .bind(to)
    .fetch_all(db.raw())
    .await?;
    rows.iter()
        .map(|r| {
            let n = |i: usize| -> Result<u32> {
                Ok(u32::try_from(r.try_get::<i32, _>(i)?).unwrap_or(0))
            };
            Ok(Slot {
                starts_at: r.try_get(0)?,
                ends_at: r.try_get(1)?,
                counts: SlotCounts {
                    capacity: n(2)?,
                    green_reserved: n(3)?,
                    booked: n(4)?,
                    booked_green: n(5)?,
                },
            })
        })
        .collect()
}

/// After an office's settings change: future slots nobody booked are forgotten (they are made
/// again from the new settings), and booked ones take the new capacity where their bookings
/// still fit in it (otherwise they keep the capacity their bookings were made under).
pub async fn refit_slots(
    db: &mut WriteTx,
    office_id: &str,
    from: i64,
    capacity: u32,
    green_reserved: u32,
) -> Result<()> {
    sqlx::query(
        "DELETE FROM permit_slots WHERE office_id = $1 AND starts_at >= $2 AND booked = 0 \
         AND booked_green = 0",
    )
    .bind(office_id)
    .bind(from)
    .execute(db.raw())
    .await?;
    let green = green_reserved.min(capacity);
    sqlx::query(
        "UPDATE permit_slots SET capacity = $1, green_reserved = $2 WHERE office_id = $3 \
         AND starts_at >= $4 AND booked_green <= $5 AND booked <= $6",
    )
    .bind(int(capacity))
    .bind(int(green))
    .bind(office_id)
    .bind(from)
    .bind(int(green))
    .bind(int(capacity - green))
    .execute(db.raw())
    .await?;
    Ok(())
}
