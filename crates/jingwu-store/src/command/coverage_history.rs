//! Storage of coverage over time: the coverage job's samples per org unit and slot.

pub use jingwu_command::records::CoverageSample;

use sqlx::Row;

use crate::Result;
use crate::WriteTx;
use crate::conn::{Conn, sealed::Raw as _};
use crate::decode::id;
use crate::scope::like_prefix;

/// Writes samples; a slot already sampled for an org unit (by another node) is left as it is.
/// Returns the rows written.
pub async fn insert_samples(db: &mut WriteTx, samples: &[CoverageSample]) -> Result<u64> {
    let conn = db.raw();
    let mut written = 0;
    for s in samples {
        let done = sqlx::query(
            "INSERT INTO coverage_samples (org_id, at_us, share_60, share_180, share_300, \
             units_counted) VALUES ($1, $2, $3, $4, $5, $6) \
             ON CONFLICT (org_id, at_us) DO NOTHING",
        )
        .bind(s.org_id.as_str())
        .bind(s.at_us)
        .bind(s.shares[0])
        .bind(s.shares[1])
        .bind(s.shares[2])
        .bind(s.units_counted)
        .execute(&mut *conn)
        .await?;
        written += done.rows_affected();
    }
    Ok(written)
}

/// Drops samples taken before `before_us` (retention); returns rows removed.
pub async fn prune_samples(db: &mut WriteTx, before_us: i64) -> Result<u64> {
    let conn = db.raw();
    let done = sqlx::query("DELETE FROM coverage_samples WHERE at_us < $1")
        .bind(before_us)
        .execute(conn)
        .await?;
    Ok(done.rows_affected())
}

/// Samples of the org units under `path` taken in `[from, to)`, by org unit path then time.
pub async fn samples_under(
    db: &mut impl Conn,
    path: &str,
    from_us: i64,
    to_us: i64,
) -> Result<Vec<CoverageSample>> {
    let conn = db.raw();
    let rows = sqlx::query(
        "SELECT s.org_id, s.at_us, s.share_60, s.share_180, s.share_300, s.units_counted \
         FROM coverage_samples s JOIN org_units o ON o.id = s.org_id \
         WHERE o.path LIKE $1 AND s.at_us >= $2 AND s.at_us < $3 \
         ORDER BY o.path, s.at_us",
    )
    .bind(like_prefix(path))
    .bind(from_us)
    .bind(to_us)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(CoverageSample {
                org_id: id(r, 0)?,
                at_us: r.try_get(1)?,
                shares: [r.try_get(2)?, r.try_get(3)?, r.try_get(4)?],
                units_counted: r.try_get(5)?,
            })
        })
        .collect()
}
