//! Every σ set and class at 150 m, 500 m, 2 km and 8 km (ISC3 at 160 m, 450 m, 2.5 km, 8 km,
//! away from its band breakpoints), against the published expressions written out by hand.

use jingwu_hazmat::sigma::{
    self, ISC3_SIGMA_Z_CAP_M, SigmaSet, Stability, X_MAX_M, X_MIN_M, puff_sigmas, sigmas,
    sigmas_unclamped,
};

use crate::{TOL, rel};

const XS: [f64; 4] = [150.0, 500.0, 2000.0, 8000.0];

fn check(set: SigmaSet, class: Stability, x: f64, sy: f64, sz: f64) {
    let s = sigmas(set, class, x);
    rel(s.y_m, sy, TOL);
    rel(s.z_m, sz, TOL);
}

#[test]
fn briggs_rural_table_3_1() {
    for x in XS {
        let r = (1.0 + 0.0001 * x).powf(-0.5);
        check(
            SigmaSet::BriggsRural,
            Stability::A,
            x,
            0.22 * x * r,
            0.20 * x,
        );
        check(
            SigmaSet::BriggsRural,
            Stability::B,
            x,
            0.16 * x * r,
            0.12 * x,
        );
        check(
            SigmaSet::BriggsRural,
            Stability::C,
            x,
            0.11 * x * r,
            0.08 * x * (1.0 + 0.0002 * x).powf(-0.5),
        );
        check(
            SigmaSet::BriggsRural,
            Stability::D,
            x,
            0.08 * x * r,
            0.06 * x * (1.0 + 0.0015 * x).powf(-0.5),
        );
        check(
            SigmaSet::BriggsRural,
            Stability::E,
            x,
            0.06 * x * r,
            0.03 * x * (1.0 + 0.0003 * x).powf(-1.0),
        );
        check(
            SigmaSet::BriggsRural,
            Stability::F,
            x,
            0.04 * x * r,
            0.016 * x * (1.0 + 0.0003 * x).powf(-1.0),
        );
    }
}

#[test]
fn briggs_urban_table_3_2() {
    for x in XS {
        let r = (1.0 + 0.0004 * x).powf(-0.5);
        for class in [Stability::A, Stability::B] {
            check(
                SigmaSet::BriggsUrban,
                class,
                x,
                0.32 * x * r,
                0.24 * x * (1.0 + 0.001 * x).powf(0.5),
            );
        }
        check(
            SigmaSet::BriggsUrban,
            Stability::C,
            x,
            0.22 * x * r,
            0.20 * x,
        );
        check(
            SigmaSet::BriggsUrban,
            Stability::D,
            x,
            0.16 * x * r,
            0.14 * x * (1.0 + 0.0003 * x).powf(-0.5),
        );
        for class in [Stability::E, Stability::F] {
            check(
                SigmaSet::BriggsUrban,
                class,
                x,
                0.11 * x * r,
                0.08 * x * (1.0 + 0.0015 * x).powf(-0.5),
            );
        }
    }
}

/// ISC3 σy: 465.11628 · x · tan(0.017453293 · (c − d ln x)), x in km.
fn isc3_sy(xk: f64, c: f64, d: f64) -> f64 {
    465.11628 * xk * (0.017453293 * (c - d * xk.ln())).tan()
}

