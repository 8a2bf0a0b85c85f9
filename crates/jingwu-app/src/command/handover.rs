//! Hand-over and escalation between tiers (移交/上报), and merging a likely duplicate into
//! the incident it duplicates (合并).

use jingwu_command::incident::{self, IncidentStatus, Milestones, advance};
use jingwu_command::unit::UnitStatus;
use jingwu_core::{Action, IncidentId, Principal, Scope, authorize, path_contains};
use jingwu_store::command::{
    self as q, Assignment, AssignmentStatus, EventKind, MessageKind, Milestone,
};
use jingwu_store::foundation::orgs;

use super::Command;
use super::event;
use crate::{AppError, LiveEvent, RequestCtx, Result, Tx};

/// Longest hand-over reason, characters.
const MAX_REASON_CHARS: usize = 500;

/// Which way an incident moved in the tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HandoverDirection {
    /// To an ancestor of the current owner (上报).
    Escalation,
    /// To a unit under the current owner (下交).
    Down,
    /// Anywhere else (平移, e.g. between two stations of one district).
    Sideways,
}

impl HandoverDirection {
    pub const fn as_str(self) -> &'static str {
        match self {
            HandoverDirection::Escalation => "escalation",
            HandoverDirection::Down => "down",
            HandoverDirection::Sideways => "sideways",
        }
    }

    fn between(from_path: &str, to_path: &str) -> Self {
        if path_contains(to_path, from_path) {
            HandoverDirection::Escalation
        } else if path_contains(from_path, to_path) {
            HandoverDirection::Down
        } else {
            HandoverDirection::Sideways
        }
    }
}

/// The outcome of a hand-over.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Handover {
    pub from_org: String,
    pub to_org: String,
    pub direction: HandoverDirection,
}

/// The outcome of a merge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Merged {
    pub merged: String,
    pub into: String,
    /// Units that were still on the duplicate and now serve the surviving incident.
    pub moved_units: Vec<String>,
}

/// The survivor's milestones to set after a unit moves onto it (the rule is
/// `jingwu_command::incident::survivor_milestones`), as the store's milestone columns.
fn survivor_milestones(cur: &q::Incident, moved: &Assignment) -> Vec<(Milestone, i64)> {
    let own = Milestones {
        dispatched_at: cur.dispatched_at,
        acknowledged_at: cur.acknowledged_at,
        en_route_at: cur.en_route_at,
        on_scene_at: cur.on_scene_at,
    };
    let theirs = Milestones {
        dispatched_at: Some(moved.dispatched_at),
        acknowledged_at: moved.acknowledged_at,
        en_route_at: moved.en_route_at,
        on_scene_at: moved.on_scene_at,
    };
    incident::survivor_milestones(cur.created_at, &own, &theirs)
        .reached()
        .into_iter()
        .filter_map(|(stage, at)| {
            let m = match stage {
                IncidentStatus::Dispatched => Milestone::Dispatched,
                IncidentStatus::Acknowledged => Milestone::Acknowledged,
                IncidentStatus::EnRoute => Milestone::EnRoute,
                IncidentStatus::OnScene => Milestone::OnScene,
                _ => return None,
            };
            Some((m, at))
        })
        .collect()
}

fn not_pending() -> AppError {
    AppError::Conflict {
        code: jingwu_command::error_codes::HANDOVER_NOT_PENDING.code,
        detail: "no hand-over of this incident awaits a sign-for".into(),
    }
}

