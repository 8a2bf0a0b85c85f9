//! Units: their kinds, force tiers, the status machine, and how well a kind fits an incident.
//!
//! # Status machine
//!
//! One machine for a unit and its crew (command.md §1.1 lesson 3: a status change on any
//! terminal is the same event for everyone). The store records every accepted change as a
//! timestamped event; this module only decides whether a change is legal.
//!
//! ```text
//!            ┌──────────── cancelled (reason required) ───────────┐
//!            │                                                    │
//! off_duty ⇄ available ──dispatch (dispatcher)──▶ dispatched ──▶ en_route ──▶ on_scene
//!              ▲  │  ▲                                                        │   │
//!              │  ▼  └──────────────────── cleared ───────────────────────────┘   │
//!              └─ busy ◀──────────────────────────────────────────────────────────┘
//! ```
//!
//! | from | allowed to | condition |
//! |---|---|---|
//! | off_duty | available | — (start of shift) |
//! | available | dispatched | by a dispatcher only |
//! | available | busy | — (self-initiated task, meal, maintenance) |
//! | available | off_duty | — (end of shift) |
//! | dispatched | en_route | — (acknowledged and moving; 签收 is an event, not a status) |
//! | dispatched | available | cancelled: a non-empty reason is required |
//! | en_route | on_scene | — |
//! | en_route | available | cancelled: a non-empty reason is required |
//! | on_scene | available | cleared |
//! | on_scene | busy | still occupied after the scene (escort, paperwork) |
//! | busy | available | — |
//!
//! Everything else is refused with a [`TransitionError`] that says why; in particular a unit
//! is never dispatched unless available (so never to two incidents), never reaches the scene
//! without going en route from a dispatch, and never goes off duty while dispatched, en route,
//! on scene or busy.

use std::cmp::Ordering;

use jingwu_core::OrgKind;
use serde::Serialize;

use crate::taxonomy::{Category, Priority, Subcategory};

jingwu_core::text_enum! {
    /// How a unit moves on the roads: its speeds and the roads it may use (the road engine's
    /// travel modes). Set per unit; a new unit takes its kind's usual mode.
    pub enum TravelMode: "travel mode" {
        /// Cars and vans: car roads, one-way rules.
        Car = "car" ("驾车", "Car"),
        /// Motorcycles and e-bikes.
        Motorbike = "motorbike" ("摩托/电动车", "Motorbike"),
        /// On foot: footways and pedestrian streets too, one-way rules do not apply.
        Foot = "foot" ("步行", "On foot"),
    }
}

jingwu_core::text_enum! {
    /// What kind of force a unit is.
    pub enum UnitKind: "unit kind" {
        /// A patrol car with a crew of two or more.
        PatrolCar = "patrol_car" ("巡逻车", "Patrol car"),
        /// Officers on foot.
        FootPatrol = "foot_patrol" ("步巡", "Foot patrol"),
        /// Motorcycle unit (摩托/快骑).
        Motorcycle = "motorcycle" ("摩托快骑", "Motorcycle"),
        /// Armed mobile patrol team (特警/武装巡控).
        ArmedPatrolTeam = "armed_patrol_team" ("武装巡逻队", "Armed patrol team"),
        /// Traffic police unit.
        TrafficUnit = "traffic_unit" ("交警", "Traffic unit"),
    }
}

impl UnitKind {
    /// The travel mode a unit of this kind usually has.
    pub fn usual_travel_mode(self) -> TravelMode {
        match self {
            UnitKind::FootPatrol => TravelMode::Foot,
            UnitKind::Motorcycle => TravelMode::Motorbike,
            UnitKind::PatrolCar | UnitKind::ArmedPatrolTeam | UnitKind::TrafficUnit => {
                TravelMode::Car
            }
        }
    }
}

jingwu_core::text_enum! {
    /// A unit's status (see the module documentation for the graph).
    pub enum UnitStatus: "unit status" {
        /// Off duty or offline.
        OffDuty = "off_duty" ("下班", "Off duty"),
        /// May be dispatched.
        Available = "available" ("空闲", "Available"),
        /// Assigned, not yet moving.
        Dispatched = "dispatched" ("已派警", "Dispatched"),
        EnRoute = "en_route" ("出警途中", "En route"),
        OnScene = "on_scene" ("到场", "On scene"),
        /// On duty but not dispatchable.
        Busy = "busy" ("忙碌", "Busy"),
    }
}

