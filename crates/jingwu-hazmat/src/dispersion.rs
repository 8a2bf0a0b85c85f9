//! Gaussian plume (continuous release) and puff (instantaneous release), both with total
//! reflection at the ground (`docs/domain/hazmat.md` §2).
//!
//! Units: Q in g/s, M in g, u in m/s, lengths in m, C in g/m³. x is the downwind distance, y
//! the crosswind offset, z the receptor height, H the effective release height. u is the wind
//! at release height ([`crate::wind::wind_at_height`]).
//!
//! Degenerate inputs (u ≤ 0, a σ ≤ 0, NaN) give 0 rather than an infinity: the model is
//! undefined there, and callers validate their inputs ([`crate::zone::threat_zones`] floors the
//! wind at 1 m/s).

use crate::sigma::{self, PuffSigmas, SigmaSet, Sigmas, Stability};

/// The vertical term with its ground image: `exp(−(z−H)²/2σz²) + exp(−(z+H)²/2σz²)`.
fn vertical(h_m: f64, z_m: f64, sz: f64) -> f64 {
    let two_sz2 = 2.0 * sz * sz;
    (-(z_m - h_m).powi(2) / two_sz2).exp() + (-(z_m + h_m).powi(2) / two_sz2).exp()
}

/// Steady-state Gaussian plume with ground reflection, Turner (1970) Eq. 3.1 (also CCPS 1999):
///
/// `C = Q / (2π u σy σz) · exp(−y²/2σy²) · [exp(−(z−H)²/2σz²) + exp(−(z+H)²/2σz²)]`
///
/// with σy, σz already evaluated at the receptor's downwind distance. The caller handles
/// x ≤ 0 (no concentration upwind); [`plume_at`] does it all.
pub fn plume(q_g_s: f64, u_ms: f64, h_m: f64, s: Sigmas, y_m: f64, z_m: f64) -> f64 {
    if !(u_ms > 0.0 && s.y_m > 0.0 && s.z_m > 0.0) {
        return 0.0;
    }
    let lateral = (-(y_m * y_m) / (2.0 * s.y_m * s.y_m)).exp();
    let c = q_g_s / (2.0 * std::f64::consts::PI * u_ms * s.y_m * s.z_m)
        * lateral
        * vertical(h_m, z_m, s.z_m);
    if c.is_finite() { c } else { 0.0 }
}

/// [`plume`] at downwind distance `x_m` with σ from `set` for `class` ([`sigma::sigmas`], x
/// clamped to 100 m – 10 km for σ); 0 for x ≤ 0.
#[allow(clippy::too_many_arguments)]
pub fn plume_at(
    set: SigmaSet,
    class: Stability,
    q_g_s: f64,
    u_ms: f64,
    h_m: f64,
    x_m: f64,
    y_m: f64,
    z_m: f64,
) -> f64 {
    if x_m.is_nan() || x_m <= 0.0 {
        return 0.0;
    }
    plume(q_g_s, u_ms, h_m, sigma::sigmas(set, class, x_m), y_m, z_m)
}

/// Gaussian puff with ground reflection (Turner 1970 ch. 3; CCPS 1999):
///
/// `C = M / ((2π)^{3/2} σx σy σz) · exp(−(x − u t)²/2σx²) · exp(−y²/2σy²) · [vertical terms]`
///
/// with σ evaluated at the puff centre's travel distance u·t (the caller passes them; see
/// [`puff_at`]). 0 for t < 0.
#[allow(clippy::too_many_arguments)]
pub fn puff(
    m_g: f64,
    u_ms: f64,
    t_s: f64,
    h_m: f64,
    s: PuffSigmas,
    x_m: f64,
    y_m: f64,
    z_m: f64,
) -> f64 {
    if !(t_s >= 0.0 && u_ms >= 0.0 && s.x_m > 0.0 && s.y_m > 0.0 && s.z_m > 0.0) {
        return 0.0;
    }
    let two_pi_3_2 = (2.0 * std::f64::consts::PI).powf(1.5);
    let dx = x_m - u_ms * t_s;
    let c = m_g / (two_pi_3_2 * s.x_m * s.y_m * s.z_m)
        * (-(dx * dx) / (2.0 * s.x_m * s.x_m)).exp()
        * (-(y_m * y_m) / (2.0 * s.y_m * s.y_m)).exp()
        * vertical(h_m, z_m, s.z_m);
    if c.is_finite() { c } else { 0.0 }
}

/// [`puff`] with the CCPS puff σ ([`sigma::puff_sigmas`]) at the centre's travel distance u·t.
#[allow(clippy::too_many_arguments)]
pub fn puff_at(
    class: Stability,
    m_g: f64,
    u_ms: f64,
    t_s: f64,
    h_m: f64,
    x_m: f64,
    y_m: f64,
    z_m: f64,
) -> f64 {
    puff(
        m_g,
        u_ms,
        t_s,
        h_m,
        sigma::puff_sigmas(class, u_ms * t_s),
        x_m,
        y_m,
        z_m,
    )
}

/// The highest concentration a receptor at (x, y, z) sees as the puff passes, taken at
/// t = x/u (the centre overhead) with σ at x: `M / ((2π)^{3/2} σx σy σz) · exp(−y²/2σy²) ·
/// [vertical]`. An approximation (the σ keep growing while the puff passes); it is what the
/// puff threat zone uses. 0 for x ≤ 0.
pub fn puff_peak(class: Stability, m_g: f64, h_m: f64, x_m: f64, y_m: f64, z_m: f64) -> f64 {
    if x_m.is_nan() || x_m <= 0.0 {
        return 0.0;
    }
    let s = sigma::puff_sigmas(class, x_m);
    // The puff formula with x − u t = 0 (u = 1 m/s, t = x: any u gives the same peak).
    puff(m_g, 1.0, x_m, h_m, s, x_m, y_m, z_m)
}
