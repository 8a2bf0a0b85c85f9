//! Dispersion coefficients σy, σz (and the puff's σx) by Pasquill–Gifford stability class.
//!
//! Four plume sets, named so every result can record which one it used
//! (`docs/domain/hazmat.md` §3):
//!
//! * [`SigmaSet::BriggsRural`] — Briggs (1973) open country, as tabulated in Gifford (1976) and
//!   AIChE/CCPS (1999) (hazmat.md §3.1). x in **metres**.
//! * [`SigmaSet::BriggsUrban`] — Briggs (1973) urban, from the McElroy–Pooler data; the EPA ISC3
//!   urban option (hazmat.md §3.2). x in **metres**.
//! * [`SigmaSet::Isc3Rural`] — the Turner (1970) P-G curves as fitted in EPA ISC3,
//!   EPA-454/B-95-003b Tables 1-1 (σy) and 1-2 (σz) (hazmat.md §3.3). x in **kilometres**; σz
//!   capped at 5000 m; a distance exactly on a band boundary belongs to the lower band ("≤").
//! * [`SigmaSet::Martin1976`] — Martin, *JAPCA* 26:145 (1976), as reproduced in Masters & Ela
//!   Table 7.8 (hazmat.md §3.4). x in **kilometres**; two σz branches (x < 1 km, x ≥ 1 km).
//!
//! The puff set ([`puff_sigmas`]) is CCPS (1999) after Slade (1968) (hazmat.md §2.2).
//!
//! # Valid range and clamping
//!
//! The sets are fitted for roughly 100 m – 10 km (hazmat.md §6) and diverge outside it; Martin's
//! σz turns negative a few tens of metres from the source (hazmat.md §5). [`sigmas`] therefore
//! **clamps x to [`X_MIN_M`] … [`X_MAX_M`]** (100 m – 10 km) before evaluating any set: closer
//! than 100 m the σ at 100 m is used, farther than 10 km the σ at 10 km. [`sigmas_unclamped`]
//! evaluates the published formula at x as given (x > 0), for callers that need the ISC3 bands
//! beyond 10 km; its Martin σz is floored at 0.

use serde::{Deserialize, Serialize};

jingwu_core::text_enum! {
    /// Pasquill–Gifford stability class (Turner's G, extremely stable, is merged into F).
    pub enum Stability: "stability class" {
        A = "A" ("A 类（极不稳定）", "A (very unstable)"),
        B = "B" ("B 类（中等不稳定）", "B (moderately unstable)"),
        C = "C" ("C 类（弱不稳定）", "C (slightly unstable)"),
        D = "D" ("D 类（中性）", "D (neutral)"),
        E = "E" ("E 类（较稳定）", "E (slightly stable)"),
        F = "F" ("F 类（稳定）", "F (moderately stable)"),
    }
}

jingwu_core::text_enum! {
    /// A named σy/σz formula set (hazmat.md §3).
    pub enum SigmaSet: "sigma set" {
        BriggsRural = "briggs_rural" ("Briggs 开阔乡村", "Briggs rural"),
        BriggsUrban = "briggs_urban" ("Briggs 城市", "Briggs urban"),
        Isc3Rural = "isc3_rural" ("ISC3 乡村（Turner P-G 曲线拟合）", "ISC3 rural (Turner P-G fit)"),
        Martin1976 = "martin1976" ("Martin (1976)", "Martin (1976)"),
    }
}

/// Smallest downwind distance at which the plume sets are evaluated (m); closer distances are
/// clamped to it.
pub const X_MIN_M: f64 = 100.0;
/// Largest downwind distance at which the plume sets are evaluated (m); farther distances are
/// clamped to it. Results beyond it are reported as "> 10 km".
pub const X_MAX_M: f64 = 10_000.0;
/// ISC3's cap on σz (EPA-454/B-95-003b; hazmat.md §3.3).
pub const ISC3_SIGMA_Z_CAP_M: f64 = 5000.0;
/// Smallest travel distance at which the puff σ are evaluated (m), so that a puff at its
/// source has a finite size.
pub const PUFF_X_MIN_M: f64 = 1.0;

/// Horizontal and vertical dispersion coefficients at one downwind distance.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Sigmas {
    pub y_m: f64,
    pub z_m: f64,
}

/// The puff's dispersion coefficients (σx = σy in the CCPS set).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct PuffSigmas {
    pub x_m: f64,
    pub y_m: f64,
    pub z_m: f64,
}

