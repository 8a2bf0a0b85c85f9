//! Live 1/3/5-minute circles: how much of each station area the available units reach within
//! 60, 180 and 300 s by road, recomputed as units move or change status.
//!
//! Station areas are fixed per road network and station setup: a road node inside a station's
//! imported area (辖区, setup's GeoJSON boundaries) belongs to that station (the first in path
//! order where areas overlap, as `areas::owning_station` decides for intake); any other node
//! to the station whose site reaches it first by road (one bounded search per station). They
//! are rebuilt when sites or areas change. Districts and the city are the sums of their
//! stations, so per-area figures always add up. Coverage counts every available unit with a
//! fresh fix and is kept current one unit at a time ([`jingwu_routing::LiveCoverage`]): a
//! recomputation searches again only around the units that moved, appeared or left since the
//! last one, and builds from scratch when the station areas or the road weights (closures,
//! slowdowns) changed. Debug builds check every update against the full evaluation. When a station area's 3-minute road coverage
//! falls below its target an alert is recorded (audited) with a move-up suggestion from the
//! routing crate's greedy maximal covering; it is resolved when the area is back at target.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use jingwu_command::area::Area;
use jingwu_core::{Action, AlertId, OrgKind, Principal, Scope, authorize};
use jingwu_routing::{
    COVERAGE_RESOLUTION, CoverageIndex, CoverageReport, LimitCoverage, LiveCoverage, ModeWeights,
    MoveUpRequest, NONE, Position, StaleWeights, TravelMode, cells_geojson, grid_candidates,
};
use jingwu_store::command as q;
use jingwu_store::command::layers::{self as lq, CoverageAlert};
use jingwu_store::foundation::orgs::{self, OrgUnit};
use tokio::sync::broadcast::error::{RecvError, TryRecvError};

use super::Command;
use super::ReadyUnit;
use super::RoadNetwork;
use crate::{AppError, LiveEvent, RequestCtx, Result};

/// The response-time circles, in seconds.
pub const COVERAGE_LIMITS_S: [u32; 3] = [60, 180, 300];
/// The circle whose shortfall raises an alert (3 minutes).
const ALERT_LIMIT_S: u32 = 180;
/// Longest a station's reach is followed when assigning road to station areas.
pub(super) const AREA_SEARCH_LIMIT_MS: u32 = 6 * 3_600_000;

/// When a station area is short of cover and what to suggest.
#[derive(Debug, Clone)]
pub struct CoveragePolicy {
    /// Share of a station area's road length that must be reached within 3 minutes.
    pub target: f64,
    /// Units a move-up suggestion may move.
    pub move_up_units: usize,
    /// Unit changes arriving within this window are folded into one recomputation.
    pub debounce: Duration,
    /// Recompute at least this often (fixes age out without any event).
    pub refresh: Duration,
}

impl Default for CoveragePolicy {
    fn default() -> Self {
        CoveragePolicy {
            target: 0.8,
            move_up_units: 2,
            debounce: Duration::from_secs(1),
            refresh: Duration::from_secs(30),
        }
    }
}

struct StationArea {
    org_id: String,
    path: String,
}

/// Station areas and the coverage index of one road network, built once.
struct Model {
    roads: Arc<RoadNetwork>,
    index: CoverageIndex,
    stations: Vec<StationArea>,
    /// Candidate move-up sites with their station area.
    candidates: Vec<(Position, u32)>,
}

struct Snapshot {
    at_us: i64,
    units_counted: usize,
    report: CoverageReport,
    model: Arc<Model>,
}

#[derive(Default)]
pub(crate) struct CoverageState {
    policy: Mutex<CoveragePolicy>,
    model: Mutex<Option<Arc<Model>>>,
    latest: Mutex<Option<Arc<Snapshot>>>,
    /// Stations with an open alert; `None` until loaded from the database.
    alerting: Mutex<Option<HashSet<String>>>,
    /// Coverage kept current between recomputations.
    live: Arc<Mutex<Option<LiveState>>>,
    /// One recomputation at a time.
    running: tokio::sync::Mutex<()>,
}

/// The live coverage of one model, with the unit each slot holds.
struct LiveState {
    model: Arc<Model>,
    coverage: LiveCoverage,
    /// Slot of each unit (by id) and where it was last placed.
    slots: HashMap<String, usize>,
    placed: Vec<Option<(TravelMode, Position)>>,
}

