//! The incident after intake (issue 10, capability 3): updates of its location, address,
//! category and priority; notes; withdrawing a unit (cancel) and sending it on to another
//! incident in one step (divert); going back to pending when nobody is left on it; and the
//! caller's history at intake. Every change is on the timeline, audited, and told to the crews
//! it concerns through their durable terminal logs.

use jingwu_command::duplicates::{haversine_m, phone_key};
use jingwu_command::error_codes::{self as codes, field};
use jingwu_command::incident::{AssignmentStatus, IncidentStatus, after_withdrawal};
use jingwu_command::policy;
use jingwu_command::taxonomy::{Priority, parse_pair};
use jingwu_command::unit::{Actor, UnitStatus};
use jingwu_core::{Action, IncidentId, Principal, Scope, authorize};
use jingwu_store::command::{self as q, EventKind, IncidentFields, MessageKind, Milestone};

use jingwu_core::OrgKind;
use jingwu_store::foundation::orgs;

use super::handover::hand_over;
use super::read::{Assigned, incident_facts, unit_facts};
use super::{Command, event, move_unit, tell_crew};
use crate::{AppError, FieldError, LiveEvent, RequestCtx, Result, Tx};

/// Longest note, characters.
const MAX_NOTE_CHARS: usize = 2000;
/// Longest address, characters (as at intake).
const MAX_ADDRESS_CHARS: usize = 200;
/// Longest withdrawal reason, characters.
const MAX_REASON_CHARS: usize = 500;
/// Previous incidents listed per part of a caller's history.
const HISTORY_LIMIT: i64 = 10;
/// "Same address" at intake: earlier incidents this close to the location, metres.
const NEARBY_M: f64 = 100.0;
/// Candidates read from the bounding box before the exact distance is checked.
const NEARBY_SCAN: i64 = 500;

/// What a dispatcher changes on an incident; `None` keeps the current value.
#[derive(Debug, Clone, Default)]
pub struct IncidentUpdate {
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub address: Option<String>,
    pub category: Option<String>,
    pub subcategory: Option<String>,
    pub priority: Option<String>,
}

/// One earlier incident in a caller's history.
#[derive(Debug, Clone)]
pub struct HistoryEntry {
    pub incident: q::Incident,
    /// From the location asked about, metres (nearby part only).
    pub distance_m: Option<f64>,
}

/// Earlier incidents of a caller, by number and near a location, within the caller's
/// jurisdiction.
#[derive(Debug, Clone, Default)]
pub struct CallerHistory {
    /// All incidents from this number (`None` when no usable number was given).
    pub by_phone_count: Option<i64>,
    pub by_phone: Vec<HistoryEntry>,
    /// Incidents within [`NEARBY_M`] of the location (`None` without a location).
    pub nearby_count: Option<i64>,
    pub nearby: Vec<HistoryEntry>,
}

/// The new values of an update, checked all at once, with the changes as `field → {old, new}`.
fn apply_update(
    cur: &q::Incident,
    u: &IncidentUpdate,
) -> Result<(IncidentFields, serde_json::Value)> {
    let mut errs = Vec::new();
    let lat = u.lat.unwrap_or(cur.lat);
    let lon = u.lon.unwrap_or(cur.lon);
    if !lat.is_finite() || !(-90.0..=90.0).contains(&lat) {
        errs.push(FieldError::new(
            "lat",
            jingwu_core::problem_codes::field::LAT_RANGE.code,
            "latitude must be within -90..90",
        ));
    }
    if !lon.is_finite() || !(-180.0..=180.0).contains(&lon) {
        errs.push(FieldError::new(
            "lon",
            jingwu_core::problem_codes::field::LON_RANGE.code,
            "longitude must be within -180..180",
        ));
    }
    let address = u
        .address
        .as_deref()
        .map_or(cur.address.clone(), |a| a.trim().to_string());
    if address.chars().count() > MAX_ADDRESS_CHARS {
        errs.push(FieldError::new(
            "address",
            field::LENGTH.code,
            format!("at most {MAX_ADDRESS_CHARS} characters"),
        ));
    }
    let pair = parse_pair(
        u.category.as_deref().unwrap_or(cur.category.as_str()),
        u.subcategory.as_deref().unwrap_or(cur.subcategory.as_str()),
    );
    if let Err(e) = &pair {
        errs.push(FieldError::new(
            "subcategory",
            field::TAXONOMY.code,
            e.to_string(),
        ));
    }
    let priority = u
        .priority
        .as_deref()
        .map_or(Ok(cur.priority), Priority::parse);
    if let Err(e) = &priority {
        errs.push(FieldError::new(
            "priority",
            field::PRIORITY_UNKNOWN.code,
            e.to_string(),
        ));
    }
    let (Ok((category, subcategory)), Ok(priority), true) = (pair, priority, errs.is_empty())
    else {
        return Err(AppError::Validation(errs));
    };
    let next = IncidentFields {
        lat,
        lon,
        address,
        category,
        subcategory,
        priority,
    };
    let mut changes = serde_json::Map::new();
    let mut note = |name: &str, old: serde_json::Value, new: serde_json::Value| {
        if old != new {
            changes.insert(name.into(), serde_json::json!({ "old": old, "new": new }));
        }
    };
    use serde_json::json;
    note("lat", json!(cur.lat), json!(next.lat));
    note("lon", json!(cur.lon), json!(next.lon));
    note("address", json!(cur.address), json!(next.address));
    note("category", json!(cur.category), json!(next.category));
    note(
        "subcategory",
        json!(cur.subcategory),
        json!(next.subcategory),
    );
    note("priority", json!(cur.priority), json!(next.priority));
    if changes.is_empty() {
        return Err(AppError::invalid(
            "update",
            field::UPDATE_EMPTY.code,
            "name at least one field with a new value",
        ));
    }
    Ok((next, serde_json::Value::Object(changes)))
}

