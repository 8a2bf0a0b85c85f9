//! Threat zones at levels of concern (ALOHA-style, `docs/domain/hazmat.md` §8), the local
//! tangent plane, point-in-polygon and GeoJSON.
//!
//! # Method
//!
//! A threat zone is where the concentration at receptor height exceeds a level of concern
//! (LOC). Up to three LOCs, tier 3 red (worst), 2 orange, 1 yellow (NOAA "Toxic Levels of
//! Concern").
//!
//! * **Continuous release** ([`Release::Continuous`]): the plume's centreline concentration
//!   `C_cl(x) = C(x, 0, z)` (hazmat.md §2.1) and, where `C_cl > L`, the half-width
//!   `y(x) = σy(x) · sqrt(2 ln(C_cl(x) / L))`. The zone length is the largest x with
//!   `C_cl ≥ L`.
//! * **Instantaneous release** ([`Release::Instantaneous`]): the footprint where the
//!   **peak-in-time** concentration exceeds L, taking the peak at t = x/u when the puff centre
//!   passes, with the CCPS puff σ at x ([`crate::dispersion::puff_peak`]); the same half-width
//!   formula with the puff's σy.
//!
//! x is scanned at 128 log-spaced distances from 1 m to 10 km; the ends of the exceedance are
//! refined by bisection; the outline is sampled at 64 log-spaced distances inside it, so a zone
//! polygon has at most 131 vertices. The polygon is built in the local (downwind, crosswind)
//! frame, rotated to east/north and converted to WGS 84 with [`from_local`].
//!
//! # Conventions
//! * Wind at 10 m below [`LOW_WIND_FLOOR_MS`] is raised to it and flagged
//!   ([`ZoneFlag::LowWind`]); the wind at release height follows
//!   [`crate::wind::wind_at_height`].
//! * σ are evaluated with x clamped to 100 m – 10 km ([`crate::sigma::sigmas`]), so inside
//!   100 m the zone is as wide as at 100 m (conservative), and a zone reached at all extends at
//!   least to 100 m. A zone shorter than [`NEAR_FIELD_M`] (200 m) lies mostly where the σ are
//!   clamped and is flagged [`ZoneFlag::NearField`].
//! * A zone still above its LOC at 10 km ends there with `beyond_range` ("> 10 km").
//! * Dense gases are only screened ([`ZoneFlag::DenseGasScreening`]).

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use jingwu_core::geo::EARTH_RADIUS_M;

use crate::dispersion;
use crate::erg::{self, Circle};
use crate::sigma::{self, SigmaSet, Stability};
use crate::wind::{self, Terrain};

/// Wind speeds (10 m) below this are raised to it and flagged (hazmat.md §6).
pub const LOW_WIND_FLOOR_MS: f64 = 1.0;
/// The farthest distance a zone is followed (m); beyond it the zone is "> 10 km".
pub const MAX_RANGE_M: f64 = 10_000.0;
/// Zones shorter than this (m) are flagged [`ZoneFlag::NearField`].
pub const NEAR_FIELD_M: f64 = 200.0;
/// The nearest distance the scan starts at (m).
pub const MIN_SCAN_M: f64 = 1.0;
const SCAN_SAMPLES: usize = 128;
const OUTLINE_SAMPLES: usize = 64;

/// A WGS 84 position in degrees.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct LatLon {
    pub lat: f64,
    pub lon: f64,
}

/// The source term: a continuous rate or an instantaneous mass. JSON:
/// `{"kind":"continuous","q_g_s":…}` or `{"kind":"instantaneous","m_g":…}`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Release {
    Continuous { q_g_s: f64 },
    Instantaneous { m_g: f64 },
}

/// A level of concern: tier 3 red (worst), 2 orange, 1 yellow.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LevelOfConcern {
    pub tier: u8,
    /// E.g. "AEGL-3 60 min 20 ppm" (always with its exposure duration).
    pub label: String,
    pub g_m3: f64,
}

