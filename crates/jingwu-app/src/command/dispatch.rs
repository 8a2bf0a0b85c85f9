//! Recommendation (road ETA, tier, type fit) and dispatch (派警), which can never assign a
//! unit to two incidents: the unit moves `available → dispatched` only inside the writing
//! transaction and only if it is still available.

use std::cmp::Ordering;

use jingwu_command::duplicates::haversine_m;
use jingwu_command::taxonomy::{Priority, Subcategory};
use jingwu_command::unit::{
    Actor, Candidate, FitLevel, Tier, UnitKind, UnitStatus, fits, recommendation_order,
};
use jingwu_core::{Action, Principal, Scope, authorize};
use jingwu_store::command::{self as q, Assignment, Milestone};
use jingwu_store::orgs;

use super::{event, move_unit, parse_status};
use crate::{App, AppError, LiveEvent, RequestCtx, Result};

/// Longest road travel time considered for a recommendation.
const RECOMMEND_LIMIT_S: u32 = 1800;

#[derive(Debug, Clone)]
pub struct Recommendation {
    pub unit_id: String,
    pub call_sign: String,
    pub kind: String,
    pub org_id: String,
    pub org_name_zh: String,
    pub tier: Tier,
    pub eta_s: f64,
    pub distance_m: f64,
    pub fit: FitLevel,
    pub fit_reason: &'static str,
    /// Age of the unit's AVL fix, seconds.
    pub fix_age_s: i64,
}

pub(super) fn tier_of(kind: UnitKind, org_kind: &str) -> Tier {
    match (kind, org_kind) {
        (UnitKind::ArmedPatrolTeam, _) => Tier::ArmedPatrol,
        (_, "station") => Tier::Station,
        (_, "district") => Tier::District,
        _ => Tier::City,
    }
}

impl App {
    /// Available units the caller may task, ranked by road travel time *to* the incident
    /// (one backward search, live closures applied), then by tier/type fit within a minute.
    pub async fn recommend(
        &self,
        who: &Principal,
        incident_id: &str,
        limit: usize,
    ) -> Result<Vec<Recommendation>> {
        authorize(who, Action::Dispatch, Scope::Org(&who.org_path))
            .map_err(AppError::denied_scope)?;
        let roads = self
            .roads()
            .ok_or_else(|| AppError::Precondition("no road network is loaded".into()))?;
        let mut conn = self.store().conn().await?;
        let incident = self.visible_incident(&mut conn, who, incident_id).await?;
        let target = roads
            .snap(incident.incident.lat, incident.incident.lon)
            .map_err(|e| {
                AppError::Precondition(format!(
                    "the incident location is off the road network: {e}"
                ))
            })?;
        let subcategory = Subcategory::parse(&incident.incident.subcategory)
            .map_err(|e| AppError::Internal(format!("stored subcategory: {e}")))?;
        let priority = Priority::parse(&incident.incident.priority)
            .map_err(|e| AppError::Internal(format!("stored priority: {e}")))?;
        let tree = orgs::subtree(&mut conn, &who.org_path).await?;
        drop(conn);
        let mut conn = self.store().conn().await?;
        let units = q::units_under(&mut conn, &who.org_path).await?;
        drop(conn);

        let ready = self.ready_units(&roads, units);
        let positions: Vec<_> = ready.iter().map(|r| r.pos).collect();
        let etas = roads.rank(&positions, &target, positions.len(), RECOMMEND_LIMIT_S);
        let mut out: Vec<Recommendation> = etas
            .into_iter()
            .filter_map(|eta| {
                let r = ready.get(eta.unit)?;
                let (u, age) = (&r.unit, r.fix_age_us);
                let kind = UnitKind::parse(&u.unit.kind).ok()?;
                let org = tree.iter().find(|o| o.id == u.unit.org_id)?;
                let distance_m = haversine_m(
                    incident.incident.lat,
                    incident.incident.lon,
                    u.unit.lat.unwrap_or_default(),
                    u.unit.lon.unwrap_or_default(),
                );
                let fit = fits(kind, subcategory, priority, distance_m);
                Some(Recommendation {
                    unit_id: u.unit.id.clone(),
                    call_sign: u.unit.call_sign.clone(),
                    kind: u.unit.kind.clone(),
                    org_id: org.id.clone(),
                    org_name_zh: org.name_zh.clone(),
                    tier: tier_of(kind, &org.kind),
                    eta_s: f64::from(eta.time_ms) / 1000.0,
                    distance_m,
                    fit: fit.level,
                    fit_reason: fit.reason,
                    fix_age_s: age / 1_000_000,
                })
            })
            .collect();
        out.sort_by(|a, b| -> Ordering {
            recommendation_order(
                &Candidate {
                    eta_s: a.eta_s,
                    fit: a.fit,
                },
                &Candidate {
                    eta_s: b.eta_s,
                    fit: b.fit,
                },
            )
        });
        out.truncate(limit);
        Ok(out)
    }

