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
    tx: Gated,
    appended: usize,
    /// Set by the writes that change a unit's crew or station; counted at commit
    /// (`Store::units_version`).
    units_changed: bool,
    units_version: std::sync::Arc<std::sync::atomic::AtomicU64>,
}

/// A transaction that, on SQLite, holds this process's write gate until it ends.
///
/// SQLite has one writer lock, and a writer that finds it taken sleeps in the busy handler and
/// polls (1, 2, 5 … 50, 100 ms): under a steady stream of writes (the position writer's group
/// commits) a dispatch could miss the lock again and again and wait tens of milliseconds. The
/// gate is a fair (FIFO) async mutex taken before the connection, so writers in this process
/// queue in order and each `BEGIN IMMEDIATE` finds the lock free; the busy handler is left for
/// other processes (the CLI). PostgreSQL locks rows, and takes no gate.
pub(crate) struct Gated {
    tx: Transaction<'static, Any>,
    _gate: Option<tokio::sync::OwnedMutexGuard<()>>,
}

impl std::ops::Deref for Gated {
    type Target = AnyConnection;
    fn deref(&self) -> &Self::Target {
        &self.tx
    }
}

impl std::ops::DerefMut for Gated {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.tx
    }
}

impl Gated {
    pub(crate) async fn commit(self) -> Result<()> {
        self.tx.commit().await?;
        Ok(())
    }

    pub(crate) async fn rollback(self) -> Result<()> {
        self.tx.rollback().await?;
        Ok(())
    }
}

impl Store {
    pub async fn write(&self) -> Result<WriteTx> {
        Ok(WriteTx {
            tx: self.begin_write().await?,
            appended: 0,
            units_changed: false,
            units_version: self.units_version_counter(),
        })
    }

    /// Begins a transaction with `begin`, behind the write gate on SQLite (see [`Gated`]).
    pub(crate) async fn begin_gated(&self, begin: &'static str) -> Result<Gated> {
        let gate = match self.backend() {
            Backend::Sqlite => Some(self.write_gate().lock_owned().await),
            Backend::Postgres => None,
        };
        Ok(Gated {
            tx: self.pool().begin_with(begin).await?,
            _gate: gate,
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
            tx: self.begin_gated(begin).await?,
            appended: 0,
            units_changed: false,
            units_version: self.units_version_counter(),
        })
    }

    /// A transaction with the isolation every writer uses (see [`WriteTx`]).
    pub(crate) async fn begin_write(&self) -> Result<Gated> {
        let begin = match self.backend() {
            Backend::Sqlite => "BEGIN IMMEDIATE",
            Backend::Postgres => "BEGIN ISOLATION LEVEL SERIALIZABLE",
        };
        self.begin_gated(begin).await
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
        if self.units_changed {
            self.units_version
                .fetch_add(1, std::sync::atomic::Ordering::Release);
        }
        Ok(())
    }

    /// Marks this transaction as changing a unit's crew or station.
    pub(crate) fn units_changed(&mut self) {
        self.units_changed = true;
    }
}
