//! Reading the command picture: units, incidents with timeline and assignments, terminal log.

use jingwu_command::incident::IncidentStatus;
use jingwu_command::policy::{self, AssignedUnit, IncidentFacts, UnitFacts};
use jingwu_core::{Action, IncidentId, Principal, Role, Scope, authorize};
use jingwu_store::Conn;
use jingwu_store::command::{
    self as q, Assignment, Event, ScopedIncident, ScopedUnit, TerminalMessage,
};

use super::Command;
use crate::{AppError, RequestCtx, Result};

pub type UnitView = ScopedUnit;

#[derive(Debug, Clone)]
pub struct IncidentDetail {
    pub incident: ScopedIncident,
    pub timeline: Vec<Event>,
    pub assignments: Vec<Assignment>,
}

#[derive(Debug, Clone, Default)]
pub struct IncidentFilter {
    /// Only incidents in this status (`new`, `dispatched`, `on_scene`, `closed`, `merged`).
    pub status: Option<IncidentStatus>,
    /// Created at or after (µs).
    pub from: Option<i64>,
    /// Created before (µs).
    pub to: Option<i64>,
    pub limit: i64,
}

/// What another system needs of an incident it is linked to (a hazmat response answering a
/// 110 call): where it is, whose it is, when it came in.
#[derive(Debug, Clone, PartialEq)]
pub struct LinkedIncident {
    pub id: IncidentId,
    pub number: String,
    pub org_path: String,
    pub lat: f64,
    pub lon: f64,
    pub address: String,
    pub created_at: i64,
}

impl Command<'_> {
    /// The incident a caller links its own system's record to, when `action` (of that system)
    /// is allowed in the incident's jurisdiction; 404 otherwise, as for any single object.
    pub async fn incident_for_linkage(
        &self,
        who: &Principal,
        action: Action,
        incident_id: &IncidentId,
    ) -> Result<LinkedIncident> {
        authorize(who, action, Scope::Org(&who.org_path)).map_err(AppError::denied_scope)?;
        let mut conn = self.k().read().await?;
        let i = q::get_incident(&mut conn, incident_id)
            .await?
            .ok_or(AppError::NotFound { what: "incident" })?;
        authorize(who, action, Scope::Org(&i.org_path))
            .map_err(|d| AppError::denied_object(d, "incident"))?;
        Ok(LinkedIncident {
            id: i.incident.id,
            number: i.incident.number,
            org_path: i.org_path,
            lat: i.incident.lat,
            lon: i.incident.lon,
            address: i.incident.address,
            created_at: i.incident.created_at,
        })
    }

    /// An incident is visible to its owner's subtree and to the subtrees of the units assigned
    /// to it (a unit lent across stations sees the incident it is sent to); an officer sees it
    /// when a unit they crew is on it. Anything else answers 404.
    pub(super) async fn visible_incident(
        &self,
        conn: &mut impl Conn,
        who: &Principal,
        incident_id: &IncidentId,
    ) -> Result<ScopedIncident> {
        authorize(who, Action::ReadCommand, Scope::Org(&who.org_path))
            .map_err(AppError::denied_scope)?;
        let i = q::get_incident(conn, incident_id)
            .await?
            .ok_or(AppError::NotFound { what: "incident" })?;
        if authorize(who, Action::ReadCommand, Scope::Org(&i.org_path)).is_ok() {
            return Ok(i);
        }
        let assigned = Assigned::load(conn, incident_id).await?;
        let facts = assigned.facts();
        if policy::incident_visible(who, &incident_facts(&i, &facts)) {
            Ok(i)
        } else {
            Err(AppError::NotFound { what: "incident" })
        }
    }

    pub async fn list_units(&self, who: &Principal) -> Result<Vec<UnitView>> {
        authorize(who, Action::ReadCommand, Scope::Org(&who.org_path))
            .map_err(AppError::denied_scope)?;
        let mut conn = self.k().read().await?;
        Ok(q::units_under(&mut conn, &who.org_path).await?)
    }

    pub async fn get_unit(&self, who: &Principal, unit_id: &str) -> Result<UnitView> {
        let mut conn = self.k().read().await?;
        match self
            .scoped_unit(&mut conn, who, Action::ReadCommand, unit_id)
            .await
        {
            Err(AppError::NotFound { .. }) if who.role == Role::Officer => {
                self.operable_unit(&mut conn, who, unit_id).await
            }
            other => other,
        }
    }

    pub async fn list_incidents(
        &self,
        who: &Principal,
        f: &IncidentFilter,
    ) -> Result<Vec<ScopedIncident>> {
        authorize(who, Action::ReadCommand, Scope::Org(&who.org_path))
            .map_err(AppError::denied_scope)?;
        let mut conn = self.k().read().await?;
        let mut rows = q::incidents_under(
            &mut conn,
            &who.org_path,
            f.from.unwrap_or(0),
            f.to.unwrap_or(i64::MAX),
            f.limit,
        )
        .await?;
        if let Some(s) = f.status {
            rows.retain(|i| i.incident.status == s);
        }
        // A list shows many callers and needs none in full: the full name and number are in
        // the incident's own view, which records who opened it.
        for r in &mut rows {
            r.incident.caller_name = jingwu_core::privacy::mask_name(&r.incident.caller_name);
            r.incident.caller_phone = jingwu_core::privacy::mask_phone(&r.incident.caller_phone);
        }
        Ok(rows)
    }

    /// One incident in full, with the caller's name and number: opening it is audited
    /// (`incident.view`), so "who looked at this caller" has an answer.
    pub async fn incident_detail(
        &self,
        who: &Principal,
        incident_id: &IncidentId,
        ctx: &RequestCtx,
    ) -> Result<IncidentDetail> {
        let mut conn = self.k().read().await?;
        let incident = self.visible_incident(&mut conn, who, incident_id).await?;
        let timeline = q::timeline(&mut conn, incident_id).await?;
        let assignments = q::assignments_of(&mut conn, incident_id).await?;
        drop(conn);
        self.k()
            .record_view(
                who,
                ctx,
                "incident.view",
                ("incident", incident_id.as_str()),
                &incident.org_path,
            )
            .await?;
        Ok(IncidentDetail {
            incident,
            timeline,
            assignments,
        })
    }

    /// A unit's terminal messages after `after_seq` (resume after a reconnect).
    pub async fn terminal_messages(
        &self,
        who: &Principal,
        unit_id: &str,
        after_seq: i64,
    ) -> Result<Vec<TerminalMessage>> {
        let mut conn = self.k().read().await?;
        self.operable_unit(&mut conn, who, unit_id).await?;
        Ok(q::terminal_messages_after(&mut conn, unit_id, after_seq).await?)
    }

    /// The sequence number of a unit's newest terminal message (0 for none): where a terminal
    /// that claims to be further along must be resynchronised from.
    pub async fn terminal_log_head(&self, who: &Principal, unit_id: &str) -> Result<i64> {
        let mut conn = self.k().read().await?;
        self.operable_unit(&mut conn, who, unit_id).await?;
        Ok(q::last_terminal_seq(&mut conn, unit_id).await?)
    }
}