impl UnitStatus {
    /// Assigned to an incident: dispatched, en route or on scene.
    pub const fn is_assigned(self) -> bool {
        matches!(
            self,
            UnitStatus::Dispatched | UnitStatus::EnRoute | UnitStatus::OnScene
        )
    }

    /// May be recommended and dispatched.
    pub const fn is_dispatchable(self) -> bool {
        matches!(self, UnitStatus::Available)
    }

    /// Counts for live 1/3/5-minute coverage: only available units cover an area.
    pub const fn covers(self) -> bool {
        self.is_dispatchable()
    }

    /// The statuses reachable in one step, whatever the context (see [`TRANSITIONS`]).
    pub fn next(self) -> impl Iterator<Item = UnitStatus> {
        TRANSITIONS
            .iter()
            .filter(move |t| t.from == self)
            .map(|t| t.to)
    }

    /// The edges `actor` may take next from here, with what each requires (a reason for a
    /// cancellation): what a terminal offers as its next buttons, so the rules stay here.
    pub fn next_for(self, actor: Actor) -> impl Iterator<Item = &'static Transition> {
        TRANSITIONS.iter().filter(move |t| {
            t.from == self && (t.requires != Requirement::Dispatcher || actor == Actor::Dispatcher)
        })
    }
}

jingwu_core::text_enum! {
    /// Who asks for a status change.
    pub enum Actor: "actor" {
        /// A dispatcher at a command room (city, district or station).
        Dispatcher = "dispatcher" ("调度员", "Dispatcher"),
        /// The unit's own mobile terminal.
        Terminal = "terminal" ("警务终端", "Terminal"),
        /// An automatic rule (shift schedule, time-out).
        System = "system" ("系统", "System"),
    }
}

/// The context of a requested change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TransitionCtx<'a> {
    pub actor: Option<Actor>,
    /// Reason text; required for cancellations (dispatched/en_route → available).
    pub reason: Option<&'a str>,
}

impl<'a> TransitionCtx<'a> {
    pub const fn by(actor: Actor) -> Self {
        TransitionCtx {
            actor: Some(actor),
            reason: None,
        }
    }

    pub const fn with_reason(mut self, reason: &'a str) -> Self {
        self.reason = Some(reason);
        self
    }

    fn has_reason(&self) -> bool {
        self.reason.is_some_and(|r| !r.trim().is_empty())
    }
}

jingwu_core::text_enum! {
    /// What an allowed edge requires beyond its endpoints.
    pub enum Requirement: "requirement" {
        None = "none" ("无", "None"),
        /// Only a dispatcher may take this edge.
        Dispatcher = "dispatcher" ("仅限调度员", "Dispatcher only"),
        /// A non-empty reason must be given.
        Reason = "reason" ("须说明理由", "Reason required"),
    }
}

/// One allowed edge of the status graph.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Transition {
    pub from: UnitStatus,
    pub to: UnitStatus,
    pub requires: Requirement,
    /// What the edge means, for documentation and the timeline.
    pub meaning: &'static str,
}

use UnitStatus as S;

/// The complete allowed graph. Anything not listed is refused.
pub const TRANSITIONS: &[Transition] = &[
    t(
        S::OffDuty,
        S::Available,
        Requirement::None,
        "start of shift",
    ),
    t(
        S::Available,
        S::Dispatched,
        Requirement::Dispatcher,
        "dispatched by a dispatcher",
    ),
    t(
        S::Available,
        S::Busy,
        Requirement::None,
        "self-initiated task or unavailable",
    ),
    t(S::Available, S::OffDuty, Requirement::None, "end of shift"),
    t(
        S::Dispatched,
        S::EnRoute,
        Requirement::None,
        "acknowledged and moving",
    ),
    t(
        S::Dispatched,
        S::Available,
        Requirement::Reason,
        "dispatch cancelled",
    ),
    t(S::EnRoute, S::OnScene, Requirement::None, "arrived"),
    t(
        S::EnRoute,
        S::Available,
        Requirement::Reason,
        "cancelled en route",
    ),
    t(S::OnScene, S::Available, Requirement::None, "cleared"),
    t(
        S::OnScene,
        S::Busy,
        Requirement::None,
        "occupied after the scene",
    ),
    t(
        S::Busy,
        S::Available,
        Requirement::None,
        "back to available",
    ),
];