/// Everything a zone computation needs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ZoneInput {
    pub source: LatLon,
    pub release: Release,
    /// Effective release height H (m).
    pub height_m: f64,
    /// Receptor height z (m; breathing height ~1.5).
    pub receptor_height_m: f64,
    /// Direction the wind blows from, degrees clockwise from north, 0 … 360.
    pub wind_from_deg: f64,
    /// Wind speed at 10 m (m/s).
    pub u10_ms: f64,
    pub stability: Stability,
    pub sigma_set: SigmaSet,
    pub terrain: Terrain,
    pub levels: Vec<LevelOfConcern>,
    /// Chlorine, cold ammonia, LPG…: the Gaussian result is then a screening estimate.
    #[serde(default)]
    pub dense_gas: bool,
}

/// A latitude/longitude box.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Bbox {
    pub min_lat: f64,
    pub min_lon: f64,
    pub max_lat: f64,
    pub max_lon: f64,
}

impl Bbox {
    /// Whether `p` lies in the box (edges included).
    pub fn contains(&self, p: LatLon) -> bool {
        p.lat >= self.min_lat
            && p.lat <= self.max_lat
            && p.lon >= self.min_lon
            && p.lon <= self.max_lon
    }
}

/// One zone: where the concentration exceeds one LOC.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ThreatZone {
    pub tier: u8,
    pub label: String,
    pub g_m3: f64,
    /// Downwind extent (m); 10 000 when `beyond_range`; 0 when the LOC is never reached.
    pub length_m: f64,
    pub max_half_width_m: f64,
    /// The LOC is still exceeded at 10 km ("> 10 km").
    pub beyond_range: bool,
    /// Closed ring (first == last); empty if the LOC is never reached.
    pub polygon: Vec<LatLon>,
    /// The polygon's box (`None` when it is empty), for prefiltering.
    pub bbox: Option<Bbox>,
}

jingwu_core::text_enum! {
    /// Conditions of a zone result a reader must see.
    pub enum ZoneFlag: "zone flag" {
        LowWind = "low_wind" ("低风速（按 1 m/s 计算）", "Low wind (computed at 1 m/s)"),
        DenseGasScreening = "dense_gas_screening" ("重气体：仅为筛查结果", "Dense gas: screening only"),
        BeyondRange = "beyond_range" ("超出 10 公里", "Beyond 10 km"),
        NearField = "near_field" ("近场（200 米内）", "Near field (zone within 200 m)"),
        LocNotReached = "loc_not_reached" ("未达到关注浓度", "Level of concern not reached"),
    }
}

/// The zones of one release and the conditions they were computed under.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ZoneResult {
    /// One per level, highest tier first.
    pub zones: Vec<ThreatZone>,
    /// Wind at release height used (m/s).
    pub u_release_ms: f64,
    /// Direction the plume travels toward (degrees, 0 … 360).
    pub toward_deg: f64,
    pub flags: Vec<ZoneFlag>,
    pub sigma_set: SigmaSet,
    pub stability: Stability,
    /// Plain statements of the model's limits for this result.
    pub limits: Vec<String>,
}

/// A bad [`ZoneInput`], naming the field.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ZoneError {
    #[error("{field} must be a finite number")]
    NotFinite { field: String },
    #[error("{field} must not be negative")]
    Negative { field: String },
    #[error("{field} must be greater than zero")]
    NotPositive { field: String },
    #[error("{field} must be within {min} … {max}, got {value}")]
    OutOfRange {
        field: String,
        min: f64,
        max: f64,
        value: f64,
    },
    #[error("levels: at least one level of concern is required")]
    NoLevels,
    #[error("levels[{index}].tier must be 1, 2 or 3, got {tier}")]
    Tier { index: usize, tier: u8 },
}

fn finite(field: &str, v: f64) -> Result<f64, ZoneError> {
    if v.is_finite() {
        Ok(v)
    } else {
        Err(ZoneError::NotFinite {
            field: field.to_owned(),
        })
    }
}

fn non_negative(field: &str, v: f64) -> Result<(), ZoneError> {
    if finite(field, v)? < 0.0 {
        return Err(ZoneError::Negative {
            field: field.to_owned(),
        });
    }
    Ok(())
}

