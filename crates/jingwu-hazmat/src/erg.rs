//! ERG green-page geometry (`docs/domain/hazmat.md` §9, after the ERG2016 text and the Argonne
//! ERG methodology report): the **initial isolation zone** is a circle of the isolate distance
//! around the spill; the **protective action zone** is a square whose side is the table's
//! day or night distance, lying downwind with the spill at the middle of its upwind edge.
//!
//! The distances themselves come from the official table (ingested by the registry side, never
//! hard-coded here); [`ErgDistances`] carries one row's cells.

use serde::{Deserialize, Serialize};

use crate::zone::{LatLon, from_local};

jingwu_core::text_enum! {
    /// ERG spill size: small ≤ 208 L (55 US gal), large > 208 L.
    pub enum SpillSize: "spill size" {
        Small = "small" ("小量泄漏", "Small spill"),
        Large = "large" ("大量泄漏", "Large spill"),
    }
}

/// One size column of an ERG Table 1 row.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ErgDistances {
    /// First isolate in all directions (m).
    pub isolate_m: f64,
    /// Protect persons downwind during the day (km).
    pub protect_day_km: f64,
    /// … during the night (km).
    pub protect_night_km: f64,
}

impl ErgDistances {
    /// The protective-action side in metres, day (sunrise to sunset) or night.
    pub fn protect_m(&self, night: bool) -> f64 {
        1000.0
            * if night {
                self.protect_night_km
            } else {
                self.protect_day_km
            }
    }
}

/// A circle on the ground.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Circle {
    pub center: LatLon,
    pub radius_m: f64,
}

/// The initial isolation zone: a circle of `isolate_m` around the spill.
pub fn isolation_circle(center: LatLon, isolate_m: f64) -> Circle {
    Circle {
        center,
        radius_m: isolate_m,
    }
}

/// The protective action square as a closed 5-point ring (first == last): side `side_m`,
/// downwind of `spill` (wind blowing **from** `wind_from_deg`), the spill at the middle of the
/// upwind edge. With φ = wind_from + 180° (toward), d = (sin φ, cos φ) the downwind and
/// c = (cos φ, −sin φ) the crosswind unit vector (east, north), the corners are spill − c·s/2,
/// spill − c·s/2 + d·s, spill + c·s/2 + d·s, spill + c·s/2 (the order of the CAP example,
/// hazmat.md §10), converted with [`from_local`].
pub fn protective_square(spill: LatLon, wind_from_deg: f64, side_m: f64) -> Vec<LatLon> {
    let phi = (wind_from_deg + 180.0).to_radians();
    let (de, dn) = (phi.sin(), phi.cos());
    let (ce, cn) = (phi.cos(), -phi.sin());
    let h = side_m / 2.0;
    let corners = [
        (-ce * h, -cn * h),
        (-ce * h + de * side_m, -cn * h + dn * side_m),
        (ce * h + de * side_m, cn * h + dn * side_m),
        (ce * h, cn * h),
    ];
    let mut ring: Vec<LatLon> = corners
        .iter()
        .map(|&(e, n)| from_local(spill, e, n))
        .collect();
    ring.push(ring[0]);
    ring
}

/// The circle as a closed ring of `n` distinct points (at least 3; first == last appended),
/// starting due north and going clockwise.
pub fn circle_ring(c: &Circle, n: usize) -> Vec<LatLon> {
    let n = n.max(3);
    let mut ring: Vec<LatLon> = (0..n)
        .map(|i| {
            let th = std::f64::consts::TAU * i as f64 / n as f64;
            from_local(c.center, c.radius_m * th.sin(), c.radius_m * th.cos())
        })
        .collect();
    ring.push(ring[0]);
    ring
}
