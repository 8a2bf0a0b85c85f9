//! Re-estimating the release rate from field readings.
//!
//! The model concentration is linear in the source strength: C(p) = Q · c₁(p), with c₁ the
//! concentration of a unit release (Q = 1 g/s, or M = 1 g) under the incident's conditions
//! ([`ZoneInput`]: position, wind, class, σ set, heights). Assuming multiplicative
//! (log-normal) errors, the least-squares estimate in log space is
//!
//! `ln Q = mean( ln C_obs − ln c₁ )`, i.e. Q = exp(mean(ln C_obs − ln c₁)),
//!
//! over the usable readings, and `log_rms = sqrt(mean((ln C_obs − ln(Q c₁))²))` measures the
//! fit (0.7 ≈ a factor of 2).
//!
//! A reading is **rejected** when its observed concentration is not finite and positive, when
//! it lies upwind (x ≤ 0) or when the unit model gives (practically) nothing there
//! (c₁ ≤ 1e-30 g/m³, e.g. far off the plume axis): ln c₁ would be meaningless. For an
//! instantaneous release the unit model is the puff's peak concentration as it passes
//! ([`crate::dispersion::puff_peak`]) and the fitted value is the mass M (g).

use serde::{Deserialize, Serialize};

use crate::dispersion;
use crate::zone::{self, LatLon, Release, ZoneError, ZoneInput};

/// The smallest unit-release concentration (g/m³) a reading may be fitted against.
pub const MIN_UNIT_MODEL_G_M3: f64 = 1e-30;

/// A measured concentration at a point (receptor height as in the [`ZoneInput`]).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct FieldReading {
    pub at: LatLon,
    pub g_m3: f64,
}

/// The fitted source strength.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct FitResult {
    /// Q in g/s for a continuous release; M in g for an instantaneous one.
    pub q_g_s: f64,
    /// The fitted release, of the input's kind.
    pub release: Release,
    pub used: usize,
    pub rejected: usize,
    /// Root-mean-square residual of ln C.
    pub log_rms: f64,
}

/// Why no rate could be fitted.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum FitError {
    #[error(transparent)]
    Input(#[from] ZoneError),
    #[error("readings: none usable ({rejected} rejected: upwind, off the plume or not positive)")]
    NoUsableReadings { rejected: usize },
}

/// Fits Q (or M) to `readings` under `input`'s conditions; `input.release` only gives the kind
/// and `input.levels` is not used (module documentation for the method).
pub fn fit_release_rate(
    input: &ZoneInput,
    readings: &[FieldReading],
) -> Result<FitResult, FitError> {
    zone::validate_release(input)?;
    let (u, _) = zone::release_wind(input);
    let toward = (input.wind_from_deg + 180.0) % 360.0;
    let unit = |p: LatLon| {
        let (x, y) = zone::downwind_crosswind(input.source, toward, p);
        match input.release {
            Release::Continuous { .. } => dispersion::plume_at(
                input.sigma_set,
                input.stability,
                1.0,
                u,
                input.height_m,
                x,
                y,
                input.receptor_height_m,
            ),
            Release::Instantaneous { .. } => dispersion::puff_peak(
                input.stability,
                1.0,
                input.height_m,
                x,
                y,
                input.receptor_height_m,
            ),
        }
    };
    let residuals: Vec<f64> = readings
        .iter()
        .filter(|r| r.g_m3.is_finite() && r.g_m3 > 0.0)
        .filter_map(|r| {
            let c1 = unit(r.at);
            (c1.is_finite() && c1 > MIN_UNIT_MODEL_G_M3).then(|| r.g_m3.ln() - c1.ln())
        })
        .collect();
    let used = residuals.len();
    let rejected = readings.len() - used;
    if used == 0 {
        return Err(FitError::NoUsableReadings { rejected });
    }
    let ln_q = residuals.iter().sum::<f64>() / used as f64;
    let log_rms = (residuals.iter().map(|r| (r - ln_q).powi(2)).sum::<f64>() / used as f64).sqrt();
    let q = ln_q.exp();
    let release = match input.release {
        Release::Continuous { .. } => Release::Continuous { q_g_s: q },
        Release::Instantaneous { .. } => Release::Instantaneous { m_g: q },
    };
    Ok(FitResult {
        q_g_s: q,
        release,
        used,
        rejected,
        log_rms,
    })
}