    /// Assigns units to an incident. Each unit must be one the caller may task (the city
    /// centre any unit, a bureau its subtree, a station its own) and still available.
    pub async fn dispatch(
        &self,
        who: &Principal,
        incident_id: &str,
        unit_ids: &[String],
        ctx: &RequestCtx,
    ) -> Result<Vec<(String, i64)>> {
        if unit_ids.is_empty() || unit_ids.len() > 20 {
            return Err(AppError::invalid(
                "unit_ids",
                "unit_ids.count",
                "name 1 to 20 units",
            ));
        }
        let now = self.now_us();
        let mut tx = self.store().write().await?;
        let incident = self.visible_incident(tx.conn(), who, incident_id).await?;
        authorize(who, Action::Dispatch, Scope::Org(&incident.org_path))
            .map_err(AppError::denied_scope)?;
        if matches!(incident.incident.status.as_str(), "closed" | "merged") {
            return Err(AppError::Conflict {
                code: "incident_closed",
                detail: format!(
                    "incident {} is {}",
                    incident.incident.number, incident.incident.status
                ),
            });
        }
        let target = self
            .roads()
            .and_then(|r| r.snap(incident.incident.lat, incident.incident.lon).ok());
        let mut pushed = Vec::new();
        let mut unit_paths = Vec::new();
        for unit_id in unit_ids {
            let u = self
                .scoped_unit(tx.conn(), who, Action::Dispatch, unit_id)
                .await?;
            let from = parse_status(&u.unit.status)?;
            if from != UnitStatus::Available {
                return Err(AppError::Conflict {
                    code: "unit_not_available",
                    detail: format!(
                        "unit {} is {} and cannot be dispatched",
                        u.unit.call_sign,
                        from.label_en().to_lowercase()
                    ),
                });
            }
            move_unit(
                tx.conn(),
                who,
                Actor::Dispatcher,
                unit_id,
                from,
                UnitStatus::Dispatched,
                Some(incident_id),
                "",
                now,
            )
            .await?;
            let eta_secs = match (self.roads(), target, u.unit.lat, u.unit.lon) {
                (Some(roads), Some(target), Some(lat), Some(lon)) => {
                    roads.snap(lat, lon).ok().and_then(|p| {
                        roads
                            .rank(&[p], &target, 1, RECOMMEND_LIMIT_S)
                            .first()
                            .map(|e| i64::from(e.time_ms / 1000))
                    })
                }
                _ => None,
            };
            q::insert_assignment(
                tx.conn(),
                &Assignment {
                    incident_id: incident_id.into(),
                    unit_id: unit_id.clone(),
                    status: "dispatched".into(),
                    eta_secs,
                    dispatched_at: now,
                    acknowledged_at: None,
                    en_route_at: None,
                    on_scene_at: None,
                    cleared_at: None,
                },
            )
            .await?;
            let detail = serde_json::json!({ "call_sign": u.unit.call_sign, "eta_secs": eta_secs });
            event(
                tx.conn(),
                incident_id,
                now,
                "dispatched",
                who,
                Some(unit_id),
                detail,
            )
            .await?;
            let body = self.assignment_message(&incident.incident, eta_secs);
            let seq =
                q::push_terminal_message(tx.conn(), unit_id, now, "assignment", &body).await?;
            pushed.push((unit_id.clone(), seq));
            unit_paths.push((unit_id.clone(), u.org_path.clone()));
        }
        if incident.incident.status == "new" {
            q::mark_incident(
                tx.conn(),
                incident_id,
                "dispatched",
                Milestone::Dispatched,
                now,
            )
            .await?;
        }
        let detail = serde_json::json!({ "unit_ids": unit_ids });
        tx.audit(self.entry(
            who,
            ctx,
            "incident.dispatch",
            ("incident", incident_id),
            &incident.org_path,
            detail,
        ))
        .await?;
        tx.commit().await?;
        for (unit_id, seq) in &pushed {
            self.publish(LiveEvent::Terminal {
                unit_id: unit_id.clone(),
                seq: *seq,
            });
        }
        // The map shows unit status too.
        for (unit_id, org_path) in unit_paths {
            self.publish(LiveEvent::Unit { unit_id, org_path });
        }
        self.publish(LiveEvent::Incident {
            incident_id: incident_id.into(),
            org_path: incident.org_path,
        });
        Ok(pushed)
    }

    /// The assignment as the terminal receives it: everything an officer needs to respond.
    fn assignment_message(&self, i: &q::Incident, eta_secs: Option<i64>) -> String {
        jingwu_audit::canonical_json(&serde_json::json!({
            "type": "assignment",
            "incident_id": i.id,
            "number": i.number,
            "category": i.category,
            "subcategory": i.subcategory,
            "priority": i.priority,
            "address": i.address,
            "lat": i.lat,
            "lon": i.lon,
            "description": i.description,
            "caller_name": i.caller_name,
            "caller_phone": i.caller_phone,
            "eta_secs": eta_secs,
        }))
    }
}
