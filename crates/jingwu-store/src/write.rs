use jingwu_audit::{Entry, NewEntry};
use sqlx::{Any, AnyConnection, Row, Transaction};

use crate::conn::{Conn, sealed};
use crate::{Result, Store, StoreError, foundation::audit};

/// A writing transaction. It begins by locking the audit head (the first statement is a write,
/// so SQLite takes its write lock at once and PostgreSQL row-locks the head), which serializes
/// writers in one order and prevents deadlocks between them. It refuses to commit a change
/// that appended no audit entry.
pub struct WriteTx {
    tx: Transaction<'static, Any>,
    head_seq: i64,
    head_hash: String,
    appended: usize,
}

impl Store {
    pub async fn write(&self) -> Result<WriteTx> {
        let mut tx = self.pool().begin().await?;
        sqlx::query("UPDATE audit_head SET seq = seq WHERE id = 1")
            .execute(&mut *tx)
            .await?;
        let row = sqlx::query("SELECT seq, hash FROM audit_head WHERE id = 1")
            .fetch_one(&mut *tx)
            .await?;
        Ok(WriteTx {
            head_seq: row.try_get(0)?,
            head_hash: row.try_get(1)?,
            tx,
            appended: 0,
        })
    }
}

impl sealed::Raw for WriteTx {
    fn raw(&mut self) -> &mut AnyConnection {
        &mut self.tx
    }
}
impl Conn for WriteTx {}

impl WriteTx {
    /// Appends an audit entry for a change made in this transaction.
    pub async fn audit(&mut self, new: NewEntry) -> Result<Entry> {
        let entry = Entry::chain(self.head_seq, &self.head_hash, new);
        audit::insert(self, &entry).await?;
        self.head_seq = entry.seq;
        self.head_hash = entry.hash.clone();
        self.appended += 1;
        Ok(entry)
    }

    pub async fn commit(mut self) -> Result<()> {
        if self.appended == 0 {
            self.tx.rollback().await?;
            return Err(StoreError::Unaudited);
        }
        sqlx::query("UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1")
            .bind(self.head_seq)
            .bind(&self.head_hash)
            .execute(&mut *self.tx)
            .await?;
        self.tx.commit().await?;
        Ok(())
    }
}
