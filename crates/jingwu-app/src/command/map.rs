//! What the browser map needs besides the 110 records: the live-event scope of a caller, the
//! road lines of a viewport (the base map is drawn from our own graph, no tile server) and a
//! route between two points.

use jingwu_core::{Action, Principal, Scope, authorize};

use super::Command;
use crate::{AppError, LiveEvent, Result};
use jingwu_command::policy::{self, Listener};

/// Most road lines one viewport request returns.
pub const MAX_ROAD_LINES: usize = 5000;

/// Which live events a subscriber may see: incidents and units under its org path, terminal
/// messages only of the units it operates. Fixed when the stream opens.
#[derive(Debug, Clone)]
pub struct LiveScope {
    who: Principal,
}

impl LiveScope {
    /// Whether this subscriber hears of `e` (one policy decision per event).
    #[must_use]
    pub fn allows(&self, e: &LiveEvent) -> bool {
        // The approval window's and law enforcement's events are their own pages', not the map's.
        !matches!(e, LiveEvent::Permits { .. } | LiveEvent::Cases { .. })
            && policy::may_receive(&self.who, Listener::Browser, &e.scope())
    }
}

/// One road segment as a line, with its speed (km/h, the faster direction).
#[derive(Debug, Clone, PartialEq)]
pub struct RoadLine {
    pub coords: Vec<(f64, f64)>,
    pub kmh: f64,
}

/// A driving route: `(lat, lon)` points and the travel time under live weights.
#[derive(Debug, Clone, PartialEq)]
pub struct RouteLine {
    pub coords: Vec<(f64, f64)>,
    pub seconds: f64,
    pub meters: f64,
}

/// The slowest road drawn at a zoom level: everything from 15 up, only fast roads below.
fn min_kmh(zoom: u8) -> f64 {
    match zoom {
        0..=12 => 60.0,
        13 => 45.0,
        14 => 35.0,
        _ => 0.0,
    }
}

fn check_lat_lon(field: &str, lat: f64, lon: f64) -> Result<()> {
    if (-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon) {
        Ok(())
    } else {
        Err(AppError::invalid(
            field,
            jingwu_command::error_codes::field::OUT_OF_RANGE.code,
            "latitude or longitude out of range",
        ))
    }
}

impl Command<'_> {
    /// Opens a live-event subscription for a caller who may read 110 command data.
    pub async fn live_scope(&self, who: &Principal) -> Result<LiveScope> {
        authorize(who, Action::ReadCommand, Scope::Org(&who.org_path))
            .map_err(AppError::denied_scope)?;
        Ok(LiveScope { who: who.clone() })
    }

    /// Road lines intersecting a box, for drawing the base map. Below zoom 15 only fast roads;
    /// at most [`MAX_ROAD_LINES`] (the fastest first when more match).
    pub fn road_lines(
        &self,
        who: &Principal,
        bbox: (f64, f64, f64, f64),
        zoom: u8,
    ) -> Result<Vec<RoadLine>> {
        authorize(who, Action::ReadLayers, Scope::Org(&who.org_path))
            .map_err(AppError::denied_scope)?;
        let (min_lon, min_lat, max_lon, max_lat) = bbox;
        check_lat_lon("bbox", min_lat, min_lon)?;
        check_lat_lon("bbox", max_lat, max_lon)?;
        if min_lat > max_lat || min_lon > max_lon {
            return Err(AppError::invalid(
                "bbox",
                jingwu_command::error_codes::field::INVALID.code,
                "bbox must be minLon,minLat,maxLon,maxLat",
            ));
        }
        let Some(roads) = self.roads() else {
            return Ok(Vec::new());
        };
        let g = roads.graph();
        let floor = min_kmh(zoom);
        let speed = |e: u32| {
            let ms = g.base_time_ms(e);
            if ms == 0 {
                0.0
            } else {
                g.length_m(e) / f64::from(ms) * 3600.0
            }
        };
        let index = roads.snap_index();
        let segs = index.segments();
        let mut lines: Vec<(f64, u32)> = index
            .segments_in_box(min_lat, min_lon, max_lat, max_lon)
            .into_iter()
            .filter_map(|id| {
                let s = segs.get(id as usize)?;
                let e = s.edge();
                let mut kmh = speed(e);
                if s.ab != jingwu_routing::NONE && s.ba != jingwu_routing::NONE {
                    kmh = kmh.max(speed(s.ba));
                }
                (kmh >= floor).then_some((kmh, e))
            })
            .collect();
        if lines.len() > MAX_ROAD_LINES {
            lines.sort_by(|a, b| b.0.total_cmp(&a.0));
            lines.truncate(MAX_ROAD_LINES);
        }
        Ok(lines
            .into_iter()
            .map(|(kmh, e)| RoadLine {
                coords: g.edge_geometry(e),
                kmh,
            })
            .collect())
    }

    /// The fastest driving route between two coordinates under live weights.
    pub fn route(&self, who: &Principal, from: (f64, f64), to: (f64, f64)) -> Result<RouteLine> {
        self.route_mode(who, from, to, None)
    }

    /// The fastest route between two coordinates under live weights for a travel mode
    /// (`car`, `motorbike`, `foot`; driving when absent), each end snapped onto a road the
    /// mode may use.
    pub fn route_mode(
        &self,
        who: &Principal,
        from: (f64, f64),
        to: (f64, f64),
        mode: Option<&str>,
    ) -> Result<RouteLine> {
        authorize(who, Action::ReadCommand, Scope::Org(&who.org_path))
            .map_err(AppError::denied_scope)?;
        check_lat_lon("from", from.0, from.1)?;
        check_lat_lon("to", to.0, to.1)?;
        let mode = match mode {
            None => jingwu_routing::TravelMode::Car,
            Some(m) => jingwu_routing::TravelMode::parse(m).ok_or_else(|| {
                AppError::invalid(
                    "mode",
                    jingwu_command::error_codes::field::INVALID.code,
                    "mode must be car, motorbike or foot",
                )
            })?,
        };
        let roads = self
            .roads()
            .ok_or_else(|| AppError::Precondition("no road network is loaded".into()))?;
        let a = roads.snap_for(mode, from.0, from.1).map_err(|e| {
            AppError::invalid(
                "from",
                jingwu_command::error_codes::field::NO_ROAD_NEARBY.code,
                e.to_string(),
            )
        })?;
        let b = roads.snap_for(mode, to.0, to.1).map_err(|e| {
            AppError::invalid(
                "to",
                jingwu_command::error_codes::field::NO_ROAD_NEARBY.code,
                e.to_string(),
            )
        })?;
        let r = roads
            .with_mode_router(mode, |r, ws| r.route(ws, &a, &b))
            .ok_or(AppError::NotFound { what: "route" })?;
        Ok(RouteLine {
            seconds: r.seconds(),
            meters: r.meters,
            coords: r.coords,
        })
    }
}