#[test]
fn isc3_rural_tables_1_1_and_1_2_in_km() {
    // (class, c, d, [(x km, a, b) for 0.16, 0.45, 2.5, 8 km]) — a and b read from the band
    // that holds each distance.
    type Row = (Stability, f64, f64, [(f64, f64, f64); 4]);
    let rows: [Row; 6] = [
        (
            Stability::A,
            24.1670,
            2.5334,
            [
                (0.16, 170.220, 1.09320),
                (0.45, 346.750, 1.72830),
                (2.5, 453.850, 2.11660),
                (8.0, 453.850, 2.11660),
            ],
        ),
        (
            Stability::B,
            18.3330,
            1.8096,
            [
                (0.16, 90.673, 0.93198),
                (0.45, 109.300, 1.09710),
                (2.5, 109.300, 1.09710),
                (8.0, 109.300, 1.09710),
            ],
        ),
        (
            Stability::C,
            12.5000,
            1.0857,
            [
                (0.16, 61.141, 0.91465),
                (0.45, 61.141, 0.91465),
                (2.5, 61.141, 0.91465),
                (8.0, 61.141, 0.91465),
            ],
        ),
        (
            Stability::D,
            8.3330,
            0.72382,
            [
                (0.16, 34.459, 0.86974),
                (0.45, 32.093, 0.81066),
                (2.5, 32.093, 0.64403),
                (8.0, 33.504, 0.60486),
            ],
        ),
        (
            Stability::E,
            6.2500,
            0.54287,
            [
                (0.16, 23.331, 0.81956),
                (0.45, 21.628, 0.75660),
                (2.5, 22.534, 0.57154),
                (8.0, 24.703, 0.50527),
            ],
        ),
        (
            Stability::F,
            4.1667,
            0.36191,
            [
                (0.16, 15.209, 0.81558),
                (0.45, 14.457, 0.78407),
                (2.5, 14.823, 0.54503),
                (8.0, 17.836, 0.41507),
            ],
        ),
    ];
    for (class, c, d, cells) in rows {
        for (xk, a, b) in cells {
            let sz = (a * xk.powf(b)).min(5000.0);
            check(
                SigmaSet::Isc3Rural,
                class,
                xk * 1000.0,
                isc3_sy(xk, c, d),
                sz,
            );
        }
    }
    // The cap bites for A at 8 km (453.85 · 8^2.1166 ≈ 37 000 m).
    assert_eq!(
        sigmas(SigmaSet::Isc3Rural, Stability::A, 8000.0).z_m,
        ISC3_SIGMA_Z_CAP_M
    );
    // … and only beyond about 3.11 km.
    assert!(sigmas(SigmaSet::Isc3Rural, Stability::A, 3000.0).z_m < 5000.0);
    assert_eq!(
        sigmas(SigmaSet::Isc3Rural, Stability::A, 3200.0).z_m,
        ISC3_SIGMA_Z_CAP_M
    );
}

#[test]
fn isc3_breakpoints_agree_within_5e_4() {
    // At an exact breakpoint the two neighbouring bands differ by at most ~4e-4 (hazmat.md
    // §3.3); Jingwu takes the lower band ("≤").
    let cases = [
        (Stability::A, 0.10, (122.800, 0.94470), (158.080, 1.05420)),
        (Stability::A, 0.50, (346.750, 1.72830), (453.850, 2.11660)),
        (Stability::B, 0.40, (98.483, 0.98332), (109.300, 1.09710)),
        (Stability::D, 3.0, (32.093, 0.64403), (33.504, 0.60486)),
        (Stability::F, 7.0, (16.187, 0.46490), (17.836, 0.41507)),
    ];
    for (class, xk, (a1, b1), (a2, b2)) in cases {
        let got = sigmas(SigmaSet::Isc3Rural, class, xk * 1000.0).z_m;
        rel(got, a1 * xk.powf(b1), TOL);
        rel(got, a2 * xk.powf(b2), 5e-4);
    }
}

#[test]
fn isc3_bands_beyond_10_km_unclamped() {
    let s = sigmas_unclamped(SigmaSet::Isc3Rural, Stability::D, 20_000.0);
    rel(s.z_m, 36.650 * 20f64.powf(0.56589), TOL);
    rel(s.y_m, isc3_sy(20.0, 8.3330, 0.72382), TOL);
    // Clamped: the 10 km value.
    assert_eq!(
        sigmas(SigmaSet::Isc3Rural, Stability::D, 20_000.0),
        sigmas(SigmaSet::Isc3Rural, Stability::D, X_MAX_M)
    );
}

