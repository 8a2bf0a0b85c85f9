//! A unit's progress on its assignment, reported from its terminal (or by a dispatcher):
//! acknowledge (签收), en route (出警), on scene (到场), clear; and closing the incident (办结).

use jingwu_command::incident::IncidentStatus;
use jingwu_command::policy;
use jingwu_command::unit::{Actor, UnitStatus};
use jingwu_core::{IncidentId, Principal, Role};
use jingwu_store::Conn;
use jingwu_store::command::{
    self as q, AssignmentStatus, EventKind, MessageKind, Milestone, ScopedUnit,
};

use super::Command;
use super::read::{Assigned, incident_facts, unit_facts};
use super::{event, move_unit, tell_crew};
use crate::{AppError, LiveEvent, RequestCtx, Result};

impl Command<'_> {
    /// A unit the caller may operate: a dispatcher's unit in scope, or an officer's own unit
    /// (one whose crew lists the officer).
    pub(super) async fn operable_unit(
        &self,
        conn: &mut impl Conn,
        who: &Principal,
        unit_id: &str,
    ) -> Result<ScopedUnit> {
        let u = q::get_unit(conn, unit_id)
            .await?
            .ok_or(AppError::NotFound { what: "unit" })?;
        may_operate(who, &u)?;
        Ok(u)
    }

    /// 签收: the terminal confirms it received the assignment.
    pub async fn acknowledge(
        &self,
        who: &Principal,
        unit_id: &str,
        incident_id: &IncidentId,
        ctx: &RequestCtx,
    ) -> Result<()> {
        let now = self.now_us();
        self.k()
            .write(who, ctx, async |tx| {
                let u = self.operable_unit(tx.db(), who, unit_id).await?;
                if !u.unit.is_on(incident_id) {
                    return Err(AppError::Conflict {
                        code: jingwu_command::error_codes::NOT_ASSIGNED.code,
                        detail: format!(
                            "unit {} is not assigned to this incident",
                            u.unit.call_sign
                        ),
                    });
                }
                let incident = q::get_incident(tx.db(), incident_id)
                    .await?
                    .ok_or(AppError::NotFound { what: "incident" })?;
                q::mark_assignment(
                    tx.db(),
                    incident_id,
                    unit_id,
                    AssignmentStatus::Acknowledged,
                    Some(Milestone::Acknowledged),
                    now,
                )
                .await?;
                let status = incident.incident.status;
                q::mark_incident(tx.db(), incident_id, status, Milestone::Acknowledged, now)
                    .await?;
                event(
                    tx.db(),
                    incident_id,
                    now,
                    EventKind::Acknowledged,
                    who,
                    Some(unit_id),
                    serde_json::json!({ "call_sign": u.unit.call_sign }),
                )
                .await?;
                tx.audit(
                    "unit.acknowledge",
                    ("unit", unit_id),
                    &u.org_path,
                    serde_json::json!({ "incident_id": incident_id }),
                )
                .await?;
                tx.publish(LiveEvent::Incident {
                    incident_id: incident_id.to_string(),
                    org_path: incident.org_path,
                });
                Ok(())
            })
            .await
    }

    /// Moves a unit to a new status under the status machine; the incident's timeline and
    /// milestones follow (en route, on scene, cleared, cancelled).
    pub async fn set_unit_status(
        &self,
        who: &Principal,
        unit_id: &str,
        to: &str,
        reason: &str,
        ctx: &RequestCtx,
    ) -> Result<UnitStatus> {
        let to = UnitStatus::parse(to).map_err(|e| {
            AppError::invalid(
                "status",
                jingwu_command::error_codes::field::STATUS_UNKNOWN.code,
                e.to_string(),
            )
        })?;
        if to == UnitStatus::Dispatched {
            return Err(AppError::Conflict {
                code: jingwu_command::error_codes::ILLEGAL_TRANSITION.code,
                detail: "units are dispatched through an incident's dispatch, not a status change"
                    .into(),
            });
        }
        let now = self.now_us();
        self.k().write(who, ctx, async |tx| {
        let u = self.operable_unit(tx.db(), who, unit_id).await?;
        let from = u.unit.status;
        let actor = if who.role == Role::Officer {
            Actor::Terminal
        } else {
            Actor::Dispatcher
        };
        let incident_id = u.unit.incident_id.clone();
        move_unit(
            tx.db(),
            who,
            actor,
            unit_id,
            from,
            to,
            incident_id.as_ref(),
            reason,
            now,
        )
        .await?;
        let mut incident_path = None;
        if let Some(iid) = &incident_id {
            let incident = q::get_incident(tx.db(), iid)
                .await?
                .ok_or(AppError::NotFound { what: "incident" })?;
            let (assignment, milestone, kind) = match (from, to) {
                (_, UnitStatus::EnRoute) => (AssignmentStatus::EnRoute, Some(Milestone::EnRoute), EventKind::EnRoute),
                (_, UnitStatus::OnScene) => (AssignmentStatus::OnScene, Some(Milestone::OnScene), EventKind::OnScene),
                (UnitStatus::OnScene, _) => (AssignmentStatus::Cleared, Some(Milestone::Closed), EventKind::Cleared),
                _ => (AssignmentStatus::Cancelled, Some(Milestone::Closed), EventKind::Cancelled),
            };
            q::mark_assignment(tx.db(), iid, unit_id, assignment, milestone, now).await?;
            match to {
                UnitStatus::EnRoute => {
                    let status = incident.incident.status;
                    q::mark_incident(tx.db(), iid, status, Milestone::EnRoute, now).await?;
                }
                UnitStatus::OnScene if incident.incident.status != IncidentStatus::Closed => {
                    q::mark_incident(tx.db(), iid, IncidentStatus::OnScene, Milestone::OnScene, now).await?;
                }
                _ => {}
            }
            let detail = serde_json::json!({ "call_sign": u.unit.call_sign, "from": from.as_str(), "to": to.as_str(), "reason": reason });
            event(tx.db(), iid, now, kind, who, Some(unit_id), detail).await?;
            if kind == EventKind::Cancelled {
                // Called off by status: the same as a cancel — the crew hears it unless it
                // reported the change itself, and nobody left means back to pending.
                if actor == Actor::Dispatcher {
                    super::lifecycle::tell_cancelled(tx, &u, &incident.incident, reason, None, now)
                        .await?;
                }
                self.reopen_if_nobody_left(tx, who, &incident, now).await?;
            }
            incident_path = Some((iid.to_string(), incident.org_path));
        }
        let detail = serde_json::json!({ "from": from.as_str(), "to": to.as_str(), "reason": reason, "incident_id": incident_id });
        tx.audit("unit.status",
            ("unit", unit_id),
            &u.org_path,
            detail).await?;
                tx.publish(LiveEvent::Unit {
            unit_id: unit_id.into(),
            org_path: u.org_path,
        });
        if let Some((incident_id, org_path)) = incident_path {
            tx.publish(LiveEvent::Incident {
                incident_id,
                org_path,
            });
        }
        Ok(to)
        })
        .await
    }

    /// 办结: records the result and clears every unit still on the incident.
    pub async fn close_incident(
        &self,
        who: &Principal,
        incident_id: &IncidentId,
        result_code: &str,
        result_text: &str,
        ctx: &RequestCtx,
    ) -> Result<()> {
        let mut errs = Vec::new();
        if result_code.trim().is_empty() || result_code.len() > 32 {
            errs.push(crate::FieldError::new(
                "result_code",
                jingwu_command::error_codes::field::RESULT_CODE_FORMAT.code,
                "1 to 32 characters",
            ));
        }
        if result_text.trim().chars().count() < 4 || result_text.chars().count() > 2000 {
            errs.push(crate::FieldError::new(
                "result_text",
                jingwu_command::error_codes::field::RESULT_TEXT_LENGTH.code,
                "4 to 2000 characters: what was found and done",
            ));
        }
        if !errs.is_empty() {
            return Err(AppError::Validation(errs));
        }
        let now = self.now_us();
        self.k().write(who, ctx, async |tx| {
        let incident = self.visible_incident(tx.db(), who, incident_id).await?;
        let assigned = Assigned::load(tx.db(), incident_id).await?;
        let facts = assigned.facts();
        // The owning command room closes; an officer only an incident their unit is on now.
        if !policy::may_close(who, &incident_facts(&incident, &facts)) {
            return Err(AppError::Forbidden(
                "only a dispatcher or an officer on the incident may close it".into(),
            ));
        }
        if !q::close_incident(
            tx.db(),
            incident_id,
            now,
            result_code.trim(),
            result_text.trim(),
        )
        .await?
        {
            return Err(AppError::Conflict {
                code: jingwu_command::error_codes::INCIDENT_CLOSED.code,
                detail: "the incident is already closed".into(),
            });
        }
        let actor = if who.role == Role::Officer {
            Actor::Terminal
        } else {
            Actor::Dispatcher
        };
        let mut cleared = Vec::new();
        for a in &assigned.latest {
            let Some(u) = q::get_unit(tx.db(), a.unit_id.as_str()).await? else {
                continue;
            };
            if !u.unit.is_on(incident_id) {
                continue;
            }
            let from = u.unit.status;
            if from.is_assigned() {
                move_unit(
                    tx.db(),
                    who,
                    actor,
                    a.unit_id.as_str(),
                    from,
                    UnitStatus::Available,
                    Some(incident_id),
                    "incident closed",
                    now,
                )
                .await?;
                q::mark_assignment(
                    tx.db(),
                    incident_id,
                    a.unit_id.as_str(),
                    AssignmentStatus::Cleared,
                    Some(Milestone::Closed),
                    now,
                )
                .await?;
                // The crew hears that the job is over (durable first, pushed after commit).
                let body = serde_json::json!({
                    "type": MessageKind::IncidentClosed.as_str(),
                    "incident_id": incident_id, "number": incident.incident.number,
                    "result_code": result_code.trim(), "result_text": result_text.trim(),
                });
                tell_crew(tx, &u, MessageKind::IncidentClosed, &body, now).await?;
                cleared.push((a.unit_id.to_string(), u.org_path.clone()));
            }
        }
        let detail = serde_json::json!({ "result_code": result_code.trim(), "result_text": result_text.trim() });
        event(
            tx.db(),
            incident_id,
            now,
            EventKind::Closed,
            who,
            None,
            detail.clone(),
        )
        .await?;
        tx.audit("incident.close",
            ("incident", incident_id.as_str()),
            &incident.org_path,
            detail).await?;
                for (unit_id, org_path) in cleared {
            tx.publish(LiveEvent::Unit { unit_id, org_path });
        }
        tx.publish(LiveEvent::Incident {
            incident_id: incident_id.to_string(),
            org_path: incident.org_path,
        });
        Ok(())
        })
        .await
    }
}

/// Whether `who` may operate a loaded unit (the 110 policy; a refused unit is reported as
/// missing so that its existence is not revealed).
pub(super) fn may_operate(who: &Principal, u: &ScopedUnit) -> Result<()> {
    policy::may_operate(who, &unit_facts(u)).map_err(|d| AppError::denied_object(d, "unit"))
}