/// The facts the 110 access policy needs about a loaded unit.
pub(super) fn unit_facts(u: &ScopedUnit) -> UnitFacts<'_> {
    UnitFacts {
        org_path: &u.org_path,
        crew: &u.unit.crew,
    }
}

/// The units sent to an incident with their latest assignments, for the rules that depend
/// on who is on it.
pub(super) struct Assigned {
    pub latest: Vec<Assignment>,
    pub units: Vec<ScopedUnit>,
}

impl Assigned {
    pub(super) async fn load(conn: &mut impl Conn, incident_id: &IncidentId) -> Result<Self> {
        let all = q::assignments_of(conn, incident_id).await?;
        let latest: Vec<Assignment> = q::latest_per_unit(&all).into_iter().cloned().collect();
        let ids: Vec<&str> = latest.iter().map(|a| a.unit_id.as_str()).collect();
        let units = q::get_units(conn, &ids).await?;
        Ok(Assigned { latest, units })
    }

    /// Each unit with where its latest assignment stands.
    pub(super) fn facts(&self) -> Vec<AssignedUnit<'_>> {
        self.latest
            .iter()
            .filter_map(|a| {
                let u = self.units.iter().find(|u| u.unit.id == a.unit_id)?;
                Some(AssignedUnit {
                    unit: unit_facts(u),
                    status: a.status,
                })
            })
            .collect()
    }

    /// How many units are on the incident now.
    pub(super) fn active(&self) -> usize {
        self.latest.iter().filter(|a| a.status.is_active()).count()
    }
}

/// The facts the 110 access policy needs about a loaded incident and its units.
pub(super) fn incident_facts<'a>(
    i: &'a ScopedIncident,
    assigned: &'a [AssignedUnit<'a>],
) -> IncidentFacts<'a> {
    IncidentFacts {
        org_path: &i.org_path,
        handover_from_path: i.handover_from_path.as_deref(),
        assigned,
    }
}