fn in_range(field: &str, v: f64, min: f64, max: f64) -> Result<(), ZoneError> {
    let v = finite(field, v)?;
    if v < min || v > max {
        return Err(ZoneError::OutOfRange {
            field: field.to_owned(),
            min,
            max,
            value: v,
        });
    }
    Ok(())
}

/// Checks every field of `input` except `levels`.
pub(crate) fn validate_release(input: &ZoneInput) -> Result<(), ZoneError> {
    in_range("source.lat", input.source.lat, -90.0, 90.0)?;
    in_range("source.lon", input.source.lon, -180.0, 180.0)?;
    match input.release {
        Release::Continuous { q_g_s } => non_negative("release.q_g_s", q_g_s)?,
        Release::Instantaneous { m_g } => non_negative("release.m_g", m_g)?,
    }
    non_negative("height_m", input.height_m)?;
    non_negative("receptor_height_m", input.receptor_height_m)?;
    in_range("wind_from_deg", input.wind_from_deg, 0.0, 360.0)?;
    non_negative("u10_ms", input.u10_ms)?;
    Ok(())
}

fn validate(input: &ZoneInput) -> Result<(), ZoneError> {
    validate_release(input)?;
    if input.levels.is_empty() {
        return Err(ZoneError::NoLevels);
    }
    for (index, l) in input.levels.iter().enumerate() {
        if !(1..=3).contains(&l.tier) {
            return Err(ZoneError::Tier {
                index,
                tier: l.tier,
            });
        }
        let field = format!("levels[{index}].g_m3");
        if finite(&field, l.g_m3)? <= 0.0 {
            return Err(ZoneError::NotPositive { field });
        }
    }
    Ok(())
}

/// The wind at release height for `input` (m/s) and whether the 10 m wind was raised to the
/// low-wind floor.
pub fn release_wind(input: &ZoneInput) -> (f64, bool) {
    let low = input.u10_ms < LOW_WIND_FLOOR_MS;
    let u10 = input.u10_ms.max(LOW_WIND_FLOOR_MS);
    (
        wind::wind_at_height(u10, input.height_m, input.stability, input.terrain),
        low,
    )
}

/// Downwind x and crosswind y (m) of `p` from `source` for a plume travelling toward
/// `toward_deg` (hazmat.md §1: x = e sin φ + n cos φ, y = e cos φ − n sin φ).
pub fn downwind_crosswind(source: LatLon, toward_deg: f64, p: LatLon) -> (f64, f64) {
    let (e, n) = to_local(source, p);
    let phi = toward_deg.to_radians();
    (e * phi.sin() + n * phi.cos(), e * phi.cos() - n * phi.sin())
}

/// The point at downwind x, crosswind y (m) of `source` (inverse of [`downwind_crosswind`]).
pub fn from_downwind(source: LatLon, toward_deg: f64, x: f64, y: f64) -> LatLon {
    let phi = toward_deg.to_radians();
    from_local(
        source,
        x * phi.sin() + y * phi.cos(),
        x * phi.cos() - y * phi.sin(),
    )
}

/// East and north offsets (m) of `p` from `origin` on an equirectangular local tangent plane:
/// `e = Δλ · cos φ0 · R`, `n = Δφ · R` (R = [`EARTH_RADIUS_M`], Δλ wrapped to ±180°). Within
/// 10 km of the origin and below 60° latitude the distortion stays under about 0.3 % (≈ 30 m
/// at 10 km, mostly from cos φ varying across the zone), far below the model's own uncertainty.
pub fn to_local(origin: LatLon, p: LatLon) -> (f64, f64) {
    let mut dlon = p.lon - origin.lon;
    if dlon > 180.0 {
        dlon -= 360.0;
    } else if dlon < -180.0 {
        dlon += 360.0;
    }
    (
        dlon.to_radians() * origin.lat.to_radians().cos() * EARTH_RADIUS_M,
        (p.lat - origin.lat).to_radians() * EARTH_RADIUS_M,
    )
}

