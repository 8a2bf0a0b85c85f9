use jingwu_audit::NewEntry;
use sqlx::{Any, AnyConnection, Transaction};

use crate::conn::{Conn, sealed};
use crate::connect::Backend;
use crate::{Result, Store, StoreError};

/// A writing transaction. It refuses to commit a change that appended no audit entry; the
/// entry goes to the audit inbox in this same transaction (so nothing changes without it), and
/// the audit sequencer gives it its place in the log after the commit (`audit_tree`).
///
/// Isolation: on SQLite the transaction begins `IMMEDIATE` (the database's one writer lock,
/// taken at once, so two writers never deadlock upgrading a read lock). On PostgreSQL it is
/// `SERIALIZABLE`: writers of different objects run side by side, and when two transactions'
/// reads and writes could not have happened one after the other, one of them fails with a
/// serialization error ([`StoreError::is_retryable`]) and the kernel runs it again.
pub struct WriteTx {
    tx: Transaction<'static, Any>,
    appended: usize,
}

impl Store {
    pub async fn write(&self) -> Result<WriteTx> {
        Ok(WriteTx {
            tx: self.begin_write().await?,
            appended: 0,
        })
    }

    /// A writing transaction for a change whose every invariant is a conditional update or a
    /// unique constraint on the rows it changes: on PostgreSQL `READ COMMITTED`, where such an
    /// `UPDATE … WHERE status = …` is re-checked on the newest row version, so of two racing
    /// changes exactly one applies — without serializable's predicate locks, whose page-level
    /// false conflicts would make unrelated changes retry each other. SQLite is as [`Store::write`].
    pub async fn write_guarded(&self) -> Result<WriteTx> {
        let begin = match self.backend() {
            Backend::Sqlite => "BEGIN IMMEDIATE",
            Backend::Postgres => "BEGIN ISOLATION LEVEL READ COMMITTED",
        };
        Ok(WriteTx {
            tx: self.pool().begin_with(begin).await?,
            appended: 0,
        })
    }

    /// A transaction with the isolation every writer uses (see [`WriteTx`]).
    pub(crate) async fn begin_write(&self) -> Result<Transaction<'static, Any>> {
        let begin = match self.backend() {
            Backend::Sqlite => "BEGIN IMMEDIATE",
            Backend::Postgres => "BEGIN ISOLATION LEVEL SERIALIZABLE",
        };
        Ok(self.pool().begin_with(begin).await?)
    }
}

impl sealed::Raw for WriteTx {
    fn raw(&mut self) -> &mut AnyConnection {
        &mut self.tx
    }
}
impl Conn for WriteTx {}

impl WriteTx {
    /// Records a change made in this transaction in the audit inbox.
    pub async fn audit(&mut self, new: NewEntry) -> Result<()> {
        let p = new.pending();
        sqlx::query(
            "INSERT INTO audit_inbox (at_us, actor_id, actor_role, org_path, action, \
             object_type, object_id, request_id, detail, change_digest) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(p.at_us)
        .bind(p.actor_id)
        .bind(p.actor_role)
        .bind(p.org_path)
        .bind(p.action)
        .bind(p.object_type)
        .bind(p.object_id)
        .bind(p.request_id)
        .bind(p.detail)
        .bind(p.change_digest)
        .execute(&mut *self.tx)
        .await?;
        self.appended += 1;
        Ok(())
    }

    pub async fn commit(self) -> Result<()> {
        if self.appended == 0 {
            self.tx.rollback().await?;
            return Err(StoreError::Unaudited);
        }
        self.tx.commit().await?;
        Ok(())
    }
}
