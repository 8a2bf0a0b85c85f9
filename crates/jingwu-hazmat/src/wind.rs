//! Wind speed at the release height: the power law `u(z) = u10 · (z / 10)^p` (EPA ISC3; Irwin
//! 1979), exponents p by class and terrain as in `docs/domain/hazmat.md` §4.
//!
//! Ground-level choice: heights below 10 m are clamped to 10 m, i.e. a ground-level or low
//! release uses the 10 m wind as it is (hazmat.md §4 allows either; the power law would give
//! u → 0 at the ground, which the Gaussian model cannot use).

use crate::sigma::Stability;

jingwu_core::text_enum! {
    /// Surface roughness regime for the wind-profile exponent.
    pub enum Terrain: "terrain" {
        Rural = "rural" ("乡村", "Rural"),
        Urban = "urban" ("城市", "Urban"),
    }
}

/// Reference height of the measured wind (m).
pub const REFERENCE_HEIGHT_M: f64 = 10.0;

/// The power-law exponent p for `class` over `terrain` (hazmat.md §4 table: rural 0.07, 0.07,
/// 0.10, 0.15, 0.35, 0.55; urban 0.15, 0.15, 0.20, 0.25, 0.30, 0.30 for A–F).
pub fn exponent(class: Stability, terrain: Terrain) -> f64 {
    match (terrain, class) {
        (Terrain::Rural, Stability::A | Stability::B) => 0.07,
        (Terrain::Rural, Stability::C) => 0.10,
        (Terrain::Rural, Stability::D) => 0.15,
        (Terrain::Rural, Stability::E) => 0.35,
        (Terrain::Rural, Stability::F) => 0.55,
        (Terrain::Urban, Stability::A | Stability::B) => 0.15,
        (Terrain::Urban, Stability::C) => 0.20,
        (Terrain::Urban, Stability::D) => 0.25,
        (Terrain::Urban, Stability::E | Stability::F) => 0.30,
    }
}

/// Wind speed (m/s) at `height_m` from the 10 m wind `u10_ms`; heights below 10 m are taken as
/// 10 m, so the result is `u10_ms` itself there.
pub fn wind_at_height(u10_ms: f64, height_m: f64, class: Stability, terrain: Terrain) -> f64 {
    let z = height_m.max(REFERENCE_HEIGHT_M);
    u10_ms * (z / REFERENCE_HEIGHT_M).powf(exponent(class, terrain))
}
