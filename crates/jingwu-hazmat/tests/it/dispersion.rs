//! Plume and puff against their formulas, the Turner (1970) workbook example and the wind
//! profile.

use std::f64::consts::PI;

use jingwu_hazmat::dispersion::{plume, plume_at, puff, puff_at, puff_peak};
use jingwu_hazmat::sigma::{PuffSigmas, SigmaSet, Sigmas, Stability, puff_sigmas, sigmas};
use jingwu_hazmat::wind::{Terrain, wind_at_height};

use crate::{TOL, rel};

#[test]
fn turner_workbook_burning_dump() {
    // Turner (1970) workbook, chapter 3 example (as recalled): a burning dump emits 3 g/s of
    // nitrogen oxides; overcast night, wind 7 m/s → class D; ground-level source, receptor on
    // the ground on the centreline 3 km downwind. With σy = 190 m and σz = 65 m read from the
    // P-G curves, C = Q / (π u σy σz) ≈ 1.1e-5 g/m³.
    let s = Sigmas {
        y_m: 190.0,
        z_m: 65.0,
    };
    let c = plume(3.0, 7.0, 0.0, s, 0.0, 0.0);
    rel(c, 3.0 / (PI * 7.0 * 190.0 * 65.0), TOL);
    rel(c, 1.1e-5, 0.01);
    // The ISC3 fit of the same curves gives σy ≈ 185 m, σz ≈ 65 m at 3 km: within 5 %.
    let isc3 = plume_at(
        SigmaSet::Isc3Rural,
        Stability::D,
        3.0,
        7.0,
        0.0,
        3000.0,
        0.0,
        0.0,
    );
    rel(isc3, 1.1e-5, 0.05);
}

#[test]
fn plume_equation_3_1_term_by_term() {
    let (q, u, h): (f64, f64, f64) = (250.0, 4.0, 30.0);
    let s = Sigmas {
        y_m: 80.0,
        z_m: 40.0,
    };
    let (y, z): (f64, f64) = (35.0, 1.5);
    let want = q / (2.0 * PI * u * s.y_m * s.z_m)
        * (-(y * y) / (2.0 * 80.0 * 80.0)).exp()
        * ((-(z - h) * (z - h) / (2.0 * 40.0 * 40.0)).exp()
            + (-(z + h) * (z + h) / (2.0 * 40.0 * 40.0)).exp());
    rel(plume(q, u, h, s, y, z), want, TOL);
    // Elevated source, ground-level centreline: Q/(π u σy σz) · exp(−H²/2σz²).
    rel(
        plume(q, u, h, s, 0.0, 0.0),
        q / (PI * u * 80.0 * 40.0) * (-(h * h) / (2.0 * 40.0 * 40.0)).exp(),
        TOL,
    );
}

#[test]
fn plume_at_uses_the_set_and_is_zero_upwind() {
    let s = sigmas(SigmaSet::BriggsRural, Stability::D, 800.0);
    rel(
        plume_at(
            SigmaSet::BriggsRural,
            Stability::D,
            100.0,
            3.0,
            0.0,
            800.0,
            0.0,
            0.0,
        ),
        100.0 / (PI * 3.0 * s.y_m * s.z_m),
        TOL,
    );
    for x in [0.0, -1.0, -500.0, f64::NAN] {
        assert_eq!(
            plume_at(
                SigmaSet::BriggsRural,
                Stability::D,
                100.0,
                3.0,
                0.0,
                x,
                0.0,
                0.0
            ),
            0.0
        );
    }
    // Degenerate wind gives 0, not infinity.
    assert_eq!(plume(1.0, 0.0, 0.0, s, 0.0, 0.0), 0.0);
}

#[test]
fn puff_equation_term_by_term() {
    let (m, u, t, h): (f64, f64, f64, f64) = (5.0e4, 2.0, 300.0, 5.0);
    let s = PuffSigmas {
        x_m: 40.0,
        y_m: 40.0,
        z_m: 20.0,
    };
    let (x, y, z): (f64, f64, f64) = (630.0, 25.0, 1.5);
    let want = m / ((2.0 * PI).powf(1.5) * 40.0 * 40.0 * 20.0)
        * (-((x - u * t) * (x - u * t)) / (2.0 * 40.0 * 40.0)).exp()
        * (-(y * y) / (2.0 * 40.0 * 40.0)).exp()
        * ((-(z - h) * (z - h) / (2.0 * 20.0 * 20.0)).exp()
            + (-(z + h) * (z + h) / (2.0 * 20.0 * 20.0)).exp());
    rel(puff(m, u, t, h, s, x, y, z), want, TOL);
    // puff_at takes σ at the centre's travel distance u·t.
    let p = puff_sigmas(Stability::D, u * t);
    rel(
        puff_at(Stability::D, m, u, t, h, x, y, z),
        puff(m, u, t, h, p, x, y, z),
        TOL,
    );
    // Ground-level source and receptor, centre overhead: 2M / ((2π)^{3/2} σx σy σz).
    let p = puff_sigmas(Stability::F, 1000.0);
    rel(
        puff_peak(Stability::F, m, 0.0, 1000.0, 0.0, 0.0),
        2.0 * m / ((2.0 * PI).powf(1.5) * p.x_m * p.y_m * p.z_m),
        TOL,
    );
    assert_eq!(puff(m, u, -1.0, h, s, x, y, z), 0.0);
    assert_eq!(puff_peak(Stability::F, m, 0.0, 0.0, 0.0, 0.0), 0.0);
}

#[test]
fn puff_integral_over_half_space_is_the_mass() {
    // Midpoint rule over ±6σ horizontally and 0 … H + 6σz vertically.
    let m = 1000.0;
    let s = PuffSigmas {
        x_m: 30.0,
        y_m: 30.0,
        z_m: 12.0,
    };
    let (u, t, h) = (3.0, 100.0, 10.0);
    let n = 60;
    let (dx, dy) = (12.0 * s.x_m / n as f64, 12.0 * s.y_m / n as f64);
    let zmax = h + 6.0 * s.z_m;
    let dz = zmax / n as f64;
    let mut total = 0.0;
    for i in 0..n {
        let x = u * t - 6.0 * s.x_m + (i as f64 + 0.5) * dx;
        for j in 0..n {
            let y = -6.0 * s.y_m + (j as f64 + 0.5) * dy;
            for k in 0..n {
                let z = (k as f64 + 0.5) * dz;
                total += puff(m, u, t, h, s, x, y, z) * dx * dy * dz;
            }
        }
    }
    rel(total, m, 1e-3);
}

#[test]
fn wind_power_law_section_4() {
    // Rural D: p = 0.15; urban F: p = 0.30.
    rel(
        wind_at_height(3.0, 50.0, Stability::D, Terrain::Rural),
        3.0 * (50.0f64 / 10.0).powf(0.15),
        TOL,
    );
    rel(
        wind_at_height(2.0, 80.0, Stability::F, Terrain::Urban),
        2.0 * (80.0f64 / 10.0).powf(0.30),
        TOL,
    );
    rel(
        wind_at_height(2.0, 30.0, Stability::F, Terrain::Rural),
        2.0 * 3.0f64.powf(0.55),
        TOL,
    );
    // Below 10 m: the 10 m wind as it is.
    for class in Stability::ALL {
        assert_eq!(wind_at_height(4.0, 0.0, class, Terrain::Rural), 4.0);
        assert_eq!(wind_at_height(4.0, 2.0, class, Terrain::Urban), 4.0);
    }
}