/// σy and σz of `set` for `class` at downwind distance `x_m` (metres), x clamped to
/// [`X_MIN_M`] … [`X_MAX_M`] first (see the module documentation). A NaN distance gives NaN.
pub fn sigmas(set: SigmaSet, class: Stability, x_m: f64) -> Sigmas {
    sigmas_unclamped(set, class, x_m.clamp(X_MIN_M, X_MAX_M))
}

/// σy and σz of `set` for `class` at `x_m` (metres, > 0) without clamping x: the published
/// formula as it stands (ISC3 σz still capped at 5000 m, Martin σz floored at 0).
pub fn sigmas_unclamped(set: SigmaSet, class: Stability, x_m: f64) -> Sigmas {
    match set {
        SigmaSet::BriggsRural => briggs_rural(class, x_m),
        SigmaSet::BriggsUrban => briggs_urban(class, x_m),
        SigmaSet::Isc3Rural => isc3_rural(class, x_m / 1000.0),
        SigmaSet::Martin1976 => martin1976(class, x_m / 1000.0),
    }
}

/// Briggs (1973) open-country set, x in m (hazmat.md §3.1, Gifford 1976 / CCPS 1999).
fn briggs_rural(class: Stability, x: f64) -> Sigmas {
    let sy = |a: f64| a * x / (1.0 + 0.0001 * x).sqrt();
    match class {
        Stability::A => Sigmas {
            y_m: sy(0.22),
            z_m: 0.20 * x,
        },
        Stability::B => Sigmas {
            y_m: sy(0.16),
            z_m: 0.12 * x,
        },
        Stability::C => Sigmas {
            y_m: sy(0.11),
            z_m: 0.08 * x / (1.0 + 0.0002 * x).sqrt(),
        },
        Stability::D => Sigmas {
            y_m: sy(0.08),
            z_m: 0.06 * x / (1.0 + 0.0015 * x).sqrt(),
        },
        Stability::E => Sigmas {
            y_m: sy(0.06),
            z_m: 0.03 * x / (1.0 + 0.0003 * x),
        },
        Stability::F => Sigmas {
            y_m: sy(0.04),
            z_m: 0.016 * x / (1.0 + 0.0003 * x),
        },
    }
}

/// Briggs (1973) urban set (McElroy–Pooler; ISC3 urban), x in m (hazmat.md §3.2). A and B share
/// one row, E and F another.
fn briggs_urban(class: Stability, x: f64) -> Sigmas {
    let sy = |a: f64| a * x / (1.0 + 0.0004 * x).sqrt();
    match class {
        Stability::A | Stability::B => Sigmas {
            y_m: sy(0.32),
            z_m: 0.24 * x * (1.0 + 0.001 * x).sqrt(),
        },
        Stability::C => Sigmas {
            y_m: sy(0.22),
            z_m: 0.20 * x,
        },
        Stability::D => Sigmas {
            y_m: sy(0.16),
            z_m: 0.14 * x / (1.0 + 0.0003 * x).sqrt(),
        },
        Stability::E | Stability::F => Sigmas {
            y_m: sy(0.11),
            z_m: 0.08 * x / (1.0 + 0.0015 * x).sqrt(),
        },
    }
}

/// ISC3 σz bands: (upper bound of the band in km, a, b); the last band's bound is infinite.
/// EPA-454/B-95-003b Table 1-2 (hazmat.md §3.3).
const ISC3_SZ_A: &[(f64, f64, f64)] = &[
    (0.10, 122.800, 0.94470),
    (0.15, 158.080, 1.05420),
    (0.20, 170.220, 1.09320),
    (0.25, 179.520, 1.12620),
    (0.30, 217.410, 1.26440),
    (0.40, 258.890, 1.40940),
    (0.50, 346.750, 1.72830),
    (f64::INFINITY, 453.850, 2.11660),
];
const ISC3_SZ_B: &[(f64, f64, f64)] = &[
    (0.20, 90.673, 0.93198),
    (0.40, 98.483, 0.98332),
    (f64::INFINITY, 109.300, 1.09710),
];
const ISC3_SZ_C: &[(f64, f64, f64)] = &[(f64::INFINITY, 61.141, 0.91465)];
const ISC3_SZ_D: &[(f64, f64, f64)] = &[
    (0.30, 34.459, 0.86974),
    (1.0, 32.093, 0.81066),
    (3.0, 32.093, 0.64403),
    (10.0, 33.504, 0.60486),
    (30.0, 36.650, 0.56589),
    (f64::INFINITY, 44.053, 0.51179),
];
const ISC3_SZ_E: &[(f64, f64, f64)] = &[
    (0.10, 24.260, 0.83660),
    (0.30, 23.331, 0.81956),
    (1.0, 21.628, 0.75660),
    (2.0, 21.628, 0.63077),
    (4.0, 22.534, 0.57154),
    (10.0, 24.703, 0.50527),
    (20.0, 26.970, 0.46713),
    (40.0, 35.420, 0.37615),
    (f64::INFINITY, 47.618, 0.29592),
];
const ISC3_SZ_F: &[(f64, f64, f64)] = &[
    (0.20, 15.209, 0.81558),
    (0.70, 14.457, 0.78407),
    (1.0, 13.953, 0.68465),
    (2.0, 13.953, 0.63227),
    (3.0, 14.823, 0.54503),
    (7.0, 16.187, 0.46490),
    (15.0, 17.836, 0.41507),
    (30.0, 22.651, 0.32681),
    (60.0, 27.074, 0.27436),
    (f64::INFINITY, 34.219, 0.21716),
];

