//! The audit log's sequencer, Merkle tree and checkpoints (RFC 6962; see `jingwu_audit`).
//!
//! Writers leave entries in `audit_inbox` (see `WriteTx::audit`). [`Store::sequence_audit`]
//! moves a batch of them into `audit_log` in the order their transactions committed, links the
//! hash chain, appends their leaves to the tree (`audit_tree` holds every perfect subtree's
//! hash) and advances `audit_head` — one transaction, run by one sequencer per deployment: on
//! PostgreSQL the one that holds an advisory lock, on SQLite whoever has the write lock.

use std::collections::HashMap;

use jingwu_audit::merkle::{Frontier, Hash, NodeId, Plan};
use jingwu_audit::{Checkpoint, Entry, Pending};
use sqlx::{AnyConnection, Row, any::AnyRow};

use crate::connect::Backend;
use crate::foundation::audit;
use crate::{Result, Store, StoreError};

/// Identifies the sequencer's PostgreSQL advisory lock ("jingwu" "audit" in ASCII).
const SEQUENCER_LOCK: i64 = 0x6a696e6777750a75;

/// What one sequencer run did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sequenced {
    /// Entries moved from the inbox into the log.
    pub entries: usize,
    /// Entries written before the tree existed that this run added to it.
    pub backfilled: usize,
    pub tree_size: u64,
    pub root: Hash,
    /// When each moved entry was written (its `at_us`), for the sequencing delay.
    pub written_at_us: Vec<i64>,
}

impl Sequenced {
    /// Whether a run with this batch size left work behind.
    pub fn full(&self, max: usize) -> bool {
        self.entries + self.backfilled >= max
    }
}

/// The tree as the log's head records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TreeHead {
    pub size: u64,
    pub root: Hash,
}

fn hash_of(hex_text: &str) -> Result<Hash> {
    hex::decode(hex_text)
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or_else(|| StoreError::UnknownCode {
            what: "audit tree hash",
            value: hex_text.into(),
        })
}

/// The stored hashes of these nodes (those that exist).
async fn nodes(conn: &mut AnyConnection, ids: &[NodeId]) -> Result<HashMap<NodeId, Hash>> {
    let mut out = HashMap::with_capacity(ids.len());
    for chunk in ids.chunks(400) {
        // Integers only: formatted into the statement, no injection possible.
        let keys: Vec<String> = chunk
            .iter()
            .map(|n| format!("({}, {})", n.level, n.index))
            .collect();
        let sql = format!(
            "SELECT level, idx, hash FROM audit_tree WHERE (level, idx) IN ({})",
            keys.join(", ")
        );
        for r in sqlx::query(&sql).fetch_all(&mut *conn).await? {
            let level: i64 = r.try_get(0)?;
            let idx: i64 = r.try_get(1)?;
            let hash: String = r.try_get(2)?;
            out.insert(NodeId::new(level as u8, idx as u64), hash_of(&hash)?);
        }
    }
    Ok(out)
}

async fn frontier(conn: &mut AnyConnection, size: u64) -> Result<Frontier> {
    let ids = Frontier::nodes(size);
    let found = nodes(conn, &ids).await?;
    let peaks: Vec<Hash> = ids.iter().map_while(|id| found.get(id).copied()).collect();
    Frontier::from_nodes(size, peaks).map_err(|e| StoreError::UnknownCode {
        what: "audit tree",
        value: e.to_string(),
    })
}

async fn insert_nodes(conn: &mut AnyConnection, made: &[(NodeId, Hash)]) -> Result<()> {
    for chunk in made.chunks(300) {
        let mut sql = String::from("INSERT INTO audit_tree (level, idx, hash) VALUES ");
        for (i, _) in chunk.iter().enumerate() {
            if i > 0 {
                sql.push_str(", ");
            }
            sql.push_str(&format!("(${}, ${}, ${})", 3 * i + 1, 3 * i + 2, 3 * i + 3));
        }
        let mut q = sqlx::query(&sql);
        for (id, hash) in chunk {
            q = q
                .bind(i64::from(id.level))
                .bind(id.index as i64)
                .bind(hex::encode(hash));
        }
        q.execute(&mut *conn).await?;
    }
    Ok(())
}

