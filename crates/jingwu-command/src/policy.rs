//! Object-level access rules of the 110 system: who may operate a unit, who sees an incident,
//! who may close one, who receives a live event. Each is a pure function over facts the caller
//! has loaded; [`jingwu_core::authorize`] stays the one role-and-jurisdiction decision and these
//! rules add what it cannot know (crews, the units on an incident).
//!
//! Paths are materialized org paths (`/3302/330203/33020301/`); "under" means
//! [`path_contains`].

use jingwu_core::{Action, Denied, Principal, Role, Scope, authorize, path_contains};

use crate::incident::AssignmentStatus;

/// What the rules need to know about a unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UnitFacts<'a> {
    /// Materialized path of the org unit the unit belongs to.
    pub org_path: &'a str,
    /// Usernames of its crew.
    pub crew: &'a [String],
}

/// A unit that has been sent to an incident, with where its latest assignment stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AssignedUnit<'a> {
    pub unit: UnitFacts<'a>,
    pub status: AssignmentStatus,
}

impl AssignedUnit<'_> {
    /// Still on the incident now.
    fn current(&self) -> bool {
        self.status.is_active()
    }

    /// Serves or served the incident: on it now, or cleared from it (or moved on by a merge)
    /// after doing the work. A unit called off (`cancelled`) no longer brings anyone in.
    fn serving_or_served(&self) -> bool {
        self.status != AssignmentStatus::Cancelled
    }
}

/// What the rules need to know about an incident.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IncidentFacts<'a> {
    /// Materialized path of the owning org unit.
    pub org_path: &'a str,
    /// While a hand-over awaits its sign-for: the path of the room it came from, which keeps
    /// seeing it until the receiving room signs for it.
    pub handover_from_path: Option<&'a str>,
    /// Every unit sent to it, each with its latest assignment (cleared and cancelled ones
    /// included; the rules below decide which count).
    pub assigned: &'a [AssignedUnit<'a>],
}

/// Whether a unit's crew lists `username` (exact match).
pub fn crew_includes(crew: &[String], username: &str) -> bool {
    crew.iter().any(|c| c == username)
}

/// Whether `who` may operate `unit` from a terminal (acknowledge, report status and position,
/// read its terminal log): an officer when they are on its crew, wherever the unit belongs; any
/// other role with [`Action::OperateUnit`] when the unit is in its subtree.
///
/// # Errors
/// [`Denied::Role`] when the role may not operate units at all (the API answers 403);
/// [`Denied::Scope`] when it may but not this unit (404: the unit's existence is not revealed).
pub fn may_operate(who: &Principal, unit: &UnitFacts<'_>) -> Result<(), Denied> {
    authorize(who, Action::OperateUnit, Scope::Org(&who.org_path))?;
    let allowed = match who.role {
        Role::Officer => crew_includes(unit.crew, &who.username),
        _ => authorize(who, Action::OperateUnit, Scope::Org(unit.org_path)).is_ok(),
    };
    if allowed { Ok(()) } else { Err(Denied::Scope) }
}

/// Whether `who` sees an incident (ARCHITECTURE invariant 13), for a role that may read 110
/// data at all:
/// * its owner's subtree sees it (station, its district, the city), and while a hand-over
///   awaits its sign-for, the subtree of the room it came from too;
/// * an officer also sees it when a unit they crew serves or served it — and only then,
///   however close the unit's station is; a unit called off (cancelled) takes that away;
/// * any other role also sees it when one of the units serving or having served it belongs to
///   its subtree (a unit lent across stations brings its own station in).
pub fn incident_visible(who: &Principal, incident: &IncidentFacts<'_>) -> bool {
    if authorize(who, Action::ReadCommand, Scope::Org(&who.org_path)).is_err() {
        return false;
    }
    if authorize(who, Action::ReadCommand, Scope::Org(incident.org_path)).is_ok() {
        return true;
    }
    if incident
        .handover_from_path
        .is_some_and(|from| authorize(who, Action::ReadCommand, Scope::Org(from)).is_ok())
    {
        return true;
    }
    let mut serving = incident.assigned.iter().filter(|a| a.serving_or_served());
    match who.role {
        Role::Officer => serving.any(|a| crew_includes(a.unit.crew, &who.username)),
        _ => serving.any(|a| path_contains(&who.org_path, a.unit.org_path)),
    }
}