#[test]
fn martin_1976_in_km_with_the_typos_corrected() {
    let a = [213.0, 156.0, 104.0, 68.0, 50.5, 34.0];
    let near = [
        (440.8, 1.941, 9.27),
        (106.6, 1.149, 3.3),
        (61.0, 0.911, 0.0),
        (33.2, 0.725, -1.7),
        (22.8, 0.678, -1.3),
        (14.35, 0.740, -0.35),
    ];
    let far = [
        (459.7, 2.094, -9.6),
        (108.2, 1.098, 2.0),
        (61.0, 0.911, 0.0),
        (44.5, 0.516, -13.0),
        (55.4, 0.305, -34.0),
        (62.6, 0.180, -48.6),
    ];
    for (i, class) in Stability::ALL.into_iter().enumerate() {
        for x in XS {
            let xk = x / 1000.0;
            let (c, d, f) = if xk < 1.0 { near[i] } else { far[i] };
            check(
                SigmaSet::Martin1976,
                class,
                x,
                a[i] * xk.powf(0.894),
                c * xk.powf(d) + f,
            );
        }
    }
}

#[test]
fn martin_branches_meet_near_1_km() {
    for class in Stability::ALL {
        let below = sigmas(SigmaSet::Martin1976, class, 999.999).z_m;
        let at = sigmas(SigmaSet::Martin1976, class, 1000.0).z_m;
        assert!(
            (below - at).abs() / at < 0.01,
            "{class}: {below} vs {at} at 1 km"
        );
    }
    let a = sigmas(SigmaSet::Martin1976, Stability::A, 1000.0).z_m;
    let b = sigmas(SigmaSet::Martin1976, Stability::B, 1000.0).z_m;
    assert!((a - 450.0).abs() < 1.0, "A {a}");
    assert!((b - 110.0).abs() < 0.5, "B {b}");
}

#[test]
fn martin_sigma_z_never_negative() {
    // Unclamped, class D would be negative below ~17 m; clamping x to 100 m prevents it.
    for class in Stability::ALL {
        for x in [0.0, 1e-3, 1.0, 10.0, 17.0, 50.0, 99.0, 100.0, 1e4, 1e6] {
            let s = sigmas(SigmaSet::Martin1976, class, x);
            assert!(s.z_m > 0.0 && s.y_m > 0.0, "{class} at {x} m: {s:?}");
            assert!(sigmas_unclamped(SigmaSet::Martin1976, class, x.max(1e-3)).z_m >= 0.0);
        }
    }
    assert_eq!(
        sigmas(SigmaSet::Martin1976, Stability::D, 10.0),
        sigmas(SigmaSet::Martin1976, Stability::D, X_MIN_M)
    );
}

#[test]
fn ccps_puff_sigmas_section_2_2() {
    for x in [50.0f64, 150.0, 500.0, 2000.0, 8000.0] {
        let cells = [
            (Stability::A, 0.18 * x.powf(0.92), 0.60 * x.powf(0.75)),
            (Stability::B, 0.14 * x.powf(0.92), 0.53 * x.powf(0.73)),
            (Stability::C, 0.10 * x.powf(0.92), 0.34 * x.powf(0.71)),
            (Stability::D, 0.06 * x.powf(0.92), 0.15 * x.powf(0.70)),
            (Stability::E, 0.04 * x.powf(0.92), 0.10 * x.powf(0.65)),
            (Stability::F, 0.02 * x.powf(0.89), 0.05 * x.powf(0.61)),
        ];
        for (class, sy, sz) in cells {
            let p = puff_sigmas(class, x);
            rel(p.x_m, sy, TOL);
            rel(p.y_m, sy, TOL);
            rel(p.z_m, sz, TOL);
        }
    }
    assert_eq!(
        puff_sigmas(Stability::D, 0.0),
        puff_sigmas(Stability::D, sigma::PUFF_X_MIN_M)
    );
}

#[test]
fn codes_and_labels() {
    assert_eq!(SigmaSet::parse("isc3_rural").unwrap(), SigmaSet::Isc3Rural);
    assert_eq!(Stability::parse("F").unwrap(), Stability::F);
    assert_eq!(Stability::A.label_en(), "A (very unstable)");
    assert_eq!(
        serde_json::to_string(&SigmaSet::Martin1976).unwrap(),
        "\"martin1976\""
    );
}
