//! What the approval window's statistics are computed from: the portal's counters (visits and
//! online progress queries, unaudited telemetry), and the rows of applications, decisions and
//! tickets in a period.

use sqlx::Row;

use crate::conn::{Conn, sealed::Raw as _};
use crate::decode::{code, opt_date};
use crate::scope::like_prefix;
use crate::{Result, TelemetryTx};

/// Counts one more `kind` (`visit`, `progress_query`) on `day`.
pub async fn bump_counter(
    db: &mut TelemetryTx,
    day: jiff::civil::Date,
    kind: &str,
    by: i64,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO permit_counters (day, kind, n) VALUES ($1, $2, $3) \
         ON CONFLICT (day, kind) DO UPDATE SET n = permit_counters.n + excluded.n",
    )
    .bind(day.to_string())
    .bind(kind)
    .bind(by)
    .execute(db.raw())
    .await?;
    Ok(())
}

/// Counter totals by kind for days in `[from, to]`.
pub async fn counters(
    db: &mut impl Conn,
    from: jiff::civil::Date,
    to: jiff::civil::Date,
) -> Result<Vec<(String, i64)>> {
    let rows = sqlx::query(
        "SELECT kind, CAST(SUM(n) AS BIGINT) FROM permit_counters WHERE day >= $1 AND day <= $2 GROUP BY kind \
         ORDER BY kind",
    )
    .bind(from.to_string())
    .bind(to.to_string())
    .fetch_all(db.raw())
    .await?;
    rows.iter()
        .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
        .collect()
}

/// One application's facts for statistics.
#[derive(Debug, Clone)]
pub struct ApplicationFacts {
    pub status: jingwu_permits::applications::ApplicationStatus,
    pub deadline: Option<jiff::civil::Date>,
    pub approved_on: Option<jiff::civil::Date>,
    pub mailed_on: Option<jiff::civil::Date>,
    /// When it was approved or rejected (the last such step).
    pub decided_at: Option<i64>,
}

/// Applications under `path` created in `[from, to)`.
pub async fn application_facts(
    db: &mut impl Conn,
    path: &str,
    from: i64,
    to: i64,
) -> Result<Vec<ApplicationFacts>> {
    let rows = sqlx::query(
        "SELECT a.status, a.deadline, a.approved_on, a.mailed_on, \
         (SELECT MAX(s.at) FROM permit_application_steps s WHERE s.application_id = a.id \
          AND s.status IN ('approved', 'rejected')) \
         FROM permit_applications a JOIN org_units o ON o.id = a.org_id \
         WHERE o.path LIKE $1 AND a.created_at >= $2 AND a.created_at < $3",
    )
    .bind(like_prefix(path))
    .bind(from)
    .bind(to)
    .fetch_all(db.raw())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(ApplicationFacts {
                status: code(r, 0)?,
                deadline: opt_date(r, 1)?,
                approved_on: opt_date(r, 2)?,
                mailed_on: opt_date(r, 3)?,
                decided_at: r.try_get(4)?,
            })
        })
        .collect()
}

/// Tickets of offices under `path` checked in during `[from, to)`:
/// `(priority, state, checked_in_at, called_at, serving_at, done_at)`.
pub async fn ticket_times(
    db: &mut impl Conn,
    path: &str,
    from: i64,
    to: i64,
) -> Result<Vec<TicketTimes>> {
    let rows = sqlx::query(
        "SELECT t.priority, t.state, t.checked_in_at, t.called_at, t.serving_at, t.done_at \
         FROM permit_tickets t JOIN permit_offices f ON f.id = t.office_id \
         JOIN org_units o ON o.id = f.org_id \
         WHERE o.path LIKE $1 AND t.checked_in_at >= $2 AND t.checked_in_at < $3",
    )
    .bind(like_prefix(path))
    .bind(from)
    .bind(to)
    .fetch_all(db.raw())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(TicketTimes {
                priority: code(r, 0)?,
                state: code(r, 1)?,
                checked_in_at: r.try_get(2)?,
                called_at: r.try_get(3)?,
                serving_at: r.try_get(4)?,
                done_at: r.try_get(5)?,
            })
        })
        .collect()
}

/// A ticket's times for statistics.
#[derive(Debug, Clone)]
pub struct TicketTimes {
    pub priority: jingwu_permits::queue::Priority,
    pub state: jingwu_permits::queue::TicketState,
    pub checked_in_at: i64,
    pub called_at: Option<i64>,
    pub serving_at: Option<i64>,
    pub done_at: Option<i64>,
}