/// Hands `incident` to `target` inside the caller's transaction, awaiting the target's
/// sign-for: the owner changes, the timeline gets `handed_over` (from, to, direction,
/// reason), the audit log an `incident.handover` entry, and both rooms' maps hear of it. The
/// caller has checked who may do it and where to.
pub(super) async fn hand_over(
    tx: &mut Tx,
    who: &Principal,
    incident: &q::Incident,
    target: &orgs::OrgUnit,
    reason: &str,
    now: i64,
) -> Result<Handover> {
    let from = orgs::get(tx.db(), incident.org_id.as_str())
        .await?
        .ok_or_else(|| AppError::Internal("the owning org unit is missing".into()))?;
    let direction = HandoverDirection::between(&from.path, &target.path);
    q::reassign_incident(tx.db(), &incident.id, &target.id, &from.id, now).await?;
    let detail = serde_json::json!({
        "from": from.id, "from_name": from.name_zh,
        "to": target.id, "to_name": target.name_zh,
        "direction": direction.as_str(), "reason": reason,
    });
    event(
        tx.db(),
        &incident.id,
        now,
        EventKind::HandedOver,
        who,
        None,
        detail.clone(),
    )
    .await?;
    // Recorded under the new owner's path, so that both tiers' audit views can find it (the
    // old owner's path is in the detail).
    tx.audit(
        "incident.handover",
        ("incident", incident.id.as_str()),
        &target.path,
        detail,
    )
    .await?;
    for org_path in [from.path, target.path.clone()] {
        tx.publish(LiveEvent::Incident {
            incident_id: incident.id.to_string(),
            org_path,
        });
    }
    Ok(Handover {
        from_org: from.id,
        to_org: target.id.clone(),
        direction,
    })
}

fn open_or_conflict(i: &q::Incident) -> Result<()> {
    if matches!(i.status, IncidentStatus::Closed | IncidentStatus::Merged) {
        return Err(AppError::Conflict {
            code: jingwu_command::error_codes::INCIDENT_CLOSED.code,
            detail: format!("incident {} is {}", i.number, i.status),
        });
    }
    Ok(())
}