const fn t(
    from: UnitStatus,
    to: UnitStatus,
    requires: Requirement,
    meaning: &'static str,
) -> Transition {
    Transition {
        from,
        to,
        requires,
        meaning,
    }
}

/// Why a status change was refused. The `Display` text is meant for the 409 answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransitionError {
    #[error("the unit is already {0}")]
    Unchanged(UnitStatus),
    #[error("cannot dispatch a unit that is not available (it is {from})")]
    NotAvailable { from: UnitStatus },
    #[error("only a dispatcher may dispatch a unit")]
    DispatcherOnly,
    #[error("a dispatched unit must acknowledge and go en route before it can be on scene")]
    MustGoEnRouteFirst,
    #[error("a unit that is {from} has not been dispatched, so it cannot be {to}")]
    NotDispatched { from: UnitStatus, to: UnitStatus },
    #[error("cannot go off duty while {from}; clear to available first")]
    OffDutyWhileAssigned { from: UnitStatus },
    #[error("an off-duty unit must come on duty (available) first")]
    OffDuty { to: UnitStatus },
    #[error("cancelling a {from} unit back to available needs a reason")]
    ReasonRequired { from: UnitStatus },
    #[error("a unit that is {from} cannot become {to}")]
    NotAllowed { from: UnitStatus, to: UnitStatus },
}

/// Decides whether `from → to` is legal in `ctx`.
pub fn transition(
    from: UnitStatus,
    to: UnitStatus,
    ctx: TransitionCtx<'_>,
) -> Result<(), TransitionError> {
    if from == to {
        return Err(TransitionError::Unchanged(from));
    }
    if let Some(edge) = TRANSITIONS.iter().find(|e| e.from == from && e.to == to) {
        return match edge.requires {
            Requirement::None => Ok(()),
            Requirement::Dispatcher if ctx.actor == Some(Actor::Dispatcher) => Ok(()),
            Requirement::Dispatcher => Err(TransitionError::DispatcherOnly),
            Requirement::Reason if ctx.has_reason() => Ok(()),
            Requirement::Reason => Err(TransitionError::ReasonRequired { from }),
        };
    }
    Err(match (from, to) {
        (_, S::Dispatched) => TransitionError::NotAvailable { from },
        (S::Dispatched, S::OnScene) => TransitionError::MustGoEnRouteFirst,
        (S::OffDuty, _) => TransitionError::OffDuty { to },
        (_, S::OffDuty) => TransitionError::OffDutyWhileAssigned { from },
        (S::Available | S::Busy, S::EnRoute | S::OnScene) => {
            TransitionError::NotDispatched { from, to }
        }
        _ => TransitionError::NotAllowed { from, to },
    })
}

jingwu_core::text_enum! {
    /// Force tier, which sets a unit's rapid-response target. Follows Wuhan's practice as
    /// reported in command.md §4 (tier by force level): station forces and posts are the
    /// 1-minute tier, district bureaus the 3-minute tier, city units the 5-minute tier;
    /// resident armed/special-police patrols (特警驻巡) are counted with the 1-minute tier.
    pub enum Tier: "tier" {
        /// City-level units, dispatched only by the city centre or when flat dispatch reaches
        /// them.
        City = "city" ("市局", "City"),
        /// District or county bureau units (分局/县局, incl. traffic brigades).
        District = "district" ("分局", "District"),
        /// Station and post forces (派出所/警务站).
        Station = "station" ("派出所", "Station"),
        /// Armed mobile patrol teams on resident patrol.
        ArmedPatrol = "armed_patrol" ("武装巡逻", "Armed patrol"),
    }
}

/// The tier of a unit of `kind` belonging to an org unit of `org_kind`: armed patrol teams are
/// their own tier wherever they belong; every other unit takes its org unit's tier.
pub const fn tier_of(kind: UnitKind, org_kind: OrgKind) -> Tier {
    match (kind, org_kind) {
        (UnitKind::ArmedPatrolTeam, _) => Tier::ArmedPatrol,
        (_, OrgKind::Station) => Tier::Station,
        (_, OrgKind::District) => Tier::District,
        (_, OrgKind::City) => Tier::City,
    }
}

jingwu_core::text_enum! {
    /// How well a unit kind suits an incident, best last so that `Ord` sorts worst → best.
    pub enum FitLevel: "fit level" {
        /// Should only be sent if nothing else is near.
        Poor = "poor" ("勉强", "Poor"),
        /// Can handle it.
        Acceptable = "acceptable" ("可用", "Acceptable"),
        /// A normal choice.
        Good = "good" ("合适", "Good"),
        /// The preferred kind.
        Strong = "strong" ("首选", "Strong"),
    }
}

