//! Recommendation (response plan slots, road ETA, tier, type fit) and dispatch (派警), which can never assign a
//! unit to two incidents: the unit moves `available → dispatched` only inside the writing
//! transaction and only if it is still available.

use std::collections::HashMap;

use jingwu_command::duplicates::haversine_m;
use jingwu_command::incident::IncidentStatus;
use jingwu_command::plans::{Agency, RankUnit, ResponsePlan, Unfilled, rank};
use jingwu_command::unit::{Actor, FitLevel, Tier, UnitKind, UnitStatus, fits, tier_of};
use jingwu_core::{Action, IncidentId, Principal, Scope, authorize};
use jingwu_store::command::{
    self as q, Assignment, AssignmentStatus, EventKind, MessageKind, Milestone,
};
use jingwu_store::foundation::orgs;

use super::Command;
use super::plans::applicable_plan;
use super::{event, move_unit, tell_crew};
use crate::{AppError, LiveEvent, RequestCtx, Result, Tx};

/// Longest road travel time considered for a recommendation.
const RECOMMEND_LIMIT_S: u32 = 1800;

#[derive(Debug, Clone)]
pub struct Recommendation {
    pub unit_id: String,
    pub call_sign: String,
    pub kind: UnitKind,
    pub org_id: String,
    pub org_name_zh: String,
    pub tier: Tier,
    /// How the unit travels; its ETA is at this mode's speeds on the roads it may use.
    pub travel_mode: jingwu_command::unit::TravelMode,
    pub eta_s: f64,
    pub distance_m: f64,
    pub fit: FitLevel,
    pub fit_reason: &'static str,
    /// Age of the unit's AVL fix, seconds.
    pub fix_age_s: i64,
    /// Index of the plan slot this unit fills, if it fills one.
    pub plan_slot: Option<usize>,
}

/// The recommendation for an incident: the units in order, with the plan that applied, its
/// slots that no unit within reach could fill, and the agencies it asks to notify.
#[derive(Debug, Clone)]
pub struct Recommendations {
    pub plan: Option<ResponsePlan>,
    pub units: Vec<Recommendation>,
    pub unfilled: Vec<Unfilled>,
}

impl Recommendations {
    /// The agencies the applied plan asks to notify.
    pub fn notify(&self) -> &[Agency] {
        self.plan.as_ref().map_or(&[], |p| &p.spec.agencies)
    }
}