/// Whether `who` may close a visible incident with a result: an officer when a unit they crew
/// is on it **now** (not after it was withdrawn), any other role when it may dispatch in the
/// incident's owning subtree — a room that only lent a unit may not.
pub fn may_close(who: &Principal, incident: &IncidentFacts<'_>) -> bool {
    match who.role {
        Role::Officer => incident
            .assigned
            .iter()
            .any(|a| a.current() && crew_includes(a.unit.crew, &who.username)),
        _ => owns(who, incident),
    }
}

/// Whether `who` commands the incident as its owning room (or one of its parents): update it,
/// add notes, hand it over, sign for it, close it, send and divert its units.
pub fn owns(who: &Principal, incident: &IncidentFacts<'_>) -> bool {
    authorize(who, Action::Dispatch, Scope::Org(incident.org_path)).is_ok()
}

/// Whether `who` may withdraw (cancel or divert) a unit from a visible incident: the owning
/// room, or the room the unit belongs to (a lender recalls its own unit; it gets nothing else
/// of the incident).
pub fn may_withdraw(who: &Principal, incident: &IncidentFacts<'_>, unit: &UnitFacts<'_>) -> bool {
    owns(who, incident) || authorize(who, Action::Dispatch, Scope::Org(unit.org_path)).is_ok()
}

/// The scope a live event belongs to; every event carries one, taken when it is published.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EventScope {
    /// Something an org unit owns changed: an incident (its owner), a unit's status or
    /// position (the unit's org unit), a coverage alert (the station area).
    Org { org_path: String },
    /// A unit's terminal log grew: it concerns only those who may operate the unit.
    Operators {
        unit_id: String,
        /// The unit's org unit.
        org_path: String,
        /// Its crew when the event was published.
        crew: Vec<String>,
    },
}

/// Who listens to live events.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Listener<'a> {
    /// The browser map's server-sent events (`GET /api/v1/events`).
    Browser,
    /// A terminal's socket, bound to one unit at `hello`.
    Terminal { unit_id: &'a str },
}

/// Whether `who`, listening as `listener`, receives an event of `scope`.
///
/// * Browser: only roles that may read 110 data. Org events under the caller's subtree.
///   Terminal-log events of a unit under the caller's subtree that the caller operates (an
///   officer: crews it; other roles: [`may_operate`]). Unlike [`may_operate`], an officer does
///   not receive the log of a unit they crew outside their own subtree (the stream has always
///   offered only the units under the caller).
/// * Terminal socket: only its own unit's log, while the caller may operate the unit.
pub fn may_receive(who: &Principal, listener: Listener<'_>, scope: &EventScope) -> bool {
    match listener {
        Listener::Browser => {
            if authorize(who, Action::ReadCommand, Scope::Org(&who.org_path)).is_err() {
                return false;
            }
            match scope {
                EventScope::Org { org_path } => path_contains(&who.org_path, org_path),
                EventScope::Operators { org_path, crew, .. } => {
                    path_contains(&who.org_path, org_path)
                        && may_operate(who, &UnitFacts { org_path, crew }).is_ok()
                }
            }
        }
        Listener::Terminal { unit_id: bound } => match scope {
            EventScope::Org { .. } => false,
            EventScope::Operators {
                unit_id,
                org_path,
                crew,
            } => unit_id == bound && may_operate(who, &UnitFacts { org_path, crew }).is_ok(),
        },
    }
}
