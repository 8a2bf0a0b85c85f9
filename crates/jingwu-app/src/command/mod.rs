//! 110 linked command: intake, units and their status, AVL, recommendation by road travel
//! time, dispatch, terminal progress and closing. Every state change goes through a `WriteTx`
//! (audited); AVL telemetry is the one documented exception (see `avl`).

mod areas;
mod avl;
pub(crate) mod coverage;
mod coverage_history;
mod crew;
mod dispatch;
mod export;
mod geocode;
mod handover;
mod intake;
pub(crate) mod layers;
mod lifecycle;
mod linkage;
mod map;
mod media;
mod plans;
mod progress;
mod read;
mod road_events;
mod roads;
pub mod setup;
mod stats;
mod targets;
mod tiles;
mod timers;
mod unit_scopes;

use jingwu_command::unit::{Actor, UnitStatus};
use jingwu_core::{EventId, IncidentId, Principal, StatusChangeId};
use jingwu_store::command::{self as q, Event, EventKind, StatusChange};
use jingwu_store::{Conn, WriteTx};

use crate::{App, AppError, LiveEvent, Result};

pub use avl::{Fix, TrackFix};
pub use coverage::{
    AreaFigures, COVERAGE_LIMITS_S, CoverageAlertView, CoveragePolicy, CoverageView, LimitFigures,
};
pub use coverage_history::{CoverageHistory, CoverageSeries};
pub use dispatch::{Recommendation, Recommendations};
pub use export::EIDO_DOMAIN;
pub use geocode::{GEOCODE_MAX_LIMIT, GEOCODE_MAX_QUERY_CHARS, REVERSE_MAX_M};
pub use handover::{Handover, HandoverDirection, Merged};
pub use intake::{IncidentCreated, NewIncident, PossibleDuplicate};
pub use jingwu_store::command::media::IncidentMedia;
pub use layers::{FeatureInput, ImportFormat, ImportOutcome, LayerInfo, LayerRegistry, NewLayer};
pub use lifecycle::{CallerHistory, HistoryEntry, IncidentUpdate};
pub use linkage::{AgencyInput, AgencyView, DeliveriesDone, LinkageView, SignedHeaders};
pub use map::{LiveScope, MAX_ROAD_LINES, RoadLine, RouteLine};
pub(crate) use media::MediaState;
pub use media::{MAX_MEDIA_CHUNK, MediaBlob, MediaLimits, NewUpload, UploadView};
pub use read::{IncidentDetail, IncidentFilter, LinkedIncident, UnitView};
pub use roads::{RoadNetwork, route_mode};
pub use stats::{IncidentStats, Period, StatsGroup, StatsGroupBy};
pub use targets::{KeySiteReadiness, ResponseEvaluation};
pub use tiles::MapTile;
pub use timers::{IncidentTimers, LimitsView, TIMER_JOB_EVERY};

use std::sync::{Arc, RwLock};

use crate::{AppConfig, Kernel};

/// State the 110 system keeps between requests: the road network, the media store and the
/// live coverage model.
pub(crate) struct CommandState {
    roads: RwLock<Option<Arc<RoadNetwork>>>,
    media: MediaState,
    coverage: coverage::CoverageState,
    unit_scopes: unit_scopes::UnitScopes,
    road_events: road_events::AppliedEvents,
}

impl CommandState {
    pub(crate) fn new(config: &AppConfig) -> Self {
        CommandState {
            roads: RwLock::new(None),
            media: MediaState::new(config.media_dir.clone()),
            coverage: Default::default(),
            unit_scopes: Default::default(),
            road_events: Default::default(),
        }
    }
}

/// The 110 system's use cases (see [`App::command`]).
#[derive(Clone, Copy)]
pub struct Command<'a> {
    pub(crate) app: &'a App,
}

impl Command<'_> {
    fn k(&self) -> &Kernel {
        self.app.kernel()
    }

    fn state(&self) -> &CommandState {
        &self.app.inner.command
    }

    fn config(&self) -> &AppConfig {
        self.k().config()
    }

    fn now_us(&self) -> i64 {
        self.k().now_us()
    }

    /// Installs the road network used for owning stations, recommendations and coverage.
    pub fn set_road_network(&self, roads: RoadNetwork) {
        *self
            .state()
            .roads
            .write()
            .unwrap_or_else(|e| e.into_inner()) = Some(Arc::new(roads));
    }

    pub fn roads(&self) -> Option<Arc<RoadNetwork>> {
        self.state()
            .roads
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }
}

/// How stale an AVL fix may be and still place a unit for recommendation.
pub const DEFAULT_AVL_MAX_AGE_S: i64 = 600;

