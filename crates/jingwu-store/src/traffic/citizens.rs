//! Citizens, their one-time codes and the outbox the built-in notifier writes to.

pub use jingwu_traffic::records::Citizen;

use sqlx::Row;
use sqlx::any::AnyRow;

use crate::conn::{Conn, sealed::Raw as _};
use crate::decode::id;
use crate::{Result, WriteTx};

const COLUMNS: &str = "user_id, real_name, resident_id, mobile, created_at";

fn decode(r: &AnyRow) -> Result<Citizen> {
    Ok(Citizen {
        user_id: id(r, 0)?,
        real_name: r.try_get(1)?,
        resident_id: r.try_get(2)?,
        mobile: r.try_get(3)?,
        created_at: r.try_get(4)?,
    })
}

pub async fn insert_citizen(db: &mut WriteTx, c: &Citizen) -> Result<()> {
    sqlx::query(
        "INSERT INTO traffic_citizens (user_id, real_name, resident_id, mobile, created_at) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(c.user_id.as_str())
    .bind(&c.real_name)
    .bind(&c.resident_id)
    .bind(&c.mobile)
    .bind(c.created_at)
    .execute(db.raw())
    .await?;
    Ok(())
}

pub async fn citizen(db: &mut impl Conn, user_id: &str) -> Result<Option<Citizen>> {
    let sql = format!("SELECT {COLUMNS} FROM traffic_citizens WHERE user_id = $1");
    let row = sqlx::query(&sql)
        .bind(user_id)
        .fetch_optional(db.raw())
        .await?;
    row.as_ref().map(decode).transpose()
}

pub async fn citizen_by_resident_id(
    db: &mut impl Conn,
    resident_id: &str,
) -> Result<Option<Citizen>> {
    let sql = format!("SELECT {COLUMNS} FROM traffic_citizens WHERE resident_id = $1");
    let row = sqlx::query(&sql)
        .bind(resident_id)
        .fetch_optional(db.raw())
        .await?;
    row.as_ref().map(decode).transpose()
}

pub async fn mobile_taken(db: &mut impl Conn, mobile: &str) -> Result<bool> {
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM traffic_citizens WHERE mobile = $1")
        .bind(mobile)
        .fetch_one(db.raw())
        .await?;
    Ok(n > 0)
}

/// A one-time code as stored (its hash only).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OtpCode {
    pub id: String,
    pub mobile: String,
    pub purpose: String,
    pub code_hash: String,
    pub created_at: i64,
    pub expires_at: i64,
    pub attempts: i64,
    pub used_at: Option<i64>,
}

pub async fn insert_otp(db: &mut WriteTx, c: &OtpCode) -> Result<()> {
    sqlx::query(
        "INSERT INTO traffic_otp_codes (id, mobile, purpose, code_hash, created_at, expires_at, \
         attempts, used_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(&c.id)
    .bind(&c.mobile)
    .bind(&c.purpose)
    .bind(&c.code_hash)
    .bind(c.created_at)
    .bind(c.expires_at)
    .bind(c.attempts)
    .bind(c.used_at)
    .execute(db.raw())
    .await?;
    Ok(())
}

/// Codes sent to `mobile` since `since` (for throttling).
pub async fn otps_sent_since(db: &mut impl Conn, mobile: &str, since: i64) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "SELECT COUNT(*) FROM traffic_otp_codes WHERE mobile = $1 AND created_at >= $2",
    )
    .bind(mobile)
    .bind(since)
    .fetch_one(db.raw())
    .await?)
}

/// The newest unused, unexpired code for `mobile` and `purpose`.
pub async fn live_otp(
    db: &mut impl Conn,
    mobile: &str,
    purpose: &str,
    now: i64,
) -> Result<Option<OtpCode>> {
    let row = sqlx::query(
        "SELECT id, mobile, purpose, code_hash, created_at, expires_at, attempts, used_at \
         FROM traffic_otp_codes WHERE mobile = $1 AND purpose = $2 AND used_at IS NULL \
         AND expires_at > $3 ORDER BY created_at DESC LIMIT 1",
    )
    .bind(mobile)
    .bind(purpose)
    .bind(now)
    .fetch_optional(db.raw())
    .await?;
    row.map(|r| {
        Ok(OtpCode {
            id: r.try_get(0)?,
            mobile: r.try_get(1)?,
            purpose: r.try_get(2)?,
            code_hash: r.try_get(3)?,
            created_at: r.try_get(4)?,
            expires_at: r.try_get(5)?,
            attempts: r.try_get(6)?,
            used_at: r.try_get(7)?,
        })
    })
    .transpose()
}

/// Counts a wrong guess; a code is dead after `max` of them.
pub async fn otp_failed(db: &mut WriteTx, id: &str) -> Result<()> {
    sqlx::query("UPDATE traffic_otp_codes SET attempts = attempts + 1 WHERE id = $1")
        .bind(id)
        .execute(db.raw())
        .await?;
    Ok(())
}

/// Uses a code once: false when it was used (or is gone) already.
pub async fn use_otp(db: &mut WriteTx, id: &str, now: i64) -> Result<bool> {
    let r =
        sqlx::query("UPDATE traffic_otp_codes SET used_at = $1 WHERE id = $2 AND used_at IS NULL")
            .bind(now)
            .bind(id)
            .execute(db.raw())
            .await?;
    Ok(r.rows_affected() == 1)
}
