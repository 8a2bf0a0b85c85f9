//! The legal time limits a bureau runs (`case_legal_limits`).

use jingwu_cases::limits::LegalLimit;
use sqlx::Row;

use crate::conn::{Conn, sealed::Raw as _};
use crate::decode::code;
use crate::{Result, StoreError, WriteTx};

const COLUMNS: &str = "code, applies_to, name_zh, name_en, law, article, version, base_minutes, \
                       max_minutes, approver_level, warn_permille";

fn decode(r: &sqlx::any::AnyRow) -> Result<LegalLimit> {
    let level: Option<String> = r.try_get(9)?;
    let warn: String = r.try_get(10)?;
    Ok(LegalLimit {
        code: r.try_get(0)?,
        applies_to: code(r, 1)?,
        name_zh: r.try_get(2)?,
        name_en: r.try_get(3)?,
        law: r.try_get(4)?,
        article: r.try_get(5)?,
        version: r.try_get(6)?,
        base_minutes: r.try_get(7)?,
        max_minutes: r.try_get(8)?,
        approver_level: level
            .map(|l| {
                jingwu_core::OrgKind::parse(&l).ok_or(StoreError::UnknownCode {
                    what: "org kind",
                    value: l,
                })
            })
            .transpose()?,
        warn_permille: warn
            .split(',')
            .filter(|s| !s.is_empty())
            .map(|s| {
                s.parse().map_err(|_| StoreError::UnknownCode {
                    what: "warning permille",
                    value: warn.clone(),
                })
            })
            .collect::<Result<_>>()?,
    })
}

/// Every limit, by code.
pub async fn legal_limits(db: &mut impl Conn) -> Result<Vec<LegalLimit>> {
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM case_legal_limits ORDER BY code"
    ))
    .fetch_all(db.raw())
    .await?;
    rows.iter().map(decode).collect()
}

pub async fn legal_limit(db: &mut impl Conn, code: &str) -> Result<Option<LegalLimit>> {
    let row = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM case_legal_limits WHERE code = $1"
    ))
    .bind(code)
    .fetch_optional(db.raw())
    .await?;
    row.as_ref().map(decode).transpose()
}

/// Inserts or replaces a limit (the law changed, or the bureau set it up).
pub async fn put_legal_limit(db: &mut WriteTx, l: &LegalLimit, now: i64) -> Result<()> {
    let warn = l
        .warn_permille
        .iter()
        .map(u16::to_string)
        .collect::<Vec<_>>()
        .join(",");
    sqlx::query(
        "INSERT INTO case_legal_limits (code, applies_to, name_zh, name_en, law, article, version, \
         base_minutes, max_minutes, approver_level, warn_permille, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) \
         ON CONFLICT (code) DO UPDATE SET applies_to = excluded.applies_to, \
         name_zh = excluded.name_zh, name_en = excluded.name_en, law = excluded.law, \
         article = excluded.article, version = excluded.version, \
         base_minutes = excluded.base_minutes, max_minutes = excluded.max_minutes, \
         approver_level = excluded.approver_level, warn_permille = excluded.warn_permille, \
         updated_at = excluded.updated_at",
    )
    .bind(&l.code)
    .bind(l.applies_to.as_str())
    .bind(&l.name_zh)
    .bind(&l.name_en)
    .bind(&l.law)
    .bind(&l.article)
    .bind(&l.version)
    .bind(l.base_minutes)
    .bind(l.max_minutes)
    .bind(l.approver_level.map(|k| k.as_str()))
    .bind(warn)
    .bind(now)
    .execute(db.raw())
    .await?;
    Ok(())
}

/// Inserts a limit only if no row has its code: a bureau's edited row is never overwritten
/// by the defaults. True when it was inserted.
pub async fn insert_legal_limit_if_missing(
    db: &mut WriteTx,
    l: &LegalLimit,
    now: i64,
) -> Result<bool> {
    let warn = l
        .warn_permille
        .iter()
        .map(u16::to_string)
        .collect::<Vec<_>>()
        .join(",");
    let r = sqlx::query(
        "INSERT INTO case_legal_limits (code, applies_to, name_zh, name_en, law, article, version, \
         base_minutes, max_minutes, approver_level, warn_permille, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) ON CONFLICT (code) DO NOTHING",
    )
    .bind(&l.code)
    .bind(l.applies_to.as_str())
    .bind(&l.name_zh)
    .bind(&l.name_en)
    .bind(&l.law)
    .bind(&l.article)
    .bind(&l.version)
    .bind(l.base_minutes)
    .bind(l.max_minutes)
    .bind(l.approver_level.map(|k| k.as_str()))
    .bind(warn)
    .bind(now)
    .execute(db.raw())
    .await?;
    Ok(r.rows_affected() == 1)
}