/// The point `east_m`, `north_m` from `origin` (inverse of [`to_local`]).
pub fn from_local(origin: LatLon, east_m: f64, north_m: f64) -> LatLon {
    let lat = origin.lat + (north_m / EARTH_RADIUS_M).to_degrees();
    let mut lon =
        origin.lon + (east_m / (EARTH_RADIUS_M * origin.lat.to_radians().cos())).to_degrees();
    if lon > 180.0 {
        lon -= 360.0;
    } else if lon < -180.0 {
        lon += 360.0;
    }
    LatLon { lat, lon }
}

/// Even-odd (ray casting) point-in-polygon on latitude/longitude, treated as plane
/// coordinates (fine for zones of a few km away from the antimeridian and the poles). The ring
/// may be closed or not; points exactly on an edge may fall either way.
pub fn polygon_contains(ring: &[LatLon], p: LatLon) -> bool {
    let n = ring.len();
    if n < 3 {
        return false;
    }
    let mut inside = false;
    let mut j = n - 1;
    for i in 0..n {
        let (a, b) = (ring[i], ring[j]);
        if (a.lat > p.lat) != (b.lat > p.lat) {
            let t = (p.lat - a.lat) / (b.lat - a.lat);
            if p.lon < a.lon + t * (b.lon - a.lon) {
                inside = !inside;
            }
        }
        j = i;
    }
    inside
}

/// The ring's latitude/longitude box. An empty ring gives an empty box (min = +∞, max = −∞),
/// which contains nothing.
pub fn bbox(ring: &[LatLon]) -> Bbox {
    ring.iter().fold(
        Bbox {
            min_lat: f64::INFINITY,
            min_lon: f64::INFINITY,
            max_lat: f64::NEG_INFINITY,
            max_lon: f64::NEG_INFINITY,
        },
        |b, p| Bbox {
            min_lat: b.min_lat.min(p.lat),
            min_lon: b.min_lon.min(p.lon),
            max_lat: b.max_lat.max(p.lat),
            max_lon: b.max_lon.max(p.lon),
        },
    )
}

/// The highest tier whose zone contains `p` (box prefilter, then [`polygon_contains`]).
pub fn tier_at(result: &ZoneResult, p: LatLon) -> Option<u8> {
    result
        .zones
        .iter()
        .filter(|z| z.bbox.is_some_and(|b| b.contains(p)) && polygon_contains(&z.polygon, p))
        .map(|z| z.tier)
        .max()
}

/// Log-spaced distances from `a` to `b` inclusive.
fn log_space(a: f64, b: f64, n: usize) -> impl Iterator<Item = f64> {
    let ratio = (b / a).ln();
    (0..n).map(move |i| {
        if i + 1 == n {
            b
        } else {
            a * (ratio * i as f64 / (n - 1) as f64).exp()
        }
    })
}