/// A fit with the rule that produced it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Fit {
    pub level: FitLevel,
    pub reason: &'static str,
}

impl Fit {
    const fn new(level: FitLevel, reason: &'static str) -> Self {
        Fit { level, reason }
    }
}

/// A foot patrol walking at ~5 km/h covers about 800 m in 10 minutes; farther than this it
/// is a poor fit for anything.
pub const FOOT_PATROL_MAX_M: f64 = 800.0;

/// Type fit of a unit kind for an incident, given its road distance to the incident (metres).
///
/// Rules, first match wins:
/// 1. foot patrol farther than [`FOOT_PATROL_MAX_M`] → poor;
/// 2. violent sub-category: armed team strong, patrol car good, motorcycle and foot patrol
///    acceptable, traffic unit poor;
/// 3. traffic category: traffic unit strong, motorcycle and patrol car good, others acceptable;
/// 4. any other incident: patrol car and motorcycle good; foot patrol good within 300 m,
///    acceptable beyond; armed team good for P1/P2, acceptable for P3/P4 (kept free for
///    violent incidents); traffic unit acceptable.
pub fn fits(kind: UnitKind, subcategory: Subcategory, priority: Priority, distance_m: f64) -> Fit {
    use FitLevel::*;
    use UnitKind::*;
    if kind == FootPatrol && (distance_m.is_nan() || distance_m > FOOT_PATROL_MAX_M) {
        return Fit::new(Poor, "foot patrol too far to walk in time");
    }
    if subcategory.violent() {
        return match kind {
            ArmedPatrolTeam => Fit::new(Strong, "armed team preferred for violent incidents"),
            PatrolCar => Fit::new(Good, "patrol car can handle a violent incident"),
            Motorcycle | FootPatrol => {
                Fit::new(Acceptable, "lightly equipped for a violent incident")
            }
            TrafficUnit => Fit::new(Poor, "traffic unit not equipped for a violent incident"),
        };
    }
    if subcategory.category() == Category::Traffic {
        return match kind {
            TrafficUnit => Fit::new(Strong, "traffic unit preferred for traffic incidents"),
            Motorcycle | PatrolCar => Fit::new(Good, "can manage a traffic scene"),
            ArmedPatrolTeam | FootPatrol => Fit::new(Acceptable, "not a traffic unit"),
        };
    }
    let urgent = matches!(priority, Priority::P1 | Priority::P2);
    match kind {
        PatrolCar | Motorcycle => Fit::new(Good, "general patrol"),
        FootPatrol if distance_m <= 300.0 => Fit::new(Good, "foot patrol close by"),
        FootPatrol => Fit::new(Acceptable, "foot patrol within walking distance"),
        ArmedPatrolTeam if urgent => Fit::new(Good, "armed team may take urgent incidents"),
        ArmedPatrolTeam => Fit::new(Acceptable, "armed team kept free for violent incidents"),
        TrafficUnit => Fit::new(Acceptable, "traffic unit outside its speciality"),
    }
}

/// A recommendation candidate: road ETA, type fit and call sign.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Candidate<'a> {
    pub eta_s: f64,
    pub fit: FitLevel,
    pub call_sign: &'a str,
}

/// Orders recommendation candidates strictly by road ETA, the one that arrives first first;
/// equal ETAs by fit (best first), then by call sign, so the order is total and stable.
/// Non-finite ETAs (unreachable) sort last. A response plan fills its slots before this order
/// applies to the rest ([`crate::plans::rank`]).
pub fn recommendation_order(a: &Candidate<'_>, b: &Candidate<'_>) -> Ordering {
    let key = |c: &Candidate<'_>| {
        if c.eta_s.is_finite() {
            c.eta_s.max(0.0)
        } else {
            f64::INFINITY
        }
    };
    key(a)
        .total_cmp(&key(b))
        .then_with(|| b.fit.cmp(&a.fit))
        .then_with(|| a.call_sign.cmp(b.call_sign))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_listed_edge_is_reachable_with_its_requirement_met() {
        for e in TRANSITIONS {
            let ctx = TransitionCtx::by(Actor::Dispatcher).with_reason("test");
            assert_eq!(transition(e.from, e.to, ctx), Ok(()), "{e:?}");
        }
    }
}
