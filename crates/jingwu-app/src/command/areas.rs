//! Which station owns a location: the one decision intake (and anything else placing a point
//! in a station's care) asks.
//!
//! 1. A station whose area (辖区, imported from administrative boundaries) contains the point
//!    owns it; where two areas overlap, the first in org path order.
//! 2. A point in no area must still be within the bureau's reach
//!    (`jingwu_command::area::BureauReach`: near the road network, or without one near a
//!    station site); beyond it the location is refused with 422 `outside_bureau`.
//! 3. Otherwise the station nearest by road travel time owns it, or by straight-line distance
//!    without a road network.

use jingwu_command::area::{Area, BureauReach, nearest_m};
use jingwu_command::duplicates::haversine_m;
use jingwu_core::OrgKind;
use jingwu_routing::TravelMode;
use jingwu_store::command::{self as q, Site};
use jingwu_store::foundation::orgs::{self, OrgUnit};

use super::Command;
use super::coverage::AREA_SEARCH_LIMIT_MS;
use crate::{AppError, Result};

impl Command<'_> {
    /// The station that owns `(lat, lon)` (see the module documentation).
    pub(crate) async fn owning_station(&self, lat: f64, lon: f64) -> Result<OrgUnit> {
        let mut conn = self.k().read().await?;
        let root = orgs::root(&mut conn).await?.ok_or(AppError::Precondition(
            "the jurisdiction tree is empty".into(),
        ))?;
        let stations: Vec<Site> = q::sites_under(&mut conn, &root.path)
            .await?
            .into_iter()
            .filter(|(_, kind, _)| *kind == OrgKind::Station)
            .map(|(site, _, _)| site)
            .collect();
        if stations.is_empty() {
            return Err(AppError::Precondition(
                "no station has a site yet: place the stations first".into(),
            ));
        }
        let owner = match by_area(&stations, lat, lon) {
            Some(i) => i,
            None => {
                self.check_reach(&stations, lat, lon)?;
                self.nearest_station(&stations, lat, lon)
            }
        };
        let org = orgs::get(&mut conn, stations[owner].org_id.as_str()).await?;
        org.ok_or(AppError::Internal(
            "station site without its org unit".into(),
        ))
    }

    /// Refuses a location beyond the bureau's reach.
    fn check_reach(&self, stations: &[Site], lat: f64, lon: f64) -> Result<()> {
        let road_m = self.roads().map(|roads| {
            roads
                .snap_index()
                .snap_within(lat, lon, BureauReach::NEAR_ROAD_M)
                .map_or(f64::INFINITY, |p| p.offset_m)
        });
        let sites: Vec<(f64, f64)> = stations.iter().map(|s| (s.lat, s.lon)).collect();
        let reach = BureauReach {
            road_m,
            site_m: nearest_m(lat, lon, &sites),
        };
        if reach.in_reach() {
            return Ok(());
        }
        Err(AppError::Unprocessable {
            code: jingwu_command::error_codes::OUTSIDE_BUREAU.code,
            detail: match road_m {
                Some(_) => format!(
                    "{lat}, {lon} lies in no station area and more than {} m from the bureau's roads",
                    BureauReach::NEAR_ROAD_M
                ),
                None => format!(
                    "{lat}, {lon} lies in no station area and more than {} m from every station",
                    BureauReach::NEAR_SITE_M
                ),
            },
        })
    }

    /// The station nearest by road travel time — by car, or on foot where no car may go (as
    /// the coverage model divides the roads) — or by straight line without a road network.
    fn nearest_station(&self, stations: &[Site], lat: f64, lon: f64) -> usize {
        let by_road = self.roads().and_then(|roads| {
            [TravelMode::Car, TravelMode::Foot]
                .into_iter()
                .find_map(|mode| {
                    let sites: Vec<_> = stations
                        .iter()
                        .map(|s| (mode, roads.snap_for(mode, s.lat, s.lon).ok()))
                        .filter_map(|(m, p)| Some((m, p?)))
                        .collect();
                    if sites.len() != stations.len() {
                        return None;
                    }
                    let first =
                        roads.rank_modes(&sites, (lat, lon), 1, AREA_SEARCH_LIMIT_MS / 1000);
                    first.first().map(|eta| eta.unit)
                })
        });
        by_road.unwrap_or_else(|| {
            let d = |s: &Site| haversine_m(lat, lon, s.lat, s.lon);
            (0..stations.len())
                .min_by(|&a, &b| d(&stations[a]).total_cmp(&d(&stations[b])))
                .unwrap_or(0)
        })
    }
}

/// The first station (in path order) whose area contains the point.
fn by_area(stations: &[Site], lat: f64, lon: f64) -> Option<usize> {
    stations.iter().position(|s| {
        s.area_geojson
            .as_deref()
            .and_then(Area::from_stored)
            .is_some_and(|a| a.contains(lat, lon))
    })
}