impl LiveState {
    fn new(model: Arc<Model>, w: &ModeWeights<'_>, units: &[ReadyUnit], limits: &[u32]) -> Self {
        let placed: Vec<(TravelMode, Position)> = units.iter().map(|u| (u.mode, u.pos)).collect();
        let coverage = LiveCoverage::new(&model.index, model.roads.graph(), w, &placed, limits);
        LiveState {
            slots: (0..)
                .zip(units)
                .map(|(i, u)| (u.unit.unit.id.to_string(), i))
                .collect(),
            placed: placed.into_iter().map(Some).collect(),
            coverage,
            model,
        }
    }

    /// Moves, places and removes units so that exactly `units` are placed.
    fn update(
        &mut self,
        w: &ModeWeights<'_>,
        units: &[ReadyUnit],
    ) -> std::result::Result<(), StaleWeights> {
        if !self.coverage.is_current(w) {
            return Err(StaleWeights);
        }
        let m = &self.model;
        let mut seen = vec![false; self.placed.len()];
        for u in units {
            let id = u.unit.unit.id.to_string();
            let free = self.placed.len();
            let slot = *self.slots.entry(id).or_insert(free);
            if slot == self.placed.len() {
                self.placed.push(None);
                seen.push(false);
            }
            seen[slot] = true;
            let want = Some((u.mode, u.pos));
            if self.placed[slot] != want {
                self.coverage
                    .set_unit(&m.index, m.roads.graph(), w, slot, want)?;
                self.placed[slot] = want;
            }
        }
        for (slot, seen) in seen.into_iter().enumerate() {
            if !seen && self.placed[slot].is_some() {
                self.coverage
                    .set_unit(&m.index, m.roads.graph(), w, slot, None)?;
                self.placed[slot] = None;
            }
        }
        Ok(())
    }
}

