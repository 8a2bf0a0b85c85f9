//! AVL: terminal positions. Telemetry is recorded in the unit's track (its position history,
//! itself the record) and in the unit's last-known position by the kernel's position writer
//! (group commit, bounded, drained on shutdown: `kernel/positions.rs`), without an audit entry
//! per fix: at thousands of fixes a second an audit leaf each would swamp the log, and a
//! position changes no business decision by itself (`kernel/telemetry.rs` lists the exceptions).

use std::collections::{BTreeSet, HashMap};

use jingwu_command::fix;
use jingwu_command::policy::{self, UnitFacts};
use jingwu_core::Principal;
use jingwu_store::command::{self as q, Position};

use super::unit_scopes::UnitScope;

use super::Command;
use crate::kernel::positions::Stored;
use crate::{AppError, FieldError, Result};

pub use jingwu_command::track::TrackFix;

/// One position fix from a terminal.
#[derive(Debug, Clone, PartialEq)]
pub struct Fix {
    pub unit_id: String,
    /// Instant of the fix, µs since the Unix epoch.
    pub at_us: i64,
    pub lat: f64,
    pub lon: f64,
    pub speed_kmh: Option<f64>,
    pub heading: Option<f64>,
}

/// A terminal's clock may run a little ahead of ours.
const FUTURE_TOLERANCE_US: i64 = 60_000_000;
/// Fixes older than this are refused (a terminal's offline queue is replayed within it).
const MAX_FIX_AGE_US: i64 = 24 * 3_600_000_000;
/// Longest stretch of a track one request reads.
const MAX_TRACK_SPAN_US: i64 = 24 * 3_600_000_000;

