//! Point reduction: study quizzes, the vouchers they earn (ningbo2016) and the reductions
//! granted. A quiz is submitted once and a source earns one reduction only (conditional
//! update and a unique `source_id`).

pub use jingwu_traffic::records::{Quiz, QuizId, ReductionId, ReductionRecord, Voucher, VoucherId};

use sqlx::Row;
use sqlx::any::AnyRow;

use super::day;
use crate::conn::{Conn, sealed::Raw as _};
use crate::decode::{code, date, id, opt_id};
use crate::{Result, WriteTx};

pub async fn insert_reduction(db: &mut WriteTx, r: &ReductionRecord) -> Result<()> {
    sqlx::query(
        "INSERT INTO traffic_reductions (id, licence_id, points, method, profile, granted_on, \
         granted_at, violation_id, source_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(r.id.as_str())
    .bind(r.licence_id.as_str())
    .bind(i64::from(r.points))
    .bind(r.method.as_str())
    .bind(r.profile.as_str())
    .bind(day(r.granted_on))
    .bind(r.granted_at)
    .bind(r.violation_id.as_ref().map(|v| v.as_str().to_owned()))
    .bind(r.source_id.clone())
    .execute(db.raw())
    .await?;
    Ok(())
}

pub async fn reductions_on(db: &mut impl Conn, licence_id: &str) -> Result<Vec<ReductionRecord>> {
    let rows = sqlx::query(
        "SELECT id, licence_id, points, method, profile, granted_on, granted_at, violation_id, \
         source_id FROM traffic_reductions WHERE licence_id = $1 ORDER BY granted_at, id",
    )
    .bind(licence_id)
    .fetch_all(db.raw())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(ReductionRecord {
                id: id(r, 0)?,
                licence_id: id(r, 1)?,
                points: u8::try_from(r.try_get::<i64, _>(2)?).unwrap_or(0),
                method: code(r, 3)?,
                profile: code(r, 4)?,
                granted_on: date(r, 5)?,
                granted_at: r.try_get(6)?,
                violation_id: opt_id(r, 7)?,
                source_id: r.try_get(8)?,
            })
        })
        .collect()
}

const VOUCHER_COLUMNS: &str =
    "id, licence_id, value, cycle_index, quiz_id, issued_at, applied_to, applied_at";

fn decode_voucher(r: &AnyRow) -> Result<Voucher> {
    Ok(Voucher {
        id: id(r, 0)?,
        licence_id: id(r, 1)?,
        value: u8::try_from(r.try_get::<i64, _>(2)?).unwrap_or(0),
        cycle_index: u32::try_from(r.try_get::<i64, _>(3)?).unwrap_or(0),
        quiz_id: id(r, 4)?,
        issued_at: r.try_get(5)?,
        applied_to: opt_id(r, 6)?,
        applied_at: r.try_get(7)?,
    })
}

pub async fn insert_voucher(db: &mut WriteTx, v: &Voucher) -> Result<()> {
    sqlx::query(
        "INSERT INTO traffic_vouchers (id, licence_id, value, cycle_index, quiz_id, issued_at, \
         applied_to, applied_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(v.id.as_str())
    .bind(v.licence_id.as_str())
    .bind(i64::from(v.value))
    .bind(i64::from(v.cycle_index))
    .bind(v.quiz_id.as_str())
    .bind(v.issued_at)
    .bind(v.applied_to.as_ref().map(|x| x.as_str().to_owned()))
    .bind(v.applied_at)
    .execute(db.raw())
    .await?;
    Ok(())
}

pub async fn vouchers_on(db: &mut impl Conn, licence_id: &str) -> Result<Vec<Voucher>> {
    let sql = format!(
        "SELECT {VOUCHER_COLUMNS} FROM traffic_vouchers WHERE licence_id = $1 \
         ORDER BY issued_at, id"
    );
    let rows = sqlx::query(&sql)
        .bind(licence_id)
        .fetch_all(db.raw())
        .await?;
    rows.iter().map(decode_voucher).collect()
}

pub async fn voucher(db: &mut impl Conn, id: &str) -> Result<Option<Voucher>> {
    let sql = format!("SELECT {VOUCHER_COLUMNS} FROM traffic_vouchers WHERE id = $1");
    let row = sqlx::query(&sql).bind(id).fetch_optional(db.raw()).await?;
    row.as_ref().map(decode_voucher).transpose()
}

/// Applies an unused voucher. False when it was applied already.
pub async fn apply_voucher(
    db: &mut WriteTx,
    id: &str,
    violation_id: &str,
    at: i64,
) -> Result<bool> {
    let r = sqlx::query(
        "UPDATE traffic_vouchers SET applied_to = $1, applied_at = $2 \
         WHERE id = $3 AND applied_to IS NULL",
    )
    .bind(violation_id)
    .bind(at)
    .bind(id)
    .execute(db.raw())
    .await?;
    Ok(r.rows_affected() == 1)
}

const QUIZ_COLUMNS: &str =
    "id, licence_id, question_ids, started_at, expires_at, submitted_at, score, passed";

pub async fn insert_quiz(db: &mut WriteTx, q: &Quiz) -> Result<()> {
    sqlx::query(
        "INSERT INTO traffic_quizzes (id, licence_id, question_ids, started_at, expires_at, \
         submitted_at, score, passed) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(q.id.as_str())
    .bind(q.licence_id.as_str())
    .bind(q.question_ids.join(","))
    .bind(q.started_at)
    .bind(q.expires_at)
    .bind(q.submitted_at)
    .bind(q.score.map(i64::from))
    .bind(q.passed.map(i64::from))
    .execute(db.raw())
    .await?;
    Ok(())
}

pub async fn quiz(db: &mut impl Conn, quiz_id: &str) -> Result<Option<Quiz>> {
    let sql = format!("SELECT {QUIZ_COLUMNS} FROM traffic_quizzes WHERE id = $1");
    let row = sqlx::query(&sql)
        .bind(quiz_id)
        .fetch_optional(db.raw())
        .await?;
    row.map(|r| {
        let ids: String = r.try_get(2)?;
        Ok(Quiz {
            id: id(&r, 0)?,
            licence_id: id(&r, 1)?,
            question_ids: ids
                .split(',')
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect(),
            started_at: r.try_get(3)?,
            expires_at: r.try_get(4)?,
            submitted_at: r.try_get(5)?,
            score: r
                .try_get::<Option<i64>, _>(6)?
                .map(|s| u32::try_from(s).unwrap_or(0)),
            passed: r.try_get::<Option<i64>, _>(7)?.map(|p| p != 0),
        })
    })
    .transpose()
}

/// Records a quiz's outcome once. False when it was submitted already.
pub async fn submit_quiz(
    db: &mut WriteTx,
    id: &str,
    at: i64,
    score: u32,
    passed: bool,
) -> Result<bool> {
    let r = sqlx::query(
        "UPDATE traffic_quizzes SET submitted_at = $1, score = $2, passed = $3 \
         WHERE id = $4 AND submitted_at IS NULL",
    )
    .bind(at)
    .bind(i64::from(score))
    .bind(i64::from(passed))
    .bind(id)
    .execute(db.raw())
    .await?;
    Ok(r.rows_affected() == 1)
}