/// Coverage of `units` from the live coverage of `model`, updated around the units that
/// changed, or built anew for a new model or new road weights. Debug builds check it against
/// the full evaluation on the same weights.
fn live_report(
    live: &mut Option<LiveState>,
    model: &Arc<Model>,
    units: &[ReadyUnit],
    limits: &[u32],
) -> CoverageReport {
    model.roads.with_weights(|w| {
        let kept = live
            .take()
            .filter(|l| Arc::ptr_eq(&l.model, model))
            .and_then(|mut l| l.update(w, units).is_ok().then_some(l));
        let state = kept.unwrap_or_else(|| LiveState::new(model.clone(), w, units, limits));
        let report = state.coverage.report(&model.index);
        *live = Some(state);
        if cfg!(debug_assertions) {
            let positions: Vec<_> = units.iter().map(|p| (p.mode, p.pos)).collect();
            let full = model
                .roads
                .evaluate_coverage(w, &model.index, &positions, limits);
            assert!(
                full == report,
                "live coverage differs from the full evaluation"
            );
        }
        report
    })
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Coverage within one limit.
#[derive(Debug, Clone, PartialEq)]
pub struct LimitFigures {
    pub seconds: u32,
    pub road_share: f64,
    pub cell_share: f64,
    pub road_m_total: f64,
    pub road_m_covered: f64,
    pub cells_total: usize,
    pub cells_covered: usize,
}

/// Coverage of one org unit's area (the sum of its station areas).
#[derive(Debug, Clone, PartialEq)]
pub struct AreaFigures {
    pub org_id: String,
    pub code: String,
    pub kind: String,
    pub name_zh: String,
    pub name_en: String,
    pub limits: Vec<LimitFigures>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CoverageView {
    pub computed_at_us: i64,
    /// Available units with a fresh fix that took part (city-wide: a neighbour's unit covers
    /// too).
    pub units_counted: usize,
    pub area: AreaFigures,
    pub children: Vec<AreaFigures>,
}

/// A recorded alert with its station's path and the move-up suggestion.
#[derive(Debug, Clone, PartialEq)]
pub struct CoverageAlertView {
    pub alert: CoverageAlert,
    pub org_path: String,
    pub suggestion: serde_json::Value,
}

fn figures(sum: &[LimitCoverage]) -> Vec<LimitFigures> {
    sum.iter()
        .map(|l| LimitFigures {
            seconds: l.limit_ms / 1000,
            road_share: l.road_share(),
            cell_share: l.cell_share(),
            road_m_total: l.road_m_total,
            road_m_covered: l.road_m_covered,
            cells_total: l.cells_total,
            cells_covered: l.cells_covered,
        })
        .collect()
}

impl Snapshot {
    /// Sum of the station areas under `path`.
    fn sum_under(&self, path: &str) -> Vec<LimitCoverage> {
        let mut sum: Vec<LimitCoverage> = COVERAGE_LIMITS_S
            .iter()
            .map(|&s| LimitCoverage {
                limit_ms: s * 1000,
                ..LimitCoverage::default()
            })
            .collect();
        for (a, st) in self.report.areas.iter().zip(&self.model.stations) {
            if !st.path.starts_with(path) {
                continue;
            }
            for (acc, l) in sum.iter_mut().zip(&a.limits) {
                acc.road_m_total += l.road_m_total;
                acc.road_m_covered += l.road_m_covered;
                acc.cells_total += l.cells_total;
                acc.cells_covered += l.cells_covered;
            }
        }
        sum
    }
}

/// A station as the model is built from: who, its site, and its imported area if any.
type StationInput = (StationArea, (f64, f64), Option<Area>);

fn build_model(roads: Arc<RoadNetwork>, stations: Vec<StationInput>) -> Model {
    let g = roads.graph();
    let sites: Vec<(f64, f64)> = stations.iter().map(|(_, site, _)| *site).collect();
    let mut area = nearest_by_road(&roads, &sites);
    // Imported areas override road reach where they exist.
    let boundaries: Vec<(u32, &Area)> = stations
        .iter()
        .enumerate()
        .filter_map(|(i, (_, _, a))| Some((i as u32, a.as_ref()?)))
        .collect();
    if !boundaries.is_empty() {
        for (v, owner) in area.iter_mut().enumerate() {
            let (lat, lon) = g.coord(v as u32);
            if let Some((i, _)) = boundaries.iter().find(|(_, b)| b.contains(lat, lon)) {
                *owner = *i;
            }
        }
    }
    let mut index = CoverageIndex::new(g, roads.snap_index().segments(), COVERAGE_RESOLUTION);
    index.set_node_areas(
        &area,
        stations.iter().map(|(s, _, _)| s.org_id.clone()).collect(),
    );
    let candidates = grid_candidates(g, COVERAGE_RESOLUTION)
        .into_iter()
        .map(|p| {
            let a = area[p.segment.a as usize];
            (p, a)
        })
        .collect();
    Model {
        roads: roads.clone(),
        index,
        stations: stations.into_iter().map(|(s, _, _)| s).collect(),
        candidates,
    }
}

/// The station each road node belongs to by road: the one whose site a car reaches it from
/// first; where no car may go (pedestrian streets, footpaths), the one nearest on foot, so that
/// every road the bureau patrols is in some station's care.
fn nearest_by_road(roads: &RoadNetwork, sites: &[(f64, f64)]) -> Vec<u32> {
    let n = roads.graph().node_count();
    let mut area = vec![NONE; n];
    for mode in [TravelMode::Car, TravelMode::Foot] {
        if !area.contains(&NONE) {
            break;
        }
        let starts: Vec<(u32, Position)> = (0u32..)
            .zip(sites)
            .filter_map(|(i, &(lat, lon))| Some((i, roads.snap_for(mode, lat, lon).ok()?)))
            .collect();
        let mut best = vec![u32::MAX; n];
        let mut nearest = vec![NONE; n];
        roads.with_mode_router(mode, |r, ws| {
            for (i, p) in &starts {
                for &(v, d) in r.reach(ws, p, AREA_SEARCH_LIMIT_MS) {
                    if d < best[v as usize] {
                        best[v as usize] = d;
                        nearest[v as usize] = *i;
                    }
                }
            }
        });
        for (owner, by_mode) in area.iter_mut().zip(nearest) {
            if *owner == NONE {
                *owner = by_mode;
            }
        }
    }
    area
}

/// The parent's path of a materialized path (`/a/b/c/` → `/a/b/`).
fn parent_path(path: &str) -> &str {
    let trimmed = path.trim_end_matches('/');
    match trimmed.rfind('/') {
        Some(i) => &path[..=i],
        None => path,
    }
}

fn move_up(model: &Model, placed: &[ReadyUnit], station: usize, k: usize) -> serde_json::Value {
    // Donors: the district's available units (a move-up stays within the bureau).
    let district = parent_path(&model.stations[station].path);
    let mut donors: Vec<&ReadyUnit> = placed
        .iter()
        .filter(|p| p.unit.org_path.starts_with(district))
        .collect();
    if donors.is_empty() {
        donors = placed.iter().collect();
    }
    let units: Vec<Position> = donors.iter().map(|p| p.pos).collect();
    let candidates: Vec<Position> = model
        .candidates
        .iter()
        .filter(|(_, a)| *a == station as u32)
        .map(|(p, _)| *p)
        .collect();
    let k = k.min(units.len());
    let m = model.roads.with_router(|r, ws| {
        model.index.suggest_moves(
            r,
            ws,
            &MoveUpRequest {
                units: &units,
                idle: None,
                candidates: &candidates,
                k,
                limit_ms: ALERT_LIMIT_S * 1000,
            },
        )
    });
    let moves: Vec<serde_json::Value> = m
        .units
        .iter()
        .zip(&m.sites)
        .zip(&m.gains)
        .filter_map(|((&u, &s), &gain)| {
            let d = donors.get(u)?;
            let to = candidates.get(s)?;
            Some(serde_json::json!({
                "unit_id": d.unit.unit.id, "call_sign": d.unit.unit.call_sign,
                "from": { "lat": d.pos.point.0, "lon": d.pos.point.1 },
                "to": { "lat": to.point.0, "lon": to.point.1 },
                "gain_cells": gain,
            }))
        })
        .collect();
    serde_json::json!({
        "limit_secs": ALERT_LIMIT_S,
        "moves": moves,
        "cells_total": m.cells_total,
        "cells_before": m.cells_before,
        "cells_after": m.cells_after,
    })
}

impl Command<'_> {
    pub fn set_coverage_policy(&self, p: CoveragePolicy) {
        *lock(&self.state().coverage.policy) = p;
    }

    pub fn coverage_policy(&self) -> CoveragePolicy {
        lock(&self.state().coverage.policy).clone()
    }

    /// Station sites or areas changed: the station areas are rebuilt by the next
    /// recomputation, and until then no figures from the old areas are answered.
    pub(crate) fn station_areas_changed(&self) {
        *lock(&self.state().coverage.model) = None;
        *lock(&self.state().coverage.latest) = None;
        *lock(&self.state().coverage.live) = None;
    }

    /// Starts the background task that recomputes coverage when units change (coalescing
    /// changes within the debounce window) and at the refresh interval.
    pub fn spawn_coverage_task(&self) -> tokio::task::JoinHandle<()> {
        let app = self.app.clone();
        let mut rx = self.app.subscribe();
        tokio::spawn(async move {
            let app = app.command();
            loop {
                if let Err(e) = app.recompute_coverage().await {
                    tracing::warn!(error = %e, "coverage recomputation failed");
                }
                let policy = app.coverage_policy();
                loop {
                    match tokio::time::timeout(policy.refresh, rx.recv()).await {
                        Ok(Ok(LiveEvent::Unit { .. } | LiveEvent::Incident { .. }))
                        | Ok(Err(RecvError::Lagged(_)))
                        | Err(_) => break,
                        Ok(Ok(_)) => continue,
                        Ok(Err(RecvError::Closed)) => return,
                    }
                }
                tokio::time::sleep(policy.debounce).await;
                loop {
                    match rx.try_recv() {
                        Ok(_) | Err(TryRecvError::Lagged(_)) => continue,
                        Err(TryRecvError::Closed) => return,
                        Err(TryRecvError::Empty) => break,
                    }
                }
            }
        })
    }

    /// Recomputes coverage from the available units with fresh fixes and raises or resolves
    /// station alerts. Does nothing without a road network.
    pub async fn recompute_coverage(&self) -> Result<()> {
        let state = &self.state().coverage;
        let _one = state.running.lock().await;
        let Some(roads) = self.roads() else {
            return Ok(());
        };
        let mut conn = self.k().read().await?;
        let Some(root) = orgs::root(&mut conn).await? else {
            return Ok(());
        };
        let cached = lock(&state.model)
            .clone()
            .filter(|m| Arc::ptr_eq(&m.roads, &roads));
        let model = match cached {
            Some(m) => m,
            None => {
                let tree = orgs::subtree(&mut conn, &root.path).await?;
                let stations: Vec<_> = q::sites_under(&mut conn, &root.path)
                    .await?
                    .into_iter()
                    .filter(|(_, kind, _)| *kind == OrgKind::Station)
                    .filter(|(s, _, _)| tree.iter().any(|o| s.org_id == o.id.as_str()))
                    .map(|(s, _, path)| {
                        let boundary = s.area_geojson.as_deref().and_then(Area::from_stored);
                        (
                            StationArea {
                                org_id: s.org_id.into_string(),
                                path,
                            },
                            (s.lat, s.lon),
                            boundary,
                        )
                    })
                    .collect();
                let r = roads.clone();
                let started = std::time::Instant::now();
                let m = Arc::new(
                    tokio::task::spawn_blocking(move || build_model(r, stations))
                        .await
                        .map_err(|e| AppError::Internal(format!("coverage model: {e}")))?,
                );
                tracing::info!(
                    stations = m.stations.len(),
                    cells = m.index.cells().len(),
                    ms = started.elapsed().as_millis() as u64,
                    "coverage station areas built"
                );
                *lock(&state.model) = Some(m.clone());
                m
            }
        };
        let units = q::units_under(&mut conn, &root.path).await?;
        let open = lock(&state.alerting).is_none();
        if open {
            let rows = lq::alerts_under(&mut conn, &root.path, true, 100_000).await?;
            *lock(&state.alerting) = Some(
                rows.into_iter()
                    .map(|(a, _)| a.org_id.into_string())
                    .collect(),
            );
        }
        drop(conn);
        let now = self.now_us();
        let placed = self.ready_units(&model.roads, units);
        let policy = self.coverage_policy();
        let alerting = lock(&state.alerting).clone().unwrap_or_default();
        let m = model.clone();
        let live = state.live.clone();
        let (snapshot, raise, resolve) = tokio::task::spawn_blocking(move || {
            let started = std::time::Instant::now();
            // Each unit counts at its own travel mode (a foot patrol walks).
            let limits: Vec<u32> = COVERAGE_LIMITS_S.iter().map(|s| s * 1000).collect();
            let report = live_report(&mut lock(&live), &m, &placed, &limits);
            tracing::debug!(
                units = placed.len(),
                ms = started.elapsed().as_millis() as u64,
                "coverage recomputed"
            );
            let li = COVERAGE_LIMITS_S
                .iter()
                .position(|&s| s == ALERT_LIMIT_S)
                .unwrap_or(0);
            let mut raise = Vec::new();
            let mut resolve = Vec::new();
            for (ai, a) in report.areas.iter().enumerate() {
                let Some(l) = a.limits.get(li) else { continue };
                if l.road_m_total <= 0.0 {
                    continue;
                }
                let short = l.road_share() < policy.target;
                let open = alerting.contains(&m.stations[ai].org_id);
                if short && !open {
                    let suggestion = move_up(&m, &placed, ai, policy.move_up_units);
                    raise.push((ai, *l, suggestion));
                } else if !short && open {
                    resolve.push(ai);
                }
            }
            let snapshot = Snapshot {
                at_us: now,
                units_counted: placed.len(),
                report,
                model: m,
            };
            (snapshot, raise, resolve)
        })
        .await
        .map_err(|e| AppError::Internal(format!("coverage: {e}")))?;
        *lock(&state.latest) = Some(Arc::new(snapshot));
        if raise.is_empty() && resolve.is_empty() {
            return Ok(());
        }
        let system = self.app.foundation().system_principal().await?;
        let ctx = RequestCtx::cli();
        for (ai, l, suggestion) in raise {
            let st = &model.stations[ai];
            let alert = CoverageAlert {
                id: AlertId::new(),
                org_id: st.org_id.as_str().into(),
                limit_secs: i64::from(ALERT_LIMIT_S),
                road_share: l.road_share(),
                cell_share: l.cell_share(),
                target: policy.target,
                suggestion: jingwu_audit::canonical_json(&suggestion),
                raised_at: now,
                resolved_at: None,
            };
            self.k()
                .write(&system, &ctx, async |tx| {
                    lq::insert_alert(tx.db(), &alert).await?;
                    let detail = serde_json::json!({
                        "alert_id": alert.id, "road_share": alert.road_share, "target": alert.target,
                        "moves": suggestion["moves"].as_array().map_or(0, Vec::len),
                    });
                    tx.audit("coverage.alert", ("org_unit", &st.org_id), &st.path, detail)
                        .await?;
                    tx.publish(LiveEvent::CoverageAlert {
                        alert_id: alert.id.to_string(),
                        org_id: st.org_id.clone(),
                        org_path: st.path.clone(),
                    });
                    Ok(())
                })
                .await?;
            if let Some(set) = lock(&state.alerting).as_mut() {
                set.insert(st.org_id.clone());
            }
        }
        for ai in resolve {
            let st = &model.stations[ai];
            self.k()
                .write(&system, &ctx, async |tx| {
                    let n = lq::resolve_alerts(tx.db(), &st.org_id, now).await?;
                    let detail = serde_json::json!({ "alerts": n });
                    tx.audit(
                        "coverage.alert_resolved",
                        ("org_unit", &st.org_id),
                        &st.path,
                        detail,
                    )
                    .await
                })
                .await?;
            if let Some(set) = lock(&state.alerting).as_mut() {
                set.remove(&st.org_id);
            }
        }
        Ok(())
    }

    /// The org unit whose area the caller asks about (default: the caller's own).
    async fn coverage_org(&self, who: &Principal, org_id: Option<&str>) -> Result<OrgUnit> {
        authorize(who, Action::ReadCommand, Scope::Org(&who.org_path))
            .map_err(AppError::denied_scope)?;
        let id = org_id.unwrap_or(&who.org_id);
        let mut conn = self.k().read().await?;
        let org = orgs::get(&mut conn, id)
            .await?
            .ok_or(AppError::NotFound { what: "org unit" })?;
        authorize(who, Action::ReadCommand, Scope::Org(&org.path))
            .map_err(AppError::denied_scope)?;
        Ok(org)
    }

    async fn coverage_snapshot(&self) -> Result<Arc<Snapshot>> {
        let latest = lock(&self.state().coverage.latest).clone();
        if let Some(s) = latest {
            return Ok(s);
        }
        self.recompute_coverage().await?;
        lock(&self.state().coverage.latest)
            .clone()
            .ok_or_else(|| AppError::Precondition("no road network is loaded".into()))
    }

    /// Coverage figures of an org unit's area and of each of its children.
    pub async fn coverage(&self, who: &Principal, org_id: Option<&str>) -> Result<CoverageView> {
        let org = self.coverage_org(who, org_id).await?;
        let snap = self.coverage_snapshot().await?;
        let mut conn = self.k().read().await?;
        let tree = orgs::subtree(&mut conn, &org.path).await?;
        drop(conn);
        let area = |o: &OrgUnit| AreaFigures {
            org_id: o.id.clone(),
            code: o.code.clone(),
            kind: o.kind.as_str().to_string(),
            name_zh: o.name_zh.clone(),
            name_en: o.name_en.clone(),
            limits: figures(&snap.sum_under(&o.path)),
        };
        let children = tree
            .iter()
            .filter(|o| o.parent_id.as_deref() == Some(org.id.as_str()))
            .map(area)
            .collect();
        Ok(CoverageView {
            computed_at_us: snap.at_us,
            units_counted: snap.units_counted,
            area: area(&org),
            children,
        })
    }

    /// Covered and uncovered H3 cells of an org unit's area within `seconds`, as a GeoJSON
    /// FeatureCollection of two dissolved multipolygons.
    pub async fn coverage_geojson(
        &self,
        who: &Principal,
        org_id: Option<&str>,
        seconds: u32,
    ) -> Result<serde_json::Value> {
        let org = self.coverage_org(who, org_id).await?;
        let max = COVERAGE_LIMITS_S.iter().copied().max().unwrap_or(300);
        if seconds == 0 || seconds > max {
            return Err(AppError::invalid(
                "seconds",
                jingwu_command::error_codes::field::COVERAGE_SECONDS.code,
                format!("seconds must be between 1 and {max}"),
            ));
        }
        let snap = self.coverage_snapshot().await?;
        let inside: Vec<bool> = snap
            .model
            .stations
            .iter()
            .map(|s| s.path.starts_with(&org.path))
            .collect();
        let (mut covered, mut uncovered) = (Vec::new(), Vec::new());
        let cells = snap.model.index.cells();
        let areas = snap.model.index.cell_areas();
        for ((c, &a), &t) in cells.iter().zip(areas).zip(&snap.report.cell_time) {
            if !inside.get(a as usize).copied().unwrap_or(false) {
                continue;
            }
            if t <= seconds * 1000 {
                covered.push(*c);
            } else {
                uncovered.push(*c);
            }
        }
        let (nc, nu) = (covered.len(), uncovered.len());
        let (gc, gu) = tokio::task::spawn_blocking(move || {
            Ok::<_, jingwu_routing::GraphError>((
                cells_geojson(&covered)?,
                cells_geojson(&uncovered)?,
            ))
        })
        .await
        .map_err(|e| AppError::Internal(format!("coverage polygons: {e}")))?
        .map_err(|e| AppError::Internal(format!("coverage polygons: {e}")))?;
        let res = u8::from(snap.model.index.resolution);
        let feature = |kind: &str, n: usize, g: serde_json::Value| {
            serde_json::json!({
                "type": "Feature",
                "properties": { "kind": kind, "seconds": seconds, "cells": n, "h3_resolution": res, "org_id": org.id },
                "geometry": g,
            })
        };
        Ok(serde_json::json!({
            "type": "FeatureCollection",
            "features": [feature("covered", nc, gc), feature("uncovered", nu, gu)],
        }))
    }

    /// The station areas (辖区) under an org unit — every road cell belongs to the station that
    /// reaches it first by road — as one dissolved MultiPolygon feature per station.
    pub async fn station_areas_geojson(
        &self,
        who: &Principal,
        org_id: Option<&str>,
    ) -> Result<serde_json::Value> {
        let org = self.coverage_org(who, org_id).await?;
        let snap = self.coverage_snapshot().await?;
        let mut conn = self.k().read().await?;
        let names = orgs::subtree(&mut conn, &org.path).await?;
        drop(conn);
        let mut per_station: Vec<(usize, Vec<jingwu_routing::CellIndex>)> = snap
            .model
            .stations
            .iter()
            .enumerate()
            .filter(|(_, s)| s.path.starts_with(&org.path))
            .map(|(i, _)| (i, Vec::new()))
            .collect();
        let cells = snap.model.index.cells();
        for (c, &a) in cells.iter().zip(snap.model.index.cell_areas()) {
            if let Some((_, v)) = per_station.iter_mut().find(|(i, _)| *i == a as usize) {
                v.push(*c);
            }
        }
        let model = snap.model.clone();
        let features = tokio::task::spawn_blocking(move || {
            per_station
                .into_iter()
                .map(|(i, cells)| {
                    let st = &model.stations[i];
                    let org = names.iter().find(|o| o.id == st.org_id);
                    Ok(serde_json::json!({
                        "type": "Feature",
                        "properties": {
                            "org_id": st.org_id,
                            "code": org.map(|o| o.code.as_str()),
                            "name_zh": org.map(|o| o.name_zh.as_str()),
                            "name_en": org.map(|o| o.name_en.as_str()),
                            "cells": cells.len(),
                        },
                        "geometry": cells_geojson(&cells)?,
                    }))
                })
                .collect::<std::result::Result<Vec<_>, jingwu_routing::GraphError>>()
        })
        .await
        .map_err(|e| AppError::Internal(format!("station areas: {e}")))?
        .map_err(|e| AppError::Internal(format!("station areas: {e}")))?;
        Ok(serde_json::json!({ "type": "FeatureCollection", "features": features }))
    }

    /// Coverage alerts of the org unit's subtree, newest first.
    pub async fn coverage_alerts(
        &self,
        who: &Principal,
        org_id: Option<&str>,
        open_only: bool,
    ) -> Result<Vec<CoverageAlertView>> {
        let org = self.coverage_org(who, org_id).await?;
        let mut conn = self.k().read().await?;
        let rows = lq::alerts_under(&mut conn, &org.path, open_only, 500).await?;
        Ok(rows
            .into_iter()
            .map(|(alert, org_path)| CoverageAlertView {
                suggestion: serde_json::from_str(&alert.suggestion)
                    .unwrap_or(serde_json::Value::Null),
                alert,
                org_path,
            })
            .collect())
    }
}