fn check_reason(reason: &str) -> Result<&str> {
    let reason = reason.trim();
    if reason.is_empty() || reason.chars().count() > MAX_REASON_CHARS {
        return Err(AppError::invalid(
            "reason",
            field::REASON_LENGTH.code,
            format!("say why, in 1 to {MAX_REASON_CHARS} characters"),
        ));
    }
    Ok(reason)
}

fn closed_conflict(i: &q::Incident) -> AppError {
    AppError::Conflict {
        code: codes::INCIDENT_CLOSED.code,
        detail: format!("incident {} is {}", i.number, i.status),
    }
}

/// The units on the incident now that are pointed at it (the crews to tell).
async fn crews_on(tx: &mut Tx, incident_id: &IncidentId) -> Result<Vec<q::ScopedUnit>> {
    let assigned = Assigned::load(tx.db(), incident_id).await?;
    Ok(assigned
        .units
        .into_iter()
        .filter(|u| {
            u.unit.is_on(incident_id)
                && assigned
                    .latest
                    .iter()
                    .any(|a| a.unit_id == u.unit.id && a.status.is_active())
        })
        .collect())
}

/// The owning station chosen for an update's new location, and the point it was chosen for.
struct Relocated {
    lat: f64,
    lon: f64,
    station: orgs::OrgUnit,
}

/// The station to hand a relocated incident to: `None` when its owner keeps it (the same
/// station, or a room above the stations that has taken command of it).
async fn station_change(
    tx: &mut Tx,
    incident: &q::Incident,
    station: &orgs::OrgUnit,
) -> Result<Option<orgs::OrgUnit>> {
    if incident.org_id == station.id.as_str() {
        return Ok(None);
    }
    let owner = orgs::get(tx.db(), incident.org_id.as_str())
        .await?
        .ok_or_else(|| AppError::Internal("the owning org unit is missing".into()))?;
    Ok((owner.kind == OrgKind::Station).then(|| station.clone()))
}

