//! Source re-estimation recovers Q from synthetic readings made with a known Q.

use jingwu_hazmat::dispersion::{plume_at, puff_peak};
use jingwu_hazmat::source_fit::{FieldReading, FitError, fit_release_rate};
use jingwu_hazmat::zone::{Release, from_downwind};

use crate::rel;
use crate::zone::{SOURCE, input};

/// Deterministic pseudo-random numbers in (0, 1) (a 64-bit LCG, Knuth's MMIX constants).
struct Lcg(u64);
impl Lcg {
    fn next(&mut self) -> f64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    }
    /// Approximately standard normal (sum of 12 uniforms − 6).
    fn normal(&mut self) -> f64 {
        (0..12).map(|_| self.next()).sum::<f64>() - 6.0
    }
}

#[test]
fn recovers_q_exactly_without_noise_and_closely_with_it() {
    let inp = input();
    let q = 350.0;
    let toward = 225.0;
    let mut rng = Lcg(7);
    let points: Vec<(f64, f64)> = (0..60)
        .map(|_| (150.0 + 4000.0 * rng.next(), (rng.next() - 0.5) * 300.0))
        .collect();
    let exact: Vec<FieldReading> = points
        .iter()
        .map(|&(x, y)| FieldReading {
            at: from_downwind(SOURCE, toward, x, y),
            g_m3: plume_at(inp.sigma_set, inp.stability, q, 3.0, 0.0, x, y, 1.5),
        })
        .collect();
    let fit = fit_release_rate(&inp, &exact).unwrap();
    rel(fit.q_g_s, q, 1e-6);
    assert_eq!((fit.used, fit.rejected), (60, 0));
    assert!(fit.log_rms < 1e-6);
    assert_eq!(fit.release, Release::Continuous { q_g_s: fit.q_g_s });

    // Log-normal noise with σ = 0.3: the estimate's standard error is 0.3/√60 ≈ 0.04.
    let noisy: Vec<FieldReading> = exact
        .iter()
        .map(|r| FieldReading {
            at: r.at,
            g_m3: r.g_m3 * (0.3 * rng.normal()).exp(),
        })
        .collect();
    let fit = fit_release_rate(&inp, &noisy).unwrap();
    rel(fit.q_g_s, q, 0.15);
    assert!(fit.log_rms > 0.15 && fit.log_rms < 0.45, "{}", fit.log_rms);
}

#[test]
fn rejects_upwind_zero_and_off_plume_readings() {
    let inp = input();
    let good = FieldReading {
        at: from_downwind(SOURCE, 225.0, 500.0, 0.0),
        g_m3: plume_at(
            inp.sigma_set,
            inp.stability,
            80.0,
            3.0,
            0.0,
            500.0,
            0.0,
            1.5,
        ),
    };
    let readings = [
        good,
        FieldReading {
            at: from_downwind(SOURCE, 225.0, -300.0, 0.0),
            g_m3: 0.01,
        },
        FieldReading {
            at: from_downwind(SOURCE, 225.0, 800.0, 0.0),
            g_m3: 0.0,
        },
        FieldReading {
            at: from_downwind(SOURCE, 225.0, 200.0, 5000.0),
            g_m3: 0.01,
        },
        FieldReading {
            at: from_downwind(SOURCE, 225.0, 200.0, 10.0),
            g_m3: f64::NAN,
        },
    ];
    let fit = fit_release_rate(&inp, &readings).unwrap();
    assert_eq!((fit.used, fit.rejected), (1, 4));
    rel(fit.q_g_s, 80.0, 1e-6);
    assert_eq!(
        fit_release_rate(&inp, &readings[1..]),
        Err(FitError::NoUsableReadings { rejected: 4 })
    );
    assert!(matches!(
        fit_release_rate(&inp, &[]),
        Err(FitError::NoUsableReadings { rejected: 0 })
    ));
    let mut bad = input();
    bad.wind_from_deg = 361.0;
    let e = fit_release_rate(&bad, &readings).unwrap_err();
    assert!(e.to_string().starts_with("wind_from_deg"), "{e}");
}

#[test]
fn instantaneous_release_fits_the_mass() {
    let mut inp = input();
    inp.release = Release::Instantaneous { m_g: 1.0 };
    let m = 20_000.0;
    let readings: Vec<FieldReading> = [(300.0, 0.0), (700.0, 20.0), (1500.0, -40.0)]
        .iter()
        .map(|&(x, y)| FieldReading {
            at: from_downwind(SOURCE, 225.0, x, y),
            g_m3: puff_peak(inp.stability, m, 0.0, x, y, 1.5),
        })
        .collect();
    let fit = fit_release_rate(&inp, &readings).unwrap();
    rel(fit.q_g_s, m, 1e-6);
    assert!(matches!(fit.release, Release::Instantaneous { .. }));
}