/// ISC3 rural (Turner P-G fit), x in **km** (EPA-454/B-95-003b Tables 1-1 and 1-2).
fn isc3_rural(class: Stability, xk: f64) -> Sigmas {
    // Table 1-1: σy = 465.11628 · x · tan(TH), TH = 0.017453293 · (c − d · ln x).
    let (c, d, bands) = match class {
        Stability::A => (24.1670, 2.5334, ISC3_SZ_A),
        Stability::B => (18.3330, 1.8096, ISC3_SZ_B),
        Stability::C => (12.5000, 1.0857, ISC3_SZ_C),
        Stability::D => (8.3330, 0.72382, ISC3_SZ_D),
        Stability::E => (6.2500, 0.54287, ISC3_SZ_E),
        Stability::F => (4.1667, 0.36191, ISC3_SZ_F),
    };
    let th = 0.017453293 * (c - d * xk.ln());
    let y_m = 465.11628 * xk * th.tan();
    let (a, b) = bands
        .iter()
        .find(|(upper, _, _)| xk <= *upper)
        .map_or((f64::NAN, f64::NAN), |&(_, a, b)| (a, b));
    let z_m = (a * xk.powf(b)).min(ISC3_SIGMA_Z_CAP_M);
    Sigmas { y_m, z_m }
}

/// Martin (1976), x in **km** (Masters & Ela Table 7.8; hazmat.md §3.4, with the §5 typos
/// corrected: B c = 106.6, F c = 62.6, E f = −1.3). σz floored at 0.
fn martin1976(class: Stability, xk: f64) -> Sigmas {
    let a = match class {
        Stability::A => 213.0,
        Stability::B => 156.0,
        Stability::C => 104.0,
        Stability::D => 68.0,
        Stability::E => 50.5,
        Stability::F => 34.0,
    };
    let (c, d, f) = if xk < 1.0 {
        match class {
            Stability::A => (440.8, 1.941, 9.27),
            Stability::B => (106.6, 1.149, 3.3),
            Stability::C => (61.0, 0.911, 0.0),
            Stability::D => (33.2, 0.725, -1.7),
            Stability::E => (22.8, 0.678, -1.3),
            Stability::F => (14.35, 0.740, -0.35),
        }
    } else {
        match class {
            Stability::A => (459.7, 2.094, -9.6),
            Stability::B => (108.2, 1.098, 2.0),
            Stability::C => (61.0, 0.911, 0.0),
            Stability::D => (44.5, 0.516, -13.0),
            Stability::E => (55.4, 0.305, -34.0),
            Stability::F => (62.6, 0.180, -48.6),
        }
    };
    Sigmas {
        y_m: a * xk.powf(0.894),
        z_m: (c * xk.powf(d) + f).max(0.0),
    }
}

/// The CCPS (1999) puff coefficients (after Slade 1968; hazmat.md §2.2) at travel distance
/// `x_m` of the puff centre (metres), σx = σy. x is clamped to [`PUFF_X_MIN_M`] … [`X_MAX_M`].
pub fn puff_sigmas(class: Stability, x_m: f64) -> PuffSigmas {
    let x = x_m.clamp(PUFF_X_MIN_M, X_MAX_M);
    let (ay, by, az, bz) = match class {
        Stability::A => (0.18, 0.92, 0.60, 0.75),
        Stability::B => (0.14, 0.92, 0.53, 0.73),
        Stability::C => (0.10, 0.92, 0.34, 0.71),
        Stability::D => (0.06, 0.92, 0.15, 0.70),
        Stability::E => (0.04, 0.92, 0.10, 0.65),
        Stability::F => (0.02, 0.89, 0.05, 0.61),
    };
    let y = ay * x.powf(by);
    PuffSigmas {
        x_m: y,
        y_m: y,
        z_m: az * x.powf(bz),
    }
}
