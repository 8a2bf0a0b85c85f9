//! Weather stations and their observations.

pub use jingwu_hazmat::records::{Observation, ObservationSource, Station, StationId};

use sqlx::Row;
use sqlx::any::AnyRow;

use crate::conn::{Conn, sealed::Raw as _};
use crate::decode::{code, id};
use crate::{Result, WriteTx};

pub async fn insert_station(db: &mut WriteTx, s: &Station) -> Result<()> {
    sqlx::query(
        "INSERT INTO weather_stations (id, code, name, org_id, lat, lon, elev_m) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(s.id.as_str())
    .bind(&s.code)
    .bind(&s.name)
    .bind(s.org_id.as_str())
    .bind(s.lat)
    .bind(s.lon)
    .bind(s.elev_m)
    .execute(db.raw())
    .await?;
    Ok(())
}

const STATION: &str = "s.id, s.code, s.name, s.org_id, s.lat, s.lon, s.elev_m, o.path";

fn station(r: &AnyRow) -> Result<(Station, String)> {
    Ok((
        Station {
            id: id(r, 0)?,
            code: r.try_get(1)?,
            name: r.try_get(2)?,
            org_id: id(r, 3)?,
            lat: r.try_get(4)?,
            lon: r.try_get(5)?,
            elev_m: r.try_get(6)?,
        },
        r.try_get(7)?,
    ))
}

/// A station by its network code, with its org unit's path.
pub async fn station_by_code(db: &mut impl Conn, code: &str) -> Result<Option<(Station, String)>> {
    let row = sqlx::query(&format!(
        "SELECT {STATION} FROM weather_stations s JOIN org_units o ON o.id = s.org_id \
         WHERE s.code = $1"
    ))
    .bind(code)
    .fetch_optional(db.raw())
    .await?;
    row.as_ref().map(station).transpose()
}

/// Stores an observation; a second report of the same station and time changes nothing
/// (returns false), so feeds may resend.
pub async fn insert_observation(db: &mut WriteTx, o: &Observation) -> Result<bool> {
    let flags = o.qc_flags.join(",");
    let r = sqlx::query(&format!(
        "INSERT INTO weather_observations (station_id, obs_at, received_at, source, wind_from_deg, \
         wind_speed_ms, gust_ms, temp_c, rh_pct, pressure_hpa, total_cloud_tenths, \
         low_cloud_tenths, ceiling_m, global_solar_wm2, delta_t_c, sigma_theta_deg, qc_flags) \
         VALUES ($1, $2, $3, $4, CAST($5 AS DOUBLE PRECISION), $6, {}, $17) \
         ON CONFLICT (station_id, obs_at) DO NOTHING",
        (7..=16)
            .map(|i| format!("CAST(${i} AS DOUBLE PRECISION)"))
            .collect::<Vec<_>>()
            .join(", ")
    ))
    .bind(o.station_id.as_str())
    .bind(o.obs_at)
    .bind(o.received_at)
    .bind(o.source.as_str())
    .bind(crate::bind::opt_f64(o.wind_from_deg))
    .bind(o.wind_speed_ms)
    .bind(crate::bind::opt_f64(o.gust_ms))
    .bind(crate::bind::opt_f64(o.temp_c))
    .bind(crate::bind::opt_f64(o.rh_pct))
    .bind(crate::bind::opt_f64(o.pressure_hpa))
    .bind(crate::bind::opt_f64(o.total_cloud_tenths))
    .bind(crate::bind::opt_f64(o.low_cloud_tenths))
    .bind(crate::bind::opt_f64(o.ceiling_m))
    .bind(crate::bind::opt_f64(o.global_solar_wm2))
    .bind(crate::bind::opt_f64(o.delta_t_c))
    .bind(crate::bind::opt_f64(o.sigma_theta_deg))
    .bind(flags)
    .execute(db.raw())
    .await?;
    Ok(r.rows_affected() == 1)
}

const OBS: &str = "w.station_id, w.obs_at, w.received_at, w.source, w.wind_from_deg, \
     w.wind_speed_ms, w.gust_ms, w.temp_c, w.rh_pct, w.pressure_hpa, w.total_cloud_tenths, \
     w.low_cloud_tenths, w.ceiling_m, w.global_solar_wm2, w.delta_t_c, w.sigma_theta_deg, w.qc_flags";

fn observation(r: &AnyRow, at: usize) -> Result<Observation> {
    let flags: String = r.try_get(at + 16)?;
    Ok(Observation {
        station_id: id(r, at)?,
        obs_at: r.try_get(at + 1)?,
        received_at: r.try_get(at + 2)?,
        source: code(r, at + 3)?,
        wind_from_deg: r.try_get(at + 4)?,
        wind_speed_ms: r.try_get(at + 5)?,
        gust_ms: r.try_get(at + 6)?,
        temp_c: r.try_get(at + 7)?,
        rh_pct: r.try_get(at + 8)?,
        pressure_hpa: r.try_get(at + 9)?,
        total_cloud_tenths: r.try_get(at + 10)?,
        low_cloud_tenths: r.try_get(at + 11)?,
        ceiling_m: r.try_get(at + 12)?,
        global_solar_wm2: r.try_get(at + 13)?,
        delta_t_c: r.try_get(at + 14)?,
        sigma_theta_deg: r.try_get(at + 15)?,
        qc_flags: flags
            .split(',')
            .filter(|f| !f.is_empty())
            .map(str::to_owned)
            .collect(),
    })
}

/// Every station with its latest observation (if any). Weather is not a jurisdiction's: the
/// wind at a release is the nearest station's, whoever runs it.
pub async fn stations_with_latest(
    db: &mut impl Conn,
) -> Result<Vec<(Station, Option<Observation>)>> {
    let rows = sqlx::query(&format!(
        "SELECT {STATION}, {OBS} FROM weather_stations s JOIN org_units o ON o.id = s.org_id \
         LEFT JOIN weather_observations w ON w.station_id = s.id AND w.obs_at = \
         (SELECT MAX(x.obs_at) FROM weather_observations x WHERE x.station_id = s.id) \
         ORDER BY s.code"
    ))
    .fetch_all(db.raw())
    .await?;
    rows.iter()
        .map(|r| {
            let (s, _) = station(r)?;
            let has_obs = r.try_get::<Option<String>, _>(8)?.is_some();
            Ok((
                s,
                if has_obs {
                    Some(observation(r, 8)?)
                } else {
                    None
                },
            ))
        })
        .collect()
}

/// A station's observations since `since`, newest first (at most `limit`).
pub async fn observations(
    db: &mut impl Conn,
    station_id: &str,
    since: i64,
    limit: i64,
) -> Result<Vec<Observation>> {
    let rows = sqlx::query(&format!(
        "SELECT {OBS} FROM weather_observations w WHERE w.station_id = $1 AND w.obs_at >= $2 \
         ORDER BY w.obs_at DESC LIMIT $3"
    ))
    .bind(station_id)
    .bind(since)
    .bind(limit)
    .fetch_all(db.raw())
    .await?;
    rows.iter().map(|r| observation(r, 0)).collect()
}