/// Bisection for where the predicate `f` changes between `lo` and `hi` (f(lo) != f(hi));
/// returns the end on the `true` side, to ~1e-14 relative.
fn bisect(f: &dyn Fn(f64) -> bool, mut lo: f64, mut hi: f64) -> f64 {
    let lo_val = f(lo);
    for _ in 0..48 {
        let mid = 0.5 * (lo + hi);
        if f(mid) == lo_val {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    if lo_val { lo } else { hi }
}

struct Model<'a> {
    input: &'a ZoneInput,
    u: f64,
}

impl Model<'_> {
    /// Centreline concentration at receptor height (g/m³).
    fn centreline(&self, x: f64) -> f64 {
        let i = self.input;
        match i.release {
            Release::Continuous { q_g_s } => dispersion::plume_at(
                i.sigma_set,
                i.stability,
                q_g_s,
                self.u,
                i.height_m,
                x,
                0.0,
                i.receptor_height_m,
            ),
            Release::Instantaneous { m_g } => {
                dispersion::puff_peak(i.stability, m_g, i.height_m, x, 0.0, i.receptor_height_m)
            }
        }
    }

    fn sigma_y(&self, x: f64) -> f64 {
        match self.input.release {
            Release::Continuous { .. } => {
                sigma::sigmas(self.input.sigma_set, self.input.stability, x).y_m
            }
            Release::Instantaneous { .. } => sigma::puff_sigmas(self.input.stability, x).y_m,
        }
    }

    /// Half-width (m) at x where the concentration exceeds `l`; 0 where it does not.
    fn half_width(&self, x: f64, l: f64) -> f64 {
        let c = self.centreline(x);
        if c > l {
            self.sigma_y(x) * (2.0 * (c / l).ln()).sqrt()
        } else {
            0.0
        }
    }

    fn zone(&self, level: &LevelOfConcern, toward: f64) -> ThreatZone {
        let l = level.g_m3;
        let empty = ThreatZone {
            tier: level.tier,
            label: level.label.clone(),
            g_m3: l,
            length_m: 0.0,
            max_half_width_m: 0.0,
            beyond_range: false,
            polygon: Vec::new(),
            bbox: None,
        };
        let xs: Vec<f64> = log_space(MIN_SCAN_M, MAX_RANGE_M, SCAN_SAMPLES).collect();
        let above: Vec<bool> = xs.iter().map(|&x| self.centreline(x) >= l).collect();
        let (Some(first), Some(last)) = (
            above.iter().position(|&a| a),
            above.iter().rposition(|&a| a),
        ) else {
            return empty;
        };
        let test = |x: f64| self.centreline(x) >= l;
        let beyond = last + 1 == xs.len();
        let x_end = if beyond {
            MAX_RANGE_M
        } else {
            bisect(&test, xs[last], xs[last + 1])
        };
        let x_start = if first == 0 {
            0.0
        } else {
            bisect(&test, xs[first - 1], xs[first])
        };
        let a = if x_start > 0.0 { x_start } else { MIN_SCAN_M };
        let mut upper: Vec<(f64, f64)> = Vec::with_capacity(OUTLINE_SAMPLES);
        if x_end > a {
            for x in log_space(a, x_end, OUTLINE_SAMPLES) {
                let w = self.half_width(x, l);
                if w > 0.0 {
                    upper.push((x, w));
                }
            }
        }
        let max_half_width_m = xs
            .iter()
            .filter(|&&x| x <= x_end)
            .map(|&x| self.half_width(x, l))
            .chain(upper.iter().map(|&(_, w)| w))
            .fold(0.0, f64::max);
        let mut local = Vec::with_capacity(2 * upper.len() + 3);
        local.push((x_start, 0.0));
        local.extend(upper.iter().copied());
        if !beyond {
            local.push((x_end, 0.0));
        }
        local.extend(upper.iter().rev().map(|&(x, w)| (x, -w)));
        local.push((x_start, 0.0));
        let polygon: Vec<LatLon> = local
            .iter()
            .map(|&(x, y)| from_downwind(self.input.source, toward, x, y))
            .collect();
        ThreatZone {
            length_m: x_end,
            max_half_width_m,
            beyond_range: beyond,
            bbox: Some(bbox(&polygon)),
            polygon,
            ..empty
        }
    }
}