fn pending_from_row(r: &AnyRow) -> Result<(i64, Pending)> {
    Ok((
        r.try_get(0)?,
        Pending {
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
        },
    ))
}

impl Store {
    /// One sequencer run over at most `max` entries; `None` when another node's sequencer is
    /// running (PostgreSQL).
    pub async fn sequence_audit(&self, max: usize) -> Result<Option<Sequenced>> {
        // Idle (the usual case between writes): answer from a read, without taking SQLite's
        // writer lock or PostgreSQL's sequencer lock ten times a second for nothing.
        let idle: i64 = sqlx::query_scalar(
            "SELECT CASE WHEN NOT EXISTS (SELECT 1 FROM audit_inbox) \
             AND (SELECT tree_size = seq FROM audit_head WHERE id = 1) THEN 1 ELSE 0 END",
        )
        .fetch_one(self.pool())
        .await?;
        if idle == 1 {
            let head = self.audit_tree_head().await?;
            return Ok(Some(Sequenced {
                entries: 0,
                backfilled: 0,
                tree_size: head.size,
                root: head.root,
                written_at_us: Vec::new(),
            }));
        }
        let mut tx = match self.backend() {
            Backend::Sqlite => self.begin_write().await?,
            Backend::Postgres => {
                // Read committed: it sees every committed inbox entry; the lock makes it the
                // only sequencer until it commits.
                let mut tx = self.begin_gated("BEGIN").await?;
                let got: bool = sqlx::query_scalar("SELECT pg_try_advisory_xact_lock($1)")
                    .bind(SEQUENCER_LOCK)
                    .fetch_one(&mut *tx)
                    .await?;
                if !got {
                    return Ok(None);
                }
                tx
            }
        };
        let conn: &mut AnyConnection = &mut tx;
        let head = sqlx::query("SELECT seq, hash, tree_size FROM audit_head WHERE id = 1")
            .fetch_one(&mut *conn)
            .await?;
        let (mut seq, mut hash): (i64, String) = (head.try_get(0)?, head.try_get(1)?);
        let tree_size: i64 = head.try_get(2)?;
        let mut tree = frontier(conn, tree_size as u64).await?;
        let mut made = Vec::new();

        // Entries older than the tree (a log from before it existed) join it first, in order.
        let mut backfilled = 0;
        if tree_size < seq {
            for e in audit::range(conn, tree_size + 1, max as i64).await? {
                made.extend(tree.push(e.leaf_hash()));
                backfilled += 1;
            }
        }
        let mut entries = Vec::new();
        let mut taken = Vec::new();
        if tree.size() as i64 == seq && backfilled < max {
            let rows = sqlx::query(
                "SELECT id, at_us, actor_id, actor_role, org_path, action, object_type, \
                 object_id, request_id, detail, change_digest FROM audit_inbox ORDER BY id LIMIT $1",
            )
            .bind((max - backfilled) as i64)
            .fetch_all(&mut *conn)
            .await?;
            for r in &rows {
                let (id, pending) = pending_from_row(r)?;
                let e = Entry::sequence(seq, &hash, pending);
                made.extend(tree.push(e.leaf_hash()));
                seq = e.seq;
                hash = e.hash.clone();
                taken.push(id);
                entries.push(e);
            }
        }
        if made.is_empty() {
            tx.rollback().await?;
            return Ok(Some(Sequenced {
                entries: 0,
                backfilled: 0,
                tree_size: tree.size(),
                root: tree.root(),
                written_at_us: Vec::new(),
            }));
        }
        audit::insert_many(conn, &entries).await?;
        insert_nodes(conn, &made).await?;
        for chunk in taken.chunks(500) {
            let ids: Vec<String> = chunk.iter().map(i64::to_string).collect();
            sqlx::query(&format!(
                "DELETE FROM audit_inbox WHERE id IN ({})",
                ids.join(", ")
            ))
            .execute(&mut *conn)
            .await?;
        }
        sqlx::query("UPDATE audit_head SET seq = $1, hash = $2, tree_size = $3 WHERE id = 1")
            .bind(seq)
            .bind(&hash)
            .bind(tree.size() as i64)
            .execute(&mut *conn)
            .await?;
        tx.commit().await?;
        Ok(Some(Sequenced {
            entries: entries.len(),
            backfilled,
            tree_size: tree.size(),
            root: tree.root(),
            written_at_us: entries.iter().map(|e| e.at_us).collect(),
        }))
    }

