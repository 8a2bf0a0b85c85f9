//! The weather a zone is computed with: the nearest stations' fresh wind, combined, and the
//! stability class estimated from the nearest one's observation.
//!
//! Up to [`MAX_SOURCES`] stations within [`MAX_DISTANCE_M`] whose latest observation is usable
//! (fresh, unflagged, with a direction) are combined by inverse-distance-squared weights
//! (distances floored at 100 m): the direction is that of the weighted mean wind vector, the
//! speed the weighted mean of the speeds (a vector mean of diverging winds would understate
//! it). The stability class comes from the nearest station alone — the one observation whose
//! cloud, radiation and ΔT belong together — at its observation time and place.

use jingwu_core::geo::haversine_m;
use jingwu_hazmat::records::{Observation, Station};
use jingwu_hazmat::stability::{self, StabilityEstimate, WeatherInput};
use serde::Serialize;

/// Most stations combined.
pub const MAX_SOURCES: usize = 3;
/// Farthest station used (m).
pub const MAX_DISTANCE_M: f64 = 50_000.0;
const MIN_DISTANCE_M: f64 = 100.0;

/// One station's part in a [`WeatherPick`].
#[derive(Debug, Clone, Serialize)]
pub struct WindSource {
    pub station_code: String,
    pub station_name: String,
    pub distance_m: f64,
    /// Age of its observation at the time of the pick, seconds.
    pub age_s: i64,
    pub wind_from_deg: f64,
    pub wind_speed_ms: f64,
    /// Share of the combined wind (sums to 1).
    pub weight: f64,
}

/// The wind and stability for a place, and where they came from.
#[derive(Debug, Clone, Serialize)]
pub struct WeatherPick {
    pub wind_from_deg: f64,
    pub wind_speed_ms: f64,
    pub stability: StabilityEstimate,
    /// Nearest first.
    pub sources: Vec<WindSource>,
}

/// Picks the weather at (`lat`, `lon`) from the stations' latest observations, or `None`
/// when no usable observation is near.
pub fn pick(
    lat: f64,
    lon: f64,
    now_us: i64,
    stations: &[(Station, Option<Observation>)],
) -> Option<WeatherPick> {
    let mut near: Vec<(f64, &Station, &Observation)> = stations
        .iter()
        .filter_map(|(s, o)| {
            let o = o.as_ref().filter(|o| o.usable_at(now_us))?;
            let d = haversine_m(lat, lon, s.lat, s.lon);
            (d <= MAX_DISTANCE_M).then_some((d, s, o))
        })
        .collect();
    near.sort_by(|a, b| a.0.total_cmp(&b.0));
    near.truncate(MAX_SOURCES);
    let (_, nearest_station, nearest_obs) = *near.first()?;
    let weights: Vec<f64> = near
        .iter()
        .map(|(d, ..)| 1.0 / d.max(MIN_DISTANCE_M).powi(2))
        .collect();
    let total: f64 = weights.iter().sum();
    let (mut east, mut north, mut speed) = (0.0, 0.0, 0.0);
    let mut sources = Vec::with_capacity(near.len());
    for ((d, s, o), w) in near.iter().zip(&weights) {
        let w = w / total;
        let from = o.wind_from_deg.unwrap_or(0.0);
        // The unit vector the wind blows toward, weighted.
        let toward = (from + 180.0).to_radians();
        east += w * toward.sin();
        north += w * toward.cos();
        speed += w * o.wind_speed_ms;
        sources.push(WindSource {
            station_code: s.code.clone(),
            station_name: s.name.clone(),
            distance_m: d.round(),
            age_s: (now_us - o.obs_at) / 1_000_000,
            wind_from_deg: from,
            wind_speed_ms: o.wind_speed_ms,
            weight: w,
        });
    }
    let toward_deg = east.atan2(north).to_degrees();
    let wind_from_deg = (toward_deg + 180.0).rem_euclid(360.0);
    let stability = station_stability(nearest_station, nearest_obs);
    Some(WeatherPick {
        wind_from_deg,
        wind_speed_ms: speed,
        stability,
        sources,
    })
}

/// The stability estimate for one station's observation (the station list shows it).
pub fn station_stability(s: &Station, o: &Observation) -> StabilityEstimate {
    stability::estimate(&WeatherInput {
        at: jingwu_core::micros_to_timestamp(o.obs_at),
        lat: s.lat,
        lon: s.lon,
        wind_speed_ms: o.wind_speed_ms,
        total_cloud_tenths: o.total_cloud_tenths,
        low_cloud_tenths: o.low_cloud_tenths,
        ceiling_m: o.ceiling_m,
        global_solar_wm2: o.global_solar_wm2,
        delta_t_c: o.delta_t_c,
        sigma_theta_deg: o.sigma_theta_deg,
    })
}

#[cfg(test)]
mod tests {
    use jingwu_hazmat::records::{ObservationSource, StationId};

    use super::*;

    fn station(code: &str, lat: f64, lon: f64) -> Station {
        Station {
            id: StationId::from(code),
            code: code.into(),
            name: code.into(),
            org_id: "o".into(),
            lat,
            lon,
            elev_m: 5.0,
        }
    }

    fn obs(code: &str, at: i64, from: f64, speed: f64, flags: &[&str]) -> Observation {
        Observation {
            station_id: StationId::from(code),
            obs_at: at,
            received_at: at,
            source: ObservationSource::Json,
            wind_from_deg: Some(from),
            wind_speed_ms: speed,
            gust_ms: None,
            temp_c: None,
            rh_pct: None,
            pressure_hpa: None,
            total_cloud_tenths: Some(10.0),
            low_cloud_tenths: Some(10.0),
            ceiling_m: Some(500.0),
            global_solar_wm2: None,
            delta_t_c: None,
            sigma_theta_deg: None,
            qc_flags: flags.iter().map(|f| (*f).to_owned()).collect(),
        }
    }

    #[test]
    fn nearest_fresh_unflagged_stations_are_combined_across_north() {
        let now = 1_800_000_000_000_000;
        let stations = vec![
            (
                station("A", 29.87, 121.55),
                Some(obs("A", now - 60_000_000, 350.0, 3.0, &[])),
            ),
            (
                station("B", 29.87, 121.56),
                Some(obs("B", now - 60_000_000, 10.0, 5.0, &[])),
            ),
            // Nearer but flagged, and nearer but stale: neither counts.
            (
                station("C", 29.8701, 121.5501),
                Some(obs("C", now, 180.0, 9.0, &["suspect"])),
            ),
            (
                station("D", 29.8702, 121.5502),
                Some(obs("D", now - 7_200_000_000, 180.0, 9.0, &[])),
            ),
            (station("E", 29.8703, 121.5503), None),
        ];
        let p = pick(29.87, 121.555, now, &stations).expect("two usable stations");
        assert_eq!(p.sources.len(), 2);
        // Equidistant: equal weights; 350° and 10° average to north, not south.
        assert!(
            p.wind_from_deg < 0.5 || p.wind_from_deg > 359.5,
            "{}",
            p.wind_from_deg
        );
        assert!((p.wind_speed_ms - 4.0).abs() < 1e-9);
        assert!(pick(31.0, 121.0, now, &stations).is_none(), "beyond 50 km");
    }
}