/// Appends an event to an incident's timeline (law enforcement adds `case_opened`).
pub(crate) async fn event(
    conn: &mut WriteTx,
    incident_id: &IncidentId,
    at: i64,
    kind: EventKind,
    who: &Principal,
    unit_id: Option<&str>,
    detail: serde_json::Value,
) -> Result<()> {
    q::insert_event(
        conn,
        &Event {
            id: EventId::new(),
            incident_id: incident_id.clone(),
            at,
            kind,
            actor_id: who.user_id.as_str().into(),
            unit_id: unit_id.map(Into::into),
            detail: jingwu_audit::canonical_json(&detail),
        },
    )
    .await?;
    Ok(())
}

/// Appends a message to a unit's durable terminal log and pushes it to its crew after the
/// commit (ARCHITECTURE invariant 11); returns its sequence number.
pub(crate) async fn tell_crew(
    tx: &mut crate::Tx,
    u: &q::ScopedUnit,
    kind: q::MessageKind,
    body: &serde_json::Value,
    at: i64,
) -> Result<i64> {
    let unit_id = u.unit.id.as_str();
    let body = jingwu_audit::canonical_json(body);
    let seq = q::push_terminal_message(tx.db(), unit_id, at, kind.as_str(), &body).await?;
    tx.publish(LiveEvent::Terminal {
        unit_id: unit_id.to_string(),
        seq,
        org_path: u.org_path.clone(),
        crew: u.unit.crew.clone(),
    });
    Ok(seq)
}

/// Moves a unit between statuses under the domain's rules and the database's condition (the
/// unit must still be in `from`), and records the change in its history.
#[allow(clippy::too_many_arguments)]
async fn move_unit(
    conn: &mut WriteTx,
    who: &Principal,
    actor: Actor,
    unit_id: &str,
    from: UnitStatus,
    to: UnitStatus,
    incident_id: Option<&IncidentId>,
    reason: &str,
    at: i64,
) -> Result<()> {
    let ctx = jingwu_command::unit::TransitionCtx::by(actor);
    let ctx = if reason.trim().is_empty() {
        ctx
    } else {
        ctx.with_reason(reason)
    };
    jingwu_command::unit::transition(from, to, ctx).map_err(|e| AppError::Conflict {
        code: jingwu_command::error_codes::ILLEGAL_TRANSITION.code,
        detail: e.to_string(),
    })?;
    let keep_incident = if to.is_assigned() { incident_id } else { None };
    if !q::set_unit_status(
        conn,
        unit_id,
        from,
        to,
        keep_incident.map(IncidentId::as_str),
        at,
    )
    .await?
    {
        return Err(AppError::Conflict {
            code: jingwu_command::error_codes::UNIT_CHANGED.code,
            detail: "the unit's status changed meanwhile; reload and try again".into(),
        });
    }
    q::log_unit_status(
        conn,
        &StatusChange {
            id: StatusChangeId::new(),
            unit_id: unit_id.into(),
            from_status: from,
            to_status: to,
            at,
            actor_id: who.user_id.as_str().into(),
            incident_id: incident_id.cloned(),
            reason: reason.into(),
        },
    )
    .await?;
    Ok(())
}

/// A unit that can respond now — available, with a fix no older than the AVL age limit —
/// placed on the road network. Recommendation, key-site readiness and coverage all count
/// exactly these units.
#[derive(Debug, Clone)]
pub(crate) struct ReadyUnit {
    pub unit: q::ScopedUnit,
    pub fix_age_us: i64,
    /// How the unit travels (from `units.travel_mode`).
    pub mode: jingwu_routing::TravelMode,
    /// Its position on a road its mode may use.
    pub pos: jingwu_routing::Position,
}

impl Command<'_> {
    /// The ready units among `units` (see [`ReadyUnit`]); units off the road network are left out.
    pub(crate) fn ready_units(
        &self,
        roads: &crate::RoadNetwork,
        units: Vec<q::ScopedUnit>,
    ) -> Vec<ReadyUnit> {
        let now = self.now_us();
        let max_age_us = self.config().avl_max_age_s * 1_000_000;
        units
            .into_iter()
            .filter(|u| u.unit.status == UnitStatus::Available)
            .filter_map(|u| {
                let (lat, lon, at) = (u.unit.lat?, u.unit.lon?, u.unit.position_at?);
                if now - at > max_age_us {
                    return None;
                }
                let mode = roads::route_mode(u.unit.travel_mode);
                let pos = roads.snap_for(mode, lat, lon).ok()?;
                Some(ReadyUnit {
                    unit: u,
                    fix_age_us: now - at,
                    mode,
                    pos,
                })
            })
            .collect()
    }
}

impl Command<'_> {
    /// Loads a unit the caller may see, else 404.
    async fn scoped_unit(
        &self,
        conn: &mut impl Conn,
        who: &Principal,
        action: jingwu_core::Action,
        unit_id: &str,
    ) -> Result<q::ScopedUnit> {
        let u = q::get_unit(conn, unit_id)
            .await?
            .ok_or(AppError::NotFound { what: "unit" })?;
        jingwu_core::authorize(who, action, jingwu_core::Scope::Org(&u.org_path))
            .map_err(|d| AppError::denied_object(d, "unit"))?;
        Ok(u)
    }
}
