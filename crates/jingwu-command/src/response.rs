//! Response targets and the segment durations of one incident.
//!
//! # Targets by tier (1/3/5-minute rapid-response circles)
//!
//! After Wuhan's practice as reported in command.md §4 (secondary source), where the circle
//! is defined by the responding force's level:
//!
//! | tier | forces | target |
//! |---|---|---|
//! | [`Tier::Station`] | 派出所, 警务站 (station and post forces) | 1 min |
//! | [`Tier::ArmedPatrol`] | 特警驻巡 / armed mobile patrol teams on resident patrol | 1 min |
//! | [`Tier::District`] | 分局, 交通大/中队 | 3 min |
//! | [`Tier::City`] | 市局直属, 特警驻区大队 | 5 min |
//!
//! A circle is drawn as a road-network isochrone around the force, i.e. it assumes the unit
//! sets off when ordered. The tier target is therefore measured **from dispatch to on scene**
//! ([`Basis::FromDispatch`]: turnout + travel, what the force controls). The priority targets
//! ([`Priority::default_target_s`]) are measured **from creation to on scene**
//! ([`Basis::FromCreated`]: what the caller experiences).
//!
//! # Segments (NERIS/NFPA usage, command.md §6.1)
//!
//! | segment | from → to |
//! |---|---|
//! | processing (接警处理) | created → dispatched |
//! | acknowledge (签收) | dispatched → acknowledged |
//! | turnout (出发) | dispatched → en route |
//! | travel (途中) | en route → on scene |
//! | arrival (到场) | dispatched → on scene |
//! | response (响应) | created → on scene |
//! | close (办结) | created → closed |

use serde::{Deserialize, Serialize};

use crate::US_PER_S;
use crate::taxonomy::Priority;
use crate::unit::Tier;

/// The tier targets table, seconds.
pub const TIER_TARGETS_S: &[(Tier, i64)] = &[
    (Tier::Station, 60),
    (Tier::ArmedPatrol, 60),
    (Tier::District, 180),
    (Tier::City, 300),
];

/// The rapid-response target of a tier, seconds (see [`TIER_TARGETS_S`]).
pub const fn tier_target_s(tier: Tier) -> i64 {
    match tier {
        Tier::Station | Tier::ArmedPatrol => 60,
        Tier::District => 180,
        Tier::City => 300,
    }
}

/// Key instants of an incident (µs since the Unix epoch). For an incident with several
/// units, `dispatched`/`acknowledged`/`en_route`/`on_scene` are those of the *first* unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct IncidentTimes {
    pub created: i64,
    pub dispatched: Option<i64>,
    pub acknowledged: Option<i64>,
    pub en_route: Option<i64>,
    pub on_scene: Option<i64>,
    pub closed: Option<i64>,
}

/// An inconsistent timeline.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TimelineError {
    #[error("{later} ({later_us}) is before {earlier} ({earlier_us})")]
    OutOfOrder {
        earlier: &'static str,
        earlier_us: i64,
        later: &'static str,
        later_us: i64,
    },
    #[error("{stage} is recorded but the incident was never dispatched")]
    NotDispatched { stage: &'static str },
}

