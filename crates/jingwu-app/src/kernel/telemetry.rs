//! The documented exceptions to "every write appends an audit entry", in one place. Each is
//! transport or housekeeping, not a decision, and each has its own record:
//!
//! - AVL fixes: at thousands a second an audit leaf each would swamp the log, and a position
//!   decides nothing by itself; the position history is the record.
//! - Upload progress: a received chunk is transport; opening an upload and its outcome
//!   (content linked, or aborted) are audited.
//! - Retention pruning of AVL history: the retention period is configuration, and the pruning
//!   is logged.
//! - The approval window's portal counters (visits, online progress queries): the seed's
//!   statistics count them, and a count is not a change of anyone's records. They are added up
//!   in memory and written in one transaction by the approval window's job and before its
//!   statistics are read, so a public page view never waits for the writer lock; a crash loses
//!   at most one job period's counts.
//! - Login throttling (`login_throttle`): a failed sign-in is counted, not decided on; an
//!   audit leaf per guessed password would let anyone on the internet grow the log. Successful
//!   sign-ins are audited as before, and the shared device-cookie key is made once.

use jingwu_store::command::positions::{self, Position};
use jingwu_store::foundation::throttle;
use jingwu_store::permits as permit_counters;
use jingwu_store::uploads;

use super::Kernel;
use crate::Result;

impl Kernel {
    /// Queues a batch of AVL fixes for the position writer (`positions.rs`), which stores
    /// them with each unit's last known position and then publishes the `units`' events.
    pub(crate) fn submit_positions(
        &self,
        sender: &str,
        batch: Vec<Position>,
        units: Vec<(String, String)>,
    ) -> Result<super::positions::Stored> {
        self.positions.submit(
            self.store(),
            self.bus(),
            sender,
            self.now_us(),
            batch,
            units,
        )
    }

    /// Whether a batch would be refused now without looking at it (`avl_overloaded`, or
    /// `server_stopping`): the edge asks before it reads a body.
    pub(crate) fn positions_admission(&self, sender: &str) -> Result<()> {
        if self.is_stopping() {
            return Err(super::positions::stopping());
        }
        self.positions.admission(sender, self.now_us())
    }

    /// Stores every queued fix and refuses new ones (shutdown, before the database closes).
    pub(crate) async fn close_positions(&self) {
        self.positions.close().await;
    }

    /// A unit's AVL history from `from` to `to` (µs), one fix per instant, in time order.
    pub(crate) async fn read_track(
        &self,
        unit_id: &str,
        from: i64,
        to: i64,
    ) -> Result<Vec<jingwu_command::track::TrackFix>> {
        let mut conn = self.read().await?;
        Ok(positions::read_track(&mut conn, unit_id, from, to).await?)
    }

    /// Drops AVL history older than `before_us`; returns rows removed.
    pub(crate) async fn prune_positions(&self, before_us: i64) -> Result<u64> {
        let mut tx = self.store().telemetry().await?;
        let n = positions::prune_positions(&mut tx, before_us).await?;
        tx.commit().await?;
        Ok(n)
    }

    /// Moves an open upload from `from` to `to` received bytes once its chunk is on disk;
    /// false when another request got there first.
    pub(crate) async fn advance_upload(&self, id: &str, from: i64, to: i64) -> Result<bool> {
        let mut tx = self.store().telemetry().await?;
        let moved = uploads::advance_upload(&mut tx, id, from, to).await?;
        tx.commit().await?;
        Ok(moved)
    }

    /// Counts one portal event of `kind` on `day` (approval-window statistics), in memory
    /// until the next [`Kernel::flush_portal`].
    pub(crate) fn count_portal(&self, day: jiff::civil::Date, kind: &'static str) {
        let mut pending = self.portal_counts.lock().unwrap_or_else(|e| e.into_inner());
        *pending.entry((day, kind)).or_default() += 1;
    }

    /// Writes the counted portal events; on failure they stay counted for the next flush.
    pub(crate) async fn flush_portal(&self) -> Result<()> {
        let batch =
            std::mem::take(&mut *self.portal_counts.lock().unwrap_or_else(|e| e.into_inner()));
        if batch.is_empty() {
            return Ok(());
        }
        let written = async {
            let mut tx = self.store().telemetry().await?;
            for ((day, kind), n) in &batch {
                permit_counters::bump_counter(&mut tx, *day, kind, *n).await?;
            }
            tx.commit().await
        }
        .await;
        if let Err(e) = written {
            let mut pending = self.portal_counts.lock().unwrap_or_else(|e| e.into_inner());
            for (key, n) in batch {
                *pending.entry(key).or_default() += n;
            }
            return Err(e.into());
        }
        Ok(())
    }

    /// Counts one sign-in attempt on every key, all or none: `Err(until)` with the latest
    /// instant a blocked key may be tried again, else each key's attempt number in its window.
    pub(crate) async fn claim_login(
        &self,
        keys: &[String],
        now: i64,
        stale_before: i64,
        delay_us: impl Fn(usize, i64) -> i64,
    ) -> Result<std::result::Result<(), i64>> {
        let mut tx = self.store().telemetry().await?;
        for (i, key) in keys.iter().enumerate() {
            match throttle::claim(&mut tx, key, now, stale_before).await? {
                Some(n) => throttle::block_until(&mut tx, key, now + delay_us(i, n)).await?,
                None => {
                    // Dropping the transaction takes back the keys counted before.
                    let until = throttle::blocked_until(&mut tx, key).await?;
                    return Ok(Err(until));
                }
            }
        }
        tx.commit().await?;
        Ok(Ok(()))
    }

    /// Forgets the keys of a successful sign-in.
    pub(crate) async fn clear_login(&self, keys: &[String]) -> Result<()> {
        let mut tx = self.store().telemetry().await?;
        for key in keys {
            throttle::clear(&mut tx, key).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// The secret every node shares under `name` (made from `candidate` by the first).
    pub(crate) async fn shared_secret(&self, name: &str, candidate: &str) -> Result<String> {
        let mut tx = self.store().telemetry().await?;
        let secret = throttle::shared_secret(&mut tx, name, candidate, self.now_us()).await?;
        tx.commit().await?;
        Ok(secret)
    }
}
