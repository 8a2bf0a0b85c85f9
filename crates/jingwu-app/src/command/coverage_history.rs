//! Coverage over time (issue 10, capability 6): a job samples the city's and each district's
//! 1/3/5-minute road coverage every quarter hour into `coverage_samples` (one row per slot
//! however many nodes sample it, pruned after `KEEP_DAYS`); the dashboard reads a period's
//! curves, averaged into at most `MAX_POINTS` points each, within the caller's jurisdiction.

use std::time::Duration;

use jingwu_command::coverage_history::{
    KEEP_DAYS, MAX_PERIOD_DAYS, Point, SAMPLE_EVERY_US, points, slot, step_us,
};
use jingwu_core::{OrgKind, Principal, new_id};
use jingwu_store::command::coverage_history::{self as ch, CoverageSample};
use jingwu_store::foundation::orgs::{self, OrgUnit};

use super::Command;
use super::coverage::{AreaFigures, COVERAGE_LIMITS_S};
use super::stats::Period;
use crate::{AppError, RequestCtx, Result};

/// One org unit's coverage curve.
#[derive(Debug, Clone, PartialEq)]
pub struct CoverageSeries {
    pub org: OrgUnit,
    pub points: Vec<Point>,
}

/// A period's coverage curves: the org unit asked about and its sampled descendants.
#[derive(Debug, Clone, PartialEq)]
pub struct CoverageHistory {
    pub period: Period,
    /// Width of each point, µs (whole sampling intervals).
    pub step_us: i64,
    pub series: Vec<CoverageSeries>,
}

/// The road shares within 60, 180 and 300 s of an area's figures.
fn shares(a: &AreaFigures) -> [f64; 3] {
    let mut out = [0.0; 3];
    for (o, s) in out.iter_mut().zip(COVERAGE_LIMITS_S) {
        *o = a
            .limits
            .iter()
            .find(|l| l.seconds == s)
            .map_or(0.0, |l| l.road_share);
    }
    out
}

impl Command<'_> {
    /// Samples the current coverage of the city and of each district into the slot of now and
    /// prunes samples past the retention, in one audited write. Returns the samples written (0
    /// without a road network, or when another node sampled the slot already).
    pub async fn sample_coverage(&self) -> Result<u64> {
        if self.roads().is_none() {
            return Ok(0);
        }
        let mut conn = self.k().read().await?;
        let Some(root) = orgs::root(&mut conn).await? else {
            return Ok(0);
        };
        drop(conn);
        let system = Principal::system(root.id.as_str(), &root.path);
        let view = self.coverage(&system, None).await?;
        let at_us = slot(self.now_us());
        let units_counted = i64::try_from(view.units_counted).unwrap_or(i64::MAX);
        let samples: Vec<CoverageSample> = std::iter::once(&view.area)
            .chain(
                view.children
                    .iter()
                    .filter(|c| c.kind == OrgKind::District.as_str()),
            )
            .map(|a| CoverageSample {
                org_id: a.org_id.as_str().into(),
                at_us,
                shares: shares(a),
                units_counted,
            })
            .collect();
        let ctx = RequestCtx {
            request_id: format!("job-{}", new_id()),
            client_addr: None,
        };
        let done = self
            .k()
            .write(&system, &ctx, async |tx| {
                let written = ch::insert_samples(tx.db(), &samples).await?;
                let keep_from = at_us - KEEP_DAYS * 86_400 * 1_000_000;
                let pruned = ch::prune_samples(tx.db(), keep_from).await?;
                if written == 0 && pruned == 0 {
                    // Sampled by another node: nothing changed, nothing to record (a write
                    // without an audit entry is refused, so leave without one).
                    return Err(AppError::NotFound {
                        what: "unsampled slot",
                    });
                }
                tx.audit(
                    "coverage.sample",
                    ("org_unit", root.id.as_str()),
                    &root.path,
                    serde_json::json!({ "at_us": at_us, "samples": written, "pruned": pruned }),
                )
                .await?;
                Ok(written)
            })
            .await;
        match done {
            Err(AppError::NotFound { .. }) => Ok(0),
            other => other,
        }
    }

    /// Starts the sampling job: a sample at start-up and at the start of every slot after.
    pub fn spawn_coverage_sampler(&self) -> tokio::task::JoinHandle<()> {
        let app = self.app.clone();
        tokio::spawn(async move {
            let command = app.command();
            loop {
                if let Err(e) = command.sample_coverage().await {
                    tracing::warn!(error = %e, "coverage sampling failed");
                }
                let now = command.now_us();
                let wait = slot(now) + SAMPLE_EVERY_US - now;
                tokio::time::sleep(Duration::from_micros(wait.max(1) as u64)).await;
            }
        })
    }

    /// Coverage curves over `period` of the caller's jurisdiction, or the unit `org` in it
    /// (outside → 403 `out_of_scope`): the unit's own curve when it is sampled (the city, a
    /// district) and those of its sampled descendants.
    pub async fn coverage_history(
        &self,
        who: &Principal,
        org: Option<&str>,
        period: Period,
    ) -> Result<CoverageHistory> {
        let scope = self.stats_scope(who, org).await?;
        let max = MAX_PERIOD_DAYS * 86_400 * 1_000_000;
        if period.to <= period.from || period.to - period.from > max {
            return Err(AppError::invalid(
                "from",
                jingwu_command::error_codes::field::PERIOD_RANGE.code,
                format!("`to` must be after `from`, at most {MAX_PERIOD_DAYS} days later"),
            ));
        }
        let mut conn = self.k().read().await?;
        let samples = ch::samples_under(&mut conn, &scope.path, period.from, period.to).await?;
        let tree = orgs::subtree(&mut conn, &scope.path).await?;
        drop(conn);
        let step = step_us(period.from, period.to);
        let mut series: Vec<CoverageSeries> = Vec::new();
        for group in samples.chunk_by(|a, b| a.org_id == b.org_id) {
            let Some(org) = tree.iter().find(|o| o.id == group[0].org_id.as_str()) else {
                continue;
            };
            series.push(CoverageSeries {
                org: org.clone(),
                points: points(group, period.from, step),
            });
        }
        Ok(CoverageHistory {
            period,
            step_us: step,
            series,
        })
    }
}
