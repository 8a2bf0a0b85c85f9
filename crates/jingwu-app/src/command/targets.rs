//! Response targets (capability 7): one incident's arrival against the responding tier's
//! 1/3/5-minute target and its priority's target, and the key sites that must have a force
//! within their target (1 minute in the demo) right now.

use jingwu_command::response::{self, IncidentTimes, ResponseOutcome};
use jingwu_command::unit::Tier;
use jingwu_core::{Action, IncidentId, Principal, Scope, authorize};
use jingwu_store::command::{self as q, KeySite};
use jingwu_store::foundation::orgs;

use super::Command;
use crate::{AppError, Result};
use jingwu_command::unit::tier_of;

/// How far (road seconds) the key-site search looks, so that the best ETA is reported even
/// when it misses the site's target.
pub const KEY_SITE_SEARCH_LIMIT_S: u32 = 900;

/// An incident's response evaluated against its targets.
#[derive(Debug, Clone, PartialEq)]
pub struct ResponseEvaluation {
    /// The first unit to arrive (earliest on-scene instant among the assignments).
    pub responding_unit_id: Option<String>,
    /// Its tier: its org's kind, or armed patrol for armed mobile patrol teams.
    pub responding_tier: Option<Tier>,
    /// Against the tier's 1/3/5-minute target, measured from dispatch; `None` until a unit
    /// is on scene.
    pub tier: Option<ResponseOutcome>,
    /// Against the priority's target, measured from creation.
    pub priority: Option<ResponseOutcome>,
    /// Why the timeline could not be evaluated, if it is inconsistent.
    pub timeline_error: Option<String>,
}

/// A key site and whether a force can reach it within its target now.
#[derive(Debug, Clone, PartialEq)]
pub struct KeySiteReadiness {
    pub site: KeySite,
    /// Some available unit with a fresh fix reaches it within `target_secs`.
    pub covered: bool,
    /// False when the site lies off the road network (it then cannot be covered).
    pub on_network: bool,
    /// Best road ETA of an available unit (within [`KEY_SITE_SEARCH_LIMIT_S`]), seconds.
    pub best_eta_s: Option<f64>,
    pub best_unit_id: Option<String>,
    pub best_call_sign: Option<String>,
}

impl Command<'_> {
    /// Evaluates an incident's response. The incident times are its columns (for an incident
    /// with several units, those of the first unit, as `IncidentTimes` expects).
    pub async fn incident_response(
        &self,
        who: &Principal,
        incident_id: &IncidentId,
    ) -> Result<ResponseEvaluation> {
        let mut conn = self.k().read().await?;
        let i = self
            .visible_incident(&mut conn, who, incident_id)
            .await?
            .incident;
        let times = IncidentTimes {
            created: i.created_at,
            dispatched: i.dispatched_at,
            acknowledged: i.acknowledged_at,
            en_route: i.en_route_at,
            on_scene: i.on_scene_at,
            closed: i.closed_at,
        };
        let first = q::assignments_of(&mut conn, incident_id)
            .await?
            .into_iter()
            .filter_map(|a| a.on_scene_at.map(|t| (t, a.unit_id.into_string())))
            .min();
        let mut responding_tier = None;
        if let Some((_, unit_id)) = &first
            && let Some(u) = q::get_unit(&mut conn, unit_id).await?
            && let Some(org) = orgs::get(&mut conn, u.unit.org_id.as_str()).await?
        {
            let kind = u.unit.kind;
            responding_tier = Some(tier_of(kind, org.kind));
        }
        let priority = i.priority;
        let mut out = ResponseEvaluation {
            responding_unit_id: first.map(|f| f.1),
            responding_tier,
            tier: None,
            priority: None,
            timeline_error: None,
        };
        match response::evaluate_priority(&times, priority) {
            Ok(p) => out.priority = Some(p),
            Err(e) => out.timeline_error = Some(e.to_string()),
        }
        if let Some(tier) = responding_tier {
            out.tier = response::evaluate(&times, tier).ok();
        }
        Ok(out)
    }

    /// Key sites in the caller's jurisdiction, each with whether an available unit the caller
    /// may task (its subtree's units, with a fix no older than the AVL age limit) reaches it
    /// within the site's target now: one backward road search per site and travel mode present,
    /// each unit at its own mode's speeds, live closures applied.
    /// Returns the instant checked (µs) with the sites.
    pub async fn key_site_readiness(
        &self,
        who: &Principal,
    ) -> Result<(i64, Vec<KeySiteReadiness>)> {
        authorize(who, Action::ReadCommand, Scope::Org(&who.org_path))
            .map_err(AppError::denied_scope)?;
        let roads = self
            .roads()
            .ok_or_else(|| AppError::Precondition("no road network is loaded".into()))?;
        let mut conn = self.k().read().await?;
        let sites = q::key_sites_under(&mut conn, &who.org_path).await?;
        let units = q::units_under(&mut conn, &who.org_path).await?;
        drop(conn);
        let now = self.now_us();
        let placed = self.ready_units(&roads, units);
        let positions: Vec<_> = placed.iter().map(|r| (r.mode, r.pos)).collect();
        let out = sites
            .into_iter()
            .map(|site| {
                if roads.snap(site.lat, site.lon).is_err() {
                    return KeySiteReadiness {
                        site,
                        covered: false,
                        on_network: false,
                        best_eta_s: None,
                        best_unit_id: None,
                        best_call_sign: None,
                    };
                }
                let limit =
                    KEY_SITE_SEARCH_LIMIT_S.max(u32::try_from(site.target_secs).unwrap_or(0));
                let best = roads
                    .rank_modes(&positions, (site.lat, site.lon), 1, limit)
                    .into_iter()
                    .next()
                    .and_then(|e| {
                        placed
                            .get(e.unit)
                            .map(|u| (f64::from(e.time_ms) / 1000.0, u))
                    });
                KeySiteReadiness {
                    covered: best.is_some_and(|(eta, _)| eta <= site.target_secs as f64),
                    on_network: true,
                    best_eta_s: best.map(|b| b.0),
                    best_unit_id: best.map(|b| b.1.unit.unit.id.to_string()),
                    best_call_sign: best.map(|b| b.1.unit.unit.call_sign.clone()),
                    site,
                }
            })
            .collect();
        Ok((now, out))
    }
}