impl Command<'_> {
    /// Available units the caller may task. When a response plan applies to the incident,
    /// its slots are filled with the eligible units that arrive first, and the other units
    /// follow; without one, all are ranked strictly by road travel time *to* the incident
    /// (one backward search per travel mode present, each unit at its own mode's speeds on
    /// the roads it may use, live closures applied). See `jingwu_command::plans`.
    pub async fn recommend(
        &self,
        who: &Principal,
        incident_id: &IncidentId,
        limit: usize,
    ) -> Result<Recommendations> {
        authorize(who, Action::Dispatch, Scope::Org(&who.org_path))
            .map_err(AppError::denied_scope)?;
        let roads = self
            .roads()
            .ok_or_else(|| AppError::Precondition("no road network is loaded".into()))?;
        let mut conn = self.k().read().await?;
        let incident = self.visible_incident(&mut conn, who, incident_id).await?;
        roads
            .snap(incident.incident.lat, incident.incident.lon)
            .map_err(|e| {
                AppError::Precondition(format!(
                    "the incident location is off the road network: {e}"
                ))
            })?;
        let subcategory = incident.incident.subcategory;
        let priority = incident.incident.priority;
        let plan = applicable_plan(&mut conn, &incident).await?;
        let tree = orgs::subtree(&mut conn, &who.org_path).await?;
        drop(conn);
        let mut conn = self.k().read().await?;
        let units = q::units_under(&mut conn, &who.org_path).await?;
        drop(conn);

        let ready = self.ready_units(&roads, units);
        let placed: Vec<_> = ready.iter().map(|r| (r.mode, r.pos)).collect();
        let to = (incident.incident.lat, incident.incident.lon);
        let etas = roads.rank_modes(&placed, to, placed.len(), RECOMMEND_LIMIT_S);
        let found: Vec<(Recommendation, &[String])> = etas
            .into_iter()
            .filter_map(|eta| {
                let r = ready.get(eta.unit)?;
                let (u, age) = (&r.unit, r.fix_age_us);
                let kind = u.unit.kind;
                let org = tree.iter().find(|o| u.unit.org_id == o.id.as_str())?;
                let distance_m = haversine_m(
                    incident.incident.lat,
                    incident.incident.lon,
                    u.unit.lat.unwrap_or_default(),
                    u.unit.lon.unwrap_or_default(),
                );
                let fit = fits(kind, subcategory, priority, distance_m);
                let rec = Recommendation {
                    unit_id: u.unit.id.to_string(),
                    call_sign: u.unit.call_sign.clone(),
                    kind: u.unit.kind,
                    org_id: org.id.clone(),
                    org_name_zh: org.name_zh.clone(),
                    tier: tier_of(kind, org.kind),
                    travel_mode: u.unit.travel_mode,
                    eta_s: f64::from(eta.time_ms) / 1000.0,
                    distance_m,
                    fit: fit.level,
                    fit_reason: fit.reason,
                    fix_age_s: age / 1_000_000,
                    plan_slot: None,
                };
                Some((rec, u.unit.equipment.as_slice()))
            })
            .collect();
        let rank_units: Vec<RankUnit<'_>> = found
            .iter()
            .map(|(r, equipment)| RankUnit {
                kind: r.kind,
                equipment,
                eta_s: r.eta_s,
                fit: r.fit,
                call_sign: &r.call_sign,
            })
            .collect();
        let slots = plan.as_ref().map_or(&[][..], |p| &p.spec.slots);
        let ranking = rank(slots, &rank_units);
        let units = ranking
            .order
            .iter()
            .take(limit)
            .filter_map(|r| {
                let (rec, _) = found.get(r.index)?;
                Some(Recommendation {
                    plan_slot: r.slot,
                    ..rec.clone()
                })
            })
            .collect();
        Ok(Recommendations {
            plan,
            units,
            unfilled: ranking.unfilled,
        })
    }

    /// Assigns units to an incident. Each unit must be one the caller may task (the city
    /// centre any unit, a bureau its subtree, a station its own) and still available.
    pub async fn dispatch(
        &self,
        who: &Principal,
        incident_id: &IncidentId,
        unit_ids: &[String],
        ctx: &RequestCtx,
    ) -> Result<Vec<(String, i64)>> {
        if unit_ids.is_empty() || unit_ids.len() > 20 {
            return Err(AppError::invalid(
                "unit_ids",
                jingwu_command::error_codes::field::UNIT_IDS_COUNT.code,
                "name 1 to 20 units",
            ));
        }
        let now = self.now_us();
        let etas = self.etas_to(who, incident_id, unit_ids).await?;
        self.k()
            .write(who, ctx, async |tx| {
                let incident = self.visible_incident(tx.db(), who, incident_id).await?;
                authorize(who, Action::Dispatch, Scope::Org(&incident.org_path))
                    .map_err(AppError::denied_scope)?;
                if matches!(
                    incident.incident.status,
                    IncidentStatus::Closed | IncidentStatus::Merged
                ) {
                    return Err(AppError::Conflict {
                        code: jingwu_command::error_codes::INCIDENT_CLOSED.code,
                        detail: format!(
                            "incident {} is {}",
                            incident.incident.number, incident.incident.status
                        ),
                    });
                }
                let mut pushed = Vec::new();
                let mut unit_paths = Vec::new();
                for unit_id in unit_ids {
                    let u = self
                        .scoped_unit(tx.db(), who, Action::Dispatch, unit_id)
                        .await?;
                    let eta_secs = etas.get(unit_id.as_str()).copied().flatten();
                    let seq = self
                        .assign_unit(tx, who, &incident.incident, &u, eta_secs, None, now)
                        .await?;
                    pushed.push((unit_id.clone(), seq));
                    unit_paths.push((unit_id.clone(), u.org_path.clone()));
                }
                if incident.incident.status == IncidentStatus::New {
                    q::mark_incident(
                        tx.db(),
                        incident_id,
                        IncidentStatus::Dispatched,
                        Milestone::Dispatched,
                        now,
                    )
                    .await?;
                }
                let detail = serde_json::json!({ "unit_ids": unit_ids });
                tx.audit(
                    "incident.dispatch",
                    ("incident", incident_id.as_str()),
                    &incident.org_path,
                    detail,
                )
                .await?;
                // The map shows unit status too.
                for (unit_id, org_path) in unit_paths {
                    tx.publish(LiveEvent::Unit { unit_id, org_path });
                }
                tx.publish(LiveEvent::Incident {
                    incident_id: incident_id.to_string(),
                    org_path: incident.org_path,
                });
                Ok(pushed)
            })
            .await
    }

    /// Sends one available unit to an open incident inside the caller's transaction: the unit
    /// becomes dispatched (only if still available), a fresh assignment (a unit sent again after
    /// a withdrawal gets a new attempt), the `dispatched` event (naming the incident it was
    /// diverted from, if any) and the `assignment` message in the unit's terminal log, pushed
    /// after the commit. Returns the message's sequence number. The caller moves the incident's
    /// own status and writes the audit entry.
    #[allow(clippy::too_many_arguments)]
    pub(super) async fn assign_unit(
        &self,
        tx: &mut Tx,
        who: &Principal,
        incident: &q::Incident,
        u: &q::ScopedUnit,
        eta_secs: Option<i64>,
        diverted_from: Option<&q::Incident>,
        now: i64,
    ) -> Result<i64> {
        let from = u.unit.status;
        if from != UnitStatus::Available {
            return Err(AppError::Conflict {
                code: jingwu_command::error_codes::UNIT_NOT_AVAILABLE.code,
                detail: format!(
                    "unit {} is {} and cannot be dispatched",
                    u.unit.call_sign,
                    from.label_en().to_lowercase()
                ),
            });
        }
        let unit_id = u.unit.id.as_str();
        move_unit(
            tx.db(),
            who,
            Actor::Dispatcher,
            unit_id,
            from,
            UnitStatus::Dispatched,
            Some(&incident.id),
            "",
            now,
        )
        .await?;
        let attempt = q::insert_assignment(
            tx.db(),
            &Assignment {
                incident_id: incident.id.clone(),
                unit_id: u.unit.id.clone(),
                status: AssignmentStatus::Dispatched,
                eta_secs,
                dispatched_at: now,
                acknowledged_at: None,
                en_route_at: None,
                on_scene_at: None,
                cleared_at: None,
                attempt: 0,
            },
        )
        .await?;
        let mut detail = serde_json::json!({
            "call_sign": u.unit.call_sign, "eta_secs": eta_secs, "attempt": attempt,
        });
        if let Some(d) = diverted_from {
            detail["diverted_from"] = serde_json::json!({ "id": d.id, "number": d.number });
        }
        event(
            tx.db(),
            &incident.id,
            now,
            EventKind::Dispatched,
            who,
            Some(unit_id),
            detail,
        )
        .await?;
        let body = self.assignment_message(incident, eta_secs);
        tell_crew(tx, u, MessageKind::Assignment, &body, now).await
    }

    /// Road travel time of each named unit to the incident, from the positions known now. Road
    /// searches run here, before the writing transaction, so writers never wait on them; the
    /// transaction re-checks everything that decides (scope, status).
    pub(super) async fn etas_to<'u>(
        &self,
        who: &Principal,
        incident_id: &IncidentId,
        unit_ids: &'u [String],
    ) -> Result<HashMap<&'u str, Option<i64>>> {
        let Some(roads) = self.roads() else {
            return Ok(HashMap::new());
        };
        let mut conn = self.k().read().await?;
        let incident = self.visible_incident(&mut conn, who, incident_id).await?;
        let ids: Vec<&str> = unit_ids.iter().map(String::as_str).collect();
        let units = q::get_units(&mut conn, &ids).await?;
        drop(conn);
        let to = (incident.incident.lat, incident.incident.lon);
        let eta = |u: &q::ScopedUnit| {
            let mode = super::roads::route_mode(u.unit.travel_mode);
            let from = roads.snap_for(mode, u.unit.lat?, u.unit.lon?).ok()?;
            let e = roads.rank_modes(&[(mode, from)], to, 1, RECOMMEND_LIMIT_S);
            e.first().map(|e| i64::from(e.time_ms / 1000))
        };
        Ok(unit_ids
            .iter()
            .map(|id| {
                let u = units.iter().find(|u| u.unit.id.as_str() == id.as_str());
                let secs = u.and_then(eta);
                (id.as_str(), secs)
            })
            .collect())
    }

    /// The assignment as the terminal receives it: everything an officer needs to respond.
    fn assignment_message(&self, i: &q::Incident, eta_secs: Option<i64>) -> serde_json::Value {
        serde_json::json!({
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
        })
    }
}
