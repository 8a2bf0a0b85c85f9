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
//!   statistics count them, and a count is not a change of anyone's records.

use jingwu_store::command::positions::{self, Position};
use jingwu_store::permits as permit_counters;
use jingwu_store::uploads;

use super::Kernel;
use crate::Result;

impl Kernel {
    /// Records a batch of AVL fixes and each unit's last known position in one transaction.
    pub(crate) async fn record_positions(&self, batch: &[Position]) -> Result<()> {
        let mut tx = self.store().telemetry().await?;
        positions::record_positions(&mut tx, batch).await?;
        tx.commit().await?;
        Ok(())
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

    /// Counts one portal event of `kind` on `day` (approval-window statistics).
    pub(crate) async fn count_portal(&self, day: jiff::civil::Date, kind: &str) -> Result<()> {
        let mut tx = self.store().telemetry().await?;
        permit_counters::bump_counter(&mut tx, day, kind).await?;
        tx.commit().await?;
        Ok(())
    }
}