    /// Entries written but not yet sequenced.
    pub async fn audit_pending(&self) -> Result<i64> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM audit_inbox")
            .fetch_one(self.pool())
            .await?)
    }

    /// The tree's size and root as its stored nodes give them.
    pub async fn audit_tree_head(&self) -> Result<TreeHead> {
        let mut conn = self.pool().acquire().await?;
        let size: i64 = sqlx::query_scalar("SELECT tree_size FROM audit_head WHERE id = 1")
            .fetch_one(&mut *conn)
            .await?;
        let tree = frontier(&mut conn, size as u64).await?;
        Ok(TreeHead {
            size: tree.size(),
            root: tree.root(),
        })
    }

    /// A root, inclusion or consistency proof from the stored nodes (see [`Plan`]).
    pub async fn audit_proof(&self, plan: Plan) -> Result<Vec<Hash>> {
        let ids = plan.nodes()?;
        let mut conn = self.pool().acquire().await?;
        let found = nodes(&mut conn, &ids).await?;
        Ok(plan.assemble(|id| found.get(&id).copied())?)
    }

    /// Stores a signed checkpoint (a second one of the same tree size is ignored).
    pub async fn insert_checkpoint(&self, c: &Checkpoint) -> Result<()> {
        sqlx::query(
            "INSERT INTO audit_checkpoints (tree_size, root_hash, timestamp, public_key, signature) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (tree_size) DO NOTHING",
        )
        .bind(c.tree_size as i64)
        .bind(hex::encode(c.root_hash))
        .bind(&c.timestamp)
        .bind(hex::encode(c.public_key))
        .bind(hex::encode(c.signature))
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// Every stored checkpoint, oldest (smallest) first.
    pub async fn audit_checkpoints(&self) -> Result<Vec<Checkpoint>> {
        let mut conn = self.pool().acquire().await?;
        checkpoints(&mut conn, None).await
    }

    /// The newest stored checkpoint.
    pub async fn latest_checkpoint(&self) -> Result<Option<Checkpoint>> {
        let mut conn = self.pool().acquire().await?;
        Ok(checkpoints(&mut conn, Some(1)).await?.pop())
    }
}

async fn checkpoints(conn: &mut AnyConnection, newest: Option<i64>) -> Result<Vec<Checkpoint>> {
    let sql = match newest {
        Some(n) => format!(
            "SELECT tree_size, root_hash, timestamp, public_key, signature FROM audit_checkpoints \
             ORDER BY tree_size DESC LIMIT {n}"
        ),
        None => "SELECT tree_size, root_hash, timestamp, public_key, signature \
                 FROM audit_checkpoints ORDER BY tree_size"
            .to_string(),
    };
    let rows = sqlx::query(&sql).fetch_all(&mut *conn).await?;
    rows.iter()
        .map(|r| {
            let size: i64 = r.try_get(0)?;
            let root: String = r.try_get(1)?;
            let key: String = r.try_get(3)?;
            let sig: String = r.try_get(4)?;
            let bad = |what: &'static str, value: &str| StoreError::UnknownCode {
                what,
                value: value.into(),
            };
            let mut c = Checkpoint {
                tree_size: size as u64,
                root_hash: hash_of(&root)?,
                timestamp: r.try_get(2)?,
                public_key: hash_of(&key)?,
                signature: hex::decode(&sig)
                    .ok()
                    .and_then(|b| b.try_into().ok())
                    .ok_or_else(|| bad("checkpoint signature", &sig))?,
                signed_message: String::new(),
            };
            c.signed_message = hex::encode(jingwu_audit::checkpoint::signed_message(
                c.tree_size,
                &c.root_hash,
                &c.timestamp,
            ));
            Ok(c)
        })
        .collect()
}
