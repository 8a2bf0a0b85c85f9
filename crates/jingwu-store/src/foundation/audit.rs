//! The audit log table: append, page through (scoped), and stream for verification.

pub use jingwu_audit::Verification;
use jingwu_audit::{ChainError, Entry, Verifier};
use sqlx::AnyConnection;
use sqlx::{Row, any::AnyRow};

use crate::conn::Conn;
use crate::scope::like_prefix;
use crate::{Result, Store};

const COLUMNS: &str = "seq, at_us, actor_id, actor_role, org_path, action, object_type, \
                       object_id, request_id, detail, change_digest, prev_hash, hash";

/// Appends sequenced entries (the sequencer's batch).
pub(crate) async fn insert_many(conn: &mut AnyConnection, entries: &[Entry]) -> Result<()> {
    for chunk in entries.chunks(200) {
        let mut sql = format!("INSERT INTO audit_log ({COLUMNS}) VALUES ");
        for i in 0..chunk.len() {
            if i > 0 {
                sql.push_str(", ");
            }
            let n = 13 * i;
            let params: Vec<String> = (1..=13).map(|k| format!("${}", n + k)).collect();
            sql.push('(');
            sql.push_str(&params.join(", "));
            sql.push(')');
        }
        let mut q = sqlx::query(&sql);
        for e in chunk {
            q = q
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
                .bind(&e.hash);
        }
        q.execute(&mut *conn).await?;
    }
    Ok(())
}

/// Up to `limit` entries from sequence number `from` on, in order.
pub(crate) async fn range(conn: &mut AnyConnection, from: i64, limit: i64) -> Result<Vec<Entry>> {
    let sql = format!("SELECT {COLUMNS} FROM audit_log WHERE seq >= $1 ORDER BY seq LIMIT $2");
    let rows = sqlx::query(&sql)
        .bind(from)
        .bind(limit)
        .fetch_all(conn)
        .await?;
    rows.iter().map(from_row).collect()
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
    /// One sequenced entry (`seq` counts from 1; leaf index `seq - 1`).
    pub async fn audit_entry(&self, seq: i64) -> Result<Option<Entry>> {
        let mut conn = self.pool().acquire().await?;
        Ok(range(&mut conn, seq, 1)
            .await?
            .into_iter()
            .find(|e| e.seq == seq))
    }

    /// Calls `each` with every sequenced entry in order, a page at a time so memory stays flat;
    /// stops at the first error `each` returns.
    pub async fn each_audit_entry<E>(
        &self,
        mut each: impl FnMut(&Entry) -> std::result::Result<(), E>,
    ) -> Result<std::result::Result<(), E>> {
        const PAGE: i64 = 5_000;
        let mut conn = self.pool().acquire().await?;
        let mut next = 1;
        loop {
            let page = range(&mut conn, next, PAGE).await?;
            for e in &page {
                if let Err(err) = each(e) {
                    return Ok(Err(err));
                }
                next = e.seq + 1;
            }
            if (page.len() as i64) < PAGE {
                return Ok(Ok(()));
            }
        }
    }

    /// Recomputes every hash and link in sequence order and the Merkle tree over them; checks
    /// the stored checkpoints (signed by one key, each root matching the log at its size), the
    /// stored tree (the root proofs are served from) and the head.
    pub async fn verify_audit(&self) -> Result<Verification> {
        let checkpoints = self.audit_checkpoints().await?;
        let trusted = checkpoints.first().map(|c| c.public_key);
        for c in &checkpoints {
            if let Err(e) = c.verify(trusted.as_ref()) {
                return Ok(Verification::Broken(ChainError::BadCheckpoint {
                    tree_size: c.tree_size,
                    reason: e.to_string(),
                }));
            }
        }
        let mut verifier = Verifier::default();
        if let Err(e) = verifier.expect(checkpoints) {
            return Ok(Verification::Broken(e));
        }
        if let Err(e) = self.each_audit_entry(|e| verifier.push(e)).await? {
            return Ok(Verification::Broken(e));
        }
        let stored = self.audit_tree_head().await?;
        let (size, root) = verifier.tree();
        if stored.size == size && stored.root != root {
            return Ok(Verification::Broken(ChainError::Tree {
                tree_size: stored.size,
            }));
        }
        let mut conn = self.pool().acquire().await?;
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
