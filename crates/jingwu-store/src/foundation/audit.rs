//! The audit log table: append, page through (scoped), and stream for verification.

pub use jingwu_audit::Verification;
use jingwu_audit::{Entry, Verifier};
use sqlx::{Row, any::AnyRow};

use crate::WriteTx;
use crate::conn::{Conn, sealed::Raw as _};
use crate::scope::like_prefix;
use crate::{Result, Store};

const COLUMNS: &str = "seq, at_us, actor_id, actor_role, org_path, action, object_type, \
                       object_id, request_id, detail, change_digest, prev_hash, hash";

pub(crate) async fn insert(db: &mut WriteTx, e: &Entry) -> Result<()> {
    let conn = db.raw();
    sqlx::query(
        "INSERT INTO audit_log (seq, at_us, actor_id, actor_role, org_path, action, object_type, \
         object_id, request_id, detail, change_digest, prev_hash, hash) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
    )
    .bind(e.seq)
    .bind(e.at_us)
    .bind(&e.actor_id)
    .bind(&e.actor_role)
    .bind(&e.org_path)
    .bind(&e.action)
    .bind(&e.object_type)
    .bind(&e.object_id)
    .bind(&e.request_id)
    .bind(&e.detail)
    .bind(&e.change_digest)
    .bind(&e.prev_hash)
    .bind(&e.hash)
    .execute(conn)
    .await?;
    Ok(())
}

fn from_row(r: &AnyRow) -> Result<Entry> {
    Ok(Entry {
        seq: r.try_get(0)?,
        at_us: r.try_get(1)?,
        actor_id: r.try_get(2)?,
        actor_role: r.try_get(3)?,
        org_path: r.try_get(4)?,
        action: r.try_get(5)?,
        object_type: r.try_get(6)?,
        object_id: r.try_get(7)?,
        request_id: r.try_get(8)?,
        detail: r.try_get(9)?,
        change_digest: r.try_get(10)?,
        prev_hash: r.try_get(11)?,
        hash: r.try_get(12)?,
    })
}

/// Newest first, entries whose object lies in `org_prefix`'s subtree, before `before_seq`.
pub async fn page(
    db: &mut impl Conn,
    org_prefix: &str,
    before_seq: Option<i64>,
    limit: i64,
) -> Result<Vec<Entry>> {
    let conn = db.raw();
    let sql = format!(
        "SELECT {COLUMNS} FROM audit_log WHERE org_path LIKE $1 AND seq < $2 \
         ORDER BY seq DESC LIMIT $3"
    );
    let rows = sqlx::query(&sql)
        .bind(like_prefix(org_prefix))
        .bind(before_seq.unwrap_or(i64::MAX))
        .bind(limit)
        .fetch_all(conn)
        .await?;
    rows.iter().map(from_row).collect()
}

/// Entries about one object, oldest first.
pub async fn for_object(
    db: &mut impl Conn,
    object_type: &str,
    object_id: &str,
) -> Result<Vec<Entry>> {
    let conn = db.raw();
    let sql = format!(
        "SELECT {COLUMNS} FROM audit_log WHERE object_type = $1 AND object_id = $2 ORDER BY seq"
    );
    let rows = sqlx::query(&sql)
        .bind(object_type)
        .bind(object_id)
        .fetch_all(conn)
        .await?;
    rows.iter().map(from_row).collect()
}

impl Store {
    /// Recomputes every hash and link in sequence order, in pages so memory stays flat.
    pub async fn verify_audit(&self) -> Result<Verification> {
        const PAGE: i64 = 5_000;
        let mut conn = self.pool().acquire().await?;
        let mut verifier = Verifier::default();
        let mut after = i64::MIN;
        loop {
            let sql =
                format!("SELECT {COLUMNS} FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2");
            let rows = sqlx::query(&sql)
                .bind(after)
                .bind(PAGE)
                .fetch_all(&mut *conn)
                .await?;
            for r in &rows {
                let e = from_row(r)?;
                if let Err(err) = verifier.push(&e) {
                    return Ok(Verification::Broken(err));
                }
                after = e.seq;
            }
            if (rows.len() as i64) < PAGE {
                break;
            }
        }
        let head = sqlx::query("SELECT seq, hash FROM audit_head WHERE id = 1")
            .fetch_optional(&mut *conn)
            .await?;
        let (head_seq, head_hash): (i64, String) = match head {
            Some(r) => (r.try_get(0)?, r.try_get(1)?),
            None => (-1, "missing".into()),
        };
        Ok(match verifier.finish(head_seq, &head_hash) {
            Ok(entries) => Verification::Intact { entries },
            Err(e) => Verification::Broken(e),
        })
    }
}