/// The threat zones of `input`, one per level of concern, highest tier first (module
/// documentation for the method and conventions).
pub fn threat_zones(input: &ZoneInput) -> Result<ZoneResult, ZoneError> {
    validate(input)?;
    let (u, low_wind) = release_wind(input);
    let toward_deg = (input.wind_from_deg + 180.0) % 360.0;
    let model = Model { input, u };
    let mut levels: Vec<&LevelOfConcern> = input.levels.iter().collect();
    levels.sort_by_key(|l| std::cmp::Reverse(l.tier));
    let zones: Vec<ThreatZone> = levels.iter().map(|l| model.zone(l, toward_deg)).collect();

    let mut flags = Vec::new();
    let mut limits = vec![
        "Gaussian model for a neutrally buoyant gas over flat, unobstructed terrain; valid \
         roughly 100 m to 10 km from the source."
            .to_owned(),
        "Dispersion coefficients are about 10-minute averages; concentrations are compared with \
         the levels of concern as given, whatever their exposure duration."
            .to_owned(),
        "Within 100 m of the source the dispersion coefficients at 100 m are used.".to_owned(),
    ];
    if matches!(input.release, Release::Instantaneous { .. }) {
        limits.push(
            "Instantaneous release: the zone is where the peak concentration, as the puff centre \
             passes, exceeds the level; puff coefficients after CCPS (1999)."
                .to_owned(),
        );
    }
    if low_wind {
        flags.push(ZoneFlag::LowWind);
        limits.push(format!(
            "Wind {:.1} m/s is below {LOW_WIND_FLOOR_MS} m/s: computed at {LOW_WIND_FLOOR_MS} \
             m/s; the result is unreliable.",
            input.u10_ms
        ));
    }
    if input.dense_gas {
        flags.push(ZoneFlag::DenseGasScreening);
        limits.push(
            "Dense gas: a Gaussian result is a screening estimate only; a dense-gas model is \
             needed."
                .to_owned(),
        );
    }
    if zones.iter().any(|z| z.beyond_range) {
        flags.push(ZoneFlag::BeyondRange);
        limits.push("A zone extends beyond 10 km: reported as \"> 10 km\".".to_owned());
    }
    if zones
        .iter()
        .any(|z| !z.polygon.is_empty() && z.length_m < NEAR_FIELD_M)
    {
        flags.push(ZoneFlag::NearField);
        limits.push(
            "A zone ends within 200 m of the source: mostly inside 100 m, where the model is \
             outside its valid range."
                .to_owned(),
        );
    }
    if zones.iter().any(|z| z.polygon.is_empty()) {
        flags.push(ZoneFlag::LocNotReached);
    }
    Ok(ZoneResult {
        zones,
        u_release_ms: u,
        toward_deg,
        flags,
        sigma_set: input.sigma_set,
        stability: input.stability,
        limits,
    })
}

/// The display colour of a tier: 3 "red", 2 "orange", 1 "yellow".
pub fn tier_color(tier: u8) -> &'static str {
    match tier {
        3 => "red",
        2 => "orange",
        _ => "yellow",
    }
}

fn ring_coords(ring: &[LatLon]) -> Value {
    Value::Array(ring.iter().map(|p| json!([p.lon, p.lat])).collect())
}

/// The zones (and optionally the ERG isolation circle, as a 64-gon, and protective-action
/// ring) as a GeoJSON FeatureCollection, coordinates `[lon, lat]`. Zone features carry
/// `kind: "threat_zone"`, `tier`, `label`, `g_m3`, `color`, `length_m`, `max_half_width_m`,
/// `beyond_range`; empty zones are left out. The collection carries the result's conditions
/// (`sigma_set`, `stability`, `u_release_ms`, `toward_deg`, `flags`, `limits`) as a foreign
/// member `"jingwu"`.
pub fn geojson(
    result: &ZoneResult,
    isolation: Option<&Circle>,
    protective: Option<&[LatLon]>,
) -> Value {
    let mut features: Vec<Value> = result
        .zones
        .iter()
        .filter(|z| !z.polygon.is_empty())
        .map(|z| {
            json!({
                "type": "Feature",
                "geometry": {"type": "Polygon", "coordinates": [ring_coords(&z.polygon)]},
                "properties": {
                    "kind": "threat_zone",
                    "tier": z.tier,
                    "label": z.label,
                    "g_m3": z.g_m3,
                    "color": tier_color(z.tier),
                    "length_m": z.length_m,
                    "max_half_width_m": z.max_half_width_m,
                    "beyond_range": z.beyond_range,
                }
            })
        })
        .collect();
    if let Some(c) = isolation {
        features.push(json!({
            "type": "Feature",
            "geometry": {"type": "Polygon", "coordinates": [ring_coords(&erg::circle_ring(c, 64))]},
            "properties": {"kind": "isolation", "radius_m": c.radius_m, "color": "purple"}
        }));
    }
    if let Some(ring) = protective {
        features.push(json!({
            "type": "Feature",
            "geometry": {"type": "Polygon", "coordinates": [ring_coords(ring)]},
            "properties": {"kind": "protective_action", "color": "blue"}
        }));
    }
    json!({
        "type": "FeatureCollection",
        "features": features,
        "jingwu": {
            "sigma_set": result.sigma_set,
            "stability": result.stability,
            "u_release_ms": result.u_release_ms,
            "toward_deg": result.toward_deg,
            "flags": result.flags,
            "limits": result.limits,
        }
    })
}
