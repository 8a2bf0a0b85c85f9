//! The demo picks up where it was after a restart (issue 10: the runs of the living city
//! lived only in memory, so incidents in progress and their units stayed frozen for good).
//! Everything it needs is durable: open incidents, their active assignments and the units'
//! last positions. Each such assignment of a unit the demo drives (not one crewed by a demo
//! login) is driven again from where its unit is; one already on scene closes after a short
//! dwell, as a new run would.

use std::time::Duration;

use jingwu_command::incident::{AssignmentStatus, IncidentStatus};
use jingwu_command::unit::UnitStatus;
use jingwu_core::{IncidentId, Principal};
use jingwu_routing::SplitMix64;

use super::activity::{Run, SCENARIOS, demo_dispatcher};
use crate::{App, AppError, IncidentFilter, RequestCtx, Result};

impl App {
    /// Resumes the demo's runs from the database; returns how many units drive again.
    /// `spawn_demo_activity` does this itself at start.
    pub async fn resume_demo_runs(&self) -> Result<usize> {
        let who = demo_dispatcher(self).await?;
        Ok(self
            .resumed_runs(&who, &mut SplitMix64::new(119))
            .await
            .len())
    }

    pub(super) async fn resumed_runs(&self, who: &Principal, rng: &mut SplitMix64) -> Vec<Run> {
        let mut runs = Vec::new();
        for status in [IncidentStatus::Dispatched, IncidentStatus::OnScene] {
            let filter = IncidentFilter {
                status: Some(status),
                limit: 500,
                ..Default::default()
            };
            let open = match self.command().list_incidents(who, &filter).await {
                Ok(open) => open,
                Err(e) => {
                    tracing::warn!(error = %e, "demo runs not resumed");
                    continue;
                }
            };
            for i in open {
                match self.resume_incident(who, &i.incident.id, rng).await {
                    Ok(mut resumed) => runs.append(&mut resumed),
                    Err(e) => tracing::debug!(error = %e, "demo incident not resumed"),
                }
            }
        }
        if !runs.is_empty() {
            tracing::info!(units = runs.len(), "demo runs resumed after a restart");
        }
        runs
    }

    async fn resume_incident(
        &self,
        who: &Principal,
        incident_id: &IncidentId,
        rng: &mut SplitMix64,
    ) -> Result<Vec<Run>> {
        let ctx = RequestCtx::cli();
        let roads = self
            .command()
            .roads()
            .ok_or_else(|| AppError::Precondition("no road network".into()))?;
        let d = self
            .command()
            .incident_detail(who, incident_id, &ctx)
            .await?;
        let incident = &d.incident.incident;
        let spot = roads
            .snap(incident.lat, incident.lon)
            .map_err(|e| AppError::Precondition(format!("incident off the roads: {e}")))?;
        let result = SCENARIOS
            .iter()
            .find(|s| s.1 == incident.subcategory.as_str())
            .map_or("已处置完毕", |s| s.4);
        let mut runs = Vec::new();
        for a in &d.assignments {
            use AssignmentStatus as A;
            if !matches!(
                a.status,
                A::Dispatched | A::Acknowledged | A::EnRoute | A::OnScene
            ) {
                continue;
            }
            let unit_id = a.unit_id.to_string();
            let unit = self.command().get_unit(who, &unit_id).await?;
            // Units crewed by a demo login are the signed-in person's, as in a new run.
            if unit.unit.crew.iter().any(|c| c == "officer") {
                continue;
            }
            if a.status == A::Dispatched {
                self.command()
                    .acknowledge(who, &unit_id, incident_id, &ctx)
                    .await?;
            }
            if matches!(a.status, A::Dispatched | A::Acknowledged) {
                self.command()
                    .set_unit_status(who, &unit_id, UnitStatus::EnRoute.as_str(), "", &ctx)
                    .await?;
            }
            let arrived = a.status == A::OnScene;
            let route = if arrived {
                None
            } else {
                let (lat, lon) = (unit.unit.lat, unit.unit.lon);
                let mode = crate::command::route_mode(unit.unit.travel_mode);
                lat.zip(lon)
                    .and_then(|from| roads.route_between(mode, from, spot.point))
            };
            let travel = route.as_ref().map_or(Duration::from_secs(1), |r| {
                Duration::from_millis(u64::from(r.time_ms).max(5_000))
            });
            runs.push(Run {
                unit_id,
                incident_id: incident_id.clone(),
                coords: route.map_or_else(|| vec![spot.point], |r| r.coords),
                started: std::time::Instant::now(),
                travel,
                dwell: Duration::from_secs(30 + rng.below(60)),
                arrived,
                result,
            });
        }
        Ok(runs)
    }
}