impl IncidentTimes {
    /// The instants are consistent:
    /// * the main chain created ≤ dispatched ≤ en route ≤ on scene ≤ closed holds among the
    ///   recorded instants (missing ones are skipped);
    /// * acknowledged, if recorded, is ≥ dispatched and ≤ closed — it may come after en route,
    ///   since a terminal can report "en route" first and its acknowledgement later;
    /// * unit stages (acknowledged, en route, on scene) only exist after a dispatch; `closed`
    ///   without a dispatch is allowed (handled by phone, duplicate, cancelled).
    pub fn check(&self) -> Result<(), TimelineError> {
        if self.dispatched.is_none() {
            for (name, v) in [
                ("acknowledged", self.acknowledged),
                ("en_route", self.en_route),
                ("on_scene", self.on_scene),
            ] {
                if v.is_some() {
                    return Err(TimelineError::NotDispatched { stage: name });
                }
            }
        }
        let chain = [
            ("created", Some(self.created)),
            ("dispatched", self.dispatched),
            ("en_route", self.en_route),
            ("on_scene", self.on_scene),
            ("closed", self.closed),
        ];
        let mut latest: Option<(&'static str, i64)> = None;
        for (name, v) in chain {
            let Some(v) = v else { continue };
            ordered(latest, (name, v))?;
            latest = Some((name, v));
        }
        if let Some(ack) = self.acknowledged {
            ordered(
                self.dispatched.map(|d| ("dispatched", d)),
                ("acknowledged", ack),
            )?;
            if let Some(closed) = self.closed {
                ordered(Some(("acknowledged", ack)), ("closed", closed))?;
            }
        }
        Ok(())
    }
}

fn ordered(
    earlier: Option<(&'static str, i64)>,
    later: (&'static str, i64),
) -> Result<(), TimelineError> {
    match earlier {
        Some((earlier, earlier_us)) if later.1 < earlier_us => Err(TimelineError::OutOfOrder {
            earlier,
            earlier_us,
            later: later.0,
            later_us: later.1,
        }),
        _ => Ok(()),
    }
}

jingwu_core::text_enum! {
    /// Where a target is measured from.
    pub enum Basis: "basis" {
        /// dispatched → on scene (tier targets).
        FromDispatch = "from_dispatch" ("自派警起算", "From dispatch"),
        /// created → on scene (priority targets).
        FromCreated = "from_created" ("自接警起算", "From creation"),
    }
}

/// Segment durations (µs; `None` when an end is missing) and the target verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ResponseOutcome {
    pub processing_us: Option<i64>,
    pub acknowledge_us: Option<i64>,
    pub turnout_us: Option<i64>,
    pub travel_us: Option<i64>,
    pub arrival_us: Option<i64>,
    pub response_us: Option<i64>,
    pub close_us: Option<i64>,
    pub basis: Basis,
    pub target_us: i64,
    /// `Some(measured ≤ target)` once on scene; `None` while no unit has arrived.
    pub met: Option<bool>,
}

fn span(a: Option<i64>, b: Option<i64>) -> Option<i64> {
    Some(b? - a?)
}

/// Segments of `times` and whether the arrival met `target_us` measured on `basis`.
pub fn evaluate_against(
    times: &IncidentTimes,
    target_us: i64,
    basis: Basis,
) -> Result<ResponseOutcome, TimelineError> {
    times.check()?;
    let created = Some(times.created);
    let arrival_us = span(times.dispatched, times.on_scene);
    let response_us = span(created, times.on_scene);
    let measured = match basis {
        Basis::FromDispatch => arrival_us,
        Basis::FromCreated => response_us,
    };
    Ok(ResponseOutcome {
        processing_us: span(created, times.dispatched),
        acknowledge_us: span(times.dispatched, times.acknowledged),
        turnout_us: span(times.dispatched, times.en_route),
        travel_us: span(times.en_route, times.on_scene),
        arrival_us,
        response_us,
        close_us: span(created, times.closed),
        basis,
        target_us,
        met: measured.map(|m| m <= target_us),
    })
}

/// Against the responding tier's 1/3/5-minute target, measured from dispatch.
pub fn evaluate(times: &IncidentTimes, tier: Tier) -> Result<ResponseOutcome, TimelineError> {
    evaluate_against(times, tier_target_s(tier) * US_PER_S, Basis::FromDispatch)
}

/// Against the priority's default target, measured from creation.
pub fn evaluate_priority(
    times: &IncidentTimes,
    priority: Priority,
) -> Result<ResponseOutcome, TimelineError> {
    evaluate_against(
        times,
        priority.default_target_s() * US_PER_S,
        Basis::FromCreated,
    )
}
