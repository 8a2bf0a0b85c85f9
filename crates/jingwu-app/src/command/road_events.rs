//! The road engine follows the rush hours (time-of-day speed factors per road class,
//! `jingwu_routing::RushHours`, configured with the network) and the traffic police's road
//! events in force (`traffic/public.rs`, the same events the map-app feed publishes): a
//! closure or traffic control closes its stretch; an accident or road works slows it by the
//! event's speed factor (on top of the rush hour's). An event's line is the stretch of road
//! along it; a line that ends where it starts (a ring of at least 4 points) is an area, and
//! every road inside it is affected (a cordon, a fire ground). Each node looks at the clock
//! and the database every second ([`Command::spawn_road_events_task`]), so recommendation, routes and
//! coverage reflect an event within a second of its start, end or withdrawal, on every node.

use std::sync::Mutex;

use jingwu_command::area::Area;
use jingwu_routing::LocalProjection;
use jingwu_traffic::records::RoadEvent;

use super::Command;
use super::roads::{RoadEffect, RoadNetwork};
use crate::Result;

/// Spacing (metres) of the points along an event's line that are snapped onto the road.
const SAMPLE_M: f64 = 5.0;
/// How far (metres) a road may be from an event's line and still be part of its stretch.
const NEAR_M: f64 = 25.0;
/// How often each node looks at the events in force.
const POLL: std::time::Duration = std::time::Duration::from_secs(1);

/// The events applied last, by id, end and kind, so an unchanged set is not applied again
/// (none at first: the weights start at free flow).
#[derive(Debug, Default)]
pub(crate) struct AppliedEvents(Mutex<Vec<String>>);

/// What an event does to its stretch: what the feed tells map apps.
fn effect(e: &RoadEvent) -> RoadEffect {
    e.slowdown().map_or(RoadEffect::Closed, RoadEffect::Slowed)
}

/// The area an event's line encloses, if it is a ring.
fn ring_area(line: &[(f64, f64)]) -> Option<Area> {
    if line.len() < 4 || line.first() != line.last() {
        return None;
    }
    let ring: Vec<[f64; 2]> = line.iter().map(|&(lat, lon)| [lon, lat]).collect();
    Area::from_geometry(&serde_json::json!({"type": "Polygon", "coordinates": [ring]})).ok()
}

/// The directed edges with both ends inside `area`.
fn edges_inside(roads: &RoadNetwork, area: &Area) -> Vec<u32> {
    let g = roads.graph();
    let inside: Vec<bool> = (0..g.node_count() as u32)
        .map(|v| {
            let (lat, lon) = g.coord(v);
            area.contains(lat, lon)
        })
        .collect();
    (0..g.node_count() as u32)
        .filter(|&v| inside[v as usize])
        .flat_map(|v| g.out_edges(v))
        .filter(|&e| inside[g.head(e) as usize])
        .collect()
}

/// The directed edges of an event's stretch: inside its ring, or the roads under points every
/// [`SAMPLE_M`] along its line (a single point: the road under it), in the line's direction
/// unless both ways.
fn stretch(roads: &RoadNetwork, e: &RoadEvent) -> Vec<u32> {
    if let Some(area) = ring_area(&e.line) {
        return edges_inside(roads, &area);
    }
    let index = roads.snap_index();
    let g = roads.graph();
    let mut edges = Vec::new();
    let mut take = |lat: f64, lon: f64, dir: Option<[f64; 2]>, proj: &LocalProjection| {
        let Ok(p) = index.snap_within(lat, lon, NEAR_M) else {
            return;
        };
        let s = p.segment;
        let forward = dir.is_none_or(|d| {
            let (a, b) = (g.coord(s.a), g.coord(s.b));
            let (pa, pb) = (proj.project(a.0, a.1), proj.project(b.0, b.1));
            (pb[0] - pa[0]) * d[0] + (pb[1] - pa[1]) * d[1] >= 0.0
        });
        if e.both_ways || dir.is_none() {
            edges.extend([s.ab, s.ba]);
        } else {
            edges.push(if forward { s.ab } else { s.ba });
        }
    };
    let Some(&(lat0, lon0)) = e.line.first() else {
        return edges;
    };
    let proj = LocalProjection::new(lat0, lon0);
    if e.line.len() == 1 {
        take(lat0, lon0, None, &proj);
    }
    for pair in e.line.windows(2) {
        let (a, b) = (
            proj.project(pair[0].0, pair[0].1),
            proj.project(pair[1].0, pair[1].1),
        );
        let d = [b[0] - a[0], b[1] - a[1]];
        let len = d[0].hypot(d[1]);
        let steps = (len / SAMPLE_M).ceil().max(1.0) as usize;
        for i in 0..=steps {
            let f = i as f64 / steps as f64;
            let (lat, lon) = proj.unproject([a[0] + d[0] * f, a[1] + d[1] * f]);
            take(lat, lon, Some(d), &proj);
        }
    }
    edges.retain(|&e| e != jingwu_routing::NONE);
    edges.sort_unstable();
    edges.dedup();
    edges
}

impl Command<'_> {
    /// Applies the road events in force now to the live weights of every travel mode, when
    /// they differ from those applied last; then coverage is recomputed. Returns whether
    /// anything changed.
    pub async fn refresh_road_events(&self) -> Result<bool> {
        let Some(roads) = self.roads() else {
            return Ok(false);
        };
        let events = self.app.traffic().live_road_events().await?;
        let by_class = roads.rush_hours().factors_at(self.k().now_us());
        let key: Vec<String> = events
            .iter()
            .map(|e| format!("{}:{:?}:{:?}", e.id, e.ends_at, e.slowdown()))
            // Free flow adds nothing, so a node starts (no events, no rush) with nothing to do.
            .chain((by_class != jingwu_routing::FREE_FLOW).then(|| format!("rush:{by_class:?}")))
            .collect();
        {
            let mut applied = self
                .state()
                .road_events
                .0
                .lock()
                .unwrap_or_else(|e| e.into_inner());
            if *applied == key {
                return Ok(false);
            }
            *applied = key;
        }
        let restrictions: Vec<(Vec<u32>, RoadEffect)> = events
            .iter()
            .map(|e| (stretch(&roads, e), effect(e)))
            .collect();
        roads.restrict(&restrictions, &by_class);
        tracing::info!(
            events = events.len(),
            rush_hour = by_class != jingwu_routing::FREE_FLOW,
            "road events and rush-hour factors applied to the road network"
        );
        self.recompute_coverage().await?;
        Ok(true)
    }

    /// Starts the task that applies road events as they start, end or are withdrawn.
    pub fn spawn_road_events_task(&self) -> tokio::task::JoinHandle<()> {
        let app = self.app.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(POLL);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tick.tick().await;
                if let Err(e) = app.command().refresh_road_events().await {
                    tracing::warn!(error = %e, "applying road events failed");
                }
            }
        })
    }
}