impl Command<'_> {
    /// Hands an incident to another org unit. Allowed to a dispatcher who can see the
    /// incident when the target lies inside the dispatcher's own subtree (handing down or
    /// sideways within it) or is an ancestor of the dispatcher's org (escalation up); any other
    /// target answers 403 `out_of_scope`. A reason is required. The timeline gets
    /// `handed_over` with from, to, direction and reason; the target room then signs for it
    /// ([`Command::sign_for_incident`]).
    pub async fn handover_incident(
        &self,
        who: &Principal,
        incident_id: &IncidentId,
        to_org: &str,
        reason: &str,
        ctx: &RequestCtx,
    ) -> Result<Handover> {
        authorize(who, Action::Dispatch, Scope::Org(&who.org_path))
            .map_err(AppError::denied_scope)?;
        let reason = reason.trim();
        if reason.is_empty() || reason.chars().count() > MAX_REASON_CHARS {
            return Err(AppError::invalid(
                "reason",
                jingwu_command::error_codes::field::REASON_LENGTH.code,
                format!("say why, in 1 to {MAX_REASON_CHARS} characters"),
            ));
        }
        let now = self.now_us();
        self.k()
            .write(who, ctx, async |tx| {
                let incident = self.visible_incident(tx.db(), who, incident_id).await?;
                // Seeing an incident through a lent unit does not make it the caller's to give
                // away: only a command room over its owner may hand it over (as for dispatch).
                authorize(who, Action::Dispatch, Scope::Org(&incident.org_path))
                    .map_err(AppError::denied_scope)?;
                open_or_conflict(&incident.incident)?;
                let target = orgs::get(tx.db(), to_org).await?.ok_or_else(|| {
                    AppError::invalid(
                        "to_org",
                        jingwu_command::error_codes::field::TO_ORG_UNKNOWN.code,
                        "no such org unit",
                    )
                })?;
                let within = path_contains(&who.org_path, &target.path);
                let above = path_contains(&target.path, &who.org_path);
                if !within && !above {
                    return Err(AppError::OutOfScope);
                }
                if incident.incident.org_id == target.id.as_str() {
                    return Err(AppError::invalid(
                        "to_org",
                        jingwu_command::error_codes::field::TO_ORG_SAME_OWNER.code,
                        "the incident is already owned there",
                    ));
                }
                hand_over(tx, who, &incident.incident, &target, reason, now).await
            })
            .await
    }

    /// 签收: the receiving command room (or one of its parents) takes over an incident handed
    /// to it. Until then both rooms see it as awaiting sign-for. Answers 409
    /// `handover_not_pending` when no hand-over waits (signed for already, or never handed).
    pub async fn sign_for_incident(
        &self,
        who: &Principal,
        incident_id: &IncidentId,
        ctx: &RequestCtx,
    ) -> Result<()> {
        authorize(who, Action::Dispatch, Scope::Org(&who.org_path))
            .map_err(AppError::denied_scope)?;
        let now = self.now_us();
        self.k()
            .write(who, ctx, async |tx| {
                let incident = self.visible_incident(tx.db(), who, incident_id).await?;
                // The sending room sees it until the sign-for, but only the receiver signs.
                authorize(who, Action::Dispatch, Scope::Org(&incident.org_path))
                    .map_err(AppError::denied_scope)?;
                open_or_conflict(&incident.incident)?;
                let (Some(from), Some(handed_at)) = (
                    incident.incident.handover_from.clone(),
                    incident.incident.handover_at,
                ) else {
                    return Err(not_pending());
                };
                if !q::sign_for_incident(tx.db(), incident_id).await? {
                    return Err(not_pending());
                }
                let detail = serde_json::json!({
                    "from": from, "to": incident.incident.org_id,
                    "waited_s": (now - handed_at).max(0) / 1_000_000,
                });
                event(
                    tx.db(),
                    incident_id,
                    now,
                    EventKind::SignedFor,
                    who,
                    None,
                    detail.clone(),
                )
                .await?;
                tx.audit(
                    "incident.sign_for",
                    ("incident", incident_id.as_str()),
                    &incident.org_path,
                    detail,
                )
                .await?;
                let mut paths = vec![incident.org_path];
                paths.extend(incident.handover_from_path);
                for org_path in paths {
                    tx.publish(LiveEvent::Incident {
                        incident_id: incident_id.to_string(),
                        org_path,
                    });
                }
                Ok(())
            })
            .await
    }

    /// Merges incident `duplicate` into the open incident `into` (both visible to the caller,
    /// who must be able to dispatch for the duplicate's owner). The duplicate becomes `merged`
    /// with `duplicate_of = into`; both timelines record it.
    ///
    /// Units still on the duplicate are **moved** to the surviving incident, keeping their
    /// status and their dispatch/acknowledge/en-route/on-scene times (a duplicate reports
    /// the same event, so a unit heading there is heading to the survivor; clearing it would
    /// pull a responding unit away). The duplicate's assignment rows stay as history with
    /// status `merged`; the survivor gets assignment rows (a unit that had been on it before
    /// gets a new attempt) and its milestones where it had none yet, kept in order (see
    /// `survivor_milestones`). Each moved unit's terminal receives a `reassigned` message.
    pub async fn merge_incident(
        &self,
        who: &Principal,
        duplicate: &IncidentId,
        into: &IncidentId,
        ctx: &RequestCtx,
    ) -> Result<Merged> {
        authorize(who, Action::Dispatch, Scope::Org(&who.org_path))
            .map_err(AppError::denied_scope)?;
        if duplicate == into {
            return Err(AppError::invalid(
                "into",
                jingwu_command::error_codes::field::INTO_SAME_INCIDENT.code,
                "an incident cannot be merged into itself",
            ));
        }
        let now = self.now_us();
        self.k().write(who, ctx, async |tx| {
        let dup = self.visible_incident(tx.db(), who, duplicate).await?;
        authorize(who, Action::Dispatch, Scope::Org(&dup.org_path))
            .map_err(AppError::denied_scope)?;
        let survivor = match self.visible_incident(tx.db(), who, into).await {
            Err(AppError::NotFound { .. }) => {
                return Err(AppError::invalid(
                    "into",
                    jingwu_command::error_codes::field::INTO_UNKNOWN.code,
                    "no such incident in your view",
                ));
            }
            other => other?,
        };
        open_or_conflict(&dup.incident)?;
        open_or_conflict(&survivor.incident)?;

        let mut moved = Vec::new();
        let mut messages = Vec::new();
        let mut survivor_status = survivor.incident.status;
        let not_before = survivor.incident.created_at;
        for a in q::assignments_of(tx.db(), duplicate).await? {
            let Some(u) = q::get_unit(tx.db(), a.unit_id.as_str()).await? else {
                continue;
            };
            if !u.unit.is_on(duplicate)
                || !u.unit.status.is_assigned()
            {
                continue;
            }
            if !q::retarget_unit(tx.db(), a.unit_id.as_str(), duplicate, into).await? {
                return Err(AppError::Conflict {
                    code: jingwu_command::error_codes::UNIT_CHANGED.code,
                    detail: "a unit on the duplicate changed meanwhile; reload and try again"
                        .into(),
                });
            }
            q::mark_assignment(
                tx.db(),
                duplicate,
                a.unit_id.as_str(),
                AssignmentStatus::Merged,
                Some(Milestone::Closed),
                now,
            )
            .await?;
            let clamp = |t: Option<i64>| t.map(|t| t.max(not_before));
            let moved_a = Assignment {
                incident_id: into.clone(),
                unit_id: a.unit_id.clone(),
                status: a.status,
                eta_secs: a.eta_secs,
                dispatched_at: a.dispatched_at.max(not_before),
                acknowledged_at: clamp(a.acknowledged_at),
                en_route_at: clamp(a.en_route_at),
                on_scene_at: clamp(a.on_scene_at),
                cleared_at: None,
                attempt: 0,
            };
            q::insert_assignment(tx.db(), &moved_a).await?;
            let reached = if u.unit.status == UnitStatus::OnScene {
                IncidentStatus::OnScene
            } else {
                IncidentStatus::Dispatched
            };
            survivor_status = advance(survivor_status, reached);
            let cur = q::get_incident(tx.db(), into)
                .await?
                .ok_or(AppError::NotFound { what: "incident" })?
                .incident;
            for (milestone, at) in survivor_milestones(&cur, &moved_a) {
                q::mark_incident(tx.db(), into, survivor_status, milestone, at).await?;
            }
            let body = jingwu_audit::canonical_json(&serde_json::json!({
                "type": "reassigned",
                "incident_id": into,
                "number": survivor.incident.number,
                "merged_from": duplicate,
                "merged_from_number": dup.incident.number,
                "category": survivor.incident.category,
                "subcategory": survivor.incident.subcategory,
                "priority": survivor.incident.priority,
                "address": survivor.incident.address,
                "lat": survivor.incident.lat,
                "lon": survivor.incident.lon,
                "description": survivor.incident.description,
            }));
            let seq =
                q::push_terminal_message(
                tx.db(),
                a.unit_id.as_str(),
                now,
                MessageKind::Reassigned.as_str(),
                &body,
            ).await?;
            messages.push((a.unit_id.to_string(), u.org_path.clone(), u.unit.crew.clone(), seq));
            moved.push(u.unit.call_sign.clone());
        }
        if !q::merge_incident(tx.db(), duplicate, into, now).await? {
            return Err(AppError::Conflict {
                code: jingwu_command::error_codes::INCIDENT_CLOSED.code,
                detail: "the duplicate was closed meanwhile".into(),
            });
        }
        let moved_ids: Vec<String> = messages.iter().map(|m| m.0.clone()).collect();
        event(
            tx.db(),
            duplicate,
            now,
            EventKind::MergedInto,
            who,
            None,
            serde_json::json!({ "into": into, "into_number": survivor.incident.number, "moved_units": moved }),
        )
        .await?;
        event(
            tx.db(),
            into,
            now,
            EventKind::MergedFrom,
            who,
            None,
            serde_json::json!({ "from": duplicate, "from_number": dup.incident.number, "moved_units": moved }),
        )
        .await?;
        tx.audit("incident.merge",
            ("incident", duplicate.as_str()),
            &dup.org_path,
            serde_json::json!({ "into": into, "moved_units": moved_ids })).await?;
                for (unit_id, org_path, crew, seq) in messages {
            tx.publish(LiveEvent::Terminal {
                unit_id: unit_id.clone(),
                seq,
                org_path: org_path.clone(),
                crew,
            });
            tx.publish(LiveEvent::Unit { unit_id, org_path });
        }
        tx.publish(LiveEvent::Incident {
            incident_id: duplicate.to_string(),
            org_path: dup.org_path,
        });
        tx.publish(LiveEvent::Incident {
            incident_id: into.to_string(),
            org_path: survivor.org_path,
        });
        Ok(Merged {
            merged: duplicate.to_string(),
            into: into.to_string(),
            moved_units: moved_ids,
        })
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn incident(created: i64, dispatched: Option<i64>, en_route: Option<i64>) -> q::Incident {
        q::Incident {
            id: "s".into(),
            number: "n".into(),
            org_id: "o".into(),
            category: jingwu_command::taxonomy::Category::parse("criminal").unwrap(),
            subcategory: jingwu_command::taxonomy::Subcategory::parse("theft").unwrap(),
            priority: jingwu_command::taxonomy::Priority::parse("p2").unwrap(),
            source: jingwu_command::taxonomy::Source::parse("call_110").unwrap(),
            caller_name: String::new(),
            caller_phone: String::new(),
            lat: 0.0,
            lon: 0.0,
            address: String::new(),
            description: String::new(),
            status: jingwu_command::incident::IncidentStatus::New,
            duplicate_of: None,
            created_by: "u".into(),
            created_at: created,
            dispatched_at: dispatched,
            acknowledged_at: None,
            en_route_at: en_route,
            on_scene_at: None,
            closed_at: None,
            result_code: None,
            result_text: None,
            handover_from: None,
            handover_at: None,
        }
    }

    fn moved(d: i64, ack: i64, er: i64, os: Option<i64>) -> Assignment {
        Assignment {
            incident_id: "s".into(),
            unit_id: "u".into(),
            status: AssignmentStatus::EnRoute,
            eta_secs: None,
            dispatched_at: d,
            acknowledged_at: Some(ack),
            en_route_at: Some(er),
            on_scene_at: os,
            cleared_at: None,
            attempt: 1,
        }
    }

    #[test]
    fn survivor_milestones_keep_its_own_and_stay_ordered() {
        // Undispatched survivor created after the unit set off: clamped to its creation.
        let got = survivor_milestones(&incident(100, None, None), &moved(50, 60, 70, Some(90)));
        assert_eq!(
            got,
            [
                (Milestone::Dispatched, 100),
                (Milestone::Acknowledged, 100),
                (Milestone::EnRoute, 100),
                (Milestone::OnScene, 100)
            ]
        );
        // Survivor dispatched later than the moved unit's en route: en route follows dispatch.
        let got = survivor_milestones(&incident(10, Some(80), None), &moved(20, 30, 40, None));
        assert_eq!(
            got,
            [
                (Milestone::Dispatched, 80),
                (Milestone::Acknowledged, 80),
                (Milestone::EnRoute, 80)
            ]
        );
        // Its own en route is kept; the moved arrival comes after it.
        let got = survivor_milestones(
            &incident(10, Some(20), Some(50)),
            &moved(15, 16, 30, Some(40)),
        );
        assert_eq!(got.last(), Some(&(Milestone::OnScene, 50)));
        assert!(got.contains(&(Milestone::EnRoute, 50)));
    }
}