impl Command<'_> {
    /// Records a batch of fixes; every unit named must be one the caller may operate.
    /// Returns how many fixes were stored, once they are committed.
    pub async fn ingest_positions(&self, who: &Principal, fixes: &[Fix]) -> Result<usize> {
        let (n, stored) = self.submit_positions(who, fixes).await?;
        stored.committed().await?;
        Ok(n)
    }

    /// Checks and authorizes a batch of fixes and queues it for the position writer without
    /// waiting for the commit (a terminal's socket keeps pushing meanwhile); the [`Stored`]
    /// resolves once the batch is committed. Refused with `avl_overloaded` when the writer's
    /// queue is full: positions are shed, nothing else is.
    pub async fn submit_positions(
        &self,
        who: &Principal,
        fixes: &[Fix],
    ) -> Result<(usize, Stored)> {
        if self.k().is_stopping() {
            return Err(crate::kernel::positions::stopping());
        }
        if fixes.is_empty() || fixes.len() > 5_000 {
            return Err(AppError::invalid(
                "positions",
                jingwu_command::error_codes::field::POSITIONS_COUNT.code,
                format!("{} fixes; a batch holds 1 to 5000", fixes.len()),
            ));
        }
        let now = self.now_us();
        let mut errs = Vec::new();
        for (i, f) in fixes.iter().enumerate() {
            if !(-90.0..=90.0).contains(&f.lat) || !(-180.0..=180.0).contains(&f.lon) {
                errs.push(FieldError::new(
                    &format!("positions[{i}]"),
                    jingwu_command::error_codes::field::POSITION_RANGE.code,
                    "latitude/longitude out of range",
                ));
            } else if f.at_us > now + FUTURE_TOLERANCE_US || f.at_us < now - MAX_FIX_AGE_US {
                errs.push(FieldError::new(
                    &format!("positions[{i}].at"),
                    jingwu_command::error_codes::field::POSITION_TIME.code,
                    "fix time must be within the last 24 hours",
                ));
            }
            if f.speed_kmh.is_some_and(|v| !fix::speed_plausible(v)) {
                errs.push(FieldError::new(
                    &format!("positions[{i}].speed_kmh"),
                    jingwu_command::error_codes::field::SPEED_RANGE.code,
                    format!("0 to {} km/h", fix::MAX_SPEED_KMH),
                ));
            }
            if f.heading.is_some_and(|v| !fix::heading_plausible(v)) {
                errs.push(FieldError::new(
                    &format!("positions[{i}].heading"),
                    jingwu_command::error_codes::field::HEADING_RANGE.code,
                    format!("0 to {} degrees", fix::MAX_HEADING_DEG),
                ));
            }
        }
        if !errs.is_empty() {
            return Err(AppError::Validation(errs));
        }
        let units: BTreeSet<&str> = fixes.iter().map(|f| f.unit_id.as_str()).collect();
        let ids: Vec<&str> = units.iter().copied().collect();
        let scopes = self.unit_scopes(&ids, now).await?;
        let mut paths = Vec::new();
        for unit_id in &units {
            let scope = scopes
                .get(*unit_id)
                .ok_or(AppError::NotFound { what: "unit" })?;
            let facts = UnitFacts {
                org_path: &scope.org_path,
                crew: &scope.crew,
            };
            policy::may_operate(who, &facts).map_err(|d| AppError::denied_object(d, "unit"))?;
            paths.push((unit_id.to_string(), scope.org_path.clone()));
        }
        let batch: Vec<Position> = fixes
            .iter()
            .map(|f| Position {
                unit_id: f.unit_id.as_str().into(),
                at: f.at_us,
                lat: f.lat,
                lon: f.lon,
                speed_kmh: f.speed_kmh,
                heading: f.heading,
            })
            .collect();
        let n = batch.len();
        let units = paths;
        Ok((n, self.k().submit_positions(&who.user_id, batch, units)?))
    }

    /// The station and crew of each of `ids` that exists, from the cache where it is current
    /// (`unit_scopes.rs`), the rest in one query.
    async fn unit_scopes(&self, ids: &[&str], now: i64) -> Result<HashMap<String, UnitScope>> {
        let cache = &self.state().unit_scopes;
        let version = self.k().store().units_version();
        let (mut found, missing) = cache.lookup(ids, version, now);
        if missing.is_empty() {
            return Ok(found);
        }
        let mut conn = self.k().read().await?;
        // One query for all the batch's units (a gateway batch names hundreds).
        let loaded = q::get_units(&mut conn, &missing).await?;
        drop(conn);
        cache.remember(&loaded, version, now);
        for u in loaded {
            let scope = UnitScope {
                org_path: u.org_path,
                crew: u.unit.crew,
            };
            found.insert(u.unit.id.to_string(), scope);
        }
        Ok(found)
    }

    /// Refuses a batch of `who` before it is read when the position writer is nearly full,
    /// the rate budget (the server's or `who`'s) is spent, or the server is stopping (the HTTP
    /// edge asks this before parsing the body).
    pub fn positions_admission(&self, who: &Principal) -> Result<()> {
        self.k().positions_admission(&who.user_id)
    }

    /// A unit's track from `from_us` to `to_us` (at most 24 hours), for whoever may see the
    /// unit: one fix per instant, in time order.
    pub async fn unit_track(
        &self,
        who: &Principal,
        unit_id: &str,
        from_us: i64,
        to_us: i64,
    ) -> Result<Vec<TrackFix>> {
        if to_us < from_us || to_us - from_us > MAX_TRACK_SPAN_US {
            return Err(AppError::invalid(
                "to",
                jingwu_command::error_codes::field::TRACK_SPAN.code,
                "to must be after from, at most 24 hours later",
            ));
        }
        self.get_unit(who, unit_id).await?;
        self.k().read_track(unit_id, from_us, to_us).await
    }

    /// Prunes AVL history older than `keep_days` once an hour, for as long as the server runs.
    pub fn spawn_avl_retention(&self, keep_days: i64) -> tokio::task::JoinHandle<()> {
        let app = self.app.clone();
        tokio::spawn(async move {
            let app = app.command();
            let mut hourly = tokio::time::interval(std::time::Duration::from_secs(3600));
            loop {
                hourly.tick().await;
                match app.prune_positions(keep_days * 86_400).await {
                    Ok(0) => {}
                    Ok(n) => tracing::info!(removed = n, keep_days, "AVL history pruned"),
                    Err(e) => tracing::warn!(error = %e, "AVL history pruning failed"),
                }
            }
        })
    }

    /// Drops AVL history older than `keep_s` seconds (retention); returns rows removed.
    pub async fn prune_positions(&self, keep_s: i64) -> Result<u64> {
        self.k()
            .prune_positions(self.now_us() - keep_s * 1_000_000)
            .await
    }
}