impl Command<'_> {
    /// For an update that names a valid new location: the station owning it. Checked before
    /// the write so that a location beyond the bureau (422 `outside_bureau`) changes nothing;
    /// the write checks the point is still the one chosen for.
    async fn station_for_update(
        &self,
        who: &Principal,
        incident_id: &IncidentId,
        u: &IncidentUpdate,
    ) -> Result<Option<Relocated>> {
        if u.lat.is_none() && u.lon.is_none() {
            return Ok(None);
        }
        let cur = {
            let mut conn = self.k().read().await?;
            self.visible_incident(&mut conn, who, incident_id).await?
        };
        let lat = u.lat.unwrap_or(cur.incident.lat);
        let lon = u.lon.unwrap_or(cur.incident.lon);
        let valid = lat.is_finite()
            && lon.is_finite()
            && (-90.0..=90.0).contains(&lat)
            && (-180.0..=180.0).contains(&lon);
        if !valid || (lat, lon) == (cur.incident.lat, cur.incident.lon) {
            // Out of range is refused by `apply_update` with the other fields' errors.
            return Ok(None);
        }
        let station = self.owning_station(lat, lon).await?;
        Ok(Some(Relocated { lat, lon, station }))
    }

    /// An open incident the caller commands as its owning room (or a parent): visible, else
    /// 404; commanded, else 403 `out_of_scope`; open, else 409 `incident_closed`.
    async fn commanded_incident(
        &self,
        tx: &mut Tx,
        who: &Principal,
        incident_id: &IncidentId,
    ) -> Result<q::ScopedIncident> {
        let incident = self.visible_incident(tx.db(), who, incident_id).await?;
        authorize(who, Action::Dispatch, Scope::Org(&incident.org_path))
            .map_err(AppError::denied_scope)?;
        if incident.incident.status.is_final() {
            return Err(closed_conflict(&incident.incident));
        }
        Ok(incident)
    }

    /// Changes an open incident's location, address, category/sub-category or priority. The
    /// timeline gets `updated` with each change as old → new, and the crew of every unit on it
    /// an `incident_updated` message with the changes and the incident as it is now.
    ///
    /// A new location re-chooses the owning station ([`Command::owning_station`]): when a
    /// station owns the incident and another station's area now holds it, the incident is
    /// handed over to that station, which must sign for it (the timeline gets `handed_over`
    /// after `updated`). A location beyond the bureau answers 422 `outside_bureau` and changes
    /// nothing.
    pub async fn update_incident(
        &self,
        who: &Principal,
        incident_id: &IncidentId,
        update: &IncidentUpdate,
        ctx: &RequestCtx,
    ) -> Result<q::ScopedIncident> {
        authorize(who, Action::Dispatch, Scope::Org(&who.org_path))
            .map_err(AppError::denied_scope)?;
        let relocated = self.station_for_update(who, incident_id, update).await?;
        let now = self.now_us();
        self.k()
            .write(who, ctx, async |tx| {
                let incident = self.commanded_incident(tx, who, incident_id).await?;
                let (next, changes) = apply_update(&incident.incident, update)?;
                if !q::update_incident_fields(tx.db(), incident_id, &next).await? {
                    return Err(closed_conflict(&incident.incident));
                }
                let hand_to = match &relocated {
                    Some(r) if (r.lat, r.lon) != (next.lat, next.lon) => {
                        return Err(AppError::Conflict {
                            code: codes::INCIDENT_CHANGED.code,
                            detail: "the location changed meanwhile: try again".into(),
                        });
                    }
                    Some(r) => station_change(tx, &incident.incident, &r.station).await?,
                    None => None,
                };
                let detail = serde_json::json!({ "changes": changes });
                event(
                    tx.db(),
                    incident_id,
                    now,
                    EventKind::Updated,
                    who,
                    None,
                    detail.clone(),
                )
                .await?;
                let body = serde_json::json!({
                    "type": MessageKind::IncidentUpdated.as_str(),
                    "incident_id": incident_id, "number": incident.incident.number,
                    "changes": changes,
                    "category": next.category, "subcategory": next.subcategory,
                    "priority": next.priority, "address": next.address,
                    "lat": next.lat, "lon": next.lon,
                });
                for u in crews_on(tx, incident_id).await? {
                    tell_crew(tx, &u, MessageKind::IncidentUpdated, &body, now).await?;
                }
                tx.audit(
                    "incident.update",
                    ("incident", incident_id.as_str()),
                    &incident.org_path,
                    detail,
                )
                .await?;
                tx.publish(LiveEvent::Incident {
                    incident_id: incident_id.to_string(),
                    org_path: incident.org_path.clone(),
                });
                if let Some(target) = hand_to {
                    let reason = format!("地点变更至{}辖区，移交", target.name_zh);
                    let moved = q::get_incident(tx.db(), incident_id)
                        .await?
                        .ok_or(AppError::NotFound { what: "incident" })?;
                    hand_over(tx, who, &moved.incident, &target, &reason, now).await?;
                }
                q::get_incident(tx.db(), incident_id)
                    .await?
                    .ok_or(AppError::NotFound { what: "incident" })
            })
            .await
    }

    /// Adds a note (备注) to an open incident's timeline; `for_crew` also sends it to the crew
    /// of every unit on it as an `incident_updated` message.
    pub async fn add_note(
        &self,
        who: &Principal,
        incident_id: &IncidentId,
        text: &str,
        for_crew: bool,
        ctx: &RequestCtx,
    ) -> Result<()> {
        authorize(who, Action::Dispatch, Scope::Org(&who.org_path))
            .map_err(AppError::denied_scope)?;
        let text = text.trim();
        if text.is_empty() || text.chars().count() > MAX_NOTE_CHARS {
            return Err(AppError::invalid(
                "text",
                field::NOTE_TEXT.code,
                format!("1 to {MAX_NOTE_CHARS} characters"),
            ));
        }
        let now = self.now_us();
        self.k()
            .write(who, ctx, async |tx| {
                let incident = self.commanded_incident(tx, who, incident_id).await?;
                let mut told = Vec::new();
                if for_crew {
                    let body = serde_json::json!({
                        "type": MessageKind::IncidentUpdated.as_str(),
                        "incident_id": incident_id, "number": incident.incident.number,
                        "note": text,
                    });
                    for u in crews_on(tx, incident_id).await? {
                        tell_crew(tx, &u, MessageKind::IncidentUpdated, &body, now).await?;
                        told.push(u.unit.call_sign);
                    }
                }
                let detail =
                    serde_json::json!({ "text": text, "for_crew": for_crew, "told": told });
                event(
                    tx.db(),
                    incident_id,
                    now,
                    EventKind::Note,
                    who,
                    None,
                    detail.clone(),
                )
                .await?;
                tx.audit(
                    "incident.note",
                    ("incident", incident_id.as_str()),
                    &incident.org_path,
                    detail,
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

    /// Cancels a unit's assignment (撤回): the unit becomes available, its crew gets a
    /// `cancelled` message, and the incident goes back to pending when no unit is left on it.
    /// The owning room may withdraw any of its units; a room that lent the unit may recall its
    /// own (and nothing else). Returns the `cancelled` message's sequence number.
    pub async fn cancel_unit(
        &self,
        who: &Principal,
        incident_id: &IncidentId,
        unit_id: &str,
        reason: &str,
        ctx: &RequestCtx,
    ) -> Result<i64> {
        authorize(who, Action::Dispatch, Scope::Org(&who.org_path))
            .map_err(AppError::denied_scope)?;
        let reason = check_reason(reason)?;
        let now = self.now_us();
        self.k()
            .write(who, ctx, async |tx| {
                let (incident, u) = self.withdrawable(tx, who, incident_id, unit_id).await?;
                let seq = self
                    .withdraw(tx, who, &incident, &u, reason, None, now)
                    .await?;
                tx.audit(
                    "incident.cancel_unit",
                    ("incident", incident_id.as_str()),
                    &incident.org_path,
                    serde_json::json!({ "unit_id": unit_id, "reason": reason }),
                )
                .await?;
                Ok(seq)
            })
            .await
    }

    /// Diverts a unit (改派): withdraws it from incident `from` and dispatches it to `to` in one
    /// transaction, so its crew gets `cancelled` and then `assignment`, and no other dispatcher
    /// can take the unit in between. Needs the right to withdraw it from `from` and to dispatch
    /// it to `to`. Returns the sequence numbers of both messages.
    pub async fn divert_unit(
        &self,
        who: &Principal,
        from: &IncidentId,
        unit_id: &str,
        to: &IncidentId,
        reason: &str,
        ctx: &RequestCtx,
    ) -> Result<(i64, i64)> {
        authorize(who, Action::Dispatch, Scope::Org(&who.org_path))
            .map_err(AppError::denied_scope)?;
        let reason = check_reason(reason)?;
        if from == to {
            return Err(AppError::invalid(
                "to_incident",
                field::TO_INCIDENT_SAME.code,
                "the unit is on this incident already",
            ));
        }
        let ids = [unit_id.to_string()];
        let eta_secs = match self.etas_to(who, to, &ids).await {
            Ok(etas) => etas.get(unit_id).copied().flatten(),
            Err(AppError::NotFound { .. }) => None,
            Err(e) => return Err(e),
        };
        let now = self.now_us();
        self.k()
            .write(who, ctx, async |tx| {
                // The unit's incident first: one the caller cannot see answers 404 before
                // anything is said about the target.
                let (incident, u) = self.withdrawable(tx, who, from, unit_id).await?;
                let target = match self.commanded_incident(tx, who, to).await {
                    Err(AppError::NotFound { .. }) => {
                        return Err(AppError::invalid(
                            "to_incident",
                            field::TO_INCIDENT_UNKNOWN.code,
                            "no such incident in your view",
                        ));
                    }
                    other => other?,
                };
                // The unit must be one the caller may task, as for any dispatch.
                self.scoped_unit(tx.db(), who, Action::Dispatch, unit_id)
                    .await?;
                let cancelled = self
                    .withdraw(tx, who, &incident, &u, reason, Some(&target.incident), now)
                    .await?;
                let available = self
                    .scoped_unit(tx.db(), who, Action::Dispatch, unit_id)
                    .await?;
                let assigned = self
                    .assign_unit(
                        tx,
                        who,
                        &target.incident,
                        &available,
                        eta_secs,
                        Some(&incident.incident),
                        now,
                    )
                    .await?;
                if target.incident.status == IncidentStatus::New {
                    q::mark_incident(
                        tx.db(),
                        to,
                        IncidentStatus::Dispatched,
                        Milestone::Dispatched,
                        now,
                    )
                    .await?;
                }
                tx.audit(
                    "incident.divert_unit",
                    ("incident", from.as_str()),
                    &incident.org_path,
                    serde_json::json!({ "unit_id": unit_id, "to": to, "reason": reason }),
                )
                .await?;
                tx.publish(LiveEvent::Incident {
                    incident_id: to.to_string(),
                    org_path: target.org_path,
                });
                Ok((cancelled, assigned))
            })
            .await
    }

    /// The incident and the unit a withdrawal names: the incident visible, the unit on it now,
    /// and the caller allowed to withdraw it (`policy::may_withdraw`).
    async fn withdrawable(
        &self,
        tx: &mut Tx,
        who: &Principal,
        incident_id: &IncidentId,
        unit_id: &str,
    ) -> Result<(q::ScopedIncident, q::ScopedUnit)> {
        let incident = self.visible_incident(tx.db(), who, incident_id).await?;
        if incident.incident.status.is_final() {
            return Err(closed_conflict(&incident.incident));
        }
        let assigned = Assigned::load(tx.db(), incident_id).await?;
        let Some(u) = assigned
            .units
            .iter()
            .find(|u| u.unit.id.as_str() == unit_id)
        else {
            return Err(not_assigned(unit_id));
        };
        let facts = assigned.facts();
        if !policy::may_withdraw(who, &incident_facts(&incident, &facts), &unit_facts(u)) {
            return Err(AppError::OutOfScope);
        }
        if !u.unit.is_on(incident_id) || !u.unit.status.is_assigned() {
            return Err(not_assigned(&u.unit.call_sign));
        }
        Ok((incident, u.clone()))
    }

    /// Takes a unit off an incident inside the caller's transaction: available again, its
    /// assignment ended (`cancelled`, or `cleared` once it had reached the scene), the
    /// `cancelled` event and terminal message (naming the incident it is diverted to, if
    /// any), and the incident back to pending when nobody is left. Returns the message's
    /// sequence number. The caller writes the audit entry.
    #[allow(clippy::too_many_arguments)]
    async fn withdraw(
        &self,
        tx: &mut Tx,
        who: &Principal,
        incident: &q::ScopedIncident,
        u: &q::ScopedUnit,
        reason: &str,
        diverted_to: Option<&q::Incident>,
        now: i64,
    ) -> Result<i64> {
        let incident_id = &incident.incident.id;
        let unit_id = u.unit.id.as_str();
        let from = u.unit.status;
        move_unit(
            tx.db(),
            who,
            Actor::Dispatcher,
            unit_id,
            from,
            UnitStatus::Available,
            Some(incident_id),
            reason,
            now,
        )
        .await?;
        let ended = AssignmentStatus::withdrawn_from(from == UnitStatus::OnScene);
        q::mark_assignment(
            tx.db(),
            incident_id,
            unit_id,
            ended,
            Some(Milestone::Closed),
            now,
        )
        .await?;
        let to = diverted_to.map(|d| serde_json::json!({ "id": d.id, "number": d.number }));
        let detail = serde_json::json!({
            "call_sign": u.unit.call_sign, "from": from.as_str(), "to": UnitStatus::Available.as_str(),
            "reason": reason, "diverted_to": to,
        });
        event(
            tx.db(),
            incident_id,
            now,
            EventKind::Cancelled,
            who,
            Some(unit_id),
            detail,
        )
        .await?;
        let seq = tell_cancelled(tx, u, &incident.incident, reason, to, now).await?;
        self.reopen_if_nobody_left(tx, who, incident, now).await?;
        tx.publish(LiveEvent::Unit {
            unit_id: unit_id.to_string(),
            org_path: u.org_path.clone(),
        });
        tx.publish(LiveEvent::Incident {
            incident_id: incident_id.to_string(),
            org_path: incident.org_path.clone(),
        });
        Ok(seq)
    }

    /// After a unit was withdrawn: an open incident with no unit left on it goes back to
    /// pending (`jingwu_command::incident::after_withdrawal`), with `reopened` on its timeline.
    pub(super) async fn reopen_if_nobody_left(
        &self,
        tx: &mut Tx,
        who: &Principal,
        incident: &q::ScopedIncident,
        now: i64,
    ) -> Result<()> {
        let incident_id = &incident.incident.id;
        let current = q::get_incident(tx.db(), incident_id)
            .await?
            .ok_or(AppError::NotFound { what: "incident" })?
            .incident
            .status;
        let left = Assigned::load(tx.db(), incident_id).await?.active();
        let next = after_withdrawal(current, left);
        if next != current && q::set_incident_status(tx.db(), incident_id, next).await? {
            let detail = serde_json::json!({ "from": current, "to": next });
            event(
                tx.db(),
                incident_id,
                now,
                EventKind::Reopened,
                who,
                None,
                detail,
            )
            .await?;
        }
        Ok(())
    }

    /// Earlier incidents of a caller for the intake form: by number (all of this line) and
    /// near the location (within [`NEARBY_M`]), newest first, only those owned in the
    /// caller's jurisdiction. Looking a number up is audited (`incident.caller_history`).
    pub async fn caller_history(
        &self,
        who: &Principal,
        phone: Option<&str>,
        at: Option<(f64, f64)>,
        ctx: &RequestCtx,
    ) -> Result<CallerHistory> {
        authorize(who, Action::CreateIncident, Scope::Org(&who.org_path))
            .map_err(AppError::denied_scope)?;
        let key = phone.and_then(phone_key);
        let at = at.filter(|(lat, lon)| {
            lat.is_finite() && lon.is_finite() && lat.abs() <= 90.0 && lon.abs() <= 180.0
        });
        if key.is_none() && at.is_none() {
            return Err(AppError::invalid(
                "phone",
                field::HISTORY_QUERY.code,
                "give a phone number of 7 digits or more, or lat and lon",
            ));
        }
        let mut out = CallerHistory::default();
        let mut conn = self.k().read().await?;
        if let Some(key) = &key {
            let (count, rows) =
                q::incidents_of_caller(&mut conn, &who.org_path, key, HISTORY_LIMIT).await?;
            out.by_phone_count = Some(count);
            out.by_phone = rows
                .into_iter()
                .map(|r| HistoryEntry {
                    incident: r.incident,
                    distance_m: None,
                })
                .collect();
        }
        if let Some((lat, lon)) = at {
            let dlat = NEARBY_M / 111_195.0;
            let dlon = dlat / lat.to_radians().cos().abs().max(0.01);
            let bbox = (lat - dlat, lon - dlon, lat + dlat, lon + dlon);
            let rows = q::incidents_in_box(&mut conn, &who.org_path, bbox, NEARBY_SCAN).await?;
            let near: Vec<HistoryEntry> = rows
                .into_iter()
                .filter_map(|r| {
                    let d = haversine_m(lat, lon, r.incident.lat, r.incident.lon);
                    (d <= NEARBY_M).then_some(HistoryEntry {
                        incident: r.incident,
                        distance_m: Some(d),
                    })
                })
                .collect();
            out.nearby_count = Some(i64::try_from(near.len()).unwrap_or(i64::MAX));
            out.nearby = near.into_iter().take(HISTORY_LIMIT as usize).collect();
        }
        drop(conn);
        if let Some(key) = &key {
            self.k()
                .record_view(
                    who,
                    ctx,
                    "incident.caller_history",
                    ("caller", key),
                    &who.org_path,
                )
                .await?;
        }
        Ok(out)
    }
}

/// Tells a withdrawn unit's crew (a `cancelled` message: why, and where to when diverted);
/// returns the message's sequence number.
pub(super) async fn tell_cancelled(
    tx: &mut Tx,
    u: &q::ScopedUnit,
    incident: &q::Incident,
    reason: &str,
    diverted_to: Option<serde_json::Value>,
    now: i64,
) -> Result<i64> {
    let body = serde_json::json!({
        "type": MessageKind::Cancelled.as_str(),
        "incident_id": incident.id, "number": incident.number,
        "reason": reason, "diverted_to": diverted_to,
    });
    tell_crew(tx, u, MessageKind::Cancelled, &body, now).await
}

fn not_assigned(unit: &str) -> AppError {
    AppError::Conflict {
        code: codes::NOT_ASSIGNED.code,
        detail: format!("unit {unit} is not on this incident"),
    }
}
